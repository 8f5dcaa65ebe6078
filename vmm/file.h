/* SPDX-License-Identifier: GPL-2.0-only */
/* Whole-file reads and writes with errors worth showing a user. */
#ifndef HVMM_FILE_H
#define HVMM_FILE_H

#include <stddef.h>
#include <stdint.h>

#define FILE_MAX_SIZE (1ULL << 32)   /* no kernel or initrd hvmm boots is 4 GiB */

struct file_buf {
	uint8_t *data;
	size_t size;
};

/* Read a regular, non-empty file. Returns 0, or -1 with a reason in err. */
int file_read_all(const char *path, struct file_buf *out, char *err, size_t errlen);
void file_buf_free(struct file_buf *b);

/* Create or replace path with len bytes; -1 with errno set on failure. */
int file_write_all(const char *path, const void *data, size_t len);

#endif
