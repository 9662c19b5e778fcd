/* SPDX-License-Identifier: MIT */
/*
 * report_internal.h: what the HTML report's files share (report.c, the page;
 * brief.c, the decision brief that opens it for a file with variants).
 * Private to the library.
 */
#ifndef BS_ANALYSIS_REPORT_INTERNAL_H
#define BS_ANALYSIS_REPORT_INTERNAL_H

#include <stdio.h>

#include "brandsim/report.h"

/* The pages' style sheet (one <style> block: nothing loaded from elsewhere). */
const char *bs_report_style(void);

/* s as HTML text (<, >, &, " escaped). */
void bs_report_text(FILE *out, const char *s);

/* Embed the SVG file at path as an <img> (base64 data: URI) with alt text, then delete it. */
bs_status bs_report_embed_svg(FILE *out, const char *path, const char *alt, bs_error *err);

/* The decision brief of a file with variants (brief.c): its figure is drawn in dir. */
bs_status bs_report_brief(FILE *out, const bs_results *r, const bs_plot_env *env,
                          const bs_brief_opts *opt, const char *dir, bs_error *err);

#endif
