/* SPDX-License-Identifier: GPL-2.0-only */
#include "apf.h"

void apf_hostile(uint64_t dtb, unsigned int nr_cpus)
{
	(void)dtb;
	(void)nr_cpus;
}
