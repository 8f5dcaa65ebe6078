/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SIGSYS path under every kind of standard descriptor a user gives
 * hvmm: for each thread role, a child sets up stdin, stdout and stderr as a
 * terminal (a pseudo-terminal that is its controlling tty), a regular file,
 * a pipe, /dev/null or (stdin) closed, opens the console as hvmm does (raw
 * mode on a terminal), enters the role's sandbox the way hvmm's threads do,
 * and makes a forbidden call. Each must end with status 1, exactly one line
 * naming the thread and the call wherever stderr can be read, and the
 * terminal's settings as they were before.
 *
 * Also: several threads trapping at once still give one line, and what the
 * C library does by itself in a sandboxed thread (its malloc giving memory
 * back) stays inside the filters. Built without AddressSanitizer (the
 * Makefile), so that the C library's own malloc runs, as in hvmm.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/console.h"
#include "vmm/exit_status.h"
#include "vmm/sandbox.h"
#include "vmm/stdio_fds.h"

enum stream { S_PTY, S_FILE, S_PIPE, S_NULL, S_CLOSED, S_COUNT };

static const char *const stream_names[S_COUNT] = { "terminal", "file", "pipe", "/dev/null", "closed" };

struct stdio_case {
	enum stream in, out, err;
};

/* What the parent holds while a child runs. */
struct harness {
	int master;                  /* the terminal's other side, or -1 */
	char slave_name[64];
	int pipe_rd[3];              /* pipe ends the parent keeps: stdin's write end, the others' read ends */
	char file[3][64];            /* regular files for file streams */
};

typedef void (*role_fn)(struct console *con);

/* ---- what the child does, per role, once its stdio is set up ---- */

static struct sandbox_thread *new_thread_sandbox(enum sandbox_role role, const char *label, struct console *con)
{
	struct sandbox_thread *t = calloc(1, sizeof(*t));

	if (!t)
		_exit(98);
	t->role = role;
	snprintf(t->label, sizeof(t->label), "%s", label);
	t->write_fds[0] = STDOUT_FILENO;
	t->write_fds[1] = STDERR_FILENO;
	t->nr_write_fds = 2;
	t->console = con;
	return t;
}

static void enter_or_die(const struct sandbox_thread *t)
{
	char err[256];

	if (sandbox_enter(t, err, sizeof(err))) {
		dprintf(STDERR_FILENO, "setup: %s\n", err);
		_exit(99);
	}
}

static void forbidden_open(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
}

static void role_main(struct console *con)
{
	enter_or_die(new_thread_sandbox(SANDBOX_MAIN, "main", con));
	forbidden_open();
}

static pthread_barrier_t vcpu_go;

static void *vcpu_body(void *arg)
{
	enter_or_die(new_thread_sandbox(SANDBOX_VCPU, "vCPU 0", arg));
	pthread_barrier_wait(&vcpu_go);
	forbidden_open();
	return NULL;
}

/* As in hvmm (vmm/vcpu_pool.c): the vCPU thread is started, and enters its
 * own sandbox, before the main thread enters its sandbox. */
static void role_vcpu(struct console *con)
{
	pthread_t th;

	pthread_barrier_init(&vcpu_go, NULL, 2);
	if (pthread_create(&th, NULL, vcpu_body, con))
		_exit(97);
	enter_or_die(new_thread_sandbox(SANDBOX_MAIN, "main", con));
	pthread_barrier_wait(&vcpu_go);
	pthread_join(th, NULL);
}

struct control_start {
	struct console *con;
	pthread_barrier_t entered;
};

static void *control_body(void *arg)
{
	struct control_start *cs = arg;

	enter_or_die(new_thread_sandbox(SANDBOX_CONTROL, "control", cs->con));
	pthread_barrier_wait(&cs->entered);   /* the main thread enters its own */
	pthread_barrier_wait(&cs->entered);   /* ... and then this one traps */
	forbidden_open();
	return NULL;
}

/* As in hvmm: the control thread starts before the main thread's sandbox. */
static void role_control(struct console *con)
{
	struct control_start cs = { .con = con };
	pthread_t th;

	pthread_barrier_init(&cs.entered, NULL, 2);
	if (pthread_create(&th, NULL, control_body, &cs))
		_exit(97);
	pthread_barrier_wait(&cs.entered);
	enter_or_die(new_thread_sandbox(SANDBOX_MAIN, "main", con));
	pthread_barrier_wait(&cs.entered);
	pthread_join(th, NULL);
}

/* ---- setting up a child's stdio ---- */

static int open_stream(enum stream s, int fd, struct harness *h, int pipes[3][2])
{
	int idx = fd;

	switch (s) {
	case S_PTY: return open(h->slave_name, fd == STDIN_FILENO ? O_RDWR : O_RDWR | O_NOCTTY);
	case S_FILE: return open(h->file[idx], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	case S_PIPE: return fd == STDIN_FILENO ? pipes[idx][0] : pipes[idx][1];
	case S_NULL: return open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY);
	case S_CLOSED: return -1;
	case S_COUNT: break;
	}
	return -1;
}

static void child_stdio(const struct stdio_case *c, struct harness *h, int pipes[3][2])
{
	const enum stream kinds[3] = { c->in, c->out, c->err };
	int fds[3];

	setsid();
	if (h->master >= 0) {
		int tty = open(h->slave_name, O_RDWR);

		if (tty < 0 || ioctl(tty, TIOCSCTTY, 0))
			_exit(96);
		close(tty);
	}
	for (int i = 0; i < 3; i++)
		fds[i] = open_stream(kinds[i], i, h, pipes);
	for (int i = 0; i < 3; i++) {
		if (fds[i] < 0)
			close(i);
		else if (fds[i] != i)
			dup2(fds[i], i);
	}
	for (int fd = 3; fd < 64; fd++)
		close(fd);
	/* hvmm's first steps: a closed standard descriptor becomes /dev/null. */
	if (stdio_fill_closed())
		_exit(95);
}

static void run_child(const struct stdio_case *c, struct harness *h, int pipes[3][2], role_fn role)
{
	struct console *con = calloc(1, sizeof(*con));

	child_stdio(c, h, pipes);
	if (!con || sandbox_prepare_process() || console_open(con, STDIN_FILENO))
		_exit(94);
	role(con);
	syscall(SYS_exit_group, 0);   /* the forbidden call came back: wrong */
}

/* ---- the parent ---- */

static void harness_init(struct harness *h, const struct stdio_case *c, int pipes[3][2])
{
	memset(h, 0, sizeof(*h));
	h->master = -1;
	if (c->in == S_PTY || c->out == S_PTY || c->err == S_PTY) {
		h->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		assert_true(h->master >= 0);
		assert_int_equal(grantpt(h->master), 0);
		assert_int_equal(unlockpt(h->master), 0);
		assert_int_equal(ptsname_r(h->master, h->slave_name, sizeof(h->slave_name)), 0);
	}
	for (int i = 0; i < 3; i++) {
		pipes[i][0] = pipes[i][1] = -1;
		snprintf(h->file[i], sizeof(h->file[i]), "/tmp/hvmm-sbstdio-%d-%d", (int)getpid(), i);
	}
	if (c->in == S_PIPE)
		assert_int_equal(pipe(pipes[0]), 0);
	if (c->out == S_PIPE)
		assert_int_equal(pipe(pipes[1]), 0);
	if (c->err == S_PIPE)
		assert_int_equal(pipe(pipes[2]), 0);
}

/* Everything readable from fd until its writers are gone (EOF, or EIO on a
 * terminal's master once the last slave closed). */
static size_t drain(int fd, char *buf, size_t cap, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (len + 1 < cap && poll(&p, 1, 5000) > 0) {
		ssize_t n = read(fd, buf + len, cap - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return len;
}

static void strip_cr(char *s)
{
	char *o = s;

	for (; *s; s++)
		if (*s != '\r')
			*o++ = *s;
	*o = '\0';
}

/* How a child ended: its status (or 128 + signal), its stderr where that
 * can be read (CRs dropped), and whether the terminal's settings changed. */
struct child_end {
	int status;
	char err[1024];
	bool termios_changed;
};

/* Where the child's stderr went, read after it ended. */
static void collect_err(const struct stdio_case *c, struct harness *h, int *slave, struct child_end *e)
{
	if (c->err == S_PTY) {
		close(*slave);   /* the master reads EIO once no slave is open */
		drain(h->master, e->err, sizeof(e->err), 0);
		*slave = open(h->slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	} else if (c->err == S_FILE) {
		int fd = open(h->file[2], O_RDONLY);

		assert_true(fd >= 0);
		drain(fd, e->err, sizeof(e->err), 0);
		close(fd);
	}
}

static void harness_close(struct harness *h, int pipes[3][2], int slave)
{
	for (int i = 0; i < 3; i++) {
		unlink(h->file[i]);
		for (int e = 0; e < 2; e++)
			if (pipes[i][e] >= 0)
				close(pipes[i][e]);
	}
	if (slave >= 0)
		close(slave);
	if (h->master >= 0)
		close(h->master);
}

static void run_in_child(const struct stdio_case *c, role_fn role, struct child_end *e)
{
	struct harness h;
	int pipes[3][2];
	/* Zeroed: tcgetattr leaves the C library's spare c_cc slots alone. */
	struct termios before = { 0 }, after = { 0 };
	int slave = -1, st;
	pid_t pid;

	memset(e, 0, sizeof(*e));
	harness_init(&h, c, pipes);
	if (h.master >= 0) {
		/* Held by the parent so the terminal outlives the child. */
		slave = open(h.slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
		assert_true(slave >= 0);
		assert_int_equal(tcgetattr(slave, &before), 0);
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		run_child(c, &h, pipes, role);
	for (int i = 0; i < 3; i++) {
		int *childs_end = &pipes[i][i == STDIN_FILENO ? 0 : 1];

		if (*childs_end >= 0)
			close(*childs_end);
		*childs_end = -1;
	}
	if (c->err == S_PIPE)
		drain(pipes[2][0], e->err, sizeof(e->err), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	collect_err(c, &h, &slave, e);
	if (h.master >= 0) {
		assert_true(slave >= 0);
		assert_int_equal(tcgetattr(slave, &after), 0);
		e->termios_changed = memcmp(&before, &after, sizeof(before)) != 0;
	}
	harness_close(&h, pipes, slave);
	e->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	strip_cr(e->err);
}

/* Runs one case that must trap; returns NULL, or what went wrong. */
static const char *run_case(const struct stdio_case *c, role_fn role, const char *label, char *why, size_t whylen)
{
	struct child_end e;
	char want[256];

	run_in_child(c, role, &e);
	if (e.status != HVMM_EXIT_ERROR) {
		snprintf(why, whylen, "ended with %d (stderr: %s)", e.status, e.err);
		return why;
	}
	/* On a terminal in raw mode the line starts on a line of its own. */
	snprintf(want, sizeof(want), "%shvmm: sandbox: the %s thread made a forbidden system call: openat; stopping hvmm\n",
		 c->in == S_PTY && c->err == S_PTY ? "\n" : "", label);
	if (c->err != S_NULL && strcmp(e.err, want)) {
		snprintf(why, whylen, "stderr was \"%s\", expected \"%s\"", e.err, want);
		return why;
	}
	if (e.termios_changed) {
		snprintf(why, whylen, "the terminal's settings are not what they were before");
		return why;
	}
	return NULL;
}

/* Every combination of stdin (terminal, /dev/null, pipe, closed) and of
 * stdout and stderr (terminal, file, pipe, /dev/null). */
static void run_matrix(role_fn role, const char *label)
{
	static const enum stream ins[] = { S_PTY, S_NULL, S_PIPE, S_CLOSED };
	static const enum stream outs[] = { S_PTY, S_FILE, S_PIPE, S_NULL };
	unsigned int bad = 0, cases = 0;
	char why[1400];

	for (size_t i = 0; i < 4; i++)
		for (size_t o = 0; o < 4; o++)
			for (size_t e = 0; e < 4; e++) {
				struct stdio_case c = { ins[i], outs[o], outs[e] };
				const char *fail = run_case(&c, role, label, why, sizeof(why));

				cases++;
				if (!fail)
					continue;
				bad++;
				print_error("%s thread, stdin %s, stdout %s, stderr %s: %s\n", label,
					    stream_names[c.in], stream_names[c.out], stream_names[c.err], fail);
			}
	print_message("%s thread: %u of %u stdio combinations reported and exited cleanly\n", label,
		      cases - bad, cases);
	assert_int_equal(bad, 0);
}

static void test_main_thread_every_stdio(void **state)
{
	(void)state;
	run_matrix(role_main, "main");
}

static void test_vcpu_thread_every_stdio(void **state)
{
	(void)state;
	run_matrix(role_vcpu, "vCPU 0");
}

static void test_control_thread_every_stdio(void **state)
{
	(void)state;
	run_matrix(role_control, "control");
}

/* ---- several threads at once ---- */

#define RACERS 4

struct race {
	struct console *con;
	pthread_barrier_t go;
	unsigned int id;
	pthread_mutex_t lock;
};

static void *racer_body(void *arg)
{
	struct race *r = arg;
	char label[16];
	unsigned int id;

	pthread_mutex_lock(&r->lock);
	id = r->id++;
	pthread_mutex_unlock(&r->lock);
	snprintf(label, sizeof(label), "vCPU %u", id);
	enter_or_die(new_thread_sandbox(SANDBOX_VCPU, label, r->con));
	pthread_barrier_wait(&r->go);
	forbidden_open();
	return NULL;
}

/* Every racer traps at about the same moment; one of them reports. */
static void role_racers(struct console *con)
{
	static struct race r;
	pthread_t th[RACERS];

	r.con = con;
	pthread_mutex_init(&r.lock, NULL);
	pthread_barrier_init(&r.go, NULL, RACERS + 1);
	for (unsigned int i = 0; i < RACERS; i++)
		if (pthread_create(&th[i], NULL, racer_body, &r))
			_exit(97);
	enter_or_die(new_thread_sandbox(SANDBOX_MAIN, "main", con));
	pthread_barrier_wait(&r.go);
	for (unsigned int i = 0; i < RACERS; i++)
		pthread_join(th[i], NULL);
}

static void test_racing_traps_give_one_line(void **state)
{
	const struct stdio_case c = { S_PTY, S_PTY, S_PIPE };
	const char *tail = " thread made a forbidden system call: openat; stopping hvmm\n";
	const char *head = "hvmm: sandbox: the vCPU ";

	(void)state;
	for (unsigned int round = 0; round < 50; round++) {
		struct child_end e;
		const char *nl, *id;

		run_in_child(&c, role_racers, &e);
		nl = strchr(e.err, '\n');
		id = e.err + strlen(head);
		if (e.status != HVMM_EXIT_ERROR || !nl || nl[1] || strncmp(e.err, head, strlen(head)) ||
		    *id < '0' || *id >= '0' + RACERS || strcmp(id + 1, tail) || e.termios_changed)
			print_error("round %u: ended with %d, stderr \"%s\"%s\n", round, e.status, e.err,
				    e.termios_changed ? ", terminal not restored" : "");
		assert_int_equal(e.status, HVMM_EXIT_ERROR);
		assert_non_null(nl);
		assert_int_equal(nl[1], '\0');
		assert_int_equal(strncmp(e.err, head, strlen(head)), 0);
		assert_string_equal(id + 1, tail);
		assert_false(e.termios_changed);
	}
}

/* ---- the C library's own work ---- */

/* Freeing a lot of memory at once makes malloc give it back, which for a
 * thread's own arena first opens /proc/sys/vm/overcommit_memory. */
static void *allocator_body(void *arg)
{
	enum { N = 64, SIZE = 60000 };
	char *p[N];

	enter_or_die(new_thread_sandbox(SANDBOX_CONTROL, "control", arg));
	for (int i = 0; i < N; i++) {
		p[i] = malloc(SIZE);
		if (!p[i])
			_exit(93);
		memset(p[i], i, SIZE);
	}
	for (int i = N - 1; i >= 0; i--)
		free(p[i]);
	syscall(SYS_exit_group, 0);   /* no trap on the way */
	return NULL;
}

static void role_allocator(struct console *con)
{
	pthread_t th;

	if (pthread_create(&th, NULL, allocator_body, con))
		_exit(97);
	pthread_join(th, NULL);
}

static void test_sandboxed_thread_frees_memory(void **state)
{
	const struct stdio_case c = { S_NULL, S_NULL, S_PIPE };
	struct child_end e;

	(void)state;
	run_in_child(&c, role_allocator, &e);
	if (e.status != 0)
		print_error("ended with %d: %s\n", e.status, e.err);
	assert_int_equal(e.status, 0);
	assert_string_equal(e.err, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_main_thread_every_stdio),
		cmocka_unit_test(test_vcpu_thread_every_stdio),
		cmocka_unit_test(test_control_thread_every_stdio),
		cmocka_unit_test(test_racing_traps_give_one_line),
		cmocka_unit_test(test_sandboxed_thread_frees_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
