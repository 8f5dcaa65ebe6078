/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test tool: what KVM hands a VMM for an SMCCC call made with HVC and with
 * SMC, on the host it runs on. hvmm serves both conduits from the same
 * KVM_EXIT_HYPERCALL; this checks the facts that rely on, outside hvmm.
 *
 * A VM with one vCPU and no devices claims the PSCI SMC32 range with the
 * SMCCC filter (forward to userspace), as hvmm does, and runs guest_code
 * below with x0 = x2 = PSCI_VERSION:
 *   HVC #0   exits as KVM_EXIT_HYPERCALL, nr = w0, flags bit 0
 *            (KVM_HYPERCALL_EXIT_SMC) clear, the PC already past the HVC;
 *   SMC #0   the same exit with flags bit 0 set, the PC past the SMC;
 *   SMC #1   a non-zero immediate makes no SMCCC call: KVM answers
 *            x0 = -1 itself and does not exit (the next exit is the HVC
 *            after it, which finds that -1 in x1).
 * Prints a TAP line per fact, then "smccc_exit: N passed, M failed";
 * exits 0 only if every fact held. usage: smccc_exit
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/kvm_compat.h"

#define RUN_TIMEOUT_S 10   /* each KVM_RUN: a guest that never exits is a failure */
#define GUEST_BASE  0x40000000ULL
#define GUEST_SIZE  0x10000ULL
#define PSCI_VERSION_FID 0x84000000ULL
#define ESR_EL1_REG ARM64_SYS_REG(3, 0, 5, 2, 0)
#define CORE_REG(field) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, field) / sizeof(__u32)))

/* The guest: each label after a call is the PC that call returns to. The
 * labels are global: a GOT entry for a local one would be its section's,
 * whatever the offset, and every label would read as guest_code. */
__asm__(".pushsection .rodata\n"
	".balign 4\n"
	".global guest_code, guest_after_hvc, guest_after_smc, guest_after_last, guest_code_end\n"
	"guest_code:\n"
	"	hvc	#0\n"
	"guest_after_hvc:\n"
	"	smc	#0\n"
	"guest_after_smc:\n"
	"	smc	#1\n"
	"	mov	x1, x0\n"
	"	mov	x0, x2\n"
	"	hvc	#0\n"
	"guest_after_last:\n"
	"	b	.\n"
	"guest_code_end:\n"
	".popsection\n");
extern const char guest_code[], guest_after_hvc[], guest_after_smc[], guest_after_last[],
	guest_code_end[];

/* Where label sits in guest_code. (As addresses: to C the labels are
 * distinct objects, which pointer arithmetic may not span.) */
static uint64_t guest_offset(const char *label)
{
	return (uint64_t)(uintptr_t)label - (uint64_t)(uintptr_t)guest_code;
}

struct vm {
	int kvm, vm, vcpu;
	struct kvm_run *run;
	unsigned int passed, failed;
};

static int fail(const char *what)
{
	fprintf(stderr, "smccc_exit: %s: %s\n", what, strerror(errno));
	return -1;
}

static int reg_get(struct vm *v, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)val };

	return ioctl(v->vcpu, KVM_GET_ONE_REG, &r) ? fail("KVM_GET_ONE_REG") : 0;
}

static int reg_set(struct vm *v, uint64_t id, uint64_t val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&val };

	return ioctl(v->vcpu, KVM_SET_ONE_REG, &r) ? fail("KVM_SET_ONE_REG") : 0;
}

/* The VM, its memory holding guest_code, and the claimed PSCI range. */
static int vm_setup(struct vm *v)
{
	struct hvmm_smccc_filter filter = {
		.base = (uint32_t)PSCI_VERSION_FID, .nr_functions = 0x20,
		.action = HVMM_KVM_SMCCC_FILTER_FWD_TO_USER,
	};
	struct kvm_device_attr attr = {
		.group = HVMM_KVM_ARM_VM_SMCCC_CTRL, .attr = HVMM_KVM_ARM_VM_SMCCC_FILTER,
		.addr = (uint64_t)(uintptr_t)&filter,
	};
	struct kvm_userspace_memory_region region = {
		.guest_phys_addr = GUEST_BASE, .memory_size = GUEST_SIZE,
	};
	void *mem;

	v->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (v->kvm < 0)
		return fail("/dev/kvm");
	v->vm = ioctl(v->kvm, KVM_CREATE_VM, 0);
	if (v->vm < 0)
		return fail("KVM_CREATE_VM");
	mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return fail("mmap");
	memcpy(mem, guest_code, (size_t)guest_offset(guest_code_end));
	region.userspace_addr = (uint64_t)(uintptr_t)mem;
	if (ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &region))
		return fail("KVM_SET_USER_MEMORY_REGION");
	if (ioctl(v->vm, KVM_SET_DEVICE_ATTR, &attr))
		return fail("KVM_ARM_VM_SMCCC_FILTER (Linux 6.4 or later)");
	return 0;
}

/* vCPU 0 at guest_code in EL1h (KVM's reset state), x0 = x2 = PSCI_VERSION. */
static int vcpu_setup(struct vm *v)
{
	struct kvm_vcpu_init init;
	int size;

	v->vcpu = ioctl(v->vm, KVM_CREATE_VCPU, 0);
	if (v->vcpu < 0)
		return fail("KVM_CREATE_VCPU");
	memset(&init, 0, sizeof(init));
	if (ioctl(v->vm, KVM_ARM_PREFERRED_TARGET, &init) || ioctl(v->vcpu, KVM_ARM_VCPU_INIT, &init))
		return fail("KVM_ARM_VCPU_INIT");
	size = ioctl(v->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		return fail("KVM_GET_VCPU_MMAP_SIZE");
	v->run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, v->vcpu, 0);
	if (v->run == MAP_FAILED)
		return fail("mmap of kvm_run");
	if (reg_set(v, CORE_REG(regs.pc), GUEST_BASE) ||
	    reg_set(v, CORE_REG(regs.regs[0]), PSCI_VERSION_FID) ||
	    reg_set(v, CORE_REG(regs.regs[2]), PSCI_VERSION_FID))
		return -1;
	return 0;
}

static void check(struct vm *v, int ok, const char *what, uint64_t got)
{
	printf("%s %u - %s (0x%llx)\n", ok ? "ok" : "not ok", v->passed + v->failed + 1, what,
	       (unsigned long long)got);
	if (ok)
		v->passed++;
	else
		v->failed++;
}

static void on_alarm(int sig)
{
	(void)sig;   /* only there to interrupt KVM_RUN (no SA_RESTART) */
}

/* KVM_RUN until the next exit, for at most RUN_TIMEOUT_S seconds. */
static int run_once(struct vm *v, const char *insn)
{
	uint64_t pc = 0, esr = 0, elr = 0;
	int ret;

	alarm(RUN_TIMEOUT_S);
	ret = ioctl(v->vcpu, KVM_RUN, 0);
	alarm(0);
	if (!ret)
		return 0;
	if (errno != EINTR)
		return fail("KVM_RUN");
	/* Where it is, and the last exception it took (a loop in an unmapped
	 * vector table, if the call itself faulted). */
	reg_get(v, CORE_REG(regs.pc), &pc);
	reg_get(v, CORE_REG(elr_el1), &elr);
	reg_get(v, ESR_EL1_REG, &esr);
	fprintf(stderr, "smccc_exit: waiting for %s: no exit in %d s; PC 0x%llx, ELR_EL1 0x%llx, ESR_EL1 0x%llx\n",
		insn, RUN_TIMEOUT_S, (unsigned long long)pc, (unsigned long long)elr, (unsigned long long)esr);
	return -1;
}

/* Run to the next exit; it must be the call at want_pc - 4 through the
 * conduit smc says. */
static int expect_call(struct vm *v, const char *insn, int smc, const char *want_ret)
{
	uint64_t want_pc = GUEST_BASE + guest_offset(want_ret), pc, flags;
	char what[160];

	if (run_once(v, insn))
		return -1;
	snprintf(what, sizeof(what), "%s exits to userspace as KVM_EXIT_HYPERCALL (exit reason)", insn);
	check(v, v->run->exit_reason == KVM_EXIT_HYPERCALL, what, v->run->exit_reason);
	if (v->run->exit_reason != KVM_EXIT_HYPERCALL)
		return -1;
	snprintf(what, sizeof(what), "%s: nr is the function ID in w0 (PSCI_VERSION)", insn);
	check(v, v->run->hypercall.nr == PSCI_VERSION_FID, what, v->run->hypercall.nr);
	flags = HVMM_HYPERCALL_FLAGS(v->run);
	snprintf(what, sizeof(what), "%s: flags bit 0 (KVM_HYPERCALL_EXIT_SMC) is %s, no other bit set",
		 insn, smc ? "set" : "clear");
	check(v, flags == (smc ? HVMM_KVM_HYPERCALL_EXIT_SMC : 0), what, flags);
	if (reg_get(v, CORE_REG(regs.pc), &pc))
		return -1;
	snprintf(what, sizeof(what), "%s: the PC already points past it (call at PC - 4)", insn);
	check(v, pc == want_pc, what, pc);
	return 0;
}

int main(int argc, char *argv[])
{
	struct vm v = { .kvm = -1, .vm = -1, .vcpu = -1 };
	struct sigaction sa = { .sa_handler = on_alarm };
	uint64_t x1 = 0;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: smccc_exit\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sigaction(SIGALRM, &sa, NULL))
		return fail("sigaction");
	if (vm_setup(&v) || vcpu_setup(&v))
		return 1;
	/* Each exit leaves x0 as it was (PSCI_VERSION): the next call needs it. */
	if (!expect_call(&v, "HVC #0", 0, guest_after_hvc) && !expect_call(&v, "SMC #0", 1, guest_after_smc) &&
	    !expect_call(&v, "HVC #0 after SMC #1", 0, guest_after_last) &&
	    !reg_get(&v, CORE_REG(regs.regs[1]), &x1))
		check(&v, x1 == UINT64_MAX, "SMC #1 did not exit, and KVM answered x0 = -1 itself", x1);
	else
		v.failed++;
	printf("smccc_exit: %u passed, %u failed\n", v.passed, v.failed);
	return v.failed ? 1 : 0;
}
