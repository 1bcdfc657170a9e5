// SPDX-License-Identifier: MIT
/* Loading the peer allocators for the benchmarks (peer_alloc.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "peer_alloc.h"

#include <dlfcn.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void glibc_free(void *p)
{
	free(p);
}

static void *glibc_malloc(size_t size)
{
	return malloc(size);
}

static void jemalloc_version(struct peer_alloc *p)
{
	int (*mallctl)(const char *, void *, size_t *, void *, size_t);
	const char *v = NULL;
	size_t len = sizeof(v);

	mallctl = (int (*)(const char *, void *, size_t *, void *, size_t))
		  dlsym(p->handle, "mallctl");
	if (mallctl && !mallctl("version", &v, &len, NULL, 0) && v)
		snprintf(p->version, sizeof(p->version), "%.*s",
			 (int)strcspn(v, "-"), v);
}

static void mimalloc_version(struct peer_alloc *p)
{
	int (*mi_version)(void) = (int (*)(void))dlsym(p->handle, "mi_version");

	if (mi_version) {
		int v = mi_version();

		snprintf(p->version, sizeof(p->version), "%d.%d.%d",
			 v / 100, v / 10 % 10, v % 10);
	}
}

static int load(struct peer_alloc *p, const char *name, const char *lib,
		const char *malloc_sym, const char *free_sym)
{
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->handle = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	if (!p->handle) {
		fprintf(stderr, "peer_alloc: no %s (%s): apt-get install lib%s-dev\n",
			name, dlerror(), name);
		return 0;
	}
	p->malloc = (void *(*)(size_t))dlsym(p->handle, malloc_sym);
	p->free = (void (*)(void *))dlsym(p->handle, free_sym);
	if (!p->malloc || !p->free) {
		fprintf(stderr, "peer_alloc: %s lacks %s/%s\n", lib, malloc_sym, free_sym);
		dlclose(p->handle);
		return 0;
	}
	return 1;
}

#define STATIC_TLS_TUNABLE "glibc.rtld.optional_static_tls"

void peer_alloc_prepare(char **argv)
{
	const char *old = getenv("GLIBC_TUNABLES");
	char tunables[512];

	if (old && strstr(old, STATIC_TLS_TUNABLE))
		return;
	snprintf(tunables, sizeof(tunables), "%s%s" STATIC_TLS_TUNABLE "=16384",
		 old ? old : "", old ? ":" : "");
	setenv("GLIBC_TUNABLES", tunables, 1);
	execv("/proc/self/exe", argv);
	/* No re-exec (no /proc?): go on; jemalloc may then be missing. */
}

int peer_alloc_load(struct peer_alloc peers[PEER_MAX])
{
	int n = 0;

	peers[n] = (struct peer_alloc){ .name = "glibc", .malloc = glibc_malloc,
					.free = glibc_free };
	snprintf(peers[n].version, sizeof(peers[n].version), "%s",
		 gnu_get_libc_version());
	n++;
	if (load(&peers[n], "jemalloc", "libjemalloc.so.2", "malloc", "free")) {
		jemalloc_version(&peers[n]);
		n++;
	}
	/* mi_malloc/mi_free: the same functions as its malloc/free, unambiguous. */
	if (load(&peers[n], "mimalloc", "libmimalloc.so.2", "mi_malloc", "mi_free")) {
		mimalloc_version(&peers[n]);
		n++;
	}
	return n;
}

void peer_alloc_unload(struct peer_alloc *peers, int n)
{
	for (int i = 0; i < n; i++)
		if (peers[i].handle)
			dlclose(peers[i].handle);
}
