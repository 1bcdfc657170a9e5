/* SPDX-License-Identifier: MIT */
/*
 * The guest kernel's symbols, from its ELF image's .symtab, so that the
 * VMM names code addresses as Linux's %pS does: "vfree+0x1c/0x90". Crash
 * reports, backtraces and vmallocinfo's callers use it. The image is
 * untrusted: every offset, size and name is checked before it is read, and
 * an image without a symbol table (stripped) gives an empty table.
 */
#ifndef VMM_KSYMS_H
#define VMM_KSYMS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define KSYMS_MAX	(1U << 20)	/* symbols kept from one image */
#define KSYM_NAME_MAX	128		/* longer names are cut */
/* ksyms_format()'s longest answer: "name+0x<16 digits>/0x<16 digits>" */
#define KSYM_FORMAT_MAX	(KSYM_NAME_MAX + 40)

struct ksym {
	uint64_t addr;
	uint64_t size;		/* st_size, or to its section's end for a label */
	uint32_t name;		/* st_name: offset in ksyms.names */
};

struct ksyms {
	struct ksym *syms;	/* sorted by address */
	size_t nr;
	char *names;		/* the image's string table, copied */
	size_t names_len;
};

/*
 * Reads the function symbols of the ELF64 image @buf (@len bytes). 0 (the
 * table may be empty), or -1 with the reason in @e for a malformed symbol
 * table; @ks is then empty. Free with ksyms_free().
 */
int ksyms_load(struct ksyms *ks, const void *buf, size_t len, struct errbuf *e);
void ksyms_free(struct ksyms *ks);

/*
 * "name+0xoff/0xsize" for @addr into @out (always terminated); -1 (and an
 * empty string) when no symbol covers it or @ks is NULL.
 */
int ksyms_format(const struct ksyms *ks, uint64_t addr, char *out, size_t len);

#endif
