/*
 * scenario_io.h: scenario files in and out. Loading parses YAML with libyaml
 * and binds it to bs_scenario through the parameter table (params.c):
 * unknown keys, wrong types, out-of-range values, bad references and shocks
 * after the last step are reported as "FILE:LINE: 'key.path': what, expected
 * what" with status BS_ERR_INPUT. Also: --set overrides, and printing the
 * resolved scenario (YAML) and the field reference (Markdown).
 */
#ifndef BS_SCENARIO_IO_H
#define BS_SCENARIO_IO_H

#include <stdio.h>

#include "brandsim/brandsim.h"

/* Load and validate a scenario file: one YAML document, a mapping with a
 * `name` (required) and at least one brand; absent keys take the defaults of
 * the parameter table. A file that cannot be read is BS_ERR_INPUT too. On
 * failure `sc` is unspecified. */
bs_status bs_scenario_load(const char *path, bs_scenario *sc, bs_error *err);

/* Same, from text in memory; `name` stands for the file in messages. */
bs_status bs_scenario_load_string(const char *text, size_t len, const char *name,
                                  bs_scenario *sc, bs_error *err);

/* Apply one override "key.path=value" (e.g. "model.revenge_decay=0.1",
 * "brands[acme].quality=0.9", "brands[0].norm=communal", "consumers=1000",
 * "shocks[1].brands=acme,zed", "shocks[2].policy.price=2" on a policy shock).
 * In brands[...] digits are an index, anything else a brand name (which may
 * hold '.'). On an error nothing is changed except, possibly, the one field.
 * The caller validates afterwards with bs_scenario_validate(). */
bs_status bs_scenario_set(bs_scenario *sc, const char *assignment, bs_error *err);

/* ---- variants: named conditions of one scenario ---------------------------- */

/* A scenario may list `variants:`, each a name and a mapping `set:` of
 * overrides in --set syntax ("brands[acme].breach_response: apology"). A
 * variant is the scenario with its overrides applied on top (after any
 * command-line --set). Variants may not change name, seed, steps, step_days,
 * replicates, or the brands' names, so that every variant's series line up. */
#define BS_MAX_VARIANTS 256
typedef struct {
    char name[BS_NAME_MAX];
    int line;        /* line of the entry in the file (0: not from a file) */
    int n_set;
    char **set;      /* "key.path=value", in file order */
    int *set_line;   /* line of each override */
} bs_variant;

typedef struct {
    char file[256];  /* where they were read, for messages */
    int n;
    bs_variant *v;
} bs_variants;

/* bs_scenario_load, also returning the scenario's variants (n = 0 if none).
 * Each variant is checked (applied and validated) against the loaded
 * scenario; errors name the file, the line of the override and its key path.
 * On success free `vars` with bs_variants_free(); on failure it is empty. */
bs_status bs_scenario_load_variants(const char *path, bs_scenario *sc, bs_variants *vars,
                                    bs_error *err);
bs_status bs_scenario_load_string_variants(const char *text, size_t len, const char *name,
                                           bs_scenario *sc, bs_variants *vars, bs_error *err);

/* out = base with variant v applied, validated. Errors say which variant,
 * which override and where it was written. out may not alias base. */
bs_status bs_variant_apply(const bs_scenario *base, const bs_variants *vars, int v,
                           bs_scenario *out, bs_error *err);

/* The overrides of variant v as "key=value" lines (caller frees), or NULL
 * when out of memory. */
char *bs_variant_overrides(const bs_variants *vars, int v);

void bs_variants_free(bs_variants *vars);

/* The numeric value of the field at a key path ("model.revenge_decay",
 * "brands[acme].quality"; enumerations and flags as their integer), and its
 * row of the parameter table (type, range) in *param if not NULL. */
bs_status bs_scenario_get(const bs_scenario *sc, const char *path, double *value,
                          const bs_param **param, bs_error *err);

/* Write the scenario, every field resolved, as YAML that loads back to the
 * same scenario. Returns 0, or -1 on a write error. */
int bs_scenario_write_yaml(FILE *out, const bs_scenario *sc);

/* The same into a new string (caller frees), or NULL when out of memory. */
char *bs_scenario_yaml_string(const bs_scenario *sc);

/* Write the field reference (every section: key, type, default, range, unit,
 * meaning) as Markdown tables. */
int bs_scenario_write_reference(FILE *out);

#endif
