# vmm: the VMM. Its pure parts (no KVM: parsing, layout, ELF loading, page
# tables, request validation, reports) form libvmm.a, which the unit tests
# link too; the binary adds the KVM side, the threads and main().
#
# Its rooms, and which may include which: vmm/README.md. Headers are
# included by bare name across rooms: VMM_ROOM_CPPFLAGS puts base/, core/,
# memory/, hypercall/ and io/ on the path, and vmm/ itself for
# "control/ctlmux.h" (its tests and fuzzer).
VMM_ROOM_CPPFLAGS = -I$(srcdir)/vmm -I$(srcdir)/vmm/base \
	-I$(srcdir)/vmm/core -I$(srcdir)/vmm/memory -I$(srcdir)/vmm/hypercall \
	-I$(srcdir)/vmm/io

noinst_LIBRARIES += vmm/libvmm.a
vmm_libvmm_a_SOURCES = \
	vmm/base/err.h vmm/base/exitstatus.h vmm/base/clock.h \
	vmm/base/args.c vmm/base/args.h \
	vmm/base/size.c vmm/base/size.h \
	vmm/base/base64.c vmm/base/base64.h \
	vmm/base/console.c vmm/base/console.h \
	vmm/core/report.c vmm/core/report.h \
	vmm/core/dump.c vmm/core/dump.h \
	vmm/core/kvmexit.c vmm/core/kvmexit.h \
	vmm/core/vm.c vmm/core/vm.h \
	vmm/core/dirty.c vmm/core/dirty.h \
	vmm/memory/e820.c vmm/memory/e820.h \
	vmm/memory/memmap.c vmm/memory/memmap.h \
	vmm/memory/gmem.c vmm/memory/gmem.h \
	vmm/memory/loader.c vmm/memory/loader.h \
	vmm/memory/ksyms.c vmm/memory/ksyms.h \
	vmm/memory/debuginfo.c vmm/memory/debuginfo.h \
	vmm/memory/pgtable.c vmm/memory/pgtable.h \
	vmm/memory/boot.c vmm/memory/boot.h \
	vmm/hypercall/hcreq.c vmm/hypercall/hcreq.h \
	vmm/hypercall/hcmodule.c vmm/hypercall/hcmodule.h \
	vmm/hypercall/ktestlog.c vmm/hypercall/ktestlog.h \
	vmm/io/iobus.c vmm/io/iobus.h \
	vmm/io/page_state.c vmm/io/page_state.h \
	vmm/io/modq.c vmm/io/modq.h \
	vmm/control/alloc_cmds.c vmm/control/alloc_cmds.h \
	vmm/control/gfp_parse.c vmm/control/gfp_parse.h \
	vmm/control/qmp.h vmm/control/qmp_dispatch.c vmm/control/qmp_cmds.c \
	vmm/control/qmp_server.c vmm/control/inspect_cmds.h \
	vmm/control/control.c vmm/control/control.h \
	vmm/memory/pagewalk.c vmm/memory/pagewalk.h \
	vmm/control/slab_cmds.c vmm/control/slab_cmds.h \
	vmm/control/page_owner.c vmm/control/page_owner.h \
	vmm/control/slab_obj.c vmm/control/slab_obj.h \
	vmm/control/physmap.c vmm/control/physmap.h \
	vmm/control/translate_cmds.c vmm/control/translate_cmds.h \
	vmm/control/vmalloc_cmds.c vmm/control/vmalloc_cmds.h \
	vmm/control/inspect.c vmm/control/inspect.h \
	vmm/control/guest_str.c vmm/control/guest_str.h \
	vmm/control/inspect_query.c vmm/control/inspect_query.h \
	vmm/control/zone_read.c vmm/control/zone_read.h \
	vmm/control/check.c vmm/control/check.h \
	vmm/control/check_zone.c vmm/control/check_slab.c \
	vmm/control/check_cmds.c vmm/control/check_cmds.h \
	vmm/control/zone_cmds.c vmm/control/zone_cmds.h \
	vmm/control/check_uaf.c vmm/control/check_uaf.h \
	vmm/control/check_uaf_vm.c vmm/control/check_poison.c \
	vmm/control/percpu_cmds.c vmm/control/percpu_cmds.h \
	vmm/control/check_vmap.c vmm/control/check_percpu.c \
	vmm/control/check_mempool.c \
	vmm/control/dma_cmds.c vmm/control/dma_cmds.h \
	vmm/control/module_cmds.c vmm/control/module_cmds.h \
	vmm/control/module_read.c vmm/control/module_read.h \
	vmm/control/workload_read.c vmm/control/workload_read.h \
	vmm/control/workload_cmds.c vmm/control/workload_cmds.h \
	vmm/control/fail_cmds.c vmm/control/fail_cmds.h \
	vmm/control/ctlmux.c vmm/control/ctlmux.h \
	vmm/control/mm_layout.c vmm/control/mm_layout.h \
	devices/dmadev.c devices/dmadev.h \
	devices/allocq.c devices/allocq.h
vmm_libvmm_a_CPPFLAGS = $(AM_CPPFLAGS) $(VMM_ROOM_CPPFLAGS) \
	-I$(srcdir)/devices $(JANSSON_CFLAGS) $(LIBDW_CFLAGS)

bin_PROGRAMS += vmm/vmm
vmm_vmm_SOURCES = \
	vmm/main.c \
	vmm/core/kvm.c vmm/core/kvm.h \
	vmm/core/vcpu.c vmm/core/vcpu.h \
	vmm/core/devices.c vmm/core/devices.h \
	vmm/hypercall/hypercall.c vmm/hypercall/hypercall.h \
	vmm/accel/accel.h vmm/accel/choose.c vmm/accel/calibrate.c \
	vmm/accel/nested.c \
	vmm/memory/guest_image.S vmm/memory/guest_image.h
vmm_vmm_LDADD = vmm/libvmm.a $(JANSSON_LIBS) $(LIBDW_LIBS)
vmm_vmm_CPPFLAGS = $(AM_CPPFLAGS) $(VMM_ROOM_CPPFLAGS) -I$(srcdir)/vmm/accel \
	-I$(srcdir)/vmm/control -I$(srcdir)/devices $(JANSSON_CFLAGS) \
	-DMEMVISOR_SRCDIR='"$(abs_top_srcdir)"' \
	-DMEMVISOR_LIBEXECDIR='"$(pkglibexecdir)"'

# The nested runner, for `vmm` on hosts without /dev/kvm.
pkglibexec_SCRIPTS = tools/nested/nested-run tools/nested/mkinitramfs \
	tools/nested/init tools/nested/kvm-test-wrapper

# The default guest kernel is embedded with .incbin. Per-target flags make
# automake name the object vmm/memory/vmm-guest_image.$(OBJEXT); the explicit
# dependency re-embeds the kernel whenever guestmm.elf is rebuilt. The path
# is relative to the build directory, where make runs the assembler; give
# GUESTMM_ELF=/some/kernel.elf on the make command line to embed another.
GUESTMM_ELF = guestmm/guestmm.elf$(EXEEXT)
vmm_vmm_CCASFLAGS = $(AM_CCASFLAGS) -DGUESTMM_IMAGE='"$(GUESTMM_ELF)"'
vmm/memory/vmm-guest_image.$(OBJEXT): $(GUESTMM_ELF)
