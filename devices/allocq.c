// SPDX-License-Identifier: MIT
/* The allocation ring, the VMM's side: see allocq.h. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/layout.h>

#include "allocq.h"

#define NR_ZONES	3		/* the guest's ZONE_DMA, NORMAL, HIGHMEM */
#define MAX_ORDER	11		/* orders 0..10, as the guest's buddy */
#define MAX_ERRNO	4095		/* Linux's: beyond it no errno */
#define PAGES_OF(b)	((b) >> MV_PAGE_SHIFT)

static const char *const zone_names[NR_ZONES] = { "DMA", "Normal", "HighMem" };

static const char *const obj_names[MV_OBJ_NR] = {
	[MV_OBJ_NONE] = "none",
	[MV_OBJ_KMALLOC] = "kmalloc",
	[MV_OBJ_CACHE] = "kmem_cache",
	[MV_OBJ_CACHE_OBJ] = "cache_object",
	[MV_OBJ_PAGES] = "pages",
	[MV_OBJ_VMALLOC] = "vmalloc",
	[MV_OBJ_MEMPOOL] = "mempool",
	[MV_OBJ_MEMPOOL_OBJ] = "mempool_element",
	[MV_OBJ_PERCPU] = "percpu",
};

static const char *const kind_names[MV_ALLOC_KIND_NR] = {
	[MV_ALLOC_KMALLOC] = "kmalloc",
	[MV_ALLOC_KFREE] = "kfree",
	[MV_ALLOC_CACHE_CREATE] = "kmem_cache_create",
	[MV_ALLOC_CACHE_ALLOC] = "kmem_cache_alloc",
	[MV_ALLOC_CACHE_FREE] = "kmem_cache_free",
	[MV_ALLOC_CACHE_DESTROY] = "kmem_cache_destroy",
	[MV_ALLOC_PAGES] = "alloc_pages",
	[MV_ALLOC_FREE_PAGES] = "free_pages",
	[MV_ALLOC_VMALLOC] = "vmalloc",
	[MV_ALLOC_VFREE] = "vfree",
	[MV_ALLOC_MEMPOOL_CREATE] = "mempool_create",
	[MV_ALLOC_MEMPOOL_ALLOC] = "mempool_alloc",
	[MV_ALLOC_MEMPOOL_FREE] = "mempool_free",
	[MV_ALLOC_MEMPOOL_RESIZE] = "mempool_resize",
	[MV_ALLOC_MEMPOOL_DESTROY] = "mempool_destroy",
	[MV_ALLOC_PERCPU] = "alloc_percpu",
	[MV_ALLOC_FREE_PERCPU] = "free_percpu",
	[MV_ALLOC_DMA_FILL] = "dma_fill",
	[MV_ALLOC_LIST] = "list",
	[MV_ALLOC_FREE_ALL] = "free_all",
	[MV_ALLOC_WORKLOAD_START] = "workload_start",
	[MV_ALLOC_WORKLOAD_STOP] = "workload_stop",
};

/* The object a successful request of @kind creates, or MV_OBJ_NONE. */
static const uint32_t creates[MV_ALLOC_KIND_NR] = {
	[MV_ALLOC_KMALLOC] = MV_OBJ_KMALLOC,
	[MV_ALLOC_CACHE_CREATE] = MV_OBJ_CACHE,
	[MV_ALLOC_CACHE_ALLOC] = MV_OBJ_CACHE_OBJ,
	[MV_ALLOC_PAGES] = MV_OBJ_PAGES,
	[MV_ALLOC_VMALLOC] = MV_OBJ_VMALLOC,
	[MV_ALLOC_MEMPOOL_CREATE] = MV_OBJ_MEMPOOL,
	[MV_ALLOC_MEMPOOL_ALLOC] = MV_OBJ_MEMPOOL_OBJ,
	[MV_ALLOC_PERCPU] = MV_OBJ_PERCPU,
};

const char *allocq_zone_name(uint32_t zone)
{
	return zone < NR_ZONES ? zone_names[zone] : "?";
}

const char *allocq_obj_name(uint32_t obj)
{
	return obj < MV_OBJ_NR ? obj_names[obj] : "?";
}

const char *allocq_kind_name(uint32_t kind)
{
	return kind < MV_ALLOC_KIND_NR ? kind_names[kind] : NULL;
}

void allocq_init(struct allocq *q, const struct gmem *gm,
		 const struct allocq_limits *lim,
		 void (*kick)(void *opaque, unsigned int cpu), void *opaque)
{
	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
	q->gm = gm;
	q->lim = *lim;
	q->kick = kick;
	q->opaque = opaque;
}

void allocq_destroy(struct allocq *q)
{
	pthread_mutex_destroy(&q->lock);
}

/* Why the ring at [@gpa, +@size) is refused: -errno and @e, or 0. */
static int check_ring(const struct allocq *q, uint64_t gpa, uint64_t size,
		      struct errbuf *e)
{
	if (q->have_ring) {
		errf(e, "HC_ALLOC_RING: the ring is already at 0x%" PRIx64,
		     q->ring_gpa);
		return -EBUSY;
	}
	if (size != MV_ALLOC_RING_SIZE) {
		errf(e, "HC_ALLOC_RING: a ring of %" PRIu64 " bytes, not %zu",
		     size, MV_ALLOC_RING_SIZE);
		return -EINVAL;
	}
	if (gpa & (MV_PAGE_SIZE - 1) || !gmem_ptr(q->gm, gpa, size)) {
		errf(e, "HC_ALLOC_RING: ring [0x%" PRIx64 "+0x%" PRIx64 ") is not page-aligned guest RAM",
		     gpa, size);
		return -EINVAL;
	}
	return 0;
}

int allocq_set_ring(struct allocq *q, uint64_t gpa, uint64_t size,
		    struct errbuf *e)
{
	int ret;

	pthread_mutex_lock(&q->lock);
	ret = check_ring(q, gpa, size, e);
	if (!ret) {
		q->ring_gpa = gpa;
		q->have_ring = true;
	}
	pthread_mutex_unlock(&q->lock);
	return ret;
}

static uint64_t slot_gpa(const struct allocq *q, unsigned int i)
{
	return q->ring_gpa + offsetof(struct mv_alloc_ring, slot) +
	       (uint64_t)i * sizeof(struct mv_alloc_slot);
}

static int check_request(const struct allocq *q, const struct allocq_req *r,
			 struct errbuf *e)
{
	if (r->kind <= MV_ALLOC_NONE || r->kind >= MV_ALLOC_KIND_NR)
		return errf(e, "unknown request kind %u", r->kind);
	if (r->cpu >= q->lim.nr_cpus)
		return errf(e, "no CPU %u: the guest has %u", r->cpu,
			    q->lim.nr_cpus);
	if (r->flags & ~(uint32_t)MV_ALLOC_F_ATOMIC)
		return errf(e, "unknown request flags 0x%x", r->flags);
	if (memchr(r->name, '\0', sizeof(r->name)) == NULL)
		return errf(e, "name longer than %u bytes", MV_ALLOC_NAME_MAX - 1);
	if (memchr(r->params, '\0', sizeof(r->params)) == NULL)
		return errf(e, "params longer than %u bytes",
			    MV_WORKLOAD_PARAMS_MAX - 1);
	return 0;
}

/* Whether a LIST is outstanding: the ring has one list area. */
static bool list_busy(const struct allocq *q)
{
	for (int i = 0; i < MV_ALLOC_SLOTS; i++)
		if (q->slot[i].busy && q->slot[i].req.kind == MV_ALLOC_LIST)
			return true;
	return false;
}

/* A free slot, marked busy with request @r as number *@id; -1: none. */
static int take_slot(struct allocq *q, const struct allocq_req *r, uint64_t *id)
{
	for (int i = 0; i < MV_ALLOC_SLOTS; i++) {
		if (q->slot[i].busy)
			continue;
		q->slot[i].busy = true;
		q->slot[i].id = *id = ++q->next_id;
		q->slot[i].req = *r;
		return i;
	}
	return -1;
}

static void fill_slot(struct mv_alloc_slot *s, const struct allocq_req *r,
		      uint64_t id)
{
	memset(s, 0, sizeof(*s));
	s->state = MV_SLOT_FREE;	/* POSTED is written last */
	s->kind = r->kind;
	s->seq = id;
	s->cpu = r->cpu;
	s->flags = r->flags;
	s->gfp = r->gfp;
	s->handle = r->handle;
	s->size = r->size;
	s->align = r->align;
	s->arg = r->arg;
	memcpy(s->name, r->name, sizeof(s->name));
	memcpy(s->params, r->params, sizeof(s->params));
	s->ans_handle = MV_ALLOC_NO_HANDLE;
	s->pfn = MV_ALLOC_NO_PFN;
}

int allocq_post(struct allocq *q, const struct allocq_req *r, uint64_t *id,
		struct errbuf *e)
{
	struct mv_alloc_slot s;
	uint32_t posted = MV_SLOT_POSTED;
	int i;

	if (check_request(q, r, e))
		return -1;
	pthread_mutex_lock(&q->lock);
	if (!q->have_ring) {
		pthread_mutex_unlock(&q->lock);
		return errf(e, "the guest has no allocation ring (yet)");
	}
	if (r->kind == MV_ALLOC_LIST && list_busy(q)) {
		pthread_mutex_unlock(&q->lock);
		return errf(e, "a list of the allocations is already being made");
	}
	i = take_slot(q, r, id);
	if (i < 0) {
		pthread_mutex_unlock(&q->lock);
		return errf(e, "allocation ring full (%u requests outstanding)",
			    MV_ALLOC_SLOTS);
	}
	fill_slot(&s, r, *id);
	if (gmem_write(q->gm, slot_gpa(q, (unsigned int)i), &s, sizeof(s)) ||
	    (__atomic_thread_fence(__ATOMIC_RELEASE),
	     gmem_write(q->gm, slot_gpa(q, (unsigned int)i), &posted,
			sizeof(posted)))) {
		q->slot[i].busy = false;
		pthread_mutex_unlock(&q->lock);
		return errf(e, "cannot write the ring at 0x%" PRIx64,
			    slot_gpa(q, (unsigned int)i));
	}
	pthread_mutex_unlock(&q->lock);
	if (q->kick)
		q->kick(q->opaque, r->cpu);
	return 0;
}

/* Which zone pfn @pfn is in, by the VM's layout. */
static uint32_t zone_of(const struct allocq_limits *lim, uint64_t pfn)
{
	if (pfn < PAGES_OF(MV_ZONE_DMA_LIMIT))
		return 0;
	return pfn < PAGES_OF(lim->lowmem) ? 1 : 2;
}

static bool in_direct_map(const struct allocq_limits *lim, uint64_t addr)
{
	return addr >= MV_DIRECT_MAP_BASE &&
	       addr - MV_DIRECT_MAP_BASE < lim->lowmem;
}

static bool in_kernel_map(uint64_t addr)
{
	return addr >= MV_KERNEL_VIRT_BASE &&
	       addr - MV_KERNEL_VIRT_BASE < MV_KERNEL_MAP_SIZE;
}

static bool in_vmalloc(uint64_t addr)
{
	return addr >= MV_VMALLOC_BASE && addr < MV_VMALLOC_END;
}

/* A pfn and its zone: NO_PFN, or a RAM page whose zone is @zone. */
static int check_pfn(const struct allocq_limits *lim, uint64_t pfn,
		     uint32_t zone, struct errbuf *e)
{
	if (pfn == MV_ALLOC_NO_PFN)
		return 0;
	if (pfn >= PAGES_OF(lim->ram_end))
		return errf(e, "pfn 0x%" PRIx64 " is beyond guest RAM (0x%" PRIx64 " pages)",
			    pfn, PAGES_OF(lim->ram_end));
	if (zone != zone_of(lim, pfn))
		return errf(e, "pfn 0x%" PRIx64 " is in zone %s, not zone %u",
			    pfn, zone_names[zone_of(lim, pfn)], zone);
	return 0;
}

/* A slab object or kmalloc block: direct-mapped, its pfn its page. */
static int check_lowmem_obj(const struct allocq_limits *lim, uint64_t addr,
			    uint64_t pfn, struct errbuf *e)
{
	if (!in_direct_map(lim, addr))
		return errf(e, "address 0x%" PRIx64 " is not in the direct map", addr);
	if (pfn != PAGES_OF(addr - MV_DIRECT_MAP_BASE))
		return errf(e, "pfn 0x%" PRIx64 " is not the page of 0x%" PRIx64,
			    pfn, addr);
	return 0;
}

/* What an object's address, pfn and size may be, by its kind. */
static int check_object(const struct allocq_limits *lim, uint32_t obj,
			uint64_t addr, uint64_t pfn, uint64_t bytes,
			uint32_t order, struct errbuf *e)
{
	switch (obj) {
	case MV_OBJ_KMALLOC:
	case MV_OBJ_CACHE_OBJ:
	case MV_OBJ_MEMPOOL_OBJ:
		return check_lowmem_obj(lim, addr, pfn, e);
	case MV_OBJ_PAGES:
		if (order >= MAX_ORDER)
			return errf(e, "order %u is not below MAX_ORDER (%u)",
				    order, MAX_ORDER);
		if (pfn == MV_ALLOC_NO_PFN || pfn & ((1ULL << order) - 1) ||
		    pfn + (1ULL << order) > PAGES_OF(lim->ram_end))
			return errf(e, "pfn 0x%" PRIx64 " does not start an order-%u block of RAM",
				    pfn, order);
		if (bytes != MV_PAGE_SIZE << order)
			return errf(e, "%" PRIu64 " bytes for an order-%u block",
				    bytes, order);
		if (addr && addr != MV_DIRECT_MAP_BASE + (pfn << MV_PAGE_SHIFT))
			return errf(e, "address 0x%" PRIx64 " is not pfn 0x%" PRIx64 "'s",
				    addr, pfn);
		return 0;
	case MV_OBJ_VMALLOC:
		if (!in_vmalloc(addr) || addr & (MV_PAGE_SIZE - 1))
			return errf(e, "address 0x%" PRIx64 " is not a vmalloc area's",
				    addr);
		return 0;
	case MV_OBJ_CACHE:
	case MV_OBJ_MEMPOOL:
	case MV_OBJ_PERCPU:
		if (!in_direct_map(lim, addr) && !in_kernel_map(addr) &&
		    !in_vmalloc(addr))
			return errf(e, "address 0x%" PRIx64 " is not a kernel address",
				    addr);
		return 0;
	}
	return errf(e, "object kind %u is not one of 1..%u", obj, MV_OBJ_NR - 1);
}

static int check_name(const char *name, size_t size, const char *what,
		      struct errbuf *e)
{
	if (!memchr(name, '\0', size))
		return errf(e, "%s is not NUL-terminated", what);
	return 0;
}

static int check_created(const struct allocq_limits *lim,
			 const struct allocq_req *r,
			 const struct mv_alloc_slot *s, struct errbuf *e)
{
	if (s->ans_handle >= MV_ALLOC_HANDLES)
		return errf(e, "handle %u is not below %u", s->ans_handle,
			    MV_ALLOC_HANDLES);
	if (s->obj != creates[r->kind])
		return errf(e, "a %s answered with a %s", kind_names[r->kind],
			    allocq_obj_name(s->obj));
	if (r->kind == MV_ALLOC_PAGES && s->order != r->arg)
		return errf(e, "order %u answered for order %" PRIu64, s->order,
			    r->arg);
	if ((r->kind == MV_ALLOC_KMALLOC || r->kind == MV_ALLOC_VMALLOC) &&
	    s->bytes < r->size)
		return errf(e, "%" PRIu64 " bytes answered for %" PRIu64,
			    s->bytes, r->size);
	if (check_pfn(lim, s->pfn, s->zone, e) ||
	    check_object(lim, s->obj, s->addr, s->pfn, s->bytes, s->order, e))
		return -1;
	/* a slab: naturally aligned, of its order, holding the object */
	if (s->slab && (s->order >= MAX_ORDER || s->slab > s->addr ||
			s->addr - s->slab >= MV_PAGE_SIZE << s->order ||
			s->slab & ((MV_PAGE_SIZE << s->order) - 1)))
		return errf(e, "slab 0x%" PRIx64 " of order %u does not hold 0x%" PRIx64,
			    s->slab, s->order, s->addr);
	return 0;
}

static int check_list(const struct allocq_limits *lim, uint32_t count,
		      const struct mv_alloc_entry *list, struct errbuf *e)
{
	for (uint32_t i = 0; i < count; i++) {
		const struct mv_alloc_entry *l = &list[i];

		if (l->handle >= MV_ALLOC_HANDLES ||
		    (i && l->handle <= list[i - 1].handle))
			return errf(e, "list entry %u: handle %u out of order or range",
				    i, l->handle);
		if (l->parent != MV_ALLOC_NO_HANDLE && l->parent >= MV_ALLOC_HANDLES)
			return errf(e, "list entry %u: parent %u out of range",
				    i, l->parent);
		if (l->cpu >= lim->nr_cpus)
			return errf(e, "list entry %u: no CPU %u", i, l->cpu);
		if (check_name(l->cache, sizeof(l->cache), "a list entry's cache", e))
			return -1;
		if (l->pfn != MV_ALLOC_NO_PFN && l->pfn >= PAGES_OF(lim->ram_end))
			return errf(e, "list entry %u: pfn 0x%" PRIx64 " beyond RAM",
				    i, l->pfn);
		if (l->obj == MV_OBJ_PAGES)
			continue;	/* its order is not in the entry */
		if (check_object(lim, l->obj, l->addr, l->pfn, l->bytes, 0, e))
			return -1;
	}
	return 0;
}

int allocq_check_answer(const struct allocq_limits *lim,
			const struct allocq_req *r,
			const struct mv_alloc_slot *s,
			const struct mv_alloc_entry *list, struct errbuf *e)
{
	if (s->state != MV_SLOT_ANSWERED)
		return errf(e, "slot state %u, not ANSWERED", s->state);
	if (s->kind != r->kind)
		return errf(e, "kind %u answered for kind %u", s->kind, r->kind);
	if (s->served_cpu != r->cpu)
		return errf(e, "served on CPU %u, asked of CPU %u",
			    s->served_cpu, r->cpu);
	if ((r->flags & MV_ALLOC_F_ATOMIC) && !s->in_interrupt)
		return errf(e, "an --atomic request served outside the interrupt");
	if (s->status > 0 || s->status < -MAX_ERRNO)
		return errf(e, "status %d is neither 0 nor -errno", s->status);
	if (check_name(s->cache, sizeof(s->cache), "the cache name", e))
		return -1;
	if (s->status)
		return 0;
	if (r->kind == MV_ALLOC_LIST || r->kind == MV_ALLOC_FREE_ALL) {
		if (s->count > MV_ALLOC_HANDLES)
			return errf(e, "count %u is more than %u", s->count,
				    MV_ALLOC_HANDLES);
		return r->kind == MV_ALLOC_LIST ?
		       check_list(lim, s->count, list, e) : 0;
	}
	if (r->kind == MV_ALLOC_DMA_FILL &&
	    (s->addr >= lim->ram_end || s->bytes > lim->ram_end - s->addr))
		return errf(e, "DMA buffer [0x%" PRIx64 "+0x%" PRIx64 ") is not in guest RAM",
			    s->addr, s->bytes);
	if (creates[r->kind] != MV_OBJ_NONE)
		return check_created(lim, r, s, e);
	return 0;
}

static void fill_result(struct allocq_result *res, const struct allocq_slot *sl,
			const struct mv_alloc_slot *s)
{
	memset(res, 0, sizeof(*res));
	res->id = sl->id;
	res->kind = sl->req.kind;
	res->cpu = sl->req.cpu;
	res->atomic = sl->req.flags & MV_ALLOC_F_ATOMIC;
	res->handle = MV_ALLOC_NO_HANDLE;
	res->pfn = MV_ALLOC_NO_PFN;
	if (!s)
		return;
	res->status = s->status;
	res->in_interrupt = s->in_interrupt;
	memcpy(res->cache, s->cache, sizeof(res->cache));
	res->count = s->count;
	if (s->status)
		return;
	/* only what allocq_check_answer checked for this kind */
	if (sl->req.kind == MV_ALLOC_DMA_FILL) {
		res->addr = s->addr;
		res->bytes = s->bytes;
	}
	if (creates[sl->req.kind] == MV_OBJ_NONE)
		return;
	res->handle = s->ans_handle;
	res->obj = s->obj;
	res->addr = s->addr;
	res->pfn = s->pfn;
	res->bytes = s->bytes;
	res->zone = s->zone;
	res->order = s->order;
	res->slab = s->slab;
}

/* Copies slot @i (and the list area for LIST) out of guest memory. */
static int copy_answer(struct allocq *q, unsigned int i,
		       struct mv_alloc_slot *s, struct mv_alloc_entry **list,
		       struct errbuf *e)
{
	uint64_t list_gpa = q->ring_gpa + offsetof(struct mv_alloc_ring, list);
	size_t list_len = MV_ALLOC_HANDLES * sizeof(**list);

	*list = NULL;
	if (gmem_read(q->gm, slot_gpa(q, i), s, sizeof(*s)))
		return errf(e, "slot %u is not in guest RAM", i);
	if (q->slot[i].req.kind != MV_ALLOC_LIST)
		return 0;
	*list = malloc(list_len);
	if (!*list)
		return errf(e, "out of memory for the list");
	if (gmem_read(q->gm, list_gpa, *list, list_len))
		return errf(e, "the list area is not in guest RAM");
	return 0;
}

int allocq_done(struct allocq *q, uint32_t index, struct allocq_result *res,
		struct errbuf *e)
{
	struct mv_alloc_entry *list = NULL;
	struct mv_alloc_slot s;
	struct allocq_slot *sl;
	struct errbuf why;

	pthread_mutex_lock(&q->lock);
	if (!q->have_ring || index >= MV_ALLOC_SLOTS || !q->slot[index].busy) {
		pthread_mutex_unlock(&q->lock);
		errf(e, "HC_ALLOC_RING: DONE of slot %u, which holds no request",
		     index);
		return -ENOENT;
	}
	sl = &q->slot[index];
	if (copy_answer(q, index, &s, &list, &why) ||
	    allocq_check_answer(&q->lim, &sl->req, &s, list, &why)) {
		fill_result(res, sl, NULL);
		res->refused = true;
		res->status = -EPROTO;
		snprintf(res->msg, sizeof(res->msg),
			 "the guest's answer was refused: %s", why.msg);
		free(list);
	} else {
		fill_result(res, sl, &s);
		res->list = list;
	}
	sl->busy = false;
	pthread_mutex_unlock(&q->lock);
	return 0;
}
