/* SPDX-License-Identifier: GPL-2.0-only */
/* The handler line protocol: requests out, answers in (see proto.h). */
#include <stdio.h>
#include <string.h>

#include "proto.h"
#include "vmm/log.h"

/* How much of a bad word an error message quotes. */
#define QUOTE_MAX 40

int handler_format_request(const struct handler_request *r, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%u %s 0x%08x", r->vcpu, smccc_conduit_name(r->conduit), r->fid);

	for (unsigned int i = 0; i < HANDLER_NR_ARGS && n >= 0 && (size_t)n < len; i++)
		n += snprintf(buf + n, len - (size_t)n, " 0x%llx", (unsigned long long)r->x[i]);
	if (n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "\n");
	return n >= 0 && (size_t)n < len ? n : -1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One word, w[0..n): 0x optional, then hex digits worth at most 64 bits. */
static int parse_word(const char *w, size_t n, unsigned int index, uint64_t *val, char *err, size_t errlen)
{
	size_t i = 0, significant = 0;
	uint64_t v = 0;

	if (n > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X'))
		i = 2;
	for (size_t j = i; j < n; j++) {
		int d = hex_value(w[j]);

		if (d < 0)
			return reason_set(-1, err, errlen, "word %u '%.*s' is not a hex number", index + 1,
					  (int)(n < QUOTE_MAX ? n : QUOTE_MAX), w);
		if (v || d)
			significant++;
		v = v * 16 + (uint64_t)d;
	}
	if (significant > 16)
		return reason_set(-1, err, errlen, "word %u '%.*s' does not fit in 64 bits", index + 1,
				  (int)(n < QUOTE_MAX ? n : QUOTE_MAX), w);
	*val = v;
	return 0;
}

/* The reason for a line that is not an answer, when it is a plain mistake. */
static const char *line_shape_error(const char *line, size_t len)
{
	if (memchr(line, '\n', len))
		return "a newline inside the line";
	if (len && line[len - 1] == '\r')
		return "the line ends with a carriage return (CR LF line ends?)";
	if (memchr(line, '\0', len))
		return "a NUL byte in the line";
	return NULL;
}

int handler_parse_answer(const char *line, size_t len, struct handler_answer *a, char *err, size_t errlen)
{
	const char *shape = line_shape_error(line, len);
	unsigned int unsupported = 0;
	size_t i = 0;

	memset(a, 0, sizeof(*a));
	if (shape)
		return reason_set(-1, err, errlen, "%s", shape);
	while (i < len) {
		size_t start;

		while (i < len && is_blank(line[i]))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && !is_blank(line[i]))
			i++;
		if (i - start == 11 && !memcmp(line + start, "unsupported", 11)) {
			unsupported++;
			continue;
		}
		if (a->nr == HANDLER_MAX_WORDS)
			return reason_set(-1, err, errlen, "more than %d words (x0..x17)", HANDLER_MAX_WORDS);
		if (parse_word(line + start, i - start, a->nr, &a->regs[a->nr], err, errlen))
			return -1;
		a->nr++;
	}
	if (unsupported && (unsupported > 1 || a->nr))
		return reason_set(-1, err, errlen, "'unsupported' must be the only word");
	if (!unsupported && !a->nr)
		return reason_set(-1, err, errlen, "an empty line");
	a->unsupported = unsupported;
	return 0;
}
