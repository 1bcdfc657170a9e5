/* SPDX-License-Identifier: MIT */
/* The guest's page-table API, as the guest declares it. */
#include "../../../../guestmm/arch/x86_64/include/asm/pgtable.h"
