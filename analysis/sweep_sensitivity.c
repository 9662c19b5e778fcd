/* SPDX-License-Identifier: MIT */
/*
 * sweep_sensitivity.c: the sensitivity of a finished sweep's outcomes to its
 * factors (sweep.h), by its design's method (sensitivity.h): Sobol indices
 * for a saltelli design, Morris's mu* and sigma for a morris design, the
 * swings of a tornado for an oat design. A point's outcome is its mean over
 * the replicates where the outcome is defined.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/sweep_internal.h"
#include "brandsim/export.h"

int bs_sweep_has_sensitivity(const bs_sweep *s)
{
    return s->design == BS_DESIGN_SALTELLI || s->design == BS_DESIGN_MORRIS
           || s->design == BS_DESIGN_OAT;
}

/* y[p]: outcome o of brand j at point p, averaged over the replicates that define it. */
static void point_means(const bs_sweep *s, int j, bs_kpi o, double *y)
{
    for (size_t p = 0; p < s->P; p++) {
        double sum = 0;
        int n = 0;
        for (int r = 0; r < s->R; r++) {
            double x = bs_sweep_outcome(s, (size_t)r * s->P + p, j, o);
            if (isfinite(x)) {
                sum += x;
                n++;
            }
        }
        y[p] = n ? sum / n : NAN;
    }
}

bs_status bs_sweep_sensitivity(const bs_sweep *s, int j, bs_kpi o, bs_sensitivity *out,
                               bs_error *err)
{
    if (!bs_sweep_has_sensitivity(s))
        return bs_error_setf(err, BS_ERR_INPUT,
                             "%s: a %s design has no sensitivity indices, expected saltelli, "
                             "morris or oat",
                             s->source, s->design == BS_DESIGN_COUNT ? "file" : bs_design_name(s->design));
    const double nan3[3] = {NAN, NAN, NAN};
    for (int i = 0; i < s->k; i++) {
        out[i].sobol = (bs_sobol_index){{NAN, NAN, NAN}, {NAN, NAN, NAN}};
        out[i].morris = (bs_morris_index){NAN, NAN, NAN, 0};
        out[i].oat = (bs_oat_effect){nan3[0], nan3[1], nan3[2]};
        out[i].used = 0;
    }
    double *y = malloc(s->P * sizeof *y);
    if (!y)
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    point_means(s, j, o, y);
    bs_status st = BS_OK;
    bs_error e = {0};
    if (s->design == BS_DESIGN_SALTELLI) {
        bs_sobol_index *ix = malloc((size_t)s->k * sizeof *ix);
        size_t used = 0;
        st = ix ? bs_sobol_indices(y, s->spec.n, s->k, 1000, s->spec.seed, 0.95, ix, &used, &e)
                : bs_error_setf(&e, BS_ERR_RUNTIME, "out of memory");
        for (int i = 0; !st && i < s->k; i++) {
            out[i].sobol = ix[i];
            out[i].used = used;
        }
        free(ix);
    } else if (s->design == BS_DESIGN_MORRIS) {
        bs_morris_index *ix = malloc((size_t)s->k * sizeof *ix);
        st = ix ? bs_morris_indices(s->u, y, s->spec.n, s->k, ix, &e)
                : bs_error_setf(&e, BS_ERR_RUNTIME, "out of memory");
        for (int i = 0; !st && i < s->k; i++)
            out[i].morris = ix[i];
        free(ix);
    } else {
        bs_oat_effect *ix = malloc((size_t)s->k * sizeof *ix);
        if (ix) {
            bs_oat_effects(y, s->k, ix);
            for (int i = 0; i < s->k; i++)
                out[i].oat = ix[i];
        } else
            st = bs_error_setf(&e, BS_ERR_RUNTIME, "out of memory");
        free(ix);
    }
    free(y);
    if (st)
        return bs_error_setf(err, st, "%s.%s: %s", bs_sweep_brand(s, j), bs_kpi_get(o)->name, e.msg);
    return BS_OK;
}

bs_status bs_sweep_write_sensitivity(const bs_sweep *s, const char *path, bs_error *err)
{
    if (!bs_sweep_has_sensitivity(s))
        return bs_sweep_sensitivity(s, 0, BS_KPI_SHARE_LOST, NULL, err); /* says why */
    char partial[4200];
    snprintf(partial, sizeof partial, "%s.partial", path);
    FILE *f = fopen(partial, "w");
    bs_sensitivity *ix = malloc((size_t)s->k * sizeof *ix);
    if (!f || !ix) {
        int e = errno;
        if (f)
            fclose(f);
        free(ix);
        unlink(partial);
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s: %s", path, strerror(e));
    }
    static const char *const cols[3] = {
        "first,first_lo,first_hi,total,total_lo,total_hi,blocks", "mu,mu_star,sigma,effects",
        "low,base,high,swing"};
    const int m = s->design == BS_DESIGN_SALTELLI ? 0 : s->design == BS_DESIGN_MORRIS ? 1 : 2;
    fprintf(f, "brand,outcome,factor,method,%s\n", cols[m]);
    for (int j = 0; j < s->nb; j++)
        for (int o = 0; o < BS_KPI_COUNT; o++) {
            bs_error e = {0};
            int have = bs_sweep_sensitivity(s, j, (bs_kpi)o, ix, &e) == BS_OK;
            for (int i = 0; i < s->k; i++) {
                fprintf(f, "%s,%s,", bs_sweep_brand(s, j), bs_kpi_get((bs_kpi)o)->name);
                bs_export_field(f, s->factors[i].path);
                fprintf(f, ",%s", bs_design_name(s->design));
                const bs_sensitivity *x = &ix[i];
                if (m == 0) {
                    bs_export_cell(f, have ? x->sobol.first.estimate : NAN);
                    bs_export_cell(f, have ? x->sobol.first.lo : NAN);
                    bs_export_cell(f, have ? x->sobol.first.hi : NAN);
                    bs_export_cell(f, have ? x->sobol.total.estimate : NAN);
                    bs_export_cell(f, have ? x->sobol.total.lo : NAN);
                    bs_export_cell(f, have ? x->sobol.total.hi : NAN);
                    bs_export_cell(f, have ? (double)x->used : NAN);
                } else if (m == 1) {
                    bs_export_cell(f, have ? x->morris.mu : NAN);
                    bs_export_cell(f, have ? x->morris.mu_star : NAN);
                    bs_export_cell(f, have ? x->morris.sigma : NAN);
                    bs_export_cell(f, have ? (double)x->morris.n : NAN);
                } else {
                    bs_export_cell(f, have ? x->oat.low : NAN);
                    bs_export_cell(f, have ? x->oat.base : NAN);
                    bs_export_cell(f, have ? x->oat.high : NAN);
                    bs_export_cell(f, have ? fabs(x->oat.high - x->oat.low) : NAN);
                }
                fputc('\n', f);
            }
        }
    free(ix);
    int bad = fflush(f) || ferror(f);
    bad |= fclose(f) != 0;
    if (bad || rename(partial, path)) {
        int e = errno;
        unlink(partial);
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s: %s", path, strerror(e));
    }
    return BS_OK;
}
