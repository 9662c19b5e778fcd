/* SPDX-License-Identifier: MIT */
/*
 * test_sweep.c: the sweep engine (analysis/sweep.h) and `brandsim sweep`:
 * a run's row holds the outcomes `brandsim run` and the outcomes module give
 * for the same overrides and seed; run k is point k mod P, replicate k / P;
 * the table is byte-identical for any --jobs and --threads and after an
 * interrupted sweep is resumed (a journal cut mid-row, a journal of another
 * sweep refused); designs from an experiment file map to factor values; bad
 * design and experiment files are refused with file, line and key; the HDF5
 * table holds what the CSV holds.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "brandsim/brandsim.h"
#include "test_dir.h"

#define SRC BS_SOURCE_DIR

static void setup(void) { test_dir_make("/tmp/bs_sweep_XXXXXX"); }

static void teardown(void) { test_dir_remove(); }

TestSuite(sweep, .init = setup, .fini = teardown, .timeout = 120);

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(in_dir(name), "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

/* A small market: three retailers, one breached at step 6 of 20. */
static const char market[] =
    "name: mini\nseed: 40\nconsumers: 3000\nsteps: 20\nreplicates: 2\n"
    "brands:\n  - {name: acme}\n  - {name: bolt}\n  - {name: cove}\n"
    "shocks:\n  - {kind: breach, step: 6, brands: [acme], size: 0.5, reach: 0.6}\n";

static const char design[] = "brands[acme].breach_response,brands[acme].response_delay\n"
                             "none,1\n"
                             "apology,0\n"
                             "# a comment, skipped\n"
                             "compensation,3\n";

Test(sweep, a_row_holds_what_a_single_run_of_the_same_point_and_seed_gives)
{
    write_file("m.yaml", market);
    write_file("d.csv", design);
    bs_error err = {0};
    bs_sweep *s = bs_sweep_from_design(in_dir("m.yaml"), in_dir("d.csv"), NULL, 0, 2, &err);
    cr_assert_not_null(s, "%s", err.msg);
    cr_expect_eq(bs_sweep_points(s), 3);
    cr_expect_eq(bs_sweep_runs(s), 6);
    cr_expect_str_eq(bs_sweep_value(s, 2, 0), "compensation");
    cr_expect_eq(bs_sweep_brands(s), 1, "the brand the first shock hits");
    bs_sweep_opts opt = {.jobs = 2};
    cr_assert_eq(bs_sweep_run(s, in_dir("t.csv"), &opt, &err), BS_OK, "%s", err.msg);
    /* run 5 is point 2 (compensation, delay 3), replicate 1: seed 41 */
    cr_assert_eq(sh("'%s' run m.yaml -o one.h5 -q --seed 41 --replicates 1 "
                    "--set 'brands[acme].breach_response=compensation' "
                    "--set 'brands[acme].response_delay=3'",
                    BS_BINARY),
                 0);
    bs_results *r = bs_results_open(in_dir("one.h5"), &err);
    cr_assert_not_null(r, "%s", err.msg);
    double kp[3 * BS_KPI_COUNT];
    cr_assert_eq(bs_kpis_compute(r, 0, 0, kp, &err), BS_OK, "%s", err.msg);
    for (int o = 0; o < BS_KPI_COUNT; o++) {
        double want = kp[o], got = bs_sweep_outcome(s, 5, 0, (bs_kpi)o);
        cr_expect(isnan(want) ? isnan(got) : got == want, "%s: sweep %.17g, run %.17g",
                  bs_kpi_get((bs_kpi)o)->name, got, want);
    }
    cr_expect_gt(bs_sweep_outcome(s, 5, 0, BS_KPI_RESPONSE_COST), 0, "compensation costs");
    cr_expect_eq(bs_sweep_outcome(s, 0, 0, BS_KPI_RESPONSE_COST), 0, "none costs nothing");
    bs_results_free(r);
    bs_sweep_free(s);
    char *csv = slurp(in_dir("t.csv"), NULL);
    cr_assert_not_null(csv);
    cr_expect_not_null(strstr(csv, "run,point,replicate,seed,brands[acme].breach_response,"
                                   "brands[acme].response_delay,acme.share_lost,"), "%.200s", csv);
    cr_expect_not_null(strstr(csv, "\n4,1,1,41,apology,0,"), "run 4: point 1, replicate 1");
    cr_expect(access(in_dir("t.csv.partial"), F_OK) != 0, "the journal is gone when done");
    free(csv);
}

static char *sweep_csv(const char *out, const char *flags)
{
    cr_assert_eq(sh("'%s' sweep m.yaml --design d.csv --replicates 2 --outcomes %s -q %s",
                    BS_BINARY, out, flags),
                 0, "%s", slurp(in_dir("err.txt"), NULL));
    char *t = slurp(in_dir(out), NULL);
    cr_assert_not_null(t);
    return t;
}

Test(sweep, the_table_is_the_same_for_any_jobs_and_threads)
{
    write_file("m.yaml", market);
    write_file("d.csv", design);
    char *a = sweep_csv("a.csv", "--jobs 1 --threads 1");
    char *b = sweep_csv("b.csv", "--jobs 2");
    char *c = sweep_csv("c.csv", "--jobs 1 --threads 3");
    cr_expect_str_eq(a, b);
    cr_expect_str_eq(a, c);
    free(a);
    free(b);
    free(c);
}

Test(sweep, a_resumed_sweep_redoes_nothing_and_ends_as_one_never_stopped)
{
    write_file("m.yaml", market);
    write_file("d.csv", design);
    char *full = sweep_csv("full.csv", "");
    /* a journal as a kill leaves it: the header, runs 0, 3 and 1, and half of run 2's row */
    char *nl = strchr(full, '\n');
    const char *row[6];
    for (int k = 0; k < 6; k++) {
        row[k] = nl + 1;
        nl = strchr(nl + 1, '\n');
    }
    FILE *j = fopen(in_dir("cut.csv.partial"), "w");
    fwrite(full, 1, (size_t)(row[0] - full), j);
    fwrite(row[0], 1, (size_t)(row[1] - row[0]), j);
    fwrite(row[3], 1, (size_t)(row[4] - row[3]), j);
    fwrite(row[1], 1, (size_t)(row[2] - row[1]), j);
    fwrite(row[2], 1, (size_t)(row[3] - row[2]) / 2, j);
    fclose(j);
    cr_expect_eq(sh("'%s' sweep m.yaml --design d.csv --replicates 2 --outcomes cut.csv -q",
                    BS_BINARY),
                 2, "a journal and no --resume: refused");
    cr_expect(access(in_dir("cut.csv"), F_OK) != 0);
    cr_assert_eq(sh("'%s' sweep m.yaml --design d.csv --replicates 2 --outcomes cut.csv --resume",
                    BS_BINARY),
                 0, "%s", slurp(in_dir("err.txt"), NULL));
    char *err = slurp(in_dir("err.txt"), NULL);
    cr_expect_not_null(strstr(err, "6/6 runs (3 resumed)"), "%s", err);
    char *cut = slurp(in_dir("cut.csv"), NULL);
    cr_expect_str_eq(cut, full);
    cr_expect(access(in_dir("cut.csv.partial"), F_OK) != 0);
    free(err);
    free(cut);
    /* the journal of another sweep (other factors) is refused, and left as it was */
    write_file("other.csv.partial", "run,point,replicate,seed,model.revenge_decay,acme.share_lost\n");
    cr_expect_eq(sh("'%s' sweep m.yaml --design d.csv --outcomes other.csv --resume -q", BS_BINARY),
                 2);
    err = slurp(in_dir("err.txt"), NULL);
    cr_expect_not_null(strstr(err, "written by another sweep"), "%s", err);
    free(err);
    free(full);
}

Test(sweep, an_interrupted_sweep_keeps_its_finished_runs)
{
    write_file("m.yaml", market);
    write_file("d.csv", design);
    bs_error err = {0};
    bs_sweep *s = bs_sweep_from_design(in_dir("m.yaml"), in_dir("d.csv"), NULL, 0, 2, &err);
    cr_assert_not_null(s, "%s", err.msg);
    static volatile sig_atomic_t stop = 1; /* asked to stop before anything ran */
    bs_sweep_opts opt = {.jobs = 1, .cancel = {&stop}};
    cr_expect_eq(bs_sweep_run(s, in_dir("i.csv"), &opt, &err), BS_ERR_RUNTIME);
    cr_expect_not_null(strstr(err.msg, "interrupted after 0 of 6 runs"), "%s", err.msg);
    cr_expect(access(in_dir("i.csv"), F_OK) != 0, "no table under the target name");
    cr_expect(access(in_dir("i.h5"), F_OK) != 0);
    cr_expect(access(in_dir("i.csv.partial"), F_OK) == 0, "the journal, for --resume");
    bs_sweep_free(s);
}

Test(sweep, an_experiment_file_maps_its_design_to_factor_values)
{
    write_file("m.yaml", market);
    write_file("e.yaml", "name: fact\ndescription: a grid\nscenario: m.yaml\ndesign: factorial\nreplicates: 1\n"
                         "set: {consumers: 2000}\nbrands: [acme, bolt]\nfactors:\n"
                         "  - {path: \"brands[acme].breach_response\", levels: [none, apology]}\n"
                         "  - {path: model.response_apology, levels: [0.1, 0.3, 0.5]}\n");
    bs_error err = {0};
    bs_sweep *s = bs_sweep_load(in_dir("e.yaml"), NULL, 0, &err);
    cr_assert_not_null(s, "%s", err.msg);
    cr_expect_str_eq(bs_sweep_name(s), "fact");
    cr_expect_eq(bs_sweep_points(s), 6);
    cr_expect_eq(bs_sweep_replicates(s), 1);
    cr_expect_eq(bs_sweep_scenario(s)->consumers, 2000, "set: applies");
    cr_expect_eq(bs_sweep_brands(s), 2);
    const char *want[6][2] = {{"none", "0.1"},    {"none", "0.3"},    {"none", "0.5"},
                              {"apology", "0.1"}, {"apology", "0.3"}, {"apology", "0.5"}};
    for (size_t p = 0; p < 6; p++)
        for (int i = 0; i < 2; i++)
            cr_expect_str_eq(bs_sweep_value(s, p, i), want[p][i], "point %zu factor %d", p, i);
    cr_expect_str_eq(bs_sweep_default_output(s), "results/fact-runs.csv");
    bs_sweep_free(s);
    /* a Latin hypercube over a range: values inside it, whole numbers when asked */
    write_file("l.yaml", "name: l\nscenario: m.yaml\ndesign: lhs\nsamples: 10\nseed: 3\nfactors:\n"
                         "  - {path: \"brands[acme].response_delay\", range: [0, 8], integer: true}\n"
                         "  - {path: model.revenge_decay, range: [0.01, 0.2]}\n");
    s = bs_sweep_load(in_dir("l.yaml"), NULL, 0, &err);
    cr_assert_not_null(s, "%s", err.msg);
    int seen[9] = {0};
    for (size_t p = 0; p < 10; p++) {
        char *end;
        long d = strtol(bs_sweep_value(s, p, 0), &end, 10);
        cr_expect(!*end && d >= 0 && d <= 8, "%s", bs_sweep_value(s, p, 0));
        if (d >= 0 && d <= 8) seen[d] = 1;
        double x = strtod(bs_sweep_value(s, p, 1), &end);
        cr_expect(!*end && x >= 0.01 && x <= 0.2, "%s", bs_sweep_value(s, p, 1));
        double u = bs_sweep_unit(s, p)[1];
        cr_expect_float_eq(x, 0.01 + u * 0.19, 1e-12);
    }
    cr_expect(seen[0] + seen[8] >= 1, "the range's ends are reached");
    bs_sweep_free(s);
}

/* Each bad file: the exit code 2 and the pieces of the message. */
static void refused(const char *cmd, const char *a, const char *b)
{
    cr_expect_eq(sh("'%s' sweep %s -q", BS_BINARY, cmd), 2, "%s", cmd);
    char *err = slurp(in_dir("err.txt"), NULL);
    cr_expect(err && strstr(err, a) && (!b || strstr(err, b)), "%s: %s", cmd, err);
    free(err);
}

Test(sweep, bad_design_and_experiment_files_are_refused_with_where_and_what)
{
    write_file("m.yaml", market);
    write_file("cols.csv", "brands[acme].response_delay,model.revenge_decay\n1,0.1\n2\n");
    refused("m.yaml --design cols.csv --outcomes o.csv", "cols.csv:3:", "1 values, expected 2");
    write_file("path.csv", "model.no_such_key\n1\n");
    refused("m.yaml --design path.csv --outcomes o.csv", "path.csv:1:", "no_such_key");
    write_file("value.csv", "brands[acme].breach_response\napology\napologie\n");
    refused("m.yaml --design value.csv --outcomes o.csv", "value.csv:3:", "apologie");
    write_file("range.csv", "model.revenge_decay\n1.5\n");
    refused("m.yaml --design range.csv --outcomes o.csv", "range.csv:2:", "revenge_decay");
    write_file("empty.csv", "brands[acme].breach_response\n");
    refused("m.yaml --design empty.csv --outcomes o.csv", "empty.csv", "no rows");
    refused("m.yaml --design value.csv", "--outcomes", NULL);
    write_file("ok.csv", "model.revenge_decay\n0.1\n");
    refused("m.yaml --design ok.csv --outcomes o.h5", "does not end in .csv", NULL);
    write_file("e1.yaml", "name: e\nscenario: m.yaml\ndesign: sobl\nsamples: 4\nfactors:\n"
                          "  - {path: model.revenge_decay, range: [0.1, 0.2]}\n");
    refused("e1.yaml", "e1.yaml:3:", "design");
    write_file("e2.yaml", "name: e\nscenario: m.yaml\ndesign: factorial\nfactors:\n"
                          "  - {path: model.revenge_decay, range: [0.1, 0.2]}\n");
    refused("e2.yaml", "e2.yaml:", "expected levels");
    write_file("e3.yaml", "name: e\nscenario: m.yaml\ndesign: lhs\nfactors:\n"
                          "  - {path: model.revenge_decay, range: [0.1, 0.2]}\n");
    refused("e3.yaml", "'samples': missing", NULL);
    write_file("e4.yaml", "name: e\nscenario: m.yaml\ndesign: lhs\nsamples: 3\nfactors:\n"
                          "  - {path: model.revenge_decay, range: [0.3, 0.2]}\n");
    refused("e4.yaml", "e4.yaml:6:", "min <= max");
    write_file("e5.yaml", "name: e\nscenario: nowhere.yaml\ndesign: oat\nfactors:\n"
                          "  - {path: model.revenge_decay, range: [0.1, 0.2]}\n");
    refused("e5.yaml", "e5.yaml:2:", "nowhere.yaml");
    write_file("e6.yaml", "name: e\nscenario: m.yaml\ndesign: oat\nbrands: [zed]\nfactors:\n"
                          "  - {path: model.revenge_decay, range: [0.1, 0.2]}\n");
    refused("e6.yaml", "e6.yaml:4:", "no brand 'zed'");
    write_file("e7.yaml", "name: e\nscenario: m.yaml\ndesign: oat\nfactor:\n"
                          "  - {path: model.revenge_decay, range: [0.1, 0.2]}\n");
    refused("e7.yaml", "e7.yaml:4:", "factor");
}

/* The HDF5 table: one column per run, outcomes NaN where the CSV cell is empty. */
Test(sweep, the_hdf5_table_holds_what_the_csv_holds)
{
    write_file("m.yaml", market);
    write_file("d.csv", design);
    char *csv = sweep_csv("h.csv", "");
    hid_t f = H5Fopen(in_dir("h.h5"), H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0);
    double x[6], y[6];
    uint64_t seed[6];
    hid_t ds = H5Dopen2(f, "/outcomes/acme/net_contribution", H5P_DEFAULT);
    cr_assert_geq(ds, 0);
    cr_assert_geq(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x), 0);
    H5Dclose(ds);
    ds = H5Dopen2(f, "/runs/seed", H5P_DEFAULT);
    cr_assert_geq(H5Dread(ds, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, seed), 0);
    H5Dclose(ds);
    ds = H5Dopen2(f, "/outcomes/acme/recovery_weeks", H5P_DEFAULT);
    cr_assert_geq(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, y), 0);
    H5Dclose(ds);
    H5Fclose(f);
    /* the CSV's net_contribution column (the 13th) and recovery (the 10th) */
    char *line = strchr(csv, '\n') + 1;
    for (int k = 0; k < 6; k++) {
        char *c = line;
        for (int col = 0; col < 8; col++) c = strchr(c, ',') + 1;
        cr_expect(*c == ',' ? isnan(y[k]) : strtod(c, NULL) == y[k], "run %d recovery", k);
        for (int col = 8; col < 12; col++) c = strchr(c, ',') + 1;
        cr_expect_eq(strtod(c, NULL), x[k], "run %d", k);
        cr_expect_eq(seed[k], 40 + (uint64_t)k / 3);
        line = strchr(line, '\n') + 1;
    }
    free(csv);
}

/* A factor that changes no number of the model (a fixed cost of a response nobody makes)
 * gets indices of exactly 0 on share lost, whatever the design; the breach's size does not. */
Test(sweep, sensitivity_tells_a_factor_that_matters_from_one_that_cannot)
{
    write_file("m.yaml", market);
    static const char *const designs[3] = {"saltelli\nsamples: 8", "morris\nsamples: 4",
                                           "oat"};
    for (int d = 0; d < 3; d++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "name: sens\nscenario: m.yaml\nreplicates: 1\ndesign: %s\nfactors:\n"
                 "  - {path: \"shocks[0].size\", range: [0.1, 1]}\n"
                 "  - {path: economics.transparency_fixed, range: [0, 1000]}\n",
                 designs[d]);
        write_file("s.yaml", text);
        bs_error err = {0};
        bs_sweep *s = bs_sweep_load(in_dir("s.yaml"), NULL, 0, &err);
        cr_assert_not_null(s, "%s", err.msg);
        cr_assert(bs_sweep_has_sensitivity(s));
        bs_sweep_opts opt = {.jobs = 2};
        cr_assert_eq(bs_sweep_run(s, in_dir("s.csv"), &opt, &err), BS_OK, "%s", err.msg);
        bs_sensitivity ix[2];
        cr_assert_eq(bs_sweep_sensitivity(s, 0, BS_KPI_SHARE_LOST, ix, &err), BS_OK, "%s", err.msg);
        if (d == 0) {
            cr_expect_eq(ix[1].sobol.total.estimate, 0, "%g", ix[1].sobol.total.estimate);
            cr_expect_eq(ix[1].sobol.first.estimate, 0, "%g", ix[1].sobol.first.estimate);
            cr_expect_gt(ix[0].sobol.total.estimate, 0.5, "%g", ix[0].sobol.total.estimate);
            cr_expect_eq(ix[0].used, 8);
        } else if (d == 1) {
            cr_expect_eq(ix[1].morris.mu_star, 0);
            cr_expect_gt(ix[0].morris.mu_star, 0);
        } else {
            cr_expect_eq(ix[1].oat.low, ix[1].oat.high);
            cr_expect_gt(ix[0].oat.high, ix[0].oat.low, "a larger breach costs more share");
        }
        cr_assert_eq(bs_sweep_write_sensitivity(s, in_dir("sens.csv"), &err), BS_OK, "%s", err.msg);
        char *t = slurp(in_dir("sens.csv"), NULL);
        cr_expect_not_null(strstr(t, "brand,outcome,factor,method,"), "%.100s", t);
        cr_expect_not_null(strstr(t, "acme,share_lost,shocks[0].size,"), "%.300s", t);
        free(t);
        bs_sweep_free(s);
    }
    /* a design without indices says so */
    write_file("l.yaml", "name: l\nscenario: m.yaml\ndesign: lhs\nsamples: 2\nfactors:\n"
                         "  - {path: model.revenge_decay, range: [0.1, 0.2]}\n");
    bs_error err = {0};
    bs_sweep *s = bs_sweep_load(in_dir("l.yaml"), NULL, 0, &err);
    cr_assert_not_null(s, "%s", err.msg);
    bs_sensitivity ix[1];
    cr_expect_eq(bs_sweep_sensitivity(s, 0, BS_KPI_SHARE_LOST, ix, &err), BS_ERR_INPUT);
    cr_expect_not_null(strstr(err.msg, "no sensitivity"), "%s", err.msg);
    bs_sweep_free(s);
}

/* Every shipped experiment file loads: its scenario, factors and points are valid. */
Test(sweep, shipped_experiment_files_load)
{
    static const char *const shipped[] = {"default-sobol.yaml", "response-decision.yaml",
                                          "cluster-bench.yaml"};
    for (size_t i = 0; i < sizeof shipped / sizeof *shipped; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/scenarios/experiments/%s", SRC, shipped[i]);
        bs_error err = {0};
        bs_sweep *s = bs_sweep_load(path, NULL, 0, &err);
        cr_expect_not_null(s, "%s: %s", shipped[i], err.msg);
        if (s) cr_expect_gt(bs_sweep_runs(s), 0);
        bs_sweep_free(s);
    }
}

/* Options that differ only in money: a fixed cost of 100 more is a net value of exactly -100
 * in every run, a regret of 100, never the best. */
Test(sweep, a_decision_between_options_that_differ_only_in_cost_is_exact)
{
    write_file("m.yaml", market);
    write_file("c.yaml", "name: c\nscenario: m.yaml\ndesign: lhs\nsamples: 3\n"
                         "set: {\"brands[acme].breach_response\": apology}\n"
                         "options:\n  - {path: economics.apology_fixed, levels: [0, 100]}\n"
                         "factors:\n  - {path: \"shocks[0].size\", range: [0.2, 0.8]}\n");
    bs_error err = {0};
    bs_sweep *s = bs_sweep_load(in_dir("c.yaml"), NULL, 0, &err);
    cr_assert_not_null(s, "%s", err.msg);
    cr_expect_eq(bs_sweep_options(s), 2);
    cr_expect_eq(bs_sweep_points(s), 6, "2 options at each of 3 points");
    cr_expect_str_eq(bs_sweep_value(s, 3, 0), "100", "point 3: uncertain point 1, option 1");
    cr_expect_str_eq(bs_sweep_value(s, 3, 1), bs_sweep_value(s, 2, 1), "the same uncertain point");
    bs_sweep_opts opt = {.jobs = 2};
    cr_assert_eq(bs_sweep_run(s, in_dir("c.csv"), &opt, &err), BS_OK, "%s", err.msg);
    bs_option_value ov[2];
    bs_flip fl[1];
    cr_assert_eq(bs_sweep_decide(s, ov, fl, &err), BS_OK, "%s", err.msg);
    cr_expect_str_eq(ov[1].label, "apology_fixed=100");
    cr_expect_float_eq(ov[1].value.estimate, -100, 1e-9, "%.17g", ov[1].value.estimate);
    cr_expect_float_eq(ov[1].regret_mean, 100, 1e-9);
    cr_expect_float_eq(ov[1].regret_max, 100, 1e-9);
    cr_expect_eq(ov[0].p_best, 1);
    cr_expect_eq(ov[1].p_best, 0);
    cr_expect_eq(ov[0].rank, 1);
    cr_expect_eq(ov[1].rank, 2);
    cr_expect_eq(fl[0].flips, 0, "cost alone never flips it");
    bs_sweep_free(s);
}

/* the mini market with a breach felt harder (breach_severity 0.5, the default 0.3 is
 * calibrated to a large retailer's breach: docs/CALIBRATION.md), so that the apology's
 * benefit in 3 000 consumers stands clear of noise, inside the cost's range */
static const char flip_market[] =
    "name: mini\nseed: 40\nconsumers: 3000\nsteps: 20\nreplicates: 2\n"
    "model: {breach_severity: 0.5}\n"
    "brands:\n  - {name: acme}\n  - {name: bolt}\n  - {name: cove}\n"
    "shocks:\n  - {kind: breach, step: 6, brands: [acme], size: 0.5, reach: 0.6}\n";

/* Apology against nothing, with the apology's fixed cost uncertain over [0, 20]: apologising
 * pays while the cost is below its benefit B, so the best option flips from apology to none
 * where the cost is B (B: the apology's net value plus its mean fixed cost; the economics
 * change no model number, so B is the same at every point). */
Test(sweep, the_best_option_flips_where_an_uncertain_cost_eats_the_benefit)
{
    write_file("m.yaml", flip_market);
    write_file("f.yaml", "name: f\nscenario: m.yaml\ndesign: lhs\nsamples: 20\nseed: 5\n"
                         "options:\n  - {path: \"brands[acme].breach_response\", levels: [none, apology]}\n"
                         "factors:\n  - {path: economics.apology_fixed, range: [0, 20]}\n");
    bs_error err = {0};
    bs_sweep *s = bs_sweep_load(in_dir("f.yaml"), NULL, 0, &err);
    cr_assert_not_null(s, "%s", err.msg);
    bs_sweep_opts opt = {.jobs = 2};
    cr_assert_eq(bs_sweep_run(s, in_dir("f.csv"), &opt, &err), BS_OK, "%s", err.msg);
    bs_option_value ov[2];
    bs_flip fl[1];
    cr_assert_eq(bs_sweep_decide(s, ov, fl, &err), BS_OK, "%s", err.msg);
    double fixed = 0;
    for (size_t q = 0; q < 20; q++) fixed += strtod(bs_sweep_value(s, 2 * q + 1, 1), NULL) / 20;
    double benefit = ov[1].value.estimate + fixed;
    cr_assert(benefit > 2 && benefit < 18, "the test needs B inside the range: %g", benefit);
    cr_expect_geq(fl[0].flips, 1);
    cr_expect_eq(fl[0].from, 1, "apology while cheap");
    cr_expect_eq(fl[0].to, 0, "nothing once dear");
    cr_expect_lt(fabs(strtod(fl[0].at, NULL) - benefit), 1.0, "flips at %s, benefit %g", fl[0].at,
                 benefit);
    cr_expect_eq(fl[0].best[0], 1);
    cr_expect_eq(fl[0].best[4], 0);
    bs_sweep_free(s);
}

/* --figures draws one complete sensitivity figure per outcome (PNG ends with its IEND chunk,
 * which bs_gnuplot_check_complete checks before the rename); a design without indices says
 * so and draws none. */
Test(sweep, figures_one_per_outcome)
{
    write_file("m.yaml", market);
    write_file("o.yaml", "name: o\nscenario: m.yaml\ndesign: oat\nreplicates: 1\nfactors:\n"
                         "  - {path: \"shocks[0].size\", range: [0.1, 1]}\n"
                         "  - {path: \"brands[acme].breach_response\", levels: [none, apology]}\n");
    cr_assert_eq(sh("'%s' sweep o.yaml --outcomes o.csv -q --figures figs", BS_BINARY), 0, "%s",
                 slurp(in_dir("err.txt"), NULL));
    for (int o = 0; o < BS_KPI_COUNT; o++) {
        char name[128];
        snprintf(name, sizeof name, "figs/sensitivity_%s.png", bs_kpi_get((bs_kpi)o)->name);
        size_t len = 0;
        char *png = slurp(in_dir(name), &len);
        cr_expect(png && len > 1000 && !memcmp(png + len - 8, "IEND", 4), "%s", name);
        free(png);
    }
    write_file("l.yaml", "name: l\nscenario: m.yaml\ndesign: lhs\nsamples: 2\nfactors:\n"
                         "  - {path: model.revenge_decay, range: [0.1, 0.2]}\n");
    cr_assert_eq(sh("'%s' sweep l.yaml --outcomes l.csv -q --figures lfigs", BS_BINARY), 0);
    char *out = slurp(in_dir("out.txt"), NULL);
    cr_expect_not_null(strstr(out, "no sensitivity figures"), "%s", out);
    free(out);
}

/* A sweep read back from its HDF5 table is the sweep that ran: the same points, values,
 * outcomes and decision; `brandsim report` on the table opens with that decision. */
Test(sweep, the_table_reads_back_and_reports_the_decision)
{
    write_file("m.yaml", market);
    write_file("c.yaml", "name: c\nscenario: m.yaml\ndesign: lhs\nsamples: 4\nseed: 9\n"
                         "options:\n  - {path: \"brands[acme].breach_response\", "
                         "levels: [none, apology, transparency_control]}\n"
                         "factors:\n  - {path: \"shocks[0].size\", range: [0.2, 0.8]}\n");
    bs_error err = {0};
    bs_sweep *s = bs_sweep_load(in_dir("c.yaml"), NULL, 0, &err);
    cr_assert_not_null(s, "%s", err.msg);
    bs_sweep_opts opt = {.jobs = 2};
    cr_assert_eq(bs_sweep_run(s, in_dir("c.csv"), &opt, &err), BS_OK, "%s", err.msg);
    cr_assert(bs_sweep_is_table(in_dir("c.h5")));
    bs_sweep *t = bs_sweep_open_table(in_dir("c.h5"), &err);
    cr_assert_not_null(t, "%s", err.msg);
    cr_expect_eq(bs_sweep_runs(t), bs_sweep_runs(s));
    cr_expect_eq(bs_sweep_options(t), 3);
    cr_expect_eq(bs_sweep_option_factors(t), 1);
    cr_expect_str_eq(bs_sweep_decided_brand(t), "acme");
    for (size_t p = 0; p < bs_sweep_points(s); p++)
        for (int i = 0; i < 2; i++)
            cr_expect_str_eq(bs_sweep_value(t, p, i), bs_sweep_value(s, p, i));
    for (size_t k = 0; k < bs_sweep_runs(s); k++)
        for (int o = 0; o < BS_KPI_COUNT; o++) {
            double a = bs_sweep_outcome(s, k, 0, (bs_kpi)o), b = bs_sweep_outcome(t, k, 0, (bs_kpi)o);
            cr_expect(isnan(a) ? isnan(b) : a == b, "run %zu outcome %d: %g vs %g", k, o, a, b);
        }
    bs_option_value a[3], b[3];
    bs_flip fa[1], fb[1];
    cr_assert_eq(bs_sweep_decide(s, a, fa, &err), BS_OK, "%s", err.msg);
    cr_assert_eq(bs_sweep_decide(t, b, fb, &err), BS_OK, "%s", err.msg);
    for (int o = 0; o < 3; o++) {
        cr_expect_eq(a[o].rank, b[o].rank);
        cr_expect_eq(a[o].value.estimate, b[o].value.estimate);
    }
    char want[256];
    for (int o = 0; o < 3; o++)
        if (a[o].rank == 1)
            snprintf(want, sizeof want, "For <b>acme</b>, <b>%s</b> has the highest", a[o].label);
    bs_sweep_free(s);
    bs_sweep_free(t);
    cr_assert_eq(sh("'%s' report c.h5 -o c.html", BS_BINARY), 0, "%s",
                 slurp(in_dir("err.txt"), NULL));
    char *html = slurp(in_dir("c.html"), NULL);
    cr_assert_not_null(html);
    cr_expect_not_null(strstr(html, "<h2>The decision</h2>"));
    cr_expect_not_null(strstr(html, want), "%s", want);
    cr_expect_not_null(strstr(html, "Where the ranking flips"));
    cr_expect_null(strstr(html, "<script"));
    free(html);
    write_file("junk.h5", "not hdf5");
    cr_expect_eq(sh("'%s' report junk.h5 -o j.html", BS_BINARY), 2);
}

/* ---- per-run series ----------------------------------------------------------------------- */

static volatile sig_atomic_t stop_after;
static void stop_at_three(void *ctx, const bs_sweep_progress *p)
{
    (void)ctx;
    if (p->done >= 3) stop_after = 1;
}

/* Read /series/acme/<metric> of a table (runs x steps). */
static double *series_of(const char *h5, const char *metric, size_t n)
{
    double *x = malloc(n * sizeof *x);
    hid_t f = H5Fopen(in_dir(h5), H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0, "%s", h5);
    char p[128];
    snprintf(p, sizeof p, "/series/acme/%s", metric);
    hid_t d = H5Dopen2(f, p, H5P_DEFAULT);
    cr_assert_geq(d, 0, "%s", p);
    cr_assert_geq(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x), 0);
    H5Dclose(d);
    H5Fclose(f);
    return x;
}

/* With series, every run's series is in the table; a sweep stopped after three runs, its
 * series journal then cut inside the last record, resumes: the run whose series was cut runs
 * again, the others do not, and the tables equal those of a sweep never stopped. The series
 * are the run's own: share of purchases in [0, 1], net contribution summing to the outcome. */
Test(sweep, per_run_series_are_journaled_and_resumed)
{
    write_file("m.yaml", market);
    write_file("d.csv", design);
    bs_error err = {0};
    bs_sweep *s = bs_sweep_from_design(in_dir("m.yaml"), in_dir("d.csv"), NULL, 0, 2, &err);
    cr_assert_not_null(s, "%s", err.msg);
    bs_sweep_opts opt = {.jobs = 1, .series = 1};
    cr_assert_eq(bs_sweep_run(s, in_dir("full.csv"), &opt, &err), BS_OK, "%s", err.msg);
    double want_net = bs_sweep_outcome(s, 4, 0, BS_KPI_NET_CONTRIBUTION);
    bs_sweep_free(s);
    s = bs_sweep_from_design(in_dir("m.yaml"), in_dir("d.csv"), NULL, 0, 2, &err);
    stop_after = 0;
    bs_sweep_opts cut = {.jobs = 1, .series = 1, .cancel = {&stop_after}, .on_run = stop_at_three};
    cr_assert_eq(bs_sweep_run(s, in_dir("part.csv"), &cut, &err), BS_ERR_RUNTIME);
    cr_expect_not_null(strstr(err.msg, "interrupted after 3 of 6"), "%s", err.msg);
    struct stat st;
    cr_assert_eq(stat(in_dir("part.csv.series.partial"), &st), 0);
    cr_assert_eq(truncate(in_dir("part.csv.series.partial"), st.st_size - 100), 0);
    bs_sweep_free(s);
    s = bs_sweep_from_design(in_dir("m.yaml"), in_dir("d.csv"), NULL, 0, 2, &err);
    size_t resumed = 0;
    bs_sweep_opts again = {.jobs = 2, .series = 1, .resume = 1};
    cr_assert_eq(bs_sweep_run(s, in_dir("part.csv"), &again, &err), BS_OK, "%s", err.msg);
    (void)resumed;
    bs_sweep_free(s);
    char *a = slurp(in_dir("full.csv"), NULL), *b = slurp(in_dir("part.csv"), NULL);
    cr_expect_str_eq(a, b);
    free(a);
    free(b);
    cr_expect(access(in_dir("part.csv.series.partial"), F_OK) != 0, "the series journal is gone");
    const size_t n = 6 * 20;
    static const char *const metrics[] = {"market_share", "net_contribution", "exits"};
    for (size_t q = 0; q < 3; q++) {
        double *x = series_of("full.h5", metrics[q], n), *y = series_of("part.h5", metrics[q], n);
        cr_expect(!memcmp(x, y, n * sizeof *x), "%s differs after the resume", metrics[q]);
        if (q == 0)
            for (size_t i = 0; i < n; i++) cr_expect(x[i] >= 0 && x[i] <= 1);
        if (q == 1) { /* run 4's net contribution from the shock's step (6) on */
            double sum = 0;
            for (int t = 6; t < 20; t++) sum += x[4 * 20 + t];
            cr_expect_float_eq(sum, want_net, 1e-9 * fabs(want_net), "%g vs %g", sum, want_net);
        }
        free(x);
        free(y);
    }
}
