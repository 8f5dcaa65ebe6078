/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A guest for testing hvmm's console and exits: it boots in well under a
 * second, says which boot it is, then does what the word bm.do=ACTION of
 * its command line asks:
 *
 *   off             PSCI SYSTEM_OFF (hvmm exits 0)
 *   reset           PSCI SYSTEM_RESET (exit 3 with --reboot=exit; without,
 *                   hvmm restarts it and it resets again, for ever)
 *   reset-then-off  SYSTEM_RESET at boot 1, SYSTEM_OFF at later boots
 *   stats-off       a few PSCI calls for --stats to count, then SYSTEM_OFF
 *   wait            sleep in WFI for ever, for exits the host causes
 *   shell           (the default) a line shell on the UART: echo TEXT, off,
 *                   reset, boot; Ctrl-C and a Ctrl-A that gets through are
 *                   reported
 *
 * The boot count is /chosen/hvmm,boot-count, which hvmm raises at every
 * in-place reboot.
 */
#include "lib.h"

#define UART_INTID   (32U + MEMMAP_UART_SPI)
#define LINE_MAX     128U
#define ACTION_MAX   32U
#define POLL_MS      1U

#define CTRL_A       0x01
#define CTRL_C       0x03
#define BACKSPACE    0x08
#define ESC          0x1b
#define DEL          0x7f

int main(uint64_t dtb);

static uint32_t boot_count;
/* Whether the UART's interrupt can wake WFI (else the shell polls). */
static bool rx_irq_ok;

static void say(const char *s)
{
	uart_puts("bm-console: ");
	uart_puts(s);
	uart_putc('\n');
}

static void say_boot(void)
{
	uart_puts("bm-console: boot ");
	uart_put_dec(boot_count);
	uart_putc('\n');
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Neither call returns when hvmm serves it; if one does, say so and stay. */
static void __attribute__((noreturn)) power(uint32_t fn, const char *name)
{
	int64_t ret;

	say(name);
	ret = psci(PSCI_FID32(fn), 0, 0, 0);
	uart_puts("bm-console: ");
	uart_puts(name);
	uart_puts(" returned ");
	uart_put_signed(ret);
	uart_putc('\n');
	for (;;)
		wfi();
}

static void __attribute__((noreturn)) system_off(void)
{
	power(PSCI_SYSTEM_OFF, "SYSTEM_OFF");
}

static void __attribute__((noreturn)) system_reset(void)
{
	power(PSCI_SYSTEM_RESET, "SYSTEM_RESET");
}

/* ---- the actions that end at once ---- */

static void do_off(void)
{
	system_off();
}

static void do_reset(void)
{
	system_reset();
}

static void do_reset_then_off(void)
{
	/* Boot count 0: not told which boot this is; a reset might never end. */
	if (boot_count == 1)
		system_reset();
	system_off();
}

/* Calls hvmm counts for --stats: PSCI_VERSION twice, PSCI_FEATURES once. */
static void do_stats_off(void)
{
	int64_t v1 = psci(PSCI_FID32(PSCI_VERSION), 0, 0, 0);
	int64_t v2 = psci(PSCI_FID32(PSCI_VERSION), 0, 0, 0);
	int64_t f = psci(PSCI_FID32(PSCI_FEATURES), PSCI_FID32(PSCI_SYSTEM_OFF), 0, 0);

	uart_puts("bm-console: called PSCI_VERSION twice (");
	uart_put_hex((uint64_t)v1);
	uart_puts(", ");
	uart_put_hex((uint64_t)v2);
	uart_puts("), PSCI_FEATURES(SYSTEM_OFF) once (");
	uart_put_signed(f);
	uart_puts(")\n");
	system_off();
}

/* Nothing wakes this WFI (no interrupt is enabled, the timer is off): the
 * vCPU sleeps until hvmm stops the VM. The loop is for spurious wake-ups. */
static void do_wait(void)
{
	say("waiting");
	for (;;)
		wfi();
}

/* ---- the shell ---- */

static struct {
	char line[LINE_MAX];
	unsigned int len;
	bool after_cr;       /* the last byte ended a line with CR */
	unsigned int esc;    /* in an escape sequence: 1 after ESC, 2 in CSI/SS3 */
} sh;

static void prompt(void)
{
	sh.len = 0;
	uart_puts("bm> ");
}

/* If cmd is the word `word`, alone or followed by a space, what comes after
 * that space ("" if nothing); else NULL. */
static const char *args_of(const char *cmd, const char *word)
{
	while (*word && *cmd == *word)
		cmd++, word++;
	if (*word || (*cmd && *cmd != ' '))
		return NULL;
	return *cmd ? cmd + 1 : cmd;
}

static void run_command(const char *cmd)
{
	const char *text = args_of(cmd, "echo");

	if (!*cmd)
		return;
	if (text) {
		uart_puts(text);
		uart_putc('\n');
	} else if (str_eq(cmd, "off")) {
		system_off();
	} else if (str_eq(cmd, "reset")) {
		system_reset();
	} else if (str_eq(cmd, "boot")) {
		say_boot();
	} else {
		uart_puts("bm-console: unknown command: ");
		uart_puts(cmd);
		uart_putc('\n');
	}
}

/* Arrow keys and the like send ESC [ ... FINAL or ESC O FINAL: swallowed
 * whole, so their letters do not end up in the line. Returns whether b was
 * part of one. */
static bool in_escape(uint8_t b)
{
	if (b == ESC) {
		sh.esc = 1;
		return true;
	}
	if (sh.esc == 1) {
		sh.esc = (b == '[' || b == 'O') ? 2 : 0;
		return true;
	}
	if (sh.esc == 2) {
		if (b >= 0x40 && b <= 0x7e)
			sh.esc = 0;
		return true;
	}
	return false;
}

/* What a terminal user expects of a line editor, one received byte at a time. */
static void shell_byte(uint8_t b)
{
	bool after_cr = sh.after_cr;

	sh.after_cr = b == '\r';
	if (in_escape(b))
		return;
	if (b == '\n' && after_cr)
		return;         /* the LF of a CR LF: the CR ended the line */
	if (b == '\r' || b == '\n') {
		uart_putc('\n');
		sh.line[sh.len] = 0;
		run_command(sh.line);
		prompt();
	} else if (b == CTRL_C) {
		/* As a shell interrupting its foreground job: the line is dropped. */
		uart_puts("^C\n");
		say("interrupt");
		prompt();
	} else if (b == CTRL_A) {
		/* Reported on a line of its own; the line being typed is kept. */
		uart_putc('\n');
		say("ctrl-a");
		uart_puts("bm> ");
		for (unsigned int i = 0; i < sh.len; i++)
			uart_putc(sh.line[i]);
	} else if (b == BACKSPACE || b == DEL) {
		if (sh.len) {
			sh.len--;
			uart_puts("\b \b");
		}
	} else if (b >= 0x20 && b < 0x7f && sh.len + 1 < LINE_MAX) {
		sh.line[sh.len++] = (char)b;
		uart_putc((char)b);
	}
}

/*
 * The next received byte. With the receive interrupt routed through the GIC
 * the level line stays high while bytes wait, so WFI returns at once when
 * there is input and sleeps otherwise (PSTATE.I stays set: the interrupt
 * only wakes the CPU, it is never taken). Without a GICv3 redistributor for
 * this CPU nothing could wake WFI: then WFE polls, which answer but keep the
 * host busier.
 */
static uint8_t shell_getc(void)
{
	for (;;) {
		int c = uart_getc();

		if (c >= 0)
			return (uint8_t)c;
		if (rx_irq_ok)
			wfi();
		else
			delay_ticks(ms_to_ticks(POLL_MS));
	}
}

static void do_shell(void)
{
	rx_irq_ok = bm_boot_cpu_init() == 0;
	if (rx_irq_ok) {
		gic_spi_enable(UART_INTID);
		uart_rx_irq(true);
	}
	prompt();
	for (;;)
		shell_byte(shell_getc());
}

/* ---- start ---- */

static const struct {
	const char *name;
	void (*run)(void);
} actions[] = {
	{ "off", do_off },
	{ "reset", do_reset },
	{ "reset-then-off", do_reset_then_off },
	{ "stats-off", do_stats_off },
	{ "wait", do_wait },
	{ "shell", do_shell },
};

int main(uint64_t dtb)
{
	char action[ACTION_MAX];
	unsigned int i;

	if (!fdt_prop_u32(dtb, "/chosen", "hvmm,boot-count", &boot_count))
		boot_count = 0;
	say_boot();
	if (fdt_bootarg(dtb, "bm.do", action, sizeof(action)) < 0)
		action[0] = 0;
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (str_eq(action, actions[i].name))
			actions[i].run();
	if (action[0]) {
		uart_puts("bm-console: unknown action: ");
		uart_puts(action);
		uart_puts(", running the shell\n");
	}
	do_shell();
	return 0;
}
