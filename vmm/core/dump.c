// SPDX-License-Identifier: MIT
/* A vCPU's register state, printed when the guest crashes. */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "dump.h"
#include "pagewalk.h"
#include "gmem.h"
#include "report.h"

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

#define X86_EFLAGS_IF	0x200ULL

static const char *mp_state_name(uint32_t state)
{
	switch (state) {
	case KVM_MP_STATE_RUNNABLE:
		return "runnable";
	case KVM_MP_STATE_UNINITIALIZED:
		return "uninitialized";
	case KVM_MP_STATE_INIT_RECEIVED:
		return "INIT received";
	case KVM_MP_STATE_HALTED:
		return "halted";
	case KVM_MP_STATE_SIPI_RECEIVED:
		return "SIPI received";
	}
	return "?";
}

void dump_where(FILE *f, unsigned int index, const struct kvm_regs *r,
		const struct kvm_mp_state *mp)
{
	fprintf(f, "  vCPU %u: RIP %016llx RSP %016llx RBP %016llx RFLAGS %08llx (IF %s)%s%s\n",
		index, r->rip, r->rsp, r->rbp, r->rflags,
		r->rflags & X86_EFLAGS_IF ? "on" : "off",
		mp ? ", " : "", mp ? mp_state_name(mp->mp_state) : "");
}

void dump_events(FILE *f, const struct kvm_vcpu_events *ev)
{
	fprintf(f, "    events: irq injected %u (vector %#x), interrupt shadow %#x, NMI pending %u",
		ev->interrupt.injected, ev->interrupt.nr, ev->interrupt.shadow,
		ev->nmi.pending);
	if (ev->exception.injected || ev->exception.pending) {
		fprintf(f, ", exception %s: vector %u (%s %s)",
			ev->exception.injected ? "injected" : "pending",
			ev->exception.nr,
			report_vector_mnemonic(ev->exception.nr),
			report_vector_name(ev->exception.nr));
		if (ev->exception.has_error_code)
			fprintf(f, " error code %#x", ev->exception.error_code);
	} else {
		fputs(", no exception", f);
	}
#ifdef KVM_VCPUEVENT_VALID_TRIPLE_FAULT
	if (ev->flags & KVM_VCPUEVENT_VALID_TRIPLE_FAULT)
		fprintf(f, ", triple fault %s",
			ev->triple_fault.pending ? "PENDING" : "not pending");
#endif
	fputc('\n', f);
}

#define APIC_TASKPRI	0x80
#define APIC_ISR	0x100
#define APIC_IRR	0x200
#define APIC_LVTT	0x320
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390

static uint32_t lapic_reg(const struct kvm_lapic_state *s, unsigned int reg)
{
	uint32_t v;

	memcpy(&v, s->regs + reg, sizeof(v));
	return v;
}

/* Every vector set in the 256-bit register at base (ISR, IRR). */
static void lapic_vectors(FILE *f, const struct kvm_lapic_state *s,
			  unsigned int base)
{
	bool any = false;

	for (unsigned int v = 0; v < 256; v++) {
		if (lapic_reg(s, base + (v / 32) * 0x10) & (1U << (v % 32))) {
			fprintf(f, " %#x", v);
			any = true;
		}
	}
	if (!any)
		fputs(" -", f);
}

void dump_lapic(FILE *f, const struct kvm_lapic_state *s)
{
	fputs("    LAPIC: ISR", f);
	lapic_vectors(f, s, APIC_ISR);
	fputs("; IRR", f);
	lapic_vectors(f, s, APIC_IRR);
	fprintf(f, "; TPR %#x; timer LVT %#x initial %#x current %#x\n",
		lapic_reg(s, APIC_TASKPRI), lapic_reg(s, APIC_LVTT),
		lapic_reg(s, APIC_TMICT), lapic_reg(s, APIC_TMCCT));
}

/* Guest virtual to physical by the VMM's own walk; false if not mapped. */
static bool guest_translate(const struct gmem *gm, uint64_t cr3, uint64_t va,
			    uint64_t *pa)
{
	struct pagewalk w;

	if (pagewalk(gm, cr3, va, &w))
		return false;
	*pa = w.gpa;
	return true;
}

bool dump_guest_u64(const struct gmem *gm, uint64_t cr3, uint64_t va,
		    uint64_t *val)
{
	uint64_t pa;

	return (va & 7) == 0 && guest_translate(gm, cr3, va, &pa) &&
	       gmem_read(gm, pa, val, sizeof(*val)) == 0;
}

#define BACKTRACE_MAX	16

/* "    at a+0x1/0x10 < b+0x2/0x20 ...", when @ks names any of @pc. */
static void dump_symbols(FILE *f, const uint64_t *pc, int n,
			 const struct ksyms *ks)
{
	char sym[KSYM_FORMAT_MAX];
	bool any = false;

	for (int i = 0; i < n; i++)
		any |= !ksyms_format(ks, pc[i], sym, sizeof(sym));
	if (!any)
		return;
	fputs("    at", f);
	for (int i = 0; i < n; i++) {
		ksyms_format(ks, pc[i], sym, sizeof(sym));
		fprintf(f, "%s%s", i ? " < " : " ", sym[0] ? sym : "?");
	}
	fputc('\n', f);
}

void dump_backtrace(FILE *f, const struct gmem *gm, uint64_t cr3,
		    uint64_t rip, uint64_t rbp, const struct ksyms *ks)
{
	uint64_t pc[BACKTRACE_MAX + 1] = { rip };
	int n = 1;

	fprintf(f, "    trace: %016" PRIx64, rip);
	for (int i = 0; i < BACKTRACE_MAX && rbp; i++) {
		uint64_t next, ret;

		if (!dump_guest_u64(gm, cr3, rbp, &next) ||
		    !dump_guest_u64(gm, cr3, rbp + 8, &ret))
			break;
		fprintf(f, " %016" PRIx64, ret);
		pc[n++] = ret;
		/* Frames go up the stack: anything else ends the walk. */
		if (next <= rbp)
			break;
		rbp = next;
	}
	fputc('\n', f);
	dump_symbols(f, pc, n, ks);
}
