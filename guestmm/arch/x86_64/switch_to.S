/* SPDX-License-Identifier: MIT */
/*
 * struct task_struct *__switch_to_asm(struct task_struct *prev,
 *	struct task_struct *next, unsigned long *prev_sp, unsigned long next_sp)
 *
 * Saves the callee-saved registers on prev's stack, stores its stack pointer
 * in *prev_sp, and resumes next where it last switched out (or, for a new
 * thread, at ret_from_kthread). Returns prev as seen by the resumed side:
 * rdi still holds the task we came from.
 */
	.text
	.globl	__switch_to_asm
__switch_to_asm:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdx)
	movq	%rcx, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	movq	%rdi, %rax
	ret

/* A new thread's first instructions: rax is the task switched away from. */
	.globl	ret_from_kthread
ret_from_kthread:
	movq	%rax, %rdi
	call	schedule_tail
	xorl	%ebp, %ebp
	call	kthread_start
	ud2

	.section .note.GNU-stack, "", @progbits
