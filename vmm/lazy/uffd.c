/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmm/log.h"
#include "vmm/lazy/uffd.h"

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1   /* linux/userfaultfd.h, 5.11+ */
#endif

int lazy_uffd_open(char *err, size_t errlen)
{
	struct uffdio_api api = { .api = UFFD_API, .features = HVMM_UFFD_FEATURE_POISON | UFFD_FEATURE_SIGBUS };
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	/* Where unprivileged userfaultfd is off (vm.unprivileged_userfaultfd
	 * 0), a user-mode-only one is still allowed; markers need no more. */
	if (fd < 0 && errno == EPERM)
		fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (fd < 0)
		return reason_set(-1, err, errlen, "--lazy-mem: cannot create a userfaultfd: %s", strerror(errno));
	if (ioctl(fd, UFFDIO_API, &api)) {
		int e = errno;

		close(fd);
		return reason_set(-1, err, errlen, "--lazy-mem: this host's userfaultfd has no poison markers "
				  "(Linux 6.6 or later): %s", strerror(e));
	}
	return fd;
}

/* Mark pages [first, end) of the range, those the kernel finds populated
 * becoming LOADED. */
static int poison_run(int uffd, uint8_t *host, uint64_t page_size, uint64_t first, uint64_t end,
		      struct lazy_tracker *t, char *err, size_t errlen)
{
	uint64_t p = first;

	while (p < end) {
		struct hvmm_uffdio_poison po = {
			.range = { .start = (uint64_t)(uintptr_t)(host + p * page_size), .len = (end - p) * page_size },
		};

		if (!ioctl(uffd, HVMM_UFFDIO_POISON, &po))
			return 0;
		if (errno == EAGAIN && po.updated > 0) {
			p += (uint64_t)po.updated / page_size;   /* stopped part way: go on */
		} else if (errno == EEXIST) {
			if (lazy_tracker_loaded(t, p))
				return reason_set(-1, err, errlen, "--lazy-mem: page %llu changed state while marking",
						  (unsigned long long)p);
			p++;
		} else if (errno != EAGAIN && errno != EINTR) {
			return reason_set(-1, err, errlen, "--lazy-mem: cannot mark guest RAM not present: %s",
					  strerror(errno));
		}
	}
	return 0;
}

int lazy_uffd_attach(int uffd, uint8_t *host, uint64_t size, uint64_t page_size,
		     struct lazy_tracker *t, char *err, size_t errlen)
{
	struct uffdio_register reg = {
		.range = { .start = (uint64_t)(uintptr_t)host, .len = size },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	uint64_t nr = size / page_size, p = 0;
	unsigned char *resident;
	int ret = 0;

	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		return reason_set(-1, err, errlen, "--lazy-mem: cannot register guest RAM with userfaultfd: %s",
				  strerror(errno));
	/* What load wrote is resident: skip those runs in one go (a marker
	 * call on a populated page only fails with EEXIST, which poison_run
	 * also handles, but one call per page of a 30 MiB kernel is slow). */
	resident = malloc(nr);
	if (resident && mincore(host, size, resident)) {
		free(resident);
		resident = NULL;
	}
	if (!resident)
		return poison_run(uffd, host, page_size, 0, nr, t, err, errlen);
	while (!ret && p < nr) {
		uint64_t end = p;
		bool loaded = resident[p] & 1;

		while (end < nr && (bool)(resident[end] & 1) == loaded)
			end++;
		for (uint64_t i = p; loaded && i < end && !ret; i++)
			if (lazy_tracker_loaded(t, i))
				ret = reason_set(-1, err, errlen, "--lazy-mem: page %llu marked twice", (unsigned long long)i);
		if (!loaded && !ret)
			ret = poison_run(uffd, host, page_size, p, end, t, err, errlen);
		p = end;
	}
	free(resident);
	return ret;
}

int lazy_uffd_copy(int uffd, void *dst, const void *src, uint64_t page_size)
{
	struct uffdio_copy c = {
		.dst = (uint64_t)(uintptr_t)dst, .src = (uint64_t)(uintptr_t)src, .len = page_size, .mode = 0,
	};

	for (;;) {
		if (!ioctl(uffd, UFFDIO_COPY, &c))
			return 0;
		if (errno == EEXIST || c.copy == -EEXIST)
			return 0;   /* present already: what is there stays */
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
	}
}
