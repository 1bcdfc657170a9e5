// SPDX-License-Identifier: MIT
/* The guest's panic, BUG, exception and WARN reports, in words. */
#include <inttypes.h>

#include "report.h"

static const struct {
	const char *mnemonic;
	const char *name;
} vectors[32] = {
	[0] = { "#DE", "divide error" },
	[1] = { "#DB", "debug" },
	[2] = { "NMI", "non-maskable interrupt" },
	[3] = { "#BP", "breakpoint" },
	[4] = { "#OF", "overflow" },
	[5] = { "#BR", "bound range exceeded" },
	[6] = { "#UD", "invalid opcode" },
	[7] = { "#NM", "device not available" },
	[8] = { "#DF", "double fault" },
	[9] = { "#MP", "coprocessor segment overrun" },
	[10] = { "#TS", "invalid TSS" },
	[11] = { "#NP", "segment not present" },
	[12] = { "#SS", "stack-segment fault" },
	[13] = { "#GP", "general protection" },
	[14] = { "#PF", "page fault" },
	[16] = { "#MF", "x87 floating-point error" },
	[17] = { "#AC", "alignment check" },
	[18] = { "#MC", "machine check" },
	[19] = { "#XM", "SIMD floating-point error" },
	[20] = { "#VE", "virtualization exception" },
	[21] = { "#CP", "control protection" },
	[28] = { "#HV", "hypervisor injection" },
	[29] = { "#VC", "VMM communication" },
	[30] = { "#SX", "security exception" },
};

const char *report_vector_mnemonic(unsigned int vector)
{
	if (vector < 32 && vectors[vector].mnemonic)
		return vectors[vector].mnemonic;
	return "#??";
}

const char *report_vector_name(unsigned int vector)
{
	if (vector < 32 && vectors[vector].name)
		return vectors[vector].name;
	return "unknown exception";
}

bool report_is_fatal(unsigned int kind)
{
	return kind == MV_PANIC_PANIC || kind == MV_PANIC_BUG ||
	       kind == MV_PANIC_EXCEPTION;
}

static void headline(FILE *f, const struct mv_hc_panic *p, unsigned int vcpu)
{
	static const char *const what[] = {
		[MV_PANIC_PANIC] = "guest panic",
		[MV_PANIC_BUG] = "guest panic",
		[MV_PANIC_EXCEPTION] = "guest panic",
		[MV_PANIC_WARN] = "guest warning",
		[MV_PANIC_SLEEP_BUG] = "guest bug",
	};
	const char *prefix = "";

	if (p->kind == MV_PANIC_BUG)
		prefix = "kernel BUG: ";
	else if (p->kind == MV_PANIC_SLEEP_BUG)
		prefix = "sleeping function called from invalid context: ";
	else if (p->kind == MV_PANIC_EXCEPTION)
		prefix = "unhandled exception: ";
	fprintf(f, "%s on CPU %u: %s%s", p->kind <= MV_PANIC_SLEEP_BUG ?
		what[p->kind] : "guest report", vcpu, prefix, p->msg);
	if (p->file[0])
		fprintf(f, " at %s:%u", p->file, p->line);
	if (p->cpu != vcpu)
		fprintf(f, " (the guest says CPU %u)", p->cpu);
	fputc('\n', f);
}

static void regs(FILE *f, const struct mv_regs *r)
{
	fprintf(f, "  RIP: %016" PRIx64 " RFLAGS: %016" PRIx64 " CS: %04" PRIx64 " SS: %04" PRIx64 "\n",
		r->rip, r->rflags, r->cs, r->ss);
	fprintf(f, "  RAX: %016" PRIx64 " RBX: %016" PRIx64 " RCX: %016" PRIx64 "\n",
		r->rax, r->rbx, r->rcx);
	fprintf(f, "  RDX: %016" PRIx64 " RSI: %016" PRIx64 " RDI: %016" PRIx64 "\n",
		r->rdx, r->rsi, r->rdi);
	fprintf(f, "  RBP: %016" PRIx64 " RSP: %016" PRIx64 " R8:  %016" PRIx64 "\n",
		r->rbp, r->rsp, r->r8);
	fprintf(f, "  R9:  %016" PRIx64 " R10: %016" PRIx64 " R11: %016" PRIx64 "\n",
		r->r9, r->r10, r->r11);
	fprintf(f, "  R12: %016" PRIx64 " R13: %016" PRIx64 " R14: %016" PRIx64 "\n",
		r->r12, r->r13, r->r14);
	fprintf(f, "  R15: %016" PRIx64 "\n", r->r15);
	fprintf(f, "  CR0: %016" PRIx64 " CR2: %016" PRIx64 " CR3: %016" PRIx64 " CR4: %016" PRIx64 "\n",
		r->cr0, r->cr2, r->cr3, r->cr4);
}

void report_panic(FILE *f, const struct mv_hc_panic *p, unsigned int vcpu,
		  const struct ksyms *ks)
{
	unsigned int i, n;

	headline(f, p, vcpu);
	if (p->kind == MV_PANIC_EXCEPTION) {
		fprintf(f, "  exception %u (%s %s), error code 0x%" PRIx64,
			p->vector, report_vector_mnemonic(p->vector),
			report_vector_name(p->vector), p->error_code);
		if (p->vector == 14)
			fprintf(f, ", CR2 0x%" PRIx64, p->regs.cr2);
		fputc('\n', f);
	}
	if (p->has_regs) {
		char sym[KSYM_FORMAT_MAX];

		regs(f, &p->regs);
		if (!ksyms_format(ks, p->regs.rip, sym, sizeof(sym)))
			fprintf(f, "  RIP is at %s\n", sym);
	}
	n = p->nr_frames < MV_PANIC_FRAMES ? p->nr_frames : MV_PANIC_FRAMES;
	if (!n)
		return;
	fprintf(f, "Call trace:\n");
	for (i = 0; i < n; i++) {
		char sym[KSYM_FORMAT_MAX];

		ksyms_format(ks, p->frames[i], sym, sizeof(sym));
		fprintf(f, "  [<%016" PRIx64 ">]%s%s\n", p->frames[i],
			sym[0] ? " " : "", sym);
	}
}
