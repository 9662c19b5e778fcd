/* SPDX-License-Identifier: MIT */
/*
 * record.h: everything a run reports, as one block of bytes: its events and
 * every step's aggregates (bs_stats), with what it measured of itself. A run
 * computed on another MPI rank comes back to rank 0 as a record, which the
 * experiment driver writes and replays to its callbacks exactly as if the
 * run had stepped there (experiment.c, distribute.h). Records cross process
 * boundaries of one build on one kind of machine: native byte order, no
 * conversion.
 */
#ifndef BRANDSIM_EXPERIMENT_RECORD_H
#define BRANDSIM_EXPERIMENT_RECORD_H

#include <stddef.h>

#include "brandsim/error.h"
#include "brandsim/run.h"
#include "brandsim/scenario.h"

/* A record being written, step by step, from a live run. */
typedef struct {
    unsigned char *bytes;
    size_t len;
    int steps_written;
} bs_record;

/* After the live run's step (bs_run_steps_done(run) >= 1): append its aggregates; the first
   call sizes the record for all the scenario's steps and stores the events. BS_ERR_RUNTIME
   when out of memory. */
bs_status bs_record_step(bs_record *rec, const bs_run *run, bs_error *err);

/* At the end of the run: what it measured of itself (bytes of state per consumer, seconds
   allocating and stepping). */
void bs_record_finish(bs_record *rec, double bytes_per_consumer, double init_seconds,
                      double step_seconds);

/* A record received: checked against the scenario it must be a run of (steps, brands), its
   parts pointed at. BS_ERR_RUNTIME for a record that is not one of this scenario. */
typedef struct {
    int steps, n_events, bins[2];
    const bs_event *events;
    double bytes_per_consumer, init_seconds, step_seconds;
    const unsigned char *step0; /* the first step's block */
    size_t step_bytes;          /* bytes per step's block */
} bs_record_view;

bs_status bs_record_open(const void *bytes, size_t len, const bs_scenario *sc, bs_record_view *view,
                         bs_error *err);

/* Step t's aggregates (0-based) of a record: v, market, quantile[g] (NULL when off). */
void bs_record_stats_at(const bs_record_view *view, int n_brands, int t, const double **v,
                        const double **market, const double *quantile[2]);

#endif
