// SPDX-License-Identifier: MIT
/* Where the control socket lives, and the events of the VM's end. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "control.h"
#include "qmp.h"

/* Creates @dir 0700 if missing; refuses one that is not ours alone. */
static int private_dir(const char *dir, struct errbuf *e)
{
	struct stat st;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return errf(e, "vmm: cannot create %s: %s", dir, strerror(errno));
	if (lstat(dir, &st))
		return errf(e, "vmm: %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077))
		return errf(e, "vmm: %s is not a directory of this user's alone (mode 0700); use --control PATH",
			    dir);
	return 0;
}

int control_default_dir(char *buf, size_t len, struct errbuf *e)
{
	int n = control_dir_name(buf, len);

	if (n < 0 || (size_t)n >= len)
		return errf(e, "vmm: the control socket's directory name is too long; use --control PATH");
	return private_dir(buf, e);
}

int control_start(struct vm *vm, const char *path, struct errbuf *e)
{
	char dir[200], def[256];

	if (!path) {
		if (control_default_dir(dir, sizeof(dir), e))
			return -1;
		snprintf(def, sizeof(def), "%s/" CONTROL_SOCKET_PREFIX "%d"
			 CONTROL_SOCKET_SUFFIX, dir, (int)getpid());
		path = def;
	}
	if (qmp_server_start(&vm->qmp, vm, path, e))
		return -1;
	console_err("vmm: control socket %s (vmmctl --socket %s)\n", path, path);
	return 0;
}

void control_announce_end(struct vm *vm, enum vm_end end)
{
	static const char *const reasons[] = {
		[VM_END_GUEST] = "guest-shutdown",
		[VM_END_TIMEOUT] = "host-error",
		[VM_END_SIGNAL] = "host-signal",
		[VM_END_QUIT] = "host-qmp-quit",
		[VM_END_HOST] = "host-error",
	};

	if (!vm->qmp)
		return;
	if (end == VM_END_CRASH) {
		qmp_server_broadcast(vm->qmp, qmp_event_new("GUEST_PANICKED",
			json_pack("{s:s}", "action", "poweroff")));
		return;
	}
	if (end >= sizeof(reasons) / sizeof(reasons[0]) || !reasons[end])
		return;
	qmp_server_broadcast(vm->qmp, qmp_event_new("SHUTDOWN",
		json_pack("{s:b,s:s}", "guest", end == VM_END_GUEST,
			  "reason", reasons[end])));
}

void control_stop(struct vm *vm)
{
	qmp_server_stop(vm->qmp);
	vm->qmp = NULL;
}
