/* SPDX-License-Identifier: GPL-2.0-only */
/* --lazy-mem SOURCE[,latency=USEC][,bandwidth=MIBPS]: the option's value. Pure: no I/O. */
#ifndef HVMM_LAZY_CONFIG_H
#define HVMM_LAZY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LAZY_MAX_LATENCY_US   60000000ULL   /* one minute per page: slow enough for any test */
#define LAZY_MAX_BANDWIDTH    1048576ULL    /* MiB/s: 1 TiB/s */
#define LAZY_SOURCE_MAX       4096

struct lazy_config {
	bool enabled;
	char source[LAZY_SOURCE_MAX];   /* a RAM image's path; empty with zero */
	bool zero;                      /* SOURCE was "zero": every page starts as zeros */
	uint64_t latency_us;            /* 0: as soon as the fetcher gets to it */
	uint64_t bandwidth_mibps;       /* 0: no limit */
};

/* Parse the value of --lazy-mem. 0, or -1 with a one-line reason in err. */
int lazy_config_parse(const char *s, struct lazy_config *cfg, char *err, size_t errlen);

#endif
