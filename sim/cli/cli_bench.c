/* SPDX-License-Identifier: MIT */
/*
 * cli_bench.c: `brandsim bench`: the performance benchmark (docs/PERFORMANCE.md).
 *
 * Runs canonical workloads (the files in scenarios/bench/) through the same library
 * calls as `brandsim run`, HDF5 output included (to a temporary directory),
 * once per thread count, and reports: consumer-steps and relationship
 * updates per second, nanoseconds per relationship update per thread, bytes
 * of state per consumer, peak resident memory, the share of time spent
 * writing HDF5, speed-up and parallel efficiency, and the step's state
 * traffic as a fraction of the machine's memory bandwidth, measured in the
 * same process with a STREAM-triad kernel, and the speed as a fraction of the
 * compute floor (one Philox block and one exp per relationship), measured just
 * before each run (bench_kernels.h). Prints a table; --json writes the
 * same figures for scripts. Timings are reported, never asserted. On a shared
 * machine one run can be slowed at random: --repeat N runs each thread count N
 * times, in rounds over the thread counts, and reports the median run with the
 * range of the N.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/bench_kernels.h"
#include "cli/cli.h"

enum { MAX_THREAD_COUNTS = 32, MAX_WORKLOADS = 8, MAX_REPEAT = 99 };

typedef struct {
    int threads;
    double init_s, step_s, write_s;
    double consumer_steps_per_s, updates_per_s, ns_per_update_per_thread, hdf5_share;
    double speedup, efficiency, traffic_gbs, bandwidth_fraction;
    double floor_updates_per_s;      /* the compute floor, measured just before the run */
    double floor_fraction;           /* updates_per_s / floor_updates_per_s */
    int repeats;                     /* runs behind these figures: the median one is shown */
    double cs_min, cs_max;           /* consumer-steps/s, slowest and fastest of the runs */
} bench_result;

typedef struct {
    char name[BS_NAME_MAX];
    int64_t consumers;
    int steps, slots, brands;
    double bytes_per_consumer, peak_rss_mib;
    int n;
    bench_result r[MAX_THREAD_COUNTS];
} bench_workload;

static void bench_usage(FILE *out)
{
    fputs("usage: brandsim bench [--quick] [--workload NAME|FILE]... [--threads 1,2,...]\n"
          "                      [--steps N] [--repeat N] [--json FILE] [--dir DIR]\n"
          "\n"
          "Measure simulation speed, memory and thread scaling (docs/PERFORMANCE.md).\n"
          "\n"
          "  --quick             market-100k for 20 steps (seconds)\n"
          "  --workload W        a workload of scenarios/bench/ (market-100k, market-1m,\n"
          "                      market-100m) or a scenario file; repeatable.\n"
          "                      Default: market-100k and market-1m\n"
          "  --threads LIST      thread counts to run, e.g. 1,2,4 (default: 1 and all cores)\n"
          "  --steps N           run N steps of each workload instead of its own count\n"
          "                      (its shocks move proportionally)\n"
          "  --repeat N          run each thread count N times (rounds over the counts)\n"
          "                      and report the median run and the range (default 1)\n"
          "  --json FILE         also write the figures as JSON\n"
          "  --dir DIR           where the temporary HDF5 output goes (default /tmp)\n"
          "  -h, --help          this help\n"
          "\n"
          "exit codes: 0 success, 2 bad input (flags, workload), 1 anything else\n",
          out);
}

/* The path of a workload: a file as given, else scenarios/bench/NAME.yaml
 * here, else in the source tree the binary was built from. */
static int workload_path(const char *w, char *path, size_t size)
{
    struct stat sb;
    if (strchr(w, '/') || strstr(w, ".yaml")) {
        snprintf(path, size, "%s", w);
        return 0;
    }
    snprintf(path, size, "scenarios/bench/%s.yaml", w);
    if (stat(path, &sb) == 0) return 0;
#ifdef BS_SOURCE_DIR
    snprintf(path, size, "%s/scenarios/bench/%s.yaml", BS_SOURCE_DIR, w);
    if (stat(path, &sb) == 0) return 0;
#endif
    fprintf(stderr, "brandsim: bench: no workload '%s', expected market-100k, market-1m, "
                    "market-100m or a scenario file\n", w);
    return BS_EXIT_INPUT;
}

static int parse_threads(const char *s, int *list, int *n)
{
    *n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > 4096 || (*end && *end != ',') || *n >= MAX_THREAD_COUNTS) {
            fprintf(stderr, "brandsim: bench: --threads: '%s' is not valid, expected a "
                            "comma-separated list of 1 to %d counts in [1, 4096]\n",
                    s, MAX_THREAD_COUNTS);
            return BS_EXIT_INPUT;
        }
        list[(*n)++] = (int)v;
        p = *end ? end + 1 : end;
    }
    return *n ? 0 : BS_EXIT_INPUT;
}

static double peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0; /* Linux: kilobytes */
}

/* Consumers the compute floor is measured over: enough for a tenth of a
 * second or so, whatever the workload's size. */
enum { FLOOR_CONSUMERS = 1 << 20 };

/* One run of the scenario with the given threads, HDF5 output to `out`,
 * after a measurement of the compute floor with the same threads. */
static int bench_once(const bs_scenario *sc, int threads, const char *out, bench_result *r,
                      double *bytes_per_consumer)
{
    bs_error err = {0};
    r->floor_updates_per_s = bench_floor_updates_per_s(
        sc->consumers < FLOOR_CONSUMERS ? sc->consumers : FLOOR_CONSUMERS, sc->slots, threads);
    bs_experiment_timing tm = {0};
    bs_experiment_opts opt = {.threads = threads, .timing = &tm};
    opt.prov = (bs_provenance){BS_VERSION, threads, 0, "bench", "", "brandsim bench", 0};
    bs_status s = bs_experiment_run(sc, NULL, out, &opt, &err);
    unlink(out);
    if (s) return cli_fail(&err);
    r->threads = threads;
    r->init_s = tm.init_seconds;
    r->step_s = tm.step_seconds;
    r->write_s = tm.write_seconds;
    *bytes_per_consumer = tm.bytes_per_consumer;
    double cs = (double)sc->consumers * sc->steps;
    r->consumer_steps_per_s = cs / r->step_s;
    r->updates_per_s = cs * sc->slots / r->step_s;
    r->ns_per_update_per_thread = 1e9 * r->step_s * threads / (cs * sc->slots);
    r->hdf5_share = r->write_s / (r->step_s + r->write_s);
    r->floor_fraction = r->floor_updates_per_s > 0 ? r->updates_per_s / r->floor_updates_per_s : 0;
    return 0;
}

static void print_workload(const bench_workload *w, double triad)
{
    printf("\n%s: %lld consumers x %d steps, %d brands, %d slots; %.1f bytes/consumer; "
           "peak RSS %.0f MiB\n",
           w->name, (long long)w->consumers, w->steps, w->brands, w->slots, w->bytes_per_consumer,
           w->peak_rss_mib);
    printf("  threads  consumer-steps/s  rel-updates/s  ns/update/thread  speed-up  efficiency"
           "  of floor  HDF5 share  state traffic\n");
    for (int k = 0; k < w->n; k++) {
        const bench_result *r = &w->r[k];
        printf("  %7d  %16.3e  %13.3e  %16.2f", r->threads, r->consumer_steps_per_s,
               r->updates_per_s, r->ns_per_update_per_thread);
        if (isnan(r->speedup))
            printf("  %8s  %11s", "-", "-");
        else
            printf("  %8.2f  %9.0f %%", r->speedup, 100 * r->efficiency);
        printf("  %6.0f %%  %8.2f %%  %5.2f GB/s", 100 * r->floor_fraction, 100 * r->hdf5_share,
               r->traffic_gbs);
        if (triad > 0) printf(" (%.0f %% of triad)", 100 * r->bandwidth_fraction);
        putchar('\n');
    }
    if (w->n && w->r[0].repeats > 1) {
        printf("  median of %d runs each; consumer-steps/s from slowest to fastest:",
               w->r[0].repeats);
        for (int k = 0; k < w->n; k++)
            printf("%s %d thread%s %.3e-%.3e", k ? ";" : "", w->r[k].threads,
                   w->r[k].threads > 1 ? "s" : "", w->r[k].cs_min, w->r[k].cs_max);
        putchar('\n');
    }
}

static int by_step_s(const void *a, const void *b)
{
    const double x = ((const bench_result *)a)->step_s, y = ((const bench_result *)b)->step_s;
    return (x > y) - (x < y);
}

/* The median of n runs of one thread count (by step time; the lower middle
 * one for even n), with the range of their speeds. Sorts `runs`. */
static bench_result median_run(bench_result *runs, int n)
{
    qsort(runs, (size_t)n, sizeof *runs, by_step_s);
    bench_result m = runs[(n - 1) / 2];
    m.repeats = n;
    m.cs_min = runs[n - 1].consumer_steps_per_s;
    m.cs_max = runs[0].consumer_steps_per_s;
    return m;
}

/* x with 4 decimals, or null if it was not measured (NaN), in buf. */
static const char *json_number(char buf[32], double x)
{
    if (isnan(x)) return "null";
    snprintf(buf, 32, "%.4f", x);
    return buf;
}

/* --json FILE: opened before anything is measured, so that a path that cannot
 * be written fails at once; written as FILE.partial and renamed when complete,
 * so that an earlier FILE survives a failure. A FILE that exists and is not a
 * regular file (/dev/stdout, a FIFO) is written directly. */
typedef struct {
    FILE *f;
    const char *path;
    char partial[4200];
    int direct;
} json_out;

static int json_open(json_out *j, const char *path)
{
    struct stat st;
    j->path = path;
    j->direct = stat(path, &st) == 0 && !S_ISREG(st.st_mode);
    snprintf(j->partial, sizeof j->partial, "%s%s", path, j->direct ? "" : ".partial");
    j->f = fopen(j->partial, "w");
    if (!j->f) {
        fprintf(stderr, "brandsim: bench: --json: cannot write '%s': %s\n", path,
                strerror(errno));
        return BS_EXIT_RUNTIME;
    }
    return 0;
}

/* Close the JSON file; publish it if `keep` and everything was written. */
static int json_close(json_out *j, int keep)
{
    if (!j->f) return 0;
    int e = fflush(j->f) != 0 ? errno : ferror(j->f) ? EIO : 0; /* ENOSPC on a full disk */
    if (fclose(j->f) != 0 && !e) e = errno;
    j->f = NULL;
    if (keep && !e && (j->direct || rename(j->partial, j->path) == 0)) return 0;
    if (!e) e = errno; /* the rename's */
    if (!j->direct) remove(j->partial);
    if (!keep) return 0;
    fprintf(stderr, "brandsim: bench: --json: cannot write '%s': %s\n", j->path, strerror(e));
    return BS_EXIT_RUNTIME;
}

static void write_json(FILE *f, const bench_workload *w, int n, double triad, int triad_threads)
{
    char host[256] = "unknown";
    gethostname(host, sizeof host - 1);
    fprintf(f, "{\n  \"brandsim_version\": \"%s\",\n  \"host\": \"%s\",\n  \"cores\": %d,\n",
            BS_VERSION, host, omp_get_num_procs());
    fprintf(f, "  \"stream_triad_gbs\": %.4f,\n  \"stream_triad_threads\": %d,\n", triad,
            triad_threads);
    fputs("  \"workloads\": [\n", f);
    for (int i = 0; i < n; i++) {
        fprintf(f,
                "    {\"name\": \"%s\", \"consumers\": %lld, \"steps\": %d, \"brands\": %d, "
                "\"slots\": %d, \"bytes_per_consumer\": %.2f, \"peak_rss_mib\": %.1f,\n"
                "     \"runs\": [\n",
                w[i].name, (long long)w[i].consumers, w[i].steps, w[i].brands, w[i].slots,
                w[i].bytes_per_consumer, w[i].peak_rss_mib);
        for (int k = 0; k < w[i].n; k++) {
            const bench_result *r = &w[i].r[k];
            char speedup[32], efficiency[32];
            fprintf(f,
                    "       {\"threads\": %d, \"init_s\": %.4f, \"step_s\": %.4f, "
                    "\"write_s\": %.4f, \"consumer_steps_per_s\": %.6e, "
                    "\"relationship_updates_per_s\": %.6e, \"ns_per_update_per_thread\": %.4f, "
                    "\"hdf5_share\": %.6f, \"speedup\": %s, \"efficiency\": %s, "
                    "\"state_traffic_gbs\": %.4f, \"bandwidth_fraction\": %.4f, "
                    "\"floor_updates_per_s\": %.6e, \"floor_fraction\": %.4f, "
                    "\"repeats\": %d, \"consumer_steps_per_s_min\": %.6e, "
                    "\"consumer_steps_per_s_max\": %.6e}%s\n",
                    r->threads, r->init_s, r->step_s, r->write_s, r->consumer_steps_per_s,
                    r->updates_per_s, r->ns_per_update_per_thread, r->hdf5_share,
                    json_number(speedup, r->speedup), json_number(efficiency, r->efficiency),
                    r->traffic_gbs, r->bandwidth_fraction, r->floor_updates_per_s,
                    r->floor_fraction, r->repeats, r->cs_min, r->cs_max,
                    k + 1 < w[i].n ? "," : "");
        }
        fprintf(f, "     ]}%s\n", i + 1 < n ? "," : "");
    }
    fputs("  ]\n}\n", f);
}

int cli_bench(int argc, char **argv)
{
    static const struct option opts[] = {
        {"quick", no_argument, NULL, 'Q'},       {"workload", required_argument, NULL, 'w'},
        {"threads", required_argument, NULL, 't'}, {"steps", required_argument, NULL, 's'},
        {"json", required_argument, NULL, 'j'},  {"dir", required_argument, NULL, 'd'},
        {"repeat", required_argument, NULL, 'r'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int quick = 0, steps = 0, threads[MAX_THREAD_COUNTS], n_threads = 0, n_work = 0, repeat = 1;
    const char *work[MAX_WORKLOADS], *json = NULL, *dir = "/tmp";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'Q': quick = 1; break;
        case 'w':
            if (n_work == MAX_WORKLOADS) {
                fprintf(stderr, "brandsim: bench: at most %d workloads\n", MAX_WORKLOADS);
                return BS_EXIT_INPUT;
            }
            work[n_work++] = optarg;
            break;
        case 't':
            if (parse_threads(optarg, threads, &n_threads)) return BS_EXIT_INPUT;
            break;
        case 's': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 1 || v > 100000) {
                fprintf(stderr, "brandsim: bench: --steps: '%s' is not valid, expected an "
                                "integer in [1, 100000]\n", optarg);
                return BS_EXIT_INPUT;
            }
            steps = (int)v;
            break;
        }
        case 'r': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 1 || v > MAX_REPEAT) {
                fprintf(stderr, "brandsim: bench: --repeat: '%s' is not valid, expected an "
                                "integer in [1, %d]\n", optarg, MAX_REPEAT);
                return BS_EXIT_INPUT;
            }
            repeat = (int)v;
            break;
        }
        case 'j': json = optarg; break;
        case 'd': dir = optarg; break;
        case 'h': bench_usage(stdout); return cli_flush_stdout();
        default: bench_usage(stderr); return BS_EXIT_INPUT;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "brandsim: bench: unexpected argument '%s'\n", argv[optind]);
        return BS_EXIT_INPUT;
    }
    if (n_work == 0) {
        work[n_work++] = "market-100k";
        if (!quick) work[n_work++] = "market-1m";
    }
    if (quick && !steps) steps = 20;
    if (n_threads == 0) {
        threads[n_threads++] = 1;
        if (omp_get_num_procs() > 1) threads[n_threads++] = omp_get_num_procs();
    }
    int max_threads = 1;
    for (int k = 0; k < n_threads; k++) max_threads = threads[k] > max_threads ? threads[k] : max_threads;

    static char paths[MAX_WORKLOADS][4096]; /* resolved before anything is measured */
    for (int i = 0; i < n_work; i++)
        if (workload_path(work[i], paths[i], sizeof paths[i])) return BS_EXIT_INPUT;

    json_out jo = {0};
    if (json && json_open(&jo, json)) return BS_EXIT_RUNTIME;

    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s/brandsim-bench-XXXXXX", dir);
    if (!mkdtemp(tmp)) {
        fprintf(stderr, "brandsim: bench: cannot create a directory in '%s': %s\n", dir,
                strerror(errno));
        json_close(&jo, 0);
        return BS_EXIT_RUNTIME;
    }

    printf("brandsim %s bench on %d cores\n", BS_VERSION, omp_get_num_procs());
    size_t triad_n = quick ? (size_t)16 << 20 : (size_t)64 << 20; /* well beyond caches */
    double triad = bench_stream_triad_gbs(triad_n, max_threads);
    printf("memory bandwidth (STREAM triad, %d threads, %zu MiB arrays): %.2f GB/s\n",
           max_threads, triad_n * 8 >> 20, triad);

    static bench_workload w[MAX_WORKLOADS];
    static bs_scenario sc;
    int rc = 0, n_done = 0;
    for (int i = 0; i < n_work && !rc; i++) {
        char out[4200];
        cli_overrides ov = {0};
        memset(&sc, 0, sizeof sc);
        if ((rc = cli_load_scenario(paths[i], &ov, &sc))) break;
        if (steps) { /* shorten the run, keeping its shocks inside it (in order) */
            for (int s = 0; s < sc.n_shocks; s++)
                sc.shocks[s].step = (int)((int64_t)sc.shocks[s].step * steps / sc.steps);
            sc.steps = steps;
        }
        bench_workload *b = &w[n_done];
        memset(b, 0, sizeof *b);
        snprintf(b->name, sizeof b->name, "%s", sc.name);
        b->consumers = sc.consumers;
        b->steps = sc.steps;
        b->slots = sc.slots;
        b->brands = sc.n_brands;
        snprintf(out, sizeof out, "%s/%s.h5", tmp, sc.name);
        /* rounds over the thread counts, so that a slow spell of the machine
         * falls on every count rather than on one */
        static bench_result runs[MAX_THREAD_COUNTS][MAX_REPEAT];
        for (int rep = 0; rep < repeat && !rc; rep++)
            for (int k = 0; k < n_threads && !rc; k++) {
                fprintf(stderr, "  %s: %d thread%s%s...\n", sc.name, threads[k],
                        threads[k] > 1 ? "s" : "", rep ? ", again" : "");
                rc = bench_once(&sc, threads[k], out, &runs[k][rep], &b->bytes_per_consumer);
            }
        if (rc) break;
        for (int k = 0; k < n_threads; k++) b->r[b->n++] = median_run(runs[k], repeat);
        /* speed-up against 1 thread; without a 1-thread run there is none to
         * report (NaN: printed "-", null in JSON), never an assumed one */
        const bench_result *base = NULL;
        for (int k = 0; k < b->n; k++)
            if (b->r[k].threads == 1) base = &b->r[k];
        for (int k = 0; k < b->n; k++) {
            bench_result *r = &b->r[k];
            r->speedup = base ? r->consumer_steps_per_s / base->consumer_steps_per_s : NAN;
            r->efficiency = r->speedup / r->threads;
            r->traffic_gbs = 2.0 * b->bytes_per_consumer * r->consumer_steps_per_s / 1e9;
            r->bandwidth_fraction = triad > 0 ? r->traffic_gbs / triad : 0;
        }
        b->peak_rss_mib = peak_rss_mib();
        print_workload(b, triad);
        n_done++;
    }
    rmdir(tmp);
    if (!rc) {
        printf("\nrelationship updates = consumer-steps x slots; of floor = relationship updates/s"
               " as a share of\none Philox4x32-10 block and one exp per relationship (same threads, measured"
               " just before the run);\nstate traffic = bytes/consumer x 2 (read and write) x"
               " consumer-steps/s; peak RSS is the process's so far\n");
        if (json) write_json(jo.f, w, n_done, triad, max_threads);
    }
    const int json_rc = json_close(&jo, !rc); /* published only after a complete bench */
    if (!rc) rc = json_rc;
    if (!rc) rc = cli_flush_stdout();
    return rc;
}
