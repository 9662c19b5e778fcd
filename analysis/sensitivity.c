/* SPDX-License-Identifier: MIT */
/*
 * sensitivity.c: sensitivity indices from the outputs of a sweep's design
 * (sensitivity.h): Sobol indices with bootstrap percentile intervals from a
 * Saltelli design, Morris's mu, mu* and sigma from a Morris design, and the
 * swings of a one-at-a-time design. Means and variances come from
 * gsl_statistics, percentiles from gsl_sort and gsl_stats_quantile; the
 * bootstrap draws from GSL's gsl_rng over the library's Philox streams
 * (core/rng.h), so the intervals are a pure function of the seed.
 */
#include "brandsim/sensitivity.h"

#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

#include "brandsim/error.h"
#include "core/rng.h"

/* The bootstrap's Philox purpose, apart from the run's (1 to 3) and the
 * designs' (0xd1, 0xd2); resample b draws from stream (b, chunk), a new chunk
 * every 2^20 draws, so no stream runs out however many blocks there are. */
enum { PURPOSE_BOOTSTRAP = 0xb0, CHUNK_BITS = 20 };

/* ---- Sobol indices ------------------------------------------------------- */

/* Scratch space of bs_sobol_indices, freed together. */
typedef struct {
    size_t *blocks;   /* the usable blocks (m) */
    size_t *resample; /* one bootstrap resample of them (m) */
    double *ab;       /* f(A), f(B) of the blocks being estimated (2m) */
    double *est;      /* S_i then ST_i of one estimate (2k) */
    double *boot;     /* column c = 2i (S_i) or 2i + 1 (ST_i), n_boot values each */
} sobol_work;

static void sobol_work_free(sobol_work *w)
{
    free(w->blocks);
    free(w->resample);
    free(w->ab);
    free(w->est);
    free(w->boot);
}

/* The blocks of k + 2 outputs whose values are all finite, in order. */
static size_t usable_blocks(const double *y, size_t n, size_t k, size_t *blocks)
{
    size_t m = 0;
    for (size_t j = 0; j < n; j++) {
        size_t r = 0;
        while (r < k + 2 && isfinite(y[j * (k + 2) + r]))
            r++;
        if (r == k + 2)
            blocks[m++] = j;
    }
    return m;
}

/* S_i and ST_i (est[2i], est[2i + 1]) from the m blocks listed (a block may be
 * listed twice, as in a bootstrap resample). V is the variance of the 2m
 * values f(A), f(B) with divisor 2m, as in SALib.
 * First order, Saltelli et al. (2010): V_i = E[f(B) (f(AB_i) - f(A))],
 * here with f(B) centred on the mean f0 of the f(A) and f(B) values:
 * E[f(AB_i) - f(A)] = 0, so the expectation is the same, but the estimate no
 * longer depends on where the output's zero is (an uncentred f(B) adds f0
 * times the noise of mean(f(AB_i) - f(A)), which swamps S_i when the output's
 * mean is large next to its spread, e.g. a market share of 0.3 +/- 0.01).
 * Total, Jansen (1999): VT_i = E[(f(A) - f(AB_i))^2] / 2. */
static void sobol_estimate(const double *y, size_t k, const size_t *blocks, size_t m, double *ab,
                           double *est)
{
    size_t w = k + 2;
    for (size_t j = 0; j < m; j++) {
        ab[2 * j] = y[blocks[j] * w];
        ab[2 * j + 1] = y[blocks[j] * w + k + 1];
    }
    double f0 = gsl_stats_mean(ab, 1, 2 * m);
    double v = gsl_stats_tss_m(ab, 1, 2 * m, f0) / (double)(2 * m);
    for (size_t i = 0; i < k; i++) {
        double first = 0, total = 0;
        for (size_t j = 0; j < m; j++) {
            const double *b = y + blocks[j] * w;
            double d = b[1 + i] - b[0]; /* f(AB_i) - f(A) */
            first += (b[k + 1] - f0) * d;
            total += d * d;
        }
        est[2 * i] = v > 0 ? first / (double)m / v : NAN;
        est[2 * i + 1] = v > 0 ? total / (double)m / (2 * v) : NAN;
    }
}

/* Resample b: m blocks drawn uniformly with replacement from the m usable. */
static void bootstrap_resample(const size_t *blocks, size_t m, uint64_t seed, int b, size_t *out)
{
    bs_rng stream;
    bs_rng_init(&stream, seed, PURPOSE_BOOTSTRAP, (uint64_t)b, 0);
    gsl_rng g = bs_rng_gsl(&stream);
    for (size_t j = 0; j < m; j++) {
        if (j > 0 && (j & ((1u << CHUNK_BITS) - 1)) == 0)
            bs_rng_init(&stream, seed, PURPOSE_BOOTSTRAP, (uint64_t)b,
                        (uint32_t)(j >> CHUNK_BITS));
        out[j] = blocks[gsl_rng_uniform_int(&g, m)];
    }
}

/* The percentile interval of the n finite values of col (reordered in place);
 * NaN bounds if none is finite. */
static void percentile_interval(double *col, size_t n, double level, bs_interval *ci)
{
    size_t m = 0;
    for (size_t b = 0; b < n; b++)
        if (isfinite(col[b]))
            col[m++] = col[b];
    ci->lo = ci->hi = NAN;
    if (m == 0)
        return;
    gsl_sort(col, 1, m);
    ci->lo = gsl_stats_quantile_from_sorted_data(col, 1, m, (1 - level) / 2);
    ci->hi = gsl_stats_quantile_from_sorted_data(col, 1, m, (1 + level) / 2);
}

/* The percentile intervals of every index (Efron's bootstrap over the m usable
 * blocks: nb resamples, each estimated as the data were); NaN bounds for nb 0. */
static void bootstrap_intervals(const double *y, size_t k, size_t m, size_t nb, uint64_t seed,
                                double level, sobol_work *w, bs_sobol_index *out)
{
    for (size_t b = 0; b < nb; b++) {
        bootstrap_resample(w->blocks, m, seed, (int)b, w->resample);
        sobol_estimate(y, k, w->resample, m, w->ab, w->est);
        for (size_t c = 0; c < 2 * k; c++)
            w->boot[c * nb + b] = w->est[c];
    }
    for (size_t i = 0; i < k; i++) {
        out[i].first.lo = out[i].first.hi = out[i].total.lo = out[i].total.hi = NAN;
        if (nb > 0) {
            percentile_interval(w->boot + 2 * i * nb, nb, level, &out[i].first);
            percentile_interval(w->boot + (2 * i + 1) * nb, nb, level, &out[i].total);
        }
    }
}

static bs_status sobol_check(const double *y, int k, int n_boot, double level,
                             const bs_sobol_index *out, bs_error *err)
{
    if (!y || !out)
        return bs_error_setf(err, BS_ERR_INPUT,
                             "sobol indices: no outputs or no place for the indices");
    if (k < 1)
        return bs_error_setf(err, BS_ERR_INPUT, "sobol indices: 'k' is %d, expected at least 1", k);
    if (n_boot < 0)
        return bs_error_setf(err, BS_ERR_INPUT,
                             "sobol indices: 'n_boot' is %d, expected 0 or more resamples", n_boot);
    if (n_boot > 0 && !(level > 0 && level < 1))
        return bs_error_setf(err, BS_ERR_INPUT,
                             "sobol indices: 'level' is %g, expected a confidence level in (0, 1)",
                             level);
    return BS_OK;
}

bs_status bs_sobol_indices(const double *y, size_t n, int k, int n_boot, uint64_t seed,
                           double level, bs_sobol_index *out, size_t *used, bs_error *err)
{
    bs_status st = sobol_check(y, k, n_boot, level, out, err);
    if (st != BS_OK)
        return st;
    size_t kk = (size_t)k, nb = (size_t)n_boot;
    sobol_work w = {malloc((n ? n : 1) * sizeof(size_t)), malloc((n ? n : 1) * sizeof(size_t)),
                    malloc((n ? 2 * n : 1) * sizeof(double)), malloc(2 * kk * sizeof(double)),
                    malloc((nb ? 2 * kk * nb : 1) * sizeof(double))};
    if (!w.blocks || !w.resample || !w.ab || !w.est || !w.boot) {
        sobol_work_free(&w);
        return bs_error_setf(err, BS_ERR_RUNTIME,
                             "out of memory for the Sobol indices of %zu blocks", n);
    }
    size_t m = usable_blocks(y, n, kk, w.blocks);
    if (used)
        *used = m;
    if (m < 2) {
        sobol_work_free(&w);
        return bs_error_setf(
            err, BS_ERR_INPUT,
            "sobol indices: %zu of %zu blocks have finite outputs, expected at least 2", m, n);
    }
    sobol_estimate(y, kk, w.blocks, m, w.ab, w.est);
    for (size_t i = 0; i < kk; i++) {
        out[i].first.estimate = w.est[2 * i];
        out[i].total.estimate = w.est[2 * i + 1];
    }
    bootstrap_intervals(y, kk, m, nb, seed, level, &w, out);
    sobol_work_free(&w);
    return BS_OK;
}

/* ---- Morris -------------------------------------------------------------- */

/* The one factor that differs between rows a and b, or an error naming the
 * trajectory and the rows. */
static bs_status changed_factor(const double *a, const double *b, size_t k, size_t t, size_t r,
                                size_t *which, bs_error *err)
{
    size_t changed = 0;
    for (size_t i = 0; i < k; i++)
        if (a[i] != b[i]) {
            *which = i;
            changed++;
        }
    if (changed != 1)
        return bs_error_setf(err, BS_ERR_INPUT,
                             "morris indices: trajectory %zu, rows %zu and %zu differ in %zu "
                             "factors, expected exactly 1",
                             t, r, r + 1, changed);
    return BS_OK;
}

/* Every elementary effect (Morris 1991) of the design, in order, with the
 * factor it belongs to: step s of trajectory t is (t k + s). A step down
 * gives (y(x - D) - y(x)) / (-D), the forward effect at x - D. */
static bs_status elementary_effects(const double *u, const double *y, size_t n, size_t k,
                                    double *ee, size_t *factor, bs_error *err)
{
    for (size_t t = 0; t < n; t++)
        for (size_t s = 0; s < k; s++) {
            size_t r = t * (k + 1) + s, i = 0;
            const double *u0 = u + r * k, *u1 = u0 + k;
            bs_status st = changed_factor(u0, u1, k, t, s, &i, err);
            if (st != BS_OK)
                return st;
            ee[t * k + s] = (y[r + 1] - y[r]) / (u1[i] - u0[i]);
            factor[t * k + s] = i;
        }
    return BS_OK;
}

/* mu, mu* (Campolongo et al. 2007: the mean of |EE|, which effects of
 * opposite signs cannot cancel) and sigma of factor i's finite effects. */
static bs_morris_index morris_of(const double *ee, const size_t *factor, size_t steps, size_t i,
                                 double *tmp)
{
    bs_morris_index m = {NAN, NAN, NAN, 0};
    for (size_t s = 0; s < steps; s++)
        if (factor[s] == i && isfinite(ee[s]))
            tmp[m.n++] = ee[s];
    if (m.n == 0)
        return m;
    m.mu = gsl_stats_mean(tmp, 1, m.n);
    if (m.n >= 2)
        m.sigma = gsl_stats_sd_m(tmp, 1, m.n, m.mu);
    for (size_t j = 0; j < m.n; j++)
        tmp[j] = fabs(tmp[j]);
    m.mu_star = gsl_stats_mean(tmp, 1, m.n);
    return m;
}

bs_status bs_morris_indices(const double *u, const double *y, size_t n, int k,
                            bs_morris_index *out, bs_error *err)
{
    if (!u || !y || !out)
        return bs_error_setf(err, BS_ERR_INPUT,
                             "morris indices: no design, outputs or place for the indices");
    if (n < 1 || k < 1)
        return bs_error_setf(
            err, BS_ERR_INPUT,
            "morris indices: %zu trajectories of %d factors, expected at least 1 of 1", n, k);
    size_t kk = (size_t)k, steps = n * kk;
    double *ee = malloc(steps * sizeof *ee), *tmp = malloc(steps * sizeof *tmp);
    size_t *factor = malloc(steps * sizeof *factor);
    bs_status st = BS_OK;
    if (!ee || !tmp || !factor)
        st = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory for %zu elementary effects", steps);
    else
        st = elementary_effects(u, y, n, kk, ee, factor, err);
    for (size_t i = 0; st == BS_OK && i < kk; i++)
        out[i] = morris_of(ee, factor, steps, i, tmp);
    free(ee);
    free(tmp);
    free(factor);
    return st;
}

/* ---- one at a time ------------------------------------------------------- */

void bs_oat_effects(const double *y, int k, bs_oat_effect *out)
{
    for (int i = 0; i < k; i++) {
        out[i].low = y[1 + 2 * i];
        out[i].high = y[2 + 2 * i];
        out[i].base = y[0];
    }
}
