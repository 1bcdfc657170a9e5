// SPDX-License-Identifier: MIT
/*
 * translate, query-mappings, read-phys, read-virt: the guest's address
 * spaces as the VMM's own page walk sees them (pagewalk.c), every table
 * entry and every byte read through gmem with the vCPUs parked
 * (insp_query). The default
 * CR3 is the kernel's page-table root by inspect.h's one rule: the tables
 * the VMM booted the guest with, which the kernel keeps; a vCPU's CR3
 * ("cpu", translate only) or a "cr3" argument when the query gives one.
 *
 * JSON integers here are signed 64-bit: an address of 2^63 or more (every
 * kernel address) is given and answered as its two's complement, a negative
 * integer, as QEMU's uint64 arguments accept.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "inspect.h"
#include "inspect_query.h"
#include "pagewalk.h"
#include "pgtable.h"
#include "translate_cmds.h"
#include "vm.h"

#define PHYS_LIMIT	(1ULL << 52)	/* the architecture's MAXPHYADDR bound */
#define CR3_RSVD	(~(PTE_ADDR_MASK | 0xfffULL))
#define CR0_PG		(1ULL << 31)
#define CR4_LA57	(1ULL << 12)
#define EFER_LMA	(1ULL << 10)

/* Adds the inconsistencies to @ret, if any; ends @in. */
static json_t *answer(struct insp *in, json_t *ret)
{
	json_t *p = insp_take_problems(in);

	if (ret && json_array_size(p))
		json_object_set(ret, "inconsistencies", p);
	json_decref(p);
	insp_close(in);
	return ret;
}

/* ---- arguments ----------------------------------------------------------- */

/* An address argument (QMP_ARG_ADDR: already checked); false if absent. */
static bool arg_virt(json_t *args, const char *name, uint64_t *v)
{
	json_t *a = json_object_get(args, name);

	return a && !qmp_get_addr(a, v);
}

/* An integer in [min, max]; false if absent, -1 with @err if out of range. */
static int arg_range(json_t *args, const char *name, int64_t min, int64_t max,
		     int64_t *v, struct qmp_error *err)
{
	json_t *a = json_object_get(args, name);

	if (!a)
		return 0;
	if (json_is_string(a)) {	/* an address argument: "0x..." */
		uint64_t u = 0;

		qmp_get_addr(a, &u);	/* QMP_ARG_ADDR: checked */
		*v = u > INT64_MAX ? INT64_MAX : (int64_t)u;
	} else {
		*v = json_integer_value(a);
	}
	if (*v < min || *v > max)
		return qmp_errorf(err, "GenericError",
				  "Parameter '%s' must be between %" PRId64 " and %" PRId64 ", not %" PRId64,
				  name, min, max, *v);
	return 1;
}

/* Why @cr3 cannot be a PML4's address in @gm, or NULL. */
static const char *bad_root(const struct gmem *gm, uint64_t cr3)
{
	if (cr3 & CR3_RSVD)
		return "has bits set above bit 51";
	if (!gmem_region_of(gm, cr3 & PTE_ADDR_MASK, 4096))
		return "points outside guest RAM";
	return NULL;
}

/* @cpu's CR3, read while it is parked. */
static int cpu_cr3(const struct insp_query *q, int64_t cpu, uint64_t *cr3,
		   struct qmp_error *err)
{
	struct vcpu *v = &q->vm->vcpu[cpu];
	struct kvm_sregs sr;
	bool started;

	pthread_mutex_lock(&q->vm->lock);
	started = v->started && v->fd >= 0;
	pthread_mutex_unlock(&q->vm->lock);
	if (!started)
		return qmp_errorf(err, "GenericError", "vCPU %" PRId64 " has not started",
				  cpu);
	if (ioctl(v->fd, KVM_GET_SREGS, &sr))
		return qmp_errorf(err, "GenericError", "vCPU %" PRId64 ": KVM_GET_SREGS: %s",
				  cpu, strerror(errno));
	if (!(sr.cr0 & CR0_PG) || !(sr.efer & EFER_LMA))
		return qmp_errorf(err, "GenericError",
				  "vCPU %" PRId64 " is not in long mode with paging on", cpu);
	if (sr.cr4 & CR4_LA57)
		return qmp_errorf(err, "GenericError",
				  "vCPU %" PRId64 " uses 5-level paging, which the walk does not know",
				  cpu);
	*cr3 = sr.cr3;
	return 0;
}

/*
 * The address space to walk: "cr3" if given (checked), else "cpu"'s if
 * given and allowed, else the kernel's (the boot tables).
 */
static int pick_cr3(const struct insp_query *q, json_t *args,
		    bool allow_cpu, uint64_t *cr3, struct qmp_error *err)
{
	json_t *a = json_object_get(args, "cr3");
	int64_t cpu;
	int r;

	if (a && allow_cpu && json_object_get(args, "cpu"))
		return qmp_errorf(err, "GenericError",
				  "Parameters 'cr3' and 'cpu' are mutually exclusive");
	if (a) {
		const char *why;

		qmp_get_addr(a, cr3);	/* QMP_ARG_ADDR: checked */
		why = bad_root(q->gm, *cr3);
		if (why)
			return qmp_errorf(err, "GenericError",
					  "Parameter 'cr3' (0x%" PRIx64 ") %s", *cr3, why);
		return 0;
	}
	if (allow_cpu) {
		r = arg_range(args, "cpu", 0, (int64_t)q->vm->nr_cpus - 1, &cpu, err);
		if (r < 0)
			return r;
		if (r)
			return cpu_cr3(q, cpu, cr3, err);
	}
	*cr3 = q->boot_cr3;	/* the kernel's: inspect.h's one rule */
	return 0;
}

/* ---- translate ----------------------------------------------------------- */

static json_t *entry_flags(uint64_t e, unsigned int level)
{
	static const struct { uint64_t bit; const char *name; } bits[] = {
		{ PTE_P, "P" }, { PTE_RW, "RW" }, { PTE_US, "US" },
		{ 1ULL << 3, "PWT" }, { 1ULL << 4, "PCD" }, { PTE_A, "A" },
		{ PTE_D, "D" }, { PTE_PS, "PS" }, { 1ULL << 8, "G" },
		{ PTE_NX, "NX" },
	};
	json_t *list = json_array();

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (e & bits[i].bit)
			json_array_append_new(list, json_string(
				bits[i].bit == PTE_PS && level == 1 ? "PAT" :
				bits[i].name));
	return list;
}

static json_t *translate_query(const struct insp_query *q, void *args,
			       struct qmp_error *err)
{
	struct pagewalk w;
	uint64_t va = 0, cr3;
	struct insp in;
	json_t *ret, *levels;

	arg_virt(args, "addr", &va);
	insp_init(&in, q->gm);
	if (pick_cr3(q, args, true, &cr3, err))
		return answer(&in, NULL);
	pagewalk(q->gm, cr3, va, &w);
	levels = json_array();
	for (unsigned int i = 0; i < w.nr_levels; i++) {
		const struct pw_level *l = &w.lv[i];

		json_array_append_new(levels, json_pack("{s:i,s:s,s:i,s:o,s:o,s:o}",
			"level", l->level, "name", pw_level_name(l->level),
			"index", l->index, "entry_gpa", qmp_addr(l->entry_gpa),
			"entry", qmp_addr(l->entry),
			"flags", entry_flags(l->entry, l->level)));
	}
	ret = json_pack("{s:o,s:o,s:b,s:o,s:o,s:o}", "addr", qmp_addr(va),
			"cr3", qmp_addr(cr3), "present", w.present,
			"gpa", qmp_addr(w.present ? w.gpa : 0),
			"page_size", json_integer(w.present ? w.page_size : 0),
			"levels", levels);
	if (w.error)
		json_object_set_new(ret, "error", json_string(w.error));
	return answer(&in, ret);
}

json_t *cmd_translate(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err)
{
	return insp_query(ctx, "translate", 1, translate_query, args, err);
}

/* ---- query-mappings ------------------------------------------------------ */

struct mappings {
	json_t *list;
	int64_t max;
	uint64_t skipped;	/* mappings after the page, counted */
	uint64_t deadline_ns;	/* the query's */
	unsigned int since_clock;
	bool out_of_time;
};

static json_t *mapping_flags(uint64_t f)
{
	json_t *list = json_array();

	if (f & PTE_RW)
		json_array_append_new(list, json_string("RW"));
	if (f & PTE_US)
		json_array_append_new(list, json_string("US"));
	if (f & PTE_NX)
		json_array_append_new(list, json_string("NX"));
	return list;
}

static bool add_mapping(void *opaque, const struct pw_mapping *m)
{
	struct mappings *ms = opaque;

	/* the walk reads at most MAPPINGS_MAX_TABLES pages: the clock per 64 runs */
	if (++ms->since_clock == 64) {
		ms->since_clock = 0;
		if (ms->deadline_ns && monotonic_ns() >= ms->deadline_ns) {
			ms->out_of_time = true;
			return false;
		}
	}
	if ((int64_t)json_array_size(ms->list) >= ms->max) {
		ms->skipped++;	/* counted, not built: the walk goes on */
		return true;
	}
	json_array_append_new(ms->list, json_pack("{s:o,s:o,s:o,s:o}",
		"va", qmp_addr(m->va), "pa", qmp_addr(m->pa),
		"size", json_integer(m->size), "flags", mapping_flags(m->flags)));
	return true;
}

struct mappings_args {
	json_t *args;
	uint64_t start, end;
	int64_t max;
};

static json_t *mappings_query(const struct insp_query *q, void *opaque,
			      struct qmp_error *err)
{
	const struct mappings_args *a = opaque;
	struct mappings ms = { .max = a->max, .deadline_ns = q->deadline_ns };
	struct insp in;
	uint64_t cr3;
	bool truncated;
	json_t *ret;

	insp_init(&in, q->gm);
	if (pick_cr3(q, a->args, false, &cr3, err))
		return answer(&in, NULL);
	ms.list = json_array();
	pagewalk_dump(q->gm, cr3, a->start, a->end, MAPPINGS_MAX_TABLES,
		      add_mapping, &ms, &truncated);
	truncated |= ms.out_of_time;
	ret = json_pack("{s:o,s:o,s:b}", "cr3", qmp_addr(cr3), "mappings",
			ms.list, "truncated", truncated || ms.skipped);
	if (ms.skipped)
		json_object_set_new(ret, "skipped", json_integer((json_int_t)ms.skipped));
	if (ms.skipped && truncated)
		json_object_set_new(ret, "skipped_at_least", json_true());
	if (ms.out_of_time)
		json_object_set_new(ret, "incomplete", json_sprintf(
			"out of time: the walk stopped at the deadline (the vCPUs stay parked at most %llu ms per query)",
			INSP_QUERY_PARK_NS / 1000000));
	return answer(&in, ret);
}

json_t *cmd_query_mappings(struct qmp_ctx *ctx, json_t *args,
			   struct qmp_error *err)
{
	struct mappings_args a = {
		.args = args, .start = 0, .end = UINT64_MAX,
		.max = MAPPINGS_DEFAULT,
	};

	arg_virt(args, "start", &a.start);
	arg_virt(args, "end", &a.end);
	if (a.start >= a.end)
		return qmp_errorf(err, "GenericError",
				  "Parameter 'start' (0x%" PRIx64 ") must be below 'end' (0x%" PRIx64 ")",
				  a.start, a.end), NULL;
	if (arg_range(args, "max", 1, MAPPINGS_MAX, &a.max, err) < 0)
		return NULL;
	return insp_query(ctx, "query-mappings", 1, mappings_query, &a, err);
}

/* ---- read-phys, read-virt ------------------------------------------------ */

static int arg_size(json_t *args, size_t *size, struct qmp_error *err)
{
	int64_t v;

	if (arg_range(args, "size", 0, READ_MAX, &v, err) < 0)
		return -1;
	*size = v;
	return 0;
}

static json_t *read_reply(uint64_t addr, const uint8_t *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	char *s = malloc(size * 2 + 1);
	json_t *ret;

	if (!s)
		return NULL;
	for (size_t i = 0; i < size; i++) {
		s[2 * i] = hex[buf[i] >> 4];
		s[2 * i + 1] = hex[buf[i] & 15];
	}
	s[size * 2] = '\0';
	ret = json_pack("{s:o,s:I,s:s}", "addr", qmp_addr(addr), "size",
			(json_int_t)size, "data", s);
	free(s);
	return ret;
}

/* Why [gpa, gpa+len) cannot be read, for an error message. */
static void phys_fault(const struct gmem *gm, uint64_t gpa, size_t len,
		       char *msg, size_t max)
{
	const struct gmem_region *r = gmem_region_of(gm, gpa, 0);

	if (!r)
		snprintf(msg, max, "0x%" PRIx64 " is not in guest RAM", gpa);
	else
		snprintf(msg, max, "[0x%" PRIx64 ", 0x%" PRIx64 ") runs past the end of guest RAM at 0x%" PRIx64,
			 gpa, gpa + len, r->gpa + r->size);
}

struct read_args {
	json_t *args;
	uint64_t addr;
	size_t size;
	uint8_t *buf;
	struct pw_cache *cache;		/* read-virt's */
};

static json_t *read_phys_query(const struct insp_query *q, void *opaque,
			       struct qmp_error *err)
{
	const struct read_args *a = opaque;
	char why[160];

	if (!gmem_read(q->gm, a->addr, a->buf, a->size))
		return read_reply(a->addr, a->buf, a->size);
	phys_fault(q->gm, a->addr, a->size, why, sizeof(why));
	qmp_errorf(err, "GenericError", "cannot read: %s", why);
	return NULL;
}

json_t *cmd_read_phys(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err)
{
	struct read_args a = { .args = args };
	int64_t addr;
	json_t *ret;

	if (arg_range(args, "addr", 0, PHYS_LIMIT - 1, &addr, err) < 0 ||
	    arg_size(args, &a.size, err))
		return NULL;
	if (addr + a.size > PHYS_LIMIT)
		return qmp_errorf(err, "GenericError",
				  "[addr, addr + size) goes past the 2^52 physical address limit"), NULL;
	a.addr = addr;
	a.buf = malloc(a.size ? a.size : 1);
	if (!a.buf)
		return qmp_errorf(err, "GenericError", "out of memory"), NULL;
	ret = insp_query(ctx, "read-phys", 1, read_phys_query, &a, err);
	free(a.buf);
	return ret;
}

static json_t *read_virt_query(const struct insp_query *q, void *opaque,
			       struct qmp_error *err)
{
	const struct read_args *a = opaque;
	uint64_t va = a->addr, cr3;
	struct insp in;
	json_t *ret = NULL;

	insp_init(&in, q->gm);
	if (pick_cr3(q, a->args, false, &cr3, err))
		return answer(&in, NULL);
	/* one walk per page, at most, while the tables hold still */
	pw_cache_init(a->cache, q->gen);
	for (size_t off = 0; off < a->size;) {
		uint64_t p = va + off;
		size_t chunk = 4096 - (p & 4095);
		struct pw_xlate x;
		const char *why;

		if (chunk > a->size - off)
			chunk = a->size - off;
		if (pagewalk_cached(q->gm, a->cache, q->gen, cr3, p, &x, &why)) {
			qmp_errorf(err, "GenericError",
				   "cannot translate 0x%" PRIx64 " (byte %zu of the read) with CR3 0x%" PRIx64 ": %s",
				   p, off, cr3, why);
			return answer(&in, NULL);
		}
		if (gmem_read(q->gm, x.gpa, a->buf + off, chunk)) {
			char fault[160];

			phys_fault(q->gm, x.gpa, chunk, fault, sizeof(fault));
			qmp_errorf(err, "GenericError",
				   "0x%" PRIx64 " (byte %zu of the read) translates to 0x%" PRIx64 ": %s",
				   p, off, x.gpa, fault);
			return answer(&in, NULL);
		}
		off += chunk;
	}
	ret = read_reply(va, a->buf, a->size);
	return answer(&in, ret);
}

json_t *cmd_read_virt(struct qmp_ctx *ctx, json_t *args, struct qmp_error *err)
{
	struct read_args a = { .args = args };
	json_t *ret = NULL;

	arg_virt(args, "addr", &a.addr);
	if (arg_size(args, &a.size, err))
		return NULL;
	if (a.size && a.addr + a.size - 1 < a.addr)
		return qmp_errorf(err, "GenericError",
				  "[addr, addr + size) wraps around the address space"), NULL;
	a.buf = malloc(a.size ? a.size : 1);
	a.cache = malloc(sizeof(*a.cache));
	if (!a.buf || !a.cache)
		qmp_errorf(err, "GenericError", "out of memory");
	else
		ret = insp_query(ctx, "read-virt", 1, read_virt_query, &a, err);
	free(a.cache);
	free(a.buf);
	return ret;
}
