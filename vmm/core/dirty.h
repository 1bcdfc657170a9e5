/* SPDX-License-Identifier: MIT */
/*
 * KVM's dirty log, with one owner. KVM keeps one log per memslot, and each
 * fetch resets it: two readers fetching it themselves would steal each
 * other's bits. So only this tracker fetches (KVM_GET_DIRTY_LOG, then
 * KVM_CLEAR_DIRTY_LOG where KVM has manual re-protection) and ORs what it
 * got into one bitmap per client, one bit per guest pfn below
 * memmap.ram_end. Each client (query-dirty, the use-after-free checker,
 * the DMA device) then sees "pages the guest wrote since my last take",
 * whatever the others took meanwhile.
 *
 * Logging starts with the first client (every first write to a page after
 * a fetch then exits to KVM: a cost the guest pays only once someone asks)
 * and stays on. Only the guest's writes are logged: the VMM's own writes
 * through the host mapping (a device's DMA, a hypercall's answer) are not.
 *
 * A fetch while the vCPUs run is sound but may be late by a write in
 * flight (it lands in the next take); a client that needs an exact window
 * takes with the vCPUs parked. Thread-safe: its own lock.
 */
#ifndef VMM_CORE_DIRTY_H
#define VMM_CORE_DIRTY_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct vm;

#define DIRTY_MAX_CLIENTS	4

struct dirty_log {
	pthread_mutex_t lock;
	bool on;		/* KVM_MEM_LOG_DIRTY_PAGES on every slot */
	bool manual;		/* KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 enabled */
	uint64_t nr_pfns;	/* bits in each client's bitmap */
	uint64_t *bits[DIRTY_MAX_CLIENTS];	/* NULL: client slot unused */
};

void dirty_init(struct dirty_log *d);
void dirty_destroy(struct dirty_log *d);

/*
 * A new client: its bitmap starts empty (nothing before this call is
 * counted) and logging starts if it was off. The client's id (>= 0), or -1
 * with @e set (no free slot, KVM refused, out of memory).
 */
int dirty_open(struct vm *vm, struct errbuf *e);
void dirty_close(struct vm *vm, int client);

/* Words in a bitmap of the VM's pfns: what dirty_take() fills. */
uint64_t dirty_words(const struct vm *vm);

/*
 * Fetches KVM's log into every client's bitmap, then moves @client's into
 * @out (dirty_words() words; pfn p is bit p % 64 of word p / 64) and
 * empties it. 0, or -1 with @e set: then nothing was taken and the bits
 * wait for the next take.
 */
int dirty_take(struct vm *vm, int client, uint64_t *out, struct errbuf *e);

static inline bool dirty_test(const uint64_t *bits, uint64_t pfn)
{
	return bits[pfn / 64] >> (pfn % 64) & 1;
}

/* Set bits among pfns [@first, @first + @n). */
uint64_t dirty_count(const uint64_t *bits, uint64_t first, uint64_t n);

#endif
