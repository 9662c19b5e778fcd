/* SPDX-License-Identifier: MIT */
/*
 * stats.c: confidence intervals and tests of effects across replicates
 * (see stats.h). Every quantile and p-value comes from GSL's t distribution,
 * every mean and variance from gsl_statistics, the regression from gsl_fit.
 */
#include "brandsim/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

static bs_effect effect_none(void)
{
    bs_effect e = {NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    return e;
}

/* Fill t, p and the interval of an estimate with standard error se and df. */
static bs_effect effect_of(double estimate, double se, double df, double level)
{
    bs_effect e = {estimate, se, NAN, NAN, NAN, df, NAN};
    if (!(level > 0 && level < 1) || !(df > 0) || !isfinite(estimate) || !(se >= 0))
        return effect_none();
    double q = gsl_cdf_tdist_Pinv(0.5 + level / 2, df);
    e.lo = estimate - q * se;
    e.hi = estimate + q * se;
    if (se == 0) {
        e.t = estimate == 0 ? 0 : copysign(INFINITY, estimate);
        e.p = estimate == 0 ? 1 : 0;
    } else {
        e.t = estimate / se;
        e.p = 2 * gsl_cdf_tdist_Q(fabs(e.t), df);
    }
    return e;
}

bs_ci bs_ci_mean(const double *x, size_t stride, size_t n, double level)
{
    bs_ci c = {NAN, NAN, NAN, NAN, n};
    if (n == 0)
        return c;
    c.mean = gsl_stats_mean(x, stride, n);
    if (n < 2 || !(level > 0 && level < 1))
        return c;
    c.sd = gsl_stats_sd_m(x, stride, n, c.mean);
    double half = gsl_cdf_tdist_Pinv(0.5 + level / 2, (double)(n - 1)) * c.sd / sqrt((double)n);
    c.lo = c.mean - half;
    c.hi = c.mean + half;
    return c;
}

/* Welch-Satterthwaite degrees of freedom of a sum of terms v_i = s_i^2 / n_i. */
static double welch_df(const double *v, const size_t *n, int k)
{
    double num = 0, den = 0;
    for (int i = 0; i < k; i++) {
        num += v[i];
        den += v[i] * v[i] / (double)(n[i] - 1);
    }
    if (den == 0) /* every cell constant: the df of the pooled cells */
    {
        double df = 0;
        for (int i = 0; i < k; i++)
            df += (double)(n[i] - 1);
        return df;
    }
    return num * num / den;
}

bs_effect bs_effect_welch(const double *a, size_t na, const double *b, size_t nb, double level)
{
    if (na < 2 || nb < 2)
        return effect_none();
    double ma = gsl_stats_mean(a, 1, na), mb = gsl_stats_mean(b, 1, nb);
    double v[2] = {gsl_stats_variance_m(a, 1, na, ma) / (double)na,
                   gsl_stats_variance_m(b, 1, nb, mb) / (double)nb};
    size_t n[2] = {na, nb};
    return effect_of(ma - mb, sqrt(v[0] + v[1]), welch_df(v, n, 2), level);
}

bs_effect bs_effect_paired(const double *a, const double *b, size_t n, double level)
{
    if (n < 2)
        return effect_none();
    /* mean and variance of the differences, without a buffer: Welford */
    double mean = 0, m2 = 0;
    for (size_t i = 0; i < n; i++) {
        double d = a[i] - b[i], delta = d - mean;
        mean += delta / (double)(i + 1);
        m2 += delta * (d - mean);
    }
    double var = m2 / (double)(n - 1);
    return effect_of(mean, sqrt(var / (double)n), (double)(n - 1), level);
}

bs_effect bs_effect_interaction(const double *a11, size_t n11, const double *a10, size_t n10,
                                const double *a01, size_t n01, const double *a00, size_t n00,
                                double level)
{
    const double *cell[4] = {a11, a10, a01, a00};
    size_t n[4] = {n11, n10, n01, n00};
    double m[4], v[4];
    for (int i = 0; i < 4; i++) {
        if (n[i] < 2)
            return effect_none();
        m[i] = gsl_stats_mean(cell[i], 1, n[i]);
        v[i] = gsl_stats_variance_m(cell[i], 1, n[i], m[i]) / (double)n[i];
    }
    double est = (m[0] - m[1]) - (m[2] - m[3]);
    return effect_of(est, sqrt(v[0] + v[1] + v[2] + v[3]), welch_df(v, n, 4), level);
}

bs_effect bs_effect_slope(const double *x, const double *y, size_t n, double level)
{
    if (n < 3)
        return effect_none();
    double c0, c1, cov00, cov01, cov11, sumsq;
    if (gsl_fit_linear(x, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq) != 0
        || !isfinite(c1))
        return effect_none();
    return effect_of(c1, sqrt(cov11), (double)(n - 2), level);
}
