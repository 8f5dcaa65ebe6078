/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for the `hvmm run` option parser (vmm/cmdline.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/cmdline.h"
#include "vmm/cmdline_opt.h"

/* ---- helpers ----------------------------------------------------------- */

struct parsed {
	struct vm_config cfg;
	char err[256];
	int ret;
};

static int parse_words(struct parsed *p, const char *const *words)
{
	int argc = 0;

	while (words[argc])
		argc++;
	memset(p->err, 0, sizeof(p->err));
	/* The parser never writes through argv. */
	p->ret = cmdline_parse_run(argc, (char *const *)words, &p->cfg, p->err, sizeof(p->err));
	return p->ret;
}

#define PARSE(p, ...) parse_words((p), (const char *const []){ __VA_ARGS__, NULL })

static void assert_ok(const struct parsed *p)
{
	if (p->ret != 0)
		fail_msg("parse failed: %s", p->err);
}

/* Failed, with a one-line message that mentions needle. */
static void assert_fails_with(const struct parsed *p, const char *needle)
{
	assert_int_equal(p->ret, -1);
	assert_true(p->err[0] != '\0');
	if (strchr(p->err, '\n'))
		fail_msg("error message is not one line: \"%s\"", p->err);
	if (needle && !strstr(p->err, needle))
		fail_msg("error \"%s\" does not mention \"%s\"", p->err, needle);
}

static const char *const long_names[] = {
	"kernel", "initrd", "params", "cpus", "mem", "name", "console", "nodefaults",
	"loglevel", "network", "dump-dtb", "stats", "in-kernel-psci", "help", "max-cpus",
	"reboot", "psci-suspend-format", "idle-states", "psci-conduit", "smccc-handler",
};

#define NR_LONG_NAMES (sizeof(long_names) / sizeof(long_names[0]))

/* ---- defaults and the kernel ------------------------------------------- */

static void test_defaults(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "-k", "Image");
	assert_ok(&p);
	assert_string_equal(p.cfg.kernel, "Image");
	assert_int_equal(p.cfg.mem_mib, 256);
	assert_int_equal(p.cfg.mem_mib, CMDLINE_DEFAULT_MEM_MIB);
	assert_int_equal(p.cfg.loglevel, LOG_WARNING);
	assert_int_equal(p.cfg.cpus, 0);
	assert_null(p.cfg.initrd);
	assert_null(p.cfg.params);
	assert_null(p.cfg.name);
	assert_null(p.cfg.dump_dtb);
	assert_false(p.cfg.nodefaults);
	assert_false(p.cfg.stats);
	assert_false(p.cfg.in_kernel_psci);
	assert_false(p.cfg.help);
	assert_false(p.cfg.no_trng);
	/* Racing CPU_ONs get ALREADY_ON, as from KVM. */
	assert_false(p.cfg.psci_on_pending);
	/* --max-cpus not given: as many vCPUs as --cpus. */
	assert_int_equal(p.cfg.max_cpus, 0);
	/* --reboot reset, --psci-suspend-format extended, --idle-states none
	 * (as kvmtool's: idle is WFI, served in KVM). */
	assert_false(p.cfg.reboot_exit);
	assert_false(p.cfg.suspend_format_original);
	assert_int_equal(p.cfg.idle_states, IDLE_STATES_NONE);
	/* --psci-conduit hvc. */
	assert_int_equal(p.cfg.psci_conduit, SMCCC_CONDUIT_HVC);
}

static void test_defaults_reset_between_calls(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "-k", "a", "--mem", "1G", "--stats", "-c", "3", "--loglevel", "debug",
	      "--max-cpus", "8", "--reboot", "exit", "--psci-suspend-format", "original",
	      "--idle-states", "all", "--name", "vm1", "--psci-conduit", "smc",
	      "--smccc-handler", "0xc3000000+1=x", "--psci-on-pending");
	assert_ok(&p);
	assert_true(p.cfg.reboot_exit);
	assert_true(p.cfg.psci_on_pending);
	assert_int_equal(p.cfg.psci_conduit, SMCCC_CONDUIT_SMC);
	assert_int_equal(p.cfg.nr_smccc_handlers, 1);
	PARSE(&p, "-k", "b");
	assert_ok(&p);
	assert_int_equal(p.cfg.psci_conduit, SMCCC_CONDUIT_HVC);
	assert_int_equal(p.cfg.nr_smccc_handlers, 0);
	assert_false(p.cfg.psci_on_pending);
	assert_int_equal(p.cfg.max_cpus, 0);
	assert_false(p.cfg.reboot_exit);
	assert_false(p.cfg.suspend_format_original);
	assert_int_equal(p.cfg.idle_states, IDLE_STATES_NONE);
	assert_null(p.cfg.name);
	assert_int_equal(p.cfg.mem_mib, 256);
	assert_false(p.cfg.stats);
	assert_int_equal(p.cfg.cpus, 0);
	assert_int_equal(p.cfg.loglevel, LOG_WARNING);
}

static void test_missing_kernel(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "--mem", "512");
	assert_fails_with(&p, "kernel");
	assert_fails_with(&p, "-k");
	parse_words(&p, (const char *const []){ NULL });
	assert_fails_with(&p, "kernel");
}

static void test_help_alone(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "--help");
	assert_ok(&p);
	assert_true(p.cfg.help);
	assert_null(p.cfg.kernel);
	PARSE(&p, "-h");
	assert_ok(&p);
	assert_true(p.cfg.help);
	/* --help does not excuse a bad option. */
	PARSE(&p, "--help", "--cpus", "x");
	assert_fails_with(&p, "--cpus");
}

/* ---- every option, in every spelling ------------------------------------ */

static void test_options_with_values_all_forms(void **state)
{
	static const struct {
		const char *lng;
		char shrt;
	} opts[] = {
		{ "kernel", 'k' }, { "initrd", 'i' }, { "params", 'p' }, { "dump-dtb", 0 },
	};
	char lng_eq[64], shrt[3], shrt_joined[64];
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		const char **field[] = { &p.cfg.kernel, &p.cfg.initrd, &p.cfg.params, &p.cfg.dump_dtb };
		char lng[64];

		snprintf(lng, sizeof(lng), "--%s", opts[i].lng);
		snprintf(lng_eq, sizeof(lng_eq), "--%s=v=1 x", opts[i].lng);

		PARSE(&p, "-k", "K", lng, "v a l");
		assert_ok(&p);
		assert_string_equal(*field[i], "v a l");

		/* Everything after the first '=' is the value. */
		PARSE(&p, "-k", "K", lng_eq);
		assert_ok(&p);
		assert_string_equal(*field[i], "v=1 x");

		if (!opts[i].shrt)
			continue;
		snprintf(shrt, sizeof(shrt), "-%c", opts[i].shrt);
		snprintf(shrt_joined, sizeof(shrt_joined), "-%cFILE", opts[i].shrt);
		PARSE(&p, "-k", "K", shrt, "sep");
		assert_ok(&p);
		assert_string_equal(*field[i], "sep");
		PARSE(&p, "-k", "K", shrt_joined);
		assert_ok(&p);
		assert_string_equal(*field[i], "FILE");
	}
}

static void test_kernel_forms(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "-k", "/boot/Image");
	assert_ok(&p);
	assert_string_equal(p.cfg.kernel, "/boot/Image");
	PARSE(&p, "-k/boot/Image");
	assert_ok(&p);
	assert_string_equal(p.cfg.kernel, "/boot/Image");
	PARSE(&p, "--kernel", "/boot/Image");
	assert_ok(&p);
	assert_string_equal(p.cfg.kernel, "/boot/Image");
	PARSE(&p, "--kernel=/boot/Image");
	assert_ok(&p);
	assert_string_equal(p.cfg.kernel, "/boot/Image");
	/* The last one wins. */
	PARSE(&p, "-k", "a", "-k", "b");
	assert_ok(&p);
	assert_string_equal(p.cfg.kernel, "b");
}

static void test_cpus_forms(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "-k", "K", "-c", "2");
	assert_ok(&p);
	assert_int_equal(p.cfg.cpus, 2);
	PARSE(&p, "-k", "K", "-c4");
	assert_ok(&p);
	assert_int_equal(p.cfg.cpus, 4);
	PARSE(&p, "-k", "K", "--cpus", "8");
	assert_ok(&p);
	assert_int_equal(p.cfg.cpus, 8);
	PARSE(&p, "-k", "K", "--cpus=16");
	assert_ok(&p);
	assert_int_equal(p.cfg.cpus, 16);
	PARSE(&p, "-k", "K", "--cpus", "1");
	assert_ok(&p);
	assert_int_equal(p.cfg.cpus, 1);
	PARSE(&p, "-k", "K", "--cpus", "4096");
	assert_ok(&p);
	assert_int_equal(p.cfg.cpus, 4096);
}

static void test_cpus_rejected(void **state)
{
	static const char *const bad[] = {
		"0", "-1", "abc", "4097", "", "+2", "2x", " 2", "2 ", "0x4", "1.5",
		"99999999999999999999999",
	};
	char word[64];
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		PARSE(&p, "-k", "K", "--cpus", bad[i]);
		assert_fails_with(&p, "--cpus");
		snprintf(word, sizeof(word), "--cpus=%s", bad[i]);
		PARSE(&p, "-k", "K", word);
		assert_fails_with(&p, "--cpus");
	}
	/* The message tells the user what range is allowed. */
	PARSE(&p, "-k", "K", "--cpus", "4097");
	assert_fails_with(&p, "4096");
}

static void test_mem_forms(void **state)
{
	static const struct {
		const char *arg;
		uint64_t mib;
	} good[] = {
		{ "1", 1 }, { "512", 512 }, { "512M", 512 }, { "512m", 512 }, { "1G", 1024 },
		{ "1g", 1024 }, { "3G", 3072 }, { "1024G", 1ULL << 20 }, { "1048576", 1ULL << 20 },
		{ "0512", 512 },
	};
	struct parsed p;
	char word[64];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		PARSE(&p, "-k", "K", "--mem", good[i].arg);
		assert_ok(&p);
		assert_int_equal(p.cfg.mem_mib, good[i].mib);
		PARSE(&p, "-k", "K", "-m", good[i].arg);
		assert_ok(&p);
		assert_int_equal(p.cfg.mem_mib, good[i].mib);
		snprintf(word, sizeof(word), "-m%s", good[i].arg);
		PARSE(&p, "-k", "K", word);
		assert_ok(&p);
		assert_int_equal(p.cfg.mem_mib, good[i].mib);
		snprintf(word, sizeof(word), "--mem=%s", good[i].arg);
		PARSE(&p, "-k", "K", word);
		assert_ok(&p);
		assert_int_equal(p.cfg.mem_mib, good[i].mib);
	}
}

static void test_mem_rejected(void **state)
{
	static const char *const bad[] = {
		"0", "0G", "0M", "", "12X", "1GB", "1MG", "G", "M", "-1", "+1", " 1", "1 ",
		"99999999999999999999", "18446744073709551615", "18446744073709551616G",
		"1025G", "1048577", "4503599627370496G", "1.5G", "0x100",
	};
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		PARSE(&p, "-k", "K", "--mem", bad[i]);
		if (p.ret == 0)
			fail_msg("--mem '%s' accepted as %llu MiB", bad[i],
				 (unsigned long long)p.cfg.mem_mib);
		assert_fails_with(&p, "--mem");
	}
	PARSE(&p, "-k", "K", "--mem", "12X");
	assert_fails_with(&p, "12X");
}

static void test_parse_mib_direct(void **state)
{
	uint64_t mib = 77;

	(void)state;
	assert_int_equal(cmdline_parse_mib("2G", &mib), 0);
	assert_int_equal(mib, 2048);
	assert_int_equal(cmdline_parse_mib("300m", &mib), 0);
	assert_int_equal(mib, 300);
	/* A failed parse leaves the output alone. */
	assert_int_equal(cmdline_parse_mib("99999999999999999999", &mib), -1);
	assert_int_equal(cmdline_parse_mib("12X", &mib), -1);
	assert_int_equal(cmdline_parse_mib("0", &mib), -1);
	assert_int_equal(mib, 300);
	/* 4503599627370496 * 1024 * 1024 * 1024 wraps to 0 in 64 bits. */
	assert_int_equal(cmdline_parse_mib("4503599627370496G", &mib), -1);
	assert_int_equal(cmdline_parse_mib("1024G", &mib), 0);
	assert_int_equal(mib, CMDLINE_MAX_MEM_MIB);
}

static void test_flags(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "-k", "K", "--nodefaults", "--stats", "--in-kernel-psci");
	assert_ok(&p);
	assert_true(p.cfg.nodefaults);
	assert_true(p.cfg.stats);
	assert_true(p.cfg.in_kernel_psci);
	assert_false(p.cfg.help);
}

static void test_flag_with_value(void **state)
{
	static const char *const words[] = {
		"--stats=1", "--nodefaults=yes", "--in-kernel-psci=", "--help=me",
	};
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		PARSE(&p, "-k", "K", words[i]);
		assert_fails_with(&p, "takes no value");
	}
	PARSE(&p, "-k", "K", "--stats=1");
	assert_fails_with(&p, "--stats");
	/* A short flag with something glued on is not that flag. */
	PARSE(&p, "-k", "K", "-hx");
	assert_fails_with(&p, "-hx");
}

static void test_console(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "-k", "K", "--console", "serial");
	assert_ok(&p);
	assert_false(p.cfg.console_virtio);
	PARSE(&p, "-k", "K", "--console=serial");
	assert_ok(&p);
	PARSE(&p, "-k", "K", "--console", "virtio");
	assert_ok(&p);
	assert_true(p.cfg.console_virtio);
	PARSE(&p, "-k", "K", "--console", "virtio", "--console", "serial");
	assert_ok(&p);
	assert_false(p.cfg.console_virtio);
	PARSE(&p, "-k", "K", "--console=hv");
	assert_fails_with(&p, "--console hv: hvmm has no hypervisor console (it is PowerPC's)");
	for (const char *const *bad = (const char *const[]){ "", "Virtio", "virtio ", "hvc0", "ttyS0", NULL }; *bad;
	     bad++) {
		PARSE(&p, "-k", "K", "--console", *bad);
		assert_fails_with(&p, "expected serial or virtio");
	}
}

static void test_network(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "-k", "K", "--network", "mode=none");
	assert_ok(&p);
	PARSE(&p, "-k", "K", "--network", "none");
	assert_ok(&p);
	PARSE(&p, "-k", "K", "-n", "mode=none");
	assert_ok(&p);
	PARSE(&p, "-k", "K", "-nnone");
	assert_ok(&p);
	PARSE(&p, "-k", "K", "--network=mode=none");
	assert_ok(&p);
	PARSE(&p, "-k", "K", "--network", "mode=tap");
	assert_fails_with(&p, "none");
	assert_fails_with(&p, "mode=tap");
	PARSE(&p, "-k", "K", "-n", "mode=user");
	assert_fails_with(&p, "none");
}

static void test_loglevel(void **state)
{
	static const struct {
		const char *name;
		enum log_level level;
	} levels[] = {
		{ "error", LOG_ERROR }, { "warning", LOG_WARNING }, { "info", LOG_INFO },
		{ "debug", LOG_DEBUG },
	};
	static const char *const bad[] = { "verbose", "", "INFO", "warn", "debug ", "3" };
	char word[64];
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		PARSE(&p, "-k", "K", "--loglevel", levels[i].name);
		assert_ok(&p);
		assert_int_equal(p.cfg.loglevel, levels[i].level);
		snprintf(word, sizeof(word), "--loglevel=%s", levels[i].name);
		PARSE(&p, "-k", "K", word);
		assert_ok(&p);
		assert_int_equal(p.cfg.loglevel, levels[i].level);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		PARSE(&p, "-k", "K", "--loglevel", bad[i]);
		assert_fails_with(&p, "--loglevel");
		/* The message lists the values that would work. */
		assert_fails_with(&p, "debug");
	}
}

static void test_name(void **state)
{
	char max[65], over[66];
	struct parsed p;

	(void)state;
	memset(max, 'a', 64);
	max[64] = '\0';
	memset(over, 'b', 65);
	over[65] = '\0';

	PARSE(&p, "-k", "K", "--name", "guest-1");
	assert_ok(&p);
	assert_string_equal(p.cfg.name, "guest-1");
	PARSE(&p, "-k", "K", "--name=x");
	assert_ok(&p);
	assert_string_equal(p.cfg.name, "x");
	PARSE(&p, "-k", "K", "--name", max);
	assert_ok(&p);
	assert_string_equal(p.cfg.name, max);

	PARSE(&p, "-k", "K", "--name", over);
	assert_fails_with(&p, "--name");
	PARSE(&p, "-k", "K", "--name", "a/b");
	assert_fails_with(&p, "/");
	assert_fails_with(&p, "--name");
	PARSE(&p, "-k", "K", "--name", "");
	assert_fails_with(&p, "--name");
	PARSE(&p, "-k", "K", "--name=");
	assert_fails_with(&p, "--name");
}

static void test_name_charset(void **state)
{
	/* The control socket's rule: 1-64 of [A-Za-z0-9._-], no leading '.'. */
	static const char *const good[] = {
		"a.b_c-1", "A", "0", "-", "_x", "a.", "a..b", "VM-01.test_2", "9lives",
	};
	static const char *const bad[] = {
		".hidden", ".", "..", "a b", "a/b", "/", "a\\b", "a:b", "a@b", "a*", "a\tb",
		"a\nb", "\xc3\xa9t\xc3\xa9", "~", "a,b", "\x7f",
	};
	char max[65], over[66];
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		PARSE(&p, "-k", "K", "--name", good[i]);
		assert_ok(&p);
		assert_string_equal(p.cfg.name, good[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		PARSE(&p, "-k", "K", "--name", bad[i]);
		if (p.ret == 0)
			fail_msg("--name '%s' accepted", bad[i]);
		assert_fails_with(&p, "--name");
		/* Nothing survives from the bad value. */
		assert_null(p.cfg.name);
	}
	/* 64 of every allowed kind of character, then one more. */
	for (size_t i = 0; i < 64; i++)
		max[i] = "aZ9._-"[i % 6];
	max[64] = '\0';
	PARSE(&p, "-k", "K", "--name", max);
	assert_ok(&p);
	assert_string_equal(p.cfg.name, max);
	memcpy(over, max, 64);
	over[64] = 'x';
	over[65] = '\0';
	PARSE(&p, "-k", "K", "--name", over);
	assert_fails_with(&p, "--name");
	/* The message says what is allowed. */
	assert_fails_with(&p, "64");
	PARSE(&p, "-k", "K", "--name", ".hidden");
	assert_fails_with(&p, "'.'");
}

/* ---- vCPU hot-add, reboot and PSCI options ----------------------------- */

static void test_max_cpus_forms(void **state)
{
	struct parsed p;

	(void)state;
	/* Alone: the vCPU count stays "not given". */
	PARSE(&p, "-k", "K", "--max-cpus", "4");
	assert_ok(&p);
	assert_int_equal(p.cfg.max_cpus, 4);
	assert_int_equal(p.cfg.cpus, 0);
	PARSE(&p, "-k", "K", "--max-cpus=16");
	assert_ok(&p);
	assert_int_equal(p.cfg.max_cpus, 16);
	PARSE(&p, "-k", "K", "--max-cpus", "1");
	assert_ok(&p);
	assert_int_equal(p.cfg.max_cpus, 1);
	PARSE(&p, "-k", "K", "--max-cpus", "4096");
	assert_ok(&p);
	assert_int_equal(p.cfg.max_cpus, 4096);
	/* Fewer enabled than created, or all of them, in either order. */
	PARSE(&p, "-k", "K", "--cpus", "2", "--max-cpus", "4");
	assert_ok(&p);
	assert_int_equal(p.cfg.cpus, 2);
	assert_int_equal(p.cfg.max_cpus, 4);
	PARSE(&p, "-k", "K", "--max-cpus", "8", "-c", "3");
	assert_ok(&p);
	assert_int_equal(p.cfg.cpus, 3);
	assert_int_equal(p.cfg.max_cpus, 8);
	PARSE(&p, "-k", "K", "--cpus=4", "--max-cpus=4");
	assert_ok(&p);
	assert_int_equal(p.cfg.cpus, 4);
	assert_int_equal(p.cfg.max_cpus, 4);
	/* The last one wins. */
	PARSE(&p, "-k", "K", "--max-cpus", "2", "--max-cpus", "6");
	assert_ok(&p);
	assert_int_equal(p.cfg.max_cpus, 6);
}

static void test_max_cpus_below_cpus(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "-k", "K", "--cpus", "4", "--max-cpus", "2");
	assert_fails_with(&p, "--cpus");
	assert_fails_with(&p, "--max-cpus");
	assert_fails_with(&p, "4");
	assert_fails_with(&p, "2");
	/* Order does not matter: the check is on the whole command line. */
	PARSE(&p, "-k", "K", "--max-cpus", "2", "--cpus", "4");
	assert_fails_with(&p, "--max-cpus");
	assert_fails_with(&p, "--cpus");
	PARSE(&p, "-k", "K", "-c", "5", "--max-cpus=4");
	assert_fails_with(&p, "--max-cpus");
	PARSE(&p, "-k", "K", "--cpus", "4096", "--max-cpus", "1");
	assert_fails_with(&p, "4096");
}

/* "-k K", then the words of a, then those of b (each NULL-terminated). */
static int parse_pair(struct parsed *p, const char *const *a, const char *const *b)
{
	const char *words[16] = { "-k", "K" };
	size_t n = 2;

	while (*a)
		words[n++] = *a++;
	while (*b)
		words[n++] = *b++;
	words[n] = NULL;
	return parse_words(p, words);
}

/* Options that cannot both hold: exit 2 with one line naming both. */
static void test_contradictory_options(void **state)
{
	static const struct {
		const char *a[3], *b[4], *needle;
	} bad[] = {
		{ { "--no-sdei" }, { "--sdei-event", "7,private,normal" }, "--no-sdei" },
		{ { "--in-kernel-psci" }, { "--max-cpus", "4" }, "--max-cpus" },
		{ { "--in-kernel-psci" }, { "--max-cpus=1", "-c", "1" }, "--max-cpus" },
		{ { "--in-kernel-psci" }, { "--sdei-event", "7,shared,critical" }, "--sdei-event" },
		{ { "--in-kernel-psci" }, { "--psci-suspend-format", "original" }, "--psci-suspend-format" },
		{ { "--in-kernel-psci" }, { "--psci-suspend-format=extended" }, "--psci-suspend-format" },
		{ { "--in-kernel-psci" }, { "--idle-states", "all" }, "--idle-states" },
		{ { "--in-kernel-psci" }, { "--idle-states=powerdown" }, "--idle-states" },
		{ { "--in-kernel-psci" }, { "--smccc-handler", "0xc3000000+1=cat" }, "--smccc-handler" },
		{ { "--in-kernel-psci" }, { "--psci-on-pending" }, "--psci-on-pending" },
	};
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* Either order: the check is on the whole command line. */
		parse_pair(&p, bad[i].a, bad[i].b);
		assert_fails_with(&p, bad[i].needle);
		assert_fails_with(&p, bad[i].a[0]);
		parse_pair(&p, bad[i].b, bad[i].a);
		assert_fails_with(&p, bad[i].needle);
		assert_fails_with(&p, bad[i].a[0]);
	}
	/* What does fit together. */
	PARSE(&p, "-k", "K", "--in-kernel-psci", "--no-sdei");
	assert_ok(&p);
	/* With KVM's PSCI, TRNG is KVM's anyway: --no-trng only says so. */
	PARSE(&p, "-k", "K", "--no-trng", "--in-kernel-psci");
	assert_ok(&p);
	assert_true(p.cfg.no_trng);
	PARSE(&p, "-k", "K", "--no-trng=yes");
	assert_fails_with(&p, "takes no value");
	PARSE(&p, "-k", "K", "--in-kernel-psci", "--idle-states", "none", "-c", "4");
	assert_ok(&p);
	PARSE(&p, "-k", "K", "--no-sdei", "--max-cpus", "4", "--psci-suspend-format", "original");
	assert_ok(&p);
	PARSE(&p, "-k", "K", "--sdei-event", "7,private,normal", "--idle-states", "standby");
	assert_ok(&p);
	/* KVM serves PSCI over SMC too, and --no-sdei leaves PSCI's conduit. */
	PARSE(&p, "-k", "K", "--in-kernel-psci", "--psci-conduit", "smc");
	assert_ok(&p);
	assert_int_equal(p.cfg.psci_conduit, SMCCC_CONDUIT_SMC);
	PARSE(&p, "-k", "K", "--no-sdei", "--psci-conduit=smc", "--max-cpus", "4");
	assert_ok(&p);
	assert_int_equal(p.cfg.psci_conduit, SMCCC_CONDUIT_SMC);
	/* --help still wins over everything else. */
	PARSE(&p, "--help", "--in-kernel-psci", "--max-cpus", "4");
	assert_ok(&p);
}

/* ---- --smccc-handler --------------------------------------------------- */

static void test_smccc_handlers(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "-k", "K", "--smccc-handler", "0xc3000000+0x10=./h.sh one", "--smccc-handler=83000000-8300000f=cat",
	      "--smccc-handler", "0xc3000010+1=a=b");
	assert_ok(&p);
	assert_int_equal(p.cfg.nr_smccc_handlers, 3);
	assert_int_equal(p.cfg.smccc_handlers[0].base, 0xc3000000);
	assert_int_equal(p.cfg.smccc_handlers[0].count, 0x10);
	assert_string_equal(p.cfg.smccc_handlers[0].command, "./h.sh one");
	assert_int_equal(p.cfg.smccc_handlers[1].base, 0x83000000);
	assert_int_equal(p.cfg.smccc_handlers[1].count, 0x10);
	assert_string_equal(p.cfg.smccc_handlers[1].command, "cat");
	assert_int_equal(p.cfg.smccc_handlers[2].count, 1);
	assert_string_equal(p.cfg.smccc_handlers[2].command, "a=b");
	PARSE(&p, "-k", "K");
	assert_ok(&p);
	assert_int_equal(p.cfg.nr_smccc_handlers, 0);
}

/* Each refusal is the whole message: "hvmm run: " and this, exit 2. */
static void test_smccc_handler_rejected(void **state)
{
	static const struct {
		const char *arg, *err;
	} bad[] = {
		{ "0xc3000000+0x10", "--smccc-handler '0xc3000000+0x10': expected BASE+COUNT=COMMAND or "
		  "BASE-LAST=COMMAND, in hex (e.g. 0xc3000000+0x10=./handler)" },
		{ "0xc3000000=cat", "--smccc-handler '0xc3000000=cat': expected BASE+COUNT=COMMAND or "
		  "BASE-LAST=COMMAND, in hex (e.g. 0xc3000000+0x10=./handler)" },
		{ "0xc3000000+0x10=", "--smccc-handler '0xc3000000+0x10=': no command after '='" },
		{ "0xc3000000+0=cat", "--smccc-handler '0xc3000000+0=cat': the range is empty (COUNT is 0)" },
		{ "0xc3000001-0xc3000000=cat", "--smccc-handler '0xc3000001-0xc3000000=cat': LAST 0xc3000000 is "
		  "below BASE 0xc3000001" },
		{ "0xfffffff8+0x10=cat", "--smccc-handler '0xfffffff8+0x10=cat': 0xfffffff8+0x10 runs past 0xffffffff" },
		{ "0x1c3000000+1=cat", "--smccc-handler '0x1c3000000+1=cat': function IDs are 32 bits" },
		{ "0xc0000000+0x10=cat", "--smccc-handler '0xc0000000+0x10=cat': 0xc0000000-0xc000000f reaches into "
		  "the Arm Architecture service (0x80000000-0x8000ffff, 0xc0000000-0xc000ffff), which KVM answers "
		  "itself" },
	};
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		PARSE(&p, "-k", "K", "--smccc-handler", bad[i].arg);
		assert_fails_with(&p, NULL);
		assert_string_equal(p.err, bad[i].err);
	}
	PARSE(&p, "-k", "K", "--smccc-handler", "0xc3000000+0x10=a", "--smccc-handler", "0xc3000008-0xc3000100=b");
	assert_fails_with(&p, NULL);
	assert_string_equal(p.err, "--smccc-handler '0xc3000008-0xc3000100=b': 0xc3000008-0xc3000100 overlaps the "
			    "earlier handler's 0xc3000000-0xc300000f");
}

static void test_smccc_handler_limit(void **state)
{
	const char *words[2 + 2 * (HANDLER_MAX + 1) + 1] = { "-k", "K" };
	char arg[HANDLER_MAX + 1][32];
	struct parsed p;

	(void)state;
	for (unsigned int i = 0; i <= HANDLER_MAX; i++) {
		snprintf(arg[i], sizeof(arg[i]), "0x%x+1=h", 0xc3000000U + i);
		words[2 + 2 * i] = "--smccc-handler";
		words[3 + 2 * i] = arg[i];
	}
	words[2 + 2 * HANDLER_MAX] = NULL;
	assert_int_equal(parse_words(&p, words), 0);
	assert_int_equal(p.cfg.nr_smccc_handlers, HANDLER_MAX);
	words[2 + 2 * HANDLER_MAX] = "--smccc-handler";
	assert_int_equal(parse_words(&p, words), -1);
	assert_string_equal(p.err, "--smccc-handler: at most 16 handlers");
}

static void test_max_cpus_rejected(void **state)
{
	static const char *const bad[] = {
		"0", "-1", "abc", "4097", "", "+2", "2x", " 2", "2 ", "0x4", "1.5",
		"99999999999999999999999", "all",
	};
	char word[64];
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		PARSE(&p, "-k", "K", "--max-cpus", bad[i]);
		if (p.ret == 0)
			fail_msg("--max-cpus '%s' accepted as %u", bad[i], p.cfg.max_cpus);
		assert_fails_with(&p, "--max-cpus");
		snprintf(word, sizeof(word), "--max-cpus=%s", bad[i]);
		PARSE(&p, "-k", "K", word);
		assert_fails_with(&p, "--max-cpus");
	}
	PARSE(&p, "-k", "K", "--max-cpus", "4097");
	assert_fails_with(&p, "4096");
	/* Long only: no short spelling, no abbreviation. */
	PARSE(&p, "-k", "K", "--max-cpu", "4");
	assert_fails_with(&p, "unknown option");
	PARSE(&p, "-k", "K", "--maxcpus", "4");
	assert_fails_with(&p, "unknown option");
}

/* A word-valued option: each good spelling sets the field, every bad one
 * fails with a one-line message naming the option and its choices. */
struct choice {
	const char *word;
	int value;
};

static void check_choices(const char *opt, const struct choice *good, size_t nr_good,
			  const char *const *bad, size_t nr_bad, int (*field)(const struct vm_config *))
{
	char lng[64], eq[96];
	struct parsed p;

	snprintf(lng, sizeof(lng), "--%s", opt);
	for (size_t i = 0; i < nr_good; i++) {
		PARSE(&p, "-k", "K", lng, good[i].word);
		assert_ok(&p);
		assert_int_equal(field(&p.cfg), good[i].value);
		snprintf(eq, sizeof(eq), "--%s=%s", opt, good[i].word);
		PARSE(&p, "-k", "K", eq);
		assert_ok(&p);
		assert_int_equal(field(&p.cfg), good[i].value);
		/* Later words override earlier ones, both ways. */
		PARSE(&p, "-k", "K", lng, good[(i + 1) % nr_good].word, lng, good[i].word);
		assert_ok(&p);
		assert_int_equal(field(&p.cfg), good[i].value);
	}
	for (size_t i = 0; i < nr_bad; i++) {
		PARSE(&p, "-k", "K", lng, bad[i]);
		if (p.ret == 0)
			fail_msg("%s '%s' accepted", lng, bad[i]);
		assert_fails_with(&p, lng);
		for (size_t j = 0; j < nr_good; j++)
			assert_fails_with(&p, good[j].word);
	}
	PARSE(&p, "-k", "K", lng);
	assert_fails_with(&p, "needs a value");
}

static int reboot_field(const struct vm_config *cfg)
{
	return cfg->reboot_exit;
}

static int suspend_format_field(const struct vm_config *cfg)
{
	return cfg->suspend_format_original;
}

static int idle_states_field(const struct vm_config *cfg)
{
	return (int)cfg->idle_states;
}

static int psci_conduit_field(const struct vm_config *cfg)
{
	return (int)cfg->psci_conduit;
}

static void test_lazy_mem(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "-k", "Image");
	assert_ok(&p);
	assert_false(p.cfg.lazy_mem.enabled);
	PARSE(&p, "-k", "Image", "--lazy-mem", "zero,latency=100");
	assert_ok(&p);
	assert_true(p.cfg.lazy_mem.enabled && p.cfg.lazy_mem.zero);
	assert_int_equal(p.cfg.lazy_mem.latency_us, 100);
	PARSE(&p, "-k", "Image", "--lazy-mem=/img,bandwidth=20");
	assert_ok(&p);
	assert_string_equal(p.cfg.lazy_mem.source, "/img");
	assert_int_equal(p.cfg.lazy_mem.bandwidth_mibps, 20);
	PARSE(&p, "-k", "Image", "--lazy-mem", "zero", "--lazy-mem", "/img");
	assert_fails_with(&p, "--lazy-mem is given twice");
	PARSE(&p, "-k", "Image", "--lazy-mem", "zero,latency=x");
	assert_fails_with(&p, "latency is microseconds");
	PARSE(&p, "-k", "Image", "--lazy-mem");
	assert_fails_with(&p, "needs a value");
}

static void test_reboot(void **state)
{
	static const struct choice good[] = { { "reset", 0 }, { "exit", 1 } };
	static const char *const bad[] = {
		"", "EXIT", "Reset", "restart", "exit ", " reset", "e", "exit3", "reset\nexit", "1",
	};

	(void)state;
	check_choices("reboot", good, 2, bad, sizeof(bad) / sizeof(bad[0]), reboot_field);
}

static void test_psci_suspend_format(void **state)
{
	static const struct choice good[] = { { "extended", 0 }, { "original", 1 } };
	static const char *const bad[] = {
		"", "Extended", "ext", "orig", "original ", "legacy", "1", "extended\033[2J",
	};

	(void)state;
	check_choices("psci-suspend-format", good, 2, bad, sizeof(bad) / sizeof(bad[0]),
		      suspend_format_field);
}

static void test_idle_states(void **state)
{
	static const struct choice good[] = {
		{ "all", IDLE_STATES_ALL }, { "standby", IDLE_STATES_STANDBY },
		{ "powerdown", IDLE_STATES_POWERDOWN }, { "none", IDLE_STATES_NONE },
	};
	static const char *const bad[] = {
		"", "ALL", "power-down", "power", "standby,powerdown", "off", "0", "none ", "\n",
	};

	(void)state;
	check_choices("idle-states", good, 4, bad, sizeof(bad) / sizeof(bad[0]), idle_states_field);
}

static void test_psci_conduit(void **state)
{
	static const struct choice good[] = { { "hvc", SMCCC_CONDUIT_HVC }, { "smc", SMCCC_CONDUIT_SMC } };
	static const char *const bad[] = {
		"", "HVC", "Smc", "hvc ", " smc", "smc,hvc", "svc", "smc #0", "1", "h", "smc\nhvc",
	};

	(void)state;
	check_choices("psci-conduit", good, 2, bad, sizeof(bad) / sizeof(bad[0]), psci_conduit_field);
}

/* kvmtool's options hvmm takes as they are, does anyway, or refuses. */
static void test_lkvm_options(void **state)
{
	static const struct { const char *a, *b; const char *needle; } refused[] = {
		{ "--nested", NULL, "--nested: hvmm cannot run a guest hypervisor" },
		{ "--irqchip", "gicv2", "--irqchip gicv2: hvmm emulates only a GICv3" },
		{ "--irqchip=gicv2m", NULL, "--irqchip gicv2m: hvmm emulates only a GICv3" },
		{ "--irqchip", "GICv3", "--irqchip 'GICv3': expected gicv3 or gicv3-its" },
		{ "--irqchip", "", "--irqchip '': expected gicv3 or gicv3-its" },
		{ "--irqchip", "gicv3-its,gicv3", "--irqchip 'gicv3-its,gicv3': expected gicv3 or gicv3-its" },
		{ "--rng=x", NULL, "option '--rng' takes no value" },
		{ "--balloon", NULL, "--balloon: hvmm has no virtio balloon device yet" },
		{ "--tty", "0", "--tty: the guest's one console is the terminal hvmm runs on" },
	};
	struct parsed p;

	(void)state;
	PARSE(&p, "-k", "K", "--debug");
	assert_ok(&p);
	assert_int_equal(p.cfg.loglevel, LOG_DEBUG);
	PARSE(&p, "-k", "K", "--kaslr-seed", "0x1234abcd5678ef90");
	assert_ok(&p);
	assert_true(p.cfg.has_kaslr_seed);
	assert_true(p.cfg.kaslr_seed == 0x1234abcd5678ef90ULL);
	PARSE(&p, "-k", "K", "--kaslr-seed=42");
	assert_ok(&p);
	assert_true(p.cfg.kaslr_seed == 42);
	PARSE(&p, "-k", "K");
	assert_ok(&p);
	assert_false(p.cfg.has_kaslr_seed);
	for (const char *const *bad = (const char *const[]){ "", "x", "-1", "0x", "18446744073709551616", " 1", NULL }; *bad;
	     bad++) {
		PARSE(&p, "-k", "K", "--kaslr-seed", *bad);
		assert_fails_with(&p, "--kaslr-seed");
	}
	PARSE(&p, "-k", "K", "--disable-mte");
	assert_ok(&p);
	assert_false(p.cfg.disable_sve);
	assert_int_equal(p.cfg.sve_max_vl, 0);
	PARSE(&p, "-k", "K", "--disable-sve");
	assert_ok(&p);
	assert_true(p.cfg.disable_sve);
	PARSE(&p, "-k", "K", "--sve-max-vl", "256");
	assert_ok(&p);
	assert_int_equal(p.cfg.sve_max_vl, 256);
	PARSE(&p, "-k", "K", "--sve-max-vl=2048");
	assert_ok(&p);
	assert_int_equal(p.cfg.sve_max_vl, 2048);
	for (const char *const *bad = (const char *const[]){ "0", "64", "129", "2176", "4096", "", "x", "-128",
							     "256 ", NULL }; *bad; bad++) {
		PARSE(&p, "-k", "K", "--sve-max-vl", *bad);
		assert_fails_with(&p, "expected a vector length in bits, 128 to 2048 in steps of 128");
	}
	PARSE(&p, "-k", "K", "--debug-mmio", "--override-bad-firmware-cntfrq", "62500000");
	assert_ok(&p);
	assert_true(p.cfg.debug_mmio);
	assert_int_equal(p.cfg.timer_frequency, 62500000);
	PARSE(&p, "-k", "K", "--override-bad-firmware-cntfrq", "0");
	assert_fails_with(&p, "--override-bad-firmware-cntfrq '0': expected Hz from 1 to 4294967295");
	PARSE(&p, "-k", "K", "--hugetlbfs", "/dev/hugepages");
	assert_ok(&p);
	assert_string_equal(p.cfg.hugetlbfs, "/dev/hugepages");
	PARSE(&p, "-k", "K", "--hugetlbfs", "/dev/hugepages", "--lazy-mem", "zero");
	assert_fails_with(&p, "--lazy-mem and --hugetlbfs contradict each other");
	PARSE(&p, "-k", "K", "--aarch32", "-m", "3072");
	assert_ok(&p);
	assert_true(p.cfg.aarch32);
	PARSE(&p, "-k", "K", "--aarch32", "-m", "3073");
	assert_fails_with(&p, "--aarch32 with --mem 3073: a 32-bit guest reaches RAM below 4 GiB only (at most 3072 MiB)");
	PARSE(&p, "-k", "K", "--aarch32", "--sve-max-vl", "256");
	assert_fails_with(&p, "--sve-max-vl and --aarch32 contradict each other");
	PARSE(&p, "-k", "K", "--sve-max-vl", "256", "--disable-sve");
	assert_fails_with(&p, "--sve-max-vl and --disable-sve contradict each other");
	assert_false(p.cfg.no_pvtime);
	PARSE(&p, "-k", "K", "--no-pvtime");
	assert_ok(&p);
	assert_true(p.cfg.no_pvtime);
	PARSE(&p, "-k", "K", "--irqchip", "gicv3");
	assert_ok(&p);
	assert_false(p.cfg.gic_its);
	PARSE(&p, "-k", "K", "--irqchip=gicv3-its");
	assert_ok(&p);
	assert_true(p.cfg.gic_its);
	PARSE(&p, "-k", "K", "--irqchip=gicv3-its", "--irqchip=gicv3");
	assert_ok(&p);
	assert_false(p.cfg.gic_its);
	assert_false(p.cfg.pmu);
	PARSE(&p, "-k", "K", "--pmu");
	assert_ok(&p);
	assert_true(p.cfg.pmu);
	PARSE(&p, "-k", "K", "--dev", "/dev/kvm2", "--debug-ioport");
	assert_ok(&p);
	assert_string_equal(p.cfg.kvm_dev, "/dev/kvm2");
	PARSE(&p, "--irqchip=gicv3", "K");
	assert_ok(&p);
	assert_string_equal(p.cfg.kernel, "K");
	PARSE(&p, "-k", "K", "--vcpu-affinity", "0-3,6,1023");
	assert_ok(&p);
	assert_true(p.cfg.vcpu_affinity[0] == 0x4fULL && p.cfg.vcpu_affinity[15] == 1ULL << 63);
	for (const char *const *bad = (const char *const[]){ "", "x", "3-1", "1,", ",1", "1-", "1024", "0-1024", "1 ", "1;2",
							     "007777777", NULL }; *bad; bad++) {
		PARSE(&p, "-k", "K", "--vcpu-affinity", *bad);
		assert_fails_with(&p, "--vcpu-affinity");
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (refused[i].b)
			PARSE(&p, "-k", "K", refused[i].a, refused[i].b);
		else
			PARSE(&p, "-k", "K", refused[i].a);
		assert_fails_with(&p, refused[i].needle);
	}
}

/* kvmtool's -d FILE[,ro] (repeatable, in order) and --rng. */
static void test_disk_and_rng_options(void **state)
{
	static const struct { const char *val, *needle; } bad[] = {
		{ "", "--disk '': expected FILE or FILE,ro" },
		{ ",ro", "--disk ',ro': expected FILE or FILE,ro" },
		{ "a.img,rw", "--disk 'a.img,rw': the only option after the file is ',ro'" },
		{ "a.img,ro,ro", "--disk 'a.img,ro,ro': the only option after the file is ',ro'" },
		{ "a.img,", "--disk 'a.img,': the only option after the file is ',ro'" },
	};
	struct parsed p;

	(void)state;
	PARSE(&p, "-k", "K");
	assert_ok(&p);
	assert_int_equal(p.cfg.nr_disks, 0);
	assert_false(p.cfg.rng);
	PARSE(&p, "-k", "K", "-d", "a.img", "--disk=b.img,ro", "-dc.img", "--rng");
	assert_ok(&p);
	assert_int_equal(p.cfg.nr_disks, 3);
	assert_int_equal(p.cfg.disks[0].path_len, 5);
	assert_memory_equal(p.cfg.disks[0].spec, "a.img", 6);
	assert_false(p.cfg.disks[0].ro);
	assert_int_equal(p.cfg.disks[1].path_len, 5);
	assert_memory_equal(p.cfg.disks[1].spec, "b.img,ro", 9);
	assert_true(p.cfg.disks[1].ro);
	assert_memory_equal(p.cfg.disks[2].spec, "c.img", 6);
	assert_true(p.cfg.rng);
	PARSE(&p, "-k", "K", "-d", "1", "-d", "2", "-d", "3", "-d", "4", "-d", "5", "-d", "6", "-d", "7");
	assert_ok(&p);
	assert_int_equal(p.cfg.nr_disks, CMDLINE_MAX_DISKS);
	PARSE(&p, "-k", "K", "-d", "1", "-d", "2", "-d", "3", "-d", "4", "-d", "5", "-d", "6", "-d", "7", "-d", "8");
	assert_fails_with(&p, "--disk: at most 7 disks");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		PARSE(&p, "-k", "K", "-d", bad[i].val);
		assert_fails_with(&p, bad[i].needle);
	}
	PARSE(&p, "-k", "K", "--virtio-transport", "mmio");
	assert_ok(&p);
	PARSE(&p, "-k", "K", "--virtio-transport", "pci");
	assert_fails_with(&p, "--virtio-transport pci: hvmm's virtio devices are virtio 1.x over MMIO only");
	PARSE(&p, "-k", "K", "--virtio-transport", "MMIO");
	assert_fails_with(&p, "--virtio-transport 'MMIO': expected mmio");
	PARSE(&p, "-k", "K", "--rng", "--lazy-mem", "zero");
	assert_fails_with(&p, "--lazy-mem cannot be used with --disk or --rng yet");
	PARSE(&p, "-k", "K", "-d", "a.img", "--lazy-mem", "zero");
	assert_fails_with(&p, "--lazy-mem cannot be used with --disk or --rng yet");
}

/*
 * Every option `lkvm run --help` lists (kvmtool 3.18, the 45 of the peer
 * make bench runs) is an entry: a script written for lkvm gets kvmtool's
 * meaning, or one line saying why not, never "unknown option". The short
 * names too, as kvmtool spells them.
 */
static void test_every_lkvm_option_known(void **state)
{
	static const char *const lkvm_run[] = {
		"name", "cpus", "mem", "disk", "balloon", "vnc", "gtk", "sdl", "rng", "nodefaults", "9p",
		"console", "vsock", "dev", "tty", "sandbox", "hugetlbfs", "virtio-legacy", "virtio-transport",
		"loglevel", "kernel", "initrd", "params", "firmware", "flash", "network", "no-dhcp", "vfio-pci",
		"debug", "debug-single-step", "debug-ioport", "debug-mmio", "debug-iodelay", "aarch32", "pmu",
		"disable-mte", "vcpu-affinity", "kaslr-seed", "no-pvtime", "sve-max-vl", "dump-dtb",
		"override-bad-firmware-cntfrq", "force-pci", "irqchip", "firmware-address",
	};
	static const struct { char c; const char *name; } shorts[] = {
		{ 'c', "cpus" }, { 'm', "mem" }, { 'd', "disk" }, { 'k', "kernel" }, { 'i', "initrd" },
		{ 'p', "params" }, { 'f', "firmware" }, { 'F', "flash" }, { 'n', "network" },
	};

	unsigned int accepted = 0, refused = 0;

	(void)state;
	assert_int_equal(sizeof(lkvm_run) / sizeof(lkvm_run[0]), 45);
	for (size_t i = 0; i < sizeof(lkvm_run) / sizeof(lkvm_run[0]); i++) {
		const struct opt *o = cmdline_opt_long(lkvm_run[i], strlen(lkvm_run[i]));

		if (!o)
			fail_msg("lkvm's --%s is not in hvmm's option table", lkvm_run[i]);
		accepted += o->kind == OPT_ACCEPTED;
		refused += o->kind == OPT_REFUSED;
	}
	/* The counts docs/lkvm-options.md gives. */
	assert_int_equal(45 - accepted - refused, 28);
	assert_int_equal(accepted, 2);
	assert_int_equal(refused, 15);
	for (size_t i = 0; i < sizeof(shorts) / sizeof(shorts[0]); i++) {
		const struct opt *o = cmdline_opt_short(shorts[i].c);

		if (!o || strcmp(o->long_name, shorts[i].name))
			fail_msg("lkvm's -%c (--%s) is not hvmm's", shorts[i].c, shorts[i].name);
	}
}

/* kvmtool's -f FILE [--firmware-address ADDR]: the file is a firmware
 * image, in place of a kernel, never both. */
static void test_firmware_options(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "-f", "fw.bin");
	assert_ok(&p);
	assert_string_equal(p.cfg.kernel, "fw.bin");
	assert_true(p.cfg.kernel_is_firmware);
	assert_false(p.cfg.has_firmware_addr);
	PARSE(&p, "--firmware=fw.bin", "--firmware-address", "0x40080000");
	assert_ok(&p);
	assert_true(p.cfg.has_firmware_addr);
	assert_true(p.cfg.firmware_addr == 0x40080000ULL);
	PARSE(&p, "-k", "K");
	assert_ok(&p);
	assert_false(p.cfg.kernel_is_firmware);
	PARSE(&p, "-k", "K", "-f", "fw.bin");
	assert_fails_with(&p, "-f 'fw.bin': the kernel is 'K' already");
	PARSE(&p, "-f", "fw.bin", "-k", "K");
	assert_fails_with(&p, "-k and -f: give a kernel or a firmware image, not both");
	PARSE(&p, "-f", "fw.bin", "Image");
	assert_fails_with(&p, "unexpected argument 'Image'");
	PARSE(&p, "-k", "K", "--firmware-address", "0x40000000");
	assert_fails_with(&p, "--firmware-address needs a firmware image (-f FILE)");
	PARSE(&p, "-f", "fw.bin", "--firmware-address", "x");
	assert_fails_with(&p, "--firmware-address 'x': expected a 64-bit address");
	PARSE(&p, "-f");
	assert_fails_with(&p, "option '-f' needs a value");
}

/* --timeout SECONDS: 1 to a year, whole seconds only. */
static void test_timeout(void **state)
{
	static const char *const bad[] = { "0", "", "-1", "+5", "1.5", "5s", " 5", "31536001", "99999999999", "x" };
	struct parsed p;

	(void)state;
	PARSE(&p, "-k", "K");
	assert_ok(&p);
	assert_int_equal(p.cfg.timeout_s, 0);
	PARSE(&p, "-k", "K", "--timeout", "30");
	assert_ok(&p);
	assert_int_equal(p.cfg.timeout_s, 30);
	PARSE(&p, "-k", "K", "--timeout=31536000");
	assert_ok(&p);
	assert_int_equal(p.cfg.timeout_s, 31536000);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		PARSE(&p, "-k", "K", "--timeout", bad[i]);
		assert_fails_with(&p, "--timeout");
		assert_fails_with(&p, "seconds from 1 to 31536000");
	}
	PARSE(&p, "-k", "K", "--timeout");
	assert_fails_with(&p, "--timeout");
}

static void test_new_options_together(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "-k", "K", "-c", "2", "--max-cpus", "4", "--reboot=exit",
	      "--psci-suspend-format", "original", "--idle-states=powerdown", "--name", "hot.add_1",
	      "--psci-conduit=smc");
	assert_ok(&p);
	assert_int_equal(p.cfg.psci_conduit, SMCCC_CONDUIT_SMC);
	assert_int_equal(p.cfg.cpus, 2);
	assert_int_equal(p.cfg.max_cpus, 4);
	assert_true(p.cfg.reboot_exit);
	assert_true(p.cfg.suspend_format_original);
	assert_int_equal(p.cfg.idle_states, IDLE_STATES_POWERDOWN);
	assert_string_equal(p.cfg.name, "hot.add_1");
	assert_string_equal(p.cfg.kernel, "K");
}

/* ---- malformed command lines -------------------------------------------- */

static void test_unknown_options(void **state)
{
	static const char *const bad[] = {
		"--bogus", "--kernels=x", "--kern", "-x", "-K", "--", "---kernel", "--KERNEL",
		"--=x",
	};
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		PARSE(&p, "-k", "K", bad[i]);
		assert_fails_with(&p, "unknown option");
		assert_fails_with(&p, bad[i]);
	}
}

static void test_missing_values(void **state)
{
	/* Every option that takes a value, given last without one. */
	static const char *const need[] = {
		"kernel", "initrd", "params", "cpus", "mem", "name", "console", "loglevel",
		"network", "dump-dtb", "max-cpus", "reboot", "psci-suspend-format", "idle-states",
		"psci-conduit",
	};
	char lng[64];
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		snprintf(lng, sizeof(lng), "--%s", need[i]);
		PARSE(&p, "-k", "K", lng);
		assert_fails_with(&p, "needs a value");
		assert_fails_with(&p, lng);
	}
	PARSE(&p, "-k");
	assert_fails_with(&p, "-k");
	assert_fails_with(&p, "needs a value");
	PARSE(&p, "-k", "K", "-m");
	assert_fails_with(&p, "-m");
	PARSE(&p, "-k", "K", "-c");
	assert_fails_with(&p, "-c");
}

/* kvmtool's form: the kernel may come as the one word that is no option. */
static void test_positional_kernel(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "Image");
	assert_ok(&p);
	assert_string_equal(p.cfg.kernel, "Image");
	PARSE(&p, "-c", "2", "Image", "-m", "128");
	assert_ok(&p);
	assert_string_equal(p.cfg.kernel, "Image");
	assert_int_equal(p.cfg.cpus, 2);
	assert_int_equal(p.cfg.mem_mib, 128);
	PARSE(&p, "Image", "Other");
	assert_fails_with(&p, "unexpected argument 'Other': the kernel is 'Image' already");
}

static void test_positional_rejected(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "-k", "K", "extra");
	assert_fails_with(&p, "extra");
	PARSE(&p, "-k", "K", "-");
	assert_fails_with(&p, "'-'");
	PARSE(&p, "-k", "K", "");
	assert_fails_with(&p, NULL);
}

static void test_errors_stay_on_one_line(void **state)
{
	struct parsed p;

	(void)state;
	/* Values echoed back in a message must not break it into lines. */
	PARSE(&p, "-k", "K", "--cpus", "1\n2");
	assert_fails_with(&p, "--cpus");
	PARSE(&p, "-k", "K", "--mem", "1\nG");
	assert_fails_with(&p, "--mem");
	PARSE(&p, "-k", "K", "--bogus\nline");
	assert_fails_with(&p, "unknown option");
	PARSE(&p, "-k", "K", "new\nline");
	assert_fails_with(&p, NULL);
	PARSE(&p, "-k", "K", "--loglevel", "\r\033[2Jinfo");
	assert_fails_with(&p, "--loglevel");
	assert_null(strchr(p.err, '\r'));
	assert_null(strchr(p.err, '\033'));
	/* The same for the newer options. */
	PARSE(&p, "-k", "K", "--max-cpus", "2\n");
	assert_fails_with(&p, "--max-cpus");
	PARSE(&p, "-k", "K", "--reboot", "exit\r\n");
	assert_fails_with(&p, "--reboot");
	assert_null(strchr(p.err, '\r'));
	PARSE(&p, "-k", "K", "--psci-suspend-format", "\033[31moriginal");
	assert_fails_with(&p, "--psci-suspend-format");
	assert_null(strchr(p.err, '\033'));
	PARSE(&p, "-k", "K", "--idle-states", "all\nnone");
	assert_fails_with(&p, "--idle-states");
	PARSE(&p, "-k", "K", "--psci-conduit", "smc\r\033[2J");
	assert_fails_with(&p, "--psci-conduit");
	assert_null(strchr(p.err, '\r'));
	assert_null(strchr(p.err, '\033'));
	PARSE(&p, "-k", "K", "--name", "vm\n\033[2J");
	assert_fails_with(&p, "--name");
	assert_null(strchr(p.err, '\033'));
}

/* Found by tests/fuzz/fuzz_cmdline: C1 controls in UTF-8 (U+009B is CSI)
 * went through; other UTF-8 (a file name's) must stay as typed. */
static void test_errors_drop_c1_controls(void **state)
{
	struct parsed p;

	(void)state;
	PARSE(&p, "-k", "K", "--loglevel", "\xc2\x9b" "2Jinfo");
	assert_fails_with(&p, "--loglevel");
	assert_null(strstr(p.err, "\xc2\x9b"));
	assert_non_null(strstr(p.err, "??2Jinfo"));
	PARSE(&p, "-k", "K", "\xc2\x80\xc2");
	assert_fails_with(&p, NULL);
	assert_null(strstr(p.err, "\xc2\x80"));
	PARSE(&p, "-k", "K", "--console", "caf\xc3\xa9 \xc2\xa0\xe2\x82\xac");
	assert_fails_with(&p, "--console");
	assert_non_null(strstr(p.err, "caf\xc3\xa9 \xc2\xa0\xe2\x82\xac"));
}

static void test_error_truncated_to_buffer(void **state)
{
	char small[16], word[512];
	struct vm_config cfg;
	const char *argv[] = { "-k", "K", word };

	(void)state;
	memset(word, 'z', sizeof(word) - 1);
	word[0] = '-';
	word[1] = '-';
	word[sizeof(word) - 1] = '\0';
	memset(small, 0x7f, sizeof(small));
	assert_int_equal(cmdline_parse_run(3, (char *const *)argv, &cfg, small, sizeof(small)), -1);
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

/* ---- usage ------------------------------------------------------------ */

/* The table itself: names unique, each field the size its kind writes, a
 * reader for every custom value, a help line for every entry. */
static void test_option_table_sound(void **state)
{
	(void)state;
	assert_true(cmdline_nr_opts > 0 && cmdline_nr_opts <= OPT_SEEN_MAX);   /* the seen-bits */
	for (size_t i = 0; i < cmdline_nr_opts; i++) {
		const struct opt *o = &cmdline_opts[i];

		assert_non_null(o->long_name);
		assert_true(o->help && o->help[0]);
		for (size_t j = 0; j < i; j++) {
			assert_string_not_equal(o->long_name, cmdline_opts[j].long_name);
			assert_false(o->short_name && o->short_name == cmdline_opts[j].short_name);
		}
		switch (o->kind) {
		case OPT_FLAG:
			assert_int_equal(o->size, sizeof(bool));
			break;
		case OPT_STRING:
			assert_int_equal(o->size, sizeof(const char *));
			break;
		case OPT_UINT:
			assert_int_equal(o->size, sizeof(unsigned int));
			assert_true(o->min <= o->max && o->unit && o->min_note);
			break;
		case OPT_CHOICE:
			assert_true(o->size == sizeof(bool) || o->size == sizeof(int));
			assert_true(o->choices && o->choices[0].word && o->choices[1].word);
			break;
		case OPT_CUSTOM:
			assert_non_null(o->parse);
			break;
		case OPT_ACCEPTED:
			assert_null(o->arg);
			assert_int_equal(o->size, 0);
			break;
		case OPT_REFUSED:
			assert_true(o->reason && o->reason[0]);
			break;
		}
		assert_true(o->offset + o->size <= sizeof(struct vm_config));
	}
}

/* Every description starts at one column: on the option's line, or on the
 * next when the option and its value are too long. */
static void test_usage_aligned(void **state)
{
	char line[256];
	FILE *f = tmpfile();
	unsigned int rows = 0;
	int col = -1;

	(void)state;
	assert_non_null(f);
	cmdline_print_run_usage(f);
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		const char *desc;

		if (strncmp(line, "  -", 3) && strncmp(line, "      --", 8) && strncmp(line, "        ", 8))
			continue;
		if (!strncmp(line, "        ", 8) && strncmp(line, "      --", 8)) {
			desc = line + strspn(line, " ");       /* a description on its own line */
		} else {
			desc = strstr(line + 6, "  ");
			if (!desc)
				continue;                      /* the head alone; its description follows */
			desc += strspn(desc, " ");
		}
		if (col < 0)
			col = (int)(desc - line);
		if ((int)(desc - line) != col)
			fail_msg("description at column %d, not %d: %s", (int)(desc - line), col, line);
		rows++;
	}
	fclose(f);
	assert_int_equal(rows, cmdline_nr_opts);
}

static void test_usage_lists_every_option(void **state)
{
	char text[8192], needle[64];
	FILE *f = tmpfile();
	size_t n;

	(void)state;
	assert_non_null(f);
	cmdline_print_run_usage(f);
	rewind(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);

	assert_true(n > 0);
	assert_non_null(strstr(text, "usage: hvmm run"));
	for (size_t i = 0; i < NR_LONG_NAMES; i++) {
		snprintf(needle, sizeof(needle), "--%s ", long_names[i]);
		if (!strstr(text, needle))
			fail_msg("usage does not list --%s:\n%s", long_names[i], text);
	}
	for (const char *s = "kipcmnh"; *s; s++) {
		snprintf(needle, sizeof(needle), "-%c, --", *s);
		if (!strstr(text, needle))
			fail_msg("usage does not list -%c:\n%s", *s, text);
	}
}

static void test_usage_options_all_parse(void **state)
{
	char lng[64];
	struct parsed p;

	(void)state;
	/* Every option the usage shows is one the parser knows. */
	for (size_t i = 0; i < NR_LONG_NAMES; i++) {
		snprintf(lng, sizeof(lng), "--%s", long_names[i]);
		PARSE(&p, "-k", "K", lng, "x");
		if (p.ret)
			assert_null(strstr(p.err, "unknown option"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_defaults_reset_between_calls),
		cmocka_unit_test(test_smccc_handlers),
		cmocka_unit_test(test_smccc_handler_rejected),
		cmocka_unit_test(test_smccc_handler_limit),
		cmocka_unit_test(test_missing_kernel),
		cmocka_unit_test(test_help_alone),
		cmocka_unit_test(test_option_table_sound),
		cmocka_unit_test(test_usage_aligned),
		cmocka_unit_test(test_options_with_values_all_forms),
		cmocka_unit_test(test_kernel_forms),
		cmocka_unit_test(test_cpus_forms),
		cmocka_unit_test(test_cpus_rejected),
		cmocka_unit_test(test_mem_forms),
		cmocka_unit_test(test_mem_rejected),
		cmocka_unit_test(test_parse_mib_direct),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_flag_with_value),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_network),
		cmocka_unit_test(test_loglevel),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_name_charset),
		cmocka_unit_test(test_max_cpus_forms),
		cmocka_unit_test(test_max_cpus_below_cpus),
		cmocka_unit_test(test_max_cpus_rejected),
		cmocka_unit_test(test_contradictory_options),
		cmocka_unit_test(test_lazy_mem),
		cmocka_unit_test(test_reboot),
		cmocka_unit_test(test_psci_suspend_format),
		cmocka_unit_test(test_idle_states),
		cmocka_unit_test(test_psci_conduit),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_new_options_together),
		cmocka_unit_test(test_unknown_options),
		cmocka_unit_test(test_missing_values),
		cmocka_unit_test(test_positional_kernel),
		cmocka_unit_test(test_positional_rejected),
		cmocka_unit_test(test_lkvm_options),
		cmocka_unit_test(test_every_lkvm_option_known),
		cmocka_unit_test(test_disk_and_rng_options),
		cmocka_unit_test(test_firmware_options),
		cmocka_unit_test(test_errors_stay_on_one_line),
		cmocka_unit_test(test_errors_drop_c1_controls),
		cmocka_unit_test(test_error_truncated_to_buffer),
		cmocka_unit_test(test_usage_lists_every_option),
		cmocka_unit_test(test_usage_options_all_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
