/* SPDX-License-Identifier: MIT */
/*
 * class.c: the class's state machine (class.h): joining, decisions, the
 * teacher's actions, playing a round in every market, the views, and the
 * class as JSON to save and resume it. What a round publishes is written in
 * bulletin.c, the debrief in debrief.c.
 */
#define _GNU_SOURCE
#include "classroom/state.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "core/clock.h"

#define WHY(...) (snprintf(why, n, __VA_ARGS__))

static const char *const phase_names[] = {"lobby", "practice", "competition", "over"};
/* Computer brands in the seats no team took, in turn. */
static const char *const seat_strategies[] = {"steward", "discounter", "harvester", "steady"};

const char *cls_norm_name(int v) { return bs_enum_name(BS_SECTION_BRAND, "norm", v); }
const char *cls_exit_name(int v) { return bs_enum_name(BS_SECTION_BRAND, "exit_policy", v); }
const char *cls_response_name(int v) { return bs_enum_name(BS_SECTION_BRAND, "breach_response", v); }

int cls_enum_value(const char *key, const char *name)
{
    const char *x;
    for (int v = 0; name && (x = bs_enum_name(BS_SECTION_BRAND, key, v)); v++)
        if (!strcmp(x, name))
            return v;
    return -1;
}

static void debrief_again(cls_class *c, int m);

static void lock(cls_class *c) { pthread_mutex_lock(&c->lock); }
static void unlock(cls_class *c) { pthread_mutex_unlock(&c->lock); }

static int random_bytes(unsigned char *b, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = getrandom(b + got, n - got, 0);
        if (k <= 0)
            return -1;
        got += (size_t)k;
    }
    return 0;
}

static int random_token(char out[CLS_TOKEN_CHARS + 1])
{
    unsigned char b[CLS_TOKEN_CHARS / 2];
    if (random_bytes(b, sizeof b))
        return -1;
    for (size_t k = 0; k < sizeof b; k++)
        sprintf(out + 2 * k, "%02x", b[k]);
    return 0;
}

static int random_code(char out[CLS_CODE_CHARS + 1])
{
    static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"; /* no 0/O, 1/I/L */
    unsigned char b[CLS_CODE_CHARS];
    if (random_bytes(b, sizeof b))
        return -1;
    for (int k = 0; k < CLS_CODE_CHARS; k++)
        out[k] = alphabet[b[k] % (sizeof alphabet - 1)];
    out[CLS_CODE_CHARS] = '\0';
    return 0;
}

/* Equal strings, in time that does not depend on where they differ. */
static int same_secret(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = la != lb;
    for (size_t k = 0; k < la && k < lb; k++)
        d |= (unsigned char)(a[k] ^ b[k]);
    return !d;
}

void cls_course_of_brand(const bs_brand *b, cls_course *out)
{
    *out = (cls_course){b->price, b->personalization, b->transparency, b->control,
                        b->norm, b->exit_policy, b->breach_response, b->response_delay};
}

/* ---- a class ------------------------------------------------------------ */

static void reset_team(cls_class *c, cls_team *t)
{
    cls_course_of_brand(&c->sc->brands[t->brand], &t->applied);
    memset(&t->next, 0, sizeof t->next);
    t->next.course = t->applied;
    t->submitted = 0;
    t->research_credits = CLS_RESEARCH_CREDITS;
    memset(t->statement, 0, sizeof t->statement);
    memset(t->forecast, 0, sizeof t->forecast);
    json_array_clear(t->inbox);
    json_array_clear(t->reports);
}

/* A fresh game in every market (made at its first round), the teams' courses reset. */
static void reset_markets(cls_class *c)
{
    for (int m = 0; m < c->n_markets; m++) {
        cls_market *mk = &c->market[m];
        bs_game_free(mk->game);
        mk->game = NULL;
        json_array_clear(mk->newsletters);
        json_decref(mk->debrief);
        mk->debrief = NULL;
        for (int s = 0; s < c->seats; s++)
            mk->price_before[s] = c->sc->brands[s].price;
    }
    for (int j = 0; j < c->n_teams; j++)
        reset_team(c, &c->teams[j]);
    c->round = 0;
    c->advance = 0;
    c->deadline = c->timer_s ? bs_now_seconds() + c->timer_s : 0;
    for (int m = 0; m < c->n_markets; m++)
        cls_warn_round(c, m, 0, -1);
}

static void changed(cls_class *c)
{
    if (c->save && !c->save(c, c->save_ctx))
        c->save_error[0] = '\0'; /* (a failure is told by cls_save_failed) */
}

void cls_save_failed(cls_class *c, const char *why)
{
    snprintf(c->save_error, sizeof c->save_error, "%s", why);
}

cls_class *cls_new(const bs_scenario *sc, const cls_options *opt, bs_error *err)
{
    const int round_steps = opt->round_steps > 0 ? opt->round_steps : 13;
    if (opt->markets < 1 || opt->markets > CLS_MAX_MARKETS) {
        bs_error_setf(err, BS_ERR_INPUT, "--markets %d: expected 1 to %d", opt->markets,
                      CLS_MAX_MARKETS);
        return NULL;
    }
    if (sc->steps / round_steps < 1 || sc->steps / round_steps > CLS_MAX_ROUNDS) {
        bs_error_setf(err, BS_ERR_INPUT, "scenario '%s': %d steps make %d rounds of %d steps, "
                      "expected 1 to %d", sc->name, sc->steps, sc->steps / round_steps,
                      round_steps, CLS_MAX_ROUNDS);
        return NULL;
    }
    const int seats = sc->n_brands < CLS_MAX_SEATS ? sc->n_brands : CLS_MAX_SEATS;
    if (sc->n_shocks + (sc->steps / round_steps) * seats > BS_MAX_SHOCKS) {
        /* each brand changes course at most once a round, a policy shock in every run */
        bs_error_setf(err, BS_ERR_INPUT, "scenario '%s': %d rounds of %d steps with %d brands "
                      "and %d shocks could need more than the %d shocks a market holds: use "
                      "longer rounds (--round-weeks)", sc->name, sc->steps / round_steps,
                      round_steps, seats, sc->n_shocks, BS_MAX_SHOCKS);
        return NULL;
    }
    if (sc->n_brands < 2) {
        bs_error_setf(err, BS_ERR_INPUT, "scenario '%s' has %d brand: a class needs at least 2",
                      sc->name, sc->n_brands);
        return NULL;
    }
    cls_class *c = calloc(1, sizeof *c);
    if (!c || !(c->sc = malloc(sizeof *c->sc)) || !(c->practice = malloc(sizeof *c->practice))) {
        if (c)
            free(c->sc);
        free(c);
        bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&c->lock, NULL);
    memcpy(c->sc, sc, sizeof *c->sc);
    memcpy(c->practice, sc, sizeof *c->practice);
    c->practice->n_shocks = 0; /* a calm market, another draw: the competition's news kept */
    c->practice->seed = sc->seed + 1; /* (+ the practices played before: start_practice) */
    c->seats = sc->n_brands < CLS_MAX_SEATS ? sc->n_brands : CLS_MAX_SEATS;
    /* seats in the order of the first shock to hit them (never hit: last), so that a small
       class plays the brands where the game happens */
    int first[CLS_MAX_SEATS];
    for (int s = 0; s < c->seats; s++) {
        first[s] = sc->steps;
        for (int k = 0; k < sc->n_shocks; k++)
            for (int i = 0; i < sc->shocks[k].n_brands; i++)
                if (sc->shocks[k].brands[i] == s && sc->shocks[k].kind != BS_SHOCK_POLICY &&
                    sc->shocks[k].size > 0 && sc->shocks[k].step < first[s])
                    first[s] = sc->shocks[k].step;
        int at = s;
        while (at > 0 && first[c->seat_order[at - 1]] > first[s]) {
            c->seat_order[at] = c->seat_order[at - 1];
            at--;
        }
        c->seat_order[at] = s;
    }
    c->n_markets = opt->solo ? 1 : opt->markets;
    c->round_steps = round_steps;
    c->rounds = sc->steps / round_steps;
    c->threads = opt->threads;
    c->solo = opt->solo;
    int ok = 1;
    for (int m = 0; m < c->n_markets; m++) {
        ok &= (c->market[m].newsletters = json_array()) != NULL;
        for (int s = 0; s < CLS_MAX_SEATS; s++) {
            c->market[m].team_of_seat[s] = -1;
            c->market[m].strategy_of_seat[s] = s % 4;
        }
    }
    if (opt->code && strlen(opt->code) == CLS_CODE_CHARS)
        snprintf(c->code, sizeof c->code, "%s", opt->code);
    else
        ok &= !random_code(c->code);
    if (opt->key && strlen(opt->key) == CLS_TOKEN_CHARS)
        snprintf(c->key, sizeof c->key, "%s", opt->key);
    else
        ok &= !random_token(c->key);
    if (!ok) {
        cls_free(c);
        bs_error_setf(err, BS_ERR_RUNTIME, "out of memory, or no random source for the keys");
        return NULL;
    }
    c->phase = c->solo ? CLS_COMPETITION : CLS_LOBBY;
    reset_markets(c);
    return c;
}

void cls_free(cls_class *c)
{
    if (!c)
        return;
    for (int m = 0; m < CLS_MAX_MARKETS; m++) {
        bs_game_free(c->market[m].game);
        json_decref(c->market[m].newsletters);
        json_decref(c->market[m].debrief);
    }
    for (int j = 0; j < c->n_teams; j++) {
        json_decref(c->teams[j].inbox);
        json_decref(c->teams[j].reports);
    }
    pthread_mutex_destroy(&c->lock);
    free(c->sc);
    free(c->practice);
    free(c);
}

void cls_on_change(cls_class *c, int (*save)(cls_class *c, void *ctx), void *ctx)
{
    lock(c);
    c->save = save;
    c->save_ctx = ctx;
    unlock(c);
}

const char *cls_code(const cls_class *c) { return c->code; }
const char *cls_key(const cls_class *c) { return c->key; }
const bs_scenario *cls_scenario(const cls_class *c) { return c->sc; }
int cls_markets(const cls_class *c) { return c->n_markets; }
const bs_game *cls_game(const cls_class *c, int m) { return c->market[m].game; }

const char *cls_team_name_of_brand(const cls_class *c, int m, int b)
{
    if (m < 0 || m >= c->n_markets || b < 0 || b >= c->seats)
        return NULL;
    const int j = c->market[m].team_of_seat[b];
    return j >= 0 ? c->teams[j].name : NULL;
}

int cls_team_of_token(cls_class *c, const char *token)
{
    int found = -1;
    if (!token || strlen(token) != CLS_TOKEN_CHARS)
        return -1;
    lock(c);
    for (int j = 0; j < c->n_teams; j++)
        if (same_secret(token, c->teams[j].token))
            found = j;
    unlock(c);
    return found;
}

int cls_is_key(cls_class *c, const char *key) { return key && same_secret(key, c->key); }

int cls_is_code(cls_class *c, const char *code)
{
    if (!code || strlen(code) != CLS_CODE_CHARS)
        return 0;
    char up[CLS_CODE_CHARS + 1];
    for (int k = 0; k <= CLS_CODE_CHARS; k++)
        up[k] = (char)toupper((unsigned char)code[k]);
    return same_secret(up, c->code);
}

/* ---- joining ---------------------------------------------------------- */

/* Whether the UTF-8 character at p is invisible or changes the text's direction (zero-width
   spaces and joiners, direction marks, embeddings and isolates, the byte-order mark, the soft
   hyphen, the no-break space): refused in names and statements, where they would hide or
   disguise text. */
static int invisible_at(const unsigned char *p)
{
    if (p[0] == 0xC2)
        return p[1] == 0xA0 || p[1] == 0xAD;
    if (p[0] == 0xE2 && p[1] == 0x80)
        return (p[2] >= 0x8B && p[2] <= 0x8F) || (p[2] >= 0xAA && p[2] <= 0xAE) || p[2] == 0xAF;
    if (p[0] == 0xE2 && p[1] == 0x81)
        return p[2] >= 0xA0 && p[2] <= 0xAF;
    return p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF;
}

/* A team name: 1 to CLS_NAME_MAX characters (UTF-8), letters (any script), digits, spaces
   and -_.'&, not only spaces, nothing invisible. */
static int good_name(const char *s, char *why, size_t n)
{
    size_t chars = 0;
    int visible = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80) {
            if (!(isalnum(*p) || *p == ' ' || strchr("-_.'&", *p))) {
                WHY("team name: '%c' is not allowed: use letters, digits, spaces and -_.'&", *p);
                return 0;
            }
            visible |= *p != ' ';
        } else if ((*p & 0xC0) != 0x80) {
            if (invisible_at(p)) {
                WHY("team name: an invisible or direction-changing character is not allowed");
                return 0;
            }
            visible = 1; /* a multi-byte character (jansson has checked it is valid UTF-8) */
        } else {
            continue;
        }
        chars++;
    }
    if (!chars || !visible || chars > CLS_NAME_MAX) {
        WHY("team name: %zu characters, expected 1 to %d (not only spaces)", chars, CLS_NAME_MAX);
        return 0;
    }
    return 1;
}

cls_status cls_join(cls_class *c, const char *code, const char *name, json_t **reply, char *why,
                    size_t n)
{
    if (!cls_is_code(c, code))
        return WHY("this is not the class's join code"), 403;
    if (!good_name(name, why, n))
        return 400;
    lock(c);
    cls_status st = 0;
    if (c->computing)
        st = 503, WHY("a round is being computed: try again in a moment");
    else if (c->phase == CLS_OVER || (c->phase != CLS_LOBBY && c->round > 0))
        st = 409, WHY("the game has begun: joining is closed (a team that joined rejoins with its "
                      "link)");
    else if (c->solo && c->n_teams >= 1)
        st = 409, WHY("a solo game has its player already");
    for (int j = 0; !st && j < c->n_teams; j++)
        if (!strcasecmp(c->teams[j].name, name))
            st = 409, WHY("the name '%s' is taken: choose another (or rejoin with your link)", name);
    /* the market with the fewest teams, its first free seat */
    int best = -1, fewest = CLS_MAX_SEATS + 1;
    for (int m = 0; !st && m < c->n_markets; m++) {
        int k = 0;
        for (int s = 0; s < c->seats; s++) k += c->market[m].team_of_seat[s] >= 0;
        if (k < c->seats && k < fewest)
            fewest = k, best = m;
    }
    if (!st && best < 0)
        st = 409, WHY("the class is full: %d markets of %d teams", c->n_markets, c->seats);
    cls_team *t = st || c->n_teams >= CLS_MAX_TEAMS ? NULL : &c->teams[c->n_teams];
    if (t) {
        memset(t, 0, sizeof *t);
        snprintf(t->name, sizeof t->name, "%s", name);
        t->market = best;
        int k = 0;
        while (c->market[best].team_of_seat[c->seat_order[k]] >= 0) k++;
        t->brand = c->seat_order[k];
        t->inbox = json_array();
        t->reports = json_array();
        if (!t->inbox || !t->reports || random_token(t->token)) {
            json_decref(t->inbox);
            json_decref(t->reports);
            st = 503, WHY("out of memory");
        }
    }
    if (t && !st) {
        const int j = c->n_teams++;
        c->market[best].team_of_seat[t->brand] = j;
        reset_team(c, t);
        bs_game_free(c->market[best].game); /* (no round played: made again at the first) */
        c->market[best].game = NULL;
        cls_warn_round(c, best, c->round, j); /* the new team's warnings only */
        *reply = json_pack("{s:s, s:i, s:i, s:s}", "token", t->token, "team", j, "market", best,
                           "brand", c->sc->brands[t->brand].name);
        changed(c);
        st = *reply ? 201 : (WHY("out of memory"), 503);
    }
    unlock(c);
    return st;
}

/* ---- deciding --------------------------------------------------------- */

/* A course the game accepts: the ranges of docs/CLASSROOM-HTTP.md. */
static int good_course(const cls_course *k, char *why, size_t n)
{
    struct { const char *name; double v, lo, hi; } r[] = {
        {"price", k->price, 0.5, 2}, {"personalization", k->personalization, 0, 1},
        {"transparency", k->transparency, 0, 1}, {"control", k->control, 0, 1}};
    for (size_t i = 0; i < sizeof r / sizeof *r; i++)
        if (!(r[i].v >= r[i].lo && r[i].v <= r[i].hi))
            return WHY("%s: %g, expected %g to %g", r[i].name, r[i].v, r[i].lo, r[i].hi), 0;
    if (k->norm < 0 || k->norm >= BS_NORM_COUNT || k->exit_policy < 0 ||
        k->exit_policy >= BS_EXIT_COUNT || k->breach_response < 0 ||
        k->breach_response >= BS_RESPONSE_COUNT)
        return WHY("norm, exit_policy or breach_response: not one of the names expected"), 0;
    if (k->response_delay < 0 || k->response_delay > 13)
        return WHY("response_delay: %d, expected 0 to 13 weeks", k->response_delay), 0;
    return 1;
}

static size_t utf8_chars(const char *s)
{
    size_t k = 0;
    for (; *s; s++) k += ((unsigned char)*s & 0xC0) != 0x80;
    return k;
}

/* A key or token as the server makes them: 32 lowercase hex digits. */
static int hex_token(const char *s)
{
    return strlen(s) == CLS_TOKEN_CHARS && strspn(s, "0123456789abcdef") == CLS_TOKEN_CHARS;
}

/* A statement (lines allowed) or a forecast: at most `max` characters, no control
   characters, no invisible or direction-changing ones (invisible_at). */
static int good_text(const char *s, size_t max, int lines)
{
    if (!s || utf8_chars(s) > max)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && !(lines && *p == '\n')) || *p == 0x7f || invisible_at(p))
            return 0;
    return 1;
}

cls_status cls_decide(cls_class *c, int team, int seq, int round, const cls_submission *sub,
                      json_t **reply, char *why, size_t n)
{
    if (!good_course(&sub->course, why, n))
        return 400;
    if (!good_text(sub->statement, CLS_STATEMENT_MAX, 1))
        return WHY("statement: at most %d characters, without control characters other than "
                   "line breaks, nothing invisible", CLS_STATEMENT_MAX), 400;
    if (!good_text(sub->forecast, CLS_FORECAST_MAX, 0))
        return WHY("forecast: one line of at most %d characters, nothing invisible",
                   CLS_FORECAST_MAX), 400;
    lock(c);
    cls_team *t = &c->teams[team];
    cls_status st = 0;
    if (c->computing)
        st = 503, WHY("a round is being computed: try again in a moment");
    else if (seq != t->seq)
        st = 409, WHY("seq %d, expected %d: this page is out of date (or the request was sent "
                      "twice); reload and decide again", seq, t->seq);
    else if (c->phase != CLS_PRACTICE && c->phase != CLS_COMPETITION)
        st = 409, WHY("no round is being played now (the class is in the %s)",
                      phase_names[c->phase]);
    else if (c->round >= c->rounds)
        st = 409, WHY("the game's %d rounds are played", c->rounds);
    else if (round != c->round)
        st = 409, WHY("round %d, expected %d: the round has moved on; reload and decide again",
                      round + 1, c->round + 1);
    else if (sub->research && !t->research_credits && !(t->submitted && t->next.research))
        st = 409, WHY("no research credits left");
    if (!st) {
        t->next = *sub;
        t->submitted = 1;
        t->seq++;
        changed(c);
        *reply = json_pack("{s:i, s:b}", "seq", t->seq, "submitted", 1);
        st = *reply ? 200 : (WHY("out of memory"), 503);
    }
    unlock(c);
    return st;
}

/* ---- the teacher ------------------------------------------------------ */

cls_status cls_teacher(cls_class *c, int seq, const char *action, int seconds, json_t **reply,
                       char *why, size_t n)
{
    lock(c);
    cls_status st = 0;
    if (seq != c->seq)
        st = 409, WHY("seq %d, expected %d: this page is out of date (or the request was sent "
                      "twice); reload", seq, c->seq);
    else if (c->computing)
        st = 503, WHY("a round is being computed: try again in a moment");
    else if (!strcmp(action, "start_practice")) {
        if (c->phase != CLS_LOBBY && c->phase != CLS_PRACTICE)
            st = 409, WHY("a practice starts from the lobby or another practice, not the %s",
                          phase_names[c->phase]);
        else {
            c->practices += c->phase == CLS_PRACTICE;
            c->phase = CLS_PRACTICE;
            c->practice->seed = c->sc->seed + 1 + (uint64_t)c->practices; /* a new draw each */
            reset_markets(c);
        }
    } else if (!strcmp(action, "start_competition")) {
        if (c->phase != CLS_LOBBY && c->phase != CLS_PRACTICE)
            st = 409, WHY("the competition starts from the lobby or the practice, not the %s",
                          phase_names[c->phase]);
        else {
            c->practices += c->phase == CLS_PRACTICE;
            c->phase = CLS_COMPETITION;
            reset_markets(c);
        }
    } else if (!strcmp(action, "advance")) {
        if ((c->phase != CLS_PRACTICE && c->phase != CLS_COMPETITION) || c->round >= c->rounds)
            st = 409, WHY("no round to play: start the practice or the competition");
        else if (!c->n_teams)
            st = 409, WHY("no team has joined");
        else
            c->advance = 1;
    } else if (!strcmp(action, "timer")) {
        if (seconds < 0 || seconds > 3600)
            st = 400, WHY("seconds: %d, expected 0 (no timer) to 3600", seconds);
        else {
            c->timer_s = seconds;
            c->deadline = seconds ? bs_now_seconds() + seconds : 0;
        }
    } else if (!strcmp(action, "end")) {
        if (c->phase != CLS_COMPETITION)
            st = 409, WHY("only the competition ends (the class is in the %s)",
                          phase_names[c->phase]);
        else {
            c->phase = CLS_OVER;
            c->deadline = 0;
        }
    } else
        st = 400, WHY("action '%.40s': expected start_practice, start_competition, advance, "
                      "timer or end", action);
    if (!st) {
        c->seq++;
        if (strcmp(action, "advance"))
            changed(c);
        *reply = json_pack("{s:i}", "seq", c->seq);
        st = *reply ? 200 : (WHY("out of memory"), 503);
    }
    unlock(c);
    return st;
}

/* ---- rounds ------------------------------------------------------------ */

static int playing(const cls_class *c)
{
    return (c->phase == CLS_PRACTICE || c->phase == CLS_COMPETITION) && c->round < c->rounds &&
           c->n_teams > 0;
}

/* Whether a round is due (the caller holds the lock). */
static int due(const cls_class *c)
{
    if (!playing(c) || c->computing || c->failed[0])
        return 0;
    int all = 1;
    for (int j = 0; j < c->n_teams; j++) all &= c->teams[j].submitted;
    return c->advance || all || (c->deadline > 0 && bs_now_seconds() >= c->deadline);
}

int cls_round_due(cls_class *c)
{
    lock(c);
    int d = due(c);
    unlock(c);
    return d;
}

/* The "key=value" fields where course `to` differs from `from`. */
static int course_changes(const cls_course *from, const cls_course *to,
                          char sets[][BS_GAME_DECISION_MAX])
{
    int k = 0;
#define REAL(f) if (from->f != to->f) snprintf(sets[k++], BS_GAME_DECISION_MAX, #f "=%.17g", to->f)
#define NAMED(f, name) if (from->f != to->f) snprintf(sets[k++], BS_GAME_DECISION_MAX, #f "=%s", name(to->f))
    REAL(price);
    REAL(personalization);
    REAL(transparency);
    REAL(control);
    NAMED(norm, cls_norm_name);
    NAMED(exit_policy, cls_exit_name);
    NAMED(breach_response, cls_response_name);
    if (from->response_delay != to->response_delay)
        snprintf(sets[k++], BS_GAME_DECISION_MAX, "response_delay=%d", to->response_delay);
#undef REAL
#undef NAMED
    return k;
}

/* Market m's seats as a game takes them: the brands its teams hold, and its computers. */
static bs_game_opts seats_of(const cls_class *c, int m, const char **teams, int *n_teams,
                             bs_game_computer *comp)
{
    const cls_market *mk = &c->market[m];
    int nt = 0, nc = 0;
    for (int s = 0; s < c->seats; s++) {
        if (mk->team_of_seat[s] >= 0)
            teams[nt++] = c->sc->brands[s].name;
        else
            comp[nc++] = (bs_game_computer){c->sc->brands[s].name,
                                            seat_strategies[mk->strategy_of_seat[s]]};
    }
    *n_teams = nt;
    return (bs_game_opts){c->round_steps, c->threads, nc, comp};
}

/* Market m's game, made now if it has none (its seats as they are). */
static bs_game *game_of(cls_class *c, int m, bs_error *err)
{
    if (c->market[m].game)
        return c->market[m].game;
    const char *teams[CLS_MAX_SEATS];
    bs_game_computer comp[CLS_MAX_SEATS];
    int nt;
    bs_game_opts opt = seats_of(c, m, teams, &nt, comp);
    return c->market[m].game = bs_game_new(cls_active(c), teams, nt, &opt, err);
}

/* The game's team index of seat s in market m. */
static int game_team_of_seat(const cls_class *c, int m, int s)
{
    int k = 0;
    for (int i = 0; i < s; i++) k += c->market[m].team_of_seat[i] >= 0;
    return k;
}

bs_status cls_play_round(cls_class *c, bs_error *err)
{
    lock(c);
    if (!due(c)) { /* (checked again here: the phase may have changed since the caller asked) */
        unlock(c);
        return bs_error_setf(err, BS_ERR_RUNTIME, "no round is due now");
    }
    c->computing = 1;
    const int r = c->round;
    /* the decisions, as the game takes them; what it refuses goes to the team's inbox and the
       team keeps its course */
    char(*refused)[sizeof c->refused[0]] = c->refused;
    bs_status s = BS_OK;
    for (int m = 0; s == BS_OK && m < c->n_markets; m++) {
        int any = 0;
        for (int seat = 0; seat < c->seats; seat++) any |= c->market[m].team_of_seat[seat] >= 0;
        if (!any)
            continue;
        bs_game *g = game_of(c, m, err);
        if (!g) {
            s = err->status ? err->status : BS_ERR_RUNTIME;
            break;
        }
        for (int seat = 0; seat < c->seats; seat++) {
            const int j = c->market[m].team_of_seat[seat];
            if (j < 0)
                continue;
            cls_team *t = &c->teams[j];
            char sets[BS_GAME_MAX_DECISIONS][BS_GAME_DECISION_MAX];
            const char *v[BS_GAME_MAX_DECISIONS];
            int k = course_changes(&t->applied, &t->next.course, sets);
            for (int i = 0; i < k; i++) v[i] = sets[i];
            bs_error why = {0};
            refused[j][0] = '\0';
            if (bs_game_decide(g, game_team_of_seat(c, m, seat), v, k, &why)) {
                snprintf(refused[j], sizeof refused[j], "%s", why.msg);
                bs_game_decide(g, game_team_of_seat(c, m, seat), NULL, 0, &why);
            }
        }
    }
    unlock(c);
    /* the rounds, computed without the lock: readers see `computing` and what was published */
    for (int m = 0; s == BS_OK && m < c->n_markets; m++)
        if (c->market[m].game)
            s = bs_game_play(c->market[m].game, err);
    lock(c);
    if (s != BS_OK) {
        /* a game that failed mid-round cannot go on (game.h): the class stops playing and the
           teacher's page says why; the saved class still holds the last completed round */
        snprintf(c->failed, sizeof c->failed, "round %d could not be played: %s", r + 1,
                 err->msg);
        c->advance = 0;
        c->computing = 0;
        unlock(c);
        return s;
    }
    c->round++;
    for (int j = 0; j < c->n_teams; j++) {
        cls_team *t = &c->teams[j];
        memcpy(t->statement[r], t->next.statement, sizeof t->statement[r]);
        memcpy(t->forecast[r], t->next.forecast, sizeof t->forecast[r]);
        if (refused[j][0])
            t->next.course = t->applied; /* it kept its course */
        else
            t->applied = t->next.course;
    }
    const char *why[CLS_MAX_TEAMS];
    for (int j = 0; j < c->n_teams; j++) why[j] = refused[j];
    for (int m = 0; m < c->n_markets; m++)
        if (c->market[m].game) {
            if (cls_publish_round(c, m, r, why))
                s = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory publishing round %d", r + 1);
            debrief_again(c, m);
        }
    for (int j = 0; j < c->n_teams; j++) {
        cls_team *t = &c->teams[j];
        if (t->next.research && t->research_credits > 0)
            t->research_credits--;
        t->next.research = 0;
        t->next.statement[0] = t->next.forecast[0] = '\0';
        t->submitted = 0;
    }
    for (int m = 0; m < c->n_markets; m++)
        if (c->market[m].game && c->round < c->rounds)
            cls_warn_round(c, m, c->round, -1);
    if (c->round >= c->rounds && c->phase == CLS_COMPETITION)
        c->phase = CLS_OVER;
    c->advance = 0;
    c->deadline = c->timer_s && c->round < c->rounds && c->phase != CLS_OVER
                      ? bs_now_seconds() + c->timer_s : 0;
    changed(c);
    c->computing = 0;
    unlock(c);
    return s;
}

/* ---- views ------------------------------------------------------------ */

static json_t *course_json(const cls_course *k)
{
    return json_pack("{s:f, s:f, s:f, s:f, s:s, s:s, s:s, s:i}", "price", k->price,
                     "personalization", k->personalization, "transparency", k->transparency,
                     "control", k->control, "norm", cls_norm_name(k->norm), "exit_policy",
                     cls_exit_name(k->exit_policy), "breach_response",
                     cls_response_name(k->breach_response), "response_delay", k->response_delay);
}

static json_t *class_json(cls_class *c)
{
    json_t *deadline = json_null();
    if (c->deadline > 0) {
        double left = c->deadline - bs_now_seconds();
        deadline = json_integer(left > 0 ? (json_int_t)ceil(left) : 0);
    }
    return json_pack("{s:s, s:i, s:i, s:i, s:o, s:b, s:s, s:i, s:b}", "phase",
                     phase_names[c->phase], "round", c->round, "rounds", c->rounds, "round_weeks",
                     c->round_steps, "deadline_s", deadline, "computing", c->computing, "code",
                     c->code, "markets", c->n_markets, "solo", c->solo);
}

json_t *cls_market_view(cls_class *c, int m)
{
    const cls_market *mk = &c->market[m];
    json_t *brands = json_array();
    for (int s = 0; s < c->seats; s++) {
        const int j = mk->team_of_seat[s];
        json_array_append_new(
            brands, json_pack("{s:s, s:o, s:o}", "brand", c->sc->brands[s].name, "team",
                              j >= 0 ? json_string(c->teams[j].name) : json_null(), "computer",
                              j >= 0 ? json_null()
                                     : json_string(seat_strategies[mk->strategy_of_seat[s]])));
    }
    /* copies: the reply is written out after the lock is released, while the class's own
       arrays may change */
    return json_pack("{s:i, s:i, s:o, s:o}", "market", m, "round", c->round, "brands", brands,
                     "newsletters", json_deep_copy(mk->newsletters));
}

json_t *cls_team_view(cls_class *c, int j)
{
    lock(c);
    cls_team *t = &c->teams[j];
    json_t *decision = course_json(&t->next.course);
    json_object_set_new(decision, "statement", json_string(t->next.statement));
    json_object_set_new(decision, "forecast", json_string(t->next.forecast));
    json_object_set_new(decision, "research", json_boolean(t->next.research));
    json_t *v = json_pack(
        "{s:o, s:{s:i, s:s, s:i, s:s, s:i, s:b, s:i, s:o}, s:o, s:o, s:o}", "class", class_json(c),
        "team", "id", j, "name", t->name, "market", t->market, "brand",
        c->sc->brands[t->brand].name, "seq", t->seq, "submitted", t->submitted,
        "research_credits", t->research_credits, "decision", decision, "market",
        cls_market_view(c, t->market), "inbox", json_deep_copy(t->inbox), "reports",
        json_deep_copy(t->reports));
    unlock(c);
    return v;
}

json_t *cls_teacher_view(cls_class *c)
{
    lock(c);
    json_t *cl = class_json(c);
    json_object_set_new(cl, "seq", json_integer(c->seq));
    json_object_set_new(cl, "timer_s", json_integer(c->timer_s));
    json_object_set_new(cl, "key", json_string(c->key));
    json_object_set_new(cl, "save_error", c->save_error[0] ? json_string(c->save_error) : json_null());
    json_object_set_new(cl, "failed", c->failed[0] ? json_string(c->failed) : json_null());
    json_t *teams = json_array(), *markets = json_array();
    for (int j = 0; j < c->n_teams; j++) {
        const cls_team *t = &c->teams[j];
        json_array_append_new(
            teams, json_pack("{s:i, s:s, s:i, s:s, s:s, s:b}", "id", j, "name", t->name, "market",
                             t->market, "brand", c->sc->brands[t->brand].name, "token", t->token,
                             "submitted", t->submitted));
    }
    for (int m = 0; m < c->n_markets; m++)
        json_array_append_new(markets, cls_market_view(c, m));
    json_t *v = json_pack("{s:o, s:o, s:o}", "class", cl, "teams", teams, "markets", markets);
    unlock(c);
    return v;
}

json_t *cls_public_view(cls_class *c)
{
    lock(c);
    json_t *markets = json_array();
    for (int m = 0; m < c->n_markets; m++)
        json_array_append_new(markets, cls_market_view(c, m));
    json_t *v = json_pack("{s:o, s:o}", "class", class_json(c), "markets", markets);
    unlock(c);
    return v;
}

/* Market m's debrief, made again from its game (after a round, or a resume). */
static void debrief_again(cls_class *c, int m)
{
    json_decref(c->market[m].debrief);
    c->market[m].debrief = c->market[m].game ? cls_debrief_market(c, m) : NULL;
}

json_t *cls_debrief_view(cls_class *c, int team)
{
    lock(c);
    json_t *markets = json_array();
    for (int m = 0; m < c->n_markets; m++) {
        if ((team >= 0 && c->teams[team].market != m) || !c->market[m].debrief)
            continue;
        /* a copy of the debrief the last round published (the game may be computing now);
           a team sees the others' forecasts once the game is over */
        json_t *d = json_deep_copy(c->market[m].debrief);
        json_t *f = json_object_get(d, "forecasts");
        for (size_t k = json_array_size(f); team >= 0 && c->phase != CLS_OVER && k-- > 0;)
            if (strcmp(json_string_value(json_object_get(json_array_get(f, k), "team")) ?: "",
                       c->teams[team].name))
                json_array_remove(f, k);
        json_array_append_new(markets, d);
    }
    json_t *v = json_pack("{s:o, s:o}", "class", class_json(c), "markets", markets);
    unlock(c);
    return v;
}

/* ---- saving and resuming ------------------------------------------- */

json_t *cls_save(cls_class *c)
{
    /* (the caller holds the lock: cls_on_change's callback); NULL when anything could not be
       made: a save must be whole or not at all */
    int bad = 0;
    json_t *teams = json_array(), *markets = json_array();
    bad |= !teams || !markets;
    for (int j = 0; !bad && j < c->n_teams; j++) {
        const cls_team *t = &c->teams[j];
        json_t *st = json_array(), *fc = json_array();
        bad |= !st || !fc;
        for (int r = 0; !bad && r < c->round; r++)
            bad |= json_array_append_new(st, json_string(t->statement[r])) ||
                   json_array_append_new(fc, json_string(t->forecast[r]));
        json_t *next = course_json(&t->next.course);
        bad |= !next || json_object_set_new(next, "statement", json_string(t->next.statement)) ||
               json_object_set_new(next, "forecast", json_string(t->next.forecast)) ||
               json_object_set_new(next, "research", json_boolean(t->next.research));
        bad |= json_array_append_new(
            teams, json_pack("{s:s, s:s, s:i, s:i, s:i, s:b, s:i, s:o, s:o, s:o, s:o, s:O, s:O}",
                             "name", t->name, "token", t->token, "market", t->market, "brand",
                             t->brand, "seq", t->seq, "submitted", t->submitted,
                             "research_credits", t->research_credits, "next", next, "applied",
                             course_json(&t->applied), "statements", st, "forecasts", fc,
                             "inbox", t->inbox, "reports", t->reports));
    }
    for (int m = 0; !bad && m < c->n_markets; m++) {
        char *log = c->market[m].game ? bs_game_log_string(c->market[m].game) : NULL;
        bad |= (c->market[m].game && !log) ||
               json_array_append_new(markets, json_pack("{s:s?, s:O}", "log", log, "newsletters",
                                                        c->market[m].newsletters));
        free(log);
    }
    if (bad) {
        json_decref(teams);
        json_decref(markets);
        return NULL;
    }
    return json_pack("{s:i, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:b, s:i, s:o, s:o}",
                     "version", 1, "code", c->code, "key", c->key, "phase", phase_names[c->phase],
                     "round", c->round, "round_steps", c->round_steps, "markets", c->n_markets,
                     "seq", c->seq, "timer_s", c->timer_s, "practices", c->practices, "solo",
                     c->solo, "rounds", c->rounds, "teams", teams, "market", markets);
}

static int course_from(const json_t *o, cls_course *k)
{
    const char *norm, *exit, *resp;
    if (json_unpack((json_t *)o, "{s:F, s:F, s:F, s:F, s:s, s:s, s:s, s:i}", "price", &k->price,
                    "personalization", &k->personalization, "transparency", &k->transparency,
                    "control", &k->control, "norm", &norm, "exit_policy", &exit,
                    "breach_response", &resp, "response_delay", &k->response_delay))
        return -1;
    k->norm = cls_enum_value("norm", norm);
    k->exit_policy = cls_enum_value("exit_policy", exit);
    k->breach_response = cls_enum_value("breach_response", resp);
    return k->norm < 0 || k->exit_policy < 0 || k->breach_response < 0 ? -1 : 0;
}

cls_class *cls_restore(const bs_scenario *sc, const json_t *saved, const cls_options *opt,
                       bs_error *err)
{
    const char *code, *key, *phase;
    int version, round, round_steps, markets, seq, timer_s, practices, solo, rounds;
    json_t *teams, *mks;
    if (json_unpack((json_t *)saved,
                    "{s:i, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:b, s:i, s:o, s:o}",
                    "version", &version, "code", &code, "key", &key, "phase", &phase, "round",
                    &round, "round_steps", &round_steps, "markets", &markets, "seq", &seq,
                    "timer_s", &timer_s, "practices", &practices, "solo", &solo, "rounds",
                    &rounds, "teams", &teams, "market", &mks) ||
        version != 1 || !json_is_array(teams) || !json_is_array(mks)) {
        bs_error_setf(err, BS_ERR_INPUT, "the saved class is not one this version wrote "
                      "(version 1, with code, key, phase, round, teams and markets)");
        return NULL;
    }
    static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    int codes_ok = strlen(code) == CLS_CODE_CHARS && strspn(code, alphabet) == CLS_CODE_CHARS;
    if (!codes_ok || !hex_token(key) || round_steps < 1 || timer_s < 0 || timer_s > 3600 ||
        seq < 0 || practices < 0) {
        bs_error_setf(err, BS_ERR_INPUT, "the saved class's code, key, round_steps, timer_s, seq "
                      "or practices is not one the server writes");
        return NULL;
    }
    cls_options o = *opt;
    o.markets = markets;
    o.round_steps = round_steps;
    o.solo = solo;
    o.code = code;
    o.key = key;
    cls_class *c = cls_new(sc, &o, err);
    if (!c)
        return NULL;
    int p = 0;
    while (p < 4 && strcmp(phase_names[p], phase)) p++;
    bs_status s = p < 4 && c->rounds == rounds && json_array_size(mks) == (size_t)c->n_markets &&
                          json_array_size(teams) <= CLS_MAX_TEAMS && round >= 0 &&
                          round <= c->rounds
                      ? BS_OK
                      : bs_error_setf(err, BS_ERR_INPUT, "the saved class does not fit scenario "
                                      "'%s' (its phase, rounds or markets)", sc->name);
    c->phase = s ? CLS_LOBBY : (cls_phase)p;
    c->seq = seq;
    c->timer_s = timer_s;
    c->practices = practices;
    c->practice->seed = sc->seed + 1 + (uint64_t)practices;
    for (size_t j = 0; s == BS_OK && j < json_array_size(teams); j++) {
        const json_t *o = json_array_get(teams, j);
        cls_team *t = &c->teams[j];
        const char *name, *token;
        json_t *next, *applied, *st, *fc, *inbox, *reports;
        int submitted, research;
        const char *stmt, *fcst;
        char why[160] = "";
        if (json_unpack((json_t *)o, "{s:s, s:s, s:i, s:i, s:i, s:b, s:i, s:o, s:o, s:o, s:o, s:o, s:o}",
                        "name", &name, "token", &token, "market", &t->market, "brand", &t->brand,
                        "seq", &t->seq, "submitted", &submitted, "research_credits",
                        &t->research_credits, "next", &next, "applied", &applied, "statements",
                        &st, "forecasts", &fc, "inbox", &inbox, "reports", &reports) ||
            course_from(next, &t->next.course) || course_from(applied, &t->applied) ||
            json_unpack(next, "{s:s, s:s, s:b}", "statement", &stmt, "forecast", &fcst,
                        "research", &research) ||
            !hex_token(token) || !strcmp(token, key) || t->market < 0 ||
            t->market >= c->n_markets || t->brand < 0 || t->brand >= c->seats ||
            c->market[t->market].team_of_seat[t->brand] >= 0 || !json_is_array(inbox) ||
            !json_is_array(reports) || !json_is_array(st) || !json_is_array(fc) || t->seq < 0 ||
            t->research_credits < 0 || t->research_credits > CLS_RESEARCH_CREDITS ||
            strlen(name) >= sizeof t->name || !good_name(name, why, sizeof why) ||
            !good_course(&t->next.course, why, sizeof why) ||
            !good_course(&t->applied, why, sizeof why) || !good_text(stmt, CLS_STATEMENT_MAX, 1) ||
            !good_text(fcst, CLS_FORECAST_MAX, 0)) {
            s = bs_error_setf(err, BS_ERR_INPUT, "the saved class's team %zu is not whole, or not "
                              "one the server writes%s%s", j + 1, why[0] ? ": " : "", why);
            break;
        }
        for (size_t k = 0; k < j; k++)
            if (!strcasecmp(c->teams[k].name, name) || !strcmp(c->teams[k].token, token))
                s = bs_error_setf(err, BS_ERR_INPUT, "the saved class's teams %zu and %zu share a "
                                  "name or a token", k + 1, j + 1);
        for (size_t r = 0; s == BS_OK && r < json_array_size(st); r++)
            if (r >= CLS_MAX_ROUNDS || (int)r >= round ||
                !good_text(json_string_value(json_array_get(st, r)), CLS_STATEMENT_MAX, 1) ||
                !good_text(json_string_value(json_array_get(fc, r)), CLS_FORECAST_MAX, 0))
                s = bs_error_setf(err, BS_ERR_INPUT, "the saved class's team %zu: its statement "
                                  "or forecast of round %zu is not one the server takes", j + 1,
                                  r + 1);
        if (s)
            break;
        snprintf(t->name, sizeof t->name, "%s", name);
        snprintf(t->token, sizeof t->token, "%s", token);
        snprintf(t->next.statement, sizeof t->next.statement, "%s", stmt);
        snprintf(t->next.forecast, sizeof t->next.forecast, "%s", fcst);
        t->next.research = research;
        t->submitted = submitted;
        for (size_t r = 0; r < json_array_size(st) && r < CLS_MAX_ROUNDS; r++) {
            snprintf(t->statement[r], sizeof t->statement[r], "%s",
                     json_string_value(json_array_get(st, r)) ?: "");
            snprintf(t->forecast[r], sizeof t->forecast[r], "%s",
                     json_string_value(json_array_get(fc, r)) ?: "");
        }
        t->inbox = json_deep_copy(inbox);
        t->reports = json_deep_copy(reports);
        c->market[t->market].team_of_seat[t->brand] = (int)j;
        c->n_teams++;
    }
    /* each market's game: its log played again (bit for bit the game that was) */
    for (int m = 0; s == BS_OK && m < c->n_markets; m++) {
        const json_t *o = json_array_get(mks, (size_t)m);
        const char *log = json_string_value(json_object_get(o, "log"));
        json_t *news = json_object_get(o, "newsletters");
        if (!json_is_array(news)) {
            s = bs_error_setf(err, BS_ERR_INPUT, "the saved class's market %d is not whole", m + 1);
            break;
        }
        json_array_extend(c->market[m].newsletters, news);
        int any = 0;
        for (int seat = 0; seat < c->seats; seat++) any |= c->market[m].team_of_seat[seat] >= 0;
        if (!log && any && round > 0) {
            s = bs_error_setf(err, BS_ERR_INPUT, "the saved class's market %d has teams and %d "
                              "rounds played but no log of them", m + 1, round);
            break;
        }
        if (!log)
            continue;
        const char *teams_of[CLS_MAX_SEATS];
        bs_game_computer comp[CLS_MAX_SEATS];
        int nt;
        bs_game_opts gopt = seats_of(c, m, teams_of, &nt, comp);
        c->market[m].game = bs_game_replay(cls_active(c), teams_of, nt, &gopt, log, err);
        if (!c->market[m].game)
            s = BS_ERR_INPUT;
        else if (bs_game_round(c->market[m].game) == round)
            for (int seat = 0; seat < c->seats; seat++) /* what the next news compares with */
                c->market[m].price_before[seat] =
                    bs_run_scenario(bs_game_market(c->market[m].game))->brands[seat].price;
        if (!s && bs_game_round(c->market[m].game) != round)
            s = bs_error_setf(err, BS_ERR_INPUT, "the saved class's market %d has played %d "
                              "rounds, the class %d", m + 1, bs_game_round(c->market[m].game),
                              round);
    }
    c->round = round;
    c->deadline = c->timer_s && c->round < c->rounds ? bs_now_seconds() + c->timer_s : 0;
    if (s) {
        cls_free(c);
        return NULL;
    }
    return c;
}
