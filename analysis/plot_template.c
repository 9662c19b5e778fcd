/* SPDX-License-Identifier: MIT */
/*
 * plot_template.c: the templates of analysis/gnuplot/ (see plot_internal.h).
 * A template is a gnuplot script with @directives@, each replaced by the
 * commands and data it names (outside # comment lines):
 *
 *   @EVENTS@       vertical lines at the shocks (solid) and responses (dashed),
 *                  numbered; unsets the previous panel's lines and labels
 *   @EVENTNOTE@    the numbered list of events under the plot
 *   @PLOT metric [seg=S] [brands=sel|focal|exit] [scale=X]@
 *                  one line per brand (mean; shaded 95 % CI with replicates)
 *   @PLOTMARKET m1,m2 [scale=X]@   market-wide series
 *   @MAX metric seg1,seg2 [brands=..] [scale=X]@   the largest value drawn
 *   @PLOTBINS metric [grouping=strength|trait] [per=relationships] [brands=..] [scale=X]@
 *                  one line per quantile bin, the chosen brands together
 *   @PANELS@       (compare.gp) one panel per brand, one line per arm
 *
 * Metrics, segments and market metrics are named as in docs/OUTPUT.md; a segment may be
 * a quantile bin (strength_q1, anxiety_q3) with one of the metrics reported by bin.
 */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include "analysis/plot_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot_events.h"

char *bs_plot_template_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 8192, n = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, 2 * cap + 1);
            if (!bigger) {
                free(buf);
                buf = NULL;
                errno = ENOMEM;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    if (buf)
        buf[n] = '\0';
    return buf;
}

/* Split "a,b,c" into names resolved by `lookup`; returns the count, -1 if unknown. */
static int name_list(const char *text, int (*lookup)(const char *), int *out, int max)
{
    char buf[256];
    int n = 0;
    snprintf(buf, sizeof buf, "%s", text);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok && n < max;
         tok = strtok_r(NULL, ",", &save)) {
        int k = lookup(tok);
        if (k < 0)
            return -1;
        out[n++] = k;
    }
    return n;
}

/* One @directive@: text[len] between the @s. */
static void directive(fig *f, const char *text, size_t len)
{
    char buf[256], *argv[8];
    int argc = 0;
    snprintf(buf, sizeof buf, "%.*s", (int)len, text);
    for (char *save = NULL, *tok = strtok_r(buf, " \t", &save); tok && argc < 8;
         tok = strtok_r(NULL, " \t", &save))
        argv[argc++] = tok;
    if (argc == 0) {
        bs_plot_fig_fail(f, BS_ERR_RUNTIME, "%s: empty @@ directive", f->tpl_name);
        return;
    }
    const char *name = argv[0];
    if (!strcmp(name, "EVENTS")) {
        bs_plot_events_lines(f->out, f->r, f->v);
        return;
    }
    if (!strcmp(name, "EVENTNOTE")) {
        bs_plot_events_note(f->out, f->r, f->v, f->width, f->height);
        return;
    }
    const char *seg = "all", *metric = NULL, *segs = NULL, *grouping = "strength";
    int kind = 0, ms[BS_MK_COUNT], n_ms = 0, per = 0, extra = 0, positional = 0;
    double scale = 1;
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "seg=", 4))
            seg = argv[i] + 4;
        else if (!strncmp(argv[i], "scale=", 6))
            scale = atof(argv[i] + 6);
        else if (!strncmp(argv[i], "brands=", 7))
            kind = !strcmp(argv[i] + 7, "focal") ? 1 : !strcmp(argv[i] + 7, "exit") ? 2
                   : !strcmp(argv[i] + 7, "sel") ? 0 : -1;
        else if (!strncmp(argv[i], "grouping=", 9))
            grouping = argv[i] + 9;
        else if (!strncmp(argv[i], "per=", 4))
            per = !strcmp(argv[i] + 4, "relationships") ? 1 : -1;
        else if (positional == 0 && !strcmp(name, "PLOTMARKET"))
            n_ms = name_list(argv[i], bs_market_metric_by_name, ms, BS_MK_COUNT), positional++;
        else if (positional == 0)
            metric = argv[i], positional++;
        else if (positional == 1 && !strcmp(name, "MAX"))
            segs = argv[i], positional++;
        else
            extra = 1; /* an argument too many */
    }
    const int *set = kind == 1 ? f->focal : kind == 2 ? f->exitb : f->sel;
    int n = kind == 1 ? f->n_focal : kind == 2 ? f->n_exit : f->n_sel;
    int ok = !extra && kind >= 0 && per >= 0 && isfinite(scale);
    /* the series a segment (or quantile bin) and a metric name, as its key; -1 if the names
     * are not a series or the file does not hold it */
#define KEY_OF(segment, key)                                                                   \
    do {                                                                                       \
        bs_series_ref ref;                                                                     \
        bs_error e = {0};                                                                      \
        key = metric && !bs_series_ref_parse(segment, metric, "seg", &ref, &e) &&              \
                      !bs_results_check_ref(f->r, &ref, &e)                                    \
                  ? bs_plot_key(&ref)                                                          \
                  : -1;                                                                        \
    } while (0)
    if (!strcmp(name, "PLOT") && ok) {
        int key;
        KEY_OF(seg, key);
        if (key >= 0) {
            bs_plot_series_brands(f, key, set, n, scale, kind == 2);
            return;
        }
    } else if (!strcmp(name, "PLOTMARKET") && ok && n_ms > 0) {
        bs_plot_series_market(f, ms, n_ms, scale);
        return;
    } else if (!strcmp(name, "MAX") && ok && segs) {
        int keys[BS_SEG_COUNT], n_keys = 0;
        char buf[256];
        snprintf(buf, sizeof buf, "%s", segs);
        int bad = 0;
        for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok && !bad && n_keys < BS_SEG_COUNT;
             tok = strtok_r(NULL, ",", &save)) {
            KEY_OF(tok, keys[n_keys]);
            bad = keys[n_keys++] < 0;
        }
        if (!bad && n_keys > 0) {
            bs_plot_series_max(f, keys, n_keys, set, n, scale);
            return;
        }
    } else if (!strcmp(name, "PLOTBINS") && ok && metric) {
        const int g = !strcmp(grouping, "strength") ? BS_QG_STRENGTH
                      : !strcmp(grouping, "trait")  ? BS_QG_TRAIT
                                                    : -1;
        const int m = bs_quantile_metric_by_name(metric);
        if (g >= 0 && m >= 0) {
            bs_plot_series_bins(f, g, m, per, set, n, scale);
            return;
        }
    }
#undef KEY_OF
    bs_plot_fig_fail(f, BS_ERR_RUNTIME, "%s: directive @%.*s@ is not valid", f->tpl_name,
                     (int)len, text);
}

void bs_plot_template_expand(fig *f, const char *tpl, void (*panels)(fig *, void *), void *ctx)
{
    int comment = 0, line_start = 1;
    for (const char *p = tpl; *p && !f->status;) {
        if (line_start) {
            const char *q = p;
            while (*q == ' ' || *q == '\t')
                q++;
            comment = *q == '#';
        }
        line_start = *p == '\n';
        const char *end = *p == '@' && !comment ? strchr(p + 1, '@') : NULL;
        const char *nl = end ? strchr(p + 1, '\n') : NULL;
        if (end && (!nl || end < nl)) {
            if (panels && (size_t)(end - p - 1) == 6 && !strncmp(p + 1, "PANELS", 6))
                panels(f, ctx);
            else
                directive(f, p + 1, (size_t)(end - p - 1));
            p = end + 1;
            continue;
        }
        fputc(*p++, f->out);
    }
}
