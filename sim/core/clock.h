/* SPDX-License-Identifier: MIT */
/*
 * clock.h: seconds on the monotonic clock, for the timings the drivers and
 * the command report (never for the model: a run does not read the clock).
 */
#ifndef BRANDSIM_CORE_CLOCK_H
#define BRANDSIM_CORE_CLOCK_H

#include <time.h>

static inline double bs_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
