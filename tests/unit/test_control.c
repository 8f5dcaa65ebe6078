/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the control protocol without sockets: the request parser,
 * the reply formatters and parser (vmm/control/proto.c), VM names, and the
 * client's command line (vmm/control/cli.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/control/client.h"
#include "vmm/control/proto.h"

/* ---- helpers ----------------------------------------------------------- */

struct parsed {
	struct control_request req;
	char err[CONTROL_MAX_REASON + 1];
	int ret;
};

/* The parser sees a heap copy of exactly len bytes, so AddressSanitizer
 * catches any read past the end. */
static int parse_bytes(struct parsed *p, const char *bytes, size_t len)
{
	char *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	memcpy(copy, bytes, len);
	memset(p->err, 'X', sizeof(p->err));
	p->ret = control_parse_request(copy, len, &p->req, p->err, sizeof(p->err));
	free(copy);
	return p->ret;
}

static int parse_str(struct parsed *p, const char *s)
{
	return parse_bytes(p, s, strlen(s));
}

static void assert_one_printable_line(const char *s)
{
	assert_true(s[0] != '\0');
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			fail_msg("byte 0x%02x in \"%s\" is not printable", (unsigned char)*c, s);
}

static void assert_ok(const struct parsed *p, enum control_cmd cmd, unsigned int nargs)
{
	if (p->ret)
		fail_msg("parse failed: %s", p->err);
	assert_int_equal(p->req.cmd, cmd);
	assert_int_equal(p->req.nargs, nargs);
	assert_int_equal(p->req.version, CONTROL_PROTOCOL_VERSION);
}

/* Failed with -EINVAL and a one-line printable reason mentioning needle. */
static void assert_fails_with(const struct parsed *p, const char *needle)
{
	assert_int_equal(p->ret, -EINVAL);
	assert_true(strlen(p->err) < CONTROL_MAX_REASON);
	assert_one_printable_line(p->err);
	if (needle && !strstr(p->err, needle))
		fail_msg("error \"%s\" does not mention \"%s\"", p->err, needle);
}

/* ---- valid requests ------------------------------------------------------ */

static void test_simple_commands(void **state)
{
	static const struct { const char *line; enum control_cmd cmd; } cases[] = {
		{ "hvmm/1 ping\n",   CONTROL_CMD_PING },
		{ "hvmm/1 stop\n",   CONTROL_CMD_STOP },
		{ "hvmm/1 pause\n",  CONTROL_CMD_PAUSE },
		{ "hvmm/1 resume\n", CONTROL_CMD_RESUME },
		{ "hvmm/1 stat\n",   CONTROL_CMD_STAT },
		{ "hvmm/1 debug dump\n", CONTROL_CMD_DEBUG_DUMP },
	};
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_str(&p, cases[i].line);
		assert_ok(&p, cases[i].cmd, 0);
		assert_string_equal(p.err, "");
	}
}

static void test_cpu_commands(void **state)
{
	struct parsed p;

	(void)state;
	parse_str(&p, "hvmm/1 cpu enable 3\n");
	assert_ok(&p, CONTROL_CMD_CPU_ENABLE, 1);
	assert_int_equal(p.req.args[0], 3);
	parse_str(&p, "hvmm/1 cpu disable 0\n");
	assert_ok(&p, CONTROL_CMD_CPU_DISABLE, 1);
	assert_int_equal(p.req.args[0], 0);
	parse_str(&p, "hvmm/1 cpu enable 511\n");
	assert_ok(&p, CONTROL_CMD_CPU_ENABLE, 1);
	assert_int_equal(p.req.args[0], CONTROL_MAX_CPUS - 1);
	/* Leading zeros are still a decimal number. */
	parse_str(&p, "hvmm/1 cpu enable 007\n");
	assert_ok(&p, CONTROL_CMD_CPU_ENABLE, 1);
	assert_int_equal(p.req.args[0], 7);
	parse_str(&p, "hvmm/1 debug dump 12\n");
	assert_ok(&p, CONTROL_CMD_DEBUG_DUMP, 1);
	assert_int_equal(p.req.args[0], 12);
}

static void test_spaces_between_words(void **state)
{
	struct parsed p;

	(void)state;
	parse_str(&p, "  hvmm/1   cpu    enable  5   \n");
	assert_ok(&p, CONTROL_CMD_CPU_ENABLE, 1);
	assert_int_equal(p.req.args[0], 5);
}

/* Exactly CONTROL_MAX_REQUEST bytes (newline included) is accepted. */
static void test_longest_request(void **state)
{
	char line[CONTROL_MAX_REQUEST + 2];
	struct parsed p;

	(void)state;
	memset(line, ' ', sizeof(line));
	memcpy(line, "hvmm/1 ping", 11);
	line[CONTROL_MAX_REQUEST - 1] = '\n';
	parse_bytes(&p, line, CONTROL_MAX_REQUEST);
	assert_ok(&p, CONTROL_CMD_PING, 0);
	/* One byte more is not. */
	line[CONTROL_MAX_REQUEST - 1] = ' ';
	line[CONTROL_MAX_REQUEST] = '\n';
	parse_bytes(&p, line, CONTROL_MAX_REQUEST + 1);
	assert_fails_with(&p, "longer than 1024 bytes");
}

/* ---- malformed requests -------------------------------------------------- */

static void test_empty_and_unterminated(void **state)
{
	struct parsed p;

	(void)state;
	parse_bytes(&p, "", 0);
	assert_fails_with(&p, "empty request");
	parse_str(&p, "\n");
	assert_fails_with(&p, "empty request");
	parse_str(&p, "     \n");
	assert_fails_with(&p, "empty request");
	parse_str(&p, "hvmm/1 ping");
	assert_fails_with(&p, "does not end with a newline");
	parse_str(&p, "hvmm/1 ping\nhvmm/1 stop\n");
	assert_fails_with(&p, "one request per connection");
	parse_str(&p, "hvmm/1 ping\n\n");
	assert_fails_with(&p, "one request per connection");
}

static void test_bad_bytes(void **state)
{
	static const struct { const char *bytes; size_t len; const char *needle; } cases[] = {
		{ "hvmm/1 pi\0ng\n", 13, "byte 0x00 at offset 9" },
		{ "\0", 1, "byte 0x00 at offset 0" },
		{ "hvmm/1\tping\n", 12, "byte 0x09 at offset 6" },
		{ "hvmm/1 ping\r\n", 13, "byte 0x0d at offset 11" },
		{ "hvmm/1 \x1b[2Jping\n", 16, "byte 0x1b" },
		{ "hvmm/1 ping\x7f\n", 13, "byte 0x7f" },
		{ "hvmm/1 \xff\xfe\n", 10, "byte 0xff at offset 7" },
		{ "hvmm/1 \xc3\x28\n", 10, "byte 0xc3" },            /* not UTF-8 */
		{ "hvmm/1 caf\xc3\xa9\n", 13, "byte 0xc3 at offset 10" }, /* UTF-8, not ASCII */
		{ "hvmm/1 \xed\xa0\x80\n", 11, "byte 0xed" },        /* a UTF-16 surrogate */
	};
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_bytes(&p, cases[i].bytes, cases[i].len);
		assert_fails_with(&p, cases[i].needle);
	}
}

static void test_bad_version(void **state)
{
	struct parsed p;

	(void)state;
	parse_str(&p, "ping\n");
	assert_fails_with(&p, "must start with 'hvmm/1', not 'ping'");
	parse_str(&p, "hvmm/2 ping\n");
	assert_fails_with(&p, "'hvmm/2' is not supported (this VM speaks hvmm/1)");
	parse_str(&p, "hvmm/0 ping\n");
	assert_fails_with(&p, "not supported");
	parse_str(&p, "hvmm/99999999999999999999 ping\n");
	assert_fails_with(&p, "not supported");
	parse_str(&p, "hvmm/ ping\n");
	assert_fails_with(&p, "must start with");
	parse_str(&p, "hvmm/1x ping\n");
	assert_fails_with(&p, "bad protocol version 'hvmm/1x'");
	parse_str(&p, "hvmm/-1 ping\n");
	assert_fails_with(&p, "bad protocol version");
	parse_str(&p, "HVMM/1 ping\n");
	assert_fails_with(&p, "must start with");
	parse_str(&p, "hvmm/1\n");
	assert_fails_with(&p, "missing command");
	parse_str(&p, "hvmm/1ping\n");
	assert_fails_with(&p, "bad protocol version");
}

static void test_unknown_commands(void **state)
{
	struct parsed p;

	(void)state;
	parse_str(&p, "hvmm/1 reboot\n");
	assert_fails_with(&p, "unknown command 'reboot' (commands: ping, stop, pause, resume, stat, cpu, debug, sdei)");
	parse_str(&p, "hvmm/1 PING\n");
	assert_fails_with(&p, "unknown command 'PING'");
	parse_str(&p, "hvmm/1 cpu\n");
	assert_fails_with(&p, "'cpu' needs one of: enable, disable");
	parse_str(&p, "hvmm/1 cpu online 1\n");
	assert_fails_with(&p, "unknown command 'cpu online' (after 'cpu': enable, disable)");
	parse_str(&p, "hvmm/1 debug\n");
	assert_fails_with(&p, "'debug' needs one of: dump");
	parse_str(&p, "hvmm/1 debug 1\n");
	assert_fails_with(&p, "unknown command 'debug 1'");
}

static void test_argument_counts(void **state)
{
	struct parsed p;

	(void)state;
	parse_str(&p, "hvmm/1 ping now\n");
	assert_fails_with(&p, "too many arguments (usage: ping)");
	parse_str(&p, "hvmm/1 stop 1\n");
	assert_fails_with(&p, "too many arguments (usage: stop)");
	parse_str(&p, "hvmm/1 cpu enable\n");
	assert_fails_with(&p, "missing argument (usage: cpu enable N)");
	parse_str(&p, "hvmm/1 cpu disable 1 2\n");
	assert_fails_with(&p, "too many arguments (usage: cpu disable N)");
	parse_str(&p, "hvmm/1 debug dump 1 2\n");
	assert_fails_with(&p, "too many arguments (usage: debug dump [N])");
	parse_str(&p, "hvmm/1 a b c d e f g h\n");
	assert_fails_with(&p, "too many words");
}

static void test_bad_numbers(void **state)
{
	static const char *const not_numbers[] = {
		"-1", "+1", "1x", "0x1", "1.0", "one", "1e3", "-0",
	};
	char line[64];
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(not_numbers) / sizeof(not_numbers[0]); i++) {
		snprintf(line, sizeof(line), "hvmm/1 cpu enable %s\n", not_numbers[i]);
		parse_str(&p, line);
		assert_fails_with(&p, "is not a vCPU number");
		snprintf(line, sizeof(line), "hvmm/1 debug dump %s\n", not_numbers[i]);
		parse_str(&p, line);
		assert_fails_with(&p, "is not a vCPU number");
	}
	parse_str(&p, "hvmm/1 cpu enable 512\n");
	assert_fails_with(&p, "vCPU 512 is out of range (0-511)");
	parse_str(&p, "hvmm/1 cpu enable 4294967296\n");
	assert_fails_with(&p, "out of range");
	parse_str(&p, "hvmm/1 cpu disable 99999999999999999999999999999999999999\n");
	assert_fails_with(&p, "out of range");
}

/* Words quoted back are cut short: a huge word gives a short error. */
static void test_long_words_are_cut(void **state)
{
	char line[CONTROL_MAX_REQUEST];
	struct parsed p;

	(void)state;
	memcpy(line, "hvmm/1 ", 7);
	memset(line + 7, 'z', 900);
	line[907] = '\n';
	parse_bytes(&p, line, 908);
	assert_fails_with(&p, "unknown command 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz...'");
	assert_true(strlen(p.err) < 200);
}

static void test_small_error_buffer(void **state)
{
	struct control_request req;
	char err[8];

	(void)state;
	assert_int_equal(control_parse_request("hvmm/9 x\n", 9, &req, err, sizeof(err)), -EINVAL);
	assert_int_equal(strlen(err), 7);
	/* No buffer at all is allowed too. */
	assert_int_equal(control_parse_request("x", 1, &req, NULL, 0), -EINVAL);
	assert_int_equal(control_parse_request("hvmm/1 ping\n", 12, &req, NULL, 0), 0);
}

/* Random and mutated input: never a crash, always a clean verdict. */
static void test_parser_survives_noise(void **state)
{
	static const char *const seeds[] = {
		"hvmm/1 ping\n", "hvmm/1 cpu enable 3\n", "hvmm/1 debug dump 7\n", "hvmm/1 stop\n",
	};
	char buf[CONTROL_MAX_REQUEST + 64];
	uint32_t x = 12345;
	struct parsed p;

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		const char *seed = seeds[iter % 4];
		size_t len = strlen(seed);

		memcpy(buf, seed, len);
		for (int m = 0; m < 1 + iter % 4; m++) {
			x = x * 1103515245 + 12345;
			if (iter % 7 == 0) {
				len = (x >> 8) % sizeof(buf);
				for (size_t i = 0; i < len; i++) {
					x = x * 1103515245 + 12345;
					buf[i] = (char)(x >> 16);
				}
			} else if (len) {
				buf[(x >> 8) % len] = (char)(x >> 20);
			}
		}
		parse_bytes(&p, buf, len);
		if (p.ret) {
			assert_fails_with(&p, NULL);
		} else {
			assert_true(p.req.cmd < CONTROL_CMD_COUNT);
			assert_true(p.req.nargs <= CONTROL_MAX_ARGS);
			for (unsigned int i = 0; i < p.req.nargs; i++)
				assert_true(p.req.args[i] < CONTROL_MAX_CPUS);
		}
	}
}

/* ---- the command table --------------------------------------------------- */

static void test_probe_requests(void **state)
{
	struct parsed p;

	(void)state;
	parse_str(&p, "hvmm/1 debug probe exec\n");
	assert_ok(&p, CONTROL_CMD_PROBE_SANDBOX, 1);
	assert_int_equal(p.req.args[0], CONTROL_PROBE_EXEC);
	parse_str(&p, "hvmm/1 debug probe fork 3\n");
	assert_ok(&p, CONTROL_CMD_PROBE_SANDBOX, 2);
	assert_int_equal(p.req.args[0], CONTROL_PROBE_FORK);
	assert_int_equal(p.req.args[1], 3);
	parse_str(&p, "hvmm/1 debug probe\n");
	assert_fails_with(&p, NULL);
	parse_str(&p, "hvmm/1 debug probe ptrace\n");
	assert_fails_with(&p, "'ptrace' is not a probe: open, exec or fork");
	parse_str(&p, "hvmm/1 debug probe openat\n");
	assert_fails_with(&p, "not a probe");
	parse_str(&p, "hvmm/1 debug probe ope\n");
	assert_fails_with(&p, "not a probe");
	assert_string_equal(control_probe_name(CONTROL_PROBE_OPEN), "open");
	assert_null(control_probe_name(CONTROL_PROBE_COUNT));
}

static void test_command_table(void **state)
{
	const struct control_command *cmds;
	size_t n;

	(void)state;
	cmds = control_commands(&n);
	assert_int_equal(n, CONTROL_CMD_COUNT);
	for (int c = 0; c < CONTROL_CMD_COUNT; c++) {
		const struct control_command *e = control_command_get((enum control_cmd)c);

		assert_non_null(e);
		assert_int_equal(e->cmd, c);
		assert_true(e->max_args <= CONTROL_MAX_ARGS);
		assert_true(e->min_args <= e->max_args);
	}
	/* Every usage line, with arguments filled in, parses to its command. */
	for (size_t i = 0; i < n; i++) {
		char words[64], line[80];
		struct parsed p;

		snprintf(words, sizeof(words), "%s%s%s%s", cmds[i].words[0], cmds[i].words[1] ? " " : "",
			 cmds[i].words[1] ? cmds[i].words[1] : "",
			 !cmds[i].min_args ? "" : cmds[i].args[0] == CONTROL_ARG_PROBE ? " open" : " 1");
		assert_true(control_format_request(line, sizeof(line), words) > 0);
		parse_str(&p, line);
		assert_ok(&p, cmds[i].cmd, cmds[i].min_args);
	}
}

/* ---- formatting ------------------------------------------------------------ */

static void test_format_request(void **state)
{
	char big[CONTROL_MAX_REQUEST + 8], cmd[CONTROL_MAX_REQUEST + 8], small[8];

	(void)state;
	assert_int_equal(control_format_request(big, sizeof(big), "cpu enable 3"), 20);
	assert_string_equal(big, "hvmm/1 cpu enable 3\n");
	assert_int_equal(control_format_request(small, sizeof(small), "ping"), -ENOSPC);
	/* Never longer than a server accepts. */
	memset(cmd, 'a', CONTROL_MAX_REQUEST - 8);
	cmd[CONTROL_MAX_REQUEST - 8] = '\0';
	assert_int_equal(control_format_request(big, sizeof(big), cmd), CONTROL_MAX_REQUEST);
	strcat(cmd, "a");
	assert_int_equal(control_format_request(big, sizeof(big), cmd), -ENOSPC);
}

static void test_format_ok(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(control_format_ok(out, sizeof(out), ""), 3);
	assert_string_equal(out, "ok\n");
	assert_int_equal(control_format_ok(out, sizeof(out), "a"), 5);
	assert_string_equal(out, "ok\na\n");
	assert_int_equal(control_format_ok(out, sizeof(out), "a\nb\n"), 7);
	assert_string_equal(out, "ok\na\nb\n");
	/* Cut to fit, still ending in a newline. */
	assert_int_equal(control_format_ok(out, 10, "abcdefghijkl"), 9);
	assert_string_equal(out, "ok\nabcde\n");
	assert_int_equal(control_format_ok(out, 4, "abc"), 3);
	assert_string_equal(out, "ok\n");
	assert_int_equal(control_format_ok(out, 5, "abc"), 4);
	assert_string_equal(out, "ok\n\n");
	assert_int_equal(control_format_ok(out, 3, ""), 0);
}

static void test_format_error(void **state)
{
	char out[CONTROL_MAX_REASON + 64], reason[1000];

	(void)state;
	assert_int_equal(control_format_error(out, sizeof(out), "boom"), 11);
	assert_string_equal(out, "error boom\n");
	control_format_error(out, sizeof(out), "two\nlines\r\tand tab\n");
	assert_string_equal(out, "error two lines  and tab\n");
	control_format_error(out, sizeof(out), "\x1b[31mred\x7f\xff");
	assert_string_equal(out, "error ?[31mred??\n");
	control_format_error(out, sizeof(out), "");
	assert_string_equal(out, "error unknown error\n");
	control_format_error(out, sizeof(out), "\n\n");
	assert_string_equal(out, "error unknown error\n");
	memset(reason, 'r', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	assert_int_equal(control_format_error(out, sizeof(out), reason), 6 + CONTROL_MAX_REASON + 1);
	assert_int_equal(out[6 + CONTROL_MAX_REASON], '\n');
	/* A small buffer cuts the reason, never the newline. */
	assert_int_equal(control_format_error(out, 10, "abcdefgh"), 9);
	assert_string_equal(out, "error ab\n");
	assert_int_equal(control_format_error(out, 7, "x"), 0);
}

/* ---- replies ------------------------------------------------------------- */

/* From a heap copy of exactly the string's bytes, as with requests. */
static int parse_reply_str(const char *s, struct control_reply *r)
{
	size_t len = strlen(s);
	char *copy = malloc(len + 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, s, len + 1);
	ret = control_parse_reply(copy, len, r);
	/* Keep the text checkable: point it back into s. */
	if (!ret && r->ok)
		r->text = s + (r->text - copy);
	free(copy);
	return ret;
}

static void test_parse_reply(void **state)
{
	static const char *const bad[] = {
		"", "o", "ok", "OK\n", "error", "error ", "error \n", "error boom", "error a\nb\n",
		"err boom\n", "bogus\n", "\nok\n",
	};
	struct control_reply r;
	char wire[CONTROL_MAX_REASON + 64];

	(void)state;
	assert_int_equal(parse_reply_str("ok\n", &r), 0);
	assert_true(r.ok);
	assert_int_equal(r.text_len, 0);
	assert_int_equal(parse_reply_str("ok\nname vm\nprotocol 1\n", &r), 0);
	assert_true(r.ok);
	assert_int_equal(r.text_len, 19);
	assert_memory_equal(r.text, "name vm\nprotocol 1\n", 19);
	assert_int_equal(parse_reply_str("error no such vCPU\n", &r), 0);
	assert_false(r.ok);
	assert_string_equal(r.reason, "no such vCPU");
	/* What the client prints is made printable again. */
	assert_int_equal(parse_reply_str("error \x1b]0;x\x07\n", &r), 0);
	assert_string_equal(r.reason, "?]0;x?");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_reply_str(bad[i], &r), -EPROTO);
	/* Whatever the server formats, the client parses back. */
	control_format_error(wire, sizeof(wire), "vCPU 3\tis busy\n");
	assert_int_equal(parse_reply_str(wire, &r), 0);
	assert_string_equal(r.reason, "vCPU 3 is busy");
}

/* ---- names and numbers ----------------------------------------------------- */

static void test_names(void **state)
{
	static const char *const good[] = {
		"vm", "a", "guest-1", "A.B_c-9", "x.sock", "-dash", "a..b",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	static const char *const bad[] = {
		"", ".", "..", ".hidden", "a/b", "/", "a b", "caf\xc3\xa9", "tab\t", "nl\n", "a:b", "a*",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!control_name_valid(good[i]))
			fail_msg("'%s' should be a valid name", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (control_name_valid(bad[i]))
			fail_msg("'%s' should not be a valid name", bad[i]);
}

static void test_parse_cpu(void **state)
{
	uint32_t v = 99;

	(void)state;
	assert_int_equal(control_parse_cpu("0", 1, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(control_parse_cpu("511", 3, &v), 0);
	assert_int_equal(v, 511);
	assert_int_equal(control_parse_cpu("5119", 3, &v), 0);   /* only len bytes */
	assert_int_equal(v, 511);
	assert_int_equal(control_parse_cpu("512", 3, &v), -ERANGE);
	assert_int_equal(control_parse_cpu("", 0, &v), -EINVAL);
	assert_int_equal(control_parse_cpu("1 ", 2, &v), -EINVAL);
	assert_int_equal(control_parse_cpu("-1", 2, &v), -EINVAL);
	assert_int_equal(v, 511);
}

static void test_sdei_signal_requests(void **state)
{
	struct parsed p;

	(void)state;
	parse_str(&p, "hvmm/1 sdei signal 1000 2\n");
	assert_ok(&p, CONTROL_CMD_SDEI_SIGNAL, 2);
	assert_int_equal(p.req.args[0], 1000);
	assert_int_equal(p.req.args[1], 2);
	parse_str(&p, "hvmm/1 sdei signal 0x8000\n");
	assert_ok(&p, CONTROL_CMD_SDEI_SIGNAL, 1);
	assert_int_equal(p.req.args[0], 0x8000);
	parse_str(&p, "hvmm/1 sdei signal 4294967295\n");
	assert_ok(&p, CONTROL_CMD_SDEI_SIGNAL, 1);
	assert_int_equal(p.req.args[0], 4294967295u);
	parse_str(&p, "hvmm/1 sdei signal\n");
	assert_fails_with(&p, "missing argument (usage: sdei signal EVENT [N])");
	parse_str(&p, "hvmm/1 sdei signal 4294967296\n");
	assert_fails_with(&p, "does not fit in 32 bits");
	parse_str(&p, "hvmm/1 sdei signal 0xfffffffff0\n");
	assert_fails_with(&p, "does not fit in 32 bits");
	parse_str(&p, "hvmm/1 sdei signal ten\n");
	assert_fails_with(&p, "'ten' is not an event number");
	parse_str(&p, "hvmm/1 sdei signal 0x\n");
	assert_fails_with(&p, "is not an event number");
	parse_str(&p, "hvmm/1 sdei signal -1\n");
	assert_fails_with(&p, "is not an event number");
	parse_str(&p, "hvmm/1 sdei signal 1000 512\n");
	assert_fails_with(&p, "out of range");
	parse_str(&p, "hvmm/1 sdei signal 1000 1 2\n");
	assert_fails_with(&p, "too many arguments");
	parse_str(&p, "hvmm/1 sdei raise 1000\n");
	assert_fails_with(&p, "unknown command 'sdei raise'");
}

/* ---- the client's command line ------------------------------------------------ */

struct cli_parsed {
	struct control_cli cli;
	char err[256];
	int ret;
};

static int cli_words(struct cli_parsed *p, const char *const *words)
{
	int argc = 0;

	while (words[argc])
		argc++;
	memset(p->err, 0, sizeof(p->err));
	p->ret = control_cli_parse(argc, (char *const *)words, &p->cli, p->err, sizeof(p->err));
	return p->ret;
}

#define CLI(p, ...) cli_words((p), (const char *const []){ __VA_ARGS__, NULL })

static void assert_cli_request(const struct cli_parsed *p, const char *name, const char *request);

static void test_cli_sdei(void **state)
{
	struct cli_parsed p;

	(void)state;
	CLI(&p, "sdei", "signal", "1000", "--vcpu", "3", "--name", "g");
	assert_cli_request(&p, "g", "hvmm/1 sdei signal 1000 3\n");
	CLI(&p, "sdei", "--name=g", "signal", "0x7d0");
	assert_cli_request(&p, "g", "hvmm/1 sdei signal 2000\n");
	assert_int_equal(CLI(&p, "sdei", "signal", "--name", "g"), -1);
	assert_non_null(strstr(p.err, "usage: hvmm sdei signal EVENT"));
	assert_int_equal(CLI(&p, "sdei", "raise", "1", "--name", "g"), -1);
	assert_int_equal(CLI(&p, "sdei", "signal", "x1", "--name", "g"), -1);
	assert_non_null(strstr(p.err, "not an event number"));
	assert_int_equal(CLI(&p, "sdei", "signal", "1", "--vcpu", "999", "--name", "g"), -1);
	assert_int_equal(CLI(&p, "sdei", "signal", "1"), -1);
	assert_non_null(strstr(p.err, "which VM?"));
	assert_int_equal(CLI(&p, "sdei", "signal", "1", "2", "--name", "g"), -1);
}

static void assert_cli_request(const struct cli_parsed *p, const char *name, const char *request)
{
	if (p->ret)
		fail_msg("command line rejected: %s", p->err);
	assert_false(p->cli.help);
	if (name)
		assert_string_equal(p->cli.name, name);
	else
		assert_null(p->cli.name);
	assert_string_equal(p->cli.request, request);
}

static void assert_cli_fails(const struct cli_parsed *p, const char *needle)
{
	assert_int_equal(p->ret, -1);
	assert_one_printable_line(p->err);
	if (!strstr(p->err, needle))
		fail_msg("error \"%s\" does not mention \"%s\"", p->err, needle);
}

static void test_cli_simple(void **state)
{
	struct cli_parsed p;

	(void)state;
	CLI(&p, "stop", "--name", "g");
	assert_cli_request(&p, "g", "hvmm/1 stop\n");
	assert_false(p.cli.all);
	CLI(&p, "stop", "--name=g");
	assert_cli_request(&p, "g", "hvmm/1 stop\n");
	CLI(&p, "pause", "--name", "vm.1");
	assert_cli_request(&p, "vm.1", "hvmm/1 pause\n");
	CLI(&p, "resume", "--name", "vm");
	assert_cli_request(&p, "vm", "hvmm/1 resume\n");
	CLI(&p, "stat", "--name", "vm");
	assert_cli_request(&p, "vm", "hvmm/1 stat\n");
	CLI(&p, "stop", "--all");
	assert_cli_request(&p, NULL, "hvmm/1 stop\n");
	assert_true(p.cli.all);
	CLI(&p, "list");
	assert_int_equal(p.ret, 0);
	assert_true(p.cli.list);
	assert_string_equal(p.cli.command, "list");
}

static void test_cli_cpu_and_debug(void **state)
{
	struct cli_parsed p;

	(void)state;
	CLI(&p, "cpu", "enable", "3", "--name", "g");
	assert_cli_request(&p, "g", "hvmm/1 cpu enable 3\n");
	CLI(&p, "cpu", "--name=g", "disable", "0");
	assert_cli_request(&p, "g", "hvmm/1 cpu disable 0\n");
	CLI(&p, "cpu", "--name", "g", "--", "enable", "007");
	assert_cli_request(&p, "g", "hvmm/1 cpu enable 7\n");
	CLI(&p, "debug", "--dump", "--name", "g");
	assert_cli_request(&p, "g", "hvmm/1 debug dump\n");
	CLI(&p, "debug", "--name", "g", "--dump", "--vcpu", "2");
	assert_cli_request(&p, "g", "hvmm/1 debug dump 2\n");
	CLI(&p, "debug", "--vcpu=511", "--dump", "--name", "g");
	assert_cli_request(&p, "g", "hvmm/1 debug dump 511\n");
	CLI(&p, "debug", "--probe-sandbox", "open", "--name", "g");
	assert_cli_request(&p, "g", "hvmm/1 debug probe open\n");
	CLI(&p, "debug", "--probe-sandbox=fork", "--vcpu", "1", "--name", "g");
	assert_cli_request(&p, "g", "hvmm/1 debug probe fork 1\n");
	CLI(&p, "debug", "--probe-sandbox", "ptrace", "--name", "g");
	assert_cli_fails(&p, "--probe-sandbox 'ptrace': expected open, exec or fork");
	CLI(&p, "debug", "--probe-sandbox", "exec", "--dump", "--name", "g");
	assert_cli_fails(&p, "not both");
	CLI(&p, "debug", "--name", "g", "--probe-sandbox");
	assert_cli_fails(&p, "needs a value");
}

static void test_cli_help(void **state)
{
	static const char *const commands[] = { "list", "stop", "pause", "resume", "stat", "cpu", "debug" };
	struct cli_parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		CLI(&p, commands[i], "--help");
		assert_int_equal(p.ret, 0);
		assert_true(p.cli.help);
		assert_true(control_client_handles(commands[i]));
	}
	/* Help wins over whatever else is wrong. */
	CLI(&p, "cpu", "bogus", "-h");
	assert_int_equal(p.ret, 0);
	assert_true(p.cli.help);
	assert_false(control_client_handles("run"));
	assert_false(control_client_handles(NULL));
}

static void test_cli_errors(void **state)
{
	struct cli_parsed p;

	(void)state;
	CLI(&p, "stop");
	assert_cli_fails(&p, "give --name NAME or --all");
	CLI(&p, "pause");
	assert_cli_fails(&p, "give --name NAME");
	CLI(&p, "stop", "--name", "g", "--all");
	assert_cli_fails(&p, "not both");
	CLI(&p, "pause", "--all");
	assert_cli_fails(&p, "unknown option '--all'");
	CLI(&p, "stop", "--name");
	assert_cli_fails(&p, "'--name' needs a value");
	CLI(&p, "stop", "--name=");
	assert_cli_fails(&p, "not a VM name");
	CLI(&p, "stop", "--name", "a/b");
	assert_cli_fails(&p, "--name 'a/b': not a VM name");
	CLI(&p, "stop", "--name", ".x");
	assert_cli_fails(&p, "not a VM name");
	CLI(&p, "stop", "--name", "a", "--name", "b");
	assert_cli_fails(&p, "given twice");
	CLI(&p, "stop", "--name", "a", "now");
	assert_cli_fails(&p, "unexpected argument 'now'");
	CLI(&p, "stat", "--name", "a", "--verbose");
	assert_cli_fails(&p, "unknown option '--verbose'");
	CLI(&p, "stat", "-n", "a");
	assert_cli_fails(&p, "unknown option '-n'");
	CLI(&p, "list", "--name", "a");
	assert_cli_fails(&p, "unknown option '--name'");
	CLI(&p, "list", "extra");
	assert_cli_fails(&p, "unexpected argument 'extra'");
	CLI(&p, "cpu", "--name", "g");
	assert_cli_fails(&p, "usage: hvmm cpu enable|disable N --name NAME");
	CLI(&p, "cpu", "enable", "--name", "g");
	assert_cli_fails(&p, "usage: hvmm cpu");
	CLI(&p, "cpu", "online", "1", "--name", "g");
	assert_cli_fails(&p, "expected enable or disable, not 'online'");
	CLI(&p, "cpu", "enable", "x", "--name", "g");
	assert_cli_fails(&p, "'x' is not a vCPU number");
	CLI(&p, "cpu", "enable", "-1", "--name", "g");
	assert_cli_fails(&p, "'-1' is not a vCPU number");
	CLI(&p, "cpu", "enable", "512", "--name", "g");
	assert_cli_fails(&p, "out of range (0-511)");
	CLI(&p, "cpu", "enable", "1", "2", "--name", "g");
	assert_cli_fails(&p, "unexpected argument '2'");
	CLI(&p, "debug", "--name", "g");
	assert_cli_fails(&p, "give --dump");
	CLI(&p, "debug", "--dump", "--vcpu", "x", "--name", "g");
	assert_cli_fails(&p, "'x' is not a vCPU number");
	CLI(&p, "debug", "--dump", "--name", "g", "--vcpu");
	assert_cli_fails(&p, "'--vcpu' needs a value");
	CLI(&p, "stop", "--name", "\x1b[2J");
	assert_cli_fails(&p, "'?[2J'");
	CLI(&p, "frobnicate");
	assert_cli_fails(&p, "unknown command 'frobnicate'");
	assert_null(p.cli.command);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_commands),
		cmocka_unit_test(test_cpu_commands),
		cmocka_unit_test(test_spaces_between_words),
		cmocka_unit_test(test_longest_request),
		cmocka_unit_test(test_empty_and_unterminated),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_unknown_commands),
		cmocka_unit_test(test_sdei_signal_requests),
		cmocka_unit_test(test_cli_sdei),
		cmocka_unit_test(test_argument_counts),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_long_words_are_cut),
		cmocka_unit_test(test_small_error_buffer),
		cmocka_unit_test(test_parser_survives_noise),
		cmocka_unit_test(test_command_table),
		cmocka_unit_test(test_probe_requests),
		cmocka_unit_test(test_format_request),
		cmocka_unit_test(test_format_ok),
		cmocka_unit_test(test_format_error),
		cmocka_unit_test(test_parse_reply),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_parse_cpu),
		cmocka_unit_test(test_cli_simple),
		cmocka_unit_test(test_cli_cpu_and_debug),
		cmocka_unit_test(test_cli_help),
		cmocka_unit_test(test_cli_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
