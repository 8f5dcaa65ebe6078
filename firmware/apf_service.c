/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "async-pf" service on the registry: asynchronous page faults,
 * protocol version 1 (docs/async-pf.md). SMC64 0xC2000010-0xC2000013 in
 * the SiP range, claimed only when the VM has lazy memory and SDEI
 * (fw_config.apf and .sdei): without them KVM answers NOT_SUPPORTED,
 * which is how a guest learns there is no such service.
 *
 * Every call acts on the calling vCPU. Notifications are SDEI events the
 * guest names at ENABLE: raised from the vCPU's own thread without a kick
 * (it delivers them before it enters the guest again), from the fetcher
 * with sdei_signal. Since 1.1 "page ready" may be a PPI instead, held high
 * while the vCPU's ready queue is not empty: KVM interrupts the vCPU with
 * no exit to hvmm, the cheapest notification there is. Tokens are handed
 * over in x1..x16 of APF_TAKE, never through guest memory, which may
 * itself be lazy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "apf_internal.h"
#include "smccc.h"

#define APF_PAGE_MASK     0xfffULL
#define APF_PSTATE_M_LOW  0xfULL    /* PSTATE.M[3:0]: 0 is EL0 */

extern const struct smccc_service apf_service;

static const char *const apf_names[APF_NR_FIDS] = {
	"APF_VERSION", "APF_ENABLE", "APF_DISABLE", "APF_TAKE",
};

static unsigned int apf_ranges(const struct fw_config *cfg, struct smccc_range *out)
{
	if (!cfg->apf || !cfg->sdei)
		return 0;
	out[0] = (struct smccc_range){ APF_FID_VERSION, APF_NR_FIDS, apf_names, APF_NR_FIDS };
	return 1;
}

static struct apf *apf_of(const struct firmware *fw)
{

	return firmware_state(fw, &apf_service);
}

/* Under the lock, after vcpu's ready queue changed: a ready PPI is high
 * exactly while tokens wait in the queue. A failed ioctl leaves the level
 * as it was (the next change tries again). */
static void apf_line_sync_locked(struct firmware *fw, struct apf *a, unsigned int vcpu)
{
	struct apf_vcpu *v = &a->vcpu[vcpu];
	bool want = v->ready_ppi && v->nr_ready;

	if (want == v->line || fw->host.ops->ppi_level(fw->host.host, vcpu, v->ready_ppi, want))
		return;
	v->line = want;
	if (want)
		v->counts.ready_raised++;
}

/* ---- life cycle ---- */

static void apf_forget_all_locked(struct firmware *fw, struct apf *a)
{
	for (unsigned int c = 0; c < a->nr_cpus; c++) {
		if (a->vcpu[c].line)
			(void)fw->host.ops->ppi_level(fw->host.host, c, a->vcpu[c].ready_ppi, 0);
		a->vcpu[c] = (struct apf_vcpu){
			.state = APF_DISABLED, .announced = -1, .counts = a->vcpu[c].counts,
		};
	}
	a->nr_missing = 0;
	a->next_token = 1;
}

static int apf_init(struct firmware *fw, const struct fw_config *cfg)
{
	struct apf *a;

	if (!cfg->apf || !cfg->sdei || !fw->sdei)
		return 0;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->nr_cpus = fw->psci.nr_cpus;
	a->ready_ppis = cfg->apf_ready_ppis & ~0xffffU;
	a->vcpu = calloc(a->nr_cpus, sizeof(*a->vcpu));
	if (!a->vcpu || pthread_mutex_init(&a->lock, NULL)) {
		free(a->vcpu);
		free(a);
		return -ENOMEM;
	}
	apf_forget_all_locked(fw, a);
	firmware_set_state(fw, &apf_service, a);
	return 0;
}

/* Everything forgotten, the token counter back to 1; counts are kept. */
static void apf_reset(struct firmware *fw)
{
	struct apf *a = apf_of(fw);

	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	apf_forget_all_locked(fw, a);
	pthread_mutex_unlock(&a->lock);
}

static void apf_destroy(struct firmware *fw)
{
	struct apf *a = apf_of(fw);

	if (!a)
		return;
	pthread_mutex_destroy(&a->lock);
	free(a->vcpu);
	free(a);
	firmware_set_state(fw, &apf_service, NULL);
}

/* Off (CPU_OFF, CPU_FREEZE) or on again (CPU_ON): disabled, tokens
 * forgotten; their pages still land, and nobody is told. */
static int apf_vcpu_power(struct firmware *fw, unsigned int vcpu, bool on)
{
	struct apf *a = apf_of(fw);

	(void)on;
	if (!a || vcpu >= a->nr_cpus)
		return 0;
	pthread_mutex_lock(&a->lock);
	(void)apf_vcpu_forget(a, vcpu);   /* FORGET is allowed in every state */
	apf_line_sync_locked(fw, a, vcpu);
	pthread_mutex_unlock(&a->lock);
	return 0;
}

/* ---- the calls ---- */

/* Event num may be named at ENABLE: a private, normal platform event. */
static bool apf_event_usable(struct firmware *fw, unsigned int vcpu, uint64_t num)
{
	struct sdei_pe_event ev;

	return !sdei_pe_event_view(fw->sdei, vcpu, num, &ev) && ev.platform &&
	       ev.type == SDEI_EVENT_PRIVATE && ev.priority == SDEI_PRIORITY_NORMAL;
}

/* "Page ready" as named at ENABLE: a PPI the platform leaves free (flag
 * bit 1, where the host can drive one), or an event other than np. */
static bool apf_ready_usable(struct firmware *fw, struct apf *a, unsigned int vcpu, uint64_t np,
			     uint64_t ready, uint64_t flags)
{
	if (flags & APF_ENABLE_READY_PPI)
		return ready >= APF_PPI_FIRST && ready <= APF_PPI_LAST && (a->ready_ppis & (1U << ready)) &&
		       fw->host.ops->ppi_level;
	return np != ready && apf_event_usable(fw, vcpu, ready);
}

static enum smccc_action apf_enable(struct firmware *fw, struct apf *a, struct smccc_call *c)
{
	uint64_t np, ready, flags;
	struct apf_vcpu *v;
	int64_t ret = APF_SUCCESS;
	bool ppi;

	if (smccc_arg(c, 1, &np) || smccc_arg(c, 2, &ready) || smccc_arg(c, 3, &flags))
		return SMCCC_FAILED;
	ppi = flags & APF_ENABLE_READY_PPI;
	if ((flags & ~(APF_ENABLE_EL1 | APF_ENABLE_READY_PPI)) || !apf_event_usable(fw, c->vcpu, np) ||
	    !apf_ready_usable(fw, a, c->vcpu, np, ready, flags)) {
		smccc_reply(c, APF_INVALID_PARAMETERS);
		return SMCCC_CONTINUE;
	}
	pthread_mutex_lock(&a->lock);
	v = &a->vcpu[c->vcpu];
	if (apf_vcpu_move(v, APF_ACT_ENABLE)) {
		ret = APF_DENIED;
	} else {
		v->not_present_event = (uint32_t)np;
		v->ready_event = ppi ? 0 : (uint32_t)ready;
		v->ready_ppi = ppi ? (uint32_t)ready : 0;
		v->el1_async = flags & APF_ENABLE_EL1;
	}
	pthread_mutex_unlock(&a->lock);
	smccc_reply(c, ret);
	return SMCCC_CONTINUE;
}

static enum smccc_action apf_disable(struct apf *a, struct smccc_call *c)
{
	struct apf_vcpu *v;
	int64_t ret;

	pthread_mutex_lock(&a->lock);
	v = &a->vcpu[c->vcpu];
	ret = apf_vcpu_move(v, v->nr_tokens ? APF_ACT_DISABLE_BUSY : APF_ACT_DISABLE_IDLE)
		? APF_DENIED : APF_SUCCESS;
	pthread_mutex_unlock(&a->lock);
	smccc_reply(c, ret);
	return SMCCC_CONTINUE;
}

/* TAKE(0) or TAKE(1) under the lock: how many tokens went to out, or
 * -EPERM; *raise: the ready event (to raise once unlocked), or 0. A ready
 * PPI follows the queue instead. */
static int apf_take_locked(struct firmware *fw, struct apf *a, unsigned int vcpu, uint64_t which,
			   uint64_t *out, uint32_t *raise)
{
	struct apf_vcpu *v = &a->vcpu[vcpu];
	bool ready, more;
	int n;

	*raise = 0;
	if (which == APF_TAKE_NOT_PRESENT) {
		n = apf_token_take(a, vcpu, out, &ready);
		if (n || !out[0])
			return n;
		v->counts.not_present++;
		if (ready)
			*raise = v->ready_event;
		apf_line_sync_locked(fw, a, vcpu);
		return 1;
	}
	n = apf_tokens_hand_out(a, vcpu, out, APF_TAKE_MAX, &more);
	if (n < 0)
		return n;
	v->counts.ready += (unsigned int)n;
	if (more)
		*raise = v->ready_event;
	apf_line_sync_locked(fw, a, vcpu);
	return n;
}

static enum smccc_action apf_take(struct firmware *fw, struct apf *a, struct smccc_call *c)
{
	uint64_t regs[1 + APF_TAKE_MAX] = { 0 };
	uint64_t which;
	uint32_t raise;
	int n;

	if (smccc_arg(c, 1, &which))
		return SMCCC_FAILED;
	if (which != APF_TAKE_NOT_PRESENT && which != APF_TAKE_READY) {
		smccc_reply(c, APF_INVALID_PARAMETERS);
		return SMCCC_CONTINUE;
	}
	pthread_mutex_lock(&a->lock);
	n = apf_take_locked(fw, a, c->vcpu, which, regs + 1, &raise);
	if (raise)
		a->vcpu[c->vcpu].counts.ready_raised++;
	pthread_mutex_unlock(&a->lock);
	if (n < 0 || (raise && sdei_raise_own(fw->sdei, raise, c->vcpu)))
		return SMCCC_FAILED;
	/* Only the registers that carry something: x(n+1).. are left alone. */
	regs[0] = (uint64_t)n;
	smccc_reply_regs(c, regs, 1 + (unsigned int)n);
	return SMCCC_CONTINUE;
}

static enum smccc_action apf_call(struct firmware *fw, struct smccc_call *c)
{
	struct apf *a = apf_of(fw);

	if (!a || c->vcpu >= a->nr_cpus) {
		smccc_reply_not_supported(c);
		return SMCCC_CONTINUE;
	}
	switch (c->fid) {
	case APF_FID_VERSION:
		smccc_reply(c, APF_VERSION_1_1);
		return SMCCC_CONTINUE;
	case APF_FID_ENABLE:
		return apf_enable(fw, a, c);
	case APF_FID_DISABLE:
		return apf_disable(a, c);
	case APF_FID_TAKE:
		return apf_take(fw, a, c);
	default:
		smccc_reply_not_supported(c);
		return SMCCC_CONTINUE;
	}
}

const struct smccc_service apf_service = {
	.name = "async-pf",
	.ranges = apf_ranges,
	.init = apf_init,
	.reset = apf_reset,
	.destroy = apf_destroy,
	.vcpu_power = apf_vcpu_power,
	.call = apf_call,
};

/* ---- the VMM's side ---- */

/* What ENABLE chose, as a fault reads it. */
struct apf_choice {
	uint32_t not_present_event, ready_event;   /* ready_event 0: a PPI */
	bool el1_async;
};

/* Whether the vCPU's own state lets the fault be asynchronous; what it
 * chose at ENABLE in *snap. */
static bool apf_fault_allowed(struct apf *a, unsigned int vcpu, struct apf_choice *snap)
{
	struct apf_vcpu *v = &a->vcpu[vcpu];
	bool ok;

	pthread_mutex_lock(&a->lock);
	ok = v->state == APF_ENABLED && v->nr_tokens < APF_MAX_TOKENS;
	snap->not_present_event = v->not_present_event;
	snap->ready_event = v->ready_event;
	snap->el1_async = v->el1_async;
	if (!ok)
		v->counts.sync_faults++;
	pthread_mutex_unlock(&a->lock);
	return ok;
}

/* Both events (or not-present alone, when ready is a PPI) registered and
 * enabled on the PE, the PE unmasked, no handler running there,
 * not-present not already pending. */
static bool apf_sdei_allows(struct firmware *fw, unsigned int vcpu, const struct apf_choice *snap)
{
	struct sdei_pe_event np, ready = { .registered = true, .enabled = true };

	if (sdei_pe_event_view(fw->sdei, vcpu, snap->not_present_event, &np) ||
	    (snap->ready_event && sdei_pe_event_view(fw->sdei, vcpu, snap->ready_event, &ready)))
		return false;
	return np.registered && np.enabled && ready.registered && ready.enabled && !np.pe_masked &&
	       np.pe_on && !np.pe_in_handler && !np.pending;
}

static int apf_fault_el_allows(struct firmware *fw, unsigned int vcpu, const struct apf_choice *snap,
			       bool *ok)
{
	uint64_t pstate;
	int err = fw->host.ops->reg_read(fw->host.host, vcpu, FW_REG_PSTATE, &pstate);

	if (err)
		return err < 0 ? err : -EIO;
	*ok = (pstate & APF_PSTATE_M_LOW) == 0 || snap->el1_async;
	return 0;
}

/* Only the vCPU's own thread changes its state, so what was checked
 * above still holds when the token is made. */
int firmware_apf_fault(struct firmware *fw, unsigned int vcpu, uint64_t gpa)
{
	struct apf *a = apf_of(fw);
	struct apf_choice snap;
	uint64_t token;
	bool ok;
	int err;

	if (!a || vcpu >= a->nr_cpus)
		return a ? -EINVAL : 0;
	/* A new exit: the guest ran since the firmware last saw a register. */
	reg_cache_forget(&fw->regs, vcpu);
	if (!apf_fault_allowed(a, vcpu, &snap))
		return 0;
	err = apf_fault_el_allows(fw, vcpu, &snap, &ok);
	if (err)
		return err;
	ok = ok && apf_sdei_allows(fw, vcpu, &snap);
	pthread_mutex_lock(&a->lock);
	err = ok ? apf_token_raise(a, vcpu, gpa & ~APF_PAGE_MASK, &token) : 0;
	if (ok && !err)
		a->vcpu[vcpu].counts.async_faults++;
	else
		a->vcpu[vcpu].counts.sync_faults++;
	pthread_mutex_unlock(&a->lock);
	if (!ok || err == -ENOSPC)
		return 0;
	if (err)
		return err;
	err = sdei_raise_own(fw->sdei, snap.not_present_event, vcpu);
	return err ? err : 1;
}

void firmware_apf_page_ready(struct firmware *fw, uint64_t gpa)
{
	struct apf *a = apf_of(fw);
	uint64_t raise[SDEI_MAX_CPUS / 64] = { 0 };
	uint32_t event[SDEI_MAX_CPUS];

	bool any = false;

	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	/* Most landings concern no token: one look at a count. */
	if (a->nr_missing)
		(void)apf_tokens_land(a, gpa & ~APF_PAGE_MASK, raise);   /* a failed move moves nothing */
	for (unsigned int w = 0; w < SDEI_MAX_CPUS / 64; w++)
		any |= raise[w] != 0;
	for (unsigned int c = 0; any && c < a->nr_cpus; c++) {
		if (!(raise[c / 64] & (1ULL << (c % 64))))
			continue;
		event[c] = a->vcpu[c].ready_event;
		if (event[c])
			a->vcpu[c].counts.ready_raised++;
		else
			apf_line_sync_locked(fw, a, c);
	}
	pthread_mutex_unlock(&a->lock);
	/* The vCPU may have gone off meanwhile: a ready event with no token
	 * (TAKE(1) answers 0), which the protocol allows. */
	for (unsigned int c = 0; any && c < a->nr_cpus; c++)
		if ((raise[c / 64] & (1ULL << (c % 64))) && event[c])
			(void)sdei_signal(fw->sdei, event[c], (int)c);
}

bool firmware_apf_active(const struct firmware *fw)
{
	return apf_of(fw) != NULL;
}

int firmware_apf_counts(const struct firmware *fw, unsigned int vcpu, struct apf_vcpu_counts *out)
{
	struct apf *a = apf_of(fw);

	*out = (struct apf_vcpu_counts){ 0 };
	if (!a || vcpu >= a->nr_cpus)
		return -EINVAL;
	pthread_mutex_lock(&a->lock);
	*out = a->vcpu[vcpu].counts;
	pthread_mutex_unlock(&a->lock);
	return 0;
}

void apf_counts_add(struct apf_vcpu_counts *sum, const struct apf_vcpu_counts *c)
{
	sum->async_faults += c->async_faults;
	sum->sync_faults += c->sync_faults;
	sum->not_present += c->not_present;
	sum->ready += c->ready;
	sum->ready_raised += c->ready_raised;
}

void apf_counts_format(char *buf, size_t len, const struct apf_vcpu_counts *c)
{
	snprintf(buf, len, "%llu asynchronous, %llu synchronous faults; %llu not-present and %llu ready tokens taken, "
		 "%llu ready events raised",
		 (unsigned long long)c->async_faults, (unsigned long long)c->sync_faults,
		 (unsigned long long)c->not_present, (unsigned long long)c->ready,
		 (unsigned long long)c->ready_raised);
}
