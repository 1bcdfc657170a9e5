// SPDX-License-Identifier: MIT
/*
 * The guest kernel's DWARF and symbols (debuginfo.h), over libdw/libelf.
 * Types are found by a linear search of each compile unit's top-level DIEs
 * (a kernel defines each struct once, in a header every user includes), and
 * the ones found are remembered: resolving the inspector's whole table
 * searches once per struct, not once per field.
 */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debuginfo.h"

#define DI_CACHE	32		/* types remembered */
#define DI_NAME_MAX	64		/* a type's name, as asked */
#define DI_FILE_MAX	(1UL << 30)	/* a kernel file we read whole */

struct di_type {
	char name[DI_NAME_MAX];
	Dwarf_Die die;			/* the struct or union, complete */
};

struct debuginfo {
	Elf *elf;
	Dwarf *dw;
	void *owned;			/* the file's bytes (open_file) */
	char name[128];
	struct di_type cache[DI_CACHE];
	unsigned int nr_cache;
};

/* ---- Opening ------------------------------------------------------------ */

int debuginfo_open(struct debuginfo **out, const void *buf, size_t len,
		   const char *name, struct errbuf *e)
{
	struct debuginfo *di;
	GElf_Ehdr eh;

	*out = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return errf(e, "%s: libelf: %s", name, elf_errmsg(-1));
	di = calloc(1, sizeof(*di));
	if (!di)
		return errf(e, "%s: out of memory", name);
	snprintf(di->name, sizeof(di->name), "%s", name);
	/* libelf reads the image in place; it writes only for ET_REL relocation */
	di->elf = elf_memory((char *)buf, len);
	if (!di->elf || elf_kind(di->elf) != ELF_K_ELF || !gelf_getehdr(di->elf, &eh)) {
		errf(e, "%s: not an ELF image", name);
		goto fail;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		errf(e, "%s: ELF type %u is not an executable", name, eh.e_type);
		goto fail;
	}
	/* without DWARF, symbols still answer; type queries say why not */
	di->dw = dwarf_begin_elf(di->elf, DWARF_C_READ, NULL);
	*out = di;
	return 0;

fail:
	debuginfo_close(di);
	return -1;
}

/* The whole of @path into a new buffer: *@len bytes. 0, or -1 with @e. */
static int read_whole(const char *path, void **buf, size_t *len,
		      struct errbuf *e)
{
	struct stat st;
	size_t done = 0;
	int fd, ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errf(e, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > DI_FILE_MAX) {
		errf(e, "%s: not a regular file of 1 byte to 1 GiB", path);
		goto out;
	}
	*len = st.st_size;
	*buf = malloc(*len);
	if (!*buf) {
		errf(e, "%s: out of memory", path);
		goto out;
	}
	while (done < *len) {
		ssize_t n = read(fd, (char *)*buf + done, *len - done);

		if (n <= 0) {
			errf(e, "%s: read: %s", path, n ? strerror(errno) : "short file");
			free(*buf);
			goto out;
		}
		done += n;
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

int debuginfo_open_file(struct debuginfo **out, const char *path,
			struct errbuf *e)
{
	void *buf = NULL;
	size_t len = 0;

	*out = NULL;
	if (read_whole(path, &buf, &len, e))
		return -1;
	if (debuginfo_open(out, buf, len, path, e)) {
		free(buf);
		return -1;
	}
	(*out)->owned = buf;
	return 0;
}

const char *debuginfo_name(const struct debuginfo *di)
{
	return di->name;
}

void debuginfo_close(struct debuginfo *di)
{
	if (!di)
		return;
	if (di->dw)
		dwarf_end(di->dw);
	if (di->elf)
		elf_end(di->elf);
	free(di->owned);
	free(di);
}

/* ---- Walking the top-level DIEs ----------------------------------------- */

/* Sees a top-level DIE; returns 1 to stop the walk (found), else 0. */
typedef int (*di_visit_fn)(Dwarf_Die *die, void *opaque);

/*
 * Calls @fn on every top-level DIE of every compile unit, at most
 * DI_MAX_DIES of them. 1 if @fn stopped it, 0 at the end, -1 over budget,
 * -2 without DWARF.
 */
static int walk_top(struct debuginfo *di, di_visit_fn fn, void *opaque)
{
	unsigned long budget = DI_MAX_DIES;
	Dwarf_Off off = 0, next;
	size_t hsize;

	if (!di->dw)
		return -2;

	while (dwarf_nextcu(di->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, die;
		int r;

		if (dwarf_offdie(di->dw, off + hsize, &cu) &&
		    dwarf_child(&cu, &die) == 0) {
			do {
				if (!budget--)
					return -1;
				r = fn(&die, opaque);
				if (r)
					return r;
			} while (dwarf_siblingof(&die, &die) == 0);
		}
		if (next <= off)
			break;	/* a unit that does not advance: stop */
		off = next;
	}
	return 0;
}

/*
 * walk_top() until @fn finds "@kind@name": 0, or -1 with "no @kind@name in
 * the debug info" (or no DWARF, or over budget) in @e.
 */
static int search(struct debuginfo *di, di_visit_fn fn, void *opaque,
		  const char *kind, const char *name, struct errbuf *e)
{
	switch (walk_top(di, fn, opaque)) {
	case 1:
		return 0;
	case 0:
		return errf(e, "no %s%s in the debug info", kind, name);
	case -2:
		return errf(e, "no DWARF debug info (built without -g, or stripped?)");
	default:
		return errf(e, "more than %lu DIEs searched for %s%s", DI_MAX_DIES,
			    kind, name);
	}
}

/* @die's DW_AT_type, with typedefs and qualifiers peeled. False if none. */
static bool peeled_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;
	Dwarf_Die cur = *die;

	for (int i = 0; i < DI_MAX_DEPTH; i++) {
		if (!dwarf_attr(&cur, DW_AT_type, &a) || !dwarf_formref_die(&a, out))
			return false;
		switch (dwarf_tag(out)) {
		case DW_TAG_typedef:
		case DW_TAG_const_type:
		case DW_TAG_volatile_type:
		case DW_TAG_restrict_type:
		case DW_TAG_atomic_type:
			cur = *out;
			continue;
		default:
			return true;
		}
	}
	return false;
}

static bool is_aggregate(Dwarf_Die *die)
{
	int tag = dwarf_tag(die);

	return (tag == DW_TAG_structure_type || tag == DW_TAG_union_type) &&
	       !dwarf_hasattr(die, DW_AT_declaration);
}

struct type_query {
	int tag;		/* struct/union tag, or DW_TAG_typedef */
	const char *name;
	Dwarf_Die found;
};

static int match_type(Dwarf_Die *die, void *opaque)
{
	struct type_query *q = opaque;
	const char *name;

	if (dwarf_tag(die) != q->tag)
		return 0;
	name = dwarf_diename(die);
	if (!name || strcmp(name, q->name))
		return 0;
	if (q->tag != DW_TAG_typedef) {
		if (!is_aggregate(die))
			return 0;	/* a declaration: the definition is elsewhere */
		q->found = *die;
		return 1;
	}
	return peeled_type(die, &q->found) && is_aggregate(&q->found);
}

/* The struct or union @type names ("struct zone", "mempool_t"). 0 or -1. */
static int find_type(struct debuginfo *di, const char *type, Dwarf_Die *out,
		     struct errbuf *e)
{
	struct type_query q = { .tag = DW_TAG_typedef, .name = type };
	struct di_type *c;

	if (strlen(type) >= DI_NAME_MAX)
		return errf(e, "%.*s...: type name too long", DI_NAME_MAX, type);
	for (unsigned int i = 0; i < di->nr_cache; i++) {
		if (!strcmp(di->cache[i].name, type)) {
			*out = di->cache[i].die;
			return 0;
		}
	}
	if (!strncmp(type, "struct ", 7)) {
		q.tag = DW_TAG_structure_type;
		q.name = type + 7;
	} else if (!strncmp(type, "union ", 6)) {
		q.tag = DW_TAG_union_type;
		q.name = type + 6;
	}
	if (search(di, match_type, &q, "", type, e))
		return -1;
	*out = q.found;
	if (di->nr_cache < DI_CACHE) {
		c = &di->cache[di->nr_cache++];
		snprintf(c->name, sizeof(c->name), "%s", type);
		c->die = q.found;
	}
	return 0;
}

/* ---- Types and members -------------------------------------------------- */

int debuginfo_sizeof(struct debuginfo *di, const char *type, uint64_t *size,
		     struct errbuf *e)
{
	Dwarf_Word sz;
	Dwarf_Die die;

	if (find_type(di, type, &die, e))
		return -1;
	if (dwarf_aggregate_size(&die, &sz))
		return errf(e, "%s has no size", type);
	*size = sz;
	return 0;
}

/* A member's offset in its parent: -1 (with @why) for what we cannot read. */
static int member_offset(Dwarf_Die *m, uint64_t *off, const char **why)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (dwarf_hasattr(m, DW_AT_bit_size) || dwarf_hasattr(m, DW_AT_data_bit_offset)) {
		*why = "is a bit-field";
		return -1;
	}
	*off = 0;	/* a union's members have no location */
	if (!dwarf_attr(m, DW_AT_data_member_location, &a))
		return 0;
	if (dwarf_formudata(&a, &w)) {
		*why = "has a location expression, not an offset";
		return -1;
	}
	*off = w;
	return 0;
}

/*
 * The member @name (@len bytes) of the aggregate @agg, looking into its
 * anonymous structs and unions: 1 and *@m, *@off (from @agg's start); 0 if
 * there is none; -1 with @why for one we cannot read.
 */
static int find_member(Dwarf_Die *agg, const char *name, size_t len,
		       unsigned int depth, Dwarf_Die *m, uint64_t *off,
		       const char **why)
{
	Dwarf_Die child, inner;
	unsigned long budget = DI_MAX_DIES;

	if (depth > DI_MAX_DEPTH || dwarf_child(agg, &child))
		return 0;
	do {
		const char *cn;
		uint64_t moff, ioff;
		int r;

		if (!budget--)
			return 0;
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		cn = dwarf_diename(&child);
		if (cn && strlen(cn) == len && !memcmp(cn, name, len)) {
			*m = child;
			return member_offset(&child, off, why) ? -1 : 1;
		}
		if (cn || !peeled_type(&child, &inner) || !is_aggregate(&inner))
			continue;
		r = find_member(&inner, name, len, depth + 1, m, &ioff, why);
		if (r <= 0) {
			if (r < 0)
				return r;
			continue;
		}
		if (member_offset(&child, &moff, why))
			return -1;
		*off = moff + ioff;
		return 1;
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

/* An array type's element count from its first dimension; 0 if unknown. */
static uint64_t array_count(Dwarf_Die *array)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	Dwarf_Die sub;

	if (dwarf_child(array, &sub))
		return 0;
	do {
		if (dwarf_tag(&sub) != DW_TAG_subrange_type)
			continue;
		if (dwarf_attr(&sub, DW_AT_count, &a))
			return dwarf_formudata(&a, &w) ? 0 : w;
		if (dwarf_attr(&sub, DW_AT_upper_bound, &a))
			return dwarf_formudata(&a, &w) || w == UINT64_MAX ? 0 : w + 1;
		return 0;
	} while (dwarf_siblingof(&sub, &sub) == 0);
	return 0;
}

/* Size (and, for an array, element size and count) of member @m. */
static int member_size(Dwarf_Die *m, struct di_member *out, const char **why)
{
	Dwarf_Attribute a;
	Dwarf_Die type, peeled;
	Dwarf_Word sz;

	if (!dwarf_attr(m, DW_AT_type, &a) || !dwarf_formref_die(&a, &type) ||
	    dwarf_aggregate_size(&type, &sz)) {
		*why = "has no size (an array of unknown length?)";
		return -1;
	}
	out->size = sz;
	out->elem_size = out->count = 0;
	if (!peeled_type(m, &peeled) || dwarf_tag(&peeled) != DW_TAG_array_type)
		return 0;
	out->count = array_count(&peeled);
	if (!out->count || sz % out->count) {
		*why = "is an array of unknown length";
		return -1;
	}
	out->elem_size = sz / out->count;
	return 0;
}

int debuginfo_member(struct debuginfo *di, const char *type, const char *path,
		     struct di_member *out, struct errbuf *e)
{
	const char *p = path, *why = NULL;
	Dwarf_Die agg, m;
	uint64_t base = 0;

	if (strlen(path) >= DI_MAX_PATH || !*path)
		return errf(e, "%s: bad member path '%.32s'", type, path);
	if (find_type(di, type, &agg, e))
		return -1;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		uint64_t off;
		int r;

		r = find_member(&agg, p, len, 0, &m, &off, &why);
		if (r == 0)
			return errf(e, "%s has no member '%.*s'", type,
				    (int)(p - path + len), path);
		if (r < 0)
			return errf(e, "%s: member '%.*s' %s", type,
				    (int)(p - path + len), path, why);
		base += off;
		if (!dot)
			break;
		if (!peeled_type(&m, &agg) || !is_aggregate(&agg))
			return errf(e, "%s: member '%.*s' is not a struct or union",
				    type, (int)(p - path + len), path);
		p = dot + 1;
	}
	if (member_size(&m, out, &why))
		return errf(e, "%s: member '%s' %s", type, path, why);
	out->off = base;
	return 0;
}

/* ---- Enumerators -------------------------------------------------------- */

struct enum_query {
	const char *name;
	uint64_t value;
	bool bad;
};

static int match_enumerator(Dwarf_Die *die, void *opaque)
{
	struct enum_query *q = opaque;
	Dwarf_Attribute a;
	Dwarf_Sword s;
	Dwarf_Word u;
	Dwarf_Die child;
	unsigned long budget = DI_MAX_DIES;

	if (dwarf_tag(die) != DW_TAG_enumeration_type || dwarf_child(die, &child))
		return 0;
	do {
		const char *name = dwarf_diename(&child);

		if (!budget--)
			return 0;
		if (dwarf_tag(&child) != DW_TAG_enumerator || !name ||
		    strcmp(name, q->name))
			continue;
		if (!dwarf_attr(&child, DW_AT_const_value, &a)) {
			q->bad = true;
			return 1;
		}
		if (dwarf_whatform(&a) == DW_FORM_sdata) {
			q->bad = dwarf_formsdata(&a, &s) != 0;
			q->value = (uint64_t)s;
		} else {
			q->bad = dwarf_formudata(&a, &u) != 0;
			q->value = u;
		}
		return 1;
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

int debuginfo_enum(struct debuginfo *di, const char *name, uint64_t *value,
		   struct errbuf *e)
{
	struct enum_query q = { .name = name };

	if (search(di, match_enumerator, &q, "enumerator ", name, e))
		return -1;
	if (q.bad)
		return errf(e, "enumerator %s has no readable value", name);
	*value = q.value;
	return 0;
}

/* ---- Symbols ------------------------------------------------------------ */

/* Looks for @name in one symbol table section; counts distinct matches. */
static void scan_symtab(struct debuginfo *di, Elf_Scn *scn, GElf_Shdr *sh,
			const char *name, GElf_Sym *found, unsigned int *nr)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n;

	if (!data || !sh->sh_entsize)
		return;
	n = data->d_size / sh->sh_entsize;
	for (size_t i = 1; i < n; i++) {
		GElf_Sym s;
		const char *sn;
		int type;

		if (!gelf_getsym(data, i, &s))
			break;
		type = GELF_ST_TYPE(s.st_info);
		if (s.st_shndx == SHN_UNDEF || type == STT_SECTION || type == STT_FILE)
			continue;
		sn = elf_strptr(di->elf, sh->sh_link, s.st_name);
		if (!sn || strcmp(sn, name))
			continue;
		if (*nr && found->st_value == s.st_value)
			continue;	/* an alias at the same place */
		*found = s;
		++*nr;
	}
}

int debuginfo_symbol(struct debuginfo *di, const char *name, uint64_t *addr,
		     uint64_t *size, struct errbuf *e)
{
	Elf_Scn *scn = NULL;
	GElf_Sym found;
	unsigned int nr = 0;

	while ((scn = elf_nextscn(di->elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			scan_symtab(di, scn, &sh, name, &found, &nr);
	}
	if (!nr) {
		errf(e, "no symbol %s", name);
		return 1;
	}
	if (nr > 1)
		return errf(e, "%u different symbols named %s", nr, name);
	*addr = found.st_value;
	*size = found.st_size;
	return 0;
}
