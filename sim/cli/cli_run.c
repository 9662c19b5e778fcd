/* SPDX-License-Identifier: MIT */
/*
 * cli_run.c: `brandsim run`: load a scenario with its overrides, simulate it
 * step by step, stream the aggregates to HDF5 (written under a temporary
 * name, renamed on success), show progress on a terminal, print a summary.
 * A scenario with variants or replicates runs every variant x replicate
 * into one ensemble file, with the mean and 95 % CI across replicates.
 * SIGINT, SIGTERM and SIGHUP stop the run between steps and leave no output file.
 */
#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "brandsim/experiment.h"
#include "brandsim/stats.h"
#include "core/clock.h"


static void run_usage(FILE *out)
{
    fputs("usage: brandsim run SCENARIO.yaml [-o OUT.h5] [--seed N] [--consumers N]\n"
          "                    [--steps N] [--replicates R] [--threads N]\n"
          "                    [--set key.path=value]...\n"
          "                    [--quiet] [--progress] [--verbose]\n"
          "\n"
          "Simulate the scenario and write its time series to HDF5 (docs/OUTPUT.md).\n"
          "A scenario with `variants:` or with replicates > 1 runs every variant x\n"
          "replicate (seeds seed, seed+1, ..., the same in every variant) into one file,\n"
          "with the mean, sd and 95 % confidence interval across replicates.\n"
          "\n"
          "  -o, --output FILE     output file (default results/NAME.h5)\n"
          "  --seed N              base seed (overrides the scenario's `seed`)\n"
          "  --consumers N         number of consumers\n"
          "  --steps N             number of steps\n"
          "  --replicates R        runs of each variant (overrides the scenario's `replicates`)\n"
          "  --threads N           OpenMP threads (results do not depend on it)\n"
          "  --set key.path=value  override any scenario field, e.g. model.revenge_decay=0.1,\n"
          "                        brands[acme].breach_response=apology; repeatable.\n"
          "                        Overrides are recorded in the output file.\n"
          "  -q, --quiet           print nothing but errors\n"
          "  --progress            show the progress line even when stderr is not a terminal\n"
          "  -v, --verbose         also print the bytes of state per consumer\n"
          "  -h, --help            this help\n"
          "\n"
          "under mpirun (a build with MPI), the runs spread over the ranks, each on its\n"
          "--threads; rank 0 writes the same files (docs/CLUSTER.md)\n"
          "\n"
          "exit codes: 0 success, 2 bad input (scenario, flags), 1 anything else\n",
          out);
}

/* A positive integer flag, or -1 with a message. */
static long long parse_count(const char *flag, const char *text, long long max)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno || v < 1 || v > max) {
        fprintf(stderr, "brandsim: run: %s: '%s' is not valid, expected an integer in [1, %lld]\n",
                flag, text, max);
        return -1;
    }
    return v;
}

typedef struct {
    const char *scenario_path, *out_path;
    int threads, quiet, progress, verbose;
    cli_overrides ov;
    char set_buf[4][128]; /* --seed, --consumers, --steps, --replicates as overrides */
    int set_at[4];        /* where each is in ov (-1: not given); a repeat replaces it */
} run_args;

static int parse_args(int argc, char **argv, run_args *a)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"seed", required_argument, 0, 'S'},
        {"consumers", required_argument, 0, 'N'}, {"steps", required_argument, 0, 'T'},
        {"threads", required_argument, 0, 'j'}, {"set", required_argument, 0, 's'},
        {"replicates", required_argument, 0, 'R'},
        {"quiet", no_argument, 0, 'q'}, {"progress", no_argument, 0, 'P'},
        {"verbose", no_argument, 0, 'v'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    static const char *const keys[4] = {"seed", "consumers", "steps", "replicates"};
    static const char *const flags[4] = {"--seed", "--consumers", "--steps", "--replicates"};
    int c;
    for (int q = 0; q < 4; q++) a->set_at[q] = -1;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:qvs:", opts, NULL)) != -1) {
        long long v;
        int which = -1;
        switch (c) {
        case 'o': a->out_path = optarg; break;
        case 'S': which = 0; break;
        case 'N': which = 1; break;
        case 'T': which = 2; break;
        case 'R': which = 3; break;
        case 'j':
            if ((v = parse_count("--threads", optarg, 4096)) < 0) return BS_EXIT_INPUT;
            a->threads = (int)v;
            break;
        case 's':
            if (a->ov.n == 256) { fputs("brandsim: run: too many --set\n", stderr); return BS_EXIT_INPUT; }
            a->ov.flags[a->ov.n] = NULL;
            a->ov.items[a->ov.n++] = optarg;
            break;
        case 'q': a->quiet = 1; break;
        case 'P': a->progress = 1; break;
        case 'v': a->verbose = 1; break;
        case 'h': run_usage(stdout); return -1;
        default:
            fprintf(stderr, "brandsim: run: unknown or incomplete option '%s'\n", argv[optind - 1]);
            run_usage(stderr);
            return BS_EXIT_INPUT;
        }
        if (which >= 0) { /* an override: the table checks the value and its range */
            char *buf = a->set_buf[which];
            int len = snprintf(buf, sizeof a->set_buf[which], "%s=%s", keys[which], optarg);
            if (len < 0 || (size_t)len >= sizeof a->set_buf[which]) {
                fprintf(stderr, "brandsim: run: %s: '%.20s...' is too long, expected an integer\n",
                        flags[which], optarg);
                return BS_EXIT_INPUT;
            }
            if (a->set_at[which] < 0) { /* the last of repeated flags wins */
                if (a->ov.n == 256) {
                    fputs("brandsim: run: too many --set\n", stderr);
                    return BS_EXIT_INPUT;
                }
                a->set_at[which] = a->ov.n;
                a->ov.items[a->ov.n] = buf;
                a->ov.flags[a->ov.n++] = flags[which];
            }
        }
    }
    if (optind != argc - 1) {
        fputs("brandsim: run: expected one scenario file\n", stderr);
        run_usage(stderr);
        return BS_EXIT_INPUT;
    }
    a->scenario_path = argv[optind];
    if (a->out_path) return cli_check_output("run", "-o", a->out_path, &a->scenario_path, 1);
    return BS_EXIT_OK;
}

/* The progress line on stderr: where we are, the speed, the time left. */
typedef struct {
    int show;
    double t0, last_shown;
    long long runs, runs_done; /* variants x replicates, and those finished */
    char label[96];            /* "variant apology, replicate 3/30: " or "" */
} progress;

static void progress_line(progress *pg, int step, int steps, int64_t consumers)
{
    double el = bs_now_seconds() - pg->t0;
    if (!pg->show || (el - pg->last_shown <= 0.25 && step < steps)) return;
    pg->last_shown = el;
    double done = (double)pg->runs_done * steps + step, total = (double)pg->runs * steps;
    double rate = el > 0 ? done * (double)consumers / el : 0;
    double left = done > 0 ? el * (total - done) / done : 0;
    fprintf(stderr, "\r%sstep %d/%d  %.3g consumer-steps/s  %.0f s left   ", pg->label, step,
            steps, rate, left);
    fflush(stderr);
}

/* Final values kept for the summary table: per variant, replicate, brand. */
enum { FIN_SHARE0, FIN_SHARE, FIN_FORMER, FIN_REVENGE, FIN_COUNT };

/* What `brandsim run` watches while the experiment runs: progress and the values it prints. */
typedef struct {
    progress pg;
    int R, B, steps;
    double bytes;   /* of state per consumer */
    double *fin;    /* [V][R][B][FIN_COUNT] */
} watch;

static void watch_step(void *ctx, const bs_run_info *in, const bs_run *run)
{
    watch *w = ctx;
    int t = bs_run_steps_done(run);
    const double *v = bs_run_stats(run)->v;
    double *f = w->fin + (size_t)in->run * w->B * FIN_COUNT;
    if (t == 1) {
        w->pg.runs_done = in->run;
        const int V = in->runs / w->R;
        if (in->runs > 1)
            snprintf(w->pg.label, sizeof w->pg.label, "%s%.40s%s replicate %d/%d  ",
                     V > 1 ? "variant " : "", V > 1 ? in->variant_name : "", V > 1 ? "," : "",
                     in->replicate + 1, w->R);
        for (int b = 0; b < w->B; b++)
            f[b * FIN_COUNT + FIN_SHARE0] = v[BS_M_MARKET_SHARE * w->B + b];
    }
    progress_line(&w->pg, t, w->steps, bs_run_scenario(run)->consumers);
}

static void watch_run_end(void *ctx, const bs_run_info *in, const bs_run *run)
{
    watch *w = ctx;
    const double *v = bs_run_stats(run)->v;
    double *f = w->fin + (size_t)in->run * w->B * FIN_COUNT;
    for (int b = 0; b < w->B; b++) {
        f[b * FIN_COUNT + FIN_SHARE] = v[BS_M_MARKET_SHARE * w->B + b];
        f[b * FIN_COUNT + FIN_FORMER] = v[BS_M_FORMER_CUSTOMERS * w->B + b];
        f[b * FIN_COUNT + FIN_REVENGE] = v[BS_M_MEAN_REVENGE * w->B + b];
    }
    w->bytes = bs_run_bytes_per_consumer(run);
}

static void print_summary(const bs_scenario *sc, const watch *w, double wall, const char *path,
                          int threads, int verbose)
{
    const int B = sc->n_brands;
    printf("brandsim %s: scenario '%s', %lld consumers x %d steps, seed %llu\n", BS_VERSION,
           sc->name, (long long)sc->consumers, sc->steps, (unsigned long long)sc->seed);
    printf("  %.2f s, %.3g consumer-steps/s on %d threads\n", wall,
           (double)sc->consumers * sc->steps / wall, threads);
    if (verbose)
        printf("  state: %.1f bytes per consumer (%d relationship slots)\n", w->bytes, sc->slots);
    printf("  %-16s %9s %9s %12s %10s\n", "brand", "share@0", "share@end", "former cust.",
           "revenge");
    for (int b = 0; b < B; b++) {
        const double *f = w->fin + (size_t)b * FIN_COUNT;
        printf("  %-16s %9.3f %9.3f %12.0f %10.3f\n", sc->brands[b].name, f[FIN_SHARE0],
               f[FIN_SHARE], f[FIN_FORMER], f[FIN_REVENGE]);
    }
    printf("wrote %s\n", path);
}

static void print_ensemble_summary(const bs_scenario *sc, const bs_variants *vars,
                                   const double *fin, double wall, const char *path, int threads)
{
    const int B = sc->n_brands, R = sc->replicates, V = bs_experiment_variant_count(vars);
    printf("brandsim %s: scenario '%s', %d variant%s x %d replicates (seeds %llu..%llu), "
           "%lld consumers x %d steps\n",
           BS_VERSION, sc->name, V, V == 1 ? "" : "s", R, (unsigned long long)sc->seed,
           (unsigned long long)(sc->seed + (uint64_t)R - 1), (long long)sc->consumers, sc->steps);
    printf("  %.2f s, %.3g consumer-steps/s on %d threads\n", wall,
           (double)sc->consumers * sc->steps * R * V / wall, threads);
    printf("  at the last step, mean over replicates [95 %% CI]:\n");
    printf("  %-16s %-16s %24s %14s %10s\n", "variant", "brand", "share", "former cust.",
           "revenge");
    double *col = malloc((size_t)R * sizeof *col);
    if (!col) return;
    for (int v = 0; v < V; v++)
        for (int b = 0; b < B; b++) {
            bs_ci ci[FIN_COUNT];
            for (int k = 0; k < FIN_COUNT; k++) {
                for (int r = 0; r < R; r++)
                    col[r] = fin[(((size_t)v * R + r) * B + b) * FIN_COUNT + k];
                ci[k] = bs_ci_mean(col, 1, (size_t)R, 0.95);
            }
            char share[48];
            if (R >= 2)
                snprintf(share, sizeof share, "%.3f [%.3f, %.3f]", ci[FIN_SHARE].mean,
                         ci[FIN_SHARE].lo, ci[FIN_SHARE].hi);
            else
                snprintf(share, sizeof share, "%.3f", ci[FIN_SHARE].mean);
            printf("  %-16s %-16s %24s %14.0f %10.3f\n", bs_experiment_variant_name(vars, v),
                   sc->brands[b].name, share, ci[FIN_FORMER].mean, ci[FIN_REVENGE].mean);
        }
    free(col);
    printf("wrote %s\n", path);
}

/* What the run leaves in the file besides the series. */
static void make_provenance(bs_provenance *prov, char *host, size_t hn, char *cmdline, size_t cn,
                            int argc, char **argv, const char *started)
{
    snprintf(host, hn, "unknown");
    gethostname(host, hn - 1);
    snprintf(cmdline, cn, "brandsim");
    for (int k = 0, n = 8; k < argc && n < (int)cn; k++)
        n += snprintf(cmdline + n, cn - (size_t)n, " %s", argv[k]);
    *prov = (bs_provenance){BS_VERSION, 0, 0, host, started, cmdline, 0};
}

static void utc_now(char *buf, size_t n)
{
    time_t now = time(NULL);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
}

/* Every variant x replicate of the scenario into one file (sim/experiment/experiment.c):
   the single-run layout for one run, the ensemble layout otherwise. */
static int simulate(const run_args *a, bs_scenario *sc, const bs_variants *vars,
                    const char *overrides, int argc, char **argv)
{
    const int V = bs_experiment_variant_count(vars), R = sc->replicates, B = sc->n_brands;
    watch w = {{!a->quiet && (a->progress || isatty(STDERR_FILENO)), bs_now_seconds(), 0,
                (long long)V * R, 0, ""},
               R, B, sc->steps, 0, NULL};
    w.fin = calloc((size_t)V * R * (B ? B : 1) * FIN_COUNT, sizeof *w.fin);
    if (!w.fin) {
        fputs("brandsim: out of memory\n", stderr);
        return BS_EXIT_RUNTIME;
    }
    char started[64] = "", host[256], cmdline[4096];
    utc_now(started, sizeof started);
    int threads = a->threads > 0 ? a->threads : omp_get_max_threads();
    if (bs_distributed(cli_distributor()) && V * R > 1) { /* runs spread: a line of ranks */
        char label[128];
        snprintf(label, sizeof label, "run %.60s", sc->name);
        if (w.pg.show)
            cli_ranks_progress(label, 1);
        w.pg.show = 0;
    }
    bs_experiment_timing timing = {0};
    bs_experiment_opts opt = {.threads = a->threads, .overrides = overrides,
                              .cancel = cli_cancel(), .ctx = &w, .on_step = watch_step,
                              .on_run_end = watch_run_end, .timing = &timing,
                              .dist = cli_distributor()};
    make_provenance(&opt.prov, host, sizeof host, cmdline, sizeof cmdline, argc, argv, started);
    bs_error err = {0};
    bs_status s = bs_experiment_run(sc, vars, a->out_path, &opt, &err);
    if (w.pg.show) fputc('\n', stderr);
    int rc = BS_EXIT_OK;
    if (s)
        rc = cli_fail_stopped(&err, "no output written");
    else if (!a->quiet && bs_experiment_is_single(sc, vars, BS_LAYOUT_AUTO))
        print_summary(sc, &w, timing.wall_seconds, a->out_path, threads, a->verbose);
    else if (!a->quiet)
        print_ensemble_summary(sc, vars, w.fin, timing.wall_seconds, a->out_path, threads);
    free(w.fin);
    return rc;
}

int cli_run(int argc, char **argv)
{
    run_args a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc < 0 ? cli_flush_stdout() : rc; /* --help */
    bs_scenario *sc = malloc(sizeof *sc);
    if (!sc) { fputs("brandsim: out of memory\n", stderr); return BS_EXIT_RUNTIME; }
    bs_variants vars;
    if ((rc = cli_load_variants(a.scenario_path, &a.ov, sc, &vars))) { free(sc); return rc; }

    char default_out[512];
    if (!a.out_path) {
        mkdir("results", 0777); /* the default place; an explicit -o is never created */
        snprintf(default_out, sizeof default_out, "results/%s.h5", sc->name);
        a.out_path = default_out;
    }
    /* the overrides as given, one a line, recorded in the output */
    size_t olen = 1;
    for (int k = 0; k < a.ov.n; k++) olen += strlen(a.ov.items[k]) + 1;
    char *overrides = malloc(olen);
    if (!overrides) {
        fputs("brandsim: out of memory\n", stderr);
        bs_variants_free(&vars);
        free(sc);
        return BS_EXIT_RUNTIME;
    }
    overrides[0] = '\0';
    for (int k = 0, n = 0; k < a.ov.n; k++)
        n += snprintf(overrides + n, olen - (size_t)n, "%s%s", k ? "\n" : "", a.ov.items[k]);

    /* From here a signal stops the run between steps and removes the partial
       file (bs_output_abort); installed before the output exists, so there is
       no moment when the default action could leave one behind. */
    cli_catch_stop_signals();

    rc = simulate(&a, sc, &vars, overrides, argc, argv);
    bs_variants_free(&vars);
    free(overrides);
    free(sc);
    if (!rc) rc = cli_flush_stdout(); /* the summary was not lost on the way */
    return rc;
}
