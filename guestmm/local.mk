# guestmm: the guest kernel (a freestanding x86-64 ELF, embedded in vmm) and
# the same mm/ sources built as a host library (libmm_hosted.a) for unit tests
# and benchmarks. Each folder lists its own sources in its local.mk.

# __FILE__ relative to the source top, as in Linux, also in VPATH builds
# (distcheck): reports name guestmm/mm/slab.c, not ../../guestmm/mm/slab.c.
SRC_RELATIVE_FILE = -fmacro-prefix-map=$(top_srcdir)/=
GUEST_CPPFLAGS = -I$(top_srcdir)/guestmm/include \
	-I$(top_srcdir)/guestmm/arch/x86_64/include \
	-I$(top_srcdir)/include -D__KERNEL__
# No SSE in the kernel (no FPU state to save on switches), no red zone
# (interrupts push on the same stack), frame pointers for backtraces.
GUEST_CFLAGS = -std=gnu11 $(WARN_CFLAGS) -ffreestanding -fno-pic -fno-pie \
	-mcmodel=kernel -mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-common \
	-fno-strict-aliasing -O2 -g $(SRC_RELATIVE_FILE)
GUEST_LDS = $(top_srcdir)/guestmm/arch/x86_64/kernel.lds

noinst_PROGRAMS += guestmm/guestmm.elf
guestmm_guestmm_elf_SOURCES =
guestmm_guestmm_elf_CPPFLAGS = $(GUEST_CPPFLAGS)
guestmm_guestmm_elf_CFLAGS = $(GUEST_CFLAGS)
guestmm_guestmm_elf_CCASFLAGS = $(GUEST_CPPFLAGS)
guestmm_guestmm_elf_LDFLAGS = -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096 -Wl,-T,$(GUEST_LDS)
guestmm_guestmm_elf_LDADD = -lgcc
EXTRA_guestmm_guestmm_elf_DEPENDENCIES = $(GUEST_LDS)
EXTRA_DIST += guestmm/arch/x86_64/kernel.lds

# The hosted build: the same allocator logic against arch/hosted.
HOSTED_CPPFLAGS = -I$(top_srcdir)/guestmm/include \
	-I$(top_srcdir)/guestmm/arch/hosted/include \
	-I$(top_srcdir)/include -D__KERNEL__ -D__HOSTED__ -D_GNU_SOURCE
HOSTED_CFLAGS = -std=gnu11 $(WARN_CFLAGS) -g -fno-strict-aliasing -fno-omit-frame-pointer -pthread \
	$(SRC_RELATIVE_FILE)

noinst_LIBRARIES += guestmm/libmm_hosted.a
guestmm_libmm_hosted_a_SOURCES =
guestmm_libmm_hosted_a_CPPFLAGS = $(HOSTED_CPPFLAGS)
guestmm_libmm_hosted_a_CFLAGS = $(HOSTED_CFLAGS)

# Headers ship whole (dist-hook drops editor and build litter, if any).
EXTRA_DIST += guestmm/include guestmm/arch/x86_64/include \
	guestmm/arch/hosted/include

include guestmm/lib/local.mk
include guestmm/kernel/local.mk
include guestmm/mm/local.mk
include guestmm/drivers/local.mk
include guestmm/arch/x86_64/local.mk
include guestmm/arch/hosted/local.mk
include guestmm/build/local.mk
