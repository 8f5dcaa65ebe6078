/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test program for ptyrun's own tests (tests/tools/ptyrun-test.sh): the
 * behaviours a terminal harness has to cope with, each on request.
 *
 *   ttyprobe raw           put the terminal (fd 0) into raw mode and exit
 *                          without restoring it
 *   ttyprobe raw-restore   the same, restoring it before the exit
 *   ttyprobe raw-key       raw mode until a key arrives, then restored
 *   ttyprobe flood BYTES   write BYTES bytes to stdout (lines of 64)
 *   ttyprobe ignore-hup    ignore SIGHUP, say "ready" and wait for ever
 *   ttyprobe info          print how it was started: its descriptors 0-2,
 *                          session, controlling terminal, foreground, window
 *                          size, SIGINT disposition, signal mask, other fds
 */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static int raw(bool restore, bool key)
{
	struct termios before, t;
	char c;

	if (tcgetattr(STDIN_FILENO, &before) < 0) {
		perror("ttyprobe: tcgetattr");
		return 1;
	}
	t = before;
	cfmakeraw(&t);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) < 0) {
		perror("ttyprobe: tcsetattr");
		return 1;
	}
	printf("raw\r\n");
	fflush(stdout);
	if (key && read(STDIN_FILENO, &c, 1) != 1)
		return 1;
	if (restore && tcsetattr(STDIN_FILENO, TCSAFLUSH, &before) < 0) {
		perror("ttyprobe: tcsetattr");
		return 1;
	}
	return 0;
}

static int flood(const char *arg)
{
	char line[64];
	long left = atol(arg);

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	while (left > 0) {
		size_t n = left < (long)sizeof(line) ? (size_t)left : sizeof(line);

		if (fwrite(line, 1, n, stdout) != n)
			return 1;
		left -= (long)n;
	}
	return fflush(stdout) ? 1 : 0;
}

static void __attribute__((noreturn)) ignore_hup(void)
{
	signal(SIGHUP, SIG_IGN);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

static const char *fd_kind(int fd)
{
	if (fcntl(fd, F_GETFD) < 0)
		return "closed";
	return isatty(fd) ? "tty" : "other";
}

static int info(void)
{
	struct winsize ws = { 0 };
	struct sigaction sa;
	sigset_t mask;
	const char *kind[3] = { fd_kind(0), fd_kind(1), fd_kind(2) };
	int others = 0, tty;

	/* Counted before /dev/tty takes a descriptor (maybe 0, if it is closed). */
	for (int fd = 3; fd < 1024; fd++)
		others += fcntl(fd, F_GETFD) >= 0;
	tty = open("/dev/tty", O_RDWR | O_NOCTTY);
	sigaction(SIGINT, NULL, &sa);
	sigprocmask(SIG_SETMASK, NULL, &mask);
	if (tty >= 0)
		ioctl(tty, TIOCGWINSZ, &ws);
	printf("fd0=%s fd1=%s fd2=%s leader=%s ctty=%s fg=%s size=%ux%u sigint=%s mask=%s fds=%d\n",
	       kind[0], kind[1], kind[2], getsid(0) == getpid() ? "yes" : "no",
	       tty >= 0 ? "yes" : "no", tty >= 0 && tcgetpgrp(tty) == getpgrp() ? "yes" : "no",
	       ws.ws_col, ws.ws_row, sa.sa_handler == SIG_IGN ? "ignored" : "default",
	       sigismember(&mask, SIGCHLD) || sigismember(&mask, SIGTERM) ? "blocked" : "empty",
	       others);
	return 0;
}

int main(int argc, char *argv[])
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "raw") || !strcmp(mode, "raw-restore") || !strcmp(mode, "raw-key"))
		return raw(strcmp(mode, "raw") != 0, !strcmp(mode, "raw-key"));
	if (!strcmp(mode, "flood") && argc > 2)
		return flood(argv[2]);
	if (!strcmp(mode, "ignore-hup"))
		ignore_hup();
	if (!strcmp(mode, "info"))
		return info();
	fprintf(stderr, "usage: ttyprobe raw|raw-restore|raw-key|flood BYTES|ignore-hup|info\n");
	return 2;
}
