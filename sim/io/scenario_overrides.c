/* SPDX-License-Identifier: MIT */
/*
 * scenario_overrides.c: load a scenario file with overrides on top
 * (declared in include/brandsim/scenario.h).
 */
#include "brandsim/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The overrides in place, validated: the file alone was valid, so name the overrides that
   made it invalid. */
static bs_status apply(const char *path, const bs_overrides *ov, bs_scenario *sc, bs_error *err)
{
    for (int k = 0; k < ov->n; k++) {
        const char *flag = ov->flags ? ov->flags[k] : NULL;
        if (bs_scenario_set(sc, ov->items[k], err)) {
            /* "--set: 'seed': ..." came from --seed: say so */
            if (flag && !strncmp(err->msg, "--set: ", 7)) {
                char msg[sizeof err->msg];
                snprintf(msg, sizeof msg, "%s: %s", flag, err->msg + 7);
                memcpy(err->msg, msg, sizeof msg);
            }
            return err->status;
        }
    }
    if (ov->n == 0)
        return BS_OK;
    char where[768];
    int n = snprintf(where, sizeof where, "%s (after ", path);
    for (int k = 0; k < ov->n && n > 0 && (size_t)n < sizeof where; k++) {
        const char *item = ov->items[k], *eq = strchr(item, '=');
        const char *flag = ov->flags ? ov->flags[k] : NULL;
        n += flag && eq /* --seed 5, not --seed seed=5 */
                 ? snprintf(where + n, sizeof where - (size_t)n, "%s%s %s", k ? ", " : "", flag,
                            eq + 1)
                 : snprintf(where + n, sizeof where - (size_t)n, "%s--set %s", k ? ", " : "",
                            item);
    }
    if (n > 0 && (size_t)n + 2 <= sizeof where)
        strcat(where, ")");
    else
        snprintf(where, sizeof where, "%s (with overrides)", path); /* too many to list */
    return bs_scenario_validate(sc, where, err);
}

bs_status bs_scenario_load_overridden(const char *path, const bs_overrides *ov, bs_scenario *sc,
                                      bs_variants *vars, bs_error *err)
{
    static const bs_overrides none = {NULL, NULL, 0};
    if (!ov)
        ov = &none;
    bs_status s = bs_scenario_load_variants(path, sc, vars, err);
    if (s)
        return s;
    s = apply(path, ov, sc, err);
    /* the variants apply on top of the overrides: check them again */
    if (s == BS_OK && ov->n > 0 && vars->n > 0) {
        bs_scenario *tmp = malloc(sizeof *tmp);
        if (!tmp) {
            s = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
        }
        for (int v = 0; tmp && v < vars->n && s == BS_OK; v++)
            s = bs_variant_apply(sc, vars, v, tmp, err);
        free(tmp);
    }
    if (s)
        bs_variants_free(vars);
    return s;
}
