/* SPDX-License-Identifier: MIT */
/*
 * replication.h: a finding's virtual experiment, as declared in the
 * `replication:` block of a scenario in scenarios/replication/, and how its
 * verdict is computed: each test reduces one series of every run to a number
 * (the outcome), then compares variants with a criterion (a paired
 * difference, an interaction, an ordering, a slope, a ratio or range, a
 * share), with a 95 % confidence interval and a t test from analysis/stats.h.
 * Parsing reports FILE:LINE: 'key.path': what, expected what. No printing.
 */
#ifndef BS_ANALYSIS_REPLICATION_H
#define BS_ANALYSIS_REPLICATION_H

#include "brandsim/error.h"
#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "brandsim/scenario.h"
#include "brandsim/visibility.h"

BS_API_BEGIN

enum { BS_REP_MAX_TESTS = 16, BS_REP_MAX_LIST = 16, BS_REP_MAX_PARAMS = 8, BS_REP_MAX_CONTROLS = 6 };

typedef enum {
    BS_STAT_MEAN, BS_STAT_SUM, BS_STAT_LAST, BS_STAT_PEAK, BS_STAT_MIN, BS_STAT_SLOPE,
    BS_STAT_TIME_BELOW, BS_STAT_RELATIVE, BS_STAT_PEAK_FRACTION, BS_STAT_COUNT
} bs_outcome_stat;

/* One series of a run (a brand metric in a segment or a union of segments, or a quantile
   metric in a quantile bin or a union of bins of one grouping, of one brand or of all (brand
   "*": counts summed, means and shares averaged over brands), or a market metric) reduced
   over the step window [from, to) to one number. */
typedef struct {
    int market;         /* 1: a market metric (metric is a bs_market_metric) */
    int quantile;       /* 1: a quantile metric (metric is a bs_quantile_metric) in bins bin[]
                           of grouping `grouping` (segment strength_q3, anxiety_q1, ...) */
    int metric;         /* bs_metric, bs_market_metric or bs_quantile_metric */
    int brand;          /* brand index, or -1 for "*" (the sum over brands) */
    int n_seg;          /* segments in the union (1: one segment), or bins (quantile) */
    int seg[BS_SEG_COUNT]; /* bs_segment; a union adds counts and weights means by their
                              denominators (active, ever held, former customers, purchases) */
    int grouping;       /* quantile: bs_quantile_grouping */
    int bin[BS_QUANTILE_MAX_BINS]; /* quantile: 0-based bins (n_seg of them); a union adds
                                      counts and weights mean_revenge by relationships */
    int from, to;       /* step window [from, to) */
    int stat;           /* bs_outcome_stat */
    double fraction;    /* time_below: steps from the peak until below fraction x peak */
    int base_from, base_to; /* relative: minus the mean over [base_from, base_to);
                               peak_fraction: (last - baseline) / (peak - baseline) */
    char text[160];     /* as written, for reports: "mean_revenge of acme (strong), steps 20-28, mean" */
} bs_outcome;

typedef enum {
    BS_CRIT_GREATER, BS_CRIT_LESS, BS_CRIT_INTERACTION, BS_CRIT_ORDERING, BS_CRIT_SLOPE,
    BS_CRIT_RATIO_IN, BS_CRIT_RANGE, BS_CRIT_SHARE_OF, BS_CRIT_COUNT
} bs_criterion_type;

typedef struct {
    int type;
    int a, b;                   /* variant indices: greater, less, ratio_in, range, share_of */
    int cell[4];                /* interaction: a11, a10, a01, a00 */
    int sign;                   /* interaction, slope: +1 or -1 */
    int n_list;                 /* ordering: variants; slope: variants with x; share_of: among */
    int list[BS_REP_MAX_LIST];
    double x[BS_REP_MAX_LIST];  /* slope: x of each listed variant */
    int increasing;             /* ordering: 1 increasing, 0 decreasing */
    double min, max;            /* ratio_in, range: [min, max] (absent: -inf, inf); share_of: min */
    double min_relative;        /* greater, less: the CI must clear min_relative x |mean(b)| */
    int log_scale;              /* interaction: contrast of log outcomes (proportional) */
} bs_criterion;

/* What a test rests on (its `basis:` key): built in, when one model equation states the
   relation it checks, so that it cannot fail while that equation stands; emergent, when it
   follows from mechanisms that do not name it (docs/FINDINGS.md). */
typedef enum { BS_BASIS_NONE, BS_BASIS_BUILT_IN, BS_BASIS_EMERGENT, BS_BASIS_COUNT } bs_test_basis;

/* How a test's outcome is set against its `versus` outcome, in each run: their difference,
   or the log of their ratio (a proportional contrast; both must be > 0). */
typedef enum { BS_CONTRAST_NONE, BS_CONTRAST_DIFFERENCE, BS_CONTRAST_LOG_RATIO, BS_CONTRAST_COUNT } bs_contrast;

typedef struct {
    char name[160];
    int line;
    bs_outcome outcome;
    bs_outcome versus;       /* contrast != NONE: the outcome it is set against, in the same run
                                (e.g. the weakest third against the strongest) */
    int contrast;            /* bs_contrast: NONE without `versus`, DIFFERENCE by default */
    bs_criterion criterion;
    int basis;               /* bs_test_basis; BS_BASIS_NONE when the file gives none */
    char basis_reason[400];  /* why, in one sentence (given with basis, and only with it) */
} bs_rep_test;

/* A negative control: overrides that switch the responsible mechanism off; with them the
   tests in `breaks` (every test if none is listed) must FAIL. */
typedef struct {
    char name[160];
    int n_set;
    char set[BS_REP_MAX_PARAMS][128]; /* "key=value" */
    char why[256];
    int n_breaks;
    int breaks[BS_REP_MAX_TESTS];     /* test indices */
} bs_rep_control;

typedef struct {
    char id[16];
    char source[256];
    char expected[512];
    int exploratory;
    int replicates;         /* default 30 */
    int n_tests;
    bs_rep_test tests[BS_REP_MAX_TESTS];
    int n_controls;
    bs_rep_control controls[BS_REP_MAX_CONTROLS];
    /* robustness: parameters re-run at 0.5x and 1.5x their value in the scenario */
    int n_robust;
    char robust[BS_REP_MAX_PARAMS][96];
} bs_replication;

/* Read the `replication:` block of the scenario file `path`, whose scenario and variants
   (already loaded) it refers to. BS_ERR_INPUT with file:line:key on any mistake,
   including a file without the block. */
bs_status bs_replication_load(const char *path, const bs_scenario *sc, const bs_variants *vars,
                              bs_replication *rep, bs_error *err);

/* The value of an outcome's series in one step's aggregates. */
double bs_outcome_series_value(const bs_outcome *o, const bs_stats *st);

/* The same for a file that may have no `replication:` block: *present says whether it has
   one; BS_OK without one. */
bs_status bs_replication_load_optional(const char *path, const bs_scenario *sc,
                                       const bs_variants *vars, bs_replication *rep,
                                       int *present, bs_error *err);

/* The outcome of one run: series[t] for t in [0, steps). */
double bs_outcome_value(const bs_outcome *o, const double *series, int steps);

/* The verdict of one test. values[v * R + r]: the outcome of replicate r of variant v
   (replicates share seeds across variants, so comparisons are paired). */
typedef struct {
    int pass;
    double effect, lo, hi;  /* the effect tested and its 95 % CI (NaN if none) */
    double t, p;            /* test statistic and two-sided p (NaN if none) */
    char effect_name[96];   /* what `effect` is: "difference a - b", "slope", ... */
    int pair[2];            /* ordering: the adjacent variants whose difference is reported */
} bs_verdict;

bs_verdict bs_criterion_eval(const bs_criterion *c, const double *values, int V, int R);

/* Names for reports. bs_test_basis_name: "built in", "emergent" or "not labelled". */
const char *bs_criterion_name(int type);
const char *bs_outcome_stat_name(int stat);
const char *bs_test_basis_name(int basis);

BS_API_END

#endif
