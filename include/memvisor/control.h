/* SPDX-License-Identifier: MIT */
/*
 * Where vmm's QMP control socket lives by default, shared by vmm (which
 * creates it) and vmmctl (which finds it): the directory
 * $XDG_RUNTIME_DIR/memvisor, else /tmp/memvisor-UID, and in it one socket
 * per VMM, vmm-PID.qmp; and the prefix of the QMP commands it adds to
 * QEMU's. Host-side only (the guest never includes it).
 */
#ifndef MEMVISOR_CONTROL_H
#define MEMVISOR_CONTROL_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define CONTROL_RUNTIME_SUBDIR	"memvisor"	/* under $XDG_RUNTIME_DIR */
#define CONTROL_TMP_PREFIX	"/tmp/memvisor-"	/* then the uid */
#define CONTROL_SOCKET_PREFIX	"vmm-"		/* then the vmm's pid */
#define CONTROL_SOCKET_SUFFIX	".qmp"

/* Clients one socket serves at once: vmm --control-clients, 1..MAX. */
#define CONTROL_CLIENTS_DEFAULT	256
#define CONTROL_CLIENTS_MAX	1024

/* QMP's downstream prefix of memvisor's own commands and events. */
#define QMP_VENDOR		"__org.memvisor_"

/*
 * The default directory's name into @buf (not created). Returns what
 * snprintf returns: @len or more means it did not fit.
 */
static inline int control_dir_name(char *buf, size_t len)
{
	const char *run = getenv("XDG_RUNTIME_DIR");

	if (run && *run)
		return snprintf(buf, len, "%s/" CONTROL_RUNTIME_SUBDIR, run);
	return snprintf(buf, len, CONTROL_TMP_PREFIX "%u",
			(unsigned int)geteuid());
}

#endif
