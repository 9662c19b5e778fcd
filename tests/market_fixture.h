/* SPDX-License-Identifier: MIT */
/*
 * market_fixture.h: small markets built in code for the model tests, and a
 * runner that keeps every step's aggregates. Header-only (static functions)
 * so each test binary includes what it uses.
 *
 *   bs_scenario *sc = market_new(20000, 20, 3);    three brands "a", "b", "c"
 *   bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 5, "a");
 *   series *s = market_run(sc, 2);                 every step, 2 threads
 *   double x = series_at(s, 6, BS_SEG_STRONG, BS_M_MEAN_CONFIDENCE, 0);
 */
#ifndef BS_MARKET_FIXTURE_H
#define BS_MARKET_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/brandsim.h"

/* A validated-later scenario: defaults, N consumers, T steps, B brands named
 * "a", "b", ... with identical default parameters, no network noise settings
 * changed. Free with free(). */
static inline bs_scenario *market_new(int64_t N, int T, int B)
{
    bs_scenario *sc = calloc(1, sizeof *sc);
    cr_assert_not_null(sc);
    bs_scenario_defaults(sc);
    snprintf(sc->name, sizeof sc->name, "fixture");
    sc->seed = 7;
    sc->consumers = N;
    sc->steps = T;
    sc->n_brands = B;
    for (int b = 0; b < B; b++) {
        bs_brand_defaults(&sc->brands[b]);
        snprintf(sc->brands[b].name, sizeof sc->brands[b].name, "%c", 'a' + b);
    }
    return sc;
}

/* Append a shock of `kind` at `step` on the brand named `brand`. */
static inline bs_shock *market_shock(bs_scenario *sc, int kind, int step, const char *brand)
{
    cr_assert_lt(sc->n_shocks, BS_MAX_SHOCKS);
    bs_shock *sh = &sc->shocks[sc->n_shocks++];
    bs_shock_defaults(sh);
    sh->kind = kind;
    sh->step = step;
    sh->n_brands = 1;
    snprintf(sh->brand_names[0], sizeof sh->brand_names[0], "%s", brand);
    return sh;
}

/* Every step's aggregates of one run. */
typedef struct {
    int steps, B;
    size_t per_step; /* values per step */
    double *v;       /* [steps][per_step] */
    double *market;  /* [steps][BS_MK_COUNT] */
    int qbins[BS_QG_COUNT]; /* quantile bins of each grouping (0: off) */
    double *q[BS_QG_COUNT]; /* [steps][BS_QM_COUNT * bins * B], as bs_stats.quantile */
    bs_event events[64];
    int n_events;
    double bytes_per_consumer;
} series;

static inline void series_free(series *s)
{
    if (!s) return;
    free(s->v);
    free(s->market);
    for (int g = 0; g < BS_QG_COUNT; g++) free(s->q[g]);
    free(s);
}

/* Validate and run the scenario to the end with `threads` threads. */
static inline series *market_run(bs_scenario *sc, int threads)
{
    bs_error err = {0};
    cr_assert_eq(bs_scenario_validate(sc, "fixture", &err), BS_OK, "%s", err.msg);
    bs_run *run = bs_run_alloc(sc, threads, &err);
    cr_assert_not_null(run, "%s", err.msg);
    series *s = calloc(1, sizeof *s);
    cr_assert_not_null(s);
    s->steps = sc->steps;
    s->B = sc->n_brands;
    s->per_step = (size_t)BS_SEG_COUNT * BS_M_COUNT * (size_t)sc->n_brands;
    s->v = calloc((size_t)sc->steps * s->per_step, sizeof *s->v);
    s->market = calloc((size_t)sc->steps * BS_MK_COUNT, sizeof *s->market);
    cr_assert(s->v && s->market);
    s->qbins[BS_QG_STRENGTH] = sc->strength_quantiles;
    s->qbins[BS_QG_TRAIT] = sc->trait_quantiles;
    for (int g = 0; g < BS_QG_COUNT; g++)
        if (s->qbins[g])
            cr_assert_not_null(s->q[g] = calloc((size_t)sc->steps * BS_QM_COUNT * s->qbins[g] *
                                                    (size_t)s->B, sizeof(double)));
    for (int t = 0; t < sc->steps; t++) {
        cr_assert_eq(bs_run_step(run, &err), BS_OK, "step %d: %s", t, err.msg);
        const bs_stats *st = bs_run_stats(run);
        cr_assert_eq(st->step, t);
        memcpy(s->v + (size_t)t * s->per_step, st->v, s->per_step * sizeof *s->v);
        memcpy(s->market + (size_t)t * BS_MK_COUNT, st->market, sizeof st->market);
        for (int g = 0; g < BS_QG_COUNT; g++) {
            const size_t n = (size_t)BS_QM_COUNT * s->qbins[g] * (size_t)s->B;
            cr_assert_eq(st->quantile_bins[g], s->qbins[g]);
            if (n) memcpy(s->q[g] + (size_t)t * n, st->quantile[g], n * sizeof(double));
        }
    }
    int n = 0;
    const bs_event *ev = bs_run_events(run, &n);
    s->n_events = n < 64 ? n : 64;
    memcpy(s->events, ev, (size_t)s->n_events * sizeof *ev);
    s->bytes_per_consumer = bs_run_bytes_per_consumer(run);
    bs_run_free(run);
    return s;
}

/* Value of (segment, metric, brand) at step t. */
static inline double series_at(const series *s, int t, int seg, int metric, int b)
{
    return s->v[(size_t)t * s->per_step + ((size_t)seg * BS_M_COUNT + metric) * s->B + b];
}
#define AT(s, t, seg, m) series_at((s), (t), (seg), (m), 0) /* of brand "a" */
#define ATB(s, t, seg, m, b) series_at((s), (t), (seg), (m), (b))

/* Sum of (segment, metric, brand) over steps [t0, t1]. */
static inline double series_sum(const series *s, int t0, int t1, int seg, int metric, int b)
{
    double x = 0;
    for (int t = t0; t <= t1; t++) x += series_at(s, t, seg, metric, b);
    return x;
}

/* Run sc on 2 threads and return the sum of (segment, metric, brand) over steps
 * [t0, t1]; frees the series and sc. For tests that compare one number across
 * variants of a market. */
static inline double market_run_sum(bs_scenario *sc, int t0, int t1, int seg, int metric, int b)
{
    series *s = market_run(sc, 2);
    const double x = series_sum(s, t0, t1, seg, metric, b);
    series_free(s);
    free(sc);
    return x;
}

static inline double series_market(const series *s, int t, int k)
{
    return s->market[(size_t)t * BS_MK_COUNT + k];
}

/* Value of quantile metric m of brand b in bin `bin` of grouping g at step t. */
static inline double series_q(const series *s, int t, int g, int m, int bin, int b)
{
    const size_t n = (size_t)BS_QM_COUNT * s->qbins[g] * (size_t)s->B;
    return s->q[g][(size_t)t * n + ((size_t)m * s->qbins[g] + bin) * s->B + b];
}

#endif
