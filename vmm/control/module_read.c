// SPDX-License-Identifier: MIT
/* query-modules (module_read.h). */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "guest_str.h"
#include "inspect.h"
#include "inspect_query.h"
#include "module_read.h"

#define MAX_MODULE	4096U		/* bytes of a struct module, at most */

/* A field of the copy @c of a struct module. */
#define MF(c, f)	field_get(c, r->lay->module.size, r->lay->module.f)

int module_read_open(struct insp *r, const struct gmem *gm,
		     const struct mm_layout *lay, uint64_t cr3,
		     struct errbuf *e)
{
	if (insp_open(r, gm, lay, cr3, e))
		return -1;
	if (!lay->module.present)
		errf(e, "this kernel has no module support (its image has no symbol 'modules')");
	else if (lay->module.size > MAX_MODULE)
		errf(e, "kernel image: struct module is %u bytes, over %u",
		     lay->module.size, MAX_MODULE);
	else
		return 0;
	insp_close(r);
	return -1;
}

/*
 * Linux's module taint flags (kernel/panic.c's taint_flags[] whose
 * .module is true), in its order: the letters /proc/modules shows.
 */
static const struct { unsigned int bit; char letter; } module_taints[] = {
	{ 0, 'P' },	/* TAINT_PROPRIETARY_MODULE */
	{ 1, 'F' },	/* TAINT_FORCED_MODULE */
	{ 10, 'C' },	/* TAINT_CRAP */
	{ 12, 'O' },	/* TAINT_OOT_MODULE */
	{ 13, 'E' },	/* TAINT_UNSIGNED_MODULE */
	{ 15, 'K' },	/* TAINT_LIVEPATCH */
	{ 16, 'X' },	/* TAINT_AUX */
	{ 17, 'T' },	/* TAINT_RANDSTRUCT */
	{ 18, 'N' },	/* TAINT_TEST */
};

void module_taint_letters(uint64_t taints, char *buf, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(module_taints) / sizeof(module_taints[0]); i++)
		if (taints & (1ULL << module_taints[i].bit) && n + 1 < size)
			buf[n++] = module_taints[i].letter;
	if (size)
		buf[n] = '\0';
}

static enum module_info_state state_of(const struct mm_layout *lay, uint64_t v)
{
	if (v == lay->ms.live)
		return MODULE_INFO_LIVE;
	if (v == lay->ms.coming)
		return MODULE_INFO_COMING;
	if (v == lay->ms.going)
		return MODULE_INFO_GOING;
	if (v == lay->ms.unformed)
		return MODULE_INFO_UNFORMED;
	return MODULE_INFO_UNKNOWN;
}

/* The name from the copy @c: escaped, and named if it has no NUL. */
static void copy_name(struct insp *r, uint64_t addr, const uint8_t *c,
		      char name[MODULE_NAME_BUF])
{
	struct field_array a = r->lay->module.name;
	uint32_t len = a.count * a.elem_size;
	const char *raw = (const char *)c + a.off;
	size_t bad;

	if (len > MV_MODULE_NAME_MAX)
		len = MV_MODULE_NAME_MAX;
	bad = guest_str_escape(name, MODULE_NAME_BUF, raw, len);
	if (!memchr(raw, '\0', len))
		insp_problem(r, "module %s at 0x%" PRIx64 ": its name fills its %u bytes without a NUL",
			     name, addr, len);
	if (bad)
		insp_problem(r, "module %s at 0x%" PRIx64 ": its name is not UTF-8, %zu byte%s shown as \\xHH",
			     name, addr, bad, bad == 1 ? "" : "s");
}

/* The module the copy @c of the struct module at @addr says, checked. */
static void module_info(struct insp *r, uint64_t addr, const uint8_t *c,
			struct module_info *m)
{
	*m = (struct module_info){
		.addr = addr, .raw_state = MF(c, state),
		.base = MF(c, core_base), .size = MF(c, core_size),
		.refcnt = MF(c, refcnt), .taints = MF(c, taints),
		.permanent = MF(c, init) && !MF(c, exit),
	};
	m->state = state_of(r->lay, m->raw_state);
	copy_name(r, addr, c, m->name);
	if (m->state == MODULE_INFO_UNKNOWN)
		insp_problem(r, "module %s at 0x%" PRIx64 ": unknown state %u",
			     m->name, addr, m->raw_state);
	/* size > END - base, not base + size > END: no wrap */
	if (m->state != MODULE_INFO_UNFORMED &&
	    (m->base < MV_MODULES_BASE || m->base >= MV_MODULES_END ||
	     m->size > MV_MODULES_END - m->base))
		insp_problem(r, "module %s at 0x%" PRIx64 ": core [0x%" PRIx64 ", +0x%" PRIx64 ") is outside the module area",
			     m->name, addr, m->base, m->size);
}

/* ---- the walk ------------------------------------------------------------ */

struct module_walk {
	uint8_t c[MAX_MODULE];
	uint64_t prev;			/* the node before */
	struct insp_pager *pager;
	module_info_fn fn;
	void *arg;
};

/*
 * insp_walk_list()'s view of one module: its back link, then the page. A
 * bad back link ends the walk before the node: a list that loops without
 * passing its head breaks one at or before the first node it repeats, so
 * no module is listed twice (Brent alone may see some twice).
 */
static bool walk_module(struct insp *r, uint64_t node, void *opaque)
{
	struct module_walk *mw = opaque;
	const struct mm_layout *lay = r->lay;
	struct field prev_f = { lay->module.list.off + lay->list_head.prev.off, 8 };
	uint64_t back = field_get(mw->c, lay->module.size, prev_f);
	uint64_t addr = node - lay->module.list.off;
	struct module_info m;

	if (back != mw->prev) {
		insp_problem(r, "modules: module at 0x%" PRIx64 " has prev 0x%" PRIx64 ", not 0x%" PRIx64 "; the rest is not listed",
			     addr, back, mw->prev);
		return false;
	}
	module_info(r, addr, mw->c, &m);
	mw->prev = node;
	/* the list is in load order, not by address: the cursor is an addr */
	if (insp_pager_place(mw->pager, m.addr) == INSP_PAGE_IN)
		mw->fn(&m, mw->arg);
	return true;
}

/* Names what ended the walk @w short of the list's end. */
static void walk_ended(struct insp *r, const struct insp_walk *w)
{
	if (w->truncated)
		insp_problem(r, "modules: more than %u modules; the rest is not listed",
			     MODULES_MAX);
	else if (w->broken && w->at == r->lay->root.modules)
		insp_problem(r, "modules: the list head at 0x%" PRIx64 " is not readable",
			     w->at);
	else if (w->broken)
		insp_problem(r, "modules: module at 0x%" PRIx64 " is not readable: %s",
			     w->at - r->lay->module.list.off, w->why);
	else
		insp_problem(r, "modules: %s", w->why);
}

void module_read_all(struct insp *r, struct insp_pager *pager,
		     module_info_fn fn, void *arg)
{
	const struct mm_layout *lay = r->lay;
	struct module_walk mw;
	struct insp_list l = {
		.end = INSP_LIST_CIRCULAR, .head = lay->root.modules,
		.limit = MODULES_MAX, .copy_off = lay->module.list.off,
		.copy_size = lay->module.size, .copy = mw.c,
	};
	struct insp_walk w;

	mw.prev = lay->root.modules;
	mw.pager = pager;
	mw.fn = fn;
	mw.arg = arg;
	if (insp_walk_list(r, &l, walk_module, &mw, &w))
		walk_ended(r, &w);
}

/* ---- the edge: JSON ------------------------------------------------------ */

static const char *const state_name[] = {
	[MODULE_INFO_LIVE] = "live",
	[MODULE_INFO_COMING] = "coming",
	[MODULE_INFO_GOING] = "going",
	[MODULE_INFO_UNFORMED] = "unformed",
	[MODULE_INFO_UNKNOWN] = "unknown",
};

json_t *module_info_json(const struct module_info *m)
{
	char taints[16];
	json_t *o;

	module_taint_letters(m->taints, taints, sizeof(taints));
	o = json_pack("{s:s,s:o,s:s,s:I,s:I,s:o,s:s}", "name", m->name,
		      "addr", qmp_addr(m->addr), "state", state_name[m->state],
		      "size", (json_int_t)m->size,
		      "refcnt", (json_int_t)m->refcnt,
		      "base", qmp_addr(m->base), "taints", taints);
	if (o && m->permanent)
		json_object_set_new(o, "permanent", json_true());
	return o;
}

/* ---- the command --------------------------------------------------------- */

static void append_module(const struct module_info *m, void *arg)
{
	json_array_append_new(arg, module_info_json(m));
}

json_t *module_read_modules(const struct gmem *gm, uint64_t cr3,
			    const struct mm_layout *lay,
			    const struct insp_bounds *b, struct errbuf *e)
{
	struct insp_pager pager;
	struct insp r;
	json_t *ret, *mods;

	if (module_read_open(&r, gm, lay, cr3, e))
		return NULL;
	insp_bound(&r, b);
	insp_pager_init(&pager, b, MODULES_PAGE, false);
	mods = json_array();
	module_read_all(&r, &pager, append_module, mods);
	ret = json_pack("{s:o}", "modules", mods);
	insp_pager_end(&r, &pager, ret);
	json_object_set_new(ret, "inconsistencies", insp_take_problems(&r));
	insp_close(&r);
	return ret;
}

json_t *cmd_query_modules(struct qmp_ctx *ctx, json_t *args,
			  struct qmp_error *err)
{
	struct insp_bounds page;

	if (insp_page_args(args, MODULES_PAGE, &page, err))
		return NULL;
	return insp_query_reader(ctx, "query-modules", module_read_modules,
				 &page, err);
}
