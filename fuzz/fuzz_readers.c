// SPDX-License-Identifier: MIT
/*
 * Every inspection reader over fuzzed guest RAM, through its QMP command as
 * the control socket runs it: query-zones, query-memblock, query-memstats,
 * query-slabinfo, query-mempools, page-owner (two frames), query-vmallocinfo
 * (first page, and from a cursor), query-percpu, query-mappings and
 * query-modules.
 *
 * The layouts are the real guest's: resolved once at start from
 * guestmm/guestmm.elf's DWARF and symbols (FUZZ_GUESTMM_ELF, built in by
 * fuzz/local.mk, or $FUZZ_GUESTMM_ELF), so the roots are the kernel's own
 * virtual addresses. A fixed page table maps every virtual address onto the
 * fuzzed RAM: PML4, PDPT and PD each point all 512 entries to the next
 * level, and the last table's entry i maps RAM page (i + map[i]) %
 * RAM_PAGES, or nothing when map[i] is 0xff. So a pointer the fuzzer
 * writes anywhere lands in its RAM, at a page it can steer.
 *
 * Input: HEADER bytes (two page-owner frames, a vmallocinfo cursor, a
 * query-mappings range), MAP_LEN bytes of map, then the RAM (zeros after
 * the input ends). Checked on every input, for every command (the budgets
 * of issue 15): the CPU time it took is under the park deadline
 * (INSP_QUERY_PARK_NS) plus SLACK_NS (CPU, not wall time: a busy machine
 * preempting the fuzzer must not make it fail, and the reader's deadline
 * is wall time, so it can only end sooner), its answer's JSON under
 * QMP_MAX_PENDING_OUT bytes, the most it held allocated at once under
 * MAX_HEAP (counted by AddressSanitizer's malloc hooks), and it answers
 * (an object) or errs (class and words); nothing leaks.
 *
 * FUZZ_READERS_SEEDS=DIR fuzz/fuzz_readers writes the seed corpus (empty
 * lists at the real roots) into DIR and exits.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sanitizer/allocator_interface.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "control/mm_layout.h"
#include "fuzz.h"
#include "gmem.h"
#include "inspect.h"
#include <memvisor/layout.h>
#include "memmap.h"
#include "module_read.h"
#include "page_owner.h"
#include "percpu_cmds.h"
#include "pgtable.h"
#include "qmp.h"
#include "slab_cmds.h"
#include "translate_cmds.h"
#include "vm.h"
#include "vmalloc_cmds.h"
#include "zone_cmds.h"

#ifndef FUZZ_GUESTMM_ELF
#define FUZZ_GUESTMM_ELF	"guestmm/guestmm.elf"
#endif

#define PAGE		4096ULL
#define RAM_PAGES	64
#define TABLES_GPA	(RAM_PAGES * PAGE)	/* PML4, PDPT, PD, PT */
#define HEADER		32
#define MAP_LEN		512
#define MAP_NONE	0xff
#define SLACK_NS	50000000ULL	/* after the deadline: finish, JSON */
#define MAX_HEAP	(64ULL << 20)

static struct mm_layout lay;
static struct vm vm;
static struct memmap memmap;
static uint8_t *ram;
static uint64_t (*tables)[512];

/* ---- the heap a command holds at most -------------------------------- */

static bool counting;
static size_t live, peak;

static void on_malloc(const volatile void *p, size_t size)
{
	if (!counting)
		return;
	live += size;
	if (live > peak)
		peak = live;
}

static void on_free(const volatile void *p)
{
	size_t size;

	if (!counting || !p || !__sanitizer_get_ownership((const void *)p))
		return;
	/* freeing what was there before the command: never below zero */
	size = __sanitizer_get_allocated_size((const void *)p);
	live -= size < live ? size : live;
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- the guest ------------------------------------------------------- */

static void build_tables(const uint8_t *map)
{
	for (unsigned int i = 0; i < 512; i++) {
		tables[0][i] = (TABLES_GPA + 1 * PAGE) | PTE_P | PTE_RW;
		tables[1][i] = (TABLES_GPA + 2 * PAGE) | PTE_P | PTE_RW;
		tables[2][i] = (TABLES_GPA + 3 * PAGE) | PTE_P | PTE_RW;
		tables[3][i] = map[i] == MAP_NONE ? 0 :
			       ((i + map[i]) % RAM_PAGES) * PAGE | PTE_P | PTE_RW;
	}
}

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc(n)) &&
	    fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	*len = buf ? (size_t)n : 0;
	fclose(f);
	return buf;
}

static void load_layout(void)
{
	const char *path = getenv("FUZZ_GUESTMM_ELF");
	struct errbuf e = { "" };
	size_t len;
	void *elf;

	if (!path)
		path = FUZZ_GUESTMM_ELF;
	elf = read_file(path, &len);
	if (!elf) {
		fprintf(stderr, "fuzz_readers: %s: %s (set FUZZ_GUESTMM_ELF)\n",
			path, strerror(errno));
		exit(1);
	}
	if (mm_layout_load(elf, len, path, &lay, &e) || !lay.present) {
		fprintf(stderr, "fuzz_readers: %s: %s\n", path,
			e.msg[0] ? e.msg : lay.absent_why);
		exit(1);
	}
	free(elf);
}

/* ---- the seeds ------------------------------------------------------- */

/*
 * A seed: the map puts the roots' pages at the first RAM pages, so the
 * seed ends soon (the RAM after the input is zeros).
 */
struct seed {
	uint8_t buf[HEADER + MAP_LEN + RAM_PAGES * PAGE];
	unsigned int pages;	/* RAM pages given out */
};

static uint8_t *seed_at(struct seed *s, uint64_t va)
{
	unsigned int i = (va / PAGE) % 512, page;
	uint8_t *map = s->buf + HEADER;

	if (!map[i]) {		/* 0: not given out yet (never RAM page i) */
		page = s->pages++;
		map[i] = (uint8_t)((page + 512 - i) % RAM_PAGES);
		if (!map[i])	/* identity: the same page, no entry needed */
			map[i] = RAM_PAGES;
	}
	page = (i + map[i]) % RAM_PAGES;
	return s->buf + HEADER + MAP_LEN + page * PAGE + va % PAGE;
}

static void seed_u64(struct seed *s, uint64_t va, uint64_t v)
{
	memcpy(seed_at(s, va), &v, 8);
}

static void write_seed(const char *dir, const char *name,
		       const struct seed *s)
{
	size_t len = HEADER + MAP_LEN + s->pages * PAGE;
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(s->buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "fuzz_readers: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* All zeros; and empty lists at the real roots, a few frames, one CPU. */
static void write_seeds(const char *dir)
{
	struct seed *s = calloc(1, sizeof(*s));
	const uint64_t heads[] = {
		lay.root.slab_caches, lay.root.mempools, lay.root.vmap_areas,
	};

	mkdir(dir, 0755);
	write_seed(dir, "zeros", s);
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		seed_u64(s, heads[i] + lay.list_head.next.off, heads[i]);
		seed_u64(s, heads[i] + lay.list_head.prev.off, heads[i]);
	}
	seed_u64(s, lay.root.max_pfn, RAM_PAGES / 2);
	seed_u64(s, lay.root.mem_map, MV_DIRECT_MAP_BASE + 40 * PAGE);
	seed_u64(s, lay.root.nr_cpu_ids, 1);
	/* last: the pages given out before stay where they were */
	if (lay.root.modules) {
		seed_u64(s, lay.root.modules + lay.list_head.next.off, lay.root.modules);
		seed_u64(s, lay.root.modules + lay.list_head.prev.off, lay.root.modules);
	}
	write_seed(dir, "empty-lists", s);
	free(s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *seeds = getenv("FUZZ_READERS_SEEDS");

	load_layout();
	if (seeds) {
		write_seeds(seeds);
		exit(0);
	}
	ram = aligned_alloc(PAGE, RAM_PAGES * PAGE);
	tables = aligned_alloc(PAGE, 4 * PAGE);
	if (!ram || !tables)
		abort();
	gmem_init(&vm.gmem);
	if (gmem_add(&vm.gmem, 0, RAM_PAGES * PAGE, ram) ||
	    gmem_add(&vm.gmem, TABLES_GPA, 4 * PAGE, tables))
		abort();
	vm.boot.pml4 = TABLES_GPA;
	vm.layout = &lay;
	memmap.mem_size = RAM_PAGES * PAGE;
	vm.mm = &memmap;
	pthread_mutex_init(&vm.lock, NULL);
	__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
	return 0;
}

/* ---- the commands ---------------------------------------------------- */

typedef json_t *(*cmd_fn)(struct qmp_ctx *ctx, json_t *args,
			  struct qmp_error *err);

/* Runs one command on the fuzzed guest and checks its budgets. */
static void run(const char *name, cmd_fn fn, json_t *args)
{
	struct qmp_ctx ctx = { .vm = &vm };
	struct qmp_error err = { 0 };
	uint64_t t0, took;
	size_t bytes = 0;
	json_t *ans;
	char *text;

	live = peak = 0;
	counting = true;
	t0 = cpu_ns();
	ans = fn(&ctx, args, &err);
	took = cpu_ns() - t0;
	counting = false;
	json_decref(args);
	if (getenv("FUZZ_READERS_TIMES"))
		fprintf(stderr, "%s: %" PRIu64 " us CPU, %zu bytes held\n",
			name, took / 1000, peak);

	FUZZ_CHECK(ans || (err.class && err.desc[0]), "%s: no answer, no error",
		   name);
	FUZZ_CHECK(!ans || json_is_object(ans), "%s: answer not an object",
		   name);
	if (ans) {
		text = json_dumps(ans, JSON_COMPACT);
		FUZZ_CHECK(text, "%s: the answer does not serialize", name);
		bytes = strlen(text);
		free(text);
		json_decref(ans);
	}
	FUZZ_CHECK(took <= INSP_QUERY_PARK_NS + SLACK_NS,
		   "%s: %" PRIu64 " us of CPU, the deadline %llu us", name,
		   took / 1000, INSP_QUERY_PARK_NS / 1000);
	FUZZ_CHECK(bytes <= QMP_MAX_PENDING_OUT, "%s: %zu bytes of JSON", name,
		   bytes);
	FUZZ_CHECK(peak <= MAX_HEAP, "%s: %zu bytes allocated at once", name,
		   peak);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint32_t pfn0, pfn1;
	uint64_t cursor, start, span;
	uint8_t map[MAP_LEN] = { 0 };
	size_t n;

	pfn0 = fuzz_u32(&in) % (RAM_PAGES + 8);
	pfn1 = fuzz_u32(&in);
	cursor = fuzz_u64(&in);
	start = fuzz_u64(&in);
	span = fuzz_u64(&in);
	n = in.len < MAP_LEN ? in.len : MAP_LEN;
	memcpy(map, in.p, n);
	in.p += n;
	in.len -= n;
	n = in.len < RAM_PAGES * PAGE ? in.len : RAM_PAGES * PAGE;
	memset(ram, 0, RAM_PAGES * PAGE);
	memcpy(ram, in.p, n);
	build_tables(map);

	run("query-zones", cmd_query_zones, json_object());
	run("query-memblock", cmd_query_memblock, json_object());
	run("query-memstats", cmd_query_memstats, json_object());
	run("query-slabinfo", cmd_query_slabinfo, json_object());
	run("query-mempools", cmd_query_mempools, json_object());
	run("page-owner", cmd_page_owner, json_pack("{s:I}", "pfn",
						   (json_int_t)pfn0));
	run("page-owner", cmd_page_owner, json_pack("{s:I}", "pfn",
						   (json_int_t)pfn1));
	run("query-vmallocinfo", cmd_query_vmallocinfo, json_object());
	run("query-vmallocinfo", cmd_query_vmallocinfo,
	    json_pack("{s:o}", "start-after", qmp_addr(cursor)));
	run("query-percpu", cmd_query_percpu, json_object());
	run("query-mappings", cmd_query_mappings,
	    json_pack("{s:o,s:o}", "start", qmp_addr(start),
		      "end", qmp_addr(start + (span | 1))));
	run("query-modules", cmd_query_modules, json_object());
	return 0;
}

/*
 * The vCPUs and the server: parking a VM without vCPUs is immediate; the
 * rest is never reached from these commands (abort if it ever is).
 */
int vm_pause(struct vm *v, struct errbuf *e)
{
	return 0;
}

void vm_resume(struct vm *v)
{
}

/* check_cmds.c's periodic thread, never started here */
bool vm_ended(struct vm *v)
{
	abort();
}

void vm_end(struct vm *v, enum vm_end why, int status)
{
	abort();
}

void qmp_server_broadcast(struct qmp_server *s, json_t *event)
{
	abort();
}
