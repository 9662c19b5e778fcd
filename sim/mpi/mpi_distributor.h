/* SPDX-License-Identifier: MIT */
/*
 * mpi_distributor.h: the distributor of distribute.h over MPI, for the
 * brandsim command (`mpirun -np N build/brandsim run|sweep|replicate ...`;
 * docs/CLUSTER.md). Built only when CMake finds MPI (BRANDSIM_MPI); the
 * library itself knows no MPI.
 *
 * Rank 0 hands tasks out one at a time to whichever rank is free (dynamic
 * load balancing: runs differ in length), computes tasks of its own in
 * between, answering the others after each of its steps, and takes every
 * result in. The others wait for a task, compute it on their OpenMP threads,
 * send the result back and wait again, until rank 0 says the call is over.
 * Waiting ranks sleep between polls instead of spinning, so an idle rank
 * costs no core. MPI calls come from the main thread only (FUNNELED).
 */
#ifndef BRANDSIM_MPI_DISTRIBUTOR_H
#define BRANDSIM_MPI_DISTRIBUTOR_H

#include "brandsim/distribute.h"
#include "brandsim/error.h"

/* 1 when this process was started by an MPI launcher (mpirun, mpiexec, srun): its
   environment says so. Without one, brandsim does not start MPI at all. */
int bs_mpi_launched(void);

/* Start MPI and fill d (its rank and size, its map and bcast). BS_ERR_RUNTIME when MPI cannot
   start or gives less than FUNNELED thread support. */
bs_status bs_mpi_start(int *argc, char ***argv, bs_distributor *d, bs_error *err);

/* The end of the program: MPI_Finalize; after a failure on rank 0 (rc 1 or 2), MPI_Abort with
   exit code rc instead, so that no rank waits for another that will never answer (a verdict
   such as replicate's 3 is every rank's, and ends normally). Returns rc. */
int bs_mpi_end(bs_distributor *d, int rc);

#endif
