/* SPDX-License-Identifier: GPL-2.0-only */
/* The lazy-memory object: its life (open, attach per boot, detach, close),
 * hvmm's own synchronous populate, and the statistics. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vmm/lazy/lazy.h"
#include "vmm/lazy/uffd.h"

uint64_t lazy_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int open_source(struct lazy_mem *lm, char *err, size_t errlen)
{
	const char *path = lm->cfg.source;
	struct stat st;

	lm->src_fd = -1;
	if (lm->cfg.zero)
		return 0;
	lm->src_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (lm->src_fd < 0)
		return reason_set(-1, err, errlen, "--lazy-mem: image '%s': %s", path, strerror(errno));
	if (fstat(lm->src_fd, &st))
		return reason_set(-1, err, errlen, "--lazy-mem: image '%s': %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return reason_set(-1, err, errlen, "--lazy-mem: image '%s': is a directory", path);
	if (!S_ISREG(st.st_mode))
		return reason_set(-1, err, errlen, "--lazy-mem: image '%s': not a regular file", path);
	lm->src_size = (uint64_t)st.st_size;
	if (lm->src_size > lm->ram_size)
		return reason_set(-1, err, errlen, "--lazy-mem: image '%s' is %llu bytes, more than the %llu MiB of guest RAM",
				  path, (unsigned long long)lm->src_size, (unsigned long long)(lm->ram_size >> 20));
	/* Readable for real (open alone would not tell a FIFO or an odd
	 * file system's refusal). */
	{
		uint8_t b;

		if (lm->src_size && pread(lm->src_fd, &b, 1, 0) < 0)
			return reason_set(-1, err, errlen, "--lazy-mem: image '%s': %s", path, strerror(errno));
	}
	return 0;
}

int lazy_mem_open(struct lazy_mem *lm, const struct lazy_config *cfg, uint64_t ram_size,
		  enum log_level level, char *err, size_t errlen)
{
	pthread_condattr_t mono;
	long ps = sysconf(_SC_PAGESIZE);

	memset(lm, 0, sizeof(*lm));
	lm->cfg = *cfg;
	lm->log.level = level;
	lm->uffd = -1;
	lm->ram_size = ram_size;
	lm->page_size = ps > 0 ? (uint64_t)ps : 4096;
	pthread_mutex_init(&lm->lock, NULL);
	pthread_condattr_init(&mono);
	pthread_condattr_setclock(&mono, CLOCK_MONOTONIC);
	pthread_cond_init(&lm->work, &mono);
	pthread_condattr_destroy(&mono);
	pthread_cond_init(&lm->landed, NULL);
	if (open_source(lm, err, errlen))
		return -1;
	lm->uffd = lazy_uffd_open(err, errlen);
	return lm->uffd < 0 ? -1 : 0;
}

int lazy_mem_start(struct lazy_mem *lm, bool sandbox, const struct console *console, char *err, size_t errlen)
{
	int ret;

	lm->page_buf = malloc(lm->page_size);
	if (!lm->page_buf)
		return reason_set(-1, err, errlen, "--lazy-mem: out of memory");
	lm->sandbox = sandbox;
	lm->fetcher_sandbox.role = SANDBOX_FETCHER;
	snprintf(lm->fetcher_sandbox.label, sizeof(lm->fetcher_sandbox.label), "fetcher");
	lm->fetcher_sandbox.write_fds[0] = STDERR_FILENO;
	lm->fetcher_sandbox.nr_write_fds = 1;
	lm->fetcher_sandbox.console = console;
	ret = pthread_create(&lm->fetcher, NULL, lazy_fetcher_thread, lm);
	if (ret)
		return reason_set(-1, err, errlen, "--lazy-mem: cannot start the fetcher thread: %s", strerror(ret));
	lm->fetcher_started = true;
	return 0;
}

void lazy_mem_close(struct lazy_mem *lm)
{
	if (lm->fetcher_started) {
		pthread_mutex_lock(&lm->lock);
		lm->quit = true;
		pthread_cond_broadcast(&lm->work);
		pthread_mutex_unlock(&lm->lock);
		pthread_join(lm->fetcher, NULL);
		lm->fetcher_started = false;
	}
	lazy_tracker_free(&lm->tracker);
	lazy_queue_free(&lm->queue);
	if (lm->uffd >= 0)
		close(lm->uffd);
	if (lm->src_fd >= 0)
		close(lm->src_fd);
	lm->uffd = lm->src_fd = -1;
	free(lm->vcpus);
	free(lm->page_buf);
	lm->vcpus = NULL;
	lm->page_buf = NULL;
	pthread_mutex_destroy(&lm->lock);
	pthread_cond_destroy(&lm->work);
	pthread_cond_destroy(&lm->landed);
}

int lazy_mem_attach(struct lazy_mem *lm, uint8_t *host, uint64_t base, uint64_t size,
		    unsigned int nr_vcpus, const struct lazy_hooks *hooks, char *err, size_t errlen)
{
	uint64_t nr = size / lm->page_size;
	int ret = -1;

	pthread_mutex_lock(&lm->lock);
	if (!lm->vcpus) {
		lm->vcpus = calloc(nr_vcpus, sizeof(*lm->vcpus));
		lm->nr_vcpus = lm->vcpus ? nr_vcpus : 0;
	}
	for (unsigned int i = 0; i < lm->nr_vcpus; i++)
		lm->vcpus[i].stale = false;
	if (!lm->vcpus || lazy_tracker_init(&lm->tracker, nr) || lazy_queue_init(&lm->queue, nr)) {
		reason_set(-1, err, errlen, "--lazy-mem: out of memory for the page table of %llu pages",
			   (unsigned long long)nr);
		goto out;
	}
	if (lazy_uffd_attach(lm->uffd, host, size, lm->page_size, &lm->tracker, err, errlen))
		goto out;
	lazy_link_init(&lm->link, lm->cfg.latency_us, lm->cfg.bandwidth_mibps, lm->page_size);
	lm->hooks = hooks ? *hooks : (struct lazy_hooks){ 0 };
	lm->host = host;
	lm->base = base;
	lm->fetch_error = 0;
	lm->attached = true;
	lm->boots_attached++;
	log_info(&lm->log, "lazy-mem: %llu of %llu pages marked not present, %llu loaded",
		 (unsigned long long)lm->tracker.count[LAZY_PAGE_MARKED], (unsigned long long)nr,
		 (unsigned long long)lm->tracker.count[LAZY_PAGE_LOADED]);
	ret = 0;
out:
	pthread_mutex_unlock(&lm->lock);
	return ret;
}

void lazy_mem_detach(struct lazy_mem *lm)
{
	pthread_mutex_lock(&lm->lock);
	lm->attached = false;
	lazy_queue_clear(&lm->queue);
	pthread_cond_broadcast(&lm->landed);
	while (lm->copying)
		pthread_cond_wait(&lm->landed, &lm->lock);
	lazy_tracker_free(&lm->tracker);
	lazy_queue_free(&lm->queue);
	lm->hooks = (struct lazy_hooks){ 0 };
	lm->host = NULL;
	pthread_mutex_unlock(&lm->lock);
}

void lazy_mem_kick(struct lazy_mem *lm)
{
	pthread_mutex_lock(&lm->lock);
	pthread_cond_broadcast(&lm->landed);
	pthread_mutex_unlock(&lm->lock);
}

/* Under the lock: is every page of [first, last] present? */
static bool all_present(struct lazy_mem *lm, uint64_t first, uint64_t last)
{
	for (uint64_t p = first; p <= last; p++) {
		enum lazy_page_state s = lazy_tracker_get(&lm->tracker, p);

		if (s != LAZY_PAGE_LOADED && s != LAZY_PAGE_FETCHED)
			return false;
	}
	return true;
}

int lazy_mem_make_present(struct lazy_mem *lm, uint64_t gpa, uint64_t len)
{
	uint64_t first, last;
	int ret = 0;

	pthread_mutex_lock(&lm->lock);
	if (!lm->attached || len == 0 || gpa < lm->base || gpa - lm->base >= lm->tracker.nr_pages * lm->page_size ||
	    len > lm->tracker.nr_pages * lm->page_size - (gpa - lm->base)) {
		pthread_mutex_unlock(&lm->lock);
		return lm->attached ? -EFAULT : -ESHUTDOWN;
	}
	first = (gpa - lm->base) / lm->page_size;
	last = (gpa - lm->base + len - 1) / lm->page_size;
	for (uint64_t p = first; p <= last; p++) {
		struct lazy_request r = { .page = p, .due = 0, .vcpu = -1 };

		if (lazy_tracker_get(&lm->tracker, p) != LAZY_PAGE_MARKED)
			continue;
		if (lazy_tracker_set(&lm->tracker, p, LAZY_PAGE_FETCHING) || !lazy_queue_push(&lm->queue, &r, true)) {
			ret = -EINVAL;
			break;
		}
	}
	pthread_cond_broadcast(&lm->work);
	while (!ret && lm->attached && !lm->fetch_error && !all_present(lm, first, last))
		pthread_cond_wait(&lm->landed, &lm->lock);
	if (!ret)
		ret = !lm->attached ? -ESHUTDOWN : lm->fetch_error;
	pthread_mutex_unlock(&lm->lock);
	return ret;
}

bool lazy_mem_page_present(struct lazy_mem *lm, uint64_t gpa)
{
	enum lazy_page_state st = LAZY_PAGE_MARKED;

	pthread_mutex_lock(&lm->lock);
	if (lm->attached && gpa >= lm->base && gpa - lm->base < lm->tracker.nr_pages * lm->page_size)
		st = lazy_tracker_get(&lm->tracker, (gpa - lm->base) / lm->page_size);
	pthread_mutex_unlock(&lm->lock);
	return st == LAZY_PAGE_LOADED || st == LAZY_PAGE_FETCHED;
}

void lazy_mem_stats(struct lazy_mem *lm, unsigned int vcpu, struct lazy_vcpu_stats *out)
{
	pthread_mutex_lock(&lm->lock);
	*out = vcpu < lm->nr_vcpus ? lm->vcpus[vcpu].stats : (struct lazy_vcpu_stats){ 0 };
	pthread_mutex_unlock(&lm->lock);
}

void lazy_mem_totals(struct lazy_mem *lm, struct lazy_totals *out)
{
	pthread_mutex_lock(&lm->lock);
	*out = (struct lazy_totals){ .populated = lm->populated_local };
	for (unsigned int i = 0; i < lm->nr_vcpus; i++) {
		out->populated += lm->vcpus[i].stats.populated;
		out->blocked_ns += lm->vcpus[i].stats.blocked_ns;
		out->async += lm->vcpus[i].stats.async;
	}
	pthread_mutex_unlock(&lm->lock);
}

void lazy_format_stats(char *buf, size_t len, uint64_t populated, uint64_t blocked_ns, uint64_t async)
{
	snprintf(buf, len, "%llu pages populated, %llu ms vCPU time blocked, %llu asynchronous",
		 (unsigned long long)populated, (unsigned long long)(blocked_ns / 1000000),
		 (unsigned long long)async);
}
