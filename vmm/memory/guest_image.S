/* SPDX-License-Identifier: MIT */
/*
 * The default guest kernel, embedded in vmm at build time. GUESTMM_IMAGE is
 * the path of guestmm.elf, given by vmm/local.mk, which also makes this
 * object depend on it so a rebuilt kernel is re-embedded.
 */
#ifndef GUESTMM_IMAGE
#error "GUESTMM_IMAGE (the path of guestmm.elf) is not defined"
#endif

	.section .rodata.guestmm_image, "a", @progbits
	.balign 16
	.globl guestmm_image_start
	.type guestmm_image_start, @object
guestmm_image_start:
	.incbin GUESTMM_IMAGE
	.globl guestmm_image_end
guestmm_image_end:
	.size guestmm_image_start, guestmm_image_end - guestmm_image_start

	.section .note.GNU-stack, "", @progbits
