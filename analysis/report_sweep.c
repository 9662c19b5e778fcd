/* SPDX-License-Identifier: MIT */
/*
 * report_sweep.c: the HTML page of a finished sweep (report.h,
 * bs_report_sweep_html): the decision between its options under
 * uncertainty (sweep_decide.c) first, then the sensitivity of the key
 * outcomes to its factors (sweep_sensitivity.c) as tables and figures
 * (plot_sensitivity.c, SVG embedded), then what was swept. Self-contained
 * like the run report: nothing from the network or other files.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/report_internal.h"
#include "analysis/sweep_internal.h"
#include "brandsim/version.h"

#define html bs_report_text

static void decision(FILE *out, const bs_sweep *s, const bs_option_value *ov, const bs_flip *fl)
{
    const size_t O = bs_sweep_options(s);
    const size_t points = s->P / O;
    fputs("<h2>The decision</h2>\n<p class=\"answer\">For <b>", out);
    html(out, bs_sweep_decided_brand(s));
    fputs("</b>, ", out);
    for (size_t o = 0; o < O; o++)
        if (ov[o].rank == 1) {
            fputs("<b>", out);
            html(out, ov[o].label);
            fprintf(out, "</b> has the highest expected net contribution after the shock: %.0f "
                         "more than the baseline (",
                    ov[o].value.estimate);
            html(out, ov[0].label);
            fprintf(out, "), and is the best option in %.0f&nbsp;%% of the %zu uncertain points "
                         "&times; %d replicates.",
                    100 * ov[o].p_best, points, s->R);
        }
    fputs("</p>\n<div class=\"wide\"><table class=\"brief\"><thead><tr><th>rank</th><th>option"
          "</th><th>net contribution after the shock<br><small>mean</small></th><th>net value "
          "against the baseline<br><small>mean [95&nbsp;% CI], paired</small></th><th>P(best)"
          "</th><th>mean regret</th><th>worst regret</th></tr></thead><tbody>\n",
          out);
    for (int rank = 1; rank <= (int)O; rank++)
        for (size_t o = 0; o < O; o++) {
            if (ov[o].rank != rank)
                continue;
            fprintf(out, "<tr%s><td>%d</td><td>", o == 0 ? " class=\"base\"" : "", rank);
            html(out, ov[o].label);
            fprintf(out, "%s</td><td>%.0f</td><td>", o == 0 ? " <small>(baseline)</small>" : "",
                    ov[o].net);
            if (o == 0)
                fputs("&mdash;", out);
            else if (isfinite(ov[o].value.lo))
                fprintf(out, "%.0f [%.0f, %.0f]", ov[o].value.estimate, ov[o].value.lo,
                        ov[o].value.hi);
            else
                fprintf(out, "%.0f", ov[o].value.estimate);
            fprintf(out, "</td><td>%.0f&nbsp;%%</td><td>%.0f</td><td>%.0f</td></tr>\n",
                    100 * ov[o].p_best, ov[o].regret_mean, ov[o].regret_max);
        }
    fputs("</tbody></table></div>\n<h3>Where the ranking flips</h3>\n<ul>\n", out);
    for (int i = 0; i < s->k - s->ko; i++) {
        const bs_flip *f = &fl[i];
        fputs("<li>Along <code>", out);
        html(out, s->factors[f->factor].path);
        fputs("</code>: ", out);
        if (!f->flips) {
            fputs("the best option stays <b>", out);
            html(out, ov[f->best[0] >= 0 ? f->best[0] : 0].label);
            fputs("</b> over the whole range.", out);
        } else {
            fputs("the best option changes from <b>", out);
            html(out, ov[f->from].label);
            fputs("</b> to <b>", out);
            html(out, ov[f->to].label);
            fputs("</b> at about ", out);
            html(out, f->at);
            fputs(f->flips > 1 ? " (and again further on)." : ".", out);
        }
        fputs("</li>\n", out);
    }
    if (s->k == s->ko)
        fputs("<li>No uncertain factors: the options were compared at the scenario as it is.</li>\n",
              out);
    fputs("</ul>\n<p>Each uncertain factor's range is cut into five equal parts; the best "
          "option is the one with the highest mean net contribution in a part, and a flip is "
          "placed where the two options' difference crosses zero between the parts' centres "
          "(docs/DECISIONS.md).</p>\n",
          out);
}

static void sensitivity_table(FILE *out, const bs_sweep *s, int j, bs_kpi o)
{
    bs_sensitivity *ix = malloc((size_t)s->k * sizeof *ix);
    bs_error e = {0};
    if (!ix)
        return;
    fputs("<h3>", out);
    html(out, bs_sweep_brand(s, j));
    fputs(": ", out);
    html(out, bs_kpi_get(o)->label);
    fputs("</h3>\n", out);
    if (bs_sweep_sensitivity(s, j, o, ix, &e)) {
        fputs("<p>n/a: ", out);
        html(out, e.msg);
        fputs("</p>\n", out);
        free(ix);
        return;
    }
    const bs_design_kind d = s->design;
    fputs("<div class=\"wide\"><table><thead><tr><th>factor</th>", out);
    fputs(d == BS_DESIGN_SALTELLI ? "<th>first order [95&nbsp;% CI]</th><th>total [95&nbsp;% CI]</th>"
          : d == BS_DESIGN_MORRIS ? "<th>&mu;*</th><th>&sigma;</th>"
                                  : "<th>low end</th><th>high end</th><th>swing</th>",
          out);
    fputs("</tr></thead><tbody>\n", out);
    for (int i = 0; i < s->k; i++) {
        const bs_sensitivity *x = &ix[i];
        fputs("<tr><td><code>", out);
        html(out, s->factors[i].path);
        fputs("</code></td>", out);
        if (d == BS_DESIGN_SALTELLI)
            fprintf(out, "<td>%.2f [%.2f, %.2f]</td><td>%.2f [%.2f, %.2f]</td>",
                    x->sobol.first.estimate, x->sobol.first.lo, x->sobol.first.hi,
                    x->sobol.total.estimate, x->sobol.total.lo, x->sobol.total.hi);
        else if (d == BS_DESIGN_MORRIS)
            fprintf(out, "<td>%.4g</td><td>%.4g</td>", x->morris.mu_star, x->morris.sigma);
        else
            fprintf(out, "<td>%.4g</td><td>%.4g</td><td>%.4g</td>", x->oat.low, x->oat.high,
                    fabs(x->oat.high - x->oat.low));
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table></div>\n", out);
    free(ix);
}

static bs_status sensitivity(FILE *out, const bs_sweep *s, const bs_plot_env *env, bs_error *err)
{
    static const bs_kpi shown[] = {BS_KPI_NET_CONTRIBUTION, BS_KPI_SHARE_LOST,
                                   BS_KPI_CUSTOMERS_LOST, BS_KPI_REVENGE_ACTS};
    fputs("<h2>Which assumptions matter</h2>\n<p>", out);
    fputs(s->design == BS_DESIGN_SALTELLI
              ? "First-order and total Sobol indices: the share of an outcome's variance a factor "
                "explains alone, and with all its interactions (95&nbsp;% bootstrap CIs)."
          : s->design == BS_DESIGN_MORRIS
              ? "Morris screening: &mu;* is a factor's mean absolute effect over its range, "
                "&sigma; how much that effect depends on the other factors."
              : "One factor at a time: the outcome with the factor at its low and high end, the "
                "others in the middle.",
          out);
    fputs("</p>\n", out);
    for (int j = 0; j < s->nb && j < 4; j++)
        for (size_t q = 0; q < sizeof shown / sizeof *shown; q++)
            sensitivity_table(out, s, j, shown[q]);
    /* the figures of the same outcomes, drawn as SVG in a folder removed afterwards */
    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/brandsim-sweep-report-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot create a temporary folder %s: %s", dir,
                             strerror(errno));
    enum { LEN = 4300 };
    char(*files)[LEN] = calloc(BS_KPI_COUNT, LEN);
    int n = 0;
    bs_plot_env svg = *env;
    svg.format = BS_PLOT_SVG;
    bs_status st = files ? bs_sweep_plot_sensitivity(s, &svg, dir, files[0], LEN, &n, err)
                         : bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    for (int i = 0; i < n; i++) {
        int keep = 0;
        for (size_t q = 0; q < sizeof shown / sizeof *shown; q++) {
            char name[128];
            snprintf(name, sizeof name, "/sensitivity_%s.svg", bs_kpi_get(shown[q])->name);
            keep |= strstr(files[i], name) != NULL;
        }
        if (!st && keep)
            st = bs_report_embed_svg(out, files[i], "sensitivity", err);
        else
            remove(files[i]);
    }
    free(files);
    rmdir(dir);
    return st;
}

bs_status bs_report_sweep_html(const bs_sweep *s, const bs_plot_env *env, FILE *out, bs_error *err)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>brandsim: "
          "sweep ",
          out);
    html(out, s->name);
    fprintf(out, "</title>\n<style>%s</style></head><body>\n<h1>brandsim sweep: ", bs_report_style());
    html(out, s->name);
    fputs("</h1>\n<p>Table <code>", out);
    html(out, s->source);
    fprintf(out, "</code>: %zu runs, %zu points &times; %d replicates (seeds %llu to %llu, the same "
                 "at every point), %s design.</p>\n",
            bs_sweep_runs(s), s->P, s->R, (unsigned long long)s->base->seed,
            (unsigned long long)(s->base->seed + (uint64_t)s->R - 1),
            s->design == BS_DESIGN_COUNT ? "a file's" : bs_design_name(s->design));
    bs_status st = BS_OK;
    if (s->ko) {
        const size_t O = bs_sweep_options(s);
        bs_option_value *ov = malloc(O * sizeof *ov);
        bs_flip *fl = malloc((size_t)(s->k - s->ko + 1) * sizeof *fl);
        st = ov && fl ? bs_sweep_decide(s, ov, fl, err)
                      : bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
        if (!st)
            decision(out, s, ov, fl);
        free(ov);
        free(fl);
    }
    if (!st && bs_sweep_has_sensitivity(s))
        st = sensitivity(out, s, env, err);
    if (!st && !s->ko && !bs_sweep_has_sensitivity(s))
        fputs("<p>This sweep has neither options (a decision) nor a saltelli, morris or oat design "
              "(sensitivity indices): its table is for your own analysis (pandas, R).</p>\n",
              out);
    fputs("<h2>What was swept</h2>\n<table><thead><tr><th>factor</th><th>role</th><th>values"
          "</th></tr></thead><tbody>\n",
          out);
    for (int i = 0; i < s->k; i++) {
        fputs("<tr><td><code>", out);
        html(out, s->factors[i].path);
        fprintf(out, "</code></td><td>%s</td><td>", i < s->ko ? "option" : "uncertain");
        double lo = INFINITY, hi = -INFINITY;
        int numeric = 1;
        for (size_t p = 0; p < s->P; p++) {
            char *end;
            double x = strtod(bs_sweep_cell(s, p, i), &end);
            numeric &= *end == '\0' && end != bs_sweep_cell(s, p, i);
            lo = fmin(lo, x), hi = fmax(hi, x);
        }
        if (numeric)
            fprintf(out, "%.4g to %.4g", lo, hi);
        else
            for (size_t p = 0, shown = 0; p < s->P && shown < 12; p++) { /* the distinct levels */
                int seen = 0;
                for (size_t q = 0; q < p; q++)
                    seen |= !strcmp(bs_sweep_cell(s, q, i), bs_sweep_cell(s, p, i));
                if (seen)
                    continue;
                fputs(shown++ ? ", " : "", out);
                html(out, bs_sweep_cell(s, p, i));
            }
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table>\n<p><small>Written by brandsim " BS_VERSION
          "; figures drawn with gnuplot.</small></p>\n</body></html>\n",
          out);
    return st;
}
