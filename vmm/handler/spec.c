/* SPDX-License-Identifier: GPL-2.0-only */
/* --smccc-handler RANGE=COMMAND, parsed and checked (see spec.h). */
#include <string.h>

#include "spec.h"
#include "vmm/log.h"

#define SYNTAX "expected BASE+COUNT=COMMAND or BASE-LAST=COMMAND, in hex (e.g. 0xc3000000+0x10=./handler)"

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

/*
 * A hex number at *s, with or without 0x, that fits 32 bits; *s moves past
 * it. 0; -1: no digits; -2: more than 32 bits. (By hand: strtoul would take
 * blanks, a sign and 64-bit values.)
 */
static int parse_hex32(const char **s, uint32_t *val)
{
	const char *p = *s;
	uint64_t v = 0;
	int d, n = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	while ((d = hex_digit(*p)) >= 0) {
		v = v * 16 + (uint64_t)d;
		if (v > 0xffffffffULL)
			return -2;
		p++;
		n++;
	}
	if (!n)
		return -1;
	*s = p;
	*val = (uint32_t)v;
	return 0;
}

bool handler_spec_overlap(const struct handler_spec *a, const struct handler_spec *b)
{
	return a->base <= handler_spec_last(b) && b->base <= handler_spec_last(a);
}

static bool in_arch_service(const struct handler_spec *s)
{
	const struct handler_spec arch32 = { SMCCC_ARCH_BASE32, SMCCC_ARCH_COUNT, NULL };
	const struct handler_spec arch64 = { SMCCC_ARCH_BASE64, SMCCC_ARCH_COUNT, NULL };

	return handler_spec_overlap(s, &arch32) || handler_spec_overlap(s, &arch64);
}

/* BASE+COUNT or BASE-LAST at *p, up to the '='. */
static int parse_range(const char *arg, const char **p, struct handler_spec *out, char *err, size_t errlen)
{
	uint32_t base, second;
	char sep;
	int r;

	r = parse_hex32(p, &base);
	sep = **p;
	if (!r && (sep == '+' || sep == '-')) {
		(*p)++;
		r = parse_hex32(p, &second);
	}
	if (r == -2)
		return reason_set(-1, err, errlen, "--smccc-handler '%s': function IDs are 32 bits", arg);
	if (r || (sep != '+' && sep != '-') || **p != '=')
		return reason_set(-1, err, errlen, "--smccc-handler '%s': " SYNTAX, arg);
	if (sep == '-' && second < base)
		return reason_set(-1, err, errlen, "--smccc-handler '%s': LAST 0x%08x is below BASE 0x%08x",
				  arg, second, base);
	if (sep == '+' && second == 0)
		return reason_set(-1, err, errlen, "--smccc-handler '%s': the range is empty (COUNT is 0)", arg);
	if (sep == '+' && (uint64_t)base + second > 0x100000000ULL)
		return reason_set(-1, err, errlen, "--smccc-handler '%s': 0x%08x+0x%x runs past 0xffffffff",
				  arg, base, second);
	out->base = base;
	out->count = sep == '+' ? second : second - base + 1;
	if (sep == '-' && second - base == 0xffffffffU)
		out->count = 0;   /* 2^32 IDs: refused below as the Arm service's */
	return 0;
}

int handler_spec_parse(const char *arg, struct handler_spec *out, char *err, size_t errlen)
{
	const char *p = arg;
	struct handler_spec s;

	if (parse_range(arg, &p, &s, err, errlen))
		return -1;
	if (!s.count || in_arch_service(&s))
		return reason_set(-1, err, errlen, "--smccc-handler '%s': 0x%08x-0x%08x reaches into the Arm "
				  "Architecture service (0x80000000-0x8000ffff, 0xc0000000-0xc000ffff), which KVM "
				  "answers itself", arg, s.base, s.count ? handler_spec_last(&s) : 0xffffffffU);
	if (!p[1])
		return reason_set(-1, err, errlen, "--smccc-handler '%s': no command after '='", arg);
	s.command = p + 1;
	*out = s;
	return 0;
}

int handler_spec_add(struct handler_spec *specs, unsigned int *nr, const char *arg,
		     char *err, size_t errlen)
{
	struct handler_spec s;

	if (*nr >= HANDLER_MAX)
		return reason_set(-1, err, errlen, "--smccc-handler: at most %d handlers", HANDLER_MAX);
	if (handler_spec_parse(arg, &s, err, errlen))
		return -1;
	for (unsigned int i = 0; i < *nr; i++)
		if (handler_spec_overlap(&s, &specs[i]))
			return reason_set(-1, err, errlen, "--smccc-handler '%s': 0x%08x-0x%08x overlaps the "
					  "earlier handler's 0x%08x-0x%08x", arg, s.base, handler_spec_last(&s),
					  specs[i].base, handler_spec_last(&specs[i]));
	specs[(*nr)++] = s;
	return 0;
}
