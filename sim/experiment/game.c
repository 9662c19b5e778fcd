/* SPDX-License-Identifier: MIT */
/*
 * game.c: a market played in rounds by teams (game.h). The game holds the
 * market's run and one counterfactual run per team; a round adds each team's
 * decisions as a policy shock to the market and to every other team's
 * counterfactual (bs_run_add_policy), then steps all of them, adding up each
 * team's revenue and net contribution as it goes. Computer brands decide in
 * each run on their own (strategy.c), from what happened in that run. The
 * log is the teams' decisions in the order they took effect, with a line
 * closing each round (the computers' follow from them).
 */
#define _POSIX_C_SOURCE 200809L
#include "brandsim/game.h"

#include <stdlib.h>
#include <string.h>

#include "brandsim/metrics.h"
#include "experiment/record.h"
#include "experiment/strategy.h"

typedef struct {
    int round, team;
    char set[BS_GAME_DECISION_MAX];
} logged;

struct bs_game {
    bs_scenario *sc;
    int round_steps, rounds, round, threads;
    int n_teams;
    int brand[BS_GAME_MAX_TEAMS];
    bs_run *market;
    bs_run *cf[BS_GAME_MAX_TEAMS];
    int n_pending[BS_GAME_MAX_TEAMS]; /* decisions for the next round: their text (the log) */
    char pending[BS_GAME_MAX_TEAMS][BS_GAME_MAX_DECISIONS][BS_GAME_DECISION_MAX];
    bs_shock pending_shock[BS_GAME_MAX_TEAMS]; /* ... and the policy shock made of them */
    logged *log;
    size_t n_log, cap_log;
    bs_game_standing *history; /* [round * n_teams + team]: each round played */
    int n_computers;
    int computer_brand[BS_GAME_MAX_TEAMS], strategy[BS_GAME_MAX_TEAMS];
    bs_strategy_memory memory[1 + BS_GAME_MAX_TEAMS][BS_GAME_MAX_TEAMS]; /* [run][computer]:
                                                      run 0 the market, 1 + j team j's cf */
    char move[BS_GAME_MAX_TEAMS][BS_GAME_MAX_DECISIONS * BS_GAME_DECISION_MAX];
    bs_record steps; /* the market's aggregates, step by step */
};

/* The index of brand `name` in sc, or -1. */
static int brand_index(const bs_scenario *sc, const char *name)
{
    for (int b = 0; b < sc->n_brands; b++)
        if (!strcmp(sc->brands[b].name, name))
            return b;
    return -1;
}

static double value(const bs_run *run, bs_metric m, int b)
{
    const bs_stats *st = bs_run_stats(run);
    return st->v[(size_t)m * (size_t)st->n_brands + (size_t)b]; /* segment 0: all customers */
}

bs_game *bs_game_new(const bs_scenario *sc, const char *const *teams, int n_teams,
                     const bs_game_opts *opt, bs_error *err)
{
    static const bs_game_opts none = {0};
    if (!opt)
        opt = &none;
    const int round_steps = opt->round_steps > 0 ? opt->round_steps : 13;
    if (n_teams < 1 || n_teams > BS_GAME_MAX_TEAMS) {
        bs_error_setf(err, BS_ERR_INPUT, "%d teams, expected 1 to %d", n_teams, BS_GAME_MAX_TEAMS);
        return NULL;
    }
    if (sc->steps / round_steps < 1) {
        bs_error_setf(err, BS_ERR_INPUT, "scenario '%s' has %d steps, fewer than a round of %d",
                      sc->name, sc->steps, round_steps);
        return NULL;
    }
    bs_game *g = calloc(1, sizeof *g);
    if (!g || !(g->sc = malloc(sizeof *g->sc))) {
        free(g);
        bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
        return NULL;
    }
    memcpy(g->sc, sc, sizeof *g->sc);
    g->round_steps = round_steps;
    g->rounds = sc->steps / round_steps;
    g->threads = opt->threads;
    g->n_teams = n_teams;
    for (int j = 0; j < n_teams; j++) {
        const int b = brand_index(sc, teams[j]);
        if (b < 0) {
            bs_error_setf(err, BS_ERR_INPUT, "team %d: '%s' is not a brand of scenario '%s'", j + 1,
                          teams[j], sc->name);
            bs_game_free(g);
            return NULL;
        }
        for (int k = 0; k < j; k++)
            if (g->brand[k] == b) {
                bs_error_setf(err, BS_ERR_INPUT, "team %d: brand '%s' has a team already", j + 1,
                              teams[j]);
                bs_game_free(g);
                return NULL;
            }
        g->brand[j] = b;
    }
    if (opt->n_computers < 0 || opt->n_computers > BS_GAME_MAX_TEAMS) {
        bs_error_setf(err, BS_ERR_INPUT, "%d computer brands, expected at most %d",
                      opt->n_computers, BS_GAME_MAX_TEAMS);
        bs_game_free(g);
        return NULL;
    }
    for (int c = 0; c < opt->n_computers; c++) {
        const bs_game_computer *pc = &opt->computers[c];
        const int b = brand_index(sc, pc->brand), st = bs_strategy_by_name(pc->strategy);
        int taken = 0;
        for (int j = 0; j < n_teams; j++) taken |= g->brand[j] == b;
        for (int k = 0; k < c; k++) taken |= g->computer_brand[k] == b;
        if (b < 0 || taken || st < 0) {
            bs_error_setf(err, BS_ERR_INPUT, "computer brand %d: '%s' %s", c + 1, pc->brand,
                          b < 0 ? "is not a brand of the scenario"
                          : taken ? "has a team or a computer already"
                                  : "has an unknown strategy, expected steady, steward, "
                                    "discounter or harvester");
            bs_game_free(g);
            return NULL;
        }
        g->computer_brand[c] = b;
        g->strategy[c] = st;
    }
    g->n_computers = opt->n_computers;
    if (!(g->history = calloc((size_t)g->rounds * (size_t)n_teams, sizeof *g->history))) {
        bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
        bs_game_free(g);
        return NULL;
    }
    g->market = bs_run_alloc(sc, g->threads, err);
    for (int j = 0; g->market && j < n_teams; j++)
        if (!(g->cf[j] = bs_run_alloc(sc, g->threads, err)))
            break;
    if (!g->market || !g->cf[n_teams - 1]) {
        bs_game_free(g);
        return NULL;
    }
    return g;
}

void bs_game_free(bs_game *g)
{
    if (!g)
        return;
    bs_run_free(g->market);
    for (int j = 0; j < g->n_teams; j++)
        bs_run_free(g->cf[j]);
    free(g->log);
    free(g->history);
    free(g->steps.bytes);
    free(g->sc);
    free(g);
}

int bs_game_rounds(const bs_game *g) { return g->rounds; }
int bs_game_round(const bs_game *g) { return g->round; }
int bs_game_round_steps(const bs_game *g) { return g->round_steps; }
int bs_game_teams(const bs_game *g) { return g->n_teams; }
const char *bs_game_team(const bs_game *g, int team) { return g->sc->brands[g->brand[team]].name; }
int bs_game_team_brand(const bs_game *g, int team) { return g->brand[team]; }
int bs_game_computers(const bs_game *g) { return g->n_computers; }
const char *bs_game_computer_brand(const bs_game *g, int c) { return g->sc->brands[g->computer_brand[c]].name; }
const char *bs_game_computer_strategy(const bs_game *g, int c) { return bs_strategy_name(g->strategy[c]); }
const char *bs_game_computer_move(const bs_game *g, int c) { return g->move[c]; }
const bs_run *bs_game_market(const bs_game *g) { return g->market; }
const bs_run *bs_game_counterfactual(const bs_game *g, int team) { return g->cf[team]; }

/* The policy shock of team j's decisions, checked against the market as it stands. */
static bs_status shock_of(const bs_game *g, int j, const char *const *sets, int n, bs_shock *sh,
                          bs_error *err)
{
    const bs_scenario *now = bs_run_scenario(g->market);
    bs_status s = bs_scenario_policy_shock(now, bs_game_team(g, j), sets, n, sh, err);
    if (s)
        return s;
    bs_scenario *next = malloc(sizeof *next); /* the whole scenario with it: cross checks */
    if (!next)
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    memcpy(next, now, sizeof *next);
    next->shocks[next->n_shocks] = *sh;
    next->shocks[next->n_shocks++].step = bs_run_steps_done(g->market);
    s = bs_scenario_validate(next, NULL, err);
    free(next);
    return s;
}

bs_status bs_game_decide(bs_game *g, int team, const char *const *sets, int n_sets,
                         bs_error *err)
{
    if (team < 0 || team >= g->n_teams)
        return bs_error_setf(err, BS_ERR_INPUT, "team %d of %d", team + 1, g->n_teams);
    if (g->round >= g->rounds)
        return bs_error_setf(err, BS_ERR_RUNTIME, "the game is over after %d rounds", g->rounds);
    if (n_sets < 0 || n_sets > BS_GAME_MAX_DECISIONS)
        return bs_error_setf(err, BS_ERR_INPUT, "%d decisions, expected at most %d", n_sets,
                             BS_GAME_MAX_DECISIONS);
    for (int k = 0; k < n_sets; k++)
        if (strlen(sets[k]) >= BS_GAME_DECISION_MAX || strchr(sets[k], '\n') || strchr(sets[k], ' '))
            return bs_error_setf(err, BS_ERR_INPUT, "decision '%.40s': longer than %d characters "
                                 "or with a space, expected key=value",
                                 sets[k], BS_GAME_DECISION_MAX - 1);
    if (n_sets > 0) {
        bs_status s = shock_of(g, team, sets, n_sets, &g->pending_shock[team], err);
        if (s)
            return s;
    }
    for (int k = 0; k < n_sets; k++)
        snprintf(g->pending[team][k], BS_GAME_DECISION_MAX, "%s", sets[k]);
    g->n_pending[team] = n_sets;
    return BS_OK;
}

static bs_status log_decision(bs_game *g, int j, const char *set, bs_error *err)
{
    if (g->n_log == g->cap_log) {
        size_t cap = g->cap_log ? 2 * g->cap_log : 64;
        logged *l = realloc(g->log, cap * sizeof *l);
        if (!l)
            return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
        g->log = l;
        g->cap_log = cap;
    }
    logged *e = &g->log[g->n_log++];
    e->round = g->round;
    e->team = j;
    snprintf(e->set, sizeof e->set, "%s", set);
    return BS_OK;
}

bs_status bs_game_play(bs_game *g, bs_error *err)
{
    if (g->round >= g->rounds)
        return bs_error_setf(err, BS_ERR_RUNTIME, "the game is over after %d rounds", g->rounds);
    for (int j = 0; j < g->n_teams; j++) {
        if (!g->n_pending[j])
            continue;
        const bs_shock *sh = &g->pending_shock[j];
        bs_status s = bs_run_add_policy(g->market, sh, err);
        for (int k = 0; !s && k < g->n_teams; k++) /* every other team's counterfactual */
            if (k != j)
                s = bs_run_add_policy(g->cf[k], sh, err);
        for (int k = 0; !s && k < g->n_pending[j]; k++)
            s = log_decision(g, j, g->pending[j][k], err);
        if (s)
            return s;
        g->n_pending[j] = 0;
    }
    for (int r = 0; r <= g->n_teams; r++) { /* the computers, in each run on its own */
        bs_run *run = r ? g->cf[r - 1] : g->market;
        for (int c = 0; c < g->n_computers; c++) {
            char sets[BS_GAME_MAX_DECISIONS][BS_GAME_DECISION_MAX];
            const char *v[BS_GAME_MAX_DECISIONS];
            int n = bs_strategy_decide(g->strategy[c], run, g->computer_brand[c], g->round_steps,
                                       &g->memory[r][c], sets);
            for (int k = 0; k < n; k++)
                v[k] = sets[k];
            if (!r) { /* what the newsletter reports */
                g->move[c][0] = '\0';
                for (int k = 0; k < n; k++)
                    snprintf(g->move[c] + strlen(g->move[c]), sizeof g->move[c] - strlen(g->move[c]),
                             "%s%s", k ? " " : "", sets[k]);
            }
            bs_status s = n ? bs_run_change_course(run, bs_game_computer_brand(g, c), v, n, err)
                            : BS_OK;
            if (s)
                return s;
        }
    }
    bs_game_standing *row = g->history + (size_t)g->round * (size_t)g->n_teams;
    for (int t = 0; t < g->round_steps; t++) {
        bs_status s = bs_run_step(g->market, err);
        if (!s)
            s = bs_record_step(&g->steps, g->market, err);
        for (int j = 0; !s && j < g->n_teams; j++)
            s = bs_run_step(g->cf[j], err);
        if (s)
            return s;
        for (int j = 0; j < g->n_teams; j++) {
            const int b = g->brand[j];
            row[j].revenue += value(g->market, BS_M_REVENUE, b);
            row[j].net += value(g->market, BS_M_NET_CONTRIBUTION, b);
            row[j].revenge_acts += value(g->market, BS_M_REVENGE_WOM, b)
                                   + value(g->market, BS_M_REVENGE_WITHHOLD, b)
                                   + value(g->market, BS_M_REVENGE_ANTIBRAND, b);
            row[j].counterfactual_revenue += value(g->cf[j], BS_M_REVENUE, b);
            row[j].counterfactual_net += value(g->cf[j], BS_M_NET_CONTRIBUTION, b);
        }
    }
    for (int j = 0; j < g->n_teams; j++) {
        row[j].score = row[j].net - row[j].counterfactual_net;
        row[j].share = value(g->market, BS_M_MARKET_SHARE, g->brand[j]);
        row[j].counterfactual_share = value(g->cf[j], BS_M_MARKET_SHARE, g->brand[j]);
    }
    g->round++;
    return BS_OK;
}

bs_status bs_game_market_stats_at(const bs_game *g, int t, bs_stats *out, bs_error *err)
{
    const int played = g->round * g->round_steps;
    if (t < 0 || t >= played)
        return bs_error_setf(err, BS_ERR_INPUT, "step %d of the market: %d steps played", t + 1,
                             played);
    bs_record_view view;
    bs_status s = bs_record_open(g->steps.bytes, g->steps.len, g->sc, &view, err);
    if (s)
        return s;
    const double *v, *market, *quantile[BS_QG_COUNT];
    bs_record_stats_at(&view, g->sc->n_brands, t, &v, &market, quantile);
    memset(out, 0, sizeof *out);
    out->step = t;
    out->n_brands = g->sc->n_brands;
    out->v = (double *)v;
    memcpy(out->market, market, sizeof out->market);
    out->quantile_trait = g->sc->quantile_trait;
    for (int q = 0; q < BS_QG_COUNT; q++) {
        out->quantile_bins[q] = view.bins[q];
        out->quantile[q] = view.bins[q] ? (double *)quantile[q] : NULL;
    }
    return BS_OK;
}

bs_game_standing bs_game_round_standing(const bs_game *g, int team, int round)
{
    static const bs_game_standing none = {0};
    if (team < 0 || team >= g->n_teams || round < 0 || round >= g->round)
        return none;
    return g->history[(size_t)round * (size_t)g->n_teams + (size_t)team];
}

bs_game_standing bs_game_standing_of(const bs_game *g, int j)
{
    bs_game_standing s = {0};
    for (int r = 0; r < g->round; r++) {
        const bs_game_standing *x = &g->history[(size_t)r * (size_t)g->n_teams + (size_t)j];
        s.revenue += x->revenue;
        s.counterfactual_revenue += x->counterfactual_revenue;
        s.net += x->net;
        s.counterfactual_net += x->counterfactual_net;
        s.revenge_acts += x->revenge_acts;
        s.share = x->share;
        s.counterfactual_share = x->counterfactual_share;
    }
    s.score = s.net - s.counterfactual_net;
    return s;
}

bs_status bs_game_write_log(const bs_game *g, FILE *f, bs_error *err)
{
    size_t k = 0;
    for (int r = 0; r < g->round; r++) {
        for (; k < g->n_log && g->log[k].round == r; k++)
            fprintf(f, "%d %s %s\n", r, bs_game_team(g, g->log[k].team), g->log[k].set);
        fprintf(f, "%d end\n", r);
    }
    if (fflush(f) || ferror(f))
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot write the game's log");
    return BS_OK;
}

char *bs_game_log_string(const bs_game *g)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    bs_error err = {0};
    bs_status s = bs_game_write_log(g, m, &err);
    if (fclose(m) || s) {
        free(buf);
        return NULL;
    }
    return buf;
}

bs_status bs_run_change_course(bs_run *run, const char *brand, const char *const *sets,
                               int n_sets, bs_error *err)
{
    bs_shock sh;
    bs_status s = bs_scenario_policy_shock(bs_run_scenario(run), brand, sets, n_sets, &sh, err);
    return s ? s : bs_run_add_policy(run, &sh, err);
}

bs_game *bs_game_replay(const bs_scenario *sc, const char *const *teams, int n_teams,
                        const bs_game_opts *opt, const char *log, bs_error *err)
{
    bs_game *g = bs_game_new(sc, teams, n_teams, opt, err);
    if (!g)
        return NULL;
    /* per team, the decisions of the round being read */
    static const int cap = BS_GAME_MAX_DECISIONS;
    char(*sets)[BS_GAME_MAX_DECISIONS][BS_GAME_DECISION_MAX] = calloc(BS_GAME_MAX_TEAMS, sizeof *sets);
    int n[BS_GAME_MAX_TEAMS] = {0};
    bs_status s = sets ? BS_OK : bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    int lineno = 0;
    for (const char *p = log; s == BS_OK && p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char line[BS_NAME_MAX + BS_GAME_DECISION_MAX + 32];
        lineno++;
        if (len >= sizeof line) {
            s = bs_error_setf(err, BS_ERR_INPUT, "game log:%d: a line too long", lineno);
            break;
        }
        memcpy(line, p, len);
        line[len] = '\0';
        p = eol ? eol + 1 : NULL;
        if (!len)
            continue;
        char *sp1 = strchr(line, ' '), *sp2 = strrchr(line, ' ');
        char *end;
        long r = strtol(line, &end, 10);
        if (!sp1 || end != sp1 || r != g->round) {
            s = bs_error_setf(err, BS_ERR_INPUT, "game log:%d: '%s', expected \"%d TEAM key=value\" "
                              "or \"%d end\" (rounds in order)", lineno, line, g->round, g->round);
            break;
        }
        if (sp1 == sp2 && !strcmp(sp1 + 1, "end")) { /* the round is complete: play it */
            for (int j = 0; s == BS_OK && j < g->n_teams; j++) {
                const char *v[BS_GAME_MAX_DECISIONS];
                for (int k = 0; k < n[j]; k++)
                    v[k] = sets[j][k];
                s = bs_game_decide(g, j, v, n[j], err);
                n[j] = 0;
            }
            if (s == BS_OK)
                s = bs_game_play(g, err);
            continue;
        }
        *sp2 = '\0';
        int j = 0;
        while (j < g->n_teams && (sp1 == sp2 || strcmp(bs_game_team(g, j), sp1 + 1))) j++;
        if (j == g->n_teams || n[j] >= cap) {
            s = bs_error_setf(err, BS_ERR_INPUT, "game log:%d: '%s' is not a team of this game, "
                              "or it has more than %d decisions in a round", lineno, sp1 + 1, cap);
            break;
        }
        snprintf(sets[j][n[j]++], BS_GAME_DECISION_MAX, "%s", sp2 + 1);
    }
    free(sets);
    if (s) {
        bs_game_free(g);
        return NULL;
    }
    return g;
}
