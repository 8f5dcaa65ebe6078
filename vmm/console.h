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

#define CONSOLE_ESCAPE 0x01   /* Ctrl-A */

/* Room for the kernel's struct termios (36 bytes on arm64 and x86-64;
 * tests/uapi_check.c checks it against the 6.12 headers). */
#define CONSOLE_KERNEL_TERMIOS_MAX 64

struct console {
	int in_fd;
	bool raw;                 /* we changed the terminal and must restore it */
	bool err_tty;             /* stderr is a terminal (shares the guest's screen) */
	/* The settings to restore, as the kernel's TCGETS gave them: put back
	 * with one TCSETS, the only terminal ioctl a sandboxed thread may make.
	 * (glibc's tcsetattr adds a TCGETS before and after.) */
	_Alignas(8) unsigned char saved[CONSOLE_KERNEL_TERMIOS_MAX];
	bool escape_pending;
};

/* Put in_fd in raw mode if it is a terminal. */
int console_open(struct console *c, int in_fd);
/* Put the terminal back as console_open found it (once). */
void console_restore(struct console *c);
/* The same without marking it done: one ioctl(TCSETS), async-signal-safe,
 * for the sandbox's SIGSYS handler. */
void console_restore_from_signal(const struct console *c);

/* Turn terminal bytes into guest bytes (out holds at least n + 1: a Ctrl-A
 * held from the previous call may come out with the first byte). Returns the
 * number of guest bytes; sets *quit when the user typed Ctrl-A x. */
size_t console_filter(struct console *c, const uint8_t *in, size_t n, uint8_t *out, bool *quit);

#endif
