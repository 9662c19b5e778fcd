/* SPDX-License-Identifier: MIT */
/*
 * strategy.c: the built-in strategies of a game's computer brands (game.h).
 * A strategy is a pure function of the run it plays in (its last step's
 * aggregates, the shocks its scenario has coming) and of what it did before
 * in that run (strategy.h's memory): so in a game each run (the market, and
 * every team's counterfactual) has its computer brands answer what happens
 * in that run, and the game stays a pure function of (scenario, seed,
 * decisions).
 *
 *   steady      keeps the scenario's course.
 *   steward     treats customers as partners: communal, open about data and
 *               generous with control, a clean break for leavers; warned of a
 *               breach or betrayal in the next round, it readies transparency
 *               and control at once.
 *   discounter  competes on price: business-like, cuts 5 % when its share fell
 *               over the last round (to 0.6 at least), raises 3 % when it
 *               rose (to its starting price at most); compensates after a
 *               breach, two weeks on.
 *   harvester   mines its customers' data: heavy personalization, little
 *               transparency or control, win-back campaigns, silence after a
 *               breach.
 */
#include "experiment/strategy.h"

#include <stdio.h>
#include <string.h>

#include "brandsim/metrics.h"

static const char *const names[BS_STRATEGY_COUNT] = {"steady", "steward", "discounter",
                                                     "harvester"};

const char *const *bs_game_strategies(int *n)
{
    if (n)
        *n = BS_STRATEGY_COUNT;
    return names;
}

const char *bs_strategy_name(int s)
{
    return s >= 0 && s < BS_STRATEGY_COUNT ? names[s] : NULL;
}

int bs_strategy_by_name(const char *name)
{
    for (int s = 0; s < BS_STRATEGY_COUNT; s++)
        if (!strcmp(names[s], name))
            return s;
    return -1;
}

/* A breach or betrayal of brand b in the steps [from, to) of the run's scenario. */
static int shock_coming(const bs_scenario *sc, int b, int from, int to)
{
    for (int s = 0; s < sc->n_shocks; s++) {
        const bs_shock *sh = &sc->shocks[s];
        if ((sh->kind != BS_SHOCK_BREACH && sh->kind != BS_SHOCK_BETRAYAL) || sh->step < from ||
            sh->step >= to || sh->size <= 0)
            continue;
        for (int j = 0; j < sh->n_brands; j++)
            if (sh->brands[j] == b)
                return 1;
    }
    return 0;
}

static double share_of(const bs_run *run, int b)
{
    const bs_stats *st = bs_run_stats(run);
    return st->v[(size_t)BS_M_MARKET_SHARE * (size_t)st->n_brands + (size_t)b];
}

int bs_strategy_decide(int strategy, const bs_run *run, int brand, int round_steps,
                       bs_strategy_memory *mem, char sets[][BS_GAME_DECISION_MAX])
{
    const bs_scenario *sc = bs_run_scenario(run);
    const int now = bs_run_steps_done(run);
    const int warned = shock_coming(sc, brand, now, now + round_steps);
    int n = 0;
#define SET(...) snprintf(sets[n++], BS_GAME_DECISION_MAX, __VA_ARGS__)
    if (!mem->started)
        mem->price = mem->start_price = sc->brands[brand].price;
    switch (strategy) {
    case BS_STRATEGY_STEWARD:
        if (!mem->started) {
            SET("norm=communal");
            SET("transparency=0.8");
            SET("control=0.8");
            SET("personalization=0.4");
            SET("exit_policy=clean_break");
        }
        if (warned && !mem->readied) {
            SET("breach_response=transparency_control");
            SET("response_delay=0");
            mem->readied = 1;
        }
        break;
    case BS_STRATEGY_DISCOUNTER:
        if (!mem->started) {
            SET("norm=exchange");
            SET("breach_response=compensation");
            SET("response_delay=2");
        } else if (mem->measured) {
            const double share = share_of(run, brand), start = mem->start_price;
            double price = mem->price;
            if (share < mem->share - 0.005)
                price = price * 0.95 < 0.6 ? 0.6 : price * 0.95;
            else if (share > mem->share + 0.005)
                price = price * 1.03 > start ? start : price * 1.03;
            if (price != mem->price) {
                SET("price=%.4f", price);
                mem->price = price;
            }
        }
        break;
    case BS_STRATEGY_HARVESTER:
        if (!mem->started) {
            SET("personalization=0.9");
            SET("transparency=0.2");
            SET("control=0.1");
            SET("exit_policy=win_back");
            SET("breach_response=none");
        }
        break;
    default: /* steady */
        break;
    }
#undef SET
    if (now > 0) {
        mem->share = share_of(run, brand);
        mem->measured = 1;
    }
    mem->started = 1;
    return n;
}
