/* SPDX-License-Identifier: MIT */
/*
 * Bounds-checked access to guest memory. Every access the VMM makes to guest
 * RAM goes through here: an access [gpa, gpa+len) must lie entirely inside
 * one RAM region, checked without overflow, or it fails. The guest keeps
 * running while the VMM reads, so callers copy a request out first and
 * validate the copy, never the live memory.
 *
 * Guest RAM is one MAP_NORESERVE anonymous mapping per RAM region: pages are
 * committed when the guest touches them, so --mem 64G costs nothing up front.
 */
#ifndef VMM_GMEM_H
#define VMM_GMEM_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "memmap.h"

#define GMEM_MAX_REGIONS	MM_MAX_RAM

struct gmem_region {
	uint64_t gpa;
	uint64_t size;
	void *host;
	int owned;		/* mmap'ed here, munmap on gmem_release */
};

struct gmem {
	struct gmem_region r[GMEM_MAX_REGIONS];
	unsigned int nr;
	/*
	 * Called before gmem_write and gmem_fill touch [gpa, gpa + len):
	 * makes pages a watch write-protected writable again (control/'s
	 * check_uaf_vm.c); NULL: none. Set before any thread starts.
	 */
	void (*before_write)(uint64_t gpa, size_t len);
};

void gmem_init(struct gmem *gm);

/*
 * Reserves host memory for each RAM region of @mm. Returns 0, or -1 with a
 * message (the size names --mem when the host cannot reserve that much).
 */
int gmem_map_ram(struct gmem *gm, const struct memmap *mm, struct errbuf *e);

/* Adds an existing buffer as a region (tests). -EINVAL, -ENOSPC, -EEXIST. */
int gmem_add(struct gmem *gm, uint64_t gpa, uint64_t size, void *host);

/* Unmaps what gmem_map_ram mapped and forgets every region. */
void gmem_release(struct gmem *gm);

/* The region holding [gpa, gpa+len), or NULL. len 0 asks about gpa alone. */
const struct gmem_region *gmem_region_of(const struct gmem *gm, uint64_t gpa,
					 uint64_t len);

/* Host pointer to [gpa, gpa+len), all inside one region, or NULL. */
void *gmem_ptr(const struct gmem *gm, uint64_t gpa, uint64_t len);

/* 0, or -EFAULT if the range is not all inside one region. */
int gmem_read(const struct gmem *gm, uint64_t gpa, void *dst, size_t len);
int gmem_write(const struct gmem *gm, uint64_t gpa, const void *src,
	       size_t len);
int gmem_fill(const struct gmem *gm, uint64_t gpa, int c, size_t len);

/*
 * Copies a NUL-terminated string of at most @max - 1 characters; @dst is
 * always terminated (a longer or unterminated string is cut). Reading stops
 * at the end of the region. Returns the length copied, or -EFAULT when @gpa
 * is not in RAM (then @dst is "").
 */
int gmem_read_str(const struct gmem *gm, uint64_t gpa, char *dst, size_t max);

#endif
