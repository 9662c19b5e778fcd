/* SPDX-License-Identifier: MIT */
/*
 * output.h: writes one run to an HDF5 file, the only file format brandsim
 * produces (layout in docs/OUTPUT.md). The file is built as PATH.partial and
 * renamed to PATH only once it is complete, so PATH never holds a half file.
 *
 * Use: bs_output_open(), bs_output_write_step() once per step in order, then
 * bs_output_finish(); on an error or an interrupt, bs_output_abort() instead.
 * This module never prints and never exits; every failure is a bs_error.
 */
#ifndef BRANDSIM_IO_OUTPUT_H
#define BRANDSIM_IO_OUTPUT_H

#include "brandsim/error.h"
#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "brandsim/scenario.h"
#include "brandsim/version.h"
#include "brandsim/provenance.h"

typedef struct bs_output bs_output;


/* Create PATH.partial beside PATH (PATH + ".partial"), with every dataset laid out for sc->steps
   steps. scenario_yaml: the scenario as run (resolved, after overrides) stored as a root string
   attribute; overrides: the --set arguments joined by newlines ("" if none), root attribute.
   Returns NULL and fills err (BS_ERR_RUNTIME, message naming the path and the HDF5/OS reason) on failure. */
bs_output *bs_output_open(const char *path, const bs_scenario *sc, const char *scenario_yaml,
                          const char *overrides, bs_error *err);

/* Append one step's aggregates (buffered; written in time chunks). Steps must come in order,
   exactly sc->steps of them. On an error the output stays open: call bs_output_abort(). */
bs_status bs_output_write_step(bs_output *out, const bs_stats *st, bs_error *err);

/* Write events and provenance (brands were written at open); flush; close; rename PATH.partial
   to PATH. Fails unless all sc->steps steps were written. On any failure, remove the partial
   file and return an error: no file under PATH (and no half file) remains.
   Frees `out` in every case: do not call bs_output_abort() afterwards. */
bs_status bs_output_finish(bs_output *out, const bs_event *ev, int n_events,
                           const bs_provenance *prov, bs_error *err);

/* ---- ensembles: variants x replicates in one file ------------------------------------
   Use: bs_output_open_ensemble(); then for each variant v in order:
   bs_output_begin_variant(), and for each replicate r = 0 .. R-1 bs_output_begin_replicate()
   followed by sc->steps calls of bs_output_write_step(); then bs_output_end_replicates(); with
   R >= 2, the statistics across replicates of every series, which the caller computes from
   bs_output_read_replicates() and hands to bs_output_write_summary() (sim/experiment/summary.c);
   then bs_output_end_variant(). Finally bs_output_finish() with no events (each variant carries
   its own). R is sc->replicates; replicate r's seed is sc->seed + r in every variant. Layout:
   docs/OUTPUT.md, "Ensemble files". The writer only writes (and reads back what it wrote). */
bs_output *bs_output_open_ensemble(const char *path, const bs_scenario *sc,
                                   const char *scenario_yaml, const char *overrides,
                                   int n_variants, const char *const *names, bs_error *err);

/* Begin variant v (0, 1, ... in order) named `name`: its scenario as run (same steps, brands,
   replicates and seed as the file's), the YAML of it, its overrides as "key=value" lines, and
   its events (the schedule is the same in every replicate). */
bs_status bs_output_begin_variant(bs_output *out, int v, const bs_scenario *sc, const char *name,
                                  const char *scenario_yaml, const char *overrides,
                                  const bs_event *ev, int n_events, bs_error *err);
bs_status bs_output_begin_replicate(bs_output *out, int r, bs_error *err);

/* Every replicate of the variant is written (all steps of the last one): flush them. */
bs_status bs_output_end_replicates(bs_output *out, bs_error *err);

/* A series of a file: a brand metric (bs_metric) in a segment (bs_segment), a market
   metric (bs_market_metric) with seg = BS_SERIES_MARKET, or a quantile metric
   (bs_quantile_metric) of grouping g with seg = BS_SERIES_QUANTILE(g). Width: n_brands, 1
   (market), or bins x n_brands (quantile: bin-major). */
enum { BS_SERIES_MARKET = -1 };
#define BS_SERIES_QUANTILE(g) (-2 - (g))

/* The bins of quantile grouping g (bs_quantile_grouping) the file holds: 0 when off. */
int bs_output_quantile_bins(const bs_output *out, int g);
/* The statistics across replicates of a series, in this order (datasets under
   /variants/<v>/ensemble/<stat>/). */
enum { BS_SUMMARY_MEAN, BS_SUMMARY_SD, BS_SUMMARY_CI_LOW, BS_SUMMARY_CI_HIGH, BS_SUMMARY_STATS };

/* After bs_output_end_replicates(): every replicate of one series of the variant, read back
   into x[r][t][w] (R x steps x width doubles). */
bs_status bs_output_read_replicates(bs_output *out, int seg, int metric, double *x, bs_error *err);

/* After bs_output_end_replicates(): the statistics of one series, stat[k][t][w] for k in
   BS_SUMMARY_MEAN .. BS_SUMMARY_CI_HIGH (4 x steps x width doubles). Brand series come
   segment by segment (all metrics of one segment together, each segment once); quantile
   series go to <stat>/quantile/<grouping>/<metric>, (steps, bins, brands). */
bs_status bs_output_write_summary(bs_output *out, int seg, int metric, const double *stat,
                                  bs_error *err);

/* Close the variant (its replicates must all be written). */
bs_status bs_output_end_variant(bs_output *out, bs_error *err);

/* Close and delete the partial file (interrupt, error). Safe on NULL. */
void bs_output_abort(bs_output *out);

#endif
