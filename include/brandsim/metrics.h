/* SPDX-License-Identifier: MIT */
/*
 * metrics.h: what a run reports each step. The brand metrics (names, units,
 * descriptions), the segments of relationships each brand metric is also
 * reported within, the market-wide metrics, and bs_stats, the aggregates of
 * one step.
 */
#ifndef BRANDSIM_METRICS_H
#define BRANDSIM_METRICS_H

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
    BS_MK_SHARE_UNCONCERNED, BS_MK_COUNT
} bs_market_metric;
/* The same as bs_metric_get() for market metrics. */
const bs_metric_info *bs_market_metric_get(bs_market_metric m);

/* Metric and segment names to enums (the names of the output file); -1 if unknown. The one
 * lookup by name: the scenario's replication block, the analysis commands and the bindings
 * use it. */
int bs_metric_by_name(const char *name);
int bs_market_metric_by_name(const char *name);
int bs_segment_by_name(const char *name); /* "all" or "brand": BS_SEG_ALL */

/* The aggregates of one step: value(seg, metric, brand) at
 * v[(seg * BS_M_COUNT + metric) * n_brands + brand]. */
typedef struct {
    int step;
    int n_brands;
    double *v;
    double market[BS_MK_COUNT];
} bs_stats;

BS_API_END
#ifdef __cplusplus
}
#endif
#endif
