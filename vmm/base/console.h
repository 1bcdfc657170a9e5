/* SPDX-License-Identifier: MIT */
/*
 * The VMM's two output streams, shared by every vCPU thread: "out" carries
 * the guest's console and its TAP test report (stdout), "err" the VMM's own
 * messages, dumps and panic reports (stderr). One lock serializes both, so
 * lines from different vCPUs never interleave, and each write is flushed at
 * once (a crash loses nothing).
 */
#ifndef VMM_CONSOLE_H
#define VMM_CONSOLE_H

#include <stddef.h>
#include <stdio.h>

/* Redirects the streams (tests); NULL keeps the current one. */
void console_set_streams(FILE *out, FILE *err);

/* Writes guest console bytes to "out" as a whole, then flushes. */
void console_write(const void *buf, size_t len);

__attribute__((format(printf, 1, 2))) void console_out(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void console_err(const char *fmt, ...);

/* For multi-line reports: hold the lock and print to the stream. */
FILE *console_lock_out(void);
FILE *console_lock_err(void);
void console_unlock(void);

#endif
