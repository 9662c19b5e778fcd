/* SPDX-License-Identifier: MIT */
/*
 * cli_sweep.c: `brandsim sweep`: many runs of one scenario and a table of
 * outcomes per run (analysis/sweep.h), from an experiment file or from a
 * scenario and a design file; a progress line on stderr; Ctrl-C stops it
 * between steps with every finished run kept for --resume.
 */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "brandsim/findings.h"
#include "brandsim/sweep.h"
#include "cli/cli.h"

static void sweep_usage(FILE *out)
{
    fputs("usage: brandsim sweep EXPERIMENT.yaml [--outcomes OUT.csv] [options]\n"
          "       brandsim sweep SCENARIO.yaml --design DESIGN.csv --outcomes OUT.csv [options]\n"
          "\n"
          "Run a scenario many times with some of its keys changed, and write one row of\n"
          "outcomes per run (revenue, net contribution, share lost, recovery, customers lost,\n"
          "revenge... of each reported brand: docs/ANALYSIS.md) to OUT.csv and the same table\n"
          "to OUT.h5. An experiment file names the scenario, its factors (levels or ranges)\n"
          "and a design: factorial, lhs, sobol, saltelli, morris or oat (docs/DECISIONS.md).\n"
          "A design file is a CSV table whose header names key paths (as --set takes them)\n"
          "and whose rows are the points to run. Run k is point k mod P, replicate k / P,\n"
          "seed = the scenario's + replicate; the table is the same for any --jobs/--threads.\n"
          "\n"
          "  --outcomes FILE    the table (CSV; FILE's stem + .h5 gets it in HDF5); default\n"
          "                     results/NAME-runs.csv for an experiment file\n"
          "  --design FILE      the points, one per row (with a scenario file)\n"
          "  --replicates R     runs of each point (default: the experiment's, else the\n"
          "                     scenario's `replicates`; 1 with a design file)\n"
          "  --brands a,b       brands whose outcomes are reported (default: those hit by the\n"
          "                     first shock)\n"
          "  --set key=value    override a scenario key before the factors (repeatable)\n"
          "  --jobs J           runs at once (default: one per thread when runs are small)\n"
          "  --threads T        threads per run (default: all, when one run at a time)\n"
          "  --resume           finish an interrupted sweep (OUT.csv.partial) without redoing\n"
          "                     a finished run\n"
          "  --series           also keep every run's series of the reported brands (share,\n"
          "                     revenue, revenge acts and mean revenge, exits, response cost,\n"
          "                     net contribution) in OUT.h5: /series/<brand>/<metric>\n"
          "  --figures DIR      after a saltelli, morris or oat design, also draw one\n"
          "                     sensitivity figure per outcome into DIR (gnuplot)\n"
          "  --format F         the figures' format: png (default), svg or pdf\n"
          "  -q, --quiet        no progress line\n"
          "  -h, --help         this help\n"
          "\n"
          "under mpirun (a build with MPI), the runs spread over the ranks, each on its\n"
          "--threads; rank 0 writes the same files (docs/CLUSTER.md)\n"
          "\n"
          "exit codes: 0 success, 2 bad input (files, flags, a factor value the scenario\n"
          "refuses, a journal of another sweep), 1 anything else (interrupted: --resume)\n",
          out);
}

typedef struct {
    const char *input, *design, *outcomes, *brands, *figures;
    int format;
    const char *sets[256];
    int n_sets, replicates, jobs, threads, resume, quiet, series;
} sweep_args;

static int positive(const char *flag, const char *text, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || *end || v < 1 || v > 1000000) {
        fprintf(stderr, "brandsim: sweep: %s: '%s' is not a positive whole number\n", flag, text);
        return BS_EXIT_INPUT;
    }
    *out = (int)v;
    return 0;
}

static int parse(int argc, char **argv, sweep_args *a)
{
    static const struct option opts[] = {
        {"outcomes", required_argument, 0, 'o'}, {"design", required_argument, 0, 'd'},
        {"replicates", required_argument, 0, 'r'}, {"brands", required_argument, 0, 'B'},
        {"set", required_argument, 0, 's'},      {"jobs", required_argument, 0, 'j'},
        {"threads", required_argument, 0, 't'},  {"resume", no_argument, 0, 'R'},
        {"quiet", no_argument, 0, 'q'},          {"help", no_argument, 0, 'h'},
        {"figures", required_argument, 0, 'F'},  {"format", required_argument, 0, 'f'},
        {"series", no_argument, 0, 'S'},
        {0, 0, 0, 0}};
    int c, rc = 0;
    optind = 1;
    opterr = 0;
    while (!rc && (c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
        switch (c) {
        case 'o': a->outcomes = optarg; break;
        case 'd': a->design = optarg; break;
        case 'r': rc = positive("--replicates", optarg, &a->replicates); break;
        case 'B': a->brands = optarg; break;
        case 's':
            if (a->n_sets == 256) {
                fputs("brandsim: sweep: too many --set\n", stderr);
                return BS_EXIT_INPUT;
            }
            a->sets[a->n_sets++] = optarg;
            break;
        case 'j': rc = positive("--jobs", optarg, &a->jobs); break;
        case 't': rc = positive("--threads", optarg, &a->threads); break;
        case 'R': a->resume = 1; break;
        case 'S': a->series = 1; break;
        case 'F': a->figures = optarg; break;
        case 'f':
            if ((a->format = bs_plot_format_by_name(optarg)) < 0) {
                fprintf(stderr, "brandsim: sweep: --format: '%s' is not a format, expected png, "
                                "svg or pdf\n", optarg);
                return BS_EXIT_INPUT;
            }
            break;
        case 'q': a->quiet = 1; break;
        case 'h': sweep_usage(stdout); return -1;
        default:
            fprintf(stderr, "brandsim: sweep: unknown or incomplete option '%s'\n", argv[optind - 1]);
            sweep_usage(stderr);
            return BS_EXIT_INPUT;
        }
    }
    if (rc)
        return rc;
    if (optind != argc - 1) {
        fputs("brandsim: sweep: expected one experiment or scenario file\n", stderr);
        sweep_usage(stderr);
        return BS_EXIT_INPUT;
    }
    a->input = argv[optind];
    if (a->design && !a->outcomes) {
        fputs("brandsim: sweep: --design needs --outcomes FILE (the table to write)\n", stderr);
        return BS_EXIT_INPUT;
    }
    return 0;
}

/* ---- the progress line --------------------------------------------------------------- */

typedef struct {
    const char *name;
    int tty, quiet;
    double last; /* seconds at the last line printed (not a terminal: every 10 % or 30 s) */
    size_t last_done;
} progress;

static void show(void *ctx, const bs_sweep_progress *p)
{
    progress *g = ctx;
    if (g->quiet)
        return;
    size_t fresh = p->done - p->resumed;
    double rate = p->seconds > 0 ? 60.0 * (double)fresh / p->seconds : 0; /* runs per minute */
    int final = p->done == p->total;
    if (!g->tty && !final && p->seconds - g->last < 30 && (p->done - g->last_done) * 10 < p->total)
        return;
    char left[64] = "";
    if (rate > 0 && !final) {
        double min = (double)(p->total - p->done) / rate;
        if (min < 1)
            snprintf(left, sizeof left, ", %.0f s left", 60 * min);
        else
            snprintf(left, sizeof left, ", %.0f min left", ceil(min));
    }
    fprintf(stderr, "%ssweep %s: %zu/%zu runs", g->tty ? "\r" : "", g->name, p->done, p->total);
    if (p->resumed)
        fprintf(stderr, " (%zu resumed)", p->resumed);
    if (rate > 0)
        fprintf(stderr, ", %.1f runs/min%s", rate, left);
    fputs(g->tty ? (final ? "\n" : "   ") : "\n", stderr);
    fflush(stderr);
    g->last = p->seconds;
    g->last_done = p->done;
}

/* ---- sensitivity, after a saltelli, morris or oat sweep --------------------------------- */

/* The path of the sensitivity table beside OUT.csv: OUT-sensitivity.csv. */
static void sensitivity_path(const char *out, char *buf, size_t n)
{
    snprintf(buf, n, "%.*s-sensitivity.csv", (int)(strlen(out) - 4), out);
}

/* For each brand, the outcomes a strategist reads first, each factor's index (total Sobol
 * index, Morris mu*, or the tornado's swing), largest first. */
static void print_sensitivity(const bs_sweep *s)
{
    static const bs_kpi shown[] = {BS_KPI_NET_CONTRIBUTION, BS_KPI_SHARE_LOST,
                                   BS_KPI_CUSTOMERS_LOST, BS_KPI_REVENGE_ACTS};
    const int k = bs_sweep_factors(s);
    const bs_design_kind d = bs_sweep_design(s);
    bs_sensitivity *ix = malloc((size_t)k * sizeof *ix);
    int *order = malloc((size_t)k * sizeof *order);
    double *key = malloc((size_t)k * sizeof *key);
    if (!ix || !order || !key) {
        free(ix), free(order), free(key);
        return;
    }
    printf("\nsensitivity (%s): %s\n", bs_design_name(d),
           d == BS_DESIGN_SALTELLI ? "first-order and total Sobol indices [95 % bootstrap CI]"
           : d == BS_DESIGN_MORRIS ? "Morris mu* (mean absolute effect over the factor's range) and sigma"
                                   : "outcome at the factor's low and high end, the others in the middle");
    for (int j = 0; j < bs_sweep_brands(s); j++)
        for (size_t q = 0; q < sizeof shown / sizeof *shown; q++) {
            bs_error e = {0};
            printf("  %s, %s:\n", bs_sweep_brand(s, j), bs_kpi_get(shown[q])->label);
            if (bs_sweep_sensitivity(s, j, shown[q], ix, &e)) {
                printf("    n/a (%s)\n", e.msg);
                continue;
            }
            for (int i = 0; i < k; i++) {
                order[i] = i;
                key[i] = d == BS_DESIGN_SALTELLI ? ix[i].sobol.total.estimate
                         : d == BS_DESIGN_MORRIS ? ix[i].morris.mu_star
                                                 : fabs(ix[i].oat.high - ix[i].oat.low);
                if (!isfinite(key[i]))
                    key[i] = -1;
            }
            for (int a = 1; a < k; a++) /* largest first; ties in factor order */
                for (int b = a; b > 0 && key[order[b]] > key[order[b - 1]]; b--) {
                    int t = order[b];
                    order[b] = order[b - 1];
                    order[b - 1] = t;
                }
            for (int a = 0; a < k; a++) {
                const bs_sensitivity *x = &ix[order[a]];
                printf("    %-40s", bs_sweep_factor(s, order[a])->path);
                if (d == BS_DESIGN_SALTELLI)
                    printf(" first %5.2f [%5.2f, %5.2f]  total %5.2f [%5.2f, %5.2f]\n",
                           x->sobol.first.estimate, x->sobol.first.lo, x->sobol.first.hi,
                           x->sobol.total.estimate, x->sobol.total.lo, x->sobol.total.hi);
                else if (d == BS_DESIGN_MORRIS)
                    printf(" mu* %-12.4g sigma %.4g\n", x->morris.mu_star, x->morris.sigma);
                else
                    printf(" low %-12.4g high %-12.4g swing %.4g\n", x->oat.low, x->oat.high,
                           fabs(x->oat.high - x->oat.low));
            }
        }
    free(ix);
    free(order);
    free(key);
}

/* The sensitivity figures into a->figures (created if missing). */
static int draw_figures(const bs_sweep *s, const sweep_args *a)
{
    char gnuplot[4096], tpl[4096];
    bs_error err = {0};
    if (bs_gnuplot_find(gnuplot, sizeof gnuplot, &err))
        return cli_fail(&err);
    int rc = cli_template_dir(tpl, sizeof tpl);
    if (rc)
        return rc;
    if (bs_mkdir_p(a->figures)) {
        fprintf(stderr, "brandsim: sweep: --figures: cannot create '%s'\n", a->figures);
        return BS_EXIT_RUNTIME;
    }
    enum { LEN = 4200 };
    char(*files)[LEN] = calloc(BS_KPI_COUNT, LEN);
    int n = 0;
    if (!files)
        return BS_EXIT_RUNTIME;
    bs_plot_env env = {tpl, gnuplot, a->format > 0 ? a->format : BS_PLOT_PNG, cli_cancel()};
    if (bs_sweep_plot_sensitivity(s, &env, a->figures, files[0], LEN, &n, &err))
        rc = cli_fail(&err);
    for (int i = 0; i < n; i++)
        printf("wrote %s\n", files[i]);
    free(files);
    return rc;
}

/* ---- the decision, after a sweep with options ------------------------------------------- */

static int print_decision(const bs_sweep *s, const char *out)
{
    const size_t O = bs_sweep_options(s);
    const int k = bs_sweep_factors(s), ko = bs_sweep_option_factors(s), ku = k - ko;
    bs_option_value *ov = malloc(O * sizeof *ov);
    bs_flip *fl = malloc((size_t)(ku ? ku : 1) * sizeof *fl);
    bs_error err = {0};
    if (!ov || !fl || bs_sweep_decide(s, ov, fl, &err)) {
        free(ov), free(fl);
        if (!err.msg[0])
            bs_error_setf(&err, BS_ERR_RUNTIME, "out of memory");
        return cli_fail(&err);
    }
    size_t points = bs_sweep_points(s) / O;
    printf("\ndecision for %s: %zu options x %zu uncertain point%s x %d replicate%s (baseline: %s)\n",
           bs_sweep_decided_brand(s), O, points, points == 1 ? "" : "s", bs_sweep_replicates(s),
           bs_sweep_replicates(s) == 1 ? "" : "s", ov[0].label);
    printf("  %-4s %-52s %13s %26s %8s %12s %11s\n", "rank", "option", "net contrib.",
           "net value [95 % CI]", "P(best)", "mean regret", "max regret");
    for (int rank = 1; rank <= (int)O; rank++)
        for (size_t o = 0; o < O; o++) {
            if (ov[o].rank != rank)
                continue;
            char value[96];
            if (o == 0)
                snprintf(value, sizeof value, "(baseline)");
            else if (isfinite(ov[o].value.lo))
                snprintf(value, sizeof value, "%.0f [%.0f, %.0f]", ov[o].value.estimate,
                         ov[o].value.lo, ov[o].value.hi);
            else
                snprintf(value, sizeof value, "%.0f", ov[o].value.estimate);
            printf("  %-4d %-52.52s %13.0f %26s %7.0f%% %12.0f %11.0f\n", rank, ov[o].label,
                   ov[o].net, value, 100 * ov[o].p_best, ov[o].regret_mean, ov[o].regret_max);
        }
    for (int i = 0; i < ku; i++) {
        const bs_flip *f = &fl[i];
        const char *path = bs_sweep_factor(s, f->factor)->path;
        if (!f->flips)
            printf("  along %s: the best option stays %s\n", path,
                   f->best[0] >= 0 ? ov[f->best[0]].label : ov[0].label);
        else
            printf("  along %s: the best option flips from %s to %s at about %s%s\n", path,
                   ov[f->from].label, ov[f->to].label, f->at,
                   f->flips > 1 ? " (and again further on)" : "");
    }
    char path[4200];
    snprintf(path, sizeof path, "%.*s-decision.csv", (int)(strlen(out) - 4), out);
    int rc = 0;
    if (bs_sweep_write_decision(s, path, &err))
        rc = cli_fail(&err);
    else
        printf("\nwrote %s\n", path);
    free(ov);
    free(fl);
    return rc;
}

int cli_sweep(int argc, char **argv)
{
    sweep_args a = {0};
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc < 0 ? cli_flush_stdout() : rc;
    bs_error err = {0};
    bs_sweep *s = a.design ? bs_sweep_from_design(a.input, a.design, a.sets, a.n_sets,
                                                  a.replicates ? a.replicates : 1, &err)
                           : bs_sweep_load(a.input, a.sets, a.n_sets, &err);
    if (!s)
        return cli_fail(&err);
    if (!a.design && a.replicates) { /* --replicates over the experiment's */
        bs_sweep_free(s);
        fputs("brandsim: sweep: --replicates goes with --design; an experiment file says "
              "`replicates:` itself\n", stderr);
        return BS_EXIT_INPUT;
    }
    if (a.brands && bs_sweep_set_brands(s, a.brands, &err)) {
        bs_sweep_free(s);
        return cli_fail(&err);
    }
    const char *out = a.outcomes ? a.outcomes : bs_sweep_default_output(s);
    size_t len = strlen(out);
    const char *inputs[2] = {a.input, a.design ? a.design : a.input};
    if ((rc = cli_check_output("sweep", "--outcomes", out, inputs, 2))) {
        bs_sweep_free(s);
        return rc;
    }
    if (len < 4 || strcmp(out + len - 4, ".csv")) {
        fprintf(stderr, "brandsim: sweep: --outcomes: '%s' does not end in .csv, expected the "
                        "CSV table's name (its stem + .h5 gets the HDF5 table)\n", out);
        bs_sweep_free(s);
        return BS_EXIT_INPUT;
    }
    cli_catch_stop_signals();
    progress g = {bs_sweep_name(s), isatty(2), a.quiet, 0, 0};
    bs_distributor *dist = cli_distributor();
    bs_sweep_opts opt = {.jobs = a.jobs, .threads = a.threads, .resume = a.resume,
                         .series = a.series,
                         .cancel = cli_cancel(), .ctx = &g, .on_run = show, .dist = dist};
    if (bs_distributed(dist)) { /* runs spread: a line of ranks instead */
        char label[160];
        snprintf(label, sizeof label, "sweep %.100s", bs_sweep_name(s));
        if (!a.quiet)
            cli_ranks_progress(label, 1);
        g.quiet = 1;
    }
    if (!a.quiet)
        fprintf(stderr, "sweep %s: %zu points x %d replicates of scenario %s (%s design)\n",
                bs_sweep_name(s), bs_sweep_points(s), bs_sweep_replicates(s),
                bs_sweep_scenario(s)->name,
                bs_sweep_design(s) == BS_DESIGN_COUNT ? "file" : bs_design_name(bs_sweep_design(s)));
    bs_status st = bs_sweep_run(s, out, &opt, &err);
    if (!bs_distributor_is_root(dist)) { /* rank 0 reports and writes */
        bs_sweep_free(s);
        return st ? BS_EXIT_RUNTIME : BS_EXIT_OK;
    }
    if (st) {
        if (g.tty && !a.quiet && !bs_distributed(dist))
            fputc('\n', stderr);
        rc = cli_stop_signal ? BS_EXIT_RUNTIME : err.status == BS_ERR_INPUT ? BS_EXIT_INPUT
                                                                            : BS_EXIT_RUNTIME;
        fprintf(stderr, "brandsim: %s\n", err.msg);
        if (cli_stop_signal || strstr(err.msg, "interrupted after"))
            fprintf(stderr, "brandsim: sweep: every finished run is kept in %s.partial; the same "
                            "command with --resume finishes it\n", out);
        bs_sweep_free(s);
        return rc;
    }
    char h5[4200];
    bs_sweep_table_h5(out, h5, sizeof h5);
    printf("wrote %s and %s (%zu runs)\n", out, h5, bs_sweep_runs(s));
    if (bs_sweep_has_sensitivity(s)) {
        char sens[4200];
        sensitivity_path(out, sens, sizeof sens);
        if (bs_sweep_write_sensitivity(s, sens, &err)) {
            bs_sweep_free(s);
            return cli_fail(&err);
        }
        print_sensitivity(s);
        printf("\nwrote %s (every brand, outcome and factor; docs/DECISIONS.md)\n", sens);
        if (a.figures && (rc = draw_figures(s, &a))) {
            bs_sweep_free(s);
            return rc;
        }
    } else if (a.figures)
        printf("no sensitivity figures: a %s design has no indices (saltelli, morris or oat do)\n",
               bs_sweep_design(s) == BS_DESIGN_COUNT ? "file" : bs_design_name(bs_sweep_design(s)));
    if (bs_sweep_option_factors(s) && (rc = print_decision(s, out))) {
        bs_sweep_free(s);
        return rc;
    }
    bs_sweep_free(s);
    return cli_flush_stdout();
}
