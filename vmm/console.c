/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"

int console_open(struct console *c, int in_fd)
{
	struct termios t;

	c->in_fd = in_fd;
	c->raw = false;
	c->escape_pending = false;
	c->err_tty = isatty(STDERR_FILENO);
	if (!isatty(in_fd))
		return 0;
	/* The kernel's own form, for console_restore_from_signal; glibc's
	 * struct termios differs from it. */
	if (ioctl(in_fd, TCGETS, c->saved) || tcgetattr(in_fd, &t))
		return -errno;
	cfmakeraw(&t);
	/* Keep output processing: hvmm's own messages use plain newlines. */
	t.c_oflag |= OPOST | ONLCR;
	if (tcsetattr(in_fd, TCSANOW, &t))
		return -errno;
	c->raw = true;
	return 0;
}

void console_restore_from_signal(const struct console *c)
{
	int saved_errno = errno;

	/* TCSETS is TCSANOW. A terminal that hung up answers EIO: nothing to do. */
	if (c->raw)
		(void)ioctl(c->in_fd, TCSETS, c->saved);
	errno = saved_errno;
}

void console_restore(struct console *c)
{
	console_restore_from_signal(c);
	c->raw = false;
}

size_t console_filter(struct console *c, const uint8_t *in, size_t n, uint8_t *out, bool *quit)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t b = in[i];

		if (!c->escape_pending) {
			if (b == CONSOLE_ESCAPE)
				c->escape_pending = true;
			else
				out[o++] = b;
			continue;
		}
		c->escape_pending = false;
		if (b == 'x' || b == 'X') {
			*quit = true;
			return o;
		}
		/* Ctrl-A Ctrl-A sends one Ctrl-A; anything else passes through with it. */
		out[o++] = CONSOLE_ESCAPE;
		if (b != CONSOLE_ESCAPE)
			out[o++] = b;
	}
	return o;
}
