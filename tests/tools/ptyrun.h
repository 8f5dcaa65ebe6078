/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ptyrun: runs a program the way a user's terminal would and scripts it
 * (tests/tools/ptyrun.c has the usage). ptyrun.c parses the command line and
 * judges the result, ptyrun_start.c starts the program, ptyrun_run.c drives
 * it, ptyrun_termios.c words a termios difference.
 */
#ifndef PTYRUN_H
#define PTYRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <termios.h>

/* Where one of the program's standard streams goes. */
enum stream_mode { STREAM_PTY, STREAM_NULL, STREAM_PIPE, STREAM_CLOSED, STREAM_FILE };

struct stream_opt {
	enum stream_mode mode;
	const char *path;          /* STREAM_FILE */
};

enum step_kind {
	STEP_WAIT, STEP_SEND, STEP_SIGNAL, STEP_HANGUP, STEP_CLOSE_STDIN, STEP_PAUSE,
	STEP_RUN, STEP_WAIT_CMD, STEP_WAIT_RAW,
};

struct step {
	enum step_kind kind;
	const char *arg;           /* as given, for messages */
	char *text;                /* --wait, --send: escapes resolved (owned); --run, --wait-cmd: the command */
	size_t len;
	long ms;                   /* --wait's, --wait-cmd's and --wait-raw's limit, --pause */
	int sig;                   /* --signal */
};

struct opts {
	struct stream_opt io[3];   /* stdin, stdout, stderr */
	const char *log_path;
	struct step *steps;
	size_t nsteps;
	long timeout_ms;
	unsigned short cols, rows;
	bool want_status, want_signal, want_termios;
	int status, signal;
	long want_lines[3];        /* -1: not checked */
	char **argv;
};

/* One stream the harness reads: the pty master, or a stdout/stderr pipe or file. */
struct source {
	int fd;
	bool open;                 /* not yet at EOF (or EIO) */
	bool file;                 /* re-read from off on every tick, not polled */
	off_t off;
	size_t lines;              /* '\n' seen (for --expect-lines) */
	bool partial;              /* the last byte seen was not '\n' */
};

/* A --send in progress. */
struct pending {
	int fd;
	const char *p;
	size_t left;
};

/* Everything about one run, passed to every function that needs it. */
struct run {
	const struct opts *o;
	int master;                /* -1: no pty, or hung up */
	char slave_name[64];
	struct termios before;
	int in_w;                  /* the stdin pipe's write end, or -1 */
	struct source src[3];      /* pty master, stdout, stderr */
	int sigfd, log_fd;
	pid_t pid;
	bool reaped, killed;
	int wstatus;
	long t_start, t_reaped, t_killed; /* monotonic ms */
	bool drained;              /* the output ended (or stopped being waited for) */
	struct pending send;
	char *match;               /* output since the last match, CR dropped */
	size_t mlen, mcap;
	bool keep_match;           /* a --wait is still to come */
	char failure[768];         /* the first thing that failed */
};

/* ptyrun.c */
void fail(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *signal_name(int sig);
void quote_text(char *out, size_t size, const char *p, size_t len);

/* ptyrun_termios.c: "; FIELD BEFORE -> AFTER ..." for each field that differs. */
void diff_termios(const struct termios *a, const struct termios *b, char *buf, size_t size);

/* ptyrun_run.c */
long now_ms(void);
bool run_start(struct run *r, const struct opts *o);
void run_steps(struct run *r);
void run_finish(struct run *r);
void run_close(struct run *r);

#endif
