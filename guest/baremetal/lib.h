/* SPDX-License-Identifier: GPL-2.0-only */
/* What every bare-metal test guest shares: the UART, SMCCC calls, TAP output. */
#ifndef HVMM_BAREMETAL_LIB_H
#define HVMM_BAREMETAL_LIB_H

#include <stdint.h>

#include "vmm/memmap.h"

uint64_t smccc_hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

void uart_putc(char c);
void uart_puts(const char *s);
void uart_put_hex(uint64_t v);
void uart_put_dec(uint64_t v);

/* TAP: "ok N - what" or "not ok N - what"; returns cond. */
int tap_check(int cond, const char *what);
/* Print the plan line and return the exit status main should return. */
int tap_done(void);

/* Power off through PSCI SYSTEM_OFF; never returns. */
void bm_exit(int status) __attribute__((noreturn));

void *memset(void *s, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);

#endif
