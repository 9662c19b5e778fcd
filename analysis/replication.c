/* SPDX-License-Identifier: MIT */
/*
 * replication.c: what a finding's `replication:` block means (replication.h):
 * the series of an outcome in one step's aggregates, the outcome of a run,
 * and the verdict of a criterion over replicates, with its 95 % confidence
 * interval and t test (stats.h). The block is read by replication_load.c.
 */
#include "brandsim/replication.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/stats.h"

/* ---- outcomes --------------------------------------------------------------------- */

double bs_outcome_value(const bs_outcome *o, const double *x, int steps)
{
    int from = o->from, to = o->to < steps ? o->to : steps;
    if (to <= from) return NAN;
    double acc = 0, best;
    switch (o->stat) {
    case BS_STAT_MEAN:
    case BS_STAT_SUM:
        for (int t = from; t < to; t++) acc += x[t];
        return o->stat == BS_STAT_SUM ? acc : acc / (to - from);
    case BS_STAT_LAST:
        return x[to - 1];
    case BS_STAT_PEAK:
    case BS_STAT_MIN:
        best = x[from];
        for (int t = from + 1; t < to; t++)
            best = o->stat == BS_STAT_PEAK ? fmax(best, x[t]) : fmin(best, x[t]);
        return best;
    case BS_STAT_SLOPE: {
        if (to - from < 2) return NAN;
        double mt = 0.5 * (from + to - 1), mx = 0, sxy = 0, sxx = 0;
        for (int t = from; t < to; t++) mx += x[t];
        mx /= to - from;
        for (int t = from; t < to; t++) {
            sxy += (t - mt) * (x[t] - mx);
            sxx += (t - mt) * (t - mt);
        }
        return sxy / sxx;
    }
    case BS_STAT_TIME_BELOW: { /* steps from the peak until the value is below fraction x peak */
        int at = from;
        for (int t = from + 1; t < to; t++)
            if (x[t] > x[at]) at = t;
        if (!(x[at] > 0)) return 0; /* nothing ever rose (no acts at all): nothing lasts */
        for (int t = at; t < to; t++)
            if (x[t] < o->fraction * x[at]) return t - at;
        return to - from; /* never within the window: censored, "at least the window" */
    }
    case BS_STAT_PEAK_FRACTION: { /* (last - baseline) / (peak - baseline) */
        double base = 0, peak = x[from];
        for (int t = o->base_from; t < o->base_to; t++) base += x[t];
        base /= o->base_to - o->base_from;
        for (int t = from + 1; t < to; t++) peak = fmax(peak, x[t]);
        return peak > base ? (x[to - 1] - base) / (peak - base) : NAN;
    }
    case BS_STAT_RELATIVE: {
        double base = 0, m = 0;
        for (int t = o->base_from; t < o->base_to; t++) base += x[t];
        base /= o->base_to - o->base_from;
        for (int t = from; t < to; t++) m += x[t];
        return m / (to - from) - base;
    }
    }
    return NAN;
}

/* ---- verdicts --------------------------------------------------------------------- */

static bs_verdict verdict_of(bs_effect e, int pass_if_positive, const char *name)
{
    bs_verdict v = {0, e.estimate, e.lo, e.hi, e.t, e.p, "", {-1, -1}};
    snprintf(v.effect_name, sizeof v.effect_name, "%s", name);
    v.pass = pass_if_positive ? e.lo > 0 : e.hi < 0;
    return v;
}

/* a - b per replicate, paired by seed. */
static bs_effect paired(const double *values, int a, int b, int R)
{
    return bs_effect_paired(values + (size_t)a * R, values + (size_t)b * R, (size_t)R, 0.95);
}

bs_verdict bs_criterion_eval(const bs_criterion *c, const double *values, int V, int R)
{
    (void)V;
    bs_verdict v = {0, NAN, NAN, NAN, NAN, NAN, "", {-1, -1}};
    double *d = malloc((size_t)(R > 0 ? R : 1) * (c->n_list + 2) * sizeof *d);
    double *zero = calloc((size_t)(R > 0 ? R : 1), sizeof *zero);
    if (!d || !zero) {
        free(d);
        free(zero);
        snprintf(v.effect_name, sizeof v.effect_name, "out of memory");
        return v;
    }
    switch (c->type) {
    case BS_CRIT_GREATER:
    case BS_CRIT_LESS: {
        v = verdict_of(paired(values, c->a, c->b, R), c->type == BS_CRIT_GREATER, "difference a - b");
        if (c->min_relative > 0) { /* the smallest effect of interest: r x |mean(b)| */
            double mb = 0;
            for (int r = 0; r < R; r++) mb += values[(size_t)c->b * R + r];
            double margin = c->min_relative * fabs(mb / R);
            v.pass = c->type == BS_CRIT_GREATER ? v.lo > margin : v.hi < -margin;
        }
        break;
    }
    case BS_CRIT_INTERACTION: { /* per replicate (a11 - a10) - (a01 - a00), paired by seed */
        const double *x[4];
        for (int k = 0; k < 4; k++) x[k] = values + (size_t)c->cell[k] * R;
        for (int r = 0; r < R; r++)
            d[r] = c->log_scale ? (log(x[0][r]) - log(x[1][r])) - (log(x[2][r]) - log(x[3][r]))
                                : (x[0][r] - x[1][r]) - (x[2][r] - x[3][r]);
        v = verdict_of(bs_effect_paired(d, zero, (size_t)R, 0.95), c->sign > 0,
                       c->log_scale ? "interaction of logs" : "interaction (a11 - a10) - (a01 - a00)");
        break;
    }
    case BS_CRIT_ORDERING: { /* every adjacent pair in the stated direction; the weakest reported */
        v.pass = 1;
        double worst = -INFINITY; /* of the pair reported */
        int chosen = 0, chosen_fails = 0;
        for (int k = 0; k + 1 < c->n_list; k++) {
            /* increasing: list[k+1] - list[k] > 0 */
            bs_effect e = paired(values, c->list[k + 1], c->list[k], R);
            bs_verdict pv = verdict_of(e, c->increasing, "");
            v.pass &= pv.pass;
            /* the pair reported: a failing one before any passing one, then the one
             * closest to failing, by t against the stated direction (an undefined t,
             * from an undefined outcome, is the worst; a t of +-inf, from differences
             * identical in every replicate, is as strong or as weak as its sign says) */
            const double tdir = isnan(e.t) ? INFINITY : (c->increasing ? -e.t : e.t);
            const int fails = !pv.pass;
            if (!chosen || fails > chosen_fails || (fails == chosen_fails && tdir > worst)) {
                chosen = 1;
                chosen_fails = fails;
                worst = tdir;
                v.pair[0] = c->list[k + 1];
                v.pair[1] = c->list[k];
                v.effect = e.estimate;
                v.lo = e.lo;
                v.hi = e.hi;
                v.t = e.t;
                v.p = e.p;
                snprintf(v.effect_name, sizeof v.effect_name, "weakest adjacent difference");
            }
        }
        break;
    }
    case BS_CRIT_SLOPE: { /* OLS of the outcome on x over every replicate of the listed variants */
        size_t n = (size_t)c->n_list * R;
        double *xs = malloc(n * sizeof *xs), *ys = malloc(n * sizeof *ys);
        if (xs && ys) {
            for (int k = 0; k < c->n_list; k++)
                for (int r = 0; r < R; r++) {
                    xs[(size_t)k * R + r] = c->x[k];
                    ys[(size_t)k * R + r] = values[(size_t)c->list[k] * R + r];
                }
            v = verdict_of(bs_effect_slope(xs, ys, n, 0.95), c->sign > 0, "slope");
        }
        free(xs);
        free(ys);
        break;
    }
    case BS_CRIT_RATIO_IN:
    case BS_CRIT_RANGE:
    case BS_CRIT_SHARE_OF: { /* a per-replicate quantity; its 95 % CI against the bounds */
        for (int r = 0; r < R; r++) {
            double a = values[(size_t)c->a * R + r];
            if (c->type == BS_CRIT_RATIO_IN) d[r] = a / values[(size_t)c->b * R + r];
            else if (c->type == BS_CRIT_RANGE) d[r] = a;
            else {
                double tot = 0;
                for (int k = 0; k < c->n_list; k++) tot += values[(size_t)c->list[k] * R + r];
                d[r] = tot > 0 ? a / tot : NAN;
            }
        }
        bs_ci ci = bs_ci_mean(d, 1, (size_t)R, 0.95);
        v.effect = ci.mean;
        v.lo = ci.lo;
        v.hi = ci.hi;
        snprintf(v.effect_name, sizeof v.effect_name, "%s",
                 c->type == BS_CRIT_RATIO_IN ? "ratio a / b" : c->type == BS_CRIT_RANGE ? "mean of a" : "share of a");
        if (c->type == BS_CRIT_SHARE_OF) v.pass = ci.lo >= c->min;
        else v.pass = ci.lo >= c->min && ci.hi <= c->max;
        /* t against the nearest bound */
        double bound = c->type == BS_CRIT_SHARE_OF ? c->min
                       : fabs(ci.mean - c->min) < fabs(ci.mean - c->max) ? c->min : c->max;
        double se = ci.sd / sqrt((double)R);
        v.t = se > 0 ? (ci.mean - bound) / se : NAN;
        v.p = NAN;
        break;
    }
    }
    if (isnan(v.effect)) v.pass = 0;
    free(d);
    free(zero);
    return v;
}

/* ---- series of an outcome ---------------------------------------------------------- */

/* How a brand metric combines over segments: a count adds; a mean or share is weighted by
   its denominator, itself a metric. -1: a count (no weight). */
static int weight_of(int m)
{
    switch (m) {
    case BS_M_MEAN_QUALITY:
    case BS_M_MEAN_CONFIDENCE:
    case BS_M_MEAN_BENEVOLENCE:
    case BS_M_MEAN_DISCLOSURE:
    case BS_M_OFFER_ACCEPT_PERSONALIZED:
    case BS_M_OFFER_ACCEPT_GENERIC: return BS_M_ACTIVE_CUSTOMERS;
    case BS_M_MEAN_REVENGE:
    case BS_M_MEAN_AVOIDANCE:
    case BS_M_MEAN_BETRAYAL:
    case BS_M_SHARE_STOPPED_VISITING:
    case BS_M_SHARE_STOPPED_BUYING: return -2; /* active + former customers */
    case BS_M_MEAN_SHAME: return BS_M_FORMER_CUSTOMERS;
    case BS_M_REPEAT_RATE: return BS_M_PURCHASES;
    default: return -1;
    }
}

static double at(const bs_stats *st, int seg, int m, int b)
{
    return st->v[((size_t)seg * BS_M_COUNT + (size_t)m) * (size_t)st->n_brands + (size_t)b];
}

static double weight_at(const bs_stats *st, int seg, int w, int b)
{
    return w == -2 ? at(st, seg, BS_M_ACTIVE_CUSTOMERS, b) + at(st, seg, BS_M_FORMER_CUSTOMERS, b)
                   : at(st, seg, w, b);
}

/* Metric m of brand b over the union of the outcome's segments. */
static double union_value(const bs_outcome *o, const bs_stats *st, int m, int b)
{
    if (o->n_seg == 1) return at(st, o->seg[0], m, b);
    if (m == BS_M_MARKET_SHARE) { /* purchases at b / all purchases, within the union */
        double mine = 0, all = 0;
        for (int q = 0; q < o->n_seg; q++)
            for (int c = 0; c < st->n_brands; c++) {
                double p = at(st, o->seg[q], BS_M_PURCHASES, c);
                all += p;
                if (c == b) mine += p;
            }
        return all > 0 ? mine / all : 0;
    }
    int w = weight_of(m);
    double num = 0, den = 0;
    for (int q = 0; q < o->n_seg; q++) {
        double x = at(st, o->seg[q], m, b);
        double wt = w == -1 ? 1 : weight_at(st, o->seg[q], w, b);
        num += w == -1 ? x : x * wt;
        den += wt;
    }
    return w == -1 ? num : den > 0 ? num / den : 0;
}

/* Quantile metric m of brand b over the union of the outcome's bins: counts add, mean
   revenge is weighted by relationships. */
static double union_bins(const bs_outcome *o, const bs_stats *st, int m, int b)
{
    const bs_quantile_grouping g = (bs_quantile_grouping)o->grouping;
    if (o->n_seg == 1) return bs_stats_quantile(st, g, (bs_quantile_metric)m, o->bin[0], b);
    double num = 0, den = 0;
    for (int q = 0; q < o->n_seg; q++) {
        const double x = bs_stats_quantile(st, g, (bs_quantile_metric)m, o->bin[q], b);
        const double w = bs_stats_quantile(st, g, BS_QM_RELATIONSHIPS, o->bin[q], b);
        num += m == BS_QM_MEAN_REVENGE ? x * w : x;
        den += w;
    }
    return m != BS_QM_MEAN_REVENGE ? num : den > 0 ? num / den : 0;
}

double bs_outcome_series_value(const bs_outcome *o, const bs_stats *st)
{
    if (o->market) return st->market[o->metric];
    if (o->quantile) {
        if (o->brand >= 0) return union_bins(o, st, o->metric, o->brand);
        double s = 0; /* all brands: counts add up, mean revenge is averaged over brands */
        for (int b = 0; b < st->n_brands; b++) s += union_bins(o, st, o->metric, b);
        return o->metric != BS_QM_MEAN_REVENGE || st->n_brands == 0 ? s : s / st->n_brands;
    }
    if (o->brand >= 0) return union_value(o, st, o->metric, o->brand);
    /* all brands: counts add up, means and shares are averaged over brands */
    double s = 0;
    for (int b = 0; b < st->n_brands; b++) s += union_value(o, st, o->metric, b);
    int count = weight_of(o->metric) == -1 && o->metric != BS_M_MARKET_SHARE;
    return count || st->n_brands == 0 ? s : s / st->n_brands;
}
