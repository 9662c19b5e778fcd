/* SPDX-License-Identifier: MIT */
/*
 * distributed.c: an experiment whose runs are spread over processes
 * (experiment.h, distribute.h). Task k is run k (variant k / R, replicate
 * k % R); wherever it computes, it runs through the one driver
 * (bs_experiment_run, here, no file) and comes back as a record (record.h).
 * Rank 0 takes records in whatever order they finish, keeps those that come
 * early, and writes them in run order: the same calls of the output writer,
 * with the same values, as the serial driver makes, so the file is the same
 * for any number of ranks. The callbacks see each run replayed (replay.h)
 * as it is written.
 */
#include "experiment/distributed.h"

#include <stdlib.h>
#include <string.h>

#include "brandsim/error.h"
#include "core/replay.h"
#include "experiment/record.h"
#include "experiment/summary.h"
#include "io/output.h"
#include "core/clock.h"

typedef struct {
    const bs_scenario *base;
    const bs_variants *vars;
    const bs_experiment_opts *opt;
    int V, R;
    size_t runs;
    /* rank 0: the writer */
    bs_output *out;
    bs_scenario *scv;      /* the variant being written */
    char *vyaml, *vset;
    unsigned char **early; /* [runs] records that came before their turn */
    size_t *early_len;
    size_t next;           /* the next run to write */
    bs_experiment_timing time;
    bs_scenario *scw;      /* the run being written */
    /* any rank: the task being computed */
    bs_scenario *scc;
} dctx;

/* ---- computing a run, anywhere ----------------------------------------------------------- */

typedef struct {
    bs_record rec;
    bs_task_env *env;
    bs_status status;
    bs_error err;
} recording;

static void record_step(void *ctx, const bs_run_info *in, const bs_run *run)
{
    (void)in;
    recording *rc = ctx;
    if (rc->status == BS_OK)
        rc->status = bs_record_step(&rc->rec, run, &rc->err);
    bs_task_poll(rc->env);
}

static bs_status compute(void *ctx, size_t k, bs_task_env *env, void **bytes, size_t *len,
                         bs_error *err)
{
    dctx *d = ctx;
    const int v = (int)(k / (size_t)d->R), r = (int)(k % (size_t)d->R);
    bs_status s = BS_OK;
    if (!d->scc || k >= d->runs)
        return bs_error_setf(err, BS_ERR_RUNTIME, "run %zu: out of memory, or not a run of %zu", k,
                             d->runs);
    if (d->vars && d->vars->n)
        s = bs_variant_apply(d->base, d->vars, v, d->scc, err);
    else
        memcpy(d->scc, d->base, sizeof *d->scc);
    if (s)
        return s;
    d->scc->seed = d->base->seed + (uint64_t)r;
    d->scc->replicates = 1;
    recording rc = {{0}, env, BS_OK, {0}};
    bs_experiment_timing tm = {0};
    bs_experiment_opts o = {.threads = d->opt->threads, .cancel = env->cancel, .ctx = &rc,
                            .on_step = record_step, .timing = &tm};
    s = bs_experiment_run(d->scc, NULL, NULL, &o, err);
    if (s == BS_OK && rc.status) {
        *err = rc.err;
        s = rc.status;
    }
    if (s == BS_OK && rc.rec.steps_written != d->scc->steps)
        s = bs_error_setf(err, BS_ERR_RUNTIME, "run %zu recorded %d of %d steps", k,
                          rc.rec.steps_written, d->scc->steps);
    if (s) {
        free(rc.rec.bytes);
        return s;
    }
    bs_record_finish(&rc.rec, tm.bytes_per_consumer, tm.init_seconds, tm.step_seconds);
    *bytes = rc.rec.bytes;
    *len = rc.rec.len;
    return BS_OK;
}

/* ---- writing runs in order, on rank 0 ----------------------------------------------------- */

/* Variant v's scenario, YAML and overrides, for its group of the file. */
static bs_status begin_variant(dctx *d, int v, const bs_record_view *view, bs_error *err)
{
    bs_status s = BS_OK;
    if (d->vars && d->vars->n)
        s = bs_variant_apply(d->base, d->vars, v, d->scv, err);
    else
        memcpy(d->scv, d->base, sizeof *d->scv);
    if (s || !d->out)
        return s;
    free(d->vyaml);
    free(d->vset);
    d->vyaml = bs_scenario_yaml_string(d->scv);
    d->vset = d->vars && d->vars->n ? bs_variant_overrides(d->vars, v) : strdup("");
    if (!d->vyaml || !d->vset)
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    return bs_output_begin_variant(d->out, v, d->scv, bs_experiment_variant_name(d->vars, v),
                                   d->vyaml, d->vset, view->events, view->n_events, err);
}

/* Run k, from its record: into the file, and replayed to the callbacks. */
static bs_status write_run(dctx *d, size_t k, const void *bytes, size_t len, bs_error *err)
{
    const bs_experiment_opts *opt = d->opt;
    const int v = (int)(k / (size_t)d->R), r = (int)(k % (size_t)d->R);
    bs_record_view view;
    bs_status s = bs_record_open(bytes, len, d->base, &view, err);
    double a = bs_now_seconds();
    if (s == BS_OK && r == 0)
        s = begin_variant(d, v, &view, err);
    if (s == BS_OK && d->out)
        s = bs_output_begin_replicate(d->out, r, err);
    if (s)
        return s;
    bs_scenario *scr = d->scw; /* not scc: rank 0 writes while its own run computes */
    memcpy(scr, d->scv, sizeof *scr);
    scr->seed = d->base->seed + (uint64_t)r;
    bs_run *replay = bs_replay_alloc(scr, view.bins, view.events, view.n_events,
                                     view.bytes_per_consumer, err);
    if (!replay)
        return err->status ? err->status : BS_ERR_RUNTIME;
    const bs_run_info in = {v, r, bs_experiment_variant_name(d->vars, v), (int)k, (int)d->runs,
                            scr->seed};
    for (int t = 0; t < view.steps && s == BS_OK; t++) {
        const double *sv, *market, *q[2];
        bs_record_stats_at(&view, d->base->n_brands, t, &sv, &market, q);
        bs_replay_set_step(replay, t + 1, sv, market, q);
        if (d->out)
            s = bs_output_write_step(d->out, bs_run_stats(replay), err);
        if (s == BS_OK && opt->on_step)
            opt->on_step(opt->ctx, &in, replay);
    }
    if (s == BS_OK && opt->on_run_end)
        opt->on_run_end(opt->ctx, &in, replay);
    bs_run_free(replay);
    if (s == BS_OK && r == d->R - 1 && d->out) {
        s = bs_output_end_replicates(d->out, err);
        if (s == BS_OK && d->R >= 2)
            s = bs_summary_write(d->out, d->base, err);
        if (s == BS_OK)
            s = bs_output_end_variant(d->out, err);
    }
    d->time.write_seconds += bs_now_seconds() - a;
    if (s == BS_OK) {
        d->time.runs_done++;
        d->time.init_seconds += view.init_seconds;
        d->time.step_seconds += view.step_seconds;
        d->time.bytes_per_consumer = view.bytes_per_consumer;
    }
    return s;
}

static bs_status consume(void *ctx, size_t k, const void *bytes, size_t len, bs_error *err)
{
    dctx *d = ctx;
    if (k >= d->runs || k < d->next || d->early[k])
        return bs_error_setf(err, BS_ERR_RUNTIME, "run %zu came back twice or out of range", k);
    if (k != d->next) { /* early: kept until its turn */
        if (!(d->early[k] = malloc(len ? len : 1)))
            return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory keeping run %zu", k);
        memcpy(d->early[k], bytes, len);
        d->early_len[k] = len;
        return BS_OK;
    }
    bs_status s = write_run(d, d->next++, bytes, len, err);
    while (s == BS_OK && d->next < d->runs && d->early[d->next]) {
        size_t n = d->next++;
        s = write_run(d, n, d->early[n], d->early_len[n], err);
        free(d->early[n]);
        d->early[n] = NULL;
    }
    return s;
}

/* ---- the experiment ------------------------------------------------------------------------ */

bs_status bs_experiment_run_distributed(const bs_scenario *base, const bs_variants *vars,
                                        const char *path, const bs_experiment_opts *opt,
                                        bs_error *err)
{
    const bs_distributor *dist = opt->dist;
    const int root = bs_distributor_is_root(dist);
    const double t0 = bs_now_seconds();
    dctx d = {base, vars, opt, bs_experiment_variant_count(vars), base->replicates};
    d.runs = (size_t)d.V * (size_t)d.R;
    bs_status s = BS_OK;
    char *yaml = NULL;
    const char **names = NULL;
    size_t *tasks = NULL;
    d.scc = malloc(sizeof *d.scc);
    d.scv = malloc(sizeof *d.scv);
    d.scw = malloc(sizeof *d.scw);
    if (!d.scc || !d.scv || !d.scw)
        s = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    if (s == BS_OK && root) {
        d.early = calloc(d.runs, sizeof *d.early);
        d.early_len = calloc(d.runs, sizeof *d.early_len);
        tasks = malloc(d.runs * sizeof *tasks);
        names = calloc((size_t)d.V, sizeof *names);
        if (!d.early || !d.early_len || !tasks || !names) {
            s = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
        } else {
            for (size_t k = 0; k < d.runs; k++)
                tasks[k] = k;
            for (int v = 0; v < d.V; v++)
                names[v] = bs_experiment_variant_name(vars, v);
        }
    }
    if (s == BS_OK && root && path) {
        double a = bs_now_seconds();
        if (!(yaml = bs_scenario_yaml_string(base)))
            s = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
        else if (!(d.out = bs_output_open_ensemble(path, base, yaml,
                                                   opt->overrides ? opt->overrides : "", d.V,
                                                   names, err)))
            s = err->status ? err->status : BS_ERR_RUNTIME;
        d.time.write_seconds += bs_now_seconds() - a;
    }
    { /* every rank, also when one has failed already: rank 0 then tells the others */
        bs_error ignored = {0};
        bs_status ms = dist->map(dist, tasks, root && s == BS_OK ? d.runs : 0, compute, &d,
                                 consume, &d, opt->cancel, s ? &ignored : err);
        if (s == BS_OK)
            s = ms;
    }
    if (s == BS_OK && root && d.next != d.runs)
        s = bs_error_setf(err, BS_ERR_RUNTIME, "%zu of %zu runs came back", d.next, d.runs);
    if (s == BS_OK && bs_cancel_requested(opt->cancel))
        s = bs_error_setf(err, BS_ERR_RUNTIME, "interrupted at the end, before the file was complete");
    if (s == BS_OK && d.out) {
        bs_provenance prov = bs_experiment_provenance(opt, bs_now_seconds() - t0,
                                                      d.time.bytes_per_consumer);
        double a = bs_now_seconds();
        s = bs_output_finish(d.out, NULL, 0, &prov, err);
        d.out = NULL; /* finish closes it, on success or failure */
        d.time.write_seconds += bs_now_seconds() - a;
    }
    bs_output_abort(d.out);
    if (d.early)
        for (size_t k = 0; k < d.runs; k++)
            free(d.early[k]);
    free(d.early);
    free(d.early_len);
    free(tasks);
    free(names);
    free(yaml);
    free(d.vyaml);
    free(d.vset);
    free(d.scc);
    free(d.scv);
    free(d.scw);
    d.time.wall_seconds = bs_now_seconds() - t0;
    if (opt->timing)
        *opt->timing = d.time;
    return s;
}
