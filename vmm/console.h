/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The terminal side of the serial console: raw mode while the guest owns the
 * terminal, and the Ctrl-A escape (Ctrl-A x quits, Ctrl-A Ctrl-A sends one Ctrl-A).
 */
#ifndef HVMM_CONSOLE_H
#define HVMM_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

#define CONSOLE_ESCAPE 0x01   /* Ctrl-A */

struct console {
	int in_fd;
	bool raw;                 /* we changed the terminal and must restore it */
	struct termios saved;
	bool escape_pending;
};

/* Put in_fd in raw mode if it is a terminal. */
int console_open(struct console *c, int in_fd);
void console_restore(struct console *c);

/* Turn terminal bytes into guest bytes (out holds at least n + 1: a Ctrl-A
 * held from the previous call may come out with the first byte). Returns the
 * number of guest bytes; sets *quit when the user typed Ctrl-A x. */
size_t console_filter(struct console *c, const uint8_t *in, size_t n, uint8_t *out, bool *quit);

#endif
