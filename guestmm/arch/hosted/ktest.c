// SPDX-License-Identifier: MIT
/*
 * The hosted side of ktest: the same KTEST cases the guest runs, run in the
 * calling thread (a hosted CPU), their failures kept as "file:line: msg"
 * lines for the Criterion adapter (tests/unit/test_mm_ktest.c) to report.
 */
#include <linux/kernel.h>
#include <linux/ktest.h>
#include <linux/string.h>
#include <asm/hosted.h>

#include <stdarg.h>
#include <stdio.h>

#define MESSAGES_MAX	8192

static char messages[MESSAGES_MAX];
static size_t messages_len;

static void add_message(const char *fmt, va_list ap, const char *file, int line)
{
	char msg[512];
	int n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (file)
		n = snprintf(messages + messages_len, MESSAGES_MAX - messages_len,
			     "%s:%d: %s\n", file, line, msg);
	else
		n = snprintf(messages + messages_len, MESSAGES_MAX - messages_len,
			     "%s\n", msg);
	if (n > 0)
		messages_len = min(messages_len + (size_t)n, (size_t)MESSAGES_MAX - 1);
	pr_err("ktest: %s%s%s\n", file ? file : "", file ? ": " : "", msg);
}

void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	__atomic_add_fetch(&t->failures, 1, __ATOMIC_RELAXED);
	va_start(ap, fmt);
	add_message(fmt, ap, file, line);
	va_end(ap);
}

void ktest_skip(struct ktest *t, const char *fmt, ...)
{
	va_list ap;

	t->skipped = true;
	va_start(ap, fmt);
	add_message(fmt, ap, NULL, 0);
	va_end(ap);
}

void ktest_diag(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_info("# %s\n", msg);
}

unsigned int ktest_run_case(const struct ktest_case *c, struct ktest *t)
{
	memset(t, 0, sizeof(*t));
	t->tcase = c;
	messages_len = 0;
	messages[0] = '\0';
	pr_info("ktest: running %s.%s\n", c->suite, c->name);
	/* Every host thread can be a CPU: min_cpus is always met here. */
	c->run(t);
	return t->failures;
}

const char *hosted_ktest_messages(void)
{
	return messages;
}
