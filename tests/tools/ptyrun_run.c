/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ptyrun: driving the program. One poll round (pump) reads
 * whatever output there is (pty master and pipes when readable, file:
 * outputs by re-reading them from the last offset on every tick), writes
 * pending input and reaps the program through a signalfd. The steps and the
 * final wait are loops around it with deadlines, so nothing waits unbounded
 * and the program can never block on a full pty or pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ptyrun.h"

#define FILE_TICK_MS   20     /* how often file: outputs are re-read */
#define DRAIN_GRACE_MS 2000   /* the output must end this soon after the exit */
#define KILL_GRACE_MS  5000   /* SIGKILL must end the program this soon */
#define MATCH_KEEP     256    /* output kept while a --wait is unmatched */
#define MATCH_SLACK    65536  /* trimmed only past this, not on every read */
#define READ_CHUNK     65536
#define READS_PER_TICK 16     /* a flooding stream does not starve the rest */

long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static long deadline(const struct run *r)
{
	return r->t_start + r->o->timeout_ms;
}

/* ---- output ------------------------------------------------------------ */

static void match_append(struct run *r, const char *p, size_t n)
{
	if (!r->keep_match)
		return;
	if (r->mlen + n > r->mcap) {
		size_t cap = r->mcap ? r->mcap * 2 : 4096;
		char *m;

		while (cap < r->mlen + n)
			cap *= 2;
		m = realloc(r->match, cap);
		if (!m) {
			fail(r, "out of memory for the output");
			return;
		}
		r->match = m;
		r->mcap = cap;
	}
	/* CR is dropped: the pty turns every "\n" into "\r\n" (ONLCR). */
	for (size_t i = 0; i < n; i++)
		if (p[i] != '\r')
			r->match[r->mlen++] = p[i];
}

static void take_output(struct run *r, struct source *s, const char *p, size_t n)
{
	for (const char *q = p; (q = memchr(q, '\n', n - (size_t)(q - p))); q++)
		s->lines++;
	s->partial = p[n - 1] != '\n';
	if (!s->file && r->log_fd >= 0) {
		for (size_t off = 0; off < n;) {
			ssize_t w = write(r->log_fd, p + off, n - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				fail(r, "cannot write the log: %s", w ? strerror(errno) : "no space");
				close(r->log_fd);
				r->log_fd = -1;
				break;
			}
			off += (size_t)w;
		}
	}
	match_append(r, p, n);
}

static void read_stream(struct run *r, struct source *s, char *buf)
{
	for (int i = 0; i < READS_PER_TICK; i++) {
		ssize_t n = read(s->fd, buf, READ_CHUNK);

		if (n > 0) {
			take_output(r, s, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		/* EOF; on the pty master EIO: no slave descriptor is open any more
		 * (the master itself stays open: the slave is reopened by name). */
		s->open = false;
		if (s != &r->src[0]) {
			close(s->fd);
			s->fd = -1;
		}
		return;
	}
}

static void read_file(struct run *r, struct source *s, char *buf, int max_reads)
{
	struct stat st;

	/* Truncated by the program (reopened with O_TRUNC): start again. */
	if (fstat(s->fd, &st) == 0 && st.st_size < s->off)
		s->off = 0;
	for (int i = 0; i < max_reads; i++) {
		ssize_t n = pread(s->fd, buf, READ_CHUNK, s->off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s->off += n;
		take_output(r, s, buf, (size_t)n);
	}
}

/* ---- the program's end --------------------------------------------------- */

static void kill_group(struct run *r)
{
	if (r->killed || r->pid <= 0)
		return;
	r->killed = true;
	r->t_killed = now_ms();
	/* Its process group too: whatever it started must not outlive the run. */
	kill(-r->pid, SIGKILL);
	if (!r->reaped)
		kill(r->pid, SIGKILL);
}

static void reap(struct run *r)
{
	struct signalfd_siginfo si;
	int st;

	while (read(r->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo != SIGCHLD)
			fail(r, "interrupted by %s", signal_name((int)si.ssi_signo));
	if (!r->reaped && r->pid > 0 && waitpid(r->pid, &st, WNOHANG) == r->pid) {
		r->reaped = true;
		r->wstatus = st;
		r->t_reaped = now_ms();
	}
}

static bool streams_open(const struct run *r)
{
	for (int i = 0; i < 3; i++)
		if (r->src[i].open && !r->src[i].file)
			return true;
	return false;
}

/* After the exit: the output has ended once every pty/pipe gave EOF, or a
 * process the program left behind keeps one open past the grace. */
static void check_drained(struct run *r, char *buf)
{
	if (!r->reaped || r->drained)
		return;
	if (streams_open(r)) {
		if (now_ms() < r->t_reaped + DRAIN_GRACE_MS)
			return;
		fail(r, "the output stayed open %d s after the program exited "
		     "(a process it left behind holds the pty or a pipe)", DRAIN_GRACE_MS / 1000);
		kill_group(r);
	}
	for (int i = 1; i < 3; i++)
		if (r->src[i].open && r->src[i].file)
			read_file(r, &r->src[i], buf, 1 << 14);
	r->drained = true;
}

/* ---- the poll round ---------------------------------------------------- */

static void write_pending(struct run *r)
{
	while (r->send.left) {
		ssize_t w = write(r->send.fd, r->send.p, r->send.left);

		if (w > 0) {
			r->send.p += w;
			r->send.left -= (size_t)w;
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else if (w < 0 && errno == EAGAIN) {
			return;
		} else {
			fail(r, "--send: cannot write the program's input: %s",
			     w < 0 ? strerror(errno) : "nothing written");
			r->send.left = 0;
		}
	}
}

static int poll_timeout(const struct run *r, long until, bool files)
{
	long t = now_ms(), wait = until - t;

	if (files && wait > FILE_TICK_MS)
		wait = FILE_TICK_MS;
	if (r->reaped && !r->drained && wait > r->t_reaped + DRAIN_GRACE_MS - t)
		wait = r->t_reaped + DRAIN_GRACE_MS - t;
	return wait < 0 ? 0 : (int)wait;
}

/* One round: wait for an event or until UNTIL (ms), then handle them all. */
static void pump(struct run *r, long until)
{
	char buf[READ_CHUNK];
	struct pollfd pfd[5];
	struct source *who[5];
	nfds_t n = 0;
	bool files = false;

	for (int i = 0; i < 3; i++) {
		if (r->src[i].open && r->src[i].file)
			files = true;
		else if (r->src[i].open) {
			who[n] = &r->src[i];
			pfd[n++] = (struct pollfd){ .fd = r->src[i].fd, .events = POLLIN };
		}
	}
	if (r->send.left) {
		who[n] = NULL;
		pfd[n++] = (struct pollfd){ .fd = r->send.fd, .events = POLLOUT };
	}
	pfd[n++] = (struct pollfd){ .fd = r->sigfd, .events = POLLIN };
	/* On an error no revents are set; the rest still reaps and drains, so
	 * the loops around end at their deadlines. */
	if (poll(pfd, n, poll_timeout(r, until, files)) < 0 && errno != EINTR)
		fail(r, "poll: %s", strerror(errno));
	for (nfds_t i = 0; i + 1 < n; i++) {
		if (!pfd[i].revents)
			continue;
		if (who[i])
			read_stream(r, who[i], buf);
		else
			write_pending(r);
	}
	for (int i = 1; i < 3; i++)
		if (r->src[i].open && r->src[i].file)
			read_file(r, &r->src[i], buf, READS_PER_TICK);
	reap(r);
	check_drained(r, buf);
}

static bool within_timeout(struct run *r, const char *doing)
{
	if (now_ms() < deadline(r))
		return true;
	fail(r, "timed out after %ld s (--timeout) %s", r->o->timeout_ms / 1000, doing);
	return false;
}

/* ---- steps ------------------------------------------------------------- */

static bool match_take(struct run *r, const struct step *s)
{
	char *hit = r->mlen >= s->len ? memmem(r->match, r->mlen, s->text, s->len) : NULL;
	size_t keep = s->len > MATCH_KEEP ? s->len : MATCH_KEEP;

	if (hit) {
		size_t end = (size_t)(hit - r->match) + s->len;

		memmove(r->match, r->match + end, r->mlen - end);
		r->mlen -= end;
		return true;
	}
	/* What cannot be the start of a match is dropped, but only now and then. */
	if (r->mlen > keep + MATCH_SLACK) {
		memmove(r->match, r->match + r->mlen - keep, keep);
		r->mlen = keep;
	}
	return false;
}

static void wait_failed(struct run *r, const struct step *s, const char *why)
{
	char tail[256];
	size_t n = r->mlen < 60 ? r->mlen : 60;

	quote_text(tail, sizeof(tail), n ? r->match + r->mlen - n : "", n);
	fail(r, "--wait \"%s\": %s (the last output: %s)", s->arg, why, tail);
}

static void step_wait(struct run *r, const struct step *s)
{
	long until = now_ms() + s->ms;
	char doing[192], why[64];

	snprintf(doing, sizeof(doing), "waiting for \"%s\"", s->arg);
	snprintf(why, sizeof(why), "not seen in %ld s", s->ms / 1000);
	while (!r->failure[0] && !match_take(r, s)) {
		if (r->drained)
			wait_failed(r, s, "the program exited and its output ended first");
		else if (now_ms() >= until)
			wait_failed(r, s, why);
		else if (within_timeout(r, doing))
			pump(r, until < deadline(r) ? until : deadline(r));
	}
}

static void step_send(struct run *r, const struct step *s)
{
	int fd = r->o->io[0].mode == STREAM_PIPE ? r->in_w : r->master;

	if (fd < 0) {
		fail(r, "--send \"%s\": the program's input is gone (%s)", s->arg,
		     r->o->io[0].mode == STREAM_PIPE ? "--close-stdin" : "--hangup");
		return;
	}
	r->send = (struct pending){ .fd = fd, .p = s->text, .left = s->len };
	write_pending(r);
	while (!r->failure[0] && r->send.left) {
		if (r->reaped)
			fail(r, "--send \"%s\": the program exited before taking it all", s->arg);
		else if (within_timeout(r, "sending"))
			pump(r, deadline(r));
	}
	r->send.left = 0;
}

static void step_signal(struct run *r, const struct step *s)
{
	pump(r, 0);   /* an exit that already happened is seen first */
	if (r->reaped)
		fail(r, "--signal %s: the program had already exited", s->arg);
	else if (kill(r->pid, s->sig) < 0)
		fail(r, "--signal %s: %s", s->arg, strerror(errno));
}

static void step_hangup(struct run *r)
{
	char buf[READ_CHUNK];

	if (r->master < 0)
		return;
	/* What the program wrote before belongs to the log. */
	if (r->src[0].open)
		read_stream(r, &r->src[0], buf);
	r->src[0].open = false;
	close(r->master);
	r->master = -1;
}

static void step_pause(struct run *r, const struct step *s)
{
	long until = now_ms() + s->ms;

	while (!r->failure[0] && now_ms() < until && within_timeout(r, "in --pause"))
		pump(r, until < deadline(r) ? until : deadline(r));
}

/* ---- steps beside the program: commands, the terminal's mode ---------- */

/* Starts /bin/sh -c CMD with the signals and mask a shell expects. */
static pid_t start_command(const char *cmd)
{
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t none;
		int null_fd = open("/dev/null", O_RDONLY);

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (null_fd >= 0 && null_fd != STDIN_FILENO) {
			dup2(null_fd, STDIN_FILENO);
			close(null_fd);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Runs CMD to its end, reading the program's output meanwhile. Returns its
 * exit status, or -1 (the run failed or timed out: it is killed). */
static int run_command(struct run *r, const char *cmd, long until)
{
	pid_t pid = start_command(cmd);
	int st;

	if (pid < 0) {
		fail(r, "cannot start \"%s\": %s", cmd, strerror(errno));
		return -1;
	}
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (r->failure[0] || now_ms() >= until || !within_timeout(r, "running a command")) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		/* Its SIGCHLD comes through the signalfd too, but not as the program's. */
		pump(r, now_ms() + 20 < until ? now_ms() + 20 : until);
	}
}

static void step_run(struct run *r, const struct step *s)
{
	int st = run_command(r, s->text, deadline(r));

	if (st > 0)
		fail(r, "--run \"%s\": exited with %d", s->text, st);
	else if (st < 0 && !r->failure[0])
		fail(r, "--run \"%s\": did not finish", s->text);
}

static void step_wait_cmd(struct run *r, const struct step *s)
{
	long until = now_ms() + s->ms;
	int st = 1;

	while (!r->failure[0] && st != 0) {
		if (now_ms() >= until) {
			fail(r, "--wait-cmd \"%s\": did not succeed in %ld s", s->text, s->ms / 1000);
			return;
		}
		st = run_command(r, s->text, until);
		if (st != 0 && !r->failure[0])
			pump(r, now_ms() + 100 < until ? now_ms() + 100 : until);
	}
}

/* Raw mode is what a program that serves a console sets first: from then on
 * it reads the keys. */
static bool pty_is_raw(const struct run *r)
{
	struct termios t;
	int fd = open(r->slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	bool raw;

	if (fd < 0)
		return false;
	raw = tcgetattr(fd, &t) == 0 && !(t.c_lflag & ICANON);
	close(fd);
	return raw;
}

static void step_wait_raw(struct run *r, const struct step *s)
{
	long until = now_ms() + s->ms;

	while (!r->failure[0] && !pty_is_raw(r)) {
		if (r->reaped)
			fail(r, "--wait-raw: the program exited with the terminal in canonical mode");
		else if (now_ms() >= until)
			fail(r, "--wait-raw: the terminal stayed in canonical mode for %ld s", s->ms / 1000);
		else if (within_timeout(r, "waiting for raw mode"))
			pump(r, now_ms() + 20 < until ? now_ms() + 20 : until);
	}
}

static bool wait_ahead(const struct opts *o, size_t from)
{
	for (size_t i = from; i < o->nsteps; i++)
		if (o->steps[i].kind == STEP_WAIT)
			return true;
	return false;
}

void run_steps(struct run *r)
{
	for (size_t i = 0; i < r->o->nsteps && !r->failure[0]; i++) {
		const struct step *s = &r->o->steps[i];

		r->keep_match = wait_ahead(r->o, i);
		switch (s->kind) {
		case STEP_WAIT:
			step_wait(r, s);
			break;
		case STEP_SEND:
			step_send(r, s);
			break;
		case STEP_SIGNAL:
			step_signal(r, s);
			break;
		case STEP_HANGUP:
			step_hangup(r);
			break;
		case STEP_CLOSE_STDIN:
			if (r->in_w >= 0)
				close(r->in_w);
			r->in_w = -1;
			break;
		case STEP_PAUSE:
			step_pause(r, s);
			break;
		case STEP_RUN:
			step_run(r, s);
			break;
		case STEP_WAIT_CMD:
			step_wait_cmd(r, s);
			break;
		case STEP_WAIT_RAW:
			step_wait_raw(r, s);
			break;
		}
	}
	r->keep_match = false;
	free(r->match);
	r->match = NULL;
	r->mlen = r->mcap = 0;
}

/* Waits for the exit (killing the program on a failure or the timeout),
 * then for the end of its output. */
void run_finish(struct run *r)
{
	if (r->pid <= 0)
		return;
	while (!r->reaped && !r->failure[0] && within_timeout(r, "waiting for the exit"))
		pump(r, deadline(r));
	if (!r->reaped)
		kill_group(r);
	while (!r->reaped && now_ms() < r->t_killed + KILL_GRACE_MS)
		pump(r, r->t_killed + KILL_GRACE_MS);
	if (!r->reaped) {
		fail(r, "the program did not die on SIGKILL within %d s", KILL_GRACE_MS / 1000);
		return;
	}
	while (!r->drained)
		pump(r, r->t_reaped + DRAIN_GRACE_MS);
}
