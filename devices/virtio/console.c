/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <unistd.h>

#include "console.h"

#define RECEIVEQ 0U
#define TRANSMITQ 1U

void virtio_console_init(struct virtio_console *c, int out_fd)
{
	c->out_fd = out_fd;
	c->rx_head = c->rx_count = 0;
	c->wake_fd = -1;
	pthread_mutex_init(&c->lock, NULL);
}

void virtio_console_set_wake(struct virtio_console *c, int wake_fd)
{
	c->wake_fd = wake_fd;
}

void virtio_console_destroy(struct virtio_console *c)
{
	pthread_mutex_destroy(&c->lock);
}

unsigned int virtio_console_receive(struct virtio_console *c, const uint8_t *buf, unsigned int len)
{
	unsigned int took = 0;
	uint64_t one = 1;

	pthread_mutex_lock(&c->lock);
	while (took < len && c->rx_count < VIRTIO_CONSOLE_RX_BUF) {
		c->rx[(c->rx_head + c->rx_count) % VIRTIO_CONSOLE_RX_BUF] = buf[took++];
		c->rx_count++;
	}
	pthread_mutex_unlock(&c->lock);
	if (took && c->wake_fd >= 0 && write(c->wake_fd, &one, sizeof(one)) < 0) {
		/* a full counter: the device thread is due to wake anyway */
	}
	return took;
}

/* A receive buffer is taken only when there is input for it. */
static bool console_can_take(struct virtio_mmio *t, unsigned int q)
{
	struct virtio_console *c = t->backend;
	bool any;

	if (q != RECEIVEQ)
		return true;
	pthread_mutex_lock(&c->lock);
	any = c->rx_count > 0;
	pthread_mutex_unlock(&c->lock);
	return any;
}

static uint32_t fill_receive(struct virtio_console *c, const struct vq_chain *req)
{
	uint64_t done = 0;

	pthread_mutex_lock(&c->lock);
	while (c->rx_count && done < req->in_len) {
		unsigned int run = VIRTIO_CONSOLE_RX_BUF - c->rx_head;

		if (run > c->rx_count)
			run = c->rx_count;
		if (run > req->in_len - done)
			run = (unsigned int)(req->in_len - done);
		done += vq_copy_to_in(req, done, c->rx + c->rx_head, run);
		c->rx_head = (c->rx_head + run) % VIRTIO_CONSOLE_RX_BUF;
		c->rx_count -= run;
	}
	pthread_mutex_unlock(&c->lock);
	return (uint32_t)done;
}

static void send_out(struct virtio_console *c, const struct vq_chain *req)
{
	for (unsigned int i = 0; i < req->nr_out; i++) {
		const uint8_t *p = req->seg[i].host;
		uint32_t left = req->seg[i].len;

		while (left && c->out_fd >= 0) {
			ssize_t n = write(c->out_fd, p, left);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return;   /* the terminal went away: the guest's output is dropped */
			p += n;
			left -= (uint32_t)n;
		}
	}
}

static int console_handle(struct virtio_mmio *t, unsigned int q, const struct vq_chain *req, uint32_t *written,
			  const char **why)
{
	struct virtio_console *c = t->backend;

	(void)why;
	if (q == RECEIVEQ) {
		*written = fill_receive(c, req);
	} else {
		send_out(c, req);
		*written = 0;
	}
	return 0;
}

const struct virtio_device_model virtio_console_model = {
	.name = "virtio-console",
	.device_id = VIRTIO_ID_CONSOLE,
	.nr_queues = 2,
	.queue_max = 64,
	.handle = console_handle,
	.can_take = console_can_take,
};
