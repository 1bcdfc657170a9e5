// SPDX-License-Identifier: MIT
/*
 * page-owner: who owns a guest page frame (page_owner.h). The struct page
 * says most of it in one look (page_state_read(), what the devices get);
 * the full answer adds what only a wider look can: the zone, memblock for
 * pages whose struct page is not initialised or is reserved, the kernel's
 * page tables (the one page walker, pagewalk.h), the vmap area.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/layout.h>

#include "inspect.h"
#include "inspect_query.h"
#include "ksyms.h"
#include "page_owner.h"
#include "pagewalk.h"
#include "slab_cmds.h"
#include "vm.h"
#include "vmalloc_cmds.h"

#define PAGE_SZ		4096ULL

static bool test_flag(uint64_t flags, uint64_t bit)
{
	return bit < 64 && (flags & (1ULL << bit));
}

/* A field of a struct page copy. */
static uint64_t page_field(const struct insp *r, const uint8_t *page,
			   struct field f)
{
	return field_get(page, r->lay->page.size, f);
}

/* Buddy orders 0..max_order-1: the zones' free_area[] length. */
static uint64_t max_order(const struct insp *r)
{
	return r->lay->zone.free_area.count;
}

static int read_page(struct insp *r, uint64_t pfn, uint8_t *page)
{
	uint64_t size = r->lay->page.size;

	if (insp_read(r, r->mem_map + pfn * size, page, size)) {
		insp_problem(r, "struct page of pfn %" PRIu64 " is not readable", pfn);
		return -1;
	}
	return 0;
}

/* ---- one look at the struct page --------------------------------------- */

/* What the page's own struct page says; false if it says nothing. */
bool page_state_says(struct insp *r, uint64_t pfn, const uint8_t *page,
		     struct page_state *s)
{
	const struct mm_layout *l = r->lay;
	uint64_t flags = page_field(r, page, l->page.flags);
	uint64_t order;

	if (test_flag(flags, l->pg.slab)) {
		s->kind = PAGE_STATE_SLAB;
		s->cache = page_field(r, page, l->page.slab_cache);
		return true;
	}
	if (test_flag(flags, l->pg.buddy)) {
		order = page_field(r, page, l->page.private_);
		if (order < max_order(r)) {
			s->kind = PAGE_STATE_FREE;
			s->order = (int)order;
			return true;
		}
		insp_problem(r, "pfn %" PRIu64 ": PG_buddy with order %" PRIu64,
			     pfn, order);
	}
	if (test_flag(flags, l->pg.pcp)) {
		s->kind = PAGE_STATE_PCP;
		return true;
	}
	if (test_flag(flags, l->pg.reserved)) {
		s->kind = PAGE_STATE_RESERVED;
		return true;
	}
	if ((int32_t)page_field(r, page, l->page.refcount) > 0) {
		order = page_field(r, page, l->page.order);
		if (order >= max_order(r))
			insp_problem(r, "pfn %" PRIu64 ": allocated with order %" PRIu64,
				     pfn, order);
		s->kind = PAGE_STATE_ALLOCATED;
		s->order = order > 0xffff ? 0xffff : (int)order;
		return true;
	}
	return false;
}

/*
 * The block a head candidate starts: free (PG_buddy) or allocated (a
 * reference), with its order; false if it starts none.
 */
static bool head_block(struct insp *r, const uint8_t *head, struct page_state *h)
{
	const struct mm_layout *l = r->lay;
	uint64_t order;

	if (test_flag(page_field(r, head, l->page.flags), l->pg.buddy)) {
		order = page_field(r, head, l->page.private_);
		h->kind = PAGE_STATE_FREE;
	} else if (test_flag(page_field(r, head, l->page.flags), l->pg.pcp)) {
		/* a per-CPU list's block keeps its order in private too */
		order = page_field(r, head, l->page.private_);
		h->kind = PAGE_STATE_PCP;
	} else if ((int32_t)page_field(r, head, l->page.refcount) > 0) {
		order = page_field(r, head, l->page.order);
		h->kind = PAGE_STATE_ALLOCATED;
	} else {
		return false;
	}
	h->order = order < max_order(r) ? (int)order : -1;
	return true;
}

/*
 * A page its own struct page says nothing of: the head of the free block
 * or allocation it lies in, one candidate per order (Linux's
 * is_free_buddy_page()): at most max_order reads.
 */
void page_state_of_head(struct insp *r, uint64_t pfn, struct page_state *s)
{
	uint8_t head[INSP_PAGE_STRUCT_MAX];

	for (uint32_t k = 1; k < max_order(r) && k < 64; k++) {
		uint64_t hpfn = pfn & ~((1ULL << k) - 1);
		struct page_state h = { PAGE_STATE_UNKNOWN, -1, hpfn, 0, 0 };

		if (hpfn == (pfn & ~((1ULL << (k - 1)) - 1)))
			continue;	/* the same head as before */
		if (read_page(r, hpfn, head))
			return;
		if (!head_block(r, head, &h))
			continue;
		if (h.order >= 0 && pfn - hpfn < (1ULL << h.order))
			*s = h;
		return;		/* or a block that ends before pfn */
	}
}

/*
 * Fills @s from the struct pages of a frame below max_pfn, and *@flags
 * from its own: 0, or -1 when its struct page is not readable (reported).
 */
static int look_at_page(struct insp *r, uint64_t pfn, struct page_state *s,
			uint64_t *flags)
{
	uint8_t page[INSP_PAGE_STRUCT_MAX];

	*s = (struct page_state){ PAGE_STATE_UNKNOWN, -1, pfn, 0, 0 };
	if (read_page(r, pfn, page))
		return -1;
	*flags = page_field(r, page, r->lay->page.flags);
	if (!page_state_says(r, pfn, page, s))
		page_state_of_head(r, pfn, s);
	return 0;
}

/*
 * insp_open() and the struct page array: 0, or -1 with @e (the inspection
 * closed): the image has no memory manager, mem_map is not set up yet or
 * is damaged.
 */
static int owner_open(struct insp *r, const struct gmem *gm, uint64_t cr3,
		      const struct mm_layout *lay, struct errbuf *e)
{
	uint64_t mem_map, max_pfn;
	char why[200];

	if (insp_open(r, gm, lay, cr3, e))
		goto fail;
	if (!insp_mem_map(r, &mem_map, &max_pfn))
		return 0;
	errf(e, "%s", insp_stop_why(r, why, sizeof(why)) ? why : r->err);
fail:
	insp_close(r);
	return -1;
}

int page_state_read(const struct gmem *gm, uint64_t cr3,
		    const struct mm_layout *lay, uint64_t pfn,
		    struct page_state *s, struct errbuf *e)
{
	struct insp r;
	uint64_t flags;

	*s = (struct page_state){ PAGE_STATE_UNKNOWN, -1, pfn, 0, 0 };
	if (owner_open(&r, gm, cr3, lay, e))
		return -1;
	if (pfn < r.max_pfn)
		look_at_page(&r, pfn, s, &flags);
	insp_close(&r);
	return 0;
}

/* ---- the full answer ---------------------------------------------------- */

struct table_search {
	struct insp *r;
	uint64_t pfn;
	bool found;
};

/* Each table visited counts against the query's time, as a read does. */
static bool table_is_pfn(void *opaque, uint64_t table_gpa, unsigned int level)
{
	struct table_search *ts = opaque;

	ts->found = table_gpa / PAGE_SZ == ts->pfn;
	return !ts->found && !insp_spent(ts->r);
}

/* Is @pfn one of the kernel's page-table pages? */
static bool is_page_table(struct insp *r, uint64_t pfn)
{
	struct table_search ts = { r, pfn, false };
	bool truncated;

	pagewalk_tables(r->gm, r->cr3, PAGE_OWNER_MAX_TABLES, table_is_pfn,
			&ts, &truncated);
	if (truncated)
		insp_problem(r, "page tables: more than %u table pages, not all were looked at",
			     PAGE_OWNER_MAX_TABLES);
	return ts.found;
}

static bool in_memblock_reserved(struct insp *r, uint64_t pfn)
{
	const struct mm_layout *l = r->lay;
	uint64_t type = l->root.memblock + l->memblock.reserved.off;
	uint64_t pa = pfn * PAGE_SZ, cnt, regions;

	if (insp_read_field(r, type, l->memblock_type.cnt, &cnt) ||
	    insp_read_field(r, type, l->memblock_type.regions, &regions)) {
		insp_problem(r, "memblock.reserved is not readable");
		return false;
	}
	if (cnt > 65536) {
		insp_problem(r, "memblock.reserved: %" PRIu64 " regions", cnt);
		cnt = 65536;
	}
	for (uint64_t i = 0; i < cnt; i++) {
		uint64_t reg = regions + i * l->memblock_region.size, base, size;

		if (insp_read_field(r, reg, l->memblock_region.base, &base) ||
		    insp_read_field(r, reg, l->memblock_region.size_, &size)) {
			insp_problem(r, "memblock.reserved: region %" PRIu64 " is not readable", i);
			return false;
		}
		if (pa >= base && pa - base < size)
			return true;
	}
	return false;
}

/* The zone that spans @pfn: its name in o->zone; its first deferred pfn. */
static bool find_zone(struct insp *r, uint64_t pfn, struct page_owner *o,
		      uint64_t *first_deferred)
{
	const struct mm_layout *l = r->lay;

	for (uint32_t i = 0; i < l->root.nr_zones && i < 64; i++) {
		uint64_t zva = l->root.zones + (uint64_t)i * l->zone.size;
		uint64_t start, spanned, name;

		if (insp_read_field(r, zva, l->zone.start_pfn, &start) ||
		    insp_read_field(r, zva, l->zone.spanned, &spanned) ||
		    insp_read_field(r, zva, l->zone.first_deferred_pfn,
				    first_deferred) ||
		    insp_read_field(r, zva, l->zone.name, &name)) {
			insp_problem(r, "zone %u is not readable", i);
			continue;
		}
		if (pfn >= start && pfn - start < spanned) {
			if (insp_read_str(r, name, o->zone, sizeof(o->zone)))
				snprintf(o->zone, sizeof(o->zone), "?");
			return true;
		}
	}
	return false;
}

/* The kernel image's frames [start, end): _text and _end, physical. */
static bool in_kernel_image(const struct insp *r, uint64_t pfn)
{
	uint64_t start = r->lay->root.kernel_start - MV_KERNEL_VIRT_BASE;
	uint64_t end = r->lay->root.kernel_end - MV_KERNEL_VIRT_BASE;

	return pfn >= start / PAGE_SZ && pfn < (end + PAGE_SZ - 1) / PAGE_SZ;
}

/* A frame no allocator owns: an ioremap window over it is its owner. */
static bool owned_by_ioremap(struct insp *r, struct page_owner *o)
{
	o->in_vmap_area = vmalloc_area_of_pfn(r, o->pfn, &o->vmap_area);
	if (!o->in_vmap_area)
		return false;
	o->kind = PAGE_OWNER_IOREMAP;
	return true;
}

/* PG_reserved: the kernel image, memblock, an ioremap window, or unknown. */
static void reserved_owner(struct insp *r, struct page_owner *o)
{
	if (in_kernel_image(r, o->pfn))
		o->kind = PAGE_OWNER_KERNEL;
	else if (in_memblock_reserved(r, o->pfn))
		o->kind = PAGE_OWNER_BOOTMEM;
	else if (!owned_by_ioremap(r, o))
		o->reason = "PG_reserved outside memblock.reserved (firmware or a hole)";
}

/*
 * Who allocated the block headed by @head_pfn: its page owner record
 * (u32 offset from the kernel map; 0 if not recorded), or 0.
 */
static uint64_t allocation_caller(struct insp *r, uint64_t head_pfn)
{
	uint64_t owners;
	uint32_t off;

	if (insp_read(r, r->lay->root.page_owner_ips, &owners, sizeof(owners)) ||
	    !owners) {
		insp_problem(r, "page_owner_ips is not readable or not set up");
		return 0;
	}
	if (insp_read(r, owners + head_pfn * sizeof(off), &off, sizeof(off))) {
		insp_problem(r, "page owner of pfn %" PRIu64 " is not readable",
			     head_pfn);
		return 0;
	}
	return off ? r->lay->root.page_owner_base + off : 0;
}

/* ---- many frames in one look: the devices' ranges ------------------------ */

#define RESERVED_REGIONS_MAX	128	/* memblock.reserved regions kept */

/* memblock.reserved, read once per range look. */
struct reserved_regions {
	bool read, too_many;
	unsigned int n;
	uint64_t base[RESERVED_REGIONS_MAX], size[RESERVED_REGIONS_MAX];
};

static void reserved_regions_read(struct insp *r, struct reserved_regions *rr)
{
	const struct mm_layout *l = r->lay;
	uint64_t type = l->root.memblock + l->memblock.reserved.off;
	uint64_t cnt, regions;

	/* Every look starts over: the struct is a thread's, kept across
	 * looks, and n carried over overflowed base[] into the thread's TLS
	 * (the DMA device's thread crashed after enough range looks). */
	*rr = (struct reserved_regions){ .read = true };
	if (insp_read_field(r, type, l->memblock_type.cnt, &cnt) ||
	    insp_read_field(r, type, l->memblock_type.regions, &regions))
		return;
	rr->too_many = cnt > RESERVED_REGIONS_MAX;
	for (uint64_t i = 0; i < cnt && i < RESERVED_REGIONS_MAX; i++) {
		uint64_t reg = regions + i * l->memblock_region.size;

		if (insp_read_field(r, reg, l->memblock_region.base, &rr->base[rr->n]) ||
		    insp_read_field(r, reg, l->memblock_region.size_, &rr->size[rr->n]))
			return;
		rr->n++;
	}
}

static bool in_reserved_regions(struct insp *r, struct reserved_regions *rr,
				uint64_t pfn)
{
	uint64_t pa = pfn * PAGE_SZ;

	if (!rr->read)
		reserved_regions_read(r, rr);
	if (rr->too_many)
		return in_memblock_reserved(r, pfn);
	for (unsigned int i = 0; i < rr->n; i++)
		if (pa >= rr->base[i] && pa - rr->base[i] < rr->size[i])
			return true;
	return false;
}

/* What a range look adds to the O(1) one: PG_reserved told apart, the caller. */
static void page_state_refine(struct insp *r, struct reserved_regions *rr,
			      uint64_t pfn, struct page_state *s)
{
	if (s->kind == PAGE_STATE_RESERVED) {
		if (in_kernel_image(r, pfn))
			s->kind = PAGE_STATE_KERNEL;
		else if (in_reserved_regions(r, rr, pfn))
			s->kind = PAGE_STATE_BOOTMEM;
	}
	if (s->kind == PAGE_STATE_ALLOCATED)
		s->caller = allocation_caller(r, s->head_pfn);
}

int page_states_read(const struct gmem *gm, uint64_t cr3,
		     const struct mm_layout *lay, uint64_t pfn, unsigned int n,
		     struct page_state *s, struct errbuf *e)
{
	static __thread struct reserved_regions rr;
	struct insp r;
	uint64_t flags;

	for (unsigned int i = 0; i < n; i++)
		s[i] = (struct page_state){ PAGE_STATE_UNKNOWN, -1, pfn + i, 0, 0 };
	if (owner_open(&r, gm, cr3, lay, e))
		return -1;
	rr.read = false;
	for (unsigned int i = 0; i < n && pfn + i < r.max_pfn; i++) {
		if (look_at_page(&r, pfn + i, &s[i], &flags))
			s[i].kind = PAGE_STATE_NONE;
		else
			page_state_refine(&r, &rr, pfn + i, &s[i]);
	}
	insp_close(&r);
	return 0;
}

/* A frame below max_pfn whose struct page is initialised. */
static void owner_of_page(struct insp *r, struct page_owner *o)
{
	struct page_state s;
	uint64_t flags;

	if (look_at_page(r, o->pfn, &s, &flags))
		return;		/* unknown: the inconsistency says why */
	o->order = s.order;
	o->head_pfn = s.head_pfn;
	if (s.kind == PAGE_STATE_SLAB) {
		o->kind = PAGE_OWNER_SLAB;
		o->cache = s.cache;
		slab_cache_name(r, s.cache, o->cache_name, sizeof(o->cache_name));
		return;
	}
	if (s.kind == PAGE_STATE_FREE || s.kind == PAGE_STATE_PCP) {
		o->kind = s.kind == PAGE_STATE_FREE ? PAGE_OWNER_FREE : PAGE_OWNER_PCP;
		return;
	}
	o->order = -1;
	if (is_page_table(r, o->pfn)) {
		o->kind = PAGE_OWNER_PAGETABLE;
		o->head_pfn = o->pfn;
		return;
	}
	if (s.kind == PAGE_STATE_RESERVED) {
		reserved_owner(r, o);
		return;
	}
	if (s.kind == PAGE_STATE_ALLOCATED) {
		o->kind = PAGE_OWNER_ALLOCATED;
		o->order = s.order;
		o->compound = s.head_pfn == o->pfn &&
			      test_flag(flags, r->lay->pg.head);
		o->caller = allocation_caller(r, s.head_pfn);
		o->in_vmap_area = vmalloc_area_of_pfn(r, o->pfn, &o->vmap_area);
		return;
	}
	o->reason = "no flag says, no reference, in no free or allocated block";
}

static void read_owner(struct insp *r, struct page_owner *o)
{
	uint64_t first_deferred = 0;

	if (o->pfn >= r->max_pfn) {
		if (!owned_by_ioremap(r, o))
			o->reason = "beyond max_pfn";
		return;
	}
	if (find_zone(r, o->pfn, o, &first_deferred) &&
	    o->pfn >= first_deferred) {
		/* Its struct page is not initialised yet: memblock says. */
		if (in_memblock_reserved(r, o->pfn)) {
			o->kind = PAGE_OWNER_BOOTMEM;
		} else {
			o->kind = PAGE_OWNER_FREE;
			o->deferred = true;
		}
		return;
	}
	owner_of_page(r, o);
}

int page_owner_read(const struct gmem *gm, uint64_t cr3,
		    const struct mm_layout *lay, const struct insp_bounds *b,
		    uint64_t pfn, struct page_owner *o, json_t **problems,
		    struct errbuf *e)
{
	struct insp r;

	memset(o, 0, sizeof(*o));
	o->pfn = pfn;
	o->kind = PAGE_OWNER_UNKNOWN;
	o->order = -1;
	o->head_pfn = pfn;
	if (owner_open(&r, gm, cr3, lay, e))
		return -1;
	insp_bound(&r, b);
	read_owner(&r, o);
	*problems = insp_take_problems(&r);
	insp_close(&r);
	return 0;
}

/* ---- the edge: JSON ------------------------------------------------------ */

static const char *const owner_name[] = {
	[PAGE_OWNER_UNKNOWN] = "unknown",
	[PAGE_OWNER_FREE] = "free",
	[PAGE_OWNER_PCP] = "pcp",
	[PAGE_OWNER_SLAB] = "slab",
	[PAGE_OWNER_BOOTMEM] = "bootmem",
	[PAGE_OWNER_PAGETABLE] = "pagetable",
	[PAGE_OWNER_KERNEL] = "kernel",
	[PAGE_OWNER_ALLOCATED] = "allocated",
	[PAGE_OWNER_IOREMAP] = "ioremap",
};

/* "caller", and "caller_symbol" when the kernel's symbols name it. */
static void owner_caller_json(json_t *ret, uint64_t caller,
			      const struct ksyms *ks)
{
	char sym[KSYM_FORMAT_MAX];

	json_object_set_new(ret, "caller", qmp_addr(caller));
	if (ks && !ksyms_format(ks, caller, sym, sizeof(sym)))
		json_object_set_new(ret, "caller_symbol", json_string(sym));
}

json_t *page_owner_json(struct page_owner *o, json_t *problems,
			const struct ksyms *ks)
{
	json_t *ret = json_pack("{s:I,s:s}", "pfn", (json_int_t)o->pfn,
				"owner", owner_name[o->kind]);

	if (o->zone[0])
		json_object_set_new(ret, "zone", json_string(o->zone));
	if (o->deferred)
		json_object_set_new(ret, "deferred", json_true());
	if (o->kind == PAGE_OWNER_SLAB)
		json_object_set_new(ret, "cache", json_string(o->cache_name));
	if (o->order >= 0)
		json_object_set_new(ret, "order", json_integer(o->order));
	if (o->compound)
		json_object_set_new(ret, "compound", json_true());
	if (o->head_pfn != o->pfn)
		json_object_set_new(ret, "head_pfn", json_integer(o->head_pfn));
	if (o->caller)
		owner_caller_json(ret, o->caller, ks);
	if (o->in_vmap_area)
		json_object_set_new(ret, "vmap_area", vmap_page_json(&o->vmap_area, ks));
	if (o->reason)
		json_object_set_new(ret, "reason", json_string(o->reason));
	json_object_set_new(ret, "inconsistencies", problems);
	return ret;
}

json_t *page_owner_answer(const struct gmem *gm, uint64_t cr3,
			  const struct mm_layout *lay,
			  const struct insp_bounds *b, uint64_t pfn,
			  struct errbuf *e)
{
	struct page_owner o;
	json_t *problems;

	if (page_owner_read(gm, cr3, lay, b, pfn, &o, &problems, e))
		return NULL;
	return page_owner_json(&o, problems, b ? b->ksyms : NULL);
}

/* ---- for the devices, and the command ----------------------------------- */

int page_states_of_vm(void *opaque, uint64_t pfn, unsigned int n,
		      struct page_state *s)
{
	struct vm *vm = opaque;
	struct errbuf e;

	return page_states_read(&vm->gmem, vm->boot.pml4, vm->layout, pfn, n,
				s, &e);
}

static json_t *page_owner_query(const struct insp_query *q, void *opaque,
				struct qmp_error *err)
{
	struct insp_bounds b = {
		.deadline_ns = q->deadline_ns, .ksyms = &q->vm->ksyms,
	};
	struct errbuf e = { "" };
	json_t *ret = page_owner_answer(q->gm, q->boot_cr3, q->lay, &b,
					*(uint64_t *)opaque, &e);

	if (!ret)
		qmp_errorf(err, "GenericError", "%s", e.msg);
	return ret;
}

json_t *cmd_page_owner(struct qmp_ctx *ctx, json_t *args,
		       struct qmp_error *err)
{
	json_int_t pfn = json_integer_value(json_object_get(args, "pfn"));
	uint64_t upfn = pfn;

	if (pfn < 0) {
		qmp_errorf(err, "GenericError",
			   "Parameter 'pfn' expects a frame number >= 0");
		return NULL;
	}
	return insp_query(ctx, "page-owner", 1, page_owner_query, &upfn, err);
}
