/* SPDX-License-Identifier: MIT */
/*
 * bench_kernels.h: the two reference kernels `brandsim bench` measures beside
 * the workloads, so that figures from different machines (or from one noisy
 * machine at different moments) can be compared: the memory bandwidth
 * (STREAM triad) and the compute floor of a relationship update (one Philox
 * block and one exp, issue #5's "bare kernel").
 */
#ifndef BS_BENCH_KERNELS_H
#define BS_BENCH_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* Seconds on the monotonic clock. */
double bench_now_seconds(void);

/* STREAM triad a = b + s c over n doubles with `threads` threads: best of
 * five, in GB/s counting 24 bytes per element (STREAM's convention); 0 if the
 * arrays cannot be allocated. */
double bench_stream_triad_gbs(size_t n, int threads);

/* The floor of a relationship update, the "bare kernel" of issue #5: for
 * each of `consumers` x `slots` relationships one Philox4x32-10 evaluation
 * (the block of one counter, as the step's streams draw them) and one exp,
 * and nothing else, with `threads` threads: best of three passes, in
 * relationship updates per second. The step does a dozen mechanisms per
 * relationship and can only be slower; issue #5's target is half of this. */
double bench_floor_updates_per_s(int64_t consumers, int slots, int threads);

#endif
