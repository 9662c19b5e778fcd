/* SPDX-License-Identifier: MIT */
/*
 * distributed.h: the experiment driver's path when its runs are spread over
 * processes (opt->dist with two ranks or more; experiment.h), and what it
 * shares with the serial path.
 */
#ifndef BRANDSIM_EXPERIMENT_DISTRIBUTED_H
#define BRANDSIM_EXPERIMENT_DISTRIBUTED_H

#include "brandsim/experiment.h"

/* Every run of (base, vars), opt->dist's ranks computing them, rank 0 writing path (NULL:
   callbacks only). Called by bs_experiment_run on every rank for two runs or more. */
bs_status bs_experiment_run_distributed(const bs_scenario *base, const bs_variants *vars,
                                        const char *path, const bs_experiment_opts *opt,
                                        bs_error *err);

/* The provenance recorded: the caller's, with what the driver knows filled in. */
bs_provenance bs_experiment_provenance(const bs_experiment_opts *opt, double wall,
                                       double bytes_per_consumer);

#endif
