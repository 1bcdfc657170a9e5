# guestmm/build: what `make install` gives a module writer. The guest's
# public headers under $(includedir)/memvisor/guest (linux/, asm/,
# asm-generic/ and the memvisor/ ABI headers they include, so
# -I$(includedir)/memvisor/guest alone resolves every include), the
# pkg-config file memvisor-guest.pc and the Kbuild-like makefile fragment
# $(datadir)/memvisor/module.mk (see its opening comment).
#
# Not installed, being the kernel's own: start_kernel.h, bootmem_selftest.h,
# module_leaks.h (loader <-> mm), console.h, tick.h, task_alloc.h,
# mmdebug.h (the page allocator's checker), page_owner.h, elf.h (the
# loader's), dmadev.h (the built-in DMA engine driver), and every asm/
# header no public header includes.
# guestmm/build/check-headers (make check) compiles each installed header
# on its own against the installed tree only: a missing one fails there.

guestincdir = $(includedir)/memvisor/guest
guestlinuxdir = $(guestincdir)/linux
guestlinux_HEADERS = \
	guestmm/include/linux/atomic.h guestmm/include/linux/bootmem.h \
	guestmm/include/linux/bug.h guestmm/include/linux/compiler.h \
	guestmm/include/linux/completion.h guestmm/include/linux/cpu.h \
	guestmm/include/linux/err.h guestmm/include/linux/errno.h \
	guestmm/include/linux/gfp.h guestmm/include/linux/highmem.h \
	guestmm/include/linux/init.h guestmm/include/linux/io.h \
	guestmm/include/linux/instruction_pointer.h \
	guestmm/include/linux/irqflags.h guestmm/include/linux/jiffies.h \
	guestmm/include/linux/kernel.h guestmm/include/linux/ktest.h \
	guestmm/include/linux/kthread.h guestmm/include/linux/list.h \
	guestmm/include/linux/memblock.h guestmm/include/linux/mempool.h \
	guestmm/include/linux/mm.h guestmm/include/linux/mm_types.h \
	guestmm/include/linux/mmzone.h guestmm/include/linux/module.h \
	guestmm/include/linux/moduleparam.h guestmm/include/linux/export.h \
	guestmm/include/linux/vermagic.h guestmm/include/linux/percpu.h \
	guestmm/include/linux/pfn.h guestmm/include/linux/poison.h \
	guestmm/include/linux/preempt.h guestmm/include/linux/printk.h \
	guestmm/include/linux/sched.h guestmm/include/linux/shrinker.h \
	guestmm/include/linux/slab.h guestmm/include/linux/slab_def.h \
	guestmm/include/linux/smp.h guestmm/include/linux/spinlock.h \
	guestmm/include/linux/string.h guestmm/include/linux/timer.h \
	guestmm/include/linux/types.h guestmm/include/linux/uaccess.h \
	guestmm/include/linux/vmalloc.h guestmm/include/linux/wait.h
guestasmdir = $(guestincdir)/asm
guestasm_HEADERS = \
	guestmm/arch/x86_64/include/asm/io.h \
	guestmm/arch/x86_64/include/asm/irqflags.h \
	guestmm/arch/x86_64/include/asm/page.h \
	guestmm/arch/x86_64/include/asm/pda.h \
	guestmm/arch/x86_64/include/asm/percpu.h \
	guestmm/arch/x86_64/include/asm/processor.h \
	guestmm/arch/x86_64/include/asm/thread.h
guestasmgenericdir = $(guestincdir)/asm-generic
guestasmgeneric_HEADERS = guestmm/include/asm-generic/pgtable_types.h
guestabidir = $(guestincdir)/memvisor
guestabi_HEADERS = include/memvisor/types.h include/memvisor/layout.h \
	include/memvisor/bootparams.h include/memvisor/e820.h \
	include/memvisor/module.h include/memvisor/gfp.h \
	include/memvisor/slab_debug.h

# The fragment and the .pc, with the configured directories. The .pc's
# paths under $(prefix) are written as ${prefix}/..., so that
# `pkg-config --define-variable=prefix=...` moves them all.
guestbuilddir = $(datadir)/memvisor
guestbuild_DATA = guestmm/build/module.mk
EXTRA_DIST += guestmm/build/module.mk
pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = guestmm/build/memvisor-guest.pc
EXTRA_DIST += guestmm/build/memvisor-guest.pc.in
CLEANFILES += guestmm/build/memvisor-guest.pc

guestmm/build/memvisor-guest.pc: $(srcdir)/guestmm/build/memvisor-guest.pc.in Makefile
	$(AM_V_GEN)$(MKDIR_P) guestmm/build && \
	under_prefix() { case $$1 in "$(prefix)"/*) echo "\$${prefix}$${1#"$(prefix)"}" ;; *) echo "$$1" ;; esac; } && \
	sed -e 's|@prefix[@]|$(prefix)|g' \
		-e "s|@includedir[@]|$$(under_prefix '$(includedir)')|g" \
		-e "s|@datadir[@]|$$(under_prefix '$(datadir)')|g" \
		-e 's|@VERSION[@]|$(VERSION)|g' \
		$(srcdir)/guestmm/build/memvisor-guest.pc.in > $@.tmp && mv $@.tmp $@

# Only what a module build needs, e.g. into a DESTDIR stage (tests do).
install-guest: install-guestlinuxHEADERS install-guestasmHEADERS \
	install-guestasmgenericHEADERS install-guestabiHEADERS \
	install-guestbuildDATA install-pkgconfigDATA
.PHONY: install-guest

# make check: a staged install (DESTDIR), and each header compiled alone
# against it.
GUEST_STAGE = $(abs_top_builddir)/guestmm/build/stage
guestmm/build/stage.stamp: $(guestlinux_HEADERS) $(guestasm_HEADERS) \
		$(guestasmgeneric_HEADERS) $(guestabi_HEADERS) \
		guestmm/build/module.mk guestmm/build/memvisor-guest.pc
	$(AM_V_GEN)rm -rf $(GUEST_STAGE) && \
	$(MAKE) $(AM_MAKEFLAGS) install-guest DESTDIR=$(GUEST_STAGE) >/dev/null && \
	touch $@
check_DATA = guestmm/build/stage.stamp
TESTS += guestmm/build/check-headers
EXTRA_DIST += guestmm/build/check-headers
clean-local: clean-guest-stage
clean-guest-stage:
	rm -rf $(GUEST_STAGE) guestmm/build/stage.stamp
.PHONY: clean-guest-stage
