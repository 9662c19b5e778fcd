/* SPDX-License-Identifier: MIT */
/*
 * bench_kernels.c: the reference kernels of `brandsim bench` (bench_kernels.h):
 * STREAM triad for memory bandwidth, one Philox4x32-10 block and one exp per
 * relationship for the compute floor.
 */
#include "cli/bench_kernels.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <time.h>

#include <Random123/philox.h>

double bench_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double bench_stream_triad_gbs(size_t n, int threads)
{
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
    double best = 0;
    if (a && b && c) {
#pragma omp parallel for schedule(static) num_threads(threads)
        for (size_t i = 0; i < n; i++) a[i] = 0, b[i] = 1, c[i] = 2;
        for (int rep = 0; rep < 5; rep++) {
            double t0 = bench_now_seconds();
#pragma omp parallel for schedule(static) num_threads(threads)
            for (size_t i = 0; i < n; i++) a[i] = b[i] + 3.0 * c[i];
            double gbs = 24.0 * (double)n / (bench_now_seconds() - t0) / 1e9;
            if (gbs > best) best = gbs;
        }
        if (a[n / 2] != 7.0) best = 0; /* the kernel must have run */
    }
    free(a);
    free(b);
    free(c);
    return best;
}

double bench_floor_updates_per_s(int64_t consumers, int slots, int threads)
{
    const philox4x32_key_t key = {{1, 0}};
    double best = 0;
    for (int pass = 0; pass < 3; pass++) {
        double sum = 0;
        const double t0 = bench_now_seconds();
#pragma omp parallel for schedule(static) num_threads(threads) reduction(+ : sum)
        for (int64_t i = 0; i < consumers; i++)
            for (int k = 0; k < slots; k++) {
                const philox4x32_ctr_t ctr = {{(uint32_t)i, (uint32_t)(i >> 32), (uint32_t)pass,
                                               (uint32_t)k}};
                sum += exp(-((double)philox4x32(ctr, key).v[0] + 0.5) * 0x1p-32);
            }
        const double dt = bench_now_seconds() - t0;
        const double n = (double)consumers * slots;
        /* the kernel must have run: every term lies in (1/e, 1) */
        if (!(sum > n * exp(-1.0) && sum < n)) return 0;
        if (dt > 0 && n / dt > best) best = n / dt;
    }
    return best;
}
