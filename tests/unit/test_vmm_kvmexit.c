// SPDX-License-Identifier: MIT
/*
 * The words vmm prints when KVM says the guest died (vmm/core/kvmexit.c) and
 * the vCPU event line of the crash dump (vmm/core/dump.c), fed with made-up
 * exits: the exits a given KVM never produces are checked here all the same.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/core/dump.h"
#include "../../vmm/core/kvmexit.h"

static struct kvm_run run;
static char buf[1024];

static void setup(void)
{
	memset(&run, 0, sizeof(run));
	memset(buf, 'x', sizeof(buf));
}

TestSuite(kvmexit, .init = setup);

#define expect_has(s, what) \
	cr_assert(strstr((s), (what)), "want '%s' in: %s", (what), (s))

static const char *describe(void)
{
	return kvmexit_describe(&run, buf, sizeof(buf));
}

static void emulation_failure(const uint8_t *insn, unsigned int len)
{
	run.exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run.emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run.emulation_failure.ndata = 3;
	run.emulation_failure.flags =
		KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
	run.emulation_failure.insn_size = len;
	memcpy(run.emulation_failure.insn_bytes, insn, len);
}

Test(kvmexit, shutdown_is_a_triple_fault)
{
	run.exit_reason = KVM_EXIT_SHUTDOWN;
	expect_has(describe(), "triple fault (KVM_EXIT_SHUTDOWN)");
}

Test(kvmexit, emulation_failure_on_int3_says_why)
{
	static const uint8_t insn[] = { 0xcc, 0xb8, 0x00 };

	emulation_failure(insn, sizeof(insn));
	describe();
	expect_has(buf, "KVM internal error (KVM_EXIT_INTERNAL_ERROR), suberror 1, KVM_INTERNAL_ERROR_EMULATION (emulation failure)");
	expect_has(buf, "bytes cc b8 00: int3: ");
	expect_has(buf, "cannot emulate int3 or int $n in 64-bit mode");
}

Test(kvmexit, emulation_failure_decodes_int_n_after_prefixes)
{
	static const uint8_t insn[] = { 0x66, 0x48, 0xcd, 0x80 };

	emulation_failure(insn, sizeof(insn));
	expect_has(describe(), "bytes 66 48 cd 80: int $0x80: ");
}

Test(kvmexit, emulation_failure_decodes_ud2)
{
	static const uint8_t insn[] = { 0x0f, 0x0b };

	emulation_failure(insn, sizeof(insn));
	describe();
	expect_has(buf, ": ud2");
	cr_assert_null(strstr(buf, "int $n"), "ud2 is not a software interrupt: %s",
		       buf);
}

Test(kvmexit, emulation_failure_without_bytes)
{
	run.exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run.internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run.internal.ndata = 0;
	expect_has(describe(), "KVM gave no instruction bytes");
}

Test(kvmexit, emulation_failure_debug_data_after_the_bytes)
{
	static const uint8_t insn[] = { 0xf4 };

	emulation_failure(insn, sizeof(insn));
	run.internal.ndata = 4;
	run.internal.data[3] = 0x1234;
	describe();
	expect_has(buf, ": hlt; KVM's debug data: 0x1234");
}

Test(kvmexit, insn_size_is_clamped)
{
	uint8_t insn[15];

	memset(insn, 0x90, sizeof(insn));
	emulation_failure(insn, sizeof(insn));
	run.emulation_failure.insn_size = 200;
	describe();
	expect_has(buf, "90 90 90 90 90 90 90 90 90 90 90 90 90 90 90: ");
}

Test(kvmexit, names_every_suberror)
{
	static const struct {
		uint32_t sub;
		const char *name;
	} subs[] = {
		{ 1, "KVM_INTERNAL_ERROR_EMULATION (emulation failure)" },
		{ 2, "KVM_INTERNAL_ERROR_SIMUL_EX (simultaneous exceptions)" },
		{ 3, "KVM_INTERNAL_ERROR_DELIVERY_EV" },
		{ 4, "KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON" },
		{ 99, "suberror 99, unknown to this vmm" },
	};

	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		setup();
		run.exit_reason = KVM_EXIT_INTERNAL_ERROR;
		run.internal.suberror = subs[i].sub;
		expect_has(describe(), subs[i].name);
	}
}

Test(kvmexit, delivery_event_names_the_vector)
{
	run.exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run.internal.suberror = KVM_INTERNAL_ERROR_DELIVERY_EV;
	run.internal.ndata = 2;
	run.internal.data[0] = (1ULL << 31) | (3 << 8) | 14;
	run.internal.data[1] = 0x30;
	describe();
	expect_has(buf, "while delivering vector 14 (exception #PF page fault)");
	expect_has(buf, "data: 0x8000030e 0x30");
}

Test(kvmexit, unexpected_exit_reason)
{
	run.exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run.internal.suberror = KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON;
	run.internal.ndata = 2;
	run.internal.data[0] = 0x7b;
	run.internal.data[1] = 3;
	expect_has(describe(), "hardware exit reason 0x7b on host CPU 3");
}

Test(kvmexit, fail_entry)
{
	run.exit_reason = KVM_EXIT_FAIL_ENTRY;
	run.fail_entry.hardware_entry_failure_reason = 0x80000021;
	run.fail_entry.cpu = 1;
	expect_has(describe(), "VM entry failed (KVM_EXIT_FAIL_ENTRY), hardware reason 0x80000021 (invalid guest state (Intel)) on host CPU 1");
	run.fail_entry.hardware_entry_failure_reason = ~0ULL;
	expect_has(describe(), "VMEXIT_INVALID");
}

Test(kvmexit, system_event_and_unknown_exits)
{
	run.exit_reason = KVM_EXIT_SYSTEM_EVENT;
	run.system_event.type = 3;
	expect_has(describe(), "system event 3, crash (KVM_EXIT_SYSTEM_EVENT)");
	run.exit_reason = KVM_EXIT_DEBUG;
	expect_has(describe(), "unexpected exit 4 (KVM_EXIT_DEBUG)");
	run.exit_reason = 9999;
	expect_has(describe(), "unexpected exit 9999 (unknown to this vmm)");
}

Test(kvmexit, truncates_into_small_buffers)
{
	static const uint8_t insn[] = { 0xcc };
	char small[16];

	emulation_failure(insn, sizeof(insn));
	kvmexit_describe(&run, small, sizeof(small));
	cr_assert_eq(strlen(small), sizeof(small) - 1);
	cr_assert_str_eq(small, "KVM internal er");
}

static char *events(const struct kvm_vcpu_events *ev)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	cr_assert_not_null(f);
	dump_events(f, ev);
	fclose(f);
	return out;
}

Test(kvmexit, events_show_pending_exception_and_triple_fault)
{
	struct kvm_vcpu_events ev;
	char *s;

	memset(&ev, 0, sizeof(ev));
	ev.exception.pending = 1;
	ev.exception.nr = 13;
	ev.exception.has_error_code = 1;
	ev.exception.error_code = 0x18;
	ev.flags = KVM_VCPUEVENT_VALID_TRIPLE_FAULT;
	ev.triple_fault.pending = 1;
	s = events(&ev);
	expect_has(s, "exception pending: vector 13 (#GP general protection) error code 0x18");
	expect_has(s, "triple fault PENDING");
	free(s);
	memset(&ev, 0, sizeof(ev));
	s = events(&ev);
	expect_has(s, "no exception");
	cr_assert_null(strstr(s, "triple fault"),
		       "without the flag KVM said nothing about it: %s", s);
	free(s);
}
