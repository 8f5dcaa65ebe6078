/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target: the control protocol without I/O (vmm/control/proto.c),
 * which is what a client of the per-VM socket reaches first.
 *
 * Every input is tried as a request, as a reply, and as the text of both
 * reply kinds. abort() if:
 *  - a request parses although it is not one printable line of at most
 *    CONTROL_MAX_REQUEST bytes, or parses into a command, argument count or
 *    argument value the command table does not allow, or does not parse
 *    back the same after being written out canonically, or names other
 *    words than it had;
 *  - a refusal's reason is not one non-empty printable line within the
 *    caller's buffer, or the answer depends on the size of that buffer;
 *  - control_parse_cpu or control_parse_event disagree with strtoull;
 *  - a reply parses into something its bytes do not say, or a reply
 *    control_format_ok or control_format_error wrote does not parse back;
 * besides what ASan and UBSan find. Every buffer is heap-allocated at its
 * exact size so that a byte too far is caught.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/control/proto.h"
#include "tests/fuzz/invariant.h"

static bool printable(unsigned char c)
{
	return c >= 0x20 && c <= 0x7e;
}

/* A reason: NUL-terminated inside cap bytes, printable, one line. */
static void check_reason(const char *s, size_t cap, bool nonempty)
{
	size_t len = strnlen(s, cap);

	CHECK(len < cap, "reason not terminated inside %zu bytes", cap);
	CHECK(!nonempty || len > 0, "empty reason");
	for (size_t i = 0; i < len; i++)
		CHECK(printable((unsigned char)s[i]), "byte 0x%02x in reason '%s'",
		      (unsigned char)s[i], s);
}

/* ---- numbers, against strtoull ---- */

static int ref_number(const char *s, size_t len, int base, uint64_t max, uint32_t *out)
{
	char buf[64];
	unsigned long long v;
	char *end;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (base == 10 ? !(s[i] >= '0' && s[i] <= '9') :
				 !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
				   (s[i] >= 'A' && s[i] <= 'F')))
			return -EINVAL;
	}
	/* Leading zeros change nothing; what is left must still fit the copy. */
	while (len > 1 && *s == '0') {
		s++;
		len--;
	}
	if (len >= sizeof(buf))
		return -ERANGE;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoull(buf, &end, base);
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

static void check_numbers(const char *s, size_t len)
{
	uint32_t got = 0, want = 0;
	int ret, ref;

	ret = control_parse_cpu(s, len, &got);
	ref = ref_number(s, len, 10, CONTROL_MAX_CPUS - 1, &want);
	CHECK(ret == ref, "parse_cpu %d, strtoull %d", ret, ref);
	CHECK(ret || got == want, "parse_cpu %u, strtoull %u", got, want);

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		ref = ref_number(s + 2, len - 2, 16, UINT32_MAX, &want);
	else
		ref = ref_number(s, len, 10, UINT32_MAX, &want);
	ret = control_parse_event(s, len, &got);
	CHECK(ret == ref, "parse_event %d, strtoull %d", ret, ref);
	CHECK(ret || got == want, "parse_event %u, strtoull %u", got, want);
}

/* ---- requests ---- */

struct word {
	const char *p;
	size_t len;
};

static size_t split(const char *s, size_t len, struct word *w, size_t max)
{
	size_t n = 0, i = 0;

	while (i < len && n < max) {
		size_t start;

		while (i < len && s[i] == ' ')
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && s[i] != ' ')
			i++;
		w[n].p = s + start;
		w[n].len = i - start;
		n++;
	}
	return n;
}

static bool word_is(const struct word *w, const char *s)
{
	return strlen(s) == w->len && !memcmp(w->p, s, w->len);
}

/* The request as a client would write it, parsed again. */
static void check_canonical(const struct control_request *req, const struct control_command *c)
{
	char text[128], err[256];
	struct control_request again;
	int n;

	n = snprintf(text, sizeof(text), "hvmm/%d %s%s%s", CONTROL_PROTOCOL_VERSION, c->words[0],
		     c->words[1] ? " " : "", c->words[1] ? c->words[1] : "");
	for (unsigned int i = 0; i < req->nargs; i++) {
		if (c->args[i] == CONTROL_ARG_PROBE)
			n += snprintf(text + n, sizeof(text) - (size_t)n, " %s",
				      control_probe_name((enum control_probe)req->args[i]));
		else
			n += snprintf(text + n, sizeof(text) - (size_t)n, " %u", req->args[i]);
	}
	n += snprintf(text + n, sizeof(text) - (size_t)n, "\n");
	CHECK(control_parse_request(text, (size_t)n, &again, err, sizeof(err)) == 0,
	      "canonical '%s' refused: %s", text, err);
	CHECK(!memcmp(&again, req, sizeof(again)), "canonical '%s' parsed differently", text);
}

/* An accepted request: one printable line, words and values as the table says. */
static void check_accepted(const char *s, size_t len, const struct control_request *req)
{
	const struct control_command *c = control_command_get(req->cmd);
	struct word w[16];
	size_t nw, nkw;

	CHECK(len >= 2 && len <= CONTROL_MAX_REQUEST && s[len - 1] == '\n', "accepted %zu bytes",
	      len);
	for (size_t i = 0; i + 1 < len; i++)
		CHECK(printable((unsigned char)s[i]), "accepted byte 0x%02x", (unsigned char)s[i]);
	CHECK(req->version == CONTROL_PROTOCOL_VERSION, "version %u", req->version);
	CHECK((unsigned int)req->cmd < CONTROL_CMD_COUNT && c, "command %d", (int)req->cmd);
	CHECK(req->nargs >= c->min_args && req->nargs <= c->max_args && req->nargs <= CONTROL_MAX_ARGS,
	      "%s with %u arguments", c->usage, req->nargs);
	for (unsigned int i = 0; i < CONTROL_MAX_ARGS; i++) {
		if (i >= req->nargs)
			CHECK(req->args[i] == 0, "%s: unused argument %u set", c->usage, i);
		else if (c->args[i] == CONTROL_ARG_CPU)
			CHECK(req->args[i] < CONTROL_MAX_CPUS, "%s: vCPU %u", c->usage, req->args[i]);
		else if (c->args[i] == CONTROL_ARG_PROBE)
			CHECK(req->args[i] < CONTROL_PROBE_COUNT, "%s: probe %u", c->usage, req->args[i]);
	}

	nkw = c->words[1] ? 2 : 1;
	nw = split(s, len - 1, w, 16);
	CHECK(nw == 1 + nkw + req->nargs, "%zu words for %s", nw, c->usage);
	CHECK(w[0].len > 5 && !memcmp(w[0].p, "hvmm/", 5), "version word");
	CHECK(word_is(&w[1], c->words[0]) && (nkw == 1 || word_is(&w[2], c->words[1])),
	      "words of %s", c->usage);
	for (unsigned int i = 0; i < req->nargs; i++) {
		uint32_t v = 0;
		const struct word *a = &w[1 + nkw + i];

		if (c->args[i] == CONTROL_ARG_CPU)
			CHECK(control_parse_cpu(a->p, a->len, &v) == 0 && v == req->args[i],
			      "argument %u of %s", i, c->usage);
		else if (c->args[i] == CONTROL_ARG_PROBE)
			CHECK(word_is(a, control_probe_name((enum control_probe)req->args[i])),
			      "argument %u of %s", i, c->usage);
		else
			CHECK(control_parse_event(a->p, a->len, &v) == 0 && v == req->args[i],
			      "argument %u of %s", i, c->usage);
	}
	check_canonical(req, c);
}

static void check_request(const char *s, size_t len)
{
	static const size_t errlens[] = { 256, 0, 1, 2, 17, 64 };
	struct control_request first, req;
	char full[256];
	int ret0 = 0;

	for (size_t k = 0; k < sizeof(errlens) / sizeof(errlens[0]); k++) {
		size_t cap = errlens[k];
		char *err = cap ? malloc(cap) : NULL;
		int ret;

		CHECK(!cap || err, "out of memory");
		if (err)
			memset(err, 'X', cap);
		ret = control_parse_request(s, len, &req, err, cap);
		CHECK(ret == 0 || ret == -EINVAL, "returned %d", ret);
		if (k == 0) {
			ret0 = ret;
			first = req;
			if (ret)
				check_reason(err, cap, true);
			memcpy(full, err, cap);
		} else {
			CHECK(ret == ret0, "%d with %zu bytes for the reason, %d with 256", ret, cap,
			      ret0);
			CHECK(ret || !memcmp(&req, &first, sizeof(req)), "parse depends on errlen");
			CHECK(ret || !cap || !err[0], "a reason for an accepted request");
			if (ret && cap) {
				check_reason(err, cap, false);
				CHECK(!strncmp(err, full, cap - 1), "'%s' is not the start of '%s'",
				      err, full);
			}
		}
		free(err);
	}
	if (ret0 == 0)
		check_accepted(s, len, &first);
}

/* ---- replies ---- */

static void check_reply(const char *s, size_t len)
{
	struct control_reply r;
	int ret = control_parse_reply(s, len, &r);

	CHECK(ret == 0 || ret == -EPROTO, "parse_reply returned %d", ret);
	if (ret)
		return;
	if (r.ok) {
		CHECK(len >= 3 && !memcmp(s, "ok\n", 3) && r.text == s + 3 && r.text_len == len - 3,
		      "ok reply misparsed");
		return;
	}
	CHECK(len > 6 && !memcmp(s, "error ", 6) && memchr(s, '\n', len) == s + len - 1,
	      "error reply accepted from %zu bytes", len);
	check_reason(r.reason, sizeof(r.reason), true);
}

/* The text as a reason and as ok text, written out and read back. */
static void check_formats(const char *s, size_t len)
{
	static const size_t caps[] = { 0, 3, 4, 5, 8, 9, 40, 300, CONTROL_MAX_WIRE_REPLY };
	char *text = strndup(s, len);
	size_t tlen;

	CHECK(text, "out of memory");
	tlen = strlen(text);
	for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
		size_t cap = caps[k], n;
		char *out = cap ? malloc(cap) : NULL;
		struct control_reply r;

		CHECK(!cap || out, "out of memory");
		n = control_format_error(out, cap, text);
		CHECK(n < (cap ? cap : 1), "error of %zu bytes in %zu", n, cap);
		/* With room for no reason at all the message is "error \n", which
		 * parse_reply refuses: a known edge, only reached with len 8. */
		if (n > 7) {
			CHECK(strlen(out) == n && out[n - 1] == '\n', "error message not terminated");
			CHECK(control_parse_reply(out, n, &r) == 0 && !r.ok, "'%s' does not parse",
			      out);
			CHECK(n - 7 <= CONTROL_MAX_REASON && strlen(r.reason) == n - 7 &&
			      !memcmp(r.reason, out + 6, n - 7), "reason read back differently");
		}
		n = control_format_ok(out, cap, text);
		CHECK(cap < 4 ? n == 0 : n > 0 && n < cap, "ok of %zu bytes in %zu", n, cap);
		if (n) {
			bool add = tlen && text[tlen - 1] != '\n';

			CHECK(strlen(out) == n && control_parse_reply(out, n, &r) == 0 && r.ok,
			      "'%s' does not parse", out);
			/* The text, or as much as fits, always ending a line. */
			CHECK(!r.text_len || (r.text[r.text_len - 1] == '\n' &&
					      r.text_len - 1 <= tlen &&
					      !memcmp(r.text, text, r.text_len - 1)),
			      "ok text read back differently");
			CHECK(cap - 4 < tlen + add || r.text_len == tlen + add,
			      "ok text cut although it fits");
		}
		free(out);
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	check_request(s, size);
	check_reply(s, size);
	check_numbers(s, size < 40 ? size : 40);
	check_formats(s, size);
	return 0;
}
