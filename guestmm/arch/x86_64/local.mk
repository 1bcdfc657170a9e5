# guestmm/arch/x86_64: entry, descriptor tables, exceptions and interrupts,
# local APIC and tick, SMP bring-up, context switch, console and reports to
# the VMM, kernel page tables. Guest only.
guestmm_guestmm_elf_SOURCES += \
	guestmm/arch/x86_64/head.S \
	guestmm/arch/x86_64/head64.c \
	guestmm/arch/x86_64/setup.c \
	guestmm/arch/x86_64/cpu.c \
	guestmm/arch/x86_64/cpufeature.c \
	guestmm/arch/x86_64/idt.c \
	guestmm/arch/x86_64/entry.S \
	guestmm/arch/x86_64/traps.c \
	guestmm/arch/x86_64/irq.c \
	guestmm/arch/x86_64/apic.c \
	guestmm/arch/x86_64/apic_timer.c \
	guestmm/arch/x86_64/tsc.c \
	guestmm/arch/x86_64/smpboot.c \
	guestmm/arch/x86_64/process.c \
	guestmm/arch/x86_64/switch_to.S \
	guestmm/arch/x86_64/hypercall.c \
	guestmm/arch/x86_64/console.c \
	guestmm/arch/x86_64/panic_report.c \
	guestmm/arch/x86_64/regs.S \
	guestmm/arch/x86_64/stacktrace.c \
	guestmm/arch/x86_64/pgtable.c \
	guestmm/arch/x86_64/pagewalk_test.c \
	guestmm/arch/x86_64/tlb.c \
	guestmm/arch/x86_64/extable.c \
	guestmm/arch/x86_64/crash.c

EXTRA_DIST += guestmm/arch/x86_64/include
# Headers shared with C hide their C parts from the assembler.
guestmm_guestmm_elf_CCASFLAGS += -D__ASSEMBLY__
