/* SPDX-License-Identifier: MIT */
/*
 * export_outcomes.c: the outcome tables of the CSV export (export.h): each
 * run's outcomes (bs_kpis_compute: one row per variant, replicate and brand,
 * with the replicate's seed), or their summary over replicates (one row per
 * variant and brand: each outcome's mean and 95 % CI, bs_ci_mean, as compare
 * and info show them). Undefined values (NaN) are empty cells.
 */
#include "export_internal.h"

#include <inttypes.h>
#include <stdlib.h>

#include "brandsim/outcomes.h"
#include "brandsim/stats.h"

static void header(FILE *out, int summary)
{
    fputs(summary ? "variant,brand,n" : "variant,replicate,seed,brand", out);
    for (int o = 0; o < BS_KPI_COUNT; o++) {
        const char *name = bs_kpi_get((bs_kpi)o)->name;
        if (summary)
            fprintf(out, ",%s_mean,%s_ci_low,%s_ci_high", name, name, name);
        else
            fprintf(out, ",%s", name);
    }
    fputc('\n', out);
}

/* Variant v's rows from its outcomes k (bs_kpis_compute's layout); vals: R doubles. */
static void variant_rows(const bs_results *r, int v, const bs_export_sel *sel, int summary,
                         const double *k, double *vals, FILE *out)
{
    int R = bs_results_replicates(r), B = bs_results_brands(r);
    const char *vname = bs_results_variant_name(r, v);
    for (int rep = 0; rep < (summary ? 1 : R); rep++)
        for (int b = 0; b < B; b++) {
            if (!sel->brand[b])
                continue;
            bs_export_field(out, vname);
            if (summary)
                fprintf(out, ",");
            else
                fprintf(out, ",%d,%" PRIu64 ",", rep, bs_results_seeds(r, v)[rep]);
            bs_export_field(out, bs_results_brand_name(r, b));
            if (summary)
                fprintf(out, ",%d", R);
            for (int o = 0; o < BS_KPI_COUNT; o++) {
                if (!summary) {
                    bs_export_cell(out, k[((size_t)rep * B + b) * BS_KPI_COUNT + o]);
                    continue;
                }
                bs_kpi_values(k, R, B, b, (bs_kpi)o, vals);
                bs_ci c = bs_ci_mean(vals, 1, (size_t)R, 0.95);
                bs_export_cell(out, c.mean);
                bs_export_cell(out, c.lo);
                bs_export_cell(out, c.hi);
            }
            fputc('\n', out);
        }
}

bs_status bs_export_outcomes(const bs_results *r, const bs_export_sel *sel, int summary,
                             FILE *out, bs_cancel cancel, bs_error *err)
{
    int R = bs_results_replicates(r), B = bs_results_brands(r);
    double *k = malloc((size_t)R * (size_t)(B ? B : 1) * BS_KPI_COUNT * sizeof *k);
    double *vals = malloc((size_t)R * sizeof *vals);
    bs_status s = k && vals ? BS_OK
                            : bs_error_setf(err, BS_ERR_RUNTIME, "%s: out of memory",
                                            bs_results_path(r));
    if (!s)
        header(out, summary);
    for (int v = 0; v < bs_results_variants(r) && !s; v++) {
        if (sel->v >= 0 && v != sel->v)
            continue;
        s = bs_export_stopped(cancel, err);
        if (!s)
            s = bs_kpis_compute(r, v, 0, k, err);
        if (!s)
            variant_rows(r, v, sel, summary, k, vals, out);
    }
    free(k);
    free(vals);
    return s;
}
