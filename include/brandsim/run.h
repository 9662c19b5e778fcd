/* SPDX-License-Identifier: MIT */
/*
 * run.h: one run of a scenario. A run is a pure function of (scenario, seed):
 * bs_run_alloc() copies a validated scenario, bs_run_step() advances one step
 * (in parallel over consumers, the same numbers for any thread count),
 * bs_run_stats() gives the aggregates of the step just done and
 * bs_run_events() the run's shocks and policy actions.
 */
#ifndef BRANDSIM_RUN_H
#define BRANDSIM_RUN_H

#include "brandsim/error.h"
#include "brandsim/metrics.h"
#include "brandsim/scenario.h"
#include "brandsim/visibility.h"

#ifdef __cplusplus
extern "C" {
#endif
BS_API_BEGIN

/* ---- events (shocks and policy actions, in step order) ------------------- */

typedef struct {
    int step;
    int brand;
    char kind[32]; /* "breach:hack", "betrayal:fee", "response:apology", ... */
    double size;
} bs_event;

/* ---- a run --------------------------------------------------------------- */

typedef struct bs_run bs_run;

/* Allocate a run of the (validated) scenario with `threads` OpenMP threads
 * (0: the OpenMP default). The scenario is copied. Returns NULL and fills err
 * on failure. Free with bs_run_free(). */
bs_run *bs_run_alloc(const bs_scenario *sc, int threads, bs_error *err);
/* Free the run; does nothing to NULL. */
void bs_run_free(bs_run *run);

/* Advance one step. Returns BS_OK, or BS_ERR_RUNTIME once the run is
 * finished (all the scenario's steps done). */
bs_status bs_run_step(bs_run *run, bs_error *err);
/* Steps done so far. */
int bs_run_steps_done(const bs_run *run);
/* Aggregates of the last step done (owned by the run, overwritten by the next
 * step; meaningless before the first). */
const bs_stats *bs_run_stats(const bs_run *run);
/* The run's events: every shock and policy action of the whole run, in step
 * order (scheduled at allocation); *count of them (owned by the run). */
const bs_event *bs_run_events(const bs_run *run, int *count);
/* Change course between steps: add a policy shock (kind BS_SHOCK_POLICY, its brands and the
 * brand fields it sets, `policy_set`; bs_scenario_policy_shock() makes one from "key=value"
 * text) that takes effect at the next step, bs_run_steps_done(run), exactly as if the
 * scenario had listed it last at that step: the same numbers, the same events (a "policy"
 * event, and a later shock's response follows the new policy). The shock's step is set to
 * that step. The scenario with it is validated (BS_ERR_INPUT, naming the field and what was
 * expected); BS_ERR_RUNTIME once the run is finished or its scenario holds BS_MAX_SHOCKS
 * shocks. On any error the run is unchanged. A game's rounds (a team's decisions) and any
 * "what if the brand changed course now" use it; bs_run_scenario() then lists the shock, and
 * bs_run_initial_scenario() is the scenario of a fresh run that does the same. */
bs_status bs_run_add_policy(bs_run *run, const bs_shock *policy, bs_error *err);

/* Bytes of agent state per consumer (all arrays the step touches). */
double bs_run_bytes_per_consumer(const bs_run *run);
/* The run's copy of its scenario (owned by the run): its brands as they stand now (policies
 * and responses change them as the run goes), its shocks with every policy added. */
const bs_scenario *bs_run_scenario(const bs_run *run);
/* The scenario that, run afresh, gives this run step for step: bs_run_scenario() with the
 * brands as the run began (before any policy or response changed them), so every policy
 * added is listed at its step. Copied into *out. */
void bs_run_initial_scenario(const bs_run *run, bs_scenario *out);

BS_API_END
#ifdef __cplusplus
}
#endif
#endif
