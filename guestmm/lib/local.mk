# guestmm/lib: freestanding helpers. The hosted build uses libc's instead,
# except strscpy_len which libc lacks.
guestmm_guestmm_elf_SOURCES += guestmm/lib/string.c guestmm/lib/vsprintf.c \
	guestmm/lib/tests/vsprintf_test.c \
	guestmm/lib/strscpy.c guestmm/lib/fault-inject.c
guestmm_libmm_hosted_a_SOURCES += guestmm/lib/strscpy.c guestmm/lib/fault-inject.c
