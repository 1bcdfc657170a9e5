// SPDX-License-Identifier: MIT
/* A vCPU's register state, printed when the guest crashes. */
#include <inttypes.h>

#include "dump.h"

#define EFER_SCE	(1ULL << 0)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)
#define EFER_NXE	(1ULL << 11)

static void seg(FILE *f, const char *name, const struct kvm_segment *s)
{
	fprintf(f, "  %s: %04x base %016llx limit %08x type %x%s%s%s%s\n",
		name, s->selector, (unsigned long long)s->base, s->limit,
		s->type, s->present ? " P" : " !P", s->l ? " L" : "",
		s->db ? " D" : "", s->unusable ? " unusable" : "");
}

void dump_regs(FILE *f, const struct kvm_regs *r, const struct kvm_sregs *s)
{
	fprintf(f, "  RIP: %016llx RFLAGS: %016llx\n", r->rip, r->rflags);
	fprintf(f, "  RAX: %016llx RBX: %016llx RCX: %016llx\n",
		r->rax, r->rbx, r->rcx);
	fprintf(f, "  RDX: %016llx RSI: %016llx RDI: %016llx\n",
		r->rdx, r->rsi, r->rdi);
	fprintf(f, "  RBP: %016llx RSP: %016llx R8:  %016llx\n",
		r->rbp, r->rsp, r->r8);
	fprintf(f, "  R9:  %016llx R10: %016llx R11: %016llx\n",
		r->r9, r->r10, r->r11);
	fprintf(f, "  R12: %016llx R13: %016llx R14: %016llx\n",
		r->r12, r->r13, r->r14);
	fprintf(f, "  R15: %016llx\n", r->r15);
	if (!s)
		return;
	fprintf(f, "  CR0: %016llx CR2: %016llx CR3: %016llx CR4: %016llx\n",
		s->cr0, s->cr2, s->cr3, s->cr4);
	fprintf(f, "  EFER: %016llx (%s%s%s%s) APIC base: %016llx\n",
		s->efer, s->efer & EFER_SCE ? "SCE " : "",
		s->efer & EFER_LME ? "LME " : "", s->efer & EFER_LMA ? "LMA " : "",
		s->efer & EFER_NXE ? "NXE" : "", s->apic_base);
	seg(f, "CS", &s->cs);
	seg(f, "SS", &s->ss);
	seg(f, "DS", &s->ds);
	seg(f, "ES", &s->es);
	seg(f, "FS", &s->fs);
	seg(f, "GS", &s->gs);
	seg(f, "TR", &s->tr);
	fprintf(f, "  GDT: base %016llx limit %04x  IDT: base %016llx limit %04x\n",
		s->gdt.base, s->gdt.limit, s->idt.base, s->idt.limit);
}

const char *dump_exit_name(unsigned int reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "KVM_EXIT_UNKNOWN",
		[KVM_EXIT_EXCEPTION] = "KVM_EXIT_EXCEPTION",
		[KVM_EXIT_IO] = "KVM_EXIT_IO",
		[KVM_EXIT_HYPERCALL] = "KVM_EXIT_HYPERCALL",
		[KVM_EXIT_DEBUG] = "KVM_EXIT_DEBUG",
		[KVM_EXIT_HLT] = "KVM_EXIT_HLT",
		[KVM_EXIT_MMIO] = "KVM_EXIT_MMIO",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "KVM_EXIT_IRQ_WINDOW_OPEN",
		[KVM_EXIT_SHUTDOWN] = "KVM_EXIT_SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
		[KVM_EXIT_INTR] = "KVM_EXIT_INTR",
		[KVM_EXIT_SET_TPR] = "KVM_EXIT_SET_TPR",
		[KVM_EXIT_TPR_ACCESS] = "KVM_EXIT_TPR_ACCESS",
		[KVM_EXIT_NMI] = "KVM_EXIT_NMI",
		[KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "KVM_EXIT_SYSTEM_EVENT",
	};

	if (reason < sizeof(names) / sizeof(names[0]))
		return names[reason];
	return NULL;
}
