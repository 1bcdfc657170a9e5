/* SPDX-License-Identifier: MIT */
/*
 * Workloads: the limits the VMM (vmm --workload, query-workloads) and the
 * guest (<linux/workload.h>, workload= on its command line) share. The
 * counters themselves are read by the image's DWARF (struct workload in
 * the array 'workloads'), not through a fixed ABI.
 */
#ifndef MEMVISOR_WORKLOAD_H
#define MEMVISOR_WORKLOAD_H

#define MV_WORKLOAD_MAX		8	/* workloads at once (slots) */
#define MV_WORKLOAD_NAME_MAX	16	/* a name's bytes with its NUL */
#define MV_WORKLOAD_PARAMS_MAX	96	/* "k=v,..." with its NUL */
#define MV_WORKLOAD_THREADS_MAX	4	/* threads= at most */

#endif
