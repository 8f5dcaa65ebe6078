/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dtcheck: the checks dt-validate cannot make on hvmm's device tree with
 * Debian bookworm's dt-schema (2022.08) and the Linux 6.12 bindings
 * (tests/dt/validate.sh runs both):
 *
 *  - /firmware/sdei: Linux 6.12 has no YAML schema for it, only
 *    Documentation/devicetree/bindings/arm/firmware/sdei.txt: a child of
 *    /firmware, compatible "arm,sdei-1.0", method "smc" or "hvc"; and, as
 *    hvmm serves SDEI behind the same conduit as PSCI (--psci-conduit),
 *    the method of /psci.
 *  - /chosen linux,initrd-start/-end: dt-schema 2022.08's chosen.yaml allows
 *    only one cell, newer dt-schema (and Linux) one or two cells; the
 *    validate script drops that one message and this checks the property
 *    instead: both or neither, 1 or 2 cells, start < end, inside a memory node.
 *  - what the schemas state only in prose or cannot state: every cpu has an
 *    enable-method ("required on ARM v8 64-bit", arm/cpus.yaml), "psci" needs
 *    a /psci node, cpu-idle-states leads to arm,idle-state nodes under
 *    /cpus/idle-states, stdout-path leads to a node.
 *
 * Usage: dtcheck FILE.dtb...   Prints one line per problem; exit 1 if any.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

static const char *file;
static int problems;

__attribute__((format(printf, 2, 3)))
static void problem(const char *path, const char *fmt, ...)
{
	va_list ap;

	printf("%s: %s: ", file, path);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	problems++;
}

/* A property holding exactly one string, or NULL. */
static const char *prop_string(const void *fdt, int node, const char *name)
{
	int len;
	const char *val = fdt_getprop(fdt, node, name, &len);

	if (!val || len < 1 || val[len - 1] || (int)strlen(val) != len - 1)
		return NULL;
	return val;
}

static uint64_t cells(const void *val, int ncells)
{
	const fdt32_t *c = val;
	uint64_t v = 0;

	for (int i = 0; i < ncells; i++)
		v = v << 32 | fdt32_ld(&c[i]);
	return v;
}

static void check_sdei(const void *fdt)
{
	int firmware = fdt_path_offset(fdt, "/firmware");
	int node, len;
	const char *method, *psci_method;

	/* An arm,sdei-1.0 node anywhere but /firmware/sdei is one Linux ignores. */
	for (node = fdt_node_offset_by_compatible(fdt, -1, "arm,sdei-1.0"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "arm,sdei-1.0")) {
		char path[256];

		if (fdt_get_path(fdt, node, path, sizeof(path)))
			strcpy(path, "?");
		if (fdt_parent_offset(fdt, node) != firmware || firmware < 0)
			problem(path, "an arm,sdei-1.0 node must be a child of /firmware (sdei.txt)");
	}
	node = fdt_path_offset(fdt, "/firmware/sdei");
	if (node < 0)
		return;
	if (fdt_node_check_compatible(fdt, node, "arm,sdei-1.0"))
		problem("/firmware/sdei", "compatible must contain \"arm,sdei-1.0\" (sdei.txt)");
	method = prop_string(fdt, node, "method");
	if (!method)
		problem("/firmware/sdei", "no method string (required, sdei.txt)");
	else if (strcmp(method, "smc") && strcmp(method, "hvc"))
		problem("/firmware/sdei", "method \"%s\" is neither \"smc\" nor \"hvc\" (sdei.txt)", method);
	psci_method = prop_string(fdt, fdt_path_offset(fdt, "/psci"), "method");
	if (method && psci_method && strcmp(method, psci_method))
		problem("/firmware/sdei", "method \"%s\" differs from /psci's \"%s\" (one conduit serves both)",
			method, psci_method);
	if (fdt_getprop(fdt, firmware, "compatible", &len))
		problem("/firmware", "unexpected compatible on the /firmware container");
}

/* Is [start, end) inside one memory node's reg? */
static int in_memory(const void *fdt, uint64_t start, uint64_t end)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	int node, len;

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return 0;
	fdt_for_each_subnode(node, fdt, 0) {
		const char *type = prop_string(fdt, node, "device_type");
		const fdt32_t *reg;

		if (!type || strcmp(type, "memory"))
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg)
			continue;
		for (int i = 0; (i + ac + sc) * 4 <= len; i += ac + sc) {
			uint64_t base = cells(reg + i, ac), size = cells(reg + i + ac, sc);

			if (start >= base && end <= base + size && end >= start)
				return 1;
		}
	}
	return 0;
}

static void check_chosen(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const void *s, *e;
	int slen, elen;
	const char *stdout_path;

	if (chosen < 0) {
		problem("/chosen", "missing");
		return;
	}
	s = fdt_getprop(fdt, chosen, "linux,initrd-start", &slen);
	e = fdt_getprop(fdt, chosen, "linux,initrd-end", &elen);
	if (!s != !e) {
		problem("/chosen", "linux,initrd-start and linux,initrd-end come together");
	} else if (s) {
		if ((slen != 4 && slen != 8) || (elen != 4 && elen != 8)) {
			problem("/chosen", "linux,initrd-start/-end are 1 or 2 cells (%d, %d bytes)", slen, elen);
		} else {
			uint64_t start = cells(s, slen / 4), end = cells(e, elen / 4);

			if (start >= end)
				problem("/chosen", "linux,initrd-end 0x%llx is not above linux,initrd-start 0x%llx",
					(unsigned long long)end, (unsigned long long)start);
			else if (!in_memory(fdt, start, end))
				problem("/chosen", "the initrd [0x%llx, 0x%llx) is not inside a memory node",
					(unsigned long long)start, (unsigned long long)end);
		}
	}
	stdout_path = prop_string(fdt, chosen, "stdout-path");
	if (stdout_path) {
		size_t n = strcspn(stdout_path, ":");

		if (fdt_path_offset_namelen(fdt, stdout_path, (int)n) < 0)
			problem("/chosen", "stdout-path \"%s\" leads to no node", stdout_path);
	}
}

static void check_cpus(const void *fdt)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	int states = fdt_path_offset(fdt, "/cpus/idle-states");
	int cpu, n = 0;

	if (cpus < 0) {
		problem("/cpus", "missing");
		return;
	}
	fdt_for_each_subnode(cpu, fdt, cpus) {
		const char *type = prop_string(fdt, cpu, "device_type");
		const char *name = fdt_get_name(fdt, cpu, NULL);
		const char *method;
		const fdt32_t *idle;
		char path[64];
		int len;

		if (!type || strcmp(type, "cpu"))
			continue;
		n++;
		snprintf(path, sizeof(path), "/cpus/%s", name);
		method = prop_string(fdt, cpu, "enable-method");
		if (!method)
			problem(path, "no enable-method (required on ARM v8 64-bit, arm/cpus.yaml)");
		else if (!strcmp(method, "psci") && fdt_path_offset(fdt, "/psci") < 0)
			problem(path, "enable-method \"psci\" with no /psci node");
		idle = fdt_getprop(fdt, cpu, "cpu-idle-states", &len);
		for (int i = 0; idle && i < len / 4; i++) {
			int st = fdt_node_offset_by_phandle(fdt, fdt32_ld(&idle[i]));

			if (st < 0 || fdt_parent_offset(fdt, st) != states ||
			    fdt_node_check_compatible(fdt, st, "arm,idle-state"))
				problem(path, "cpu-idle-states entry %d is not an arm,idle-state node in /cpus/idle-states", i);
		}
	}
	if (!n)
		problem("/cpus", "no cpu nodes");
}

int main(int argc, char **argv)
{
	static char buf[1 << 20];

	if (argc < 2) {
		fprintf(stderr, "usage: dtcheck FILE.dtb...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;

		file = argv[i];
		if (!f) {
			fprintf(stderr, "dtcheck: %s: %s\n", file, strerror(errno));
			return 2;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (n < sizeof(struct fdt_header) || fdt_check_header(buf) || fdt_totalsize(buf) > n) {
			problem("/", "not a valid DTB");
			continue;
		}
		check_sdei(buf);
		check_chosen(buf);
		check_cpus(buf);
	}
	return problems ? 1 : 0;
}
