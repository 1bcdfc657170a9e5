// SPDX-License-Identifier: MIT
/*
 * The VM's use-after-free watch (check_uaf.h): one per VMM, its pages
 * written taken from the VM's dirty log (core/dirty.h) as one of its
 * clients, opened by the first check that watches (logging starts then:
 * the guest pays for it only once free pages are watched).
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "check_uaf.h"
#include "console.h"
#include "dirty.h"
#include "vm.h"

static struct {
	struct vm *vm;
	int client;
	uint64_t *bits;
	struct uaf_watch watch;
} uaf_vm = { .client = -1 };

static const uint64_t *take_dirty(void *opaque, uint64_t *nr_pfns)
{
	struct vm *vm = opaque;
	struct errbuf e;

	if (uaf_vm.client < 0) {
		uaf_vm.bits = calloc(dirty_words(vm) + 1, sizeof(uint64_t));
		if (!uaf_vm.bits)
			return NULL;
		uaf_vm.client = dirty_open(vm, &e);
		if (uaf_vm.client < 0) {
			console_err("vmm: free-page check: %s\n", e.msg);
			return NULL;
		}
	}
	if (dirty_take(vm, uaf_vm.client, uaf_vm.bits, &e)) {
		console_err("vmm: free-page check: %s\n", e.msg);
		return NULL;
	}
	*nr_pfns = dirty_words(vm) * 64;
	return uaf_vm.bits;
}

struct uaf_watch *uaf_watch_of_vm(struct vm *vm)
{
	if (!uaf_vm.vm) {
		uaf_vm.vm = vm;
		uaf_watch_init(&uaf_vm.watch);
		uaf_vm.watch.take_dirty = take_dirty;
		uaf_vm.watch.take_opaque = vm;
	}
	return &uaf_vm.watch;
}
