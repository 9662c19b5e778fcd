/* SPDX-License-Identifier: MIT */
/*
 * stats.h: the statistics brandsim reports about replicates, all computed with
 * GSL (means and variances from gsl_statistics, quantiles and p-values from
 * gsl_cdf's t distribution, regression from gsl_fit): the 95 % confidence
 * interval of a mean, the difference of two means (Welch, or paired when the
 * replicates share seeds), a 2 x 2 interaction contrast, and an OLS slope.
 * Pure functions of their arguments: no I/O, no allocation, no global state.
 */
#ifndef BS_EXPERIMENT_STATS_H
#define BS_EXPERIMENT_STATS_H

#include <stddef.h>
#include "brandsim/visibility.h"

BS_API_BEGIN

/* A mean with its confidence interval: mean +/- t(level, n-1) * sd / sqrt(n).
 * n < 2: sd, lo and hi are NaN (mean is the value for n = 1, NaN for 0). */
typedef struct {
    double mean, sd, lo, hi;
    size_t n;
} bs_ci;

/* An estimated effect (a difference, a contrast, a slope) and its test against
 * 0: the estimate, its standard error, confidence interval, t statistic,
 * degrees of freedom and two-sided p-value. A zero standard error (identical
 * replicates) gives t = +/-inf and p = 0 when the estimate is not 0, t = 0
 * and p = 1 when it is; too few values give NaN everywhere. */
typedef struct {
    double estimate, se, lo, hi, t, df, p;
} bs_effect;

/* Mean and confidence interval of x[0], x[stride], ..., x[(n-1)*stride]. */
bs_ci bs_ci_mean(const double *x, size_t stride, size_t n, double level);

/* mean(a) - mean(b), Welch's unequal-variance t with Welch-Satterthwaite df. */
bs_effect bs_effect_welch(const double *a, size_t na, const double *b, size_t nb, double level);

/* mean(a - b) over pairs (a[i], b[i]): for replicates run with the same seeds
 * (common random numbers), df = n - 1. */
bs_effect bs_effect_paired(const double *a, const double *b, size_t n, double level);

/* Interaction of a 2 x 2 design: (mean(a11) - mean(a10)) - (mean(a01) - mean(a00)),
 * cells independent, se from the four cell variances, Welch-Satterthwaite df. */
bs_effect bs_effect_interaction(const double *a11, size_t n11, const double *a10, size_t n10,
                                const double *a01, size_t n01, const double *a00, size_t n00,
                                double level);

/* OLS slope of y on x (gsl_fit_linear), t test of slope = 0 with n - 2 df. */
bs_effect bs_effect_slope(const double *x, const double *y, size_t n, double level);

BS_API_END

#endif
