/* SPDX-License-Identifier: GPL-2.0-only */
/* hvmm's standard descriptors, whatever its caller left it. */
#ifndef HVMM_STDIO_FDS_H
#define HVMM_STDIO_FDS_H

/*
 * A standard descriptor the caller left closed would go to the next file
 * opened (/dev/kvm as "stdin", a VM descriptor as "stdout"): give each
 * closed one /dev/null. Returns 0, or -1 if even that cannot be opened.
 */
int stdio_fill_closed(void);

#endif
