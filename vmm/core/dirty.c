// SPDX-License-Identifier: MIT
/* KVM's dirty log fetched by one owner into per-client bitmaps (dirty.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "dirty.h"
#include "vm.h"

void dirty_init(struct dirty_log *d)
{
	memset(d, 0, sizeof(*d));
	pthread_mutex_init(&d->lock, NULL);
}

void dirty_destroy(struct dirty_log *d)
{
	for (unsigned int i = 0; i < DIRTY_MAX_CLIENTS; i++)
		free(d->bits[i]);
	pthread_mutex_destroy(&d->lock);
}

uint64_t dirty_words(const struct vm *vm)
{
	return ((vm->mm->ram_end >> 12) + 63) / 64;
}

uint64_t dirty_count(const uint64_t *bits, uint64_t first, uint64_t n)
{
	uint64_t count = 0;

	for (uint64_t p = first; p < first + n; p++) {
		if (!(p % 64) && p + 64 <= first + n) {
			count += (uint64_t)__builtin_popcountll(bits[p / 64]);
			p += 63;
			continue;
		}
		count += dirty_test(bits, p);
	}
	return count;
}

static int slot_flags(struct vm *vm, unsigned int i, uint32_t flags,
		      struct errbuf *e)
{
	const struct mm_slot *s = &vm->mm->slot[i];
	struct kvm_userspace_memory_region r = {
		.slot = i,
		.flags = flags,
		.guest_phys_addr = s->gpa,
		.memory_size = s->size,
		.userspace_addr = (uintptr_t)gmem_ptr(&vm->gmem, s->gpa, s->size),
	};

	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r))
		return errf(e, "KVM_SET_USER_MEMORY_REGION slot %u with dirty logging: %s",
			    i, strerror(errno));
	return 0;
}

static int log_start(struct vm *vm, struct errbuf *e)
{
	struct dirty_log *d = &vm->dirty;
#ifdef KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
		.args[0] = KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE,
	};

	/* Before any slot logs; without it GET_DIRTY_LOG clears as it reads. */
	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
		  KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2) > 0 &&
	    !ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap))
		d->manual = true;
#endif
	for (unsigned int i = 0; i < vm->mm->nr_slots; i++)
		if (slot_flags(vm, i, KVM_MEM_LOG_DIRTY_PAGES, e)) {
			while (i--)
				slot_flags(vm, i, 0, NULL);
			return -1;
		}
	d->on = true;
	return 0;
}

/* ORs @log (slot @i's pages) into every open client's bitmap. */
static void log_spread(struct dirty_log *d, const struct mm_slot *s,
		       const uint64_t *log, uint64_t words)
{
	uint64_t base = s->gpa >> 12;

	for (uint64_t w = 0; w < words; w++) {
		for (uint64_t bits = log[w]; bits; bits &= bits - 1) {
			uint64_t pfn = base + w * 64 + (uint64_t)__builtin_ctzll(bits);

			if (pfn >= d->nr_pfns)
				continue;
			for (unsigned int c = 0; c < DIRTY_MAX_CLIENTS; c++)
				if (d->bits[c])
					d->bits[c][pfn / 64] |= 1ULL << (pfn % 64);
		}
	}
}

/* Re-protects what @log says was written (manual mode only). */
static int log_clear(struct vm *vm, unsigned int i, uint64_t *log,
		     uint64_t pages, struct errbuf *e)
{
#ifdef KVM_CLEAR_DIRTY_LOG
	/* The whole slot: a num_pages that ends it may be any count. */
	struct kvm_clear_dirty_log clr = {
		.slot = i, .num_pages = (uint32_t)pages,
		.first_page = 0, .dirty_bitmap = log,
	};

	if (vm->dirty.manual && ioctl(vm->vm_fd, KVM_CLEAR_DIRTY_LOG, &clr))
		return errf(e, "KVM_CLEAR_DIRTY_LOG slot %u: %s", i,
			    strerror(errno));
#endif
	return 0;
}

static int log_fetch_slot(struct vm *vm, unsigned int i, struct errbuf *e)
{
	const struct mm_slot *s = &vm->mm->slot[i];
	uint64_t pages = s->size >> 12, words = (pages + 63) / 64;
	uint64_t *log = calloc(words ? words : 1, sizeof(uint64_t));
	struct kvm_dirty_log get = { .slot = i, .dirty_bitmap = log };
	bool any = false;
	int ret = -1;

	if (!log)
		return errf(e, "out of memory");
	if (ioctl(vm->vm_fd, KVM_GET_DIRTY_LOG, &get)) {
		errf(e, "KVM_GET_DIRTY_LOG slot %u: %s", i, strerror(errno));
		goto out;
	}
	for (uint64_t w = 0; w < words && !any; w++)
		any = log[w];
	/* Spread before clearing: a failed clear loses no bit taken. */
	log_spread(&vm->dirty, s, log, words);
	if (any && log_clear(vm, i, log, pages, e))
		goto out;
	ret = 0;
out:
	free(log);
	return ret;
}

static int log_fetch(struct vm *vm, struct errbuf *e)
{
	for (unsigned int i = 0; i < vm->mm->nr_slots; i++)
		if (log_fetch_slot(vm, i, e))
			return -1;
	return 0;
}

static int client_slot(struct dirty_log *d, struct errbuf *e)
{
	for (int c = 0; c < DIRTY_MAX_CLIENTS; c++)
		if (!d->bits[c])
			return c;
	return errf(e, "dirty log: all %d clients taken", DIRTY_MAX_CLIENTS);
}

int dirty_open(struct vm *vm, struct errbuf *e)
{
	struct dirty_log *d = &vm->dirty;
	uint64_t *bits;
	int c;

	pthread_mutex_lock(&d->lock);
	d->nr_pfns = vm->mm->ram_end >> 12;
	c = client_slot(d, e);
	if (c < 0)
		goto out;
	/* What was written before belongs to the clients already open. */
	if (d->on ? log_fetch(vm, e) : log_start(vm, e)) {
		c = -1;
		goto out;
	}
	bits = calloc(dirty_words(vm) ? dirty_words(vm) : 1, sizeof(uint64_t));
	if (!bits) {
		c = errf(e, "dirty log: out of memory");
		goto out;
	}
	d->bits[c] = bits;
out:
	pthread_mutex_unlock(&d->lock);
	return c;
}

void dirty_close(struct vm *vm, int client)
{
	struct dirty_log *d = &vm->dirty;

	if (client < 0 || client >= DIRTY_MAX_CLIENTS)
		return;
	pthread_mutex_lock(&d->lock);
	free(d->bits[client]);
	d->bits[client] = NULL;
	pthread_mutex_unlock(&d->lock);
}

int dirty_take(struct vm *vm, int client, uint64_t *out, struct errbuf *e)
{
	struct dirty_log *d = &vm->dirty;
	uint64_t words = dirty_words(vm);
	int ret = -1;

	pthread_mutex_lock(&d->lock);
	if (client < 0 || client >= DIRTY_MAX_CLIENTS || !d->bits[client]) {
		errf(e, "dirty log: no client %d", client);
		goto out;
	}
	if (log_fetch(vm, e))
		goto out;
	memcpy(out, d->bits[client], words * sizeof(uint64_t));
	memset(d->bits[client], 0, words * sizeof(uint64_t));
	ret = 0;
out:
	pthread_mutex_unlock(&d->lock);
	return ret;
}
