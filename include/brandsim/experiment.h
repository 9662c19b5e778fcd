/* SPDX-License-Identifier: MIT */
/*
 * experiment.h: the one driver of simulations. An experiment is every
 * variant x replicate of a scenario (replicate r of every variant runs with
 * seed base + r: common random numbers); a single run is its one-variant,
 * one-replicate case. `brandsim run`, `replicate` and `bench`, the findings
 * engine and the bindings all run simulations through bs_experiment_run():
 * no other loop over bs_run_step() exists outside the tests.
 *
 * The driver streams every step to an HDF5 file (the single-run layout for
 * one run of a scenario without variants, the ensemble layout otherwise;
 * docs/OUTPUT.md), computes the statistics across replicates of each variant
 * (sim/experiment/summary.c) and hands them to the writer. Callers watch
 * through callbacks (after every step, after every run) and stop it through
 * one cancellation type, bs_cancel. No printing, no exit, no global state.
 */
#ifndef BS_EXPERIMENT_H
#define BS_EXPERIMENT_H

#include "brandsim/distribute.h"
#include "brandsim/error.h"
#include "brandsim/provenance.h"
#include "brandsim/run.h"
#include "brandsim/scenario.h"
#include "brandsim/visibility.h"

BS_API_BEGIN



/* Where the experiment is, given to the callbacks. */
typedef struct {
    int variant, replicate;    /* of this run */
    const char *variant_name;  /* the variant's name, "base" without variants */
    int run, runs;             /* this run's index (variant * replicates + replicate) and the count */
    uint64_t seed;             /* this run's seed */
} bs_run_info;

/* What the experiment measured (all runs together). */
typedef struct {
    double wall_seconds;       /* the whole call */
    double init_seconds;       /* allocating runs (bs_run_alloc) */
    double step_seconds;       /* bs_run_step */
    double write_seconds;      /* the HDF5 file: steps, statistics, finishing it */
    double bytes_per_consumer; /* of the last run's state */
    int runs_done;
} bs_experiment_timing;

typedef enum {
    BS_LAYOUT_AUTO,     /* single-run layout for one replicate of a scenario without variants */
    BS_LAYOUT_ENSEMBLE, /* always the ensemble layout */
} bs_layout;

typedef struct {
    int threads;           /* OpenMP threads per run (0: the default); results do not depend on it */
    const char *overrides; /* command-line overrides as "key=value" lines, recorded ("" or NULL: none) */
    bs_provenance prov;    /* recorded; threads, wall_seconds and bytes_per_consumer are filled in */
    bs_layout layout;
    bs_cancel cancel;      /* polled before every step and once after the last */
    void *ctx;             /* passed to the callbacks */
    /* after every step of every run (may be NULL); bs_run_steps_done(run) is the step count */
    void (*on_step)(void *ctx, const bs_run_info *info, const bs_run *run);
    /* after the last step of every run, before it is freed (may be NULL) */
    void (*on_run_end)(void *ctx, const bs_run_info *info, const bs_run *run);
    bs_experiment_timing *timing; /* filled in when not NULL, also on failure */
    /* Spread the runs over processes (distribute.h; NULL or one rank: here, one after
     * another). Every rank calls with the same arguments; runs go to whichever rank is free,
     * each on opt->threads threads there, and come back to rank 0 as records: rank 0 alone
     * writes the file and sees the callbacks, each run's steps replayed in order when the run
     * is written (the run given is a replay: bs_run_stats, bs_run_steps_done, bs_run_events,
     * bs_run_scenario and bs_run_bytes_per_consumer answer as the run did; bs_run_scenario is
     * the scenario as the run began). Runs are written in order, so the file is the same for
     * any number of ranks. A single run (one variant, one replicate) runs on rank 0 alone. */
    const bs_distributor *dist;
} bs_experiment_opts;

/* Name of variant v as run: vars' names, or "base" when there are none (vars NULL or empty). */
const char *bs_experiment_variant_name(const bs_variants *vars, int v);
/* Variants as run: vars->n, or 1 when there are none. */
int bs_experiment_variant_count(const bs_variants *vars);
/* 1 when (base, vars) is written in the single-run layout under BS_LAYOUT_AUTO. */
int bs_experiment_is_single(const bs_scenario *base, const bs_variants *vars, bs_layout layout);

/* Run every variant (vars may be NULL or empty: the base scenario alone) x base->replicates
 * replicates, one after another, each run on opt->threads threads. With a path, the series go
 * to PATH (written as PATH.partial and renamed when complete; on any failure or cancellation no
 * file is left under either name). With path NULL nothing is written: the callbacks see
 * everything. Returns BS_OK or an error; cancellation is BS_ERR_RUNTIME with a message
 * "interrupted at step t of T" (single run) or "interrupted at variant 'V', replicate r, step t
 * of T". `base` must be validated; it is not changed. */
bs_status bs_experiment_run(const bs_scenario *base, const bs_variants *vars, const char *path,
                            const bs_experiment_opts *opt, bs_error *err);

/* What `brandsim run SCENARIO -o PATH --set ...` does, without printing: load the scenario
 * file with its variants, apply the overrides ("key.path=value", in order; recorded in the
 * file) and validate, then run every variant x replicate into PATH on `threads` threads
 * (0: the default). The entry point for bindings. */
bs_status bs_experiment_run_file(const char *scenario_path, const char *const *overrides,
                                 int n_overrides, const char *path, int threads, bs_error *err);

BS_API_END

#endif
