// SPDX-License-Identifier: MIT
/* Kernel threads: exit codes, stop, placement on a CPU. */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/kthread.h>
#include <linux/ktest.h>
#include <linux/smp.h>

static int return_arg(void *arg)
{
	return (int)(long)arg;
}

KTEST(kthread, join_returns_exit_code)
{
	struct task_struct *k = kthread_run(return_arg, (void *)42L, "ret42");

	KTEST_ASSERT_NOT_NULL(t, k);
	KTEST_EXPECT_EQ(t, kthread_join(k), 42);
}

static int exit_early(void *arg)
{
	kthread_exit(7);
}

KTEST(kthread, exit_sets_code)
{
	struct task_struct *k = kthread_run(exit_early, NULL, "exit7");

	KTEST_ASSERT_NOT_NULL(t, k);
	KTEST_EXPECT_EQ(t, kthread_join(k), 7);
}

static int until_stopped(void *arg)
{
	unsigned long *loops = arg;

	while (!kthread_should_stop()) {
		(*loops)++;
		msleep(5);
	}
	return 99;
}

KTEST(kthread, stop_running_thread)
{
	unsigned long loops = 0;
	struct task_struct *k = kthread_run(until_stopped, &loops, "stoppable");

	KTEST_ASSERT_NOT_NULL(t, k);
	msleep(30);
	KTEST_EXPECT_EQ(t, kthread_stop(k), 99);
	KTEST_EXPECT_GT(t, loops, 0);
}

KTEST(kthread, stop_before_start)
{
	unsigned long loops = 0;
	struct task_struct *k = kthread_create(until_stopped, &loops, "never");

	KTEST_ASSERT_NOT_NULL(t, k);
	KTEST_EXPECT_EQ(t, kthread_stop(k), -EINTR);
	KTEST_EXPECT_EQ(t, loops, 0);
}

static int where_am_i(void *arg)
{
	return raw_smp_processor_id();
}

KTEST(kthread, runs_on_requested_cpu)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		struct task_struct *k = kthread_run_on_cpu(where_am_i, NULL, cpu, "where");

		KTEST_ASSERT_NOT_NULL(t, k);
		KTEST_EXPECT_EQ(t, kthread_join(k), (int)cpu);
	}
	KTEST_EXPECT_NULL(t, kthread_create_on_cpu(where_am_i, NULL, nr_cpu_ids, "none"));
}

/* Many short threads: the task and stack memory is given back. */
KTEST(kthread, create_and_join_many)
{
	for (int i = 0; i < 300; i++) {
		struct task_struct *k = kthread_run(return_arg, (void *)(long)i, "many");

		KTEST_ASSERT_NOT_NULL(t, k);
		KTEST_ASSERT_EQ(t, kthread_join(k), i);
	}
}
