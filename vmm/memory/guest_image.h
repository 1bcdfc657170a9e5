/* SPDX-License-Identifier: MIT */
/* The default guest kernel embedded in vmm (guest_image.S). */
#ifndef VMM_GUEST_IMAGE_H
#define VMM_GUEST_IMAGE_H

extern const unsigned char guestmm_image_start[];
extern const unsigned char guestmm_image_end[];

#endif
