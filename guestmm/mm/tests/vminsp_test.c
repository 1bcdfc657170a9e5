// SPDX-License-Identifier: MIT
/*
 * The fixture for the VMM's view of vmalloc and per-CPU memory
 * (tests/integration/test_vminsp.c), not an mm suite: vminsp.hold prints
 * what the guest itself knows, then holds still for vminsp_hold=SECONDS
 * while the VMM reads the same through its own page walk:
 *
 *   vminsp: va ADDR pfn PFN          a 4-page vmalloc area, by vmalloc_to_pfn
 *   vminsp: percpu PTR cpu N at ADDR an alloc_percpu(u64), by per_cpu_ptr,
 *                                    holding VMINSP_PERCPU_VALUE + N
 *   vminsp: percpu nr_cur_alloc N
 *   vminsp: areas N before M         nr_vmap_areas with the area, and before
 *   vminsp: holding (allocated)
 *
 * Then it frees both, runs vmalloc_stress_ops random vmalloc/vfree (the
 * stress of vmalloc_test.c), purges, and holds again after
 *
 *   vminsp: freed after N ops, F failed, areas M
 *   vminsp: holding (freed)
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/ktest.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>
#include <memvisor/mminfo.h>

#include "vmalloc_stress.h"

#define VMINSP_PAGES		4
#define VMINSP_PERCPU_VALUE	0x5eed0000ULL

static int vminsp_hold_s;

static int __init_vminsp_hold(char *val)
{
	if (!param_get_int(val, &vminsp_hold_s) || vminsp_hold_s < 0)
		return -1;
	return 0;
}
__setup("vminsp_hold=", __init_vminsp_hold);

static void vminsp_hold(const char *what)
{
	pr_info("vminsp: holding (%s)\n", what);
	for (int i = 0; i < vminsp_hold_s * 10; i++)
		msleep(100);
}

static void print_percpu(u64 __percpu *pc)
{
	const struct mv_percpu_info *info = percpu_info();
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		*per_cpu_ptr(pc, cpu) = VMINSP_PERCPU_VALUE + cpu;
		pr_info("vminsp: percpu 0x%lx cpu %u at 0x%lx\n",
			(unsigned long)pc, cpu,
			(unsigned long)per_cpu_ptr(pc, cpu));
	}
	pr_info("vminsp: percpu nr_cur_alloc %lu\n",
		(unsigned long)info->nr_cur_alloc);
}

KTEST(vminsp, hold)
{
	unsigned long before = nr_vmap_areas, bad;
	struct vmalloc_stress_slot *s;
	u64 __percpu *pc;
	char *p;

	p = vmalloc(VMINSP_PAGES * PAGE_SIZE);
	pc = alloc_percpu(u64);
	s = kcalloc(VMALLOC_STRESS_SLOTS, sizeof(*s), GFP_KERNEL);
	KTEST_ASSERT_NOT_NULL(t, p);
	KTEST_ASSERT_NOT_NULL(t, pc);
	KTEST_ASSERT_NOT_NULL(t, s);
	for (unsigned long i = 0; i < VMINSP_PAGES; i++) {
		p[i * PAGE_SIZE] = (char)i;
		pr_info("vminsp: va 0x%lx pfn 0x%lx\n",
			(unsigned long)p + i * PAGE_SIZE,
			vmalloc_to_pfn(p + i * PAGE_SIZE));
	}
	print_percpu(pc);
	pr_info("vminsp: areas %lu before %lu\n", nr_vmap_areas, before);
	vminsp_hold("allocated");

	vfree(p);
	free_percpu(pc);
	bad = vmalloc_stress(t, s, vmalloc_stress_ops, 0x7e57);
	kfree(s);
	vm_unmap_aliases();
	KTEST_EXPECT_EQ(t, bad, 0);
	KTEST_EXPECT_EQ(t, nr_vmap_areas, before);
	pr_info("vminsp: freed after %lu ops, %lu failed, areas %lu\n",
		vmalloc_stress_ops, bad, nr_vmap_areas);
	vminsp_hold("freed");
}
