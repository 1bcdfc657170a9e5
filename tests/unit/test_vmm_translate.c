// SPDX-License-Identifier: MIT
/*
 * translate, query-mappings, read-phys and read-virt through qmp_dispatch,
 * on a VM with no vCPUs whose fake RAM holds the VMM's boot page tables:
 * answers, the kernel root (the boot tables: inspect.h's one rule), and
 * every argument check (negative, huge, overflowing).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/layout.h>

#include "pgtable.h"
#include "qmp.h"
#include "vm.h"

#define RAM_SIZE	(64ULL << 20)
#define BOOT_TABLES	0x100000ULL
#define DMAP(pa)	(MV_DIRECT_MAP_BASE + (pa))
#define V(cmd)		QMP_VENDOR cmd

static struct memmap mm;
static struct vm vm;
static uint8_t *ram;

static void setup(void)
{
	struct errbuf e;

	ram = aligned_alloc(4096, RAM_SIZE);
	cr_assert_not_null(ram);
	for (size_t i = 0; i < RAM_SIZE; i++)
		ram[i] = (uint8_t)(i * 7 + (i >> 12));
	cr_assert_eq(memmap_build(&mm, RAM_SIZE, memmap_default_lowmem(RAM_SIZE),
				  NULL, 0, &e), 0, "%s", e.msg);
	vm_init(&vm, &mm, 0);
	cr_assert_eq(gmem_add(&vm.gmem, 0, RAM_SIZE, ram), 0);
	memset(ram + BOOT_TABLES, 0, 1 << 20);
	cr_assert_eq(pgtable_build(&vm.gmem, &mm, BOOT_TABLES, &vm.boot.pml4), 0);
}

static void teardown(void)
{
	vm_destroy(&vm);
	free(ram);
}

TestSuite(translate, .init = setup, .fini = teardown);

/* The reply's "return" (a new reference), or NULL and the error's desc. */
static json_t *run(json_t *req, const char **desc)
{
	static char last[512];
	struct qmp_ctx ctx = { .vm = &vm };
	bool negotiated = true;
	json_t *reply = qmp_dispatch(&ctx, req, &negotiated), *ret;

	json_decref(req);
	ret = json_incref(json_object_get(reply, "return"));
	snprintf(last, sizeof(last), "%s",
		 json_string_value(json_object_get(json_object_get(reply, "error"),
						   "desc")) ?: "");
	if (desc)
		*desc = last;
	json_decref(reply);
	return ret;
}

static json_t *exec(const char *cmd, json_t *args)
{
	return json_pack("{s:s,s:o}", "execute", cmd, "arguments",
			 args ? args : json_object());
}

static void expect_error(json_t *req, const char *needle)
{
	const char *desc;
	json_t *ret = run(req, &desc);

	cr_assert_null(ret, "expected an error with '%s'", needle);
	cr_assert(strstr(desc, needle), "'%s' does not say '%s'", desc, needle);
}

static uint64_t u64(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	uint64_t a;

	cr_assert_eq(qmp_get_addr(v, &a), 0, "no address or integer '%s'", key);
	cr_assert(json_is_integer(v) || !strncmp(json_string_value(v), "0x", 2),
		  "'%s': an address answers as a \"0x...\" string", key);
	return a;
}

Test(translate, direct_map_two_mib)
{
	json_t *ret = run(exec(V("translate"), json_pack("{s:I}", "addr",
				(json_int_t)DMAP(0x345678))), NULL), *l;

	cr_assert_not_null(ret);
	cr_assert_eq(u64(ret, "addr"), DMAP(0x345678));
	cr_assert_eq(u64(ret, "cr3"), vm.boot.pml4, "the kernel's root: the boot tables");
	cr_assert(json_is_true(json_object_get(ret, "present")));
	cr_assert_eq(u64(ret, "gpa"), 0x345678);
	cr_assert_eq(u64(ret, "page_size"), 2 << 20);
	cr_assert_null(json_object_get(ret, "error"));
	cr_assert_eq(json_array_size(json_object_get(ret, "levels")), 3);
	l = json_array_get(json_object_get(ret, "levels"), 2);
	cr_assert_str_eq(json_string_value(json_object_get(l, "name")), "PDE");
	cr_assert_eq(u64(l, "level"), 2);
	cr_assert_eq(u64(l, "index"), 1);
	cr_assert_eq(u64(l, "entry") & PTE_ADDR_MASK, 0x200000);
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(l, "flags"), 0)), "P");
	cr_assert(strstr(json_dumps(json_object_get(l, "flags"), 0), "\"PS\""));
	json_decref(ret);
}

Test(translate, not_present)
{
	json_t *ret = run(exec(V("translate"), json_pack("{s:I}", "addr",
				(json_int_t)0x1000)), NULL);

	cr_assert_not_null(ret);
	cr_assert(json_is_false(json_object_get(ret, "present")));
	cr_assert_str_eq(json_string_value(json_object_get(ret, "error")),
			 "not present in its PML4E");
	cr_assert_eq(json_array_size(json_object_get(ret, "levels")), 1);
	json_decref(ret);
}

/*
 * The one rule (inspect.h): the kernel's root is the boot tables, whatever
 * else the guest's memory holds; another root only when the query names it.
 */
Test(translate, kernel_root_is_the_boot_tables)
{
	uint64_t copy = 0x300000;
	json_t *ret;

	memcpy(ram + copy, ram + vm.boot.pml4, 4096);
	ret = run(exec(V("translate"), json_pack("{s:I}", "addr",
			(json_int_t)MV_KERNEL_VIRT_BASE + 0x1234)), NULL);
	cr_assert_eq(u64(ret, "cr3"), vm.boot.pml4);
	cr_assert_eq(u64(ret, "gpa"), 0x1234);
	cr_assert_null(json_object_get(ret, "inconsistencies"));
	json_decref(ret);
	/* asked for: the copy */
	ret = run(exec(V("translate"), json_pack("{s:I,s:I}", "addr",
			(json_int_t)MV_KERNEL_VIRT_BASE + 0x1234, "cr3",
			(json_int_t)copy)), NULL);
	cr_assert_eq(u64(ret, "cr3"), copy);
	cr_assert_eq(u64(ret, "gpa"), 0x1234);
	json_decref(ret);
	/* a root outside RAM is the caller's error, named */
	expect_error(exec(V("translate"), json_pack("{s:I,s:I}", "addr",
			  (json_int_t)0, "cr3", (json_int_t)(RAM_SIZE + 0x1000))),
		     "points outside guest RAM");
}

Test(translate, argument_checks)
{
	expect_error(exec(V("translate"), json_pack("{s:I,s:I,s:I}", "addr",
		     (json_int_t)0, "cr3", (json_int_t)vm.boot.pml4, "cpu",
		     (json_int_t)0)), "mutually exclusive");
	expect_error(exec(V("translate"), json_pack("{s:I,s:I}", "addr",
		     (json_int_t)0, "cpu", (json_int_t)0)), "'cpu' must be between");
	expect_error(exec(V("translate"), json_pack("{s:I,s:I}", "addr",
		     (json_int_t)0, "cpu", (json_int_t)-1)), "'cpu' must be between");
	expect_error(exec(V("translate"), json_pack("{s:I,s:I}", "addr",
		     (json_int_t)0, "cr3", (json_int_t)-4096)), "above bit 51");
	expect_error(exec(V("translate"), json_pack("{s:I,s:I}", "addr",
		     (json_int_t)0, "cr3", (json_int_t)RAM_SIZE)),
		     "points outside guest RAM");
	expect_error(exec(V("translate"), json_pack("{s:I,s:I}", "addr",
		     (json_int_t)0, "cr3", (json_int_t)(1ULL << 60))),
		     "above bit 51");
	expect_error(exec(V("translate"), json_pack("{s:s}", "addr", "0x10zz")),
		     "addr");
	expect_error(exec(V("translate"), json_pack("{s:b}", "addr", 1)),
		     "addr");
	expect_error(exec(V("translate"), NULL), "'addr' is missing");
}

static char *hex_of(const uint8_t *p, size_t n)
{
	char *s = malloc(n * 2 + 1);

	for (size_t i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", p[i]);
	return s;
}

Test(translate, read_phys_and_virt_agree)
{
	uint64_t pa = 0x3ff000 - 100;	/* across a 2 MiB page boundary */
	size_t size = 0x10000;
	char *want = hex_of(ram + pa, size);
	json_t *p = run(exec(V("read-phys"), json_pack("{s:I,s:I}", "addr",
			(json_int_t)pa, "size", (json_int_t)size)), NULL);
	json_t *v = run(exec(V("read-virt"), json_pack("{s:I,s:I}", "addr",
			(json_int_t)DMAP(pa), "size", (json_int_t)size)), NULL);

	cr_assert_not_null(p);
	cr_assert_not_null(v);
	cr_assert_eq(u64(p, "addr"), pa);
	cr_assert_eq(u64(v, "addr"), DMAP(pa));
	cr_assert_eq(u64(p, "size"), size);
	cr_assert_str_eq(json_string_value(json_object_get(p, "data")), want);
	cr_assert_str_eq(json_string_value(json_object_get(v, "data")), want);
	json_decref(p);
	json_decref(v);
	free(want);
	p = run(exec(V("read-phys"), json_pack("{s:I,s:I}", "addr", (json_int_t)0,
		"size", (json_int_t)0)), NULL);
	cr_assert_str_eq(json_string_value(json_object_get(p, "data")), "");
	json_decref(p);
}

Test(translate, read_checks)
{
	expect_error(exec(V("read-phys"), json_pack("{s:I,s:I}", "addr",
		     (json_int_t)0, "size", (json_int_t)0x10001)),
		     "'size' must be between 0 and 65536");
	expect_error(exec(V("read-phys"), json_pack("{s:I,s:I}", "addr",
		     (json_int_t)0, "size", (json_int_t)-1)), "'size'");
	expect_error(exec(V("read-phys"), json_pack("{s:I,s:I}", "addr",
		     (json_int_t)-1, "size", (json_int_t)1)), "'addr'");
	expect_error(exec(V("read-phys"), json_pack("{s:I,s:I}", "addr",
		     (json_int_t)(1ULL << 52) - 1, "size", (json_int_t)2)),
		     "2^52");
	expect_error(exec(V("read-phys"), json_pack("{s:I,s:I}", "addr",
		     (json_int_t)RAM_SIZE - 1, "size", (json_int_t)2)),
		     "runs past the end of guest RAM");
	expect_error(exec(V("read-phys"), json_pack("{s:I,s:I}", "addr",
		     (json_int_t)RAM_SIZE + 4096, "size", (json_int_t)1)),
		     "is not in guest RAM");
	expect_error(exec(V("read-virt"), json_pack("{s:I,s:I}", "addr",
		     (json_int_t)-16, "size", (json_int_t)17)), "wraps around");
	/* the direct map ends with lowmem: the error names the first bad page */
	expect_error(exec(V("read-virt"), json_pack("{s:I,s:I}", "addr",
		     (json_int_t)DMAP(memmap_default_lowmem(RAM_SIZE) - 8), "size",
		     (json_int_t)16)),
		     "cannot translate 0xffff888002000000 (byte 8 of the read)");
	expect_error(exec(V("read-virt"), json_pack("{s:I,s:I,s:I}", "addr",
		     (json_int_t)0, "size", (json_int_t)1, "cr3", (json_int_t)-1)),
		     "has bits set above bit 51");
}

Test(translate, query_mappings)
{
	json_t *ret = run(exec(V("query-mappings"), NULL), NULL), *m;
	size_t all;

	cr_assert_not_null(ret);
	all = json_array_size(json_object_get(ret, "mappings"));
	cr_assert_null(json_object_get(ret, "skipped"));
	cr_assert_eq(u64(ret, "cr3"), vm.boot.pml4);
	cr_assert(json_is_false(json_object_get(ret, "truncated")));
	cr_assert_geq(json_array_size(json_object_get(ret, "mappings")), 2);
	m = json_array_get(json_object_get(ret, "mappings"), 0);
	cr_assert_eq(u64(m, "va"), DMAP(0));
	cr_assert_eq(u64(m, "pa"), 0);
	cr_assert_eq(u64(m, "size"), memmap_default_lowmem(RAM_SIZE),
		     "the direct map covers lowmem");
	json_decref(ret);
	ret = run(exec(V("query-mappings"), json_pack("{s:I}", "max", (json_int_t)1)),
		  NULL);
	cr_assert(json_is_true(json_object_get(ret, "truncated")));
	cr_assert_eq(json_array_size(json_object_get(ret, "mappings")), 1);
	/* the mappings after the page, counted */
	cr_assert_eq(json_integer_value(json_object_get(ret, "skipped")),
		     (json_int_t)all - 1);
	cr_assert_null(json_object_get(ret, "skipped_at_least"));
	json_decref(ret);
	ret = run(exec(V("query-mappings"), json_pack("{s:I,s:I}", "start",
		  (json_int_t)MV_KERNEL_VIRT_BASE, "end", (json_int_t)-1)), NULL);
	m = json_array_get(json_object_get(ret, "mappings"), 0);
	cr_assert_eq(u64(m, "va"), MV_KERNEL_VIRT_BASE);
	json_decref(ret);
	expect_error(exec(V("query-mappings"), json_pack("{s:I}", "max",
		     (json_int_t)0)), "'max' must be between 1 and");
	expect_error(exec(V("query-mappings"), json_pack("{s:I,s:I}", "start",
		     (json_int_t)-1, "end", (json_int_t)0)), "must be below 'end'");
}

Test(translate, no_vm)
{
	struct qmp_ctx ctx = { 0 };
	bool negotiated = true;
	json_t *reply = qmp_dispatch(&ctx, exec(V("read-phys"),
		json_pack("{s:I,s:I}", "addr", (json_int_t)0, "size", (json_int_t)1)),
		&negotiated);

	cr_assert(strstr(json_dumps(reply, 0), "no guest to inspect"));
	json_decref(reply);
}

/* ---- insp_query(): one parked time for every attempt --------------------- */

#include <time.h>

#include "inspect_query.h"

TestSuite(insp_query, .init = setup, .fini = teardown);

struct attempts {
	const char *const *answers;	/* one inconsistencies list per attempt */
	unsigned int ran;
	uint64_t sleep_ns;		/* "reading" this long each time */
	uint64_t left_ns[3];		/* the deadline, less the time it began */
};

static json_t *scripted(const struct insp_query *q, void *opaque,
			struct qmp_error *err)
{
	struct attempts *a = opaque;
	uint64_t now = monotonic_ns();
	struct timespec ts = { 0, (long)a->sleep_ns };
	const char *said = a->answers[a->ran];

	a->left_ns[a->ran++] = q->deadline_ns > now ? q->deadline_ns - now : 0;
	if (a->sleep_ns)
		nanosleep(&ts, NULL);
	/* @said: the inconsistencies, as JSON */
	return json_pack("{s:s,s:o}", "attempt", said, "inconsistencies",
			 json_loads(said, 0, NULL));
}

/* A whole answer with a problem beats a later one a budget cut short. */
Test(insp_query, a_whole_answer_beats_an_incomplete_one)
{
	static const char *const answers[] = {
		"[\"damage\", \"more damage\"]",
		"[\"incomplete: out of time\"]",
		"[\"damage\", \"more damage\", \"and more\"]",
	};
	struct attempts a = { .answers = answers };
	struct qmp_ctx ctx = { .vm = &vm };
	struct qmp_error err = { 0 };
	json_t *ans = insp_query(&ctx, "test", 3, scripted, &a, &err);

	cr_assert_not_null(ans, "%s", err.desc);
	cr_assert_eq(a.ran, 3);
	/* fewer problems, but cut short: the first, whole, stands */
	cr_assert_str_eq(json_string_value(json_object_get(ans, "attempt")),
			 answers[0]);
	/* every attempt's deadline is what is left of the one parked time */
	for (int i = 0; i < 3; i++) {
		cr_assert_leq(a.left_ns[i], INSP_QUERY_PARK_NS, "attempt %d", i);
		cr_assert_gt(a.left_ns[i], 0, "attempt %d", i);
	}
	json_decref(ans);
}

/* Once less than INSP_QUERY_MIN_LEFT_NS is left, no attempt runs. */
Test(insp_query, no_attempt_without_time_left)
{
	static const char *const answers[] = { "[\"a\"]", "[]", "[]" };
	struct attempts a = {
		.answers = answers,
		.sleep_ns = INSP_QUERY_PARK_NS - INSP_QUERY_MIN_LEFT_NS / 2,
	};
	struct qmp_ctx ctx = { .vm = &vm };
	struct qmp_error err = { 0 };
	json_t *ans = insp_query(&ctx, "test", 3, scripted, &a, &err);

	cr_assert_not_null(ans, "%s", err.desc);
	cr_assert_eq(a.ran, 1, "%u attempts after %llu ms parked", a.ran,
		     (unsigned long long)a.sleep_ns / 1000000);
	json_decref(ans);
}
