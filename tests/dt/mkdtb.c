/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mkdtb: write the device tree hvmm would give a guest, natively, for DT
 * validation (tests/dt/validate.sh). It links the same node generators as
 * hvmm (vmm/fdt.c, the *_node.c files, vmm/timer.c, the 16550 UART) and fills
 * struct fdt_params the way vm_add_devices and vm_write_dtb do, with the
 * VM's run-time facts (MPIDRs, GIC version, initrd placement) taken from the
 * options instead of from KVM.
 *
 * Usage: mkdtb [options] -o FILE
 *   -c, --cpus N              enabled vCPUs (default 1)
 *       --max-cpus M          vCPUs created (cpu nodes written); default N
 *       --gic v3|v2           the GIC KVM gave (default v3)
 *       --idle-states all|standby|powerdown|none   (default none, as hvmm's)
 *       --psci-suspend-format extended|original    (default extended)
 *       --psci-conduit hvc|smc    method of /psci and /firmware/sdei (default hvc)
 *       --no-sdei             no /firmware/sdei
 *       --in-kernel-psci      KVM's PSCI: no idle states, no SDEI
 *   -m, --mem MIB             RAM size (default 256)
 *       --initrd-size BYTES   an initrd of that size below the DTB (default none)
 *   -p, --params STR          extra kernel parameters, as hvmm -p
 *       --nodefaults          bootargs are exactly --params
 *       --virtio N            N virtio-mmio devices (as -d/--rng give), 0 to 9
 *       --boot-count N        /chosen/hvmm,boot-count (default 1)
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "devices/device.h"
#include "devices/uart_16550.h"
#include "devices/virtio/mmio.h"
#include "devices/virtio/rng.h"
#include "firmware/psci.h"
#include "vmm/fdt.h"
#include "vmm/gic.h"
#include "vmm/memmap.h"
#include "vmm/psci_node.h"
#include "vmm/sdei_node.h"
#include "vmm/timer.h"

#define MIB (1ULL << 20)
#define GICV2_MAX_CPUS 8

static const char *prog = "mkdtb";

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static unsigned long long number(const char *opt, const char *s, unsigned long long min,
				 unsigned long long max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v < min || v > max || *s == '-')
		die("%s: bad number", opt);
	return v;
}

/* The MPIDR KVM gives vCPU i: Aff0 holds 16 CPUs, then Aff1, then Aff2. */
static uint64_t kvm_mpidr(unsigned int i)
{
	return (i & 0xf) | (((i >> 4) & 0xff) << 8) | ((uint64_t)((i >> 12) & 0xff) << 16);
}

enum {
	OPT_MAX_CPUS = 256, OPT_GIC, OPT_IDLE, OPT_FORMAT, OPT_NO_SDEI, OPT_KPSCI,
	OPT_INITRD, OPT_NODEFAULTS, OPT_BOOT_COUNT, OPT_CONDUIT, OPT_VIRTIO,
};

static const struct option options[] = {
	{ "cpus", required_argument, NULL, 'c' },
	{ "max-cpus", required_argument, NULL, OPT_MAX_CPUS },
	{ "gic", required_argument, NULL, OPT_GIC },
	{ "idle-states", required_argument, NULL, OPT_IDLE },
	{ "psci-suspend-format", required_argument, NULL, OPT_FORMAT },
	{ "psci-conduit", required_argument, NULL, OPT_CONDUIT },
	{ "no-sdei", no_argument, NULL, OPT_NO_SDEI },
	{ "in-kernel-psci", no_argument, NULL, OPT_KPSCI },
	{ "mem", required_argument, NULL, 'm' },
	{ "initrd-size", required_argument, NULL, OPT_INITRD },
	{ "params", required_argument, NULL, 'p' },
	{ "nodefaults", no_argument, NULL, OPT_NODEFAULTS },
	{ "boot-count", required_argument, NULL, OPT_BOOT_COUNT },
	{ "virtio", required_argument, NULL, OPT_VIRTIO },
	{ "output", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

int main(int argc, char **argv)
{
	unsigned int cpus = 1, max_cpus = 0, boot_count = 1, nr_virtio = 0;
	unsigned long long mem_mib = 256, initrd_size = 0;
	enum gic_version gic_version = GIC_V3;
	enum smccc_conduit conduit = SMCCC_CONDUIT_HVC;
	const char *idle = "none", *params = "", *out = NULL;
	bool original = false, no_sdei = false, kernel_psci = false, nodefaults = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "c:m:p:o:", options, NULL)) != -1) {
		switch (opt) {
		case 'c': cpus = (unsigned int)number("--cpus", optarg, 1, MEMMAP_MAX_VCPUS); break;
		case OPT_MAX_CPUS:
			max_cpus = (unsigned int)number("--max-cpus", optarg, 1, MEMMAP_MAX_VCPUS);
			break;
		case OPT_GIC:
			if (!strcmp(optarg, "v3"))
				gic_version = GIC_V3;
			else if (!strcmp(optarg, "v2"))
				gic_version = GIC_V2;
			else
				die("--gic '%s': expected v3 or v2", optarg);
			break;
		case OPT_IDLE:
			if (strcmp(optarg, "all") && strcmp(optarg, "standby") &&
			    strcmp(optarg, "powerdown") && strcmp(optarg, "none"))
				die("--idle-states '%s': expected all, standby, powerdown or none", optarg);
			idle = optarg;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "original"))
				original = true;
			else if (!strcmp(optarg, "extended"))
				original = false;
			else
				die("--psci-suspend-format '%s': expected extended or original", optarg);
			break;
		case OPT_CONDUIT:
			if (!strcmp(optarg, "hvc"))
				conduit = SMCCC_CONDUIT_HVC;
			else if (!strcmp(optarg, "smc"))
				conduit = SMCCC_CONDUIT_SMC;
			else
				die("--psci-conduit '%s': expected hvc or smc", optarg);
			break;
		case OPT_NO_SDEI: no_sdei = true; break;
		case OPT_KPSCI: kernel_psci = true; break;
		case 'm': mem_mib = number("--mem", optarg, 4, 1ULL << 20); break;
		case OPT_INITRD: initrd_size = number("--initrd-size", optarg, 1, 1ULL << 40); break;
		case 'p': params = optarg; break;
		case OPT_NODEFAULTS: nodefaults = true; break;
		case OPT_VIRTIO:
			nr_virtio = (unsigned int)number("--virtio", optarg, 0, 9);
			break;
		case OPT_BOOT_COUNT:
			boot_count = (unsigned int)number("--boot-count", optarg, 1, 1U << 31);
			break;
		case 'o': out = optarg; break;
		default:
			fprintf(stderr, "usage: %s [options] -o FILE (see tests/dt/mkdtb.c)\n", prog);
			return 2;
		}
	}
	if (optind != argc || !out)
		die("usage: mkdtb [options] -o FILE");
	if (max_cpus && cpus > max_cpus)
		die("--cpus is more than --max-cpus");
	unsigned int nr_vcpus = max_cpus ? max_cpus : cpus;
	if (gic_version == GIC_V2 && nr_vcpus > GICV2_MAX_CPUS)
		die("a GICv2 serves at most 8 vCPUs");

	uint64_t ram_size = mem_mib * MIB;
	uint64_t dtb_addr = MEMMAP_RAM_BASE + ram_size - MEMMAP_DTB_MAX_SIZE;
	if (initrd_size > ram_size - MEMMAP_DTB_MAX_SIZE)
		die("--initrd-size does not fit in RAM");

	/* vm_add_devices: the same devices, in the same order. */
	static struct gic gic;
	static struct timer_node timer;
	static struct psci_node psci;
	static struct sdei_node sdei;
	static struct uart_16550 uart;
	static struct device_bus bus;
	struct irq_line uart_irq = { .set_level = NULL, .opaque = NULL, .spi = MEMMAP_UART_SPI };
	bool fw_ready = !kernel_psci;   /* hvmm's own firmware serves PSCI (and SDEI) */

	gic = (struct gic){ .version = gic_version, .fd = -1, .nr_cpus = nr_vcpus, .vm_fd = -1 };
	gic_node_init(&gic.dev, &gic);
	timer_node_init(&timer, &gic, 0);
	psci_node_init(&psci, conduit);
	sdei_node_init(&sdei, conduit);
	if (uart_16550_init(&uart, MEMMAP_UART_BASE, -1, &uart_irq))
		die("cannot set up the UART");
	if (device_bus_add(&bus, &gic.dev) || device_bus_add(&bus, &timer.dev) ||
	    device_bus_add(&bus, &uart.dev) || device_bus_add(&bus, &psci.dev) ||
	    (fw_ready && !no_sdei && device_bus_add(&bus, &sdei.dev)))
		die("cannot register devices");
	/* vmm/virtio.c's virtio_set_attach: the last device first. */
	static struct virtio_mmio virtio[9];
	static const int no_fds[VIRTIO_MAX_QUEUES] = { -1, -1 };
	for (unsigned int i = nr_virtio; i-- > 0;) {
		if (virtio_mmio_init(&virtio[i], &virtio_rng_model, NULL, MEMMAP_VIRTIO_BASE + i * MEMMAP_VIRTIO_STRIDE,
				     MEMMAP_VIRTIO_SPI + i, 0, NULL, 0, no_fds, -1, NULL) ||
		    device_bus_add(&bus, &virtio[i].dev))
			die("cannot register virtio device %u", i);
	}

	/* vm_write_dtb. */
	struct fdt_cpu *cpu = calloc(nr_vcpus, sizeof(*cpu));
	if (!cpu)
		die("out of memory");
	for (unsigned int i = 0; i < nr_vcpus; i++)
		cpu[i].mpidr = kvm_mpidr(i);

	char bootargs[4096];
	if (nodefaults)
		snprintf(bootargs, sizeof(bootargs), "%s", params);
	else
		snprintf(bootargs, sizeof(bootargs), "console=ttyS0 earlycon%s%s", *params ? " " : "", params);
	char stdout_path[40];
	snprintf(stdout_path, sizeof(stdout_path), "/serial@%llx", MEMMAP_UART_BASE);

	struct fdt_idle_state idle_states[PSCI_SUSPEND_STATE_COUNT] = {
		[PSCI_SUSPEND_STANDBY] = { "cpu-standby", 0, 20, 40, 100, false },
		[PSCI_SUSPEND_POWERDOWN] = { "cpu-powerdown", 0, 150, 350, 2000, false },
	};
	idle_states[PSCI_SUSPEND_STANDBY].psci_suspend_param =
		original ? PSCI_PSTATE_ORIGINAL_STANDBY : PSCI_PSTATE_EXTENDED_STANDBY;
	idle_states[PSCI_SUSPEND_POWERDOWN].psci_suspend_param =
		original ? PSCI_PSTATE_ORIGINAL_POWERDOWN : PSCI_PSTATE_EXTENDED_POWERDOWN;
	const struct fdt_idle_state *offered = idle_states;
	unsigned int nr_offered = fw_ready ? PSCI_SUSPEND_STATE_COUNT : 0;
	if (!strcmp(idle, "standby")) {
		nr_offered = nr_offered ? 1 : 0;
	} else if (!strcmp(idle, "powerdown")) {
		offered = &idle_states[PSCI_SUSPEND_POWERDOWN];
		nr_offered = nr_offered ? 1 : 0;
	} else if (!strcmp(idle, "none")) {
		nr_offered = 0;
	}

	struct fdt_params p = {
		.ram_base = MEMMAP_RAM_BASE, .ram_size = ram_size,
		.nr_cpus = nr_vcpus, .cpus = cpu, .bootargs = bootargs,
		.initrd_start = initrd_size ? (dtb_addr - initrd_size) & ~4095ULL : 0,
		.initrd_size = initrd_size,
		.stdout_path = stdout_path, .gic_phandle = GIC_PHANDLE, .bus = &bus,
		.boot_count = boot_count,
		.idle_states = nr_offered ? offered : NULL,
		.nr_idle_states = nr_offered,
	};
	void *dtb = calloc(1, FDT_MAX_SIZE);
	if (!dtb)
		die("out of memory");
	int ret = fdt_build(dtb, FDT_MAX_SIZE, &p);
	if (ret)
		die("fdt_build: %s", fdt_strerror(ret));

	FILE *f = fopen(out, "wb");
	if (!f)
		die("cannot open '%s'", out);
	if (fwrite(dtb, 1, fdt_totalsize(dtb), f) != fdt_totalsize(dtb) || fclose(f))
		die("cannot write '%s'", out);
	uart_16550_destroy(&uart);
	free(dtb);
	free(cpu);
	return 0;
}
