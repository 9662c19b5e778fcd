/* SPDX-License-Identifier: MIT */
/*
 * step.h: the step of every consumer (step.c), which run.c calls once per
 * bs_run_step() after the step's shocks are applied. Not a public header.
 */
#ifndef BS_CORE_STEP_H
#define BS_CORE_STEP_H

#include "core/state.h"

/* step.c */
void bs_step_consumers(bs_run *run);

#endif
