/* SPDX-License-Identifier: GPL-2.0-only */
/* One virtual machine: everything hvmm owns for it lives here, passed explicitly. */
#ifndef HVMM_VM_H
#define HVMM_VM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
#include "devices/device.h"
#include "devices/uart_16550.h"
#include "firmware/smccc.h"
#include "gic.h"
#include "guest_mem.h"
#include "loader.h"
#include "log.h"
#include "vcpu.h"

/* Why the VM stopped; docs/exit-status.md maps these to exit codes. */
enum vm_exit {
	VM_EXIT_NONE,
	VM_EXIT_POWEROFF,     /* guest SYSTEM_OFF */
	VM_EXIT_RESET,        /* guest SYSTEM_RESET */
	VM_EXIT_HOST_STOP,    /* Ctrl-A x, or a signal to hvmm */
	VM_EXIT_ERROR,        /* a failure; exit_msg says what */
};

struct vm {
	const struct vm_config *cfg;
	struct log log;

	int kvm_fd;
	int vm_fd;
	size_t run_size;
	unsigned int ipa_bits;
	struct guest_mem mem;

	unsigned int nr_vcpus;
	struct vcpu *vcpus;

	struct gic gic;
	struct device_bus bus;
	struct uart_16550 uart;
	struct vm_device timer;
	struct vm_device psci_node;

	bool userspace_psci;       /* PSCI served by hvmm (not KVM) */
	struct firmware fw;
	bool fw_ready;

	struct kernel_plan kernel;
	struct boot_layout layout;

	/* Stopping: the first reason wins; stop_fd wakes the main thread. */
	pthread_mutex_t stop_lock;
	atomic_bool stopping;
	enum vm_exit exit;
	char exit_msg[256];
	int stop_fd;
};

int vm_create(struct vm *vm, const struct vm_config *cfg);
void vm_destroy(struct vm *vm);

/* Load kernel, initrd and device tree, and point the boot vCPU at the kernel. */
int vm_load(struct vm *vm);

/* Start the vCPU threads, serve the console until the VM stops, join them. */
enum vm_exit vm_run(struct vm *vm);

/* Ask every vCPU to stop; the first caller's reason is kept. */
void vm_request_stop(struct vm *vm, enum vm_exit why);
__attribute__((format(printf, 3, 4)))
void vm_fail(struct vm *vm, const struct vcpu *vcpu, const char *fmt, ...);

void vm_print_stats(const struct vm *vm);

#endif
