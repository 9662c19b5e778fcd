/* SPDX-License-Identifier: MIT */
/*
 * brandsim.h: the public C API of brandsim, an agent-based simulator of
 * consumer-brand relationships under privacy breaches and betrayals.
 *
 * One run is a pure function of (scenario, seed): build a bs_scenario (by hand
 * from bs_scenario_defaults() or with bs_scenario_load()), allocate a bs_run,
 * call bs_run_step() once per step and read the step's aggregates with
 * bs_run_stats(). The library never prints, never exits and keeps no global
 * state; every fallible function returns a bs_status and fills a bs_error.
 * Results do not depend on the number of threads.
 *
 * This header includes the whole public API, one header per concern:
 *   brandsim/version.h   BS_VERSION, BS_OUTPUT_FORMAT_VERSION
 *   brandsim/error.h     bs_status, bs_error, bs_cancel
 *   brandsim/scenario.h  the scenario, its parameter table, scenario files
 *   brandsim/metrics.h   metrics, segments, market metrics, bs_stats
 *   brandsim/run.h       bs_run: allocate, step, read aggregates and events
 *   brandsim/provenance.h  bs_provenance: what a file records of how it was made
 *   brandsim/experiment.h  bs_experiment_run: the one driver of runs and ensembles
 *   brandsim/distribute.h  bs_distributor: runs spread over processes (MPI ranks)
 *   brandsim/game.h      bs_game: a market played in rounds by teams, scored against counterfactuals
 *   brandsim/stats.h     confidence intervals and tests of effects across replicates
 *   brandsim/design.h    sweep designs: factorial, Latin hypercube, Sobol, Saltelli, Morris, OAT
 *   brandsim/analysis.h  reading output files, outcomes, findings, figures, exports
 * Link with libbrandsim (pkg-config brandsim); docs/DESIGN.md says how it is
 * built and installed. The library's own files include the headers they need,
 * never this one, so that no layer reaches up through it.
 */
#ifndef BRANDSIM_H
#define BRANDSIM_H

#include "brandsim/version.h"
#include "brandsim/error.h"
#include "brandsim/scenario.h"
#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "brandsim/provenance.h"
#include "brandsim/distribute.h"
#include "brandsim/experiment.h"
#include "brandsim/game.h"
#include "brandsim/stats.h"
#include "brandsim/design.h"
#include "brandsim/analysis.h"

#endif
