/* SPDX-License-Identifier: MIT */
/*
 * Reading the guest's memory manager from the VMM, without the guest's help.
 *
 * An inspection reads through the layout of the kernel image the VMM loaded
 * (mm_layout.h: every struct's size and fields and the roots, from the
 * image's DWARF and symbols, resolved at start): nothing the running guest
 * says about its own structs is needed or trusted. A field is read from a
 * copy of its struct only through field_get()/field_elem(). A root's value
 * (mem_map, max_pfn, nr_cpu_ids) is read from guest memory at query time
 * and checked; one the guest has not set up yet (still its static value)
 * makes the answer "not set up yet", not damage.
 *
 * The page-table root, one rule: the kernel's address space is the table
 * the VMM built and booted the guest on (vm->boot.pml4, the insp_query's
 * boot_cr3). The guest keeps it for ever (arch/x86_64/pgtable.c adds to
 * it, never switches), so no guest value is needed. A vCPU's CR3 (read from
 * the parked vCPU, checked as a PML4 in RAM) or a "cr3" argument is used
 * only by a query that asks for it (translate_cmds.c).
 *
 * Every guest-virtual pointer is translated by the VMM's own page walk from
 * that root and read through gmem's checked accessors. Lists are walked
 * with a step limit and Brent's cycle check, and every read counts against
 * a budget of bytes and of time (the deadline the query gives, so the vCPUs
 * stay parked at most INSP_QUERY_PARK_NS), so a corrupted or hostile guest
 * gives an answer with its "inconsistencies" named, never a crash or a
 * hang. A spent budget is said as such: the answer is incomplete, not the
 * guest wrong.
 * Pure: no KVM, no threads (unit-tested over a hosted guest allocator).
 */
#ifndef VMM_CONTROL_INSPECT_H
#define VMM_CONTROL_INSPECT_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "gmem.h"
#include "mm_layout.h"

struct memmap;

#define INSP_MAX_PROBLEMS	64	/* inconsistencies reported per answer */
#define INSP_READ_BUDGET	(64UL << 20)	/* bytes read per inspection */
#define INSP_MAX_STRUCT		MM_LAYOUT_MAX_STRUCT	/* a struct's size */
/* The largest struct page the readers copy (on their stack). */
#define INSP_PAGE_STRUCT_MAX	4096U
/* The longest the vCPUs stay parked for one query, its retries included. */
#define INSP_QUERY_PARK_NS	20000000ULL
/*
 * The clock is read once per INSP_CLOCK_PAGES pages walked: a page costs
 * about 0.1 us (a walk of 4 entries and a copy through gmem), so a reader
 * notices its deadline within some 10 us of it, and the clock's own cost
 * (25 ns, more where it is a system call) is spread thin.
 */
#define INSP_CLOCK_PAGES	64

/* Why reading stopped short of the guest's data, if it did. */
enum insp_stop {
	INSP_STOP_NONE,
	INSP_STOP_TIME,		/* the deadline passed */
	INSP_STOP_BYTES,	/* INSP_READ_BUDGET read */
	INSP_STOP_UNSET,	/* a root the guest has not set up yet */
};

struct ksyms;

/*
 * What the query gives every inspection it runs (inspect_query.h): when it
 * must stop reading, for a list that comes in pages, where its page starts
 * and how long it is, and the kernel image's symbols, which the answer's
 * formatter names addresses with.
 */
struct insp_bounds {
	uint64_t deadline_ns;		/* CLOCK_MONOTONIC; 0: no deadline */
	bool has_start_after;
	uint64_t start_after;		/* the last key of the page before */
	unsigned int page_max;		/* entries per answer; 0: the reader's */
	const struct ksyms *ksyms;	/* NULL: addresses stay unnamed */
};

struct insp {
	const struct gmem *gm;
	const struct mm_layout *lay;	/* the image's; present */
	uint64_t cr3;			/* the kernel's page-table root */
	const char *unset;		/* INSP_STOP_UNSET: the root's name */
	bool have_mem_map;		/* insp_mem_map() read these: */
	uint64_t mem_map, max_pfn;
	json_t *problems;		/* array of strings */
	unsigned long nr_problems;	/* including those not kept */
	uint64_t budget;		/* bytes left to read */
	uint64_t deadline_ns;		/* CLOCK_MONOTONIC; 0: none */
	uint64_t started_ns;		/* when the inspection began */
	uint64_t stopped_ns;		/* when it noticed a spent budget */
	unsigned int pages_since_clock;
	enum insp_stop stop;		/* set: every read fails from then on */
	char err[160];			/* why the last read failed */
};


/*
 * Starts an inspection of the kernel's address space from @cr3 (the one
 * rule above) through @lay: 0, or -1 with @e set (lay->absent_why when the
 * image has no memory manager, or a struct page over INSP_PAGE_STRUCT_MAX).
 * Reads nothing yet.
 */
int insp_open(struct insp *in, const struct gmem *gm,
	      const struct mm_layout *lay, uint64_t cr3, struct errbuf *e);
/* Starts an inspection without a layout (e820 only). */
void insp_init(struct insp *in, const struct gmem *gm);
/*
 * Takes the query's deadline (@b may be NULL: no deadline). Problems
 * noted after a budget ran out are its consequences, not the guest's: they
 * are dropped, and the answer's first inconsistency says the budget ran out.
 */
void insp_bound(struct insp *in, const struct insp_bounds *b);
/* The spent budget, or the root not set up, in words, or NULL. */
const char *insp_stop_why(const struct insp *in, char *buf, size_t size);
/* Sets "incomplete" in @ans if a budget ran out. */
void insp_mark_incomplete(const struct insp *in, json_t *ans);
/* Gives the problems array (a new reference) and forgets it. */
json_t *insp_take_problems(struct insp *in);
void insp_close(struct insp *in);

/* Records an inconsistency (at most INSP_MAX_PROBLEMS are kept). */
void insp_problem(struct insp *in, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Reads [va, va+len) of the kernel's address space, a page walk per page.
 * 0, or -1 with the reason in in->err (not mapped, not RAM, over budget);
 * in->stop tells a spent budget (every later read fails too) from a bad
 * pointer.
 */
/*
 * Is a budget spent (time: the clock read as insp_read reads it)? For work
 * over guest data that is not an insp_read, such as a page-table walk.
 */
bool insp_spent(struct insp *in);
/*
 * The same, the clock read now: for a reader whose work between reads is
 * large (physmap.c's pass, a batch of struct pages at a time).
 */
bool insp_spent_now(struct insp *in);
int insp_read(struct insp *in, uint64_t va, void *dst, size_t len);
/*
 * Writes @len (1 to 8) bytes at @va, inside one page: a field of a guest
 * struct the VMM sets from outside (fail_cmds.c), the vCPUs parked. 0, or
 * -1 with the reason in in->err. The only writer: readers never write.
 */
int insp_write(struct insp *in, uint64_t va, const void *src, size_t len);
/*
 * A C string of at most @max - 1 (and INSP_STR_MAX - 1) bytes; always
 * terminated, always valid UTF-8: bytes that are not are shown as \xHH
 * (guest_str.h) and named as an inconsistency. The string stays.
 */
#define INSP_STR_MAX	256
int insp_read_str(struct insp *in, uint64_t va, char *dst, size_t max);

/* The 8 or 4 bytes at @va: insp_read() of a root's value or a pointer. */
int insp_read_u64(struct insp *in, uint64_t va, uint64_t *v);
int insp_read_u32(struct insp *in, uint64_t va, uint32_t *v);
/*
 * Field @f of the struct at @struct_va, read alone (its bytes only, decoded
 * by field_get()): for a reader that needs a field or two of a large struct.
 */
int insp_read_field(struct insp *in, uint64_t struct_va, struct field f,
		    uint64_t *v);

/*
 * The roots whose values the guest sets as it boots, read now and checked.
 * 0; or -1 with in->err: not readable, or damage (max_pfn beyond guest
 * RAM), or (in->stop == INSP_STOP_UNSET, every later read fails too) still
 * the static value: the guest has not set it up yet, which the answer says
 * as its "incomplete", not as an inconsistency.
 *   mem_map: the struct page array (NULL until mem_init); max_pfn: the
 *   frames it covers (0 until then, at most the RAM gmem maps).
 * Read once per inspection: later calls give the same values.
 */
int insp_mem_map(struct insp *in, uint64_t *mem_map, uint64_t *max_pfn);
/*
 * nr_cpu_ids, at most the zone's per-CPU slots (lay->zone.pcp.count; more
 * is named as an inconsistency and capped): the CPUs whose per-CPU data
 * the readers look at.
 */
int insp_nr_cpus(struct insp *in, uint32_t *nr);
/* Frames of guest RAM: the end of its highest gmem region, in pages. */
uint64_t insp_ram_pfns(const struct gmem *gm);
/* Marks the inspection stopped at root @name, not set up yet (see above). */
int insp_unset(struct insp *in, const char *name);

/*
 * The one walker of the guest's lists: bounded, cycle-checked, each node
 * read once. Two shapes:
 *   INSP_LIST_CIRCULAR: a struct list_head list, from its head at @head
 *     round to it again; @fn sees each node's list_head (not the head's).
 *   INSP_LIST_NULL: a singly linked list whose first node is @head (0:
 *     empty) and whose last has a next (field @next of the node) of 0.
 * @fn returns false to stop. The walk stops after @limit nodes
 * (truncated), at a node it cannot read (broken), or at a cycle that does
 * not end the list (Brent: found within twice the cycle's reach; nodes of
 * the cycle may be seen twice before): -1 then, with why and the node (at).
 * On a circular list, a prev link that is not the node before is noted
 * (bad_prev) and the walk goes on.
 * @copy_size non-zero: each node's struct, @copy_size bytes from the node
 * less @copy_off, is read into @copy (the caller's) before @fn sees the
 * node, and the links are taken from there: a reader of the whole struct
 * reads it once.
 */
struct insp_walk {
	unsigned long nodes;
	bool truncated, cycle, broken, bad_prev;
	uint64_t at;			/* the node it ended at; the head if unreadable */
	char why[256];			/* what ended it, if not the end */
	char prev_why[256];		/* the first bad prev link */
};

enum insp_list_end { INSP_LIST_CIRCULAR, INSP_LIST_NULL };

struct insp_list {
	enum insp_list_end end;
	uint64_t head;
	unsigned long limit;
	struct field next;		/* INSP_LIST_NULL: the link, in a node */
	uint32_t copy_off, copy_size;	/* the node's struct, into @copy */
	void *copy;
};

typedef bool (*insp_node_fn)(struct insp *in, uint64_t node_va, void *opaque);

int insp_walk_list(struct insp *in, const struct insp_list *l,
		   insp_node_fn fn, void *opaque, struct insp_walk *w);
/* A struct list_head list from @head_va, without copies. */
int insp_list_walk(struct insp *in, uint64_t head_va, unsigned long limit,
		   insp_node_fn fn, void *opaque, struct insp_walk *w);

/*
 * A list answered in pages: entries up to and including the cursor
 * (b.start_after) are passed over, then b.page_max listed, then the rest
 * only counted (no JSON built) while the budget lasts. The key is an
 * entry's address, or for a list sorted by it, its start.
 */
struct insp_pager {
	struct insp_bounds b;
	bool sorted;		/* keys ascend: "before" is "key <= cursor" */
	bool passed;		/* the cursor's entry was seen */
	unsigned long listed;
	uint64_t skipped;	/* entries after the page */
};

enum insp_page_place { INSP_PAGE_BEFORE, INSP_PAGE_IN, INSP_PAGE_AFTER };

/* @b may be NULL (the first page); @page_max is the most, and default. */
void insp_pager_init(struct insp_pager *pg, const struct insp_bounds *b,
		     unsigned int page_max, bool sorted);
/* Where the entry of @key goes (counts it). */
enum insp_page_place insp_pager_place(struct insp_pager *pg, uint64_t key);
/*
 * Sets @ans's "truncated" (entries follow, or a budget ran out after some
 * were listed: the next page goes on from there) and then "skipped" (and
 * "skipped_at_least" if a budget ended the count), and "incomplete" if a
 * budget ran out; names a cursor that was not found on an unsorted list.
 */
void insp_pager_end(struct insp *in, const struct insp_pager *pg, json_t *ans);

/*
 * The readers behind the commands: each returns the command's answer,
 * read within @b's deadline (@b may be NULL: none).
 */
json_t *inspect_zones(const struct gmem *gm, uint64_t cr3,
		      const struct mm_layout *lay, const struct insp_bounds *b);
json_t *inspect_memblock(const struct gmem *gm, uint64_t cr3,
			 const struct mm_layout *lay,
			 const struct insp_bounds *b);
/* @ram_bytes: the RAM the VMM gave the guest ("actual"). */
json_t *inspect_memstats(const struct gmem *gm, uint64_t cr3,
			 const struct mm_layout *lay, uint64_t ram_bytes,
			 const struct insp_bounds *b);
/* virsh dommemstat's name of libvirt's tag @tag, or NULL. */
const char *memstat_tag_name(unsigned int tag);
/* The VMM's own e820 map, and the copy in the boot params checked against it. */
json_t *inspect_e820(const struct gmem *gm, const struct memmap *mm);

#endif
