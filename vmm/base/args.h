/* SPDX-License-Identifier: MIT */
/*
 * The command line, parsed into a struct vmm_config. Pure: nothing here
 * touches KVM, files or memory, so every rule is unit-tested. Checks that
 * need the host (KVM's vCPU limit, what mmap can reserve) or the memory map
 * (--lowmem, --reserve against RAM) are made later, with the same message
 * style: one line, "vmm: --OPTION: what was wrong", exit status 2.
 */
#ifndef VMM_ARGS_H
#define VMM_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <limits.h>

#include <memvisor/layout.h>
#include <memvisor/module.h>
#include <memvisor/workload.h>

#include "err.h"

#define VMM_MEM_MIN		MV_MIB(64)
#define VMM_MEM_MAX		(MV_GIB(1) << 10)	/* 1 TiB */
#define VMM_MAX_RESERVES	128
#define VMM_TIMEOUT_MAX		(7 * 24 * 3600)	/* a week: beyond that, a typo */

enum vmm_accel {
	VMM_ACCEL_AUTO,		/* measure: see accel/accel.h */
	VMM_ACCEL_KVM,		/* this host's KVM device */
	VMM_ACCEL_NESTED,	/* KVM inside QEMU TCG (tools/nested/nested-run) */
	VMM_ACCEL_NONE,		/* auto found neither */
};

struct vmm_reserve {
	uint64_t addr;
	uint64_t size;
	const char *spec;	/* the argument as typed, for messages */
};

/* --module 'FILE.ko [PARAM=VALUE ...]': the file, then its parameters. */
struct vmm_module {
	char file[PATH_MAX];
	const char *params;	/* in the argument; "" when none */
};

#define VMM_MAX_MODULES		MV_MODULE_QUEUE_MAX
#define VMM_MAX_WORKLOADS	MV_WORKLOAD_MAX

#define CHECK_EVERY_MAX_MS	3600000U	/* an hour */
#define CHECK_BUDGET_MAX_MS	10000U
#define WATCH_FREE_PAGES_MAX	1024U	/* --watch-free-pages: ~4 us a page each way */
#define CHECK_BUDGET_DEFAULT_MS	200U

struct vmm_config {
	uint64_t mem_size;
	unsigned int nr_cpus;
	const char *kernel_path;	/* NULL: the embedded guestmm */
	uint64_t lowmem;		/* 0: the default limit */
	struct vmm_reserve reserves[VMM_MAX_RESERVES];
	unsigned int nr_reserves;
	const char *cmdline;		/* --cmdline, appended */
	const char *test_glob;		/* --test, as ktest=GLOB */
	struct vmm_module modules[VMM_MAX_MODULES];	/* loaded at boot */
	unsigned int nr_modules;
	/* --workload NAME[:k=v,...], passed as workload=... (checked words) */
	const char *workloads[VMM_MAX_WORKLOADS];
	unsigned int nr_workloads;
	unsigned int timeout;		/* seconds, 0 = none */
	const char *control;		/* --control PATH; NULL: the default */
	unsigned int control_clients;	/* --control-clients N (default 256) */
	enum vmm_accel accel;
	bool accel_given;		/* --accel on the command line */
	bool probe_accel;		/* --probe-accel: say, don't boot */
	bool paused;			/* --paused (-S): wait for cont */
	unsigned int check_every_ms;	/* --check-every MS; 0: no periodic check */
	unsigned int check_budget_ms;	/* --check-budget MS: parked time a check may take */
	bool check_stop;		/* --check-stop: stop the guest on a violation */
	bool check_free_pages;		/* --check-free-pages: watch free pages */
	unsigned int watch_free_pages;	/* --watch-free-pages N: write-protected */
	bool help;
	bool version;
};

/*
 * Parses argv[1..argc-1]. Returns 0, or -1 with the message in @e. When
 * --help, --version or --probe-accel is given the rest is not validated
 * (no --mem needed).
 */
int args_parse(int argc, char **argv, struct vmm_config *cfg,
	       struct errbuf *e);

/*
 * An accelerator name (auto, kvm, nested) for @what (the option, or the
 * environment variable that gave it).
 */
int args_parse_accel(const char *what, const char *val, enum vmm_accel *out,
		     struct errbuf *e);

/* The accelerator's name. */
const char *args_accel_name(enum vmm_accel accel);

/* --cpus against KVM's own limit, known only once /dev/kvm is open. */
int args_check_cpu_limit(const struct vmm_config *cfg, unsigned int kvm_max,
			 struct errbuf *e);

/*
 * The guest's command line: "ktest=GLOB" (if --test), "workload=SPEC"
 * for each --workload, then --cmdline.
 * Returns its length, or -1 with a message when it does not fit in @len
 * bytes (NUL included).
 */
int args_guest_cmdline(const struct vmm_config *cfg, char *buf, size_t len,
		       struct errbuf *e);

/*
 * argv as one shell-quoted command line (for "run it nested with: ...").
 * Returns the length, or -1 if it does not fit.
 */
int args_shell_join(int argc, char **argv, char *buf, size_t len);

/* The --help text. */
extern const char args_usage[];

#endif
