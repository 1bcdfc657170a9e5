/* SPDX-License-Identifier: MIT */
/*
 * The loaded guest kernel's debug info: struct layouts from its DWARF
 * (libdw, as drgn, pahole and perf read it) and object symbols from its
 * .symtab, so that the inspector reads the guest's structs as the guest's
 * compiler laid them out, from the file the user gave, not from a table the
 * running guest fills.
 *
 * Contract:
 * - The image is trusted to be the user's own kernel, but a damaged or
 *   surprising one must not hurt the VMM: every query is bounded (DIEs
 *   visited, nesting followed, path length), never crashes, and fails with
 *   one line naming what was asked and why ("struct zone has no member
 *   'free_area'", "no DWARF debug info (built without -g, or stripped?)").
 *   Query messages do not name the image: the caller knows which it is and
 *   what it wanted the answer for. Only ELF executables are opened: libdw then never writes
 *   to the buffer (it relocates only ET_REL objects).
 * - The buffer given to debuginfo_open() must stay alive and unchanged until
 *   debuginfo_close(): libdw reads it in place (it is never written).
 * - Names: "struct NAME" (or "union NAME") is a struct tag; any other name is
 *   a typedef of a struct or union ("mempool_t"). A member path is member
 *   names joined by '.' ("lock.next", "stats.total_objs"); members of
 *   anonymous structs and unions are found as if they were the parent's, as
 *   C does.
 * - Not thread-safe: one thread resolves at start, then only reads the
 *   results (vm.h).
 */
#ifndef VMM_DEBUGINFO_H
#define VMM_DEBUGINFO_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Bounds on the work one query may do, whatever the image holds. */
#define DI_MAX_DIES	(4UL << 20)	/* DIEs visited by one search */
#define DI_MAX_DEPTH	16		/* anonymous members, typedef chains */
#define DI_MAX_PATH	128		/* bytes of a member path */

struct debuginfo;

/* Where a member is: its offset in the struct and its size in bytes. */
struct di_member {
	uint64_t off;
	uint64_t size;
	/* an array: its element's size and element count (else 0 and 0) */
	uint64_t elem_size;
	uint64_t count;
};

/*
 * Opens the debug info of the ELF image @buf (@len bytes, named @name in
 * messages). 0 and *@out, or -1 with the reason in @e (not an ELF
 * executable). An image without DWARF opens: its symbols answer, and every
 * type or enumerator query says it has no debug info.
 */
int debuginfo_open(struct debuginfo **out, const void *buf, size_t len,
		   const char *name, struct errbuf *e);
/* Reads the file @path whole, then as debuginfo_open(); the copy is owned. */
int debuginfo_open_file(struct debuginfo **out, const char *path,
			struct errbuf *e);
void debuginfo_close(struct debuginfo *di);
/* The name given at open, for the caller's messages. */
const char *debuginfo_name(const struct debuginfo *di);

/* sizeof(@type). 0, or -1 with "no struct zone in the image" or the like. */
int debuginfo_sizeof(struct debuginfo *di, const char *type, uint64_t *size,
		     struct errbuf *e);

/* The member @path of @type. 0, or -1 naming the missing member. */
int debuginfo_member(struct debuginfo *di, const char *type, const char *path,
		     struct di_member *m, struct errbuf *e);

/* The value of the enumerator @name (of any enum). 0, or -1. */
int debuginfo_enum(struct debuginfo *di, const char *name, uint64_t *value,
		   struct errbuf *e);

/*
 * A data or code symbol's address and size from .symtab: 0; 1 when there
 * is none; -1 when different symbols have the name (static variables of two
 * files). @e says which.
 */
int debuginfo_symbol(struct debuginfo *di, const char *name, uint64_t *addr,
		     uint64_t *size, struct errbuf *e);

#endif
