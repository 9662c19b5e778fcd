/*
 * cli_replicate.c: `brandsim replicate`: run every finding's virtual
 * experiment (scenarios/replication/<ID>-*.yaml: variants x replicates into
 * one ensemble file each), compute each test's outcome per run and its
 * criterion's effect, 95 % CI and t test (analysis/replication.c), run the
 * negative controls (which must FAIL) and, with --robustness, every key
 * parameter at 0.5x and 1.5x; print the table and write DIR/REPORT.md.
 * Exit 0 only if every finding passes and every negative control fails.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/replication.h"
#include "cli/cli.h"
#include "experiment/ensemble.h"

enum { MAX_FILES = 64, QUICK_REPLICATES = 8 };


static void usage(FILE *out)
{
    fputs("usage: brandsim replicate [--quick] [--only ID,...] [-o DIR] [--replicates R]\n"
          "                          [--robustness] [--no-controls] [--threads N]\n"
          "                          [--scenarios DIR]\n"
          "\n"
          "Run the virtual experiment of every published finding (../shared/FINDINGS.md ids,\n"
          "scenarios/replication/), test each against its criterion with a 95 % confidence\n"
          "interval, check that each negative control FAILS, and print the table.\n"
          "\n"
          "  --quick             8 replicates per condition instead of each finding's own (30)\n"
          "  --only ID,...       only these findings (e.g. F1,F5,C2)\n"
          "  -o, --output DIR    where REPORT.md and the HDF5 of every run go\n"
          "                      (default results/replication)\n"
          "  --replicates R      replicates per condition (overrides --quick and the files)\n"
          "  --robustness        also re-run each finding with each of its key parameters at\n"
          "                      0.5x and 1.5x, and say whether the verdict holds\n"
          "  --no-controls       skip the negative controls\n"
          "  --threads N         OpenMP threads per run (results do not depend on it)\n"
          "  --scenarios DIR     where the experiments are (default scenarios/replication)\n"
          "  -h, --help          this help\n"
          "\n"
          "exit codes: 0 every finding passes (and every negative control fails),\n"
          "            3 some finding fails, 2 bad input, 1 anything else\n",
          out);
}

/* ---- one experiment -------------------------------------------------------------- */

typedef struct {
    const bs_replication *rep;
    int V, R, T, B;
    double *series; /* [test][v][r][t] */
    double *values; /* [test][v * R + r] */
} watch;

static void watch_step(void *ctx, int v, int r, const bs_run *run)
{
    watch *w = ctx;
    int t = bs_run_steps_done(run) - 1;
    const bs_stats *st = bs_run_stats(run);
    for (int k = 0; k < w->rep->n_tests; k++) {
        const bs_outcome *o = &w->rep->tests[k].outcome;
        double *row = w->series + (((size_t)k * w->V + v) * w->R + r) * w->T;
        row[t] = bs_outcome_series_value(o, st);
        if (t == w->T - 1)
            w->values[(size_t)k * w->V * w->R + (size_t)v * w->R + r] = bs_outcome_value(o, row, w->T);
    }
}

static int watch_stop(void *ctx)
{
    (void)ctx;
    return cli_stop_signal != 0;
}

typedef struct {
    int pass, n_tests;
    bs_verdict v[BS_REP_MAX_TESTS];
    double seconds;
} outcome_set;

typedef struct {
    int threads, replicates, quick;
    const char *out_dir;
} options;

/* Run the experiment of `path` with extra overrides into out_h5, and judge it. An exit code. */
static int run_experiment(const char *path, const options *op, const char *const *extra,
                          int n_extra, const char *out_h5, bs_replication *rep,
                          bs_scenario *sc, bs_variants *vars, outcome_set *res)
{
    cli_overrides ov = {.n = 0};
    for (int k = 0; k < n_extra && k < 256; k++) ov.items[ov.n++] = extra[k];
    int rc = cli_load_variants(path, &ov, sc, vars);
    if (rc) return rc;
    bs_error err = {0};
    if (bs_replication_load(path, sc, vars, rep, &err)) {
        bs_variants_free(vars);
        return cli_fail(&err);
    }
    sc->replicates = op->replicates ? op->replicates : op->quick ? QUICK_REPLICATES : rep->replicates;
    int V = bs_ensemble_variant_count(vars), R = sc->replicates;
    watch w = {rep, V, R, sc->steps, sc->n_brands, NULL, NULL};
    w.series = malloc((size_t)rep->n_tests * V * R * sc->steps * sizeof *w.series);
    w.values = malloc((size_t)rep->n_tests * V * R * sizeof *w.values);
    if (!w.series || !w.values) {
        free(w.series);
        free(w.values);
        bs_variants_free(vars);
        fputs("brandsim: out of memory\n", stderr);
        return BS_EXIT_RUNTIME;
    }
    char joined[2048] = "";
    for (int k = 0, n = 0; k < n_extra; k++)
        n += snprintf(joined + n, sizeof joined - (size_t)n, "%s%s", k ? "\n" : "", extra[k]);
    bs_ensemble_opts opt = {op->threads, joined, {0}, &w, watch_step, watch_stop};
    opt.prov.version = BS_VERSION;
    opt.prov.threads = op->threads > 0 ? op->threads : omp_get_max_threads();
    opt.prov.command_line = "brandsim replicate";
    opt.prov.host = "";
    opt.prov.started_utc = "";
    double t0 = omp_get_wtime();
    bs_status s = bs_ensemble_run(sc, vars, out_h5, &opt, &err);
    res->seconds = omp_get_wtime() - t0;
    if (s) {
        free(w.series);
        free(w.values);
        bs_variants_free(vars);
        if (cli_stop_signal) {
            fprintf(stderr, "brandsim: %s; stopped\n", err.msg);
            return BS_EXIT_RUNTIME;
        }
        return cli_fail(&err);
    }
    res->pass = 1;
    res->n_tests = rep->n_tests;
    for (int k = 0; k < rep->n_tests; k++) {
        res->v[k] = bs_criterion_eval(&rep->tests[k].criterion, w.values + (size_t)k * V * R, V, R);
        res->pass &= res->v[k].pass;
    }
    free(w.series);
    free(w.values);
    return BS_EXIT_OK;
}

/* ---- reporting --------------------------------------------------------------------- */

/* A control works when every test it names fails (the finding, if it names none). */
static int control_broke(const bs_rep_control *ctl,
                         const outcome_set *res)
{
    if (!ctl->n_breaks) return !res->pass;
    for (int k = 0; k < ctl->n_breaks; k++)
        if (res->v[ctl->breaks[k]].pass) return 0;
    return 1;
}

static const char *vname(const bs_variants *vars, int v)
{
    return v >= 0 ? bs_ensemble_variant_name(vars, v) : "?";
}

/* The criterion in symbols: "apology < none", "interaction > 0", ... */
static void expected_text(const bs_criterion *c, const bs_variants *vars, char *buf, size_t n)
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

static void effect_text(const bs_verdict *v, char *buf, size_t n)
{
    if (isnan(v->effect)) snprintf(buf, n, "n/a");
    else if (isnan(v->lo)) snprintf(buf, n, "%.4g", v->effect);
    else snprintf(buf, n, "%.4g [%.4g, %.4g]", v->effect, v->lo, v->hi);
}

static void stat_text(const bs_verdict *v, char *buf, size_t n)
{
    if (isnan(v->t)) snprintf(buf, n, "-");
    else if (isnan(v->p)) snprintf(buf, n, "t = %.3g vs bound", v->t);
    else if (v->p < 0.001) snprintf(buf, n, "t = %.3g, p < 0.001", v->t);
    else snprintf(buf, n, "t = %.3g, p = %.3f", v->t, v->p);
}

typedef struct {
    char file[512], stem[128];
    bs_replication rep;
    bs_variants vars; /* names only are used after the run */
    outcome_set main, control[BS_REP_MAX_CONTROLS];
    int n_control_runs, controls_ok, ran; /* controls_ok: every control broke its tests */
    int n_robust;           /* robustness runs made */
    char robust_param[2 * BS_REP_MAX_PARAMS][96];
    double robust_value[2 * BS_REP_MAX_PARAMS], robust_factor[2 * BS_REP_MAX_PARAMS];
    int robust_pass[2 * BS_REP_MAX_PARAMS];
} finding;

static void print_row_header(void)
{
    printf("%-4s %-44s %-30s %-34s %-22s %s\n", "id", "test", "expected", "simulated effect [95 % CI]",
           "test statistic", "verdict");
}

static void print_finding(const finding *f)
{
    for (int k = 0; k < f->rep.n_tests; k++) {
        char ex[200], ef[100], st[64];
        expected_text(&f->rep.tests[k].criterion, &f->vars, ex, sizeof ex);
        effect_text(&f->main.v[k], ef, sizeof ef);
        stat_text(&f->main.v[k], st, sizeof st);
        printf("%-4s %-44.44s %-30.30s %-34s %-22s %s\n", k ? "" : f->rep.id, f->rep.tests[k].name, ex,
               ef, st, f->main.v[k].pass ? "pass" : "FAIL");
    }
    printf("%-4s => %s%s", f->rep.id, f->main.pass ? "PASS" : "FAIL",
           f->rep.exploratory ? " (exploratory)" : "");
    if (!f->main.pass && f->rep.n_controls)
        printf("; negative controls not run (the finding already fails)");
    else if (f->n_control_runs)
        printf("; %s", f->controls_ok ? (f->n_control_runs > 1 ? "negative controls fail, as they must"
                                                               : "negative control fails, as it must")
                                      : "a negative control does NOT fail: the experiment cannot fail");
    if (f->n_robust) {
        int held = 0;
        for (int i = 0; i < f->n_robust; i++) held += f->robust_pass[i] == f->main.pass;
        printf("; robustness: verdict holds in %d of %d re-runs%s", held, f->n_robust,
               held == f->n_robust ? "" : " (FRAGILE)");
    }
    printf("   [%.1f s]\n", f->main.seconds);
    fflush(stdout);
}

static void md_escape(FILE *o, const char *s)
{
    for (; *s; s++) {
        if (*s == '|') fputs("\\|", o);
        else if (*s == '\n') fputc(' ', o);
        else fputc(*s, o);
    }
}

static int write_report(const char *dir, finding *fs, int n, const options *op, int all_pass)
{
    char path[600], tmp[620];
    snprintf(path, sizeof path, "%s/REPORT.md", dir);
    snprintf(tmp, sizeof tmp, "%s.partial", path);
    FILE *o = fopen(tmp, "w");
    if (!o) {
        fprintf(stderr, "brandsim: cannot write '%s': %s\n", tmp, strerror(errno));
        return BS_EXIT_RUNTIME;
    }
    int passed = 0;
    for (int i = 0; i < n; i++) passed += fs[i].main.pass;
    fprintf(o, "# Replication report\n\n");
    fprintf(o, "Produced by `brandsim replicate%s%s` (brandsim %s). Every finding of "
               "../shared/FINDINGS.md as a virtual experiment: its conditions are variants of one "
               "scenario (scenarios/replication/), run with %s replicates each (seeds seed, seed+1, "
               "..., the same in every condition, so conditions are compared replicate by replicate). "
               "Effects are means over replicates with 95 %% confidence intervals (t distribution, GSL); "
               "a test passes when the interval lies on the side the finding predicts (or inside the "
               "stated range).\n\n",
            op->quick ? " --quick" : "", op->replicates ? " --replicates N" : "", BS_VERSION,
            op->replicates ? "the given number of" : op->quick ? "8" : "each finding's (30)");
    fprintf(o, "**%d of %d findings pass.**%s\n\n", passed, n,
            all_pass ? "" : " See the FAIL rows and each finding's notes below.");
    fprintf(o, "| id | source | expected | test | simulated effect [95 %% CI] | test statistic | verdict |\n");
    fprintf(o, "|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < n; i++) {
        finding *f = &fs[i];
        for (int k = 0; k < f->rep.n_tests; k++) {
            char ex[200], ef[100], st[64];
            expected_text(&f->rep.tests[k].criterion, &f->vars, ex, sizeof ex);
            effect_text(&f->main.v[k], ef, sizeof ef);
            stat_text(&f->main.v[k], st, sizeof st);
            fprintf(o, "| %s | ", k ? "" : f->rep.id);
            if (!k) md_escape(o, f->rep.source);
            fputs(" | ", o);
            md_escape(o, ex);
            fputs(" | ", o);
            md_escape(o, f->rep.tests[k].name);
            fprintf(o, " | %s | %s | %s |\n", ef, st, f->main.v[k].pass ? "pass" : "**FAIL**");
        }
        fprintf(o, "| **%s** | | | | | | **%s**%s |\n", f->rep.id, f->main.pass ? "PASS" : "FAIL",
                f->rep.exploratory ? " (exploratory)" : "");
    }
    fprintf(o, "\n## Findings\n");
    for (int i = 0; i < n; i++) {
        finding *f = &fs[i];
        fprintf(o, "\n### %s: %s\n\n", f->rep.id, f->main.pass ? "PASS" : "FAIL");
        fprintf(o, "- Source: ");
        md_escape(o, f->rep.source);
        fprintf(o, "\n- Expected: ");
        md_escape(o, f->rep.expected);
        fprintf(o, "\n- Scenario: `%s`, HDF5: `%s.h5`\n", f->file, f->stem);
        fprintf(o, "- Conditions (variants):\n");
        for (int v = 0; v < f->vars.n; v++) {
            fprintf(o, "  - `%s`:", f->vars.v[v].name);
            if (!f->vars.v[v].n_set) fputs(" the scenario as written", o);
            for (int k = 0; k < f->vars.v[v].n_set; k++) fprintf(o, " `%s`", f->vars.v[v].set[k]);
            fputc('\n', o);
        }
        fprintf(o, "- Tests:\n");
        for (int k = 0; k < f->rep.n_tests; k++) {
            char ex[200], ef[100], st[64];
            expected_text(&f->rep.tests[k].criterion, &f->vars, ex, sizeof ex);
            effect_text(&f->main.v[k], ef, sizeof ef);
            stat_text(&f->main.v[k], st, sizeof st);
            fprintf(o, "  - %s: outcome %s; criterion `%s` (%s): %s = %s, %s: **%s**\n",
                    f->rep.tests[k].name, f->rep.tests[k].outcome.text, ex,
                    bs_criterion_name(f->rep.tests[k].criterion.type), f->main.v[k].effect_name, ef, st,
                    f->main.v[k].pass ? "pass" : "FAIL");
        }
        for (int c = 0; c < f->n_control_runs; c++) {
            const bs_rep_control *ctl = &f->rep.controls[c];
            fprintf(o, "- Negative control \"");
            md_escape(o, ctl->name);
            fprintf(o, "\" (");
            for (int k = 0; k < ctl->n_set; k++) fprintf(o, "%s`%s`", k ? ", " : "", ctl->set[k]);
            fprintf(o, "): ");
            md_escape(o, ctl->why);
            size_t wl = strlen(ctl->why);
            fprintf(o, "%s Must break: ", wl && ctl->why[wl - 1] != '.' ? "." : "");
            if (!ctl->n_breaks) fprintf(o, "the finding.");
            for (int k = 0; k < ctl->n_breaks; k++)
                fprintf(o, "%s\"%s\" (now %s)", k ? ", " : "", f->rep.tests[ctl->breaks[k]].name,
                        f->control[c].v[ctl->breaks[k]].pass ? "**still passes**" : "fails");
            fprintf(o, " Result: %s.\n", control_broke(ctl, &f->control[c])
                                             ? "it breaks, as it must"
                                             : "**it does not break: this experiment cannot fail**");
        }
        if (!f->main.pass && f->rep.n_controls)
            fprintf(o, "- Negative controls: %d declared, not run: the finding already fails.\n",
                    f->rep.n_controls);
        else if (!f->n_control_runs)
            fprintf(o, "- Negative control: none declared.\n");
        if (f->n_robust) {
            fprintf(o, "- Robustness (each key parameter at 0.5x and 1.5x, clamped to its range):");
            for (int r = 0; r < f->n_robust; r++)
                fprintf(o, " `%s` x%.1f = %g: %s;", f->robust_param[r], f->robust_factor[r],
                        f->robust_value[r], f->robust_pass[r] ? "pass" : "FAIL");
            int held = 0;
            for (int r = 0; r < f->n_robust; r++) held += f->robust_pass[r] == f->main.pass;
            fprintf(o, " the verdict holds in %d of %d%s.\n", held, f->n_robust,
                    held == f->n_robust ? "" : ": **fragile**");
        }
    }
    if (fclose(o) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "brandsim: cannot write '%s': %s\n", path, strerror(errno));
        unlink(tmp);
        return BS_EXIT_RUNTIME;
    }
    printf("wrote %s\n", path);
    return BS_EXIT_OK;
}

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

static int scenario_dir(const char *given, char *out, size_t n)
{
    struct stat sb;
    if (given) {
        snprintf(out, n, "%s", given);
        if (stat(out, &sb) == 0 && S_ISDIR(sb.st_mode)) return 0;
        fprintf(stderr, "brandsim: replicate: --scenarios '%s' is not a directory\n", given);
        return BS_EXIT_INPUT;
    }
    snprintf(out, n, "scenarios/replication");
    if (stat(out, &sb) == 0 && S_ISDIR(sb.st_mode)) return 0;
#ifdef BS_SOURCE_DIR
    snprintf(out, n, "%s/scenarios/replication", BS_SOURCE_DIR);
    if (stat(out, &sb) == 0 && S_ISDIR(sb.st_mode)) return 0;
#endif
    fputs("brandsim: replicate: no scenarios/replication directory here or in the source tree, "
          "expected --scenarios DIR\n", stderr);
    return BS_EXIT_INPUT;
}

static int mkdir_p(const char *dir)
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

/* ---- the command ---------------------------------------------------------------------- */

static int robustness(finding *f, const options *op, const bs_scenario *base)
{
    bs_scenario *sc = malloc(sizeof *sc);
    if (!sc) {
        fputs("brandsim: out of memory\n", stderr);
        return BS_EXIT_RUNTIME;
    }
    int rc = BS_EXIT_OK;
    char sub[600];
    snprintf(sub, sizeof sub, "%s/robustness", op->out_dir);
    if (mkdir_p(sub)) {
        fprintf(stderr, "brandsim: cannot create '%s': %s\n", sub, strerror(errno));
        free(sc);
        return BS_EXIT_RUNTIME;
    }
    for (int i = 0; i < f->rep.n_robust && rc == BS_EXIT_OK; i++)
        for (int s = 0; s < 2 && rc == BS_EXIT_OK; s++) {
            double x, factor = s ? 1.5 : 0.5;
            const bs_param *p;
            bs_error err = {0};
            if (bs_scenario_get(base, f->rep.robust[i], &x, &p, &err)) {
                rc = cli_fail(&err);
                break;
            }
            double y = fmin(fmax(x * factor, p->min), p->max);
            if (p->type != BS_P_REAL) y = round(y);
            char set[200], h5[900];
            snprintf(set, sizeof set, "%s=%.17g", f->rep.robust[i], y);
            snprintf(h5, sizeof h5, "%s/%s.%s.x%.1f.h5", sub, f->stem, f->rep.robust[i], factor);
            const char *extra[1] = {set};
            bs_replication rep2;
            bs_variants v2;
            outcome_set res = {0};
            if ((rc = run_experiment(f->file, op, extra, 1, h5, &rep2, sc, &v2, &res))) break;
            bs_variants_free(&v2);
            int k = f->n_robust++;
            snprintf(f->robust_param[k], sizeof f->robust_param[k], "%s", f->rep.robust[i]);
            f->robust_factor[k] = factor;
            f->robust_value[k] = y;
            f->robust_pass[k] = res.pass;
        }
    free(sc);
    return rc;
}

int cli_replicate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"quick", no_argument, 0, 'Q'},        {"only", required_argument, 0, 'O'},
        {"output", required_argument, 0, 'o'}, {"replicates", required_argument, 0, 'R'},
        {"robustness", no_argument, 0, 'B'},   {"no-controls", no_argument, 0, 'C'},
        {"threads", required_argument, 0, 'j'}, {"scenarios", required_argument, 0, 'S'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    options op = {0, 0, 0, "results/replication"};
    const char *only = NULL, *sdir_given = NULL;
    int robust = 0, controls = 1, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        char *end;
        long v;
        switch (c) {
        case 'Q': op.quick = 1; break;
        case 'O': only = optarg; break;
        case 'o': op.out_dir = optarg; break;
        case 'B': robust = 1; break;
        case 'C': controls = 0; break;
        case 'S': sdir_given = optarg; break;
        case 'R':
        case 'j':
            errno = 0;
            v = strtol(optarg, &end, 10);
            if (end == optarg || *end || errno || v < (c == 'R' ? 2 : 1) || v > 100000) {
                fprintf(stderr, "brandsim: replicate: %s: '%s' is not valid, expected an integer in "
                                "[%d, 100000]\n", c == 'R' ? "--replicates" : "--threads", optarg,
                        c == 'R' ? 2 : 1);
                return BS_EXIT_INPUT;
            }
            if (c == 'R') op.replicates = (int)v;
            else op.threads = (int)v;
            break;
        case 'h': usage(stdout); return BS_EXIT_OK;
        default:
            fprintf(stderr, "brandsim: replicate: unknown or incomplete option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return BS_EXIT_INPUT;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "brandsim: replicate: unexpected argument '%s'\n", argv[optind]);
        return BS_EXIT_INPUT;
    }
    char sdir[512];
    int rc = scenario_dir(sdir_given, sdir, sizeof sdir);
    if (rc) return rc;
    DIR *d = opendir(sdir);
    if (!d) {
        fprintf(stderr, "brandsim: replicate: cannot read '%s': %s\n", sdir, strerror(errno));
        return BS_EXIT_INPUT;
    }
    char *names[MAX_FILES];
    static char ids[MAX_FILES][32]; /* of every experiment, for --only's check */
    int n = 0, n_ids = 0;
    for (struct dirent *e; (e = readdir(d)) && n < MAX_FILES;) {
        size_t len = strlen(e->d_name);
        char id[32];
        id_of(e->d_name, id, sizeof id);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".yaml")) continue;
        if (n_ids < MAX_FILES) snprintf(ids[n_ids++], sizeof ids[0], "%s", id);
        if (wanted(id, only)) names[n++] = strdup(e->d_name);
    }
    closedir(d);
    /* every id --only names must be an experiment: "F1,Z9" runs nothing of Z9 */
    for (const char *p = only; p && *p;) {
        size_t k = strcspn(p, ",");
        int known = 0;
        for (int i = 0; i < n_ids && !known; i++)
            known = k == strlen(ids[i]) && !strncasecmp(p, ids[i], k);
        if (!known) {
            fprintf(stderr, "brandsim: replicate: --only: no experiment '%.*s' in '%s', expected "
                            "finding ids such as F1, F12, C3, separated by commas\n",
                    (int)k, p, sdir);
            for (int i = 0; i < n; i++) free(names[i]);
            return BS_EXIT_INPUT;
        }
        p += k + (p[k] == ',');
    }
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    if (n == 0) {
        fprintf(stderr, "brandsim: replicate: no experiment in '%s'%s%s\n", sdir, only ? " matches --only " : "",
                only ? only : "");
        return BS_EXIT_INPUT;
    }
    struct stat od;
    if (stat(op.out_dir, &od) == 0 && !S_ISDIR(od.st_mode)) {
        fprintf(stderr, "brandsim: replicate: -o '%s': it is a file, expected a folder for the "
                        "results\n", op.out_dir);
        for (int i = 0; i < n; i++) free(names[i]);
        return BS_EXIT_INPUT;
    }
    if (mkdir_p(op.out_dir)) {
        fprintf(stderr, "brandsim: cannot create '%s': %s\n", op.out_dir, strerror(errno));
        for (int i = 0; i < n; i++) free(names[i]);
        return BS_EXIT_RUNTIME;
    }
    cli_catch_stop_signals();

    finding *fs = calloc((size_t)n, sizeof *fs);
    bs_scenario *sc = malloc(sizeof *sc);
    if (!fs || !sc) {
        fputs("brandsim: out of memory\n", stderr);
        rc = BS_EXIT_RUNTIME;
        goto done;
    }
    print_row_header();
    int all_pass = 1, done_n = 0;
    for (int i = 0; i < n && rc == BS_EXIT_OK; i++) {
        finding *f = &fs[i];
        snprintf(f->file, sizeof f->file, "%s/%s", sdir, names[i]);
        snprintf(f->stem, sizeof f->stem, "%.*s", (int)(strlen(names[i]) - 5), names[i]);
        char h5[900];
        snprintf(h5, sizeof h5, "%s/%s.h5", op.out_dir, f->stem);
        if ((rc = run_experiment(f->file, &op, NULL, 0, h5, &f->rep, sc, &f->vars, &f->main))) break;
        f->ran = 1;
        done_n++;
        if (robust && f->rep.n_robust && (rc = robustness(f, &op, sc))) break;
        f->controls_ok = 1;
        /* a control shows the finding rests on its mechanism: only meaningful when it passes */
        for (int cc = 0; controls && f->main.pass && cc < f->rep.n_controls && rc == BS_EXIT_OK; cc++) {
            const char *extra[BS_REP_MAX_PARAMS];
            for (int k = 0; k < f->rep.controls[cc].n_set; k++) extra[k] = f->rep.controls[cc].set[k];
            snprintf(h5, sizeof h5, "%s/%s.control%d.h5", op.out_dir, f->stem, cc + 1);
            bs_replication *rep2 = malloc(sizeof *rep2);
            bs_variants v2;
            if (!rep2) { rc = BS_EXIT_RUNTIME; break; }
            rc = run_experiment(f->file, &op, extra, f->rep.controls[cc].n_set, h5, rep2, sc, &v2,
                                &f->control[cc]);
            free(rep2);
            if (rc) break;
            bs_variants_free(&v2);
            f->n_control_runs++;
            f->controls_ok &= control_broke(&f->rep.controls[cc], &f->control[cc]);
        }
        if (rc) break;
        all_pass &= f->controls_ok;
        all_pass &= f->main.pass;
        print_finding(f);
    }
    if (rc == BS_EXIT_OK) {
        rc = write_report(op.out_dir, fs, done_n, &op, all_pass);
        int passed = 0;
        for (int i = 0; i < done_n; i++) passed += fs[i].main.pass;
        printf("%d of %d findings pass%s\n", passed, done_n,
               all_pass ? "" : "; see the FAIL rows (or a negative control that passes)");
        if (rc == BS_EXIT_OK && !all_pass) rc = 3;
    }
done:
    for (int i = 0; fs && i < n; i++) bs_variants_free(&fs[i].vars);
    for (int i = 0; i < n; i++) free(names[i]);
    free(fs);
    free(sc);
    return rc;
}
