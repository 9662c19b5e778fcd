/* SPDX-License-Identifier: MIT */
/*
 * report.h: one self-contained HTML page about an output file: for a file
 * with variants, first the decision brief (the options ranked by net
 * contribution after the shock with their net value against a baseline, one
 * figure of every option over time, the assumptions the ranking rests on and
 * where they flip it); then the scenario in brief, the key numbers per brand
 * (mean and 95 % CI), the shocks and
 * policy actions, every standard figure (drawn as SVG by plot.h and embedded
 * as data: URIs), and the scenario as run. It loads nothing from the
 * network or from other files.
 */
#ifndef BS_ANALYSIS_REPORT_H
#define BS_ANALYSIS_REPORT_H

#include <stdio.h>

#include "brandsim/plot.h"
#include "brandsim/results.h"
#include "brandsim/visibility.h"

BS_API_BEGIN

/* Write the page for every variant of r to out. env->format is ignored
 * (figures are SVG); they are drawn in a temporary folder that is removed
 * afterwards. Returns BS_OK or an error (gnuplot, reading the file); write
 * errors of out are the caller's to detect with ferror. */
bs_status bs_report_html(const bs_results *r, const bs_plot_env *env, FILE *out, bs_error *err);

/* The decision brief's choices; NULL fields take the defaults. */
typedef struct {
    const char *brand;    /* the brand deciding (default: the first brand of the first shock) */
    const char *baseline; /* the variant options are compared with (default: the first) */
    const char *metric;   /* the brief's figure (default market_share; any brand metric) */
} bs_brief_opts;

/* The same page with the brief's choices (brief NULL: the defaults). BS_ERR_INPUT for a brand,
 * variant or metric the file does not have. */
bs_status bs_report_html_brief(const bs_results *r, const bs_plot_env *env,
                               const bs_brief_opts *brief, FILE *out, bs_error *err);

/* The page of a finished sweep (sweep.h; bs_sweep_open_table reads one back): with options,
 * the decision first (options ranked by expected net value, with their net value against the
 * baseline, P(best), mean and worst regret, and where each uncertain factor flips the
 * ranking); with a saltelli, morris or oat design, the sensitivity of the key outcomes as
 * tables and one figure per outcome; then the factors and the design. */
struct bs_sweep;
bs_status bs_report_sweep_html(const struct bs_sweep *s, const bs_plot_env *env, FILE *out,
                               bs_error *err);

BS_API_END

#endif
