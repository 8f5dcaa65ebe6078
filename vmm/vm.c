/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
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
#include <unistd.h>

#include "console.h"
#include "fdt.h"
#include "file.h"
#include "fw_host.h"
#include "kvm_compat.h"
#include "memmap.h"
#include "psci_node.h"
#include "smccc_filter.h"
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

static int kvm_check(struct vm *vm, long cap)
{
	int r = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

static int vm_open_kvm(struct vm *vm)
{
	int ver;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		log_err(&vm->log, "cannot open /dev/kvm: %s", strerror(errno));
		return -1;
	}
	ver = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
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

static int vm_pick_vcpu_count(struct vm *vm)
{
	int max = kvm_check(vm, KVM_CAP_MAX_VCPUS);
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	if (max <= 0)
		max = kvm_check(vm, KVM_CAP_NR_VCPUS);
	if (max <= 0)
		max = 1;
	if ((unsigned long)max > MEMMAP_MAX_VCPUS)
		max = (int)MEMMAP_MAX_VCPUS;
	if (vm->cfg->cpus) {
		if (vm->cfg->cpus > (unsigned int)max) {
			log_err(&vm->log, "--cpus %u: KVM on this host allows at most %d vCPUs",
				vm->cfg->cpus, max);
			return -1;
		}
		vm->nr_vcpus = vm->cfg->cpus;
	} else {
		vm->nr_vcpus = online > 0 && online < max ? (unsigned int)online : (unsigned int)max;
	}
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
	vm->mem.host = mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem.host == MAP_FAILED) {
		vm->mem.host = NULL;
		log_err(&vm->log, "cannot allocate %llu MiB of guest RAM: %s",
			(unsigned long long)vm->cfg->mem_mib, strerror(errno));
		return -1;
	}
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
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

		if (ret) {
			log_err(&vm->log, "vCPU %u: cannot create it: %s", i, strerror(-ret));
			return -1;
		}
	}
	return 0;
}

/* Claim the PSCI ranges and start the firmware behind them. */
static int vm_setup_firmware(struct vm *vm)
{
	struct fw_host host;
	uint64_t *mpidrs;
	int ret;

	for (unsigned int r = 0; r < SMCCC_RANGE_COUNT; r++) {
		ret = smccc_filter_forward(vm->vm_fd, smccc_ranges[r].base, smccc_ranges[r].count);
		if (ret) {
			log_err(&vm->log, "cannot claim SMCCC range 0x%08x+0x%x (%s) from KVM: %s",
				smccc_ranges[r].base, smccc_ranges[r].count, smccc_ranges[r].service,
				strerror(-ret));
			return -1;
		}
	}
	mpidrs = calloc(vm->nr_vcpus, sizeof(*mpidrs));
	if (!mpidrs)
		return -1;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		mpidrs[i] = vm->vcpus[i].mpidr;
	fw_host_init(&host, vm);
	ret = firmware_init(&vm->fw, &host, vm->nr_vcpus, mpidrs, 0);
	free(mpidrs);
	if (ret) {
		log_err(&vm->log, "cannot initialise the firmware: %s", strerror(-ret));
		return -1;
	}
	vm->fw_ready = true;
	return 0;
}

static int vm_add_devices(struct vm *vm)
{
	struct irq_line uart_irq = { gic_set_spi_level, &vm->gic, MEMMAP_UART_SPI };
	int ret;

	timer_device_init(&vm->timer, &vm->gic);
	psci_node_init(&vm->psci_node);
	ret = uart_16550_init(&vm->uart, MEMMAP_UART_BASE, STDOUT_FILENO, &uart_irq);
	if (ret) {
		log_err(&vm->log, "cannot set up the UART: %s", strerror(-ret));
		return -1;
	}
	ret = device_bus_add(&vm->bus, &vm->gic.dev);
	if (!ret)
		ret = device_bus_add(&vm->bus, &vm->timer);
	if (!ret)
		ret = device_bus_add(&vm->bus, &vm->uart.dev);
	if (!ret)
		ret = device_bus_add(&vm->bus, &vm->psci_node);
	if (ret)
		log_err(&vm->log, "cannot register devices: %s", strerror(-ret));
	return ret ? -1 : 0;
}

int vm_create(struct vm *vm, const struct vm_config *cfg)
{
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->cfg = cfg;
	vm->log.level = cfg->loglevel;
	vm->kvm_fd = vm->vm_fd = vm->stop_fd = -1;
	vm->gic.fd = -1;
	pthread_mutex_init(&vm->stop_lock, NULL);
	vm->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->stop_fd < 0 || vm_open_kvm(vm) || vm_pick_vcpu_count(vm) || vm_create_vm_and_ram(vm))
		return -1;
	vm->userspace_psci = !cfg->in_kernel_psci;
	if (vm->userspace_psci && !smccc_filter_supported(vm->vm_fd)) {
		log_err(&vm->log, "this host's KVM has no SMCCC filter (Linux 6.4 or later), so hvmm cannot serve PSCI; --in-kernel-psci lets KVM serve it");
		return -1;
	}
	if (gic_create(&vm->gic, vm->vm_fd, vm->nr_vcpus, &vm->log) || vm_create_vcpus(vm))
		return -1;
	ret = gic_init_late(&vm->gic);
	if (ret) {
		log_err(&vm->log, "cannot initialise the vGIC: %s", strerror(-ret));
		return -1;
	}
	if (vm->userspace_psci && vm_setup_firmware(vm))
		return -1;
	return vm_add_devices(vm);
}

void vm_destroy(struct vm *vm)
{
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
	if (vm->mem.host)
		munmap(vm->mem.host, vm->mem.size);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	if (vm->stop_fd >= 0)
		close(vm->stop_fd);
	pthread_mutex_destroy(&vm->stop_lock);
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
	struct fdt_params p = {
		.ram_base = vm->mem.base, .ram_size = vm->mem.size,
		.nr_cpus = vm->nr_vcpus, .cpus = cpus, .bootargs = bootargs,
		.initrd_start = vm->layout.initrd_start, .initrd_size = vm->layout.initrd_size,
		.stdout_path = stdout_path, .gic_phandle = GIC_PHANDLE, .bus = &vm->bus,
	};
	ret = fdt_build(dtb, FDT_MAX_SIZE, &p);
	if (ret) {
		log_err(&vm->log, "cannot build the device tree: libfdt error %d", ret);
		ret = -1;
		goto out;
	}
	if (vm->cfg->dump_dtb && file_write_all(vm->cfg->dump_dtb, dtb, fdt_totalsize(dtb))) {
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

	/* arm64 boot protocol: x0 = DTB, x1-x3 = 0 (KVM's reset already zeroed them). */
	if (!ret)
		ret = vcpu_reg_write(boot, FW_REG_X0, vm->layout.dtb_addr);
	if (ret)
		log_err(&vm->log, "vCPU 0: cannot set the boot registers: %s", strerror(-ret));
	return ret ? -1 : 0;
}

int vm_load(struct vm *vm)
{
	struct file_buf kernel = { 0 }, initrd = { 0 };
	char err[256];
	int ret = -1;

	if (file_read_all(vm->cfg->kernel, &kernel, err, sizeof(err))) {
		log_err(&vm->log, "kernel '%s': %s", vm->cfg->kernel, err);
		goto out;
	}
	if (vm->cfg->initrd && file_read_all(vm->cfg->initrd, &initrd, err, sizeof(err))) {
		log_err(&vm->log, "initrd '%s': %s", vm->cfg->initrd, err);
		goto out;
	}
	if (loader_plan_kernel(kernel.data, kernel.size, vm->mem.base, vm->mem.size, &vm->kernel, err, sizeof(err))) {
		log_err(&vm->log, "kernel '%s': %s", vm->cfg->kernel, err);
		goto out;
	}
	if (loader_plan_layout(&vm->kernel, initrd.size, MEMMAP_DTB_MAX_SIZE, vm->mem.base, vm->mem.size,
			       &vm->layout, err, sizeof(err))) {
		log_err(&vm->log, "%s", err);
		goto out;
	}
	log_info(&vm->log, "kernel '%s': %s, 0x%llx-0x%llx, entry 0x%llx%s", vm->cfg->kernel,
		 kernel_format_name(vm->kernel.format), (unsigned long long)vm->kernel.start,
		 (unsigned long long)vm->kernel.end, (unsigned long long)vm->kernel.entry,
		 vm->kernel.big_endian ? ", big-endian" : "");
	if (loader_load_kernel(&vm->kernel, kernel.data, kernel.size, &vm->mem) ||
	    (initrd.size && guest_mem_write(&vm->mem, vm->layout.initrd_start, initrd.data, initrd.size))) {
		log_err(&vm->log, "cannot copy the kernel or initrd into guest RAM");
		goto out;
	}
	if (vm_write_dtb(vm) || vm_boot_vcpu_setup(vm))
		goto out;
	ret = 0;
out:
	file_buf_free(&kernel);
	file_buf_free(&initrd);
	return ret;
}

/* ---- running and stopping ---- */

void vm_request_stop(struct vm *vm, enum vm_exit why)
{
	uint64_t one = 1;

	pthread_mutex_lock(&vm->stop_lock);
	if (!atomic_load(&vm->stopping)) {
		vm->exit = why;
		atomic_store(&vm->stopping, true);
	}
	pthread_mutex_unlock(&vm->stop_lock);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	if (write(vm->stop_fd, &one, sizeof(one)) < 0) {
		/* The counter cannot overflow from a few stops; nothing to do. */
	}
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
	console_feed(vm, b);
	return true;
}

static void vm_serve_console(struct vm *vm, int sig_fd)
{
	struct console con;
	struct console_backlog backlog = { .len = 0 };
	bool stdin_open = true;
	int ret = console_open(&con, STDIN_FILENO);

	if (ret)
		log_warn(&vm->log, "cannot put the terminal in raw mode: %s", strerror(-ret));
	while (!atomic_load(&vm->stopping)) {
		bool room = backlog.len + 1 < sizeof(backlog.buf);
		struct pollfd pfd[3] = {
			{ .fd = vm->stop_fd, .events = POLLIN },
			{ .fd = sig_fd, .events = POLLIN },
			{ .fd = stdin_open && room ? STDIN_FILENO : -1, .events = POLLIN },
		};
		/* With bytes waiting for the UART, look again soon. */
		int n = poll(pfd, 3, backlog.len ? 10 : -1);

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
			stdin_open = console_read(vm, &con, &backlog);
	}
	console_restore(&con);
}

enum vm_exit vm_run(struct vm *vm)
{
	sigset_t stop_sigs;
	int sig_fd, ret;

	/* Termination signals are read from a signalfd by the main thread; blocking
	 * them first means every vCPU thread inherits the block. */
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	sigaddset(&stop_sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop_sigs, NULL);
	sig_fd = signalfd(-1, &stop_sigs, SFD_CLOEXEC);
	ret = vcpu_kick_signal_install();
	if (sig_fd < 0 || ret) {
		vm_fail(vm, NULL, "cannot set up signal handling: %s", strerror(errno));
		return VM_EXIT_ERROR;
	}
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		ret = vcpu_start(&vm->vcpus[i]);
		if (ret) {
			vm_fail(vm, &vm->vcpus[i], "cannot start its thread: %s", strerror(-ret));
			break;
		}
	}
	vm_serve_console(vm, sig_fd);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].thread_started) {
			vcpu_kick(&vm->vcpus[i]);
			pthread_join(vm->vcpus[i].thread, NULL);
			vm->vcpus[i].thread_started = false;
		}
	}
	close(sig_fd);
	return vm->exit;
}

void vm_print_stats(const struct vm *vm)
{
	bool any = false;

	if (!vm->fw_ready) {
		fprintf(stderr, "hvmm: stats: PSCI was served by KVM (--in-kernel-psci); no calls reached hvmm\n");
		return;
	}
	for (unsigned int r = 0; r < SMCCC_RANGE_COUNT; r++) {
		for (unsigned int n = 0; n < smccc_ranges[r].count; n++) {
			uint64_t count = atomic_load(&vm->fw.stats.calls[r][n]);
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
