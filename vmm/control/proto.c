/* SPDX-License-Identifier: GPL-2.0-only */
/* The control protocol's grammar (docs/control-protocol.md). No I/O here. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmm/log.h"
#include "proto.h"

#define MAX_WORDS  8            /* version + command words + arguments, with room */
#define SHOW_MAX   32           /* bytes of a word quoted back in an error */

static const struct control_command commands[] = {
	{ CONTROL_CMD_PING,        { "ping" },          0, 0, { 0 }, "ping" },
	{ CONTROL_CMD_STOP,        { "stop" },          0, 0, { 0 }, "stop" },
	{ CONTROL_CMD_PAUSE,       { "pause" },         0, 0, { 0 }, "pause" },
	{ CONTROL_CMD_RESUME,      { "resume" },        0, 0, { 0 }, "resume" },
	{ CONTROL_CMD_STAT,        { "stat" },          0, 0, { 0 }, "stat" },
	{ CONTROL_CMD_CPU_ENABLE,  { "cpu", "enable" }, 1, 1, { CONTROL_ARG_CPU }, "cpu enable N" },
	{ CONTROL_CMD_CPU_DISABLE, { "cpu", "disable" }, 1, 1, { CONTROL_ARG_CPU }, "cpu disable N" },
	{ CONTROL_CMD_DEBUG_DUMP,  { "debug", "dump" }, 0, 1, { CONTROL_ARG_CPU }, "debug dump [N]" },
	{ CONTROL_CMD_PROBE_SANDBOX, { "debug", "probe" }, 1, 2, { CONTROL_ARG_PROBE, CONTROL_ARG_CPU },
	  "debug probe open|exec|fork [N]" },
	{ CONTROL_CMD_SDEI_SIGNAL, { "sdei", "signal" }, 1, 2, { CONTROL_ARG_EVENT, CONTROL_ARG_CPU },
	  "sdei signal EVENT [N]" },
};

static const char *const probe_names[CONTROL_PROBE_COUNT] = {
	[CONTROL_PROBE_OPEN] = "open", [CONTROL_PROBE_EXEC] = "exec", [CONTROL_PROBE_FORK] = "fork",
};

const char *control_probe_name(enum control_probe p)
{
	return (unsigned int)p < CONTROL_PROBE_COUNT ? probe_names[p] : NULL;
}

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

_Static_assert(NR_COMMANDS == CONTROL_CMD_COUNT, "every command needs a table entry");

/* A word of the request: not NUL-terminated, it points into the buffer. */
struct word {
	const char *p;
	size_t len;
};

const struct control_command *control_commands(size_t *count)
{
	*count = NR_COMMANDS;
	return commands;
}

const struct control_command *control_command_get(enum control_cmd cmd)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (commands[i].cmd == cmd)
			return &commands[i];
	return NULL;
}

bool control_name_valid(const char *name)
{
	size_t len = strnlen(name, CONTROL_NAME_MAX + 1);

	if (len == 0 || len > CONTROL_NAME_MAX || name[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* A word as quoted back to the client: cut short so errors stay short. */
static const char *show(char out[SHOW_MAX + 4], const struct word *w)
{
	if (w->len <= SHOW_MAX) {
		memcpy(out, w->p, w->len);
		out[w->len] = '\0';
	} else {
		memcpy(out, w->p, SHOW_MAX);
		memcpy(out + SHOW_MAX, "...", 4);
	}
	return out;
}

static bool word_is(const struct word *w, const char *s)
{
	return strlen(s) == w->len && !memcmp(w->p, s, w->len);
}

int control_parse_cpu(const char *s, size_t len, uint32_t *out)
{
	uint32_t v = 0;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		/* Saturate rather than wrap: any long number is just out of range. */
		if (v < CONTROL_MAX_CPUS)
			v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v >= CONTROL_MAX_CPUS)
		return -ERANGE;
	*out = v;
	return 0;
}

int control_parse_event(const char *s, size_t len, uint32_t *out)
{
	unsigned int base = 10, digit;
	uint64_t v = 0;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return -EINVAL;
	for (; i < len; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			digit = (unsigned int)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			digit = (unsigned int)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			digit = (unsigned int)(c - 'A' + 10);
		else
			return -EINVAL;
		/* Saturate past 32 bits rather than wrap. */
		if (v <= UINT32_MAX)
			v = v * base + digit;
	}
	if (v > UINT32_MAX)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

/*
 * The line must be printable ASCII ending in exactly one '\n'. Checked
 * byte by byte, so the first bad byte is the one reported.
 */
static int check_line(const char *buf, size_t len, char *err, size_t errlen)
{
	if (len == 0)
		return reason_set(-EINVAL, err, errlen, "empty request");
	if (len > CONTROL_MAX_REQUEST)
		return reason_set(-EINVAL, err, errlen, "request longer than %d bytes", CONTROL_MAX_REQUEST);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n') {
			if (i + 1 != len)
				return reason_set(-EINVAL, err, errlen, "data after the newline (one request per connection)");
			return 0;
		}
		if (c < 0x20 || c > 0x7e)
			return reason_set(-EINVAL, err, errlen, "byte 0x%02x at offset %zu: requests are printable ASCII", c, i);
	}
	return reason_set(-EINVAL, err, errlen, "request does not end with a newline");
}

/* Split at runs of spaces. Returns the word count, or -1 past max. */
static int split_words(const char *buf, size_t len, struct word *words, int max)
{
	int n = 0;
	size_t i = 0;

	while (i < len) {
		size_t start;

		while (i < len && buf[i] == ' ')
			i++;
		if (i == len)
			break;
		if (n == max)
			return -1;
		start = i;
		while (i < len && buf[i] != ' ')
			i++;
		words[n].p = buf + start;
		words[n].len = i - start;
		n++;
	}
	return n;
}

static int parse_version(const struct word *w, unsigned int *version, char *err, size_t errlen)
{
	static const char prefix[] = "hvmm/";
	const size_t plen = sizeof(prefix) - 1;
	char shown[SHOW_MAX + 4];
	uint32_t v = 0;

	if (w->len <= plen || memcmp(w->p, prefix, plen))
		return reason_set(-EINVAL, err, errlen, "request must start with 'hvmm/%d', not '%s'",
			    CONTROL_PROTOCOL_VERSION, show(shown, w));
	for (size_t i = plen; i < w->len; i++) {
		if (w->p[i] < '0' || w->p[i] > '9')
			return reason_set(-EINVAL, err, errlen, "bad protocol version '%s'", show(shown, w));
		if (v < 1000000)
			v = v * 10 + (uint32_t)(w->p[i] - '0');
	}
	if (v != CONTROL_PROTOCOL_VERSION)
		return reason_set(-EINVAL, err, errlen, "protocol version '%s' is not supported (this VM speaks hvmm/%d)",
			    show(shown, w), CONTROL_PROTOCOL_VERSION);
	*version = v;
	return 0;
}

/* "a, b, c": the distinct first words, or the second words under first. */
static void list_words(char *out, size_t len, const char *first)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < NR_COMMANDS; i++) {
		const char *w = first ? commands[i].words[1] : commands[i].words[0];
		int n;

		if (first && (strcmp(commands[i].words[0], first) || !w))
			continue;
		if (!first && i > 0 && !strcmp(commands[i - 1].words[0], w))
			continue;
		n = snprintf(out + used, len - used, "%s%s", used ? ", " : "", w);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

/* Match the command words; *nkw is how many words the command took. */
static const struct control_command *find_command(const struct word *w, int nwords, int *nkw,
						  char *err, size_t errlen)
{
	const char *first = NULL;
	char shown[SHOW_MAX + 4], known[256];

	for (size_t i = 0; i < NR_COMMANDS; i++) {
		const struct control_command *c = &commands[i];

		if (!word_is(&w[0], c->words[0]))
			continue;
		first = c->words[0];
		if (!c->words[1]) {
			*nkw = 1;
			return c;
		}
		if (nwords > 1 && word_is(&w[1], c->words[1])) {
			*nkw = 2;
			return c;
		}
	}
	if (!first) {
		list_words(known, sizeof(known), NULL);
		reason_set(-EINVAL, err, errlen, "unknown command '%s' (commands: %s)", show(shown, &w[0]), known);
	} else {
		list_words(known, sizeof(known), first);
		if (nwords > 1)
			reason_set(-EINVAL, err, errlen, "unknown command '%s %s' (after '%s': %s)", first,
			     show(shown, &w[1]), first, known);
		else
			reason_set(-EINVAL, err, errlen, "'%s' needs one of: %s", first, known);
	}
	return NULL;
}

static int parse_arg(const struct control_command *c, enum control_arg kind, const struct word *w,
		     uint32_t *out, char *err, size_t errlen)
{
	char shown[SHOW_MAX + 4];
	int ret;

	switch (kind) {
	case CONTROL_ARG_CPU:
		ret = control_parse_cpu(w->p, w->len, out);
		if (ret == -ERANGE)
			return reason_set(-EINVAL, err, errlen, "vCPU %s is out of range (0-%d)", show(shown, w),
				    CONTROL_MAX_CPUS - 1);
		if (ret)
			return reason_set(-EINVAL, err, errlen, "'%s' is not a vCPU number (usage: %s)", show(shown, w),
				    c->usage);
		return 0;
	case CONTROL_ARG_EVENT:
		ret = control_parse_event(w->p, w->len, out);
		if (ret == -ERANGE)
			return reason_set(-EINVAL, err, errlen, "event %s does not fit in 32 bits", show(shown, w));
		if (ret)
			return reason_set(-EINVAL, err, errlen, "'%s' is not an event number (usage: %s)", show(shown, w),
				    c->usage);
		return 0;
	case CONTROL_ARG_PROBE:
		for (uint32_t p = 0; p < CONTROL_PROBE_COUNT; p++) {
			if (w->len == strlen(probe_names[p]) && !memcmp(w->p, probe_names[p], w->len)) {
				*out = p;
				return 0;
			}
		}
		return reason_set(-EINVAL, err, errlen, "'%s' is not a probe: open, exec or fork (usage: %s)", show(shown, w),
			    c->usage);
	}
	return reason_set(-EINVAL, err, errlen, "internal error: argument kind %d", (int)kind);
}

int control_parse_request(const char *buf, size_t len, struct control_request *req,
			  char *err, size_t errlen)
{
	struct word words[MAX_WORDS];
	const struct control_command *c;
	int nwords, nkw, ret;
	unsigned int nargs;

	if (errlen)
		err[0] = '\0';
	memset(req, 0, sizeof(*req));
	ret = check_line(buf, len, err, errlen);
	if (ret)
		return ret;
	nwords = split_words(buf, len - 1, words, MAX_WORDS);
	if (nwords < 0)
		return reason_set(-EINVAL, err, errlen, "too many words (at most %d)", MAX_WORDS);
	if (nwords == 0)
		return reason_set(-EINVAL, err, errlen, "empty request");
	ret = parse_version(&words[0], &req->version, err, errlen);
	if (ret)
		return ret;
	if (nwords == 1)
		return reason_set(-EINVAL, err, errlen, "missing command after 'hvmm/%d'", CONTROL_PROTOCOL_VERSION);
	c = find_command(words + 1, nwords - 1, &nkw, err, errlen);
	if (!c)
		return -EINVAL;
	nargs = (unsigned int)(nwords - 1 - nkw);
	if (nargs < c->min_args)
		return reason_set(-EINVAL, err, errlen, "missing argument (usage: %s)", c->usage);
	if (nargs > c->max_args)
		return reason_set(-EINVAL, err, errlen, "too many arguments (usage: %s)", c->usage);
	for (unsigned int i = 0; i < nargs; i++) {
		ret = parse_arg(c, c->args[i], &words[1 + nkw + i], &req->args[i], err, errlen);
		if (ret)
			return ret;
	}
	req->cmd = c->cmd;
	req->nargs = nargs;
	return 0;
}

int control_format_request(char *buf, size_t len, const char *command)
{
	int n = snprintf(buf, len, "hvmm/%d %s\n", CONTROL_PROTOCOL_VERSION, command);

	if (n < 0 || (size_t)n >= len || n > CONTROL_MAX_REQUEST)
		return -ENOSPC;
	return n;
}

size_t control_format_ok(char *out, size_t len, const char *text)
{
	size_t tlen = strlen(text), room;
	bool add_newline = tlen && text[tlen - 1] != '\n';

	if (len < 4)
		return 0;
	memcpy(out, "ok\n", 3);
	/* Leave room for the NUL and, if the text is cut, a final newline. */
	room = len - 3 - 1;
	if (tlen + add_newline > room) {
		add_newline = room > 0;
		tlen = add_newline ? room - 1 : 0;
	}
	memcpy(out + 3, text, tlen);
	if (add_newline)
		out[3 + tlen++] = '\n';
	out[3 + tlen] = '\0';
	return 3 + tlen;
}

/* One printable line of at most max bytes: line breaks become spaces and
 * other bytes outside printable ASCII '?'. Returns the length. */
static size_t one_line(char *out, const char *in, size_t inlen, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < inlen && in[i] && n < max; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		else if (c < 0x20 || c > 0x7e)
			c = '?';
		out[n++] = (char)c;
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return n;
}

size_t control_format_error(char *out, size_t len, const char *reason)
{
	static const char prefix[] = "error ";
	const size_t plen = sizeof(prefix) - 1;
	size_t max, n;

	if (len < plen + 2)
		return 0;
	max = len - plen - 2;
	if (max > CONTROL_MAX_REASON)
		max = CONTROL_MAX_REASON;
	memcpy(out, prefix, plen);
	n = one_line(out + plen, reason, strlen(reason), max);
	if (n == 0)
		n = one_line(out + plen, "unknown error", 13, max);
	out[plen + n] = '\n';
	out[plen + n + 1] = '\0';
	return plen + n + 1;
}

int control_parse_reply(const char *buf, size_t len, struct control_reply *reply)
{
	static const char ok[] = "ok\n", error[] = "error ";
	const char *nl;

	memset(reply, 0, sizeof(*reply));
	if (len >= 3 && !memcmp(buf, ok, 3)) {
		reply->ok = true;
		reply->text = buf + 3;
		reply->text_len = len - 3;
		return 0;
	}
	if (len < sizeof(error) || memcmp(buf, error, sizeof(error) - 1))
		return -EPROTO;
	nl = memchr(buf, '\n', len);
	if (!nl || (size_t)(nl - buf) + 1 != len)
		return -EPROTO;
	if (!one_line(reply->reason, buf + sizeof(error) - 1, (size_t)(nl - buf) - (sizeof(error) - 1),
		      CONTROL_MAX_REASON))
		return -EPROTO;
	return 0;
}
