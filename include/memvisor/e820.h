/* SPDX-License-Identifier: MIT */
/* The BIOS e820 memory map, as the VMM hands it to the guest. */
#ifndef MEMVISOR_E820_H
#define MEMVISOR_E820_H

#include <memvisor/types.h>

enum e820_type {
	E820_TYPE_RAM = 1,
	E820_TYPE_RESERVED = 2,
	E820_TYPE_ACPI = 3,
	E820_TYPE_NVS = 4,
	E820_TYPE_UNUSABLE = 5,
};

struct e820_entry {
	mv_u64 addr;
	mv_u64 size;
	mv_u32 type;
	mv_u32 pad;
};

#define E820_MAX_ENTRIES 128

static inline const char *e820_type_name(mv_u32 type)
{
	switch (type) {
	case E820_TYPE_RAM: return "usable";
	case E820_TYPE_RESERVED: return "reserved";
	case E820_TYPE_ACPI: return "ACPI data";
	case E820_TYPE_NVS: return "ACPI NVS";
	case E820_TYPE_UNUSABLE: return "unusable";
	}
	return "unknown";
}

#endif
