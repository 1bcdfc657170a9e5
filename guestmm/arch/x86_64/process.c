// SPDX-License-Identifier: MIT
/* Thread contexts: a new thread's first frame, and the switch between two. */
#include <linux/sched.h>
#include <linux/string.h>
#include <asm/switch_to.h>

struct task_struct *__switch_to_asm(struct task_struct *prev,
				    struct task_struct *next,
				    unsigned long *prev_sp,
				    unsigned long next_sp);
void ret_from_kthread(void);

/* What __switch_to_asm pops, lowest address first. */
struct inactive_task_frame {
	unsigned long r15, r14, r13, r12, bx, bp;
	unsigned long ret_addr;
	unsigned long pad[2];	/* keeps ret_from_kthread's calls 16-aligned */
};

void arch_thread_init(struct task_struct *p, void *stack, unsigned long size)
{
	struct inactive_task_frame *frame;

	p->thread.stack = stack;
	p->thread.stack_size = size;
	frame = (struct inactive_task_frame *)((char *)stack + size) - 1;
	memset(frame, 0, sizeof(*frame));
	frame->ret_addr = (unsigned long)ret_from_kthread;
	p->thread.rsp = (unsigned long)frame;
	/* It starts inside schedule(), which holds one preempt count. */
	p->thread.preempt_count = PREEMPT_OFFSET;
}

struct task_struct *switch_to(struct task_struct *prev, struct task_struct *next)
{
	struct cpu_pda *pda = arch_pda();

	prev->thread.preempt_count = pda->preempt_count;
	pda->preempt_count = next->thread.preempt_count;
	pda_set_current(pda, next);
	return __switch_to_asm(prev, next, &prev->thread.rsp, next->thread.rsp);
}

struct task_struct *get_current(void)
{
	return arch_get_current();
}
