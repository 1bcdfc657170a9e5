/* SPDX-License-Identifier: MIT */
/*
 * GFP flags written as in C ("GFP_KERNEL|__GFP_DMA", or a number) into the
 * guest's values, from the one table both sides share (<memvisor/gfp.h>).
 * Pure.
 */
#ifndef VMM_CONTROL_GFP_PARSE_H
#define VMM_CONTROL_GFP_PARSE_H

#include <stdint.h>

#include "err.h"

/*
 * Parses @s: names and numbers joined by '|', spaces allowed around them.
 * 0 with the value in *@gfp, or -1 and a one-line message naming the bad
 * word.
 */
int gfp_parse(const char *s, uint32_t *gfp, struct errbuf *e);

#endif
