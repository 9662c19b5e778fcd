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
    [BS_KPI_SHARE_LOST] = {"share_lost", "share lost", "percentage points of purchases", 1,
                           "share lost", "n/a"},
    [BS_KPI_SHARE_REGAINED] = {"share_regained", "share regained",
                               "percentage points of purchases", 1, "regained", "n/a"},
    [BS_KPI_RECOVERY_WEEKS] = {"recovery_weeks", "weeks until share recovers", "weeks", 0,
                               "recovery", "not recovered"},
    [BS_KPI_REVENUE] = {"revenue", "revenue over the horizon", "currency units", 0, "revenue",
                        "n/a"},
    [BS_KPI_REVENUE_AFTER] = {"revenue_after", "revenue after the shock", "currency units", 0,
                              "revenue after", "n/a"},
    [BS_KPI_RESPONSE_COST] = {"response_cost", "cost of the response", "currency units", 0,
                              "response cost", "n/a"},
    [BS_KPI_NET_CONTRIBUTION] = {"net_contribution", "net contribution after the shock",
                                 "currency units", 0, "net contrib.", "n/a"},
    [BS_KPI_CUSTOMERS_LOST] = {"customers_lost", "customers lost after the shock", "consumers", 0,
                               "lost after", "n/a"},
    [BS_KPI_EXIT_LOSSES] = {"exit_losses", "customers lost to exit", "consumers", 0,
                            "exit losses", "n/a"},
    [BS_KPI_REVENGE_ACTS] = {"revenge_acts", "revenge acts (total)", "acts", 0, "revenge acts",
                             "n/a"},
    [BS_KPI_REVENGE_DAYS] = {"revenge_days", "days until revenge < 10 % of peak", "days", 0,
                             "revenge days", "not reached"},
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
    const double floor = 0.1 * top;
    for (int t = peak + 1; t < s->steps; t++) {
        const double now = at(s->mean_revenge, s->stride, t);
        if (now < floor) {
            /* between the ends of steps t - 1 (at or above the floor) and t (below), where the
               line through the two crosses it: revenge fades within a step, and whole steps
               would give every replicate the same day */
            const double before = at(s->mean_revenge, s->stride, t - 1);
            const double f = (before - floor) / (before - now);
            const double crossing = s->day[t - 1] + f * (s->day[t] - s->day[t - 1]);
            /* counted from the beginning of the start step: the end of the one before */
            return crossing - (start > 0 ? s->day[start - 1] : 0);
        }
    }
    return NAN;
}

/* Mean of x over steps (t - w, t], clipped at `from`. */
static double trailing_mean(const double *x, size_t stride, int from, int t, int w)
{
    int a = t - w + 1 < from ? from : t - w + 1;
    double s = 0;
    for (int k = a; k <= t; k++)
        s += at(x, stride, k);
    return s / (t - a + 1);
}

/* Weeks from the start of step t0 until the share, averaged over a month, is back within
   the fraction f of its month before t0 and stays there (outcomes.h). */
static double recovery_weeks(const bs_kpi_series *s, int t0, double f)
{
    if (t0 <= 0 || t0 >= s->steps)
        return NAN;
    double step_days = s->day[0] > 0 ? s->day[0] : 1;
    int w = (int)lround(BS_KPI_RECOVERY_WINDOW_DAYS / step_days);
    w = w < 1 ? 1 : w;
    double before = trailing_mean(s->share, s->stride, 0, t0 - 1, w), floor = f * before;
    int last_below = -1; /* the last step at which the month's share is below the floor */
    for (int t = t0; t < s->steps; t++)
        if (trailing_mean(s->share, s->stride, t0, t, w) < floor)
            last_below = t;
    if (last_below < 0)
        return 0;
    if (last_below == s->steps - 1)
        return NAN;
    return (s->day[last_below] - s->day[t0 - 1]) / 7.0; /* back by the end of that step */
}

void bs_kpis_of(const bs_kpi_series *s, double out[BS_KPI_COUNT])
{
    int S = s->steps, t0 = s->first_shock, from = t0 > 0 && t0 < S ? t0 : 0;
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
    out[BS_KPI_RECOVERY_WEEKS] = recovery_weeks(
        s, t0, s->recovery_fraction > 0 ? s->recovery_fraction : BS_KPI_RECOVERY_FRACTION);
    out[BS_KPI_REVENUE] = sum(s->revenue, s->stride, S);
    out[BS_KPI_REVENUE_AFTER] = sum(s->revenue + (size_t)from * s->stride, s->stride, S - from);
    out[BS_KPI_RESPONSE_COST] = s->response_cost ? sum(s->response_cost, s->stride, S) : NAN;
    out[BS_KPI_NET_CONTRIBUTION] =
        s->net_contribution
            ? sum(s->net_contribution + (size_t)from * s->stride, s->stride, S - from)
            : NAN;
    out[BS_KPI_CUSTOMERS_LOST] = sum(s->exits + (size_t)from * s->stride, s->stride, S - from);
    out[BS_KPI_EXIT_LOSSES] = sum(s->exits, s->stride, S);
    out[BS_KPI_REVENGE_ACTS] = sum(s->wom, s->stride, S) + sum(s->withhold, s->stride, S)
                               + sum(s->antibrand, s->stride, S);
    out[BS_KPI_REVENGE_DAYS] = revenge_days(s);
}

double bs_kpi_payback(const double *net, const double *net_base, size_t stride, int steps,
                      int t0, const double *day)
{
    int from = t0 > 0 && t0 < steps ? t0 : 0;
    double cum = 0;
    int last_below = -1;
    for (int t = from; t < steps; t++) {
        cum += at(net, stride, t) - at(net_base, stride, t);
        if (cum < 0)
            last_below = t;
    }
    if (last_below < 0)
        return 0;
    if (last_below == steps - 1)
        return NAN;
    return (day[last_below] - (from > 0 ? day[from - 1] : 0)) / 7.0;
}

/* Read the brand series the outcomes need, for variant v: x[k], R*S*B values each. */
enum { SHARE, REVENUE, WOM, WITHHOLD, ANTIBRAND, REVENGE, EXITS, COST, NET, NSER };
static bs_status read_series(const bs_results *r, int v, double *x[NSER], bs_error *err)
{
    static const bs_metric metric[NSER] = {
        BS_M_MARKET_SHARE, BS_M_REVENUE, BS_M_REVENGE_WOM, BS_M_REVENGE_WITHHOLD,
        BS_M_REVENGE_ANTIBRAND, BS_M_MEAN_REVENGE, BS_M_EXITS, BS_M_RESPONSE_COST,
        BS_M_NET_CONTRIBUTION};
    int R = bs_results_replicates(r), S = bs_results_steps(r), B = bs_results_brands(r);
    size_t n = (size_t)R * (size_t)S * (size_t)(B ? B : 1);
    for (int k = 0; k < NSER; k++)
        x[k] = NULL;
    for (int k = 0; k < NSER; k++)
        if (!(x[k] = malloc(n * sizeof *x[k])))
            return bs_error_setf(err, BS_ERR_RUNTIME, "%s: out of memory", bs_results_path(r));
    for (int k = 0; k < NSER && B > 0; k++) {
        bs_status st = bs_results_series(r, v, BS_SEG_ALL, metric[k], x[k], err);
        if (st && k >= COST) { /* a file written before the economics: no such series */
            free(x[k]);
            x[k] = NULL;
            continue;
        }
        if (st)
            return st;
    }
    return BS_OK;
}

static void free_series(double *x[NSER])
{
    for (int k = 0; k < NSER; k++)
        free(x[k]);
}

bs_status bs_kpis_compute(const bs_results *r, int v, double recovery_fraction, double *out,
                          bs_error *err)
{
    int R = bs_results_replicates(r), S = bs_results_steps(r), B = bs_results_brands(r);
    double *x[NSER];
    bs_status st = read_series(r, v, x, err);
    int t0 = bs_results_first_shock(r, v);
    for (int rep = 0; !st && rep < R; rep++)
        for (int b = 0; b < B; b++) {
            size_t o = (size_t)rep * S * B + (size_t)b;
            bs_kpi_series s = {
                .steps = S, .day = bs_results_days(r), .first_shock = t0, .stride = (size_t)B,
                .share = x[SHARE] + o, .revenue = x[REVENUE] + o, .wom = x[WOM] + o,
                .withhold = x[WITHHOLD] + o, .antibrand = x[ANTIBRAND] + o,
                .mean_revenge = x[REVENGE] + o, .exits = x[EXITS] + o,
                .response_cost = x[COST] ? x[COST] + o : NULL,
                .net_contribution = x[NET] ? x[NET] + o : NULL,
                .recovery_fraction = recovery_fraction};
            bs_kpis_of(&s, out + ((size_t)rep * B + b) * BS_KPI_COUNT);
        }
    free_series(x);
    return st;
}

bs_status bs_kpis_payback(const bs_results *ra, int va, const bs_results *rb, int vb,
                          double *out, bs_error *err)
{
    int R = bs_results_replicates(ra), S = bs_results_steps(ra), B = bs_results_brands(ra);
    if (R != bs_results_replicates(rb) || S != bs_results_steps(rb) || B != bs_results_brands(rb)
        || bs_test_for(bs_results_seeds(ra, va), R, bs_results_seeds(rb, vb), R) != BS_TEST_PAIRED)
        return bs_error_setf(err, BS_ERR_INPUT,
                             "%s: payback needs a baseline with the same brands, steps and seeds",
                             bs_results_path(ra));
    size_t n = (size_t)R * (size_t)S * (size_t)(B ? B : 1);
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    bs_status st = a && b ? BS_OK
                          : bs_error_setf(err, BS_ERR_RUNTIME, "%s: out of memory",
                                          bs_results_path(ra));
    if (!st && B > 0)
        st = bs_results_series(ra, va, BS_SEG_ALL, BS_M_NET_CONTRIBUTION, a, err);
    if (!st && B > 0)
        st = bs_results_series(rb, vb, BS_SEG_ALL, BS_M_NET_CONTRIBUTION, b, err);
    int t0 = bs_results_first_shock(ra, va);
    for (int rep = 0; !st && rep < R; rep++)
        for (int k = 0; k < B; k++) {
            size_t o = (size_t)rep * S * B + (size_t)k;
            out[(size_t)rep * B + k] =
                bs_kpi_payback(a + o, b + o, (size_t)B, S, t0, bs_results_days(ra));
        }
    free(a);
    free(b);
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
        snprintf(buf, n, "%s", infos[o].unsure);
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
