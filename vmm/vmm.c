/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "exit_status.h"
#include "hugetlbfs.h"
#include "vm.h"
#include "vmm.h"

static int exit_status_for(enum vm_exit e, unsigned int guest_status)
{
	switch (e) {
	case VM_EXIT_POWEROFF:  return HVMM_EXIT_POWEROFF;
	case VM_EXIT_RESET:     return HVMM_EXIT_RESET;
	case VM_EXIT_HOST_STOP: return HVMM_EXIT_HOST_STOP;
	case VM_EXIT_HANDLER:   return HVMM_EXIT_HANDLER;
	case VM_EXIT_TIMEOUT:   return HVMM_EXIT_TIMEOUT;
	case VM_EXIT_GUEST_STATUS: return (int)guest_status;
	case VM_EXIT_NONE:
	case VM_EXIT_ERROR:     break;
	}
	return HVMM_EXIT_ERROR;
}

bool vmm_format_calls(const struct vmm *vmm, const char *prefix,
		      void (*line)(void *opaque, const char *text), void *opaque)
{
	size_t pos = 0;
	uint32_t fid;
	uint64_t count;
	bool any = false;
	char text[128];

	while (smccc_next_called(&vmm->claims, &pos, &fid, &count)) {
		const struct smccc_claim *claim = smccc_claim_of(&vmm->claims, fid);
		const char *name = smccc_function_name(&vmm->claims, fid);

		/* A range without names (an --smccc-handler's) goes by its service's. */
		if (!name && claim && !claim->range.names)
			name = claim->service->name;
		snprintf(text, sizeof(text), "%s%-28s 0x%08x %llu\n", prefix, name ? name : "(unassigned)",
			 fid, (unsigned long long)count);
		line(opaque, text);
		any = true;
	}
	return any;
}

static void stats_line(void *opaque, const char *text)
{
	fputs(text, opaque);
}

static void vmm_print_stats(struct vmm *vmm)
{
	if (vmm->inputs.lazy) {
		struct lazy_totals t;
		char text[160];

		lazy_mem_totals(vmm->inputs.lazy, &t);
		lazy_format_stats(text, sizeof(text), t.populated, t.blocked_ns, t.async);
		fprintf(stderr, "hvmm: stats: lazy-mem: %s\n", text);
		if (vmm->cfg->no_sdei)
			fprintf(stderr, "hvmm: stats: async-pf: off (no SDEI)\n");
		else {
			apf_counts_format(text, sizeof(text), &vmm->apf_past);
			fprintf(stderr, "hvmm: stats: async-pf: %s\n", text);
		}
	}
	if (vmm->cfg->in_kernel_psci) {
		fprintf(stderr, "hvmm: stats: PSCI was served by KVM (--in-kernel-psci); no calls reached hvmm\n");
		return;
	}
	if (!vmm_format_calls(vmm, "hvmm: stats: ", stats_line, stderr))
		fprintf(stderr, "hvmm: stats: the guest made no SMCCC calls to hvmm\n");
}

/* --lazy-mem: the source and the userfaultfd, opened before the sandbox
 * like every input, and the fetcher thread, which enters its own. */
static int vmm_start_lazy_mem(struct vmm *vmm)
{
	const struct vm_config *cfg = vmm->cfg;
	char err[256];

	if (!cfg->lazy_mem.enabled)
		return 0;
	if (lazy_mem_open(&vmm->lazy, &cfg->lazy_mem, cfg->mem_mib << 20, cfg->loglevel, err, sizeof(err))) {
		lazy_mem_close(&vmm->lazy);
		log_err(&vmm->log, "%s", err);
		return -1;
	}
	vmm->inputs.lazy = &vmm->lazy;
	if (lazy_mem_start(&vmm->lazy, vmm->inputs.sandbox, &vmm->console, err, sizeof(err))) {
		log_err(&vmm->log, "%s", err);
		return -1;
	}
	return 0;
}

/* -d, --rng: the images opened and the device threads started before the
 * sandbox, each entering its own. */
static int vmm_start_virtio(struct vmm *vmm)
{
	vmm->inputs.virtio = &vmm->virtio;
	if (virtio_set_open(&vmm->virtio, vmm->cfg))
		return -1;
	return virtio_set_start(&vmm->virtio, vmm->inputs.sandbox, &vmm->console);
}

/* Termination signals are read from a signalfd by the main thread; blocking
 * them before any thread starts means every thread inherits the block. */
static int vmm_setup_signals(struct vmm *vmm)
{
	sigset_t stop_sigs;

	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	sigaddset(&stop_sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop_sigs, NULL);
	vmm->sig_fd = signalfd(-1, &stop_sigs, SFD_CLOEXEC);
	if (vmm->sig_fd < 0) {
		log_err(&vmm->log, "cannot set up signal handling: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* After the first boot created the vCPUs, remember which are enabled. */
static int vmm_adopt_vm(struct vmm *vmm, struct vm *vm)
{
	pthread_mutex_lock(&vmm->lock);
	if (!vmm->cpu_enabled) {
		vmm->cpu_enabled = calloc(vm->nr_vcpus, sizeof(*vmm->cpu_enabled));
		if (!vmm->cpu_enabled) {
			pthread_mutex_unlock(&vmm->lock);
			log_err(&vmm->log, "out of memory");
			return -1;
		}
		vmm->nr_cpus = vm->nr_vcpus;
		for (unsigned int i = 0; i < vm->nr_enabled; i++)
			vmm->cpu_enabled[i] = true;
	}
	vmm->vm = vm;
	vmm->boots++;
	/* hvmm stop came while this boot was being set up. */
	if (vmm->stop_requested)
		vm_request_stop(vm, VM_EXIT_HOST_STOP);
	pthread_mutex_unlock(&vmm->lock);
	return 0;
}

static bool vmm_stop_requested(struct vmm *vmm)
{
	bool stop;

	pthread_mutex_lock(&vmm->lock);
	stop = vmm->stop_requested;
	pthread_mutex_unlock(&vmm->lock);
	return stop;
}

static void vmm_release_vm(struct vmm *vmm)
{
	pthread_mutex_lock(&vmm->lock);
	vmm->vm = NULL;
	pthread_mutex_unlock(&vmm->lock);
}

/* Everything a boot opens by path, opened once: the sandbox allows no paths. */
static int vmm_open_inputs(struct vmm *vmm)
{
	const struct vm_config *cfg = vmm->cfg;
	const char *kvm_dev = cfg->kvm_dev ? cfg->kvm_dev : "/dev/kvm";
	struct vm_inputs *in = &vmm->inputs;
	char err[256];

	in->kvm_fd = open(kvm_dev, O_RDWR | O_CLOEXEC);
	if (in->kvm_fd < 0) {
		log_err(&vmm->log, "cannot open %s: %s", kvm_dev, strerror(errno));
		return -1;
	}
	/* --dev may name any file: ask it first what it is. */
	if (ioctl(in->kvm_fd, KVM_GET_API_VERSION, 0) < 0) {
		log_err(&vmm->log, "%s is not a KVM device (KVM_GET_API_VERSION: %s)", kvm_dev, strerror(errno));
		return -1;
	}
	/* sysconf reads /sys: ask now, not at a reboot inside the sandbox. */
	in->host_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	in->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (in->stop_fd < 0) {
		log_err(&vmm->log, "cannot make an eventfd: %s", strerror(errno));
		return -1;
	}
	if (file_input_open(&in->kernel, cfg->kernel, err, sizeof(err))) {
		/* kvmtool's words too: scripts written for lkvm look for them. */
		if (cfg->kernel_is_firmware)
			log_err(&vmm->log, "firmware '%s': %s", cfg->kernel, err);
		else
			log_err(&vmm->log, "kernel '%s': %s (Fatal: Unable to open kernel %s)", cfg->kernel, err,
				cfg->kernel);
		return -1;
	}
	if (cfg->initrd && file_input_open(&in->initrd, cfg->initrd, err, sizeof(err))) {
		log_err(&vmm->log, "initrd '%s': %s", cfg->initrd, err);
		return -1;
	}
	if (cfg->hugetlbfs) {
		in->hugetlb_fd = hugetlbfs_open(cfg->hugetlbfs, cfg->mem_mib << 20, err, sizeof(err));
		if (in->hugetlb_fd < 0) {
			log_err(&vmm->log, "%s", err);
			return -1;
		}
	}
	if (cfg->dump_dtb) {
		in->dump_dtb_fd = file_output_open(cfg->dump_dtb);
		if (in->dump_dtb_fd < 0) {
			log_err(&vmm->log, "cannot write the device tree to '%s': %s", cfg->dump_dtb, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void vmm_close_inputs(struct vmm *vmm)
{
	struct vm_inputs *in = &vmm->inputs;

	if (in->kvm_fd >= 0)
		close(in->kvm_fd);
	if (in->dump_dtb_fd >= 0)
		close(in->dump_dtb_fd);
	if (in->hugetlb_fd >= 0)
		close(in->hugetlb_fd);
	if (in->stop_fd >= 0)
		close(in->stop_fd);
	file_input_close(&in->kernel);
	file_input_close(&in->initrd);
	/* After every vCPU thread, the only other users of the handlers. */
	handler_set_stop(&vmm->handlers);
}

/* Every thread's sandbox has room for every handler's descriptors. */
_Static_assert(SANDBOX_MAX_WRITE_FDS >= 3 + HANDLER_MAX + VIRTIO_VCPU_WRITE_FDS && SANDBOX_MAX_READ_FDS >= HANDLER_MAX &&
	       SANDBOX_MAX_KILL_GROUPS >= HANDLER_MAX, "the sandbox lists are too short for HANDLER_MAX");

/* The --smccc-handler programs, started while this is hvmm's only thread
 * and before any filter: they are not hvmm's to confine. They serve every
 * boot; at exit the main thread kills what is left of them. */
static int vmm_start_handlers(struct vmm *vmm, enum vm_exit *why)
{
	char err[256];

	vmm->inputs.handlers = &vmm->handlers;
	if (handler_set_start(&vmm->handlers, vmm->cfg->smccc_handlers, vmm->cfg->nr_smccc_handlers,
			      err, sizeof(err))) {
		log_err(&vmm->log, "%s", err);
		*why = VM_EXIT_HANDLER;
		return -1;
	}
	handler_set_timeout(&vmm->handlers, vmm->cfg->smccc_handler_timeout_ms);
	vmm->main_sandbox.nr_kill_groups = handler_set_pids(&vmm->handlers, vmm->main_sandbox.kill_groups);
	return 0;
}

/* The threads that run every boot's vCPUs, each in its own sandbox before
 * the main thread enters its own (so that they run under one filter). */
static int vmm_start_vcpu_threads(struct vmm *vmm)
{
	unsigned int nr, enabled;
	char err[256] = "";
	bool pinned = false;

	if (vm_vcpu_counts(vmm->cfg, &vmm->inputs, &vmm->log, &nr, &enabled))
		return -1;
	CPU_ZERO(&vmm->vcpu_affinity);
	for (unsigned int c = 0; c < CMDLINE_MAX_HOST_CPUS && c < CPU_SETSIZE; c++) {
		if (vmm->cfg->vcpu_affinity[c / 64] & (1ULL << (c % 64))) {
			CPU_SET(c, &vmm->vcpu_affinity);
			pinned = true;
		}
	}
	if (vcpu_pool_start(&vmm->vcpus, nr, &vmm->inputs, pinned ? &vmm->vcpu_affinity : NULL, err, sizeof(err))) {
		log_err(&vmm->log, "%s", err);
		return -1;
	}
	vmm->inputs.vcpus = &vmm->vcpus;
	return 0;
}

/* From here on the main thread may only do what a reboot needs; the vCPU
 * threads and the control thread are in sandboxes of their own. */
static int vmm_enter_sandbox(struct vmm *vmm)
{
	char err[256];

	if (!vmm->inputs.sandbox) {
		log_warn(&vmm->log, "--no-sandbox: no seccomp filters; a subverted hvmm could do anything you can");
		return 0;
	}
	if (sandbox_enter(&vmm->main_sandbox, err, sizeof(err))) {
		log_err(&vmm->log, "%s", err);
		return -1;
	}
	return 0;
}

/* The firmware goes with its boot: --stats adds up every boot's counts. */
static void vmm_keep_apf_counts(struct vmm *vmm, const struct vm *vm)
{
	for (unsigned int i = 0; firmware_apf_active(&vm->fw) && i < vm->nr_vcpus; i++) {
		struct apf_vcpu_counts c;

		if (firmware_apf_counts(&vm->fw, i, &c) == 0)
			apf_counts_add(&vmm->apf_past, &c);
	}
}

/* One boot of the guest, from a clean machine. */
static enum vm_exit vmm_boot(struct vmm *vmm)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	enum vm_exit why = VM_EXIT_ERROR;

	if (!vm) {
		log_err(&vmm->log, "out of memory");
		return VM_EXIT_ERROR;
	}
	if (vm_create(vm, vmm->cfg, &vmm->inputs, vmm->cpu_enabled, vmm->boots + 1) || vm_load(vm) ||
	    vmm_adopt_vm(vmm, vm)) {
		vm_destroy(vm);
		free(vm);
		return VM_EXIT_ERROR;
	}
	why = vm_run(vm, &vmm->console, vmm->sig_fd);
	vmm->guest_status = vm->guest_status;
	if (why == VM_EXIT_ERROR || why == VM_EXIT_HANDLER || why == VM_EXIT_TIMEOUT)
		log_err(&vmm->log, "%s", vm->exit_msg[0] ? vm->exit_msg : "the VM failed");
	vmm_release_vm(vmm);
	vmm_keep_apf_counts(vmm, vm);
	vm_destroy(vm);
	free(vm);
	return why;
}

int vmm_run(const struct vm_config *cfg)
{
	struct vmm vmm = {
		.cfg = cfg, .sig_fd = -1,
		.inputs = { .kvm_fd = -1, .kernel.fd = -1, .initrd.fd = -1, .dump_dtb_fd = -1, .hugetlb_fd = -1,
			    .stop_fd = -1, .sandbox = !cfg->no_sandbox },
		.main_sandbox = { .role = SANDBOX_MAIN, .label = "main" },
		.control_sandbox = { .role = SANDBOX_CONTROL, .label = "control" },
	};
	enum vm_exit why = VM_EXIT_ERROR;
	char err[256];
	int ret;

	vmm.log.level = cfg->loglevel;
	vmm.inputs.console = vmm.main_sandbox.console = vmm.control_sandbox.console = &vmm.console;
	vmm.inputs.claims = &vmm.claims;
	pthread_mutex_init(&vmm.lock, NULL);
	if (cfg->name)
		snprintf(vmm.name, sizeof(vmm.name), "%s", cfg->name);
	else
		snprintf(vmm.name, sizeof(vmm.name), "guest-%d", (int)getpid());
	ret = sandbox_prepare_process();
	if (!ret)
		ret = vcpu_kick_signal_install();
	if (ret) {
		log_err(&vmm.log, "cannot install signal handlers: %s", strerror(-ret));
		goto out;
	}
	if (vmm_setup_signals(&vmm) || vmm_open_inputs(&vmm) || vmm_start_handlers(&vmm, &why) ||
	    vmm_start_lazy_mem(&vmm) || vmm_start_virtio(&vmm))
		goto out;
	/* A VM boots without its control socket rather than not at all, unless
	 * the name is a live VM's: two VMs must not answer to one name. */
	ret = control_server_start(&vmm.control, vmm.name, &vmm_control_ops, &vmm, &vmm.log, err, sizeof(err));
	if (ret == CONTROL_NAME_TAKEN) {
		log_err(&vmm.log, "%s", err);
		goto out;
	}
	if (ret)
		log_warn(&vmm.log, "no control socket (%s): control commands will not reach this VM", err);
	ret = console_open(&vmm.console, STDIN_FILENO);
	if (ret)
		log_warn(&vmm.log, "cannot put the terminal in raw mode: %s", strerror(-ret));
	if (vmm_start_vcpu_threads(&vmm) || vmm_enter_sandbox(&vmm)) {
		console_restore(&vmm.console);
		control_server_stop(&vmm.control);
		goto out;
	}
	if (cfg->timeout_s) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		vmm.inputs.deadline_ns = ((uint64_t)ts.tv_sec + cfg->timeout_s) * 1000000000ULL + (uint64_t)ts.tv_nsec;
	}
	for (;;) {
		why = vmm_boot(&vmm);
		if (why != VM_EXIT_RESET || cfg->reboot_exit)
			break;
		if (vmm_stop_requested(&vmm)) {
			why = VM_EXIT_HOST_STOP;
			break;
		}
		log_info(&vmm.log, "guest reset: restarting it from a clean machine");
	}
	console_restore(&vmm.console);
	if (cfg->stats && vmm.boots)
		vmm_print_stats(&vmm);
	control_server_stop(&vmm.control);
out:
	sandbox_forget();   /* main_sandbox lives in this frame */
	vcpu_pool_stop(&vmm.vcpus);
	if (vmm.inputs.virtio)
		virtio_set_close(&vmm.virtio);
	vmm_close_inputs(&vmm);
	if (vmm.inputs.lazy)
		lazy_mem_close(vmm.inputs.lazy);
	if (vmm.sig_fd >= 0)
		close(vmm.sig_fd);
	free(vmm.cpu_enabled);
	smccc_claims_free(&vmm.claims);
	pthread_mutex_destroy(&vmm.lock);
	return exit_status_for(why, vmm.guest_status);
}
