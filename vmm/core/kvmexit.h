/* SPDX-License-Identifier: MIT */
/*
 * The exits by which KVM says a guest died (KVM_EXIT_SHUTDOWN,
 * KVM_EXIT_INTERNAL_ERROR of every suberror, KVM_EXIT_FAIL_ENTRY,
 * KVM_EXIT_SYSTEM_EVENT, ...), in words. Pure: it only reads a struct
 * kvm_run, so the unit tests can feed it any exit.
 */
#ifndef VMM_KVMEXIT_H
#define VMM_KVMEXIT_H

#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

/* Older headers lack these; their values are ABI. */
#ifndef KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON
#define KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON	4
#endif
#ifndef KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES
#define KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES	(1ULL << 0)
#endif

/*
 * "KVM_INTERNAL_ERROR_EMULATION (emulation failure)" etc., or NULL for a
 * suberror this vmm does not know.
 */
const char *kvmexit_suberror_name(uint32_t suberror);

/*
 * Names the instruction in @bytes (@len of them, legacy and REX prefixes
 * skipped): "int3", "int $0x80", "ud2", ... and, for the ones an
 * emulating KVM cannot run, why. Writes at most @size bytes to @buf (always
 * NUL-terminated); returns @buf.
 */
char *kvmexit_decode_insn(const uint8_t *bytes, unsigned int len, char *buf,
			  size_t size);

/*
 * Why @run's exit ended the guest, as one line without the trailing
 * newline: the exit's name, its reason and the data KVM gave (decoded
 * where this vmm knows its layout). Writes at most @size bytes to @buf
 * (always NUL-terminated); returns @buf.
 */
char *kvmexit_describe(const struct kvm_run *run, char *buf, size_t size);

#endif
