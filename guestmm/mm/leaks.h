/* SPDX-License-Identifier: MIT */
/*
 * mm_find_module_leaks()'s collection (module_leaks.c): each allocator adds
 * the records whose caller lies in the range, under its own lock, to a list
 * handed to the caller's function afterwards, with no lock held.
 */
#ifndef _MM_LEAKS_H
#define _MM_LEAKS_H

#include <linux/module_leaks.h>
#include <linux/page_owner.h>

struct leak_list {
	struct module_leak *v;
	unsigned int nr, max;
	unsigned long dropped;	/* records beyond max: counted, not listed */
	unsigned long start, end;
};

/* Is a recorded caller (a page owner offset, 0 = unknown) in the range? */
static inline bool leak_offset_in(const struct leak_list *l, u32 off)
{
	unsigned long caller = page_owner_base + off;

	return off && caller >= l->start && caller < l->end;
}

static inline bool leak_caller_in(const struct leak_list *l, const void *caller)
{
	return (unsigned long)caller >= l->start && (unsigned long)caller < l->end;
}

static inline void leak_add(struct leak_list *l, const struct module_leak *r)
{
	if (l->nr < l->max)
		l->v[l->nr++] = *r;
	else
		l->dropped++;
}

void slab_find_leaks(struct leak_list *l);	/* caches and their objects */
void mempool_find_leaks(struct leak_list *l);
void page_owner_find_leaks(struct leak_list *l);
void vmalloc_find_leaks(struct leak_list *l);
void pcpu_find_leaks(struct leak_list *l);

#endif
