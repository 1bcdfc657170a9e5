# guestmm/kernel: the kernel core. Files shared with the hosted build are
# listed in both.
KERNEL_SHARED_SOURCES = guestmm/kernel/wait.c guestmm/kernel/completion.c \
	guestmm/kernel/might_sleep.c guestmm/kernel/ktest_match.c \
	guestmm/kernel/printk.c
guestmm_guestmm_elf_SOURCES += $(KERNEL_SHARED_SOURCES)
guestmm_libmm_hosted_a_SOURCES += $(KERNEL_SHARED_SOURCES)
# The guest kernel core (guest only): boot, scheduler, threads, timers, SMP
# calls, per-CPU areas, panic reporting, the ktest runner.
guestmm_guestmm_elf_SOURCES += guestmm/kernel/main.c guestmm/kernel/params.c \
	guestmm/kernel/percpu.c guestmm/kernel/init_task.c \
	guestmm/kernel/task_alloc.c guestmm/kernel/mm_glue.c \
	guestmm/kernel/sched.c guestmm/kernel/idle.c guestmm/kernel/kthread.c \
	guestmm/kernel/timer.c guestmm/kernel/tick.c guestmm/kernel/cpu.c \
	guestmm/kernel/smp.c guestmm/kernel/panic.c guestmm/kernel/ktest.c \
	guestmm/kernel/ktest_runner.c \
	guestmm/kernel/sched.h guestmm/kernel/mm_glue.h \
	guestmm/kernel/ktest_runner.h guestmm/kernel/ktest_state.h
# In-guest tests of the core (KTEST cases).
guestmm_guestmm_elf_SOURCES += guestmm/kernel/tests/sched_test.c \
	guestmm/kernel/tests/wake_test.c guestmm/kernel/tests/smp_test.c \
	guestmm/kernel/tests/might_sleep_test.c guestmm/kernel/tests/timer_test.c \
	guestmm/kernel/tests/kthread_test.c guestmm/kernel/tests/percpu_test.c \
	guestmm/kernel/tests/percpu_export_test.c \
	guestmm/kernel/tests/ktest_selftest.c
# The module loader (issue 16): kernel side, x86-64 side, the exports.
guestmm_guestmm_elf_SOURCES += guestmm/kernel/module.c \
	guestmm/kernel/kmodd.c guestmm/kernel/module_params.c guestmm/kernel/ksyms.c \
	guestmm/kernel/module_internal.h guestmm/arch/x86_64/module.c
# Allocation requests from outside (issue 17): the ring's guest side.
guestmm_guestmm_elf_SOURCES += guestmm/kernel/allocd.c guestmm/kernel/allocd.h
# module.* tests: real .ko files, built as the .ko contract says (objects
# with the module flags, a generated NAME.mod.c, ld -r), embedded as data.
guestmm_guestmm_elf_SOURCES += guestmm/kernel/tests/module_test.c \
	guestmm/kernel/tests/module_images.S
TEST_MODULES = mt_good mt_unknown mt_nongpl mt_abs32 mt_leaky mt_export \
	mt_import mt_dup mt_hang mt_badrel
TEST_MODULE_KOS = $(TEST_MODULES:%=guestmm/kernel/tests/modules/%.ko)
EXTRA_DIST += $(TEST_MODULES:%=guestmm/kernel/tests/modules/%.c)
CLEANFILES += $(TEST_MODULE_KOS) guestmm/kernel/tests/modules/*.o \
	guestmm/kernel/tests/modules/*.mod.c
TEST_MODULE_CFLAGS = $(GUEST_CFLAGS) -nostdinc $(GUEST_CPPFLAGS) -DMODULE
# One recipe for each .ko (portable make: no pattern rules).
BUILD_TEST_MODULE = $(MKDIR_P) $(@D) && name=`basename $@ .ko` && \
	inc=`$(CC) -print-file-name=include` && \
	$(CC) $(TEST_MODULE_CFLAGS) -isystem $$inc \
		-DKBUILD_MODNAME="\"$$name\"" -c $< -o $(@D)/$$name.o && \
	printf '\#include <linux/module.h>\n\#include <linux/vermagic.h>\nMODULE_INFO(name, KBUILD_MODNAME);\nMODULE_INFO(vermagic, VERMAGIC_STRING);\n' > $(@D)/$$name.mod.c && \
	$(CC) $(TEST_MODULE_CFLAGS) -isystem $$inc \
		-DKBUILD_MODNAME="\"$$name\"" -c $(@D)/$$name.mod.c \
		-o $(@D)/$$name.mod.o && \
	$(CC) -r -nostdlib -o $@ $(@D)/$$name.o $(@D)/$$name.mod.o
guestmm/kernel/tests/modules/mt_good.ko: $(srcdir)/guestmm/kernel/tests/modules/mt_good.c
	$(AM_V_GEN)$(BUILD_TEST_MODULE)
guestmm/kernel/tests/modules/mt_unknown.ko: $(srcdir)/guestmm/kernel/tests/modules/mt_unknown.c
	$(AM_V_GEN)$(BUILD_TEST_MODULE)
guestmm/kernel/tests/modules/mt_nongpl.ko: $(srcdir)/guestmm/kernel/tests/modules/mt_nongpl.c
	$(AM_V_GEN)$(BUILD_TEST_MODULE)
guestmm/kernel/tests/modules/mt_abs32.ko: $(srcdir)/guestmm/kernel/tests/modules/mt_abs32.c
	$(AM_V_GEN)$(BUILD_TEST_MODULE)
guestmm/kernel/tests/modules/mt_leaky.ko: $(srcdir)/guestmm/kernel/tests/modules/mt_leaky.c
	$(AM_V_GEN)$(BUILD_TEST_MODULE)
guestmm/kernel/tests/modules/mt_export.ko: $(srcdir)/guestmm/kernel/tests/modules/mt_export.c
	$(AM_V_GEN)$(BUILD_TEST_MODULE)
guestmm/kernel/tests/modules/mt_import.ko: $(srcdir)/guestmm/kernel/tests/modules/mt_import.c
	$(AM_V_GEN)$(BUILD_TEST_MODULE)
guestmm/kernel/tests/modules/mt_dup.ko: $(srcdir)/guestmm/kernel/tests/modules/mt_dup.c
	$(AM_V_GEN)$(BUILD_TEST_MODULE)
guestmm/kernel/tests/modules/mt_hang.ko: $(srcdir)/guestmm/kernel/tests/modules/mt_hang.c
	$(AM_V_GEN)$(BUILD_TEST_MODULE)
guestmm/kernel/tests/modules/mt_badrel.ko: $(srcdir)/guestmm/kernel/tests/modules/mt_badrel.c
	$(AM_V_GEN)$(BUILD_TEST_MODULE)
guestmm/kernel/tests/guestmm_elf-module_images.$(OBJEXT): $(TEST_MODULE_KOS)
# query-modules' fixture (vmm side, tests/integration/test_inspect.c)
guestmm_guestmm_elf_SOURCES += guestmm/kernel/tests/module_inspect_test.c
# Workloads (issue 17): the table and its threads, one file a type, their
# KTEST cases. Guest only: they need kernel threads and the DMA device.
guestmm_guestmm_elf_SOURCES += guestmm/kernel/workload.c \
	guestmm/mm/workloads/slab_churn.c guestmm/mm/workloads/fragment.c \
	guestmm/mm/workloads/kmap_pressure.c guestmm/mm/workloads/dma_buffers.c \
	guestmm/mm/workloads/vmalloc_churn.c \
	guestmm/mm/workloads/tests/workload_test.c
