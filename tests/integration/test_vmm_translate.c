// SPDX-License-Identifier: MIT
/*
 * The address-space QMP commands over a real socket against the booted
 * guest: the guest's pagewalk.hold ktest prints where a kernel-image object
 * and a kmalloc'ed copy (direct map) live by its own page tables, and holds
 * the guest up; the VMM's translate must agree, by the kernel's CR3 (mminfo)
 * and by vCPU 0's, and read-virt and read-phys must return the same bytes.
 * Runs under tools/nested/kvm-test-wrapper (tests/run-test).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm_qmp.h"

#define DMAP_BASE	0xffff888000000000ULL
#define V(cmd)		"__org.memvisor_" cmd
#define HOLD_WAIT_S	240	/* for the guest's pagewalk-hold line */

static struct vq vm;

static void stop(void)
{
	vq_stop(&vm);
}

TestSuite(translate, .fini = stop);

/* Runs @cmd; returns its "return" (new reference), failing on an error. */
static json_t *qmp_run(const char *cmd, json_t *args)
{
	json_t *ret = vq_cmd(&vm, cmd, args);

	cr_assert_not_null(ret, "%s: no answer (an error is on stderr)", cmd);
	return ret;
}

/* An address ("0x..." string) or a count (integer) of the answer. */
static uint64_t u64(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	if (json_is_string(v))
		return strtoull(json_string_value(v), NULL, 16);
	cr_assert(json_is_integer(v), "no '%s' in the answer", k);
	return (uint64_t)json_integer_value(v);
}

Test(translate, real_guest, .timeout = 300)
{
	uint64_t iva, ipa, dva, dpa;
	unsigned long len;
	json_t *r, *p;
	long at;

	cr_assert_eq(vq_start_args(&vm, (const char *[]){ "--accel", "kvm",
				   "--mem", "64M", "--test", "pagewalk.hold",
				   "--cmdline", "pagewalk_hold=120", "--timeout",
				   "200", NULL }, 0), 0, "cannot start vmm: %s",
		     strerror(errno));
	/* the guest says where its objects are, then holds */
	at = vq_find(&vm, "pagewalk-hold: image ", 0, HOLD_WAIT_S);
	cr_assert(at >= 0 && vq_find(&vm, "\n", at, HOLD_WAIT_S) >= 0,
		  "the guest never printed pagewalk-hold");
	cr_assert_eq(sscanf(vm.log + at, "pagewalk-hold: image %lx %lx dmap %lx %lx len %lu",
			    &iva, &ipa, &dva, &dpa, &len), 5,
		     "the guest never printed pagewalk-hold");
	cr_assert_eq(dva, DMAP_BASE + dpa, "a kmalloc'ed object is in the direct map");
	cr_assert_eq(vq_connect(&vm), 0, "no QMP on %s", vm.sock);

	/* a kernel-image address, by the kernel's CR3 and by vCPU 0's */
	r = qmp_run(V("translate"), json_pack("{s:I}", "addr", (json_int_t)iva));
	cr_assert(json_is_true(json_object_get(r, "present")));
	cr_assert_eq(u64(r, "gpa"), ipa);
	cr_assert_null(json_object_get(r, "inconsistencies"));
	json_decref(r);
	r = qmp_run(V("translate"), json_pack("{s:I,s:i}", "addr", (json_int_t)iva,
					      "cpu", 0));
	cr_assert_eq(u64(r, "gpa"), ipa);
	json_decref(r);
	/* a direct-map address: 0xffff888000000000 + pa */
	r = qmp_run(V("translate"), json_pack("{s:I}", "addr", (json_int_t)dva));
	cr_assert_eq(u64(r, "gpa"), dpa);
	json_decref(r);
	/* the same bytes three ways */
	p = qmp_run(V("read-phys"), json_pack("{s:I,s:I}", "addr", (json_int_t)ipa,
					      "size", (json_int_t)len));
	cr_assert(strncmp(json_string_value(json_object_get(p, "data")),
			  "6d656d7669736f72", 16) == 0, "\"memvisor\"");
	r = qmp_run(V("read-virt"), json_pack("{s:I,s:I}", "addr", (json_int_t)iva,
					      "size", (json_int_t)len));
	cr_assert_str_eq(json_string_value(json_object_get(r, "data")),
			 json_string_value(json_object_get(p, "data")));
	json_decref(r);
	r = qmp_run(V("read-virt"), json_pack("{s:I,s:I}", "addr", (json_int_t)dva,
					      "size", (json_int_t)len));
	cr_assert_str_eq(json_string_value(json_object_get(r, "data")),
			 json_string_value(json_object_get(p, "data")));
	json_decref(r);
	json_decref(p);
	/* the direct map is among the kernel's mappings */
	r = qmp_run(V("query-mappings"), json_pack("{s:I,s:I}", "start",
		    (json_int_t)dva, "end", (json_int_t)(dva + 1)));
	cr_assert_eq(json_array_size(json_object_get(r, "mappings")), 1);
	json_decref(r);
	json_decref(qmp_run("quit", NULL));
}
