/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A vCPU touching a marked page: KVM_RUN returns EINTR and the thread has a
 * SIGBUS (BUS_MCEERR_AR, si_addr the page's host address), which it keeps
 * blocked outside KVM_RUN and collects here. docs/lazy-mem.md.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "vmm/kvm_compat.h"
#include "vmm/lazy/lazy.h"
#include "vmm/lazy/uffd.h"

#define KERNEL_SIGSET_BYTES 8   /* the kernel's sigset_t on arm64 (64 signals) */

int lazy_vcpu_prepare(struct lazy_mem *lm, int vcpu_fd)
{
	union {
		struct kvm_signal_mask m;
		uint8_t bytes[sizeof(struct kvm_signal_mask) + KERNEL_SIGSET_BYTES];
	} arg;
	sigset_t bus, outside;

	(void)lm;
	sigemptyset(&bus);
	sigaddset(&bus, SIGBUS);
	if (pthread_sigmask(SIG_BLOCK, &bus, &outside))
		return -EINVAL;
	/* Inside KVM_RUN: the thread's mask, but SIGBUS open, so that a marker
	 * touched ends KVM_RUN with EINTR (blocked, it would fault for ever). */
	sigdelset(&outside, SIGBUS);
	memset(&arg, 0, sizeof(arg));
	arg.m.len = KERNEL_SIGSET_BYTES;
	memcpy(arg.m.sigset, &outside, KERNEL_SIGSET_BYTES);
	return ioctl(vcpu_fd, KVM_SET_SIGNAL_MASK, &arg) ? -errno : 0;
}

/* Under the lock: what the SIGBUS si is (lazy_tracker_classify), its
 * page in *page; err set for a real memory error. */
static enum lazy_sigbus classify(struct lazy_mem *lm, unsigned int vcpu, const siginfo_t *si, uint64_t *page,
				 char *err, size_t errlen)
{
	uint8_t *addr = si->si_addr;
	bool in_ram = lm->attached && vcpu < lm->nr_vcpus && addr >= lm->host &&
		      addr < lm->host + lm->tracker.nr_pages * lm->page_size;
	enum lazy_sigbus what = lazy_tracker_classify(&lm->tracker, lm->page_size, si->si_code == BUS_MCEERR_AR, in_ram,
						      in_ram ? (uint64_t)(addr - lm->host) : 0,
						      in_ram && lm->vcpus[vcpu].stale,
						      in_ram ? lm->vcpus[vcpu].stale_page : 0, page);

	if (what != LAZY_SIGBUS_MEMORY_ERROR)
		return what;
	if (!in_ram)
		reason_set(-1, err, errlen, "hardware memory error (SIGBUS code %d) at host address %p, outside "
			   "guest RAM; stopping the VM", si->si_code, si->si_addr);
	else
		reason_set(-1, err, errlen, "hardware memory error (SIGBUS code %d) at guest physical address 0x%llx "
			   "(a %s page, not one hvmm marked); stopping the VM", si->si_code,
			   (unsigned long long)(lm->base + *page * lm->page_size),
			   lazy_page_state_name(lazy_tracker_get(&lm->tracker, *page)));
	return what;
}

/* Under the lock: queue a MARKED page. 0 or -1 (err). */
static int request_page(struct lazy_mem *lm, unsigned int vcpu, uint64_t page, char *err, size_t errlen)
{
	struct lazy_request r = { .page = page, .vcpu = (int)vcpu };

	if (lazy_tracker_get(&lm->tracker, page) != LAZY_PAGE_MARKED)
		return 0;   /* on its way already (another vCPU asked) */
	r.due = lazy_link_due(&lm->link, lazy_now_ns());
	if (lazy_tracker_set(&lm->tracker, page, LAZY_PAGE_FETCHING) || !lazy_queue_push(&lm->queue, &r, false))
		return reason_set(-1, err, errlen, "lazy-mem: page %llu cannot be queued (a bug in hvmm)",
				  (unsigned long long)page);
	pthread_cond_broadcast(&lm->work);
	return 0;
}

/*
 * Under the lock, which it drops while copying: with no latency and no
 * bandwidth to emulate, the faulting vCPU's thread copies its page in
 * itself, sparing two thread switches (the handoff to the fetcher and
 * back). Another vCPU touching the page meanwhile sees it FETCHING and
 * waits for it as for the fetcher's. 0 or -1 (err).
 */
static int populate_here(struct lazy_mem *lm, unsigned int vcpu, uint64_t page, char *err, size_t errlen)
{
	int ret;

	if (lazy_tracker_set(&lm->tracker, page, LAZY_PAGE_FETCHING))
		return reason_set(-1, err, errlen, "lazy-mem: page %llu cannot be fetched (a bug in hvmm)",
				  (unsigned long long)page);
	pthread_mutex_unlock(&lm->lock);
	ret = lazy_copy_page(lm, page, lm->vcpus[vcpu].page_buf);
	pthread_mutex_lock(&lm->lock);
	ret = lazy_page_landed(lm, page, (int)vcpu, ret);
	if (ret)
		return reason_set(-1, err, errlen, "lazy-mem: fetching guest page 0x%llx from the source failed: %s",
				  (unsigned long long)(lm->base + page * lm->page_size), strerror(-ret));
	return 0;
}

/* Under the lock: wait until page is present, the fetch failed, or the
 * thread is wanted elsewhere. 0 or -1 (err). */
static int wait_page(struct lazy_mem *lm, unsigned int vcpu, uint64_t page, bool (*interrupted)(void *arg),
		     void *arg, char *err, size_t errlen)
{
	uint64_t t0 = lazy_now_ns();

	while (lm->attached && !lm->fetch_error && lazy_tracker_get(&lm->tracker, page) == LAZY_PAGE_FETCHING &&
	       !interrupted(arg))
		pthread_cond_wait(&lm->landed, &lm->lock);
	lm->vcpus[vcpu].stats.blocked_ns += lazy_now_ns() - t0;
	if (lm->fetch_error)
		return reason_set(-1, err, errlen, "lazy-mem: fetching guest page 0x%llx from the source failed: %s",
				  (unsigned long long)lm->fetch_error_page, strerror(-lm->fetch_error));
	return 0;
}

int lazy_vcpu_fault(struct lazy_mem *lm, unsigned int vcpu, bool (*interrupted)(void *arg), void *arg,
		    char *err, size_t errlen)
{
	static const struct timespec now = { 0, 0 };
	struct lazy_hooks hooks;
	sigset_t bus;
	siginfo_t si;
	enum lazy_sigbus what;
	uint64_t page;
	int ret = 0;

	sigemptyset(&bus);
	sigaddset(&bus, SIGBUS);
	if (sigtimedwait(&bus, &si, &now) < 0)
		return 0;   /* no SIGBUS: a kick ended KVM_RUN */
	pthread_mutex_lock(&lm->lock);
	what = classify(lm, vcpu, &si, &page, err, errlen);
	if (what == LAZY_SIGBUS_STALE) {
		/* It landed between the touch and now: run again, once. */
		lm->vcpus[vcpu].stale = true;
		lm->vcpus[vcpu].stale_page = page;
		pthread_mutex_unlock(&lm->lock);
		return 0;
	}
	if (what == LAZY_SIGBUS_MARKED && !lm->fetch_error && lazy_link_instant(&lm->link) &&
	    lazy_tracker_get(&lm->tracker, page) == LAZY_PAGE_MARKED) {
		lm->vcpus[vcpu].stale = false;
		ret = populate_here(lm, vcpu, page, err, errlen);
		pthread_mutex_unlock(&lm->lock);
		return ret;
	}
	if (what == LAZY_SIGBUS_MARKED) {
		lm->vcpus[vcpu].stale = false;
		if (lm->fetch_error)
			ret = wait_page(lm, vcpu, page, interrupted, arg, err, errlen);
		else
			ret = request_page(lm, vcpu, page, err, errlen);
	}
	hooks = lm->hooks;
	pthread_mutex_unlock(&lm->lock);
	if (what == LAZY_SIGBUS_MEMORY_ERROR || ret)
		return -1;
	if (hooks.fault) {
		ret = hooks.fault(hooks.opaque, vcpu, lm->base + page * lm->page_size);
		if (ret < 0)
			return reason_set(-1, err, errlen, "lazy-mem: the asynchronous fault hook failed: %s", strerror(-ret));
		if (ret == 1) {
			pthread_mutex_lock(&lm->lock);
			lm->vcpus[vcpu].stats.async++;
			pthread_mutex_unlock(&lm->lock);
			return 0;
		}
	}
	pthread_mutex_lock(&lm->lock);
	ret = wait_page(lm, vcpu, page, interrupted, arg, err, errlen);
	pthread_mutex_unlock(&lm->lock);
	return ret;
}
