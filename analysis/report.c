/* SPDX-License-Identifier: MIT */
/*
 * report.c: the HTML report (see report.h). Figures are drawn as SVG into a
 * temporary folder, read back, base64-encoded into <img src="data:..."> (so
 * the ids inside gnuplot's SVGs cannot clash on one page) and deleted.
 */
#define _POSIX_C_SOURCE 200809L
#include "brandsim/brandsim.h"
#include "brandsim/report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/report_internal.h"
#include "brandsim/outcomes.h"

void bs_report_text(FILE *out, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
}

static void base64(FILE *out, const unsigned char *p, size_t n)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        fputc(digits[v >> 18 & 63], out);
        fputc(digits[v >> 12 & 63], out);
        fputc(i + 1 < n ? digits[v >> 6 & 63] : '=', out);
        fputc(i + 2 < n ? digits[v & 63] : '=', out);
    }
}


#define html bs_report_text

/* Embed one SVG file as an <img>, then delete it. */
bs_status bs_report_embed_svg(FILE *out, const char *path, const char *alt, bs_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot read %s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    unsigned char *buf = size > 0 ? malloc((size_t)size) : NULL;
    size_t got = buf ? fread(buf, 1, (size_t)size, f) : 0;
    fclose(f);
    remove(path);
    if (!buf || got != (size_t)size) {
        free(buf);
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot read %s: %s", path, "short read");
    }
    fputs("<figure><img alt=\"", out);
    html(out, alt);
    fputs("\" src=\"data:image/svg+xml;base64,", out);
    base64(out, buf, got);
    fputs("\"></figure>\n", out);
    free(buf);
    return BS_OK;
}

static void key_numbers(FILE *out, const bs_results *r, int v, const double *all)
{
    int R = bs_results_replicates(r), B = bs_results_brands(r), n = 0;
    double *vals = malloc((size_t)R * sizeof *vals);
    unsigned char *hit = calloc((size_t)(B ? B : 1), 1); /* brands an event names */
    if (!vals || !hit) {
        free(vals);
        free(hit);
        return;
    }
    const bs_event *ev = bs_results_events(r, v, &n);
    for (int i = 0; i < n; i++)
        if (ev[i].brand >= 0 && ev[i].brand < B && strcmp(ev[i].kind, "policy"))
            hit[ev[i].brand] = 1;
    fputs("<div class=\"wide\"><table><thead><tr><th>brand</th>", out);
    for (int o = 0; o < BS_KPI_COUNT; o++) {
        const bs_kpi_info *oi = bs_kpi_get((bs_kpi)o);
        fputs("<th>", out);
        html(out, oi->label);
        fputs("<br><small>", out);
        html(out, oi->percent ? "percentage points" : oi->units);
        fputs("</small></th>", out);
    }
    fputs("</tr></thead><tbody>\n", out);
    for (int b = 0; b < B; b++) {
        fputs("<tr><td>", out);
        html(out, bs_results_brand_name(r, b));
        fputs("</td>", out);
        for (int o = 0; o < BS_KPI_COUNT; o++) {
            char cell[96];
            if (!hit[b] && (o == BS_KPI_RECOVERY_WEEKS || o == BS_KPI_REVENGE_DAYS
                            || o == BS_KPI_RESPONSE_COST)) {
                fputs("<td>n/a</td>", out); /* nothing happened to it to recover from */
                continue;
            }
            bs_kpi_values(all, R, B, b, (bs_kpi)o, vals);
            bs_kpi_format_ci((bs_kpi)o, bs_ci_mean(vals, 1, (size_t)R, 0.95), cell,
                                 sizeof cell);
            fputs("<td>", out);
            html(out, cell);
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table></div>\n", out);
    free(vals);
    free(hit);
}

static void events(FILE *out, const bs_results *r, int v)
{
    int n = 0;
    const bs_event *ev = bs_results_events(r, v, &n);
    const double *day = bs_results_days(r);
    if (n == 0) {
        fputs("<p>No shocks or policy actions.</p>\n", out);
        return;
    }
    fputs("<table><thead><tr><th>step</th><th>day</th><th>brand</th><th>kind</th>"
          "<th>size</th></tr></thead><tbody>\n", out);
    for (int i = 0; i < n; i++) {
        int t = ev[i].step;
        fprintf(out, "<tr><td>%d</td><td>%g</td><td>", t,
                t > 0 && t <= bs_results_steps(r) ? day[t - 1] : 0.0);
        html(out, ev[i].brand >= 0 ? bs_results_brand_name(r, ev[i].brand) : "-");
        fputs("</td><td>", out);
        html(out, ev[i].kind);
        fprintf(out, "</td><td>%g</td></tr>\n", ev[i].size);
    }
    fputs("</tbody></table>\n", out);
}

static const char *style =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1200px;margin:2em auto;"
    "padding:0 1em;color:#202020;line-height:1.4}"
    "h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:1em 0;font-size:0.92em}"
    "th,td{border:1px solid #ccc;padding:0.3em 0.6em;text-align:right}td{white-space:nowrap}"
    "table.brief tr.base{background:#f7f7f7}p.answer{font-size:1.15em}"
    "h2.detail{margin-top:3em}div.wide{overflow-x:auto}"
    "th:first-child,td:first-child{text-align:left}thead{background:#f0f0f0}"
    "figure{margin:1.5em 0}img{max-width:100%;height:auto;border:1px solid #eee}"
    "pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:0.85em}"
    "small{color:#555;font-weight:normal}";

const char *bs_report_style(void) { return style; }

/* The figures of variant v, drawn into dir (created and removed here). */
static bs_status figures(FILE *out, const bs_results *r, int v, const bs_plot_env *env,
                         const char *dir, bs_error *err)
{
    enum { LEN = 4096 };
    char(*files)[LEN] = calloc(BS_FIG_COUNT, LEN);
    int n = 0;
    if (!files)
        return bs_error_setf(err, BS_ERR_RUNTIME, "%s%s", "out of memory", "");
    bs_plot_env svg = *env;
    svg.format = BS_PLOT_SVG;
    bs_status s = bs_plot_standard(&svg, r, v, NULL, dir, files[0], LEN, &n, err);
    for (int i = 0; i < n; i++) {
        int k = bs_figure_of_file(files[i]);
        if (!s)
            s = bs_report_embed_svg(out, files[i], bs_figure_title((bs_figure)(k >= 0 ? k : 0)), err);
        else
            remove(files[i]);
    }
    free(files);
    return s;
}

bs_status bs_report_html(const bs_results *r, const bs_plot_env *env, FILE *out, bs_error *err)
{
    return bs_report_html_brief(r, env, NULL, out, err);
}

bs_status bs_report_html_brief(const bs_results *r, const bs_plot_env *env,
                               const bs_brief_opts *brief, FILE *out, bs_error *err)
{
    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/brandsim-report-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot create a temporary folder %s: %s", dir, strerror(errno));
    int R = bs_results_replicates(r), B = bs_results_brands(r), S = bs_results_steps(r);
    double *all = malloc((size_t)R * (B ? B : 1) * BS_KPI_COUNT * sizeof *all);
    if (!all) {
        rmdir(dir);
        return bs_error_setf(err, BS_ERR_RUNTIME, "%s%s", "out of memory", "");
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>brandsim: ",
          out);
    html(out, bs_results_scenario_name(r));
    fprintf(out, "</title>\n<style>%s</style></head><body>\n<h1>brandsim report: ", style);
    html(out, bs_results_scenario_name(r));
    fputs("</h1>\n<p>File <code>", out);
    html(out, bs_results_path(r));
    fprintf(out, "</code>: %lld consumers, %d steps of %g days, %d brands, seed %llu; ",
            (long long)bs_results_consumers(r), S, bs_results_step_days(r), B,
            (unsigned long long)bs_results_seed(r));
    if (bs_results_is_ensemble(r))
        fprintf(out, "an ensemble of %d variants &times; %d replicates.", bs_results_variants(r),
                R);
    else
        fputs("a single run.", out);
    fputs(" Share lost: share before the first shock minus the lowest after it; regained: final "
          "minus that lowest; recovery: weeks until the month's share is back within 95&nbsp;% of "
          "the month before the shock; net contribution: margin &times; revenue &minus; the "
          "response's cost, from the shock on; revenge days: from the first shock until mean "
          "desire for revenge falls below 10&nbsp;% of its peak (&ldquo;not reached&rdquo;: not "
          "within the run); n/a for a brand no shock names: nothing happened to it to recover "
          "from. With replicates: mean [95&nbsp;% CI]. Definitions: docs/ANALYSIS.md.</p>\n",
          out);
    bs_status s = BS_OK;
    if (bs_results_variants(r) >= 2) {
        s = bs_report_brief(out, r, env, brief, dir, err);
        if (!s)
            fputs("<h2 class=\"detail\">Each option in detail</h2>\n", out);
    }
    for (int v = 0; v < bs_results_variants(r) && !s; v++) {
        if (bs_results_is_ensemble(r)) {
            fputs("<h2>Variant ", out);
            html(out, bs_results_variant_name(r, v));
            fputs("</h2>\n<p>Overrides: <code>", out);
            html(out, *bs_results_overrides(r, v) ? bs_results_overrides(r, v) : "none");
            fputs("</code></p>\n", out);
        }
        fputs("<h3>Key numbers</h3>\n", out);
        s = bs_kpis_compute(r, v, 0, all, err);
        if (!s)
            key_numbers(out, r, v, all);
        fputs("<h3>Shocks and policy actions</h3>\n", out);
        events(out, r, v);
        fputs("<h3>Figures</h3>\n", out);
        if (!s)
            s = figures(out, r, v, env, dir, err);
    }
    fputs("<h2>The scenario as run</h2>\n<pre>", out);
    html(out, bs_results_scenario_yaml(r, -1));
    fputs("</pre>\n<p><small>Written by brandsim " BS_VERSION
          "; figures drawn with gnuplot.</small></p>\n</body></html>\n", out);
    free(all);
    rmdir(dir);
    return s;
}
