// SPDX-License-Identifier: MIT
/*
 * vmmctl dma: the DMA engine's state, counters and last faults (query-dma),
 * in the style of a driver's debugfs file.
 */
#include "fmt.h"

static const char *const counters[] = {
	"completed", "rejected", "faults", "bad-accesses", "interrupts",
	"bytes", "chains", "descriptors", "owner-checks", "owner-pages",
	"object-checks", "owner-look-ns", "object-look-ns",
};

/* "; object 0x... (64 bytes of kmalloc-64) cpu-cache": the latest look. */
static void fmt_dma_object(FILE *out, json_t *f)
{
	json_t *o = json_object_get(f, "object-at-transfer");

	if (!o)
		o = json_object_get(f, "object-at-submit");
	if (!json_is_object(o))
		return;
	fprintf(out, "; object %s (%lld bytes of %s) %s%s",
		fmt_str(o, "addr", "?"), fmt_int(o, "size"),
		fmt_str(o, "cache-name", "?"), fmt_str(o, "state", "?"),
		json_is_true(json_object_get(o, "never-written")) ?
		", never written" : "");
}

int fmt_dma(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *c = json_object_get(ret, "counters"), *regs, *faults, *f;
	const char *k;
	json_t *v;
	size_t i;

	faults = fmt_array(ret, "faults", e);
	if (!faults)
		return -1;
	fprintf(out, "dmadev at %s, DMA mask %s: %s%s\n",
		fmt_str(ret, "mmio", "?"), fmt_str(ret, "dma-mask", "?"),
		fmt_str(ret, "state", "?"),
		json_is_true(json_object_get(ret, "busy")) ? " (busy)" : "");
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
		fprintf(out, "  %-13s %lld\n", counters[i],
			json_is_object(c) ? fmt_int(c, counters[i]) : 0);
	fprintf(out, "  %-13s %.3f ms\n", "thread cpu",
		fmt_int(ret, "thread-cpu-ns") / 1e6);
	regs = json_object_get(ret, "regs");
	if (json_is_object(regs)) {
		fprintf(out, "registers:\n");
		json_object_foreach(regs, k, v)
			fprintf(out, "  %-13s %s\n", k,
				json_is_string(v) ? json_string_value(v) : "?");
	}
	fprintf(out, "last faults (%zu):\n", json_array_size(faults));
	json_array_foreach(faults, i, f) {
		fprintf(out, "  #%lld %s [%s+%#llx) %s", fmt_int(f, "seq"),
			fmt_str(f, "op", "?"), fmt_str(f, "addr", "?"),
			(unsigned long long)fmt_int(f, "len"),
			fmt_str(f, "reason", "?"));
		if (json_object_get(f, "owner-at-submit"))
			fprintf(out, ": owner at submit %s, now %s",
				fmt_str(f, "owner-at-submit", "?"),
				fmt_str(f, "owner-now", "?"));
		fmt_dma_object(out, f);
		fputc('\n', out);
	}
	return 0;
}
