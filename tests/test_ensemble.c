/* SPDX-License-Identifier: MIT */
/*
 * test_ensemble.c: `brandsim run` on scenarios with variants and replicates.
 * Each replicate in an ensemble file must be exactly the single run of the
 * variant with seed base + r (whatever the thread count), the ensemble
 * statistics must be GSL's mean, sd and t interval of those replicates, and
 * the layout must be the one docs/OUTPUT.md describes.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "brandsim/brandsim.h"

static char dir[128];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/bs_ens_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) cr_log_warn("cannot remove %s", dir);
}

TestSuite(ensemble, .init = setup, .fini = teardown, .timeout = 120);

static const char *scenario_text =
    "name: ens\n"
    "seed: 41\n"
    "consumers: 1500\n"
    "steps: 15\n"
    "replicates: 3\n"
    "brands:\n"
    "  - {name: acme, quality: 0.7}\n"
    "  - {name: zed}\n"
    "shocks:\n"
    "  - {kind: breach, step: 4, brands: acme, size: 0.6}\n"
    "variants:\n"
    "  - name: none\n"
    "  - name: apology\n"
    "    set:\n"
    "      brands[acme].breach_response: apology\n"
    "      model.revenge_decay: 0.2\n";

static const char *path_in(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
    return buf;
}

static void write_text(const char *name, const char *text)
{
    char p[256];
    FILE *f = fopen(path_in(p, sizeof p, name), "w");
    cr_assert_not_null(f);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

/* ensv.yaml: the scenario with its variants; ens.yaml: the same without them. */
static void write_scenarios(void)
{
    const char *cut = strstr(scenario_text, "variants:");
    char base[2048];
    snprintf(base, sizeof base, "%.*s", (int)(cut - scenario_text), scenario_text);
    write_text("ens.yaml", base);
    write_text("ensv.yaml", scenario_text);
}

/* Run `brandsim ARGS` in the test directory; the exit code. */
static int brandsim(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >out.txt 2>err.txt", dir, BS_BINARY, args);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static hid_t open_h5(const char *name)
{
    char p[256];
    hid_t f = H5Fopen(path_in(p, sizeof p, name), H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0, "cannot open %s", name);
    return f;
}

/* A whole dataset as doubles (caller frees); its dims in dims[], rank returned. */
static int read_all(hid_t f, const char *name, double **out, hsize_t dims[3])
{
    hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
    cr_assert_geq(ds, 0, "no dataset %s", name);
    hid_t sp = H5Dget_space(ds);
    int rank = H5Sget_simple_extent_ndims(sp);
    H5Sget_simple_extent_dims(sp, dims, NULL);
    size_t n = 1;
    for (int d = 0; d < rank; d++) n *= dims[d];
    *out = malloc((n ? n : 1) * sizeof **out);
    cr_assert_geq(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out), 0);
    H5Sclose(sp);
    H5Dclose(ds);
    return rank;
}

static char *attr_string(hid_t f, const char *obj, const char *name)
{
    hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(a, 0, "no attribute %s@%s", obj, name);
    hid_t t = H5Aget_type(a);
    char *s = NULL;
    cr_assert_geq(H5Aread(a, t, &s), 0);
    char *copy = strdup(s ? s : "");
    H5free_memory(s);
    H5Tclose(t);
    H5Aclose(a);
    return copy;
}

static int attr_int(hid_t f, const char *obj, const char *name)
{
    int v = 0;
    hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(a, 0, "no attribute %s@%s", obj, name);
    cr_assert_geq(H5Aread(a, H5T_NATIVE_INT, &v), 0);
    H5Aclose(a);
    return v;
}

/* Every series path below /timeseries (without the prefix), for brand and market metrics. */
static int series_paths(char (*paths)[128], int max)
{
    int n = 0;
    for (int s = 0; s < BS_SEG_COUNT; s++)
        for (int m = 0; m < BS_M_COUNT; m++) {
            cr_assert_lt(n, max);
            if (s == BS_SEG_ALL)
                snprintf(paths[n++], 128, "brand/%s", bs_metric_get((bs_metric)m)->name);
            else
                snprintf(paths[n++], 128, "segment/%s/%s", bs_segment_name((bs_segment)s),
                         bs_metric_get((bs_metric)m)->name);
        }
    for (int k = 0; k < BS_MK_COUNT; k++)
        snprintf(paths[n++], 128, "market/%s", bs_market_metric_get((bs_market_metric)k)->name);
    return n;
}

enum { MAXP = BS_SEG_COUNT * BS_M_COUNT + BS_MK_COUNT };

/* Replicate r of variant v in the ensemble equals the single run of the variant's
   overrides with seed 41 + r: every series, bit for bit. */
static void expect_replicate_is_single_run(hid_t ens, const char *variant, const char *sets,
                                           int r)
{
    char args[1024], name[64];
    snprintf(name, sizeof name, "single_%s_%d.h5", variant, r);
    snprintf(args, sizeof args, "run ens.yaml -q --replicates 1 --seed %d %s -o %s", 41 + r, sets,
             name);
    /* a scenario with variants always writes an ensemble: run the single one from a copy
       without them */
    cr_assert_eq(brandsim(args), 0, "%s", args);
    hid_t one = open_h5(name);
    char (*paths)[128] = malloc(MAXP * sizeof *paths);
    int np = series_paths(paths, MAXP);
    for (int i = 0; i < np; i++) {
        char a[256], b[256];
        snprintf(a, sizeof a, "/timeseries/%s", paths[i]);
        snprintf(b, sizeof b, "/variants/%s/timeseries/%s", variant, paths[i]);
        double *x, *y;
        hsize_t dx[3], dy[3];
        int rx = read_all(one, a, &x, dx), ry = read_all(ens, b, &y, dy);
        cr_assert_eq(ry, rx + 1, "%s: rank %d, expected %d", b, ry, rx + 1);
        size_t cells = 1;
        for (int d = 0; d < rx; d++) {
            cr_assert_eq(dy[d + 1], dx[d]);
            cells *= dx[d];
        }
        cr_expect_eq(memcmp(x, y + (size_t)r * cells, cells * sizeof *x), 0,
                     "%s replicate %d differs from the single run", b, r);
        free(x);
        free(y);
    }
    free(paths);
    H5Fclose(one);
}

Test(ensemble, each_replicate_is_the_single_run_with_its_seed)
{
    write_scenarios(); /* the single runs: ens.yaml, the same scenario without variants */
    cr_assert_eq(brandsim("run ensv.yaml -q --threads 2 -o e.h5"), 0);
    hid_t f = open_h5("e.h5");
    for (int r = 0; r < 3; r++) {
        expect_replicate_is_single_run(f, "none", "", r);
        expect_replicate_is_single_run(
            f, "apology",
            "--set brands[acme].breach_response=apology --set model.revenge_decay=0.2", r);
    }
    H5Fclose(f);
}

Test(ensemble, same_numbers_whatever_the_thread_count)
{
    write_text("ensv.yaml", scenario_text);
    cr_assert_eq(brandsim("run ensv.yaml -q --threads 1 -o t1.h5"), 0);
    cr_assert_eq(brandsim("run ensv.yaml -q --threads 3 -o t3.h5"), 0);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cd '%s' && h5diff -q t1.h5 t3.h5 /variants /variants", dir);
    cr_expect_eq(system(cmd), 0, "ensembles differ between 1 and 3 threads");
}

/* /ensemble/<stat> is GSL's mean, sd and t interval over the replicates, cell by cell. */
Test(ensemble, statistics_are_those_of_the_replicates)
{
    write_text("ensv.yaml", scenario_text);
    cr_assert_eq(brandsim("run ensv.yaml -q -o e.h5"), 0);
    hid_t f = open_h5("e.h5");
    const char *checks[] = {"brand/market_share", "brand/mean_revenge",
                            "segment/strong/mean_disclosure", "market/mean_distrust"};
    for (size_t c = 0; c < sizeof checks / sizeof *checks; c++) {
        char p[256];
        double *x, *stat[4];
        hsize_t dims[3], sd[3];
        snprintf(p, sizeof p, "/variants/apology/timeseries/%s", checks[c]);
        int rank = read_all(f, p, &x, dims);
        size_t R = dims[0], cells = dims[1] * (rank == 3 ? dims[2] : 1);
        cr_assert_eq(R, 3);
        const char *names[4] = {"mean", "sd", "ci_low", "ci_high"};
        for (int k = 0; k < 4; k++) {
            snprintf(p, sizeof p, "/variants/apology/ensemble/%s/%s", names[k], checks[c]);
            cr_assert_eq(read_all(f, p, &stat[k], sd), rank - 1);
        }
        double q = gsl_cdf_tdist_Pinv(0.975, 2);
        int varied = 0;
        for (size_t i = 0; i < cells; i++) {
            double col[3] = {x[i], x[cells + i], x[2 * cells + i]};
            double mean = gsl_stats_mean(col, 1, 3), s = gsl_stats_sd(col, 1, 3);
            varied += s > 0;
            cr_expect(fabs(stat[0][i] - mean) <= 1e-12 * (1 + fabs(mean)), "%s mean", checks[c]);
            cr_expect(fabs(stat[1][i] - s) <= 1e-12 * (1 + s), "%s sd", checks[c]);
            cr_expect(fabs(stat[2][i] - (mean - q * s / sqrt(3))) <= 1e-12 * (1 + fabs(mean)));
            cr_expect(fabs(stat[3][i] - (mean + q * s / sqrt(3))) <= 1e-12 * (1 + fabs(mean)));
        }
        cr_expect_gt(varied, 0, "%s: replicates identical: the seeds are not used", checks[c]);
        free(x);
        for (int k = 0; k < 4; k++) free(stat[k]);
    }
    H5Fclose(f);
}

Test(ensemble, layout_and_attributes)
{
    write_text("ensv.yaml", scenario_text);
    cr_assert_eq(brandsim("run ensv.yaml -q -o e.h5"), 0);
    hid_t f = open_h5("e.h5");
    char *s = attr_string(f, "/", "layout");
    cr_expect_str_eq(s, "ensemble");
    free(s);
    s = attr_string(f, "/", "variants");
    cr_expect_str_eq(s, "none\napology");
    free(s);
    cr_expect_eq(attr_int(f, "/", "replicates"), 3);
    cr_expect_eq(attr_int(f, "/variants/apology", "index"), 1);
    s = attr_string(f, "/variants/apology", "overrides");
    cr_expect_str_eq(s, "brands[acme].breach_response=apology\nmodel.revenge_decay=0.2");
    free(s);
    s = attr_string(f, "/variants/apology", "scenario");
    cr_expect_not_null(strstr(s, "breach_response: apology"), "variant scenario as run: %s", s);
    free(s);
    s = attr_string(f, "/variants/none", "scenario");
    cr_expect_null(strstr(s, "breach_response: apology"));
    free(s);
    /* seeds: base + r */
    hid_t ds = H5Dopen2(f, "/variants/none/seeds", H5P_DEFAULT);
    uint64_t seeds[3];
    cr_assert_geq(H5Dread(ds, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, seeds), 0);
    H5Dclose(ds);
    for (int r = 0; r < 3; r++) cr_expect_eq(seeds[r], 41u + (unsigned)r);
    /* events per variant: the breach, and in `apology` the response */
    double *st;
    hsize_t d[3];
    read_all(f, "/variants/none/events/step", &st, d);
    hsize_t n_none = d[0];
    free(st);
    read_all(f, "/variants/apology/events/step", &st, d);
    cr_expect_gt(d[0], n_none, "the apology variant has a response event");
    free(st);
    cr_expect_eq(H5Lexists(f, "/timeseries", H5P_DEFAULT), 0, "no single-run series");
    cr_expect_gt(H5Lexists(f, "/provenance", H5P_DEFAULT), 0);
    cr_expect_gt(H5Lexists(f, "/brands", H5P_DEFAULT), 0);
    H5Fclose(f);
}

/* Replicates without variants: one variant, `base`. Variants without replicates: no
   statistics (they need two). A plain scenario: the single-run layout. */
Test(ensemble, base_variant_and_no_statistics_for_one_replicate)
{
    write_scenarios();
    cr_assert_eq(brandsim("run ens.yaml -q -o r.h5"), 0);
    hid_t f = open_h5("r.h5");
    char *s = attr_string(f, "/", "variants");
    cr_expect_str_eq(s, "base");
    free(s);
    cr_expect_gt(H5Lexists(f, "/variants/base/ensemble", H5P_DEFAULT), 0);
    H5Fclose(f);

    cr_assert_eq(brandsim("run ensv.yaml -q --replicates 1 -o v.h5"), 0);
    f = open_h5("v.h5");
    cr_expect_eq(attr_int(f, "/", "replicates"), 1);
    cr_expect_eq(H5Lexists(f, "/variants/none/ensemble", H5P_DEFAULT), 0);
    double *x;
    hsize_t d[3];
    cr_expect_eq(read_all(f, "/variants/none/timeseries/brand/market_share", &x, d), 3);
    cr_expect_eq(d[0], 1);
    free(x);
    H5Fclose(f);

    cr_assert_eq(brandsim("run ens.yaml -q --replicates 1 -o one.h5"), 0);
    f = open_h5("one.h5");
    s = attr_string(f, "/", "layout");
    cr_expect_str_eq(s, "single");
    free(s);
    H5Fclose(f);
}

Test(ensemble, summary_table_names_variants_with_intervals)
{
    write_text("ensv.yaml", scenario_text);
    cr_assert_eq(brandsim("run ensv.yaml -o e.h5"), 0);
    char p[256];
    FILE *out = fopen(path_in(p, sizeof p, "out.txt"), "r");
    char buf[8192] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, out);
    buf[n] = '\0';
    fclose(out);
    cr_expect_not_null(strstr(buf, "2 variants x 3 replicates"), "%s", buf);
    cr_expect_not_null(strstr(buf, "apology"), "%s", buf);
    cr_expect_not_null(strstr(buf, "["), "a confidence interval: %s", buf);
}

Test(ensemble, bad_replicates_flag)
{
    write_text("ensv.yaml", scenario_text);
    cr_expect_eq(brandsim("run ensv.yaml --replicates 0 -o e.h5"), 2);
    char p[256];
    cr_expect_neq(access(path_in(p, sizeof p, "e.h5"), F_OK), 0, "no file after bad input");
}

/* SIGTERM in the middle of an ensemble: exit 1, a message, no file and no partial file. */
Test(ensemble, interrupted_ensemble_leaves_nothing)
{
    write_text("big.yaml", "name: big\nconsumers: 20000\nsteps: 400\nreplicates: 50\n"
                           "brands:\n  - {name: acme}\n  - {name: zed}\n");
    char out[256], partial[256];
    path_in(out, sizeof out, "big.h5");
    path_in(partial, sizeof partial, "big.h5.partial");
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        char yaml[256], err[256];
        path_in(yaml, sizeof yaml, "big.yaml");
        if (!freopen(path_in(err, sizeof err, "err.txt"), "w", stderr)) _exit(99);
        execl(BS_BINARY, BS_BINARY, "run", yaml, "-q", "-o", out, (char *)NULL);
        _exit(98);
    }
    for (int i = 0; i < 400 && access(partial, F_OK) != 0; i++) usleep(25000);
    cr_assert_eq(access(partial, F_OK), 0, "the run never created its partial file");
    usleep(300000);
    kill(pid, SIGTERM);
    int st;
    waitpid(pid, &st, 0);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 1, "exit status %d", st);
    cr_expect_neq(access(out, F_OK), 0, "no output file");
    cr_expect_neq(access(partial, F_OK), 0, "no partial file");
    char p[256];
    FILE *f = fopen(path_in(p, sizeof p, "err.txt"), "r");
    char buf[1024] = "";
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = '\0';
    if (f) fclose(f);
    cr_expect_not_null(strstr(buf, "interrupted (SIGTERM) at variant 'base', replicate"), "%s", buf);
    cr_expect_not_null(strstr(buf, "SIGTERM"), "%s", buf);
}
