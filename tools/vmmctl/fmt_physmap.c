// SPDX-License-Identifier: MIT
/*
 * vmmctl physmap's pictures (physmap.h): the view built from the answer,
 * and its three drawings - terminal, SVG, PNG. Pure: they write on the
 * FILE they are given.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "cmds.h"
#include "physmap.h"
#include "term_safe.h"

static const char *const class_names[PMAP_NR_CLASSES] = {
	"hole", "free", "pcp", "slab", "pagetable", "vmalloc", "module",
	"percpu", "dma", "bootmem", "kernel", "reserved", "allocated", "unknown",
};

/* A cell's letter without colour; free blocks: their order's digit. */
static const char class_letter[PMAP_NR_CLASSES] = {
	'.', 'f', 'p', 's', 't', 'v', 'm', 'c', 'd', 'b', 'k', 'r', 'a', '?',
};

static const uint8_t class_rgb[PMAP_NR_CLASSES][3] = {
	[PMAP_HOLE] = { 40, 40, 40 },
	[PMAP_FREE] = { 40, 160, 60 },
	[PMAP_PCP] = { 120, 220, 200 },
	[PMAP_SLAB] = { 245, 150, 30 },
	[PMAP_PAGETABLE] = { 150, 70, 200 },
	[PMAP_VMALLOC] = { 50, 110, 230 },
	[PMAP_MODULE] = { 0, 200, 230 },
	[PMAP_PERCPU] = { 235, 220, 50 },
	[PMAP_DMA] = { 230, 0, 230 },
	[PMAP_BOOTMEM] = { 150, 105, 60 },
	[PMAP_KERNEL] = { 215, 30, 40 },
	[PMAP_RESERVED] = { 120, 120, 120 },
	[PMAP_ALLOCATED] = { 240, 120, 175 },
	[PMAP_UNKNOWN] = { 250, 250, 250 },
};

#define FREE_SHADES	11	/* orders 0..10; above: the darkest */

const char *pmap_class_name(enum pmap_class c)
{
	return c < PMAP_NR_CLASSES ? class_names[c] : "?";
}

/* Free at order k: pale (small, fragmented) to deep green (large). */
static void free_rgb(int order, uint8_t rgb[3])
{
	int k = order < 0 ? FREE_SHADES - 1 :
		order >= FREE_SHADES ? FREE_SHADES - 1 : order;

	rgb[0] = (uint8_t)(200 - k * 19);
	rgb[1] = (uint8_t)(245 - k * 10);
	rgb[2] = (uint8_t)(180 - k * 15);
}

/* A cache's shade of orange: its name's hash moves it a little. */
static void cache_rgb(const char *name, uint8_t rgb[3])
{
	uint32_t h = 2166136261u;

	for (const char *p = name; p && *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	rgb[0] = (uint8_t)(215 + h % 40);
	rgb[1] = (uint8_t)(110 + (h >> 8) % 80);
	rgb[2] = (uint8_t)((h >> 16) % 60);
}

void pmap_rgb(const struct pmap_view *v, const struct pmap_cell *c,
	      uint8_t rgb[3])
{
	if (c->cls == PMAP_FREE) {
		free_rgb(c->order, rgb);
	} else if (c->cls == PMAP_SLAB && c->cache &&
		   c->cache <= v->nr_caches) {
		cache_rgb(v->caches[c->cache - 1], rgb);
	} else {
		memcpy(rgb, class_rgb[c->cls < PMAP_NR_CLASSES ? c->cls :
				      PMAP_UNKNOWN], 3);
	}
}

/* ---- the view ------------------------------------------------------------ */

static enum pmap_class class_of(const char *name)
{
	for (unsigned int c = 0; name && c < PMAP_NR_CLASSES; c++)
		if (!strcmp(class_names[c], name))
			return c;
	return PMAP_UNKNOWN;
}

static uint16_t cache_of(struct pmap_view *v, const char *name)
{
	if (!name)
		return 0;
	for (unsigned int i = 0; i < v->nr_caches; i++)
		if (!strcmp(v->caches[i], name))
			return (uint16_t)(i + 1);
	if (v->nr_caches == PMAP_MAX_CACHES)
		return 0;
	v->caches[v->nr_caches++] = name;
	return (uint16_t)v->nr_caches;
}

static int fill_run(struct pmap_view *v, json_t *run, struct fmt_err *e)
{
	long long pfn = fmt_int(run, "pfn"), count = fmt_int(run, "count");
	struct pmap_cell c = { .order = -1 };
	uint64_t first, last;

	if (pfn < (long long)v->start_pfn || count < 1 ||
	    (uint64_t)count > v->end_pfn - (uint64_t)pfn)
		return fmt_fail(e, "physmap: a run [%lld, +%lld) outside the pages drawn", pfn,
				count);
	c.cls = (uint8_t)class_of(fmt_str(run, "kind", NULL));
	if (json_is_integer(json_object_get(run, "order")))
		c.order = (int8_t)(fmt_int(run, "order") & 0x3f);
	if (c.cls == PMAP_SLAB)
		c.cache = cache_of(v, fmt_str(run, "cache", NULL));
	first = ((uint64_t)pfn - v->start_pfn) / v->group;
	last = ((uint64_t)pfn + count - 1 - v->start_pfn) / v->group;
	for (uint64_t i = first; i <= last; i++)
		v->cells[i] = c;
	return 0;
}

int pmap_view_build(json_t *ans, unsigned int cols, struct pmap_view *v,
		    struct fmt_err *e)
{
	long long start = fmt_int(ans, "start-pfn"), end = fmt_int(ans, "end-pfn");
	long long group = fmt_int(ans, "group");
	json_t *runs = fmt_array(ans, "runs", e), *run;
	size_t i;

	memset(v, 0, sizeof(*v));
	if (!runs)
		return -1;
	if (start < 0 || end <= start || group < 1 || !cols)
		return fmt_fail(e, "physmap: no pages in the answer");
	v->start_pfn = (uint64_t)start;
	v->end_pfn = (uint64_t)end;
	v->group = (unsigned int)group;
	v->cols = cols;
	v->ans = ans;
	v->nr_cells = (v->end_pfn - v->start_pfn + v->group - 1) / v->group;
	if (v->nr_cells > PMAP_MAX_CELLS)
		return fmt_fail(e, "physmap: %" PRIu64 " cells, more than %u: give a larger --group",
				v->nr_cells, PMAP_MAX_CELLS);
	v->cells = calloc(v->nr_cells, sizeof(*v->cells));
	if (!v->cells)
		return fmt_fail(e, "physmap: out of memory");
	for (uint64_t k = 0; k < v->nr_cells; k++)
		v->cells[k] = (struct pmap_cell){ PMAP_UNKNOWN, -1, 0 };
	json_array_foreach(runs, i, run)
		if (fill_run(v, run, e)) {
			pmap_view_release(v);
			return -1;
		}
	return 0;
}

void pmap_view_release(struct pmap_view *v)
{
	free(v->cells);
	v->cells = NULL;
}

/* ---- the figures beside the map -------------------------------------------- */

#define FIG_MAX_LINES	256
#define FIG_LINE	64

struct figures {
	char line[FIG_MAX_LINES][FIG_LINE];
	unsigned int nr;
};

static void fig(struct figures *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fig(struct figures *f, const char *fmt, ...)
{
	va_list ap;

	if (f->nr == FIG_MAX_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(f->line[f->nr++], FIG_LINE, fmt, ap);
	va_end(ap);
}

/* Thousandths as Linux prints them: 0.107, -1.000. */
static void thousandths(char *buf, size_t len, long long v)
{
	snprintf(buf, len, "%s%lld.%03lld", v < 0 ? "-" : "",
		 (v < 0 ? -v : v) / 1000, (v < 0 ? -v : v) % 1000);
}

/* Per zone: free blocks per order, unusable and extfrag indexes. */
static void zone_figures(json_t *zone, struct figures *f)
{
	json_t *nr_free = json_object_get(zone, "nr_free");
	json_t *unusable = json_object_get(zone, "unusable_index");
	json_t *extfrag = json_object_get(zone, "extfrag_index");
	char u[32], x[32];
	size_t o;
	json_t *n;

	fig(f, "%.16s: pfn %lld-%lld, free %lld of %lld", fmt_str(zone, "name", "?"),
	    fmt_int(zone, "start_pfn"), fmt_int(zone, "end_pfn"),
	    fmt_int(zone, "free"), fmt_int(zone, "managed"));
	fig(f, "  order  blocks  unusable  extfrag");
	json_array_foreach(nr_free, o, n) {
		thousandths(u, sizeof(u), json_integer_value(json_array_get(unusable, o)));
		thousandths(x, sizeof(x), json_integer_value(json_array_get(extfrag, o)));
		fig(f, "  %5zu  %6lld  %8s  %7s", o, json_integer_value(n), u, x);
	}
}

/* The e820 map's entries that are not RAM: the holes the map shows. */
static void e820_figures(const struct pmap_view *v, struct figures *f)
{
	json_t *e820 = json_object_get(v->ans, "e820"), *ent;
	size_t i;

	fig(f, "e820 (not usable):");
	json_array_foreach(e820, i, ent) {
		const char *type = fmt_str(ent, "type", "?");
		unsigned long long addr = 0, size = (unsigned long long)fmt_int(ent, "size");

		if (!strcmp(type, "usable"))
			continue;
		cmd_number(fmt_str(ent, "addr", ""), &addr);
		fig(f, "  pfn %llu-%llu %.16s", addr >> 12,
		    (addr + size - 1) >> 12, type);
	}
}

static void all_figures(const struct pmap_view *v, struct figures *f)
{
	json_t *zones = json_object_get(v->ans, "zones"), *z, *c;
	size_t i;

	fig(f, "fragmentation (/sys/kernel/debug/extfrag):");
	json_array_foreach(zones, i, z)
		zone_figures(z, f);
	e820_figures(v, f);
	c = json_object_get(v->ans, "counts");
	fig(f, "pages:");
	for (unsigned int k = 0; k < PMAP_NR_CLASSES; k++)
		if (fmt_int(c, class_names[k]))
			fig(f, "  %-10s %lld", class_names[k],
			    fmt_int(c, class_names[k]));
}

/* ---- the terminal ------------------------------------------------------------- */

/* A guest's string on a terminal: its control characters escaped. */
static void put_guest(FILE *out, const char *s)
{
	int pending = 0;

	term_safe_write(out, &pending, s, strlen(s));
}

static bool same_cell(const struct pmap_cell *a, const struct pmap_cell *b)
{
	return a->cls == b->cls && a->order == b->order && a->cache == b->cache;
}

static void put_cell(FILE *out, const struct pmap_view *v,
		     const struct pmap_cell *c)
{
	uint8_t rgb[3];

	if (!v->color) {
		if (c->cls == PMAP_FREE && c->order >= 0 && c->order <= 9)
			fputc('0' + c->order, out);
		else
			fputc(class_letter[c->cls < PMAP_NR_CLASSES ? c->cls :
					   PMAP_UNKNOWN], out);
		return;
	}
	pmap_rgb(v, c, rgb);
	fprintf(out, "\033[38;2;%u;%u;%um\u2588", rgb[0], rgb[1], rgb[2]);
}

/* The zone that starts within [first, last) pfn, if any: its name. */
static const char *zone_starting(const struct pmap_view *v, uint64_t first,
				 uint64_t last)
{
	json_t *z;
	size_t i;

	json_array_foreach(json_object_get(v->ans, "zones"), i, z) {
		long long s = fmt_int(z, "start_pfn");

		if (s >= 0 && (uint64_t)s >= first && (uint64_t)s < last)
			return fmt_str(z, "name", "?");
	}
	return NULL;
}

static void map_row(FILE *out, const struct pmap_view *v, uint64_t row)
{
	uint64_t first = row * v->cols, n = v->nr_cells - first;
	uint64_t pfn = v->start_pfn + first * v->group;
	const char *zone = zone_starting(v, pfn, pfn + v->cols * (uint64_t)v->group);
	char name[8];

	snprintf(name, sizeof(name), "%s", zone ? zone : "");
	put_guest(out, name);
	fprintf(out, "%*s%9" PRIu64 " ", (int)(7 - strlen(name)), "", pfn);
	if (n > v->cols)
		n = v->cols;
	for (uint64_t i = 0; i < n; i++) {
		const struct pmap_cell *c = &v->cells[first + i];

		if (v->color && i && same_cell(c, c - 1))
			fputs("\u2588", out);	/* the colour set stays */
		else
			put_cell(out, v, c);
	}
	if (v->color)
		fputs("\033[0m", out);
	fprintf(out, "%*s", (int)(v->cols - n), "");
}

static void legend(FILE *out, const struct pmap_view *v)
{
	struct pmap_cell c = { 0, -1, 0 };

	fprintf(out, "one cell: %u page%s (%u KiB); ", v->group,
		v->group == 1 ? "" : "s", v->group * 4);
	for (unsigned int k = 0; k < PMAP_NR_CLASSES; k++) {
		c.cls = (uint8_t)k;
		c.order = k == PMAP_FREE ? 0 : -1;
		put_cell(out, v, &c);
		if (v->color)
			fputs("\033[0m", out);
		if (k == PMAP_FREE) {
			fputs("..", out);
			c.order = 9;
			put_cell(out, v, &c);
			if (v->color)
				fputs("\033[0m", out);
			fputs(" free (order 0..9)", out);
		} else {
			fprintf(out, " %s", class_names[k]);
		}
		fputs(k + 1 < PMAP_NR_CLASSES ? ", " : "\n", out);
	}
	if (!v->color)
		fputs("(free order >= 10: 'f')\n", out);
}

int fmt_physmap_text(FILE *out, const struct pmap_view *v, struct fmt_err *e)
{
	uint64_t rows = (v->nr_cells + v->cols - 1) / v->cols;
	struct figures *f = calloc(1, sizeof(*f));
	json_t *p, *s;
	size_t i;

	if (!f)
		return fmt_fail(e, "physmap: out of memory");
	all_figures(v, f);
	fprintf(out, "physical memory: pfn %" PRIu64 "-%" PRIu64 "\n",
		v->start_pfn, v->end_pfn - 1);
	for (uint64_t r = 0; r < rows || r < f->nr; r++) {
		if (r < rows)
			map_row(out, v, r);
		else
			fprintf(out, "%*s", (int)(17 + v->cols), "");
		if (r < f->nr) {
			fputs("  ", out);
			put_guest(out, f->line[r]);
		}
		fputc('\n', out);
	}
	legend(out, v);
	p = json_object_get(v->ans, "inconsistencies");
	json_array_foreach(p, i, s) {
		fputs("inconsistency: ", out);
		put_guest(out, json_string_value(s) ? json_string_value(s) : "?");
		fputc('\n', out);
	}
	free(f);
	return 0;
}

/* ---- SVG ------------------------------------------------------------------------ */

#define SVG_CELL	4	/* pixels a cell */
#define SVG_LEGEND_W	420

/* A guest's string as XML character data or an attribute's value. */
static void put_xml(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '<')
			fputs("&lt;", out);
		else if (c == '>')
			fputs("&gt;", out);
		else if (c == '&')
			fputs("&amp;", out);
		else if (c == '"')
			fputs("&quot;", out);
		else if (c == '\'')
			fputs("&apos;", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);	/* XML 1.0 forbids them */
		else
			fputc(c, out);
	}
}

static void svg_title(FILE *out, const struct pmap_view *v,
		      const struct pmap_cell *c, uint64_t pfn, uint64_t pages)
{
	fprintf(out, "<title>pfn %" PRIu64 "-%" PRIu64 ": %s", pfn,
		pfn + pages - 1, pmap_class_name(c->cls));
	if (c->order >= 0)
		fprintf(out, " order %d", c->order);
	if (c->cls == PMAP_SLAB && c->cache) {
		fputc(' ', out);
		put_xml(out, v->caches[c->cache - 1]);
	}
	fputs("</title>", out);
}

/* One rect per run of like cells within a row. */
static void svg_row(FILE *out, const struct pmap_view *v, uint64_t row)
{
	uint64_t first = row * v->cols, end = first + v->cols;
	uint8_t rgb[3];

	if (end > v->nr_cells)
		end = v->nr_cells;
	for (uint64_t i = first; i < end;) {
		uint64_t j = i + 1;

		while (j < end && same_cell(&v->cells[j], &v->cells[i]))
			j++;
		pmap_rgb(v, &v->cells[i], rgb);
		fprintf(out, "<rect x=\"%" PRIu64 "\" y=\"%" PRIu64 "\" width=\"%" PRIu64
			"\" height=\"%d\" fill=\"#%02x%02x%02x\">", (i - first) * SVG_CELL,
			row * SVG_CELL, (j - i) * SVG_CELL, SVG_CELL, rgb[0], rgb[1], rgb[2]);
		svg_title(out, v, &v->cells[i], v->start_pfn + i * v->group,
			  (j - i) * v->group);
		fputs("</rect>\n", out);
		i = j;
	}
}

/* A zone's first cell: a line across its row and its name. */
static void svg_zones(FILE *out, const struct pmap_view *v, unsigned int width)
{
	json_t *z;
	size_t i;

	json_array_foreach(json_object_get(v->ans, "zones"), i, z) {
		long long s = fmt_int(z, "start_pfn");
		uint64_t cell, y;

		if (s < (long long)v->start_pfn || (uint64_t)s >= v->end_pfn)
			continue;
		cell = ((uint64_t)s - v->start_pfn) / v->group;
		y = cell / v->cols * SVG_CELL;
		fprintf(out, "<line x1=\"0\" y1=\"%" PRIu64 "\" x2=\"%u\" y2=\"%" PRIu64
			"\" stroke=\"black\" stroke-width=\"1\"/>\n", y, width, y);
		fprintf(out, "<text x=\"%u\" y=\"%" PRIu64 "\" font-size=\"10\">", width + 4,
			y + 10);
		put_xml(out, fmt_str(z, "name", "?"));
		fputs("</text>\n", out);
	}
}

static void svg_legend(FILE *out, const struct pmap_view *v, unsigned int x)
{
	struct figures *f = calloc(1, sizeof(*f));
	unsigned int y = 12;
	uint8_t rgb[3];

	for (unsigned int k = 0; k < PMAP_NR_CLASSES; k++, y += 12) {
		struct pmap_cell c = { (uint8_t)k, k == PMAP_FREE ? 9 : -1, 0 };

		pmap_rgb(v, &c, rgb);
		fprintf(out, "<rect x=\"%u\" y=\"%u\" width=\"10\" height=\"10\" fill=\"#%02x%02x%02x\"/>"
			"<text x=\"%u\" y=\"%u\" font-size=\"10\">%s</text>\n",
			x + 60, y - 9, rgb[0], rgb[1], rgb[2], x + 74, y,
			k == PMAP_FREE ? "free (pale: order 0, deep: 10)" : class_names[k]);
	}
	if (!f)
		return;
	all_figures(v, f);
	for (unsigned int i = 0; i < f->nr; i++, y += 12) {
		fprintf(out, "<text x=\"%u\" y=\"%u\" font-size=\"10\" font-family=\"monospace\" xml:space=\"preserve\">",
			x + 60, y + 12);
		put_xml(out, f->line[i]);
		fputs("</text>\n", out);
	}
	free(f);
}

int fmt_physmap_svg(FILE *out, const struct pmap_view *v, struct fmt_err *e)
{
	uint64_t rows = (v->nr_cells + v->cols - 1) / v->cols;
	unsigned int width = v->cols * SVG_CELL;
	uint64_t height = rows * SVG_CELL;

	if (height < (PMAP_NR_CLASSES + 60) * 12)
		height = (PMAP_NR_CLASSES + 60) * 12;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%" PRIu64 "\">\n"
		"<desc>guest physical memory, pfn %" PRIu64 "-%" PRIu64 ", %u page(s) a cell</desc>\n",
		width + SVG_LEGEND_W, height, v->start_pfn, v->end_pfn - 1, v->group);
	for (uint64_t r = 0; r < rows; r++)
		svg_row(out, v, r);
	svg_zones(out, v, width);
	svg_legend(out, v, width);
	fputs("</svg>\n", out);
	return ferror(out) ? fmt_fail(e, "physmap: writing the SVG failed") : 0;
}

/* ---- PNG (cairo) ------------------------------------------------------------------ */

#define PNG_LEGEND_W	380
#define PNG_MAX_SIDE	16384

static cairo_status_t png_write(void *closure, const unsigned char *data,
				unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS :
						      CAIRO_STATUS_WRITE_ERROR;
}

static void png_cells(cairo_t *cr, const struct pmap_view *v,
		      unsigned int scale)
{
	uint8_t rgb[3];

	for (uint64_t i = 0; i < v->nr_cells; i++) {
		pmap_rgb(v, &v->cells[i], rgb);
		cairo_set_source_rgb(cr, rgb[0] / 255.0, rgb[1] / 255.0,
				     rgb[2] / 255.0);
		cairo_rectangle(cr, (double)(i % v->cols * scale),
				(double)(i / v->cols * scale), scale, scale);
		cairo_fill(cr);
	}
}

static void png_text(cairo_t *cr, double x, double y, const char *s)
{
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s);
}

/* Zone boundaries: a black line above the row a zone starts in. */
static void png_zones(cairo_t *cr, const struct pmap_view *v,
		      unsigned int scale, unsigned int width)
{
	json_t *z;
	size_t i;

	json_array_foreach(json_object_get(v->ans, "zones"), i, z) {
		long long s = fmt_int(z, "start_pfn");
		double y;

		if (s < (long long)v->start_pfn || (uint64_t)s >= v->end_pfn)
			continue;
		y = (double)(((uint64_t)s - v->start_pfn) / v->group / v->cols * scale);
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_set_line_width(cr, 1);
		cairo_move_to(cr, 0, y + 0.5);
		cairo_line_to(cr, width + 8, y + 0.5);
		cairo_stroke(cr);
		png_text(cr, width + 10, y + 10, fmt_str(z, "name", "?"));
	}
}

static void png_legend(cairo_t *cr, const struct pmap_view *v, double x)
{
	struct figures *f = calloc(1, sizeof(*f));
	double y = 14;
	uint8_t rgb[3];

	cairo_select_font_face(cr, "monospace", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 11);
	for (unsigned int k = 0; k < PMAP_NR_CLASSES; k++, y += 13) {
		struct pmap_cell c = { (uint8_t)k, k == PMAP_FREE ? 9 : -1, 0 };

		pmap_rgb(v, &c, rgb);
		cairo_set_source_rgb(cr, rgb[0] / 255.0, rgb[1] / 255.0,
				     rgb[2] / 255.0);
		cairo_rectangle(cr, x, y - 10, 10, 10);
		cairo_fill(cr);
		png_text(cr, x + 14, y, k == PMAP_FREE ?
			 "free (pale: order 0, deep: 10)" : class_names[k]);
	}
	if (!f)
		return;
	all_figures(v, f);
	for (unsigned int i = 0; i < f->nr; i++, y += 13)
		png_text(cr, x, y + 13, f->line[i]);
	free(f);
}

int fmt_physmap_png(FILE *out, const struct pmap_view *v, unsigned int scale,
		    struct fmt_err *e)
{
	uint64_t rows = (v->nr_cells + v->cols - 1) / v->cols;
	unsigned int width = v->cols * scale, height;
	cairo_surface_t *sf;
	cairo_status_t st;
	cairo_t *cr;

	if (!scale || (uint64_t)v->cols * scale > PNG_MAX_SIDE ||
	    rows * scale > PNG_MAX_SIDE)
		return fmt_fail(e, "physmap: the PNG would be over %u pixels a side: give a larger --group",
				PNG_MAX_SIDE);
	height = (unsigned int)(rows * scale);
	if (height < (PMAP_NR_CLASSES + 60) * 13)
		height = (PMAP_NR_CLASSES + 60) * 13;
	sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
					(int)(width + 60 + PNG_LEGEND_W), (int)height);
	cr = cairo_create(sf);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	png_cells(cr, v, scale);
	png_zones(cr, v, scale, width);
	png_legend(cr, v, width + 60);
	cairo_destroy(cr);
	st = cairo_surface_write_to_png_stream(sf, png_write, out);
	cairo_surface_destroy(sf);
	if (st != CAIRO_STATUS_SUCCESS)
		return fmt_fail(e, "physmap: writing the PNG: %s",
				cairo_status_to_string(st));
	return 0;
}
