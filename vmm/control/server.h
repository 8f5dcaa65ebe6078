/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-VM control socket's server: a UNIX socket every running hvmm
 * listens on (socket.h says where), that `hvmm list|stop|pause|resume|stat|
 * cpu|debug|sdei` talk to. docs/control-protocol.md is the protocol.
 *
 * The server knows nothing about VMs: it parses requests and calls the
 * control_ops the VMM gives it, one request at a time, on its own thread.
 */
#ifndef HVMM_CONTROL_SERVER_H
#define HVMM_CONTROL_SERVER_H

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto.h"
#include "vmm/log.h"

/*
 * What the VMM does for each command. Each writes a NUL-terminated reply
 * text of at most len bytes and returns 0, or a negative errno with a
 * one-line reason in reply. They run on the control thread. A NULL
 * callback makes its command answer "error ... not supported".
 */
struct control_ops {
	int (*stop)(void *vmm, char *reply, size_t len);
	int (*pause)(void *vmm, char *reply, size_t len);
	int (*resume)(void *vmm, char *reply, size_t len);
	/* Per-vCPU power state, per-function hypercall counts, ... */
	int (*stat)(void *vmm, char *reply, size_t len);
	int (*cpu_set_enabled)(void *vmm, unsigned int cpu, bool enable, char *reply, size_t len);
	/* Registers of one vCPU, or of all when cpu is -1. */
	int (*debug_dump)(void *vmm, int cpu, char *reply, size_t len);
	/* Raise SDEI event on vCPU cpu (private events), or routed (cpu -1). */
	int (*sdei_signal)(void *vmm, uint32_t event, int cpu, char *reply, size_t len);
	/* Have vCPU cpu's thread try what its sandbox forbids (docs/sandbox.md). */
	int (*probe_sandbox)(void *vmm, enum control_probe probe, unsigned int cpu, char *reply, size_t len);
	/* First thing on the control thread (hvmm: enter its sandbox). Non-zero,
	 * with a reason in err, makes control_server_start fail. */
	int (*thread_start)(void *vmm, char *err, size_t len);
};

struct control_server {
	char path[108];              /* sizeof(sun_path) */
	char name[CONTROL_NAME_MAX + 1];
	int listen_fd;
	int stop_fd;                 /* eventfd: wakes the thread to end */
	pthread_t thread;
	bool running;
	unsigned int recv_timeout_ms;
	dev_t sock_dev;              /* what we bound, so stop never unlinks */
	ino_t sock_ino;              /* another VM's socket at the same path */
	char *reply;                 /* CONTROL_MAX_REPLY bytes for the ops */
	char *wire;                  /* the reply as sent: "ok\n..." */
	const struct control_ops *ops;
	void *vmm;
	const struct log *log;
	sem_t started;               /* the thread ran ops->thread_start ... */
	int start_result;            /* ... with this result */
	char start_err[256];
};

/* Knobs for control_server_start_opts; zero fields mean the default. */
struct control_server_opts {
	unsigned int recv_timeout_ms;   /* 0: CONTROL_RECV_TIMEOUT_MS */
};

/* control_server_start's answer when a live VM holds the name: the only
 * failure a VM cannot run past, since its socket would be another VM's.
 * Every other failure is another -errno, and the VM can run without a
 * control socket. */
#define CONTROL_NAME_TAKEN (-EADDRINUSE)

/*
 * Listen on <dir>/<name>.sock (mode 0600), dir from control_socket_dir. A
 * leftover socket nobody answers on is removed first; a live one means the
 * name is taken (CONTROL_NAME_TAKEN). Returns 0 or -errno with a one-line
 * reason in err.
 */
int control_server_start(struct control_server *s, const char *name, const struct control_ops *ops,
			 void *vmm, const struct log *log, char *err, size_t errlen);
/* The same with knobs (opts may be NULL): the tests use a short timeout. */
int control_server_start_opts(struct control_server *s, const char *name,
			      const struct control_ops *ops, void *vmm, const struct log *log,
			      const struct control_server_opts *opts, char *err, size_t errlen);
/* Stop the thread and remove the socket. Safe to call twice, or after a
 * failed start. */
void control_server_stop(struct control_server *s);

#endif
