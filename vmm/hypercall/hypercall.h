/* SPDX-License-Identifier: MIT */
/*
 * Guest -> VMM hypercalls (include/memvisor/hypercall.h): one `outl` of a
 * 32-bit value to MV_HC_PORT(nr). Registered on the port bus like a device.
 */
#ifndef VMM_HYPERCALL_H
#define VMM_HYPERCALL_H

#include "vm.h"

int hypercall_register(struct vm *vm);

#endif
