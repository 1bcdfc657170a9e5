// SPDX-License-Identifier: MIT
/*
 * page_bench: the guest's page allocator, hosted, against malloc/free of
 * the same sizes from glibc, jemalloc and mimalloc, in one run.
 *
 * Cases:
 *   order0       alloc_page + __free_page pairs (the per-CPU list fast path)
 *   order1..4    alloc_pages + __free_pages of 2^n pages (the buddy lists)
 *   batchN       N order-0 allocations, then N frees (N = 1..1024): the
 *                per-CPU list fills, refills from and drains to the buddy lists
 *   oKbatch256   256 order-K allocations (K = 1..4), then 256 frees
 * Peers allocate the same number of bytes (4 KiB << order) with malloc/free;
 * jemalloc and mimalloc are dlopen'ed (libjemalloc.so.2, libmimalloc.so.2)
 * so one binary compares all of them. Times are TSC cycles and nanoseconds
 * per operation (a pair, or one alloc + one free for batchN), the median of
 * several runs; the table shows ours / peer ratios (< 1: ours is faster).
 *
 * Instruction counts: run one case and one implementation under callgrind,
 * collecting only inside bench_loop():
 *   valgrind --tool=callgrind --toggle-collect=bench_loop \
 *       bench/page_bench --only order0 --impl ours --iters 100000
 * (bench/callgrind-report does that for every case and implementation.)
 */
#include <dlfcn.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/mm.h>
#include <linux/gfp.h>
#include <asm/hosted.h>
#include <asm/processor.h>

#define RUNS		11
#define MAX_BATCH	1024

enum impl_id { IMPL_OURS, IMPL_GLIBC, IMPL_JEMALLOC, IMPL_MIMALLOC, NR_IMPLS };

struct impl {
	const char *name;
	const char *lib;
	const char *malloc_sym, *free_sym;
	void *(*malloc)(size_t);
	void (*free)(void *);
	bool available;
};

static struct impl impls[NR_IMPLS] = {
	[IMPL_OURS] = { .name = "ours" },
	[IMPL_GLIBC] = { .name = "glibc" },
	[IMPL_JEMALLOC] = { .name = "jemalloc", .lib = "libjemalloc.so.2",
			    .malloc_sym = "malloc", .free_sym = "free" },
	[IMPL_MIMALLOC] = { .name = "mimalloc", .lib = "libmimalloc.so.2",
			    .malloc_sym = "mi_malloc", .free_sym = "mi_free" },
};

enum case_kind { CASE_PAIR, CASE_BATCH };

struct bench_case {
	char name[16];
	enum case_kind kind;
	unsigned int order;	/* of each block */
	unsigned int n;		/* batch: allocations before the frees */
};

static struct bench_case cases[16];
static unsigned int nr_cases;

static void add_case(const char *name, enum case_kind kind, unsigned int order,
		     unsigned int n)
{
	struct bench_case *c = &cases[nr_cases++];

	snprintf(c->name, sizeof(c->name), "%s", name);
	c->kind = kind;
	c->order = order;
	c->n = n;
}

static void setup_cases(void)
{
	static const unsigned int batches[] = { 1, 8, 64, 256, 1024 };
	char name[16];
	unsigned int o;

	add_case("order0", CASE_PAIR, 0, 0);
	for (o = 1; o <= 4; o++) {
		snprintf(name, sizeof(name), "order%u", o);
		add_case(name, CASE_PAIR, o, 0);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(batches); i++) {
		snprintf(name, sizeof(name), "batch%u", batches[i]);
		add_case(name, CASE_BATCH, 0, batches[i]);
	}
	for (o = 1; o <= 4; o++) {
		snprintf(name, sizeof(name), "o%ubatch256", o);
		add_case(name, CASE_BATCH, o, 256);
	}
}

/*
 * jemalloc uses initial-exec TLS, which a dlopen'ed library may only have
 * if glibc kept static TLS room for it: ask for some and start again.
 */
static void reexec_with_static_tls(char **argv)
{
	static const char tunable[] = "glibc.rtld.optional_static_tls=65536";

	if (getenv("MEMVISOR_BENCH_REEXEC"))
		return;
	setenv("MEMVISOR_BENCH_REEXEC", "1", 1);
	setenv("GLIBC_TUNABLES", tunable, 1);
	execv("/proc/self/exe", argv);
}

static void load_peers(char **argv)
{
	impls[IMPL_OURS].available = true;
	impls[IMPL_GLIBC].malloc = malloc;
	impls[IMPL_GLIBC].free = free;
	impls[IMPL_GLIBC].available = true;
	for (int i = IMPL_JEMALLOC; i < NR_IMPLS; i++) {
		struct impl *im = &impls[i];
		void *h = dlopen(im->lib, RTLD_NOW | RTLD_LOCAL);

		if (!h && strstr(dlerror(), "static TLS")) {
			reexec_with_static_tls(argv);
			h = dlopen(im->lib, RTLD_NOW | RTLD_LOCAL);
		}
		if (!h) {
			fprintf(stderr, "page_bench: %s not loaded (%s): skipped\n",
				im->name, dlerror());
			continue;
		}
		im->malloc = (void *(*)(size_t))dlsym(h, im->malloc_sym);
		im->free = (void (*)(void *))dlsym(h, im->free_sym);
		im->available = im->malloc && im->free;
	}
}

/* ---- The measured loops (callgrind collects inside bench_loop only) ------ */

static struct page *pages[MAX_BATCH];
static void *ptrs[MAX_BATCH];
static volatile unsigned long sink;

static noinline void ours_pairs(unsigned long iters, unsigned int order)
{
	for (unsigned long i = 0; i < iters; i++) {
		struct page *p = alloc_pages(GFP_KERNEL, order);

		__free_pages(p, order);
	}
}

static noinline void ours_batches(unsigned long iters, unsigned int n,
				  unsigned int order)
{
	for (unsigned long i = 0; i < iters; i++) {
		for (unsigned int j = 0; j < n; j++)
			pages[j] = alloc_pages(GFP_KERNEL, order);
		for (unsigned int j = 0; j < n; j++)
			__free_pages(pages[j], order);
	}
}

static noinline void peer_pairs(const struct impl *im, unsigned long iters,
				size_t size)
{
	for (unsigned long i = 0; i < iters; i++) {
		void *p = im->malloc(size);

		sink = (unsigned long)p;	/* keep the pair from being elided */
		im->free(p);
	}
}

static noinline void peer_batches(const struct impl *im, unsigned long iters,
				  unsigned int n, size_t size)
{
	for (unsigned long i = 0; i < iters; i++) {
		for (unsigned int j = 0; j < n; j++)
			ptrs[j] = im->malloc(size);
		for (unsigned int j = 0; j < n; j++)
			im->free(ptrs[j]);
	}
}

static noinline void bench_loop(int impl, const struct bench_case *c,
				unsigned long iters)
{
	if (impl == IMPL_OURS) {
		if (c->kind == CASE_PAIR)
			ours_pairs(iters, c->order);
		else
			ours_batches(iters, c->n, c->order);
		return;
	}
	if (c->kind == CASE_PAIR)
		peer_pairs(&impls[impl], iters, PAGE_SIZE << c->order);
	else
		peer_batches(&impls[impl], iters, c->n, PAGE_SIZE << c->order);
}

/* ---- Timing ---------------------------------------------------------------- */

struct result {
	double cycles, ns;	/* per operation */
	bool valid;
};

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Operations one bench_loop iteration counts (a pair, or n pairs). */
static unsigned long ops_per_iter(const struct bench_case *c)
{
	return c->kind == CASE_PAIR ? 1 : c->n;
}

static struct result measure(int impl, const struct bench_case *c,
			     unsigned long total_ops)
{
	unsigned long iters = total_ops / ops_per_iter(c);
	double cyc[RUNS], ns[RUNS];
	struct result r = { 0 };

	u64 t0, warm_ns;
	unsigned long warm = iters / 10 + 1;

	/* Warm up caches and lists; slow peers get fewer iterations (<= ~40 ms a run). */
	t0 = now_ns();
	bench_loop(impl, c, warm);
	warm_ns = now_ns() - t0 + 1;
	if (warm_ns / warm * iters > 40000000ULL)
		iters = max(40000000ULL * warm / warm_ns, 1ULL);
	for (int run = 0; run < RUNS; run++) {
		u64 t0 = now_ns(), c0 = rdtsc();

		bench_loop(impl, c, iters);
		cyc[run] = (double)(rdtsc() - c0) / (iters * ops_per_iter(c));
		ns[run] = (double)(now_ns() - t0) / (iters * ops_per_iter(c));
	}
	qsort(cyc, RUNS, sizeof(double), cmp_double);
	qsort(ns, RUNS, sizeof(double), cmp_double);
	r.cycles = cyc[RUNS / 2];
	r.ns = ns[RUNS / 2];
	r.valid = true;
	return r;
}

static void print_table(struct result res[][NR_IMPLS], unsigned long total_ops)
{
	printf("\npage_bench: median of %d runs of up to %lu operations each; cycles = TSC ticks per op\n",
	       RUNS, total_ops);
	printf("(an op is an alloc+free pair; ratio = ours / peer, below 1.00 means ours is faster)\n\n");
	printf("%-10s %8s %7s", "case", "ours cyc", "ns");
	for (int i = IMPL_GLIBC; i < NR_IMPLS; i++)
		if (impls[i].available)
			printf(" | %9s cyc  ratio", impls[i].name);
	printf("\n");
	for (unsigned int c = 0; c < nr_cases; c++) {
		if (!res[c][IMPL_OURS].valid)
			continue;
		printf("%-10s %8.1f %7.1f", cases[c].name, res[c][IMPL_OURS].cycles,
		       res[c][IMPL_OURS].ns);
		for (int i = IMPL_GLIBC; i < NR_IMPLS; i++) {
			if (!impls[i].available)
				continue;
			if (res[c][i].valid)
				printf(" | %13.1f  %5.2f", res[c][i].cycles,
				       res[c][IMPL_OURS].cycles / res[c][i].cycles);
			else
				printf(" | %13s  %5s", "-", "-");
		}
		printf("\n");
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: page_bench [--only CASE] [--impl ours|glibc|jemalloc|mimalloc]\n"
		"                  [--iters N] [--mem MIB]\n"
		"cases: order0 order1..order4 batch1 batch8 batch64 batch256 batch1024\n"
		"       o1batch256..o4batch256\n"
		"With --only and --impl, runs that loop once, untimed (for callgrind).\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "only", required_argument, NULL, 'o' },
		{ "impl", required_argument, NULL, 'i' },
		{ "iters", required_argument, NULL, 'n' },
		{ "mem", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct result res[16][NR_IMPLS];
	const char *only = NULL, *impl_name = NULL;
	unsigned long total_ops = 1000000, mem_mib = 1024;
	struct hosted_boot_config cfg;
	int opt, impl = -1;

	while ((opt = getopt_long(argc, argv, "o:i:n:m:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o': only = optarg; break;
		case 'i': impl_name = optarg; break;
		case 'n': total_ops = strtoul(optarg, NULL, 0); break;
		case 'm': mem_mib = strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	setup_cases();
	load_peers(argv);
	if (impl_name) {
		for (int i = 0; i < NR_IMPLS; i++)
			if (!strcmp(impls[i].name, impl_name))
				impl = i;
		if (impl < 0 || !impls[impl].available)
			usage();
	}

	hosted_console_level = 3;	/* the boot summary is not the result */
	hosted_default_config(&cfg);
	cfg.mem_size = mem_mib << 20;
	hosted_boot(&cfg);

	/* callgrind mode: one loop, one implementation, no timing. */
	if (only && impl >= 0) {
		for (unsigned int c = 0; c < nr_cases; c++)
			if (!strcmp(cases[c].name, only)) {
				unsigned long iters = total_ops / ops_per_iter(&cases[c]);

				bench_loop(impl, &cases[c], iters);
				printf("%s %s: %lu ops\n", only, impls[impl].name,
				       iters * ops_per_iter(&cases[c]));
				return 0;
			}
		usage();
	}

	for (unsigned int c = 0; c < nr_cases; c++) {
		if (only && strcmp(cases[c].name, only))
			continue;
		for (int i = 0; i < NR_IMPLS; i++) {
			if (!impls[i].available || (impl >= 0 && i != impl))
				continue;
			res[c][i] = measure(i, &cases[c], total_ops);
		}
	}
	print_table(res, total_ops);
	if (page_alloc_ready && nr_free_pages() == 0)
		return 1;
	return 0;
}
