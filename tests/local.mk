# tests: Criterion suites. unit/ runs on the host; integration/ boots real
# guests and needs KVM: tests/run-test sends those through the nested runner
# when this host has no /dev/kvm (and reports them SKIPPED, exit 77, when it
# has neither KVM nor QEMU).

LOG_COMPILER = $(top_srcdir)/tests/run-test
AM_TESTS_ENVIRONMENT = \
	MEMVISOR_VMM='$(abs_top_builddir)/vmm/vmm'; \
	MEMVISOR_BUILD_TOP='$(abs_top_builddir)'; \
	MEMVISOR_SRC_TOP='$(abs_top_srcdir)'; \
	export MEMVISOR_VMM MEMVISOR_BUILD_TOP MEMVISOR_SRC_TOP;
EXTRA_DIST += tests/run-test

TEST_CFLAGS = -std=gnu11 $(WARN_CFLAGS) $(CRITERION_CFLAGS)
TEST_LIBS = $(CRITERION_LIBS)

# Unit tests: each engineer adds its own programs below.
