/* SPDX-License-Identifier: MIT */
/*
 * scenario_access.c: a scenario on the heap and the few facts about it that a
 * binding needs (the Python module's ctypes holds a bs_scenario only by
 * pointer and never mirrors its layout). Declared in
 * include/brandsim/scenario.h, "the scenario on the heap, for bindings".
 */
#include <stdlib.h>
#include <string.h>

#include "brandsim/scenario.h"

bs_scenario *bs_scenario_alloc(void)
{
    bs_scenario *sc = malloc(sizeof *sc);
    if (sc)
        bs_scenario_defaults(sc);
    return sc;
}

void bs_scenario_free(bs_scenario *sc) { free(sc); }

void bs_scenario_copy(bs_scenario *dest, const bs_scenario *src) { memcpy(dest, src, sizeof *dest); }

const char *bs_scenario_name(const bs_scenario *sc) { return sc->name; }

int bs_scenario_steps(const bs_scenario *sc) { return sc->steps; }

int bs_scenario_n_brands(const bs_scenario *sc) { return sc->n_brands; }

const char *bs_scenario_brand_name(const bs_scenario *sc, int i)
{
    return (i >= 0 && i < sc->n_brands) ? sc->brands[i].name : NULL;
}
