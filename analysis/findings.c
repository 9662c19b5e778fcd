/* SPDX-License-Identifier: MIT */
/*
 * findings.c: the findings engine (findings.h): which experiments a folder
 * holds, running one finding's experiment with every test's outcome computed
 * as the runs go, its robustness re-runs and negative controls, and the text
 * of criteria and verdicts that the report and the command share.
 */
#define _GNU_SOURCE /* strcasecmp, strncasecmp, strdup */
#include "brandsim/brandsim.h"
#include "brandsim/findings.h"
#include "brandsim/export.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "brandsim/scenario.h"

enum { MAX_FILES = 64 };


/* ---- discovery --------------------------------------------------------------------- */

/* Natural order of ids: C1 < C2 < ... < F1 < F2 < ... < F10 (letters, then the number). */
static int cmp_str(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    size_t lx = strcspn(x, "0123456789"), ly = strcspn(y, "0123456789");
    int c = strncmp(x, y, lx < ly ? lx : ly);
    if (c || lx != ly) return c ? c : (lx < ly ? -1 : 1);
    long nx = strtol(x + lx, NULL, 10), ny = strtol(y + ly, NULL, 10);
    if (nx != ny) return nx < ny ? -1 : 1;
    return strcmp(x, y);
}

/* The id a file name starts with: "F10-help-them.yaml" -> "F10". */
static void id_of(const char *name, char *id, size_t n)
{
    size_t k = strcspn(name, "-_.");
    snprintf(id, n, "%.*s", (int)k, name);
}

static int wanted(const char *id, const char *only)
{
    if (!only) return 1;
    size_t len = strlen(id);
    for (const char *p = only; *p;) {
        size_t k = strcspn(p, ",");
        if (k == len && !strncasecmp(p, id, k)) return 1;
        p += k + (p[k] == ',');
    }
    return 0;
}

void bs_findings_list_free(char **names, int n)
{
    for (int i = 0; names && i < n; i++) free(names[i]);
    free(names);
}

bs_status bs_findings_list(const char *dir, const char *only, char ***names_out, int *n_out,
                           bs_error *err)
{
    *names_out = NULL;
    *n_out = 0;
    DIR *d = opendir(dir);
    if (!d) return bs_error_setf(err, BS_ERR_INPUT, "replicate: cannot read '%s': %s", dir, strerror(errno));
    char **names = calloc(MAX_FILES, sizeof *names);
    char (*ids)[32] = calloc(MAX_FILES, sizeof *ids); /* of every experiment, for --only's check */
    int n = 0, n_ids = 0;
    bs_status s = names && ids ? BS_OK : bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    for (struct dirent *e; s == BS_OK && (e = readdir(d)) && n < MAX_FILES;) {
        size_t len = strlen(e->d_name);
        char id[32];
        id_of(e->d_name, id, sizeof id);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".yaml")) continue;
        if (n_ids < MAX_FILES) snprintf(ids[n_ids++], sizeof ids[0], "%s", id);
        if (!wanted(id, only)) continue;
        if (!(names[n] = strdup(e->d_name))) s = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
        else n++;
    }
    closedir(d);
    /* every id `only` names must be an experiment: "F1,Z9" runs nothing of Z9 */
    for (const char *p = only; s == BS_OK && p && *p;) {
        size_t k = strcspn(p, ",");
        int known = 0;
        for (int i = 0; i < n_ids && !known; i++)
            known = k == strlen(ids[i]) && !strncasecmp(p, ids[i], k);
        if (!known)
            s = bs_error_setf(err, BS_ERR_INPUT, "replicate: --only: no experiment '%.*s' in '%s', expected "
                                        "finding ids such as F1, F12, C3, separated by commas",
                     (int)k, p, dir);
        p += k + (p[k] == ',');
    }
    if (s == BS_OK && n == 0)
        s = bs_error_setf(err, BS_ERR_INPUT, "replicate: no experiment in '%s'%s%s", dir,
                 only ? " matches --only " : "", only ? only : "");
    free(ids);
    if (s) {
        bs_findings_list_free(names, n);
        return s;
    }
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    *names_out = names;
    *n_out = n;
    return BS_OK;
}

int bs_mkdir_p(const char *dir)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) && errno != EEXIST) return -1;
            *p = '/';
        }
    return mkdir(buf, 0777) && errno != EEXIST ? -1 : 0;
}

/* ---- one experiment -------------------------------------------------------------- */

/* Every test's series of every run as it goes, and its outcome at the run's last step. */
typedef struct {
    const bs_replication *rep;
    int V, R, T;
    double *series; /* [test][v][r][t] */
    double *versus; /* [test][v][r][t]: the versus outcome's series (tests with one) */
    double *values; /* [test][v * R + r] */
} watch;

/* A test's outcome in one run: its own, or set against its versus outcome (the difference,
   or the log of the ratio: NaN unless both are > 0, which fails the test). */
static double test_value(const bs_rep_test *T, const double *row, const double *vs, int steps)
{
    const double a = bs_outcome_value(&T->outcome, row, steps);
    if (T->contrast == BS_CONTRAST_NONE) return a;
    const double b = bs_outcome_value(&T->versus, vs, steps);
    if (T->contrast == BS_CONTRAST_DIFFERENCE) return a - b;
    return a > 0 && b > 0 ? log(a / b) : NAN;
}

static void watch_step(void *ctx, const bs_run_info *in, const bs_run *run)
{
    watch *w = ctx;
    int t = bs_run_steps_done(run) - 1, v = in->variant, r = in->replicate;
    const bs_stats *st = bs_run_stats(run);
    for (int k = 0; k < w->rep->n_tests; k++) {
        const bs_rep_test *T = &w->rep->tests[k];
        const size_t at = (((size_t)k * w->V + v) * w->R + r) * w->T;
        double *row = w->series + at, *vs = w->versus + at;
        row[t] = bs_outcome_series_value(&T->outcome, st);
        vs[t] = T->contrast != BS_CONTRAST_NONE ? bs_outcome_series_value(&T->versus, st) : 0;
        if (t == w->T - 1)
            w->values[(size_t)k * w->V * w->R + (size_t)v * w->R + r] = test_value(T, row, vs, w->T);
    }
}

/* The outcome table of an experiment beside its HDF5 file (X.h5 -> X.outcomes.csv): one
   row per test, condition and replicate (NetLogo's BehaviorSpace table, for researchers). */
static bs_status write_outcomes(const char *out_h5, const bs_replication *rep,
                                const bs_variants *vars, const bs_scenario *sc, const watch *w,
                                bs_error *err)
{
    char path[1100], partial[1200];
    size_t n = strlen(out_h5);
    snprintf(path, sizeof path, "%.*s.outcomes.csv", (int)(n > 3 ? n - 3 : n), out_h5);
    snprintf(partial, sizeof partial, "%s.partial", path);
    FILE *f = fopen(partial, "w");
    if (!f)
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s: %s", partial, strerror(errno));
    fputs("finding,test,condition,replicate,seed,value\n", f);
    for (int k = 0; k < rep->n_tests; k++)
        for (int v = 0; v < w->V; v++)
            for (int r = 0; r < w->R; r++) {
                char num[32];
                double x = w->values[(size_t)k * w->V * w->R + (size_t)v * w->R + r];
                fprintf(f, "%s,\"", rep->id);
                for (const char *c = rep->tests[k].name; *c; c++) /* "" is a quote */
                    fputs(*c == '"' ? "\"\"" : (char[2]){*c, 0}, f);
                fprintf(f, "\",%s,%d,%llu,%s\n", bs_experiment_variant_name(vars, v), r,
                        (unsigned long long)(sc->seed + (uint64_t)r),
                        isfinite(x) ? bs_export_number(x, num) : "");
            }
    int bad = fflush(f) || ferror(f);
    bad |= fclose(f) != 0;
    if (bad || rename(partial, path)) {
        unlink(partial);
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s", path);
    }
    return BS_OK;
}

/* Rank 0's status and test values, on every rank (after a distributed experiment, whose
   callbacks only rank 0 saw). */
static bs_status share_values(const bs_distributor *d, bs_status s, double *values, size_t n,
                              bs_error *err)
{
    double *buf = malloc((n + 1) * sizeof *buf);
    if (!buf)
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    buf[0] = (double)s;
    memcpy(buf + 1, values, n * sizeof *buf);
    bs_error e = {0};
    bs_status b = d->bcast(d, buf, (n + 1) * sizeof *buf, &e);
    if (b == BS_OK) {
        memcpy(values, buf + 1, n * sizeof *buf);
        if (s == BS_OK && buf[0] != 0) /* rank 0 failed: its message is rank 0's to print */
            s = bs_error_setf(err, (bs_status)buf[0], "stopped: rank 0 failed");
    } else if (s == BS_OK) {
        *err = e;
        s = b;
    }
    free(buf);
    return s;
}

/* Run the experiment of `path` with the options' overrides and extra ones into out_h5, and
   judge it. */
static bs_status run_experiment(const char *path, const bs_findings_opts *op,
                                const char *const *more, int n_more, const char *out_h5,
                                bs_replication *rep, bs_scenario *sc, bs_variants *vars,
                                bs_finding_result *res, bs_error *err)
{
    const char *extra[320];
    int n_extra = 0;
    for (int k = 0; k < op->n_overrides && n_extra < 256; k++)
        extra[n_extra++] = op->overrides[k];
    for (int k = 0; k < n_more && n_extra < 320; k++)
        extra[n_extra++] = more[k];
    bs_overrides ov = {extra, NULL, n_extra};
    bs_status s = bs_scenario_load_overridden(path, &ov, sc, vars, err);
    if (s) return s;
    if ((s = bs_replication_load(path, sc, vars, rep, err))) {
        bs_variants_free(vars);
        return s;
    }
    sc->replicates = op->replicates ? op->replicates
                     : op->quick    ? BS_FINDINGS_QUICK_REPLICATES
                                    : rep->replicates;
    int V = bs_experiment_variant_count(vars), R = sc->replicates;
    watch w = {rep, V, R, sc->steps, NULL, NULL, NULL};
    w.series = malloc(((size_t)rep->n_tests * V * R * sc->steps + 1) * sizeof *w.series);
    w.versus = malloc(((size_t)rep->n_tests * V * R * sc->steps + 1) * sizeof *w.versus);
    w.values = malloc(((size_t)rep->n_tests * V * R + 1) * sizeof *w.values);
    char joined[2048] = "";
    for (int k = 0, n = 0; k < n_extra; k++)
        n += snprintf(joined + n, sizeof joined - (size_t)n, "%s%s", k ? "\n" : "", extra[k]);
    bs_experiment_timing timing = {0};
    bs_experiment_opts opt = {.threads = op->threads, .overrides = joined,
                              .layout = BS_LAYOUT_ENSEMBLE, .cancel = op->cancel, .ctx = &w,
                              .on_step = watch_step, .timing = &timing, .dist = op->dist};
    opt.prov.version = BS_VERSION;
    opt.prov.command_line = "brandsim replicate";
    opt.prov.host = "";
    opt.prov.started_utc = "";
    s = !w.series || !w.versus || !w.values ? bs_error_setf(err, BS_ERR_RUNTIME, "out of memory")
                               : bs_experiment_run(sc, vars, out_h5, &opt, err);
    res->seconds = timing.wall_seconds;
    if (bs_distributed(op->dist) && w.values) /* rank 0 saw the runs: its values, everywhere */
        s = share_values(op->dist, s, w.values, (size_t)rep->n_tests * V * R, err);
    if (s == BS_OK && bs_distributor_is_root(op->dist))
        s = write_outcomes(out_h5, rep, vars, sc, &w, err);
    if (s == BS_OK) {
        res->pass = 1;
        res->n_tests = rep->n_tests;
        for (int k = 0; k < rep->n_tests; k++) {
            res->v[k] = bs_criterion_eval(&rep->tests[k].criterion, w.values + (size_t)k * V * R, V, R);
            res->pass &= res->v[k].pass;
        }
    } else {
        bs_variants_free(vars);
    }
    free(w.series);
    free(w.versus);
    free(w.values);
    return s;
}

int bs_control_broke(const bs_rep_control *ctl, const bs_finding_result *res)
{
    if (!ctl->n_breaks) return !res->pass;
    for (int k = 0; k < ctl->n_breaks; k++)
        if (res->v[ctl->breaks[k]].pass) return 0;
    return 1;
}

/* Each key parameter at 0.5x and 1.5x (clamped to its range; integers rounded). */
static bs_status robustness(bs_finding *f, const bs_findings_opts *op, const bs_scenario *base,
                            bs_error *err)
{
    char sub[600];
    snprintf(sub, sizeof sub, "%s/robustness", op->out_dir);
    if (bs_mkdir_p(sub))
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot create '%s': %s", sub, strerror(errno));
    bs_scenario *sc = malloc(sizeof *sc);
    bs_replication *rep2 = malloc(sizeof *rep2);
    bs_status s = sc && rep2 ? BS_OK : bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    for (int i = 0; i < f->rep.n_robust && s == BS_OK; i++)
        for (int k = 0; k < 2 && s == BS_OK; k++) {
            double x, factor = k ? 1.5 : 0.5;
            const bs_param *p;
            if ((s = bs_scenario_get(base, f->rep.robust[i], &x, &p, err))) break;
            double y = fmin(fmax(x * factor, p->min), p->max);
            if (p->type != BS_P_REAL) y = round(y);
            char set[200], h5[900];
            snprintf(set, sizeof set, "%s=%.17g", f->rep.robust[i], y);
            snprintf(h5, sizeof h5, "%s/%s.%s.x%.1f.h5", sub, f->stem, f->rep.robust[i], factor);
            const char *extra[1] = {set};
            bs_variants v2;
            bs_finding_result res = {0};
            if ((s = run_experiment(f->file, op, extra, 1, h5, rep2, sc, &v2, &res, err))) break;
            bs_variants_free(&v2);
            int j = f->n_robust++;
            _Static_assert(sizeof f->robust_param[j] == sizeof f->rep.robust[i], "sizes");
            memcpy(f->robust_param[j], f->rep.robust[i], sizeof f->robust_param[j]);
            f->robust_factor[j] = factor;
            f->robust_value[j] = y;
            f->robust_pass[j] = res.pass;
        }
    free(sc);
    free(rep2);
    return s;
}

/* The negative controls of a finding that passes: each must break what it names. */
static bs_status controls(bs_finding *f, const bs_findings_opts *op, bs_error *err)
{
    bs_scenario *sc = malloc(sizeof *sc);
    bs_replication *rep2 = malloc(sizeof *rep2);
    bs_status s = sc && rep2 ? BS_OK : bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    for (int c = 0; s == BS_OK && c < f->rep.n_controls; c++) {
        const char *extra[BS_REP_MAX_PARAMS];
        for (int k = 0; k < f->rep.controls[c].n_set; k++) extra[k] = f->rep.controls[c].set[k];
        char h5[900];
        snprintf(h5, sizeof h5, "%s/%s.control%d.h5", op->out_dir, f->stem, c + 1);
        bs_variants v2;
        s = run_experiment(f->file, op, extra, f->rep.controls[c].n_set, h5, rep2, sc, &v2,
                           &f->control[c], err);
        if (s) break;
        bs_variants_free(&v2);
        f->n_control_runs++;
        f->controls_ok &= bs_control_broke(&f->rep.controls[c], &f->control[c]);
    }
    free(sc);
    free(rep2);
    return s;
}

bs_status bs_finding_judge(const char *file, const bs_findings_opts *op, bs_finding *f,
                           bs_error *err)
{
    memset(f, 0, sizeof *f);
    snprintf(f->file, sizeof f->file, "%s", file);
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t len = strlen(base);
    snprintf(f->stem, sizeof f->stem, "%.*s", (int)(len > 5 ? len - 5 : len), base);
    char h5[900];
    snprintf(h5, sizeof h5, "%s/%s.h5", op->out_dir, f->stem);
    bs_scenario *sc = malloc(sizeof *sc);
    if (!sc) return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    bs_status s = run_experiment(f->file, op, NULL, 0, h5, &f->rep, sc, &f->vars, &f->main, err);
    if (s == BS_OK && op->robustness && f->rep.n_robust) s = robustness(f, op, sc, err);
    f->controls_ok = 1;
    /* a control shows the finding rests on its mechanism: only meaningful when it passes */
    if (s == BS_OK && op->controls && f->main.pass) s = controls(f, op, err);
    free(sc);
    if (s) {
        bs_variants_free(&f->vars);
        return s;
    }
    return BS_OK;
}

/* ---- text of criteria and verdicts ----------------------------------------------------- */

static const char *vname(const bs_variants *vars, int v)
{
    return v >= 0 ? bs_experiment_variant_name(vars, v) : "?";
}

void bs_criterion_text(const bs_criterion *c, const bs_variants *vars, char *buf, size_t n)
{
    switch (c->type) {
    case BS_CRIT_GREATER: snprintf(buf, n, "%s > %s", vname(vars, c->a), vname(vars, c->b)); break;
    case BS_CRIT_LESS: snprintf(buf, n, "%s < %s", vname(vars, c->a), vname(vars, c->b)); break;
    case BS_CRIT_INTERACTION:
        snprintf(buf, n, "(%s - %s) - (%s - %s) %s 0", vname(vars, c->cell[0]), vname(vars, c->cell[1]),
                 vname(vars, c->cell[2]), vname(vars, c->cell[3]), c->sign > 0 ? ">" : "<");
        break;
    case BS_CRIT_ORDERING: {
        size_t k = 0;
        buf[0] = '\0';
        for (int i = 0; i < c->n_list && k < n; i++)
            k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? (c->increasing ? " < " : " > ") : "",
                                  vname(vars, c->list[i]));
        break;
    }
    case BS_CRIT_SLOPE: snprintf(buf, n, "slope %s 0", c->sign > 0 ? ">" : "<"); break;
    case BS_CRIT_RATIO_IN:
        snprintf(buf, n, "%s / %s in [%g, %g]", vname(vars, c->a), vname(vars, c->b), c->min, c->max);
        break;
    case BS_CRIT_RANGE: snprintf(buf, n, "%s in [%g, %g]", vname(vars, c->a), c->min, c->max); break;
    case BS_CRIT_SHARE_OF: snprintf(buf, n, "share of %s >= %g", vname(vars, c->a), c->min); break;
    default: snprintf(buf, n, "?");
    }
}

void bs_verdict_effect_text(const bs_verdict *v, char *buf, size_t n)
{
    if (isnan(v->effect)) snprintf(buf, n, "n/a");
    else if (isnan(v->lo)) snprintf(buf, n, "%.4g", v->effect);
    else snprintf(buf, n, "%.4g [%.4g, %.4g]", v->effect, v->lo, v->hi);
}

void bs_verdict_stat_text(const bs_verdict *v, char *buf, size_t n)
{
    if (isnan(v->t)) snprintf(buf, n, "-");
    else if (isnan(v->p)) snprintf(buf, n, "t = %.3g vs bound", v->t);
    else if (v->p < 0.001) snprintf(buf, n, "t = %.3g, p < 0.001", v->t);
    else snprintf(buf, n, "t = %.3g, p = %.3f", v->t, v->p);
}
