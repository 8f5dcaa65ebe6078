/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

int file_read_all(const char *path, struct file_buf *out, char *err, size_t errlen)
{
	struct stat st;
	size_t done = 0;
	int fd;

	out->data = NULL;
	out->size = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		goto fail;
	}
	if (st.st_size == 0) {
		snprintf(err, errlen, "file is empty");
		goto fail;
	}
	if ((unsigned long long)st.st_size > FILE_MAX_SIZE) {
		snprintf(err, errlen, "file is larger than %llu bytes", FILE_MAX_SIZE);
		goto fail;
	}
	out->data = malloc((size_t)st.st_size);
	if (!out->data) {
		snprintf(err, errlen, "out of memory for %lld bytes", (long long)st.st_size);
		goto fail;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, out->data + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "read failed: %s", n ? strerror(errno) : "file shrank while reading");
			goto fail;
		}
		done += (size_t)n;
	}
	out->size = done;
	close(fd);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	file_buf_free(out);
	return -1;
}

void file_buf_free(struct file_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->size = 0;
}

int file_write_all(const char *path, const void *data, size_t len)
{
	const char *p = data;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return close(fd);
}
