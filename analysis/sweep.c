/* SPDX-License-Identifier: MIT */
/*
 * sweep.c: running a sweep (sweep.h). Each run goes through the one driver,
 * bs_experiment_run (one variant, one replicate, no file), whose step
 * callback keeps the few series the outcomes need; the outcomes of the run
 * are computed as soon as it ends (outcomes.h, bs_kpis_of). Runs are spread
 * over OpenMP threads, one run per thread when runs are small; each is a
 * pure function of its scenario and seed, so the table does not depend on
 * how they are spread. Every finished run is appended to the journal
 * OUT.partial at once, so an interrupted sweep loses at most the runs in
 * flight, and `resume` reads the journal back and runs only what is missing.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/sweep_internal.h"
#include "brandsim/experiment.h"
#include "brandsim/export.h"
#include "brandsim/results.h"
#include "core/clock.h"

/* The series the outcomes read, in bs_kpi_series order. */
enum { SHARE, REVENUE, WOM, WITHHOLD, ANTIBRAND, REVENGE, EXITS, COST, NET, NSER };
const bs_metric bs_sweep_series_metric[BS_SWEEP_SERIES] = {
    BS_M_MARKET_SHARE, BS_M_REVENUE, BS_M_REVENGE_WOM, BS_M_REVENGE_WITHHOLD,
    BS_M_REVENGE_ANTIBRAND, BS_M_MEAN_REVENGE, BS_M_EXITS, BS_M_RESPONSE_COST,
    BS_M_NET_CONTRIBUTION};
#define kept bs_sweep_series_metric
_Static_assert((int)NSER == (int)BS_SWEEP_SERIES, "the kept series");

/* ---- one run ---------------------------------------------------------------------------- */

typedef struct {
    const bs_sweep *s;
    int steps;
    double *x;      /* [step][series][brand j], the chosen brands only */
    double *out;    /* nb x BS_KPI_COUNT: this run's row */
    bs_task_env *env; /* a distributed sweep's: polled after every step (NULL: none) */
} one_run;

static void keep_step(void *ctx, const bs_run_info *info, const bs_run *run)
{
    (void)info;
    one_run *o = ctx;
    const bs_stats *st = bs_run_stats(run);
    const int B = o->s->base->n_brands, nb = o->s->nb;
    double *at = o->x + (size_t)st->step * NSER * (size_t)nb;
    for (int k = 0; k < NSER; k++)
        for (int j = 0; j < nb; j++)
            at[k * nb + j] = st->v[(size_t)kept[k] * B + (size_t)o->s->brands[j]]; /* segment all */
    bs_task_poll(o->env);
}

static void outcomes_at_end(void *ctx, const bs_run_info *info, const bs_run *run)
{
    (void)info;
    one_run *o = ctx;
    const int S = o->steps, nb = o->s->nb;
    int n = 0, t0 = -1;
    const bs_event *ev = bs_run_events(run, &n);
    for (int i = 0; i < n && t0 < 0; i++)
        if (bs_results_event_is_shock(ev[i].kind))
            t0 = ev[i].step;
    double *day = malloc((size_t)S * sizeof *day);
    if (!day)
        return; /* the row stays NaN: the caller sees it was not computed */
    for (int t = 0; t < S; t++)
        day[t] = (t + 1) * o->s->base->step_days;
    for (int j = 0; j < nb; j++) {
        const size_t stride = NSER * (size_t)nb;
        const double *x = o->x + j;
        bs_kpi_series ks = {
            .steps = S, .day = day, .first_shock = t0, .stride = stride,
            .share = x + SHARE * nb, .revenue = x + REVENUE * nb, .wom = x + WOM * nb,
            .withhold = x + WITHHOLD * nb, .antibrand = x + ANTIBRAND * nb,
            .mean_revenge = x + REVENGE * nb, .exits = x + EXITS * nb,
            .response_cost = x + COST * nb, .net_contribution = x + NET * nb,
            .recovery_fraction = o->s->recovery};
        bs_kpis_of(&ks, o->out + (size_t)j * BS_KPI_COUNT);
    }
    free(day);
}

/* Run k: point k mod P, replicate k / P, into s->out's row k (and its series' slot). */
static bs_status run_one(bs_sweep *s, size_t k, int threads, bs_cancel cancel, bs_task_env *env,
                         bs_error *err)
{
    const size_t p = k % s->P;
    const int r = (int)(k / s->P);
    bs_scenario *sc = malloc(sizeof *sc);
    one_run o = {.s = s, .out = s->out + k * (size_t)s->nb * BS_KPI_COUNT, .env = env};
    if (!sc)
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    bs_status st = bs_sweep_point_scenario(s, p, r, sc, err);
    if (!st) {
        o.steps = sc->steps;
        if (!(o.x = malloc((size_t)sc->steps * NSER * (size_t)s->nb * sizeof *o.x)))
            st = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    }
    if (!st && s->series && sc->steps != s->steps)
        st = bs_error_setf(err, BS_ERR_INPUT,
                           "%s: point %zu runs %d steps, the scenario %d: a sweep with per-run "
                           "series keeps every run's length",
                           s->source, p, sc->steps, s->steps);
    if (!st) {
        bs_experiment_opts opt = {.threads = threads, .cancel = cancel, .ctx = &o,
                                  .on_step = keep_step, .on_run_end = outcomes_at_end};
        st = bs_experiment_run(sc, NULL, NULL, &opt, err);
    }
    if (!st && s->series) /* the run's own slot: no other run writes it */
        memcpy(s->series + k * (size_t)s->steps * NSER * (size_t)s->nb, o.x,
               (size_t)s->steps * NSER * (size_t)s->nb * sizeof *o.x);
    free(o.x);
    free(sc);
    return st;
}

/* ---- the journal ----------------------------------------------------------------------- */

void bs_sweep_write_header(const bs_sweep *s, FILE *f)
{
    fputs("run,point,replicate,seed", f);
    for (int i = 0; i < s->k; i++) {
        fputc(',', f);
        bs_export_field(f, s->factors[i].path);
    }
    for (int j = 0; j < s->nb; j++)
        for (int o = 0; o < BS_KPI_COUNT; o++) {
            char col[128];
            snprintf(col, sizeof col, "%s.%s", bs_sweep_brand(s, j), bs_kpi_get((bs_kpi)o)->name);
            fputc(',', f);
            bs_export_field(f, col);
        }
    fputc('\n', f);
}

/* The columns that say which run a row is: run,point,replicate,seed,factor values. */
static void write_row_key(const bs_sweep *s, size_t run, FILE *f)
{
    const size_t p = run % s->P;
    const unsigned long long seed = (unsigned long long)(s->base->seed + run / s->P);
    fprintf(f, "%zu,%zu,%zu,%llu", run, p, run / s->P, seed);
    for (int i = 0; i < s->k; i++) {
        fputc(',', f);
        bs_export_field(f, bs_sweep_cell(s, p, i));
    }
}

void bs_sweep_write_row(const bs_sweep *s, size_t run, FILE *f)
{
    write_row_key(s, run, f);
    const double *x = s->out + run * (size_t)s->nb * BS_KPI_COUNT;
    for (int i = 0; i < s->nb * BS_KPI_COUNT; i++) {
        char num[32];
        fputc(',', f);
        fputs(isnan(x[i]) ? "" : bs_export_number(x[i], num), f); /* empty: not defined */
    }
    fputc('\n', f);
}

static char *text_of(const bs_sweep *s, size_t run, int header)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    if (header)
        bs_sweep_write_header(s, m);
    else
        write_row_key(s, run, m);
    if (fclose(m)) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Read the journal back: every complete row whose key is this sweep's marks its run done
 * with its outcomes. A last line without its line break (cut by a kill) is dropped, and the
 * file cut back to the end of the last complete row. */
static bs_status read_journal(bs_sweep *s, const char *journal, size_t *found, bs_error *err)
{
    *found = 0;
    FILE *f = fopen(journal, "r+");
    if (!f)
        return bs_error_setf(err, BS_ERR_INPUT, "%s: cannot reopen to resume: %s", journal,
                             strerror(errno));
    char *line = NULL, *want = text_of(s, 0, 1);
    size_t cap = 0;
    long good_end = 0;
    bs_status st = want ? BS_OK : bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    ssize_t n = st ? -1 : getline(&line, &cap, f);
    if (!st && (n < 0 || strcmp(line, want)))
        st = bs_error_setf(err, BS_ERR_INPUT,
                           "%s: written by another sweep (its header differs: other factors, "
                           "brands or outcomes), expected this sweep's; remove it to start "
                           "again",
                           journal);
    good_end = st ? 0 : ftell(f);
    const size_t runs = bs_sweep_runs(s);
    int lineno = 1;
    while (!st && (n = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (line[n - 1] != '\n')
            break; /* cut short: that run is done again */
        char *end;
        errno = 0;
        unsigned long long k = strtoull(line, &end, 10);
        char *key = (errno || *end != ',' || k >= runs) ? NULL : text_of(s, (size_t)k, 0);
        size_t kl = key ? strlen(key) : 0;
        if (!key || strncmp(line, key, kl) || line[kl] != ',') {
            free(key);
            st = bs_error_setf(err, BS_ERR_INPUT,
                               "%s:%d: not a run of this sweep (run, seed or factor values "
                               "differ), expected the journal of the same experiment; remove it "
                               "to start again",
                               journal, lineno);
            break;
        }
        double *x = s->out + (size_t)k * (size_t)s->nb * BS_KPI_COUNT;
        char *c = line + kl;
        for (int i = 0; i < s->nb * BS_KPI_COUNT && !st; i++) {
            if (*c != ',') {
                st = bs_error_setf(err, BS_ERR_INPUT, "%s:%d: %d outcomes, expected %d", journal,
                                   lineno, i, s->nb * BS_KPI_COUNT);
                break;
            }
            c++;
            x[i] = (*c == ',' || *c == '\n') ? NAN : strtod(c, &end);
            if (*c != ',' && *c != '\n')
                c = end;
        }
        free(key);
        if (!st && *c != '\n')
            st = bs_error_setf(err, BS_ERR_INPUT, "%s:%d: more values than outcomes", journal,
                               lineno);
        if (!st && !s->done[k]) {
            s->done[k] = 1;
            (*found)++;
        }
        good_end = ftell(f);
    }
    if (!st && (fflush(f) || ftruncate(fileno(f), good_end)))
        st = bs_error_setf(err, BS_ERR_RUNTIME, "%s: %s", journal, strerror(errno));
    free(line);
    free(want);
    fclose(f);
    return st;
}

/* ---- the series journal: OUT.series.partial, binary, a record per run ------------------- */

/* One record: the run's index (uint64) and its series (steps x NSER x nb doubles). */
static size_t record_values(const bs_sweep *s)
{
    return (size_t)s->steps * NSER * (size_t)s->nb;
}

static int write_record(const bs_sweep *s, size_t run, FILE *f)
{
    uint64_t k = run;
    const size_t n = record_values(s);
    return fwrite(&k, sizeof k, 1, f) != 1
           || fwrite(s->series + run * n, sizeof *s->series, n, f) != n || fflush(f);
}

/* Read the series journal back; a run the row journal has but this one lacks (or holds cut
   short) is not done: it runs again for its series. The file is cut after its last whole
   record. */
static bs_status read_series_journal(bs_sweep *s, const char *path, size_t *found, bs_error *err)
{
    const size_t n = record_values(s), runs = bs_sweep_runs(s);
    unsigned char *have = calloc(runs ? runs : 1, 1);
    FILE *f = fopen(path, "r+");
    if (!have || !f) {
        free(have);
        if (f)
            fclose(f);
        return bs_error_setf(err, BS_ERR_INPUT, "%s: cannot reopen to resume (%s): the rows' "
                                                "journal is there, the series' is not",
                             path, strerror(errno));
    }
    uint64_t k;
    long good_end = 0;
    while (fread(&k, sizeof k, 1, f) == 1 && k < runs
           && fread(s->series + k * n, sizeof *s->series, n, f) == n) {
        have[k] = 1;
        good_end = ftell(f);
    }
    bs_status st = BS_OK;
    if (fflush(f) || ftruncate(fileno(f), good_end))
        st = bs_error_setf(err, BS_ERR_RUNTIME, "%s: %s", path, strerror(errno));
    fclose(f);
    for (size_t r = 0; r < runs; r++)
        if (s->done[r] && !have[r]) {
            s->done[r] = 0;
            (*found)--;
        }
    free(have);
    return st;
}

/* ---- the sweep -------------------------------------------------------------------------- */

/* Jobs (runs at once) and threads per run: one run per thread when runs are small (below
 * 2 x 10^7 consumer-steps, a few seconds on one core) and there are at least as many runs to
 * do as threads, else one run at a time on every thread. Nested parallelism is off, so a run
 * inside a job has one thread. */
static void split_threads(const bs_sweep *s, const bs_sweep_opts *opt, size_t todo, int *jobs,
                          int *threads)
{
    int T = omp_get_max_threads();
    double size = (double)s->base->consumers * s->base->steps;
    *jobs = opt->jobs > 0 ? opt->jobs : size < 2e7 && todo >= (size_t)T ? T : 1;
    *threads = opt->threads > 0 ? opt->threads : *jobs > 1 ? 1 : T;
    if (*jobs > 1)
        *threads = 1;
}

/* A sweep under way: its journals and where it is. */
typedef struct {
    bs_sweep *s;
    const bs_sweep_opts *opt;
    const char *journal, *series_journal;
    FILE *j, *sj;
    size_t done, runs, resumed;
    double t_start;
    int threads;       /* per run */
} sweeping;

/* Run k is done (its row, and its series, in s): into the journals, then the progress. */
static bs_status take_run(sweeping *w, size_t k, bs_error *err)
{
    bs_sweep *s = w->s;
    s->done[k] = 1;
    /* the series first: a row without its series would not run again */
    if (w->sj && write_record(s, k, w->sj))
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s: %s", w->series_journal,
                             strerror(errno));
    bs_sweep_write_row(s, k, w->j);
    if (fflush(w->j))
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s: %s", w->journal,
                             strerror(errno));
    bs_sweep_progress pr = {++w->done, w->runs, w->resumed, bs_now_seconds() - w->t_start};
    if (w->opt->on_run)
        w->opt->on_run(w->opt->ctx, &pr);
    return BS_OK;
}

/* ---- runs spread over processes (distribute.h): a task is a run, its bytes its row and
   series ---------------------------------------------------------------------------------- */

static size_t run_bytes(const bs_sweep *s)
{
    return ((size_t)s->nb * BS_KPI_COUNT + (s->series ? record_values(s) : 0)) * sizeof(double);
}

static bs_status compute_run(void *ctx, size_t k, bs_task_env *env, void **bytes, size_t *len,
                             bs_error *err)
{
    sweeping *w = ctx;
    bs_sweep *s = w->s;
    if (k >= w->runs)
        return bs_error_setf(err, BS_ERR_RUNTIME, "run %zu of a sweep of %zu", k, w->runs);
    bs_status st = run_one(s, k, w->threads, env->cancel, env, err);
    if (st)
        return st;
    const size_t nrow = (size_t)s->nb * BS_KPI_COUNT;
    double *b = malloc(run_bytes(s));
    if (!b)
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    memcpy(b, s->out + k * nrow, nrow * sizeof *b);
    if (s->series)
        memcpy(b + nrow, s->series + k * record_values(s), record_values(s) * sizeof *b);
    *bytes = b;
    *len = run_bytes(s);
    return BS_OK;
}

static bs_status consume_run(void *ctx, size_t k, const void *bytes, size_t len, bs_error *err)
{
    sweeping *w = ctx;
    bs_sweep *s = w->s;
    if (k >= w->runs || s->done[k] || len != run_bytes(s))
        return bs_error_setf(err, BS_ERR_RUNTIME,
                             "run %zu of the sweep came back twice, or with %zu bytes instead of "
                             "%zu: were the ranks given different inputs or builds?",
                             k, len, run_bytes(s));
    const size_t nrow = (size_t)s->nb * BS_KPI_COUNT;
    const double *b = bytes;
    memcpy(s->out + k * nrow, b, nrow * sizeof *b);
    if (s->series)
        memcpy(s->series + k * record_values(s), b + nrow, record_values(s) * sizeof *b);
    return take_run(w, k, err);
}

/* ---- the sweep -------------------------------------------------------------------------- */

/* The tables of the sweep, sized, every outcome NaN until its run is done. */
static bs_status allocate(bs_sweep *s, int series, bs_error *err)
{
    const size_t runs = bs_sweep_runs(s);
    free(s->out);
    free(s->done);
    free(s->series);
    s->series = NULL;
    s->steps = s->base->steps;
    s->out = malloc((runs ? runs : 1) * (size_t)(s->nb ? s->nb : 1) * BS_KPI_COUNT * sizeof *s->out);
    s->done = calloc(runs ? runs : 1, 1);
    if (series)
        s->series = calloc((runs ? runs : 1) * record_values(s), sizeof *s->series);
    if (!s->out || !s->done || (series && !s->series))
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory for %zu runs", runs);
    for (size_t i = 0; i < runs * (size_t)s->nb * BS_KPI_COUNT; i++)
        s->out[i] = NAN;
    return BS_OK;
}

/* Open the journals, reading back what a resumed sweep has done. */
static bs_status open_journals(sweeping *w, const char *out, bs_error *err)
{
    bs_sweep *s = w->s;
    bs_status st = BS_OK;
    int exists = access(w->journal, F_OK) == 0;
    if (exists && !w->opt->resume)
        return bs_error_setf(err, BS_ERR_INPUT,
                             "%s: a sweep into %s was interrupted: finish it with --resume, or "
                             "remove %s to start again",
                             w->journal, out, w->journal);
    if (exists && (st = read_journal(s, w->journal, &w->resumed, err)))
        return st;
    if (exists && s->series && (st = read_series_journal(s, w->series_journal, &w->resumed, err)))
        return st;
    w->done = w->resumed;
    if (!(w->j = fopen(w->journal, exists ? "a" : "w")))
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s: %s", w->journal,
                             strerror(errno));
    if (s->series && !(w->sj = fopen(w->series_journal, exists ? "a" : "w")))
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s: %s", w->series_journal,
                             strerror(errno));
    if (!exists)
        bs_sweep_write_header(s, w->j);
    if (fflush(w->j))
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s: %s", w->journal,
                             strerror(errno));
    return BS_OK;
}

/* The runs to do, here, spread over threads: one run per job, each finished run taken into the
   journal under a lock. */
static bs_status run_here(sweeping *w, const size_t *todo, size_t n_todo, int jobs, bs_error *err)
{
    bs_status st = BS_OK;
    volatile int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(jobs)
    for (size_t i = 0; i < n_todo; i++) {
        if (failed || bs_cancel_requested(w->opt->cancel))
            continue;
        bs_error e = {0};
        bs_status rs = run_one(w->s, todo[i], w->threads, w->opt->cancel, NULL, &e);
#pragma omp critical /* unnamed: a named one would be an exported symbol */
        {
            if (rs && !failed) {
                failed = 1;
                st = rs;
                *err = e;
            } else if (!rs && !failed && (rs = take_run(w, todo[i], &e))) {
                failed = 1;
                st = rs;
                *err = e;
            }
        }
    }
    return st;
}

bs_status bs_sweep_run(bs_sweep *s, const char *out, const bs_sweep_opts *opt, bs_error *err)
{
    const bs_distributor *dist = opt->dist;
    const int root = bs_distributor_is_root(dist);
    const size_t runs = bs_sweep_runs(s);
    char journal[4200];
    snprintf(journal, sizeof journal, "%s.partial", out);
    char series_journal[4300];
    snprintf(series_journal, sizeof series_journal, "%s.series.partial", out);
    sweeping w = {s, opt, journal, series_journal, NULL, NULL, 0, runs, 0, bs_now_seconds(), 0};
    bs_status st = allocate(s, opt->series, err);
    if (!st && root)
        st = open_journals(&w, out, err);
    size_t *todo = NULL, n_todo = 0;
    if (!st && root && !(todo = malloc((runs ? runs : 1) * sizeof *todo)))
        st = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    for (size_t k = 0; todo && k < runs; k++)
        if (!s->done[k])
            todo[n_todo++] = k;
    int jobs, threads;
    split_threads(s, opt, n_todo, &jobs, &threads);
    w.threads = bs_distributed(dist) ? (opt->threads > 0 ? opt->threads : 0) : threads;
    bs_sweep_progress pr = {w.done, runs, w.resumed, 0};
    if (!st && root && opt->on_run)
        opt->on_run(opt->ctx, &pr);
    if (bs_distributed(dist)) { /* every rank, also when rank 0 has failed: it tells them */
        bs_error ignored = {0};
        bs_status ms = dist->map(dist, todo, st ? 0 : n_todo, compute_run, &w, consume_run, &w,
                                 opt->cancel, st ? &ignored : err);
        if (!st)
            st = ms;
    } else if (!st)
        st = run_here(&w, todo, n_todo, jobs, err);
    free(todo);
    if (w.sj && fclose(w.sj) && !st)
        st = bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s: %s", series_journal,
                           strerror(errno));
    if (w.j && fclose(w.j) && !st)
        st = bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s: %s", journal, strerror(errno));
    if (!root)
        return st;
    if (!st && w.done < runs) /* stopped between runs: nothing failed, the request did it */
        st = bs_error_setf(err, BS_ERR_RUNTIME, "interrupted after %zu of %zu runs", w.done, runs);
    else if (st && bs_cancel_requested(opt->cancel))
        st = bs_error_setf(err, BS_ERR_RUNTIME, "interrupted after %zu of %zu runs", w.done, runs);
    if (!st)
        st = bs_sweep_write_tables(s, out, err);
    if (!st && unlink(journal))
        st = bs_error_setf(err, BS_ERR_RUNTIME, "cannot remove %s: %s", journal, strerror(errno));
    if (!st && s->series && unlink(series_journal))
        st = bs_error_setf(err, BS_ERR_RUNTIME, "cannot remove %s: %s", series_journal,
                           strerror(errno));
    return st;
}

double bs_sweep_outcome(const bs_sweep *s, size_t run, int brand, bs_kpi o)
{
    if (!s->out || run >= bs_sweep_runs(s) || brand < 0 || brand >= s->nb || !s->done[run])
        return NAN;
    return s->out[(run * (size_t)s->nb + (size_t)brand) * BS_KPI_COUNT + o];
}
