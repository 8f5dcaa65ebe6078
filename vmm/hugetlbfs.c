/* SPDX-License-Identifier: GPL-2.0-only */
/* See hugetlbfs.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "hugetlbfs.h"

#define HUGETLBFS_MAGIC_NUMBER 0x958458f6   /* linux/magic.h's HUGETLBFS_MAGIC */

int hugetlbfs_open(const char *dir, uint64_t ram_size, char *err, size_t errlen)
{
	char path[4096];
	struct statfs fs;
	int fd;

	if (statfs(dir, &fs)) {
		snprintf(err, errlen, "--hugetlbfs '%s': %s", dir, strerror(errno));
		return -1;
	}
	if ((unsigned long)fs.f_type != HUGETLBFS_MAGIC_NUMBER) {
		snprintf(err, errlen, "--hugetlbfs '%s': not a hugetlbfs mount (mount -t hugetlbfs none DIR)", dir);
		return -1;
	}
	/* f_bsize of a hugetlbfs is its huge page size. */
	if (fs.f_bsize <= 0 || ram_size % (uint64_t)fs.f_bsize) {
		snprintf(err, errlen, "--hugetlbfs '%s': guest RAM (%llu MiB) is not a whole number of its %ld KiB pages",
			 dir, (unsigned long long)(ram_size >> 20), (long)fs.f_bsize / 1024);
		return -1;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/hvmm-ram-XXXXXX", dir) >= sizeof(path)) {
		snprintf(err, errlen, "--hugetlbfs '%s': path too long", dir);
		return -1;
	}
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "--hugetlbfs '%s': cannot make a file there: %s", dir, strerror(errno));
		return -1;
	}
	unlink(path);
	if (ftruncate(fd, (off_t)ram_size)) {
		snprintf(err, errlen, "--hugetlbfs '%s': cannot size a %llu MiB file: %s", dir,
			 (unsigned long long)(ram_size >> 20), strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
