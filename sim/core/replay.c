/* SPDX-License-Identifier: MIT */
/*
 * replay.c: a run seen again from what it reported (replay.h): a bs_run with
 * its scenario, events and one step's aggregates, and no consumers.
 */
#include "core/replay.h"

#include <stdlib.h>
#include <string.h>

#include "core/state.h"

bs_run *bs_replay_alloc(const bs_scenario *sc, const int bins[BS_QG_COUNT], const bs_event *ev,
                        int n_events, double bytes_per_consumer, bs_error *err)
{
    const size_t B = (size_t)sc->n_brands;
    bs_run *run = calloc(1, sizeof *run);
    if (!run)
        goto fail;
    run->replay = 1;
    memcpy(&run->sc, sc, sizeof run->sc);
    run->B = sc->n_brands;
    run->N = sc->consumers;
    run->bytes_per_consumer = bytes_per_consumer;
    run->stats.n_brands = sc->n_brands;
    run->stats.quantile_trait = sc->quantile_trait;
    if (!(run->stats.v = calloc((size_t)BS_SEG_COUNT * BS_M_COUNT * B, sizeof(double))))
        goto fail;
    for (int g = 0; g < BS_QG_COUNT; g++) {
        run->stats.quantile_bins[g] = bins[g];
        if (bins[g] && !(run->stats.quantile[g] = calloc((size_t)BS_QM_COUNT * bins[g] * B,
                                                         sizeof(double))))
            goto fail;
    }
    if (n_events > 0) {
        if (!(run->events = malloc((size_t)n_events * sizeof *run->events)))
            goto fail;
        memcpy(run->events, ev, (size_t)n_events * sizeof *run->events);
    }
    run->n_events = n_events;
    return run;
fail:
    bs_run_free(run);
    bs_error_setf(err, BS_ERR_RUNTIME, "out of memory (replaying a run)");
    return NULL;
}

void bs_replay_set_step(bs_run *run, int steps_done, const double *v, const double *market,
                        const double *const quantile[BS_QG_COUNT])
{
    const size_t B = (size_t)run->B;
    run->t = steps_done;
    run->stats.step = steps_done - 1;
    memcpy(run->stats.v, v, (size_t)BS_SEG_COUNT * BS_M_COUNT * B * sizeof(double));
    memcpy(run->stats.market, market, sizeof run->stats.market);
    for (int g = 0; g < BS_QG_COUNT; g++)
        if (run->stats.quantile_bins[g])
            memcpy(run->stats.quantile[g], quantile[g],
                   (size_t)BS_QM_COUNT * (size_t)run->stats.quantile_bins[g] * B * sizeof(double));
}
