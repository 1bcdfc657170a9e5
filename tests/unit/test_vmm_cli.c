// SPDX-License-Identifier: MIT
/*
 * The vmm binary's handling of bad input, end to end: every bad option
 * value and every kernel file it cannot load must end in exit status 2 and
 * exactly one "vmm: " line on stderr that names the option or the file,
 * with nothing on stdout and nothing left behind. vmm checks all of this
 * before it opens /dev/kvm, so these run on any host; MEMVISOR_ACCEL=kvm
 * keeps vmm from re-executing itself under the nested runner. The
 * accelerator's choice (--accel, --probe-accel, MEMVISOR_KVM_DEV) is
 * checked here too, with the KVM device hidden where a test needs that.
 *
 * Environment: MEMVISOR_VMM (the binary; default $MEMVISOR_BUILD_TOP/vmm/vmm)
 * and MEMVISOR_BUILD_TOP (for the fixture kernels; default ".").
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../integration/run_cmd.h"

#define RUN_TIMEOUT_S	30
#define KVIRT		0xffffffff80000000ULL
#define KERNEL_PA	0x100000ULL
#define MAX_WRITTEN	8
#define MAX_ARGS	32
#define TMPDIR_MAX	256

/* The test's scratch directory, vmm's cwd, and what the test put there. */
static char tmpdir[TMPDIR_MAX];
static char *written[MAX_WRITTEN];
static unsigned int nr_written;

/* Absolute: vmm runs in the scratch dir, where a relative path breaks. */
static const char *vmm_abs_path(void)
{
	static char abs[PATH_MAX];

	return realpath(vmm_path(), abs) ? abs : vmm_path();
}

static void setup(void)
{
	const char *t = getenv("TMPDIR");

	/* a usage error must never turn into a 10 s nested boot */
	setenv("MEMVISOR_ACCEL", "kvm", 1);
	unsetenv("MEMVISOR_KVM_DEV");
	unsetenv("MEMVISOR_NESTED_DEPTH");
	cr_assert_eq(access(vmm_abs_path(), X_OK), 0,
		     "%s is not an executable: build it (make vmm/vmm) or set MEMVISOR_VMM",
		     vmm_abs_path());
	cr_assert_lt(snprintf(tmpdir, sizeof(tmpdir), "%s/vmm-cli.XXXXXX",
			      t && *t ? t : "/tmp"), (int)sizeof(tmpdir),
		     "TMPDIR is too long");
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
}

/* Empties and removes the scratch dir, strays included (one level deep). */
static void teardown(void)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir = opendir(tmpdir);

	while (dir && (d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, d->d_name);
		/* a directory: Linux says EISDIR, POSIX allows EPERM */
		if (unlink(path) && (errno == EISDIR || errno == EPERM))
			rmdir(path);
	}
	if (dir)
		closedir(dir);
	rmdir(tmpdir);
	while (nr_written)
		free(written[--nr_written]);
}

TestSuite(vmm_cli, .init = setup, .fini = teardown);

/* ---- files the tests write ---------------------------------------------- */

static char *remember(const char *name)
{
	static char path[MAX_WRITTEN][PATH_MAX];
	unsigned int i = nr_written;

	cr_assert_lt(i, MAX_WRITTEN, "too many files for one test");
	written[nr_written++] = strdup(name);
	snprintf(path[i], sizeof(path[i]), "%s/%s", tmpdir, name);
	return path[i];
}

/* Writes @len bytes of @data to @name in the scratch dir; returns the path. */
static char *tmp_file(const char *name, const void *data, size_t len)
{
	char *path = remember(name);
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(data, 1, len, f), len, "%s: short write", path);
	cr_assert_eq(fclose(f), 0, "%s: %s", path, strerror(errno));
	return path;
}

static char *tmp_dir(const char *name)
{
	char *path = remember(name);

	cr_assert_eq(mkdir(path, 0755), 0, "%s: %s", path, strerror(errno));
	return path;
}

/* The first @len bytes of a fixture kernel, as file @name. */
static char *truncated_fixture(const char *fixture, size_t len,
				     const char *name)
{
	char path[PATH_MAX], buf[65536];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/unit/fixtures/%s", build_top(),
		 fixture);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "%s: %s (make check builds the fixtures)", path,
			   strerror(errno));
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	cr_assert_gt(n, len, "%s has only %zu bytes, can't cut it to %zu",
		     path, n, len);
	return tmp_file(name, buf, len);
}

/* The scratch dir must hold exactly what the test wrote. */
static void expect_nothing_left(void)
{
	struct dirent *d;
	DIR *dir = opendir(tmpdir);
	unsigned int i;

	cr_assert_not_null(dir, "%s: %s", tmpdir, strerror(errno));
	while ((d = readdir(dir))) {
		bool ours = !strcmp(d->d_name, ".") || !strcmp(d->d_name, "..");

		for (i = 0; i < nr_written && !ours; i++)
			ours = !strcmp(d->d_name, written[i]);
		cr_expect(ours, "vmm left '%s' behind in its cwd %s", d->d_name,
			  tmpdir);
	}
	closedir(dir);
}

/* ---- crafted ELF kernels ------------------------------------------------- */

struct seg {
	uint64_t paddr, size;
};

/* An image as vmm wants it: segment data from offset 0x1000, 4 KiB apart. */
struct image {
	unsigned char b[0x1000 + 4 * 0x1000];
	size_t len;
};

static Elf64_Ehdr *make_elf(struct image *im, const struct seg *s,
			    unsigned int n)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)im->b;
	Elf64_Phdr *ph = (Elf64_Phdr *)(im->b + sizeof(*eh));
	unsigned int i;

	memset(im, 0, sizeof(*im));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = KVIRT + s[0].paddr;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = n;
	for (i = 0; i < n; i++) {
		cr_assert_leq(s[i].size, 0x1000);
		ph[i] = (Elf64_Phdr){
			.p_type = PT_LOAD, .p_flags = PF_R | PF_X,
			.p_offset = 0x1000 * (i + 1), .p_paddr = s[i].paddr,
			.p_vaddr = KVIRT + s[i].paddr, .p_filesz = s[i].size,
			.p_memsz = s[i].size, .p_align = 0x1000,
		};
		/* hlt; jmp .-1: harmless should it ever run */
		memcpy(im->b + ph[i].p_offset, "\xf4\xeb\xfd", 3);
	}
	im->len = 0x1000 * (n + 1);
	return eh;
}

/* A kernel vmm accepts: one 4 KiB segment at 1 MiB. */
static const struct seg good_seg[] = { { KERNEL_PA, 0x1000 } };

static char *good_elf(const char *name)
{
	struct image im;

	make_elf(&im, good_seg, 1);
	return tmp_file(name, im.b, im.len);
}

/* ---- running vmm --------------------------------------------------------- */

struct vmm_run {
	struct run_result r;
	char cmd[1024];		/* for messages */
};

/* Runs vmm with the NULL-terminated @args, in the scratch dir, for @timeout_s. */
static void run_vmm_for(struct vmm_run *v, unsigned int timeout_s,
			char *const args[])
{
	char *argv[MAX_ARGS];
	struct run_opts o = { .timeout_s = timeout_s, .cwd = tmpdir };
	size_t len;
	int i;

	argv[0] = (char *)vmm_abs_path();
	len = snprintf(v->cmd, sizeof(v->cmd), "vmm");
	for (i = 0; args[i]; i++) {
		cr_assert_lt(i + 2, MAX_ARGS);
		argv[i + 1] = args[i];
		if (len < sizeof(v->cmd))
			len += snprintf(v->cmd + len, sizeof(v->cmd) - len,
					" '%s'", args[i]);
	}
	argv[i + 1] = NULL;
	cr_assert_eq(run_cmd_opts(argv, &o, &v->r), 0, "cannot run %s: %s",
		     argv[0], strerror(errno));
	cr_assert(!v->r.timed_out,
		  "%s: still running after %u s\n--- stderr\n%s",
		  v->cmd, timeout_s, v->r.err);
	cr_assert_eq(v->r.signo, 0, "%s: killed by signal %d\n--- stderr\n%s",
		     v->cmd, v->r.signo, v->r.err);
}

static void run_vmm(struct vmm_run *v, char *const args[])
{
	run_vmm_for(v, RUN_TIMEOUT_S, args);
}

#define RUN_VMM(v, ...)	run_vmm(v, (char *[]){ __VA_ARGS__, NULL })

/* An assertion on @v that shows the command and everything it printed. */
#define EXPECT_RUN(v, cond, what)					\
	cr_assert(cond, "%s: %s\n(exit %d)\n--- stdout\n%s--- stderr\n%s", \
		  (v)->cmd, what, (v)->r.status, (v)->r.out, (v)->r.err)

static bool matches(const char *text, const char *pattern)
{
	regex_t re;
	bool m;

	cr_assert_eq(regcomp(&re, pattern,
			     REG_EXTENDED | REG_NEWLINE | REG_NOSUB), 0,
		     "bad pattern '%s'", pattern);
	m = !regexec(&re, text, 0, NULL, 0);
	regfree(&re);
	return m;
}

static bool one_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl && nl != s && !nl[1];
}

/*
 * Exit status 2, nothing on stdout, and on stderr one line that starts with
 * "vmm: " and holds @name (the option or the file) and @reason.
 */
static void expect_usage_error(const char *name, const char *reason,
			       char *const args[])
{
	struct vmm_run v;

	run_vmm(&v, args);
	EXPECT_RUN(&v, v.r.status == 2, "want exit status 2 (usage error)");
	EXPECT_RUN(&v, !*v.r.out, "want nothing on stdout");
	EXPECT_RUN(&v, one_line(v.r.err), "want exactly one line on stderr");
	EXPECT_RUN(&v, !strncmp(v.r.err, "vmm: ", 5),
		   "want stderr to start with 'vmm: '");
	EXPECT_RUN(&v, strstr(v.r.err, name),
		   "want stderr to name the option or file");
	EXPECT_RUN(&v, strstr(v.r.err, reason), "want stderr to say why");
	expect_nothing_left();
	run_result_free(&v.r);
}

#define USAGE_ERROR(name, reason, ...) \
	expect_usage_error(name, reason, (char *[]){ __VA_ARGS__, NULL })

/* One test per bad command line that needs no file. */
#define BAD_ARGS_TEST(test, name, reason, ...)				\
	Test(vmm_cli, test)						\
	{								\
		USAGE_ERROR(name, reason, __VA_ARGS__);			\
	}

/* ---- --mem --------------------------------------------------------------- */

Test(vmm_cli, mem_missing)
{
	expect_usage_error("--mem", "required", (char *[]){ NULL });
}

BAD_ARGS_TEST(mem_without_value, "--mem", "needs a value", "--mem")
BAD_ARGS_TEST(mem_zero, "--mem", "must not be 0", "--mem", "0")
BAD_ARGS_TEST(mem_below_minimum, "--mem", "below the minimum", "--mem", "1M")
BAD_ARGS_TEST(mem_not_a_number, "--mem", "not a size", "--mem", "abc")
BAD_ARGS_TEST(mem_bad_suffix, "--mem", "not a size", "--mem", "12Q")
BAD_ARGS_TEST(mem_above_maximum, "--mem", "more than the maximum",
	      "--mem", "2T")
BAD_ARGS_TEST(mem_overflows_64_bits, "--mem", "too large", "--mem",
	      "99999999999999999999G")
BAD_ARGS_TEST(mem_not_page_multiple, "--mem", "multiple of 4 KiB", "--mem",
	      "67108865")

/* ---- --cpus -------------------------------------------------------------- */

BAD_ARGS_TEST(cpus_zero, "--cpus", "at least 1", "--mem", "64M", "--cpus", "0")
BAD_ARGS_TEST(cpus_negative, "--cpus", "not a number", "--mem", "64M",
	      "--cpus", "-1")
BAD_ARGS_TEST(cpus_not_a_number, "--cpus", "not a number", "--mem", "64M",
	      "--cpus", "x")
BAD_ARGS_TEST(cpus_above_mv_max_cpus, "--cpus", "MV_MAX_CPUS", "--mem", "64M",
	      "--cpus", "65")
BAD_ARGS_TEST(cpus_far_above_limit, "--cpus", "maximum", "--mem", "64M",
	      "--cpus", "100000")

/* ---- --kernel: files vmm cannot load ------------------------------------- */

Test(vmm_cli, kernel_missing_file)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/no-such-kernel.elf", tmpdir);
	USAGE_ERROR(path, "No such file", "--mem", "64M", "--kernel", path);
}

BAD_ARGS_TEST(kernel_empty_name, "--kernel", "empty", "--mem", "64M",
	      "--kernel", "")

Test(vmm_cli, kernel_is_a_directory)
{
	char *dir = tmp_dir("kernel.d");

	USAGE_ERROR(dir, "not a regular file", "--mem", "64M", "--kernel", dir);
}

Test(vmm_cli, kernel_empty_file)
{
	char *f = tmp_file("empty.elf", "", 0);

	USAGE_ERROR(f, "too small", "--mem", "64M", "--kernel", f);
}

Test(vmm_cli, kernel_text_file)
{
	static const char text[] =
		"#!/bin/sh\n# not a kernel, but long enough for an ELF header\n"
		"echo hello from a shell script\n";
	char *f = tmp_file("script.sh", text, sizeof(text) - 1);

	USAGE_ERROR(f, "not an ELF", "--mem", "64M", "--kernel", f);
}

Test(vmm_cli, kernel_elf32)
{
	unsigned char b[sizeof(Elf32_Ehdr) + sizeof(Elf32_Phdr)] = { 0 };
	Elf32_Ehdr *eh = (Elf32_Ehdr *)b;
	char *f;

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = KERNEL_PA;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf32_Phdr);
	eh->e_phnum = 1;
	f = tmp_file("i386.elf", b, sizeof(b));
	USAGE_ERROR(f, "64-bit", "--mem", "64M", "--kernel", f);
}

Test(vmm_cli, kernel_other_machine)
{
	struct image im;
	char *f;

	make_elf(&im, good_seg, 1)->e_machine = EM_AARCH64;
	f = tmp_file("arm64.elf", im.b, im.len);
	USAGE_ERROR(f, "x86-64", "--mem", "64M", "--kernel", f);
}

Test(vmm_cli, kernel_not_executable_type)
{
	struct image im;
	char *f;

	make_elf(&im, good_seg, 1)->e_type = ET_DYN;
	f = tmp_file("pie.elf", im.b, im.len);
	USAGE_ERROR(f, "ET_EXEC", "--mem", "64M", "--kernel", f);
}

/*
 * guestmm.elf without its debug info: it has a memory manager, and the
 * inspector finds the layouts of its structs in the DWARF only.
 */
Test(vmm_cli, kernel_memory_manager_without_debug_info)
{
	char *f = remember("stripped.elf"), cmd[3 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), "objcopy --strip-debug '%s/guestmm/guestmm.elf' '%s'",
		 build_top(), f);
	cr_assert_eq(system(cmd), 0, "%s failed", cmd);
	USAGE_ERROR(f, "no DWARF debug info (built without -g, or stripped?) (query-zones needs it)",
		    "--mem", "64M", "--kernel", f);
}

Test(vmm_cli, kernel_truncated_in_header)
{
	char *f = truncated_fixture("hello.elf", 40, "cut40.elf");

	USAGE_ERROR(f, "too small", "--mem", "64M", "--kernel", f);
}

Test(vmm_cli, kernel_truncated_in_program_headers)
{
	/* the header (64 bytes) is whole; its two program headers are not */
	char *f = truncated_fixture("hello.elf", 100, "cut100.elf");

	USAGE_ERROR(f, "beyond the end of the file", "--mem", "64M",
		    "--kernel", f);
}

Test(vmm_cli, kernel_truncated_in_segment)
{
	/* hello.elf's second segment starts at file offset 0x2000 */
	char *f = truncated_fixture("hello.elf", 0x1800, "cut1800.elf");

	USAGE_ERROR(f, "beyond the end of the file", "--mem", "64M",
		    "--kernel", f);
}

Test(vmm_cli, kernel_overlapping_segments)
{
	static const struct seg s[] = {
		{ KERNEL_PA, 0x1000 }, { KERNEL_PA + 0x800, 0x1000 },
	};
	struct image im;
	char *f;

	make_elf(&im, s, 2);
	f = tmp_file("overlap.elf", im.b, im.len);
	USAGE_ERROR(f, "overlaps segment 0", "--mem", "64M", "--kernel", f);
}

Test(vmm_cli, kernel_segment_outside_ram)
{
	/* 128 MiB: beyond the 64 MiB of RAM, inside the 1 GiB kernel map */
	static const struct seg s[] = { { 0x8000000, 0x1000 } };
	struct image im;
	char *f;

	make_elf(&im, s, 1);
	f = tmp_file("high.elf", im.b, im.len);
	USAGE_ERROR(f, "not in usable RAM", "--mem", "64M", "--kernel", f);
}

Test(vmm_cli, kernel_entry_outside_segments)
{
	struct image im;
	char *f;

	make_elf(&im, good_seg, 1)->e_entry = KVIRT + 0x400000;
	f = tmp_file("entry.elf", im.b, im.len);
	USAGE_ERROR(f, "entry point", "--mem", "64M", "--kernel", f);
}

/* ---- --reserve ----------------------------------------------------------- */

BAD_ARGS_TEST(reserve_outside_ram, "--reserve", "not inside RAM",
	      "--mem", "64M", "--reserve", "1M@0x8000000")
BAD_ARGS_TEST(reserve_straddles_end_of_ram, "--reserve", "not inside RAM",
	      "--mem", "64M", "--reserve", "2M@0x3f00000")
BAD_ARGS_TEST(reserve_unaligned_size, "--reserve", "multiples of 4 KiB",
	      "--mem", "64M", "--reserve", "4097@0x2000000")
BAD_ARGS_TEST(reserve_unaligned_addr, "--reserve", "multiples of 4 KiB",
	      "--mem", "64M", "--reserve", "4K@0x2000800")
BAD_ARGS_TEST(reserve_no_at, "--reserve", "not SIZE@ADDR",
	      "--mem", "64M", "--reserve", "abc")
BAD_ARGS_TEST(reserve_no_addr, "--reserve", "not SIZE@ADDR",
	      "--mem", "64M", "--reserve", "1M@")
BAD_ARGS_TEST(reserve_no_size, "--reserve", "not SIZE@ADDR",
	      "--mem", "64M", "--reserve", "@0x2000000")
BAD_ARGS_TEST(reserve_bad_size, "--reserve", "not a size",
	      "--mem", "64M", "--reserve", "xyz@0x2000000")
BAD_ARGS_TEST(reserve_bad_addr, "--reserve", "not an address",
	      "--mem", "64M", "--reserve", "1M@xyz")
BAD_ARGS_TEST(reserve_zero_size, "--reserve", "must not be 0",
	      "--mem", "64M", "--reserve", "0@0x2000000")

Test(vmm_cli, reserve_over_the_kernel)
{
	char *f = good_elf("good.elf");

	/* the message names both: the kernel file and the --reserve range */
	USAGE_ERROR("--reserve 4K@0x100000", "overlaps", "--mem", "64M",
		    "--reserve", "4K@0x100000", "--kernel", f);
	USAGE_ERROR(f, "overlaps", "--mem", "64M", "--reserve", "4K@0x100000",
		    "--kernel", f);
}

/* ---- --lowmem ------------------------------------------------------------ */

BAD_ARGS_TEST(lowmem_below_16m, "--lowmem", "below the end of ZONE_DMA",
	      "--mem", "64M", "--lowmem", "8M")
BAD_ARGS_TEST(lowmem_above_ram, "--lowmem", "above the end of RAM",
	      "--mem", "64M", "--lowmem", "128M")
BAD_ARGS_TEST(lowmem_unaligned, "--lowmem", "multiple of 2 MiB",
	      "--mem", "64M", "--lowmem", "17M")
BAD_ARGS_TEST(lowmem_not_a_size, "--lowmem", "not a size",
	      "--mem", "64M", "--lowmem", "low")

/* ---- other options ------------------------------------------------------- */

BAD_ARGS_TEST(unknown_option, "--frobnicate", "unknown option",
	      "--mem", "64M", "--frobnicate")
BAD_ARGS_TEST(stray_argument, "guest.elf", "unexpected argument",
	      "--mem", "64M", "guest.elf")
BAD_ARGS_TEST(value_for_flag, "--version", "takes no value",
	      "--mem", "64M", "--version=2")
BAD_ARGS_TEST(timeout_not_a_number, "--timeout", "not a number",
	      "--mem", "64M", "--timeout", "soon")
BAD_ARGS_TEST(test_glob_with_space, "--test", "without spaces",
	      "--mem", "64M", "--test", "a b")
BAD_ARGS_TEST(control_clients_zero, "--control-clients", "at least 1",
	      "--mem", "64M", "--control-clients", "0")
BAD_ARGS_TEST(control_clients_too_many, "--control-clients",
	      "more than the maximum of 1024",
	      "--mem", "64M", "--control-clients", "1025")
BAD_ARGS_TEST(control_clients_not_a_number, "--control-clients", "not a number",
	      "--mem", "64M", "--control-clients", "-3")

/* ---- --help, --version --------------------------------------------------- */

static void expect_clean_exit(struct vmm_run *v)
{
	EXPECT_RUN(v, v->r.status == 0, "want exit status 0");
	EXPECT_RUN(v, !*v->r.err, "want nothing on stderr");
	expect_nothing_left();
}

Test(vmm_cli, help_documents_exit_statuses)
{
	static const char *const lines[] = {
		"^usage: vmm --mem SIZE", "^Exit status:$",
		"^  0-255  the guest's shutdown code",
		"^  1      host or setup error", "^  2      usage error",
		"^  3      the guest crashed", "^  4      --timeout expired",
		"^  5      in-guest tests failed", "^  130    SIGINT",
		"^  143    SIGTERM",
	};
	struct vmm_run v;
	unsigned int i;
	char what[128];

	RUN_VMM(&v, "--help");
	expect_clean_exit(&v);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(what, sizeof(what), "want a line matching /%s/",
			 lines[i]);
		EXPECT_RUN(&v, matches(v.r.out, lines[i]), what);
	}
	run_result_free(&v.r);
}

Test(vmm_cli, help_wins_over_bad_arguments)
{
	struct vmm_run v;

	RUN_VMM(&v, "--mem", "abc", "--frobnicate", "-h");
	expect_clean_exit(&v);
	EXPECT_RUN(&v, matches(v.r.out, "^usage: vmm"), "want the usage text");
	run_result_free(&v.r);
}

Test(vmm_cli, version)
{
	struct vmm_run v;

	RUN_VMM(&v, "--version");
	expect_clean_exit(&v);
	EXPECT_RUN(&v, one_line(v.r.out) &&
		   matches(v.r.out, "^vmm \\(memvisor\\) [0-9]+\\.[0-9]+"),
		   "want one line 'vmm (memvisor) VERSION'");
	run_result_free(&v.r);
}

/* ---- no KVM -------------------------------------------------------------- */

#define NO_KVM_DEV	"/nonexistent/kvm"

/* Exit status 1, and stderr names the missing device and the nested-run command. */
static void expect_no_kvm(struct vmm_run *v)
{
	EXPECT_RUN(v, v->r.status == 1, "want exit status 1 (host error)");
	EXPECT_RUN(v, !*v->r.out, "want nothing on stdout");
	EXPECT_RUN(v, matches(v->r.err, "^vmm: accelerator kvm: --accel kvm: " NO_KVM_DEV "$"),
		   "want the accelerator's line");
	EXPECT_RUN(v, matches(v->r.err, "^vmm: " NO_KVM_DEV " not found"),
		   "want a line naming the missing device");
	EXPECT_RUN(v, strstr(v->r.err, "tools/nested/nested-run -- "),
		   "want the nested-run command");
	EXPECT_RUN(v, !strstr(v->r.err, "accelerator nested"),
		   "MEMVISOR_ACCEL=kvm must keep vmm from nesting itself");
	expect_nothing_left();
}

Test(vmm_cli, no_kvm_builtin_kernel)
{
	struct vmm_run v;

	setenv("MEMVISOR_KVM_DEV", NO_KVM_DEV, 1);
	RUN_VMM(&v, "--mem", "256M");
	expect_no_kvm(&v);
	run_result_free(&v.r);
}

/* The crafted kernel passes every check: the bad ones fail for their flaw. */
Test(vmm_cli, no_kvm_crafted_kernel_passes_checks)
{
	char *f;
	struct vmm_run v;

	setenv("MEMVISOR_KVM_DEV", NO_KVM_DEV, 1);
	f = good_elf("good.elf");
	RUN_VMM(&v, "--mem", "64M", "--cpus", "2", "--reserve", "1M@0x2000000",
		"--lowmem", "32M", "--kernel", f);
	expect_no_kvm(&v);
	run_result_free(&v.r);
}

/* ---- the accelerator ----------------------------------------------------- */

BAD_ARGS_TEST(accel_unknown, "--accel", "is not an accelerator (auto, kvm or nested)",
	      "--mem", "64M", "--accel", "tcg")
BAD_ARGS_TEST(accel_without_value, "--accel", "needs a value", "--mem", "64M",
	      "--accel")

Test(vmm_cli, accel_unknown_in_environment)
{
	setenv("MEMVISOR_ACCEL", "hvf", 1);
	USAGE_ERROR("MEMVISOR_ACCEL", "'hvf' is not an accelerator", "--mem", "64M");
}

/* --probe-accel: one line "ACCEL: why" on stdout matching @pattern, exit 0. */
static void expect_probe(const char *pattern, char *const args[])
{
	struct vmm_run v;

	run_vmm(&v, args);
	expect_clean_exit(&v);
	EXPECT_RUN(&v, one_line(v.r.out), "want one line on stdout");
	EXPECT_RUN(&v, matches(v.r.out, pattern), pattern);
	expect_nothing_left();
	run_result_free(&v.r);
}

#define EXPECT_PROBE(pattern, ...) \
	expect_probe(pattern, (char *[]){ __VA_ARGS__, NULL })

Test(vmm_cli, probe_accel_forced_kvm)
{
	EXPECT_PROBE("^kvm: --accel kvm: /dev/kvm$", "--probe-accel");
}

Test(vmm_cli, probe_accel_needs_no_mem_and_takes_the_option)
{
	unsetenv("MEMVISOR_ACCEL");
	EXPECT_PROBE("^kvm: --accel kvm: /dev/kvm$", "--probe-accel", "--accel",
		     "kvm");
}

/* Hidden device: nested where the runner can run, else none; never kvm. */
Test(vmm_cli, probe_accel_hidden_kvm)
{
	unsetenv("MEMVISOR_ACCEL");
	setenv("MEMVISOR_KVM_DEV", NO_KVM_DEV, 1);
	EXPECT_PROBE("^(nested: " NO_KVM_DEV " not found; QEMU TCG|none: " NO_KVM_DEV " not found, and the nested runner can't run here)",
		     "--probe-accel");
}

/* Inside the runner its /dev/kvm is used, whatever it costs. */
Test(vmm_cli, probe_accel_inside_runner)
{
	unsetenv("MEMVISOR_ACCEL");
	setenv("MEMVISOR_NESTED_DEPTH", "1", 1);
	EXPECT_PROBE("^kvm: inside the nested runner, its /dev/kvm$",
		     "--probe-accel");
}

/*
 * The real device, measured: natively run, or emulated (then nested, or kvm
 * with a warning), each with the cost of a loop step; or no device at all.
 */
Test(vmm_cli, probe_accel_measures_the_device)
{
	unsetenv("MEMVISOR_ACCEL");
	if (access("/dev/kvm", F_OK))
		EXPECT_PROBE("^(nested|none): /dev/kvm not found", "--probe-accel");
	else
		EXPECT_PROBE("^(kvm: /dev/kvm runs guest kernel code natively \\([0-9.]+ ns per loop step\\)"
			     "|nested: /dev/kvm emulates guest kernel code \\([0-9]+ ns per loop step, about [0-9]+x native\\)"
			     "|kvm: warning: /dev/kvm emulates guest kernel code \\([0-9]+ ns per loop step\\)"
			     "|kvm: /dev/kvm is there, but its speed could not be measured)",
			     "--probe-accel");
}

Test(vmm_cli, probe_accel_nested_without_runner_is_an_error)
{
	struct vmm_run v;

	/* the runner checks for QEMU on PATH: take it away */
	setenv("PATH", "/nonexistent", 1);
	RUN_VMM(&v, "--probe-accel", "--accel", "nested");
	EXPECT_RUN(&v, v.r.status == 1, "want exit status 1 (host error)");
	EXPECT_RUN(&v, !*v.r.out, "want nothing on stdout");
	EXPECT_RUN(&v, one_line(v.r.err) &&
		   matches(v.r.err, "^vmm: --accel nested: the nested runner can't run here: "),
		   "want one line saying the runner can't run");
	run_result_free(&v.r);
}

