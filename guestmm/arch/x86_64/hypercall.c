// SPDX-License-Identifier: MIT
/* Ending the VM. */
#include <linux/kernel.h>
#include <asm/hypercall.h>
#include <asm/processor.h>

__noreturn void machine_shutdown(int code)
{
	hypercall(HC_SHUTDOWN, (u32)code & 0xff);
	/* The VMM stops the VM at the exit; nothing runs after it. */
	halt_forever();
}
