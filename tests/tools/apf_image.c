/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test tool: writes a RAM image for --lazy-mem whose every 64-bit word is
 * known: the word at guest physical address A (RAM starts at
 * MEMMAP_RAM_BASE, the image's byte N is RAM's byte N) is
 * A ^ 0x5a5a5a5a5a5a5a5a, little-endian. The reference guest
 * (guest/baremetal/apf.c) checks every word it reads against it.
 * usage: apf_image FILE MIB
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/memmap.h"

#define PATTERN_KEY 0x5a5a5a5a5a5a5a5aULL
#define CHUNK_WORDS 8192U

int main(int argc, char **argv)
{
	static uint64_t buf[CHUNK_WORDS];
	unsigned long mib;
	uint64_t off, end;
	char *rest;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: apf_image FILE MIB\n");
		return 2;
	}
	errno = 0;
	mib = strtoul(argv[2], &rest, 10);
	if (errno || *rest || !mib || mib > 65536) {
		fprintf(stderr, "apf_image: '%s' is not a size in MiB (1-65536)\n", argv[2]);
		return 2;
	}
	f = fopen(argv[1], "wb");
	if (!f) {
		fprintf(stderr, "apf_image: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	end = (uint64_t)mib << 20;
	for (off = 0; off < end; off += sizeof(buf)) {
		for (unsigned int i = 0; i < CHUNK_WORDS; i++) {
			uint64_t a = MEMMAP_RAM_BASE + off + 8ULL * i, w = a ^ PATTERN_KEY;
			unsigned char *b = (unsigned char *)&buf[i];

			for (unsigned int k = 0; k < 8; k++)
				b[k] = (unsigned char)(w >> (8 * k));
		}
		if (fwrite(buf, sizeof(buf), 1, f) != 1) {
			fprintf(stderr, "apf_image: %s: %s\n", argv[1], strerror(errno));
			fclose(f);
			return 1;
		}
	}
	if (fclose(f)) {
		fprintf(stderr, "apf_image: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return 0;
}
