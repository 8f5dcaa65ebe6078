/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test tool: print one string property of a device tree blob, so that the
 * boot tests can read what hvmm's --dump-dtb wrote (the emulated host has no
 * dtc). A property that is a list of strings prints one per line; with
 * u64, a property of 8 bytes prints as one 0x hex number; with u32, a
 * property of whole cells prints as its cells in 0x hex, space-separated.
 * usage: fdtprop FILE NODE-PATH PROPERTY [u64|u32]
 * Exit 0 with the value; 1 (and one line on stderr) if the file is no
 * device tree, or has no such node or property, or it is not strings.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#define MAX_DTB (1 << 20)

static int fail(const char *file, const char *why)
{
	fprintf(stderr, "fdtprop: %s: %s\n", file, why);
	return 1;
}

int main(int argc, char *argv[])
{
	static char dtb[MAX_DTB];
	const char *val;
	size_t n;
	FILE *f;
	int node, len;

	if (argc != 4 && (argc != 5 || (strcmp(argv[4], "u64") && strcmp(argv[4], "u32")))) {
		fprintf(stderr, "usage: fdtprop FILE NODE-PATH PROPERTY [u64|u32]\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f)
		return fail(argv[1], strerror(errno));
	n = fread(dtb, 1, sizeof(dtb), f);
	fclose(f);
	if (n < sizeof(struct fdt_header) || fdt_check_header(dtb) || fdt_totalsize(dtb) > n)
		return fail(argv[1], "not a whole device tree blob");
	node = fdt_path_offset(dtb, argv[2]);
	if (node < 0)
		return fail(argv[1], fdt_strerror(node));
	val = fdt_getprop(dtb, node, argv[3], &len);
	if (!val)
		return fail(argv[1], fdt_strerror(len));
	if (argc == 5 && !strcmp(argv[4], "u32")) {
		if (len < 4 || len % 4)
			return fail(argv[1], "the property is not whole 32-bit cells");
		for (int i = 0; i < len / 4; i++)
			printf("%s0x%x", i ? " " : "", fdt32_ld((const fdt32_t *)val + i));
		printf("\n");
		return 0;
	}
	if (argc == 5) {
		if (len != 8)
			return fail(argv[1], "the property is not 8 bytes long");
		printf("0x%016llx\n", (unsigned long long)fdt64_ld((const fdt64_t *)val));
		return 0;
	}
	if (len < 1 || val[len - 1])
		return fail(argv[1], "the property is not a NUL-ended string list");
	for (int i = 0; i < len; i += (int)strlen(val + i) + 1)
		printf("%s\n", val + i);
	return 0;
}
