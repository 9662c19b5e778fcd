/* SPDX-License-Identifier: MIT */
/*
 * class.h: a class playing the breach-response game (docs/CLASSROOM.md): its
 * join code and teacher key, its teams (name, secret token, market, brand,
 * the course they set), its markets (each a bs_game of the library, with
 * computer brands in the seats no team took), the phase (lobby, practice,
 * competition, over) and the round. What the pages show is built here as
 * JSON (jansson): every view holds only what its reader may see. No HTTP
 * (api.c answers requests, server.c serves them) and no files (store.c).
 *
 * Thread safety: every function takes the class's lock, except
 * cls_play_round, which takes it to collect the decisions and to publish the
 * round, and computes the round without it (readers meanwhile see
 * "computing" and the last round published).
 */
#ifndef BRANDSIM_CLASSROOM_CLASS_H
#define BRANDSIM_CLASSROOM_CLASS_H

#include <jansson.h>
#include <pthread.h>

#include "brandsim/error.h"
#include "brandsim/game.h"
#include "brandsim/scenario.h"

#define CLS_MAX_MARKETS 8
#define CLS_MAX_SEATS 6 /* brand teams per market */
#define CLS_MAX_TEAMS (CLS_MAX_MARKETS * CLS_MAX_SEATS)
#define CLS_MAX_ROUNDS 64
#define CLS_NAME_MAX 24      /* characters of a team name */
#define CLS_STATEMENT_MAX 280
#define CLS_FORECAST_MAX 140
#define CLS_TOKEN_CHARS 32   /* hex characters of a key or token */
#define CLS_CODE_CHARS 6
#define CLS_RESEARCH_CREDITS 3

typedef enum { CLS_LOBBY = 0, CLS_PRACTICE, CLS_COMPETITION, CLS_OVER } cls_phase;

/* What a team's brand does in a round: the brand fields a team controls. */
typedef struct {
    double price, personalization, transparency, control;
    int norm, exit_policy, breach_response, response_delay;
} cls_course;

/* A team's submission for the round being decided. */
typedef struct {
    cls_course course;
    char statement[4 * CLS_STATEMENT_MAX + 1]; /* UTF-8: up to 4 bytes a character */
    char forecast[4 * CLS_FORECAST_MAX + 1];
    int research;
} cls_submission;

typedef struct {
    char name[4 * CLS_NAME_MAX + 1];
    char token[CLS_TOKEN_CHARS + 1];
    int market, brand; /* brand: index in the scenario */
    int seq;           /* its writes so far: the next write must carry it */
    int submitted;     /* for the round being decided */
    int research_credits;
    cls_submission next;  /* what it will do next round */
    cls_course applied;   /* what its brand does now */
    char statement[CLS_MAX_ROUNDS][4 * CLS_STATEMENT_MAX + 1]; /* by round */
    char forecast[CLS_MAX_ROUNDS][4 * CLS_FORECAST_MAX + 1];
    json_t *inbox, *reports; /* arrays: its private messages and research reports */
} cls_team;

typedef struct {
    bs_game *game;                    /* NULL until the phase's first round */
    int team_of_seat[CLS_MAX_SEATS];  /* -1: a computer brand */
    int strategy_of_seat[CLS_MAX_SEATS];
    json_t *newsletters;              /* array: one per round played */
    json_t *debrief;                  /* the debrief as of the last round published (or NULL) */
    double price_before[CLS_MAX_SEATS];
} cls_market;

typedef struct cls_class cls_class;

typedef struct {
    int markets;     /* 1 to CLS_MAX_MARKETS */
    int round_steps; /* 0: 13 */
    int threads;     /* per run; 0: the OpenMP default */
    int solo;        /* one team against computer brands, in competition from the start */
    const char *code, *key; /* NULL: fresh random ones (a resumed class gives its own) */
} cls_options;

/* A class in the lobby on the validated scenario sc (copied); NULL and err on failure. */
cls_class *cls_new(const bs_scenario *sc, const cls_options *opt, bs_error *err);
void cls_free(cls_class *c);

const char *cls_code(const cls_class *c);
const char *cls_key(const cls_class *c);
const bs_scenario *cls_scenario(const cls_class *c);

/* A status as HTTP gives it (200, 201, 400, 401, 403, 409, 503), with why[] filled on 4xx
   and 5xx. */
typedef int cls_status;

/* Credentials: the team whose token this is (-1: none), whether it is the teacher's key. */
int cls_team_of_token(cls_class *c, const char *token);
int cls_is_key(cls_class *c, const char *key);
int cls_is_code(cls_class *c, const char *code);

cls_status cls_join(cls_class *c, const char *code, const char *name, json_t **reply, char *why,
                    size_t n);
cls_status cls_decide(cls_class *c, int team, int seq, int round, const cls_submission *sub,
                      json_t **reply, char *why, size_t n);
/* Teacher's actions: "start_practice", "start_competition", "advance", "timer" (seconds),
   "end". */
cls_status cls_teacher(cls_class *c, int seq, const char *action, int seconds, json_t **reply,
                       char *why, size_t n);

/* Views (new references; NULL only when out of memory). */
json_t *cls_team_view(cls_class *c, int team);
json_t *cls_teacher_view(cls_class *c);
json_t *cls_public_view(cls_class *c);
json_t *cls_debrief_view(cls_class *c, int team); /* team -1: the teacher's, every market */

/* Whether a round is due now: the teacher asked, the timer ran out, or every team has
   submitted. */
int cls_round_due(cls_class *c);
/* Play the round being decided in every market with teams, then publish it. BS_ERR_RUNTIME
   when none can be played; the class is then unchanged. */
bs_status cls_play_round(cls_class *c, bs_error *err);

/* The class as JSON for store.c (everything needed to resume it) and back. */
json_t *cls_save(cls_class *c);
cls_class *cls_restore(const bs_scenario *sc, const json_t *saved, const cls_options *opt,
                       bs_error *err);
/* Called after every change worth keeping (joins, decisions, phases, rounds), under the class's lock;
   its failure is reported in the teacher's view. */
void cls_on_change(cls_class *c, int (*save)(cls_class *c, void *ctx), void *ctx);
/* From the callback: why the save failed (the teacher's view shows it). */
void cls_save_failed(cls_class *c, const char *why);

/* The markets' games, for export and replay (NULL for a market without one). */
int cls_markets(const cls_class *c);
const bs_game *cls_game(const cls_class *c, int market);
const char *cls_team_name_of_brand(const cls_class *c, int market, int brand); /* or NULL */

/* Course <-> brand fields; the value of an enumerated brand field's name ("norm",
   "communal"), -1 when unknown. */
void cls_course_of_brand(const bs_brand *b, cls_course *out);
int cls_enum_value(const char *key, const char *name);

#endif
