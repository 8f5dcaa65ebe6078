/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/log.h"
#include "vmm/lazy/config.h"

/* Digits only, 0..max (strtoull alone would take blanks, signs, hex). */
static int parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (max - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* One "key=value" of the list after SOURCE; seen says which keys came already. */
static int parse_key(const char *opt, const char *kv, size_t len, struct lazy_config *cfg,
		     unsigned int *seen, char *err, size_t errlen)
{
	const char *eq = memchr(kv, '=', len);
	size_t klen = eq ? (size_t)(eq - kv) : len;
	const char *val = eq ? eq + 1 : NULL;
	size_t vlen = eq ? len - klen - 1 : 0;
	unsigned int bit;

	if (klen == 7 && !strncmp(kv, "latency", 7))
		bit = 1;
	else if (klen == 9 && !strncmp(kv, "bandwidth", 9))
		bit = 2;
	else
		return reason_set(-1, err, errlen, "--lazy-mem '%s': unknown key '%.*s' (expected latency=USEC or bandwidth=MIBPS)",
				  opt, (int)klen, kv);
	if (*seen & bit)
		return reason_set(-1, err, errlen, "--lazy-mem '%s': %.*s is given twice", opt, (int)klen, kv);
	*seen |= bit;
	if (bit == 1 && (!val || parse_u64(val, vlen, LAZY_MAX_LATENCY_US, &cfg->latency_us)))
		return reason_set(-1, err, errlen, "--lazy-mem '%s': latency is microseconds from 0 to %llu", opt,
				  LAZY_MAX_LATENCY_US);
	if (bit == 2 && (!val || parse_u64(val, vlen, LAZY_MAX_BANDWIDTH, &cfg->bandwidth_mibps) ||
			 cfg->bandwidth_mibps == 0))
		return reason_set(-1, err, errlen, "--lazy-mem '%s': bandwidth is MiB/s from 1 to %llu", opt,
				  LAZY_MAX_BANDWIDTH);
	return 0;
}

int lazy_config_parse(const char *s, struct lazy_config *cfg, char *err, size_t errlen)
{
	const char *comma = strchr(s, ',');
	size_t srclen = comma ? (size_t)(comma - s) : strlen(s);
	unsigned int seen = 0;

	memset(cfg, 0, sizeof(*cfg));
	if (srclen == 0)
		return reason_set(-1, err, errlen, "--lazy-mem '%s': expected SOURCE (zero or a RAM image file)"
				  "[,latency=USEC][,bandwidth=MIBPS]", s);
	if (srclen >= sizeof(cfg->source))
		return reason_set(-1, err, errlen, "--lazy-mem: the source's path is longer than %d bytes",
				  LAZY_SOURCE_MAX - 1);
	if (srclen == 4 && !strncmp(s, "zero", 4))
		cfg->zero = true;
	else
		memcpy(cfg->source, s, srclen);
	while (comma) {
		const char *kv = comma + 1;
		size_t len;

		comma = strchr(kv, ',');
		len = comma ? (size_t)(comma - kv) : strlen(kv);
		if (parse_key(s, kv, len, cfg, &seen, err, errlen))
			return -1;
	}
	cfg->enabled = true;
	return 0;
}
