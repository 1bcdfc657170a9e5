// SPDX-License-Identifier: MIT
/*
 * The in-guest test runner: ktest=GLOB[,GLOB] picks cases from the
 * "ktest_cases" section; each runs in its own kernel thread (so it can
 * sleep, and a failed GUEST_ASSERT can end it) and is joined. The VMM gets
 * PLAN, then BEGIN/ASSERT.../END per case, then DONE; the exit status is 0
 * if nothing failed, MV_SHUTDOWN_TESTS_FAILED if a case failed and
 * MV_SHUTDOWN_NO_TESTS if the globs matched no case. ktest=list (or ktest_list) prints every case's
 * "suite.name" on a line of its own instead.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/ktest.h>
#include <linux/smp.h>
#include <linux/string.h>
#include "ktest_runner.h"
#include "ktest_state.h"

static const char *ktest_globs;
static bool ktest_list_only;

static int __init_ktest(char *val)
{
	if (!strcmp(val, "list"))
		ktest_list_only = true;
	else
		ktest_globs = val;
	return 0;
}
__setup("ktest=", __init_ktest);

static int __init_ktest_list(char *val)
{
	ktest_list_only = true;
	return 0;
}
__setup("ktest_list", __init_ktest_list);

bool ktest_requested(void)
{
	return ktest_globs || ktest_list_only;
}

#define for_each_ktest_case(c) \
	for ((c) = __start_ktest_cases; (c) < __stop_ktest_cases; (c)++)

static bool chosen(const struct ktest_case *c)
{
	return ktest_match(ktest_globs, c->suite, c->name);
}

static int ktest_list(void)
{
	const struct ktest_case *c;
	unsigned int n = 0;

	for_each_ktest_case(c) {
		pr_info("%s.%s\n", c->suite, c->name);
		n++;
	}
	pr_info("ktest: %u cases\n", n);
	return 0;
}

static int ktest_thread(void *arg)
{
	struct ktest *t = arg;

	if (t->module)
		WRITE_ONCE(ktest_state.module_task, current);
	ktest_run_case(t->tcase, t);
	return 0;
}

static void run_in_thread(struct ktest *t)
{
	struct task_struct *k;

	k = kthread_create_on_cpu(ktest_thread, t, raw_smp_processor_id(), "ktest");
	if (!k) {
		ktest_fail(t, __FILE__, __LINE__, "cannot create the test thread");
		return;
	}
	wake_up_process(k);
	kthread_join(k);
}

static enum mv_test_status run_case(const struct ktest_case *c,
				    unsigned int index)
{
	struct ktest t = { .tcase = c };
	char name[MV_TEST_NAME_MAX];
	enum mv_test_status status;

	snprintf(name, sizeof(name), "%s.%s", c->suite, c->name);
	ktest_state.index = index;
	ktest_state.skip_reason[0] = '\0';
	WRITE_ONCE(ktest_state.running, &t);
	ktest_event(MV_TEST_BEGIN, 0, name, NULL, 0, NULL);
	if (c->min_cpus > nr_cpu_ids)
		ktest_skip(&t, "needs %u CPUs, has %u", c->min_cpus, nr_cpu_ids);
	else
		run_in_thread(&t);
	WRITE_ONCE(ktest_state.running, NULL);
	status = t.failures ? MV_TEST_FAIL : t.skipped ? MV_TEST_SKIP : MV_TEST_PASS;
	ktest_event(MV_TEST_END, status, name, NULL, 0,
		    status == MV_TEST_SKIP ? ktest_state.skip_reason : NULL);
	ktest_state.index = 0;
	return status;
}

int ktest_main(void)
{
	const struct ktest_case *c;
	unsigned int index = 0, failed = 0;

	if (ktest_list_only)
		return ktest_list();
	ktest_state.runner = current;
	for_each_ktest_case(c)
		ktest_state.planned += chosen(c);
	pr_info("ktest: running %u of %ld cases matching \"%s\"\n",
		ktest_state.planned, (long)(__stop_ktest_cases - __start_ktest_cases),
		ktest_globs);
	ktest_event(MV_TEST_PLAN, 0, NULL, NULL, 0, NULL);
	if (!ktest_state.planned) {
		pr_err("ktest: no case matches \"%s\"\n", ktest_globs);
		ktest_event(MV_TEST_DONE, 0, NULL, NULL, 0, NULL);
		return MV_SHUTDOWN_NO_TESTS;
	}
	for_each_ktest_case(c)
		if (chosen(c) && run_case(c, ++index) == MV_TEST_FAIL)
			failed++;
	ktest_event(MV_TEST_DONE, 0, NULL, NULL, 0, NULL);
	pr_info("ktest: %u passed or skipped, %u failed\n", index - failed, failed);
	return failed ? MV_SHUTDOWN_TESTS_FAILED : 0;
}

/*
 * A module's own cases, run by kmodd after the module's init returned 0:
 * each in a thread as above, reported on the console only and prefixed
 * with the module's name, so that neither vmm --test's TAP ledger (HC_TEST)
 * nor a TAP reader of vmm's output counts them. Returns how many failed.
 */
unsigned int ktest_run_module_cases(const char *module,
				    const struct ktest_case *cases,
				    unsigned int n)
{
	unsigned int i, failed = 0;

	pr_info("%s: running %u ktest cases\n", module, n);
	for (i = 0; i < n; i++) {
		const struct ktest_case *c = &cases[i];
		struct ktest t = { .tcase = c, .module = module };

		ktest_state.module_skip_reason[0] = '\0';
		WRITE_ONCE(ktest_state.module_running, &t);
		if (c->min_cpus > nr_cpu_ids)
			ktest_skip(&t, "needs %u CPUs, has %u", c->min_cpus,
				   nr_cpu_ids);
		else
			run_in_thread(&t);
		WRITE_ONCE(ktest_state.module_running, NULL);
		WRITE_ONCE(ktest_state.module_task, NULL);
		if (t.failures) {
			failed++;
			pr_info("%s: not ok %u - %s.%s\n", module, i + 1,
				c->suite, c->name);
		} else if (t.skipped) {
			pr_info("%s: ok %u - %s.%s # SKIP %s\n", module, i + 1,
				c->suite, c->name, ktest_state.module_skip_reason);
		} else {
			pr_info("%s: ok %u - %s.%s\n", module, i + 1, c->suite,
				c->name);
		}
	}
	pr_info("%s: %u ktest cases passed or skipped, %u failed\n", module,
		n - failed, failed);
	return failed;
}
