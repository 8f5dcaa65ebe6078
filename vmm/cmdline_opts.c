/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `hvmm run`'s options: one entry each, pointing into struct vm_config
 * (cmdline_opt.h), in the order `hvmm run --help` lists them. Names are
 * kvmtool's where it has the option. Values that need more than a type
 * and a range have their reader here.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline_opt.h"
#include "control/proto.h"
#include "sve.h"

#define FIELD(f) .offset = offsetof(struct vm_config, f), .size = sizeof(((struct vm_config *)0)->f)
#define FLAG(s, l, f, h) { .short_name = (s), .long_name = (l), .help = (h), .kind = OPT_FLAG, FIELD(f) }
#define STRING(s, l, a, f, h) \
	{ .short_name = (s), .long_name = (l), .arg = (a), .help = (h), .kind = OPT_STRING, FIELD(f) }
#define UINT(s, l, a, f, lo, note, hi, u, h) \
	{ .short_name = (s), .long_name = (l), .arg = (a), .help = (h), .kind = OPT_UINT, FIELD(f), \
	  .min = (lo), .min_note = (note), .max = (hi), .unit = (u) }
#define CHOICE(s, l, f, c, h) \
	{ .short_name = (s), .long_name = (l), .help = (h), .kind = OPT_CHOICE, FIELD(f), .choices = (c) }
#define CUSTOM(s, l, a, fn, h) \
	{ .short_name = (s), .long_name = (l), .arg = (a), .help = (h), .kind = OPT_CUSTOM, .parse = (fn) }

#define ACCEPTED(l, h) { .long_name = (l), .help = (h), .kind = OPT_ACCEPTED }
#define REFUSED(s, l, a, why) \
	{ .short_name = (s), .long_name = (l), .arg = (a), .help = "refused: " why, .kind = OPT_REFUSED, .reason = (why) }

#define CPUS_MAX 4096U

static const struct opt_choice log_levels[] = {
	{ "error", LOG_ERROR }, { "warning", LOG_WARNING }, { "info", LOG_INFO }, { "debug", LOG_DEBUG }, { NULL, 0 },
};
static const struct opt_choice reboots[] = { { "reset", false }, { "exit", true }, { NULL, 0 } };
static const struct opt_choice pstate_formats[] = { { "extended", false }, { "original", true }, { NULL, 0 } };
static const struct opt_choice conduits[] = {
	{ "hvc", SMCCC_CONDUIT_HVC }, { "smc", SMCCC_CONDUIT_SMC }, { NULL, 0 },
};
static const struct opt_choice idle_choices[] = {
	{ "all", IDLE_STATES_ALL }, { "standby", IDLE_STATES_STANDBY }, { "powerdown", IDLE_STATES_POWERDOWN },
	{ "none", IDLE_STATES_NONE }, { NULL, 0 },
};
static const struct opt_choice handler_fails[] = { { "notsupported", false }, { "stop", true }, { NULL, 0 } };

static int parse_name(const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	if (!control_name_valid(val))
		return reason_set(-1, err, errlen, "--name '%s': use 1-%d letters, digits, '.', '_' or '-', not starting with '.'",
				  val, CONTROL_NAME_MAX);
	cfg->name = val;
	return 0;
}

static int parse_mem(const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	if (cmdline_parse_mib(val, &cfg->mem_mib))
		return reason_set(-1, err, errlen, "--mem '%s': expected MiB from 1 to %llu (or with an M or G suffix)",
				  val, CMDLINE_MAX_MEM_MIB);
	return 0;
}

static int parse_lazy_mem(const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	if (cfg->lazy_mem.enabled)
		return reason_set(-1, err, errlen, "--lazy-mem is given twice");
	return lazy_config_parse(val, &cfg->lazy_mem, err, errlen);
}

/* kvmtool's --console serial|virtio|hv. */
static int parse_console(const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	if (!strcmp(val, "serial") || !strcmp(val, "virtio")) {
		cfg->console_virtio = !strcmp(val, "virtio");
		return 0;
	}
	if (!strcmp(val, "hv"))
		return reason_set(-1, err, errlen, "--console hv: hvmm has no hypervisor console (it is PowerPC's)");
	return reason_set(-1, err, errlen, "--console '%s': expected serial or virtio", val);
}

/* kvmtool's -d FILE[,ro]. */
static int parse_disk(const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	struct disk_config *d = &cfg->disks[cfg->nr_disks];
	const char *comma = strchr(val, ',');

	if (cfg->nr_disks == CMDLINE_MAX_DISKS)
		return reason_set(-1, err, errlen, "--disk: at most %u disks", CMDLINE_MAX_DISKS);
	if (!*val || comma == val)
		return reason_set(-1, err, errlen, "--disk '%s': expected FILE or FILE,ro", val);
	if (comma && strcmp(comma, ",ro"))
		return reason_set(-1, err, errlen, "--disk '%s': the only option after the file is ',ro'", val);
	d->spec = val;
	d->path_len = comma ? (size_t)(comma - val) : strlen(val);
	d->ro = comma != NULL;
	cfg->nr_disks++;
	return 0;
}

/* kvmtool's --virtio-transport: hvmm's devices are virtio-mmio, 1.x. */
static int parse_virtio_transport(const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	(void)cfg;
	if (!strcmp(val, "mmio"))
		return 0;
	if (!strcmp(val, "pci") || !strcmp(val, "pci-legacy") || !strcmp(val, "mmio-legacy"))
		return reason_set(-1, err, errlen, "--virtio-transport %s: hvmm's virtio devices are virtio 1.x over "
				  "MMIO only", val);
	return reason_set(-1, err, errlen, "--virtio-transport '%s': expected mmio", val);
}

static int parse_network(const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	(void)cfg;
	if (strcmp(val, "mode=none") && strcmp(val, "none"))
		return reason_set(-1, err, errlen, "--network '%s': hvmm has no network devices yet; only mode=none is accepted", val);
	return 0;
}

static int parse_sdei_event(const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	struct sdei_event_config *ev = &cfg->sdei_events[cfg->nr_sdei_events];

	if (cfg->nr_sdei_events == CMDLINE_MAX_SDEI_EVENTS)
		return reason_set(-1, err, errlen, "--sdei-event: at most %d events besides hvmm's own",
				  CMDLINE_MAX_SDEI_EVENTS);
	if (cmdline_parse_sdei_event(val, ev, err, errlen))
		return -1;
	for (unsigned int i = 0; i < cfg->nr_sdei_events; i++)
		if (cfg->sdei_events[i].num == ev->num)
			return reason_set(-1, err, errlen, "--sdei-event '%s': event %u is given twice", val, ev->num);
	cfg->nr_sdei_events++;
	return 0;
}

/* kvmtool's --debug: debug messages. */
static int parse_debug(const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	(void)val;
	(void)err;
	(void)errlen;
	cfg->loglevel = LOG_DEBUG;
	return 0;
}

/* A 64-bit number, decimal or 0x hex, digits only. */
static int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int parse_kaslr_seed(const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	if (parse_u64(val, &cfg->kaslr_seed))
		return reason_set(-1, err, errlen, "--kaslr-seed '%s': expected a 64-bit number (decimal or 0x hex)", val);
	cfg->has_kaslr_seed = true;
	return 0;
}

/* kvmtool's -f: the file hvmm loads is a firmware image (vm.c). */
static int parse_firmware(const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	if (cfg->kernel)
		return reason_set(-1, err, errlen, "-f '%s': the kernel is '%s' already; give a kernel or a firmware image",
				  val, cfg->kernel);
	cfg->kernel = val;
	cfg->kernel_is_firmware = true;
	return 0;
}

static int parse_firmware_address(const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	if (parse_u64(val, &cfg->firmware_addr))
		return reason_set(-1, err, errlen, "--firmware-address '%s': expected a 64-bit address (decimal or 0x hex)",
				  val);
	cfg->has_firmware_addr = true;
	return 0;
}

/* kvmtool's --sve-max-vl: a vector length in bits. */
static int parse_sve_max_vl(const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	uint64_t v;

	if (parse_u64(val, &v) || v < SVE_VL_MIN_BITS || v > SVE_VL_MAX_BITS || v % SVE_VL_MIN_BITS)
		return reason_set(-1, err, errlen, "--sve-max-vl '%s': expected a vector length in bits, %u to %u "
				  "in steps of %u", val, SVE_VL_MIN_BITS, SVE_VL_MAX_BITS, SVE_VL_MIN_BITS);
	cfg->sve_max_vl = (unsigned int)v;
	return 0;
}

/* One number of a CPU list, below CMDLINE_MAX_HOST_CPUS; *s moves past it. */
static int cpu_number(const char **s, unsigned int *cpu)
{
	unsigned int v = 0, digits = 0;

	for (; **s >= '0' && **s <= '9' && digits < 5; (*s)++, digits++)
		v = v * 10 + (unsigned int)(**s - '0');
	if (!digits || (**s >= '0' && **s <= '9') || v >= CMDLINE_MAX_HOST_CPUS)
		return -1;
	*cpu = v;
	return 0;
}

/* kvmtool's --vcpu-affinity: a CPU list, "0-3,6". */
static int parse_vcpu_affinity(const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	const char *s = val;

	memset(cfg->vcpu_affinity, 0, sizeof(cfg->vcpu_affinity));
	do {
		unsigned int lo, hi;

		if (cpu_number(&s, &lo))
			break;
		hi = lo;
		if (*s == '-' && (s++, cpu_number(&s, &hi) || hi < lo))
			break;
		for (unsigned int c = lo; c <= hi; c++)
			cfg->vcpu_affinity[c / 64] |= 1ULL << (c % 64);
		if (!*s)
			return 0;
	} while (*s++ == ',');
	memset(cfg->vcpu_affinity, 0, sizeof(cfg->vcpu_affinity));
	return reason_set(-1, err, errlen, "--vcpu-affinity '%s': expected host CPUs like 0-3,6 (each below %u)", val,
			  CMDLINE_MAX_HOST_CPUS);
}

/* kvmtool's --irqchip: hvmm's interrupt controller is KVM's GICv3, with
 * an ITS if asked. */
static int parse_irqchip(const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	cfg->gic_its = !strcmp(val, "gicv3-its");
	if (!strcmp(val, "gicv3") || cfg->gic_its)
		return 0;
	if (!strcmp(val, "gicv2") || !strcmp(val, "gicv2m"))
		return reason_set(-1, err, errlen, "--irqchip %s: hvmm emulates only a GICv3; use gicv3", val);
	return reason_set(-1, err, errlen, "--irqchip '%s': expected gicv3 or gicv3-its", val);
}

static int parse_smccc_handler(const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	return handler_spec_add(cfg->smccc_handlers, &cfg->nr_smccc_handlers, val, err, errlen);
}

const struct opt cmdline_opts[] = {
	STRING('k', "kernel", "FILE", kernel, "kernel: arm64 Image, ELF, or raw binary"),
	STRING('i', "initrd", "FILE", initrd, "initial ramdisk"),
	STRING('p', "params", "STR", params, "kernel command line"),
	UINT('c', "cpus", "N", cpus, 1, "", CPUS_MAX, "a whole number", "number of vCPUs (default: host CPUs)"),
	UINT(0, "max-cpus", "M", max_cpus, 1, "", CPUS_MAX, "a whole number",
	     "create M vCPUs, those past --cpus disabled (hot-add)"),
	CUSTOM('m', "mem", "MiB", parse_mem, "guest RAM (default 256; M and G suffixes)"),
	CUSTOM(0, "lazy-mem", "SOURCE[,latency=USEC][,bandwidth=MIBPS]", parse_lazy_mem,
	       "RAM fetched on first touch from zero or an image file"),
	CUSTOM(0, "name", "NAME", parse_name, "name of the VM"),
	CUSTOM(0, "console", "serial|virtio", parse_console, "the guest's console: the UART (ttyS0) or virtio (hvc0)"),
	FLAG(0, "nodefaults", nodefaults, "pass -p to the kernel untouched"),
	CHOICE(0, "loglevel", loglevel, log_levels, "what hvmm logs"),
	CUSTOM('n', "network", "mode=none", parse_network, "networking (none yet)"),
	STRING(0, "dump-dtb", "FILE", dump_dtb, "write the generated device tree to FILE"),
	FLAG(0, "stats", stats, "print hypercall counts at exit"),
	FLAG(0, "in-kernel-psci", in_kernel_psci, "let KVM serve PSCI instead of hvmm"),
	CHOICE(0, "reboot", reboot_exit, reboots, "guest reset: restart it (default) or exit 3"),
	UINT(0, "timeout", "SECONDS", timeout_s, 1, "", CMDLINE_MAX_TIMEOUT_S, "seconds",
	     "stop the guest after this long, exit 5 (unattended runs)"),
	CHOICE(0, "psci-suspend-format", suspend_format_original, pstate_formats, "CPU_SUSPEND power_state format"),
	CHOICE(0, "psci-conduit", psci_conduit, conduits, "instruction the guest calls PSCI and SDEI with"),
	FLAG(0, "psci-on-pending", psci_on_pending,
	     "CPU_ON of a vCPU still powering on answers ON_PENDING (default ALREADY_ON, as KVM)"),
	CHOICE(0, "idle-states", idle_states, idle_choices, "idle states in the device tree"),
	FLAG(0, "no-sdei", no_sdei, "no SDEI for the guest"),
	FLAG(0, "no-trng", no_trng, "leave SMCCC TRNG to KVM"),
	CUSTOM(0, "sdei-event", "NUM,shared|private,normal|critical", parse_sdei_event, "one more SDEI event"),
	CUSTOM(0, "smccc-handler", "RANGE=CMD", parse_smccc_handler,
	       "SMCCC calls in RANGE (hex BASE+COUNT or BASE-LAST) go to sh -c CMD"),
	UINT(0, "smccc-handler-timeout", "MS", smccc_handler_timeout_ms, 0, " (no limit)", CMDLINE_MAX_HANDLER_TIMEOUT_MS,
	     "milliseconds", "a handler's time to answer (default 1000; 0: no limit)"),
	CHOICE(0, "smccc-handler-fail", smccc_handler_fail_stop, handler_fails,
	       "what a failed handler's range gets (default notsupported)"),
	FLAG(0, "no-sandbox", no_sandbox, "no seccomp filters (for debugging hvmm)"),
	/* kvmtool's, docs/lkvm-options.md. */
	FLAG(0, "pmu", pmu, "a PMUv3 for every vCPU (arm,armv8-pmuv3, PPI 23)"),
	FLAG(0, "aarch32", aarch32, "32-bit guest: vCPUs start in AArch32 SVC mode, r2 = device tree"),
	CUSTOM(0, "debug", NULL, parse_debug, "debug messages (--loglevel debug)"),
	CUSTOM(0, "kaslr-seed", "SEED", parse_kaslr_seed, "/chosen/kaslr-seed for the guest's KASLR"),
	CUSTOM(0, "vcpu-affinity", "CPULIST", parse_vcpu_affinity, "host CPUs the vCPU threads run on (0-3,6)"),
	ACCEPTED("disable-mte", "accepted: the guest has no MTE (hvmm does not enable it)"),
	FLAG(0, "disable-sve", disable_sve, "no SVE for the guest (by default it has the host's)"),
	CUSTOM(0, "sve-max-vl", "BITS", parse_sve_max_vl, "the longest SVE vector length (128 to 2048, by 128)"),
	FLAG(0, "no-pvtime", no_pvtime, "no stolen time for the guest (KVM's PV_TIME)"),
	STRING(0, "dev", "FILE", kvm_dev, "the KVM device (default /dev/kvm)"),
	STRING(0, "hugetlbfs", "DIR", hugetlbfs, "guest RAM from huge pages of the hugetlbfs mounted at DIR"),
	ACCEPTED("debug-ioport", "accepted: arm64 guests have no I/O ports"),
	FLAG(0, "debug-mmio", debug_mmio, "log each MMIO access a device of hvmm's serves"),
	UINT(0, "override-bad-firmware-cntfrq", "HZ", timer_frequency, 1, "", UINT32_MAX, "Hz",
	     "the timer's frequency in the device tree, for guests told not to trust CNTFRQ"),
	CUSTOM('d', "disk", "FILE[,ro]", parse_disk, "a virtio-blk disk from a raw image (repeatable)"),
	FLAG(0, "rng", rng, "a virtio-rng device fed by the host's getrandom"),
	REFUSED(0, "balloon", NULL, "hvmm has no virtio balloon device yet"),
	REFUSED(0, "9p", "DIR,TAG", "hvmm has no virtio 9p device yet"),
	REFUSED(0, "vsock", "CID", "hvmm has no virtio vsock device yet"),
	CUSTOM(0, "virtio-transport", "mmio", parse_virtio_transport, "virtio transport (only mmio, virtio 1.x)"),
	REFUSED(0, "virtio-legacy", NULL, "hvmm's virtio devices are virtio 1.x only, without the legacy interface"),
	REFUSED(0, "force-pci", NULL, "hvmm has no PCI bus or virtio devices yet"),
	REFUSED(0, "vfio-pci", "BDF", "hvmm has no PCI bus for device assignment"),
	REFUSED(0, "vnc", NULL, "hvmm has no framebuffer: its console is the serial port"),
	REFUSED(0, "gtk", NULL, "hvmm has no framebuffer: its console is the serial port"),
	REFUSED(0, "sdl", NULL, "hvmm has no framebuffer: its console is the serial port"),
	REFUSED(0, "tty", "N", "the guest's one console is the terminal hvmm runs on"),
	REFUSED(0, "sandbox", "SCRIPT", "hvmm boots no root directory of the host (kvmtool's rootfs mode)"),
	REFUSED(0, "no-dhcp", NULL, "hvmm boots no root directory of the host (kvmtool's rootfs mode)"),
	REFUSED('F', "flash", "FILE", "hvmm has no flash device yet"),
	CUSTOM('f', "firmware", "FILE", parse_firmware, "a firmware image instead of a kernel, entered at its start"),
	CUSTOM(0, "firmware-address", "ADDR", parse_firmware_address, "where -f's image goes (default: RAM's start)"),
	REFUSED(0, "debug-single-step", NULL, "hvmm does not single-step guests"),
	REFUSED(0, "debug-iodelay", "MS", "hvmm does not delay device accesses"),
	REFUSED(0, "nested", NULL, "hvmm cannot run a guest hypervisor: arm64 KVM has nested virtualisation "
				  "only from Linux 6.16 (KVM_CAP_ARM_EL2), and hvmm does not use it yet"),
	CUSTOM(0, "irqchip", "gicv3|gicv3-its", parse_irqchip, "KVM's GICv3 (always), with an ITS for MSIs"),
	FLAG('h', "help", help, "this text"),
};

const size_t cmdline_nr_opts = sizeof(cmdline_opts) / sizeof(cmdline_opts[0]);

const struct opt *cmdline_opt_long(const char *name, size_t len)
{
	for (size_t i = 0; i < cmdline_nr_opts; i++)
		if (strlen(cmdline_opts[i].long_name) == len && !strncmp(cmdline_opts[i].long_name, name, len))
			return &cmdline_opts[i];
	return NULL;
}

const struct opt *cmdline_opt_short(char c)
{
	for (size_t i = 0; i < cmdline_nr_opts; i++)
		if (cmdline_opts[i].short_name && cmdline_opts[i].short_name == c)
			return &cmdline_opts[i];
	return NULL;
}
