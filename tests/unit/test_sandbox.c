/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the seccomp sandbox (vmm/sandbox.c, vmm/sandbox_policy.c):
 * each case forks a child that enters a role's sandbox for real and then
 * tries something; the parent checks how the child ended and what it said.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <seccomp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/userfaultfd.h>

#include "vmm/exit_status.h"
#include "vmm/kvm_compat.h"
#include "vmm/sandbox.h"

/* AddressSanitizer gives each new thread an alternate signal stack, a
 * system call hvmm itself never makes; leave it out in these children. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "use_sigaltstack=0";
}

struct outcome {
	int status;          /* exit status, or 128 + signal */
	char err[512];       /* what the child wrote to stderr */
};

typedef void (*probe_fn)(void);

static void *thread_body(void *arg)
{
	return arg;
}

static void probe_thread(void)
{
	pthread_t th;
	void *ret = NULL;

	if (pthread_create(&th, NULL, thread_body, (void *)1) || pthread_join(th, &ret) || ret != (void *)1)
		_exit(3);
}


/* What the next run_sandboxed's child adds to its thread's sandbox (the
 * --smccc-handler descriptors and process groups); NULL: nothing. */
static void (*child_setup)(struct sandbox_thread *t);

/* Fork; the child enters role's sandbox as "label", runs probe, and exits 0
 * if the probe returned. */
static struct outcome run_sandboxed(enum sandbox_role role, const char *label, probe_fn probe)
{
	struct outcome o = { .status = -1 };
	int pipefd[2];
	pid_t pid;
	size_t len = 0;
	ssize_t n;
	int st;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static struct sandbox_thread t;
		char err[256];

		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		t.role = role;
		snprintf(t.label, sizeof(t.label), "%s", label);
		t.write_fds[0] = STDOUT_FILENO;
		t.write_fds[1] = STDERR_FILENO;
		t.nr_write_fds = 2;
		if (child_setup)
			child_setup(&t);
		/* hvmm has started its control thread when the main thread enters
		 * its sandbox: the C library's once-only thread set-up is done. */
		if (role == SANDBOX_MAIN)
			probe_thread();
		if (sandbox_prepare_process() || sandbox_enter(&t, err, sizeof(err))) {
			dprintf(STDERR_FILENO, "setup: %s\n", err);
			_exit(99);
		}
		probe();
		syscall(SYS_exit_group, 0);   /* not exit(): no sanitizer work at exit */
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], o.err + len, sizeof(o.err) - 1 - len)) > 0)
		len += (size_t)n;
	o.err[len] = '\0';
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	o.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return o;
}

static void expect_forbidden(const struct outcome *o, const char *label, const char *syscall_name)
{
	char want[256];

	snprintf(want, sizeof(want), "hvmm: sandbox: the %s thread made a forbidden system call: %s; stopping hvmm\n",
		 label, syscall_name);
	if (strcmp(o->err, want))
		print_error("stderr was \"%s\", expected \"%s\"\n", o->err, want);
	assert_string_equal(o->err, want);
	assert_int_equal(o->status, HVMM_EXIT_ERROR);
}

static void expect_survived(const struct outcome *o)
{
	if (o->status != 0)
		print_error("child ended with %d: %s\n", o->status, o->err);
	assert_int_equal(o->status, 0);
	assert_string_equal(o->err, "");
}

/* ---- probes ---- */

static void probe_open(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
}

static void probe_exec(void)
{
	char *const argv[] = { (char *)"true", NULL };

	execve("/bin/true", argv, NULL);
}

static void probe_fork(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
}

static void probe_write_console(void)
{
	static const char nothing[1];

	if (write(STDOUT_FILENO, nothing, 0) != 0)
		_exit(3);
}

static void probe_write_other_fd(void)
{
	static const char nothing[1];

	(void)!write(STDERR_FILENO + 10, nothing, 0);
}

static void probe_kvm_run_ioctl(void)
{
	/* On the list: the filter lets it through and the kernel says EBADF. */
	if (ioctl(-1, KVM_RUN, 0) != -1 || errno != EBADF)
		_exit(3);
}

/* The fetcher's own work: a page copied in, read from the source. */
static void probe_fetcher_work(void)
{
	char b;

	if (ioctl(-1, UFFDIO_COPY, NULL) != -1 || errno != EBADF)
		_exit(3);
	if (pread(-1, &b, 1, 0) != -1 || errno != EBADF)
		_exit(3);
}

static void probe_tiocsti_ioctl(void)
{
	char c = 'x';

	(void)ioctl(STDIN_FILENO, TIOCSTI, &c);
}

static void probe_exec_mapping(void)
{
	(void)mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void probe_data_mapping(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || munmap(p, 4096))
		_exit(3);
}

static void probe_signal_other_process(void)
{
	(void)syscall(SYS_tgkill, 1, 1, 0);
}

static void probe_signal_self(void)
{
	if (pthread_kill(pthread_self(), 0))
		_exit(3);
}

static void probe_clone3(void)
{
	/* With no arguments it fails harmlessly if nothing stops it. */
	(void)syscall(SYS_clone3, NULL, 0);
}

static void probe_socket(void)
{
	(void)syscall(SYS_socket, 1, 1, 0);
}

/* What a thread gets for --smccc-handler: a handler's output to read, its
 * input to write, its process group to kill. None of these descriptors is
 * open and no process has that pid (above Linux's PID_MAX_LIMIT): each
 * call the filter lets through fails harmlessly (EBADF, ESRCH). */
#define HANDLER_OUT_FD  40
#define HANDLER_IN_FD   42
#define HANDLER_GROUP   4999999
#define OTHER_GROUP     4999998

static void handler_setup(struct sandbox_thread *t)
{
	t->read_fds[t->nr_read_fds++] = HANDLER_OUT_FD;
	t->write_fds[t->nr_write_fds++] = HANDLER_IN_FD;
	t->kill_groups[t->nr_kill_groups++] = HANDLER_GROUP;
}

static void probe_read_handler_output(void)
{
	char c;

	if (read(HANDLER_OUT_FD, &c, 1) != -1 || errno != EBADF)
		_exit(3);
}

static void probe_read_other_fd(void)
{
	char c;

	(void)!read(HANDLER_OUT_FD + 1, &c, 1);
}

static void probe_write_handler_input(void)
{
	if (write(HANDLER_IN_FD, "x", 1) != -1 || errno != EBADF)
		_exit(3);
}

static void probe_ppoll(void)
{
	struct timespec ts = { 0, 1000 };

	if (ppoll(NULL, 0, &ts, NULL) != 0)
		_exit(3);
}

static void probe_waitid_peek(void)
{
	siginfo_t si;

	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) != -1 || errno != ECHILD)
		_exit(3);
}

static void probe_waitid_reap(void)
{
	siginfo_t si;

	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) != -1 || errno != ECHILD)
		_exit(3);
}

static void probe_kill_handler_group(void)
{
	if (kill(-HANDLER_GROUP, SIGKILL) != -1 || errno != ESRCH)
		_exit(3);
}

static void probe_term_handler_group(void)
{
	(void)kill(-HANDLER_GROUP, SIGTERM);
}

static void probe_kill_other_group(void)
{
	(void)kill(-OTHER_GROUP, SIGKILL);
}

static void probe_kill_handler_pid(void)
{
	(void)kill(HANDLER_GROUP, SIGKILL);
}

/* ---- cases ---- */

static void test_vcpu_cannot_open_a_file(void **state)
{
	struct outcome o = run_sandboxed(SANDBOX_VCPU, "vCPU 0", probe_open);

	(void)state;
	expect_forbidden(&o, "vCPU 0", "openat");
}

static void test_vcpu_cannot_start_a_program(void **state)
{
	struct outcome o = run_sandboxed(SANDBOX_VCPU, "vCPU 1", probe_exec);

	(void)state;
	expect_forbidden(&o, "vCPU 1", "execve");
}

static void test_no_thread_can_start_a_process(void **state)
{
	static const struct { enum sandbox_role role; const char *label; } roles[] = {
		{ SANDBOX_VCPU, "vCPU 2" }, { SANDBOX_MAIN, "main" }, { SANDBOX_CONTROL, "control" },
		{ SANDBOX_FETCHER, "fetcher" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		struct outcome o = run_sandboxed(roles[i].role, roles[i].label, probe_fork);

		expect_forbidden(&o, roles[i].label, "clone");
	}
}

/* The --lazy-mem fetcher copies pages in and reads its source; it opens
 * nothing, runs no vCPU, and starts nothing. */
static void test_fetcher_sandbox(void **state)
{
	struct outcome o;

	(void)state;
	o = run_sandboxed(SANDBOX_FETCHER, "fetcher", probe_fetcher_work);
	expect_survived(&o);
	o = run_sandboxed(SANDBOX_FETCHER, "fetcher", probe_open);
	expect_forbidden(&o, "fetcher", "openat");
	o = run_sandboxed(SANDBOX_FETCHER, "fetcher", probe_kvm_run_ioctl);
	expect_forbidden(&o, "fetcher", "ioctl");
	o = run_sandboxed(SANDBOX_FETCHER, "fetcher", probe_exec);
	expect_forbidden(&o, "fetcher", "execve");
}

static void test_control_cannot_open_or_make_sockets(void **state)
{
	struct outcome o = run_sandboxed(SANDBOX_CONTROL, "control", probe_open);

	(void)state;
	expect_forbidden(&o, "control", "openat");
	o = run_sandboxed(SANDBOX_CONTROL, "control", probe_socket);
	expect_forbidden(&o, "control", "socket");
}

static void test_main_cannot_open_a_file(void **state)
{
	struct outcome o = run_sandboxed(SANDBOX_MAIN, "main", probe_open);

	(void)state;
	expect_forbidden(&o, "main", "openat");
}

static void test_vcpu_writes_only_its_fds(void **state)
{
	struct outcome o = run_sandboxed(SANDBOX_VCPU, "vCPU 0", probe_write_console);

	(void)state;
	expect_survived(&o);
	o = run_sandboxed(SANDBOX_VCPU, "vCPU 0", probe_write_other_fd);
	expect_forbidden(&o, "vCPU 0", "write");
}

/* A vCPU thread reads only the handlers' output, writes their input, waits
 * for them, and may look at how one ended but never reap it. */
static void test_vcpu_talks_to_handlers(void **state)
{
	struct outcome o;

	(void)state;
	child_setup = handler_setup;
	o = run_sandboxed(SANDBOX_VCPU, "vCPU 0", probe_read_handler_output);
	expect_survived(&o);
	o = run_sandboxed(SANDBOX_VCPU, "vCPU 0", probe_write_handler_input);
	expect_survived(&o);
	o = run_sandboxed(SANDBOX_VCPU, "vCPU 0", probe_ppoll);
	expect_survived(&o);
	o = run_sandboxed(SANDBOX_VCPU, "vCPU 0", probe_waitid_peek);
	expect_survived(&o);
	o = run_sandboxed(SANDBOX_VCPU, "vCPU 0", probe_read_other_fd);
	expect_forbidden(&o, "vCPU 0", "read");
	o = run_sandboxed(SANDBOX_VCPU, "vCPU 0", probe_waitid_reap);
	expect_forbidden(&o, "vCPU 0", "waitid");
	o = run_sandboxed(SANDBOX_VCPU, "vCPU 0", probe_kill_handler_group);
	expect_forbidden(&o, "vCPU 0", "kill");
	/* Without handlers there is nothing to read. */
	child_setup = NULL;
	o = run_sandboxed(SANDBOX_VCPU, "vCPU 0", probe_read_handler_output);
	expect_forbidden(&o, "vCPU 0", "read");
}

/* The main thread kills a handler's process group, with SIGKILL only, and
 * nothing else; it reaps. */
static void test_main_kills_only_handler_groups(void **state)
{
	struct outcome o;

	(void)state;
	child_setup = handler_setup;
	o = run_sandboxed(SANDBOX_MAIN, "main", probe_kill_handler_group);
	expect_survived(&o);
	o = run_sandboxed(SANDBOX_MAIN, "main", probe_waitid_reap);
	expect_survived(&o);
	o = run_sandboxed(SANDBOX_MAIN, "main", probe_term_handler_group);
	expect_forbidden(&o, "main", "kill");
	o = run_sandboxed(SANDBOX_MAIN, "main", probe_kill_other_group);
	expect_forbidden(&o, "main", "kill");
	o = run_sandboxed(SANDBOX_MAIN, "main", probe_kill_handler_pid);
	expect_forbidden(&o, "main", "kill");
	child_setup = NULL;
	o = run_sandboxed(SANDBOX_MAIN, "main", probe_kill_handler_group);
	expect_forbidden(&o, "main", "kill");
	o = run_sandboxed(SANDBOX_CONTROL, "control", probe_waitid_peek);
	expect_forbidden(&o, "control", "waitid");
}

static void test_ioctls_only_from_the_list(void **state)
{
	struct outcome o = run_sandboxed(SANDBOX_VCPU, "vCPU 0", probe_kvm_run_ioctl);

	(void)state;
	expect_survived(&o);
	o = run_sandboxed(SANDBOX_VCPU, "vCPU 0", probe_tiocsti_ioctl);
	expect_forbidden(&o, "vCPU 0", "ioctl");
	o = run_sandboxed(SANDBOX_CONTROL, "control", probe_kvm_run_ioctl);
	expect_forbidden(&o, "control", "ioctl");
}

static void test_no_executable_mappings(void **state)
{
	struct outcome o = run_sandboxed(SANDBOX_VCPU, "vCPU 0", probe_data_mapping);

	(void)state;
	expect_survived(&o);
	o = run_sandboxed(SANDBOX_MAIN, "main", probe_exec_mapping);
	expect_forbidden(&o, "main", "mmap");
}

static void test_signals_stay_inside_hvmm(void **state)
{
	struct outcome o = run_sandboxed(SANDBOX_VCPU, "vCPU 0", probe_signal_self);

	(void)state;
	expect_survived(&o);
	o = run_sandboxed(SANDBOX_VCPU, "vCPU 0", probe_signal_other_process);
	expect_forbidden(&o, "vCPU 0", "tgkill");
}

/* Every thread of hvmm is started before the main thread's sandbox
 * (vmm/vcpu_pool.c): once in it, the main thread starts none. A direct
 * clone3 is reported; the C library's thread start makes it with every
 * signal blocked, so the kernel kills with SIGSYS before any handler. */
static void test_main_starts_no_threads(void **state)
{
	struct outcome o = run_sandboxed(SANDBOX_MAIN, "main", probe_clone3);

	(void)state;
	expect_forbidden(&o, "main", "clone3");
	o = run_sandboxed(SANDBOX_MAIN, "main", probe_thread);
	if (o.status != 128 + SIGSYS)
		print_error("a thread start in the main sandbox ended with %d: %s\n", o.status, o.err);
	assert_int_equal(o.status, 128 + SIGSYS);
}

static void test_unknown_role_is_an_error(void **state)
{
	struct sandbox_thread t = { .role = SANDBOX_ROLE_COUNT, .label = "odd" };
	char err[256] = "";

	(void)state;
	assert_int_equal(sandbox_enter(&t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "odd"));
}

static void test_syscall_names(void **state)
{
	(void)state;
	assert_string_equal(sandbox_syscall_name(SYS_openat), "openat");
	assert_string_equal(sandbox_syscall_name(SYS_execve), "execve");
	assert_null(sandbox_syscall_name(-1));
	assert_null(sandbox_syscall_name(1L << 20));
}

/* Every name must exist on arm64, where hvmm runs (not only here). */
static void test_policies_name_arm64_syscalls(void **state)
{
	(void)state;
	for (int r = 0; r < SANDBOX_ROLE_COUNT; r++) {
		for (const struct sandbox_policy *p = sandbox_policy((enum sandbox_role)r); p; p = p->includes) {
			for (size_t i = 0; i < p->nr_allow; i++) {
				int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_AARCH64, p->allow[i].syscall);

				if (nr == __NR_SCMP_ERROR)
					print_error("%s: '%s' is no arm64 system call\n", p->name, p->allow[i].syscall);
				assert_int_not_equal(nr, __NR_SCMP_ERROR);
			}
		}
	}
}

/* Every role includes the common list (what any thread does by being one):
 * the entries every thread needs are there, and no role's own list repeats
 * one of them with the same condition (one place decides each). */
static void test_every_role_has_the_common_list(void **state)
{
	static const char *const basics[] = {
		"futex", "getpid", "gettid", "tgkill", "rt_sigprocmask", "clock_gettime", "mmap",
		"mprotect", "munmap", "madvise", "brk", "getrandom", "write", "writev", "ioctl",
		"exit", "exit_group",
	};

	(void)state;
	for (int r = 0; r < SANDBOX_ROLE_COUNT; r++) {
		const struct sandbox_policy *p = sandbox_policy((enum sandbox_role)r), *common = p;

		while (common->includes)
			common = common->includes;
		assert_string_equal(common->name, "common list");
		for (size_t i = 0; i < sizeof(basics) / sizeof(basics[0]); i++)
			assert_non_null(sandbox_policy_entry(p, basics[i]));
		for (const struct sandbox_policy *q = p; q != common; q = q->includes) {
			for (size_t i = 0; i < q->nr_allow; i++) {
				const struct sandbox_allow *c = sandbox_policy_entry(common, q->allow[i].syscall);

				if (c && c->cond == q->allow[i].cond)
					print_error("%s repeats the common entry %s\n", q->name, c->syscall);
				assert_false(c && c->cond == q->allow[i].cond);
			}
		}
	}
}

/* vCPU threads inherit the main thread's filter: it must let through all
 * that theirs does, or their list would be shorter than it reads. */
static void test_main_covers_vcpu_threads(void **state)
{
	const struct sandbox_policy *v = sandbox_policy(SANDBOX_VCPU), *m = sandbox_policy(SANDBOX_MAIN);
	struct outcome o;

	(void)state;
	for (const struct sandbox_policy *q = v; q; q = q->includes) {
		for (size_t i = 0; i < q->nr_allow; i++) {
			const struct sandbox_allow *mine = sandbox_policy_entry(v, q->allow[i].syscall);
			const struct sandbox_allow *e = sandbox_policy_entry(m, q->allow[i].syscall);

			assert_non_null(e);
			assert_true(e->cond == mine->cond || e->cond == SANDBOX_ANY);
		}
	}
	assert_null(sandbox_policy_entry(m, "openat"));
	assert_int_equal(sandbox_policy_entry(m, "write")->cond, SANDBOX_ANY);
	assert_int_equal(sandbox_policy_entry(v, "write")->cond, SANDBOX_WRITE_FD);
	/* And the filter built from them does. */
	o = run_sandboxed(SANDBOX_MAIN, "main", probe_kvm_run_ioctl);
	expect_survived(&o);
	o = run_sandboxed(SANDBOX_MAIN, "main", probe_signal_self);
	expect_survived(&o);
	o = run_sandboxed(SANDBOX_MAIN, "main", probe_write_other_fd);
	expect_survived(&o);
}

/* p's section of docs/sandbox.md ("## The NAME") gives a reason for each
 * of its entries. */
static void expect_documented(const char *doc, const struct sandbox_policy *p)
{
	const char *section, *end;
	char heading[64];

	snprintf(heading, sizeof(heading), "## The %s", p->name);
	section = strstr(doc, heading);
	if (!section)
		print_error("docs/sandbox.md has no section \"%s\"\n", heading);
	assert_non_null(section);
	end = strstr(section + 1, "\n## ");
	for (size_t i = 0; i < p->nr_allow; i++) {
		char word[48];
		const char *hit;

		snprintf(word, sizeof(word), "`%s`", p->allow[i].syscall);
		hit = strstr(section, word);
		if (!hit || (end && hit > end))
			print_error("docs/sandbox.md, %s: no reason for %s\n", heading, word);
		assert_true(hit && (!end || hit < end));
	}
}

/* docs/sandbox.md gives the reason for each entry: it must name them all. */
static void test_policies_documented(void **state)
{
	FILE *f = fopen("docs/sandbox.md", "r");
	static char doc[65536];
	size_t len;

	(void)state;
	assert_non_null(f);
	len = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[len] = '\0';
	for (int r = 0; r < SANDBOX_ROLE_COUNT; r++)
		for (const struct sandbox_policy *p = sandbox_policy((enum sandbox_role)r); p; p = p->includes)
			expect_documented(doc, p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vcpu_cannot_open_a_file),
		cmocka_unit_test(test_fetcher_sandbox),
		cmocka_unit_test(test_vcpu_cannot_start_a_program),
		cmocka_unit_test(test_no_thread_can_start_a_process),
		cmocka_unit_test(test_control_cannot_open_or_make_sockets),
		cmocka_unit_test(test_main_cannot_open_a_file),
		cmocka_unit_test(test_vcpu_writes_only_its_fds),
		cmocka_unit_test(test_vcpu_talks_to_handlers),
		cmocka_unit_test(test_main_kills_only_handler_groups),
		cmocka_unit_test(test_ioctls_only_from_the_list),
		cmocka_unit_test(test_no_executable_mappings),
		cmocka_unit_test(test_signals_stay_inside_hvmm),
		cmocka_unit_test(test_main_starts_no_threads),
		cmocka_unit_test(test_unknown_role_is_an_error),
		cmocka_unit_test(test_syscall_names),
		cmocka_unit_test(test_policies_name_arm64_syscalls),
		cmocka_unit_test(test_every_role_has_the_common_list),
		cmocka_unit_test(test_main_covers_vcpu_threads),
		cmocka_unit_test(test_policies_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
