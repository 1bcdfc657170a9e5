/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_WAIT_H
#define _LINUX_WAIT_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/sched.h>

struct wait_queue_entry {
	struct task_struct *task;
	struct list_head entry;
	bool exclusive;
};

typedef struct wait_queue_head {
	spinlock_t lock;
	struct list_head head;
} wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(name) \
	{ __SPIN_LOCK_UNLOCKED(name.lock), LIST_HEAD_INIT(name.head) }
#define DECLARE_WAIT_QUEUE_HEAD(name) \
	wait_queue_head_t name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

void init_waitqueue_head(struct wait_queue_head *wq);
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w,
		     int state);
void prepare_to_wait_exclusive(struct wait_queue_head *wq,
			       struct wait_queue_entry *w, int state);
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w);
/* Wakes every non-exclusive waiter and up to nr exclusive ones (0: all). */
void __wake_up(struct wait_queue_head *wq, int nr);
#define wake_up(wq)		__wake_up(wq, 1)
#define wake_up_all(wq)		__wake_up(wq, 0)
#define wake_up_interruptible(wq) __wake_up(wq, 1)

static inline bool waitqueue_active(struct wait_queue_head *wq)
{
	return !list_empty(&wq->head);
}

#define wait_event(wq, condition)					\
do {									\
	struct wait_queue_entry __w = { .task = current };		\
	might_sleep();							\
	for (;;) {							\
		prepare_to_wait(&(wq), &__w, TASK_UNINTERRUPTIBLE);	\
		if (condition)						\
			break;						\
		schedule();						\
	}								\
	finish_wait(&(wq), &__w);					\
} while (0)

/* Returns 0 if the timeout passed with condition false, else jiffies left (>=1). */
#define wait_event_timeout(wq, condition, timeout)			\
({									\
	long __ret = (timeout);						\
	struct wait_queue_entry __w = { .task = current };		\
	might_sleep();							\
	for (;;) {							\
		prepare_to_wait(&(wq), &__w, TASK_UNINTERRUPTIBLE);	\
		if (condition) {					\
			if (!__ret)					\
				__ret = 1;				\
			break;						\
		}							\
		if (!__ret)						\
			break;						\
		__ret = schedule_timeout(__ret);			\
	}								\
	finish_wait(&(wq), &__w);					\
	__ret;								\
})

#endif
