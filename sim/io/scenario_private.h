/* SPDX-License-Identifier: MIT */
/*
 * scenario_private.h: what the scenario files share beside the binder
 * (yaml_bind.h): the `variants:` list, read by scenario_variants.c for the
 * loader in scenario_load.c. Private to sim/io.
 */
#ifndef BS_IO_SCENARIO_PRIVATE_H
#define BS_IO_SCENARIO_PRIVATE_H

#include "io/scenario_io.h"
#include "io/yaml_bind.h"

/* Read `variants:` (the node seq of y's document) into vars: a list of
 * {name, set}, the overrides kept as "key=value" strings with their lines.
 * They are checked against the scenario later, by bs_variants_check(). On an
 * error vars holds what was read so far (free it with bs_variants_free()). */
bs_status bs_variants_read(bs_yaml *y, yaml_node_t *seq, bs_variants *vars);

/* Every variant applies to the loaded scenario and validates (errors as
 * bs_variant_apply() gives them). */
bs_status bs_variants_check(const bs_scenario *sc, const bs_variants *vars, bs_error *err);

#endif
