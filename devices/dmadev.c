// SPDX-License-Identifier: MIT
/*
 * The DMA engine: registers on the vCPU threads, transfers on its own
 * thread. See dmadev.h for the model and include/memvisor/dmadev.h for the
 * guest's view.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "dmadev.h"

#define PAGE_SZ		4096ULL

static const char *const err_names[] = {
	[MV_DMADEV_ERR_NONE] = "none",
	[MV_DMADEV_ERR_MASK] = "beyond-dma-mask",
	[MV_DMADEV_ERR_NOT_RAM] = "not-ram",
	[MV_DMADEV_ERR_BUF] = "beyond-device-buffer",
	[MV_DMADEV_ERR_LEN] = "bad-length",
	[MV_DMADEV_ERR_OP] = "bad-command",
	[MV_DMADEV_ERR_ALIGN] = "misaligned",
	[MV_DMADEV_ERR_CHAIN] = "chain-too-long",
	[MV_DMADEV_ERR_RING] = "bad-ring",
	[MV_DMADEV_ERR_FREED] = "freed-in-flight",
	[MV_DMADEV_ERR_UNALLOCATED] = "unallocated",
	[MV_DMADEV_ERR_OBJECT] = "not-a-live-object",
	[MV_DMADEV_ERR_UNWRITTEN] = "never-written",
};

static const char *const reg_names[MV_DMADEV_NR_REGS] = {
	"id", "dma_mask", "src", "dst", "len", "cmd", "status", "int_enable",
	"ring_base", "ring_size", "ring_head", "ring_tail", "fault_count",
	"fault_addr", "fault_len", "fault_reason", "completed", "rejected",
	"latency",
};

const char *dmadev_err_name(unsigned int err)
{
	return err <= MV_DMADEV_ERR_MAX ? err_names[err] : "?";
}

const char *dmadev_op_name(unsigned int op)
{
	switch (op) {
	case 0:
		return "ring";
	case MV_DMADEV_OP_COPY:
		return "copy";
	case MV_DMADEV_OP_FILL:
		return "fill";
	case MV_DMADEV_OP_TO_MEM:
		return "buffer-to-memory";
	case MV_DMADEV_OP_FROM_MEM:
		return "memory-to-buffer";
	}
	return "?";
}

const char *dmadev_reg_name(uint64_t off)
{
	if (off % 8 || off / 8 >= MV_DMADEV_NR_REGS)
		return NULL;
	return reg_names[off / 8];
}

static void *thread_main(void *arg);

void dmadev_init(struct dmadev *dev, const struct gmem *gm,
		 const struct dmadev_ops *ops, void *opaque)
{
	pthread_condattr_t ca;

	memset(dev, 0, offsetof(struct dmadev, buf));
	dev->gm = gm;
	dev->ops = ops;
	dev->opaque = opaque;
	dev->latency_limit = MV_DMADEV_LATENCY_MAX;
	pthread_mutex_init(&dev->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&dev->cond, &ca);
	pthread_condattr_destroy(&ca);
}

int dmadev_start(struct dmadev *dev)
{
	int ret = pthread_create(&dev->thread, NULL, thread_main, dev);

	if (!ret)
		dev->has_thread = true;
	return ret;
}

void dmadev_stop(struct dmadev *dev)
{
	if (!dev->has_thread)
		return;
	pthread_mutex_lock(&dev->lock);
	__atomic_store_n(&dev->stop, true, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&dev->cond);
	pthread_mutex_unlock(&dev->lock);
	pthread_join(dev->thread, NULL);
	dev->has_thread = false;
}

void dmadev_destroy(struct dmadev *dev)
{
	dmadev_stop(dev);
	pthread_cond_destroy(&dev->cond);
	pthread_mutex_destroy(&dev->lock);
}

/* ---- checks ------------------------------------------------------------ */

struct fault_info {
	unsigned int reason;
	uint64_t addr, len;
	/* FREED, UNALLOCATED, OBJECT, UNWRITTEN: the owners (dmadev_fault's) */
	struct page_state then, now;
	struct object_state obj_then, obj_now;
};

static int fail(struct fault_info *f, unsigned int reason, uint64_t addr,
		uint64_t len)
{
	f->reason = reason;
	f->addr = addr;
	f->len = len;
	return -1;
}

/* [addr, addr + len) of guest memory, as a bus master with a 24-bit mask. */
static void *check_mem(struct dmadev *dev, uint64_t addr, uint64_t len,
		       struct fault_info *f)
{
	void *p;

	if (!len || len > MV_DMADEV_MAX_LEN) {
		fail(f, MV_DMADEV_ERR_LEN, addr, len);
		return NULL;
	}
	if (addr > MV_DMADEV_MASK || len - 1 > MV_DMADEV_MASK - addr) {
		fail(f, MV_DMADEV_ERR_MASK, addr, len);
		return NULL;
	}
	p = gmem_ptr(dev->gm, addr, len);
	if (!p)
		fail(f, MV_DMADEV_ERR_NOT_RAM, addr, len);
	return p;
}

static int check_buf(uint64_t off, uint64_t len, struct fault_info *f)
{
	if (!len || len > MV_DMADEV_MAX_LEN)
		return fail(f, MV_DMADEV_ERR_LEN, off, len);
	if (off > MV_DMADEV_BUF_SIZE || len > MV_DMADEV_BUF_SIZE - off)
		return fail(f, MV_DMADEV_ERR_BUF, off, len);
	return 0;
}

/* ---- the thread's side ------------------------------------------------- */

/*
 * Read without the lock between pages and descriptors: the thread's work
 * is cut there, so dmadev_stop() never waits for a whole chain.
 */
static bool stopping(struct dmadev *dev)
{
	return __atomic_load_n(&dev->stop, __ATOMIC_RELAXED);
}

/* Called with dev->lock held. */
static void record_fault(struct dmadev *dev, const struct fault_info *fi,
			 unsigned int op, struct dmadev_fault *out)
{
	struct dmadev_fault *f = &dev->faults[dev->nr_faults % DMADEV_FAULT_LOG];

	memset(f, 0, sizeof(*f));
	f->seq = ++dev->nr_faults;
	f->addr = fi->addr;
	f->len = fi->len;
	f->reason = fi->reason;
	f->op = op;
	f->owner_then = fi->then;
	f->owner_now = fi->now;
	f->obj_then = fi->obj_then;
	f->obj_now = fi->obj_now;
	dev->st.faults = dev->nr_faults;
	*out = *f;
}

/* Sleeps @us unless the device is stopping. Called with dev->lock held. */
static void latency_wait(struct dmadev *dev, uint64_t us)
{
	struct timespec ts;

	if (!us)
		return;
	if (us > dev->latency_limit)
		us = dev->latency_limit;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += (long)(us % 1000000) * 1000;
	ts.tv_sec += us / 1000000 + ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	while (!dev->stop && dev->has_thread &&
	       pthread_cond_timedwait(&dev->cond, &dev->lock, &ts) != ETIMEDOUT)
		;
}

/*
 * The owner checks (devices/README.md): who owns every page of each
 * memory range when the command starts, as the inspector's look says
 * (page_state.h): memory nobody allocated is refused at once
 * (UNALLOCATED), a range over slab pages must lie inside one live
 * object (OBJECT), and one the device reads must not be an object of a
 * SLAB_POISON cache that still holds its poison whole (UNWRITTEN: nothing
 * was written into it since its allocation); just before the bytes move
 * (after the command's latency) every page is looked at again, and the
 * object, and any change refuses the transfer (FREED). Cost: one look per page at submit and one
 * at transfer (O(1) each: the struct page, its block's head, the
 * allocation's caller), and for a slab range one walk of its slab's
 * freelist and of the magazines, each time.
 */
#define PAGE_NONE	((struct page_state){ PAGE_STATE_NONE, -1, 0, 0, 0 })

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void owners_reset(struct dmadev_owners *o)
{
	o->nr = 0;
	o->pages = 0;
}

static void owners_add(struct dmadev_owners *o, uint64_t addr, uint64_t len,
		       bool reads)
{
	struct dmadev_range *r = &o->r[o->nr++];

	r->addr = addr;
	r->len = len;
	r->reads = reads;
	r->first = o->pages;
	r->n = (addr + len - 1) / PAGE_SZ - addr / PAGE_SZ + 1;
	r->slab = false;
	r->obj = (struct object_state){ .kind = OBJECT_NONE, .cpu = -1 };
	o->pages += r->n;
}

/*
 * The owners of @n pages from @pfn into @s, PAGE_STATES_MAX at a time,
 * checking for a stop between looks: -1 when stopping.
 */
static int look_pages(struct dmadev *dev, uint64_t pfn, unsigned int n,
		      struct page_state *s)
{
	uint64_t t0 = now_ns();

	for (unsigned int i = 0; i < n; i += PAGE_STATES_MAX) {
		unsigned int k = n - i < PAGE_STATES_MAX ? n - i : PAGE_STATES_MAX;

		if (stopping(dev))
			return -1;
		if (dev->ops->owners(dev->opaque, pfn + i, k, s + i))
			for (unsigned int j = 0; j < k; j++)
				s[i + j] = PAGE_NONE;
	}
	pthread_mutex_lock(&dev->lock);
	dev->st.owner_pages += n;
	dev->st.owner_ns += now_ns() - t0;
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

static void look_object(struct dmadev *dev, const struct dmadev_range *r,
			struct object_state *o)
{
	uint64_t t0 = now_ns();

	if (!dev->ops->object || dev->ops->object(dev->opaque, r->addr, r->len, o))
		*o = (struct object_state){ .kind = OBJECT_NONE, .cpu = -1 };
	pthread_mutex_lock(&dev->lock);
	dev->st.object_checks++;
	dev->st.object_ns += now_ns() - t0;
	pthread_mutex_unlock(&dev->lock);
}

/* The first byte of range @r on its page @i, and how many of its bytes are there. */
static void page_bytes(const struct dmadev_range *r, unsigned int i,
		       uint64_t *addr, uint64_t *len)
{
	uint64_t page = (r->addr / PAGE_SZ + i) * PAGE_SZ;
	uint64_t end = r->addr + r->len;

	*addr = page > r->addr ? page : r->addr;
	*len = (end < page + PAGE_SZ ? end : page + PAGE_SZ) - *addr;
}

/*
 * A page nobody allocated, seen at submit: looked at once more (a look
 * runs while the guest does, and one torn read must not refuse an honest
 * transfer), then the fault.
 */
static int unallocated(struct dmadev *dev, const struct dmadev_range *r,
		       unsigned int i, struct page_state *s,
		       struct fault_info *fi)
{
	uint64_t addr, len;

	if (look_pages(dev, r->addr / PAGE_SZ + i, 1, s))
		return fail(fi, MV_DMADEV_ERR_NONE, 0, 0);
	if (page_state_allocated(s))
		return 0;
	page_bytes(r, i, &addr, &len);
	fi->then = *s;
	return fail(fi, MV_DMADEV_ERR_UNALLOCATED, addr, len);
}

/*
 * A range over slab pages: every page of it of one cache, and the range
 * inside one live object of it.
 */
static int judge_slab(struct dmadev *dev, struct dmadev_range *r,
		      const struct page_state *who, struct fault_info *fi)
{
	const struct page_state *slab = NULL;

	for (unsigned int i = 0; i < r->n && !slab; i++)
		if (who[i].kind == PAGE_STATE_SLAB)
			slab = &who[i];
	if (!slab)
		return 0;
	r->slab = true;
	for (unsigned int i = 0; i < r->n; i++) {
		if (who[i].kind == PAGE_STATE_NONE ||
		    (who[i].kind == PAGE_STATE_SLAB && who[i].cache == slab->cache))
			continue;
		/* slab memory and other memory in one range: in no one object */
		r->obj = (struct object_state){ .kind = OBJECT_OUTSIDE, .cpu = -1,
						.cache = slab->cache };
		fi->then = *slab;
		fi->obj_then = r->obj;
		return fail(fi, MV_DMADEV_ERR_OBJECT, r->addr, r->len);
	}
	look_object(dev, r, &r->obj);
	if (object_state_live(&r->obj) && !(r->reads && r->obj.unwritten))
		return 0;
	fi->then = *slab;
	fi->obj_then = r->obj;
	return fail(fi, object_state_live(&r->obj) ? MV_DMADEV_ERR_UNWRITTEN :
		    MV_DMADEV_ERR_OBJECT, r->addr, r->len);
}

/*
 * At submit: the owners of every range's pages, judged. -1 with the fault
 * (UNALLOCATED, OBJECT), or with fi->reason ERR_NONE when stopping.
 */
static int owners_take(struct dmadev *dev, struct dmadev_owners *o,
		       struct fault_info *fi)
{
	for (unsigned int k = 0; k < o->nr; k++) {
		struct dmadev_range *r = &o->r[k];
		struct page_state *who = o->who + r->first;

		if (look_pages(dev, r->addr / PAGE_SZ, r->n, who))
			return fail(fi, MV_DMADEV_ERR_NONE, 0, 0);
		for (unsigned int i = 0; i < r->n; i++)
			if (!page_state_allocated(&who[i]) &&
			    unallocated(dev, r, i, &who[i], fi))
				return -1;
		if (judge_slab(dev, r, who, fi))
			return -1;
	}
	return 0;
}

/* At transfer, one range: -1 with the fault (FREED), or ERR_NONE when stopping. */
static int range_check(struct dmadev *dev, const struct dmadev_range *r,
		       const struct page_state *then, struct fault_info *fi)
{
	struct page_state now[PAGE_STATES_MAX];
	uint64_t addr, len;

	for (unsigned int i = 0; i < r->n; i += PAGE_STATES_MAX) {
		unsigned int k = r->n - i < PAGE_STATES_MAX ? r->n - i : PAGE_STATES_MAX;

		if (look_pages(dev, r->addr / PAGE_SZ + i, k, now))
			return fail(fi, MV_DMADEV_ERR_NONE, 0, 0);
		for (unsigned int j = 0; j < k; j++) {
			if (then[i + j].kind == PAGE_STATE_NONE ||
			    now[j].kind == PAGE_STATE_NONE ||
			    page_state_equal(&now[j], &then[i + j]))
				continue;
			page_bytes(r, i + j, &addr, &len);
			fi->then = then[i + j];
			fi->now = now[j];
			if (r->slab)
				fi->obj_then = r->obj;
			return fail(fi, MV_DMADEV_ERR_FREED, addr, len);
		}
	}
	if (!r->slab || r->obj.kind != OBJECT_LIVE)
		return 0;
	look_object(dev, r, &fi->obj_now);
	if (object_state_live(&fi->obj_now))
		return 0;
	fi->then = then[0];
	fi->now = then[0];
	fi->obj_then = r->obj;
	return fail(fi, MV_DMADEV_ERR_FREED, r->addr, r->len);
}

/* At transfer: every range's owners as at submit, or -1 (range_check's). */
static int owners_check(struct dmadev *dev, const struct dmadev_owners *o,
			struct fault_info *fi)
{
	for (unsigned int k = 0; k < o->nr; k++)
		if (range_check(dev, &o->r[k], o->who + o->r[k].first, fi))
			return -1;
	return 0;
}

struct job {
	unsigned int op;
	uint64_t src, dst, len, latency;
};

/* Validates a register-mode command: 0, or -1 with the fault. */
static int job_check(struct dmadev *dev, const struct job *j,
		     struct fault_info *fi, void **s, void **d)
{
	switch (j->op) {
	case MV_DMADEV_OP_COPY:
		if (!(*s = check_mem(dev, j->src, j->len, fi)))
			return -1;
		if (!(*d = check_mem(dev, j->dst, j->len, fi)))
			return -1;
		return 0;
	case MV_DMADEV_OP_FILL:
		return (*d = check_mem(dev, j->dst, j->len, fi)) ? 0 : -1;
	case MV_DMADEV_OP_TO_MEM:
		if (check_buf(j->src, j->len, fi))
			return -1;
		return (*d = check_mem(dev, j->dst, j->len, fi)) ? 0 : -1;
	case MV_DMADEV_OP_FROM_MEM:
		if (!(*s = check_mem(dev, j->src, j->len, fi)))
			return -1;
		return check_buf(j->dst, j->len, fi);
	}
	return fail(fi, MV_DMADEV_ERR_OP, j->op, 0);
}

static void job_move(struct dmadev *dev, const struct job *j, void *s, void *d)
{
	switch (j->op) {
	case MV_DMADEV_OP_COPY:
		memmove(d, s, j->len);
		break;
	case MV_DMADEV_OP_FILL:
		memset(d, (int)(j->src & 0xff), j->len);
		break;
	case MV_DMADEV_OP_TO_MEM:
		memcpy(d, dev->buf + j->src, j->len);
		break;
	case MV_DMADEV_OP_FROM_MEM:
		memcpy(dev->buf + j->dst, s, j->len);
		break;
	}
}

static void report(struct dmadev *dev, bool faulted,
		   const struct dmadev_fault *f, bool irq)
{
	if (faulted && dev->ops && dev->ops->fault)
		dev->ops->fault(dev->opaque, f);
	if (irq && dev->ops && dev->ops->irq)
		dev->ops->irq(dev->opaque);
}

/* Runs the latched command. Called with dev->lock held; drops it inside. */
static void run_cmd(struct dmadev *dev)
{
	struct job j = {
		.op = (unsigned int)dev->cmd, .src = dev->src, .dst = dev->dst,
		.len = dev->len, .latency = dev->latency,
	};
	struct fault_info fi = { 0 };
	struct dmadev_owners *own = &dev->own;
	struct dmadev_fault f;
	void *s = NULL, *d = NULL;
	int err;
	bool irq;

	dev->working = true;
	pthread_mutex_unlock(&dev->lock);

	owners_reset(own);
	err = job_check(dev, &j, &fi, &s, &d);
	if (!err && dev->ops && dev->ops->owners) {
		if (s)
			owners_add(own, j.src, j.len, true);
		if (d)
			owners_add(own, j.dst, j.len, false);
		err = owners_take(dev, own, &fi);
	}
	pthread_mutex_lock(&dev->lock);
	latency_wait(dev, j.latency);
	if (own->nr)
		dev->st.freed_checks++;
	pthread_mutex_unlock(&dev->lock);
	if (!err && own->nr)
		err = owners_check(dev, own, &fi);
	if (!err && stopping(dev))
		err = fail(&fi, MV_DMADEV_ERR_NONE, 0, 0);
	if (!err)
		job_move(dev, &j, s, d);

	pthread_mutex_lock(&dev->lock);
	if (err && !fi.reason) {
		/* stopping: nothing moved, nothing to report */
		dev->cmd_pending = false;
		dev->working = false;
		pthread_cond_broadcast(&dev->cond);
		return;
	}
	if (err) {
		record_fault(dev, &fi, j.op, &f);
		dev->status = MV_DMADEV_ST_ERROR | (uint64_t)fi.reason << 8;
	} else {
		dev->st.bytes += j.len;
		dev->status = MV_DMADEV_ST_DONE;
	}
	dev->st.completed++;
	dev->cmd_pending = false;
	irq = dev->int_enable & 1;
	if (irq)
		dev->st.irqs++;
	pthread_cond_broadcast(&dev->cond);
	pthread_mutex_unlock(&dev->lock);
	report(dev, err, &f, irq);
	pthread_mutex_lock(&dev->lock);
	/* idle only once its interrupt is raised: wait_idle sees both */
	dev->working = false;
	pthread_cond_broadcast(&dev->cond);
}

#define DMADEV_STOPPED	1	/* run_chain: the device is stopping */

/*
 * One chain, from a private copy of its descriptors: all checked before a
 * byte moves. Returns 0, -reason with the fault, or DMADEV_STOPPED (cut
 * between two pages or descriptors: the copy may be partial).
 */
static int run_chain(struct dmadev *dev, uint64_t head_gpa,
		     const struct mv_dmadev_desc *head, uint64_t latency)
{
	struct mv_dmadev_desc d[MV_DMADEV_CHAIN_MAX];
	void *p[MV_DMADEV_CHAIN_MAX];
	struct fault_info fi = { 0 };
	struct dmadev_owners *own = &dev->own;
	uint64_t total = 0, off;
	unsigned int n = 0;
	struct dmadev_fault f;

	d[n++] = *head;
	while (d[n - 1].flags & MV_DMADEV_DESC_NEXT) {
		uint64_t next = d[n - 1].next;

		if (n == MV_DMADEV_CHAIN_MAX) {
			fail(&fi, MV_DMADEV_ERR_CHAIN, head_gpa, n);
			goto fault;
		}
		if (next % sizeof(d[0])) {
			fail(&fi, MV_DMADEV_ERR_ALIGN, next, sizeof(d[0]));
			goto fault;
		}
		if (!check_mem(dev, next, sizeof(d[0]), &fi))
			goto fault;
		gmem_read(dev->gm, next, &d[n++], sizeof(d[0]));
	}
	owners_reset(own);
	for (unsigned int i = 0; i < n; i++) {
		p[i] = check_mem(dev, d[i].addr, d[i].len, &fi);
		if (!p[i])
			goto fault;
		total += d[i].len;	/* n * 2^32 cannot overflow */
	}
	if (check_buf(head->dev_off, total, &fi))
		goto fault;
	/* total fits the device buffer: at most 16 + 2 * n pages */
	for (unsigned int i = 0; dev->ops && dev->ops->owners && i < n; i++)
		owners_add(own, d[i].addr, d[i].len,
			   !(d[i].flags & MV_DMADEV_DESC_TO_MEM));
	if (owners_take(dev, own, &fi))
		goto fault;
	pthread_mutex_lock(&dev->lock);
	latency_wait(dev, latency);
	if (own->nr)
		dev->st.freed_checks++;
	pthread_mutex_unlock(&dev->lock);
	if (own->nr && owners_check(dev, own, &fi))
		goto fault;
	off = head->dev_off;
	for (unsigned int i = 0; i < n; i++) {
		if (stopping(dev))
			return DMADEV_STOPPED;
		if (d[i].flags & MV_DMADEV_DESC_TO_MEM)
			memcpy(p[i], dev->buf + off, d[i].len);
		else
			memcpy(dev->buf + off, p[i], d[i].len);
		off += d[i].len;
	}
	pthread_mutex_lock(&dev->lock);
	dev->st.bytes += total;
	dev->st.descriptors += n;
	pthread_mutex_unlock(&dev->lock);
	return 0;

fault:
	if (!fi.reason)
		return DMADEV_STOPPED;
	pthread_mutex_lock(&dev->lock);
	record_fault(dev, &fi, 0, &f);
	pthread_mutex_unlock(&dev->lock);
	report(dev, true, &f, false);
	return -(int)fi.reason;
}

/* Works the ring from head to tail. Called with dev->lock held. */
static void run_ring(struct dmadev *dev)
{
	unsigned int done = 0;
	bool irq;

	dev->ring_busy = true;
	dev->working = true;
	while (dev->ring_head != dev->ring_tail && !dev->stop) {
		uint64_t size = dev->ring_size, base = dev->ring_base;
		uint64_t slot = base + (dev->ring_head % size) * sizeof(struct mv_dmadev_desc);
		uint64_t latency = dev->latency;
		struct mv_dmadev_desc head;
		uint32_t status;
		int ret;

		pthread_mutex_unlock(&dev->lock);
		/* the ring itself was checked when the doorbell rang */
		gmem_read(dev->gm, slot, &head, sizeof(head));
		ret = run_chain(dev, slot, &head, latency);
		if (ret == DMADEV_STOPPED) {
			pthread_mutex_lock(&dev->lock);
			break;	/* the slot keeps its status: nothing moved */
		}
		status = ret ? MV_DMADEV_ST_ERROR | (uint32_t)-ret << 8 :
			 MV_DMADEV_ST_DONE;
		gmem_write(dev->gm, slot + offsetof(struct mv_dmadev_desc, status),
			   &status, sizeof(status));
		pthread_mutex_lock(&dev->lock);
		dev->ring_head++;
		dev->st.chains++;
		dev->st.completed++;
		done++;
		pthread_cond_broadcast(&dev->cond);
	}
	dev->ring_busy = false;
	irq = done && (dev->int_enable & 1);
	if (irq)
		dev->st.irqs++;
	pthread_cond_broadcast(&dev->cond);
	pthread_mutex_unlock(&dev->lock);
	report(dev, false, NULL, irq);
	pthread_mutex_lock(&dev->lock);
	dev->working = false;
	pthread_cond_broadcast(&dev->cond);
}

static bool has_work(struct dmadev *dev)
{
	return dev->cmd_pending || dev->ring_head != dev->ring_tail;
}

/* Called with dev->lock held. */
static void run_work(struct dmadev *dev)
{
	if (dev->cmd_pending)
		run_cmd(dev);
	if (dev->ring_head != dev->ring_tail)
		run_ring(dev);
}

static void *thread_main(void *arg)
{
	struct dmadev *dev = arg;

	pthread_mutex_lock(&dev->lock);
	while (!dev->stop) {
		if (!has_work(dev)) {
			pthread_cond_wait(&dev->cond, &dev->lock);
			continue;
		}
		run_work(dev);
	}
	pthread_mutex_unlock(&dev->lock);
	return NULL;
}

void dmadev_run_pending(struct dmadev *dev)
{
	pthread_mutex_lock(&dev->lock);
	while (has_work(dev) && !dev->has_thread)
		run_work(dev);
	pthread_mutex_unlock(&dev->lock);
}

int dmadev_wait_idle(struct dmadev *dev, unsigned int ms)
{
	struct timespec ts;
	int ret = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&dev->lock);
	while ((has_work(dev) || dev->working) && dev->has_thread) {
		if (pthread_cond_timedwait(&dev->cond, &dev->lock, &ts) ==
		    ETIMEDOUT) {
			ret = has_work(dev) || dev->working ? -1 : 0;
			break;
		}
	}
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

uint64_t dmadev_thread_cpu_ns(struct dmadev *dev)
{
	struct timespec ts;
	clockid_t cid;

	if (!dev->has_thread || pthread_getcpuclockid(dev->thread, &cid) ||
	    clock_gettime(cid, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- the vCPUs' side --------------------------------------------------- */

/* The doorbell: checks the ring before the thread may read it. Under lock. */
static void ring_doorbell(struct dmadev *dev, uint64_t tail)
{
	struct fault_info fi = { 0 };
	struct dmadev_fault f;
	uint64_t size = dev->ring_size;
	int err = 0;

	if (tail == dev->ring_tail)
		return;
	if (!size || size > MV_DMADEV_RING_MAX || (size & (size - 1)))
		err = fail(&fi, MV_DMADEV_ERR_RING, dev->ring_base, size);
	else if (dev->ring_base % sizeof(struct mv_dmadev_desc))
		err = fail(&fi, MV_DMADEV_ERR_ALIGN, dev->ring_base, size);
	else if (!check_mem(dev, dev->ring_base,
			    size * sizeof(struct mv_dmadev_desc), &fi))
		err = -1;
	else if (tail - dev->ring_head > size)
		err = fail(&fi, MV_DMADEV_ERR_RING, tail, tail - dev->ring_head);
	else if (tail - dev->ring_head < dev->ring_tail - dev->ring_head)
		/* the tail only moves on: back, it would strand the slot in flight */
		err = fail(&fi, MV_DMADEV_ERR_RING, tail, dev->ring_tail);
	if (err) {
		/* the doorbell is dropped; the ring stays where it was */
		record_fault(dev, &fi, 0, &f);
		pthread_mutex_unlock(&dev->lock);
		report(dev, true, &f, false);
		pthread_mutex_lock(&dev->lock);
		return;
	}
	dev->ring_tail = tail;
	pthread_cond_broadcast(&dev->cond);
}

static bool ring_idle(struct dmadev *dev)
{
	return dev->ring_head == dev->ring_tail && !dev->ring_busy;
}

static uint64_t reg_read(struct dmadev *dev, uint64_t off)
{
	const struct dmadev_fault *last = dev->nr_faults ?
		&dev->faults[(dev->nr_faults - 1) % DMADEV_FAULT_LOG] : NULL;

	switch (off) {
	case MV_DMADEV_ID:
		return MV_DMADEV_ID_VALUE;
	case MV_DMADEV_DMA_MASK:
		return MV_DMADEV_MASK;
	case MV_DMADEV_SRC:
		return dev->src;
	case MV_DMADEV_DST:
		return dev->dst;
	case MV_DMADEV_LEN:
		return dev->len;
	case MV_DMADEV_CMD:
		return dev->cmd;
	case MV_DMADEV_STATUS:
		return dev->status;
	case MV_DMADEV_INT_ENABLE:
		return dev->int_enable;
	case MV_DMADEV_RING_BASE:
		return dev->ring_base;
	case MV_DMADEV_RING_SIZE:
		return dev->ring_size;
	case MV_DMADEV_RING_HEAD:
		return dev->ring_head;
	case MV_DMADEV_RING_TAIL:
		return dev->ring_tail;
	case MV_DMADEV_FAULT_COUNT:
		return dev->nr_faults;
	case MV_DMADEV_FAULT_ADDR:
		return last ? last->addr : 0;
	case MV_DMADEV_FAULT_LEN:
		return last ? last->len : 0;
	case MV_DMADEV_FAULT_REASON:
		return last ? last->reason : 0;
	case MV_DMADEV_COMPLETED:
		return dev->st.completed;
	case MV_DMADEV_REJECTED:
		return dev->st.rejected;
	case MV_DMADEV_LATENCY:
		return dev->latency;
	}
	dev->st.bad_accesses++;
	return 0;
}

static void reg_write(struct dmadev *dev, uint64_t off, uint64_t val)
{
	switch (off) {
	case MV_DMADEV_SRC:
		dev->src = val;
		return;
	case MV_DMADEV_DST:
		dev->dst = val;
		return;
	case MV_DMADEV_LEN:
		dev->len = val;
		return;
	case MV_DMADEV_CMD:
		if (dev->cmd_pending) {
			dev->st.rejected++;
			return;
		}
		dev->cmd = val;
		dev->cmd_pending = true;
		dev->status = MV_DMADEV_ST_BUSY;
		pthread_cond_broadcast(&dev->cond);
		return;
	case MV_DMADEV_INT_ENABLE:
		dev->int_enable = val & 1;
		return;
	case MV_DMADEV_RING_BASE:
	case MV_DMADEV_RING_SIZE:
		if (!ring_idle(dev))
			break;
		if (off == MV_DMADEV_RING_BASE)
			dev->ring_base = val;
		else
			dev->ring_size = val;
		return;
	case MV_DMADEV_RING_TAIL:
		ring_doorbell(dev, val);
		return;
	case MV_DMADEV_LATENCY:
		dev->latency = val > MV_DMADEV_LATENCY_MAX ?
			       MV_DMADEV_LATENCY_MAX : val;
		return;
	}
	/* read-only, unknown, or a ring register while the ring runs */
	dev->st.bad_accesses++;
}

uint64_t dmadev_read(struct dmadev *dev, uint64_t off)
{
	uint64_t v;

	pthread_mutex_lock(&dev->lock);
	v = reg_read(dev, off);
	pthread_mutex_unlock(&dev->lock);
	return v;
}

void dmadev_write(struct dmadev *dev, uint64_t off, uint64_t val)
{
	pthread_mutex_lock(&dev->lock);
	reg_write(dev, off, val);
	pthread_mutex_unlock(&dev->lock);
}

void dmadev_mmio(struct dmadev *dev, uint64_t off, uint8_t *data,
		 unsigned int size, bool write)
{
	uint64_t reg = off & ~7ULL, v;
	unsigned int shift = (off & 4) * 8;

	pthread_mutex_lock(&dev->lock);
	if ((size != 4 && size != 8) || off % size ||
	    !dmadev_reg_name(reg)) {
		dev->st.bad_accesses++;
		if (!write)
			memset(data, 0, size <= 8 ? size : 8);
		pthread_mutex_unlock(&dev->lock);
		return;
	}
	if (!write) {
		v = reg_read(dev, reg) >> shift;
		memcpy(data, &v, size);
	} else if (size == 8) {
		memcpy(&v, data, 8);
		reg_write(dev, reg, v);
	} else {
		uint32_t half;
		uint64_t cur;

		memcpy(&half, data, 4);
		/* the other half as it is, read without side effects */
		cur = reg == MV_DMADEV_CMD || reg == MV_DMADEV_RING_TAIL ?
		      0 : reg_read(dev, reg);
		if (reg == MV_DMADEV_RING_TAIL)
			cur = dev->ring_tail;
		v = (cur & ~(0xffffffffULL << shift)) | (uint64_t)half << shift;
		reg_write(dev, reg, v);
	}
	pthread_mutex_unlock(&dev->lock);
}

void dmadev_snapshot(struct dmadev *dev, struct dmadev_snapshot *s)
{
	uint64_t first;

	memset(s, 0, sizeof(*s));
	pthread_mutex_lock(&dev->lock);
	for (unsigned int i = 0; i < MV_DMADEV_NR_REGS; i++)
		s->regs[i] = reg_read(dev, i * 8);
	s->st = dev->st;
	first = dev->nr_faults > DMADEV_FAULT_LOG ?
		dev->nr_faults - DMADEV_FAULT_LOG : 0;
	for (uint64_t n = first; n < dev->nr_faults; n++)
		s->faults[s->nr_faults++] = dev->faults[n % DMADEV_FAULT_LOG];
	s->busy = has_work(dev) || dev->working;
	pthread_mutex_unlock(&dev->lock);
	s->thread_cpu_ns = dmadev_thread_cpu_ns(dev);
}

static enum io_result dmadev_io(void *opaque, struct io_access *a)
{
	struct dmadev *dev = opaque;

	dmadev_mmio(dev, a->addr - dev->mmio_base, a->data, a->size, a->write);
	return IO_DONE;
}

int dmadev_register(struct dmadev *dev, struct iobus *bus, uint64_t base,
		    uint64_t len)
{
	dev->mmio_base = base;
	return iobus_register(bus, base, len, dmadev_io, dev, "dmadev");
}
