// SPDX-License-Identifier: MIT
/*
 * The nested control link's frames (vmm/control/ctlmux.c): the input is the
 * byte stream one endpoint reads from the other, parsed frame by frame as
 * the endpoint does. Checked for each frame: its size is its header's,
 * within the input; the header is one the contract allows (channel not 0,
 * a known type, OPEN and CLOSE empty, DATA 1..CTLMUX_MAX_PAYLOAD bytes);
 * ctlmux_frame_put writes the same bytes back; every shorter prefix asks
 * for more. A refused frame is refused from its header alone, with a
 * reason, and no prefix shorter than a header is refused.
 */
#include "control/ctlmux.h"
#include "fuzz.h"

static void check_prefixes(const uint8_t *p, size_t n)
{
	struct ctlmux_frame f;
	const char *why;

	for (size_t len = 0; len < n; len++)
		FUZZ_CHECK(ctlmux_frame_parse(p, len, &f, &why) == 0,
			   "a %zu-byte prefix of a %zu-byte frame", len, n);
}

static void check_frame(const uint8_t *p, size_t len, ssize_t n,
			const struct ctlmux_frame *f)
{
	static uint8_t again[CTLMUX_HDR_LEN + CTLMUX_MAX_PAYLOAD];

	FUZZ_CHECK((size_t)n <= len, "%zd bytes of %zu", n, len);
	FUZZ_CHECK((size_t)n == CTLMUX_HDR_LEN + f->len, "size %zd, length %u",
		   n, f->len);
	FUZZ_CHECK(f->payload == p + CTLMUX_HDR_LEN, "payload");
	FUZZ_CHECK(f->chan, "channel 0");
	if (f->type == CTLMUX_DATA)
		FUZZ_CHECK(f->len >= 1 && f->len <= CTLMUX_MAX_PAYLOAD,
			   "DATA of %u bytes", f->len);
	else
		FUZZ_CHECK((f->type == CTLMUX_OPEN || f->type == CTLMUX_CLOSE) &&
			   !f->len, "type %u, length %u", f->type, f->len);
	FUZZ_CHECK(ctlmux_frame_put(again, f->chan, f->type, f->payload,
				    f->len) == (size_t)n, "put's size");
	FUZZ_CHECK(!memcmp(again, p, n), "put wrote other bytes");
	check_prefixes(p, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;

	for (;;) {
		const uint8_t *p = data + off;
		size_t len = size - off;
		struct ctlmux_frame f;
		const char *why = NULL;
		ssize_t n = ctlmux_frame_parse(p, len, &f, &why);

		if (n > 0) {
			check_frame(p, len, n, &f);
			off += n;
			continue;
		}
		if (n < 0) {
			FUZZ_CHECK(why && *why, "refused without a reason");
			FUZZ_CHECK(len >= CTLMUX_HDR_LEN, "refused at %zu bytes", len);
			FUZZ_CHECK(ctlmux_frame_parse(p, CTLMUX_HDR_LEN, &f, &why) < 0,
				   "refused only with its payload");
			check_prefixes(p, CTLMUX_HDR_LEN);
		} else {
			FUZZ_CHECK(n == 0, "returned %zd", n);
		}
		return 0;
	}
}
