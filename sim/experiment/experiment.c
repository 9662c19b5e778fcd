/* SPDX-License-Identifier: MIT */
/*
 * experiment.c: the one driver of simulations (experiment.h). Runs every
 * variant x replicate of a scenario one after another, each on every thread,
 * streams each step to the output file, and at the end of each variant has
 * the statistics across its replicates computed (summary.c) and written.
 * With runs spread over processes, distributed.c takes over.
 */
#define _POSIX_C_SOURCE 200809L
#include "brandsim/experiment.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/error.h"
#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "brandsim/scenario.h"
#include "brandsim/version.h"
#include "experiment/distributed.h"
#include "experiment/summary.h"
#include "io/output.h"
#include "core/clock.h"

const char *bs_experiment_variant_name(const bs_variants *vars, int v)
{
    return vars && vars->n ? vars->v[v].name : "base";
}

int bs_experiment_variant_count(const bs_variants *vars)
{
    return vars && vars->n ? vars->n : 1;
}

int bs_experiment_is_single(const bs_scenario *base, const bs_variants *vars, bs_layout layout)
{
    return layout == BS_LAYOUT_AUTO && !(vars && vars->n) && base->replicates == 1;
}

/* Everything one call shares: the options, the file, the clock. */
typedef struct {
    const bs_experiment_opts *opt;
    bs_experiment_timing time;
    bs_output *out;
    int single;
    int runs; /* variants x replicates */
} driver;

bs_provenance bs_experiment_provenance(const bs_experiment_opts *opt, double wall,
                                       double bytes_per_consumer)
{
    bs_provenance p = opt->prov;
    if (!p.version)
        p.version = BS_VERSION;
    p.threads = opt->threads > 0 ? opt->threads : omp_get_max_threads();
    p.wall_seconds = wall;
    p.bytes_per_consumer = bytes_per_consumer;
    p.ranks = opt->dist && opt->dist->ranks > 0 ? opt->dist->ranks : 1;
    return p;
}

static bs_provenance provenance(const driver *d, double wall)
{
    return bs_experiment_provenance(d->opt, wall, d->time.bytes_per_consumer);
}

static bs_status interrupted(const bs_run_info *in, int single, int t, int steps, bs_error *err)
{
    if (single)
        return bs_error_setf(err, BS_ERR_RUNTIME, "interrupted at step %d of %d", t, steps);
    return bs_error_setf(err, BS_ERR_RUNTIME, "interrupted at variant '%s', replicate %d, step %d of %d",
                         in->variant_name, in->replicate + 1, t, steps);
}

/* All steps of one run into the output; the cancellation flag is polled before each. */
static bs_status run_steps(driver *d, bs_run *run, const bs_run_info *in, bs_error *err)
{
    const bs_experiment_opts *opt = d->opt;
    const int steps = bs_run_scenario(run)->steps;
    for (int t = 0; t < steps; t++) {
        if (bs_cancel_requested(opt->cancel))
            return interrupted(in, d->single, t, steps, err);
        double a = bs_now_seconds();
        bs_status s = bs_run_step(run, err);
        double b = bs_now_seconds();
        d->time.step_seconds += b - a;
        if (s)
            return s;
        if (d->out) {
            s = bs_output_write_step(d->out, bs_run_stats(run), err);
            d->time.write_seconds += bs_now_seconds() - b;
            if (s)
                return s;
        }
        if (opt->on_step)
            opt->on_step(opt->ctx, in, run);
    }
    return BS_OK;
}

/* One run of scenario sc: allocate, (begin its place in the file), step, report, free. */
static bs_status one_run(driver *d, const bs_scenario *sc, bs_run_info *in, const char *vyaml,
                         const char *vset, bs_error *err)
{
    const bs_experiment_opts *opt = d->opt;
    double a = bs_now_seconds();
    bs_run *run = bs_run_alloc(sc, opt->threads, err);
    d->time.init_seconds += bs_now_seconds() - a;
    if (!run)
        return err->status ? err->status : BS_ERR_RUNTIME;
    d->time.bytes_per_consumer = bs_run_bytes_per_consumer(run);
    bs_status s = BS_OK;
    if (d->out && !d->single) {
        a = bs_now_seconds();
        if (in->replicate == 0) { /* the schedule of events is the same in every replicate */
            int n_events;
            const bs_event *ev = bs_run_events(run, &n_events);
            s = bs_output_begin_variant(d->out, in->variant, sc, in->variant_name, vyaml, vset, ev,
                                        n_events, err);
        }
        if (s == BS_OK)
            s = bs_output_begin_replicate(d->out, in->replicate, err);
        d->time.write_seconds += bs_now_seconds() - a;
    }
    if (s == BS_OK)
        s = run_steps(d, run, in, err);
    if (s == BS_OK && d->single && bs_cancel_requested(opt->cancel)) /* a stop after the last step wins */
        s = interrupted(in, 1, sc->steps, sc->steps, err);
    if (s == BS_OK && d->single && d->out) { /* the events belong to the file itself */
        int n_events;
        const bs_event *ev = bs_run_events(run, &n_events);
        bs_provenance prov =
            provenance(d, d->time.init_seconds + d->time.step_seconds + d->time.write_seconds);
        a = bs_now_seconds();
        s = bs_output_finish(d->out, ev, n_events, &prov, err);
        d->out = NULL; /* finish closes it, on success or failure */
        d->time.write_seconds += bs_now_seconds() - a;
    }
    if (s == BS_OK) {
        d->time.runs_done++;
        if (opt->on_run_end)
            opt->on_run_end(opt->ctx, in, run);
    }
    bs_run_free(run);
    return s;
}

/* Every replicate of variant v (scenario scv, whose YAML and overrides are given). */
static bs_status one_variant(driver *d, const bs_scenario *base, const bs_scenario *scv,
                             bs_scenario *scr, int v, const char *vname, const char *vyaml,
                             const char *vset, bs_error *err)
{
    const int R = base->replicates;
    bs_status s = BS_OK;
    for (int r = 0; r < R && s == BS_OK; r++) {
        memcpy(scr, scv, sizeof *scr);
        scr->seed = base->seed + (uint64_t)r;
        bs_run_info in = {v, r, vname, v * R + r, d->runs, scr->seed};
        s = one_run(d, scr, &in, vyaml, vset, err);
    }
    if (s == BS_OK && d->out && !d->single) {
        double a = bs_now_seconds();
        s = bs_output_end_replicates(d->out, err);
        if (s == BS_OK && R >= 2)
            s = bs_summary_write(d->out, base, err);
        if (s == BS_OK)
            s = bs_output_end_variant(d->out, err);
        d->time.write_seconds += bs_now_seconds() - a;
    }
    return s;
}

bs_status bs_experiment_run(const bs_scenario *base, const bs_variants *vars, const char *path,
                            const bs_experiment_opts *opt, bs_error *err)
{
    static const bs_experiment_opts none = {0};
    if (!opt)
        opt = &none;
    const int V = bs_experiment_variant_count(vars);
    if (bs_distributed(opt->dist)) {
        if (V * base->replicates >= 2)
            return bs_experiment_run_distributed(base, vars, path, opt, err);
        if (!bs_distributor_is_root(opt->dist)) /* one run: rank 0's alone */
            return BS_OK;
    }
    const double t0 = bs_now_seconds();
    driver d = {opt, {0}, NULL, bs_experiment_is_single(base, vars, opt->layout),
                V * base->replicates};
    bs_status s = BS_OK;
    char *yaml = bs_scenario_yaml_string(base), *vyaml = NULL, *vset = NULL;
    bs_scenario *scv = malloc(sizeof *scv), *scr = malloc(sizeof *scr);
    const char **names = calloc((size_t)V, sizeof *names);
    if (!yaml || !scv || !scr || !names) {
        s = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
        goto done;
    }
    for (int v = 0; v < V; v++)
        names[v] = bs_experiment_variant_name(vars, v);
    const char *overrides = opt->overrides ? opt->overrides : "";
    if (path) {
        double a = bs_now_seconds();
        d.out = d.single ? bs_output_open(path, base, yaml, overrides, err)
                         : bs_output_open_ensemble(path, base, yaml, overrides, V, names, err);
        d.time.write_seconds += bs_now_seconds() - a;
        if (!d.out) {
            s = err->status ? err->status : BS_ERR_RUNTIME;
            goto done;
        }
    }
    for (int v = 0; v < V && s == BS_OK; v++) {
        if (vars && vars->n)
            s = bs_variant_apply(base, vars, v, scv, err);
        else
            memcpy(scv, base, sizeof *scv);
        if (s)
            break;
        free(vyaml);
        free(vset);
        vyaml = NULL;
        vset = NULL;
        if (d.out && !d.single) {
            vyaml = bs_scenario_yaml_string(scv);
            vset = vars && vars->n ? bs_variant_overrides(vars, v) : strdup("");
            if (!vyaml || !vset) {
                s = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
                break;
            }
        }
        s = one_variant(&d, base, scv, scr, v, names[v], vyaml, vset, err);
    }
    if (s == BS_OK && d.out && !d.single && bs_cancel_requested(opt->cancel))
        s = bs_error_setf(err, BS_ERR_RUNTIME, "interrupted at the end, before the file was complete");
    if (s == BS_OK && d.out && !d.single) {
        bs_provenance prov = provenance(&d, bs_now_seconds() - t0);
        double a = bs_now_seconds();
        s = bs_output_finish(d.out, NULL, 0, &prov, err);
        d.out = NULL; /* finish closes it, on success or failure */
        d.time.write_seconds += bs_now_seconds() - a;
    }
done:
    bs_output_abort(d.out);
    free(yaml);
    free(vyaml);
    free(vset);
    free(scv);
    free(scr);
    free(names);
    d.time.wall_seconds = bs_now_seconds() - t0;
    if (opt->timing)
        *opt->timing = d.time;
    return s;
}

bs_status bs_experiment_run_file(const char *scenario_path, const char *const *overrides,
                                 int n_overrides, const char *path, int threads, bs_error *err)
{
    bs_scenario *sc = malloc(sizeof *sc);
    if (!sc)
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    bs_variants vars;
    bs_overrides ov = {overrides, NULL, n_overrides};
    bs_status s = bs_scenario_load_overridden(scenario_path, &ov, sc, &vars, err);
    if (s == BS_OK) {
        size_t len = 1;
        for (int k = 0; k < n_overrides; k++)
            len += strlen(overrides[k]) + 1;
        char *joined = malloc(len);
        if (!joined) {
            s = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
        } else {
            joined[0] = '\0';
            for (int k = 0, n = 0; k < n_overrides; k++)
                n += snprintf(joined + n, len - (size_t)n, "%s%s", k ? "\n" : "", overrides[k]);
            bs_experiment_opts opt = {.threads = threads, .overrides = joined};
            opt.prov.command_line = "bs_experiment_run_file";
            s = bs_experiment_run(sc, &vars, path, &opt, err);
            free(joined);
        }
        bs_variants_free(&vars);
    }
    free(sc);
    return s;
}
