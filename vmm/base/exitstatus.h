/* SPDX-License-Identifier: MIT */
/*
 * vmm's exit statuses. Scripts and the integration tests depend on them, and
 * `vmm --help` repeats this table.
 *
 *   0..255  the guest's own HC_SHUTDOWN code, passed through (a 32-bit value
 *           above 255 becomes 255); codes 0-63 are the guest's own
 *           (0 = success)
 *   1       host or setup error: no /dev/kvm, an ioctl or mmap failed
 *   2       usage error: bad arguments, a --kernel that cannot be loaded,
 *           a --test GLOB (or ktest=GLOB) that matches no in-guest test
 *   3       the guest crashed: CPU exception, triple fault, KVM internal
 *           error, access to an unknown port or MMIO address, panic(), BUG(),
 *           a guest assertion outside a test, a hypercall protocol violation
 *   4       --timeout expired
 *   5       in-guest tests failed: the VMM's own count found a failed or
 *           missing test, whatever code the guest shut down with (the
 *           guest's runner itself says 5, MV_SHUTDOWN_TESTS_FAILED)
 *   130     SIGINT  (128 + 2)
 *   143     SIGTERM (128 + 15)
 *
 * A guest code can equal one of the VMM's own statuses; when the VMM ends
 * the run itself it always says why in a "vmm: " line on stderr.
 */
#ifndef VMM_EXITSTATUS_H
#define VMM_EXITSTATUS_H

enum vmm_exit_status {
	VMM_EXIT_OK = 0,
	VMM_EXIT_HOST = 1,
	VMM_EXIT_USAGE = 2,
	VMM_EXIT_CRASH = 3,
	VMM_EXIT_TIMEOUT = 4,
	VMM_EXIT_TESTS = 5,
	VMM_EXIT_SIGINT = 130,
	VMM_EXIT_SIGTERM = 143,
};

#define VMM_GUEST_CODE_MAX	255

#endif
