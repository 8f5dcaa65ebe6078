/* SPDX-License-Identifier: GPL-2.0-only */
/* `hvmm run` options, named as kvmtool names them. Parsing is pure: no I/O. */
#ifndef HVMM_CMDLINE_H
#define HVMM_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "firmware/sdei.h"
#include "firmware/smccc_call.h"
#include "handler/spec.h"
#include "log.h"
#include "lazy/config.h"

#define CMDLINE_DEFAULT_MEM_MIB 256ULL
#define CMDLINE_DEFAULT_HANDLER_TIMEOUT_MS 1000U
#define CMDLINE_MAX_HANDLER_TIMEOUT_MS 3600000U
#define CMDLINE_MAX_TIMEOUT_S 31536000U   /* --timeout: a year */
#define CMDLINE_MAX_DISKS 7U                /* -d: virtio-blk devices */
#define CMDLINE_MAX_HOST_CPUS 1024U        /* --vcpu-affinity: CPUs 0-1023 */
#define CMDLINE_MAX_MEM_MIB     (1ULL << 20)   /* 1 TiB: beyond any IPA we ask for */

/* Which PSCI idle states the device tree offers the guest's cpuidle. */
enum idle_states {
	IDLE_STATES_NONE = 0,      /* the default: the guest idles in WFI, in KVM */
	IDLE_STATES_ALL,
	IDLE_STATES_STANDBY,
	IDLE_STATES_POWERDOWN,
};

/* SDEI_MAX_EVENTS counts event 0 and hvmm's four default events too. */
#define CMDLINE_MAX_SDEI_EVENTS (SDEI_MAX_EVENTS - 5)

/* RAM starts at 1 GiB: a 32-bit guest's RAM must end below 4 GiB. */
#define CMDLINE_AARCH32_MAX_MEM_MIB 3072U

struct vm_config {
	const char *kernel;
	const char *initrd;
	const char *params;        /* kernel command line given with -p */
	const char *name;
	const char *dump_dtb;
	const char *kvm_dev;       /* --dev: the KVM device; NULL: /dev/kvm */
	const char *hugetlbfs;     /* --hugetlbfs: RAM from huge pages in this mount */
	unsigned int cpus;         /* 0: not given, use the default */
	unsigned int max_cpus;     /* 0: not given, same as cpus */
	bool reboot_exit;          /* --reboot=exit: a guest reset ends hvmm (status 3) */
	bool suspend_format_original;
	bool psci_on_pending;      /* --psci-on-pending: racing CPU_ONs may get ON_PENDING */
	unsigned int timeout_s;    /* --timeout: stop the guest after this long; 0: never */
	uint64_t kaslr_seed;       /* --kaslr-seed: /chosen/kaslr-seed */
	/* --vcpu-affinity: host CPUs the vCPU threads may run on (bit n: CPU n);
	 * all zero: any. */
	uint64_t vcpu_affinity[CMDLINE_MAX_HOST_CPUS / 64];
	bool has_kaslr_seed;
	/* --psci-conduit: the instruction the device tree tells the guest to
	 * make PSCI and SDEI calls with (KVM forwards both alike). */
	enum smccc_conduit psci_conduit;
	enum idle_states idle_states;
	bool no_sdei;              /* --no-sdei: no SDEI range, no /firmware/sdei */
	struct sdei_event_config sdei_events[CMDLINE_MAX_SDEI_EVENTS];   /* --sdei-event */
	unsigned int nr_sdei_events;
	struct handler_spec smccc_handlers[HANDLER_MAX];   /* --smccc-handler, in order */
	unsigned int nr_smccc_handlers;
	unsigned int smccc_handler_timeout_ms;   /* 0: no limit */
	bool smccc_handler_fail_stop;            /* a failed handler stops hvmm (status 1) */
	uint64_t mem_mib;
	struct lazy_config lazy_mem;   /* --lazy-mem; .enabled false: RAM is all there */
	enum log_level loglevel;
	bool nodefaults;
	bool stats;
	bool in_kernel_psci;
	bool no_sandbox;           /* --no-sandbox: no seccomp filters */
	bool no_trng;              /* --no-trng: TRNG left to KVM */
	bool pmu;                  /* --pmu: a PMUv3 for every vCPU */
	bool gic_its;              /* --irqchip gicv3-its: an ITS beside the GICv3 */
	bool no_pvtime;            /* --no-pvtime: no stolen-time records */
	bool disable_sve;          /* --disable-sve: no SVE even where KVM has it */
	bool aarch32;              /* --aarch32: the vCPUs run AArch32 at EL1 */
	bool debug_mmio;           /* --debug-mmio: log each MMIO access a device serves */
	bool rng;                  /* --rng: a virtio-rng device */
	bool console_virtio;       /* --console virtio: the terminal is the guest's hvc0 */
	struct disk_config {
		const char *spec;  /* argv's FILE[,ro] */
		size_t path_len;   /* FILE's length in spec */
		bool ro;           /* ",ro": the guest sees a read-only disk */
	} disks[CMDLINE_MAX_DISKS];   /* -d/--disk, in order: vda, vdb, ... */
	unsigned int nr_disks;
	unsigned int timer_frequency;   /* --override-bad-firmware-cntfrq: Hz in the DT; 0: none */
	unsigned int sve_max_vl;   /* --sve-max-vl: in bits; 0: the host's longest */
	bool kernel_is_firmware;   /* -f: kernel is a firmware image, loaded raw */
	bool has_firmware_addr;
	uint64_t firmware_addr;    /* --firmware-address; else RAM's start */
	bool help;
};

/* Parse argv[0..argc) (argv[0] is the first option, not the program name).
 * Returns 0, or -1 with a one-line reason in err. */
int cmdline_parse_run(int argc, char *const argv[], struct vm_config *cfg, char *err, size_t errlen);

void cmdline_print_run_usage(FILE *out);

/* What `hvmm run ARGS` does before booting anything, in every build: parse
 * (a bad option: one line, status 2), answer --help (status 0). Returns
 * true if the command goes on with cfg; else *status is its exit status. */
bool cmdline_run_begin(int argc, char *const argv[], struct vm_config *cfg, int *status);


/* Parse "NUM,shared|private,normal|critical" (an --sdei-event value). */
int cmdline_parse_sdei_event(const char *s, struct sdei_event_config *ev, char *err, size_t errlen);

/* Parse a size in MiB: "256", "256M", "1G". */
int cmdline_parse_mib(const char *s, uint64_t *mib);

#endif
