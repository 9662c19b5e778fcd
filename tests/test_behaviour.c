/* SPDX-License-Identifier: MIT */
/*
 * test_behaviour.c: each model mechanism seen through a whole (small) market
 * run, the way a user sees it: in the per-segment time series. A test fails
 * if the mechanism is missing from the step, wired to the wrong state, or
 * points the wrong way. Findings: docs/FINDINGS.md. Markets are small
 * (tens of thousands of consumers, a few dozen steps) so each run takes a
 * fraction of a second; differences tested are many standard errors wide.
 */
#include <math.h>

#include "market_fixture.h"

enum { N = 20000 };


/* F1, F5: the same breach costs strong relationships more confidence and
 * brings them more revenge than weak ones; before it, the strong disclose more. */
Test(behaviour, breach_hurts_strong_relationships_most)
{
    bs_scenario *sc = market_new(N, 8, 3);
    bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 4, "a");
    sh->size = 0.5;
    sc->model.breach_disclosure_weight = 0; /* closeness alone, not the data given */
    series *s = market_run(sc, 2);
    double drop_strong = AT(s, 3, BS_SEG_STRONG, BS_M_MEAN_CONFIDENCE) -
                         AT(s, 4, BS_SEG_STRONG, BS_M_MEAN_CONFIDENCE);
    double drop_weak = AT(s, 3, BS_SEG_WEAK, BS_M_MEAN_CONFIDENCE) -
                       AT(s, 4, BS_SEG_WEAK, BS_M_MEAN_CONFIDENCE);
    cr_expect_gt(drop_weak, 0, "a breach must cost confidence");
    cr_expect_gt(drop_strong, 1.4 * drop_weak, "strong %g weak %g", drop_strong, drop_weak);
    cr_expect_gt(AT(s, 4, BS_SEG_STRONG, BS_M_MEAN_REVENGE), AT(s, 4, BS_SEG_WEAK, BS_M_MEAN_REVENGE));
    cr_expect_gt(AT(s, 3, BS_SEG_STRONG, BS_M_MEAN_DISCLOSURE),
                 AT(s, 3, BS_SEG_WEAK, BS_M_MEAN_DISCLOSURE), "F1: closeness raises disclosure");
    /* brands not breached: no revenge at all */
    cr_expect_eq(series_at(s, 5, BS_SEG_ALL, BS_M_MEAN_REVENGE, 1), 0);
    series_free(s);
    free(sc);
}

/* F1: after a breach the close customers withhold their data hardest (per
 * relationship), and disclosure at the breached brand falls. */
Test(behaviour, strong_customers_withhold_most)
{
    bs_scenario *sc = market_new(N, 10, 3);
    market_shock(sc, BS_SHOCK_BREACH, 3, "a")->size = 0.6;
    sc->model.breach_severity = 2; /* a breach felt hard enough to act on (the
                                    * calibrated default is a Target-like hack) */
    series *s = market_run(sc, 2);
    double w_strong = series_sum(s, 3, 9, BS_SEG_STRONG, BS_M_REVENGE_WITHHOLD, 0) /
                      AT(s, 2, BS_SEG_STRONG, BS_M_ACTIVE_CUSTOMERS);
    double w_weak = series_sum(s, 3, 9, BS_SEG_WEAK, BS_M_REVENGE_WITHHOLD, 0) /
                    AT(s, 2, BS_SEG_WEAK, BS_M_ACTIVE_CUSTOMERS);
    cr_expect_gt(w_strong, w_weak, "withholding per relationship: strong %g weak %g", w_strong,
                 w_weak);
    cr_expect_lt(AT(s, 9, BS_SEG_ALL, BS_M_MEAN_DISCLOSURE),
                 0.8 * AT(s, 2, BS_SEG_ALL, BS_M_MEAN_DISCLOSURE));
    sc->model.p_withhold = 0; /* the same breach without withholding acts */
    series *kept = market_run(sc, 2);
    cr_expect_lt(AT(s, 9, BS_SEG_ALL, BS_M_MEAN_DISCLOSURE),
                 AT(kept, 9, BS_SEG_ALL, BS_M_MEAN_DISCLOSURE) - 0.02, "withholding takes data back");
    series_free(kept);
    series_free(s);
    free(sc);
}

/* Seed 000 (relief) and F2 (spillover): customers of a spared brand trust it
 * a little more, the whole category is distrusted, and fewer people buy. */
Test(behaviour, breach_news_brings_relief_and_category_distrust)
{
    bs_scenario *sc = market_new(N, 8, 3);
    series *base = market_run(sc, 2);
    bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 4, "a");
    sh->reach = 1.0;
    series *s = market_run(sc, 2);
    cr_expect_gt(series_at(s, 4, BS_SEG_ALL, BS_M_MEAN_BENEVOLENCE, 1),
                 series_at(base, 4, BS_SEG_ALL, BS_M_MEAN_BENEVOLENCE, 1), "relief at brand b");
    cr_expect_eq(series_market(base, 5, BS_MK_MEAN_DISTRUST), 0);
    cr_expect_gt(series_market(s, 5, BS_MK_MEAN_DISTRUST), 0.01);
    cr_expect_gt(series_market(s, 5, BS_MK_NO_PURCHASE), series_market(base, 5, BS_MK_NO_PURCHASE));
    series_free(base);
    series_free(s);
    free(sc);
}

/* F2 (guilt by association): after news of a small breach at a, the
 * customers of an identical rival b lose confidence in it, more than those of
 * c, positioned farther from a; relief still raises b's benevolence; nothing
 * of the kind with model.rival_contagion 0. */
Test(behaviour, breach_news_costs_similar_rivals_confidence)
{
    bs_scenario *sc = market_new(N, 8, 3);
    sc->brands[2].quality = 0.4; /* c: cheaper and worse than a and b */
    sc->brands[2].price = 0.5;
    series *base = market_run(sc, 2);
    bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 4, "a");
    sh->reach = 1.0;
    sh->size = 0.1;
    series *s = market_run(sc, 2);
    const double db = series_at(s, 4, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE, 1) -
                      series_at(base, 4, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE, 1);
    const double dc = series_at(s, 4, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE, 2) -
                      series_at(base, 4, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE, 2);
    cr_expect_lt(db, -0.05, "identical rival: confidence %+g", db);
    cr_expect(dc < 0 && dc > 0.5 * db, "distant rival: %+g (identical %+g)", dc, db);
    cr_expect_gt(series_at(s, 4, BS_SEG_ALL, BS_M_MEAN_BENEVOLENCE, 1),
                 series_at(base, 4, BS_SEG_ALL, BS_M_MEAN_BENEVOLENCE, 1), "relief");
    sc->model.rival_contagion = 0;
    series *off = market_run(sc, 2);
    cr_expect_geq(series_at(off, 4, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE, 1),
                  series_at(base, 4, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE, 1) - 1e-4);
    series_free(base);
    series_free(s);
    series_free(off);
    free(sc);
}

/* F3: the same breach at a brand with transparency and control brings less
 * revenge and fewer defections than at one with neither. */
Test(behaviour, transparency_and_control_reduce_breach_harm)
{
    bs_scenario *sc = market_new(N, 12, 3);
    market_shock(sc, BS_SHOCK_BREACH, 4, "a")->size = 0.6;
    sc->brands[0].transparency = sc->brands[0].control = 0.05;
    series *none = market_run(sc, 2);
    sc->brands[0].transparency = sc->brands[0].control = 0.95;
    series *both = market_run(sc, 2);
    cr_expect_lt(AT(both, 4, BS_SEG_ALL, BS_M_MEAN_REVENGE), 0.8 * AT(none, 4, BS_SEG_ALL, BS_M_MEAN_REVENGE));
    cr_expect_lt(series_sum(both, 4, 11, BS_SEG_ALL, BS_M_REVENGE_WOM, 0),
                 series_sum(none, 4, 11, BS_SEG_ALL, BS_M_REVENGE_WOM, 0));
    series_free(none);
    series_free(both);
    free(sc);
}

static double rival_purchases(double size)
{
    bs_scenario *sc = market_new(N, 30, 4);
    bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 10, "a");
    sh->size = size;
    sh->reach = 0.5;
    /* the mechanisms at strengths this small market shows (the defaults are
     * calibrated to a real breach, docs/CALIBRATION.md) */
    sc->model.spillover = 0.5;
    sc->model.breach_severity = 1;
    sc->model.breach_concern_gain = 0;
    sc->model.betrayal_memory = 0.01;
    sc->model.distrust_decay = 0.05;
    return market_run_sum(sc, 10, 29, BS_SEG_ALL, BS_M_PURCHASES, 1);
}

/* F2 (Martin, Borah & Palmatier 2017): a small breach at a makes the whole
 * category look unsafe, so its rival b sells less than without any breach; a
 * large one sends a's customers to rivals, so b sells more. */
Test(behaviour, small_breach_hurts_rivals_large_breach_helps_them)
{
    double none = rival_purchases(0), small = rival_purchases(0.05), large = rival_purchases(0.9);
    cr_expect_lt(small, none, "small breach: rival %g, no breach %g", small, none);
    cr_expect_gt(large, none, "large breach: rival %g, no breach %g", large, none);
}

/* F6, F7: after a betrayal revenge falls while avoidance grows; for strong
 * relationships revenge falls more slowly and avoidance grows faster. */
Test(behaviour, revenge_fades_avoidance_grows_grudge_longer_when_strong)
{
    bs_scenario *sc = market_new(N, 12, 3);
    bs_shock *sh = market_shock(sc, BS_SHOCK_BETRAYAL, 2, "a");
    sh->act = BS_ACT_BROKEN_PROMISE;
    sh->size = 0.5;
    series *s = market_run(sc, 2);
    for (int g = BS_SEG_STRONG; g <= BS_SEG_WEAK; g++) {
        cr_expect_gt(AT(s, 2, g, BS_M_MEAN_REVENGE), AT(s, 10, g, BS_M_MEAN_REVENGE), "seg %d", g);
        cr_expect_lt(AT(s, 3, g, BS_M_MEAN_AVOIDANCE), AT(s, 10, g, BS_M_MEAN_AVOIDANCE), "seg %d", g);
    }
    double keep_strong = AT(s, 10, BS_SEG_STRONG, BS_M_MEAN_REVENGE) / AT(s, 2, BS_SEG_STRONG, BS_M_MEAN_REVENGE);
    double keep_weak = AT(s, 10, BS_SEG_WEAK, BS_M_MEAN_REVENGE) / AT(s, 2, BS_SEG_WEAK, BS_M_MEAN_REVENGE);
    cr_expect_gt(keep_strong, keep_weak + 0.05, "share of revenge kept: strong %g weak %g", keep_strong,
                 keep_weak);
    cr_expect_gt(AT(s, 6, BS_SEG_STRONG, BS_M_MEAN_AVOIDANCE), AT(s, 6, BS_SEG_WEAK, BS_M_MEAN_AVOIDANCE));
    series_free(s);
    free(sc);
}

static double betrayed_after(bs_scenario *sc, int clarifies, int seg, int metric)
{
    sc->brands[0].clarifies = clarifies;
    series *s = market_run(sc, 2);
    double x = AT(s, 3, seg, metric);
    series_free(s);
    return x;
}

/* F11: clarified expectations cut felt betrayal, and reverse the role of
 * closeness: without them the strong feel it more, with them less. */
Test(behaviour, clarified_expectations_cut_betrayal_and_cross_over)
{
    bs_scenario *sc = market_new(N, 4, 3);
    bs_shock *sh = market_shock(sc, BS_SHOCK_BETRAYAL, 3, "a");
    sh->act = BS_ACT_BROKEN_PROMISE;
    double not_all = betrayed_after(sc, 0, BS_SEG_ALL, BS_M_MEAN_REVENGE);
    double yes_all = betrayed_after(sc, 1, BS_SEG_ALL, BS_M_MEAN_REVENGE);
    cr_expect_lt(yes_all, 0.7 * not_all, "clarified %g, not %g", yes_all, not_all);
    cr_expect_gt(betrayed_after(sc, 0, BS_SEG_STRONG, BS_M_MEAN_REVENGE),
                 betrayed_after(sc, 0, BS_SEG_WEAK, BS_M_MEAN_REVENGE), "not clarified: close > distant");
    cr_expect_lt(betrayed_after(sc, 1, BS_SEG_STRONG, BS_M_MEAN_REVENGE),
                 betrayed_after(sc, 1, BS_SEG_WEAK, BS_M_MEAN_REVENGE), "clarified: close < distant");
    free(sc);
}

/* F12: a fee hurts communal customers more; a cheap gift hurts exchange
 * customers more. */
Test(behaviour, norm_violations_hit_the_matching_segment)
{
    bs_scenario *sc = market_new(N, 4, 3);
    bs_shock *sh = market_shock(sc, BS_SHOCK_BETRAYAL, 3, "a");
    sh->act = BS_ACT_FEE;
    series *fee = market_run(sc, 2);
    sh->act = BS_ACT_CHEAP_GIFT;
    series *gift = market_run(sc, 2);
    cr_expect_gt(AT(fee, 3, BS_SEG_COMMUNAL, BS_M_MEAN_REVENGE), AT(fee, 3, BS_SEG_EXCHANGE, BS_M_MEAN_REVENGE));
    cr_expect_lt(AT(gift, 3, BS_SEG_COMMUNAL, BS_M_MEAN_REVENGE), AT(gift, 3, BS_SEG_EXCHANGE, BS_M_MEAN_REVENGE));
    /* the table is the scenario's: with the fee's row swapped the exchange segment is hit hardest */
    sh->act = BS_ACT_FEE;
    sc->model.act_violation[BS_ACT_FEE][BS_NORM_COMMUNAL] = 0.3;
    sc->model.act_violation[BS_ACT_FEE][BS_NORM_EXCHANGE] = 1.0;
    series *swapped = market_run(sc, 2);
    cr_expect_lt(AT(swapped, 3, BS_SEG_COMMUNAL, BS_M_MEAN_REVENGE),
                 AT(swapped, 3, BS_SEG_EXCHANGE, BS_M_MEAN_REVENGE));
    series_free(fee);
    series_free(gift);
    series_free(swapped);
    free(sc);
}

/* F7: an apology lowers revenge, and more for the strong than for the weak. */
Test(behaviour, apology_lowers_revenge_most_for_strong)
{
    bs_scenario *sc = market_new(N, 6, 3);
    market_shock(sc, BS_SHOCK_BREACH, 2, "a")->size = 0.6;
    series *none = market_run(sc, 2);
    sc->brands[0].breach_response = BS_RESPONSE_APOLOGY;
    sc->brands[0].response_delay = 1;
    series *apol = market_run(sc, 2);
    /* relative cuts: the strong have more revenge to cut, so compare shares */
    double cut_strong = 1 - AT(apol, 4, BS_SEG_STRONG, BS_M_MEAN_REVENGE) / AT(none, 4, BS_SEG_STRONG, BS_M_MEAN_REVENGE);
    double cut_weak = 1 - AT(apol, 4, BS_SEG_WEAK, BS_M_MEAN_REVENGE) / AT(none, 4, BS_SEG_WEAK, BS_M_MEAN_REVENGE);
    cr_expect_gt(cut_weak, 0.05, "an apology must lower revenge");
    cr_expect_gt(cut_strong, 1.15 * cut_weak, "share cut: strong %g weak %g", cut_strong, cut_weak);
    int found = 0;
    for (int e = 0; e < apol->n_events; e++)
        found |= apol->events[e].step == 3 && strcmp(apol->events[e].kind, "response:apology") == 0;
    cr_expect(found, "the apology must be in the event table at step 3");
    series_free(none);
    series_free(apol);
    free(sc);
}

/* F8: a late response lowers revenge less than an early one; one in the
 * shock's own step (delay 0) helps most. */
Test(behaviour, late_response_helps_less)
{
    bs_scenario *sc = market_new(N, 12, 3);
    market_shock(sc, BS_SHOCK_BREACH, 2, "a")->size = 0.6;
    sc->brands[0].breach_response = BS_RESPONSE_COMPENSATION;
    const int delays[] = {0, 1, 3, 6};
    double revenge[4];
    for (int k = 0; k < 4; k++) {
        sc->brands[0].response_delay = delays[k];
        series *s = market_run(sc, 2);
        revenge[k] = AT(s, 11, BS_SEG_ALL, BS_M_MEAN_REVENGE);
        series_free(s);
        if (k > 0)
            cr_expect_lt(revenge[k - 1], revenge[k], "delay %d: %g, delay %d: %g", delays[k - 1],
                         revenge[k - 1], delays[k], revenge[k]);
    }
    free(sc);
}

/* F8: public complaining follows a failure plus a failed recovery. */
Test(behaviour, complaints_follow_double_deviation)
{
    double wom[BS_RECOVERY_COUNT];
    for (int r = 0; r < BS_RECOVERY_COUNT; r++) {
        bs_scenario *sc = market_new(N, 10, 3);
        bs_shock *sh = market_shock(sc, BS_SHOCK_SERVICE_FAILURE, 2, "a");
        sh->size = 0.5;
        sh->recovery = r;
        sh->recovery_delay = 1;
        series *s = market_run(sc, 2);
        wom[r] = series_sum(s, 0, 9, BS_SEG_ALL, BS_M_REVENGE_WOM, 0);
        series_free(s);
        free(sc);
    }
    cr_expect_gt(wom[BS_RECOVERY_POOR], 100, "a double deviation must bring complaints");
    cr_expect_gt(wom[BS_RECOVERY_POOR], 9 * (wom[BS_RECOVERY_GOOD] + wom[BS_RECOVERY_NONE]),
                 "poor %g good %g none %g", wom[BS_RECOVERY_POOR], wom[BS_RECOVERY_GOOD],
                 wom[BS_RECOVERY_NONE]);
}

static double antibrand_after_exit(int exit_policy, double self_relevance, double *shame_end)
{
    bs_scenario *sc = market_new(N, 30, 3);
    sc->population.self_relevance_mean = self_relevance;
    sc->brands[0].exit_policy = exit_policy;
    market_shock(sc, BS_SHOCK_FORCED_EXIT, 2, "a")->size = 1.0;
    series *s = market_run(sc, 2);
    double acts = series_sum(s, 3, 29, BS_SEG_ALL, BS_M_REVENGE_ANTIBRAND, 0);
    if (shame_end) *shame_end = AT(s, 29, BS_SEG_ALL, BS_M_MEAN_SHAME);
    cr_expect_gt(AT(s, 2, BS_SEG_ALL, BS_M_EXITS), 0);
    series_free(s);
    free(sc);
    return acts;
}

/* F10: a clean break ends post-exit anti-brand action sooner than doing
 * nothing, and a win-back campaign prolongs it. */
Test(behaviour, clean_break_ends_post_exit_revenge_sooner_than_win_back)
{
    double sh_clean, sh_none, sh_win;
    double clean = antibrand_after_exit(BS_EXIT_CLEAN_BREAK, 0.5, &sh_clean);
    double none = antibrand_after_exit(BS_EXIT_NONE, 0.5, &sh_none);
    double win = antibrand_after_exit(BS_EXIT_WIN_BACK, 0.5, &sh_win);
    cr_expect_lt(clean, none, "anti-brand acts: clean %g none %g", clean, none);
    cr_expect_lt(none, win, "anti-brand acts: none %g win-back %g", none, win);
    cr_expect_lt(sh_clean, sh_none);
    cr_expect_lt(sh_none, sh_win);
}

/* F10: a clean break points the customers it lets go to competitors, who
 * take them in at once; a win-back campaign brings some of them back. */
Test(behaviour, clean_break_redirects_and_win_back_wins_some_back)
{
    bs_scenario *sc = market_new(N, 12, 3);
    market_shock(sc, BS_SHOCK_FORCED_EXIT, 2, "a")->size = 1.0;
    series *none = market_run(sc, 2);
    sc->brands[0].exit_policy = BS_EXIT_CLEAN_BREAK;
    series *clean = market_run(sc, 2);
    sc->brands[0].exit_policy = BS_EXIT_WIN_BACK;
    sc->brands[0].win_back_interval = 2;
    series *win = market_run(sc, 2);
    double in_none = series_at(none, 2, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS, 1) +
                     series_at(none, 2, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS, 2);
    double in_clean = series_at(clean, 2, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS, 1) +
                      series_at(clean, 2, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS, 2);
    cr_expect_gt(in_clean, in_none + 500, "rivals' customers right after the exit: clean %g, none %g",
                 in_clean, in_none);
    /* without win-back, a's only customers are new ones (former ones never come back) */
    cr_expect_gt(AT(win, 11, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS),
                 AT(none, 11, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS) + 100, "win-back: %g, none: %g",
                 AT(win, 11, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS), AT(none, 11, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS));
    cr_expect_lt(AT(win, 11, BS_SEG_ALL, BS_M_FORMER_CUSTOMERS), AT(none, 11, BS_SEG_ALL, BS_M_FORMER_CUSTOMERS));
    series_free(none);
    series_free(clean);
    series_free(win);
    free(sc);
}

/* F10 (MODEL.md S2.6): the redirect of a clean break always shows a brand the
 * consumer does not hold. With two brands, no purchases but the redirected
 * ones and an outside option nobody takes, every customer "a" lets go buys "b"
 * in the exit step (drawing the shown brand from all brands, the brand just
 * left among them, would miss about half of them). */
Test(behaviour, clean_break_always_shows_a_brand_not_held)
{
    bs_scenario *sc = market_new(N, 8, 2);
    sc->model.purchase_rate = 0;
    sc->model.discovery_rate = 0;
    sc->model.outside_utility = -100;
    sc->brands[0].exit_policy = BS_EXIT_CLEAN_BREAK;
    market_shock(sc, BS_SHOCK_FORCED_EXIT, 5, "a")->size = 1.0;
    series *s = market_run(sc, 2);
    const double exits = series_at(s, 5, BS_SEG_ALL, BS_M_EXITS, 0);
    const double bought_b = series_at(s, 5, BS_SEG_ALL, BS_M_PURCHASES, 1);
    cr_expect_gt(exits, N / 4, "exits of a: %g", exits);
    cr_expect_leq(bought_b, exits);
    cr_expect_geq(bought_b, 0.99 * exits, "bought b in the exit step: %g of %g let go", bought_b,
                  exits);
    series_free(s);
    free(sc);
}

/* F6, F7: once betrayal has faded, avoidance fades to exactly 0 (stored in
 * 16-bit units, rounded to nearest it used to stop 0.5 / rate units above 0,
 * so "avoidance" never ended). No personalization: no C3 irritation. */
Test(behaviour, avoidance_fades_to_zero_once_betrayal_is_gone)
{
    bs_scenario *sc = market_new(4000, 400, 2);
    sc->model.betrayal_memory = 0.5;
    /* a betrayal this short-lived would let complaints heard re-anger a
     * relationship as soon as it has faded (anger that travels moves only the
     * unaggrieved), a cascade that never ends: this test is about the fade rule */
    sc->model.wom_anger = 0;
    for (int b = 0; b < 2; b++) sc->brands[b].personalization = 0;
    market_shock(sc, BS_SHOCK_BETRAYAL, 2, "a")->size = 0.8;
    series *s = market_run(sc, 2);
    cr_expect_gt(AT(s, 6, BS_SEG_ALL, BS_M_MEAN_AVOIDANCE), 0.01, "avoidance after the betrayal");
    cr_expect_eq(AT(s, 399, BS_SEG_ALL, BS_M_MEAN_BETRAYAL), 0);
    cr_expect_eq(AT(s, 399, BS_SEG_ALL, BS_M_MEAN_AVOIDANCE), 0, "avoidance left: %g",
                 AT(s, 399, BS_SEG_ALL, BS_M_MEAN_AVOIDANCE));
    series_free(s);
    free(sc);
}

/* F9: self-relevance drives anti-brand action after an exit, even without
 * any incident. */
Test(behaviour, self_relevance_drives_post_exit_antibrand_action)
{
    double hi = antibrand_after_exit(BS_EXIT_NONE, 0.8, NULL);
    double lo = antibrand_after_exit(BS_EXIT_NONE, 0.1, NULL);
    cr_expect_gt(hi, 2 * lo, "high %g low %g", hi, lo);
    cr_expect_gt(hi, 0);
}

/* Hear: complaints travel the network and cost listeners' trust in the brand
 * complained about. */
Test(behaviour, word_of_mouth_travels_the_network)
{
    bs_scenario *sc = market_new(N, 8, 3);
    sc->brands[0].notify = 0;
    bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 2, "a");
    sh->reach = 0.3;
    sh->size = 0.8;
    sc->network.homophily = 0; /* the same population with and without the network */
    sc->network.kind = BS_NET_NONE;
    series *alone = market_run(sc, 2);
    sc->network.kind = BS_NET_SMALL_WORLD;
    series *linked = market_run(sc, 2);
    cr_expect_gt(series_sum(linked, 3, 7, BS_SEG_ALL, BS_M_REVENGE_WOM, 0), 0);
    cr_expect_lt(AT(linked, 7, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE), AT(alone, 7, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE));
    /* before the breach nothing differs */
    cr_expect_eq(AT(linked, 1, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE), AT(alone, 1, BS_SEG_ALL, BS_M_MEAN_CONFIDENCE));
    series_free(alone);
    series_free(linked);
    free(sc);
}

/* Choice: better quality wins share; a policy shock that ruins quality loses it. */
Test(behaviour, quality_wins_share_and_policy_shocks_apply)
{
    bs_scenario *sc = market_new(N, 30, 3);
    sc->brands[0].quality = 0.9;
    sc->brands[1].quality = 0.5;
    bs_shock *sh = market_shock(sc, BS_SHOCK_POLICY, 10, "a");
    sh->policy.quality = 0.1;
    sh->policy_set = (uint64_t)1 << bs_param_index(BS_SECTION_BRAND, "quality");
    series *s = market_run(sc, 2);
    cr_expect_gt(AT(s, 9, BS_SEG_ALL, BS_M_MARKET_SHARE), series_at(s, 9, BS_SEG_ALL, BS_M_MARKET_SHARE, 1));
    cr_expect_lt(AT(s, 29, BS_SEG_ALL, BS_M_MARKET_SHARE), 0.7 * AT(s, 9, BS_SEG_ALL, BS_M_MARKET_SHARE));
    series_free(s);
    free(sc);
}

/* C3 (seed 002 / Gigya 2015): a brand that personalizes heavily and badly
 * drives a share of its customers away, buying or not: some stop visiting
 * (avoid it), fewer stop buying (leave); the privacy fundamentalists far more
 * than the unconcerned; no one without the irritation mechanism. */
Test(behaviour, irrelevant_personalization_drives_a_share_away)
{
    bs_scenario *sc = market_new(N, 40, 3);
    sc->brands[0].personalization = 0.8;
    sc->brands[0].relevance = 0.2;
    series *s = market_run(sc, 2);
    const double visit = AT(s, 39, BS_SEG_ALL, BS_M_SHARE_STOPPED_VISITING);
    const double buy = AT(s, 39, BS_SEG_ALL, BS_M_SHARE_STOPPED_BUYING);
    cr_expect(visit > 0.1 && visit < 0.6, "stopped visiting %g", visit);
    cr_expect(buy > 0.03 && buy < visit, "stopped buying %g (visiting %g)", buy, visit);
    cr_expect_gt(AT(s, 39, BS_SEG_FUNDAMENTALIST, BS_M_SHARE_STOPPED_VISITING),
                 3 * AT(s, 39, BS_SEG_UNCONCERNED, BS_M_SHARE_STOPPED_VISITING) + 0.1);
    cr_expect_lt(series_at(s, 39, BS_SEG_ALL, BS_M_SHARE_STOPPED_VISITING, 1), 0.01,
                 "a default brand drives nobody away");
    sc->model.irritation_avoidance = 0;
    series *off = market_run(sc, 2);
    cr_expect_lt(AT(off, 39, BS_SEG_ALL, BS_M_SHARE_STOPPED_VISITING), 0.01);
    series_free(s);
    series_free(off);
    free(sc);
}

/* F4, seed 002: control raises disclosure; irrelevant, heavy personalization
 * costs share (C3) against relevant personalization. */
Test(behaviour, control_raises_disclosure_and_irrelevance_costs_share)
{
    bs_scenario *sc = market_new(N, 20, 3);
    sc->brands[0].personalization = 0.8;
    sc->brands[0].control = 0.1;
    series *lo = market_run(sc, 2);
    sc->brands[0].control = 0.9;
    series *hi = market_run(sc, 2);
    cr_expect_gt(AT(hi, 19, BS_SEG_ALL, BS_M_MEAN_DISCLOSURE), AT(lo, 19, BS_SEG_ALL, BS_M_MEAN_DISCLOSURE));
    sc->brands[0].relevance = 0.1;
    series *irr = market_run(sc, 2);
    cr_expect_lt(series_sum(irr, 10, 19, BS_SEG_ALL, BS_M_MARKET_SHARE, 0),
                 series_sum(hi, 10, 19, BS_SEG_ALL, BS_M_MARKET_SHARE, 0));
    series_free(lo);
    series_free(hi);
    series_free(irr);
    free(sc);
}

/* ---- model v2 (issue 17) ------------------------------------------------- */

/* A breach of size 0 is no breach: every series of the market, of every
 * brand and of the privacy and norm segments is the same as without it (no
 * news, no relief, no distrust, no response). It still sets the reference
 * step that frames the strength segments, so they are not compared. */
Test(behaviour, size_zero_breach_is_no_breach)
{
    bs_scenario *sc = market_new(5000, 12, 3);
    sc->brands[0].breach_response = BS_RESPONSE_APOLOGY;
    series *none = market_run(sc, 2);
    bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 4, "a");
    sh->size = 0;
    sh->reach = 1;
    series *zero = market_run(sc, 2);
    int differ = 0;
    for (int t = 0; t < sc->steps; t++)
        for (int g = 0; g < BS_SEG_COUNT; g++) {
            if (g == BS_SEG_STRONG || g == BS_SEG_WEAK || g == BS_SEG_NEW) continue;
            for (int m = 0; m < BS_M_COUNT; m++)
                for (int b = 0; b < 3; b++)
                    differ += series_at(none, t, g, m, b) != series_at(zero, t, g, m, b);
        }
    for (size_t k = 0; k < (size_t)sc->steps * BS_MK_COUNT; k++)
        differ += none->market[k] != zero->market[k];
    cr_expect_eq(differ, 0, "%d values differ", differ);
    sh->size = 0.01; /* and a breach of any size is one */
    series *small = market_run(sc, 2);
    cr_expect_gt(series_market(small, 4, BS_MK_MEAN_DISTRUST), 0);
    series_free(none);
    series_free(zero);
    series_free(small);
    free(sc);
}

/* Seed 000: customers of a spared brand are relieved when they hear of a
 * breach, the more the worse the breach; the breached brand's own customers
 * are not (they lose benevolence). Guilt by association is switched off, and
 * everyone hears the news. */
Test(behaviour, relief_scales_with_breach_size_and_spares_the_breached)
{
    bs_scenario *sc = market_new(N, 5, 3);
    sc->model.rival_contagion = 0;
    series *none = market_run(sc, 2);
    bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 3, "a");
    sh->reach = 1;
    double gain[2];
    const double sizes[2] = {0.1, 0.9};
    for (int q = 0; q < 2; q++) {
        sh->size = sizes[q];
        series *s = market_run(sc, 2);
        gain[q] = ATB(s, 3, BS_SEG_ALL, BS_M_MEAN_BENEVOLENCE, 1) -
                  ATB(none, 3, BS_SEG_ALL, BS_M_MEAN_BENEVOLENCE, 1);
        cr_expect_lt(AT(s, 3, BS_SEG_ALL, BS_M_MEAN_BENEVOLENCE),
                     AT(none, 3, BS_SEG_ALL, BS_M_MEAN_BENEVOLENCE), "no relief at the breached brand");
        series_free(s);
    }
    cr_expect_gt(gain[0], 0, "relief at a small breach %g", gain[0]);
    cr_expect_gt(gain[1], 2 * gain[0], "relief grows with the breach: %g vs %g", gain[1], gain[0]);
    series_free(none);
    free(sc);
}

/* Mean post-exit shame of brand a's former customers at step 12 after a
 * forced exit at step 3, with a win-back policy of the given scope (a brand
 * with exit_policy win_back contacts every 2 steps). */
static double shame_after_win_back(int scope)
{
    bs_scenario *sc = market_new(N, 13, 3);
    sc->brands[0].exit_policy = BS_EXIT_WIN_BACK;
    sc->brands[0].win_back_interval = 2;
    sc->brands[0].exit_policy_scope = scope;
    market_shock(sc, BS_SHOCK_FORCED_EXIT, 3, "a")->size = 0.5;
    series *s = market_run(sc, 2);
    const double x = AT(s, 12, BS_SEG_ALL, BS_M_MEAN_SHAME);
    series_free(s);
    free(sc);
    return x;
}

/* F10 scope: an exit policy reaches the former customers its scope names.
 * Customers the brand dropped are stung by win-back contacts under scope all
 * or dropped, not under voluntary (which reaches those who left on their own,
 * Johnson, Matear & Thomson's former customers). */
Test(behaviour, exit_policy_scope_decides_whom_it_reaches)
{
    const double all = shame_after_win_back(BS_SCOPE_ALL);
    const double voluntary = shame_after_win_back(BS_SCOPE_VOLUNTARY);
    const double dropped = shame_after_win_back(BS_SCOPE_DROPPED);
    cr_expect_gt(all, voluntary * 1.1, "all %g voluntary %g", all, voluntary);
    cr_expect_gt(dropped, voluntary * 1.1, "dropped %g voluntary %g", dropped, voluntary);
}

/* Relative cut of the strong [0] and weak [1] relationships' purchases at
 * brand a over steps 20..32, a breach of the given size at step 20 against
 * the same breach that nobody learns of (a notifies nobody, reach 0): the
 * same reference step, so the same strong and weak relationships. */
static void breach_cut(bs_scenario *sc, double size, double cut[2], double revenge[2])
{
    bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 20, "a");
    sh->size = size;
    sh->reach = 0;
    sc->brands[0].notify = 0;
    series *none = market_run(sc, 2);
    sh->reach = 0.5;
    sc->brands[0].notify = 1;
    series *hit = market_run(sc, 2);
    for (int q = 0; q < 2; q++) {
        const int g = q == 0 ? BS_SEG_STRONG : BS_SEG_WEAK;
        cut[q] = 1 - series_sum(hit, 20, 32, g, BS_M_PURCHASES, 0) /
                         series_sum(none, 20, 32, g, BS_M_PURCHASES, 0);
        revenge[q] = series_sum(hit, 20, 32, g, BS_M_MEAN_REVENGE, 0);
    }
    sc->n_shocks--;
    series_free(none);
    series_free(hit);
}

/* The double edge (Grégoire & Fisher 2008; Janakiraman, Lim & Rishika 2018):
 * after a breach the strong relationships feel more revenge, yet cut their
 * purchases less than the weak ones, because habit holds their behaviour.
 * Without habit (its three parameters 0) the strong cut more. */
Test(behaviour, strong_relationships_resent_more_but_keep_buying)
{
    /* 3N consumers: at N the two cuts' sampling noise (about 0.002) is as large as their
     * gap at some sizes (0.028 and 0.028 at size 0.3; 0.029 and 0.037 at 3N) */
    bs_scenario *sc = market_new(3 * N, 33, 3);
    sc->model.breach_concern_gain = 0; /* every exposed customer alike, felt hard enough to act on */
    sc->model.breach_severity = 0.7;
    double cut[2], revenge[2];
    breach_cut(sc, 0.3, cut, revenge);
    cr_log_info("double edge: cut strong %g weak %g, revenge strong %g weak %g", cut[0], cut[1],
                revenge[0], revenge[1]);
    cr_expect_gt(revenge[0], 1.5 * revenge[1], "revenge strong %g weak %g", revenge[0], revenge[1]);
    cr_expect_gt(cut[0], 0.01, "the strong cut too: %g", cut[0]);
    cr_expect_lt(cut[0], cut[1], "cut strong %g weak %g", cut[0], cut[1]);
    sc->model.habit_autopilot = sc->model.beta_habit_strength = sc->model.habit_hold = 0;
    breach_cut(sc, 0.3, cut, revenge);
    cr_expect_gt(cut[0], cut[1], "without habit: cut strong %g weak %g", cut[0], cut[1]);
    free(sc);
}

/* Anger that travels (Goldenberg et al. 2007): after a double deviation at
 * a, complaints make listeners who were never hit newly betrayed, and some of
 * them complain in turn; without wom_anger nobody is. */
Test(behaviour, anger_travels_from_complainers_to_listeners)
{
    bs_scenario *sc = market_new(N, 30, 3);
    bs_shock *sh = market_shock(sc, BS_SHOCK_SERVICE_FAILURE, 5, "a");
    sh->size = 0.2;
    sh->recovery = BS_RECOVERY_POOR;
    series *s = market_run(sc, 2);
    cr_expect_gt(series_sum(s, 5, 29, BS_SEG_ALL, BS_M_WOM_HEARD, 0), 0);
    cr_expect_gt(series_sum(s, 5, 29, BS_SEG_ALL, BS_M_WOM_CONVERTED, 0), 10);
    cr_expect_gt(series_sum(s, 5, 29, BS_SEG_ALL, BS_M_WOM_SECONDHAND, 0), 0);
    cr_expect_eq(series_sum(s, 5, 29, BS_SEG_ALL, BS_M_WOM_SECONDHAND, 1), 0, "b: nothing to tell");
    sc->model.wom_anger = 0;
    series *off = market_run(sc, 2);
    cr_expect_gt(series_sum(off, 5, 29, BS_SEG_ALL, BS_M_WOM_HEARD, 0), 0);
    cr_expect_eq(series_sum(off, 5, 29, BS_SEG_ALL, BS_M_WOM_CONVERTED, 0), 0);
    cr_expect_eq(series_sum(off, 5, 29, BS_SEG_ALL, BS_M_WOM_SECONDHAND, 0), 0);
    cr_expect_gt(AT(s, 20, BS_SEG_ALL, BS_M_MEAN_BETRAYAL), AT(off, 20, BS_SEG_ALL, BS_M_MEAN_BETRAYAL));
    series_free(s);
    series_free(off);
    free(sc);
}

/* Homophily (McPherson, Smith-Lovin & Cook 2001): with it, a consumer's ring
 * neighbours tend to share its brand, so a complaint about a reaches more of
 * a's customers; privacy segment shares stay the population's (C1). */
Test(behaviour, homophily_puts_customers_of_a_brand_side_by_side)
{
    bs_scenario *sc = market_new(N, 12, 4);
    bs_shock *sh = market_shock(sc, BS_SHOCK_SERVICE_FAILURE, 3, "a");
    sh->size = 0.3;
    sh->recovery = BS_RECOVERY_POOR;
    double heard_per_complaint[2];
    for (int q = 0; q < 2; q++) {
        sc->network.homophily = q;
        series *s = market_run(sc, 2);
        heard_per_complaint[q] = series_sum(s, 4, 11, BS_SEG_ALL, BS_M_WOM_HEARD, 0) /
                                 series_sum(s, 3, 10, BS_SEG_ALL, BS_M_REVENGE_WOM, 0);
        cr_expect(fabs(series_market(s, 0, BS_MK_SHARE_FUNDAMENTALIST) - 0.25) < 0.02,
                  "homophily %d: fundamentalists %g", q,
                  series_market(s, 0, BS_MK_SHARE_FUNDAMENTALIST));
        series_free(s);
    }
    cr_expect_gt(heard_per_complaint[1], 1.1 * heard_per_complaint[0], "heard per complaint %g vs %g",
                 heard_per_complaint[1], heard_per_complaint[0]);
    free(sc);
}

/* Attachment styles (Thomson, Whelan & Johnson 2012): a fearful population
 * (anxious and avoidant) takes more revenge for the same betrayal than a
 * secure one; with the three moderations off the traits change nothing. */
Test(behaviour, fearful_consumers_take_more_revenge)
{
    bs_scenario *sc = market_new(N, 16, 3);
    market_shock(sc, BS_SHOCK_BETRAYAL, 3, "a")->size = 0.4;
    double acts[2][2];
    for (int off = 0; off < 2; off++) {
        if (off) sc->model.anxiety_betrayal = sc->model.fearful_revenge = sc->model.avoidant_withdrawal = 0;
        for (int q = 0; q < 2; q++) {
            sc->population.attachment_anxiety_mean = q ? 0.75 : 0.2;
            sc->population.attachment_avoidance_mean = q ? 0.7 : 0.15;
            series *s = market_run(sc, 2);
            acts[off][q] = series_sum(s, 3, 15, BS_SEG_ALL, BS_M_REVENGE_WOM, 0) +
                           series_sum(s, 3, 15, BS_SEG_ALL, BS_M_REVENGE_ANTIBRAND, 0);
            series_free(s);
        }
    }
    cr_expect_gt(acts[0][1], 1.5 * acts[0][0], "fearful %g secure %g", acts[0][1], acts[0][0]);
    cr_expect_eq(acts[1][1], acts[1][0], "moderations off: %g vs %g", acts[1][1], acts[1][0]);
    free(sc);
}

/* S2.2: a breach's size is the share of customers whose records it exposed.
 * Notified, unheard by anyone else (reach 0) and felt hard, it betrays about
 * that share of the brand's customers, not all of them a little. */
Test(behaviour, breach_size_is_the_share_exposed)
{
    for (int k = 0; k < 2; k++) {
        const double size = k ? 0.5 : 0.2;
        bs_scenario *sc = market_new(N, 6, 3);
        bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 3, "a");
        sh->size = size;
        sh->reach = 0;
        sc->brands[0].notify = 1;
        sc->model.breach_severity = 3;
        sc->model.breach_concern_gain = 0;
        series *s = market_run(sc, 2);
        const double share = AT(s, 3, BS_SEG_ALL, BS_M_BETRAYED) / AT(s, 3, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS);
        cr_expect_float_eq(share, size, 0.04, "size %g: betrayed share %g", size, share);
        series_free(s);
        free(sc);
    }
}

/* Purchases at a betrayed brand over steps t0..t1, with desire for revenge
 * weighted beta_anger in utility. */
static double purchases_after_betrayal(double beta_anger, int t0, int t1)
{
    bs_scenario *sc = market_new(N, 30, 3);
    bs_shock *sh = market_shock(sc, BS_SHOCK_BETRAYAL, 4, "a");
    sh->act = BS_ACT_BROKEN_PROMISE;
    sh->size = 0.3;
    sc->model.beta_anger = beta_anger;
    return market_run_sum(sc, t0, t1, BS_SEG_ALL, BS_M_PURCHASES, 0);
}

/* Anger holds purchases back while it lasts (beta_anger, S5): after a betrayal
 * the brand sells less with it than without, and the gap narrows as revenge
 * fades. */
Test(behaviour, anger_holds_purchases_back_while_it_lasts)
{
    const double early = 1 - purchases_after_betrayal(3, 5, 12) / purchases_after_betrayal(0, 5, 12);
    const double late = 1 - purchases_after_betrayal(3, 21, 29) / purchases_after_betrayal(0, 21, 29);
    cr_log_info("anger: purchases cut %g early, %g late", early, late);
    cr_expect_gt(early, 0.02, "anger must cut purchases: %g", early);
    /* (habit lost in the meantime keeps part of the gap: hysteresis) */
    cr_expect_lt(late, 0.75 * early, "and the cut must fade: early %g late %g", early, late);
}

/* Exits of brand a's customers over the run: a betrayal in step 3 (or none),
 * with exit_threshold out of reach so that only the hazard can end a
 * relationship, a brand that irritates with irrelevant messages (C3). */
static double exits_with_hazard(double hazard, int betrayal)
{
    bs_scenario *sc = market_new(N, 30, 3);
    if (betrayal) {
        bs_shock *sh = market_shock(sc, BS_SHOCK_BETRAYAL, 3, "a");
        sh->act = BS_ACT_BROKEN_PROMISE;
        sh->size = 1;
    }
    sc->brands[0].personalization = 0.8;
    sc->brands[0].relevance = 0.2;
    sc->model.exit_threshold = 1;
    sc->model.exit_hazard = hazard;
    return market_run_sum(sc, 0, 29, BS_SEG_ALL, BS_M_EXITS, 0);
}

/* The exit hazard (S4): a customer kept from buying by a betrayal drifts off
 * for good, so exits come without the exit threshold; one kept away by
 * irritation alone (C3) does not. */
Test(behaviour, betrayed_avoiders_drift_off_for_good)
{
    const double off = exits_with_hazard(0, 1), on = exits_with_hazard(0.05, 1);
    cr_expect_eq(off, 0, "no exits without the hazard: %g", off);
    cr_expect_gt(on, 0.01 * N, "exits with the hazard: %g", on);
    cr_expect_eq(exits_with_hazard(0.05, 0), exits_with_hazard(0, 0),
                 "irritation alone: the hazard must not apply");
}
