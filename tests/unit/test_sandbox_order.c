/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The layout of the seccomp filters (vmm/sandbox.c): built for real by
 * libseccomp, exported instead of loaded, and run here on a classic BPF
 * interpreter. A vCPU thread's hot requests (KVM_RUN, KVM_GET_ONE_REG,
 * KVM_SET_ONE_REG) are allowed before any other ioctl request is tested,
 * in the vCPU filter and in the main one it also runs under; and the
 * system call is found by a binary search, not down a list.
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "vmm/kvm_compat.h"
#include "vmm/sandbox.h"

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "unit tests run on x86-64 or arm64"
#endif

#define MAX_INSNS 4096

struct prog {
	struct sock_filter insn[MAX_INSNS];
	size_t len;
};

static void export_role(enum sandbox_role role, struct prog *p)
{
	struct sandbox_thread t = { .role = role, .label = "test",
				    .write_fds = { 1, 2 }, .nr_write_fds = 2 };
	char err[256] = "";
	FILE *f = tmpfile();
	size_t n;

	assert_non_null(f);
	if (sandbox_export_bpf(&t, fileno(f), err, sizeof(err)))
		fail_msg("%s", err);
	rewind(f);
	n = fread(p->insn, sizeof(p->insn[0]), MAX_INSNS, f);
	fclose(f);
	assert_true(n > 0 && n < MAX_INSNS);
	p->len = n;
}

/* Run p on one system call: its return value, and in *steps how many
 * instructions it took. Only what libseccomp emits is known here. */
static uint32_t run(const struct prog *p, int nr, const uint64_t args[6], unsigned int *steps)
{
	struct seccomp_data d = { .nr = nr, .arch = NATIVE_AUDIT_ARCH };
	uint32_t a = 0, x = 0;
	size_t pc = 0;

	memcpy(d.args, args, sizeof(d.args));
	for (*steps = 1; pc < p->len; (*steps)++) {
		const struct sock_filter *i = &p->insn[pc];
		uint32_t src = BPF_SRC(i->code) == BPF_X ? x : i->k;
		bool c;

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			assert_true(i->k + 4 <= sizeof(d));
			memcpy(&a, (const char *)&d + i->k, 4);
			pc++;
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= i->k;
			pc++;
			continue;
		case BPF_JMP | BPF_JA:
			pc += 1 + i->k;
			continue;
		case BPF_RET | BPF_K:
			return i->k;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JEQ | BPF_X:
			c = a == src;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_X:
			c = a > src;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_X:
			c = a >= src;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_X:
			c = (a & src) != 0;
			break;
		default:
			fail_msg("BPF instruction 0x%x at %zu is not simulated", i->code, pc);
			return 0;
		}
		pc += 1 + (c ? i->jt : i->jf);
	}
	fail_msg("the filter runs off its end");
	return 0;
}

static unsigned int steps_to_allow(const struct prog *p, unsigned long req)
{
	const uint64_t args[6] = { 3, req };
	unsigned int steps;

	assert_int_equal(run(p, __NR_ioctl, args, &steps), SECCOMP_RET_ALLOW);
	return steps;
}

/* Every other request of the role's list is tested after all hot ones. */
static void expect_hot_first(enum sandbox_role role, const unsigned long *others, size_t nr)
{
	static const unsigned long hot[] = { KVM_RUN, KVM_GET_ONE_REG, KVM_SET_ONE_REG };
	struct prog *p = calloc(1, sizeof(*p));
	unsigned int slowest_hot = 0, fastest_other = ~0U, s;
	const uint64_t bad[6] = { 3, TIOCSTI };

	assert_non_null(p);
	export_role(role, p);
	for (size_t i = 0; i < 3; i++) {
		s = steps_to_allow(p, hot[i]);
		slowest_hot = s > slowest_hot ? s : slowest_hot;
	}
	for (size_t i = 0; i < nr; i++) {
		s = steps_to_allow(p, others[i]);
		fastest_other = s < fastest_other ? s : fastest_other;
	}
	assert_true(slowest_hot < fastest_other);
	assert_int_equal(run(p, __NR_ioctl, bad, &s) & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_TRAP);
	free(p);
}

static void test_hot_ioctls_first(void **state)
{
	static const unsigned long vcpu_others[] = {
		KVM_SET_MP_STATE, HVMM_KVM_ARM_VCPU_INIT, KVM_IRQ_LINE, TCSETS,
	};
	static const unsigned long main_others[] = {
		KVM_SET_MP_STATE, KVM_CREATE_VM, KVM_CREATE_VCPU, KVM_SET_USER_MEMORY_REGION, TCSETS,
	};

	(void)state;
	expect_hot_first(SANDBOX_VCPU, vcpu_others, sizeof(vcpu_others) / sizeof(vcpu_others[0]));
	expect_hot_first(SANDBOX_MAIN, main_others, sizeof(main_others) / sizeof(main_others[0]));
}

/* A binary search: the syscall-number tests on any path are few. With a
 * list, the main filter's last entries take one test per entry before. */
static void test_binary_search(void **state)
{
	static const int calls[] = {
		__NR_futex, __NR_getpid, __NR_gettid, __NR_clock_gettime, __NR_munmap,
		__NR_madvise, __NR_brk, __NR_getrandom, __NR_ppoll, __NR_exit,
		__NR_exit_group, __NR_rt_sigprocmask, __NR_close, __NR_unlinkat,
	};
	struct prog *p = calloc(1, sizeof(*p));
	const uint64_t args[6] = { 0 };
	unsigned int steps, worst = 0;

	(void)state;
	assert_non_null(p);
	export_role(SANDBOX_MAIN, p);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		assert_int_equal(run(p, calls[i], args, &steps), SECCOMP_RET_ALLOW);
		worst = steps > worst ? steps : worst;
	}
	/* About 45 system calls: a list needs up to ~45 tests, a tree ~log2. */
	assert_true(worst <= 16);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hot_ioctls_first),
		cmocka_unit_test(test_binary_search),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
