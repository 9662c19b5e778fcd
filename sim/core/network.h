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
 * complained, so hearing costs a hash and a bit test per link.
 */
#ifndef BS_NETWORK_H
#define BS_NETWORK_H

#include <math.h>
#include <stdint.h>

#include "brandsim/brandsim.h"

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

/* The `link`-th source consumer i listens to (0 <= link < degree), in a graph
 * of n consumers (n <= 1e9 < 2^32, the scenario's bound). One hash per link, h:
 * its high 53 bits give the uniform u, its low 32 bits the rewiring draw r. */
static inline int64_t bs_network_source(const bs_network *net, uint64_t key, int64_t n,
                                        int64_t i, int link)
{
    const uint64_t h = bs_hash64(key ^ ((uint64_t)i << 10 | (uint64_t)link));
    if (net->kind == BS_NET_SCALE_FREE) {
        /* Chung-Lu weights w_k ~ k^(-1/(gamma-1)) give in-degrees with
         * exponent gamma; their CDF over ids is (k/n)^((gamma-2)/(gamma-1)). */
        double u = ((double)(h >> 11) + 0.5) * 0x1p-53;
        double x = pow(u, (net->exponent - 1.0) / (net->exponent - 2.0));
        int64_t j = (int64_t)(x * (double)n);
        j = j >= n ? n - 1 : j;
        return j == i ? (j + 1) % n : j;
    }
    /* links 0, 1, 2, 3, ... go to i+1, i-1, i+2, i-2, ... (distinct for any degree < n) */
    const int64_t d = link / 2 + 1;
    int64_t j = (link % 2 == 0) ? i + d : i - d;
    if (d < n) /* wrap around the ring; a division only in markets smaller than the degree */
        j += j < 0 ? n : j >= n ? -n : 0;
    else
        j = ((j % n) + n) % n;
    /* rewired: a uniform source instead. Both are computed and one is selected,
     * without a branch: a 10 % rewiring would mispredict one link in ten. */
    int64_t x = (int64_t)(((h >> 32) * (uint64_t)n) >> 32);
    x = x != i ? x : i + 1 < n ? i + 1 : 0;
    return ((double)(uint32_t)h + 0.5) * 0x1p-32 < net->rewire ? x : j;
}

#endif
