/* SPDX-License-Identifier: GPL-2.0-only */
/* Loading a boot: the kernel, initrd and device tree into guest RAM, and
 * the boot vCPU's registers (vm_load). */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt.h"
#include "file.h"
#include "memmap.h"
#include "vm.h"

static char *vm_bootargs(const struct vm *vm)
{
	const char *params = vm->cfg->params ? vm->cfg->params : "";
	char *s;

	if (vm->cfg->nodefaults)
		return strdup(params);
	/* The console is the 16550, which Linux calls ttyS0, or hvc0 with
	 * --console virtio; earlycon finds the 16550 by stdout-path either way,
	 * and covers the boot until hvc0 is there. */
	if (asprintf(&s, "console=%s earlycon%s%s", vm->cfg->console_virtio ? "hvc0" : "ttyS0", *params ? " " : "",
		     params) < 0)
		return NULL;
	return s;
}

static int vm_write_dtb(struct vm *vm)
{
	struct fdt_cpu *cpus = calloc(vm->nr_vcpus, sizeof(*cpus));
	char *bootargs = vm_bootargs(vm);
	char stdout_path[40];
	void *dtb = calloc(1, FDT_MAX_SIZE);
	int ret = -1;

	if (!cpus || !bootargs || !dtb) {
		log_err(&vm->log, "out of memory building the device tree");
		goto out;
	}
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		cpus[i].mpidr = vm->vcpus[i].mpidr;
	snprintf(stdout_path, sizeof(stdout_path), "/serial@%llx", MEMMAP_UART_BASE);
	/* Latencies are what a guest's cpuidle governor weighs: standby is cheap,
	 * power-down costs a warm reset. Neither stops the timer: hvmm's timer is
	 * always on (so Linux needs no broadcast timer, which this machine lacks). */
	struct fdt_idle_state idle[PSCI_SUSPEND_STATE_COUNT] = {
		[PSCI_SUSPEND_STANDBY] = { "cpu-standby", 0, 20, 40, 100, false },
		[PSCI_SUSPEND_POWERDOWN] = { "cpu-powerdown", 0, 150, 350, 2000, false },
	};
	const struct fdt_idle_state *offered = idle;
	unsigned int nr_offered = vm->fw_ready ? PSCI_SUSPEND_STATE_COUNT : 0;

	for (unsigned int i = 0; vm->fw_ready && i < PSCI_SUSPEND_STATE_COUNT; i++)
		idle[i].psci_suspend_param = psci_suspend_param(&vm->fw.psci, (enum psci_suspend_state)i);
	switch (vm->cfg->idle_states) {
	case IDLE_STATES_ALL: break;
	case IDLE_STATES_STANDBY: nr_offered = nr_offered ? 1 : 0; break;
	case IDLE_STATES_POWERDOWN: offered = &idle[PSCI_SUSPEND_POWERDOWN]; nr_offered = nr_offered ? 1 : 0; break;
	case IDLE_STATES_NONE: nr_offered = 0; break;
	}
	struct fdt_params p = {
		.ram_base = vm->mem.base, .ram_size = vm->mem.size,
		.nr_cpus = vm->nr_vcpus, .cpus = cpus, .bootargs = bootargs,
		.initrd_start = vm->layout.initrd_start, .initrd_size = vm->layout.initrd_size,
		.stdout_path = stdout_path, .gic_phandle = GIC_PHANDLE, .bus = &vm->bus,
		.boot_count = vm->boot_count,
		.has_kaslr_seed = vm->cfg->has_kaslr_seed, .kaslr_seed = vm->cfg->kaslr_seed,
		.idle_states = nr_offered ? offered : NULL,
		.nr_idle_states = nr_offered,
	};
	ret = fdt_build(dtb, FDT_MAX_SIZE, &p);
	if (ret) {
		log_err(&vm->log, "cannot build the device tree: libfdt error %d", ret);
		ret = -1;
		goto out;
	}
	if (vm->in->dump_dtb_fd >= 0 && file_output_replace(vm->in->dump_dtb_fd, dtb, fdt_totalsize(dtb))) {
		log_err(&vm->log, "cannot write the device tree to '%s': %s", vm->cfg->dump_dtb, strerror(errno));
		goto out;
	}
	ret = guest_mem_write(&vm->mem, vm->layout.dtb_addr, dtb, fdt_totalsize(dtb));
	if (ret)
		log_err(&vm->log, "device tree does not fit at 0x%llx", (unsigned long long)vm->layout.dtb_addr);
out:
	free(cpus);
	free(bootargs);
	free(dtb);
	return ret;
}

static int vm_boot_vcpu_setup(struct vm *vm)
{
	struct vcpu *boot = &vm->vcpus[0];
	int ret = vcpu_reg_write(boot, FW_REG_PC, vm->kernel.entry);

	/* arm64 boot protocol: x0 = DTB, x1-x3 = 0 (KVM's reset already zeroed
	 * them); arm's: r0 = 0, r1 = ~0 (no machine number: use the device
	 * tree), r2 = DTB. */
	if (!ret && !vm->cfg->aarch32)
		ret = vcpu_reg_write(boot, FW_REG_X0, vm->layout.dtb_addr);
	if (!ret && vm->cfg->aarch32)
		ret = vcpu_reg_write(boot, FW_REG_X0 + 1, 0xffffffffU);
	if (!ret && vm->cfg->aarch32)
		ret = vcpu_reg_write(boot, FW_REG_X0 + 2, vm->layout.dtb_addr);
	if (ret)
		log_err(&vm->log, "vCPU 0: cannot set the boot registers: %s", strerror(-ret));
	return ret ? -1 : 0;
}

int vm_load(struct vm *vm)
{
	const char *what = vm->cfg->kernel_is_firmware ? "firmware" : "kernel";
	struct file_buf kernel = { 0 }, initrd = { 0 };
	char err[256];
	int ret = -1;

	if (file_input_read(&vm->in->kernel, &kernel, err, sizeof(err))) {
		log_err(&vm->log, "%s '%s': %s", what, vm->cfg->kernel, err);
		goto out;
	}
	if (vm->in->initrd.fd >= 0 && file_input_read(&vm->in->initrd, &initrd, err, sizeof(err))) {
		log_err(&vm->log, "initrd '%s': %s", vm->cfg->initrd, err);
		goto out;
	}
	if (vm->cfg->kernel_is_firmware ?
		    loader_plan_firmware(kernel.size, vm->cfg->has_firmware_addr ? vm->cfg->firmware_addr : vm->mem.base,
					 vm->mem.base, vm->mem.size, &vm->kernel, err, sizeof(err)) :
		    loader_plan_kernel(kernel.data, kernel.size, vm->mem.base, vm->mem.size, &vm->kernel, err,
				       sizeof(err))) {
		log_err(&vm->log, "%s '%s': %s", what, vm->cfg->kernel, err);
		goto out;
	}
	if (loader_plan_layout(&vm->kernel, initrd.size, MEMMAP_DTB_MAX_SIZE, vm->mem.base, vm->mem.size,
			       &vm->layout, err, sizeof(err))) {
		log_err(&vm->log, "%s", err);
		goto out;
	}
	log_info(&vm->log, "%s '%s': %s, 0x%llx-0x%llx, entry 0x%llx%s", what, vm->cfg->kernel,
		 kernel_format_name(vm->kernel.format), (unsigned long long)vm->kernel.start,
		 (unsigned long long)vm->kernel.end, (unsigned long long)vm->kernel.entry,
		 vm->kernel.big_endian ? ", big-endian" : "");
	if (loader_load_kernel(&vm->kernel, kernel.data, kernel.size, &vm->mem) ||
	    (initrd.size && guest_mem_write(&vm->mem, vm->layout.initrd_start, initrd.data, initrd.size))) {
		log_err(&vm->log, "cannot copy the kernel or initrd into guest RAM");
		goto out;
	}
	if (vm_write_dtb(vm) || vm_boot_vcpu_setup(vm) || vm_attach_lazy_mem(vm))
		goto out;
	ret = 0;
out:
	file_buf_free(&kernel);
	file_buf_free(&initrd);
	return ret;
}
