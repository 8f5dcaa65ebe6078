/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One vCPU: its KVM fd and shared run page, its thread, and the kick that gets
 * the thread out of KVM_RUN. State of a vCPU is changed only by its own thread;
 * other threads post work (in the firmware state) and kick.
 */
#ifndef HVMM_VCPU_H
#define HVMM_VCPU_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "firmware/fw_vcpu.h"
#include "kvm_compat.h"
#include "sandbox.h"

struct vm;

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	struct kvm_vcpu_init init;   /* kept: re-issuing it is the warm reset */
	uint64_t mpidr;

	pthread_t thread;            /* the vcpu_pool thread running it */
	bool thread_started;
	bool mmio_pending;           /* KVM completes the last MMIO exit in the next KVM_RUN */

	/* Sleeping while powered off: wake_seq moves on every kick. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t wake_seq;

	/* Requests other threads post to this vCPU's thread (under lock). */
	bool system_wake;          /* leave SYSTEM_SUSPEND */
	int (*call_fn)(struct vcpu *vcpu, void *arg);   /* run this on the thread ... */
	void *call_arg;
	int call_result;           /* ... and report here, setting call_done */
	bool call_done;
};

int vcpu_create(struct vm *vm, struct vcpu *vcpu, unsigned int id);
void vcpu_destroy(struct vcpu *vcpu);

/* On a vcpu_pool thread: run the vCPU until it stops or the VM does. */
void vcpu_run(struct vcpu *vcpu);
/* Make the vCPU's thread leave KVM_RUN (or its sleep) and look at its state. */
void vcpu_kick(struct vcpu *vcpu);

/* KVM_GET/SET_ONE_REG by firmware register number; negative errno on failure. */
int vcpu_reg_read(struct vcpu *vcpu, enum fw_reg reg, uint64_t *val);
int vcpu_reg_write(struct vcpu *vcpu, enum fw_reg reg, uint64_t val);
int vcpu_set_mp_state(struct vcpu *vcpu, enum fw_mp_state state);
/* KVM's warm reset; keep_timer carries the timer comparators across it. */
int vcpu_reset(struct vcpu *vcpu, bool keep_timer);

/* From another thread: have the vCPU's own thread write its registers into
 * buf as text. Waits up to timeout_ms; 0 or a negative errno. */
int vcpu_dump_regs(struct vcpu *vcpu, char *buf, size_t len, unsigned int timeout_ms);

/* From another thread: have the vCPU's own thread try what its sandbox
 * forbids (docs/sandbox.md). Returns only if nothing stopped it: 0, or a
 * negative errno (-ETIMEDOUT). */
int vcpu_probe_sandbox(struct vcpu *vcpu, int probe, unsigned int timeout_ms);

/* On the vCPU's own thread: is something posted, and serve it (register
 * dumps, sandbox probes, system wake-up). service returns -1 if the VM must stop. */
bool vcpu_has_request(struct vcpu *vcpu);
int vcpu_service_requests(struct vcpu *vcpu);

/* From another thread: the vCPU leaves SYSTEM_SUSPEND. */
void vcpu_request_system_wake(struct vcpu *vcpu);

/* Moves on at every vcpu_kick: a thread that read it before waiting knows
 * whether it was kicked since. */
uint64_t vcpu_wake_seq(struct vcpu *vcpu);

/* --lazy-mem on the vCPU's own thread (vmm/lazy/vcpu_glue.c): at the start
 * of each boot, SIGBUS for KVM_RUN only; after KVM_RUN's EINTR, a touched lazy
 * page (seq: vcpu_wake_seq before KVM_RUN). 0, or -1 with the VM failed. */
int vcpu_lazy_prepare(struct vcpu *vcpu);
int vcpu_lazy_fault(struct vcpu *vcpu, uint64_t seq);

/* The signal used for kicks; its handler does nothing. */
#define VCPU_KICK_SIGNAL SIGUSR1
int vcpu_kick_signal_install(void);

#endif
