/* SPDX-License-Identifier: MIT */
/*
 * test_network.c: the implicit social graph of sim/core/network.h. Small
 * world: ring neighbours i+1, i-1, i+2, ... with the declared share rewired
 * to uniform sources; scale free: in-degrees fall with rank as the Chung-Lu
 * weights of the declared exponent say. Both: sources in range, never the
 * listener, the same for the same seed, different for another.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "core/network.h"

static bs_network net(int kind, int degree, double rewire, double exponent)
{
    bs_network g = {kind, degree, rewire, exponent};
    return g;
}

/* The ring neighbour link l of i would have without rewiring. */
static int64_t ring(int64_t n, int64_t i, int l)
{
    int64_t d = l / 2 + 1, j = l % 2 == 0 ? i + d : i - d;
    return ((j % n) + n) % n;
}

Test(network, small_world_rewires_the_declared_share_of_ring_links)
{
    const int64_t n = 100000;
    const int degree = 10;
    const double rewire[] = {0.0, 0.1, 0.5};
    for (int q = 0; q < 3; q++) {
        bs_network g = net(BS_NET_SMALL_WORLD, degree, rewire[q], 2.5);
        const uint64_t key = bs_network_key(7);
        int64_t moved = 0, links = 0;
        for (int64_t i = 0; i < n; i += 3)
            for (int l = 0; l < degree; l++, links++) {
                int64_t j = bs_network_source(&g, key, n, i, l);
                cr_assert(j >= 0 && j < n && j != i, "i %ld link %d -> %ld", (long)i, l, (long)j);
                moved += j != ring(n, i, l);
            }
        /* a rewired link lands on its ring neighbour with probability ~1/n: ignore */
        double share = (double)moved / (double)links;
        double sd = sqrt(rewire[q] * (1 - rewire[q]) / (double)links);
        cr_expect(fabs(share - rewire[q]) <= 5 * sd + 1e-12, "rewire %g: share moved %g",
                  rewire[q], share);
    }
}

Test(network, small_world_rewired_mask_names_exactly_the_rewired_links)
{
    /* the step reads a ring link's source from the mask without hashing it:
     * the mask must agree with bs_network_source link by link */
    const int64_t n = 50000;
    const int degrees[] = {4, 10, 16, 24}; /* 24: links 16..23 are hashed in the step */
    for (int q = 0; q < 4; q++) {
        bs_network g = net(BS_NET_SMALL_WORLD, degrees[q], 0.3, 2.5);
        const uint64_t key = bs_network_key(11);
        int64_t set = 0, masked = 0;
        for (int64_t i = 0; i < n; i += 7) {
            const unsigned mask = bs_network_rewired_mask(&g, key, i);
            for (int l = 0; l < degrees[q]; l++) {
                if (l >= BS_NET_MASKED_LINKS) continue;
                masked++;
                const int bit = (mask >> l) & 1;
                set += bit;
                cr_assert_eq(bit, bs_network_is_rewired(&g, bs_network_hash(key, i, l)));
                if (!bit)
                    cr_assert_eq(bs_network_source(&g, key, n, i, l), bs_network_ring(n, i, l),
                                 "degree %d i %ld link %d", degrees[q], (long)i, l);
                else
                    cr_assert_eq(bs_network_source(&g, key, n, i, l),
                                 bs_network_rewired_source(bs_network_hash(key, i, l), n, i));
            }
            for (int l = degrees[q]; l < 16; l++) cr_assert_eq((mask >> l) & 1, 0u);
        }
        double share = (double)set / (double)masked;
        cr_expect(fabs(share - 0.3) < 5 * sqrt(0.3 * 0.7 / (double)masked), "share %g", share);
    }
}

Test(network, small_world_ring_wraps_around_and_survives_tiny_markets)
{
    bs_network g = net(BS_NET_SMALL_WORLD, 4, 0.0, 2.5);
    const uint64_t key = bs_network_key(1);
    cr_expect_eq(bs_network_source(&g, key, 1000, 0, 1), 999);   /* i - 1 */
    cr_expect_eq(bs_network_source(&g, key, 1000, 999, 0), 0);   /* i + 1 */
    cr_expect_eq(bs_network_source(&g, key, 1000, 998, 2), 0);   /* i + 2 */
    cr_expect_eq(bs_network_source(&g, key, 1000, 1, 3), 999);   /* i - 2 */
    g.degree = 10; /* more links than consumers: offsets wrap more than once */
    for (int64_t i = 0; i < 3; i++)
        for (int l = 0; l < 10; l++) {
            int64_t j = bs_network_source(&g, key, 3, i, l);
            cr_expect(j >= 0 && j < 3, "n 3, i %ld link %d -> %ld", (long)i, l, (long)j);
        }
}

/* Rewired sources are uniform over consumers: ten equal bins get equal shares. */
Test(network, rewired_sources_are_uniform)
{
    const int64_t n = 1000000;
    bs_network g = net(BS_NET_SMALL_WORLD, 10, 1.0, 2.5);
    const uint64_t key = bs_network_key(11);
    int64_t bins[10] = {0}, links = 0;
    for (int64_t i = 0; i < n; i += 7)
        for (int l = 0; l < 10; l++, links++) bins[bs_network_source(&g, key, n, i, l) * 10 / n]++;
    double chi2 = 0, e = (double)links / 10;
    for (int b = 0; b < 10; b++) chi2 += (bins[b] - e) * (bins[b] - e) / e;
    cr_expect_lt(chi2, 27.9, "chi-square %g over 10 bins (9 df, p = 0.001)", chi2);
}

/* Chung-Lu: the expected in-degree of the consumer of rank k falls as
 * k^(-1/(gamma-1)); compare ranks 100-199 with 1000-1999 for two exponents. */
Test(network, scale_free_in_degrees_follow_the_exponent)
{
    const int64_t n = 200000;
    const double gammas[] = {2.5, 3.0};
    int *in = calloc((size_t)n, sizeof *in);
    cr_assert(in);
    for (int q = 0; q < 2; q++) {
        bs_network g = net(BS_NET_SCALE_FREE, 10, 0.1, gammas[q]);
        const uint64_t key = bs_network_key(3);
        for (int64_t k = 0; k < n; k++) in[k] = 0;
        for (int64_t i = 0; i < n; i++)
            for (int l = 0; l < 10; l++) {
                int64_t j = bs_network_source(&g, key, n, i, l);
                cr_assert(j >= 0 && j < n && j != i);
                in[j]++;
            }
        double hi = 0, lo = 0;
        for (int k = 100; k < 200; k++) hi += in[k] / 100.0;
        for (int k = 1000; k < 2000; k++) lo += in[k] / 1000.0;
        /* mean of k^-c over each range, for the expected ratio */
        double c = 1.0 / (gammas[q] - 1.0), ehi = 0, elo = 0;
        for (int k = 100; k < 200; k++) ehi += pow(k + 0.5, -c) / 100.0;
        for (int k = 1000; k < 2000; k++) elo += pow(k + 0.5, -c) / 1000.0;
        cr_expect(fabs((lo / hi) / (elo / ehi) - 1) < 0.15,
                  "gamma %g: in-degree ratio %g, expected %g", gammas[q], lo / hi, elo / ehi);
    }
    free(in);
}

Test(network, the_seed_decides_the_graph)
{
    const int64_t n = 100000;
    bs_network g = net(BS_NET_SMALL_WORLD, 10, 0.5, 2.5);
    int same = 0, differ = 0;
    for (int64_t i = 0; i < 1000; i++)
        for (int l = 0; l < 10; l++) {
            int64_t a = bs_network_source(&g, bs_network_key(5), n, i, l);
            same += a == bs_network_source(&g, bs_network_key(5), n, i, l);
            differ += a != bs_network_source(&g, bs_network_key(6), n, i, l);
        }
    cr_expect_eq(same, 10000);
    cr_expect_gt(differ, 4000, "only %d of 10000 links differ between seeds 5 and 6", differ);
}
