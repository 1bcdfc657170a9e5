// SPDX-License-Identifier: MIT
/*
 * vmm: runs the memvisor guest kernel on KVM.
 *
 * main() turns the command line into a configuration, checks everything it
 * can before touching KVM (so usage errors come first, even on a host
 * without /dev/kvm), builds the VM, runs it and turns the way it ended into
 * the exit status (table in exitstatus.h and in `vmm --help`).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accel.h"
#include "args.h"
#include "boot.h"
#include "console.h"
#include "control.h"
#include "control/check_cmds.h"
#include "control/check_uaf.h"
#include "control/mm_layout.h"
#include "devices.h"
#include "exitstatus.h"
#include "guest_image.h"
#include "hypercall.h"
#include "ktestlog.h"
#include "kvm.h"
#include "loader.h"
#include "memmap.h"
#include "modq.h"
#include "vcpu.h"
#include "vm.h"

#define KERNEL_FILE_MAX		MV_MIB(512)
#define BUILTIN_NAME		"guestmm.elf (built in)"

struct kernel_file {
	const unsigned char *data;
	size_t len;
	const char *name;
	void *owned;
};

/*
 * The whole regular file @path for option @opt (messages say "vmm: OPT
 * PATH: ..."), at most @max bytes (else "too large for @what"), into
 * *@buf (malloc'd) and *@len.
 */
static int read_file(const char *opt, const char *path, uint64_t max,
		     const char *what, void **buf, size_t *len,
		     struct errbuf *e)
{
	struct stat st;
	size_t done = 0;
	int fd, ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errf(e, "vmm: %s %s: %s", opt, path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		errf(e, "vmm: %s %s: not a regular file", opt, path);
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		errf(e, "vmm: %s %s: %lld bytes is too large for %s", opt,
		     path, (long long)st.st_size, what);
		goto out;
	}
	*buf = malloc(st.st_size ? st.st_size : 1);
	if (!*buf) {
		errf(e, "vmm: %s %s: out of memory", opt, path);
		goto out;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, (char *)*buf + done, st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			errf(e, "vmm: %s %s: read: %s", opt, path,
			     n ? strerror(errno) : "unexpected end of file");
			goto out;
		}
		done += n;
	}
	*len = done;
	ret = 0;
out:
	close(fd);
	return ret;
}

static int read_kernel(const char *path, struct kernel_file *kf,
		       struct errbuf *e)
{
	kf->name = path;
	if (read_file("--kernel", path, KERNEL_FILE_MAX, "a kernel",
		      &kf->owned, &kf->len, e))
		return -1;
	kf->data = kf->owned;
	return 0;
}

/* --module's files, read before anything starts: a bad one is a usage error. */
struct module_file {
	void *data;
	size_t len;
};

static struct module_file module_files[VMM_MAX_MODULES];

static int read_modules(const struct vmm_config *cfg, struct errbuf *e)
{
	for (unsigned int i = 0; i < cfg->nr_modules; i++) {
		const char *path = cfg->modules[i].file;
		struct module_file *f = &module_files[i];

		if (read_file("--module", path, MV_MODULE_IMAGE_MAX,
			      "a module", &f->data, &f->len, e))
			return -1;
		if (!f->len)
			return errf(e, "vmm: --module %s: empty file", path);
	}
	return 0;
}

/* Queues them for the guest's loader, in order, before the vCPUs start. */
static int queue_modules(struct modq *q, const struct vmm_config *cfg,
			 struct errbuf *e)
{
	struct errbuf qe;
	uint64_t id;

	for (unsigned int i = 0; i < cfg->nr_modules; i++) {
		const struct vmm_module *m = &cfg->modules[i];
		const char *base = strrchr(m->file, '/');
		struct module_file *f = &module_files[i];
		int ret = modq_add_load(q, base ? base + 1 : m->file,
					f->data, f->len, m->params, true,
					&id, &qe);

		free(f->data);
		f->data = NULL;
		if (ret)
			return errf(e, "vmm: --module %s: %s", m->file, qe.msg);
	}
	return 0;
}

static int get_kernel(const struct vmm_config *cfg, struct kernel_file *kf,
		      struct errbuf *e)
{
	memset(kf, 0, sizeof(*kf));
	if (cfg->kernel_path)
		return read_kernel(cfg->kernel_path, kf, e);
	kf->name = BUILTIN_NAME;
	kf->data = guestmm_image_start;
	kf->len = guestmm_image_end - guestmm_image_start;
	if (!kf->len)
		return errf(e, "vmm: this vmm was built without a guest kernel; use --kernel FILE");
	return 0;
}

/* Host limits known only once /dev/kvm is open: usage errors too. */
static int check_host_limits(struct vm *vm, const struct vmm_config *cfg,
			     struct errbuf *e)
{
	unsigned int bits = kvm_guest_phys_bits(vm);

	if (args_check_cpu_limit(cfg, kvm_max_vcpus(vm), e))
		return -1;
	if (bits < 64 && vm->mm->ram_end > (1ULL << bits))
		return errf(e, "vmm: --mem: RAM would end at 0x%" PRIx64 ", beyond the %u-bit guest-physical address space this host's KVM offers",
			    vm->mm->ram_end, bits);
	return 0;
}

/* Everything between an open /dev/kvm and runnable vCPUs. */
static int build_vm(struct vm *vm, const struct kernel_file *kf,
		    const struct kernel_image *k, const char *cmdline,
		    struct errbuf *e)
{
	unsigned int i;

	if (kvm_create_vm(vm, e) || kvm_create_vcpus(vm, e))
		return -1;
	if (elf_load(kf->data, kf->len, kf->name, &vm->gmem, e))
		return -1;
	if (boot_write(&vm->gmem, vm->mm, k, &vm->boot, cmdline,
		       kvm_tsc_khz(vm), e))
		return -1;
	for (i = 0; i < vm->nr_cpus; i++)
		if (kvm_init_vcpu(&vm->vcpu[i], &vm->boot, e))
			return -1;
	if (hypercall_register(vm))
		return errf(e, "vmm: cannot register the hypercall ports");
	return devices_create(vm, &control_devices, e);
}

static void *signal_thread(void *arg)
{
	struct vm *vm = arg;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigwait(&set, &sig))
		return NULL;
	/* main cancels this thread at the end: never while it holds a lock */
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	if (!vm_ended(vm))
		console_err("vmm: %s: stopping the guest\n",
			    sig == SIGINT ? "SIGINT" : "SIGTERM");
	vm_end(vm, VM_END_SIGNAL,
	       sig == SIGINT ? VMM_EXIT_SIGINT : VMM_EXIT_SIGTERM);
	return NULL;
}

/* SIGINT and SIGTERM go to one thread only: every other thread blocks them. */
static void block_stop_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/*
 * A guest that hangs, or dies in a way only KVM sees (triple fault, KVM
 * internal error, failed VM entry), says nothing: show where each vCPU was. The vCPU threads have left KVM_RUN (the end kicked them), so their
 * state is final and may be read from here.
 */
static void dump_stopped_vcpus(struct vm *vm, const char *when)
{
	FILE *f = console_lock_err();
	unsigned int i;

	fprintf(f, "vmm: vCPU state %s:\n", when);
	for (i = 0; i < vm->nr_cpus; i++) {
		if (vm->vcpu[i].has_thread && vm->vcpu[i].started)
			vcpu_dump_stopped(f, &vm->vcpu[i]);
		else
			fprintf(f, "  vCPU %u: never ran (the guest did not start it)\n",
				i);
	}
	console_unlock();
}


_Static_assert(MV_SHUTDOWN_TESTS_FAILED == VMM_EXIT_TESTS &&
	       MV_SHUTDOWN_NO_TESTS == VMM_EXIT_USAGE,
	       "the guest's test codes are vmm's own statuses");

/*
 * The VMM's own count of the in-guest tests decides, whatever code the
 * guest shut down with: failed or missing tests give VMM_EXIT_TESTS, globs
 * that matched nothing are a usage error.
 */
static int tests_status(struct vm *vm, int status, const char *glob)
{
	enum ktestlog_verdict v;
	FILE *f = console_lock_err();

	v = ktestlog_verdict(vm->tests, f);
	console_unlock();
	if (v == KTESTLOG_FAILED)
		return VMM_EXIT_TESTS;
	if (v != KTESTLOG_NONE_MATCHED)
		return status;
	if (glob)
		console_err("vmm: --test '%s' matches no in-guest test (list them with --cmdline ktest=list)\n",
			    glob);
	else
		console_err("vmm: the guest's ktest= matches no in-guest test\n");
	return VMM_EXIT_USAGE;
}

static int final_status(struct vm *vm, enum vm_end end,
			const struct vmm_config *cfg)
{
	int status = vm->status;

	if (end == VM_END_TIMEOUT) {
		console_err("vmm: timeout: the guest was still running after %u s; stopped it\n",
			    cfg->timeout);
		dump_stopped_vcpus(vm, "at the timeout");
	} else if (vm->dump_vcpus) {
		dump_stopped_vcpus(vm, "after the crash");
	}
	if (end == VM_END_GUEST)
		status = tests_status(vm, status, cfg->test_glob);
	if (vm->warnings)
		console_err("vmm: the guest reported %lu warning%s\n",
			    vm->warnings, vm->warnings == 1 ? "" : "s");
	return status;
}

/* Runs the VM to its end; returns the exit status. */
static int run(struct vm *vm, const struct vmm_config *cfg)
{
	struct errbuf e;
	pthread_t sigthr;
	enum vm_end end;
	int ret;

	/*
	 * Stopped before the socket exists: a client's `cont` that came
	 * between the two was taken as "already running", and the stop that
	 * followed it was never lifted (a guest that never ran).
	 */
	if (cfg->paused)
		vm_start_stopped(vm);
	if (control_start(vm, cfg->control, cfg->control_clients, &e)) {
		console_err("%s\n", e.msg);
		return VMM_EXIT_HOST;
	}
	ret = pthread_create(&sigthr, NULL, signal_thread, vm);
	if (ret) {
		console_err("vmm: cannot start the signal thread: %s\n",
			    strerror(ret));
		return VMM_EXIT_HOST;
	}
	if (devices_start(vm, &e)) {
		console_err("%s\n", e.msg);
		return VMM_EXIT_HOST;
	}
	check_configure(&(struct check_config){
		.budget_ns = cfg->check_budget_ms * 1000000ULL,
		.stop = cfg->check_stop,
		.free_pages = cfg->check_free_pages });
	if (cfg->watch_free_pages)
		uaf_vm_watch_writes(vm, cfg->watch_free_pages);
	if (cfg->check_every_ms &&
	    check_periodic_start(vm, cfg->check_every_ms, &e)) {
		console_err("%s\n", e.msg);
		return VMM_EXIT_HOST;
	}
	/* on failure the VM has already ended with VMM_EXIT_HOST */
	if (vcpu_start_threads(vm, &e))
		console_err("%s\n", e.msg);
	end = vm_wait_end(vm, cfg->timeout);
	check_periodic_stop();
	uaf_vm_watch_summary();
	vcpu_join_threads(vm);
	control_announce_end(vm, end);
	pthread_cancel(sigthr);
	pthread_join(sigthr, NULL);
	return final_status(vm, end, cfg);
}

static struct memmap mm;
static struct vm vm;
static struct ktestlog tests;
static struct mm_layout layout;

/*
 * Resolves the inspector's layouts from the image's DWARF, in a child
 * process: what reading it costs (libdw's heap, the debug sections paged
 * in, about 1.5 MiB at the peak) never joins vmm's resident size.
 */
static int load_layout(const struct kernel_file *kf, struct errbuf *e)
{
	if (mm_layout_load_apart(kf->data, kf->len, kf->name, &layout, e))
		return -1;
	vm.layout = &layout;
	return 0;
}

/*
 * Everything that can be checked without KVM, so usage errors come first,
 * even on a host without /dev/kvm. Returns 0 or VMM_EXIT_USAGE.
 */
static int prepare(const struct vmm_config *cfg, char *cmdline,
		   struct kernel_file *kf, struct kernel_image *k)
{
	struct errbuf e;

	if (memmap_build(&mm, cfg->mem_size, cfg->lowmem, cfg->reserves,
			 cfg->nr_reserves, &e) ||
	    args_guest_cmdline(cfg, cmdline, MV_CMDLINE_MAX, &e) < 0 ||
	    get_kernel(cfg, kf, &e) || read_modules(cfg, &e) ||
	    elf_check(kf->data, kf->len, kf->name, &mm, k, &e) ||
	    boot_place(&mm, k, cfg->nr_cpus, &vm.boot, &e) ||
	    gmem_map_ram(&vm.gmem, &mm, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return VMM_EXIT_USAGE;
	}
	/* names for crash reports and callers: useful, not needed */
	if (ksyms_load(&vm.ksyms, kf->data, kf->len, &e))
		fprintf(stderr, "vmm: %s: %s; addresses stay unnamed\n", kf->name, e.msg);
	/* a memory manager the inspector cannot read is the image's fault */
	if (load_layout(kf, &e)) {
		fprintf(stderr, "vmm: %s\n", e.msg);
		return VMM_EXIT_USAGE;
	}
	return 0;
}

/* MEMVISOR_ACCEL gives the default --accel. 0 or VMM_EXIT_USAGE. */
static int accel_from_env(struct vmm_config *cfg)
{
	const char *val = getenv(ACCEL_ENV);
	struct errbuf e;

	if (cfg->accel_given || !val || !*val)
		return 0;
	if (!args_parse_accel(ACCEL_ENV, val, &cfg->accel, &e))
		return 0;
	fprintf(stderr, "%s\n", e.msg);
	return VMM_EXIT_USAGE;
}

/* --probe-accel: "kvm|nested|none: why" on stdout. */
static int probe_accel(const struct vmm_config *cfg)
{
	struct accel_choice c;
	struct errbuf e;

	if (accel_choose(cfg->accel, &c, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return VMM_EXIT_HOST;
	}
	printf("%s: %s\n", args_accel_name(c.kind), c.why);
	return VMM_EXIT_OK;
}

/*
 * Picks the accelerator and says which, on one stderr line. For nested it
 * re-executes this command inside the runner and returns only on failure.
 * Returns 0 (go on with KVM) or the exit status.
 */
/* The host files the nested runner must show inside: --kernel's, --module's. */
static const char **nested_files(const struct vmm_config *cfg,
				 const char **files)
{
	unsigned int n = 0;

	if (cfg->kernel_path)
		files[n++] = cfg->kernel_path;
	for (unsigned int i = 0; i < cfg->nr_modules; i++)
		files[n++] = cfg->modules[i].file;
	files[n] = NULL;
	return files;
}

/*
 * --test runs tell the guest which accelerator runs it (accel=NAME), for
 * the bench table's header. No room left on the command line: not told.
 */
static void tell_guest_accel(const struct vmm_config *cfg, char *cmdline)
{
	size_t n = strlen(cmdline);
	char name[64];
	int len;

	if (!cfg->test_glob)
		return;
	accel_name(name, sizeof(name));
	len = snprintf(cmdline + n, MV_CMDLINE_MAX - n, "%saccel=%s",
		       n ? " " : "", name);
	if (len < 0 || (size_t)len >= MV_CMDLINE_MAX - n)
		cmdline[n] = '\0';
}

static int start_accel(const struct vmm_config *cfg, int argc, char **argv,
		       char *cmdline)
{
	const char *files[VMM_MAX_MODULES + 2];
	struct accel_choice c;
	struct errbuf e;
	char control[256];

	if (accel_choose(cfg->accel, &c, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return VMM_EXIT_HOST;
	}
	fprintf(stderr, "vmm: accelerator %s: %s\n", args_accel_name(c.kind),
		c.why);
	if (c.kind != VMM_ACCEL_NESTED) {
		tell_guest_accel(cfg, cmdline);
		return 0;	/* KVM; for none, kvm_open explains */
	}
	/* the runner serves the socket on this host and forwards it inside */
	if (control_host_path(cfg->control, control, sizeof(control), &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return VMM_EXIT_HOST;
	}
	fflush(NULL);
	nested_reexec(argc, argv, cfg->nr_cpus, nested_files(cfg, files),
		      control, &e);
	fprintf(stderr, "%s\n", e.msg);
	return VMM_EXIT_HOST;
}

/* Opens KVM and builds the VM. Returns 0 or the exit status. */
static int setup(const struct vmm_config *cfg, int argc, char **argv,
		 const struct kernel_file *kf, const struct kernel_image *k,
		 const char *cmdline)
{
	struct errbuf e;

	if (vcpu_setup_kick_signal(&e))
		goto host_error;
	if (kvm_open(&vm, accel_kvm_dev(), argc, argv))
		return VMM_EXIT_HOST;	/* kvm_open said why */
	if (kvm_check(&vm, &e))
		goto host_error;
	if (check_host_limits(&vm, cfg, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return VMM_EXIT_USAGE;
	}
	if (build_vm(&vm, kf, k, cmdline, &e))
		goto host_error;
	if (queue_modules(vm.modules, cfg, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return VMM_EXIT_USAGE;
	}
	return 0;

host_error:
	fprintf(stderr, "%s\n", e.msg);
	return VMM_EXIT_HOST;
}

int main(int argc, char **argv)
{
	char cmdline[MV_CMDLINE_MAX];
	struct kernel_image k;
	struct kernel_file kf = { 0 };
	struct vmm_config cfg;
	struct errbuf e;
	int status;

	if (args_parse(argc, argv, &cfg, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return VMM_EXIT_USAGE;
	}
	if (cfg.help) {
		fputs(args_usage, stdout);
		return VMM_EXIT_OK;
	}
	if (cfg.version) {
		printf("vmm (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return VMM_EXIT_OK;
	}

	status = accel_from_env(&cfg);
	if (status)
		return status;
	if (cfg.probe_accel)
		return probe_accel(&cfg);

	vm_init(&vm, &mm, cfg.nr_cpus);
	ktestlog_init(&tests);
	vm.tests = &tests;
	status = prepare(&cfg, cmdline, &kf, &k);
	if (!status)
		status = start_accel(&cfg, argc, argv, cmdline);
	if (!status) {
		/* before any thread exists, so that every thread inherits it */
		block_stop_signals();
		status = setup(&cfg, argc, argv, &kf, &k, cmdline);
	}
	if (!status)
		status = run(&vm, &cfg);
	control_stop(&vm);
	devices_destroy(&vm);	/* its thread touches guest memory */

	kvm_close(&vm);
	gmem_release(&vm.gmem);
	vm_destroy(&vm);
	ktestlog_free(&tests);
	free(kf.owned);
	for (unsigned int i = 0; i < VMM_MAX_MODULES; i++)
		free(module_files[i].data);
	return status;
}
