/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_JIFFIES_H
#define _LINUX_JIFFIES_H

#include <linux/types.h>

/* 100 Hz: every tick costs an interrupt, and nested under TCG they are dear. */
#define HZ 100

extern volatile unsigned long jiffies;

#define MAX_SCHEDULE_TIMEOUT	((long)(~0UL >> 1))
#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)
#define time_after_eq(a, b)	((long)((a) - (b)) >= 0)

static inline unsigned long msecs_to_jiffies(unsigned int ms)
{
	return ((unsigned long)ms * HZ + 999) / 1000;
}

#endif
