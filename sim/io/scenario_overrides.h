/*
 * scenario_overrides.h: a scenario file loaded with overrides on top (the
 * command's --set, --seed, ...; a finding's negative control; a Python
 * caller's keyword arguments), then validated, with messages that say which
 * override made a valid file invalid.
 */
#ifndef BS_IO_SCENARIO_OVERRIDES_H
#define BS_IO_SCENARIO_OVERRIDES_H

#include "brandsim/brandsim.h"
#include "io/scenario_io.h"

/* Overrides in order: items[k] is "key.path=value"; flags[k] (may be NULL, or NULL
 * entries) names the option it came from ("--seed") for messages. */
typedef struct {
    const char *const *items;
    const char *const *flags;
    int n;
} bs_overrides;

/* Load `path` with its variants, apply the overrides in order, validate, and check every
 * variant on top of the overrides. Messages: an override's own error names it (its flag
 * when given: "--seed: ..."); a file made invalid by the overrides is named
 * "FILE (after --seed 3, --set k=v)". On success free vars with bs_variants_free(); on
 * failure vars is empty. */
bs_status bs_scenario_load_overridden(const char *path, const bs_overrides *ov, bs_scenario *sc,
                                      bs_variants *vars, bs_error *err);

#endif
