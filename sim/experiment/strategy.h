/* SPDX-License-Identifier: MIT */
/*
 * strategy.h: the built-in strategies a game's computer brands play
 * (strategy.c says what each does). Internal to the library: game.h names
 * them to users by their names.
 */
#ifndef BRANDSIM_EXPERIMENT_STRATEGY_H
#define BRANDSIM_EXPERIMENT_STRATEGY_H

#include "brandsim/game.h"
#include "brandsim/run.h"

enum {
    BS_STRATEGY_STEADY = 0,
    BS_STRATEGY_STEWARD,
    BS_STRATEGY_DISCOUNTER,
    BS_STRATEGY_HARVESTER,
    BS_STRATEGY_COUNT
};

/* What a computer brand remembers of its own play in one run. Zero it before the first
   round. */
typedef struct {
    int started, readied, measured;
    double price, start_price; /* its price now, and at the start */
    double share; /* its share at the end of the last round */
} bs_strategy_memory;

const char *bs_strategy_name(int strategy); /* NULL when out of range */
int bs_strategy_by_name(const char *name);  /* -1 when unknown */

/* The decisions ("key=value", into sets: room for BS_GAME_MAX_DECISIONS) of `strategy` for
   `brand` at the start of a round of `round_steps` steps in `run`, as the run stands; their
   count (0: it keeps its course). Updates *mem. */
int bs_strategy_decide(int strategy, const bs_run *run, int brand, int round_steps,
                       bs_strategy_memory *mem, char sets[][BS_GAME_DECISION_MAX]);

#endif
