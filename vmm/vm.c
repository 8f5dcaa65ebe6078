/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm_compat.h"
#include "memmap.h"
#include "psci_node.h"
#include "smccc_filter.h"
#include "sdei_node.h"
#include "pmu.h"
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
	if (ret) {
		log_err(&vm->log, "cannot register devices: %s", strerror(-ret));
		return -1;
	}
	if (vm->in->virtio && vm->in->virtio->nr) {
		vm->virtio_attached = true;
		return virtio_set_attach(vm->in->virtio, vm->vm_fd, &vm->bus, &vm->mem);
	}
	return 0;
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
	if (vm->virtio_attached)
		virtio_set_detach(vm->in->virtio);
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
