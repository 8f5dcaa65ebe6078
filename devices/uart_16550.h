/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A 16550A-compatible UART (byte-wide registers, reg-shift 0) behind MMIO:
 * transmit goes straight to an output fd, receive comes from the console via
 * uart_16550_receive, and the interrupt line follows IIR.
 */
#ifndef HVMM_UART_16550_H
#define HVMM_UART_16550_H

#include <pthread.h>
#include <stdint.h>

#include "device.h"

#define UART_16550_CLOCK_HZ 1843200U
#define UART_16550_FIFO_SIZE 16U
#define UART_16550_RX_BUF 1024U   /* bytes buffered from the console */

struct uart_16550 {
	struct vm_device dev;
	pthread_mutex_t lock;       /* MMIO comes from vCPU threads, input from the console */
	struct irq_line irq;
	int out_fd;

	/* registers */
	uint8_t ier, lcr, mcr, lsr, msr, scr, dll, dlm, fcr;
	uint8_t iir_thri_pending;   /* THR-empty interrupt latched until IIR is read */

	/* receive ring */
	uint8_t rx[UART_16550_RX_BUF];
	unsigned int rx_head, rx_count;

	int irq_level;              /* last level driven on the line */
};

/* base: MMIO base (size 0x1000); out_fd: where transmitted bytes go. */
int uart_16550_init(struct uart_16550 *u, uint64_t base, int out_fd, const struct irq_line *irq);
void uart_16550_destroy(struct uart_16550 *u);

/* Drive the interrupt line's current level again (whoever routes it changed:
 * an SDEI binding was released). */
void uart_16550_irq_resync(struct uart_16550 *u);

/* Queue console bytes for the guest; returns how many were taken (the rest
 * did not fit and should be offered again later). */
unsigned int uart_16550_receive(struct uart_16550 *u, const uint8_t *buf, unsigned int len);

#endif
