/* SPDX-License-Identifier: MIT */
/*
 * metrics.h: what a run reports each step. The brand metrics (names, units,
 * descriptions), the segments of relationships each brand metric is also
 * reported within, the market-wide metrics, and bs_stats, the aggregates of
 * one step.
 */
#ifndef BRANDSIM_METRICS_H
#define BRANDSIM_METRICS_H

#include <stddef.h>

#include "brandsim/visibility.h"

#ifdef __cplusplus
extern "C" {
#endif
BS_API_BEGIN

/* ---- metrics ------------------------------------------------------------- */

typedef enum {
    BS_M_MARKET_SHARE, BS_M_PURCHASES, BS_M_REVENUE, BS_M_ACTIVE_CUSTOMERS, BS_M_REPEAT_RATE,
    BS_M_DEFECTIONS_OUT, BS_M_DEFECTIONS_IN, BS_M_EXITS, BS_M_REVENGE_WOM,
    BS_M_REVENGE_WITHHOLD, BS_M_REVENGE_ANTIBRAND, BS_M_AVOIDING, BS_M_BETRAYED,
    BS_M_MEAN_QUALITY, BS_M_MEAN_CONFIDENCE, BS_M_MEAN_BENEVOLENCE, BS_M_MEAN_DISCLOSURE,
    BS_M_MEAN_REVENGE, BS_M_MEAN_AVOIDANCE, BS_M_MEAN_SHAME, BS_M_FORMER_CUSTOMERS,
    BS_M_MEAN_BETRAYAL, BS_M_OFFER_ACCEPT_PERSONALIZED, BS_M_OFFER_ACCEPT_GENERIC,
    BS_M_SHARE_STOPPED_VISITING, BS_M_SHARE_STOPPED_BUYING, BS_M_MEAN_HABIT,
    BS_M_WOM_HEARD, BS_M_WOM_CONVERTED, BS_M_WOM_SECONDHAND,
    BS_M_RESPONSE_REACHED, BS_M_RESPONSE_COST, BS_M_NET_CONTRIBUTION,
    BS_M_COUNT
} bs_metric;

typedef struct {
    const char *name, *units, *description;
} bs_metric_info;
/* Name, units and description of metric m (static storage), or NULL when m is
 * out of range, so a caller that cannot see the enumeration may count them. */
const bs_metric_info *bs_metric_get(bs_metric m);

/* Segments: each brand metric is also reported within these groups of
 * relationships. BS_SEG_ALL is the whole market. Strength partitions it
 * into strong / weak (quality R before the first shock, by
 * model.strong_threshold) and new (begun at or after the first shock). */
typedef enum {
    BS_SEG_ALL, BS_SEG_STRONG, BS_SEG_WEAK, BS_SEG_NEW, BS_SEG_FUNDAMENTALIST, BS_SEG_PRAGMATIST,
    BS_SEG_UNCONCERNED, BS_SEG_COMMUNAL, BS_SEG_EXCHANGE, BS_SEG_COUNT
} bs_segment;
/* The segment's name ("all", "strong", ...; static storage), or NULL when s is
 * out of range. */
const char *bs_segment_name(bs_segment s);

/* Market-wide series (one value per step). */
typedef enum {
    BS_MK_PURCHASES, BS_MK_NO_PURCHASE, BS_MK_MEAN_DISTRUST, BS_MK_WILLING_LOCATION,
    BS_MK_WILLING_BROWSING, BS_MK_SHARE_FUNDAMENTALIST, BS_MK_SHARE_PRAGMATIST,
    BS_MK_SHARE_UNCONCERNED, BS_MK_ACTS_TOP_DECILE_SHARE, BS_MK_ACTS_GINI, BS_MK_COUNT
} bs_market_metric;
/* The same as bs_metric_get() for market metrics. */
const bs_metric_info *bs_market_metric_get(bs_market_metric m);

/* Metric and segment names to enums (the names of the output file); -1 if unknown. The one
 * lookup by name: the scenario's replication block, the analysis commands and the bindings
 * use it. */
int bs_metric_by_name(const char *name);
int bs_market_metric_by_name(const char *name);
int bs_segment_by_name(const char *name); /* "all" or "brand": BS_SEG_ALL */

/* ---- quantile groupings -------------------------------------------------- */

/* Besides the segments, a run can report a few brand metrics within quantile bins of
 * two groupings (scenario keys strength_quantiles, trait_quantiles, quantile_trait):
 * BS_QG_STRENGTH bins relationships by their prior strength, R at the reference step
 * (relationships active then; later ones are in no bin); BS_QG_TRAIT bins consumers by
 * one trait (every relationship of a consumer is in the consumer's bin). Bin 0 holds the
 * lowest values. docs/MODEL.md, "Observation"; docs/OUTPUT.md. */
enum { BS_QUANTILE_MAX_BINS = 20 };
typedef enum { BS_QG_STRENGTH, BS_QG_TRAIT, BS_QG_COUNT } bs_quantile_grouping;
/* "strength" or "trait" (static storage), or NULL when g is out of range. */
const char *bs_quantile_grouping_name(bs_quantile_grouping g);

/* The metrics reported by quantile bin (per bin and brand). */
typedef enum {
    BS_QM_PURCHASES, BS_QM_REVENUE, BS_QM_REVENGE_ACTS, BS_QM_EXITS, BS_QM_MEAN_REVENGE,
    BS_QM_RELATIONSHIPS, BS_QM_COUNT
} bs_quantile_metric;
/* Name, units and description of quantile metric m (static storage), or NULL when m is out
 * of range. */
const bs_metric_info *bs_quantile_metric_get(bs_quantile_metric m);
/* Its enum by name, -1 if unknown. */
int bs_quantile_metric_by_name(const char *name);

/* The name of trait t (a bs_trait of scenario.h: "concern", "anxiety", ...; static
 * storage), or NULL when out of range. */
const char *bs_trait_name(int t);

/* A quantile bin by name, as every analysis command and the replication block accept it
 * where they accept a segment: "strength_q1" .. "strength_q20" (q1: the weakest prior
 * relationships) or "<trait>_q1" .. "<trait>_q20" ("anxiety_q3": with three bins, the most
 * anxious third). Sets *grouping, *trait (-1 for strength) and *bin (0-based) and returns 0;
 * -1, with nothing set, if the name is not of that form. Whether the bin exists depends on
 * the run's number of bins. */
int bs_quantile_bin_parse(const char *name, int *grouping, int *trait, int *bin);
/* The name of bin `bin` (0-based) of a grouping ("strength_q2", "anxiety_q2") into buf (n
 * bytes); returns buf. */
const char *bs_quantile_bin_name(int grouping, int trait, int bin, char *buf, size_t n);

/* The aggregates of one step: value(seg, metric, brand) at
 * v[(seg * BS_M_COUNT + metric) * n_brands + brand]. By quantile bin, per grouping g with
 * quantile_bins[g] > 0: value(g, metric, bin, brand) at
 * quantile[g][(metric * quantile_bins[g] + bin) * n_brands + brand] (bs_stats_quantile);
 * quantile[g] is NULL and quantile_bins[g] 0 when the grouping is off. quantile_trait is
 * the trait of BS_QG_TRAIT (a bs_trait). */
typedef struct {
    int step;
    int n_brands;
    double *v;
    double market[BS_MK_COUNT];
    int quantile_bins[BS_QG_COUNT];
    int quantile_trait;
    double *quantile[BS_QG_COUNT];
} bs_stats;

/* value(g, metric, bin, brand) of a step's aggregates; NaN when the grouping is off or an
 * index is out of range. */
double bs_stats_quantile(const bs_stats *st, bs_quantile_grouping g, bs_quantile_metric metric,
                         int bin, int brand);

BS_API_END
#ifdef __cplusplus
}
#endif
#endif
