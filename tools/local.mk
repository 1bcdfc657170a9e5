# tools: the nested runner (QEMU TCG with a nested /dev/kvm) and setup.
NESTED_TOOLS = tools/nested/nested-run tools/nested/mkinitramfs \
	tools/nested/init tools/nested/kvm-test-wrapper tools/nested/selftest/kvmcheck.c
EXTRA_DIST += $(NESTED_TOOLS) tools/nested/README.md tools/setup tools/test-summary
