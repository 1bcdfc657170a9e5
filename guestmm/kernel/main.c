// SPDX-License-Identifier: MIT
/*
 * start_kernel(): the boot CPU brings the core up in dependency order, then
 * becomes CPU 0's idle task while kernel_init (a thread, so it may sleep)
 * starts the other CPUs and does what the command line asked: crash=, then
 * exit=N (shut down with N) or ktest= (shut down with the tests' verdict).
 * By default the guest keeps running, as QEMU's guests do: kernel_init
 * ends and every CPU idles in hlt with interrupts on, until the host ends
 * the VM (QMP quit, SIGINT/SIGTERM) or the guest shuts down.
 */
#include <linux/kernel.h>
#include <linux/cpu.h>
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/kthread.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/start_kernel.h>
#include <asm/hypercall.h>
#include <asm/setup.h>
#include <linux/vmalloc.h>
#include <linux/dmadev.h>
#include <linux/workload.h>
#include "allocd.h"
#include "ktest_runner.h"
#include "mm_glue.h"
#include "module_internal.h"
#include "sched.h"

#define GUESTMM_VERSION	"0.1.0"

static int exit_code = -1;

static int __init_exit(char *val)
{
	if (!param_get_int(val, &exit_code) || exit_code < 0 || exit_code > 255)
		return -1;
	return 0;
}
__setup("exit=", __init_exit);

static int __init_loglevel(char *val)
{
	int level;

	if (!param_get_int(val, &level) || level < 0 || level > 8)
		return -1;
	console_loglevel = level;
	return 0;
}
__setup("loglevel=", __init_loglevel);

static int kernel_init(void *unused)
{
	smp_init();
	dmadev_init(&boot_params);
	kmodd_start();	/* and the modules vmm --module queued */
	allocd_start();	/* allocation requests from outside */
	crash_run();
	if (exit_code >= 0) {
		pr_info("guestmm: boot complete, %u CPUs online; exit=%d: shutting down\n",
			num_online_cpus(), exit_code);
		machine_shutdown(exit_code);
	}
	if (ktest_requested())
		machine_shutdown(ktest_main());
	pr_info("guestmm: boot complete, %u CPUs online; running (vmmctl quit to stop)\n",
		num_online_cpus());
	workload_boot_start();	/* vmm --workload */
	return 0;
}

static __noreturn void rest_init(void)
{
	struct task_struct *k;

	k = kthread_create_on_cpu(kernel_init, NULL, 0, "kernel_init");
	if (!k)
		panic("cannot create kernel_init");
	wake_up_process(k);
	cpu_startup_entry();
}

__noreturn void start_kernel(void)
{
	parse_args(boot_command_line);
	pr_notice("guestmm version " GUESTMM_VERSION " (memvisor) (gcc " __VERSION__ ") #1 SMP\n");
	pr_notice("Command line: %s\n", boot_command_line);
	setup_arch();
	set_cpu_online(0, true);
	/* mm first: then even the boot CPU's IST stacks come from the page allocator */
	mm_glue_init(&boot_params);
	/* The first per-CPU chunk comes from the page allocator (kernel/percpu.c). */
	setup_per_cpu_areas(nr_cpu_ids);
	percpu_init_cpu(0);
	trap_init();
	sched_init();
	timers_init();
	init_IRQ();
	time_init();
	local_irq_enable();
	vmalloc_init();	/* creates a cache: may sleep */
	rest_init();
}
