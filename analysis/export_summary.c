/* SPDX-License-Identifier: MIT */
/*
 * export_summary.c: the series' summary table of the CSV export (export.h):
 * for each series the selection keeps (export.c), its mean, sd and 95 % CI
 * over replicates per step and brand, from bs_results_stat and its market
 * and quantile siblings (the file's /ensemble group when it has one, else
 * computed from the replicates). Rows in the series table's order, without
 * the replicate; the day of each step beside it.
 */
#include "export_internal.h"

#include <stdlib.h>

/* stat[k] of one series: mean, sd, ci_low, ci_high (BS_RSTAT order). */
static void row(FILE *out, const bs_results *r, int t, const char *variant, const char *brand,
                const char *segment, const char *metric, const double *const stat[BS_RSTAT_COUNT],
                size_t at)
{
    char num[32];
    fprintf(out, "%d,%s,", t, bs_export_number(bs_results_days(r)[t], num));
    bs_export_field(out, variant);
    fputc(',', out);
    bs_export_field(out, brand);
    fputc(',', out);
    bs_export_field(out, segment);
    fputc(',', out);
    bs_export_field(out, metric);
    fprintf(out, ",%d", bs_results_replicates(r));
    for (int k = 0; k < BS_RSTAT_COUNT; k++)
        bs_export_cell(out, stat[k][at]);
    fputc('\n', out);
}

/* The four statistics of one series into x[0..3]; which: 0 a segment's series (seg, m),
 * 1 a market series (m), 2 a quantile grouping's (seg = the grouping, m). */
static bs_status read_stats(const bs_results *r, int v, int which, int seg, int m,
                            double *const x[BS_RSTAT_COUNT], bs_cancel cancel, bs_error *err)
{
    bs_status s = bs_export_stopped(cancel, err);
    for (int k = 0; k < BS_RSTAT_COUNT && !s; k++) {
        const bs_rstat stat = (bs_rstat)k;
        if (which == 0)
            s = bs_results_stat(r, v, (bs_segment)seg, (bs_metric)m, stat, x[k], err);
        else if (which == 1)
            s = bs_results_market_stat(r, v, (bs_market_metric)m, stat, x[k], err);
        else
            s = bs_results_quantile_stat(r, v, (bs_quantile_grouping)seg, (bs_quantile_metric)m,
                                         stat, x[k], err);
    }
    return s;
}

static bs_status summary_variant(const bs_results *r, int v, const bs_export_sel *sel,
                                 double *const x[BS_RSTAT_COUNT], FILE *out, bs_cancel cancel,
                                 bs_error *err)
{
    int S = bs_results_steps(r), B = bs_results_brands(r);
    const char *vname = bs_results_variant_name(r, v);
    const double *const *st = (const double *const *)x;
    for (int seg = 0; seg < BS_SEG_COUNT && B > 0; seg++)
        for (int m = 0; m < BS_M_COUNT && sel->seg[seg]; m++) {
            if (!sel->metric[m])
                continue;
            bs_status s = read_stats(r, v, 0, seg, m, x, cancel, err);
            if (s)
                return s;
            for (int t = 0; t < S; t++)
                for (int b = 0; b < B; b++)
                    if (sel->brand[b])
                        row(out, r, t, vname, bs_results_brand_name(r, b),
                            bs_segment_name((bs_segment)seg), bs_metric_get((bs_metric)m)->name, st,
                            (size_t)t * B + b);
        }
    for (int m = 0; m < BS_MK_COUNT && sel->market_rows; m++) {
        if (!sel->market[m])
            continue;
        bs_status s = read_stats(r, v, 1, 0, m, x, cancel, err);
        if (s)
            return s;
        for (int t = 0; t < S; t++)
            row(out, r, t, vname, "", "market", bs_market_metric_get((bs_market_metric)m)->name, st,
                (size_t)t);
    }
    for (int g = 0; g < BS_QG_COUNT && B > 0; g++) {
        const int bins = bs_results_quantile_bins(r, (bs_quantile_grouping)g);
        int kept = 0;
        char names[BS_QUANTILE_MAX_BINS][64];
        for (int q = 0; q < bins; q++) {
            bs_quantile_bin_name(g, bs_results_quantile_trait(r), q, names[q], sizeof names[q]);
            kept |= sel->bin[g][q];
        }
        for (int m = 0; kept && m < BS_QM_COUNT; m++) {
            if (!sel->qmetric[m])
                continue;
            bs_status s = read_stats(r, v, 2, g, m, x, cancel, err);
            if (s)
                return s;
            const char *mname = bs_quantile_metric_get((bs_quantile_metric)m)->name;
            for (int t = 0; t < S; t++)
                for (int q = 0; q < bins; q++)
                    for (int b = 0; b < B; b++)
                        if (sel->bin[g][q] && sel->brand[b])
                            row(out, r, t, vname, bs_results_brand_name(r, b), names[q], mname, st,
                                ((size_t)t * bins + q) * B + b);
        }
    }
    return BS_OK;
}

bs_status bs_export_summary(const bs_results *r, const bs_export_sel *sel, FILE *out,
                            bs_cancel cancel, bs_error *err)
{
    int S = bs_results_steps(r), B = bs_results_brands(r), bins = 1;
    for (int g = 0; g < BS_QG_COUNT; g++)
        if (bs_results_quantile_bins(r, (bs_quantile_grouping)g) > bins)
            bins = bs_results_quantile_bins(r, (bs_quantile_grouping)g);
    size_t n = (size_t)S * (size_t)bins * (size_t)(B ? B : 1);
    double *x[BS_RSTAT_COUNT] = {0};
    bs_status s = BS_OK;
    for (int k = 0; k < BS_RSTAT_COUNT && !s; k++)
        if (!(x[k] = malloc(n * sizeof *x[k])))
            s = bs_error_setf(err, BS_ERR_RUNTIME, "%s: out of memory", bs_results_path(r));
    if (!s)
        fputs("step,day,variant,brand,segment,metric,n,mean,sd,ci_low,ci_high\n", out);
    for (int v = 0; v < bs_results_variants(r) && !s; v++)
        if (sel->v < 0 || v == sel->v)
            s = summary_variant(r, v, sel, x, out, cancel, err);
    for (int k = 0; k < BS_RSTAT_COUNT; k++)
        free(x[k]);
    return s;
}
