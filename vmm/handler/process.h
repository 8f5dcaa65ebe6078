/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One SMCCC handler process: `/bin/sh -c COMMAND` with its standard input
 * and output on pipes to hvmm (its standard error is hvmm's), in a process
 * group of its own, outside hvmm's sandbox (it is started before any filter
 * goes on). Requests go one at a time: the protocol has no tags, so a
 * caller holds the process's lock from its request to the answer.
 *
 * Waits are stoppable: hvmm stops a vCPU thread with a signal and a flag,
 * and a wait here looks at the caller's flag whenever poll() returns,
 * interrupted or not, and at least every HANDLER_POLL_MS (so a signal that
 * lands just before poll() costs at most that long).
 *
 * The process must ignore SIGPIPE (hvmm run does): a handler that has gone
 * away makes a write fail with EPIPE instead.
 */
#ifndef HVMM_HANDLER_PROCESS_H
#define HVMM_HANDLER_PROCESS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "proto.h"

#define HANDLER_POLL_MS     100
/* At hvmm's exit: how long handlers get to end after their input closes,
 * before their process group is killed. */
#define HANDLER_STOP_GRACE_MS 500
/* After a handler closed its output: how long to wait for it to exit, to
 * say how it ended. */
#define HANDLER_END_WAIT_MS 200

struct handler_proc {
	pid_t pid;                      /* 0: not running (never started, or reaped) */
	int in_fd;                      /* its standard input, our end (non-blocking); -1: closed */
	int out_fd;                     /* its standard output, our end (non-blocking); -1: closed */

	unsigned int timeout_ms;        /* an answer's time limit; 0: none (set before use) */
	pthread_mutex_t lock;           /* one request at a time; guards what follows */
	long long deadline_ms;          /* of the exchange under way (CLOCK_MONOTONIC); 0: none */
	unsigned int owed;              /* answers to requests whose callers stopped waiting */
	bool failed;                    /* it broke the protocol or went away ... */
	char why[192];                  /* ... and this is how, for every later caller */
	char buf[HANDLER_LINE_MAX];     /* what it wrote past the last line taken */
	size_t len;
};

/* Start COMMAND. 0, or -errno with a one-line reason in err. */
int handler_proc_start(struct handler_proc *p, const char *command, char *err, size_t errlen);

/*
 * Write the request line req[0..req_len) (at most PIPE_BUF bytes: it goes
 * out whole or not at all) and read one answer line into line, without its
 * newline, NUL-terminated, its length in *line_len (it may hold NUL bytes
 * itself; line_size >= HANDLER_LINE_MAX).
 * Answers still owed to earlier callers that stopped waiting are read and
 * dropped first. stop: the caller's flag (NULL: wait as long as it takes).
 * 0; -EINTR: *stop was raised (the answer, if the request went out, is
 * owed and dropped by the next exchange); -EPIPE: the process ended,
 * closed its output or its input, wrote something that is not one line
 * per request, or did not answer within p->timeout_ms, with how in err
 * (every later exchange fails the same way).
 */
int handler_proc_exchange(struct handler_proc *p, const char *req, size_t req_len, char *line,
			  size_t line_size, size_t *line_len, const atomic_bool *stop, char *err, size_t errlen);

/* Mark the process as of no more use, with why for every later exchange
 * (an answer the caller could not parse). */
void handler_proc_fail(struct handler_proc *p, const char *why);

/* Whether the process has closed its output (it exited, most likely):
 * a poll() that returns at once, for a thread watching it (the pipe is
 * read by the callers of handler_proc_exchange, never here). */
bool handler_proc_hung_up(const struct handler_proc *p);

/* How the process ended, without reaping it ("exited with status 3", "was
 * killed by signal 9 (KILL)"), waiting up to wait_ms for it to; or, still
 * running, alive_text. */
void handler_proc_describe_end(const struct handler_proc *p, unsigned int wait_ms, const char *alive_text,
			       char *buf, size_t len);

/* Stop procs[0..nr): close their input, give them grace_ms to exit, kill
 * each one's process group, reap them, close everything. Never fails. */
void handler_proc_stop_all(struct handler_proc *procs, unsigned int nr, unsigned int grace_ms);

#endif
