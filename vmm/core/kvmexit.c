// SPDX-License-Identifier: MIT
/* The exits by which KVM says a guest died, in words. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "dump.h"
#include "kvmexit.h"
#include "report.h"

/* A bounded, always NUL-terminated append buffer. */
struct sbuf {
	char *buf;
	size_t size;
	size_t pos;
};

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->pos + 1 >= sb->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->pos, sb->size - sb->pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb->pos += (size_t)n;
	if (sb->pos >= sb->size)
		sb->pos = sb->size - 1;
}

static void sb_init(struct sbuf *sb, char *buf, size_t size)
{
	sb->buf = buf;
	sb->size = size;
	sb->pos = 0;
	if (size)
		buf[0] = '\0';
}

const char *kvmexit_suberror_name(uint32_t suberror)
{
	switch (suberror) {
	case KVM_INTERNAL_ERROR_EMULATION:
		return "KVM_INTERNAL_ERROR_EMULATION (emulation failure)";
	case KVM_INTERNAL_ERROR_SIMUL_EX:
		return "KVM_INTERNAL_ERROR_SIMUL_EX (simultaneous exceptions)";
	case KVM_INTERNAL_ERROR_DELIVERY_EV:
		return "KVM_INTERNAL_ERROR_DELIVERY_EV (a VM exit while delivering an event)";
	case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON:
		return "KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON (a hardware exit KVM does not handle)";
	}
	return NULL;
}

static bool is_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	}
	return (b & 0xf0) == 0x40;	/* REX */
}

/* KVM's emulator has no software-interrupt delivery in 64-bit mode. */
#define NO_SOFT_INT	": this KVM interprets guest kernel code and cannot emulate int3 or int $n in 64-bit mode (a KVM running it natively raises the exception); crash with ud2 or a real fault instead"

static void decode_0f(struct sbuf *sb, const uint8_t *p, unsigned int n)
{
	if (n < 2) {
		sb_printf(sb, "a truncated two-byte opcode");
		return;
	}
	switch (p[1]) {
	case 0x0b:
		sb_printf(sb, "ud2 (invalid opcode on purpose)");
		return;
	case 0x01:
		sb_printf(sb, "a system instruction (0f 01 /%u: lgdt, lidt, invlpg, ...)",
			  n > 2 ? (p[2] >> 3) & 7 : 0);
		return;
	case 0x05:
		sb_printf(sb, "syscall");
		return;
	case 0x07:
		sb_printf(sb, "sysret");
		return;
	case 0x30:
		sb_printf(sb, "wrmsr");
		return;
	case 0x32:
		sb_printf(sb, "rdmsr");
		return;
	case 0xa2:
		sb_printf(sb, "cpuid");
		return;
	}
	sb_printf(sb, "an instruction this vmm does not decode (opcode 0f %02x)",
		  p[1]);
}

static void decode(struct sbuf *sb, const uint8_t *p, unsigned int n)
{
	while (n && is_prefix(*p))
		p++, n--;
	if (!n) {
		sb_printf(sb, "prefixes only");
		return;
	}
	switch (p[0]) {
	case 0xcc:
		sb_printf(sb, "int3" NO_SOFT_INT);
		return;
	case 0xcd:
		if (n > 1)
			sb_printf(sb, "int $%#x" NO_SOFT_INT, p[1]);
		else
			sb_printf(sb, "int $n" NO_SOFT_INT);
		return;
	case 0xf1:
		sb_printf(sb, "int1 (icebp)" NO_SOFT_INT);
		return;
	case 0xce:
		sb_printf(sb, "into (invalid in 64-bit mode)");
		return;
	case 0xcf:
		sb_printf(sb, "iret");
		return;
	case 0xf4:
		sb_printf(sb, "hlt");
		return;
	case 0x0f:
		decode_0f(sb, p, n);
		return;
	}
	sb_printf(sb, "an instruction this vmm does not decode (opcode %02x)",
		  p[0]);
}

char *kvmexit_decode_insn(const uint8_t *bytes, unsigned int len, char *buf,
			  size_t size)
{
	struct sbuf sb;

	sb_init(&sb, buf, size);
	decode(&sb, bytes, len);
	return buf;
}

static unsigned int internal_ndata(const struct kvm_run *run)
{
	unsigned int max = sizeof(run->internal.data) /
			   sizeof(run->internal.data[0]);

	return run->internal.ndata < max ? run->internal.ndata : max;
}

static void raw_data(struct sbuf *sb, const struct kvm_run *run,
		     unsigned int from, const char *label)
{
	unsigned int i, n = internal_ndata(run);

	if (from >= n)
		return;
	sb_printf(sb, "; %s:", label);
	for (i = from; i < n; i++)
		sb_printf(sb, " 0x%llx",
			  (unsigned long long)run->internal.data[i]);
}

/* suberror 1: the instruction bytes, when KVM gives them (flags bit 0). */
static void emulation_failure(struct sbuf *sb, const struct kvm_run *run)
{
	const uint8_t *insn = run->emulation_failure.insn_bytes;
	unsigned int i, len = run->emulation_failure.insn_size;

	if (internal_ndata(run) < 3 ||
	    !(run->emulation_failure.flags &
	      KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
		sb_printf(sb, ": KVM's instruction emulator could not run the instruction at RIP (KVM gave no instruction bytes)");
		raw_data(sb, run, 0, "data");
		return;
	}
	if (len > sizeof(run->emulation_failure.insn_bytes))
		len = sizeof(run->emulation_failure.insn_bytes);
	sb_printf(sb, ": KVM's instruction emulator could not run the instruction at RIP, bytes");
	for (i = 0; i < len; i++)
		sb_printf(sb, " %02x", insn[i]);
	sb_printf(sb, ": ");
	decode(sb, insn, len);
	raw_data(sb, run, 3, "KVM's debug data");
}

/*
 * VMX's IDT-vectoring information and SVM's EXITINTINFO share their low
 * bits: vector 7:0, type 10:8, valid 31.
 */
static void delivery_event(struct sbuf *sb, const struct kvm_run *run)
{
	static const char *const types[8] = {
		"external interrupt", "?", "NMI", "exception",
		"software interrupt", "privileged software exception",
		"software exception", "other event",
	};
	uint64_t info = run->internal.data[0];
	unsigned int vector = info & 0xff, type = (info >> 8) & 7;

	if (internal_ndata(run) && (info & (1ULL << 31))) {
		sb_printf(sb, ": while delivering vector %u (%s", vector,
			  types[type]);
		if (type == 3 || type == 6)
			sb_printf(sb, " %s %s", report_vector_mnemonic(vector),
				  report_vector_name(vector));
		sb_printf(sb, ")");
	}
	raw_data(sb, run, 0, "data");
}

static void internal_error(struct sbuf *sb, const struct kvm_run *run)
{
	uint32_t sub = run->internal.suberror;
	const char *name = kvmexit_suberror_name(sub);

	sb_printf(sb, "KVM internal error (KVM_EXIT_INTERNAL_ERROR), suberror %u, %s",
		  sub, name ? name : "unknown to this vmm");
	switch (sub) {
	case KVM_INTERNAL_ERROR_EMULATION:
		emulation_failure(sb, run);
		return;
	case KVM_INTERNAL_ERROR_DELIVERY_EV:
		delivery_event(sb, run);
		return;
	case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON:
		if (internal_ndata(run) >= 2)
			sb_printf(sb, ": hardware exit reason 0x%llx on host CPU %llu",
				  (unsigned long long)run->internal.data[0],
				  (unsigned long long)run->internal.data[1]);
		raw_data(sb, run, 2, "more data");
		return;
	}
	raw_data(sb, run, 0, "data");
}

static const char *entry_failure(uint64_t reason)
{
	if (reason == 0xffffffffffffffffULL || reason == 0xffffffffULL)
		return "VMEXIT_INVALID: the VMCB's guest state is invalid (AMD)";
	if (!(reason & (1ULL << 31)))
		return NULL;
	switch (reason & 0xffff) {
	case 33:
		return "invalid guest state (Intel)";
	case 34:
		return "MSR loading failed (Intel)";
	case 41:
		return "machine-check event (Intel)";
	}
	return NULL;
}

static void fail_entry(struct sbuf *sb, const struct kvm_run *run)
{
	uint64_t reason = run->fail_entry.hardware_entry_failure_reason;
	const char *why = entry_failure(reason);

	sb_printf(sb, "VM entry failed (KVM_EXIT_FAIL_ENTRY), hardware reason 0x%llx%s%s%s on host CPU %u",
		  (unsigned long long)reason, why ? " (" : "", why ? why : "",
		  why ? ")" : "", run->fail_entry.cpu);
}

static const char *system_event_name(uint32_t type)
{
	static const char *const names[] = {
		[1] = "shutdown", [2] = "reset", [3] = "crash",
		[4] = "wakeup", [5] = "suspend", [6] = "SEV termination",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "unknown to this vmm";
}

char *kvmexit_describe(const struct kvm_run *run, char *buf, size_t size)
{
	const char *name;
	struct sbuf sb;

	sb_init(&sb, buf, size);
	switch (run->exit_reason) {
	case KVM_EXIT_SHUTDOWN:
		sb_printf(&sb, "triple fault (KVM_EXIT_SHUTDOWN): an exception the guest could not handle, or one raised while delivering another");
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		internal_error(&sb, run);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		fail_entry(&sb, run);
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		sb_printf(&sb, "system event %u, %s (KVM_EXIT_SYSTEM_EVENT)",
			  run->system_event.type,
			  system_event_name(run->system_event.type));
		break;
	case KVM_EXIT_HLT:
		sb_printf(&sb, "HLT exit (KVM_EXIT_HLT), unexpected with the in-kernel irqchip");
		break;
	default:
		name = dump_exit_name(run->exit_reason);
		sb_printf(&sb, "unexpected exit %u (%s)", run->exit_reason,
			  name ? name : "unknown to this vmm");
	}
	return buf;
}
