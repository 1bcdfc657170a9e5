// SPDX-License-Identifier: MIT
/*
 * vmmctl's output formats on canned QMP answers (the shapes of
 * vmm/control/README.md), compared with the exact text of /proc/zoneinfo,
 * /proc/buddyinfo, /proc/slabinfo 2.1, xxd and virsh; and its argument
 * parsing into QMP requests.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "fail_verb.h"
#include "fmt.h"
#include "term_safe.h"
#include "top.h"

static json_t *parse(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, 0, &jerr);

	cr_assert_not_null(v, "canned JSON: %s", jerr.text);
	return v;
}

/* Runs @fn on @json; returns what it printed (free it), *rc its result. */
static char *run_fmt(fmt_fn fn, const char *json, int *rc, struct fmt_err *e)
{
	json_t *v = parse(json);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	*rc = fn(f, v, e);
	fclose(f);
	json_decref(v);
	return text;
}

static void expect(fmt_fn fn, const char *json, const char *want)
{
	struct fmt_err e = { "" };
	int rc;
	char *got = run_fmt(fn, json, &rc, &e);

	cr_assert_eq(rc, 0, "formatter failed: %s", e.msg);
	cr_assert_str_eq(got, want);
	free(got);
}

#define ZONES \
	"{\"zones\": [" \
	"{\"name\": \"DMA\", \"start_pfn\": 1, \"spanned\": 4095, \"present\": 3998," \
	" \"managed\": 3840, \"free\": 3800, \"min\": 9, \"low\": 11, \"high\": 13," \
	" \"deferred\": 0, \"first_deferred_pfn\": 0," \
	" \"free_area\": [1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 3]," \
	" \"pcp\": [{\"cpu\": 0, \"count\": 5, \"high\": 42, \"batch\": 7}," \
	"          {\"cpu\": 1, \"count\": 0, \"high\": 42, \"batch\": 7}]}," \
	"{\"name\": \"Normal\", \"start_pfn\": 4096, \"spanned\": 12288," \
	" \"present\": 12288, \"managed\": 12000, \"free\": 11000, \"min\": 30," \
	" \"low\": 37, \"high\": 44, \"deferred\": 0, \"first_deferred_pfn\": 0," \
	" \"free_area\": [123456, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10]," \
	" \"pcp\": []}]," \
	" \"inconsistencies\": []}"

Test(vmmctl_fmt, zoneinfo_is_proc_zoneinfo_layout)
{
	expect(fmt_zoneinfo, ZONES,
	       "Node 0, zone      DMA\n"
	       "  pages free     3800\n"
	       "        min      9\n"
	       "        low      11\n"
	       "        high     13\n"
	       "        spanned  4095\n"
	       "        present  3998\n"
	       "        managed  3840\n"
	       "  pagesets\n"
	       "    cpu: 0\n"
	       "              count: 5\n"
	       "              high:  42\n"
	       "              batch: 7\n"
	       "    cpu: 1\n"
	       "              count: 0\n"
	       "              high:  42\n"
	       "              batch: 7\n"
	       "  start_pfn:           1\n"
	       "Node 0, zone   Normal\n"
	       "  pages free     11000\n"
	       "        min      30\n"
	       "        low      37\n"
	       "        high     44\n"
	       "        spanned  12288\n"
	       "        present  12288\n"
	       "        managed  12000\n"
	       "  pagesets\n"
	       "  start_pfn:           4096\n");
}

Test(vmmctl_fmt, buddyinfo_is_proc_buddyinfo_exactly)
{
	expect(fmt_buddyinfo, ZONES,
	       "Node 0, zone      DMA      1      2      3      0      0      0      0      0      0      0      3 \n"
	       "Node 0, zone   Normal 123456      0      0      0      0      0      0      0      0      0     10 \n");
}

Test(vmmctl_fmt, slabinfo_is_version_2_1)
{
	expect(fmt_slabinfo,
	       "{\"caches\": [{\"name\": \"kmalloc-64\", \"active_objs\": 1200,"
	       " \"num_objs\": 1280, \"objsize\": 64, \"objperslab\": 64,"
	       " \"pagesperslab\": 1, \"limit\": 0, \"batchcount\": 0,"
	       " \"sharedfactor\": 0, \"active_slabs\": 20, \"num_slabs\": 20,"
	       " \"sharedavail\": 0},"
	       " {\"name\": \"a_rather_long_cache_name\", \"active_objs\": 3,"
	       " \"num_objs\": 8, \"objsize\": 4096, \"objperslab\": 8,"
	       " \"pagesperslab\": 8, \"limit\": 0, \"batchcount\": 0,"
	       " \"sharedfactor\": 0, \"active_slabs\": 1, \"num_slabs\": 1,"
	       " \"sharedavail\": 0}], \"inconsistencies\": []}",
	       "slabinfo - version: 2.1\n"
	       "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
	       "kmalloc-64          1200   1280     64   64    1 : tunables    0    0    0 : slabdata     20     20      0\n"
	       "a_rather_long_cache_name      3      8   4096    8    8 : tunables    0    0    0 : slabdata      1      1      0\n");
}

Test(vmmctl_fmt, check_ok_is_one_line)
{
	expect(fmt_check,
	       "{\"violations\": [], \"violations-total\": 0, \"quiet\": true,"
	       " \"quiet-tries\": 1, \"parked-ns\": 687000,"
	       " \"checked\": {\"zones\": 3, \"pages\": 32768}}",
	       "ok: 3 zones, 32768 pages; parked 0.687 ms, quiet after 1 try\n");
}

Test(vmmctl_fmt, check_violations_fail_the_command)
{
	struct fmt_err e = { "" };
	int rc;
	char *got = run_fmt(fmt_check,
			    "{\"violations\": [{\"structure\": \"slab\","
			    " \"addr\": \"0xffff888007deef80\", \"what\": \"in-use 3\","
			    " \"expected\": \"2\", \"found\": \"3\"}],"
			    " \"violations-total\": 1, \"quiet\": true}", &rc, &e);

	cr_assert_eq(rc, -1);
	cr_assert_str_eq(got, "slab 0xffff888007deef80: in-use 3 (expected 2, found 3)\n");
	cr_assert_str_eq(e.msg, "1 violation");
	free(got);
}

Test(vmmctl_fmt, slabinfo_without_caches_fails)
{
	struct fmt_err e = { "" };
	int rc;
	char *got = run_fmt(fmt_slabinfo, "{\"zones\": []}", &rc, &e);

	cr_assert_eq(rc, -1);
	cr_assert_str_eq(e.msg, "the answer has no \"caches\" array");
	free(got);
}

Test(vmmctl_fmt, translate_shows_each_level_then_the_result)
{
	expect(fmt_translate,
	       "{\"addr\": -131391637422080, \"cr3\": 4096, \"present\": true,"
	       " \"gpa\": 2097152, \"page_size\": 2097152, \"levels\": ["
	       " {\"level\": 4, \"name\": \"PML4\", \"index\": 273,"
	       "  \"entry_gpa\": 6280, \"entry\": 8195, \"flags\": [\"P\", \"RW\"]},"
	       " {\"level\": 3, \"name\": \"PDPT\", \"index\": 0,"
	       "  \"entry_gpa\": 8192, \"entry\": 12291, \"flags\": [\"P\", \"RW\"]},"
	       " {\"level\": 2, \"name\": \"PD\", \"index\": 1,"
	       "  \"entry_gpa\": 12296, \"entry\": 2097283,"
	       "  \"flags\": [\"P\", \"RW\", \"PS\"]}]}",
	       "gva 0xffff888000200000 cr3 0x0000000000001000\n"
	       "  PML4[273] @0x0000000000001888 = 0x0000000000002003 P RW\n"
	       "  PDPT[  0] @0x0000000000002000 = 0x0000000000003003 P RW\n"
	       "  PD  [  1] @0x0000000000003008 = 0x0000000000200083 P RW PS\n"
	       "gpa: 0x200000 (2M page)\n");
}

Test(vmmctl_fmt, translate_of_an_unmapped_address)
{
	expect(fmt_translate,
	       "{\"addr\": 4096, \"cr3\": 4096, \"present\": false,"
	       " \"levels\": [{\"level\": 4, \"name\": \"PML4\", \"index\": 0,"
	       "  \"entry_gpa\": 4096, \"entry\": 0, \"flags\": []}],"
	       " \"error\": \"PML4 entry not present\"}",
	       "gva 0x0000000000001000 cr3 0x0000000000001000\n"
	       "  PML4[  0] @0x0000000000001000 = 0x0000000000000000 \n"
	       "Unmapped: PML4 entry not present\n");
}

Test(vmmctl_fmt, hexdump_is_xxd)
{
	static const unsigned char data[] = "Hello, memvisor!\x00\x01\x7f\xff" "abc";
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	fmt_hexdump(f, 0x1000, data, sizeof(data) - 1);
	fclose(f);
	/* printf 'Hello, memvisor!\x00\x01\x7f\xffabc' | xxd -o 0x1000 */
	cr_assert_str_eq(text,
		"00001000: 4865 6c6c 6f2c 206d 656d 7669 736f 7221  Hello, memvisor!\n"
		"00001010: 0001 7fff 6162 63                        ....abc\n");
	free(text);
}

Test(vmmctl_fmt, read_phys_answer_is_decoded_and_dumped)
{
	expect(fmt_memory,
	       "{\"addr\": 4294967296, \"size\": 3, \"data\": \"00ff41\"}",
	       "100000000: 00ff 41                                  ..A\n");
}

Test(vmmctl_fmt, read_answer_with_bad_hex_fails)
{
	struct fmt_err e = { "" };
	int rc;
	char *got = run_fmt(fmt_memory, "{\"addr\": 0, \"data\": \"0g\"}", &rc, &e);

	cr_assert_eq(rc, -1);
	cr_assert_str_eq(got, "");
	free(got);
}

Test(vmmctl_fmt, memstat_is_virsh_dommemstat_order)
{
	expect(fmt_memstat,
	       "{\"stats\": {\"usable\": 30, \"unused\": 20, \"memvisor_slab\": 5,"
	       " \"actual\": 65536, \"available\": 60000}}",
	       "actual 65536\n"
	       "unused 20\n"
	       "available 60000\n"
	       "usable 30\n"
	       "memvisor_slab 5\n");
}

Test(vmmctl_fmt, e820_and_owner_and_status)
{
	expect(fmt_e820,
	       "{\"entries\": [{\"addr\": 0, \"size\": 654336, \"type\": \"usable\"},"
	       " {\"addr\": 1048576, \"size\": 4096, \"type\": \"reserved\"}]}",
	       "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
	       "BIOS-e820: [mem 0x0000000000100000-0x0000000000100fff] reserved\n");
	expect(fmt_owner,
	       "{\"pfn\": 4660, \"owner\": \"slab\", \"cache\": \"kmalloc-64\","
	       " \"order\": 0, \"zone\": \"Normal\"}",
	       "pfn 0x1234 (0x1234000): slab cache=kmalloc-64 order=0 zone=Normal\n");
	expect(fmt_owner,
	       "{\"pfn\": 4660, \"owner\": \"allocated\", \"order\": 0,"
	       " \"zone\": \"HighMem\", \"vmap_area\": {\"start\": \"0xffffc90000004000\","
	       " \"end\": \"0xffffc90000009000\", \"kind\": \"vmalloc\","
	       " \"caller\": \"0xffffffff80123456\", \"pages\": 4, \"page_index\": 2,"
	       " \"address\": \"0xffffc90000006000\"}}",
	       "pfn 0x1234 (0x1234000): allocated order=0 zone=HighMem"
	       " vmalloc=0xffffc90000004000-0xffffc90000009000 page=2"
	       " caller=0xffffffff80123456\n");
	expect(fmt_owner,
	       "{\"pfn\": 4660, \"owner\": \"allocated\", \"order\": 2,"
	       " \"caller\": \"0xffffffffc0001234\"}",
	       "pfn 0x1234 (0x1234000): allocated order=2 by=0xffffffffc0001234\n");
	expect(fmt_owner,
	       "{\"pfn\": 4660, \"owner\": \"allocated\", \"order\": 0,"
	       " \"caller\": \"0xffffffff80123456\","
	       " \"caller_symbol\": \"scull_init+0x12/0x80\"}",
	       "pfn 0x1234 (0x1234000): allocated order=0 by=scull_init+0x12/0x80\n");
	expect(fmt_status, "{\"running\": false, \"status\": \"paused\"}",
	       "VM status: paused\n");
	expect(fmt_status, "{\"running\": false, \"status\": \"shutdown\"}",
	       "VM status: paused (shutdown)\n");
}

/* vmm's own answer: addresses as "0x..." strings, sources as objects */
/* /proc/vmallocinfo's lines: the caller by name when vmm had the symbols */
Test(vmmctl_fmt, vmallocinfo_is_proc_vmallocinfo)
{
	expect(fmt_vmallocinfo,
	       "{\"nr_areas\": 2, \"areas\": ["
	       "{\"start\": \"0xffffc90000000000\", \"end\": \"0xffffc90000002000\","
	       " \"size\": 8192, \"caller\": \"0xffffffff8012dea3\","
	       " \"caller_symbol\": \"dmadev_probe+0x43/0x120\", \"kind\": \"ioremap\","
	       " \"phys_addr\": \"0xfe000000\"},"
	       "{\"start\": \"0xffffc90000002000\", \"end\": \"0xffffc90000007000\","
	       " \"size\": 20480, \"caller\": \"0xffffffff80140000\", \"kind\": \"vmalloc\","
	       " \"pages\": 4}], \"inconsistencies\": []}",
	       "0xffffc90000000000-0xffffc90000002000    8192 dmadev_probe+0x43/0x120 phys=0xfe000000 ioremap\n"
	       "0xffffc90000002000-0xffffc90000007000   20480 0xffffffff80140000 pages=4 vmalloc\n");
}

Test(vmmctl_fmt, mempools_name_their_source)
{
	expect(fmt_mempools,
	       "{\"mempools\": ["
	       "{\"addr\": \"0xffff888001e5c000\", \"min_nr\": 4, \"curr_nr\": 4,"
	       " \"source\": {\"type\": \"slab\", \"cache\": \"insp-a\","
	       " \"cache_addr\": \"0xffff888001e00000\"}},"
	       "{\"addr\": \"0xffff888001e5c0c0\", \"min_nr\": 3, \"curr_nr\": 1,"
	       " \"source\": {\"type\": \"kmalloc\", \"size\": 256}},"
	       "{\"addr\": \"0xffff888001e5c180\", \"min_nr\": 2, \"curr_nr\": 2,"
	       " \"source\": {\"type\": \"page\", \"order\": 1}},"
	       "{\"addr\": \"0xffff888001e5c240\", \"min_nr\": 1, \"curr_nr\": 0,"
	       " \"source\": {\"type\": \"custom\"}}], \"inconsistencies\": []}",
	       "ADDR                  MIN   CURR SOURCE\n"
	       "0xffff888001e5c000      4      4 slab:insp-a\n"
	       "0xffff888001e5c0c0      3      1 kmalloc:256\n"
	       "0xffff888001e5c180      2      2 pages:order1\n"
	       "0xffff888001e5c240      1      0 custom\n");
}

#define SLAB(objs, active) \
	"{\"caches\": [{\"name\": \"big\", \"num_objs\": " #objs "," \
	" \"active_objs\": " #active ", \"objsize\": 1024, \"objperslab\": 4," \
	" \"pagesperslab\": 1, \"num_slabs\": 10, \"active_slabs\": 10}," \
	" {\"name\": \"many\", \"num_objs\": 500, \"active_objs\": 250," \
	" \"objsize\": 8, \"objperslab\": 500, \"pagesperslab\": 1," \
	" \"num_slabs\": 1, \"active_slabs\": 1}]}"

Test(vmmctl_fmt, top_sorts_and_shows_deltas)
{
	json_t *prev = parse(SLAB(40, 30)), *now = parse(SLAB(40, 37));
	json_t *zprev = parse(ZONES), *znow = parse(ZONES);
	struct top_opts o = { .sort = 'o' };
	struct fmt_err e;
	char *text = NULL, *big, *many;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	json_integer_set(json_object_get(json_array_get(json_object_get(znow,
		"zones"), 1), "free"), 10990);
	cr_assert_eq(top_render(f, now, prev, znow, zprev, &o, &e), 0, "%s", e.msg);
	fclose(f);
	big = strstr(text, " big\n");
	many = strstr(text, " many\n");
	cr_assert(big && many, "both caches shown:\n%s", text);
	cr_assert(many < big, "sorted by objects, 500 before 40:\n%s", text);
	cr_assert_not_null(strstr(text,
		"    40     37  92%    1.00K     10        4        40K      +7 big\n"),
		"%s", text);
	cr_assert_not_null(strstr(text, "Normal       10990      -10"), "%s", text);
	cr_assert_not_null(strstr(text,
		" Active / Total Objects (% used)    : 287 / 540 (53.1%)\n"), "%s", text);
	free(text);
	text = NULL;
	o.sort = 'd';
	f = open_memstream(&text, &len);
	cr_assert_eq(top_render(f, now, prev, znow, zprev, &o, &e), 0);
	fclose(f);
	cr_assert(strstr(text, " big\n") < strstr(text, " many\n"),
		  "sorted by delta, +7 before +0:\n%s", text);
	free(text);
	json_decref(prev);
	json_decref(now);
	json_decref(zprev);
	json_decref(znow);
}

static json_t *request(const char *name, int argc, char **argv, int want_rc,
		       struct fmt_err *e)
{
	const struct vmmctl_cmd *cmd = cmd_find(name);
	struct cmd_req req = { 0 };

	cr_assert_not_null(cmd, "%s", name);
	cr_assert_eq(cmd_request(cmd, argc, argv, &req, e), want_rc,
		     "%s: %s", name, e->msg);
	return req.args;
}

Test(vmmctl_cmds, arguments_become_qmp_arguments)
{
	struct fmt_err e = { "" };
	json_t *a;

	a = request("owner", 1, (char *[]){ "0x1234567" }, 0, &e);
	cr_assert_eq(json_integer_value(json_object_get(a, "pfn")), 0x1234);
	json_decref(a);
	a = request("owner", 1, (char *[]){ "4660" }, 0, &e);
	cr_assert_eq(json_integer_value(json_object_get(a, "pfn")), 4660);
	json_decref(a);
	a = request("translate", 3, (char *[]){ "0x1000", "--cr3", "0x2000" }, 0, &e);
	cr_assert_eq(json_integer_value(json_object_get(a, "addr")), 0x1000);
	cr_assert_eq(json_integer_value(json_object_get(a, "cr3")), 0x2000);
	json_decref(a);
	a = request("read-virt", 3, (char *[]){ "4096", "16", "--cr3=8192" }, 0, &e);
	cr_assert_eq(json_integer_value(json_object_get(a, "size")), 16);
	cr_assert_eq(json_integer_value(json_object_get(a, "cr3")), 8192);
	json_decref(a);
	cr_assert_null(request("status", 0, NULL, 0, &e), "no arguments at all");
}

Test(vmmctl_cmds, bad_arguments_are_usage_errors)
{
	struct fmt_err e = { "" };

	request("translate", 5, (char *[]){ "1", "--cr3", "2", "--cpu", "0" }, -1, &e);
	cr_assert_str_eq(e.msg, "give --cr3 or --cpu, not both");
	request("xp", 2, (char *[]){ "0", "65537" }, -1, &e);
	cr_assert_str_eq(e.msg, "SIZE must be 1..65536 bytes");
	request("xp", 1, (char *[]){ "0" }, -1, &e);
	cr_assert_str_eq(e.msg, "missing argument");
	request("owner", 1, (char *[]){ "12x" }, -1, &e);
	cr_assert_str_eq(e.msg, "'12x' is not a number");
	request("status", 1, (char *[]){ "now" }, -1, &e);
	cr_assert_str_eq(e.msg, "unexpected argument 'now'");
	request("mappings", 1, (char *[]){ "--nope=1" }, -1, &e);
	cr_assert_str_eq(e.msg, "unknown option '--nope=1'");
}

Test(vmmctl_cmds, top_options)
{
	struct top_opts o;
	struct fmt_err e;

	cr_assert_eq(top_parse(4, (char *[]){ "-d", "0.5", "-n3", "-sc" }, &o, &e), 0);
	cr_assert_eq(o.delay_ms, 500);
	cr_assert_eq(o.iterations, 3);
	cr_assert_eq(o.sort, 'c');
	cr_assert_eq(top_parse(2, (char *[]){ "-s", "x" }, &o, &e), -1);
	cr_assert_eq(top_parse(1, (char *[]){ "-n0" }, &o, &e), -1);
	cr_assert_eq(top_parse(1, (char *[]){ "-d" }, &o, &e), -1);
	cr_assert_eq(top_parse(2, (char *[]){ "--interval", "2" }, &o, &e), 0);
	cr_assert_eq(o.delay_ms, 2000);
	cr_assert_eq(top_parse(1, (char *[]){ "--interval=0.25" }, &o, &e), 0);
	cr_assert_eq(o.delay_ms, 250);
	cr_assert_eq(top_parse(1, (char *[]){ "--interval" }, &o, &e), -1);
	cr_assert_eq(top_parse(1, (char *[]){ "--intervals=1" }, &o, &e), -1);
}

/* ---- workloads (query-workloads) --------------------------------------- */

#define WORKLOAD(name, state, ops, ms, held, leaked) \
	"{\"name\": \"" name "\", \"params\": \"threads=2\", \"state\": \"" state "\"," \
	" \"threads\": 2, \"elapsed-ms\": " #ms ", \"seconds\": 0, \"ops\": " #ops "," \
	" \"failures\": 3, \"bytes\": 9999, \"held-bytes\": " #held "," \
	" \"leaked-bytes\": " #leaked ", \"ops-per-sec\": 250.0}"

Test(vmmctl_fmt, workloads)
{
	expect(fmt_workloads, "{\"workloads\": [" WORKLOAD("fragment", "running", 1000, 4000, 8192, 0)
	       "," WORKLOAD("slab_churn", "stopped", 50, 1000, 0, 128) "], \"jiffies\": 9}",
	       "WORKLOAD       STATE    THR     OPS/S        OPS FAILURES       HELD  SECONDS PARAMS\n"
	       "fragment       running    2       250       1000        3         8K      4.0 threads=2\n"
	       "slab_churn     stopped    2       250         50        3         0K      1.0 threads=2 LEAKED 128 bytes\n");
}

/* top's rate: over the guest time between two readings, not the average. */
Test(vmmctl_fmt, workload_rate_since_previous)
{
	json_t *prev = parse("{\"workloads\": [" WORKLOAD("fragment", "running", 1000, 4000, 0, 0) "]}");
	json_t *now = parse("{\"workloads\": [" WORKLOAD("fragment", "running", 1600, 5000, 0, 0) "]}");
	struct fmt_err e;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_eq(fmt_workload_table(f, now, prev, &e), 0);
	fclose(f);
	cr_assert(strstr(text, "fragment       running    2       600       1600"), "%s", text);
	free(text);
	json_decref(prev);
	json_decref(now);
}

/* ---- control characters escaped on the way out (term_safe.h) ---------- */

/* What the escaping stream writes for @len bytes of @in, in @chunk pieces. */
static char *through_term_safe(const char *in, size_t len, size_t chunk)
{
	char *text = NULL;
	size_t size = 0;
	FILE *raw = open_memstream(&text, &size);
	FILE *safe;

	cr_assert_not_null(raw);
	safe = term_safe_open(raw);
	cr_assert_not_null(safe);
	setvbuf(safe, NULL, _IONBF, 0);	/* each fwrite a chunk of its own */
	for (size_t i = 0; i < len; i += chunk)
		fwrite(in + i, 1, len - i < chunk ? len - i : chunk, safe);
	cr_assert_eq(fclose(safe), 0);
	fclose(raw);
	return text;
}

Test(vmmctl_fmt, control_characters_are_escaped_on_the_way_out)
{
	static const char in[] = "a\x1b[2Jb\x07\x7f\t\n"
				 "\xc2\x9b" "31m \xc2\xa9 \xc3\xa9 \xe2\x82\xac\r";
	static const char want[] = "a\\x1b[2Jb\\x07\\x7f\t\n"
				   "\\xc2\\x9b" "31m \xc2\xa9 \xc3\xa9 \xe2\x82\xac\\x0d";

	/* whole, and one byte at a time (a C2 lead byte across two writes) */
	for (size_t chunk = 1; chunk <= sizeof(in); chunk += sizeof(in) - 2) {
		char *got = through_term_safe(in, sizeof(in) - 1, chunk);

		cr_assert_str_eq(got, want, "chunks of %zu", chunk);
		free(got);
	}
}

/* A cache named to retitle the terminal and clear it: printed, escaped. */
Test(vmmctl_fmt, a_guest_cache_name_cannot_drive_the_terminal)
{
	struct fmt_err e = { "" };
	char *text = NULL;
	size_t size = 0;
	FILE *raw = open_memstream(&text, &size), *safe;
	json_t *v = parse("{\"caches\": [{\"name\": \"evil\\u001b]0;pwned\\u0007\\u001b[2J\","
			  " \"active_objs\": 1, \"num_objs\": 1, \"objsize\": 8,"
			  " \"objperslab\": 1, \"pagesperslab\": 1, \"limit\": 0,"
			  " \"batchcount\": 0, \"sharedfactor\": 0, \"active_slabs\": 1,"
			  " \"num_slabs\": 1, \"sharedavail\": 0}], \"inconsistencies\": []}");

	safe = term_safe_open(raw);
	cr_assert_eq(fmt_slabinfo(safe, v, &e), 0, "%s", e.msg);
	fclose(safe);
	fclose(raw);
	cr_assert_null(strchr(text, '\x1b'), "a raw ESC reached the output: %s", text);
	cr_assert_null(strchr(text, '\x07'), "a raw BEL reached the output");
	cr_assert_not_null(strstr(text, "evil\\x1b]0;pwned\\x07\\x1b[2J"), "%s", text);
	json_decref(v);
	free(text);
}

/* A paged list: the next page starts after the last key; pages merge as one. */
Test(vmmctl_cmds, pages_follow_the_cursor_and_merge)
{
	json_t *whole = parse("{\"nr_areas\": 2, \"areas\": [{\"start\": \"0x1000\"},"
			      " {\"start\": \"0x3000\"}], \"truncated\": true,"
			      " \"skipped\": 1, \"incomplete\": \"out of time\","
			      " \"inconsistencies\": [\"incomplete: out of time\", \"x\"]}");
	json_t *page = parse("{\"nr_areas\": 1, \"areas\": [{\"start\": \"0x5000\"}],"
			     " \"truncated\": false, \"inconsistencies\": [\"x\", \"y\"]}");
	json_t *next, *last;

	cr_assert_str_eq(cmd_paged_list(QMP_QUERY_VMALLOCINFO), "areas");
	cr_assert_str_eq(cmd_paged_list(QMP_QUERY_SLABINFO), "caches");
	cr_assert_null(cmd_paged_list(QMP_QUERY_ZONES));
	next = cmd_next_page(QMP_QUERY_VMALLOCINFO, NULL, whole);
	cr_assert_not_null(next);
	cr_assert_str_eq(json_string_value(json_object_get(next, "start-after")),
			 "0x3000");
	json_decref(next);
	cmd_merge_page(QMP_QUERY_VMALLOCINFO, whole, page);
	cr_assert_eq(json_array_size(json_object_get(whole, "areas")), 3);
	cr_assert_eq(json_integer_value(json_object_get(whole, "nr_areas")), 3);
	cr_assert(json_is_false(json_object_get(whole, "truncated")));
	cr_assert_null(json_object_get(whole, "skipped"));
	/* the first page's stop was taken up by the second: not reported */
	cr_assert_null(json_object_get(whole, "incomplete"));
	cr_assert_eq(json_array_size(json_object_get(whole, "inconsistencies")), 2);
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(whole,
			 "inconsistencies"), 0)), "x");
	/* the last page: nothing more to ask */
	cr_assert_null(cmd_next_page(QMP_QUERY_VMALLOCINFO, NULL, whole));
	last = json_array_get(json_object_get(whole, "areas"), 2);
	cr_assert_str_eq(json_string_value(json_object_get(last, "start")), "0x5000");
	json_decref(page);
	json_decref(whole);
}

Test(fmt, insmod_says_only_the_tests)
{
	expect(fmt_insmod, "{\"request\": 1, \"name\": \"hello\", \"tests-run\": 0, \"tests-failed\": 0}", "");
	expect(fmt_insmod, "{\"request\": 1, \"name\": \"scullc\", \"tests-run\": 4, \"tests-failed\": 0}",
	       "scullc: 4 tests passed\n");
	expect(fmt_insmod, "{\"request\": 1, \"name\": \"scullc\", \"tests-run\": 4, \"tests-failed\": 1}",
	       "scullc: 1 of 4 tests failed\n");
}

Test(fmt, rmmod_lists_leaks)
{
	struct fmt_err e;
	int rc;
	char *got;

	expect(fmt_rmmod, "{\"name\": \"scullc\", \"leaks\": [], \"leaks-dropped\": 0}",
	       "scullc: no leaks\n");
	expect(fmt_rmmod, "{\"name\": \"leaky\", \"leaks\": [{\"kind\": \"objects\", \"what\": \"leaky_cache\", \"count\": 3, \"bytes\": 192, \"addr\": \"0xffff888000123000\", \"caller-offset\": 64}], \"leaks-dropped\": 2}",
	       "leaky: leaked objects leaky_cache: 3, 192 bytes at 0xffff888000123000 (leaky+0x40)\n"
	       "leaky: 2 more leaks not listed\n");
	expect(fmt_rmmod, "{\"name\": \"leaky\", \"leaks\": [{\"kind\": \"pages\", \"what\": \"leaky_init+0x90/0xd2\", \"count\": 2, \"bytes\": 8192, \"addr\": \"0x7baa\", \"caller-offset\": 144}], \"leaks-dropped\": 0}",
	       "leaky: leaked pages leaky_init+0x90/0xd2: 2, 8192 bytes at pfn 0x7baa (leaky+0x90)\n");
	got = run_fmt(fmt_rmmod, "{\"name\": \"x\"}", &rc, &e);
	cr_assert_eq(rc, -1, "no leaks array is a malformed answer");
	free(got);
}

/* /proc/modules' lines: name size refcnt deps state address (taints) */
Test(fmt, lsmod_is_proc_modules)
{
	expect(fmt_lsmod, "{\"modules\": []}", "");
	expect(fmt_lsmod,
	       "{\"modules\": [{\"name\": \"scullc\", \"addr\": \"0xffff888000100000\", \"state\": \"live\", \"size\": 16384, \"refcnt\": 0, \"base\": \"0xffffffffc0000000\", \"taints\": \"O\"},"
	       " {\"name\": \"blob\", \"addr\": \"0xffff888000100400\", \"state\": \"live\", \"size\": 8192, \"refcnt\": 2, \"base\": \"0xffffffffc0004000\", \"taints\": \"PO\"}]}",
	       "scullc 16384 0 - Live 0xffffffffc0000000 (O)\n"
	       "blob 8192 2 - Live 0xffffffffc0004000 (PO)\n");
}

/* Loading and Unloading, with '+' and '-' after the taints, as module_flags() */
Test(fmt, lsmod_states_as_linux)
{
	expect(fmt_lsmod,
	       "{\"modules\": [{\"name\": \"a\", \"state\": \"coming\", \"size\": 4096, \"refcnt\": 0, \"base\": \"0xffffffffc0000000\", \"taints\": \"O\"},"
	       " {\"name\": \"b\", \"state\": \"going\", \"size\": 4096, \"refcnt\": 0, \"base\": \"0xffffffffc0001000\", \"taints\": \"O\"},"
	       " {\"name\": \"c\", \"state\": \"going\", \"size\": 4096, \"refcnt\": 0, \"base\": \"0xffffffffc0002000\", \"taints\": \"\"},"
	       " {\"name\": \"d\", \"state\": \"unformed\", \"size\": 0, \"refcnt\": 0, \"base\": \"0x0\", \"taints\": \"\"},"
	       " {\"name\": \"e\", \"state\": \"live\", \"size\": 4096, \"refcnt\": 0, \"base\": \"0xffffffffc0003000\", \"taints\": \"O\", \"permanent\": true}]}",
	       "a 4096 0 - Loading 0xffffffffc0000000 (O+)\n"
	       "b 4096 0 - Unloading 0xffffffffc0001000 (O-)\n"
	       "c 4096 0 - Unloading 0xffffffffc0002000\n"
	       "e 4096 0 [permanent], Live 0xffffffffc0003000 (O)\n");
}

Test(fmt, lsmod_without_a_modules_array_is_malformed)
{
	struct fmt_err e;
	int rc;
	char *got = run_fmt(fmt_lsmod, "{\"mods\": []}", &rc, &e);

	cr_assert_eq(rc, -1);
	cr_assert_not_null(strstr(e.msg, "modules"), "%s", e.msg);
	free(got);
}

/* lsmod asks for every page of query-modules, after the last module's addr. */
Test(vmmctl_cmds, lsmod_pages_follow_the_module_addr)
{
	json_t *whole = parse("{\"modules\": [{\"name\": \"a\", \"addr\": \"0xffff888000100000\"}],"
			      " \"truncated\": true, \"skipped\": 1, \"inconsistencies\": []}");
	json_t *page = parse("{\"modules\": [{\"name\": \"b\", \"addr\": \"0xffff888000100400\"}],"
			     " \"truncated\": false, \"inconsistencies\": []}");
	json_t *next;

	cr_assert_str_eq(cmd_find("lsmod")->qmp, QMP_QUERY_MODULES);
	cr_assert_str_eq(cmd_paged_list(QMP_QUERY_MODULES), "modules");
	next = cmd_next_page(QMP_QUERY_MODULES, NULL, whole);
	cr_assert_not_null(next);
	cr_assert_str_eq(json_string_value(json_object_get(next, "start-after")),
			 "0xffff888000100000");
	json_decref(next);
	cmd_merge_page(QMP_QUERY_MODULES, whole, page);
	cr_assert_eq(json_array_size(json_object_get(whole, "modules")), 2);
	cr_assert_null(cmd_next_page(QMP_QUERY_MODULES, NULL, whole));
	json_decref(page);
	json_decref(whole);
}

/* workload start NAME [PARAMS] | stop NAME: the two QMP commands. */
Test(vmmctl_cmds, workload_start_and_stop)
{
	const struct vmmctl_cmd *cmd = cmd_find("workload");
	struct cmd_req req = { 0 };
	struct fmt_err e = { "" };

	cr_assert_not_null(cmd);
	cr_assert_eq(cmd_request(cmd, 3, (char *[]){ "start", "fragment", "max_order=3" },
				 &req, &e), 0, "%s", e.msg);
	cr_assert_str_eq(req.qmp, "__org.memvisor_workload-start");
	cr_assert_str_eq(json_string_value(json_object_get(req.args, "name")), "fragment");
	cr_assert_str_eq(json_string_value(json_object_get(req.args, "params")), "max_order=3");
	json_decref(req.args);
	cr_assert_eq(cmd_request(cmd, 2, (char *[]){ "stop", "fragment" }, &req, &e), 0);
	cr_assert_str_eq(req.qmp, "__org.memvisor_workload-stop");
	cr_assert_null(json_object_get(req.args, "params"));
	json_decref(req.args);
	cr_assert(cmd_waits(req.qmp));
	cr_assert_eq(cmd_request(cmd, 3, (char *[]){ "stop", "fragment", "x=1" }, &req, &e), -1);
	cr_assert_str_eq(e.msg, "unexpected argument 'x=1'");
	json_decref(req.args);
	cr_assert_eq(cmd_request(cmd, 1, (char *[]){ "pause" }, &req, &e), -1);
	cr_assert_str_eq(e.msg, "usage: workload start NAME [KEY=VALUE,...] | workload stop NAME");
	json_decref(req.args);
}

/* fail: its words into V fail's arguments; alone, query-fail; off: clear. */
Test(vmmctl_cmds, fail_words)
{
	const struct vmmctl_cmd *cmd = cmd_find("fail");
	struct cmd_req req = { 0 };
	struct fmt_err e = { "" };

	cr_assert_not_null(cmd);
	cr_assert_eq(cmd_request(cmd, 0, NULL, &req, &e), 0, "%s", e.msg);
	cr_assert_str_eq(req.qmp, "__org.memvisor_query-fail");
	cr_assert_eq(cmd_request(cmd, 7, (char *[]){ "pages", "3", "--times", "-1",
				 "--gfp-mask", "GFP_ATOMIC", "--ignore-gfp-wait" },
				 &req, &e), 0, "%s", e.msg);
	cr_assert_str_eq(req.qmp, "__org.memvisor_fail");
	cr_assert_str_eq(json_string_value(json_object_get(req.args, "target")), "pages");
	cr_assert_eq(json_integer_value(json_object_get(req.args, "order")), 3);
	cr_assert_eq(json_integer_value(json_object_get(req.args, "times")), -1);
	cr_assert_str_eq(json_string_value(json_object_get(req.args, "gfp-mask")),
			 "GFP_ATOMIC");
	cr_assert(json_is_true(json_object_get(req.args, "ignore-gfp-wait")));
	json_decref(req.args);
	cr_assert_eq(cmd_request(cmd, 2, (char *[]){ "--off", "cache" }, &req, &e), 0,
		     "%s", e.msg);
	cr_assert(json_is_true(json_object_get(req.args, "clear")));
	cr_assert_str_eq(json_string_value(json_object_get(req.args, "target")), "cache");
	json_decref(req.args);
	cr_assert_eq(cmd_request(cmd, 1, (char *[]){ "cache" }, &req, &e), -1);
	cr_assert_str_eq(e.msg, "cache needs NAME");
	cr_assert_eq(cmd_request(cmd, 3, (char *[]){ "kmalloc", "--interval", "0" },
				 &req, &e), -1);
	cr_assert_str_eq(e.msg, "--interval: '0' is not a number in 1..4294967295");
	cr_assert_eq(cmd_request(cmd, 2, (char *[]){ "kmalloc", "--bogus" }, &req, &e), -1);
	cr_assert_str_eq(e.msg, "unknown option '--bogus'");
}

Test(fmt, fail_state)
{
	expect(fmt_fail_state,
	       "{\"failslab\": {\"armed\": true, \"probability\": 100, \"interval\": 1,"
	       " \"times\": 0, \"calls\": 3, \"failures\": 2, \"gfp-mask\": 0,"
	       " \"cache-name\": \"\", \"caches\": [\"kmalloc-8\"], \"kmalloc\": true},"
	       " \"fail_page_alloc\": {\"armed\": false, \"probability\": 0,"
	       " \"interval\": 1, \"times\": 1, \"min-order\": 3, \"calls\": 0,"
	       " \"failures\": 0, \"gfp-mask\": 32, \"ignore-gfp-highmem\": true},"
	       " \"inconsistencies\": []}",
	       "failslab: on kmalloc, probability 100%, interval 1, times 0\n"
	       "  3 calls seen, 2 failures injected\n"
	       "fail_page_alloc: off pages order >= 3, probability 0%, interval 1, times 1,"
	       " gfp-mask 0x20, ignore-gfp-highmem\n"
	       "  0 calls seen, 0 failures injected\n");
	expect(fmt_fail_state,
	       "{\"failslab\": {\"armed\": true, \"probability\": 10, \"interval\": 2,"
	       " \"times\": -1, \"cache-name\": \"scullc\", \"caches\": []},"
	       " \"fail_page_alloc\": {\"min-order\": 1}}",
	       "failslab: on cache scullc (not created yet), probability 10%, interval 2, times -1\n"
	       "  0 calls seen, 0 failures injected\n"
	       "fail_page_alloc: off pages order >= 1, probability 0%, interval 0, times 0\n"
	       "  0 calls seen, 0 failures injected\n");
}
