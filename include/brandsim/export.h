/* SPDX-License-Identifier: MIT */
/*
 * export.h: brandsim output as one tidy, long-format CSV table, the form
 * pandas (read_csv) and R (read.csv) read without options:
 *
 *   step,variant,replicate,brand,segment,metric,value
 *   0,breach,0,alder,all,market_share,0.1265
 *
 * One row per value of every time series: brand metrics with segment "all"
 * (the whole market) or the segment's name, market-wide metrics with
 * segment "market" and an empty brand, and the quantile metrics with the
 * bin's name as the segment ("strength_q1", "anxiety_q3"; only when the file
 * holds quantile series). Replicates count from 0. Values are written with
 * as few digits as read back to the same double. Rows per variant:
 * R x S x (9 x 33 x B + 10 + (strength bins + trait bins) x 6 x B)
 * (docs/ANALYSIS.md).
 */
#ifndef BS_ANALYSIS_EXPORT_H
#define BS_ANALYSIS_EXPORT_H

#include <stdio.h>

#include "brandsim/results.h"
#include "brandsim/visibility.h"

BS_API_BEGIN

/* Write every series of variant v (or of every variant, v = -1) to out,
 * header first. Returns BS_OK, or an error (a read failure; a write failure
 * of out is the caller's to detect with ferror). When *stop is set (a caught
 * signal) it stops before the next series with BS_ERR_RUNTIME; stop NULL:
 * never. */
bs_status bs_export_csv(const bs_results *r, int v, FILE *out, bs_cancel cancel,
                        bs_error *err);

/* x as the shortest of %.15g, %.16g, %.17g that reads back as x; "NaN",
 * "Inf", "-Inf" otherwise. buf: at least 32 bytes. */
const char *bs_export_number(double x, char *buf);

BS_API_END

#endif
