# module.mk: build memvisor guest modules out of tree, the way Kbuild does.
# A module's Makefile names its objects, then includes this file last:
#
#	obj-m := scullc.o			# one module per NAME.o
#	scullc-objs := main.o pool.o		# optional: NAME's objects
#	ccflags-y := -DSCULLC_DEBUG		# optional: extra compile flags
#	include $(shell pkg-config --variable=kbuild memvisor-guest)
#
# `make` (or `make modules`) builds NAME.ko: each object compiled with the
# flags of memvisor-guest.pc, NAME.mod.c generated (what Linux's modpost
# writes: the module's name and the kernel's vermagic in .modinfo), then
# `ld -r` of the objects and NAME.mod.o. `make clean` removes what the
# build made. Quiet "  CC [M]  scullc.o" lines; V=1 prints the commands.
#
# pkg-config finds the headers: for a staged install (make install
# DESTDIR=/stage) set PKG_CONFIG_PATH=/stage/PREFIX/lib/pkgconfig and
# PKG_CONFIG_SYSROOT_DIR=/stage (pkgconf puts the sysroot before the -I
# paths and the kbuild variable). With another pkg-config, give
# --define-variable=prefix=/stage/PREFIX in PKG_CONFIG and use
# $(PKG_CONFIG) in the include line.

PKG_CONFIG ?= pkg-config
MEMVISOR_PC ?= memvisor-guest

memvisor_cflags := $(shell $(PKG_CONFIG) --cflags $(MEMVISOR_PC))
ifeq ($(strip $(memvisor_cflags)),)
$(error $(MEMVISOR_PC).pc not found by $(PKG_CONFIG): set PKG_CONFIG_PATH to its directory ($$prefix/lib/pkgconfig), and PKG_CONFIG_SYSROOT_DIR for a DESTDIR install)
endif
# -nostdinc hides the compiler's own headers too; stddef.h, stdint.h,
# stdbool.h and stdarg.h are freestanding: give them back (as Linux does).
memvisor_cflags += -isystem $(shell $(CC) -print-file-name=include)
# Kbuild's warnings; a call to anything the headers do not declare (and
# so the kernel does not export) is an error here, not at insmod.
memvisor_warn := -Wall -Wundef -Wstrict-prototypes -Wno-trigraphs \
	-Werror=implicit-function-declaration -Werror=implicit-int

ifeq ($(V),1)
memvisor_Q :=
memvisor_say := @:
else
memvisor_Q := @
memvisor_say := @printf '  %-7s %s\n'
endif

memvisor_mods := $(patsubst %.o,%,$(filter %.o,$(obj-m)))
ifeq ($(memvisor_mods),)
$(error obj-m names no module: say obj-m := NAME.o before including $(lastword $(MAKEFILE_LIST)))
endif
# NAME's objects: NAME-objs or NAME-y, else NAME.o alone.
memvisor_objs_of = $(or $(strip $($(1)-objs) $($(1)-y)),$(1).o)
memvisor_all_objs := $(sort $(foreach m,$(memvisor_mods),$(call memvisor_objs_of,$(m)) $(m).mod.o))
# The build depends on the Makefiles (not the dependency files below).
memvisor_makefiles := $(MAKEFILE_LIST)

.DEFAULT_GOAL := modules
all: modules
modules: $(addsuffix .ko,$(memvisor_mods))
.PHONY: all modules clean

memvisor_cc = $(CC) $(memvisor_cflags) $(memvisor_warn) \
	-DKBUILD_MODNAME='"$(memvisor_modname)"' \
	-DKBUILD_BASENAME='"$(basename $(notdir $@))"' \
	$(ccflags-y) $(EXTRA_CFLAGS) $(CFLAGS_$(notdir $@)) \
	-MMD -MP -MF $(dir $@).$(notdir $@).d -c -o $@ $<
%.o: %.c $(memvisor_makefiles)
	$(memvisor_say) 'CC [M]' '$@'
	$(memvisor_Q)$(memvisor_cc)

# One module: its .mod.c, its objects' KBUILD_MODNAME, its link.
define memvisor_module
$(1).mod.c: $(memvisor_makefiles)
	$$(memvisor_say) MODPOST '$$@'
	$$(memvisor_Q)printf '%s\n' '#include <linux/module.h>' \
		'#include <linux/vermagic.h>' \
		'MODULE_INFO(name, KBUILD_MODNAME);' \
		'MODULE_INFO(vermagic, VERMAGIC_STRING);' > $$@

$(call memvisor_objs_of,$(1)) $(1).mod.o: memvisor_modname := $(1)

$(1).ko: $(call memvisor_objs_of,$(1)) $(1).mod.o
	$$(memvisor_say) 'LD [M]' '$$@'
	$$(memvisor_Q)$$(LD) -r $$(ldflags-y) -o $$@ $$^
endef
$(foreach m,$(memvisor_mods),$(eval $(call memvisor_module,$(m))))

clean:
	$(memvisor_say) CLEAN '$(CURDIR)'
	$(memvisor_Q)rm -f $(addsuffix .ko,$(memvisor_mods)) \
		$(addsuffix .mod.c,$(memvisor_mods)) $(memvisor_all_objs) \
		$(foreach o,$(memvisor_all_objs),$(dir $(o)).$(notdir $(o)).d)

-include $(foreach o,$(memvisor_all_objs),$(dir $(o)).$(notdir $(o)).d)
