// SPDX-License-Identifier: MIT
/*
 * Dynamic per-CPU memory, after Linux's mm/percpu.c.
 *
 * A chunk is nr_units units of pcpu_unit_size bytes, one per possible CPU,
 * laid out as the first chunk's (unit u at base + u * unit_size), so that
 * one per-CPU pointer p names the same offset in every unit and
 * per_cpu_ptr(p, cpu) = p + __per_cpu_offset[cpu] lands in CPU cpu's unit,
 * whichever chunk p came from. The pointer is an address in unit 0 shifted
 * back by __per_cpu_offset[0], as Linux's __addr_to_pcpu_ptr().
 *
 * The first chunk holds the static DEFINE_PER_CPU variables at the start of
 * each unit; its remainder and every later chunk are handed out by an
 * allocation bitmap of PCPU_MIN_ALLOC_SIZE-byte bits, with a boundary
 * bitmap that marks where each allocation starts and ends (so free_percpu()
 * needs no size), first fit from a "first free" hint. Chunks come from the
 * page allocator when none has room, and a chunk that empties is given back
 * when another empty chunk is still kept for the next allocation.
 *
 * Each chunk's state that the VMM reads is a struct mv_percpu_chunk at its
 * head (include/memvisor/mminfo.h), on a list that pcpu_info heads: the
 * VMM finds pcpu_info by its symbol in the image (magic 0 until set up).
 */
#include <linux/kernel.h>
#include <linux/bug.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/page_owner.h>
#include <memvisor/mminfo.h>
#include "leaks.h"

#define PCPU_BITS	(PCPU_UNIT_SIZE / PCPU_MIN_ALLOC_SIZE)
#define PCPU_LONGS	(PCPU_BITS / BITS_PER_LONG)
#ifndef BITS_PER_LONG
#define BITS_PER_LONG	(8 * sizeof(unsigned long))
#endif

struct pcpu_chunk {
	struct mv_percpu_chunk pub;	/* first: pub.next links the chunks */
	unsigned int order;		/* of the units' pages (0: not ours) */
	unsigned long alloc_map[PCPU_LONGS];		/* 1: in use */
	unsigned long bound_map[PCPU_LONGS + 1];	/* 1: an area starts */
	/*
	 * Who allocated: the caller of the area starting at each bit, as a
	 * page owner offset (<linux/page_owner.h>), 0 where none starts.
	 */
	u32 *callers;
};

#define PCPU_CALLERS_ORDER	get_order(PCPU_BITS * sizeof(u32))

/*
 * Each CPU's own __per_cpu_offset, as Linux's this_cpu_off; also what makes
 * the percpu_data section exist in every image that links this file.
 */
DEFINE_PER_CPU(unsigned long, this_cpu_off);

static DEFINE_SPINLOCK(pcpu_lock);
static struct pcpu_chunk pcpu_first_chunk;
static u32 pcpu_first_callers[PCPU_BITS];
static struct mv_percpu_info pcpu_info;
static unsigned long pcpu_base_addr;	/* the first chunk's unit 0 */
static unsigned long pcpu_delta;	/* unit 0 address - per-CPU pointer */
static unsigned int pcpu_nr_units;
static unsigned int pcpu_nr_empty;	/* dynamic chunks with nothing in them */

/* ---- bitmaps ------------------------------------------------------------ */

static unsigned int find_next_bit_in(const unsigned long *map, unsigned int size,
				     unsigned int start, unsigned long invert)
{
	unsigned long word;
	unsigned int i;

	if (start >= size)
		return size;
	i = start / BITS_PER_LONG;
	word = (map[i] ^ invert) & (~0UL << (start % BITS_PER_LONG));
	while (!word) {
		if (++i >= DIV_ROUND_UP(size, BITS_PER_LONG))
			return size;
		word = map[i] ^ invert;
	}
	return min(size, (unsigned int)(i * BITS_PER_LONG + __builtin_ctzl(word)));
}

#define find_next_set(map, size, start)		find_next_bit_in(map, size, start, 0)
#define find_next_zero(map, size, start)	find_next_bit_in(map, size, start, ~0UL)

static void bitmap_fill_range(unsigned long *map, unsigned int start,
			      unsigned int nr, bool set)
{
	while (nr) {
		unsigned int bit = start % BITS_PER_LONG;
		unsigned int n = min(nr, (unsigned int)BITS_PER_LONG - bit);
		unsigned long mask = (n == BITS_PER_LONG ? ~0UL : ((1UL << n) - 1)) << bit;

		if (set)
			map[start / BITS_PER_LONG] |= mask;
		else
			map[start / BITS_PER_LONG] &= ~mask;
		start += n;
		nr -= n;
	}
}

static bool test_bit_in(const unsigned long *map, unsigned int bit)
{
	return map[bit / BITS_PER_LONG] >> (bit % BITS_PER_LONG) & 1;
}

static void set_bit_in(unsigned long *map, unsigned int bit)
{
	map[bit / BITS_PER_LONG] |= 1UL << (bit % BITS_PER_LONG);
}

/* One past the last set bit below bit (0 if none): where a free run starts. */
static unsigned int find_prev_set_end(const unsigned long *map, unsigned int bit)
{
	while (bit) {
		unsigned int i = (bit - 1) / BITS_PER_LONG;
		unsigned int n = bit - i * BITS_PER_LONG;	/* 1..BITS_PER_LONG */
		unsigned long word = map[i];

		if (n < BITS_PER_LONG)
			word &= (1UL << n) - 1;
		if (word)
			return i * BITS_PER_LONG + BITS_PER_LONG - __builtin_clzl(word);
		bit = i * BITS_PER_LONG;
	}
	return 0;
}

/* The first run of nr zero bits at or after start, aligned; -1 if none. */
static int find_zero_area(const unsigned long *map, unsigned int start,
			  unsigned int nr, unsigned int align)
{
	for (;;) {
		unsigned int index = ALIGN(find_next_zero(map, PCPU_BITS, start), align);
		unsigned int busy;

		if (index + nr > PCPU_BITS)
			return -1;
		busy = find_next_set(map, index + nr, index);
		if (busy >= index + nr)
			return index;
		start = busy + 1;
	}
}

/* ---- chunks ------------------------------------------------------------- */

static unsigned long chunk_unit_addr(const struct pcpu_chunk *chunk,
				     unsigned int unit)
{
	return chunk->pub.base + (unsigned long)unit * PCPU_UNIT_SIZE;
}

static void chunk_init(struct pcpu_chunk *chunk, unsigned long base,
		       unsigned int start_offset, unsigned int flags)
{
	unsigned int start_bits = DIV_ROUND_UP(start_offset, PCPU_MIN_ALLOC_SIZE);

	memset(chunk, 0, sizeof(*chunk));
	chunk->pub.magic = MV_PERCPU_CHUNK_MAGIC;
	chunk->pub.base = base;
	chunk->pub.flags = flags;
	chunk->pub.start_offset = start_bits * PCPU_MIN_ALLOC_SIZE;
	chunk->pub.free_bytes = PCPU_UNIT_SIZE - chunk->pub.start_offset;
	chunk->pub.contig_bytes = chunk->pub.free_bytes;
	chunk->pub.first_free = chunk->pub.start_offset;
	/* The static part: allocated, with a boundary after it, never freed. */
	bitmap_fill_range(chunk->alloc_map, 0, start_bits, true);
	set_bit_in(chunk->bound_map, start_bits);
	set_bit_in(chunk->bound_map, PCPU_BITS);
}

/* Appends a chunk to the list; pcpu_lock held (or before any CPU uses it). */
static void chunk_link(struct pcpu_chunk *chunk)
{
	struct mv_percpu_chunk **pos = (struct mv_percpu_chunk **)&pcpu_info.chunks;

	while (*pos)
		pos = (struct mv_percpu_chunk **)&(*pos)->next;
	chunk->pub.next = 0;
	*pos = &chunk->pub;
	pcpu_info.nr_chunks++;
	pcpu_info.nr_max_chunks = max(pcpu_info.nr_max_chunks, pcpu_info.nr_chunks);
}

static void chunk_unlink(struct pcpu_chunk *chunk)
{
	struct mv_percpu_chunk **pos = (struct mv_percpu_chunk **)&pcpu_info.chunks;

	while (*pos && *pos != &chunk->pub)
		pos = (struct mv_percpu_chunk **)&(*pos)->next;
	if (WARN_ON(!*pos))
		return;
	*pos = (struct mv_percpu_chunk *)(unsigned long)chunk->pub.next;
	chunk->pub.magic = 0;
	pcpu_info.nr_chunks--;
}

#define for_each_chunk(c) \
	for (c = (struct pcpu_chunk *)(unsigned long)pcpu_info.chunks; c; \
	     c = (struct pcpu_chunk *)(unsigned long)c->pub.next)

static struct pcpu_chunk *chunk_create(gfp_t gfp)
{
	unsigned int order = get_order((unsigned long)pcpu_nr_units * PCPU_UNIT_SIZE);
	struct pcpu_chunk *chunk;
	unsigned long base;
	u32 *callers;

	BUILD_BUG_ON(sizeof(struct pcpu_chunk) > PAGE_SIZE);
	gfp &= ~__GFP_ZERO;
	chunk = (struct pcpu_chunk *)__get_free_page(gfp);
	if (!chunk)
		return NULL;
	base = __get_free_pages(gfp, order);
	if (!base)
		goto out_chunk;
	callers = (u32 *)__get_free_pages(gfp | __GFP_ZERO, PCPU_CALLERS_ORDER);
	if (!callers)
		goto out_base;
	chunk_init(chunk, base, 0, 0);
	chunk->order = order;
	chunk->callers = callers;
	return chunk;

out_base:
	free_pages(base, order);
out_chunk:
	free_page((unsigned long)chunk);
	return NULL;
}

static void chunk_destroy(struct pcpu_chunk *chunk)
{
	free_pages((unsigned long)chunk->callers, PCPU_CALLERS_ORDER);
	free_pages(chunk->pub.base, chunk->order);
	free_page((unsigned long)chunk);
}

/* ---- the allocator ------------------------------------------------------ */

/* Takes bits at bit in chunk; pcpu_lock held. Returns the byte offset. */
static unsigned int chunk_take(struct pcpu_chunk *chunk, unsigned int bit,
			       unsigned int bits)
{
	struct mv_percpu_chunk *pub = &chunk->pub;

	if (!pub->nr_alloc && !(pub->flags & MV_PERCPU_CHUNK_FIRST))
		pcpu_nr_empty--;
	bitmap_fill_range(chunk->alloc_map, bit, bits, true);
	set_bit_in(chunk->bound_map, bit);
	if (bits > 1)
		bitmap_fill_range(chunk->bound_map, bit + 1, bits - 1, false);
	set_bit_in(chunk->bound_map, bit + bits);
	pub->free_bytes -= bits * PCPU_MIN_ALLOC_SIZE;
	pub->nr_alloc++;
	pub->max_alloc_size = max(pub->max_alloc_size, bits * PCPU_MIN_ALLOC_SIZE);
	if (bit * PCPU_MIN_ALLOC_SIZE == pub->first_free)
		pub->first_free = find_next_zero(chunk->alloc_map, PCPU_BITS,
						 bit + bits) * PCPU_MIN_ALLOC_SIZE;
	return bit * PCPU_MIN_ALLOC_SIZE;
}

/* Finds room in one chunk; pcpu_lock held. -1 if it has none. */
static int chunk_alloc(struct pcpu_chunk *chunk, unsigned int bits,
		       unsigned int align_bits)
{
	struct mv_percpu_chunk *pub = &chunk->pub;
	unsigned int bytes = bits * PCPU_MIN_ALLOC_SIZE;
	int bit;

	if (pub->free_bytes < bytes || pub->contig_bytes < bytes)
		return -1;
	bit = find_zero_area(chunk->alloc_map, pub->first_free / PCPU_MIN_ALLOC_SIZE,
			     bits, align_bits);
	if (bit < 0) {
		/* Nothing this long: skip the chunk for this size until a free. */
		if (align_bits == 1)
			pub->contig_bytes = bytes - PCPU_MIN_ALLOC_SIZE;
		return -1;
	}
	return chunk_take(chunk, bit, bits);
}

static void pcpu_stats_alloc(size_t size)
{
	pcpu_info.nr_alloc++;
	pcpu_info.nr_cur_alloc++;
	pcpu_info.nr_max_alloc = max(pcpu_info.nr_max_alloc, pcpu_info.nr_cur_alloc);
	if (!pcpu_info.min_alloc_size_seen || size < pcpu_info.min_alloc_size_seen)
		pcpu_info.min_alloc_size_seen = size;
	pcpu_info.max_alloc_size_seen = max(pcpu_info.max_alloc_size_seen, (u64)size);
}

static void __percpu *pcpu_alloc(size_t size, size_t align, gfp_t gfp,
				 unsigned long caller)
{
	struct pcpu_chunk *chunk;
	unsigned int bits, align_bits, grown = 0;
	unsigned long flags, addr;
	int off;

	if (!pcpu_nr_units)
		return NULL;
	if (align < PCPU_MIN_ALLOC_SIZE)
		align = PCPU_MIN_ALLOC_SIZE;
	if (!size || size > PCPU_UNIT_SIZE || align > PAGE_SIZE ||
	    (align & (align - 1))) {
		pr_warn("percpu: illegal size (%zu) or align (%zu) for percpu allocation\n",
			size, align);
		spin_lock_irqsave(&pcpu_lock, flags);
		pcpu_info.nr_failed++;
		spin_unlock_irqrestore(&pcpu_lock, flags);
		return NULL;
	}
	size = ALIGN(size, PCPU_MIN_ALLOC_SIZE);
	bits = size / PCPU_MIN_ALLOC_SIZE;
	align_bits = align / PCPU_MIN_ALLOC_SIZE;

	spin_lock_irqsave(&pcpu_lock, flags);
	for (;;) {
		for_each_chunk(chunk) {
			off = chunk_alloc(chunk, bits, align_bits);
			if (off >= 0)
				goto found;
		}
		/*
		 * Grow (not under the lock: the page allocator may sleep). A new
		 * chunk fits any legal size, so only others taking it first make
		 * us grow again; give up after a few rounds of that.
		 */
		if (grown++ == 3)
			break;
		spin_unlock_irqrestore(&pcpu_lock, flags);
		chunk = chunk_create(gfp);
		spin_lock_irqsave(&pcpu_lock, flags);
		if (!chunk)
			break;
		chunk_link(chunk);
		pcpu_nr_empty++;
	}
	pcpu_info.nr_failed++;
	spin_unlock_irqrestore(&pcpu_lock, flags);
	pr_warn("percpu: allocation failed, size=%zu align=%zu\n", size, align);
	return NULL;

found:
	pcpu_stats_alloc(size);
	chunk->callers[off / PCPU_MIN_ALLOC_SIZE] = page_owner_offset(caller);
	spin_unlock_irqrestore(&pcpu_lock, flags);
	/* Zeroed in every unit, as Linux does; the area is ours alone now. */
	for (unsigned int unit = 0; unit < pcpu_nr_units; unit++)
		memset((void *)(chunk_unit_addr(chunk, unit) + off), 0, size);
	addr = chunk->pub.base + off;
	return (void __percpu *)(addr - pcpu_delta);
}

void __percpu *__alloc_percpu_gfp(size_t size, size_t align, gfp_t gfp)
{
	return pcpu_alloc(size, align, gfp, _RET_IP_);
}

void __percpu *__alloc_percpu(size_t size, size_t align)
{
	return pcpu_alloc(size, align, GFP_KERNEL, _RET_IP_);
}

/* The chunk whose unit 0 holds addr; pcpu_lock held. */
static struct pcpu_chunk *addr_to_chunk(unsigned long addr)
{
	struct pcpu_chunk *chunk;

	for_each_chunk(chunk)
		if (addr - chunk->pub.base < PCPU_UNIT_SIZE)
			return chunk;
	return NULL;
}

void free_percpu(void __percpu *ptr)
{
	struct pcpu_chunk *chunk, *spare = NULL;
	struct mv_percpu_chunk *pub;
	unsigned int bit, end, run;
	unsigned long flags, addr, off;

	if (!ptr)
		return;
	addr = (unsigned long)ptr + pcpu_delta;
	spin_lock_irqsave(&pcpu_lock, flags);
	chunk = addr_to_chunk(addr);
	off = chunk ? addr - chunk->pub.base : 0;
	bit = off / PCPU_MIN_ALLOC_SIZE;
	/* Live areas have no boundary inside: alloc + bound bit = an area's start. */
	if (!chunk || off < chunk->pub.start_offset || off % PCPU_MIN_ALLOC_SIZE ||
	    !test_bit_in(chunk->alloc_map, bit) || !test_bit_in(chunk->bound_map, bit)) {
		spin_unlock_irqrestore(&pcpu_lock, flags);
		pr_err("percpu: free_percpu(%p): not an allocated per-CPU area\n", ptr);
		WARN_ON(1);
		return;
	}
	pub = &chunk->pub;
	end = find_next_set(chunk->bound_map, PCPU_BITS + 1, bit + 1);
	/*
	 * The boundary bits stay (as in Linux): bit may end the area before,
	 * and stale ones in free space are cleared by the next allocation.
	 */
	bitmap_fill_range(chunk->alloc_map, bit, end - bit, false);
	chunk->callers[bit] = 0;
	pub->free_bytes += (end - bit) * PCPU_MIN_ALLOC_SIZE;
	pub->nr_alloc--;
	pub->first_free = min(pub->first_free, (u32)off);
	/* Still an upper bound on the longest run: the merged one may be longer. */
	run = find_next_set(chunk->alloc_map, PCPU_BITS, end) -
	      find_prev_set_end(chunk->alloc_map, bit);
	pub->contig_bytes = max(pub->contig_bytes, run * PCPU_MIN_ALLOC_SIZE);
	pcpu_info.nr_dealloc++;
	pcpu_info.nr_cur_alloc--;
	if (!pub->nr_alloc && !(pub->flags & MV_PERCPU_CHUNK_FIRST)) {
		/* Keep one empty chunk for the next allocation, give back more. */
		if (pcpu_nr_empty) {
			chunk_unlink(chunk);
			spare = chunk;
		} else {
			pcpu_nr_empty++;
		}
	}
	spin_unlock_irqrestore(&pcpu_lock, flags);
	if (spare)
		chunk_destroy(spare);
}

bool is_kernel_percpu_address(unsigned long addr)
{
	struct pcpu_chunk *chunk;
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&pcpu_lock, flags);
	for_each_chunk(chunk) {
		if (addr - chunk->pub.base <
		    (unsigned long)pcpu_nr_units * PCPU_UNIT_SIZE) {
			found = true;
			break;
		}
	}
	spin_unlock_irqrestore(&pcpu_lock, flags);
	return found;
}

void pcpu_setup_first_chunk(void *base, size_t unit_size, unsigned int nr_units,
			    size_t static_size)
{
	BUILD_BUG_ON(PCPU_BITS % BITS_PER_LONG);
	BUG_ON(unit_size != PCPU_UNIT_SIZE || !nr_units || nr_units > NR_CPUS ||
	       static_size > unit_size / 2);
	/*
	 * A fresh start (the hosted build boots again and again): chunks of
	 * an earlier boot lived in its memory, which is gone.
	 */
	memset(&pcpu_info, 0, sizeof(pcpu_info));
	pcpu_nr_empty = 0;
	pcpu_nr_units = nr_units;
	pcpu_base_addr = (unsigned long)base;
	pcpu_delta = pcpu_base_addr - (unsigned long)__start_percpu_data;
	for (unsigned int cpu = 0; cpu < nr_units; cpu++) {
		__per_cpu_offset[cpu] = pcpu_base_addr + cpu * unit_size -
					(unsigned long)__start_percpu_data;
		per_cpu(this_cpu_off, cpu) = __per_cpu_offset[cpu];
	}
	chunk_init(&pcpu_first_chunk, pcpu_base_addr, static_size,
		   MV_PERCPU_CHUNK_FIRST);
	memset(pcpu_first_callers, 0, sizeof(pcpu_first_callers));
	pcpu_first_chunk.callers = pcpu_first_callers;

	pcpu_info.magic = MV_PERCPU_MAGIC;
	pcpu_info.version = MV_PERCPU_VERSION;
	pcpu_info.size = sizeof(pcpu_info);
	pcpu_info.static_start = (unsigned long)__start_percpu_data;
	pcpu_info.per_cpu_offset = (unsigned long)__per_cpu_offset;
	pcpu_info.unit_size = unit_size;
	pcpu_info.nr_units = nr_units;
	pcpu_info.static_size = static_size;
	pcpu_info.min_alloc_size = PCPU_MIN_ALLOC_SIZE;
	pcpu_info.sizeof_chunk = sizeof(struct mv_percpu_chunk);
	chunk_link(&pcpu_first_chunk);
}

const struct mv_percpu_info *percpu_info(void)
{
	return pcpu_info.magic ? &pcpu_info : NULL;
}

static void add_area(struct leak_list *l, struct pcpu_chunk *chunk,
		     unsigned int bit)
{
	unsigned int stop = find_next_set(chunk->bound_map, PCPU_BITS + 1, bit + 1);
	struct module_leak leak = {
		.kind = MV_LEAK_PERCPU, .count = 1,
		.bytes = (stop - bit) * PCPU_MIN_ALLOC_SIZE,
		.addr = chunk->pub.base + bit * PCPU_MIN_ALLOC_SIZE - pcpu_delta,
		.caller = page_owner_base + chunk->callers[bit],
	};

	leak_add(l, &leak);
}

/* One record per live area allocated from the range. */
void pcpu_find_leaks(struct leak_list *l)
{
	struct pcpu_chunk *chunk;
	unsigned long flags;

	spin_lock_irqsave(&pcpu_lock, flags);
	for_each_chunk(chunk) {
		for (unsigned int i = 0; i < PCPU_LONGS; i++) {
			/* Where a live area starts: allocated, with a boundary. */
			unsigned long starts = chunk->alloc_map[i] & chunk->bound_map[i];

			for (; starts; starts &= starts - 1) {
				unsigned int bit = i * BITS_PER_LONG + __builtin_ctzl(starts);

				if (leak_offset_in(l, chunk->callers[bit]))
					add_area(l, chunk, bit);
			}
		}
	}
	spin_unlock_irqrestore(&pcpu_lock, flags);
}
