/* SPDX-License-Identifier: MIT */
/*
 * api.c: routes a request to the pages or to the class (api.h), checking
 * credentials, method, shape and size first; a refused request changes
 * nothing. Errors are {"error": "..."} with the status of
 * docs/CLASSROOM-HTTP.md.
 */
#define _GNU_SOURCE
#include "classroom/api.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classroom/pages.h"

static void reply_json(api_reply *out, int status, json_t *v)
{
    out->status = status;
    out->content_type = "application/json";
    out->cache = "no-store";
    out->body = v ? json_dumps(v, JSON_COMPACT) : NULL;
    json_decref(v);
    if (!out->body) {
        static char oom[] = "{\"error\":\"out of memory\"}";
        out->status = 503;
        out->body = oom;
        out->len = sizeof oom - 1;
        out->owned = 0;
        return;
    }
    out->len = strlen(out->body);
    out->owned = 1;
}

/* An error's text, cut before any byte that is not valid UTF-8 (a message may quote a
   request's bytes, or cut a character in two): the reply keeps its status. */
static void reply_error(api_reply *out, int status, const char *why)
{
    size_t n = strlen(why);
    json_t *text = json_stringn(why, n);
    while (!text && n > 0)
        text = json_stringn(why, --n);
    reply_json(out, status, text ? json_pack("{s:o}", "error", text) : NULL);
    out->status = out->status == 503 && !text ? 503 : status;
}

void api_reply_free(api_reply *r)
{
    if (r->owned)
        free(r->body);
    r->body = NULL;
    r->owned = 0;
}

/* The token of "Authorization: Bearer TOKEN" (NULL: none). */
static const char *bearer(const api_request *rq)
{
    const char *a = rq->authorization;
    if (!a || strncasecmp(a, "Bearer ", 7))
        return NULL;
    return a + 7;
}

/* The request's body as a JSON object, or NULL with the reply set. */
static json_t *body_of(const api_request *rq, api_reply *out)
{
    if (rq->too_large) {
        char why[96];
        snprintf(why, sizeof why, "the body is longer than %d bytes", API_MAX_BODY);
        reply_error(out, 413, why);
        return NULL;
    }
    /* JSON only: a form posted from another site (text/plain, no preflight) is refused */
    const char *ct = rq->content_type ? rq->content_type : "";
    if (strncasecmp(ct, "application/json", 16) || (ct[16] && ct[16] != ';' && ct[16] != ' ')) {
        reply_error(out, 415, "the body must be JSON: Content-Type: application/json");
        return NULL;
    }
    json_error_t e;
    json_t *v = json_loadb(rq->body ? rq->body : "", rq->len, JSON_REJECT_DUPLICATES, &e);
    if (!v || !json_is_object(v)) {
        char why[320];
        snprintf(why, sizeof why, "the body is not a JSON object%s%s", v ? "" : ": ",
                 v ? "" : e.text);
        json_decref(v);
        reply_error(out, 400, why);
        return NULL;
    }
    return v;
}

static void join(cls_class *c, const api_request *rq, api_reply *out)
{
    json_t *b = body_of(rq, out), *reply = NULL;
    if (!b)
        return;
    const char *code, *team;
    json_error_t e;
    char why[320];
    if (json_unpack_ex(b, &e, JSON_STRICT, "{s:s, s:s}", "code", &code, "team", &team)) {
        snprintf(why, sizeof why, "expected {\"code\": \"…\", \"team\": \"…\"}: %s", e.text);
        reply_error(out, 400, why);
    } else {
        int st = cls_join(c, code, team, &reply, why, sizeof why);
        if (st < 300)
            reply_json(out, st, reply);
        else
            reply_error(out, st, why);
    }
    json_decref(b);
}

static void decide(cls_class *c, int team, const api_request *rq, api_reply *out)
{
    json_t *b = body_of(rq, out), *reply = NULL;
    if (!b)
        return;
    cls_submission sub = {0};
    json_int_t seq, round, delay;
    int research = 0;
    const char *norm, *exit, *resp, *statement = "", *forecast = "";
    json_error_t e;
    char why[320];
    if (json_unpack_ex(b, &e, JSON_STRICT,
                       "{s:I, s:I, s:F, s:F, s:F, s:F, s:s, s:s, s:s, s:I, s?s, s?s, s?b}", "seq",
                       &seq, "round", &round, "price", &sub.course.price, "personalization",
                       &sub.course.personalization, "transparency", &sub.course.transparency,
                       "control", &sub.course.control, "norm", &norm, "exit_policy", &exit,
                       "breach_response", &resp, "response_delay", &delay,
                       "statement", &statement, "forecast", &forecast, "research", &research)) {
        snprintf(why, sizeof why, "a decision: %s (docs/CLASSROOM-HTTP.md lists its fields)",
                 e.text);
        reply_error(out, 400, why);
    } else if (seq < 0 || seq > INT_MAX || round < 0 || round > INT_MAX || delay < 0 ||
               delay > 13) {
        reply_error(out, 400, "seq and round: whole numbers from 0; response_delay: 0 to 13 "
                              "weeks");
    } else if ((sub.course.response_delay = (int)delay, 0) ||
               (sub.course.norm = cls_enum_value("norm", norm)) < 0 ||
               (sub.course.exit_policy = cls_enum_value("exit_policy", exit)) < 0 ||
               (sub.course.breach_response = cls_enum_value("breach_response", resp)) < 0) {
        reply_error(out, 400, "norm (communal, exchange), exit_policy (none, win_back, "
                              "clean_break) or breach_response (none, apology, compensation, "
                              "transparency_control): not one of the names expected");
    } else if (strlen(statement) >= sizeof sub.statement || strlen(forecast) >= sizeof sub.forecast) {
        reply_error(out, 400, "statement or forecast too long");
    } else {
        snprintf(sub.statement, sizeof sub.statement, "%s", statement);
        snprintf(sub.forecast, sizeof sub.forecast, "%s", forecast);
        sub.research = research;
        int st = cls_decide(c, team, (int)seq, (int)round, &sub, &reply, why, sizeof why);
        if (st < 300)
            reply_json(out, st, reply);
        else
            reply_error(out, st, why);
    }
    json_decref(b);
}

static void teacher(cls_class *c, const api_request *rq, api_reply *out)
{
    json_t *b = body_of(rq, out), *reply = NULL;
    if (!b)
        return;
    json_int_t seq, seconds = 0;
    const char *action;
    json_error_t e;
    char why[320];
    if (json_unpack_ex(b, &e, JSON_STRICT, "{s:I, s:s, s?I}", "seq", &seq, "action", &action,
                       "seconds", &seconds)) {
        snprintf(why, sizeof why, "expected {\"seq\": N, \"action\": \"…\"}: %s", e.text);
        reply_error(out, 400, why);
    } else if (seq < 0 || seq > INT_MAX || seconds < 0 || seconds > 3600) {
        reply_error(out, 400, "seq: a whole number from 0; seconds: 0 (no timer) to 3600");
    } else {
        int st = cls_teacher(c, (int)seq, action, (int)seconds, &reply, why, sizeof why);
        if (st < 300)
            reply_json(out, st, reply);
        else
            reply_error(out, st, why);
    }
    json_decref(b);
}

void api_handle(cls_class *c, const api_request *rq, api_reply *out)
{
    memset(out, 0, sizeof *out);
    const int get = !strcmp(rq->method, "GET") || !strcmp(rq->method, "HEAD"),
              post = !strcmp(rq->method, "POST");
    const cls_page *page = cls_page_of(rq->path);
    if (page) {
        if (!get)
            return reply_error(out, 405, "pages are read with GET");
        out->status = 200;
        out->content_type = page->content_type;
        out->body = (char *)page->body;
        out->len = page->len;
        out->cache = "no-cache";
        return;
    }
    if (strncmp(rq->path, "/api/", 5))
        return reply_error(out, 404, "no such page");
    const char *route = rq->path + 5;
    static const struct { const char *route; int post; } routes[] = {
        {"health", 0}, {"join", 1}, {"team", 0}, {"decide", 1}, {"teacher", 0},
        {"teacher", 1}, {"public", 0}, {"debrief", 0}};
    int known = 0, allowed = 0;
    for (size_t k = 0; k < sizeof routes / sizeof *routes; k++)
        if (!strcmp(routes[k].route, route)) {
            known = 1;
            allowed |= routes[k].post ? post : get;
        }
    if (!known)
        return reply_error(out, 404, "no such route: docs/CLASSROOM-HTTP.md lists them");
    if (!allowed)
        return reply_error(out, 405, "this route does not take this method");
    if (!strcmp(route, "health"))
        return reply_json(out, 200, json_pack("{s:b}", "ok", 1));
    if (!strcmp(route, "join"))
        return join(c, rq, out);
    if (!strcmp(route, "public")) {
        if (!cls_is_code(c, rq->code))
            return reply_error(out, 403, "?code= is not the class's join code");
        return reply_json(out, 200, cls_public_view(c));
    }
    /* the rest needs a credential */
    const char *token = bearer(rq);
    const int is_key = cls_is_key(c, token), team = is_key ? -1 : cls_team_of_token(c, token);
    if (!is_key && team < 0)
        return reply_error(out, 401, token ? "unknown token or key" : "no Authorization: Bearer "
                                                                       "token");
    if (!strcmp(route, "team") || !strcmp(route, "decide")) {
        if (team < 0)
            return reply_error(out, 403, "this route is a team's: use the team's token");
        if (post)
            return decide(c, team, rq, out);
        return reply_json(out, 200, cls_team_view(c, team));
    }
    if (!strcmp(route, "debrief"))
        return reply_json(out, 200, cls_debrief_view(c, team));
    /* teacher */
    if (!is_key)
        return reply_error(out, 403, "this route is the teacher's: use the teacher's key");
    if (post)
        return teacher(c, rq, out);
    reply_json(out, 200, cls_teacher_view(c));
}
