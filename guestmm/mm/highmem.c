// SPDX-License-Identifier: MIT
/*
 * kmap()/kmap_atomic(): temporary mappings of highmem pages, which have no
 * direct-map address (page_address() is NULL until mapped), as Linux's
 * mm/highmem.c on 32-bit x86.
 *
 * kmap() uses LAST_PKMAP shared slots at MV_KMAP_BASE, counted as Linux's
 * pkmap_count[]: 0 free, 1 unmapped by kunmap() but with TLB entries that
 * may still be live on other CPUs (reused only after a global flush), n > 1
 * mapped with n - 1 users. page->virtual is set only while n > 1. When no slot is free, the unused ones are
 * unmapped and flushed together; if none is unused the caller sleeps until
 * a kunmap(). kmap_atomic() uses a stack of KM_TYPE_NR slots per CPU after
 * the shared ones, with preemption off: no lock, no sleep, and only a local
 * TLB flush, because no other CPU ever uses the slot.
 *
 * The hosted build has no MMU to program: its "mapping" of a highmem page
 * is the page's address in the arena, but the slot bookkeeping, the
 * counting and the sleeping are this same code.
 */
#include <linux/highmem.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <memvisor/layout.h>

#include "internal.h"

#ifndef __HOSTED__
#include <asm/pgtable.h>
#endif

#define PKMAP_BASE		((unsigned long)MV_KMAP_BASE)
#define PKMAP_ADDR(slot)	(PKMAP_BASE + ((unsigned long)(slot) << PAGE_SHIFT))
/* kmap_atomic slots follow the shared ones: KM_TYPE_NR per CPU. */
#define KMAP_ATOMIC_ADDR(cpu, idx) \
	PKMAP_ADDR(LAST_PKMAP + (cpu) * KM_TYPE_NR + (idx))
#define KMAP_END		KMAP_ATOMIC_ADDR(NR_CPUS, 0)

static int pkmap_count[LAST_PKMAP];
static struct page *pkmap_page[LAST_PKMAP];
static unsigned int last_pkmap_nr;
static bool pkmap_flushing;
static DEFINE_SPINLOCK(kmap_lock);
static DECLARE_WAIT_QUEUE_HEAD(pkmap_map_wait);
unsigned int pkmap_count_in_use;

/* This CPU's kmap_atomic stack. */
struct kmap_atomic_cpu {
	int idx;
	struct page *page[KM_TYPE_NR];
	void *addr[KM_TYPE_NR];
} ____cacheline_aligned;
static struct kmap_atomic_cpu kmap_atomic_state[NR_CPUS];

/* ---- The arch part: programming (or, hosted, not) the page tables ------- */

#ifdef __HOSTED__
static void *arch_kmap_set(unsigned long vaddr, struct page *page)
{
	(void)vaddr;
	return __va(page_to_phys(page));
}

static void arch_kmap_clear(unsigned long vaddr)
{
	(void)vaddr;
}

static void arch_kmap_flush_all(void)
{
}

static void *arch_kmap_atomic_set(int cpu, int idx, struct page *page)
{
	return arch_kmap_set(KMAP_ATOMIC_ADDR(cpu, idx), page);
}

static void arch_kmap_atomic_clear(int cpu, int idx)
{
}

static void arch_kmap_prepare(void)
{
}
#else
static void *arch_kmap_set(unsigned long vaddr, struct page *page)
{
	if (map_page(vaddr, page_to_phys(page), __PAGE_KERNEL))
		panic("kmap: cannot map %#lx", vaddr);
	return (void *)vaddr;
}

/* Each CPU's kmap_atomic PTEs, found once: those tables never go away. */
static pteval_t *kmap_atomic_pte[NR_CPUS][KM_TYPE_NR];

/* No lock: the slot is this CPU's, and preemption is off. */
static void *arch_kmap_atomic_set(int cpu, int idx, struct page *page)
{
	set_pte_slot(kmap_atomic_pte[cpu][idx], page_to_phys(page), __PAGE_KERNEL);
	return (void *)KMAP_ATOMIC_ADDR(cpu, idx);
}

static void arch_kmap_atomic_clear(int cpu, int idx)
{
	clear_pte_slot(kmap_atomic_pte[cpu][idx], KMAP_ATOMIC_ADDR(cpu, idx));
}

/* unmap_page() flushes this CPU's TLB entry (invlpg). */
static void arch_kmap_clear(unsigned long vaddr)
{
	unmap_page(vaddr);
}

static void arch_kmap_flush_all(void)
{
	flush_tlb_kernel_range(PKMAP_BASE, PKMAP_ADDR(LAST_PKMAP));
}

/*
 * Builds the page tables under the whole window now, so that
 * kmap_atomic() never has to allocate a table page in atomic context.
 */
static void arch_kmap_prepare(void)
{
	for (unsigned long va = PKMAP_BASE; va < KMAP_END; va += PAGE_SIZE * 512) {
		if (map_page(va, 0, __PAGE_KERNEL))
			panic("kmap: cannot build page tables at %#lx", va);
		unmap_page(va);
	}
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		for (int idx = 0; idx < KM_TYPE_NR; idx++) {
			pteval_t *pte = kernel_pte_slot(KMAP_ATOMIC_ADDR(cpu, idx));

			if (!pte)
				panic("kmap: no page table for CPU%d's slot %d", cpu, idx);
			kmap_atomic_pte[cpu][idx] = pte;
		}
	}
}
#endif

void kmap_init(void)
{
	spin_lock_init(&kmap_lock);
	init_waitqueue_head(&pkmap_map_wait);
	for (int i = 0; i < LAST_PKMAP; i++) {
		pkmap_count[i] = 0;
		pkmap_page[i] = NULL;
	}
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		kmap_atomic_state[cpu].idx = 0;
	last_pkmap_nr = 0;
	pkmap_flushing = false;
	pkmap_count_in_use = 0;
	arch_kmap_prepare();
}

/* ---- kmap()/kunmap() ------------------------------------------------------ */

static int pkmap_slot_of(const struct page *page)
{
	for (int i = 0; i < LAST_PKMAP; i++)
		if (pkmap_page[i] == page)
			return i;
	return -1;
}

/*
 * Unmaps every mapped-but-unused slot, then flushes the TLBs of all CPUs
 * once, with kmap_lock dropped (the flush sends IPIs). The slots stay
 * unusable (count -1) until the flush is done. Called with kmap_lock held;
 * returns with it held.
 */
static bool flush_unused_pkmaps(void)
{
	bool any = false;

	if (pkmap_flushing)
		return false;
	for (int i = 0; i < LAST_PKMAP; i++) {
		if (pkmap_count[i] != 1)
			continue;
		pkmap_count[i] = -1;
		arch_kmap_clear(PKMAP_ADDR(i));
		any = true;
	}
	if (!any)
		return false;
	pkmap_flushing = true;
	spin_unlock(&kmap_lock);
	arch_kmap_flush_all();
	spin_lock(&kmap_lock);
	for (int i = 0; i < LAST_PKMAP; i++)
		if (pkmap_count[i] == -1)
			pkmap_count[i] = 0;
	pkmap_flushing = false;
	return true;
}

void kmap_flush_unused(void)
{
	spin_lock(&kmap_lock);
	flush_unused_pkmaps();
	spin_unlock(&kmap_lock);
	wake_up_all(&pkmap_map_wait);
}

static int find_free_pkmap(void)
{
	for (int n = 0; n < LAST_PKMAP; n++) {
		unsigned int slot = (last_pkmap_nr + n) % LAST_PKMAP;

		if (!pkmap_count[slot]) {
			last_pkmap_nr = slot + 1;
			return slot;
		}
	}
	return -1;
}

static void *kmap_high(struct page *page)
{
	void *vaddr;
	int slot;

	spin_lock(&kmap_lock);
	for (;;) {
		vaddr = page_address(page);
		if (vaddr) {
			pkmap_count[pkmap_slot_of(page)]++;
			break;
		}
		slot = find_free_pkmap();
		if (slot < 0 && flush_unused_pkmaps())
			continue;
		if (slot >= 0) {
			vaddr = arch_kmap_set(PKMAP_ADDR(slot), page);
			pkmap_count[slot] = 2;	/* mapped, one user */
			pkmap_page[slot] = page;
			set_page_address(page, vaddr);
			pkmap_count_in_use++;
			break;
		}
		/* Every slot is in use: sleep until a kunmap(). */
		{
			struct wait_queue_entry wait = { .task = current };

			prepare_to_wait(&pkmap_map_wait, &wait,
					TASK_UNINTERRUPTIBLE);
			spin_unlock(&kmap_lock);
			schedule_timeout(HZ / 10 ? HZ / 10 : 1);
			finish_wait(&pkmap_map_wait, &wait);
			spin_lock(&kmap_lock);
		}
	}
	spin_unlock(&kmap_lock);
	return vaddr;
}

void *kmap(struct page *page)
{
	might_sleep();
	if (!PageHighMem(page))
		return page_address(page);
	return kmap_high(page);
}

void kunmap(struct page *page)
{
	bool wake = false;
	int slot;

	if (!PageHighMem(page))
		return;
	spin_lock(&kmap_lock);
	slot = pkmap_slot_of(page);
	if (WARN_ON(slot < 0 || pkmap_count[slot] < 2)) {
		spin_unlock(&kmap_lock);
		return;
	}
	if (--pkmap_count[slot] == 1) {
		/*
		 * Unused now: the slot is reusable after the next flush. The
		 * page forgets it at once, so it may be freed (a later kmap()
		 * maps it afresh).
		 */
		pkmap_page[slot] = NULL;
		set_page_address(page, NULL);
		pkmap_count_in_use--;
		wake = waitqueue_active(&pkmap_map_wait);
	}
	spin_unlock(&kmap_lock);
	if (wake)
		wake_up_all(&pkmap_map_wait);
}

/* ---- kmap_atomic() ---------------------------------------------------------- */

void *kmap_atomic(struct page *page)
{
	struct kmap_atomic_cpu *km;
	unsigned long flags;
	int cpu, idx;
	void *vaddr;

	preempt_disable();
	if (!PageHighMem(page))
		return page_address(page);
	/* Interrupts off: an interrupt handler's kmap_atomic nests on the stack. */
	local_irq_save(flags);
	cpu = smp_processor_id();
	km = &kmap_atomic_state[cpu];
	idx = km->idx++;
	BUG_ON(idx >= KM_TYPE_NR);
	vaddr = arch_kmap_atomic_set(cpu, idx, page);
	km->page[idx] = page;
	km->addr[idx] = vaddr;
	local_irq_restore(flags);
	return vaddr;
}

void kunmap_atomic(void *addr)
{
	struct kmap_atomic_cpu *km = &kmap_atomic_state[smp_processor_id()];
	unsigned long flags;
	int idx;

	local_irq_save(flags);
	idx = km->idx - 1;
	/* A lowmem page's direct-map address was never pushed. */
	if (idx >= 0 && km->addr[idx] == addr) {
		arch_kmap_atomic_clear(smp_processor_id(), idx);
		km->page[idx] = NULL;
		km->addr[idx] = NULL;
		km->idx = idx;
	}
	local_irq_restore(flags);
	preempt_enable();
}

struct page *kmap_atomic_to_page(void *addr)
{
	struct kmap_atomic_cpu *km = &kmap_atomic_state[raw_smp_processor_id()];

	for (int i = km->idx - 1; i >= 0; i--)
		if (km->addr[i] == addr)
			return km->page[i];
	return virt_to_page(addr);
}
