/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for the console escape filter and terminal handling (vmm/console.c). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/console.h"

#define CTRL_A "\x01"

/* ---- helpers ----------------------------------------------------------- */

struct run {
	uint8_t out[64];
	size_t n;
	bool quit;
};

/* Feed the filter a string; out is checked against a buffer of exactly
 * strlen(in) + 1 bytes, the size console_filter promises to stay within. */
static void feed(struct console *c, const char *in, struct run *r)
{
	size_t len = strlen(in);
	uint8_t *out = malloc(len + 1);

	assert_non_null(out);
	r->quit = false;
	r->n = console_filter(c, (const uint8_t *)in, len, out, &r->quit);
	assert_true(r->n <= len + 1);
	memcpy(r->out, out, r->n);
	free(out);
}

static struct console fresh_console(void)
{
	struct console c;

	memset(&c, 0, sizeof(c));
	c.in_fd = -1;
	return c;
}

static void assert_out(const struct run *r, const char *expected, size_t len)
{
	assert_int_equal(r->n, len);
	assert_memory_equal(r->out, expected, len);
}

/* ---- console_filter ---------------------------------------------------- */

static void test_plain_bytes_pass(void **state)
{
	struct console c = fresh_console();
	struct run r;

	(void)state;
	feed(&c, "hello\r\x03\x1b[A\x7f", &r);
	assert_out(&r, "hello\r\x03\x1b[A\x7f", 11);
	assert_false(r.quit);
	assert_false(c.escape_pending);
}

static void test_ctrl_a_x_quits(void **state)
{
	struct console c = fresh_console();
	struct run r;

	(void)state;
	feed(&c, "ls" CTRL_A "x" "more", &r);
	assert_true(r.quit);
	/* What came before is delivered; what follows the escape is not. */
	assert_out(&r, "ls", 2);
	assert_false(c.escape_pending);

	c = fresh_console();
	feed(&c, CTRL_A "X", &r);
	assert_true(r.quit);
	assert_int_equal(r.n, 0);
}

static void test_ctrl_a_ctrl_a_sends_one(void **state)
{
	struct console c = fresh_console();
	struct run r;

	(void)state;
	feed(&c, "a" CTRL_A CTRL_A "b", &r);
	assert_false(r.quit);
	assert_out(&r, "a" CTRL_A "b", 3);
	assert_false(c.escape_pending);

	/* Ctrl-A Ctrl-A Ctrl-A x: one Ctrl-A for the guest, then quit. */
	c = fresh_console();
	feed(&c, CTRL_A CTRL_A CTRL_A "x", &r);
	assert_true(r.quit);
	assert_out(&r, CTRL_A, 1);

	/* Four Ctrl-As make two. */
	c = fresh_console();
	feed(&c, CTRL_A CTRL_A CTRL_A CTRL_A, &r);
	assert_false(r.quit);
	assert_out(&r, CTRL_A CTRL_A, 2);
	assert_false(c.escape_pending);
}

static void test_ctrl_a_other_passes_both(void **state)
{
	struct console c = fresh_console();
	struct run r;

	(void)state;
	feed(&c, CTRL_A "c" CTRL_A "\r" CTRL_A "y", &r);
	assert_false(r.quit);
	assert_out(&r, CTRL_A "c" CTRL_A "\r" CTRL_A "y", 6);
}

static void test_escape_pending_across_calls(void **state)
{
	struct console c = fresh_console();
	struct run r;

	(void)state;
	/* The Ctrl-A is held back until the next byte says what it means. */
	feed(&c, "ab" CTRL_A, &r);
	assert_out(&r, "ab", 2);
	assert_false(r.quit);
	assert_true(c.escape_pending);

	feed(&c, "x", &r);
	assert_true(r.quit);
	assert_int_equal(r.n, 0);

	c = fresh_console();
	feed(&c, CTRL_A, &r);
	assert_int_equal(r.n, 0);
	assert_true(c.escape_pending);
	/* An empty read keeps it pending. */
	feed(&c, "", &r);
	assert_int_equal(r.n, 0);
	assert_true(c.escape_pending);
	/* Held Ctrl-A plus a full buffer: n + 1 bytes out. */
	feed(&c, "wxyz", &r);
	assert_false(r.quit);
	assert_out(&r, CTRL_A "wxyz", 5);
	assert_false(c.escape_pending);

	c = fresh_console();
	feed(&c, CTRL_A, &r);
	feed(&c, CTRL_A, &r);
	assert_out(&r, CTRL_A, 1);
	assert_false(c.escape_pending);
}

static void test_filter_never_clears_quit(void **state)
{
	struct console c = fresh_console();
	const uint8_t in[] = "abc";
	uint8_t out[8];
	bool quit = true;

	(void)state;
	/* *quit is only ever set, so a caller may feed several chunks. */
	assert_int_equal(console_filter(&c, in, 3, out, &quit), 3);
	assert_true(quit);
}

static void test_worst_case_size(void **state)
{
	struct console c = fresh_console();
	uint8_t in[200], out[201];
	bool quit = false;
	size_t n;

	(void)state;
	/* Alternating Ctrl-A and a byte (never an x), after a held Ctrl-A:
	 * every input byte and the held one come out. */
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = i % 2 ? (uint8_t)('a' + i % 20) : 0x01;
	c.escape_pending = true;
	in[0] = 'q';
	n = console_filter(&c, in, sizeof(in), out, &quit);
	assert_false(quit);
	assert_int_equal(n, sizeof(in) + 1);
	assert_int_equal(out[0], 0x01);
	assert_int_equal(out[1], 'q');
}

/* ---- console_open / console_restore ------------------------------------ */

static void test_open_non_tty(void **state)
{
	struct console c;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	memset(&c, 0x5a, sizeof(c));
	assert_int_equal(console_open(&c, fds[0]), 0);
	assert_int_equal(c.in_fd, fds[0]);
	assert_false(c.raw);
	assert_false(c.escape_pending);
	console_restore(&c);
	assert_false(c.raw);
	close(fds[0]);
	close(fds[1]);

	/* Not even an open file. */
	assert_int_equal(console_open(&c, -1), 0);
	assert_false(c.raw);
	console_restore(&c);
}

static void test_open_tty_raw_and_restore(void **state)
{
	struct termios before, during, after;
	struct console c;
	int master, slave;
	char *name;

	(void)state;
	/* The test makes its own terminal: a pseudo-terminal pair. Not being
	 * able to is a failure, never a reason to skip the only test of the
	 * raw-mode path. */
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0)
		fail_msg("posix_openpt: %s", strerror(errno));
	if (grantpt(master) || unlockpt(master) || !(name = ptsname(master)))
		fail_msg("setting up the pseudo-terminal: %s", strerror(errno));
	slave = open(name, O_RDWR | O_NOCTTY);
	if (slave < 0)
		fail_msg("open %s: %s", name, strerror(errno));
	assert_true(isatty(slave));
	assert_int_equal(tcgetattr(slave, &before), 0);
	assert_true(before.c_lflag & ICANON);

	assert_int_equal(console_open(&c, slave), 0);
	assert_true(c.raw);
	assert_int_equal(tcgetattr(slave, &during), 0);
	/* Raw input: no line editing, echo or signals from ^C. */
	assert_false(during.c_lflag & (ICANON | ECHO | ISIG));
	/* But output processing stays on for hvmm's own messages. */
	assert_true(during.c_oflag & OPOST);
	assert_true(during.c_oflag & ONLCR);

	console_restore(&c);
	assert_false(c.raw);
	assert_int_equal(tcgetattr(slave, &after), 0);
	assert_int_equal(after.c_lflag, before.c_lflag);
	assert_int_equal(after.c_iflag, before.c_iflag);
	assert_int_equal(after.c_oflag, before.c_oflag);
	assert_int_equal(after.c_cflag, before.c_cflag);

	/* A second restore changes nothing. */
	console_restore(&c);
	assert_int_equal(tcgetattr(slave, &after), 0);
	assert_int_equal(after.c_lflag, before.c_lflag);

	close(slave);
	close(master);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_bytes_pass),
		cmocka_unit_test(test_ctrl_a_x_quits),
		cmocka_unit_test(test_ctrl_a_ctrl_a_sends_one),
		cmocka_unit_test(test_ctrl_a_other_passes_both),
		cmocka_unit_test(test_escape_pending_across_calls),
		cmocka_unit_test(test_filter_never_clears_quit),
		cmocka_unit_test(test_worst_case_size),
		cmocka_unit_test(test_open_non_tty),
		cmocka_unit_test(test_open_tty_raw_and_restore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
