/* SPDX-License-Identifier: MIT */
/*
 * metrics.c: names, units and descriptions of every series a run reports.
 * The output writer, the docs and the CLI all read them from here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/error.h"
#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "brandsim/scenario.h"
#include "brandsim/version.h"

static const bs_metric_info metric_info[BS_M_COUNT] = {
    [BS_M_MARKET_SHARE] = {"market_share", "1",
                           "share of this step's purchases made at the brand"},
    [BS_M_PURCHASES] = {"purchases", "purchases", "purchases made at the brand this step"},
    [BS_M_REVENUE] = {"revenue", "currency units", "sum of prices paid to the brand this step"},
    [BS_M_ACTIVE_CUSTOMERS] = {"active_customers", "consumers",
                               "consumers holding an active relationship with the brand"},
    [BS_M_REPEAT_RATE] = {"repeat_rate", "1",
                          "share of the brand's purchases made by consumers whose previous "
                          "purchase was at the same brand (loyalty)"},
    [BS_M_DEFECTIONS_OUT] = {"defections_out", "consumers",
                             "consumers who bought elsewhere after last buying here"},
    [BS_M_DEFECTIONS_IN] = {"defections_in", "consumers",
                            "consumers who bought here after last buying elsewhere"},
    [BS_M_EXITS] = {"exits", "consumers", "relationships ended this step (avoidance or forced)"},
    [BS_M_REVENGE_WOM] = {"revenge_wom", "acts",
                          "negative word of mouth / public complaints about the brand"},
    [BS_M_REVENGE_WITHHOLD] = {"revenge_withhold", "acts",
                               "acts of withholding personal data from the brand"},
    [BS_M_REVENGE_ANTIBRAND] = {"revenge_antibrand", "acts",
                                "anti-brand actions (third-party complaints, sabotage)"},
    [BS_M_AVOIDING] = {"avoiding", "consumers",
                       "consumers whose desire for avoidance keeps them from buying"},
    [BS_M_BETRAYED] = {"betrayed", "consumers",
                       "consumers whose felt betrayal exceeds model.betrayed_threshold"},
    [BS_M_MEAN_QUALITY] = {"mean_quality", "1",
                           "mean relationship quality R over active relationships"},
    [BS_M_MEAN_CONFIDENCE] = {"mean_confidence", "1",
                              "mean trust in the brand's ability, over active relationships"},
    [BS_M_MEAN_BENEVOLENCE] = {"mean_benevolence", "1",
                               "mean trust in the brand's benevolence, over active relationships"},
    [BS_M_MEAN_DISCLOSURE] = {"mean_disclosure", "1",
                              "mean share of personal data disclosed, over active relationships"},
    [BS_M_MEAN_REVENGE] = {"mean_revenge", "1",
                           "mean desire for revenge, over current and former customers"},
    [BS_M_MEAN_AVOIDANCE] = {"mean_avoidance", "1",
                             "mean desire for avoidance, over current and former customers"},
    [BS_M_MEAN_SHAME] = {"mean_shame", "1",
                         "mean post-exit shame and insecurity, over former customers"},
    [BS_M_FORMER_CUSTOMERS] = {"former_customers", "consumers",
                               "consumers who exited a relationship with the brand"},
    [BS_M_MEAN_BETRAYAL] = {"mean_betrayal", "1",
                            "mean felt betrayal, over current and former customers (F5, F11)"},
    [BS_M_OFFER_ACCEPT_PERSONALIZED] = {
        "offer_accept_personalized", "1",
        "mean propensity of current customers to accept a personalized offer: relevance x "
        "disclosure x trust x (1 + control), the personalization value per unit of "
        "personalization (F4)"},
    [BS_M_OFFER_ACCEPT_GENERIC] = {
        "offer_accept_generic", "1",
        "mean propensity of current customers to accept a generic offer: trust (mean of "
        "confidence and benevolence) (F4)"},
    [BS_M_SHARE_STOPPED_VISITING] = {
        "share_stopped_visiting", "1",
        "share of current and former customers who were irritated by an irrelevant "
        "personalized message in this relationship and now avoid the brand or have left it (C3)"},
    [BS_M_SHARE_STOPPED_BUYING] = {
        "share_stopped_buying", "1",
        "share of current and former customers who were irritated by an irrelevant "
        "personalized message in this relationship and have left it (C3)"},
    [BS_M_MEAN_HABIT] = {"mean_habit", "1",
                         "mean habit strength H (routine and switching costs built by purchases), "
                         "over active relationships"},
    [BS_M_WOM_HEARD] = {"wom_heard", "complaints",
                        "complaints about the brand heard by its current customers (one per "
                        "listener and complaint)"},
    [BS_M_WOM_CONVERTED] = {"wom_converted", "consumers",
                            "customers made newly betrayed (past model.betrayed_threshold) by "
                            "complaints heard alone, never hit by a shock themselves"},
    [BS_M_WOM_SECONDHAND] = {"wom_secondhand", "acts",
                             "complaints by customers never hit by a shock themselves: anger "
                             "that travelled (the size of the complaint cascade this step)"},
    [BS_M_RESPONSE_REACHED] = {"response_reached", "consumers",
                               "customers the brand's response to a breach or betrayal reached "
                               "this step (its active customers in the response's step)"},
    [BS_M_RESPONSE_COST] = {"response_cost", "currency units",
                            "what the brand's response cost this step: the economics' fixed cost "
                            "of the response (whole market only) plus its cost per customer "
                            "reached, and compensation_amount for each with compensation"},
    [BS_M_NET_CONTRIBUTION] = {"net_contribution", "currency units",
                               "margin x revenue - response_cost: what the step's sales left the "
                               "brand after the goods sold and its response"},
};

static const bs_metric_info market_info[BS_MK_COUNT] = {
    [BS_MK_PURCHASES] = {"purchases", "purchases", "purchases at any brand this step"},
    [BS_MK_NO_PURCHASE] = {"no_purchase", "consumers",
                           "consumers in the market this step who chose no brand"},
    [BS_MK_MEAN_DISTRUST] = {"mean_distrust", "1", "mean distrust of the whole category"},
    [BS_MK_WILLING_LOCATION] = {"willing_location", "1",
                                "share of consumers willing to share their location"},
    [BS_MK_WILLING_BROWSING] = {"willing_browsing", "1",
                                "share of consumers willing to share their browsing history"},
    [BS_MK_SHARE_FUNDAMENTALIST] = {"share_fundamentalist", "1",
                                    "share of consumers who are privacy fundamentalists (C1)"},
    [BS_MK_SHARE_PRAGMATIST] = {"share_pragmatist", "1",
                                "share of consumers who are privacy pragmatists (C1)"},
    [BS_MK_SHARE_UNCONCERNED] = {"share_unconcerned", "1",
                                 "share of consumers who are privacy unconcerned (C1)"},
    [BS_MK_ACTS_TOP_DECILE_SHARE] = {
        "acts_top_decile_share", "1",
        "share of all revenge acts so far (complaints, withholding, anti-brand acts) made by "
        "the tenth of consumers with the most acts, ties shared in proportion; 0 before any act"},
    [BS_MK_ACTS_GINI] = {"acts_gini", "1",
                         "Gini coefficient of the revenge acts each consumer has made so far, "
                         "over all consumers (0: all alike; near 1: a few made them all); 0 "
                         "before any act"},
};

static const bs_metric_info quantile_info[BS_QM_COUNT] = {
    [BS_QM_PURCHASES] = {"purchases", "purchases",
                         "purchases made at the brand this step in relationships of the bin"},
    [BS_QM_REVENUE] = {"revenue", "currency units",
                       "sum of prices paid to the brand this step in relationships of the bin"},
    [BS_QM_REVENGE_ACTS] = {"revenge_acts", "acts",
                            "revenge acts against the brand this step in relationships of the "
                            "bin: complaints, withholding, anti-brand acts (post-exit ones "
                            "included)"},
    [BS_QM_EXITS] = {"exits", "consumers",
                     "relationships of the bin with the brand ended this step (avoidance or "
                     "forced)"},
    [BS_QM_MEAN_REVENGE] = {"mean_revenge", "1",
                            "mean desire for revenge over the bin's current and former "
                            "relationships with the brand"},
    [BS_QM_RELATIONSHIPS] = {"relationships", "relationships",
                             "current and former relationships with the brand in the bin"},
};

static const char *const grouping_names[BS_QG_COUNT] = {
    [BS_QG_STRENGTH] = "strength",
    [BS_QG_TRAIT] = "trait",
};

static const char *const segment_names[BS_SEG_COUNT] = {
    [BS_SEG_ALL] = "all",
    [BS_SEG_STRONG] = "strong",
    [BS_SEG_WEAK] = "weak",
    [BS_SEG_NEW] = "new",
    [BS_SEG_FUNDAMENTALIST] = "fundamentalist",
    [BS_SEG_PRAGMATIST] = "pragmatist",
    [BS_SEG_UNCONCERNED] = "unconcerned",
    [BS_SEG_COMMUNAL] = "communal",
    [BS_SEG_EXCHANGE] = "exchange",
};

const bs_metric_info *bs_metric_get(bs_metric m)
{
    return (m >= 0 && m < BS_M_COUNT) ? &metric_info[m] : NULL;
}

const bs_metric_info *bs_market_metric_get(bs_market_metric m)
{
    return (m >= 0 && m < BS_MK_COUNT) ? &market_info[m] : NULL;
}

const char *bs_segment_name(bs_segment s)
{
    return (s >= 0 && s < BS_SEG_COUNT) ? segment_names[s] : NULL;
}

int bs_metric_by_name(const char *name)
{
    for (int m = 0; m < BS_M_COUNT; m++)
        if (!strcmp(bs_metric_get((bs_metric)m)->name, name))
            return m;
    return -1;
}

int bs_market_metric_by_name(const char *name)
{
    for (int m = 0; m < BS_MK_COUNT; m++)
        if (!strcmp(bs_market_metric_get((bs_market_metric)m)->name, name))
            return m;
    return -1;
}

int bs_segment_by_name(const char *name)
{
    if (!strcmp(name, "brand"))
        return BS_SEG_ALL;
    for (int s = 0; s < BS_SEG_COUNT; s++)
        if (!strcmp(bs_segment_name((bs_segment)s), name))
            return s;
    return -1;
}

/* ---- quantile groupings ---------------------------------------------------------- */

const char *bs_quantile_grouping_name(bs_quantile_grouping g)
{
    return (g >= 0 && g < BS_QG_COUNT) ? grouping_names[g] : NULL;
}

const bs_metric_info *bs_quantile_metric_get(bs_quantile_metric m)
{
    return (m >= 0 && m < BS_QM_COUNT) ? &quantile_info[m] : NULL;
}

int bs_quantile_metric_by_name(const char *name)
{
    for (int m = 0; m < BS_QM_COUNT; m++)
        if (!strcmp(quantile_info[m].name, name))
            return m;
    return -1;
}

const char *bs_trait_name(int t)
{
    return bs_enum_name(BS_SECTION_TOP, "quantile_trait", t); /* the one list of names */
}

int bs_quantile_bin_parse(const char *name, int *grouping, int *trait, int *bin)
{
    const char *q = strrchr(name, '_');
    if (!q || q == name || q[1] != 'q' || q[2] < '1' || q[2] > '9')
        return -1;
    char *end;
    long k = strtol(q + 2, &end, 10);
    if (*end || k < 1 || k > BS_QUANTILE_MAX_BINS)
        return -1;
    const size_t len = (size_t)(q - name);
    int g = -1, t = -1;
    if (len == 8 && !strncmp(name, "strength", 8))
        g = BS_QG_STRENGTH;
    for (int k2 = 0; g < 0 && k2 < BS_TRAIT_COUNT; k2++)
        if (strlen(bs_trait_name(k2)) == len && !strncmp(name, bs_trait_name(k2), len)) {
            g = BS_QG_TRAIT;
            t = k2;
        }
    if (g < 0)
        return -1;
    *grouping = g;
    *trait = t;
    *bin = (int)k - 1;
    return 0;
}

const char *bs_quantile_bin_name(int grouping, int trait, int bin, char *buf, size_t n)
{
    const char *base = grouping == BS_QG_STRENGTH ? "strength" : bs_trait_name(trait);
    snprintf(buf, n, "%s_q%d", base ? base : "?", bin + 1);
    return buf;
}

double bs_stats_quantile(const bs_stats *st, bs_quantile_grouping g, bs_quantile_metric metric,
                         int bin, int brand)
{
    if (!st || g < 0 || g >= BS_QG_COUNT || metric < 0 || metric >= BS_QM_COUNT || bin < 0
        || bin >= st->quantile_bins[g] || brand < 0 || brand >= st->n_brands || !st->quantile[g])
        return NAN;
    return st->quantile[g][((size_t)metric * (size_t)st->quantile_bins[g] + (size_t)bin) *
                               (size_t)st->n_brands + (size_t)brand];
}
