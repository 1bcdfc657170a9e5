// SPDX-License-Identifier: MIT
/*
 * Hosted console: every line goes into an in-memory log that tests search
 * (hosted_log_contains("page allocation failure")), and, up to
 * hosted_console_level, to stderr. Virtual interrupts are off while the log
 * lock is held, so an IPI handler that prints cannot deadlock on it.
 */
#include <linux/kernel.h>
#include <linux/console.h>
#include <linux/irqflags.h>
#include <linux/string.h>
#include <asm/hosted.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "hosted_internal.h"

#define LOG_MAX		(4UL << 20)

int hosted_console_level = LOGLEVEL_DEFAULT;
static char *log_buf;
static size_t log_len;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void log_append(const char *buf, size_t len)
{
	if (!log_buf) {
		log_buf = malloc(LOG_MAX + 1);
		if (!log_buf)
			return;
	}
	if (len > LOG_MAX / 2)
		len = LOG_MAX / 2;
	/* Full: keep the newer half. */
	if (log_len + len > LOG_MAX) {
		memmove(log_buf, log_buf + log_len - LOG_MAX / 2, LOG_MAX / 2);
		log_len = LOG_MAX / 2;
	}
	memcpy(log_buf + log_len, buf, len);
	log_len += len;
	log_buf[log_len] = '\0';
}

void arch_console_write(const char *buf, size_t len, int level)
{
	unsigned long flags = 0;
	bool attached = hosted_pda != NULL;

	if (attached)
		local_irq_save(flags);
	pthread_mutex_lock(&log_lock);
	log_append(buf, len);
	if (level <= hosted_console_level) {
		ssize_t r = write(STDERR_FILENO, buf, len);

		(void)r;
	}
	pthread_mutex_unlock(&log_lock);
	if (attached)
		local_irq_restore(flags);
}

bool hosted_log_contains(const char *s)
{
	bool found;

	pthread_mutex_lock(&log_lock);
	found = log_buf && memmem(log_buf, log_len, s, strlen(s));
	pthread_mutex_unlock(&log_lock);
	return found;
}

void hosted_log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	log_len = 0;
	if (log_buf)
		log_buf[0] = '\0';
	pthread_mutex_unlock(&log_lock);
}

void hosted_console_reset(void)
{
	const char *v = getenv("MEMVISOR_HOSTED_LOGLEVEL");

	if (v)
		hosted_console_level = atoi(v);
	hosted_log_clear();
}
