/* SPDX-License-Identifier: MIT */
/*
 * vmmctl drgn: drgn on the running guest. vmmctl finds the socket and the
 * guest image, then hands over to Python (tools/drgn/memvisor_drgn, run
 * as `python3 -m memvisor_drgn`), which reads guest memory over QMP.
 */
#ifndef VMMCTL_DRGN_H
#define VMMCTL_DRGN_H

/*
 * Execs the Python side with @socket (NULL: the only running vmm's) and
 * the arguments after `drgn`. Returns only on failure: the exit status,
 * having said why on stderr.
 */
int drgn_exec(const char *socket, int argc, char **argv);

#endif
