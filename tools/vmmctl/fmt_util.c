// SPDX-License-Identifier: MIT
/* Helpers shared by the output formats. */
#include <stdarg.h>
#include <stdlib.h>

#include "fmt.h"

int fmt_fail(struct fmt_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* A count (integer) or an address (vmm sends "0x..." strings). */
long long fmt_int(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_string(v))
		return (long long)strtoull(json_string_value(v), NULL, 0);
	return json_integer_value(v);
}

const char *fmt_str(json_t *obj, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : def;
}

json_t *fmt_array(json_t *obj, const char *key, struct fmt_err *e)
{
	json_t *a = json_object_get(obj, key);

	if (!json_is_array(a)) {
		fmt_fail(e, "the answer has no \"%s\" array", key);
		return NULL;
	}
	return a;
}

void fmt_flags(FILE *out, json_t *flags)
{
	json_t *f;
	size_t i;

	if (json_is_string(flags)) {
		fputs(json_string_value(flags), out);
		return;
	}
	if (json_is_integer(flags)) {
		fprintf(out, "0x%llx", (unsigned long long)json_integer_value(flags));
		return;
	}
	json_array_foreach(flags, i, f)
		fprintf(out, "%s%s", i ? " " : "",
			json_is_string(f) ? json_string_value(f) : "?");
}

int fmt_json(FILE *out, json_t *ret, struct fmt_err *e)
{
	if (json_dumpf(ret, out, JSON_INDENT(2) | JSON_ENCODE_ANY | JSON_ENSURE_ASCII))
		return fmt_fail(e, "cannot print the JSON");
	fputc('\n', out);
	return 0;
}
