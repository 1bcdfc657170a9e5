// SPDX-License-Identifier: MIT
/*
 * Workloads (<linux/workload.h>): the table the VMM reads, parameter
 * parsing, starting and stopping the threads, workload= on the command
 * line.
 *
 * Every thread frees what it holds itself when it leaves its loop (asked
 * to stop, or seconds= over); the last one out tears the shared state
 * down and records what is still held as leaked. A thread whose time is
 * over then sleeps until workload_stop() (or the slot's next start) joins
 * it, since a kthread is freed by whoever joins it.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workload.h>

struct workload workloads[WORKLOAD_MAX];
static DEFINE_SPINLOCK(workloads_lock);	/* guards every slot's state */
/*
 * One start or stop at a time (they sleep: a mutex's job, which this
 * kernel does without): a start must not reap a slot's threads while a
 * stop of the same slot is still joining them.
 */
static DECLARE_WAIT_QUEUE_HEAD(workloads_wq);
static bool workloads_busy;

static bool try_begin(void)
{
	unsigned long flags;
	bool got;

	spin_lock_irqsave(&workloads_lock, flags);
	got = !workloads_busy;
	workloads_busy = true;
	spin_unlock_irqrestore(&workloads_lock, flags);
	return got;
}

static void begin(void)
{
	wait_event(workloads_wq, try_begin());
}

static void end(void)
{
	unsigned long flags;

	spin_lock_irqsave(&workloads_lock, flags);
	workloads_busy = false;
	spin_unlock_irqrestore(&workloads_lock, flags);
	wake_up(&workloads_wq);
}

static const struct workload_type *const workload_types[] = {
	&workload_slab_churn, &workload_fragment, &workload_kmap_pressure,
	&workload_dma_buffers, &workload_vmalloc_churn,
};

/* Keys every type takes, besides its own. */
enum { GEN_THREADS, GEN_SECONDS, GEN_NR };
static const struct workload_param_def generic_params[] = {
	[GEN_THREADS] = { "threads", 0, 1, WORKLOAD_THREADS_MAX },	/* 0: a CPU each */
	[GEN_SECONDS] = { "seconds", 0, 0, 86400 },
	{ NULL }
};

static const struct workload_type *type_of(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(workload_types); i++)
		if (!strcmp(workload_types[i]->name, name))
			return workload_types[i];
	return NULL;
}

u32 workload_rand(struct workload_thread *t)
{
	u64 x = t->rand;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	t->rand = x;
	return (u32)(x >> 16);
}

unsigned long workload_rand_range(struct workload_thread *t, unsigned long lo,
				  unsigned long hi)
{
	return lo + workload_rand(t) % (hi - lo + 1);
}

/* ---- parameters ---------------------------------------------------------- */

static bool parse_ulong(const char *s, size_t len, unsigned long *out)
{
	unsigned long v = 0;

	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || v > 100000000UL)
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static int def_index(const struct workload_param_def *defs, const char *key,
		     size_t len)
{
	for (int i = 0; defs && defs[i].key; i++)
		if (strlen(defs[i].key) == len && !strncmp(defs[i].key, key, len))
			return i;
	return -1;
}

/* One "key=value" of @len bytes into @gen or @wl->param. */
static int parse_one(struct workload *wl, const char *kv, size_t len,
		     unsigned long gen[GEN_NR])
{
	const char *eq = kv;
	const struct workload_param_def *d;
	unsigned long v;
	size_t klen;
	int i;

	while (eq < kv + len && *eq != '=')
		eq++;
	if (eq == kv + len) {
		pr_err("workload %s: '%.*s' is not key=value\n", wl->name,
		       (int)len, kv);
		return -EINVAL;
	}
	klen = eq - kv;
	if ((i = def_index(generic_params, kv, klen)) >= 0)
		d = &generic_params[i];
	else if ((i = def_index(wl->type->params, kv, klen)) >= 0)
		d = &wl->type->params[i];
	else {
		pr_err("workload %s: unknown parameter '%.*s'\n", wl->name,
		       (int)klen, kv);
		return -EINVAL;
	}
	if (!parse_ulong(eq + 1, len - klen - 1, &v) || v < d->min || v > d->max) {
		pr_err("workload %s: %s=%.*s is not %lu..%lu\n", wl->name,
		       d->key, (int)(len - klen - 1), eq + 1, d->min, d->max);
		return -EINVAL;
	}
	if (d >= generic_params && d < generic_params + GEN_NR)
		gen[i] = v;
	else
		wl->param[i] = v;
	return 0;
}

static int parse_params(struct workload *wl, const char *params)
{
	unsigned long gen[GEN_NR] = { 0, 0 };
	const char *p = params, *end;
	int i;

	for (i = 0; wl->type->params && wl->type->params[i].key; i++)
		wl->param[i] = wl->type->params[i].def;
	while (*p) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		if (parse_one(wl, p, end - p, gen))
			return -EINVAL;
		p = *end ? end + 1 : end;
	}
	wl->nr_threads = gen[GEN_THREADS] ? gen[GEN_THREADS] :
			 min_t(unsigned int, num_online_cpus(), WORKLOAD_THREADS_MAX);
	wl->seconds = gen[GEN_SECONDS];
	return 0;
}

/* ---- the threads --------------------------------------------------------- */

static bool time_is_up(const struct workload *wl)
{
	return wl->seconds &&
	       jiffies - wl->start_jiffies >= wl->seconds * wl->hz;
}

/* The last thread out: the shared state goes, what is still held is a leak. */
static void workload_finish(struct workload *wl)
{
	unsigned long flags;
	long left;

	if (wl->type->teardown)
		wl->type->teardown(wl);
	left = atomic_long_read(&wl->held_bytes);
	atomic_long_set(&wl->leaked_bytes, left);
	if (left)
		pr_err("workload %s: %ld bytes still held after stopping\n",
		       wl->name, left);
	WRITE_ONCE(wl->stop_jiffies, jiffies ? jiffies : 1);
	spin_lock_irqsave(&workloads_lock, flags);
	wl->state = WORKLOAD_STOPPED;
	spin_unlock_irqrestore(&workloads_lock, flags);
}

static atomic_t *live_threads(struct workload *wl)
{
	static atomic_t live[WORKLOAD_MAX];

	return &live[wl - workloads];
}

/* A thread leaves: what it holds goes; the last one out finishes. */
static void thread_done(struct workload_thread *t)
{
	t->wl->type->release(t);
	if (atomic_dec_and_test(live_threads(t->wl)))
		workload_finish(t->wl);
}

static int workload_thread_fn(void *data)
{
	struct workload_thread *t = data;
	struct workload *wl = t->wl;

	while (!kthread_should_stop() && !time_is_up(wl)) {
		if (wl->type->step(t))
			atomic_long_inc(&wl->failures);
		else
			atomic_long_inc(&wl->ops);
		cond_resched();
	}
	thread_done(t);
	/* seconds= over: the task is freed by whoever joins it */
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/*
 * Joins every thread of @wl (they free what they hold on the way out). A
 * thread stopped before it first ran never runs its function (-EINTR, as
 * Linux's kthread()): its part is done here.
 */
static void reap_threads(struct workload *wl)
{
	for (unsigned int i = 0; i < WORKLOAD_THREADS_MAX; i++) {
		struct workload_thread *t = &wl->threads[i];

		if (t->task && kthread_stop(t->task) == -EINTR)
			thread_done(t);
		t->task = NULL;
	}
}

static int spawn_threads(struct workload *wl)
{
	char comm[TASK_COMM_LEN];
	unsigned int i;

	atomic_set(live_threads(wl), wl->nr_threads);
	for (i = 0; i < wl->nr_threads; i++) {
		struct workload_thread *t = &wl->threads[i];

		*t = (struct workload_thread){ .wl = wl, .id = i };
		t->rand = (jiffies + 1) * 0x9e3779b97f4a7c15ULL ^
			  ((u64)(i + 1) << 32 | (u64)(wl - workloads + 1));
		if (wl->type->thread_init(t))
			goto fail;
		snprintf(comm, sizeof(comm), "%s/%u", wl->name, i);
		t->task = kthread_create_on_cpu(workload_thread_fn, t,
						i % num_online_cpus(), comm);
		if (!t->task) {
			wl->type->release(t);
			goto fail;
		}
	}
	for (i = 0; i < wl->nr_threads; i++)
		wake_up_process(wl->threads[i].task);
	return 0;
fail:
	/* the i threads made so far never ran: reaping does their part */
	atomic_set(live_threads(wl), i);
	if (!i)
		workload_finish(wl);
	reap_threads(wl);
	return -ENOMEM;
}

/* ---- start and stop ------------------------------------------------------ */

/* A slot for @name, claimed (STARTING), or NULL with *err. */
static struct workload *claim_slot(const char *name, int *err)
{
	struct workload *wl, *free_slot = NULL;
	unsigned long flags;

	spin_lock_irqsave(&workloads_lock, flags);
	for (wl = workloads; wl < workloads + WORKLOAD_MAX; wl++) {
		bool done = wl->state == WORKLOAD_FREE ||
			    wl->state == WORKLOAD_STOPPED ||
			    wl->state == WORKLOAD_FAILED;

		if (!done && !strcmp(wl->name, name)) {
			spin_unlock_irqrestore(&workloads_lock, flags);
			*err = -EBUSY;
			return NULL;
		}
		/* the same name's old slot first, so its counters are replaced */
		if (done && (!free_slot || !strcmp(wl->name, name)))
			free_slot = wl;
	}
	if (free_slot)
		free_slot->state = WORKLOAD_STARTING;
	spin_unlock_irqrestore(&workloads_lock, flags);
	*err = -ENOSPC;
	return free_slot;
}

static void reset_slot(struct workload *wl, const struct workload_type *type,
		       const char *name, const char *params)
{
	reap_threads(wl);	/* a seconds= run's sleeping threads */
	memset(wl->name, 0, sizeof(wl->name));
	memset(wl->params, 0, sizeof(wl->params));
	strscpy_len(wl->name, name, sizeof(wl->name));
	strscpy_len(wl->params, params, sizeof(wl->params));
	wl->type = type;
	wl->hz = HZ;
	wl->start_jiffies = jiffies;
	wl->stop_jiffies = 0;
	wl->error = 0;
	wl->priv = NULL;
	atomic_long_set(&wl->ops, 0);
	atomic_long_set(&wl->bytes, 0);
	atomic_long_set(&wl->failures, 0);
	atomic_long_set(&wl->held_bytes, 0);
	atomic_long_set(&wl->leaked_bytes, 0);
}

/* Unless a short seconds= run has already stopped by itself. */
static void mark_running(struct workload *wl)
{
	unsigned long flags;

	spin_lock_irqsave(&workloads_lock, flags);
	if (wl->state == WORKLOAD_STARTING)
		wl->state = WORKLOAD_RUNNING;
	spin_unlock_irqrestore(&workloads_lock, flags);
}

static int __workload_start(const char *name, const char *params)
{
	const struct workload_type *type = type_of(name);
	struct workload *wl;
	int err;

	if (!type) {
		pr_err("workload: unknown workload '%s'\n", name);
		return -EINVAL;
	}
	if (strlen(params) >= WORKLOAD_PARAMS_LEN) {
		pr_err("workload %s: parameters longer than %u bytes\n", name,
		       WORKLOAD_PARAMS_LEN - 1);
		return -EINVAL;
	}
	wl = claim_slot(name, &err);
	if (!wl)
		return err;
	reset_slot(wl, type, name, params);
	err = parse_params(wl, params);
	if (!err && type->setup)
		err = type->setup(wl);
	if (!err)
		err = spawn_threads(wl);	/* on failure, it tore setup down */
	if (!err) {
		mark_running(wl);
		pr_info("workload %s started: %u threads%s%s\n", name,
			wl->nr_threads, *params ? ", " : "", params);
		return 0;
	}
	wl->error = err;
	WRITE_ONCE(wl->state, WORKLOAD_FAILED);
	pr_err("workload %s: cannot start: %d\n", name, err);
	return err;
}

struct workload *workload_find(const char *name)
{
	for (struct workload *wl = workloads; wl < workloads + WORKLOAD_MAX; wl++)
		if (READ_ONCE(wl->state) == WORKLOAD_RUNNING &&
		    !strcmp(wl->name, name))
			return wl;
	return NULL;
}

static int __workload_stop(const char *name)
{
	struct workload *wl, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&workloads_lock, flags);
	for (wl = workloads; wl < workloads + WORKLOAD_MAX; wl++) {
		if (strcmp(wl->name, name))
			continue;
		if (wl->state == WORKLOAD_RUNNING) {
			wl->state = WORKLOAD_STOPPING;
			found = wl;
		} else if (wl->state == WORKLOAD_STOPPED && wl->threads[0].task) {
			found = wl;	/* seconds= over: only the join is left */
		}
	}
	spin_unlock_irqrestore(&workloads_lock, flags);
	if (!found)
		return -ENOENT;
	reap_threads(found);
	pr_info("workload %s stopped: %ld ops, %ld failures, %ld bytes leaked\n",
		name, atomic_long_read(&found->ops),
		atomic_long_read(&found->failures),
		atomic_long_read(&found->leaked_bytes));
	return 0;
}

int workload_start(const char *name, const char *params)
{
	int err;

	begin();
	err = __workload_start(name, params);
	end();
	return err;
}

int workload_stop(const char *name)
{
	int err;

	begin();
	err = __workload_stop(name);
	end();
	return err;
}

/* ---- workload=NAME[:k=v,...] on the command line ------------------------- */

static struct {
	char name[WORKLOAD_NAME_LEN];
	char params[WORKLOAD_PARAMS_LEN];
} boot_requests[WORKLOAD_MAX];
static unsigned int nr_boot_requests;

static int __init_workload(char *val)
{
	const char *colon = strchr(val, ':');
	size_t nlen = colon ? (size_t)(colon - val) : strlen(val);

	if (!nlen || nlen >= WORKLOAD_NAME_LEN ||
	    nr_boot_requests == WORKLOAD_MAX)
		return -1;
	if (colon && strlen(colon + 1) >= WORKLOAD_PARAMS_LEN)
		return -1;
	memcpy(boot_requests[nr_boot_requests].name, val, nlen);
	if (colon)
		strscpy_len(boot_requests[nr_boot_requests].params, colon + 1,
			    WORKLOAD_PARAMS_LEN);
	nr_boot_requests++;
	return 0;
}
__setup("workload=", __init_workload);

void workload_boot_start(void)
{
	for (unsigned int i = 0; i < nr_boot_requests; i++)
		workload_start(boot_requests[i].name, boot_requests[i].params);
}
