/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target: `hvmm run` option parsing (vmm/cmdline.c).
 *
 * The input is split at NUL bytes into at most MAX_ARGS words, each in a
 * heap buffer of its exact size, and passed as argv. abort() if:
 *  - the parser returns anything but 0 or -1;
 *  - a refusal's reason is not one non-empty line inside the caller's
 *    buffer, free of terminal control characters (C0, DEL, and C1 as UTF-8
 *    encodes them), or depends on the size of that buffer;
 *  - an accepted command line has no kernel and no --help, more --cpus than
 *    --max-cpus, a vCPU count, memory size, log level or idle-state choice
 *    out of range, an --sdei-event that cmdline_parse_sdei_event would not
 *    accept or that repeats another, an --smccc-handler range that is empty,
 *    runs past 0xffffffff, reaches into the Arm Architecture service or
 *    overlaps another, or more than HANDLER_MAX of them, an invalid --name, a
 *    --timeout past a year, --psci-on-pending with --in-kernel-psci, or a string that
 *    does not point into argv;
 * besides what ASan and UBSan find.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/cmdline.h"
#include "vmm/control/proto.h"
#include "tests/fuzz/invariant.h"

#define MAX_ARGS 64
#define MAX_CPUS 4096   /* what --cpus and --max-cpus accept (cmdline.c) */

/* A reason hvmm prints on the user's terminal: one line, no control codes. */
static void check_reason(const char *s, size_t cap, bool nonempty)
{
	size_t len = strnlen(s, cap);

	CHECK(len < cap, "reason not terminated inside %zu bytes", cap);
	CHECK(!nonempty || len > 0, "empty reason");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		CHECK(c >= 0x20 && c != 0x7f, "byte 0x%02x in reason '%s'", c, s);
		CHECK(!(c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
			(unsigned char)s[i + 1] <= 0x9f),
		      "C1 control U+%04X in reason '%s'", (unsigned char)s[i + 1], s);
	}
}

struct args {
	int argc;
	char *argv[MAX_ARGS + 1];
};

static void args_split(struct args *a, const uint8_t *data, size_t size)
{
	size_t start = 0;

	a->argc = 0;
	while (start <= size && a->argc < MAX_ARGS) {
		const uint8_t *nul = memchr(data + start, 0, size - start);
		size_t len = nul ? (size_t)(nul - data) - start : size - start;
		char *w = malloc(len + 1);

		CHECK(w, "out of memory");
		memcpy(w, data + start, len);
		w[len] = '\0';
		a->argv[a->argc++] = w;
		if (!nul)
			break;
		start += len + 1;
	}
	a->argv[a->argc] = NULL;
}

static void args_free(struct args *a)
{
	for (int i = 0; i < a->argc; i++)
		free(a->argv[i]);
}

/* NULL, or a pointer to the NUL-terminated tail of one argv word. */
static void check_points_into(const struct args *a, const char *p, const char *what)
{
	if (!p)
		return;
	for (int i = 0; i < a->argc; i++) {
		if (p >= a->argv[i] && p <= a->argv[i] + strlen(a->argv[i]))
			return;
	}
	fuzz_violation(__FILE__, __LINE__, what, "%s does not point into argv", what);
}

static bool default_event(uint32_t num)
{
	return num == SDEI_EVENT_SIGNAL || num == SDEI_EVENT_PRIVATE_NORMAL ||
	       num == SDEI_EVENT_PRIVATE_CRITICAL || num == SDEI_EVENT_SHARED_NORMAL ||
	       num == SDEI_EVENT_SHARED_CRITICAL;
}


/* An accepted range KVM would take: not empty, not past 0xffffffff, not
 * in the Arm Architecture service. */
static void check_range(const struct handler_spec *h, const char *what)
{
	uint64_t end = (uint64_t)h->base + h->count;

	CHECK(h->count >= 1 && end <= 0x100000000ULL, "%s: 0x%x+0x%x", what, h->base, h->count);
	CHECK(end <= SMCCC_ARCH_BASE32 || h->base >= SMCCC_ARCH_BASE32 + SMCCC_ARCH_COUNT,
	      "%s: 0x%x+0x%x in the Arm service", what, h->base, h->count);
	CHECK(end <= SMCCC_ARCH_BASE64 || h->base >= SMCCC_ARCH_BASE64 + SMCCC_ARCH_COUNT,
	      "%s: 0x%x+0x%x in the Arm service", what, h->base, h->count);
	CHECK(h->command && h->command[0], "%s: no command", what);
}

static void check_handlers(const struct args *a, const struct vm_config *cfg)
{
	CHECK(cfg->nr_smccc_handlers <= HANDLER_MAX, "%u handlers", cfg->nr_smccc_handlers);
	for (unsigned int i = 0; i < cfg->nr_smccc_handlers; i++) {
		const struct handler_spec *h = &cfg->smccc_handlers[i];

		check_range(h, "--smccc-handler");
		check_points_into(a, h->command, "handler command");
		for (unsigned int j = 0; j < i; j++)
			CHECK(!handler_spec_overlap(h, &cfg->smccc_handlers[j]), "handlers %u and %u overlap", j, i);
	}
}

static void check_accepted(const struct args *a, const struct vm_config *cfg)
{
	CHECK(cfg->help || cfg->kernel, "accepted without a kernel");
	CHECK(cfg->cpus <= MAX_CPUS && cfg->max_cpus <= MAX_CPUS, "%u cpus, %u max", cfg->cpus,
	      cfg->max_cpus);
	CHECK(!cfg->cpus || !cfg->max_cpus || cfg->cpus <= cfg->max_cpus,
	      "--cpus %u above --max-cpus %u", cfg->cpus, cfg->max_cpus);
	CHECK(cfg->mem_mib >= 1 && cfg->mem_mib <= CMDLINE_MAX_MEM_MIB, "%llu MiB",
	      (unsigned long long)cfg->mem_mib);
	CHECK(cfg->loglevel <= LOG_DEBUG &&
	      (cfg->idle_states == IDLE_STATES_NONE || cfg->idle_states == IDLE_STATES_ALL ||
	       cfg->idle_states == IDLE_STATES_STANDBY || cfg->idle_states == IDLE_STATES_POWERDOWN),
	      "log level %d, idle states %d", (int)cfg->loglevel, (int)cfg->idle_states);
	CHECK(cfg->psci_conduit == SMCCC_CONDUIT_HVC || cfg->psci_conduit == SMCCC_CONDUIT_SMC,
	      "conduit %d", (int)cfg->psci_conduit);
	CHECK(!cfg->name || control_name_valid(cfg->name), "name '%s'", cfg->name);
	CHECK(cfg->timeout_s <= CMDLINE_MAX_TIMEOUT_S, "--timeout %u", cfg->timeout_s);
	CHECK(!(cfg->psci_on_pending && cfg->in_kernel_psci), "--psci-on-pending with --in-kernel-psci");
	CHECK(cfg->nr_sdei_events <= CMDLINE_MAX_SDEI_EVENTS, "%u SDEI events", cfg->nr_sdei_events);
	for (unsigned int i = 0; i < cfg->nr_sdei_events; i++) {
		const struct sdei_event_config *ev = &cfg->sdei_events[i];

		CHECK(ev->num >= 1 && ev->num < SDEI_EVENT_BOUND_BASE && !default_event(ev->num),
		      "SDEI event %u", ev->num);
		CHECK((ev->type == SDEI_EVENT_PRIVATE || ev->type == SDEI_EVENT_SHARED) &&
		      (ev->priority == SDEI_PRIORITY_NORMAL || ev->priority == SDEI_PRIORITY_CRITICAL),
		      "SDEI event %u type %d priority %d", ev->num, (int)ev->type, (int)ev->priority);
		for (unsigned int j = 0; j < i; j++)
			CHECK(cfg->sdei_events[j].num != ev->num, "SDEI event %u twice", ev->num);
	}
	check_handlers(a, cfg);
	check_points_into(a, cfg->kernel, "kernel");
	check_points_into(a, cfg->initrd, "initrd");
	check_points_into(a, cfg->params, "params");
	check_points_into(a, cfg->name, "name");
	check_points_into(a, cfg->dump_dtb, "dump_dtb");
}

/* A shorter buffer holds the start of the message; only a UTF-8 lead byte
 * cut off from its C1 continuation may stay where the full one has '?'. */
static bool is_start(const char *cut, const char *full)
{
	size_t len = strlen(cut);

	for (size_t i = 0; i < len; i++) {
		if (cut[i] != full[i] &&
		    !(i + 1 == len && (unsigned char)cut[i] == 0xc2 && full[i] == '?'))
			return false;
	}
	return true;
}

/* The same argv with reason buffers of several sizes: one answer. */
static void check_run(const struct args *a)
{
	static const size_t caps[] = { 256, 1, 2, 13, 80 };
	struct vm_config first, cfg;
	char full[256];
	int ret0 = 0;

	for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
		size_t cap = caps[k];
		char *err = malloc(cap);
		int ret;

		CHECK(err, "out of memory");
		memset(err, 'X', cap);
		err[cap - 1] = '\0';
		ret = cmdline_parse_run(a->argc, a->argv, &cfg, err, cap);
		CHECK(ret == 0 || ret == -1, "returned %d", ret);
		if (k == 0) {
			ret0 = ret;
			first = cfg;
			if (ret)
				check_reason(err, cap, true);
			memcpy(full, err, cap);
		} else {
			CHECK(ret == ret0, "%d with %zu bytes for the reason, %d with 256", ret, cap,
			      ret0);
			CHECK(ret || !memcmp(&cfg, &first, sizeof(cfg)), "parse depends on errlen");
			if (ret) {
				check_reason(err, cap, false);
				CHECK(is_start(err, full), "'%s' is not the start of '%s'", err, full);
			}
		}
		free(err);
	}
	if (ret0 == 0)
		check_accepted(a, &first);
}

/* Each word alone as an --sdei-event value, and as a size in MiB. */
static void check_values(const struct args *a)
{
	for (int i = 0; i < a->argc; i++) {
		struct sdei_event_config ev;
		struct handler_spec h;
		char err[128];
		uint64_t mib;

		if (!cmdline_parse_sdei_event(a->argv[i], &ev, err, sizeof(err)))
			CHECK(ev.num >= 1 && ev.num < SDEI_EVENT_BOUND_BASE && !default_event(ev.num),
			      "'%s' gave event %u", a->argv[i], ev.num);
		else
			check_reason(err, sizeof(err), true);
		if (!handler_spec_parse(a->argv[i], &h, err, sizeof(err)))
			check_range(&h, a->argv[i]);
		else
			check_reason(err, sizeof(err), true);
		if (!cmdline_parse_mib(a->argv[i], &mib))
			CHECK(mib >= 1 && mib <= CMDLINE_MAX_MEM_MIB && a->argv[i][0] >= '0' &&
			      a->argv[i][0] <= '9', "'%s' gave %llu MiB", a->argv[i],
			      (unsigned long long)mib);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct args a;

	args_split(&a, data, size);
	check_run(&a);
	check_values(&a);
	args_free(&a);
	return 0;
}
