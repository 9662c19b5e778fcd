/* SPDX-License-Identifier: MIT */
/*
 * test_analysis.c: the analysis side (analysis/, `brandsim plot`, `compare`,
 * `export`, `info`, `report`), run on small real runs (scenarios/breach.yaml
 * and scenarios/exit.yaml with 5 000 consumers and 30 steps, tests/data/good/
 * tiny.yaml, the ensemble of tests/data/analysis/ensemble.yaml, run once:
 * seconds under the sanitizers) and on files built here with the HDF5 C API
 * whose outcomes are known.
 *
 * - plot: one file per figure, 5 for the breach, 6 with exits (figure 6);
 *   PNG signature and IHDR size, SVG a whole XML document, PDF header; per
 *   variant folders for an ensemble; without gnuplot on PATH: exit 1 and a
 *   message naming the Debian package;
 * - export: every CSV row equals the HDF5 value it came from (read here with
 *   the HDF5 C API), the row count is every series' size;
 * - compare/outcomes: on constructed files, every outcome, mean and CI, and
 *   the paired (variants of one file) and Welch (files with other seeds)
 *   differences equal the formulas computed here with GSL;
 * - the reader: single-run and ensemble files alike; statistics from
 *   /ensemble equal those computed from the replicates;
 * - info and report: brands, shocks and key numbers; a self-contained page;
 * - bad input: missing, non-HDF5 and non-brandsim files, unknown brands,
 *   variants, formats and options exit 2 with a git-style message.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "brandsim/export.h"
#include "brandsim/outcomes.h"
#include "brandsim/plot.h"
#include "brandsim/results.h"
#include "test_dir.h"

#define SRC BS_SOURCE_DIR

static void setup(void) { test_dir_make("/tmp/bs_analysis_XXXXXX"); }

static void teardown(void) { test_dir_remove(); }

TestSuite(analysis, .init = setup, .fini = teardown, .timeout = 120);

/* ---- helpers ------------------------------------------------------------------- */

static char *out_txt(void) { return slurp(in_dir("out.txt"), NULL); }
static char *err_txt(void) { return slurp(in_dir("err.txt"), NULL); }

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* breach.yaml or exit.yaml, small: 5 000 consumers, 30 steps, into NAME.h5. */
static void small_run(const char *scenario, const char *name)
{
    int rc = sh("'%s' run '%s/scenarios/%s.yaml' -o %s.h5 --consumers 5000 --steps 30 -q",
                BS_BINARY, SRC, scenario, name);
    cr_assert_eq(rc, 0, "run %s failed", scenario);
}

/* tests/data/good/tiny.yaml (2 000 consumers, 10 steps, brands a and b) into NAME.h5. */
static void tiny_run(const char *name)
{
    int rc = sh("'%s' run '%s/tests/data/good/tiny.yaml' -o %s.h5 -q", BS_BINARY, SRC, name);
    cr_assert_eq(rc, 0, "run tiny failed");
}

static void ensemble_run(const char *name)
{
    int rc = sh("'%s' run '%s/tests/data/analysis/ensemble.yaml' -o %s.h5 -q", BS_BINARY, SRC,
                name);
    cr_assert_eq(rc, 0, "ensemble run failed");
}

/* A PNG file: signature, then IHDR width and height. */
static void check_png(const char *path, int *w, int *h)
{
    size_t n = 0;
    unsigned char *p = (unsigned char *)slurp(path, &n);
    cr_assert_not_null(p, "no %s", path);
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    cr_assert_gt(n, 24u);
    cr_assert_eq(memcmp(p, sig, 8), 0, "%s is not a PNG", path);
    cr_assert_eq(memcmp(p + 12, "IHDR", 4), 0);
    *w = (int)((unsigned)p[16] << 24 | (unsigned)p[17] << 16 | (unsigned)p[18] << 8 | p[19]);
    *h = (int)((unsigned)p[20] << 24 | (unsigned)p[21] << 16 | (unsigned)p[22] << 8 | p[23]);
    cr_expect_gt(n, 20000u, "%s is only %zu bytes", path, n);
    free(p);
}

static void check_svg(const char *path)
{
    size_t n = 0;
    char *s = slurp(path, &n);
    cr_assert_not_null(s, "no %s", path);
    cr_expect(!strncmp(s, "<?xml", 5) || !strncmp(s, "<svg", 4), "%s does not start as SVG", path);
    cr_expect_not_null(strstr(s, "<svg"), "%s has no <svg>", path);
    const char *end = strstr(s, "</svg>");
    cr_expect_not_null(end, "%s is not closed", path);
    cr_expect(end && strspn(end + 6, " \r\n") == strlen(end + 6), "%s: text after </svg>",
              path);
    cr_expect_gt(n, 10000u, "%s is only %zu bytes", path, n);
    free(s);
}

static const char *const figs[7] = {"fig1_market_share", "fig2_loyalty", "fig3_revenge",
                                    "fig4_trust_disclosure", "fig5_strong_weak",
                                    "fig6_post_exit", "fig7_prior_strength"};

/* How many files the folder holds. */
static int count_files(const char *folder)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls -1 '%s' | wc -l", folder);
    FILE *p = popen(cmd, "r");
    int n = -1;
    cr_assert_not_null(p);
    cr_assert_eq(fscanf(p, "%d", &n), 1);
    pclose(p);
    return n;
}

/* ---- plot ---------------------------------------------------------------------- */

Test(analysis, plot_breach_draws_six_png_figures)
{
    small_run("breach", "b");
    cr_assert_eq(sh("'%s' plot b.h5 -o figs", BS_BINARY), 0, "plot failed: %s", err_txt());
    for (int k = 0; k < 7; k++) {
        char path[600];
        int w = 0, h = 0;
        if (k == 5)
            continue;
        snprintf(path, sizeof path, "%s/figs/%s.png", dir, figs[k]);
        check_png(path, &w, &h);
        cr_expect(w >= 1000 && w <= 2000 && h >= 700 && h <= 1400, "%s: %d x %d", figs[k], w, h);
    }
    cr_expect_eq(count_files(in_dir("figs")), 6, "breach has no exits: 6 figures");
    cr_expect(!exists(in_dir("figs/fig6_post_exit.png")));
    char *out = out_txt();
    cr_expect_not_null(strstr(out, "fig1_market_share.png"), "the files are listed: %s", out);
    free(out);
}

Test(analysis, plot_exit_draws_seven_svg_figures)
{
    small_run("exit", "x");
    cr_assert_eq(sh("'%s' plot x.h5 --format svg", BS_BINARY), 0, "plot failed: %s", err_txt());
    for (int k = 0; k < 7; k++) { /* default folder: x-figures beside x.h5 */
        char path[600];
        snprintf(path, sizeof path, "%s/x-figures/%s.svg", dir, figs[k]);
        check_svg(path);
    }
    cr_expect_eq(count_files(in_dir("x-figures")), 7);
    char *svg = slurp(in_dir("x-figures/fig7_prior_strength.svg"), NULL);
    cr_assert_not_null(svg);
    cr_expect_not_null(strstr(svg, "strength_q3 (strongest)"), "one line per bin, named");
    free(svg);
}

/* Figure 7 needs strength bins: none without them (strength_quantiles = 0, or an older
 * file); and a template may name a quantile bin as a segment (seg=strength_q3, a quantile
 * metric), a bin the file does not have failing the figure. */
Test(analysis, plot_quantile_bins_in_figures_and_templates)
{
    cr_assert_eq(sh("'%s' run '%s/scenarios/breach.yaml' --consumers 2000 --steps 40 "
                    "--set strength_quantiles=0 -o n.h5 -q", BS_BINARY, SRC), 0, "%s", err_txt());
    cr_assert_eq(sh("'%s' plot n.h5 -o n", BS_BINARY), 0, "plot failed: %s", err_txt());
    cr_expect(!exists(in_dir("n/fig7_prior_strength.png")), "no bins, no figure 7");
    tiny_run("b");
    cr_assert_eq(sh("cp -r '%s/analysis/gnuplot' tpl && printf 'm = @MAX mean_revenge "
                    "strength_q1,strength_q3@\n@PLOT revenge_acts seg=strength_q3@\n' > "
                    "tpl/fig1_market_share.gp; true", SRC), 0);
    cr_expect_eq(sh("BRANDSIM_GNUPLOT_DIR=tpl '%s' plot b.h5 -o t", BS_BINARY), 0, "%s", err_txt());
    cr_assert_eq(sh("printf '@PLOT revenge_acts seg=strength_q4@\n' > tpl/fig1_market_share.gp; true"), 0);
    cr_expect_eq(sh("BRANDSIM_GNUPLOT_DIR=tpl '%s' plot b.h5 -o u", BS_BINARY), 1);
    char *err = err_txt();
    cr_expect_not_null(strstr(err, "directive @PLOT revenge_acts seg=strength_q4@ is not valid"), "%s", err);
    free(err);
    cr_assert_eq(sh("printf '@PLOT mean_quality seg=strength_q1@\n' > tpl/fig1_market_share.gp; true"), 0);
    cr_expect_eq(sh("BRANDSIM_GNUPLOT_DIR=tpl '%s' plot b.h5 -o v", BS_BINARY), 1,
                 "a metric not reported by bin");
}

Test(analysis, plot_pdf_and_chosen_brands)
{
    tiny_run("b");
    cr_assert_eq(sh("'%s' plot b.h5 -o p --format pdf --brands a", BS_BINARY), 0,
                 "plot failed: %s", err_txt());
    char *pdf = slurp(in_dir("p/fig1_market_share.pdf"), NULL);
    cr_assert_not_null(pdf);
    cr_expect_eq(strncmp(pdf, "%PDF-", 5), 0);
    free(pdf);
    cr_expect_eq(count_files(in_dir("p")), 6);
}

/* gnuplot exits 0 even when the disk fills under it: a figure it could not
   finish is an error (exit 1), never left under its name, nor its .partial. */
Test(analysis, plot_on_a_full_disk_fails_and_leaves_no_truncated_figure)
{
    if (geteuid() != 0)
        cr_skip_test("needs root to mount a small tmpfs");
    small_run("breach", "b");
    cr_assert_eq(mkdir(in_dir("mnt"), 0700), 0);
    if (sh("mount -t tmpfs -o size=200k tmpfs mnt") != 0)
        cr_skip_test("cannot mount a tmpfs here");
    const int rc = sh("'%s' plot b.h5 -o mnt/figs", BS_BINARY);
    /* every PNG left ends with the IEND chunk; no .partial remains */
    const int left_ok =
        sh("for f in mnt/figs/*; do [ -e \"$f\" ] || continue; "
           "case \"$f\" in *.partial) exit 1;; esac; "
           "[ \"$(tail -c 8 \"$f\" | od -An -tx1 | tr -d ' \\n')\" = 49454e44ae426082 ] "
           "|| exit 1; done");
    cr_expect_eq(sh("umount mnt"), 0, "cannot unmount %s/mnt", dir);
    cr_expect_eq(rc, 1, "plot on a full disk: exit %d", rc);
    cr_expect_eq(left_ok, 0, "a truncated figure or a .partial was left");
}

Test(analysis, plot_without_gnuplot_says_what_to_install)
{
    tiny_run("b");
    int rc = sh("PATH=/nonexistent '%s' plot b.h5 -o figs", BS_BINARY);
    cr_expect_eq(rc, 1, "exit 1 without gnuplot, got %d", rc);
    char *err = err_txt();
    cr_expect_not_null(strstr(err, "brandsim: gnuplot not found"), "%s", err);
    cr_expect_not_null(strstr(err, "gnuplot-nox"), "names the package: %s", err);
    free(err);
    cr_expect_eq(sh("PATH=/nonexistent '%s' report b.h5", BS_BINARY), 1);
    cr_expect(!exists(in_dir("b.html")) && !exists(in_dir("b.html.partial")));
    /* compare -o: stops before its table, not after it */
    cr_expect_eq(sh("PATH=/nonexistent '%s' compare b.h5 b.h5 -o c.png", BS_BINARY), 1);
    char *out = out_txt();
    cr_expect_str_eq(out ? out : "?", "", "no table for a figure that cannot be drawn");
    free(out);
}

/* ---- export ------------------------------------------------------------------ */

/* A (rank 1, 2 or 3) dataset as doubles, its total size in *n. */
static double *read_all(hid_t f, const char *path, size_t *n)
{
    hid_t ds = H5Dopen2(f, path, H5P_DEFAULT);
    cr_assert_geq(ds, 0, "no dataset %s", path);
    hid_t sp = H5Dget_space(ds);
    hssize_t count = H5Sget_simple_extent_npoints(sp);
    double *x = malloc((size_t)(count ? count : 1) * sizeof *x);
    cr_assert_geq(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x), 0);
    H5Sclose(sp);
    H5Dclose(ds);
    *n = (size_t)count;
    return x;
}

/* Check every row of CSV against the file (single-run or ensemble layout); qbins: the bins
 * of both quantile groupings together. */
static size_t check_csv_against_h5(const char *csv_path, const char *h5_path, int R, int S, int B,
                                   int qbins, const char *const *brand_names)
{
    hid_t f = H5Fopen(h5_path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    int ensemble = H5Aexists(f, "replicates") > 0;
    FILE *in = fopen(csv_path, "r");
    cr_assert_not_null(in);
    char line[512], last_path[512] = "";
    cr_assert_not_null(fgets(line, sizeof line, in));
    cr_assert_str_eq(line, "step,variant,replicate,brand,segment,metric,value\n");
    double *x = NULL;
    size_t n = 0, rows = 0;
    while (fgets(line, sizeof line, in)) {
        char variant[64], brand[64], segment[64], metric[64], value[64];
        int step, rep;
        /* brand may be empty: split by hand */
        char *fld[7], *p = line;
        for (int k = 0; k < 7; k++) {
            fld[k] = p;
            p += strcspn(p, ",\n");
            if (*p)
                *p++ = '\0';
        }
        step = atoi(fld[0]);
        rep = atoi(fld[2]);
        snprintf(variant, sizeof variant, "%s", fld[1]);
        snprintf(brand, sizeof brand, "%s", fld[3]);
        snprintf(segment, sizeof segment, "%s", fld[4]);
        snprintf(metric, sizeof metric, "%s", fld[5]);
        snprintf(value, sizeof value, "%s", fld[6]);
        char path[512], prefix[128] = "";
        if (ensemble)
            snprintf(prefix, sizeof prefix, "/variants/%s", variant);
        int qg, qt, qbin = -1;
        if (!bs_quantile_bin_parse(segment, &qg, &qt, &qbin))
            snprintf(path, sizeof path, "%s/timeseries/quantile/%s/%s", prefix,
                     bs_quantile_grouping_name(qg), metric);
        else if (!strcmp(segment, "market"))
            snprintf(path, sizeof path, "%s/timeseries/market/%s", prefix, metric);
        else if (!strcmp(segment, "all"))
            snprintf(path, sizeof path, "%s/timeseries/brand/%s", prefix, metric);
        else
            snprintf(path, sizeof path, "%s/timeseries/segment/%s/%s", prefix, segment, metric);
        if (strcmp(path, last_path)) {
            free(x);
            x = read_all(f, path, &n);
            snprintf(last_path, sizeof last_path, "%s", path);
        }
        int b = -1;
        for (int k = 0; k < B; k++)
            if (!strcmp(brand_names[k], brand))
                b = k;
        size_t at = !strcmp(segment, "market") ? (size_t)rep * S + step
                                                : ((size_t)rep * S + step) * B + (size_t)b;
        if (qbin >= 0) { /* (rep,) step, bin, brand: the bins from the dataset's attribute */
            int bins = 0;
            hid_t a = H5Aopen_by_name(f, path, "bins", H5P_DEFAULT, H5P_DEFAULT);
            cr_assert(a >= 0 && H5Aread(a, H5T_NATIVE_INT, &bins) >= 0, "%s: no bins", path);
            H5Aclose(a);
            cr_assert_lt(qbin, bins, "%s: bin %d of %d", segment, qbin, bins);
            at = (((size_t)rep * S + step) * (size_t)bins + (size_t)qbin) * B + (size_t)b;
        }
        cr_assert(strcmp(segment, "market") ? b >= 0 : !*brand, "brand '%s'", brand);
        cr_assert_lt(at, n);
        double v = strtod(value, NULL);
        cr_assert(v == x[at], "%s [rep %d step %d brand %s]: CSV %s, HDF5 %.17g", path, rep, step,
                  brand, value, x[at]);
        rows++;
    }
    free(x);
    fclose(in);
    H5Fclose(f);
    size_t expect = (size_t)R * S * ((size_t)9 * BS_M_COUNT * B + BS_MK_COUNT + (size_t)qbins * BS_QM_COUNT * B);
    cr_expect_eq(rows, expect, "rows %zu, expected %zu", rows, expect);
    return rows;
}

Test(analysis, export_csv_equals_the_hdf5_values)
{
    tiny_run("b");
    cr_assert_eq(sh("'%s' export b.h5 --csv b.csv", BS_BINARY), 0, "%s", err_txt());
    static const char *const names[2] = {"a", "b"};
    check_csv_against_h5(in_dir("b.csv"), in_dir("b.h5"), 1, 10, 2, 3, names);
    cr_expect(!exists(in_dir("b.csv.partial")));
}

/* ---- constructed files: outcomes and comparisons with known answers ------------- */

enum { CS = 8, CB = 2, CR = 5, SHOCK = 3 };

/* The constructed series: value of metric m at (variant v, replicate r, step t, brand b). */
static double constructed(int m, int v, int r, int t, int b)
{
    switch (m) {
    case BS_M_MARKET_SHARE: {
        double s0 = t < SHOCK ? 0.5 : t < 6 ? 0.3 + 0.05 * v - 0.01 * r * (v + 1) : 0.4 + 0.01 * r;
        return b == 0 ? s0 : 1 - s0;
    }
    case BS_M_REVENUE: return 10.0 * (t + 1) + 3.0 * r * r + 7.0 * v * r + b;
    case BS_M_REVENGE_WOM: return t >= SHOCK ? r + v + 1.0 : 0;
    case BS_M_REVENGE_WITHHOLD: return t >= SHOCK ? 2.0 * b : 0;
    case BS_M_REVENGE_ANTIBRAND: return t == 4 ? (double)(r * r) : 0;
    case BS_M_MEAN_REVENGE: { /* peak 1 at the shock, then halves (v 0) or falls by 0.3 + r/10 */
        if (t < SHOCK) return 0;
        double k = t - SHOCK;
        return v == 0 ? pow(0.5, k) : fmax(0.0, 1 - (0.3 + 0.1 * r) * k) + 0.01;
    }
    case BS_M_EXITS: return t == 4 ? (double)(r * (v + 1)) : 0;
    case BS_M_RESPONSE_COST: return v == 1 && b == 0 && t == SHOCK + 1 ? 100.0 + r : 0;
    case BS_M_NET_CONTRIBUTION:
        return 0.3 * constructed(BS_M_REVENUE, v, r, t, b) - constructed(BS_M_RESPONSE_COST, v, r, t, b);
    default: return 0.5;
    }
}

static void w_attr(hid_t obj, const char *name, hid_t ftype, hid_t mtype, const void *v)
{
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(H5Awrite(a, mtype, v), 0);
    H5Aclose(a);
    H5Sclose(sp);
}

static void w_attr_str(hid_t obj, const char *name, const char *s)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    w_attr(obj, name, t, t, &s);
    H5Tclose(t);
}

static void w_ds(hid_t loc, const char *name, hid_t ftype, hid_t mtype, int rank,
                 const hsize_t *dims, const void *data)
{
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t ds = H5Dcreate2(loc, name, ftype, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(ds, 0, "cannot create %s", name);
    cr_assert_geq(H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), 0);
    H5Dclose(ds);
    H5Sclose(sp);
    H5Pclose(lcpl);
}

static void w_strings(hid_t loc, const char *name, const char *const *s, size_t n, size_t width)
{
    char *buf = calloc(n ? n : 1, width);
    for (size_t i = 0; i < n; i++)
        memcpy(buf + i * width, s[i], strnlen(s[i], width));
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, width);
    hsize_t d = n;
    w_ds(loc, name, t, t, 1, &d, buf);
    H5Tclose(t);
    free(buf);
}

/* An ensemble file of variants `names` (v0 = names[0]), R replicates with seeds
   seed0, seed0 + 1, ...; every series as constructed(). */
static void write_constructed(const char *path, const char *const *names, int V,
                              uint64_t seed0)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    int one = 1, S = CS, B = CB, R = CR;
    double days = 7;
    int64_t consumers = 1000;
    char vlist[256] = "";
    for (int v = 0; v < V; v++)
        snprintf(vlist + strlen(vlist), sizeof vlist - strlen(vlist), "%s%s", v ? "\n" : "",
                 names[v]);
    w_attr(f, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT, &one);
    w_attr(f, "complete", H5T_STD_I32LE, H5T_NATIVE_INT, &one);
    w_attr_str(f, "layout", "ensemble");
    w_attr_str(f, "scenario", "name: built\n");
    w_attr_str(f, "scenario_name", "built");
    w_attr_str(f, "overrides", "");
    w_attr_str(f, "variants", vlist);
    w_attr(f, "steps", H5T_STD_I32LE, H5T_NATIVE_INT, &S);
    w_attr(f, "n_brands", H5T_STD_I32LE, H5T_NATIVE_INT, &B);
    w_attr(f, "replicates", H5T_STD_I32LE, H5T_NATIVE_INT, &R);
    w_attr(f, "step_days", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &days);
    w_attr(f, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &seed0);
    w_attr(f, "consumers", H5T_STD_I64LE, H5T_NATIVE_INT64, &consumers);
    static const char *const brands[CB] = {"hit", "spared"};
    w_strings(f, "/brands/name", brands, CB, 8);
    static const int metrics[] = {BS_M_MARKET_SHARE, BS_M_REVENUE, BS_M_REVENGE_WOM,
                                  BS_M_REVENGE_WITHHOLD, BS_M_REVENGE_ANTIBRAND,
                                  BS_M_MEAN_REVENGE, BS_M_EXITS, BS_M_RESPONSE_COST,
                                  BS_M_NET_CONTRIBUTION};
    for (int v = 0; v < V; v++) {
        char p[256];
        uint64_t seeds[CR];
        for (int r = 0; r < CR; r++)
            seeds[r] = seed0 + (uint64_t)r;
        hsize_t dr = CR, d1 = 1, d3[3] = {CR, CS, CB};
        snprintf(p, sizeof p, "/variants/%s/seeds", names[v]);
        w_ds(f, p, H5T_STD_U64LE, H5T_NATIVE_UINT64, 1, &dr, seeds);
        int step = SHOCK, brand = 0;
        double size = 0.5;
        static const char *const kind[1] = {"breach:hack"};
        snprintf(p, sizeof p, "/variants/%s/events/step", names[v]);
        w_ds(f, p, H5T_STD_I32LE, H5T_NATIVE_INT, 1, &d1, &step);
        snprintf(p, sizeof p, "/variants/%s/events/brand", names[v]);
        w_ds(f, p, H5T_STD_I32LE, H5T_NATIVE_INT, 1, &d1, &brand);
        snprintf(p, sizeof p, "/variants/%s/events/size", names[v]);
        w_ds(f, p, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &d1, &size);
        snprintf(p, sizeof p, "/variants/%s/events/kind", names[v]);
        w_strings(f, p, kind, 1, 11);
        for (size_t k = 0; k < sizeof metrics / sizeof *metrics; k++) {
            double x[CR * CS * CB];
            for (int r = 0; r < CR; r++)
                for (int t = 0; t < CS; t++)
                    for (int b = 0; b < CB; b++)
                        x[(r * CS + t) * CB + b] = constructed(metrics[k], v, r, t, b);
            snprintf(p, sizeof p, "/variants/%s/timeseries/brand/%s", names[v],
                     bs_metric_get((bs_metric)metrics[k])->name);
            w_ds(f, p, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, d3, x);
        }
    }
    H5Fclose(f);
}

/* The expected outcome o of brand b in (v, r), from the definitions. */
static double expected(int o, int v, int r, int b)
{
    double s[CS], sum = 0;
    switch (o) {
    case BS_KPI_SHARE_LOST:
    case BS_KPI_SHARE_REGAINED: {
        double low = constructed(BS_M_MARKET_SHARE, v, r, SHOCK - 1, b);
        for (int t = SHOCK; t < CS; t++)
            low = fmin(low, constructed(BS_M_MARKET_SHARE, v, r, t, b));
        return o == BS_KPI_SHARE_LOST ? constructed(BS_M_MARKET_SHARE, v, r, SHOCK - 1, b) - low
                                      : constructed(BS_M_MARKET_SHARE, v, r, CS - 1, b) - low;
    }
    case BS_KPI_REVENUE:
        for (int t = 0; t < CS; t++)
            sum += constructed(BS_M_REVENUE, v, r, t, b);
        return sum;
    case BS_KPI_REVENGE_ACTS:
        for (int t = 0; t < CS; t++)
            sum += constructed(BS_M_REVENGE_WOM, v, r, t, b)
                   + constructed(BS_M_REVENGE_WITHHOLD, v, r, t, b)
                   + constructed(BS_M_REVENGE_ANTIBRAND, v, r, t, b);
        return sum;
    case BS_KPI_REVENGE_DAYS: /* peak at the shock step; first step below 10 % of it */
        for (int t = 0; t < CS; t++)
            s[t] = constructed(BS_M_MEAN_REVENGE, v, r, t, b);
        for (int t = SHOCK + 1; t < CS; t++)
            if (s[t] < 0.1 * s[SHOCK]) /* where the line from the end of step t - 1 crosses */
                return 7.0 * t + 7.0 * (s[t - 1] - 0.1 * s[SHOCK]) / (s[t - 1] - s[t])
                       - 7.0 * SHOCK; /* from the start of the shock's step */
        return NAN;
    case BS_KPI_EXIT_LOSSES:
        for (int t = 0; t < CS; t++)
            sum += constructed(BS_M_EXITS, v, r, t, b);
        return sum;
    case BS_KPI_CUSTOMERS_LOST: /* from the shock's step on */
        for (int t = SHOCK; t < CS; t++)
            sum += constructed(BS_M_EXITS, v, r, t, b);
        return sum;
    case BS_KPI_REVENUE_AFTER:
        for (int t = SHOCK; t < CS; t++)
            sum += constructed(BS_M_REVENUE, v, r, t, b);
        return sum;
    case BS_KPI_RESPONSE_COST:
        for (int t = 0; t < CS; t++)
            sum += constructed(BS_M_RESPONSE_COST, v, r, t, b);
        return sum;
    case BS_KPI_NET_CONTRIBUTION:
        for (int t = SHOCK; t < CS; t++)
            sum += constructed(BS_M_NET_CONTRIBUTION, v, r, t, b);
        return sum;
    case BS_KPI_RECOVERY_WEEKS:
        /* hit: 0.5 before, at most 0.44 to the end: not back within 95 %; spared: never fell */
        return b == 0 ? NAN : 0;
    }
    return NAN;
}

static double *outcomes_of(const bs_results *r, int v)
{
    bs_error err = {0};
    double *out = malloc((size_t)CR * CB * BS_KPI_COUNT * sizeof *out);
    cr_assert_eq(bs_kpis_compute(r, v, 0, out, &err), BS_OK, "%s", err.msg);
    return out;
}

static void expect_close(double got, double want, const char *what)
{
    if (isnan(want)) {
        cr_expect(isnan(got), "%s: got %.17g, expected NaN", what, got);
        return;
    }
    cr_expect(fabs(got - want) <= 1e-9 * fmax(1, fabs(want)), "%s: got %.17g, expected %.17g",
              what, got, want);
}

Test(analysis, outcomes_of_constructed_runs)
{
    static const char *const names[2] = {"base", "treat"};
    write_constructed(in_dir("c.h5"), names, 2, 100);
    bs_error err = {0};
    bs_results *r = bs_results_open(in_dir("c.h5"), &err);
    cr_assert_not_null(r, "%s", err.msg);
    cr_expect_eq(bs_results_variants(r), 2);
    cr_expect_eq(bs_results_replicates(r), CR);
    cr_expect_eq(bs_results_first_shock(r, 1), SHOCK);
    cr_expect_float_eq(bs_results_days(r)[CS - 1], 7.0 * CS, 1e-12, "day axis from step_days");
    for (int v = 0; v < 2; v++) {
        double *out = outcomes_of(r, v);
        for (int rep = 0; rep < CR; rep++)
            for (int b = 0; b < CB; b++)
                for (int o = 0; o < BS_KPI_COUNT; o++) {
                    char what[128];
                    snprintf(what, sizeof what, "%s v%d r%d b%d", bs_kpi_get(o)->name, v,
                             rep, b);
                    expect_close(out[((size_t)rep * CB + b) * BS_KPI_COUNT + o],
                                 expected(o, v, rep, b), what);
                }
        free(out);
    }
    /* the spared brand gains share: it loses nothing */
    double *out = outcomes_of(r, 0);
    cr_expect_eq(out[(size_t)1 * BS_KPI_COUNT + BS_KPI_SHARE_LOST], 0);
    free(out);
    bs_results_free(r);
}

/* Recovery and payback on series worked out by hand (weekly steps, shock at step 4). */
Test(analysis, recovery_and_payback_weeks_by_hand)
{
    enum { S = 12 };
    double day[S], share[S] = {0.5, 0.5, 0.5, 0.5, 0.3, 0.3, 0.4, 0.5, 0.5, 0.5, 0.5, 0.5};
    double zero[S] = {0}, net[S] = {0, 0, 0, 0, -10, 2, 3, 4, 5, 5, 5, 5};
    for (int t = 0; t < S; t++) day[t] = 7.0 * (t + 1);
    bs_kpi_series s = {.steps = S, .day = day, .first_shock = 4, .stride = 1, .share = share,
                       .revenue = zero, .wom = zero, .withhold = zero, .antibrand = zero,
                       .mean_revenge = zero, .exits = zero};
    double out[BS_KPI_COUNT];
    /* the month's share (mean of 4 steps, from the shock on): .3 .3 .333 .375 .425 .475 .5:
       below 0.475 last at step 8, back by its end: 5 weeks after step 3 ended */
    bs_kpis_of(&s, out);
    cr_expect_float_eq(out[BS_KPI_RECOVERY_WEEKS], 5, 1e-12, "%g", out[BS_KPI_RECOVERY_WEEKS]);
    s.recovery_fraction = 0.8; /* below 0.4 last at step 7 */
    bs_kpis_of(&s, out);
    cr_expect_float_eq(out[BS_KPI_RECOVERY_WEEKS], 4, 1e-12, "%g", out[BS_KPI_RECOVERY_WEEKS]);
    share[S - 1] = 0; /* the month to the end below 0.4: not recovered */
    bs_kpis_of(&s, out);
    cr_expect(isnan(out[BS_KPI_RECOVERY_WEEKS]));
    cr_expect(isnan(out[BS_KPI_RESPONSE_COST]), "no cost series: n/a");
    /* cumulative net difference from step 4: -10 -8 -5 -1 4 ...: below 0 last at step 7 */
    cr_expect_float_eq(bs_kpi_payback(net, zero, 1, S, 4, day), 4, 1e-12);
    cr_expect_eq(bs_kpi_payback(zero, zero, 1, S, 4, day), 0, "never behind: pays at once");
    net[S - 1] = -100;
    cr_expect(isnan(bs_kpi_payback(net, zero, 1, S, 4, day)), "behind at the end: no payback");
}

/* mean and 95 % CI of x[0..n) by the textbook formula, with GSL */
static void ci_formula(const double *x, int n, double *mean, double *lo, double *hi)
{
    *mean = gsl_stats_mean(x, 1, (size_t)n);
    double h = gsl_cdf_tdist_Pinv(0.975, n - 1) * gsl_stats_sd(x, 1, (size_t)n) / sqrt(n);
    *lo = *mean - h;
    *hi = *mean + h;
}

/* A policy change is not a shock: personalization.yaml changes a policy at step
   26 and has its breach at 39, from which the outcomes count, and compare's
   default brands are the two the breach hit, not the policy's one. */
Test(analysis, a_policy_change_is_not_the_first_shock)
{
    cr_assert_eq(sh("'%s' run '%s/scenarios/personalization.yaml' -o p.h5 --consumers 2000 -q",
                    BS_BINARY, SRC), 0);
    bs_error err = {0};
    bs_results *r = bs_results_open(in_dir("p.h5"), &err);
    cr_assert_not_null(r, "%s", err.msg);
    cr_expect_eq(bs_results_first_shock(r, 0), 39);
    cr_expect(!bs_results_event_is_shock("policy"));
    cr_expect(!bs_results_event_is_shock("response:apology"));
    cr_expect(bs_results_event_is_shock("breach:hack"));
    bs_results_free(r);
    cr_assert_eq(sh("'%s' compare p.h5 p.h5", BS_BINARY), 0);
    char *out = out_txt();
    cr_expect_not_null(strstr(out, "respectful"), "the breached brands: %s", out);
    cr_expect_not_null(strstr(out, "opaque"), "%s", out);
    free(out);
}

Test(analysis, paired_difference_between_variants_of_one_file)
{
    static const char *const names[2] = {"base", "treat"};
    write_constructed(in_dir("c.h5"), names, 2, 100);
    bs_error err = {0};
    bs_results *r = bs_results_open(in_dir("c.h5"), &err);
    cr_assert_not_null(r, "%s", err.msg);
    double *a = outcomes_of(r, 1), *base = outcomes_of(r, 0);
    cr_expect_eq(bs_test_for(bs_results_seeds(r, 1), CR, bs_results_seeds(r, 0), CR),
                 BS_TEST_PAIRED, "variants of one file share their seeds");
    for (int o = 0; o < BS_KPI_COUNT; o++) {
        if (o == BS_KPI_REVENGE_DAYS)
            continue; /* NaN in some replicates: no CI (checked below) */
        double x[CR], y[CR], d[CR], mean, lo, hi;
        bs_kpi_values(a, CR, CB, 0, (bs_kpi)o, x);
        bs_kpi_values(base, CR, CB, 0, (bs_kpi)o, y);
        for (int k = 0; k < CR; k++) {
            d[k] = expected(o, 1, k, 0) - expected(o, 0, k, 0);
            expect_close(x[k] - y[k], d[k], "pairs");
        }
        ci_formula(d, CR, &mean, &lo, &hi);
        bs_effect e = bs_kpi_difference(x, CR, y, CR, BS_TEST_PAIRED);
        if (gsl_stats_sd(d, 1, CR) == 0) /* a constant difference: a zero-width CI */
            hi = lo = mean;
        expect_close(e.estimate, mean, bs_kpi_get(o)->name);
        expect_close(e.lo, lo, "paired lo");
        expect_close(e.hi, hi, "paired hi");
    }
    free(a);
    free(base);
    bs_results_free(r);

    /* and the command prints the same numbers, formatted */
    cr_assert_eq(sh("'%s' compare c.h5 --brands hit", BS_BINARY), 0, "%s", err_txt());
    char *out = out_txt();
    double x[CR], mean, lo, hi, d[CR];
    for (int k = 0; k < CR; k++)
        d[k] = expected(BS_KPI_REVENUE, 1, k, 0) - expected(BS_KPI_REVENUE, 0, k, 0);
    ci_formula(d, CR, &mean, &lo, &hi);
    char want[128];
    snprintf(want, sizeof want, "%.0f [%.0f, %.0f]", mean, lo, hi);
    cr_expect_not_null(strstr(out, want), "revenue difference %s in:\n%s", want, out);
    for (int k = 0; k < CR; k++)
        x[k] = expected(BS_KPI_REVENUE, 0, k, 0);
    ci_formula(x, CR, &mean, &lo, &hi);
    snprintf(want, sizeof want, "%.0f [%.0f, %.0f]", mean, lo, hi);
    cr_expect_not_null(strstr(out, want), "baseline revenue %s in:\n%s", want, out);
    cr_expect_not_null(strstr(out, "paired t"), "%s", out);
    free(out);
}

Test(analysis, welch_difference_between_files_with_other_seeds)
{
    static const char *const n1[1] = {"one"}, *const n2[1] = {"two"};
    write_constructed(in_dir("a.h5"), n1, 1, 100);
    write_constructed(in_dir("b.h5"), n2, 1, 500); /* other seeds: independent */
    bs_error err = {0};
    bs_results *ra = bs_results_open(in_dir("a.h5"), &err), *rb = bs_results_open(in_dir("b.h5"), &err);
    cr_assert(ra && rb, "%s", err.msg);
    cr_expect_eq(bs_test_for(bs_results_seeds(rb, 0), CR, bs_results_seeds(ra, 0), CR),
                 BS_TEST_WELCH);
    /* b is constructed as variant 0 too: make the groups differ by comparing brand 1 to 0 */
    double *a = outcomes_of(ra, 0), *b = outcomes_of(rb, 0);
    double x[CR], y[CR];
    bs_kpi_values(a, CR, CB, 1, BS_KPI_REVENUE, x);
    bs_kpi_values(b, CR, CB, 0, BS_KPI_REVENUE, y);
    bs_effect e = bs_kpi_difference(x, CR, y, CR, BS_TEST_WELCH);
    double va = gsl_stats_variance(x, 1, CR), vb = gsl_stats_variance(y, 1, CR);
    double se = sqrt(va / CR + vb / CR);
    double df = pow(va / CR + vb / CR, 2) / (pow(va / CR, 2) / (CR - 1) + pow(vb / CR, 2) / (CR - 1));
    double diff = gsl_stats_mean(x, 1, CR) - gsl_stats_mean(y, 1, CR);
    double q = gsl_cdf_tdist_Pinv(0.975, df);
    expect_close(e.estimate, diff, "welch estimate");
    expect_close(e.lo, diff - q * se, "welch lo");
    expect_close(e.hi, diff + q * se, "welch hi");
    free(a);
    free(b);
    bs_results_free(ra);
    bs_results_free(rb);
    cr_assert_eq(sh("'%s' compare a.h5 b.h5 --brands hit", BS_BINARY), 0, "%s", err_txt());
    char *out = out_txt();
    cr_expect_not_null(strstr(out, "Welch t"), "%s", out);
    cr_expect_not_null(strstr(out, "baseline a"), "%s", out);
    free(out);
}

Test(analysis, statistics_computed_without_an_ensemble_group)
{
    static const char *const names[1] = {"only"};
    write_constructed(in_dir("c.h5"), names, 1, 1);
    bs_error err = {0};
    bs_results *r = bs_results_open(in_dir("c.h5"), &err);
    cr_assert_not_null(r, "%s", err.msg);
    double mean[CS * CB], lo[CS * CB], hi[CS * CB];
    cr_assert_eq(bs_results_stat(r, 0, BS_SEG_ALL, BS_M_REVENUE, BS_RSTAT_MEAN, mean, &err), 0);
    cr_assert_eq(bs_results_stat(r, 0, BS_SEG_ALL, BS_M_REVENUE, BS_RSTAT_LO, lo, &err), 0);
    cr_assert_eq(bs_results_stat(r, 0, BS_SEG_ALL, BS_M_REVENUE, BS_RSTAT_HI, hi, &err), 0);
    for (int t = 0; t < CS; t++) {
        double x[CR], m, l, h;
        for (int k = 0; k < CR; k++)
            x[k] = constructed(BS_M_REVENUE, 0, k, t, 1);
        ci_formula(x, CR, &m, &l, &h);
        expect_close(mean[t * CB + 1], m, "mean");
        expect_close(lo[t * CB + 1], l, "lo");
        expect_close(hi[t * CB + 1], h, "hi");
    }
    bs_results_free(r);
}

/* ---- the reader on real files ----------------------------------------------------- */

Test(analysis, reader_presents_a_single_run_as_one_variant)
{
    tiny_run("b");
    bs_error err = {0};
    bs_results *s = bs_results_open(in_dir("b.h5"), &err);
    cr_assert_not_null(s, "%s", err.msg);
    cr_expect(!bs_results_is_ensemble(s));
    cr_expect_eq(bs_results_variants(s), 1);
    cr_expect_eq(bs_results_replicates(s), 1);
    cr_expect_str_eq(bs_results_variant_name(s, 0), "tiny");
    cr_expect_eq(bs_results_seeds(s, 0)[0], 11);
    cr_expect_eq(bs_results_steps(s), 10);
    cr_expect_eq(bs_results_brands(s), 2);
    cr_expect_eq(bs_results_first_shock(s, 0), 3);
    cr_expect_str_eq(bs_results_brand_name(s, 1), "b");
    cr_expect_not_null(strstr(bs_results_scenario_yaml(s, 0), "name: \"tiny\""));
    /* R = 1: the mean is the value, the CI NaN */
    double x[20], m[20], lo[20];
    cr_assert_eq(bs_results_series(s, 0, BS_SEG_WEAK, BS_M_MEAN_CONFIDENCE, x, &err), 0);
    cr_assert_eq(bs_results_stat(s, 0, BS_SEG_WEAK, BS_M_MEAN_CONFIDENCE, BS_RSTAT_MEAN, m, &err), 0);
    cr_assert_eq(bs_results_stat(s, 0, BS_SEG_WEAK, BS_M_MEAN_CONFIDENCE, BS_RSTAT_LO, lo, &err), 0);
    for (int i = 0; i < 20; i++)
        cr_expect(m[i] == x[i] && isnan(lo[i]), "value %d: %g %g %g", i, x[i], m[i], lo[i]);
    bs_results_free(s);
}

/* One ensemble run (seconds under the sanitizers), read, described, exported, drawn. */
Test(analysis, ensemble_file_read_described_exported_and_drawn)
{
    ensemble_run("e");
    bs_error err = {0};
    bs_results *e = bs_results_open(in_dir("e.h5"), &err);
    cr_assert_not_null(e, "%s", err.msg);
    cr_expect(bs_results_is_ensemble(e));
    cr_expect_eq(bs_results_variants(e), 2);
    cr_expect_eq(bs_results_replicates(e), 3);
    cr_expect_eq(bs_results_variant_index(e, "apology"), 1);
    cr_expect_str_eq(bs_results_brand_exit_policy(e, -1, 2), "win_back");
    cr_expect_str_eq(bs_results_brand_exit_policy(e, 1, 2), "win_back");
    int n = 0;
    bs_results_events(e, 1, &n);
    cr_expect_eq(n, 4, "apology: 2 breaches and 2 responses");
    /* /ensemble/mean and ci_* equal what the reader computes from the replicates */
    int R = 3, S = 20, B = 3;
    double *x = malloc((size_t)R * S * B * sizeof *x), *m = malloc((size_t)S * B * sizeof *m);
    double *hi = malloc((size_t)S * B * sizeof *hi);
    cr_assert_eq(bs_results_series(e, 1, BS_SEG_STRONG, BS_M_MEAN_REVENGE, x, &err), 0, "%s",
                 err.msg);
    cr_assert_eq(bs_results_stat(e, 1, BS_SEG_STRONG, BS_M_MEAN_REVENGE, BS_RSTAT_MEAN, m, &err), 0);
    cr_assert_eq(bs_results_stat(e, 1, BS_SEG_STRONG, BS_M_MEAN_REVENGE, BS_RSTAT_HI, hi, &err), 0);
    for (int i = 0; i < S * B; i++) {
        bs_ci c = bs_ci_mean(x + i, (size_t)S * B, (size_t)R, 0.95);
        cr_expect(fabs(m[i] - c.mean) < 1e-12 && (isnan(c.hi) ? isnan(hi[i]) || hi[i] == m[i]
                                                               : fabs(hi[i] - c.hi) < 1e-9),
                  "step %d brand %d: file %g/%g, computed %g/%g", i / B, i % B, m[i], hi[i],
                  c.mean, c.hi);
    }
    free(x);
    free(m);
    free(hi);
    bs_results_free(e);

    cr_assert_eq(sh("'%s' info e.h5", BS_BINARY), 0, "%s", err_txt());
    char *out = out_txt();
    cr_expect_not_null(strstr(out, "ensemble of 2 variants x 3 replicates"), "%s", out);
    cr_expect_not_null(strstr(out, "response:apology"), "%s", out);
    cr_expect_not_null(strstr(out, "key numbers, variant apology"), "%s", out);
    free(out);

    cr_assert_eq(sh("'%s' export e.h5 --csv e.csv", BS_BINARY), 0, "%s", err_txt());
    static const char *const names[3] = {"alder", "birch", "cedar"};
    check_csv_against_h5(in_dir("e.csv"), in_dir("e.h5"), 2 * 3, 20, 3, 3, names);
    cr_assert_eq(sh("'%s' export e.h5 --csv - --variant apology | grep -c ',silent,'", BS_BINARY),
                 1, "--variant apology writes no row of silent");

    /* the figure marks the baseline's events and says whose they are */
    cr_assert_eq(sh("'%s' compare e.h5 --baseline apology -o c.svg", BS_BINARY), 0, "%s",
                 err_txt());
    char *svg = slurp(in_dir("c.svg"), NULL);
    cr_assert_not_null(svg);
    cr_expect_not_null(strstr(svg, "events of apology;"), "the baseline's events");
    cr_expect_not_null(strstr(svg, "response: apology"), "the baseline's response is marked");
    free(svg);
    cr_assert_eq(sh("'%s' compare e.h5 -o c.svg", BS_BINARY), 0, "%s", err_txt());
    svg = slurp(in_dir("c.svg"), NULL);
    cr_assert_not_null(svg);
    cr_expect_not_null(strstr(svg, "events of silent;"), "the first arm is the default baseline");
    cr_expect_null(strstr(svg, "response: apology"), "silent made no response");
    free(svg);

    /* two ensemble files without --variants: every variant of each, named file:variant */
    cr_assert_eq(sh("cp e.h5 e2.h5 && '%s' compare e.h5 e2.h5", BS_BINARY), 0, "%s", err_txt());
    out = out_txt();
    cr_expect_not_null(strstr(out, "e2:apology"), "the second file's apology variant: %s", out);
    free(out);

    cr_assert_eq(sh("'%s' plot e.h5 -o f", BS_BINARY), 0, "plot failed: %s", err_txt());
    cr_expect_eq(count_files(in_dir("f/silent")), 7, "exit policies: figure 6 too");
    cr_expect_eq(count_files(in_dir("f/apology")), 7);
    int w, h;
    check_png(in_dir("f/apology/fig6_post_exit.png"), &w, &h);
}

/* A file written before the exit-policy timeline and the description existed is still read:
 * the policies of /brands for the whole run, an empty description. */
Test(analysis, file_without_timeline_reads_brands_exit_policy)
{
    cr_assert_eq(sh("'%s' run '%s/tests/data/analysis/exit_variants.yaml' -o old.h5 -q", BS_BINARY,
                    SRC), 0, "%s", err_txt());
    hid_t f = H5Fopen(in_dir("old.h5"), H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    cr_assert_geq(H5Adelete(f, "description"), 0);
    cr_assert_geq(H5Ldelete(f, "exit_policy_timeline", H5P_DEFAULT), 0);
    cr_assert_geq(H5Ldelete(f, "variants/winback/exit_policy_timeline", H5P_DEFAULT), 0);
    cr_assert_geq(H5Fclose(f), 0);
    bs_error err = {0};
    bs_results *r = bs_results_open(in_dir("old.h5"), &err);
    cr_assert_not_null(r, "%s", err.msg);
    int b13 = bs_results_brand_index(r, "b13"), b01 = bs_results_brand_index(r, "b01");
    cr_expect_str_eq(bs_results_description(r), "");
    cr_expect_str_eq(bs_results_brand_exit_policy(r, 1, b13), "clean_break", "/brands, not the variant's");
    cr_expect_eq(bs_results_brand_exit_change(r, 1, b01, NULL), -1, "no timeline: no change known");
    bs_results_free(r);
}

/* Quantile bins wherever a segment is named: compare's figure, export's rows, info's list;
 * the reader's bins equal the file's, and a bin's series equals its slice of the grouping. */
Test(analysis, quantile_bins_are_named_like_segments)
{
    cr_assert_eq(sh("'%s' run '%s/tests/data/analysis/ensemble.yaml' -o q.h5 -q --set "
                    "trait_quantiles=4 --set quantile_trait=grudge", BS_BINARY, SRC), 0, "%s",
                 err_txt());
    bs_error err = {0};
    bs_results *r = bs_results_open(in_dir("q.h5"), &err);
    cr_assert_not_null(r, "%s", err.msg);
    cr_expect_eq(bs_results_quantile_bins(r, BS_QG_STRENGTH), 3);
    cr_expect_eq(bs_results_quantile_bins(r, BS_QG_TRAIT), 4);
    cr_expect_str_eq(bs_results_quantile_by(r, BS_QG_TRAIT), "grudge");
    cr_expect_eq(bs_results_quantile_trait(r), BS_TRAIT_GRUDGE);
    cr_expect(bs_results_has_market(r, BS_MK_ACTS_GINI));
    enum { R = 3, S = 20, B = 3, BINS = 4 };
    static double all[R * S * BINS * B], one[R * S * B], m[S * B];
    bs_series_ref ref;
    cr_assert_eq(bs_series_ref_parse("grudge_q2", "revenge_acts", "seg", &ref, &err), BS_OK, "%s", err.msg);
    cr_assert_eq(bs_results_quantile(r, 1, BS_QG_TRAIT, BS_QM_REVENGE_ACTS, all, &err), BS_OK, "%s", err.msg);
    cr_assert_eq(bs_results_ref_series(r, 1, &ref, one, &err), BS_OK, "%s", err.msg);
    cr_assert_eq(bs_results_ref_stat(r, 1, &ref, BS_RSTAT_MEAN, m, &err), BS_OK, "%s", err.msg);
    double acts = 0;
    for (int rep = 0; rep < R; rep++)
        for (int t = 0; t < S; t++)
            for (int b = 0; b < B; b++) {
                const double x = all[(((size_t)rep * S + t) * BINS + 1) * B + b];
                cr_assert_eq(one[((size_t)rep * S + t) * B + b], x);
                acts += x;
            }
    cr_expect_gt(acts, 0);
    for (int t = 0; t < S; t++)
        for (int b = 0; b < B; b++) {
            double x = 0;
            for (int rep = 0; rep < R; rep++) x += one[((size_t)rep * S + t) * B + b];
            cr_expect_float_eq(m[t * B + b], x / R, 1e-9, "the file's mean");
        }
    cr_assert_eq(bs_series_ref_parse("anxiety_q2", "exits", "seg", &ref, &err), BS_OK);
    cr_expect_eq(bs_results_check_ref(r, &ref, &err), BS_ERR_INPUT);
    cr_expect_not_null(strstr(err.msg, "no bin anxiety_q2: the file's trait bins are by grudge"), "%s", err.msg);
    bs_results_free(r);

    cr_assert_eq(sh("'%s' compare q.h5 --segment strength_q3 --metric revenge_acts -o q.svg", BS_BINARY),
                 0, "%s", err_txt());
    char *svg = slurp(in_dir("q.svg"), NULL);
    cr_assert_not_null(svg);
    cr_expect_not_null(strstr(svg, "Comparison: revenge acts, quantile bin strength_q3"));
    free(svg);
    cr_expect_eq(sh("'%s' compare q.h5 --segment grudge_q4 --metric mean_revenge -o g.png", BS_BINARY), 0,
                 "%s", err_txt());
    static const struct {
        const char *args, *why;
    } bad[] = {
        {"--segment strength_q4 --metric exits -o x.png", "no bin strength_q4: the file has 3 strength bins"},
        {"--segment anxiety_q1 --metric exits -o x.png", "the file's trait bins are by grudge"},
        {"--segment strength_q1 --metric mean_quality", "'mean_quality' is not reported by quantile bin"},
        {"--segment strength_q0", "'strength_q0' is not a segment"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        cr_expect_eq(sh("'%s' compare q.h5 %s", BS_BINARY, bad[k].args), 2, "%s", bad[k].args);
        char *e = err_txt();
        cr_expect_not_null(strstr(e, bad[k].why), "%s: %s", bad[k].args, e);
        free(e);
    }
    cr_assert_eq(sh("'%s' export q.h5 --csv q.csv", BS_BINARY), 0, "%s", err_txt());
    static const char *const names[3] = {"alder", "birch", "cedar"};
    check_csv_against_h5(in_dir("q.csv"), in_dir("q.h5"), 2 * 3, 20, 3, 3 + 4, names);
    cr_expect_eq(sh("grep -q ',cedar,grudge_q4,relationships,' q.csv && grep -q ',market,acts_gini,' q.csv"), 0);
    cr_assert_eq(sh("'%s' info q.h5", BS_BINARY), 0, "%s", err_txt());
    char *out = out_txt();
    cr_expect_not_null(strstr(out, "quantiles  strength: 3 bins of prior relationship strength "
                                   "(strength_q1 .. strength_q3, lowest first)"), "%s", out);
    cr_expect_not_null(strstr(out, "trait: 4 bins of grudge (grudge_q1 .. grudge_q4"), "%s", out);
    cr_expect_not_null(strstr(out, "% by the tenth of consumers with the most, Gini"), "%s", out);
    free(out);
}

/* A file written before the quantile series and the concentration of acts (no
 * /timeseries/quantile, no acts_gini or acts_top_decile_share) opens, exports its rows as
 * before, draws its figures but 7, and says what it lacks when a bin is asked for. */
Test(analysis, file_without_quantiles_still_opens)
{
    tiny_run("b");
    hid_t f = H5Fopen(in_dir("b.h5"), H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    cr_assert_geq(H5Ldelete(f, "timeseries/quantile", H5P_DEFAULT), 0);
    cr_assert_geq(H5Ldelete(f, "timeseries/market/acts_gini", H5P_DEFAULT), 0);
    cr_assert_geq(H5Ldelete(f, "timeseries/market/acts_top_decile_share", H5P_DEFAULT), 0);
    cr_assert_geq(H5Fclose(f), 0);
    bs_error err = {0};
    bs_results *r = bs_results_open(in_dir("b.h5"), &err);
    cr_assert_not_null(r, "%s", err.msg);
    cr_expect_eq(bs_results_quantile_bins(r, BS_QG_STRENGTH), 0);
    cr_expect_str_eq(bs_results_quantile_by(r, BS_QG_STRENGTH), "");
    cr_expect(!bs_results_has_market(r, BS_MK_ACTS_GINI));
    cr_expect(bs_results_has_market(r, BS_MK_MEAN_DISTRUST));
    double x[20];
    cr_expect_eq(bs_results_quantile(r, 0, BS_QG_STRENGTH, BS_QM_EXITS, x, &err), BS_ERR_INPUT);
    bs_results_free(r);
    cr_assert_eq(sh("'%s' info b.h5", BS_BINARY), 0, "%s", err_txt());
    char *out = out_txt();
    cr_expect_not_null(strstr(out, "quantiles  none"), "%s", out);
    free(out);
    cr_assert_eq(sh("'%s' export b.h5 --csv b.csv", BS_BINARY), 0, "%s", err_txt());
    cr_expect_eq(sh("test $(wc -l < b.csv) -eq %d", 1 + 10 * (9 * BS_M_COUNT * 2 + 8)), 0,
                 "the rows of an older file: header + S x (9 x 30 x B + 8)");
    cr_assert_eq(sh("'%s' plot b.h5 -o figs", BS_BINARY), 0, "%s", err_txt());
    cr_expect_eq(count_files(in_dir("figs")), 5, "no figure 7 without bins");
    cr_expect_eq(sh("'%s' compare b.h5 b.h5 --segment strength_q1 --metric exits -o c.png", BS_BINARY), 2);
    char *e = err_txt();
    cr_expect_not_null(strstr(e, "no bin strength_q1: the file holds no strength quantile series"), "%s", e);
    free(e);
}

/* Exit policies as each variant ran them (an override, a policy shock), and figure 6's
 * brands: every brand that ends relationships, though 13 shocked brands fill the 12 drawn. */
Test(analysis, figure_6_shows_each_variants_exit_policies)
{
    cr_assert_eq(sh("'%s' run '%s/tests/data/analysis/exit_variants.yaml' -o ev.h5 -q", BS_BINARY,
                    SRC), 0, "%s", err_txt());
    bs_error err = {0};
    bs_results *r = bs_results_open(in_dir("ev.h5"), &err);
    cr_assert_not_null(r, "%s", err.msg);
    int b13 = bs_results_brand_index(r, "b13"), b01 = bs_results_brand_index(r, "b01");
    cr_expect_str_eq(bs_results_brand_exit_policy(r, -1, b13), "clean_break", "the base");
    cr_expect_str_eq(bs_results_brand_exit_policy(r, 0, b13), "clean_break");
    cr_expect_str_eq(bs_results_brand_exit_policy(r, 1, b13), "win_back", "the override");
    const char *then = NULL;
    cr_expect_eq(bs_results_brand_exit_change(r, 1, b01, &then), 8, "the policy shock's step");
    cr_expect_str_eq(then ? then : "", "win_back");
    cr_expect_eq(bs_results_brand_exit_change(r, 1, b13, NULL), -1);
    bs_results_free(r);

    cr_assert_eq(sh("'%s' plot ev.h5 -o f --format svg", BS_BINARY), 0, "%s", err_txt());
    char *svg = slurp(in_dir("f/winback/fig6_post_exit.svg"), NULL);
    cr_assert_not_null(svg, "figure 6 of winback");
    cr_expect_not_null(strstr(svg, ">b13 (win-back)<"), "the variant's policy, not the base's");
    cr_expect_null(strstr(svg, "b13 (clean break)"));
    cr_expect_not_null(strstr(svg, ">b01 (no exit policy, win-back from day 56)<"),
                       "the policy shock's change, at the start of step 8");
    free(svg);
    svg = slurp(in_dir("f/base/fig6_post_exit.svg"), NULL);
    cr_assert_not_null(svg, "figure 6 of base");
    cr_expect_not_null(strstr(svg, ">b13 (clean break)<"));
    cr_expect_not_null(strstr(svg, "clean break vs win-back"), "both policies: the title says so");
    free(svg);

    /* chosen brands that end no relationship: no figure 6, and a line says why */
    cr_assert_eq(sh("'%s' plot ev.h5 -o g --brands b00,b02 --variant base --format svg",
                    BS_BINARY), 0, "%s", err_txt());
    cr_expect(!exists(in_dir("g/fig6_post_exit.svg")), "no figure of brands that end nothing");
    char *out = out_txt();
    cr_expect_not_null(strstr(out, "figure 6 (after the exit) not drawn"), "%s", out);
    free(out);
}

/* Long names: a subtitle wider than the canvas is broken after a comma, a long event
 * line is cut with "...", and the legend moves left so that its longest entry ends
 * inside the canvas (47-character names; x of the legend text + its width). */
Test(analysis, long_names_stay_inside_the_figure)
{
    FILE *f = fopen(in_dir("long.yaml"), "w");
    cr_assert_not_null(f);
    fputs("name: a_market_with_a_rather_long_scenario_name_xx\nconsumers: 400\n"
          "steps: 8\nbrands:\n", f);
    for (int b = 0; b < 6; b++)
        fprintf(f, "  - name: brand%d_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", b);
    fputs("shocks:\n  - kind: breach\n    step: 3\n    brands: [brand0_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx, "
          "brand1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx, brand2_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx, "
          "brand3_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx]\n"
          "variants:\n  - name: the_only_variant_with_a_long_name\n", f);
    fclose(f);
    cr_assert_eq(sh("'%s' run long.yaml -o long.h5 -q && '%s' plot long.h5 -o f --format svg",
                    BS_BINARY, BS_BINARY), 0, "%s", err_txt());
    char *svg = slurp(in_dir("f/fig1_market_share.svg"), NULL);
    cr_assert_not_null(svg);
    cr_expect_not_null(strstr(svg, "<text>variant the_only_variant_with_a_long_name, one run"),
                       "the subtitle's second line");
    cr_expect_not_null(strstr(svg, " ...</text>"), "the event line is cut");
    int width = 0;
    const char *w = strstr(svg, " width=\"");
    cr_assert(w && sscanf(w, " width=\"%d", &width) == 1);
    const char *label = strstr(svg, "<text>brand0_xxx");
    cr_assert_not_null(label, "the legend entry");
    const char *tr = NULL;
    for (const char *p = svg; (p = strstr(p, "translate(")) && p < label; p++)
        tr = p;
    double x = 0;
    cr_assert(tr && sscanf(tr, "translate(%lf", &x) == 1);
    /* 47 characters of DejaVu Sans at the SVG's 14 pixels: 'x' is 1212/2048 em */
    double text = 7 * 1303.0 / 2048 * 14 + 40 * 1212.0 / 2048 * 14;
    cr_expect_leq(x + text, width, "the legend entry ends at %.0f, past the canvas' %d",
                  x + text, width);
    free(svg);
}

/* Nine arms: the ninth reuses the first's colour and dashes, but not its line width
 * and points (gnuplot's SVG names point type N '#gpPt(N-1)'). */
Test(analysis, compare_tells_apart_more_arms_than_colours)
{
    FILE *f = fopen(in_dir("nine.yaml"), "w");
    cr_assert_not_null(f);
    fputs("name: nine\nconsumers: 500\nsteps: 8\nbrands:\n  - name: a\n  - name: b\n"
          "shocks:\n  - {kind: breach, step: 3, brands: [a]}\nvariants:\n", f);
    for (int v = 0; v < 9; v++)
        fprintf(f, "  - name: p%d\n    set: {\"brands[a].price\": %.2f}\n", v, 0.5 + 0.05 * v);
    fclose(f);
    cr_assert_eq(sh("'%s' run nine.yaml -o nine.h5 -q", BS_BINARY), 0, "%s", err_txt());
    cr_assert_eq(sh("'%s' compare nine.h5 --brands a -o n.svg", BS_BINARY), 0, "%s", err_txt());
    char *svg = slurp(in_dir("n.svg"), NULL);
    cr_assert_not_null(svg);
    cr_expect_not_null(strstr(svg, "stroke-width=\"1.70\""), "the ninth line is thinner");
    cr_expect_not_null(strstr(svg, "#gpPt0'"), "the ninth line has its own points (pt 1)");
    free(svg);
}

/* ---- info and report ---------------------------------------------------------- */

Test(analysis, info_variant_lists_its_events_when_they_equal_the_first_variants)
{
    FILE *f = fopen(in_dir("v.yaml"), "w");
    cr_assert_not_null(f);
    fputs("name: v\nconsumers: 500\nsteps: 8\nbrands:\n  - name: a\n  - name: b\n"
          "shocks:\n  - {kind: breach, step: 3, brands: [a]}\n"
          "variants:\n  - name: base\n  - name: cheap\n    set: {\"brands[a].price\": 0.5}\n", f);
    fclose(f);
    cr_assert_eq(sh("'%s' run v.yaml -o v.h5 -q", BS_BINARY), 0, "%s", err_txt());
    cr_assert_eq(sh("'%s' info v.h5 --variant cheap", BS_BINARY), 0, "%s", err_txt());
    char *out = out_txt();
    cr_expect_not_null(strstr(out, "shocks and policy actions, variant cheap (1)"), "%s", out);
    cr_expect_not_null(strstr(out, "breach"), "%s", out);
    free(out);
    /* all variants: the second, the same as the first, is not repeated */
    cr_assert_eq(sh("'%s' info v.h5", BS_BINARY), 0, "%s", err_txt());
    out = out_txt();
    cr_expect_not_null(strstr(out, "shocks and policy actions, variant base (1)"), "%s", out);
    cr_expect_null(strstr(out, "shocks and policy actions, variant cheap"), "%s", out);
    free(out);
}

Test(analysis, info_lists_brands_shocks_and_key_numbers)
{
    small_run("exit", "x");
    cr_assert_eq(sh("'%s' info x.h5", BS_BINARY), 0, "%s", err_txt());
    char *out = out_txt();
    static const char *const want[] = {"single run", "severance", "clingco", "harbour",
                                       "forced_exit", "exit policy clean_break", "key numbers",
                                       "share lost", "exit losses", "5000 consumers",
                                       "exit: three brands drop customers; clean break vs nothing"};
    for (size_t k = 0; k < sizeof want / sizeof *want; k++)
        cr_expect_not_null(strstr(out, want[k]), "'%s' missing in:\n%s", want[k], out);
    free(out);
}

Test(analysis, report_is_one_self_contained_page)
{
    small_run("breach", "b");
    cr_assert_eq(sh("mkdir tmp && TMPDIR=\"$PWD/tmp\" '%s' report b.h5 -o r.html", BS_BINARY), 0,
                 "%s", err_txt());
    char *html = slurp(in_dir("r.html"), NULL);
    cr_assert_not_null(html);
    int figures = 0;
    for (const char *p = html; (p = strstr(p, "src=\"data:image/svg+xml;base64,")); p++)
        figures++;
    cr_expect_eq(figures, 6, "6 figures embedded, got %d", figures);
    cr_expect_null(strstr(html, "http:"), "nothing from the network");
    cr_expect_null(strstr(html, "https:"), "nothing from the network");
    cr_expect_null(strstr(html, "<script"), "no scripts");
    cr_expect_null(strstr(html, "<link"), "no linked files");
    cr_expect_not_null(strstr(html, "name: &quot;breach&quot;"), "the scenario as run");
    cr_expect_not_null(strstr(html, "breach:sold_data"), "the events");
    cr_expect_not_null(strstr(html, "</html>"));
    cr_expect_not_null(strstr(html, "of its peak (&ldquo;not reached&rdquo;: not within the run)"),
                       "the definitions, as written");
    for (const char *p = html; (p = strstr(p, "dquo;")); p++) /* each quote entity has its & */
        cr_expect(p - html >= 2 && p[-2] == '&', "an entity without its '&': ...%.30s",
                  p - html >= 10 ? p - 10 : html);
    free(html);
    cr_expect_eq(count_files(in_dir("tmp")), 0, "temporary figures and scripts are removed");
    cr_expect(!exists(in_dir("r.html.partial")));
}

/* A file with variants opens with the decision brief: the options ranked by net contribution
 * (the outcomes module's, computed here), the net value against the baseline, one figure more
 * than the variants' own, the margin at which the ranking flips (exact: the economics move no
 * number, so it is (cost_a - cost_b) / (revenue_a - revenue_b) of the runs), then the detail. */
Test(analysis, report_of_variants_opens_with_the_decision)
{
    ensemble_run("e");
    cr_assert_eq(sh("mkdir tmp && TMPDIR=\"$PWD/tmp\" '%s' report e.h5 -o r.html --brand alder",
                    BS_BINARY), 0, "%s", err_txt());
    char *html = slurp(in_dir("r.html"), NULL);
    cr_assert_not_null(html);
    bs_error err = {0};
    bs_results *r = bs_results_open(in_dir("e.h5"), &err);
    cr_assert_not_null(r, "%s", err.msg);
    double net[2], rev[2], cost[2], out[3 * 3 * BS_KPI_COUNT];
    for (int v = 0; v < 2; v++) {
        cr_assert_eq(bs_kpis_compute(r, v, 0, out, &err), BS_OK, "%s", err.msg);
        net[v] = rev[v] = cost[v] = 0;
        for (int rep = 0; rep < 3; rep++) { /* alder is brand 0 */
            net[v] += out[(size_t)rep * 3 * BS_KPI_COUNT + BS_KPI_NET_CONTRIBUTION] / 3;
            rev[v] += out[(size_t)rep * 3 * BS_KPI_COUNT + BS_KPI_REVENUE_AFTER] / 3;
            cost[v] += out[(size_t)rep * 3 * BS_KPI_COUNT + BS_KPI_RESPONSE_COST] / 3;
        }
    }
    bs_results_free(r);
    const char *decision = strstr(html, "<h2>The decision</h2>");
    const char *detail = strstr(html, "Each option in detail");
    cr_assert(decision && detail && decision < detail, "the decision first");
    int first = net[1] > net[0];
    const char *names[2] = {"silent", "apology"};
    char want[160];
    snprintf(want, sizeof want, "For <b>alder</b>, <b>%s</b> leaves the most", names[first]);
    cr_expect_not_null(strstr(decision, want), "%s: %.400s", want, decision);
    snprintf(want, sizeof want, "<tr><td>1</td><td>%s", names[first]);
    cr_expect_not_null(strstr(decision, want), "ranked by net contribution: %s", want);
    /* the net value's difference, as the outcomes give it */
    char value[64];
    snprintf(value, sizeof value, "%.0f", net[1] - net[0]);
    cr_expect_not_null(strstr(decision, value), "net value %s in %.1500s", value, decision);
    /* the margin at which the two swap places */
    double m = (cost[first] - cost[!first]) / (rev[first] - rev[!first]);
    if (m > 0 && m < 1) {
        snprintf(want, sizeof want, "%.3g", m);
        cr_expect_not_null(strstr(decision, want), "margin flip %s in %.3000s", want, decision);
    }
    int figures = 0;
    for (const char *p = html; (p = strstr(p, "src=\"data:image/svg+xml;base64,")); p++)
        figures++;
    cr_expect_eq(figures, 1 + 2 * 7, "the brief's figure and each variant's seven: %d", figures);
    free(html);
    cr_expect_eq(sh("'%s' report e.h5 -o r2.html --brand nobody", BS_BINARY), 2);
    cr_expect_eq(sh("'%s' report e.h5 -o r2.html --baseline nothing", BS_BINARY), 2);
    cr_expect_eq(sh("'%s' report e.h5 -o r2.html --metric no_such_metric", BS_BINARY), 2);
    cr_expect(!exists(in_dir("r2.html")), "nothing written for bad input");
}

/* ---- signals ---------------------------------------------------------------------- */

/* A caught signal sets the flag the library is given: export stops before the next
 * series, having written the header only. */
Test(analysis, export_stops_at_the_flag_of_a_caught_signal)
{
    tiny_run("b");
    bs_error err = {0};
    bs_results *r = bs_results_open(in_dir("b.h5"), &err);
    cr_assert_not_null(r, "%s", err.msg);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    volatile sig_atomic_t stop = SIGTERM;
    cr_expect_eq(bs_export_csv(r, -1, f, (bs_cancel){&stop}, &err), BS_ERR_RUNTIME);
    fclose(f);
    cr_expect_str_eq(text, "step,variant,replicate,brand,segment,metric,value\n");
    free(text);
    bs_results_free(r);
}

/* SIGTERM while report draws (gnuplot made slow): exit 1, no page, no partial page,
 * nothing left in TMPDIR, and an older page of that name kept as it was. */
Test(analysis, report_interrupted_writes_nothing_and_leaves_no_temporary_files, .timeout = 120)
{
    tiny_run("b");
    char gnuplot[4096];
    bs_error err = {0};
    cr_assert_eq(bs_gnuplot_find(gnuplot, sizeof gnuplot, &err), BS_OK, "%s", err.msg);
    cr_assert_eq(mkdir(in_dir("slow"), 0700), 0);
    FILE *f = fopen(in_dir("slow/gnuplot"), "w");
    cr_assert_not_null(f);
    fprintf(f, "#!/bin/sh\nsleep 0.8\nexec '%s' \"$@\"\n", gnuplot);
    fclose(f);
    cr_assert_eq(chmod(in_dir("slow/gnuplot"), 0700), 0);
    f = fopen(in_dir("r.html"), "w");
    cr_assert_not_null(f);
    fputs("older page\n", f);
    fclose(f);
    int rc = sh("mkdir tmp && (PATH=\"$PWD/slow:$PATH\" TMPDIR=\"$PWD/tmp\" '%s' report b.h5 -o r.html "
                "& p=$!; sleep 1.2; kill -TERM $p; wait $p)", BS_BINARY);
    cr_expect_eq(rc, 1, "exit %d: %s", rc, err_txt());
    char *e = err_txt();
    cr_expect_not_null(strstr(e, "report: interrupted (SIGTERM); nothing written"), "%s", e);
    free(e);
    char *page = slurp(in_dir("r.html"), NULL);
    cr_expect_str_eq(page ? page : "", "older page\n", "the older page is kept");
    free(page);
    cr_expect(!exists(in_dir("r.html.partial")));
    cr_expect_eq(count_files(in_dir("tmp")), 0, "no temporary folder or figure left");
}

/* ---- bad input ------------------------------------------------------------------- */

Test(analysis, bad_files_exit_2_with_the_file_named)
{
    FILE *f = fopen(in_dir("text.h5"), "w");
    cr_assert_not_null(f);
    fputs("not hdf5\n", f);
    fclose(f);
    hid_t h = H5Fcreate(in_dir("empty.h5"), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(h);
    static const struct {
        const char *file, *why;
    } cases[] = {{"missing.h5", "missing.h5: No such file or directory"},
                 {"text.h5", "text.h5: not an HDF5 file"},
                 {"empty.h5", "empty.h5: not a brandsim output file"},
                 {".", "is a directory"}};
    static const char *const cmds[] = {"plot %s", "info %s", "export %s --csv o.csv",
                                       "compare %s %s", "report %s"};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++)
        for (size_t k = 0; k < sizeof cmds / sizeof *cmds; k++) {
            char args[256];
            snprintf(args, sizeof args, cmds[k], cases[c].file, cases[c].file);
            int rc = sh("'%s' %s", BS_BINARY, args);
            char *err = err_txt();
            cr_expect_eq(rc, 2, "%s: exit %d", args, rc);
            cr_expect(!strncmp(err, "brandsim: ", 10) && strstr(err, cases[c].why),
                      "%s: '%s'", args, err);
            free(err);
        }
}

Test(analysis, bad_flags_exit_2)
{
    tiny_run("b");
    static const struct {
        const char *args, *why;
    } cases[] = {
        {"plot b.h5 --brands a,nope", "'nope' is not a brand"},
        {"plot b.h5 --format gif", "'gif' is not a format"},
        {"plot b.h5 --variant nope", "'nope' is not a variant"},
        {"plot", "expected one output file"},
        {"plot b.h5 --bogus", "unknown or incomplete option"},
        {"export b.h5", "expected --csv FILE"},
        {"compare b.h5", "holds one run"},
        {"compare b.h5 b.h5 --baseline nope", "'nope' is not one of"},
        {"compare b.h5 b.h5 --brands nope", "no brand 'nope'"},
        {"compare b.h5 b.h5 --metric nope", "'nope' is not a brand metric"},
        {"info b.h5 extra", "expected one output file"},
        {"report", "expected one output file"},
        /* an output that is an input, empty, or not a regular file is never written */
        {"export b.h5 --csv b.h5", "--csv 'b.h5': it is an input file"},
        {"export b.h5 --csv ''", "--csv: empty path"},
        {"report b.h5 -o ./b.h5", "-o './b.h5': it is an input file"},
        {"report b.h5 -o .", "'.': it exists and is not a regular file"},
        {"compare b.h5 b.h5 -o b.h5", "-o 'b.h5': it is an input file"},
        {"compare b.h5 b.h5 -o c.jpg", "'jpg' is not a figure format, expected .png, .svg or .pdf"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        int rc = sh("'%s' %s", BS_BINARY, cases[k].args);
        char *err = err_txt();
        cr_expect_eq(rc, 2, "%s: exit %d", cases[k].args, rc);
        cr_expect_not_null(strstr(err, cases[k].why), "%s: '%s'", cases[k].args, err);
        free(err);
    }
    cr_expect_eq(sh("'%s' info b.h5", BS_BINARY), 0, "b.h5 was damaged by a refused output");
    static const char *const helps[] = {"plot", "compare", "export", "info", "report"};
    for (size_t k = 0; k < sizeof helps / sizeof *helps; k++)
        cr_expect_eq(sh("'%s' %s --help", BS_BINARY, helps[k]), 0, "%s --help", helps[k]);
}
