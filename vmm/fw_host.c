/* SPDX-License-Identifier: GPL-2.0-only */
/* The firmware's vCPU interface, implemented over KVM. */
#include <time.h>

#include "fw_host.h"
#include "vm.h"

static struct vcpu *host_vcpu(void *host, unsigned int id)
{
	return &((struct vm *)host)->vcpus[id];
}

static int host_reg_read(void *host, unsigned int id, enum fw_reg reg, uint64_t *val)
{
	return vcpu_reg_read(host_vcpu(host, id), reg, val);
}

static int host_reg_write(void *host, unsigned int id, enum fw_reg reg, uint64_t val)
{
	return vcpu_reg_write(host_vcpu(host, id), reg, val);
}

static int host_set_mp_state(void *host, unsigned int id, enum fw_mp_state state)
{
	return vcpu_set_mp_state(host_vcpu(host, id), state);
}

static int host_reset(void *host, unsigned int id, bool keep_timer)
{
	return vcpu_reset(host_vcpu(host, id), keep_timer);
}

static void host_kick(void *host, unsigned int id)
{
	vcpu_kick(host_vcpu(host, id));
}

static int host_vcpu_by_mpidr(void *host, uint64_t mpidr)
{
	struct vm *vm = host;

	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].mpidr == mpidr)
			return (int)i;
	return -1;
}

static uint64_t host_clock_us(void *host)
{
	struct timespec ts;

	(void)host;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000ULL;
}

static int host_ppi_level(void *host, unsigned int id, uint32_t intid, int level)
{
	return gic_set_ppi_level(&((struct vm *)host)->gic, id, intid, level);
}

static const struct fw_vcpu_ops kvm_fw_ops = {
	.reg_read = host_reg_read,
	.reg_write = host_reg_write,
	.set_mp_state = host_set_mp_state,
	.reset = host_reset,
	.kick = host_kick,
	.vcpu_by_mpidr = host_vcpu_by_mpidr,
	.clock_us = host_clock_us,
	.ppi_level = host_ppi_level,
};

void fw_host_init(struct fw_host *h, struct vm *vm)
{
	*h = (struct fw_host){
		.ops = &kvm_fw_ops,
		.host = vm,
		.ram_base = vm->mem.base,
		.ram_size = vm->mem.size,
	};
}
