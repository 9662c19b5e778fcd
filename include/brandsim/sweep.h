/* SPDX-License-Identifier: MIT */
/*
 * sweep.h: the sweep engine (NetLogo's BehaviorSpace, Mesa's batch_run, the
 * text-file workflow of SALib and the EMA Workbench): many runs of one
 * scenario, each with some keys overridden, and one row of outcomes per run.
 *
 * A sweep is a scenario, a list of design points (each a value per factor,
 * a factor being a key path as --set takes it: "model.response_compensation",
 * "brands[acme].breach_response") and a number of replicates. Run k is point
 * k mod P, replicate k / P (interleaved: every point has run once before any
 * runs twice), with seed scenario.seed + replicate (common random numbers
 * across points). Each run is a pure function of (scenario, overrides, seed),
 * so the table is the same whatever the number of threads or jobs, and an
 * interrupted sweep resumed gives the same table as one never interrupted.
 *
 * The points come from a design file (CSV: a header of key paths, one row
 * per point, values as --set takes them) or from an experiment file (YAML:
 * the scenario, factors with levels or ranges, a design of design.h:
 * factorial, lhs, sobol, saltelli, morris, oat; docs/DECISIONS.md).
 *
 * Outcomes (outcomes.h) of the chosen brands, per run. The table is written
 * as rows finish to OUT.partial (a journal: `resume` reads it back and runs
 * only what is missing), and when every run is done, sorted by run, to OUT
 * (CSV) and beside it OUT's stem + ".h5" (the same table in HDF5), each
 * through a partial file renamed when complete; then the journal is removed.
 * No printing, no exit; progress through a callback, stopping through a
 * bs_cancel.
 */
#ifndef BS_ANALYSIS_SWEEP_H
#define BS_ANALYSIS_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "brandsim/design.h"
#include "brandsim/distribute.h"
#include "brandsim/error.h"
#include "brandsim/outcomes.h"
#include "brandsim/plot.h"
#include "brandsim/scenario.h"
#include "brandsim/sensitivity.h"
#include "brandsim/stats.h"
#include "brandsim/visibility.h"

BS_API_BEGIN

#define BS_SWEEP_MAX_LEVELS 64
#define BS_SWEEP_PATH_MAX 128
#define BS_SWEEP_VALUE_MAX 64

/* A factor: a key path and its levels (text, as --set takes it) or a numeric range. */
typedef struct {
    char path[BS_SWEEP_PATH_MAX];
    int n_levels;                                    /* > 0: these levels */
    char levels[BS_SWEEP_MAX_LEVELS][BS_SWEEP_VALUE_MAX];
    double min, max;                                 /* n_levels == 0: a range */
    int integer;                                     /* a range of whole numbers */
} bs_factor;

typedef struct bs_sweep bs_sweep;

/* A sweep from an experiment file (YAML; docs/DECISIONS.md): the scenario it names (relative
 * to the experiment file), its factors, design, replicates and outcomes. Errors name the file,
 * line and key. overrides (n of them, "key=value") are applied to the scenario first. */
bs_sweep *bs_sweep_load(const char *experiment_path, const char *const *overrides,
                        int n_overrides, bs_error *err);

/* A sweep of the points of a design file (CSV) over a scenario file, `replicates` runs of
 * each. Errors name the file, line and column. */
bs_sweep *bs_sweep_from_design(const char *scenario_path, const char *design_path,
                               const char *const *overrides, int n_overrides, int replicates,
                               bs_error *err);

void bs_sweep_free(bs_sweep *s);

/* A finished sweep read back from its HDF5 table (the .h5 beside its CSV): its factors,
 * options, points and every run's outcomes, for the decision, the sensitivity indices and
 * the report, without running it again (it cannot be run: its scenario is not kept).
 * BS_ERR_INPUT for a file that is not a sweep table. */
bs_sweep *bs_sweep_open_table(const char *path, bs_error *err);
/* Whether path is a sweep's HDF5 table (not a run's output file). */
int bs_sweep_is_table(const char *path);

/* The brands whose outcomes are reported (names, comma-separated: "acme,bolt"); default: those
 * hit by the scenario's first shock, all brands if it has none. BS_ERR_INPUT for a name that
 * is not a brand. */
bs_status bs_sweep_set_brands(bs_sweep *s, const char *names, bs_error *err);
/* The recovery fraction of recovery_weeks (0: BS_KPI_RECOVERY_FRACTION). */
void bs_sweep_set_recovery(bs_sweep *s, double fraction);

const char *bs_sweep_name(const bs_sweep *s);
const bs_scenario *bs_sweep_scenario(const bs_sweep *s);
bs_design_kind bs_sweep_design(const bs_sweep *s); /* BS_DESIGN_COUNT for a design file */
int bs_sweep_factors(const bs_sweep *s);
const bs_factor *bs_sweep_factor(const bs_sweep *s, int i);
size_t bs_sweep_points(const bs_sweep *s);
int bs_sweep_replicates(const bs_sweep *s);
size_t bs_sweep_runs(const bs_sweep *s);   /* points x replicates */
/* The value of factor i at point p as applied (text). */
const char *bs_sweep_value(const bs_sweep *s, size_t p, int i);
/* The design's unit-cube coordinates of point p (k values; NULL for a design file). */
const double *bs_sweep_unit(const bs_sweep *s, size_t p);
int bs_sweep_brands(const bs_sweep *s);
const char *bs_sweep_brand(const bs_sweep *s, int j);
/* The default output: results/NAME-runs.csv for an experiment file, "" for a design file. */
const char *bs_sweep_default_output(const bs_sweep *s);

/* Where a sweep is, for a progress line. */
typedef struct {
    size_t done, total;  /* runs done (including those a resume found), of all */
    size_t resumed;      /* of done, found in the journal */
    double seconds;      /* since this call began */
} bs_sweep_progress;

typedef struct {
    int jobs;      /* runs at once (0: one per thread when a run is small, else 1) */
    int threads;   /* threads per run (0: all threads / jobs) */
    int resume;    /* continue OUT.partial instead of refusing to overwrite it */
    int series;    /* also keep every run's series of the reported brands (market_share,
                    * revenue, the revenge acts, mean_revenge, exits, response_cost,
                    * net_contribution) and write them to the HDF5 table as
                    * /series/<brand>/<metric> (runs x steps); journaled beside the rows in
                    * OUT.series.partial, so a resume redoes nothing */
    bs_cancel cancel;
    void *ctx;
    void (*on_run)(void *ctx, const bs_sweep_progress *p); /* after every run; may be NULL */
    /* runs spread over processes (distribute.h; NULL: here, over threads): every rank calls
     * with the same sweep and options; each run computes on whichever rank is free, on
     * `threads` threads there (0: the OpenMP default), one run at a time per rank; rank 0
     * alone keeps the journal, calls on_run and writes the tables, and its bs_sweep_outcome
     * answers (the other ranks' do not). The tables do not depend on the number of ranks. */
    const bs_distributor *dist;
} bs_sweep_opts;

/* Run every run not yet in the journal and write the tables (above). out: the CSV path.
 * Without opt->resume an existing OUT.partial is an error (BS_ERR_INPUT, saying to resume);
 * with it, a journal written by another sweep (another header) is one too. Cancelled: the
 * journal keeps every finished run, BS_ERR_RUNTIME "interrupted after D of N runs". */
bs_status bs_sweep_run(bs_sweep *s, const char *out, const bs_sweep_opts *opt, bs_error *err);

/* After bs_sweep_run: outcome o of brand j in run k (NaN if not run). Runs are
 * ordered k = replicate * points + point. */
double bs_sweep_outcome(const bs_sweep *s, size_t run, int brand, bs_kpi o);

/* ---- sensitivity (sensitivity.h) of a finished sweep with a saltelli, morris or oat design --- */

/* One factor's sensitivity for one brand and outcome: the fields of its design's method
 * (the others NaN). The outcome of a point is its mean over the replicates with a defined
 * value (NaN if none has one). */
typedef struct {
    bs_sobol_index sobol;     /* saltelli: first-order and total indices, 95 % bootstrap CIs */
    bs_morris_index morris;   /* morris: mu, mu*, sigma (per unit of the factor's range) */
    bs_oat_effect oat;        /* oat: the outcome with the factor at its low and high end */
    size_t used;              /* saltelli: blocks used (those with every outcome defined) */
} bs_sensitivity;

/* Whether the sweep's design has sensitivity indices (saltelli, morris, oat). */
int bs_sweep_has_sensitivity(const bs_sweep *s);

/* The k factors' sensitivity of outcome o of reported brand j (out: k entries). BS_ERR_INPUT
 * when the design has none, or too few defined outcomes (an outcome undefined in most
 * runs). Bootstrap: 1000 resamples, seeded by the design's seed. */
bs_status bs_sweep_sensitivity(const bs_sweep *s, int j, bs_kpi o, bs_sensitivity *out,
                               bs_error *err);

/* Every reported brand's and outcome's sensitivity as one CSV table at path (written to
 * path.partial, renamed when complete): brand,outcome,factor,method, then the method's
 * columns (saltelli: first, first_lo, first_hi, total, total_lo, total_hi, blocks; morris:
 * mu, mu_star, sigma, effects; oat: low, base, high, swing). An outcome without indices
 * (too few defined values) has empty cells. */
bs_status bs_sweep_write_sensitivity(const bs_sweep *s, const char *path, bs_error *err);

/* One figure per outcome of its sensitivity (panels: the reported brands, at most 4): Sobol
 * indices with their CIs as bars (saltelli), mu* against sigma (morris), a tornado (oat), drawn
 * by gnuplot into the existing folder dir as sensitivity_<outcome>.<format>. The paths written
 * go to files[k] (k < *n_files, BS_KPI_COUNT at most; each file_len bytes). */
bs_status bs_sweep_plot_sensitivity(const bs_sweep *s, const bs_plot_env *env, const char *dir,
                                    char *files, size_t file_len, int *n_files, bs_error *err);

/* ---- decisions under uncertainty: an experiment with `options:` ----------------------------- */

/* An experiment file's `options:` are the decision (levels only): every combination of their
 * levels is run at every point of the design over the uncertain `factors:`, with the same
 * seeds, so options are compared point by point and replicate by replicate. Option 0, the
 * first level of every option, is the baseline (put doing nothing first). The brand whose net
 * contribution after the shock decides is `decide_for:` (default: the first reported brand). */

#define BS_DECIDE_BINS 5

/* One option (a combination of the options' levels), across the uncertain points. */
typedef struct {
    size_t option;      /* index: the last option's level varies fastest */
    char label[320];    /* "breach_response=apology, response_delay=1" (each path's last key) */
    double net;         /* mean net contribution after the shock, over points and replicates */
    bs_effect value;    /* its net value: mean of (net - the baseline's net) per point and
                         * replicate, with the paired t CI */
    double regret_mean; /* mean of (best option's net - this option's net), per point and replicate */
    double regret_max;  /* the largest such regret */
    double p_best;      /* share of (point, replicate) where it has the highest net contribution */
    int rank;           /* 1: the highest expected net value */
} bs_option_value;

/* Where the best option changes along one uncertain factor: the points are cut into
 * BS_DECIDE_BINS equal parts of the factor's range; best[b] is the option with the highest
 * mean net contribution in part b (-1: an empty part). */
typedef struct {
    int factor;                  /* index into the sweep's factors (an uncertain one) */
    int best[BS_DECIDE_BINS];
    int flips;                   /* how many times the best option changes along the range */
    char at[BS_SWEEP_VALUE_MAX]; /* the factor's value where it first changes (interpolated
                                  * between parts; a level for a factor with levels); "" if never */
    size_t from, to;             /* the best option below and above that value */
} bs_flip;

size_t bs_sweep_options(const bs_sweep *s);        /* option combinations (1 without options) */
int bs_sweep_option_factors(const bs_sweep *s);    /* the first this many factors are options */
const char *bs_sweep_decided_brand(const bs_sweep *s);

/* After bs_sweep_run: every option's value (options: bs_sweep_options entries, in option order;
 * rank says the order by expected net value) and, for each uncertain factor, where the best
 * option flips (flips: factors - option factors entries). BS_ERR_INPUT without options, or when
 * the decided brand's net contribution is undefined (a file written before the economics). */
bs_status bs_sweep_decide(const bs_sweep *s, bs_option_value *options, bs_flip *flips,
                          bs_error *err);

/* The decision as CSV at path (path.partial, renamed): one row per option (option, label,
 * rank, net, net_value, net_value_lo, net_value_hi, p, regret_mean, regret_max, p_best), then
 * one row per uncertain factor (factor, best option per part, flips, at, from, to). */
bs_status bs_sweep_write_decision(const bs_sweep *s, const char *path, bs_error *err);

/* The HDF5 table's path for a CSV path: its stem + ".h5" ("x/runs.csv" -> "x/runs.h5"). */
void bs_sweep_table_h5(const char *csv, char *buf, size_t n);

BS_API_END

#endif
