// SPDX-License-Identifier: MIT
/* The VMM's own walk of the guest's page tables (see pagewalk.h). */
#include <string.h>

#include "pagewalk.h"
#include "pgtable.h"

#define PW_ENTRIES	512
#define PW_VA_BITS	48
/* bits 51..MAXPHYADDR are reserved; we accept up to 52-bit addresses */
#define PW_RSVD_LARGE_2M	0x1fe000ULL	/* PDE with PS: bits 20..13 */
#define PW_RSVD_LARGE_1G	0x3fffe000ULL	/* PDPTE with PS: bits 29..13 */

const char *pw_level_name(unsigned int level)
{
	static const char *const names[] = { "?", "PTE", "PDE", "PDPTE", "PML4E" };

	return level <= PW_LEVELS ? names[level] : "?";
}

static unsigned int shift_of(unsigned int level)
{
	return 12 + 9 * (level - 1);
}

static bool canonical(uint64_t va)
{
	uint64_t top = va >> (PW_VA_BITS - 1);

	return top == 0 || top == (~0ULL >> (PW_VA_BITS - 1));
}

static int walk_fail(struct pagewalk *w, const char *why)
{
	w->present = false;
	w->error = why;
	return -1;
}

/* Folds one entry's permissions into the walk's effective flags. */
static void fold_flags(struct pagewalk *w, uint64_t entry)
{
	w->flags &= entry | ~(PTE_RW | PTE_US);
	w->flags |= entry & PTE_NX;
}

static int leaf(struct pagewalk *w, unsigned int level, uint64_t entry)
{
	uint64_t size = 1ULL << shift_of(level);

	if (level == 2 && (entry & PW_RSVD_LARGE_2M))
		return walk_fail(w, "reserved bits set in a 2 MiB PDE");
	if (level == 3 && (entry & PW_RSVD_LARGE_1G))
		return walk_fail(w, "reserved bits set in a 1 GiB PDPTE");
	w->page_size = size;
	w->gpa = (entry & PTE_ADDR_MASK & ~(size - 1)) | (w->va & (size - 1));
	w->flags = (w->flags & ~PTE_ADDR_MASK) | (entry & (PTE_A | PTE_D)) | PTE_P;
	w->present = true;
	w->error = NULL;
	return 0;
}

int pagewalk(const struct gmem *gm, uint64_t cr3, uint64_t va,
	     struct pagewalk *w)
{
	static const char *const not_present[] = {
		"?", "not present in its PTE", "not present in its PDE",
		"not present in its PDPTE", "not present in its PML4E",
	};
	uint64_t table = cr3 & PTE_ADDR_MASK;

	memset(w, 0, sizeof(*w));
	w->va = va;
	w->cr3 = cr3;
	w->flags = PTE_RW | PTE_US;
	if (!canonical(va))
		return walk_fail(w, "non-canonical address");
	for (unsigned int level = PW_LEVELS; level >= 1; level--) {
		struct pw_level *l = &w->lv[w->nr_levels];
		uint64_t entry;

		l->level = level;
		l->index = (va >> shift_of(level)) & (PW_ENTRIES - 1);
		l->entry_gpa = table + l->index * 8;
		if (gmem_read(gm, l->entry_gpa, &entry, sizeof(entry)))
			return walk_fail(w, level == PW_LEVELS ?
					 "CR3 points outside guest RAM" :
					 "a page table lies outside guest RAM");
		l->entry = entry;
		w->nr_levels++;
		if (!(entry & PTE_P))
			return walk_fail(w, not_present[level]);
		fold_flags(w, entry);
		if (level == 1 || ((level == 2 || level == 3) && (entry & PTE_PS)))
			return leaf(w, level, entry);
		if (level == PW_LEVELS && (entry & PTE_PS))
			return walk_fail(w, "PS set in a PML4E (reserved)");
		table = entry & PTE_ADDR_MASK;
	}
	return walk_fail(w, "no leaf");	/* not reached: level 1 is a leaf */
}

/* ---- the walk cache ------------------------------------------------------ */

void pw_cache_init(struct pw_cache *c, uint64_t gen)
{
	memset(c, 0, sizeof(*c));
	c->epoch = 1;
	c->gen = gen;
}

void pw_cache_flush(struct pw_cache *c)
{
	c->epoch++;
}

/* The slot of @va's page of 1 << @shift bytes; its tag is the page | shift. */
static struct pw_cache_slot *cache_slot(struct pw_cache *c, uint64_t va,
					unsigned int shift, uint64_t *tag)
{
	uint64_t page = va >> shift;

	*tag = (page << shift) | shift;
	page ^= page >> 9;
	return &c->slot[(page * 2 + (shift == 12 ? 0 : 1)) &
			(PW_CACHE_SLOTS - 1)];
}

static inline bool cache_hit(const struct pw_cache *c,
			     const struct pw_cache_slot *s, uint64_t tag,
			     uint64_t cr3)
{
	return s->tag == tag && s->cr3 == cr3 && s->epoch == c->epoch;
}

/* A hit for @va's page of 1 << @shift bytes fills @x. */
static inline __attribute__((always_inline)) bool
cache_probe(struct pw_cache *c, uint64_t va, unsigned int shift, uint64_t cr3,
	    struct pw_xlate *x)
{
	uint64_t tag;
	const struct pw_cache_slot *s = cache_slot(c, va, shift, &tag);

	if (!cache_hit(c, s, tag, cr3))
		return false;
	x->page_size = 1ULL << shift;
	x->gpa = s->pa | (va & (x->page_size - 1));
	x->flags = s->flags;
	return true;
}

/* A miss: the full walk, whose result fills a slot. Out of line, so that a
 * hit pays for none of its stack. */
static __attribute__((noinline)) int
cache_fill(const struct gmem *gm, struct pw_cache *c, uint64_t cr3,
	   uint64_t va, struct pw_xlate *x, const char **error)
{
	struct pw_cache_slot *s;
	struct pagewalk w;
	unsigned int shift;
	uint64_t tag;

	c->misses++;
	if (pagewalk(gm, cr3, va, &w)) {
		if (error)
			*error = w.error;
		return -1;
	}
	x->gpa = w.gpa;
	x->page_size = w.page_size;
	x->flags = w.flags;
	shift = __builtin_ctzll(w.page_size);
	s = cache_slot(c, va, shift, &tag);
	*s = (struct pw_cache_slot){
		.tag = tag, .cr3 = cr3, .pa = w.gpa & ~(w.page_size - 1),
		.flags = w.flags, .epoch = c->epoch,
	};
	return 0;
}

int pagewalk_cached(const struct gmem *gm, struct pw_cache *c, uint64_t gen,
		    uint64_t cr3, uint64_t va, struct pw_xlate *x,
		    const char **error)
{
	if (c->gen != gen) {
		pw_cache_flush(c);
		c->gen = gen;
	}
	/* 4 KiB, 2 MiB, 1 GiB: each probe's shift a constant */
	if (cache_probe(c, va, 12, cr3, x) || cache_probe(c, va, 21, cr3, x) ||
	    cache_probe(c, va, 30, cr3, x)) {
		c->hits++;
		return 0;
	}
	return cache_fill(gm, c, cr3, va, x, error);
}

/* ---- dumps --------------------------------------------------------------- */

struct dump {
	const struct gmem *gm;
	uint64_t start, end;
	unsigned long tables_left;
	pw_mapping_fn fn;		/* NULL: the tables alone */
	pw_table_fn table_fn;		/* NULL: the mappings alone */
	void *opaque;
	struct pw_mapping run;		/* the run being merged, size 0: none */
	unsigned long runs;
	bool stop, truncated;
};

static uint64_t sign_extend(uint64_t va)
{
	return va & (1ULL << (PW_VA_BITS - 1)) ? va | ~((1ULL << PW_VA_BITS) - 1) : va;
}

static void emit(struct dump *d, uint64_t va, uint64_t pa, uint64_t size,
		 uint64_t flags)
{
	struct pw_mapping *r = &d->run;

	if (!d->fn)
		return;
	if (r->size && r->va + r->size == va && r->pa + r->size == pa &&
	    r->flags == flags) {
		r->size += size;
		return;
	}
	if (r->size) {
		d->runs++;
		if (!d->fn(d->opaque, r))
			d->stop = true;
	}
	*r = (struct pw_mapping){ va, pa, size, flags };
}

#define LEAF_FLAGS	(PTE_RW | PTE_US | PTE_NX)

static void dump_table(struct dump *d, uint64_t table, unsigned int level,
		       uint64_t base, uint64_t flags)
{
	uint64_t span = 1ULL << shift_of(level);

	if (!d->tables_left) {
		d->truncated = true;
		d->stop = true;
		return;
	}
	d->tables_left--;
	if (d->table_fn && !d->table_fn(d->opaque, table, level)) {
		d->stop = true;
		return;
	}
	for (unsigned int i = 0; i < PW_ENTRIES && !d->stop; i++) {
		uint64_t va = sign_extend(base + i * span), entry, f;

		if (va + span - 1 < d->start || va >= d->end)
			continue;
		if (gmem_read(d->gm, table + i * 8, &entry, sizeof(entry)))
			return;	/* a table outside RAM maps nothing */
		if (!(entry & PTE_P))
			continue;
		f = (flags & (entry | ~(PTE_RW | PTE_US))) | (entry & PTE_NX);
		if (level == 1 || ((level == 2 || level == 3) && (entry & PTE_PS)))
			emit(d, va, entry & PTE_ADDR_MASK & ~(span - 1), span,
			     f & LEAF_FLAGS);
		else if (level > 1 && !(entry & PTE_PS))
			dump_table(d, entry & PTE_ADDR_MASK, level - 1,
				   base + i * span, f);
	}
}

unsigned long pagewalk_dump(const struct gmem *gm, uint64_t cr3,
			    uint64_t start, uint64_t end,
			    unsigned long max_tables, pw_mapping_fn fn,
			    void *opaque, bool *truncated)
{
	struct dump d = {
		.gm = gm, .start = start, .end = end,
		.tables_left = max_tables, .fn = fn, .opaque = opaque,
	};

	dump_table(&d, cr3 & PTE_ADDR_MASK, PW_LEVELS, 0, PTE_RW | PTE_US);
	if (d.run.size && !d.stop) {
		d.runs++;
		fn(opaque, &d.run);
	}
	if (truncated)
		*truncated = d.truncated;
	return d.runs;
}

unsigned long pagewalk_tables(const struct gmem *gm, uint64_t cr3,
			      unsigned long max_tables, pw_table_fn fn,
			      void *opaque, bool *truncated)
{
	struct dump d = {
		.gm = gm, .start = 0, .end = UINT64_MAX,
		.tables_left = max_tables, .table_fn = fn, .opaque = opaque,
	};

	dump_table(&d, cr3 & PTE_ADDR_MASK, PW_LEVELS, 0, PTE_RW | PTE_US);
	if (truncated)
		*truncated = d.truncated;
	return max_tables - d.tables_left;
}
