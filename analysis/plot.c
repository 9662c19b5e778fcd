/*
 * plot.c: brandsim's figures (see plot.h). For each figure this builds one
 * gnuplot script in memory: the terminal, analysis/gnuplot/style.gp, a few
 * variables (title, room for the event list), then the figure's template
 * with its @directives@ replaced:
 *
 *   @EVENTS@       vertical lines at the shocks (solid) and responses (dashed),
 *                  numbered; unsets the previous panel's lines and labels
 *   @EVENTNOTE@    the numbered list of events under the plot
 *   @PLOT metric [seg=S] [brands=sel|focal|exit] [scale=X]@
 *                  one line per brand (mean; shaded 95 % CI with replicates)
 *   @PLOTMARKET m1,m2 [scale=X]@   market-wide series
 *   @MAX metric seg1,seg2 [brands=..] [scale=X]@   the largest value drawn
 *   @PANELS@       (compare.gp) one panel per brand, one line per arm
 *
 * Data go inline as datablocks ($name << EOD) just before the plot that uses
 * them. gnuplot.c runs the script and checks the file it wrote.
 */
#define _POSIX_C_SOURCE 200809L
#include "analysis/plot.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/gnuplot.h"
#include "analysis/plot_events.h"
#include "analysis/plot_layout.h"

enum {
    MAX_DRAWN = 12,      /* brands drawn when the caller does not choose */
    MAX_PANELS = 6,      /* brands in a comparison */
};

/* ---- names and sizes ------------------------------------------------------- */

static const char *const format_names[BS_PLOT_FORMAT_COUNT] = {"png", "svg", "pdf"};

const char *bs_plot_format_name(bs_plot_format f)
{
    return f >= 0 && f < BS_PLOT_FORMAT_COUNT ? format_names[f] : NULL;
}

int bs_plot_format_by_name(const char *name)
{
    for (int f = 0; f < BS_PLOT_FORMAT_COUNT; f++)
        if (!strcmp(format_names[f], name))
            return f;
    return -1;
}

typedef struct {
    const char *name, *title;
    int width, height; /* pixels of PNG and SVG; PDF: the same at 150 per inch */
} figure_info;

static const figure_info figures[BS_FIG_COUNT] = {
    [BS_FIG_MARKET_SHARE] = {"fig1_market_share", "Market share", 1300, 780},
    [BS_FIG_LOYALTY] = {"fig2_loyalty", "Loyalty and defections", 1400, 1000},
    [BS_FIG_REVENGE] = {"fig3_revenge", "Revenge and avoidance", 1400, 1000},
    [BS_FIG_TRUST] = {"fig4_trust_disclosure", "Trust and disclosure", 1400, 1000},
    [BS_FIG_STRONG_WEAK] = {"fig5_strong_weak", "Strong vs weak relationships: love becomes hate",
                            1400, 1200},
    [BS_FIG_POST_EXIT] = {"fig6_post_exit", "After the exit", 1400, 1000},
};

const char *bs_figure_name(bs_figure f)
{
    return f >= 0 && f < BS_FIG_COUNT ? figures[f].name : NULL;
}

const char *bs_figure_title(bs_figure f)
{
    return f >= 0 && f < BS_FIG_COUNT ? figures[f].title : NULL;
}

int bs_figure_of_file(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (int k = 0; k < BS_FIG_COUNT; k++) {
        size_t n = strlen(figures[k].name);
        if (!strncmp(base, figures[k].name, n) && base[n] == '.')
            return k;
    }
    return -1;
}

/* ---- errors ------------------------------------------------------------------ */

static bs_status fail(bs_error *err, bs_status status, const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return status;
}

/* Everything in a file, NUL terminated (caller frees); NULL with errno set. */
static char *slurp(const char *path)
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

/* ---- one figure being written ----------------------------------------------- */

typedef struct {
    double *v[3]; /* mean, lo, hi: S*B */
} cached;

typedef struct {
    const bs_plot_env *env;
    const bs_results *r;
    int v, R, S, B;
    int band;                  /* R >= 2: shaded CI */
    int *sel, n_sel;           /* brands drawn */
    int *focal, n_focal;       /* shocked brands drawn */
    int *exitb, n_exit;        /* brands that end relationships, drawn */
    int *col;                  /* brand b's mean column in a datablock (0: not drawn) */
    cached *cache;             /* [BS_SEG_COUNT * BS_M_COUNT] */
    cached market[BS_MK_COUNT];
    unsigned char *block;      /* datablock written: [seg * BS_M_COUNT + metric] */
    unsigned char market_block[BS_MK_COUNT];
    int width, height;         /* pixels: the canvas' size */
    double key_px;             /* pixels of the figure's widest legend entry */
    char vars[128];            /* more gnuplot variables for the template ("" if none) */
    const char *tpl_name;      /* for messages */
    FILE *out;
    bs_error *err;
    bs_status status;
} fig;

static int failed(fig *f, bs_status s, const char *fmt, ...)
{
    if (f->status)
        return 1;
    f->status = s;
    f->err->status = s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->err->msg, sizeof f->err->msg, fmt, ap);
    va_end(ap);
    return 1;
}

/* Whether the brand has an exit policy in variant v at any time: from the start, or set
 * by a policy shock. */
static int has_exit_policy(const bs_results *r, int v, int b)
{
    const char *then = "none";
    bs_results_brand_exit_change(r, v, b, &then);
    return strcmp(bs_results_brand_exit_policy(r, v, b), "none") || strcmp(then, "none");
}

/* Flags of the brands that end relationships: forced_exit events, exit policies. */
static int exit_brands(const bs_results *r, int v, int *flags)
{
    int n = 0, ne = 0, B = bs_results_brands(r);
    const bs_event *ev = bs_results_events(r, v, &ne);
    for (int b = 0; b < B; b++)
        flags[b] = has_exit_policy(r, v, b);
    for (int i = 0; i < ne; i++)
        if (!strcmp(ev[i].kind, "forced_exit") && ev[i].brand >= 0)
            flags[ev[i].brand] = 1;
    for (int b = 0; b < B; b++)
        n += flags[b];
    return n;
}

void bs_plot_figures(const bs_results *r, int v, int present[BS_FIG_COUNT])
{
    for (int k = 0; k < BS_FIG_COUNT; k++)
        present[k] = 1;
    present[BS_FIG_STRONG_WEAK] = bs_results_first_shock(r, v) >= 0;
    int B = bs_results_brands(r);
    int *flags = calloc((size_t)(B ? B : 1), sizeof *flags);
    present[BS_FIG_POST_EXIT] = flags && exit_brands(r, v, flags) > 0;
    free(flags);
}

/* The sets of brands: drawn (sel), shocked (focal), ending relationships (exit). */
static int choose_brands(fig *f, const int *chosen)
{
    int B = f->B, ne = 0;
    size_t cap = (size_t)(B ? B : 1);
    f->sel = calloc(cap, sizeof *f->sel);
    f->focal = calloc(cap, sizeof *f->focal);
    f->exitb = calloc(cap, sizeof *f->exitb);
    f->col = calloc(cap, sizeof *f->col);
    int *shocked = calloc(cap, sizeof *shocked), *ends = calloc(cap, sizeof *ends);
    int *take = calloc(cap, sizeof *take);
    if (!f->sel || !f->focal || !f->exitb || !f->col || !shocked || !ends || !take) {
        free(shocked);
        free(ends);
        free(take);
        return failed(f, BS_ERR_RUNTIME, "out of memory");
    }
    const bs_event *ev = bs_results_events(f->r, f->v, &ne);
    for (int i = 0; i < ne; i++)
        if (ev[i].brand >= 0 && bs_results_event_is_shock(ev[i].kind))
            shocked[ev[i].brand] = 1;
    exit_brands(f->r, f->v, ends);
    if (chosen) {
        for (int b = 0; b < B; b++)
            take[b] = chosen[b] != 0;
    } else { /* all, or up to MAX_DRAWN: those ending relationships first (figure 6 shows
              * them all), then the shocked ones */
        int n = 0;
        for (int pass = 0; pass < 3; pass++)
            for (int b = 0; b < B && n < MAX_DRAWN; b++)
                if (!take[b] && (pass == 2 || (pass == 1 && shocked[b]) || ends[b])) {
                    take[b] = 1;
                    n++;
                }
    }
    for (int b = 0; b < B; b++)
        if (take[b]) {
            f->col[b] = 2 + 3 * f->n_sel;
            f->sel[f->n_sel++] = b;
            if (shocked[b])
                f->focal[f->n_focal++] = b;
            if (ends[b])
                f->exitb[f->n_exit++] = b;
        }
    if (f->n_focal == 0) { /* no shocked brand drawn: the figure shows all drawn */
        memcpy(f->focal, f->sel, (size_t)f->n_sel * sizeof *f->sel);
        f->n_focal = f->n_sel;
    }
    free(shocked);
    free(ends);
    free(take);
    return 0;
}

/* mean, lo, hi of (seg, metric), read once. */
static cached *stats_of(fig *f, int seg, int metric)
{
    cached *c = &f->cache[seg * BS_M_COUNT + metric];
    if (c->v[0])
        return c;
    size_t n = (size_t)f->S * (size_t)(f->B ? f->B : 1);
    for (int k = 0; k < 3; k++) {
        if (!(c->v[k] = malloc(n * sizeof *c->v[k]))) {
            failed(f, BS_ERR_RUNTIME, "out of memory");
            return NULL;
        }
        bs_rstat st = k == 0 ? BS_RSTAT_MEAN : k == 1 ? BS_RSTAT_LO : BS_RSTAT_HI;
        if (f->B > 0 && bs_results_stat(f->r, f->v, (bs_segment)seg, (bs_metric)metric, st,
                                        c->v[k], f->err)) {
            f->status = f->err->status;
            return NULL;
        }
    }
    return c;
}

static cached *market_of(fig *f, int m)
{
    cached *c = &f->market[m];
    if (c->v[0])
        return c;
    for (int k = 0; k < 3; k++) {
        if (!(c->v[k] = malloc((size_t)f->S * sizeof *c->v[k]))) {
            failed(f, BS_ERR_RUNTIME, "out of memory");
            return NULL;
        }
        bs_rstat st = k == 0 ? BS_RSTAT_MEAN : k == 1 ? BS_RSTAT_LO : BS_RSTAT_HI;
        if (bs_results_market_stat(f->r, f->v, (bs_market_metric)m, st, c->v[k], f->err)) {
            f->status = f->err->status;
            return NULL;
        }
    }
    return c;
}

static void number(FILE *out, double x)
{
    if (isfinite(x))
        fprintf(out, " %.7g", x);
    else
        fputs(" NaN", out);
}

/* $s<seg>m<metric>: day, then mean lo hi of each drawn brand. */
static void datablock(fig *f, int seg, int metric)
{
    unsigned char *done = &f->block[seg * BS_M_COUNT + metric];
    cached *c = stats_of(f, seg, metric);
    if (*done || !c)
        return;
    const double *day = bs_results_days(f->r);
    fprintf(f->out, "$s%dm%d << EOD\n", seg, metric);
    for (int t = 0; t < f->S; t++) {
        number(f->out, day[t]);
        for (int i = 0; i < f->n_sel; i++)
            for (int k = 0; k < 3; k++)
                number(f->out, c->v[k][(size_t)t * f->B + f->sel[i]]);
        fputc('\n', f->out);
    }
    fputs("EOD\n", f->out);
    *done = 1;
}

static int point_interval(int S)
{
    return S >= 20 ? S / 10 : 2;
}

/* A line style for brand b: its palette entry; past 8 brands, thinner. */
/* Line i of a figure (a brand by its index, an arm of compare by its place): line style
 * i % 8 + 1 (style.gp); past the eighth, the same colour and dashes with a thinner line
 * and other points, so that no two lines of a legend look the same. */
static void line_style(FILE *out, int i)
{
    static const int points[3][8] = {{1, 2, 3, 10, 12, 14, 15, 16},
                                     {2, 3, 10, 12, 14, 15, 16, 1},
                                     {3, 10, 12, 14, 15, 16, 1, 2}};
    const int round = i / 8 % 4;
    fprintf(out, "ls %d", i % 8 + 1);
    if (round)
        fprintf(out, " lw %.1f pt %d", 2.2 - 0.5 * round, points[round - 1][i % 8]);
}

static void band_key(fig *f)
{
    if (!f->band)
        return;
    char text[96];
    snprintf(text, sizeof text, "95 %% CI (%d runs)", f->R);
    fputs(", \\\n  keyentry with filledcurves fc rgb \"#a0a0a0\" title ", f->out);
    bs_gnuplot_string(f->out, text);
}

/* @PLOT metric [seg=S] [brands=sel|focal|exit] [scale=X]@ */
static void plot_brands(fig *f, int metric, int seg, const int *set, int n, double scale,
                        int with_policy)
{
    datablock(f, seg, metric);
    if (f->status)
        return;
    if (n == 0) { /* nothing to draw: an empty frame, not an error */
        fputs("plot NaN notitle\n", f->out);
        return;
    }
    const char *sep = "plot ";
    for (int i = 0; f->band && i < n; i++) {
        int c = f->col[set[i]];
        fprintf(f->out, "%s$s%dm%d using 1:($%d*%g):($%d*%g) with filledcurves ls %d notitle",
                sep, seg, metric, c + 1, scale, c + 2, scale, set[i] % 8 + 1);
        sep = ", \\\n  ";
    }
    for (int i = 0; i < n; i++) {
        int b = set[i], c = f->col[b];
        char title[LABEL_MAX + 1];
        bs_layout_brand_label(f->r, f->v, b, with_policy, title);
        fprintf(f->out, "%s$s%dm%d using 1:($%d*%g) with linespoints ", sep, seg, metric, c,
                scale);
        line_style(f->out, b);
        fprintf(f->out, " pi %d title ", point_interval(f->S));
        bs_gnuplot_string(f->out, title);
        sep = ", \\\n  ";
    }
    band_key(f);
    fputc('\n', f->out);
}

static const char *market_label(int m)
{
    switch (m) {
    case BS_MK_WILLING_LOCATION: return "location data";
    case BS_MK_WILLING_BROWSING: return "browsing history";
    default: return bs_market_metric_get((bs_market_metric)m)->name;
    }
}

/* @PLOTMARKET m1,m2 [scale=X]@ */
static void plot_market(fig *f, const int *ms, int n, double scale)
{
    const double *day = bs_results_days(f->r);
    for (int i = 0; i < n; i++) {
        cached *c = market_of(f, ms[i]);
        if (!c)
            return;
        if (f->market_block[ms[i]])
            continue;
        fprintf(f->out, "$mk%d << EOD\n", ms[i]);
        for (int t = 0; t < f->S; t++) {
            number(f->out, day[t]);
            for (int k = 0; k < 3; k++)
                number(f->out, c->v[k][t]);
            fputc('\n', f->out);
        }
        fputs("EOD\n", f->out);
        f->market_block[ms[i]] = 1;
    }
    const char *sep = "plot ";
    for (int i = 0; f->band && i < n; i++) {
        fprintf(f->out, "%s$mk%d using 1:($3*%g):($4*%g) with filledcurves ls %d notitle", sep,
                ms[i], scale, scale, 9 + i % 2);
        sep = ", \\\n  ";
    }
    for (int i = 0; i < n; i++) {
        fprintf(f->out, "%s$mk%d using 1:($2*%g) with linespoints ls %d pi %d title ", sep, ms[i],
                scale, 9 + i % 2, point_interval(f->S));
        bs_gnuplot_string(f->out, market_label(ms[i]));
        sep = ", \\\n  ";
    }
    fputc('\n', f->out);
}

/* The largest value drawn of metric in the segments given, over `set`. */
static void plot_max(fig *f, int metric, const int *segs, int n_segs, const int *set, int n,
                     double scale)
{
    double top = 0;
    for (int s = 0; s < n_segs; s++) {
        cached *c = stats_of(f, segs[s], metric);
        if (!c)
            return;
        for (int i = 0; i < n; i++)
            for (int t = 0; t < f->S; t++) {
                double x = c->v[f->band ? 2 : 0][(size_t)t * f->B + set[i]];
                if (isfinite(x) && x > top)
                    top = x;
            }
    }
    fprintf(f->out, "%.7g", top * scale);
}

/* ---- the template ------------------------------------------------------------- */

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

static void directive(fig *f, const char *text, size_t len)
{
    char buf[256], *argv[8];
    int argc = 0;
    snprintf(buf, sizeof buf, "%.*s", (int)len, text);
    for (char *save = NULL, *tok = strtok_r(buf, " \t", &save); tok && argc < 8;
         tok = strtok_r(NULL, " \t", &save))
        argv[argc++] = tok;
    if (argc == 0) {
        failed(f, BS_ERR_RUNTIME, "%s: empty @@ directive", f->tpl_name);
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
    int seg = BS_SEG_ALL, segs[BS_SEG_COUNT], n_segs = 0, kind = 0, ms[BS_MK_COUNT], n_ms = 0;
    double scale = 1;
    int metric = -1, positional = 0;
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "seg=", 4))
            seg = bs_segment_by_name(argv[i] + 4);
        else if (!strncmp(argv[i], "scale=", 6))
            scale = atof(argv[i] + 6);
        else if (!strncmp(argv[i], "brands=", 7))
            kind = !strcmp(argv[i] + 7, "focal") ? 1 : !strcmp(argv[i] + 7, "exit") ? 2
                   : !strcmp(argv[i] + 7, "sel") ? 0 : -1;
        else if (positional == 0 && !strcmp(name, "PLOTMARKET"))
            n_ms = name_list(argv[i], bs_market_metric_by_name, ms, BS_MK_COUNT), positional++;
        else if (positional == 0)
            metric = bs_metric_by_name(argv[i]), positional++;
        else if (positional == 1 && !strcmp(name, "MAX"))
            n_segs = name_list(argv[i], bs_segment_by_name, segs, BS_SEG_COUNT), positional++;
        else
            seg = -1; /* an argument too many */
    }
    const int *set = kind == 1 ? f->focal : kind == 2 ? f->exitb : f->sel;
    int n = kind == 1 ? f->n_focal : kind == 2 ? f->n_exit : f->n_sel;
    int ok = seg >= 0 && kind >= 0 && isfinite(scale);
    if (!strcmp(name, "PLOT") && ok && metric >= 0)
        plot_brands(f, metric, seg, set, n, scale, kind == 2);
    else if (!strcmp(name, "PLOTMARKET") && ok && n_ms > 0)
        plot_market(f, ms, n_ms, scale);
    else if (!strcmp(name, "MAX") && ok && metric >= 0 && n_segs > 0)
        plot_max(f, metric, segs, n_segs, set, n, scale);
    else
        failed(f, BS_ERR_RUNTIME, "%s: directive @%.*s@ is not valid", f->tpl_name, (int)len,
               text);
}

/* Copy the template to f->out, replacing @directives@ (not in # comment lines). */
static void expand(fig *f, const char *tpl, void (*panels)(fig *, void *), void *ctx)
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

/* The terminal, the style, and the variables every template uses. */
static int prelude(fig *f, const figure_info *fi, const char *output, const char *title)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/style.gp", f->env->template_dir);
    char *style = slurp(path);
    if (!style)
        return failed(f, BS_ERR_RUNTIME, "cannot read the gnuplot style %s: %s", path,
                      strerror(errno));
    double pdf_dpi = 150;
    switch (f->env->format) {
    case BS_PLOT_SVG:
        fprintf(f->out, "set terminal svg size %d,%d font \"DejaVu Sans,14\" noenhanced "
                        "background rgb \"white\"\n", fi->width, fi->height);
        break;
    case BS_PLOT_PDF:
        /* the PNG's look at pdf_dpi pixels per inch: fonts and points scaled (line
           widths are in points already, and come out as in the PNG) */
        fprintf(f->out, "set terminal pdfcairo size %.2fin,%.2fin font \"DejaVu Sans,13\" "
                        "fontscale %.3f pointscale 0.75 linewidth 1 noenhanced\n",
                fi->width / pdf_dpi, fi->height / pdf_dpi, 72 / pdf_dpi);
        break;
    default:
        fprintf(f->out, "set terminal pngcairo size %d,%d font \"DejaVu Sans,13\" noenhanced "
                        "background rgb \"white\"\n", fi->width, fi->height);
    }
    fputs("set output ", f->out);
    bs_gnuplot_string(f->out, output);
    fprintf(f->out, "\n%s\n", style);
    free(style);
    int lines = bs_plot_events_note_lines(f->r, f->v);
    const double *day = bs_results_days(f->r);
    /* a subtitle too long for the canvas is broken after a comma into two lines, and the
     * plots move down by a line (titleshift); a wide legend entry moves the plots' right
     * edge and the legend left (keyshrink) */
    char wrapped[1024];
    int title_lines = bs_layout_wrap_subtitle(title, fi->width, wrapped, sizeof wrapped);
    double keyshrink = bs_layout_keyshrink(f->key_px, fi->width);
    double titleshift = (title_lines - 2) * 26.0 / fi->height;
    fprintf(f->out, "evbottom = %.4f\nkeyshrink = %.4f\ntitleshift = %.4f\n"
                    "keytop = 0.86 - titleshift\nset xrange [0:%.7g]\nfig_title = ",
            lines ? (lines + 0.8) * 19.0 / fi->height : 0.0, keyshrink, titleshift,
            day[f->S - 1]);
    bs_gnuplot_string(f->out, wrapped);
    fprintf(f->out, "\n%s", f->vars);
    return 0;
}

static void with_commas(char *buf, size_t n, long long x)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lld", x < 0 ? -x : x), k = 0;
    size_t w = 0;
    if (x < 0 && w + 1 < n)
        buf[w++] = '-';
    for (int i = 0; i < len && w + 2 < n; i++) {
        buf[w++] = digits[i];
        k = len - i - 1;
        if (k > 0 && k % 3 == 0)
            buf[w++] = ' ';
    }
    buf[w] = '\0';
}

/* "Market share\nbreach: 20 000 consumers, seed 2017, ..." */
static void figure_title(const bs_results *r, int v, int number, const char *what, char *buf,
                         size_t n)
{
    char consumers[32];
    with_commas(consumers, sizeof consumers, (long long)bs_results_consumers(r));
    int R = bs_results_replicates(r), len;
    len = snprintf(buf, n, "%s%d. %s\n%s: %s consumers, %d steps of %g days", number ? "Figure " : "",
                   number, what, bs_results_scenario_name(r), consumers, bs_results_steps(r),
                   bs_results_step_days(r));
    if (number == 0) /* no number: "Comparison" etc. */
        len = snprintf(buf, n, "%s\n%s: %s consumers, %d steps of %g days", what,
                       bs_results_scenario_name(r), consumers, bs_results_steps(r),
                       bs_results_step_days(r));
    if (len < 0 || (size_t)len >= n)
        return;
    if (bs_results_is_ensemble(r))
        len += snprintf(buf + len, n - (size_t)len, ", variant %s", bs_results_variant_name(r, v));
    if ((size_t)len >= n)
        return;
    if (R >= 2)
        snprintf(buf + len, n - (size_t)len, ", mean of %d replicates", R);
    else
        snprintf(buf + len, n - (size_t)len, ", one run (seed %llu)",
                 (unsigned long long)bs_results_seeds(r, v)[0]);
}

static void fig_free(fig *f)
{
    for (int k = 0; f->cache && k < BS_SEG_COUNT * BS_M_COUNT; k++)
        for (int j = 0; j < 3; j++)
            free(f->cache[k].v[j]);
    for (int m = 0; m < BS_MK_COUNT; m++)
        for (int j = 0; j < 3; j++)
            free(f->market[m].v[j]);
    free(f->cache);
    free(f->block);
    free(f->sel);
    free(f->focal);
    free(f->exitb);
    free(f->col);
}

/* Build and run one figure's script; fig holds the brand sets and cache. */
static bs_status draw(fig *f, const figure_info *fi, const char *tpl_file, const char *output,
                      const char *title, void (*panels)(fig *, void *), void *ctx)
{
    if (f->env->stop && *f->env->stop) /* a caught signal: no new figure */
        return fail(f->err, BS_ERR_RUNTIME, "stopped before drawing %s", output);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", f->env->template_dir, tpl_file);
    char *tpl = slurp(path);
    if (!tpl)
        return fail(f->err, BS_ERR_RUNTIME, "cannot read the gnuplot template %s: %s", path,
                    strerror(errno));
    char *script = NULL;
    size_t len = 0;
    f->out = open_memstream(&script, &len);
    f->status = BS_OK;
    f->tpl_name = path;
    f->width = fi->width;
    f->height = fi->height;
    memset(f->block, 0, (size_t)BS_SEG_COUNT * BS_M_COUNT);
    memset(f->market_block, 0, sizeof f->market_block);
    if (!f->out) {
        free(tpl);
        return fail(f->err, BS_ERR_RUNTIME, "out of memory");
    }
    /* gnuplot writes OUTPUT.partial; it becomes OUTPUT only when complete */
    char partial[4096 + 16];
    snprintf(partial, sizeof partial, "%s.partial", output);
    if (!prelude(f, fi, partial, title))
        expand(f, tpl, panels, ctx);
    free(tpl);
    int bad = fclose(f->out) != 0;
    f->out = NULL;
    bs_status s = f->status;
    if (!s && bad)
        s = fail(f->err, BS_ERR_RUNTIME, "out of memory");
    if (!s)
        s = bs_gnuplot_run(f->env->gnuplot, script, len, partial, output, f->err);
    if (!s)
        s = bs_gnuplot_check_complete(f->env->format, partial, output, f->err);
    if (!s && rename(partial, output) != 0)
        s = fail(f->err, BS_ERR_RUNTIME, "cannot rename %s to %s: %s", partial, output,
                 strerror(errno));
    if (s)
        unlink(partial);
    free(script);
    return s;
}

static int fig_init(fig *f, const bs_plot_env *env, const bs_results *r, int v, bs_error *err)
{
    memset(f, 0, sizeof *f);
    f->env = env;
    f->r = r;
    f->v = v;
    f->err = err;
    f->R = bs_results_replicates(r);
    f->S = bs_results_steps(r);
    f->B = bs_results_brands(r);
    f->band = f->R >= 2;
    f->cache = calloc((size_t)BS_SEG_COUNT * BS_M_COUNT, sizeof *f->cache);
    f->block = calloc((size_t)BS_SEG_COUNT * BS_M_COUNT, 1);
    if (!f->cache || !f->block)
        return failed(f, BS_ERR_RUNTIME, "out of memory");
    return 0;
}

/* Figure 6 says "clean break vs win-back" when the scenario has both. */
static const char *post_exit_title(const bs_results *r, int v, int k)
{
    if (k != BS_FIG_POST_EXIT)
        return figures[k].title;
    int clean = 0, win = 0;
    for (int b = 0; b < bs_results_brands(r); b++) {
        const char *start = bs_results_brand_exit_policy(r, v, b), *then = "none";
        bs_results_brand_exit_change(r, v, b, &then);
        clean |= !strcmp(start, "clean_break") || !strcmp(then, "clean_break");
        win |= !strcmp(start, "win_back") || !strcmp(then, "win_back");
    }
    return clean && win ? "After the exit: clean break vs win-back" : figures[k].title;
}

bs_status bs_plot_standard(const bs_plot_env *env, const bs_results *r, int v, const int *brands,
                           const char *dir, char *files, size_t file_len, int *n_files,
                           bs_error *err)
{
    *n_files = 0;
    if (v < 0 || v >= bs_results_variants(r))
        return fail(err, BS_ERR_INPUT, "%s: no variant %d", bs_results_path(r), v);
    fig f;
    if (fig_init(&f, env, r, v, err) || choose_brands(&f, brands)) {
        fig_free(&f);
        return f.status;
    }
    int present[BS_FIG_COUNT];
    bs_plot_figures(r, v, present);
    present[BS_FIG_POST_EXIT] &= f.n_exit > 0; /* chosen brands that end no relationship */
    bs_status s = BS_OK;
    for (int k = 0; k < BS_FIG_COUNT && !s; k++) {
        if (!present[k])
            continue;
        char output[4096], tpl[256], title[512];
        snprintf(output, sizeof output, "%s/%s.%s", dir, figures[k].name,
                 format_names[env->format]);
        snprintf(tpl, sizeof tpl, "%s.gp", figures[k].name);
        figure_title(r, v, k + 1, post_exit_title(r, v, k), title, sizeof title);
        f.key_px = bs_layout_widest_brand_label(r, v, f.sel, f.n_sel, k == BS_FIG_POST_EXIT);
        s = draw(&f, &figures[k], tpl, output, title, NULL, NULL);
        if (!s)
            snprintf(files + (size_t)(*n_files)++ * file_len, file_len, "%s", output);
    }
    fig_free(&f);
    return s;
}

/* ---- comparison ------------------------------------------------------------- */

typedef struct {
    const bs_plot_arm *arms;
    int n_arms, seg, metric;
    const char *const *brands;
    int n_brands, baseline; /* the arm whose events are marked */
} compare_ctx;

static void compare_panels(fig *f, void *data)
{
    compare_ctx *c = data;
    const bs_metric_info *mi = bs_metric_get((bs_metric)c->metric);
    int percent = c->metric == BS_M_MARKET_SHARE || c->metric == BS_M_REPEAT_RATE;
    double scale = percent ? 100 : 1;
    /* one datablock per arm: day, then mean lo hi for each panel's brand */
    for (int a = 0; a < c->n_arms && !f->status; a++) {
        const bs_results *r = c->arms[a].r;
        int S = bs_results_steps(r), B = bs_results_brands(r);
        double *st[3] = {0};
        for (int k = 0; k < 3 && !f->status; k++) {
            st[k] = malloc((size_t)S * (B ? B : 1) * sizeof *st[k]);
            if (!st[k])
                failed(f, BS_ERR_RUNTIME, "out of memory");
            else if (B && bs_results_stat(r, c->arms[a].v, (bs_segment)c->seg,
                                          (bs_metric)c->metric,
                                          k == 0 ? BS_RSTAT_MEAN : k == 1 ? BS_RSTAT_LO : BS_RSTAT_HI,
                                          st[k], f->err))
                f->status = f->err->status;
        }
        if (!f->status) {
            fprintf(f->out, "$a%d << EOD\n", a);
            for (int t = 0; t < S; t++) {
                number(f->out, bs_results_days(r)[t]);
                for (int j = 0; j < c->n_brands; j++) {
                    int b = bs_results_brand_index(r, c->brands[j]);
                    for (int k = 0; k < 3; k++)
                        number(f->out, b >= 0 ? st[k][(size_t)t * B + b] : NAN);
                }
                fputc('\n', f->out);
            }
            fputs("EOD\n", f->out);
        }
        for (int k = 0; k < 3; k++)
            free(st[k]);
    }
    char ylabel[160];
    const char *units = percent ? "%" : !strcmp(mi->units, "1") ? "0-1" : mi->units;
    snprintf(ylabel, sizeof ylabel, "%s (%s)", mi->name, units);
    int cols = c->n_brands <= 2 ? 1 : 2, rows = (c->n_brands + cols - 1) / cols;
    for (int j = 0; j < c->n_brands && !f->status; j++) {
        fputs(j / cols == rows - 1 || j + cols >= c->n_brands ? "set xlabel \"time (days)\"\n"
                                                             : "unset xlabel\n", f->out);
        fputs("set title ", f->out);
        bs_gnuplot_string(f->out, c->brands[j]);
        fputs(" font \",14\"\nset ylabel ", f->out);
        bs_gnuplot_string(f->out, ylabel);
        fputc('\n', f->out);
        const bs_plot_arm *base = &c->arms[c->baseline];
        bs_plot_events_lines(f->out, base->r, base->v);
        if (j == 0)
            bs_plot_events_note(f->out, base->r, base->v, f->width, f->height);
        const char *sep = "plot ";
        int col = 2 + 3 * j, any_band = 0;
        for (int a = 0; a < c->n_arms; a++)
            if (bs_results_replicates(c->arms[a].r) >= 2) {
                fprintf(f->out, "%s$a%d using 1:($%d*%g):($%d*%g) with filledcurves ls %d "
                                "notitle", sep, a, col + 1, scale, col + 2, scale, a % 8 + 1);
                sep = ", \\\n  ";
                any_band = 1;
            }
        for (int a = 0; a < c->n_arms; a++) {
            fprintf(f->out, "%s$a%d using 1:($%d*%g) with linespoints ", sep, a, col, scale);
            line_style(f->out, a);
            fprintf(f->out, " pi %d title ", point_interval(bs_results_steps(c->arms[a].r)));
            char label[LABEL_MAX + 1];
            bs_layout_shorten(c->arms[a].label, label);
            bs_gnuplot_string(f->out, label);
            sep = ", \\\n  ";
        }
        if (any_band)
            fputs(", \\\n  keyentry with filledcurves fc rgb \"#a0a0a0\" "
                  "title \"95 % CI\"", f->out);
        fputs("\nunset key\n", f->out);
    }
}

bs_status bs_plot_compare(const bs_plot_env *env, const bs_plot_arm *arms, int n_arms,
                          int baseline, bs_segment seg, bs_metric metric,
                          const char *const *brands, int n_brands, const char *file,
                          bs_error *err)
{
    if (n_arms < 1 || n_brands < 1)
        return fail(err, BS_ERR_INPUT, "nothing to compare");
    if (baseline < 0 || baseline >= n_arms)
        return fail(err, BS_ERR_INPUT, "baseline %d is not one of the %d arms", baseline, n_arms);
    if (n_brands > MAX_PANELS)
        n_brands = MAX_PANELS;
    fig f;
    const bs_plot_arm *base = &arms[baseline];
    if (fig_init(&f, env, base->r, base->v, err)) {
        fig_free(&f);
        return f.status;
    }
    int rows = n_brands <= 2 ? n_brands : (n_brands + 1) / 2, cols = n_brands <= 2 ? 1 : 2;
    figure_info fi = {"compare", "Comparison", 1300, rows == 1 ? 780 : 320 * rows + 260};
    char title[512], what[160];
    snprintf(what, sizeof what, "Comparison: %s%s%s", bs_metric_get(metric)->name,
             seg == BS_SEG_ALL ? "" : ", segment ", seg == BS_SEG_ALL ? "" : bs_segment_name(seg));
    figure_title(base->r, base->v, 0, what, title, sizeof title);
    /* the subtitle describes the baseline; say so when there are others */
    char *nl = strchr(title, '\n');
    if (nl && n_arms > 1) {
        char rest[512];
        snprintf(rest, sizeof rest, "%s", nl + 1);
        snprintf(nl + 1, sizeof title - (size_t)(nl + 1 - title), "events of %s; %s",
                 base->label, rest);
    }
    compare_ctx c = {arms, n_arms, seg, metric, brands, n_brands, baseline};
    double xmax = 0; /* runs of other lengths: the longest sets the x axis */
    for (int a = 0; a < n_arms; a++)
        xmax = fmax(xmax, bs_results_days(arms[a].r)[bs_results_steps(arms[a].r) - 1]);
    snprintf(f.vars, sizeof f.vars, "rows = %d\ncols = %d\nset xrange [0:%.7g]\n", rows, cols,
             xmax);
    f.key_px = 0;
    for (int a = 0; a < n_arms; a++) {
        char label[LABEL_MAX + 1];
        bs_layout_shorten(arms[a].label, label);
        f.key_px = fmax(f.key_px, bs_layout_label_px(label));
    }
    bs_status s = draw(&f, &fi, "compare.gp", file, title, compare_panels, &c);
    fig_free(&f);
    return s;
}
