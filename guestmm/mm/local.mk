# guestmm/mm: the memory manager, shared line for line by the guest kernel
# and the hosted library.
MM_SOURCES = guestmm/mm/memblock.c guestmm/mm/bootmem.c \
	guestmm/mm/bootmem_selftest.c guestmm/mm/mm_init.c \
	guestmm/mm/page_alloc.c guestmm/mm/page_alloc_check.c \
	guestmm/mm/highmem.c guestmm/mm/vmalloc.c guestmm/mm/ioremap.c \
	guestmm/mm/vmscan.c guestmm/mm/show_mem.c guestmm/mm/percpu.c \
	guestmm/mm/page_owner.c guestmm/mm/leaks.h guestmm/mm/internal.h
guestmm_guestmm_elf_SOURCES += $(MM_SOURCES)
guestmm_libmm_hosted_a_SOURCES += $(MM_SOURCES)

# In-kernel test cases (KTEST): linked into the guest, and compiled into the
# hosted ktest runner (tests/unit/test_mm_ktest) rather than the library,
# whose unreferenced objects the linker would drop.
MM_KTEST_SOURCES = guestmm/mm/tests/buddy_test.c \
	guestmm/mm/tests/gfp_test.c guestmm/mm/tests/zone_test.c \
	guestmm/mm/tests/bootmem_test.c guestmm/mm/tests/highmem_test.c \
	guestmm/mm/tests/wait_test.c guestmm/mm/tests/stress_test.c \
	guestmm/mm/tests/mm_test_util.c guestmm/mm/tests/mm_test_util.h \
	guestmm/mm/tests/percpu_alloc_test.c guestmm/mm/tests/page_owner_test.c
guestmm_guestmm_elf_SOURCES += $(MM_KTEST_SOURCES)
# vmalloc's cases need the real MMU (faults, other CPUs' TLBs): guest only.
guestmm_guestmm_elf_SOURCES += guestmm/mm/tests/vmalloc_test.c \
	guestmm/mm/tests/vmalloc_stress.c guestmm/mm/tests/vmalloc_stress.h
# Fixtures for the VMM's inspection commands (guest only: they hold still
# or corrupt the allocator on purpose while the VMM reads it).
guestmm_guestmm_elf_SOURCES += guestmm/mm/tests/inspect_test.c \
	guestmm/mm/tests/vminsp_test.c guestmm/mm/tests/hostile_test.c \
	guestmm/mm/tests/checkbug_test.c
# Planted bugs for the VMM's checker (guest only: they break the
# allocators on purpose while the VMM checks; no mm suite runs them).
guestmm_guestmm_elf_SOURCES += guestmm/mm/tests/checkbug_vm_test.c
# Writes after a free, on purpose, for the VMM's checker (issue 18).
guestmm_guestmm_elf_SOURCES += guestmm/mm/tests/checkbug_uaf_test.c
# ... and a fragmented guest to draw (vmmctl physmap, test_physmap).
guestmm_guestmm_elf_SOURCES += guestmm/mm/tests/physmap_test.c

# Slab caches, kmalloc and mempools (guestmm/mm/slab.h describes the design).
SLAB_SOURCES = guestmm/mm/slab.h guestmm/mm/slab.c guestmm/mm/slab_common.c \
	guestmm/mm/slab_debug.c guestmm/mm/slabinfo.c guestmm/mm/kmalloc.c \
	guestmm/mm/mempool.c guestmm/mm/module_leaks.c guestmm/mm/failslab.c
guestmm_guestmm_elf_SOURCES += $(SLAB_SOURCES)
# Guests for the VMM's slab inspection tests and bench (not an mm suite).
guestmm_guestmm_elf_SOURCES += guestmm/mm/tests/slabinsp_test.c
guestmm_libmm_hosted_a_SOURCES += $(SLAB_SOURCES)
# Their KTEST cases: in the guest, and in the hosted ktest runner.
SLAB_KTEST_SOURCES = guestmm/mm/tests/compat_test.c \
	guestmm/mm/tests/leaks_test.c \
	guestmm/mm/tests/slab_cache_test.c \
	guestmm/mm/tests/slab_debug_test.c guestmm/mm/tests/slab_smp_test.c \
	guestmm/mm/tests/kmalloc_test.c guestmm/mm/tests/mempool_test.c \
	guestmm/mm/tests/fault_inject_test.c
guestmm_guestmm_elf_SOURCES += $(SLAB_KTEST_SOURCES)
# The allocator benches as guest code (vmm --test 'bench.*'; timings, in
# no CI suite): the hosted benches' cases, from bench/alloc_cases.h;
# alloc_bench_table.c last: its case prints the rows of those before it.
guestmm_guestmm_elf_SOURCES += guestmm/mm/tests/alloc_bench.c \
	guestmm/mm/tests/alloc_bench.h guestmm/mm/tests/alloc_bench_table.c \
	bench/alloc_cases.h
