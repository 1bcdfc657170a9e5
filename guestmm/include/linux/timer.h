/* SPDX-License-Identifier: MIT */
/*
 * Kernel timers, in jiffies: a timer runs its function once, from the tick
 * of the CPU it was added on, in hard-interrupt context.
 */
#ifndef _LINUX_TIMER_H
#define _LINUX_TIMER_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/jiffies.h>

struct timer_list {
	struct list_head entry;
	unsigned long expires;
	void (*function)(struct timer_list *t);
	int cpu;		/* the CPU whose tick runs it */
};

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *),
		 unsigned int flags);
/* Queues t on this CPU to run at t->expires. */
void add_timer(struct timer_list *t);
/* (Re)queues t for expires; 1 if it was pending. */
int mod_timer(struct timer_list *t, unsigned long expires);
/* Dequeues t; 1 if it was pending. It may still be running elsewhere. */
int del_timer(struct timer_list *t);
/* del_timer(), then waits until its function is not running. */
int del_timer_sync(struct timer_list *t);

static inline bool timer_pending(const struct timer_list *t)
{
	return t->entry.next && !list_empty(&t->entry);
}

#endif
