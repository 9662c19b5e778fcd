/* SPDX-License-Identifier: MIT */
/*
 * plot_internal.h: a figure being written (fig), shared by plot.c (which
 * figures, their brands and titles, drawing them), plot_series.c (the data
 * and the plot commands) and plot_template.c (the templates' @directives@).
 * Not a public header.
 */
#ifndef BS_ANALYSIS_PLOT_INTERNAL_H
#define BS_ANALYSIS_PLOT_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "brandsim/plot.h"

typedef struct {
    double *v[3]; /* mean, lo, hi: S*B */
} cached;

/* A brand series of a figure as one number, its key: a segment's, seg * BS_M_COUNT +
 * metric; a quantile bin's, BS_PLOT_QKEY(grouping, bin, metric). The key indexes the
 * figure's cache and names its datablock. */
#define BS_PLOT_SEG_KEYS (BS_SEG_COUNT * BS_M_COUNT)
#define BS_PLOT_QKEY(g, bin, m)                                                                \
    (BS_PLOT_SEG_KEYS + ((g) * BS_QUANTILE_MAX_BINS + (bin)) * BS_QM_COUNT + (m))
#define BS_PLOT_KEYS (BS_PLOT_SEG_KEYS + BS_QG_COUNT * BS_QUANTILE_MAX_BINS * BS_QM_COUNT)

typedef struct {
    const bs_plot_env *env;
    const bs_results *r;
    int v, R, S, B;
    int band;                  /* R >= 2: shaded CI */
    int *sel, n_sel;           /* brands drawn */
    int *focal, n_focal;       /* shocked brands drawn */
    int *exitb, n_exit;        /* brands that end relationships, drawn */
    int *col;                  /* brand b's mean column in a datablock (0: not drawn) */
    cached *cache;             /* [BS_PLOT_KEYS] */
    cached market[BS_MK_COUNT];
    unsigned char *block;      /* datablock written: [key] */
    unsigned char bins_block[BS_QG_COUNT][BS_QM_COUNT][2]; /* @PLOTBINS@ datablock written */
    unsigned char market_block[BS_MK_COUNT];
    int width, height;         /* pixels: the canvas' size */
    double key_px;             /* pixels of the figure's widest legend entry */
    char vars[128];            /* more gnuplot variables for the template ("" if none) */
    const char *tpl_name;      /* for messages */
    FILE *out;
    bs_error *err;
    bs_status status;
} fig;

/* ---- plot_series.c: the figure's state, data and plot commands ---------------- */

/* Set f up to draw variant v of r (no brands chosen yet, an empty cache); nonzero,
 * with f->status and err set, if out of memory. bs_plot_fig_free(f) in both cases. */
int bs_plot_fig_init(fig *f, const bs_plot_env *env, const bs_results *r, int v,
                     bs_error *err);
/* Free what f holds (not f). */
void bs_plot_fig_free(fig *f);

/* Record the figure's first failure in f->status and f->err (later ones are dropped);
 * returns 1. */
int bs_plot_fig_fail(fig *f, bs_status s, const char *fmt, ...);

/* x as " %.7g", or " NaN" when not finite: one field of a datablock. */
void bs_plot_number(FILE *out, double x);

/* Every how many steps a line of S steps has a point. */
int bs_plot_point_interval(int S);

/* Line i of a figure (a brand by its index, an arm of compare by its place): line style
 * i % 8 + 1 (style.gp); past the eighth, the same colour and dashes with a thinner line
 * and other points, so that no two lines of a legend look the same. */
void bs_plot_line_style(FILE *out, int i);

/* The key of a brand series (bs_results_check_ref: the file holds it). */
int bs_plot_key(const bs_series_ref *ref);

/* @PLOT metric [seg=S] [brands=sel|focal|exit] [scale=X]@: the datablock of series `key`
 * if not yet written, then one line (and with replicates a shaded CI) for each of the n
 * brands `set`, times scale; with_policy: legend entries with the exit policy. No brands:
 * an empty frame. S may be a quantile bin (strength_q1), with a quantile metric. */
void bs_plot_series_brands(fig *f, int key, const int *set, int n, double scale,
                           int with_policy);

/* @PLOTBINS metric [grouping=strength|trait] [per=relationships] [brands=..] [scale=X]@:
 * one line per bin of the grouping (with replicates a shaded CI), the quantile metric
 * summed over the n brands `set` (mean_revenge: weighted by relationships), per
 * relationship of the bin when per is set, times scale. */
void bs_plot_series_bins(fig *f, int g, int metric, int per, const int *set, int n,
                         double scale);

/* @PLOTMARKET m1,m2 [scale=X]@: the n market-wide series ms, times scale. */
void bs_plot_series_market(fig *f, const int *ms, int n, double scale);

/* @MAX metric seg1,seg2 [brands=..] [scale=X]@: the largest value drawn (the CI's top
 * with replicates) of the n_keys series keys over the n brands `set`, times scale. */
void bs_plot_series_max(fig *f, const int *keys, int n_keys, const int *set, int n,
                        double scale);

/* ---- plot_template.c: the templates ------------------------------------------- */

/* Everything in a file, NUL terminated (caller frees); NULL with errno set. */
char *bs_plot_template_load(const char *path);

/* Copy the template tpl to f->out, replacing its @directives@ (not in # comment lines);
 * @PANELS@ calls panels(f, ctx) when panels is not NULL. A bad directive fails f. */
void bs_plot_template_expand(fig *f, const char *tpl, void (*panels)(fig *, void *), void *ctx);

#endif
