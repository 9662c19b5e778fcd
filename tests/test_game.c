/* SPDX-License-Identifier: MIT */
/*
 * test_game.c: a market played in rounds by teams (game.h), the classroom's
 * engine. A team that decides nothing scores exactly 0 against its
 * counterfactual; the market's run equals a fresh run of the scenario it
 * built (its decisions listed as policy shocks); the log replays the game bit
 * for bit; a team that prices itself out of the market loses share against its
 * counterfactual; bad decisions and bad logs are refused, changing nothing.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/brandsim.h"
#include "brandsim/game.h"

static const char market_yaml[] =
    "name: class\nseed: 11\nconsumers: 4000\nsteps: 39\n"
    "brands:\n  - {name: acme}\n  - {name: bolt}\n  - {name: cove}\n"
    "shocks:\n  - {kind: breach, step: 15, brands: [acme], size: 0.5, reach: 0.6}\n";
static const char *const teams[] = {"acme", "bolt"};

static bs_scenario *market(void)
{
    bs_scenario *sc = malloc(sizeof *sc);
    bs_error err = {0};
    cr_assert_eq(bs_scenario_load_string(market_yaml, strlen(market_yaml), "class.yaml", sc, &err),
                 BS_OK, "%s", err.msg);
    return sc;
}

/* Two rounds: acme changes course twice (an apology answers its breach), bolt raises its
   price once; then the third round with no decisions. */
static bs_game *play(const bs_scenario *sc)
{
    bs_error err = {0};
    bs_game *g = bs_game_new(sc, teams, 2, NULL, &err);
    cr_assert_not_null(g, "%s", err.msg);
    cr_assert_eq(bs_game_rounds(g), 3);
    const char *a1[] = {"transparency=0.8", "control=0.7"}, *b1[] = {"price=1.6"};
    cr_assert_eq(bs_game_decide(g, 0, a1, 2, &err), BS_OK, "%s", err.msg);
    cr_assert_eq(bs_game_decide(g, 1, b1, 1, &err), BS_OK, "%s", err.msg);
    cr_assert_eq(bs_game_play(g, &err), BS_OK, "%s", err.msg);
    const char *a2[] = {"breach_response=apology", "response_delay=0"};
    cr_assert_eq(bs_game_decide(g, 0, a2, 2, &err), BS_OK, "%s", err.msg);
    cr_assert_eq(bs_game_play(g, &err), BS_OK, "%s", err.msg);
    cr_assert_eq(bs_game_play(g, &err), BS_OK, "%s", err.msg);
    return g;
}

static void expect_same_run(const bs_run *a, const bs_run *b)
{
    const bs_stats *x = bs_run_stats(a), *y = bs_run_stats(b);
    cr_assert_eq(bs_run_steps_done(a), bs_run_steps_done(b));
    cr_assert(!memcmp(x->v, y->v, (size_t)BS_SEG_COUNT * BS_M_COUNT * x->n_brands * sizeof *x->v),
              "the aggregates differ");
}

Test(game, a_team_that_keeps_its_course_scores_zero_and_the_scenario_is_the_record)
{
    bs_scenario *sc = market();
    bs_error err = {0};
    bs_game *g = bs_game_new(sc, teams, 2, NULL, &err);
    const char *b1[] = {"price=1.4"};
    cr_assert_eq(bs_game_decide(g, 1, b1, 1, &err), BS_OK, "%s", err.msg);
    for (int r = 0; r < 3; r++)
        cr_assert_eq(bs_game_play(g, &err), BS_OK, "%s", err.msg);
    bs_game_standing acme = bs_game_standing_of(g, 0), bolt = bs_game_standing_of(g, 1);
    cr_expect_eq(acme.score, 0, "acme kept its course: its counterfactual is the market (%g)",
                 acme.score);
    cr_expect_eq(acme.net, acme.counterfactual_net);
    cr_expect_neq(bolt.score, 0, "bolt's price moved nothing");
    cr_expect_lt(bolt.share, bolt.counterfactual_share, "a 40 %% dearer bolt kept its share");
    /* the market equals a fresh run of the scenario it built */
    bs_scenario *built = malloc(sizeof *built);
    bs_run_initial_scenario(bs_game_market(g), built);
    bs_run *fresh = bs_run_alloc(built, 2, &err);
    free(built);
    cr_assert_not_null(fresh, "%s", err.msg);
    for (int t = 0; t < 39; t++)
        cr_assert_eq(bs_run_step(fresh, &err), BS_OK, "%s", err.msg);
    expect_same_run(bs_game_market(g), fresh);
    /* and bolt's counterfactual is the market without bolt's decision: the original scenario */
    bs_run *plain = bs_run_alloc(sc, 1, &err);
    for (int t = 0; t < 39; t++)
        bs_run_step(plain, &err);
    expect_same_run(bs_game_counterfactual(g, 1), plain);
    /* the rounds' standings add up to the totals; a round not played is all zero */
    for (int j = 0; j < 2; j++) {
        bs_game_standing total = bs_game_standing_of(g, j), sum = {0};
        for (int r = 0; r < 3; r++) {
            bs_game_standing x = bs_game_round_standing(g, j, r);
            cr_expect_gt(x.revenue, 0, "team %d, round %d: no revenue", j, r);
            sum.net += x.net;
            sum.counterfactual_net += x.counterfactual_net;
            sum.revenue += x.revenue;
        }
        cr_expect_float_eq(sum.net, total.net, 1e-9 * fabs(total.net) + 1e-12);
        cr_expect_float_eq(sum.revenue, total.revenue, 1e-9 * total.revenue);
        cr_expect_eq(bs_game_round_standing(g, j, 2).share, total.share);
        cr_expect_eq(bs_game_round_standing(g, j, 3).revenue, 0);
    }
    cr_expect_eq(bs_game_play(g, &err), BS_ERR_RUNTIME, "a fourth round of three");
    cr_expect_eq(bs_game_decide(g, 0, b1, 1, &err), BS_ERR_RUNTIME);
    bs_run_free(fresh);
    bs_run_free(plain);
    bs_game_free(g);
    free(sc);
}

Test(game, the_log_replays_the_game_bit_for_bit)
{
    bs_scenario *sc = market();
    bs_game *g = play(sc);
    char *log = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&log, &len);
    bs_error err = {0};
    cr_assert_eq(bs_game_write_log(g, f, &err), BS_OK);
    fclose(f);
    cr_expect_str_eq(log, "0 acme transparency=0.8\n0 acme control=0.7\n0 bolt price=1.6\n0 end\n"
                          "1 acme breach_response=apology\n1 acme response_delay=0\n1 end\n2 end\n");
    bs_game *h = bs_game_replay(sc, teams, 2, NULL, log, &err);
    cr_assert_not_null(h, "%s", err.msg);
    cr_expect_eq(bs_game_round(h), 3);
    expect_same_run(bs_game_market(g), bs_game_market(h));
    for (int j = 0; j < 2; j++) {
        expect_same_run(bs_game_counterfactual(g, j), bs_game_counterfactual(h, j));
        bs_game_standing a = bs_game_standing_of(g, j), b = bs_game_standing_of(h, j);
        cr_expect(!memcmp(&a, &b, sizeof a), "team %d's standing differs", j);
    }
    int n;
    const bs_event *ev = bs_run_events(bs_game_market(g), &n);
    int apology = 0;
    for (int k = 0; k < n; k++)
        apology |= ev[k].step == 15 && !strcmp(ev[k].kind, "response:apology");
    cr_expect(apology, "acme's round-2 decision answered its breach");
    free(log);
    bs_game_free(g);
    bs_game_free(h);
    free(sc);
}

Test(game, bad_decisions_and_logs_are_refused)
{
    bs_scenario *sc = market();
    bs_error err = {0};
    const char *three[] = {"acme", "acme"}, *ghost[] = {"zed"};
    cr_expect_null(bs_game_new(sc, three, 2, NULL, &err));
    cr_expect(strstr(err.msg, "has a team already"), "%s", err.msg);
    cr_expect_null(bs_game_new(sc, ghost, 1, NULL, &err));
    cr_expect(strstr(err.msg, "'zed'"), "%s", err.msg);
    bs_game *g = bs_game_new(sc, teams, 2, NULL, &err);
    const char *range[] = {"price=-2"}, *key[] = {"flavour=1"}, *spaced[] = {"price= 1"};
    cr_expect_eq(bs_game_decide(g, 0, range, 1, &err), BS_ERR_INPUT);
    cr_expect(strstr(err.msg, "price"), "%s", err.msg);
    cr_expect_eq(bs_game_decide(g, 0, key, 1, &err), BS_ERR_INPUT);
    cr_expect_eq(bs_game_decide(g, 0, spaced, 1, &err), BS_ERR_INPUT);
    cr_expect_eq(bs_game_decide(g, 5, key, 1, &err), BS_ERR_INPUT);
    cr_assert_eq(bs_game_play(g, &err), BS_OK, "%s", err.msg);
    char *log = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&log, &len);
    bs_game_write_log(g, f, &err);
    fclose(f);
    cr_expect_str_eq(log, "0 end\n", "a refused decision was logged");
    free(log);
    cr_expect_null(bs_game_replay(sc, teams, 2, NULL, "0 acme price=1.1\n1 end\n", &err));
    cr_expect(strstr(err.msg, "game log:2"), "%s", err.msg);
    cr_expect_null(bs_game_replay(sc, teams, 2, NULL, "0 zed price=1.1\n", &err));
    cr_expect(strstr(err.msg, "game log:1"), "%s", err.msg);
    cr_expect_null(bs_game_replay(sc, teams, 2, NULL, "0 acme price=-2\n0 end\n", &err));
    cr_expect(strstr(err.msg, "price"), "%s", err.msg);
    bs_game_free(g);
    free(sc);
}

/* The scenario of a fresh run that gives `run` (static: one at a time). */
static const bs_scenario *built_of(const bs_run *run)
{
    static bs_scenario sc;
    bs_run_initial_scenario(run, &sc);
    return &sc;
}

/* The number of policy shocks for brand `name` in the run's scenario. */
static int policies_of(const bs_run *run, const char *name)
{
    const bs_scenario *sc = bs_run_scenario(run);
    int n = 0;
    for (int s = 0; s < sc->n_shocks; s++)
        n += sc->shocks[s].kind == BS_SHOCK_POLICY && !strcmp(sc->shocks[s].brand_names[0], name);
    return n;
}

Test(game, a_computer_brand_plays_each_run_on_its_own)
{
    bs_scenario *sc = market();
    bs_error err = {0};
    /* cove, a discounter, answers bolt's price cut in the market; in bolt's counterfactual,
       where bolt cut nothing, it has nothing to answer */
    const bs_game_computer cove = {"cove", "discounter"};
    const bs_game_opts opt = {.n_computers = 1, .computers = &cove};
    bs_game *g = bs_game_new(sc, teams, 2, &opt, &err);
    cr_assert_not_null(g, "%s", err.msg);
    cr_expect_str_eq(bs_game_computer_brand(g, 0), "cove");
    cr_expect_str_eq(bs_game_computer_strategy(g, 0), "discounter");
    const char *cut[] = {"price=0.5", "quality=1", "appeal=1"}; /* bolt takes the market */
    cr_assert_eq(bs_game_decide(g, 1, cut, 3, &err), BS_OK, "%s", err.msg);
    int priced = 0;
    for (int r = 0; r < 3; r++) {
        cr_assert_eq(bs_game_play(g, &err), BS_OK, "%s", err.msg);
        priced += strstr(bs_game_computer_move(g, 0), "price=") != NULL;
    }
    const bs_run *m = bs_game_market(g), *cf_bolt = bs_game_counterfactual(g, 1);
    cr_expect_gt(policies_of(m, "cove"), 1, "the discounter never moved its price in the market");
    cr_expect_eq(policies_of(cf_bolt, "cove"), 1,
                 "without bolt's cut the discounter had nothing to answer (its opening only)");
    cr_expect_gt(priced, 0, "no round's move reported the discounter's price");
    /* acme kept its course: with the computer answering in each run, still exactly 0 */
    cr_expect_eq(bs_game_standing_of(g, 0).score, 0);
    /* the market is a fresh run of the scenario it built, computers' moves included */
    bs_run *fresh = bs_run_alloc(built_of(m), 1, &err);
    for (int t = 0; t < 39; t++)
        cr_assert_eq(bs_run_step(fresh, &err), BS_OK, "%s", err.msg);
    expect_same_run(m, fresh);
    /* the game keeps the market's every step: the fresh run's step 20 is the game's */
    bs_run *again = bs_run_alloc(built_of(m), 1, &err);
    for (int t = 0; t < 39; t++) {
        cr_assert_eq(bs_run_step(again, &err), BS_OK, "%s", err.msg);
        bs_stats at;
        cr_assert_eq(bs_game_market_stats_at(g, t, &at, &err), BS_OK, "%s", err.msg);
        cr_assert(!memcmp(at.v, bs_run_stats(again)->v,
                          (size_t)BS_SEG_COUNT * BS_M_COUNT * 3 * sizeof *at.v), "step %d", t);
    }
    bs_stats none;
    cr_expect_eq(bs_game_market_stats_at(g, 39, &none, &err), BS_ERR_INPUT);
    bs_run_free(again);
    /* and the log (teams only) replays it with the same computers */
    char *log = bs_game_log_string(g);
    bs_game *h = bs_game_replay(sc, teams, 2, &opt, log, &err);
    cr_assert_not_null(h, "%s", err.msg);
    expect_same_run(m, bs_game_market(h));
    expect_same_run(cf_bolt, bs_game_counterfactual(h, 1));
    free(log);
    bs_run_free(fresh);
    bs_game_free(h);
    bs_game_free(g);
    free(sc);
}

Test(game, computer_brands_are_checked)
{
    bs_scenario *sc = market();
    bs_error err = {0};
    const bs_game_computer taken = {"acme", "steady"}, ghost = {"zed", "steady"},
                           odd = {"cove", "gambler"};
    const bs_game_computer *bad[] = {&taken, &ghost, &odd};
    const char *says[] = {"has a team or a computer already", "is not a brand", "unknown strategy"};
    for (int k = 0; k < 3; k++) {
        const bs_game_opts opt = {.n_computers = 1, .computers = bad[k]};
        cr_expect_null(bs_game_new(sc, teams, 2, &opt, &err));
        cr_expect(strstr(err.msg, says[k]), "%s", err.msg);
    }
    int n;
    const char *const *names = bs_game_strategies(&n);
    cr_expect_eq(n, 4);
    cr_expect_str_eq(names[0], "steady");
    free(sc);
}
