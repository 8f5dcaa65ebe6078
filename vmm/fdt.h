/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's device tree: root, memory, cpus and chosen are written here from
 * the VM's own state; every other node comes from the registered devices.
 */
#ifndef HVMM_FDT_H
#define HVMM_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/device.h"

#define FDT_MAX_SIZE 0x20000   /* room for 768 cpu nodes */

struct fdt_cpu {
	uint64_t mpidr;
};

/* A PSCI idle state for /cpus/idle-states (Linux's cpuidle uses them). */
struct fdt_idle_state {
	const char *name;
	uint32_t psci_suspend_param;   /* the power_state the guest passes to CPU_SUSPEND */
	uint32_t entry_latency_us, exit_latency_us, min_residency_us;
	bool local_timer_stop;         /* the core's timer does not run in it */
};

#define FDT_IDLE_STATE_PHANDLE_BASE 2   /* 1 is the GIC */

struct fdt_params {
	uint64_t ram_base, ram_size;
	unsigned int nr_cpus;
	const struct fdt_cpu *cpus;
	const char *bootargs;
	uint64_t initrd_start, initrd_size;   /* size 0: no initrd */
	const char *stdout_path;               /* NULL: none */
	unsigned int boot_count;               /* /chosen/hvmm,boot-count: 1, then +1 per reset */
	bool has_kaslr_seed;                   /* /chosen/kaslr-seed (--kaslr-seed) */
	uint64_t kaslr_seed;
	uint32_t gic_phandle;
	const struct fdt_idle_state *idle_states;   /* NULL: none */
	unsigned int nr_idle_states;
	const struct device_bus *bus;
};

/* Build into buf (FDT_MAX_SIZE bytes); returns 0 or a negative libfdt error. */
int fdt_build(void *buf, size_t bufsize, const struct fdt_params *p);

#endif
