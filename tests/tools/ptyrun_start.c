/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ptyrun: setting up the program's streams and starting it the way a
 * terminal emulator starts its shell: a new session whose controlling
 * terminal is the pty slave, the program in the foreground, default signal
 * dispositions, an empty signal mask and no descriptors but 0, 1 and 2.
 * Without a stream on the pty it still gets a session of its own, so it
 * cannot reach the terminal ptyrun itself may have.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ptyrun.h"

/* What the child reports through the exec pipe when it cannot start. */
struct child_error {
	int stage;
	int err;
};

static const char *const child_stages[] = {
	"setsid", "TIOCSCTTY (the pty as controlling terminal)", "dup2",
	"tcsetpgrp (the foreground process group)", "exec",
};

static void __attribute__((noreturn)) child_fail(int report, int stage)
{
	struct child_error ce = { stage, errno };

	if (write(report, &ce, sizeof(ce)) < 0)
		_exit(126);
	_exit(127);
}

/* In the child, between fork and exec. */
static void __attribute__((noreturn))
child(const struct run *r, const int fds[3], int slave, int report)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;

	/* A background job of a non-interactive shell ignores SIGINT and
	 * SIGQUIT, and ptyrun itself blocks SIGCHLD: none of it is inherited. */
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (setsid() < 0)
		child_fail(report, 0);
	if (slave >= 0 && ioctl(slave, TIOCSCTTY, 0) < 0)
		child_fail(report, 1);
	for (int i = 0; i < 3; i++) {
		if (fds[i] < 0)
			close(i);   /* "closed" means closed, not /dev/null */
		else if (dup2(fds[i], i) < 0)
			child_fail(report, 2);
	}
	if (slave >= 0 && tcsetpgrp(slave, getpid()) < 0)
		child_fail(report, 3);
	execvp(r->o->argv[0], r->o->argv);
	child_fail(report, 4);
}

static bool spawn(struct run *r, const int fds[3], int slave)
{
	struct child_error ce;
	int rep[2];
	ssize_t n;

	if (pipe2(rep, O_CLOEXEC) < 0) {
		fail(r, "pipe: %s", strerror(errno));
		return false;
	}
	r->t_start = now_ms();
	r->pid = fork();
	if (r->pid == 0)
		child(r, fds, slave, rep[1]);
	close(rep[1]);
	if (r->pid < 0) {
		fail(r, "fork: %s", strerror(errno));
		close(rep[0]);
		return false;
	}
	/* Closed by the exec (nothing to read), or the reason it failed. */
	do
		n = read(rep[0], &ce, sizeof(ce));
	while (n < 0 && errno == EINTR);
	close(rep[0]);
	if (n == (ssize_t)sizeof(ce)) {
		if (ce.stage == 4)
			fail(r, "cannot run %s: %s", r->o->argv[0], strerror(ce.err));
		else
			fail(r, "starting %s: %s: %s", r->o->argv[0], child_stages[ce.stage],
			     strerror(ce.err));
		return false;
	}
	return true;
}

/* The pty: the kernel's initial (cooked) mode, the window size, and the
 * termios to compare with after the exit. Returns the slave, or -1. */
static int open_pty(struct run *r)
{
	struct winsize ws = { .ws_row = r->o->rows, .ws_col = r->o->cols };
	int m, s;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0) {
		int err = errno;

		fail(r, "cannot open a pty: %s%s", strerror(err),
		     err == ENOENT || err == ENODEV ? " (is devpts mounted on /dev/pts?)" : "");
		return -1;
	}
	r->master = m;
	if (grantpt(m) || unlockpt(m) || ptsname_r(m, r->slave_name, sizeof(r->slave_name))) {
		fail(r, "cannot set up the pty: %s", strerror(errno));
		return -1;
	}
	s = open(r->slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0 || ioctl(s, TIOCSWINSZ, &ws) < 0 || tcgetattr(s, &r->before) < 0 ||
	    fcntl(m, F_SETFL, O_NONBLOCK) < 0) {
		fail(r, "cannot set up %s: %s", r->slave_name, strerror(errno));
		if (s >= 0)
			close(s);
		return -1;
	}
	r->src[0] = (struct source){ .fd = m, .open = true };
	return s;
}

/* The child's end of stream I (pty and /dev/null already open), or -1. */
static bool open_stream(struct run *r, int i, int slave, int null, int *fd)
{
	const struct stream_opt *so = &r->o->io[i];
	int p[2];

	switch (so->mode) {
	case STREAM_PTY:
		*fd = slave;
		return true;
	case STREAM_NULL:
		*fd = null;
		return true;
	case STREAM_CLOSED:
		*fd = -1;
		return true;
	case STREAM_PIPE:
		if (pipe2(p, O_CLOEXEC) < 0 || fcntl(p[i == 0], F_SETFL, O_NONBLOCK) < 0)
			break;
		*fd = p[i != 0];
		if (i == 0)
			r->in_w = p[1];
		else
			r->src[i] = (struct source){ .fd = p[0], .open = true };
		return true;
	case STREAM_FILE:
		*fd = open(so->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (*fd < 0)
			break;
		r->src[i] = (struct source){ .fd = open(so->path, O_RDONLY | O_CLOEXEC),
					     .open = true, .file = true };
		if (r->src[i].fd < 0)
			break;
		return true;
	}
	fail(r, "cannot set up the program's %s: %s", i == 0 ? "stdin" : i == 1 ? "stdout" : "stderr",
	     strerror(errno));
	return false;
}

static bool same_file(const struct opts *o)
{
	return o->io[1].mode == STREAM_FILE && o->io[2].mode == STREAM_FILE &&
	       !strcmp(o->io[1].path, o->io[2].path);
}

/* The child's ends of its streams, until the fork. */
struct child_fds {
	int fd[3];
	int slave, null;
};

static bool open_streams(struct run *r, struct child_fds *c)
{
	bool pty = false;

	for (int i = 0; i < 3; i++)
		pty |= r->o->io[i].mode == STREAM_PTY;
	if (pty && (c->slave = open_pty(r)) < 0)
		return false;
	c->null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (c->null < 0) {
		fail(r, "/dev/null: %s", strerror(errno));
		return false;
	}
	for (int i = 0; i < 3; i++) {
		/* --stdout file:X --stderr file:X is ">X 2>&1": one open file. */
		if (i == 2 && same_file(r->o)) {
			c->fd[2] = c->fd[1];
			break;
		}
		if (!open_stream(r, i, c->slave, c->null, &c->fd[i]))
			return false;
	}
	return true;
}

/* The slave, /dev/null, the pipes' far ends and the files' write ends, each
 * once. The slave is reopened by name for --expect-termios: held here, it
 * would hide the EIO that says the program and everything it started have
 * let go of the pty. */
static void close_child_fds(struct child_fds *c)
{
	for (int i = 0; i < 3; i++) {
		int fd = c->fd[i];

		if (fd >= 0 && fd != c->slave && fd != c->null &&
		    !(i > 0 && fd == c->fd[0]) && !(i > 1 && fd == c->fd[1]))
			close(fd);
	}
	if (c->slave >= 0)
		close(c->slave);
	if (c->null >= 0)
		close(c->null);
}

/* The harness's own descriptors beyond 0-2 are close-on-exec already;
 * those it inherited (say, a FIFO a test script keeps open on fd 3) are
 * made so: a terminal emulator passes nothing else either. */
static void inherited_cloexec(void)
{
#ifdef CLOSE_RANGE_CLOEXEC
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
#endif
	for (int fd = 3; fd < 1024; fd++)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static bool take_signals(struct run *r)
{
	sigset_t set;

	/* A --send to a program that has gone fails with EPIPE, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	/* Interrupting the harness ends the run cleanly (the program killed). */
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
	    (r->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		fail(r, "signalfd: %s", strerror(errno));
		return false;
	}
	return true;
}

bool run_start(struct run *r, const struct opts *o)
{
	struct child_fds c = { .fd = { -1, -1, -1 }, .slave = -1, .null = -1 };
	bool ok;

	*r = (struct run){ .o = o, .master = -1, .in_w = -1, .sigfd = -1, .log_fd = -1 };
	for (int i = 0; i < 3; i++)
		r->src[i].fd = -1;
	inherited_cloexec();
	if (!take_signals(r))
		return false;
	if (o->log_path) {
		r->log_fd = open(o->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (r->log_fd < 0) {
			fail(r, "%s: %s", o->log_path, strerror(errno));
			return false;
		}
	}
	ok = open_streams(r, &c) && spawn(r, c.fd, c.slave);
	close_child_fds(&c);
	return ok;
}

void run_close(struct run *r)
{
	if (r->master >= 0)
		close(r->master);
	if (r->in_w >= 0)
		close(r->in_w);
	for (int i = 1; i < 3; i++)
		if (r->src[i].fd >= 0)
			close(r->src[i].fd);
	if (r->sigfd >= 0)
		close(r->sigfd);
	if (r->log_fd >= 0)
		close(r->log_fd);
	free(r->match);
}
