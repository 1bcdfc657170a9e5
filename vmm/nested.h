/* SPDX-License-Identifier: MIT */
#ifndef VMM_NESTED_H
#define VMM_NESTED_H

/*
 * On a host without /dev/kvm, re-executes this very command inside the
 * nested runner (QEMU TCG with a nested /dev/kvm), saying so on stderr.
 * Returns only when that is impossible or unwanted (MEMVISOR_NO_NESTED set,
 * already nested, runner not found); the caller then explains the error.
 */
void nested_reexec(int argc, char **argv);

#endif
