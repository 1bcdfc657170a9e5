/* SPDX-License-Identifier: MIT */
/*
 * The emulated devices (devices/) wired to the VM: their MMIO windows on
 * vm->mmio, their interrupts into KVM, their faults to the control room.
 */
#ifndef VMM_DEVICES_H
#define VMM_DEVICES_H

#include "err.h"
#include "page_state.h"
#include "vm.h"

/*
 * Creates and registers every device (no thread yet); @ctl (kept) is the
 * control room's side: the inspector's page look, where faults go.
 */
int devices_create(struct vm *vm, const struct device_control *ctl,
		   struct errbuf *e);
/* Starts their threads. */
int devices_start(struct vm *vm, struct errbuf *e);
/* Stops and frees them: before guest memory goes away. */
void devices_destroy(struct vm *vm);

#endif
