/* SPDX-License-Identifier: MIT */
/*
 * The QMP commands vmmctl runs (vmm/control/README.md): QMP's own, and
 * memvisor's with QMP's downstream prefix.
 */
#ifndef VMMCTL_QMP_NAMES_H
#define VMMCTL_QMP_NAMES_H

#include "memvisor/control.h"	/* QMP_VENDOR */

#define QMP_QUERY_ZONES		QMP_VENDOR "query-zones"
#define QMP_QUERY_SLABINFO	QMP_VENDOR "query-slabinfo"
#define QMP_QUERY_MEMPOOLS	QMP_VENDOR "query-mempools"
#define QMP_QUERY_MEMBLOCK	QMP_VENDOR "query-memblock"
#define QMP_QUERY_E820		QMP_VENDOR "query-e820"
#define QMP_PAGE_OWNER		QMP_VENDOR "page-owner"
#define QMP_TRANSLATE		QMP_VENDOR "translate"
#define QMP_QUERY_MAPPINGS	QMP_VENDOR "query-mappings"
#define QMP_READ_PHYS		QMP_VENDOR "read-phys"
#define QMP_READ_VIRT		QMP_VENDOR "read-virt"
#define QMP_QUERY_MEMSTATS	QMP_VENDOR "query-memstats"
#define QMP_QUERY_DIRTY		QMP_VENDOR "query-dirty"
#define QMP_QUERY_VMALLOCINFO	QMP_VENDOR "query-vmallocinfo"
#define QMP_QUERY_PERCPU	QMP_VENDOR "query-percpu"
#define QMP_QUERY_DMA		QMP_VENDOR "query-dma"
#define QMP_CHECK		QMP_VENDOR "check"
#define QMP_INSMOD		QMP_VENDOR "insmod"
#define QMP_RMMOD		QMP_VENDOR "rmmod"
#define QMP_QUERY_MODULES	QMP_VENDOR "query-modules"
#define QMP_QUERY_PHYSMAP	QMP_VENDOR "query-physmap"
#define QMP_QUERY_WORKLOADS	QMP_VENDOR "query-workloads"
/* answered at once; the outcome is ALLOC_DONE (the allocation ring's) */
#define QMP_WORKLOAD_START	QMP_VENDOR "workload-start"
#define QMP_WORKLOAD_STOP	QMP_VENDOR "workload-stop"
/* The outcome of an insmod or rmmod, by its "request" */
#define QMP_EV_MODULE_LOADED	QMP_VENDOR "MODULE_LOADED"
#define QMP_EV_MODULE_UNLOADED	QMP_VENDOR "MODULE_UNLOADED"
#define QMP_EV_MODULE_FAILED	QMP_VENDOR "MODULE_FAILED"
/* Allocations from outside: V alloc, answered by ALLOC_DONE */
#define QMP_ALLOC		QMP_VENDOR "alloc"
#define QMP_EV_ALLOC_DONE	QMP_VENDOR "ALLOC_DONE"
#define QMP_EV_SLEEP_BUG	QMP_VENDOR "SLEEP_BUG"

/* One request vmm reads, at most (its QMP_MAX_REQUEST): insmod's bound. */
#define QMP_REQUEST_MAX		(1U << 20)

/* read-phys and read-virt answer at most this many bytes. */
#define QMP_READ_MAX		(64U << 10)

#endif
