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
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define DMAP_BASE	0xffff888000000000ULL
#define V(cmd)		"__org.memvisor_" cmd

static pid_t vmm;
static FILE *qmp;
static char dir[] = "/tmp/pwtest.XXXXXX", sock[64], out[64];

static void stop_vmm(void)
{
	if (qmp)
		fclose(qmp);
	if (vmm > 0) {
		kill(vmm, SIGKILL);
		waitpid(vmm, NULL, 0);
	}
	unlink(sock);
	unlink(out);
	rmdir(dir);
}

static json_t *read_msg(void)
{
	char line[1 << 20];

	while (fgets(line, sizeof(line), qmp)) {
		json_t *m = json_loads(line, 0, NULL);

		if (m && !json_object_get(m, "event"))
			return m;
		json_decref(m);
	}
	cr_assert_fail("the control socket closed");
	return NULL;
}

/* Runs @cmd; returns its "return" (new reference), failing on an error. */
static json_t *qmp_run(const char *cmd, json_t *args)
{
	json_t *req = json_pack("{s:s,s:o}", "execute", cmd, "arguments",
				args ? args : json_object());
	char *s = json_dumps(req, JSON_COMPACT);
	json_t *reply, *ret;

	fprintf(qmp, "%s\n", s);
	fflush(qmp);
	free(s);
	json_decref(req);
	reply = read_msg();
	ret = json_incref(json_object_get(reply, "return"));
	cr_assert_not_null(ret, "%s: %s", cmd, json_dumps(reply, 0));
	json_decref(reply);
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
	const char *exe = getenv("MEMVISOR_VMM") ?: "vmm/vmm";
	uint64_t iva, ipa, dva, dpa;
	unsigned long len;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char line[512];
	json_t *r, *p;
	int fd, found = 0;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/vmm.qmp", dir);
	snprintf(out, sizeof(out), "%s/console", dir);
	atexit(stop_vmm);
	vmm = fork();
	cr_assert_geq(vmm, 0);
	if (!vmm) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(o, 1);
		execl(exe, exe, "--accel", "kvm", "--mem", "64M", "--control",
		      sock, "--test", "pagewalk.hold", "--cmdline",
		      "pagewalk_hold=120", "--timeout", "200", (char *)NULL);
		_exit(127);
	}
	/* the guest says where its objects are, then holds */
	for (int i = 0; i < 2400 && !found; i++) {
		FILE *f = fopen(out, "r");

		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "pagewalk-hold: image %lx %lx dmap %lx %lx len %lu",
				   &iva, &ipa, &dva, &dpa, &len) == 5)
				found = 1;
		if (f)
			fclose(f);
		if (!found)
			usleep(100000);
	}
	cr_assert(found, "the guest never printed pagewalk-hold");
	cr_assert_eq(dva, DMAP_BASE + dpa, "a kmalloc'ed object is in the direct map");

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	qmp = fdopen(fd, "r+");
	json_decref(read_msg());	/* the greeting */
	json_decref(qmp_run("qmp_capabilities", NULL));

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
