/*
 * ensemble.h: run every variant x replicate of a scenario into one ensemble
 * file (docs/OUTPUT.md, "Ensemble files"). Replicate r of every variant runs
 * with seed base + r (common random numbers). Used by `brandsim run` and
 * `brandsim replicate`; an observer sees every step of every run, so callers
 * can compute outcomes without reading the file back. No printing, no exit.
 */
#ifndef BS_EXPERIMENT_ENSEMBLE_H
#define BS_EXPERIMENT_ENSEMBLE_H

#include "brandsim/brandsim.h"
#include "io/output.h"
#include "io/scenario_io.h"

typedef struct {
    int threads;            /* OpenMP threads per run (0: the default) */
    const char *overrides;  /* command-line overrides, recorded in the file ("" if none) */
    bs_provenance prov;     /* recorded; wall_seconds and bytes_per_consumer are filled in */
    void *ctx;              /* passed to the callbacks */
    /* after step t of replicate r of variant v (may be NULL) */
    void (*on_step)(void *ctx, int v, int r, const bs_run *run);
    /* polled before every step: non-zero stops everything, and no file is left */
    int (*should_stop)(void *ctx);
} bs_ensemble_opts;

/* Names of the variants as run: vars' names, or "base" when there are none. */
const char *bs_ensemble_variant_name(const bs_variants *vars, int v);
int bs_ensemble_variant_count(const bs_variants *vars);

/* Run base x vars (vars may have n = 0: one variant, "base") with base->replicates
 * replicates into `path` (written as PATH.partial, renamed when complete). On a stop
 * request: BS_ERR_RUNTIME with a message beginning "interrupted". */
bs_status bs_ensemble_run(const bs_scenario *base, const bs_variants *vars, const char *path,
                          const bs_ensemble_opts *opt, bs_error *err);

#endif
