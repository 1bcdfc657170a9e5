// SPDX-License-Identifier: MIT
/*
 * kmodd: the thread that loads and unloads modules for the VMM (HC_MODULE,
 * <memvisor/module.h>). The VMM's MSI (MV_MODULE_VECTOR) wakes it; it
 * fetches requests until there are none and answers each with DONE. Boot
 * waits for its first round, so the modules given with vmm --module are
 * loaded (and their tests run) before ktest= starts and before "boot
 * complete", as Linux loads its initramfs modules before userspace.
 */
#include <linux/kernel.h>
#include <linux/completion.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <asm/hypercall.h>
#include <asm/irq.h>
#include "ktest_runner.h"
#include "module_internal.h"

/* The one request kmodd speaks through (in .bss: below 4 GiB). */
static struct mv_hc_module req __aligned(64);
static DECLARE_WAIT_QUEUE_HEAD(kmodd_wait);
static unsigned long kmodd_kicks;		/* MSIs seen */
static DECLARE_COMPLETION(kmodd_booted);	/* first round done */

static void kmodd_interrupt(struct pt_regs *regs)
{
	WRITE_ONCE(kmodd_kicks, kmodd_kicks + 1);
	wake_up(&kmodd_wait);
}

/* One HC_MODULE call on req; the VMM's result. */
static int module_hypercall(u32 op)
{
	req.op = op;
	req.result = 0;
	hypercall(HC_MODULE, hc_gpa(&req));
	return req.result;
}

/* The next request's kind (its fields in req), or REQ_NONE. */
static u32 fetch_request(void)
{
	int err;

	memset(&req, 0, sizeof(req));
	err = module_hypercall(MV_MODULE_OP_FETCH);
	if (err) {
		pr_err("kmodd: FETCH refused: %d\n", err);
		return MV_MODULE_REQ_NONE;
	}
	req.name[sizeof(req.name) - 1] = '\0';
	req.params[sizeof(req.params) - 1] = '\0';
	return req.kind;
}

/* The image into buf, a page at a time (a vmalloc area: pages anywhere). */
static int read_image(u8 *buf, u64 size, struct module_err *e)
{
	u64 off;
	int err;

	for (off = 0; off < size; off += PAGE_SIZE) {
		req.offset = off;
		req.gpa = PFN_PHYS(vmalloc_to_pfn(buf + off));
		req.len = min_t(u64, PAGE_SIZE, size - off);
		err = module_hypercall(MV_MODULE_OP_READ);
		if (err) {
			module_error(e, "%s: cannot read the image at offset "
				     "%llu: %d", req.name,
				     (unsigned long long)off, err);
			return err;
		}
	}
	return 0;
}

static int kmodd_load(struct module_err *e)
{
	u64 size = req.size;
	struct module *mod;
	u8 *buf;
	int err;

	if (!size || size > MV_MODULE_IMAGE_MAX) {
		module_error(e, "%s: image of %llu bytes is not in 1..%u",
			     req.name, (unsigned long long)size,
			     MV_MODULE_IMAGE_MAX);
		return -EFBIG;
	}
	buf = vmalloc(size);
	if (!buf) {
		module_error(e, "%s: no memory for an image of %llu bytes",
			     req.name, (unsigned long long)size);
		return -ENOMEM;
	}
	err = read_image(buf, size, e);
	if (!err)
		err = load_module_image(buf, size, req.params, &mod, e);
	vfree(buf);
	if (err)
		return err;
	req.base = (unsigned long)mod->core_base;
	req.core_size = mod->core_size;
	req.tests_run = mod->num_ktests;
	if (mod->num_ktests)
		req.tests_failed = ktest_run_module_cases(mod->name, mod->ktests,
							  mod->num_ktests);
	return 0;
}

struct leak_report {
	const struct module *mod;
	unsigned long base;
};

static const char *const leak_kinds[] = {
	[MV_LEAK_CACHE] = "cache",
	[MV_LEAK_OBJECTS] = "objects",
	[MV_LEAK_PAGES] = "pages",
	[MV_LEAK_VMALLOC] = "vmalloc area",
	[MV_LEAK_PERCPU] = "per-CPU area",
	[MV_LEAK_MEMPOOL] = "mempool",
};

/* "fn+0x1c/0x80" as kallsyms names the caller, or "0x<offset>". */
static void name_caller(const struct leak_report *r, unsigned long caller,
			char *buf, size_t len)
{
	unsigned long off, size;
	const char *fn = module_address_lookup(r->mod, caller, &off, &size);

	if (fn)
		snprintf(buf, len, "%s+%#lx/%#lx", fn, off, size);
	else
		snprintf(buf, len, "%#lx", caller - r->base);
}

/* One record on the console, in kmemleak's words (SLUB's for a cache). */
static void print_leak(const struct leak_report *r, const struct module_leak *l,
		       const char *caller)
{
	if (l->kind == MV_LEAK_CACHE) {
		pr_err("kmem_cache %s: created by %s [%s] and not destroyed "
		       "(%lu objects in use)\n", l->what ?: "?", caller,
		       r->mod->name, l->count);
		return;
	}
	if (l->kind == MV_LEAK_PAGES)
		pr_err("kmemleak: unreferenced pages at pfn %#lx (size %lu):\n",
		       l->addr, l->bytes);
	else
		pr_err("kmemleak: unreferenced object 0x%lx (size %lu):\n",
		       l->addr, l->count > 1 ? l->bytes / l->count : l->bytes);
	pr_err("kmemleak:   %s%s%s: %lu, %lu bytes\n", leak_kinds[l->kind],
	       l->what ? " of " : "", l->what ?: "", l->count, l->bytes);
	pr_err("kmemleak:   backtrace:\n");
	pr_err("kmemleak:     [<%016lx>] %s [%s]\n", l->caller, caller,
	       r->mod->name);
}

/* mm_find_module_leaks' callback: print it, then tell the VMM (op LEAK). */
static void report_leak(const struct module_leak *l, void *arg)
{
	const struct leak_report *r = arg;
	struct mv_module_leak *m = &req.leak;
	char caller[MV_LEAK_WHAT_MAX];
	int err;

	if (l->kind >= ARRAY_SIZE(leak_kinds)) {
		pr_err("kmodd: leak record of unknown kind %u dropped\n", l->kind);
		return;
	}
	name_caller(r, l->caller, caller, sizeof(caller));
	print_leak(r, l, caller);
	memset(m, 0, sizeof(*m));
	m->kind = l->kind;
	m->count = l->count;
	m->bytes = l->bytes;
	m->addr = l->addr;
	m->caller_offset = l->caller - r->base;
	strscpy_len(m->what, l->what ?: caller, sizeof(m->what));
	err = module_hypercall(MV_MODULE_OP_LEAK);
	if (err)
		pr_err("kmodd: LEAK refused: %d\n", err);
}

static int kmodd_unload(struct module_err *e)
{
	struct module *mod = find_module(req.name);
	struct leak_report r = { .mod = mod };
	unsigned int nr_leaks;
	int err;

	if (mod) {
		r.base = (unsigned long)mod->core_base;
		req.base = r.base;
		req.core_size = mod->core_size;
	}
	err = unload_module(req.name, report_leak, &r, &nr_leaks, e);
	if (err)
		return err;
	req.nr_leaks = nr_leaks;
	if (!nr_leaks)
		pr_info("%s: no leaks\n", req.name);
	return 0;
}

static void send_done(int status, const struct module_err *e)
{
	int err;

	req.status = status;
	strscpy_len(req.msg, status ? e->msg : "", sizeof(req.msg));
	err = module_hypercall(MV_MODULE_OP_DONE);
	if (err)
		pr_err("kmodd: DONE of request %llu refused: %d\n",
		       (unsigned long long)req.id, err);
}

static void handle_request(u32 kind)
{
	struct module_err e = { .msg = "" };
	int status;

	/* DONE's fields: filled in by the handlers below. */
	req.tests_run = req.tests_failed = req.nr_leaks = 0;
	req.base = req.core_size = 0;
	if (kind == MV_MODULE_REQ_LOAD) {
		status = kmodd_load(&e);
	} else if (kind == MV_MODULE_REQ_UNLOAD) {
		status = kmodd_unload(&e);
	} else {
		module_error(&e, "kmodd: request %llu of unknown kind %u",
			     (unsigned long long)req.id, kind);
		status = -EINVAL;
	}
	send_done(status, &e);
}

static int kmodd(void *unused)
{
	unsigned long seen;
	u32 kind;

	for (;;) {
		/* Read before fetching: an MSI after the last FETCH is not lost. */
		seen = READ_ONCE(kmodd_kicks);
		while ((kind = fetch_request()) != MV_MODULE_REQ_NONE)
			handle_request(kind);
		complete_all(&kmodd_booted);
		wait_event(kmodd_wait, READ_ONCE(kmodd_kicks) != seen);
	}
	return 0;
}

void kmodd_start(void)
{
	struct task_struct *k;

	if (set_irq_handler(MV_MODULE_VECTOR, kmodd_interrupt))
		panic("kmodd: vector %#x is not usable", MV_MODULE_VECTOR);
	/* On CPU 0: the VMM's MSI goes to APIC 0. */
	k = kthread_run_on_cpu(kmodd, NULL, 0, "kmodd");
	if (!k)
		panic("kmodd: cannot create the thread");
	wait_for_completion(&kmodd_booted);
}
