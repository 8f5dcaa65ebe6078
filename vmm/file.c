/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

/* Regular, non-empty, not absurdly large: the size, or -1 with err. */
static long long checked_size(int fd, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st)) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		return -1;
	}
	if (st.st_size == 0) {
		snprintf(err, errlen, "file is empty");
		return -1;
	}
	if ((unsigned long long)st.st_size > FILE_MAX_SIZE) {
		snprintf(err, errlen, "file is larger than %llu bytes", FILE_MAX_SIZE);
		return -1;
	}
	return (long long)st.st_size;
}

int file_input_open(struct file_input *in, const char *path, char *err, size_t errlen)
{
	in->path = path;
	in->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (checked_size(in->fd, err, errlen) < 0) {
		file_input_close(in);
		return -1;
	}
	return 0;
}

int file_input_read(const struct file_input *in, struct file_buf *out, char *err, size_t errlen)
{
	/* The size again: the file may have changed since it was opened. */
	long long size = checked_size(in->fd, err, errlen);
	size_t done = 0;

	out->data = NULL;
	out->size = 0;
	if (size < 0)
		return -1;
	out->data = malloc((size_t)size);
	if (!out->data) {
		snprintf(err, errlen, "out of memory for %lld bytes", size);
		return -1;
	}
	while (done < (size_t)size) {
		ssize_t n = pread(in->fd, out->data + done, (size_t)size - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "read failed: %s", n ? strerror(errno) : "file shrank while reading");
			file_buf_free(out);
			return -1;
		}
		done += (size_t)n;
	}
	out->size = done;
	return 0;
}

void file_input_close(struct file_input *in)
{
	if (in->fd >= 0)
		close(in->fd);
	in->fd = -1;
}

void file_buf_free(struct file_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->size = 0;
}

int file_output_open(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

int file_output_replace(int fd, const void *data, size_t len)
{
	const char *p = data;
	off_t off = 0;

	if (ftruncate(fd, 0))
		return -1;
	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}
