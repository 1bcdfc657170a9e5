// SPDX-License-Identifier: MIT
/*
 * The allocation verbs (kmalloc, kmem_cache, alloc_pages, vmalloc,
 * mempool, alloc_percpu, dma_fill, allocs, free --all): their words into
 * V alloc's arguments. GFP flags travel as written ("GFP_KERNEL|__GFP_DMA"):
 * vmm parses them with the guest's own table.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc_verbs.h"

#define FORM_ARGS	4

/*
 * One form of a verb: its subcommand (NULL: none), V alloc's op, and its
 * positional words as QMP arguments: "#size" a number, "$flags" a string,
 * "%handle" a number or else a name (a cache by its name), a leading '?'
 * an optional one (only after the required ones).
 */
struct alloc_form {
	const char *sub;
	const char *op;
	const char *args[FORM_ARGS];
};

static const struct alloc_verb {
	const char *verb;
	struct alloc_form forms[6];	/* ends at op == NULL */
} verbs[] = {
	{ "kmalloc", { { NULL, "kmalloc", { "#size", "$flags" } } } },
	{ "kfree", { { NULL, "kfree", { "#handle" } } } },
	{ "kmem_cache", {
		{ "create", "kmem_cache_create",
		  { "$name", "#size", "?#align", "?#slab-flags" } },
		{ "alloc", "kmem_cache_alloc", { "%handle", "?$flags" } },
		{ "free", "kmem_cache_free", { "#handle" } },
		{ "destroy", "kmem_cache_destroy", { "#handle" } } } },
	{ "alloc_pages", { { NULL, "alloc_pages", { "#order", "$flags" } } } },
	{ "free_pages", { { NULL, "free_pages", { "#handle" } } } },
	{ "vmalloc", { { NULL, "vmalloc", { "#size" } } } },
	{ "vfree", { { NULL, "vfree", { "#handle" } } } },
	{ "mempool", {
		{ "create", "mempool_create", { "#min-nr", "#size" } },
		{ "alloc", "mempool_alloc", { "#handle", "?$flags" } },
		{ "free", "mempool_free", { "#handle" } },
		{ "resize", "mempool_resize", { "#handle", "#min-nr", "?$flags" } },
		{ "destroy", "mempool_destroy", { "#handle" } } } },
	{ "alloc_percpu", { { NULL, "alloc_percpu", { "#size", "?#align" } } } },
	{ "free_percpu", { { NULL, "free_percpu", { "#handle" } } } },
	{ "dma_fill", { { NULL, "dma_fill", { "#handle", "#value" } } } },
	{ "allocs", { { NULL, "list", { NULL } } } },
};

static const struct alloc_verb *find_verb(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verbs[i].verb, name))
			return &verbs[i];
	return NULL;
}

/* --cpu N, --cpu=N, --atomic at @argv[*i]: 1 taken, 0 not an option, -1 bad. */
static int common_option(int argc, char **argv, int *i, json_t *args,
			 struct fmt_err *e)
{
	const char *a = argv[*i], *val = NULL;
	unsigned long long v;

	if (!strcmp(a, "--atomic")) {
		json_object_set_new(args, "atomic", json_true());
		return 1;
	}
	if (!strncmp(a, "--cpu=", 6))
		val = a + 6;
	else if (!strcmp(a, "--cpu") && *i + 1 < argc)
		val = argv[++*i];
	else if (!strcmp(a, "--cpu"))
		return fmt_fail(e, "--cpu needs a value");
	if (!val)
		return strncmp(a, "--", 2) ? 0 : fmt_fail(e, "unknown option '%s'", a);
	if (cmd_number(val, &v) || v > 0xffffffffULL)
		return fmt_fail(e, "--cpu: '%s' is not a CPU number", val);
	json_object_set_new(args, "cpu", json_integer((json_int_t)v));
	return 1;
}

static int one_arg(const char *spec, const char *word, json_t *args,
		   struct fmt_err *e)
{
	unsigned long long v;

	if (*spec == '?')
		spec++;
	if (*spec == '$' || (*spec == '%' && cmd_number(word, &v))) {
		json_object_set_new(args, *spec == '$' ? spec + 1 : "name",
				    json_string(word));
		return 0;
	}
	if (cmd_number(word, &v) || v > (unsigned long long)INT64_MAX)
		return fmt_fail(e, "%s: '%s' is not a number", spec + 1, word);
	json_object_set_new(args, spec + 1, json_integer((json_int_t)v));
	return 0;
}

static const struct alloc_form *find_form(const struct alloc_verb *v,
					  int *argc, char ***argv,
					  struct fmt_err *e)
{
	const struct alloc_form *f = v->forms;

	if (!f->sub)
		return f;
	for (; *argc && f->op; f++)
		if (!strcmp(f->sub, (*argv)[0])) {
			(*argc)--;
			(*argv)++;
			return f;
		}
	fmt_fail(e, "%s needs create, alloc, free%s or destroy", v->verb,
		 !strcmp(v->verb, "mempool") ? ", resize" : "");
	return NULL;
}

static int parse_form(const struct alloc_form *f, int argc, char **argv,
		      json_t *args, struct fmt_err *e)
{
	int n = 0, r;

	json_object_set_new(args, "op", json_string(f->op));
	for (int i = 0; i < argc; i++) {
		r = common_option(argc, argv, &i, args, e);
		if (r < 0)
			return -1;
		if (r)
			continue;
		if (n == FORM_ARGS || !f->args[n])
			return fmt_fail(e, "unexpected argument '%s'", argv[i]);
		if (one_arg(f->args[n++], argv[i], args, e))
			return -1;
	}
	if (n < FORM_ARGS && f->args[n] && f->args[n][0] != '?')
		return fmt_fail(e, "missing %s", f->args[n] + 1);
	return 0;
}

int alloc_parse(const char *verb, int argc, char **argv, struct cmd_req *req,
		struct fmt_err *e)
{
	const struct alloc_verb *v = find_verb(verb);
	const struct alloc_form *f;

	if (!v)
		return fmt_fail(e, "no allocation verb '%s'", verb);
	f = find_form(v, &argc, &argv, e);
	return f ? parse_form(f, argc, argv, req->args, e) : -1;
}

/* free --all: every object allocated from outside. */
int alloc_parse_free(int argc, char **argv, struct cmd_req *req,
		     struct fmt_err *e)
{
	bool all = false;
	int r;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--all")) {
			all = true;
			continue;
		}
		r = common_option(argc, argv, &i, req->args, e);
		if (r <= 0)
			return r < 0 ? -1 : fmt_fail(e, "unexpected argument '%s'",
						     argv[i]);
	}
	if (!all)
		return fmt_fail(e, "free needs --all (one object: kfree, vfree, ... HANDLE)");
	json_object_set_new(req->args, "op", json_string("free_all"));
	return 0;
}
