// SPDX-License-Identifier: MIT
#include <linux/completion.h>

void init_completion(struct completion *x)
{
	x->done = 0;
	init_waitqueue_head(&x->wait);
}

void reinit_completion(struct completion *x)
{
	x->done = 0;
}

void complete(struct completion *x)
{
	unsigned long flags;

	spin_lock_irqsave(&x->wait.lock, flags);
	if (x->done != ~0U)
		x->done++;
	spin_unlock_irqrestore(&x->wait.lock, flags);
	wake_up(&x->wait);
}

void complete_all(struct completion *x)
{
	unsigned long flags;

	spin_lock_irqsave(&x->wait.lock, flags);
	x->done = ~0U;
	spin_unlock_irqrestore(&x->wait.lock, flags);
	wake_up_all(&x->wait);
}

bool try_wait_for_completion(struct completion *x)
{
	unsigned long flags;
	bool ret = false;

	spin_lock_irqsave(&x->wait.lock, flags);
	if (x->done) {
		if (x->done != ~0U)
			x->done--;
		ret = true;
	}
	spin_unlock_irqrestore(&x->wait.lock, flags);
	return ret;
}

bool completion_done(struct completion *x)
{
	return READ_ONCE(x->done) != 0;
}

void wait_for_completion(struct completion *x)
{
	struct wait_queue_entry w = { .task = current };

	might_sleep();
	for (;;) {
		prepare_to_wait_exclusive(&x->wait, &w, TASK_UNINTERRUPTIBLE);
		if (try_wait_for_completion(x))
			break;
		schedule();
	}
	finish_wait(&x->wait, &w);
}

unsigned long wait_for_completion_timeout(struct completion *x,
					  unsigned long timeout)
{
	struct wait_queue_entry w = { .task = current };
	long left = timeout;

	might_sleep();
	for (;;) {
		prepare_to_wait_exclusive(&x->wait, &w, TASK_UNINTERRUPTIBLE);
		if (try_wait_for_completion(x)) {
			if (!left)
				left = 1;
			break;
		}
		if (!left)
			break;
		left = schedule_timeout(left);
	}
	finish_wait(&x->wait, &w);
	return left;
}
