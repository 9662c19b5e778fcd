/* SPDX-License-Identifier: MIT */
/*
 * findings_report.c: REPORT.md of a findings run (findings.h): the table of
 * every test's expected direction, basis (built in or emergent), simulated
 * effect with its 95 % CI, test statistic and verdict; what the tests rest on
 * (the built-in tests with their reasons, then the emergent ones); then each
 * finding's source, conditions, tests, negative controls and robustness.
 * Written through REPORT.md.partial.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "brandsim/brandsim.h"
#include "brandsim/findings.h"


static void md_escape(FILE *o, const char *s)
{
    for (; *s; s++) {
        if (*s == '|') fputs("\\|", o);
        else if (*s == '\n') fputc(' ', o);
        else fputc(*s, o);
    }
}

/* "What the tests rest on": how many tests are built in, emergent or not labelled, and
   the tests of each kind with their reasons (the unlabelled ones by name only). */
static void write_basis(FILE *o, const bs_finding *fs, int n)
{
    int count[BS_BASIS_COUNT] = {0}, total = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < fs[i].rep.n_tests; k++, total++) {
            int b = fs[i].rep.tests[k].basis;
            count[b >= 0 && b < BS_BASIS_COUNT ? b : BS_BASIS_NONE]++;
        }
    fprintf(o, "\n## What the tests rest on\n\n");
    fprintf(o, "%d of %d tests are **built in**: one model equation states the relation the test "
               "checks, so it cannot fail while that equation stands; passing shows that the "
               "equation is implemented and not outweighed by another channel, not that the "
               "finding emerges. ",
            count[BS_BASIS_BUILT_IN], total);
    if (count[BS_BASIS_EMERGENT])
        fprintf(o, "%d %s **emergent**, following from mechanisms that do not name the relation.",
                count[BS_BASIS_EMERGENT], count[BS_BASIS_EMERGENT] == 1 ? "is" : "are");
    else
        fprintf(o, "None is **emergent** (following from mechanisms that do not name the "
                   "relation).");
    if (count[BS_BASIS_NONE])
        fprintf(o, " %d %s not labelled (no `basis:` in %s file).", count[BS_BASIS_NONE],
                count[BS_BASIS_NONE] == 1 ? "is" : "are",
                count[BS_BASIS_NONE] == 1 ? "its" : "their");
    fprintf(o, " The findings, their sources and how each experiment departs from its study: "
               "docs/FINDINGS.md.\n");
    static const int order[] = {BS_BASIS_BUILT_IN, BS_BASIS_EMERGENT, BS_BASIS_NONE};
    static const char *const title[] = {"Built-in tests", "Emergent tests", "Tests not labelled"};
    for (int j = 0; j < 3; j++) {
        if (!count[order[j]]) continue;
        fprintf(o, "\n### %s\n\n", title[j]);
        for (int i = 0; i < n; i++)
            for (int k = 0; k < fs[i].rep.n_tests; k++) {
                const bs_rep_test *t = &fs[i].rep.tests[k];
                int b = t->basis >= 0 && t->basis < BS_BASIS_COUNT ? t->basis : BS_BASIS_NONE;
                if (b != order[j]) continue;
                fprintf(o, "- %s, ", fs[i].rep.id);
                md_escape(o, t->name);
                if (t->basis_reason[0]) {
                    fputs(": ", o);
                    md_escape(o, t->basis_reason);
                }
                fputc('\n', o);
            }
    }
}

bs_status bs_findings_write_report(const char *dir, const bs_finding *fs, int n,
                                   const bs_findings_opts *op, int all_pass, bs_error *err)
{
    char path[600], tmp[620];
    snprintf(path, sizeof path, "%s/REPORT.md", dir);
    snprintf(tmp, sizeof tmp, "%s.partial", path);
    FILE *o = fopen(tmp, "w");
    if (!o) return bs_error_setf(err, BS_ERR_RUNTIME, "cannot write '%s': %s", tmp, strerror(errno));
    int passed = 0;
    for (int i = 0; i < n; i++) passed += fs[i].main.pass;
    fprintf(o, "# Replication report\n\n");
    fprintf(o, "Produced by `brandsim replicate%s%s` (brandsim %s). Every finding of "
               "docs/FINDINGS.md as a virtual experiment: its conditions are variants of one "
               "scenario (scenarios/replication/), run with %s replicates each (seeds seed, seed+1, "
               "..., the same in every condition, so conditions are compared replicate by replicate). "
               "Effects are means over replicates with 95 %% confidence intervals (t distribution, GSL); "
               "a test passes when the interval lies on the side the finding predicts (or inside the "
               "stated range).\n\n",
            op->quick ? " --quick" : "", op->replicates ? " --replicates N" : "", BS_VERSION,
            op->replicates ? "the given number of" : op->quick ? "8" : "each finding's (30)");
    if (op->n_overrides) {
        fputs("Every scenario was run with these overrides before its conditions:", o);
        for (int k = 0; k < op->n_overrides; k++)
            fprintf(o, " `--set %s`", op->overrides[k]);
        fputs(".\n\n", o);
    }
    fprintf(o, "**%d of %d findings pass.**%s\n\n", passed, n,
            all_pass ? "" : " See the FAIL rows and each finding's notes below.");
    fprintf(o, "| id | source | expected | test | basis | simulated effect [95 %% CI] | test statistic | verdict |\n");
    fprintf(o, "|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < n; i++) {
        const bs_finding *f = &fs[i];
        for (int k = 0; k < f->rep.n_tests; k++) {
            char ex[200], ef[100], st[64];
            bs_criterion_text(&f->rep.tests[k].criterion, &f->vars, ex, sizeof ex);
            bs_verdict_effect_text(&f->main.v[k], ef, sizeof ef);
            bs_verdict_stat_text(&f->main.v[k], st, sizeof st);
            fprintf(o, "| %s | ", k ? "" : f->rep.id);
            if (!k) md_escape(o, f->rep.source);
            fputs(" | ", o);
            md_escape(o, ex);
            fputs(" | ", o);
            md_escape(o, f->rep.tests[k].name);
            fprintf(o, " | %s | %s | %s | %s |\n",
                    f->rep.tests[k].basis == BS_BASIS_NONE ? "-"
                                                           : bs_test_basis_name(f->rep.tests[k].basis),
                    ef, st, f->main.v[k].pass ? "pass" : "**FAIL**");
        }
        fprintf(o, "| **%s** | | | | | | | **%s**%s |\n", f->rep.id, f->main.pass ? "PASS" : "FAIL",
                f->rep.exploratory ? " (exploratory)" : "");
    }
    write_basis(o, fs, n);
    fprintf(o, "\n## Findings\n");
    for (int i = 0; i < n; i++) {
        const bs_finding *f = &fs[i];
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
            bs_criterion_text(&f->rep.tests[k].criterion, &f->vars, ex, sizeof ex);
            bs_verdict_effect_text(&f->main.v[k], ef, sizeof ef);
            bs_verdict_stat_text(&f->main.v[k], st, sizeof st);
            const bs_rep_test *T = &f->rep.tests[k];
            char out[400];
            if (T->contrast == BS_CONTRAST_NONE)
                snprintf(out, sizeof out, "%s", T->outcome.text);
            else
                snprintf(out, sizeof out, "%s(%s) %s (%s)%s",
                         T->contrast == BS_CONTRAST_LOG_RATIO ? "log " : "", T->outcome.text,
                         T->contrast == BS_CONTRAST_LOG_RATIO ? "/" : "minus", T->versus.text,
                         "");
            fprintf(o, "  - %s: outcome %s; criterion `%s` (%s): %s = %s, %s: **%s**",
                    f->rep.tests[k].name, out, ex,
                    bs_criterion_name(f->rep.tests[k].criterion.type), f->main.v[k].effect_name, ef, st,
                    f->main.v[k].pass ? "pass" : "FAIL");
            if (f->rep.tests[k].basis != BS_BASIS_NONE)
                fprintf(o, " (%s)", bs_test_basis_name(f->rep.tests[k].basis));
            fputc('\n', o);
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
            fprintf(o, " Result: %s.\n", bs_control_broke(ctl, &f->control[c])
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
    errno = 0;
    int bad = ferror(o);
    if (fclose(o) != 0 || bad || rename(tmp, path) != 0) {
        int e = errno ? errno : EIO;
        unlink(tmp);
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot write '%s': %s", path, strerror(e));
    }
    return BS_OK;
}
