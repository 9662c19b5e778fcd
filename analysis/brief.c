/* SPDX-License-Identifier: MIT */
/*
 * brief.c: the decision brief that opens `brandsim report` on a file with
 * variants (report.h): for one brand, the options (variants) ranked by net
 * contribution after the shock, each with its net value against the
 * baseline (paired by seed), payback, share lost, customers lost and revenge;
 * one figure of a metric over time for every option, each option's own
 * events marked; and the assumptions the ranking rests on, with the values
 * of the economic ones at which it flips. The economics change no number of
 * the model, so those flips are exact: a margin or a response cost at which
 * the net contributions of the runs, as run, would reorder.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/report_internal.h"
#include "brandsim/outcomes.h"
#include "brandsim/plot.h"
#include "brandsim/stats.h"

/* One option's numbers: its outcomes per replicate, and their means. */
typedef struct {
    int v;
    double *kpi;    /* R x BS_KPI_COUNT of the decided brand */
    double *payback; /* R, against the baseline */
    double mean[BS_KPI_COUNT];
    double margin;  /* the effective margin: (net + cost) / revenue after the shock */
    int rank;
} option;

#define html bs_report_text

/* The brand a decision is about: the named one, else the first brand of the first shock. */
static int decided_brand(const bs_results *r, const char *name, bs_error *err)
{
    if (name) {
        int b = bs_results_brand_index(r, name);
        if (b < 0)
            bs_error_setf(err, BS_ERR_INPUT, "%s: no brand '%s'", bs_results_path(r), name);
        return b;
    }
    int n = 0, t0 = bs_results_first_shock(r, 0);
    const bs_event *ev = bs_results_events(r, 0, &n);
    for (int i = 0; i < n; i++)
        if (ev[i].step == t0 && ev[i].brand >= 0 && bs_results_event_is_shock(ev[i].kind))
            return ev[i].brand;
    return 0;
}

/* The cell "mean [lo, hi]" of outcome o over the R values x, or its text for NaN. */
static void cell(FILE *out, bs_kpi o, const double *x, int R)
{
    char buf[96];
    bs_kpi_format_ci(o, bs_ci_mean(x, 1, (size_t)R, 0.95), buf, sizeof buf);
    fputs("<td>", out);
    html(out, buf);
    fputs("</td>", out);
}

static void values(const option *op, int R, bs_kpi o, double *x)
{
    for (int rep = 0; rep < R; rep++)
        x[rep] = op->kpi[(size_t)rep * BS_KPI_COUNT + o];
}

/* The table: options ranked by net contribution, with their net value against the baseline. */
static void ranking(FILE *out, const bs_results *r, const option *ops, int V, int base, int R)
{
    double *x = malloc((size_t)R * sizeof *x), *y = malloc((size_t)R * sizeof *y);
    if (!x || !y) {
        free(x), free(y);
        return;
    }
    fputs("<div class=\"wide\"><table class=\"brief\"><thead><tr><th>rank</th><th>option</th>"
          "<th>net contribution after the shock<br><small>currency units</small></th>"
          "<th>net value against the baseline<br><small>paired by seed</small></th>"
          "<th>payback<br><small>weeks</small></th><th>cost of the response<br><small>currency "
          "units</small></th><th>share lost<br><small>percentage points</small></th>"
          "<th>customers lost after the shock</th><th>revenge acts</th></tr></thead><tbody>\n",
          out);
    for (int rank = 1; rank <= V; rank++)
        for (int k = 0; k < V; k++) {
            const option *op = &ops[k];
            if (op->rank != rank)
                continue;
            fprintf(out, "<tr%s><td>%d</td><td>", k == base ? " class=\"base\"" : "", rank);
            html(out, bs_results_variant_name(r, op->v));
            fputs(k == base ? " <small>(baseline)</small>" : "", out);
            fputs("</td>", out);
            values(op, R, BS_KPI_NET_CONTRIBUTION, x);
            cell(out, BS_KPI_NET_CONTRIBUTION, x, R);
            if (k == base)
                fputs("<td>&mdash;</td><td>&mdash;</td>", out);
            else {
                values(&ops[base], R, BS_KPI_NET_CONTRIBUTION, y);
                bs_effect e = bs_kpi_difference(x, R, y, R, BS_TEST_PAIRED);
                bs_ci c = {e.estimate, e.se, e.lo, e.hi, (size_t)R};
                char buf[96], p[48] = "";
                bs_kpi_format_ci(BS_KPI_NET_CONTRIBUTION, c, buf, sizeof buf);
                if (isfinite(e.p))
                    snprintf(p, sizeof p, " <small>p&nbsp;=&nbsp;%.2g</small>", e.p);
                fputs("<td>", out);
                html(out, buf);
                fprintf(out, "%s</td>", p);
                int late = 0;
                for (int rep = 0; rep < R; rep++)
                    late += isnan(op->payback[rep]);
                if (late)
                    fprintf(out, "<td>not within the run <small>(%d of %d)</small></td>", late, R);
                else
                    cell(out, BS_KPI_RECOVERY_WEEKS, op->payback, R);
            }
            static const bs_kpi rest[] = {BS_KPI_RESPONSE_COST, BS_KPI_SHARE_LOST,
                                          BS_KPI_CUSTOMERS_LOST, BS_KPI_REVENGE_ACTS};
            for (size_t q = 0; q < sizeof rest / sizeof *rest; q++) {
                values(op, R, rest[q], x);
                cell(out, rest[q], x, R);
            }
            fputs("</tr>\n", out);
        }
    fputs("</tbody></table></div>\n", out);
    free(x);
    free(y);
}

/* What the ranking rests on: the margin and each option's response cost, with the values at
 * which the first option would lose its place to another (the runs as run: exact). */
static void assumptions(FILE *out, const bs_results *r, const option *ops, int V)
{
    const option *top = NULL;
    for (int k = 0; k < V; k++)
        if (ops[k].rank == 1)
            top = &ops[k];
    if (!top)
        return;
    const double rev = top->mean[BS_KPI_REVENUE_AFTER], cost = top->mean[BS_KPI_RESPONSE_COST];
    fputs("<h3>What the ranking rests on</h3>\n<p>The net contributions above rest on the "
          "scenario's margin and the costs of the responses (its <code>economics:</code> "
          "section), and on the model's effects of each response (<code>model.response_apology"
          "</code>, <code>response_compensation</code>, <code>response_transparency</code>, "
          "<code>response_halflife</code>). No consumer sees a price, so the economic "
          "assumptions move no number of the runs: the values at which the ranking flips are "
          "exact for these runs.</p>\n<ul>\n",
          out);
    fprintf(out, "<li>The margin on sales after the shock is %.3g.", top->margin);
    double lo = 0, hi = 1; /* margins over which the top option stays first */
    const option *lo_by = NULL, *hi_by = NULL;
    for (int k = 0; k < V; k++) {
        const option *o = &ops[k];
        if (o == top)
            continue;
        double drev = rev - o->mean[BS_KPI_REVENUE_AFTER];
        double dcost = cost - o->mean[BS_KPI_RESPONSE_COST];
        if (drev == 0)
            continue;
        double m = dcost / drev; /* top's net - o's net = m drev - dcost: 0 at m */
        if (drev > 0 && m > lo) /* top gains with the margin: below m it loses to o */
            lo = m, lo_by = o;
        if (drev < 0 && m < hi)
            hi = m, hi_by = o;
    }
    fputs(" The first option stays first for any margin", out);
    if (lo_by)
        fprintf(out, " above %.3g (below it, <b>", lo);
    if (lo_by)
        html(out, bs_results_variant_name(r, lo_by->v)), fputs("</b> earns more)", out);
    if (hi_by)
        fprintf(out, "%s below %.3g (above it, <b>", lo_by ? " and" : "", hi);
    if (hi_by)
        html(out, bs_results_variant_name(r, hi_by->v)), fputs("</b> earns more)", out);
    if (!lo_by && !hi_by)
        fputs(" between 0 and 1", out);
    fputs(".</li>\n", out);
    if (cost > 0) {
        double k_star = INFINITY; /* the factor on its cost at which another option overtakes */
        const option *by = NULL;
        for (int k = 0; k < V; k++) {
            const option *o = &ops[k];
            if (o == top)
                continue;
            double f = (top->mean[BS_KPI_NET_CONTRIBUTION] + cost - o->mean[BS_KPI_NET_CONTRIBUTION])
                       / cost;
            if (f < k_star)
                k_star = f, by = o;
        }
        fputs("<li>The first option's response costs ", out);
        char c[32];
        snprintf(c, sizeof c, "%.0f", cost);
        html(out, c);
        fprintf(out, " on average. It stays first until its cost is %.2g times that", k_star);
        if (by) {
            fputs(" (then <b>", out);
            html(out, bs_results_variant_name(r, by->v));
            fputs("</b> earns more)", out);
        }
        fputs(".</li>\n", out);
    } else
        fputs("<li>The first option costs nothing to carry out.</li>\n", out);
    fputs("<li>The response effects are the model's; whether the ranking holds across them, and "
          "across breach sizes and reach, is what <code>brandsim sweep</code> with "
          "<code>options:</code> answers (docs/DECISIONS.md).</li>\n</ul>\n",
          out);
}

/* The figure: the metric over time for every option, each option's own events marked. */
static bs_status figure(FILE *out, const bs_results *r, const option *ops, int V, int base,
                        int brand, const bs_series_ref *ref, const bs_plot_env *env,
                        const char *dir, bs_error *err)
{
    bs_plot_arm *arms = calloc((size_t)V, sizeof *arms);
    if (!arms)
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    for (int k = 0; k < V; k++) {
        arms[k].r = r;
        arms[k].v = ops[k].v;
        arms[k].label = bs_results_variant_name(r, ops[k].v);
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/brief.svg", dir);
    bs_plot_env svg = *env;
    svg.format = BS_PLOT_SVG;
    const char *name = bs_results_brand_name(r, brand);
    bs_status s = bs_plot_compare_ref(&svg, arms, V, base, ref, &name, 1, path, err);
    free(arms);
    if (!s)
        s = bs_report_embed_svg(out, path, "every option over time", err);
    return s;
}

bs_status bs_report_brief(FILE *out, const bs_results *r, const bs_plot_env *env,
                          const bs_brief_opts *opt, const char *dir, bs_error *err)
{
    const int V = bs_results_variants(r), R = bs_results_replicates(r), B = bs_results_brands(r);
    int brand = decided_brand(r, opt ? opt->brand : NULL, err), base = 0;
    if (brand < 0)
        return err->status;
    if (opt && opt->baseline && (base = bs_results_variant_index(r, opt->baseline)) < 0)
        return bs_error_setf(err, BS_ERR_INPUT, "%s: no variant '%s'", bs_results_path(r),
                             opt->baseline);
    bs_series_ref ref;
    if (bs_series_ref_parse("all", opt && opt->metric ? opt->metric : "market_share", "--metric",
                            &ref, err))
        return err->status;
    option *ops = calloc((size_t)V, sizeof *ops);
    double *all = malloc((size_t)R * (size_t)(B ? B : 1) * BS_KPI_COUNT * sizeof *all);
    double *pay = malloc((size_t)R * (size_t)(B ? B : 1) * sizeof *pay);
    bs_status s = ops && all && pay ? BS_OK : bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    for (int k = 0; !s && k < V; k++) {
        option *op = &ops[k];
        op->v = k;
        op->kpi = malloc((size_t)R * BS_KPI_COUNT * sizeof *op->kpi);
        op->payback = calloc((size_t)R, sizeof *op->payback);
        if (!op->kpi || !op->payback) {
            s = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
            break;
        }
        if ((s = bs_kpis_compute(r, k, 0, all, err)))
            break;
        for (int rep = 0; rep < R; rep++)
            memcpy(op->kpi + (size_t)rep * BS_KPI_COUNT,
                   all + ((size_t)rep * B + (size_t)brand) * BS_KPI_COUNT,
                   BS_KPI_COUNT * sizeof *all);
        if (k != base && (s = bs_kpis_payback(r, k, r, base, pay, err)))
            break;
        for (int rep = 0; k != base && rep < R; rep++)
            op->payback[rep] = pay[(size_t)rep * B + (size_t)brand];
        for (int o = 0; o < BS_KPI_COUNT; o++) {
            double x = 0;
            for (int rep = 0; rep < R; rep++)
                x += op->kpi[(size_t)rep * BS_KPI_COUNT + o];
            op->mean[o] = x / R;
        }
        op->margin = op->mean[BS_KPI_REVENUE_AFTER] > 0
                         ? (op->mean[BS_KPI_NET_CONTRIBUTION] + op->mean[BS_KPI_RESPONSE_COST])
                               / op->mean[BS_KPI_REVENUE_AFTER]
                         : NAN;
    }
    if (!s && !isfinite(ops[base].mean[BS_KPI_NET_CONTRIBUTION]))
        s = bs_error_setf(err, BS_ERR_INPUT,
                          "%s: no net contribution (a file written before the economics): run "
                          "the scenario again for a decision brief",
                          bs_results_path(r));
    for (int k = 0; !s && k < V; k++) { /* rank by mean net contribution; ties by order */
        int rank = 1;
        for (int c = 0; c < V; c++)
            rank += ops[c].mean[BS_KPI_NET_CONTRIBUTION] > ops[k].mean[BS_KPI_NET_CONTRIBUTION]
                    || (ops[c].mean[BS_KPI_NET_CONTRIBUTION] == ops[k].mean[BS_KPI_NET_CONTRIBUTION]
                        && c < k);
        ops[k].rank = rank;
    }
    if (!s) {
        const option *top = NULL;
        for (int k = 0; k < V; k++)
            if (ops[k].rank == 1)
                top = &ops[k];
        fputs("<h2>The decision</h2>\n<p class=\"answer\">For <b>", out);
        html(out, bs_results_brand_name(r, brand));
        fputs("</b>, <b>", out);
        html(out, bs_results_variant_name(r, top->v));
        fputs("</b> leaves the most after the shock", out);
        if (top->v != base) {
            fprintf(out, ": %.0f more than <b>", top->mean[BS_KPI_NET_CONTRIBUTION]
                                                     - ops[base].mean[BS_KPI_NET_CONTRIBUTION]);
            html(out, bs_results_variant_name(r, ops[base].v));
            fputs("</b> (the baseline) on average", out);
        } else
            fputs(": no option earns more than the baseline", out);
        fprintf(out, ", over %d replicate%s of each option with the same seeds. Options are "
                     "ranked by net contribution after the shock (margin &times; revenue &minus; "
                     "the response's cost, from the shock on); mean [95&nbsp;%% CI].</p>\n",
                R, R == 1 ? "" : "s");
        ranking(out, r, ops, V, base, R);
        s = figure(out, r, ops, V, base, brand, &ref, env, dir, err);
        if (!s)
            assumptions(out, r, ops, V);
    }
    for (int k = 0; ops && k < V; k++) {
        free(ops[k].kpi);
        free(ops[k].payback);
    }
    free(ops);
    free(all);
    free(pay);
    return s;
}
