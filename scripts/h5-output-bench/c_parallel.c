/* SPDX-License-Identifier: MIT */
/* (c) parallel HDF5 (MPI-IO driver): every rank collectively creates all
 * groups and all 60*350 datasets up front (handles kept open), then each rank
 * writes its own runs (round-robin, run i owned by rank i % size) with
 * independent I/O, then all handles are closed collectively.
 * usage: c_parallel OUT.h5 chunked|contig collmeta(0|1) [sleep_ms_per_run]
 *   collmeta=1: H5Pset_coll_metadata_write(fapl,1) + H5Pset_all_coll_metadata_ops(fapl,1) */
#include "common.h"

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc < 4) { if (!rank) fprintf(stderr, "usage: %s OUT.h5 chunked|contig 0|1 [sleep_ms]\n", argv[0]); MPI_Abort(MPI_COMM_WORLD, 2); }
    const char *out = argv[1];
    int chunked = strcmp(argv[2], "chunked") == 0;
    int collmeta = atoi(argv[3]);
    double sleep_ms = argc > 4 ? atof(argv[4]) : 0.0;
    double *buf = malloc(sizeof(double) * RUN_DOUBLES);
    hid_t *dsid = malloc(sizeof(hid_t) * NRUN * NDS);
    hid_t *gid = malloc(sizeof(hid_t) * NRUN);
    double t_gen = 0, t_write = 0, t;

    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS); CHECK(fapl);
    CHECK(H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL));
    if (collmeta) {
        CHECK(H5Pset_coll_metadata_write(fapl, 1));
        CHECK(H5Pset_all_coll_metadata_ops(fapl, 1));
    }
    hid_t dxpl = H5Pcreate(H5P_DATASET_XFER); CHECK(dxpl);
    CHECK(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_INDEPENDENT));
    hsize_t dims[2] = { NSTEP, NBRAND };
    hid_t space = H5Screate_simple(2, dims, NULL); CHECK(space);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE); CHECK(dcpl);
    if (chunked) CHECK(H5Pset_chunk(dcpl, 2, dims));
    /* optional experiment: H5BENCH_FILL_NEVER=1 -> H5Pset_fill_time(NEVER) */
    const char *fn = getenv("H5BENCH_FILL_NEVER");
    int fill_never = fn && atoi(fn) == 1;
    if (fill_never) CHECK(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER));

    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    /* ---- collective creation of everything ---- */
    hid_t fid = H5Fcreate(out, H5F_ACC_TRUNC, H5P_DEFAULT, fapl); CHECK(fid);
    create_parent_groups(fid);
    char p[64], name[16];
    for (int i = 0; i < NRUN; i++) {
        run_group_path(i, p, sizeof p);
        gid[i] = H5Gcreate2(fid, p, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT); CHECK(gid[i]);
        for (int d = 0; d < NDS; d++) {
            snprintf(name, sizeof name, "s%03d", d);
            dsid[i * NDS + d] = H5Dcreate2(gid[i], name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
            CHECK(dsid[i * NDS + d]);
        }
    }
    double t1 = MPI_Wtime();
    /* ---- independent raw-data writes of own runs ---- */
    for (int i = rank; i < NRUN; i += size) {
        t = MPI_Wtime(); generate_run(i, buf, sleep_ms); t_gen += MPI_Wtime() - t;
        t = MPI_Wtime();
        for (int d = 0; d < NDS; d++)
            CHECK(H5Dwrite(dsid[i * NDS + d], H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, dxpl, buf + (size_t)d * DS_DOUBLES));
        t_write += MPI_Wtime() - t;
    }
    double t2 = MPI_Wtime();
    /* ---- collective close ---- */
    for (int i = 0; i < NRUN; i++) {
        for (int d = 0; d < NDS; d++) CHECK(H5Dclose(dsid[i * NDS + d]));
        CHECK(H5Gclose(gid[i]));
    }
    CHECK(H5Fclose(fid));
    MPI_Barrier(MPI_COMM_WORLD);
    double t3 = MPI_Wtime();
    double create_max = allmax(t1 - t0), writeph_max = allmax(t2 - t1), close_max = allmax(t3 - t2);
    double w_max = allmax(t_write), gen_max = allmax(t_gen), rss = allmax(maxrss_mb());
    if (rank == 0)
        printf("RESULT strat=c_%s_cm%d%s np=%d total=%.4f create=%.4f writephase=%.4f close=%.4f r0_create=%.4f r0_h5dwrite=%.4f max_h5dwrite=%.4f max_gen=%.4f maxrss_mb=%.1f\n",
               chunked ? "chunked" : "contig", collmeta, fill_never ? "_fillnever" : "", size, t3 - t0, create_max, writeph_max, close_max, t1 - t0, t_write, w_max, gen_max, rss);
    H5Pclose(dcpl); H5Sclose(space); H5Pclose(dxpl); H5Pclose(fapl);
    free(buf); free(dsid); free(gid);
    MPI_Finalize();
    return 0;
}
