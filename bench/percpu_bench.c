// SPDX-License-Identifier: MIT
/*
 * percpu_bench: the per-CPU allocator (guestmm/mm/percpu.c) hosted, native.
 *
 * 1. Random pairs: LIVE per-CPU objects of 4, 8, 64 or 256 bytes; each pair
 *    frees a random one and allocates a random size in its place
 *    (free_percpu + __alloc_percpu). Linux's bitmap allocator was measured
 *    at about 2.7 us per random pair; the goal here is half of that.
 *    The hosted build has NR_CPUS (64) units per chunk, so every allocation
 *    zeroes 64 copies, as Linux does for its possible CPUs.
 * 2. this_cpu_inc against an atomic increment: the guest's instruction
 *    itself (`addq $1, %gs:(reg)`, with this thread's %gs base set by
 *    arch_prctl), the hosted this_cpu_inc (C, virtual interrupts off around
 *    it) and raw_cpu_inc, and `lock xadd` on one counter.
 *
 * Usage: bench/percpu_bench [PAIRS [LIVE]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <memvisor/mminfo.h>
#include <asm/hosted.h>

#include "bench_util.h"

static uint64_t rng = BENCH_SEED;

#define ARCH_SET_GS	0x1001	/* <asm/prctl.h>, which guestmm's asm/ hides */
#define INC_LOOPS	100000000UL

static const size_t sizes[] = { 4, 8, 64, 256 };

static void random_pairs(unsigned long pairs, unsigned int live)
{
	void __percpu **slot = calloc(live, sizeof(*slot));
	const struct mv_percpu_info *info = percpu_info();
	double t0, t1;

	for (unsigned int i = 0; i < live; i++) {
		size_t s = sizes[bench_xorshift(&rng) % 4];

		slot[i] = __alloc_percpu(s, s);
	}
	/* warm up */
	for (unsigned long i = 0; i < pairs / 10; i++) {
		unsigned int k = bench_xorshift(&rng) % live;
		size_t s = sizes[bench_xorshift(&rng) % 4];

		free_percpu(slot[k]);
		slot[k] = __alloc_percpu(s, s);
	}
	t0 = bench_now_ns();
	for (unsigned long i = 0; i < pairs; i++) {
		unsigned int k = bench_xorshift(&rng) % live;
		size_t s = sizes[bench_xorshift(&rng) % 4];

		free_percpu(slot[k]);
		slot[k] = __alloc_percpu(s, s);
		if (!slot[k]) {
			fprintf(stderr, "percpu_bench: allocation failed at pair %lu\n", i);
			exit(1);
		}
	}
	t1 = bench_now_ns();
	printf("random pairs (4/8/64/256 B, %u live, %u units): %8.1f ns/pair  (%lu pairs, %u chunks, Linux ~2700 ns, goal <= 1350 ns)\n",
	       live, info->nr_units, (t1 - t0) / pairs, pairs, info->nr_chunks);
	for (unsigned int i = 0; i < live; i++)
		free_percpu(slot[i]);
	free(slot);
}

/* The same pairs with one size, to see the zeroing's share. */
static void one_size_pairs(size_t size, unsigned long pairs, unsigned int live)
{
	void __percpu **slot = calloc(live, sizeof(*slot));
	double t0;

	for (unsigned int i = 0; i < live; i++)
		slot[i] = __alloc_percpu(size, size);
	t0 = bench_now_ns();
	for (unsigned long i = 0; i < pairs; i++) {
		unsigned int k = bench_xorshift(&rng) % live;

		free_percpu(slot[k]);
		slot[k] = __alloc_percpu(size, size);
	}
	printf("  pairs of %3zu B only: %8.1f ns/pair\n", size, (bench_now_ns() - t0) / pairs);
	for (unsigned int i = 0; i < live; i++)
		free_percpu(slot[i]);
	free(slot);
}

static DEFINE_PER_CPU(unsigned long, bench_counter);

static void inc_costs(void)
{
	unsigned long __percpu *dyn = alloc_percpu(unsigned long);
	static unsigned long shared;
	double t0, gs_ns = -1, tc_ns, raw_ns, atomic_ns;

	/* The guest's own instruction: %gs base := this CPU's offset. */
	if (!syscall(SYS_arch_prctl, ARCH_SET_GS, __per_cpu_offset[smp_processor_id()])) {
		t0 = bench_now_ns();
		for (unsigned long i = 0; i < INC_LOOPS; i++)
			__asm__ __volatile__("addq $1, %%gs:%0" : "+m"(*dyn));
		gs_ns = (bench_now_ns() - t0) / INC_LOOPS;
		if (*this_cpu_ptr(dyn) != INC_LOOPS)
			printf("  (the %%gs increments landed elsewhere: %lu)\n", *this_cpu_ptr(dyn));
	}
	t0 = bench_now_ns();
	for (unsigned long i = 0; i < INC_LOOPS; i++)
		this_cpu_inc(bench_counter);
	tc_ns = (bench_now_ns() - t0) / INC_LOOPS;
	t0 = bench_now_ns();
	for (unsigned long i = 0; i < INC_LOOPS; i++) {
		raw_cpu_inc(bench_counter);
		barrier();
	}
	raw_ns = (bench_now_ns() - t0) / INC_LOOPS;
	t0 = bench_now_ns();
	for (unsigned long i = 0; i < INC_LOOPS; i++)
		__atomic_fetch_add(&shared, 1, __ATOMIC_RELAXED);
	atomic_ns = (bench_now_ns() - t0) / INC_LOOPS;

	if (gs_ns >= 0)
		printf("addq $1, %%gs:(ptr)  (guest this_cpu_inc)   : %6.2f ns\n", gs_ns);
	else
		printf("addq $1, %%gs:(ptr)  (guest this_cpu_inc)   : not measured (arch_prctl refused)\n");
	printf("hosted this_cpu_inc (irq-off + TLS + add)  : %6.2f ns\n", tc_ns);
	printf("hosted raw_cpu_inc  (TLS + add)            : %6.2f ns\n", raw_ns);
	printf("lock xadd, one counter, uncontended        : %6.2f ns\n", atomic_ns);
	free_percpu(dyn);
}

int main(int argc, char **argv)
{
	unsigned long pairs = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	unsigned int live = argc > 2 ? strtoul(argv[2], NULL, 0) : 1024;

	hosted_boot(NULL);
	random_pairs(pairs, live);
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++)
		one_size_pairs(sizes[i], pairs / 4, live);
	inc_costs();
	return 0;
}
