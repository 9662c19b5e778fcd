/* SPDX-License-Identifier: MIT */
/*
 * outcomes.c: the strategist's outcomes of each brand and replicate, and
 * their differences between variants (definitions in outcomes.h).
 */
#include "brandsim/outcomes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const bs_kpi_info infos[BS_KPI_COUNT] = {
    [BS_KPI_SHARE_LOST] = {"share_lost", "share lost", "percentage points of purchases", 1},
    [BS_KPI_SHARE_REGAINED] = {"share_regained", "share regained",
                               "percentage points of purchases", 1},
    [BS_KPI_REVENUE] = {"revenue", "revenue over the horizon", "currency units", 0},
    [BS_KPI_REVENGE_ACTS] = {"revenge_acts", "revenge acts (total)", "acts", 0},
    [BS_KPI_REVENGE_DAYS] = {"revenge_days", "days until revenge < 10 % of peak", "days", 0},
    [BS_KPI_EXIT_LOSSES] = {"exit_losses", "customers lost to exit", "consumers", 0},
};

const bs_kpi_info *bs_kpi_get(bs_kpi o)
{
    return o >= 0 && o < BS_KPI_COUNT ? &infos[o] : NULL;
}

static double at(const double *x, size_t stride, int t)
{
    return x[(size_t)t * stride];
}

static double sum(const double *x, size_t stride, int n)
{
    double s = 0;
    for (int t = 0; t < n; t++)
        s += at(x, stride, t);
    return s;
}

/* Days from the start step until mean_revenge, after its peak, is below 10 % of it. */
static double revenge_days(const bs_kpi_series *s)
{
    int start = s->first_shock > 0 ? s->first_shock : 0;
    int peak = start;
    for (int t = start; t < s->steps; t++)
        if (at(s->mean_revenge, s->stride, t) > at(s->mean_revenge, s->stride, peak))
            peak = t;
    double top = at(s->mean_revenge, s->stride, peak);
    if (!(top > 0))
        return 0;
    for (int t = peak + 1; t < s->steps; t++)
        if (at(s->mean_revenge, s->stride, t) < 0.1 * top) {
            /* counted from the beginning of the start step: the end of the one before */
            return s->day[t] - (start > 0 ? s->day[start - 1] : 0);
        }
    return NAN;
}

void bs_kpis_of(const bs_kpi_series *s, double out[BS_KPI_COUNT])
{
    int S = s->steps, t0 = s->first_shock;
    out[BS_KPI_SHARE_LOST] = out[BS_KPI_SHARE_REGAINED] = NAN;
    if (t0 > 0 && t0 < S) {
        /* the lowest share from the step before the shock on: a brand the shock spares
           loses 0 and "regains" what it won */
        double before = at(s->share, s->stride, t0 - 1), low = before;
        for (int t = t0; t < S; t++)
            if (at(s->share, s->stride, t) < low)
                low = at(s->share, s->stride, t);
        out[BS_KPI_SHARE_LOST] = before - low;
        out[BS_KPI_SHARE_REGAINED] = at(s->share, s->stride, S - 1) - low;
    }
    out[BS_KPI_REVENUE] = sum(s->revenue, s->stride, S);
    out[BS_KPI_REVENGE_ACTS] = sum(s->wom, s->stride, S) + sum(s->withhold, s->stride, S)
                               + sum(s->antibrand, s->stride, S);
    out[BS_KPI_REVENGE_DAYS] = revenge_days(s);
    out[BS_KPI_EXIT_LOSSES] = sum(s->exits, s->stride, S);
}

bs_status bs_kpis_compute(const bs_results *r, int v, double *out, bs_error *err)
{
    enum { SHARE, REVENUE, WOM, WITHHOLD, ANTIBRAND, REVENGE, EXITS, NSER };
    static const bs_metric metric[NSER] = {
        BS_M_MARKET_SHARE, BS_M_REVENUE, BS_M_REVENGE_WOM, BS_M_REVENGE_WITHHOLD,
        BS_M_REVENGE_ANTIBRAND, BS_M_MEAN_REVENGE, BS_M_EXITS};
    int R = bs_results_replicates(r), S = bs_results_steps(r), B = bs_results_brands(r);
    size_t n = (size_t)R * (size_t)S * (size_t)(B ? B : 1);
    double *x[NSER] = {0};
    bs_status st = BS_OK;
    for (int k = 0; k < NSER; k++)
        if (!(x[k] = malloc(n * sizeof *x[k]))) {
            st = bs_error_setf(err, BS_ERR_RUNTIME, "%s: out of memory", bs_results_path(r));
        }
    for (int k = 0; !st && k < NSER && B > 0; k++)
        st = bs_results_series(r, v, BS_SEG_ALL, metric[k], x[k], err);
    int t0 = bs_results_first_shock(r, v);
    for (int rep = 0; !st && rep < R; rep++)
        for (int b = 0; b < B; b++) {
            size_t o = (size_t)rep * S * B + (size_t)b;
            bs_kpi_series s = {
                .steps = S, .day = bs_results_days(r), .first_shock = t0, .stride = (size_t)B,
                .share = x[SHARE] + o, .revenue = x[REVENUE] + o, .wom = x[WOM] + o,
                .withhold = x[WITHHOLD] + o, .antibrand = x[ANTIBRAND] + o,
                .mean_revenge = x[REVENGE] + o, .exits = x[EXITS] + o};
            bs_kpis_of(&s, out + ((size_t)rep * B + b) * BS_KPI_COUNT);
        }
    for (int k = 0; k < NSER; k++)
        free(x[k]);
    return st;
}

void bs_kpi_values(const double *all, int R, int B, int brand, bs_kpi o, double *vals)
{
    for (int rep = 0; rep < R; rep++)
        vals[rep] = all[((size_t)rep * B + brand) * BS_KPI_COUNT + o];
}

/* Decimals for values up to `big` in magnitude: 2 for percentage points, else 0 from
   10 on and 1 below. */
static int decimals(bs_kpi o, double big)
{
    return infos[o].percent ? 2 : fabs(big) >= 10 ? 0 : 1;
}

static void format_with(bs_kpi o, double x, int dec, char *buf, size_t n)
{
    if (!isfinite(x))
        snprintf(buf, n, "%s", o == BS_KPI_REVENGE_DAYS ? "not reached" : "n/a");
    else
        snprintf(buf, n, "%.*f", dec, infos[o].percent ? 100 * x : x);
}

void bs_kpi_format(bs_kpi o, double x, char *buf, size_t n)
{
    format_with(o, x, x == floor(x) && !infos[o].percent ? 0 : decimals(o, x), buf, n);
}

void bs_kpi_format_ci(bs_kpi o, bs_ci c, char *buf, size_t n)
{
    char m[32], lo[32], hi[32];
    if (!isfinite(c.lo) || !isfinite(c.hi) || !isfinite(c.mean)) {
        bs_kpi_format(o, c.mean, buf, n);
        return;
    }
    /* one precision for the three numbers, from the largest */
    double big = fmax(fabs(c.mean), fmax(fabs(c.lo), fabs(c.hi)));
    int dec = decimals(o, big);
    format_with(o, c.mean, dec, m, sizeof m);
    format_with(o, c.lo, dec, lo, sizeof lo);
    format_with(o, c.hi, dec, hi, sizeof hi);
    snprintf(buf, n, "%s [%s, %s]", m, lo, hi);
}

const char *bs_test_name(bs_test t)
{
    return t == BS_TEST_PAIRED ? "paired t" : "Welch t";
}

bs_test bs_test_for(const uint64_t *seeds_a, int na, const uint64_t *seeds_b, int nb)
{
    if (na != nb || !seeds_a || !seeds_b)
        return BS_TEST_WELCH;
    return memcmp(seeds_a, seeds_b, (size_t)na * sizeof *seeds_a) ? BS_TEST_WELCH
                                                                     : BS_TEST_PAIRED;
}

bs_effect bs_kpi_difference(const double *a, int na, const double *base, int nb, bs_test t)
{
    bs_effect e = t == BS_TEST_PAIRED && na == nb
                      ? bs_effect_paired(a, base, (size_t)na, 0.95)
                      : bs_effect_welch(a, (size_t)na, base, (size_t)nb, 0.95);
    if (isnan(e.estimate) && na > 0 && nb > 0) { /* too few replicates for a test */
        bs_ci ma = bs_ci_mean(a, 1, (size_t)na, 0.95), mb = bs_ci_mean(base, 1, (size_t)nb, 0.95);
        e.estimate = ma.mean - mb.mean;
    }
    return e;
}
