/* SPDX-License-Identifier: MIT */
/*
 * test_rng.c: known answers for the random streams of sim/core/rng.h. Every
 * number of a run comes from these streams, so a change to Philox, to how a
 * stream is addressed (key = seed; counter = consumer low and high words,
 * step, purpose << 24 | block) or to how a word becomes a uniform changes
 * every result; these tests say which of the three moved.
 *
 * The Philox4x32-10 vectors are Random123's published known answers
 * (tests/kat_vectors of github.com/DEShawResearch/random123, the three
 * "philox4x32 10" lines: counter[4] key[2] -> result[4]). The stream values
 * were computed once with rng.h and checked against a separate Philox4x32-10
 * written from the algorithm (which reproduces the three vectors).
 */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <string.h>

#include "core/rng.h"

typedef struct {
    uint32_t ctr[4], key[2], out[4];
} kat;

/* Random123 tests/kat_vectors, philox4x32 10 */
static const kat kats[] = {
    {{0x00000000, 0x00000000, 0x00000000, 0x00000000},
     {0x00000000, 0x00000000},
     {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
     {0xffffffff, 0xffffffff},
     {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
     {0xa4093822, 0x299f31d0},
     {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
};

static philox4x32_ctr_t philox_direct(const uint32_t ctr[4], const uint32_t key[2])
{
    philox4x32_ctr_t c = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
    philox4x32_key_t k = {{key[0], key[1]}};
    return philox4x32(c, k);
}

Test(rng, philox4x32_10_gives_random123s_known_answers)
{
    cr_assert_eq(philox4x32_rounds, 10, "rng.h must use Philox4x32-10");
    for (int q = 0; q < 3; q++) {
        philox4x32_ctr_t out = philox_direct(kats[q].ctr, kats[q].key);
        for (int w = 0; w < 4; w++)
            cr_expect_eq(out.v[w], kats[q].out[w], "vector %d word %d: %08x, expected %08x", q,
                         w, out.v[w], kats[q].out[w]);
    }
}

/* A stream hands out each block's words last first: v[3], v[2], v[1], v[0]. */
Test(rng, a_stream_hands_out_the_known_answers)
{
    bs_rng r; /* seed 0, purpose 0, consumer 0, step 0: counter and key all zero */
    bs_rng_init(&r, 0, 0, 0, 0);
    for (int w = 3; w >= 0; w--) cr_expect_eq(bs_rng_u32(&r), kats[0].out[w], "word %d", w);

    /* the third vector: seed = its key, consumer = its first two counter words,
     * step = the third, and the last is purpose 3, block 0x707344 */
    bs_rng_init(&r, 0x299f31d0a4093822ULL, 3, 0x85a308d3243f6a88ULL, 0x13198a2e);
    cr_assert_eq(r.ctr.v[3], 0x03000000u, "purpose 3 goes in the top byte");
    r.ctr.v[3] |= 0x707344; /* skip to that block */
    for (int w = 3; w >= 0; w--) cr_expect_eq(bs_rng_u32(&r), kats[2].out[w], "word %d", w);
    cr_expect_eq(r.ctr.v[3], 0x03707345u, "the block counter moves on by one");
}

/* (seed, purpose, consumer, step) and the stream's first eight words. */
typedef struct {
    uint64_t seed;
    uint32_t purpose;
    uint64_t consumer;
    uint32_t step;
    uint32_t words[8];
} stream_case;

static const stream_case streams[] = {
    {0, BS_RNG_TRAITS, 0, 0,
     {0xde653caf, 0x621adeee, 0x29946dd3, 0x910223a1, 0x8c41a6c5, 0x0f06be74, 0xa9cd3cf6,
      0xb5746f30}},
    {5, BS_RNG_STEP, 123456, 17,
     {0xac59e75b, 0x6687f50d, 0xbd7a03b1, 0x5abf4608, 0xe70cde9a, 0x1d3e5427, 0x45aff048,
      0x6ccfdd68}},
    {0xfedcba9876543210ULL, BS_RNG_STEP, 999999999, 519,
     {0x809d200b, 0xbb881084, 0x8eca2ced, 0x7a505b80, 0x6bbaa05d, 0xe7fe5e73, 0x8e78b27b,
      0x7ae1e7e9}},
    {20261206, BS_RNG_TRAITS, 0x100000002ULL, 0, /* a consumer id past 2^32 */
     {0xa89045b2, 0x778da993, 0x39a3a0bd, 0x55b0542e, 0x1225427d, 0x050143fb, 0xe7ba0df0,
      0xc9372615}},
};
enum { N_STREAMS = sizeof streams / sizeof streams[0] };

Test(rng, streams_keep_their_known_values_and_layout)
{
    cr_assert_eq(BS_RNG_TRAITS, 1);
    cr_assert_eq(BS_RNG_STEP, 2);
    for (int q = 0; q < N_STREAMS; q++) {
        const stream_case *c = &streams[q];
        bs_rng r;
        bs_rng_init(&r, c->seed, c->purpose, c->consumer, c->step);
        for (int d = 0; d < 8; d++) {
            const uint32_t got = bs_rng_u32(&r);
            cr_expect_eq(got, c->words[d], "stream %d draw %d: %08x, expected %08x", q, d, got,
                         c->words[d]);
            /* the same word from Philox directly: key = seed, counter = (consumer low,
             * consumer high, step, purpose << 24 | block), block d / 4, word 3 - d % 4 */
            const uint32_t ctr[4] = {(uint32_t)c->consumer, (uint32_t)(c->consumer >> 32),
                                     c->step, c->purpose << 24 | (uint32_t)(d / 4)};
            const uint32_t key[2] = {(uint32_t)c->seed, (uint32_t)(c->seed >> 32)};
            cr_expect_eq(philox_direct(ctr, key).v[3 - d % 4], c->words[d],
                         "stream %d draw %d: the layout moved", q, d);
        }
    }
}

Test(rng, a_word_becomes_a_uniform_in_the_open_interval)
{
    /* (u + 0.5) 2^-32: never 0, never 1, exact in double */
    bs_rng r;
    bs_rng_init(&r, 1, BS_RNG_STEP, 0, 0);
    r.left = 4; /* a block of chosen words, handed out v[3] first */
    r.out.v[3] = 0;
    r.out.v[2] = 1;
    r.out.v[1] = 0x80000000u;
    r.out.v[0] = 0xffffffffu;
    cr_expect_eq(bs_rng_uniform(&r), 0x1p-33);
    cr_expect_eq(bs_rng_uniform(&r), 1.5 * 0x1p-32);
    cr_expect_eq(bs_rng_uniform(&r), 0.5 + 0x1p-33);
    const double top = bs_rng_uniform(&r);
    cr_expect_eq(top, 1 - 0x1p-33);
    cr_expect(top < 1.0);

    /* on a known stream: the uniforms of its words, one word each */
    bs_rng_init(&r, streams[1].seed, streams[1].purpose, streams[1].consumer, streams[1].step);
    for (int d = 0; d < 8; d++) {
        const double want = ((double)streams[1].words[d] + 0.5) * 0x1p-32;
        cr_expect_eq(bs_rng_uniform(&r), want, "draw %d", d);
    }
    cr_expect_eq(r.ctr.v[3] & 0xffffff, 2u, "eight uniforms, two blocks");

    /* below(n) and bernoulli(p) from the same words */
    r.left = 4;
    r.out.v[3] = 0;
    r.out.v[2] = 0xffffffffu;
    r.out.v[1] = 0x80000000u;
    r.out.v[0] = 0x80000000u;
    cr_expect_eq(bs_rng_below(&r, 10), 0u);
    cr_expect_eq(bs_rng_below(&r, 10), 9u);
    cr_expect_eq(bs_rng_below(&r, 10), 5u);
    cr_expect(!bs_rng_bernoulli(&r, 0.5), "u = 0.5 + 2^-33 is not below 0.5");
}

Test(rng, the_gsl_wrapper_draws_the_same_stream)
{
    const stream_case *c = &streams[1];
    bs_rng r;
    bs_rng_init(&r, c->seed, c->purpose, c->consumer, c->step);
    gsl_rng g = bs_rng_gsl(&r);
    cr_expect_str_eq(gsl_rng_name(&g), "philox4x32");
    cr_expect_eq(gsl_rng_min(&g), 0ul);
    cr_expect_eq(gsl_rng_max(&g), 0xfffffffful);
    for (int d = 0; d < 4; d++) cr_expect_eq(gsl_rng_get(&g), (unsigned long)c->words[d]);
    for (int d = 4; d < 8; d++) /* the uniforms carry on the same stream */
        cr_expect_eq(gsl_rng_uniform(&g), ((double)c->words[d] + 0.5) * 0x1p-32, "draw %d", d);

    /* gsl_rng_set(g, seed) starts stream (seed, purpose 0, consumer 0, step 0) */
    gsl_rng_set(&g, 0);
    for (int w = 3; w >= 0; w--) cr_expect_eq(gsl_rng_get(&g), (unsigned long)kats[0].out[w]);
    gsl_rng_set(&g, 0);
    cr_expect_eq(gsl_rng_uniform_pos(&g), ((double)kats[0].out[3] + 0.5) * 0x1p-32);
}
