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
 *   brandsim/error.h     bs_status, bs_error
 *   brandsim/scenario.h  the scenario, its parameter table, scenario files
 *   brandsim/metrics.h   metrics, segments, market metrics, bs_stats
 *   brandsim/run.h       bs_run: allocate, step, read aggregates and events
 *   brandsim/experiment.h  bs_experiment_run: the one driver of runs and ensembles
 *   brandsim/stats.h     confidence intervals and tests of effects across replicates
 *   brandsim/analysis.h  reading output files, outcomes, findings, figures, exports
 * Link with libbrandsim (pkg-config brandsim); docs/DESIGN.md says how it is
 * built and installed.
 */
#ifndef BRANDSIM_H
#define BRANDSIM_H

#define BS_VERSION "0.1.0"
#define BS_OUTPUT_FORMAT_VERSION 1

#include "brandsim/error.h"
#include "brandsim/scenario.h"
#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "brandsim/experiment.h"
#include "brandsim/stats.h"
#include "brandsim/analysis.h"

#endif
