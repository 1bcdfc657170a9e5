/* SPDX-License-Identifier: MIT */
/*
 * query-dma: the DMA engine's registers, counters and last faults, and the
 * DMA_FAULT event the VMM sends for each fault (devices/dmadev.h).
 */
#ifndef VMM_CONTROL_DMA_CMDS_H
#define VMM_CONTROL_DMA_CMDS_H

#include <jansson.h>

#include "dmadev.h"
#include "qmp.h"

struct ksyms;

/* The command's "return" object for @s (pure; callers named from @ks, may be NULL). */
json_t *dma_snapshot_json(const struct dmadev_snapshot *s,
			  const struct ksyms *ks);
/* One fault, as in query-dma's "faults" and the event's data (pure). */
json_t *dma_fault_json(const struct dmadev_fault *f, const struct ksyms *ks);

/* device_control's dma_fault for the struct vm @opaque: DMA_FAULT. */
void dma_fault_event(void *opaque, const struct dmadev_fault *f);

json_t *cmd_query_dma(struct qmp_ctx *ctx, json_t *args,
		      struct qmp_error *err);

#define DMA_COMMANDS							\
	{ .name = QMP_VENDOR "query-dma", .fn = cmd_query_dma },

#endif
