/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where a VM and its vCPU threads call into lazy memory: the attach at
 * load, and the vCPU side of a fault, with what may end a wait (stop,
 * pause, a request, any kick).
 */
#include <string.h>

#include "vmm/vcpu.h"
#include "vmm/vm.h"

/* hvmm writes no guest RAM after this (lazy_mem_make_present is for any
 * later need). */
int vm_attach_lazy_mem(struct vm *vm)
{
	char err[256];

	if (!vm->in->lazy)
		return 0;
	if (lazy_mem_attach(vm->in->lazy, vm->mem.host, vm->mem.base, vm->mem.size, vm->nr_vcpus,
			    &vm->lazy_hooks, err, sizeof(err))) {
		log_err(&vm->log, "%s", err);
		return -1;
	}
	vm->lazy_attached = true;
	return 0;
}

int vcpu_lazy_prepare(struct vcpu *vcpu)
{
	int ret = lazy_vcpu_prepare(vcpu->vm->in->lazy, vcpu->fd);

	if (ret)
		vm_fail(vcpu->vm, vcpu, "--lazy-mem: cannot set the signal mask of KVM_RUN: %s", strerror(-ret));
	return ret ? -1 : 0;
}

struct lazy_wait {
	struct vcpu *vcpu;
	uint64_t seq;
};

/* Asked under the lock lazy_mem_kick takes, after every kick. */
static bool lazy_wait_interrupted(void *arg)
{
	const struct lazy_wait *w = arg;
	struct vm *vm = w->vcpu->vm;

	return atomic_load(&vm->stopping) || atomic_load(&vm->paused) || vcpu_wake_seq(w->vcpu) != w->seq;
}

int vcpu_lazy_fault(struct vcpu *vcpu, uint64_t seq)
{
	struct lazy_wait w = { vcpu, seq };
	char err[256];

	if (!lazy_vcpu_fault(vcpu->vm->in->lazy, vcpu->id, lazy_wait_interrupted, &w, err, sizeof(err)))
		return 0;
	vm_fail(vcpu->vm, vcpu, "%s", err);
	return -1;
}
