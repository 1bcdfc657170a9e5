/* SPDX-License-Identifier: MIT */
/*
 * void arch_capture_regs(struct pt_regs *regs)
 * The caller's registers as they are at the call: ip is the return address,
 * sp the caller's stack pointer after the return. Nothing is clobbered but
 * the flags image is read with pushf.
 */
	.text
	.globl	arch_capture_regs
arch_capture_regs:
	movq	%r15, 0(%rdi)
	movq	%r14, 8(%rdi)
	movq	%r13, 16(%rdi)
	movq	%r12, 24(%rdi)
	movq	%rbp, 32(%rdi)
	movq	%rbx, 40(%rdi)
	movq	%r11, 48(%rdi)
	movq	%r10, 56(%rdi)
	movq	%r9, 64(%rdi)
	movq	%r8, 72(%rdi)
	movq	%rax, 80(%rdi)
	movq	%rcx, 88(%rdi)
	movq	%rdx, 96(%rdi)
	movq	%rsi, 104(%rdi)
	movq	%rdi, 112(%rdi)
	movq	$0, 120(%rdi)		/* vector */
	movq	$0, 128(%rdi)		/* error code */
	movq	(%rsp), %rax
	movq	%rax, 136(%rdi)		/* ip */
	movq	$0, 144(%rdi)
	movw	%cs, 144(%rdi)
	pushfq
	popq	152(%rdi)		/* flags */
	leaq	8(%rsp), %rax
	movq	%rax, 160(%rdi)		/* sp */
	movq	$0, 168(%rdi)
	movw	%ss, 168(%rdi)
	movq	80(%rdi), %rax
	ret

	.section .note.GNU-stack, "", @progbits
