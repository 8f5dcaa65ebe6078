/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the firmware side of --smccc-handler (firmware/user_service.c):
 * the ranges it claims, which handler owns a function ID, and how a call is
 * handed to the VMM's ask callback and what its answer makes of the call.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "firmware/user_service.h"

/* ---- a vCPU in plain memory ---- */

struct one_vcpu {
	uint64_t x[31];
	unsigned int reads;
	int fail_read;        /* a register read fails with this (negative) */
};

static int vcpu_read(void *host, unsigned int vcpu, enum fw_reg reg, uint64_t *val)
{
	struct one_vcpu *v = host;

	(void)vcpu;
	if (v->fail_read)
		return v->fail_read;
	if (reg > FW_REG_X30)
		return -EINVAL;
	v->reads++;
	*val = v->x[reg];
	return 0;
}

static const struct fw_vcpu_ops vcpu_ops = { .reg_read = vcpu_read };

/* ---- an ask callback that records and answers as told ---- */

struct asked {
	unsigned int calls;
	unsigned int handler;
	uint32_t have;          /* the call's read registers when it came */
	unsigned int reads;     /* register reads ask itself caused */
	uint64_t x[8];
	int ret;                /* what ask returns */
	unsigned int reply;     /* registers it puts in the reply */
	struct one_vcpu *vcpu;
};

static int ask(void *opaque, unsigned int handler, struct smccc_call *c)
{
	struct asked *a = opaque;
	unsigned int before = a->vcpu->reads;
	uint64_t regs[SMCCC_NR_REGS];

	a->calls++;
	a->handler = handler;
	a->have = c->have;
	for (unsigned int r = 1; r <= 7; r++)
		assert_int_equal(smccc_arg(c, r, &a->x[r]), 0);
	a->reads = a->vcpu->reads - before;
	for (unsigned int r = 0; r < SMCCC_NR_REGS; r++)
		regs[r] = 0x100 + r;
	if (a->reply)
		smccc_reply_regs(c, regs, a->reply);
	return a->ret;
}

static const struct fw_user_range ranges[] = {
	{ 0xc3000000, 0x10 }, { 0x83000000, 1 }, { 0xfffffff0, 0x10 },
};

static struct fw_user_handlers handlers(struct asked *a)
{
	return (struct fw_user_handlers){ ranges, 3, ask, a };
}

static struct smccc_call call(struct one_vcpu *v, struct fw_host *host, uint32_t fid)
{
	struct smccc_call c;

	*host = (struct fw_host){ .ops = &vcpu_ops, .host = v };
	smccc_call_init(&c, host, 0, fid, SMCCC_CONDUIT_HVC);
	return c;
}

static void test_ranges(void **state)
{
	struct fw_user_range many[SMCCC_SERVICE_MAX_RANGES + 2];
	struct smccc_range out[SMCCC_SERVICE_MAX_RANGES];
	struct fw_user_handlers h = { ranges, 3, NULL, NULL };

	(void)state;
	assert_int_equal(fw_user_ranges(&h, out), 3);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(out[i].base, ranges[i].base);
		assert_int_equal(out[i].count, ranges[i].count);
		assert_null(out[i].names);
		assert_int_equal(out[i].nr_names, 0);
	}
	h.nr = 0;
	assert_int_equal(fw_user_ranges(&h, out), 0);
	for (unsigned int i = 0; i < SMCCC_SERVICE_MAX_RANGES + 2; i++)
		many[i] = (struct fw_user_range){ 0x83000000 + i * 0x10, 0x10 };
	h = (struct fw_user_handlers){ many, SMCCC_SERVICE_MAX_RANGES + 2, NULL, NULL };
	assert_int_equal(fw_user_ranges(&h, out), SMCCC_SERVICE_MAX_RANGES);
}

static void test_handler_of(void **state)
{
	struct fw_user_handlers h = { ranges, 3, NULL, NULL };

	(void)state;
	assert_int_equal(fw_user_handler_of(&h, 0xc3000000), 0);
	assert_int_equal(fw_user_handler_of(&h, 0xc300000f), 0);
	assert_int_equal(fw_user_handler_of(&h, 0xc3000010), -1);
	assert_int_equal(fw_user_handler_of(&h, 0xc2ffffff), -1);
	assert_int_equal(fw_user_handler_of(&h, 0x83000000), 1);
	assert_int_equal(fw_user_handler_of(&h, 0x83000001), -1);
	assert_int_equal(fw_user_handler_of(&h, 0xffffffff), 2);
	assert_int_equal(fw_user_handler_of(&h, 0), -1);
	h.nr = 0;
	assert_int_equal(fw_user_handler_of(&h, 0xc3000000), -1);
}

static void test_call_answered(void **state)
{
	struct one_vcpu v = { .x = { 0 } };
	struct asked a = { .vcpu = &v, .reply = 5 };
	struct fw_user_handlers h = handlers(&a);
	struct fw_host host;
	struct smccc_call c;

	(void)state;
	for (unsigned int r = 1; r <= 7; r++)
		v.x[r] = 0xa5a5a5a500000000ULL | r;
	c = call(&v, &host, 0xc3000004);
	assert_int_equal(fw_user_call(&h, &c), SMCCC_CONTINUE);
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.handler, 0);
	/* x1..x7 were read before ask came, and ask read none itself. */
	assert_int_equal(a.have & 0xfe, 0xfe);
	assert_int_equal(a.reads, 0);
	assert_int_equal(v.reads, 7);
	for (unsigned int r = 1; r <= 7; r++)
		assert_int_equal(a.x[r], 0xa5a5a5a500000000ULL | r);
	assert_int_equal(c.nr_ret, 5);
	assert_int_equal(c.ret[4], 0x104);
	/* SMC32: the low halves. */
	c = call(&v, &host, 0x83000000);
	assert_int_equal(fw_user_call(&h, &c), SMCCC_CONTINUE);
	assert_int_equal(a.handler, 1);
	for (unsigned int r = 1; r <= 7; r++)
		assert_int_equal(a.x[r], r);
	c = call(&v, &host, 0xfffffffa);
	assert_int_equal(fw_user_call(&h, &c), SMCCC_CONTINUE);
	assert_int_equal(a.handler, 2);
}

static void test_call_not_owned(void **state)
{
	struct one_vcpu v = { .x = { 0 } };
	struct asked a = { .vcpu = &v, .reply = 3 };
	struct fw_user_handlers h = handlers(&a);
	struct fw_host host;
	struct smccc_call c = call(&v, &host, 0xc3000010);

	(void)state;
	assert_int_equal(fw_user_call(&h, &c), SMCCC_CONTINUE);
	assert_int_equal(a.calls, 0);
	assert_int_equal(c.nr_ret, 1);
	assert_int_equal((int64_t)c.ret[0], SMCCC_RET_NOT_SUPPORTED);
	h.ask = NULL;
	c = call(&v, &host, 0xc3000000);
	assert_int_equal(fw_user_call(&h, &c), SMCCC_CONTINUE);
	assert_int_equal((int64_t)c.ret[0], SMCCC_RET_NOT_SUPPORTED);
	assert_int_equal(v.reads, 0);
}

/* Stopping: nothing goes back, even what ask had put in the reply. */
static void test_call_stopping(void **state)
{
	struct one_vcpu v = { .x = { 0 } };
	struct asked a = { .vcpu = &v, .reply = 4, .ret = -EINTR };
	struct fw_user_handlers h = handlers(&a);
	struct fw_host host;
	struct smccc_call c = call(&v, &host, 0xc3000001);

	(void)state;
	assert_int_equal(fw_user_call(&h, &c), SMCCC_CONTINUE);
	assert_int_equal(a.calls, 1);
	assert_int_equal(c.nr_ret, 0);
}

static void test_call_failed(void **state)
{
	struct one_vcpu v = { .x = { 0 } };
	struct asked a = { .vcpu = &v, .ret = -EPIPE };
	struct fw_user_handlers h = handlers(&a);
	struct fw_host host;
	struct smccc_call c = call(&v, &host, 0xc3000001);

	(void)state;
	assert_int_equal(fw_user_call(&h, &c), SMCCC_FAILED);
	assert_int_equal(a.calls, 1);
	/* A register that cannot be read is the vCPU's failure: ask never hears of the call. */
	a = (struct asked){ .vcpu = &v };
	v.fail_read = -EIO;
	c = call(&v, &host, 0xc3000001);
	assert_int_equal(fw_user_call(&h, &c), SMCCC_FAILED);
	assert_int_equal(a.calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_handler_of),
		cmocka_unit_test(test_call_answered),
		cmocka_unit_test(test_call_not_owned),
		cmocka_unit_test(test_call_stopping),
		cmocka_unit_test(test_call_failed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
