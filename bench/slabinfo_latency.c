// SPDX-License-Identifier: MIT
/*
 * slabinfo_latency: __org.memvisor_query-slabinfo round trips (request to
 * reply, over the socket) while the guest's slabinsp.stress case kmallocs
 * and kfrees without pause. Each query parks the vCPUs, walks every cache's
 * slab lists and magazines, and lets them go. Prints the median and p99
 * and the accelerator vmm chose (its --probe-accel line; SLABINSP_ACCEL
 * forces one, e.g. kvm; SLABINSP_SHOW=1 prints each inconsistency found).
 * The vCPUs stop wherever they are, possibly inside a slab critical
 * section: an inconsistency then is a torn update the guest was making.
 *
 *	bench/slabinfo_latency [QUERIES] [MEM]	(default 200, 256M)
 */
#include <stdio.h>
#include <stdlib.h>

#include "../tests/integration/vmm_qmp.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	const char *mem = argc > 2 ? argv[2] : "256M";
	const char *accel = getenv("SLABINSP_ACCEL");
	double *t = calloc(n > 0 ? n : 1, sizeof(double));
	unsigned long caches = 0, incons = 0;
	struct vq v;
	int done = 0;

	if (n <= 0 || !t)
		return 2;
	if (vq_start(&v, mem, "slabinsp.stress", NULL) ||
	    vq_wait_for(&v, "slabinsp: stress running", 120) ||
	    vq_connect(&v)) {
		fprintf(stderr, "slabinfo_latency: the guest did not start:\n%s\n",
			v.log ? v.log : "");
		return 1;
	}
	for (; done < n; done++) {
		double t0 = vq_now();
		json_t *r = vq_cmd(&v, "__org.memvisor_query-slabinfo", NULL);

		t[done] = vq_now() - t0;
		if (!r)
			break;
		caches = json_array_size(json_object_get(r, "caches"));
		incons += json_array_size(json_object_get(r, "inconsistencies"));
		if (getenv("SLABINSP_SHOW") && json_array_size(json_object_get(r, "inconsistencies"))) {
			char *s = json_dumps(json_object_get(r, "inconsistencies"), 0);

			fprintf(stderr, "%s\n", s);
			free(s);
		}
		json_decref(r);
	}
	vq_wait_for(&v, "\n", 0);
	vq_stop(&v);
	if (!done)
		return 1;
	qsort(t, done, sizeof(double), cmp);
	printf("query-slabinfo under slabinsp.stress, --mem %s, accel %s: %d queries, %lu caches\n",
	       mem, accel ? accel : "auto (see vmm --probe-accel)", done, caches);
	printf("  median %.3f ms  p99 %.3f ms  max %.3f ms  inconsistencies %lu\n",
	       t[done / 2] * 1e3, t[(done * 99) / 100] * 1e3, t[done - 1] * 1e3,
	       incons);
	free(t);
	return done == n ? 0 : 1;
}
