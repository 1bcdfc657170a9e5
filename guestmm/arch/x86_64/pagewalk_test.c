// SPDX-License-Identifier: MIT
/*
 * pagewalk.hold: the guest's side of the VMM's page-walk integration test
 * (tests/integration/test_vmm_translate.c). It prints where a kernel-image
 * object and a kmalloc'ed (direct-map) copy of it live, as the guest's own
 * page tables say, then keeps the guest alive pagewalk_hold=SECONDS (default
 * 0) while the VMM translates and reads those addresses over QMP.
 */
#include <linux/kernel.h>
#include <linux/ktest.h>
#include <linux/init.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/page.h>
#include <asm/pgtable.h>

static unsigned long hold_seconds;

static int __init_pagewalk_hold(char *val)
{
	unsigned long s = 0;

	while (*val >= '0' && *val <= '9' && s < 3600)
		s = s * 10 + (unsigned long)(*val++ - '0');
	hold_seconds = s;
	return 0;
}
__setup("pagewalk_hold=", __init_pagewalk_hold);

static const char pagewalk_marker[64] __aligned(64) =
	"memvisor pagewalk marker: the VMM reads these 64 bytes itself.";

KTEST(pagewalk, hold)
{
	char *copy = kmalloc(sizeof(pagewalk_marker), GFP_KERNEL);
	unsigned long image = (unsigned long)pagewalk_marker;

	KTEST_ASSERT_NOT_NULL(t, copy);
	memcpy(copy, pagewalk_marker, sizeof(pagewalk_marker));
	KTEST_EXPECT_EQ(t, slow_virt_to_phys(image), __pa(image));
	KTEST_EXPECT_EQ(t, slow_virt_to_phys((unsigned long)copy), __pa(copy));
	pr_info("pagewalk-hold: image 0x%lx 0x%lx dmap 0x%lx 0x%lx len %lu\n",
		image, (unsigned long)slow_virt_to_phys(image),
		(unsigned long)copy,
		(unsigned long)slow_virt_to_phys((unsigned long)copy),
		(unsigned long)sizeof(pagewalk_marker));
	for (unsigned long i = 0; i < hold_seconds * 10; i++)
		msleep(100);
	kfree(copy);
}
