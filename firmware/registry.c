/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The registry: every SMCCC service hvmm serves is one line below. The
 * ranges claimed from KVM, the names and counts of --stats and 'hvmm stat',
 * and the dispatch all come from this list and the descriptors it names.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "smccc.h"

/* The registered services, in the order they are set up (SDEI follows
 * PSCI's power states, so it comes after PSCI; async-pf raises SDEI
 * events, so it comes after SDEI). One line per service.
 * The --smccc-handler ranges come last: a user range over one of hvmm's
 * own is refused naming hvmm's. */
#define SMCCC_REGISTRY(SERVICE) \
	SERVICE(psci_service) \
	SERVICE(sdei_service) \
	SERVICE(trng_service) \
	SERVICE(hvmm_service) \
	SERVICE(apf_service) \
	SERVICE(user_service)

#define DECLARE_SERVICE(s) extern const struct smccc_service s;
#define LIST_SERVICE(s) &s,
SMCCC_REGISTRY(DECLARE_SERVICE)

const struct smccc_service *const smccc_services[] = {
	SMCCC_REGISTRY(LIST_SERVICE)
};

const unsigned int smccc_nr_services = sizeof(smccc_services) / sizeof(smccc_services[0]);

_Static_assert(sizeof(smccc_services) / sizeof(smccc_services[0]) <= FIRMWARE_MAX_SERVICES,
	       "raise FIRMWARE_MAX_SERVICES");

static bool ranges_overlap(const struct smccc_range *a, const struct smccc_range *b)
{
	return a->base < b->base + (uint64_t)b->count && b->base < a->base + (uint64_t)a->count;
}

static bool range_in_arch_service(const struct smccc_range *r)
{
	static const struct smccc_range arch[] = {
		{ .base = SMCCC_ARCH_BASE32, .count = SMCCC_ARCH_COUNT },
		{ .base = SMCCC_ARCH_BASE64, .count = SMCCC_ARCH_COUNT },
	};

	return ranges_overlap(r, &arch[0]) || ranges_overlap(r, &arch[1]);
}

/* Add one range of service index s, refusing what KVM would refuse. */
static int claims_add(struct smccc_claims *cl, unsigned int s, const struct smccc_range *r,
		      char *err, size_t errlen)
{
	const struct smccc_service *svc = smccc_services[s];
	struct smccc_claim *grown;

	if (!r->count || r->base + (uint64_t)r->count > 0x100000000ULL) {
		snprintf(err, errlen, "%s: range 0x%08x+0x%x is empty or runs past 0xffffffff", svc->name,
			 r->base, r->count);
		return -EINVAL;
	}
	if (range_in_arch_service(r)) {
		snprintf(err, errlen, "%s: range 0x%08x-0x%08x lies in the Arm Architecture service "
			 "(0x80000000-0x8000ffff, 0xc0000000-0xc000ffff), which KVM answers itself",
			 svc->name, r->base, r->base + r->count - 1);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < cl->nr_claims; i++) {
		const struct smccc_range *o = &cl->claim[i].range;

		if (ranges_overlap(r, o)) {
			snprintf(err, errlen, "%s: range 0x%08x-0x%08x overlaps %s's 0x%08x-0x%08x", svc->name,
				 r->base, r->base + r->count - 1, cl->claim[i].service->name, o->base,
				 o->base + o->count - 1);
			return -EINVAL;
		}
	}
	grown = realloc(cl->claim, (cl->nr_claims + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	cl->claim = grown;
	cl->claim[cl->nr_claims++] = (struct smccc_claim){
		.range = *r, .service = svc, .service_index = s, .first_count = cl->nr_counts,
	};
	cl->nr_counts += r->count;
	return 0;
}

int smccc_claims_build(struct smccc_claims *cl, const struct fw_config *cfg, char *err, size_t errlen)
{
	struct smccc_range r[SMCCC_SERVICE_MAX_RANGES];
	int ret = 0;

	*cl = (struct smccc_claims){ 0 };
	atomic_init(&cl->unclaimed, 0);
	for (unsigned int s = 0; s < smccc_nr_services && !ret; s++) {
		unsigned int n = smccc_services[s]->ranges(cfg, r);

		for (unsigned int i = 0; i < n && !ret; i++)
			ret = claims_add(cl, s, &r[i], err, errlen);
	}
	if (!ret) {
		cl->counts = calloc(cl->nr_counts ? cl->nr_counts : 1, sizeof(*cl->counts));
		if (!cl->counts)
			ret = -ENOMEM;
	}
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory for the SMCCC range table");
	if (ret)
		smccc_claims_free(cl);
	return ret;
}

void smccc_claims_free(struct smccc_claims *cl)
{
	free(cl->claim);
	free(cl->counts);
	cl->claim = NULL;
	cl->counts = NULL;
	cl->nr_claims = 0;
	cl->nr_counts = 0;
}

const struct smccc_claim *smccc_claim_of(const struct smccc_claims *cl, uint32_t fid)
{
	for (unsigned int i = 0; cl && i < cl->nr_claims; i++) {
		if (fid - cl->claim[i].range.base < cl->claim[i].range.count)
			return &cl->claim[i];
	}
	return NULL;
}

const char *smccc_function_name(const struct smccc_claims *cl, uint32_t fid)
{
	const struct smccc_claim *c = smccc_claim_of(cl, fid);
	uint32_t n;

	if (!c)
		return NULL;
	n = fid - c->range.base;
	return c->range.names && n < c->range.nr_names ? c->range.names[n] : NULL;
}

uint64_t smccc_calls(const struct smccc_claims *cl, uint32_t fid)
{
	const struct smccc_claim *c = smccc_claim_of(cl, fid);

	if (!c)
		return 0;
	return atomic_load_explicit(&cl->counts[c->first_count + (fid - c->range.base)],
				    memory_order_relaxed);
}

bool smccc_next_called(const struct smccc_claims *cl, size_t *pos, uint32_t *fid, uint64_t *count)
{
	for (unsigned int i = 0; cl && i < cl->nr_claims; i++) {
		const struct smccc_claim *c = &cl->claim[i];

		for (; *pos >= c->first_count && *pos < c->first_count + c->range.count; (*pos)++) {
			uint64_t n = atomic_load_explicit(&cl->counts[*pos], memory_order_relaxed);

			if (n) {
				*fid = c->range.base + (uint32_t)(*pos - c->first_count);
				*count = n;
				(*pos)++;
				return true;
			}
		}
	}
	return false;
}
