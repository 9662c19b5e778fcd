/* SPDX-License-Identifier: MIT */
/*
 * plot_events.c: the events of a run in a figure (see plot_events.h): lines
 * at the steps where shocks and responses happen, numbered, and the list of
 * what those numbers stand for ("breach: sold data (alder, cedar); response:
 * apology (alder)") under the plot.
 */
#include "analysis/plot_events.h"

#include <stdlib.h>
#include <string.h>

#include "analysis/gnuplot.h"

enum {
    MAX_NOTE_LINES = 6,  /* event groups listed under a figure */
    NOTE_LEN = 240,      /* characters of one line of that list */
};

/* Start day of step t (the shock's line): the end of the step before. */
static double step_start(const bs_results *r, int t)
{
    const double *day = bs_results_days(r);
    return t > 0 && t <= bs_results_steps(r) ? day[t - 1] : 0;
}

/* Events grouped by step: group g spans events [first[g], first[g+1]). */
static int event_groups(const bs_event *ev, int n, int *first)
{
    int g = 0;
    for (int i = 0; i < n; i++)
        if (i == 0 || ev[i].step != ev[i - 1].step)
            first[g++] = i;
    first[g] = n;
    return g;
}

/* "breach: sold data (alder, cedar); response: apology (alder)" for one group. */
static void describe_group(const bs_results *r, const bs_event *ev, int from, int to, char *buf,
                           size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = from; i < to; i++) {
        int seen = 0;
        for (int j = from; j < i; j++)
            seen |= !strcmp(ev[j].kind, ev[i].kind);
        if (seen)
            continue;
        char kind[40];
        snprintf(kind, sizeof kind, "%s", ev[i].kind);
        for (char *p = kind; *p; p++)
            if (*p == '_')
                *p = ' ';
        char *colon = strchr(kind, ':');
        if (colon && len < n)
            *colon = '\0';
        len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s%s%s (", len ? "; " : "",
                                kind, colon ? ": " : "", colon ? colon + 1 : "");
        const char *sep = "";
        for (int j = i; j < to; j++)
            if (!strcmp(ev[j].kind, ev[i].kind)) {
                len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s", sep,
                                        ev[j].brand >= 0 ? bs_results_brand_name(r, ev[j].brand)
                                                         : "market");
                sep = ", ";
            }
        len += (size_t)snprintf(buf + len, len < n ? n - len : 0, ")");
    }
    if (len >= n && n > 4)
        memcpy(buf + n - 4, "...", 4);
}

static int group_is_shock(const bs_event *ev, int from, int to)
{
    for (int i = from; i < to; i++)
        if (bs_results_event_is_shock(ev[i].kind))
            return 1;
    return 0;
}

void bs_plot_events_lines(FILE *out, const bs_results *r, int v)
{
    int n = 0;
    const bs_event *ev = bs_results_events(r, v, &n);
    int *first = malloc((size_t)(n + 1) * sizeof *first);
    fputs("unset arrow\nunset label\n", out);
    if (!first)
        return;
    int groups = event_groups(ev, n, first);
    const double *day = bs_results_days(r);
    double span = day[bs_results_steps(r) - 1], last = -1e300;
    int level = 0;
    for (int g = 0; g < groups; g++) {
        double x = step_start(r, ev[first[g]].step);
        level = x - last < 0.035 * span ? (level + 1) % 3 : 0;
        last = x;
        fprintf(out, "set arrow from %.7g, graph 0 to %.7g, graph 1 nohead ls %d back\n", x, x,
                group_is_shock(ev, first[g], first[g + 1]) ? 20 : 21);
        fprintf(out, "set label \"%d\" at %.7g, graph 1 offset char 0.3, char %.1f left "
                     "font \",11\" textcolor rgb \"#303030\" front\n",
                g + 1, x, -0.9 - 1.1 * level);
    }
    free(first);
}

int bs_plot_events_note_lines(const bs_results *r, int v)
{
    int n = 0, steps = 0;
    const bs_event *ev = bs_results_events(r, v, &n);
    for (int i = 0; i < n; i++)
        steps += i == 0 || ev[i].step != ev[i - 1].step;
    return steps > MAX_NOTE_LINES ? MAX_NOTE_LINES + 1 : steps;
}

void bs_plot_events_note(FILE *out, const bs_results *r, int v, int width, int height)
{
    /* a line longer than the canvas (up to 9 pixels a character) is cut: brandsim info
     * lists every event in full */
    const size_t fit = (size_t)(width / 9.0);
    int n = 0;
    const bs_event *ev = bs_results_events(r, v, &n);
    int *first = malloc((size_t)(n + 1) * sizeof *first);
    if (!first)
        return;
    int groups = event_groups(ev, n, first);
    double line = 19.0 / height;
    for (int g = 0; g < groups && g <= MAX_NOTE_LINES; g++) {
        char what[NOTE_LEN], text[NOTE_LEN + 64];
        int t = ev[first[g]].step;
        if (g == MAX_NOTE_LINES)
            snprintf(text, sizeof text, "... and %d more (brandsim info lists every event)",
                     groups - g);
        else {
            describe_group(r, ev, first[g], first[g + 1], what, sizeof what);
            snprintf(text, sizeof text, "%d   step %d (day %g): %s", g + 1, t, step_start(r, t),
                     what);
            if (strlen(text) > fit && fit > 8)
                snprintf(text + fit - 4, sizeof text - (fit - 4), " ...");
        }
        fputs("set label ", out);
        bs_gnuplot_string(out, text);
        fprintf(out, " at screen 0.02, screen %.4f left font \",11\" textcolor rgb \"#303030\"\n",
                line * (groups > MAX_NOTE_LINES ? MAX_NOTE_LINES + 1 : groups) - line * g
                    - 0.6 * line);
    }
    free(first);
}
