/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the --smccc-handler processes (vmm/handler/process.c,
 * handlers.c) against real `/bin/sh -c` commands: an echo loop, callers on
 * several threads, handlers that exit, close a pipe, print garbage or stay
 * silent while the caller is stopped from another thread, what the child
 * inherits, and stopping them all at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/handler/handlers.h"

#define BASE 0xc3000000U

/* ---- a vCPU host in plain memory, for the call objects ---- */

#define NR_VCPUS 4

struct regs_host {
	uint64_t x[NR_VCPUS][32];
};

static int regs_read(void *host, unsigned int vcpu, enum fw_reg reg, uint64_t *val)
{
	struct regs_host *h = host;

	if (vcpu >= NR_VCPUS || reg > FW_REG_X30)
		return -EINVAL;
	*val = h->x[vcpu][reg];
	return 0;
}

static const struct fw_vcpu_ops regs_ops = { .reg_read = regs_read };

/* ---- helpers ---- */

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One handler for BASE..BASE+0xf running command. */
static void start_one(struct handler_set *s, const char *command)
{
	struct handler_spec spec = { BASE, 0x10, command };
	char err[256] = "";

	if (handler_set_start(s, &spec, 1, err, sizeof(err)))
		fail_msg("starting '%s': %s", command, err);
}

struct caller {
	struct handler_set *set;
	struct regs_host *regs;
	struct fw_host host;
	unsigned int vcpu;
	uint32_t fid;
	enum smccc_conduit conduit;
	const atomic_bool *stop;
	struct smccc_call call;
	int ret;
	char err[256];
	long long took_ms;
	long long end_ms;     /* when ask returned */
};

static void caller_init(struct caller *c, struct handler_set *s, struct regs_host *regs, unsigned int vcpu,
			uint32_t fid)
{
	memset(c, 0, sizeof(*c));
	c->set = s;
	c->regs = regs;
	c->host = (struct fw_host){ .ops = &regs_ops, .host = regs };
	c->vcpu = vcpu;
	c->fid = fid;
}

static int ask(struct caller *c)
{
	long long t0 = ms_now();

	smccc_call_init(&c->call, &c->host, c->vcpu, c->fid, c->conduit);
	c->err[0] = '\0';
	c->ret = handler_set_ask(c->set, 0, &c->call, c->stop, c->err, sizeof(c->err));
	c->end_ms = ms_now();
	c->took_ms = c->end_ms - t0;
	return c->ret;
}

static void *ask_thread(void *arg)
{
	ask(arg);
	return NULL;
}

static void expect_failure(struct caller *c, int ret, const char *want)
{
	assert_int_equal(ask(c), ret);
	if (strcmp(c->err, want))
		fail_msg("error \"%s\", expected \"%s\"", c->err, want);
}

/* ---- an echo loop ---- */

/* Answers x0 = FID, x1..x7 = X1..X7, x8 = VCPU, x9 = 1 for hvc, 2 for smc. */
#define ECHO "while read v c f a b d e g h i; do " \
	"case $c in hvc) k=1 ;; smc) k=2 ;; *) k=0 ;; esac; echo $f $a $b $d $e $g $h $i $v $k; done"

static void test_echo_loop(void **state)
{
	static struct regs_host regs;
	struct handler_set s;
	struct caller c;

	(void)state;
	for (unsigned int r = 1; r <= 7; r++)
		regs.x[2][r] = 0xa5a5a5a500000000ULL | r;
	start_one(&s, ECHO);
	caller_init(&c, &s, &regs, 2, BASE + 1);
	c.conduit = SMCCC_CONDUIT_SMC;
	assert_int_equal(ask(&c), 0);
	assert_int_equal(c.call.nr_ret, 10);
	assert_int_equal(c.call.ret[0], BASE + 1);
	for (unsigned int r = 1; r <= 7; r++)
		assert_int_equal(c.call.ret[r], 0xa5a5a5a500000000ULL | r);
	assert_int_equal(c.call.ret[8], 2);
	assert_int_equal(c.call.ret[9], 2);
	/* An SMC32 ID: the handler sees only the low halves. */
	caller_init(&c, &s, &regs, 2, 0x83000005);
	assert_int_equal(ask(&c), 0);
	assert_int_equal(c.call.ret[0], 0x83000005);
	for (unsigned int r = 1; r <= 7; r++)
		assert_int_equal(c.call.ret[r], r);
	assert_int_equal(c.call.ret[9], 1);
	handler_set_stop(&s);
}

static void test_unsupported_and_partial(void **state)
{
	static struct regs_host regs;
	struct handler_set s;
	struct caller c;

	(void)state;
	start_one(&s, "while read v c f rest; do case $f in 0xc3000000) echo unsupported ;; "
		  "*) echo 0x7 ;; esac; done");
	caller_init(&c, &s, &regs, 0, BASE);
	assert_int_equal(ask(&c), 0);
	assert_int_equal(c.call.nr_ret, 1);
	assert_int_equal((int64_t)c.call.ret[0], -1);
	caller_init(&c, &s, &regs, 0, BASE + 3);
	assert_int_equal(ask(&c), 0);
	assert_int_equal(c.call.nr_ret, 1);
	assert_int_equal(c.call.ret[0], 7);
	handler_set_stop(&s);
}

/* Several vCPUs at once: each gets the answer to its own request. */
static void test_concurrent_callers(void **state)
{
	static struct regs_host regs;
	struct caller c[NR_VCPUS];
	pthread_t th[NR_VCPUS];
	struct handler_set s;

	(void)state;
	start_one(&s, ECHO);
	for (unsigned int round = 0; round < 25; round++) {
		for (unsigned int v = 0; v < NR_VCPUS; v++) {
			caller_init(&c[v], &s, &regs, v, BASE + v);
			regs.x[v][1] = round * 16 + v;
			assert_int_equal(pthread_create(&th[v], NULL, ask_thread, &c[v]), 0);
		}
		for (unsigned int v = 0; v < NR_VCPUS; v++) {
			pthread_join(th[v], NULL);
			if (c[v].ret)
				fail_msg("vCPU %u: %s", v, c[v].err);
			assert_int_equal(c[v].call.ret[0], BASE + v);
			assert_int_equal(c[v].call.ret[1], round * 16 + v);
			assert_int_equal(c[v].call.ret[8], v);
		}
	}
	handler_set_stop(&s);
}

/* ---- handlers that fail ---- */

#define NAME(cmd) "--smccc-handler 0xc3000000-0xc300000f ('" cmd "')"
#define WAITING "(vCPU 1's hvc call 0xc3000002 was waiting)"

static void fails_with(const char *command, int ret, const char *want)
{
	static struct regs_host regs;
	struct handler_set s;
	struct caller c;

	(void)ret;   /* every failure is told as -EPIPE, once */
	start_one(&s, command);
	caller_init(&c, &s, &regs, 1, BASE + 2);
	expect_failure(&c, -EPIPE, want);
	/* The guest's call gets NOT_SUPPORTED. */
	assert_int_equal(c.call.nr_ret, 1);
	assert_int_equal(c.call.ret[0], (uint64_t)SMCCC_RET_NOT_SUPPORTED);
	/* A broken handler stays broken: the next caller gets NOT_SUPPORTED at
	 * once, and the failure is not told again. */
	assert_int_equal(ask(&c), 0);
	assert_string_equal(c.err, "");
	assert_int_equal(c.call.nr_ret, 1);
	assert_int_equal(c.call.ret[0], (uint64_t)SMCCC_RET_NOT_SUPPORTED);
	assert_true(c.took_ms < HANDLER_END_WAIT_MS - 10);
	handler_set_stop(&s);
}

static void test_handler_exits(void **state)
{
	(void)state;
	fails_with("exit 3", -EPIPE, NAME("exit 3") " exited with status 3 " WAITING);
	fails_with("read l; exit 0", -EPIPE, NAME("read l; exit 0") " exited with status 0 " WAITING);
	fails_with("read l; kill -9 $$", -EPIPE, NAME("read l; kill -9 $$") " was killed by signal 9 (SIGKILL) " WAITING);
	fails_with("read l; printf oops; exit 1", -EPIPE,
		   NAME("read l; printf oops; exit 1") " exited with status 1 after writing 'oops' with no newline " WAITING);
	fails_with("exec >&-; sleep 10", -EPIPE, NAME("exec >&-; sleep 10") " closed its output " WAITING);
	fails_with("no-such-command-here 2>/dev/null", -EPIPE,
		   NAME("no-such-command-here 2>/dev/null") " exited with status 127 " WAITING);
}

static void test_handler_closes_input(void **state)
{
	static struct regs_host regs;
	struct handler_set s;
	struct caller c;
	struct pollfd pfd;

	(void)state;
	start_one(&s, "exec <&-; sleep 10");
	/* Once it has closed its input, our end reports an error. */
	pfd = (struct pollfd){ .fd = s.proc[0].in_fd, .events = POLLOUT };
	for (int i = 0; i < 500 && !(pfd.revents & POLLERR); i++) {
		usleep(10 * 1000);
		assert_true(poll(&pfd, 1, 0) >= 0);
	}
	assert_true(pfd.revents & POLLERR);
	caller_init(&c, &s, &regs, 1, BASE + 2);
	expect_failure(&c, -EPIPE, NAME("exec <&-; sleep 10") " closed its input " WAITING);
	handler_set_stop(&s);
}

/* --smccc-handler-timeout: a handler that does not answer in time fails
 * like one that exits, after about the time given. */
static void test_handler_timeout(void **state)
{
	static struct regs_host regs;
	struct handler_set s;
	struct caller c;

	(void)state;
	start_one(&s, "while read l; do :; done");
	handler_set_timeout(&s, 200);
	caller_init(&c, &s, &regs, 1, BASE + 2);
	expect_failure(&c, -EPIPE, NAME("while read l; do :; done") " did not answer within 200 ms " WAITING);
	assert_true(c.took_ms >= 200);
	assert_int_equal(c.call.ret[0], (uint64_t)SMCCC_RET_NOT_SUPPORTED);
	assert_int_equal(ask(&c), 0);
	assert_true(c.took_ms < 100);
	handler_set_stop(&s);
}

static void test_handler_garbage(void **state)
{
	(void)state;
	fails_with("read l; echo hello world; cat", -EPROTO,
		   NAME("read l; echo hello world; cat") ": bad answer 'hello world' (word 1 'hello' is not a "
		   "hex number) to vCPU 1's hvc call 0xc3000002");
	fails_with("read l; echo; cat", -EPROTO,
		   NAME("read l; echo; cat") ": bad answer '' (an empty line) to vCPU 1's hvc call 0xc3000002");
	fails_with("read l; printf '1\\r\\n'; cat", -EPROTO,
		   NAME("read l; printf '1\\r\\n'; cat") ": bad answer '1?' (the line ends with a carriage "
		   "return (CR LF line ends?)) to vCPU 1's hvc call 0xc3000002");
	fails_with("read l; printf '1\\n2\\n'; cat", -EPIPE,
		   NAME("read l; printf '1\\n2\\n'; cat") " wrote more than one line for one request: '2' came "
		   "after '1' " WAITING);
	/* A long command is quoted in part. */
	fails_with("read l; head -c 2000 /dev/zero | tr '\\0' 1; cat", -EPIPE,
		   NAME("read l; head -c 2000 /dev/zer...") " wrote a line longer than 1023 bytes, starting "
		   "'1111111111111111111111111111111111111111' " WAITING);
}

/* ---- a silent handler and a caller that has to stop ---- */

static void kick_handler(int sig)
{
	(void)sig;
}

/* The kick a vCPU thread gets: a signal that interrupts system calls. */
static void install_kick(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
}

/* Two callers wait on a handler that never answers (one for the answer,
 * one for its turn); raising their stop flag (with a kick, or without:
 * the flag alone is seen within HANDLER_POLL_MS) ends both waits at once.
 * (The bound is loose: the machine running the tests may be busy.) */
static void stop_silent(bool kick)
{
	static struct regs_host regs;
	atomic_bool stop = false;
	struct caller c[2];
	pthread_t th[2];
	struct handler_set s;
	long long t0;

	install_kick();
	start_one(&s, "while read l; do :; done");
	for (unsigned int i = 0; i < 2; i++) {
		caller_init(&c[i], &s, &regs, i, BASE + i);
		c[i].stop = &stop;
		assert_int_equal(pthread_create(&th[i], NULL, ask_thread, &c[i]), 0);
	}
	usleep(300 * 1000);
	t0 = ms_now();
	atomic_store(&stop, true);
	for (unsigned int i = 0; kick && i < 2; i++)
		pthread_kill(th[i], SIGUSR1);
	for (unsigned int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(c[i].ret, -EINTR);
		assert_int_equal(c[i].call.nr_ret, 0);
		/* It was still waiting when the flag went up. */
		assert_true(c[i].end_ms >= t0);
	}
	if (ms_now() - t0 > 1000)
		fail_msg("the callers took %lld ms to stop", ms_now() - t0);
	handler_set_stop(&s);
}

static void test_silent_handler_stopped_by_kick(void **state)
{
	(void)state;
	stop_silent(true);
}

static void test_silent_handler_stopped_by_flag(void **state)
{
	(void)state;
	stop_silent(false);
}

/* A call abandoned while the handler works on it: its late answer is
 * dropped, and the next caller gets the answer to its own request. */
static void test_late_answer_dropped(void **state)
{
	static struct regs_host regs;
	atomic_bool stop = false;
	struct handler_set s;
	struct caller c;
	pthread_t th;

	(void)state;
	start_one(&s, "while read v c f rest; do sleep 0.3; echo $f; done");
	caller_init(&c, &s, &regs, 0, BASE + 1);
	c.stop = &stop;
	assert_int_equal(pthread_create(&th, NULL, ask_thread, &c), 0);
	usleep(50 * 1000);
	atomic_store(&stop, true);
	pthread_join(th, NULL);
	assert_int_equal(c.ret, -EINTR);
	assert_int_equal(s.proc[0].owed, 1);
	atomic_store(&stop, false);
	caller_init(&c, &s, &regs, 0, BASE + 2);
	c.stop = &stop;
	assert_int_equal(ask(&c), 0);
	assert_int_equal(c.call.ret[0], BASE + 2);
	assert_int_equal(s.proc[0].owed, 0);
	/* It waited for the dropped answer, then for its own. */
	assert_true(c.took_ms >= 350);
	handler_set_stop(&s);
}

/* ---- what the child gets ---- */

/* No descriptor of ours but its standard input and output; 57 is one
 * without close-on-exec, as a library might leave. */
static void test_no_stray_fds(void **state)
{
	static struct regs_host regs;
	struct handler_set s;
	struct caller c;

	(void)state;
	assert_int_equal(dup2(STDERR_FILENO, 57), 57);
	start_one(&s, "read l; r=0; for f in 3 4 5 6 7 8 9 10 11 12 57; do "
		  "if [ -e /proc/$$/fd/$f ]; then r=$f; fi; done; "
		  "if [ -e /proc/$$/fd/2 ]; then e=1; else e=0; fi; echo $r $e; cat");
	close(57);
	caller_init(&c, &s, &regs, 0, BASE);
	assert_int_equal(ask(&c), 0);
	assert_int_equal(c.call.ret[0], 0);   /* no stray descriptor */
	assert_int_equal(c.call.ret[1], 1);   /* stderr is hvmm's */
	handler_set_stop(&s);
}

/* Signals at their defaults (but glibc's own), none blocked, whatever
 * hvmm's are; its own process group. */
static void test_child_signals_and_group(void **state)
{
	static struct regs_host regs;
	sigset_t block, old;
	struct handler_set s;
	struct caller c;

	(void)state;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	start_one(&s, "read l; exec awk '/^Sig(Blk|Ign):/ { printf \"%s \", $2 } "
		  "END { getline st < \"/proc/self/stat\"; split(st, f, \" \"); printf \"%x\\n\", f[5] }' "
		  "/proc/self/status");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	caller_init(&c, &s, &regs, 0, BASE);
	if (ask(&c))
		fail_msg("%s", c.err);
	assert_int_equal(c.call.nr_ret, 3);
	assert_int_equal(c.call.ret[0], 0);                 /* SigBlk */
	/* SigIgn: nothing, SIGPIPE included; but glibc's posix_spawn leaves
	 * its own two internal signals (32 and 33) ignored, as always. */
	assert_int_equal(c.call.ret[1] & ~0x180000000ULL, 0);
	assert_int_equal(c.call.ret[2], (uint64_t)s.proc[0].pid);   /* its process group */
	handler_set_stop(&s);
}

/* ---- stopping ---- */

static bool pid_gone(pid_t pid)
{
	char path[64], st[256] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	if (!fgets(st, sizeof(st), f))
		st[0] = '\0';
	fclose(f);
	/* A zombie waiting for its new parent to reap it is gone too. */
	return strstr(st, ") Z ") != NULL;
}

/* A handler that ends when its input closes is not made to wait. */
static void test_stop_prompt(void **state)
{
	struct handler_spec spec[2] = { { BASE, 1, "cat" }, { BASE + 1, 1, "while read l; do :; done" } };
	struct handler_set s;
	pid_t pid[HANDLER_MAX];
	char err[256];
	long long t0;

	(void)state;
	assert_int_equal(handler_set_start(&s, spec, 2, err, sizeof(err)), 0);
	assert_int_equal(handler_set_pids(&s, pid), 2);
	t0 = ms_now();
	handler_set_stop(&s);
	assert_true(ms_now() - t0 < HANDLER_STOP_GRACE_MS);
	assert_int_equal(s.nr, 0);
	for (unsigned int i = 0; i < 2; i++) {
		assert_true(pid_gone(pid[i]));
		assert_int_equal(s.proc[i].pid, 0);
		assert_int_equal(s.proc[i].in_fd, -1);
		assert_int_equal(s.proc[i].out_fd, -1);
	}
}

/* One that ignores its closed input is killed after the grace time, with
 * everything it started. */
static void test_stop_kills_the_group(void **state)
{
	static struct regs_host regs;
	struct handler_set s;
	struct caller c;
	pid_t pid, child;
	long long t0;

	(void)state;
	start_one(&s, "trap '' TERM HUP INT; sleep 1000 & read l; printf '%x\\n' $!; "
		  "exec 0<&-; while :; do sleep 1; done");
	pid = s.proc[0].pid;
	caller_init(&c, &s, &regs, 0, BASE);
	assert_int_equal(ask(&c), 0);
	child = (pid_t)c.call.ret[0];
	assert_false(pid_gone(child));
	t0 = ms_now();
	handler_set_stop(&s);
	assert_true(ms_now() - t0 >= HANDLER_STOP_GRACE_MS);
	assert_true(ms_now() - t0 < HANDLER_STOP_GRACE_MS + 3000);
	assert_true(pid_gone(pid));
	for (int i = 0; i < 200 && !pid_gone(child); i++)
		usleep(10 * 1000);
	assert_true(pid_gone(child));
}

/* A handler that exits while no call waits is seen by a watching poll(). */
static void test_hangup_seen(void **state)
{
	struct handler_spec spec[2] = { { BASE, 1, "cat" }, { BASE + 1, 1, "exit 7" } };
	struct pollfd fds[HANDLER_MAX];
	struct handler_set s;
	char err[256] = "";
	unsigned int n;

	(void)state;
	assert_int_equal(handler_set_start(&s, spec, 2, err, sizeof(err)), 0);
	n = handler_set_pollfds(&s, fds);
	assert_int_equal(n, 2);
	assert_int_equal(fds[0].events, 0);
	assert_int_equal(poll(fds, n, 5000), 1);
	assert_int_equal(fds[0].revents, 0);
	assert_true(fds[1].revents & POLLHUP);
	assert_int_equal(handler_set_check_hangup(&s, err, sizeof(err)), -EPIPE);
	assert_string_equal(err, "--smccc-handler 0xc3000001-0xc3000001 ('exit 7') exited with status 7 while "
			    "the guest ran");
	handler_set_stop(&s);
	assert_int_equal(handler_set_start(&s, spec, 1, err, sizeof(err)), 0);
	assert_int_equal(handler_set_check_hangup(&s, err, sizeof(err)), 0);
	handler_set_stop(&s);
}

static void test_sandbox_lists(void **state)
{
	struct handler_spec spec[2] = { { BASE, 1, "cat" }, { BASE + 1, 1, "cat" } };
	int rd[HANDLER_MAX], wr[HANDLER_MAX];
	pid_t pid[HANDLER_MAX];
	struct handler_set s;
	char err[256];

	(void)state;
	assert_int_equal(handler_set_start(&s, spec, 2, err, sizeof(err)), 0);
	assert_int_equal(handler_set_read_fds(&s, rd), 2);
	assert_int_equal(handler_set_write_fds(&s, wr), 2);
	assert_int_equal(handler_set_pids(&s, pid), 2);
	for (unsigned int i = 0; i < 2; i++) {
		assert_int_equal(s.range[i].base, spec[i].base);
		assert_int_equal(s.range[i].count, spec[i].count);
		assert_int_equal(rd[i], s.proc[i].out_fd);
		assert_int_equal(wr[i], s.proc[i].in_fd);
		assert_int_equal(pid[i], s.proc[i].pid);
		assert_true(rd[i] > 2 && wr[i] > 2 && pid[i] > 0);
		assert_true(fcntl(rd[i], F_GETFD) & FD_CLOEXEC);
		assert_true(fcntl(wr[i], F_GETFL) & O_NONBLOCK);
	}
	handler_set_stop(&s);
}

static void test_too_many(void **state)
{
	struct handler_spec spec[HANDLER_MAX + 1];
	struct handler_set s;
	char err[256];

	(void)state;
	memset(spec, 0, sizeof(spec));
	assert_int_equal(handler_set_start(&s, spec, HANDLER_MAX + 1, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--smccc-handler: at most 16 handlers");
	assert_int_equal(s.nr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_loop),
		cmocka_unit_test(test_unsupported_and_partial),
		cmocka_unit_test(test_concurrent_callers),
		cmocka_unit_test(test_handler_exits),
		cmocka_unit_test(test_handler_closes_input),
		cmocka_unit_test(test_handler_garbage),
		cmocka_unit_test(test_handler_timeout),
		cmocka_unit_test(test_silent_handler_stopped_by_kick),
		cmocka_unit_test(test_silent_handler_stopped_by_flag),
		cmocka_unit_test(test_late_answer_dropped),
		cmocka_unit_test(test_no_stray_fds),
		cmocka_unit_test(test_child_signals_and_group),
		cmocka_unit_test(test_stop_prompt),
		cmocka_unit_test(test_stop_kills_the_group),
		cmocka_unit_test(test_hangup_seen),
		cmocka_unit_test(test_sandbox_lists),
		cmocka_unit_test(test_too_many),
	};

	/* As hvmm run does: a handler gone makes a write fail with EPIPE
	 * (test_child_signals_and_group checks a handler does not inherit it). */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
