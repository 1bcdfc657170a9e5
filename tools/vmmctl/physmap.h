/* SPDX-License-Identifier: MIT */
/*
 * vmmctl physmap: a picture of guest physical memory from query-physmap,
 * one cell per page or per group of pages, coloured by what owns it, with
 * the zones and e820 holes marked and Linux's fragmentation figures beside
 * it: in a terminal (colour blocks; letters when stdout is not one, or
 * --color=never), as a PNG (cairo) or an SVG file. --watch redraws it in
 * place every --interval seconds.
 *
 * The formatters (fmt_physmap.c) are pure: they draw a struct pmap_view,
 * built from the merged answers, on a FILE. Guest strings (cache and zone
 * names) are data: escaped for XML in the SVG, through term_safe on a
 * terminal.
 */
#ifndef VMMCTL_PHYSMAP_H
#define VMMCTL_PHYSMAP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fmt.h"
#include "session.h"

enum pmap_color { PMAP_COLOR_AUTO, PMAP_COLOR_NEVER, PMAP_COLOR_ALWAYS };

struct pmap_opts {
	const char *png, *svg;		/* files to write, or NULL */
	bool watch;
	unsigned int interval_ms;	/* --interval S; default 1000 */
	long iterations;		/* --iterations N (watch); 0: for ever */
	enum pmap_color color;
	unsigned int group;		/* --group N; 0: fit the picture */
	unsigned int cols;		/* --cols N; 0: the output's default */
	uint64_t start_pfn, count;	/* --start-pfn, --count (0: to the end) */
	bool tty;			/* stdout is a terminal */
	bool json;			/* vmmctl --json: the merged answer */
	FILE *out, *err;		/* term_safe streams */
	FILE *screen;			/* the raw stdout, for our escapes */
};

/* Parses physmap's options (@argv after "physmap"). 0, or -1 and @e. */
int pmap_parse(int argc, char **argv, struct pmap_opts *o, struct fmt_err *e);

/* The classes, in the VMM's order (physmap.h there): names and colours. */
enum pmap_class {
	PMAP_HOLE, PMAP_FREE, PMAP_PCP, PMAP_SLAB, PMAP_PAGETABLE,
	PMAP_VMALLOC, PMAP_MODULE, PMAP_PERCPU, PMAP_DMA, PMAP_BOOTMEM,
	PMAP_KERNEL,
	PMAP_RESERVED, PMAP_ALLOCATED, PMAP_UNKNOWN, PMAP_NR_CLASSES
};

struct pmap_cell {
	uint8_t cls;		/* enum pmap_class */
	int8_t order;		/* FREE: the block's; -1 */
	uint16_t cache;		/* SLAB: index in caches + 1; 0 */
};

#define PMAP_MAX_CELLS	(1U << 22)
#define PMAP_MAX_CACHES	1024

/* What the formatters draw: the answer's runs as cells, and the answer. */
struct pmap_view {
	uint64_t start_pfn, end_pfn;	/* the pages drawn */
	unsigned int group;		/* pages per cell */
	uint64_t nr_cells;
	struct pmap_cell *cells;
	const char *caches[PMAP_MAX_CACHES];	/* the answer's strings */
	unsigned int nr_caches;
	unsigned int cols;		/* cells per row */
	bool color;			/* ANSI colours (terminal) */
	json_t *ans;			/* zones, counts, e820 (borrowed) */
};

/*
 * Builds @v from @ans (the merged query-physmap answer, borrowed: it must
 * outlive @v), @cols cells a row. 0, or -1 and @e when the answer is not
 * shaped as expected (a run out of the range, an unknown class is
 * "unknown"). pmap_view_release() frees what it holds.
 */
int pmap_view_build(json_t *ans, unsigned int cols, struct pmap_view *v,
		    struct fmt_err *e);
void pmap_view_release(struct pmap_view *v);

/* The RGB of a cell, and a class's name. */
void pmap_rgb(const struct pmap_view *v, const struct pmap_cell *c,
	      uint8_t rgb[3]);
const char *pmap_class_name(enum pmap_class c);

/*
 * The terminal picture: rows of cells with the pfn they start at, zone
 * boundaries and e820 holes named beside their rows, the legend, and per
 * zone the free blocks per order with Linux's unusable_index and
 * extfrag_index (/sys/kernel/debug/extfrag). Colour blocks when
 * v->color, else a letter a cell (the legend says which).
 */
int fmt_physmap_text(FILE *out, const struct pmap_view *v, struct fmt_err *e);
/* An SVG document: a rect per run of a row, a <title> each, the legend. */
int fmt_physmap_svg(FILE *out, const struct pmap_view *v, struct fmt_err *e);
/* A PNG (cairo): @scale pixels a cell, the legend and figures beside. */
int fmt_physmap_png(FILE *out, const struct pmap_view *v, unsigned int scale,
		    struct fmt_err *e);

/*
 * Adds @page (one query-physmap answer, the next of @whole's) to @whole:
 * its runs, its counts summed, its new inconsistencies, its end.
 */
void pmap_merge(json_t *whole, json_t *page);

/* The picture(s) @o asks for, from @s, until done: the exit status. */
int pmap_run(struct session *s, const struct pmap_opts *o);

#endif
