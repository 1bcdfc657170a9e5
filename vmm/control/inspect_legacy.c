// SPDX-License-Identifier: MIT
/*
 * TODO(pb2), temporary: the guest-published descriptor's checks and an
 * inspection opened from it, for the slab, mempool, vmalloc and per-CPU
 * readers until they read the image's layout (inspect.h's insp_open()).
 * This file goes with include/memvisor/mminfo.h's layout tables.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "inspect_legacy.h"

#define PAGE_4K		4096ULL

/* insp_list_walk()'s list_head: mminfo_check() requires 16 bytes. */
static const struct mm_layout legacy_layout = {
	.present = true,
	.list_head = { 16, { 0, 8 }, { 8, 8 } },
};

/* A scalar field inside a struct of @size bytes. */
static int check_field(struct mv_field f, uint32_t size, const char *name,
		       struct errbuf *e)
{
	if (f.size != 1 && f.size != 2 && f.size != 4 && f.size != 8)
		return errf(e, "mminfo: field %s has size %u (not 1, 2, 4 or 8)",
			    name, f.size);
	if ((uint64_t)f.off + f.size > size)
		return errf(e, "mminfo: field %s [%u+%u) is outside its struct (%u bytes)",
			    name, f.off, f.size, size);
	return 0;
}

/* An array of @n elements of @elem bytes at f.off, inside @size bytes. */
static int check_array(struct mv_field f, uint32_t elem, uint32_t n,
		       uint32_t size, const char *name, struct errbuf *e)
{
	if (!elem || !n || (uint64_t)elem * n != f.size)
		return errf(e, "mminfo: array %s is %u bytes, not %u x %u",
			    name, f.size, n, elem);
	if ((uint64_t)f.off + f.size > size)
		return errf(e, "mminfo: array %s [%u+%u) is outside its struct (%u bytes)",
			    name, f.off, f.size, size);
	return 0;
}

static int check_size(uint32_t size, uint32_t min, uint32_t max,
		      const char *name, struct errbuf *e)
{
	if (size < min || size > max)
		return errf(e, "mminfo: %s is %u bytes (%u..%u allowed)", name,
			    size, min, max);
	return 0;
}

#define F(st, fld)	check_field(l->fld, l->st, #fld, e)

int mminfo_check(const struct mv_mminfo *mi, struct errbuf *e)
{
	const struct mv_mm_layout_alloc *l = &mi->alloc;

	if (mi->magic != MV_MMINFO_MAGIC)
		return errf(e, "mminfo: magic 0x%" PRIx64 ", not MV_MMINFO_MAGIC",
			    mi->magic);
	if (mi->version != MV_MMINFO_VERSION)
		return errf(e, "mminfo: version %u, the VMM knows %u",
			    mi->version, MV_MMINFO_VERSION);
	if (mi->size < sizeof(*mi))
		return errf(e, "mminfo: size %u is less than %zu", mi->size,
			    sizeof(*mi));
	if (l->size != sizeof(*l))
		return errf(e, "mminfo: the allocator's layout table is %u bytes, the VMM's %zu",
			    l->size, sizeof(*l));
	if (mi->page_shift != 12)
		return errf(e, "mminfo: page_shift %u, not 12", mi->page_shift);
	if (mi->kernel_pgd_gpa & (PAGE_4K - 1))
		return errf(e, "mminfo: kernel_pgd_gpa 0x%" PRIx64 " is not page aligned",
			    mi->kernel_pgd_gpa);
	if (check_size(l->sizeof_list_head, 16, 16, "sizeof_list_head", e) ||
	    F(sizeof_list_head, list_next) || F(sizeof_list_head, list_prev) ||
	    l->list_next.size != 8 || l->list_prev.size != 8)
		return e->msg[0] ? -1 : errf(e, "mminfo: list_head pointers are not 8 bytes");
	if (check_size(l->sizeof_page, 16, 4096, "sizeof_page", e) ||
	    l->sizeof_page != mi->sizeof_page ||
	    F(sizeof_page, page_flags) || F(sizeof_page, page_private) ||
	    check_array(l->page_lru, l->sizeof_list_head, 1, l->sizeof_page,
			"page_lru", e))
		return e->msg[0] ? -1 : errf(e, "mminfo: sizeof_page %u disagrees with the layout's %u",
					     mi->sizeof_page, l->sizeof_page);
	if (check_size(l->sizeof_zone, 64, INSP_MAX_STRUCT, "sizeof_zone", e) ||
	    l->sizeof_zone != mi->sizeof_zone ||
	    F(sizeof_zone, zone_name) || F(sizeof_zone, zone_start_pfn) ||
	    F(sizeof_zone, zone_spanned) || F(sizeof_zone, zone_present) ||
	    F(sizeof_zone, zone_managed) || F(sizeof_zone, zone_free_pages) ||
	    F(sizeof_zone, zone_first_deferred_pfn) ||
	    F(sizeof_zone, zone_deferred_pages) ||
	    F(sizeof_zone, zone_lock_next) || F(sizeof_zone, zone_lock_owner))
		return e->msg[0] ? -1 : errf(e, "mminfo: sizeof_zone %u disagrees with the layout's %u",
					     mi->sizeof_zone, l->sizeof_zone);
	if (l->nr_wmark != 3 ||
	    check_array(l->zone_watermark, 8, 3, l->sizeof_zone,
			"zone_watermark", e))
		return e->msg[0] ? -1 : errf(e, "mminfo: %u watermarks, not 3", l->nr_wmark);
	if (l->max_order < 1 || l->max_order > 20)
		return errf(e, "mminfo: max_order %u (1..20 allowed)", l->max_order);
	if (check_size(l->sizeof_free_area, 16, 4096, "sizeof_free_area", e) ||
	    check_array(l->zone_free_area, l->sizeof_free_area, l->max_order,
			l->sizeof_zone, "zone_free_area", e) ||
	    check_array(l->free_area_free_list, l->sizeof_list_head, 1,
			l->sizeof_free_area, "free_area_free_list", e) ||
	    F(sizeof_free_area, free_area_nr_free))
		return -1;
	if (l->nr_pcp < 1 || l->nr_pcp > 4096)
		return errf(e, "mminfo: nr_pcp %u (1..4096 allowed)", l->nr_pcp);
	if (mi->nr_cpus < 1 || mi->nr_cpus > l->nr_pcp)
		return errf(e, "mminfo: nr_cpus %u (1..nr_pcp %u allowed)",
			    mi->nr_cpus, l->nr_pcp);
	if (l->nr_pcp_lists < 1 || l->nr_pcp_lists > l->max_order)
		return errf(e, "mminfo: nr_pcp_lists %u (1..max_order allowed)",
			    l->nr_pcp_lists);
	if (check_size(l->sizeof_pcp, 16, 65536, "sizeof_pcp", e) ||
	    check_array(l->zone_pcp, l->sizeof_pcp, l->nr_pcp, l->sizeof_zone,
			"zone_pcp", e) ||
	    F(sizeof_pcp, pcp_count) || F(sizeof_pcp, pcp_high) ||
	    F(sizeof_pcp, pcp_batch) ||
	    check_array(l->pcp_lists, l->sizeof_list_head, l->nr_pcp_lists,
			l->sizeof_pcp, "pcp_lists", e))
		return -1;
	if (check_size(l->sizeof_memblock, 16, 65536, "sizeof_memblock", e) ||
	    check_size(l->sizeof_memblock_type, 16, 4096, "sizeof_memblock_type", e) ||
	    check_array(l->memblock_memory, l->sizeof_memblock_type, 1,
			l->sizeof_memblock, "memblock_memory", e) ||
	    check_array(l->memblock_reserved, l->sizeof_memblock_type, 1,
			l->sizeof_memblock, "memblock_reserved", e) ||
	    F(sizeof_memblock_type, mbt_cnt) || F(sizeof_memblock_type, mbt_max) ||
	    F(sizeof_memblock_type, mbt_total_size) ||
	    F(sizeof_memblock_type, mbt_regions) ||
	    check_size(l->sizeof_memblock_region, 8, 4096,
		       "sizeof_memblock_region", e) ||
	    F(sizeof_memblock_region, mbr_base) ||
	    F(sizeof_memblock_region, mbr_size) ||
	    F(sizeof_memblock_region, mbr_flags))
		return -1;
	if (mi->nr_zones < 1 || mi->nr_zones > 8)
		return errf(e, "mminfo: nr_zones %u (1..8 allowed)", mi->nr_zones);
	if (mi->max_pfn > (1ULL << (52 - 12)))
		return errf(e, "mminfo: max_pfn 0x%" PRIx64 " is beyond 52-bit physical addresses",
			    mi->max_pfn);
	return 0;
}

#undef F

int insp_open_mminfo(struct insp *in, const struct gmem *gm,
		     uint64_t mminfo_gpa, struct errbuf *e)
{
	insp_init(in, gm);
	in->lay = &legacy_layout;
	e->msg[0] = '\0';
	if (!mminfo_gpa)
		return errf(e, "the guest has not published its mminfo descriptor (HC_MMINFO)");
	/* Copy, then check the copy: the guest may be changing it. */
	if (gmem_read(gm, mminfo_gpa, &in->mi, sizeof(in->mi)))
		return errf(e, "mminfo: descriptor [0x%" PRIx64 "+0x%zx) is not in guest RAM",
			    mminfo_gpa, sizeof(in->mi));
	if (mminfo_check(&in->mi, e))
		return -1;
	in->cr3 = in->mi.kernel_pgd_gpa;
	return 0;
}

uint64_t insp_field(const void *buf, struct mv_field f)
{
	const uint8_t *p = (const uint8_t *)buf + f.off;
	uint64_t v = 0;

	switch (f.size) {
	case 1: return p[0];
	case 2: { uint16_t x; memcpy(&x, p, 2); return x; }
	case 4: { uint32_t x; memcpy(&x, p, 4); return x; }
	case 8: memcpy(&v, p, 8); return v;
	}
	return 0;
}

