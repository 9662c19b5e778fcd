/*
 * ensemble.c: variants x replicates of a scenario, run one after another
 * (each run uses every thread), streamed into one ensemble file.
 */
#define _POSIX_C_SOURCE 200809L
#include "experiment/ensemble.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

const char *bs_ensemble_variant_name(const bs_variants *vars, int v)
{
    return vars && vars->n ? vars->v[v].name : "base";
}

int bs_ensemble_variant_count(const bs_variants *vars)
{
    return vars && vars->n ? vars->n : 1;
}

static bs_status oom(bs_error *err)
{
    err->status = BS_ERR_RUNTIME;
    snprintf(err->msg, sizeof err->msg, "out of memory");
    return BS_ERR_RUNTIME;
}

/* All steps of one replicate into the output. */
static bs_status run_replicate(bs_run *run, bs_output *out, int v, int r, const char *vname,
                               const bs_ensemble_opts *opt, bs_error *err)
{
    const bs_scenario *sc = bs_run_scenario(run);
    for (int t = 0; t < sc->steps; t++) {
        if (opt->should_stop && opt->should_stop(opt->ctx)) {
            err->status = BS_ERR_RUNTIME;
            snprintf(err->msg, sizeof err->msg,
                     "interrupted at variant '%s', replicate %d, step %d of %d", vname, r + 1, t,
                     sc->steps);
            return BS_ERR_RUNTIME;
        }
        if (bs_run_step(run, err) || bs_output_write_step(out, bs_run_stats(run), err))
            return err->status ? err->status : BS_ERR_RUNTIME;
        if (opt->on_step) opt->on_step(opt->ctx, v, r, run);
    }
    return BS_OK;
}

bs_status bs_ensemble_run(const bs_scenario *base, const bs_variants *vars, const char *path,
                          const bs_ensemble_opts *opt, bs_error *err)
{
    const int V = bs_ensemble_variant_count(vars), R = base->replicates;
    bs_status s = BS_OK;
    bs_output *out = NULL;
    bs_run *run = NULL;
    char *yaml = bs_scenario_yaml_string(base), *vyaml = NULL, *vset = NULL;
    bs_scenario *scv = malloc(sizeof *scv), *scr = malloc(sizeof *scr);
    const char **names = calloc((size_t)V, sizeof *names);
    double bytes = 0, t0 = now_seconds();
    if (!yaml || !scv || !scr || !names) {
        s = oom(err);
        goto done;
    }
    for (int v = 0; v < V; v++) names[v] = bs_ensemble_variant_name(vars, v);
    out = bs_output_open_ensemble(path, base, yaml, opt->overrides ? opt->overrides : "", V,
                                  names, err);
    if (!out) {
        s = err->status ? err->status : BS_ERR_RUNTIME;
        goto done;
    }
    for (int v = 0; v < V && s == BS_OK; v++) {
        if (vars && vars->n) s = bs_variant_apply(base, vars, v, scv, err);
        else memcpy(scv, base, sizeof *scv);
        if (s) break;
        free(vyaml);
        free(vset);
        vyaml = bs_scenario_yaml_string(scv);
        vset = vars && vars->n ? bs_variant_overrides(vars, v) : strdup("");
        if (!vyaml || !vset) {
            s = oom(err);
            break;
        }
        for (int r = 0; r < R && s == BS_OK; r++) {
            memcpy(scr, scv, sizeof *scr);
            scr->seed = base->seed + (uint64_t)r;
            run = bs_run_alloc(scr, opt->threads, err);
            if (!run) {
                s = err->status ? err->status : BS_ERR_RUNTIME;
                break;
            }
            bytes = bs_run_bytes_per_consumer(run);
            if (r == 0) { /* the schedule of events is the same in every replicate */
                int n_events;
                const bs_event *ev = bs_run_events(run, &n_events);
                s = bs_output_begin_variant(out, v, scv, names[v], vyaml, vset, ev, n_events,
                                            err);
            }
            if (s == BS_OK) s = bs_output_begin_replicate(out, r, err);
            if (s == BS_OK) s = run_replicate(run, out, v, r, names[v], opt, err);
            bs_run_free(run);
            run = NULL;
        }
        if (s == BS_OK) s = bs_output_end_variant(out, err);
    }
    if (s == BS_OK) {
        bs_provenance prov = opt->prov;
        prov.wall_seconds = now_seconds() - t0;
        prov.bytes_per_consumer = bytes;
        s = bs_output_finish(out, NULL, 0, &prov, err);
        out = NULL; /* finish closes it, on success or failure */
    }
done:
    bs_output_abort(out);
    bs_run_free(run);
    free(yaml);
    free(vyaml);
    free(vset);
    free(scv);
    free(scr);
    free(names);
    return s;
}
