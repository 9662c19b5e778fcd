/* SPDX-License-Identifier: MIT */
/*
 * test_design.c: the experimental designs of sim/experiment/design.c
 * (brandsim/design.h): row counts, the layout of each kind (factorial order and
 * cell centres, one Latin-hypercube point per stratum, Sobol points from GSL,
 * Saltelli's A/AB/B blocks against the 2k-dimensional Sobol points, Morris
 * trajectories on the grid moving one factor by Delta at a time, the
 * one-at-a-time rows), determinism in the seed, and every bad spec refused
 * with a message naming the field.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/design.h"

/* The design of spec, filled (caller frees); its rows in *rows. */
static double *design(const bs_design_spec *spec, size_t *rows)
{
    bs_error err = {0};
    cr_assert_eq(bs_design_rows(spec, rows, &err), BS_OK, "%s", err.msg);
    double *u = malloc(*rows * (size_t)spec->k * sizeof *u);
    cr_assert_not_null(u);
    cr_assert_eq(bs_design_fill(spec, u, &err), BS_OK, "%s", err.msg);
    return u;
}

Test(design, names_round_trip)
{
    const char *want[] = {"factorial", "lhs", "sobol", "saltelli", "morris", "oat"};
    for (int i = 0; i < BS_DESIGN_COUNT; i++) {
        cr_expect_str_eq(bs_design_name((bs_design_kind)i), want[i]);
        cr_expect_eq(bs_design_from_name(want[i]), i);
    }
    cr_expect_eq(bs_design_from_name("latin"), -1);
    cr_expect_eq(bs_design_from_name(NULL), -1);
    cr_expect_str_eq(bs_design_name(BS_DESIGN_COUNT), "?");
}

Test(design, row_counts)
{
    static const int levels[] = {2, 3, 4};
    struct {
        bs_design_spec spec;
        size_t rows;
    } cases[] = {
        {{BS_DESIGN_FACTORIAL, 3, 99, levels, 0, 0}, 24},
        {{BS_DESIGN_LHS, 3, 10, NULL, 0, 0}, 10},
        {{BS_DESIGN_SOBOL, 5, 7, NULL, 0, 0}, 7},
        {{BS_DESIGN_SALTELLI, 3, 8, NULL, 0, 0}, 8 * 5},
        {{BS_DESIGN_MORRIS, 3, 5, NULL, 0, 0}, 5 * 4},
        {{BS_DESIGN_OAT, 4, 0, NULL, 0, 0}, 9},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t rows = 0;
        bs_error err = {0};
        cr_expect_eq(bs_design_rows(&cases[c].spec, &rows, &err), BS_OK, "%s", err.msg);
        cr_expect_eq(rows, cases[c].rows, "%s: %zu rows, expected %zu",
                     bs_design_name(cases[c].spec.kind), rows, cases[c].rows);
    }
}

/* levels {2, 3}: (0, 0), (0, 1), (0, 2), (1, 0), ... at the cell centres. */
Test(design, factorial_order_and_centres)
{
    static const int levels[] = {2, 3, 1};
    bs_design_spec spec = {BS_DESIGN_FACTORIAL, 3, 0, levels, 0, 0};
    size_t rows;
    double *u = design(&spec, &rows);
    cr_assert_eq(rows, 6);
    for (size_t r = 0; r < rows; r++) {
        int j0 = (int)r / 3, j1 = (int)r % 3;
        cr_expect_eq(u[r * 3 + 0], (j0 + 0.5) / 2, "row %zu factor 0: %g", r, u[r * 3]);
        cr_expect_eq(u[r * 3 + 1], (j1 + 0.5) / 3, "row %zu factor 1: %g", r, u[r * 3 + 1]);
        cr_expect_eq(u[r * 3 + 2], 0.5, "a one-level factor sits at 0.5");
        cr_expect_eq((int)floor(u[r * 3 + 0] * 2), j0);
        cr_expect_eq((int)floor(u[r * 3 + 1] * 3), j1);
    }
    free(u);
}

/* McKay et al. (1979): in every column, floor(u n) takes each of 0..n-1 once. */
Test(design, lhs_one_point_per_stratum)
{
    const size_t n = 97;
    const int k = 6;
    bs_design_spec spec = {BS_DESIGN_LHS, k, n, NULL, 0, 12345};
    size_t rows;
    double *u = design(&spec, &rows);
    cr_assert_eq(rows, n);
    int same_as_first = 0;
    for (int i = 0; i < k; i++) {
        int seen[97] = {0};
        for (size_t j = 0; j < n; j++) {
            double x = u[j * (size_t)k + (size_t)i];
            cr_assert(x > 0 && x < 1, "u[%zu][%d] = %g", j, i, x);
            seen[(int)floor(x * (double)n)]++;
        }
        for (size_t s = 0; s < n; s++)
            cr_expect_eq(seen[s], 1, "column %d: stratum %zu has %d points", i, s, seen[s]);
        int same = 1; /* the same permutation as column 0? */
        for (size_t j = 0; j < n && i > 0; j++)
            same &= floor(u[j * (size_t)k + (size_t)i] * (double)n) ==
                    floor(u[j * (size_t)k] * (double)n);
        same_as_first += i > 0 && same;
    }
    cr_expect_eq(same_as_first, 0, "columns share a permutation: not shuffled independently");
    free(u);
}

/* GSL's Sobol sequence from (0.5, ..., 0.5): in (0, 1), evenly spread, the same twice. */
Test(design, sobol_points)
{
    bs_design_spec spec = {BS_DESIGN_SOBOL, 5, 1023, NULL, 0, 1};
    size_t rows;
    double *u = design(&spec, &rows), *again = design(&spec, &rows);
    cr_expect_eq(memcmp(u, again, rows * 5 * sizeof *u), 0, "not deterministic");
    for (int i = 0; i < 5; i++)
        cr_expect_eq(u[i], 0.5, "the first point is the centre, not the zero corner");
    cr_expect_eq(u[5], 0.75); /* the second point of dimension 1 (van der Corput) */
    cr_expect_eq(u[10], 0.25);
    for (int i = 0; i < 5; i++) {
        double sum = 0;
        int low = 0;
        for (size_t j = 0; j < rows; j++) {
            double x = u[j * 5 + (size_t)i];
            cr_assert(x > 0 && x < 1, "u[%zu][%d] = %g", j, i, x);
            sum += x;
            low += x < 0.5;
        }
        /* points 1..2^10 - 1 of a Sobol net: 511 below 0.5, 512 at or above */
        cr_expect_eq(low, 511, "column %d: %d points below 0.5", i, low);
        cr_expect(fabs(sum / (double)rows - 0.5) < 1e-3, "column %d mean %g", i,
                  sum / (double)rows);
    }
    spec.seed = 2; /* plain Sobol: the seed changes nothing */
    double *other = design(&spec, &rows);
    cr_expect_eq(memcmp(u, other, rows * 5 * sizeof *u), 0);
    free(u);
    free(again);
    free(other);
}

/* Block j: A_j, AB_j^(i) (A_j with column i from B_j), B_j, where [A_j B_j] is
 * point j of the 2k-dimensional Sobol design. */
Test(design, saltelli_blocks)
{
    const int k = 4;
    const size_t n = 64, w = (size_t)k + 2, kk = (size_t)k;
    bs_design_spec spec = {BS_DESIGN_SALTELLI, k, n, NULL, 0, 0};
    bs_design_spec sob = {BS_DESIGN_SOBOL, 2 * k, n, NULL, 0, 0};
    size_t rows, srows;
    double *u = design(&spec, &rows), *ab = design(&sob, &srows);
    cr_assert_eq(rows, n * w);
    for (size_t j = 0; j < n; j++) {
        const double *blk = u + j * w * kk, *A = blk, *B = blk + (w - 1) * kk;
        const double *pt = ab + j * 2 * kk;
        for (size_t c = 0; c < kk; c++) {
            cr_expect_eq(A[c], pt[c], "block %zu: A column %zu", j, c);
            cr_expect_eq(B[c], pt[kk + c], "block %zu: B column %zu", j, c);
        }
        for (size_t i = 0; i < kk; i++) {
            const double *AB = blk + (1 + i) * kk;
            for (size_t c = 0; c < kk; c++)
                cr_expect_eq(AB[c], c == i ? B[c] : A[c], "block %zu AB_%zu column %zu", j, i, c);
        }
    }
    free(u);
    free(ab);
}

/* Morris (1991): p = 4 levels, Delta = 4 / 6; each step of a trajectory moves one
 * factor by exactly +/- Delta, each factor once, every value on the grid. */
static void check_morris(int p, int k, size_t r, uint64_t seed)
{
    bs_design_spec spec = {BS_DESIGN_MORRIS, k, r, NULL, p, seed};
    size_t rows;
    double *u = design(&spec, &rows);
    int pp = p ? p : 4;
    double delta = pp / (2.0 * (pp - 1));
    size_t kk = (size_t)k, w = kk + 1;
    cr_assert_eq(rows, r * w);
    int level_seen[16] = {0};
    for (size_t t = 0; t < r; t++) {
        int moved[BS_DESIGN_MAX_FACTORS] = {0};
        for (size_t s = 0; s < w; s++) {
            const double *x = u + (t * w + s) * kk;
            for (size_t i = 0; i < kk; i++) {
                double l = x[i] * (pp - 1);
                cr_assert(x[i] >= 0 && x[i] <= 1 && fabs(l - round(l)) < 1e-12,
                          "p %d trajectory %zu row %zu factor %zu: %.17g not on the grid", pp, t,
                          s, i, x[i]);
                if (s == 0 && pp <= 16)
                    level_seen[(int)round(l)]++;
            }
            if (s == 0)
                continue;
            int changed = 0;
            for (size_t i = 0; i < kk; i++)
                if (x[i] != x[i - kk]) {
                    changed++;
                    moved[i]++;
                    cr_expect(fabs(fabs(x[i] - x[i - kk]) - delta) < 1e-12,
                              "trajectory %zu row %zu: factor %zu moved by %g, Delta %g", t, s,
                              i, x[i] - x[i - kk], delta);
                }
            cr_expect_eq(changed, 1, "trajectory %zu row %zu: %d factors changed", t, s, changed);
        }
        for (size_t i = 0; i < kk; i++)
            cr_expect_eq(moved[i], 1, "trajectory %zu: factor %zu moved %d times", t, i, moved[i]);
    }
    /* the starting points cover the whole grid (b or b + p/2 for every base b) */
    for (int l = 0; l < pp && pp <= 16; l++)
        cr_expect(level_seen[l] > 0, "p %d: no trajectory starts a factor at level %d", pp, l);
    free(u);
}

Test(design, morris_trajectories)
{
    check_morris(4, 5, 40, 7);
    check_morris(0, 3, 40, 8); /* 0: the default, 4 levels */
    check_morris(6, 8, 60, 9);
    check_morris(2, 2, 20, 10);
    check_morris(10, BS_DESIGN_MAX_FACTORS, 50, 11);
}

/* The factors move in a random order: not always 0, 1, ..., k-1. */
Test(design, morris_order_is_random)
{
    bs_design_spec spec = {BS_DESIGN_MORRIS, 4, 30, NULL, 4, 3};
    size_t rows;
    double *u = design(&spec, &rows);
    int first_moved[4] = {0};
    for (size_t t = 0; t < 30; t++)
        for (int i = 0; i < 4; i++)
            if (u[(t * 5 + 1) * 4 + (size_t)i] != u[(t * 5) * 4 + (size_t)i])
                first_moved[i]++;
    for (int i = 0; i < 4; i++)
        cr_expect(first_moved[i] > 0, "factor %d never moves first in 30 trajectories", i);
    free(u);
}

Test(design, oat_layout)
{
    const int k = 3;
    bs_design_spec spec = {BS_DESIGN_OAT, k, 0, NULL, 0, 0};
    size_t rows;
    double *u = design(&spec, &rows);
    cr_assert_eq(rows, 7);
    double want[7][3] = {{.5, .5, .5}, {0, .5, .5}, {1, .5, .5}, {.5, 0, .5},
                         {.5, 1, .5},  {.5, .5, 0}, {.5, .5, 1}};
    for (size_t r = 0; r < rows; r++)
        for (int i = 0; i < k; i++)
            cr_expect_eq(u[r * 3 + (size_t)i], want[r][i], "row %zu factor %d: %g", r, i,
                         u[r * 3 + (size_t)i]);
    free(u);
}

/* Same spec and seed: the same bits; another seed (even one differing only in
 * its high 32 bits): other bits. */
Test(design, seeds)
{
    bs_design_kind kinds[] = {BS_DESIGN_LHS, BS_DESIGN_MORRIS};
    for (int c = 0; c < 2; c++) {
        bs_design_spec spec = {kinds[c], 5, 50, NULL, 4, 0x123456789abcdefULL};
        size_t rows, bytes;
        double *a = design(&spec, &rows), *b = design(&spec, &rows);
        bytes = rows * 5 * sizeof *a;
        cr_expect_eq(memcmp(a, b, bytes), 0, "%s: same seed, other bits", bs_design_name(kinds[c]));
        spec.seed ^= 1ULL << 40;
        double *d = design(&spec, &rows);
        cr_expect_neq(memcmp(a, d, bytes), 0, "%s: seeds differing in bit 40 give the same design",
                      bs_design_name(kinds[c]));
        spec.seed = 1;
        double *e = design(&spec, &rows);
        cr_expect_neq(memcmp(a, e, bytes), 0, "%s: another seed, the same bits",
                      bs_design_name(kinds[c]));
        free(a);
        free(b);
        free(d);
        free(e);
    }
}

/* ---- bad specs ----------------------------------------------------------- */

/* Criterion runs each case in a fresh process, where pointers into the parent's
 * memory mean nothing: the case holds its text and levels itself, and
 * `levels` of the spec is set from them in the test. */
typedef struct {
    bs_design_spec spec;
    int use_levels, levels[3];
    char msg[256]; /* a part of the message */
} bad_spec;

ParameterizedTestParameters(design, bad_specs)
{
    static bad_spec cases[] = {
        {{BS_DESIGN_LHS, 0, 10, NULL, 0, 0}, 0, {0},
         "design 'lhs': 'k' is 0, expected 1 to 32 factors"},
        {{BS_DESIGN_SOBOL, 33, 10, NULL, 0, 0}, 0, {0}, "'k' is 33, expected 1 to 32"},
        {{BS_DESIGN_OAT, -1, 0, NULL, 0, 0}, 0, {0}, "design 'oat': 'k' is -1"},
        {{BS_DESIGN_LHS, 2, 0, NULL, 0, 0}, 0, {0},
         "design 'lhs': 'n' is 0, expected 1 to 16777216 points"},
        {{BS_DESIGN_SOBOL, 2, 0, NULL, 0, 0}, 0, {0}, "'n' is 0"},
        {{BS_DESIGN_SOBOL, 2, (1u << 24) + 1, NULL, 0, 0}, 0, {0},
         "'n' is 16777217, expected 1 to 16777216"},
        {{BS_DESIGN_SALTELLI, 2, 0, NULL, 0, 0}, 0, {0},
         "'n' is 0, expected 1 to 16777216 base samples"},
        {{BS_DESIGN_MORRIS, 2, 0, NULL, 4, 0}, 0, {0},
         "'n' is 0, expected 1 to 16777216 trajectories"},
        {{BS_DESIGN_FACTORIAL, 3, 0, NULL, 0, 0}, 1, {2, 0, 3},
         "design 'factorial': 'levels[1]' is 0, expected at least 1"},
        {{BS_DESIGN_FACTORIAL, 3, 0, NULL, 0, 0}, 0, {0}, "design 'factorial': 'levels' is NULL"},
        {{BS_DESIGN_SALTELLI, 21, 10, NULL, 0, 0}, 0, {0},
         "design 'saltelli': 'k' is 21, expected at most 20 factors (Saltelli's design needs 2k "
         "Sobol dimensions; GSL's Sobol sequence has 40)"},
        {{BS_DESIGN_MORRIS, 3, 10, NULL, 3, 0}, 0, {0},
         "design 'morris': 'morris_levels' is 3, expected an even number of grid levels >= 2"},
        {{BS_DESIGN_MORRIS, 3, 10, NULL, -2, 0}, 0, {0}, "'morris_levels' is -2"},
        {{BS_DESIGN_MORRIS, 3, 10, NULL, 1, 0}, 0, {0}, "'morris_levels' is 1"},
        {{(bs_design_kind)17, 3, 10, NULL, 0, 0}, 0, {0}, "unknown design kind 17"},
    };
    return cr_make_param_array(bad_spec, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(bad_spec *c, design, bad_specs)
{
    if (c->use_levels)
        c->spec.levels = c->levels;
    bs_error err = {0};
    size_t rows = 99;
    cr_expect_eq(bs_design_rows(&c->spec, &rows, &err), BS_ERR_INPUT, "accepted: %s", c->msg);
    cr_expect_eq(err.status, BS_ERR_INPUT);
    cr_expect(strstr(err.msg, c->msg) != NULL, "message '%s', expected '%s'", err.msg, c->msg);
    cr_expect_eq(rows, 0);
    double u[64] = {0};
    bs_error err2 = {0};
    cr_expect_eq(bs_design_fill(&c->spec, u, &err2), BS_ERR_INPUT);
    cr_expect_str_eq(err2.msg, err.msg);
}

/* A factorial grid too large to hold: refused, not overflowed. */
Test(design, factorial_too_large)
{
    int levels[BS_DESIGN_MAX_FACTORS];
    for (int i = 0; i < BS_DESIGN_MAX_FACTORS; i++)
        levels[i] = 1000;
    bs_design_spec spec = {BS_DESIGN_FACTORIAL, BS_DESIGN_MAX_FACTORS, 0, levels, 0, 0};
    size_t rows;
    bs_error err = {0};
    cr_expect_eq(bs_design_rows(&spec, &rows, &err), BS_ERR_INPUT);
    cr_expect(strstr(err.msg, "too many rows") != NULL, "%s", err.msg);
}

Test(design, null_arguments)
{
    bs_design_spec spec = {BS_DESIGN_OAT, 2, 0, NULL, 0, 0};
    size_t rows;
    bs_error err = {0};
    cr_expect_eq(bs_design_rows(NULL, &rows, &err), BS_ERR_INPUT);
    cr_expect_eq(bs_design_fill(&spec, NULL, &err), BS_ERR_INPUT);
    cr_expect(strstr(err.msg, "no array") != NULL, "%s", err.msg);
    cr_expect_eq(bs_design_rows(&spec, &rows, NULL), BS_OK); /* err may be NULL */
    cr_expect_eq(rows, 5);
}
