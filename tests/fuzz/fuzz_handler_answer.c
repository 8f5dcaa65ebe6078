/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target: the answer line of an --smccc-handler program
 * (handler_parse_answer in vmm/handler/proto.c), what a user program,
 * buggy or hostile, sends back for a guest's call. abort() if:
 *  - the parser returns anything but 0 or -1;
 *  - a refusal's reason is not one non-empty line free of control bytes;
 *  - an accepted answer is neither "unsupported" nor 1..18 registers, or
 *    its registers are not the hex words of the line, in order (checked
 *    against a second, independent reading of the line);
 *  - a line with a newline is accepted;
 * besides what ASan and UBSan find.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/handler/proto.h"
#include "tests/fuzz/invariant.h"

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

/* The words of an accepted line, read again: blank-separated words, each
 * an optional 0x (when digits follow) and hex digits of which at most 16
 * are significant. Returns how many, or -1. */
static int reread(const char *s, size_t len, uint64_t *out)
{
	size_t i = 0;
	int n = 0;

	while (i < len) {
		size_t start, end, significant = 0;
		uint64_t v = 0;

		if (s[i] == ' ' || s[i] == '\t') {
			i++;
			continue;
		}
		for (start = end = i; end < len && s[end] != ' ' && s[end] != '\t'; end++)
			;
		i = end;
		if (n == HANDLER_MAX_WORDS)
			return -1;
		if (end - start > 2 && s[start] == '0' && (s[start + 1] == 'x' || s[start + 1] == 'X'))
			start += 2;
		for (; start < end; start++) {
			if (hex_digit(s[start]) < 0)
				return -1;
			if (v || hex_digit(s[start]))
				significant++;
			v = v << 4 | (uint64_t)hex_digit(s[start]);
		}
		if (significant > 16)
			return -1;
		out[n++] = v;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size ? size : 1);
	struct handler_answer a;
	uint64_t words[HANDLER_MAX_WORDS];
	char err[160];
	int ret, n;

	if (!line)
		return 0;
	memcpy(line, data, size);
	memset(&a, 0xa5, sizeof(a));
	err[0] = '\0';
	ret = handler_parse_answer(line, size, &a, err, sizeof(err));
	CHECK(ret == 0 || ret == -1, "handler_parse_answer returned %d", ret);
	if (ret) {
		size_t elen = strnlen(err, sizeof(err));

		CHECK(elen > 0 && elen < sizeof(err), "refusal without a one-line reason");
		for (size_t i = 0; i < elen; i++)
			CHECK((unsigned char)err[i] >= 0x20 && err[i] != 0x7f, "control byte 0x%02x in the reason",
			      (unsigned char)err[i]);
		free(line);
		return 0;
	}
	CHECK(!memchr(line, '\n', size), "a newline was accepted");
	if (a.unsupported) {
		free(line);
		return 0;
	}
	CHECK(a.nr >= 1 && a.nr <= HANDLER_MAX_WORDS, "accepted %u registers", a.nr);
	n = reread(line, size, words);
	CHECK(n == (int)a.nr, "the line has %d words, the parser took %u", n, a.nr);
	for (unsigned int i = 0; i < a.nr; i++)
		CHECK(words[i] == a.regs[i], "x%u: the line says 0x%llx, the parser 0x%llx", i,
		      (unsigned long long)words[i], (unsigned long long)a.regs[i]);
	free(line);
	return 0;
}
