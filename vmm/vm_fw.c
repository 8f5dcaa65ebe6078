/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The firmware of one boot: the configuration the VMM hands the SMCCC
 * services (firmware/registry.c), the ranges claimed from KVM, and the
 * callbacks through which the services reach hvmm's devices.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "fw_host.h"
#include "memmap.h"
#include "sdei_events.h"
#include "smccc_filter.h"
#include "timer.h"
#include "vm.h"

/* The lines hvmm drives and a guest may bind to SDEI events: the UART's. */
static const uint32_t sdei_bindable_intids[] = { 32 + MEMMAP_UART_SPI };

/* With --lazy-mem (vmm/lazy/) the async-pf service is served. */
bool vm_lazy_mem_enabled(const struct vm *vm)
{
	return vm->in->lazy != NULL;
}

/* lazy_hooks.fault: the protocol decides. A page that landed while it did
 * (the fetcher's landed hook came before the token existed) is told now:
 * telling twice does nothing. */
static int vm_apf_fault(void *opaque, unsigned int vcpu, uint64_t gpa)
{
	struct vm *vm = opaque;
	int ret = firmware_apf_fault(&vm->fw, vcpu, gpa);

	if (ret == 1 && lazy_mem_page_present(vm->in->lazy, gpa))
		firmware_apf_page_ready(&vm->fw, gpa);
	return ret;
}

/* lazy_hooks.landed, on the fetcher thread. */
static void vm_apf_landed(void *opaque, uint64_t gpa)
{
	struct vm *vm = opaque;

	firmware_apf_page_ready(&vm->fw, gpa);
}

static int vm_sdei_config(struct vm *vm, const uint64_t *mpidrs, struct sdei_config *out,
			  struct sdei_event_config **events)
{
	char err[200];
	int n;

	*events = calloc(VM_MAX_SDEI_EVENTS, sizeof(**events));
	if (!*events)
		return -ENOMEM;
	n = vm_sdei_events(vm->cfg, vm_lazy_mem_enabled(vm), *events, err, sizeof(err));
	if (n < 0) {
		log_err(&vm->log, "SDEI: %s", err);
		free(*events);
		*events = NULL;
		return -ENOSPC;
	}
	*out = (struct sdei_config){
		.nr_cpus = vm->nr_vcpus,
		.mpidrs = mpidrs,
		.events = *events,
		.nr_events = (unsigned int)n,
		.bindable_intids = sdei_bindable_intids,
		.nr_bindable = sizeof(sdei_bindable_intids) / sizeof(sdei_bindable_intids[0]),
	};
	return 0;
}

/* SDEI handed the UART's line back to the GIC: resend its level. */
static void vm_lines_released(void *opaque)
{
	struct vm *vm = opaque;

	uart_16550_irq_resync(&vm->uart);
}

/* TRNG's entropy: the host kernel's random pool. Without waiting: a pool
 * not yet initialised is TRNG's NO_ENTROPY, not a stalled vCPU. */
static int vm_trng_fill(void *opaque, void *buf, size_t len)
{
	uint8_t *p = buf;

	(void)opaque;
	while (len) {
		ssize_t n = getrandom(p, len, GRND_NONBLOCK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* hvmm's DEBUG_WRITE: the bytes go where the UART's do, and like the
 * UART's, what the host refuses is dropped rather than retried. */
static void vm_debug_write(void *opaque, const void *buf, size_t len)
{
	struct vm *vm = opaque;
	const uint8_t *p = buf;

	while (len && vm->uart.out_fd >= 0) {
		ssize_t n = write(vm->uart.out_fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/* hvmm's EXIT: stop like SYSTEM_OFF, hvmm exiting with the guest's status. */
static void vm_guest_exit(void *opaque, unsigned int vcpu, unsigned int status)
{
	struct vm *vm = opaque;

	log_info(&vm->log, "vCPU %u: guest asked hvmm to exit with status %u", vcpu, status);
	vm_request_guest_exit(vm, status);
}

/* A vCPU thread waiting for a handler runs no guest code: for hvmm pause
 * it counts as parked, so that a handler taking its time does not hold a
 * pause up (the thread parks for real before it enters the guest again). */
static void vm_count_parked(struct vm *vm, bool parked)
{
	pthread_mutex_lock(&vm->pause_lock);
	if (parked)
		vm->nr_parked++;
	else
		vm->nr_parked--;
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
}

/* fw_user_handlers.ask, on a vCPU thread: handler h answers c; the VM
 * stopping ends the wait. */
static int vm_user_ask(void *opaque, unsigned int h, struct smccc_call *c)
{
	struct vm *vm = opaque;
	char err[256];
	int ret;

	vm_count_parked(vm, true);
	ret = handler_set_ask(vm->in->handlers, h, c, &vm->stopping, err, sizeof(err));
	vm_count_parked(vm, false);
	if (ret != -EPIPE)
		return ret;
	/* The handler failed: its range is answered NOT_SUPPORTED from now on
	 * (c says so already), or, with --smccc-handler-fail stop, hvmm stops. */
	vm_handler_failed(vm, err);
	return 0;
}

void vm_handler_failed(struct vm *vm, const char *reason)
{
	if (vm->cfg->smccc_handler_fail_stop) {
		vm_fail_handler(vm, reason);
		return;
	}
	log_warn(&vm->log, "%s; its calls get NOT_SUPPORTED from now on", reason);
}

void vm_fail_handler(struct vm *vm, const char *reason)
{
	pthread_mutex_lock(&vm->stop_lock);
	if (!atomic_load(&vm->stopping))
		snprintf(vm->exit_msg, sizeof(vm->exit_msg), "%s", reason);
	pthread_mutex_unlock(&vm->stop_lock);
	vm_request_stop(vm, VM_EXIT_HANDLER);
}

void vm_check_handlers(struct vm *vm)
{
	char err[256];

	if (handler_set_check_hangup(vm->in->handlers, err, sizeof(err)))
		vm_handler_failed(vm, err);
}

/* The first boot builds the table of claimed ranges (later boots have the
 * same configuration and keep its counts); every boot claims them. */
static int vm_claim_ranges(struct vm *vm, const struct fw_config *fc)
{
	struct smccc_claims *cl = vm->in->claims;
	char err[256];
	int ret;

	if (!cl->counts) {
		ret = smccc_claims_build(cl, fc, err, sizeof(err));
		if (ret) {
			log_err(&vm->log, "cannot set up the SMCCC services: %s", err);
			return -1;
		}
	}
	for (unsigned int i = 0; i < cl->nr_claims; i++) {
		const struct smccc_claim *c = &cl->claim[i];

		ret = smccc_filter_forward(vm->vm_fd, c->range.base, c->range.count);
		if (ret) {
			log_err(&vm->log, "cannot claim SMCCC range 0x%08x+0x%x (%s) from KVM: %s",
				c->range.base, c->range.count, c->service->name, strerror(-ret));
			return -1;
		}
	}
	return 0;
}

static int vm_start_firmware(struct vm *vm, struct fw_config *fc, const uint64_t *mpidrs)
{
	struct sdei_event_config *sdei_events = NULL;
	struct sdei_config sdei;
	struct fw_host host;
	int ret;

	fw_host_init(&host, vm);
	ret = vm_sdei_config(vm, mpidrs, &sdei, &sdei_events);
	if (!ret) {
		fc->sdei = vm->cfg->no_sdei ? NULL : &sdei;
		ret = vm_claim_ranges(vm, fc) ? -EINVAL : 0;
		if (!ret) {
			ret = firmware_init(&vm->fw, &host, fc, vm->in->claims);
			if (ret)
				log_err(&vm->log, "cannot initialise the firmware: %s", strerror(-ret));
		}
	}
	free(sdei_events);
	return ret;
}

int vm_setup_firmware(struct vm *vm, const bool *cpu_enabled)
{
	struct psci_config psci = {
		.nr_cpus = vm->nr_vcpus,
		.boot_cpu = 0,
		.nr_enabled = cpu_enabled ? vm->nr_vcpus : vm->nr_enabled,
		.pstate_format = vm->cfg->suspend_format_original ? PSCI_PSTATE_FORMAT_ORIGINAL
								   : PSCI_PSTATE_FORMAT_EXTENDED,
		.cpu_on_pending = vm->cfg->psci_on_pending,
	};
	struct fw_config fc = {
		.psci = &psci,
		.conduit = vm->cfg->psci_conduit,
		.lines_released = vm_lines_released,
		.opaque = vm,
		.hvmm = { .debug_write = vm_debug_write, .exit = vm_guest_exit, .opaque = vm },
		.user = { vm->in->handlers->range, vm->in->handlers->nr, vm_user_ask, vm },
	};
	uint64_t *mpidrs;
	int ret;

	mpidrs = calloc(vm->nr_vcpus, sizeof(*mpidrs));
	if (!mpidrs)
		return -1;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		mpidrs[i] = vm->vcpus[i].mpidr;
	psci.mpidrs = mpidrs;
	if (!vm->cfg->no_trng)
		fc.trng.fill = vm_trng_fill;
	fc.apf = vm_lazy_mem_enabled(vm);
	fc.apf_ready_ppis = GIC_PPI_INTIDS & ~timer_ppi_intids() & ~GIC_RESERVED_PPIS;
	ret = vm_start_firmware(vm, &fc, mpidrs);
	free(mpidrs);
	if (ret)
		return -1;
	vm->fw_ready = true;
	if (firmware_apf_active(&vm->fw))
		vm->lazy_hooks = (struct lazy_hooks){ vm_apf_fault, vm_apf_landed, vm };
	/* Hot-add state carried over from before a guest reset. */
	for (unsigned int i = 1; cpu_enabled && i < vm->nr_vcpus; i++) {
		if (!cpu_enabled[i] && psci_cpu_set_enabled(&vm->fw.psci, i, false)) {
			log_err(&vm->log, "vCPU %u: cannot keep it disabled across the reset", i);
			return -1;
		}
	}
	return 0;
}
