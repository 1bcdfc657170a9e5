/* SPDX-License-Identifier: MIT */
/*
 * Entry of every vCPU (include/memvisor/bootparams.h): 64-bit mode, paging
 * on with the VMM's tables, rdi = boot params gpa, rsi = cpu index, rsp = a
 * boot stack. The first thing each CPU does is point %gs at its per-CPU
 * unit (the boot CPU: base 0, the master copy, until setup_per_cpu_areas()),
 * where its PDA is, so smp_processor_id(), current and preempt_count work
 * from the first C line.
 */
#include <asm/msr.h>
#include <asm/pda.h>
#include <asm/thread.h>

	.section .head.text, "ax"
	.code64
	.globl startup_64
startup_64:
	/* The VMM may enter at the load address: run at the link address. */
	movabsq	$1f, %rax
	jmp	*%rax
1:
	cli
	cld
	movq	%rdi, %r12		/* boot params gpa */
	movq	%rsi, %r13		/* cpu index */
	cmpq	$PDA_MAX_CPUS, %r13
	jae	.Lstop
	testq	%r13, %r13
	jnz	.Lsecondary

	/* Boot CPU: clear .bss (still on the VMM's stack, which is not in it). */
	leaq	__bss_start(%rip), %rdi
	leaq	__bss_stop(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb

	xorl	%eax, %eax		/* the master copy of pcpu_pda */
	call	set_gs_base
	leaq	init_stack + THREAD_SIZE(%rip), %rsp
	xorl	%ebp, %ebp		/* ends the frame-pointer chain */
	movq	%r12, %rdi
	call	x86_64_start_kernel
	jmp	.Lstop

.Lsecondary:
	/* An AP: its unit, PDA and idle task's stack were prepared by the BSP. */
	leaq	__per_cpu_offset(%rip), %rdx
	movq	(%rdx,%r13,8), %rax
	call	set_gs_base
	leaq	ap_boot_rsp(%rip), %rax
	movq	(%rax,%r13,8), %rcx
	testq	%rcx, %rcx
	jz	.Lstop
	movq	%rcx, %rsp
	xorl	%ebp, %ebp
	movl	%r13d, %edi
	call	start_secondary
.Lstop:
	cli
	hlt
	jmp	.Lstop

/* %gs base := %rax (clobbers rcx, rdx) */
set_gs_base:
	movl	$MSR_GS_BASE, %ecx
	movq	%rax, %rdx
	shrq	$32, %rdx
	wrmsr
	ret

	.section .note.GNU-stack, "", @progbits
