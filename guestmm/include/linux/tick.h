/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_TICK_H
#define _LINUX_TICK_H

/*
 * The periodic tick (HZ per second on every CPU), called by the arch timer
 * interrupt: advances jiffies (boot CPU), runs expired timers and the
 * scheduler's time slice accounting.
 */
void tick_handle_periodic(void);

/* Ticks taken by each CPU so far (tests measure the rate with it). */
unsigned long tick_count(unsigned int cpu);

#endif
