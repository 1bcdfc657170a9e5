// SPDX-License-Identifier: MIT
/* Where the control socket lives, and the events of the VM's end. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memvisor/hypercall.h>

#include "ctlmux.h"
#include "console.h"
#include "control.h"
#include "dma_cmds.h"
#include "guest_str.h"
#include "page_owner.h"
#include "qmp.h"
#include "slab_obj.h"

/* Nested: the host's clients, each connected to our socket over the port. */
static struct ctlmux *runner_link;

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

/* @path, or the default one (vmm-PID.qmp in the default directory). */
static const char *control_path(const char *path, char *buf, size_t len,
				struct errbuf *e)
{
	char dir[200];

	if (path)
		return path;
	if (control_default_dir(dir, sizeof(dir), e))
		return NULL;
	snprintf(buf, len, "%s/" CONTROL_SOCKET_PREFIX "%d" CONTROL_SOCKET_SUFFIX,
		 dir, (int)getpid());
	return buf;
}

int control_host_path(const char *path, char *buf, size_t len,
		      struct errbuf *e)
{
	const char *p = control_path(path, buf, len, e);

	if (!p)
		return -1;
	if (strlen(p) >= len || strlen(p) >= 108)
		return errf(e, "vmm: --control %s: longer than a socket path may be",
			    p);
	if (p != buf)
		memcpy(buf, p, strlen(p) + 1);
	return qmp_clear_stale_socket(buf, e);
}

/*
 * Nested, the host's control socket reaches us over the runner's
 * virtio-serial port CONTROL_PORT_NAME: find it by name (no udev in the
 * runner). -1: none.
 */
static int open_runner_port(void)
{
	DIR *d = opendir("/sys/class/virtio-ports");
	struct dirent *de;
	int fd = -1;

	while (d && fd < 0 && (de = readdir(d))) {
		char path[300], name[64] = "";
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name",
			 de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(name, sizeof(name), f))
			name[0] = '\0';
		fclose(f);
		name[strcspn(name, "\n")] = '\0';
		if (strcmp(name, CONTROL_PORT_NAME))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	}
	if (d)
		closedir(d);
	return fd;
}

/* Each host client, multiplexed over @port, becomes a client of @path. */
static int forward_port(int port, const char *path, struct errbuf *e)
{
	struct ctlmux_config cfg = {
		.link_fd = port,
		.link_listen_fd = -1,
		.link_hup_waits = true,
		.listen_fd = -1,
		.connect_path = path,
		.name = "vmm: the nested runner's control link",
	};

	runner_link = ctlmux_new(&cfg, e);
	if (!runner_link)
		return -1;
	if (ctlmux_start(runner_link, e)) {
		ctlmux_free(runner_link);
		runner_link = NULL;
		return -1;
	}
	return 0;
}

int control_start(struct vm *vm, const char *path, unsigned int max_clients,
		  struct errbuf *e)
{
	const char *depth = getenv("MEMVISOR_NESTED_DEPTH");
	const char *host = getenv(CONTROL_HOST_ENV);
	char def[256];
	int port = -1;

	if (depth && *depth && strcmp(depth, "0") && host && *host) {
		port = open_runner_port();
		if (port < 0) {
			console_err("vmm: warning: the nested runner has no port %s: %s is not served\n",
				    CONTROL_PORT_NAME, host);
			host = NULL;
		} else {
			/* the host's path is the outer vmm's: serve one of ours here */
			path = NULL;
		}
	} else {
		host = NULL;
	}
	path = control_path(path, def, sizeof(def), e);
	if (!path || qmp_server_start(&vm->qmp, vm, path, max_clients, e)) {
		if (port >= 0)
			close(port);
		return -1;
	}
	if (port >= 0 && forward_port(port, path, e)) {
		qmp_server_stop(vm->qmp);
		vm->qmp = NULL;
		return -1;
	}
	if (host)
		console_err("vmm: control socket %s (vmmctl --socket %s), forwarded by the nested runner to %s inside it\n",
			    host, host, path);
	else
		console_err("vmm: control socket %s (vmmctl --socket %s)\n",
			    path, path);
	return 0;
}

const struct device_control control_devices = {
	.page_states = page_states_of_vm,
	.object_state = object_state_of_vm,
	.dma_fault = dma_fault_event,
};

/* A guest's string as valid UTF-8 (guest_str.h), in @buf. */
static const char *guest_text(const char *s, size_t max, char *buf,
			      size_t size)
{
	guest_str_escape(buf, size, s, strnlen(s, max));
	return buf;
}

void control_event_alloc_failure(struct vm *vm, unsigned int cpu,
				 unsigned int order, unsigned int gfp,
				 const char *comm)
{
	char c[4 * MV_HC_COMM_MAX + 1];

	qmp_server_broadcast(vm->qmp, qmp_event_new(QMP_VENDOR "ALLOC_FAILURE",
		json_pack("{s:i,s:i,s:i,s:s}", "cpu", (int)cpu,
			  "order", (int)order, "gfp", (int)gfp,
			  "comm", guest_text(comm, MV_HC_COMM_MAX, c, sizeof(c)))));
}

void control_event_sleep_bug(struct vm *vm, unsigned int cpu,
			     const char *file, unsigned int line,
			     const char *msg)
{
	char f[4 * MV_PANIC_FILE_MAX + 1], m[4 * MV_PANIC_MSG_MAX + 1];

	qmp_server_broadcast(vm->qmp, qmp_event_new(QMP_VENDOR "SLEEP_BUG",
		json_pack("{s:i,s:s,s:i,s:s}", "cpu", (int)cpu,
			  "file", guest_text(file, MV_PANIC_FILE_MAX, f, sizeof(f)),
			  "line", (int)line,
			  "msg", guest_text(msg, MV_PANIC_MSG_MAX, m, sizeof(m)))));
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
	/*
	 * The server first: what it flushes as it closes (the SHUTDOWN
	 * event) reaches the link, which then delivers it and the EOFs.
	 */
	qmp_server_stop(vm->qmp);
	vm->qmp = NULL;
	ctlmux_free(runner_link);
	runner_link = NULL;
}
