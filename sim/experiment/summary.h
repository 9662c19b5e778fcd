/* SPDX-License-Identifier: MIT */
/*
 * summary.h: the statistics across replicates of one variant of an ensemble
 * (mean, sd and the 95 % confidence interval of the mean, per step and
 * brand), computed here in the experiment layer from the replicates as
 * written and handed to the writer (docs/OUTPUT.md, "Ensemble files").
 */
#ifndef BS_EXPERIMENT_SUMMARY_H
#define BS_EXPERIMENT_SUMMARY_H

#include "brandsim/error.h"
#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "brandsim/scenario.h"
#include "brandsim/version.h"
#include "brandsim/experiment.h"
#include "io/output.h"

/* For every series of the variant being written (after bs_output_end_replicates()), read its
   replicates back, compute the statistics with bs_ci_mean() and write them. sc: the file's
   scenario (steps, brands, replicates >= 2). */
bs_status bs_summary_write(bs_output *out, const bs_scenario *sc, bs_error *err);

#endif
