// SPDX-License-Identifier: MIT
/* The VMM's output streams, serialized across vCPU threads. */
#include <pthread.h>
#include <stdarg.h>

#include "console.h"

static pthread_mutex_t console_mutex = PTHREAD_MUTEX_INITIALIZER;
static FILE *out_stream;
static FILE *err_stream;

static FILE *out_file(void)
{
	return out_stream ? out_stream : stdout;
}

static FILE *err_file(void)
{
	return err_stream ? err_stream : stderr;
}

void console_set_streams(FILE *out, FILE *err)
{
	pthread_mutex_lock(&console_mutex);
	if (out)
		out_stream = out;
	if (err)
		err_stream = err;
	pthread_mutex_unlock(&console_mutex);
}

void console_write(const void *buf, size_t len)
{
	FILE *f = console_lock_out();

	fwrite(buf, 1, len, f);
	console_unlock();
}

static void vprint(FILE *f, const char *fmt, va_list ap)
{
	vfprintf(f, fmt, ap);
	console_unlock();
}

void console_out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(console_lock_out(), fmt, ap);
	va_end(ap);
}

void console_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(console_lock_err(), fmt, ap);
	va_end(ap);
}

FILE *console_lock_out(void)
{
	pthread_mutex_lock(&console_mutex);
	return out_file();
}

FILE *console_lock_err(void)
{
	pthread_mutex_lock(&console_mutex);
	/* what the guest said before it died should come first */
	fflush(out_file());
	return err_file();
}

void console_unlock(void)
{
	fflush(out_file());
	fflush(err_file());
	pthread_mutex_unlock(&console_mutex);
}
