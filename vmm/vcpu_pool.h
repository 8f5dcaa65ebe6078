/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vCPU threads for the life of hvmm. They are started once, before the
 * main thread's sandbox goes on, and each enters the vCPU sandbox alone:
 * one filter checks every system call of a vCPU thread (docs/sandbox.md),
 * not the main thread's and its own stacked. At each boot, thread N is
 * handed that boot's vCPU N and gives it back when the vCPU stops.
 */
#ifndef HVMM_VCPU_POOL_H
#define HVMM_VCPU_POOL_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

#include "sandbox.h"

struct vcpu;
struct vm_inputs;

struct vcpu_worker {
	struct vcpu_pool *pool;
	unsigned int index;
	pthread_t thread;
	bool started;
	struct sandbox_thread sandbox;
	/* Under the pool's lock. */
	struct vcpu *job;           /* the vCPU to run; NULL: none */
	bool ready;                 /* set up (sandbox entered, or failed: err) */
	char err[256];              /* why set-up failed; "" if it did not */
};

struct vcpu_pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool quit;
	unsigned int nr;
	struct vcpu_worker *w;
	const struct vm_inputs *in;
	const cpu_set_t *affinity;  /* --vcpu-affinity; NULL: any CPU */
};

/* nr threads named vcpuN, each on the CPUs of affinity (NULL: any) and in
 * its sandbox (when in->sandbox) before this returns. 0, or -1 with err
 * set (the pool stopped again). */
int vcpu_pool_start(struct vcpu_pool *p, unsigned int nr, const struct vm_inputs *in, const cpu_set_t *affinity,
		    char *err, size_t len);
/* Hand vcpu to thread vcpu->id, which runs it until it stops: 0, or
 * -EINVAL (no such thread). Sets vcpu->thread for kicks. */
int vcpu_pool_run(struct vcpu_pool *p, struct vcpu *vcpu);
/* Until the thread running vcpu has given it back. */
void vcpu_pool_wait(struct vcpu_pool *p, struct vcpu *vcpu);
/* Every thread ends (none may be running a vCPU). */
void vcpu_pool_stop(struct vcpu_pool *p);

#endif
