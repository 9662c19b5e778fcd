/* SPDX-License-Identifier: MIT */
/*
 * provenance.h: what an output file records of how it was made (its
 * /provenance group: docs/OUTPUT.md): the things that differ between two
 * identical runs. Filled by the caller of the experiment driver and written
 * by the output writer.
 */
#ifndef BRANDSIM_PROVENANCE_H
#define BRANDSIM_PROVENANCE_H

typedef struct {
    const char *version;      /* BS_VERSION */
    int threads;
    double wall_seconds;
    const char *host;
    const char *started_utc;  /* ISO 8601 */
    const char *command_line;
    double bytes_per_consumer;
    int ranks;                /* MPI ranks that ran it (0 is written as 1) */
} bs_provenance;

#endif
