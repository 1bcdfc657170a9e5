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
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktest.h>
#include <linux/module.h>
#include <linux/slab.h>
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

/* Waits up to timeout_s for k to exit: false if it still runs. */
static bool wait_for_exit(struct task_struct *k, unsigned int timeout_s)
{
	unsigned long deadline = jiffies + timeout_s * HZ;

	while (!READ_ONCE(k->exited) && time_before(jiffies, deadline))
		msleep(10);
	return READ_ONCE(k->exited);
}

/*
 * Runs t's case in a thread of its own and joins it; with timeout_s (not
 * 0), a case still running then fails and its thread is left running,
 * never joined (t must outlive it): false.
 */
static bool run_in_thread(struct ktest *t, unsigned int timeout_s)
{
	struct task_struct *k;

	k = kthread_create_on_cpu(ktest_thread, t, raw_smp_processor_id(), "ktest");
	if (!k) {
		ktest_fail(t, __FILE__, __LINE__, "cannot create the test thread");
		return true;
	}
	wake_up_process(k);
	if (timeout_s && !wait_for_exit(k, timeout_s)) {
		ktest_fail(t, __FILE__, __LINE__, "still running after %u s: "
			   "left running", timeout_s);
		return false;
	}
	kthread_join(k);
	return true;
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
		run_in_thread(&t, 0);
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

/* A module's case may run this long (KUnit's default); then it fails. */
static unsigned int module_test_timeout_s = 300;

static int __init_module_test_timeout(char *val)
{
	int s;

	if (!param_get_int(val, &s) || s < 1)
		return -1;
	module_test_timeout_s = s;
	return 0;
}
__setup("module_test_timeout=", __init_module_test_timeout);

/* One case of mod's; false if it was left running (its t with it). */
static bool run_module_case(const struct module *mod,
			    const struct ktest_case *c, unsigned int index,
			    unsigned int *failed)
{
	struct ktest *t = kzalloc(sizeof(*t), GFP_KERNEL);
	bool done = true;

	if (!t) {
		pr_info("%s: not ok %u - %s.%s # no memory for it\n", mod->name,
			index, c->suite, c->name);
		(*failed)++;
		return true;
	}
	t->tcase = c;
	t->module = mod->name;
	ktest_state.module_skip_reason[0] = '\0';
	WRITE_ONCE(ktest_state.module_running, t);
	if (c->min_cpus > nr_cpu_ids)
		ktest_skip(t, "needs %u CPUs, has %u", c->min_cpus, nr_cpu_ids);
	else
		done = run_in_thread(t, module_test_timeout_s);
	WRITE_ONCE(ktest_state.module_running, NULL);
	WRITE_ONCE(ktest_state.module_task, NULL);
	if (t->failures) {
		(*failed)++;
		pr_info("%s: not ok %u - %s.%s\n", mod->name, index, c->suite,
			c->name);
	} else if (t->skipped) {
		pr_info("%s: ok %u - %s.%s # SKIP %s\n", mod->name, index,
			c->suite, c->name, ktest_state.module_skip_reason);
	} else {
		pr_info("%s: ok %u - %s.%s\n", mod->name, index, c->suite,
			c->name);
	}
	if (done)
		kfree(t);
	return done;
}

/*
 * A module's own cases, run by kmodd after the module's init returned 0:
 * each in a thread as above, reported on the console only and prefixed
 * with the module's name, so that neither vmm --test's TAP ledger (HC_TEST)
 * nor a TAP reader of vmm's output counts them. A case left running pins
 * the module (its code is in use). Returns how many failed.
 */
unsigned int ktest_run_module_cases(struct module *mod)
{
	unsigned int i, failed = 0;

	pr_info("%s: running %u ktest cases\n", mod->name, mod->num_ktests);
	for (i = 0; i < mod->num_ktests; i++)
		if (!run_module_case(mod, &mod->ktests[i], i + 1, &failed))
			__module_get(mod);
	pr_info("%s: %u ktest cases passed or skipped, %u failed\n", mod->name,
		mod->num_ktests - failed, failed);
	return failed;
}
