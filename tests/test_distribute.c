/* SPDX-License-Identifier: MIT */
/*
 * test_distribute.c: the library's distributed paths (distribute.h) without
 * MPI, through a distributor of this test's own that pretends to be rank 0
 * of two and computes the tasks here in a scrambled order (as other ranks'
 * results would come back). An ensemble written so is the serial one (h5diff,
 * /provenance aside) and its callbacks see the same values in the same
 * order; a sweep's tables are byte for byte the serial ones; the findings'
 * verdicts are the same. A worker rank writes nothing. A task that fails, or
 * a result that is not a run of the scenario, fails the call and leaves no
 * file. The MPI distributor itself is tested by tests/mpi_test.sh.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "brandsim/brandsim.h"
#include "brandsim/findings.h"
#include "test_dir.h"

#define SRC BS_SOURCE_DIR

static void setup(void) { test_dir_make("/tmp/bs_distribute_XXXXXX"); }
static void teardown(void) { test_dir_remove(); }
TestSuite(distribute, .init = setup, .fini = teardown, .timeout = 180);

/* ---- a distributor of one process that acts as rank 0 of several -------------------------- */

typedef struct {
    int rank;         /* 0: computes and consumes; else: a worker with nothing handed to it */
    int fail_task;    /* a task whose computation fails (-1: none) */
    int corrupt_task; /* a task whose bytes are cut short (-1: none) */
    long polls;       /* calls of poll */
    size_t mapped;    /* tasks seen */
} fake;

static void fake_poll(bs_task_env *env)
{
    ((fake *)env->impl)->polls++;
}

/* Tasks in the order 1, 0, 3, 2, ... (pairs swapped) and the last first. */
static size_t scrambled(size_t i, size_t n)
{
    if (i == 0)
        return n - 1;
    i--;
    size_t j = i ^ 1;
    return j < n - 1 ? j : i;
}

static bs_status fake_map(const bs_distributor *d, const size_t *tasks, size_t n,
                          bs_task_compute compute, void *cctx, bs_task_consume consume, void *kctx,
                          bs_cancel cancel, bs_error *err)
{
    fake *f = d->impl;
    if (f->rank != 0)
        return BS_OK;
    f->mapped += n;
    bs_task_env env = {cancel, fake_poll, f};
    for (size_t i = 0; i < n; i++) {
        size_t k = tasks[scrambled(i, n)];
        if ((int)k == f->fail_task)
            return bs_error_setf(err, BS_ERR_RUNTIME, "task %zu failed on purpose", k);
        void *bytes = NULL;
        size_t len = 0;
        bs_status s = compute(cctx, k, &env, &bytes, &len, err);
        if (s == BS_OK && (int)k == f->corrupt_task)
            len -= 8;
        if (s == BS_OK)
            s = consume(kctx, k, bytes, len, err);
        free(bytes);
        if (s)
            return s;
    }
    return BS_OK;
}

static bs_status fake_bcast(const bs_distributor *d, void *buf, size_t len, bs_error *err)
{
    (void)d, (void)buf, (void)len, (void)err;
    return BS_OK;
}

static bs_distributor distributor(fake *f)
{
    return (bs_distributor){.rank = f->rank, .ranks = 2, .map = fake_map, .bcast = fake_bcast,
                            .impl = f};
}

/* ---- an ensemble ------------------------------------------------------------------------------ */

/* What the callbacks saw: per run and step, one value of the aggregates, in the order seen. */
typedef struct {
    int n;
    double seen[4096];
    int order[4096];
    int ends;
} watched;

static void on_step(void *ctx, const bs_run_info *in, const bs_run *run)
{
    watched *w = ctx;
    const bs_stats *st = bs_run_stats(run);
    cr_assert_eq(st->step, bs_run_steps_done(run) - 1);
    if (w->n < 4096) {
        w->seen[w->n] = st->v[BS_M_MARKET_SHARE * st->n_brands] + st->market[0];
        w->order[w->n++] = in->run;
    }
}

static void on_run_end(void *ctx, const bs_run_info *in, const bs_run *run)
{
    (void)in;
    watched *w = ctx;
    int n;
    bs_run_events(run, &n);
    cr_expect_gt(n, 0, "the replay has the run's events");
    cr_expect_gt(bs_run_bytes_per_consumer(run), 0);
    w->ends++;
}

static bs_status run_ensemble(const bs_distributor *d, const char *out, watched *w, bs_error *err)
{
    const char *sets[] = {"consumers=400", "steps=12", "replicates=3"};
    bs_scenario *sc = malloc(sizeof *sc);
    bs_variants vars;
    bs_overrides ov = {sets, NULL, 3};
    cr_assert_eq(bs_scenario_load_overridden(SRC "/tests/data/replication/T1-apology.yaml", &ov,
                                             sc, &vars, err),
                 BS_OK, "%s", err->msg);
    bs_experiment_opts opt = {.threads = 1, .ctx = w, .on_step = on_step, .on_run_end = on_run_end,
                              .dist = d};
    bs_status s = bs_experiment_run(sc, &vars, out, &opt, err);
    bs_variants_free(&vars);
    free(sc);
    return s;
}

Test(distribute, an_ensemble_spread_is_the_serial_one)
{
    watched *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    bs_error err = {0};
    cr_assert_eq(run_ensemble(NULL, in_dir("serial.h5"), a, &err), BS_OK, "%s", err.msg);
    fake f = {0, -1, -1, 0, 0};
    bs_distributor d = distributor(&f);
    cr_assert_eq(run_ensemble(&d, in_dir("spread.h5"), b, &err), BS_OK, "%s", err.msg);
    cr_expect_eq(f.mapped, 6, "two variants x three replicates, as tasks");
    cr_expect_gt(f.polls, 6 * 10, "rank 0 polled after its steps");
    cr_expect_eq(sh("h5diff --exclude-path /provenance '%s' '%s'", in_dir("serial.h5"),
                    in_dir("spread.h5")),
                 0, "the files differ outside /provenance");
    cr_expect_eq(sh("h5dump -a /provenance/ranks '%s' | grep -q '(0): 2'", in_dir("spread.h5")), 0,
                 "the file records its two ranks");
    cr_assert_eq(a->n, b->n);
    cr_expect_eq(a->ends, 6);
    cr_expect_eq(b->ends, 6);
    for (int i = 0; i < a->n; i++) {
        cr_assert_eq(a->order[i], b->order[i], "callback %d: run %d, serially %d", i, b->order[i],
                     a->order[i]);
        cr_assert_eq(a->seen[i], b->seen[i], "callback %d: %.17g, serially %.17g", i, b->seen[i],
                     a->seen[i]);
    }
    free(a);
    free(b);
}

Test(distribute, a_worker_rank_writes_nothing)
{
    watched *w = calloc(1, sizeof *w);
    fake f = {1, -1, -1, 0, 0};
    bs_distributor d = distributor(&f);
    bs_error err = {0};
    cr_assert_eq(run_ensemble(&d, in_dir("w.h5"), w, &err), BS_OK, "%s", err.msg);
    cr_expect_neq(access(in_dir("w.h5"), F_OK), 0);
    cr_expect_neq(access(in_dir("w.h5.partial"), F_OK), 0);
    cr_expect_eq(w->n, 0, "a worker sees no callbacks");
    free(w);
}

Test(distribute, a_failed_task_or_a_foreign_record_leaves_no_file)
{
    for (int c = 0; c < 2; c++) {
        watched *w = calloc(1, sizeof *w);
        fake f = {0, c == 0 ? 3 : -1, c == 1 ? 2 : -1, 0, 0};
        bs_distributor d = distributor(&f);
        bs_error err = {0};
        cr_expect_neq(run_ensemble(&d, in_dir("x.h5"), w, &err), BS_OK);
        cr_expect(strstr(err.msg, c == 0 ? "failed on purpose" : "is not one of scenario"),
                  "%s", err.msg);
        cr_expect_neq(access(in_dir("x.h5"), F_OK), 0);
        cr_expect_neq(access(in_dir("x.h5.partial"), F_OK), 0);
        free(w);
    }
}

/* ---- a sweep ---------------------------------------------------------------------------------- */

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(in_dir(name), "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(distribute, a_sweep_spread_writes_the_serial_tables)
{
    write_file("m.yaml", "name: mini\nseed: 40\nconsumers: 1500\nsteps: 16\n"
                         "brands:\n  - {name: acme}\n  - {name: bolt}\n"
                         "shocks:\n  - {kind: breach, step: 5, brands: [acme], size: 0.5, reach: 0.6}\n");
    write_file("d.csv", "brands[acme].breach_response,brands[acme].response_delay\n"
                        "none,1\napology,0\ncompensation,3\n");
    const char *outs[2] = {"serial.csv", "spread.csv"};
    for (int k = 0; k < 2; k++) {
        bs_error err = {0};
        bs_sweep *s = bs_sweep_from_design(in_dir("m.yaml"), in_dir("d.csv"), NULL, 0, 2, &err);
        cr_assert_not_null(s, "%s", err.msg);
        fake f = {0, -1, -1, 0, 0};
        bs_distributor d = distributor(&f);
        bs_sweep_opts opt = {.jobs = 1, .threads = 1, .series = 1, .dist = k ? &d : NULL};
        cr_assert_eq(bs_sweep_run(s, in_dir(outs[k]), &opt, &err), BS_OK, "%s", err.msg);
        if (k)
            cr_expect_eq(f.mapped, 6);
        bs_sweep_free(s);
    }
    cr_expect_eq(sh("cmp -s '%s' '%s'", in_dir("serial.csv"), in_dir("spread.csv")), 0,
                 "the CSV tables differ");
    cr_expect_eq(sh("h5diff '%s' '%s'", in_dir("serial.h5"), in_dir("spread.h5")), 0,
                 "the HDF5 tables differ");
    cr_expect_neq(access(in_dir("spread.csv.partial"), F_OK), 0, "the journal is removed");
}

/* ---- the findings ----------------------------------------------------------------------------- */

Test(distribute, a_finding_judged_spread_has_the_serial_verdicts)
{
    bs_finding *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    fake f = {0, -1, -1, 0, 0};
    bs_distributor d = distributor(&f);
    const char *sets[] = {"consumers=600"};
    bs_findings_opts op = {.threads = 1, .replicates = 3, .controls = 1, .out_dir = dir,
                           .overrides = sets, .n_overrides = 1};
    bs_error err = {0};
    const char *file = SRC "/tests/data/replication/T1-apology.yaml";
    cr_assert_eq(bs_finding_judge(file, &op, a, &err), BS_OK, "%s", err.msg);
    op.dist = &d;
    cr_assert_eq(bs_finding_judge(file, &op, b, &err), BS_OK, "%s", err.msg);
    cr_expect_gt(f.mapped, 0);
    cr_assert_eq(a->main.n_tests, b->main.n_tests);
    cr_expect_eq(a->main.pass, b->main.pass);
    cr_expect_eq(a->n_control_runs, b->n_control_runs);
    for (int k = 0; k < a->main.n_tests; k++) {
        cr_expect_eq(a->main.v[k].pass, b->main.v[k].pass, "test %d", k);
        cr_expect(a->main.v[k].effect == b->main.v[k].effect || (isnan(a->main.v[k].effect) && isnan(b->main.v[k].effect)), "test %d", k);
    }
    bs_variants_free(&a->vars);
    bs_variants_free(&b->vars);
    free(a);
    free(b);
}
