/* SPDX-License-Identifier: MIT */
/*
 * A vmm child with its console on a pipe and its QMP socket, for tests and
 * benches that talk to a running guest: start it, wait for a console line,
 * run commands, wait for it to end. Every wait has a deadline. Link
 * vmm_qmp.c and jansson.
 *
 *	struct vq v;
 *
 *	if (vq_start(&v, "64M", "slabinsp.idle", NULL) ||
 *	    vq_wait_for(&v, "slabinsp: ready", 120) || vq_connect(&v))
 *		... v.log says how far the guest got ...
 *	r = vq_cmd(&v, "query-status", NULL);
 *	...
 *	vq_stop(&v);
 */
#ifndef TESTS_INTEGRATION_VMM_QMP_H
#define TESTS_INTEGRATION_VMM_QMP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

struct vq {
	pid_t pid;		/* vmm; 0: none started */
	int out;		/* the console, vmm's stdout (+stderr) */
	int qmp;		/* the socket once connected, else -1 */
	char dir[64];		/* a private temp dir, the socket's */
	char sock[100];
	char *log;		/* the console so far (NUL-terminated) */
	size_t log_len, log_size;
	char buf[1 << 20];	/* QMP input not yet parsed: a physmap answer fits */
	size_t buf_len;
	bool reaped;		/* vq_wait_exit reaped vmm */
	char why[160];		/* what vq_boot found wrong */
};

/* vq_start_args' @flags */
#define VQ_LOG_STDERR	1u	/* vmm's stderr into the log too (else ours) */

/* Seconds on the monotonic clock. */
double vq_now(void);

/*
 * Starts `vmm --mem MEM --test TEST --control SOCK --timeout 150
 * --accel=$SLABINSP_ACCEL (auto) --cmdline CMDLINE`, stdout and stderr in
 * the log; @cmdline may be NULL. vmm is $MEMVISOR_VMM, else vmm/vmm.
 * 0, or -1 (errno).
 */
int vq_start(struct vq *v, const char *mem, const char *test,
	     const char *cmdline);

/* Starts `vmm --control SOCK ARGS...` (@args ends with NULL). */
int vq_start_args(struct vq *v, const char *const args[], unsigned int flags);

#define VQ_BOOT_S	120	/* vq_boot's deadline for @ready */

/*
 * Starts `vmm --control SOCK --mem MEM --cpus CPUS --accel=$MEMVISOR_ACCEL
 * (auto) EXTRA...` (@extra NULL-ended, or NULL), its stderr in the log,
 * connects to its control socket and waits for the console line @ready
 * (none if NULL) at most VQ_BOOT_S seconds. 0, or -1: v->why says what
 * failed, v->log how far the guest got.
 */
int vq_boot(struct vq *v, const char *mem, unsigned int cpus,
	    const char *const extra[], const char *ready);

/*
 * Reads the console until @needle appears at or after offset @from, or
 * @secs pass, or the console ends: its offset in v->log, or -1.
 */
long vq_find(struct vq *v, const char *needle, size_t from, double secs);

/* Reads the console until @needle appears or @secs pass. 0 if it did. */
int vq_wait_for(struct vq *v, const char *needle, double secs);

/*
 * The console so far, after reading what came within @secs (for a
 * failure's message): never NULL.
 */
const char *vq_console(struct vq *v, double secs);

/*
 * Connects to v->sock (retrying while vmm lives and sets its socket up),
 * reads the greeting and negotiates. 0, or -1.
 */
int vq_connect(struct vq *v);

/* A socket connected to the Unix socket @path, or -1 (errno). */
int vq_connect_unix(const char *path);

/* Writes all of @data to @fd (no SIGPIPE). 0, or -1 (errno). */
int vq_send_all(int fd, const void *data, size_t len);

/* Sends {"execute": CMD, "arguments": ARGS} (steals @args; may be NULL). */
int vq_send(struct vq *v, const char *cmd, json_t *args);

/* The next message from the socket (events included), or NULL. */
json_t *vq_recv(struct vq *v, double secs);

/*
 * Runs a command: its "return" (a new reference), or NULL (the error
 * printed on stderr). Steals @args. Events on the way are dropped.
 */
json_t *vq_cmd(struct vq *v, const char *cmd, json_t *args);

/*
 * Reads the console to its end and reaps vmm, killing it after @secs: its
 * exit status, or -1 (a signal, or killed).
 */
int vq_wait_exit(struct vq *v, double secs);

/* Quits the guest (or kills vmm), reaps it and removes what vq made. */
void vq_stop(struct vq *v);

#endif
