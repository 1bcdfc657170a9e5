// SPDX-License-Identifier: MIT
/*
 * Modules on the VMM's side: strict base64, the request queue, HC_MODULE's
 * copy-and-validate against a hostile guest, the insmod/rmmod commands'
 * argument checks and their events' JSON.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <memvisor/layout.h>

#include "base64.h"
#include "hcreq.h"
#include "modq.h"
#include "module_cmds.h"

static struct errbuf e;

/* ---- base64 ---- */

static ssize_t decode(const char *s, unsigned char *out)
{
	return base64_decode(s, strlen(s), out, &e);
}

Test(base64, rfc4648_vectors)
{
	static const char *const enc[] = { "", "Zg==", "Zm8=", "Zm9v",
					   "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	unsigned char out[16];
	char back[16];

	for (size_t i = 0; i < sizeof(enc) / sizeof(enc[0]); i++) {
		ssize_t n = decode(enc[i], out);

		cr_assert_eq(n, (ssize_t)i, "%s: %zd (%s)", enc[i], n, e.msg);
		cr_assert_eq(memcmp(out, "foobar", i), 0, "%s", enc[i]);
		base64_encode((const unsigned char *)"foobar", i, back);
		cr_assert_str_eq(back, enc[i]);
		cr_assert_eq(strlen(back), base64_encoded_len(i));
	}
}

Test(base64, every_byte_round_trips)
{
	unsigned char in[256], out[258];
	char enc[base64_encoded_len(256) + 1];

	for (int i = 0; i < 256; i++)
		in[i] = (unsigned char)(255 - i);
	for (size_t len = 250; len <= 256; len++) {
		base64_encode(in, len, enc);
		cr_assert_eq(decode(enc, out), (ssize_t)len);
		cr_assert_eq(memcmp(in, out, len), 0);
	}
}

Test(base64, refuses_what_is_not_strict)
{
	unsigned char out[16];

	cr_assert_eq(decode("Zm9", out), -1);
	cr_assert_str_eq(e.msg, "base64 length 3 is not a multiple of 4");
	cr_assert_eq(decode("Zm 9", out), -1);
	cr_assert_str_eq(e.msg, "byte 0x20 at offset 2 is not a base64 character");
	cr_assert_eq(decode("Zm9v\nZm9v", out), -1);
	cr_assert_eq(decode("Zm-v", out), -1);
	cr_assert_str_eq(e.msg, "'-' at offset 2 is not a base64 character");
	cr_assert_eq(decode("Zg==Zm9v", out), -1, "padding in the middle");
	cr_assert_str_eq(e.msg, "misplaced '=' at offset 2");
	cr_assert_eq(decode("Z=9v", out), -1);
	cr_assert_eq(decode("Zm=v", out), -1);
	cr_assert_str_eq(e.msg, "misplaced '=' at offset 2");
	cr_assert_eq(decode("Z===", out), -1);
	cr_assert_eq(decode("Zh==", out), -1, "bits past the last byte");
	cr_assert_str_eq(e.msg, "base64 has bits set past its last byte (offset 1)");
	cr_assert_eq(decode("Zm9=", out), -1);
	cr_assert_eq(decode("Zm8=", out), 2);
}

/* ---- the queue ---- */

static unsigned int kicks;

static void count_kick(void *opaque)
{
	(void)opaque;
	kicks++;
}

static struct modq q;

static void queue_setup(void)
{
	kicks = 0;
	modq_init(&q, count_kick, NULL);
}

static void queue_teardown(void)
{
	modq_destroy(&q);
}

TestSuite(modq, .init = queue_setup, .fini = queue_teardown);

static uint64_t add_load(const char *name, const char *image)
{
	uint64_t id = 0;

	cr_assert_eq(modq_add_load(&q, name, image, strlen(image), "a=1 b=two",
				   false, &id, &e), 0, "%s", e.msg);
	return id;
}

Test(modq, fetch_hands_out_oldest_once)
{
	struct mv_hc_module m = { 0 };
	uint64_t a = add_load("a.ko", "AAAA"), b;

	cr_assert_eq(modq_add_unload(&q, "b", &b, &e), 0);
	cr_assert_eq(kicks, 2, "each request sends the MSI");
	cr_assert_eq(modq_fetch(&q, &m), 0);
	cr_assert_eq(m.id, a);
	cr_assert_eq(m.kind, MV_MODULE_REQ_LOAD);
	cr_assert_eq(m.size, 4);
	cr_assert_str_eq(m.name, "a.ko");
	cr_assert_str_eq(m.params, "a=1 b=two");
	cr_assert_eq(modq_fetch(&q, &m), 0);
	cr_assert_eq(m.id, b);
	cr_assert_eq(m.kind, MV_MODULE_REQ_UNLOAD);
	cr_assert_str_eq(m.params, "", "an unload has no params");
	cr_assert_eq(modq_fetch(&q, &m), 0);
	cr_assert_eq(m.kind, MV_MODULE_REQ_NONE);
	cr_assert_eq(m.id, 0);
}

Test(modq, read_is_bounded_by_the_image)
{
	struct mv_hc_module m = { 0 };
	char buf[16] = { 0 };
	uint64_t id = add_load("a.ko", "0123456789");

	m.id = id;
	m.len = 4;
	cr_assert_eq(modq_read(&q, &m, buf), -ENOENT, "not fetched yet");
	modq_fetch(&q, &m);
	m.offset = 6;
	m.len = 4;
	cr_assert_eq(modq_read(&q, &m, buf), 0);
	cr_assert_eq(memcmp(buf, "6789", 4), 0);
	m.len = 5;
	cr_assert_eq(modq_read(&q, &m, buf), -EINVAL, "past the end");
	m.offset = UINT64_MAX;
	m.len = 2;
	cr_assert_eq(modq_read(&q, &m, buf), -EINVAL, "offset wraps");
	m.id = id + 1;
	m.offset = 0;
	cr_assert_eq(modq_read(&q, &m, buf), -ENOENT, "unknown id");
}

Test(modq, full_queue_refused)
{
	uint64_t id;

	for (int i = 0; i < MV_MODULE_QUEUE_MAX; i++)
		cr_assert_eq(modq_add_unload(&q, "m", &id, &e), 0);
	cr_assert_eq(modq_add_unload(&q, "m", &id, &e), -1);
	cr_assert_str_eq(e.msg, "module queue full (16 requests waiting)");
	cr_assert_eq(kicks, MV_MODULE_QUEUE_MAX);
}

Test(modq, bad_loads_refused)
{
	static char big_params[MV_MODULE_PARAMS_MAX + 1];
	uint64_t id;

	cr_assert_eq(modq_add_load(&q, "a.ko", "", 0, NULL, false, &id, &e), -1);
	cr_assert_str_eq(e.msg, "module image is empty");
	cr_assert_eq(modq_add_load(&q, "a.ko", "x", MV_MODULE_IMAGE_MAX + 1ULL,
				   NULL, false, &id, &e), -1);
	cr_assert_str_eq(e.msg, "module image is 16777217 bytes, more than 16777216");
	memset(big_params, 'p', MV_MODULE_PARAMS_MAX);
	cr_assert_eq(modq_add_load(&q, "a.ko", "x", 1, big_params, false, &id, &e), -1);
	cr_assert_str_eq(e.msg, "module parameters are 1024 bytes, more than 1023");
	cr_assert_eq(modq_add_unload(&q, "", &id, &e), -1);
	cr_assert_str_eq(e.msg, "empty module name");
	cr_assert_eq(modq_add_unload(&q, "0123456789012345678901234567890123456789012345678901234", &id, &e), 0);
	cr_assert_eq(modq_add_unload(&q, "01234567890123456789012345678901234567890123456789012345", &id, &e), -1);
	cr_assert_str_eq(e.msg, "module name is 56 bytes, more than 55");
	cr_assert_eq(kicks, 1);
}

Test(modq, leaks_kept_then_counted)
{
	struct mv_hc_module m = { 0 };
	struct modq_done d;
	uint64_t id;

	cr_assert_eq(modq_add_unload(&q, "leaky", &id, &e), 0);
	m.id = id;
	cr_assert_eq(modq_leak(&q, &m), -ENOENT, "not fetched yet");
	modq_fetch(&q, &m);
	for (unsigned int i = 0; i < MODQ_LEAKS_MAX + 3; i++) {
		m.leak.kind = MV_LEAK_OBJECTS;
		m.leak.count = i;
		cr_assert_eq(modq_leak(&q, &m), 0);
	}
	m.status = 0;
	cr_assert_eq(modq_done(&q, &m, &d), 0);
	cr_assert_eq(d.nr_leaks, MODQ_LEAKS_MAX);
	cr_assert_eq(d.leaks_dropped, 3);
	cr_assert_eq(d.leaks[MODQ_LEAKS_MAX - 1].count, MODQ_LEAKS_MAX - 1);
	cr_assert_str_eq(d.name, "leaky");
	free(d.leaks);
	cr_assert_eq(modq_done(&q, &m, &d), -ENOENT, "done twice");
	cr_assert_eq(modq_leak(&q, &m), -ENOENT, "leak after done");
}

Test(modq, leak_of_a_load_refused)
{
	struct mv_hc_module m = { 0 };

	add_load("a.ko", "x");
	modq_fetch(&q, &m);
	cr_assert_eq(modq_leak(&q, &m), -EINVAL);
}

Test(modq, done_removes_and_frees_a_slot)
{
	struct mv_hc_module m = { 0 }, n = { 0 };
	struct modq_done d;
	uint64_t id;

	for (int i = 0; i < MV_MODULE_QUEUE_MAX; i++)
		add_load("a.ko", "x");
	modq_fetch(&q, &m);
	modq_fetch(&q, &n);
	n.status = -ENOEXEC;
	strcpy(n.msg, "a: bad vermagic");
	cr_assert_eq(modq_done(&q, &n, &d), 0, "out of order is fine");
	cr_assert_eq(d.status, -ENOEXEC);
	cr_assert_str_eq(d.msg, "a: bad vermagic");
	free(d.leaks);
	cr_assert_eq(modq_add_unload(&q, "a", &id, &e), 0, "a slot is free");
	cr_assert_eq(id, MV_MODULE_QUEUE_MAX + 1);
	m.base = 0xffffffffc0001000ULL;
	m.core_size = 8192;
	m.tests_run = 4;
	cr_assert_eq(modq_done(&q, &m, &d), 0);
	cr_assert_eq(d.base, m.base);
	cr_assert_eq(d.tests_run, 4);
	free(d.leaks);
}

/* ---- HC_MODULE: the guest's struct, copied and validated ---- */

#define RAM_SIZE	0x10000ULL
#define REQ_GPA		0x2000ULL

static unsigned char ram[RAM_SIZE];
static struct gmem gm;

static void hc_setup(void)
{
	memset(ram, 0, sizeof(ram));
	gmem_init(&gm);
	cr_assert_eq(gmem_add(&gm, 0, RAM_SIZE, ram), 0);
}

TestSuite(hcreq_module, .init = hc_setup);

static struct mv_hc_module *guest_req(void)
{
	return (struct mv_hc_module *)(ram + REQ_GPA);
}

Test(hcreq_module, strings_terminated)
{
	struct mv_hc_module *g = guest_req(), m;

	memset(g, 'A', sizeof(*g));
	g->op = MV_MODULE_OP_DONE;
	cr_assert_eq(hcreq_module(&gm, REQ_GPA, &m, &e), 0, "%s", e.msg);
	cr_assert_eq(strlen(m.name), sizeof(m.name) - 1);
	cr_assert_eq(strlen(m.params), sizeof(m.params) - 1);
	cr_assert_eq(strlen(m.msg), sizeof(m.msg) - 1);
	cr_assert_eq(strlen(m.leak.what), sizeof(m.leak.what) - 1);
}

Test(hcreq_module, op_out_of_range)
{
	struct mv_hc_module m;

	guest_req()->op = MV_MODULE_OP_DONE + 1;
	cr_assert_eq(hcreq_module(&gm, REQ_GPA, &m, &e), -1);
	cr_assert_str_eq(e.msg, "HC_MODULE: unknown op 4");
	guest_req()->op = 0xffffffff;
	cr_assert_eq(hcreq_module(&gm, REQ_GPA, &m, &e), -1);
}

Test(hcreq_module, request_outside_ram)
{
	struct mv_hc_module m;

	cr_assert_eq(hcreq_module(&gm, RAM_SIZE - 16, &m, &e), -1);
	cr_assert(strstr(e.msg, "is not in guest RAM"), "%s", e.msg);
	cr_assert_eq(hcreq_module(&gm, 0xfffff000, &m, &e), -1);
}

Test(hcreq_module, read_bounds)
{
	struct mv_hc_module *g = guest_req(), m;

	g->op = MV_MODULE_OP_READ;
	g->gpa = 0x3000;
	g->len = MV_PAGE_SIZE;
	cr_assert_eq(hcreq_module(&gm, REQ_GPA, &m, &e), 0, "%s", e.msg);
	g->len = 0;
	cr_assert_eq(hcreq_module(&gm, REQ_GPA, &m, &e), -1);
	cr_assert_str_eq(e.msg, "HC_MODULE: READ of 0 bytes (1 to 4096)");
	g->len = MV_PAGE_SIZE + 1;
	cr_assert_eq(hcreq_module(&gm, REQ_GPA, &m, &e), -1);
	g->gpa = 0x3800;
	g->len = 0x801;
	cr_assert_eq(hcreq_module(&gm, REQ_GPA, &m, &e), -1);
	cr_assert_str_eq(e.msg, "HC_MODULE: READ of [0x3800+0x801) crosses a page");
	g->gpa = RAM_SIZE;
	g->len = 16;
	cr_assert_eq(hcreq_module(&gm, REQ_GPA, &m, &e), -1);
	cr_assert_str_eq(e.msg, "HC_MODULE: READ of [0x10000+0x10) is not in guest RAM");
	g->gpa = UINT64_MAX - 7;
	g->len = 16;
	cr_assert_eq(hcreq_module(&gm, REQ_GPA, &m, &e), -1, "wraps");
}

Test(hcreq_module, leak_kind)
{
	struct mv_hc_module *g = guest_req(), m;

	g->op = MV_MODULE_OP_LEAK;
	g->leak.kind = MV_LEAK_MEMPOOL;
	cr_assert_eq(hcreq_module(&gm, REQ_GPA, &m, &e), 0);
	g->leak.kind = MV_LEAK_MEMPOOL + 1;
	cr_assert_eq(hcreq_module(&gm, REQ_GPA, &m, &e), -1);
	cr_assert_str_eq(e.msg, "HC_MODULE: unknown leak kind 6");
}

/* ---- the QMP commands ---- */

TestSuite(module_cmds, .init = queue_setup, .fini = queue_teardown);

static json_t *insmod(const char *name, const char *data, struct qmp_error *err)
{
	json_t *args = json_pack("{s:s,s:s}", "name", name, "data", data);
	json_t *r = module_insmod(&q, args, err);

	json_decref(args);
	return r;
}

Test(module_cmds, insmod_queues_the_bytes)
{
	struct qmp_error err = { 0 };
	struct mv_hc_module m = { 0 };
	json_t *r = insmod("hello.ko", "f0VMRg==", &err);
	unsigned char buf[4];

	cr_assert(r, "%s", err.desc);
	cr_assert_eq(json_integer_value(json_object_get(r, "request")), 1);
	json_decref(r);
	modq_fetch(&q, &m);
	cr_assert_eq(m.size, 4);
	m.len = 4;
	cr_assert_eq(modq_read(&q, &m, buf), 0);
	cr_assert_eq(memcmp(buf, "\x7f" "ELF", 4), 0);
}

Test(module_cmds, insmod_bad_arguments)
{
	struct qmp_error err = { 0 };
	json_t *args;

	cr_assert_null(insmod("a.ko", "", &err));
	cr_assert_str_eq(err.desc, "'data' is empty");
	cr_assert_null(insmod("a.ko", "Zm9v!", &err));
	cr_assert_str_eq(err.desc, "'data' is not base64: base64 length 5 is not a multiple of 4");
	cr_assert_null(insmod("../a.ko", "Zm9v", &err));
	cr_assert_str_eq(err.desc, "'name' must be a file name without a directory");
	cr_assert_null(insmod("", "Zm9v", &err));
	args = json_pack("{s:s%,s:s}", "name", "a\0b", (size_t)3, "data", "Zm9v");
	cr_assert_null(module_insmod(&q, args, &err));
	cr_assert_str_eq(err.desc, "'name' holds a NUL byte");
	json_decref(args);
	args = json_pack("{s:s,s:s,s:s%}", "name", "a.ko", "data", "Zm9v",
			 "params", "x=1\0y", (size_t)5);
	cr_assert_null(module_insmod(&q, args, &err));
	cr_assert_str_eq(err.desc, "'params' holds a NUL byte");
	json_decref(args);
	cr_assert_eq(kicks, 0, "nothing was queued");
}

Test(module_cmds, insmod_too_big)
{
	struct qmp_error err = { 0 };
	size_t len = base64_encoded_len(MV_MODULE_IMAGE_MAX + 3ULL);
	char *data = malloc(len + 1);

	memset(data, 'A', len);
	data[len] = '\0';
	cr_assert_null(insmod("a.ko", data, &err));
	cr_assert_str_eq(err.desc, "'data' is more than 16777216 bytes, the module size limit");
	free(data);
}

Test(module_cmds, rmmod_strips_ko)
{
	struct qmp_error err = { 0 };
	struct mv_hc_module m = { 0 };
	json_t *args = json_pack("{s:s}", "name", "scullc.ko");
	json_t *r = module_rmmod(&q, args, &err);

	cr_assert(r, "%s", err.desc);
	json_decref(r);
	json_decref(args);
	modq_fetch(&q, &m);
	cr_assert_str_eq(m.name, "scullc");
	cr_assert_eq(m.kind, MV_MODULE_REQ_UNLOAD);
}

Test(module_cmds, queue_full_message)
{
	struct qmp_error err = { 0 };
	json_t *r;

	for (int i = 0; i < MV_MODULE_QUEUE_MAX; i++)
		json_decref(insmod("a.ko", "Zm9v", &err));
	r = insmod("a.ko", "Zm9v", &err);
	cr_assert_null(r);
	cr_assert_str_eq(err.class, "GenericError");
	cr_assert_str_eq(err.desc, "module queue full (16 requests waiting)");
}

Test(module_cmds, loaded_event)
{
	struct modq_done d = { .id = 3, .kind = MV_MODULE_REQ_LOAD,
			       .name = "scullc.ko", .base = 0xffffffffc0002000ULL,
			       .core_size = 12288, .tests_run = 4 };
	const char *ev;
	json_t *j = module_event_data(&d, &ev);
	char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);

	cr_assert_str_eq(ev, "__org.memvisor_MODULE_LOADED");
	cr_assert_str_eq(s, "{\"base\":\"0xffffffffc0002000\",\"name\":\"scullc\",\"request\":3,\"size\":12288,\"tests-failed\":0,\"tests-run\":4}");
	free(s);
	json_decref(j);
}

Test(module_cmds, unloaded_event_escapes_guest_strings)
{
	struct mv_module_leak l = { .kind = MV_LEAK_OBJECTS, .count = 2,
				    .bytes = 64, .addr = 0xffff888000100000ULL,
				    .caller_offset = 0x40,
				    .what = "cache\x1b[2J\xff" };
	struct modq_done d = { .id = 9, .kind = MV_MODULE_REQ_UNLOAD,
			       .name = "leaky", .leaks = &l, .nr_leaks = 1,
			       .leaks_dropped = 5 };
	const char *ev;
	json_t *j = module_event_data(&d, &ev);
	char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);

	cr_assert_str_eq(ev, "__org.memvisor_MODULE_UNLOADED");
	cr_assert_str_eq(s, "{\"leaks\":[{\"addr\":\"0xffff888000100000\",\"bytes\":64,\"caller-offset\":64,\"count\":2,\"kind\":\"objects\",\"what\":\"cache\\u001B[2J\\\\xff\"}],\"leaks-dropped\":5,\"name\":\"leaky\",\"request\":9}");
	free(s);
	json_decref(j);
}

Test(module_cmds, failed_event)
{
	struct modq_done d = { .id = 4, .kind = MV_MODULE_REQ_LOAD,
			       .name = "bad.ko", .status = -ENOEXEC,
			       .msg = "bad: version magic 'x' should be 'memvisor-1 SMP mod_unload'" };
	const char *ev;
	json_t *j = module_event_data(&d, &ev);

	cr_assert_str_eq(ev, "__org.memvisor_MODULE_FAILED");
	cr_assert_str_eq(json_string_value(json_object_get(j, "operation")), "insmod");
	cr_assert_str_eq(json_string_value(json_object_get(j, "name")), "bad");
	cr_assert_str_eq(json_string_value(json_object_get(j, "error")), d.msg);
	json_decref(j);
	d.kind = MV_MODULE_REQ_UNLOAD;
	d.msg[0] = '\0';
	strcpy(d.name, "gone");
	d.status = -ENOENT;
	j = module_event_data(&d, &ev);
	cr_assert_str_eq(json_string_value(json_object_get(j, "operation")), "rmmod");
	cr_assert_str_eq(json_string_value(json_object_get(j, "error")),
			 "gone: No such file or directory");
	json_decref(j);
}
