// SPDX-License-Identifier: MIT
/* fail and query-fail: failure injection set from outside (fail_cmds.h). */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fail_cmds.h"
#include "gfp_parse.h"
#include "guest_str.h"
#include "inspect_query.h"
#include "mm_layout.h"
#include "slab_cmds.h"

/* ---- the arguments (pure) ------------------------------------------------ */

/* Integer @key in [@lo, @hi], @def when absent. */
static int int_arg(json_t *args, const char *key, int64_t lo, int64_t hi,
		   int64_t def, int64_t *v, struct qmp_error *err)
{
	json_t *j = json_object_get(args, key);

	*v = def;
	if (!j)
		return 0;
	*v = json_integer_value(j);
	if (*v < lo || *v > hi)
		return qmp_errorf(err, "GenericError",
				  "'%s' is %" PRId64 ", not in %" PRId64 "..%" PRId64,
				  key, *v, lo, hi);
	return 0;
}

static int target_arg(json_t *args, struct fail_set *s, struct qmp_error *err)
{
	const char *t = json_string_value(json_object_get(args, "target"));
	json_t *name = json_object_get(args, "name");

	if (!t) {
		if (!s->clear)
			return qmp_errorf(err, "GenericError",
					  "fail needs 'target' (kmalloc, cache or pages) or 'clear'");
		s->target = FAIL_ALL;
	} else if (!strcmp(t, "kmalloc")) {
		s->target = FAIL_KMALLOC;
	} else if (!strcmp(t, "cache")) {
		s->target = FAIL_CACHE;
	} else if (!strcmp(t, "pages")) {
		s->target = FAIL_PAGES;
	} else {
		return qmp_errorf(err, "GenericError",
				  "unknown target '%s' (kmalloc, cache or pages)", t);
	}
	if (!name)
		return s->target == FAIL_CACHE && !s->clear ?
			qmp_errorf(err, "GenericError", "target cache needs 'name'") : 0;
	if (s->target != FAIL_CACHE)
		return qmp_errorf(err, "GenericError", "'name' goes with target cache only");
	if (!json_string_length(name) ||
	    strlen(json_string_value(name)) != json_string_length(name) ||
	    json_string_length(name) >= sizeof(s->cache))
		return qmp_errorf(err, "GenericError",
				  "'name' must be 1 to %zu bytes without NUL",
				  sizeof(s->cache) - 1);
	memcpy(s->cache, json_string_value(name), json_string_length(name) + 1);
	return 0;
}

int fail_parse(json_t *args, struct fail_set *s, struct qmp_error *err)
{
	const char *gfp = json_string_value(json_object_get(args, "gfp-mask"));
	int64_t order, prob, interval, times, verbose;
	struct errbuf e;

	memset(s, 0, sizeof(*s));
	s->clear = json_is_true(json_object_get(args, "clear"));
	if (target_arg(args, s, err))
		return -1;
	if (s->target == FAIL_PAGES && !s->clear &&
	    !json_object_get(args, "order"))
		return qmp_errorf(err, "GenericError", "target pages needs 'order'");
	if (json_object_get(args, "order") && s->target != FAIL_PAGES)
		return qmp_errorf(err, "GenericError", "'order' goes with target pages only");
	if (int_arg(args, "order", 0, FAIL_MAX_ORDER, 0, &order, err) ||
	    int_arg(args, "probability", 0, 100, 100, &prob, err) ||
	    int_arg(args, "interval", 1, UINT32_MAX, 1, &interval, err) ||
	    int_arg(args, "times", -1, INT32_MAX, 1, &times, err) ||
	    int_arg(args, "verbose", 0, 2, 1, &verbose, err))
		return -1;
	if (gfp && gfp_parse(gfp, &s->gfp_mask, &e))
		return qmp_errorf(err, "GenericError", "gfp-mask: %s", e.msg);
	s->order = (uint32_t)order;
	s->probability = (uint32_t)prob;
	s->interval = (uint32_t)interval;
	s->times = (int32_t)times;
	s->verbose = (uint32_t)verbose;
	s->ignore_gfp_wait = json_is_true(json_object_get(args, "ignore-gfp-wait"));
	s->ignore_gfp_highmem = json_is_true(json_object_get(args, "ignore-gfp-highmem"));
	return 0;
}

/* ---- the guest's structs ------------------------------------------------- */

#define INT_FIELD	((struct field){ 0, 4 })	/* an armed flag */

/* One attr in the guest: where it is, its extra fields, its flag. */
struct attr_place {
	const char *name;	/* "failslab", "fail_page_alloc" */
	uint64_t base;		/* the wrapper struct */
	struct field attr;	/* its struct fault_attr member */
	uint64_t armed;		/* its int flag */
};

static struct attr_place slab_place(const struct mm_layout *lay)
{
	return (struct attr_place){ "failslab", lay->fault.failslab,
				    lay->fault.slab_attr, lay->fault.failslab_armed };
}

static struct attr_place page_place(const struct mm_layout *lay)
{
	return (struct attr_place){ "fail_page_alloc", lay->fault.fail_page_alloc,
				    lay->fault.page_attr,
				    lay->fault.fail_page_alloc_armed };
}

static int put(struct insp *in, uint64_t va, struct field f, uint64_t v)
{
	uint8_t b[8];

	if (!f.size || f.size > sizeof(b)) {
		snprintf(in->err, sizeof(in->err), "a field of %u bytes", f.size);
		return -1;
	}
	for (uint32_t i = 0; i < f.size; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return insp_write(in, va + f.off, b, f.size);
}

static int get(struct insp *in, uint64_t va, struct field f, uint64_t *v)
{
	return insp_read_field(in, va, f, v);
}

/* A struct fault_attr member @f of the attr at @p. */
static int put_attr(struct insp *in, const struct attr_place *p,
		    struct field f, uint64_t v)
{
	return put(in, p->base + p->attr.off, f, v);
}

static int get_attr(struct insp *in, const struct attr_place *p,
		    struct field f, uint64_t *v)
{
	return get(in, p->base + p->attr.off, f, v);
}

/* Linux's fields from @s, and the counters from 0. */
static int write_attr(struct insp *in, const struct attr_place *p,
		      const struct fail_set *s)
{
	const struct mm_layout *lay = in->lay;

	return put_attr(in, p, lay->fault.probability, s->probability) ||
	       put_attr(in, p, lay->fault.interval, s->interval) ||
	       put_attr(in, p, lay->fault.times, (uint32_t)s->times) ||
	       put_attr(in, p, lay->fault.space, 0) ||
	       put_attr(in, p, lay->fault.verbose, s->verbose) ||
	       put_attr(in, p, lay->fault.count, 0) ||
	       put_attr(in, p, lay->fault.nr_calls, 0) ||
	       put_attr(in, p, lay->fault.nr_failures, 0);
}

/* ---- the slab caches' SLAB_FAILSLAB marks -------------------------------- */

struct cache_mark {
	uint64_t va, flags;
	bool live;		/* its magic says kmem_cache: the only kind written */
	char name[MV_ALLOC_NAME_MAX * 4 + 1];	/* escaped */
};

struct cache_walk {
	struct cache_mark *c;
	unsigned long nr;
	uint8_t *copy;		/* the node's struct kmem_cache, read once */
};

#define MAX_CACHE_STRUCT	16384U	/* a struct kmem_cache, at most */

static bool cache_node(struct insp *in, uint64_t node, void *opaque)
{
	struct cache_walk *w = opaque;
	const struct mm_layout *lay = in->lay;
	struct cache_mark *m = &w->c[w->nr];
	const char *name = (const char *)w->copy + lay->cache.name.off;
	size_t len = lay->cache.name.count;

	if (w->nr >= SLAB_MAX_CACHES)
		return false;	/* the walk's own limit says so too */
	m->va = node - lay->cache.list.off;
	m->flags = field_get(w->copy, lay->cache.size, lay->cache.flags);
	m->live = field_get(w->copy, lay->cache.size, lay->cache.magic) ==
		  lay->k.cache_magic;
	guest_str_escape(m->name, sizeof(m->name), name, strnlen(name, len));
	w->nr++;
	return true;
}

/*
 * Every cache on slab_caches with its flags, each struct read once (the
 * vCPUs are parked: a walk of some 40 caches must fit the VMM's 20 ms even
 * under the nested runner's TCG). 0, or -1 with @e.
 */
static int read_caches(struct insp *in, struct cache_walk *w, struct errbuf *e)
{
	const struct mm_layout *lay = in->lay;
	struct insp_list l = {
		.end = INSP_LIST_CIRCULAR, .head = lay->root.slab_caches,
		.limit = SLAB_MAX_CACHES, .copy_off = lay->cache.list.off,
		.copy_size = lay->cache.size,
	};
	struct insp_walk walk;

	w->nr = 0;
	w->c = calloc(SLAB_MAX_CACHES, sizeof(*w->c));
	w->copy = malloc(lay->cache.size);
	if (!w->c || !w->copy)
		return errf(e, "out of memory");
	if (lay->cache.size > MAX_CACHE_STRUCT ||
	    lay->cache.name.elem_size != 1)
		return errf(e, "kernel image: struct kmem_cache is %u bytes, over %u",
			    lay->cache.size, MAX_CACHE_STRUCT);
	l.copy = w->copy;
	insp_walk_list(in, &l, cache_node, w, &walk);
	if (walk.broken || walk.cycle || walk.truncated)
		return errf(e, "slab_caches: %s", walk.truncated ?
			    "more caches than the VMM walks" : walk.why);
	return 0;
}

static void free_caches(struct cache_walk *w)
{
	free(w->c);
	free(w->copy);
}

static bool marked(const struct mm_layout *lay, uint64_t flags)
{
	return flags & lay->fault.slab_failslab;
}

/* Should cache @m carry SLAB_FAILSLAB under @s? */
static bool wants_mark(const struct mm_layout *lay, const struct fail_set *s,
		       const struct cache_mark *m)
{
	if (s->clear || !m->live)
		return false;
	if (s->target == FAIL_KMALLOC)
		return m->flags & lay->fault.slab_kmalloc;
	return !strcmp(m->name, s->cache);
}

/* Sets or clears each cache's mark as @s wants. */
static int mark_caches(struct insp *in, const struct cache_walk *w,
		       const struct fail_set *s, struct errbuf *e)
{
	const struct mm_layout *lay = in->lay;

	for (unsigned long i = 0; i < w->nr; i++) {
		const struct cache_mark *m = &w->c[i];
		bool want = wants_mark(lay, s, m);
		uint64_t flags = want ? m->flags | lay->fault.slab_failslab :
					m->flags & ~lay->fault.slab_failslab;

		/* a node that is no cache: named by its reader, never written */
		if (!m->live)
			continue;
		if (want != marked(lay, m->flags) &&
		    put(in, m->va, lay->cache.flags, flags))
			return errf(e, "cache %s: %s", m->name, in->err);
	}
	return 0;
}

/*
 * failslab.cache_name: the name a cache created later is marked for ("":
 * none), written a byte at a time, NUL-padded to its end.
 */
static int write_cache_name(struct insp *in, uint64_t base, const char *name)
{
	struct field_array a = in->lay->fault.slab_cache_name;
	size_t len = strlen(name);

	if (a.elem_size != 1 || len >= a.count) {
		snprintf(in->err, sizeof(in->err),
			 "cache_name holds %u bytes, '%s' needs %zu", a.count,
			 name, len + 1);
		return -1;
	}
	for (uint32_t i = 0; i < a.count; i++) {
		uint8_t c = i < len ? (uint8_t)name[i] : 0;

		if (insp_write(in, base + a.off + i, &c, 1))
			return -1;
	}
	return 0;
}

/* ---- setting ------------------------------------------------------------- */

static int arm(struct insp *in, const struct attr_place *p, bool on,
	       struct errbuf *e)
{
	if (put(in, p->armed, INT_FIELD, on))
		return errf(e, "%s: %s", p->name, in->err);
	return 0;
}

/* set_failslab()'s: out of time before it wrote anything; ask again. */
#define FAIL_AGAIN	(-2)

static int set_failslab(struct insp *in, const struct fail_set *s,
			struct errbuf *e)
{
	const struct mm_layout *lay = in->lay;
	struct attr_place p = slab_place(lay);
	struct cache_walk w;
	int ret = -1;

	if (read_caches(in, &w, e)) {
		if (in->stop == INSP_STOP_TIME)
			ret = FAIL_AGAIN;	/* nothing written yet */
		goto out;
	}
	if (arm(in, &p, false, e))
		goto out;
	if (s->clear) {
		ret = put_attr(in, &p, lay->fault.probability, 0) ||
		      write_cache_name(in, p.base, "") ? -1 :
		      mark_caches(in, &w, s, e);
		goto out;
	}
	if (write_cache_name(in, p.base, s->target == FAIL_CACHE ? s->cache : "") ||
	    mark_caches(in, &w, s, e) || write_attr(in, &p, s) ||
	    put(in, p.base, lay->fault.slab_ignore_gfp_wait, s->ignore_gfp_wait) ||
	    put(in, p.base, lay->fault.slab_cache_filter, 1) ||
	    put(in, p.base, lay->fault.slab_require_gfp, s->gfp_mask) ||
	    arm(in, &p, s->probability > 0, e)) {
		if (!e->msg[0])
			errf(e, "failslab: %s", in->err);
		goto out;
	}
	ret = 0;
out:
	if (ret && !e->msg[0])
		errf(e, "failslab: %s", in->err);
	free_caches(&w);
	return ret;
}

static int set_fail_page_alloc(struct insp *in, const struct fail_set *s,
			       struct errbuf *e)
{
	const struct mm_layout *lay = in->lay;
	struct attr_place p = page_place(lay);

	if (arm(in, &p, false, e))
		return -1;
	if (s->clear) {
		if (put_attr(in, &p, lay->fault.probability, 0))
			return errf(e, "fail_page_alloc: %s", in->err);
		return 0;
	}
	if (write_attr(in, &p, s) ||
	    put(in, p.base, lay->fault.page_ignore_gfp_highmem, s->ignore_gfp_highmem) ||
	    put(in, p.base, lay->fault.page_ignore_gfp_wait, s->ignore_gfp_wait) ||
	    put(in, p.base, lay->fault.page_min_order, s->order) ||
	    put(in, p.base, lay->fault.page_require_gfp, s->gfp_mask))
		return errf(e, "fail_page_alloc: %s", in->err);
	return arm(in, &p, s->probability > 0, e);
}

/* ---- reading back -------------------------------------------------------- */

static json_t *attr_json(struct insp *in, const struct attr_place *p)
{
	const struct mm_layout *lay = in->lay;
	uint64_t armed = 0, prob = 0, interval = 0, times = 0, space = 0,
		 verbose = 0, calls = 0, fails = 0;

	if (get(in, p->armed, INT_FIELD, &armed) ||
	    get_attr(in, p, lay->fault.probability, &prob) ||
	    get_attr(in, p, lay->fault.interval, &interval) ||
	    get_attr(in, p, lay->fault.times, &times) ||
	    get_attr(in, p, lay->fault.space, &space) ||
	    get_attr(in, p, lay->fault.verbose, &verbose) ||
	    get_attr(in, p, lay->fault.nr_calls, &calls) ||
	    get_attr(in, p, lay->fault.nr_failures, &fails))
		insp_problem(in, "%s: not readable (%s)", p->name, in->err);
	return json_pack("{s:b,s:I,s:I,s:i,s:i,s:I,s:I,s:I}",
			 "armed", armed != 0,
			 "probability", (json_int_t)prob,
			 "interval", (json_int_t)interval,
			 "times", (int)(int32_t)times,
			 "space", (int)(int32_t)space,
			 "verbose", (json_int_t)verbose,
			 "calls", (json_int_t)calls,
			 "failures", (json_int_t)fails);
}

static void set_field(struct insp *in, json_t *o, const char *key,
		      uint64_t base, struct field f, bool is_bool)
{
	uint64_t v = 0;

	if (get(in, base, f, &v))
		insp_problem(in, "%s: not readable (%s)", key, in->err);
	json_object_set_new(o, key, is_bool ? json_boolean(v) :
					      json_integer((json_int_t)v));
}

/* The caches with SLAB_FAILSLAB, and whether they are the kmalloc ones. */
static void marks_json(struct insp *in, json_t *o)
{
	const struct mm_layout *lay = in->lay;
	unsigned long nr_marked = 0, nr_kmalloc = 0, both = 0;
	json_t *names = json_array();
	struct cache_walk w;
	struct errbuf e;

	if (read_caches(in, &w, &e)) {
		insp_problem(in, "%s", e.msg);
		w.nr = 0;
	}
	for (unsigned long i = 0; i < w.nr; i++) {
		bool k = w.c[i].flags & lay->fault.slab_kmalloc;

		nr_kmalloc += k;
		if (!marked(lay, w.c[i].flags))
			continue;
		nr_marked++;
		both += k;
		json_array_append_new(names, json_string(w.c[i].name));
	}
	free_caches(&w);
	json_object_set_new(o, "caches", names);
	json_object_set_new(o, "kmalloc", json_boolean(nr_marked && both == nr_marked &&
						       nr_marked == nr_kmalloc));
}

/* "cache-name": what a cache created later is failed by, if any. */
static void cache_name_json(struct insp *in, json_t *o, uint64_t base)
{
	struct field_array a = in->lay->fault.slab_cache_name;
	char name[INSP_STR_MAX];

	if (insp_read_str(in, base + a.off, name,
			  a.count + 1 < sizeof(name) ? a.count + 1 : sizeof(name))) {
		insp_problem(in, "failslab.cache_name: not readable (%s)", in->err);
		return;
	}
	json_object_set_new(o, "cache-name", json_string(name));
}

static json_t *fail_state(struct insp *in)
{
	const struct mm_layout *lay = in->lay;
	struct attr_place sp = slab_place(lay), pp = page_place(lay);
	json_t *slab = attr_json(in, &sp), *page = attr_json(in, &pp);

	set_field(in, slab, "ignore-gfp-wait", sp.base, lay->fault.slab_ignore_gfp_wait, true);
	set_field(in, slab, "cache-filter", sp.base, lay->fault.slab_cache_filter, true);
	set_field(in, slab, "gfp-mask", sp.base, lay->fault.slab_require_gfp, false);
	cache_name_json(in, slab, sp.base);
	marks_json(in, slab);
	set_field(in, page, "min-order", pp.base, lay->fault.page_min_order, false);
	set_field(in, page, "ignore-gfp-wait", pp.base, lay->fault.page_ignore_gfp_wait, true);
	set_field(in, page, "ignore-gfp-highmem", pp.base, lay->fault.page_ignore_gfp_highmem, true);
	set_field(in, page, "gfp-mask", pp.base, lay->fault.page_require_gfp, false);
	return json_pack("{s:o,s:o}", "failslab", slab, "fail_page_alloc", page);
}

/* ---- the commands -------------------------------------------------------- */

static int fail_open(const struct insp_query *q, struct insp *in,
		     struct qmp_error *err)
{
	struct insp_bounds b = { .deadline_ns = q->deadline_ns };
	struct errbuf e;

	if (insp_open(in, q->gm, q->lay, q->boot_cr3, &e))
		return qmp_errorf(err, "GenericError", "%s", e.msg);
	if (!q->lay->fault.present) {
		insp_close(in);
		return qmp_errorf(err, "GenericError",
				  "this kernel has no fault injection (its image has no symbol 'failslab')");
	}
	insp_bound(in, &b);
	return 0;
}

static json_t *answer(struct insp *in)
{
	json_t *ret = fail_state(in);

	insp_mark_incomplete(in, ret);
	json_object_set_new(ret, "inconsistencies", insp_take_problems(in));
	insp_close(in);
	return ret;
}

struct fail_run {
	const struct fail_set *s;
	bool again;		/* out of time before any write */
};

/* The setting, written; the answer is query-fail's, in a park of its own. */
static json_t *run_fail(const struct insp_query *q, void *opaque,
			struct qmp_error *err)
{
	struct fail_run *run = opaque;
	const struct fail_set *s = run->s;
	struct errbuf e = { "" };
	struct insp in;
	bool slab = s->target != FAIL_PAGES, pages = s->target == FAIL_PAGES ||
						     s->target == FAIL_ALL;
	int ret = 0;

	if (fail_open(q, &in, err))
		return NULL;
	if (slab)
		ret = set_failslab(&in, s, &e);
	if (!ret && pages)
		ret = set_fail_page_alloc(&in, s, &e);
	insp_close(&in);
	run->again = ret == FAIL_AGAIN;
	if (ret) {
		qmp_errorf(err, "GenericError", "%s", e.msg);
		return NULL;
	}
	return json_object();
}

static json_t *run_query(const struct insp_query *q, void *opaque,
			 struct qmp_error *err)
{
	struct insp in;

	if (fail_open(q, &in, err))
		return NULL;
	return answer(&in);
}

#define FAIL_ATTEMPTS	3	/* parks that ran out of time before a write */

json_t *cmd_fail(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err)
{
	struct fail_set s;
	struct fail_run run = { .s = &s };
	json_t *done = NULL;

	if (fail_parse(args, &s, err))
		return NULL;
	/*
	 * Each attempt once: a second one would set the attr again, counters
	 * and all. Again only when the first ran out of time before it wrote
	 * anything (the caches' walk; a guest's caches change meanwhile).
	 */
	for (int i = 0; i < FAIL_ATTEMPTS && !done; i++) {
		if (i) {
			err->class = NULL;
			err->desc[0] = '\0';
		}
		done = insp_query(ctx, "fail", 1, run_fail, &run, err);
		if (!run.again)
			break;
	}
	if (!done)
		return NULL;
	json_decref(done);
	return cmd_query_fail(ctx, NULL, err);
}

json_t *cmd_query_fail(struct qmp_ctx *ctx, json_t *args,
		       struct qmp_error *err)
{
	return insp_query(ctx, "query-fail", INSP_QUERY_ATTEMPTS, run_query,
			  NULL, err);
}
