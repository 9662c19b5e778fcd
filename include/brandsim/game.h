/* SPDX-License-Identifier: MIT */
/*
 * game.h: a market played in rounds by teams, each running one brand (the
 * classroom's engine, issue 20; the server is a face over it). A round is
 * `round_steps` steps (13 weekly steps: a quarter). Before each round every
 * team may change its brand's course (any brand field: price,
 * personalization, transparency, control, norm, exit policy, breach response);
 * its decisions become a policy shock at the round's first step
 * (bs_run_add_policy), so the market steps on from where it stood. Brands no
 * team holds keep their scenario's course.
 *
 * Each team is scored against its own counterfactual: the same market, the
 * same seed and every other team's decisions, where this team kept its
 * scenario's course all game. Runs are pure functions of (scenario, seed),
 * so the counterfactual is exact and a game is a pure function of (scenario,
 * seed, its decisions): the log (bs_game_write_log) replays it bit for bit
 * (bs_game_replay). No printing, no exit, no global state.
 */
#ifndef BS_GAME_H
#define BS_GAME_H

#include <stdio.h>

#include "brandsim/error.h"
#include "brandsim/run.h"
#include "brandsim/scenario.h"
#include "brandsim/visibility.h"

BS_API_BEGIN

#define BS_GAME_MAX_TEAMS 16
#define BS_GAME_DECISION_MAX 96 /* one "key=value", with its NUL */
#define BS_GAME_MAX_DECISIONS 32 /* per team and round */

typedef struct bs_game bs_game;

/* A brand no team holds, played by the computer with a built-in strategy (bs_game_strategies):
 * "steady" keeps the scenario's course; "steward" is communal, open about data, generous with
 * control, breaks cleanly with leavers and readies transparency and control when warned of a
 * breach; "discounter" is business-like and moves its price against its share (cuts 5 % when
 * it fell, raises 3 % when it rose); "harvester" mines data, wins back leavers and stays silent
 * after a breach. A strategy plays each run on its own: in a team's counterfactual it answers
 * what happens there, so the counterfactual is exactly the market had the team changed
 * nothing. */
typedef struct {
    const char *brand;
    const char *strategy;
} bs_game_computer;

typedef struct {
    int round_steps; /* steps per round (0: 13, a quarter of weekly steps) */
    int threads;     /* OpenMP threads per run (0: the default); the numbers do not depend on it */
    int n_computers; /* computer brands (at most BS_GAME_MAX_TEAMS) */
    const bs_game_computer *computers;
} bs_game_opts;

/* The built-in strategies' names, in order (static storage); *n of them. */
const char *const *bs_game_strategies(int *n);

/* A game on the validated market `sc`, the brands named in `teams` (n_teams, 1 to
 * BS_GAME_MAX_TEAMS, each once) held by teams, in that order. Rounds: sc->steps /
 * round_steps (a last, shorter round is not played). NULL and err on failure
 * (BS_ERR_INPUT: a name that is not a brand, a brand twice, among the teams or the computers,
 * an unknown strategy, no whole round). */
bs_game *bs_game_new(const bs_scenario *sc, const char *const *teams, int n_teams,
                     const bs_game_opts *opt, bs_error *err);
void bs_game_free(bs_game *g);

int bs_game_rounds(const bs_game *g);      /* rounds in the game */
int bs_game_round(const bs_game *g);       /* rounds played so far */
int bs_game_round_steps(const bs_game *g);
int bs_game_teams(const bs_game *g);
const char *bs_game_team(const bs_game *g, int team); /* its brand's name */
int bs_game_team_brand(const bs_game *g, int team);   /* its brand's index */
int bs_game_computers(const bs_game *g);
const char *bs_game_computer_brand(const bs_game *g, int c);
const char *bs_game_computer_strategy(const bs_game *g, int c);
/* Computer brand c's decisions in the market at the start of the last round played, as
 * "key=value" separated by spaces ("" when it kept its course). */
const char *bs_game_computer_move(const bs_game *g, int c);

/* Team `team`'s decisions for the next round, "key=value" brand fields as a policy takes them
 * ("price=1.1", "breach_response=apology"); they replace any it made before for this round
 * (n_sets 0: none, it keeps its course). BS_ERR_INPUT (naming the field and what was
 * expected) for a field or value the scenario refuses, too many or too long: nothing is
 * changed then. BS_ERR_RUNTIME after the last round. */
bs_status bs_game_decide(bs_game *g, int team, const char *const *sets, int n_sets,
                         bs_error *err);

/* Play the next round: every team's decisions take effect at the round's first step, and in
 * each run every computer brand's, then the market and every team's counterfactual step
 * round_steps steps. On an error (out of memory,
 * or after the last round: BS_ERR_RUNTIME) the game is unusable, except after the last round. */
bs_status bs_game_play(bs_game *g, bs_error *err);

/* The market as it stands (bs_run_stats: its last step; bs_run_events; bs_run_scenario: its
 * brands as they stand; bs_run_initial_scenario: the scenario with the decisions listed as
 * policy shocks), and team j's counterfactual. Owned by the game. */
const bs_run *bs_game_market(const bs_game *g);
/* The market's aggregates after its step t + 1 (t 0-based, below the steps played), as
 * bs_run_stats gave them then: *out points into the game (valid until the next round).
 * BS_ERR_INPUT for a step not played. */
bs_status bs_game_market_stats_at(const bs_game *g, int t, bs_stats *out, bs_error *err);
const bs_run *bs_game_counterfactual(const bs_game *g, int team);

/* A team's standing after the rounds played: its brand's totals over the game's steps, in the
 * market and in its counterfactual. Net contribution is margin x revenue - response cost
 * (the scenario's economics); score = net - its counterfactual's net. */
typedef struct {
    double revenue, counterfactual_revenue;
    double net, counterfactual_net;
    double score;
    double share, counterfactual_share; /* market share at the last step */
    double revenge_acts;                /* revenge acts against the brand (sum of the three kinds) */
} bs_game_standing;

bs_game_standing bs_game_standing_of(const bs_game *g, int team);
/* The same for one round played (0-based; all zero for a round not played): the brand's
 * totals over the round's steps and its share at the round's end, what a newsletter
 * reports. The rounds' standings add up to bs_game_standing_of's totals. */
bs_game_standing bs_game_round_standing(const bs_game *g, int team, int round);

/* The decisions so far as text: a line "ROUND TEAM key=value" per decision (round 0-based,
 * team by its brand name), in the order they took effect. */
bs_status bs_game_write_log(const bs_game *g, FILE *f, bs_error *err);

/* The same log as one string (malloc'd: the caller frees it), for bindings; NULL when out of
 * memory. */
char *bs_game_log_string(const bs_game *g);

/* A run changes course now: bs_scenario_policy_shock() of `brand`'s "key=value" fields, then
 * bs_run_add_policy() (the same numbers as the scenario listing that policy at this step). */
bs_status bs_run_change_course(bs_run *run, const char *brand, const char *const *sets,
                               int n_sets, bs_error *err);

/* The game of a log (as bs_game_write_log writes it: lines of other forms are refused with
 * their line number): a new game of (sc, teams, opt) with every logged round played. The
 * same numbers, bit for bit, as the game that wrote it. */
bs_game *bs_game_replay(const bs_scenario *sc, const char *const *teams, int n_teams,
                        const bs_game_opts *opt, const char *log, bs_error *err);

BS_API_END

#endif
