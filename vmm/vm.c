/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "fdt.h"
#include "file.h"
#include "kvm_compat.h"
#include "memmap.h"
#include "psci_node.h"
#include "smccc_filter.h"
#include "sdei_node.h"
#include "pmu.h"
#include "resident.h"
#include "timer.h"
#include "vm.h"

#define MIB (1024ULL * 1024ULL)
#define KVM_API_VERSION_EXPECTED 12
#define MIN_IPA_BITS 32
#define DEFAULT_IPA_BITS 40   /* what VM type 0 gives */

static unsigned int ipa_bits_for(uint64_t end)
{
	unsigned int bits = MIN_IPA_BITS;

	while (bits < 64 && (1ULL << bits) < end)
		bits++;
	return bits;
}

static int kvm_check_fd(int kvm_fd, long cap)
{
	int r = ioctl(kvm_fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

static int kvm_check(struct vm *vm, long cap)
{
	return kvm_check_fd(vm->kvm_fd, cap);
}

static int vm_check_kvm(struct vm *vm)
{
	int ver = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);

	if (ver != KVM_API_VERSION_EXPECTED) {
		log_err(&vm->log, "/dev/kvm speaks API version %d, hvmm needs %d", ver, KVM_API_VERSION_EXPECTED);
		return -1;
	}
	vm->run_size = (size_t)ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if ((long)vm->run_size <= 0) {
		log_err(&vm->log, "KVM_GET_VCPU_MMAP_SIZE failed: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int vm_vcpu_counts(const struct vm_config *cfg, const struct vm_inputs *in, const struct log *log,
		   unsigned int *nr_vcpus, unsigned int *nr_enabled)
{
	int max = kvm_check_fd(in->kvm_fd, KVM_CAP_MAX_VCPUS);
	long online = in->host_cpus;
	unsigned int want;

	if (max <= 0)
		max = kvm_check_fd(in->kvm_fd, KVM_CAP_NR_VCPUS);
	if (max <= 0)
		max = 1;
	if ((unsigned long)max > MEMMAP_MAX_VCPUS)
		max = (int)MEMMAP_MAX_VCPUS;
	want = cfg->max_cpus ? cfg->max_cpus : cfg->cpus;
	if (want > (unsigned int)max) {
		log_err(log, "--%s %u: KVM on this host allows at most %d vCPUs",
			cfg->max_cpus ? "max-cpus" : "cpus", want, max);
		return -1;
	}
	if (cfg->cpus)
		*nr_enabled = cfg->cpus;
	else
		*nr_enabled = online > 0 && online < max ? (unsigned int)online : (unsigned int)max;
	if (cfg->max_cpus && *nr_enabled > cfg->max_cpus)
		*nr_enabled = cfg->max_cpus;   /* the default count, capped */
	*nr_vcpus = cfg->max_cpus ? cfg->max_cpus : *nr_enabled;
	return 0;
}

static int vm_create_vm_and_ram(struct vm *vm)
{
	uint64_t size = vm->cfg->mem_mib * MIB;
	int max_ipa = kvm_check(vm, KVM_CAP_ARM_VM_IPA_SIZE);
	unsigned long type = 0;
	struct kvm_userspace_memory_region region;

	vm->ipa_bits = ipa_bits_for(MEMMAP_RAM_BASE + size);
	if (max_ipa > 0) {
		if (vm->ipa_bits > (unsigned int)max_ipa) {
			log_err(&vm->log, "--mem %llu: RAM would end at 0x%llx, beyond this host's %d-bit guest address limit",
				(unsigned long long)vm->cfg->mem_mib,
				(unsigned long long)(MEMMAP_RAM_BASE + size), max_ipa);
			return -1;
		}
		type = KVM_VM_TYPE_ARM_IPA_SIZE(vm->ipa_bits);
	} else if (vm->ipa_bits > DEFAULT_IPA_BITS) {
		log_err(&vm->log, "--mem %llu: beyond the %d-bit guest address space this host offers",
			(unsigned long long)vm->cfg->mem_mib, DEFAULT_IPA_BITS);
		return -1;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, type);
	if (vm->vm_fd < 0) {
		log_err(&vm->log, "KVM_CREATE_VM failed: %s", strerror(errno));
		return -1;
	}
	vm->mem.base = MEMMAP_RAM_BASE;
	vm->mem.size = size;
	/* --hugetlbfs: a private mapping of the empty file, so zeroed huge
	 * pages, reserved now (or refused now, when too few are free). */
	if (vm->in->hugetlb_fd >= 0)
		vm->mem.host = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, vm->in->hugetlb_fd, 0);
	else
		vm->mem.host = mmap(NULL, size, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem.host == MAP_FAILED) {
		vm->mem.host = NULL;
		log_err(&vm->log, "cannot allocate %llu MiB of guest RAM%s: %s", (unsigned long long)vm->cfg->mem_mib,
			vm->in->hugetlb_fd >= 0 ? " from --hugetlbfs (too few free huge pages? see /proc/meminfo)" : "",
			strerror(errno));
		return -1;
	}
	/* The guest's memory is no part of a core dump of hvmm. This also keeps
	 * it one mapping of its own, never merged with hvmm's. */
	if (madvise(vm->mem.host, size, MADV_DONTDUMP))
		log_warn(&vm->log, "guest RAM stays in core dumps: %s", strerror(errno));
	region = (struct kvm_userspace_memory_region){
		.slot = MEMSLOT_RAM,
		.guest_phys_addr = vm->mem.base,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)vm->mem.host,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region)) {
		log_err(&vm->log, "cannot give guest RAM to KVM: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int vm_create_vcpus(struct vm *vm)
{
	vm->vcpus = calloc(vm->nr_vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus) {
		log_err(&vm->log, "out of memory for %u vCPUs", vm->nr_vcpus);
		return -1;
	}
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		int ret = vcpu_create(vm, &vm->vcpus[i], i);

		if (ret == -EDOM) {
			log_err(&vm->log, "--sve-max-vl %u: this host's vCPUs have vector lengths up to %u bits",
				vm->cfg->sve_max_vl, vm->sve_host_max_bits);
			return -1;
		}
		if (ret) {
			log_err(&vm->log, "vCPU %u: cannot create it: %s", i, strerror(-ret));
			return -1;
		}
	}
	return 0;
}

/* Device interrupt lines: a line the guest bound to an SDEI event raises the
 * event instead, and the GIC sees it low. */
static int vm_set_irq_level(void *opaque, unsigned int spi, int level)
{
	struct vm *vm = opaque;

	if (vm->fw_ready && firmware_interrupt(&vm->fw, 32 + spi, level))
		return gic_set_spi_level(&vm->gic, spi, 0);
	return gic_set_spi_level(&vm->gic, spi, level);
}

static int vm_add_devices(struct vm *vm)
{
	struct irq_line uart_irq = { vm_set_irq_level, vm, MEMMAP_UART_SPI };
	int ret;

	timer_node_init(&vm->timer, &vm->gic, vm->cfg->timer_frequency);
	/* PSCI and SDEI share one conduit: KVM takes an HVC and an SMC #0 alike
	 * (forwarding the call to hvmm, or serving PSCI itself with
	 * --in-kernel-psci), so one option names both. */
	psci_node_init(&vm->psci_node, vm->cfg->psci_conduit);
	sdei_node_init(&vm->sdei_node, vm->cfg->psci_conduit);
	ret = uart_16550_init(&vm->uart, MEMMAP_UART_BASE, STDOUT_FILENO, &uart_irq);
	if (ret) {
		log_err(&vm->log, "cannot set up the UART: %s", strerror(-ret));
		return -1;
	}
	ret = device_bus_add(&vm->bus, &vm->gic.dev);
	if (!ret)
		ret = device_bus_add(&vm->bus, &vm->timer.dev);
	if (!ret)
		ret = device_bus_add(&vm->bus, &vm->uart.dev);
	if (!ret)
		ret = device_bus_add(&vm->bus, &vm->psci_node.dev);
	if (!ret && vm->fw_ready && vm->fw.sdei)
		ret = device_bus_add(&vm->bus, &vm->sdei_node.dev);
	if (!ret && vm->cfg->pmu) {
		pmu_device_init(&vm->pmu, &vm->gic);
		ret = device_bus_add(&vm->bus, &vm->pmu);
	}
	if (ret)
		log_err(&vm->log, "cannot register devices: %s", strerror(-ret));
	return ret ? -1 : 0;
}

/* What each vCPU gets once the vGIC is initialised and before it runs:
 * its PMU (--pmu) and its stolen-time record. */
static int vm_init_vcpu_features(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		int ret = vm->cfg->pmu ? pmu_vcpu_init(vm->vcpus[i].fd) : 0;

		if (ret) {
			log_err(&vm->log, "--pmu: KVM refused vCPU %u's PMU: %s", i, strerror(-ret));
			return -1;
		}
		ret = vm->pvtime.host ? pvtime_vcpu_init(&vm->pvtime, vm->vcpus[i].fd, i) : 0;
		if (ret) {
			log_err(&vm->log, "KVM refused vCPU %u's stolen-time record: %s", i, strerror(-ret));
			return -1;
		}
	}
	return 0;
}

int vm_create(struct vm *vm, const struct vm_config *cfg, const struct vm_inputs *in,
	      const bool *cpu_enabled, unsigned int boot_count)
{
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->cfg = cfg;
	vm->in = in;
	vm->boot_count = boot_count;
	vm->log.level = cfg->loglevel;
	vm->kvm_fd = in->kvm_fd;
	vm->vm_fd = vm->stop_fd = -1;
	vm->gic.fd = -1;
	vm->gic.its_fd = -1;
	pthread_mutex_init(&vm->stop_lock, NULL);
	pthread_mutex_init(&vm->pause_lock, NULL);
	pthread_cond_init(&vm->pause_cond, NULL);
	/* hvmm's one stop eventfd (the vCPU threads' filters name it), emptied
	 * of an earlier boot's stop. */
	vm->stop_fd = in->stop_fd;
	while (read(vm->stop_fd, &(uint64_t){ 0 }, sizeof(uint64_t)) > 0)
		;
	if (vm_check_kvm(vm) || vm_vcpu_counts(cfg, in, &vm->log, &vm->nr_vcpus, &vm->nr_enabled) ||
	    vm_create_vm_and_ram(vm))
		return -1;
	vm->userspace_psci = !cfg->in_kernel_psci;
	if (vm->userspace_psci && !smccc_filter_supported(vm->vm_fd)) {
		log_err(&vm->log, "this host's KVM has no SMCCC filter (Linux 6.4 or later), so hvmm cannot serve PSCI; --in-kernel-psci lets KVM serve it");
		return -1;
	}
	if (cfg->pmu && !kvm_check(vm, KVM_CAP_ARM_PMU_V3)) {
		log_err(&vm->log, "--pmu: this host's KVM has no PMU to give guests (no KVM_CAP_ARM_PMU_V3)");
		return -1;
	}
	if (cfg->aarch32 && !kvm_check(vm, KVM_CAP_ARM_EL1_32BIT)) {
		log_err(&vm->log, "--aarch32: this host's KVM cannot run AArch32 at EL1 (no KVM_CAP_ARM_EL1_32BIT)");
		return -1;
	}
	/* SVE is AArch64's: an AArch32 guest has none. */
	vm->sve = !cfg->disable_sve && !cfg->aarch32 && kvm_check(vm, KVM_CAP_ARM_SVE);
	if (cfg->sve_max_vl && !vm->sve) {
		log_err(&vm->log, "--sve-max-vl: this host's KVM offers no SVE (no KVM_CAP_ARM_SVE)");
		return -1;
	}
	if (!cfg->no_pvtime && !kvm_check(vm, KVM_CAP_STEAL_TIME))
		log_info(&vm->log, "no stolen time for the guest: this host's KVM has no KVM_CAP_STEAL_TIME");
	else if (!cfg->no_pvtime && pvtime_create(&vm->pvtime, vm->vm_fd, MEMSLOT_PVTIME, &vm->log))
		return -1;
	if (gic_create(&vm->gic, vm->vm_fd, vm->nr_vcpus, cfg->gic_its, &vm->log) || vm_create_vcpus(vm))
		return -1;
	ret = gic_init_late(&vm->gic);
	if (ret) {
		log_err(&vm->log, "cannot initialise the vGIC: %s", strerror(-ret));
		return -1;
	}
	if (vm_init_vcpu_features(vm))
		return -1;
	if (vm->userspace_psci && vm_setup_firmware(vm, cpu_enabled))
		return -1;
	return vm_add_devices(vm);
}

void vm_destroy(struct vm *vm)
{
	/* Before the RAM goes: the fetcher must be done with it. */
	if (vm->lazy_attached)
		lazy_mem_detach(vm->in->lazy);
	if (vm->vcpus) {
		for (unsigned int i = 0; i < vm->nr_vcpus; i++)
			vcpu_destroy(&vm->vcpus[i]);
		free(vm->vcpus);
	}
	if (vm->fw_ready)
		firmware_destroy(&vm->fw);
	if (vm->uart.dev.ops)
		uart_16550_destroy(&vm->uart);
	gic_destroy(&vm->gic);
	pvtime_destroy(&vm->pvtime);
	if (vm->mem.host)
		munmap(vm->mem.host, vm->mem.size);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	pthread_mutex_destroy(&vm->stop_lock);
	pthread_mutex_destroy(&vm->pause_lock);
	pthread_cond_destroy(&vm->pause_cond);
}

/* ---- loading ---- */

static char *vm_bootargs(const struct vm *vm)
{
	const char *params = vm->cfg->params ? vm->cfg->params : "";
	char *s;

	if (vm->cfg->nodefaults)
		return strdup(params);
	/* The console is the 16550, which Linux calls ttyS0; earlycon finds it by stdout-path. */
	if (asprintf(&s, "console=ttyS0 earlycon%s%s", *params ? " " : "", params) < 0)
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

/* ---- running and stopping ---- */

static void vm_stop(struct vm *vm, enum vm_exit why, unsigned int guest_status)
{
	uint64_t one = 1;

	pthread_mutex_lock(&vm->stop_lock);
	if (!atomic_load(&vm->stopping)) {
		vm->exit = why;
		vm->guest_status = guest_status;
		atomic_store(&vm->stopping, true);
	}
	pthread_mutex_unlock(&vm->stop_lock);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	if (write(vm->stop_fd, &one, sizeof(one)) < 0) {
		/* The counter cannot overflow from a few stops; nothing to do. */
	}
}

void vm_request_stop(struct vm *vm, enum vm_exit why)
{
	vm_stop(vm, why, 0);
}

void vm_request_guest_exit(struct vm *vm, unsigned int status)
{
	vm_stop(vm, VM_EXIT_GUEST_STATUS, status);
}

void vm_fail(struct vm *vm, const struct vcpu *vcpu, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&vm->stop_lock);
	if (!atomic_load(&vm->stopping)) {
		if (vcpu)
			snprintf(vm->exit_msg, sizeof(vm->exit_msg), "vCPU %u: %s", vcpu->id, msg);
		else
			snprintf(vm->exit_msg, sizeof(vm->exit_msg), "%s", msg);
	}
	pthread_mutex_unlock(&vm->stop_lock);
	vm_request_stop(vm, VM_EXIT_ERROR);
}

/* ---- pause, resume, system suspend ---- */

void vm_pause_point(struct vm *vm, struct vcpu *vcpu)
{
	pthread_mutex_lock(&vm->pause_lock);
	vm->nr_parked++;
	pthread_cond_broadcast(&vm->pause_cond);
	while (atomic_load(&vm->paused) && !atomic_load(&vm->stopping)) {
		/* Requests (register dumps) are served while parked. Checking for
		 * one under pause_lock closes the race with vm_pause_poke. */
		if (vcpu_has_request(vcpu)) {
			pthread_mutex_unlock(&vm->pause_lock);
			vcpu_service_requests(vcpu);
			pthread_mutex_lock(&vm->pause_lock);
			continue;
		}
		pthread_cond_wait(&vm->pause_cond, &vm->pause_lock);
	}
	vm->nr_parked--;
	pthread_mutex_unlock(&vm->pause_lock);
}

void vm_pause_poke(struct vm *vm)
{
	pthread_mutex_lock(&vm->pause_lock);
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
}

int vm_pause(struct vm *vm)
{
	pthread_mutex_lock(&vm->pause_lock);
	if (atomic_load(&vm->paused)) {
		pthread_mutex_unlock(&vm->pause_lock);
		return -EALREADY;
	}
	atomic_store(&vm->paused, true);
	pthread_mutex_unlock(&vm->pause_lock);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	/* Done only once no vCPU runs guest code any more. */
	pthread_mutex_lock(&vm->pause_lock);
	while (vm->nr_parked < vm->nr_vcpus && !atomic_load(&vm->stopping))
		pthread_cond_wait(&vm->pause_cond, &vm->pause_lock);
	pthread_mutex_unlock(&vm->pause_lock);
	return atomic_load(&vm->stopping) ? -ESHUTDOWN : 0;
}

bool vm_system_wake(struct vm *vm)
{
	if (!atomic_exchange(&vm->system_suspended, false))
		return false;
	vcpu_request_system_wake(&vm->vcpus[atomic_load(&vm->suspended_vcpu)]);
	return true;
}

int vm_resume(struct vm *vm)
{
	bool woke = vm_system_wake(vm);

	pthread_mutex_lock(&vm->pause_lock);
	if (!atomic_load(&vm->paused)) {
		pthread_mutex_unlock(&vm->pause_lock);
		return woke ? 0 : -EALREADY;
	}
	atomic_store(&vm->paused, false);
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
	return 0;
}

/* ---- the console ---- */

/* Console bytes not yet taken by the UART (its buffer was full). */
struct console_backlog {
	uint8_t buf[512];
	size_t len;
};

static void console_feed(struct vm *vm, struct console_backlog *b)
{
	unsigned int took = uart_16550_receive(&vm->uart, b->buf, (unsigned int)b->len);

	memmove(b->buf, b->buf + took, b->len - took);
	b->len -= took;
}

/* Returns false once stdin has nothing more to give. */
static bool console_read(struct vm *vm, struct console *con, struct console_backlog *b)
{
	uint8_t in[256];
	bool quit = false;
	ssize_t n = read(con->in_fd, in, sizeof(in) < sizeof(b->buf) - b->len - 1 ?
			 sizeof(in) : sizeof(b->buf) - b->len - 1);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	b->len += console_filter(con, in, (size_t)n, b->buf + b->len, &quit);
	if (quit) {
		log_info(&vm->log, "Ctrl-A x: stopping the guest");
		vm_request_stop(vm, VM_EXIT_HOST_STOP);
	}
	/* Console input is the documented wake-up source of a suspended system. */
	if (b->len && vm_system_wake(vm))
		log_info(&vm->log, "console input: waking the guest from system suspend");
	console_feed(vm, b);
	return true;
}

/* Milliseconds until --timeout's deadline: -1 without one, 0 once passed. */
static int vm_ms_to_deadline(const struct vm *vm)
{
	struct timespec ts;
	uint64_t now, left_ms;

	if (!vm->in->deadline_ns)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	if (now >= vm->in->deadline_ns)
		return 0;
	left_ms = (vm->in->deadline_ns - now + 999999) / 1000000;
	return left_ms > INT_MAX ? INT_MAX : (int)left_ms;
}

/* The one line goes out with the exit status, unless another stop won. */
static void vm_time_out(struct vm *vm)
{
	pthread_mutex_lock(&vm->stop_lock);
	if (!atomic_load(&vm->stopping))
		snprintf(vm->exit_msg, sizeof(vm->exit_msg),
			 "--timeout %u: the guest was still running after %u s; stopped it",
			 vm->cfg->timeout_s, vm->cfg->timeout_s);
	pthread_mutex_unlock(&vm->stop_lock);
	vm_request_stop(vm, VM_EXIT_TIMEOUT);
}

static void vm_serve_console(struct vm *vm, struct console *con, int sig_fd)
{
	struct console_backlog backlog = { .len = 0 };
	bool stdin_open = true;

	while (!atomic_load(&vm->stopping)) {
		int left = vm_ms_to_deadline(vm), wait = -1;
		bool room = backlog.len + 1 < sizeof(backlog.buf);
		struct pollfd pfd[3 + HANDLER_MAX] = {
			{ .fd = vm->stop_fd, .events = POLLIN },
			{ .fd = sig_fd, .events = POLLIN },
			{ .fd = stdin_open && room ? con->in_fd : -1, .events = POLLIN },
		};
		/* And the --smccc-handler programs hanging up (exiting). */
		unsigned int nh = handler_set_pollfds(vm->in->handlers, pfd + 3);
		int n;

		if (left == 0) {
			vm_time_out(vm);
			break;
		}
		/* With bytes waiting for the UART, look again soon. */
		if (backlog.len)
			wait = 10;
		if (left > 0 && (wait < 0 || left < wait))
			wait = left;
		n = poll(pfd, 3 + nh, wait);
		if (n < 0 && errno != EINTR)
			break;
		if (backlog.len)
			console_feed(vm, &backlog);
		if (n > 0 && (pfd[1].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				log_info(&vm->log, "signal %u: stopping the guest", si.ssi_signo);
			vm_request_stop(vm, VM_EXIT_HOST_STOP);
		}
		if (n > 0 && (pfd[2].revents & (POLLIN | POLLHUP | POLLERR)))
			stdin_open = console_read(vm, con, &backlog);
		if (n > 0 && nh)
			vm_check_handlers(vm);
	}
}

enum vm_exit vm_run(struct vm *vm, struct console *con, int sig_fd)
{
	int ret;

	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		ret = vcpu_pool_run(vm->in->vcpus, &vm->vcpus[i]);
		if (ret) {
			vm_fail(vm, &vm->vcpus[i], "no thread to run it: %s", strerror(-ret));
			break;
		}
	}
	/* Setting up is over until the next boot: its code need not stay mapped. */
	resident_drop_code(&vm->log);
	vm_serve_console(vm, con, sig_fd);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].thread_started) {
			vcpu_kick(&vm->vcpus[i]);
			vm_pause_poke(vm);
			vcpu_pool_wait(vm->in->vcpus, &vm->vcpus[i]);
			vm->vcpus[i].thread_started = false;
		}
	}
	return vm->exit;
}
