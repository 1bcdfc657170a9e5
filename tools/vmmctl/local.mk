# tools/vmmctl: the command-line client of vmm's QMP control socket. Its
# parts but main() form libvmmctl.a, which the tests link too.

noinst_LIBRARIES += tools/vmmctl/libvmmctl.a
tools_vmmctl_libvmmctl_a_SOURCES = \
	tools/vmmctl/session.c tools/vmmctl/session.h \
	tools/vmmctl/discover.c tools/vmmctl/discover.h \
	tools/vmmctl/cmds.c tools/vmmctl/cmds.h tools/vmmctl/qmp_names.h \
	tools/vmmctl/fmt.h tools/vmmctl/fmt_util.c tools/vmmctl/fmt_vm.c \
	tools/vmmctl/fmt_zoneinfo.c tools/vmmctl/fmt_buddyinfo.c \
	tools/vmmctl/fmt_slabinfo.c tools/vmmctl/fmt_vmallocinfo.c tools/vmmctl/fmt_dma.c tools/vmmctl/fmt_check.c \
	tools/vmmctl/fmt_physmem.c \
	tools/vmmctl/fmt_pagewalk.c tools/vmmctl/fmt_hexdump.c \
	tools/vmmctl/fmt_top.c tools/vmmctl/top.c tools/vmmctl/top.h \
	tools/vmmctl/fmt_percpu.c tools/vmmctl/term_safe.c tools/vmmctl/term_safe.h \
	tools/vmmctl/fmt_module.c tools/vmmctl/fmt_workload.c vmm/base/base64.c vmm/base/base64.h \
	tools/vmmctl/fmt_physmap.c tools/vmmctl/physmap.c tools/vmmctl/physmap.h \
	tools/vmmctl/alloc_verbs.c tools/vmmctl/alloc_verbs.h tools/vmmctl/fmt_alloc.c
# base64 (insmod's file) is the VMM's own, shared
tools_vmmctl_libvmmctl_a_CPPFLAGS = $(AM_CPPFLAGS) $(JANSSON_CFLAGS) \
	$(CAIRO_CFLAGS) -I$(srcdir)/vmm/base

bin_PROGRAMS += tools/vmmctl/vmmctl
tools_vmmctl_vmmctl_SOURCES = tools/vmmctl/main.c \
	tools/vmmctl/drgn.c tools/vmmctl/drgn.h
# vmmctl drgn finds memvisor_drgn and the guest image in the build tree it
# came from, else where `make install` put them
tools_vmmctl_vmmctl_CPPFLAGS = $(AM_CPPFLAGS) $(JANSSON_CFLAGS) \
	-DMEMVISOR_SRCDIR='"$(abs_top_srcdir)"' \
	-DMEMVISOR_BUILDDIR='"$(abs_top_builddir)"' \
	-DMEMVISOR_PYTHONDIR='"$(memvisor_pythondir)"' \
	-DMEMVISOR_PKGDATADIR='"$(pkgdatadir)"'
tools_vmmctl_vmmctl_LDADD = tools/vmmctl/libvmmctl.a $(JANSSON_LIBS) $(CAIRO_LIBS) -lm

# The manual pages of both programs.
dist_man1_MANS = tools/vmmctl/vmmctl.1 vmm/vmm.1

# vmmctl drgn's Python side (drgn is a Python library): the session, and
# helpers for drgn scripts (for_each_zone, for_each_slab_cache, ...). The
# guest image goes along: drgn needs its debug info, and vmm has it only
# built in.
memvisor_pythondir = $(pkgdatadir)/python
memvisor_drgndir = $(memvisor_pythondir)/memvisor_drgn
dist_memvisor_drgn_DATA = tools/drgn/memvisor_drgn/__init__.py \
	tools/drgn/memvisor_drgn/__main__.py tools/drgn/memvisor_drgn/helpers.py \
	tools/drgn/memvisor_drgn/memory.py tools/drgn/memvisor_drgn/program.py \
	tools/drgn/memvisor_drgn/qmp.py
pkgdata_DATA = guestmm/guestmm.elf
