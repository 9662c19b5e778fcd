/* SPDX-License-Identifier: MIT */
/*
 * export.h: brandsim output as CSV tables that pandas (read_csv) and R
 * (read.csv) read without options (docs/ANALYSIS.md, "brandsim export").
 * Four tables, each with a header line:
 *
 * - the series (bs_export_csv, and the default of bs_export_write): one row
 *   per value of every time series,
 *     step,variant,replicate,brand,segment,metric,value
 *     0,breach,0,alder,all,market_share,0.1265
 *   brand metrics with segment "all" (the whole market) or the segment's
 *   name, market-wide metrics with segment "market" and an empty brand, and
 *   the quantile metrics with the bin's name as the segment ("strength_q1",
 *   "anxiety_q3"; only when the file holds quantile series). Replicates count
 *   from 0. Rows per variant:
 *   R x S x (9 x 33 x B + 10 + (strength bins + trait bins) x 6 x B);
 * - their summary over replicates: one row per variant, segment, metric, step
 *   and brand (bs_results_stat: the file's /ensemble group, or computed),
 *     step,day,variant,brand,segment,metric,n,mean,sd,ci_low,ci_high
 *   n the replicates, the 95 % CI of the mean (t); sd and CI empty with one;
 * - the outcomes (outcomes.h, bs_kpis_compute): one row per variant,
 *   replicate and brand,
 *     variant,replicate,seed,brand,share_lost,...,revenge_days
 *   the outcomes in bs_kpi order;
 * - their summary: one row per variant and brand,
 *     variant,brand,n,share_lost_mean,share_lost_ci_low,share_lost_ci_high,...
 *   each outcome's mean and 95 % CI over the replicates (bs_ci_mean; CI
 *   empty with one replicate, mean empty when a replicate's is undefined).
 *
 * Rows are ordered by variant, then as the file's groups: the segments'
 * series (segment, metric, [replicate], step, brand), the market series
 * (metric, [replicate], step), the bins' series (grouping, metric,
 * [replicate], step, bin, brand). Numbers are written by bs_export_number;
 * in the summaries and the outcome tables an undefined value (NaN) is an
 * empty cell, in the series table "NaN".
 */
#ifndef BS_ANALYSIS_EXPORT_H
#define BS_ANALYSIS_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "brandsim/results.h"
#include "brandsim/visibility.h"

BS_API_BEGIN

/* Write every series of variant v (or of every variant, v = -1) to out,
 * header first: the series table. Returns BS_OK, or an error (a read failure;
 * a write failure of out is the caller's to detect with ferror). When
 * cancel's flag is set (a caught signal) it stops before the next series with
 * BS_ERR_RUNTIME ("stopped"); flag NULL: never. */
bs_status bs_export_csv(const bs_results *r, int v, FILE *out, bs_cancel cancel,
                        bs_error *err);

/* Which table bs_export_write writes. */
typedef enum {
    BS_EXPORT_SERIES,          /* each replicate's values: step,variant,replicate,... */
    BS_EXPORT_SERIES_SUMMARY,  /* n, mean, sd, CI over replicates: step,day,variant,... */
    BS_EXPORT_OUTCOMES,        /* each replicate's outcomes: variant,replicate,seed,brand,... */
    BS_EXPORT_OUTCOMES_SUMMARY /* each outcome's mean and CI: variant,brand,n,... */
} bs_export_table;

/* What bs_export_write writes. Each list is names separated by commas
 * (empty items are skipped); NULL: every one. A zeroed struct (or o NULL)
 * asks for the series table of every variant, as bs_export_csv(r, -1, ...)
 * writes it.
 * A row is kept when its metric, segment and brand are each named:
 *   metrics   brand metrics (docs/OUTPUT.md), market metrics, the metrics
 *             reported by quantile bin; a name that is all three ("purchases")
 *             selects each (series tables only)
 *   segments  "all", a segment's name ("strong", ...), "market" (the
 *             market-wide series), a quantile bin ("strength_q1",
 *             bs_quantile_bin_parse) (series tables only)
 *   brands    brand names; the market-wide rows have no brand and are kept
 *             (every table) */
typedef struct {
    bs_export_table table;
    const char *variant;  /* one variant's name; NULL: every variant */
    const char *metrics;
    const char *segments;
    const char *brands;
} bs_export_options;

/* Check o against r's file: BS_OK, or BS_ERR_INPUT with a message that names
 * the option as the command's flag does ("--metrics: 'x' is not a metric of
 * out.h5"; "--segments: out.h5: no bin strength_q4: the file has 3 strength
 * bins (strength_q1 .. strength_q3)"): an unknown variant, brand, metric or
 * segment, a metric or bin the file does not hold (a market metric written
 * after it, quantile series it has none of), a list that names nothing,
 * metrics and segments that together select no series, or metrics or
 * segments with an outcome table. BS_ERR_RUNTIME: out of memory. */
bs_status bs_export_check(const bs_results *r, const bs_export_options *o, bs_error *err);

/* Write the table o asks for to out, header first. o is checked first
 * (bs_export_check): on BS_ERR_INPUT nothing is written. Otherwise as
 * bs_export_csv: a read failure is returned, a write failure of out is the
 * caller's to detect with ferror, and a set cancel flag stops it before the
 * next series (the outcome tables: before the next variant) with
 * BS_ERR_RUNTIME ("stopped"). */
bs_status bs_export_write(const bs_results *r, const bs_export_options *o, FILE *out,
                          bs_cancel cancel, bs_error *err);

/* The metric names the series of r's file hold, each once, in the order of
 * the series table: the brand metrics, then the market metrics the file
 * holds that are not brand metrics, then the quantile metrics that are
 * neither when it holds quantile series. Up to cap of them into names
 * (static storage); returns how many there are (which may exceed cap). */
size_t bs_export_metrics(const bs_results *r, const char **names, size_t cap);

/* x as the shortest of %.15g, %.16g, %.17g that reads back as x; "NaN",
 * "Inf", "-Inf" otherwise. buf: at least 32 bytes. */
const char *bs_export_number(double x, char *buf);

BS_API_END

#endif
