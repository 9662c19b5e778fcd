/* SPDX-License-Identifier: MIT */
/*
 * analysis.h: what brandsim does with the files it writes, one header per
 * concern: reading them (results.h), reducing series to outcomes
 * (outcomes.h), a finding's virtual experiment and its verdicts
 * (replication.h), judging findings and writing REPORT.md (findings.h),
 * figures (plot.h, plot_format.h), the tidy CSV export (export.h), the
 * HTML report (report.h), the sweep engine (sweep.h: many runs, one row of
 * outcomes each) and the sensitivity indices of a sweep (sensitivity.h).
 * Included by brandsim.h.
 */
#ifndef BRANDSIM_ANALYSIS_H
#define BRANDSIM_ANALYSIS_H

#include "brandsim/results.h"
#include "brandsim/outcomes.h"
#include "brandsim/replication.h"
#include "brandsim/findings.h"
#include "brandsim/plot_format.h"
#include "brandsim/plot.h"
#include "brandsim/export.h"
#include "brandsim/report.h"
#include "brandsim/sensitivity.h"
#include "brandsim/sweep.h"

#endif
