// SPDX-License-Identifier: MIT
/*
 * Wait queues, on top of set_current_state/schedule/wake_up_process: the
 * waiter marks itself sleeping under the queue lock before it tests its
 * condition, so a wake-up between the test and schedule() is never lost.
 */
#include <linux/wait.h>

void init_waitqueue_head(struct wait_queue_head *wq)
{
	spin_lock_init(&wq->lock);
	INIT_LIST_HEAD(&wq->head);
}

static void __prepare_to_wait(struct wait_queue_head *wq,
			      struct wait_queue_entry *w, int state,
			      bool exclusive)
{
	unsigned long flags;

	w->task = current;
	w->exclusive = exclusive;
	spin_lock_irqsave(&wq->lock, flags);
	if (!w->entry.next || list_empty(&w->entry)) {
		if (exclusive)
			list_add_tail(&w->entry, &wq->head);
		else
			list_add(&w->entry, &wq->head);
	}
	set_current_state(state);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w,
		     int state)
{
	__prepare_to_wait(wq, w, state, false);
}

void prepare_to_wait_exclusive(struct wait_queue_head *wq,
			       struct wait_queue_entry *w, int state)
{
	__prepare_to_wait(wq, w, state, true);
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	unsigned long flags;

	__set_current_state(TASK_RUNNING);
	if (!w->entry.next)
		return;
	spin_lock_irqsave(&wq->lock, flags);
	if (!list_empty(&w->entry))
		list_del_init(&w->entry);
	spin_unlock_irqrestore(&wq->lock, flags);
}

/*
 * A woken entry leaves the queue here, so a waiter that loops back into
 * prepare_to_wait is queued afresh (at its exclusive position). The woken
 * get their IPIs only after the unlock: they take this lock first thing.
 */
void __wake_up(struct wait_queue_head *wq, int nr)
{
	struct wait_queue_entry *w, *next;
	unsigned long flags;

	spin_lock_irqsave(&wq->lock, flags);
	list_for_each_entry_safe(w, next, &wq->head, entry) {
		bool exclusive = w->exclusive;

		list_del_init(&w->entry);
		wake_up_process(w->task);
		if (exclusive && nr && --nr == 0)
			break;
	}
	spin_unlock_irqrestore(&wq->lock, flags);
	flush_resched_ipis();
}
