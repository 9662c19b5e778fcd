/* SPDX-License-Identifier: MIT */
/*
 * sweep_decide.c: decisions under uncertainty (sweep.h). An experiment's
 * options are run at every point of its uncertain factors with the same
 * seeds, so each (point, replicate) is a paired comparison of every option:
 * the net value of an option against the baseline (option 0), its regret
 * against the best option there, how often it is the best; and, along each
 * uncertain factor, where the best option changes.
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

size_t bs_sweep_options(const bs_sweep *s) { return s->n_options ? s->n_options : 1; }
int bs_sweep_option_factors(const bs_sweep *s) { return s->ko; }
const char *bs_sweep_decided_brand(const bs_sweep *s) { return bs_sweep_brand(s, s->decide); }

/* "breach_response=apology, response_delay=1": each option's path shortened to its last key. */
static void option_label(const bs_sweep *s, size_t o, char *buf, size_t n)
{
    buf[0] = '\0';
    for (int i = 0; i < s->ko; i++) {
        const char *path = s->factors[i].path, *dot = strrchr(path, '.');
        snprintf(buf + strlen(buf), n - strlen(buf), "%s%s=%s", i ? ", " : "",
                 dot ? dot + 1 : path, bs_sweep_cell(s, o, i)); /* point o: combination o */
    }
}

/* Net contribution of option o at uncertain point q, replicate r. */
static double net_of(const bs_sweep *s, size_t o, size_t q, int r)
{
    size_t p = q * s->n_options + o;
    return bs_sweep_outcome(s, (size_t)r * s->P + p, s->decide, BS_KPI_NET_CONTRIBUTION);
}

/* The factor's value at unit coordinate u, as text. */
static void value_at(const bs_factor *f, double u, char *buf)
{
    if (f->n_levels) {
        int j = (int)floor(u * f->n_levels);
        j = j < 0 ? 0 : j >= f->n_levels ? f->n_levels - 1 : j;
        snprintf(buf, BS_SWEEP_VALUE_MAX, "%s", f->levels[j]);
    } else
        snprintf(buf, BS_SWEEP_VALUE_MAX, "%.4g", f->min + u * (f->max - f->min));
}

/* Along uncertain factor i: the best option per part of its range, and where it first flips. */
static void flip_of(const bs_sweep *s, int i, bs_flip *f, double *mean /* bins x options */,
                    size_t *count)
{
    const size_t O = s->n_options, Q = s->P / O;
    memset(mean, 0, BS_DECIDE_BINS * O * sizeof *mean);
    memset(count, 0, BS_DECIDE_BINS * sizeof *count);
    for (size_t q = 0; q < Q; q++) {
        double u = s->u[(q * O) * (size_t)s->k + (size_t)i];
        int b = (int)floor(u * BS_DECIDE_BINS);
        b = b < 0 ? 0 : b >= BS_DECIDE_BINS ? BS_DECIDE_BINS - 1 : b;
        for (int r = 0; r < s->R; r++) {
            for (size_t o = 0; o < O; o++)
                mean[(size_t)b * O + o] += net_of(s, o, q, r);
            count[b]++;
        }
    }
    f->factor = i;
    f->flips = 0;
    f->at[0] = '\0';
    f->from = f->to = 0;
    int prev = -1;
    for (int b = 0; b < BS_DECIDE_BINS; b++) {
        f->best[b] = -1;
        if (!count[b])
            continue;
        for (size_t o = 0; o < O; o++) {
            mean[(size_t)b * O + o] /= (double)count[b];
            if (f->best[b] < 0 || mean[(size_t)b * O + o] > mean[(size_t)b * O + (size_t)f->best[b]])
                f->best[b] = (int)o;
        }
        if (prev >= 0 && f->best[b] != f->best[prev]) {
            if (!f->flips++) {
                /* where the two options' difference crosses 0, between the parts' centres */
                size_t a = (size_t)f->best[prev], c = (size_t)f->best[b];
                double d0 = mean[(size_t)prev * O + a] - mean[(size_t)prev * O + c];
                double d1 = mean[(size_t)b * O + a] - mean[(size_t)b * O + c];
                double c0 = (prev + 0.5) / BS_DECIDE_BINS, c1 = (b + 0.5) / BS_DECIDE_BINS;
                double u = d0 - d1 > 0 ? c0 + (c1 - c0) * d0 / (d0 - d1) : 0.5 * (c0 + c1);
                value_at(&s->factors[i], u, f->at);
                f->from = a;
                f->to = c;
            }
        }
        prev = b;
    }
}

bs_status bs_sweep_decide(const bs_sweep *s, bs_option_value *ov, bs_flip *flips, bs_error *err)
{
    if (!s->ko)
        return bs_error_setf(err, BS_ERR_INPUT, "%s: no options, expected an experiment file "
                                                "with 'options:'", s->source);
    const size_t O = s->n_options, Q = s->P / O, n = Q * (size_t)s->R;
    double *x = malloc(O * n * sizeof *x), *mean = malloc(BS_DECIDE_BINS * O * sizeof *mean);
    size_t *count = malloc(BS_DECIDE_BINS * sizeof *count);
    if (!x || !mean || !count) {
        free(x), free(mean), free(count);
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    }
    bs_status st = BS_OK;
    for (size_t o = 0; o < O; o++) /* x[o * n + (r * Q + q)] */
        for (int r = 0; r < s->R; r++)
            for (size_t q = 0; q < Q; q++) {
                double v = net_of(s, o, q, r);
                if (!isfinite(v) && !st)
                    st = bs_error_setf(err, BS_ERR_INPUT,
                                       "%s: %s's net contribution is undefined in run %zu",
                                       s->source, bs_sweep_decided_brand(s),
                                       (size_t)r * s->P + q * O + o);
                x[o * n + (size_t)r * Q + q] = v;
            }
    for (size_t o = 0; !st && o < O; o++) {
        bs_option_value *v = &ov[o];
        v->option = o;
        option_label(s, o, v->label, sizeof v->label);
        const double *a = x + o * n;
        double sum = 0, regret = 0, worst = 0;
        size_t best = 0;
        for (size_t t = 0; t < n; t++) {
            double top = -INFINITY;
            for (size_t c = 0; c < O; c++)
                top = fmax(top, x[c * n + t]);
            sum += a[t];
            regret += top - a[t];
            worst = fmax(worst, top - a[t]);
            best += a[t] == top;
        }
        v->net = sum / (double)n;
        v->value = bs_effect_paired(a, x, n, 0.95);
        if (o == 0 || n < 2) { /* the baseline against itself, or too few to test */
            v->value = (bs_effect){o == 0 ? 0 : v->net - ov[0].net, NAN, NAN, NAN, NAN, NAN, NAN};
        }
        v->regret_mean = regret / (double)n;
        v->regret_max = worst;
        v->p_best = (double)best / (double)n;
    }
    for (size_t o = 0; !st && o < O; o++) { /* rank by expected net value; ties by order */
        int rank = 1;
        for (size_t c = 0; c < O; c++)
            rank += ov[c].net > ov[o].net || (ov[c].net == ov[o].net && c < o);
        ov[o].rank = rank;
    }
    for (int i = s->ko; !st && i < s->k; i++)
        flip_of(s, i, &flips[i - s->ko], mean, count);
    free(x);
    free(mean);
    free(count);
    return st;
}

bs_status bs_sweep_write_decision(const bs_sweep *s, const char *path, bs_error *err)
{
    const size_t O = bs_sweep_options(s);
    const int ku = s->k - s->ko;
    bs_option_value *ov = malloc(O * sizeof *ov);
    bs_flip *fl = malloc((size_t)(ku ? ku : 1) * sizeof *fl);
    bs_status st = ov && fl ? bs_sweep_decide(s, ov, fl, err)
                            : bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    char partial[4200];
    snprintf(partial, sizeof partial, "%s.partial", path);
    FILE *f = st ? NULL : fopen(partial, "w");
    if (!st && !f)
        st = bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s: %s", partial, strerror(errno));
    if (f) {
        fputs("option,label,rank,net_contribution,net_value,net_value_lo,net_value_hi,p,"
              "regret_mean,regret_max,p_best\n", f);
        for (size_t o = 0; o < O; o++) {
            fprintf(f, "%zu,", o);
            bs_export_field(f, ov[o].label);
            fprintf(f, ",%d", ov[o].rank);
            bs_export_cell(f, ov[o].net);
            bs_export_cell(f, ov[o].value.estimate);
            bs_export_cell(f, ov[o].value.lo);
            bs_export_cell(f, ov[o].value.hi);
            bs_export_cell(f, ov[o].value.p);
            bs_export_cell(f, ov[o].regret_mean);
            bs_export_cell(f, ov[o].regret_max);
            bs_export_cell(f, ov[o].p_best);
            fputc('\n', f);
        }
        fputs("\nfactor,best_part1,best_part2,best_part3,best_part4,best_part5,flips,at,from,to\n",
              f);
        for (int i = 0; i < ku; i++) {
            bs_export_field(f, s->factors[fl[i].factor].path);
            for (int b = 0; b < BS_DECIDE_BINS; b++)
                fprintf(f, ",%d", fl[i].best[b]);
            fprintf(f, ",%d,", fl[i].flips);
            bs_export_field(f, fl[i].at);
            if (fl[i].flips)
                fprintf(f, ",%zu,%zu\n", fl[i].from, fl[i].to);
            else
                fputs(",,\n", f);
        }
        int bad = fflush(f) || ferror(f);
        bad |= fclose(f) != 0;
        if (bad || rename(partial, path)) {
            unlink(partial);
            st = bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s", path);
        }
    }
    free(ov);
    free(fl);
    return st;
}
