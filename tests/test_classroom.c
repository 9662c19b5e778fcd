/* SPDX-License-Identifier: MIT */
/*
 * test_classroom.c: the classroom's interface (sim/classroom/api.c over
 * class.c), request by request, without sockets. Refused requests (no or a
 * wrong credential, another team's, malformed, oversized, out of range,
 * replayed, out of phase) get their 4xx and leave the saved class exactly
 * as it was; the newsletter's numbers are the game's; computer brands take
 * the empty seats; a saved class resumes to the same views and the same
 * export, byte for byte.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "brandsim/brandsim.h"
#include "brandsim/metrics.h"
#include "classroom/api.h"
#include "classroom/class.h"
#include "classroom/export.h"

static const char market_yaml[] =
    "name: lesson\nseed: 5\nconsumers: 3000\nsteps: 26\n"
    "brands:\n  - {name: acme}\n  - {name: bolt}\n  - {name: cove}\n"
    "shocks:\n  - {kind: breach, step: 14, brands: [acme], size: 0.5, reach: 0.8}\n";

static bs_scenario *scenario(void)
{
    bs_scenario *sc = malloc(sizeof *sc);
    bs_error err = {0};
    cr_assert_eq(bs_scenario_load_string(market_yaml, strlen(market_yaml), "lesson.yaml", sc, &err),
                 BS_OK, "%s", err.msg);
    return sc;
}

static cls_class *new_class(int markets)
{
    bs_scenario *sc = scenario();
    bs_error err = {0};
    cls_options opt = {.markets = markets, .threads = 1};
    cls_class *c = cls_new(sc, &opt, &err);
    cr_assert_not_null(c, "%s", err.msg);
    free(sc);
    return c;
}

/* A request; the reply's body parsed (NULL when not JSON). */
static json_t *call(cls_class *c, const char *method, const char *path, const char *token,
                    const char *body, int *status)
{
    char auth[64];
    if (token)
        snprintf(auth, sizeof auth, "Bearer %s", token);
    api_request rq = {method, path, NULL, token ? auth : NULL, "application/json", body,
                      body ? strlen(body) : 0, 0};
    api_reply r;
    api_handle(c, &rq, &r);
    *status = r.status;
    json_t *v = json_loadb(r.body, r.len, 0, NULL);
    api_reply_free(&r);
    return v;
}

static char *join(cls_class *c, const char *name)
{
    char body[256];
    snprintf(body, sizeof body, "{\"code\": \"%s\", \"team\": \"%s\"}", cls_code(c), name);
    int st;
    json_t *v = call(c, "POST", "/api/join", NULL, body, &st);
    cr_assert_eq(st, 201, "join %s: %d", name, st);
    char *token = strdup(json_string_value(json_object_get(v, "token")));
    json_decref(v);
    return token;
}

static const char decision[] =
    "\"price\": 1.2, \"personalization\": 0.4, \"transparency\": 0.9, \"control\": 0.8, "
    "\"norm\": \"communal\", \"exit_policy\": \"clean_break\", \"breach_response\": "
    "\"apology\", \"response_delay\": 0";

static int decide(cls_class *c, const char *token, int seq, int round, const char *extra)
{
    char body[1024];
    snprintf(body, sizeof body, "{\"seq\": %d, \"round\": %d, %s%s}", seq, round, decision,
             extra ? extra : "");
    int st;
    json_decref(call(c, "POST", "/api/decide", token, body, &st));
    return st;
}

static int teacher(cls_class *c, int seq, const char *action)
{
    char body[128];
    snprintf(body, sizeof body, "{\"seq\": %d, \"action\": \"%s\"}", seq, action);
    int st;
    json_decref(call(c, "POST", "/api/teacher", cls_key(c), body, &st));
    return st;
}

/* The class as saved, as text: what a refused request must leave unchanged. */
static char *saved(cls_class *c)
{
    json_t *v = cls_save(c);
    char *s = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    return s;
}

Test(classroom, joining_is_checked_and_seats_teams_fairly)
{
    cls_class *c = new_class(2);
    int st;
    json_t *v = call(c, "POST", "/api/join", NULL, "{\"code\": \"AAAAAA\", \"team\": \"x\"}", &st);
    cr_expect_eq(st, 403, "a wrong code");
    json_decref(v);
    char body[256];
    const char *bad[] = {"", "   ", "<script>", "a name far longer than twenty-four characters",
                         "tab\there", "\u200b", "evil\u202egnp", "no\u00a0break"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        snprintf(body, sizeof body, "{\"code\": \"%s\", \"team\": \"%s\"}", cls_code(c), bad[k]);
        json_decref(call(c, "POST", "/api/join", NULL, body, &st));
        cr_expect_eq(st, 400, "name '%s': %d", bad[k], st);
    }
    char *a = join(c, "Blue Herons"), *b = join(c, "Red Kites");
    snprintf(body, sizeof body, "{\"code\": \"%s\", \"team\": \"blue herons\"}", cls_code(c));
    json_decref(call(c, "POST", "/api/join", NULL, body, &st));
    cr_expect_eq(st, 409, "a name taken (case aside)");
    /* two markets: the second team goes to the emptier one */
    v = call(c, "GET", "/api/team", b, NULL, &st);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(v, "team"), "market")), 1);
    json_decref(v);
    for (int k = 0; k < 4; k++) { /* 2 markets x 3 brands: full after six */
        char name[16];
        snprintf(name, sizeof name, "team %d", k);
        free(join(c, name));
    }
    snprintf(body, sizeof body, "{\"code\": \"%s\", \"team\": \"late\"}", cls_code(c));
    json_decref(call(c, "POST", "/api/join", NULL, body, &st));
    cr_expect_eq(st, 409, "a full class");
    free(a);
    free(b);
    cls_free(c);
}

Test(classroom, refused_requests_change_nothing)
{
    cls_class *c = new_class(1);
    char *a = join(c, "Alpha"), *b = join(c, "Beta");
    cr_assert_eq(teacher(c, 0, "start_competition"), 200);
    char *before = saved(c);
    int st;
    struct { const char *method, *path, *token, *body; int status; } cases[] = {
        {"GET", "/api/team", NULL, NULL, 401},
        {"GET", "/api/team", "0123456789abcdef0123456789abcdef", NULL, 401},
        {"GET", "/api/teacher", a, NULL, 403},                       /* a team is not the teacher */
        {"POST", "/api/teacher", a, "{\"seq\": 1, \"action\": \"advance\"}", 403},
        {"GET", "/api/team", cls_key(c), NULL, 403},                 /* the teacher is not a team */
        {"POST", "/api/decide", a, "not json", 400},
        {"POST", "/api/decide", a, "[1, 2]", 400},
        {"POST", "/api/decide", a, "{\"seq\": 0, \"round\": 0}", 400}, /* fields missing */
        {"POST", "/api/decide", a, "{\"seq\": 0, \"round\": 0, \"price\": 1, \"personalization\": "
                                   "0.5, \"transparency\": 0.5, \"control\": 0.5, \"norm\": "
                                   "\"communal\", \"exit_policy\": \"none\", \"breach_response\": "
                                   "\"none\", \"response_delay\": 0, \"admin\": true}", 400},
        {"POST", "/api/decide", a, "{\"seq\": 0, \"round\": 0, \"price\": 9, \"personalization\": "
                                   "0.5, \"transparency\": 0.5, \"control\": 0.5, \"norm\": "
                                   "\"communal\", \"exit_policy\": \"none\", \"breach_response\": "
                                   "\"none\", \"response_delay\": 0}", 400},
        {"POST", "/api/decide", a, "{\"seq\": 0, \"round\": 0, \"price\": 1, \"personalization\": "
                                   "0.5, \"transparency\": 0.5, \"control\": 0.5, \"norm\": "
                                   "\"tribal\", \"exit_policy\": \"none\", \"breach_response\": "
                                   "\"none\", \"response_delay\": 0}", 400},
        {"POST", "/api/decide", a, "{\"seq\": 7, \"round\": 0, \"price\": 1, \"personalization\": "
                                   "0.5, \"transparency\": 0.5, \"control\": 0.5, \"norm\": "
                                   "\"communal\", \"exit_policy\": \"none\", \"breach_response\": "
                                   "\"none\", \"response_delay\": 0}", 409}, /* a stale seq */
        {"POST", "/api/decide", a, "{\"seq\": 0, \"round\": 3, \"price\": 1, \"personalization\": "
                                   "0.5, \"transparency\": 0.5, \"control\": 0.5, \"norm\": "
                                   "\"communal\", \"exit_policy\": \"none\", \"breach_response\": "
                                   "\"none\", \"response_delay\": 0}", 409}, /* another round */
        {"GET", "/api/decide", a, NULL, 405},
        {"DELETE", "/api/team", a, NULL, 405},
        {"GET", "/api/nothing", a, NULL, 404},
        {"GET", "/etc/passwd", NULL, NULL, 404},
        {"GET", "/api/public", NULL, NULL, 403},
        {"POST", "/api/teacher", cls_key(c), "{\"seq\": 0, \"action\": \"advance\"}", 409},
        {"POST", "/api/teacher", cls_key(c), "{\"seq\": 1, \"action\": \"launch\"}", 400},
        {"POST", "/api/teacher", cls_key(c), "{\"seq\": 1, \"action\": \"timer\", \"seconds\": -5}", 400},
        {"POST", "/api/teacher", cls_key(c), "{\"seq\": 1, \"action\": \"start_practice\"}", 409},
        {"POST", "/api/teacher", cls_key(c), "{\"seq\": 4294967297, \"action\": \"advance\"}", 400},
        {"POST", "/api/decide", a, "{\"seq\": 0, \"round\": 0, \"price\": 1, \"personalization\": "
                                   "0.5, \"transparency\": 0.5, \"control\": 0.5, \"norm\": "
                                   "\"communal\", \"exit_policy\": \"none\", \"breach_response\": "
                                   "\"none\", \"response_delay\": 4294967297}", 400},
        {"POST", "/api/decide", a, "{\"seq\": 0, \"round\": 0, \"price\": 1, \"personalization\": "
                                   "0.5, \"transparency\": 0.5, \"control\": 0.5, \"norm\": "
                                   "\"communal\", \"exit_policy\": \"none\", \"breach_response\": "
                                   "\"none\", \"response_delay\": 0, \"statement\": \"hi\u202e\"}", 400},
        {"POST", "/api/teacher", cls_key(c), "{\"seq\": 1, \"action\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\u00e9\"}", 400},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        json_t *v = call(c, cases[k].method, cases[k].path, cases[k].token, cases[k].body, &st);
        cr_expect_eq(st, cases[k].status, "case %zu (%s %s): %d, expected %d", k, cases[k].method,
                     cases[k].path, st, cases[k].status);
        cr_expect(v && json_is_string(json_object_get(v, "error")), "case %zu: no error text", k);
        json_decref(v);
        char *now = saved(c);
        cr_expect_str_eq(now, before, "case %zu changed the class", k);
        free(now);
    }
    /* an oversized body */
    char *big = malloc(API_MAX_BODY + 2);
    memset(big, ' ', API_MAX_BODY + 1);
    big[API_MAX_BODY + 1] = '\0';
    api_request rq = {"POST", "/api/decide", NULL, NULL, "application/json", big, API_MAX_BODY, 1};
    char auth[64];
    snprintf(auth, sizeof auth, "Bearer %s", a);
    rq.authorization = auth;
    api_reply r;
    api_handle(c, &rq, &r);
    cr_expect_eq(r.status, 413);
    api_reply_free(&r);
    free(big);
    /* a decision accepted once; the same request again is a replay */
    cr_expect_eq(decide(c, a, 0, 0, NULL), 200);
    cr_expect_eq(decide(c, a, 0, 0, NULL), 409, "a replayed decision was taken");
    /* b's token decides for b only: a's decision stands */
    cr_expect_eq(decide(c, b, 0, 0, ", \"statement\": \"Beta here\""), 200);
    json_t *v = call(c, "GET", "/api/team", a, NULL, &st);
    cr_expect_eq(json_real_value(json_object_get(
                     json_object_get(json_object_get(v, "team"), "decision"), "price")), 1.2);
    cr_expect(json_is_array(json_object_get(v, "reports")));
    json_decref(v);
    free(before);
    free(a);
    free(b);
    cls_free(c);
}

Test(classroom, a_round_publishes_the_games_numbers)
{
    cls_class *c = new_class(1);
    char *a = join(c, "Alpha");
    cr_assert_eq(teacher(c, 0, "start_competition"), 200);
    cr_expect_eq(cls_round_due(c), 0, "nobody has decided");
    cr_assert_eq(decide(c, a, 0, 0, ", \"statement\": \"We care.\", \"research\": true"), 200);
    cr_assert(cls_round_due(c), "every team has decided");
    bs_error err = {0};
    cr_assert_eq(cls_play_round(c, &err), BS_OK, "%s", err.msg);
    const bs_game *g = cls_game(c, 0);
    cr_assert_not_null(g);
    cr_expect_eq(bs_game_teams(g), 1);
    cr_expect_eq(bs_game_computers(g), 2, "computers took the empty seats");
    int st;
    json_t *v = call(c, "GET", "/api/team", a, NULL, &st);
    cr_assert_eq(st, 200);
    json_t *letter = json_array_get(json_object_get(json_object_get(v, "market"), "newsletters"), 0);
    json_t *row = json_array_get(json_object_get(letter, "rows"), 0);
    const bs_game_standing x = bs_game_round_standing(g, 0, 0);
    cr_expect_eq(json_real_value(json_object_get(row, "score")), x.score);
    cr_expect_eq(json_real_value(json_object_get(row, "net")), x.net);
    cr_expect_eq(json_real_value(json_object_get(row, "revenue")), x.revenue);
    cr_expect_eq(json_real_value(json_object_get(row, "share")), x.share);
    cr_expect_neq(x.score, 0, "a team that changed course scores 0");
    cr_expect_str_eq(json_string_value(json_object_get(row, "statement")), "We care.");
    json_t *team = json_object_get(v, "team");
    cr_expect_eq(json_integer_value(json_object_get(team, "research_credits")), 2);
    cr_expect_eq(json_array_size(json_object_get(v, "reports")), 1, "the research report");
    /* acme's breach in week 15 is announced in its inbox before round 2 */
    json_t *inbox = json_object_get(v, "inbox");
    int warned = 0;
    for (size_t k = 0; k < json_array_size(inbox); k++)
        warned |= strstr(json_string_value(json_object_get(json_array_get(inbox, k), "subject")),
                         "week 15") != NULL;
    cr_expect(warned, "no warning of the breach in week 15");
    json_decref(v);
    /* the teacher's advance plays round 2 with the course kept; the game is then over */
    cr_assert_eq(teacher(c, 1, "advance"), 200);
    cr_assert(cls_round_due(c));
    cr_assert_eq(cls_play_round(c, &err), BS_OK, "%s", err.msg);
    cr_expect_eq(bs_game_round(g), 2);
    cr_expect_eq(decide(c, a, 1, 2, NULL), 409, "a round after the last");
    v = call(c, "GET", "/api/debrief", a, NULL, &st);
    cr_expect_eq(st, 200);
    json_t *m0 = json_array_get(json_object_get(v, "markets"), 0);
    cr_expect_eq(json_integer_value(json_object_get(m0, "weeks")), 26);
    json_t *share = json_array_get(json_object_get(json_object_get(m0, "series"), "share"), 0);
    cr_expect_eq(json_array_size(share), 26);
    json_decref(v);
    free(a);
    cls_free(c);
}

Test(classroom, a_saved_class_resumes_to_the_same_views_and_export)
{
    cls_class *c = new_class(1);
    char *a = join(c, "Alpha"), *b = join(c, "Beta");
    cr_assert_eq(teacher(c, 0, "start_competition"), 200);
    cr_assert_eq(decide(c, a, 0, 0, ", \"forecast\": \"share holds\""), 200);
    cr_assert_eq(decide(c, b, 0, 0, NULL), 200);
    bs_error err = {0};
    cr_assert_eq(cls_play_round(c, &err), BS_OK, "%s", err.msg);
    cr_assert_eq(decide(c, b, 1, 1, ", \"statement\": \"pending\""), 200); /* not yet played */
    json_t *snap = cls_save(c);
    bs_scenario *sc = scenario();
    cls_options opt = {.markets = 1, .threads = 2};
    cls_class *d = cls_restore(sc, snap, &opt, &err);
    cr_assert_not_null(d, "%s", err.msg);
    cr_expect_str_eq(cls_code(d), cls_code(c));
    char *x = saved(c), *y = saved(d);
    cr_expect_str_eq(x, y, "the resumed class saves differently");
    int st;
    json_t *u = call(c, "GET", "/api/team", b, NULL, &st), *w = call(d, "GET", "/api/team", b, NULL, &st);
    cr_expect_eq(st, 200, "b's token after resuming");
    json_object_del(json_object_get(u, "class"), "deadline_s");
    json_object_del(json_object_get(w, "class"), "deadline_s");
    cr_expect(json_equal(u, w), "b's view differs after resuming");
    /* the same next round in both, the same export */
    cr_assert_eq(teacher(c, 1, "advance"), 200);
    cr_assert_eq(teacher(d, 1, "advance"), 200);
    cr_assert_eq(cls_play_round(c, &err), BS_OK, "%s", err.msg);
    cr_assert_eq(cls_play_round(d, &err), BS_OK, "%s", err.msg);
    char dir[] = "/tmp/bs-classroom-XXXXXX", p1[128], p2[128];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(p1, sizeof p1, "%s/one", dir);
    snprintf(p2, sizeof p2, "%s/two", dir);
    char why[256];
    cr_assert_eq(cls_export(c, p1, why, sizeof why), 0, "%s", why);
    cr_assert_eq(cls_export(d, p2, why, sizeof why), 0, "%s", why);
    const char *ext[] = {"h5", "csv"};
    for (int k = 0; k < 2; k++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "cmp -s %s.%s %s.%s", p1, ext[k], p2, ext[k]);
        cr_expect_eq(system(cmd), 0, "the %s exports differ", ext[k]);
    }
    char cmd[256];
    snprintf(cmd, sizeof cmd, "grep -q '^1,2,14,26,bolt,\"Beta\",' %s.csv", p1);
    cr_expect_eq(system(cmd), 0, "the CSV lacks Beta's second round");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    system(cmd);
    json_decref(u);
    json_decref(w);
    json_decref(snap);
    free(x);
    free(y);
    free(sc);
    free(a);
    free(b);
    cls_free(c);
    cls_free(d);
}

Test(classroom, a_solo_game_is_one_team_against_the_computer)
{
    /* the breach hits cove, the last brand listed: the player gets it all the same */
    char yaml[sizeof market_yaml];
    snprintf(yaml, sizeof yaml, "%s", market_yaml);
    memcpy(strstr(yaml, "brands: [acme]") + 9, "cove", 4);
    bs_scenario *sc = malloc(sizeof *sc);
    bs_error err = {0};
    cr_assert_eq(bs_scenario_load_string(yaml, strlen(yaml), "solo.yaml", sc, &err), BS_OK, "%s",
                 err.msg);
    cls_options opt = {.markets = 3, .threads = 1, .solo = 1};
    cls_class *c = cls_new(sc, &opt, &err);
    cr_assert_not_null(c, "%s", err.msg);
    cr_expect_eq(cls_markets(c), 1, "a solo game has one market");
    char *a = join(c, "Solo");
    char body[128];
    snprintf(body, sizeof body, "{\"code\": \"%s\", \"team\": \"Second\"}", cls_code(c));
    int st;
    json_decref(call(c, "POST", "/api/join", NULL, body, &st));
    cr_expect_eq(st, 409, "a second player joined a solo game");
    /* in competition at once: the player's decision plays the round */
    cr_assert_eq(decide(c, a, 0, 0, NULL), 200);
    cr_assert(cls_round_due(c));
    cr_assert_eq(cls_play_round(c, &err), BS_OK, "%s", err.msg);
    cr_expect_eq(bs_game_teams(cls_game(c, 0)), 1);
    cr_expect_eq(bs_game_computers(cls_game(c, 0)), 2);
    /* the player holds the brand the first shock hits (cove, week 15) */
    json_t *v = call(c, "GET", "/api/team", a, NULL, &st);
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(v, "team"), "brand")), "cove");
    json_decref(v);
    free(a);
    free(sc);
    cls_free(c);
}

Test(classroom, a_join_warns_the_new_team_only_and_long_games_are_refused)
{
    bs_scenario *sc = scenario();
    bs_error err = {0};
    /* one round of 26 weeks: acme's breach in week 15 is in it, warned when teams join */
    cls_options opt = {.markets = 1, .threads = 1, .round_steps = 26};
    cls_class *c = cls_new(sc, &opt, &err);
    cr_assert_not_null(c, "%s", err.msg);
    cr_assert_eq(teacher(c, 0, "start_competition"), 200);
    char *a = join(c, "Alpha"), *b = join(c, "Beta"), *d = join(c, "Delta");
    int st;
    json_t *v = call(c, "GET", "/api/team", a, NULL, &st);
    cr_expect_eq(json_array_size(json_object_get(v, "inbox")), 1,
                 "acme's team was warned once per join");
    json_decref(v);
    cls_free(c);
    /* rounds of a week in the classroom's market: 52 rounds x 6 brands' policies could
       overflow a run's 256 shocks: refused up front, not mid-game */
    cr_assert_eq(bs_scenario_load(BS_SOURCE_DIR "/scenarios/classroom.yaml", sc, &err), BS_OK,
                 "%s", err.msg);
    cls_options weekly = {.markets = 1, .threads = 1, .round_steps = 1};
    cr_expect_null(cls_new(sc, &weekly, &err));
    cr_expect(strstr(err.msg, "longer rounds"), "%s", err.msg);
    free(a);
    free(b);
    free(d);
    free(sc);
}

Test(classroom, a_tampered_save_is_refused)
{
    cls_class *c = new_class(1);
    char *a = join(c, "Alpha"), *b = join(c, "Beta");
    json_t *good = cls_save(c);
    bs_scenario *sc = scenario();
    cls_options opt = {.markets = 1, .threads = 1};
    bs_error err = {0};
    const char *cases[] = {"a token shared", "the teacher's key as a token",
                           "credits out of range", "a name with a zero-width space",
                           "a lower-case code", "a price out of range"};
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        json_t *s = json_deep_copy(good);
        json_t *teams = json_object_get(s, "teams");
        json_t *t0 = json_array_get(teams, 0), *t1 = json_array_get(teams, 1);
        switch (k) {
        case 0: json_object_set(t1, "token", json_object_get(t0, "token")); break;
        case 1: json_object_set(t1, "token", json_object_get(s, "key")); break;
        case 2: json_object_set_new(t0, "research_credits", json_integer(1000000)); break;
        case 3: json_object_set_new(t0, "name", json_string("\u200b")); break;
        case 4: {
            char low[8];
            snprintf(low, sizeof low, "%s", cls_code(c));
            for (char *p = low; *p; p++) /* (codes hold letters and digits) */
                *p = (char)tolower((unsigned char)*p);
            if (!strcmp(low, cls_code(c)))
                snprintf(low, sizeof low, "abcdef");
            json_object_set_new(s, "code", json_string(low));
            break;
        }
        case 5: json_object_set_new(json_object_get(t0, "next"), "price", json_real(99)); break;
        }
        cls_class *d = cls_restore(sc, s, &opt, &err);
        cr_expect_null(d, "%s was accepted", cases[k]);
        cls_free(d);
        json_decref(s);
    }
    cls_class *d = cls_restore(sc, good, &opt, &err);
    cr_expect_not_null(d, "the untouched save: %s", err.msg);
    cls_free(d);
    json_decref(good);
    free(sc);
    free(a);
    free(b);
    cls_free(c);
}

Test(classroom, the_practice_is_calm_resumes_and_draws_anew)
{
    cls_class *c = new_class(1);
    char *a = join(c, "Alpha");
    cr_assert_eq(teacher(c, 0, "start_practice"), 200);
    int st;
    json_t *v = call(c, "GET", "/api/team", a, NULL, &st);
    cr_expect_eq(json_array_size(json_object_get(v, "inbox")), 0, "a warning in the calm practice");
    json_decref(v);
    bs_error err = {0};
    cr_assert_eq(decide(c, a, 0, 0, NULL), 200);
    cr_assert_eq(cls_play_round(c, &err), BS_OK, "%s", err.msg);
    int n;
    const bs_event *ev = bs_run_events(bs_game_market(cls_game(c, 0)), &n);
    for (int k = 0; k < n; k++) /* the team's and the computers' policies, no shock */
        cr_expect_str_eq(ev[k].kind, "policy", "the calm practice had a %s", ev[k].kind);
    const double first = bs_game_round_standing(cls_game(c, 0), 0, 0).revenue;
    /* saved and resumed mid-practice: the same class */
    json_t *snap = cls_save(c);
    bs_scenario *sc = scenario();
    cls_options opt = {.markets = 1, .threads = 1};
    cls_class *d = cls_restore(sc, snap, &opt, &err);
    cr_assert_not_null(d, "%s", err.msg);
    char *x = saved(c), *y = saved(d);
    cr_expect_str_eq(x, y);
    /* a second practice draws another market */
    cr_assert_eq(teacher(c, 1, "start_practice"), 200);
    cr_assert_eq(decide(c, a, 1, 0, NULL), 200);
    cr_assert_eq(cls_play_round(c, &err), BS_OK, "%s", err.msg);
    cr_expect_neq(bs_game_round_standing(cls_game(c, 0), 0, 0).revenue, first,
                  "the second practice is the first again");
    free(x);
    free(y);
    json_decref(snap);
    free(sc);
    free(a);
    cls_free(d);
    cls_free(c);
}
