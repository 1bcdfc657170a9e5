// SPDX-License-Identifier: MIT
/*
 * vmmctl: the command-line client of vmm's QMP control socket.
 *
 *	vmmctl [--socket PATH] [--json] COMMAND [ARGS]
 *
 * Exit status: 0 done; 1 the VMM said no (a QMP error), or could not be
 * found or reached; 2 usage error.
 */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "discover.h"
#include "drgn.h"
#include "session.h"
#include "term_safe.h"
#include "physmap.h"
#include "top.h"

#define EXIT_QMP	1
#define EXIT_USAGE	2

/* stdout and stderr with control characters escaped (term_safe.h) */
static FILE *out, *err;

struct main_opts {
	const char *socket;
	bool json;
};

static void usage(FILE *f)
{
	fputs("usage: vmmctl [--socket PATH] [--json] COMMAND [ARGS]\n\n"
	      "Talks to a running vmm over its QMP control socket.\n\n"
	      "options:\n"
	      "  --socket PATH  the vmm's control socket (default: the only running\n"
	      "                 vmm's, $XDG_RUNTIME_DIR/memvisor/vmm-PID.qmp, else\n"
	      "                 /tmp/memvisor-UID/vmm-PID.qmp)\n"
	      "  --json         print the QMP answer as JSON instead\n"
	      "  --help         this text\n"
	      "  --version      vmmctl's version\n\n"
	      "commands:\n", f);
	for (size_t i = 0; i < vmmctl_nr_cmds; i++)
		fprintf(f, "  %s %s\n", vmmctl_cmds[i].name,
			vmmctl_cmds[i].synopsis);
	fprintf(f, "  top [-d SECS] [-n ITERATIONS] [-s KEY]\n"
		"      caches and zones, live; KEY is %s\n", top_sort_keys);
	fputs("  physmap [--png FILE] [--svg FILE] [--watch [--interval S]]\n"
	      "          [--color=auto|never|always] [--group N] [--cols N]\n"
	      "          [--start-pfn N] [--count N] [--iterations N]\n"
	      "      a picture of physical memory: what owns each page, with\n"
	      "      the zones and fragmentation figures\n"
	      "  drgn [--kernel FILE] [--stats] [-c CODE | SCRIPT [ARGS]]\n"
	      "      drgn on the guest: prog, and memvisor_drgn's helpers\n\n", f);
	fputs("Numbers are decimal or 0x hex. owner takes a page frame number,\n"
	      "or a 0x physical address. xp and read-virt read at most 64 KiB.\n"
	      "insmod and rmmod wait for the guest's loader; lsmod prints the\n"
	      "guest's modules as /proc/modules.\n"
	      "kmalloc, kmem_cache, alloc_pages, vmalloc, mempool, alloc_percpu\n"
	      "and dma_fill run in the guest (its allocd/N thread, or with --atomic\n"
	      "its interrupt handler, on CPU N) and wait for the answer; FLAGS are\n"
	      "written as in C: 'GFP_KERNEL|__GFP_DMA'. Objects are named by the\n"
	      "handle the answer gives; allocs lists them, free --all frees them.\n\n"
	      "Exit status: 0 done; 1 the VMM answered with an error, or could\n"
	      "not be found or reached; 2 usage error.\n", f);
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "vmmctl: %s (vmmctl --help)\n", msg);
	return EXIT_USAGE;
}

/* Global options; returns the index of COMMAND, or -(exit status). */
static int parse_main(int argc, char **argv, struct main_opts *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case 'S':
			o->socket = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			return -EXIT_SUCCESS;
		case 'V':
			printf("vmmctl (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return -EXIT_SUCCESS;
		default:
			fprintf(stderr, "vmmctl: bad option '%s' (vmmctl --help)\n",
				argv[optind - 1]);
			return -EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return -usage_error("no command given");
	return optind;
}

static void report_inconsistencies(const char *name, json_t *ret)
{
	json_t *list = json_object_get(ret, "inconsistencies"), *v;
	size_t i;

	json_array_foreach(list, i, v)
		fprintf(err, "vmmctl: %s: inconsistent: %s\n", name,
			json_is_string(v) ? json_string_value(v) : "?");
}

static int print_answer(const struct vmmctl_cmd *cmd, json_t *ret, bool json)
{
	struct fmt_err e;

	/* JSON escapes what it carries itself (and, ASCII only, C1 too) */
	if ((json ? fmt_json : cmd->fmt)(json ? stdout : out, ret, &e)) {
		fflush(out);
		fprintf(err, "vmmctl: %s: %s\n", cmd->name, e.msg);
		return EXIT_QMP;
	}
	report_inconsistencies(cmd->name, ret);
	fflush(err);
	if (fflush(out) || fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "vmmctl: %s: cannot write the answer\n", cmd->name);
		return EXIT_QMP;
	}
	return EXIT_SUCCESS;
}

static int connect_vmm(struct session *s, const char *path)
{
	char found[PATH_MAX];

	if (!path) {
		if (discover_socket(found, sizeof(found), stderr))
			return -1;
		path = found;
	}
	if (session_open(s, path)) {
		fprintf(stderr, "vmmctl: %s\n", s->err);
		session_close(s);
		return -1;
	}
	return 0;
}

/* @run with a session to the VMM: its exit status. */
static int with_session(const struct main_opts *mo,
			int (*run)(struct session *s, const void *o),
			const void *o)
{
	struct session s;
	int status;

	if (connect_vmm(&s, mo->socket))
		return EXIT_QMP;
	status = run(&s, o);
	session_close(&s);
	return status;
}

static int top_session(struct session *s, const void *o)
{
	return top_run(s, o);
}

static int physmap_session(struct session *s, const void *o)
{
	return pmap_run(s, o);
}

static int run_top(const struct main_opts *mo, int argc, char **argv)
{
	struct top_opts o;
	struct fmt_err e;

	if (top_parse(argc, argv, &o, &e))
		return usage_error(e.msg);
	o.tty = isatty(STDOUT_FILENO);
	o.out = out;
	o.err = err;
	o.screen = stdout;
	return with_session(mo, top_session, &o);
}

static int run_physmap(const struct main_opts *mo, int argc, char **argv)
{
	struct pmap_opts o;
	struct fmt_err e;

	if (pmap_parse(argc, argv, &o, &e))
		return usage_error(e.msg);
	o.json = mo->json;
	o.tty = isatty(STDOUT_FILENO);
	o.out = out;
	o.err = err;
	o.screen = stdout;
	return with_session(mo, physmap_session, &o);
}

#define MAX_PAGES	4096	/* pages of one list vmmctl asks for */

/*
 * session_execute() of @req (its args stolen), then of every further page
 * of a paged list (cmds.h): *ret is the whole list, as one answer. `vmmctl
 * qmp` (no QMP command of its own) gives the one answer it asked for.
 */
static int execute_pages(struct session *s, const struct vmmctl_cmd *cmd,
			 struct cmd_req *req, json_t **ret)
{
	const char *list = cmd->qmp ? cmd_paged_list(req->qmp) : NULL;
	json_t *args = list ? json_deep_copy(req->args) : NULL, *page, *next;
	int r = session_execute(s, req->qmp, req->args, ret);

	for (unsigned int n = 1; !r && list && n < MAX_PAGES; n++) {
		next = cmd_next_page(req->qmp, args, *ret);
		if (!next)
			break;
		r = session_execute(s, req->qmp, next, &page);
		if (r) {
			json_decref(*ret);
			break;
		}
		cmd_merge_page(req->qmp, *ret, page);
		if (!json_array_size(json_object_get(page, list)))
			n = MAX_PAGES;	/* an empty page: no progress, the end */
		json_decref(page);
	}
	json_decref(args);
	return r;
}

/* What a waiting command waits for, and the guest's reports on the way. */
struct request_wait {
	json_int_t id;
	json_t *sleep_bugs;	/* SLEEP_BUG messages seen meanwhile */
};

/* A MODULE_* or ALLOC_DONE event of request w->id; SLEEP_BUGs are noted. */
static bool request_event_of(json_t *ev, void *arg)
{
	struct request_wait *w = arg;
	const char *name = json_string_value(json_object_get(ev, "event"));
	json_t *data = json_object_get(ev, "data");

	if (name && !strcmp(name, QMP_EV_SLEEP_BUG))
		json_array_append(w->sleep_bugs, json_object_get(data, "msg"));
	return name && json_integer_value(json_object_get(data, "request")) ==
		       w->id &&
	       (!strcmp(name, QMP_EV_ALLOC_DONE) ||
		!strcmp(name, QMP_EV_MODULE_LOADED) ||
		!strcmp(name, QMP_EV_MODULE_UNLOADED) ||
		!strcmp(name, QMP_EV_MODULE_FAILED));
}

/*
 * The guest's sleeping-in-atomic reports while request @w ran (an
 * --atomic allocation that may sleep), on stderr: the allocation itself
 * went on, as in Linux.
 */
static void print_sleep_bugs(const struct vmmctl_cmd *cmd,
			     const struct request_wait *w)
{
	json_t *msg;
	size_t i;

	json_array_foreach(w->sleep_bugs, i, msg)
		fprintf(err, "vmmctl: %s: the guest reported: %s\n", cmd->name,
			json_string_value(msg) ?: "a sleeping-in-atomic bug");
	fflush(err);
}

/*
 * A waiting command (cmds.h): *@ret, the {"request": N} answer, becomes
 * the data of request N's event. 1 (printed) when it failed, -1 (s->err).
 */
static int wait_request(struct session *s, const struct vmmctl_cmd *cmd,
			json_t **ret)
{
	struct request_wait w = {
		.id = json_integer_value(json_object_get(*ret, "request")),
		.sleep_bugs = json_array(),
	};
	json_t *ev;
	int status = 0;

	json_decref(*ret);
	*ret = NULL;
	ev = session_wait_event(s, request_event_of, &w);
	print_sleep_bugs(cmd, &w);
	json_decref(w.sleep_bugs);
	if (!ev)
		return -1;
	*ret = json_incref(json_object_get(ev, "data"));
	if (!strcmp(json_string_value(json_object_get(ev, "event")),
		    QMP_EV_MODULE_FAILED) || json_object_get(*ret, "error")) {
		fprintf(err, "vmmctl: %s: %s\n", cmd->name,
			fmt_str(*ret, "error", "failed"));
		fflush(err);
		status = 1;
	}
	json_decref(ev);
	return status;
}

static int run_command(const struct main_opts *mo,
		       const struct vmmctl_cmd *cmd, int argc, char **argv)
{
	struct cmd_req req;
	struct fmt_err e;
	struct session s;
	json_t *ret;
	int r;

	if (cmd_request(cmd, argc, argv, &req, &e)) {
		fprintf(stderr, "vmmctl: %s: %s (vmmctl --help)\n", cmd->name, e.msg);
		return EXIT_USAGE;
	}
	if (connect_vmm(&s, mo->socket)) {
		json_decref(req.args);
		return EXIT_QMP;
	}
	r = execute_pages(&s, cmd, &req, &ret);
	/* a QMP error (1) is printed below; wait_request's 1 printed itself */
	if (!r && cmd_waits(cmd->qmp)) {
		r = wait_request(&s, cmd, &ret);
		if (r > 0) {
			json_decref(ret);
			session_close(&s);
			return EXIT_QMP;
		}
	}
	if (r) {
		fprintf(err, "vmmctl: %s: %s\n", cmd->name, s.err);
		fflush(err);
		session_close(&s);
		return EXIT_QMP;
	}
	r = print_answer(cmd, ret, mo->json);
	json_decref(ret);
	session_close(&s);
	return r;
}

static int run(int argc, char **argv)
{
	struct main_opts mo = { 0 };
	const struct vmmctl_cmd *cmd;
	int i = parse_main(argc, argv, &mo);
	char msg[128];

	if (i <= 0)
		return -i;
	if (!strcmp(argv[i], "top"))
		return run_top(&mo, argc - i - 1, argv + i + 1);
	if (!strcmp(argv[i], "drgn"))
		return drgn_exec(mo.socket, argc - i - 1, argv + i + 1);
	if (!strcmp(argv[i], "physmap"))
		return run_physmap(&mo, argc - i - 1, argv + i + 1);
	cmd = cmd_find(argv[i]);
	if (!cmd) {
		snprintf(msg, sizeof(msg), "unknown command '%.80s'", argv[i]);
		return usage_error(msg);
	}
	return run_command(&mo, cmd, argc - i - 1, argv + i + 1);
}

int main(int argc, char **argv)
{
	int status;

	out = term_safe_open(stdout);
	err = term_safe_open(stderr);
	if (!out || !err) {
		fprintf(stderr, "vmmctl: out of memory\n");
		return EXIT_QMP;
	}
	status = run(argc, argv);
	if (fclose(out) && status == EXIT_SUCCESS)
		status = EXIT_QMP;
	fclose(err);
	return status;
}
