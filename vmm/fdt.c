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
	}
	return 0;
}

static int add_chosen(void *fdt, const struct fdt_params *p)
{
	int node = fdt_add_subnode(fdt, 0, "chosen");

	TRY(node);
	TRY(fdt_setprop_string(fdt, node, "bootargs", p->bootargs ? p->bootargs : ""));
	if (p->stdout_path)
		TRY(fdt_setprop_string(fdt, node, "stdout-path", p->stdout_path));
	if (p->initrd_size) {
		TRY(fdt_setprop_u64(fdt, node, "linux,initrd-start", p->initrd_start));
		TRY(fdt_setprop_u64(fdt, node, "linux,initrd-end", p->initrd_start + p->initrd_size));
	}
	return 0;
}

int fdt_build(void *buf, size_t bufsize, const struct fdt_params *p)
{
	struct fdt_ctx ctx = { .fdt = buf, .gic_phandle = p->gic_phandle, .nr_cpus = p->nr_cpus };

	TRY(fdt_create_empty_tree(buf, (int)bufsize));
	TRY(add_root_props(buf, p));
	TRY(add_chosen(buf, p));
	TRY(add_memory(buf, p));
	TRY(add_cpus(buf, p));
	TRY(device_bus_fdt_emit(p->bus, &ctx));
	return fdt_pack(buf);
}
