/* SPDX-License-Identifier: MIT */
/*
 * The control socket's place and lifetime: where it lives by default
 * ($XDG_RUNTIME_DIR/memvisor, else /tmp/memvisor-UID, a 0700 directory of
 * ours; the socket named vmm-PID.qmp), and the events that tell clients how
 * the VM ended.
 */
#ifndef VMM_CONTROL_CONTROL_H
#define VMM_CONTROL_CONTROL_H

#include <stddef.h>

#include "err.h"
#include "memvisor/control.h"
#include "vm.h"

/* The default directory for control sockets (created 0700 if missing). */
int control_default_dir(char *buf, size_t len, struct errbuf *e);

/* Starts serving @path (NULL: the default) for @vm; says where on stderr. */
int control_start(struct vm *vm, const char *path, struct errbuf *e);

/* Tells every client how the VM ended (SHUTDOWN, GUEST_PANICKED). */
void control_announce_end(struct vm *vm, enum vm_end end);

/* Flushes, disconnects every client, removes the socket. */
void control_stop(struct vm *vm);

#endif
