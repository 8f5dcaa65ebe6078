/* SPDX-License-Identifier: GPL-2.0-only */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>

#include "mmio.h"

/* The driver's progress through initialisation (virtio 1.x, 3.1.1). */
enum virtio_state { VS_RESET, VS_ACK, VS_DRIVER, VS_FEATURES_OK, VS_LIVE, VS_FAILED, VS_COUNT };

/* What Status reads in each state. */
static const uint32_t state_status[VS_COUNT] = {
	[VS_RESET] = 0,
	[VS_ACK] = VIRTIO_STATUS_ACKNOWLEDGE,
	[VS_DRIVER] = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER,
	[VS_FEATURES_OK] = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK,
	[VS_LIVE] = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
		    VIRTIO_STATUS_DRIVER_OK,
	[VS_FAILED] = VIRTIO_STATUS_FAILED,
};

/* The only forward steps: each sets one more bit. Writing 0 (reset) and
 * setting FAILED are allowed from every state. */
static const struct {
	enum virtio_state from, to;
} status_steps[] = {
	{ VS_RESET, VS_ACK },
	{ VS_ACK, VS_DRIVER },
	{ VS_DRIVER, VS_FEATURES_OK },
	{ VS_FEATURES_OK, VS_LIVE },
};

int virtio_status_next(unsigned int state, uint32_t written, bool features_ok)
{
	if (state >= VS_COUNT)
		return -1;
	if (written == 0)
		return VS_RESET;
	if (written & VIRTIO_STATUS_FAILED)
		return VS_FAILED;
	if (written == state_status[state])
		return (int)state;
	for (size_t i = 0; i < sizeof(status_steps) / sizeof(status_steps[0]); i++) {
		if (status_steps[i].from != state || written != state_status[status_steps[i].to])
			continue;
		/* Features refused: FEATURES_OK does not stick, which is how the
		 * driver learns it (3.1.1 step 6). */
		if (status_steps[i].to == VS_FEATURES_OK && !features_ok)
			return (int)state;
		return status_steps[i].to;
	}
	return -1;
}

static void report(struct virtio_mmio *t, const char *what)
{
	if (t->report.line)
		t->report.line(t->report.opaque, t->model->name, what);
}

static void raise_irq(struct virtio_mmio *t, uint32_t why)
{
	uint64_t one = 1;

	atomic_fetch_or(&t->interrupt_status, why);
	if (t->irq_fd >= 0 && write(t->irq_fd, &one, sizeof(one)) < 0) {
		/* An eventfd write fails only when its counter is full: the
		 * interrupt is pending anyway. */
	}
}

/* Something the guest wrote is unusable: stop serving until it resets the
 * device, and tell it (4.2.2.1: NEEDS_RESET and a configuration interrupt). */
static void break_device(struct virtio_mmio *t, const char *why)
{
	if (t->needs_reset)
		return;
	t->needs_reset = true;
	for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++)
		t->vq[q].ready = false;
	report(t, why);
	raise_irq(t, VIRTIO_INT_CONFIG);
}

/* Back to the power-on state; waits for a request in flight (its answer is
 * dropped: the generation moved on). Called with the lock held. */
static void reset_locked(struct virtio_mmio *t)
{
	t->generation++;
	for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		vq_disable(&t->vq[q]);
		memset(&t->qcfg[q], 0, sizeof(t->qcfg[q]));
	}
	while (t->in_flight)
		pthread_cond_wait(&t->idle, &t->lock);
	t->state = VS_RESET;
	t->needs_reset = false;
	t->dev_features_sel = t->drv_features_sel = t->queue_sel = 0;
	t->driver_features = 0;
	atomic_store(&t->interrupt_status, 0);
}

void virtio_mmio_attach(struct virtio_mmio *t, const struct guest_mem *mem)
{
	pthread_mutex_lock(&t->lock);
	reset_locked(t);
	t->mem = mem;
	pthread_mutex_unlock(&t->lock);
}

static bool features_acceptable(const struct virtio_mmio *t)
{
	return (t->driver_features & ~t->features) == 0 && (t->driver_features & (1ULL << VIRTIO_F_VERSION_1));
}

static void write_status(struct virtio_mmio *t, uint32_t val)
{
	int next = virtio_status_next(t->state, val, features_acceptable(t));

	if (next < 0) {
		report(t, "the driver wrote a device status out of order; ignored");
		return;
	}
	if (next == VS_RESET)
		reset_locked(t);
	else
		t->state = (unsigned int)next;
}

static void set_queue_ready(struct virtio_mmio *t, struct virtqueue *vq, const struct vq_config *cfg, uint32_t val)
{
	const char *why = NULL;

	if (!val) {
		vq_disable(vq);
		return;
	}
	if (vq->ready || !t->mem)
		return;
	if (vq_enable(vq, t->mem, cfg, t->model->queue_max, t->driver_features, &why))
		break_device(t, why);
}

/* The queue registers; QueueSel past the device's queues reads as absent. */
static bool queue_write(struct virtio_mmio *t, uint64_t off, uint32_t val)
{
	struct vq_config *cfg;
	struct virtqueue *vq;

	if (t->queue_sel >= t->model->nr_queues)
		return off >= VIRTIO_MMIO_QUEUE_NUM && off <= VIRTIO_MMIO_QUEUE_USED_HIGH;
	cfg = &t->qcfg[t->queue_sel];
	vq = &t->vq[t->queue_sel];
	if (off == VIRTIO_MMIO_QUEUE_READY) {
		set_queue_ready(t, vq, cfg, val);
		return true;
	}
	/* A live queue's layout is fixed until it is disabled (4.2.2.2). */
	if (vq->ready)
		return off >= VIRTIO_MMIO_QUEUE_NUM && off <= VIRTIO_MMIO_QUEUE_USED_HIGH;
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM: cfg->size = val > 0xffff ? 0 : (uint16_t)val; return true;
	case VIRTIO_MMIO_QUEUE_DESC_LOW: cfg->desc = (cfg->desc & ~0xffffffffULL) | val; return true;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH: cfg->desc = (cfg->desc & 0xffffffffULL) | (uint64_t)val << 32; return true;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW: cfg->avail = (cfg->avail & ~0xffffffffULL) | val; return true;
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH: cfg->avail = (cfg->avail & 0xffffffffULL) | (uint64_t)val << 32; return true;
	case VIRTIO_MMIO_QUEUE_USED_LOW: cfg->used = (cfg->used & ~0xffffffffULL) | val; return true;
	case VIRTIO_MMIO_QUEUE_USED_HIGH: cfg->used = (cfg->used & 0xffffffffULL) | (uint64_t)val << 32; return true;
	}
	return false;
}

static void reg_write(struct virtio_mmio *t, uint64_t off, uint32_t val)
{
	uint64_t one = 1;

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL: t->dev_features_sel = val; return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL: t->drv_features_sel = val; return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		/* Only while features are being negotiated (3.1.1 step 5). */
		if (t->state == VS_DRIVER && t->drv_features_sel < 2) {
			unsigned int shift = 32 * t->drv_features_sel;

			t->driver_features = (t->driver_features & ~(0xffffffffULL << shift)) | (uint64_t)val << shift;
		}
		return;
	case VIRTIO_MMIO_QUEUE_SEL: t->queue_sel = val; return;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		/* Without an ioeventfd the write lands here: wake the same thread. */
		if (val < t->model->nr_queues && t->notify_fd[val] >= 0 && write(t->notify_fd[val], &one, 8) < 0) {
			/* a full counter: the thread is due to wake anyway */
		}
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK: atomic_fetch_and(&t->interrupt_status, ~val); return;
	case VIRTIO_MMIO_STATUS: write_status(t, val); return;
	}
	queue_write(t, off, val);
}

static uint32_t queue_read(const struct virtio_mmio *t, uint64_t off)
{
	if (t->queue_sel >= t->model->nr_queues)
		return 0;
	if (off == VIRTIO_MMIO_QUEUE_NUM_MAX)
		return t->model->queue_max;
	return t->vq[t->queue_sel].ready;   /* QueueReady */
}

static uint32_t reg_read(struct virtio_mmio *t, uint64_t off)
{
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION: return 2;
	case VIRTIO_MMIO_DEVICE_ID: return t->model->device_id;
	case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return t->dev_features_sel < 2 ? (uint32_t)(t->features >> (32 * t->dev_features_sel)) : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
	case VIRTIO_MMIO_QUEUE_READY: return queue_read(t, off);
	case VIRTIO_MMIO_INTERRUPT_STATUS: return atomic_load(&t->interrupt_status);
	case VIRTIO_MMIO_STATUS:
		return state_status[t->state] | (t->needs_reset ? VIRTIO_STATUS_NEEDS_RESET : 0);
	case VIRTIO_MMIO_CONFIG_GENERATION: return 0;   /* the configuration never changes */
	}
	/* No shared memory regions: their length reads as all ones (4.2.2). */
	if (off >= VIRTIO_MMIO_SHM_LEN_LOW && off <= VIRTIO_MMIO_SHM_BASE_HIGH)
		return 0xffffffffU;
	return 0;
}

static int virtio_mmio_read(struct vm_device *dev, uint64_t off, void *data, unsigned int len)
{
	struct virtio_mmio *t = dev->priv;
	uint32_t v;

	memset(data, 0, len);
	pthread_mutex_lock(&t->lock);
	if (off >= VIRTIO_MMIO_CONFIG) {
		off -= VIRTIO_MMIO_CONFIG;
		if (off < t->config_len && len <= t->config_len - off)
			memcpy(data, t->config + off, len);
	} else if (len != 4 || (off & 3)) {
		t->bad_accesses++;
	} else {
		v = htole32(reg_read(t, off));
		memcpy(data, &v, 4);
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static int virtio_mmio_write(struct vm_device *dev, uint64_t off, const void *data, unsigned int len)
{
	struct virtio_mmio *t = dev->priv;
	uint32_t v;

	pthread_mutex_lock(&t->lock);
	/* The configuration space is read-only: no model offers writable fields. */
	if (off < VIRTIO_MMIO_CONFIG) {
		if (len != 4 || (off & 3)) {
			t->bad_accesses++;
		} else {
			memcpy(&v, data, 4);
			reg_write(t, off, le32toh(v));
		}
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

/* Takes the next request off q under the lock; 1: *req filled. */
static int take_request(struct virtio_mmio *t, unsigned int q, struct vq_chain *req)
{
	const char *why = NULL;
	int r;

	if (t->state != VS_LIVE || t->needs_reset)
		return 0;
	if (t->model->can_take && !t->model->can_take(t, q))
		return 0;
	r = vq_pop(&t->vq[q], req, &why);
	if (r < 0)
		break_device(t, why);
	return r;
}

void virtio_mmio_serve_queue(struct virtio_mmio *t, unsigned int q)
{
	struct vq_chain *req = t->req;
	bool answered = false;

	if (q >= t->model->nr_queues)
		return;
	pthread_mutex_lock(&t->lock);
	while (take_request(t, q, req) > 0) {
		unsigned int gen = t->generation;
		const char *why = NULL;
		uint32_t written = 0;
		int ret;

		t->in_flight++;
		pthread_mutex_unlock(&t->lock);
		ret = t->model->handle(t, q, req, &written, &why);
		pthread_mutex_lock(&t->lock);
		t->in_flight--;
		if (gen != t->generation) {
			pthread_cond_broadcast(&t->idle);
			break;
		}
		if (ret < 0) {
			break_device(t, why);
			break;
		}
		vq_push(&t->vq[q], req->head, written);
		answered = true;
	}
	if (answered && vq_wants_interrupt(&t->vq[q]))
		raise_irq(t, VIRTIO_INT_USED);
	pthread_mutex_unlock(&t->lock);
}

/* irqfd injects an edge, so the line is described as one. */
static int virtio_mmio_fdt_emit(struct vm_device *dev, struct fdt_ctx *ctx)
{
	struct virtio_mmio *t = dev->priv;
	int node = device_fdt_mmio_node(dev, ctx, "virtio_mmio", "virtio,mmio", t->spi, FDT_IRQ_EDGE_RISING);

	if (node < 0)
		return node;
	/* Guest RAM is coherent with the device thread: no cache maintenance. */
	return fdt_setprop(ctx->fdt, node, "dma-coherent", NULL, 0);
}

static const struct device_ops virtio_mmio_ops = {
	.mmio_read = virtio_mmio_read,
	.mmio_write = virtio_mmio_write,
	.fdt_emit = virtio_mmio_fdt_emit,
};

int virtio_mmio_init(struct virtio_mmio *t, const struct virtio_device_model *model, void *backend,
		     uint64_t base, unsigned int spi, uint64_t features, const void *config, uint32_t config_len,
		     const int *notify_fd, int irq_fd, const struct virtio_report *report)
{
	if (config_len > VIRTIO_CONFIG_MAX || model->nr_queues > VIRTIO_MAX_QUEUES || model->queue_max > VQ_MAX_SIZE)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	/* 4 KiB: allocated only for the devices there are. */
	t->req = malloc(sizeof(*t->req));
	if (!t->req)
		return -ENOMEM;
	t->dev = (struct vm_device){ .name = model->name, .base = base, .size = VIRTIO_MMIO_SIZE,
				     .ops = &virtio_mmio_ops, .priv = t };
	t->model = model;
	t->backend = backend;
	t->features = features | (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_RING_INDIRECT_DESC) |
		      (1ULL << VIRTIO_F_RING_EVENT_IDX);
	if (config_len)
		memcpy(t->config, config, config_len);
	t->config_len = config_len;
	t->spi = spi;
	for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++)
		t->notify_fd[q] = q < model->nr_queues ? notify_fd[q] : -1;
	t->irq_fd = irq_fd;
	if (report)
		t->report = *report;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->idle, NULL);
	return 0;
}

void virtio_mmio_destroy(struct virtio_mmio *t)
{
	free(t->req);
	t->req = NULL;
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->idle);
}
