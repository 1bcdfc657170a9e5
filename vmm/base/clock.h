/* SPDX-License-Identifier: MIT */
/* Time on CLOCK_MONOTONIC, immune to date changes, in nanoseconds. */
#ifndef VMM_BASE_CLOCK_H
#define VMM_BASE_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

#endif
