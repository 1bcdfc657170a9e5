# guestmm/arch/hosted: the host-side arch layer under libmm_hosted.a (CPUs
# are threads, physical memory an mmap'ed arena, IPIs signals).
guestmm_libmm_hosted_a_SOURCES += guestmm/arch/hosted/boot.c \
	guestmm/arch/hosted/console.c guestmm/arch/hosted/cpu.c \
	guestmm/arch/hosted/ktest.c guestmm/arch/hosted/panic.c \
	guestmm/arch/hosted/pgtable.c \
	guestmm/arch/hosted/sched.c guestmm/arch/hosted/time.c \
	guestmm/arch/hosted/hosted_internal.h
