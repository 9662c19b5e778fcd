/* SPDX-License-Identifier: MIT */
/* (b) one file per rank, merged: each rank writes its runs (round-robin,
 * run i owned by rank i % size) with serial HDF5 into OUT.rank<k>.h5; then
 * rank 0 H5Ocopy's every run group, in run order, into OUT and deletes the
 * per-rank files.  usage: b_perrank OUT.h5 [sleep_ms_per_run] */
#include "common.h"
#include <unistd.h>

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc < 2) { if (!rank) fprintf(stderr, "usage: %s OUT.h5 [sleep_ms]\n", argv[0]); MPI_Abort(MPI_COMM_WORLD, 2); }
    const char *out = argv[1];
    double sleep_ms = argc > 2 ? atof(argv[2]) : 0.0;
    double *buf = malloc(sizeof(double) * RUN_DOUBLES);
    char part[4096];
    double t_h5 = 0, t_gen = 0, t;

    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    /* ---- write phase ---- */
    snprintf(part, sizeof part, "%s.rank%d.h5", out, rank);
    t = MPI_Wtime();
    hid_t fid = H5Fcreate(part, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT); CHECK(fid);
    create_parent_groups(fid);
    t_h5 += MPI_Wtime() - t;
    for (int i = rank; i < NRUN; i += size) {
        t = MPI_Wtime(); generate_run(i, buf, sleep_ms); t_gen += MPI_Wtime() - t;
        t = MPI_Wtime(); write_run_serial(fid, i, buf); t_h5 += MPI_Wtime() - t;
    }
    t = MPI_Wtime();
    CHECK(H5Fclose(fid));
    t_h5 += MPI_Wtime() - t;
    MPI_Barrier(MPI_COMM_WORLD);
    double t1 = MPI_Wtime();
    /* ---- merge phase (rank 0) ---- */
    if (rank == 0) {
        hid_t *src = malloc(sizeof(hid_t) * size);
        for (int k = 0; k < size; k++) {
            snprintf(part, sizeof part, "%s.rank%d.h5", out, k);
            src[k] = H5Fopen(part, H5F_ACC_RDONLY, H5P_DEFAULT); CHECK(src[k]);
        }
        hid_t dst = H5Fcreate(out, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT); CHECK(dst);
        create_parent_groups(dst);
        char p[64];
        for (int i = 0; i < NRUN; i++) {
            run_group_path(i, p, sizeof p);
            CHECK(H5Ocopy(src[i % size], p, dst, p, H5P_DEFAULT, H5P_DEFAULT));
        }
        CHECK(H5Fclose(dst));
        for (int k = 0; k < size; k++) {
            CHECK(H5Fclose(src[k]));
            snprintf(part, sizeof part, "%s.rank%d.h5", out, k);
            if (unlink(part) != 0) { perror(part); MPI_Abort(MPI_COMM_WORLD, 3); }
        }
        free(src);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    double t2 = MPI_Wtime();
    double h5max = allmax(t_h5), gen_max = allmax(t_gen), rss = allmax(maxrss_mb());
    if (rank == 0)
        printf("RESULT strat=b np=%d total=%.4f write_phase=%.4f merge_phase=%.4f r0_h5write=%.4f max_h5write=%.4f max_gen=%.4f maxrss_mb=%.1f\n",
               size, t2 - t0, t1 - t0, t2 - t1, t_h5, h5max, gen_max, rss);
    free(buf);
    MPI_Finalize();
    return 0;
}
