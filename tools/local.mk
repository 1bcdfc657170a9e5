# tools: the nested runner (QEMU TCG with a nested /dev/kvm) and setup.
NESTED_TOOLS = tools/nested/nested-run tools/nested/mkinitramfs \
	tools/nested/init tools/nested/kvm-test-wrapper tools/nested/selftest/kvmcheck.c
EXTRA_DIST += $(NESTED_TOOLS) tools/nested/README.md tools/setup tools/test-summary \
	tools/rooms

# make soak: the nested runner's hang count over SOAK_SESSIONS sessions of
# what CI does (short boots, crash fixtures, a 4-vCPU suite, a Criterion
# program), one at a time and with no retry; see tools/nested/soak.
EXTRA_DIST += tools/nested/soak
SOAK_SESSIONS = 100
soak: vmm/vmm tests/integration/test_guest_core \
		tests/unit/fixtures/panic.elf tests/unit/fixtures/triple.elf
	$(srcdir)/tools/nested/soak --sessions $(SOAK_SESSIONS) \
		--build-top $(abs_top_builddir)
.PHONY: soak
