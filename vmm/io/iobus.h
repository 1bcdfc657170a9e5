/* SPDX-License-Identifier: MIT */
/*
 * Who handles a port or MMIO exit: a small table of {range, handler}. The
 * hypercall ports register here; emulated devices (devices/) will register
 * their ports or MMIO windows the same way. An access no range claims is a
 * guest crash.
 */
#ifndef VMM_IOBUS_H
#define VMM_IOBUS_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

#define IOBUS_MAX	16

struct vcpu;

struct io_access {
	struct vcpu *vcpu;
	uint64_t addr;		/* port or guest-physical address */
	uint8_t *data;		/* size * count bytes, in kvm_run */
	uint32_t size;		/* bytes per access: 1, 2, 4 (or 8 for MMIO) */
	uint32_t count;		/* > 1 for string port I/O */
	bool write;		/* guest -> device */
	struct errbuf *err;	/* why, for IO_FATAL */
};

enum io_result {
	IO_DONE = 0,		/* handled; the vCPU goes on */
	IO_STOP = 1,		/* the VM is ending (the handler said how) */
	IO_FATAL = -1,		/* the guest broke the device's protocol */
};

typedef enum io_result (*io_handler_t)(void *opaque, struct io_access *a);

struct io_range {
	uint64_t base;
	uint64_t len;
	io_handler_t fn;
	void *opaque;
	const char *name;
};

struct iobus {
	struct io_range r[IOBUS_MAX];
	unsigned int nr;
};

/* -EINVAL (empty/wrapping), -EEXIST (overlap), -ENOSPC. Setup only. */
int iobus_register(struct iobus *bus, uint64_t base, uint64_t len,
		   io_handler_t fn, void *opaque, const char *name);

/* The range that holds all of [addr, addr+len), or NULL. */
const struct io_range *iobus_find(const struct iobus *bus, uint64_t addr,
				  uint64_t len);

#endif
