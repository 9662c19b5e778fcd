/* SPDX-License-Identifier: MIT */
/*
 * design.h: experimental designs for sweeps, as points of the unit hypercube
 * [0, 1]^k, one row per point and one column per factor. The caller maps a
 * column to its factor's values: a factor with L discrete levels takes level
 * min(L - 1, floor(u * L)); a continuous range [lo, hi] takes lo + u * (hi - lo).
 * Each point then becomes a variant (a set of overrides), so a sweep runs
 * through bs_experiment_run unchanged; analysis/sensitivity.h turns the outputs
 * of the Saltelli, Morris and one-at-a-time designs into sensitivity indices.
 *
 * Pure functions: the same spec (and seed) gives the same bits, on any machine
 * and thread count. No I/O, no global state.
 */
#ifndef BS_DESIGN_H
#define BS_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#include "brandsim/error.h"
#include "brandsim/visibility.h"

#ifdef __cplusplus
extern "C" {
#endif
BS_API_BEGIN

#define BS_DESIGN_MAX_FACTORS 32          /* k of any design */
#define BS_DESIGN_SALTELLI_MAX_FACTORS 20 /* 2k Sobol dimensions; GSL's Sobol has 40 */
#define BS_DESIGN_MAX_POINTS (1u << 24)   /* n of LHS, Sobol, Saltelli, Morris */

typedef enum {
    /* Every combination of levels, the last factor varying fastest; factor i at
     * level j has u = (j + 0.5) / levels[i]. Rows: the product of the levels. */
    BS_DESIGN_FACTORIAL,
    /* Latin hypercube (McKay et al. 1979): n strata per factor, exactly one
     * point in each, strata shuffled independently per factor, each point
     * uniform within its stratum. Rows: n. Every u in (0, 1). */
    BS_DESIGN_LHS,
    /* The first n points of the Sobol sequence (GSL's gsl_qrng_sobol, which
     * starts at (0.5, ..., 0.5): the all-zeros corner is never drawn). Rows: n.
     * Every u in (0, 1). The seed is not used. */
    BS_DESIGN_SOBOL,
    /* Saltelli's sampling for first-order and total Sobol indices (Saltelli et
     * al. 2010), without second order, in SALib's row order: the first n points
     * of the 2k-dimensional Sobol sequence give A (first k columns) and B (last
     * k); sample j is the block of k + 2 rows j(k + 2) + 0: A_j; + 1 + i for
     * i = 0..k-1: AB_j^(i), A_j with column i taken from B_j; + k + 1: B_j.
     * Rows: n (k + 2); k <= 20. The seed is not used. */
    BS_DESIGN_SALTELLI,
    /* Morris's elementary effects (Morris 1991, Campolongo et al. 2007): n
     * trajectories of k + 1 rows on the grid {0, 1/(p-1), ..., 1} of p =
     * morris_levels levels; consecutive rows of a trajectory differ in exactly
     * one factor, by +/- Delta = p / (2 (p - 1)), each factor once, in a
     * random order. Rows: n (k + 1). */
    BS_DESIGN_MORRIS,
    /* One factor at a time, for a tornado chart: row 0 has every factor at
     * 0.5; rows 1 + 2i and 2 + 2i have factor i at 0 and at 1, the others at
     * 0.5. Rows: 1 + 2k. */
    BS_DESIGN_OAT,
    BS_DESIGN_COUNT
} bs_design_kind;

typedef struct {
    bs_design_kind kind;
    int k;             /* factors, 1..BS_DESIGN_MAX_FACTORS (Saltelli: 1..20) */
    size_t n;          /* LHS, Sobol: points; Saltelli: base samples N; Morris: trajectories r
                        * (1..BS_DESIGN_MAX_POINTS); factorial, OAT: ignored */
    const int *levels; /* factorial: k levels, each >= 1; otherwise ignored (may be NULL) */
    int morris_levels; /* Morris: grid levels p, even, >= 2; 0 means 4 */
    uint64_t seed;     /* LHS and Morris: the random draws (Philox keyed by all 64 bits) */
} bs_design_spec;

/* The design's name: "factorial", "lhs", "sobol", "saltelli", "morris", "oat";
 * "?" for a kind out of range. */
const char *bs_design_name(bs_design_kind kind);

/* The kind named `name` (as bs_design_name spells it), or -1 if none is. */
int bs_design_from_name(const char *name);

/* Validate the spec and give its number of rows in *rows (see each kind). A bad
 * spec (k out of range, n of 0 or too large, a level < 1, an odd or too small
 * morris_levels, more rows than memory could hold) gives BS_ERR_INPUT and a
 * message naming the field, the value and what was expected. */
bs_status bs_design_rows(const bs_design_spec *spec, size_t *rows, bs_error *err);

/* Fill u (rows x k doubles, row-major, rows as bs_design_rows gives them) with
 * the design's points. Errors: those of bs_design_rows; BS_ERR_RUNTIME when out
 * of memory (a Latin hypercube needs n indices of scratch space). */
bs_status bs_design_fill(const bs_design_spec *spec, double *u, bs_error *err);

BS_API_END
#ifdef __cplusplus
}
#endif
#endif
