/* SPDX-License-Identifier: MIT */
/*
 * What vmmctl prints carries the guest's own bytes (cache and zone names,
 * a hostile guest's "names" among them): on the way out, control
 * characters become \xHH, as ls -b and ps print them, so that no guest
 * moves the cursor, clears the screen or retitles the terminal. Newline and
 * tab pass; C0 controls, DEL and the C1 controls (U+0080-U+009F, CSI among
 * them, as UTF-8 C2 80-9F) are escaped.
 */
#ifndef VMMCTL_TERM_SAFE_H
#define VMMCTL_TERM_SAFE_H

#include <stddef.h>
#include <stdio.h>

/*
 * A stream that writes to @raw what it is given, control characters
 * escaped; closing it flushes it (@raw stays open). NULL: no memory.
 */
FILE *term_safe_open(FILE *raw);

/*
 * The escaping itself, for one chunk: writes to @raw; *@pending_c2 carries
 * a C2 lead byte from one chunk to the next. Returns @len, or -1.
 */
ssize_t term_safe_write(FILE *raw, int *pending_c2, const char *buf,
			size_t len);

#endif
