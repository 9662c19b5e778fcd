/* SPDX-License-Identifier: MIT */
/*
 * test_faults.c: every place where the library allocates can fail, and each
 * failure is a clean error. The test binary is linked with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup (see
 * tests/CMakeLists.txt), so every such call the library's own code makes goes
 * through the wrappers below; the N-th fails. A small scenario is loaded and
 * run into a file (the single-run layout, then an ensemble of variants x
 * replicates), once counting its allocations and the call site of each
 * (deterministic: one thread), then once for every N that is among the first
 * SITE_TRIES allocations of its call site (the same line allocating again for
 * the next series, replicate or variant takes the same path out; refusing
 * each of the ensemble's 500 allocations took 3 of the sanitizer build's
 * minutes). Each failing N must
 * return an error with a message, leave no output file and no partial file,
 * and, in the sanitizer build, leak nothing (LeakSanitizer is asked after
 * every LEAK_EVERY-th N and after the last: a leak stays until it is found, so
 * it is found, only named to within LEAK_EVERY refusals; asking after every N
 * was a third of the test's time). Allocations by HDF5, GSL, libyaml and libc themselves are not
 * counted: they are not ours to check.
 */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "brandsim/brandsim.h"
#include "brandsim/experiment.h"
#include "brandsim/scenario.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LEAK_CHECK() __lsan_do_recoverable_leak_check()
#else
#define LEAK_CHECK() 0
#endif

enum { LEAK_EVERY = 16 };

#ifndef BS_SOURCE_DIR
#define BS_SOURCE_DIR "."
#endif

/* ---- the allocator that fails on cue ------------------------------------------ */

static atomic_long calls;   /* allocations seen since arm() */
static atomic_long fail_at; /* 0: none fails */
static atomic_long failed;  /* how many were refused */

enum { MAX_ALLOCS = 100000, SITE_TRIES = 3 };
static void *site[MAX_ALLOCS]; /* the call site of allocation k, in the counting run */
static int counting;           /* 1 while the counting run records them */

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);

static int refuse(void *from)
{
    long k = atomic_fetch_add(&calls, 1) + 1;
    if (counting && k < MAX_ALLOCS)
        site[k] = from;
    if (k == atomic_load(&fail_at)) {
        atomic_fetch_add(&failed, 1);
        return 1;
    }
    return 0;
}

#define FROM __builtin_return_address(0)
void *__wrap_malloc(size_t n) { return refuse(FROM) ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t k, size_t n) { return refuse(FROM) ? NULL : __real_calloc(k, n); }
void *__wrap_realloc(void *p, size_t n) { return refuse(FROM) ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return refuse(FROM) ? NULL : __real_strdup(s); }

static void arm(long n)
{
    atomic_store(&calls, 0);
    atomic_store(&failed, 0);
    atomic_store(&fail_at, n);
}

/* ---- one run ------------------------------------------------------------------- */

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/bs_faults_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* Load `file` (relative to the source tree) with overrides and run it into dir/out.h5. */
static bs_status load_and_run(const char *file, const char *const *sets, int n_sets,
                              const char *out, bs_error *err)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", BS_SOURCE_DIR, file);
    bs_scenario *sc = __real_malloc(sizeof *sc); /* the test's own: not counted */
    if (!sc) {
        err->status = BS_ERR_RUNTIME;
        snprintf(err->msg, sizeof err->msg, "out of memory (the test's own scenario)");
        return BS_ERR_RUNTIME;
    }
    bs_variants vars;
    bs_overrides ov = {sets, NULL, n_sets};
    bs_status s = bs_scenario_load_overridden(path, &ov, sc, &vars, err);
    if (s == BS_OK) {
        bs_experiment_opts opt = {.threads = 1, .overrides = "consumers=300"};
        opt.prov = (bs_provenance){BS_VERSION, 1, 0, "test", "", "test_faults", 0};
        s = bs_experiment_run(sc, &vars, out, &opt, err);
        bs_variants_free(&vars);
    }
    free(sc);
    return s;
}

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Whether allocation n of the counting run is among the first SITE_TRIES of its call site. */
static int to_try(long n)
{
    int seen = 0;
    for (long k = 1; k < n && seen < SITE_TRIES; k++)
        seen += site[k] == site[n];
    return seen < SITE_TRIES;
}

/* Count the allocations of a whole run and their call sites; then fail each allocation that
   is among the first SITE_TRIES of its site. Returns how many allocations a run makes; in
   *tried how many were refused, in *tolerated how many refusals the library survived on
   purpose (a refused line map only costs a line number in a later message): those runs must
   be complete and correct. */
static long fail_each(const char *file, const char *const *sets, int n_sets, long *tried,
                      long *tolerated)
{
    *tolerated = *tried = 0;
    char out[128], partial[160];
    snprintf(out, sizeof out, "%s/out.h5", dir);
    snprintf(partial, sizeof partial, "%s.partial", out);
    bs_error err0 = {0};
    arm(0);
    counting = 1;
    bs_status s0 = load_and_run(file, sets, n_sets, out, &err0);
    counting = 0;
    const long total = atomic_load(&calls);
    cr_assert_eq(s0, BS_OK, "with no allocation refused: %s", err0.msg);
    cr_assert(exists(out), "the complete run wrote no file");
    cr_assert_eq(unlink(out), 0);
    cr_assert_lt(total, MAX_ALLOCS, "%ld allocations: more than the test records", total);
    cr_assert_eq(LEAK_CHECK(), 0, "the complete run leaked memory");
    for (long n = 1; n <= total + 1; n++) {
        if (n <= total && !to_try(n))
            continue;
        bs_error err = {0};
        arm(n);
        bs_status s = load_and_run(file, sets, n_sets, out, &err);
        long refused = atomic_load(&failed);
        arm(0);
        ++*tried;
        if (refused == 0) { /* fewer than n allocations: the whole run */
            cr_assert_eq(n, total + 1, "the run made %ld allocations, the counting run %ld", n - 1,
                         total);
            cr_assert_eq(s, BS_OK, "with no allocation refused: %s", err.msg);
            cr_assert(exists(out), "the complete run wrote no file");
            cr_assert_eq(LEAK_CHECK(), 0, "allocations refused up to %ld, or the complete run: memory leaked",
                         n - 1);
            return n - 1;
        }
        if (s == BS_OK) { /* survived on purpose: the file must be whole */
            cr_assert(exists(out), "allocation %ld: success without a file", n);
            cr_assert(!exists(partial), "allocation %ld: success and a partial file", n);
            cr_assert_eq(unlink(out), 0);
            if (*tried % LEAK_EVERY == 0)
                cr_assert_eq(LEAK_CHECK(), 0, "the last %d refusals, up to allocation %ld: memory leaked",
                             LEAK_EVERY, n);
            ++*tolerated;
            continue;
        }
        cr_assert_neq(err.msg[0], '\0', "allocation %ld: an error without a message", n);
        cr_assert(!exists(out), "allocation %ld (%s): an output file was left", n, err.msg);
        cr_assert(!exists(partial), "allocation %ld (%s): a partial file was left", n, err.msg);
        if (*tried % LEAK_EVERY == 0)
            cr_assert_eq(LEAK_CHECK(), 0, "the last %d refusals, up to allocation %ld (%s): memory leaked",
                         LEAK_EVERY, n, err.msg);
    }
    cr_assert_fail("the run never succeeded");
    return 0;
}

TestSuite(faults, .init = setup, .fini = teardown, .timeout = 600);

Test(faults, every_allocation_of_a_single_run_can_fail_cleanly)
{
    const char *sets[] = {"consumers=300", "steps=6"};
    long tried, tolerated, n = fail_each("tests/data/good/tiny.yaml", sets, 2, &tried, &tolerated);
    cr_expect_gt(n, 10, "only %ld allocations counted: is the wrapper linked?", n);
    cr_expect_lt(tolerated, tried / 4, "%ld of %ld refusals were survived: the test sees little",
                 tolerated, tried);
    cr_log_info("single run: %ld allocations, %ld refused in turn (%ld survived on purpose)", n,
                tried, tolerated);
}

Test(faults, every_allocation_of_an_ensemble_can_fail_cleanly)
{
    /* two variants (their loading, a group each), no quantile series (their groups are
       written by the segments' code) */
    const char *sets[] = {"consumers=300", "steps=10", "replicates=2", "strength_quantiles=0"};
    long tried, tolerated,
        n = fail_each("tests/data/replication/T1-apology.yaml", sets, 4, &tried, &tolerated);
    cr_expect_gt(n, 10, "only %ld allocations counted: is the wrapper linked?", n);
    cr_expect_lt(tolerated, tried / 4, "%ld of %ld refusals were survived: the test sees little",
                 tolerated, tried);
    cr_log_info("ensemble: %ld allocations, %ld refused in turn (%ld survived on purpose)", n,
                tried, tolerated);
}
