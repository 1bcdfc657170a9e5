# tests: Criterion suites. unit/ runs on the host; integration/ boots real
# guests and needs KVM: tests/run-test sends those through the nested runner
# when this host has no /dev/kvm (and reports them SKIPPED, exit 77, when it
# has neither KVM nor QEMU).

LOG_COMPILER = $(top_srcdir)/tests/run-test
AM_TESTS_ENVIRONMENT = \
	MEMVISOR_VMM='$(abs_top_builddir)/vmm/vmm'; \
	MEMVISOR_BUILD_TOP='$(abs_top_builddir)'; \
	MEMVISOR_SRC_TOP='$(abs_top_srcdir)'; \
	: $${MEMVISOR_QEMU_PYTHON:=$${XDG_CACHE_HOME:-$$HOME/.cache}/memvisor/qemu-python}; \
	export MEMVISOR_QEMU_PYTHON; \
	CRITERION_VERBOSITY_LEVEL=1; \
	export MEMVISOR_VMM MEMVISOR_BUILD_TOP MEMVISOR_SRC_TOP \
		CRITERION_VERBOSITY_LEVEL;
EXTRA_DIST += tests/run-test

TEST_CFLAGS = -std=gnu11 $(WARN_CFLAGS) $(CRITERION_CFLAGS)
TEST_LIBS = $(CRITERION_LIBS)

# Unit tests: each engineer adds its own programs below.

# --- vmm unit tests (owner: vmm) ---------------------------------------------
VMM_UNIT_TESTS = tests/unit/test_vmm_args tests/unit/test_vmm_memmap \
	tests/unit/test_vmm_gmem tests/unit/test_vmm_loader \
	tests/unit/test_vmm_hypercall tests/unit/test_vmm_kvmexit \
	tests/unit/test_vmm_pagewalk tests/unit/test_vmm_pagewalk_guest \
	tests/unit/test_vmm_translate tests/unit/test_vmm_dmadev \
	tests/unit/test_vmm_ksyms tests/unit/test_vmm_ctlmux \
	tests/unit/test_vmm_guest_str tests/unit/test_vmm_modules \
	tests/unit/test_vmm_alloc tests/unit/test_vmm_fail
check_PROGRAMS += $(VMM_UNIT_TESTS)
TESTS += $(VMM_UNIT_TESTS)
VMM_TEST_LDADD = vmm/libvmm.a $(JANSSON_LIBS) $(LIBDW_LIBS) $(TEST_LIBS)
# vmm's headers include each other by bare name across its rooms
VMM_TEST_CPPFLAGS = $(AM_CPPFLAGS) $(VMM_ROOM_CPPFLAGS)

tests_unit_test_vmm_modules_SOURCES = tests/unit/test_vmm_modules.c
tests_unit_test_vmm_modules_CFLAGS = $(TEST_CFLAGS) -pthread $(JANSSON_CFLAGS)
tests_unit_test_vmm_modules_CPPFLAGS = $(VMM_TEST_CPPFLAGS) -I$(srcdir)/vmm/control
tests_unit_test_vmm_modules_LDADD = $(VMM_TEST_LDADD)
tests_unit_test_vmm_modules_LDFLAGS = -pthread

tests_unit_test_vmm_alloc_SOURCES = tests/unit/test_vmm_alloc.c
tests_unit_test_vmm_alloc_CFLAGS = $(TEST_CFLAGS) -pthread $(JANSSON_CFLAGS)
tests_unit_test_vmm_alloc_CPPFLAGS = $(VMM_TEST_CPPFLAGS) -I$(srcdir)/vmm/control \
	-I$(srcdir)/devices
tests_unit_test_vmm_alloc_LDADD = $(VMM_TEST_LDADD)
tests_unit_test_vmm_alloc_LDFLAGS = -pthread

tests_unit_test_vmm_fail_SOURCES = tests/unit/test_vmm_fail.c
tests_unit_test_vmm_fail_CFLAGS = $(TEST_CFLAGS) -pthread $(JANSSON_CFLAGS)
tests_unit_test_vmm_fail_CPPFLAGS = $(VMM_TEST_CPPFLAGS) -I$(srcdir)/vmm/control
tests_unit_test_vmm_fail_LDADD = $(VMM_TEST_LDADD)
tests_unit_test_vmm_fail_LDFLAGS = -pthread

tests_unit_test_vmm_pagewalk_SOURCES = tests/unit/test_vmm_pagewalk.c
tests_unit_test_vmm_pagewalk_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_vmm_pagewalk_CPPFLAGS = $(AM_CPPFLAGS) $(VMM_ROOM_CPPFLAGS)
tests_unit_test_vmm_pagewalk_LDADD = $(VMM_TEST_LDADD)
# The walk over tables built by the guest's own arch/x86_64/pgtable.c,
# compiled for the host; tests/unit/guest_pgtable/ fakes CR3, MSRs, the
# direct map (its asm/ headers come before arch/hosted's).
tests_unit_test_vmm_pagewalk_guest_SOURCES = \
	tests/unit/test_vmm_pagewalk_guest.c guestmm/arch/x86_64/pgtable.c
tests_unit_test_vmm_pagewalk_guest_CFLAGS = $(TEST_CFLAGS) \
	-fno-strict-aliasing -pthread
tests_unit_test_vmm_pagewalk_guest_CPPFLAGS = \
	-I$(top_srcdir)/tests/unit/guest_pgtable $(HOSTED_CPPFLAGS) \
	$(VMM_ROOM_CPPFLAGS)
tests_unit_test_vmm_pagewalk_guest_LDADD = vmm/libvmm.a \
	guestmm/libmm_hosted.a $(JANSSON_LIBS) $(LIBDW_LIBS) $(TEST_LIBS)
EXTRA_DIST += tests/unit/guest_pgtable
# The address-space QMP commands on a VM with no vCPUs and fake RAM.
tests_unit_test_vmm_translate_SOURCES = tests/unit/test_vmm_translate.c
tests_unit_test_vmm_translate_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_vmm_translate_CPPFLAGS = $(AM_CPPFLAGS) $(VMM_ROOM_CPPFLAGS) \
	-I$(srcdir)/vmm/control $(JANSSON_CFLAGS)
tests_unit_test_vmm_translate_LDADD = $(VMM_TEST_LDADD)
# The DMA engine's model over fake guest memory, its thread running.
tests_unit_test_vmm_dmadev_SOURCES = tests/unit/test_vmm_dmadev.c
tests_unit_test_vmm_dmadev_CFLAGS = $(TEST_CFLAGS) -pthread
tests_unit_test_vmm_dmadev_CPPFLAGS = $(AM_CPPFLAGS) $(VMM_ROOM_CPPFLAGS) \
	-I$(srcdir)/devices
tests_unit_test_vmm_dmadev_LDADD = $(VMM_TEST_LDADD) -lpthread
# The nested control link: its frames, and two endpoints over a socketpair
# with a local server, on threads.
tests_unit_test_vmm_ctlmux_SOURCES = tests/unit/test_vmm_ctlmux.c
tests_unit_test_vmm_ctlmux_CFLAGS = $(TEST_CFLAGS) -pthread
tests_unit_test_vmm_ctlmux_CPPFLAGS = $(VMM_TEST_CPPFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_vmm_ctlmux_LDADD = $(VMM_TEST_LDADD) -lpthread
tests_unit_test_vmm_args_SOURCES = tests/unit/test_vmm_args.c
tests_unit_test_vmm_args_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_vmm_args_CPPFLAGS = $(VMM_TEST_CPPFLAGS)
tests_unit_test_vmm_args_LDADD = $(VMM_TEST_LDADD)
tests_unit_test_vmm_memmap_SOURCES = tests/unit/test_vmm_memmap.c
tests_unit_test_vmm_memmap_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_vmm_memmap_CPPFLAGS = $(VMM_TEST_CPPFLAGS)
tests_unit_test_vmm_memmap_LDADD = $(VMM_TEST_LDADD)
tests_unit_test_vmm_gmem_SOURCES = tests/unit/test_vmm_gmem.c
tests_unit_test_vmm_gmem_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_vmm_gmem_CPPFLAGS = $(VMM_TEST_CPPFLAGS)
tests_unit_test_vmm_gmem_LDADD = $(VMM_TEST_LDADD)
tests_unit_test_vmm_loader_SOURCES = tests/unit/test_vmm_loader.c
tests_unit_test_vmm_loader_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_vmm_loader_CPPFLAGS = $(VMM_TEST_CPPFLAGS)
tests_unit_test_vmm_loader_LDADD = $(VMM_TEST_LDADD)
EXTRA_tests_unit_test_vmm_loader_DEPENDENCIES = \
	tests/unit/fixtures/hello_at_1000.elf \
	tests/unit/fixtures/hello_at_10000.elf
# The kernel's symbols, from the real guestmm.elf and broken copies of it.
tests_unit_test_vmm_ksyms_SOURCES = tests/unit/test_vmm_ksyms.c
tests_unit_test_vmm_ksyms_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_vmm_ksyms_CPPFLAGS = $(VMM_TEST_CPPFLAGS)
tests_unit_test_vmm_ksyms_LDADD = $(VMM_TEST_LDADD)
EXTRA_tests_unit_test_vmm_ksyms_DEPENDENCIES = guestmm/guestmm.elf
tests_unit_test_vmm_hypercall_SOURCES = tests/unit/test_vmm_hypercall.c
tests_unit_test_vmm_hypercall_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_vmm_hypercall_CPPFLAGS = $(VMM_TEST_CPPFLAGS)
tests_unit_test_vmm_hypercall_LDADD = $(VMM_TEST_LDADD)
# Guest strings into valid UTF-8 (vmm/control/guest_str.c).
tests_unit_test_vmm_guest_str_SOURCES = tests/unit/test_vmm_guest_str.c
tests_unit_test_vmm_guest_str_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_vmm_guest_str_CPPFLAGS = $(VMM_TEST_CPPFLAGS) -I$(srcdir)/vmm/control
tests_unit_test_vmm_guest_str_LDADD = $(VMM_TEST_LDADD)
tests_unit_test_vmm_kvmexit_SOURCES = tests/unit/test_vmm_kvmexit.c
tests_unit_test_vmm_kvmexit_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_vmm_kvmexit_CPPFLAGS = $(VMM_TEST_CPPFLAGS)
tests_unit_test_vmm_kvmexit_LDADD = $(VMM_TEST_LDADD)

# Tiny test kernels for vmm, built by `make check`; the integration suite
# tests/integration/test_vmm_boot boots them under KVM.
VMM_FIXTURE_LDS = $(top_srcdir)/tests/unit/fixtures/fixture.lds
VMM_FIXTURE_LINK = -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096 -Wl,-T,$(VMM_FIXTURE_LDS)
VMM_FIXTURES = tests/unit/fixtures/hello.elf tests/unit/fixtures/smp.elf \
	tests/unit/fixtures/badcpu.elf tests/unit/fixtures/badport.elf \
	tests/unit/fixtures/mmio.elf tests/unit/fixtures/triple.elf \
	tests/unit/fixtures/hang.elf tests/unit/fixtures/panic.elf \
	tests/unit/fixtures/ktest.elf tests/unit/fixtures/misc.elf \
	tests/unit/fixtures/hello_at_1000.elf \
	tests/unit/fixtures/hello_at_10000.elf \
	tests/unit/fixtures/int3.elf
check_PROGRAMS += $(VMM_FIXTURES)
EXTRA_DIST += tests/unit/fixtures/fixture.h $(VMM_FIXTURE_LDS)

tests_unit_fixtures_hello_elf_SOURCES = tests/unit/fixtures/hello.S
tests_unit_fixtures_hello_elf_LDFLAGS = $(VMM_FIXTURE_LINK)
EXTRA_tests_unit_fixtures_hello_elf_DEPENDENCIES = $(VMM_FIXTURE_LDS)
# hello loaded low, where a boot reservation right after the image would
# cover the boot parameters page (0x7000) or the command line (0x20000).
# The --defsyms come before the script (-T), which tests them with DEFINED.
tests_unit_fixtures_hello_at_1000_elf_SOURCES = tests/unit/fixtures/hello.S
tests_unit_fixtures_hello_at_1000_elf_LDFLAGS = \
	-Wl,--defsym,FIXTURE_LOAD=0x1000 $(VMM_FIXTURE_LINK)
EXTRA_tests_unit_fixtures_hello_at_1000_elf_DEPENDENCIES = $(VMM_FIXTURE_LDS)
tests_unit_fixtures_hello_at_10000_elf_SOURCES = tests/unit/fixtures/hello.S
# text 0x10000, data 0x11000, bss [0x12000, 0x1c000)
tests_unit_fixtures_hello_at_10000_elf_CPPFLAGS = $(AM_CPPFLAGS) -DBSS_PAGES=10
tests_unit_fixtures_hello_at_10000_elf_LDFLAGS = \
	-Wl,--defsym,FIXTURE_LOAD=0x10000 $(VMM_FIXTURE_LINK)
EXTRA_tests_unit_fixtures_hello_at_10000_elf_DEPENDENCIES = $(VMM_FIXTURE_LDS)
tests_unit_fixtures_smp_elf_SOURCES = tests/unit/fixtures/smp.S
tests_unit_fixtures_smp_elf_LDFLAGS = $(VMM_FIXTURE_LINK)
EXTRA_tests_unit_fixtures_smp_elf_DEPENDENCIES = $(VMM_FIXTURE_LDS)
tests_unit_fixtures_badcpu_elf_SOURCES = tests/unit/fixtures/badcpu.S
tests_unit_fixtures_badcpu_elf_LDFLAGS = $(VMM_FIXTURE_LINK)
EXTRA_tests_unit_fixtures_badcpu_elf_DEPENDENCIES = $(VMM_FIXTURE_LDS)
tests_unit_fixtures_badport_elf_SOURCES = tests/unit/fixtures/badport.S
tests_unit_fixtures_badport_elf_LDFLAGS = $(VMM_FIXTURE_LINK)
EXTRA_tests_unit_fixtures_badport_elf_DEPENDENCIES = $(VMM_FIXTURE_LDS)
tests_unit_fixtures_mmio_elf_SOURCES = tests/unit/fixtures/mmio.S
tests_unit_fixtures_mmio_elf_LDFLAGS = $(VMM_FIXTURE_LINK)
EXTRA_tests_unit_fixtures_mmio_elf_DEPENDENCIES = $(VMM_FIXTURE_LDS)
tests_unit_fixtures_triple_elf_SOURCES = tests/unit/fixtures/triple.S
tests_unit_fixtures_triple_elf_LDFLAGS = $(VMM_FIXTURE_LINK)
EXTRA_tests_unit_fixtures_triple_elf_DEPENDENCIES = $(VMM_FIXTURE_LDS)
tests_unit_fixtures_hang_elf_SOURCES = tests/unit/fixtures/hang.S
tests_unit_fixtures_hang_elf_LDFLAGS = $(VMM_FIXTURE_LINK)
EXTRA_tests_unit_fixtures_hang_elf_DEPENDENCIES = $(VMM_FIXTURE_LDS)
tests_unit_fixtures_panic_elf_SOURCES = tests/unit/fixtures/panic.S
tests_unit_fixtures_panic_elf_LDFLAGS = $(VMM_FIXTURE_LINK)
EXTRA_tests_unit_fixtures_panic_elf_DEPENDENCIES = $(VMM_FIXTURE_LDS)
tests_unit_fixtures_ktest_elf_SOURCES = tests/unit/fixtures/ktest.S
tests_unit_fixtures_ktest_elf_LDFLAGS = $(VMM_FIXTURE_LINK)
EXTRA_tests_unit_fixtures_ktest_elf_DEPENDENCIES = $(VMM_FIXTURE_LDS)
tests_unit_fixtures_misc_elf_SOURCES = tests/unit/fixtures/misc.S
tests_unit_fixtures_misc_elf_LDFLAGS = $(VMM_FIXTURE_LINK)
EXTRA_tests_unit_fixtures_misc_elf_DEPENDENCIES = $(VMM_FIXTURE_LDS)
tests_unit_fixtures_int3_elf_SOURCES = tests/unit/fixtures/int3.S
tests_unit_fixtures_int3_elf_LDFLAGS = $(VMM_FIXTURE_LINK)
EXTRA_tests_unit_fixtures_int3_elf_DEPENDENCIES = $(VMM_FIXTURE_LDS)
# The VMM's allocator readers over a fake guest built by the hosted
# allocator: the fake's side is compiled against the guest headers (a
# library of its own), the reader's against the VMM's.
VMM_UNIT_TESTS_INSPECT = tests/unit/test_vmm_inspect
check_PROGRAMS += $(VMM_UNIT_TESTS_INSPECT)
TESTS += $(VMM_UNIT_TESTS_INSPECT)
check_LIBRARIES += tests/unit/libinspect_fake.a
tests_unit_libinspect_fake_a_SOURCES = tests/unit/inspect_fake_guest.c \
	tests/unit/inspect_fake_guest.h
tests_unit_libinspect_fake_a_CPPFLAGS = $(HOSTED_CPPFLAGS)
tests_unit_libinspect_fake_a_CFLAGS = $(HOSTED_CFLAGS)
# ... and the readers' side: the fake as the VMM sees it (its memory, its
# layout), compiled against the VMM's headers.
FAKE_GUEST_OPEN = tests/unit/fake_guest_open.c tests/unit/fake_guest_open.h \
	tests/unit/fake_layout.c tests/unit/fake_layout.h
tests_unit_test_vmm_inspect_SOURCES = tests/unit/test_vmm_inspect.c \
	$(FAKE_GUEST_OPEN)
tests_unit_test_vmm_inspect_CFLAGS = $(TEST_CFLAGS) -pthread
tests_unit_test_vmm_inspect_CPPFLAGS = $(AM_CPPFLAGS) $(VMM_ROOM_CPPFLAGS) \
	-I$(srcdir)/vmm/control -I$(srcdir)/devices $(JANSSON_CFLAGS)
tests_unit_test_vmm_inspect_LDADD = tests/unit/libinspect_fake.a \
	guestmm/libmm_hosted.a $(VMM_TEST_LDADD)
tests_unit_test_vmm_inspect_LDFLAGS = -pthread
# The free-page check (check_uaf.h) over the same fake guest.
check_PROGRAMS += tests/unit/test_vmm_check_uaf
TESTS += tests/unit/test_vmm_check_uaf
tests_unit_test_vmm_check_uaf_SOURCES = tests/unit/test_vmm_check_uaf.c \
	$(FAKE_GUEST_OPEN)
tests_unit_test_vmm_check_uaf_CFLAGS = $(TEST_CFLAGS) -pthread
tests_unit_test_vmm_check_uaf_CPPFLAGS = $(tests_unit_test_vmm_inspect_CPPFLAGS)
tests_unit_test_vmm_check_uaf_LDADD = $(tests_unit_test_vmm_inspect_LDADD)
tests_unit_test_vmm_check_uaf_LDFLAGS = -pthread
# The vmap, per-CPU and mempool checkers over the same fake guest.
check_PROGRAMS += tests/unit/test_vmm_checkers
TESTS += tests/unit/test_vmm_checkers
tests_unit_test_vmm_checkers_SOURCES = tests/unit/test_vmm_checkers.c \
	$(FAKE_GUEST_OPEN)
tests_unit_test_vmm_checkers_CFLAGS = $(TEST_CFLAGS) -pthread
tests_unit_test_vmm_checkers_CPPFLAGS = $(tests_unit_test_vmm_inspect_CPPFLAGS)
tests_unit_test_vmm_checkers_LDADD = $(tests_unit_test_vmm_inspect_LDADD)
tests_unit_test_vmm_checkers_LDFLAGS = -pthread
# The allocators' checkers (vmm/control/check.h) over the same fake guest.
check_PROGRAMS += tests/unit/test_vmm_check
TESTS += tests/unit/test_vmm_check
tests_unit_test_vmm_check_SOURCES = tests/unit/test_vmm_check.c \
	$(FAKE_GUEST_OPEN)
tests_unit_test_vmm_check_CFLAGS = $(TEST_CFLAGS) -pthread
tests_unit_test_vmm_check_CPPFLAGS = $(tests_unit_test_vmm_inspect_CPPFLAGS)
tests_unit_test_vmm_check_LDADD = $(tests_unit_test_vmm_inspect_LDADD)
tests_unit_test_vmm_check_LDFLAGS = -pthread
# query-physmap's reader over the same fake guest.
check_PROGRAMS += tests/unit/test_vmm_physmap
TESTS += tests/unit/test_vmm_physmap
tests_unit_test_vmm_physmap_SOURCES = tests/unit/test_vmm_physmap.c \
	$(FAKE_GUEST_OPEN)
tests_unit_test_vmm_physmap_CFLAGS = $(TEST_CFLAGS) -pthread
tests_unit_test_vmm_physmap_CPPFLAGS = $(tests_unit_test_vmm_inspect_CPPFLAGS)
tests_unit_test_vmm_physmap_LDADD = $(tests_unit_test_vmm_inspect_LDADD)
tests_unit_test_vmm_physmap_LDFLAGS = -pthread
# The inspector's layouts from guestmm.elf's DWARF, checked against what the
# hosted allocator publishes (the fake guest above).
check_PROGRAMS += tests/unit/test_vmm_debuginfo
TESTS += tests/unit/test_vmm_debuginfo
tests_unit_test_vmm_debuginfo_SOURCES = tests/unit/test_vmm_debuginfo.c \
	tests/unit/fake_layout.c tests/unit/fake_layout.h
tests_unit_test_vmm_debuginfo_CFLAGS = $(TEST_CFLAGS) -pthread
tests_unit_test_vmm_debuginfo_CPPFLAGS = $(VMM_TEST_CPPFLAGS) $(LIBDW_CFLAGS) \
	-I$(srcdir)/vmm/control
tests_unit_test_vmm_debuginfo_LDADD = tests/unit/libinspect_fake.a \
	guestmm/libmm_hosted.a $(VMM_TEST_LDADD) $(LIBDW_LIBS)
tests_unit_test_vmm_debuginfo_LDFLAGS = -pthread
EXTRA_tests_unit_test_vmm_debuginfo_DEPENDENCIES = guestmm/guestmm.elf \
	tests/unit/fixtures/hello.elf
# ... and against the real guest, over the control socket.
check_PROGRAMS += tests/integration/test_inspect
TESTS += tests/integration/test_inspect
tests_integration_test_inspect_SOURCES = tests/integration/test_inspect.c \
	tests/integration/vmm_qmp.c tests/integration/vmm_qmp.h
tests_integration_test_inspect_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_integration_test_inspect_LDADD = $(JANSSON_LIBS) $(TEST_LIBS)
# query-physmap and vmmctl physmap on a fragmented guest.
check_PROGRAMS += tests/integration/test_physmap
TESTS += tests/integration/test_physmap
tests_integration_test_physmap_SOURCES = tests/integration/test_physmap.c \
	tests/integration/vmm_qmp.c tests/integration/vmm_qmp.h $(VMM_RUN_CMD)
tests_integration_test_physmap_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_integration_test_physmap_LDADD = $(JANSSON_LIBS) $(TEST_LIBS)
EXTRA_tests_integration_test_physmap_DEPENDENCIES = tools/vmmctl/vmmctl vmm/vmm
# --- end of vmm unit tests ---------------------------------------------------

# --- mm unit tests (owner: mm) -----------------------------------------------
# The guest's mm/ on the host (guestmm/libmm_hosted.a): the KTEST cases via
# the hosted ktest adapter, and host-only Criterion suites.
MM_UNIT_TESTS = tests/unit/test_mm_ktest tests/unit/test_mm_memblock \
	tests/unit/test_mm_page_alloc tests/unit/test_mm_hosted \
	tests/unit/test_mm_percpu
check_PROGRAMS += $(MM_UNIT_TESTS)
TESTS += $(MM_UNIT_TESTS)
MM_TEST_CFLAGS = $(TEST_CFLAGS) -pthread
MM_TEST_LDADD = guestmm/libmm_hosted.a $(TEST_LIBS)

tests_unit_test_mm_ktest_SOURCES = tests/unit/test_mm_ktest.c $(MM_KTEST_SOURCES)
tests_unit_test_mm_ktest_CPPFLAGS = $(HOSTED_CPPFLAGS)
tests_unit_test_mm_ktest_CFLAGS = $(MM_TEST_CFLAGS)
tests_unit_test_mm_ktest_LDADD = $(MM_TEST_LDADD)
tests_unit_test_mm_ktest_LDFLAGS = -pthread
tests_unit_test_mm_memblock_SOURCES = tests/unit/test_mm_memblock.c
tests_unit_test_mm_memblock_CPPFLAGS = $(HOSTED_CPPFLAGS)
tests_unit_test_mm_memblock_CFLAGS = $(MM_TEST_CFLAGS)
tests_unit_test_mm_memblock_LDADD = $(MM_TEST_LDADD)
tests_unit_test_mm_memblock_LDFLAGS = -pthread
tests_unit_test_mm_page_alloc_SOURCES = tests/unit/test_mm_page_alloc.c
tests_unit_test_mm_page_alloc_CPPFLAGS = $(HOSTED_CPPFLAGS)
tests_unit_test_mm_page_alloc_CFLAGS = $(MM_TEST_CFLAGS)
tests_unit_test_mm_page_alloc_LDADD = $(MM_TEST_LDADD)
tests_unit_test_mm_page_alloc_LDFLAGS = -pthread
tests_unit_test_mm_hosted_SOURCES = tests/unit/test_mm_hosted.c
tests_unit_test_mm_hosted_CPPFLAGS = $(HOSTED_CPPFLAGS)
tests_unit_test_mm_hosted_CFLAGS = $(MM_TEST_CFLAGS)
tests_unit_test_mm_hosted_LDADD = $(MM_TEST_LDADD)
tests_unit_test_mm_hosted_LDFLAGS = -pthread
tests_unit_test_mm_percpu_SOURCES = tests/unit/test_mm_percpu.c
tests_unit_test_mm_percpu_CPPFLAGS = $(HOSTED_CPPFLAGS)
tests_unit_test_mm_percpu_CFLAGS = $(MM_TEST_CFLAGS)
tests_unit_test_mm_percpu_LDADD = $(MM_TEST_LDADD)
tests_unit_test_mm_percpu_LDFLAGS = -pthread
# --- end of mm unit tests ----------------------------------------------------

# --- slab unit tests (owner: slab) -------------------------------------------
# The slab/kmalloc/mempool KTEST cases run in the hosted ktest adapter too;
# test_slab_hosted holds the host-only checks.
tests_unit_test_mm_ktest_SOURCES += $(SLAB_KTEST_SOURCES)
SLAB_UNIT_TESTS = tests/unit/test_slab_hosted
check_PROGRAMS += $(SLAB_UNIT_TESTS)
TESTS += $(SLAB_UNIT_TESTS)
tests_unit_test_slab_hosted_SOURCES = tests/unit/test_slab_hosted.c
tests_unit_test_slab_hosted_CPPFLAGS = $(HOSTED_CPPFLAGS)
tests_unit_test_slab_hosted_CFLAGS = $(TEST_CFLAGS) -pthread
tests_unit_test_slab_hosted_LDADD = guestmm/libmm_hosted.a $(TEST_LIBS)
tests_unit_test_slab_hosted_LDFLAGS = -pthread

# vmm/control/slab_cmds.c over a hosted guest: the guest half is compiled
# with the guest's headers, the test with the VMM's (slabinsp_guest.h).
check_LIBRARIES += tests/unit/libslabinsp_guest.a
tests_unit_libslabinsp_guest_a_SOURCES = tests/unit/slabinsp_guest.c \
	tests/unit/slabinsp_guest.h
tests_unit_libslabinsp_guest_a_CPPFLAGS = $(HOSTED_CPPFLAGS)
tests_unit_libslabinsp_guest_a_CFLAGS = $(HOSTED_CFLAGS)
check_PROGRAMS += tests/unit/test_vmm_slab_cmds
TESTS += tests/unit/test_vmm_slab_cmds
tests_unit_test_vmm_slab_cmds_SOURCES = tests/unit/test_vmm_slab_cmds.c \
	tests/unit/fake_layout.c tests/unit/fake_layout.h
tests_unit_test_vmm_slab_cmds_CFLAGS = $(TEST_CFLAGS) -pthread $(JANSSON_CFLAGS)
tests_unit_test_vmm_slab_cmds_CPPFLAGS = $(AM_CPPFLAGS) $(VMM_ROOM_CPPFLAGS) \
	-I$(srcdir)/vmm/control
tests_unit_test_vmm_slab_cmds_LDADD = tests/unit/libslabinsp_guest.a \
	vmm/libvmm.a guestmm/libmm_hosted.a $(JANSSON_LIBS) $(LIBDW_LIBS) $(TEST_LIBS)
tests_unit_test_vmm_slab_cmds_LDFLAGS = -pthread
# The same against a real guest over the socket (KVM: run-test's wrapper).
check_PROGRAMS += tests/integration/test_slabinsp
TESTS += tests/integration/test_slabinsp
tests_integration_test_slabinsp_SOURCES = tests/integration/test_slabinsp.c \
	tests/integration/vmm_qmp.c tests/integration/vmm_qmp.h
tests_integration_test_slabinsp_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_integration_test_slabinsp_LDADD = $(JANSSON_LIBS) $(TEST_LIBS)
# --- end of slab unit tests ----------------------------------------------------

# --- vmm end-to-end tests (owner: vmm tests) ---------------------------------
# test_vmm_cli runs the vmm binary on the host with bad input (no KVM needed);
# test_vmm_boot boots the fixtures under KVM (tests/run-test sends it through
# the nested runner). Both run vmm/vmm as a child through run_cmd, which
# test_run_cmd checks on its own.
VMM_E2E_TESTS = tests/unit/test_run_cmd tests/unit/test_vmm_cli \
	tests/integration/test_vmm_boot
check_PROGRAMS += $(VMM_E2E_TESTS)
TESTS += $(VMM_E2E_TESTS)
VMM_RUN_CMD = tests/integration/run_cmd.c tests/integration/run_cmd.h
# vmmctl against a test's vmm (with vmm_qmp.c and $(VMM_RUN_CMD))
VMMCTL_RUN = tests/integration/vmmctl_run.c tests/integration/vmmctl_run.h

tests_unit_test_run_cmd_SOURCES = tests/unit/test_run_cmd.c $(VMM_RUN_CMD)
tests_unit_test_run_cmd_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_run_cmd_LDADD = $(TEST_LIBS)
tests_unit_test_vmm_cli_SOURCES = tests/unit/test_vmm_cli.c $(VMM_RUN_CMD)
tests_unit_test_vmm_cli_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_vmm_cli_LDADD = $(TEST_LIBS)
# The accelerator's fallback with the KVM device hidden: a nested boot, on
# the host (a program of its own: it may wait minutes for the runner).
check_PROGRAMS += tests/unit/test_vmm_fallback
TESTS += tests/unit/test_vmm_fallback
tests_unit_test_vmm_fallback_SOURCES = tests/unit/test_vmm_fallback.c $(VMM_RUN_CMD)
tests_unit_test_vmm_fallback_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_vmm_fallback_LDADD = $(TEST_LIBS)
EXTRA_tests_unit_test_vmm_fallback_DEPENDENCIES = tests/unit/fixtures/hello.elf
tests_integration_test_vmm_boot_SOURCES = tests/integration/test_vmm_boot.c \
	$(VMM_RUN_CMD)
tests_integration_test_vmm_boot_CFLAGS = $(TEST_CFLAGS)
tests_integration_test_vmm_boot_LDADD = $(TEST_LIBS)
# `make check` builds vmm/vmm and every check program (the fixtures too)
# before it runs a test; this also brings the fixtures along with a bare
# `make tests/integration/test_vmm_boot`.
EXTRA_tests_unit_test_vmm_cli_DEPENDENCIES = tests/unit/fixtures/hello.elf \
	guestmm/guestmm.elf
EXTRA_tests_integration_test_vmm_boot_DEPENDENCIES = $(VMM_FIXTURES)
# test_vmm_translate: the address-space QMP commands over a real socket
# against the real guest (its pagewalk.hold ktest), under KVM.
check_PROGRAMS += tests/integration/test_vmm_translate
TESTS += tests/integration/test_vmm_translate
tests_integration_test_vmm_translate_SOURCES = \
	tests/integration/test_vmm_translate.c tests/integration/vmm_qmp.c \
	tests/integration/vmm_qmp.h
tests_integration_test_vmm_translate_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_integration_test_vmm_translate_LDADD = $(JANSSON_LIBS) $(TEST_LIBS)
# On the host: the nested runner forwards vmm's control socket here.
TESTS += tests/host/test_nested_control.sh
EXTRA_DIST += tests/host/test_nested_control.sh
# On the host: vmm copied under /tmp, run from /, boots a kernel under /tmp.
TESTS += tests/host/test_nested_tmp.sh
EXTRA_DIST += tests/host/test_nested_tmp.sh
# test_qmp: the control socket and the VM's life, from the outside.
check_PROGRAMS += tests/integration/test_qmp
TESTS += tests/integration/test_qmp
tests_integration_test_qmp_SOURCES = tests/integration/test_qmp.c \
	$(VMM_RUN_CMD) tests/integration/vmm_qmp.c tests/integration/vmm_qmp.h
tests_integration_test_qmp_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_integration_test_qmp_LDADD = $(JANSSON_LIBS) $(TEST_LIBS)
EXTRA_tests_integration_test_qmp_DEPENDENCIES = $(VMM_FIXTURES)
# test_kmodd: vmm --module and vmmctl insmod/rmmod with the module.* tests'
# own .ko files, built with the guest kernel.
check_PROGRAMS += tests/integration/test_kmodd
TESTS += tests/integration/test_kmodd
tests_integration_test_kmodd_SOURCES = tests/integration/test_kmodd.c \
	$(VMM_RUN_CMD) tests/integration/vmm_qmp.c tests/integration/vmm_qmp.h
tests_integration_test_kmodd_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_integration_test_kmodd_LDADD = $(JANSSON_LIBS) $(TEST_LIBS)
EXTRA_tests_integration_test_kmodd_DEPENDENCIES = tools/vmmctl/vmmctl vmm/vmm \
	$(TEST_MODULE_KOS)
# --- end of vmm end-to-end tests ---------------------------------------------

# --- tools tests ---------------------------------------------------------------
# tools/test-summary, on made-up logs and on a real test_vmm_cli run.
# Criterion 2.4 leaves skipped cases out of its synthesis line: with
# CRITERION_VERBOSITY_LEVEL=1 (AM_TESTS_ENVIRONMENT) every log names them.
check_PROGRAMS += tests/unit/test_test_summary
TESTS += tests/unit/test_test_summary
tests_unit_test_test_summary_SOURCES = tests/unit/test_test_summary.c \
	$(VMM_RUN_CMD)
tests_unit_test_test_summary_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_test_summary_LDADD = $(TEST_LIBS)
EXTRA_tests_unit_test_test_summary_DEPENDENCIES = tests/unit/test_vmm_cli
# --- end of tools tests ------------------------------------------------------

# In-guest tests, booted for real (nested where /dev/kvm is missing or
# emulates guest kernel code): the kernel core's suites and the mm suites
# (page allocator, slab, kmalloc, mempool, vmalloc, ioremap, dynamic
# per-CPU memory), each on 1, 2 and 4 vCPUs;
# MEMVISOR_GUEST_CPUS=1,2 (say) picks other counts.
GUEST_TEST_SOURCES = tests/integration/test_guest_core.c $(VMM_RUN_CMD)
check_PROGRAMS += tests/integration/test_guest_core tests/integration/test_guest_mm \
	tests/integration/test_guest_dma
TESTS += tests/integration/test_guest_core tests/integration/test_guest_mm \
	tests/integration/test_guest_dma
tests_integration_test_guest_core_SOURCES = $(GUEST_TEST_SOURCES)
tests_integration_test_guest_core_CFLAGS = $(TEST_CFLAGS)
tests_integration_test_guest_core_LDADD = $(TEST_LIBS)
tests_integration_test_guest_mm_SOURCES = $(GUEST_TEST_SOURCES)
tests_integration_test_guest_mm_CFLAGS = $(TEST_CFLAGS)
tests_integration_test_guest_mm_CPPFLAGS = $(AM_CPPFLAGS) \
	-DCORE_SUITES='"bootmem.*,buddy.*,compat.*,gfp.*,highmem.*,zone.*,stress.*,kmalloc.*,mempool.*,slab.*,slab_debug.*,slab_smp.*,vmalloc.*,ioremap.*,percpu_alloc.*,mm_leaks.*,fault_inject.*"' \
	-DGUEST_SUITES_ONLY
tests_integration_test_guest_mm_LDADD = $(TEST_LIBS)
# The DMA engine's driver (suite dma), with a boot buffer above MAX_ORDER.
tests_integration_test_guest_dma_SOURCES = $(GUEST_TEST_SOURCES)
tests_integration_test_guest_dma_CFLAGS = $(TEST_CFLAGS)
tests_integration_test_guest_dma_CPPFLAGS = $(AM_CPPFLAGS) \
	-DCORE_SUITES='"dma.*"' -DGUEST_CMDLINE='"dmadev.bootbuf=4160K"' \
	-DGUEST_SUITES_ONLY
tests_integration_test_guest_dma_LDADD = $(TEST_LIBS)
# The in-guest batches' consoles (PROGRAM.cpusN.{out,err,status,lock}).
CLEANFILES += tests/integration/test_guest_*.cpus*

# The in-guest bench (vmm --test 'bench.*', in no suite above: timings, not
# tests) once with tiny counts: it passes and prints every case's row.
check_PROGRAMS += tests/integration/test_guest_bench
TESTS += tests/integration/test_guest_bench
tests_integration_test_guest_bench_SOURCES = \
	tests/integration/test_guest_bench.c bench/alloc_cases.h $(VMM_RUN_CMD)
tests_integration_test_guest_bench_CFLAGS = $(TEST_CFLAGS)
tests_integration_test_guest_bench_LDADD = $(TEST_LIBS)
EXTRA_tests_integration_test_guest_bench_DEPENDENCIES = vmm/vmm

# test_vminsp: the VMM's vmalloc, page-owner and per-CPU views against a
# real guest's own (guestmm/mm/tests/vminsp_test.c holds still for it).
check_PROGRAMS += tests/integration/test_vminsp
TESTS += tests/integration/test_vminsp
tests_integration_test_vminsp_SOURCES = tests/integration/test_vminsp.c \
	tests/integration/vmm_qmp.c tests/integration/vmm_qmp.h
tests_integration_test_vminsp_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_integration_test_vminsp_LDADD = $(JANSSON_LIBS) $(TEST_LIBS)
# test_hostile: the attacks of issue 15 (a guest that lies on purpose,
# guestmm/mm/tests/hostile_test.c) against the VMM's budgets.
check_PROGRAMS += tests/integration/test_hostile
TESTS += tests/integration/test_hostile
tests_integration_test_hostile_SOURCES = tests/integration/test_hostile.c \
	tests/integration/vmm_qmp.c tests/integration/vmm_qmp.h $(VMM_RUN_CMD)
tests_integration_test_hostile_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_integration_test_hostile_LDADD = $(JANSSON_LIBS) $(TEST_LIBS)
EXTRA_tests_integration_test_hostile_DEPENDENCIES = tools/vmmctl/vmmctl vmm/vmm
# test_check: the allocators' checker (issue 18) finds the planted bugs of
# guestmm/mm/tests/checkbug_test.c and checkbug_vm_test.c and nothing in
# the stress suites.
check_PROGRAMS += tests/integration/test_check
TESTS += tests/integration/test_check
tests_integration_test_check_SOURCES = tests/integration/test_check.c \
	tests/integration/vmm_qmp.c tests/integration/vmm_qmp.h $(VMM_RUN_CMD)
tests_integration_test_check_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_integration_test_check_LDADD = $(JANSSON_LIBS) $(TEST_LIBS)
EXTRA_tests_integration_test_check_DEPENDENCIES = vmm/vmm

# test_check_uaf: writes after a free planted in the guest
# (guestmm/mm/tests/checkbug_uaf_test.c), reported by vmm's check (issue 18).
check_PROGRAMS += tests/integration/test_check_uaf
TESTS += tests/integration/test_check_uaf
tests_integration_test_check_uaf_SOURCES = tests/integration/test_check_uaf.c \
	$(VMM_RUN_CMD)
tests_integration_test_check_uaf_CFLAGS = $(TEST_CFLAGS)
tests_integration_test_check_uaf_LDADD = $(TEST_LIBS)
EXTRA_tests_integration_test_check_uaf_DEPENDENCIES = vmm/vmm

# --- vmmctl tests (owner: vmmctl) ---------------------------------------------
# Its formats on canned answers, its socket discovery in temp dirs, its QMP
# session against a fake server (unit/); the real thing against vmm running
# the hang fixture (integration/: needs KVM).
VMMCTL_UNIT_TESTS = tests/unit/test_vmmctl_fmt tests/unit/test_vmmctl_discover
check_PROGRAMS += $(VMMCTL_UNIT_TESTS) tests/integration/test_vmmctl
TESTS += $(VMMCTL_UNIT_TESTS) tests/integration/test_vmmctl
VMMCTL_TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/tools/vmmctl $(JANSSON_CFLAGS)
VMMCTL_TEST_LDADD = tools/vmmctl/libvmmctl.a $(JANSSON_LIBS) $(CAIRO_LIBS) \
	$(LIBPNG_LIBS) -lm $(TEST_LIBS)

tests_unit_test_vmmctl_fmt_SOURCES = tests/unit/test_vmmctl_fmt.c
tests_unit_test_vmmctl_fmt_CPPFLAGS = $(VMMCTL_TEST_CPPFLAGS)
tests_unit_test_vmmctl_fmt_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_vmmctl_fmt_LDADD = $(VMMCTL_TEST_LDADD)
# vmmctl physmap's pictures: the PNG read back with libpng.
check_PROGRAMS += tests/unit/test_vmmctl_physmap
TESTS += tests/unit/test_vmmctl_physmap
tests_unit_test_vmmctl_physmap_SOURCES = tests/unit/test_vmmctl_physmap.c
tests_unit_test_vmmctl_physmap_CPPFLAGS = $(VMMCTL_TEST_CPPFLAGS) $(LIBPNG_CFLAGS)
tests_unit_test_vmmctl_physmap_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_vmmctl_physmap_LDADD = $(VMMCTL_TEST_LDADD)
tests_unit_test_vmmctl_discover_SOURCES = tests/unit/test_vmmctl_discover.c
tests_unit_test_vmmctl_discover_CPPFLAGS = $(VMMCTL_TEST_CPPFLAGS)
tests_unit_test_vmmctl_discover_CFLAGS = $(TEST_CFLAGS) -pthread
tests_unit_test_vmmctl_discover_LDADD = $(VMMCTL_TEST_LDADD)
tests_unit_test_vmmctl_discover_LDFLAGS = -pthread
tests_integration_test_vmmctl_SOURCES = tests/integration/test_vmmctl.c \
	$(VMM_RUN_CMD)
tests_integration_test_vmmctl_CFLAGS = $(TEST_CFLAGS)
tests_integration_test_vmmctl_LDADD = $(TEST_LIBS)
EXTRA_tests_integration_test_vmmctl_DEPENDENCIES = \
	tests/unit/fixtures/hang.elf tools/vmmctl/vmmctl vmm/vmm
# --- end of vmmctl tests ------------------------------------------------------

# --- nested runner tests (owner: hang) ---------------------------------------
# tools/nested/nested-run tells a hung runner (silent QEMU, a CPU that stops
# scheduling, a kernel panic) from a long, quiet command: four nested runs,
# about 2.5 min. Skipped where vmm runs on /dev/kvm itself (the runner is not
# used there) unless MEMVISOR_NESTED_TEST=1.
NESTED_TOOL_TESTS = tests/tools/test_nested_hang.sh
# Its refusals before booting (one line, 125): a command or an exposed path
# that is not there, a file directly in /tmp, an unknown option; a command,
# a file and a cwd under the host's /tmp reached; a SIGTERM passed to the
# command; four short nested runs.
NESTED_TOOL_TESTS += tests/tools/test_nested_run.sh
TESTS += $(NESTED_TOOL_TESTS)
EXTRA_DIST += $(NESTED_TOOL_TESTS)
# --- end of nested runner tests ----------------------------------------------

# --- example modules (owner: h-build) -----------------------------------------
# examples/ built as a user would, against the installed tree only: the
# staged install of guestmm/build (install-guest into a DESTDIR), pkg-config
# pointed at it, `make -C` in a copy of each example (the source tree stays
# clean, also in VPATH builds). test_modules loads them into a guest.
EXAMPLE_MODULES = scullc scullp scullv leaky
EXAMPLES_FILES = examples/README.md examples/scull/scull.h \
	examples/scullc/Makefile examples/scullc/README.md examples/scullc/main.c \
	examples/scullp/Makefile examples/scullp/README.md examples/scullp/main.c \
	examples/scullv/Makefile examples/scullv/README.md examples/scullv/main.c \
	examples/leaky/Makefile examples/leaky/README.md examples/leaky/main.c
EXTRA_DIST += $(EXAMPLES_FILES)
tests/modules.stamp: guestmm/build/stage.stamp $(EXAMPLES_FILES)
	$(AM_V_GEN)rm -rf tests/modules && $(MKDIR_P) tests/modules && \
	cp -R $(srcdir)/examples/. tests/modules/ && chmod -R u+w tests/modules && \
	pc=$$(find $(GUEST_STAGE) -name memvisor-guest.pc) && \
	for m in $(EXAMPLE_MODULES); do \
		PKG_CONFIG_PATH=$${pc%/*} PKG_CONFIG_LIBDIR= \
		PKG_CONFIG_SYSROOT_DIR=$(GUEST_STAGE) \
		$(MAKE) -s -C tests/modules/$$m clean modules || exit 1; \
	done && touch $@
check_DATA += tests/modules.stamp
clean-local: clean-example-modules
clean-example-modules:
	rm -rf tests/modules tests/modules.stamp
.PHONY: clean-example-modules
check_PROGRAMS += tests/integration/test_modules
TESTS += tests/integration/test_modules
tests_integration_test_modules_SOURCES = tests/integration/test_modules.c \
	tests/integration/vmm_qmp.c tests/integration/vmm_qmp.h $(VMM_RUN_CMD) \
	$(VMMCTL_RUN)
tests_integration_test_modules_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_integration_test_modules_LDADD = $(JANSSON_LIBS) $(TEST_LIBS)
EXTRA_tests_integration_test_modules_DEPENDENCIES = tests/modules.stamp \
	tools/vmmctl/vmmctl vmm/vmm
# --- end of example modules ---------------------------------------------------

# --- vmmctl drgn (owner: h-drgn) ---------------------------------------------
check_PROGRAMS += tests/integration/test_drgn
TESTS += tests/integration/test_drgn
tests_integration_test_drgn_SOURCES = tests/integration/test_drgn.c \
	tests/integration/vmm_qmp.c tests/integration/vmm_qmp.h $(VMM_RUN_CMD)
tests_integration_test_drgn_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_integration_test_drgn_LDADD = $(JANSSON_LIBS) $(TEST_LIBS)
EXTRA_tests_integration_test_drgn_DEPENDENCIES = tools/vmmctl/vmmctl vmm/vmm \
	tests/unit/fixtures/hello.elf
# memvisor_drgn's read path over a fake VMM (Python's unittest; no drgn)
TESTS += tests/python/test_drgn_memory.py
EXTRA_DIST += tests/python/test_drgn_memory.py

# Workloads (issue 17): every one for 10 s on 2 vCPUs under inspection.
check_PROGRAMS += tests/integration/test_workloads
TESTS += tests/integration/test_workloads
tests_integration_test_workloads_SOURCES = tests/integration/test_workloads.c \
	tests/integration/vmm_qmp.c tests/integration/vmm_qmp.h $(VMM_RUN_CMD) \
	$(VMMCTL_RUN)
tests_integration_test_workloads_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_integration_test_workloads_LDADD = $(JANSSON_LIBS) $(TEST_LIBS)
EXTRA_tests_integration_test_workloads_DEPENDENCIES = tools/vmmctl/vmmctl vmm/vmm

# --- allocations from outside (owner: h-alloc) --------------------------------
check_PROGRAMS += tests/integration/test_alloc
TESTS += tests/integration/test_alloc
tests_integration_test_alloc_SOURCES = tests/integration/test_alloc.c \
	tests/integration/vmm_qmp.c tests/integration/vmm_qmp.h $(VMM_RUN_CMD) \
	$(VMMCTL_RUN)
tests_integration_test_alloc_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_integration_test_alloc_LDADD = $(JANSSON_LIBS) $(TEST_LIBS)
EXTRA_tests_integration_test_alloc_DEPENDENCIES = tools/vmmctl/vmmctl vmm/vmm

# --- failure injection from outside (owner: h-fail) ---------------------------
check_PROGRAMS += tests/integration/test_fail
TESTS += tests/integration/test_fail
tests_integration_test_fail_SOURCES = tests/integration/test_fail.c \
	tests/integration/vmm_qmp.c tests/integration/vmm_qmp.h $(VMM_RUN_CMD) \
	$(VMMCTL_RUN)
tests_integration_test_fail_CFLAGS = $(TEST_CFLAGS) $(JANSSON_CFLAGS)
tests_integration_test_fail_LDADD = $(JANSSON_LIBS) $(TEST_LIBS)
EXTRA_tests_integration_test_fail_DEPENDENCIES = tests/modules.stamp \
	tools/vmmctl/vmmctl vmm/vmm
