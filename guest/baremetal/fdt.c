/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the guests read from the device tree: where RAM ends, for the
 * INVALID_ADDRESS boundary checks, whether a node has a string property
 * (the SDEI node), a number (/chosen/hvmm,boot-count) and a word of the
 * command line (/chosen/bootargs). Only aligned 32-bit and byte loads, since
 * the blob sits in Device memory.
 */
#include "lib.h"

#define FDT_MAGIC      0xd00dfeedU
#define FDT_BEGIN_NODE 1U
#define FDT_END_NODE   2U
#define FDT_PROP       3U
#define FDT_NOP        4U
#define FDT_END        9U
#define FDT_MAX_WORDS  (1U << 20)

static uint32_t be32(uint64_t addr)
{
	return __builtin_bswap32(*(const volatile uint32_t *)(uintptr_t)addr);
}

static uint8_t byte_at(uint64_t addr)
{
	return *(const volatile uint8_t *)(uintptr_t)addr;
}

static bool str_starts(uint64_t addr, const char *prefix)
{
	for (; *prefix; prefix++, addr++)
		if (byte_at(addr) != (uint8_t)*prefix)
			return false;
	return true;
}

/* No libc here, and __builtin_strlen of a non-constant would call strlen. */
static uint64_t str_len(const char *s)
{
	uint64_t n = 0;

	while (s[n])
		n++;
	return n;
}

static bool str_is(uint64_t addr, const char *s)
{
	return str_starts(addr, s) && byte_at(addr + str_len(s)) == 0;
}

/* Length of a NUL-terminated string, padded to the next word. */
static uint64_t padded_name(uint64_t addr)
{
	uint64_t n = 0;

	while (byte_at(addr + n) && n < 256)
		n++;
	return (n + 1 + 3) & ~3ULL;
}

/* A device tree's structure and strings blocks, if dtb is one. */
static bool fdt_blocks(uint64_t dtb, uint64_t *structure, uint64_t *strings)
{
	if (!dtb || (dtb & 7) || be32(dtb) != FDT_MAGIC)
		return false;
	*structure = dtb + be32(dtb + 8);
	*strings = dtb + be32(dtb + 12);
	return true;
}

int fdt_memory(uint64_t dtb, uint64_t *base, uint64_t *size)
{
	uint64_t p, strings;
	unsigned int depth = 0, words;
	bool in_memory = false;

	if (!fdt_blocks(dtb, &p, &strings))
		return -1;

	for (words = 0; words < FDT_MAX_WORDS; words++) {
		uint32_t tok = be32(p);

		p += 4;
		switch (tok) {
		case FDT_BEGIN_NODE:
			depth++;
			in_memory = depth == 2 && str_starts(p, "memory");
			p += padded_name(p);
			break;
		case FDT_END_NODE:
			depth--;
			in_memory = false;
			break;
		case FDT_PROP: {
			uint32_t len = be32(p), name = be32(p + 4);

			/* #address-cells = #size-cells = 2 at the root (hvmm's tree). */
			if (in_memory && len >= 16 && str_is(strings + name, "reg")) {
				*base = (uint64_t)be32(p + 8) << 32 | be32(p + 12);
				*size = (uint64_t)be32(p + 16) << 32 | be32(p + 20);
				return 0;
			}
			p += 8 + ((len + 3) & ~3U);
			break;
		}
		case FDT_NOP:
			break;
		default:
			return -1;
		}
	}
	return -1;
}

/* Whether the node name at addr is the path component [c, c + n), with or
 * without a unit address. */
static bool name_matches(uint64_t addr, const char *c, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		if (byte_at(addr + i) != (uint8_t)c[i])
			return false;
	return byte_at(addr + n) == 0 || byte_at(addr + n) == '@';
}

/* The next path component after *path: its start, length in *n. */
static const char *next_component(const char **path, uint64_t *n)
{
	const char *c = *path;

	while (*c == '/')
		c++;
	*n = 0;
	while (c[*n] && c[*n] != '/')
		(*n)++;
	*path = c + *n;
	return c;
}

bool fdt_prop(uint64_t dtb, const char *path, const char *prop, uint64_t *val, uint32_t *val_len)
{
	uint64_t p, strings, n = 0;
	const char *want = NULL;
	unsigned int depth = 0, matched = 0, words;

	if (!fdt_blocks(dtb, &p, &strings))
		return false;

	/* matched = how many levels of the current node's path match `path`;
	 * want = the component the next level must match (NULL: path ends). */
	for (words = 0; words < FDT_MAX_WORDS; words++) {
		uint32_t tok = be32(p);

		p += 4;
		switch (tok) {
		case FDT_BEGIN_NODE:
			if (depth == 0) {
				want = next_component(&path, &n);
				if (!n)
					want = NULL;
				matched = 1;
			} else if (matched == depth && want && name_matches(p, want, n)) {
				matched++;
				want = next_component(&path, &n);
				if (!n)
					want = NULL;
			}
			depth++;
			p += padded_name(p);
			break;
		case FDT_END_NODE:
			if (depth == 0)
				return false;
			depth--;
			if (matched > depth)
				return false;   /* left the node on the path without a match */
			break;
		case FDT_PROP: {
			uint32_t len = be32(p), name = be32(p + 4);

			if (matched == depth && !want && str_is(strings + name, prop)) {
				*val = p + 8;
				*val_len = len;
				return true;
			}
			p += 8 + ((len + 3) & ~3U);
			break;
		}
		case FDT_NOP:
			break;
		default:
			return false;
		}
	}
	return false;
}

bool fdt_prop_is(uint64_t dtb, const char *path, const char *prop, const char *value)
{
	uint64_t val;
	uint32_t len;

	return fdt_prop(dtb, path, prop, &val, &len) && len > str_len(value) &&
	       str_is(val, value);
}

bool fdt_prop_u32(uint64_t dtb, const char *path, const char *prop, uint32_t *out)
{
	uint64_t val;
	uint32_t len;

	/* A property's value starts right after its word-aligned header. */
	if (!fdt_prop(dtb, path, prop, &val, &len) || len != 4)
		return false;
	*out = be32(val);
	return true;
}

static bool is_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* The value of a word KEY=VALUE (or bare KEY: "") that starts at w, if it is
 * one, copied into buf; its length, or -1. */
static int arg_value(uint64_t w, uint64_t end, const char *key, char *buf, unsigned int size)
{
	uint64_t k = str_len(key);
	unsigned int n = 0;

	if (end - w < k || !str_starts(w, key))
		return -1;
	w += k;
	if (w < end && byte_at(w) != '=' && !is_blank(byte_at(w)) && byte_at(w))
		return -1;       /* a longer word that merely starts with key */
	if (w < end && byte_at(w) == '=')
		w++;
	for (; w < end && byte_at(w) && !is_blank(byte_at(w)); w++)
		if (n + 1 < size)
			buf[n++] = (char)byte_at(w);
	if (size)
		buf[n] = 0;
	return (int)n;
}

int fdt_bootarg(uint64_t dtb, const char *key, char *buf, unsigned int size)
{
	uint64_t w, end;
	uint32_t len;
	int found = -1;

	if (!fdt_prop(dtb, "/chosen", "bootargs", &w, &len))
		return -1;
	/* Every word is looked at: the last KEY= wins, as on a kernel command line. */
	for (end = w + len; w < end && byte_at(w); ) {
		int n;

		if (is_blank(byte_at(w))) {
			w++;
			continue;
		}
		n = arg_value(w, end, key, buf, size);
		if (n >= 0)
			found = n;
		while (w < end && byte_at(w) && !is_blank(byte_at(w)))
			w++;
	}
	return found;
}
