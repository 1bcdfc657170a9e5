/* SPDX-License-Identifier: MIT */
/* The test modules (tests/modules/NAME.ko, built with the kernel), as data. */
.macro module_image name
	.section .rodata, "a"
	.balign 8
	.globl \name\()_ko_start, \name\()_ko_end
\name\()_ko_start:
	.incbin "guestmm/kernel/tests/modules/\name\().ko"
\name\()_ko_end:
.endm

	module_image mt_good
	module_image mt_unknown
	module_image mt_nongpl
	module_image mt_abs32
	.section .note.GNU-stack, "", @progbits
