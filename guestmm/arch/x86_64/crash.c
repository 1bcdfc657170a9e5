// SPDX-License-Identifier: MIT
/*
 * crash=KIND: fail on purpose, so the VMM's tests can check that each kind
 * of failure ends the run with the right status and report. For pf the
 * guest first prints the RIP and CR2 the report must carry.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/ktest.h>
#include <linux/string.h>
#include <asm/fixmap.h>
#include <asm/io.h>
#include <asm/pgtable.h>
#include <memvisor/hypercall.h>

/* Run by kernel_init once every CPU is up; returns only for non-fatal kinds. */
void crash_run(void);

static const char *crash_kind;

static int __init_crash(char *val)
{
	crash_kind = val;
	return 0;
}
__setup("crash=", __init_crash);

/* A page we never map, checked: the fault must be a clean not-present #PF. */
static unsigned long unmapped_address(void)
{
	unsigned long va = fix_to_virt(FIX_CRASH_PROBE);
	enum pg_level level;

	if (lookup_address(va, &level))
		panic("crash: the probe page %#lx is mapped", va);
	return va;
}

extern const char crash_pf_insn[], crash_gp_insn[], crash_ud_insn[];

static noinline void crash_pf(void)
{
	unsigned long va = unmapped_address() + 0x2a8;

	pr_emerg("crash: faulting at rip=%#lx cr2=%#lx\n",
		 (unsigned long)crash_pf_insn, va);
	__asm__ __volatile__(".globl crash_pf_insn\n"
			     "crash_pf_insn: movq $0x2a, (%0)"
			     : : "r"(va) : "memory");
}

static noinline void crash_gp(void)
{
	unsigned long va = 0x8000000000000000UL;	/* non-canonical */

	pr_emerg("crash: general protection fault at rip=%#lx\n",
		 (unsigned long)crash_gp_insn);
	__asm__ __volatile__(".globl crash_gp_insn\n"
			     "crash_gp_insn: movq (%0), %0"
			     : "+r"(va) : : "memory");
}

static noinline void crash_ud(void)
{
	pr_emerg("crash: invalid opcode at rip=%#lx\n",
		 (unsigned long)crash_ud_insn);
	__asm__ __volatile__(".globl crash_ud_insn\n"
			     "crash_ud_insn: ud2");
}

/* A push onto an unmapped stack: the #PF can't be delivered either -> #DF. */
static noinline void crash_df(void)
{
	unsigned long sp = unmapped_address() + PAGE_SIZE;

	pr_emerg("crash: double fault: stack pointer %#lx is unmapped\n", sp);
	__asm__ __volatile__("movq %0, %%rsp\n\t"
			     "pushq $0"
			     : : "r"(sp) : "memory");
}

/* A port no device or hypercall owns: the VMM must not ignore it. */
static noinline void crash_port(void)
{
	u16 port = MV_HC_PORT(HC_NR);

	pr_emerg("crash: writing to unassigned I/O port %#x\n", port);
	outl(0xdeadbeef, port);
}

static const struct {
	const char *name;
	void (*fn)(void);
} crash_kinds[] = {
	{ "pf", crash_pf },
	{ "gp", crash_gp },
	{ "ud", crash_ud },
	{ "df", crash_df },
	{ "port", crash_port },
};

void crash_run(void)
{
	if (!crash_kind)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(crash_kinds); i++) {
		if (!strcmp(crash_kind, crash_kinds[i].name)) {
			crash_kinds[i].fn();
			pr_err("crash=%s: still running after the fault\n", crash_kind);
			return;
		}
	}
	if (!strcmp(crash_kind, "bug"))
		BUG();
	if (!strcmp(crash_kind, "panic"))
		panic("crash=panic requested on the command line");
	if (!strcmp(crash_kind, "warn")) {
		bool warn_requested = true;

		WARN_ON(warn_requested);	/* reported; the guest goes on */
		return;
	}
	if (!strcmp(crash_kind, "assert"))
		GUEST_ASSERT(!crash_kind);
	pr_err("crash=%s: unknown kind (pf gp ud df bug panic warn assert port)\n",
	       crash_kind);
}
