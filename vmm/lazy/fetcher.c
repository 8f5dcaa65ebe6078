/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fetcher thread: takes the queued pages in landing order, waits until
 * each is due (the link model in schedule.c), reads it from the source and
 * copies it over its marker. It runs for the life of hvmm, across boots,
 * in its own sandbox (docs/sandbox.md, "The fetcher thread").
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vmm/lazy/lazy.h"
#include "vmm/lazy/uffd.h"

/* One page's bytes from the source into buf: past the image's end (and a
 * file that shrank since start-up) reads as zeros. 0 or -errno. */
int lazy_read_source(const struct lazy_mem *lm, uint64_t page, uint8_t *buf)
{
	uint64_t off = page * lm->page_size, done = 0, want;

	memset(buf, 0, lm->page_size);
	if (lm->src_fd < 0 || off >= lm->src_size)
		return 0;
	want = lm->src_size - off < lm->page_size ? lm->src_size - off : lm->page_size;
	while (done < want) {
		ssize_t n = pread(lm->src_fd, buf + done, want - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (uint64_t)n;
	}
	return 0;
}

static void wait_until(struct lazy_mem *lm, uint64_t due)
{
	struct timespec ts = { .tv_sec = (time_t)(due / 1000000000ULL), .tv_nsec = (long)(due % 1000000000ULL) };

	pthread_cond_timedwait(&lm->work, &lm->lock, &ts);
}

/* Outside the lock: page's bytes from the source, copied over its marker
 * through buf (one page). 0 or -errno. */
int lazy_copy_page(const struct lazy_mem *lm, uint64_t page, uint8_t *buf)
{
	int ret = lazy_read_source(lm, page, buf);

	return ret ? ret : lazy_uffd_copy(lm->uffd, lm->host + page * lm->page_size, buf, lm->page_size);
}

/* Under the lock, after lazy_copy_page answered ret for page, asked for by
 * vcpu (-1: hvmm itself): the page is FETCHED and counted, or the boot's
 * fetch error is set; waiting vCPUs are woken and the landed hook told
 * (without the lock). Returns ret, or -EINVAL if the page table refused. */
int lazy_page_landed(struct lazy_mem *lm, uint64_t page, int vcpu, int ret)
{
	uint64_t gpa = lm->base + page * lm->page_size;
	struct lazy_hooks hooks = lm->hooks;

	if (!ret && lazy_tracker_set(&lm->tracker, page, LAZY_PAGE_FETCHED))
		ret = -EINVAL;
	if (ret) {
		lm->fetch_error = ret;   /* the vCPUs waiting for it report it */
		lm->fetch_error_page = gpa;
	} else if (vcpu >= 0 && (unsigned int)vcpu < lm->nr_vcpus) {
		lm->vcpus[vcpu].stats.populated++;
	} else {
		lm->populated_local++;
	}
	pthread_cond_broadcast(&lm->landed);
	if (!ret && hooks.landed) {
		pthread_mutex_unlock(&lm->lock);
		hooks.landed(hooks.opaque, gpa);
		pthread_mutex_lock(&lm->lock);
	}
	return ret;
}

/* Under the lock, which it drops while copying: land one request. */
static void land(struct lazy_mem *lm, const struct lazy_request *r)
{
	int ret;

	lm->copying = true;
	pthread_mutex_unlock(&lm->lock);
	ret = lazy_copy_page(lm, r->page, lm->page_buf);
	pthread_mutex_lock(&lm->lock);
	lazy_page_landed(lm, r->page, r->vcpu, ret);
	lm->copying = false;
	pthread_cond_broadcast(&lm->landed);   /* a detach waits for this */
}

static int enter_sandbox(struct lazy_mem *lm)
{
	sigset_t sys;
	char err[256];

	sigemptyset(&sys);
	sigaddset(&sys, SIGSYS);   /* the kernel kills silently for a blocked one */
	pthread_sigmask(SIG_UNBLOCK, &sys, NULL);
	if (!lm->sandbox || !sandbox_enter(&lm->fetcher_sandbox, err, sizeof(err)))
		return 0;
	log_err(&lm->log, "%s", err);
	return -1;
}

void *lazy_fetcher_thread(void *arg)
{
	struct lazy_mem *lm = arg;
	int ret = enter_sandbox(lm);

	pthread_mutex_lock(&lm->lock);
	if (ret) {
		/* No fetcher: every fault is told so instead of waiting for ever. */
		lm->fetch_error = -EPERM;
		pthread_cond_broadcast(&lm->landed);
	}
	while (!lm->quit && !ret) {
		const struct lazy_request *head = lm->attached && !lm->fetch_error ? lazy_queue_peek(&lm->queue) : NULL;
		struct lazy_request r;

		if (!head) {
			pthread_cond_wait(&lm->work, &lm->lock);
			continue;
		}
		if (head->due > lazy_now_ns()) {
			wait_until(lm, head->due);
			continue;
		}
		lazy_queue_pop(&lm->queue, &r);
		land(lm, &r);
	}
	pthread_mutex_unlock(&lm->lock);
	return NULL;
}
