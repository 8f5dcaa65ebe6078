/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm_compat.h"
#include "memmap.h"
#include "virtio.h"

static void report_line(void *opaque, const char *device, const char *what)
{
	struct virtio_set *s = opaque;

	log_warn(&s->log, "%s: %s; the device stops until the guest resets it", device, what);
}

static int make_eventfd(struct virtio_set *s, int *fd)
{
	*fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (*fd < 0)
		log_err(&s->log, "cannot make an eventfd: %s", strerror(errno));
	return *fd < 0 ? -1 : 0;
}

/* The next slot, its eventfds made and its transport set up for model. */
static int add_device(struct virtio_set *s, const struct virtio_device_model *model, void *backend,
		      uint64_t features, const void *config, uint32_t config_len)
{
	struct virtio_slot *d = &s->slot[s->nr];
	struct virtio_report rep = { report_line, s };
	unsigned int i = s->nr;

	for (unsigned int q = 0; q < model->nr_queues; q++)
		if (make_eventfd(s, &d->notify_fd[q]))
			return -1;
	if (make_eventfd(s, &d->irq_fd))
		return -1;
	if (virtio_mmio_init(&d->t, model, backend, MEMMAP_VIRTIO_BASE + i * MEMMAP_VIRTIO_STRIDE,
			     MEMMAP_VIRTIO_SPI + i, features, config, config_len, d->notify_fd, d->irq_fd, &rep)) {
		log_err(&s->log, "%s: cannot set up its transport", model->name);
		return -1;
	}
	d->set = s;
	s->nr++;
	return 0;
}

int virtio_set_open(struct virtio_set *s, const struct vm_config *cfg)
{
	uint8_t config[VIRTIO_CONFIG_MAX];
	char err[512];

	memset(s, 0, sizeof(*s));
	s->log.level = cfg->loglevel;
	s->stop_fd = -1;
	for (unsigned int i = 0; i < VIRTIO_MAX_DEVICES; i++) {
		s->slot[i].irq_fd = s->slot[i].blk.fd = -1;
		for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++)
			s->slot[i].notify_fd[q] = -1;
	}
	if (!cfg->nr_disks && !cfg->rng && !cfg->console_virtio)
		return 0;
	if (make_eventfd(s, &s->stop_fd))
		return -1;
	for (unsigned int i = 0; i < cfg->nr_disks; i++) {
		struct virtio_blk *b = &s->slot[s->nr].blk;
		uint64_t features;
		uint32_t len;

		char *path = strndup(cfg->disks[i].spec, cfg->disks[i].path_len);
		int ret;

		if (!path) {
			log_err(&s->log, "out of memory");
			return -1;
		}
		ret = virtio_blk_open(b, path, cfg->disks[i].ro, err, sizeof(err));
		free(path);
		if (ret) {
			log_err(&s->log, "%s", err);
			return -1;
		}
		len = virtio_blk_config(b, &features, config);
		if (add_device(s, &virtio_blk_model, b, features, config, len))
			return -1;
	}
	if (cfg->console_virtio) {
		virtio_console_init(&s->con, STDOUT_FILENO);
		s->console = &s->con;
		if (add_device(s, &virtio_console_model, &s->con, 0, NULL, 0))
			return -1;
		/* Typed input wakes the thread as a receive-queue kick does. */
		virtio_console_set_wake(&s->con, s->slot[s->nr - 1].notify_fd[0]);
	}
	if (cfg->rng && add_device(s, &virtio_rng_model, NULL, 0, NULL, 0))
		return -1;
	return 0;
}

/* The device thread: wait for a kick on any queue, serve it; until stop. */
static void *device_thread(void *arg)
{
	struct virtio_slot *d = arg;
	unsigned int nq = d->t.model->nr_queues;
	struct pollfd pfd[VIRTIO_MAX_QUEUES + 1];
	sigset_t sys;
	char err[256];

	sigemptyset(&sys);
	sigaddset(&sys, SIGSYS);   /* the kernel kills silently for a blocked one */
	pthread_sigmask(SIG_UNBLOCK, &sys, NULL);
	if (d->set->sandbox && sandbox_enter(&d->sandbox, err, sizeof(err))) {
		log_err(&d->set->log, "%s: %s", d->t.model->name, err);
		return NULL;
	}
	for (unsigned int q = 0; q < nq; q++)
		pfd[q] = (struct pollfd){ .fd = d->notify_fd[q], .events = POLLIN };
	pfd[nq] = (struct pollfd){ .fd = d->set->stop_fd, .events = POLLIN };
	for (;;) {
		if (poll(pfd, nq + 1, -1) < 0 && errno != EINTR)
			break;
		if (pfd[nq].revents)
			break;
		for (unsigned int q = 0; q < nq; q++) {
			uint64_t n;

			if (!(pfd[q].revents & POLLIN) || read(d->notify_fd[q], &n, sizeof(n)) != sizeof(n))
				continue;
			virtio_mmio_serve_queue(&d->t, q);
		}
	}
	return NULL;
}

/* What a device thread may touch: its eventfds, its image, stderr. */
static void sandbox_for(struct virtio_slot *d, const struct console *con)
{
	struct sandbox_thread *sb = &d->sandbox;

	sb->role = SANDBOX_DEVICE;
	snprintf(sb->label, sizeof(sb->label), "%s %u", d->t.model->name, (unsigned int)(d - d->set->slot));
	sb->console = con;
	sb->write_fds[sb->nr_write_fds++] = STDERR_FILENO;
	sb->write_fds[sb->nr_write_fds++] = d->irq_fd;
	if (d->set->console && d->t.backend == d->set->console)
		sb->write_fds[sb->nr_write_fds++] = STDOUT_FILENO;   /* what the guest writes to hvc0 */
	for (unsigned int q = 0; q < d->t.model->nr_queues; q++)
		sb->read_fds[sb->nr_read_fds++] = d->notify_fd[q];
	sb->read_fds[sb->nr_read_fds++] = d->set->stop_fd;
	if (d->blk.fd >= 0) {
		sb->read_fds[sb->nr_read_fds++] = d->blk.fd;
		sb->write_fds[sb->nr_write_fds++] = d->blk.fd;
	}
}

unsigned int virtio_set_vcpu_write_fds(const struct virtio_set *s, int *fds)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->nr; i++) {
		fds[n++] = s->slot[i].irq_fd;
		for (unsigned int q = 0; q < s->slot[i].t.model->nr_queues; q++)
			fds[n++] = s->slot[i].notify_fd[q];
	}
	return n;
}

int virtio_set_start(struct virtio_set *s, bool sandbox, const struct console *con)
{
	s->sandbox = sandbox;
	for (unsigned int i = 0; i < s->nr; i++) {
		struct virtio_slot *d = &s->slot[i];
		int ret;

		sandbox_for(d, con);
		ret = pthread_create(&d->thread, NULL, device_thread, d);
		if (ret) {
			log_err(&s->log, "%s: cannot start its thread: %s", d->t.model->name, strerror(ret));
			return -1;
		}
		d->started = true;
	}
	return 0;
}

void virtio_set_close(struct virtio_set *s)
{
	uint64_t one = 1;

	if (s->stop_fd >= 0 && write(s->stop_fd, &one, sizeof(one)) < 0)
		log_warn(&s->log, "cannot stop the device threads: %s", strerror(errno));
	for (unsigned int i = 0; i < VIRTIO_MAX_DEVICES; i++) {
		struct virtio_slot *d = &s->slot[i];

		if (d->started)
			pthread_join(d->thread, NULL);
		if (i < s->nr)
			virtio_mmio_destroy(&d->t);
		virtio_blk_close(&d->blk);
		for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++)
			if (d->notify_fd[q] >= 0)
				close(d->notify_fd[q]);
		if (d->irq_fd >= 0)
			close(d->irq_fd);
	}
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	if (s->console)
		virtio_console_destroy(s->console);
	s->console = NULL;
	s->nr = 0;
	s->stop_fd = -1;
}

/* KVM completes a QueueNotify write of queue q in the kernel by signalling
 * its eventfd; without this the write exits to the vCPU thread, which
 * signals the same eventfd (slower, same result). */
static int register_kicks(struct virtio_set *s, struct virtio_slot *d, int vm_fd)
{
	for (unsigned int q = 0; q < d->t.model->nr_queues; q++) {
		struct kvm_ioeventfd io = {
			.datamatch = q, .addr = d->t.dev.base + VIRTIO_MMIO_QUEUE_NOTIFY, .len = 4,
			.fd = d->notify_fd[q], .flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
		};

		if (ioctl(vm_fd, KVM_IOEVENTFD, &io)) {
			log_err(&s->log, "%s: KVM refused an ioeventfd: %s", d->t.model->name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int virtio_set_attach(struct virtio_set *s, int vm_fd, struct device_bus *bus, const struct guest_mem *mem)
{
	/* Last first: each device-tree node goes in before the ones already
	 * there, and Linux names disks in device-tree order, so the first -d
	 * is /dev/vda. */
	for (unsigned int i = s->nr; i-- > 0;) {
		struct virtio_slot *d = &s->slot[i];
		struct kvm_irqfd irqfd = { .fd = (__u32)d->irq_fd, .gsi = d->t.spi };
		int ret;

		if (register_kicks(s, d, vm_fd))
			return -1;
		/* On arm64 an irqfd's gsi is the SPI number (INTID - 32). */
		if (ioctl(vm_fd, KVM_IRQFD, &irqfd)) {
			log_err(&s->log, "%s: KVM refused an irqfd: %s", d->t.model->name, strerror(errno));
			return -1;
		}
		ret = device_bus_add(bus, &d->t.dev);
		if (ret) {
			log_err(&s->log, "%s: cannot register it: %s", d->t.model->name, strerror(-ret));
			return -1;
		}
		virtio_mmio_attach(&d->t, mem);
	}
	return 0;
}

void virtio_set_detach(struct virtio_set *s)
{
	for (unsigned int i = 0; i < s->nr; i++)
		virtio_mmio_attach(&s->slot[i].t, NULL);
}
