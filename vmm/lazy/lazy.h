/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --lazy-mem: guest RAM that starts not present and is fetched page by page
 * from a source (zeros or a RAM image) when a vCPU first touches it, at the
 * pace of a post-copy source across a network. docs/lazy-mem.md.
 *
 * One struct lazy_mem per hvmm process, made before the sandbox (the
 * userfaultfd, the source file, the fetcher thread) and attached to each
 * boot's RAM. Who does what:
 *   main thread    lazy_mem_open, lazy_mem_start; at each boot lazy_mem_attach
 *                  after load and lazy_mem_detach before the RAM goes
 *   vCPU threads   lazy_vcpu_prepare once, lazy_vcpu_fault after KVM_RUN's EINTR
 *   fetcher        copies pages in (fetcher.c)
 *   any thread     lazy_mem_kick, lazy_mem_make_present, lazy_mem_stats
 */
#ifndef HVMM_LAZY_LAZY_H
#define HVMM_LAZY_LAZY_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/console.h"
#include "vmm/log.h"
#include "vmm/sandbox.h"
#include "vmm/lazy/config.h"
#include "vmm/lazy/schedule.h"
#include "vmm/lazy/tracker.h"

/*
 * The asynchronous page-fault protocol plugs in here (NULL: synchronous).
 * fault: on the faulting vCPU's thread, after its page's fetch is queued:
 *        1 = run the vCPU on without waiting (counted as asynchronous),
 *        0 = wait for the page, -errno = stop the VM with a failure.
 * landed: on the fetcher thread, after the page gpa became present.
 */
struct lazy_hooks {
	int (*fault)(void *opaque, unsigned int vcpu, uint64_t gpa);
	void (*landed)(void *opaque, uint64_t gpa);
	void *opaque;
};

/* Per vCPU, over every boot. */
struct lazy_vcpu_stats {
	uint64_t populated;     /* pages this vCPU's touches fetched */
	uint64_t blocked_ns;    /* time its thread waited for pages */
	uint64_t async;         /* faults the hooks made asynchronous */
};

/* Per vCPU: its stats, and the page of a SIGBUS that found it already
 * fetched (it landed between the touch and the look): the same page again
 * is no marker of hvmm's any more. */
struct lazy_vcpu {
	struct lazy_vcpu_stats stats;
	bool stale;
	uint64_t stale_page;
	uint8_t *page_buf;      /* a page from the source, when it fetches itself */
};

struct lazy_totals {
	uint64_t populated;     /* every page fetched, hvmm's own needs included */
	uint64_t blocked_ns;
	uint64_t async;
};

struct lazy_mem {
	struct lazy_config cfg;
	struct log log;
	int uffd;
	int src_fd;             /* -1: zero */
	uint64_t src_size;
	uint64_t page_size;
	uint64_t ram_size;

	pthread_mutex_t lock;   /* guards everything below */
	pthread_cond_t work;    /* the fetcher: a request, a detach or the end */
	pthread_cond_t landed;  /* waiting vCPUs: a page landed, or a kick */
	/* The boot attached now. */
	bool attached;
	uint8_t *host;
	uint64_t base;
	struct lazy_tracker tracker;
	struct lazy_queue queue;
	struct lazy_link link;
	struct lazy_hooks hooks;
	bool copying;           /* the fetcher is copying outside the lock */
	int fetch_error;        /* the fetcher failed this boot: -errno */
	uint64_t fetch_error_page;
	bool quit;
	/* Over every boot. */
	unsigned int nr_vcpus;
	struct lazy_vcpu *vcpus;
	uint64_t populated_local;   /* fetched for hvmm itself */
	uint64_t boots_attached;

	pthread_t fetcher;
	bool fetcher_started;
	bool sandbox;
	struct sandbox_thread fetcher_sandbox;
	uint8_t *page_buf;      /* the fetcher's: one page from the source */
};

/* One page of the source into buf (zeros past its end). 0 or -errno. */
int lazy_read_source(const struct lazy_mem *lm, uint64_t page, uint8_t *buf);
/* Fetching one page (fetcher.c), for the fetcher and for a vCPU that
 * fetches its own: the copy outside the lock, then its landing under it. */
int lazy_copy_page(const struct lazy_mem *lm, uint64_t page, uint8_t *buf);
int lazy_page_landed(struct lazy_mem *lm, uint64_t page, int vcpu, int ret);

/* Before any sandbox: the source (checked against ram_size), the
 * userfaultfd. 0, or -1 with a one-line reason in err. */
int lazy_mem_open(struct lazy_mem *lm, const struct lazy_config *cfg, uint64_t ram_size,
		  enum log_level level, char *err, size_t errlen);
/* Start the fetcher thread; sandbox: it enters SANDBOX_FETCHER. 0 or -1 (err). */
int lazy_mem_start(struct lazy_mem *lm, bool sandbox, const struct console *console, char *err, size_t errlen);
/* Stop the fetcher (after the last boot) and free everything. */
void lazy_mem_close(struct lazy_mem *lm);

/* After load wrote kernel, initrd and device tree into [host, host+size)
 * at guest physical base: mark the rest. hooks may be NULL. 0 or -1 (err). */
int lazy_mem_attach(struct lazy_mem *lm, uint8_t *host, uint64_t base, uint64_t size,
		    unsigned int nr_vcpus, const struct lazy_hooks *hooks, char *err, size_t errlen);
/* The boot's vCPU threads are gone and its RAM is about to be unmapped:
 * forget its pages and wait until the fetcher no longer touches them. */
void lazy_mem_detach(struct lazy_mem *lm);

/* Wake vCPU threads waiting for a page, to look at their state (stop,
 * pause, requests). */
void lazy_mem_kick(struct lazy_mem *lm);

/*
 * For hvmm's own accesses to guest RAM after load: make [gpa, gpa+len)
 * present, fetching what is still marked ahead of everything queued
 * (without the latency: hvmm needs it now), and wait for it. Any thread but
 * the fetcher. 0, -EFAULT (not RAM), -ESHUTDOWN (detached), or the
 * fetcher's -errno.
 */
int lazy_mem_make_present(struct lazy_mem *lm, uint64_t gpa, uint64_t len);

/* Whether the page of gpa is present (loaded or fetched) in the boot
 * attached now. Any thread. */
bool lazy_mem_page_present(struct lazy_mem *lm, uint64_t gpa);

/* The vCPU thread, once before its sandbox: SIGBUS blocked in the thread
 * and open only inside KVM_RUN. 0 or -errno. */
int lazy_vcpu_prepare(struct lazy_mem *lm, int vcpu_fd);

/*
 * The vCPU thread after KVM_RUN returned EINTR: collect a SIGBUS if there is
 * one. For a page hvmm marked: queue it, ask the hooks, and (synchronous)
 * wait until it is present or interrupted() says the thread has something
 * else to do (it is asked under the lock lazy_mem_kick takes). 0 = run the
 * vCPU again; -1 = a memory error or a failure, one line in err.
 */
int lazy_vcpu_fault(struct lazy_mem *lm, unsigned int vcpu, bool (*interrupted)(void *arg), void *arg,
		    char *err, size_t errlen);

void lazy_mem_stats(struct lazy_mem *lm, unsigned int vcpu, struct lazy_vcpu_stats *out);
void lazy_mem_totals(struct lazy_mem *lm, struct lazy_totals *out);
/* "N pages populated, T ms vCPU time blocked, A asynchronous" */
void lazy_format_stats(char *buf, size_t len, uint64_t populated, uint64_t blocked_ns, uint64_t async);

/* CLOCK_MONOTONIC in nanoseconds: the clock of the link model. */
uint64_t lazy_now_ns(void);

/* fetcher.c: the thread's body (arg: struct lazy_mem). */
void *lazy_fetcher_thread(void *arg);

#endif
