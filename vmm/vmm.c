/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "exit_status.h"
#include "vm.h"
#include "vmm.h"

static int exit_status_for(enum vm_exit e)
{
	switch (e) {
	case VM_EXIT_POWEROFF:  return HVMM_EXIT_POWEROFF;
	case VM_EXIT_RESET:     return HVMM_EXIT_RESET;
	case VM_EXIT_HOST_STOP: return HVMM_EXIT_HOST_STOP;
	case VM_EXIT_NONE:
	case VM_EXIT_ERROR:     break;
	}
	return HVMM_EXIT_ERROR;
}

uint64_t vmm_calls(const struct vmm *vmm, unsigned int range, unsigned int n)
{
	uint64_t count = vmm->past_calls[range][n];

	if (vmm->vm && vmm->vm->fw_ready)
		count += atomic_load(&vmm->vm->fw.stats.calls[range][n]);
	return count;
}

static void vmm_print_stats(struct vmm *vmm)
{
	bool any = false;

	if (vmm->cfg->in_kernel_psci) {
		fprintf(stderr, "hvmm: stats: PSCI was served by KVM (--in-kernel-psci); no calls reached hvmm\n");
		return;
	}
	for (unsigned int r = 0; r < SMCCC_RANGE_COUNT; r++) {
		for (unsigned int n = 0; n < smccc_ranges[r].count; n++) {
			uint64_t count = vmm_calls(vmm, r, n);
			uint32_t fid = smccc_ranges[r].base + n;
			const char *name = smccc_function_name(fid);

			if (!count)
				continue;
			fprintf(stderr, "hvmm: stats: %-28s 0x%08x %llu\n", name ? name : "(unassigned)",
				fid, (unsigned long long)count);
			any = true;
		}
	}
	if (!any)
		fprintf(stderr, "hvmm: stats: the guest made no SMCCC calls to hvmm\n");
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
	pthread_mutex_unlock(&vmm->lock);
	return 0;
}

static void vmm_release_vm(struct vmm *vmm, struct vm *vm)
{
	pthread_mutex_lock(&vmm->lock);
	for (unsigned int r = 0; vm->fw_ready && r < SMCCC_RANGE_COUNT; r++)
		for (unsigned int n = 0; n < SMCCC_RANGE_SIZE; n++)
			vmm->past_calls[r][n] += atomic_load(&vm->fw.stats.calls[r][n]);
	vmm->vm = NULL;
	pthread_mutex_unlock(&vmm->lock);
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
	if (vm_create(vm, vmm->cfg, vmm->cpu_enabled, vmm->boots + 1) || vm_load(vm) ||
	    vmm_adopt_vm(vmm, vm)) {
		vm_destroy(vm);
		free(vm);
		return VM_EXIT_ERROR;
	}
	why = vm_run(vm, &vmm->console, vmm->sig_fd);
	if (why == VM_EXIT_ERROR)
		log_err(&vmm->log, "%s", vm->exit_msg[0] ? vm->exit_msg : "the VM failed");
	vmm_release_vm(vmm, vm);
	vm_destroy(vm);
	free(vm);
	return why;
}

int vmm_run(const struct vm_config *cfg)
{
	struct vmm vmm = { .cfg = cfg, .sig_fd = -1 };
	enum vm_exit why = VM_EXIT_ERROR;
	char err[256];
	int ret;

	vmm.log.level = cfg->loglevel;
	pthread_mutex_init(&vmm.lock, NULL);
	if (cfg->name)
		snprintf(vmm.name, sizeof(vmm.name), "%s", cfg->name);
	else
		snprintf(vmm.name, sizeof(vmm.name), "guest-%d", (int)getpid());
	if (vmm_setup_signals(&vmm))
		goto out;
	ret = control_server_start(&vmm.control, vmm.name, &vmm_control_ops, &vmm, &vmm.log, err, sizeof(err));
	if (ret) {
		log_err(&vmm.log, "%s", err);
		goto out;
	}
	ret = console_open(&vmm.console, STDIN_FILENO);
	if (ret)
		log_warn(&vmm.log, "cannot put the terminal in raw mode: %s", strerror(-ret));
	for (;;) {
		why = vmm_boot(&vmm);
		if (why != VM_EXIT_RESET || cfg->reboot_exit)
			break;
		log_info(&vmm.log, "guest reset: restarting it from a clean machine");
	}
	console_restore(&vmm.console);
	if (cfg->stats && vmm.boots)
		vmm_print_stats(&vmm);
	control_server_stop(&vmm.control);
out:
	if (vmm.sig_fd >= 0)
		close(vmm.sig_fd);
	free(vmm.cpu_enabled);
	pthread_mutex_destroy(&vmm.lock);
	return exit_status_for(why);
}
