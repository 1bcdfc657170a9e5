// SPDX-License-Identifier: MIT
/*
 * The QMP control socket's input: a byte stream from an untrusted client,
 * framed by qmp_parse_next and answered by qmp_dispatch (qmp_handle_input,
 * the server's own loop), with no VM behind it (ctx.vm == NULL).
 *
 * Input: one byte picking a chunk size, then the stream. The stream is fed
 * once whole and once in chunks, as recv() would split it, with the
 * server's buffering (what is not consumed is kept and given again with
 * the next chunk). Checked: every reply is a JSON object with exactly one
 * of "return" and "error" (and at most an "id"); an error is {"class",
 * "desc"}, both strings; both feeds give the same replies (but for the
 * words of a JSON parse error) in the same order, and leave the same
 * incomplete request (but for whitespace before it); nothing leaks
 * (LeakSanitizer).
 */
#include <jansson.h>
#include <stdbool.h>

#include "fuzz.h"
#include "qmp.h"
#include "vm.h"

#define MAX_REPLIES	4096

struct replies {
	char *text[MAX_REPLIES];
	size_t n, dropped;
};

static void check_reply(json_t *r)
{
	json_t *ret, *err, *class, *desc;
	size_t keys;

	FUZZ_CHECK(json_is_object(r), "reply is not an object");
	ret = json_object_get(r, "return");
	err = json_object_get(r, "error");
	FUZZ_CHECK(!ret != !err, "reply has %s", ret ? "both" : "neither");
	keys = 1 + !!json_object_get(r, "id");
	FUZZ_CHECK(json_object_size(r) == keys, "reply has %zu members",
		   json_object_size(r));
	if (!err)
		return;
	class = json_object_get(err, "class");
	desc = json_object_get(err, "desc");
	FUZZ_CHECK(json_is_object(err) && json_object_size(err) == 2,
		   "error is not {class, desc}");
	FUZZ_CHECK(json_is_string(class) && json_string_length(class),
		   "error class is not a string");
	FUZZ_CHECK(json_is_string(desc), "error desc is not a string");
}

static bool collect(void *opaque, struct qmp_ctx *ctx, json_t *reply)
{
	struct replies *rs = opaque;
	json_t *err;
	char *text;

	FUZZ_CHECK(reply, "NULL reply");
	check_reply(reply);
	/*
	 * jansson names the token near a parse error, which depends on how
	 * much of the line had come: compare only that it was one.
	 */
	err = json_object_get(reply, "error");
	if (err && !strncmp(json_string_value(json_object_get(err, "desc")),
			    "JSON parse error", 16))
		json_object_set_new(err, "desc", json_string("JSON parse error"));
	/* what the server sends: it must serialize */
	text = json_dumps(reply, JSON_COMPACT | JSON_SORT_KEYS);
	FUZZ_CHECK(text, "reply does not serialize");
	json_decref(reply);
	if (rs->n < MAX_REPLIES)
		rs->text[rs->n++] = text;
	else
		free(text), rs->dropped++;
	return true;
}

/* Feeds @data in @chunk-byte pieces (0: whole) through the server's input path. */
static size_t feed(const uint8_t *data, size_t size, size_t chunk,
		   struct replies *rs, bool *negotiated)
{
	struct qmp_ctx ctx = { 0 };
	struct qmp_input_state st = { 0 };
	char *buf = malloc(size ? size : 1);
	size_t have = 0, pos = 0;

	FUZZ_CHECK(buf, "out of memory");
	if (!chunk)
		chunk = size;
	while (pos < size) {
		size_t n = size - pos < chunk ? size - pos : chunk, used;

		memcpy(buf + have, data + pos, n);
		pos += n;
		have += n;
		used = qmp_input_run(&ctx, buf, have, false, &st, collect, rs);
		FUZZ_CHECK(used <= have, "consumed %zu of %zu bytes", used, have);
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	*negotiated = st.negotiated;
	/* whitespace before an incomplete request may or may not be eaten */
	for (pos = 0; pos < have && memchr(" \t\r\n", buf[pos], 4); pos++)
		;
	free(buf);
	return have - pos;
}

static void free_replies(struct replies *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free(rs->text[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct replies whole, split;
	bool neg_whole = false, neg_split = false;
	size_t chunk, left_whole, left_split;

	if (!size)
		return 0;
	chunk = data[0] % 32;	/* 0: whole again; small pieces are the news */
	data++;
	size--;

	whole.n = whole.dropped = split.n = split.dropped = 0;
	left_whole = feed(data, size, 0, &whole, &neg_whole);
	left_split = feed(data, size, chunk, &split, &neg_split);

	FUZZ_CHECK(whole.n + whole.dropped == split.n + split.dropped,
		   "%zu replies whole, %zu in %zu-byte pieces",
		   whole.n + whole.dropped, split.n + split.dropped, chunk);
	for (size_t i = 0; i < whole.n && i < split.n; i++)
		FUZZ_CHECK(!strcmp(whole.text[i], split.text[i]),
			   "reply %zu: %s whole, %s in %zu-byte pieces", i,
			   whole.text[i], split.text[i], chunk);
	FUZZ_CHECK(neg_whole == neg_split, "negotiation differs");
	FUZZ_CHECK(left_whole == left_split,
		   "%zu bytes left whole, %zu in %zu-byte pieces", left_whole,
		   left_split, chunk);
	free_replies(&whole);
	free_replies(&split);
	return 0;
}

/*
 * With ctx.vm == NULL the commands never reach the VM or the server: these
 * stand in for vm.c and qmp_server.c, and abort if that ever changes.
 */
int vm_pause(struct vm *vm, struct errbuf *e)
{
	abort();
}

void vm_resume(struct vm *vm)
{
	abort();
}

/* check_cmds.c's periodic thread, never started here */
bool vm_ended(struct vm *vm)
{
	abort();
}

void vm_end(struct vm *vm, enum vm_end why, int status)
{
	abort();
}

void qmp_server_broadcast(struct qmp_server *s, json_t *event)
{
	abort();
}
