/* SPDX-License-Identifier: MIT */
/*
 * report.h: one self-contained HTML page about an output file: the scenario
 * in brief, the key numbers per brand (mean and 95 % CI), the shocks and
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

BS_API_END

#endif
