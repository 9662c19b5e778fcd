/* SPDX-License-Identifier: MIT */
/*
 * cli_replicate.c: `brandsim replicate`: parse the options, find the
 * experiments (scenarios/replication/ or --scenarios), have the findings
 * engine (analysis/findings.c) judge each finding, its negative controls
 * and, with --robustness, its re-runs; print the table as findings are
 * judged and have REPORT.md written. Exit 0 only if every finding passes and
 * every negative control fails, 3 if not.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "brandsim/findings.h"
#include "cli/cli.h"


static void usage(FILE *out)
{
    fputs("usage: brandsim replicate [--quick] [--only ID,...] [-o DIR] [--replicates R]\n"
          "                          [--robustness] [--no-controls] [--threads N]\n"
          "                          [--scenarios DIR]\n"
          "\n"
          "Run the virtual experiment of every published finding (docs/FINDINGS.md ids,\n"
          "scenarios/replication/), test each against its criterion with a 95 % confidence\n"
          "interval, check that each negative control FAILS, and print the table.\n"
          "\n"
          "  --quick             8 replicates per condition instead of each finding's own (30)\n"
          "  --only ID,...       only these findings (e.g. F1,F5,C2)\n"
          "  -o, --output DIR    where REPORT.md, the HDF5 of every experiment and its\n"
          "                      outcome table (STEM.outcomes.csv: a row per test,\n"
          "                      condition and replicate) go\n"
          "                      (default results/replication)\n"
          "  --replicates R      replicates per condition (overrides --quick and the files)\n"
          "  --robustness        also re-run each finding with each of its key parameters at\n"
          "                      0.5x and 1.5x, and say whether the verdict holds\n"
          "  --no-controls       skip the negative controls\n"
          "  --threads N         OpenMP threads per run (results do not depend on it)\n"
          "  --scenarios DIR     where the experiments are (default scenarios/replication)\n"
          "  --set key.path=value  override a key of every finding's scenario, before its\n"
          "                      conditions (repeatable; recorded in REPORT.md)\n"
          "  -h, --help          this help\n"
          "\n"
          "under mpirun (a build with MPI), the runs spread over the ranks, each on its\n"
          "--threads; rank 0 writes the same files (docs/CLUSTER.md)\n"
          "\n"
          "exit codes: 0 every finding passes (and every negative control fails),\n"
          "            3 some finding fails, 2 bad input, 1 anything else\n",
          out);
}

static void print_row_header(void)
{
    printf("%-4s %-44s %-30s %-34s %-22s %s\n", "id", "test", "expected", "simulated effect [95 % CI]",
           "test statistic", "verdict");
}

static void print_finding(const bs_finding *f)
{
    for (int k = 0; k < f->rep.n_tests; k++) {
        char ex[200], ef[100], st[64];
        bs_criterion_text(&f->rep.tests[k].criterion, &f->vars, ex, sizeof ex);
        bs_verdict_effect_text(&f->main.v[k], ef, sizeof ef);
        bs_verdict_stat_text(&f->main.v[k], st, sizeof st);
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

int cli_replicate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"quick", no_argument, 0, 'Q'},        {"only", required_argument, 0, 'O'},
        {"output", required_argument, 0, 'o'}, {"replicates", required_argument, 0, 'R'},
        {"robustness", no_argument, 0, 'B'},   {"no-controls", no_argument, 0, 'C'},
        {"threads", required_argument, 0, 'j'}, {"scenarios", required_argument, 0, 'S'},
        {"set", required_argument, 0, 's'},    {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    bs_findings_opts op = {.controls = 1, .out_dir = "results/replication"};
    static const char *sets[256];
    const char *only = NULL, *sdir_given = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        char *end;
        long v;
        switch (c) {
        case 'Q': op.quick = 1; break;
        case 'O': only = optarg; break;
        case 'o': op.out_dir = optarg; break;
        case 'B': op.robustness = 1; break;
        case 'C': op.controls = 0; break;
        case 'S': sdir_given = optarg; break;
        case 's':
            if (op.n_overrides == 256) {
                fputs("brandsim: replicate: too many --set\n", stderr);
                return BS_EXIT_INPUT;
            }
            sets[op.n_overrides++] = optarg;
            op.overrides = sets;
            break;
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
    bs_error err = {0};
    char **names = NULL;
    int n = 0;
    if (bs_findings_list(sdir, only, &names, &n, &err)) return cli_fail(&err);
    struct stat od;
    if (stat(op.out_dir, &od) == 0 && !S_ISDIR(od.st_mode)) {
        fprintf(stderr, "brandsim: replicate: -o '%s': it is a file, expected a folder for the "
                        "results\n", op.out_dir);
        bs_findings_list_free(names, n);
        return BS_EXIT_INPUT;
    }
    if (bs_mkdir_p(op.out_dir)) {
        fprintf(stderr, "brandsim: cannot create '%s': %s\n", op.out_dir, strerror(errno));
        bs_findings_list_free(names, n);
        return BS_EXIT_RUNTIME;
    }
    cli_catch_stop_signals();
    op.cancel = cli_cancel();
    op.dist = cli_distributor();

    bs_finding *fs = calloc((size_t)n, sizeof *fs);
    if (!fs) {
        fputs("brandsim: out of memory\n", stderr);
        bs_findings_list_free(names, n);
        return BS_EXIT_RUNTIME;
    }
    print_row_header();
    int all_pass = 1, done_n = 0;
    for (int i = 0; i < n && rc == BS_EXIT_OK; i++) {
        char file[1024];
        snprintf(file, sizeof file, "%s/%s", sdir, names[i]);
        if (bs_finding_judge(file, &op, &fs[i], &err)) {
            rc = cli_fail_stopped(&err, "stopped");
            break;
        }
        done_n++;
        all_pass &= fs[i].controls_ok && fs[i].main.pass;
        print_finding(&fs[i]);
    }
    if (rc == BS_EXIT_OK && !bs_distributor_is_root(op.dist)) {
        /* rank 0 writes the report; the verdicts, the same on every rank, give the exit code */
        if (!all_pass) rc = 3;
    } else if (rc == BS_EXIT_OK) {
        if (bs_findings_write_report(op.out_dir, fs, done_n, &op, all_pass, &err)) rc = cli_fail(&err);
        else printf("wrote %s/REPORT.md\n", op.out_dir);
        int passed = 0;
        for (int i = 0; i < done_n; i++) passed += fs[i].main.pass;
        printf("%d of %d findings pass%s\n", passed, done_n,
               all_pass ? "" : "; see the FAIL rows (or a negative control that passes)");
        if (rc == BS_EXIT_OK && !all_pass) rc = 3;
    }
    for (int i = 0; i < done_n; i++) bs_variants_free(&fs[i].vars);
    bs_findings_list_free(names, n);
    free(fs);
    return rc;
}
