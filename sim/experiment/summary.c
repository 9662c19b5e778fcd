/* SPDX-License-Identifier: MIT */
/*
 * summary.c: the statistics across replicates of an ensemble variant
 * (summary.h). Each series is read back from the file as written, R x steps
 * x width, and reduced cell by cell with bs_ci_mean (GSL, stats.c).
 */
#include "experiment/summary.h"

#include <stdio.h>
#include <stdlib.h>

#include "brandsim/stats.h"

/* One series: x[r][cell] -> y[k][cell]. */
static void summarize(const double *x, size_t R, size_t cells, double *y)
{
    for (size_t c = 0; c < cells; c++) {
        bs_ci ci = bs_ci_mean(x + c, cells, R, 0.95);
        y[BS_SUMMARY_MEAN * cells + c] = ci.mean;
        y[BS_SUMMARY_SD * cells + c] = ci.sd;
        y[BS_SUMMARY_CI_LOW * cells + c] = ci.lo;
        y[BS_SUMMARY_CI_HIGH * cells + c] = ci.hi;
    }
}

static bs_status one_series(bs_output *out, int seg, int metric, size_t R, size_t cells,
                            double *x, double *y, bs_error *err)
{
    bs_status s = bs_output_read_replicates(out, seg, metric, x, err);
    if (s)
        return s;
    summarize(x, R, cells, y);
    return bs_output_write_summary(out, seg, metric, y, err);
}

bs_status bs_summary_write(bs_output *out, const bs_scenario *sc, bs_error *err)
{
    const size_t R = (size_t)sc->replicates, T = (size_t)sc->steps;
    const size_t brand_cells = T * (size_t)sc->n_brands;
    size_t cells = brand_cells > T ? brand_cells : T;
    for (int g = 0; g < BS_QG_COUNT; g++) /* quantile series: bins x brands wide */
        if (brand_cells * (size_t)bs_output_quantile_bins(out, g) > cells)
            cells = brand_cells * (size_t)bs_output_quantile_bins(out, g);
    double *x = malloc((R * cells + 1) * sizeof *x), *y = malloc((4 * cells + 1) * sizeof *y);
    bs_status s = BS_OK;
    if (!x || !y) {
        s = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory for the statistics of %zu replicates",
                 R);
    }
    for (int seg = 0; s == BS_OK && seg < BS_SEG_COUNT; seg++)
        for (int m = 0; s == BS_OK && m < BS_M_COUNT; m++)
            s = one_series(out, seg, m, R, brand_cells, x, y, err);
    for (int q = 0; s == BS_OK && q < BS_MK_COUNT; q++)
        s = one_series(out, BS_SERIES_MARKET, q, R, T, x, y, err);
    for (int g = 0; s == BS_OK && g < BS_QG_COUNT; g++)
        for (int m = 0; s == BS_OK && bs_output_quantile_bins(out, g) && m < BS_QM_COUNT; m++)
            s = one_series(out, BS_SERIES_QUANTILE(g), m, R,
                           brand_cells * (size_t)bs_output_quantile_bins(out, g), x, y, err);
    free(x);
    free(y);
    return s;
}
