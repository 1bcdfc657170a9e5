# guestmm/kernel: the kernel core. Files shared with the hosted build are
# listed in both.
KERNEL_SHARED_SOURCES = guestmm/kernel/wait.c guestmm/kernel/completion.c \
	guestmm/kernel/might_sleep.c guestmm/kernel/ktest_match.c \
	guestmm/kernel/printk.c
guestmm_guestmm_elf_SOURCES += $(KERNEL_SHARED_SOURCES)
guestmm_libmm_hosted_a_SOURCES += $(KERNEL_SHARED_SOURCES)
