/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for --smccc-handler's pure parts: the RANGE=COMMAND parser
 * (vmm/handler/spec.c) and the line protocol (vmm/handler/proto.c): the
 * request line, and every way an answer line can be malformed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/handler/proto.h"
#include "vmm/handler/spec.h"

/* One line, printable: what every refusal must be. */
static void assert_one_clean_line(const char *err)
{
	assert_true(err[0] != '\0');
	for (const unsigned char *c = (const unsigned char *)err; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			fail_msg("control byte 0x%02x in \"%s\"", *c, err);
}

/* ---- RANGE=COMMAND ------------------------------------------------------ */

static void parse_ok(const char *arg, uint32_t base, uint32_t count, const char *command)
{
	struct handler_spec s;
	char err[256] = "";

	if (handler_spec_parse(arg, &s, err, sizeof(err)))
		fail_msg("'%s' refused: %s", arg, err);
	assert_int_equal(s.base, base);
	assert_int_equal(s.count, count);
	assert_string_equal(s.command, command);
	/* The command points into the argument: nothing was copied. */
	assert_ptr_equal(s.command, arg + strlen(arg) - strlen(command));
}

static void parse_fails(const char *arg, const char *needle)
{
	struct handler_spec s = { 0x1234, 0x5678, "untouched" };
	char err[256] = "";

	if (handler_spec_parse(arg, &s, err, sizeof(err)) != -1)
		fail_msg("'%s' accepted", arg);
	assert_one_clean_line(err);
	if (!strstr(err, needle))
		fail_msg("'%s': error \"%s\" does not say \"%s\"", arg, err, needle);
	assert_int_equal(s.base, 0x1234);
	assert_string_equal(s.command, "untouched");
}

static void test_spec_forms(void **state)
{
	(void)state;
	parse_ok("0xc3000000+0x10=./handler.sh", 0xc3000000, 0x10, "./handler.sh");
	parse_ok("c3000000-c300000f=cat", 0xc3000000, 0x10, "cat");
	parse_ok("0XC3000000+1=a=b c", 0xc3000000, 1, "a=b c");
	parse_ok("0xc3000005-0xc3000005=x", 0xc3000005, 1, "x");
	parse_ok("0+10=x", 0, 0x10, "x");
	parse_ok("0000000000c3000000+0001=x", 0xc3000000, 1, "x");
	parse_ok("0xfffffff0+0x10=x", 0xfffffff0, 0x10, "x");
	parse_ok("0xfffffff0-0xffffffff=x", 0xfffffff0, 0x10, "x");
	parse_ok("0xffffffff+1=x", 0xffffffff, 1, "x");
	/* Right next to the Arm Architecture service, on both sides. */
	parse_ok("0x7fff0000-0x7fffffff=x", 0x7fff0000, 0x10000, "x");
	parse_ok("0x80010000+1=x", 0x80010000, 1, "x");
	parse_ok("0xbfffffff+1=x", 0xbfffffff, 1, "x");
	parse_ok("0xc0010000+0x10=x", 0xc0010000, 0x10, "x");
}

static void test_spec_syntax(void **state)
{
	static const char *const bad[] = {
		"", "=cmd", "cmd", "0xc3000000=cmd", "0xc3000000+=cmd", "+10=cmd", "-10=cmd",
		"0xc3000000+0x10", "0xc3000000-0xc300000f", "0xc3000000*10=x", " 0xc3000000+1=x",
		"0xc3000000 +1=x", "0xc3000000+1 =x", "0x+1=x", "0xc3000000+0x=x", "0xc3000000+0x10x=c",
		"0xc3000000++1=x", "0xc3000000+-1=x", "0xg+1=x", "0xc3000000+1-2=x", "x0c3000000+1=x",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_fails(bad[i], "expected BASE+COUNT=COMMAND or BASE-LAST=COMMAND, in hex");
}

static void test_spec_values(void **state)
{
	(void)state;
	parse_fails("0xc3000000+1=", "no command after '='");
	parse_fails("0xc3000000+0=x", "the range is empty (COUNT is 0)");
	parse_fails("0xc3000000+0x0000=x", "the range is empty (COUNT is 0)");
	parse_fails("0xc3000010-0xc3000000=x", "LAST 0xc3000000 is below BASE 0xc3000010");
	parse_fails("0x100000000+1=x", "function IDs are 32 bits");
	parse_fails("0x1+0x100000000=x", "function IDs are 32 bits");
	parse_fails("0x1-0x100000000=x", "function IDs are 32 bits");
	parse_fails("0xffffffff+2=x", "0xffffffff+0x2 runs past 0xffffffff");
	parse_fails("0xfffffff0+0x11=x", "runs past 0xffffffff");
	parse_fails("0x2+0xffffffff=x", "0x00000002+0xffffffff runs past 0xffffffff");
	parse_fails("0xd0000000+0x30000001=x", "runs past 0xffffffff");
	parse_ok("0xd0000000+0x30000000=x", 0xd0000000, 0x30000000, "x");
}

static void test_spec_arm_service(void **state)
{
	static const char *const bad[] = {
		"0x80000000+1=x", "0x8000ffff+1=x", "0x7fffffff+2=x", "0x80000000-0x8000ffff=x",
		"0xc0000000+0x10=x", "0xc000ffff-0xc0010000=x", "0xbfffffff-0xc0000000=x",
		"0x0-0xffffffff=x", "0x7f000000-0xc3000000=x",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_fails(bad[i], "reaches into the Arm Architecture service (0x80000000-0x8000ffff, "
			    "0xc0000000-0xc000ffff), which KVM answers itself");
	parse_fails("0x0-0xffffffff=x", "0x00000000-0xffffffff reaches into");
}

static void test_spec_overlap_and_limit(void **state)
{
	struct handler_spec specs[HANDLER_MAX];
	char err[256], arg[HANDLER_MAX + 1][64];
	unsigned int nr = 0;

	(void)state;
	assert_int_equal(handler_spec_add(specs, &nr, "0xc3000000+0x10=a", err, sizeof(err)), 0);
	assert_int_equal(handler_spec_add(specs, &nr, "0xc300000f+1=b", err, sizeof(err)), -1);
	assert_one_clean_line(err);
	assert_string_equal(err, "--smccc-handler '0xc300000f+1=b': 0xc300000f-0xc300000f overlaps the "
			    "earlier handler's 0xc3000000-0xc300000f");
	assert_int_equal(handler_spec_add(specs, &nr, "0xc2ffffff-0xc3000000=b", err, sizeof(err)), -1);
	assert_int_equal(handler_spec_add(specs, &nr, "0xc2000000-0xc4000000=b", err, sizeof(err)), -1);
	assert_int_equal(nr, 1);
	/* Next to it on both sides is fine; a bad one is refused as alone. */
	assert_int_equal(handler_spec_add(specs, &nr, "0xc3000010+1=b", err, sizeof(err)), 0);
	assert_int_equal(handler_spec_add(specs, &nr, "0xc2ffffff+1=c", err, sizeof(err)), 0);
	assert_int_equal(handler_spec_add(specs, &nr, "0xc3000020+0=d", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "COUNT is 0"));
	assert_int_equal(nr, 3);
	for (unsigned int i = 3; i <= HANDLER_MAX; i++) {
		snprintf(arg[i], sizeof(arg[i]), "0x%x+0x10=h%u", 0x83000000U + i * 0x10U, i);
		assert_int_equal(handler_spec_add(specs, &nr, arg[i], err, sizeof(err)), i < HANDLER_MAX ? 0 : -1);
	}
	assert_int_equal(nr, HANDLER_MAX);
	assert_string_equal(err, "--smccc-handler: at most 16 handlers");
	assert_string_equal(specs[15].command, "h15");
	assert_true(handler_spec_overlap(&specs[0], &specs[0]));
	assert_false(handler_spec_overlap(&specs[0], &specs[1]));
}

static void test_spec_error_one_line(void **state)
{
	struct handler_spec s;
	char err[256];

	(void)state;
	assert_int_equal(handler_spec_parse("0xc3\n000000+1=x", &s, err, sizeof(err)), -1);
	assert_one_clean_line(err);
	assert_non_null(strstr(err, "'0xc3?000000+1=x'"));
	assert_int_equal(handler_spec_parse("0xc3\xc2\x9b+1=x", &s, err, sizeof(err)), -1);
	assert_one_clean_line(err);
	assert_null(strstr(err, "\xc2\x9b"));
	/* A small buffer gets a cut reason, still terminated. */
	assert_int_equal(handler_spec_parse("bad", &s, err, 8), -1);
	assert_int_equal(strlen(err), 7);
}

/* ---- the request line --------------------------------------------------- */

static void test_request_line(void **state)
{
	struct handler_request r = {
		.vcpu = 3, .conduit = SMCCC_CONDUIT_SMC, .fid = 0xc3000001,
		.x = { 1, 0xffffffffffffffffULL, 0, 0x123, 0xa5a5a5a500000000ULL, 7, 0x10 },
	};
	const char *want = "3 smc 0xc3000001 0x1 0xffffffffffffffff 0x0 0x123 0xa5a5a5a500000000 0x7 0x10\n";
	char buf[HANDLER_REQUEST_MAX];

	(void)state;
	assert_int_equal(handler_format_request(&r, buf, sizeof(buf)), (int)strlen(want));
	assert_string_equal(buf, want);
	r = (struct handler_request){ .vcpu = 4095, .conduit = SMCCC_CONDUIT_HVC, .fid = 0x03000000 };
	assert_int_equal(handler_format_request(&r, buf, sizeof(buf)), 48);
	assert_string_equal(buf, "4095 hvc 0x03000000 0x0 0x0 0x0 0x0 0x0 0x0 0x0\n");
}

static void test_request_line_sizes(void **state)
{
	struct handler_request r = { .vcpu = 0xffffffffU, .conduit = SMCCC_CONDUIT_HVC, .fid = 0xffffffffU };
	char buf[HANDLER_REQUEST_MAX];
	int len;

	(void)state;
	for (unsigned int i = 0; i < HANDLER_NR_ARGS; i++)
		r.x[i] = ~0ULL;
	/* The longest request there is fits exactly what the header promises. */
	len = handler_format_request(&r, buf, sizeof(buf));
	assert_int_equal(len, HANDLER_REQUEST_MAX - 1);
	assert_int_equal(buf[len - 1], '\n');
	/* Exactly enough room, and one byte less. */
	assert_int_equal(handler_format_request(&r, buf, (size_t)len + 1), len);
	assert_int_equal(handler_format_request(&r, buf, (size_t)len), -1);
	assert_int_equal(handler_format_request(&r, buf, 5), -1);
}

/* ---- answer lines ------------------------------------------------------- */

static struct handler_answer answer_ok(const char *line)
{
	struct handler_answer a;
	char err[256] = "";

	if (handler_parse_answer(line, strlen(line), &a, err, sizeof(err)))
		fail_msg("'%s' refused: %s", line, err);
	return a;
}

static void answer_bad_len(const char *line, size_t len, const char *want)
{
	struct handler_answer a;
	char err[256] = "";

	if (handler_parse_answer(line, len, &a, err, sizeof(err)) != -1)
		fail_msg("'%s' accepted", line);
	assert_one_clean_line(err);
	if (strcmp(err, want))
		fail_msg("'%s': error \"%s\", expected \"%s\"", line, err, want);
}

static void answer_bad(const char *line, const char *want)
{
	answer_bad_len(line, strlen(line), want);
}

static void test_answer_words(void **state)
{
	struct handler_answer a;

	(void)state;
	a = answer_ok("0");
	assert_false(a.unsupported);
	assert_int_equal(a.nr, 1);
	assert_int_equal(a.regs[0], 0);
	a = answer_ok("0x1 2 0XaBc ffffffffffffffff");
	assert_int_equal(a.nr, 4);
	assert_int_equal(a.regs[0], 1);
	assert_int_equal(a.regs[1], 2);
	assert_int_equal(a.regs[2], 0xabc);
	assert_int_equal(a.regs[3], 0xffffffffffffffffULL);
	/* 10 is sixteen: every word is hex. */
	a = answer_ok("10");
	assert_int_equal(a.regs[0], 16);
	a = answer_ok(" \t1\t \t2  ");
	assert_int_equal(a.nr, 2);
	assert_int_equal(a.regs[1], 2);
	a = answer_ok("0x00000000000000000000ffffffffffffffff");
	assert_int_equal(a.regs[0], ~0ULL);
	a = answer_ok("0 1 2 3 4 5 6 7 8 9 a b c d e f 10 0x11");
	assert_int_equal(a.nr, 18);
	for (unsigned int i = 0; i < 18; i++)
		assert_int_equal(a.regs[i], i);
}

static void test_answer_unsupported(void **state)
{
	struct handler_answer a;

	(void)state;
	a = answer_ok("unsupported");
	assert_true(a.unsupported);
	assert_int_equal(a.nr, 0);
	a = answer_ok("  unsupported\t");
	assert_true(a.unsupported);
	answer_bad("unsupported 1", "'unsupported' must be the only word");
	answer_bad("1 unsupported", "'unsupported' must be the only word");
	answer_bad("unsupported unsupported", "'unsupported' must be the only word");
	answer_bad("UNSUPPORTED", "word 1 'UNSUPPORTED' is not a hex number");
	answer_bad("unsupported.", "word 1 'unsupported.' is not a hex number");
	answer_bad("not_supported", "word 1 'not_supported' is not a hex number");
}

static void test_answer_malformed(void **state)
{
	(void)state;
	answer_bad("", "an empty line");
	answer_bad(" \t ", "an empty line");
	answer_bad("0 1 2 3 4 5 6 7 8 9 a b c d e f 10 11 12", "more than 18 words (x0..x17)");
	answer_bad("hello world", "word 1 'hello' is not a hex number");
	answer_bad("1 -1", "word 2 '-1' is not a hex number");
	answer_bad("1 +1", "word 2 '+1' is not a hex number");
	answer_bad("0x", "word 1 '0x' is not a hex number");
	answer_bad("0x0x1", "word 1 '0x0x1' is not a hex number");
	answer_bad("1,2", "word 1 '1,2' is not a hex number");
	answer_bad("0x1g", "word 1 '0x1g' is not a hex number");
	answer_bad("1 2 3 0x10000000000000000", "word 4 '0x10000000000000000' does not fit in 64 bits");
	answer_bad("11111111111111111", "word 1 '11111111111111111' does not fit in 64 bits");
	answer_bad("1\r", "the line ends with a carriage return (CR LF line ends?)");
	answer_bad("1\v", "word 1 '1?' is not a hex number");
	answer_bad("1\n2", "a newline inside the line");
	answer_bad_len("1\0 2", 4, "a NUL byte in the line");
	answer_bad("1 \xc2\x9b", "word 2 '?" "?' is not a hex number");
	/* A long bad word is quoted in part. */
	answer_bad("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz",
		   "word 1 '0123456789abcdefghijklmnopqrstuvwxyz0123' is not a hex number");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_forms),
		cmocka_unit_test(test_spec_syntax),
		cmocka_unit_test(test_spec_values),
		cmocka_unit_test(test_spec_arm_service),
		cmocka_unit_test(test_spec_overlap_and_limit),
		cmocka_unit_test(test_spec_error_one_line),
		cmocka_unit_test(test_request_line),
		cmocka_unit_test(test_request_line_sizes),
		cmocka_unit_test(test_answer_words),
		cmocka_unit_test(test_answer_unsupported),
		cmocka_unit_test(test_answer_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
