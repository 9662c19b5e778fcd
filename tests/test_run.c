/* SPDX-License-Identifier: MIT */
/*
 * test_run.c: properties of a whole run through the public API: the same
 * scenario and seed give bit-identical aggregates for any thread count; a
 * different seed gives different ones; every step's aggregates satisfy the
 * invariants (shares sum to 1, counts are whole and never negative, means in
 * [0, 1], no NaN); the run's lifecycle (errors after the end, free(NULL)).
 */
#include <math.h>

#include "market_fixture.h"

/* A market with every kind of shock, network on, policies that differ. */
static bs_scenario *busy_market(void)
{
    bs_scenario *sc = market_new(6000, 24, 5);
    sc->brands[0].breach_response = BS_RESPONSE_APOLOGY;
    sc->brands[1].breach_response = BS_RESPONSE_TRANSPARENCY_CONTROL;
    sc->brands[1].notify = 0;
    sc->brands[2].exit_policy = BS_EXIT_WIN_BACK;
    sc->brands[2].win_back_interval = 3;
    sc->brands[3].exit_policy = BS_EXIT_CLEAN_BREAK;
    sc->brands[3].clarifies = 1;
    sc->brands[4].personalization = 0.9;
    sc->brands[4].relevance = 0.2;
    bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 4, "a");
    sh->n_brands = 2;
    snprintf(sh->brand_names[1], sizeof sh->brand_names[1], "b");
    sh->breach_kind = BS_BREACH_SOLD_DATA;
    market_shock(sc, BS_SHOCK_BETRAYAL, 8, "d")->act = BS_ACT_FEE;
    sh = market_shock(sc, BS_SHOCK_SERVICE_FAILURE, 10, "e");
    sh->recovery = BS_RECOVERY_POOR;
    sh->recovery_delay = 2;
    market_shock(sc, BS_SHOCK_FORCED_EXIT, 12, "c")->size = 0.5;
    sh = market_shock(sc, BS_SHOCK_POLICY, 14, "e");
    sh->policy.relevance = 0.9;
    sh->policy_set = (uint64_t)1 << bs_param_index(BS_SECTION_BRAND, "relevance");
    sc->trait_quantiles = 4; /* observation by quantile: both groupings on (strength's 3 by default) */
    sc->quantile_trait = BS_TRAIT_GRUDGE;
    return sc;
}

static int same_series(const series *a, const series *b)
{
    size_t n = (size_t)a->steps * a->per_step;
    int same = a->steps == b->steps && a->per_step == b->per_step &&
               memcmp(a->v, b->v, n * sizeof *a->v) == 0 &&
               memcmp(a->market, b->market, (size_t)a->steps * BS_MK_COUNT * sizeof *a->market) == 0;
    for (int g = 0; same && g < BS_QG_COUNT; g++) {
        const size_t nq = (size_t)a->steps * BS_QM_COUNT * a->qbins[g] * (size_t)a->B;
        same = a->qbins[g] == b->qbins[g] && (!nq || !memcmp(a->q[g], b->q[g], nq * sizeof(double)));
    }
    return same;
}

Test(run, same_seed_same_numbers_for_1_2_3_8_threads)
{
    bs_scenario *sc = busy_market();
    series *one = market_run(sc, 1);
    const int threads[] = {2, 3, 8};
    for (size_t k = 0; k < sizeof threads / sizeof threads[0]; k++) {
        series *s = market_run(sc, threads[k]);
        cr_expect(same_series(one, s), "%d threads differ from 1 thread", threads[k]);
        series_free(s);
    }
    sc->network.kind = BS_NET_SCALE_FREE;
    series *sf1 = market_run(sc, 1), *sf3 = market_run(sc, 3);
    cr_expect(same_series(sf1, sf3), "scale-free network: 3 threads differ from 1");
    series_free(sf1);
    series_free(sf3);
    series_free(one);
    free(sc);
}

Test(run, different_seed_different_numbers)
{
    bs_scenario *sc = busy_market();
    series *a = market_run(sc, 2);
    sc->seed = 8;
    series *b = market_run(sc, 2);
    cr_expect_not(same_series(a, b), "seeds 7 and 8 gave identical runs");
    series_free(a);
    series_free(b);
    free(sc);
}

static int is_count(double x)
{
    return x >= 0 && x == floor(x);
}

static const int count_metrics[] = {
    BS_M_PURCHASES, BS_M_ACTIVE_CUSTOMERS, BS_M_DEFECTIONS_OUT, BS_M_DEFECTIONS_IN, BS_M_EXITS,
    BS_M_REVENGE_WOM, BS_M_REVENGE_WITHHOLD, BS_M_REVENGE_ANTIBRAND, BS_M_AVOIDING,
    BS_M_BETRAYED, BS_M_FORMER_CUSTOMERS};
static const int unit_metrics[] = {
    BS_M_MARKET_SHARE, BS_M_REPEAT_RATE, BS_M_MEAN_QUALITY, BS_M_MEAN_CONFIDENCE,
    BS_M_MEAN_BENEVOLENCE, BS_M_MEAN_DISCLOSURE, BS_M_MEAN_REVENGE, BS_M_MEAN_AVOIDANCE,
    BS_M_MEAN_SHAME};

Test(run, invariants_hold_every_step)
{
    bs_scenario *sc = busy_market();
    series *s = market_run(sc, 2);
    const int B = s->B;
    for (int t = 0; t < s->steps; t++) {
        for (int g = 0; g < BS_SEG_COUNT; g++)
            for (int m = 0; m < BS_M_COUNT; m++)
                for (int b = 0; b < B; b++)
                    cr_assert(isfinite(series_at(s, t, g, m, b)), "step %d seg %d metric %s brand %d", t,
                              g, bs_metric_get(m)->name, b);
        for (int g = 0; g < BS_SEG_COUNT; g++) {
            double share = 0, buys = 0, out = 0, in = 0;
            for (int b = 0; b < B; b++) {
                for (size_t k = 0; k < sizeof count_metrics / sizeof *count_metrics; k++)
                    cr_assert(is_count(series_at(s, t, g, count_metrics[k], b)), "step %d %s = %g", t,
                              bs_metric_get(count_metrics[k])->name,
                              series_at(s, t, g, count_metrics[k], b));
                for (size_t k = 0; k < sizeof unit_metrics / sizeof *unit_metrics; k++) {
                    double x = series_at(s, t, g, unit_metrics[k], b);
                    cr_assert(x >= 0 && x <= 1, "step %d %s = %g", t, bs_metric_get(unit_metrics[k])->name, x);
                }
                share += series_at(s, t, g, BS_M_MARKET_SHARE, b);
                buys += series_at(s, t, g, BS_M_PURCHASES, b);
                out += series_at(s, t, g, BS_M_DEFECTIONS_OUT, b);
                in += series_at(s, t, g, BS_M_DEFECTIONS_IN, b);
                cr_assert(series_at(s, t, g, BS_M_REVENUE, b) >= 0);
            }
            if (buys > 0) cr_assert_float_eq(share, 1.0, 1e-9, "step %d seg %d: shares sum to %.12g", t, g, share);
            if (g == BS_SEG_ALL) cr_assert_eq(out, in, "step %d: defections out %g, in %g", t, out, in);
        }
        /* F4's offer propensities: the generic one is T = (conf + benev) / 2 of
         * the active relationships; the personalized one, rho D T (1 + kappa), is
         * at most rho (1 + kappa) times the smaller of mean D and mean T (D and
         * T lie in [0, 1]); rho and kappa are the scenario's until the first
         * shock (a response or a policy may change them later: then 2) */
        for (int g = 0; g < BS_SEG_COUNT; g++)
            for (int b = 0; b < B; b++) {
                if (series_at(s, t, g, BS_M_ACTIVE_CUSTOMERS, b) == 0) continue;
                const double T = series_at(s, t, g, BS_M_OFFER_ACCEPT_GENERIC, b);
                const double conf = series_at(s, t, g, BS_M_MEAN_CONFIDENCE, b);
                const double benev = series_at(s, t, g, BS_M_MEAN_BENEVOLENCE, b);
                const double D = series_at(s, t, g, BS_M_MEAN_DISCLOSURE, b);
                const double P = series_at(s, t, g, BS_M_OFFER_ACCEPT_PERSONALIZED, b);
                const bs_brand *br = &sc->brands[b];
                const double factor = t < 4 ? br->relevance * (1 + br->control) : 2;
                cr_assert_float_eq(T, 0.5 * (conf + benev), 1e-12, "step %d seg %d brand %d", t, g, b);
                cr_assert(P >= 0 && P <= factor * (D < T ? D : T) * (1 + 1e-12),
                          "step %d seg %d brand %d: personalized %g, factor %g, D %g, T %g", t, g, b,
                          P, factor, D, T);
                if (D > 0 && T > 0) cr_assert_gt(P, 0, "step %d seg %d brand %d", t, g, b);
            }
        /* the segmentations partition the market */
        for (int b = 0; b < B; b++) {
            double all = series_at(s, t, BS_SEG_ALL, BS_M_PURCHASES, b);
            cr_assert_eq(all, series_at(s, t, BS_SEG_STRONG, BS_M_PURCHASES, b) +
                                  series_at(s, t, BS_SEG_WEAK, BS_M_PURCHASES, b) +
                                  series_at(s, t, BS_SEG_NEW, BS_M_PURCHASES, b));
            if (t < 4) /* before the first shock every relationship is strong or weak */
                cr_assert_eq(series_at(s, t, BS_SEG_NEW, BS_M_ACTIVE_CUSTOMERS, b), 0);
            cr_assert_eq(all, series_at(s, t, BS_SEG_FUNDAMENTALIST, BS_M_PURCHASES, b) +
                                  series_at(s, t, BS_SEG_PRAGMATIST, BS_M_PURCHASES, b) +
                                  series_at(s, t, BS_SEG_UNCONCERNED, BS_M_PURCHASES, b));
            cr_assert_eq(all, series_at(s, t, BS_SEG_COMMUNAL, BS_M_PURCHASES, b) +
                                  series_at(s, t, BS_SEG_EXCHANGE, BS_M_PURCHASES, b));
        }
        double buys = series_market(s, t, BS_MK_PURCHASES);
        cr_assert(is_count(buys) && is_count(series_market(s, t, BS_MK_NO_PURCHASE)));
        cr_assert_leq(buys + series_market(s, t, BS_MK_NO_PURCHASE), (double)sc->consumers);
        for (int k = BS_MK_MEAN_DISTRUST; k < BS_MK_COUNT; k++)
            cr_assert(series_market(s, t, k) >= 0 && series_market(s, t, k) <= 1);
    }
    series_free(s);
    free(sc);
}

Test(run, events_list_every_shock_and_response)
{
    bs_scenario *sc = busy_market();
    series *s = market_run(sc, 1);
    const char *want[] = {"breach:sold_data", "breach:sold_data", "response:apology",
                          "response:transparency_control", "betrayal:fee", "service_failure",
                          "recovery:poor", "forced_exit", "policy"};
    cr_assert_eq(s->n_events, 9);
    for (int e = 0; e < s->n_events; e++) {
        cr_expect_str_eq(s->events[e].kind, want[e], "event %d", e);
        if (e > 0) cr_expect_leq(s->events[e - 1].step, s->events[e].step, "events in step order");
    }
    cr_expect_eq(s->events[0].step, 4);
    cr_expect_eq(s->events[0].brand, 0);
    cr_expect_eq(s->events[1].brand, 1);
    cr_expect_gt(s->bytes_per_consumer, 50);
    cr_expect_lt(s->bytes_per_consumer, 400);
    series_free(s);
    free(sc);
}

Test(run, lifecycle_errors_are_values)
{
    bs_scenario *sc = market_new(100, 2, 2);
    bs_error err = {0};
    cr_assert_eq(bs_scenario_validate(sc, NULL, &err), BS_OK, "%s", err.msg);
    bs_run *run = bs_run_alloc(sc, 1, &err);
    cr_assert_not_null(run);
    cr_assert_eq(bs_run_step(run, &err), BS_OK);
    cr_assert_eq(bs_run_step(run, &err), BS_OK);
    cr_assert_eq(bs_run_steps_done(run), 2);
    cr_assert_neq(bs_run_step(run, &err), BS_OK, "a step past the end must fail");
    cr_assert_neq(err.msg[0], '\0');
    bs_run_free(run);
    bs_run_free(NULL);
    free(sc);
}
