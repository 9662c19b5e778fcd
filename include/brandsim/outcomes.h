/* SPDX-License-Identifier: MIT */
/*
 * outcomes.h: the numbers a strategist asks about (key performance
 * indicators, bs_kpi: named so as not to clash with the replication
 * engine's bs_outcome in replication.h), per brand and replicate, and how two
 * variants (or runs) differ in them.
 *
 *   share_lost      market share in the step before the first shock minus the
 *                   lowest share from then on (>= 0; NaN without a shock, or
 *                   with one at step 0)
 *   share_regained  final share minus that lowest share (>= 0; NaN likewise)
 *   revenue         revenue summed over every step
 *   revenge_acts    revenge_wom + revenge_withhold + revenge_antibrand, summed
 *   revenge_days    days from the first shock (from the start without one)
 *                   until mean_revenge, after its peak, first falls below
 *                   10 % of that peak; 0 if it never rises above 0, NaN if it
 *                   does not fall that far within the run
 *   exit_losses     customers lost to exit: exits summed over every step
 *
 * Across replicates: mean and 95 % CI (bs_ci_mean), and the difference to a
 * baseline: paired t when both sides ran the same seeds (common random
 * numbers, as the variants of one ensemble file do), Welch's t otherwise.
 * Pure functions apart from bs_kpis_compute(), which reads a file.
 */
#ifndef BS_ANALYSIS_OUTCOMES_H
#define BS_ANALYSIS_OUTCOMES_H

#include <stddef.h>
#include <stdint.h>

#include "brandsim/results.h"
#include "brandsim/stats.h"
#include "brandsim/visibility.h"

BS_API_BEGIN

typedef enum {
    BS_KPI_SHARE_LOST,
    BS_KPI_SHARE_REGAINED,
    BS_KPI_REVENUE,
    BS_KPI_REVENGE_ACTS,
    BS_KPI_REVENGE_DAYS,
    BS_KPI_EXIT_LOSSES,
    BS_KPI_COUNT
} bs_kpi;

typedef struct {
    const char *name;  /* column name: share_lost, ... */
    const char *label; /* for tables: "share lost", ... */
    const char *units; /* "share of purchases", "currency units", ... */
    int percent;       /* shown as a percentage (x 100) */
} bs_kpi_info;

const bs_kpi_info *bs_kpi_get(bs_kpi o);

/* One brand's series in one replicate, S values each, `stride` apart. */
typedef struct {
    int steps;
    const double *day;  /* S days, stride 1 */
    int first_shock;    /* step of the first shock, -1 if none */
    size_t stride;
    const double *share, *revenue, *wom, *withhold, *antibrand, *mean_revenge, *exits;
} bs_kpi_series;

/* The outcomes of one brand and replicate (see the definitions above). */
void bs_kpis_of(const bs_kpi_series *s, double out[BS_KPI_COUNT]);

/* Every brand's outcomes in every replicate of variant v:
 * out[(rep * B + brand) * BS_KPI_COUNT + outcome], R*B*BS_KPI_COUNT values. */
bs_status bs_kpis_compute(const bs_results *r, int v, double *out, bs_error *err);

/* The R values of one outcome of one brand, from bs_kpis_compute()'s array. */
void bs_kpi_values(const double *all, int R, int B, int brand, bs_kpi o, double *vals);

/* An outcome's value for tables, in its display unit (percentage points for
 * shares, whole numbers for counts and days from 10 on) into buf[n]; NaN is
 * "not reached" for revenge_days, "n/a" otherwise. */
void bs_kpi_format(bs_kpi o, double x, char *buf, size_t n);

/* Mean with its CI, "7.10 [6.52, 7.68]" (or the mean alone when the CI is
 * NaN: one replicate) into buf[n]. */
void bs_kpi_format_ci(bs_kpi o, bs_ci c, char *buf, size_t n);

typedef enum { BS_TEST_PAIRED, BS_TEST_WELCH } bs_test;
const char *bs_test_name(bs_test t); /* "paired t", "Welch t" */

/* Paired when both sides ran the same seeds in the same order, else Welch. */
bs_test bs_test_for(const uint64_t *seeds_a, int na, const uint64_t *seeds_b, int nb);

/* mean(a) - mean(base) with its 95 % CI, by the given test (paired needs
 * na == nb). With too few replicates for the test (one on a side) the
 * estimate is still the difference of the means; the rest is NaN. */
bs_effect bs_kpi_difference(const double *a, int na, const double *base, int nb, bs_test t);

BS_API_END

#endif
