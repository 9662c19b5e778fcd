/* SPDX-License-Identifier: MIT */
/* Shared definitions for the three HDF5 output strategies.
 * One "run" = 350 datasets of float64 (104 steps x 7 brands),
 * stored under /variants/v<v>/replicates/r<rr>/s<ddd>.
 * Experiment = 2 variants x 30 replicates = 60 runs, run id = v*30 + rep. */
#ifndef H5BENCH_COMMON_H
#define H5BENCH_COMMON_H
#define _POSIX_C_SOURCE 200809L
#include <mpi.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#define NVAR   2
#define NREP   30
#define NRUN   (NVAR * NREP)
#define NDS    350
#define NSTEP  104
#define NBRAND 7
#define DS_DOUBLES  (NSTEP * NBRAND)          /* 728 */
#define RUN_DOUBLES (NDS * DS_DOUBLES)        /* 254800 = 2,038,400 bytes */

#define CHECK(x) do { if ((x) < 0) { fprintf(stderr, "HDF5 call failed: %s at %s:%d\n", #x, __FILE__, __LINE__); MPI_Abort(MPI_COMM_WORLD, 1); } } while (0)

static inline uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* Deterministic value of (run, dataset, step, brand): uniform in [-50, 50). */
static inline double value_of(int run, int ds, int step, int brand) {
    uint64_t key = (((uint64_t)run * NDS + (uint64_t)ds) * NSTEP + (uint64_t)step) * NBRAND + (uint64_t)brand;
    return (double)(splitmix64(key) >> 11) * (1.0 / 9007199254740992.0) * 100.0 - 50.0;
}

/* "Simulate" one run: fill buf[ds][step][brand]; optional fixed sleep (ms). */
static inline void generate_run(int run, double *buf, double sleep_ms) {
    for (int d = 0; d < NDS; d++)
        for (int s = 0; s < NSTEP; s++)
            for (int b = 0; b < NBRAND; b++)
                buf[((size_t)d * NSTEP + s) * NBRAND + b] = value_of(run, d, s, b);
    if (sleep_ms > 0) {
        struct timespec ts = { (time_t)(sleep_ms / 1000.0), (long)((sleep_ms - 1000.0 * (long)(sleep_ms / 1000.0)) * 1e6) };
        nanosleep(&ts, NULL);
    }
}

static inline void run_group_path(int run, char *out, size_t n) {
    snprintf(out, n, "/variants/v%d/replicates/r%02d", run / NREP, run % NREP);
}

/* Create /variants, /variants/v<v>, /variants/v<v>/replicates. */
static inline void create_parent_groups(hid_t fid) {
    char p[64];
    hid_t g = H5Gcreate2(fid, "/variants", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT); CHECK(g); CHECK(H5Gclose(g));
    for (int v = 0; v < NVAR; v++) {
        snprintf(p, sizeof p, "/variants/v%d", v);
        g = H5Gcreate2(fid, p, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT); CHECK(g); CHECK(H5Gclose(g));
        snprintf(p, sizeof p, "/variants/v%d/replicates", v);
        g = H5Gcreate2(fid, p, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT); CHECK(g); CHECK(H5Gclose(g));
    }
}

/* Serial HDF5: write one run (group + 350 chunked (104,7) datasets). */
static inline void write_run_serial(hid_t fid, int run, const double *buf) {
    char p[64], name[16];
    hsize_t dims[2] = { NSTEP, NBRAND };
    hid_t space = H5Screate_simple(2, dims, NULL); CHECK(space);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE); CHECK(dcpl);
    CHECK(H5Pset_chunk(dcpl, 2, dims));
    run_group_path(run, p, sizeof p);
    hid_t g = H5Gcreate2(fid, p, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT); CHECK(g);
    for (int d = 0; d < NDS; d++) {
        snprintf(name, sizeof name, "s%03d", d);
        hid_t ds = H5Dcreate2(g, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT); CHECK(ds);
        CHECK(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf + (size_t)d * DS_DOUBLES));
        CHECK(H5Dclose(ds));
    }
    CHECK(H5Gclose(g));
    CHECK(H5Pclose(dcpl));
    CHECK(H5Sclose(space));
}

static inline double maxrss_mb(void) {
    struct rusage ru; getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;
}

/* max over ranks */
static inline double allmax(double x) {
    double y; MPI_Allreduce(&x, &y, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD); return y;
}
#endif
