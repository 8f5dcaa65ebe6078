/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The seccomp sandbox: once a thread has done everything that needs a path
 * or a new resource, it puts itself on an allowlist for its role (the main
 * thread, a vCPU thread, the control-socket thread). docs/sandbox.md lists
 * each filter and why each system call is on it.
 *
 * A forbidden system call does not kill silently: it raises SIGSYS, whose
 * handler restores the terminal, prints one line naming the thread and the
 * system call, and ends hvmm with status 1 (only the first thread to trap
 * reports; the handler itself makes only calls every filter allows).
 */
#ifndef HVMM_SANDBOX_H
#define HVMM_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

#include "console.h"

enum sandbox_role {
	SANDBOX_MAIN,        /* boots and reboots the VM, serves the console */
	SANDBOX_VCPU,        /* runs one vCPU: KVM_RUN and its exits */
	SANDBOX_CONTROL,     /* serves the control socket */
	SANDBOX_FETCHER,     /* --lazy-mem: copies guest pages in from the source */
	SANDBOX_DEVICE,      /* a virtio device: serves its queues */
	SANDBOX_ROLE_COUNT,
};

/* What may be asked of an allowed system call's arguments. */
enum sandbox_cond {
	SANDBOX_ANY,           /* any arguments */
	SANDBOX_IOCTL,         /* request (arg 1) on the role's ioctl list */
	SANDBOX_WRITE_FD,      /* fd (arg 0) one of the thread's write_fds */
	SANDBOX_OWN_PID,       /* pid (arg 0) is hvmm's: signals stay inside hvmm */
	SANDBOX_NO_EXEC,       /* prot (arg 2) without PROT_EXEC: no new code */
	SANDBOX_READ_FD,       /* fd (arg 0) one of the thread's read_fds */
	SANDBOX_KILL_GROUP,    /* SIGKILL (arg 1) to minus one of the thread's kill_groups (arg 0) */
	SANDBOX_PEEK_CHILD,    /* waitid options (arg 3) with WNOWAIT: look at a child, never reap it */
};

struct sandbox_allow {
	const char *syscall;      /* by name, resolved for the running architecture */
	enum sandbox_cond cond;
};

struct sandbox_policy {
	const char *name;         /* as docs/sandbox.md heads it */
	/* Also allowed: another policy's entries (but those of a system call
	 * this one lists itself) and its ioctls. */
	const struct sandbox_policy *includes;
	const struct sandbox_allow *allow;
	size_t nr_allow;
	const unsigned long *ioctls;
	size_t nr_ioctls;
};

const struct sandbox_policy *sandbox_policy(enum sandbox_role role);

/* The entry that decides for syscall under p (its own, or an included
 * one), or NULL: the call is forbidden. */
const struct sandbox_allow *sandbox_policy_entry(const struct sandbox_policy *p, const char *syscall);

/* A vCPU thread writes stdout, stderr, the stop eventfd, the input of
 * each --smccc-handler (at most 16) and three eventfds of each virtio
 * device (at most 9), and reads the handlers' output; the main thread
 * kills their process groups at exit. */
#define SANDBOX_MAX_WRITE_FDS 48
#define SANDBOX_MAX_READ_FDS  16
#define SANDBOX_MAX_KILL_GROUPS 16

/* One thread's sandbox; it must live as long as the thread. */
struct sandbox_thread {
	enum sandbox_role role;
	char label[24];                         /* "vCPU 3": names the thread in the report */
	int write_fds[SANDBOX_MAX_WRITE_FDS];   /* SANDBOX_WRITE_FD */
	unsigned int nr_write_fds;
	int read_fds[SANDBOX_MAX_READ_FDS];     /* SANDBOX_READ_FD */
	unsigned int nr_read_fds;
	pid_t kill_groups[SANDBOX_MAX_KILL_GROUPS];   /* SANDBOX_KILL_GROUP: process group ids */
	unsigned int nr_kill_groups;
	const struct console *console;          /* restored before a forbidden call ends hvmm */
};

/* Once per process, before any other thread starts and any filter: install
 * the SIGSYS handler and keep the C library from needing what no filter
 * allows. 0 or -errno. */
int sandbox_prepare_process(void);

/* Put the calling thread on its role's allowlist, for good. Returns 0, or
 * -1 with a one-line reason in err. */
int sandbox_enter(const struct sandbox_thread *t, char *err, size_t errlen);

/* Build t's filter as sandbox_enter would, and write its BPF program to
 * fd instead of loading it (for tests). 0, or -1 with a reason in err. */
int sandbox_export_bpf(const struct sandbox_thread *t, int fd, char *err, size_t errlen);

/* The calling thread's struct sandbox_thread is going away (its filter
 * stays): a later report names the thread "unnamed". */
void sandbox_forget(void);

/* Try, on the calling thread, what every sandbox forbids: 0 = open a file,
 * 1 = start a program, 2 = start a process (enum control_probe's order).
 * Under a sandbox this never returns; without one the call fails harmlessly
 * or opens and closes "/", and this returns 0. */
int sandbox_probe(int what);

/* The name of system call nr on this architecture, or NULL. Usable in a
 * signal handler: it reads a table built from the uAPI headers. */
const char *sandbox_syscall_name(long nr);

#endif
