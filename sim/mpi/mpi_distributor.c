/* SPDX-License-Identifier: MIT */
/*
 * mpi_distributor.c: tasks over MPI ranks (mpi_distributor.h).
 *
 * Messages (MPI_COMM_WORLD; between two ranks they arrive in the order sent,
 * and a rank other than 0 receives everything with MPI_ANY_TAG, so a call's
 * messages never overtake each other):
 *   0 -> r  TASK    the task's index (uint64)
 *   0 -> r  STOP    the call is over (also while r computes: it stops then)
 *   r -> 0  RESULT  the task's index (uint64), then its bytes
 *   r -> 0  ERROR   the task's index (uint64), the status (int32), the message
 * Every task handed out is answered once, by RESULT or ERROR, so when a call
 * returns no message of it is left in flight.
 */
#define _POSIX_C_SOURCE 200809L
#include "mpi/mpi_distributor.h"
#include "core/clock.h"

#include <limits.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { TAG_TASK = 1, TAG_STOP, TAG_RESULT, TAG_ERROR };

/* After a stop signal, how long rank 0 waits for the busy ranks' answers before it gives up
   on them (a rank that died never answers; the command then ends the job with MPI_Abort). */
#define CANCEL_GRACE_SECONDS 10.0

/* A short sleep between polls of an idle rank: at most 1 ms of latency, no core spent. */
static void nap(long *idle)
{
    if (++*idle < 200)
        return; /* a moment of polling first: a reply is often on its way */
    struct timespec ts = {0, 200000};
    nanosleep(&ts, NULL);
}

int bs_mpi_launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK",
                                       "MPI_LOCALNRANKS"};
    for (size_t k = 0; k < sizeof vars / sizeof *vars; k++)
        if (getenv(vars[k]))
            return 1;
    return 0;
}

/* ---- rank 0 ----------------------------------------------------------------------------- */

typedef struct {
    const bs_distributor *d;
    const size_t *tasks;
    size_t n, next;             /* tasks handed out or taken: tasks[0 .. next) */
    size_t got;                 /* results consumed */
    int pending;                /* tasks at other ranks, not yet answered */
    long *outstanding;          /* [ranks] the task a rank computes, -1: none */
    char *stopped;              /* [ranks] told that the call is over */
    size_t *rank_done;          /* [ranks] */
    int *rank_busy;             /* [ranks] */
    bs_task_consume consume;
    void *consume_ctx;
    bs_cancel cancel;
    volatile sig_atomic_t stop; /* no more tasks; rank 0's own computation stops */
    bs_status status;           /* the first failure, anywhere */
    bs_error *err;
    double t0;
} coordinator;

static void fail(coordinator *c, bs_status s, const bs_error *e)
{
    if (c->status == BS_OK) {
        c->status = s ? s : BS_ERR_RUNTIME;
        *c->err = *e;
    }
    c->stop = 1;
}

static void fail_mpi(coordinator *c, int rc, const char *what)
{
    char msg[MPI_MAX_ERROR_STRING] = "";
    int len = 0;
    MPI_Error_string(rc, msg, &len);
    bs_error e = {0};
    bs_error_setf(&e, BS_ERR_RUNTIME, "MPI: %s: %s", what, msg);
    fail(c, BS_ERR_RUNTIME, &e);
}

static void progress(coordinator *c)
{
    const bs_distributor *d = c->d;
    if (!d->on_progress)
        return;
    bs_distribute_progress p = {c->got, c->n, d->ranks, c->rank_done, c->rank_busy,
                                bs_now_seconds() - c->t0};
    d->on_progress(d->progress_ctx, &p);
}

/* Tell rank r the call is over (once per call): it stops its task, if any, and answers. */
static void tell_stop(coordinator *c, int r)
{
    if (c->stopped[r])
        return;
    c->stopped[r] = 1;
    int rc = MPI_Send(NULL, 0, MPI_BYTE, r, TAG_STOP, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS)
        fail_mpi(c, rc, "ending a call");
}

static void hand_out(coordinator *c, int r)
{
    if (c->next >= c->n || c->stop)
        return;
    uint64_t k = c->tasks[c->next];
    int rc = MPI_Send(&k, 1, MPI_UINT64_T, r, TAG_TASK, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) {
        fail_mpi(c, rc, "handing out a task");
        return;
    }
    c->next++;
    c->pending++;
    c->outstanding[r] = (long)k;
    c->rank_busy[r] = 1;
}

static void take(coordinator *c, size_t k, int r, const void *bytes, size_t len)
{
    if (c->status == BS_OK) {
        bs_error e = {0};
        bs_status s = c->consume(c->consume_ctx, k, bytes, len, &e);
        if (s)
            fail(c, s, &e);
    }
    c->got++;
    c->rank_done[r]++;
    progress(c);
}

/* One answer of rank r (tag RESULT or ERROR, count bytes) taken off the wire and in. */
static void receive(coordinator *c, int r, int tag, int count)
{
    unsigned char *buf = malloc(count > 0 ? (size_t)count : 1);
    int rc = buf ? MPI_Recv(buf, count, MPI_BYTE, r, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE)
                 : MPI_ERR_NO_MEM;
    c->pending--;
    c->outstanding[r] = -1;
    c->rank_busy[r] = 0;
    uint64_t k = 0;
    if (rc != MPI_SUCCESS || count < (int)sizeof k) {
        free(buf);
        if (rc != MPI_SUCCESS)
            fail_mpi(c, rc, "receiving a result");
        else {
            bs_error e = {0};
            bs_error_setf(&e, BS_ERR_RUNTIME, "rank %d sent a message of %d bytes", r, count);
            fail(c, BS_ERR_RUNTIME, &e);
        }
        return;
    }
    memcpy(&k, buf, sizeof k);
    if (tag == TAG_RESULT) {
        take(c, (size_t)k, r, buf + sizeof k, (size_t)count - sizeof k);
    } else {
        int32_t status = BS_ERR_RUNTIME;
        const int off = (int)(sizeof k + sizeof status);
        if (count >= off)
            memcpy(&status, buf + sizeof k, sizeof status);
        bs_error e = {0};
        bs_error_setf(&e, (bs_status)status, "rank %d: %.*s", r, count > off ? count - off : 0,
                      (const char *)buf + off);
        fail(c, (bs_status)status, &e);
    }
    free(buf);
}

/* Take in every answer waiting, giving each rank that answered its next task. Returns 1 if
   there was any. */
static int answer(coordinator *c)
{
    int any = 0;
    while (c->pending > 0) {
        int flag = 0;
        MPI_Status st;
        int rc = MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        if (rc != MPI_SUCCESS) {
            fail_mpi(c, rc, "waiting for results");
            c->pending = 0; /* nothing more can be heard */
            return any;
        }
        if (!flag)
            break;
        any = 1;
        int count = 0;
        MPI_Get_count(&st, MPI_BYTE, &count);
        receive(c, st.MPI_SOURCE, st.MPI_TAG, count);
        hand_out(c, st.MPI_SOURCE);
    }
    if (c->stop) /* a failure or a signal: the busy ranks stop their tasks and answer */
        for (int r = 1; r < c->d->ranks; r++)
            if (c->outstanding[r] >= 0)
                tell_stop(c, r);
    return any;
}

static void poll_rank0(bs_task_env *env)
{
    coordinator *c = env->impl;
    if (bs_cancel_requested(c->cancel))
        c->stop = 1;
    answer(c);
}

static bs_status map_rank0(const bs_distributor *d, const size_t *tasks, size_t n,
                           bs_task_compute compute, void *cctx, bs_task_consume consume,
                           void *kctx, bs_cancel cancel, bs_error *err)
{
    const int R = d->ranks;
    coordinator c = {.d = d, .tasks = tasks, .n = n, .consume = consume, .consume_ctx = kctx,
                     .cancel = cancel, .err = err, .t0 = bs_now_seconds()};
    c.outstanding = malloc((size_t)R * sizeof *c.outstanding);
    c.stopped = calloc((size_t)R, 1);
    c.rank_done = calloc((size_t)R, sizeof *c.rank_done);
    c.rank_busy = calloc((size_t)R, sizeof *c.rank_busy);
    if (!c.outstanding || !c.stopped || !c.rank_done || !c.rank_busy) {
        free(c.outstanding);
        free(c.stopped);
        free(c.rank_done);
        free(c.rank_busy);
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory"); /* MPI_Abort follows */
    }
    for (int r = 0; r < R; r++)
        c.outstanding[r] = -1;
    for (int r = 1; r < R; r++)
        hand_out(&c, r);
    progress(&c);
    bs_task_env env = {{&c.stop}, poll_rank0, &c};
    long idle = 0;
    double cancelled_at = 0;
    while (c.pending > 0 || (c.next < c.n && !c.stop)) {
        if (bs_cancel_requested(cancel)) {
            c.stop = 1;
            if (cancelled_at == 0)
                cancelled_at = bs_now_seconds();
            /* a signal stops every rank; one that has died never answers: wait no longer */
            if (bs_now_seconds() - cancelled_at > CANCEL_GRACE_SECONDS)
                break;
        }
        if (answer(&c))
            idle = 0;
        if (c.next < c.n && !c.stop) { /* a task of rank 0's own */
            size_t k = tasks[c.next++];
            void *bytes = NULL;
            size_t len = 0;
            bs_error e = {0};
            c.rank_busy[0] = 1;
            progress(&c);
            bs_status s = compute(cctx, k, &env, &bytes, &len, &e);
            c.rank_busy[0] = 0;
            if (s)
                fail(&c, s, &e);
            else
                take(&c, k, 0, bytes, len);
            free(bytes);
            idle = 0;
        } else if (c.pending > 0) {
            nap(&idle);
        }
    }
    for (int r = 1; r < R; r++) /* the call is over: every rank hears it once */
        tell_stop(&c, r);
    if (c.status == BS_OK && bs_cancel_requested(cancel))
        c.status = bs_error_setf(err, BS_ERR_RUNTIME, "interrupted after %zu of %zu runs", c.got, n);
    free(c.outstanding);
    free(c.stopped);
    free(c.rank_done);
    free(c.rank_busy);
    return c.status;
}

/* ---- the other ranks ----------------------------------------------------------------------- */

typedef struct {
    bs_cancel cancel;
    volatile sig_atomic_t stop;
    int stop_heard;            /* rank 0's STOP came while computing */
} worker;

/* While computing: a STOP from rank 0 stops the computation (another rank failed). */
static void poll_worker(bs_task_env *env)
{
    worker *w = env->impl;
    if (bs_cancel_requested(w->cancel))
        w->stop = 1;
    if (w->stop_heard)
        return;
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(0, TAG_STOP, MPI_COMM_WORLD, &flag, &st);
    if (flag) {
        MPI_Recv(NULL, 0, MPI_BYTE, 0, TAG_STOP, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        w->stop_heard = 1;
        w->stop = 1;
    }
}

static int send_error(uint64_t k, bs_status s, const char *msg)
{
    const size_t len = strlen(msg);
    unsigned char *buf = malloc(sizeof k + sizeof(int32_t) + len);
    if (!buf)
        return MPI_Send(&k, sizeof k, MPI_BYTE, 0, TAG_ERROR, MPI_COMM_WORLD);
    int32_t status = (int32_t)s;
    memcpy(buf, &k, sizeof k);
    memcpy(buf + sizeof k, &status, sizeof status);
    memcpy(buf + sizeof k + sizeof status, msg, len);
    int rc = MPI_Send(buf, (int)(sizeof k + sizeof status + len), MPI_BYTE, 0, TAG_ERROR,
                      MPI_COMM_WORLD);
    free(buf);
    return rc;
}

static bs_status map_worker(bs_task_compute compute, void *cctx, bs_cancel cancel, bs_error *err)
{
    worker w = {cancel, 0, 0};
    bs_task_env env = {{&w.stop}, poll_worker, &w};
    long idle = 0;
    for (;;) {
        int flag = 0;
        MPI_Status st;
        if (MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st) != MPI_SUCCESS)
            return bs_error_setf(err, BS_ERR_RUNTIME, "MPI: waiting for a task failed");
        if (!flag) {
            if (bs_cancel_requested(cancel))
                return bs_error_setf(err, BS_ERR_RUNTIME, "interrupted while waiting for a task");
            nap(&idle);
            continue;
        }
        idle = 0;
        if (st.MPI_TAG == TAG_STOP) {
            MPI_Recv(NULL, 0, MPI_BYTE, 0, TAG_STOP, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            return BS_OK;
        }
        uint64_t k = 0;
        if (st.MPI_TAG != TAG_TASK
            || MPI_Recv(&k, 1, MPI_UINT64_T, 0, TAG_TASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE)
                   != MPI_SUCCESS)
            return bs_error_setf(err, BS_ERR_RUNTIME, "MPI: an unexpected message (tag %d)",
                                 st.MPI_TAG);
        void *bytes = NULL;
        size_t len = 0;
        bs_error e = {0};
        bs_status s = compute(cctx, (size_t)k, &env, &bytes, &len, &e);
        if (s == BS_OK && len > (size_t)INT_MAX - sizeof k)
            s = bs_error_setf(&e, BS_ERR_RUNTIME, "a result of %zu bytes: too large to send", len);
        unsigned char *msg = s == BS_OK ? malloc(sizeof k + len) : NULL;
        if (s == BS_OK && !msg)
            s = bs_error_setf(&e, BS_ERR_RUNTIME, "out of memory");
        int rc;
        if (s == BS_OK) {
            memcpy(msg, &k, sizeof k);
            memcpy(msg + sizeof k, bytes, len);
            rc = MPI_Send(msg, (int)(sizeof k + len), MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
        } else {
            rc = send_error(k, s, e.msg);
        }
        free(msg);
        free(bytes);
        if (rc != MPI_SUCCESS)
            return bs_error_setf(err, BS_ERR_RUNTIME, "MPI: sending a result failed");
        if (w.stop_heard) /* the STOP was this call's end */
            return bs_error_setf(err, BS_ERR_RUNTIME, "stopped: another rank failed or was stopped");
    }
}

/* ---- the distributor ------------------------------------------------------------------------ */

static bs_status mpi_map(const bs_distributor *d, const size_t *tasks, size_t n,
                         bs_task_compute compute, void *cctx, bs_task_consume consume, void *kctx,
                         bs_cancel cancel, bs_error *err)
{
    if (d->rank == 0)
        return map_rank0(d, tasks, n, compute, cctx, consume, kctx, cancel, err);
    return map_worker(compute, cctx, cancel, err);
}

static bs_status mpi_bcast(const bs_distributor *d, void *buf, size_t len, bs_error *err)
{
    (void)d;
    if (len > INT_MAX)
        return bs_error_setf(err, BS_ERR_RUNTIME, "a broadcast of %zu bytes: too large", len);
    if (MPI_Bcast(buf, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
        return bs_error_setf(err, BS_ERR_RUNTIME, "MPI: a broadcast failed");
    return BS_OK;
}

bs_status bs_mpi_start(int *argc, char ***argv, bs_distributor *d, bs_error *err)
{
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return bs_error_setf(err, BS_ERR_RUNTIME, "MPI could not start");
    if (provided < MPI_THREAD_FUNNELED) {
        MPI_Finalize();
        return bs_error_setf(err, BS_ERR_RUNTIME,
                             "MPI gives thread support %d, below FUNNELED: the runs' OpenMP "
                             "threads need it",
                             provided);
    }
    /* errors come back as codes, and become messages */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    *d = (bs_distributor){0};
    MPI_Comm_rank(MPI_COMM_WORLD, &d->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &d->ranks);
    d->map = mpi_map;
    d->bcast = mpi_bcast;
    return BS_OK;
}

int bs_mpi_end(bs_distributor *d, int rc)
{
    if ((rc == 1 || rc == 2) && d->rank == 0 && d->ranks > 1) {
        fflush(stdout);
        fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, rc);
    }
    MPI_Finalize();
    return rc;
}
