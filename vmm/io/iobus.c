// SPDX-License-Identifier: MIT
/* Who handles a port or MMIO exit. */
#include <errno.h>

#include "iobus.h"

int iobus_register(struct iobus *bus, uint64_t base, uint64_t len,
		   io_handler_t fn, void *opaque, const char *name)
{
	unsigned int i;

	if (!len || base + len < base || !fn)
		return -EINVAL;
	if (bus->nr >= IOBUS_MAX)
		return -ENOSPC;
	for (i = 0; i < bus->nr; i++)
		if (base < bus->r[i].base + bus->r[i].len &&
		    bus->r[i].base < base + len)
			return -EEXIST;
	bus->r[bus->nr++] = (struct io_range){
		.base = base, .len = len, .fn = fn, .opaque = opaque,
		.name = name,
	};
	return 0;
}

const struct io_range *iobus_find(const struct iobus *bus, uint64_t addr,
				  uint64_t len)
{
	unsigned int i;

	for (i = 0; i < bus->nr; i++) {
		const struct io_range *r = &bus->r[i];

		if (addr >= r->base && addr - r->base < r->len &&
		    len <= r->len - (addr - r->base))
			return r;
	}
	return NULL;
}
