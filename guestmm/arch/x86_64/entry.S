/* SPDX-License-Identifier: MIT */
/*
 * Exception and interrupt entry. One 16-byte stub per vector pushes an
 * error code (0 when the CPU pushes none) and the vector, so every frame is
 * a struct pt_regs; the common path saves the GPRs and calls x86_entry(regs).
 * Interrupts run on the current kernel stack (no nesting: gates clear IF);
 * #DF, NMI and #MC switch to their IST stacks.
 */
#include <asm/ptrace.h>

#define STUB_SIZE 16

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR_CODE(v) \
	((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
	 (v) == 29 || (v) == 30)

	.text
	.balign	STUB_SIZE
	.globl	idt_stubs
idt_stubs:
	vector = 0
	.rept	256
	.balign	STUB_SIZE
	.if !HAS_ERROR_CODE(vector)
	pushq	$0
	.endif
	pushq	$vector
	jmp	common_entry
	vector = vector + 1
	.endr
	.balign	STUB_SIZE
	.globl	idt_stubs_end
idt_stubs_end:

common_entry:
	cld
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%rax
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	/* A frame record so backtraces from handlers reach the interrupted code. */
	movq	%rsp, %rdi
	pushq	PT_REGS_IP_OFF(%rdi)
	pushq	%rbp
	movq	%rsp, %rbp
	call	x86_entry
	addq	$16, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	addq	$16, %rsp		/* vector and error code */
	iretq

	.section .note.GNU-stack, "", @progbits
