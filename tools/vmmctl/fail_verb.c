// SPDX-License-Identifier: MIT
/* vmmctl fail (fail_verb.h): its words into QMP's fail, and the answer. */
#include <inttypes.h>
#include <string.h>

#include "fail_verb.h"

#define QMP_FAIL	QMP_VENDOR "fail"
#define QMP_QUERY_FAIL	QMP_VENDOR "query-fail"

/* The options that take a number: the QMP argument, its range. */
static const struct { const char *opt, *arg; long long min, max; } num_opts[] = {
	{ "--probability", "probability", 0, 100 },
	{ "--times", "times", -1, INT32_MAX },
	{ "--interval", "interval", 1, UINT32_MAX },
	{ "--verbose", "verbose", 0, 2 },
};

static int number(const char *opt, const char *s, long long min,
		  long long max, long long *v, struct fmt_err *e)
{
	unsigned long long u;

	if (!strcmp(s, "-1") && min < 0) {
		*v = -1;
		return 0;
	}
	if (cmd_number(s, &u) || u > (unsigned long long)max || (long long)u < min)
		return fmt_fail(e, "%s: '%s' is not a number in %lld..%lld",
				opt, s, min, max);
	*v = (long long)u;
	return 0;
}

/* The option at @argv[*i]: 0 taken, -1 bad. */
static int option(int argc, char **argv, int *i, json_t *args,
		  struct fmt_err *e)
{
	const char *a = argv[*i];
	long long v;

	if (!strcmp(a, "--ignore-gfp-wait") || !strcmp(a, "--ignore-gfp-highmem")) {
		json_object_set_new(args, a + 2, json_true());
		return 0;
	}
	if (!strcmp(a, "--gfp-mask")) {
		if (*i + 1 >= argc)
			return fmt_fail(e, "%s needs a value", a);
		json_object_set_new(args, "gfp-mask", json_string(argv[++*i]));
		return 0;
	}
	for (size_t k = 0; k < sizeof(num_opts) / sizeof(num_opts[0]); k++) {
		if (strcmp(a, num_opts[k].opt))
			continue;
		if (*i + 1 >= argc)
			return fmt_fail(e, "%s needs a value", a);
		if (number(a, argv[++*i], num_opts[k].min, num_opts[k].max, &v, e))
			return -1;
		json_object_set_new(args, num_opts[k].arg, json_integer(v));
		return 0;
	}
	return fmt_fail(e, "unknown %s '%s'", a[0] == '-' ? "option" : "argument", a);
}

/* kmalloc | cache NAME | pages ORDER at @argv: the words it took, or -1. */
static int target(int argc, char **argv, json_t *args, bool need_operand,
		  struct fmt_err *e)
{
	const char *t = argv[0];
	long long order;

	if (strcmp(t, "kmalloc") && strcmp(t, "cache") && strcmp(t, "pages"))
		return fmt_fail(e, "'%s' is not kmalloc, cache NAME or pages ORDER", t);
	json_object_set_new(args, "target", json_string(t));
	if (!strcmp(t, "kmalloc") || !need_operand)
		return 1;
	if (argc < 2 || argv[1][0] == '-')
		return fmt_fail(e, "%s needs %s", t,
				!strcmp(t, "cache") ? "NAME" : "ORDER");
	if (!strcmp(t, "cache")) {
		json_object_set_new(args, "name", json_string(argv[1]));
		return 2;
	}
	if (number("ORDER", argv[1], 0, 31, &order, e))
		return -1;
	json_object_set_new(args, "order", json_integer(order));
	return 2;
}

/* fail off|--off [TARGET] */
static int parse_off(int argc, char **argv, struct cmd_req *req,
		     struct fmt_err *e)
{
	json_object_set_new(req->args, "clear", json_true());
	if (argc > 2)
		return fmt_fail(e, "unexpected argument '%s'", argv[2]);
	if (argc == 2 && target(argc - 1, argv + 1, req->args, false, e) < 0)
		return -1;
	return 0;
}

int fail_parse_words(int argc, char **argv, struct cmd_req *req,
		     struct fmt_err *e)
{
	int n;

	req->qmp = QMP_FAIL;
	if (!argc) {
		req->qmp = QMP_QUERY_FAIL;
		return 0;
	}
	if (!strcmp(argv[0], "off") || !strcmp(argv[0], "--off"))
		return parse_off(argc, argv, req, e);
	n = target(argc, argv, req->args, true, e);
	if (n < 0)
		return -1;
	for (int i = n; i < argc; i++)
		if (option(argc, argv, &i, req->args, e))
			return -1;
	return 0;
}

static void attr_line(FILE *out, const char *name, json_t *a, const char *what)
{
	fprintf(out, "%s: %s", name, json_is_true(json_object_get(a, "armed")) ?
		"on" : "off");
	if (what[0])
		fprintf(out, " %s", what);
	fprintf(out, ", probability %lld%%, interval %lld, times %lld",
		fmt_int(a, "probability"), fmt_int(a, "interval"),
		fmt_int(a, "times"));
	if (fmt_int(a, "gfp-mask"))
		fprintf(out, ", gfp-mask 0x%llx", fmt_int(a, "gfp-mask"));
	if (json_is_true(json_object_get(a, "ignore-gfp-wait")))
		fprintf(out, ", ignore-gfp-wait");
	if (json_is_true(json_object_get(a, "ignore-gfp-highmem")))
		fprintf(out, ", ignore-gfp-highmem");
	fprintf(out, "\n  %lld calls seen, %lld failures injected\n",
		fmt_int(a, "calls"), fmt_int(a, "failures"));
}

/*
 * failslab's target: "kmalloc", "cache NAME" (and "(not created yet)"
 * while no cache has that name), the caches marked otherwise, or "".
 */
static void slab_target(json_t *slab, char *buf, size_t size)
{
	json_t *caches = json_object_get(slab, "caches"), *c;
	const char *name = fmt_str(slab, "cache-name", "");
	size_t i, len;

	buf[0] = '\0';
	if (json_is_true(json_object_get(slab, "kmalloc"))) {
		snprintf(buf, size, "kmalloc");
		return;
	}
	if (name[0]) {
		snprintf(buf, size, "cache %s%s", name,
			 json_array_size(caches) ? "" : " (not created yet)");
		return;
	}
	json_array_foreach(caches, i, c) {
		len = strlen(buf);
		snprintf(buf + len, size - len, "%s%s", i ? "," : "cache ",
			 json_is_string(c) ? json_string_value(c) : "?");
	}
}

int fmt_fail_state(FILE *out, json_t *ret, struct fmt_err *e)
{
	json_t *slab = json_object_get(ret, "failslab");
	json_t *page = json_object_get(ret, "fail_page_alloc");
	json_t *problems = json_object_get(ret, "inconsistencies"), *p;
	char what[512];
	size_t i;

	if (!json_is_object(slab) || !json_is_object(page))
		return fmt_fail(e, "no failslab or fail_page_alloc in the answer");
	slab_target(slab, what, sizeof(what));
	attr_line(out, "failslab", slab, what);
	snprintf(what, sizeof(what), "pages order >= %lld", fmt_int(page, "min-order"));
	attr_line(out, "fail_page_alloc", page, what);
	json_array_foreach(problems, i, p)
		fprintf(out, "inconsistency: %s\n", json_string_value(p) ?: "?");
	return 0;
}
