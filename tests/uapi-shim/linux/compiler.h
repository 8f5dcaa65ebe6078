/* SPDX-License-Identifier: GPL-2.0-only */
/* The 6.12 uAPI headers come from the kernel source tree, where kvm.h still
 * includes this kernel-internal header and uses its __user annotation
 * (headers_install strips both). An empty __user is all the check needs. */
#ifndef __user
#define __user
#endif
