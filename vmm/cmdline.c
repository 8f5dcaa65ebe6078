/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline_opt.h"
#include "exit_status.h"

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

/* "--NAME 'VAL': expected a, b or c", from the choice's words. */
static int choice_refused(const struct opt *o, const char *val, char *err, size_t errlen)
{
	char words[200] = "";
	size_t n = 0;

	for (const struct opt_choice *c = o->choices; c->word && n < sizeof(words); c++) {
		const char *sep = c == o->choices ? "" : c[1].word ? ", " : " or ";

		n += (size_t)snprintf(words + n, sizeof(words) - n, "%s%s", sep, c->word);
	}
	return reason_set(-1, err, errlen, "--%s '%s': expected %s", o->long_name, val, words);
}

/* value into o's field: a bool, or an int-sized enum or number. */
static int store(const struct opt *o, struct vm_config *cfg, int value)
{
	char *field = (char *)cfg + o->offset;
	bool b = value != 0;

	if (o->size == sizeof(bool))
		memcpy(field, &b, sizeof(b));
	else if (o->size == sizeof(int))
		memcpy(field, &value, sizeof(value));
	else
		return -1;
	return 0;
}

static int apply(const struct opt *o, const char *val, struct vm_config *cfg, char *err, size_t errlen)
{
	char *field = (char *)cfg + o->offset;
	unsigned int u;

	switch (o->kind) {
	case OPT_FLAG:
		return store(o, cfg, 1) ? reason_set(-1, err, errlen, "--%s: bad option table", o->long_name) : 0;
	case OPT_STRING:
		memcpy(field, &val, sizeof(val));
		return 0;
	case OPT_UINT:
		if (parse_uint(val, o->max, &u) || u < o->min)
			return reason_set(-1, err, errlen, "--%s '%s': expected %s from %u%s to %u", o->long_name, val,
					  o->unit, o->min, o->min_note, o->max);
		memcpy(field, &u, sizeof(u));
		return 0;
	case OPT_CHOICE:
		for (const struct opt_choice *c = o->choices; c->word; c++)
			if (!strcmp(val, c->word))
				return store(o, cfg, c->value) ? reason_set(-1, err, errlen, "--%s: bad option table",
									    o->long_name) : 0;
		return choice_refused(o, val, err, errlen);
	case OPT_CUSTOM:
		return o->parse(val, cfg, err, errlen);
	case OPT_ACCEPTED:
		return 0;
	case OPT_REFUSED:
		return reason_set(-1, err, errlen, "--%s: %s", o->long_name, o->reason);
	}
	return reason_set(-1, err, errlen, "--%s: bad option table", o->long_name);
}

/* Whether o takes a value: a flag does not; an option with a reader of its
 * own, or accepted or refused, does when the help names one. */
static bool takes_value(const struct opt *o)
{
	if (o->kind == OPT_CUSTOM || o->kind == OPT_ACCEPTED || o->kind == OPT_REFUSED)
		return o->arg != NULL;
	return o->kind != OPT_FLAG;
}

static void mark_seen(struct opt_seen *seen, const struct opt *o)
{
	size_t n = (size_t)(o - cmdline_opts);

	seen->bits[n / 64] |= 1ULL << (n % 64);
}

/* One argv word that starts with "--": --name, --name=value or --name value. */
static int parse_long(int argc, char *const argv[], int *i, struct vm_config *cfg, struct opt_seen *seen,
		      char *err, size_t errlen)
{
	const char *word = argv[*i] + 2, *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	const struct opt *o = cmdline_opt_long(word, len);
	const char *val = NULL;

	if (!o)
		return reason_set(-1, err, errlen, "unknown option '%s' (see 'hvmm run --help')", argv[*i]);
	if (takes_value(o)) {
		if (eq)
			val = eq + 1;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else
			return reason_set(-1, err, errlen, "option '--%s' needs a value", o->long_name);
	} else if (eq) {
		return reason_set(-1, err, errlen, "option '--%s' takes no value", o->long_name);
	}
	mark_seen(seen, o);
	return apply(o, val, cfg, err, errlen);
}

/* One argv word that starts with a single "-": -k FILE, -kFILE, or flags. */
static int parse_short(int argc, char *const argv[], int *i, struct vm_config *cfg, struct opt_seen *seen,
		       char *err, size_t errlen)
{
	const char *word = argv[*i];
	const struct opt *o = word[1] ? cmdline_opt_short(word[1]) : NULL;
	const char *val = NULL;

	if (!o)
		return reason_set(-1, err, errlen, "unknown option '%s' (see 'hvmm run --help')", word);
	if (takes_value(o)) {
		if (word[2])
			val = word + 2;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else
			return reason_set(-1, err, errlen, "option '-%c' needs a value", o->short_name);
	} else if (word[2]) {
		return reason_set(-1, err, errlen, "unknown option '%s' (see 'hvmm run --help')", word);
	}
	mark_seen(seen, o);
	return apply(o, val, cfg, err, errlen);
}

/* Whether --name was on the command line. */
static bool seen_opt(const struct opt_seen *seen, const char *name)
{
	const struct opt *o = cmdline_opt_long(name, strlen(name));
	size_t n = o ? (size_t)(o - cmdline_opts) : 0;

	return o && (seen->bits[n / 64] & (1ULL << (n % 64)));
}

#define SEEN(name) seen_opt(seen, name)
#define SEEN_IN(set, name) seen_opt(&(set), name)

/*
 * Options that cannot both hold. --in-kernel-psci hands PSCI to KVM, so
 * hvmm has no SDEI, cannot keep vCPUs disabled, and offers no CPU_SUSPEND
 * format or idle states of its own: asking for them with it would be
 * silently ignored, or fail later with a less direct reason.
 */
static int check_contradictions(const struct vm_config *cfg, const struct opt_seen *seen, char *err, size_t errlen)
{
	if (cfg->hugetlbfs && cfg->lazy_mem.enabled)
		return reason_set(-1, err, errlen, "--lazy-mem and --hugetlbfs contradict each other: lazy RAM is fetched "
				  "in 4 KiB pages");
	if (cfg->lazy_mem.enabled && (cfg->nr_disks || cfg->rng))
		return reason_set(-1, err, errlen, "--lazy-mem cannot be used with --disk or --rng yet: a device thread "
				  "would touch guest RAM that is not fetched");
	if (cfg->aarch32 && cfg->mem_mib > CMDLINE_AARCH32_MAX_MEM_MIB)
		return reason_set(-1, err, errlen, "--aarch32 with --mem %llu: a 32-bit guest reaches RAM below 4 GiB only "
				  "(at most %u MiB)", (unsigned long long)cfg->mem_mib, CMDLINE_AARCH32_MAX_MEM_MIB);
	if (cfg->aarch32 && cfg->sve_max_vl)
		return reason_set(-1, err, errlen, "--sve-max-vl and --aarch32 contradict each other: SVE is AArch64's");
	if (cfg->disable_sve && cfg->sve_max_vl)
		return reason_set(-1, err, errlen, "--sve-max-vl and --disable-sve contradict each other");
	if (cfg->no_sdei && cfg->nr_sdei_events)
		return reason_set(-1, err, errlen, "--sdei-event and --no-sdei contradict each other: without SDEI there are no events");
	if (!cfg->in_kernel_psci)
		return 0;
	if (SEEN("max-cpus"))
		return reason_set(-1, err, errlen, "--max-cpus needs hvmm's own PSCI (KVM's cannot keep vCPUs disabled): drop --in-kernel-psci");
	if (cfg->nr_sdei_events)
		return reason_set(-1, err, errlen, "--sdei-event needs hvmm's own PSCI: with --in-kernel-psci there is no SDEI");
	if (SEEN("psci-suspend-format"))
		return reason_set(-1, err, errlen, "--psci-suspend-format needs hvmm's own PSCI: with --in-kernel-psci KVM serves CPU_SUSPEND");
	if (cfg->psci_on_pending)
		return reason_set(-1, err, errlen, "--psci-on-pending needs hvmm's own PSCI: with --in-kernel-psci KVM answers CPU_ON (ALREADY_ON)");
	if (cfg->nr_smccc_handlers)
		return reason_set(-1, err, errlen, "--smccc-handler needs hvmm's own PSCI: with --in-kernel-psci no SMCCC call reaches hvmm");
	if (SEEN("idle-states") && cfg->idle_states != IDLE_STATES_NONE)
		return reason_set(-1, err, errlen, "--idle-states needs hvmm's own PSCI: with --in-kernel-psci the device tree offers none");
	return 0;
}

int cmdline_parse_run(int argc, char *const argv[], struct vm_config *cfg, char *err, size_t errlen)
{
	struct opt_seen seen = { { 0 } };

	if (cmdline_nr_opts > OPT_SEEN_MAX)
		return reason_set(-1, err, errlen, "hvmm's option table has more than %d entries", OPT_SEEN_MAX);
	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_mib = CMDLINE_DEFAULT_MEM_MIB;
	cfg->loglevel = LOG_WARNING;
	cfg->psci_conduit = SMCCC_CONDUIT_HVC;
	cfg->smccc_handler_timeout_ms = CMDLINE_DEFAULT_HANDLER_TIMEOUT_MS;
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		int ret;

		/* kvmtool's form too: hvmm run [options] IMAGE. */
		if ((w[0] != '-' || !w[1]) && !cfg->kernel) {
			cfg->kernel = w;
			continue;
		}
		if (w[0] != '-' || !w[1])
			return reason_set(-1, err, errlen, "unexpected argument '%s': the kernel is '%s' already", w,
					  cfg->kernel);
		ret = w[1] == '-' ? parse_long(argc, argv, &i, cfg, &seen, err, errlen)
				  : parse_short(argc, argv, &i, cfg, &seen, err, errlen);
		if (ret)
			return ret;
	}
	if (!cfg->help && !cfg->kernel)
		return reason_set(-1, err, errlen, "no kernel given: use -k FILE (see 'hvmm run --help')");
	if (cfg->kernel_is_firmware && SEEN_IN(seen, "kernel"))
		return reason_set(-1, err, errlen, "-k and -f: give a kernel or a firmware image, not both");
	if (cfg->has_firmware_addr && !cfg->kernel_is_firmware)
		return reason_set(-1, err, errlen, "--firmware-address needs a firmware image (-f FILE)");
	if (cfg->max_cpus && cfg->cpus > cfg->max_cpus)
		return reason_set(-1, err, errlen, "--cpus %u is more than --max-cpus %u", cfg->cpus, cfg->max_cpus);
	return cfg->help ? 0 : check_contradictions(cfg, &seen, err, errlen);
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

#define HELP_COLUMN 32   /* where the descriptions start; a longer head gets its own line */

/* "  -k, --kernel FILE" or "      --reboot reset|exit", for the help. */
static void help_head(const struct opt *o, char *buf, size_t len)
{
	size_t n = o->short_name ? (size_t)snprintf(buf, len, "  -%c, --%s", o->short_name, o->long_name)
				 : (size_t)snprintf(buf, len, "      --%s", o->long_name);

	if (o->kind == OPT_CHOICE) {
		for (const struct opt_choice *c = o->choices; c->word && n < len; c++)
			n += (size_t)snprintf(buf + n, len - n, "%c%s", c == o->choices ? ' ' : '|', c->word);
	} else if (o->arg && n < len) {
		snprintf(buf + n, len - n, " %s", o->arg);
	}
}

void cmdline_print_run_usage(FILE *out)
{
	/* Printed from the option table so that help and parser never disagree. */
	fprintf(out, "usage: hvmm run -k FILE [options]\n\noptions:\n");
	for (size_t i = 0; i < cmdline_nr_opts; i++) {
		const struct opt *o = &cmdline_opts[i];
		char head[128];

		help_head(o, head, sizeof(head));
		if (strlen(head) + 2 > HELP_COLUMN)
			fprintf(out, "%s\n%*s%s\n", head, HELP_COLUMN, "", o->help);
		else
			fprintf(out, "%-*s%s\n", HELP_COLUMN, head, o->help);
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
