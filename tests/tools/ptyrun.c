/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ptyrun: runs a program the way a user's terminal would (its own session,
 * a pty as its controlling terminal, in the foreground), plays a script of
 * steps against it and checks how it ended, above all that it gave the
 * terminal back as it found it. The tests use it where a redirect from
 * /dev/null or a FIFO would hide what a terminal exposes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ptyrun.h"

static const char usage_text[] =
"usage: ptyrun [OPTION...] [STEP...] -- PROGRAM [ARG...]\n"
"Runs PROGRAM as a terminal would: in a new session whose controlling terminal\n"
"is a pty (cooked mode, 80x24), in the foreground, signals at their defaults,\n"
"no descriptors but 0-2, the environment inherited. Performs the STEPs in\n"
"order, waits for the exit and for the output to end, checks the expectations.\n"
"On any failure PROGRAM and its process group are killed (SIGKILL).\n"
"streams, each on its own (with none on the pty, no pty is made):\n"
"  --stdin  pty|null|pipe|closed            default pty\n"
"  --stdout pty|null|pipe|closed|file:PATH  default pty; file: is truncated\n"
"  --stderr pty|null|pipe|closed|file:PATH  default pty\n"
"  --size COLSxROWS   the pty's window size\n"
"  --log PATH         everything read from the pty and pipes, byte for byte\n"
"  --timeout SECONDS  for the whole run (default 120); then SIGKILL, a failure\n"
"steps:\n"
"  --wait TEXT[@SECONDS]  until TEXT is in the output (pty, pipes, file:s) that\n"
"                 came after the previous --wait's match, CR bytes ignored;\n"
"                 default 60 s; fails if the program exits first\n"
"  --send TEXT    to the stdin pipe, else to the pty\n"
"  --signal NAME  to the program (TERM, SIGHUP, 9, ...)\n"
"  --hangup       close the pty master: the terminal goes away (SIGHUP)\n"
"  --close-stdin  close the stdin pipe (EOF)\n"
"  --pause MS     go on reading the output for MS ms (where no --wait fits)\n"
"  --run CMD      run /bin/sh -c CMD (stdin /dev/null, output to ptyrun's\n"
"                 stderr) while reading the program's output; it must exit 0\n"
"  --wait-cmd CMD[@SECONDS]  run CMD every 100 ms until it exits 0 (default 60 s)\n"
"  --wait-raw[@SECONDS]      until the pty is out of canonical mode (the\n"
"                 program has taken the terminal; default 60 s)\n"
"  TEXT takes \\r \\n \\t \\e \\\\ \\xHH: \\x01x is Ctrl-A x, \\x03 Ctrl-C, \\x40 '@'.\n"
"expectations, after the exit:\n"
"  --expect-status N     exit status N (a death by a signal fails)\n"
"  --expect-signal NAME  death by that signal\n"
"  --expect-termios      the pty's termios as before the start, every field\n"
"  --expect-lines stdout|stderr N  N lines on that stream (a pipe or file:)\n"
"The output must end (EOF on the pty and pipes) within 2 s of the exit.\n"
"Prints \"ptyrun: status N\" or \"ptyrun: killed by signal S (NAME)\" on stdout.\n"
"Exit status 0 if everything held; 1 with \"ptyrun: WHAT FAILED\" on stderr;\n"
"2 for a usage error.\n";

void fail(struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->failure[0])
		return;   /* the first failure is the one that matters */
	va_start(ap, fmt);
	vsnprintf(r->failure, sizeof(r->failure), fmt, ap);
	va_end(ap);
}

/* ---- names and text ----------------------------------------------------- */

static const struct { int sig; const char *name; } signals[] = {
	{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" }, { SIGQUIT, "SIGQUIT" },
	{ SIGILL, "SIGILL" }, { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
	{ SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" }, { SIGKILL, "SIGKILL" },
	{ SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
	{ SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
	{ SIGCHLD, "SIGCHLD" }, { SIGCONT, "SIGCONT" }, { SIGSTOP, "SIGSTOP" },
	{ SIGTSTP, "SIGTSTP" }, { SIGTTIN, "SIGTTIN" }, { SIGTTOU, "SIGTTOU" },
	{ SIGURG, "SIGURG" }, { SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
	{ SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" }, { SIGWINCH, "SIGWINCH" },
	{ SIGIO, "SIGIO" }, { SIGPWR, "SIGPWR" }, { SIGSYS, "SIGSYS" },
};

const char *signal_name(int sig)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return "?";
}

static bool parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* TERM, SIGTERM, sigterm or 15. */
static bool parse_signal(const char *s, int *sig)
{
	long n;

	if (parse_long(s, 1, NSIG - 1, &n)) {
		*sig = (int)n;
		return true;
	}
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcasecmp(s, signals[i].name) || !strcasecmp(s, signals[i].name + 3)) {
			*sig = signals[i].sig;
			return true;
		}
	return false;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* TEXT with its escapes resolved into a new buffer; false on a bad escape. */
static bool unescape(const char *s, size_t n, char **out, size_t *len)
{
	char *t = malloc(n + 1), *o = t;

	if (!t)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			*o++ = s[i];
			continue;
		}
		switch (++i < n ? s[i] : '\0') {
		case 'r': *o++ = '\r'; break;
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'e': *o++ = '\x1b'; break;
		case '\\': *o++ = '\\'; break;
		case 'x':
			if (i + 2 >= n || hex_digit(s[i + 1]) < 0 || hex_digit(s[i + 2]) < 0)
				goto bad;
			*o++ = (char)(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
			i += 2;
			break;
		default:
			goto bad;
		}
	}
	*out = t;
	*len = (size_t)(o - t);
	return true;
bad:
	free(t);
	return false;
}

/* P as a double-quoted C string, cut short (with "...") to fit SIZE. */
void quote_text(char *out, size_t size, const char *p, size_t len)
{
	size_t o = 0;

	out[o++] = '"';
	for (size_t i = 0; i < len && o + 9 < size; i++) {
		unsigned char c = (unsigned char)p[i];
		const char *e = c == '\r' ? "\\r" : c == '\n' ? "\\n" : c == '\t' ? "\\t" :
				c == '\\' ? "\\\\" : c == '"' ? "\\\"" : NULL;

		if (e)
			o += (size_t)snprintf(out + o, size - o, "%s", e);
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
		if (i + 1 < len && o + 9 >= size)
			o += (size_t)snprintf(out + o, size - o, "...");
	}
	snprintf(out + o, size - o, "\"");
}

/* ---- the command line ---------------------------------------------------- */

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ptyrun: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nusage: ptyrun [OPTION...] [STEP...] -- PROGRAM [ARG...] (ptyrun --help)\n", stderr);
	return 2;
}

static bool parse_stream(int i, const char *v, struct stream_opt *so)
{
	static const char *const modes[] = {
		[STREAM_PTY] = "pty", [STREAM_NULL] = "null", [STREAM_PIPE] = "pipe",
		[STREAM_CLOSED] = "closed",
	};

	if (i > 0 && !strncmp(v, "file:", 5) && v[5]) {
		*so = (struct stream_opt){ .mode = STREAM_FILE, .path = v + 5 };
		return true;
	}
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
		if (!strcmp(v, modes[m])) {
			*so = (struct stream_opt){ .mode = (enum stream_mode)m };
			return true;
		}
	return false;
}

static struct step *add_step(struct opts *o, enum step_kind kind, const char *arg)
{
	struct step *s = realloc(o->steps, (o->nsteps + 1) * sizeof(*s));

	if (!s)
		return NULL;
	o->steps = s;
	s = &o->steps[o->nsteps++];
	*s = (struct step){ .kind = kind, .arg = arg };
	return s;
}

/* --wait TEXT[@SECONDS]: a last '@' followed by digits only is the limit. */
static int parse_wait(struct step *s, const char *v)
{
	const char *at = strrchr(v, '@');
	size_t n = strlen(v), j = 0;
	long sec = 60;

	if (at && at[1] && strspn(at + 1, "0123456789") == strlen(at + 1)) {
		if (!parse_long(at + 1, 1, 86400, &sec))
			return usage_error("--wait %s: bad number of seconds", v);
		n = (size_t)(at - v);
	}
	s->ms = sec * 1000;
	if (!unescape(v, n, &s->text, &s->len))
		return usage_error("--wait %s: bad escape (\\r \\n \\t \\e \\\\ \\xHH)", v);
	/* CR takes no part in a match (the output's are dropped too). */
	for (size_t i = 0; i < s->len; i++)
		if (s->text[i] != '\r')
			s->text[j++] = s->text[i];
	s->len = j;
	if (!s->len)
		return usage_error("--wait %s: no text to wait for", v);
	return 0;
}

/* [TEXT]@SECONDS at the end of v: the limit in ms (default 60 s); returns
 * the length of what comes before it, or -1 for a bad number. */
static long split_limit(const char *v, long *ms)
{
	const char *at = strrchr(v, '@');
	long sec = 60;

	*ms = sec * 1000;
	if (!at || !at[1] || strspn(at + 1, "0123456789") != strlen(at + 1))
		return (long)strlen(v);
	if (!parse_long(at + 1, 1, 86400, &sec))
		return -1;
	*ms = sec * 1000;
	return at - v;
}

/* --run CMD, --wait-cmd CMD[@SECONDS] */
static int parse_command(struct step *s, const char *v)
{
	long n = s->kind == STEP_WAIT_CMD ? split_limit(v, &s->ms) : (long)strlen(v);

	if (n < 0)
		return usage_error("--wait-cmd %s: bad number of seconds", v);
	if (n == 0)
		return usage_error("%s: no command", s->kind == STEP_RUN ? "--run" : "--wait-cmd");
	s->text = strndup(v, (size_t)n);
	s->len = (size_t)n;
	return s->text ? 0 : usage_error("out of memory");
}

static int parse_wait_raw(struct opts *o, const char *a)
{
	struct step *s = add_step(o, STEP_WAIT_RAW, a);

	if (!s)
		return usage_error("out of memory");
	if (split_limit(a + strlen("--wait-raw"), &s->ms) < 0 || (a[10] && a[10] != '@'))
		return usage_error("%s: bad number of seconds (--wait-raw@SECONDS)", a);
	return 0;
}

/* A step at argv[*i] (its value, if any, next); -1 if it is not a step. */
static int parse_step(struct opts *o, const char *a, const char *v, int *i)
{
	static const struct { const char *name; enum step_kind kind; bool value; } steps[] = {
		{ "--wait", STEP_WAIT, true }, { "--send", STEP_SEND, true },
		{ "--signal", STEP_SIGNAL, true }, { "--hangup", STEP_HANGUP, false },
		{ "--close-stdin", STEP_CLOSE_STDIN, false }, { "--pause", STEP_PAUSE, true },
		{ "--run", STEP_RUN, true }, { "--wait-cmd", STEP_WAIT_CMD, true },
	};
	struct step *s;
	size_t k = 0;

	if (!strcmp(a, "--wait-raw") || !strncmp(a, "--wait-raw@", 11))
		return parse_wait_raw(o, a);
	while (k < sizeof(steps) / sizeof(steps[0]) && strcmp(a, steps[k].name))
		k++;
	if (k == sizeof(steps) / sizeof(steps[0]))
		return -1;
	if (steps[k].value && !v)
		return usage_error("%s needs a value", a);
	*i += steps[k].value;
	s = add_step(o, steps[k].kind, steps[k].value ? v : a);
	if (!s)
		return usage_error("out of memory");
	switch (s->kind) {
	case STEP_WAIT:
		return parse_wait(s, v);
	case STEP_SEND:
		if (!unescape(v, strlen(v), &s->text, &s->len))
			return usage_error("--send %s: bad escape (\\r \\n \\t \\e \\\\ \\xHH)", v);
		return 0;
	case STEP_SIGNAL:
		return parse_signal(v, &s->sig) ? 0 : usage_error("--signal %s: no such signal", v);
	case STEP_PAUSE:
		return parse_long(v, 0, 86400000, &s->ms) ? 0 : usage_error("--pause %s: not milliseconds", v);
	case STEP_RUN:
	case STEP_WAIT_CMD:
		return parse_command(s, v);
	default:
		return 0;
	}
}

static int parse_expect_lines(struct opts *o, const char *stream, const char *count)
{
	int i = !strcmp(stream, "stdout") ? 1 : !strcmp(stream, "stderr") ? 2 : 0;

	if (!i)
		return usage_error("--expect-lines %s: stdout or stderr", stream);
	if (!parse_long(count, 0, 1L << 40, &o->want_lines[i]))
		return usage_error("--expect-lines %s %s: not a count", stream, count);
	return 0;
}

static int parse_size(struct opts *o, const char *v)
{
	unsigned cols, rows;
	char end;

	if (sscanf(v, "%ux%u%c", &cols, &rows, &end) != 2 || !cols || !rows ||
	    cols > 65535 || rows > 65535)
		return usage_error("--size %s: COLSxROWS", v);
	o->cols = (unsigned short)cols;
	o->rows = (unsigned short)rows;
	return 0;
}

/* An option at argv[*i] that is not a step. */
static int parse_option(struct opts *o, const char *a, const char *v, const char *v2, int *i)
{
	static const char *const streams[] = { "--stdin", "--stdout", "--stderr" };
	long n;

	if (!strcmp(a, "--expect-termios")) {
		o->want_termios = true;
		return 0;
	}
	if (!v)
		return usage_error("%s: unknown option, or it needs a value", a);
	++*i;
	for (int k = 0; k < 3; k++)
		if (!strcmp(a, streams[k]))
			return parse_stream(k, v, &o->io[k]) ? 0 :
			       usage_error("%s %s: %s", a, v, k ? "pty, null, pipe, closed or file:PATH" :
							       "pty, null, pipe or closed");
	if (!strcmp(a, "--log")) {
		o->log_path = v;
	} else if (!strcmp(a, "--size")) {
		return parse_size(o, v);
	} else if (!strcmp(a, "--timeout")) {
		if (!parse_long(v, 1, 86400, &n))
			return usage_error("--timeout %s: not seconds", v);
		o->timeout_ms = n * 1000;
	} else if (!strcmp(a, "--expect-status")) {
		if (!parse_long(v, 0, 255, &n))
			return usage_error("--expect-status %s: 0 to 255", v);
		o->want_status = true;
		o->status = (int)n;
	} else if (!strcmp(a, "--expect-signal")) {
		o->want_signal = true;
		return parse_signal(v, &o->signal) ? 0 : usage_error("--expect-signal %s: no such signal", v);
	} else if (!strcmp(a, "--expect-lines")) {
		if (!v2)
			return usage_error("--expect-lines needs a stream and a count");
		++*i;
		return parse_expect_lines(o, v, v2);
	} else {
		return usage_error("%s: unknown option", a);
	}
	return 0;
}

static bool has_step(const struct opts *o, enum step_kind kind)
{
	for (size_t i = 0; i < o->nsteps; i++)
		if (o->steps[i].kind == kind)
			return true;
	return false;
}

/* What the steps and expectations need of the streams. */
static int check_opts(const struct opts *o)
{
	bool pty = o->io[0].mode == STREAM_PTY || o->io[1].mode == STREAM_PTY ||
		   o->io[2].mode == STREAM_PTY;

	if (!o->argv || !o->argv[0])
		return usage_error("no PROGRAM (after --)");
	if (has_step(o, STEP_SEND) && !pty && o->io[0].mode != STREAM_PIPE)
		return usage_error("--send needs --stdin pipe or a stream on the pty");
	if (has_step(o, STEP_WAIT_RAW) && !pty)
		return usage_error("--wait-raw needs a stream on the pty");
	if (has_step(o, STEP_HANGUP) && !pty)
		return usage_error("--hangup needs a stream on the pty");
	if (has_step(o, STEP_CLOSE_STDIN) && o->io[0].mode != STREAM_PIPE)
		return usage_error("--close-stdin needs --stdin pipe");
	if (o->want_termios && (!pty || has_step(o, STEP_HANGUP)))
		return usage_error("--expect-termios needs a stream on the pty, and no --hangup");
	if (o->want_status && o->want_signal)
		return usage_error("--expect-status and --expect-signal exclude each other");
	for (int i = 1; i < 3; i++)
		if (o->want_lines[i] >= 0 && o->io[i].mode != STREAM_PIPE && o->io[i].mode != STREAM_FILE)
			return usage_error("--expect-lines %s needs it to be a pipe or file:",
					   i == 1 ? "stdout" : "stderr");
	return 0;
}

/* Returns 0, 2 after a usage error, or -1 for --help. */
static int parse_args(struct opts *o, int argc, char **argv)
{
	*o = (struct opts){ .timeout_ms = 120000, .cols = 80, .rows = 24,
			    .want_lines = { -1, -1, -1 } };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char *v2 = i + 2 < argc ? argv[i + 2] : NULL;
		int rc;

		if (!strcmp(a, "--")) {
			o->argv = &argv[i + 1];
			break;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return -1;
		rc = parse_step(o, a, v, &i);
		if (rc < 0)
			rc = parse_option(o, a, v, v2, &i);
		if (rc)
			return rc;
	}
	return check_opts(o);
}

static void free_opts(struct opts *o)
{
	for (size_t i = 0; i < o->nsteps; i++)
		free(o->steps[i].text);
	free(o->steps);
}

/* ---- expectations ------------------------------------------------------- */

static void expect_termios(struct run *r)
{
	struct termios after;
	char diff[600];
	int fd, err;

	/* Opened by name: nothing held the slave here while the program ran. */
	fd = open(r->slave_name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || tcgetattr(fd, &after) < 0) {
		err = errno;
		fail(r, "--expect-termios: cannot read the termios of %s: %s", r->slave_name,
		     strerror(err));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	diff_termios(&r->before, &after, diff, sizeof(diff));
	if (diff[0])
		fail(r, "the terminal was left changed (before -> after): %s", diff + 2);
}

static void expect_status(struct run *r)
{
	const struct opts *o = r->o;
	int st = r->wstatus;
	char want[64];

	if (o->want_signal)
		snprintf(want, sizeof(want), "death by %s", signal_name(o->signal));
	else
		snprintf(want, sizeof(want), "status %d", o->status);
	if (WIFSIGNALED(st) && !(o->want_signal && WTERMSIG(st) == o->signal))
		fail(r, "killed by signal %d (%s), expected %s", WTERMSIG(st),
		     signal_name(WTERMSIG(st)), want);
	else if (WIFEXITED(st) && !(o->want_status && WEXITSTATUS(st) == o->status))
		fail(r, "exit status %d, expected %s", WEXITSTATUS(st), want);
}

static void expectations(struct run *r)
{
	const struct opts *o = r->o;

	if (r->failure[0] || !r->reaped)
		return;
	if (o->want_status || o->want_signal)
		expect_status(r);
	if (o->want_termios)
		expect_termios(r);
	for (int i = 1; i < 3; i++) {
		/* ">X 2>&1": both streams are the one file read as stdout. */
		const struct source *s = &r->src[i == 2 && !r->src[2].file && o->io[2].mode == STREAM_FILE ? 1 : i];
		size_t lines = s->lines + s->partial;

		if (o->want_lines[i] >= 0 && lines != (size_t)o->want_lines[i])
			fail(r, "%zu lines on %s, expected %ld", lines, i == 1 ? "stdout" : "stderr",
			     o->want_lines[i]);
	}
}

/* ---- main ---------------------------------------------------------------- */

/* Descriptors 0-2 exist, so nothing the harness opens is mistaken for one. */
static void std_fds(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) < 0)
			_exit(1);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct run r;
	int rc = parse_args(&o, argc, argv);

	if (rc) {
		free_opts(&o);
		if (rc > 0)
			return rc;
		fputs(usage_text, stdout);
		return 0;
	}
	std_fds();
	if (run_start(&r, &o))
		run_steps(&r);
	run_finish(&r);
	expectations(&r);
	if (r.failure[0])
		fprintf(stderr, "ptyrun: %s\n", r.failure);
	if (r.reaped && WIFSIGNALED(r.wstatus))
		printf("ptyrun: killed by signal %d (%s)\n", WTERMSIG(r.wstatus),
		       signal_name(WTERMSIG(r.wstatus)));
	else if (r.reaped)
		printf("ptyrun: status %d\n", WEXITSTATUS(r.wstatus));
	run_close(&r);
	free_opts(&o);
	return r.failure[0] ? 1 : 0;
}
