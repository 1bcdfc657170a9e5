// SPDX-License-Identifier: MIT
/* The boot CPU's first task: start_kernel runs in it, then it idles. */
#include <linux/sched.h>
#include <asm/thread.h>

char init_stack[THREAD_SIZE] __aligned(THREAD_SIZE) __section(".bss..page_aligned");

struct task_struct init_task = {
	.state = TASK_RUNNING,
	.flags = PF_KTHREAD | PF_IDLE,
	.cpu = 0,
	.pid = 0,
	.comm = "swapper/0",
	.run_list = LIST_HEAD_INIT(init_task.run_list),
	.tasks = LIST_HEAD_INIT(init_task.tasks),
	.join_waiters = LIST_HEAD_INIT(init_task.join_waiters),
	.thread = {
		.stack = init_stack,
		.stack_size = THREAD_SIZE,
	},
};
