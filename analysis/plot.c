/* SPDX-License-Identifier: MIT */
/*
 * plot.c: brandsim's figures (see plot.h): which figures a variant has,
 * which brands they draw, their titles, and drawing each one. For each
 * figure this builds one gnuplot script in memory: the terminal,
 * analysis/gnuplot/style.gp, a few variables (title, room for the event
 * list and the legend), then the figure's template with its @directives@
 * replaced, and has gnuplot draw it into OUTPUT.partial, renamed OUTPUT when
 * complete.
 *
 * The pieces: plot_template.c (the templates' @directives@, listed at its
 * top), plot_series.c (the figure being written: data and plot commands),
 * plot_events.c (shocks and responses, numbered), plot_layout.c (legend and
 * title sizes from font metrics), gnuplot.c (the gnuplot process).
 */
#define _POSIX_C_SOURCE 200809L
#include "brandsim/plot.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/gnuplot.h"
#include "analysis/plot_events.h"
#include "analysis/plot_internal.h"
#include "analysis/plot_layout.h"

enum {
    MAX_DRAWN = 12,      /* brands drawn when the caller does not choose */
    MAX_PANELS = 6,      /* brands in a comparison */
};

/* ---- names and sizes ------------------------------------------------------- */

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
    [BS_FIG_PRIOR_STRENGTH] = {"fig7_prior_strength",
                               "By prior relationship strength (quantile bins of R at the first "
                               "shock), the shocked brands together", 1400, 1000},
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


/* ---- which figures, which brands ---------------------------------------------- */

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
    present[BS_FIG_PRIOR_STRENGTH] = bs_results_first_shock(r, v) >= 0 &&
                                     bs_results_quantile_bins(r, BS_QG_STRENGTH) > 0;
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
        return bs_plot_fig_fail(f, BS_ERR_RUNTIME, "out of memory");
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

/* ---- one figure ------------------------------------------------------------------ */

/* The terminal, the style, and the variables every template uses. */
static int prelude(fig *f, const figure_info *fi, const char *output, const char *title)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/style.gp", f->env->template_dir);
    char *style = bs_plot_template_load(path);
    if (!style)
        return bs_plot_fig_fail(f, BS_ERR_RUNTIME, "cannot read the gnuplot style %s: %s",
                                path, strerror(errno));
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

/* Build and run one figure's script; fig holds the brand sets and cache. */
static bs_status draw(fig *f, const figure_info *fi, const char *tpl_file, const char *output,
                      const char *title, void (*panels)(fig *, void *), void *ctx)
{
    if (bs_cancel_requested(f->env->cancel)) /* a caught signal: no new figure */
        return bs_error_setf(f->err, BS_ERR_RUNTIME, "stopped before drawing %s", output);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", f->env->template_dir, tpl_file);
    char *tpl = bs_plot_template_load(path);
    if (!tpl)
        return bs_error_setf(f->err, BS_ERR_RUNTIME, "cannot read the gnuplot template %s: %s", path,
                    strerror(errno));
    char *script = NULL;
    size_t len = 0;
    f->out = open_memstream(&script, &len);
    f->status = BS_OK;
    f->tpl_name = path;
    f->width = fi->width;
    f->height = fi->height;
    memset(f->block, 0, (size_t)BS_PLOT_KEYS);
    memset(f->bins_block, 0, sizeof f->bins_block);
    memset(f->market_block, 0, sizeof f->market_block);
    if (!f->out) {
        free(tpl);
        return bs_error_setf(f->err, BS_ERR_RUNTIME, "out of memory");
    }
    /* gnuplot writes OUTPUT.partial; it becomes OUTPUT only when complete */
    char partial[4096 + 16];
    snprintf(partial, sizeof partial, "%s.partial", output);
    if (!prelude(f, fi, partial, title))
        bs_plot_template_expand(f, tpl, panels, ctx);
    free(tpl);
    int bad = fclose(f->out) != 0;
    f->out = NULL;
    bs_status s = f->status;
    if (!s && bad)
        s = bs_error_setf(f->err, BS_ERR_RUNTIME, "out of memory");
    if (!s)
        s = bs_gnuplot_run(f->env->gnuplot, script, len, partial, output, f->err);
    if (!s)
        s = bs_gnuplot_check_complete(f->env->format, partial, output, f->err);
    if (!s && rename(partial, output) != 0)
        s = bs_error_setf(f->err, BS_ERR_RUNTIME, "cannot rename %s to %s: %s", partial, output,
                 strerror(errno));
    if (s)
        unlink(partial);
    free(script);
    return s;
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
        return bs_error_setf(err, BS_ERR_INPUT, "%s: no variant %d", bs_results_path(r), v);
    fig f;
    if (bs_plot_fig_init(&f, env, r, v, err) || choose_brands(&f, brands)) {
        bs_plot_fig_free(&f);
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
                 bs_plot_format_name(env->format));
        snprintf(tpl, sizeof tpl, "%s.gp", figures[k].name);
        figure_title(r, v, k + 1, post_exit_title(r, v, k), title, sizeof title);
        f.key_px = bs_layout_widest_brand_label(r, v, f.sel, f.n_sel, k == BS_FIG_POST_EXIT);
        if (k == BS_FIG_PRIOR_STRENGTH) /* its legend names bins, not brands */
            f.key_px = bs_layout_label_px("strength_q20 (strongest)");
        s = draw(&f, &figures[k], tpl, output, title, NULL, NULL);
        if (!s)
            snprintf(files + (size_t)(*n_files)++ * file_len, file_len, "%s", output);
    }
    bs_plot_fig_free(&f);
    return s;
}

/* ---- comparison ------------------------------------------------------------- */

typedef struct {
    const bs_plot_arm *arms;
    int n_arms;
    const bs_series_ref *ref;
    const char *const *brands;
    int n_brands, baseline; /* the arm whose events are marked */
} compare_ctx;

/* Whether (r, v) has event e (same step, brand and kind). */
static int has_event(const bs_results *r, int v, const bs_event *e)
{
    int n = 0;
    const bs_event *ev = bs_results_events(r, v, &n);
    for (int i = 0; i < n; i++)
        if (ev[i].step == e->step && ev[i].brand == e->brand && !strcmp(ev[i].kind, e->kind))
            return 1;
    return 0;
}

/* An arm's events that the baseline does not have (its response, its delay): a tick from the
   bottom of the panel at the start of their step, in the arm's line style. */
static void own_event_ticks(FILE *out, const bs_plot_arm *arm, const bs_plot_arm *base, int a)
{
    int n = 0;
    const bs_event *ev = bs_results_events(arm->r, arm->v, &n);
    const double *day = bs_results_days(arm->r);
    for (int i = 0; i < n; i++) {
        if (has_event(base->r, base->v, &ev[i]))
            continue;
        int t = ev[i].step;
        double x = t > 0 && t <= bs_results_steps(arm->r) ? day[t - 1] : 0;
        fprintf(out, "set arrow from %.7g, graph 0 to %.7g, graph 0.14 nohead ls %d front\n", x, x,
                a % 8 + 1);
    }
}

static void compare_panels(fig *f, void *data)
{
    compare_ctx *c = data;
    const bs_series_ref *ref = c->ref;
    const bs_metric_info *mi = ref->quantile ? bs_quantile_metric_get((bs_quantile_metric)ref->metric)
                                             : bs_metric_get((bs_metric)ref->metric);
    int percent = !ref->quantile && (ref->metric == BS_M_MARKET_SHARE || ref->metric == BS_M_REPEAT_RATE);
    double scale = percent ? 100 : 1;
    /* one datablock per arm: day, then mean lo hi for each panel's brand */
    for (int a = 0; a < c->n_arms && !f->status; a++) {
        const bs_results *r = c->arms[a].r;
        int S = bs_results_steps(r), B = bs_results_brands(r);
        double *st[3] = {0};
        for (int k = 0; k < 3 && !f->status; k++) {
            st[k] = malloc((size_t)S * (B ? B : 1) * sizeof *st[k]);
            if (!st[k])
                bs_plot_fig_fail(f, BS_ERR_RUNTIME, "out of memory");
            else if (B && bs_results_ref_stat(r, c->arms[a].v, ref,
                                              k == 0 ? BS_RSTAT_MEAN : k == 1 ? BS_RSTAT_LO : BS_RSTAT_HI,
                                              st[k], f->err))
                f->status = f->err->status;
        }
        if (!f->status) {
            fprintf(f->out, "$a%d << EOD\n", a);
            for (int t = 0; t < S; t++) {
                bs_plot_number(f->out, bs_results_days(r)[t]);
                for (int j = 0; j < c->n_brands; j++) {
                    int b = bs_results_brand_index(r, c->brands[j]);
                    for (int k = 0; k < 3; k++)
                        bs_plot_number(f->out, b >= 0 ? st[k][(size_t)t * B + b] : NAN);
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
    for (char *p = ylabel; *p && *p != '('; p++) /* market_share -> market share */
        if (*p == '_')
            *p = ' ';
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
        for (int a = 0; a < c->n_arms; a++) /* each option's own events: ticks in its style */
            if (a != c->baseline)
                own_event_ticks(f->out, &c->arms[a], base, a);
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
            bs_plot_line_style(f->out, a);
            fprintf(f->out, " pi %d title ",
                    bs_plot_point_interval(bs_results_steps(c->arms[a].r)));
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
    const bs_series_ref ref = {.seg = seg, .trait = -1, .metric = metric};
    return bs_plot_compare_ref(env, arms, n_arms, baseline, &ref, brands, n_brands, file, err);
}

/* A metric's name for a title: "market share" for market_share. */
static const char *human_metric(const char *name)
{
    static _Thread_local char buf[64];
    snprintf(buf, sizeof buf, "%s", name);
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = ' ';
    return buf;
}

bs_status bs_plot_compare_ref(const bs_plot_env *env, const bs_plot_arm *arms, int n_arms,
                              int baseline, const bs_series_ref *ref, const char *const *brands,
                              int n_brands, const char *file, bs_error *err)
{
    if (n_arms < 1 || n_brands < 1)
        return bs_error_setf(err, BS_ERR_INPUT, "nothing to compare");
    if (baseline < 0 || baseline >= n_arms)
        return bs_error_setf(err, BS_ERR_INPUT, "baseline %d is not one of the %d arms", baseline, n_arms);
    if (n_brands > MAX_PANELS)
        n_brands = MAX_PANELS;
    fig f;
    const bs_plot_arm *base = &arms[baseline];
    if (bs_plot_fig_init(&f, env, base->r, base->v, err)) {
        bs_plot_fig_free(&f);
        return f.status;
    }
    int rows = n_brands <= 2 ? n_brands : (n_brands + 1) / 2, cols = n_brands <= 2 ? 1 : 2;
    figure_info fi = {"compare", "Comparison", 1300, rows == 1 ? 780 : 320 * rows + 260};
    char title[512], what[160], segment[64];
    bs_series_ref_segment(ref, segment, sizeof segment);
    const int all = !ref->quantile && ref->seg == BS_SEG_ALL;
    snprintf(what, sizeof what, "Comparison: %s%s%s", human_metric(bs_series_ref_metric(ref)),
             all ? "" : ref->quantile ? ", quantile bin " : ", segment ", all ? "" : segment);
    figure_title(base->r, base->v, 0, what, title, sizeof title);
    /* the subtitle describes the baseline; say so when there are others */
    char *nl = strchr(title, '\n');
    if (nl && n_arms > 1) {
        char rest[512];
        snprintf(rest, sizeof rest, "%s", nl + 1);
        snprintf(nl + 1, sizeof title - (size_t)(nl + 1 - title),
                 "lines: events of %s; ticks: each other option's own; %s", base->label, rest);
    }
    compare_ctx c = {arms, n_arms, ref, brands, n_brands, baseline};
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
    bs_plot_fig_free(&f);
    return s;
}
