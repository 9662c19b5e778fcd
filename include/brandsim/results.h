/* SPDX-License-Identifier: MIT */
/*
 * results.h: the one reader of brandsim's HDF5 output, used by every analysis
 * command (plot, compare, export, info, report).
 *
 * It opens a single-run file (docs/OUTPUT.md) or an ensemble file (root
 * attribute `layout` = "ensemble": variants x replicates) and presents both
 * alike: V variants x R replicates x S steps x B brands. A single-run file is
 * one variant, named after the scenario, with R = 1.
 *
 *   bs_results *r = bs_results_open("out.h5", &err);
 *   double *x = malloc(R * S * B * sizeof *x);
 *   bs_results_series(r, v, BS_SEG_ALL, BS_M_MARKET_SHARE, x, &err); x[(rep*S + t)*B + b]
 *   bs_results_stat(r, v, BS_SEG_STRONG, BS_M_MEAN_REVENGE, BS_RSTAT_MEAN, m, &err); m[t*B + b]
 *   bs_results_free(r);
 *
 * Errors are values: a bs_error whose message starts with the file name
 * ("out.h5: not a brandsim output file (no format_version attribute)");
 * BS_ERR_INPUT when the file is not a (complete, known) brandsim file,
 * BS_ERR_RUNTIME for memory and read failures. Nothing here prints or exits.
 * HDF5's own error printing is off while a function of this module runs.
 */
#ifndef BS_ANALYSIS_RESULTS_H
#define BS_ANALYSIS_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "brandsim/error.h"
#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "brandsim/scenario.h"
#include "brandsim/visibility.h"

BS_API_BEGIN

typedef struct bs_results bs_results;

/* What bs_results_stat() returns for each step and brand (a "replicate
 * statistic"; replication.h has its own bs_outcome_stat with BS_STAT_*): the mean over
 * replicates, their standard deviation, and the 95 % confidence interval of
 * the mean (t distribution, analysis/stats.h). With R = 1 the mean is the
 * value and the others are NaN. */
typedef enum { BS_RSTAT_MEAN, BS_RSTAT_SD, BS_RSTAT_LO, BS_RSTAT_HI, BS_RSTAT_COUNT } bs_rstat;

/* Name of a statistic as in ensemble files: mean, sd, ci_low, ci_high. */
const char *bs_rstat_name(bs_rstat s);

/* Open PATH read-only and read its metadata (attributes, brands, variants,
 * seeds, events). Returns NULL and fills err on failure. Free with
 * bs_results_free(); the file stays open until then. */
bs_results *bs_results_open(const char *path, bs_error *err);
void bs_results_free(bs_results *r);

const char *bs_results_path(const bs_results *r);
int bs_results_is_ensemble(const bs_results *r);
const char *bs_results_scenario_name(const bs_results *r);
/* The scenario's description (root attribute `description`; "" in files written before it). */
const char *bs_results_description(const bs_results *r);
uint64_t bs_results_seed(const bs_results *r);      /* base seed */
int64_t bs_results_consumers(const bs_results *r);
double bs_results_step_days(const bs_results *r);

int bs_results_variants(const bs_results *r);   /* V >= 1 */
int bs_results_replicates(const bs_results *r); /* R >= 1 */
int bs_results_steps(const bs_results *r);      /* S >= 1 */
int bs_results_brands(const bs_results *r);     /* B >= 0 */

/* Variant v's name (a single-run file: the scenario's name); index of a name
 * or -1. */
const char *bs_results_variant_name(const bs_results *r, int v);
int bs_results_variant_index(const bs_results *r, const char *name);

/* The scenario as run (YAML) and the overrides ("key=value" lines): v = -1
 * for the file's root attributes (the base scenario of an ensemble), else
 * the variant's own. Never NULL ("" when absent). */
const char *bs_results_scenario_yaml(const bs_results *r, int v);
const char *bs_results_overrides(const bs_results *r, int v);

/* Seeds of variant v's replicates (R of them). */
const uint64_t *bs_results_seeds(const bs_results *r, int v);

const char *bs_results_brand_name(const bs_results *r, int b);
int bs_results_brand_index(const bs_results *r, const char *name);
/* The brand's exit_policy ("none", "win_back", "clean_break") at the start of variant v,
 * as it ran (its overrides applied); v = -1: the base scenario's (/brands/exit_policy). */
const char *bs_results_brand_exit_policy(const bs_results *r, int v, int b);
/* The step at which a policy shock of variant v first changes the brand's exit policy,
 * with the new policy in *then (if then is not NULL); -1 if none does. */
int bs_results_brand_exit_change(const bs_results *r, int v, int b, const char **then);

/* Simulated day at the end of each step (S values). */
const double *bs_results_days(const bs_results *r);

/* Variant v's shocks and policy actions in step order (*n of them; the
 * array is owned by r). bs_event.brand is -1 for none. */
const bs_event *bs_results_events(const bs_results *r, int v, int *n);
/* Whether an event kind ("breach:hack", "policy", "response:apology", ...) is
 * a shock: not a policy change, and not a response or recovery (which only
 * follow a shock). */
int bs_results_event_is_shock(const char *kind);

/* Step of variant v's first shock (bs_results_event_is_shock: a policy
 * change before it does not count), -1 if none. */
int bs_results_first_shock(const bs_results *r, int v);

/* Brand metric `metric` within segment `seg` (BS_SEG_ALL: the whole market)
 * of variant v, every replicate: out[(rep * S + step) * B + brand], R*S*B
 * values. */
bs_status bs_results_series(const bs_results *r, int v, bs_segment seg, bs_metric metric,
                            double *out, bs_error *err);
/* Market-wide metric of variant v: out[rep * S + step], R*S values. */
bs_status bs_results_market(const bs_results *r, int v, bs_market_metric metric, double *out,
                            bs_error *err);

/* A statistic across replicates: out[step * B + brand] (S*B values). Read
 * from the file's /ensemble group when it has one, else computed. */
bs_status bs_results_stat(const bs_results *r, int v, bs_segment seg, bs_metric metric,
                          bs_rstat stat, double *out, bs_error *err);
/* The same for a market-wide metric: out[step] (S values). */
bs_status bs_results_market_stat(const bs_results *r, int v, bs_market_metric metric,
                                 bs_rstat stat, double *out, bs_error *err);

/* Whether the file holds market metric m (files written before acts_top_decile_share and
 * acts_gini existed do not: bs_results_market fails for them). */
int bs_results_has_market(const bs_results *r, bs_market_metric m);

/* ---- quantile bins (docs/OUTPUT.md, /timeseries/quantile) ------------------------------ */

/* The bins of quantile grouping g the file holds: 0 when it holds none (the grouping was
 * off, or the file was written before quantile series existed). The same in every variant
 * (variants cannot change the quantile keys). */
int bs_results_quantile_bins(const bs_results *r, bs_quantile_grouping g);
/* What grouping g bins by: "prior_strength" or a trait's name; "" when the file holds none. */
const char *bs_results_quantile_by(const bs_results *r, bs_quantile_grouping g);
/* For the trait grouping, the trait (bs_trait); -1 for strength or none. */
int bs_results_quantile_trait(const bs_results *r);

/* Quantile metric `metric` of grouping g, variant v, every replicate:
 * out[((rep * S + step) * bins + bin) * B + brand], R*S*bins*B values. BS_ERR_INPUT when
 * the file holds no such grouping. */
bs_status bs_results_quantile(const bs_results *r, int v, bs_quantile_grouping g,
                              bs_quantile_metric metric, double *out, bs_error *err);
/* A statistic across replicates: out[(step * bins + bin) * B + brand] (S*bins*B values);
 * read from the file's /ensemble group when it has one, else computed. */
bs_status bs_results_quantile_stat(const bs_results *r, int v, bs_quantile_grouping g,
                                   bs_quantile_metric metric, bs_rstat stat, double *out,
                                   bs_error *err);

/* ---- a brand series by name ------------------------------------------------------------- */

/* A brand series named as the analysis commands and the replication block name it: a brand
 * metric within a segment ("all", "strong", ...), or a quantile metric within a quantile
 * bin ("strength_q3", "anxiety_q1": bs_quantile_bin_parse). */
typedef struct {
    int quantile; /* 0: a segment's series; 1: a quantile bin's */
    int seg;      /* bs_segment (quantile 0) */
    int grouping; /* bs_quantile_grouping (quantile 1) */
    int trait;    /* the trait a trait bin's name gives (bs_trait), -1 for strength */
    int bin;      /* 0-based (quantile 1) */
    int metric;   /* bs_metric (quantile 0) or bs_quantile_metric (quantile 1) */
} bs_series_ref;

/* A segment or quantile-bin name and a metric name into *ref. BS_ERR_INPUT with a message
 * naming the option (`what`, e.g. "--segment") and what was expected when the segment is
 * neither, or when the metric is not a brand metric (segments) or not one of the metrics
 * reported by quantile bin (bins). */
bs_status bs_series_ref_parse(const char *segment, const char *metric, const char *what,
                              bs_series_ref *ref, bs_error *err);
/* The segment's (or bin's) name of ref into buf (n bytes); returns buf. */
const char *bs_series_ref_segment(const bs_series_ref *ref, char *buf, size_t n);
/* The metric's name (static storage). */
const char *bs_series_ref_metric(const bs_series_ref *ref);
/* BS_OK if the file holds ref's series; else BS_ERR_INPUT saying what it holds ("out.h5:
 * no bin strength_q5: the file has 3 strength bins", "... bins by anxiety, not grudge"). */
bs_status bs_results_check_ref(const bs_results *r, const bs_series_ref *ref, bs_error *err);
/* ref's series of variant v, every replicate: out[(rep * S + step) * B + brand]. */
bs_status bs_results_ref_series(const bs_results *r, int v, const bs_series_ref *ref,
                                double *out, bs_error *err);
/* A statistic across replicates of ref's series: out[step * B + brand] (S*B values). */
bs_status bs_results_ref_stat(const bs_results *r, int v, const bs_series_ref *ref,
                              bs_rstat stat, double *out, bs_error *err);

BS_API_END

#endif
