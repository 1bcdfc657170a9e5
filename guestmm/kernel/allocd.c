// SPDX-License-Identifier: MIT
/*
 * allocd: the guest's side of the allocation ring (<memvisor/allocreq.h>).
 * The VMM posts a request into a slot and sends MV_ALLOC_VECTOR to the CPU
 * that must serve it. The interrupt handler serves an --atomic request at
 * once, in hard-interrupt context (so GFP_ATOMIC means what it says and a
 * GFP_KERNEL there is caught by might_sleep); it wakes that CPU's thread,
 * allocd/N, for any other. kthreads never leave their CPU here, so there is
 * one per CPU.
 *
 * What is allocated from outside is the guest's: a table of handles, each
 * naming one object, guarded by alloc_lock (with interrupts off: the
 * interrupt path takes it too).
 */
#include <linux/kernel.h>
#include <linux/dmadev.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workload.h>
#include <asm/apic.h>
#include <asm/hypercall.h>
#include <asm/irq.h>
#include <memvisor/allocreq.h>
#include "../mm/slab.h"
#include "allocd.h"

struct alloc_obj {
	u32 obj;		/* enum mv_alloc_obj; MV_OBJ_NONE: a free handle */
	u32 parent;		/* the cache or pool of an object */
	u32 cpu;
	void *ptr;		/* the object, cache, pool or percpu pointer */
	struct page *page;	/* MV_OBJ_PAGES */
	unsigned int order;
	u64 bytes;
	char *name;		/* MV_OBJ_CACHE: the name it was created with */
	unsigned int users;	/* a cache or pool: requests using it now */
};

static struct alloc_obj objs[MV_ALLOC_HANDLES];
static DEFINE_SPINLOCK(alloc_lock);
static struct mv_alloc_ring *ring;

struct allocd_cpu {
	wait_queue_head_t wait;
	unsigned long kicks;
	struct mv_hc_alloc hc;	/* this CPU's HC_ALLOC_RING */
};
static struct allocd_cpu allocd_cpus[NR_CPUS];

/* An object handle of kind @obj (any container kind when 0), or NULL. */
static struct alloc_obj *lookup(u32 handle, u32 obj)
{
	if (handle >= MV_ALLOC_HANDLES || objs[handle].obj == MV_OBJ_NONE)
		return NULL;
	if (obj && objs[handle].obj != obj)
		return NULL;
	return &objs[handle];
}

/* Takes a free handle for @o; -ENOSPC when the table is full. */
static int add_obj(const struct alloc_obj *o, u32 *handle)
{
	unsigned long flags;
	int ret = -ENOSPC;

	spin_lock_irqsave(&alloc_lock, flags);
	for (u32 i = 0; i < MV_ALLOC_HANDLES; i++) {
		if (objs[i].obj != MV_OBJ_NONE)
			continue;
		objs[i] = *o;
		*handle = i;
		ret = 0;
		break;
	}
	spin_unlock_irqrestore(&alloc_lock, flags);
	return ret;
}

/*
 * Takes handle @h of kind @obj out of the table into @o: -ENOENT (no such
 * handle), -EINVAL (another kind), -EBUSY (a cache or pool with objects).
 */
static int take_obj(u32 h, u32 obj, struct alloc_obj *o)
{
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&alloc_lock, flags);
	if (!lookup(h, 0))
		ret = -ENOENT;
	else if (objs[h].obj != obj)
		ret = -EINVAL;
	if (!ret && objs[h].users)
		ret = -EBUSY;	/* an allocation from it runs on another CPU */
	for (u32 i = 0; !ret && i < MV_ALLOC_HANDLES; i++)
		if (objs[i].obj != MV_OBJ_NONE && objs[i].parent == h &&
		    (obj == MV_OBJ_CACHE || obj == MV_OBJ_MEMPOOL))
			ret = -EBUSY;
	if (!ret) {
		*o = objs[h];
		objs[h].obj = MV_OBJ_NONE;
	}
	spin_unlock_irqrestore(&alloc_lock, flags);
	return ret;
}

/*
 * The container @h of kind @obj (a cache or pool), held against its
 * destruction until container_put(): another CPU may be asked to destroy
 * it while this one allocates from it.
 */
static void *container_get(u32 h, u32 obj)
{
	unsigned long flags;
	struct alloc_obj *o;
	void *p;

	spin_lock_irqsave(&alloc_lock, flags);
	o = lookup(h, obj);
	p = o ? o->ptr : NULL;
	if (o)
		o->users++;
	spin_unlock_irqrestore(&alloc_lock, flags);
	return p;
}

static void container_put(u32 h)
{
	unsigned long flags;

	spin_lock_irqsave(&alloc_lock, flags);
	objs[h].users--;
	spin_unlock_irqrestore(&alloc_lock, flags);
}

/* Where a direct-mapped object lives: its page, zone, and slab cache. */
static void describe_lowmem(struct mv_alloc_slot *s, const void *p)
{
	struct page *page = virt_to_page(p);

	s->addr = (unsigned long)p;
	s->pfn = page_to_pfn(page);
	s->zone = page_zonenum(page);
	if (PageSlab(page)) {
		s->order = page->slab_cache->order;
		s->slab = (unsigned long)slab_address(virt_to_slab(page->slab_cache, p));
		s->bytes = page->slab_cache->object_size;
		strscpy_len(s->cache, kmem_cache_name(page->slab_cache),
			    sizeof(s->cache));
	} else {
		s->order = compound_order(page);
		s->bytes = PAGE_SIZE << s->order;
	}
}

static void describe_page(struct mv_alloc_slot *s, struct page *page)
{
	s->pfn = page_to_pfn(page);
	s->zone = page_zonenum(page);
}

/* Files the new object @o and answers with its handle. */
static int answer_new(struct mv_alloc_slot *s, struct alloc_obj *o)
{
	int err;

	o->cpu = smp_processor_id();
	if (!o->bytes)
		o->bytes = s->bytes;
	err = add_obj(o, &s->ans_handle);
	if (!err)
		s->obj = o->obj;
	return err;
}

/* An object's cache or pool: there while the object is (take_obj). */
static void *parent_of(const struct alloc_obj *o)
{
	return READ_ONCE(objs[o->parent].ptr);
}

static void free_obj(const struct alloc_obj *o)
{
	switch (o->obj) {
	case MV_OBJ_KMALLOC:
		kfree(o->ptr);
		break;
	case MV_OBJ_CACHE_OBJ:
		kmem_cache_free(parent_of(o), o->ptr);
		break;
	case MV_OBJ_CACHE:
		kmem_cache_destroy(o->ptr);
		kfree(o->name);
		break;
	case MV_OBJ_PAGES:
		__free_pages(o->page, o->order);
		break;
	case MV_OBJ_VMALLOC:
		vfree(o->ptr);
		break;
	case MV_OBJ_MEMPOOL_OBJ:
		mempool_free(o->ptr, parent_of(o));
		break;
	case MV_OBJ_MEMPOOL:
		mempool_destroy(o->ptr);
		break;
	case MV_OBJ_PERCPU:
		free_percpu(o->ptr);
		break;
	}
}

/* The objects of container @h (a cache's or pool's): freed. */
static void free_children(u32 h)
{
	struct alloc_obj o;

	for (u32 i = 0; i < MV_ALLOC_HANDLES; i++)
		if (objs[i].obj != MV_OBJ_NONE && objs[i].parent == h &&
		    !take_obj(i, objs[i].obj, &o))
			free_obj(&o);
}

static int do_free(struct mv_alloc_slot *s, u32 obj)
{
	struct alloc_obj o;
	int err;

	if (obj == MV_OBJ_CACHE || obj == MV_OBJ_MEMPOOL) {
		if (!lookup(s->handle, obj))
			return lookup(s->handle, 0) ? -EINVAL : -ENOENT;
		free_children(s->handle);
	}
	err = take_obj(s->handle, obj, &o);
	if (err)
		return err;
	free_obj(&o);
	return 0;
}

static int do_kmalloc(struct mv_alloc_slot *s)
{
	struct alloc_obj o = { .obj = MV_OBJ_KMALLOC, .parent = MV_ALLOC_NO_HANDLE };

	o.ptr = kmalloc(s->size, s->gfp);
	if (!o.ptr)
		return -ENOMEM;
	describe_lowmem(s, o.ptr);
	s->bytes = ksize(o.ptr);
	return answer_new(s, &o) ? (kfree(o.ptr), -ENOSPC) : 0;
}

static int do_cache_create(struct mv_alloc_slot *s)
{
	struct alloc_obj o = { .obj = MV_OBJ_CACHE, .parent = MV_ALLOC_NO_HANDLE };

	s->name[sizeof(s->name) - 1] = '\0';
	o.name = kstrdup(s->name, GFP_KERNEL);
	if (!o.name)
		return -ENOMEM;
	o.ptr = kmem_cache_create(o.name, s->size, s->align, s->arg, NULL);
	if (!o.ptr) {
		kfree(o.name);
		return -ENOMEM;
	}
	s->addr = (unsigned long)o.ptr;
	s->bytes = kmem_cache_size(o.ptr);
	s->order = ((struct kmem_cache *)o.ptr)->order;
	strscpy_len(s->cache, o.name, sizeof(s->cache));
	if (!answer_new(s, &o))
		return 0;
	kmem_cache_destroy(o.ptr);
	kfree(o.name);
	return -ENOSPC;
}

/* A cache created from outside, by its name: its handle, or NO_HANDLE. */
static u32 cache_by_name(const char *name)
{
	unsigned long flags;
	u32 h = MV_ALLOC_NO_HANDLE;

	spin_lock_irqsave(&alloc_lock, flags);
	for (u32 i = 0; i < MV_ALLOC_HANDLES && h == MV_ALLOC_NO_HANDLE; i++)
		if (objs[i].obj == MV_OBJ_CACHE && !strcmp(objs[i].name, name))
			h = i;
	spin_unlock_irqrestore(&alloc_lock, flags);
	return h;
}

static int do_cache_alloc(struct mv_alloc_slot *s)
{
	struct alloc_obj o = { .obj = MV_OBJ_CACHE_OBJ };
	struct kmem_cache *c;
	int err = 0;

	s->name[sizeof(s->name) - 1] = '\0';
	if (s->name[0]) {
		s->handle = cache_by_name(s->name);
		if (s->handle == MV_ALLOC_NO_HANDLE)
			return -ENOENT;
	}
	o.parent = s->handle;
	c = container_get(s->handle, MV_OBJ_CACHE);

	if (!c)
		return lookup(s->handle, 0) ? -EINVAL : -ENOENT;
	o.ptr = kmem_cache_alloc(c, s->gfp);
	if (!o.ptr)
		err = -ENOMEM;
	else
		describe_lowmem(s, o.ptr);
	if (o.ptr && answer_new(s, &o)) {
		kmem_cache_free(c, o.ptr);
		err = -ENOSPC;
	}
	container_put(s->handle);
	return err;
}

static int do_alloc_pages(struct mv_alloc_slot *s)
{
	struct alloc_obj o = { .obj = MV_OBJ_PAGES, .parent = MV_ALLOC_NO_HANDLE };

	if (s->arg >= MAX_ORDER)
		return -EINVAL;
	o.order = s->arg;
	o.page = alloc_pages(s->gfp, o.order);
	if (!o.page)
		return -ENOMEM;
	describe_page(s, o.page);
	s->order = o.order;
	s->bytes = PAGE_SIZE << o.order;
	s->addr = PageHighMem(o.page) ? 0 : (unsigned long)page_address(o.page);
	o.ptr = (void *)(unsigned long)s->addr;
	return answer_new(s, &o) ? (__free_pages(o.page, o.order), -ENOSPC) : 0;
}

static int do_vmalloc(struct mv_alloc_slot *s)
{
	struct alloc_obj o = { .obj = MV_OBJ_VMALLOC, .parent = MV_ALLOC_NO_HANDLE };

	if (!s->size)
		return -EINVAL;
	o.ptr = vmalloc(s->size);
	if (!o.ptr)
		return -ENOMEM;
	s->addr = (unsigned long)o.ptr;
	describe_page(s, vmalloc_to_page(o.ptr));
	s->bytes = PAGE_ALIGN(s->size);
	return answer_new(s, &o) ? (vfree(o.ptr), -ENOSPC) : 0;
}

static int do_mempool_create(struct mv_alloc_slot *s)
{
	struct alloc_obj o = { .obj = MV_OBJ_MEMPOOL, .parent = MV_ALLOC_NO_HANDLE };

	if (!s->size || !s->arg || s->arg > MV_ALLOC_HANDLES)
		return -EINVAL;
	o.ptr = mempool_create_kmalloc_pool(s->arg, s->size);
	if (!o.ptr)
		return -ENOMEM;
	s->addr = (unsigned long)o.ptr;
	s->bytes = s->size;
	return answer_new(s, &o) ? (mempool_destroy(o.ptr), -ENOSPC) : 0;
}

static int do_mempool_alloc(struct mv_alloc_slot *s)
{
	struct alloc_obj o = { .obj = MV_OBJ_MEMPOOL_OBJ, .parent = s->handle };
	mempool_t *pool = container_get(s->handle, MV_OBJ_MEMPOOL);
	int err = 0;

	if (!pool)
		return lookup(s->handle, 0) ? -EINVAL : -ENOENT;
	o.ptr = mempool_alloc(pool, s->gfp);
	if (!o.ptr)
		err = -ENOMEM;
	else
		describe_lowmem(s, o.ptr);
	if (o.ptr && answer_new(s, &o)) {
		mempool_free(o.ptr, pool);
		err = -ENOSPC;
	}
	container_put(s->handle);
	return err;
}

static int do_mempool_resize(struct mv_alloc_slot *s)
{
	mempool_t *pool;
	int err;

	if (!s->arg || s->arg > MV_ALLOC_HANDLES)
		return -EINVAL;
	pool = container_get(s->handle, MV_OBJ_MEMPOOL);
	if (!pool)
		return lookup(s->handle, 0) ? -EINVAL : -ENOENT;
	err = mempool_resize(pool, s->arg, s->gfp);
	container_put(s->handle);
	return err;
}

static int do_percpu(struct mv_alloc_slot *s)
{
	struct alloc_obj o = { .obj = MV_OBJ_PERCPU, .parent = MV_ALLOC_NO_HANDLE };

	o.ptr = __alloc_percpu_gfp(s->size, s->align ?: sizeof(long), s->gfp);
	if (!o.ptr)
		return -ENOMEM;
	s->addr = (unsigned long)o.ptr;
	s->bytes = s->size;
	return answer_new(s, &o) ? (free_percpu(o.ptr), -ENOSPC) : 0;
}

/* The DMA engine fills a physically contiguous buffer with byte s->arg. */
static int do_dma_fill(struct mv_alloc_slot *s)
{
	unsigned long flags;
	struct alloc_obj *o;
	unsigned int derr = 0;
	phys_addr_t pa = 0;
	u64 len = 0;
	int err;

	spin_lock_irqsave(&alloc_lock, flags);
	o = lookup(s->handle, 0);
	if (o && o->obj == MV_OBJ_PAGES) {
		pa = PFN_PHYS(page_to_pfn(o->page));
		len = o->bytes;
	} else if (o && (o->obj == MV_OBJ_KMALLOC || o->obj == MV_OBJ_CACHE_OBJ ||
			 o->obj == MV_OBJ_MEMPOOL_OBJ)) {
		pa = __pa(o->ptr);
		len = o->bytes;
	}
	spin_unlock_irqrestore(&alloc_lock, flags);
	if (!o)
		return -ENOENT;
	if (!len)
		return -EINVAL;	/* not physically contiguous */
	err = dmadev_fill(pa, s->arg & 0xff, len, &derr);
	s->addr = pa;
	s->bytes = len;
	s->count = derr;	/* the device's MV_DMADEV_ERR_*, 0 when done */
	return err;
}

static void list_entry_of(struct mv_alloc_entry *l, u32 h,
			  const struct alloc_obj *o)
{
	struct page *page = NULL;

	memset(l, 0, sizeof(*l));
	l->handle = h;
	l->obj = o->obj;
	l->parent = o->parent;
	l->cpu = o->cpu;
	l->addr = (unsigned long)o->ptr;
	l->bytes = o->bytes;
	l->pfn = MV_ALLOC_NO_PFN;
	if (o->obj == MV_OBJ_PAGES)
		page = o->page;
	else if (o->obj == MV_OBJ_KMALLOC || o->obj == MV_OBJ_CACHE_OBJ ||
		 o->obj == MV_OBJ_MEMPOOL_OBJ)
		page = virt_to_page(o->ptr);
	if (page)
		l->pfn = page_to_pfn(page);
	if (page && o->obj != MV_OBJ_PAGES && PageSlab(page))
		strscpy_len(l->cache, kmem_cache_name(page->slab_cache),
			    sizeof(l->cache));
	if (o->obj == MV_OBJ_CACHE)
		strscpy_len(l->cache, o->name, sizeof(l->cache));
}

static int do_list(struct mv_alloc_slot *s)
{
	unsigned long flags;
	u32 n = 0;

	spin_lock_irqsave(&alloc_lock, flags);
	for (u32 i = 0; i < MV_ALLOC_HANDLES; i++)
		if (objs[i].obj != MV_OBJ_NONE)
			list_entry_of(&ring->list[n++], i, &objs[i]);
	spin_unlock_irqrestore(&alloc_lock, flags);
	s->count = n;
	return 0;
}

/* Objects first, then the caches and pools they came from. */
static int do_free_all(struct mv_alloc_slot *s)
{
	struct alloc_obj o;
	u32 n = 0;

	for (int pass = 0; pass < 2; pass++)
		for (u32 i = 0; i < MV_ALLOC_HANDLES; i++) {
			u32 obj = READ_ONCE(objs[i].obj);
			bool container = obj == MV_OBJ_CACHE || obj == MV_OBJ_MEMPOOL;

			if (obj == MV_OBJ_NONE || container != (pass == 1) ||
			    take_obj(i, obj, &o))
				continue;
			free_obj(&o);
			n++;
		}
	s->count = n;
	return 0;
}

/* Workloads ride the ring too: QMP workload-start and workload-stop. */
static int do_workload(struct mv_alloc_slot *s)
{
	s->name[sizeof(s->name) - 1] = '\0';
	s->params[sizeof(s->params) - 1] = '\0';
	if (s->kind == MV_ALLOC_WORKLOAD_START)
		return workload_start(s->name, s->params);
	return workload_stop(s->name);
}

static int serve_kind(struct mv_alloc_slot *s)
{
	switch (s->kind) {
	case MV_ALLOC_KMALLOC:		return do_kmalloc(s);
	case MV_ALLOC_KFREE:		return do_free(s, MV_OBJ_KMALLOC);
	case MV_ALLOC_CACHE_CREATE:	return do_cache_create(s);
	case MV_ALLOC_CACHE_ALLOC:	return do_cache_alloc(s);
	case MV_ALLOC_CACHE_FREE:	return do_free(s, MV_OBJ_CACHE_OBJ);
	case MV_ALLOC_CACHE_DESTROY:	return do_free(s, MV_OBJ_CACHE);
	case MV_ALLOC_PAGES:		return do_alloc_pages(s);
	case MV_ALLOC_FREE_PAGES:	return do_free(s, MV_OBJ_PAGES);
	case MV_ALLOC_VMALLOC:		return do_vmalloc(s);
	case MV_ALLOC_VFREE:		return do_free(s, MV_OBJ_VMALLOC);
	case MV_ALLOC_MEMPOOL_CREATE:	return do_mempool_create(s);
	case MV_ALLOC_MEMPOOL_ALLOC:	return do_mempool_alloc(s);
	case MV_ALLOC_MEMPOOL_FREE:	return do_free(s, MV_OBJ_MEMPOOL_OBJ);
	case MV_ALLOC_MEMPOOL_RESIZE:	return do_mempool_resize(s);
	case MV_ALLOC_MEMPOOL_DESTROY:	return do_free(s, MV_OBJ_MEMPOOL);
	case MV_ALLOC_PERCPU:		return do_percpu(s);
	case MV_ALLOC_FREE_PERCPU:	return do_free(s, MV_OBJ_PERCPU);
	case MV_ALLOC_DMA_FILL:		return do_dma_fill(s);
	case MV_ALLOC_LIST:		return do_list(s);
	case MV_ALLOC_FREE_ALL:		return do_free_all(s);
	case MV_ALLOC_WORKLOAD_START:
	case MV_ALLOC_WORKLOAD_STOP:	return do_workload(s);
	}
	return -EINVAL;
}

/* HC_ALLOC_RING on this CPU's request (interrupts off: the irq path shares it). */
static int alloc_hypercall(u32 op, u64 gpa, u64 size, u32 slot)
{
	unsigned long flags;
	struct mv_hc_alloc *hc;
	int ret;

	local_irq_save(flags);
	hc = &allocd_cpus[smp_processor_id()].hc;
	memset(hc, 0, sizeof(*hc));
	hc->op = op;
	hc->gpa = gpa;
	hc->size = size;
	hc->slot = slot;
	hypercall(HC_ALLOC_RING, hc_gpa(hc));
	ret = hc->result;
	local_irq_restore(flags);
	return ret;
}

/* Serves slot @i, claimed (TAKEN) by the caller, and says DONE. */
static void serve(u32 i)
{
	struct mv_alloc_slot *s = &ring->slot[i];

	s->ans_handle = MV_ALLOC_NO_HANDLE;
	s->pfn = MV_ALLOC_NO_PFN;
	s->served_cpu = smp_processor_id();
	s->in_interrupt = !!in_interrupt();
	s->status = serve_kind(s);
	if (s->status)
		s->ans_handle = MV_ALLOC_NO_HANDLE;
	smp_store_release(&s->state, MV_SLOT_ANSWERED);
	if (alloc_hypercall(MV_ALLOC_OP_DONE, 0, 0, i))
		pr_err("allocd: DONE of slot %u refused\n", i);
}

/* POSTED -> TAKEN, once: the VMM only writes POSTED into a slot it holds. */
static bool claim(struct mv_alloc_slot *s)
{
	u32 posted = MV_SLOT_POSTED;

	return __atomic_compare_exchange_n(&s->state, &posted, MV_SLOT_TAKEN,
					   false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

/* Claims the slots posted for this CPU whose atomicity is @atomic, one by one. */
static void serve_posted(bool atomic)
{
	u32 cpu = smp_processor_id();

	for (u32 i = 0; i < MV_ALLOC_SLOTS; i++) {
		struct mv_alloc_slot *s = &ring->slot[i];

		if (smp_load_acquire(&s->state) != MV_SLOT_POSTED ||
		    READ_ONCE(s->cpu) != cpu ||
		    !!(READ_ONCE(s->flags) & MV_ALLOC_F_ATOMIC) != atomic)
			continue;
		if (claim(s))
			serve(i);
	}
}

static void allocd_interrupt(struct pt_regs *regs)
{
	struct allocd_cpu *c = &allocd_cpus[smp_processor_id()];

	serve_posted(true);
	WRITE_ONCE(c->kicks, c->kicks + 1);
	wake_up(&c->wait);
}

static int allocd(void *arg)
{
	struct allocd_cpu *c = arg;
	unsigned long seen;

	for (;;) {
		seen = READ_ONCE(c->kicks);	/* a kick after the scan is not lost */
		serve_posted(false);
		wait_event(c->wait, READ_ONCE(c->kicks) != seen);
	}
	return 0;
}

void allocd_start(void)
{
	unsigned int order = get_order(MV_ALLOC_RING_SIZE);
	char name[16];
	int err;

	ring = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, order);
	if (!ring)
		panic("allocd: no memory for the ring");
	ring->magic = MV_ALLOC_MAGIC;
	ring->version = MV_ALLOC_VERSION;
	ring->nr_slots = MV_ALLOC_SLOTS;
	ring->nr_cpus = nr_cpu_ids;
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++) {
		/* the VMM sends CPU N's MSI to APIC ID N */
		if (cpu_apic_id[cpu] != cpu)
			pr_warn("allocd: CPU%u has APIC ID %u: requests for it will not reach it\n",
				cpu, cpu_apic_id[cpu]);
		init_waitqueue_head(&allocd_cpus[cpu].wait);
		snprintf(name, sizeof(name), "allocd/%u", cpu);
		if (!kthread_run_on_cpu(allocd, &allocd_cpus[cpu], cpu, name))
			panic("allocd: cannot create %s", name);
	}
	if (set_irq_handler(MV_ALLOC_VECTOR, allocd_interrupt))
		panic("allocd: vector %#x is not usable", MV_ALLOC_VECTOR);
	err = alloc_hypercall(MV_ALLOC_OP_RING, __pa(ring), MV_ALLOC_RING_SIZE, 0);
	if (err)
		pr_err("allocd: the VMM refused the ring: %d\n", err);
}
