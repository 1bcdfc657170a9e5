// SPDX-License-Identifier: MIT
/*
 * The allocators' checker from outside (issue 18 items 1 and 5), end to
 * end: vmm --check-every 100 over
 *   planted  the guest's planted bugs (guestmm/mm/tests/checkbug_test.c,
 *            and checkbug_vm_test.c's vmap, per-CPU and mempool ones):
 *            each reported on a vmm line with the structure and address
 *            the guest printed, and the expected/found evidence;
 *   stop     --check-stop: a violation is a __org.memvisor_CHECK_VIOLATION
 *            event, then STOP; __org.memvisor_check on the stopped guest
 *            answers it again; cont lets the guest mend it and finish;
 *   honest   the stress suites (small: stress_checked_ops, stress_smp_ops),
 *            then an idle second (checkbug.quiet_after)
 *            on 1, 2 and 4 vCPUs: no violation, at least one check that
 *            found its quiet point and read everything.
 * Needs KVM (tests/run-test runs it nested where /dev/kvm is missing).
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_cmd.h"
#include "vmm_qmp.h"

#define RUN_TIMEOUT_S	150

static void skip_without_kvm(void)
{
	if (access("/dev/kvm", R_OK | W_OK))
		cr_skip_test("no usable /dev/kvm (run under tools/nested/nested-run)");
}

static void run_checked(const char *cpus, const char *test,
			const char *cmdline, struct run_result *r)
{
	char *argv[] = { (char *)vmm_path(), "--mem", "256M", "--cpus",
			 (char *)cpus, "--check-every", "100", "--test",
			 (char *)test, "--timeout", "120", "--cmdline",
			 (char *)cmdline, NULL };

	skip_without_kvm();
	cr_assert_eq(run_cmd(argv, RUN_TIMEOUT_S, r), 0, "cannot run %s",
		     argv[0]);
	cr_expect_eq(r->status, 0, "%s on %s vCPUs: exit status %d; stderr:\n%s",
		     test, cpus, r->status, r->err);
}

/* "vmm: check: N checks (M complete, ...), V violations": M and V. */
static void summary(const struct run_result *r, long *complete,
		    long *violations)
{
	const char *s = strstr(r->err, "vmm: check: ");

	*complete = *violations = -1;
	for (; s; s = strstr(s + 1, "vmm: check: "))
		if (sscanf(s, "vmm: check: %*d checks (%ld complete, %*d found no quiet point), %ld violations",
			   complete, violations) == 2)
			return;
}

/* The address the guest said it broke: the hex number after @key. */
static unsigned long long broke(const struct run_result *r, const char *key)
{
	const char *s = strstr(r->out, key);
	unsigned long long addr = 0;

	cr_assert_not_null(s, "no '%s' in the guest's output:\n%s", key, r->out);
	cr_assert_eq(sscanf(s + strlen(key), "%llx", &addr), 1,
		     "'%s' has no address", key);
	return addr;
}

/* A vmm line "vmm: check: STRUCTURE 0xADDR: ...(expected ..., found FOUND...". */
static void expect_reported(const struct run_result *r, const char *structure,
			    unsigned long long addr, const char *evidence)
{
	char head[96];
	const char *line;
	long complete, violations;

	snprintf(head, sizeof(head), "vmm: check: %s 0x%llx: ", structure, addr);
	line = strstr(r->err, head);
	cr_expect_not_null(line, "no '%s' line; stderr:\n%s", head, r->err);
	if (line)
		cr_expect_not_null(strstr(line, evidence),
				   "'%s' line without '%s':\n%.400s", head,
				   evidence, line);
	summary(r, &complete, &violations);
	cr_expect_gt(violations, 0, "the summary line counts no violation:\n%s",
		     r->err);
}

Test(planted, slab_freelist, .timeout = RUN_TIMEOUT_S + 10)
{
	struct run_result r;
	unsigned long long slab, pointer;
	char found[64];

	run_checked("2", "checkbug.slab_freelist", "checkbug_hold=3000", &r);
	slab = broke(&r, "checkbug: broke slab_freelist: slab 0x");
	pointer = broke(&r, " pointer 0x");
	snprintf(found, sizeof(found), ", found 0x%llx)", pointer);
	expect_reported(&r, "slab", slab, found);
	run_result_free(&r);
}

Test(planted, double_free, .timeout = RUN_TIMEOUT_S + 10)
{
	struct run_result r;

	run_checked("2", "checkbug.double_free", "checkbug_hold=3000", &r);
	expect_reported(&r, "free_object",
			broke(&r, "checkbug: broke double_free: object 0x"),
			"(expected on the freelist once, found twice)");
	run_result_free(&r);
}

Test(planted, leak_page, .timeout = RUN_TIMEOUT_S + 10)
{
	struct run_result r;

	run_checked("2", "checkbug.leak_page", "checkbug_hold=3000", &r);
	expect_reported(&r, "page", broke(&r, "checkbug: broke leak_page: page 0x"),
			"(expected on a free list, found on no list");
	run_result_free(&r);
}

/* The vmap, per-CPU and mempool bugs (checkbug_vm_test.c): one guest. */
static const struct vm_bug {
	const char *name, *structure, *evidence;
} vm_bugs[] = {
	{ "vmap_overlap", "vmap_area", ", found start 0x" },
	{ "vmap_page_elsewhere", "vmap_area", ", found pfn 0x" },
	{ "vmap_guard_mapped", "vmap_area", "(expected not mapped, found pfn 0x" },
	{ "pcpu_free_bytes", "pcpu_chunk", ", found free_bytes " },
	{ "mempool_slab_freed", "mempool", ", found free: in CPU " },
	{ "mempool_page_freed", "mempool", ", found free: PG_" },
};
#define NR_VM_BUGS	(sizeof(vm_bugs) / sizeof(vm_bugs[0]))

/* Does the violation line at @s name one of @heads? */
static bool planted_line(const char *s, char heads[][96], unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strncmp(s, heads[i], strlen(heads[i])))
			return true;
	return false;
}

Test(planted, vm_structures, .timeout = RUN_TIMEOUT_S + 10)
{
	char heads[NR_VM_BUGS][96], key[96], structure[32];
	unsigned long long addr;
	unsigned int lines = 0, planted = 0;
	struct run_result r;
	const char *s;
	int n;

	run_checked("2", "checkbug.vmap_*,checkbug.pcpu_*,checkbug.mempool_*",
		    "checkbug_vm_hold=2000", &r);
	for (unsigned int i = 0; i < NR_VM_BUGS; i++) {
		const struct vm_bug *b = &vm_bugs[i];

		snprintf(key, sizeof(key), "checkbug: broke %s: %s 0x", b->name,
			 b->structure);
		addr = broke(&r, key);
		expect_reported(&r, b->structure, addr, b->evidence);
		snprintf(heads[i], sizeof(heads[i]), "vmm: check: %s 0x%llx: ",
			 b->structure, addr);
	}
	/* and no violation but those: the rest of the guest is honest */
	for (s = strstr(r.err, "vmm: check: "); s; s = strstr(s + 1, "vmm: check: ")) {
		n = -1;
		if (sscanf(s, "vmm: check: %31s 0x%llx: %n", structure, &addr, &n) != 2 ||
		    n < 0)
			continue;
		lines++;
		planted += planted_line(s, heads, NR_VM_BUGS);
	}
	cr_expect_eq(planted, lines, "%u violations, %u of them planted; stderr:\n%s",
		     lines, planted, r.err);
	run_result_free(&r);
}

static void honest(const char *cpus)
{
	struct run_result r;
	long complete, violations;

	/* checkbug.quiet_after: an idle second at the end, so a run whose
	 * checks all met busy vCPUs still gets a complete one */
	run_checked(cpus, "stress.*,checkbug.quiet_after",
		    "stress_checked_ops=10 stress_smp_ops=2000 checkbug_hold=1000",
		    &r);
	summary(&r, &complete, &violations);
	cr_expect_eq(violations, 0, "%s vCPUs: %ld violations (-1: no summary); stderr:\n%s",
		     cpus, violations, r.err);
	cr_expect_geq(complete, 1, "%s vCPUs: no complete check; stderr:\n%s",
		      cpus, r.err);
	cr_expect(strstr(r.out, "\nok 2 - stress.") && !strstr(r.out, "not ok"),
		  "%s vCPUs: the stress cases did not all pass:\n%s", cpus,
		  r.out);
	run_result_free(&r);
}

Test(honest, stress_1cpu, .timeout = RUN_TIMEOUT_S + 10) { honest("1"); }
Test(honest, stress_2cpus, .timeout = RUN_TIMEOUT_S + 10) { honest("2"); }
Test(honest, stress_4cpus, .timeout = RUN_TIMEOUT_S + 10) { honest("4"); }

/* The next event @name, skipping others (NULL: none within @secs). */
static json_t *next_event(struct vq *v, const char *name, double secs)
{
	double end = vq_now() + secs;
	json_t *m;

	while ((m = vq_recv(v, end - vq_now()))) {
		const char *ev = json_string_value(json_object_get(m, "event"));

		if (ev && !strcmp(ev, name))
			return m;
		json_decref(m);
	}
	return NULL;
}

Test(stop, violation_event_then_stop_then_cont, .timeout = RUN_TIMEOUT_S + 10)
{
	const char *args[] = { "--mem", "256M", "--cpus", "2", "--paused",
			       "--check-every", "100", "--check-stop",
			       "--test", "checkbug.leak_page", "--cmdline",
			       "checkbug_hold=1000", "--timeout", "120", NULL };
	struct vq v;
	json_t *ev, *ans, *first;
	char page[32];

	skip_without_kvm();
	cr_assert_eq(vq_start_args(&v, args, VQ_LOG_STDERR), 0);
	cr_assert_eq(vq_connect(&v), 0, "no control socket:\n%s", v.log);
	json_decref(vq_cmd(&v, "cont", NULL));
	ev = next_event(&v, "__org.memvisor_CHECK_VIOLATION", 100);
	cr_assert_not_null(ev, "no CHECK_VIOLATION event:\n%s", v.log);
	json_decref(ev);
	ev = next_event(&v, "STOP", 10);
	cr_assert_not_null(ev, "no STOP after the violation:\n%s", v.log);
	json_decref(ev);
	cr_assert_eq(vq_wait_for(&v, "checkbug: broke leak_page: page 0x", 5), 0);
	sscanf(strstr(v.log, "checkbug: broke leak_page: page ") +
	       strlen("checkbug: broke leak_page: page "), "%31s", page);
	ans = vq_cmd(&v, "__org.memvisor_check", NULL);
	cr_assert_not_null(ans, "no answer to __org.memvisor_check:\n%s", v.log);
	cr_expect(json_integer_value(json_object_get(ans, "violations-total")) > 0,
		  "the stopped guest checks clean: %s", json_dumps(ans, 0));
	first = json_array_get(json_object_get(ans, "violations"), 0);
	cr_expect(first && strstr(json_dumps(ans, 0), page),
		  "the answer does not name page %s: %s", page,
		  json_dumps(ans, 0));
	json_decref(ans);
	/* until the guest mends it, a check may stop it again: cont each time */
	for (int i = 0; i < 100 && vq_find(&v, "ok 1 - checkbug.leak_page", 0, 0.5) < 0; i++)
		json_decref(vq_cmd(&v, "cont", NULL));
	cr_expect_eq(vq_wait_exit(&v, 100), 0, "exit after cont:\n%s", v.log);
	vq_stop(&v);
}
