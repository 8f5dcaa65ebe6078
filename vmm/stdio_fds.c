/* SPDX-License-Identifier: GPL-2.0-only */
#include <fcntl.h>
#include <unistd.h>

#include "stdio_fds.h"

int stdio_fill_closed(void)
{
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		int null_fd;

		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		null_fd = open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY);
		if (null_fd != fd) {
			/* The lower ones are open, so it is fd unless open failed. */
			if (null_fd >= 0)
				close(null_fd);
			return -1;
		}
	}
	return 0;
}
