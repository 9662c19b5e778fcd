/* SPDX-License-Identifier: MIT */
/*
 * plot.h: brandsim's figures, drawn by gnuplot from the templates in
 * analysis/gnuplot/ (style.gp, then one template per figure).
 *
 * The standard set of one variant of a file (bs_plot_standard):
 *   1 market share, shocks and responses marked and numbered
 *   2 loyalty: repeat-purchase rate, active customers, defections out and in
 *   3 revenge acts by kind, and consumers avoiding
 *   4 trust (confidence, benevolence) and disclosure; the market's willingness
 *   5 strong vs weak relationships around the first shock (only with a shock)
 *   6 after the exit: former customers, shame, anti-brand acts, revenge
 *     (only when a brand ends relationships: a forced_exit event or an
 *     exit_policy other than none)
 *   7 by prior relationship strength: purchases, revenge acts, revenge and
 *     exits of the shocked brands' relationships, one line per quantile bin of
 *     R at the first shock (only with a shock and strength quantile series)
 * With replicates every line is the mean, with the 95 % CI shaded.
 *
 * Each figure is one gnuplot script (style, data inline as datablocks, the
 * filled template) written to a temporary file and run by gnuplot through a
 * pipe that brings back its messages. Nothing here prints or exits; a
 * missing gnuplot is a BS_ERR_RUNTIME whose message says what to install.
 */
#ifndef BS_ANALYSIS_PLOT_H
#define BS_ANALYSIS_PLOT_H

#include <stddef.h>

#include "brandsim/plot_format.h"
#include "brandsim/results.h"
#include "brandsim/visibility.h"

BS_API_BEGIN

typedef enum {
    BS_FIG_MARKET_SHARE,
    BS_FIG_LOYALTY,
    BS_FIG_REVENGE,
    BS_FIG_TRUST,
    BS_FIG_STRONG_WEAK,
    BS_FIG_POST_EXIT,
    BS_FIG_PRIOR_STRENGTH,
    BS_FIG_COUNT
} bs_figure;

/* The figure's file name without extension ("fig1_market_share"; also its
 * template's name) and its title. */
const char *bs_figure_name(bs_figure f);
const char *bs_figure_title(bs_figure f);
/* The standard figure a path written by bs_plot_standard holds (DIR/<name>.<format>),
 * -1 if none. */
int bs_figure_of_file(const char *path);

/* How to draw: where the templates are, which gnuplot, which format. */
typedef struct {
    const char *template_dir; /* folder holding style.gp and the templates */
    const char *gnuplot;      /* the gnuplot program (bs_gnuplot_find) */
    bs_plot_format format;
    /* polled before each figure: when set (a caught signal), stop with
     * BS_ERR_RUNTIME ("stopped"); a zero bs_cancel never stops */
    bs_cancel cancel;
} bs_plot_env;

/* The path of `gnuplot` on PATH into path[n]. BS_ERR_RUNTIME if absent, with
 * a message naming the Debian package to install. */
bs_status bs_gnuplot_find(char *path, size_t n, bs_error *err);

/* Which standard figures variant v of r has: present[f] is 0 or 1. */
void bs_plot_figures(const bs_results *r, int v, int present[BS_FIG_COUNT]);

/* Draw variant v's standard figures into the existing folder `dir` as
 * dir/<name>.<format>. brands: which brands to draw (B flags), or NULL for
 * all of them up to 12 (those that end relationships first, then the shocked
 * ones). Figure 6 shows the drawn brands that end relationships, and is not
 * drawn when the chosen brands end none. The paths written are put
 * in files[k] (k < *n_files; each at most `file_len` bytes). On failure
 * the figure being drawn is removed and err says why. */
bs_status bs_plot_standard(const bs_plot_env *env, const bs_results *r, int v, const int *brands,
                           const char *dir, char *files, size_t file_len, int *n_files,
                           bs_error *err);

/* One line of a comparison: a variant of an open file, and its label. */
typedef struct {
    const bs_results *r;
    int v;
    const char *label;
} bs_plot_arm;

/* The overlay of `brandsim compare`: metric `metric` within segment `seg` of
 * the named brands (one panel each, at most 6), one line per arm, with the
 * events of arms[baseline] marked, into `file` (its format from env). */
bs_status bs_plot_compare(const bs_plot_env *env, const bs_plot_arm *arms, int n_arms,
                          int baseline, bs_segment seg, bs_metric metric,
                          const char *const *brands, int n_brands, const char *file,
                          bs_error *err);
/* The same for any brand series by name (results.h): a segment's or a quantile bin's
 * (every arm's file must hold it: bs_results_check_ref). */
bs_status bs_plot_compare_ref(const bs_plot_env *env, const bs_plot_arm *arms, int n_arms,
                              int baseline, const bs_series_ref *ref, const char *const *brands,
                              int n_brands, const char *file, bs_error *err);

BS_API_END

#endif
