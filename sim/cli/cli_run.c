/*
 * cli_run.c: `brandsim run`: load a scenario with its overrides, simulate it
 * step by step, stream the aggregates to HDF5 (written under a temporary
 * name, renamed on success), show progress on a terminal, print a summary.
 * SIGINT/SIGTERM stop the run between steps and leave no output file.
 */
#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/output.h"
#include "io/scenario_io.h"

static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void run_usage(FILE *out)
{
    fputs("usage: brandsim run SCENARIO.yaml [-o OUT.h5] [--seed N] [--consumers N]\n"
          "                    [--steps N] [--threads N] [--set key.path=value]...\n"
          "                    [--quiet] [--progress] [--verbose]\n"
          "\n"
          "Simulate the scenario and write its time series to HDF5 (docs/OUTPUT.md).\n"
          "\n"
          "  -o, --output FILE     output file (default results/NAME.h5)\n"
          "  --seed N              base seed (overrides the scenario's `seed`)\n"
          "  --consumers N         number of consumers\n"
          "  --steps N             number of steps\n"
          "  --threads N           OpenMP threads (results do not depend on it)\n"
          "  --set key.path=value  override any scenario field, e.g. model.revenge_decay=0.1,\n"
          "                        brands[acme].breach_response=apology; repeatable.\n"
          "                        Overrides are recorded in the output file.\n"
          "  -q, --quiet           print nothing but errors\n"
          "  --progress            show the progress line even when stderr is not a terminal\n"
          "  -v, --verbose         also print memory per consumer and thread count\n"
          "  -h, --help            this help\n"
          "\n"
          "exit codes: 0 success, 2 bad input (scenario, flags), 1 anything else\n",
          out);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
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
    char set_buf[3][128]; /* --seed, --consumers, --steps as overrides */
    int set_at[3];        /* where each is in ov (-1: not given); a repeat replaces it */
} run_args;

static int parse_args(int argc, char **argv, run_args *a)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"seed", required_argument, 0, 'S'},
        {"consumers", required_argument, 0, 'N'}, {"steps", required_argument, 0, 'T'},
        {"threads", required_argument, 0, 'j'}, {"set", required_argument, 0, 's'},
        {"quiet", no_argument, 0, 'q'}, {"progress", no_argument, 0, 'P'},
        {"verbose", no_argument, 0, 'v'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    static const char *const keys[3] = {"seed", "consumers", "steps"};
    static const char *const flags[3] = {"--seed", "--consumers", "--steps"};
    int c;
    for (int q = 0; q < 3; q++) a->set_at[q] = -1;
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
    return BS_EXIT_OK;
}

static void progress_line(int step, int steps, double elapsed, int64_t consumers)
{
    double rate = elapsed > 0 ? (double)step * (double)consumers / elapsed : 0;
    double left = step > 0 ? elapsed * (steps - step) / step : 0;
    fprintf(stderr, "\rstep %d/%d  %.3g consumer-steps/s  %.0f s left   ", step, steps, rate, left);
    fflush(stderr);
}

static void print_summary(const bs_run *run, const double *share0, double wall, const char *path,
                          int threads, int verbose)
{
    const bs_scenario *sc = bs_run_scenario(run);
    const bs_stats *st = bs_run_stats(run);
    const int B = sc->n_brands;
    printf("brandsim %s: scenario '%s', %lld consumers x %d steps, seed %llu\n", BS_VERSION,
           sc->name, (long long)sc->consumers, sc->steps, (unsigned long long)sc->seed);
    printf("  %.2f s, %.3g consumer-steps/s on %d threads\n", wall,
           (double)sc->consumers * sc->steps / wall, threads);
    if (verbose)
        printf("  state: %.1f bytes per consumer (%d relationship slots)\n",
               bs_run_bytes_per_consumer(run), sc->slots);
    printf("  %-16s %9s %9s %12s %10s\n", "brand", "share@0", "share@end", "former cust.",
           "revenge");
    for (int b = 0; b < B; b++) {
        const double *v = st->v;
        double former = v[BS_M_FORMER_CUSTOMERS * B + b];
        double revenge = v[BS_M_MEAN_REVENGE * B + b];
        printf("  %-16s %9.3f %9.3f %12.0f %10.3f\n", sc->brands[b].name, share0[b],
               v[BS_M_MARKET_SHARE * B + b], former, revenge);
    }
    printf("wrote %s\n", path);
}

int cli_run(int argc, char **argv)
{
    run_args a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc < 0 ? BS_EXIT_OK : rc;
    bs_scenario *sc = malloc(sizeof *sc);
    if (!sc) { fputs("brandsim: out of memory\n", stderr); return BS_EXIT_RUNTIME; }
    if ((rc = cli_load_scenario(a.scenario_path, &a.ov, sc))) { free(sc); return rc; }

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
    if (overrides) {
        overrides[0] = '\0';
        for (int k = 0, n = 0; k < a.ov.n; k++)
            n += snprintf(overrides + n, olen - (size_t)n, "%s%s", k ? "\n" : "", a.ov.items[k]);
    }

    /* From here a signal stops the run between steps and removes the partial
       file (bs_output_abort); installed before the output exists, so there is
       no moment when the default action could leave one behind. */
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    bs_error err = {0};
    bs_run *run = NULL;
    bs_output *out = NULL;
    char *yaml = bs_scenario_yaml_string(sc);
    double *share0 = calloc((size_t)sc->n_brands, sizeof *share0);
    if (!yaml || !share0 || !overrides) {
        fputs("brandsim: out of memory\n", stderr);
        rc = BS_EXIT_RUNTIME;
        goto done;
    }
    run = bs_run_alloc(sc, a.threads, &err);
    if (!run) { rc = cli_fail(&err); goto done; }
    out = bs_output_open(a.out_path, sc, yaml, overrides, &err);
    if (!out) { rc = cli_fail(&err); goto done; }

    char started[64] = "";
    time_t start_time = time(NULL);
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", gmtime(&start_time));
    int show = !a.quiet && (a.progress || isatty(STDERR_FILENO));
    double t0 = now_seconds(), last_shown = 0;
    for (int t = 0; t <= sc->steps; t++) {
        if (stop_signal) { /* checked once more after the last step: a signal wins */
            fprintf(stderr, "%sbrandsim: interrupted (%s) at step %d of %d; no output written\n",
                    show ? "\n" : "", stop_signal == SIGINT ? "SIGINT" : "SIGTERM", t, sc->steps);
            rc = BS_EXIT_RUNTIME;
            goto done;
        }
        if (t == sc->steps) break;
        if (bs_run_step(run, &err) || bs_output_write_step(out, bs_run_stats(run), &err)) {
            rc = cli_fail(&err);
            goto done;
        }
        if (t == 0)
            for (int b = 0; b < sc->n_brands; b++)
                share0[b] = bs_run_stats(run)->v[BS_M_MARKET_SHARE * sc->n_brands + b];
        double el = now_seconds() - t0;
        if (show && (el - last_shown > 0.25 || t == sc->steps - 1)) {
            progress_line(t + 1, sc->steps, el, sc->consumers);
            last_shown = el;
        }
    }
    if (show) fputc('\n', stderr);
    double wall = now_seconds() - t0;

    char host[256] = "unknown";
    gethostname(host, sizeof host - 1);
    char cmdline[4096] = "brandsim";
    for (int k = 0, n = 8; k < argc && n < (int)sizeof cmdline; k++)
        n += snprintf(cmdline + n, sizeof cmdline - (size_t)n, " %s", argv[k]);
    int threads = a.threads > 0 ? a.threads : omp_get_max_threads();
    bs_provenance prov = {BS_VERSION, threads, wall, host, started, cmdline,
                          bs_run_bytes_per_consumer(run)};
    int n_events;
    const bs_event *ev = bs_run_events(run, &n_events);
    bs_status s = bs_output_finish(out, ev, n_events, &prov, &err);
    out = NULL; /* finish closes it, on success or failure */
    if (s) { rc = cli_fail(&err); goto done; }
    if (!a.quiet) print_summary(run, share0, wall, a.out_path, threads, a.verbose);
    rc = BS_EXIT_OK;
done:
    bs_output_abort(out);
    bs_run_free(run);
    free(share0);
    free(yaml);
    free(overrides);
    free(sc);
    return rc;
}
