/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HVMM_VIRTIO_RNG_H
#define HVMM_VIRTIO_RNG_H

#include "mmio.h"

#define VIRTIO_ID_RNG 4U

/* No state and no configuration space: the model is all there is. */
extern const struct virtio_device_model virtio_rng_model;

#endif
