// SPDX-License-Identifier: MIT
/*
 * The command line: args_parse on an argv split from the input at NUL and
 * newline bytes (argv[0] is "vmm"), then, as main() goes on, memmap_build
 * from what it accepted; size_parse on the whole input as one string.
 * Checked: an accepted configuration is within every documented bound,
 * its guest command line fits, and a parsed size reads back the same in
 * decimal and in hex.
 */
#include <errno.h>
#include <inttypes.h>

#include <memvisor/bootparams.h>

#include "args.h"
#include "fuzz.h"
#include "memmap.h"
#include "size.h"

#define MAX_ARGS	64

static void check_size(const char *s)
{
	char buf[32];
	uint64_t v, w;
	int ret = size_parse(s, &v);

	FUZZ_CHECK(!ret || ret == -EINVAL || ret == -ERANGE, "size_parse %d",
		   ret);
	if (ret)
		return;
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	FUZZ_CHECK(!size_parse(buf, &w) && w == v, "%s -> %s", s, buf);
	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	FUZZ_CHECK(!size_parse(buf, &w) && w == v, "%s -> %s", s, buf);
	size_format(v, buf, sizeof(buf));
}

static void check_config(const struct vmm_config *cfg)
{
	char cmdline[MV_CMDLINE_MAX];
	struct memmap *mm;
	struct errbuf e;

	if (cfg->help || cfg->version || cfg->probe_accel)
		return;
	FUZZ_CHECK(cfg->mem_size >= VMM_MEM_MIN && cfg->mem_size <= VMM_MEM_MAX &&
		   !(cfg->mem_size % MV_PAGE_SIZE), "--mem %" PRIu64,
		   cfg->mem_size);
	FUZZ_CHECK(cfg->nr_cpus >= 1 && cfg->nr_cpus <= MV_MAX_CPUS,
		   "--cpus %u", cfg->nr_cpus);
	FUZZ_CHECK(!cfg->lowmem || (cfg->lowmem >= MV_ZONE_DMA_LIMIT &&
				    !(cfg->lowmem % MV_MIB(2))),
		   "--lowmem %" PRIu64, cfg->lowmem);
	FUZZ_CHECK(cfg->timeout <= VMM_TIMEOUT_MAX, "--timeout %u",
		   cfg->timeout);
	FUZZ_CHECK(cfg->nr_reserves <= VMM_MAX_RESERVES, "%u reserves",
		   cfg->nr_reserves);
	for (unsigned int i = 0; i < cfg->nr_reserves; i++) {
		const struct vmm_reserve *r = &cfg->reserves[i];

		FUZZ_CHECK(r->size && !(r->size % MV_PAGE_SIZE) &&
			   !(r->addr % MV_PAGE_SIZE) &&
			   r->addr + r->size > r->addr,
			   "--reserve %s", r->spec);
	}
	FUZZ_CHECK(args_guest_cmdline(cfg, cmdline, sizeof(cmdline), &e) >= 0,
		   "accepted, but: %s", e.msg);
	FUZZ_CHECK(strlen(cmdline) < sizeof(cmdline), "cmdline");

	/* main() goes on with the layout: its messages name an option */
	mm = malloc(sizeof(*mm));
	FUZZ_CHECK(mm, "out of memory");
	if (memmap_build(mm, cfg->mem_size, cfg->lowmem, cfg->reserves,
			 cfg->nr_reserves, &e))
		FUZZ_CHECK(!strncmp(e.msg, "vmm: --", 7), "memmap: %s", e.msg);
	free(mm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 1], *buf, *p, *end, joined[4096];
	struct vmm_config *cfg;
	struct errbuf e;
	int argc = 1;

	buf = malloc(size + 1);
	cfg = malloc(sizeof(*cfg));
	FUZZ_CHECK(buf && cfg, "out of memory");
	memcpy(buf, data, size);
	buf[size] = '\0';
	check_size(buf);	/* up to the first NUL */

	argv[0] = "vmm";
	for (p = buf, end = buf + size; p <= end && argc < MAX_ARGS; argc++) {
		char *q = p;

		while (q < end && *q && *q != '\n')
			q++;
		*q = '\0';
		argv[argc] = p;
		p = q + 1;
	}
	argv[argc] = NULL;

	if (args_parse(argc, argv, cfg, &e))
		FUZZ_CHECK(!strncmp(e.msg, "vmm: ", 5), "message: %s", e.msg);
	else
		check_config(cfg);
	args_shell_join(argc, argv, joined, sizeof(joined));
	free(cfg);
	free(buf);
	return 0;
}
