// SPDX-License-Identifier: MIT
/*
 * Where task structs and kernel stacks come from. Until the page allocator
 * runs (mm_init), fixed pools in .bss; then stacks come from it (order
 * THREAD_SIZE_ORDER pages) and task structs from the pool first, then from
 * whole pages. Everything goes back where it came from.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/task_alloc.h>
#include <asm/page.h>
#include <asm/thread.h>
#include "mm_glue.h"

#define TASK_POOL_SIZE	128
#define STACK_POOL_SIZE	64	/* 1 MiB: idle and IST stacks for 8+ CPUs, and tests */
#define POOL_WORDS(n)	(((n) + 63) / 64)

static struct task_struct task_pool[TASK_POOL_SIZE];
static char stack_pool[STACK_POOL_SIZE][THREAD_SIZE]
	__aligned(THREAD_SIZE) __section(".bss..page_aligned");
static u64 task_used[POOL_WORDS(TASK_POOL_SIZE)];
static u64 stack_used[POOL_WORDS(STACK_POOL_SIZE)];
static DEFINE_SPINLOCK(pool_lock);
static bool use_pages;

/* Takes a free slot from a bitmap of n; -1 if none. */
static int pool_get(u64 *used, unsigned int n)
{
	unsigned long flags;
	int slot = -1;

	spin_lock_irqsave(&pool_lock, flags);
	for (unsigned int i = 0; i < n; i++) {
		if (!(used[i / 64] & (1ULL << (i % 64)))) {
			used[i / 64] |= 1ULL << (i % 64);
			slot = i;
			break;
		}
	}
	spin_unlock_irqrestore(&pool_lock, flags);
	return slot;
}

static void pool_put(u64 *used, unsigned int slot)
{
	unsigned long flags;

	spin_lock_irqsave(&pool_lock, flags);
	BUG_ON(!(used[slot / 64] & (1ULL << (slot % 64))));
	used[slot / 64] &= ~(1ULL << (slot % 64));
	spin_unlock_irqrestore(&pool_lock, flags);
}

void task_alloc_use_page_allocator(void)
{
	use_pages = true;
}

struct task_struct *task_alloc(void)
{
	struct task_struct *p = NULL;
	int slot = pool_get(task_used, TASK_POOL_SIZE);

	BUILD_BUG_ON(sizeof(struct task_struct) > PAGE_SIZE);
	if (slot >= 0)
		p = &task_pool[slot];
	else if (use_pages)
		p = (struct task_struct *)mm_glue_get_pages(0);
	if (p)
		memset(p, 0, sizeof(*p));
	return p;
}

void task_free(struct task_struct *p)
{
	if (!p)
		return;
	if (p >= task_pool && p < task_pool + TASK_POOL_SIZE)
		pool_put(task_used, p - task_pool);
	else
		mm_glue_free_pages((unsigned long)p, 0);
}

void *stack_alloc(void)
{
	int slot;

	if (use_pages) {
		void *s = (void *)mm_glue_get_pages(THREAD_SIZE_ORDER);

		if (s)
			return s;
	}
	slot = pool_get(stack_used, STACK_POOL_SIZE);
	return slot >= 0 ? stack_pool[slot] : NULL;
}

void stack_free(void *stack)
{
	char *s = stack;

	if (!s)
		return;
	if (s >= stack_pool[0] && s < stack_pool[STACK_POOL_SIZE])
		pool_put(stack_used, (s - stack_pool[0]) / THREAD_SIZE);
	else
		mm_glue_free_pages((unsigned long)s, THREAD_SIZE_ORDER);
}
