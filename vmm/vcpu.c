/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm_compat.h"
#include "sve.h"
#include "vcpu.h"
#include "vm.h"


/* KVM register IDs. Core registers are addressed in 32-bit words into struct kvm_regs. */
#define CORE_REG(off) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | ((off) / sizeof(__u32)))
#define SYS_REG_SCTLR_EL1 ARM64_SYS_REG(3, 0, 1, 0, 0)
#define SYS_REG_MPIDR_EL1 ARM64_SYS_REG(3, 0, 0, 0, 5)

static uint64_t kvm_reg_id(enum fw_reg reg)
{
	if (reg <= FW_REG_X30)
		return CORE_REG(offsetof(struct kvm_regs, regs.regs) + sizeof(__u64) * (unsigned int)reg);
	switch (reg) {
	case FW_REG_SP_EL1:    return CORE_REG(offsetof(struct kvm_regs, sp_el1));
	case FW_REG_PC:        return CORE_REG(offsetof(struct kvm_regs, regs.pc));
	case FW_REG_PSTATE:    return CORE_REG(offsetof(struct kvm_regs, regs.pstate));
	case FW_REG_ELR_EL1:   return CORE_REG(offsetof(struct kvm_regs, elr_el1));
	case FW_REG_SPSR_EL1:  return CORE_REG(offsetof(struct kvm_regs, spsr) + sizeof(__u64) * KVM_SPSR_EL1);
	case FW_REG_SCTLR_EL1: return SYS_REG_SCTLR_EL1;
	case FW_REG_MPIDR_EL1: return SYS_REG_MPIDR_EL1;
	default:               return 0;
	}
}

int vcpu_reg_read(struct vcpu *vcpu, enum fw_reg reg, uint64_t *val)
{
	struct kvm_one_reg r = { .id = kvm_reg_id(reg), .addr = (uint64_t)(uintptr_t)val };

	if (!r.id)
		return -EINVAL;
	return ioctl(vcpu->fd, KVM_GET_ONE_REG, &r) ? -errno : 0;
}

int vcpu_reg_write(struct vcpu *vcpu, enum fw_reg reg, uint64_t val)
{
	struct kvm_one_reg r = { .id = kvm_reg_id(reg), .addr = (uint64_t)(uintptr_t)&val };

	if (!r.id)
		return -EINVAL;
	return ioctl(vcpu->fd, KVM_SET_ONE_REG, &r) ? -errno : 0;
}

int vcpu_set_mp_state(struct vcpu *vcpu, enum fw_mp_state state)
{
	static const uint32_t kvm_state[] = {
		[FW_MP_RUNNABLE] = KVM_MP_STATE_RUNNABLE,
		[FW_MP_STOPPED] = KVM_MP_STATE_STOPPED,
		[FW_MP_SUSPENDED] = KVM_MP_STATE_SUSPENDED,
	};
	struct kvm_mp_state mp = { .mp_state = kvm_state[state] };

	return ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp) ? -errno : 0;
}

/* The generic timer's comparators, in the order they are put back: the
 * compare values before the controls that enable them. */
static const uint64_t timer_regs[] = {
	KVM_REG_ARM_TIMER_CVAL, KVM_REG_ARM_PTIMER_CVAL,
	KVM_REG_ARM_TIMER_CTL, KVM_REG_ARM_PTIMER_CTL,
};

#define NR_TIMER_REGS (sizeof(timer_regs) / sizeof(timer_regs[0]))

static int vcpu_timer_access(struct vcpu *vcpu, uint64_t *vals, unsigned long request)
{
	for (unsigned int i = 0; i < NR_TIMER_REGS; i++) {
		struct kvm_one_reg r = { .id = timer_regs[i], .addr = (uint64_t)(uintptr_t)&vals[i] };

		if (ioctl(vcpu->fd, request, &r))
			return -errno;
	}
	return 0;
}

int vcpu_reset(struct vcpu *vcpu, bool keep_timer)
{
	uint64_t timer[NR_TIMER_REGS];
	int ret = keep_timer ? vcpu_timer_access(vcpu, timer, KVM_GET_ONE_REG) : 0;

	/* Re-issuing KVM_ARM_VCPU_INIT is KVM's warm reset; it also disables
	 * the timers, which an always-on timer must not see. */
	if (!ret && ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &vcpu->init))
		ret = -errno;
	if (!ret && keep_timer)
		ret = vcpu_timer_access(vcpu, timer, KVM_SET_ONE_REG);
	return ret;
}

static int vcpu_wakeup(struct vcpu *vcpu);

static void kick_handler(int sig)
{
	(void)sig;   /* only here to interrupt KVM_RUN */
}

int vcpu_kick_signal_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sigemptyset(&sa.sa_mask);
	return sigaction(VCPU_KICK_SIGNAL, &sa, NULL) ? -errno : 0;
}

int vcpu_create(struct vm *vm, struct vcpu *vcpu, unsigned int id)
{
	struct kvm_vcpu_init preferred;
	int ret;

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->vm = vm;
	vcpu->id = id;
	pthread_mutex_init(&vcpu->lock, NULL);
	pthread_cond_init(&vcpu->cond, NULL);
	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (vcpu->fd < 0)
		return -errno;
	vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		ret = -errno;
		vcpu->run = NULL;
		return ret;
	}
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &preferred))
		return -errno;
	vcpu->init.target = preferred.target;
	/* Secondaries start off; whoever serves PSCI powers them on. */
	vcpu->init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (id != 0)
		vcpu->init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	if (vm->cfg->pmu)
		vcpu->init.features[0] |= 1U << KVM_ARM_VCPU_PMU_V3;
	if (vm->sve)
		vcpu->init.features[0] |= 1U << KVM_ARM_VCPU_SVE;
	if (vm->cfg->aarch32)
		vcpu->init.features[0] |= 1U << KVM_ARM_VCPU_EL1_32BIT;
	ret = vcpu_reset(vcpu, false);
	if (!ret && vm->sve)
		ret = sve_vcpu_finalize(vcpu->fd, vm->cfg->sve_max_vl, &vm->sve_host_max_bits);
	if (ret)
		return ret;
	ret = vcpu_reg_read(vcpu, FW_REG_MPIDR_EL1, &vcpu->mpidr);
	if (ret)
		return ret;
	vcpu->mpidr &= FW_MPIDR_AFF_MASK;
	return 0;
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->vm->run_size);
	if (vcpu->fd >= 0 && vcpu->vm)
		close(vcpu->fd);
	if (vcpu->vm) {
		pthread_mutex_destroy(&vcpu->lock);
		pthread_cond_destroy(&vcpu->cond);
	}
	vcpu->run = NULL;
	vcpu->fd = -1;
}

void vcpu_kick(struct vcpu *vcpu)
{
	pthread_mutex_lock(&vcpu->lock);
	vcpu->wake_seq++;
	pthread_cond_broadcast(&vcpu->cond);
	pthread_mutex_unlock(&vcpu->lock);
	/* immediate_exit covers a kick that lands just before KVM_RUN is entered;
	 * the signal covers one that lands while the guest runs. */
	__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (vcpu->thread_started)
		pthread_kill(vcpu->thread, VCPU_KICK_SIGNAL);
	/* A vCPU waiting for a lazy page waits on the lazy-memory lock. */
	if (vcpu->vm->in->lazy)
		lazy_mem_kick(vcpu->vm->in->lazy);
}

static int vcpu_format_regs(struct vcpu *vcpu, char *buf, size_t len)
{
	static const struct { enum fw_reg reg; const char *name; } named[] = {
		{ FW_REG_PC, "pc" }, { FW_REG_PSTATE, "pstate" }, { FW_REG_SP_EL1, "sp_el1" },
		{ FW_REG_ELR_EL1, "elr_el1" }, { FW_REG_SPSR_EL1, "spsr_el1" },
		{ FW_REG_SCTLR_EL1, "sctlr_el1" }, { FW_REG_MPIDR_EL1, "mpidr_el1" },
	};
	size_t n = (size_t)snprintf(buf, len, "vcpu %u:\n", vcpu->id);
	uint64_t v;
	int ret;

	for (unsigned int i = 0; i <= FW_REG_X30 && n < len; i++) {
		ret = vcpu_reg_read(vcpu, (enum fw_reg)i, &v);
		if (ret)
			return ret;
		n += (size_t)snprintf(buf + n, len - n, "  x%-2u %016llx%s", i, (unsigned long long)v,
				      i % 4 == 3 || i == FW_REG_X30 ? "\n" : "");
	}
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]) && n < len; i++) {
		ret = vcpu_reg_read(vcpu, named[i].reg, &v);
		if (ret)
			return ret;
		n += (size_t)snprintf(buf + n, len - n, "  %-9s %016llx\n", named[i].name, (unsigned long long)v);
	}
	return 0;
}

bool vcpu_has_request(struct vcpu *vcpu)
{
	bool pending;

	pthread_mutex_lock(&vcpu->lock);
	pending = (vcpu->call_fn && !vcpu->call_done) || vcpu->system_wake;
	pthread_mutex_unlock(&vcpu->lock);
	return pending;
}

/*
 * KVM finishes an MMIO load (the destination register, PC + 4) only in the
 * next KVM_RUN. Before hvmm itself reads or changes registers (an SDEI
 * handler entry, a register dump), let KVM finish it: a KVM_RUN with
 * immediate_exit completes the access and returns at once.
 */
static int vcpu_complete_mmio(struct vcpu *vcpu)
{
	if (!vcpu->mmio_pending)
		return 0;
	vcpu->mmio_pending = false;
	__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (ioctl(vcpu->fd, KVM_RUN, 0) == 0 || (errno != EINTR && errno != EAGAIN))
		return -EIO;   /* it entered the guest after all, or failed */
	__atomic_store_n(&vcpu->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
	return 0;
}

int vcpu_service_requests(struct vcpu *vcpu)
{
	int (*fn)(struct vcpu *vcpu, void *arg);
	void *arg;
	bool wake;

	pthread_mutex_lock(&vcpu->lock);
	fn = vcpu->call_done ? NULL : vcpu->call_fn;
	arg = vcpu->call_arg;
	wake = vcpu->system_wake;
	vcpu->system_wake = false;
	pthread_mutex_unlock(&vcpu->lock);
	if (fn) {
		int ret = fn(vcpu, arg);

		pthread_mutex_lock(&vcpu->lock);
		vcpu->call_result = ret;
		vcpu->call_done = true;
		pthread_cond_broadcast(&vcpu->cond);
		pthread_mutex_unlock(&vcpu->lock);
	}
	return wake ? vcpu_wakeup(vcpu) : 0;
}

/* Run fn(vcpu, arg) on the vCPU's own thread and wait up to timeout_ms for
 * its result: only that thread may touch the vCPU's registers. */
static int vcpu_call_on_thread(struct vcpu *vcpu, int (*fn)(struct vcpu *vcpu, void *arg), void *arg,
			       unsigned int timeout_ms)
{
	struct timespec deadline;
	int ret = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&vcpu->lock);
	if (vcpu->call_fn) {
		pthread_mutex_unlock(&vcpu->lock);
		return -EBUSY;
	}
	vcpu->call_fn = fn;
	vcpu->call_arg = arg;
	vcpu->call_done = false;
	pthread_mutex_unlock(&vcpu->lock);
	vcpu_kick(vcpu);
	vm_pause_poke(vcpu->vm);
	pthread_mutex_lock(&vcpu->lock);
	while (!vcpu->call_done && ret == 0)
		ret = pthread_cond_timedwait(&vcpu->cond, &vcpu->lock, &deadline);
	if (vcpu->call_done)
		ret = vcpu->call_result;
	else
		ret = -ETIMEDOUT;
	vcpu->call_fn = NULL;
	vcpu->call_done = false;
	pthread_mutex_unlock(&vcpu->lock);
	return ret;
}

struct dump_request {
	char *buf;
	size_t len;
};

static int vcpu_dump_on_thread(struct vcpu *vcpu, void *arg)
{
	const struct dump_request *d = arg;
	int ret = vcpu_complete_mmio(vcpu);

	return ret ? ret : vcpu_format_regs(vcpu, d->buf, d->len);
}

int vcpu_dump_regs(struct vcpu *vcpu, char *buf, size_t len, unsigned int timeout_ms)
{
	struct dump_request d = { buf, len };

	return vcpu_call_on_thread(vcpu, vcpu_dump_on_thread, &d, timeout_ms);
}

static int vcpu_probe_on_thread(struct vcpu *vcpu, void *arg)
{
	(void)vcpu;
	return sandbox_probe(*(const int *)arg);
}

int vcpu_probe_sandbox(struct vcpu *vcpu, int probe, unsigned int timeout_ms)
{
	return vcpu_call_on_thread(vcpu, vcpu_probe_on_thread, &probe, timeout_ms);
}

void vcpu_request_system_wake(struct vcpu *vcpu)
{
	pthread_mutex_lock(&vcpu->lock);
	vcpu->system_wake = true;
	pthread_mutex_unlock(&vcpu->lock);
	vcpu_kick(vcpu);
}

uint64_t vcpu_wake_seq(struct vcpu *vcpu)
{
	uint64_t seq;

	pthread_mutex_lock(&vcpu->lock);
	seq = vcpu->wake_seq;
	pthread_mutex_unlock(&vcpu->lock);
	return seq;
}

static void vcpu_sleep(struct vcpu *vcpu, uint64_t seq)
{
	pthread_mutex_lock(&vcpu->lock);
	while (vcpu->wake_seq == seq && !atomic_load(&vcpu->vm->stopping) &&
	       !(vcpu->call_fn && !vcpu->call_done))
		pthread_cond_wait(&vcpu->cond, &vcpu->lock);
	pthread_mutex_unlock(&vcpu->lock);
}

/* --debug-mmio: each access a device served, as kvmtool's option prints them. */
static void vcpu_trace_mmio(const struct vcpu *vcpu, const struct vm_device *dev, int ret)
{
	const struct kvm_run *run = vcpu->run;
	uint64_t val = 0;

	memcpy(&val, run->mmio.data, run->mmio.len < sizeof(val) ? run->mmio.len : sizeof(val));
	/* Asked for on the command line: printed whatever --loglevel says, plain. */
	log_msg(&vcpu->vm->log, LOG_ERROR, "mmio: vCPU %u %s %s+0x%llx len %u data 0x%llx%s", vcpu->id,
		 run->mmio.is_write ? "write" : "read", dev->name,
		 (unsigned long long)(run->mmio.phys_addr - dev->base), run->mmio.len, (unsigned long long)val,
		 ret ? " (refused)" : "");
}

static int vcpu_handle_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint64_t addr = run->mmio.phys_addr;
	unsigned int len = run->mmio.len;
	struct vm_device *dev = device_bus_find(&vcpu->vm->bus, addr, len);
	int ret;

	if (!dev || !dev->ops->mmio_read || !dev->ops->mmio_write) {
		/* No device there: reads see zero, writes are dropped, as on a bus
		 * with nothing behind it; the guest is not allowed to kill hvmm. */
		log_debug(&vcpu->vm->log, "vCPU %u: %s of %u bytes at 0x%llx hits no device", vcpu->id,
			  run->mmio.is_write ? "write" : "read", len, (unsigned long long)addr);
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0, sizeof(run->mmio.data));
		vcpu->mmio_pending = true;
		return 0;
	}
	if (run->mmio.is_write)
		ret = dev->ops->mmio_write(dev, addr - dev->base, run->mmio.data, len);
	else
		ret = dev->ops->mmio_read(dev, addr - dev->base, run->mmio.data, len);
	vcpu->mmio_pending = true;
	if (vcpu->vm->cfg->debug_mmio)
		vcpu_trace_mmio(vcpu, dev, ret);
	return ret;
}

static int vcpu_handle_hypercall(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	uint32_t fid = (uint32_t)vcpu->run->hypercall.nr;
	enum smccc_conduit conduit = vcpu->run->hypercall.longmode & HVMM_KVM_HYPERCALL_EXIT_SMC ? SMCCC_CONDUIT_SMC
										   : SMCCC_CONDUIT_HVC;
	struct smccc_call call;
	const char *name;

	switch (firmware_call(&vm->fw, vcpu->id, fid, conduit, &call)) {
	case SMCCC_CONTINUE:
		return 0;
	case SMCCC_SYSTEM_OFF:
		log_info(&vm->log, "vCPU %u: guest called SYSTEM_OFF", vcpu->id);
		vm_request_stop(vm, VM_EXIT_POWEROFF);
		return 0;
	case SMCCC_SYSTEM_RESET:
		log_info(&vm->log, "vCPU %u: guest asked for a reset", vcpu->id);
		vm_request_stop(vm, VM_EXIT_RESET);
		return 0;
	case SMCCC_SYSTEM_SUSPEND:
		log_info(&vm->log, "vCPU %u: guest suspended the system; console input or 'hvmm resume' wakes it",
			 vcpu->id);
		atomic_store(&vm->suspended_vcpu, vcpu->id);
		atomic_store(&vm->system_suspended, true);
		return 0;
	case SMCCC_FAILED:
		break;
	}
	name = smccc_function_name(vm->fw.claims, fid);
	vm_fail(vm, vcpu, "serving SMCCC call 0x%08x (%s, %s) failed", fid, name ? name : "unnamed",
		smccc_conduit_name(conduit));
	return -1;
}

/* An interrupt ended a CPU_SUSPEND (or SYSTEM_SUSPEND ended): back to running. */
static int vcpu_wakeup(struct vcpu *vcpu)
{
	int ret;

	if (vcpu->vm->userspace_psci)
		ret = firmware_vcpu_wakeup(&vcpu->vm->fw, vcpu->id);
	else
		ret = vcpu_set_mp_state(vcpu, FW_MP_RUNNABLE);
	if (ret)
		vm_fail(vcpu->vm, vcpu, "waking up failed: %s", strerror(-ret));
	return ret ? -1 : 0;
}

/* Only reached with --in-kernel-psci, or for WAKEUP. */
static int vcpu_handle_system_event(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	switch (vcpu->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		vm_request_stop(vm, VM_EXIT_POWEROFF);
		return 0;
	case KVM_SYSTEM_EVENT_RESET:
		vm_request_stop(vm, VM_EXIT_RESET);
		return 0;
	case KVM_SYSTEM_EVENT_WAKEUP:
		return vcpu_wakeup(vcpu);
	default:
		vm_fail(vm, vcpu, "unexpected system event %u", vcpu->run->system_event.type);
		return -1;
	}
}

static int vcpu_handle_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		if (vcpu_handle_mmio(vcpu)) {
			vm_fail(vcpu->vm, vcpu, "MMIO %s at 0x%llx failed", run->mmio.is_write ? "write" : "read",
				(unsigned long long)run->mmio.phys_addr);
			return -1;
		}
		return 0;
	case KVM_EXIT_HYPERCALL:
		return vcpu_handle_hypercall(vcpu);
	case KVM_EXIT_SYSTEM_EVENT:
		return vcpu_handle_system_event(vcpu);
	case KVM_EXIT_FAIL_ENTRY:
		vm_fail(vcpu->vm, vcpu, "KVM_EXIT_FAIL_ENTRY (hardware reason 0x%llx)",
			(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return -1;
	case KVM_EXIT_INTERNAL_ERROR:
		vm_fail(vcpu->vm, vcpu, "KVM_EXIT_INTERNAL_ERROR (suberror %u)", run->internal.suberror);
		return -1;
	default:
		vm_fail(vcpu->vm, vcpu, "unhandled exit reason %u", run->exit_reason);
		return -1;
	}
}

/* Does the vCPU have somewhere to run? 1 yes, 0 powered off, -1 failed. */
static int vcpu_prepare(struct vcpu *vcpu)
{
	int ret;

	if (!vcpu->vm->userspace_psci)
		return 1;   /* KVM keeps powered-off vCPUs asleep inside KVM_RUN */
	/* An event raised now waits for the next KVM_RUN to finish the
	 * MMIO exit; whoever raised it kicked us, so that run returns at once. */
	/* Powers the vCPU on after a CPU_ON, ends a CPU_SUSPEND an SDEI event
	 * is waiting for, and enters a deliverable SDEI handler. */
	ret = firmware_vcpu_prepare(&vcpu->vm->fw, vcpu->id, vcpu->mmio_pending);
	if (ret < 0)
		vm_fail(vcpu->vm, vcpu, "preparing to run failed: %s", strerror(-ret));
	return ret;
}

void vcpu_run(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	if (vm->in->lazy && vcpu_lazy_prepare(vcpu))
		return;

	while (!atomic_load(&vm->stopping)) {
		uint64_t seq = vcpu_wake_seq(vcpu);
		int ready;

		if (vcpu_service_requests(vcpu))
			break;
		if (atomic_load(&vm->paused)) {
			vm_pause_point(vm, vcpu);
			continue;
		}
		ready = vcpu_prepare(vcpu);
		if (ready < 0)
			break;
		if (ready == 0) {
			vcpu_sleep(vcpu, seq);
			__atomic_store_n(&vcpu->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
			continue;
		}
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			int err = errno;

			/* Any return from KVM_RUN has finished the previous exit. */
			vcpu->mmio_pending = false;
			__atomic_store_n(&vcpu->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
			if (err == EINTR && vm->in->lazy && vcpu_lazy_fault(vcpu, seq))
				break;
			if (err == EINTR || err == EAGAIN)
				continue;
			vm_fail(vm, vcpu, "KVM_RUN failed: %s", strerror(err));
			break;
		}
		vcpu->mmio_pending = false;
		if (vcpu_handle_exit(vcpu))
			break;
	}
}
