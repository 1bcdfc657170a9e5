// SPDX-License-Identifier: MIT
/*
 * vmmctl physmap's formatters (tools/vmmctl/physmap.h) on a canned answer
 * whose guest strings are hostile (a cache named <&">ESC[2J, a zone name
 * with a terminal title sequence, an inconsistency with a colour escape):
 * the terminal map without colour, letter by letter, and with it, with no
 * escape of the guest's reaching the terminal; an SVG that is well-formed
 * XML with the names escaped; a PNG read back with libpng, its size and
 * its cells' colours. And the options, the view's checks, the merging of
 * answers.
 */
#include <criterion/criterion.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "physmap.h"

#define HOSTILE_CACHE	"<&\">\033[2J"

static const char answer_text[] =
	"{\"start-pfn\":0,\"end-pfn\":64,\"max-pfn\":64,\"group\":1,"
	"\"runs\":[{\"pfn\":0,\"count\":8,\"kind\":\"kernel\"},"
	"{\"pfn\":8,\"count\":8,\"kind\":\"free\",\"order\":3},"
	"{\"pfn\":16,\"count\":4,\"kind\":\"slab\",\"cache\":\"<&\\\">\\u001b[2J\"},"
	"{\"pfn\":20,\"count\":12,\"kind\":\"hole\"},"
	"{\"pfn\":32,\"count\":32,\"kind\":\"free\",\"order\":5}],"
	"\"counts\":{\"kernel\":8,\"free\":40,\"slab\":4,\"hole\":12,"
	"\"free_by_order\":[0,0,0,8,0,32]},"
	"\"zones\":[{\"name\":\"DMA\",\"start_pfn\":0,\"end_pfn\":32,"
	"\"managed\":20,\"free\":8,\"nr_free\":[0,0,0,1],"
	"\"unusable_index\":[0,0,0,0],\"extfrag_index\":[-1000,-1000,-1000,-1000]},"
	"{\"name\":\"N\\u001b]0;x\\u0007\",\"start_pfn\":32,\"end_pfn\":64,"
	"\"managed\":32,\"free\":32,\"nr_free\":[0,0,0,0,0,1,0],"
	"\"unusable_index\":[0,0,0,0,0,0,1000],\"extfrag_index\":[-1000,-1000,-1000,-1000,-1000,-1000,969]}],"
	"\"e820\":[{\"addr\":\"0x14000\",\"size\":49152,\"type\":\"reserved\"}],"
	"\"inconsistencies\":[\"bad \\u001b[31m thing\"]}";

static json_t *ans;
static struct pmap_view v;

static void build(void)
{
	struct fmt_err e;

	ans = json_loads(answer_text, 0, NULL);
	cr_assert_not_null(ans, "the canned answer does not parse");
	cr_assert_eq(pmap_view_build(ans, 16, &v, &e), 0, "%s", e.msg);
}

static void release(void)
{
	pmap_view_release(&v);
	json_decref(ans);
}

TestSuite(physmap_fmt, .init = build, .fini = release);

/* What @fmt wrote on a memory stream (free it). */
static char *drawn(int (*fmt)(FILE *, const struct pmap_view *, struct fmt_err *))
{
	struct fmt_err e;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	cr_assert_eq(fmt(f, &v, &e), 0, "%s", e.msg);
	fclose(f);
	return buf;
}

Test(physmap_fmt, terminal_without_colour_draws_letters)
{
	char *out;

	v.color = false;
	out = drawn(fmt_physmap_text);
	cr_assert_not_null(strstr(out, "DMA            0 kkkkkkkk33333333"), "%s", out);
	cr_assert_not_null(strstr(out, "              16 ssss............"), "%s", out);
	cr_assert_not_null(strstr(out, "              48 5555555555555555"), "%s", out);
	/* the zone's name and the figures beside, the guest's escapes shown */
	cr_assert_not_null(strstr(out, "N\\x1b]0;x\\x07"), "%s", out);
	cr_assert_not_null(strstr(out, "order  blocks  unusable  extfrag"), "%s", out);
	cr_assert_not_null(strstr(out, "      6       0     1.000    0.969"), "%s", out);
	cr_assert_not_null(strstr(out, "pfn 20-31 reserved"), "%s", out);
	cr_assert_not_null(strstr(out, "inconsistency: bad \\x1b[31m thing"), "%s", out);
	cr_assert_null(strchr(out, '\033'), "an escape without colour: %s", out);
	cr_assert_null(strchr(out, '\a'));
	free(out);
}

Test(physmap_fmt, terminal_colour_is_ours_only)
{
	char *out;

	v.color = true;
	out = drawn(fmt_physmap_text);
	cr_assert_not_null(strstr(out, "\033[38;2;215;30;40m\u2588"), "the kernel's red");
	cr_assert_not_null(strstr(out, "\033[0m"));
	cr_assert_null(strstr(out, "\033[2J"), "the guest's clear screen got through");
	cr_assert_null(strstr(out, "\033]0;"), "the guest's title got through");
	cr_assert_null(strstr(out, "\033[31m"), "the guest's colour got through");
	free(out);
}

/*
 * Well-formed enough to trust: tags nest and close, every & starts one of
 * XML's five entities, no control character but \n.
 */
static void well_formed(const char *x)
{
	const char *stack[64];
	size_t depth = 0, lens[64];

	for (const char *p = x; *p; p++) {
		cr_assert((unsigned char)*p >= 0x20 || *p == '\n',
			  "control byte 0x%02x at %td", *p, p - x);
		if (*p == '&')
			cr_assert(!strncmp(p, "&lt;", 4) || !strncmp(p, "&gt;", 4) ||
				  !strncmp(p, "&amp;", 5) || !strncmp(p, "&quot;", 6) ||
				  !strncmp(p, "&apos;", 6), "a bare & at %td", p - x);
		if (*p != '<' || p[1] == '?')
			continue;
		const char *end = strchr(p, '>'), *name = p + 1 + (p[1] == '/');
		size_t len = strcspn(name, " />");

		cr_assert_not_null(end, "an unclosed tag at %td", p - x);
		cr_assert_null(memchr(p + 1, '<', (size_t)(end - p - 1)), "< in a tag at %td", p - x);
		if (p[1] == '/') {
			cr_assert_gt(depth, 0);
			depth--;
			cr_assert(lens[depth] == len && !strncmp(stack[depth], name, len),
				  "</%.*s> closes <%.*s>", (int)len, name,
				  (int)lens[depth], stack[depth]);
		} else if (end[-1] != '/') {
			cr_assert_lt(depth, 64);
			stack[depth] = name;
			lens[depth++] = len;
		}
		p = end;
	}
	cr_assert_eq(depth, 0, "unclosed elements");
}

Test(physmap_fmt, svg_is_well_formed_and_escapes_the_guest)
{
	char *svg = drawn(fmt_physmap_svg);

	well_formed(svg);
	cr_assert_not_null(strstr(svg, "slab &lt;&amp;&quot;&gt;\\x1b[2J</title>"), "%s", svg);
	cr_assert_not_null(strstr(svg, ">N\\x1b]0;x\\x07</text>"), "%s", svg);
	cr_assert_not_null(strstr(svg, "fill=\"#d71e28\""), "the kernel's red");
	cr_assert_null(strstr(svg, HOSTILE_CACHE));
	free(svg);
}

static void expect_pixel(const png_byte *px, unsigned int width, unsigned int x,
			  unsigned int y, const uint8_t rgb[3])
{
	const png_byte *p = px + ((size_t)y * width + x) * 3;

	cr_assert(p[0] == rgb[0] && p[1] == rgb[1] && p[2] == rgb[2],
		  "pixel %u,%u: %u,%u,%u, not %u,%u,%u", x, y, p[0], p[1], p[2],
		  rgb[0], rgb[1], rgb[2]);
}

/* The centre pixel of cell @i, at @scale pixels a cell. */
static void expect_cell(const png_byte *px, unsigned int width,
			unsigned int scale, uint64_t i)
{
	uint8_t rgb[3];

	pmap_rgb(&v, &v.cells[i], rgb);
	expect_pixel(px, width, (unsigned int)(i % v.cols) * scale + scale / 2,
		     (unsigned int)(i / v.cols) * scale + scale / 2, rgb);
}

Test(physmap_fmt, png_reads_back_with_libpng)
{
	const unsigned int scale = 4;
	png_image img = { .version = PNG_IMAGE_VERSION };
	const uint8_t hole[3] = { 40, 40, 40 };
	struct fmt_err e;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	png_byte *px;

	cr_assert_eq(fmt_physmap_png(f, &v, scale, &e), 0, "%s", e.msg);
	fclose(f);
	cr_assert_gt(len, 8);
	cr_assert(png_image_begin_read_from_memory(&img, buf, len), "%s", img.message);
	cr_assert_gt(img.width, v.cols * scale, "no room for the legend");
	cr_assert_geq(img.height, 4 * scale);
	img.format = PNG_FORMAT_RGB;
	px = malloc(PNG_IMAGE_SIZE(img));
	cr_assert(png_image_finish_read(&img, NULL, px, 0, NULL), "%s", img.message);
	expect_cell(px, img.width, scale, 0);	/* kernel */
	expect_cell(px, img.width, scale, 8);	/* free, order 3 */
	expect_cell(px, img.width, scale, 16);	/* the hostile cache's slab */
	expect_cell(px, img.width, scale, 40);	/* free, order 5 */
	expect_pixel(px, img.width, 21 % 16 * scale + 1, 21 / 16 * scale + 1, hole);
	free(px);
	free(buf);
}

Test(physmap_fmt, free_orders_and_caches_have_their_own_shades)
{
	uint8_t k[3], f3[3], f5[3], s[3];

	pmap_rgb(&v, &v.cells[0], k);
	pmap_rgb(&v, &v.cells[8], f3);
	pmap_rgb(&v, &v.cells[40], f5);
	pmap_rgb(&v, &v.cells[16], s);
	cr_assert_eq(v.cells[16].cls, PMAP_SLAB);
	cr_assert_str_eq(v.caches[v.cells[16].cache - 1], HOSTILE_CACHE);
	cr_assert(memcmp(f3, f5, 3), "orders 3 and 5 look the same");
	cr_assert(memcmp(k, s, 3));
	cr_assert_gt(f3[0], f5[0], "a larger block is a deeper green");
}

Test(physmap_fmt, a_run_outside_the_pages_is_refused)
{
	json_t *bad = json_loads("{\"start-pfn\":0,\"end-pfn\":16,\"group\":1,"
				 "\"runs\":[{\"pfn\":8,\"count\":9,\"kind\":\"free\"}]}",
				 0, NULL);
	struct pmap_view w;
	struct fmt_err e;

	cr_assert_eq(pmap_view_build(bad, 16, &w, &e), -1);
	cr_assert_not_null(strstr(e.msg, "outside"), "%s", e.msg);
	json_decref(bad);
}

/* The next answer takes up where vmm's budget cut one short: no longer incomplete. */
Test(physmap_fmt, answers_merge_into_one)
{
	json_t *whole = json_loads("{\"start-pfn\":0,\"end-pfn\":8,\"next-pfn\":8,"
				   "\"runs\":[{\"pfn\":0,\"count\":8,\"kind\":\"free\",\"order\":3}],"
				   "\"counts\":{\"free\":8,\"slab\":0,\"free_by_order\":[0,0,0,8]},"
				   "\"incomplete\":\"out of time\","
				   "\"inconsistencies\":[\"incomplete: out of time\"]}", 0, NULL);
	json_t *page = json_loads("{\"start-pfn\":8,\"end-pfn\":12,"
				  "\"runs\":[{\"pfn\":8,\"count\":4,\"kind\":\"slab\",\"cache\":\"c\"}],"
				  "\"counts\":{\"free\":0,\"slab\":4,\"free_by_order\":[1,0,0,0,16]},"
				  "\"inconsistencies\":[\"x\"]}", 0, NULL);
	json_t *want = json_loads("{\"start-pfn\":0,\"end-pfn\":12,"
				  "\"runs\":[{\"pfn\":0,\"count\":8,\"kind\":\"free\",\"order\":3},"
				  "{\"pfn\":8,\"count\":4,\"kind\":\"slab\",\"cache\":\"c\"}],"
				  "\"counts\":{\"free\":8,\"slab\":4,\"free_by_order\":[1,0,0,8,16]},"
				  "\"inconsistencies\":[\"x\"]}", 0, NULL);

	pmap_merge(whole, page);
	cr_assert(json_equal(whole, want), "%s", json_dumps(whole, JSON_COMPACT));
	json_decref(whole);
	json_decref(page);
	json_decref(want);
}

Test(physmap_fmt, options)
{
	struct pmap_opts o;
	struct fmt_err e;

	cr_assert_eq(pmap_parse(3, (char *[]){ "--png", "m.png", "--color=never", NULL },
				&o, &e), 0, "%s", e.msg);
	cr_assert_str_eq(o.png, "m.png");
	cr_assert_eq(o.color, PMAP_COLOR_NEVER);
	cr_assert_eq(pmap_parse(3, (char *[]){ "--watch", "--interval", "0.5", NULL },
				&o, &e), 0, "%s", e.msg);
	cr_assert(o.watch);
	cr_assert_eq(o.interval_ms, 500);
	cr_assert_eq(pmap_parse(1, (char *[]){ "--color=sometimes", NULL }, &o, &e), -1);
	cr_assert_not_null(strstr(e.msg, "sometimes"), "%s", e.msg);
	cr_assert_eq(pmap_parse(3, (char *[]){ "--watch", "--svg", "m.svg", NULL }, &o, &e), -1);
	cr_assert_eq(pmap_parse(2, (char *[]){ "--group", "0", NULL }, &o, &e), -1);
	cr_assert_eq(pmap_parse(1, (char *[]){ "extra", NULL }, &o, &e), -1);
}
