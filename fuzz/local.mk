# fuzz: libFuzzer targets, one per parser of untrusted input, built with
# clang -fsanitize=fuzzer,address,undefined from the same vmm/ sources the
# VMM is built from (compiled again here, not the gcc-built libvmm.a).
#
#   make fuzz                  build every target, run each FUZZ_SECONDS
#   make fuzz FUZZ_SECONDS=10  (what CI runs)
#   make fuzz FUZZ_TARGETS=qmp FUZZ_ARGS=-runs=10000000
#   make fuzz-build            build only
#
# Each run starts from its seed corpus, fuzz/corpus/TARGET/ (committed,
# small; regression inputs of fixed bugs are named regress-*), and keeps
# what it finds in fuzz/work/TARGET/ (not committed). A crash, a sanitizer
# report, a leak or a broken invariant fails `make fuzz`; the input is
# left in fuzz/artifacts/ and the log in fuzz/TARGET.log. Reproduce with
# fuzz/fuzz_TARGET fuzz/artifacts/FILE. Not part of `make check`.

FUZZ_SECONDS = 60
FUZZ_ARGS =
FUZZ_TARGETS = qmp elf args memmap hcreq ktestlog pagewalk dmadev ctlmux field \
	readers modq alloc

FUZZ_CFLAGS = -g -O1 -std=gnu11 $(WARN_CFLAGS) \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/include \
	$(VMM_ROOM_CPPFLAGS) -I$(srcdir)/vmm/control -I$(srcdir)/devices \
	-I$(srcdir)/fuzz -D_GNU_SOURCE $(JANSSON_CFLAGS)
FUZZ_LINK = $(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -o $@
FUZZ_DEPS = $(srcdir)/fuzz/fuzz.h config.h

FUZZ_QMP_SRCS = $(srcdir)/fuzz/fuzz_qmp.c $(FUZZ_CMDS_SRCS)
# the commands and what they read, with no VM behind them
FUZZ_CMDS_SRCS = $(srcdir)/vmm/control/qmp_dispatch.c $(srcdir)/vmm/control/qmp_cmds.c \
	$(srcdir)/vmm/control/slab_cmds.c $(srcdir)/vmm/control/page_owner.c \
	$(srcdir)/vmm/control/translate_cmds.c \
	$(srcdir)/vmm/control/vmalloc_cmds.c $(srcdir)/vmm/control/zone_cmds.c \
	$(srcdir)/vmm/memory/ksyms.c \
	$(srcdir)/vmm/control/zone_read.c $(srcdir)/vmm/control/inspect.c \
	$(srcdir)/vmm/control/mm_layout.c $(srcdir)/vmm/memory/debuginfo.c \
	$(srcdir)/vmm/control/guest_str.c \
	$(srcdir)/vmm/control/percpu_cmds.c $(srcdir)/vmm/control/inspect_query.c \
	$(srcdir)/vmm/control/dma_cmds.c $(srcdir)/devices/dmadev.c \
	$(srcdir)/vmm/control/module_cmds.c $(srcdir)/vmm/io/modq.c \
	$(srcdir)/vmm/control/module_read.c \
	$(srcdir)/vmm/control/workload_read.c $(srcdir)/vmm/control/workload_cmds.c \
	$(srcdir)/vmm/control/fail_cmds.c \
	$(srcdir)/vmm/control/alloc_cmds.c $(srcdir)/devices/allocq.c \
	$(srcdir)/vmm/control/gfp_parse.c $(srcdir)/vmm/control/physmap.c \
	$(srcdir)/vmm/base/base64.c \
	$(srcdir)/vmm/io/iobus.c $(srcdir)/vmm/io/page_state.c \
	$(srcdir)/vmm/memory/pagewalk.c $(srcdir)/vmm/memory/gmem.c \
	$(srcdir)/vmm/hypercall/hcreq.c \
	$(srcdir)/vmm/memory/memmap.c $(srcdir)/vmm/memory/e820.c \
	$(srcdir)/vmm/base/size.c \
	$(srcdir)/vmm/control/check.c $(srcdir)/vmm/control/check_zone.c \
	$(srcdir)/vmm/control/check_slab.c $(srcdir)/vmm/control/check_cmds.c \
	$(srcdir)/vmm/control/slab_obj.c \
	$(srcdir)/vmm/control/check_uaf.c $(srcdir)/vmm/control/check_uaf_vm.c \
	$(srcdir)/vmm/control/check_poison.c $(srcdir)/vmm/core/dirty.c \
	$(srcdir)/vmm/control/check_vmap.c $(srcdir)/vmm/control/check_percpu.c \
	$(srcdir)/vmm/control/check_mempool.c $(srcdir)/vmm/core/dump.c $(srcdir)/vmm/core/report.c \
	$(srcdir)/vmm/base/console.c
# every reader through its command, on the real guest's layouts
FUZZ_READERS_SRCS = $(srcdir)/fuzz/fuzz_readers.c $(FUZZ_CMDS_SRCS)
# HC_MODULE's handler and the module queue, the events made of their outcomes
FUZZ_MODQ_SRCS = $(srcdir)/fuzz/fuzz_modq.c $(srcdir)/vmm/hypercall/hcmodule.c \
	$(srcdir)/vmm/hypercall/hcreq.c $(srcdir)/vmm/io/modq.c \
	$(srcdir)/vmm/control/module_cmds.c $(srcdir)/vmm/control/qmp_dispatch.c \
	$(srcdir)/vmm/control/guest_str.c $(srcdir)/vmm/base/base64.c \
	$(srcdir)/vmm/memory/gmem.c $(srcdir)/vmm/base/size.c
# the allocation ring's answer checks, the events made of their outcomes
FUZZ_ALLOC_SRCS = $(srcdir)/fuzz/fuzz_alloc.c $(srcdir)/devices/allocq.c \
	$(srcdir)/vmm/control/alloc_cmds.c $(srcdir)/vmm/control/gfp_parse.c \
	$(srcdir)/vmm/control/qmp_dispatch.c $(srcdir)/vmm/control/guest_str.c \
	$(srcdir)/vmm/memory/gmem.c $(srcdir)/vmm/base/size.c
FUZZ_PAGEWALK_SRCS = $(srcdir)/fuzz/fuzz_pagewalk.c \
	$(srcdir)/vmm/memory/pagewalk.c $(srcdir)/vmm/memory/gmem.c \
	$(srcdir)/vmm/memory/memmap.c $(srcdir)/vmm/memory/e820.c \
	$(srcdir)/vmm/base/size.c
FUZZ_ELF_SRCS = $(srcdir)/fuzz/fuzz_elf.c $(srcdir)/vmm/memory/loader.c \
	$(srcdir)/vmm/memory/ksyms.c \
	$(srcdir)/vmm/memory/gmem.c $(srcdir)/vmm/memory/memmap.c \
	$(srcdir)/vmm/memory/e820.c $(srcdir)/vmm/base/size.c
FUZZ_ARGS_SRCS = $(srcdir)/fuzz/fuzz_args.c $(srcdir)/vmm/base/args.c \
	$(srcdir)/vmm/base/size.c $(srcdir)/vmm/memory/memmap.c \
	$(srcdir)/vmm/memory/e820.c
FUZZ_MEMMAP_SRCS = $(srcdir)/fuzz/fuzz_memmap.c \
	$(srcdir)/vmm/memory/memmap.c $(srcdir)/vmm/memory/e820.c \
	$(srcdir)/vmm/base/size.c
FUZZ_HCREQ_SRCS = $(srcdir)/fuzz/fuzz_hcreq.c $(srcdir)/vmm/hypercall/hcreq.c \
	$(srcdir)/vmm/memory/gmem.c $(srcdir)/vmm/base/size.c \
	$(srcdir)/vmm/base/console.c $(srcdir)/vmm/core/report.c \
	$(srcdir)/vmm/memory/ksyms.c \
	$(srcdir)/vmm/hypercall/ktestlog.c
FUZZ_DMADEV_SRCS = $(srcdir)/fuzz/fuzz_dmadev.c $(srcdir)/devices/dmadev.c \
	$(srcdir)/vmm/memory/gmem.c $(srcdir)/vmm/io/iobus.c \
	$(srcdir)/vmm/base/size.c
FUZZ_KTESTLOG_SRCS = $(srcdir)/fuzz/fuzz_ktestlog.c \
	$(srcdir)/vmm/hypercall/ktestlog.c $(srcdir)/vmm/base/console.c
FUZZ_CTLMUX_SRCS = $(srcdir)/fuzz/fuzz_ctlmux.c $(srcdir)/vmm/control/ctlmux.c \
	$(srcdir)/vmm/base/console.c
FUZZ_FIELD_SRCS = $(srcdir)/fuzz/fuzz_field.c $(srcdir)/vmm/control/mm_layout.c \
	$(srcdir)/vmm/memory/debuginfo.c

fuzz/fuzz_qmp: $(FUZZ_QMP_SRCS) $(FUZZ_DEPS)
	$(AM_V_CC)$(FUZZ_LINK) $(FUZZ_QMP_SRCS) $(JANSSON_LIBS) $(LIBDW_LIBS) -pthread
fuzz/fuzz_elf: $(FUZZ_ELF_SRCS) $(FUZZ_DEPS)
	$(AM_V_CC)$(FUZZ_LINK) $(FUZZ_ELF_SRCS)
fuzz/fuzz_args: $(FUZZ_ARGS_SRCS) $(FUZZ_DEPS)
	$(AM_V_CC)$(FUZZ_LINK) $(FUZZ_ARGS_SRCS)
fuzz/fuzz_memmap: $(FUZZ_MEMMAP_SRCS) $(FUZZ_DEPS)
	$(AM_V_CC)$(FUZZ_LINK) $(FUZZ_MEMMAP_SRCS)
fuzz/fuzz_hcreq: $(FUZZ_HCREQ_SRCS) $(FUZZ_DEPS)
	$(AM_V_CC)$(FUZZ_LINK) $(FUZZ_HCREQ_SRCS) -pthread
fuzz/fuzz_pagewalk: $(FUZZ_PAGEWALK_SRCS) $(FUZZ_DEPS)
	$(AM_V_CC)$(FUZZ_LINK) $(FUZZ_PAGEWALK_SRCS)
fuzz/fuzz_dmadev: $(FUZZ_DMADEV_SRCS) $(FUZZ_DEPS)
	$(AM_V_CC)$(FUZZ_LINK) $(FUZZ_DMADEV_SRCS) -pthread
fuzz/fuzz_ktestlog: $(FUZZ_KTESTLOG_SRCS) $(FUZZ_DEPS)
	$(AM_V_CC)$(FUZZ_LINK) $(FUZZ_KTESTLOG_SRCS) -pthread
fuzz/fuzz_ctlmux: $(FUZZ_CTLMUX_SRCS) $(FUZZ_DEPS)
	$(AM_V_CC)$(FUZZ_LINK) $(FUZZ_CTLMUX_SRCS) -pthread
fuzz/fuzz_field: $(FUZZ_FIELD_SRCS) $(FUZZ_DEPS)
	$(AM_V_CC)$(FUZZ_LINK) $(FUZZ_FIELD_SRCS) $(LIBDW_LIBS)
fuzz/fuzz_readers: $(FUZZ_READERS_SRCS) $(FUZZ_DEPS) guestmm/guestmm.elf
	$(AM_V_CC)$(FUZZ_LINK) \
		-DFUZZ_GUESTMM_ELF='"$(abs_top_builddir)/guestmm/guestmm.elf"' \
		$(FUZZ_READERS_SRCS) $(JANSSON_LIBS) $(LIBDW_LIBS) -pthread

fuzz/fuzz_modq: $(FUZZ_MODQ_SRCS) $(FUZZ_DEPS)
	$(AM_V_CC)$(FUZZ_LINK) $(FUZZ_MODQ_SRCS) $(JANSSON_LIBS) $(LIBDW_LIBS) -pthread
fuzz/fuzz_alloc: $(FUZZ_ALLOC_SRCS) $(FUZZ_DEPS)
	$(AM_V_CC)$(FUZZ_LINK) $(FUZZ_ALLOC_SRCS) $(JANSSON_LIBS) -pthread

fuzz-check-cc:
	@if test -z "$(FUZZ_CC)"; then \
		echo "make fuzz: no clang with libFuzzer and the sanitizers was found by configure:"; \
		echo "  apt-get install clang libclang-rt-14-dev   (or run tools/setup), then ./configure"; \
		exit 1; \
	fi

fuzz-build: fuzz-check-cc
	@$(MKDIR_P) fuzz
	@$(MAKE) $(AM_MAKEFLAGS) `for t in $(FUZZ_TARGETS); do echo fuzz/fuzz_$$t; done`

fuzz: fuzz-build
	@$(SHELL) $(srcdir)/fuzz/run-fuzz "$(FUZZ_SECONDS)" "$(srcdir)/fuzz/corpus" \
		fuzz "$(FUZZ_ARGS)" $(FUZZ_TARGETS)

fuzz-clean:
	-rm -rf fuzz/work fuzz/artifacts fuzz/*.log
	-rm -f fuzz/fuzz_qmp fuzz/fuzz_elf fuzz/fuzz_args fuzz/fuzz_memmap \
		fuzz/fuzz_hcreq fuzz/fuzz_ktestlog fuzz/fuzz_pagewalk fuzz/fuzz_dmadev \
		fuzz/fuzz_ctlmux fuzz/fuzz_field fuzz/fuzz_readers fuzz/fuzz_modq \
		fuzz/fuzz_alloc

clean-local: fuzz-clean
.PHONY: fuzz fuzz-build fuzz-check-cc fuzz-clean

EXTRA_DIST += fuzz/fuzz.h fuzz/run-fuzz fuzz/corpus fuzz/fuzz_qmp.c \
	fuzz/fuzz_elf.c fuzz/fuzz_args.c fuzz/fuzz_memmap.c fuzz/fuzz_hcreq.c \
	fuzz/fuzz_ktestlog.c fuzz/fuzz_dmadev.c fuzz/fuzz_ctlmux.c \
	fuzz/fuzz_field.c fuzz/fuzz_readers.c fuzz/fuzz_modq.c fuzz/fuzz_alloc.c \
	fuzz/fuzz_pagewalk.c
