/* SPDX-License-Identifier: MIT */
/*
 * outcomes.h: the numbers a strategist asks about (key performance
 * indicators, bs_kpi: named so as not to clash with the replication
 * engine's bs_outcome in replication.h), per brand and replicate, and how two
 * variants (or runs) differ in them.
 *
 * t0 is the step of the first shock ("after the shock": from t0 on; the whole run without
 * a shock).
 *
 *   share_lost      market share in the step before the first shock minus the
 *                   lowest share from then on (>= 0; NaN without a shock, or
 *                   with one at step 0)
 *   share_regained  final share minus that lowest share (>= 0; NaN likewise)
 *   recovery_weeks  weeks from the start of step t0 until the share (its mean over the
 *                   last 4 weeks) is back within recovery_fraction of its level in the
 *                   4 weeks before t0 and stays there to the end: 0 if it never fell
 *                   below; NaN if it is below at the end (not recovered) or undefined
 *   revenue         revenue summed over every step
 *   revenue_after   revenue summed from t0 on
 *   response_cost   response_cost summed over every step (the economics)
 *   net_contribution  net_contribution (margin x revenue - response cost) summed from
 *                   t0 on; its difference to a do-nothing baseline is a response's
 *                   net value
 *   customers_lost  exits summed from t0 on
 *   exit_losses     customers lost to exit: exits summed over every step
 *   revenge_acts    revenge_wom + revenge_withhold + revenge_antibrand, summed
 *   revenge_days    days from the first shock (from the start without one)
 *                   until mean_revenge, after its peak, first falls below
 *                   10 % of that peak (interpolated linearly within the step
 *                   where it does); 0 if it never rises above 0, NaN if it
 *                   does not fall that far within the run
 *
 * And one outcome of a pair of runs with the same seed (bs_kpi_payback): the payback
 * week, weeks from the start of step t0 until the cumulative net contribution of an
 * option, less that of a baseline, turns non-negative and stays so to the end.
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
    BS_KPI_RECOVERY_WEEKS,
    BS_KPI_REVENUE,
    BS_KPI_REVENUE_AFTER,
    BS_KPI_RESPONSE_COST,
    BS_KPI_NET_CONTRIBUTION,
    BS_KPI_CUSTOMERS_LOST,
    BS_KPI_EXIT_LOSSES,
    BS_KPI_REVENGE_ACTS,
    BS_KPI_REVENGE_DAYS,
    BS_KPI_COUNT
} bs_kpi;

typedef struct {
    const char *name;  /* column name: share_lost, ... */
    const char *label; /* for tables: "share lost", ... */
    const char *units; /* "share of purchases", "currency units", ... */
    int percent;       /* shown as a percentage (x 100) */
    const char *short_label; /* for narrow tables (brandsim info): "share lost", "net contrib." */
    const char *unsure;      /* what NaN means: "n/a", "not reached", "not recovered" */
} bs_kpi_info;

/* The fraction of its pre-shock share within which a brand has recovered (recovery_weeks). */
#define BS_KPI_RECOVERY_FRACTION 0.95
/* Weeks a share is averaged over for recovery_weeks (4: a month). */
#define BS_KPI_RECOVERY_WINDOW_DAYS 28.0

const bs_kpi_info *bs_kpi_get(bs_kpi o);

/* One brand's series in one replicate, S values each, `stride` apart. */
typedef struct {
    int steps;
    const double *day;  /* S days, stride 1 */
    int first_shock;    /* step of the first shock, -1 if none */
    size_t stride;
    const double *share, *revenue, *wom, *withhold, *antibrand, *mean_revenge, *exits;
    const double *response_cost, *net_contribution;
    double recovery_fraction; /* 0: BS_KPI_RECOVERY_FRACTION */
} bs_kpi_series;

/* The outcomes of one brand and replicate (see the definitions above). */
void bs_kpis_of(const bs_kpi_series *s, double out[BS_KPI_COUNT]);

/* Every brand's outcomes in every replicate of variant v:
 * out[(rep * B + brand) * BS_KPI_COUNT + outcome], R*B*BS_KPI_COUNT values.
 * recovery_fraction 0: BS_KPI_RECOVERY_FRACTION. */
bs_status bs_kpis_compute(const bs_results *r, int v, double recovery_fraction, double *out,
                          bs_error *err);

/* Payback weeks of one brand and replicate: net and net_base are the option's and the
 * baseline's net_contribution series (S values, `stride` apart, the same seed), t0 the first
 * shock's step (the series' start when < 0), day the S days. 0 when the cumulative difference
 * never falls below 0; NaN when it is below 0 at the end (no payback within the run). */
double bs_kpi_payback(const double *net, const double *net_base, size_t stride, int steps,
                      int t0, const double *day);

/* The payback weeks of every brand and replicate of variant v of ra against variant vb of
 * rb, replicate by replicate (both must hold the same brands, steps and seeds: BS_ERR_INPUT
 * otherwise): out[rep * B + brand]. */
bs_status bs_kpis_payback(const bs_results *ra, int va, const bs_results *rb, int vb,
                          double *out, bs_error *err);

/* The R values of one outcome of one brand, from bs_kpis_compute()'s array. */
void bs_kpi_values(const double *all, int R, int B, int brand, bs_kpi o, double *vals);

/* An outcome's value for tables, in its display unit (percentage points for
 * shares, whole numbers for counts and days from 10 on) into buf[n]; NaN is
 * the outcome's `unsure` text ("not reached", "not recovered", "n/a"). */
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
