/* SPDX-License-Identifier: GPL-2.0-only */
/* SMCCC handler processes: start, one exchange at a time, stop (see process.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "process.h"
#include "spec.h"
#include "vmm/log.h"

extern char **environ;

/* poll() by the system call the sandbox lists on every architecture
 * (arm64 has no poll; x86-64's C library would make one). ms < 0: no
 * timeout. */
static int poll_ms(struct pollfd *fds, nfds_t n, long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	return ppoll(fds, n, ms < 0 ? NULL : &ts, NULL);
}

/* How much of what a handler wrote an error message quotes. */
#define QUOTE_MAX 40

/* ---- starting ---- */

/* A pipe end that landed on 0, 1 or 2 (hvmm started with one closed)
 * would be overwritten by the child's dup2s: move it up. */
static int fd_above_stdio(int *fd)
{
	int moved;

	if (*fd > STDERR_FILENO)
		return 0;
	moved = fcntl(*fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	if (moved < 0)
		return -errno;
	close(*fd);
	*fd = moved;
	return 0;
}

/*
 * /bin/sh -c command with in_r as its stdin and out_w as its stdout, no
 * other descriptor of hvmm's, every signal at its default action and none
 * blocked (hvmm ignores SIGPIPE and blocks its stop signals, which a
 * program would inherit), in a process group of its own (a Ctrl-C meant
 * for hvmm does not reach it, and at exit the group is killed as one).
 */
static int spawn_sh(const char *command, int in_r, int out_w, pid_t *pid)
{
	char *const argv[] = { "sh", "-c", (char *)command, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int ret;

	sigemptyset(&none);
	sigfillset(&all);
	ret = posix_spawn_file_actions_init(&fa);
	if (ret)
		return -ret;
	ret = posix_spawnattr_init(&attr);
	if (ret) {
		posix_spawn_file_actions_destroy(&fa);
		return -ret;
	}
	ret = posix_spawn_file_actions_adddup2(&fa, in_r, STDIN_FILENO);
	if (!ret)
		ret = posix_spawn_file_actions_adddup2(&fa, out_w, STDOUT_FILENO);
	if (!ret)
		ret = posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
	if (!ret)
		ret = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
					       POSIX_SPAWN_SETPGROUP);
	if (!ret)
		ret = posix_spawnattr_setsigmask(&attr, &none);
	if (!ret)
		ret = posix_spawnattr_setsigdefault(&attr, &all);
	if (!ret)
		ret = posix_spawnattr_setpgroup(&attr, 0);
	if (!ret)
		ret = posix_spawn(pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return -ret;
}

static void close_pair(int fds[2])
{
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* Two pipes, every end close-on-exec and above the standard descriptors. */
static int make_pipes(int in[2], int out[2])
{
	int ret = 0;

	in[0] = in[1] = out[0] = out[1] = -1;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		ret = -errno;
	for (int i = 0; i < 2 && !ret; i++) {
		ret = fd_above_stdio(&in[i]);
		if (!ret)
			ret = fd_above_stdio(&out[i]);
	}
	if (ret) {
		close_pair(in);
		close_pair(out);
	}
	return ret;
}

int handler_proc_start(struct handler_proc *p, const char *command, char *err, size_t errlen)
{
	int in[2], out[2], ret;

	memset(p, 0, sizeof(*p));
	p->in_fd = p->out_fd = -1;
	ret = make_pipes(in, out);
	if (ret)
		return reason_set(ret, err, errlen, "cannot make its pipes: %s", strerror(-ret));
	ret = spawn_sh(command, in[0], out[1], &p->pid);
	close(in[0]);
	close(out[1]);
	if (ret) {
		p->pid = 0;
		close(in[1]);
		close(out[0]);
		return reason_set(ret, err, errlen, "cannot start /bin/sh: %s", strerror(-ret));
	}
	/* Our ends never block: every wait is a poll() that can be stopped. */
	p->in_fd = in[1];
	p->out_fd = out[0];
	if (fcntl(p->in_fd, F_SETFL, O_NONBLOCK) || fcntl(p->out_fd, F_SETFL, O_NONBLOCK))
		ret = -errno;
	pthread_mutex_init(&p->lock, NULL);
	if (ret) {
		handler_proc_stop_all(p, 1, 0);
		return reason_set(ret, err, errlen, "cannot set up its pipes: %s", strerror(-ret));
	}
	return 0;
}

/* ---- one exchange ---- */

static long long now_ms(void);

/* Wait until fd is ready for events, the process hung up, *stop, or the
 * deadline (0: none) passed: -ETIMEDOUT. */
static int wait_fd(int fd, short events, const atomic_bool *stop, long long deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		long ms = stop ? HANDLER_POLL_MS : -1;
		int r;

		if (stop && atomic_load(stop))
			return -EINTR;
		if (deadline) {
			long long left = deadline - now_ms();

			if (left <= 0)
				return -ETIMEDOUT;
			if (ms < 0 || left < ms)
				ms = (long)left;
		}
		r = poll_ms(&pfd, 1, ms);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

/* The process is of no more use: every later exchange gets the same why. */
__attribute__((format(printf, 4, 5)))
static int proc_fail(struct handler_proc *p, char *err, size_t errlen, const char *fmt, ...)
{
	char why[sizeof(p->why)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	reason_set(0, p->why, sizeof(p->why), "%s", why);
	p->failed = true;
	return reason_set(-EPIPE, err, errlen, "%s", p->why);
}

static int quote_len(size_t n)
{
	return (int)(n < QUOTE_MAX ? n : QUOTE_MAX);
}

/* It closed a pipe: say how it ended, and what it left without a newline. */
static int proc_ended(struct handler_proc *p, const char *alive_text, char *err, size_t errlen)
{
	char how[96];

	handler_proc_describe_end(p, HANDLER_END_WAIT_MS, alive_text, how, sizeof(how));
	if (!p->len)
		return proc_fail(p, err, errlen, "%s", how);
	return proc_fail(p, err, errlen, "%s after writing '%.*s' with no newline", how, quote_len(p->len), p->buf);
}

/* The first line in buf, moved out to line. */
static void take_line(struct handler_proc *p, const char *nl, char *line, size_t *line_len)
{
	size_t n = (size_t)(nl - p->buf);

	memcpy(line, p->buf, n);
	line[n] = '\0';
	*line_len = n;
	p->len -= n + 1;
	memmove(p->buf, nl + 1, p->len);
}

static int read_line(struct handler_proc *p, char *line, size_t *line_len, const atomic_bool *stop,
		     char *err, size_t errlen)
{
	for (;;) {
		const char *nl = memchr(p->buf, '\n', p->len);
		ssize_t n;
		int ret;

		if (nl) {
			take_line(p, nl, line, line_len);
			return 0;
		}
		if (p->len == sizeof(p->buf))
			return proc_fail(p, err, errlen, "wrote a line longer than %d bytes, starting '%.*s'",
					 HANDLER_LINE_MAX - 1, QUOTE_MAX, p->buf);
		n = read(p->out_fd, p->buf + p->len, sizeof(p->buf) - p->len);
		if (n > 0) {
			p->len += (size_t)n;
			continue;
		}
		if (n == 0)
			return proc_ended(p, "closed its output", err, errlen);
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return proc_fail(p, err, errlen, "cannot be read from: %s", strerror(errno));
		ret = wait_fd(p->out_fd, POLLIN, stop, p->deadline_ms);
		if (ret == -ETIMEDOUT)
			return proc_fail(p, err, errlen, "did not answer within %u ms", p->timeout_ms);
		if (ret)
			return ret == -EINTR ? ret : proc_fail(p, err, errlen, "cannot be waited for: %s", strerror(-ret));
	}
}

static int write_all(struct handler_proc *p, const char *s, size_t n, const atomic_bool *stop,
		     char *err, size_t errlen)
{
	while (n) {
		ssize_t w = write(p->in_fd, s, n);
		int ret;

		if (w > 0) {
			s += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EPIPE)
			return proc_ended(p, "closed its input", err, errlen);
		if (w == 0 || errno != EAGAIN)
			return proc_fail(p, err, errlen, "cannot be written to: %s", w ? strerror(errno) : "no progress");
		ret = wait_fd(p->in_fd, POLLOUT, stop, p->deadline_ms);
		if (ret == -ETIMEDOUT)
			return proc_fail(p, err, errlen, "did not take a request within %u ms", p->timeout_ms);
		if (ret)
			return ret == -EINTR ? ret : proc_fail(p, err, errlen, "cannot be waited for: %s", strerror(-ret));
	}
	return 0;
}

static int exchange_locked(struct handler_proc *p, const char *req, size_t req_len, char *line,
			   size_t *line_len, const atomic_bool *stop, char *err, size_t errlen)
{
	int ret;

	if (p->failed)
		return reason_set(-EPIPE, err, errlen, "%s", p->why);
	if (stop && atomic_load(stop))
		return -EINTR;
	p->deadline_ms = p->timeout_ms ? now_ms() + p->timeout_ms : 0;
	/* Answers to callers that stopped waiting come first: drop them. */
	while (p->owed) {
		ret = read_line(p, line, line_len, stop, err, errlen);
		if (ret)
			return ret;
		p->owed--;
	}
	ret = write_all(p, req, req_len, stop, err, errlen);
	if (ret)
		return ret;
	p->owed++;
	ret = read_line(p, line, line_len, stop, err, errlen);
	if (ret)
		return ret;
	p->owed--;
	if (p->len) {
		const char *nl = memchr(p->buf, '\n', p->len);

		return proc_fail(p, err, errlen, "wrote more than one line for one request: '%.*s' came after '%.*s'",
				 quote_len(nl ? (size_t)(nl - p->buf) : p->len), p->buf, quote_len(*line_len), line);
	}
	return 0;
}

int handler_proc_exchange(struct handler_proc *p, const char *req, size_t req_len, char *line,
			  size_t line_size, size_t *line_len, const atomic_bool *stop, char *err, size_t errlen)
{
	int ret;

	if (line_size < HANDLER_LINE_MAX || !p->pid)
		return reason_set(-EINVAL, err, errlen, "no such exchange");
	pthread_mutex_lock(&p->lock);
	ret = exchange_locked(p, req, req_len, line, line_len, stop, err, errlen);
	pthread_mutex_unlock(&p->lock);
	return ret;
}

void handler_proc_fail(struct handler_proc *p, const char *why)
{
	char ignored[8];

	pthread_mutex_lock(&p->lock);
	if (!p->failed)
		proc_fail(p, ignored, sizeof(ignored), "%s", why);
	pthread_mutex_unlock(&p->lock);
}

/* ---- its end ---- */

bool handler_proc_hung_up(const struct handler_proc *p)
{
	struct pollfd pfd = { .fd = p->out_fd, .events = 0 };

	if (p->out_fd < 0)
		return true;
	return poll_ms(&pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLERR));
}

void handler_proc_describe_end(const struct handler_proc *p, unsigned int wait_ms, const char *alive_text,
			       char *buf, size_t len)
{
	siginfo_t si;
	int r;

	for (unsigned int waited = 0;; waited += 10) {
		/* WNOWAIT: only look; hvmm's main thread reaps it at exit. */
		memset(&si, 0, sizeof(si));
		r = p->pid > 0 ? waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | WNOWAIT) : -1;
		if (r < 0 || si.si_pid == p->pid || waited >= wait_ms)
			break;
		poll_ms(NULL, 0, 10);
	}
	if (r < 0 || si.si_pid != p->pid)
		snprintf(buf, len, "%s", r < 0 ? "ended" : alive_text);
	else if (si.si_code == CLD_EXITED)
		snprintf(buf, len, "exited with status %d", si.si_status);
	else
		snprintf(buf, len, "was killed by signal %d (SIG%s)", si.si_status,
			 sigabbrev_np(si.si_status) ? sigabbrev_np(si.si_status) : "?");
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read and drop what each one still writes until it closes its output
 * (it exited, most likely), or until the deadline. */
static void drain_until_closed(struct handler_proc *procs, unsigned int nr, unsigned int grace_ms)
{
	long long deadline = now_ms() + grace_ms;
	struct pollfd fds[HANDLER_MAX];
	unsigned int idx[HANDLER_MAX];

	for (;;) {
		unsigned int n = 0;
		long long left = deadline - now_ms();

		for (unsigned int i = 0; i < nr && n < HANDLER_MAX; i++)
			if (procs[i].out_fd >= 0) {
				fds[n] = (struct pollfd){ .fd = procs[i].out_fd, .events = POLLIN };
				idx[n++] = i;
			}
		if (!n || left <= 0 || (poll_ms(fds, n, (long)left) < 0 && errno != EINTR))
			return;
		for (unsigned int j = 0; j < n; j++) {
			char scratch[512];
			ssize_t got;

			if (!fds[j].revents)
				continue;
			got = read(fds[j].fd, scratch, sizeof(scratch));
			if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
				close(fds[j].fd);
				procs[idx[j]].out_fd = -1;
			}
		}
	}
}

void handler_proc_stop_all(struct handler_proc *procs, unsigned int nr, unsigned int grace_ms)
{
	for (unsigned int i = 0; i < nr; i++) {
		if (procs[i].in_fd >= 0)
			close(procs[i].in_fd);
		procs[i].in_fd = -1;
	}
	drain_until_closed(procs, nr, grace_ms);
	for (unsigned int i = 0; i < nr; i++) {
		struct handler_proc *p = &procs[i];
		siginfo_t si;

		if (p->out_fd >= 0)
			close(p->out_fd);
		p->out_fd = -1;
		if (p->pid <= 0)
			continue;
		/* Unreaped, its pid and group id are still its own: whatever of
		 * the group is left (it, or what it started) goes. */
		kill(-p->pid, SIGKILL);
		while (waitid(P_PID, (id_t)p->pid, &si, WEXITED) < 0 && errno == EINTR)
			;
		p->pid = 0;
		pthread_mutex_destroy(&p->lock);
	}
}
