/* SPDX-License-Identifier: MIT */
/*
 * plot_series.c: a figure being written (fig, plot_internal.h): its state,
 * the statistics it reads once from the results, the data it puts in the
 * script as datablocks ($name << EOD, just before the plot that uses them),
 * and the plot commands the templates' @PLOT@, @PLOTMARKET@ and @MAX@
 * become. Lines of a brand keep its style in every figure (style.gp).
 */
#include "analysis/plot_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/gnuplot.h"
#include "analysis/plot_layout.h"

int bs_plot_fig_fail(fig *f, bs_status s, const char *fmt, ...)
{
    if (f->status)
        return 1;
    f->status = s;
    f->err->status = s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->err->msg, sizeof f->err->msg, fmt, ap);
    va_end(ap);
    return 1;
}

int bs_plot_fig_init(fig *f, const bs_plot_env *env, const bs_results *r, int v,
                     bs_error *err)
{
    memset(f, 0, sizeof *f);
    f->env = env;
    f->r = r;
    f->v = v;
    f->err = err;
    f->R = bs_results_replicates(r);
    f->S = bs_results_steps(r);
    f->B = bs_results_brands(r);
    f->band = f->R >= 2;
    f->cache = calloc((size_t)BS_SEG_COUNT * BS_M_COUNT, sizeof *f->cache);
    f->block = calloc((size_t)BS_SEG_COUNT * BS_M_COUNT, 1);
    if (!f->cache || !f->block)
        return bs_plot_fig_fail(f, BS_ERR_RUNTIME, "out of memory");
    return 0;
}

void bs_plot_fig_free(fig *f)
{
    for (int k = 0; f->cache && k < BS_SEG_COUNT * BS_M_COUNT; k++)
        for (int j = 0; j < 3; j++)
            free(f->cache[k].v[j]);
    for (int m = 0; m < BS_MK_COUNT; m++)
        for (int j = 0; j < 3; j++)
            free(f->market[m].v[j]);
    free(f->cache);
    free(f->block);
    free(f->sel);
    free(f->focal);
    free(f->exitb);
    free(f->col);
}

/* mean, lo, hi of (seg, metric), read once. */
static cached *stats_of(fig *f, int seg, int metric)
{
    cached *c = &f->cache[seg * BS_M_COUNT + metric];
    if (c->v[0])
        return c;
    size_t n = (size_t)f->S * (size_t)(f->B ? f->B : 1);
    for (int k = 0; k < 3; k++) {
        if (!(c->v[k] = malloc(n * sizeof *c->v[k]))) {
            bs_plot_fig_fail(f, BS_ERR_RUNTIME, "out of memory");
            return NULL;
        }
        bs_rstat st = k == 0 ? BS_RSTAT_MEAN : k == 1 ? BS_RSTAT_LO : BS_RSTAT_HI;
        if (f->B > 0 && bs_results_stat(f->r, f->v, (bs_segment)seg, (bs_metric)metric, st,
                                        c->v[k], f->err)) {
            f->status = f->err->status;
            return NULL;
        }
    }
    return c;
}

/* mean, lo, hi of market metric m, read once. */
static cached *market_of(fig *f, int m)
{
    cached *c = &f->market[m];
    if (c->v[0])
        return c;
    for (int k = 0; k < 3; k++) {
        if (!(c->v[k] = malloc((size_t)f->S * sizeof *c->v[k]))) {
            bs_plot_fig_fail(f, BS_ERR_RUNTIME, "out of memory");
            return NULL;
        }
        bs_rstat st = k == 0 ? BS_RSTAT_MEAN : k == 1 ? BS_RSTAT_LO : BS_RSTAT_HI;
        if (bs_results_market_stat(f->r, f->v, (bs_market_metric)m, st, c->v[k], f->err)) {
            f->status = f->err->status;
            return NULL;
        }
    }
    return c;
}

void bs_plot_number(FILE *out, double x)
{
    if (isfinite(x))
        fprintf(out, " %.7g", x);
    else
        fputs(" NaN", out);
}

/* $s<seg>m<metric>: day, then mean lo hi of each drawn brand. */
static void datablock(fig *f, int seg, int metric)
{
    unsigned char *done = &f->block[seg * BS_M_COUNT + metric];
    cached *c = stats_of(f, seg, metric);
    if (*done || !c)
        return;
    const double *day = bs_results_days(f->r);
    fprintf(f->out, "$s%dm%d << EOD\n", seg, metric);
    for (int t = 0; t < f->S; t++) {
        bs_plot_number(f->out, day[t]);
        for (int i = 0; i < f->n_sel; i++)
            for (int k = 0; k < 3; k++)
                bs_plot_number(f->out, c->v[k][(size_t)t * f->B + f->sel[i]]);
        fputc('\n', f->out);
    }
    fputs("EOD\n", f->out);
    *done = 1;
}

int bs_plot_point_interval(int S)
{
    return S >= 20 ? S / 10 : 2;
}

void bs_plot_line_style(FILE *out, int i)
{
    static const int points[3][8] = {{1, 2, 3, 10, 12, 14, 15, 16},
                                     {2, 3, 10, 12, 14, 15, 16, 1},
                                     {3, 10, 12, 14, 15, 16, 1, 2}};
    const int round = i / 8 % 4;
    fprintf(out, "ls %d", i % 8 + 1);
    if (round)
        fprintf(out, " lw %.1f pt %d", 2.2 - 0.5 * round, points[round - 1][i % 8]);
}

/* The legend entry of the shaded CI, with replicates. */
static void band_key(fig *f)
{
    if (!f->band)
        return;
    char text[96];
    snprintf(text, sizeof text, "95 %% CI (%d runs)", f->R);
    fputs(", \\\n  keyentry with filledcurves fc rgb \"#a0a0a0\" title ", f->out);
    bs_gnuplot_string(f->out, text);
}

void bs_plot_series_brands(fig *f, int metric, int seg, const int *set, int n, double scale,
                           int with_policy)
{
    datablock(f, seg, metric);
    if (f->status)
        return;
    if (n == 0) { /* nothing to draw: an empty frame, not an error */
        fputs("plot NaN notitle\n", f->out);
        return;
    }
    const char *sep = "plot ";
    for (int i = 0; f->band && i < n; i++) {
        int c = f->col[set[i]];
        fprintf(f->out, "%s$s%dm%d using 1:($%d*%g):($%d*%g) with filledcurves ls %d notitle",
                sep, seg, metric, c + 1, scale, c + 2, scale, set[i] % 8 + 1);
        sep = ", \\\n  ";
    }
    for (int i = 0; i < n; i++) {
        int b = set[i], c = f->col[b];
        char title[LABEL_MAX + 1];
        bs_layout_brand_label(f->r, f->v, b, with_policy, title);
        fprintf(f->out, "%s$s%dm%d using 1:($%d*%g) with linespoints ", sep, seg, metric, c,
                scale);
        bs_plot_line_style(f->out, b);
        fprintf(f->out, " pi %d title ", bs_plot_point_interval(f->S));
        bs_gnuplot_string(f->out, title);
        sep = ", \\\n  ";
    }
    band_key(f);
    fputc('\n', f->out);
}

/* A market series' legend entry. */
static const char *market_label(int m)
{
    switch (m) {
    case BS_MK_WILLING_LOCATION: return "location data";
    case BS_MK_WILLING_BROWSING: return "browsing history";
    default: return bs_market_metric_get((bs_market_metric)m)->name;
    }
}

void bs_plot_series_market(fig *f, const int *ms, int n, double scale)
{
    const double *day = bs_results_days(f->r);
    for (int i = 0; i < n; i++) {
        cached *c = market_of(f, ms[i]);
        if (!c)
            return;
        if (f->market_block[ms[i]])
            continue;
        fprintf(f->out, "$mk%d << EOD\n", ms[i]);
        for (int t = 0; t < f->S; t++) {
            bs_plot_number(f->out, day[t]);
            for (int k = 0; k < 3; k++)
                bs_plot_number(f->out, c->v[k][t]);
            fputc('\n', f->out);
        }
        fputs("EOD\n", f->out);
        f->market_block[ms[i]] = 1;
    }
    const char *sep = "plot ";
    for (int i = 0; f->band && i < n; i++) {
        fprintf(f->out, "%s$mk%d using 1:($3*%g):($4*%g) with filledcurves ls %d notitle", sep,
                ms[i], scale, scale, 9 + i % 2);
        sep = ", \\\n  ";
    }
    for (int i = 0; i < n; i++) {
        fprintf(f->out, "%s$mk%d using 1:($2*%g) with linespoints ls %d pi %d title ", sep, ms[i],
                scale, 9 + i % 2, bs_plot_point_interval(f->S));
        bs_gnuplot_string(f->out, market_label(ms[i]));
        sep = ", \\\n  ";
    }
    fputc('\n', f->out);
}

void bs_plot_series_max(fig *f, int metric, const int *segs, int n_segs, const int *set, int n,
                        double scale)
{
    double top = 0;
    for (int s = 0; s < n_segs; s++) {
        cached *c = stats_of(f, segs[s], metric);
        if (!c)
            return;
        for (int i = 0; i < n; i++)
            for (int t = 0; t < f->S; t++) {
                double x = c->v[f->band ? 2 : 0][(size_t)t * f->B + set[i]];
                if (isfinite(x) && x > top)
                    top = x;
            }
    }
    fprintf(f->out, "%.7g", top * scale);
}
