/* SPDX-License-Identifier: MIT */
/* The guest's CPU features; the test says which it has. */
#include "../../../../guestmm/arch/x86_64/include/asm/cpufeature.h"
