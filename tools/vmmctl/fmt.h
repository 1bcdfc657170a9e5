/* SPDX-License-Identifier: MIT */
/*
 * The output formats: each turns a QMP "return" value (shaped as
 * vmm/control/README.md says) into the familiar text - /proc/zoneinfo,
 * /proc/buddyinfo, /proc/slabinfo 2.1, QEMU's gva2gpa and `info tlb`,
 * xxd, `virsh dommemstat` - on @out. Pure: no I/O but @out, so the tests
 * feed them canned JSON. Each returns 0, or -1 with a one-line reason in
 * @e when the value is not shaped as expected (what it printed so far
 * stays printed).
 */
#ifndef VMMCTL_FMT_H
#define VMMCTL_FMT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct fmt_err {
	char msg[256];
};

typedef int (*fmt_fn)(FILE *out, json_t *ret, struct fmt_err *e);

/* fmt_util.c: helpers for the formatters */
int fmt_fail(struct fmt_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* @key of @obj as an integer; 0 if absent or not an integer. */
long long fmt_int(json_t *obj, const char *key);
/* @key of @obj as a string; @def if absent or not a string. */
const char *fmt_str(json_t *obj, const char *key, const char *def);
/* The array @key of @obj, or NULL with @e filled in. */
json_t *fmt_array(json_t *obj, const char *key, struct fmt_err *e);
/* Prints a "flags" value: an array of names, a string or a number. */
void fmt_flags(FILE *out, json_t *flags);

/* fmt_vm.c: QMP's own commands, as QEMU's HMP prints them */
int fmt_status(FILE *out, json_t *ret, struct fmt_err *e);
int fmt_version(FILE *out, json_t *ret, struct fmt_err *e);
int fmt_commands(FILE *out, json_t *ret, struct fmt_err *e);
int fmt_nothing(FILE *out, json_t *ret, struct fmt_err *e);

/* fmt_zoneinfo.c, fmt_buddyinfo.c, fmt_slabinfo.c: /proc's layouts */
int fmt_zoneinfo(FILE *out, json_t *ret, struct fmt_err *e);
int fmt_buddyinfo(FILE *out, json_t *ret, struct fmt_err *e);
int fmt_slabinfo(FILE *out, json_t *ret, struct fmt_err *e);
/* fmt_vmallocinfo.c: /proc/vmallocinfo */
int fmt_vmallocinfo(FILE *out, json_t *ret, struct fmt_err *e);
/* fmt_dma.c: the DMA engine (query-dma) */
int fmt_dma(FILE *out, json_t *ret, struct fmt_err *e);
/* fmt_check.c */
int fmt_check(FILE *out, json_t *ret, struct fmt_err *e);

/* fmt_physmem.c: e820, memblock, mempools, page owner, memstat, dirty */
int fmt_e820(FILE *out, json_t *ret, struct fmt_err *e);
int fmt_memblock(FILE *out, json_t *ret, struct fmt_err *e);
int fmt_mempools(FILE *out, json_t *ret, struct fmt_err *e);
int fmt_owner(FILE *out, json_t *ret, struct fmt_err *e);
int fmt_memstat(FILE *out, json_t *ret, struct fmt_err *e);
int fmt_dirty(FILE *out, json_t *ret, struct fmt_err *e);
/*
 * fmt_module.c: the event that ended an insmod or rmmod (its "data"):
 * nothing but a load's test summary ("scullc: 4 tests passed"); an
 * unload's leaks one per line, or "NAME: no leaks".
 */
int fmt_insmod(FILE *out, json_t *ret, struct fmt_err *e);
int fmt_rmmod(FILE *out, json_t *ret, struct fmt_err *e);
/* query-modules as /proc/modules: "scullc 16384 0 - Live 0xffff... (O)" */
int fmt_lsmod(FILE *out, json_t *ret, struct fmt_err *e);

/*
 * fmt_workload.c: the guest's workloads, a line each; the rate since
 * @prev's reading (NULL: the average since each started).
 */
int fmt_workload_table(FILE *out, json_t *ret, json_t *prev,
		       struct fmt_err *e);
int fmt_workloads(FILE *out, json_t *ret, struct fmt_err *e);
/* fmt_alloc.c: ALLOC_DONE's data */
int fmt_alloc(FILE *out, json_t *ret, struct fmt_err *e);
int fmt_allocs(FILE *out, json_t *ret, struct fmt_err *e);
/* fmt_percpu.c: /sys/kernel/debug/percpu_stats, then one line per chunk */
int fmt_percpu(FILE *out, json_t *ret, struct fmt_err *e);

/* fmt_pagewalk.c: the page-walk trace, the address-space dump */
int fmt_translate(FILE *out, json_t *ret, struct fmt_err *e);
int fmt_mappings(FILE *out, json_t *ret, struct fmt_err *e);

/* fmt_hexdump.c: xxd's layout, 16 bytes a line, from @addr */
void fmt_hexdump(FILE *out, uint64_t addr, const unsigned char *data,
		 size_t len);
/* A read-phys/read-virt answer {"addr", "size", "data": "hex"} as xxd. */
int fmt_memory(FILE *out, json_t *ret, struct fmt_err *e);

/* --json: the return value itself. */
int fmt_json(FILE *out, json_t *ret, struct fmt_err *e);

#endif
