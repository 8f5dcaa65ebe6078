/* SPDX-License-Identifier: GPL-2.0-only */
/* One virtual machine: everything hvmm owns for it lives here, passed explicitly. */
#ifndef HVMM_VM_H
#define HVMM_VM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
#include "console.h"
#include "devices/device.h"
#include "devices/uart_16550.h"
#include "firmware/smccc.h"
#include "gic.h"
#include "timer.h"
#include "pvtime.h"
#include "guest_mem.h"
#include "file.h"
#include "handler/handlers.h"
#include "lazy/lazy.h"
#include "loader.h"
#include "log.h"
#include "psci_node.h"
#include "sdei_node.h"
#include "vcpu.h"
#include "vcpu_pool.h"
#include "virtio.h"

/* Why the VM stopped; docs/exit-status.md maps these to exit codes. */
enum vm_exit {
	VM_EXIT_NONE,
	VM_EXIT_POWEROFF,     /* guest SYSTEM_OFF */
	VM_EXIT_RESET,        /* guest SYSTEM_RESET */
	VM_EXIT_HOST_STOP,    /* Ctrl-A x, or a signal to hvmm */
	VM_EXIT_GUEST_STATUS, /* the guest's HVMM_EXIT; guest_status says with what */
	VM_EXIT_ERROR,        /* a failure; exit_msg says what */
	VM_EXIT_HANDLER,      /* an --smccc-handler failed; exit_msg says which and how */
	VM_EXIT_TIMEOUT,      /* --timeout passed */
};

/* What every boot takes from outside, opened once by vmm_run before the
 * sandbox, so that a reboot needs no path. */
struct vm_inputs {
	int kvm_fd;                  /* /dev/kvm */
	long host_cpus;              /* online host CPUs: the default vCPU count */
	struct file_input kernel;
	struct file_input initrd;    /* fd -1: no initrd */
	int dump_dtb_fd;             /* --dump-dtb; -1: none */
	int hugetlb_fd;              /* --hugetlbfs: the RAM file; -1: anonymous RAM */
	bool sandbox;                /* vCPU threads enter their sandbox */
	const struct console *console;
	/* The SMCCC ranges claimed and their call counts, built at the first
	 * boot's firmware set-up (counts NULL until then) and kept for the
	 * later ones. */
	struct smccc_claims *claims;
	struct handler_set *handlers;  /* the --smccc-handler programs (nr 0: none) */
	struct lazy_mem *lazy;         /* --lazy-mem; NULL: RAM is all there from the start */
	int stop_fd;                   /* the eventfd a stop writes (each boot's stop_fd) */
	uint64_t deadline_ns;          /* --timeout: CLOCK_MONOTONIC when the guest is stopped; 0: none */
	struct vcpu_pool *vcpus;       /* the threads that run each boot's vCPUs */
	struct virtio_set *virtio;     /* the virtio devices (nr 0: none) */
};

struct vm {
	const struct vm_config *cfg;
	const struct vm_inputs *in;
	struct log log;

	int kvm_fd;                  /* in->kvm_fd, borrowed */
	int vm_fd;
	size_t run_size;
	unsigned int ipa_bits;
	struct guest_mem mem;
	/* --lazy-mem: RAM attached to in->lazy (vm_load to vm_destroy), and
	 * what the asynchronous protocol plugs in (set up with the firmware,
	 * before vm_load; all NULL: synchronous). */
	bool lazy_attached;
	struct lazy_hooks lazy_hooks;

	unsigned int nr_vcpus;       /* created (--max-cpus) */
	unsigned int nr_enabled;     /* enabled at the first boot (--cpus) */
	unsigned int boot_count;     /* 1 for the first boot, +1 per guest reset */
	struct vcpu *vcpus;

	struct gic gic;
	struct device_bus bus;
	struct uart_16550 uart;
	struct timer_node timer;
	struct vm_device pmu;       /* --pmu: its device-tree node */
	struct pvtime pvtime;       /* stolen-time records (not with --no-pvtime) */
	bool virtio_attached;       /* the virtio devices serve this boot's RAM */
	bool sve;                   /* vCPUs have SVE (the host has it, no --disable-sve) */
	unsigned int sve_host_max_bits;   /* the longest vector length the host offers */
	struct psci_node psci_node;
	struct sdei_node sdei_node;

	bool userspace_psci;       /* PSCI served by hvmm (not KVM) */
	struct firmware fw;
	bool fw_ready;

	struct kernel_plan kernel;
	struct boot_layout layout;

	/* Pausing (hvmm pause): vCPU threads park until resumed. */
	pthread_mutex_t pause_lock;
	pthread_cond_t pause_cond;
	atomic_bool paused;
	unsigned int nr_parked;

	/* SYSTEM_SUSPEND: the VM sleeps until console input or hvmm resume. */
	atomic_bool system_suspended;
	atomic_uint suspended_vcpu;

	/* Stopping: the first reason wins; stop_fd wakes the main thread. */
	pthread_mutex_t stop_lock;
	atomic_bool stopping;
	enum vm_exit exit;
	unsigned int guest_status;   /* with VM_EXIT_GUEST_STATUS: 0..255 */
	char exit_msg[256];
	int stop_fd;
};

/* Creates --max-cpus vCPUs (or --cpus). cpu_enabled says which are enabled
 * (hot-add state, nr_vcpus entries); NULL: the first --cpus of them. */
/* vm_create's step for hvmm's own PSCI (vmm/vm_fw.c): claim the SMCCC
 * ranges of the registered services from KVM and start them. 0 or -1
 * (logged). cpu_enabled: hot-add state carried over a guest reset. */
int vm_setup_firmware(struct vm *vm, const bool *cpu_enabled);
/* Whether the VM's guest memory is lazily populated (--lazy-mem). */
bool vm_lazy_mem_enabled(const struct vm *vm);

/* How many vCPUs a VM of cfg creates (--max-cpus) and enables at boot
 * (--cpus, or as many as the host has online), within what KVM allows:
 * 0, or -1 with the reason logged. */
int vm_vcpu_counts(const struct vm_config *cfg, const struct vm_inputs *in, const struct log *log,
		   unsigned int *nr_vcpus, unsigned int *nr_enabled);
int vm_create(struct vm *vm, const struct vm_config *cfg, const struct vm_inputs *in,
	      const bool *cpu_enabled, unsigned int boot_count);
void vm_destroy(struct vm *vm);

/* Load kernel, initrd and device tree, and point the boot vCPU at the kernel. */
int vm_load(struct vm *vm);
/* vm_load's last step with --lazy-mem (vmm/lazy/vcpu_glue.c): everything
 * load wrote stays, the rest of RAM is marked not present. 0 or -1 (logged). */
int vm_attach_lazy_mem(struct vm *vm);

struct console;

/* Start the vCPU threads, serve the console until the VM stops, join them.
 * sig_fd: a signalfd for the signals that stop hvmm. */
enum vm_exit vm_run(struct vm *vm, struct console *con, int sig_fd);

/* hvmm pause / resume. Pausing waits until every vCPU thread has parked.
 * Resume also ends a SYSTEM_SUSPEND. 0 or -errno (-EALREADY). */
int vm_pause(struct vm *vm);
int vm_resume(struct vm *vm);
/* End a SYSTEM_SUSPEND if there is one; returns whether there was. */
bool vm_system_wake(struct vm *vm);

/* Park the calling vCPU thread while the VM is paused, serving requests. */
void vm_pause_point(struct vm *vm, struct vcpu *vcpu);
/* Make parked vCPU threads look at their requests. */
void vm_pause_poke(struct vm *vm);

/* Ask every vCPU to stop; the first caller's reason is kept. */
void vm_request_stop(struct vm *vm, enum vm_exit why);
/* The same for VM_EXIT_GUEST_STATUS, hvmm then exiting with status. */
void vm_request_guest_exit(struct vm *vm, unsigned int status);
__attribute__((format(printf, 3, 4)))
void vm_fail(struct vm *vm, const struct vcpu *vcpu, const char *fmt, ...);
/* An --smccc-handler failed (vmm/vm_fw.c): stop with VM_EXIT_HANDLER and
 * reason, unless the VM is already stopping for another. */
void vm_fail_handler(struct vm *vm, const char *reason);
/* An --smccc-handler failed, reason says how (vmm/vm_fw.c): one warning
 * line (its calls get NOT_SUPPORTED from now on), or with
 * --smccc-handler-fail stop, vm_fail_handler. */
void vm_handler_failed(struct vm *vm, const char *reason);
/* The main thread's poll() woke on a handler's output: if one hung up
 * (exited) while the guest ran, vm_handler_failed. */
void vm_check_handlers(struct vm *vm);


#endif
