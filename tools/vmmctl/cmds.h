/* SPDX-License-Identifier: MIT */
/*
 * vmmctl's commands: for each, the QMP command it runs, how its own
 * arguments become QMP "arguments", and the format its answer is printed in.
 */
#ifndef VMMCTL_CMDS_H
#define VMMCTL_CMDS_H

#include <jansson.h>
#include <stdbool.h>

#include "fmt.h"
#include "qmp_names.h"

/* A request ready to send. */
struct cmd_req {
	const char *qmp;	/* the QMP command */
	json_t *args;		/* its arguments (owned); NULL: none */
};

struct vmmctl_cmd {
	const char *name;
	const char *qmp;
	const char *synopsis;	/* its arguments, for --help */
	/* @argv: the words after the command's name. 0, or -1 and @e. */
	int (*parse)(int argc, char **argv, struct cmd_req *req,
		     struct fmt_err *e);
	fmt_fn fmt;
};

extern const struct vmmctl_cmd vmmctl_cmds[];
extern const size_t vmmctl_nr_cmds;

const struct vmmctl_cmd *cmd_find(const char *name);

/* Builds @req for @cmd from its words. 0, or -1 (a usage error) and @e. */
int cmd_request(const struct vmmctl_cmd *cmd, int argc, char **argv,
		struct cmd_req *req, struct fmt_err *e);

/*
 * Whether QMP command @qmp answers {"request": N} (insmod, rmmod, alloc):
 * vmmctl then waits for the MODULE_* or ALLOC_DONE event of request N and
 * formats its data; MODULE_FAILED, or an "error" in ALLOC_DONE, is the
 * command's failure.
 */
bool cmd_waits(const char *qmp);

/*
 * The lists the QMP command @qmp answers in pages: the list's member, or
 * NULL (not paged). vmmctl asks for every page and prints them as one.
 */
const char *cmd_paged_list(const char *qmp);
/*
 * The next page's arguments (@args with "start-after" the last entry's
 * key; a new reference), or NULL when @page is the last (not truncated).
 */
json_t *cmd_next_page(const char *qmp, json_t *args, json_t *page);
/*
 * Adds @page's entries and new inconsistencies to @whole, the answer so
 * far, and takes its "truncated"/"skipped"/"incomplete": @whole then reads
 * as one answer with every entry.
 */
void cmd_merge_page(const char *qmp, json_t *whole, json_t *page);

/* A number as C writes it (decimal, 0x hex, 0 octal), whole. */
int cmd_number(const char *s, unsigned long long *v);

#endif
