/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HVMM_HUGETLBFS_H
#define HVMM_HUGETLBFS_H

#include <stddef.h>
#include <stdint.h>

/*
 * --hugetlbfs DIR: guest RAM from huge pages, as in kvmtool. At start-up
 * (before any sandbox) hvmm makes an unlinked file of the RAM's size in
 * DIR; each boot maps it privately, so every boot's RAM starts zeroed and
 * the file itself stays empty. Returns the file's descriptor, or -1 with
 * a one-line reason in err.
 */
int hugetlbfs_open(const char *dir, uint64_t ram_size, char *err, size_t errlen);

#endif
