// SPDX-License-Identifier: MIT
/*
 * Slab debugging, Linux SLUB's way: red zones around objects, poison in free
 * objects, the last alloc and free call sites in each slot, and checks on
 * every alloc and free of a debug cache. A detection prints a report like
 * Linux's ("BUG kmalloc-64 (Not tainted): Object already free") at KERN_ERR,
 * WARNs (which the VMM reports), counts in slab_errors[] and the cache's
 * statistics, and then repairs what it can so the kernel goes on.
 *
 * Which caches debug: their own flags plus the slub_debug= command line.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/smp.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/poison.h>
#include <linux/init.h>
#include "slab.h"
#ifdef __HOSTED__
#include <dlfcn.h>
#endif

unsigned long slab_errors[SLAB_ERR_NR];

unsigned long slab_error_count(enum slab_error e)
{
	return __atomic_load_n(&slab_errors[e], __ATOMIC_RELAXED);
}

unsigned long slab_error_total(void)
{
	unsigned long n = 0;
	int e;

	for (e = 0; e < SLAB_ERR_NR; e++)
		n += slab_error_count(e);
	return n;
}

void slab_count_error(struct kmem_cache *s, enum slab_error e)
{
	__atomic_add_fetch(&slab_errors[e], 1, __ATOMIC_RELAXED);
	if (s)
		__atomic_add_fetch(&s->stats.errors, 1, __ATOMIC_RELAXED);
}

/* ---- the command line: slub_debug=[FLAGS][,cache...][;...] -------------- */

#define SLUB_DEBUG_DEFAULT (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
			    SLAB_POISON | SLAB_STORE_USER)

char slub_debug_str[SLUB_DEBUG_STR_LEN];
bool slub_debug_given;

void slab_debug_setup(const char *arg)
{
	strscpy_len(slub_debug_str, arg ? arg : "", sizeof(slub_debug_str));
	slub_debug_given = true;
}

/* "slub_debug" alone comes with val NULL: every check for every cache. */
static int slub_debug_param(char *val)
{
	slab_debug_setup(val);
	return 0;
}
__setup("slub_debug=", slub_debug_param);

static int slub_debug_flag(char *val)
{
	slab_debug_setup(NULL);
	return 0;
}
__setup("slub_debug", slub_debug_flag);

/* No letters: every check, as a bare "slub_debug" means on Linux. */
static unsigned long parse_flags(const char *p, const char *end)
{
	unsigned long flags = 0;

	if (p == end)
		return SLUB_DEBUG_DEFAULT;
	for (; p < end; p++) {
		switch (*p | 0x20) {
		case 'f':
			flags |= SLAB_CONSISTENCY_CHECKS;
			break;
		case 'z':
			flags |= SLAB_RED_ZONE;
			break;
		case 'p':
			flags |= SLAB_POISON;
			break;
		case 'u':
			flags |= SLAB_STORE_USER;
			break;
		case '-' | 0x20:
			return 0;
		default:	/* T, A, O...: Linux options memvisor has not */
			break;
		}
	}
	return flags;
}

/* "kmalloc-64" exactly, or "kmalloc-*" as a prefix. */
static bool name_matches(const char *pat, size_t len, const char *name)
{
	if (len && pat[len - 1] == '*')
		return !strncmp(name, pat, len - 1);
	return strlen(name) == len && !strncmp(name, pat, len);
}

static const char *find_char(const char *p, const char *end, char c)
{
	while (p < end && *p != c)
		p++;
	return p;
}

/* Debug flags slub_debug= gives the cache called name. */
unsigned long slab_debug_flags_for(const char *name)
{
	const char *blk = slub_debug_str, *end, *comma, *p, *q;
	unsigned long global = 0, flags;

	if (!slub_debug_given)
		return 0;
	for (; *blk; blk = *end ? end + 1 : end) {
		end = blk + strlen(blk);
		end = find_char(blk, end, ';');
		comma = find_char(blk, end, ',');
		flags = parse_flags(blk, comma);
		if (comma == end) {
			global = flags;
			continue;
		}
		for (p = comma + 1; p < end; p = q + 1) {
			q = find_char(p, end, ',');
			if (q > p && name_matches(p, q - p, name))
				return flags;
			if (q == end)
				break;
		}
	}
	if (!*slub_debug_str)
		return SLUB_DEBUG_DEFAULT;
	return global;
}

/* ---- reports ------------------------------------------------------------ */

/* kallsyms, should the kernel core provide it; a weak reference otherwise. */
extern int sprint_symbol(char *buffer, unsigned long address) __attribute__((weak));

static const char *symbolize(char *buf, size_t len, unsigned long addr)
{
#ifdef __HOSTED__
	Dl_info info;

	if (addr && dladdr((void *)addr, &info)) {
		const char *file = info.dli_fname ? strrchr(info.dli_fname, '/') : NULL;

		if (info.dli_sname)
			snprintf(buf, len, "%s+0x%lx [0x%lx]", info.dli_sname,
				 addr - (unsigned long)info.dli_saddr, addr);
		else	/* a static function: file+offset is what addr2line takes */
			snprintf(buf, len, "%s+0x%lx [0x%lx]",
				 file ? file + 1 : info.dli_fname,
				 addr - (unsigned long)info.dli_fbase, addr);
		return buf;
	}
#else
	if (addr && sprint_symbol) {
		sprint_symbol(buf, addr);
		return buf;
	}
#endif
	snprintf(buf, len, "0x%lx", addr);
	return buf;
}

static void print_section(const char *text, const void *addr, size_t len)
{
	const u8 *p = addr;
	size_t i, j;

	for (i = 0; i < len; i += 16) {
		char hex[16 * 3 + 1], asc[17];
		size_t n = min_t(size_t, 16, len - i);

		for (j = 0; j < n; j++) {
			snprintf(hex + 3 * j, 4, "%02x ", p[i + j]);
			asc[j] = p[i + j] >= 0x20 && p[i + j] < 0x7f ? p[i + j] : '.';
		}
		hex[3 * n] = 0;
		asc[n] = 0;
		pr_err("%s %p: %s %s\n", text, (void *)(p + i), hex, asc);
	}
}

static void slab_bug(struct kmem_cache *s, const char *fmt, ...)
	__printf(2, 3);

static void slab_bug(struct kmem_cache *s, const char *fmt, ...)
{
	char msg[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("=============================================================================\n");
	pr_err("BUG %s (Not tainted): %s\n", s ? s->name : "kmalloc", msg);
	pr_err("-----------------------------------------------------------------------------\n");
}

/* Counts, names the call that found it, and WARNs (the VMM sees those). */
static void slab_bug_end(struct kmem_cache *s, enum slab_error e,
			 unsigned long caller, const char *what)
{
	char sym[128], cond[96];

	if (caller)
		pr_err("INFO: Found by the %s call from %s cpu=%d pid=%d\n", what,
		       symbolize(sym, sizeof(sym), caller),
		       raw_smp_processor_id(), current ? current->pid : -1);
	slab_count_error(s, e);
	snprintf(cond, sizeof(cond), "BUG %s: slab corruption (%s)",
		 s ? s->name : "kmalloc", what);
	__warn(__FILE__, __LINE__, cond);
}

void slab_fix(struct kmem_cache *s, const char *fmt, ...)
{
	char msg[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("FIX %s: %s\n", s->name, msg);
}

static struct slab_track *get_track(struct kmem_cache *s, const void *obj,
				    enum track_item which)
{
	return (struct slab_track *)((char *)obj_to_slot(s, obj) +
				     s->track_offset) + which;
}

static void set_track(struct kmem_cache *s, const void *obj,
		      enum track_item which, unsigned long caller)
{
	struct slab_track *t;

	if (!(s->flags & SLAB_STORE_USER))
		return;
	t = get_track(s, obj, which);
	t->addr = caller;
	t->cpu = raw_smp_processor_id();
	t->pid = current ? current->pid : -1;
}

static void print_track(const char *what, const struct slab_track *t)
{
	char sym[128];

	if (!t->addr)
		return;
	pr_err("INFO: %s in %s cpu=%d pid=%d\n", what,
	       symbolize(sym, sizeof(sym), t->addr), t->cpu, t->pid);
}

static void print_tracks(struct kmem_cache *s, const void *obj)
{
	if (!(s->flags & SLAB_STORE_USER))
		return;
	print_track("Allocated", get_track(s, obj, TRACK_ALLOC));
	print_track("Freed", get_track(s, obj, TRACK_FREE));
}

static void print_trailer(struct kmem_cache *s, struct page *slab, const void *obj)
{
	const u8 *slot = obj_to_slot(s, obj);

	print_tracks(s, obj);
	pr_err("INFO: Slab %p objects=%u used=%u fp=%p flags=%#lx\n",
	       (void *)slab, slab->objects, slab->inuse, slab->freelist,
	       slab->flags);
	pr_err("INFO: Object %p @offset=%lu\n", obj,
	       (unsigned long)((const char *)obj - (const char *)slab_address(slab)));
	if (s->flags & SLAB_RED_ZONE)
		print_section("Redzone ", slot + s->red_left_pad - min_t(size_t, 16, s->red_left_pad),
			      min_t(size_t, 16, s->red_left_pad));
	print_section("Object  ", obj, min_t(size_t, s->object_size, 128));
	if (s->flags & SLAB_RED_ZONE)
		print_section("Redzone ", (const u8 *)obj + s->object_size,
			      s->offset - s->red_left_pad - s->object_size);
}

void slab_report_invalid_free(struct kmem_cache *s, const void *obj,
			      unsigned long caller, const char *why)
{
	slab_bug(s, "Invalid object pointer %p (%s)", obj, why);
	if (s && virt_addr_valid(obj) && PageSlab(virt_to_page(obj)) &&
	    virt_to_page(obj)->slab_cache)
		pr_err("INFO: %p is in a slab of %s\n", obj,
		       virt_to_page(obj)->slab_cache->name);
	slab_bug_end(s, SLAB_ERR_INVALID_FREE, caller, "free");
}

void slab_report_double_free(struct kmem_cache *s, const void *obj,
			     unsigned long caller)
{
	slab_bug(s, "Object %p already free (freed twice in a row)", obj);
	slab_bug_end(s, SLAB_ERR_DOUBLE_FREE, caller, "free");
}

/* ---- object checks ------------------------------------------------------ */

static u8 *right_redzone(struct kmem_cache *s, const void *obj, size_t *len)
{
	*len = s->offset - s->red_left_pad - s->object_size;
	return (u8 *)obj + s->object_size;
}

/* The first byte of [p, p+len) that is not v, or NULL. */
static u8 *check_bytes(u8 *p, u8 v, size_t len)
{
	for (; len; p++, len--)
		if (*p != v)
			return p;
	return NULL;
}

static void set_redzones(struct kmem_cache *s, const void *obj, u8 v)
{
	size_t len;
	u8 *rz;

	if (!(s->flags & SLAB_RED_ZONE))
		return;
	memset(obj_to_slot(s, obj), v, s->red_left_pad);
	rz = right_redzone(s, obj, &len);
	memset(rz, v, len);
}

static void poison_object(struct kmem_cache *s, void *obj)
{
	if (!(s->flags & SLAB_POISON))
		return;
	memset(obj, POISON_FREE, s->object_size - 1);
	((u8 *)obj)[s->object_size - 1] = POISON_END;
}

void slab_debug_init_object(struct kmem_cache *s, void *obj)
{
	set_redzones(s, obj, SLUB_RED_INACTIVE);
	poison_object(s, obj);
	if (s->flags & SLAB_STORE_USER)
		memset(get_track(s, obj, TRACK_ALLOC), 0, 2 * sizeof(struct slab_track));
}

/* Checks a red zone for v; reports and repairs. Returns false if damaged. */
static bool check_redzones(struct kmem_cache *s, struct page *slab,
			   const void *obj, u8 v, unsigned long caller,
			   const char *what)
{
	u8 *slot = obj_to_slot(s, obj), *bad, *rz;
	const char *where = "Right";
	size_t len;

	if (!(s->flags & SLAB_RED_ZONE))
		return true;
	rz = right_redzone(s, obj, &len);
	bad = check_bytes(slot, v, s->red_left_pad);
	if (bad)
		where = "Left";
	else
		bad = check_bytes(rz, v, len);
	if (!bad)
		return true;
	slab_bug(s, "%s Redzone overwritten", where);
	pr_err("INFO: %p-%p @offset=%ld. First byte 0x%x instead of 0x%x\n",
	       (void *)bad, (void *)(bad + 1),
	       (long)(bad - (u8 *)obj), *bad, v);
	print_trailer(s, slab, obj);
	slab_bug_end(s, SLAB_ERR_REDZONE, caller, what);
	set_redzones(s, obj, v);
	return false;
}

static bool check_poison(struct kmem_cache *s, struct page *slab,
			 const void *obj, unsigned long caller, const char *what)
{
	u8 *p = (u8 *)obj, *bad;

	if (!(s->flags & SLAB_POISON))
		return true;
	bad = check_bytes(p, POISON_FREE, s->object_size - 1);
	if (!bad && p[s->object_size - 1] != POISON_END)
		bad = p + s->object_size - 1;
	if (!bad)
		return true;
	slab_bug(s, "Poison overwritten");
	pr_err("INFO: %p-%p @offset=%ld. First byte 0x%x instead of 0x%x (write after free)\n",
	       (void *)bad, (void *)(bad + 1), (long)(bad - p), *bad,
	       bad == p + s->object_size - 1 ? POISON_END : POISON_FREE);
	print_trailer(s, slab, obj);
	slab_bug_end(s, SLAB_ERR_POISON, caller, what);
	poison_object(s, (void *)obj);
	return false;
}

static bool on_freelist(struct kmem_cache *s, struct page *slab, const void *obj)
{
	unsigned int n = 0;
	void *p;

	for (p = slab->freelist; p && n <= slab->objects; p = get_freepointer(s, p), n++)
		if (p == obj)
			return true;
	return false;
}

/* Called with the object just taken off its slab, cache lock held. */
bool slab_debug_alloc(struct kmem_cache *s, struct page *slab, void *obj,
		      unsigned long caller)
{
	bool ok = check_redzones(s, slab, obj, SLUB_RED_INACTIVE, caller, "alloc");

	ok &= check_poison(s, slab, obj, caller, "alloc");
	set_redzones(s, obj, SLUB_RED_ACTIVE);
	set_track(s, obj, TRACK_ALLOC, caller);
	return ok;
}

/* Before obj goes back onto slab, cache lock held; false: do not free it. */
bool slab_debug_free(struct kmem_cache *s, struct page *slab, const void *obj,
		     unsigned long caller)
{
	unsigned long off = (const char *)obj - (const char *)slab_address(slab) -
			    s->red_left_pad;

	if ((const char *)obj < (const char *)slab_address(slab) + s->red_left_pad ||
	    off % s->size || off / s->size >= slab->objects) {
		slab_report_invalid_free(s, obj, caller,
					 "not the start of an object");
		return false;
	}
	if (on_freelist(s, slab, obj)) {
		slab_bug(s, "Object already free");
		print_trailer(s, slab, obj);
		slab_bug_end(s, SLAB_ERR_DOUBLE_FREE, caller, "free");
		return false;
	}
	check_redzones(s, slab, obj, SLUB_RED_ACTIVE, caller, "free");
	set_track(s, obj, TRACK_FREE, caller);
	set_redzones(s, obj, SLUB_RED_INACTIVE);
	poison_object(s, (void *)obj);
	return true;
}

/* Every free object of slab: poison and red zones intact? Cache lock held. */
int slab_debug_check_slab(struct kmem_cache *s, struct page *slab)
{
	unsigned long before = s->stats.errors;
	unsigned int n = 0;
	void *p;

	for (p = slab->freelist; p; p = get_freepointer(s, p)) {
		if (++n > slab->objects || virt_to_slab(s, p) != slab) {
			slab_bug(s, "Freelist corrupted");
			pr_err("INFO: Slab %p objects=%u used=%u: bad pointer %p\n",
			       (void *)slab, slab->objects, slab->inuse, p);
			slab_bug_end(s, SLAB_ERR_FREELIST, 0, "check");
			break;
		}
		check_redzones(s, slab, p, SLUB_RED_INACTIVE, 0, "check");
		check_poison(s, slab, p, 0, "check");
	}
	return s->stats.errors - before;
}

int kmem_cache_validate(struct kmem_cache *s)
{
	struct list_head *lists[] = { &s->slabs_full, &s->slabs_partial, &s->slabs_free };
	unsigned long flags;
	struct page *slab;
	unsigned int i;
	int errors = 0;

	if (!slab_debug(s))
		return 0;
	spin_lock_irqsave(&s->lock, flags);
	for (i = 0; i < ARRAY_SIZE(lists); i++)
		list_for_each_entry(slab, lists[i], slab_list)
			errors += slab_debug_check_slab(s, slab);
	spin_unlock_irqrestore(&s->lock, flags);
	return errors;
}

/* ---- leaks at kmem_cache_destroy() --------------------------------------- */

#define LEAKS_LISTED	16
#define MAX_SLAB_OBJECTS ((PAGE_SIZE << SLAB_MAX_ORDER) / 8)

static unsigned int report_slab_leaks(struct kmem_cache *s, struct page *slab,
				      unsigned int listed)
{
	unsigned long free[MAX_SLAB_OBJECTS / (8 * sizeof(long))] = { 0 };
	unsigned int i, n = 0;
	char sym[128];
	void *p;

	for (p = slab->freelist; p && n++ < slab->objects; p = get_freepointer(s, p)) {
		i = obj_to_index(s, slab, p);
		if (i < MAX_SLAB_OBJECTS)
			free[i / (8 * sizeof(long))] |= 1UL << (i % (8 * sizeof(long)));
	}
	for (i = 0; i < slab->objects && listed < LEAKS_LISTED; i++) {
		const void *obj = index_to_obj(s, slab, i);
		const struct slab_track *t;

		if (free[i / (8 * sizeof(long))] & (1UL << (i % (8 * sizeof(long)))))
			continue;
		listed++;
		if (!(s->flags & SLAB_STORE_USER)) {
			pr_err("INFO: Object %p @offset=%lu\n", obj,
			       (unsigned long)i * s->size + s->red_left_pad);
			continue;
		}
		t = get_track(s, obj, TRACK_ALLOC);
		pr_err("INFO: Object %p @offset=%lu allocated in %s cpu=%d pid=%d\n",
		       obj, (unsigned long)i * s->size + s->red_left_pad,
		       symbolize(sym, sizeof(sym), t->addr), t->cpu, t->pid);
	}
	return listed;
}

static void list_leaked_objects(struct kmem_cache *s)
{
	struct list_head *lists[] = { &s->slabs_full, &s->slabs_partial };
	unsigned int i, listed = 0;
	unsigned long flags;
	struct page *slab;

	spin_lock_irqsave(&s->lock, flags);
	slab_bug(s, "Objects remaining in %s on kmem_cache_destroy()", s->name);
	pr_err("INFO: %llu objects in %llu slabs still allocated\n",
	       (unsigned long long)s->stats.active_objs,
	       (unsigned long long)s->stats.active_slabs);
	for (i = 0; i < ARRAY_SIZE(lists); i++)
		list_for_each_entry(slab, lists[i], slab_list)
			listed = report_slab_leaks(s, slab, listed);
	if (listed < s->stats.active_objs)
		pr_err("INFO: ... and %llu more\n",
		       (unsigned long long)(s->stats.active_objs - listed));
	spin_unlock_irqrestore(&s->lock, flags);
}

void slab_report_leaks(struct kmem_cache *s, unsigned long caller,
		       bool list_objects)
{
	char sym[128], msg[256];

	if (list_objects)
		list_leaked_objects(s);
	slab_count_error(s, SLAB_ERR_LEAK);
	snprintf(msg, sizeof(msg),
		 "kmem_cache_destroy %s: Slab cache still has objects when called from %s",
		 s->name, symbolize(sym, sizeof(sym), caller));
	pr_err("%s\n", msg);
	__warn(__FILE__, __LINE__, msg);
}
