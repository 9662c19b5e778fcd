/* SPDX-License-Identifier: MIT */
/*
 * plot_sensitivity.c: the sensitivity figures of a sweep (sweep.h), one per
 * outcome, one panel per reported brand (at most 4): first-order and total
 * Sobol indices with their bootstrap CIs as bars (saltelli), Morris's mu*
 * against sigma with each factor named (morris), or a tornado of the swings
 * from each factor's low to its high end (oat). Drawn by gnuplot in the
 * figures' style (analysis/gnuplot/style.gp), each through a partial file
 * checked complete before it is renamed (gnuplot.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/gnuplot.h"
#include "analysis/plot_internal.h"
#include "analysis/sweep_internal.h"

enum { MAX_PANELS = 4 };

/* A number for a datablock: gnuplot reads NaN, not nan. */
static const char *num(double x, char *buf)
{
    if (isfinite(x))
        snprintf(buf, 32, "%.6g", x);
    else
        snprintf(buf, 32, "NaN");
    return buf;
}

/* A factor's short name for an axis: the last key of its path ("response_delay"), with the
 * index part of a brand or shock kept ("brands[acme].response_delay" -> "acme.response_delay"). */
static void short_name(const char *path, char *buf, size_t n)
{
    const char *open = strchr(path, '['), *close = open ? strchr(open, ']') : NULL;
    const char *dot = strrchr(path, '.');
    if (open && close && dot && dot > close && !strncmp(path, "shocks", 6))
        snprintf(buf, n, "shock %.*s %s", (int)(close - open - 1), open + 1, dot + 1);
    else if (open && close && dot && dot > close)
        snprintf(buf, n, "%.*s.%s", (int)(close - open - 1), open + 1, dot + 1);
    else
        snprintf(buf, n, "%s", dot ? dot + 1 : path);
}

static void panel_sobol(FILE *out, const bs_sweep *s, const bs_sensitivity *ix, int j)
{
    fprintf(out, "$p%d << EOD\n", j);
    for (int i = 0; i < s->k; i++) {
        char name[96];
        short_name(s->factors[i].path, name, sizeof name);
        char a[6][32];
        fprintf(out, "%d \"%s\" %s %s %s %s %s %s\n", i, name,
                num(ix[i].sobol.first.estimate, a[0]), num(ix[i].sobol.first.lo, a[1]),
                num(ix[i].sobol.first.hi, a[2]), num(ix[i].sobol.total.estimate, a[3]),
                num(ix[i].sobol.total.lo, a[4]), num(ix[i].sobol.total.hi, a[5]));
    }
    fputs("EOD\n", out);
    fprintf(out, "set ylabel \"share of the outcome's variance\"\nset yrange [*:*]\n"
                 "set xrange [-0.7:%.1f]\nset xtics rotate by -30 left\n"
                 "set style fill solid 0.75 noborder\nset boxwidth 0.35\n",
            s->k - 0.3);
    fprintf(out, "plot $p%d using ($1-0.19):3:xtic(2) with boxes ls 1 title \"first order\", \\\n"
                 "  '' using ($1-0.19):3:4:5 with yerrorbars lc rgb \"#303030\" pt -1 notitle, \\\n"
                 "  '' using ($1+0.19):6 with boxes ls 2 title \"total\", \\\n"
                 "  '' using ($1+0.19):6:7:8 with yerrorbars lc rgb \"#303030\" pt -1 notitle\n",
            j);
}

static void panel_morris(FILE *out, const bs_sweep *s, const bs_sensitivity *ix, int j)
{
    double xmax = 0, ymax = 0;
    fprintf(out, "$p%d << EOD\n", j);
    for (int i = 0; i < s->k; i++) {
        char name[96], a[2][32];
        short_name(s->factors[i].path, name, sizeof name);
        fprintf(out, "%s %s \"%s\"\n", num(ix[i].morris.mu_star, a[0]),
                num(ix[i].morris.sigma, a[1]), name);
        if (isfinite(ix[i].morris.mu_star)) xmax = fmax(xmax, ix[i].morris.mu_star);
        if (isfinite(ix[i].morris.sigma)) ymax = fmax(ymax, ix[i].morris.sigma);
    }
    fputs("EOD\n", out);
    fprintf(out, "set xlabel \"mu* (mean absolute effect over the factor's range)\"\n"
                 "set ylabel \"sigma (interaction, non-linearity)\"\nset xrange [0:%.6g]\n"
                 "set yrange [0:%.6g]\nset xtics norotate\n",
            xmax > 0 ? 1.25 * xmax : 1, ymax > 0 ? 1.15 * ymax : 1);
    fprintf(out, "plot $p%d using 1:2 with points ls 1 ps 1.6 notitle, \\\n"
                 "  '' using 1:2:3 with labels offset char 1, char 0.6 left notitle\n",
            j);
}

static void panel_oat(FILE *out, const bs_sweep *s, const bs_sensitivity *ix, int j)
{
    int *order = malloc((size_t)s->k * sizeof *order);
    if (!order)
        return;
    for (int i = 0; i < s->k; i++)
        order[i] = i;
    for (int a = 1; a < s->k; a++) /* the widest swing on top */
        for (int b = a; b > 0; b--) {
            const bs_oat_effect *x = &ix[order[b]].oat, *y = &ix[order[b - 1]].oat;
            if (!(fabs(x->high - x->low) < fabs(y->high - y->low)))
                break;
            int t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    double base = s->k ? ix[0].oat.base : 0;
    fprintf(out, "$p%d << EOD\n", j);
    for (int q = 0; q < s->k; q++) {
        const bs_oat_effect *e = &ix[order[q]].oat;
        char name[96];
        short_name(s->factors[order[q]].path, name, sizeof name);
        /* y, name, low end bar (base -> low), high end bar (base -> high) */
        char a[3][32];
        fprintf(out, "%d \"%s\" %s %s %s\n", q, name, num(base, a[0]), num(e->low, a[1]),
                num(e->high, a[2]));
    }
    fputs("EOD\n", out);
    fprintf(out, "set xlabel \"outcome with the factor at its low (left bar colour) and high end, "
                 "the others in the middle\"\nset ylabel \"\"\nset xrange [*:*]\nset yrange [-0.7:%d]\n"
                 "set xtics norotate\nset style fill solid 0.75 noborder\n"
                 "set arrow from %.6g, graph 0 to %.6g, graph 1 nohead ls 20\n",
            s->k, base, base);
    fprintf(out, "plot $p%d using (($3+$4)/2):1:(($3<$4?$3:$4)):(($3<$4?$4:$3)):($1-0.3):($1+0.3):ytic(2) "
                 "with boxxyerror ls 1 title \"low end\", \\\n"
                 "  '' using (($3+$5)/2):1:(($3<$5?$3:$5)):(($3<$5?$5:$3)):($1-0.3):($1+0.3) "
                 "with boxxyerror ls 2 title \"high end\"\nunset arrow\n",
            j);
    free(order);
}

static bs_status draw_one(const bs_sweep *s, bs_kpi o, const bs_plot_env *env, const char *style,
                          const char *file, bs_error *err)
{
    const int panels = s->nb < MAX_PANELS ? s->nb : MAX_PANELS;
    const int width = 1300, height = 260 + 420 * panels;
    bs_sensitivity *ix = malloc((size_t)s->k * sizeof *ix);
    char *script = NULL;
    size_t len = 0;
    FILE *out = ix ? open_memstream(&script, &len) : NULL;
    if (!out) {
        free(ix);
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    }
    switch (env->format) {
    case BS_PLOT_SVG:
        fprintf(out, "set terminal svg size %d,%d font \"DejaVu Sans,14\" noenhanced background "
                     "rgb \"white\"\n", width, height);
        break;
    case BS_PLOT_PDF:
        fprintf(out, "set terminal pdfcairo size %.2fin,%.2fin font \"DejaVu Sans,13\" fontscale "
                     "0.48 noenhanced\n", width / 150.0, height / 150.0);
        break;
    default:
        fprintf(out, "set terminal pngcairo size %d,%d font \"DejaVu Sans,13\" noenhanced "
                     "background rgb \"white\"\n", width, height);
    }
    fputs("set output ", out);
    bs_gnuplot_string(out, file);
    fprintf(out, "\n%s\n", style);
    const char *method = s->design == BS_DESIGN_SALTELLI ? "Sobol indices [95 % bootstrap CI]"
                         : s->design == BS_DESIGN_MORRIS ? "Morris screening"
                                                         : "one at a time";
    char title[512];
    snprintf(title, sizeof title, "Sensitivity of %s: %s\\nsweep %s, %zu runs", bs_kpi_get(o)->label,
             method, s->name, bs_sweep_runs(s));
    fprintf(out, "set multiplot layout %d,1 title \"%s\" font \",16\"\n", panels, title);
    fputs("set key outside right top\n", out);
    bs_status st = BS_OK;
    for (int j = 0; j < panels && !st; j++) {
        bs_error e = {0};
        fputs("set title ", out);
        bs_gnuplot_string(out, bs_sweep_brand(s, j));
        fputs(" font \",14\"\nunset xlabel\n", out);
        int none = bs_sweep_sensitivity(s, j, o, ix, &e) != BS_OK;
        for (int i = 0; !none && i == 0; i++) { /* every index undefined: none either */
            int any = 0;
            for (int q = 0; q < s->k; q++)
                any |= isfinite(ix[q].sobol.total.estimate) || isfinite(ix[q].morris.mu_star)
                       || (isfinite(ix[q].oat.low) && isfinite(ix[q].oat.high));
            none = !any;
        }
        if (none) { /* an outcome undefined in too many runs: say so */
            fputs("unset xtics\nunset ytics\nset label 1 \"no indices: the outcome is undefined "
                  "in too many runs\" at graph 0.5, graph 0.5 center\n"
                  "plot [0:1][0:1] -1 notitle\nunset label 1\nset xtics\nset ytics\n", out);
            continue;
        }
        if (s->design == BS_DESIGN_SALTELLI)
            panel_sobol(out, s, ix, j);
        else if (s->design == BS_DESIGN_MORRIS)
            panel_morris(out, s, ix, j);
        else
            panel_oat(out, s, ix, j);
    }
    fputs("unset multiplot\n", out);
    free(ix);
    if (fclose(out))
        st = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    if (!st)
        st = bs_gnuplot_run(env->gnuplot, script, len, file, file, err);
    if (!st)
        st = bs_gnuplot_check_complete(env->format, file, file, err);
    free(script);
    return st;
}

bs_status bs_sweep_plot_sensitivity(const bs_sweep *s, const bs_plot_env *env, const char *dir,
                                    char *files, size_t file_len, int *n_files, bs_error *err)
{
    *n_files = 0;
    if (!bs_sweep_has_sensitivity(s))
        return bs_sweep_sensitivity(s, 0, BS_KPI_SHARE_LOST, NULL, err); /* says why */
    char path[4200];
    snprintf(path, sizeof path, "%s/style.gp", env->template_dir);
    char *style = bs_plot_template_load(path);
    if (!style)
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot read the gnuplot style %s: %s", path,
                             strerror(errno));
    bs_status st = BS_OK;
    for (int o = 0; o < BS_KPI_COUNT && !st; o++) {
        if (bs_cancel_requested(env->cancel)) {
            st = bs_error_setf(err, BS_ERR_RUNTIME, "stopped");
            break;
        }
        char file[4200], partial[4300];
        snprintf(file, sizeof file, "%s/sensitivity_%s.%s", dir, bs_kpi_get((bs_kpi)o)->name,
                 bs_plot_format_name(env->format));
        snprintf(partial, sizeof partial, "%s.partial", file);
        st = draw_one(s, (bs_kpi)o, env, style, partial, err);
        if (!st && rename(partial, file))
            st = bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s: %s", file, strerror(errno));
        if (st)
            unlink(partial);
        else
            snprintf(files + (size_t)(*n_files)++ * file_len, file_len, "%s", file);
    }
    free(style);
    return st;
}
