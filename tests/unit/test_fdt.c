/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the guest device tree (vmm/fdt.c) and the nodes the devices
 * add to it (vmm/gic_node.c, vmm/timer.c, vmm/psci_node.c, vmm/sdei_node.c,
 * the 16550 UART).
 * The tree is built as vm_write_dtb builds it, then read back with libfdt.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <libfdt.h>

#include "devices/device.h"
#include "devices/uart_16550.h"
#include "vmm/fdt.h"
#include "vmm/gic.h"
#include "vmm/memmap.h"
#include "vmm/psci_node.h"
#include "vmm/sdei_node.h"
#include "vmm/timer.h"

#define RAM_SIZE (512ULL << 20)
#define MAX_TEST_CPUS 1024
#define BOOTARGS "console=ttyS0 earlycon root=/dev/ram0"

/* GIC interrupt specifier values (bindings/interrupt-controller/arm,gic*.yaml). */
#define GIC_SPI 0
#define GIC_PPI 1
#define IRQ_LEVEL_HIGH 4
#define IRQ_LEVEL_LOW 8

/* ---- building the tree ------------------------------------------------- */

struct vm_tree {
	struct gic gic;
	struct timer_node timer;
	struct psci_node psci;
	struct sdei_node sdei;
	struct uart_16550 uart;
	struct device_bus bus;
	struct fdt_cpu cpus[MAX_TEST_CPUS];
	char stdout_path[40];
	struct fdt_params params;
	void *fdt;
};

/* The MPIDR KVM gives vCPU i: Aff0 holds 16 CPUs, then Aff1, then Aff2. */
static uint64_t kvm_mpidr(unsigned int i)
{
	return (i & 0xf) | (((i >> 4) & 0xff) << 8) | ((uint64_t)((i >> 12) & 0xff) << 16);
}

/* Register the devices and fill fdt_params as vm_add_devices and
 * vm_write_dtb do, PSCI (and SDEI, if asked for) reached through conduit;
 * nothing is built yet. */
static struct vm_tree *tree_setup_firmware(unsigned int nr_cpus, enum gic_version version,
					   uint64_t initrd_start, uint64_t initrd_size,
					   enum smccc_conduit conduit, bool sdei)
{
	struct irq_line uart_irq = { .set_level = NULL, .opaque = NULL, .spi = MEMMAP_UART_SPI };
	struct vm_tree *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	assert_true(nr_cpus <= MAX_TEST_CPUS);
	t->gic = (struct gic){ .version = version, .fd = -1, .nr_cpus = nr_cpus, .vm_fd = -1 };
	gic_node_init(&t->gic.dev, &t->gic);
	timer_node_init(&t->timer, &t->gic, 0);
	psci_node_init(&t->psci, conduit);
	sdei_node_init(&t->sdei, conduit);
	assert_int_equal(uart_16550_init(&t->uart, MEMMAP_UART_BASE, -1, &uart_irq), 0);
	assert_int_equal(device_bus_add(&t->bus, &t->gic.dev), 0);
	assert_int_equal(device_bus_add(&t->bus, &t->timer.dev), 0);
	assert_int_equal(device_bus_add(&t->bus, &t->uart.dev), 0);
	assert_int_equal(device_bus_add(&t->bus, &t->psci.dev), 0);
	if (sdei)
		assert_int_equal(device_bus_add(&t->bus, &t->sdei.dev), 0);

	for (unsigned int i = 0; i < nr_cpus; i++)
		t->cpus[i].mpidr = kvm_mpidr(i);
	snprintf(t->stdout_path, sizeof(t->stdout_path), "/serial@%llx", MEMMAP_UART_BASE);
	t->params = (struct fdt_params){
		.ram_base = MEMMAP_RAM_BASE, .ram_size = RAM_SIZE,
		.nr_cpus = nr_cpus, .cpus = t->cpus, .bootargs = BOOTARGS,
		.initrd_start = initrd_start, .initrd_size = initrd_size,
		.stdout_path = t->stdout_path, .gic_phandle = GIC_PHANDLE, .bus = &t->bus,
	};
	return t;
}

/* The devices every test tree has: PSCI over HVC, no SDEI node. */
static struct vm_tree *tree_setup(unsigned int nr_cpus, enum gic_version version,
				  uint64_t initrd_start, uint64_t initrd_size)
{
	return tree_setup_firmware(nr_cpus, version, initrd_start, initrd_size, SMCCC_CONDUIT_HVC, false);
}

static int tree_build(struct vm_tree *t)
{
	int ret;

	free(t->fdt);
	t->fdt = calloc(1, FDT_MAX_SIZE);
	assert_non_null(t->fdt);
	ret = fdt_build(t->fdt, FDT_MAX_SIZE, &t->params);
	if (!ret) {
		assert_int_equal(fdt_check_header(t->fdt), 0);
		assert_true(fdt_totalsize(t->fdt) <= FDT_MAX_SIZE);
	}
	return ret;
}

static struct vm_tree *tree_new(unsigned int nr_cpus, enum gic_version version,
				uint64_t initrd_start, uint64_t initrd_size)
{
	struct vm_tree *t = tree_setup(nr_cpus, version, initrd_start, initrd_size);
	int ret = tree_build(t);

	if (ret)
		fail_msg("fdt_build with %u CPUs: %s", nr_cpus, fdt_strerror(ret));
	return t;
}

static void tree_free(struct vm_tree *t)
{
	uart_16550_destroy(&t->uart);
	free(t->fdt);
	free(t);
}

/* ---- reading it back --------------------------------------------------- */

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	if (off < 0)
		fail_msg("no node %s: %s", path, fdt_strerror(off));
	return off;
}

static const void *prop(const void *fdt, int off, const char *name, int expected_len)
{
	int len;
	const void *val = fdt_getprop(fdt, off, name, &len);

	if (!val)
		fail_msg("%s: no property %s", fdt_get_name(fdt, off, NULL), name);
	if (expected_len >= 0 && len != expected_len)
		fail_msg("%s: %s has %d bytes, expected %d", fdt_get_name(fdt, off, NULL), name,
			 len, expected_len);
	return val;
}

static void assert_no_prop(const void *fdt, int off, const char *name)
{
	int len;

	assert_null(fdt_getprop(fdt, off, name, &len));
	assert_int_equal(len, -FDT_ERR_NOTFOUND);
}

static uint32_t prop_u32(const void *fdt, int off, const char *name)
{
	return fdt32_ld(prop(fdt, off, name, 4));
}

static uint64_t prop_u64(const void *fdt, int off, const char *name)
{
	return fdt64_ld(prop(fdt, off, name, 8));
}

/* A property holding exactly one string. */
static void assert_prop_str(const void *fdt, int off, const char *name, const char *expected)
{
	const char *val = prop(fdt, off, name, (int)strlen(expected) + 1);

	assert_string_equal(val, expected);
}

/* reg (or interrupts) cell i, 32-bit. */
static uint32_t cell(const void *val, unsigned int i)
{
	return fdt32_ld((const fdt32_t *)val + i);
}

/* 64-bit value made of cells i and i + 1. */
static uint64_t cell64(const void *val, unsigned int i)
{
	return (uint64_t)cell(val, i) << 32 | cell(val, i + 1);
}

static void assert_is_gic(const void *fdt, int off)
{
	assert_true(off >= 0);
	assert_int_equal(fdt_node_offset_by_phandle(fdt, GIC_PHANDLE), off);
}

/* ---- root, chosen, memory ---------------------------------------------- */

static void test_root(void **state)
{
	struct vm_tree *t = tree_new(1, GIC_V3, 0, 0);
	const void *fdt = t->fdt;

	(void)state;
	assert_int_equal(prop_u32(fdt, 0, "#address-cells"), 2);
	assert_int_equal(prop_u32(fdt, 0, "#size-cells"), 2);
	assert_prop_str(fdt, 0, "compatible", "linux,dummy-virt");
	assert_int_equal(prop_u32(fdt, 0, "interrupt-parent"), GIC_PHANDLE);
	/* The interrupt parent names an existing node: the GIC. */
	assert_is_gic(fdt, fdt_path_offset(fdt, "/interrupt-controller@8000000"));
	/* Nothing reserved in the memory map. */
	assert_int_equal(fdt_num_mem_rsv(fdt), 0);
	tree_free(t);
}

static void test_chosen_with_initrd(void **state)
{
	const uint64_t start = MEMMAP_RAM_BASE + RAM_SIZE - (16ULL << 20), size = 0x123456;
	struct vm_tree *t = tree_new(2, GIC_V3, start, size);
	const void *fdt = t->fdt;
	int chosen = node(fdt, "/chosen");
	const char *path;

	(void)state;
	assert_prop_str(fdt, chosen, "bootargs", BOOTARGS);
	path = prop(fdt, chosen, "stdout-path", -1);
	assert_string_equal(path, "/serial@9000000");
	/* stdout-path leads to the UART node. */
	assert_int_equal(fdt_path_offset(fdt, path), node(fdt, "/serial@9000000"));
	assert_int_equal(prop_u64(fdt, chosen, "linux,initrd-start"), start);
	assert_int_equal(prop_u64(fdt, chosen, "linux,initrd-end"), start + size);
	tree_free(t);
}

static void test_chosen_without_initrd(void **state)
{
	struct vm_tree *t = tree_new(1, GIC_V3, 0x48000000, 0);
	int chosen = node(t->fdt, "/chosen");

	(void)state;
	assert_no_prop(t->fdt, chosen, "linux,initrd-start");
	assert_no_prop(t->fdt, chosen, "linux,initrd-end");
	assert_prop_str(t->fdt, chosen, "bootargs", BOOTARGS);
	tree_free(t);
}

static void test_chosen_optional_strings(void **state)
{
	struct vm_tree *t = tree_setup(1, GIC_V3, 0, 0);
	int chosen;

	(void)state;
	t->params.bootargs = NULL;
	t->params.stdout_path = NULL;
	assert_int_equal(tree_build(t), 0);
	chosen = node(t->fdt, "/chosen");
	/* No command line still means an (empty) bootargs. */
	assert_prop_str(t->fdt, chosen, "bootargs", "");
	assert_no_prop(t->fdt, chosen, "stdout-path");
	tree_free(t);
}

static void test_memory(void **state)
{
	struct vm_tree *t = tree_setup(1, GIC_V3, 0, 0);
	const fdt32_t *reg;
	int mem;

	(void)state;
	assert_int_equal(tree_build(t), 0);
	mem = node(t->fdt, "/memory@40000000");
	assert_prop_str(t->fdt, mem, "device_type", "memory");
	reg = prop(t->fdt, mem, "reg", 16);
	assert_int_equal(cell64(reg, 0), MEMMAP_RAM_BASE);
	assert_int_equal(cell64(reg, 2), RAM_SIZE);

	/* Sizes past 4 GiB need both cells. */
	t->params.ram_size = 0x2c0000000ULL;
	assert_int_equal(tree_build(t), 0);
	reg = prop(t->fdt, node(t->fdt, "/memory@40000000"), "reg", 16);
	assert_int_equal(cell64(reg, 2), 0x2c0000000ULL);
	tree_free(t);
}

/* ---- cpus and psci ---------------------------------------------------- */

/* Every cpu node of /cpus, in order, skipping /cpus/idle-states. */
static int next_cpu(const void *fdt, int parent, int prev)
{
	int off = prev < 0 ? fdt_first_subnode(fdt, parent) : fdt_next_subnode(fdt, prev);

	while (off >= 0 && !strcmp(fdt_get_name(fdt, off, NULL), "idle-states"))
		off = fdt_next_subnode(fdt, off);
	return off;
}

static void check_cpus(const void *fdt, const struct fdt_cpu *cpus, unsigned int nr)
{
	int parent = node(fdt, "/cpus"), cpu = -1;
	unsigned int i = 0;
	char name[32];

	assert_int_equal(prop_u32(fdt, parent, "#address-cells"), 2);
	assert_int_equal(prop_u32(fdt, parent, "#size-cells"), 0);
	while ((cpu = next_cpu(fdt, parent, cpu)) >= 0) {
		assert_true(i < nr);
		snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)cpus[i].mpidr);
		assert_string_equal(fdt_get_name(fdt, cpu, NULL), name);
		assert_prop_str(fdt, cpu, "device_type", "cpu");
		assert_prop_str(fdt, cpu, "compatible", "arm,armv8");
		assert_int_equal(cell64(prop(fdt, cpu, "reg", 8), 0), cpus[i].mpidr);
		assert_prop_str(fdt, cpu, "enable-method", "psci");
		i++;
	}
	assert_int_equal(i, nr);
}

static void test_cpus_counts(void **state)
{
	static const unsigned int counts[] = { 1, 2, 4, 64 };

	(void)state;
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		struct vm_tree *t = tree_new(counts[i], GIC_V3, 0, 0);

		check_cpus(t->fdt, t->cpus, counts[i]);
		tree_free(t);
	}
}

static void test_cpus_many(void **state)
{
	/* 512 is KVM's arm64 vCPU limit. */
	struct vm_tree *t = tree_new(512, GIC_V3, 0x50000000, 0x100000);

	(void)state;
	check_cpus(t->fdt, t->cpus, 512);
	assert_non_null(fdt_getprop(t->fdt, node(t->fdt, "/cpus/cpu@1f0f"), "reg", NULL));
	tree_free(t);
}

static void test_cpus_memmap_limit(void **state)
{
	/* The most vCPUs the memory map has redistributors for. Built into the
	 * DTB's whole reservation in guest RAM: FDT_MAX_SIZE holds about 650
	 * CPU nodes, enough for KVM's 512 but not for this. */
	struct vm_tree *t = tree_setup(MEMMAP_MAX_VCPUS, GIC_V3, 0x50000000, 0x100000);
	void *big = calloc(1, MEMMAP_DTB_MAX_SIZE);
	int ret;

	(void)state;
	assert_non_null(big);
	ret = fdt_build(big, MEMMAP_DTB_MAX_SIZE, &t->params);
	if (ret)
		fail_msg("%llu vCPUs: fdt_build: %s", MEMMAP_MAX_VCPUS, fdt_strerror(ret));
	assert_int_equal(fdt_check_header(big), 0);
	check_cpus(big, t->cpus, MEMMAP_MAX_VCPUS);
	assert_int_equal(cell64(prop(big, node(big, "/interrupt-controller@8000000"), "reg", 32), 6), MEMMAP_GICR_SIZE);
	free(big);
	tree_free(t);
}

static void test_cpus_aff3_and_order(void **state)
{
	struct vm_tree *t = tree_setup(3, GIC_V3, 0, 0);

	(void)state;
	/* Whatever MPIDRs the vCPUs report, in vCPU order, all 64 bits of them. */
	t->cpus[0].mpidr = 0x100;
	t->cpus[1].mpidr = 0x0;
	t->cpus[2].mpidr = 0x2300000001ULL;	/* Aff3 = 0x23 */
	assert_int_equal(tree_build(t), 0);
	check_cpus(t->fdt, t->cpus, 3);
	assert_true(fdt_path_offset(t->fdt, "/cpus/cpu@2300000001") >= 0);
	tree_free(t);
}

static void test_psci(void **state)
{
	static const char compatible[] = "arm,psci-1.0\0arm,psci-0.2";
	struct vm_tree *t = tree_new(2, GIC_V3, 0, 0);
	int psci = node(t->fdt, "/psci");

	(void)state;
	/* Both strings, each NUL-terminated, and nothing else. */
	assert_memory_equal(prop(t->fdt, psci, "compatible", sizeof(compatible)), compatible,
			    sizeof(compatible));
	assert_int_equal(fdt_node_check_compatible(t->fdt, psci, "arm,psci-1.0"), 0);
	assert_int_equal(fdt_node_check_compatible(t->fdt, psci, "arm,psci-0.2"), 0);
	assert_int_equal(fdt_node_check_compatible(t->fdt, psci, "arm,psci"), 1);
	assert_prop_str(t->fdt, psci, "method", "hvc");
	/* PSCI 0.2+ has fixed function IDs: the 0.1 properties would mislead. */
	assert_no_prop(t->fdt, psci, "cpu_on");
	assert_no_prop(t->fdt, psci, "cpu_suspend");
	tree_free(t);
}

/* --psci-conduit: /psci and /firmware/sdei name the same conduit, and only
 * their method changes with it. */
static void test_conduit(void **state)
{
	static const struct { enum smccc_conduit conduit; const char *method; } cases[] = {
		{ SMCCC_CONDUIT_HVC, "hvc" }, { SMCCC_CONDUIT_SMC, "smc" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vm_tree *t = tree_setup_firmware(2, GIC_V3, 0, 0, cases[i].conduit, true);
		int psci, sdei;

		assert_int_equal(tree_build(t), 0);
		psci = node(t->fdt, "/psci");
		sdei = node(t->fdt, "/firmware/sdei");
		assert_prop_str(t->fdt, psci, "method", cases[i].method);
		assert_prop_str(t->fdt, sdei, "method", cases[i].method);
		assert_prop_str(t->fdt, sdei, "compatible", "arm,sdei-1.0");
		assert_int_equal(fdt_node_check_compatible(t->fdt, psci, "arm,psci-1.0"), 0);
		tree_free(t);
	}
}

/* Every node in the tree, the root included. */
static unsigned int count_nodes(const void *fdt)
{
	unsigned int nodes = 0;
	int off, depth = 0;

	for (off = 0; off >= 0 && depth >= 0; off = fdt_next_node(fdt, off, &depth))
		nodes++;
	return nodes;
}

/* ---- idle states --------------------------------------------------------- */

/* What vm_write_dtb offers with the extended power_state format. */
static const struct fdt_idle_state hvmm_idle[] = {
	{ "cpu-standby", 0x1, 20, 40, 100, false },
	{ "cpu-powerdown", 0x40000002, 150, 350, 2000, false },
};

#define NR_HVMM_IDLE (sizeof(hvmm_idle) / sizeof(hvmm_idle[0]))

/* As many entries as a cpu's cpu-idle-states can hold (fdt.c). */
#define IDLE_ARRAY_MAX 8

static void set_idle(struct vm_tree *t, const struct fdt_idle_state *states, unsigned int nr)
{
	t->params.idle_states = states;
	t->params.nr_idle_states = nr;
}

static struct vm_tree *tree_idle(unsigned int nr_cpus, const struct fdt_idle_state *states,
				 unsigned int nr)
{
	struct vm_tree *t = tree_setup(nr_cpus, GIC_V3, 0, 0);
	int ret;

	set_idle(t, states, nr);
	ret = tree_build(t);
	if (ret)
		fail_msg("fdt_build with %u CPUs, %u idle states: %s", nr_cpus, nr, fdt_strerror(ret));
	return t;
}

/* The states under /cpus/idle-states match want[0..nr), in order, with
 * phandle BASE + i; and every cpu names all of them, in that order. */
static void check_idle_states(const void *fdt, unsigned int nr_cpus,
			      const struct fdt_idle_state *want, unsigned int nr)
{
	int cpus = node(fdt, "/cpus"), states = node(fdt, "/cpus/idle-states"), st, cpu = -1;
	int offsets[IDLE_ARRAY_MAX + 1];
	unsigned int i = 0, seen_cpus = 0;

	assert_true(nr <= IDLE_ARRAY_MAX + 1);
	assert_prop_str(fdt, states, "entry-method", "psci");
	fdt_for_each_subnode(st, fdt, states) {
		char path[96];

		assert_true(i < nr);
		assert_string_equal(fdt_get_name(fdt, st, NULL), want[i].name);
		snprintf(path, sizeof(path), "/cpus/idle-states/%s", want[i].name);
		assert_int_equal(node(fdt, path), st);
		assert_prop_str(fdt, st, "compatible", "arm,idle-state");
		assert_int_equal(prop_u32(fdt, st, "arm,psci-suspend-param"), want[i].psci_suspend_param);
		assert_int_equal(prop_u32(fdt, st, "entry-latency-us"), want[i].entry_latency_us);
		assert_int_equal(prop_u32(fdt, st, "exit-latency-us"), want[i].exit_latency_us);
		assert_int_equal(prop_u32(fdt, st, "min-residency-us"), want[i].min_residency_us);
		if (want[i].local_timer_stop)
			assert_non_null(prop(fdt, st, "local-timer-stop", 0));
		else
			assert_no_prop(fdt, st, "local-timer-stop");
		assert_int_equal(prop_u32(fdt, st, "phandle"), FDT_IDLE_STATE_PHANDLE_BASE + i);
		assert_int_equal(fdt_get_phandle(fdt, st), FDT_IDLE_STATE_PHANDLE_BASE + i);
		offsets[i++] = st;
	}
	assert_int_equal(i, nr);

	while ((cpu = next_cpu(fdt, cpus, cpu)) >= 0) {
		const void *list = prop(fdt, cpu, "cpu-idle-states", (int)(nr * 4));

		for (i = 0; i < nr; i++) {
			int target = fdt_node_offset_by_phandle(fdt, cell(list, i));

			if (target != offsets[i])
				fail_msg("%s: cpu-idle-states[%u] = %u leads to %s, not %s",
					 fdt_get_name(fdt, cpu, NULL), i, cell(list, i),
					 target >= 0 ? fdt_get_name(fdt, target, NULL) : fdt_strerror(target),
					 want[i].name);
		}
		seen_cpus++;
	}
	assert_int_equal(seen_cpus, nr_cpus);
}

/* No phandle appears twice anywhere in the tree; returns how many there are. */
static unsigned int check_phandles_unique(const void *fdt)
{
	uint32_t seen[64];
	unsigned int n = 0;
	int off, depth = 0;

	for (off = 0; off >= 0 && depth >= 0; off = fdt_next_node(fdt, off, &depth)) {
		uint32_t ph = fdt_get_phandle(fdt, off);

		if (!ph)
			continue;
		assert_true(ph != (uint32_t)-1);
		for (unsigned int i = 0; i < n; i++)
			if (seen[i] == ph)
				fail_msg("phandle %u on %s and another node", ph, fdt_get_name(fdt, off, NULL));
		assert_true(n < sizeof(seen) / sizeof(seen[0]));
		seen[n++] = ph;
	}
	return n;
}

static void test_idle_states_none(void **state)
{
	struct vm_tree *t = tree_setup(4, GIC_V3, 0, 0);
	uint32_t max;
	int cpus, cpu;

	(void)state;
	/* NULL, or an array with a count of 0 (--idle-states none): nothing. */
	for (int pass = 0; pass < 2; pass++) {
		set_idle(t, pass ? hvmm_idle : NULL, 0);
		assert_int_equal(tree_build(t), 0);
		cpus = node(t->fdt, "/cpus");
		assert_int_equal(fdt_subnode_offset(t->fdt, cpus, "idle-states"), -FDT_ERR_NOTFOUND);
		fdt_for_each_subnode(cpu, t->fdt, cpus)
			assert_no_prop(t->fdt, cpu, "cpu-idle-states");
		check_cpus(t->fdt, t->cpus, 4);
		/* The GIC is the only node with a phandle. */
		assert_int_equal(check_phandles_unique(t->fdt), 1);
		assert_int_equal(fdt_find_max_phandle(t->fdt, &max), 0);
		assert_int_equal(max, GIC_PHANDLE);
	}
	tree_free(t);
}

static void test_idle_states_hvmm_pair(void **state)
{
	struct vm_tree *t = tree_idle(4, hvmm_idle, NR_HVMM_IDLE);
	const void *fdt = t->fdt;
	int standby = node(fdt, "/cpus/idle-states/cpu-standby");
	int powerdown = node(fdt, "/cpus/idle-states/cpu-powerdown");

	(void)state;
	check_idle_states(fdt, 4, hvmm_idle, NR_HVMM_IDLE);
	/* Spelled out, as a guest reads them. */
	assert_int_equal(prop_u32(fdt, standby, "arm,psci-suspend-param"), 0x1);
	assert_int_equal(prop_u32(fdt, powerdown, "arm,psci-suspend-param"), 0x40000002);
	assert_int_equal(prop_u32(fdt, powerdown, "min-residency-us"), 2000);
	/* Two idle states and the GIC, three different phandles. */
	assert_int_equal(check_phandles_unique(fdt), 3);
	assert_true(fdt_get_phandle(fdt, standby) != GIC_PHANDLE);
	assert_true(fdt_get_phandle(fdt, powerdown) != GIC_PHANDLE);
	assert_is_gic(fdt, node(fdt, "/interrupt-controller@8000000"));
	/* The cpus are still there, in order, alongside idle-states. */
	check_cpus(fdt, t->cpus, 4);
	/* cpu-idle-states of cpu@3 names the shallow state first. */
	assert_int_equal(fdt_node_offset_by_phandle(fdt, cell(prop(fdt, node(fdt, "/cpus/cpu@3"),
								   "cpu-idle-states", 8), 0)),
			 standby);
	tree_free(t);
}

static void test_idle_states_one(void **state)
{
	/* --idle-states powerdown: the power-down state alone, at index 0. */
	struct vm_tree *t = tree_idle(2, &hvmm_idle[1], 1);
	int pd;

	(void)state;
	check_idle_states(t->fdt, 2, &hvmm_idle[1], 1);
	assert_true(fdt_path_offset(t->fdt, "/cpus/idle-states/cpu-standby") < 0);
	pd = node(t->fdt, "/cpus/idle-states/cpu-powerdown");
	assert_int_equal(fdt_node_offset_by_phandle(t->fdt, FDT_IDLE_STATE_PHANDLE_BASE), pd);
	assert_int_equal(check_phandles_unique(t->fdt), 2);
	tree_free(t);

	/* --idle-states standby, on a single CPU. */
	t = tree_idle(1, hvmm_idle, 1);
	check_idle_states(t->fdt, 1, hvmm_idle, 1);
	assert_true(fdt_path_offset(t->fdt, "/cpus/idle-states/cpu-powerdown") < 0);
	tree_free(t);
}

static void test_idle_states_local_timer_stop(void **state)
{
	static const struct fdt_idle_state states[] = {
		{ "wfi", 0x0, 1, 1, 2, false },
		{ "core-off", 0x40000003, 100, 200, 1000, true },
		{ "cluster-off", 0x41000003, 500, 900, 5000, true },
	};
	struct vm_tree *t = tree_idle(3, states, 3);

	(void)state;
	check_idle_states(t->fdt, 3, states, 3);
	assert_no_prop(t->fdt, node(t->fdt, "/cpus/idle-states/wfi"), "local-timer-stop");
	assert_non_null(prop(t->fdt, node(t->fdt, "/cpus/idle-states/core-off"), "local-timer-stop", 0));
	assert_non_null(prop(t->fdt, node(t->fdt, "/cpus/idle-states/cluster-off"), "local-timer-stop", 0));
	tree_free(t);
}

static void test_idle_states_gic_phandle_clash(void **state)
{
	struct vm_tree *t = tree_setup(2, GIC_V3, 0, 0);

	(void)state;
	set_idle(t, hvmm_idle, NR_HVMM_IDLE);
	/* A GIC phandle the idle states also use is refused, not duplicated. */
	for (uint32_t ph = FDT_IDLE_STATE_PHANDLE_BASE; ph < FDT_IDLE_STATE_PHANDLE_BASE + NR_HVMM_IDLE; ph++) {
		t->params.gic_phandle = ph;
		assert_int_equal(tree_build(t), -FDT_ERR_BADPHANDLE);
	}
	/* Just past them is fine, and every phandle is still unique. */
	t->params.gic_phandle = FDT_IDLE_STATE_PHANDLE_BASE + NR_HVMM_IDLE;
	assert_int_equal(tree_build(t), 0);
	assert_int_equal(check_phandles_unique(t->fdt), 3);
	check_idle_states(t->fdt, 2, hvmm_idle, NR_HVMM_IDLE);
	assert_int_equal(fdt_node_offset_by_phandle(t->fdt, t->params.gic_phandle),
			 node(t->fdt, "/interrupt-controller@8000000"));
	/* Only one state: phandle 3 is free again. */
	set_idle(t, hvmm_idle, 1);
	t->params.gic_phandle = FDT_IDLE_STATE_PHANDLE_BASE + 1;
	assert_int_equal(tree_build(t), 0);
	assert_int_equal(check_phandles_unique(t->fdt), 2);
	tree_free(t);
}

static void test_idle_states_array_limit(void **state)
{
	struct fdt_idle_state states[IDLE_ARRAY_MAX + 1];
	char names[IDLE_ARRAY_MAX + 1][16];
	struct vm_tree *t = tree_setup(2, GIC_V3, 0, 0);
	int ret;

	(void)state;
	for (unsigned int i = 0; i <= IDLE_ARRAY_MAX; i++) {
		snprintf(names[i], sizeof(names[i]), "state%u", i);
		states[i] = (struct fdt_idle_state){ names[i], 0x10000 * i + 1, i, 2 * i, 10 * i + 1, i & 1 };
	}
	/* As many as cpu-idle-states holds: all there. */
	set_idle(t, states, IDLE_ARRAY_MAX);
	assert_int_equal(tree_build(t), 0);
	check_idle_states(t->fdt, 2, states, IDLE_ARRAY_MAX);
	assert_int_equal(check_phandles_unique(t->fdt), 1 + IDLE_ARRAY_MAX);
	/* One more: an error, not a write past the array (ASan would see it). */
	set_idle(t, states, IDLE_ARRAY_MAX + 1);
	ret = tree_build(t);
	assert_true(ret < 0);
	assert_int_equal(ret, -FDT_ERR_BADVALUE);
	tree_free(t);
}

static void test_idle_states_many_cpus(void **state)
{
	/* The most vCPUs vm.c creates (the memory map's limit; KVM's is 512),
	 * each naming both states, in vm_write_dtb's buffer. */
	struct vm_tree *t = tree_idle(MEMMAP_MAX_VCPUS, hvmm_idle, NR_HVMM_IDLE);

	(void)state;
	check_idle_states(t->fdt, MEMMAP_MAX_VCPUS, hvmm_idle, NR_HVMM_IDLE);
	check_cpus(t->fdt, t->cpus, MEMMAP_MAX_VCPUS);
	tree_free(t);
}

static void test_idle_states_small_buffers(void **state)
{
	struct vm_tree *t = tree_idle(2, hvmm_idle, NR_HVMM_IDLE);
	uint32_t need = fdt_totalsize(t->fdt);

	(void)state;
	/* Running out of room anywhere in the idle-state nodes fails cleanly. */
	for (uint32_t size = need / 2; size <= need + 64; size++) {
		void *buf = malloc(size);
		int ret;

		assert_non_null(buf);
		ret = fdt_build(buf, size, &t->params);
		if (ret == 0)
			assert_memory_equal(buf, t->fdt, need);
		else
			assert_int_equal(ret, -FDT_ERR_NOSPACE);
		free(buf);
	}
	tree_free(t);
}

/* ---- boot count ----------------------------------------------------------- */

static void test_boot_count(void **state)
{
	static const unsigned int counts[] = { 1, 2, 7, 0xffffffffU };
	struct vm_tree *t = tree_setup(1, GIC_V3, 0, 0);
	int chosen;

	(void)state;
	/* 0: no property at all (not a 0 a guest could mistake for a count). */
	assert_int_equal(tree_build(t), 0);
	assert_no_prop(t->fdt, node(t->fdt, "/chosen"), "hvmm,boot-count");
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		t->params.boot_count = counts[i];
		assert_int_equal(tree_build(t), 0);
		chosen = node(t->fdt, "/chosen");
		assert_int_equal(prop_u32(t->fdt, chosen, "hvmm,boot-count"), counts[i]);
		/* The rest of /chosen is unchanged by it. */
		assert_prop_str(t->fdt, chosen, "bootargs", BOOTARGS);
		assert_string_equal(prop(t->fdt, chosen, "stdout-path", -1), "/serial@9000000");
	}
	t->params.boot_count = 0;
	assert_int_equal(tree_build(t), 0);
	assert_no_prop(t->fdt, node(t->fdt, "/chosen"), "hvmm,boot-count");
	tree_free(t);
}

/* ---- timer ------------------------------------------------------------- */

static void check_timer(const void *fdt, uint32_t flags)
{
	static const uint32_t ppis[] = { 13, 14, 11, 10 };
	int timer = node(fdt, "/timer");
	const void *irqs;

	assert_prop_str(fdt, timer, "compatible", "arm,armv8-timer");
	irqs = prop(fdt, timer, "interrupts", 4 * 3 * 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(cell(irqs, 3 * i), GIC_PPI);
		assert_int_equal(cell(irqs, 3 * i + 1), ppis[i]);
		assert_int_equal(cell(irqs, 3 * i + 2), flags);
	}
	assert_non_null(prop(fdt, timer, "always-on", 0));
	/* Its interrupt parent is the root's: the GIC. */
	assert_no_prop(fdt, timer, "interrupt-parent");
}

static void test_timer_gicv3(void **state)
{
	static const unsigned int counts[] = { 1, 4, 64 };

	(void)state;
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		struct vm_tree *t = tree_new(counts[i], GIC_V3, 0, 0);

		/* No CPU mask with a GICv3. */
		check_timer(t->fdt, IRQ_LEVEL_LOW);
		tree_free(t);
	}
}

/* kvmtool's --override-bad-firmware-cntfrq: clock-frequency only when given. */
static void test_timer_clock_frequency(void **state)
{
	struct vm_tree *t = tree_new(2, GIC_V3, 0, 0);

	(void)state;
	assert_no_prop(t->fdt, node(t->fdt, "/timer"), "clock-frequency");
	tree_free(t);
	t = tree_setup(2, GIC_V3, 0, 0);
	t->timer.clock_frequency = 62500000;
	assert_int_equal(tree_build(t), 0);
	assert_int_equal(prop_u32(t->fdt, node(t->fdt, "/timer"), "clock-frequency"), 62500000);
	check_timer(t->fdt, IRQ_LEVEL_LOW);
	tree_free(t);
}

static void test_timer_gicv2_cpu_mask(void **state)
{
	static const struct {
		unsigned int cpus;
		uint32_t mask;
	} cases[] = { { 1, 0x01 }, { 2, 0x03 }, { 4, 0x0f }, { 7, 0x7f }, { 8, 0xff } };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vm_tree *t = tree_new(cases[i].cpus, GIC_V2, 0, 0);

		check_timer(t->fdt, IRQ_LEVEL_LOW | cases[i].mask << 8);
		tree_free(t);
	}
}

static void test_timer_gicv2_mask_saturates(void **state)
{
	static const unsigned int counts[] = { 9, 31, 32, 33, 64 };

	(void)state;
	/* A GICv2 reaches at most 8 CPUs; more must not overflow the shift. */
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		struct vm_tree *t = tree_new(counts[i], GIC_V2, 0, 0);

		check_timer(t->fdt, IRQ_LEVEL_LOW | 0xff << 8);
		tree_free(t);
	}
}

/* ---- GIC --------------------------------------------------------------- */

static void check_gic_common(const void *fdt, int gic)
{
	assert_is_gic(fdt, gic);
	assert_int_equal(prop_u32(fdt, gic, "#interrupt-cells"), 3);
	assert_non_null(prop(fdt, gic, "interrupt-controller", 0));
	assert_int_equal(prop_u32(fdt, gic, "phandle"), GIC_PHANDLE);
	/* No children: no address cells (an interrupt-map would need it). */
	assert_int_equal(prop_u32(fdt, gic, "#address-cells"), 0);
	assert_int_equal(fdt_first_subnode(fdt, gic), -FDT_ERR_NOTFOUND);
}

static void test_gicv3(void **state)
{
	static const unsigned int counts[] = { 1, 2, 4, 64 };

	(void)state;
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		struct vm_tree *t = tree_new(counts[i], GIC_V3, 0, 0);
		int gic = node(t->fdt, "/interrupt-controller@8000000");
		const void *reg;

		assert_prop_str(t->fdt, gic, "compatible", "arm,gic-v3");
		reg = prop(t->fdt, gic, "reg", 4 * 2 * 4);
		assert_int_equal(cell64(reg, 0), MEMMAP_GICD_BASE);
		assert_int_equal(cell64(reg, 2), MEMMAP_GICD_SIZE);
		assert_int_equal(cell64(reg, 4), MEMMAP_GICR_BASE);
		/* One 128 KiB redistributor (RD + SGI frames) per vCPU. */
		assert_int_equal(cell64(reg, 6), 0x20000ULL * counts[i]);
		assert_true(cell64(reg, 6) <= MEMMAP_GICR_SIZE);
		assert_int_equal(prop_u32(t->fdt, gic, "#redistributor-regions"), 1);
		check_gic_common(t->fdt, gic);
		tree_free(t);
	}
}

/* --irqchip gicv3-its: the ITS as the GIC node's one child, its reg in
 * the root's address space through an empty ranges. */
static void test_gicv3_its(void **state)
{
	struct vm_tree *t = tree_setup(2, GIC_V3, 0, 0);
	int gic, its;
	const void *reg;

	(void)state;
	t->gic.has_its = true;
	assert_int_equal(tree_build(t), 0);
	gic = node(t->fdt, "/interrupt-controller@8000000");
	assert_is_gic(t->fdt, gic);
	assert_int_equal(prop_u32(t->fdt, gic, "#address-cells"), 2);
	assert_int_equal(prop_u32(t->fdt, gic, "#size-cells"), 2);
	assert_non_null(prop(t->fdt, gic, "ranges", 0));
	its = node(t->fdt, "/interrupt-controller@8000000/msi-controller@8080000");
	assert_int_equal(fdt_first_subnode(t->fdt, gic), its);
	assert_int_equal(fdt_next_subnode(t->fdt, its), -FDT_ERR_NOTFOUND);
	assert_prop_str(t->fdt, its, "compatible", "arm,gic-v3-its");
	assert_non_null(prop(t->fdt, its, "msi-controller", 0));
	assert_int_equal(prop_u32(t->fdt, its, "#msi-cells"), 1);
	reg = prop(t->fdt, its, "reg", 4 * 4);
	assert_int_equal(cell64(reg, 0), MEMMAP_ITS_BASE);
	assert_int_equal(cell64(reg, 2), MEMMAP_ITS_SIZE);
	/* Inside the GIC's frames' gap, clear of the UART and redistributors. */
	assert_true(MEMMAP_ITS_BASE >= MEMMAP_GICV2_CPU_BASE + MEMMAP_GICV2_CPU_SIZE);
	assert_true(MEMMAP_ITS_BASE + MEMMAP_ITS_SIZE <= MEMMAP_UART_BASE);
	assert_int_equal(MEMMAP_ITS_BASE % 0x10000, 0);
	tree_free(t);
}

static void test_gicv2(void **state)
{
	struct vm_tree *t = tree_new(4, GIC_V2, 0, 0);
	int gic = node(t->fdt, "/interrupt-controller@8000000");
	const void *reg;

	(void)state;
	assert_prop_str(t->fdt, gic, "compatible", "arm,cortex-a15-gic");
	reg = prop(t->fdt, gic, "reg", 4 * 2 * 4);
	assert_int_equal(cell64(reg, 0), MEMMAP_GICD_BASE);
	assert_int_equal(cell64(reg, 2), 0x1000);
	assert_int_equal(cell64(reg, 4), MEMMAP_GICV2_CPU_BASE);
	assert_int_equal(cell64(reg, 6), 0x2000);
	assert_no_prop(t->fdt, gic, "#redistributor-regions");
	check_gic_common(t->fdt, gic);
	tree_free(t);
}

static void test_phandle_follows_params(void **state)
{
	struct vm_tree *t = tree_setup(2, GIC_V3, 0, 0);
	int gic, uart;

	(void)state;
	t->params.gic_phandle = 0x2a;
	assert_int_equal(tree_build(t), 0);
	gic = node(t->fdt, "/interrupt-controller@8000000");
	uart = node(t->fdt, "/serial@9000000");
	assert_int_equal(prop_u32(t->fdt, gic, "phandle"), 0x2a);
	assert_int_equal(prop_u32(t->fdt, 0, "interrupt-parent"), 0x2a);
	assert_int_equal(prop_u32(t->fdt, uart, "interrupt-parent"), 0x2a);
	assert_int_equal(fdt_node_offset_by_phandle(t->fdt, 0x2a), gic);
	tree_free(t);
}

/* ---- UART -------------------------------------------------------------- */

static void test_uart(void **state)
{
	struct vm_tree *t = tree_new(2, GIC_V3, 0, 0);
	int uart = node(t->fdt, "/serial@9000000");
	const void *val;

	(void)state;
	assert_prop_str(t->fdt, uart, "compatible", "ns16550a");
	val = prop(t->fdt, uart, "reg", 16);
	assert_int_equal(cell64(val, 0), MEMMAP_UART_BASE);
	assert_int_equal(cell64(val, 2), MEMMAP_UART_SIZE);
	assert_int_equal(prop_u32(t->fdt, uart, "clock-frequency"), 1843200);
	val = prop(t->fdt, uart, "interrupts", 12);
	assert_int_equal(cell(val, 0), GIC_SPI);
	assert_int_equal(cell(val, 1), MEMMAP_UART_SPI);
	assert_int_equal(cell(val, 2), IRQ_LEVEL_HIGH);
	assert_is_gic(t->fdt, fdt_node_offset_by_phandle(t->fdt, prop_u32(t->fdt, uart, "interrupt-parent")));
	tree_free(t);
}

/* ---- the tree as a whole ----------------------------------------------- */

static void test_all_nodes_present(void **state)
{
	static const char *const paths[] = {
		"/chosen", "/memory@40000000", "/cpus", "/cpus/cpu@0", "/cpus/cpu@1", "/psci",
		"/timer", "/interrupt-controller@8000000", "/serial@9000000",
	};
	struct vm_tree *t = tree_new(2, GIC_V3, 0, 0);

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		node(t->fdt, paths[i]);
	/* And nothing else: the root plus the nodes above. */
	assert_int_equal(count_nodes(t->fdt), 1 + sizeof(paths) / sizeof(paths[0]));
	tree_free(t);

	/* With hvmm's idle states: idle-states and its two nodes, no more. */
	t = tree_idle(2, hvmm_idle, NR_HVMM_IDLE);
	assert_int_equal(count_nodes(t->fdt), 1 + sizeof(paths) / sizeof(paths[0]) + 3);
	tree_free(t);
}

static void test_empty_bus(void **state)
{
	struct device_bus empty = { 0 };
	struct vm_tree *t = tree_setup(1, GIC_V3, 0, 0);

	(void)state;
	/* The VM-level nodes do not depend on any device. */
	t->params.bus = &empty;
	assert_int_equal(tree_build(t), 0);
	node(t->fdt, "/cpus/cpu@0");
	node(t->fdt, "/memory@40000000");
	assert_true(fdt_path_offset(t->fdt, "/psci") < 0);
	tree_free(t);
}

static void test_small_buffers(void **state)
{
	struct vm_tree *t = tree_new(4, GIC_V3, 0x50000000, 0x1000);
	uint32_t need = fdt_totalsize(t->fdt), fits = 0;

	(void)state;
	/* Every buffer too small for the tree fails cleanly with NOSPACE, and
	 * every one big enough gives the same tree. ASan watches each
	 * exact-size buffer for writes past its end. */
	for (uint32_t size = 0; size <= need + 256; size++) {
		void *buf = malloc(size ? size : 1);
		int ret;

		assert_non_null(buf);
		ret = fdt_build(buf, size, &t->params);
		if (ret == 0) {
			if (!fits)
				fits = size;
			assert_int_equal(fdt_check_header(buf), 0);
			assert_int_equal(fdt_totalsize(buf), need);
			assert_memory_equal(buf, t->fdt, need);
		} else {
			if (fits)
				fail_msg("%u bytes fail (%s), %u were enough", size, fdt_strerror(ret), fits);
			assert_int_equal(ret, -FDT_ERR_NOSPACE);
		}
		free(buf);
	}
	assert_true(fits >= need);
	assert_true(fits > 0);
	tree_free(t);
}

static void test_deterministic(void **state)
{
	struct vm_tree *a = tree_new(4, GIC_V3, 0x50000000, 0x1000);
	struct vm_tree *b = tree_new(4, GIC_V3, 0x50000000, 0x1000);

	(void)state;
	assert_int_equal(fdt_totalsize(a->fdt), fdt_totalsize(b->fdt));
	assert_memory_equal(a->fdt, b->fdt, fdt_totalsize(a->fdt));
	tree_free(a);
	tree_free(b);
}

/* Decompile with dtc, which also runs its checks: no output on stderr. */
static void check_with_dtc(const void *fdt)
{
	char blob[] = "/tmp/hvmm-test-fdt-XXXXXX", errs[] = "/tmp/hvmm-test-dtc-XXXXXX";
	char cmd[256], msg[2048] = "";
	int fd = mkstemp(blob), efd = mkstemp(errs), status;
	ssize_t n;

	assert_true(fd >= 0 && efd >= 0);
	assert_int_equal(write(fd, fdt, fdt_totalsize(fdt)), (ssize_t)fdt_totalsize(fdt));
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o /dev/null %s 2>%s", blob, errs);
	status = system(cmd);
	n = read(efd, msg, sizeof(msg) - 1);
	close(efd);
	unlink(blob);
	unlink(errs);
	assert_true(status != -1 && WIFEXITED(status));
	/* dtc is a dependency (make deps installs device-tree-compiler):
	 * without it this check cannot run, which is a failure. */
	if (WEXITSTATUS(status) == 127)
		fail_msg("dtc not found (make deps installs device-tree-compiler): %s", msg);
	if (WEXITSTATUS(status) != 0 || n != 0)
		fail_msg("dtc exit %d: %s", WEXITSTATUS(status), msg);
}

static void test_dtc_accepts(void **state)
{
	static const struct {
		unsigned int cpus;
		enum gic_version version;
		uint64_t initrd;
	} cases[] = {
		{ 1, GIC_V3, 0 }, { 2, GIC_V3, 0x200000 }, { 4, GIC_V2, 0x1000 }, { 64, GIC_V3, 0x1000 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vm_tree *t = tree_new(cases[i].cpus, cases[i].version, 0x5f000000, cases[i].initrd);

		check_with_dtc(t->fdt);
		tree_free(t);
	}
}

static void test_dtc_accepts_idle_states(void **state)
{
	static const struct fdt_idle_state timer_stop[] = {
		{ "cpu-standby", 0x0, 20, 40, 100, false },
		{ "cpu-powerdown", 0x10000, 150, 350, 2000, true },
	};
	static const struct {
		unsigned int cpus, nr;
		const struct fdt_idle_state *states;
		unsigned int boot_count;
	} cases[] = {
		{ 1, NR_HVMM_IDLE, hvmm_idle, 1 }, { 4, NR_HVMM_IDLE, hvmm_idle, 7 },
		{ 2, 1, &hvmm_idle[1], 2 }, { 2, 1, hvmm_idle, 0 }, { 8, 2, timer_stop, 3 },
		{ 64, NR_HVMM_IDLE, hvmm_idle, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vm_tree *t = tree_setup(cases[i].cpus, GIC_V3, 0x5f000000, 0x1000);

		set_idle(t, cases[i].states, cases[i].nr);
		t->params.boot_count = cases[i].boot_count;
		assert_int_equal(tree_build(t), 0);
		check_with_dtc(t->fdt);
		tree_free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_chosen_with_initrd),
		cmocka_unit_test(test_chosen_without_initrd),
		cmocka_unit_test(test_chosen_optional_strings),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_cpus_counts),
		cmocka_unit_test(test_cpus_many),
		cmocka_unit_test(test_cpus_memmap_limit),
		cmocka_unit_test(test_cpus_aff3_and_order),
		cmocka_unit_test(test_psci),
		cmocka_unit_test(test_conduit),
		cmocka_unit_test(test_idle_states_none),
		cmocka_unit_test(test_idle_states_hvmm_pair),
		cmocka_unit_test(test_idle_states_one),
		cmocka_unit_test(test_idle_states_local_timer_stop),
		cmocka_unit_test(test_idle_states_gic_phandle_clash),
		cmocka_unit_test(test_idle_states_array_limit),
		cmocka_unit_test(test_idle_states_many_cpus),
		cmocka_unit_test(test_idle_states_small_buffers),
		cmocka_unit_test(test_boot_count),
		cmocka_unit_test(test_timer_gicv3),
		cmocka_unit_test(test_timer_clock_frequency),
		cmocka_unit_test(test_timer_gicv2_cpu_mask),
		cmocka_unit_test(test_timer_gicv2_mask_saturates),
		cmocka_unit_test(test_gicv3),
		cmocka_unit_test(test_gicv3_its),
		cmocka_unit_test(test_gicv2),
		cmocka_unit_test(test_phandle_follows_params),
		cmocka_unit_test(test_uart),
		cmocka_unit_test(test_all_nodes_present),
		cmocka_unit_test(test_empty_bus),
		cmocka_unit_test(test_small_buffers),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_dtc_accepts),
		cmocka_unit_test(test_dtc_accepts_idle_states),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
