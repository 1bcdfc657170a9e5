// SPDX-License-Identifier: MIT
/*
 * The VMM's view of vmalloc and per-CPU memory against the guest's own,
 * over the control socket of a real guest (guestmm/mm/tests/vminsp_test.c
 * prints what it knows and holds still):
 *
 * - translate of each page of a vmalloc area gives the frame the guest's
 *   vmalloc_to_pfn gave; page-owner of that frame names the area;
 * - query-vmallocinfo lists the area (4 pages and a guard page, vmalloc,
 *   its caller named from the kernel's symbols) among as many areas as the
 *   guest counts;
 * - query-percpu counts the guest's dynamic allocation, and each unit's
 *   offset finds the CPU's copy, whose bytes (read-virt) the guest wrote;
 * - after the guest frees them and runs 10^5 random vmalloc/vfree,
 *   query-vmallocinfo holds no vmalloc or vmap area, and no area more
 *   than before the test.
 *
 * The guest has 2 CPUs. Runs under tools/nested/kvm-test-wrapper
 * (tests/run-test).
 */
#include <criterion/criterion.h>
#include <inttypes.h>

#include "vmm_qmp.h"

#define V(cmd)		"__org.memvisor_" cmd
#define PAGES		4
#define PERCPU_VALUE	0x5eed0000ULL
#define MAX_CPUS	64

struct guest_view {
	uint64_t va[PAGES], pfn[PAGES];
	uint64_t pcpu_ptr, pcpu_addr[MAX_CPUS];
	unsigned int nr_cpus;
	unsigned long nr_cur_alloc, areas, areas_before;
};

static uint64_t addr_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	cr_assert(json_is_string(v) || json_is_integer(v), "no \"%s\"", key);
	if (json_is_integer(v))
		return (uint64_t)json_integer_value(v);
	return strtoull(json_string_value(v), NULL, 16);
}

static void parse_guest(const char *log, struct guest_view *g)
{
	unsigned int n = 0, cpu;
	const char *at;
	uint64_t a, b;

	memset(g, 0, sizeof(*g));
	for (at = strstr(log, "vminsp: "); at; at = strstr(at + 1, "vminsp: ")) {
		if (sscanf(at, "vminsp: va %" SCNx64 " pfn %" SCNx64, &a, &b) == 2 &&
		    n < PAGES) {
			g->va[n] = a;
			g->pfn[n++] = b;
		} else if (sscanf(at, "vminsp: percpu %" SCNx64 " cpu %u at %" SCNx64,
				  &a, &cpu, &b) == 3 && cpu < MAX_CPUS) {
			g->pcpu_ptr = a;
			g->pcpu_addr[cpu] = b;
			if (cpu + 1 > g->nr_cpus)
				g->nr_cpus = cpu + 1;
		} else {
			sscanf(at, "vminsp: percpu nr_cur_alloc %lu", &g->nr_cur_alloc);
			sscanf(at, "vminsp: areas %lu before %lu", &g->areas,
			       &g->areas_before);
		}
	}
	cr_assert_eq(n, PAGES, "the guest printed %u of %u pages:\n%s", n, PAGES, log);
	cr_assert_gt(g->nr_cpus, 0, "the guest printed no per-CPU copy:\n%s", log);
	cr_assert_gt(g->areas, 0, "the guest printed no area count:\n%s", log);
}

static json_t *cmd(struct vq *v, const char *name, json_t *args)
{
	json_t *r = vq_cmd(v, name, args);

	cr_assert_not_null(r, "%s failed:\n%s", name, v->log ? v->log : "");
	return r;
}

static void expect_consistent(json_t *r, const char *what)
{
	json_t *inc = json_object_get(r, "inconsistencies");
	char *s = json_dumps(inc, JSON_COMPACT);

	cr_expect_eq(json_array_size(inc), 0, "%s: %s", what, s);
	free(s);
}

static void check_pages(struct vq *v, const struct guest_view *g)
{
	for (unsigned int i = 0; i < PAGES; i++) {
		json_t *t = cmd(v, V("translate"),
				json_pack("{s:I}", "addr", (json_int_t)g->va[i]));
		json_t *o = cmd(v, V("page-owner"),
				json_pack("{s:I}", "pfn", (json_int_t)g->pfn[i]));
		json_t *area = json_object_get(o, "vmap_area");

		cr_assert(json_is_true(json_object_get(t, "present")));
		cr_expect_eq(addr_of(t, "gpa") >> 12, g->pfn[i],
			     "page %u: the VMM walks 0x%" PRIx64 " to pfn 0x%" PRIx64
			     ", vmalloc_to_pfn says 0x%" PRIx64, i, g->va[i],
			     addr_of(t, "gpa") >> 12, g->pfn[i]);
		cr_expect_str_eq(json_string_value(json_object_get(o, "owner")),
				 "allocated");
		cr_assert(json_is_object(area), "pfn 0x%" PRIx64 ": no vmap_area in %s",
			  g->pfn[i], json_dumps(o, JSON_COMPACT));
		cr_expect_str_eq(json_string_value(json_object_get(area, "kind")),
				 "vmalloc");
		cr_expect_eq(addr_of(area, "start"), g->va[0]);
		cr_expect_eq(addr_of(area, "address"), g->va[i]);
		cr_expect_eq(json_integer_value(json_object_get(area, "page_index")), i);
		cr_expect(json_is_string(json_object_get(area, "caller_symbol")),
			  "page-owner's area has no caller_symbol");
		/* the page's own owner: vmalloc took it for the area */
		cr_expect(json_is_string(json_object_get(o, "caller_symbol")) &&
			  !strncmp(json_string_value(json_object_get(o, "caller_symbol")),
				   "__vmalloc_node_range+", 21),
			  "pfn 0x%" PRIx64 ": the page's caller is not vmalloc's in %s",
			  g->pfn[i], json_dumps(o, JSON_COMPACT));
		json_decref(t);
		json_decref(o);
	}
}

static void check_vmallocinfo_holds_the_area(struct vq *v,
					     const struct guest_view *g)
{
	json_t *r = cmd(v, V("query-vmallocinfo"), NULL), *a, *found = NULL;
	size_t i;

	expect_consistent(r, "query-vmallocinfo");
	cr_expect_eq(json_integer_value(json_object_get(r, "nr_areas")), g->areas);
	json_array_foreach(json_object_get(r, "areas"), i, a)
		if (addr_of(a, "start") == g->va[0])
			found = a;
	cr_assert_not_null(found, "no area at 0x%" PRIx64, g->va[0]);
	cr_expect_str_eq(json_string_value(json_object_get(found, "kind")), "vmalloc");
	cr_expect_eq(json_integer_value(json_object_get(found, "pages")), PAGES);
	/* named from the kernel's symbols, as /proc/vmallocinfo's %pS */
	cr_expect(!strncmp(json_string_value(json_object_get(found, "caller_symbol")) ?: "",
			   "ktest_vminsp_hold+0x", 20), "caller: %s",
		  json_dumps(found, JSON_COMPACT));
	cr_expect_eq(addr_of(found, "end") - g->va[0], (PAGES + 1) * 4096ULL);
	json_decref(r);
}

static void check_percpu(struct vq *v, const struct guest_view *g)
{
	json_t *r = cmd(v, V("query-percpu"), NULL), *u;
	json_t *units = json_object_get(r, "units");
	size_t i;

	expect_consistent(r, "query-percpu");
	cr_expect_eq(json_integer_value(json_object_get(r, "nr_cur_alloc")),
		     g->nr_cur_alloc);
	cr_assert_eq(json_array_size(units), g->nr_cpus);
	cr_assert_eq(g->nr_cpus, 2, "the guest has 2 CPUs");
	json_array_foreach(units, i, u) {
		uint64_t at = g->pcpu_ptr + addr_of(u, "offset"), want;
		json_t *data;
		char hex[17];

		cr_expect_eq(at, g->pcpu_addr[i],
			     "cpu %zu: ptr + its unit's offset is 0x%" PRIx64
			     ", per_cpu_ptr says 0x%" PRIx64, i, at, g->pcpu_addr[i]);
		data = cmd(v, V("read-virt"), json_pack("{s:I,s:i}", "addr",
							(json_int_t)at, "size", 8));
		want = PERCPU_VALUE + i;
		for (int b = 0; b < 8; b++)	/* little-endian bytes as hex */
			snprintf(hex + 2 * b, 3, "%02x", (unsigned int)(want >> (8 * b)) & 0xff);
		cr_expect_str_eq(json_string_value(json_object_get(data, "data")), hex,
				 "cpu %zu's copy", i);
		json_decref(data);
	}
	json_decref(r);
}

static void check_all_freed(struct vq *v, const struct guest_view *g)
{
	json_t *r = cmd(v, V("query-vmallocinfo"), NULL), *a;
	json_t *o = cmd(v, V("page-owner"),
			json_pack("{s:I}", "pfn", (json_int_t)g->pfn[0]));
	size_t i;

	expect_consistent(r, "query-vmallocinfo after the stress");
	cr_expect_eq(json_integer_value(json_object_get(r, "nr_areas")),
		     g->areas_before);
	json_array_foreach(json_object_get(r, "areas"), i, a) {
		const char *kind = json_string_value(json_object_get(a, "kind"));

		cr_expect(strcmp(kind, "vmalloc") && strcmp(kind, "vmap"),
			  "a %s area is left at %s", kind,
			  json_string_value(json_object_get(a, "start")));
	}
	cr_expect_null(json_object_get(o, "vmap_area"),
		       "a freed page still names an area: %s", json_dumps(o, 0));
	json_decref(r);
	json_decref(o);
}

Test(vminsp, the_vmms_view_agrees_with_the_guests, .timeout = 400)
{
	struct guest_view g;
	unsigned long ops, failed, areas;
	const char *freed;
	struct vq v;

	cr_assert_eq(vq_start_args(&v, (const char *[]){ "--mem", "256M",
		     "--cpus", "2", "--test", "vminsp.hold", "--cmdline",
		     "vminsp_hold=20", "--timeout", "200", NULL }, VQ_LOG_STDERR), 0);
	cr_assert_eq(vq_wait_for(&v, "vminsp: holding (allocated)", 240), 0,
		     "the guest never held:\n%s", v.log ? v.log : "");
	cr_assert_eq(vq_connect(&v), 0, "no QMP on %s", v.sock);
	json_decref(cmd(&v, "stop", NULL));
	parse_guest(v.log, &g);
	check_pages(&v, &g);
	check_vmallocinfo_holds_the_area(&v, &g);
	check_percpu(&v, &g);
	json_decref(cmd(&v, "cont", NULL));

	cr_assert_eq(vq_wait_for(&v, "vminsp: holding (freed)", 240), 0,
		     "the guest never freed:\n%s", v.log);
	freed = strstr(v.log, "vminsp: freed");
	cr_assert_eq(sscanf(freed, "vminsp: freed after %lu ops, %lu failed, areas %lu",
			    &ops, &failed, &areas), 3, "%s", freed);
	cr_expect_geq(ops, 100000);
	cr_expect_eq(failed, 0);
	json_decref(cmd(&v, "stop", NULL));
	check_all_freed(&v, &g);
	vq_stop(&v);
}
