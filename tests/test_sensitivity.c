/* SPDX-License-Identifier: MIT */
/*
 * test_sensitivity.c: the sensitivity indices of analysis/sensitivity.c
 * (brandsim/sensitivity.h) on functions whose indices are known analytically,
 * through the designs of brandsim/design.h:
 * - the Ishigami function (Ishigami and Homma 1990; a = 7, b = 0.1 on
 *   [-pi, pi]^3), whose first-order and total indices are in closed form
 *   (Saltelli et al. 2008, Global Sensitivity Analysis: The Primer; SALib's
 *   tests use the same values): S = (0.3139, 0.4424, 0),
 *   ST = (0.5576, 0.4424, 0.2437);
 * - a linear function sum c_i u_i, whose S_i = ST_i = c_i^2 / sum c^2 and whose
 *   elementary effects are exactly c_i (mu* = |c_i|, sigma = 0);
 * - the bookkeeping: blocks with non-finite outputs dropped and counted, too few
 *   refused, bootstrap intervals deterministic in the seed and narrowing with N.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/design.h"
#include "brandsim/sensitivity.h"

#define NEAR(x, want, tol)                                                                         \
    cr_expect(fabs((x) - (want)) <= (tol), "%s = %.6g, expected %.6g +/- %g", #x, (double)(x),     \
              (double)(want), (double)(tol))

typedef double (*model_fn)(const double *u, int k);

/* The design of spec (caller frees), its rows in *rows. */
static double *design(const bs_design_spec *spec, size_t *rows)
{
    bs_error err = {0};
    cr_assert_eq(bs_design_rows(spec, rows, &err), BS_OK, "%s", err.msg);
    double *u = malloc(*rows * (size_t)spec->k * sizeof *u);
    cr_assert_not_null(u);
    cr_assert_eq(bs_design_fill(spec, u, &err), BS_OK, "%s", err.msg);
    return u;
}

/* f at every row of u (caller frees). */
static double *outputs(const double *u, size_t rows, int k, model_fn f)
{
    double *y = malloc(rows * sizeof *y);
    cr_assert_not_null(y);
    for (size_t r = 0; r < rows; r++)
        y[r] = f(u + r * (size_t)k, k);
    return y;
}

/* Ishigami on [-pi, pi]^3. */
static double ishigami(const double *u, int k)
{
    (void)k;
    double x1 = -M_PI + 2 * M_PI * u[0], x2 = -M_PI + 2 * M_PI * u[1], x3 = -M_PI + 2 * M_PI * u[2];
    return sin(x1) + 7 * sin(x2) * sin(x2) + 0.1 * pow(x3, 4) * sin(x1);
}

/* Its indices in closed form: V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2,
 * V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8, V3 = 0, V13 = VT3 = 8 b^2 pi^8 / 225. */
static void ishigami_truth(double S[3], double ST[3])
{
    const double a = 7, b = 0.1, p4 = pow(M_PI, 4), p8 = pow(M_PI, 8);
    double V = a * a / 8 + b * p4 / 5 + b * b * p8 / 18 + 0.5;
    double V1 = 0.5 * (1 + b * p4 / 5) * (1 + b * p4 / 5), V2 = a * a / 8;
    double V13 = b * b * p8 * (1.0 / 18 - 1.0 / 50); /* = 8 b^2 pi^8 / 225 */
    S[0] = V1 / V;
    S[1] = V2 / V;
    S[2] = 0;
    ST[0] = (V1 + V13) / V;
    ST[1] = V2 / V;
    ST[2] = V13 / V;
}

static const double coef[] = {1, 2, 3, 0};

static double linear(const double *u, int k)
{
    double y = 0;
    for (int i = 0; i < k; i++)
        y += coef[i] * u[i];
    return y;
}

/* The Sobol indices of f through a Saltelli design of n base samples. */
static void sobol_of(model_fn f, int k, size_t n, int n_boot, uint64_t seed, bs_sobol_index *out)
{
    bs_design_spec spec = {BS_DESIGN_SALTELLI, k, n, NULL, 0, 0};
    size_t rows, used = 0;
    double *u = design(&spec, &rows), *y = outputs(u, rows, k, f);
    bs_error err = {0};
    cr_assert_eq(bs_sobol_indices(y, n, k, n_boot, seed, 0.95, out, &used, &err), BS_OK, "%s",
                 err.msg);
    cr_expect_eq(used, n);
    free(u);
    free(y);
}

Test(sensitivity, ishigami_truth_is_the_published_one)
{
    double S[3], ST[3];
    ishigami_truth(S, ST);
    NEAR(S[0], 0.3139, 1e-4);
    NEAR(S[1], 0.4424, 1e-4);
    NEAR(ST[0], 0.5576, 1e-4);
    NEAR(ST[2], 0.2437, 1e-4);
}

/* N = 4096: each index within 0.03 of the truth (the estimators' errors at this
 * N are about 0.01; swapping A and B, or Jansen's 1/2, misses by far more), and
 * each truth inside its 95 % bootstrap interval, give or take 0.01. */
Test(sensitivity, ishigami_sobol_indices, .timeout = 60)
{
    double S[3], ST[3];
    ishigami_truth(S, ST);
    bs_sobol_index out[3];
    sobol_of(ishigami, 3, 4096, 500, 42, out);
    for (int i = 0; i < 3; i++) {
        cr_log_info("x%d: S %.4f [%.4f, %.4f] (true %.4f), ST %.4f [%.4f, %.4f] (true %.4f)", i + 1,
                    out[i].first.estimate, out[i].first.lo, out[i].first.hi, S[i],
                    out[i].total.estimate, out[i].total.lo, out[i].total.hi, ST[i]);
        NEAR(out[i].first.estimate, S[i], 0.03);
        NEAR(out[i].total.estimate, ST[i], 0.03);
        cr_expect(out[i].first.lo - 0.01 <= S[i] && S[i] <= out[i].first.hi + 0.01,
                  "x%d: S %.4f outside [%.4f, %.4f]", i + 1, S[i], out[i].first.lo,
                  out[i].first.hi);
        cr_expect(out[i].total.lo - 0.01 <= ST[i] && ST[i] <= out[i].total.hi + 0.01,
                  "x%d: ST %.4f outside [%.4f, %.4f]", i + 1, ST[i], out[i].total.lo,
                  out[i].total.hi);
        cr_expect(out[i].first.lo <= out[i].first.hi && out[i].total.lo <= out[i].total.hi);
    }
}

/* Two blocks worked by hand, k = 1: (f(A), f(AB), f(B)) = (1, 3, 2), (4, 4, 6).
 * f(A), f(B) = 1, 2, 4, 6: f0 = 3.25, V = 14.75 / 4 = 3.6875 (divisor 2m).
 * S = mean((f(B) - f0) (f(AB) - f(A))) / V = ((-1.25)(2) + (2.75)(0)) / 2 / V = -1.25 / V;
 * ST = mean((f(A) - f(AB))^2) / (2V) = (4 + 0) / 2 / (2V) = 1 / V. */
Test(sensitivity, hand_computed_indices)
{
    double y[] = {1, 3, 2, 4, 4, 6};
    bs_sobol_index out[1];
    bs_error err = {0};
    cr_assert_eq(bs_sobol_indices(y, 2, 1, 0, 1, 0.95, out, NULL, &err), BS_OK, "%s", err.msg);
    NEAR(out[0].first.estimate, -1.25 / 3.6875, 1e-15);
    NEAR(out[0].total.estimate, 1 / 3.6875, 1e-15);
}

/* The intervals mean what they say: with A and B drawn at random (not Sobol
 * points, so that repetitions are independent), 90 % intervals of the six
 * Ishigami indices at N = 512 cover the truth about 90 % of the time over 100
 * repetitions (600 intervals: 540 +/- 7 expected; the percentile bootstrap of a
 * ratio runs a little under). Intervals 0.45..0.55 would cover about 10 %. */
Test(sensitivity, bootstrap_intervals_cover_the_truth, .timeout = 60)
{
    const int k = 3, reps = 100;
    const size_t n = 512, w = (size_t)k + 2;
    double S[3], ST[3], *y = malloc(n * w * sizeof *y);
    cr_assert_not_null(y);
    ishigami_truth(S, ST);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 2024);
    int covered = 0, total = 0;
    for (int rep = 0; rep < reps; rep++) {
        for (size_t j = 0; j < n; j++) {
            double a[3], b[3], ab[3];
            for (int i = 0; i < k; i++) {
                a[i] = gsl_rng_uniform(g);
                b[i] = gsl_rng_uniform(g);
            }
            y[j * w] = ishigami(a, k);
            for (int i = 0; i < k; i++) {
                memcpy(ab, a, sizeof ab);
                ab[i] = b[i];
                y[j * w + 1 + (size_t)i] = ishigami(ab, k);
            }
            y[j * w + w - 1] = ishigami(b, k);
        }
        bs_sobol_index out[3];
        bs_error err = {0};
        cr_assert_eq(bs_sobol_indices(y, n, k, 200, (uint64_t)rep, 0.9, out, NULL, &err), BS_OK,
                     "%s", err.msg);
        for (int i = 0; i < k; i++) {
            covered += out[i].first.lo <= S[i] && S[i] <= out[i].first.hi;
            covered += out[i].total.lo <= ST[i] && ST[i] <= out[i].total.hi;
            total += 2;
        }
    }
    double coverage = (double)covered / total;
    cr_log_info("coverage of 90 %% intervals: %d of %d (%.3f)", covered, total, coverage);
    cr_expect(coverage > 0.82 && coverage < 0.96, "90 %% intervals cover %d of %d (%.3f)", covered,
              total, coverage);
    gsl_rng_free(g);
    free(y);
}

/* Eight times the samples: intervals about sqrt(8) = 2.8 times narrower; ask 1.8. */
Test(sensitivity, intervals_narrow_with_n, .timeout = 60)
{
    bs_sobol_index small[3], big[3];
    sobol_of(ishigami, 3, 512, 400, 7, small);
    sobol_of(ishigami, 3, 4096, 400, 7, big);
    for (int i = 0; i < 3; i++) {
        double ws = small[i].first.hi - small[i].first.lo, wb = big[i].first.hi - big[i].first.lo;
        double ts = small[i].total.hi - small[i].total.lo, tb = big[i].total.hi - big[i].total.lo;
        cr_expect(wb * 1.8 < ws, "x%d: S interval %.4f at N = 4096, %.4f at 512", i + 1, wb, ws);
        cr_expect(tb * 1.8 < ts, "x%d: ST interval %.4f at N = 4096, %.4f at 512", i + 1, tb, ts);
    }
}

/* y = u1 + 2 u2 + 3 u3 + 0 u4: S_i = ST_i = c_i^2 / 14, additive so S = ST. */
Test(sensitivity, linear_sobol_indices)
{
    bs_sobol_index out[4];
    sobol_of(linear, 4, 2048, 200, 3, out);
    for (int i = 0; i < 4; i++) {
        double want = coef[i] * coef[i] / 14;
        NEAR(out[i].first.estimate, want, 0.02);
        NEAR(out[i].total.estimate, want, 0.02);
    }
    /* no effect: nothing to estimate, exactly 0 (AB_4 = A in value) */
    cr_expect_eq(out[3].first.estimate, 0);
    cr_expect_eq(out[3].total.estimate, 0);
}

/* Moving the output's zero changes no index: f(B) is centred in the first-order
 * estimator (an uncentred one is off by f0 mean(f(AB_i) - f(A)) / V). */
Test(sensitivity, indices_ignore_the_outputs_offset)
{
    const int k = 3;
    const size_t n = 1024;
    bs_design_spec spec = {BS_DESIGN_SALTELLI, k, n, NULL, 0, 0};
    size_t rows;
    double *u = design(&spec, &rows), *y = outputs(u, rows, k, ishigami);
    bs_sobol_index a[3], b[3];
    bs_error err = {0};
    cr_assert_eq(bs_sobol_indices(y, n, k, 100, 1, 0.95, a, NULL, &err), BS_OK, "%s", err.msg);
    for (size_t r = 0; r < rows; r++)
        y[r] += 1000;
    cr_assert_eq(bs_sobol_indices(y, n, k, 100, 1, 0.95, b, NULL, &err), BS_OK, "%s", err.msg);
    for (int i = 0; i < k; i++) {
        NEAR(b[i].first.estimate, a[i].first.estimate, 1e-9);
        NEAR(b[i].total.estimate, a[i].total.estimate, 1e-9);
        NEAR(b[i].first.lo, a[i].first.lo, 1e-9);
        NEAR(b[i].first.hi, a[i].first.hi, 1e-9);
    }
    free(u);
    free(y);
}

/* The same seed: the same intervals; another seed: other intervals, same estimates. */
Test(sensitivity, bootstrap_is_deterministic_in_its_seed)
{
    bs_sobol_index a[3], b[3], c[3];
    sobol_of(ishigami, 3, 256, 100, 5, a);
    sobol_of(ishigami, 3, 256, 100, 5, b);
    sobol_of(ishigami, 3, 256, 100, 6, c);
    cr_expect_eq(memcmp(a, b, sizeof a), 0);
    cr_expect_eq(a[0].first.estimate, c[0].first.estimate);
    cr_expect(a[0].first.lo != c[0].first.lo || a[0].first.hi != c[0].first.hi,
              "another seed gave the same interval");
}

/* n_boot 0: estimates, no intervals. */
Test(sensitivity, no_bootstrap)
{
    bs_sobol_index out[3];
    sobol_of(ishigami, 3, 128, 0, 5, out);
    cr_expect(isfinite(out[0].first.estimate));
    cr_expect(isnan(out[0].first.lo) && isnan(out[0].total.hi));
}

/* Blocks 3 (a NaN in an AB row) and 10 (an infinite B) are dropped: the indices
 * are those of the other blocks alone. */
Test(sensitivity, nonfinite_blocks_are_dropped)
{
    const int k = 3;
    const size_t n = 64, w = (size_t)k + 2;
    bs_design_spec spec = {BS_DESIGN_SALTELLI, k, n, NULL, 0, 0};
    size_t rows, used = 0;
    double *u = design(&spec, &rows), *y = outputs(u, rows, k, ishigami);
    double *kept = malloc(rows * sizeof *kept);
    cr_assert_not_null(kept);
    size_t m = 0;
    for (size_t j = 0; j < n; j++)
        if (j != 3 && j != 10)
            memcpy(kept + w * m++, y + w * j, w * sizeof *y);
    y[3 * w + 2] = NAN;
    y[10 * w + k + 1] = INFINITY;
    bs_sobol_index with[3], without[3];
    bs_error err = {0};
    cr_assert_eq(bs_sobol_indices(y, n, k, 0, 1, 0.95, with, &used, &err), BS_OK, "%s", err.msg);
    cr_expect_eq(used, n - 2);
    cr_assert_eq(bs_sobol_indices(kept, m, k, 0, 1, 0.95, without, &used, &err), BS_OK, "%s",
                 err.msg);
    cr_expect_eq(used, n - 2);
    for (int i = 0; i < k; i++) {
        cr_expect_eq(with[i].first.estimate, without[i].first.estimate, "x%d", i + 1);
        cr_expect_eq(with[i].total.estimate, without[i].total.estimate, "x%d", i + 1);
    }
    free(u);
    free(y);
    free(kept);
}

Test(sensitivity, too_few_blocks)
{
    const int k = 2;
    double y[3 * 4] = {1, 2, 3, 4, NAN, 1, 2, 3, 5, 6, 7, INFINITY};
    bs_sobol_index out[2];
    size_t used = 99;
    bs_error err = {0};
    cr_expect_eq(bs_sobol_indices(y, 3, k, 10, 1, 0.95, out, &used, &err), BS_ERR_INPUT);
    cr_expect_eq(used, 1);
    cr_expect(strstr(err.msg, "1 of 3 blocks have finite outputs, expected at least 2") != NULL,
              "%s", err.msg);
    cr_expect_eq(bs_sobol_indices(y, 0, k, 10, 1, 0.95, out, &used, &err), BS_ERR_INPUT);
    cr_expect_eq(used, 0);
}

Test(sensitivity, bad_arguments)
{
    double y[2 * 4] = {1, 2, 3, 4, 5, 6, 7, 8};
    bs_sobol_index out[2];
    bs_error err = {0};
    cr_expect_eq(bs_sobol_indices(y, 2, 0, 10, 1, 0.95, out, NULL, &err), BS_ERR_INPUT);
    cr_expect(strstr(err.msg, "'k' is 0") != NULL, "%s", err.msg);
    cr_expect_eq(bs_sobol_indices(y, 2, 2, -1, 1, 0.95, out, NULL, &err), BS_ERR_INPUT);
    cr_expect(strstr(err.msg, "'n_boot' is -1") != NULL, "%s", err.msg);
    cr_expect_eq(bs_sobol_indices(y, 2, 2, 10, 1, 1.5, out, NULL, &err), BS_ERR_INPUT);
    cr_expect(strstr(err.msg, "'level' is 1.5") != NULL, "%s", err.msg);
    cr_expect_eq(bs_sobol_indices(NULL, 2, 2, 10, 1, 0.95, out, NULL, &err), BS_ERR_INPUT);
}

/* A constant output has no variance to share out: NaN indices, no error. */
Test(sensitivity, constant_output)
{
    double y[3 * 4];
    for (int i = 0; i < 12; i++)
        y[i] = 2.5;
    bs_sobol_index out[2];
    bs_error err = {0};
    cr_assert_eq(bs_sobol_indices(y, 3, 2, 10, 1, 0.95, out, NULL, &err), BS_OK, "%s", err.msg);
    cr_expect(isnan(out[0].first.estimate) && isnan(out[1].total.estimate));
    cr_expect(isnan(out[0].first.lo));
}

/* ---- Morris ---------------------------------------------------------------- */

static void morris_of(model_fn f, int k, size_t r, int p, uint64_t seed, bs_morris_index *out)
{
    bs_design_spec spec = {BS_DESIGN_MORRIS, k, r, NULL, p, seed};
    size_t rows;
    double *u = design(&spec, &rows), *y = outputs(u, rows, k, f);
    bs_error err = {0};
    cr_assert_eq(bs_morris_indices(u, y, r, k, out, &err), BS_OK, "%s", err.msg);
    free(u);
    free(y);
}

/* Every elementary effect of a linear function is its coefficient: mu = mu* = c_i,
 * sigma = 0; the factor with no effect gets mu* = 0. */
Test(sensitivity, morris_linear)
{
    bs_morris_index out[4];
    morris_of(linear, 4, 20, 4, 9, out);
    for (int i = 0; i < 4; i++) {
        NEAR(out[i].mu, coef[i], 1e-12);
        NEAR(out[i].mu_star, fabs(coef[i]), 1e-12);
        NEAR(out[i].sigma, 0, 1e-12);
        cr_expect_eq(out[i].n, 20);
    }
    cr_expect_eq(out[3].mu_star, 0);
}

/* y = u1 - u2 u3 + 0 u4: effects of u1 are 1; of u2, -u3 (u3 anywhere on the grid:
 * sigma > 0, mu < 0); mu* ranks u1 (1) above u2 and u3 (mean |u| about 0.5). */
static double interacting(const double *u, int k)
{
    (void)k;
    return u[0] - u[1] * u[2];
}

Test(sensitivity, morris_interaction_and_ranking)
{
    bs_morris_index out[4];
    morris_of(interacting, 4, 200, 4, 13, out);
    NEAR(out[0].mu_star, 1, 1e-12);
    NEAR(out[0].sigma, 0, 1e-12);
    for (int i = 1; i < 3; i++) {
        cr_expect(out[i].sigma > 0.2, "u%d: sigma %g, an interaction should spread its effects",
                  i + 1, out[i].sigma);
        cr_expect(out[i].mu < 0 && out[i].mu_star < out[0].mu_star);
        NEAR(out[i].mu_star, 0.5, 0.1);
    }
    cr_expect_eq(out[3].mu_star, 0);
    cr_expect_eq(out[3].sigma, 0);
}

/* mu* of |EE| where mu cancels: y = (u1 - 0.5)^2 has effects of both signs. */
static double bowl(const double *u, int k)
{
    (void)k;
    return (u[0] - 0.5) * (u[0] - 0.5);
}

Test(sensitivity, morris_mu_star_sees_effects_that_cancel)
{
    bs_morris_index out[2];
    morris_of(bowl, 2, 400, 4, 21, out);
    /* p = 4, Delta = 2/3: effects from (0, 2/3) and (1/3, 1) are -1/3 and +1/3 */
    NEAR(out[0].mu_star, 1.0 / 3, 1e-12);
    cr_expect(fabs(out[0].mu) < 0.1, "mu %g should nearly cancel", out[0].mu);
}

/* A non-finite output spoils the effects on both sides of its row: those are
 * skipped and the counts say so. */
Test(sensitivity, morris_skips_nonfinite_effects)
{
    const int k = 3;
    const size_t r = 10;
    bs_design_spec spec = {BS_DESIGN_MORRIS, k, r, NULL, 4, 5};
    size_t rows;
    double *u = design(&spec, &rows), *y = outputs(u, rows, k, linear);
    y[2 * 4 + 1] = NAN; /* trajectory 2, row 1: its steps 0 and 1 */
    bs_morris_index out[3];
    bs_error err = {0};
    cr_assert_eq(bs_morris_indices(u, y, r, k, out, &err), BS_OK, "%s", err.msg);
    size_t total = 0;
    for (int i = 0; i < k; i++) {
        total += out[i].n;
        NEAR(out[i].mu_star, coef[i], 1e-12);
    }
    cr_expect_eq(total, r * (size_t)k - 2);
    free(u);
    free(y);
}

Test(sensitivity, morris_rejects_a_design_that_is_not_one)
{
    const int k = 2;
    double u[] = {0, 0, 2.0 / 3, 2.0 / 3, 2.0 / 3, 0}; /* row 1 moved both factors */
    double y[] = {0, 1, 2};
    bs_morris_index out[2];
    bs_error err = {0};
    cr_expect_eq(bs_morris_indices(u, y, 1, k, out, &err), BS_ERR_INPUT);
    cr_expect(strstr(err.msg,
                     "trajectory 0, rows 0 and 1 differ in 2 factors, expected exactly 1") != NULL,
              "%s", err.msg);
    cr_expect_eq(bs_morris_indices(u, y, 0, k, out, &err), BS_ERR_INPUT);
    cr_expect_eq(bs_morris_indices(NULL, y, 1, k, out, &err), BS_ERR_INPUT);
}

/* ---- one at a time -------------------------------------------------------- */

Test(sensitivity, oat_effects)
{
    const int k = 4;
    bs_design_spec spec = {BS_DESIGN_OAT, k, 0, NULL, 0, 0};
    size_t rows;
    double *u = design(&spec, &rows), *y = outputs(u, rows, k, linear);
    bs_oat_effect out[4];
    bs_oat_effects(y, k, out);
    for (int i = 0; i < k; i++) {
        NEAR(out[i].base, 3, 1e-12); /* (1 + 2 + 3) / 2 */
        NEAR(out[i].low, 3 - coef[i] / 2, 1e-12);
        NEAR(out[i].high, 3 + coef[i] / 2, 1e-12);
    }
    free(u);
    free(y);
}
