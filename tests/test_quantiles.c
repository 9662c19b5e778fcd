/* SPDX-License-Identifier: MIT */
/*
 * test_quantiles.c: the observation by quantile bin and the concentration of revenge acts
 * (issue 17 item 4; docs/MODEL.md "Observation"): the series are the same for any thread
 * count; the bins partition the relationships they cover (strength: those active at the
 * start of the reference step; trait: all); the strength bins follow prior R (white box:
 * the R0 of every bin lies wholly below the next bin's) and so does what the model makes
 * of it (love becomes hate: the top tercile takes more revenge); the trait bins follow the
 * trait (the most anxious third acts most when fear drives revenge, and not when it does
 * not); the Gini coefficient and the top decile's share equal a brute-force computation
 * over every consumer's count (white box: bs_state.acts), and the counts add up to the
 * acts the brand series record.
 */
#include <math.h>

#include "core/state.h"
#include "market_fixture.h"

/* A breach at brand a (step 8) in a market where no relationship ends before it (brands
 * that do not personalize: no irritation, so nobody avoids a brand before the shock). */
static bs_scenario *breach_market(int N, int T)
{
    bs_scenario *sc = market_new(N, T, 3);
    for (int b = 0; b < 3; b++) sc->brands[b].personalization = 0;
    bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 8, "a");
    sh->size = 0.6;
    sh->reach = 0.6;
    sh->breach_kind = BS_BREACH_SOLD_DATA;
    sc->trait_quantiles = 3;
    sc->quantile_trait = BS_TRAIT_ANXIETY;
    return sc;
}
enum { REF = 8 };

static double q_sum(const series *s, int t, int g, int m, int b)
{
    double x = 0;
    for (int bin = 0; bin < s->qbins[g]; bin++) x += series_q(s, t, g, m, bin, b);
    return x;
}

static double acts_of(const series *s, int t, int seg, int b)
{
    return series_at(s, t, seg, BS_M_REVENGE_WOM, b) + series_at(s, t, seg, BS_M_REVENGE_WITHHOLD, b) +
           series_at(s, t, seg, BS_M_REVENGE_ANTIBRAND, b);
}

Test(quantiles, same_numbers_for_1_2_3_threads)
{
    bs_scenario *sc = breach_market(6000, 20);
    sc->strength_quantiles = 10;
    series *one = market_run(sc, 1);
    double acts = 0;
    for (int t = 0; t < one->steps; t++) acts += q_sum(one, t, BS_QG_STRENGTH, BS_QM_REVENGE_ACTS, 0);
    cr_assert_gt(acts, 0, "no revenge acts by strength bin: the test would compare zeros");
    for (int th = 2; th <= 3; th++) {
        series *s = market_run(sc, th);
        for (int g = 0; g < BS_QG_COUNT; g++) {
            const size_t n = (size_t)s->steps * BS_QM_COUNT * s->qbins[g] * (size_t)s->B;
            cr_expect(!memcmp(one->q[g], s->q[g], n * sizeof(double)),
                      "%d threads: the %s series differ from 1 thread's", th,
                      bs_quantile_grouping_name(g));
        }
        cr_expect(!memcmp(one->market, s->market, (size_t)s->steps * BS_MK_COUNT * sizeof(double)),
                  "%d threads: the market series (acts_gini, acts_top_decile_share) differ", th);
        series_free(s);
    }
    series_free(one);
    free(sc);
}

Test(quantiles, bins_partition_the_relationships_they_cover)
{
    bs_scenario *sc = breach_market(20000, 24);
    series *s = market_run(sc, 2);
    for (int t = 0; t < s->steps; t++)
        for (int b = 0; b < s->B; b++) {
            /* the trait bins: every relationship, purchase, act and exit, every step */
            cr_assert_eq(q_sum(s, t, BS_QG_TRAIT, BS_QM_RELATIONSHIPS, b),
                         series_at(s, t, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS, b) +
                             series_at(s, t, BS_SEG_ALL, BS_M_FORMER_CUSTOMERS, b), "step %d brand %d", t, b);
            cr_assert_eq(q_sum(s, t, BS_QG_TRAIT, BS_QM_PURCHASES, b),
                         series_at(s, t, BS_SEG_ALL, BS_M_PURCHASES, b));
            cr_assert_eq(q_sum(s, t, BS_QG_TRAIT, BS_QM_REVENGE_ACTS, b), acts_of(s, t, BS_SEG_ALL, b));
            cr_assert_eq(q_sum(s, t, BS_QG_TRAIT, BS_QM_EXITS, b), series_at(s, t, BS_SEG_ALL, BS_M_EXITS, b));
            /* the strength bins: nothing before the reference step, then exactly the
             * relationships begun before it (strong and weak: none ended before it) */
            if (t < REF) {
                for (int m = 0; m < BS_QM_COUNT; m++)
                    cr_assert_eq(q_sum(s, t, BS_QG_STRENGTH, m, b), 0, "step %d: %s before the reference step", t,
                                 bs_quantile_metric_get(m)->name);
                continue;
            }
            double ever = 0, buys = 0, acts = 0, exits = 0, revenge = 0;
            for (int seg = BS_SEG_STRONG; seg <= BS_SEG_WEAK; seg++) {
                const double n = series_at(s, t, seg, BS_M_ACTIVE_CUSTOMERS, b) +
                                 series_at(s, t, seg, BS_M_FORMER_CUSTOMERS, b);
                ever += n;
                revenge += n * series_at(s, t, seg, BS_M_MEAN_REVENGE, b);
                buys += series_at(s, t, seg, BS_M_PURCHASES, b);
                acts += acts_of(s, t, seg, b);
                exits += series_at(s, t, seg, BS_M_EXITS, b);
            }
            cr_assert_eq(q_sum(s, t, BS_QG_STRENGTH, BS_QM_RELATIONSHIPS, b), ever, "step %d brand %d", t, b);
            cr_assert_eq(q_sum(s, t, BS_QG_STRENGTH, BS_QM_PURCHASES, b), buys, "step %d brand %d", t, b);
            cr_assert_eq(q_sum(s, t, BS_QG_STRENGTH, BS_QM_REVENGE_ACTS, b), acts, "step %d brand %d", t, b);
            cr_assert_eq(q_sum(s, t, BS_QG_STRENGTH, BS_QM_EXITS, b), exits, "step %d brand %d", t, b);
            double rq = 0;
            for (int bin = 0; bin < s->qbins[BS_QG_STRENGTH]; bin++)
                rq += series_q(s, t, BS_QG_STRENGTH, BS_QM_MEAN_REVENGE, bin, b) *
                      series_q(s, t, BS_QG_STRENGTH, BS_QM_RELATIONSHIPS, bin, b);
            cr_assert_float_eq(rq, revenge, 1e-9 * (1 + revenge), "step %d brand %d", t, b);
            for (int bin = 0; bin < s->qbins[BS_QG_STRENGTH]; bin++)
                cr_assert_float_eq(series_q(s, t, BS_QG_STRENGTH, BS_QM_REVENUE, bin, b),
                                   series_q(s, t, BS_QG_STRENGTH, BS_QM_PURCHASES, bin, b) * sc->brands[b].price,
                                   1e-12);
        }
    /* terciles: each about a third of the relationships of the market at the reference
     * step, and of the consumers (trait) */
    for (int g = 0; g < BS_QG_COUNT; g++) {
        double all = 0, bin[3] = {0};
        for (int q = 0; q < 3; q++)
            for (int b = 0; b < s->B; b++) bin[q] += series_q(s, REF, g, BS_QM_RELATIONSHIPS, q, b);
        for (int q = 0; q < 3; q++) all += bin[q];
        for (int q = 0; q < 3; q++)
            cr_expect(bin[q] > 0.25 * all && bin[q] < 0.42 * all, "%s bin %d holds %g of %g relationships",
                      bs_quantile_grouping_name(g), q, bin[q], all);
    }
    series_free(s);
    free(sc);
}

/* White box: after the reference step every binned slot's R0 is the R its bin was drawn
 * from, and each bin's R0 lie wholly below the next bin's (bins are quantiles, in order,
 * q1 the weakest). Slots without a bin are those not active at the reference step or
 * begun since. */
Test(quantiles, strength_bins_follow_prior_strength)
{
    bs_scenario *sc = breach_market(20000, REF + 1);
    sc->strength_quantiles = 5;
    bs_error err = {0};
    cr_assert_eq(bs_scenario_validate(sc, "fixture", &err), BS_OK, "%s", err.msg);
    bs_run *run = bs_run_alloc(sc, 2, &err);
    cr_assert_not_null(run, "%s", err.msg);
    for (int t = 0; t <= REF; t++) cr_assert_eq(bs_run_step(run, &err), BS_OK, "%s", err.msg);
    const bs_state *st = &run->st;
    int lo[5], hi[5];
    int64_t n[5] = {0}, none_active = 0;
    for (int q = 0; q < 5; q++) lo[q] = 65536, hi[q] = -1;
    for (size_t s = 0; s < (size_t)sc->consumers * (size_t)sc->slots; s++) {
        const int q = st->qbin[s];
        if (q == BS_QBIN_NONE) {
            none_active += st->status[s] == SLOT_ACTIVE && !(st->flags[s] & FLAG_NEW);
            continue;
        }
        cr_assert_lt(q, 5, "slot %zu: bin %d of 5", s, q);
        cr_assert_neq(st->status[s], SLOT_EMPTY, "slot %zu: an empty slot with a bin", s);
        cr_assert_eq(st->flags[s] & FLAG_NEW, 0, "slot %zu: a new relationship with a bin", s);
        n[q]++;
        lo[q] = st->R0[s] < lo[q] ? st->R0[s] : lo[q];
        hi[q] = st->R0[s] > hi[q] ? st->R0[s] : hi[q];
    }
    cr_expect_eq(none_active, 0, "%lld relationships begun before the reference step have no bin",
                 (long long)none_active);
    for (int q = 0; q < 5; q++) {
        cr_assert_gt(n[q], 0, "bin %d is empty", q);
        if (q > 0)
            cr_expect_lt(hi[q - 1], lo[q], "bin %d's prior R reaches %d, bin %d's starts at %d", q - 1,
                         hi[q - 1], q, lo[q]);
    }
    bs_run_free(run);
    free(sc);
}

/* What the model makes of prior strength, seen through the output: love becomes hate, so
 * the strongest third of brand a's relationships ends up with more revenge, and more acts
 * per relationship, than the weakest (reversed if the bins were). */
Test(quantiles, strongest_tercile_resents_the_breach_most)
{
    bs_scenario *sc = breach_market(20000, 24);
    series *s = market_run(sc, 2);
    double acts[3] = {0}, rel[3];
    for (int q = 0; q < 3; q++) {
        rel[q] = series_q(s, REF, BS_QG_STRENGTH, BS_QM_RELATIONSHIPS, q, 0);
        for (int t = REF; t < s->steps; t++) acts[q] += series_q(s, t, BS_QG_STRENGTH, BS_QM_REVENGE_ACTS, q, 0);
    }
    const double r1 = series_q(s, REF + 3, BS_QG_STRENGTH, BS_QM_MEAN_REVENGE, 0, 0);
    const double r3 = series_q(s, REF + 3, BS_QG_STRENGTH, BS_QM_MEAN_REVENGE, 2, 0);
    cr_expect_gt(r3, r1, "mean revenge after the breach: strength_q3 %g, strength_q1 %g", r3, r1);
    cr_expect_gt(acts[2] / rel[2], acts[0] / rel[0], "acts per relationship: q3 %g, q1 %g",
                 acts[2] / rel[2], acts[0] / rel[0]);
    series_free(s);
    free(sc);
}

/* The trait bins follow the trait: the anxious feel a betrayal more and the fearful turn it
 * into revenge (bs_attachment_factors), so the most anxious third makes the most revenge
 * acts per relationship; with those two effects off the thirds act alike. */
static double anxious_ratio(double anxiety_betrayal, double fearful_revenge)
{
    bs_scenario *sc = breach_market(30000, 24);
    sc->model.anxiety_betrayal = anxiety_betrayal;
    sc->model.fearful_revenge = fearful_revenge;
    series *s = market_run(sc, 2);
    double acts[3] = {0}, rel[3] = {0};
    for (int q = 0; q < 3; q++)
        for (int b = 0; b < s->B; b++) {
            rel[q] += series_q(s, REF, BS_QG_TRAIT, BS_QM_RELATIONSHIPS, q, b);
            for (int t = REF; t < s->steps; t++) acts[q] += series_q(s, t, BS_QG_TRAIT, BS_QM_REVENGE_ACTS, q, b);
        }
    cr_assert(acts[0] > 0 && acts[2] > 0, "no acts: %g, %g", acts[0], acts[2]);
    if (fearful_revenge > 0)
        cr_expect_gt(acts[1] / rel[1], acts[0] / rel[0], "anxiety_q2 acts no more than anxiety_q1");
    series_free(s);
    free(sc);
    return (acts[2] / rel[2]) / (acts[0] / rel[0]);
}

Test(quantiles, trait_bins_follow_the_trait)
{
    const double on = anxious_ratio(0.8, 4.0), off = anxious_ratio(0, 0);
    cr_expect_gt(on, 1.5, "acts per relationship, anxiety_q3 / anxiety_q1: %g", on);
    cr_expect_lt(fabs(off - 1), 0.2, "without anxiety effects the thirds differ: ratio %g", off);
}

/* White box: the trait's bins are quantiles of its stored values. */
Test(quantiles, trait_table_is_monotone_quantiles)
{
    bs_scenario *sc = breach_market(9000, REF + 1);
    sc->trait_quantiles = 4;
    bs_error err = {0};
    cr_assert_eq(bs_scenario_validate(sc, "fixture", &err), BS_OK, "%s", err.msg);
    bs_run *run = bs_run_alloc(sc, 3, &err);
    cr_assert_not_null(run, "%s", err.msg);
    int64_t n[4] = {0};
    for (int64_t i = 0; i < sc->consumers; i++) n[run->q.trait_bin[run->st.anxiety[i]]]++;
    for (int u = 1; u < BS_HIST; u++) cr_assert_geq(run->q.trait_bin[u], run->q.trait_bin[u - 1], "value %d", u);
    for (int q = 0; q < 4; q++) cr_expect(n[q] > 2000 && n[q] < 2500, "anxiety quartile %d: %lld consumers", q, (long long)n[q]);
    bs_run_free(run);
    free(sc);
}

static int by_value(const void *a, const void *b)
{
    const int x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

/* White box: every step's acts_gini and acts_top_decile_share against the definitions,
 * computed from every consumer's count (sorted); and the counts add up to every act the
 * brand series have recorded so far. */
Test(quantiles, concentration_of_acts_is_exact)
{
    bs_scenario *sc = breach_market(3001, 20); /* N not a multiple of 10: a shared boundary */
    bs_error err = {0};
    cr_assert_eq(bs_scenario_validate(sc, "fixture", &err), BS_OK, "%s", err.msg);
    bs_run *run = bs_run_alloc(sc, 2, &err);
    cr_assert_not_null(run, "%s", err.msg);
    const int N = (int)sc->consumers;
    uint16_t *x = malloc((size_t)N * sizeof *x);
    cr_assert_not_null(x);
    double recorded = 0, seen_gini = 0;
    for (int t = 0; t < sc->steps; t++) {
        cr_assert_eq(bs_run_step(run, &err), BS_OK, "%s", err.msg);
        const bs_stats *st = bs_run_stats(run);
        for (int b = 0; b < sc->n_brands; b++)
            for (int a = BS_M_REVENGE_WOM; a <= BS_M_REVENGE_ANTIBRAND; a++)
                recorded += st->v[((size_t)BS_SEG_ALL * BS_M_COUNT + a) * sc->n_brands + b];
        memcpy(x, run->st.acts, (size_t)N * sizeof *x);
        qsort(x, (size_t)N, sizeof *x, by_value);
        double total = 0, ranked = 0;
        for (int i = 0; i < N; i++) {
            total += x[i];
            ranked += (2.0 * (i + 1) - N - 1) * x[i]; /* Gini = sum (2i - N - 1) x_(i) / (N sum x) */
        }
        cr_assert_eq(total, recorded, "step %d: the counts hold %g acts, the series %g", t, total, recorded);
        double gini = total > 0 ? ranked / (N * total) : 0;
        double top = 0, room = N / 10.0; /* the top tenth: 300.1 consumers */
        for (int i = N - 1; i >= 0 && room > 0; i--, room -= 1) top += (room >= 1 ? 1 : room) * x[i];
        top = total > 0 ? top / total : 0;
        cr_assert_float_eq(st->market[BS_MK_ACTS_GINI], gini, 1e-12, "step %d: Gini %.15g, brute force %.15g",
                           t, st->market[BS_MK_ACTS_GINI], gini);
        cr_assert_float_eq(st->market[BS_MK_ACTS_TOP_DECILE_SHARE], top, 1e-12,
                           "step %d: top decile %.15g, brute force %.15g", t,
                           st->market[BS_MK_ACTS_TOP_DECILE_SHARE], top);
        seen_gini = gini > seen_gini ? gini : seen_gini;
    }
    cr_assert_gt(recorded, 100, "only %g acts: the test checks too little", recorded);
    cr_assert(seen_gini > 0.5 && seen_gini < 1, "Gini %g", seen_gini);
    free(x);
    bs_run_free(run);
    free(sc);
}

/* Off is off: no bins, no arrays beyond one byte, no series; the model's numbers unchanged. */
Test(quantiles, off_costs_the_state_nothing_and_changes_no_number)
{
    bs_scenario *sc = breach_market(4000, 12);
    series *on = market_run(sc, 2);
    sc->strength_quantiles = 0;
    sc->trait_quantiles = 0;
    series *off = market_run(sc, 2);
    cr_expect_eq(off->qbins[0] + off->qbins[1], 0);
    cr_expect(!memcmp(on->v, off->v, (size_t)on->steps * on->per_step * sizeof(double)),
                 "the brand series change with the quantile bins");
    cr_expect(!memcmp(on->market, off->market, (size_t)on->steps * BS_MK_COUNT * sizeof(double)));
    cr_expect_float_eq(on->bytes_per_consumer - off->bytes_per_consumer, (double)sc->slots, 1e-3,
                       "strength bins: one byte per slot (%g against %g)", on->bytes_per_consumer,
                       off->bytes_per_consumer);
    series_free(on);
    series_free(off);
    free(sc);
}

Test(quantiles, names_of_bins)
{
    int g, t, bin;
    cr_assert_eq(bs_quantile_bin_parse("strength_q1", &g, &t, &bin), 0);
    cr_expect(g == BS_QG_STRENGTH && t == -1 && bin == 0);
    cr_assert_eq(bs_quantile_bin_parse("anxiety_q10", &g, &t, &bin), 0);
    cr_expect(g == BS_QG_TRAIT && t == BS_TRAIT_ANXIETY && bin == 9);
    cr_assert_eq(bs_quantile_bin_parse("wom_susceptibility_q20", &g, &t, &bin), 0);
    cr_expect(g == BS_QG_TRAIT && t == BS_TRAIT_WOM_SUSCEPTIBILITY && bin == 19);
    const char *bad[] = {"strength_q0", "strength_q21", "strength_q", "strength_q1x", "strong",
                         "strength", "loyalty_q1", "_q1", "anxiety_q01", "strength_Q1"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
        cr_expect_eq(bs_quantile_bin_parse(bad[k], &g, &t, &bin), -1, "'%s' parsed", bad[k]);
    char buf[64];
    cr_expect_str_eq(bs_quantile_bin_name(BS_QG_TRAIT, BS_TRAIT_PRICE_SENSITIVITY, 2, buf, sizeof buf),
                     "price_sensitivity_q3");
    cr_expect_str_eq(bs_quantile_bin_name(BS_QG_STRENGTH, -1, 0, buf, sizeof buf), "strength_q1");
    cr_expect_eq(bs_quantile_metric_by_name("revenge_acts"), BS_QM_REVENGE_ACTS);
    cr_expect_eq(bs_quantile_metric_by_name("mean_quality"), -1);
    cr_expect_str_eq(bs_trait_name(BS_TRAIT_AVOIDANCE), "avoidance");
    cr_expect_null(bs_trait_name(BS_TRAIT_COUNT));
}

Test(quantiles, one_bin_is_refused)
{
    bs_scenario *sc = market_new(100, 2, 1);
    bs_error err = {0};
    sc->strength_quantiles = 1;
    cr_expect_eq(bs_scenario_validate(sc, "x.yaml", &err), BS_ERR_INPUT);
    cr_expect(strstr(err.msg, "'strength_quantiles': 1 bin, expected 0 (off) or 2 to 20"), "%s", err.msg);
    sc->strength_quantiles = 2;
    sc->trait_quantiles = 21;
    cr_expect_eq(bs_scenario_validate(sc, "x.yaml", &err), BS_ERR_INPUT);
    cr_expect(strstr(err.msg, "'trait_quantiles': 21 is out of range [0, 20]"), "%s", err.msg);
    free(sc);
}
