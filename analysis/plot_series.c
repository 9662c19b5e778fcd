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
#include "brandsim/stats.h"

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
    f->cache = calloc((size_t)BS_PLOT_KEYS, sizeof *f->cache);
    f->block = calloc((size_t)BS_PLOT_KEYS, 1);
    if (!f->cache || !f->block)
        return bs_plot_fig_fail(f, BS_ERR_RUNTIME, "out of memory");
    return 0;
}

void bs_plot_fig_free(fig *f)
{
    for (int k = 0; f->cache && k < BS_PLOT_KEYS; k++)
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

int bs_plot_key(const bs_series_ref *ref)
{
    return ref->quantile ? BS_PLOT_QKEY(ref->grouping, ref->bin, ref->metric)
                         : ref->seg * BS_M_COUNT + ref->metric;
}

/* The series a key stands for. */
static bs_series_ref ref_of(const fig *f, int key)
{
    bs_series_ref ref = {0};
    ref.trait = -1;
    if (key < BS_PLOT_SEG_KEYS) {
        ref.seg = key / BS_M_COUNT;
        ref.metric = key % BS_M_COUNT;
        return ref;
    }
    key -= BS_PLOT_SEG_KEYS;
    ref.quantile = 1;
    ref.metric = key % BS_QM_COUNT;
    ref.bin = key / BS_QM_COUNT % BS_QUANTILE_MAX_BINS;
    ref.grouping = key / BS_QM_COUNT / BS_QUANTILE_MAX_BINS;
    ref.trait = ref.grouping == BS_QG_TRAIT ? bs_results_quantile_trait(f->r) : -1;
    return ref;
}

/* mean, lo, hi of series `key`, read once. */
static cached *stats_of(fig *f, int key)
{
    cached *c = &f->cache[key];
    const bs_series_ref ref = ref_of(f, key);
    if (c->v[0])
        return c;
    size_t n = (size_t)f->S * (size_t)(f->B ? f->B : 1);
    for (int k = 0; k < 3; k++) {
        if (!(c->v[k] = malloc(n * sizeof *c->v[k]))) {
            bs_plot_fig_fail(f, BS_ERR_RUNTIME, "out of memory");
            return NULL;
        }
        bs_rstat st = k == 0 ? BS_RSTAT_MEAN : k == 1 ? BS_RSTAT_LO : BS_RSTAT_HI;
        if (f->B > 0 && bs_results_ref_stat(f->r, f->v, &ref, st, c->v[k], f->err)) {
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

/* $k<key>: day, then mean lo hi of each drawn brand. */
static void datablock(fig *f, int key)
{
    unsigned char *done = &f->block[key];
    cached *c = stats_of(f, key);
    if (*done || !c)
        return;
    const double *day = bs_results_days(f->r);
    fprintf(f->out, "$k%d << EOD\n", key);
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

void bs_plot_series_brands(fig *f, int key, const int *set, int n, double scale,
                           int with_policy)
{
    datablock(f, key);
    if (f->status)
        return;
    if (n == 0) { /* nothing to draw: an empty frame, not an error */
        fputs("plot NaN notitle\n", f->out);
        return;
    }
    const char *sep = "plot ";
    for (int i = 0; f->band && i < n; i++) {
        int c = f->col[set[i]];
        fprintf(f->out, "%s$k%d using 1:($%d*%g):($%d*%g) with filledcurves ls %d notitle",
                sep, key, c + 1, scale, c + 2, scale, set[i] % 8 + 1);
        sep = ", \\\n  ";
    }
    for (int i = 0; i < n; i++) {
        int b = set[i], c = f->col[b];
        char title[LABEL_MAX + 1];
        bs_layout_brand_label(f->r, f->v, b, with_policy, title);
        fprintf(f->out, "%s$k%d using 1:($%d*%g) with linespoints ", sep, key, c, scale);
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

void bs_plot_series_max(fig *f, const int *keys, int n_keys, const int *set, int n,
                        double scale)
{
    double top = 0;
    for (int s = 0; s < n_keys; s++) {
        cached *c = stats_of(f, keys[s]);
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

/* ---- @PLOTBINS@: one line per quantile bin ---------------------------------------- */

/* The bins' series of quantile metric m summed over the brands `set`, per replicate:
 * y[(rep * S + t) * bins + bin]; per relationship of the bin when per is set, and mean
 * revenge weighted by relationships. 0 if read, else f fails. */
static int bins_values(fig *f, int g, int m, int per, const int *set, int n, double *y)
{
    const int R = f->R, S = f->S, B = f->B, bins = bs_results_quantile_bins(f->r, g);
    const size_t cells = (size_t)R * S * bins * (size_t)B;
    double *x = malloc(cells * sizeof *x), *rel = malloc(cells * sizeof *rel);
    int bad = !x || !rel;
    if (bad)
        bs_plot_fig_fail(f, BS_ERR_RUNTIME, "out of memory");
    const int weighted = m == BS_QM_MEAN_REVENGE, need_rel = weighted || per;
    if (!bad && (bs_results_quantile(f->r, f->v, g, m, x, f->err)
                 || (need_rel && bs_results_quantile(f->r, f->v, g, BS_QM_RELATIONSHIPS, rel, f->err)))) {
        f->status = f->err->status;
        bad = 1;
    }
    for (size_t k = 0; !bad && k < (size_t)R * S * bins; k++) { /* k = (rep * S + t) * bins + bin */
        double num = 0, den = 0;
        for (int i = 0; i < n; i++) {
            const double v = x[k * B + set[i]], w = need_rel ? rel[k * B + set[i]] : 1;
            num += weighted ? v * w : v;
            den += w;
        }
        y[k] = weighted || per ? (den > 0 ? num / den : NAN) : num;
    }
    free(x);
    free(rel);
    return bad;
}

/* "q1 (weakest)", "q2", ..., "q3 (strongest)"; for a trait "q1 (lowest anxiety)". */
static void bin_label(const fig *f, int g, int bin, int bins, char *buf, size_t n)
{
    const char *what = g == BS_QG_STRENGTH ? (bin == 0 ? "weakest" : "strongest")
                                           : (bin == 0 ? "lowest" : "highest");
    char name[64];
    bs_quantile_bin_name(g, bs_results_quantile_trait(f->r), bin, name, sizeof name);
    if (bin == 0 || bin == bins - 1)
        snprintf(buf, n, "%s (%s%s%s)", name, what, g == BS_QG_STRENGTH ? "" : " ",
                 g == BS_QG_STRENGTH ? "" : bs_results_quantile_by(f->r, g));
    else
        snprintf(buf, n, "%s", name);
}

void bs_plot_series_bins(fig *f, int g, int m, int per, const int *set, int n, double scale)
{
    const int bins = bs_results_quantile_bins(f->r, g), S = f->S, R = f->R;
    if (!bins || f->B == 0 || n == 0) {
        fputs("plot NaN notitle\n", f->out);
        return;
    }
    per = per != 0;
    if (!f->bins_block[g][m][per]) {
        double *y = malloc((size_t)R * S * bins * sizeof *y);
        if (!y) {
            bs_plot_fig_fail(f, BS_ERR_RUNTIME, "out of memory");
            return;
        }
        if (bins_values(f, g, m, per, set, n, y)) {
            free(y);
            return;
        }
        const double *day = bs_results_days(f->r);
        fprintf(f->out, "$q%dm%dp%d << EOD\n", g, m, per);
        for (int t = 0; t < S; t++) {
            bs_plot_number(f->out, day[t]);
            for (int q = 0; q < bins; q++) {
                bs_ci c = bs_ci_mean(y + (size_t)t * bins + q, (size_t)S * bins, (size_t)R, 0.95);
                bs_plot_number(f->out, c.mean);
                bs_plot_number(f->out, R >= 2 ? c.lo : NAN);
                bs_plot_number(f->out, R >= 2 ? c.hi : NAN);
            }
            fputc('\n', f->out);
        }
        fputs("EOD\n", f->out);
        free(y);
        f->bins_block[g][m][per] = 1;
    }
    const char *sep = "plot ";
    for (int q = 0; f->band && q < bins; q++) {
        fprintf(f->out, "%s$q%dm%dp%d using 1:($%d*%g):($%d*%g) with filledcurves ls %d notitle",
                sep, g, m, per, 3 + 3 * q, scale, 4 + 3 * q, scale, q % 8 + 1);
        sep = ", \\\n  ";
    }
    for (int q = 0; q < bins; q++) {
        char title[96];
        bin_label(f, g, q, bins, title, sizeof title);
        fprintf(f->out, "%s$q%dm%dp%d using 1:($%d*%g) with linespoints ", sep, g, m, per,
                2 + 3 * q, scale);
        bs_plot_line_style(f->out, q);
        fprintf(f->out, " pi %d title ", bs_plot_point_interval(S));
        bs_gnuplot_string(f->out, title);
        sep = ", \\\n  ";
    }
    band_key(f);
    fputc('\n', f->out);
}
