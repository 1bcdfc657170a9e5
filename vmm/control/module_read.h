/* SPDX-License-Identifier: MIT */
/*
 * query-modules: the guest's loaded modules (struct module on the list
 * 'modules' heads, fields by the image's layout), read by the VMM itself
 * through its page walk and gmem, as /proc/modules has them. The walk is
 * bounded and cycle-checked (insp_walk_list()); a module's name is a guest
 * string (escaped, and one that fills its array without a NUL is named);
 * a state the VMM does not know or a core outside the module area is named
 * in "inconsistencies" and the walk goes on; a node it cannot read, or
 * whose prev is not the node before (so a loop lists no module twice),
 * is named and ends it. An answer
 * lists at most MODULES_PAGE modules; the next page starts after its last
 * module's addr ("start-after"). A kernel without module support (no
 * symbol 'modules') is one error line, not damage.
 */
#ifndef VMM_CONTROL_MODULE_READ_H
#define VMM_CONTROL_MODULE_READ_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include <memvisor/module.h>

#include "err.h"
#include "gmem.h"
#include "inspect_query.h"
#include "qmp.h"

#define MODULES_MAX		4096	/* modules one walk reads */
#define MODULES_PAGE		1024	/* modules one answer lists */
/* A name's bytes each may become \xHH, plus its NUL. */
#define MODULE_NAME_BUF		(4 * MV_MODULE_NAME_MAX + 1)

struct insp;
struct insp_pager;
struct mm_layout;

enum module_info_state {
	MODULE_INFO_LIVE,
	MODULE_INFO_COMING,	/* init running */
	MODULE_INFO_GOING,	/* init failed, or exit running */
	MODULE_INFO_UNFORMED,	/* being linked: /proc/modules skips it */
	MODULE_INFO_UNKNOWN,	/* a value the image's enum does not have */
};

/* One struct module, as the reader found it. */
struct module_info {
	uint64_t addr;			/* the struct module's address */
	char name[MODULE_NAME_BUF];	/* valid UTF-8, bad bytes as \xHH */
	enum module_info_state state;
	uint32_t raw_state;		/* the guest's value */
	uint64_t base;			/* core_base */
	uint64_t size;			/* core_size */
	uint64_t refcnt;
	uint64_t taints;		/* 1 << Linux's TAINT_* bit */
	bool permanent;			/* init but no exit: cannot unload */
};

/*
 * insp_open() through @lay, if its kernel has modules and a struct module
 * small enough for the reader's copy: 0, or -1 with @e set (@r closed).
 */
int module_read_open(struct insp *r, const struct gmem *gm,
		     const struct mm_layout *lay, uint64_t cr3,
		     struct errbuf *e);

typedef void (*module_info_fn)(const struct module_info *m, void *arg);

/*
 * The page of modules @pager places (the key: a module's addr), read
 * through @r (module_read_open()): @fn sees each module listed, in list
 * order; what fails a check goes to @r's problems.
 */
void module_read_all(struct insp *r, struct insp_pager *pager,
		     module_info_fn fn, void *arg);

/* Linux's taint letters of a module's @taints ("PO"), into @buf. */
void module_taint_letters(uint64_t taints, char *buf, size_t size);

/*
 * The edge: a module's query-modules entry {"name", "addr", "state",
 * "size", "refcnt", "base", "taints", "permanent"?}.
 */
json_t *module_info_json(const struct module_info *m);

/*
 * The command's "return" object, or NULL with @e set (pure: no vm): the
 * page of modules @b says (NULL: the first).
 */
json_t *module_read_modules(const struct gmem *gm, uint64_t cr3,
			    const struct mm_layout *lay,
			    const struct insp_bounds *b, struct errbuf *e);

json_t *cmd_query_modules(struct qmp_ctx *ctx, json_t *args,
			  struct qmp_error *err);

#define MODULE_READ_COMMANDS						\
	{ .name = QMP_VENDOR "query-modules", .fn = cmd_query_modules,	\
	  .args = { INSP_PAGE_ARGS } },

#endif
