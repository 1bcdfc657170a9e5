// SPDX-License-Identifier: MIT
/* vmm's command line: sizes, every option, every error message. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "../../vmm/base/args.h"
#include "../../vmm/base/size.h"

static int run_parse(struct vmm_config *cfg, struct errbuf *e, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	memset(e, 0, sizeof(*e));
	return args_parse(argc, argv, cfg, e);
}

#define PARSE(cfg, e, ...) \
	run_parse(cfg, e, (char *[]){ "vmm", __VA_ARGS__, NULL })

/* Parsing must fail with exactly @want. */
#define EXPECT_ERROR(want, ...) do {					\
	struct vmm_config c_;						\
	struct errbuf e_;						\
	cr_assert_eq(PARSE(&c_, &e_, __VA_ARGS__), -1);			\
	cr_assert_str_eq(e_.msg, want);					\
} while (0)

static uint64_t size_of(const char *s)
{
	uint64_t v = 0xdeadbeef;

	cr_assert_eq(size_parse(s, &v), 0, "size_parse(\"%s\") failed", s);
	return v;
}

Test(size, accepts_every_documented_form)
{
	cr_assert_eq(size_of("256M"), 256ULL << 20);
	cr_assert_eq(size_of("1G"), 1ULL << 30);
	cr_assert_eq(size_of("64G"), 64ULL << 30);
	cr_assert_eq(size_of("4096K"), 4ULL << 20);
	cr_assert_eq(size_of("268435456"), 268435456ULL);
	cr_assert_eq(size_of("1T"), 1ULL << 40);
	cr_assert_eq(size_of("256m"), 256ULL << 20);
	cr_assert_eq(size_of("1g"), 1ULL << 30);
	cr_assert_eq(size_of("16MB"), 16ULL << 20);
	cr_assert_eq(size_of("16MiB"), 16ULL << 20);
	cr_assert_eq(size_of("16mib"), 16ULL << 20);
	cr_assert_eq(size_of("4kb"), 4096);
	cr_assert_eq(size_of("512B"), 512);
	cr_assert_eq(size_of("0x1000"), 4096);
	cr_assert_eq(size_of("0x10M"), 16ULL << 20);
	cr_assert_eq(size_of("0"), 0);
}

Test(size, rejects_non_sizes)
{
	static const char *const bad[] = {
		"", "M", "abc", "-1", "+5", " 5", "5 ", "1.5G", "5X", "5Mi",
		"5iB", "5MBB", "0x", "1GG", "12e3", "5KiBx",
	};
	unsigned int i;
	uint64_t v;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(size_parse(bad[i], &v), -EINVAL, "\"%s\"", bad[i]);
}

Test(size, detects_overflow)
{
	uint64_t v;

	cr_assert_eq(size_parse("18446744073709551615", &v), 0);
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(size_parse("18446744073709551616", &v), -ERANGE);
	cr_assert_eq(size_parse("16777216T", &v), -ERANGE);
	cr_assert_eq(size_parse("16777215T", &v), 0);
	cr_assert_eq(size_parse("0x10000000000000000", &v), -ERANGE);
}

Test(size, formats_whole_units)
{
	char buf[32];

	size_format(256ULL << 20, buf, sizeof(buf));
	cr_assert_str_eq(buf, "256 MiB");
	size_format(3ULL << 30, buf, sizeof(buf));
	cr_assert_str_eq(buf, "3 GiB");
	size_format(1ULL << 40, buf, sizeof(buf));
	cr_assert_str_eq(buf, "1 TiB");
	size_format(1000, buf, sizeof(buf));
	cr_assert_str_eq(buf, "1000 bytes");
}

Test(args, minimal_and_defaults)
{
	struct vmm_config c;
	struct errbuf e;

	cr_assert_eq(PARSE(&c, &e, "--mem", "256M"), 0, "%s", e.msg);
	cr_assert_eq(c.mem_size, 256ULL << 20);
	cr_assert_eq(c.nr_cpus, 1);
	cr_assert_null(c.kernel_path);
	cr_assert_eq(c.lowmem, 0);
	cr_assert_eq(c.nr_reserves, 0);
	cr_assert_eq(c.timeout, 0);
	cr_assert_null(c.test_glob);
	cr_assert_not(c.help);
	cr_assert_eq(c.accel, VMM_ACCEL_AUTO);
	cr_assert_not(c.accel_given);
	cr_assert_not(c.probe_accel);
}

Test(args, check_free_pages)
{
	struct vmm_config c;
	struct errbuf e;

	cr_assert_eq(PARSE(&c, &e, "--mem", "256M", "--check-every", "100"), 0,
		     "%s", e.msg);
	cr_assert_not(c.check_free_pages, "off unless asked");
	cr_assert_eq(PARSE(&c, &e, "--mem", "256M", "--check-every", "100",
			   "--check-free-pages"), 0, "%s", e.msg);
	cr_assert(c.check_free_pages);
	cr_assert(strstr(args_usage, "--check-free-pages"));
}

Test(args, watch_free_pages)
{
	struct vmm_config c;
	struct errbuf e;

	cr_assert_eq(PARSE(&c, &e, "--mem", "256M", "--check-free-pages"), 0,
		     "%s", e.msg);
	cr_assert_eq(c.watch_free_pages, 0, "off unless asked");
	cr_assert_eq(PARSE(&c, &e, "--mem", "256M", "--check-free-pages",
			   "--watch-free-pages", "1024"), 0, "%s", e.msg);
	cr_assert_eq(c.watch_free_pages, 1024);
	cr_assert(strstr(args_usage, "--watch-free-pages"));
	EXPECT_ERROR("vmm: --watch-free-pages needs --check-free-pages",
		     "--mem", "256M", "--watch-free-pages", "64");
	EXPECT_ERROR("vmm: --watch-free-pages: '0' is not a number of pages in 1..1024",
		     "--mem", "256M", "--check-free-pages", "--watch-free-pages", "0");
	EXPECT_ERROR("vmm: --watch-free-pages: '1025' is not a number of pages in 1..1024",
		     "--mem", "256M", "--check-free-pages", "--watch-free-pages", "1025");
}

Test(args, accel_names)
{
	static const struct {
		const char *name;
		enum vmm_accel accel;
	} names[] = {
		{ "auto", VMM_ACCEL_AUTO }, { "kvm", VMM_ACCEL_KVM },
		{ "nested", VMM_ACCEL_NESTED },
	};
	struct vmm_config c;
	struct errbuf e;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cr_assert_eq(PARSE(&c, &e, "--mem", "64M", "--accel",
				   (char *)names[i].name), 0, "%s", e.msg);
		cr_assert_eq(c.accel, names[i].accel, "--accel %s", names[i].name);
		cr_assert(c.accel_given);
		cr_assert_str_eq(args_accel_name(c.accel), names[i].name);
	}
	EXPECT_ERROR("vmm: --accel: 'none' is not an accelerator (auto, kvm or nested)",
		     "--mem", "64M", "--accel", "none");
	EXPECT_ERROR("vmm: --accel: 'KVM' is not an accelerator (auto, kvm or nested)",
		     "--mem", "64M", "--accel=KVM");
	EXPECT_ERROR("vmm: --probe-accel takes no value", "--probe-accel=1");
	cr_assert_eq(args_parse_accel("MEMVISOR_ACCEL", "", &c.accel, &e), -1);
	cr_assert_str_eq(e.msg, "vmm: MEMVISOR_ACCEL: '' is not an accelerator (auto, kvm or nested)");
}

Test(args, probe_accel_needs_no_mem)
{
	struct vmm_config c;
	struct errbuf e;

	cr_assert_eq(PARSE(&c, &e, "--probe-accel", "--accel", "nested"), 0,
		     "%s", e.msg);
	cr_assert(c.probe_accel);
	cr_assert_eq(c.accel, VMM_ACCEL_NESTED);
	EXPECT_ERROR("vmm: --accel: 'x' is not an accelerator (auto, kvm or nested)",
		     "--probe-accel", "--accel", "x");
}

Test(args, every_option_both_spellings)
{
	struct vmm_config c;
	struct errbuf e;

	cr_assert_eq(PARSE(&c, &e, "--mem=1G", "--cpus", "4", "--kernel=k.elf",
			   "--lowmem", "512M", "--reserve", "1M@0x2000000",
			   "--reserve=8K@64M", "--cmdline", "loglevel=7",
			   "--test=buddy.*", "--timeout", "30"), 0, "%s", e.msg);
	cr_assert_eq(c.mem_size, 1ULL << 30);
	cr_assert_eq(c.nr_cpus, 4);
	cr_assert_str_eq(c.kernel_path, "k.elf");
	cr_assert_eq(c.lowmem, 512ULL << 20);
	cr_assert_eq(c.nr_reserves, 2);
	cr_assert_eq(c.reserves[0].size, 1ULL << 20);
	cr_assert_eq(c.reserves[0].addr, 0x2000000);
	cr_assert_str_eq(c.reserves[0].spec, "1M@0x2000000");
	cr_assert_eq(c.reserves[1].size, 8192);
	cr_assert_eq(c.reserves[1].addr, 64ULL << 20);
	cr_assert_str_eq(c.cmdline, "loglevel=7");
	cr_assert_str_eq(c.test_glob, "buddy.*");
	cr_assert_eq(c.timeout, 30);
}

Test(args, help_and_version_win)
{
	struct vmm_config c;
	struct errbuf e;

	cr_assert_eq(PARSE(&c, &e, "--help"), 0);
	cr_assert(c.help);
	cr_assert_eq(PARSE(&c, &e, "--mem", "bogus", "--version"), 0);
	cr_assert(c.version);
	cr_assert_eq(PARSE(&c, &e, "-h"), 0);
	cr_assert(c.help);
	cr_assert(strstr(args_usage, "Exit status"));
	cr_assert(strstr(args_usage, "nested-run"));
}

Test(args, mem_errors)
{
	EXPECT_ERROR("vmm: --mem is required (example: vmm --mem 256M)",
		     "--cpus", "2");
	EXPECT_ERROR("vmm: --mem: the size must not be 0", "--mem", "0");
	EXPECT_ERROR("vmm: --mem: 32M is below the minimum of 64 MiB",
		     "--mem", "32M");
	EXPECT_ERROR("vmm: --mem: 'lots' is not a size (examples: 256M, 1G, 4096K, 268435456)",
		     "--mem", "lots");
	EXPECT_ERROR("vmm: --mem: '99999999999999999999' is too large (does not fit in 64 bits)",
		     "--mem", "99999999999999999999");
	EXPECT_ERROR("vmm: --mem: '16777216T' is too large (does not fit in 64 bits)",
		     "--mem", "16777216T");
	EXPECT_ERROR("vmm: --mem: 2T is more than the maximum of 1 TiB",
		     "--mem", "2T");
	EXPECT_ERROR("vmm: --mem: 1025G is more than the maximum of 1 TiB",
		     "--mem", "1025G");
	EXPECT_ERROR("vmm: --mem: 67109000 is not a multiple of 4 KiB",
		     "--mem", "67109000");
	EXPECT_ERROR("vmm: --mem needs a value", "--mem");
}

Test(args, mem_limits_are_inclusive)
{
	struct vmm_config c;
	struct errbuf e;

	cr_assert_eq(PARSE(&c, &e, "--mem", "64M"), 0, "%s", e.msg);
	cr_assert_eq(PARSE(&c, &e, "--mem", "1T"), 0, "%s", e.msg);
	cr_assert_eq(c.mem_size, 1ULL << 40);
}

Test(args, cpus_errors)
{
	struct vmm_config c;
	struct errbuf e;

	EXPECT_ERROR("vmm: --cpus: must be at least 1", "--mem", "256M",
		     "--cpus", "0");
	EXPECT_ERROR("vmm: --cpus: 65 is more than the maximum of 64 (MV_MAX_CPUS)",
		     "--mem", "256M", "--cpus", "65");
	EXPECT_ERROR("vmm: --cpus: 'two' is not a number", "--mem", "256M",
		     "--cpus", "two");
	EXPECT_ERROR("vmm: --cpus: '-1' is not a number", "--mem", "256M",
		     "--cpus", "-1");
	EXPECT_ERROR("vmm: --cpus: 99999999999 is more than the maximum of 64 (MV_MAX_CPUS)",
		     "--mem", "256M", "--cpus", "99999999999");

	cr_assert_eq(PARSE(&c, &e, "--mem", "256M", "--cpus", "64"), 0);
	cr_assert_eq(args_check_cpu_limit(&c, 288, &e), 0);
	cr_assert_eq(args_check_cpu_limit(&c, 16, &e), -1);
	cr_assert_str_eq(e.msg, "vmm: --cpus: 64 is more than this host's KVM allows (16)");
}

Test(args, lowmem_errors)
{
	EXPECT_ERROR("vmm: --lowmem: 8M is below the end of ZONE_DMA (16 MiB)",
		     "--mem", "256M", "--lowmem", "8M");
	EXPECT_ERROR("vmm: --lowmem: 17M is not a multiple of 2 MiB",
		     "--mem", "256M", "--lowmem", "17M");
	EXPECT_ERROR("vmm: --lowmem: 'x' is not a size (examples: 256M, 1G, 4096K, 268435456)",
		     "--mem", "256M", "--lowmem", "x");
}

Test(args, reserve_errors)
{
	EXPECT_ERROR("vmm: --reserve: '1M' is not SIZE@ADDR (example: 1M@0x2000000)",
		     "--mem", "256M", "--reserve", "1M");
	EXPECT_ERROR("vmm: --reserve: '@0x1000' is not SIZE@ADDR (example: 1M@0x2000000)",
		     "--mem", "256M", "--reserve", "@0x1000");
	EXPECT_ERROR("vmm: --reserve: '1M@' is not SIZE@ADDR (example: 1M@0x2000000)",
		     "--mem", "256M", "--reserve", "1M@");
	EXPECT_ERROR("vmm: --reserve 1Q@0x1000: '1Q' is not a size",
		     "--mem", "256M", "--reserve", "1Q@0x1000");
	EXPECT_ERROR("vmm: --reserve 1M@here: 'here' is not an address",
		     "--mem", "256M", "--reserve", "1M@here");
	EXPECT_ERROR("vmm: --reserve 0@0x1000: the size must not be 0",
		     "--mem", "256M", "--reserve", "0@0x1000");
	EXPECT_ERROR("vmm: --reserve 1000@0x2000000: size and address must be multiples of 4 KiB",
		     "--mem", "256M", "--reserve", "1000@0x2000000");
	EXPECT_ERROR("vmm: --reserve 4K@0x2000100: size and address must be multiples of 4 KiB",
		     "--mem", "256M", "--reserve", "4K@0x2000100");
	EXPECT_ERROR("vmm: --reserve 8K@0xfffffffffffff000: the range wraps around the address space",
		     "--mem", "256M", "--reserve", "8K@0xfffffffffffff000");
}

Test(args, too_many_reserves)
{
	char *argv[3 + 2 * (VMM_MAX_RESERVES + 1) + 1];
	struct vmm_config c;
	struct errbuf e;
	unsigned int i, n = 0;

	argv[n++] = "vmm";
	argv[n++] = "--mem";
	argv[n++] = "1G";
	for (i = 0; i <= VMM_MAX_RESERVES; i++) {
		argv[n++] = "--reserve";
		argv[n++] = "4K@16M";
	}
	argv[n] = NULL;
	cr_assert_eq(run_parse(&c, &e, argv), -1);
	cr_assert_str_eq(e.msg, "vmm: --reserve: at most 128 ranges");
}

Test(args, unknown_and_malformed)
{
	EXPECT_ERROR("vmm: unknown option '--memory' (see vmm --help)",
		     "--memory", "1G");
	EXPECT_ERROR("vmm: unexpected argument 'extra' (see vmm --help)",
		     "--mem", "1G", "extra");
	EXPECT_ERROR("vmm: --help takes no value", "--help=yes");
	EXPECT_ERROR("vmm: --kernel: the file name is empty", "--mem", "1G",
		     "--kernel=");
	EXPECT_ERROR("vmm: --timeout: 'soon' is not a number of seconds", "--mem", "1G",
		     "--timeout", "soon");
	EXPECT_ERROR("vmm: --timeout: 604801 is more than the maximum of 604800 seconds (a week)",
		     "--mem", "1G", "--timeout", "604801");
	EXPECT_ERROR("vmm: --test: 'a b' must be a non-empty pattern without spaces",
		     "--mem", "1G", "--test", "a b");
}

Test(args, guest_cmdline)
{
	struct vmm_config c;
	struct errbuf e;
	char buf[4096];

	cr_assert_eq(PARSE(&c, &e, "--mem", "1G"), 0);
	cr_assert_eq(args_guest_cmdline(&c, buf, sizeof(buf), &e), 0);
	cr_assert_str_eq(buf, "");

	cr_assert_eq(PARSE(&c, &e, "--mem", "1G", "--test", "slab.*"), 0);
	cr_assert_eq(args_guest_cmdline(&c, buf, sizeof(buf), &e), 12);
	cr_assert_str_eq(buf, "ktest=slab.*");

	cr_assert_eq(PARSE(&c, &e, "--mem", "1G", "--cmdline", "loglevel=8 x",
			   "--test", "a.b,c.*"), 0);
	args_guest_cmdline(&c, buf, sizeof(buf), &e);
	cr_assert_str_eq(buf, "ktest=a.b,c.* loglevel=8 x");

	cr_assert_eq(PARSE(&c, &e, "--mem", "1G", "--cmdline", "quiet"), 0);
	args_guest_cmdline(&c, buf, sizeof(buf), &e);
	cr_assert_str_eq(buf, "quiet");
}

Test(args, guest_cmdline_too_long)
{
	static char big[5000];
	struct vmm_config c;
	struct errbuf e;
	char buf[16];

	memset(big, 'x', sizeof(big) - 1);
	EXPECT_ERROR("vmm: --cmdline: the guest command line is 4999 bytes, more than the maximum of 4095",
		     "--mem", "1G", "--cmdline", big);

	/* exactly at the limit fits; one more does not */
	cr_assert_eq(PARSE(&c, &e, "--mem", "1G", "--test", "abcdefghi"), 0);
	cr_assert_eq(args_guest_cmdline(&c, buf, sizeof(buf), &e), 15);
	cr_assert_eq(args_guest_cmdline(&c, buf, 15, &e), -1);
	cr_assert_str_eq(buf, "");
}

Test(args, shell_join_quotes)
{
	char *argv[] = { "vmm/vmm", "--mem", "256M", "--cmdline", "a b",
			 "--test", "it's", NULL };
	char buf[256];

	cr_assert_gt(args_shell_join(7, argv, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "vmm/vmm --mem 256M --cmdline 'a b' --test 'it'\\''s'");
	cr_assert_eq(args_shell_join(7, argv, buf, 10), -1);
}

Test(args, workloads_on_the_guest_command_line)
{
	char *argv[] = { "vmm", "--mem", "256M", "--test", "x.*", "--workload",
			 "fragment:max_order=5,threads=2", "--workload=slab_churn",
			 "--cmdline", "loglevel=4", NULL };
	struct vmm_config cfg;
	struct errbuf e;
	char buf[256];

	cr_assert_eq(args_parse(10, argv, &cfg, &e), 0, "%s", e.msg);
	cr_assert_eq(cfg.nr_workloads, 2);
	cr_assert_gt(args_guest_cmdline(&cfg, buf, sizeof(buf), &e), 0);
	cr_assert_str_eq(buf, "ktest=x.* workload=fragment:max_order=5,threads=2 workload=slab_churn loglevel=4");
}

Test(args, workload_refusals)
{
	char *space[] = { "vmm", "--mem", "256M", "--workload", "frag ment", NULL };
	char *noname[] = { "vmm", "--mem", "256M", "--workload", ":x=1", NULL };
	char *many[3 + 2 * (VMM_MAX_WORKLOADS + 1) + 1] = { "vmm", "--mem", "256M" };
	struct vmm_config cfg;
	struct errbuf e;

	cr_assert_eq(args_parse(5, space, &cfg, &e), -1);
	cr_assert_str_eq(e.msg, "vmm: --workload 'frag ment': only a-z, 0-9, _ and NAME:key=value,... (example: fragment:max_order=5,threads=2)");
	cr_assert_eq(args_parse(5, noname, &cfg, &e), -1);
	cr_assert_str_eq(e.msg, "vmm: --workload ':x=1': the name must be 1..15 characters");
	for (unsigned int i = 0; i <= VMM_MAX_WORKLOADS; i++) {
		many[3 + 2 * i] = "--workload";
		many[4 + 2 * i] = "fragment";
	}
	cr_assert_eq(args_parse(3 + 2 * (VMM_MAX_WORKLOADS + 1), many, &cfg, &e), -1);
	cr_assert_str_eq(e.msg, "vmm: --workload: more than 8 workloads");
}

Test(args, module_file_then_params)
{
	static struct vmm_config cfg;
	struct errbuf e;
	char *argv[] = { "vmm", "--mem", "256M", "--module", "a/b.ko",
			 "--module=c.ko  x=1 y=two", NULL };

	cr_assert_eq(run_parse(&cfg, &e, argv), 0, "%s", e.msg);
	cr_assert_eq(cfg.nr_modules, 2);
	cr_assert_str_eq(cfg.modules[0].file, "a/b.ko");
	cr_assert_str_eq(cfg.modules[0].params, "");
	cr_assert_str_eq(cfg.modules[1].file, "c.ko");
	cr_assert_str_eq(cfg.modules[1].params, "x=1 y=two");
}

Test(args, module_refusals)
{
	static struct vmm_config cfg;
	static char big[MV_MODULE_PARAMS_MAX + 8] = "m.ko ";
	struct errbuf e;
	char *none[] = { "vmm", "--mem", "256M", "--module", " x=1", NULL };
	char *huge[] = { "vmm", "--mem", "256M", "--module", big, NULL };
	char *many[VMM_MAX_MODULES * 2 + 6] = { "vmm", "--mem", "256M" };

	cr_assert_eq(run_parse(&cfg, &e, none), -1);
	cr_assert_str_eq(e.msg, "vmm: --module: ' x=1' names no file");
	memset(big + 5, 'p', MV_MODULE_PARAMS_MAX);
	cr_assert_eq(run_parse(&cfg, &e, huge), -1);
	cr_assert_str_eq(e.msg, "vmm: --module m.ko: the parameters are more than 1023 bytes");
	for (int i = 0; i <= VMM_MAX_MODULES; i++) {
		many[3 + 2 * i] = "--module";
		many[4 + 2 * i] = "m.ko";
	}
	cr_assert_eq(run_parse(&cfg, &e, many), -1);
	cr_assert_str_eq(e.msg, "vmm: --module: more than 16 modules");
}

Test(args, check_options)
{
	struct vmm_config c;
	struct errbuf e;

	cr_assert_eq(PARSE(&c, &e, "--mem", "256M"), 0);
	cr_assert_eq(c.check_every_ms, 0);
	cr_assert_eq(c.check_budget_ms, CHECK_BUDGET_DEFAULT_MS);
	cr_assert_not(c.check_stop);
	cr_assert_eq(PARSE(&c, &e, "--mem", "256M", "--check-every", "100",
			   "--check-budget", "50", "--check-stop"), 0);
	cr_assert_eq(c.check_every_ms, 100);
	cr_assert_eq(c.check_budget_ms, 50);
	cr_assert(c.check_stop);
	EXPECT_ERROR("vmm: --check-every: 0 is not in 1..3600000 milliseconds",
		     "--mem", "256M", "--check-every", "0");
	EXPECT_ERROR("vmm: --check-budget: 'x' is not a number of milliseconds",
		     "--mem", "256M", "--check-budget", "x");
	EXPECT_ERROR("vmm: --check-budget: 10001 is not in 1..10000 milliseconds",
		     "--mem", "256M", "--check-budget", "10001");
}
