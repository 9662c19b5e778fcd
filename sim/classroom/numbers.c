/* SPDX-License-Identifier: MIT */
/*
 * numbers.c: what the class reads of its games (state.h): the scenario the
 * phase plays, and a brand's metric in a market's game at a step or summed
 * over steps, for the newsletter, the debrief and the export.
 */
#include "brandsim/metrics.h"
#include "classroom/state.h"

const bs_scenario *cls_active(const cls_class *c)
{
    return c->phase == CLS_PRACTICE ? c->practice : c->sc;
}

double cls_at(const cls_class *c, int m, int seg, int metric, int b, int t)
{
    bs_stats st;
    bs_error err = {0};
    if (bs_game_market_stats_at(c->market[m].game, t, &st, &err))
        return 0;
    return st.v[((size_t)seg * BS_M_COUNT + (size_t)metric) * (size_t)st.n_brands + (size_t)b];
}

double cls_sum(const cls_class *c, int m, int seg, int metric, int b, int from, int to)
{
    double x = 0;
    for (int t = from; t < to; t++) x += cls_at(c, m, seg, metric, b, t);
    return x;
}
