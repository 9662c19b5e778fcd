/* SPDX-License-Identifier: MIT */
/*
 * design.c: the points of a sweep's experimental design in [0, 1]^k (design.h):
 * full factorial grids, Latin hypercubes, Sobol points, Saltelli's A/B/AB
 * blocks for Sobol indices, Morris trajectories and one-at-a-time rows.
 * Quasi-random points come from GSL's gsl_qrng_sobol; random draws from
 * GSL's gsl_rng/gsl_ran over the library's Philox streams (core/rng.h), keyed
 * by the spec's 64-bit seed with one stream per column (LHS) or per trajectory
 * (Morris), so a design is a pure function of its spec.
 */
#include "brandsim/design.h"

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/error.h"
#include "core/rng.h"

/* Philox purposes of the design's streams: apart from the run's (core/rng.h
 * uses 1 to 3), so a design drawn with a scenario's seed shares no numbers
 * with its runs. */
enum { PURPOSE_LHS = 0xd1, PURPOSE_MORRIS = 0xd2 };

static const char *const names[BS_DESIGN_COUNT] = {"factorial", "lhs", "sobol",
                                                   "saltelli", "morris", "oat"};

const char *bs_design_name(bs_design_kind kind)
{
    return (unsigned)kind < BS_DESIGN_COUNT ? names[kind] : "?";
}

int bs_design_from_name(const char *name)
{
    for (int i = 0; name && i < BS_DESIGN_COUNT; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

/* ---- validation --------------------------------------------------------- */

static int morris_p(const bs_design_spec *s)
{
    return s->morris_levels == 0 ? 4 : s->morris_levels;
}

/* The product of the factorial's levels, or an error for a bad level or a
 * product that overflows (*rows is then SIZE_MAX, caught by the caller). */
static bs_status factorial_rows(const bs_design_spec *s, size_t *rows, bs_error *err)
{
    if (!s->levels)
        return bs_error_setf(err, BS_ERR_INPUT,
                             "design 'factorial': 'levels' is NULL, expected %d levels", s->k);
    size_t p = 1;
    for (int i = 0; i < s->k; i++) {
        if (s->levels[i] < 1)
            return bs_error_setf(err, BS_ERR_INPUT,
                                 "design 'factorial': 'levels[%d]' is %d, expected at least 1", i,
                                 s->levels[i]);
        p = p > SIZE_MAX / (size_t)s->levels[i] ? SIZE_MAX : p * (size_t)s->levels[i];
    }
    *rows = p;
    return BS_OK;
}

/* n of the kinds that read it: 1..BS_DESIGN_MAX_POINTS (each Philox stream then
 * holds every draw it needs). */
static bs_status check_n(const bs_design_spec *s, const char *what, bs_error *err)
{
    if (s->n < 1 || s->n > BS_DESIGN_MAX_POINTS)
        return bs_error_setf(err, BS_ERR_INPUT, "design '%s': 'n' is %zu, expected 1 to %u %s",
                             bs_design_name(s->kind), s->n, BS_DESIGN_MAX_POINTS, what);
    return BS_OK;
}

/* The kind-specific checks, and the rows before the memory check. */
static bs_status kind_rows(const bs_design_spec *s, size_t *rows, bs_error *err)
{
    size_t k = (size_t)s->k;
    bs_status st = BS_OK;
    switch (s->kind) {
    case BS_DESIGN_FACTORIAL:
        return factorial_rows(s, rows, err);
    case BS_DESIGN_LHS:
    case BS_DESIGN_SOBOL:
        st = check_n(s, "points", err);
        *rows = s->n;
        return st;
    case BS_DESIGN_SALTELLI:
        if (s->k > BS_DESIGN_SALTELLI_MAX_FACTORS)
            return bs_error_setf(err, BS_ERR_INPUT,
                                 "design 'saltelli': 'k' is %d, expected at most %d factors "
                                 "(Saltelli's design needs 2k Sobol dimensions; GSL's Sobol "
                                 "sequence has 40)",
                                 s->k, BS_DESIGN_SALTELLI_MAX_FACTORS);
        st = check_n(s, "base samples", err);
        *rows = s->n * (k + 2);
        return st;
    case BS_DESIGN_MORRIS:
        if (morris_p(s) < 2 || morris_p(s) % 2 != 0)
            return bs_error_setf(err, BS_ERR_INPUT,
                                 "design 'morris': 'morris_levels' is %d, expected an even "
                                 "number of grid levels >= 2 (or 0 for 4)",
                                 s->morris_levels);
        st = check_n(s, "trajectories", err);
        *rows = s->n * (k + 1);
        return st;
    case BS_DESIGN_OAT:
        *rows = 1 + 2 * k;
        return BS_OK;
    default:
        return bs_error_setf(err, BS_ERR_INPUT, "unknown design kind %d, expected 0 to %d",
                             (int)s->kind, BS_DESIGN_COUNT - 1);
    }
}

bs_status bs_design_rows(const bs_design_spec *spec, size_t *rows, bs_error *err)
{
    if (!spec || !rows)
        return bs_error_setf(err, BS_ERR_INPUT, "design: no spec or no place for the rows");
    *rows = 0;
    if ((unsigned)spec->kind >= BS_DESIGN_COUNT)
        return bs_error_setf(err, BS_ERR_INPUT, "unknown design kind %d, expected 0 to %d",
                             (int)spec->kind, BS_DESIGN_COUNT - 1);
    if (spec->k < 1 || spec->k > BS_DESIGN_MAX_FACTORS)
        return bs_error_setf(err, BS_ERR_INPUT, "design '%s': 'k' is %d, expected 1 to %d factors",
                             bs_design_name(spec->kind), spec->k, BS_DESIGN_MAX_FACTORS);
    size_t r = 0;
    bs_status st = kind_rows(spec, &r, err);
    if (st != BS_OK)
        return st;
    if (r > SIZE_MAX / sizeof(double) / (size_t)spec->k)
        return bs_error_setf(err, BS_ERR_INPUT,
                             "design '%s': too many rows for memory (%d factors)",
                             bs_design_name(spec->kind), spec->k);
    *rows = r;
    return BS_OK;
}

/* ---- the designs -------------------------------------------------------- */

/* Row r of the grid: its index in mixed radix (levels), last factor fastest;
 * level j of L sits at the centre of its cell, (j + 0.5) / L, so that
 * floor(u L) gives j back. */
static void fill_factorial(const bs_design_spec *s, size_t rows, double *u)
{
    for (size_t r = 0; r < rows; r++) {
        size_t rest = r;
        for (int i = s->k - 1; i >= 0; i--) {
            size_t L = (size_t)s->levels[i];
            u[r * (size_t)s->k + (size_t)i] = ((double)(rest % L) + 0.5) / (double)L;
            rest /= L;
        }
    }
}

/* Latin hypercube (McKay, Beckman and Conover 1979): column i puts point j in
 * stratum perm_i[j] of n, perm_i a uniform random permutation, at a uniform
 * place within the stratum. */
static bs_status fill_lhs(const bs_design_spec *s, double *u, bs_error *err)
{
    size_t n = s->n, k = (size_t)s->k;
    size_t *perm = malloc(n * sizeof *perm);
    if (!perm)
        return bs_error_setf(err, BS_ERR_RUNTIME,
                             "out of memory for a Latin hypercube of %zu points", n);
    for (size_t i = 0; i < k; i++) {
        bs_rng stream;
        bs_rng_init(&stream, s->seed, PURPOSE_LHS, i, 0);
        gsl_rng g = bs_rng_gsl(&stream);
        for (size_t j = 0; j < n; j++)
            perm[j] = j;
        gsl_ran_shuffle(&g, perm, n, sizeof *perm);
        for (size_t j = 0; j < n; j++) {
            /* the draw is in (0, 1); the rounding of a huge stratum index plus
             * it may still reach n, so stay below 1 */
            double x = ((double)perm[j] + gsl_rng_uniform(&g)) / (double)n;
            u[j * k + i] = x < 1 ? x : 0x1.fffffffffffffp-1;
        }
    }
    free(perm);
    return BS_OK;
}

/* Points 1..n of the `dim`-dimensional Sobol sequence, row-major, `dim` columns. */
static bs_status fill_sobol(size_t n, int dim, double *u, bs_error *err)
{
    /* dim <= 40 was checked, so GSL's error handler is only reached if its
     * small allocation fails */
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dim);
    if (!q)
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory for a Sobol sequence");
    for (size_t j = 0; j < n; j++)
        gsl_qrng_get(q, u + j * (size_t)dim);
    gsl_qrng_free(q);
    return BS_OK;
}

/* Saltelli et al. (2010), SALib's order without second order: A_j, the k
 * AB_j^(i) (A_j, column i from B_j), B_j, from the 2k-dimensional point j. */
static bs_status fill_saltelli(const bs_design_spec *s, double *u, bs_error *err)
{
    size_t k = (size_t)s->k;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    if (!q)
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory for a Sobol sequence");
    double ab[2 * BS_DESIGN_SALTELLI_MAX_FACTORS];
    for (size_t j = 0; j < s->n; j++) {
        gsl_qrng_get(q, ab);
        double *block = u + j * (k + 2) * k;
        for (size_t r = 0; r < k + 1; r++) { /* A_j, then AB_j^(r-1) */
            memcpy(block + r * k, ab, k * sizeof(double));
            if (r > 0)
                block[r * k + r - 1] = ab[k + r - 1];
        }
        memcpy(block + (k + 1) * k, ab + k, k * sizeof(double)); /* B_j */
    }
    gsl_qrng_free(q);
    return BS_OK;
}

/* One Morris trajectory (Morris 1991; the random construction of Campolongo,
 * Cariboni and Saltelli 2007 without their spread-maximising selection). On
 * the grid of p levels, Delta is h = p / 2 grid steps. Each factor's base
 * level b is uniform in 0..p/2-1, so b and b + h are both on the grid; a random
 * sign says whether the factor starts at b and moves up or starts at b + h and
 * moves down (so the start is uniform over the whole grid). The factors then
 * move one at a time in a random order. Levels are kept as integers so every
 * value is exactly a grid point l / (p - 1). */
static void fill_morris_trajectory(const bs_design_spec *s, size_t t, double *u)
{
    int k = s->k, p = morris_p(s), h = p / 2;
    int level[BS_DESIGN_MAX_FACTORS], step[BS_DESIGN_MAX_FACTORS], order[BS_DESIGN_MAX_FACTORS];
    bs_rng stream;
    bs_rng_init(&stream, s->seed, PURPOSE_MORRIS, t, 0);
    gsl_rng g = bs_rng_gsl(&stream);
    for (int i = 0; i < k; i++) {
        int base = (int)gsl_rng_uniform_int(&g, (unsigned long)h);
        int up = gsl_rng_uniform_int(&g, 2) == 0;
        level[i] = up ? base : base + h;
        step[i] = up ? h : -h;
        order[i] = i;
    }
    gsl_ran_shuffle(&g, order, (size_t)k, sizeof order[0]);
    for (int r = 0; r <= k; r++) {
        if (r > 0)
            level[order[r - 1]] += step[order[r - 1]];
        for (int i = 0; i < k; i++)
            u[(size_t)r * (size_t)k + (size_t)i] = (double)level[i] / (double)(p - 1);
    }
}

/* Row 0 at the centre; rows 1 + 2i and 2 + 2i move factor i to 0 and to 1. */
static void fill_oat(int k, double *u)
{
    size_t kk = (size_t)k;
    for (size_t r = 0; r < 1 + 2 * kk; r++)
        for (size_t i = 0; i < kk; i++)
            u[r * kk + i] = 0.5;
    for (size_t i = 0; i < kk; i++) {
        u[(1 + 2 * i) * kk + i] = 0;
        u[(2 + 2 * i) * kk + i] = 1;
    }
}

bs_status bs_design_fill(const bs_design_spec *spec, double *u, bs_error *err)
{
    size_t rows = 0;
    bs_status st = bs_design_rows(spec, &rows, err);
    if (st != BS_OK)
        return st;
    if (!u)
        return bs_error_setf(err, BS_ERR_INPUT, "design '%s': no array for the %zu x %d points",
                             bs_design_name(spec->kind), rows, spec->k);
    switch (spec->kind) {
    case BS_DESIGN_FACTORIAL:
        fill_factorial(spec, rows, u);
        return BS_OK;
    case BS_DESIGN_LHS:
        return fill_lhs(spec, u, err);
    case BS_DESIGN_SOBOL:
        return fill_sobol(spec->n, spec->k, u, err);
    case BS_DESIGN_SALTELLI:
        return fill_saltelli(spec, u, err);
    case BS_DESIGN_MORRIS:
        for (size_t t = 0; t < spec->n; t++)
            fill_morris_trajectory(spec, t, u + t * (size_t)(spec->k + 1) * (size_t)spec->k);
        return BS_OK;
    case BS_DESIGN_OAT:
        fill_oat(spec->k, u);
        return BS_OK;
    default: /* excluded by bs_design_rows */
        return bs_error_setf(err, BS_ERR_INPUT, "unknown design kind %d", (int)spec->kind);
    }
}
