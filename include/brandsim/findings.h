/* SPDX-License-Identifier: MIT */
/*
 * findings.h: the findings engine behind `brandsim replicate`. A finding is
 * a scenario file in scenarios/replication/ with a `replication:` block
 * (replication.h): its conditions are variants, run as one experiment
 * (sim/experiment/) with every test's outcome computed from each run as it
 * goes; then each criterion's verdict, the negative controls (the same
 * experiment with the responsible mechanism switched off: it must FAIL), and
 * optionally the robustness re-runs (each key parameter at 0.5x and 1.5x).
 * The report (REPORT.md) is written by findings_report.c. No printing: the
 * caller sees each judged finding through a callback.
 */
#ifndef BS_ANALYSIS_FINDINGS_H
#define BS_ANALYSIS_FINDINGS_H

#include "brandsim/replication.h"
#include "brandsim/experiment.h"
#include "brandsim/visibility.h"

BS_API_BEGIN

enum { BS_FINDINGS_QUICK_REPLICATES = 8 };

/* The verdicts of one experiment (the finding itself, or one of its controls). */
typedef struct {
    int pass, n_tests;
    bs_verdict v[BS_REP_MAX_TESTS];
    double seconds;
} bs_finding_result;

/* One finding, as judged. */
typedef struct {
    char file[512], stem[128]; /* scenario file, and its name without .yaml */
    bs_replication rep;
    bs_variants vars; /* its conditions (names and overrides) */
    bs_finding_result main, control[BS_REP_MAX_CONTROLS];
    int n_control_runs;
    int controls_ok;  /* every control run broke what it names */
    int n_robust;     /* robustness runs made */
    char robust_param[2 * BS_REP_MAX_PARAMS][96];
    double robust_value[2 * BS_REP_MAX_PARAMS], robust_factor[2 * BS_REP_MAX_PARAMS];
    int robust_pass[2 * BS_REP_MAX_PARAMS];
} bs_finding;

typedef struct {
    int threads;     /* per run (0: the OpenMP default) */
    int replicates;  /* per condition; 0: quick ? 8 : each file's own */
    int quick;
    int robustness;  /* also the 0.5x / 1.5x re-runs */
    int controls;    /* run the negative controls (of a finding that passes) */
    const char *out_dir; /* where the HDF5 files go (and REPORT.md) */
    bs_cancel cancel;
    /* applied to every finding's scenario before its conditions ("key=value", as --set);
     * recorded in REPORT.md */
    const char *const *overrides;
    int n_overrides;
    /* each experiment's runs spread over processes (distribute.h; NULL: here): every rank
     * judges the same findings with the same options; rank 0 writes the files, and the
     * verdicts reach every rank, which take the same path (the controls of a finding that
     * passes) */
    const bs_distributor *dist;
} bs_findings_opts;

/* The experiment files of `dir` ("<ID>-*.yaml"), in natural id order (C1 < ... < F2 < F10),
 * those whose id is in the comma-separated list `only` (NULL: all; ids are matched without
 * regard to case). An id in `only` that names no file is BS_ERR_INPUT, as is a folder with
 * none. *names: file names (not paths), free with bs_findings_list_free(). */
bs_status bs_findings_list(const char *dir, const char *only, char ***names, int *n,
                           bs_error *err);
void bs_findings_list_free(char **names, int n);

/* Judge the finding of scenario file `file`: run its experiment into out_dir/STEM.h5 (and
 * its outcome table, one row per test, condition and replicate, into
 * out_dir/STEM.outcomes.csv: finding,test,condition,replicate,seed,value), then
 * (opt->robustness) its robustness re-runs into out_dir/robustness/, then (opt->controls, and
 * only if the finding passes) its negative controls into out_dir/STEM.controlK.h5 (each with
 * its outcome table beside it, likewise). Fills f.
 * On success free f->vars with bs_variants_free(). */
bs_status bs_finding_judge(const char *file, const bs_findings_opts *opt, bs_finding *f,
                           bs_error *err);

/* A control works when every test it names fails (the finding, if it names none). */
int bs_control_broke(const bs_rep_control *ctl, const bs_finding_result *res);

/* The criterion in symbols: "apology < none", "interaction > 0", ... */
void bs_criterion_text(const bs_criterion *c, const bs_variants *vars, char *buf, size_t n);
/* The effect and its CI: "0.12 [0.1, 0.14]", "n/a"; the statistic: "t = 3.1, p = 0.004". */
void bs_verdict_effect_text(const bs_verdict *v, char *buf, size_t n);
void bs_verdict_stat_text(const bs_verdict *v, char *buf, size_t n);

/* Write DIR/REPORT.md (through REPORT.md.partial, renamed when complete) for n judged
 * findings. all_pass: every finding passes and every control breaks. */
bs_status bs_findings_write_report(const char *dir, const bs_finding *fs, int n,
                                   const bs_findings_opts *opt, int all_pass, bs_error *err);

/* Create `dir` and its parents (like mkdir -p). 0, or -1 with errno. */
int bs_mkdir_p(const char *dir);

BS_API_END

#endif
