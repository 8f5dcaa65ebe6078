/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Socket I/O with a deadline, shared by the control socket's client and
 * server: neither may hang on a peer that stops reading or writing.
 * Deadlines are CLOCK_MONOTONIC milliseconds (control_now_ms).
 */
#ifndef HVMM_CONTROL_IO_H
#define HVMM_CONTROL_IO_H

#include <stddef.h>
#include <stdint.h>

int64_t control_now_ms(void);

/* Wait until fd is ready for events (POLLIN, POLLOUT) before the deadline:
 * 0, -ETIMEDOUT or a negative errno. */
int control_wait_ready(int fd, short events, int64_t deadline);

/* All of buf, without blocking past the deadline and without SIGPIPE:
 * 0, -ETIMEDOUT or a negative errno. */
int control_send_all(int fd, const char *buf, size_t len, int64_t deadline);

#endif
