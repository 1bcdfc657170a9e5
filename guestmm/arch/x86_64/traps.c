// SPDX-License-Identifier: MIT
/*
 * CPU exceptions. A #PF or #GP at an instruction with an exception-table
 * entry (asm/extable.h) goes on at its fixup; any other exception is a bug,
 * printed as Linux would and reported to the VMM (MV_PANIC_EXCEPTION) with
 * the registers, CR2 and a backtrace; the VMM ends the run.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <asm/extable.h>
#include <asm/irq.h>
#include <asm/irq_vectors.h>
#include <asm/panic_report.h>
#include <asm/processor.h>
#include <asm/traps.h>

void x86_entry(struct pt_regs *regs);

static const char *const trap_names[32] = {
	[X86_TRAP_DE] = "divide error",
	[X86_TRAP_DB] = "debug",
	[X86_TRAP_NMI] = "nmi",
	[X86_TRAP_BP] = "int3",
	[X86_TRAP_OF] = "overflow",
	[X86_TRAP_BR] = "bounds",
	[X86_TRAP_UD] = "invalid opcode",
	[X86_TRAP_NM] = "device not available",
	[X86_TRAP_DF] = "double fault",
	[9] = "coprocessor segment overrun",
	[X86_TRAP_TS] = "invalid TSS",
	[X86_TRAP_NP] = "segment not present",
	[X86_TRAP_SS] = "stack segment",
	[X86_TRAP_GP] = "general protection fault",
	[X86_TRAP_PF] = "page fault",
	[15] = "spurious interrupt bug",
	[X86_TRAP_MF] = "coprocessor error",
	[X86_TRAP_AC] = "alignment check",
	[X86_TRAP_MC] = "machine check",
	[X86_TRAP_XF] = "SIMD coprocessor error",
	[20] = "virtualization exception",
	[X86_TRAP_CP] = "control protection",
};

const char *trap_name(unsigned int vector)
{
	if (vector < ARRAY_SIZE(trap_names) && trap_names[vector])
		return trap_names[vector];
	return "reserved exception";
}

/* Linux's #PF wording: what kind of access, and why it faulted. */
static void describe_page_fault(unsigned long cr2, unsigned long err,
				char *msg, size_t size)
{
	const char *access = (err & 0x10) ? "instruction fetch" :
			     (err & 0x2) ? "write" : "read";
	const char *why = (err & 0x1) ? "permissions violation" : "not-present page";

	pr_emerg("BUG: unable to handle page fault for address: %#018lx\n", cr2);
	pr_emerg("#PF: supervisor %s access in kernel mode\n", access);
	pr_emerg("#PF: error_code(%#06lx) - %s\n", err, why);
	snprintf(msg, size, "unable to handle page fault for address %#lx (%s %s)",
		 cr2, access, why);
}

void do_exception(struct pt_regs *regs)
{
	/* First: nothing may fault and overwrite CR2 before we read it. */
	unsigned long cr2 = read_cr2();
	unsigned int vector = regs->vector;
	char msg[MV_PANIC_MSG_MAX];
	struct panic_report r = {
		.kind = MV_PANIC_EXCEPTION,
		.file = "",
		.msg = msg,
		.regs = regs,
		.vector = vector,
		.error_code = regs->error_code,
		.cr2 = cr2,
	};

	if ((vector == X86_TRAP_PF || vector == X86_TRAP_GP) &&
	    fixup_exception(regs, vector, cr2))
		return;
	oops_in_progress = 1;
	if (vector == X86_TRAP_PF) {
		describe_page_fault(cr2, regs->error_code, msg, sizeof(msg));
	} else {
		snprintf(msg, sizeof(msg), "%s: %04lx", trap_name(vector),
			 regs->error_code);
		pr_emerg("%s: %04lx [#1] SMP\n", trap_name(vector), regs->error_code);
	}
	pr_emerg("CPU: %d PID: %d Comm: %s\n", raw_smp_processor_id(),
		 current ? current->pid : -1, current ? current->comm : "?");
	pr_emerg("RIP: %04lx:%#018lx RSP: %#018lx RFLAGS: %08lx\n",
		 regs->cs, regs->ip, regs->sp, regs->flags);
	arch_panic_report(&r);
}

/* Called by the entry stubs with the saved frame. */
void x86_entry(struct pt_regs *regs)
{
	if (regs->vector < FIRST_EXTERNAL_VECTOR)
		do_exception(regs);
	else
		do_irq(regs);
}
