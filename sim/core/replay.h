/* SPDX-License-Identifier: MIT */
/*
 * replay.h: a run seen again from what it reported, for the callbacks of an
 * experiment whose runs computed elsewhere (another MPI rank; distribute.h).
 * bs_run_stats, bs_run_steps_done, bs_run_events, bs_run_scenario and
 * bs_run_bytes_per_consumer answer as the run did at that step (the
 * scenario is the one the run began with); bs_run_step refuses it. Free it
 * with bs_run_free.
 */
#ifndef BRANDSIM_CORE_REPLAY_H
#define BRANDSIM_CORE_REPLAY_H

#include "brandsim/error.h"
#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "brandsim/scenario.h"

/* A replay of a run of sc whose aggregates have bins[g] quantile bins per grouping, with
   these events (copied). NULL and err on failure. */
bs_run *bs_replay_alloc(const bs_scenario *sc, const int bins[BS_QG_COUNT], const bs_event *ev,
                        int n_events, double bytes_per_consumer, bs_error *err);

/* The replay after `steps_done` steps: that step's aggregates, copied (v: BS_SEG_COUNT x
   BS_M_COUNT x brands; market: BS_MK_COUNT; quantile[g]: BS_QM_COUNT x bins[g] x brands). */
void bs_replay_set_step(bs_run *run, int steps_done, const double *v, const double *market,
                        const double *const quantile[BS_QG_COUNT]);

#endif
