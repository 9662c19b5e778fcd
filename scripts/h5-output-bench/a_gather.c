/* SPDX-License-Identifier: MIT */
/* (a) gather to one writer: ranks >0 generate their runs (round-robin, run i
 * owned by rank i % size) and MPI_Send each run as one 2 MB buffer to rank 0;
 * rank 0 writes all 60 runs, in run order, with serial HDF5 into one file.
 * usage: a_gather OUT.h5 [sleep_ms_per_run] */
#include "common.h"

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc < 2) { if (!rank) fprintf(stderr, "usage: %s OUT.h5 [sleep_ms]\n", argv[0]); MPI_Abort(MPI_COMM_WORLD, 2); }
    const char *out = argv[1];
    double sleep_ms = argc > 2 ? atof(argv[2]) : 0.0;
    double *buf = malloc(sizeof(double) * RUN_DOUBLES);
    double t_h5 = 0, t_recv = 0, t_gen = 0, t_send = 0, t;

    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    if (rank == 0) {
        t = MPI_Wtime();
        hid_t fid = H5Fcreate(out, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT); CHECK(fid);
        create_parent_groups(fid);
        t_h5 += MPI_Wtime() - t;
        for (int i = 0; i < NRUN; i++) {
            int owner = i % size;
            t = MPI_Wtime();
            if (owner == 0) { generate_run(i, buf, sleep_ms); t_gen += MPI_Wtime() - t; }
            else { MPI_Recv(buf, RUN_DOUBLES, MPI_DOUBLE, owner, i, MPI_COMM_WORLD, MPI_STATUS_IGNORE); t_recv += MPI_Wtime() - t; }
            t = MPI_Wtime();
            write_run_serial(fid, i, buf);
            t_h5 += MPI_Wtime() - t;
        }
        t = MPI_Wtime();
        CHECK(H5Fclose(fid));
        t_h5 += MPI_Wtime() - t;
    } else {
        for (int i = rank; i < NRUN; i += size) {
            t = MPI_Wtime(); generate_run(i, buf, sleep_ms); t_gen += MPI_Wtime() - t;
            t = MPI_Wtime(); MPI_Send(buf, RUN_DOUBLES, MPI_DOUBLE, 0, i, MPI_COMM_WORLD); t_send += MPI_Wtime() - t;
        }
    }
    MPI_Barrier(MPI_COMM_WORLD);
    double total = MPI_Wtime() - t0;
    double send_max = allmax(t_send), gen_max = allmax(t_gen), rss = allmax(maxrss_mb());
    if (rank == 0)
        printf("RESULT strat=a np=%d total=%.4f r0_h5write=%.4f r0_recvwait=%.4f r0_gen=%.4f max_gen=%.4f max_sendblock=%.4f maxrss_mb=%.1f\n",
               size, total, t_h5, t_recv, t_gen, gen_max, send_max, rss);
    free(buf);
    MPI_Finalize();
    return 0;
}
