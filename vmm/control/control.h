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

/*
 * Nested: the host path of the control socket, which the outer vmm serves
 * and multiplexes over the runner's port CONTROL_PORT_NAME (nested-run
 * --control-link, vmm/control/ctlmux.h), is passed to the vmm inside in this
 * variable; that vmm connects each client that comes over the port to its
 * own socket, and names the host path as its socket.
 */
#define CONTROL_HOST_ENV	"MEMVISOR_CONTROL_HOST"
#define CONTROL_PORT_NAME	"memvisor-control"

/*
 * Before the re-run inside the nested runner: @path (NULL: the default) in
 * @buf, checked and cleared the way vmm's own socket is (a stale socket
 * removed, a file or a live socket refused).
 */
int control_host_path(const char *path, char *buf, size_t len,
		      struct errbuf *e);

/*
 * Starts serving @path (NULL: the default) for @vm; says where on stderr.
 * Nested with CONTROL_HOST_ENV set, it serves a private socket, forwards
 * the runner's port to it and names the host's path.
 */
int control_start(struct vm *vm, const char *path, unsigned int max_clients,
		  struct errbuf *e);

/* Tells every client how the VM ended (SHUTDOWN, GUEST_PANICKED). */
void control_announce_end(struct vm *vm, enum vm_end end);

/* Flushes and drops every client, removes the socket, stops forwarding. */
void control_stop(struct vm *vm);

/*
 * The control room's side of the devices (vmm/io/page_state.h): the
 * inspector's O(1) page look, and DMA faults as events. Its opaque is the
 * struct vm.
 */
struct device_control;
extern const struct device_control control_devices;

/*
 * Events the other rooms raise; the JSON is made here. Guest strings
 * (@comm, @file, @msg) may hold any bytes: they are escaped to UTF-8.
 */
void control_event_alloc_failure(struct vm *vm, unsigned int cpu,
				 unsigned int order, unsigned int gfp,
				 const char *comm);
void control_event_sleep_bug(struct vm *vm, unsigned int cpu,
			     const char *file, unsigned int line,
			     const char *msg);

/*
 * A module request's outcome (io/modq.h) as MODULE_LOADED, MODULE_UNLOADED
 * or MODULE_FAILED (module_cmds.c).
 */
struct modq_done;
void control_event_module_done(struct vm *vm, const struct modq_done *d);
struct allocq_result;
/* An allocation request's outcome: event ALLOC_DONE (alloc_cmds.c). */
void control_event_alloc_done(struct vm *vm, const struct allocq_result *r);

#endif
