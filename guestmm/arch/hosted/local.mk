# guestmm/arch/hosted: sources (guestmm_guestmm_elf_SOURCES += ..., guestmm_libmm_hosted_a_SOURCES += ...)
