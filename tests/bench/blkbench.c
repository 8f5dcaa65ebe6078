/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Disk throughput inside a Linux guest, with direct I/O so that the guest's
 * page cache is out of the way and every byte crosses the VMM:
 *
 *   blkbench DEVICE seqread|seqwrite    1 MiB requests over the whole device
 *   blkbench DEVICE randread SECONDS    4 KiB reads at random aligned places
 *
 * Prints "blkbench: MODE VALUE UNIT" (KiB/s, or reads per second), timed
 * by the guest's monotonic clock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/fs.h>

#define SEQ_BLOCK (1U << 20)
#define RAND_BLOCK 4096U

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what)
{
	fprintf(stderr, "blkbench: %s: %s\n", what, strerror(errno));
	return 1;
}

static int sequential(int fd, uint64_t size, int write, void *buf)
{
	double t0 = now(), t;

	for (uint64_t off = 0; off + SEQ_BLOCK <= size; off += SEQ_BLOCK) {
		ssize_t n = write ? pwrite(fd, buf, SEQ_BLOCK, (off_t)off) : pread(fd, buf, SEQ_BLOCK, (off_t)off);

		if (n != (ssize_t)SEQ_BLOCK)
			return fail(write ? "pwrite" : "pread");
	}
	if (write && fdatasync(fd))
		return fail("fdatasync");
	t = now() - t0;
	printf("blkbench: %s %.0f KiB/s\n", write ? "seqwrite" : "seqread", (double)(size / 1024) / t);
	return 0;
}

static int random_reads(int fd, uint64_t size, double seconds, void *buf)
{
	uint64_t blocks = size / RAND_BLOCK, x = 0x9e3779b97f4a7c15ULL, reads = 0;
	double t0 = now(), t;

	do {
		/* xorshift64: a fixed sequence, the same for every VMM. */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (pread(fd, buf, RAND_BLOCK, (off_t)((x % blocks) * RAND_BLOCK)) != (ssize_t)RAND_BLOCK)
			return fail("pread");
		reads++;
		t = now() - t0;
	} while (t < seconds);
	printf("blkbench: randread %.0f reads/s\n", (double)reads / t);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t size;
	void *buf;
	int fd;

	if (argc < 3 || (!strcmp(argv[2], "randread") && argc != 4)) {
		fprintf(stderr, "usage: blkbench DEVICE seqread|seqwrite|randread SECONDS\n");
		return 2;
	}
	fd = open(argv[1], (!strcmp(argv[2], "seqwrite") ? O_RDWR : O_RDONLY) | O_DIRECT);
	if (fd < 0)
		return fail(argv[1]);
	if (ioctl(fd, BLKGETSIZE64, &size))
		return fail("BLKGETSIZE64");
	if (posix_memalign(&buf, 4096, SEQ_BLOCK))
		return fail("posix_memalign");
	memset(buf, 0x5a, SEQ_BLOCK);
	if (!strcmp(argv[2], "seqread"))
		return sequential(fd, size, 0, buf);
	if (!strcmp(argv[2], "seqwrite"))
		return sequential(fd, size, 1, buf);
	if (!strcmp(argv[2], "randread"))
		return random_reads(fd, size, atof(argv[3]), buf);
	fprintf(stderr, "blkbench: unknown mode '%s'\n", argv[2]);
	return 2;
}
