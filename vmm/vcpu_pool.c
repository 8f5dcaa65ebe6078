/* SPDX-License-Identifier: GPL-2.0-only */
/* vCPU threads that outlive guest resets (vcpu_pool.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "handler/handlers.h"
#include "lazy/lazy.h"
#include "vcpu.h"
#include "vcpu_pool.h"
#include "vm.h"

/* A vCPU thread writes only the console, its log lines, the VM's stop
 * eventfd, the --smccc-handler programs' input and the virtio devices'
 * eventfds (an interrupt raised from a register write, a kick that missed
 * the ioeventfd); it reads the handlers' output
 * and, with --lazy-mem and nothing to emulate, the RAM image. Every one of
 * these descriptors lives as long as hvmm. */
static int worker_enter_sandbox(struct vcpu_worker *w)
{
	const struct vm_inputs *in = w->pool->in;
	struct sandbox_thread *sb = &w->sandbox;

	sb->role = SANDBOX_VCPU;
	snprintf(sb->label, sizeof(sb->label), "vCPU %u", w->index);
	sb->write_fds[0] = STDOUT_FILENO;
	sb->write_fds[1] = STDERR_FILENO;
	sb->write_fds[2] = in->stop_fd;
	sb->nr_write_fds = 3 + handler_set_write_fds(in->handlers, sb->write_fds + 3);
	if (in->virtio)
		sb->nr_write_fds += virtio_set_vcpu_write_fds(in->virtio, sb->write_fds + sb->nr_write_fds);
	sb->nr_read_fds = handler_set_read_fds(in->handlers, sb->read_fds);
	if (in->lazy && in->lazy->src_fd >= 0)
		sb->read_fds[sb->nr_read_fds++] = in->lazy->src_fd;
	sb->console = in->console;
	return sandbox_enter(sb, w->err, sizeof(w->err));
}

static void *worker_thread(void *arg)
{
	struct vcpu_worker *w = arg;
	struct vcpu_pool *p = w->pool;
	sigset_t kick;
	int ret = 0;

	sigemptyset(&kick);
	sigaddset(&kick, VCPU_KICK_SIGNAL);
	sigaddset(&kick, SIGSYS);   /* the kernel kills silently for a blocked one */
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	if (p->affinity && sched_setaffinity(0, sizeof(*p->affinity), p->affinity)) {
		snprintf(w->err, sizeof(w->err), "--vcpu-affinity: vCPU %u's thread cannot run there: %s", w->index,
			 strerror(errno));
		ret = -1;
	} else if (p->in->sandbox && worker_enter_sandbox(w)) {
		ret = -1;
		if (!w->err[0])
			snprintf(w->err, sizeof(w->err), "vCPU %u: cannot enter its sandbox", w->index);
	}
	pthread_mutex_lock(&p->lock);
	w->ready = true;
	pthread_cond_broadcast(&p->cond);
	while (!ret) {
		struct vcpu *vcpu = w->job;

		if (p->quit)
			break;
		if (!vcpu) {
			pthread_cond_wait(&p->cond, &p->lock);
			continue;
		}
		pthread_mutex_unlock(&p->lock);
		vcpu_run(vcpu);
		pthread_mutex_lock(&p->lock);
		w->job = NULL;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int vcpu_pool_start(struct vcpu_pool *p, unsigned int nr, const struct vm_inputs *in, const cpu_set_t *affinity,
		    char *err, size_t len)
{
	*p = (struct vcpu_pool){ .nr = nr, .in = in, .affinity = affinity };
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->w = calloc(nr, sizeof(*p->w));
	if (!p->w) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	for (unsigned int i = 0; i < nr; i++) {
		struct vcpu_worker *w = &p->w[i];
		char name[16];
		int ret;

		w->pool = p;
		w->index = i;
		ret = pthread_create(&w->thread, NULL, worker_thread, w);
		if (ret) {
			snprintf(err, len, "cannot start the thread of vCPU %u: %s", i, strerror(ret));
			vcpu_pool_stop(p);
			return -1;
		}
		w->started = true;
		snprintf(name, sizeof(name), "vcpu%u", i);
		(void)pthread_setname_np(w->thread, name);   /* for ps and top; best effort */
	}
	pthread_mutex_lock(&p->lock);
	for (unsigned int i = 0; i < nr; i++) {
		while (!p->w[i].ready)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->w[i].err[0] && !err[0])
			snprintf(err, len, "%s", p->w[i].err);
	}
	pthread_mutex_unlock(&p->lock);
	if (!err[0])
		return 0;
	vcpu_pool_stop(p);
	return -1;
}

int vcpu_pool_run(struct vcpu_pool *p, struct vcpu *vcpu)
{
	struct vcpu_worker *w;

	if (!p->w || vcpu->id >= p->nr)
		return -EINVAL;
	w = &p->w[vcpu->id];
	vcpu->thread = w->thread;
	vcpu->thread_started = true;
	pthread_mutex_lock(&p->lock);
	w->job = vcpu;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

void vcpu_pool_wait(struct vcpu_pool *p, struct vcpu *vcpu)
{
	pthread_mutex_lock(&p->lock);
	while (vcpu->id < p->nr && p->w[vcpu->id].job == vcpu)
		pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

void vcpu_pool_stop(struct vcpu_pool *p)
{
	if (!p->w)
		return;
	pthread_mutex_lock(&p->lock);
	p->quit = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (unsigned int i = 0; i < p->nr; i++)
		if (p->w[i].started)
			pthread_join(p->w[i].thread, NULL);
	free(p->w);
	p->w = NULL;
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
}
