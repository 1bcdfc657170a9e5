/* SPDX-License-Identifier: MIT */
/*
 * The inspection commands: each answers from guest memory, read by the VMM
 * itself (see inspect.h). Their table entries, for qmp_cmds.c.
 */
#ifndef VMM_CONTROL_INSPECT_CMDS_H
#define VMM_CONTROL_INSPECT_CMDS_H

#include "alloc_cmds.h"
#include "check_cmds.h"
#include "dma_cmds.h"
#include "module_cmds.h"
#include "module_read.h"
#include "qmp.h"
#include "page_owner.h"
#include "percpu_cmds.h"
#include "physmap.h"
#include "slab_cmds.h"
#include "translate_cmds.h"
#include "vmalloc_cmds.h"
#include "workload_cmds.h"
#include "workload_read.h"
#include "zone_cmds.h"

#define INSPECT_COMMANDS \
	ZONE_COMMANDS \
	SLAB_COMMANDS \
	PAGE_OWNER_COMMANDS \
	PHYSMAP_COMMANDS \
	PERCPU_COMMANDS \
	TRANSLATE_COMMANDS \
	VMALLOC_COMMANDS \
	DMA_COMMANDS \
	MODULE_COMMANDS \
	MODULE_READ_COMMANDS \
	WORKLOAD_READ_COMMANDS \
	WORKLOAD_COMMANDS \
	ALLOC_COMMANDS \
	CHECK_COMMANDS

#endif
