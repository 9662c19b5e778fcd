/* SPDX-License-Identifier: MIT */
/*
 * distribute.h: spreading independent tasks over processes (MPI ranks, in
 * brandsim's command; docs/CLUSTER.md). The library knows no transport: it
 * describes work as tasks, each a pure function of its index whose result is
 * a block of bytes, and a distributor (sim/mpi/ for MPI) decides where each
 * task computes and brings every result to the coordinator, rank 0, which
 * consumes them. The results do not depend on the number of ranks nor on who
 * computed what: consumers put results in task order before they use them.
 *
 * Every rank runs the same program on the same input (SPMD): each calls the
 * same library function (bs_experiment_run, bs_sweep_run, bs_finding_judge)
 * with the same arguments and the same distributor; rank 0 writes the files
 * and sees the callbacks, the others compute what rank 0 hands them. When a
 * later step of the program depends on results, the library broadcasts them
 * (bs_distributor.bcast), so every rank takes the same path.
 *
 * A distributor of one rank, or none (NULL), is the serial program.
 */
#ifndef BS_DISTRIBUTE_H
#define BS_DISTRIBUTE_H

#include <stddef.h>

#include "brandsim/error.h"
#include "brandsim/visibility.h"

BS_API_BEGIN

/* What a task's computation is given: the cancellation to poll before every step (it is set
 * when the caller's cancel is, and when another rank has failed), and poll(), to call after
 * every step: on rank 0 it answers the other ranks (hands out tasks, takes results in) while
 * rank 0 computes a task of its own. */
typedef struct bs_task_env {
    bs_cancel cancel;
    void (*poll)(struct bs_task_env *env);
    void *impl;
} bs_task_env;

/* Poll, when there is something to poll (env may be NULL). */
static inline void bs_task_poll(bs_task_env *env)
{
    if (env && env->poll)
        env->poll(env);
}

/* Compute task `task` into a block of bytes (malloc'd; *bytes and *len set), or fail with err.
 * Runs on any rank, and on rank 0 when it computes too. */
typedef bs_status (*bs_task_compute)(void *ctx, size_t task, bs_task_env *env, void **bytes,
                                     size_t *len, bs_error *err);
/* Take the result of task `task` in (rank 0 only; in any order of tasks; the bytes stay the
 * distributor's). */
typedef bs_status (*bs_task_consume)(void *ctx, size_t task, const void *bytes, size_t len,
                                     bs_error *err);

/* Where a distributed call is, for a progress line: per rank, tasks done and whether it is
 * computing one now. */
typedef struct {
    size_t done, total;      /* tasks whose results rank 0 has */
    int ranks;
    const size_t *rank_done; /* [ranks] tasks each rank has computed */
    const int *rank_busy;    /* [ranks] 1 while it computes a task */
    double seconds;          /* since the call began */
} bs_distribute_progress;

typedef struct bs_distributor bs_distributor;
struct bs_distributor {
    int rank, ranks; /* this process, of how many */
    /* Compute tasks[0 .. n) (the same list on every rank), each exactly once, wherever; on rank
     * 0 hand each result to consume. Returns on every rank once every result is consumed, or
     * at the first failure anywhere (rank 0 returns that failure; the others BS_ERR_RUNTIME
     * "stopped: ..."), or when cancel is set. Called by every rank at the same point. */
    bs_status (*map)(const bs_distributor *d, const size_t *tasks, size_t n,
                     bs_task_compute compute, void *compute_ctx, bs_task_consume consume,
                     void *consume_ctx, bs_cancel cancel, bs_error *err);
    /* Rank 0's len bytes at buf, copied into every rank's buf (len the same everywhere). */
    bs_status (*bcast)(const bs_distributor *d, void *buf, size_t len, bs_error *err);
    /* Called on rank 0 after every consumed result (may be NULL). */
    void (*on_progress)(void *ctx, const bs_distribute_progress *p);
    void *progress_ctx;
    void *impl;
};

/* 1 when d spreads work (two ranks or more). */
static inline int bs_distributed(const bs_distributor *d)
{
    return d && d->ranks > 1;
}

/* 1 on the rank that writes files and prints: rank 0, or the only process. */
static inline int bs_distributor_is_root(const bs_distributor *d)
{
    return !d || d->rank == 0;
}

BS_API_END

#endif
