// SPDX-License-Identifier: MIT
/*
 * The one field reader of guest structs (vmm/control/mm_layout.h):
 * field_get() on a copy of fuzzed length with a fuzzed field, and
 * field_elem() on a fuzzed array. The copy is allocated at exactly its
 * length, so a read past it is AddressSanitizer's report.
 *
 * Input: the copy's length (u16), a field (off, size: u32 each, the size
 * taken from 0..15 half the time so the valid widths come often), an array
 * (off, elem_size, count, index: u32 each), then the copy's bytes. Checked:
 * the value is the little-endian bytes when the field is 1, 2, 4 or 8
 * bytes inside the copy, else 0; an element is inside its array's span,
 * or has size 0.
 */
#include <inttypes.h>

#include "control/mm_layout.h"
#include "fuzz.h"

static uint64_t reference(const uint8_t *copy, size_t len, struct field f)
{
	uint64_t v = 0;

	if (f.size != 1 && f.size != 2 && f.size != 4 && f.size != 8)
		return 0;
	if ((uint64_t)f.off + f.size > len)
		return 0;
	for (uint32_t i = 0; i < f.size; i++)
		v |= (uint64_t)copy[f.off + i] << (8 * i);
	return v;
}

static void check_elem(struct field_array a, uint32_t i)
{
	struct field f = field_elem(a, i);
	uint64_t want = a.off + (uint64_t)i * a.elem_size;

	if (!f.size) {
		FUZZ_CHECK(i >= a.count || want > UINT32_MAX || !a.elem_size,
			   "element %" PRIu32 " of [%" PRIu32 ", %" PRIu32 " x %" PRIu32 "] refused",
			   i, a.off, a.elem_size, a.count);
		return;
	}
	FUZZ_CHECK(i < a.count, "element %" PRIu32 " past count %" PRIu32, i, a.count);
	FUZZ_CHECK(f.off == want && f.size == a.elem_size,
		   "element %" PRIu32 " at %" PRIu32 "+%" PRIu32 ", want %" PRIu64,
		   i, f.off, f.size, want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct field_array a;
	struct field f;
	uint8_t *copy;
	size_t len;
	uint64_t got;
	uint32_t i;

	len = fuzz_u16(&in);
	f.off = fuzz_u32(&in);
	f.size = fuzz_u32(&in);
	if (f.size & 0x80000000u)
		f.size &= 15;
	if (f.off & 0x80000000u)
		f.off = len ? f.off % (len + 8) : f.off & 15;
	a.off = fuzz_u32(&in);
	a.elem_size = fuzz_u32(&in);
	a.count = fuzz_u32(&in);
	i = fuzz_u32(&in);
	if (len > in.len)
		len = in.len;
	copy = malloc(len ? len : 1);
	if (!copy)
		return 0;
	memcpy(copy, in.p, len);

	got = field_get(copy, len, f);
	FUZZ_CHECK(got == reference(copy, len, f),
		   "field [%" PRIu32 " +%" PRIu32 ") of %zu bytes: %#" PRIx64 ", want %#" PRIx64,
		   f.off, f.size, len, got, reference(copy, len, f));
	check_elem(a, i);
	f = field_elem(a, i);
	FUZZ_CHECK(field_get(copy, len, f) == reference(copy, len, f),
		   "element read differs");
	free(copy);
	return 0;
}
