/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-rng (device ID 4): each request's writable buffers are filled
 * from getrandom(2), the host kernel's generator.
 */
#include <errno.h>
#include <sys/random.h>

#include "rng.h"

/* A request larger than this gets this much: the guest asks again. */
#define RNG_MAX_PER_REQUEST 65536U

static int rng_handle(struct virtio_mmio *t, unsigned int q, const struct vq_chain *req, uint32_t *written,
		      const char **why)
{
	uint64_t want = req->in_len < RNG_MAX_PER_REQUEST ? req->in_len : RNG_MAX_PER_REQUEST;
	uint64_t done = 0;

	(void)t;
	(void)q;
	(void)why;
	for (unsigned int i = req->nr_out; i < req->nr_out + req->nr_in && done < want; i++) {
		const struct vq_seg *s = &req->seg[i];
		uint64_t take = s->len < want - done ? s->len : want - done;
		uint64_t got = 0;

		while (got < take) {
			ssize_t r = getrandom(s->host + got, take - got, 0);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			got += (uint64_t)r;
		}
		done += got;
		if (got < take)
			break;
	}
	*written = (uint32_t)done;
	return 0;
}

const struct virtio_device_model virtio_rng_model = {
	.name = "virtio-rng",
	.device_id = VIRTIO_ID_RNG,
	.nr_queues = 1,
	.queue_max = 64,
	.handle = rng_handle,
};
