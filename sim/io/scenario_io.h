/* SPDX-License-Identifier: MIT */
/*
 * scenario_io.h: scenario files in and out (scenario_load.c, scenario_variants.c,
 * scenario_set.c, scenario_write.c over the binder yaml_bind.c). Loading, --set
 * overrides, variants and the YAML and reference writers are public API,
 * declared with their contracts in include/brandsim/scenario.h; this private
 * header only includes it, so that the library's own files and the command
 * keep including "io/scenario_io.h". What the files of this module come to
 * share that the public API should not show (none yet) is declared here.
 */
#ifndef BS_SCENARIO_IO_H
#define BS_SCENARIO_IO_H

#include "brandsim/error.h"
#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "brandsim/scenario.h"
#include "brandsim/version.h"

#endif
