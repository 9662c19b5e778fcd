/* SPDX-License-Identifier: MIT */
/*
 * test_economics.c: the decision lab's accounting (the scenario's `economics:`
 * section and brands' `margin`, sim/core/economics.h): a response reaches the
 * brand's active customers and costs its fixed cost plus its cost per customer
 * reached (compensation also pays its amount) in the response's step only;
 * net_contribution is margin x revenue - response_cost; and no economic
 * number changes any number of the model.
 */
#include <math.h>

#include "market_fixture.h"

/* Four brands breached at step 5, each answering one step later in its own way
 * (d: not at all), with costs that differ per response. */
static bs_scenario *priced_market(void)
{
    bs_scenario *sc = market_new(8000, 14, 4);
    sc->brands[0].breach_response = BS_RESPONSE_APOLOGY;
    sc->brands[1].breach_response = BS_RESPONSE_COMPENSATION;
    sc->brands[2].breach_response = BS_RESPONSE_TRANSPARENCY_CONTROL;
    for (int b = 0; b < 4; b++) sc->brands[b].margin = 0.1 * (b + 1);
    bs_economics *e = &sc->economics;
    e->apology_fixed = 100, e->apology_per_customer = 0.25;
    e->compensation_fixed = 1000, e->compensation_per_customer = 0.5, e->compensation_amount = 2;
    e->transparency_fixed = 10000, e->transparency_per_customer = 0.125;
    bs_shock *sh = market_shock(sc, BS_SHOCK_BREACH, 5, "a");
    sh->n_brands = 4;
    for (int b = 1; b < 4; b++) snprintf(sh->brand_names[b], BS_NAME_MAX, "%c", 'a' + b);
    sh->size = 0.6;
    return sc;
}

Test(economics, a_response_costs_its_fixed_cost_and_its_cost_per_customer_reached)
{
    bs_scenario *sc = priced_market();
    series *s = market_run(sc, 2);
    const double fixed[4] = {100, 1000, 10000, 0}, per[4] = {0.25, 2.5, 0.125, 0};
    for (int b = 0; b < 4; b++)
        for (int t = 0; t < s->steps; t++) {
            double reached = ATB(s, t, BS_SEG_ALL, BS_M_RESPONSE_REACHED, b);
            double cost = ATB(s, t, BS_SEG_ALL, BS_M_RESPONSE_COST, b);
            if (t == 6 && b < 3) {
                /* the response reaches every customer the brand held when the step began */
                cr_expect_eq(reached, ATB(s, 5, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS, b),
                             "brand %d reached %g", b, reached);
                cr_expect_gt(reached, 1000);
                cr_expect_float_eq(cost, fixed[b] + per[b] * reached, 1e-9, "brand %d: %g", b, cost);
                /* a segment pays the per-customer part of its own customers */
                double parts = 0, reached_parts = 0;
                for (int g = BS_SEG_STRONG; g <= BS_SEG_NEW; g++) {
                    parts += ATB(s, t, g, BS_M_RESPONSE_COST, b);
                    reached_parts += ATB(s, t, g, BS_M_RESPONSE_REACHED, b);
                }
                cr_expect_eq(reached_parts, reached);
                cr_expect_float_eq(parts, per[b] * reached, 1e-9);
            } else {
                cr_expect_eq(reached, 0, "brand %d step %d", b, t);
                cr_expect_eq(cost, 0, "brand %d step %d", b, t);
            }
            /* what the sales left after the goods and the response */
            cr_expect_float_eq(ATB(s, t, BS_SEG_ALL, BS_M_NET_CONTRIBUTION, b),
                               sc->brands[b].margin * ATB(s, t, BS_SEG_ALL, BS_M_REVENUE, b) - cost,
                               1e-9);
        }
    series_free(s);
    free(sc);
}

Test(economics, a_response_to_a_betrayal_costs_too_and_none_costs_nothing)
{
    bs_scenario *sc = market_new(4000, 10, 2);
    sc->brands[0].breach_response = BS_RESPONSE_APOLOGY;
    sc->brands[0].response_delay = 0; /* in the betrayal's own step */
    sc->economics.apology_fixed = 7;
    market_shock(sc, BS_SHOCK_BETRAYAL, 3, "a");
    market_shock(sc, BS_SHOCK_BETRAYAL, 3, "b");
    series *s = market_run(sc, 2);
    cr_expect_float_eq(series_sum(s, 0, 9, BS_SEG_ALL, BS_M_RESPONSE_COST, 0),
                       7 + 0.02 * ATB(s, 2, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS, 0), 1e-9);
    cr_expect_eq(series_sum(s, 0, 9, BS_SEG_ALL, BS_M_RESPONSE_COST, 1), 0, "b made no response");
    cr_expect_eq(series_sum(s, 0, 9, BS_SEG_ALL, BS_M_RESPONSE_REACHED, 1), 0);
    series_free(s);
    free(sc);
}

Test(economics, money_changes_no_number_of_the_model)
{
    bs_scenario *sc = priced_market();
    series *a = market_run(sc, 2);
    sc->economics.compensation_amount = 50;
    sc->economics.apology_per_customer = 0;
    for (int b = 0; b < 4; b++) sc->brands[b].margin = 0.9;
    series *b = market_run(sc, 1);
    const int first_economic = BS_M_RESPONSE_REACHED;
    for (int t = 0; t < a->steps; t++)
        for (int g = 0; g < BS_SEG_COUNT; g++)
            for (int m = 0; m < BS_M_COUNT; m++)
                for (int k = 0; k < 4; k++) {
                    double x = series_at(a, t, g, m, k), y = series_at(b, t, g, m, k);
                    if (m < first_economic || m == BS_M_RESPONSE_REACHED)
                        cr_assert_eq(x, y, "step %d segment %d metric %d brand %d", t, g, m, k);
                }
    cr_expect_neq(series_sum(a, 0, 13, BS_SEG_ALL, BS_M_NET_CONTRIBUTION, 1),
                  series_sum(b, 0, 13, BS_SEG_ALL, BS_M_NET_CONTRIBUTION, 1));
    series_free(a);
    series_free(b);
    free(sc);
}

Test(economics, the_section_loads_sets_and_refuses_bad_values)
{
    static const char text[] = "name: e\nbrands:\n  - name: a\n    margin: 0.45\n"
                               "economics:\n  compensation_amount: 3\n";
    bs_scenario sc;
    bs_error err = {0};
    cr_assert_eq(bs_scenario_load_string(text, sizeof text - 1, "e.yaml", &sc, &err), BS_OK, "%s",
                 err.msg);
    cr_expect_float_eq(sc.brands[0].margin, 0.45, 1e-12);
    cr_expect_float_eq(sc.economics.compensation_amount, 3, 1e-12);
    cr_expect_float_eq(sc.economics.apology_per_customer, 0.02, 1e-12, "the default");
    cr_assert_eq(bs_scenario_set(&sc, "economics.apology_fixed=250", &err), BS_OK, "%s", err.msg);
    cr_expect_float_eq(sc.economics.apology_fixed, 250, 1e-12);
    static const char bad[] = "name: e\nbrands:\n  - name: a\neconomics:\n  apology_fixed: -1\n";
    cr_expect_eq(bs_scenario_load_string(bad, sizeof bad - 1, "bad.yaml", &sc, &err), BS_ERR_INPUT);
    cr_expect(strstr(err.msg, "bad.yaml:5") && strstr(err.msg, "economics.apology_fixed"), "%s",
              err.msg);
    static const char typo[] = "name: e\nbrands:\n  - name: a\neconomics:\n  apology_fix: 1\n";
    cr_expect_eq(bs_scenario_load_string(typo, sizeof typo - 1, "typo.yaml", &sc, &err),
                 BS_ERR_INPUT);
    cr_expect(strstr(err.msg, "typo.yaml:5") && strstr(err.msg, "apology_fix"), "%s", err.msg);
}
