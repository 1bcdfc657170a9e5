// SPDX-License-Identifier: MIT
/*
 * The hosted ktest adapter: every KTEST case linked into this program (the
 * "ktest_cases" section; see MM_KTEST_SOURCES) becomes one Criterion test,
 * run in its own process on a freshly booted hosted mm (64 MiB, three zones,
 * with the bootmem self-test buffers), failing with the case's file:line
 * messages. The guest runs the very same cases: vmm --test 'buddy.*'.
 *
 * MEMVISOR_KTEST=GLOB (e.g. 'gfp.*,zone.fallback*') runs a subset.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ktest.h>
#include <asm/hosted.h>

#pragma weak __start_ktest_cases
#pragma weak __stop_ktest_cases

struct ktest_param {
	unsigned int index;
	char name[96];
};

static size_t nr_cases(void)
{
	if (!__start_ktest_cases)
		return 0;
	return (size_t)(__stop_ktest_cases - __start_ktest_cases);
}

ParameterizedTestParameters(ktest, run)
{
	const char *glob = getenv("MEMVISOR_KTEST");
	size_t n = nr_cases(), used = 0;
	struct ktest_param *params = cr_malloc(sizeof(*params) * (n ? n : 1));

	for (size_t i = 0; i < n; i++) {
		const struct ktest_case *c = &__start_ktest_cases[i];

		if (glob && *glob && !ktest_match(glob, c->suite, c->name))
			continue;
		params[used].index = (unsigned int)i;
		snprintf(params[used].name, sizeof(params[used].name), "%s.%s",
			 c->suite, c->name);
		used++;
	}
	return cr_make_param_array(struct ktest_param, params, used);
}

ParameterizedTest(struct ktest_param *p, ktest, run, .timeout = 300)
{
	const struct ktest_case *c = &__start_ktest_cases[p->index];
	struct hosted_boot_config cfg;
	struct ktest t;
	unsigned int failures;

	hosted_default_config(&cfg);
	cfg.bootmem_test = 6UL << 20;
	hosted_boot(&cfg);
	cr_log_info("ktest %s", p->name);
	failures = ktest_run_case(c, &t);
	if (t.skipped)
		cr_skip_test("%s skipped: %s", p->name, hosted_ktest_messages());
	cr_assert_eq(failures, 0, "%s: %u failure(s)\n%s", p->name, failures,
		     hosted_ktest_messages());
}
