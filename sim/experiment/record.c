/* SPDX-License-Identifier: MIT */
/*
 * record.c: a run's report as one block of bytes (record.h). Layout: a
 * header (8-byte aligned), the events, then one block per step of
 * BS_SEG_COUNT x BS_M_COUNT x brands values, BS_MK_COUNT market values and
 * BS_QM_COUNT x bins x brands values per quantile grouping, all doubles.
 */
#include "experiment/record.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/metrics.h"

#define RECORD_MAGIC 0x62737231u /* "bsr1" */

typedef struct {
    uint32_t magic;
    int32_t steps, n_brands, n_events;
    int32_t bins[BS_QG_COUNT];
    double bytes_per_consumer, init_seconds, step_seconds;
} header;

_Static_assert(sizeof(header) % 8 == 0, "the header keeps the doubles aligned");
_Static_assert(sizeof(bs_event) % 8 == 0, "the events keep the doubles aligned");
_Static_assert(BS_QG_COUNT == 2, "record.h's bins[2]");

static size_t step_values(int B, const int bins[BS_QG_COUNT])
{
    size_t n = (size_t)BS_SEG_COUNT * BS_M_COUNT * (size_t)B + BS_MK_COUNT;
    for (int g = 0; g < BS_QG_COUNT; g++)
        n += (size_t)BS_QM_COUNT * (size_t)bins[g] * (size_t)B;
    return n;
}

bs_status bs_record_step(bs_record *rec, const bs_run *run, bs_error *err)
{
    const bs_stats *st = bs_run_stats(run);
    const bs_scenario *sc = bs_run_scenario(run);
    const int B = st->n_brands;
    const size_t per = step_values(B, st->quantile_bins);
    if (!rec->bytes) {
        int n_events;
        const bs_event *ev = bs_run_events(run, &n_events);
        rec->len = sizeof(header) + (size_t)n_events * sizeof(bs_event)
                   + (size_t)sc->steps * per * sizeof(double);
        if (!(rec->bytes = calloc(1, rec->len)))
            return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory for a run's record (%zu bytes)",
                                 rec->len);
        header h = {RECORD_MAGIC, sc->steps, B, n_events, {0}, 0, 0, 0};
        for (int g = 0; g < BS_QG_COUNT; g++)
            h.bins[g] = st->quantile_bins[g];
        memcpy(rec->bytes, &h, sizeof h);
        if (n_events)
            memcpy(rec->bytes + sizeof h, ev, (size_t)n_events * sizeof *ev);
        rec->steps_written = 0;
    }
    const header *h = (const header *)rec->bytes;
    double *at = (double *)(rec->bytes + sizeof *h + (size_t)h->n_events * sizeof(bs_event))
                 + (size_t)rec->steps_written * per;
    const size_t nv = (size_t)BS_SEG_COUNT * BS_M_COUNT * (size_t)B;
    memcpy(at, st->v, nv * sizeof *at);
    memcpy(at + nv, st->market, BS_MK_COUNT * sizeof *at);
    at += nv + BS_MK_COUNT;
    for (int g = 0; g < BS_QG_COUNT; g++) {
        const size_t nq = (size_t)BS_QM_COUNT * (size_t)h->bins[g] * (size_t)B;
        if (nq)
            memcpy(at, st->quantile[g], nq * sizeof *at);
        at += nq;
    }
    rec->steps_written++;
    return BS_OK;
}

void bs_record_finish(bs_record *rec, double bytes_per_consumer, double init_seconds,
                      double step_seconds)
{
    if (!rec->bytes)
        return;
    header *h = (header *)rec->bytes;
    h->bytes_per_consumer = bytes_per_consumer;
    h->init_seconds = init_seconds;
    h->step_seconds = step_seconds;
}

bs_status bs_record_open(const void *bytes, size_t len, const bs_scenario *sc, bs_record_view *view,
                         bs_error *err)
{
    header h;
    if (len < sizeof h)
        return bs_error_setf(err, BS_ERR_RUNTIME, "a run's record of %zu bytes: too short", len);
    memcpy(&h, bytes, sizeof h);
    int ok = h.magic == RECORD_MAGIC && h.steps == sc->steps && h.n_brands == sc->n_brands
             && h.n_events >= 0;
    for (int g = 0; g < BS_QG_COUNT; g++)
        ok &= h.bins[g] >= 0 && h.bins[g] <= 64;
    size_t per = ok ? step_values(h.n_brands, h.bins) : 0;
    if (!ok || len != sizeof h + (size_t)h.n_events * sizeof(bs_event)
                          + (size_t)h.steps * per * sizeof(double))
        return bs_error_setf(err, BS_ERR_RUNTIME,
                             "a run's record (%zu bytes) is not one of scenario '%s' (%d steps, %d "
                             "brands): were the ranks given different inputs or builds?",
                             len, sc->name, sc->steps, sc->n_brands);
    const unsigned char *b = bytes;
    *view = (bs_record_view){h.steps, h.n_events, {h.bins[0], h.bins[1]},
                             (const bs_event *)(b + sizeof h), h.bytes_per_consumer,
                             h.init_seconds, h.step_seconds,
                             b + sizeof h + (size_t)h.n_events * sizeof(bs_event),
                             per * sizeof(double)};
    return BS_OK;
}

void bs_record_stats_at(const bs_record_view *view, int n_brands, int t, const double **v,
                        const double **market, const double *quantile[2])
{
    const double *at = (const double *)(view->step0 + (size_t)t * view->step_bytes);
    const size_t nv = (size_t)BS_SEG_COUNT * BS_M_COUNT * (size_t)n_brands;
    *v = at;
    *market = at + nv;
    at += nv + BS_MK_COUNT;
    for (int g = 0; g < BS_QG_COUNT; g++) {
        const size_t nq = (size_t)BS_QM_COUNT * (size_t)view->bins[g] * (size_t)n_brands;
        quantile[g] = nq ? at : NULL;
        at += nq;
    }
}
