/* SPDX-License-Identifier: MIT */
/*
 * export.c: the tidy CSV export (see export.h). Series are read one at a
 * time (R x S x B values) and written in the order variant, segment,
 * metric, replicate, step, brand; then the market-wide series; then, when
 * the file has them, the quantile series in the order grouping, metric,
 * replicate, step, bin, brand, each bin named as a segment ("strength_q1").
 */
#include "brandsim/export.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *bs_export_number(double x, char *buf)
{
    if (isnan(x))
        return strcpy(buf, "NaN");
    if (isinf(x))
        return strcpy(buf, x > 0 ? "Inf" : "-Inf");
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, 32, "%.*g", digits, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    return buf;
}

/* A name as a CSV field: quoted if it holds a comma, quote or line break. */
static void field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void row(FILE *out, int step, const char *variant, int rep, const char *brand,
                const char *segment, const char *metric, double value)
{
    char num[32];
    fprintf(out, "%d,", step);
    field(out, variant);
    fprintf(out, ",%d,", rep);
    field(out, brand);
    fputc(',', out);
    field(out, segment);
    fputc(',', out);
    field(out, metric);
    fprintf(out, ",%s\n", bs_export_number(value, num));
}

/* Stopped by a caught signal (cancel set): BS_ERR_RUNTIME. */
static bs_status stopped(bs_cancel cancel, bs_error *err)
{
    if (!bs_cancel_requested(cancel))
        return BS_OK;
    return bs_error_setf(err, BS_ERR_RUNTIME, "stopped");
}

static bs_status export_variant(const bs_results *r, int v, double *x, FILE *out,
                                bs_cancel cancel, bs_error *err)
{
    int R = bs_results_replicates(r), S = bs_results_steps(r), B = bs_results_brands(r);
    const char *vname = bs_results_variant_name(r, v);
    for (int seg = 0; seg < BS_SEG_COUNT && B > 0; seg++)
        for (int m = 0; m < BS_M_COUNT; m++) {
            bs_status s = stopped(cancel, err);
            if (!s)
                s = bs_results_series(r, v, (bs_segment)seg, (bs_metric)m, x, err);
            if (s)
                return s;
            for (int rep = 0; rep < R; rep++)
                for (int t = 0; t < S; t++)
                    for (int b = 0; b < B; b++)
                        row(out, t, vname, rep, bs_results_brand_name(r, b),
                            bs_segment_name((bs_segment)seg), bs_metric_get((bs_metric)m)->name,
                            x[((size_t)rep * S + t) * B + b]);
        }
    for (int m = 0; m < BS_MK_COUNT; m++) {
        if (!bs_results_has_market(r, (bs_market_metric)m))
            continue; /* a file written before the metric existed */
        bs_status s = stopped(cancel, err);
        if (!s)
            s = bs_results_market(r, v, (bs_market_metric)m, x, err);
        if (s)
            return s;
        for (int rep = 0; rep < R; rep++)
            for (int t = 0; t < S; t++)
                row(out, t, vname, rep, "", "market",
                    bs_market_metric_get((bs_market_metric)m)->name, x[(size_t)rep * S + t]);
    }
    for (int g = 0; g < BS_QG_COUNT && B > 0; g++) {
        const int bins = bs_results_quantile_bins(r, (bs_quantile_grouping)g);
        char names[BS_QUANTILE_MAX_BINS][64];
        for (int q = 0; q < bins; q++)
            bs_quantile_bin_name(g, bs_results_quantile_trait(r), q, names[q], sizeof names[q]);
        for (int m = 0; bins && m < BS_QM_COUNT; m++) {
            bs_status s = stopped(cancel, err);
            if (!s)
                s = bs_results_quantile(r, v, (bs_quantile_grouping)g, (bs_quantile_metric)m, x,
                                        err);
            if (s)
                return s;
            const char *mname = bs_quantile_metric_get((bs_quantile_metric)m)->name;
            for (int rep = 0; rep < R; rep++)
                for (int t = 0; t < S; t++)
                    for (int q = 0; q < bins; q++)
                        for (int b = 0; b < B; b++)
                            row(out, t, vname, rep, bs_results_brand_name(r, b), names[q], mname,
                                x[(((size_t)rep * S + t) * bins + q) * B + b]);
        }
    }
    return BS_OK;
}

bs_status bs_export_csv(const bs_results *r, int v, FILE *out, bs_cancel cancel,
                        bs_error *err)
{
    int R = bs_results_replicates(r), S = bs_results_steps(r), B = bs_results_brands(r);
    int bins = 1; /* the widest series: a quantile grouping's bins x brands */
    for (int g = 0; g < BS_QG_COUNT; g++)
        if (bs_results_quantile_bins(r, (bs_quantile_grouping)g) > bins)
            bins = bs_results_quantile_bins(r, (bs_quantile_grouping)g);
    size_t n = (size_t)R * S * (size_t)bins * (size_t)(B ? B : 1);
    double *x = malloc(n * sizeof *x);
    if (!x) {
        return bs_error_setf(err, BS_ERR_RUNTIME, "%s: out of memory", bs_results_path(r));
    }
    fputs("step,variant,replicate,brand,segment,metric,value\n", out);
    bs_status s = BS_OK;
    for (int k = 0; k < bs_results_variants(r) && !s; k++)
        if (v < 0 || k == v)
            s = export_variant(r, k, x, out, cancel, err);
    free(x);
    return s;
}
