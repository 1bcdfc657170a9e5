// SPDX-License-Identifier: MIT
/*
 * Every workload at once for 10 s on 2 vCPUs (vmm --workload NAME:...,
 * seconds=10: each stops by itself and frees what it holds), the inspector
 * querying the guest all the while: no answer of query-zones,
 * query-slabinfo, query-vmallocinfo, query-mempools, query-percpu or
 * query-workloads may report an inconsistency; every workload must have
 * worked (operations, no failure) and, once stopped, hold nothing and
 * have leaked nothing, and slab_churn's caches must be gone. vmmctl top
 * shows them, plain text when not on a terminal. Then the same started and
 * stopped at run time (vmmctl workload start|stop: QMP workload-start and
 * workload-stop through the allocation ring).
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_cmd.h"
#include "vmm_qmp.h"
#include "vmmctl_run.h"

#define RUN_S		10	/* each workload's seconds= */
#define DEADLINE_S	240	/* boot and run, nested QEMU included */
#define NR_WORKLOADS	5
#define VMMCTL_S	120

static const char *const names[NR_WORKLOADS] = {
	"slab_churn", "fragment", "kmap_pressure", "dma_buffers",
	"vmalloc_churn",
};

static const char *const queries[] = {
	"__org.memvisor_query-zones", "__org.memvisor_query-slabinfo",
	"__org.memvisor_query-vmallocinfo", "__org.memvisor_query-mempools",
	"__org.memvisor_query-percpu", "__org.memvisor_query-workloads",
};

static struct vq v;

static void finish(void)
{
	vq_stop(&v);
}

TestSuite(workloads, .fini = finish, .timeout = 600);

static const char *console(void)
{
	vq_find(&v, "\n-- never printed --\n", 0, 0.1);
	return v.log ? v.log : "";
}

/* vmm with @extra on 2 vCPUs and 256M, connected (not waited for) */
static void boot_with(const char *const extra[])
{
	cr_assert_eq(vq_boot(&v, "256M", 2, extra, NULL), 0, "%s:\n%s", v.why,
		     v.log ? v.log : "");
}

static unsigned int out_of_time;	/* answers cut short by the parking budget */
static unsigned int passing;		/* answers clean only when asked again */

/* Did the VMM's time budget, and only it, cut @ans short? */
static bool cut_short(json_t *ans)
{
	json_t *p = json_object_get(ans, "inconsistencies");
	const char *first = json_string_value(json_array_get(p, 0));

	return json_array_size(p) == 1 && first &&
	       !strncmp(first, "incomplete: out of time", 23);
}

/* Does @ans report nothing, or only that the VMM's time budget ran out? */
static bool clean(json_t *ans)
{
	return cut_short(ans) || !json_array_size(json_object_get(ans, "inconsistencies"));
}

/*
 * Runs @query; asserts it answered and reported nothing inconsistent. An
 * answer cut short by the VMM's own budget (parking all vCPUs took the
 * query's 20 ms on a slow host) says only that: it is counted, not damage.
 * A reader that parked a vCPU inside a locked update sees it half done
 * (the VMM reads again at once, but a slow guest may not have moved): such
 * an answer is asked again after the guest ran 100 ms, twice at most, and
 * must then be clean: damage stays, a half-done update does not.
 */
static json_t *query_clean(const char *query)
{
	json_t *ans = vq_cmd(&v, query, NULL), *p;

	cr_assert_not_null(ans, "%s: no answer\nconsole:\n%s", query, console());
	for (int again = 0; again < 2 && !clean(ans); again++) {
		passing++;
		json_decref(ans);
		usleep(100000);
		ans = vq_cmd(&v, query, NULL);
		cr_assert_not_null(ans, "%s: no answer", query);
	}
	out_of_time += cut_short(ans);
	p = json_object_get(ans, "inconsistencies");
	if (!clean(ans)) {
		char *dump = json_dumps(p, 0);

		cr_assert_fail("%s reported inconsistencies: %s\nconsole:\n%s",
			       query, dump, console());
	}
	return ans;
}

static json_t *find_workload(json_t *ans, const char *name)
{
	json_t *w;
	size_t i;

	json_array_foreach(json_object_get(ans, "workloads"), i, w)
		if (!strcmp(json_string_value(json_object_get(w, "name")), name))
			return w;
	return NULL;
}

static long long geti(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Every query once; the workloads' answer kept (true: all stopped). */
static bool round_of_queries(json_t **work)
{
	bool stopped = true;

	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		json_t *ans = query_clean(queries[i]);

		if (strstr(queries[i], "workloads")) {
			json_decref(*work);
			*work = ans;
		} else {
			json_decref(ans);
		}
	}
	for (int i = 0; i < NR_WORKLOADS; i++) {
		json_t *w = find_workload(*work, names[i]);
		const char *state = w ? json_string_value(json_object_get(w, "state")) : "absent";

		cr_assert(w, "query-workloads lists no %s\nconsole:\n%s",
			  names[i], console());
		cr_assert(!strcmp(state, "running") || !strcmp(state, "starting") ||
			  !strcmp(state, "stopped"),
			  "%s is %s\nconsole:\n%s", names[i], state, console());
		stopped &= !strcmp(state, "stopped");
	}
	return stopped;
}

static void expect_worked_and_freed(json_t *work)
{
	for (int i = 0; i < NR_WORKLOADS; i++) {
		json_t *w = find_workload(work, names[i]);

		cr_expect_gt(geti(w, "ops"), 0, "%s did nothing", names[i]);
		cr_expect_gt(geti(w, "bytes"), 0, "%s allocated nothing", names[i]);
		cr_expect_eq(geti(w, "failures"), 0, "%s failed %lld times",
			     names[i], geti(w, "failures"));
		cr_expect_eq(geti(w, "held-bytes"), 0, "%s still holds %lld bytes",
			     names[i], geti(w, "held-bytes"));
		cr_expect_eq(geti(w, "leaked-bytes"), 0, "%s leaked %lld bytes",
			     names[i], geti(w, "leaked-bytes"));
		cr_expect_geq(geti(w, "elapsed-ms"), RUN_S * 1000,
			      "%s ran %lld ms", names[i], geti(w, "elapsed-ms"));
	}
}

/* No cache of slab_churn's (wl_slab_NN) is left. */
static void expect_no_workload_caches(void)
{
	json_t *ans = query_clean("__org.memvisor_query-slabinfo"), *c;
	size_t i;

	json_array_foreach(json_object_get(ans, "caches"), i, c)
		cr_expect(strncmp(json_string_value(json_object_get(c, "name")),
				  "wl_slab_", 8),
			  "cache %s outlived slab_churn",
			  json_string_value(json_object_get(c, "name")));
	json_decref(ans);
}

/* vmmctl ARGS... on our socket: its status, its output in @r. */
static int vmmctl(struct run_result *r, const char *const args[])
{
	return vmmctl_run(&v, VMMCTL_S, r, args);
}

/* vmmctl top -n 2 through a pipe: the workloads' table, no escapes. */
static void expect_top_shows_them(void)
{
	struct run_result r;

	vmmctl(&r, (const char *[]){ "top", "--interval", "0.2", "-n", "2", NULL });
	cr_expect_eq(r.status, 0, "vmmctl top: %s", r.err);
	cr_expect(strstr(r.out, "WORKLOAD "), "top: no workloads table:\n%s", r.out);
	for (int i = 0; i < NR_WORKLOADS; i++)
		cr_expect(strstr(r.out, names[i]), "top: no %s:\n%s", names[i], r.out);
	cr_expect(!strchr(r.out, '\033'), "top wrote escapes into a pipe");
	run_result_free(&r);
}

Test(workloads, all_at_once_for_10s_on_2_vcpus_under_inspection)
{
	double deadline = vq_now() + DEADLINE_S;
	json_t *work = NULL;
	unsigned int rounds = 0, running_rounds = 0;
	bool top_seen = false;

	boot_with((const char *[]){ "--timeout", "400",
		"--workload", "slab_churn:caches=16,max_size=2048,seconds=10",
		"--workload", "fragment:max_order=5,blocks=64,seconds=10",
		"--workload", "kmap_pressure:pages=32,seconds=10",
		"--workload", "dma_buffers:size=4096,bufs=8,seconds=10",
		"--workload", "vmalloc_churn:max_size=65536,areas=16,seconds=10",
		NULL });
	cr_assert_eq(vq_wait_for(&v, "workload vmalloc_churn started", DEADLINE_S), 0,
		     "the workloads did not start:\n%s", console());
	while (!round_of_queries(&work)) {
		rounds++;
		running_rounds++;
		if (!top_seen && running_rounds == 2) {
			expect_top_shows_them();
			top_seen = true;
		}
		cr_assert_lt(vq_now(), deadline, "still running after %d s:\n%s",
			     DEADLINE_S, console());
		console();	/* keep the console pipe drained */
		usleep(200000);
	}
	rounds++;
	cr_expect_geq(running_rounds, 5, "only %u rounds of queries while they ran",
		      running_rounds);
	cr_expect(top_seen, "vmmctl top never ran while they did");
	expect_worked_and_freed(work);
	expect_no_workload_caches();
	fprintf(stderr, "workloads: %u rounds of %zu queries, no inconsistency (%u cut short by the time budget, %u clean when asked again)\n",
		rounds, sizeof(queries) / sizeof(queries[0]), out_of_time, passing);
	cr_expect_lt(out_of_time, rounds * 3, "most answers were cut short");
	json_decref(work);
}

/* Started and stopped over QMP while the guest runs: stop frees it all. */
Test(workloads, started_and_stopped_at_run_time)
{
	json_t *work = NULL;
	struct run_result r;
	char *out;

	boot_with((const char *[]){ "--timeout", "400", NULL });
	cr_assert_eq(vq_wait_for(&v, "boot complete", DEADLINE_S), 0,
		     "no boot:\n%s", console());
	for (int i = 0; i < NR_WORKLOADS; i++) {
		out = vmmctl_ok(&v, VMMCTL_S, false, (const char *[]){ "workload",
				"start", names[i], "threads=2", NULL });
		cr_expect(strstr(out, "workload_start: done"), "%s", out);
		free(out);
	}
	cr_expect_neq(vmmctl(&r, (const char *[]){ "workload", "start",
			"fragment", NULL }), 0, "a second fragment started");
	cr_expect(strstr(r.err, "EBUSY"), "%s", r.err);
	run_result_free(&r);
	for (int i = 0; i < 10; i++) {
		cr_assert(!round_of_queries(&work), "one stopped by itself");
		console();
		usleep(200000);
	}
	for (int i = 0; i < NR_WORKLOADS; i++)
		free(vmmctl_ok(&v, VMMCTL_S, false, (const char *[]){ "workload",
				"stop", names[i], NULL }));
	cr_assert(round_of_queries(&work), "not all stopped");
	for (int i = 0; i < NR_WORKLOADS; i++) {
		json_t *w = find_workload(work, names[i]);

		cr_expect_gt(geti(w, "ops"), 0, "%s did nothing", names[i]);
		cr_expect_eq(geti(w, "held-bytes"), 0, "%s holds %lld bytes",
			     names[i], geti(w, "held-bytes"));
		cr_expect_eq(geti(w, "leaked-bytes"), 0, "%s leaked %lld bytes",
			     names[i], geti(w, "leaked-bytes"));
	}
	expect_no_workload_caches();
	cr_expect_neq(vmmctl(&r, (const char *[]){ "workload", "stop",
			"fragment", NULL }), 0, "a stopped fragment stopped again");
	cr_expect(strstr(r.err, "ENOENT"), "%s", r.err);
	run_result_free(&r);
	json_decref(work);
}
