/* SPDX-License-Identifier: MIT */
/*
 * Guest -> VMM hypercalls.
 *
 * A hypercall is one `outl` to port MV_HC_PORT_BASE + nr. The 32-bit value
 * written is the guest-physical address of the request struct (which must lie
 * below 4 GiB: the guest keeps them in its image's .bss, one per CPU), except
 * where a call says otherwise. Port I/O, not MMIO: nested under TCG's SVM an
 * MMIO exit costs an instruction decode, a port exit does not.
 *
 * The VMM trusts nothing in a request: it bounds-checks the address, the
 * struct and every length, and NUL-terminates every string it copies out.
 */
#ifndef MEMVISOR_HYPERCALL_H
#define MEMVISOR_HYPERCALL_H

#include <memvisor/types.h>

#define MV_HC_PORT_BASE		0x0500
#define MV_HC_PORT(nr)		(MV_HC_PORT_BASE + (nr))

enum mv_hypercall {
	HC_CONSOLE = 0,		/* value: gpa of struct mv_hc_console */
	HC_SHUTDOWN = 1,	/* value: exit code (0..255) */
	HC_PANIC = 2,		/* value: gpa of struct mv_hc_panic */
	HC_CPU_UP = 3,		/* value: index of the vCPU to start */
	HC_TEST = 4,		/* value: gpa of struct mv_hc_test */
	/* 5: HC_MMINFO, retired: the VMM reads the image's DWARF (issue 15) */
	HC_ALLOC_FAILURE = 6,	/* value: gpa of struct mv_hc_alloc_failure */
	HC_MODULE = 7,		/* value: gpa of struct mv_hc_module (module.h) */
	HC_ALLOC_RING = 8,	/* value: gpa of struct mv_hc_alloc (allocreq.h) */
	HC_NR
};

/*
 * HC_SHUTDOWN codes of the guest's test runner (ktest=GLOB): the numbers vmm
 * itself exits with for the same outcomes (vmm/base/exitstatus.h), so that a
 * guest run without vmm's own count says the same thing.
 */
#define MV_SHUTDOWN_NO_TESTS		2	/* GLOB matched no case */
#define MV_SHUTDOWN_TESTS_FAILED	5	/* a case failed */

#define MV_HC_CONSOLE_MAX	1024

struct mv_hc_console {
	mv_u32 len;			/* bytes used in data[] */
	mv_u32 level;			/* printk level 0..7 */
	char data[MV_HC_CONSOLE_MAX];
};

/* General-purpose registers as an exception frame holds them. */
struct mv_regs {
	mv_u64 rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	mv_u64 r8, r9, r10, r11, r12, r13, r14, r15;
	mv_u64 rip, rflags, cs, ss;
	mv_u64 cr0, cr2, cr3, cr4;
};

enum mv_panic_kind {
	MV_PANIC_PANIC = 0,	/* panic(): fatal */
	MV_PANIC_BUG = 1,	/* BUG()/BUG_ON(): fatal */
	MV_PANIC_EXCEPTION = 2,	/* unhandled CPU exception: fatal */
	MV_PANIC_WARN = 3,	/* WARN_ON(): reported, the guest goes on */
	MV_PANIC_SLEEP_BUG = 4,	/* might_sleep() in atomic context: reported */
};

#define MV_PANIC_MSG_MAX	256
#define MV_PANIC_FILE_MAX	128
#define MV_PANIC_FRAMES		16

struct mv_hc_panic {
	mv_u32 kind;		/* enum mv_panic_kind */
	mv_u32 cpu;
	mv_u32 vector;		/* for MV_PANIC_EXCEPTION */
	mv_u32 line;
	mv_u64 error_code;
	mv_u32 has_regs;
	mv_u32 nr_frames;
	struct mv_regs regs;
	mv_u64 frames[MV_PANIC_FRAMES];	/* return addresses, innermost first */
	char file[MV_PANIC_FILE_MAX];
	char msg[MV_PANIC_MSG_MAX];
};

/* A page allocation failed (and would warn: no __GFP_NOWARN). */
#define MV_HC_COMM_MAX		16

struct mv_hc_alloc_failure {
	mv_u32 order;
	mv_u32 gfp_mask;
	char comm[MV_HC_COMM_MAX];	/* the allocating task */
};

/* In-guest tests (ktest) and guest assertions, reported as they happen. */
enum mv_test_event {
	MV_TEST_PLAN = 0,	/* index = number of tests chosen */
	MV_TEST_BEGIN = 1,	/* name = "suite.case" */
	MV_TEST_ASSERT = 2,	/* a failed assertion: file, line, msg */
	MV_TEST_END = 3,	/* status = enum mv_test_status */
	MV_TEST_DONE = 4,	/* every chosen test ran */
	MV_TEST_DIAG = 5,	/* msg is a diagnostic line */
};

enum mv_test_status {
	MV_TEST_PASS = 0,
	MV_TEST_FAIL = 1,
	MV_TEST_SKIP = 2,
};

#define MV_TEST_NAME_MAX	96
#define MV_TEST_FILE_MAX	128
#define MV_TEST_MSG_MAX		256

struct mv_hc_test {
	mv_u32 event;		/* enum mv_test_event */
	mv_u32 index;		/* 1-based test number, or the plan count */
	mv_u32 status;		/* enum mv_test_status, for MV_TEST_END */
	mv_u32 line;
	char name[MV_TEST_NAME_MAX];
	char file[MV_TEST_FILE_MAX];
	char msg[MV_TEST_MSG_MAX];
};

#endif
