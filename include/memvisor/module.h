/* SPDX-License-Identifier: MIT */
/*
 * Loadable modules: how the VMM hands a module (.ko) to the guest's loader
 * thread and hears back, shared by vmm/hypercall/ and guestmm/kernel/.
 *
 * The VMM queues requests (insmod/rmmod from QMP, --module at boot) and
 * sends MSI MV_MODULE_VECTOR to APIC ID 0 for each one. The guest's loader
 * thread (kmodd, process context) wakes, and, once at start and after each
 * interrupt until it gets MV_MODULE_REQ_NONE, asks for the next request:
 *
 *   HC_MODULE, op FETCH: the VMM fills id, kind, size, name and params.
 *   HC_MODULE, op READ:  the VMM copies bytes [offset, +len) of request id's
 *                        image to guest-physical gpa (len <= MV_PAGE_SIZE,
 *                        within one page, within guest RAM).
 *   HC_MODULE, op LEAK:  one leak record of an unload (see below), any
 *                        number of them before DONE.
 *   HC_MODULE, op DONE:  the request's outcome: status 0 or -errno, msg a
 *                        one-line reason when it failed, base/size the
 *                        module's core (load), tests run/failed; name, a
 *                        loaded module's own (.modinfo's) name.
 *
 * The value written to the port is the gpa of one struct mv_hc_module (the
 * guest keeps it in .bss, below 4 GiB). The VMM copies it, validates the
 * copy, and writes back only FETCH's answer. Requests are answered in
 * order; a request id the VMM does not know is refused with -ENOENT in
 * result.
 */
#ifndef MEMVISOR_MODULE_H
#define MEMVISOR_MODULE_H

#include <memvisor/types.h>

#define MV_MODULE_VECTOR	0x41		/* the loader's MSI */
#define MV_MODULE_NAME_MAX	56		/* Linux's MODULE_NAME_LEN: 64 - 8 */
#define MV_MODULE_PARAMS_MAX	1024		/* "a=1 b=two", NUL-terminated */
#define MV_MODULE_MSG_MAX	256
#define MV_MODULE_IMAGE_MAX	(16U << 20)	/* bytes of one .ko */
#define MV_MODULE_QUEUE_MAX	16		/* requests waiting in the VMM */

/* Module area: within 2 GiB of the kernel's text, as Linux's MODULES_VADDR. */
#define MV_MODULES_BASE		0xffffffffc0000000ULL
#define MV_MODULES_END		0xfffffffffe000000ULL

enum mv_module_op {
	MV_MODULE_OP_FETCH = 0,
	MV_MODULE_OP_READ = 1,
	MV_MODULE_OP_LEAK = 2,
	MV_MODULE_OP_DONE = 3,
};

enum mv_module_req_kind {
	MV_MODULE_REQ_NONE = 0,		/* nothing queued */
	MV_MODULE_REQ_LOAD = 1,		/* size bytes of image, params */
	MV_MODULE_REQ_UNLOAD = 2,	/* name */
};

/* What a module left behind at unload, one record each (op LEAK). */
enum mv_module_leak_kind {
	MV_LEAK_CACHE = 0,	/* a cache it created, still there: what = its name */
	MV_LEAK_OBJECTS = 1,	/* objects still allocated in such a cache */
	MV_LEAK_PAGES = 2,	/* pages it allocated and did not free */
	MV_LEAK_VMALLOC = 3,	/* a vmalloc/vmap/ioremap area it did not free */
	MV_LEAK_PERCPU = 4,	/* a per-CPU allocation it did not free */
	MV_LEAK_MEMPOOL = 5,	/* a mempool it created and did not destroy */
};

#define MV_LEAK_WHAT_MAX	64

struct mv_module_leak {
	mv_u32 kind;		/* enum mv_module_leak_kind */
	mv_u32 reserved;
	mv_u64 count;		/* objects, pages, areas or allocations */
	mv_u64 bytes;
	mv_u64 addr;		/* one example: an object, page (pfn), area */
	mv_u64 caller_offset;	/* caller's offset in the module's core */
	char what[MV_LEAK_WHAT_MAX];	/* cache name or caller symbol; NUL-ended */
};

struct mv_hc_module {
	mv_u32 op;		/* enum mv_module_op */
	mv_s32 result;		/* VMM -> guest: 0 or -errno */
	mv_u64 id;		/* the request */
	/* FETCH answer (VMM -> guest) */
	mv_u32 kind;		/* enum mv_module_req_kind */
	mv_u32 reserved;
	mv_u64 size;		/* LOAD: image bytes */
	char name[MV_MODULE_NAME_MAX];	/* UNLOAD: the module; LOAD: the file's */
	char params[MV_MODULE_PARAMS_MAX];
	/* READ (guest -> VMM) */
	mv_u64 offset;
	mv_u64 gpa;
	mv_u64 len;
	/* LEAK (guest -> VMM) */
	struct mv_module_leak leak;
	/* DONE (guest -> VMM) */
	mv_s32 status;		/* 0 or -errno */
	mv_u32 tests_run;	/* the module's ktest cases, run after init */
	mv_u32 tests_failed;
	mv_u32 nr_leaks;	/* UNLOAD: LEAK records sent */
	mv_u64 base;		/* LOAD: core address; UNLOAD: the one it had */
	mv_u64 core_size;	/* bytes */
	char msg[MV_MODULE_MSG_MAX];	/* why it failed; NUL-terminated */
};

#endif
