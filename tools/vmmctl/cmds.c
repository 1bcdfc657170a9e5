// SPDX-License-Identifier: MIT
/* vmmctl's commands: their arguments, their QMP commands, their formats. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "base64.h"
#include "alloc_verbs.h"
#include "cmds.h"

#define MAX_POSITIONAL	2

/* An option a command takes: "--NAME VALUE", sent as integer "NAME". */
struct cmd_opts {
	const char *const *names;	/* NULL-terminated, without "--" */
	int npos;			/* positional numbers required */
	unsigned long long pos[MAX_POSITIONAL];
};

int cmd_number(const char *s, unsigned long long *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

static int one_option(char **argv, int *i, int argc, struct cmd_opts *o,
		      json_t *args, struct fmt_err *e)
{
	const char *name = argv[*i] + 2, *val = strchr(name, '=');
	size_t len = val ? (size_t)(val - name) : strlen(name);
	unsigned long long v;

	for (const char *const *n = o->names; n && *n; n++) {
		if (strlen(*n) != len || strncmp(*n, name, len))
			continue;
		if (!val && *i + 1 >= argc)
			return fmt_fail(e, "--%s needs a value", *n);
		val = val ? val + 1 : argv[++*i];
		if (cmd_number(val, &v))
			return fmt_fail(e, "--%s: '%s' is not a number", *n, val);
		if (json_object_get(args, *n))
			return fmt_fail(e, "--%s given twice", *n);
		json_object_set_new(args, *n, json_integer((json_int_t)v));
		return 0;
	}
	return fmt_fail(e, "unknown option '%s'", argv[*i]);
}

/* Parses @argv: numbers at their places, --options into @args. */
static int parse_words(int argc, char **argv, struct cmd_opts *o,
		       json_t *args, struct fmt_err *e)
{
	int npos = 0;

	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "--", 2)) {
			if (one_option(argv, &i, argc, o, args, e))
				return -1;
			continue;
		}
		if (npos == o->npos)
			return fmt_fail(e, "unexpected argument '%s'", argv[i]);
		if (cmd_number(argv[i], &o->pos[npos]))
			return fmt_fail(e, "'%s' is not a number", argv[i]);
		npos++;
	}
	if (npos < o->npos)
		return fmt_fail(e, "missing argument");
	return 0;
}

static int parse_none(int argc, char **argv, struct cmd_req *req,
		      struct fmt_err *e)
{
	if (argc)
		return fmt_fail(e, "unexpected argument '%s'", argv[0]);
	return 0;
}

/* owner PFN|0xADDR: a 0x number is an address, anything else a PFN. */
static int parse_owner(int argc, char **argv, struct cmd_req *req,
		       struct fmt_err *e)
{
	struct cmd_opts o = { .npos = 1 };

	if (parse_words(argc, argv, &o, req->args, e))
		return -1;
	if (!strncasecmp(argv[0], "0x", 2))
		o.pos[0] >>= 12;
	json_object_set_new(req->args, "pfn", json_integer(o.pos[0]));
	return 0;
}

static int parse_translate(int argc, char **argv, struct cmd_req *req,
			   struct fmt_err *e)
{
	static const char *const names[] = { "cr3", "cpu", NULL };
	struct cmd_opts o = { .names = names, .npos = 1 };

	if (parse_words(argc, argv, &o, req->args, e))
		return -1;
	if (json_object_get(req->args, "cr3") && json_object_get(req->args, "cpu"))
		return fmt_fail(e, "give --cr3 or --cpu, not both");
	json_object_set_new(req->args, "addr", json_integer(o.pos[0]));
	return 0;
}

static int parse_mappings(int argc, char **argv, struct cmd_req *req,
			  struct fmt_err *e)
{
	static const char *const names[] = { "cr3", "start", "end", "max", NULL };
	struct cmd_opts o = { .names = names };

	return parse_words(argc, argv, &o, req->args, e);
}

/* ADDR SIZE [--cr3 X], SIZE at most QMP_READ_MAX. */
static int parse_read(int argc, char **argv, struct cmd_req *req,
		      const char *const *names, struct fmt_err *e)
{
	struct cmd_opts o = { .names = names, .npos = 2 };

	if (parse_words(argc, argv, &o, req->args, e))
		return -1;
	if (!o.pos[1] || o.pos[1] > QMP_READ_MAX)
		return fmt_fail(e, "SIZE must be 1..%u bytes", QMP_READ_MAX);
	json_object_set_new(req->args, "addr", json_integer(o.pos[0]));
	json_object_set_new(req->args, "size", json_integer(o.pos[1]));
	return 0;
}

static int parse_xp(int argc, char **argv, struct cmd_req *req,
		    struct fmt_err *e)
{
	return parse_read(argc, argv, req, NULL, e);
}

static int parse_read_virt(int argc, char **argv, struct cmd_req *req,
			   struct fmt_err *e)
{
	static const char *const names[] = { "cr3", NULL };

	return parse_read(argc, argv, req, names, e);
}

/* The bytes of module @path in *@buf (malloc'd): its size, or -1 and @e. */
static long read_module(const char *path, unsigned char **buf,
			struct fmt_err *e)
{
	/* base64 takes 4/3; the request's own JSON a little more */
	const long max = (QMP_REQUEST_MAX - 4096) / 4 * 3;
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return fmt_fail(e, "%s: %s", path, strerror(errno));
	*buf = malloc((size_t)max + 1);
	n = *buf ? (long)fread(*buf, 1, (size_t)max + 1, f) : -1;
	if (n < 0 || ferror(f))
		fmt_fail(e, "%s: cannot read it", path);
	else if (n > max)
		n = fmt_fail(e, "%s: more than %ld bytes, the most one QMP request carries",
			     path, max);
	else if (!n)
		n = fmt_fail(e, "%s: empty file", path);
	fclose(f);
	if (n <= 0) {
		free(*buf);
		*buf = NULL;
		return -1;
	}
	return n;
}

/* "PARAM=VALUE ..." of insmod's words after the file, or NULL: none. */
static json_t *module_params(int argc, char **argv)
{
	size_t len = 0;
	char *p;
	json_t *j;

	if (!argc)
		return NULL;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	p = malloc(len);
	if (!p)
		return NULL;
	p[0] = '\0';
	for (int i = 0; i < argc; i++)
		strcat(strcat(p, i ? " " : ""), argv[i]);
	j = json_string(p);
	free(p);
	return j;
}

/* insmod FILE.ko [PARAM=VALUE ...]: the file's bytes in base64. */
static int parse_insmod(int argc, char **argv, struct cmd_req *req,
			struct fmt_err *e)
{
	const char *base;
	unsigned char *image = NULL;
	char *data;
	long n;

	if (argc < 1)
		return fmt_fail(e, "missing FILE.ko");
	n = read_module(argv[0], &image, e);
	if (n < 0)
		return -1;
	data = malloc(base64_encoded_len((size_t)n) + 1);
	if (!data) {
		free(image);
		return fmt_fail(e, "out of memory");
	}
	base64_encode(image, (size_t)n, data);
	free(image);
	base = strrchr(argv[0], '/');
	json_object_set_new(req->args, "name",
			    json_string(base ? base + 1 : argv[0]));
	json_object_set_new(req->args, "data", json_string(data));
	free(data);
	if (argc > 1)
		json_object_set_new(req->args, "params",
				    module_params(argc - 1, argv + 1));
	return 0;
}

static int parse_rmmod(int argc, char **argv, struct cmd_req *req,
		       struct fmt_err *e)
{
	if (!argc)
		return fmt_fail(e, "missing NAME");
	if (argc > 1)
		return fmt_fail(e, "unexpected argument '%s'", argv[1]);
	json_object_set_new(req->args, "name", json_string(argv[0]));
	return 0;
}

/* workload start NAME [KEY=VALUE,...] | workload stop NAME */
static int parse_workload(int argc, char **argv, struct cmd_req *req,
			  struct fmt_err *e)
{
	bool start = argc && !strcmp(argv[0], "start");

	if (!argc || (!start && strcmp(argv[0], "stop")))
		return fmt_fail(e, "usage: workload start NAME [KEY=VALUE,...] | workload stop NAME");
	if (argc < 2)
		return fmt_fail(e, "missing NAME");
	if (argc > (start ? 3 : 2))
		return fmt_fail(e, "unexpected argument '%s'", argv[start ? 3 : 2]);
	req->qmp = start ? QMP_WORKLOAD_START : QMP_WORKLOAD_STOP;
	json_object_set_new(req->args, "name", json_string(argv[1]));
	if (argc == 3)
		json_object_set_new(req->args, "params", json_string(argv[2]));
	return 0;
}

/* qmp NAME [ARGUMENTS-JSON]: any command, its answer as JSON. */
static int parse_qmp(int argc, char **argv, struct cmd_req *req,
		     struct fmt_err *e)
{
	json_error_t jerr;
	json_t *a;

	if (argc < 1 || argc > 2)
		return fmt_fail(e, "usage: qmp COMMAND ['{\"ARG\": VALUE}']");
	req->qmp = argv[0];
	if (argc < 2)
		return 0;
	a = json_loads(argv[1], 0, &jerr);
	if (!json_is_object(a)) {
		json_decref(a);
		return fmt_fail(e, "the arguments are not a JSON object: %s",
				a ? "not an object" : jerr.text);
	}
	json_object_update(req->args, a);
	json_decref(a);
	return 0;
}

/* check [--budget-ms MS]: the parked time the check may take. */
static int parse_check(int argc, char **argv, struct cmd_req *req,
		       struct fmt_err *e)
{
	unsigned long long ms;

	if (!argc)
		return 0;
	if (argc != 2 || strcmp(argv[0], "--budget-ms"))
		return fmt_fail(e, "expects [--budget-ms MS]");
	if (cmd_number(argv[1], &ms) || ms < 1 || ms > 10000)
		return fmt_fail(e, "--budget-ms: '%s' is not in 1..10000", argv[1]);
	req->args = json_pack("{s:I}", "budget-ms", (json_int_t)ms);
	return 0;
}

/* The allocation verbs: alloc_verbs.c knows their words. */
#define ALLOC_VERB(verb)						\
static int parse_##verb(int argc, char **argv, struct cmd_req *req,	\
			struct fmt_err *e)				\
{									\
	return alloc_parse(#verb, argc, argv, req, e);			\
}
ALLOC_VERB(kmalloc)
ALLOC_VERB(kfree)
ALLOC_VERB(kmem_cache)
ALLOC_VERB(alloc_pages)
ALLOC_VERB(free_pages)
ALLOC_VERB(vmalloc)
ALLOC_VERB(vfree)
ALLOC_VERB(mempool)
ALLOC_VERB(alloc_percpu)
ALLOC_VERB(free_percpu)
ALLOC_VERB(dma_fill)
ALLOC_VERB(allocs)

#define ALLOC_OPTS	" [--cpu N] [--atomic]"

const struct vmmctl_cmd vmmctl_cmds[] = {
	{ "status", "query-status", "", parse_none, fmt_status },
	{ "version", "query-version", "", parse_none, fmt_version },
	{ "stop", "stop", "", parse_none, fmt_nothing },
	{ "cont", "cont", "", parse_none, fmt_nothing },
	{ "quit", "quit", "", parse_none, fmt_nothing },
	{ "commands", "query-commands", "", parse_none, fmt_commands },
	{ "zoneinfo", QMP_QUERY_ZONES, "", parse_none, fmt_zoneinfo },
	{ "buddyinfo", QMP_QUERY_ZONES, "", parse_none, fmt_buddyinfo },
	{ "slabinfo", QMP_QUERY_SLABINFO, "", parse_none, fmt_slabinfo },
	{ "vmallocinfo", QMP_QUERY_VMALLOCINFO, "", parse_none, fmt_vmallocinfo },
	{ "dma", QMP_QUERY_DMA, "", parse_none, fmt_dma },
	{ "check", QMP_CHECK, "[--budget-ms MS]", parse_check, fmt_check },
	{ "mempools", QMP_QUERY_MEMPOOLS, "", parse_none, fmt_mempools },
	{ "memblock", QMP_QUERY_MEMBLOCK, "", parse_none, fmt_memblock },
	{ "e820", QMP_QUERY_E820, "", parse_none, fmt_e820 },
	{ "owner", QMP_PAGE_OWNER, "PFN|0xADDR", parse_owner, fmt_owner },
	{ "translate", QMP_TRANSLATE, "ADDR [--cr3 X|--cpu N]",
	  parse_translate, fmt_translate },
	{ "mappings", QMP_QUERY_MAPPINGS,
	  "[--cr3 X] [--start ADDR] [--end ADDR] [--max N]",
	  parse_mappings, fmt_mappings },
	{ "xp", QMP_READ_PHYS, "ADDR SIZE", parse_xp, fmt_memory },
	{ "read-virt", QMP_READ_VIRT, "ADDR SIZE [--cr3 X]",
	  parse_read_virt, fmt_memory },
	{ "memstat", QMP_QUERY_MEMSTATS, "", parse_none, fmt_memstat },
	{ "dirty", QMP_QUERY_DIRTY, "", parse_none, fmt_dirty },
	{ "percpu", QMP_QUERY_PERCPU, "", parse_none, fmt_percpu },
	{ "insmod", QMP_INSMOD, "FILE.ko [PARAM=VALUE ...]", parse_insmod,
	  fmt_insmod },
	{ "rmmod", QMP_RMMOD, "NAME", parse_rmmod, fmt_rmmod },
	{ "lsmod", QMP_QUERY_MODULES, "", parse_none, fmt_lsmod },
	{ "workloads", QMP_QUERY_WORKLOADS, "", parse_none, fmt_workloads },
	{ "workload", QMP_WORKLOAD_START, "start NAME [KEY=VALUE,...] | stop NAME",
	  parse_workload, fmt_alloc },
	{ "kmalloc", QMP_ALLOC, "SIZE FLAGS" ALLOC_OPTS, parse_kmalloc, fmt_alloc },
	{ "kfree", QMP_ALLOC, "HANDLE" ALLOC_OPTS, parse_kfree, fmt_alloc },
	{ "kmem_cache", QMP_ALLOC, "create NAME SIZE [ALIGN [SLAB_FLAGS]] | "
	  "alloc HANDLE|NAME [FLAGS] | free HANDLE | destroy HANDLE" ALLOC_OPTS,
	  parse_kmem_cache, fmt_alloc },
	{ "alloc_pages", QMP_ALLOC, "ORDER FLAGS" ALLOC_OPTS, parse_alloc_pages,
	  fmt_alloc },
	{ "free_pages", QMP_ALLOC, "HANDLE" ALLOC_OPTS, parse_free_pages, fmt_alloc },
	{ "vmalloc", QMP_ALLOC, "SIZE" ALLOC_OPTS, parse_vmalloc, fmt_alloc },
	{ "vfree", QMP_ALLOC, "HANDLE" ALLOC_OPTS, parse_vfree, fmt_alloc },
	{ "mempool", QMP_ALLOC, "create MIN_NR SIZE | alloc HANDLE [FLAGS] | "
	  "free HANDLE | resize HANDLE MIN_NR [FLAGS] | destroy HANDLE" ALLOC_OPTS,
	  parse_mempool, fmt_alloc },
	{ "alloc_percpu", QMP_ALLOC, "SIZE [ALIGN]" ALLOC_OPTS, parse_alloc_percpu,
	  fmt_alloc },
	{ "free_percpu", QMP_ALLOC, "HANDLE" ALLOC_OPTS, parse_free_percpu,
	  fmt_alloc },
	{ "dma_fill", QMP_ALLOC, "HANDLE BYTE" ALLOC_OPTS, parse_dma_fill,
	  fmt_alloc },
	{ "allocs", QMP_ALLOC, "[--cpu N]", parse_allocs, fmt_allocs },
	{ "free", QMP_ALLOC, "--all [--cpu N]", alloc_parse_free, fmt_alloc },
	{ "qmp", NULL, "COMMAND [ARGUMENTS-JSON]", parse_qmp, fmt_json },
};

const size_t vmmctl_nr_cmds = sizeof(vmmctl_cmds) / sizeof(vmmctl_cmds[0]);

const struct vmmctl_cmd *cmd_find(const char *name)
{
	for (size_t i = 0; i < vmmctl_nr_cmds; i++)
		if (!strcmp(vmmctl_cmds[i].name, name))
			return &vmmctl_cmds[i];
	return NULL;
}

bool cmd_waits(const char *qmp)
{
	return qmp && (!strcmp(qmp, QMP_INSMOD) || !strcmp(qmp, QMP_RMMOD) ||
		       !strcmp(qmp, QMP_ALLOC) || !strcmp(qmp, QMP_WORKLOAD_START) ||
		       !strcmp(qmp, QMP_WORKLOAD_STOP));
}

int cmd_request(const struct vmmctl_cmd *cmd, int argc, char **argv,
		struct cmd_req *req, struct fmt_err *e)
{
	req->qmp = cmd->qmp;
	req->args = json_object();
	if (!req->args)
		return fmt_fail(e, "out of memory");
	if (cmd->parse(argc, argv, req, e)) {
		json_decref(req->args);
		req->args = NULL;
		return -1;
	}
	if (!json_object_size(req->args)) {
		json_decref(req->args);
		req->args = NULL;
	}
	return 0;
}

/*
 * The lists vmm answers in pages: the list's member, and the member of an
 * entry that is the next page's "start-after".
 */
static const struct cmd_paged {
	const char *qmp, *list, *key;
} paged[] = {
	{ QMP_QUERY_VMALLOCINFO, "areas", "start" },
	{ QMP_QUERY_SLABINFO, "caches", "addr" },
	{ QMP_QUERY_MEMPOOLS, "mempools", "addr" },
	{ QMP_QUERY_PERCPU, "chunks", "addr" },
	{ QMP_QUERY_MODULES, "modules", "addr" },
};

static const struct cmd_paged *find_paged(const char *qmp)
{
	for (size_t i = 0; qmp && i < sizeof(paged) / sizeof(paged[0]); i++)
		if (!strcmp(paged[i].qmp, qmp))
			return &paged[i];
	return NULL;
}

const char *cmd_paged_list(const char *qmp)
{
	const struct cmd_paged *p = find_paged(qmp);

	return p ? p->list : NULL;
}

json_t *cmd_next_page(const char *qmp, json_t *args, json_t *page)
{
	const struct cmd_paged *p = find_paged(qmp);
	json_t *list, *key, *next;

	if (!p || !json_is_true(json_object_get(page, "truncated")))
		return NULL;
	list = json_object_get(page, p->list);
	key = json_object_get(json_array_get(list, json_array_size(list) - 1),
			      p->key);
	if (!key)
		return NULL;
	next = args ? json_deep_copy(args) : json_object();
	if (next)
		json_object_set(next, "start-after", key);
	return next;
}

static bool has_string(json_t *list, json_t *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (json_equal(v, s))
			return true;
	return false;
}

void cmd_merge_page(const char *qmp, json_t *whole, json_t *page)
{
	const char *list = cmd_paged_list(qmp);
	static const char *const ends[] = { "truncated", "skipped",
					    "skipped_at_least", "incomplete" };
	json_t *all = json_object_get(whole, "inconsistencies"), *v;
	size_t i;

	if (!list)
		return;
	/* a page cut short by vmm's budget was taken up by this one */
	for (i = json_array_size(all); i-- > 0;)
		if (!strncmp(json_string_value(json_array_get(all, i)) ?: "",
			     "incomplete: ", 12))
			json_array_remove(all, i);
	json_array_extend(json_object_get(whole, list),
			  json_object_get(page, list));
	json_array_foreach(json_object_get(page, "inconsistencies"), i, v)
		if (all && !has_string(all, v))
			json_array_append(all, v);
	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		v = json_object_get(page, ends[i]);
		if (v)
			json_object_set(whole, ends[i], v);
		else
			json_object_del(whole, ends[i]);
	}
	if (json_object_get(whole, "nr_areas"))
		json_object_set_new(whole, "nr_areas", json_integer(
			json_array_size(json_object_get(whole, list))));
}
