/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The --smccc-handler processes of one hvmm: started once before the first
 * boot (before any sandbox filter), kept across in-process reboots, stopped
 * at exit. handler_set_ask is what a vCPU thread calls to have a guest's
 * SMCCC call answered; the VMM's fw_user_handlers.ask wraps it.
 */
#ifndef HVMM_HANDLER_HANDLERS_H
#define HVMM_HANDLER_HANDLERS_H

#include <poll.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/types.h>

#include "firmware/smccc_call.h"
#include "firmware/user_service.h"
#include "process.h"
#include "spec.h"

struct handler_set {
	unsigned int nr;
	struct handler_spec spec[HANDLER_MAX];
	struct fw_user_range range[HANDLER_MAX];   /* spec's ranges, for fw_user_handlers */
	struct handler_proc proc[HANDLER_MAX];
	atomic_bool reported[HANDLER_MAX];         /* its failure has been told once */
};

/* Start specs[0..nr) (nr <= HANDLER_MAX), in order; the commands must
 * outlive the set. 0, or -errno with a one-line reason in err naming the
 * handler (those already started are stopped again). */
int handler_set_start(struct handler_set *s, const struct handler_spec *specs, unsigned int nr,
		      char *err, size_t errlen);

/* Every handler's time to answer a call (0: no limit); before any call. */
void handler_set_timeout(struct handler_set *s, unsigned int ms);

/* Stop them all (handler_proc_stop_all); no other thread may use the set. */
void handler_set_stop(struct handler_set *s);

/*
 * Have handler i answer the call c: reads x1..x7 (smccc_arg: SMC32 calls
 * pass their low halves), sends the request, waits for the answer and puts
 * it in c (smccc_reply_regs, or smccc_reply_not_supported). From any
 * vCPU thread; calls to one handler take turns. 0; -EINTR: *stop was
 * raised while waiting (nothing is put in c); -EIO: reading a register
 * failed. A handler that fails (it ends, closes a pipe, answers something
 * malformed or not in time) is of no more use: this call and every later
 * one get NOT_SUPPORTED in c, and the first caller to see the failure gets
 * -EPIPE with a one-line reason in err naming the handler, what it did and
 * the call (the others get 0).
 */
int handler_set_ask(struct handler_set *s, unsigned int i, struct smccc_call *c, const atomic_bool *stop,
		    char *err, size_t errlen);

/* For a thread watching the handlers while the guest runs: one pollfd per
 * handler (events 0: only a hang-up wakes it; the pipes are read by vCPU
 * threads alone) into fds[0..HANDLER_MAX); returns how many. */
unsigned int handler_set_pollfds(const struct handler_set *s, struct pollfd *fds);

/* After such a poll(): -EPIPE with a one-line reason in err if a handler
 * has closed its output (it exited, most likely) and its failure was not
 * told yet (it is now: the handler is of no more use, as in
 * handler_set_ask), else 0. A failed handler's pollfd is left out (fd -1). */
int handler_set_check_hangup(struct handler_set *s, char *err, size_t errlen);

/* For the sandbox: the descriptors vCPU threads read (the handlers'
 * output) and write (their input), and the handlers' process ids, whose
 * process groups the main thread kills at exit. Each array has room for
 * HANDLER_MAX; each returns how many. */
unsigned int handler_set_read_fds(const struct handler_set *s, int *fds);
unsigned int handler_set_write_fds(const struct handler_set *s, int *fds);
unsigned int handler_set_pids(const struct handler_set *s, pid_t *pids);

#endif
