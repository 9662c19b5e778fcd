/* SPDX-License-Identifier: MIT */
/*
 * export.c: the CSV export (see export.h): the options resolved against a
 * file (which variant, metrics, segments and brands are kept), the series
 * table, and bs_export_write, which hands the other tables to
 * export_summary.c and export_outcomes.c. Series are read one at a time
 * (R x S x B values) and written in the order variant, segment, metric,
 * replicate, step, brand; then the market-wide series; then, when the file
 * has them, the quantile series in the order grouping, metric, replicate,
 * step, bin, brand, each bin named as a segment ("strength_q1").
 */
#include "export_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *bs_export_number(double x, char *buf)
{
    if (isnan(x))
        return strcpy(buf, "NaN");
    if (isinf(x))
        return strcpy(buf, x > 0 ? "Inf" : "-Inf");
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, 32, "%.*g", digits, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    return buf;
}

void bs_export_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void bs_export_cell(FILE *out, double x)
{
    char num[32];
    fputc(',', out);
    if (!isnan(x))
        fputs(bs_export_number(x, num), out);
}

bs_status bs_export_stopped(bs_cancel cancel, bs_error *err)
{
    if (!bs_cancel_requested(cancel))
        return BS_OK;
    return bs_error_setf(err, BS_ERR_RUNTIME, "stopped");
}

/* ---- the rows kept ------------------------------------------------------------------ */

/* The next name of a comma-separated list at *p into tok (n bytes; empty items are
 * skipped, a longer name is cut); 0 at the end. */
static int next_name(const char **p, char *tok, size_t n)
{
    while (**p == ',')
        (*p)++;
    if (!**p)
        return 0;
    size_t len = strcspn(*p, ",");
    snprintf(tok, n, "%.*s", (int)len, *p);
    *p += len;
    return 1;
}

static int has_bins(const bs_results *r)
{
    return bs_results_quantile_bins(r, BS_QG_STRENGTH) > 0
           || bs_results_quantile_bins(r, BS_QG_TRAIT) > 0;
}

static bs_status select_metrics(const bs_results *r, const char *list, bs_export_sel *s,
                                bs_error *err)
{
    char tok[128];
    int n = 0;
    for (int m = 0; m < BS_MK_COUNT; m++) /* a file written before the metric existed */
        s->market[m] = !list && bs_results_has_market(r, (bs_market_metric)m);
    memset(s->metric, !list, sizeof s->metric);
    memset(s->qmetric, !list, sizeof s->qmetric);
    for (const char *p = list; p && next_name(&p, tok, sizeof tok); n++) {
        int m = bs_metric_by_name(tok), mk = bs_market_metric_by_name(tok);
        int qm = bs_quantile_metric_by_name(tok);
        if (m < 0 && mk < 0 && qm < 0)
            return bs_error_setf(err, BS_ERR_INPUT, "--metrics: '%s' is not a metric of %s, "
                                 "expected a brand metric (docs/OUTPUT.md), a market metric or "
                                 "one reported by quantile bin", tok, bs_results_path(r));
        int held_mk = mk >= 0 && bs_results_has_market(r, (bs_market_metric)mk);
        if (m < 0 && !held_mk && (qm < 0 || !has_bins(r)))
            return bs_error_setf(err, BS_ERR_INPUT, "--metrics: '%s': %s holds no such series "
                                 "(%s)", tok, bs_results_path(r),
                                 mk >= 0 ? "it was written before that market metric existed"
                                         : "it is reported by quantile bin and the file holds "
                                           "no quantile series");
        if (m >= 0)
            s->metric[m] = 1;
        if (held_mk)
            s->market[mk] = 1;
        if (qm >= 0)
            s->qmetric[qm] = 1;
    }
    if (list && !n)
        return bs_error_setf(err, BS_ERR_INPUT, "--metrics: '%s' names no metric", list);
    return BS_OK;
}

/* "all, strong, ..., exchange, market, strength_q1 .. strength_q3, ..." into buf. */
static void segment_list(const bs_results *r, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 0; k < BS_SEG_COUNT && len < n; k++)
        len += (size_t)snprintf(buf + len, n - len, "%s, ", bs_segment_name((bs_segment)k));
    if (len < n)
        len += (size_t)snprintf(buf + len, n - len, "market");
    const int trait = bs_results_quantile_trait(r);
    for (int g = 0; g < BS_QG_COUNT && len < n; g++) {
        int bins = bs_results_quantile_bins(r, (bs_quantile_grouping)g);
        char a[64], b[64];
        if (bins > 0)
            len += (size_t)snprintf(buf + len, n - len, ", %s .. %s",
                                    bs_quantile_bin_name(g, trait, 0, a, sizeof a),
                                    bs_quantile_bin_name(g, trait, bins - 1, b, sizeof b));
    }
}

static bs_status select_segments(const bs_results *r, const char *list, bs_export_sel *s,
                                 bs_error *err)
{
    char tok[128];
    int n = 0;
    memset(s->seg, !list, sizeof s->seg);
    s->market_rows = !list;
    for (int g = 0; g < BS_QG_COUNT; g++)
        for (int q = 0; q < BS_QUANTILE_MAX_BINS; q++)
            s->bin[g][q] = !list && q < bs_results_quantile_bins(r, (bs_quantile_grouping)g);
    for (const char *p = list; p && next_name(&p, tok, sizeof tok); n++) {
        bs_series_ref ref = {.quantile = 1};
        int k = bs_segment_by_name(tok);
        bs_error e = {0};
        if (!strcmp(tok, "market"))
            s->market_rows = 1;
        else if (k >= 0)
            s->seg[k] = 1;
        else if (!bs_quantile_bin_parse(tok, &ref.grouping, &ref.trait, &ref.bin)) {
            if (bs_results_check_ref(r, &ref, &e))
                return bs_error_setf(err, BS_ERR_INPUT, "--segments: %s", e.msg);
            s->bin[ref.grouping][ref.bin] = 1;
        } else {
            char known[400];
            segment_list(r, known, sizeof known);
            return bs_error_setf(err, BS_ERR_INPUT, "--segments: '%s' is not a segment of %s, "
                                 "expected one of: %s", tok, bs_results_path(r), known);
        }
    }
    if (list && !n)
        return bs_error_setf(err, BS_ERR_INPUT, "--segments: '%s' names no segment", list);
    return BS_OK;
}

/* "--brands: 'x' is not a brand of out.h5, expected one of: a, b" (and --variant). */
static bs_status not_one_of(const bs_results *r, const char *flag, const char *what,
                            const char *tok, int brands, bs_error *err)
{
    char known[400];
    size_t len = 0;
    known[0] = '\0';
    int n = brands ? bs_results_brands(r) : bs_results_variants(r);
    for (int k = 0; k < n && len < sizeof known; k++) {
        const char *name = brands ? bs_results_brand_name(r, k) : bs_results_variant_name(r, k);
        len += (size_t)snprintf(known + len, sizeof known - len, "%s%s", k ? ", " : "", name);
    }
    return bs_error_setf(err, BS_ERR_INPUT, "%s: '%s' is not a %s of %s, expected one of: %s",
                         flag, tok, what, bs_results_path(r), known);
}

static bs_status select_brands(const bs_results *r, const char *list, bs_export_sel *s,
                               bs_error *err)
{
    char tok[128];
    int n = 0, B = bs_results_brands(r);
    memset(s->brand, !list, (size_t)B);
    for (const char *p = list; p && next_name(&p, tok, sizeof tok); n++) {
        int b = bs_results_brand_index(r, tok);
        if (b < 0)
            return not_one_of(r, "--brands", "brand", tok, 1, err);
        s->brand[b] = 1;
    }
    if (list && !n)
        return bs_error_setf(err, BS_ERR_INPUT, "--brands: '%s' names no brand", list);
    return BS_OK;
}

static int any(const unsigned char *flags, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (flags[k])
            return 1;
    return 0;
}

bs_status bs_export_select(const bs_results *r, const bs_export_options *o, bs_export_sel *s,
                           bs_error *err)
{
    memset(s, 0, sizeof *s);
    s->v = -1;
    if (!(s->brand = calloc((size_t)(bs_results_brands(r) ? bs_results_brands(r) : 1), 1)))
        return bs_error_setf(err, BS_ERR_RUNTIME, "%s: out of memory", bs_results_path(r));
    if (o->table < BS_EXPORT_SERIES || o->table > BS_EXPORT_OUTCOMES_SUMMARY)
        return bs_error_setf(err, BS_ERR_INPUT, "no such export table (%d)", (int)o->table);
    int outcomes = o->table == BS_EXPORT_OUTCOMES || o->table == BS_EXPORT_OUTCOMES_SUMMARY;
    if (outcomes && (o->metrics || o->segments))
        return bs_error_setf(err, BS_ERR_INPUT, "%s: not with the outcome table, which has "
                             "every outcome and no series (--brands chooses its brands)",
                             o->metrics ? "--metrics" : "--segments");
    if (o->variant && (s->v = bs_results_variant_index(r, o->variant)) < 0)
        return not_one_of(r, "--variant", "variant", o->variant, 0, err);
    bs_status st = select_metrics(r, o->metrics, s, err);
    if (!st)
        st = select_segments(r, o->segments, s, err);
    if (!st)
        st = select_brands(r, o->brands, s, err);
    if (st || outcomes)
        return st;
    int B = bs_results_brands(r), qbins = 0;
    for (int g = 0; g < BS_QG_COUNT; g++)
        qbins |= any(s->bin[g], BS_QUANTILE_MAX_BINS);
    if (!(B > 0 && any(s->seg, BS_SEG_COUNT) && any(s->metric, BS_M_COUNT))
        && !(s->market_rows && any(s->market, BS_MK_COUNT))
        && !(B > 0 && qbins && any(s->qmetric, BS_QM_COUNT)))
        return bs_error_setf(err, BS_ERR_INPUT, "--metrics and --segments select no series of "
                             "%s: brand metrics are in 'all' and the segments, market metrics in "
                             "'market', and purchases, revenue, revenge_acts, exits, mean_revenge "
                             "and relationships in quantile bins", bs_results_path(r));
    return BS_OK;
}

void bs_export_sel_free(bs_export_sel *s)
{
    free(s->brand);
    s->brand = NULL;
}

bs_status bs_export_check(const bs_results *r, const bs_export_options *o, bs_error *err)
{
    static const bs_export_options every = {0};
    bs_export_sel s;
    bs_status st = bs_export_select(r, o ? o : &every, &s, err);
    bs_export_sel_free(&s);
    return st;
}

size_t bs_export_metrics(const bs_results *r, const char **names, size_t cap)
{
    size_t n = 0;
    for (int m = 0; m < BS_M_COUNT; m++, n++)
        if (n < cap)
            names[n] = bs_metric_get((bs_metric)m)->name;
    for (int m = 0; m < BS_MK_COUNT; m++) {
        const char *name = bs_market_metric_get((bs_market_metric)m)->name;
        if (bs_results_has_market(r, (bs_market_metric)m) && bs_metric_by_name(name) < 0
            && n++ < cap)
            names[n - 1] = name;
    }
    for (int m = 0; m < BS_QM_COUNT && has_bins(r); m++) {
        const char *name = bs_quantile_metric_get((bs_quantile_metric)m)->name;
        if (bs_metric_by_name(name) < 0 && bs_market_metric_by_name(name) < 0 && n++ < cap)
            names[n - 1] = name;
    }
    return n;
}

/* ---- the series table --------------------------------------------------------------- */

static void row(FILE *out, int step, const char *variant, int rep, const char *brand,
                const char *segment, const char *metric, double value)
{
    char num[32];
    fprintf(out, "%d,", step);
    bs_export_field(out, variant);
    fprintf(out, ",%d,", rep);
    bs_export_field(out, brand);
    fputc(',', out);
    bs_export_field(out, segment);
    fputc(',', out);
    bs_export_field(out, metric);
    fprintf(out, ",%s\n", bs_export_number(value, num));
}

static bs_status export_variant(const bs_results *r, int v, const bs_export_sel *sel, double *x,
                                FILE *out, bs_cancel cancel, bs_error *err)
{
    int R = bs_results_replicates(r), S = bs_results_steps(r), B = bs_results_brands(r);
    const char *vname = bs_results_variant_name(r, v);
    for (int seg = 0; seg < BS_SEG_COUNT && B > 0; seg++)
        for (int m = 0; m < BS_M_COUNT && sel->seg[seg]; m++) {
            if (!sel->metric[m])
                continue;
            bs_status s = bs_export_stopped(cancel, err);
            if (!s)
                s = bs_results_series(r, v, (bs_segment)seg, (bs_metric)m, x, err);
            if (s)
                return s;
            for (int rep = 0; rep < R; rep++)
                for (int t = 0; t < S; t++)
                    for (int b = 0; b < B; b++)
                        if (sel->brand[b])
                            row(out, t, vname, rep, bs_results_brand_name(r, b),
                                bs_segment_name((bs_segment)seg), bs_metric_get((bs_metric)m)->name,
                                x[((size_t)rep * S + t) * B + b]);
        }
    for (int m = 0; m < BS_MK_COUNT && sel->market_rows; m++) {
        if (!sel->market[m])
            continue; /* not asked for, or a file written before the metric existed */
        bs_status s = bs_export_stopped(cancel, err);
        if (!s)
            s = bs_results_market(r, v, (bs_market_metric)m, x, err);
        if (s)
            return s;
        for (int rep = 0; rep < R; rep++)
            for (int t = 0; t < S; t++)
                row(out, t, vname, rep, "", "market",
                    bs_market_metric_get((bs_market_metric)m)->name, x[(size_t)rep * S + t]);
    }
    for (int g = 0; g < BS_QG_COUNT && B > 0; g++) {
        const int bins = bs_results_quantile_bins(r, (bs_quantile_grouping)g);
        char names[BS_QUANTILE_MAX_BINS][64];
        for (int q = 0; q < bins; q++)
            bs_quantile_bin_name(g, bs_results_quantile_trait(r), q, names[q], sizeof names[q]);
        for (int m = 0; any(sel->bin[g], (size_t)bins) && m < BS_QM_COUNT; m++) {
            if (!sel->qmetric[m])
                continue;
            bs_status s = bs_export_stopped(cancel, err);
            if (!s)
                s = bs_results_quantile(r, v, (bs_quantile_grouping)g, (bs_quantile_metric)m, x,
                                        err);
            if (s)
                return s;
            const char *mname = bs_quantile_metric_get((bs_quantile_metric)m)->name;
            for (int rep = 0; rep < R; rep++)
                for (int t = 0; t < S; t++)
                    for (int q = 0; q < bins; q++)
                        for (int b = 0; b < B; b++)
                            if (sel->bin[g][q] && sel->brand[b])
                                row(out, t, vname, rep, bs_results_brand_name(r, b), names[q],
                                    mname, x[(((size_t)rep * S + t) * bins + q) * B + b]);
        }
    }
    return BS_OK;
}

static bs_status series_table(const bs_results *r, const bs_export_sel *sel, FILE *out,
                              bs_cancel cancel, bs_error *err)
{
    int R = bs_results_replicates(r), S = bs_results_steps(r), B = bs_results_brands(r);
    int bins = 1; /* the widest series: a quantile grouping's bins x brands */
    for (int g = 0; g < BS_QG_COUNT; g++)
        if (bs_results_quantile_bins(r, (bs_quantile_grouping)g) > bins)
            bins = bs_results_quantile_bins(r, (bs_quantile_grouping)g);
    size_t n = (size_t)R * S * (size_t)bins * (size_t)(B ? B : 1);
    double *x = malloc(n * sizeof *x);
    if (!x)
        return bs_error_setf(err, BS_ERR_RUNTIME, "%s: out of memory", bs_results_path(r));
    fputs("step,variant,replicate,brand,segment,metric,value\n", out);
    bs_status s = BS_OK;
    for (int k = 0; k < bs_results_variants(r) && !s; k++)
        if (sel->v < 0 || k == sel->v)
            s = export_variant(r, k, sel, x, out, cancel, err);
    free(x);
    return s;
}

bs_status bs_export_csv(const bs_results *r, int v, FILE *out, bs_cancel cancel,
                        bs_error *err)
{
    static const bs_export_options every = {0};
    bs_export_sel sel;
    bs_status s = bs_export_select(r, &every, &sel, err);
    sel.v = v < 0 ? -1 : v; /* a v out of range: the header alone, as before */
    if (!s)
        s = series_table(r, &sel, out, cancel, err);
    bs_export_sel_free(&sel);
    return s;
}

bs_status bs_export_write(const bs_results *r, const bs_export_options *o, FILE *out,
                          bs_cancel cancel, bs_error *err)
{
    static const bs_export_options every = {0};
    if (!o)
        o = &every;
    bs_export_sel sel;
    bs_status s = bs_export_select(r, o, &sel, err);
    if (!s) {
        switch (o->table) {
        case BS_EXPORT_SERIES: s = series_table(r, &sel, out, cancel, err); break;
        case BS_EXPORT_SERIES_SUMMARY: s = bs_export_summary(r, &sel, out, cancel, err); break;
        case BS_EXPORT_OUTCOMES: s = bs_export_outcomes(r, &sel, 0, out, cancel, err); break;
        case BS_EXPORT_OUTCOMES_SUMMARY:
            s = bs_export_outcomes(r, &sel, 1, out, cancel, err);
            break;
        }
    }
    bs_export_sel_free(&sel);
    return s;
}
