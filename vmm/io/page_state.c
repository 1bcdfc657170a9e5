// SPDX-License-Identifier: MIT
/*
 * struct page_state and struct object_state in words (page_state.h): the
 * devices' fault reports.
 */
#include <inttypes.h>
#include <stdio.h>

#include "page_state.h"

static const char *const kind_name[] = {
	[PAGE_STATE_NONE] = "",
	[PAGE_STATE_UNKNOWN] = "unknown",
	[PAGE_STATE_FREE] = "free",
	[PAGE_STATE_PCP] = "pcp",
	[PAGE_STATE_SLAB] = "slab",
	[PAGE_STATE_RESERVED] = "reserved",
	[PAGE_STATE_ALLOCATED] = "allocated",
	[PAGE_STATE_BOOTMEM] = "bootmem",
	[PAGE_STATE_KERNEL] = "kernel",
};

const char *page_state_kind_name(enum page_state_kind kind)
{
	if ((unsigned int)kind >= sizeof(kind_name) / sizeof(kind_name[0]))
		return "?";
	return kind == PAGE_STATE_NONE ? "none" : kind_name[kind];
}

const char *page_state_format(const struct page_state *s, uint64_t pfn,
			      char *buf, size_t len)
{
	size_t n = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (s->kind == PAGE_STATE_NONE ||
	    (unsigned int)s->kind >= sizeof(kind_name) / sizeof(kind_name[0]))
		return buf;
#define ADD(...)							\
	do {								\
		if (n < len)						\
			n += snprintf(buf + n, len - n, __VA_ARGS__);	\
	} while (0)
	ADD("%s", kind_name[s->kind]);
	if (s->kind == PAGE_STATE_SLAB)
		ADD(" cache 0x%" PRIx64, s->cache);
	if (s->order >= 0)
		ADD(" order %d", s->order);
	if (s->kind != PAGE_STATE_NONE && s->head_pfn != pfn)
		ADD(" head_pfn %" PRIu64, s->head_pfn);
#undef ADD
	return buf;
}

const char *object_state_name(const struct object_state *o, char *buf,
			      size_t len)
{
	static const char *const name[] = {
		[OBJECT_NONE] = "",
		[OBJECT_LIVE] = "live",
		[OBJECT_FREE] = "free on its slab's freelist",
		[OBJECT_CPU_CACHE] = "freed, in a CPU's magazine",
		[OBJECT_SHARED] = "freed, in the cache's depot",
		[OBJECT_OUTSIDE] = "not inside one object",
	};

	if (!len)
		return buf;
	if ((unsigned int)o->kind >= sizeof(name) / sizeof(name[0]))
		snprintf(buf, len, "?");
	else if (o->kind == OBJECT_CPU_CACHE)
		snprintf(buf, len, "freed, in cpu %d's magazine", o->cpu);
	else if (o->kind == OBJECT_LIVE && o->unwritten)
		snprintf(buf, len, "live, never written (its poison whole)");
	else
		snprintf(buf, len, "%s", name[o->kind]);
	return buf;
}
