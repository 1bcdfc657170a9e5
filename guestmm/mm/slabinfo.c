// SPDX-License-Identifier: MIT
/* Per-cache statistics and the /proc/slabinfo text (version 2.1, SLAB's). */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "slab.h"

void kmem_cache_get_info(struct kmem_cache *s, struct slabinfo *info)
{
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	info->active_objs = s->stats.active_objs;
	info->num_objs = s->stats.total_objs;
	info->active_slabs = s->stats.active_slabs;
	info->num_slabs = s->stats.total_slabs;
	spin_unlock_irqrestore(&s->lock, flags);
	info->cpu_cached = slab_cpu_cached(s);
	info->shared_cached = slab_shared_cached(s);
	info->objsize = s->size;
	info->object_size = s->object_size;
	info->objects_per_slab = s->num;
	info->pages_per_slab = 1U << s->order;
	info->limit = (s->flags & SLAB_NO_TUNABLES) ? 0 : s->limit;
	info->batchcount = info->limit ? s->batchcount : 0;
}

/* snprintf that keeps counting past the end of buf, for the length needed. */
struct outbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void out(struct outbuf *o, const char *fmt, ...) __printf(2, 3);

static void out(struct outbuf *o, const char *fmt, ...)
{
	size_t room = o->len < o->size ? o->size - o->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += n;
}

static void print_header(struct outbuf *o)
{
	out(o, "slabinfo - version: 2.1\n");
	out(o, "# name            <active_objs> <num_objs> <objsize> <objperslab> "
	       "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> "
	       ": slabdata <active_slabs> <num_slabs> <sharedavail>\n");
}

static void print_cache(struct outbuf *o, struct kmem_cache *s)
{
	struct slabinfo si;

	kmem_cache_get_info(s, &si);
	out(o, "%-17s %6lu %6lu %6u %4u %4u", s->name, si.active_objs,
	    si.num_objs, si.objsize, si.objects_per_slab, si.pages_per_slab);
	/* sharedfactor: the depot's size in batches; sharedavail: its objects */
	out(o, " : tunables %4u %4u %4u", si.limit, si.batchcount,
	    s->shared ? s->shared->limit / max(s->batchcount, 1U) : 0U);
	out(o, " : slabdata %6lu %6lu %6lu\n", si.active_slabs, si.num_slabs,
	    si.shared_cached);
}

int slabinfo_print(char *buf, size_t size)
{
	struct outbuf o = { buf, size, 0 };
	struct kmem_cache *s;

	if (size)
		buf[0] = 0;
	print_header(&o);
	spin_lock(&slab_lock);
	list_for_each_entry(s, &slab_caches, list)
		print_cache(&o, s);
	spin_unlock(&slab_lock);
	return o.len;
}

/* One printk per line: printk's buffer is smaller than the whole file. */
void slabinfo_dump(void)
{
	char line[256];
	struct outbuf o = { line, sizeof(line), 0 };
	struct kmem_cache *s;

	print_header(&o);
	printk(KERN_INFO "%s", line);
	spin_lock(&slab_lock);
	list_for_each_entry(s, &slab_caches, list) {
		o.len = 0;
		print_cache(&o, s);
		printk(KERN_INFO "%s", line);
	}
	spin_unlock(&slab_lock);
}
