/* SPDX-License-Identifier: MIT */
/*
 * plot_layout.c: how the figures' text fits the canvas (see plot_layout.h).
 * gnuplot cannot tell us how wide a legend entry will be before it draws, so
 * the width is reckoned here from DejaVu Sans' advance widths and the room
 * the templates leave for the legend (keyshrink) and the title (a subtitle
 * wrapped onto a second line) follows from it.
 */
#include "analysis/plot_layout.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *exit_policy_label(const char *policy)
{
    if (!strcmp(policy, "clean_break"))
        return "clean break";
    if (!strcmp(policy, "win_back"))
        return "win-back";
    if (!strcmp(policy, "none"))
        return "no exit policy";
    return policy;
}

void bs_layout_shorten(const char *in, char out[LABEL_MAX + 1])
{
    size_t n = strlen(in);
    if (n <= LABEL_MAX) {
        memcpy(out, in, n + 1);
        return;
    }
    const size_t head = (LABEL_MAX - 3) / 2, tail = LABEL_MAX - 3 - head;
    snprintf(out, LABEL_MAX + 1, "%.*s...%s", (int)head, in, in + n - tail);
}

void bs_layout_brand_label(const bs_results *r, int v, int b, int with_policy,
                           char out[LABEL_MAX + 1])
{
    char full[BS_NAME_MAX + 80];
    const char *then = NULL;
    int change = with_policy ? bs_results_brand_exit_change(r, v, b, &then) : -1;
    if (with_policy && change >= 0)
        snprintf(full, sizeof full, "%s (%s, %s from day %g)", bs_results_brand_name(r, b),
                 exit_policy_label(bs_results_brand_exit_policy(r, v, b)),
                 exit_policy_label(then), change > 0 ? bs_results_days(r)[change - 1] : 0);
    else if (with_policy)
        snprintf(full, sizeof full, "%s (%s)", bs_results_brand_name(r, b),
                 exit_policy_label(bs_results_brand_exit_policy(r, v, b)));
    else
        snprintf(full, sizeof full, "%s", bs_results_brand_name(r, b));
    bs_layout_shorten(full, out);
}

/* The legend font is DejaVu Sans at 13 points, 17.3 pixels to the em; the widths are
 * its advance widths (units of 1/2048 em). Names are ASCII (letters, digits, '_', '-',
 * '.'); anything else counts as wide. */
double bs_layout_label_px(const char *s)
{
    double units = 0;
    for (; *s; s++) {
        int c = (unsigned char)*s, w;
        if (c == 'i' || c == 'l' || c == 'j' || c == ' ' || c == '.' || c == ',' || c == ':')
            w = 620;
        else if (c == 't' || c == 'f' || c == 'r' || c == '(' || c == ')' || c == '-')
            w = 800;
        else if (c == 'm' || c == 'w')
            w = 1850;
        else if (c >= 'a' && c <= 'z')
            w = 1260;
        else if (c >= '0' && c <= '9')
            w = 1303;
        else if (c == 'M' || c == 'W')
            w = 2025;
        else
            w = 1500; /* capitals, '_' and the rest */
        units += w;
    }
    return units / 2048.0 * 17.3;
}

double bs_layout_widest_brand_label(const bs_results *r, int v, const int *brands, int n,
                                    int with_policy)
{
    double px = 0;
    char label[LABEL_MAX + 1];
    for (int i = 0; i < n; i++) {
        bs_layout_brand_label(r, v, brands[i], with_policy, label);
        px = fmax(px, bs_layout_label_px(label));
    }
    return px;
}

/* The legend's column, from 0.815 of the width, holds a line sample of about 75 pixels
 * and the entry. */
double bs_layout_keyshrink(double key_px, int width)
{
    double keyshrink = (key_px + 75 - 0.185 * width) / width;
    return keyshrink < 0 ? 0 : keyshrink > 0.27 ? 0.27 : keyshrink;
}

/* About 12.5 pixels a character at the title's font. */
int bs_layout_wrap_subtitle(const char *title, int width, char *out, size_t n)
{
    snprintf(out, n, "%s", title);
    char *sub = strchr(out, '\n');
    const size_t fit = (size_t)(width / 12.5);
    if (!sub || strlen(sub + 1) <= fit)
        return sub ? 2 : 1;
    char *cut = NULL;
    for (char *p = sub + 1; (p = strpbrk(p, ",;")) && (size_t)(p - sub) <= fit; p++)
        if (p[1] == ' ')
            cut = p;
    if (!cut)
        return 2;
    cut[1] = '\n'; /* ", " -> ",\n" */
    return 3;
}
