/* SPDX-License-Identifier: MIT */
/*
 * vmmctl fail: failure injection from outside (vmm/control/fail_cmds.h).
 *   fail kmalloc|cache NAME|pages ORDER [--probability P] [--times N]
 *        [--interval N] [--gfp-mask FLAGS] [--verbose N]
 *        [--ignore-gfp-wait] [--ignore-gfp-highmem]
 *   fail off|--off [kmalloc|cache|pages]
 *   fail                      the settings and what was failed
 * Both forms answer the attrs' state, which fmt_fail_state() prints.
 */
#ifndef VMMCTL_FAIL_VERB_H
#define VMMCTL_FAIL_VERB_H

#include "cmds.h"

int fail_parse_words(int argc, char **argv, struct cmd_req *req,
		     struct fmt_err *e);
int fmt_fail_state(FILE *out, json_t *ret, struct fmt_err *e);

#endif
