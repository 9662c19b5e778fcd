/* SPDX-License-Identifier: MIT */
/*
 * test_mutants.c: tests that close the gaps a mutation-testing pass found (2026-12-03).
 * Ninety single, plausible bugs were planted in sim/core/step.c, run.c and mechanisms.h
 * one at a time; 46 of them passed every other fast test (and some only the minutes-long
 * replication suite caught). Each test here fails for the mutations its comment names,
 * and passes on the model as written. The labels:
 *   S0a strength segments never classified when the first shock is at step 0;
 *   S0b R0 not following R before the reference step; H2 word of mouth without its
 *   benevolence hit; H3 its hit ignoring wom_susceptibility; H4 the small world's
 *   fast path hearing the wrong ring; A1 category distrust linear, not concave, in
 *   breach size; A2/X4 notify ignored; A7 betrayal without its benevolence hit;
 *   A9/A10/X7 a good recovery not cutting betrayal and revenge, or its delay ignored;
 *   A11 double deviation without closeness; A13/X1 the transparency-and-control
 *   response not raising benevolence and the brand's policy; A15 win-back success
 *   ignoring revenge; A16 a won-back customer keeping avoidance; A17/X5 the win-back
 *   sting not rekindling revenge, mean revenge over active customers only; F1
 *   betrayal_memory ignored; F2 revenge fading with R instead of R0; F3 the grudge
 *   trait not wired; F5/F7 the clean-break boost and new relationships not speeding
 *   moving on; C1 the complaint naming another brand than the most hated; C2 no
 *   withholding spill; C7 a clean break not redirecting after an avoidance exit; P1
 *   avoided brands still chosen; P3 creepiness with the wrong sign; P4/P9/U8
 *   distrust ignored by new relationships and willingness; U1/U7 betrayal not
 *   spoiling satisfaction and willingness; U2/U11 forgetting missing or stuck; U3 no
 *   confidence update; U4 the norm mismatch wrong; U5 self-connection ignoring
 *   self-relevance; U10 irrelevant messages not spoiling satisfaction; R2/R3/R4/R5
 *   the defection, betrayed, location and repeat records; X2 a policy shock taken
 *   as the reference step; X6 contagion from the last breach, not the most similar;
 *   P7 a new relationship evicting the wrong former one; M2-M12 the magnitudes of
 *   the mechanisms (disclosure weight, similarity, clarify cut, act ramp, clamps,
 *   personalization value).
 */
#include <math.h>

#include "core/mechanisms.h"
#include "core/state.h"
#include "market_fixture.h"

enum { N = 20000 };

/* white-box: a validated run to poke at */
static bs_run *wb_alloc(bs_scenario *sc)
{
    bs_error err = {0};
    cr_assert_eq(bs_scenario_validate(sc, "fixture", &err), BS_OK, "%s", err.msg);
    bs_run *run = bs_run_alloc(sc, 1, &err);
    cr_assert_not_null(run, "%s", err.msg);
    return run;
}

/* S0a */
Test(mutants, strength_classified_when_first_shock_at_step_0)
{
    bs_scenario *sc = market_new(5000, 2, 2);
    market_shock(sc, BS_SHOCK_BREACH, 0, "a");
    series *s = market_run(sc, 2);
    cr_expect_gt(AT(s, 0, BS_SEG_STRONG, BS_M_ACTIVE_CUSTOMERS), 0.2 * AT(s, 0, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS));
    series_free(s);
    free(sc);
}

/* S0b (white-box) */
Test(mutants, r0_tracks_r_until_reference_step)
{
    bs_scenario *sc = market_new(2000, 12, 2);
    /* the reference step: a failure that hits nobody (size 0 would be no shock at all) */
    market_shock(sc, BS_SHOCK_SERVICE_FAILURE, 10, "a")->size = 1e-9;
    bs_run *run = wb_alloc(sc);
    bs_error err = {0};
    for (int t = 0; t < 10; t++) cr_assert_eq(bs_run_step(run, &err), BS_OK);
    size_t NK = (size_t)run->N * run->K;
    uint16_t *R = malloc(NK * sizeof *R);
    uint8_t *st = malloc(NK);
    memcpy(R, run->st.R, NK * sizeof *R);
    memcpy(st, run->st.status, NK);
    cr_assert_eq(bs_run_step(run, &err), BS_OK);
    int bad = 0, n = 0;
    for (size_t s = 0; s < NK; s++)
        if (st[s] == SLOT_ACTIVE) { n++; bad += run->st.R0[s] != R[s]; }
    cr_expect_gt(n, 0);
    cr_expect_eq(bad, 0, "%d of %d slots: R0 is not R at the reference step", bad, n);
    free(R); free(st);
    bs_run_free(run);
    free(sc);
}

static bs_scenario *wom_market(void)
{
    bs_scenario *sc = market_new(N, 8, 3);
    sc->brands[0].notify = 0;
    bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 2, "a");
    sh->reach = 0.3;
    sh->size = 0.8;
    sc->model.wom_impact = 0.01; /* twice the calibrated hit, so the tests see it in 7 steps */
    return sc;
}

/* H2 */
Test(mutants, word_of_mouth_costs_benevolence)
{
    bs_scenario *sc = wom_market();
    sc->network.kind = BS_NET_NONE;
    series *alone = market_run(sc, 2);
    sc->network.kind = BS_NET_SMALL_WORLD;
    series *linked = market_run(sc, 2);
    cr_expect_lt(AT(linked, 7, BS_SEG_ALL, BS_M_MEAN_BENEVOLENCE), AT(alone, 7, BS_SEG_ALL, BS_M_MEAN_BENEVOLENCE) - 0.002,
                 "linked %g alone %g", AT(linked, 7, BS_SEG_ALL, BS_M_MEAN_BENEVOLENCE), AT(alone, 7, BS_SEG_ALL, BS_M_MEAN_BENEVOLENCE));
    series_free(alone); series_free(linked); free(sc);
}

/* H3 */
static double wom_loss(double susc)
{
    bs_scenario *sc = wom_market();
    sc->population.wom_susceptibility_mean = susc;
    sc->network.kind = BS_NET_NONE;
    series *alone = market_run(sc, 2);
    sc->network.kind = BS_NET_SMALL_WORLD;
    series *linked = market_run(sc, 2);
    double x = AT(alone, 7, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE) - AT(linked, 7, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE);
    series_free(alone); series_free(linked); free(sc);
    return x;
}
Test(mutants, wom_susceptibility_scales_the_hit)
{
    double lo = wom_loss(0.1), hi = wom_loss(0.9);
    cr_expect_gt(hi, 3 * lo, "loss: susceptible %g, not %g", hi, lo);
}

/* H4 (white-box): with no rewiring a complaint reaches exactly the 10 ring listeners */
Test(mutants, small_world_complaint_reaches_exactly_the_ring)
{
    bs_scenario *sc = market_new(1000, 3, 1);
    sc->network.kind = BS_NET_SMALL_WORLD;
    sc->network.degree = 10;
    sc->network.rewire = 0;
    sc->model.purchase_rate = 0;
    sc->model.discovery_rate = 0;
    sc->population.initial_relationships = 16;
    sc->brands[0].personalization = 0;
    bs_run *run = wb_alloc(sc);
    const int64_t j = 500;
    for (int64_t i = 0; i < run->N; i++) run->st.wom[0][i] = -1;
    run->st.wom[0][j] = 0;
    memset(run->st.wom_bits, 0, (size_t)(run->N + 63) / 64 * 8);
    run->st.wom_bits[j >> 6] |= 1ULL << (j & 63);
    run->wom_senders = 1;
    uint16_t *conf = malloc((size_t)run->N * sizeof *conf);
    for (int64_t i = 0; i < run->N; i++) conf[i] = run->st.conf[i * run->K];
    bs_error err = {0};
    cr_assert_eq(bs_run_step(run, &err), BS_OK);
    for (int64_t i = 0; i < run->N; i++) {
        int listener = i != j && llabs(i - j) <= 5;
        cr_expect_eq(run->st.conf[i * run->K] < conf[i], listener, "consumer %ld", (long)i);
    }
    free(conf);
    bs_run_free(run);
    free(sc);
}

/* A1 */
static double distrust_after(double size)
{
    bs_scenario *sc = market_new(5000, 2, 3);
    bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 1, "a");
    sh->reach = 1.0;
    sh->size = size;
    sc->model.spillover = 0.5;
    sc->model.distrust_decay = 0.05;
    series *s = market_run(sc, 2);
    double d = series_market(s, 1, BS_MK_MEAN_DISTRUST);
    series_free(s); free(sc);
    return d;
}
Test(mutants, category_distrust_is_concave_in_size)
{
    double a = distrust_after(0.25), b = distrust_after(1.0);
    cr_expect_float_eq(b / a, 2.0, 0.01, "ratio %g", b / a);
    cr_expect_float_eq(b, 0.5 * 0.95, 1e-3, "%g", b);
}

/* A2, X4 */
static double conf_drop(int notify)
{
    bs_scenario *sc = market_new(N, 4, 3);
    sc->brands[0].notify = notify;
    sc->network.kind = BS_NET_NONE;
    bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 2, "a");
    sh->reach = 0.05;
    series *s = market_run(sc, 2);
    double d = AT(s, 1, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE) - AT(s, 2, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE);
    series_free(s); free(sc);
    return d;
}
Test(mutants, notify_tells_every_customer)
{
    double yes = conf_drop(1), no = conf_drop(0);
    cr_expect_gt(yes, 5 * no, "notify %g, not %g", yes, no);
}

/* A7 */
Test(mutants, betrayal_costs_benevolence)
{
    bs_scenario *sc = market_new(N, 4, 3);
    bs_shock *sh = market_shock(sc, BS_SHOCK_BETRAYAL, 3, "a");
    sh->act = BS_ACT_BROKEN_PROMISE;
    series *s = market_run(sc, 2);
    cr_expect_lt(AT(s, 3, BS_SEG_ALL, BS_M_MEAN_BENEVOLENCE), AT(s, 2, BS_SEG_ALL, BS_M_MEAN_BENEVOLENCE) - 0.05);
    series_free(s); free(sc);
}

/* A9, A10, X7 */
static series *failure_run(int recovery, int delay)
{
    bs_scenario *sc = market_new(N, 12, 3);
    bs_shock *sh = market_shock(sc, BS_SHOCK_SERVICE_FAILURE, 2, "a");
    sh->size = 1.0;
    sh->recovery = recovery;
    sh->recovery_delay = delay;
    series *s = market_run(sc, 2);
    free(sc);
    return s;
}
Test(mutants, good_recovery_in_the_failures_step_cuts_its_betrayal)
{
    series *none = failure_run(BS_RECOVERY_NONE, 0), *good = failure_run(BS_RECOVERY_GOOD, 0);
    cr_expect_lt(AT(good, 2, BS_SEG_ALL, BS_M_MEAN_BETRAYAL), 0.8 * AT(none, 2, BS_SEG_ALL, BS_M_MEAN_BETRAYAL));
    series_free(none); series_free(good);
}
Test(mutants, good_recovery_lowers_revenge_late_less)
{
    series *none = failure_run(BS_RECOVERY_NONE, 1), *g1 = failure_run(BS_RECOVERY_GOOD, 1),
           *g6 = failure_run(BS_RECOVERY_GOOD, 6);
    double rn = AT(none, 9, BS_SEG_ALL, BS_M_MEAN_REVENGE), r1 = AT(g1, 9, BS_SEG_ALL, BS_M_MEAN_REVENGE),
           r6 = AT(g6, 9, BS_SEG_ALL, BS_M_MEAN_REVENGE);
    cr_expect_lt(r1, 0.8 * rn, "good %g none %g", r1, rn);
    cr_expect_lt(r1, 0.85 * r6, "early %g late %g", r1, r6);
    series_free(none); series_free(g1); series_free(g6);
}

/* A11 */
Test(mutants, double_deviation_hurts_the_close_most)
{
    series *s = failure_run(BS_RECOVERY_POOR, 1);
    cr_expect_gt(AT(s, 3, BS_SEG_STRONG, BS_M_MEAN_REVENGE), 1.2 * AT(s, 3, BS_SEG_WEAK, BS_M_MEAN_REVENGE),
                 "strong %g weak %g", AT(s, 3, BS_SEG_STRONG, BS_M_MEAN_REVENGE), AT(s, 3, BS_SEG_WEAK, BS_M_MEAN_REVENGE));
    series_free(s);
}

/* A13, X1 */
Test(mutants, transparency_control_response_raises_benevolence_and_policy)
{
    bs_scenario *sc = market_new(N, 6, 3);
    market_shock(sc, BS_SHOCK_BREACH, 2, "a")->size = 0.6;
    sc->brands[0].response_delay = 1;
    sc->brands[0].breach_response = BS_RESPONSE_APOLOGY;
    series *ap = market_run(sc, 2);
    sc->brands[0].breach_response = BS_RESPONSE_TRANSPARENCY_CONTROL;
    series *tc = market_run(sc, 2);
    cr_expect_gt(AT(tc, 3, BS_SEG_ALL, BS_M_MEAN_BENEVOLENCE), AT(ap, 3, BS_SEG_ALL, BS_M_MEAN_BENEVOLENCE) + 0.05);
    bs_run *run = wb_alloc(sc);
    bs_error err = {0};
    for (int t = 0; t < 4; t++) cr_assert_eq(bs_run_step(run, &err), BS_OK);
    const bs_brand *a = &bs_run_scenario(run)->brands[0];
    cr_expect_geq(a->transparency, sc->model.response_policy_level);
    cr_expect_geq(a->control, sc->model.response_policy_level);
    bs_run_free(run);
    series_free(ap); series_free(tc); free(sc);
}

/* A15 */
Test(mutants, win_back_needs_revenge_faded)
{
    bs_scenario *sc = market_new(N, 6, 3);
    sc->population.self_relevance_mean = 0.01;
    sc->brands[0].exit_policy = BS_EXIT_WIN_BACK;
    sc->brands[0].win_back_interval = 4;
    sc->model.win_back_success = 1.0;
    bs_shock *sh = market_shock(sc, BS_SHOCK_BETRAYAL, 2, "a");
    sh->act = BS_ACT_BROKEN_PROMISE;
    sh->size = 1.0;
    market_shock(sc, BS_SHOCK_FORCED_EXIT, 3, "a")->size = 1.0;
    series *s = market_run(sc, 2);
    cr_expect_lt(AT(s, 4, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS), 0.6 * AT(s, 3, BS_SEG_ALL, BS_M_FORMER_CUSTOMERS),
                 "back %g of %g", AT(s, 4, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS), AT(s, 3, BS_SEG_ALL, BS_M_FORMER_CUSTOMERS));
    series_free(s); free(sc);
}

/* A16 */
Test(mutants, win_back_resets_avoidance)
{
    bs_scenario *sc = market_new(N, 12, 3);
    sc->population.self_relevance_mean = 0.01;
    sc->brands[0].exit_policy = BS_EXIT_WIN_BACK;
    sc->brands[0].win_back_interval = 10;
    sc->model.win_back_success = 1.0;
    sc->model.revenge_gain = 0;
    sc->model.avoidance_growth = 0.5;
    sc->model.avoidance_moderation = 0;
    bs_shock *sh = market_shock(sc, BS_SHOCK_BETRAYAL, 2, "a");
    sh->act = BS_ACT_BROKEN_PROMISE;
    sh->size = 1.0;
    series *s = market_run(sc, 2);
    double former = AT(s, 9, BS_SEG_ALL, BS_M_FORMER_CUSTOMERS);
    cr_expect_gt(former, 1000);
    cr_expect_lt(AT(s, 10, BS_SEG_ALL, BS_M_EXITS), 0.1 * former, "exits at the win-back step %g of %g",
                 AT(s, 10, BS_SEG_ALL, BS_M_EXITS), former);
    series_free(s); free(sc);
}

/* A17, X5 */
Test(mutants, win_back_sting_rekindles_revenge)
{
    bs_scenario *sc = market_new(N, 6, 3);
    sc->brands[0].exit_policy = BS_EXIT_WIN_BACK;
    sc->brands[0].win_back_interval = 4;
    sc->model.win_back_success = 0;
    market_shock(sc, BS_SHOCK_FORCED_EXIT, 2, "a")->size = 1.0;
    series *s = market_run(sc, 2);
    cr_expect_eq(AT(s, 3, BS_SEG_ALL, BS_M_MEAN_REVENGE), 0);
    cr_expect_gt(AT(s, 4, BS_SEG_ALL, BS_M_MEAN_REVENGE), 0.01);
    cr_expect_leq(AT(s, 4, BS_SEG_ALL, BS_M_MEAN_REVENGE), 1);
    series_free(s); free(sc);
}

/* F1 */
Test(mutants, betrayal_fades_at_betrayal_memory)
{
    bs_scenario *sc = market_new(N, 13, 2);
    bs_shock *sh = market_shock(sc, BS_SHOCK_BETRAYAL, 2, "a");
    sh->act = BS_ACT_BROKEN_PROMISE;
    sh->size = 0.3;
    series *s = market_run(sc, 2);
    double r = AT(s, 12, BS_SEG_STRONG, BS_M_MEAN_BETRAYAL) / AT(s, 2, BS_SEG_STRONG, BS_M_MEAN_BETRAYAL);
    cr_expect_float_eq(r, pow(1 - sc->model.betrayal_memory, 10), 0.01, "ratio %g", r);
    series_free(s); free(sc);
}

/* F2 */
Test(mutants, revenge_fading_depends_on_R0_not_later_R)
{
    bs_scenario *sc = market_new(N, 16, 2);
    bs_shock *sh = market_shock(sc, BS_SHOCK_BETRAYAL, 2, "a");
    sh->act = BS_ACT_BROKEN_PROMISE;
    series *plain = market_run(sc, 2);
    sh = market_shock(sc, BS_SHOCK_POLICY, 3, "a");
    sh->policy.quality = 1.0;
    sh->policy_set = (uint64_t)1 << bs_param_index(BS_SECTION_BRAND, "quality");
    series *ruined = market_run(sc, 2);
    cr_expect_gt(fabs(AT(ruined, 15, BS_SEG_STRONG, BS_M_MEAN_QUALITY) - AT(plain, 15, BS_SEG_STRONG, BS_M_MEAN_QUALITY)), 0.005, "R %g vs %g",
                 AT(ruined, 15, BS_SEG_STRONG, BS_M_MEAN_QUALITY), AT(plain, 15, BS_SEG_STRONG, BS_M_MEAN_QUALITY));
    for (int t = 3; t < 16; t++)
        cr_expect_eq(AT(ruined, t, BS_SEG_STRONG, BS_M_MEAN_REVENGE), AT(plain, t, BS_SEG_STRONG, BS_M_MEAN_REVENGE), "step %d", t);
    series_free(plain); series_free(ruined); free(sc);
}

/* F3 */
static double revenge_kept(double grudge)
{
    bs_scenario *sc = market_new(N, 13, 3);
    sc->population.grudge_mean = grudge;
    bs_shock *sh = market_shock(sc, BS_SHOCK_BETRAYAL, 2, "a");
    sh->act = BS_ACT_BROKEN_PROMISE;
    series *s = market_run(sc, 2);
    double k = AT(s, 12, BS_SEG_ALL, BS_M_MEAN_REVENGE) / AT(s, 2, BS_SEG_ALL, BS_M_MEAN_REVENGE);
    series_free(s); free(sc);
    return k;
}
Test(mutants, grudge_trait_wired)
{
    double hi = revenge_kept(0.85), lo = revenge_kept(0.15);
    cr_expect_gt(hi, lo + 0.05, "kept: grudging %g, forgiving %g", hi, lo);
}

/* F5, F7 */
static double shame_end(int policy, double boost, double move_on)
{
    bs_scenario *sc = market_new(N, 21, 3);
    sc->brands[0].exit_policy = policy;
    sc->model.clean_break_boost = boost;
    sc->model.move_on_rate = move_on;
    market_shock(sc, BS_SHOCK_FORCED_EXIT, 2, "a")->size = 1.0;
    series *s = market_run(sc, 2);
    double x = AT(s, 20, BS_SEG_ALL, BS_M_MEAN_SHAME);
    series_free(s); free(sc);
    return x;
}
Test(mutants, clean_break_boost_wired)
{
    double with = shame_end(BS_EXIT_CLEAN_BREAK, 0.5, 0.15), without = shame_end(BS_EXIT_CLEAN_BREAK, 0, 0.15);
    cr_expect_lt(with, 0.8 * without, "%g %g", with, without);
}
Test(mutants, other_relationships_speed_moving_on)
{
    double with = shame_end(BS_EXIT_NONE, 0.5, 0.15), without = shame_end(BS_EXIT_NONE, 0.5, 0);
    cr_expect_lt(with, 0.9 * without, "%g %g", with, without);
}

/* C1 (white-box) */
Test(mutants, complaint_names_the_most_hated_brand)
{
    bs_scenario *sc = market_new(200, 2, 2);
    sc->population.initial_relationships = 16;
    sc->model.p_wom = 1;
    sc->model.p_withhold = 0;
    sc->model.p_antibrand = 0;
    sc->model.revenge_decay = 0;
    bs_run *run = wb_alloc(sc);
    int n = 0;
    for (int64_t i = 0; i < run->N; i++) {
        size_t s0 = (size_t)i * run->K, s1 = s0 + 1;
        if (run->st.status[s0] != SLOT_ACTIVE || run->st.status[s1] != SLOT_ACTIVE) continue;
        n++;
        run->st.revenge[s0] = run->st.brand[s0] == 0 ? BS_U16_ONE : bs_u16_put(0.9);
        run->st.revenge[s1] = run->st.brand[s1] == 0 ? BS_U16_ONE : bs_u16_put(0.9);
    }
    cr_assert_gt(n, 50);
    bs_error err = {0};
    cr_assert_eq(bs_run_step(run, &err), BS_OK);
    int wrong = 0;
    for (int64_t i = 0; i < run->N; i++) {
        size_t s0 = (size_t)i * run->K;
        if (run->st.status[s0] == SLOT_ACTIVE && run->st.status[s0 + 1] == SLOT_ACTIVE)
            wrong += run->st.wom[1][i] != 0;
    }
    cr_expect_eq(wrong, 0, "%d of %d complain about the lesser grievance", wrong, n);
    bs_run_free(run);
    free(sc);
}

/* C2 */
static double disclosure_b(double spill)
{
    bs_scenario *sc = market_new(N, 10, 3);
    sc->model.withhold_spill = spill;
    sc->model.withhold_amount = 0.5;
    market_shock(sc, BS_SHOCK_BREACH, 3, "a")->size = 0.6;
    series *s = market_run(sc, 2);
    double d = ATB(s, 9, BS_SEG_ALL, BS_M_MEAN_DISCLOSURE, 1);
    series_free(s); free(sc);
    return d;
}
Test(mutants, withholding_spills_to_other_brands)
{
    double with = disclosure_b(1.0), without = disclosure_b(0);
    cr_expect_lt(with, without - 0.01, "b's disclosure: spill %g, none %g", with, without);
}

/* C7 */
Test(mutants, clean_break_redirects_after_avoidance_exit)
{
    bs_scenario *sc = market_new(N, 10, 2);
    sc->model.purchase_rate = 0;
    sc->model.discovery_rate = 0;
    sc->model.outside_utility = -100;
    sc->model.avoidance_growth = 1;
    sc->brands[0].exit_policy = BS_EXIT_CLEAN_BREAK;
    bs_shock *sh = market_shock(sc, BS_SHOCK_BETRAYAL, 2, "a");
    sh->act = BS_ACT_BROKEN_PROMISE;
    sh->size = 1.0;
    series *s = market_run(sc, 2);
    double exits = series_sum(s, 0, 9, BS_SEG_ALL, BS_M_EXITS, 0);
    double bought = series_sum(s, 0, 9, BS_SEG_ALL, BS_M_PURCHASES, 1);
    cr_expect_gt(exits, N / 10);
    cr_expect_geq(bought, 0.99 * exits, "b bought %g, exits %g", bought, exits);
    series_free(s); free(sc);
}

/* P1 */
Test(mutants, avoided_brand_is_not_bought)
{
    bs_scenario *sc = market_new(N, 6, 1);
    sc->population.initial_relationships = 16;
    sc->model.exit_threshold = 1.0;
    sc->model.avoidance_growth = 1;
    sc->model.habit_hold = 0; /* the gate itself, not how habit raises it */
    bs_shock *sh = market_shock(sc, BS_SHOCK_BETRAYAL, 2, "a");
    sh->act = BS_ACT_BROKEN_PROMISE;
    sh->size = 1.0;
    series *s = market_run(sc, 2);
    cr_expect_eq(AT(s, 3, BS_SEG_ALL, BS_M_AVOIDING), AT(s, 3, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS));
    cr_expect_eq(AT(s, 3, BS_SEG_ALL, BS_M_PURCHASES), 0);
    series_free(s); free(sc);
}

/* P3 */
static double share_a(double creepy)
{
    bs_scenario *sc = market_new(N, 20, 2);
    sc->brands[0].personalization = 0.9;
    sc->brands[0].relevance = 1.0;
    sc->model.beta_creepy = creepy;
    series *s = market_run(sc, 2);
    double x = series_sum(s, 10, 19, BS_SEG_ALL, BS_M_MARKET_SHARE, 0);
    series_free(s); free(sc);
    return x;
}
Test(mutants, creepiness_costs_share)
{
    double c = share_a(2), n = share_a(0);
    cr_expect_lt(c, 0.95 * n, "creepy %g none %g", c, n);
}

/* P4, P9, U8 */
static series *distrust_run(double spill)
{
    bs_scenario *sc = market_new(N, 8, 3);
    sc->model.spillover = spill;
    sc->model.beta_distrust = 0;
    bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 2, "c");
    sh->reach = 1.0;
    sh->size = 1.0;
    series *s = market_run(sc, 2);
    free(sc);
    return s;
}
Test(mutants, distrust_lowers_new_relationships_and_disclosure)
{
    series *d = distrust_run(1.0), *n = distrust_run(0);
    cr_expect_lt(ATB(d, 2, BS_SEG_NEW, BS_M_MEAN_BENEVOLENCE, 1), ATB(n, 2, BS_SEG_NEW, BS_M_MEAN_BENEVOLENCE, 1) - 0.1, "P9");
    double nd = 0, nn = 0;
    for (int b = 0; b < 2; b++) {
        nd += ATB(d, 4, BS_SEG_NEW, BS_M_ACTIVE_CUSTOMERS, b);
        nn += ATB(n, 4, BS_SEG_NEW, BS_M_ACTIVE_CUSTOMERS, b);
    }
    cr_expect_lt(nd, 0.85 * nn, "P4 new relationships: distrust %g, none %g", nd, nn);
    cr_expect_lt(ATB(d, 6, BS_SEG_ALL, BS_M_MEAN_DISCLOSURE, 1), ATB(n, 6, BS_SEG_ALL, BS_M_MEAN_DISCLOSURE, 1) - 0.02, "U8");
    series_free(d); series_free(n);
}

/* U1, U7 */
static series *betrayal_run(double size)
{
    bs_scenario *sc = market_new(N, 21, 3);
    sc->model.p_withhold = 0;
    bs_shock *sh = market_shock(sc, BS_SHOCK_BETRAYAL, 2, "a");
    sh->act = BS_ACT_BROKEN_PROMISE;
    sh->size = size;
    series *s = market_run(sc, 2);
    free(sc);
    return s;
}
Test(mutants, betrayal_spoils_satisfaction_and_willingness)
{
    series *b = betrayal_run(0.5), *n = betrayal_run(0);
    cr_expect_lt(AT(b, 20, BS_SEG_STRONG, BS_M_MEAN_QUALITY), AT(n, 20, BS_SEG_STRONG, BS_M_MEAN_QUALITY) - 0.03, "U1 R %g vs %g",
                 AT(b, 20, BS_SEG_STRONG, BS_M_MEAN_QUALITY), AT(n, 20, BS_SEG_STRONG, BS_M_MEAN_QUALITY));
    cr_expect_lt(AT(b, 12, BS_SEG_ALL, BS_M_MEAN_DISCLOSURE), AT(n, 12, BS_SEG_ALL, BS_M_MEAN_DISCLOSURE) - 0.06, "U7 D %g vs %g",
                 AT(b, 12, BS_SEG_ALL, BS_M_MEAN_DISCLOSURE), AT(n, 12, BS_SEG_ALL, BS_M_MEAN_DISCLOSURE));
    series_free(b); series_free(n);
}

/* U2, U11 */
static series *idle_run(double forgetting, int T)
{
    bs_scenario *sc = market_new(5000, T, 2);
    sc->model.purchase_rate = 0;
    sc->model.forgetting = forgetting;
    for (int b = 0; b < 2; b++) sc->brands[b].personalization = 0;
    series *s = market_run(sc, 2);
    free(sc);
    return s;
}
Test(mutants, R_is_forgotten_without_purchases)
{
    series *s = idle_run(0.005, 21);
    double r = AT(s, 20, BS_SEG_ALL, BS_M_MEAN_QUALITY) / AT(s, 0, BS_SEG_ALL, BS_M_MEAN_QUALITY);
    cr_expect_float_eq(r, pow(0.995, 20), 1e-3, "ratio %g", r);
    series_free(s);
    s = idle_run(0.5, 60);
    cr_expect_eq(AT(s, 59, BS_SEG_ALL, BS_M_MEAN_QUALITY), 0, "%g", AT(s, 59, BS_SEG_ALL, BS_M_MEAN_QUALITY));
    series_free(s);
}

/* U3 */
Test(mutants, confidence_follows_experienced_quality)
{
    bs_scenario *sc = market_new(N, 31, 2);
    bs_shock *sh = market_shock(sc, BS_SHOCK_POLICY, 2, "a");
    sh->policy.quality = 0.1;
    sh->policy_set = (uint64_t)1 << bs_param_index(BS_SECTION_BRAND, "quality");
    series *s = market_run(sc, 2);
    cr_expect_lt(AT(s, 30, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE), AT(s, 2, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE) - 0.05, "%g %g",
                 AT(s, 30, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE), AT(s, 2, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE));
    series_free(s); free(sc);
}

/* U4 */
Test(mutants, benevolence_gap_from_norm_mismatch_persists)
{
    bs_scenario *sc = market_new(N, 61, 2);
    series *s = market_run(sc, 2);
    double g0 = AT(s, 0, BS_SEG_EXCHANGE, BS_M_MEAN_BENEVOLENCE) - AT(s, 0, BS_SEG_COMMUNAL, BS_M_MEAN_BENEVOLENCE);
    double g60 = AT(s, 60, BS_SEG_EXCHANGE, BS_M_MEAN_BENEVOLENCE) - AT(s, 60, BS_SEG_COMMUNAL, BS_M_MEAN_BENEVOLENCE);
    cr_expect_gt(g60, g0, "gap %g -> %g", g0, g60);
    series_free(s); free(sc);
}

/* U5 */
static double new_shame(double self_relevance)
{
    bs_scenario *sc = market_new(N, 41, 3);
    sc->population.self_relevance_mean = self_relevance;
    market_shock(sc, BS_SHOCK_SERVICE_FAILURE, 1, "c")->size = 1e-9; /* the reference step */
    market_shock(sc, BS_SHOCK_FORCED_EXIT, 40, "a")->size = 1.0;
    series *s = market_run(sc, 2);
    double x = AT(s, 40, BS_SEG_NEW, BS_M_MEAN_SHAME);
    series_free(s); free(sc);
    return x;
}
Test(mutants, self_connection_grows_with_self_relevance)
{
    double hi = new_shame(0.8), lo = new_shame(0.1);
    cr_expect_gt(hi, 3 * lo, "%g %g", hi, lo);
}

/* U10 */
static double r_with_relevance(double rel)
{
    bs_scenario *sc = market_new(N, 31, 2);
    sc->model.irritation_avoidance = 0;
    sc->brands[0].personalization = 0.8;
    sc->brands[0].relevance = rel;
    series *s = market_run(sc, 2);
    double x = AT(s, 30, BS_SEG_ALL, BS_M_MEAN_QUALITY);
    series_free(s); free(sc);
    return x;
}
Test(mutants, irrelevant_messages_spoil_satisfaction)
{
    double lo = r_with_relevance(0.1), hi = r_with_relevance(0.9);
    cr_expect_lt(lo, hi - 0.05, "R irrelevant %g relevant %g", lo, hi);
}

/* R2 */
Test(mutants, defection_out_goes_to_the_segment_left)
{
    bs_scenario *sc = market_new(N, 10, 2);
    sc->population.initial_relationships = 16;
    sc->brands[1].appeal = 0;
    series *s = market_run(sc, 2);
    cr_expect_gt(ATB(s, 9, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS, 1), 100);
    cr_expect_eq(series_sum(s, 0, 9, BS_SEG_NEW, BS_M_DEFECTIONS_OUT, 0), 0);
    cr_expect_gt(series_sum(s, 0, 9, BS_SEG_ALL, BS_M_DEFECTIONS_OUT, 0), 0);
    series_free(s); free(sc);
}

/* R3 */
Test(mutants, betrayed_counts_above_threshold)
{
    bs_scenario *sc = market_new(N, 3, 2);
    sc->model.failure_betrayal = 0.25;
    sc->model.anxiety_betrayal = 0; /* everyone feels exactly failure_betrayal */
    market_shock(sc, BS_SHOCK_SERVICE_FAILURE, 2, "a")->size = 1.0;
    series *s = market_run(sc, 2);
    cr_expect_geq(AT(s, 2, BS_SEG_ALL, BS_M_BETRAYED), 0.95 * AT(s, 2, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS));
    series_free(s); free(sc);
}

/* R4, R5 */
Test(mutants, c2_thresholds_and_repeat_rate)
{
    bs_scenario *sc = market_new(N, 5, 1);
    sc->population.initial_relationships = 16;
    series *s = market_run(sc, 2);
    cr_expect_gt(series_market(s, 0, BS_MK_WILLING_LOCATION), series_market(s, 0, BS_MK_WILLING_BROWSING));
    cr_expect_eq(AT(s, 3, BS_SEG_ALL, BS_M_REPEAT_RATE), 1.0);
    series_free(s); free(sc);
}

/* X2 */
Test(mutants, policy_shock_is_not_the_reference_step)
{
    bs_scenario *sc = market_new(N, 8, 2);
    bs_shock *sh = market_shock(sc, BS_SHOCK_POLICY, 1, "a");
    sh->policy.quality = 0.6;
    sh->policy_set = (uint64_t)1 << bs_param_index(BS_SECTION_BRAND, "quality");
    market_shock(sc, BS_SHOCK_BREACH, 6, "a");
    series *s = market_run(sc, 2);
    for (int t = 0; t < 6; t++)
        for (int b = 0; b < 2; b++) cr_expect_eq(ATB(s, t, BS_SEG_NEW, BS_M_ACTIVE_CUSTOMERS, b), 0, "step %d", t);
    cr_expect_gt(AT(s, 6, BS_SEG_NEW, BS_M_ACTIVE_CUSTOMERS) + ATB(s, 6, BS_SEG_NEW, BS_M_ACTIVE_CUSTOMERS, 1), 0, "P8");
    series_free(s); free(sc);
}

/* X6 */
static double b_conf_drop(int with_c)
{
    bs_scenario *sc = market_new(N, 6, 3);
    sc->brands[2].quality = 0.2;
    sc->brands[2].price = 0.3;
    sc->brands[2].personalization = 0.9;
    bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 4, "a");
    sh->reach = 1.0;
    sh->size = 0.1;
    if (with_c) { sh->n_brands = 2; snprintf(sh->brand_names[1], sizeof sh->brand_names[1], "c"); }
    series *s = market_run(sc, 2);
    double d = ATB(s, 3, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE, 1) - ATB(s, 4, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE, 1);
    series_free(s); free(sc);
    return d;
}
Test(mutants, contagion_from_the_most_similar_breach)
{
    double alone = b_conf_drop(0), both = b_conf_drop(1);
    cr_expect_gt(both, 0.9 * alone, "b's drop: a and c breached %g, a alone %g", both, alone);
}

/* P7 (white-box) */
Test(mutants, new_relationship_forgets_the_least_driven_former)
{
    bs_scenario *sc = market_new(3000, 1, 3);
    sc->slots = 2;
    sc->population.initial_relationships = 16;
    sc->model.purchase_rate = 1;
    sc->model.discovery_rate = 1;
    sc->model.outside_utility = -100;
    bs_run *run = wb_alloc(sc);
    int n = 0;
    for (int64_t i = 0; i < run->N; i++) {
        size_t s0 = (size_t)i * 2;
        if (run->st.status[s0] != SLOT_ACTIVE || run->st.status[s0 + 1] != SLOT_ACTIVE) continue;
        n++;
        run->st.status[s0] = run->st.status[s0 + 1] = SLOT_EXITED;
        run->st.shame[s0] = bs_u16_put(0.9);
        run->st.shame[s0 + 1] = bs_u16_put(0.1);
    }
    cr_assert_gt(n, 100);
    bs_error err = {0};
    cr_assert_eq(bs_run_step(run, &err), BS_OK);
    int wrong = 0, moved = 0;
    for (int64_t i = 0; i < run->N; i++) {
        size_t s0 = (size_t)i * 2;
        if (run->st.status[s0] == SLOT_ACTIVE) wrong++;
        if (run->st.status[s0 + 1] == SLOT_ACTIVE) moved++;
    }
    cr_expect_gt(moved, 0);
    cr_expect_eq(wrong, 0, "%d evicted the more driven relationship", wrong);
    bs_run_free(run);
    free(sc);
}

/* mechanisms.h: M2, M3, M5, M8, M11, M12 */
Test(mutants, mechanism_magnitudes)
{
    bs_model m;
    bs_section_defaults(BS_SECTION_MODEL, &m);
    cr_expect_float_eq(bs_breach_violation(&m, 1, BS_BREACH_HACK, BS_NORM_EXCHANGE, 0.5, 0.5),
                       m.breach_base + 0.5 * m.love_amplifier, 1e-12, "M2 data factor 1 at D 0.5");
    bs_brand a, b;
    bs_brand_defaults(&a);
    b = a;
    b.personalization = a.personalization + 0.5;
    cr_expect_float_eq(bs_brand_similarity(&m, &a, &b), 1 - 0.5 / m.similarity_scale, 1e-12, "M3");
    m.clarify_tolerance = 0;
    cr_expect_float_eq(bs_closeness_factor(&m, 1, 0.5), m.breach_base * (1 - m.clarify_cut), 1e-12, "M5");
    bs_section_defaults(BS_SECTION_MODEL, &m);
    cr_expect_lt(bs_act_probability(&m, 0.5, m.act_threshold + 1e-3), 1e-3, "M8 ramp from 0");
    cr_expect_eq(bs_willingness(&m, 1, 1, 1, 1, 1, 0), 1, "M11");
    cr_expect_eq(bs_willingness(&m, 0, 0, 0, 0, 0, 1), 0, "M11");
    cr_expect_eq(bs_personalization_value(0.8, 0.8, 0.5, 0, 0.5), 0, "M12 no trust, no value");
}
