// SPDX-License-Identifier: MIT
/* The command line: parsing and validation that needs nothing but argv. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/bootparams.h>
#include <memvisor/control.h>
#include <memvisor/layout.h>

#include "args.h"
#include "size.h"

const char args_usage[] =
"usage: vmm --mem SIZE [options]\n"
"\n"
"Runs the memvisor guest kernel (guestmm, built in) or another x86-64 ELF\n"
"kernel on KVM.\n"
"\n"
"options:\n"
"  --mem SIZE          guest RAM, 64M..1T (required). SIZE is bytes or a\n"
"                      number with K, M, G or T (binary, any case), optionally\n"
"                      followed by B or iB: 256M, 1G, 4096K, 268435456, 0x10000000\n"
"  --cpus N            vCPUs, 1..64 and no more than KVM allows (default 1)\n"
"  --kernel FILE       boot FILE instead of the built-in guestmm\n"
"  --lowmem SIZE       ZONE_NORMAL ends (ZONE_HIGHMEM starts) at this physical\n"
"                      address: 2 MiB aligned, from 16M up to the end of RAM\n"
"                      (default: min(896M, mem/2) rounded down to 2 MiB)\n"
"  --reserve SIZE@ADDR mark guest-physical [ADDR, ADDR+SIZE) reserved in the\n"
"                      e820 map (4 KiB aligned, inside RAM, not over the\n"
"                      kernel image); may be repeated\n"
"  --cmdline STR       append STR to the guest's command line (exit=N: the\n"
"                      built-in guest shuts down with N once booted; without\n"
"                      it or --test, it keeps running until quit, SIGINT or\n"
"                      SIGTERM)\n"
"  --module 'FILE.ko [PARAM=VALUE ...]'\n"
"                      load the module FILE.ko (no space in its name) into\n"
"                      the guest before its vCPUs start, with the parameters\n"
"                      that follow it, as insmod does; may be repeated (at\n"
"                      most 16), loaded in order. A file that cannot be read\n"
"                      is a usage error; a module the guest refuses is\n"
"                      printed and the guest boots on, as Linux does\n"
"  --workload NAME[:KEY=VALUE,...]\n"
"                      start the guest's workload NAME once it has booted\n"
"                      (slab_churn, fragment, kmap_pressure, dma_buffers,\n"
"                      vmalloc_churn; threads=N, seconds=N and each one's\n"
"                      own keys); may be repeated (at most 8). Passed as\n"
"                      workload=...; watch them with vmmctl top\n"
"  --test GLOB         run the in-guest tests matching GLOB (suite.case, '*'\n"
"                      and '?', ',' between globs); passed as ktest=GLOB\n"
"  --timeout SECS      stop the guest after SECS seconds (default 0: never)\n"
"  --control PATH      serve QMP (QEMU's control protocol) on the unix socket\n"
"                      PATH, mode 0600 (default: $XDG_RUNTIME_DIR/memvisor/\n"
"                      vmm-PID.qmp, else /tmp/memvisor-UID/vmm-PID.qmp); vmm\n"
"                      prints it at start. vmmctl talks to it\n"
"  --control-clients N serve at most N control clients at once (1-1024,\n"
"                      default 256); one more gets an error line and the close\n"
"  --paused, -S        start with the vCPUs stopped, as QEMU's -S: `cont` on\n"
"                      the control socket (vmmctl cont) starts them, so a\n"
"                      client misses nothing of the guest's life\n"
"  --check-every MS    check the allocators' invariants every MS milliseconds\n"
"                      (1..3600000), the vCPUs parked at a quiet point; each\n"
"                      violation is a vmm line and a QMP event; a summary\n"
"                      line at exit\n"
"  --check-budget MS   the longest one check keeps the guest parked (1..10000,\n"
"                      default 200); a check that runs out says incomplete\n"
"  --check-stop        on a violation, stop the guest as QMP stop does (cont\n"
"                      goes on)\n"
"  --check-free-pages  each check also reports free pages the guest wrote\n"
"                      since the check before (KVM's dirty log: the guest\n"
"                      runs slower while it is on)\n"
"  --watch-free-pages N each check also write-protects up to N (1..1024) of the\n"
"                      pages freed most recently, so a write to one names its\n"
"                      writer (CPU, RIP, symbol); needs --check-free-pages and\n"
"                      a KVM that says which page a faulting write hit\n"
"  --accel WHICH       auto (default), kvm or nested. auto times a loop of guest\n"
"                      kernel code on /dev/kvm: where KVM runs it natively it\n"
"                      uses KVM; where /dev/kvm is missing, or emulates guest\n"
"                      kernel code (hundreds of times slower), it re-runs this\n"
"                      command inside tools/nested/nested-run (QEMU TCG with a\n"
"                      nested KVM) if that can run here, else uses /dev/kvm\n"
"                      with a warning. MEMVISOR_ACCEL sets the default;\n"
"                      MEMVISOR_KVM_DEV=PATH names another KVM device\n"
"  --probe-accel       print the accelerator auto (or --accel) would choose and\n"
"                      why, as \"kvm|nested|none: reason\", and exit\n"
"  --help              this text\n"
"  --version           the version\n"
"\n"
"Guest-physical layout: RAM from 0; above 3 GiB it continues at 4 GiB.\n"
"Zones: DMA [0, 16M), NORMAL [16M, lowmem), HIGHMEM [lowmem, end).\n"
"\n"
"Output: the guest's console and its test report (TAP) go to stdout; the\n"
"VMM's own messages, register dumps and guest panic reports to stderr.\n"
"\n"
"Exit status:\n"
"  0      also: `quit` on the control socket\n"
"  0-255  the guest's shutdown code (codes 0-63 are the guest's own;\n"
"         0 = success; values above 255 become 255)\n"
"  1      host or setup error (no /dev/kvm, an ioctl or mmap failed)\n"
"  2      usage error (bad arguments, a --kernel that cannot be loaded,\n"
"         a --test GLOB that matches no in-guest test)\n"
"  3      the guest crashed (exception, triple fault, KVM internal error or\n"
"         failed VM entry, unknown I/O port or MMIO address, panic, BUG,\n"
"         assertion outside a test, a malformed hypercall)\n"
"  4      --timeout expired\n"
"  5      in-guest tests failed or went missing (vmm's own count, whatever\n"
"         code the guest gave)\n"
"  130    SIGINT\n"
"  143    SIGTERM\n"
"\n"
"vmm prints one line on stderr naming the accelerator it chose, and why.\n"
"To run vmm nested by hand: tools/nested/nested-run -- vmm/vmm --mem 256M\n";

enum opt_id {
	OPT_MEM, OPT_CPUS, OPT_KERNEL, OPT_LOWMEM, OPT_RESERVE,
	OPT_CMDLINE, OPT_MODULE, OPT_WORKLOAD, OPT_TEST, OPT_TIMEOUT, OPT_CONTROL, OPT_CONTROL_CLIENTS, OPT_PAUSED, OPT_ACCEL,
	OPT_CHECK_EVERY, OPT_CHECK_BUDGET, OPT_CHECK_STOP,
	OPT_CHECK_FREE_PAGES,
	OPT_WATCH_FREE_PAGES,
	OPT_PROBE_ACCEL,
	OPT_HELP, OPT_VERSION,
};

struct opt {
	const char *name;
	enum opt_id id;
	bool has_arg;
};

static const struct opt opts[] = {
	{ "--mem", OPT_MEM, true },
	{ "--cpus", OPT_CPUS, true },
	{ "--kernel", OPT_KERNEL, true },
	{ "--lowmem", OPT_LOWMEM, true },
	{ "--reserve", OPT_RESERVE, true },
	{ "--cmdline", OPT_CMDLINE, true },
	{ "--module", OPT_MODULE, true },
	{ "--workload", OPT_WORKLOAD, true },
	{ "--test", OPT_TEST, true },
	{ "--timeout", OPT_TIMEOUT, true },
	{ "--control", OPT_CONTROL, true },
	{ "--control-clients", OPT_CONTROL_CLIENTS, true },
	{ "--paused", OPT_PAUSED, false },
	{ "-S", OPT_PAUSED, false },
	{ "--accel", OPT_ACCEL, true },
	{ "--check-every", OPT_CHECK_EVERY, true },
	{ "--check-budget", OPT_CHECK_BUDGET, true },
	{ "--check-stop", OPT_CHECK_STOP, false },
	{ "--check-free-pages", OPT_CHECK_FREE_PAGES, false },
	{ "--watch-free-pages", OPT_WATCH_FREE_PAGES, true },
	{ "--probe-accel", OPT_PROBE_ACCEL, false },
	{ "--help", OPT_HELP, false },
	{ "-h", OPT_HELP, false },
	{ "--version", OPT_VERSION, false },
};

static const struct opt *find_opt(const char *arg, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strlen(opts[i].name) == len &&
		    !strncmp(opts[i].name, arg, len))
			return &opts[i];
	return NULL;
}

/* A size for option @opt, with the messages every size option shares. */
static int parse_size_arg(const char *opt, const char *val, uint64_t *out,
			  struct errbuf *e)
{
	int ret = size_parse(val, out);

	if (ret == -ERANGE)
		return errf(e, "vmm: %s: '%s' is too large (does not fit in 64 bits)",
			    opt, val);
	if (ret)
		return errf(e, "vmm: %s: '%s' is not a size (examples: 256M, 1G, 4096K, 268435456)",
			    opt, val);
	return 0;
}

/* Decimal digits only: no sign, no spaces. -EINVAL, or -ERANGE above @max. */
static int parse_uint(const char *val, unsigned int max, unsigned int *out)
{
	unsigned long v = 0;
	const char *p = val;

	if (!*p)
		return -EINVAL;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return -EINVAL;
	for (p = val; *p; p++) {
		v = v * 10 + (*p - '0');
		if (v > max)
			return -ERANGE;
	}
	*out = v;
	return 0;
}

static int check_mem(const char *val, uint64_t mem, struct errbuf *e)
{
	if (!mem)
		return errf(e, "vmm: --mem: the size must not be 0");
	if (mem < VMM_MEM_MIN)
		return errf(e, "vmm: --mem: %s is below the minimum of 64 MiB", val);
	if (mem > VMM_MEM_MAX)
		return errf(e, "vmm: --mem: %s is more than the maximum of 1 TiB",
			    val);
	if (mem % MV_PAGE_SIZE)
		return errf(e, "vmm: --mem: %s is not a multiple of 4 KiB", val);
	return 0;
}

static int parse_mem(const char *val, struct vmm_config *cfg, struct errbuf *e)
{
	uint64_t mem;

	if (parse_size_arg("--mem", val, &mem, e))
		return -1;
	if (check_mem(val, mem, e))
		return -1;
	cfg->mem_size = mem;
	return 0;
}

static int parse_cpus(const char *val, struct vmm_config *cfg, struct errbuf *e)
{
	unsigned int n;
	int ret = parse_uint(val, MV_MAX_CPUS, &n);

	if (ret == -EINVAL)
		return errf(e, "vmm: --cpus: '%s' is not a number", val);
	if (ret == -ERANGE)
		return errf(e, "vmm: --cpus: %s is more than the maximum of %u (MV_MAX_CPUS)",
			    val, MV_MAX_CPUS);
	if (!n)
		return errf(e, "vmm: --cpus: must be at least 1");
	cfg->nr_cpus = n;
	return 0;
}

/* The upper bound needs the RAM layout: memmap checks it. */
static int parse_lowmem(const char *val, struct vmm_config *cfg,
			struct errbuf *e)
{
	uint64_t v;

	if (parse_size_arg("--lowmem", val, &v, e))
		return -1;
	if (v < MV_ZONE_DMA_LIMIT)
		return errf(e, "vmm: --lowmem: %s is below the end of ZONE_DMA (16 MiB)",
			    val);
	if (v % MV_MIB(2))
		return errf(e, "vmm: --lowmem: %s is not a multiple of 2 MiB", val);
	cfg->lowmem = v;
	return 0;
}

static int parse_reserve(const char *val, struct vmm_config *cfg,
			 struct errbuf *e)
{
	struct vmm_reserve *r;
	const char *at = strchr(val, '@');
	char size_str[64];
	size_t n;
	int ret;

	if (cfg->nr_reserves >= VMM_MAX_RESERVES)
		return errf(e, "vmm: --reserve: at most %u ranges", VMM_MAX_RESERVES);
	if (!at || at == val || !at[1])
		return errf(e, "vmm: --reserve: '%s' is not SIZE@ADDR (example: 1M@0x2000000)",
			    val);
	n = at - val;
	if (n >= sizeof(size_str))
		return errf(e, "vmm: --reserve %s: '%.*s' is not a size", val,
			    (int)n, val);
	memcpy(size_str, val, n);
	size_str[n] = '\0';

	r = &cfg->reserves[cfg->nr_reserves];
	ret = size_parse(size_str, &r->size);
	if (ret)
		return errf(e, "vmm: --reserve %s: '%s' is %s", val, size_str,
			    ret == -ERANGE ? "too large" : "not a size");
	ret = size_parse(at + 1, &r->addr);
	if (ret)
		return errf(e, "vmm: --reserve %s: '%s' is %s", val, at + 1,
			    ret == -ERANGE ? "too large" : "not an address");
	if (!r->size)
		return errf(e, "vmm: --reserve %s: the size must not be 0", val);
	if (r->size % MV_PAGE_SIZE || r->addr % MV_PAGE_SIZE)
		return errf(e, "vmm: --reserve %s: size and address must be multiples of 4 KiB",
			    val);
	if (r->addr + r->size < r->addr)
		return errf(e, "vmm: --reserve %s: the range wraps around the address space",
			    val);
	r->spec = val;
	cfg->nr_reserves++;
	return 0;
}

static int parse_test(const char *val, struct vmm_config *cfg, struct errbuf *e)
{
	/* the guest splits its command line at spaces */
	if (!*val || strpbrk(val, " \t\n"))
		return errf(e, "vmm: --test: '%s' must be a non-empty pattern without spaces",
			    val);
	cfg->test_glob = val;
	return 0;
}

static int parse_timeout(const char *val, struct vmm_config *cfg,
			 struct errbuf *e)
{
	int ret = parse_uint(val, VMM_TIMEOUT_MAX, &cfg->timeout);

	if (ret == -EINVAL)
		return errf(e, "vmm: --timeout: '%s' is not a number of seconds",
			    val);
	if (ret == -ERANGE)
		return errf(e, "vmm: --timeout: %s is more than the maximum of %u seconds (a week)",
			    val, VMM_TIMEOUT_MAX);
	return 0;
}

static int parse_control_clients(const char *val, struct vmm_config *cfg,
				 struct errbuf *e)
{
	int ret = parse_uint(val, CONTROL_CLIENTS_MAX, &cfg->control_clients);

	if (ret == -EINVAL)
		return errf(e, "vmm: --control-clients: '%s' is not a number", val);
	if (ret == -ERANGE)
		return errf(e, "vmm: --control-clients: %s is more than the maximum of %u",
			    val, CONTROL_CLIENTS_MAX);
	if (!cfg->control_clients)
		return errf(e, "vmm: --control-clients: must be at least 1");
	return 0;
}

/* --check-every and --check-budget: milliseconds in 1..@max. */
static int parse_ms(const char *opt, const char *val, unsigned int max,
		    unsigned int *ms, struct errbuf *e)
{
	int ret = parse_uint(val, max, ms);

	if (ret == -EINVAL)
		return errf(e, "vmm: %s: '%s' is not a number of milliseconds",
			    opt, val);
	if (ret == -ERANGE || !*ms)
		return errf(e, "vmm: %s: %s is not in 1..%u milliseconds", opt,
			    val, max);
	return 0;
}

static const char *const accel_names[] = {
	[VMM_ACCEL_AUTO] = "auto",
	[VMM_ACCEL_KVM] = "kvm",
	[VMM_ACCEL_NESTED] = "nested",
	[VMM_ACCEL_NONE] = "none",
};

const char *args_accel_name(enum vmm_accel accel)
{
	return accel <= VMM_ACCEL_NONE ? accel_names[accel] : "?";
}

int args_parse_accel(const char *what, const char *val, enum vmm_accel *out,
		     struct errbuf *e)
{
	for (int i = VMM_ACCEL_AUTO; i < VMM_ACCEL_NONE; i++) {
		if (!strcmp(val, accel_names[i])) {
			*out = i;
			return 0;
		}
	}
	return errf(e, "vmm: %s: '%s' is not an accelerator (auto, kvm or nested)",
		    what, val);
}

/* --module 'FILE.ko [PARAM=VALUE ...]': the file to its first space. */
static int parse_module(const char *val, struct vmm_config *cfg,
			struct errbuf *e)
{
	struct vmm_module *m = &cfg->modules[cfg->nr_modules];
	size_t len = strcspn(val, " ");
	const char *params = val + len;

	if (cfg->nr_modules == VMM_MAX_MODULES)
		return errf(e, "vmm: --module: more than %u modules",
			    VMM_MAX_MODULES);
	if (!len)
		return errf(e, "vmm: --module: '%s' names no file", val);
	if (len >= sizeof(m->file))
		return errf(e, "vmm: --module: the file name is too long");
	params += strspn(params, " ");
	if (strlen(params) >= MV_MODULE_PARAMS_MAX)
		return errf(e, "vmm: --module %.*s: the parameters are more than %u bytes",
			    (int)len, val, MV_MODULE_PARAMS_MAX - 1);
	memcpy(m->file, val, len);
	m->file[len] = '\0';
	m->params = params;
	cfg->nr_modules++;
	return 0;
}

/*
 * --workload NAME[:k=v,...]: one word of the guest's command line, so
 * only the characters the guest's parser takes (which names and keys
 * exist is the guest's to say, on its console).
 */
static int parse_workload(const char *val, struct vmm_config *cfg,
			  struct errbuf *e)
{
	size_t name_len = strcspn(val, ":");

	if (cfg->nr_workloads == VMM_MAX_WORKLOADS)
		return errf(e, "vmm: --workload: more than %u workloads",
			    VMM_MAX_WORKLOADS);
	if (!name_len || name_len >= MV_WORKLOAD_NAME_MAX)
		return errf(e, "vmm: --workload '%s': the name must be 1..%u characters",
			    val, MV_WORKLOAD_NAME_MAX - 1);
	if (val[strspn(val, "abcdefghijklmnopqrstuvwxyz0123456789_:=,")])
		return errf(e, "vmm: --workload '%s': only a-z, 0-9, _ and NAME:key=value,... (example: fragment:max_order=5,threads=2)",
			    val);
	if (val[name_len] && strlen(val + name_len + 1) >= MV_WORKLOAD_PARAMS_MAX)
		return errf(e, "vmm: --workload '%s': the parameters are more than %u bytes",
			    val, MV_WORKLOAD_PARAMS_MAX - 1);
	cfg->workloads[cfg->nr_workloads++] = val;
	return 0;
}

static int apply_opt(const struct opt *o, const char *val,
		     struct vmm_config *cfg, struct errbuf *e)
{
	switch (o->id) {
	case OPT_MEM:
		return parse_mem(val, cfg, e);
	case OPT_CPUS:
		return parse_cpus(val, cfg, e);
	case OPT_KERNEL:
		if (!*val)
			return errf(e, "vmm: --kernel: the file name is empty");
		cfg->kernel_path = val;
		return 0;
	case OPT_LOWMEM:
		return parse_lowmem(val, cfg, e);
	case OPT_RESERVE:
		return parse_reserve(val, cfg, e);
	case OPT_CMDLINE:
		cfg->cmdline = val;
		return 0;
	case OPT_MODULE:
		return parse_module(val, cfg, e);
	case OPT_WORKLOAD:
		return parse_workload(val, cfg, e);
	case OPT_TEST:
		return parse_test(val, cfg, e);
	case OPT_TIMEOUT:
		return parse_timeout(val, cfg, e);
	case OPT_CONTROL:
		if (!*val)
			return errf(e, "vmm: --control: the socket path is empty");
		cfg->control = val;
		return 0;
	case OPT_CONTROL_CLIENTS:
		return parse_control_clients(val, cfg, e);
	case OPT_PAUSED:
		cfg->paused = true;
		return 0;
	case OPT_ACCEL:
		cfg->accel_given = true;
		return args_parse_accel("--accel", val, &cfg->accel, e);
	case OPT_PROBE_ACCEL:
		cfg->probe_accel = true;
		return 0;
	case OPT_CHECK_EVERY:
		return parse_ms("--check-every", val, CHECK_EVERY_MAX_MS,
				&cfg->check_every_ms, e);
	case OPT_CHECK_BUDGET:
		return parse_ms("--check-budget", val, CHECK_BUDGET_MAX_MS,
				&cfg->check_budget_ms, e);
	case OPT_CHECK_STOP:
		cfg->check_stop = true;
		return 0;
	case OPT_CHECK_FREE_PAGES:
		cfg->check_free_pages = true;
		return 0;
	case OPT_WATCH_FREE_PAGES:
		if (parse_uint(val, WATCH_FREE_PAGES_MAX, &cfg->watch_free_pages) ||
		    !cfg->watch_free_pages)
			return errf(e, "vmm: --watch-free-pages: '%s' is not a number of pages in 1..%u",
				    val, WATCH_FREE_PAGES_MAX);
		return 0;
	case OPT_HELP:
	case OPT_VERSION:
		break;
	}
	return 0;
}

/* --help and --version win over everything, even over bad arguments. */
static bool scan_help_version(int argc, char **argv, struct vmm_config *cfg)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			cfg->help = true;
		else if (!strcmp(argv[i], "--version"))
			cfg->version = true;
	}
	return cfg->help || cfg->version;
}

int args_parse(int argc, char **argv, struct vmm_config *cfg, struct errbuf *e)
{
	char cmdline[MV_CMDLINE_MAX];
	int i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->nr_cpus = 1;
	cfg->control_clients = CONTROL_CLIENTS_DEFAULT;
	cfg->check_budget_ms = CHECK_BUDGET_DEFAULT_MS;
	if (scan_help_version(argc, argv, cfg))
		return 0;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq, *val = NULL;
		const struct opt *o;

		if (arg[0] != '-')
			return errf(e, "vmm: unexpected argument '%s' (see vmm --help)",
				    arg);
		eq = strchr(arg, '=');
		o = find_opt(arg, eq ? (size_t)(eq - arg) : strlen(arg));
		if (!o)
			return errf(e, "vmm: unknown option '%s' (see vmm --help)",
				    arg);
		if (!o->has_arg && eq)
			return errf(e, "vmm: %s takes no value", o->name);
		if (o->has_arg) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return errf(e, "vmm: %s needs a value", o->name);
		}
		if (apply_opt(o, val, cfg, e))
			return -1;
	}
	if (cfg->probe_accel)
		return 0;
	if (cfg->watch_free_pages && !cfg->check_free_pages)
		return errf(e, "vmm: --watch-free-pages needs --check-free-pages");
	if (!cfg->mem_size)
		return errf(e, "vmm: --mem is required (example: vmm --mem 256M)");
	if (args_guest_cmdline(cfg, cmdline, sizeof(cmdline), e) < 0)
		return -1;
	return 0;
}

int args_check_cpu_limit(const struct vmm_config *cfg, unsigned int kvm_max,
			 struct errbuf *e)
{
	if (cfg->nr_cpus > kvm_max)
		return errf(e, "vmm: --cpus: %u is more than this host's KVM allows (%u)",
			    cfg->nr_cpus, kvm_max);
	return 0;
}

int args_guest_cmdline(const struct vmm_config *cfg, char *buf, size_t len,
		       struct errbuf *e)
{
	const char *sep = "";
	int n;

	if (!len)
		return errf(e, "vmm: --cmdline: no room for a command line");
	buf[0] = '\0';
	n = 0;
	if (cfg->test_glob) {
		n = snprintf(buf, len, "ktest=%s", cfg->test_glob);
		sep = " ";
	}
	for (unsigned int i = 0; i < cfg->nr_workloads && n >= 0 && (size_t)n < len; i++) {
		n += snprintf(buf + n, len - n, "%sworkload=%s", sep,
			      cfg->workloads[i]);
		sep = " ";
	}
	if (n >= 0 && (size_t)n < len && cfg->cmdline && *cfg->cmdline)
		n += snprintf(buf + n, len - n, "%s%s", sep, cfg->cmdline);
	if (n < 0 || (size_t)n >= len) {
		buf[0] = '\0';
		return errf(e, "vmm: --cmdline: the guest command line is %d bytes, more than the maximum of %zu",
			    n, len - 1);
	}
	return n;
}

/* Characters a POSIX shell leaves alone in a word. */
static bool shell_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_@%+=:,./-", *s))
			return false;
	return true;
}

static int append(char *buf, size_t len, size_t *pos, const char *s, size_t n)
{
	if (*pos + n >= len)
		return -1;
	memcpy(buf + *pos, s, n);
	*pos += n;
	buf[*pos] = '\0';
	return 0;
}

static int append_quoted(char *buf, size_t len, size_t *pos, const char *s)
{
	if (shell_safe(s))
		return append(buf, len, pos, s, strlen(s));
	if (append(buf, len, pos, "'", 1))
		return -1;
	for (; *s; s++) {
		int ret = *s == '\'' ? append(buf, len, pos, "'\\''", 4)
				     : append(buf, len, pos, s, 1);
		if (ret)
			return -1;
	}
	return append(buf, len, pos, "'", 1);
}

int args_shell_join(int argc, char **argv, char *buf, size_t len)
{
	size_t pos = 0;
	int i;

	if (!len)
		return -1;
	buf[0] = '\0';
	for (i = 0; i < argc; i++) {
		if (i && append(buf, len, &pos, " ", 1))
			return -1;
		if (append_quoted(buf, len, &pos, argv[i]))
			return -1;
	}
	return pos;
}
