/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest physical memory map, defined here and nowhere else
 * (docs/memory-map.md mirrors this table).
 *
 *   start         size          what
 *   0x0000_0000   0x0800_0000   unused (reads and writes fault: no device)
 *   0x0800_0000   0x0001_0000   GICv3 distributor (GICv2: distributor, 4 KiB)
 *   0x0801_0000   0x0001_0000   GICv2 CPU interface (only with a GICv2)
 *   0x0808_0000   0x0002_0000   GICv3 ITS (only with --irqchip gicv3-its)
 *   0x0900_0000   0x0000_1000   16550A UART (console), SPI 1
 *   0x0901_0000   0x0000_0200   virtio-mmio devices, one each (-d disks in order,
 *                 per device      then --console virtio, then --rng), SPI 16 onward
 *   0x0a00_0000   0x0600_0000   GICv3 redistributors, 128 KiB per vCPU (768 max)
 *   0x3fff_0000   0x0001_0000   stolen-time records, 64 bytes per vCPU (memslot 1;
 *                               not with --no-pvtime)
 *   0x4000_0000   RAM size      RAM (one memslot); kernel at RAM + text_offset,
 *                               DTB in the last 2 MiB, initrd just below it
 *
 * RAM starts at 1 GiB so that every MMIO region sits below it and RAM can grow
 * upward to the IPA limit without moving anything.
 */
#ifndef HVMM_MEMMAP_H
#define HVMM_MEMMAP_H

#define MEMMAP_GICD_BASE        0x08000000ULL
#define MEMMAP_GICD_SIZE        0x00010000ULL
#define MEMMAP_GICV2_DIST_SIZE  0x00001000ULL
#define MEMMAP_GICV2_CPU_BASE   0x08010000ULL
#define MEMMAP_GICV2_CPU_SIZE   0x00002000ULL
#define MEMMAP_ITS_BASE         0x08080000ULL
#define MEMMAP_ITS_SIZE         0x00020000ULL   /* control and translation frames */
#define MEMMAP_UART_BASE        0x09000000ULL
#define MEMMAP_UART_SIZE        0x00001000ULL
#define MEMMAP_UART_SPI         1U
#define MEMMAP_VIRTIO_BASE      0x09010000ULL
#define MEMMAP_VIRTIO_STRIDE    0x00000200ULL   /* one register block */
#define MEMMAP_VIRTIO_SPI       16U
#define MEMMAP_GICR_BASE        0x0a000000ULL
#define MEMMAP_GICR_SIZE        0x06000000ULL
#define MEMMAP_GICR_STRIDE      0x00020000ULL   /* RD_base + SGI_base frames */
#define MEMMAP_PVTIME_BASE      0x3fff0000ULL
#define MEMMAP_PVTIME_SIZE      0x00010000ULL   /* MEMMAP_MAX_VCPUS records of 64 bytes */
#define MEMMAP_RAM_BASE         0x40000000ULL

/* Placement inside RAM. */
#define MEMMAP_RAW_KERNEL_OFFSET 0x80000ULL     /* where a headerless binary goes */
#define MEMMAP_DTB_MAX_SIZE      0x200000ULL    /* Linux maps at most 2 MiB of DTB */

/* KVM memslots. */
#define MEMSLOT_RAM    0U
#define MEMSLOT_PVTIME 1U

#define MEMMAP_MAX_VCPUS (MEMMAP_GICR_SIZE / MEMMAP_GICR_STRIDE)

#endif
