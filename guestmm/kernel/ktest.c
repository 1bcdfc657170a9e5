// SPDX-License-Identifier: MIT
/*
 * ktest's reporting side in the guest: failures, skips and diagnostics go
 * to the VMM as HC_TEST events the moment they happen (a test that hangs or
 * crashes afterwards has still reported them), from a per-CPU request.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/irqflags.h>
#include <linux/kthread.h>
#include <linux/ktest.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/hypercall.h>
#include "ktest_runner.h"
#include "ktest_state.h"

static struct mv_hc_test test_req[NR_CPUS] __aligned(64);

struct ktest_state ktest_state;

void ktest_event(u32 event, u32 status, const char *name, const char *file,
		 int line, const char *msg)
{
	unsigned long flags;
	struct mv_hc_test *req;

	local_irq_save(flags);
	req = &test_req[raw_smp_processor_id()];
	memset(req, 0, sizeof(*req));
	req->event = event;
	req->index = event == MV_TEST_PLAN ? ktest_state.planned : ktest_state.index;
	req->status = status;
	req->line = line;
	strscpy_len(req->name, name ? name : "", sizeof(req->name));
	strscpy_len(req->file, file ? file : "", sizeof(req->file));
	strscpy_len(req->msg, msg ? msg : "", sizeof(req->msg));
	hypercall(HC_TEST, hc_gpa(req));
	local_irq_restore(flags);
}

/* Called from the thread of the module's case kmodd is running. */
static bool in_module_test(void)
{
	return READ_ONCE(ktest_state.module_running) && in_task() &&
	       current == READ_ONCE(ktest_state.module_task);
}

void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt, ...)
{
	char msg[MV_TEST_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	__atomic_add_fetch(&t->failures, 1, __ATOMIC_SEQ_CST);
	if (t->module)
		pr_info("%s:     # ASSERTION FAILED at %s:%d: %s\n", t->module,
			file, line, msg);
	else
		ktest_event(MV_TEST_ASSERT, 0, NULL, file, line, msg);
}

void ktest_skip(struct ktest *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (t->module)
		vsnprintf(ktest_state.module_skip_reason,
			  sizeof(ktest_state.module_skip_reason), fmt, ap);
	else
		vsnprintf(ktest_state.skip_reason,
			  sizeof(ktest_state.skip_reason), fmt, ap);
	va_end(ap);
	t->skipped = true;
}

void ktest_diag(const char *fmt, ...)
{
	char msg[MV_TEST_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (in_module_test())
		pr_info("%s:     # %s\n", ktest_state.module_running->module, msg);
	else
		ktest_event(MV_TEST_DIAG, 0, NULL, NULL, 0, msg);
}

unsigned int ktest_run_case(const struct ktest_case *c, struct ktest *t)
{
	t->tcase = c;
	c->run(t);
	return t->failures;
}

/* Only a test's own threads may end themselves on a failed assertion. */
static bool may_fail_current_test(void)
{
	return READ_ONCE(ktest_state.running) && in_task() && !in_atomic() &&
	       !irqs_disabled() && (current->flags & PF_KTHREAD) &&
	       !(current->flags & PF_IDLE) && current != ktest_state.runner;
}

__noreturn void __guest_assert_fail(const char *file, int line, const char *cond)
{
	char msg[MV_TEST_MSG_MAX];

	snprintf(msg, sizeof(msg), "GUEST_ASSERT(%s) failed", cond);
	if (in_module_test()) {
		ktest_fail(ktest_state.module_running, file, line, "%s", msg);
		kthread_exit(-EFAULT);
	}
	if (may_fail_current_test()) {
		ktest_fail(ktest_state.running, file, line, "%s", msg);
		kthread_exit(-EFAULT);
	}
	pr_emerg("%s:%d: %s\n", file, line, msg);
	ktest_event(MV_TEST_ASSERT, 0, NULL, file, line, msg);
	panic("%s at %s:%d", msg, file, line);
}
