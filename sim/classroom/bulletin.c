/* SPDX-License-Identifier: MIT */
/*
 * bulletin.c: what a round publishes in a market: the newsletter (each
 * brand's share, revenue, net contribution, score against its
 * counterfactual, revenge acts, loyalty and public statement; the week's
 * news; customers' voices, drawn from the model's word of mouth and
 * revenge), each team's private inbox (warnings of what is coming to its
 * brand, customers' e-mails, a journalist's question, decisions the game
 * refused) and the research reports teams bought. Everything is read from
 * the market's game, so a replayed game publishes the same.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "classroom/state.h"

static const char *brand_name(const cls_class *c, int b) { return c->sc->brands[b].name; }

/* "a" or "an" before a brand's name. */
static const char *article(const char *word)
{
    return strchr("aeiouAEIOU", word[0]) ? "an" : "a";
}

static json_t *message(int round, const char *kind, const char *from, const char *subject,
                       const char *text)
{
    return json_pack("{s:i, s:s, s:s, s:s, s:s}", "round", round, "kind", kind, "from", from,
                     "subject", subject, "text", text);
}

/* ---- warnings of what is coming ------------------------------------ */

int cls_warn_round(cls_class *c, int m, int r, int team)
{
    const int from = r * c->round_steps, to = from + c->round_steps;
    for (int s = 0; s < c->seats; s++) {
        const int j = c->market[m].team_of_seat[s];
        if (j < 0 || (team >= 0 && j != team))
            continue;
        const bs_scenario *sc = cls_active(c);
        for (int k = 0; k < sc->n_shocks; k++) {
            const bs_shock *sh = &sc->shocks[k];
            int hit = 0;
            for (int i = 0; i < sh->n_brands; i++) hit |= sh->brands[i] == s;
            if (!hit || sh->step < from || sh->step >= to || sh->size <= 0 ||
                sh->kind == BS_SHOCK_POLICY)
                continue;
            char text[1400], subject[160], customers[96] = "";
            const int week = sh->step + 1;
            const bs_economics *e = &sc->economics;
            if (c->market[m].game && from > 0)
                snprintf(customers, sizeof customers, " We have about %.0f customers now.",
                         cls_at(c, m, BS_SEG_ALL, BS_M_ACTIVE_CUSTOMERS, s, from - 1));
            const char *late = sh->step == from
                                   ? " It breaks in the round's first week: the response you "
                                     "set now comes too late for it; what you say and do "
                                     "afterwards still counts."
                                   : "";
            switch (sh->kind) {
            case BS_SHOCK_BREACH:
                snprintf(subject, sizeof subject, "Urgent: a data breach becomes public in week %d",
                         week);
                snprintf(text, sizeof text,
                         "%s %.0f %% of our customer records. The story will be public in week "
                         "%d and about %.0f %% of consumers will hear of it. Decide now how we "
                         "answer: the breach response (silence, apology, compensation, or "
                         "transparency and control) and how many weeks after the news it goes "
                         "out. What each costs, per customer it reaches: an apology %.2f, "
                         "compensation %.2f (%.2f of it paid to the customer), transparency and "
                         "control %.2f; one-off: %.0f, %.0f and %.0f.%s%s",
                         sh->breach_kind == BS_BREACH_SOLD_DATA
                             ? "A journalist has documents showing that we sold"
                             : "Hackers have stolen",
                         100 * sh->size, week, 100 * sh->reach, e->apology_per_customer,
                         e->compensation_per_customer + e->compensation_amount,
                         e->compensation_amount, e->transparency_per_customer, e->apology_fixed,
                         e->compensation_fixed, e->transparency_fixed, customers, late);
                json_array_append_new(c->teams[j].inbox,
                                      message(r, "alert", "Your security team", subject, text));
                break;
            case BS_SHOCK_BETRAYAL:
                snprintf(subject, sizeof subject, "Heads-up: week %d's change will upset customers",
                         week);
                snprintf(text, sizeof text,
                         "Head office has decided a change (%s) that takes effect in week %d. "
                         "Our closest customers will feel it most. Decide how we answer: a "
                         "response (apology, compensation, transparency) and its timing.%s",
                         bs_enum_name(BS_SECTION_SHOCK, "act", sh->act), week, late);
                json_array_append_new(c->teams[j].inbox,
                                      message(r, "alert", "Your chief executive", subject, text));
                break;
            default:
                snprintf(subject, sizeof subject, "Week %d: %s ahead", week,
                         sh->kind == BS_SHOCK_FORCED_EXIT ? "we drop some customers"
                                                          : "a service failure");
                snprintf(text, sizeof text,
                         "Operations expects %s in week %d. How we handle those who leave "
                         "(a win-back campaign, or a clean break) is yours to decide.",
                         sh->kind == BS_SHOCK_FORCED_EXIT ? "to end some customer relationships"
                                                          : "a service failure",
                         week);
                json_array_append_new(c->teams[j].inbox,
                                      message(r, "alert", "Your operations team", subject, text));
            }
        }
    }
    return 0;
}

/* ---- the newsletter ------------------------------------------------------ */

static double revenge_acts(const cls_class *c, int m, int b, int from, int to)
{
    return cls_sum(c, m, BS_SEG_ALL, BS_M_REVENGE_WOM, b, from, to) +
           cls_sum(c, m, BS_SEG_ALL, BS_M_REVENGE_WITHHOLD, b, from, to) +
           cls_sum(c, m, BS_SEG_ALL, BS_M_REVENGE_ANTIBRAND, b, from, to);
}

/* The team index in the game of seat s of market m, -1 for a computer's. */
static int game_team(const cls_class *c, int m, int s)
{
    if (c->market[m].team_of_seat[s] < 0)
        return -1;
    int k = 0;
    for (int i = 0; i < s; i++) k += c->market[m].team_of_seat[i] >= 0;
    return k;
}

static json_t *rows(cls_class *c, int m, int r, int from, int to)
{
    const bs_game *g = c->market[m].game;
    json_t *a = json_array();
    for (int s = 0; s < c->seats; s++) {
        const int j = c->market[m].team_of_seat[s], gt = game_team(c, m, s);
        json_t *row = json_pack(
            "{s:s, s:o, s:f, s:f, s:f, s:f, s:f}", "brand", brand_name(c, s), "team",
            j >= 0 ? json_string(c->teams[j].name) : json_null(), "share",
            cls_at(c, m, BS_SEG_ALL, BS_M_MARKET_SHARE, s, to - 1), "revenue",
            cls_sum(c, m, BS_SEG_ALL, BS_M_REVENUE, s, from, to), "net",
            cls_sum(c, m, BS_SEG_ALL, BS_M_NET_CONTRIBUTION, s, from, to), "revenge_acts",
            revenge_acts(c, m, s, from, to), "repeat_rate",
            cls_at(c, m, BS_SEG_ALL, BS_M_REPEAT_RATE, s, to - 1));
        if (gt >= 0) {
            const bs_game_standing x = bs_game_round_standing(g, gt, r),
                                   all = bs_game_standing_of(g, gt);
            json_object_set_new(row, "counterfactual_net", json_real(x.counterfactual_net));
            json_object_set_new(row, "score", json_real(x.score));
            json_object_set_new(row, "total_score", json_real(all.score));
            json_object_set_new(row, "statement", json_string(c->teams[j].statement[r]));
        } else {
            json_object_set_new(row, "counterfactual_net", json_null());
            json_object_set_new(row, "score", json_null());
            json_object_set_new(row, "total_score", json_null());
            json_object_set_new(row, "statement", json_string(""));
        }
        json_array_append_new(a, row);
    }
    return a;
}

static json_t *news(cls_class *c, int m, int from, int to)
{
    json_t *a = json_array();
    int n;
    const bs_event *ev = bs_run_events(bs_game_market(c->market[m].game), &n);
    char line[512];
    for (int k = 0; k < n; k++) {
        const bs_event *e = &ev[k];
        if (e->step < from || e->step >= to || e->brand >= c->seats)
            continue;
        const char *b = brand_name(c, e->brand), *what = NULL;
        if (!strcmp(e->kind, "breach:hack"))
            what = "was hacked: customer records stolen";
        else if (!strcmp(e->kind, "breach:sold_data"))
            what = "sold its customers' data, the press reports";
        else if (!strncmp(e->kind, "betrayal:", 9))
            what = "upset its customers with a change of course";
        else if (!strcmp(e->kind, "response:apology"))
            what = "apologised to its customers";
        else if (!strcmp(e->kind, "response:compensation"))
            what = "compensated the customers affected";
        else if (!strcmp(e->kind, "response:transparency_control"))
            what = "opened up its data practices and gave customers control of their data";
        else if (!strcmp(e->kind, "forced_exit"))
            what = "ended relationships with some of its customers";
        else if (!strcmp(e->kind, "service_failure"))
            what = "had a service failure";
        if (what) {
            snprintf(line, sizeof line, "Week %d: %s %s.", e->step + 1, b, what);
            json_array_append_new(a, json_string(line));
        }
    }
    const bs_scenario *now = bs_run_scenario(bs_game_market(c->market[m].game));
    for (int s = 0; s < c->seats; s++) {
        const double was = c->market[m].price_before[s], is = now->brands[s].price;
        if (is != was) {
            snprintf(line, sizeof line, "%s %s its price to %.2f (from %.2f).", brand_name(c, s),
                     is > was ? "raised" : "cut", is, was);
            json_array_append_new(a, json_string(line));
        }
        c->market[m].price_before[s] = is;
    }
    return a;
}

/* Customers' voices: what the round's word of mouth and revenge were about. */
static json_t *voices(cls_class *c, int m, int from, int to)
{
    json_t *a = json_array();
    int loud = -1, heard = -1, left = -1;
    double most_wom = 0, most_converted = 0, most_exits = 0;
    for (int s = 0; s < c->seats; s++) {
        double w = cls_sum(c, m, BS_SEG_ALL, BS_M_REVENGE_WOM, s, from, to),
               v = cls_sum(c, m, BS_SEG_ALL, BS_M_WOM_CONVERTED, s, from, to),
               x = cls_sum(c, m, BS_SEG_ALL, BS_M_EXITS, s, from, to);
        if (w > most_wom) most_wom = w, loud = s;
        if (v > most_converted) most_converted = v, heard = s;
        if (x > most_exits) most_exits = x, left = s;
    }
    char who[160], text[512];
    if (loud >= 0) {
        snprintf(who, sizeof who, "a long-time %s customer", brand_name(c, loud));
        snprintf(text, sizeof text,
                 "I stood by %s for years. After what they did I tell everyone I know, and I'm "
                 "not the only one: %.0f complaints like mine went round this quarter.",
                 brand_name(c, loud), most_wom);
        json_array_append_new(a, json_pack("{s:s, s:s}", "who", who, "text", text));
    }
    if (heard >= 0) {
        snprintf(who, sizeof who, "a friend of %s %s customer", article(brand_name(c, heard)),
                 brand_name(c, heard));
        snprintf(text, sizeof text,
                 "I never had a problem with %s myself, but my friend told me what happened. "
                 "I'd rather shop elsewhere now. (%.0f people turned against %s on hearsay "
                 "this quarter.)", brand_name(c, heard), most_converted, brand_name(c, heard));
        json_array_append_new(a, json_pack("{s:s, s:s}", "who", who, "text", text));
    }
    if (left >= 0) {
        snprintf(who, sizeof who, "a former %s customer", brand_name(c, left)); /* (consonant) */
        snprintf(text, sizeof text,
                 "I've stopped buying from %s. It wasn't one thing, it was how they made me "
                 "feel. (%.0f customers ended their relationship with %s this quarter.)",
                 brand_name(c, left), most_exits, brand_name(c, left));
        json_array_append_new(a, json_pack("{s:s, s:s}", "who", who, "text", text));
    }
    return a;
}

/* ---- a team's private mail ---------------------------------------------- */

static void customer_mail(cls_class *c, int m, int s, int j, int r, int from, int to)
{
    const double wom = cls_sum(c, m, BS_SEG_ALL, BS_M_REVENGE_WOM, s, from, to),
                 withhold = cls_sum(c, m, BS_SEG_ALL, BS_M_REVENGE_WITHHOLD, s, from, to),
                 anti = cls_sum(c, m, BS_SEG_ALL, BS_M_REVENGE_ANTIBRAND, s, from, to),
                 exits = cls_sum(c, m, BS_SEG_ALL, BS_M_EXITS, s, from, to);
    if (wom + withhold + anti < 1)
        return;
    int n_ev, breached = 0;
    const bs_event *ev = bs_run_events(bs_game_market(c->market[m].game), &n_ev);
    for (int k = 0; k < n_ev; k++)
        breached |= ev[k].brand == s && ev[k].step < to && !strncmp(ev[k].kind, "breach:", 7);
    const char *b = brand_name(c, s), *body;
    if (anti >= wom && anti >= withhold)
        body = "I've joined a group of people online who are done with %s. We compare notes and "
               "we're not going away.";
    else if (withhold >= wom)
        body = "From now on %s gets none of my data: no location, no browsing history, nothing. "
               "You lost my trust.";
    else if (breached)
        body = "I shopped at %s for years and trusted you with my details. I have told my friends "
               "what happened and I will keep telling them.";
    else
        body = "I was loyal to %s for years and this is how you treat me? I have told my friends "
               "what you did and I will keep telling them.";
    char text[768], first[256];
    snprintf(first, sizeof first, body, b);
    snprintf(text, sizeof text,
             "%s\n\n(Customer service's count this quarter: %.0f customers warned others about "
             "us, %.0f withheld their data, %.0f took anti-brand action; %.0f ended their "
             "relationship with us.)", first, wom, withhold, anti, exits);
    json_array_append_new(c->teams[j].inbox,
                          message(r, "email", "A customer", "About what happened", text));
}

static void journalist(cls_class *c, int m, int s, int j, int r, int from, int to)
{
    int n;
    const bs_event *ev = bs_run_events(bs_game_market(c->market[m].game), &n);
    for (int k = 0; k < n; k++)
        if (ev[k].brand == s && ev[k].step >= from && ev[k].step < to &&
            (!strncmp(ev[k].kind, "breach:", 7) || !strncmp(ev[k].kind, "betrayal:", 9))) {
            char text[512];
            snprintf(text, sizeof text,
                     "I'm writing about what happened at %s in week %d. What do you say to the "
                     "customers affected, and what will you do for them? Your public statement "
                     "will be quoted in the next newsletter.",
                     brand_name(c, s), ev[k].step + 1);
            json_array_append_new(c->teams[j].inbox,
                                  message(r, "press", "A reporter at The Ledger",
                                          "A question for our story", text));
            return;
        }
}

static json_t *research_report(cls_class *c, int m, int s, int r, int from, int to)
{
    static const int segs[] = {BS_SEG_STRONG, BS_SEG_WEAK, BS_SEG_NEW, BS_SEG_FUNDAMENTALIST,
                               BS_SEG_PRAGMATIST, BS_SEG_UNCONCERNED, BS_SEG_COMMUNAL,
                               BS_SEG_EXCHANGE};
    json_t *a = json_array();
    for (size_t k = 0; k < sizeof segs / sizeof *segs; k++) {
        const int g = segs[k];
        json_array_append_new(
            a, json_pack("{s:s, s:f, s:f, s:f, s:f, s:f, s:f}", "segment", bs_segment_name(g),
                         "customers", cls_at(c, m, g, BS_M_ACTIVE_CUSTOMERS, s, to - 1),
                         "repeat_rate", cls_at(c, m, g, BS_M_REPEAT_RATE, s, to - 1),
                         "mean_revenge", cls_at(c, m, g, BS_M_MEAN_REVENGE, s, to - 1),
                         "mean_betrayal", cls_at(c, m, g, BS_M_MEAN_BETRAYAL, s, to - 1), "exits",
                         cls_sum(c, m, g, BS_M_EXITS, s, from, to), "defections_out",
                         cls_sum(c, m, g, BS_M_DEFECTIONS_OUT, s, from, to)));
    }
    return json_pack("{s:i, s:s, s:o}", "round", r, "brand", brand_name(c, s), "segments", a);
}

int cls_publish_round(cls_class *c, int m, int r, const char *const *refused)
{
    const int from = r * c->round_steps, to = from + c->round_steps;
    json_t *letter = json_pack("{s:i, s:[i, i], s:o, s:o, s:o}", "round", r, "weeks", from + 1, to,
                               "rows", rows(c, m, r, from, to), "news", news(c, m, from, to),
                               "voices", voices(c, m, from, to));
    if (!letter || json_array_append_new(c->market[m].newsletters, letter))
        return -1;
    for (int s = 0; s < c->seats; s++) {
        const int j = c->market[m].team_of_seat[s];
        if (j < 0)
            continue;
        cls_team *t = &c->teams[j];
        if (refused[j][0])
            json_array_append_new(
                t->inbox, message(r, "notice", "The game",
                                  "Your last decisions could not be applied: you kept your course",
                                  refused[j]));
        journalist(c, m, s, j, r, from, to);
        customer_mail(c, m, s, j, r, from, to);
        if (t->next.research && t->research_credits > 0)
            json_array_append_new(t->reports, research_report(c, m, s, r, from, to));
    }
    return 0;
}
