/* SPDX-License-Identifier: GPL-2.0-only */
#include "lib.h"

#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define PSCI_SYSTEM_OFF 0x84000008U

/* The one bare-metal guest runs on one CPU here, so plain counters suffice. */
static unsigned int tap_count, tap_failed;

static volatile uint8_t *uart_reg(unsigned int off)
{
	return (volatile uint8_t *)(uintptr_t)(MEMMAP_UART_BASE + off);
}

void uart_putc(char c)
{
	if (c == '\n')
		uart_putc('\r');
	while (!(*uart_reg(UART_LSR) & UART_LSR_THRE))
		;
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

void uart_put_dec(uint64_t v)
{
	char buf[21];
	int i = 20;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	uart_puts(&buf[i]);
}

int tap_check(int cond, const char *what)
{
	tap_count++;
	if (!cond) {
		tap_failed++;
		uart_puts("not ");
	}
	uart_puts("ok ");
	uart_put_dec(tap_count);
	uart_puts(" - ");
	uart_puts(what);
	uart_putc('\n');
	return cond;
}

int tap_done(void)
{
	uart_puts("1..");
	uart_put_dec(tap_count);
	uart_putc('\n');
	return tap_failed ? 1 : 0;
}

void bm_exit(int status)
{
	/* A failing guest reports it on the UART; SYSTEM_OFF has no status. */
	uart_puts(status ? "bm: FAILED\n" : "bm: PASSED\n");
	smccc_hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
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
