/* SPDX-License-Identifier: GPL-2.0-only */
#include "lib.h"

#define UART_THR 0
#define UART_RBR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LSR 5
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20
#define UART_IER_ERBFI 0x01
#define UART_FCR_ENABLE_CLEAR 0x07   /* FIFOs on, both cleared */
#define UART_TX_FIFO 16

/* Only the boot CPU prints TAP lines, so plain counters suffice. */
static unsigned int tap_count, tap_failed;

static volatile uint8_t *uart_reg(unsigned int off)
{
	return (volatile uint8_t *)(uintptr_t)(MEMMAP_UART_BASE + off);
}

/*
 * Every UART access is a trap to the VMM, so the transmit FIFO is used as a
 * 16550A driver would: once THRE says it is empty, 16 bytes go in without
 * asking again. Only one CPU prints at a time (the boot CPU, or a CPU
 * reporting a fatal exception).
 */
static unsigned int uart_tx_room;
static bool uart_fifo_on;

/* Input that arrived before the FIFOs were turned on (see uart_fifo_enable). */
static uint8_t uart_early_rx[256];
static unsigned int uart_early_head, uart_early_count;

/*
 * Turning the FIFOs on clears them (a 16550A does, and hvmm models it), which
 * would throw away console input that came before the guest's first UART
 * access, e.g. a command piped into hvmm: such bytes are kept aside first.
 */
static void uart_fifo_enable(void)
{
	while (uart_early_count < sizeof(uart_early_rx) && (*uart_reg(UART_LSR) & UART_LSR_DR))
		uart_early_rx[uart_early_count++] = *uart_reg(UART_RBR);
	*uart_reg(UART_FCR) = UART_FCR_ENABLE_CLEAR;
	uart_fifo_on = true;
}

int uart_getc(void)
{
	if (!uart_fifo_on)
		uart_fifo_enable();
	if (uart_early_head < uart_early_count)
		return uart_early_rx[uart_early_head++];
	if (!(*uart_reg(UART_LSR) & UART_LSR_DR))
		return -1;
	return *uart_reg(UART_RBR);
}

void uart_rx_irq(bool on)
{
	if (!uart_fifo_on)
		uart_fifo_enable();
	*uart_reg(UART_IER) = on ? UART_IER_ERBFI : 0;
}

void uart_putc(char c)
{
	if (c == '\n')
		uart_putc('\r');
	if (!uart_fifo_on)
		uart_fifo_enable();
	if (!uart_tx_room) {
		while (!(*uart_reg(UART_LSR) & UART_LSR_THRE))
			;
		uart_tx_room = UART_TX_FIFO;
	}
	uart_tx_room--;
	*uart_reg(UART_THR) = (uint8_t)c;
}

void uart_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

void uart_put_hex(uint64_t v)
{
	uart_puts("0x");
	for (int shift = 60; shift >= 0; shift -= 4)
		uart_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

const char *fmt_dec(char buf[21], uint64_t v)
{
	int i = 20;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return &buf[i];
}

void uart_put_dec(uint64_t v)
{
	char buf[21];

	uart_puts(fmt_dec(buf, v));
}

void uart_put_signed(int64_t v)
{
	if (v < 0) {
		uart_putc('-');
		uart_put_dec(-(uint64_t)v);
	} else {
		uart_put_dec((uint64_t)v);
	}
}

static void tap_line(int cond, const char *what)
{
	tap_count++;
	if (!cond)
		uart_puts("not ");
	uart_puts("ok ");
	uart_put_dec(tap_count);
	uart_puts(" - ");
	uart_puts(what);
}

int tap_check(int cond, const char *what)
{
	tap_line(cond, what);
	uart_putc('\n');
	if (!cond)
		tap_failed++;
	return cond;
}

void tap_skip(const char *what, const char *why)
{
	tap_line(1, what);
	uart_puts(" # SKIP ");
	uart_puts(why);
	uart_putc('\n');
}

int tap_done(void)
{
	uart_puts("1..");
	uart_put_dec(tap_count);
	uart_putc('\n');
	return tap_failed ? 1 : 0;
}

static void section_line(const char *name, uint64_t t_begin)
{
	uart_puts("# ");
	uart_puts(name);
	uart_puts(" (at ");
	uart_put_dec((timer_now() - t_begin) / ms_to_ticks(1));
	uart_puts(" ms)\n");
}

void bm_run_sections(const struct bm_section *s, unsigned int n, uint64_t t_begin)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		section_line(s[i].name, t_begin);
		s[i].run();
	}
	section_line("done", t_begin);
}

void diag(const char *s)
{
	uart_puts("# ");
	uart_puts(s);
	uart_putc('\n');
}

int expect(int64_t got, int64_t want, const char *what)
{
	if (tap_check(got == want, what))
		return 1;
	uart_puts("#   got ");
	uart_put_signed(got);
	uart_puts(", expected ");
	uart_put_signed(want);
	uart_putc('\n');
	return 0;
}

/* Zero (HVC) until smccc_conduit_init has read the device tree. */
uint64_t smccc_conduit;

void smccc_conduit_init(uint64_t dtb)
{
	/* Any method but "smc" (or none) keeps HVC, the conduit hvmm offers by
	 * default; bm_check_conduit then reports the method it did not know. */
	smccc_conduit = fdt_prop_is(dtb, "/psci", "method", "smc") ? SMCCC_CONDUIT_SMC : SMCCC_CONDUIT_HVC;
}

const char *smccc_conduit_name(void)
{
	return smccc_conduit == SMCCC_CONDUIT_SMC ? "smc" : "hvc";
}

void bm_check_conduit(uint64_t dtb)
{
	nb_start("device tree: /psci has method = ");
	nb_str(smccc_conduit_name());
	nb_str(", the conduit every call of this guest uses");
	tap_check(fdt_prop_is(dtb, "/psci", "method", smccc_conduit_name()), nb());
}

int bm_boot_cpu_init(void)
{
	int ret;

	timer_event_stream_init();
	gic_dist_init();
	ret = gic_cpu_init();
	timer_stop();
	gic_drain();
	return ret;
}

void bm_exit(int status)
{
	/* A failing guest reports it on the UART; SYSTEM_OFF has no status. */
	uart_puts(status ? "bm: FAILED\n" : "bm: PASSED\n");
	smccc_call(PSCI_FID32(PSCI_SYSTEM_OFF), 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void bm_exception(uint64_t vector, uint64_t esr, uint64_t elr, uint64_t far)
{
	uart_puts("\nbm: unexpected exception, vector ");
	uart_put_dec(vector);
	uart_puts(" on MPIDR ");
	uart_put_hex(read_sysreg(mpidr_el1));
	uart_puts(" ESR ");
	uart_put_hex(esr);
	uart_puts(" ELR ");
	uart_put_hex(elr);
	uart_puts(" FAR ");
	uart_put_hex(far);
	uart_putc('\n');
	bm_exit(1);
}

void bm_unexpected_entry(uint64_t x0)
{
	uart_puts("\nbm: the boot CPU re-entered through a CPU_SUSPEND entry point, x0 = ");
	uart_put_hex(x0);
	uart_putc('\n');
	bm_exit(1);
}

void *memset(void *s, int c, unsigned long n)
{
	volatile uint8_t *p = s;

	while (n--)
		*p++ = (uint8_t)c;
	return s;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	volatile uint8_t *dp = d;
	const uint8_t *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}
