/* SPDX-License-Identifier: MIT */
/*
 * rng.c: the gsl_rng type over a Philox stream (see rng.h), so that GSL's
 * distributions draw from counter-based, thread-independent streams.
 */
#include "core/rng.h"

static void philox_set(void *state, unsigned long seed)
{
    bs_rng_init((bs_rng *)state, seed, 0, 0, 0);
}

static unsigned long philox_get(void *state)
{
    return bs_rng_u32((bs_rng *)state);
}

static double philox_get_double(void *state)
{
    return bs_rng_uniform((bs_rng *)state);
}

static const gsl_rng_type philox_type = {
    "philox4x32", 0xffffffffUL, 0, sizeof(bs_rng), philox_set, philox_get, philox_get_double,
};

const gsl_rng_type *bs_gsl_philox = &philox_type;
