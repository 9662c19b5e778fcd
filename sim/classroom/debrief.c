/* SPDX-License-Identifier: MIT */
/*
 * debrief.c: the debrief of a market's game: the standard series (share,
 * revenue, revenge acts, loyalty, week by week, per brand), the moments
 * where a published finding showed in this game (docs/FINDINGS.md), and
 * each team's forecasts against what happened. Read from the game alone.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "classroom/state.h"

static json_t *series(cls_class *c, int m, int metric, int weeks)
{
    json_t *a = json_array();
    for (int s = 0; s < c->seats; s++) {
        json_t *x = json_array();
        for (int t = 0; t < weeks; t++) {
            double v = metric >= 0 ? cls_at(c, m, BS_SEG_ALL, metric, s, t)
                                   : cls_at(c, m, BS_SEG_ALL, BS_M_REVENGE_WOM, s, t) +
                                         cls_at(c, m, BS_SEG_ALL, BS_M_REVENGE_WITHHOLD, s, t) +
                                         cls_at(c, m, BS_SEG_ALL, BS_M_REVENGE_ANTIBRAND, s, t);
            json_array_append_new(x, json_real(v));
        }
        json_array_append_new(a, x);
    }
    return a;
}

static void moment(json_t *a, int round, const char *brand, const char *finding, const char *text)
{
    json_array_append_new(a, json_pack("{s:i, s:s, s:s, s:s}", "round", round, "brand", brand,
                                       "finding", finding, "text", text));
}

static json_t *moments(cls_class *c, int m, int weeks)
{
    json_t *a = json_array();
    const bs_game *g = c->market[m].game;
    int n;
    const bs_event *ev = bs_run_events(bs_game_market(g), &n);
    char text[640];
    for (int k = 0; k < n; k++) {
        const bs_event *e = &ev[k];
        const int s = e->brand, r = e->step / c->round_steps;
        if (e->step >= weeks || s >= c->seats)
            continue;
        const char *b = c->sc->brands[s].name;
        if (!strncmp(e->kind, "breach:", 7) || !strncmp(e->kind, "betrayal:", 9)) {
            /* F5/F7: the closest customers take the most revenge */
            double strong = 0, weak = 0;
            int at = e->step;
            for (int t = e->step; t < weeks && t < e->step + 2 * c->round_steps; t++) {
                double x = cls_at(c, m, BS_SEG_STRONG, BS_M_MEAN_REVENGE, s, t);
                if (x > strong)
                    strong = x, at = t, weak = cls_at(c, m, BS_SEG_WEAK, BS_M_MEAN_REVENGE, s, t);
            }
            if (strong > weak && strong > 0) {
                snprintf(text, sizeof text,
                         "%s's closest customers took the most revenge: in week %d the mean desire "
                         "for revenge was %.3f among its strong relationships and %.3f among its "
                         "weak ones. Love turns to hate when a close relationship is betrayed.",
                         b, at + 1, strong, weak);
                moment(a, r, b, "F5", text);
            }
            /* F13: yet they keep buying longer: the relationship cuts both ways */
            if (e->step > 0 && e->step + c->round_steps <= weeks) {
                const int before = e->step - 1, after = e->step + c->round_steps - 1;
                double sb = cls_at(c, m, BS_SEG_STRONG, BS_M_PURCHASES, s, before),
                       sa = cls_at(c, m, BS_SEG_STRONG, BS_M_PURCHASES, s, after),
                       wb = cls_at(c, m, BS_SEG_WEAK, BS_M_PURCHASES, s, before),
                       wa = cls_at(c, m, BS_SEG_WEAK, BS_M_PURCHASES, s, after);
                if (sb > 0 && wb > 0 && sa / sb > wa / wb) {
                    snprintf(text, sizeof text,
                             "Yet %s's strong relationships held their purchases better: a "
                             "quarter on they bought %.0f %% of what they had before, its weak "
                             "ones %.0f %%. Commitment and habit hold behaviour while feelings "
                             "sour.", b, 100 * sa / sb, 100 * wa / wb);
                    moment(a, r, b, "F13", text);
                }
            }
        } else if (!strncmp(e->kind, "response:", 9)) {
            const char *how = e->kind + 9;
            const int j = c->market[m].team_of_seat[s];
            if (j < 0 || r >= bs_game_round(g))
                continue;
            int gt = 0;
            for (int i = 0; i < s; i++) gt += c->market[m].team_of_seat[i] >= 0;
            double that = bs_game_round_standing(g, gt, r).score, since = 0;
            for (int q = r; q < bs_game_round(g); q++) since += bs_game_round_standing(g, gt, q).score;
            snprintf(text, sizeof text,
                     "%s answered with %s in week %d. Against what keeping its course would have "
                     "made: %+.0f of net contribution that round, %+.0f from then to round %d "
                     "(its other choices count too).",
                     b, !strcmp(how, "transparency_control") ? "transparency and control" : how,
                     e->step + 1, that, since, bs_game_round(g));
            moment(a, r, b, !strcmp(how, "transparency_control") ? "F3" : "F7", text);
        }
    }
    /* F10: win-back campaigns reopen the wound: the anti-brand acts while one ran */
    bs_scenario *sc = malloc(sizeof *sc);
    if (!sc)
        return a;
    bs_run_initial_scenario(bs_game_market(g), sc);
    const int exit_bit = bs_param_index(BS_SECTION_BRAND, "exit_policy");
    for (int s = 0; s < c->seats; s++) {
        double anti = 0;
        int policy = sc->brands[s].exit_policy, from = -1, to = -1;
        for (int t = 0; t < weeks; t++) {
            for (int k = 0; k < sc->n_shocks; k++) { /* the policy in force at week t */
                const bs_shock *sh = &sc->shocks[k];
                if (sh->kind == BS_SHOCK_POLICY && sh->step == t &&
                    (sh->policy_set >> exit_bit & 1))
                    for (int i = 0; i < sh->n_brands; i++)
                        if (sh->brands[i] == s)
                            policy = sh->policy.exit_policy;
            }
            if (policy != BS_EXIT_WIN_BACK)
                continue;
            anti += cls_at(c, m, BS_SEG_ALL, BS_M_REVENGE_ANTIBRAND, s, t);
            from = from < 0 ? t : from;
            to = t;
        }
        if (from >= 0 && anti >= 1) {
            snprintf(text, sizeof text,
                     "%s ran win-back campaigns at customers who had left (weeks %d to %d); in "
                     "those weeks it drew %.0f anti-brand acts. Contacting those who left keeps "
                     "the wound open; a clean break helps them move on (exploratory).",
                     sc->brands[s].name, from + 1, to + 1, anti);
            moment(a, to / c->round_steps, sc->brands[s].name, "F10", text);
        }
    }
    free(sc);
    return a;
}

static json_t *forecasts(cls_class *c, int m)
{
    json_t *a = json_array();
    const bs_game *g = c->market[m].game;
    for (int s = 0; s < c->seats; s++) {
        const int j = c->market[m].team_of_seat[s];
        if (j < 0)
            continue;
        int gt = 0;
        for (int i = 0; i < s; i++) gt += c->market[m].team_of_seat[i] >= 0;
        for (int r = 0; r < bs_game_round(g); r++) {
            if (!c->teams[j].forecast[r][0])
                continue;
            const double before = cls_at(c, m, BS_SEG_ALL, BS_M_MARKET_SHARE, s,
                                         r ? r * c->round_steps - 1 : 0),
                         after = cls_at(c, m, BS_SEG_ALL, BS_M_MARKET_SHARE, s,
                                        (r + 1) * c->round_steps - 1);
            char outcome[160];
            snprintf(outcome, sizeof outcome, "share %.1f %% (week %d) → %.1f %% (week %d), score %+.0f",
                     100 * before, r ? r * c->round_steps : 1, 100 * after,
                     (r + 1) * c->round_steps, bs_game_round_standing(g, gt, r).score);
            json_array_append_new(a, json_pack("{s:i, s:s, s:s, s:s, s:s}", "round", r, "team",
                                               c->teams[j].name, "brand", c->sc->brands[s].name,
                                               "forecast", c->teams[j].forecast[r], "outcome",
                                               outcome));
        }
    }
    return a;
}

/* Each team's score, round by round. */
static json_t *scores(cls_class *c, int m)
{
    json_t *a = json_array();
    const bs_game *g = c->market[m].game;
    for (int s = 0, gt = 0; s < c->seats; s++) {
        const int j = c->market[m].team_of_seat[s];
        if (j < 0)
            continue;
        json_t *x = json_array();
        for (int r = 0; r < bs_game_round(g); r++)
            json_array_append_new(x, json_real(bs_game_round_standing(g, gt, r).score));
        json_array_append_new(a, json_pack("{s:s, s:s, s:o}", "team", c->teams[j].name, "brand",
                                           c->sc->brands[s].name, "rounds", x));
        gt++;
    }
    return a;
}

json_t *cls_debrief_market(cls_class *c, int m)
{
    const int weeks = bs_game_round(c->market[m].game) * c->round_steps;
    json_t *brands = json_array();
    for (int s = 0; s < c->seats; s++)
        json_array_append_new(brands, json_string(c->sc->brands[s].name));
    return json_pack("{s:i, s:i, s:o, s:{s:o, s:o, s:o, s:o}, s:o, s:o, s:o}", "market", m, "weeks",
                     weeks, "brands", brands, "series", "share",
                     series(c, m, BS_M_MARKET_SHARE, weeks), "revenue",
                     series(c, m, BS_M_REVENUE, weeks), "revenge_acts", series(c, m, -1, weeks),
                     "repeat_rate", series(c, m, BS_M_REPEAT_RATE, weeks), "moments",
                     moments(c, m, weeks), "forecasts", forecasts(c, m), "scores", scores(c, m));
}
