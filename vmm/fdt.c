/* SPDX-License-Identifier: GPL-2.0-only */
#include <libfdt.h>
#include <stdio.h>

#include "fdt.h"

#define TRY(expr) do { int ret_ = (expr); if (ret_ < 0) return ret_; } while (0)

static int setprop_reg(void *fdt, int node, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	return fdt_setprop(fdt, node, "reg", reg, sizeof(reg));
}

static int add_root_props(void *fdt, const struct fdt_params *p)
{
	TRY(fdt_setprop_u32(fdt, 0, "#address-cells", 2));
	TRY(fdt_setprop_u32(fdt, 0, "#size-cells", 2));
	TRY(fdt_setprop_string(fdt, 0, "compatible", "linux,dummy-virt"));
	TRY(fdt_setprop_string(fdt, 0, "model", "hvmm"));
	return fdt_setprop_u32(fdt, 0, "interrupt-parent", p->gic_phandle);
}

static int add_memory(void *fdt, const struct fdt_params *p)
{
	char name[40];
	int node;

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)p->ram_base);
	node = fdt_add_subnode(fdt, 0, name);
	TRY(node);
	TRY(fdt_setprop_string(fdt, node, "device_type", "memory"));
	return setprop_reg(fdt, node, p->ram_base, p->ram_size);
}

static int add_idle_states(void *fdt, int cpus, const struct fdt_params *p)
{
	int states = fdt_add_subnode(fdt, cpus, "idle-states");

	TRY(states);
	TRY(fdt_setprop_string(fdt, states, "entry-method", "psci"));
	for (unsigned int i = p->nr_idle_states; i-- > 0;) {
		const struct fdt_idle_state *st = &p->idle_states[i];
		int node = fdt_add_subnode(fdt, states, st->name);

		TRY(node);
		TRY(fdt_setprop_string(fdt, node, "compatible", "arm,idle-state"));
		TRY(fdt_setprop_u32(fdt, node, "arm,psci-suspend-param", st->psci_suspend_param));
		TRY(fdt_setprop_u32(fdt, node, "entry-latency-us", st->entry_latency_us));
		TRY(fdt_setprop_u32(fdt, node, "exit-latency-us", st->exit_latency_us));
		TRY(fdt_setprop_u32(fdt, node, "min-residency-us", st->min_residency_us));
		if (st->local_timer_stop)
			TRY(fdt_setprop(fdt, node, "local-timer-stop", NULL, 0));
		TRY(fdt_setprop_u32(fdt, node, "phandle", FDT_IDLE_STATE_PHANDLE_BASE + i));
	}
	return 0;
}

static int add_cpu_idle_states(void *fdt, int cpu, const struct fdt_params *p)
{
	fdt32_t phandles[8];

	if (p->nr_idle_states > sizeof(phandles) / sizeof(phandles[0]))
		return -FDT_ERR_BADVALUE;
	for (unsigned int i = 0; i < p->nr_idle_states; i++)
		phandles[i] = cpu_to_fdt32(FDT_IDLE_STATE_PHANDLE_BASE + i);
	return fdt_setprop(fdt, cpu, "cpu-idle-states", phandles,
			   (int)(p->nr_idle_states * sizeof(phandles[0])));
}

static int add_cpus(void *fdt, const struct fdt_params *p)
{
	int cpus = fdt_add_subnode(fdt, 0, "cpus");

	TRY(cpus);
	/* Two address cells so that Aff3 (MPIDR bits 39:32) fits. */
	TRY(fdt_setprop_u32(fdt, cpus, "#address-cells", 2));
	TRY(fdt_setprop_u32(fdt, cpus, "#size-cells", 0));
	/* fdt_add_subnode puts each new node first; add in reverse to keep cpu order. */
	for (unsigned int i = p->nr_cpus; i-- > 0;) {
		uint64_t mpidr = p->cpus[i].mpidr;
		fdt64_t reg = cpu_to_fdt64(mpidr);
		char name[32];
		int cpu;

		snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)mpidr);
		cpu = fdt_add_subnode(fdt, cpus, name);
		TRY(cpu);
		TRY(fdt_setprop_string(fdt, cpu, "device_type", "cpu"));
		TRY(fdt_setprop_string(fdt, cpu, "compatible", "arm,armv8"));
		TRY(fdt_setprop(fdt, cpu, "reg", &reg, sizeof(reg)));
		TRY(fdt_setprop_string(fdt, cpu, "enable-method", "psci"));
		if (p->nr_idle_states)
			TRY(add_cpu_idle_states(fdt, cpu, p));
	}
	if (p->nr_idle_states)
		TRY(add_idle_states(fdt, cpus, p));
	return 0;
}

static int add_chosen(void *fdt, const struct fdt_params *p)
{
	int node = fdt_add_subnode(fdt, 0, "chosen");

	TRY(node);
	TRY(fdt_setprop_string(fdt, node, "bootargs", p->bootargs ? p->bootargs : ""));
	if (p->stdout_path)
		TRY(fdt_setprop_string(fdt, node, "stdout-path", p->stdout_path));
	/* Lets a scripted guest tell its first boot from one after a reset. */
	if (p->boot_count)
		TRY(fdt_setprop_u32(fdt, node, "hvmm,boot-count", p->boot_count));
	if (p->has_kaslr_seed)
		TRY(fdt_setprop_u64(fdt, node, "kaslr-seed", p->kaslr_seed));
	if (p->initrd_size) {
		TRY(fdt_setprop_u64(fdt, node, "linux,initrd-start", p->initrd_start));
		TRY(fdt_setprop_u64(fdt, node, "linux,initrd-end", p->initrd_start + p->initrd_size));
	}
	return 0;
}

int fdt_build(void *buf, size_t bufsize, const struct fdt_params *p)
{
	struct fdt_ctx ctx = { .fdt = buf, .gic_phandle = p->gic_phandle, .nr_cpus = p->nr_cpus };

	/* The idle states' phandles are fixed; a GIC phandle among them would
	 * make cpu-idle-states lead to the GIC. */
	if (p->nr_idle_states && p->gic_phandle >= FDT_IDLE_STATE_PHANDLE_BASE &&
	    p->gic_phandle - FDT_IDLE_STATE_PHANDLE_BASE < p->nr_idle_states)
		return -FDT_ERR_BADPHANDLE;
	TRY(fdt_create_empty_tree(buf, (int)bufsize));
	TRY(add_root_props(buf, p));
	TRY(add_chosen(buf, p));
	TRY(add_memory(buf, p));
	TRY(add_cpus(buf, p));
	TRY(device_bus_fdt_emit(p->bus, &ctx));
	return fdt_pack(buf);
}
