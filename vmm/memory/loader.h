/* SPDX-License-Identifier: MIT */
/*
 * The guest kernel's ELF64 image: validation and loading into guest RAM.
 * The image is untrusted input: every offset, size and address is checked,
 * without overflow, before a byte is copied. Works on a buffer, so the unit
 * tests feed it hand-made good and broken images.
 *
 * The kernel runs from the kernel map (MV_KERNEL_VIRT_BASE + phys, the first
 * 1 GiB), so each PT_LOAD must have p_vaddr == MV_KERNEL_VIRT_BASE + p_paddr
 * and lie below 1 GiB, in usable RAM.
 */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "gmem.h"
#include "memmap.h"

/*
 * Guest-physical ranges with a fixed use: page 0, the pages the VMM writes
 * at boot (boot parameters, command line) and the PC hole. Neither the
 * kernel image (elf_check) nor the boot reservation (boot_place) may
 * overlap one.
 */
struct fixed_range {
	uint64_t start, end;
	const char *what;
};

extern const struct fixed_range fixed_ranges[];
extern const unsigned int nr_fixed_ranges;

/* The first fixed range [start, end) overlaps, or NULL. */
const struct fixed_range *fixed_range_overlap(uint64_t start, uint64_t end);

struct kernel_image {
	uint64_t entry;		/* virtual, inside a loaded segment */
	uint64_t start;		/* physical extent of the PT_LOAD segments */
	uint64_t end;
	unsigned int nr_load;
};

/*
 * Validates @buf (@len bytes, named @name in messages) against the layout
 * @mm. Returns 0 and fills @k, or -1 with the message in @e.
 */
int elf_check(const void *buf, size_t len, const char *name,
	      const struct memmap *mm, struct kernel_image *k,
	      struct errbuf *e);

/* Copies a checked image into guest RAM, zero-filling each bss. */
int elf_load(const void *buf, size_t len, const char *name,
	     const struct gmem *gm, struct errbuf *e);

#endif
