/* SPDX-License-Identifier: MIT */
/*
 * test_export.c: `brandsim export` and export.h, on small real runs: tests/data/good/
 * tiny.yaml (one run) and tests/data/analysis/ensemble.yaml (2 variants x 3 replicates)
 * with trait bins by grudge as well as the strength bins, run by the command in a
 * temporary folder.
 *
 * - the default table is byte for byte the series table as it always was: every series
 *   read back with the reader, in the documented order, each number in as few digits as
 *   read back (the writer here was checked against the export of the commit before the
 *   filters, 36896a8, on these files: identical);
 * - --metrics, --segments, --brands and --variant keep exactly the rows of the unfiltered
 *   table whose metric, segment, brand and variant are named (market rows: no brand), in
 *   its order;
 * - --summary's n, mean, sd and CI equal those computed here with GSL from the
 *   per-replicate rows (from the file's /ensemble group and, with it removed, computed);
 *   one replicate: the value, empty sd and CI; day = (step + 1) x step_days;
 * - --outcomes equals bs_kpis_compute and the seeds; with --summary, the mean and t CI
 *   of the replicates computed here;
 * - bad names and combinations exit 2 with the message and write nothing; every table
 *   stops at a set cancel flag after its header.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "brandsim/export.h"
#include "brandsim/outcomes.h"
#include "brandsim/results.h"
#include "test_dir.h"

#define SRC BS_SOURCE_DIR

static void setup(void) { test_dir_make("/tmp/bs_export_XXXXXX"); }

static void teardown(void) { test_dir_remove(); }

TestSuite(export, .init = setup, .fini = teardown, .timeout = 120);

/* ---- helpers ------------------------------------------------------------------------- */

static char *err_txt(void) { return slurp(in_dir("err.txt"), NULL); }

static int exists(const char *name)
{
    struct stat st;
    return stat(in_dir(name), &st) == 0;
}

/* tiny.yaml into NAME.h5: 2 000 consumers, 10 steps, brands a and b, one run. */
static void tiny_run(const char *name)
{
    cr_assert_eq(sh("'%s' run '%s/tests/data/good/tiny.yaml' -o %s.h5 -q", BS_BINARY, SRC, name), 0,
                 "run tiny failed");
}

/* ensemble.yaml into NAME.h5 (2 variants x 3 replicates, 20 steps of 7 days, brands alder,
 * birch, cedar) with 3 strength bins and 4 trait bins by grudge. */
static void ensemble_run(const char *name)
{
    cr_assert_eq(sh("'%s' run '%s/tests/data/analysis/ensemble.yaml' -o %s.h5 -q --set "
                    "trait_quantiles=4 --set quantile_trait=grudge", BS_BINARY, SRC, name), 0,
                 "ensemble run failed");
}

static bs_results *open_results(const char *name)
{
    bs_error err = {0};
    bs_results *r = bs_results_open(in_dir(name), &err);
    cr_assert_not_null(r, "%s", err.msg);
    return r;
}

/* A CSV file as lines (the text split in place; line[0] the header). */
typedef struct {
    char *text;
    char **line;
    size_t n;
} table;

static table load(const char *name)
{
    table t = {0};
    t.text = slurp(in_dir(name), NULL);
    cr_assert_not_null(t.text, "no %s", name);
    size_t cap = 1024;
    t.line = malloc(cap * sizeof *t.line);
    for (char *p = t.text; *p;) {
        char *nl = strchr(p, '\n');
        cr_assert_not_null(nl, "%s: a line without its end", name);
        *nl = '\0';
        if (t.n == cap)
            t.line = realloc(t.line, (cap *= 2) * sizeof *t.line);
        t.line[t.n++] = p;
        p = nl + 1;
    }
    cr_assert_gt(t.n, 0, "%s is empty", name);
    return t;
}

static void unload(table *t)
{
    free(t->text);
    free(t->line);
}

/* Field k of a CSV line (no quoted fields in these files) into buf. */
static const char *fld(const char *line, int k, char *buf, size_t n)
{
    for (; k > 0 && line; k--)
        if ((line = strchr(line, ',')))
            line++;
    cr_assert_not_null(line, "too few fields");
    snprintf(buf, n, "%.*s", (int)strcspn(line, ","), line);
    return buf;
}

/* A cell as a number: NaN when empty. */
static double cell(const char *line, int k)
{
    char buf[64];
    fld(line, k, buf, sizeof buf);
    return *buf ? strtod(buf, NULL) : NAN;
}

/* name in "a,b,c" (NULL: every name). */
static int named(const char *list, const char *name)
{
    if (!list)
        return 1;
    size_t n = strlen(name);
    for (const char *p = list; *p; p += strcspn(p, ","), p += *p == ',')
        if (strcspn(p, ",") == n && !strncmp(p, name, n))
            return 1;
    return 0;
}

/* a and b equal, or both NaN; within a relative tolerance. */
static int close_to(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return fabs(a - b) <= 1e-12 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

/* ---- the series table, as it always was ------------------------------------------------ */

static const char *number(double x, char *buf)
{
    if (isnan(x))
        return strcpy(buf, "NaN");
    if (isinf(x))
        return strcpy(buf, x > 0 ? "Inf" : "-Inf");
    for (int d = 15; d <= 17; d++) {
        snprintf(buf, 32, "%.*g", d, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    return buf;
}

/* The series table of variant v (-1: every one), written here from the reader. */
static char *reference_series(const bs_results *r, int only)
{
    int R = bs_results_replicates(r), S = bs_results_steps(r), B = bs_results_brands(r);
    double *x = malloc((size_t)R * S * BS_QUANTILE_MAX_BINS * B * sizeof *x);
    char *text = NULL, num[32];
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    bs_error err = {0};
    fputs("step,variant,replicate,brand,segment,metric,value\n", f);
    for (int v = 0; v < bs_results_variants(r); v++) {
        if (only >= 0 && v != only)
            continue;
        const char *vn = bs_results_variant_name(r, v);
        for (int seg = 0; seg < BS_SEG_COUNT; seg++)
            for (int m = 0; m < BS_M_COUNT; m++) {
                cr_assert_eq(bs_results_series(r, v, seg, m, x, &err), BS_OK, "%s", err.msg);
                for (int rep = 0; rep < R; rep++)
                    for (int t = 0; t < S; t++)
                        for (int b = 0; b < B; b++)
                            fprintf(f, "%d,%s,%d,%s,%s,%s,%s\n", t, vn, rep,
                                    bs_results_brand_name(r, b), bs_segment_name(seg),
                                    bs_metric_get(m)->name,
                                    number(x[((size_t)rep * S + t) * B + b], num));
            }
        for (int m = 0; m < BS_MK_COUNT; m++) {
            if (!bs_results_has_market(r, m))
                continue;
            cr_assert_eq(bs_results_market(r, v, m, x, &err), BS_OK, "%s", err.msg);
            for (int rep = 0; rep < R; rep++)
                for (int t = 0; t < S; t++)
                    fprintf(f, "%d,%s,%d,,market,%s,%s\n", t, vn, rep,
                            bs_market_metric_get(m)->name, number(x[(size_t)rep * S + t], num));
        }
        for (int g = 0; g < BS_QG_COUNT; g++) {
            int bins = bs_results_quantile_bins(r, g), trait = bs_results_quantile_trait(r);
            for (int m = 0; bins && m < BS_QM_COUNT; m++) {
                cr_assert_eq(bs_results_quantile(r, v, g, m, x, &err), BS_OK, "%s", err.msg);
                for (int rep = 0; rep < R; rep++)
                    for (int t = 0; t < S; t++)
                        for (int q = 0; q < bins; q++)
                            for (int b = 0; b < B; b++) {
                                char bin[64];
                                bs_quantile_bin_name(g, trait, q, bin, sizeof bin);
                                fprintf(f, "%d,%s,%d,%s,%s,%s,%s\n", t, vn, rep,
                                        bs_results_brand_name(r, b), bin,
                                        bs_quantile_metric_get(m)->name,
                                        number(x[(((size_t)rep * S + t) * bins + q) * B + b], num));
                            }
            }
        }
    }
    fclose(f);
    free(x);
    return text;
}

/* The first line where two texts differ, for a failure message. */
static size_t first_difference(const char *a, const char *b)
{
    size_t line = 1;
    for (; *a && *a == *b; a++, b++)
        line += *a == '\n';
    return line;
}

Test(export, default_is_the_series_table_as_before)
{
    ensemble_run("q");
    tiny_run("t");
    static const struct {
        const char *file, *args;
        int variant;
    } cases[] = {{"q", "", -1}, {"q", "--variant apology", 1}, {"t", "", -1}};
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        bs_results *r = open_results(cases[k].file[0] == 'q' ? "q.h5" : "t.h5");
        char *want = reference_series(r, cases[k].variant);
        cr_assert_eq(sh("'%s' export %s.h5 --csv o.csv %s", BS_BINARY, cases[k].file,
                        cases[k].args), 0, "%s", err_txt());
        char *got = slurp(in_dir("o.csv"), NULL);
        cr_assert_not_null(got);
        cr_expect(!strcmp(got, want), "export %s.h5 %s: differs at line %zu", cases[k].file,
                  cases[k].args, first_difference(got, want));
        free(got);
        cr_assert_eq(sh("'%s' export %s.h5 --csv - %s", BS_BINARY, cases[k].file, cases[k].args),
                     0);
        got = slurp(in_dir("out.txt"), NULL);
        cr_expect(got && !strcmp(got, want), "--csv -: the same bytes");
        free(got);
        /* the library: bs_export_csv and bs_export_write with zeroed options alike */
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        bs_error err = {0};
        bs_export_options o = {.variant = cases[k].variant < 0 ? NULL : "apology"};
        cr_expect_eq(bs_export_write(r, &o, f, (bs_cancel){0}, &err), BS_OK, "%s", err.msg);
        fclose(f);
        cr_expect(!strcmp(text, want), "bs_export_write: the same bytes");
        free(text);
        free(want);
        bs_results_free(r);
    }
    cr_expect(!exists("o.csv.partial"));
    /* the documented count: V x R x S x (9 x 33 x B + 10 + (3 + 4) bins x 6 x B) + header */
    cr_assert_eq(sh("'%s' export t.h5 --csv o.csv", BS_BINARY), 0);
    table t = load("o.csv"); /* tiny: one run, 3 strength bins */
    cr_expect_eq(t.n, 1 + 10 * (9 * 33 * 2 + 10 + 3 * 6 * 2), "rows %zu", t.n);
    cr_expect_str_eq(t.line[0], "step,variant,replicate,brand,segment,metric,value");
    unload(&t);
}

/* ---- filters ---------------------------------------------------------------------------- */

Test(export, filters_keep_exactly_the_rows_named)
{
    ensemble_run("q");
    cr_assert_eq(sh("'%s' export q.h5 --csv all.csv", BS_BINARY), 0, "%s", err_txt());
    table all = load("all.csv");
    static const struct {
        const char *metrics, *segments, *brands, *variant;
        size_t rows; /* expected, 0: not counted by hand */
    } cases[] = {
        /* 2 variants x 3 replicates x 20 steps x (9 segments x 3 brands + 1 market) */
        {"market_share,acts_gini", NULL, NULL, NULL, 6 * 20 * (9 * 3 + 1)},
        {NULL, "strong,market", NULL, NULL, 6 * 20 * (33 * 3 + 10)},
        {NULL, NULL, "birch", "apology", 3 * 20 * (9 * 33 + 10 + 7 * 6)},
        /* purchases is a brand, a market and a quantile metric */
        {"purchases", NULL, NULL, NULL, 6 * 20 * (9 * 3 + 1 + 7 * 3)},
        {"revenge_acts,mean_revenge", "strength_q1,grudge_q3,weak", "alder,cedar", NULL,
         6 * 20 * (2 + 2 * 2 * 2)},
        {"exits", "market,all", "cedar", "silent", 3 * 20},
        {NULL, "grudge_q4", NULL, NULL, 6 * 20 * 6 * 3},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char args[512] = "";
        size_t n = 0;
        if (cases[k].metrics)
            n += (size_t)snprintf(args + n, sizeof args - n, " --metrics %s", cases[k].metrics);
        if (cases[k].segments)
            n += (size_t)snprintf(args + n, sizeof args - n, " --segments %s", cases[k].segments);
        if (cases[k].brands)
            n += (size_t)snprintf(args + n, sizeof args - n, " --brands %s", cases[k].brands);
        if (cases[k].variant)
            snprintf(args + n, sizeof args - n, " --variant %s", cases[k].variant);
        cr_assert_eq(sh("'%s' export q.h5 --csv f.csv%s", BS_BINARY, args), 0, "%s: %s", args,
                     err_txt());
        table f = load("f.csv");
        cr_expect_str_eq(f.line[0], all.line[0], "%s: the header", args);
        size_t at = 1, kept = 0;
        for (size_t i = 1; i < all.n; i++) {
            char variant[64], brand[64], segment[64], metric[64];
            fld(all.line[i], 1, variant, sizeof variant);
            fld(all.line[i], 3, brand, sizeof brand);
            fld(all.line[i], 4, segment, sizeof segment);
            fld(all.line[i], 5, metric, sizeof metric);
            if (!named(cases[k].metrics, metric) || !named(cases[k].segments, segment)
                || (*brand && !named(cases[k].brands, brand)) || !named(cases[k].variant, variant))
                continue;
            kept++;
            cr_assert_lt(at, f.n, "%s: row %zu of the unfiltered table is missing", args, i);
            cr_assert_str_eq(f.line[at], all.line[i], "%s: row %zu", args, at);
            at++;
        }
        cr_expect_eq(f.n, at, "%s: %zu rows more than asked for", args, f.n - at);
        cr_expect_gt(kept, 0, "%s keeps rows", args);
        cr_expect(!cases[k].rows || kept == cases[k].rows, "%s: %zu rows, counted %zu", args, kept,
                  cases[k].rows);
        unload(&f);
    }
    unload(&all);
}

/* ---- the summary ------------------------------------------------------------------------ */

/* Every row of the summary s against the statistics of the series table l's rows of the same
 * key (variant, brand, segment, metric, step), computed here with GSL; every row of l is
 * counted in exactly one row of s. */
static void check_summary(const char *l_name, const char *s_name, int R, double step_days)
{
    table l = load(l_name), s = load(s_name);
    cr_assert_str_eq(s.line[0], "step,day,variant,brand,segment,metric,n,mean,sd,ci_low,ci_high");
    cr_expect_eq((l.n - 1), (s.n - 1) * (size_t)R, "summary rows %zu for %zu rows of %d replicates",
                 s.n - 1, l.n - 1, R);
    double *x = malloc((size_t)R * sizeof *x);
    size_t used = 0, empty_sd = 0;
    for (size_t i = 1; i < s.n; i++) {
        char key[5][64], other[5][64], nbuf[16];
        static const int s_cols[5] = {0, 2, 3, 4, 5}, l_cols[5] = {0, 1, 3, 4, 5};
        for (int c = 0; c < 5; c++)
            fld(s.line[i], s_cols[c], key[c], sizeof key[c]);
        int n = 0;
        for (size_t j = 1; j < l.n && n <= R; j++) {
            int same = 1;
            for (int c = 0; c < 5 && same; c++)
                same = !strcmp(fld(l.line[j], l_cols[c], other[c], sizeof other[c]), key[c]);
            if (same) {
                cr_assert_lt(n, R, "more than %d rows for %s", R, s.line[i]);
                x[n++] = cell(l.line[j], 6);
            }
        }
        cr_assert_eq(n, R, "%s: %d replicates' rows", s.line[i], n);
        used += (size_t)n;
        cr_expect_str_eq(fld(s.line[i], 6, nbuf, sizeof nbuf), R == 1 ? "1" : "3");
        cr_expect_eq(cell(s.line[i], 1), (atoi(key[0]) + 1) * step_days, "day of %s", s.line[i]);
        double mean = gsl_stats_mean(x, 1, (size_t)R), sd = NAN, lo = NAN, hi = NAN;
        if (R > 1) {
            sd = gsl_stats_sd(x, 1, (size_t)R);
            double half = gsl_cdf_tdist_Pinv(0.975, R - 1.0) * sd / sqrt((double)R);
            lo = mean - half;
            hi = mean + half;
        }
        empty_sd += isnan(cell(s.line[i], 8));
        cr_expect(close_to(cell(s.line[i], 7), mean), "%s: mean %.17g", s.line[i], mean);
        cr_expect(close_to(cell(s.line[i], 8), sd), "%s: sd %.17g", s.line[i], sd);
        cr_expect(close_to(cell(s.line[i], 9), lo), "%s: ci_low %.17g", s.line[i], lo);
        cr_expect(close_to(cell(s.line[i], 10), hi), "%s: ci_high %.17g", s.line[i], hi);
    }
    cr_expect_eq(used, l.n - 1, "every replicate row is summarised once");
    if (R == 1)
        cr_expect_eq(empty_sd, s.n - 1, "one replicate: every sd empty");
    else
        cr_expect_lt(empty_sd, (s.n - 1) / 2, "three replicates: most sds there");
    free(x);
    unload(&l);
    unload(&s);
}

Test(export, summary_is_the_statistics_of_the_replicates)
{
    ensemble_run("q");
    const char *pick = "--metrics market_share,mean_revenge,acts_gini,relationships,purchases "
                       "--segments all,strong,market,strength_q2,grudge_q4 --brands alder,cedar";
    cr_assert_eq(sh("'%s' export q.h5 --csv l.csv %s", BS_BINARY, pick), 0, "%s", err_txt());
    cr_assert_eq(sh("'%s' export q.h5 --csv s.csv --summary %s", BS_BINARY, pick), 0, "%s",
                 err_txt());
    check_summary("l.csv", "s.csv", 3, 7.0);
    /* without the file's /ensemble group the reader computes them: the same */
    hid_t f = H5Fopen(in_dir("q.h5"), H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    cr_assert_geq(H5Ldelete(f, "variants/silent/ensemble", H5P_DEFAULT), 0);
    cr_assert_geq(H5Ldelete(f, "variants/apology/ensemble", H5P_DEFAULT), 0);
    cr_assert_geq(H5Fclose(f), 0);
    cr_assert_eq(sh("'%s' export q.h5 --csv s2.csv --summary %s", BS_BINARY, pick), 0, "%s",
                 err_txt());
    check_summary("l.csv", "s2.csv", 3, 7.0);
    /* the whole summary of one variant: a row per step, brand, segment, metric */
    cr_assert_eq(sh("'%s' export q.h5 --csv s3.csv --summary --variant silent", BS_BINARY), 0);
    table t = load("s3.csv");
    cr_expect_eq(t.n, 1 + 20 * (9 * 33 * 3 + 10 + 7 * 6 * 3), "rows %zu", t.n);
    unload(&t);

    tiny_run("t");
    cr_assert_eq(sh("'%s' export t.h5 --csv l1.csv --segments all,weak,market", BS_BINARY), 0);
    cr_assert_eq(sh("'%s' export t.h5 --csv s1.csv --segments all,weak,market --summary",
                    BS_BINARY), 0, "%s", err_txt());
    check_summary("l1.csv", "s1.csv", 1, 7.0);
    cr_expect(!exists("s1.csv.partial"));
}

/* ---- outcomes --------------------------------------------------------------------------- */

Test(export, outcomes_are_bs_kpis_compute)
{
    ensemble_run("q");
    bs_results *r = open_results("q.h5");
    enum { V = 2, R = 3, B = 3, K = BS_KPI_COUNT };
    static double k[V][R * B * K];
    bs_error err = {0};
    for (int v = 0; v < V; v++)
        cr_assert_eq(bs_kpis_compute(r, v, 0, k[v], &err), BS_OK, "%s", err.msg);
    char header[1024] = "variant,replicate,seed,brand", sheader[2048] = "variant,brand,n";
    for (int o = 0; o < K; o++) {
        const char *name = bs_kpi_get(o)->name;
        snprintf(header + strlen(header), sizeof header - strlen(header), ",%s", name);
        snprintf(sheader + strlen(sheader), sizeof sheader - strlen(sheader),
                 ",%s_mean,%s_ci_low,%s_ci_high", name, name, name);
    }
    cr_assert_eq(sh("'%s' export q.h5 --csv o.csv --outcomes", BS_BINARY), 0, "%s", err_txt());
    table t = load("o.csv");
    cr_expect_str_eq(t.line[0], header);
    cr_assert_eq(t.n, 1 + V * R * B, "a row per variant, replicate and brand: %zu", t.n);
    size_t i = 1, nan_cells = 0;
    for (int v = 0; v < V; v++)
        for (int rep = 0; rep < R; rep++)
            for (int b = 0; b < B; b++, i++) {
                char buf[64], seed[32];
                cr_expect_str_eq(fld(t.line[i], 0, buf, sizeof buf), bs_results_variant_name(r, v));
                cr_expect_eq(atoi(fld(t.line[i], 1, buf, sizeof buf)), rep);
                unsigned long long s = bs_results_seeds(r, v)[rep];
                snprintf(seed, sizeof seed, "%llu", s);
                cr_expect_str_eq(fld(t.line[i], 2, buf, sizeof buf), seed);
                cr_expect_str_eq(fld(t.line[i], 3, buf, sizeof buf), bs_results_brand_name(r, b));
                for (int o = 0; o < K; o++) {
                    double want = k[v][((size_t)rep * B + b) * K + o], got = cell(t.line[i], 4 + o);
                    nan_cells += isnan(want);
                    cr_expect(isnan(want) ? isnan(got) : got == want, "%s: %s %.17g", t.line[i],
                              bs_kpi_get(o)->name, want);
                }
            }
    cr_expect_gt(nan_cells, 0, "the run has outcomes not reached: empty cells are checked");
    unload(&t);

    /* the summary: n, mean and t CI over the replicates, per variant and brand */
    cr_assert_eq(sh("'%s' export q.h5 --csv s.csv --outcomes --summary --brands cedar,alder",
                    BS_BINARY), 0, "%s", err_txt());
    t = load("s.csv");
    cr_expect_str_eq(t.line[0], sheader);
    cr_assert_eq(t.n, 1 + V * 2, "a row per variant and brand kept: %zu", t.n);
    i = 1;
    for (int v = 0; v < V; v++)
        for (int b = 0; b < B; b++) {
            if (b == 1) /* birch: not asked for */
                continue;
            char buf[64];
            cr_expect_str_eq(fld(t.line[i], 0, buf, sizeof buf), bs_results_variant_name(r, v));
            cr_expect_str_eq(fld(t.line[i], 1, buf, sizeof buf), bs_results_brand_name(r, b));
            cr_expect_str_eq(fld(t.line[i], 2, buf, sizeof buf), "3");
            for (int o = 0; o < K; o++) {
                double x[R];
                for (int rep = 0; rep < R; rep++)
                    x[rep] = k[v][((size_t)rep * B + b) * K + o];
                double mean = gsl_stats_mean(x, 1, R);
                double half = gsl_cdf_tdist_Pinv(0.975, R - 1) * gsl_stats_sd(x, 1, R) / sqrt(R);
                cr_expect(close_to(cell(t.line[i], 3 + 3 * o), mean), "%s %s: mean %.17g",
                          t.line[i], bs_kpi_get(o)->name, mean);
                cr_expect(close_to(cell(t.line[i], 4 + 3 * o), mean - half), "%s: ci_low",
                          bs_kpi_get(o)->name);
                cr_expect(close_to(cell(t.line[i], 5 + 3 * o), mean + half), "%s: ci_high",
                          bs_kpi_get(o)->name);
            }
            i++;
        }
    unload(&t);
    bs_results_free(r);

    /* one run: the value as the mean, no CI */
    tiny_run("t");
    r = open_results("t.h5");
    double k1[2 * K];
    cr_assert_eq(bs_kpis_compute(r, 0, 0, k1, &err), BS_OK, "%s", err.msg);
    cr_assert_eq(sh("'%s' export t.h5 --csv s1.csv --outcomes --summary --brands b", BS_BINARY), 0,
                 "%s", err_txt());
    t = load("s1.csv");
    cr_assert_eq(t.n, 2);
    cr_expect_eq(strncmp(t.line[1], "tiny,b,1,", 9), 0, "%s", t.line[1]);
    for (int o = 0; o < K; o++) {
        cr_expect(close_to(cell(t.line[1], 3 + 3 * o), k1[K + o]), "%s", bs_kpi_get(o)->name);
        cr_expect(isnan(cell(t.line[1], 4 + 3 * o)) && isnan(cell(t.line[1], 5 + 3 * o)),
                  "%s: no CI with one replicate", bs_kpi_get(o)->name);
    }
    unload(&t);
    bs_results_free(r);
    cr_expect(!exists("s1.csv.partial"));
}

/* ---- bad input -------------------------------------------------------------------------- */

Test(export, bad_names_exit_2_and_write_nothing)
{
    ensemble_run("q");
    tiny_run("old");
    hid_t f = H5Fopen(in_dir("old.h5"), H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    cr_assert_geq(H5Ldelete(f, "timeseries/quantile", H5P_DEFAULT), 0);
    cr_assert_geq(H5Ldelete(f, "timeseries/market/acts_gini", H5P_DEFAULT), 0);
    cr_assert_geq(H5Fclose(f), 0);
    static const struct {
        const char *args, *why;
    } cases[] = {
        {"q.h5 --metrics market_share,nope",
         "--metrics: 'nope' is not a metric of q.h5, expected one of: market_share, purchases,"},
        {"q.h5 --metrics nope", "net_contribution, no_purchase, mean_distrust,"},
        {"q.h5 --metrics nope", "acts_gini, revenge_acts, relationships\n"},
        {"q.h5 --metrics ,", "--metrics: ',' names no metric"},
        {"q.h5 --segments strong,nope",
         "--segments: 'nope' is not a segment of q.h5, expected one of: all, strong, weak, new, "
         "fundamentalist, pragmatist, unconcerned, communal, exchange, market, strength_q1 .. "
         "strength_q3, grudge_q1 .. grudge_q4"},
        {"q.h5 --segments strength_q4",
         "--segments: q.h5: no bin strength_q4: the file has 3 strength bins"},
        {"q.h5 --segments anxiety_q1", "the file's trait bins are by grudge"},
        {"q.h5 --brands alder,nope", "--brands: 'nope' is not a brand of q.h5, expected one of: "
                                     "alder, birch, cedar"},
        {"q.h5 --variant nope", "--variant: 'nope' is not a variant of q.h5"},
        {"q.h5 --segments market --metrics market_share", "select no series of q.h5"},
        {"q.h5 --segments strength_q1 --metrics mean_quality", "select no series"},
        {"q.h5 --outcomes --metrics revenue", "--metrics: not with --outcomes"},
        {"q.h5 --outcomes --summary --segments all", "--segments: not with --outcomes"},
        {"old.h5 --metrics acts_gini",
         "--metrics: 'acts_gini': old.h5 holds no such series (it was written before that market "
         "metric existed)"},
        {"old.h5 --metrics relationships",
         "reported by quantile bin and the file holds no quantile"},
        {"old.h5 --segments strength_q1",
         "no bin strength_q1: the file holds no strength quantile"},
        {"q.h5 --summary --bogus", "unknown or incomplete option '--bogus'"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        FILE *older = fopen(in_dir("x.csv"), "w");
        cr_assert_not_null(older);
        fputs("older\n", older);
        fclose(older);
        int rc = sh("'%s' export %s --csv x.csv", BS_BINARY, cases[k].args);
        char *e = err_txt();
        cr_expect_eq(rc, 2, "%s: exit %d", cases[k].args, rc);
        cr_expect(!strncmp(e, "brandsim: ", 10) && strstr(e, cases[k].why), "%s: '%s'",
                  cases[k].args, e);
        free(e);
        char *kept = slurp(in_dir("x.csv"), NULL);
        cr_expect_str_eq(kept ? kept : "", "older\n", "%s: the older file is kept", cases[k].args);
        free(kept);
        cr_expect(!exists("x.csv.partial"));
    }
    /* what the old file does hold is still exported */
    cr_expect_eq(sh("'%s' export old.h5 --csv y.csv --metrics purchases,acts_top_decile_share "
                    "--segments market", BS_BINARY), 0, "%s", err_txt());
    table t = load("y.csv");
    cr_expect_eq(t.n, 1 + 2 * 10, "two market series of 10 steps");
    unload(&t);
    cr_expect_eq(sh("'%s' export --help | grep -q -- '--outcomes'", BS_BINARY), 0);
}

/* The library: bs_export_check refuses what the command refuses, and bs_export_write then
 * writes nothing; each table stops at a set cancel flag after its header. */
Test(export, library_checks_and_stops)
{
    tiny_run("t");
    bs_results *r = open_results("t.h5");
    bs_error err = {0};
    bs_export_options bad = {.table = BS_EXPORT_SERIES_SUMMARY, .metrics = "market_share,nope"};
    cr_expect_eq(bs_export_check(r, &bad, &err), BS_ERR_INPUT);
    cr_expect_not_null(strstr(err.msg, "--metrics: 'nope' is not a metric of"), "%s", err.msg);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_expect_eq(bs_export_write(r, &bad, f, (bs_cancel){0}, &err), BS_ERR_INPUT);
    fclose(f);
    cr_expect_eq(len, 0, "nothing written: '%s'", text);
    free(text);
    bs_export_options fine = {.table = BS_EXPORT_OUTCOMES, .brands = "b,a"};
    cr_expect_eq(bs_export_check(r, &fine, &err), BS_OK, "%s", err.msg);
    const char *names[64];
    size_t n = bs_export_metrics(r, names, 64);
    cr_expect_eq(n, BS_M_COUNT + 9 + 2, "brand metrics, 9 market-only, 2 quantile-only: %zu", n);
    cr_expect_str_eq(names[0], "market_share");
    cr_expect_str_eq(names[n - 1], "relationships");

    static const struct {
        bs_export_table table;
        const char *header;
    } tables[] = {
        {BS_EXPORT_SERIES, "step,variant,replicate,brand,segment,metric,value\n"},
        {BS_EXPORT_SERIES_SUMMARY,
         "step,day,variant,brand,segment,metric,n,mean,sd,ci_low,ci_high\n"},
        {BS_EXPORT_OUTCOMES, "variant,replicate,seed,brand,share_lost,"},
        {BS_EXPORT_OUTCOMES_SUMMARY, "variant,brand,n,share_lost_mean,"},
    };
    for (size_t k = 0; k < sizeof tables / sizeof *tables; k++) {
        volatile sig_atomic_t stop = SIGTERM;
        bs_export_options o = {.table = tables[k].table};
        text = NULL;
        f = open_memstream(&text, &len);
        cr_expect_eq(bs_export_write(r, &o, f, (bs_cancel){&stop}, &err), BS_ERR_RUNTIME,
                     "table %zu", k);
        fclose(f);
        cr_expect_str_eq(err.msg, "stopped");
        cr_expect(!strncmp(text, tables[k].header, strlen(tables[k].header)), "table %zu: %s", k,
                  text);
        cr_expect_eq(strchr(text, '\n') - text + 1, (long)len, "table %zu: the header alone", k);
        free(text);
    }
    bs_results_free(r);
}
