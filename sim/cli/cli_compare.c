/* SPDX-License-Identifier: MIT */
/*
 * cli_compare.c: `brandsim compare`: runs (files) or the variants of an
 * ensemble file side by side: a table of the strategist's outcomes per
 * brand (mean and 95 % CI; difference to a baseline with its CI, paired when
 * the seeds match, Welch otherwise), and with -o an overlay figure of one
 * metric (analysis/plot.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/outcomes.h"
#include "brandsim/plot.h"
#include "brandsim/results.h"
#include "cli/cli.h"

enum { MAX_FILES = 64, MAX_ARMS = 256, MAX_CHOSEN = 64 };

static void compare_usage(FILE *out)
{
    fputs("usage: brandsim compare A.h5 B.h5 ... [options]\n"
          "       brandsim compare OUT.h5 --variants [options]\n"
          "\n"
          "Compare runs (one per file) or the variants of ensemble files: for each chosen\n"
          "brand, a table of share lost and regained, weeks until share recovers, revenue,\n"
          "revenue after the shock, cost of the response, net contribution after the shock\n"
          "(margin x revenue - response cost: its difference to a do-nothing baseline is the\n"
          "response's net value), payback weeks, customers lost, revenge acts and days, each\n"
          "as mean and 95 % CI over replicates, with the difference to the baseline and its\n"
          "CI (paired t when both ran the same seeds, as variants of one file do; Welch t\n"
          "otherwise). With -o, also a figure overlaying one metric of every run or variant.\n"
          "\n"
          "  --variants         compare the variants of each file (the default when a file\n"
          "                     has several variants)\n"
          "  --baseline NAME    the run or variant the others are compared with (default:\n"
          "                     the first)\n"
          "  --brands a,b       brands to report (default: those hit by the first shock)\n"
          "  --recovery F       a share has recovered when back within F of its level\n"
          "                     before the shock (default 0.95)\n"
          "  --metric M         metric of the figure (default market_share; any brand metric\n"
          "                     of docs/OUTPUT.md, or with a quantile bin as the segment one\n"
          "                     of purchases, revenue, revenge_acts, exits, mean_revenge,\n"
          "                     relationships)\n"
          "  --segment S        segment of the figure's metric (default all), or a quantile\n"
          "                     bin: strength_q1 (weakest prior relationships) .. strength_qN,\n"
          "                     or <trait>_q1 .. (e.g. anxiety_q3) when the files hold them\n"
          "  -o, --output FILE  write the overlay figure (PNG, SVG or PDF by its extension)\n"
          "  --format F         png, svg or pdf, whatever FILE's extension\n"
          "  -h, --help         this help\n"
          "\n"
          "Runs are named after their file (without .h5), variants by their name.\n"
          "exit codes: 0 success, 2 bad input (flags, files that are not brandsim files,\n"
          "a brand or baseline that does not exist), 1 anything else (gnuplot missing)\n",
          out);
}

typedef struct {
    const bs_results *r;
    int v;
    char label[256];
    double *out; /* outcomes: R x B x BS_KPI_COUNT */
    double *payback; /* payback weeks against the baseline, R x B (NULL: not paired, or the baseline) */
} arm;

/* "results/a.h5" -> "a" */
static void file_stem(const char *path, char *buf, size_t n)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 3 && !strcmp(base + len - 3, ".h5"))
        len -= 3;
    snprintf(buf, n, "%.*s", (int)len, base);
}

static void print_arm_row(const arm *a, const arm *base, int b, int bb, bs_kpi o,
                          int first)
{
    int R = bs_results_replicates(a->r), Rb = bs_results_replicates(base->r);
    int B = bs_results_brands(a->r), Bb = bs_results_brands(base->r);
    double *x = malloc((size_t)R * sizeof *x), *y = malloc((size_t)Rb * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        return;
    }
    bs_kpi_values(a->out, R, B, b, o, x);
    bs_kpi_values(base->out, Rb, Bb, bb, o, y);
    bs_ci c = bs_ci_mean(x, 1, (size_t)R, 0.95);
    char cell[96], diff[96] = "(baseline)", test[64] = "";
    bs_kpi_format_ci(o, c, cell, sizeof cell);
    if (a != base) {
        bs_test t = bs_test_for(bs_results_seeds(a->r, a->v), R, bs_results_seeds(base->r, base->v),
                                Rb);
        bs_effect e = bs_kpi_difference(x, R, y, Rb, t);
        bs_ci as_ci = {e.estimate, e.se, e.lo, e.hi, (size_t)R};
        bs_kpi_format_ci(o, as_ci, diff, sizeof diff);
        if (isfinite(e.p))
            snprintf(test, sizeof test, "%s, p = %.3g", bs_test_name(t), e.p);
        else
            snprintf(test, sizeof test, "%s: n/a", bs_test_name(t));
        if (!isfinite(e.estimate))
            snprintf(diff, sizeof diff, "n/a");
        if (!isfinite(e.lo) && (R < 2 || Rb < 2))
            snprintf(test, sizeof test, "no CI with %d replicate%s", R < Rb ? R : Rb,
                     (R < Rb ? R : Rb) == 1 ? "" : "s");
    }
    char label[80];
    snprintf(label, sizeof label, "%s%s", bs_kpi_get(o)->label,
             bs_kpi_get(o)->percent ? " (pp)" : "");
    char line[512];
    int len = snprintf(line, sizeof line, "  %-36s %-16s %-28s %-28s %s", first ? label : "",
                       a->label, cell, diff, test);
    while (len > 0 && (size_t)len < sizeof line && line[len - 1] == ' ')
        line[--len] = '\0';
    puts(line);
    free(x);
    free(y);
}

/* Payback weeks of arm a's brand b against the baseline: mean and CI, or why there is none. */
static void print_payback_row(const arm *a, int b, int first)
{
    int R = bs_results_replicates(a->r), B = bs_results_brands(a->r), late = 0;
    double *x = malloc((size_t)R * sizeof *x);
    if (!x)
        return;
    for (int rep = 0; rep < R; rep++)
        late += isnan(x[rep] = a->payback[(size_t)rep * B + b]);
    char cell[96];
    if (late)
        snprintf(cell, sizeof cell, "not within the run (%d of %d)", late, R);
    else {
        bs_ci c = bs_ci_mean(x, 1, (size_t)R, 0.95);
        bs_kpi_format_ci(BS_KPI_RECOVERY_WEEKS, c, cell, sizeof cell);
    }
    printf("  %-36s %-16s %s\n", first ? "payback (weeks)" : "", a->label, cell);
    free(x);
}

static void print_table(const arm *arms, int n, int baseline, const char *brand)
{
    const arm *base = &arms[baseline];
    int R = bs_results_replicates(base->r);
    printf("\nbrand %s (baseline %s; %d replicate%s)\n", brand, base->label, R, R == 1 ? "" : "s");
    printf("  %-36s %-16s %-28s %-28s %s\n", "outcome", "run/variant", "mean [95 % CI]",
           "difference to baseline", "test");
    int bb = bs_results_brand_index(base->r, brand);
    for (int o = 0; o < BS_KPI_COUNT; o++) {
        for (int k = 0; k < n; k++)
            print_arm_row(&arms[k], base, bs_results_brand_index(arms[k].r, brand), bb,
                          (bs_kpi)o, k == 0);
        if (o != BS_KPI_NET_CONTRIBUTION)
            continue;
        int first = 1; /* against the baseline, replicate by replicate */
        for (int k = 0; k < n; k++)
            if (arms[k].payback) {
                print_payback_row(&arms[k], bs_results_brand_index(arms[k].r, brand), first);
                first = 0;
            }
    }
}

/* The brands of the baseline's first shock (a policy change is not one); all
 * brands (up to 6) if none. */
static int default_brands(const bs_results *r, int v, const char **names, int max)
{
    int n = 0, ne = 0;
    const bs_event *ev = bs_results_events(r, v, &ne);
    const int first = bs_results_first_shock(r, v);
    for (int i = 0; i < ne && n < max; i++)
        if (ev[i].step == first && ev[i].brand >= 0 &&
            bs_results_event_is_shock(ev[i].kind)) {
            const char *name = bs_results_brand_name(r, ev[i].brand);
            int seen = 0;
            for (int k = 0; k < n; k++)
                seen |= !strcmp(names[k], name);
            if (!seen)
                names[n++] = name;
        }
    for (int b = 0; n == 0 && b < bs_results_brands(r) && b < 6; b++)
        names[b] = bs_results_brand_name(r, b);
    if (n == 0)
        n = bs_results_brands(r) < 6 ? bs_results_brands(r) : 6;
    return n;
}

typedef struct {
    const char *files[MAX_FILES];
    int n_files, variants;
    const char *baseline, *brands, *output, *segment, *metric;
    int format;
    double recovery; /* --recovery */
    bs_series_ref ref; /* the figure's series: --segment and --metric */
} compare_args;

static int parse(int argc, char **argv, compare_args *a)
{
    static const struct option opts[] = {
        {"variants", no_argument, 0, 'v'},          {"baseline", required_argument, 0, 'b'},
        {"brands", required_argument, 0, 'B'},      {"metric", required_argument, 0, 'm'},
        {"segment", required_argument, 0, 's'},     {"output", required_argument, 0, 'o'},
        {"format", required_argument, 0, 'f'},      {"help", no_argument, 0, 'h'},
        {"recovery", required_argument, 0, 'r'},    {0, 0, 0, 0}};
    int c;
    a->format = -1;
    a->metric = "market_share";
    a->segment = "all";
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'v': a->variants = 1; break;
        case 'b': a->baseline = optarg; break;
        case 'B': a->brands = optarg; break;
        case 'r': {
            char *end;
            a->recovery = strtod(optarg, &end);
            if (end == optarg || *end || !(a->recovery > 0 && a->recovery <= 1)) {
                fprintf(stderr, "brandsim: compare: --recovery: '%s' is not a fraction, expected "
                                "a number in (0, 1], e.g. 0.95\n", optarg);
                return BS_EXIT_INPUT;
            }
            break;
        }
        case 'm': a->metric = optarg; break;
        case 's': a->segment = optarg; break;
        case 'o': a->output = optarg; break;
        case 'f':
            if ((a->format = bs_plot_format_by_name(optarg)) < 0) {
                fprintf(stderr, "brandsim: compare: --format: '%s' is not a format, expected "
                                "png, svg or pdf\n", optarg);
                return BS_EXIT_INPUT;
            }
            break;
        case 'h': compare_usage(stdout); return -1;
        default:
            fprintf(stderr, "brandsim: compare: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            compare_usage(stderr);
            return BS_EXIT_INPUT;
        }
    }
    for (int k = optind; k < argc; k++) {
        if (a->n_files == MAX_FILES) {
            fprintf(stderr, "brandsim: compare: more than %d files\n", MAX_FILES);
            return BS_EXIT_INPUT;
        }
        a->files[a->n_files++] = argv[k];
    }
    if (a->n_files == 0) {
        fputs("brandsim: compare: expected output files (A.h5 B.h5 ..., or OUT.h5 --variants)\n",
              stderr);
        compare_usage(stderr);
        return BS_EXIT_INPUT;
    }
    bs_error err = {0};
    if (bs_series_ref_parse(a->segment, a->metric, "--segment", &a->ref, &err)) {
        fprintf(stderr, "brandsim: compare: %s%s\n",
                !a->ref.quantile && strstr(err.msg, "is not a brand metric") ? "--metric: " : "",
                err.msg);
        return BS_EXIT_INPUT;
    }
    int rc;
    if (a->output && (rc = cli_check_output("compare", "-o", a->output, a->files, a->n_files)))
        return rc;
    if (a->output && a->format < 0) {
        const char *dot = strrchr(a->output, '.');
        const char *slash = strrchr(a->output, '/');
        if (dot && (!slash || dot > slash)) { /* an extension: it must name a format */
            if ((a->format = bs_plot_format_by_name(dot + 1)) < 0) {
                fprintf(stderr, "brandsim: compare: -o '%s': '%s' is not a figure format, "
                                "expected .png, .svg or .pdf (or --format)\n", a->output,
                        dot + 1);
                return BS_EXIT_INPUT;
            }
        } else
            a->format = BS_PLOT_PNG; /* no extension */
    }
    return BS_EXIT_OK;
}

/* The arms: each file, or each variant of each file. */
static int make_arms(const compare_args *a, bs_results **res, arm *arms, int *n_arms)
{
    /* a file with several variants is compared variant by variant: comparing only its
     * first variant under the file's name would hide the others */
    int per_variant = a->variants;
    for (int f = 0; f < a->n_files; f++)
        per_variant |= bs_results_variants(res[f]) > 1;
    *n_arms = 0;
    for (int f = 0; f < a->n_files; f++) {
        char stem[200];
        file_stem(a->files[f], stem, sizeof stem);
        int nv = per_variant ? bs_results_variants(res[f]) : 1;
        for (int v = 0; v < nv; v++) {
            if (*n_arms == MAX_ARMS) {
                fprintf(stderr, "brandsim: compare: more than %d runs and variants\n", MAX_ARMS);
                return BS_EXIT_INPUT;
            }
            arm *x = &arms[(*n_arms)++];
            x->r = res[f];
            x->v = v;
            if (!per_variant)
                snprintf(x->label, sizeof x->label, "%s", stem);
            else if (a->n_files == 1)
                snprintf(x->label, sizeof x->label, "%s", bs_results_variant_name(res[f], v));
            else
                snprintf(x->label, sizeof x->label, "%s:%s", stem,
                         bs_results_variant_name(res[f], v));
        }
    }
    if (*n_arms < 2) {
        fprintf(stderr, "brandsim: compare: %s holds one run: give two files or more, or an "
                        "ensemble file with variants\n", a->files[0]);
        return BS_EXIT_INPUT;
    }
    return BS_EXIT_OK;
}

static int find_baseline(const compare_args *a, const arm *arms, int n)
{
    if (!a->baseline)
        return 0;
    for (int k = 0; k < n; k++)
        if (!strcmp(arms[k].label, a->baseline))
            return k;
    fprintf(stderr, "brandsim: compare: --baseline: '%s' is not one of:", a->baseline);
    for (int k = 0; k < n; k++)
        fprintf(stderr, "%s %s", k ? "," : "", arms[k].label);
    fputc('\n', stderr);
    return -1;
}

/* The brands to report, checked to exist in every arm. */
static int choose(const compare_args *a, const arm *arms, int n_arms, int baseline, char *buf,
                  const char **names, int *n)
{
    if (a->brands) {
        *n = 0;
        snprintf(buf, 4096, "%s", a->brands);
        for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok && *n < MAX_CHOSEN;
             tok = strtok_r(NULL, ",", &save))
            names[(*n)++] = tok;
    } else
        *n = default_brands(arms[baseline].r, arms[baseline].v, names, MAX_CHOSEN);
    if (*n == 0) {
        fputs("brandsim: compare: no brand to compare\n", stderr);
        return BS_EXIT_INPUT;
    }
    for (int k = 0; k < n_arms; k++)
        for (int j = 0; j < *n; j++)
            if (bs_results_brand_index(arms[k].r, names[j]) < 0) {
                fprintf(stderr, "brandsim: compare: %s: no brand '%s'\n",
                        bs_results_path(arms[k].r), names[j]);
                return BS_EXIT_INPUT;
            }
    return BS_EXIT_OK;
}

/* gnuplot and the templates, looked for before anything is computed or printed. */
static int find_drawing_tools(char *gnuplot, char *tpl, size_t n)
{
    bs_error err = {0};
    if (bs_gnuplot_find(gnuplot, n, &err))
        return cli_fail(&err);
    return cli_template_dir(tpl, n);
}

static int draw(const compare_args *a, const arm *arms, int n_arms, int baseline,
                const char **names, int n, const char *gnuplot, const char *tpl)
{
    bs_error err = {0};
    bs_plot_arm pa[MAX_ARMS];
    for (int k = 0; k < n_arms; k++)
        pa[k] = (bs_plot_arm){arms[k].r, arms[k].v, arms[k].label};
    bs_plot_env env = {tpl, gnuplot, (bs_plot_format)a->format, cli_cancel()};
    cli_catch_stop_signals(); /* the figure is finished or removed, never left half */
    if (bs_plot_compare_ref(&env, pa, n_arms, baseline, &a->ref, names, n, a->output, &err)) {
        if (!cli_stop_signal)
            return cli_fail(&err);
        fprintf(stderr, "brandsim: compare: interrupted (%s); %s not drawn\n",
                cli_signal_name(cli_stop_signal), a->output);
        return BS_EXIT_RUNTIME;
    }
    printf("\nwrote %s\n", a->output);
    return BS_EXIT_OK;
}

int cli_compare(int argc, char **argv)
{
    compare_args a = {0};
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc < 0 ? cli_flush_stdout() : rc;
    bs_results *res[MAX_FILES] = {0};
    arm *arms = calloc(MAX_ARMS, sizeof *arms);
    char *buf = malloc(4096);
    const char *names[MAX_CHOSEN];
    int n_arms = 0, n_names = 0, baseline = 0;
    if (!arms || !buf) {
        fputs("brandsim: out of memory\n", stderr);
        rc = BS_EXIT_RUNTIME;
    }
    for (int f = 0; f < a.n_files && !rc; f++)
        if (!(res[f] = cli_open_results(a.files[f], &rc)))
            break;
    if (!rc)
        rc = make_arms(&a, res, arms, &n_arms);
    if (!rc && (baseline = find_baseline(&a, arms, n_arms)) < 0)
        rc = BS_EXIT_INPUT;
    if (!rc)
        rc = choose(&a, arms, n_arms, baseline, buf, names, &n_names);
    for (int f = 0; f < a.n_files && !rc && a.output; f++) { /* the figure's bin, in every file */
        bs_error err = {0};
        if (bs_results_check_ref(res[f], &a.ref, &err))
            rc = cli_fail(&err);
    }
    char gnuplot[4096], tpl[4096];
    if (!rc && a.output) /* no table printed for a figure that cannot be drawn */
        rc = find_drawing_tools(gnuplot, tpl, sizeof gnuplot);
    for (int k = 0; k < n_arms && !rc; k++) {
        const bs_results *r = arms[k].r;
        size_t len = (size_t)bs_results_replicates(r) * (size_t)(bs_results_brands(r) ? bs_results_brands(r) : 1);
        bs_error err = {0};
        if (!(arms[k].out = malloc(len * BS_KPI_COUNT * sizeof *arms[k].out))) {
            fputs("brandsim: out of memory\n", stderr);
            rc = BS_EXIT_RUNTIME;
        } else if (bs_kpis_compute(r, arms[k].v, a.recovery, arms[k].out, &err))
            rc = cli_fail(&err);
        const arm *base = &arms[baseline];
        int R = bs_results_replicates(r);
        if (rc || k == baseline || R != bs_results_replicates(base->r)
            || bs_test_for(bs_results_seeds(r, arms[k].v), R, bs_results_seeds(base->r, base->v), R)
                   != BS_TEST_PAIRED
            || bs_results_steps(r) != bs_results_steps(base->r)
            || bs_results_brands(r) != bs_results_brands(base->r))
            continue; /* payback pairs replicates: only against a baseline with the same seeds */
        if (!(arms[k].payback = malloc(len * sizeof *arms[k].payback))) {
            fputs("brandsim: out of memory\n", stderr);
            rc = BS_EXIT_RUNTIME;
        } else if (bs_kpis_payback(r, arms[k].v, base->r, base->v, arms[k].payback, &err)) {
            free(arms[k].payback); /* e.g. a file written before the economics */
            arms[k].payback = NULL;
        }
    }
    if (!rc) {
        printf("comparing %d %s; baseline %s\n", n_arms,
               a.variants || a.n_files == 1 ? "variants" : "runs", arms[baseline].label);
        for (int j = 0; j < n_names; j++)
            print_table(arms, n_arms, baseline, names[j]);
        printf("\npp: percentage points of market share (share of purchases). After the shock: "
               "from the first\nshock's step on. Net contribution: margin x revenue - response "
               "cost; its difference to a\ndo-nothing baseline is the response's net value. "
               "Payback: weeks from the shock until the\ncumulative difference in net "
               "contribution turns and stays non-negative. Recovery: weeks\nuntil the month's "
               "share is back within %.0f %% of the month before the shock. not reached:\n"
               "revenge did not fall below 10 %% of its peak within the run (in some replicate). "
               "n/a:\nundefined (no shock; a CI needs 2 replicates or more). Definitions: "
               "docs/ANALYSIS.md\n", 100 * (a.recovery > 0 ? a.recovery : BS_KPI_RECOVERY_FRACTION));
    }
    if (!rc && a.output)
        rc = draw(&a, arms, n_arms, baseline, names, n_names, gnuplot, tpl);
    if (!rc)
        rc = cli_flush_stdout();
    for (int k = 0; arms && k < n_arms; k++) {
        free(arms[k].out);
        free(arms[k].payback);
    }
    for (int f = 0; f < a.n_files; f++)
        bs_results_free(res[f]);
    free(arms);
    free(buf);
    return rc;
}
