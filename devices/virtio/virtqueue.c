/* SPDX-License-Identifier: GPL-2.0-only */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "virtqueue.h"

#define DESC_SIZE 16U

/* A descriptor as the guest wrote it, read once. */
struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

static void desc_read(const volatile uint8_t *table, unsigned int i, struct vq_desc *d)
{
	uint8_t raw[DESC_SIZE];

	memcpy(raw, (const uint8_t *)table + (size_t)i * DESC_SIZE, DESC_SIZE);
	memcpy(&d->addr, raw, 8);
	memcpy(&d->len, raw + 8, 4);
	memcpy(&d->flags, raw + 12, 2);
	memcpy(&d->next, raw + 14, 2);
	d->addr = le64toh(d->addr);
	d->len = le32toh(d->len);
	d->flags = le16toh(d->flags);
	d->next = le16toh(d->next);
}

static void *area(const struct guest_mem *mem, uint64_t gpa, uint64_t len, uint64_t align)
{
	if (gpa & (align - 1))
		return NULL;
	return guest_mem_ptr(mem, gpa, len);
}

int vq_enable(struct virtqueue *vq, const struct guest_mem *mem, const struct vq_config *cfg,
	      uint16_t max_size, uint64_t features, const char **why)
{
	uint16_t n = cfg->size;

	memset(vq, 0, sizeof(*vq));
	if (n == 0 || n > max_size || (n & (n - 1))) {
		*why = "queue size is not a power of two within QueueNumMax";
		return -EINVAL;
	}
	/* Alignments and sizes of virtio 1.x, 2.7 (split rings); they include
	 * used_event and avail_event, at the end of each ring. */
	vq->desc = area(mem, cfg->desc, (uint64_t)n * DESC_SIZE, 16);
	vq->avail = area(mem, cfg->avail, 6 + 2ULL * n, 2);
	vq->used = area(mem, cfg->used, 6 + 8ULL * n, 4);
	if (!vq->desc || !vq->avail || !vq->used) {
		*why = "a ring area is misaligned or outside guest RAM";
		memset(vq, 0, sizeof(*vq));
		return -EINVAL;
	}
	vq->size = n;
	vq->indirect = features & (1ULL << VIRTIO_F_RING_INDIRECT_DESC);
	vq->event_idx = features & (1ULL << VIRTIO_F_RING_EVENT_IDX);
	vq->mem = mem;
	vq->ready = true;
	return 0;
}

void vq_disable(struct virtqueue *vq)
{
	memset(vq, 0, sizeof(*vq));
}

/* Adds one buffer to the chain, keeping readable ones before writable. */
static int chain_add(struct vq_chain *c, const struct guest_mem *mem, const struct vq_desc *d, const char **why)
{
	bool writable = d->flags & VQ_DESC_F_WRITE;
	struct vq_seg *s;

	if (!writable && c->nr_in) {
		*why = "a device-readable buffer follows a device-writable one";
		return -EIO;
	}
	if (c->nr_out + c->nr_in >= VQ_MAX_SEGS) {
		*why = "a request has more buffers than the device takes";
		return -EIO;
	}
	s = &c->seg[c->nr_out + c->nr_in];
	s->host = d->len ? guest_mem_ptr(mem, d->addr, d->len) : NULL;
	if (d->len && !s->host) {
		*why = "a buffer lies outside guest RAM";
		return -EIO;
	}
	s->len = d->len;
	if (writable) {
		c->nr_in++;
		c->in_len += d->len;
	} else {
		c->nr_out++;
		c->out_len += d->len;
	}
	return 0;
}

/* Walks an indirect table: its own descriptors, chained by next inside it. */
static int walk_indirect(struct vq_chain *c, const struct guest_mem *mem, const struct vq_desc *ind,
			 const char **why)
{
	unsigned int n = ind->len / DESC_SIZE, i = 0, seen;
	const uint8_t *table;
	struct vq_desc d;

	if (ind->len == 0 || ind->len % DESC_SIZE || n > VQ_MAX_SEGS) {
		*why = "an indirect table's length is not a whole number of descriptors within the limit";
		return -EIO;
	}
	table = area(mem, ind->addr, ind->len, 16);
	if (!table) {
		*why = "an indirect table is misaligned or outside guest RAM";
		return -EIO;
	}
	for (seen = 0;; seen++) {
		/* Each descriptor at most once: more steps than entries is a loop. */
		if (seen >= n) {
			*why = "an indirect table's chain loops";
			return -EIO;
		}
		desc_read(table, i, &d);
		if (d.flags & VQ_DESC_F_INDIRECT) {
			*why = "an indirect table holds an indirect descriptor";
			return -EIO;
		}
		if (chain_add(c, mem, &d, why))
			return -EIO;
		if (!(d.flags & VQ_DESC_F_NEXT))
			return 0;
		if (d.next >= n) {
			*why = "a descriptor's next is past the end of its table";
			return -EIO;
		}
		i = d.next;
	}
}

static int walk_chain(struct virtqueue *vq, struct vq_chain *c, const char **why)
{
	unsigned int i = c->head, seen;
	struct vq_desc d;

	for (seen = 0;; seen++) {
		if (seen >= vq->size) {
			*why = "a descriptor chain loops or is longer than the queue";
			return -EIO;
		}
		desc_read(vq->desc, i, &d);
		if (d.flags & VQ_DESC_F_INDIRECT) {
			/* An indirect descriptor is a whole request (2.7.5.3.1). */
			if (!vq->indirect || (d.flags & VQ_DESC_F_NEXT) || c->nr_out + c->nr_in) {
				*why = "an indirect descriptor the driver may not use here";
				return -EIO;
			}
			return walk_indirect(c, vq->mem, &d, why);
		}
		if (chain_add(c, vq->mem, &d, why))
			return -EIO;
		if (!(d.flags & VQ_DESC_F_NEXT))
			return 0;
		if (d.next >= vq->size) {
			*why = "a descriptor's next is past the end of the queue";
			return -EIO;
		}
		i = d.next;
	}
}

/* The driver's available index; the acquire pairs with the driver's
 * barrier before it bumps the index. */
static uint16_t avail_idx_of(const struct virtqueue *vq)
{
	return le16toh(__atomic_load_n(&vq->avail[1], __ATOMIC_ACQUIRE));
}

/* The used ring's entry i; "entry" size, one past the last, is avail_event. */
static uint8_t *used_slot(const struct virtqueue *vq, size_t i)
{
	return (uint8_t *)vq->used + 4 + 8 * i;
}

/*
 * The ring looks empty and event_idx is on: ask for a notification at the
 * next request (avail_event) and look once more. A request the driver
 * added before it could see avail_event came with no notification, and
 * would otherwise wait for one that never comes.
 */
static uint16_t ask_for_notification(struct virtqueue *vq)
{
	uint16_t ask = htole16(vq->last_avail);

	memcpy(used_slot(vq, vq->size), &ask, 2);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return avail_idx_of(vq);
}

int vq_pop(struct virtqueue *vq, struct vq_chain *chain, const char **why)
{
	uint16_t avail_idx, head;

	if (!vq->ready)
		return 0;
	avail_idx = avail_idx_of(vq);
	if (avail_idx == vq->last_avail && vq->event_idx)
		avail_idx = ask_for_notification(vq);
	if (avail_idx == vq->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->size) {
		*why = "the available index ran more than a queue ahead";
		vq->ready = false;
		return -EIO;
	}
	head = le16toh(vq->avail[2 + vq->last_avail % vq->size]);
	if (head >= vq->size) {
		*why = "an available entry names a descriptor past the queue";
		vq->ready = false;
		return -EIO;
	}
	chain->head = head;
	chain->nr_out = chain->nr_in = 0;
	chain->out_len = chain->in_len = 0;
	if (walk_chain(vq, chain, why)) {
		vq->ready = false;
		return -EIO;
	}
	vq->last_avail++;
	return 1;
}

void vq_push(struct virtqueue *vq, uint16_t head, uint32_t written)
{
	uint8_t *elem;
	uint32_t id = htole32(head), len = htole32(written);

	if (!vq->ready)
		return;
	elem = used_slot(vq, vq->used_idx % vq->size);
	memcpy(elem, &id, 4);
	memcpy(elem + 4, &len, 4);
	vq->used_idx++;
	/* The element is visible before the index that publishes it. */
	__atomic_store_n((volatile uint16_t *)(vq->used + 2), htole16(vq->used_idx), __ATOMIC_RELEASE);
}

bool vq_wants_interrupt(struct virtqueue *vq)
{
	uint16_t used_event, old = vq->signalled_used, now = vq->used_idx;
	bool valid = vq->signalled_valid;

	if (!vq->ready)
		return false;
	/* The used index is stored before the flags or used_event are read: a
	 * driver that re-enables interrupts then checks the index misses
	 * nothing. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->event_idx)
		return !(le16toh(vq->avail[0]) & 1U);
	used_event = le16toh(vq->avail[2 + vq->size]);
	vq->signalled_used = now;
	vq->signalled_valid = true;
	/* Interrupt when the entries pushed since the last decision (indices
	 * old to now - 1) include used_event (2.7.10); 16-bit arithmetic. */
	return !valid || (uint16_t)(now - used_event - 1) < (uint16_t)(now - old);
}

/* Copies between a flat range [off, off + len) of n segments and buf. */
static uint64_t seg_copy(const struct vq_seg *seg, unsigned int n, uint64_t off, uint8_t *buf, uint64_t len,
			 bool to_guest)
{
	uint64_t done = 0;

	for (unsigned int i = 0; i < n && done < len; i++) {
		uint64_t take;

		if (off >= seg[i].len) {
			off -= seg[i].len;
			continue;
		}
		take = seg[i].len - off;
		if (take > len - done)
			take = len - done;
		if (to_guest)
			memcpy(seg[i].host + off, buf + done, take);
		else
			memcpy(buf + done, seg[i].host + off, take);
		done += take;
		off = 0;
	}
	return done;
}

uint64_t vq_copy_from_out(const struct vq_chain *c, uint64_t off, void *dst, uint64_t len)
{
	return seg_copy(c->seg, c->nr_out, off, dst, len, false);
}

uint64_t vq_copy_to_in(const struct vq_chain *c, uint64_t off, const void *src, uint64_t len)
{
	return seg_copy(c->seg + c->nr_out, c->nr_in, off, (uint8_t *)src, len, true);
}
