/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The allowlist of each thread role. docs/sandbox.md gives the reason for
 * every entry; tests/unit/test_sandbox.c checks that it names them all.
 *
 * Every role includes the common list: what any thread of hvmm does by
 * being a thread (locks, the allocator, kicks, its last words, exit). The
 * vCPU threads are started before the main thread enters its sandbox
 * (vmm/vcpu_pool.c) and run under their own filter alone. The main policy
 * still includes the vCPU one (and through it the common list): the main
 * thread sets up each boot's vCPUs with the same ioctls (registers,
 * KVM_ARM_VCPU_INIT).
 */
#include <string.h>
#include <sys/ioctl.h>

#include "kvm_compat.h"
#include "lazy/uffd.h"
#include "sandbox.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- every thread ---- */

static const struct sandbox_allow common_allow[] = {
	{ "futex", SANDBOX_ANY },
	{ "getpid", SANDBOX_ANY },
	{ "gettid", SANDBOX_ANY },
	{ "tgkill", SANDBOX_OWN_PID },
	{ "rt_sigprocmask", SANDBOX_ANY },
	{ "clock_gettime", SANDBOX_ANY },
	{ "mmap", SANDBOX_NO_EXEC },
	{ "mprotect", SANDBOX_NO_EXEC },
	{ "munmap", SANDBOX_ANY },
	{ "madvise", SANDBOX_ANY },
	{ "brk", SANDBOX_ANY },
	{ "getrandom", SANDBOX_ANY },
	{ "write", SANDBOX_WRITE_FD },
	{ "writev", SANDBOX_WRITE_FD },
	{ "ioctl", SANDBOX_IOCTL },
	{ "exit", SANDBOX_ANY },
	{ "exit_group", SANDBOX_ANY },
};

/* The SIGSYS handler restores the terminal. */
static const unsigned long common_ioctls[] = {
	TCSETS,
};

/* ---- vCPU threads ---- */

static const struct sandbox_allow vcpu_allow[] = {
	{ "rt_sigreturn", SANDBOX_ANY },
	{ "read", SANDBOX_READ_FD },
	{ "pread64", SANDBOX_READ_FD },
	{ "ppoll", SANDBOX_ANY },
	{ "waitid", SANDBOX_PEEK_CHILD },
	{ "rt_sigtimedwait", SANDBOX_ANY },
};

static const unsigned long vcpu_ioctls[] = {
	KVM_RUN,
	KVM_GET_ONE_REG,
	KVM_SET_ONE_REG,
	KVM_SET_MP_STATE,
	HVMM_KVM_ARM_VCPU_INIT,
	KVM_IRQ_LINE,
	UFFDIO_COPY,
	KVM_SET_SIGNAL_MASK,
};

/* ---- the main thread ---- */

/* Its own entries; the vCPU list is included (see the top). An entry here
 * replaces an included one of the same name: write and writev to any fd. */
static const struct sandbox_allow main_allow[] = {
	{ "write", SANDBOX_ANY },
	{ "writev", SANDBOX_ANY },
	{ "read", SANDBOX_ANY },
	{ "pread64", SANDBOX_ANY },
	{ "pwrite64", SANDBOX_ANY },
	{ "ftruncate", SANDBOX_ANY },
	{ "fstat", SANDBOX_ANY },
	{ "newfstatat", SANDBOX_ANY },
	{ "ppoll", SANDBOX_ANY },
	{ "close", SANDBOX_ANY },
	{ "mremap", SANDBOX_ANY },
	{ "unlinkat", SANDBOX_ANY },
	{ "kill", SANDBOX_KILL_GROUP },
	{ "waitid", SANDBOX_ANY },
	{ "mincore", SANDBOX_ANY },
};

/* Besides the vCPU list's: creating a VM at each boot. */
static const unsigned long main_ioctls[] = {
	KVM_GET_API_VERSION,
	KVM_CHECK_EXTENSION,
	KVM_GET_VCPU_MMAP_SIZE,
	KVM_CREATE_VM,
	KVM_SET_USER_MEMORY_REGION,
	KVM_CREATE_VCPU,
	HVMM_KVM_ARM_PREFERRED_TARGET,
	KVM_CREATE_DEVICE,
	KVM_SET_DEVICE_ATTR,
	KVM_HAS_DEVICE_ATTR,
	KVM_ARM_VCPU_FINALIZE,
	UFFDIO_REGISTER,
	HVMM_UFFDIO_POISON,
	KVM_IOEVENTFD,
	KVM_IRQFD,
};

/* ---- the control-socket thread ---- */

static const struct sandbox_allow control_allow[] = {
	{ "accept4", SANDBOX_ANY },
	{ "recvfrom", SANDBOX_ANY },
	{ "sendto", SANDBOX_ANY },
	{ "getsockopt", SANDBOX_ANY },
	{ "geteuid", SANDBOX_ANY },
	{ "ppoll", SANDBOX_ANY },
	{ "read", SANDBOX_ANY },
	{ "write", SANDBOX_ANY },
	{ "writev", SANDBOX_ANY },
	{ "close", SANDBOX_ANY },
	{ "mremap", SANDBOX_ANY },
};

/* ---- the --lazy-mem fetcher thread ---- */

static const struct sandbox_allow fetcher_allow[] = {
	{ "pread64", SANDBOX_ANY },
};

static const unsigned long fetcher_ioctls[] = {
	UFFDIO_COPY,
	KVM_IRQ_LINE,
};

/* ---- virtio device threads ---- */

static const struct sandbox_allow device_allow[] = {
	{ "ppoll", SANDBOX_ANY },
	{ "read", SANDBOX_READ_FD },
	{ "preadv", SANDBOX_READ_FD },
	{ "pwrite64", SANDBOX_WRITE_FD },
	{ "pwritev", SANDBOX_WRITE_FD },
	{ "fdatasync", SANDBOX_WRITE_FD },
	{ "fallocate", SANDBOX_WRITE_FD },
};

static const struct sandbox_policy common = {
	"common list", NULL, common_allow, COUNT(common_allow), common_ioctls, COUNT(common_ioctls),
};

static const struct sandbox_policy policies[SANDBOX_ROLE_COUNT] = {
	[SANDBOX_VCPU] = { "vCPU threads", &common, vcpu_allow, COUNT(vcpu_allow), vcpu_ioctls,
			   COUNT(vcpu_ioctls) },
	[SANDBOX_MAIN] = { "main thread", &policies[SANDBOX_VCPU], main_allow, COUNT(main_allow),
			   main_ioctls, COUNT(main_ioctls) },
	[SANDBOX_CONTROL] = { "control thread", &common, control_allow, COUNT(control_allow), NULL, 0 },
	[SANDBOX_FETCHER] = { "fetcher thread", &common, fetcher_allow, COUNT(fetcher_allow),
			      fetcher_ioctls, COUNT(fetcher_ioctls) },
	[SANDBOX_DEVICE] = { "device threads", &common, device_allow, COUNT(device_allow), NULL, 0 },
};

const struct sandbox_policy *sandbox_policy(enum sandbox_role role)
{
	return role < SANDBOX_ROLE_COUNT ? &policies[role] : NULL;
}

const struct sandbox_allow *sandbox_policy_entry(const struct sandbox_policy *p, const char *syscall)
{
	for (; p; p = p->includes)
		for (size_t i = 0; i < p->nr_allow; i++)
			if (!strcmp(p->allow[i].syscall, syscall))
				return &p->allow[i];
	return NULL;
}
