/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exit_status.h"
#include "kvm_compat.h"
#include "sandbox.h"

/* Built from the uAPI headers (vmm/syscall-names.sh). */
extern const char *const sandbox_syscall_names[];
extern const unsigned int sandbox_nr_syscall_names;

/* The SIGSYS handler has no argument to find its thread's sandbox by: each
 * thread keeps a pointer to its own here. */
static __thread const struct sandbox_thread *sandbox_self;

const char *sandbox_syscall_name(long nr)
{
	if (nr < 0 || (unsigned long)nr >= sandbox_nr_syscall_names)
		return NULL;
	return sandbox_syscall_names[nr];
}

/* ---- the report: async-signal-safe, into a fixed buffer ---- */

struct line {
	char buf[200];
	size_t len;
};

static void line_add(struct line *l, const char *s)
{
	while (*s && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = *s++;
}

static void line_add_num(struct line *l, long v)
{
	char digits[24];
	size_t n = 0;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		line_add(l, "-");
	while (n && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = digits[--n];
}

/* The handler takes no argument, so these live outside any struct: which
 * thread reports (the first to trap: its report ends the whole process),
 * and how deep this thread is inside the handler. */
static atomic_int sandbox_reporting;
static __thread unsigned int sigsys_depth;

static void report_line(const struct sandbox_thread *t, long nr, bool open_line)
{
	const char *name = sandbox_syscall_name(nr);
	struct line l = { .len = 0 };

	/* On the guest's screen, a CR LF first ends a line the guest left open. */
	if (open_line)
		line_add(&l, "\r\n");
	line_add(&l, "hvmm: sandbox: the ");
	line_add(&l, t ? t->label : "unnamed");
	line_add(&l, " thread made a forbidden system call: ");
	line_add(&l, name ? name : "number ");
	if (!name)
		line_add_num(&l, nr);
	line_add(&l, "; stopping hvmm\n");
	(void)!write(STDERR_FILENO, l.buf, l.len);
}

/*
 * Everything in here is allowed by every role's filter: futex, ioctl
 * TCSETS, write to stderr, exit_group. Should that ever stop being true,
 * SIGSYS is not blocked in here (SA_NODEFER), so a trap inside the handler
 * re-enters it instead of becoming a silent kill: the second level skips
 * the terminal and only reports, a third only exits.
 */
static void sandbox_sigsys(int sig, siginfo_t *si, void *ucontext)
{
	const struct sandbox_thread *t = sandbox_self;
	unsigned int depth = ++sigsys_depth;
	int none = 0;

	(void)sig;
	(void)ucontext;
	if (depth > 2)
		syscall(SYS_exit_group, HVMM_EXIT_ERROR);
	if (depth == 1 && !atomic_compare_exchange_strong(&sandbox_reporting, &none, 1)) {
		/* Another thread is reporting and will end hvmm: one line only. */
		for (;;)
			syscall(SYS_futex, &sandbox_reporting, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
	}
	if (depth == 1 && t && t->console)
		console_restore_from_signal(t->console);
	report_line(t, si->si_syscall, depth == 1 && t && t->console && t->console->raw && t->console->err_tty);
	syscall(SYS_exit_group, HVMM_EXIT_ERROR);
}

void sandbox_forget(void)
{
	sandbox_self = NULL;
}

static void *first_thread(void *arg)
{
	return arg;
}

int sandbox_prepare_process(void)
{
	struct sigaction sa;
	pthread_t th;
	int ret;

	/* One malloc arena for every thread: a thread's own arena opens
	 * /proc/sys/vm/overcommit_memory the first time it shrinks, which no
	 * filter allows (hvmm's threads allocate little, and only while they
	 * set up, so sharing the main arena costs nothing). A sanitizer's
	 * allocator, which has no such arenas, ignores this. */
	(void)mallopt(M_ARENA_MAX, 1);
	/* The C library sets up threading (a signal handler of its own) at the
	 * first pthread_create: have that done here, not by a sandboxed thread
	 * starting a vCPU thread. */
	ret = pthread_create(&th, NULL, first_thread, NULL);
	if (ret)
		return -ret;
	pthread_join(th, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sandbox_sigsys;
	/* Everything else stays blocked in the handler, SIGSYS not (above). */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigfillset(&sa.sa_mask);
	sigdelset(&sa.sa_mask, SIGSYS);
	return sigaction(SIGSYS, &sa, NULL) ? -errno : 0;
}

int sandbox_probe(int what)
{
	char *const no_args[] = { NULL };
	int fd;

	switch (what) {
	case 0:
		fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		return 0;
	case 1:
		/* An empty path: nothing to run, ENOENT, once past the filter. */
		(void)execve("", no_args, no_args);
		return 0;
	case 2:
		/* CLONE_SIGHAND without CLONE_VM: EINVAL, once past the filter. */
		(void)syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0);
		return 0;
	}
	return -EINVAL;
}

/* ---- building a thread's filter ---- */

/* What a vCPU thread calls for every exit and every register. */
static const unsigned long hot_ioctls[] = { KVM_RUN, KVM_GET_ONE_REG, KVM_SET_ONE_REG };

static bool ioctl_is_hot(unsigned long req)
{
	for (size_t i = 0; i < sizeof(hot_ioctls) / sizeof(hot_ioctls[0]); i++)
		if (hot_ioctls[i] == req)
			return true;
	return false;
}

/*
 * libseccomp orders the equality tests on one argument by value, largest
 * first, which would test KVM_RUN (0xae80) after nearly every other
 * request. Tests with a mask come before those, and a mask of every bit
 * is the same test: the hot requests are asked that way, so they are
 * checked first.
 */
static int allow_ioctl(scmp_filter_ctx ctx, int nr, unsigned long req)
{
	if (ioctl_is_hot(req))
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A1(SCMP_CMP_MASKED_EQ, ~0ULL, req));
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A1(SCMP_CMP_EQ, req));
}

/* The requests of p and of the lists it includes that are hot (or not). */
static int allow_ioctls(scmp_filter_ctx ctx, int nr, const struct sandbox_policy *p, bool hot)
{
	int ret = 0;

	for (; p && !ret; p = p->includes)
		for (size_t i = 0; i < p->nr_ioctls && !ret; i++)
			if (ioctl_is_hot(p->ioctls[i]) == hot)
				ret = allow_ioctl(ctx, nr, p->ioctls[i]);
	return ret;
}

static int add_rule(scmp_filter_ctx ctx, int nr, const struct sandbox_allow *a,
		    const struct sandbox_policy *p, const struct sandbox_thread *t)
{
	int ret = 0;

	switch (a->cond) {
	case SANDBOX_ANY:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	case SANDBOX_IOCTL:
		/* ioctl is what a vCPU thread calls most (KVM_RUN, the register
		 * ioctls): a hint to put it early (the binary tree below has the
		 * last word). The requests of p and of the lists it includes,
		 * the hot ones first: libseccomp keeps the order of rules that
		 * tie, and the common list's TCSETS would otherwise lead. */
		ret = seccomp_syscall_priority(ctx, nr, 255);
		if (!ret)
			ret = allow_ioctls(ctx, nr, p, true);
		return ret ? ret : allow_ioctls(ctx, nr, p, false);
	case SANDBOX_WRITE_FD:
		for (unsigned int i = 0; i < t->nr_write_fds && !ret; i++)
			ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					       SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)t->write_fds[i]));
		return ret;
	case SANDBOX_READ_FD:
		for (unsigned int i = 0; i < t->nr_read_fds && !ret; i++)
			ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					       SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)t->read_fds[i]));
		return ret;
	case SANDBOX_KILL_GROUP:
		/* pid_t is 32 bits: compare the low half of the register only. */
		for (unsigned int i = 0; i < t->nr_kill_groups && !ret; i++)
			ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 2,
					       SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffULL,
						       (scmp_datum_t)(uint32_t)-t->kill_groups[i]),
					       SCMP_A1(SCMP_CMP_EQ, SIGKILL));
		return ret;
	case SANDBOX_PEEK_CHILD:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A3(SCMP_CMP_MASKED_EQ, WNOWAIT, WNOWAIT));
	case SANDBOX_OWN_PID:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	case SANDBOX_NO_EXEC:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	}
	return -EINVAL;
}

/* t's filter, built; NULL with a one-line reason in err. */
static scmp_filter_ctx sandbox_build(const struct sandbox_thread *t, char *err, size_t errlen)
{
	const struct sandbox_policy *p = sandbox_policy(t->role);
	scmp_filter_ctx ctx;
	int ret = 0;

	if (!p) {
		snprintf(err, errlen, "sandbox: no policy for the %s thread", t->label);
		return NULL;
	}
	/* A forbidden call traps to the handler, in every ABI the kernel knows. */
	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx) {
		snprintf(err, errlen, "sandbox: cannot build the %s thread's filter", t->label);
		return NULL;
	}
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP);
	/* Find the system call by a binary search on its number rather than
	 * down a list (libseccomp 2.5, as Debian has it). */
	if (!ret)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (ret) {
		snprintf(err, errlen, "sandbox: cannot set up the %s thread's filter: %s", t->label,
			 strerror(-ret));
		seccomp_release(ctx);
		return NULL;
	}
	for (const struct sandbox_policy *q = p; q; q = q->includes) {
		for (size_t i = 0; i < q->nr_allow; i++) {
			const struct sandbox_allow *a = &q->allow[i];
			int nr;

			if (sandbox_policy_entry(p, a->syscall) != a)
				continue;   /* the including list says otherwise */
			nr = seccomp_syscall_resolve_name(a->syscall);
			if (nr == __NR_SCMP_ERROR) {
				snprintf(err, errlen, "sandbox: the %s list names '%s', which this architecture lacks",
					 q->name, a->syscall);
				seccomp_release(ctx);
				return NULL;
			}
			ret = add_rule(ctx, nr, a, p, t);
			if (ret) {
				snprintf(err, errlen, "sandbox: cannot allow %s for the %s thread: %s",
					 a->syscall, t->label, strerror(-ret));
				seccomp_release(ctx);
				return NULL;
			}
		}
	}
	return ctx;
}

int sandbox_enter(const struct sandbox_thread *t, char *err, size_t errlen)
{
	scmp_filter_ctx ctx = sandbox_build(t, err, errlen);
	int ret;

	if (!ctx)
		return -1;
	sandbox_self = t;
	ret = seccomp_load(ctx);
	seccomp_release(ctx);
	/* Building the filter took heap the thread will not use again: give
	 * it back, so that each thread's sandbox costs no resident memory. */
	malloc_trim(0);
	if (ret) {
		sandbox_self = NULL;
		snprintf(err, errlen, "sandbox: cannot load the %s thread's filter: %s", t->label, strerror(-ret));
		return -1;
	}
	return 0;
}

int sandbox_export_bpf(const struct sandbox_thread *t, int fd, char *err, size_t errlen)
{
	scmp_filter_ctx ctx = sandbox_build(t, err, errlen);
	int ret;

	if (!ctx)
		return -1;
	ret = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	if (ret) {
		snprintf(err, errlen, "sandbox: cannot export the %s thread's filter: %s", t->label, strerror(-ret));
		return -1;
	}
	return 0;
}
