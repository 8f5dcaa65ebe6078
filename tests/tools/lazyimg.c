/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lazyimg FILE MIB: write a RAM image for --lazy-mem whose 64-bit word at
 * guest physical address A (RAM starts at 0x40000000) is A ^ 0x5a5a5a5a5a5a5a5a,
 * little-endian, MIB MiB long: the pattern guest/baremetal/lazy_mem.c checks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define RAM_BASE 0x40000000ULL
#define PATTERN  0x5a5a5a5a5a5a5a5aULL

int main(int argc, char **argv)
{
	unsigned long mib;
	FILE *f;

	if (argc != 3 || (mib = strtoul(argv[2], NULL, 10)) == 0) {
		fprintf(stderr, "usage: lazyimg FILE MIB\n");
		return 2;
	}
	f = fopen(argv[1], "wb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	for (uint64_t off = 0; off < (uint64_t)mib << 20; off += 8) {
		uint64_t w = (RAM_BASE + off) ^ PATTERN;
		unsigned char b[8];

		for (int i = 0; i < 8; i++)
			b[i] = (unsigned char)(w >> (8 * i));
		if (fwrite(b, 1, 8, f) != 8) {
			perror(argv[1]);
			return 1;
		}
	}
	return fclose(f) ? 1 : 0;
}
