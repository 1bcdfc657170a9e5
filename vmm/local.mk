# vmm: the VMM. Its pure parts (no KVM: parsing, layout, ELF loading, page
# tables, request validation, reports) form libvmm.a, which the unit tests
# link too; the binary adds the KVM side, the threads and main().

noinst_LIBRARIES += vmm/libvmm.a
vmm_libvmm_a_SOURCES = \
	vmm/err.h vmm/exitstatus.h \
	vmm/args.c vmm/args.h \
	vmm/size.c vmm/size.h \
	vmm/e820.c vmm/e820.h \
	vmm/memmap.c vmm/memmap.h \
	vmm/gmem.c vmm/gmem.h \
	vmm/loader.c vmm/loader.h \
	vmm/pgtable.c vmm/pgtable.h \
	vmm/boot.c vmm/boot.h \
	vmm/hcreq.c vmm/hcreq.h \
	vmm/ktestlog.c vmm/ktestlog.h \
	vmm/console.c vmm/console.h \
	vmm/report.c vmm/report.h \
	vmm/dump.c vmm/dump.h \
	vmm/kvmexit.c vmm/kvmexit.h \
	vmm/iobus.c vmm/iobus.h \
	vmm/vm.c vmm/vm.h \
	vmm/control/qmp.h vmm/control/qmp_dispatch.c vmm/control/qmp_cmds.c \
	vmm/control/qmp_server.c vmm/control/inspect_cmds.h \
	vmm/control/control.c vmm/control/control.h \
	vmm/control/pagewalk.c vmm/control/pagewalk.h \
	vmm/control/slab_cmds.c vmm/control/slab_cmds.h \
	vmm/control/translate_cmds.c vmm/control/translate_cmds.h \
	vmm/control/vmalloc_cmds.c vmm/control/vmalloc_cmds.h \
	vmm/control/inspect.c vmm/control/inspect.h \
	vmm/control/inspect_query.c vmm/control/inspect_query.h \
	vmm/control/zone_read.c vmm/control/zone_cmds.c vmm/control/zone_cmds.h \
	vmm/control/percpu_cmds.c vmm/control/percpu_cmds.h \
	vmm/control/dma_cmds.c vmm/control/dma_cmds.h \
	devices/dmadev.c devices/dmadev.h
vmm_libvmm_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/vmm -I$(srcdir)/devices \
	$(JANSSON_CFLAGS)

bin_PROGRAMS += vmm/vmm
vmm_vmm_SOURCES = \
	vmm/main.c \
	vmm/kvm.c vmm/kvm.h \
	vmm/vcpu.c vmm/vcpu.h \
	vmm/hypercall.c vmm/hypercall.h \
	vmm/devices.c vmm/devices.h \
	vmm/accel/accel.h vmm/accel/choose.c vmm/accel/calibrate.c \
	vmm/accel/nested.c \
	vmm/guest_image.S vmm/guest_image.h
vmm_vmm_LDADD = vmm/libvmm.a $(JANSSON_LIBS)
vmm_vmm_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/vmm -I$(srcdir)/vmm/accel \
	-I$(srcdir)/vmm/control -I$(srcdir)/devices $(JANSSON_CFLAGS) \
	-DMEMVISOR_SRCDIR='"$(abs_top_srcdir)"' \
	-DMEMVISOR_LIBEXECDIR='"$(pkglibexecdir)"'

# The nested runner, for `vmm` on hosts without /dev/kvm.
pkglibexec_SCRIPTS = tools/nested/nested-run tools/nested/mkinitramfs \
	tools/nested/init tools/nested/kvm-test-wrapper

# The default guest kernel is embedded with .incbin. Per-target flags make
# automake name the object vmm/vmm-guest_image.$(OBJEXT); the explicit
# dependency re-embeds the kernel whenever guestmm.elf is rebuilt. The path
# is relative to the build directory, where make runs the assembler; give
# GUESTMM_ELF=/some/kernel.elf on the make command line to embed another.
GUESTMM_ELF = guestmm/guestmm.elf$(EXEEXT)
vmm_vmm_CCASFLAGS = $(AM_CCASFLAGS) -DGUESTMM_IMAGE='"$(GUESTMM_ELF)"'
vmm/vmm-guest_image.$(OBJEXT): $(GUESTMM_ELF)
