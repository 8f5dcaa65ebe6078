/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The files a VM boots from, opened once before the sandbox and read again
 * at every boot through the same descriptors (a reboot opens nothing), with
 * errors worth showing a user.
 */
#ifndef HVMM_FILE_H
#define HVMM_FILE_H

#include <stddef.h>
#include <stdint.h>

#define FILE_MAX_SIZE (1ULL << 32)   /* no kernel or initrd hvmm boots is 4 GiB */

struct file_input {
	const char *path;
	int fd;                      /* -1: not open */
};

struct file_buf {
	uint8_t *data;
	size_t size;
};

/* Open a regular, non-empty file for reading. 0, or -1 with err. */
int file_input_open(struct file_input *in, const char *path, char *err, size_t errlen);
/* Read all of it, from the start. 0, or -1 with err. */
int file_input_read(const struct file_input *in, struct file_buf *out, char *err, size_t errlen);
void file_input_close(struct file_input *in);
void file_buf_free(struct file_buf *b);

/* Create or truncate path for writing; the descriptor, or -1 with errno. */
int file_output_open(const char *path);
/* Make the file behind fd hold exactly len bytes of data; -1 with errno. */
int file_output_replace(int fd, const void *data, size_t len);

#endif
