/* SPDX-License-Identifier: MIT */
/*
 * rng.h: counter-based random streams (Random123 Philox4x32-10).
 *
 * A stream is addressed by (run seed, purpose, consumer, step): key = seed,
 * counter = (consumer, step, purpose << 24 | block). Every draw a consumer
 * makes in a step comes from its own stream, so the numbers never depend on
 * which thread runs the consumer or in what order: the basis of thread-count
 * determinism. bs_rng_gsl() wraps a stream as a gsl_rng, without allocation,
 * so GSL's distributions (gsl_ran_beta, ...) draw from it. tests/test_rng.c
 * pins Philox to Random123's known answers and the layout to known streams.
 */
#ifndef BS_RNG_H
#define BS_RNG_H

#include <Random123/philox.h>
#include <assert.h>
#include <gsl/gsl_rng.h>
#include <stdint.h>

/* What a stream is for: streams of different purposes never overlap. */
enum {
    BS_RNG_TRAITS = 1,  /* consumer traits and initial relationships */
    BS_RNG_STEP = 2,    /* everything a consumer draws in a step */
    BS_RNG_NETWORK = 3, /* implicit network links */
};

typedef struct {
    philox4x32_key_t key;
    philox4x32_ctr_t ctr;
    philox4x32_ctr_t out;
    int left; /* unused words in out */
} bs_rng;

static inline void bs_rng_init(bs_rng *r, uint64_t seed, uint32_t purpose, uint64_t consumer,
                               uint32_t step)
{
    r->key.v[0] = (uint32_t)seed;
    r->key.v[1] = (uint32_t)(seed >> 32);
    r->ctr.v[0] = (uint32_t)consumer;
    r->ctr.v[1] = (uint32_t)(consumer >> 32);
    r->ctr.v[2] = step;
    assert(purpose < 256); /* 8 bits of the counter's last word, the block the other 24 */
    r->ctr.v[3] = purpose << 24;
    r->left = 0;
}

static inline uint32_t bs_rng_u32(bs_rng *r)
{
    if (r->left == 0) {
        r->out = philox4x32(r->ctr, r->key);
        r->ctr.v[3]++;
        assert((r->ctr.v[3] & 0xffffff) != 0); /* past 2^24 blocks: another purpose's */
        r->left = 4;
    }
    return r->out.v[--r->left];
}

/* Generate the stream's first block now (the draws are the same): a caller
 * that will draw anyway lets the processor compute it while other work runs,
 * so that a branch on the first draw is decided sooner. */
static inline void bs_rng_prime(bs_rng *r)
{
    if (r->left == 0) {
        r->out = philox4x32(r->ctr, r->key);
        r->ctr.v[3]++;
        r->left = 4;
    }
}

/* Uniform on the open interval (0, 1). */
static inline double bs_rng_uniform(bs_rng *r)
{
    return ((double)bs_rng_u32(r) + 0.5) * 0x1p-32;
}

/* True with probability p. */
static inline int bs_rng_bernoulli(bs_rng *r, double p)
{
    return bs_rng_uniform(r) < p;
}

/* Uniform integer in [0, n) (n > 0), by multiply-shift (bias < n / 2^32). */
static inline uint32_t bs_rng_below(bs_rng *r, uint32_t n)
{
    assert(n > 0);
    return (uint32_t)(((uint64_t)bs_rng_u32(r) * n) >> 32);
}

/* The gsl_rng type whose state is a bs_rng. Hidden: the library is compiled
 * position-independent, and a hidden symbol is read directly, not through the
 * GOT, in the step's draws (as before the library was also a shared one). */
extern const gsl_rng_type *bs_gsl_philox __attribute__((visibility("hidden")));

/* A gsl_rng drawing from `r`, valid while r lives; no allocation. */
static inline gsl_rng bs_rng_gsl(bs_rng *r)
{
    gsl_rng g = {bs_gsl_philox, r};
    return g;
}

#endif
