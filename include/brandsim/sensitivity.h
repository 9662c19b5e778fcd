/* SPDX-License-Identifier: MIT */
/*
 * sensitivity.h: how much each factor of a sweep moves an outcome, from the
 * outputs of the designs of design.h: first-order and total Sobol indices
 * with bootstrap intervals (Saltelli design), Morris's elementary effects
 * (Morris design) and one-at-a-time swings for a tornado chart (OAT design).
 * Outputs are given in the design's row order. Pure functions of their
 * arguments (the bootstrap's draws come from its seed): no I/O, no global
 * state. Included by analysis.h.
 */
#ifndef BS_SENSITIVITY_H
#define BS_SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>

#include "brandsim/error.h"
#include "brandsim/visibility.h"

#ifdef __cplusplus
extern "C" {
#endif
BS_API_BEGIN

/* An estimate and its confidence interval [lo, hi]. */
typedef struct {
    double estimate, lo, hi;
} bs_interval;

/* A factor's Sobol indices: first order S_i (its effect alone) and total ST_i
 * (its effect with all its interactions). */
typedef struct {
    bs_interval first, total;
} bs_sobol_index;

/* First-order and total Sobol indices of the k factors from y, the n (k + 2)
 * outputs of a Saltelli design in bs_design_fill's row order (block j: f(A_j),
 * f(AB_j^(i)) for i = 0..k-1, f(B_j)). With f0 and V the mean and variance
 * (divisor 2m) of the f(A) and f(B) values of the m blocks used:
 *   first order, Saltelli et al. (2010): S_i  = mean((f(B) - f0) (f(AB_i) - f(A))) / V;
 *   total, Jansen (1999):                ST_i = mean((f(A) - f(AB_i))^2) / (2 V).
 * (Centring f(B) on f0 leaves the expectation of Saltelli's estimator as it is
 * and makes the indices independent of a constant added to the output.)
 * A block with any non-finite output is dropped; *used (may be NULL) gets the
 * number of blocks used. The intervals are bootstrap percentile intervals at
 * `level` (e.g. 0.95): n_boot resamples of the used blocks with replacement,
 * drawn from Philox streams keyed by `seed`; n_boot 0 gives NaN bounds. A
 * constant output (V = 0) gives NaN indices. out: k entries.
 * Errors (BS_ERR_INPUT): k < 1, n_boot < 0, level outside (0, 1), fewer than 2
 * usable blocks; BS_ERR_RUNTIME: out of memory. */
bs_status bs_sobol_indices(const double *y, size_t n, int k, int n_boot, uint64_t seed,
                           double level, bs_sobol_index *out, size_t *used, bs_error *err);

/* Morris's statistics of a factor's elementary effects: their mean mu, the
 * mean of their absolute values mu_star (Campolongo et al. 2007), their
 * standard deviation sigma (divisor n - 1; NaN for n < 2), and n, the effects
 * used. Effects are per unit of u, the design's [0, 1] scale. */
typedef struct {
    double mu, mu_star, sigma;
    size_t n;
} bs_morris_index;

/* Morris's indices (Morris 1991) of the k factors from u, a Morris design of n
 * trajectories of k + 1 rows (as bs_design_fill gave it), and y, its n (k + 1)
 * outputs. Between consecutive rows of a trajectory exactly one factor i
 * changes; its elementary effect is (y1 - y0) / (u1_i - u0_i). Non-finite
 * effects are skipped (each index's n says how many were used; n = 0 gives
 * NaN). out: k entries. Errors (BS_ERR_INPUT): n or k < 1, consecutive rows
 * that do not differ in exactly one factor; BS_ERR_RUNTIME: out of memory. */
bs_status bs_morris_indices(const double *u, const double *y, size_t n, int k,
                            bs_morris_index *out, bs_error *err);

/* One factor's swing: the output with the factor at 0 (low) and at 1 (high),
 * the others at 0.5, and the output with all at 0.5 (base). */
typedef struct {
    double low, high, base;
} bs_oat_effect;

/* The k swings from y, the 1 + 2k outputs of an OAT design (y[0] the base,
 * y[1 + 2i] and y[2 + 2i] factor i at 0 and at 1). Sorting them (by
 * |high - low| for a tornado) is the caller's business. */
void bs_oat_effects(const double *y, int k, bs_oat_effect *out);

BS_API_END
#ifdef __cplusplus
}
#endif
#endif
