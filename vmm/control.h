/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-VM control socket: a UNIX socket every running hvmm listens on,
 * under $XDG_RUNTIME_DIR/hvmm/ (or ~/.hvmm/), that `hvmm list|stop|pause|
 * resume|stat|cpu|debug` talk to. docs/control-protocol.md is the protocol.
 *
 * The server knows nothing about VMs: it parses requests and calls the
 * control_ops the VMM gives it, one request at a time, on its own thread.
 */
#ifndef HVMM_CONTROL_H
#define HVMM_CONTROL_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "log.h"

#define CONTROL_PROTOCOL_VERSION 1
#define CONTROL_MAX_REQUEST 1024     /* bytes, including the newline */
#define CONTROL_MAX_REPLY   65536    /* bytes of reply text */
#define CONTROL_NAME_MAX    64
/* The whole request must arrive within this long of the connection being
 * accepted; the reply must be taken within the same time again. */
#define CONTROL_RECV_TIMEOUT_MS 2000

/* What `debug probe` has a vCPU thread try (docs/sandbox.md). */
enum control_probe {
	CONTROL_PROBE_OPEN,           /* open a file */
	CONTROL_PROBE_EXEC,           /* start a program */
	CONTROL_PROBE_FORK,           /* start a process */
	CONTROL_PROBE_COUNT,
};

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

/* VM names: 1-64 of [A-Za-z0-9._-], not starting with '.' (they name sockets). */
bool control_name_valid(const char *name);

/* The directory sockets live in (created 0700 if missing when create is set). */
int control_socket_dir(char *buf, size_t len, bool create, char *err, size_t errlen);

/* <dir>/<name>.sock, checked against the length a socket address can hold. */
int control_socket_path(char *buf, size_t len, const char *dir, const char *name,
			char *err, size_t errlen);

/*
 * Listen on <dir>/<name>.sock (mode 0600). A leftover socket nobody answers
 * on is removed first; a live one means the name is taken (-EADDRINUSE).
 * Returns 0 or -errno with a one-line reason in err.
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

/* The client side: `hvmm <command> ...` (argv[0] is the command). Returns the
 * process exit status; errors are one line on stderr. */
int control_client_main(int argc, char *argv[]);

/*
 * Connect to a control socket. A full accept queue makes connect wait up to
 * timeout_ms (0: do not wait, fail with -EAGAIN). Returns a non-blocking,
 * close-on-exec descriptor, or -errno (-ENOENT or -ECONNREFUSED: nobody is
 * there).
 */
int control_connect(const char *path, unsigned int timeout_ms);

/* ---- the client's command line, parsed without I/O (for the unit tests) ---- */

struct control_cli {
	const char *command;         /* argv[0]: "stop", "cpu", ... */
	const char *name;            /* --name, or NULL */
	bool all;                    /* stop --all */
	bool help;
	bool list;                   /* hvmm list: ping every socket */
	/* The request to send, "hvmm/1 ...\n" (not for list, help). */
	char request[CONTROL_MAX_REQUEST + 1];
};

/* Is cmd one of the commands control_client_main serves? */
bool control_client_handles(const char *cmd);
/* "  stop      stop a VM, ..." lines for `hvmm help`. */
void control_client_print_commands(FILE *out);

/* Returns 0, or -1 with a one-line reason in err (a usage error). */
int control_cli_parse(int argc, char *const argv[], struct control_cli *cli, char *err, size_t errlen);

#endif
