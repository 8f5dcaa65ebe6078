/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The monitor around one VM for the life of the hvmm process: what outlives a
 * guest reset (the name, the terminal, the control socket, the hot-add state,
 * call counts) around the struct vm of the current boot, which a reset
 * replaces with a clean one.
 */
#ifndef HVMM_VMM_H
#define HVMM_VMM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
#include "console.h"
#include "control/server.h"
#include "firmware/smccc.h"
#include "log.h"
#include "sandbox.h"
#include "virtio.h"
#include "vm.h"

struct vmm {
	const struct vm_config *cfg;
	struct log log;
	char name[CONTROL_NAME_MAX + 1];
	struct console console;
	int sig_fd;
	struct vm_inputs inputs;     /* opened once, for every boot */
	struct sandbox_thread main_sandbox;
	struct sandbox_thread control_sandbox;
	struct control_server control;
	unsigned int guest_status;   /* the last boot's, for VM_EXIT_GUEST_STATUS (main thread) */
	struct handler_set handlers;  /* --smccc-handler: for every boot */
	struct lazy_mem lazy;        /* --lazy-mem (inputs.lazy points here): for every boot */
	struct virtio_set virtio;    /* -d, --rng (inputs.virtio points here): for every boot */
	struct vcpu_pool vcpus;      /* the vCPU threads (inputs.vcpus points here): for every boot */
	cpu_set_t vcpu_affinity;     /* --vcpu-affinity, for them */

	pthread_mutex_t lock;        /* guards everything below */
	struct vm *vm;               /* the current boot; NULL between boots */
	bool *cpu_enabled;           /* hot-add state, one per created vCPU */
	unsigned int nr_cpus;
	unsigned int boots;
	bool stop_requested;         /* hvmm stop: also ends a boot still being set up */
	struct smccc_claims claims;  /* the ranges claimed, with call counts over every boot */
	struct apf_vcpu_counts apf_past;   /* async-pf counts of the boots that ended */
};

/* Run a VM as cfg says, restarting it on guest resets unless --reboot=exit.
 * Returns hvmm's exit status (docs/exit-status.md). */
int vmm_run(const struct vm_config *cfg);

/* The control_ops the control socket calls (vmm/control/ops.c). */
extern const struct control_ops vmm_control_ops;

/* One line per function called so far, every boot, each prefix + "NAME 0xFID COUNT";
 * whether there was any. */
bool vmm_format_calls(const struct vmm *vmm, const char *prefix,
		      void (*line)(void *opaque, const char *text), void *opaque);

#endif
