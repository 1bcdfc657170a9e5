/* SPDX-License-Identifier: MIT */
/*
 * Guest-virtual to guest-physical, by the VMM's own walk of the guest's
 * 4-level page tables from a CR3, every table entry read through gmem's
 * checked accessors. Hostile-input safe: a walk reads at most four entries,
 * a table outside RAM or a reserved bit ends it with an error naming the
 * level, and a dump of a whole address space is bounded in the tables it
 * visits and the mappings it returns, whatever loops the tables contain.
 */
#ifndef VMM_MEMORY_PAGEWALK_H
#define VMM_MEMORY_PAGEWALK_H

#include <stdbool.h>
#include <stdint.h>

#include "gmem.h"

#define PW_LEVELS	4

struct pw_level {
	unsigned int level;	/* 4 (PML4) .. 1 (PT) */
	unsigned int index;	/* 0..511 */
	uint64_t entry_gpa;	/* where the entry was read */
	uint64_t entry;		/* its value */
};

struct pagewalk {
	uint64_t va;
	uint64_t cr3;
	unsigned int nr_levels;		/* entries read */
	struct pw_level lv[PW_LEVELS];
	bool present;			/* a translation was found */
	uint64_t gpa;
	uint64_t page_size;		/* 4 KiB, 2 MiB or 1 GiB */
	uint64_t flags;			/* effective: RW, US and'ed; NX or'ed */
	const char *error;		/* why not present, NULL if present */
};

/* The entry's level name: PML4E, PDPTE, PDE, PTE. */
const char *pw_level_name(unsigned int level);

/* Walks @va from @cr3. Returns 0 when present, -1 otherwise (w->error). */
int pagewalk(const struct gmem *gm, uint64_t cr3, uint64_t va,
	     struct pagewalk *w);

/*
 * A walk cache: a small direct-mapped TLB of present translations, keyed by
 * (CR3, page) for each page size (a lookup probes the 4 KiB, 2 MiB and
 * 1 GiB slots of the address). It is only as good as the guest memory it
 * was filled from holding still: callers fill and use it while the vCPUs
 * are parked, and pass a generation that changes whenever they may have run
 * (vm->run_gen); a new generation empties it. Not thread-safe.
 */
#define PW_CACHE_SLOTS	256	/* a power of two */

struct pw_cache_slot {
	uint64_t tag;		/* the page's va | its size's order bits */
	uint64_t cr3;
	uint64_t pa;		/* of the page */
	uint64_t flags;
	uint64_t epoch;		/* valid if the cache's epoch */
};

struct pw_cache {
	uint64_t epoch;		/* slots of another epoch are empty */
	uint64_t gen;		/* the generation they were filled in */
	unsigned long hits, misses;
	struct pw_cache_slot slot[PW_CACHE_SLOTS];
};

void pw_cache_init(struct pw_cache *c, uint64_t gen);
/* Empties it, in O(1). */
void pw_cache_flush(struct pw_cache *c);

/* A translation: what a cached walk returns. */
struct pw_xlate {
	uint64_t gpa;
	uint64_t page_size;
	uint64_t flags;
};

/*
 * pagewalk() through @c, for generation @gen. Returns 0 and fills @x when
 * present; otherwise -1, with the full walk's reason in *@error (misses,
 * including not-present results, are never cached).
 */
int pagewalk_cached(const struct gmem *gm, struct pw_cache *c, uint64_t gen,
		    uint64_t cr3, uint64_t va, struct pw_xlate *x,
		    const char **error);

/* One contiguous run of a dump: [va, va+size) -> pa, same flags. */
struct pw_mapping {
	uint64_t va, pa, size, flags;
};

typedef bool (*pw_mapping_fn)(void *opaque, const struct pw_mapping *m);

/*
 * Calls @fn for each run of mappings in [start, end) in address order,
 * merging neighbours contiguous in both spaces with equal flags; @fn
 * returns false to stop. Visits at most @max_tables table pages (a bound
 * against tables that loop or share). Returns the number of runs, and sets
 * *truncated when a bound stopped it.
 */
unsigned long pagewalk_dump(const struct gmem *gm, uint64_t cr3,
			    uint64_t start, uint64_t end,
			    unsigned long max_tables, pw_mapping_fn fn,
			    void *opaque, bool *truncated);

typedef bool (*pw_table_fn)(void *opaque, uint64_t table_gpa,
			    unsigned int level);

/*
 * Calls @fn for each page-table page reachable from @cr3 (the root first,
 * depth first; @level 4 for the PML4 .. 1 for a PT), the same walk as
 * pagewalk_dump() and the same bound: at most @max_tables visited, however
 * the tables loop or share (a table reached twice is visited twice). @fn
 * returns false to stop. Returns the number visited, and sets *truncated
 * when the bound stopped it.
 */
unsigned long pagewalk_tables(const struct gmem *gm, uint64_t cr3,
			      unsigned long max_tables, pw_table_fn fn,
			      void *opaque, bool *truncated);

#endif
