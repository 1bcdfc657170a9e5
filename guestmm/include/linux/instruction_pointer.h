/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_INSTRUCTION_POINTER_H
#define _LINUX_INSTRUCTION_POINTER_H

/* The caller's address: who allocated, for the allocators' records. */
#define _RET_IP_	((unsigned long)__builtin_return_address(0))

#endif
