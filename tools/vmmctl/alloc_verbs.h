/* SPDX-License-Identifier: MIT */
/* The allocation verbs' words into V alloc's arguments (alloc_verbs.c). */
#ifndef VMMCTL_ALLOC_VERBS_H
#define VMMCTL_ALLOC_VERBS_H

#include "cmds.h"

/* The words after @verb (kmalloc, kmem_cache, ...) into @req. 0, or -1 and @e. */
int alloc_parse(const char *verb, int argc, char **argv, struct cmd_req *req,
		struct fmt_err *e);
/* free --all [--cpu N]. */
int alloc_parse_free(int argc, char **argv, struct cmd_req *req,
		     struct fmt_err *e);

#endif
