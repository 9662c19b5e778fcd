/* SPDX-License-Identifier: MIT */
/*
 * state.h: the class's state, shared by the files that build it (class.c),
 * read its games' numbers (numbers.c), write what a round publishes
 * (bulletin.c), the debrief (debrief.c) and the export (export.c). Callers
 * hold the class's lock.
 */
#ifndef BRANDSIM_CLASSROOM_STATE_H
#define BRANDSIM_CLASSROOM_STATE_H

#include "classroom/class.h"

struct cls_class {
    pthread_mutex_t lock;
    bs_scenario *sc;
    bs_scenario *practice; /* the practice's market: sc calm (no shocks), another seed */
    int seats;        /* team seats per market: the scenario's first min(6, brands) brands */
    int seat_order[CLS_MAX_SEATS]; /* the order teams take them: the first hit by a shock first */
    int n_markets, round_steps, rounds, threads, solo;
    char code[CLS_CODE_CHARS + 1], key[CLS_TOKEN_CHARS + 1];
    cls_phase phase;
    int round;        /* rounds played in this phase's game */
    int seq;          /* the teacher's writes so far */
    int computing, advance;
    int timer_s;      /* seconds per round (0: no timer) */
    double deadline;  /* bs_now_seconds() when the round is due (0: none) */
    int n_teams;
    cls_team teams[CLS_MAX_TEAMS];
    cls_market market[CLS_MAX_MARKETS];
    int practices;    /* practice games played before (each practice draws another seed) */
    char save_error[256];
    char failed[640]; /* why the last round could not be played ("": it could); no more rounds */
    char refused[CLS_MAX_TEAMS][512]; /* the round being played: why a team's decisions were
                                         refused ("": taken) */
    int (*save)(cls_class *c, void *ctx);
    void *save_ctx;
};

/* numbers.c: the scenario of the phase's games (the practice's in the practice, else the
   class's) */
const bs_scenario *cls_active(const cls_class *c);

/* bulletin.c: what round r (just played) publishes in market m: the newsletter (appended to
   the market's), each of its teams' inbox and research report. 0, or -1 out of memory. */
int cls_publish_round(cls_class *c, int m, int r, const char *const *refused);
/* The inbox's warnings for the round about to be decided (r) in market m: shocks to come; to
   every team of the market (team -1) or to one. */
int cls_warn_round(cls_class *c, int m, int r, int team);
/* debrief.c: market m's debrief as the teacher sees it (every team's forecasts), read from its
   game: built when a round is published, never while one computes */
json_t *cls_debrief_market(cls_class *c, int m);

/* Names of a course's enumerations, as the scenario spells them. */
const char *cls_norm_name(int v);
const char *cls_exit_name(int v);
const char *cls_response_name(int v);

/* The market view (newsletters, seats) of market m: what every team of it may see. */
json_t *cls_market_view(cls_class *c, int m);

/* numbers.c: metric `metric` of brand b in market m's game (segment seg) at step t, or its
   sum over the steps [from, to). */
double cls_sum(const cls_class *c, int m, int seg, int metric, int b, int from, int to);
double cls_at(const cls_class *c, int m, int seg, int metric, int b, int t);

#endif
