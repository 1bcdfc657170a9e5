/* SPDX-License-Identifier: MIT */
/*
 * Finding the control socket of the running vmm: the sockets named
 * vmm-PID.qmp in vmm's default directory (include/memvisor/control.h) whose
 * PID is alive and which accept a connection.
 */
#ifndef VMMCTL_DISCOVER_H
#define VMMCTL_DISCOVER_H

#include <limits.h>
#include <stdio.h>
#include <sys/types.h>

struct vmm_socket {
	pid_t pid;
	char path[PATH_MAX];
};

/* The pid in a socket's file name "vmm-PID.qmp", or 0 if it is not one. */
pid_t discover_parse_name(const char *name);

/*
 * The live vmm sockets in @dir, by pid, up to @max of them in @out.
 * Returns how many there are (maybe more than @max), or -1 if @dir cannot
 * be read (errno; ENOENT: no vmm ever ran here).
 */
int discover_scan(const char *dir, struct vmm_socket *out, int max);

/*
 * The socket of the only running vmm into @path. Returns 0; or 1 when
 * there is none or several, having said so (and listed them) on @err.
 */
int discover_socket(char *path, size_t len, FILE *err);

#endif
