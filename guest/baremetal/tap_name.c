/* SPDX-License-Identifier: GPL-2.0-only */
/* A check's name built from pieces (see lib.h). */
#include "lib.h"

static char name_buf[192];
static unsigned int name_len;

const char *nb_start(const char *s)
{
	name_len = 0;
	name_buf[0] = 0;
	nb_str(s);
	return name_buf;
}

void nb_str(const char *s)
{
	while (*s && name_len < sizeof(name_buf) - 1)
		name_buf[name_len++] = *s++;
	name_buf[name_len] = 0;
}

void nb_dec(uint64_t v)
{
	char digits[21];

	nb_str(fmt_dec(digits, v));
}

void nb_hex(uint64_t v)
{
	char digits[19];
	int i = 18, n = 0;

	digits[i] = 0;
	do {
		digits[--i] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
		n++;
	} while (v || n < 8);
	digits[--i] = 'x';
	digits[--i] = '0';
	nb_str(&digits[i]);
}

const char *nb(void)
{
	return name_buf;
}
