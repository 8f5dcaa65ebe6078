/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "exit_status.h"
#include "control/proto.h"

#define CMDLINE_MAX_CPUS 4096

enum opt_id {
	OPT_KERNEL, OPT_INITRD, OPT_PARAMS, OPT_CPUS, OPT_MEM, OPT_NAME, OPT_CONSOLE,
	OPT_NODEFAULTS, OPT_LOGLEVEL, OPT_NETWORK, OPT_DUMP_DTB, OPT_STATS,
	OPT_IN_KERNEL_PSCI, OPT_HELP, OPT_MAX_CPUS, OPT_REBOOT, OPT_SUSPEND_FORMAT, OPT_IDLE_STATES, OPT_NO_SDEI, OPT_SDEI_EVENT,
	OPT_NO_SANDBOX, OPT_PSCI_CONDUIT, OPT_NO_TRNG, OPT_PSCI_ON_PENDING, OPT_TIMEOUT, OPT_SMCCC_HANDLER,
	OPT_SMCCC_HANDLER_TIMEOUT, OPT_SMCCC_HANDLER_FAIL, OPT_LAZY_MEM,
};

struct opt {
	enum opt_id id;
	char short_name;       /* 0: long only */
	const char *long_name;
	bool has_arg;
	const char *help;
};

static const struct opt run_opts[] = {
	{ OPT_KERNEL,  'k', "kernel", true,  "FILE  kernel: arm64 Image, ELF, or raw binary" },
	{ OPT_INITRD,  'i', "initrd", true,  "FILE  initial ramdisk" },
	{ OPT_PARAMS,  'p', "params", true,  "STR   kernel command line" },
	{ OPT_CPUS,    'c', "cpus",   true,  "N     number of vCPUs (default: host CPUs)" },
	{ OPT_MAX_CPUS, 0,  "max-cpus", true, "M    create M vCPUs, those past --cpus disabled (hot-add)" },
	{ OPT_MEM,     'm', "mem",    true,  "MiB   guest RAM (default 256; M and G suffixes)" },
	{ OPT_LAZY_MEM, 0,  "lazy-mem", true, "SOURCE[,latency=USEC][,bandwidth=MIBPS]  RAM fetched on first touch from zero or an image file" },
	{ OPT_NAME,     0,  "name",   true,  "NAME  name of the VM" },
	{ OPT_CONSOLE,  0,  "console", true, "serial  console device (only serial)" },
	{ OPT_NODEFAULTS, 0, "nodefaults", false, "      pass -p to the kernel untouched" },
	{ OPT_LOGLEVEL, 0,  "loglevel", true, "LVL  error, warning, info or debug" },
	{ OPT_NETWORK, 'n', "network", true, "mode=none  networking (none yet)" },
	{ OPT_DUMP_DTB, 0,  "dump-dtb", true, "FILE  write the generated device tree to FILE" },
	{ OPT_STATS,    0,  "stats",  false, "      print hypercall counts at exit" },
	{ OPT_IN_KERNEL_PSCI, 0, "in-kernel-psci", false, "   let KVM serve PSCI instead of hvmm" },
	{ OPT_REBOOT,   0,  "reboot", true,  "reset|exit  guest reset: restart it (default) or exit 3" },
	{ OPT_TIMEOUT,  0,  "timeout", true, "SECONDS  stop the guest after this long, exit 5 (unattended runs)" },
	{ OPT_SUSPEND_FORMAT, 0, "psci-suspend-format", true, "extended|original  CPU_SUSPEND power_state format" },
	{ OPT_PSCI_CONDUIT, 0, "psci-conduit", true, "hvc|smc  instruction the guest calls PSCI and SDEI with" },
	{ OPT_PSCI_ON_PENDING, 0, "psci-on-pending", false, "   CPU_ON of a vCPU still powering on answers ON_PENDING (default ALREADY_ON, as KVM)" },
	{ OPT_IDLE_STATES, 0, "idle-states", true, "all|standby|powerdown|none  idle states in the device tree" },
	{ OPT_NO_SDEI,  0,  "no-sdei", false, "      no SDEI for the guest" },
	{ OPT_NO_TRNG,  0,  "no-trng", false, "      leave SMCCC TRNG to KVM" },
	{ OPT_SDEI_EVENT, 0, "sdei-event", true, "NUM,shared|private,normal|critical  one more SDEI event" },
	{ OPT_SMCCC_HANDLER, 0, "smccc-handler", true, "RANGE=CMD  SMCCC calls in RANGE (hex BASE+COUNT or BASE-LAST) go to sh -c CMD" },
	{ OPT_SMCCC_HANDLER_TIMEOUT, 0, "smccc-handler-timeout", true, "MS  a handler's time to answer (default 1000; 0: no limit)" },
	{ OPT_SMCCC_HANDLER_FAIL, 0, "smccc-handler-fail", true, "notsupported|stop  what a failed handler's range gets (default notsupported)" },
	{ OPT_NO_SANDBOX, 0, "no-sandbox", false, "   no seccomp filters (for debugging hvmm)" },
	{ OPT_HELP,    'h', "help",   false, "      this text" },
};

#define NR_RUN_OPTS (sizeof(run_opts) / sizeof(run_opts[0]))

int cmdline_parse_mib(const char *s, uint64_t *mib)
{
	unsigned long long v;
	char *end;

	/* Digits first: strtoull would also take blanks and a sign. */
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end == 'G' || *end == 'g') {
		if (v > CMDLINE_MAX_MEM_MIB / 1024)
			return -1;
		v *= 1024;
		end++;
	} else if (*end == 'M' || *end == 'm') {
		end++;
	}
	if (*end || v == 0 || v > CMDLINE_MAX_MEM_MIB)
		return -1;
	*mib = v;
	return 0;
}

/* A whole number from 0 to max, digits only. */
static int parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

static int parse_cpus(const char *s, unsigned int *cpus)
{
	unsigned int v;

	if (parse_uint(s, CMDLINE_MAX_CPUS, &v) || v == 0)
		return -1;
	*cpus = v;
	return 0;
}

static const struct opt *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < NR_RUN_OPTS; i++)
		if (strlen(run_opts[i].long_name) == len && !strncmp(run_opts[i].long_name, name, len))
			return &run_opts[i];
	return NULL;
}

static const struct opt *find_short(char c)
{
	for (size_t i = 0; i < NR_RUN_OPTS; i++)
		if (run_opts[i].short_name && run_opts[i].short_name == c)
			return &run_opts[i];
	return NULL;
}

/* The options that shape the firmware the guest sees (PSCI, SDEI, resets). */
static int apply_firmware(const struct opt *o, const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	switch (o->id) {
	case OPT_REBOOT:
		if (!strcmp(val, "exit"))
			cfg->reboot_exit = true;
		else if (!strcmp(val, "reset"))
			cfg->reboot_exit = false;
		else
			return reason_set(-1, err, errlen, "--reboot '%s': expected reset or exit", val);
		break;
	case OPT_IDLE_STATES:
		if (!strcmp(val, "all"))
			cfg->idle_states = IDLE_STATES_ALL;
		else if (!strcmp(val, "standby"))
			cfg->idle_states = IDLE_STATES_STANDBY;
		else if (!strcmp(val, "powerdown"))
			cfg->idle_states = IDLE_STATES_POWERDOWN;
		else if (!strcmp(val, "none"))
			cfg->idle_states = IDLE_STATES_NONE;
		else
			return reason_set(-1, err, errlen, "--idle-states '%s': expected all, standby, powerdown or none", val);
		break;
	case OPT_NO_SDEI: cfg->no_sdei = true; break;
	case OPT_NO_TRNG: cfg->no_trng = true; break;
	case OPT_PSCI_ON_PENDING: cfg->psci_on_pending = true; break;
	case OPT_SDEI_EVENT:
		if (cfg->nr_sdei_events == CMDLINE_MAX_SDEI_EVENTS)
			return reason_set(-1, err, errlen, "--sdei-event: at most %d events besides hvmm's own",
				    CMDLINE_MAX_SDEI_EVENTS);
		if (cmdline_parse_sdei_event(val, &cfg->sdei_events[cfg->nr_sdei_events], err, errlen))
			return -1;
		for (unsigned int i = 0; i < cfg->nr_sdei_events; i++)
			if (cfg->sdei_events[i].num == cfg->sdei_events[cfg->nr_sdei_events].num)
				return reason_set(-1, err, errlen, "--sdei-event '%s': event %u is given twice", val,
					    cfg->sdei_events[i].num);
		cfg->nr_sdei_events++;
		break;
	case OPT_SMCCC_HANDLER:
		return handler_spec_add(cfg->smccc_handlers, &cfg->nr_smccc_handlers, val, err, errlen);
	case OPT_SMCCC_HANDLER_TIMEOUT:
		if (parse_uint(val, CMDLINE_MAX_HANDLER_TIMEOUT_MS, &cfg->smccc_handler_timeout_ms))
			return reason_set(-1, err, errlen, "--smccc-handler-timeout '%s': expected milliseconds from 0 "
					  "(no limit) to %u", val, CMDLINE_MAX_HANDLER_TIMEOUT_MS);
		break;
	case OPT_SMCCC_HANDLER_FAIL:
		if (!strcmp(val, "stop"))
			cfg->smccc_handler_fail_stop = true;
		else if (!strcmp(val, "notsupported"))
			cfg->smccc_handler_fail_stop = false;
		else
			return reason_set(-1, err, errlen, "--smccc-handler-fail '%s': expected notsupported or stop", val);
		break;
	case OPT_SUSPEND_FORMAT:
		if (!strcmp(val, "original"))
			cfg->suspend_format_original = true;
		else if (!strcmp(val, "extended"))
			cfg->suspend_format_original = false;
		else
			return reason_set(-1, err, errlen, "--psci-suspend-format '%s': expected extended or original", val);
		break;
	case OPT_PSCI_CONDUIT:
		if (!strcmp(val, "hvc"))
			cfg->psci_conduit = SMCCC_CONDUIT_HVC;
		else if (!strcmp(val, "smc"))
			cfg->psci_conduit = SMCCC_CONDUIT_SMC;
		else
			return reason_set(-1, err, errlen, "--psci-conduit '%s': expected hvc or smc", val);
		break;
	case OPT_IN_KERNEL_PSCI: cfg->in_kernel_psci = true; break;
	default: break;
	}
	return 0;
}

static int apply(const struct opt *o, const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	switch (o->id) {
	case OPT_KERNEL: cfg->kernel = val; break;
	case OPT_INITRD: cfg->initrd = val; break;
	case OPT_PARAMS: cfg->params = val; break;
	case OPT_NAME:
		if (!control_name_valid(val))
			return reason_set(-1, err, errlen, "--name '%s': use 1-%d letters, digits, '.', '_' or '-', not starting with '.'",
				    val, CONTROL_NAME_MAX);
		cfg->name = val;
		break;
	case OPT_MAX_CPUS:
		if (parse_cpus(val, &cfg->max_cpus))
			return reason_set(-1, err, errlen, "--max-cpus '%s': expected a whole number from 1 to %d", val,
				    CMDLINE_MAX_CPUS);
		break;
	case OPT_REBOOT: case OPT_IDLE_STATES: case OPT_NO_SDEI: case OPT_NO_TRNG: case OPT_SDEI_EVENT:
	case OPT_SUSPEND_FORMAT: case OPT_PSCI_CONDUIT: case OPT_IN_KERNEL_PSCI: case OPT_SMCCC_HANDLER:
	case OPT_SMCCC_HANDLER_TIMEOUT: case OPT_SMCCC_HANDLER_FAIL: case OPT_PSCI_ON_PENDING:
		return apply_firmware(o, val, cfg, err, errlen);
	case OPT_NO_SANDBOX: cfg->no_sandbox = true; break;
	case OPT_TIMEOUT:
		if (parse_uint(val, CMDLINE_MAX_TIMEOUT_S, &cfg->timeout_s) || cfg->timeout_s == 0)
			return reason_set(-1, err, errlen, "--timeout '%s': expected seconds from 1 to %u", val,
					  CMDLINE_MAX_TIMEOUT_S);
		break;
	case OPT_DUMP_DTB: cfg->dump_dtb = val; break;
	case OPT_CPUS:
		if (parse_cpus(val, &cfg->cpus))
			return reason_set(-1, err, errlen, "--cpus '%s': expected a whole number from 1 to %d", val,
				    CMDLINE_MAX_CPUS);
		break;
	case OPT_MEM:
		if (cmdline_parse_mib(val, &cfg->mem_mib))
			return reason_set(-1, err, errlen, "--mem '%s': expected MiB from 1 to %llu (or with an M or G suffix)",
				    val, CMDLINE_MAX_MEM_MIB);
		break;
	case OPT_LAZY_MEM:
		if (cfg->lazy_mem.enabled)
			return reason_set(-1, err, errlen, "--lazy-mem is given twice");
		return lazy_config_parse(val, &cfg->lazy_mem, err, errlen);
	case OPT_CONSOLE:
		if (strcmp(val, "serial"))
			return reason_set(-1, err, errlen, "--console '%s': hvmm has only the serial console", val);
		break;
	case OPT_NETWORK:
		if (strcmp(val, "mode=none") && strcmp(val, "none"))
			return reason_set(-1, err, errlen, "--network '%s': hvmm has no network devices yet; only mode=none is accepted", val);
		break;
	case OPT_LOGLEVEL:
		if (log_level_parse(val, &cfg->loglevel))
			return reason_set(-1, err, errlen, "--loglevel '%s': expected error, warning, info or debug", val);
		break;
	case OPT_NODEFAULTS: cfg->nodefaults = true; break;
	case OPT_STATS: cfg->stats = true; break;
	case OPT_HELP: cfg->help = true; break;
	}
	return 0;
}

/* One argv word that starts with "--": --name, --name=value or --name value. */
static int parse_long(int argc, char *const argv[], int *i, struct vm_config *cfg, uint64_t *seen,
		      char *err, size_t errlen)
{
	const char *word = argv[*i] + 2, *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	const struct opt *o = find_long(word, len);
	const char *val = NULL;

	if (!o)
		return reason_set(-1, err, errlen, "unknown option '%s' (see 'hvmm run --help')", argv[*i]);
	if (o->has_arg) {
		if (eq)
			val = eq + 1;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else
			return reason_set(-1, err, errlen, "option '--%s' needs a value", o->long_name);
	} else if (eq) {
		return reason_set(-1, err, errlen, "option '--%s' takes no value", o->long_name);
	}
	*seen |= 1ULL << o->id;
	return apply(o, val, cfg, err, errlen);
}

/* One argv word that starts with a single "-": -k FILE, -kFILE, or flags. */
static int parse_short(int argc, char *const argv[], int *i, struct vm_config *cfg, uint64_t *seen,
		       char *err, size_t errlen)
{
	const char *word = argv[*i];
	const struct opt *o = word[1] ? find_short(word[1]) : NULL;
	const char *val = NULL;

	if (!o)
		return reason_set(-1, err, errlen, "unknown option '%s' (see 'hvmm run --help')", word);
	if (o->has_arg) {
		if (word[2])
			val = word + 2;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else
			return reason_set(-1, err, errlen, "option '-%c' needs a value", o->short_name);
	} else if (word[2]) {
		return reason_set(-1, err, errlen, "unknown option '%s' (see 'hvmm run --help')", word);
	}
	*seen |= 1ULL << o->id;
	return apply(o, val, cfg, err, errlen);
}

#define SEEN(opt) (seen & (1ULL << (opt)))

/*
 * Options that cannot both hold. --in-kernel-psci hands PSCI to KVM, so
 * hvmm has no SDEI, cannot keep vCPUs disabled, and offers no CPU_SUSPEND
 * format or idle states of its own: asking for them with it would be
 * silently ignored, or fail later with a less direct reason.
 */
static int check_contradictions(const struct vm_config *cfg, uint64_t seen, char *err, size_t errlen)
{
	if (cfg->no_sdei && cfg->nr_sdei_events)
		return reason_set(-1, err, errlen, "--sdei-event and --no-sdei contradict each other: without SDEI there are no events");
	if (!cfg->in_kernel_psci)
		return 0;
	if (SEEN(OPT_MAX_CPUS))
		return reason_set(-1, err, errlen, "--max-cpus needs hvmm's own PSCI (KVM's cannot keep vCPUs disabled): drop --in-kernel-psci");
	if (cfg->nr_sdei_events)
		return reason_set(-1, err, errlen, "--sdei-event needs hvmm's own PSCI: with --in-kernel-psci there is no SDEI");
	if (SEEN(OPT_SUSPEND_FORMAT))
		return reason_set(-1, err, errlen, "--psci-suspend-format needs hvmm's own PSCI: with --in-kernel-psci KVM serves CPU_SUSPEND");
	if (cfg->psci_on_pending)
		return reason_set(-1, err, errlen, "--psci-on-pending needs hvmm's own PSCI: with --in-kernel-psci KVM answers CPU_ON (ALREADY_ON)");
	if (cfg->nr_smccc_handlers)
		return reason_set(-1, err, errlen, "--smccc-handler needs hvmm's own PSCI: with --in-kernel-psci no SMCCC call reaches hvmm");
	if (SEEN(OPT_IDLE_STATES) && cfg->idle_states != IDLE_STATES_NONE)
		return reason_set(-1, err, errlen, "--idle-states needs hvmm's own PSCI: with --in-kernel-psci the device tree offers none");
	return 0;
}

int cmdline_parse_run(int argc, char *const argv[], struct vm_config *cfg, char *err, size_t errlen)
{
	uint64_t seen = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_mib = CMDLINE_DEFAULT_MEM_MIB;
	cfg->loglevel = LOG_WARNING;
	cfg->psci_conduit = SMCCC_CONDUIT_HVC;
	cfg->smccc_handler_timeout_ms = CMDLINE_DEFAULT_HANDLER_TIMEOUT_MS;
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		int ret;

		if (w[0] != '-' || !w[1])
			return reason_set(-1, err, errlen, "unexpected argument '%s' (the kernel goes after -k)", w);
		ret = w[1] == '-' ? parse_long(argc, argv, &i, cfg, &seen, err, errlen)
				  : parse_short(argc, argv, &i, cfg, &seen, err, errlen);
		if (ret)
			return ret;
	}
	if (!cfg->help && !cfg->kernel)
		return reason_set(-1, err, errlen, "no kernel given: use -k FILE (see 'hvmm run --help')");
	if (cfg->max_cpus && cfg->cpus > cfg->max_cpus)
		return reason_set(-1, err, errlen, "--cpus %u is more than --max-cpus %u", cfg->cpus, cfg->max_cpus);
	return cfg->help ? 0 : check_contradictions(cfg, seen, err, errlen);
}

/* The events hvmm always defines (docs/sdei.md); --sdei-event may not reuse them. */
static bool sdei_event_is_default(uint32_t num)
{
	return num == SDEI_EVENT_SIGNAL || num == SDEI_EVENT_PRIVATE_NORMAL ||
	       num == SDEI_EVENT_PRIVATE_CRITICAL || num == SDEI_EVENT_SHARED_NORMAL ||
	       num == SDEI_EVENT_SHARED_CRITICAL;
}

/* "WORD,WORD", each 1-15 lowercase letters, and nothing after. (By hand:
 * sscanf would link all of scanf and strtod into hvmm for this.) */
static bool split_two_words(const char *s, char first[16], char second[16])
{
	char *words[2] = { first, second };

	for (int w = 0; w < 2; w++) {
		size_t n = 0;

		while (*s >= 'a' && *s <= 'z') {
			if (n == 15)
				return false;
			words[w][n++] = *s++;
		}
		if (n == 0)
			return false;
		words[w][n] = '\0';
		if (w == 0 && *s++ != ',')
			return false;
	}
	return *s == '\0';
}

int cmdline_parse_sdei_event(const char *s, struct sdei_event_config *ev, char *err, size_t errlen)
{
	char type[16], prio[16];
	unsigned long num;
	char *end;

	errno = 0;
	num = strtoul(s, &end, 0);
	if (end == s || *s == '-' || *s == '+' || errno || *end != ',' || !split_two_words(end + 1, type, prio))
		return reason_set(-1, err, errlen, "--sdei-event '%s': expected NUM,shared|private,normal|critical", s);
	if (num == 0 || num >= SDEI_EVENT_BOUND_BASE)
		return reason_set(-1, err, errlen, "--sdei-event '%s': event numbers go from 1 to %u (0 is the signal event, "
			    "%u and up are for bound interrupts)", s, SDEI_EVENT_BOUND_BASE - 1, SDEI_EVENT_BOUND_BASE);
	if (sdei_event_is_default((uint32_t)num))
		return reason_set(-1, err, errlen, "--sdei-event '%s': event %lu is one of hvmm's default events", s, num);
	if (!strcmp(type, "shared"))
		ev->type = SDEI_EVENT_SHARED;
	else if (!strcmp(type, "private"))
		ev->type = SDEI_EVENT_PRIVATE;
	else
		return reason_set(-1, err, errlen, "--sdei-event '%s': the type is shared or private", s);
	if (!strcmp(prio, "normal"))
		ev->priority = SDEI_PRIORITY_NORMAL;
	else if (!strcmp(prio, "critical"))
		ev->priority = SDEI_PRIORITY_CRITICAL;
	else
		return reason_set(-1, err, errlen, "--sdei-event '%s': the priority is normal or critical", s);
	ev->num = (uint32_t)num;
	return 0;
}

void cmdline_print_run_usage(FILE *out)
{
	/* Printed from the option table so that help and parser never disagree. */
	fprintf(out, "usage: hvmm run -k FILE [options]\n\noptions:\n");
	for (size_t i = 0; i < NR_RUN_OPTS; i++) {
		const struct opt *o = &run_opts[i];

		if (o->short_name)
			fprintf(out, "  -%c, --%-16s %s\n", o->short_name, o->long_name, o->help);
		else
			fprintf(out, "      --%-16s %s\n", o->long_name, o->help);
	}
}

bool cmdline_run_begin(int argc, char *const argv[], struct vm_config *cfg, int *status)
{
	char err[256];

	if (cmdline_parse_run(argc, argv, cfg, err, sizeof(err))) {
		fprintf(stderr, "hvmm run: %s\n", err);
		*status = HVMM_EXIT_USAGE;
		return false;
	}
	if (cfg->help) {
		cmdline_print_run_usage(stdout);
		*status = 0;
		return false;
	}
	return true;
}
