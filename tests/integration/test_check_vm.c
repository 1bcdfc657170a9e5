// SPDX-License-Identifier: MIT
/*
 * The VMM's checker catches the planted bugs of
 * guestmm/mm/tests/checkbug_vm_test.c (issue 18 item 5): one guest runs
 * them in turn under `vmm --check-every 100`; each prints the structure
 * and address it broke ("checkbug: broke CASE: STRUCTURE 0xADDR") and
 * holds still; the VMM's violation line must name that structure at that
 * address, with the expected and found values, before the case mends it.
 * Every violation line of the run names one of the planted bugs: the
 * honest rest of the guest reports nothing.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm_qmp.h"

#define WAIT_S		300	/* for a case to come; the nested runner is slow */

/* The cases and what each must get: the found value's start. */
static const struct planted {
	const char *name, *found;
} planted[] = {
	{ "vmap_overlap", "found start 0x" },
	{ "vmap_page_elsewhere", "found pfn 0x" },
	{ "vmap_guard_mapped", "found pfn 0x" },
	{ "pcpu_free_bytes", "found free_bytes " },
	{ "mempool_slab_freed", "found free: in CPU " },
	{ "mempool_page_freed", "found free: PG_" },
};
#define NR_PLANTED	(sizeof(planted) / sizeof(planted[0]))

static struct vq v;

static void stop(void)
{
	vq_stop(&v);
}

TestSuite(check_vm, .fini = stop);

/* Is the line at @s a violation ("vmm: check: STRUCTURE 0xADDR: ...")? */
static bool violation_line(const char *s)
{
	char structure[32];
	unsigned long long addr;
	int n = -1;

	return sscanf(s, "vmm: check: %31s 0x%llx: %n", structure, &addr, &n) == 2 &&
	       n > 0;
}

/* The violation line for @p: "vmm: check: STRUCTURE 0xADDR: ..." in the hold. */
static void caught(const struct planted *p, char *addrs[NR_PLANTED], unsigned int i)
{
	char broke[96], structure[32], needle[128], mended[96];
	unsigned long long addr;
	long at, end, hit;
	char *line;

	snprintf(broke, sizeof(broke), "checkbug: broke %s: ", p->name);
	at = vq_find(&v, broke, 0, WAIT_S);
	cr_assert_geq(at, 0, "%s never ran:\n%s", p->name, v.log ? v.log : "");
	cr_assert_eq(sscanf(v.log + at + strlen(broke), "%31s 0x%llx", structure, &addr), 2,
		     "%s: no structure and address", p->name);
	snprintf(mended, sizeof(mended), "checkbug: mended %s\n", p->name);
	end = vq_find(&v, mended, at, WAIT_S);
	cr_assert_geq(end, 0, "%s never mended:\n%s", p->name, v.log + at);
	snprintf(needle, sizeof(needle), "vmm: check: %s 0x%llx: ", structure, addr);
	hit = vq_find(&v, needle, at, 0);
	cr_assert(hit >= 0 && hit < end, "%s: no \"%s\" while it held:\n%.*s",
		  p->name, needle, (int)(end - at), v.log + at);
	line = strndup(v.log + hit, strcspn(v.log + hit, "\n"));
	cr_assert(strstr(line, "(expected ") && strstr(line, p->found),
		  "%s: %s", p->name, line);
	addrs[i] = strdup(needle);
	free(line);
}

Test(check_vm, planted_bugs_are_caught_at_their_address, .timeout = 600)
{
	const char *accel = getenv("MEMVISOR_ACCEL");
	const char *args[] = { "--mem", "64M", "--cpus", "2", "--test",
			       "checkbug.vmap_*,checkbug.pcpu_*,checkbug.mempool_*",
			       "--check-every", "100", "--check-budget", "2000",
			       "--cmdline", "checkbug_vm_hold=1500", "--timeout", "280",
			       NULL, NULL, NULL };
	char *addrs[NR_PLANTED] = { NULL };
	const char *s;

	if (access("/dev/kvm", R_OK | W_OK))
		cr_skip_test("no /dev/kvm");
	if (accel) {
		args[14] = "--accel";
		args[15] = accel;
	}
	cr_assert_eq(vq_start_args(&v, args, VQ_LOG_STDERR), 0,
		     "cannot start vmm: %s", strerror(errno));
	for (unsigned int i = 0; i < NR_PLANTED; i++)
		caught(&planted[i], addrs, i);
	cr_assert_geq(vq_find(&v, "ktest: 6 passed or skipped, 0 failed", 0, WAIT_S), 0,
		      "the cases failed:\n%s", v.log);
	/* every violation the run reported is one of the planted bugs */
	for (s = strstr(v.log, "vmm: check: "); s; s = strstr(s + 1, "vmm: check: ")) {
		bool known = !violation_line(s);
		size_t n = strcspn(s, "\n");

		for (unsigned int i = 0; i < NR_PLANTED && !known; i++)
			known = !strncmp(s, addrs[i], strlen(addrs[i]));
		cr_assert(known, "a violation no case planted: %.*s", (int)n, s);
	}
	for (unsigned int i = 0; i < NR_PLANTED; i++)
		free(addrs[i]);
}
