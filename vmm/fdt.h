/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's device tree: root, memory, cpus and chosen are written here from
 * the VM's own state; every other node comes from the registered devices.
 */
#ifndef HVMM_FDT_H
#define HVMM_FDT_H

#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"

#define FDT_MAX_SIZE 0x20000   /* room for 768 cpu nodes */

struct fdt_cpu {
	uint64_t mpidr;
};

struct fdt_params {
	uint64_t ram_base, ram_size;
	unsigned int nr_cpus;
	const struct fdt_cpu *cpus;
	const char *bootargs;
	uint64_t initrd_start, initrd_size;   /* size 0: no initrd */
	const char *stdout_path;               /* NULL: none */
	uint32_t gic_phandle;
	const struct device_bus *bus;
};

/* Build into buf (FDT_MAX_SIZE bytes); returns 0 or a negative libfdt error. */
int fdt_build(void *buf, size_t bufsize, const struct fdt_params *p);

#endif
