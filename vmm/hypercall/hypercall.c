// SPDX-License-Identifier: MIT
/* Guest -> VMM hypercalls: the dispatch. Requests are validated in hcreq.c. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/hypercall.h>

#include "allocq.h"
#include "console.h"
#include "control.h"
#include "exitstatus.h"
#include "hcmodule.h"
#include "hcreq.h"
#include "hypercall.h"
#include "ktestlog.h"
#include "modq.h"
#include "report.h"
#include "vcpu.h"

static enum io_result hc_console(struct vm *vm, struct io_access *a,
				 uint32_t gpa)
{
	struct mv_hc_console c;

	if (hcreq_console(&vm->gmem, gpa, &c, a->err))
		return IO_FATAL;
	/* the level is the guest's business; the text passes through */
	console_write(c.data, c.len);
	return IO_DONE;
}

static enum io_result hc_shutdown(struct vm *vm, uint32_t code)
{
	vm_end(vm, VM_END_GUEST,
	       code > VMM_GUEST_CODE_MAX ? VMM_GUEST_CODE_MAX : (int)code);
	return IO_STOP;
}

static enum io_result hc_panic(struct vm *vm, struct io_access *a,
			       uint32_t gpa)
{
	struct mv_hc_panic p;
	FILE *f;

	if (hcreq_panic(&vm->gmem, gpa, &p, a->err))
		return IO_FATAL;
	if (report_is_fatal(p.kind) && vm_ended(vm))
		return IO_STOP;
	f = console_lock_err();
	report_panic(f, &p, a->vcpu->index, &a->vcpu->vm->ksyms);
	console_unlock();
	if (p.kind == MV_PANIC_SLEEP_BUG)
		control_event_sleep_bug(vm, a->vcpu->index, p.file, p.line,
					p.msg);
	if (!report_is_fatal(p.kind)) {
		vm_count_warning(vm);
		return IO_DONE;
	}
	vm_end(vm, VM_END_CRASH, VMM_EXIT_CRASH);
	return IO_STOP;
}

static enum io_result hc_test(struct vm *vm, struct io_access *a, uint32_t gpa)
{
	struct mv_hc_test t;
	struct errbuf e;

	if (hcreq_test(&vm->gmem, gpa, &t, a->err))
		return IO_FATAL;
	switch (ktestlog_event(vm->tests, &t, &e)) {
	case KTESTLOG_OK:
		return IO_DONE;
	case KTESTLOG_ASSERT:
		/*
		 * An assertion outside any test is the guest's own BUG. The
		 * registers at this hypercall point into the failing caller.
		 */
		vcpu_crash(a->vcpu, "%s", e.msg);
		return IO_STOP;
	case KTESTLOG_VIOLATION:
		break;
	}
	memcpy(a->err->msg, e.msg, sizeof(e.msg));
	return IO_FATAL;
}

/* The guest printed the failure itself; clients hear of it as an event. */
static enum io_result hc_alloc_failure(struct vm *vm, struct io_access *a,
				       uint32_t gpa)
{
	struct mv_hc_alloc_failure f;

	if (hcreq_alloc_failure(&vm->gmem, gpa, &f, a->err))
		return IO_FATAL;
	pthread_mutex_lock(&vm->lock);
	vm->alloc_failures++;
	pthread_mutex_unlock(&vm->lock);
	control_event_alloc_failure(vm, a->vcpu->index, f.order, f.gfp_mask,
				    f.comm);
	return IO_DONE;
}

/* @s for a terminal: anything but printable ASCII becomes \\xHH. */
static void plain_text(char *dst, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 5 <= size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f)
			dst[n++] = (char)c;
		else
			n += (size_t)snprintf(dst + n, size - n, "\\x%02x", c);
	}
	dst[n] = '\0';
}

/* A module from vmm --module: as Linux boots on, a failure is printed. */
static void report_boot_module(const struct modq_done *d)
{
	char msg[4 * MV_MODULE_MSG_MAX + 1];

	if (!d->from_cmdline)
		return;
	plain_text(msg, sizeof(msg), d->msg);
	if (d->status)
		console_err("vmm: --module %s: %s\n", d->name,
			    msg[0] ? msg : "failed");
	else if (d->tests_failed)
		console_err("vmm: --module %s: %u of %u tests failed\n",
			    d->name, d->tests_failed, d->tests_run);
}

static void module_done(struct vm *vm, const struct modq_done *d)
{
	report_boot_module(d);
	control_event_module_done(vm, d);
}

/* HC_MODULE (hcmodule.h); a DONE's outcome is reported here. */
static enum io_result hc_module(struct vm *vm, struct io_access *a,
				uint32_t gpa)
{
	struct modq_done d;
	bool done;

	if (hc_module_serve(&vm->gmem, vm->modules, gpa, &d, &done, a->err))
		return IO_FATAL;
	if (done) {
		module_done(vm, &d);
		free(d.leaks);
	}
	return IO_DONE;
}

/*
 * HC_ALLOC_RING (devices/allocq.h): the ring's announcement, or an answer; a
 * checked answer (or its refusal) goes to the clients as an event.
 */
static enum io_result hc_alloc_ring(struct vm *vm, struct io_access *a,
				    uint32_t gpa)
{
	struct allocq_result res;
	struct mv_hc_alloc h;
	struct errbuf e;
	bool done = false;

	if (hcreq_alloc_ring(&vm->gmem, gpa, &h, a->err))
		return IO_FATAL;
	if (h.op == MV_ALLOC_OP_RING) {
		h.result = allocq_set_ring(vm->allocs, h.gpa, h.size, &e);
	} else {
		h.result = allocq_done(vm->allocs, h.slot, &res, &e);
		done = !h.result;
	}
	if (h.result)
		console_err("vmm: %s\n", e.msg);
	if (gmem_write(&vm->gmem, gpa + offsetof(struct mv_hc_alloc, result),
		       &h.result, sizeof(h.result)))
		return errf(a->err, "HC_ALLOC_RING: cannot answer at 0x%x", gpa);
	if (done) {
		control_event_alloc_done(vm, &res);
		free(res.list);
	}
	return IO_DONE;
}

static enum io_result hc_io(void *opaque, struct io_access *a)
{
	struct vm *vm = opaque;
	uint32_t val;

	if (!a->write || a->size != 4 || a->count != 1)
		return errf(a->err, "hypercalls are a single 32-bit out (got %s of %u bytes, count %u)",
			    a->write ? "out" : "in", a->size, a->count);
	memcpy(&val, a->data, sizeof(val));

	switch (a->addr - MV_HC_PORT_BASE) {
	case HC_CONSOLE:
		return hc_console(vm, a, val);
	case HC_SHUTDOWN:
		return hc_shutdown(vm, val);
	case HC_PANIC:
		return hc_panic(vm, a, val);
	case HC_CPU_UP:
		return vm_start_cpu(vm, val, a->err) ? IO_FATAL : IO_DONE;
	case HC_TEST:
		return hc_test(vm, a, val);
	case HC_ALLOC_FAILURE:
		return hc_alloc_failure(vm, a, val);
	case HC_MODULE:
		return hc_module(vm, a, val);
	case HC_ALLOC_RING:
		return hc_alloc_ring(vm, a, val);
	}
	return errf(a->err, "unknown hypercall %u",
		    (unsigned int)(a->addr - MV_HC_PORT_BASE));
}

int hypercall_register(struct vm *vm)
{
	return iobus_register(&vm->pio, MV_HC_PORT_BASE, HC_NR, hc_io, vm,
			      "hypercall");
}
