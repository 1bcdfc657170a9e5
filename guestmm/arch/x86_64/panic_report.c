// SPDX-License-Identifier: MIT
/*
 * HC_PANIC reports: the registers (an exception's frame, or the caller's),
 * CR0/2/3/4 and a frame-pointer backtrace, in a per-CPU request in .bss.
 * A fault while reporting nests into a second request with no backtrace.
 * The VMM prints the report (registers, call trace): the guest doesn't.
 */
#include <linux/kernel.h>
#include <linux/irqflags.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/hypercall.h>
#include <asm/panic_report.h>
#include <asm/processor.h>
#include <asm/stacktrace.h>

#define REPORT_NEST	2

int oops_in_progress;
static struct mv_hc_panic panic_req[NR_CPUS][REPORT_NEST] __aligned(64);
static int report_depth[NR_CPUS];

static bool kind_is_fatal(enum mv_panic_kind kind)
{
	return kind != MV_PANIC_WARN && kind != MV_PANIC_SLEEP_BUG;
}

static void fill_regs(struct mv_regs *out, const struct pt_regs *r,
		      unsigned long cr2)
{
	*out = (struct mv_regs){
		.rax = r->ax, .rbx = r->bx, .rcx = r->cx, .rdx = r->dx,
		.rsi = r->si, .rdi = r->di, .rbp = r->bp, .rsp = r->sp,
		.r8 = r->r8, .r9 = r->r9, .r10 = r->r10, .r11 = r->r11,
		.r12 = r->r12, .r13 = r->r13, .r14 = r->r14, .r15 = r->r15,
		.rip = r->ip, .rflags = r->flags, .cs = r->cs, .ss = r->ss,
		.cr0 = read_cr0(), .cr2 = cr2, .cr3 = read_cr3(), .cr4 = read_cr4(),
	};
}

/* An exception's trace starts at the faulting RIP; a call's at its caller. */
static void fill_frames(struct mv_hc_panic *req, const struct panic_report *r,
			const struct pt_regs *regs)
{
	unsigned int n = 0;

	if (r->regs)
		req->frames[n++] = regs->ip;
	n += stack_trace_from_bp(regs->bp, req->frames + n, MV_PANIC_FRAMES - n);
	req->nr_frames = n;
}

void arch_panic_report(const struct panic_report *r)
{
	unsigned long flags = arch_local_irq_save();
	int cpu = raw_smp_processor_id();
	int depth = report_depth[cpu]++;
	struct mv_hc_panic *req = &panic_req[cpu][min(depth, REPORT_NEST - 1)];
	bool fatal = kind_is_fatal(r->kind);
	struct pt_regs captured;
	const struct pt_regs *regs = r->regs;

	if (!regs) {
		arch_capture_regs(&captured);
		regs = &captured;
	}
	if (fatal)
		WRITE_ONCE(oops_in_progress, 1);
	memset(req, 0, sizeof(*req));
	req->kind = r->kind;
	req->cpu = cpu;
	req->vector = r->vector;
	req->line = r->line;
	req->error_code = r->error_code;
	req->has_regs = 1;
	fill_regs(&req->regs, regs, r->regs ? r->cr2 : read_cr2());
	if (depth == 0)
		fill_frames(req, r, regs);
	strscpy_len(req->file, r->file ? r->file : "", sizeof(req->file));
	strscpy_len(req->msg, r->msg ? r->msg : "", sizeof(req->msg));
	hypercall(HC_PANIC, hc_gpa(req));
	if (fatal)
		halt_forever();	/* the VMM ends the run on a fatal report */
	report_depth[cpu]--;
	arch_local_irq_restore(flags);
}

static struct mv_hc_alloc_failure alloc_failure_req[NR_CPUS] __aligned(64);

void arch_report_alloc_failure(unsigned int order, gfp_t gfp, const char *comm)
{
	unsigned long flags = arch_local_irq_save();
	struct mv_hc_alloc_failure *req = &alloc_failure_req[raw_smp_processor_id()];

	req->order = order;
	req->gfp_mask = gfp;
	strscpy_len(req->comm, comm, sizeof(req->comm));
	hypercall(HC_ALLOC_FAILURE, hc_gpa(req));
	arch_local_irq_restore(flags);
}
