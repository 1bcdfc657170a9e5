// SPDX-License-Identifier: MIT
/*
 * dmadev_bench: the DMA engine's model on the host, over fake guest memory
 * (16 MiB gmem_add'ed buffer, pre-faulted): copy throughput for 4 KiB to
 * 1 MiB register-mode commands, and completions per second (64-byte
 * commands; ring chains of one descriptor), each submitter waiting for the
 * completion interrupt (the irq op signals a condition variable), with the
 * device thread's CPU time; the copies again with a free owner look (the
 * device's bookkeeping of every page's owner at submit and at transfer).
 * Native: these are the VMM's own costs, without
 * the guest's MMIO exits and interrupt delivery, which depend on the
 * accelerator.
 *
 *   bench/dmadev_bench [seconds per case, default 1]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dmadev.h"
#include "bench_util.h"

#define RAM_SIZE	(MV_DMADEV_MASK + 1)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static unsigned long irqs;

static void on_irq(void *opaque)
{
	pthread_mutex_lock(&lock);
	irqs++;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
}

/*
 * An owner look that costs nothing (every page allocated): what the
 * device's own bookkeeping of every page's owner costs, without the
 * inspector's reads (those are measured in the guest: devices/README.md).
 */
static int free_looks(void *opaque, uint64_t pfn, unsigned int n,
		      struct page_state *s)
{
	for (unsigned int i = 0; i < n; i++)
		s[i] = (struct page_state){ PAGE_STATE_ALLOCATED, 0, pfn + i, 0, 0 };
	return 0;
}

static struct dmadev_ops ops = { .irq = on_irq };
static struct dmadev dev;
static uint8_t *ram;

/* Waits for the interrupt after the one numbered @seen. */
static void wait_irq(unsigned long seen)
{
	pthread_mutex_lock(&lock);
	while (irqs == seen)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
}

static unsigned long irq_count(void)
{
	unsigned long n;

	pthread_mutex_lock(&lock);
	n = irqs;
	pthread_mutex_unlock(&lock);
	return n;
}

static void cmd(unsigned int op, uint64_t src, uint64_t dst, uint64_t len)
{
	unsigned long seen = irq_count();

	dmadev_write(&dev, MV_DMADEV_SRC, src);
	dmadev_write(&dev, MV_DMADEV_DST, dst);
	dmadev_write(&dev, MV_DMADEV_LEN, len);
	dmadev_write(&dev, MV_DMADEV_CMD, op);
	wait_irq(seen);
}

static void ring_one(uint64_t *tail)
{
	unsigned long seen = irq_count();

	dmadev_write(&dev, MV_DMADEV_RING_TAIL, ++*tail);
	wait_irq(seen);
}

/* COPYs of @size for @secs: one line. */
static void copy_case(unsigned int size, double secs, const char *what)
{
	unsigned long n = 0;
	uint64_t cpu0 = dmadev_thread_cpu_ns(&dev), cpu;
	double t0 = bench_now(), t;
	char name[32];

	do {
		cmd(MV_DMADEV_OP_COPY, 0, 8 << 20, size);
		n++;
	} while ((t = bench_now() - t0) < secs);
	cpu = dmadev_thread_cpu_ns(&dev) - cpu0;
	snprintf(name, sizeof(name), "copy %u%s", size, what);
	printf("%-22s %10lu %12.0f %14.0f %13.2f us\n", name, n,
	       n * (double)size / t / (1 << 20), n / t, cpu / 1e3 / n);
}

int main(int argc, char **argv)
{
	static const unsigned int sizes[] = { 4096, 16384, 65536, 262144, 1048576 };
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	struct gmem gm;
	uint64_t tail = 0;

	ram = aligned_alloc(4096, RAM_SIZE);
	if (!ram)
		return 1;
	memset(ram, 1, RAM_SIZE);
	gmem_init(&gm);
	gmem_add(&gm, 0, RAM_SIZE, ram);
	dmadev_init(&dev, &gm, &ops, NULL);
	if (dmadev_start(&dev))
		return 1;
	dmadev_write(&dev, MV_DMADEV_INT_ENABLE, 1);

	printf("dmadev_bench: host-side, fake guest memory, %.1f s per case\n", secs);
	printf("%-22s %10s %12s %14s %16s\n", "case", "ops", "MiB/s", "ops/s",
	       "thread CPU/op");
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		copy_case(sizes[i], secs, "");
	ops.owners = free_looks;
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		copy_case(sizes[i], secs, " +looks");
	ops.owners = NULL;
	{
		unsigned long n = 0;
		uint64_t cpu0 = dmadev_thread_cpu_ns(&dev), cpu;
		double t0 = bench_now(), t;

		do {
			cmd(MV_DMADEV_OP_FILL, 0, 4096, 64);
			n++;
		} while ((t = bench_now() - t0) < secs);
		cpu = dmadev_thread_cpu_ns(&dev) - cpu0;
		printf("%-22s %10lu %12s %14.0f %13.2f us\n", "completions: fill 64", n,
		       "-", n / t, cpu / 1e3 / n);
	}
	{
		struct mv_dmadev_desc *ring = (void *)(ram + 0x1000);
		unsigned long n = 0;
		uint64_t cpu0, cpu;
		double t0, t;

		for (unsigned int s = 0; s < 64; s++)
			ring[s] = (struct mv_dmadev_desc){ 0x100000, 64, 0, 0, 0, 0 };
		dmadev_write(&dev, MV_DMADEV_RING_BASE, 0x1000);
		dmadev_write(&dev, MV_DMADEV_RING_SIZE, 64);
		cpu0 = dmadev_thread_cpu_ns(&dev);
		t0 = bench_now();
		do {
			ring_one(&tail);
			n++;
		} while ((t = bench_now() - t0) < secs);
		cpu = dmadev_thread_cpu_ns(&dev) - cpu0;
		printf("%-22s %10lu %12s %14.0f %13.2f us\n", "completions: ring 64", n,
		       "-", n / t, cpu / 1e3 / n);
	}
	dmadev_destroy(&dev);
	free(ram);
	return 0;
}
