/* SPDX-License-Identifier: MIT */
/*
 * The benchmarks' peer allocators, loaded into the same process: glibc's
 * malloc (linked), jemalloc and mimalloc (dlopen'ed, their own malloc/free
 * found with dlsym, so they do not replace glibc's for the rest of the
 * program). A peer whose library is missing is left out, with a note.
 */
#ifndef BENCH_PEER_ALLOC_H
#define BENCH_PEER_ALLOC_H

#include <stddef.h>

#define PEER_MAX 3

struct peer_alloc {
	const char *name;		/* "glibc", "jemalloc", "mimalloc" */
	char version[32];
	void *(*malloc)(size_t size);
	void (*free)(void *p);
	void *handle;			/* dlopen handle, NULL for glibc */
};

/*
 * jemalloc uses initial-exec TLS, which a dlopen'ed library may only get
 * from glibc's small static TLS surplus: call this first thing in main().
 * It re-executes the program once with GLIBC_TUNABLES asking for more.
 */
void peer_alloc_prepare(char **argv);
/* Fills peers[] with those that load; returns how many. */
int peer_alloc_load(struct peer_alloc peers[PEER_MAX]);
void peer_alloc_unload(struct peer_alloc *peers, int n);

#endif
