/* SPDX-License-Identifier: MIT */
/*
 * network.h: the social graph, implicit. Consumer i listens to `degree`
 * sources. Small world (Watts-Strogatz style, directed): the sources are the
 * ring neighbours i±1..i±degree/2, each rewired with probability `rewire` to
 * a uniformly random consumer. Scale free: each source is drawn from a
 * power law over consumer ids (Chung-Lu style: popular ids are heard by
 * many), so in-degrees follow a power law with the scenario's exponent.
 *
 * Links are a hash of (seed, consumer, link), so the graph costs no memory,
 * is the same for any thread count, and is computed in O(degree) per consumer:
 * one splitmix64 per link (a structural identity, not a random stream).
 * Listeners test a bit per source (step.c) and read its outbox only if it
 * complained. In a small world a 16-bit mask per consumer, computed once,
 * says which links are rewired, so a step hashes only those (about one in
 * ten) and hearing costs a bit test per link.
 */
#ifndef BS_NETWORK_H
#define BS_NETWORK_H

#include <math.h>
#include <stdint.h>

#include "brandsim/error.h"
#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "brandsim/scenario.h"
#include "brandsim/version.h"

static inline uint64_t bs_hash64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* The key of a run's graph, from its seed: computed once per step, not per link. */
static inline uint64_t bs_network_key(uint64_t seed)
{
    return bs_hash64(seed ^ 0x6e6574776f726b73ULL); /* "networks" */
}

/* The ring source of link `link` of consumer i (small world, not rewired):
 * links 0, 1, 2, 3, ... go to i+1, i-1, i+2, i-2, ... (distinct for any
 * degree < n). */
static inline int64_t bs_network_ring(int64_t n, int64_t i, int link)
{
    const int64_t d = link / 2 + 1;
    int64_t j = (link % 2 == 0) ? i + d : i - d;
    if (d < n) /* wrap around the ring; a division only in markets smaller than the degree */
        j += j < 0 ? n : j >= n ? -n : 0;
    else
        j = ((j % n) + n) % n;
    return j;
}

/* The hash of link `link` of consumer i: its high 53 (scale free) or 32
 * (small world) bits give the uniform source, its low 32 bits the rewiring
 * draw. n <= 1e9 < 2^32 (the scenario's bound). */
static inline uint64_t bs_network_hash(uint64_t key, int64_t i, int link)
{
    return bs_hash64(key ^ ((uint64_t)i << 10 | (uint64_t)link));
}

/* Small world: is the link with this hash rewired? */
static inline int bs_network_is_rewired(const bs_network *net, uint64_t h)
{
    return ((double)(uint32_t)h + 0.5) * 0x1p-32 < net->rewire;
}

/* Small world: the uniform source a rewired link with this hash goes to. */
static inline int64_t bs_network_rewired_source(uint64_t h, int64_t n, int64_t i)
{
    int64_t x = (int64_t)(((h >> 32) * (uint64_t)n) >> 32);
    return x != i ? x : i + 1 < n ? i + 1 : 0;
}

/* The `link`-th source consumer i listens to (0 <= link < degree), in a graph
 * of n consumers. One hash per link. */
static inline int64_t bs_network_source(const bs_network *net, uint64_t key, int64_t n,
                                        int64_t i, int link)
{
    const uint64_t h = bs_network_hash(key, i, link);
    if (net->kind == BS_NET_SCALE_FREE) {
        /* Chung-Lu weights w_k ~ k^(-1/(gamma-1)) give in-degrees with
         * exponent gamma; their CDF over ids is (k/n)^((gamma-2)/(gamma-1)). */
        double u = ((double)(h >> 11) + 0.5) * 0x1p-53;
        double x = pow(u, (net->exponent - 1.0) / (net->exponent - 2.0));
        int64_t j = (int64_t)(x * (double)n);
        j = j >= n ? n - 1 : j;
        return j == i ? (j + 1) % n : j;
    }
    /* rewired: a uniform source instead. Both are computed and one is selected,
     * without a branch: a 10 % rewiring would mispredict one link in ten. */
    const int64_t j = bs_network_ring(n, i, link), x = bs_network_rewired_source(h, n, i);
    return bs_network_is_rewired(net, h) ? x : j;
}

/* Small world: which of consumer i's first 16 links are rewired, one bit per
 * link (bit l for link l). Computed once per run (run.c) and kept, 2 bytes a
 * consumer, so that a step hashes only the rewired links: a ring link's
 * source needs no hash. */
enum { BS_NET_MASKED_LINKS = 16 };
static inline uint16_t bs_network_rewired_mask(const bs_network *net, uint64_t key, int64_t i)
{
    unsigned mask = 0;
    const int L = net->degree < BS_NET_MASKED_LINKS ? net->degree : BS_NET_MASKED_LINKS;
    for (int l = 0; l < L; l++)
        mask |= (unsigned)bs_network_is_rewired(net, bs_network_hash(key, i, l)) << l;
    return (uint16_t)mask;
}

#endif
