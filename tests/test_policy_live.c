/* SPDX-License-Identifier: MIT */
/*
 * test_policy_live.c: a run that changes course between steps
 * (bs_run_add_policy, bs_scenario_policy_shock), what a game's rounds stand
 * on: a policy added at step t gives, step by step and bit for bit, the
 * aggregates and the events of the scenario that listed the same policy
 * shock last at step t, including a breach's response delayed past t (it
 * follows the policy in force at the breach) and a later breach's (it
 * follows the new one). Bad policies are refused and leave the run as it was.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "brandsim/brandsim.h"

/* acme is breached at step 4 and answers 8 steps later with compensation (at 12); at 9 it
   changes course (price, transparency, and an apology one step after any later breach); it is
   breached again at 14 (an apology at 15); at 17 it lowers its price (the schedule rebuilt
   then must still answer the first breach as the policy in force at step 4 said). */
static const char base_yaml[] =
    "name: live\nseed: 7\nconsumers: 4000\nsteps: 24\n"
    "brands:\n"
    "  - {name: acme, breach_response: compensation, response_delay: 8}\n"
    "  - {name: bolt}\n  - {name: cove}\n"
    "shocks:\n"
    "  - {kind: breach, step: 4, brands: [acme], size: 0.5, reach: 0.6}\n"
    "  - {kind: breach, step: 14, brands: [acme], size: 0.4, reach: 0.5}\n";

static const char listed_yaml[] =
    "  - kind: policy\n    step: 9\n    brands: [acme]\n"
    "    policy: {price: 1.15, transparency: 0.9, breach_response: apology, response_delay: 1}\n"
    "  - {kind: policy, step: 17, brands: [acme], policy: {price: 1.05}}\n";

static const char *const sets[] = {"price=1.15", "transparency=0.9", "breach_response=apology",
                                   "response_delay=1"};

static bs_scenario *load(const char *extra)
{
    size_t n = strlen(base_yaml) + strlen(extra) + 1;
    char *text = malloc(n);
    snprintf(text, n, "%s%s", base_yaml, extra);
    bs_scenario *sc = malloc(sizeof *sc);
    bs_error err = {0};
    cr_assert_eq(bs_scenario_load_string(text, strlen(text), "live.yaml", sc, &err), BS_OK, "%s",
                 err.msg);
    free(text);
    return sc;
}

static void expect_same_step(const bs_run *a, const bs_run *b, int t)
{
    const bs_stats *x = bs_run_stats(a), *y = bs_run_stats(b);
    const size_t nv = (size_t)BS_SEG_COUNT * BS_M_COUNT * (size_t)x->n_brands;
    cr_assert(!memcmp(x->v, y->v, nv * sizeof *x->v), "step %d: the aggregates differ", t);
    cr_assert(!memcmp(x->market, y->market, sizeof x->market), "step %d: the market differs", t);
}

static void expect_same_events(const bs_run *a, const bs_run *b)
{
    int na, nb;
    const bs_event *ea = bs_run_events(a, &na), *eb = bs_run_events(b, &nb);
    cr_assert_eq(na, nb, "%d events, the listed scenario %d", na, nb);
    for (int k = 0; k < na; k++) {
        cr_expect_eq(ea[k].step, eb[k].step, "event %d", k);
        cr_expect_eq(ea[k].brand, eb[k].brand, "event %d", k);
        cr_expect_str_eq(ea[k].kind, eb[k].kind, "event %d", k);
        cr_expect_eq(ea[k].size, eb[k].size, "event %d", k);
    }
}

static int has_event(const bs_run *run, int step, const char *kind)
{
    int n;
    const bs_event *ev = bs_run_events(run, &n);
    for (int k = 0; k < n; k++)
        if (ev[k].step == step && ev[k].brand == 0 && !strcmp(ev[k].kind, kind))
            return 1;
    return 0;
}

Test(policy_live, a_policy_added_at_a_step_is_the_scenario_that_listed_it)
{
    bs_scenario *live_sc = load(""), *listed_sc = load(listed_yaml);
    bs_error err = {0};
    for (int threads = 1; threads <= 2; threads++) {
        bs_run *live = bs_run_alloc(live_sc, threads, &err), *listed = bs_run_alloc(listed_sc, 1, &err);
        cr_assert(live && listed, "%s", err.msg);
        for (int t = 0; t < live_sc->steps; t++) {
            if (t == 9) {
                bs_shock sh;
                cr_assert_eq(bs_scenario_policy_shock(bs_run_scenario(live), "acme", sets, 4, &sh,
                                                      &err),
                             BS_OK, "%s", err.msg);
                cr_assert_eq(bs_run_add_policy(live, &sh, &err), BS_OK, "%s", err.msg);
            }
            if (t == 17) {
                bs_shock sh;
                const char *price[] = {"price=1.05"};
                cr_assert_eq(bs_scenario_policy_shock(bs_run_scenario(live), "acme", price, 1, &sh,
                                                      &err),
                             BS_OK, "%s", err.msg);
                cr_assert_eq(bs_run_add_policy(live, &sh, &err), BS_OK, "%s", err.msg);
                expect_same_events(live, listed);
            }
            cr_assert_eq(bs_run_step(live, &err), BS_OK, "%s", err.msg);
            cr_assert_eq(bs_run_step(listed, &err), BS_OK, "%s", err.msg);
            expect_same_step(live, listed, t);
        }
        expect_same_events(live, listed);
        /* the first breach's response follows the policy in force at the breach, the second's
           the new one */
        cr_expect(has_event(live, 12, "response:compensation"));
        cr_expect(has_event(live, 15, "response:apology"));
        cr_expect(has_event(live, 9, "policy"));
        cr_expect_eq(bs_run_scenario(live)->brands[0].price, 1.05, "the policies took effect");
        cr_expect_eq(bs_run_scenario(live)->n_shocks, 4, "the run's scenario lists the policies");
        bs_run_free(live);
        bs_run_free(listed);
    }
    free(live_sc);
    free(listed_sc);
}

Test(policy_live, a_policy_changes_the_market)
{
    /* not a no-op: without the policy, the market differs after step 9 */
    bs_scenario *sc = load(""), *listed_sc = load(listed_yaml);
    bs_error err = {0};
    bs_run *a = bs_run_alloc(sc, 1, &err), *b = bs_run_alloc(listed_sc, 1, &err);
    int differ_before = 0, differ_after = 0;
    for (int t = 0; t < sc->steps; t++) {
        bs_run_step(a, &err);
        bs_run_step(b, &err);
        const size_t nv = (size_t)BS_SEG_COUNT * BS_M_COUNT * 3;
        int d = memcmp(bs_run_stats(a)->v, bs_run_stats(b)->v, nv * sizeof(double)) != 0;
        if (t < 9) differ_before |= d;
        else differ_after |= d;
    }
    cr_expect(!differ_before, "the policy changed steps before it");
    cr_expect(differ_after, "the policy changed nothing");
    bs_run_free(a);
    bs_run_free(b);
    free(sc);
    free(listed_sc);
}

Test(policy_live, a_bad_policy_is_refused_and_the_run_goes_on_unchanged)
{
    bs_scenario *sc = load("");
    bs_error err = {0};
    bs_run *a = bs_run_alloc(sc, 1, &err), *b = bs_run_alloc(sc, 1, &err);
    for (int t = 0; t < 5; t++) {
        bs_run_step(a, &err);
        bs_run_step(b, &err);
    }
    bs_shock sh;
    const char *fine[] = {"price=1.2"}, *bad_key[] = {"flavour=3"}, *bad_enum[] = {"norm=friendly"};
    cr_expect_eq(bs_scenario_policy_shock(sc, "zed", fine, 1, &sh, &err), BS_ERR_INPUT);
    cr_expect(strstr(err.msg, "'zed'"), "%s", err.msg);
    cr_expect_eq(bs_scenario_policy_shock(sc, "acme", bad_key, 1, &sh, &err), BS_ERR_INPUT);
    cr_expect(strstr(err.msg, "flavour"), "%s", err.msg);
    cr_expect_eq(bs_scenario_policy_shock(sc, "acme", bad_enum, 1, &sh, &err), BS_ERR_INPUT);
    cr_expect(strstr(err.msg, "friendly"), "%s", err.msg);
    cr_expect_eq(bs_scenario_policy_shock(sc, "acme", NULL, 0, &sh, &err), BS_ERR_INPUT);
    const char *out_of_range[] = {"transparency=1.5"}, *in_range[] = {"transparency=0.9"};
    cr_expect_eq(bs_scenario_policy_shock(sc, "acme", out_of_range, 1, &sh, &err), BS_ERR_INPUT);
    cr_expect(strstr(err.msg, "out of range"), "%s", err.msg);
    /* a shock made by hand is checked by the run itself */
    cr_assert_eq(bs_scenario_policy_shock(sc, "acme", in_range, 1, &sh, &err), BS_OK, "%s",
                 err.msg);
    sh.policy.transparency = 1.5;
    cr_expect_eq(bs_run_add_policy(a, &sh, &err), BS_ERR_INPUT);
    cr_expect(strstr(err.msg, "transparency"), "%s", err.msg);
    bs_shock breach = sh;
    breach.kind = BS_SHOCK_BREACH;
    cr_expect_eq(bs_run_add_policy(a, &breach, &err), BS_ERR_INPUT);
    cr_expect(strstr(err.msg, "expected a policy"), "%s", err.msg);
    cr_expect_eq(bs_run_scenario(a)->n_shocks, 2, "a refused policy is not listed");
    for (int t = 5; t < sc->steps; t++) {
        bs_run_step(a, &err);
        bs_run_step(b, &err);
        expect_same_step(a, b, t);
    }
    expect_same_events(a, b);
    const char *ok[] = {"price=1.1"};
    cr_assert_eq(bs_scenario_policy_shock(sc, "acme", ok, 1, &sh, &err), BS_OK, "%s", err.msg);
    cr_expect_eq(bs_run_add_policy(a, &sh, &err), BS_ERR_RUNTIME, "a finished run took a policy");
    cr_expect(strstr(err.msg, "finished"), "%s", err.msg);
    bs_run_free(a);
    bs_run_free(b);
    free(sc);
}
