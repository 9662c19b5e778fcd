/*
 * network.h: the social graph, implicit. Consumer i listens to `degree`
 * sources. Small world (Watts-Strogatz style, directed): the sources are the
 * ring neighbours i±1..i±degree/2, each rewired with probability `rewire` to
 * a uniformly random consumer. Scale free: each source is drawn from a
 * power law over consumer ids (Chung-Lu style: popular ids are heard by
 * many), so in-degrees follow a power law with the scenario's exponent.
 *
 * Links are a hash of (seed, consumer, link), so the graph costs no memory,
 * is the same for any thread count, and is computed in O(degree) per consumer.
 * The hash is splitmix64: a structural identity, not a random stream.
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

/* The `link`-th source consumer i listens to (0 <= link < degree). */
static inline int64_t bs_network_source(const bs_network *net, uint64_t seed, int64_t n,
                                        int64_t i, int link)
{
    uint64_t h = bs_hash64(seed ^ bs_hash64((uint64_t)i * 1024u + (uint64_t)link));
    double u = ((double)(h >> 11) + 0.5) * 0x1p-53;
    if (net->kind == BS_NET_SCALE_FREE) {
        /* Chung-Lu weights w_k ~ k^(-1/(gamma-1)) give in-degrees with
         * exponent gamma; their CDF over ids is (k/n)^((gamma-2)/(gamma-1)). */
        double x = pow(u, (net->exponent - 1.0) / (net->exponent - 2.0));
        int64_t j = (int64_t)(x * (double)n);
        j = j >= n ? n - 1 : j;
        return j == i ? (j + 1) % n : j;
    }
    /* links 0, 1, 2, 3, ... go to i+1, i-1, i+2, i-2, ... (distinct for any degree) */
    int64_t d = link / 2 + 1;
    int64_t j = (link % 2 == 0) ? i + d : i - d;
    if (d < n) /* wrap around the ring; a division only in markets smaller than the degree */
        j += j < 0 ? n : j >= n ? -n : 0;
    else
        j = ((j % n) + n) % n;
    double r = ((double)(bs_hash64(h) >> 11) + 0.5) * 0x1p-53;
    if (r < net->rewire) {
        j = (int64_t)(u * (double)n);
        j = j >= n ? n - 1 : j;
        if (j == i) j = (i + 1) % n;
    }
    return j;
}

#endif
