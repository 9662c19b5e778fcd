/* SPDX-License-Identifier: MIT */
/*
 * replication_load.c: the `replication:` block of a scenario file, read
 * with the scenario's table-driven binder (sim/io/yaml_bind.h: every error
 * with file, line and key path), and the names of its statistics and
 * criteria. What the block means (outcomes, verdicts) is in replication.c.
 */
#include "brandsim/replication.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "brandsim/stats.h"
#include "io/yaml_bind.h"

/* ---- names ---------------------------------------------------------------------- */

static const char *const stat_names[BS_STAT_COUNT] = {"mean",  "sum",        "last",
                                                      "peak",  "min",        "slope",
                                                      "time_below", "relative", "peak_fraction"};
static const char *const crit_names[BS_CRIT_COUNT + 1] = {"greater", "less",     "interaction",
                                                          "ordering", "slope",   "ratio_in",
                                                          "range",    "share_of", NULL};

const char *bs_criterion_name(int type)
{
    return type >= 0 && type < BS_CRIT_COUNT ? crit_names[type] : "?";
}

const char *bs_outcome_stat_name(int stat)
{
    return stat >= 0 && stat < BS_STAT_COUNT ? stat_names[stat] : "?";
}

/* The values a test's `basis` takes in a file, in bs_test_basis order from BS_BASIS_BUILT_IN. */
static const char *const basis_keys[] = {"built_in", "emergent", NULL};

const char *bs_test_basis_name(int basis)
{
    return basis == BS_BASIS_BUILT_IN ? "built in"
           : basis == BS_BASIS_EMERGENT ? "emergent"
                                        : "not labelled";
}

/* ---- parsing: the `replication:` block through the binder of sim/io/yaml_bind.h ---------- */

/* What the block refers to, and what it is read into: the binder's y->user. */
typedef struct {
    const bs_scenario *sc;
    const bs_variants *vars;
    bs_replication *rep;
    int controls; /* negative_control or negative_controls read already */
} rep_ctx;

/* The line of a node for a message (0: none). */
static int line_of(const yaml_node_t *n)
{
    return n ? bs_yaml_node_line(n) : 0;
}

/* "'TEXT'" for a scalar, what the node is otherwise ("a list"), for messages. */
static void seen_as(const yaml_node_t *n, char *out, size_t size)
{
    const char *s = bs_yaml_scalar(n);
    if (s) snprintf(out, size, "'%s'", s);
    else snprintf(out, size, "%s", n ? bs_yaml_node_kind(n) : "missing");
}

/* A variant named by the node: its index into *out. */
static bs_status variant_of(bs_yaml *y, yaml_node_t *n, const char *path, int *out)
{
    const rep_ctx *R = y->user;
    const char *s = bs_yaml_scalar(n);
    int V = R->vars->n;
    for (int v = 0; s && v < V; v++)
        if (!strcmp(R->vars->v[v].name, s)) {
            *out = v;
            return BS_OK;
        }
    char list[400] = "", seen[160];
    for (int v = 0, k = 0; v < V && k < (int)sizeof list; v++)
        k += snprintf(list + k, sizeof list - (size_t)k, "%s%s", v ? ", " : "", R->vars->v[v].name);
    seen_as(n, seen, sizeof seen);
    return bs_yaml_error(y->err, y->file, line_of(n),
                         "'%s': %s is not a variant of this scenario, expected one of: %s", path,
                         seen, V ? list : "(the scenario has no variants)");
}

/* A variant name, into the int at the row's offset. */
static bs_status bind_variant(bs_yaml *y, yaml_node_t *v, const char *path, void *base,
                              const bs_yfield *f)
{
    return variant_of(y, v, path, (int *)((char *)base + f->p.offset));
}

/* A list of at least two variant names, into the criterion's list (at the row's offset). */
static bs_status bind_variant_list(bs_yaml *y, yaml_node_t *n, const char *path, void *base,
                                   const bs_yfield *f)
{
    bs_criterion *c = (bs_criterion *)((char *)base + f->p.offset);
    if (n->type != YAML_SEQUENCE_NODE)
        return bs_yaml_error(y->err, y->file, line_of(n),
                             "'%s': %s, expected a list of variant names", path,
                             bs_yaml_node_kind(n));
    int k = 0;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++, k++) {
        char p[160];
        snprintf(p, sizeof p, "%s[%d]", path, k);
        if (k == BS_REP_MAX_LIST)
            return bs_yaml_error(y->err, y->file, line_of(n), "'%s': more than %d variants", path,
                                 BS_REP_MAX_LIST);
        if (variant_of(y, yaml_document_get_node(y->doc, *it), p, &c->list[k]))
            return BS_ERR_INPUT;
    }
    if (k < 2)
        return bs_yaml_error(y->err, y->file, line_of(n),
                             "'%s': %d variants, expected at least 2", path, k);
    c->n_list = k;
    return BS_OK;
}

/* A slope's `x`: {variant: number, ...}, at least two, into the criterion's list and x. */
static bs_status bind_slope_x(bs_yaml *y, yaml_node_t *n, const char *path, void *base,
                              const bs_yfield *f)
{
    bs_criterion *c = (bs_criterion *)((char *)base + f->p.offset);
    const bs_param number = {.key = "x", .type = BS_P_REAL, .min = -INFINITY, .max = INFINITY};
    if (n->type != YAML_MAPPING_NODE)
        return bs_yaml_error(y->err, y->file, line_of(n),
                             "'%s': %s, expected a mapping of variant names to numbers", path,
                             bs_yaml_node_kind(n));
    int k = 0;
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
         pr++, k++) {
        yaml_node_t *kn = yaml_document_get_node(y->doc, pr->key);
        char q[200];
        snprintf(q, sizeof q, "%s.%s", path, bs_yaml_scalar(kn) ? bs_yaml_scalar(kn) : "?");
        if (k == BS_REP_MAX_LIST)
            return bs_yaml_error(y->err, y->file, line_of(n), "'%s': more than %d variants", path,
                                 BS_REP_MAX_LIST);
        if (variant_of(y, kn, q, &c->list[k])
            || bs_yaml_bind_scalar(y, yaml_document_get_node(y->doc, pr->value), q, &number,
                                   &c->x[k]))
            return BS_ERR_INPUT;
    }
    if (k < 2)
        return bs_yaml_error(y->err, y->file, line_of(n),
                             "'%s': %d variants, expected at least 2", path, k);
    c->n_list = k;
    return BS_OK;
}

/* A window of steps [from, to), written [from, to]. */
typedef struct {
    int from, to;
} window;

static bs_status bind_window(bs_yaml *y, yaml_node_t *n, const char *path, void *base,
                             const bs_yfield *f)
{
    const rep_ctx *R = y->user;
    window *w = (window *)((char *)base + f->p.offset);
    if (n->type != YAML_SEQUENCE_NODE
        || n->data.sequence.items.top - n->data.sequence.items.start != 2)
        return bs_yaml_error(y->err, y->file, line_of(n), "'%s': %s, expected [from, to] (steps)",
                             path, bs_yaml_node_kind(n));
    const bs_param from = {.key = "from", .type = BS_P_INT, .offset = offsetof(window, from),
                           .min = 0, .max = R->sc->steps - 1};
    const bs_param to = {.key = "to", .type = BS_P_INT, .offset = offsetof(window, to), .min = 1,
                         .max = R->sc->steps};
    char p[160];
    snprintf(p, sizeof p, "%s[0]", path);
    if (bs_yaml_bind_scalar(y, yaml_document_get_node(y->doc, n->data.sequence.items.start[0]), p,
                            &from, w))
        return BS_ERR_INPUT;
    snprintf(p, sizeof p, "%s[1]", path);
    if (bs_yaml_bind_scalar(y, yaml_document_get_node(y->doc, n->data.sequence.items.start[1]), p,
                            &to, w))
        return BS_ERR_INPUT;
    if (w->to <= w->from)
        return bs_yaml_error(y->err, y->file, line_of(n),
                             "'%s': [%d, %d] is empty, expected from < to", path, w->from, w->to);
    return BS_OK;
}

/* ---- an outcome ---- */

/* The rows of an outcome. */
enum { O_METRIC, O_BRAND, O_SEGMENT, O_FROM, O_TO, O_STAT, O_FRACTION, O_BASELINE, O_ROWS };

/* An outcome as written, before the checks across its keys. */
typedef struct {
    bs_outcome o;           /* market, segments, from, to, stat: bound straight */
    yaml_node_t *metric;    /* resolved once the segment is known (a bin's metrics differ) */
    yaml_node_t *brand;     /* resolved once the metric is known */
    yaml_node_t *segment;
    yaml_node_t *stat;
    double fraction;        /* `fraction` and `baseline`, beside the stat or inside it */
    window base;
    unsigned char given[O_ROWS];
    double arg_fraction;    /* stat: {time_below: {fraction: F}} */
    window arg_base;        /* stat: {relative: {baseline: [a, b]}} */
    unsigned char arg_given[2];
    char arg_path[160];
} outcome_in;


static bs_status bind_metric(bs_yaml *y, yaml_node_t *v, const char *path, void *base,
                             const bs_yfield *f)
{
    (void)y;
    (void)path;
    (void)f;
    outcome_in *in = base;
    in->metric = v;
    in->o.market = bs_yaml_scalar(v) && !strncmp(bs_yaml_scalar(v), "market/", 7);
    return BS_OK;
}

/* The metric, once the segment says what it may be: a market metric (market/<name>), a
   quantile metric for quantile bins, else a brand metric. */
static bs_status resolve_metric(bs_yaml *y, outcome_in *in, const char *path)
{
    bs_outcome *o = &in->o;
    const char *s = bs_yaml_scalar(in->metric);
    char seen[160];
    seen_as(in->metric, seen, sizeof seen);
    o->metric = -1;
    if (s && o->market)
        o->metric = bs_market_metric_by_name(s + 7);
    else if (s && o->quantile) {
        o->metric = bs_quantile_metric_by_name(s);
        if (o->metric < 0)
            return bs_yaml_error(y->err, y->file, line_of(in->metric),
                                 "'%s.metric': %s is not reported by quantile bin, expected "
                                 "purchases, revenue, revenge_acts, exits, mean_revenge or "
                                 "relationships (or a segment that is not a quantile bin)",
                                 path, seen);
    } else if (s)
        o->metric = bs_metric_by_name(s);
    if (o->metric >= 0) return BS_OK;
    return bs_yaml_error(y->err, y->file, line_of(in->metric),
                         "'%s.metric': %s, expected a brand metric (docs/OUTPUT.md, e.g. "
                         "mean_revenge) or market/<metric>",
                         path, seen);
}

/* A quantile bin named in `segment` (e.g. strength_q3) is one the scenario reports: its
   grouping on, the trait the one quantile_trait names, the bin within the bins. */
static bs_status check_bin(bs_yaml *y, const rep_ctx *R, yaml_node_t *e, const char *path,
                           const char *name, int g, int trait, int bin)
{
    const bs_scenario *sc = R->sc;
    const int bins = g == BS_QG_STRENGTH ? sc->strength_quantiles : sc->trait_quantiles;
    const char *base = g == BS_QG_STRENGTH ? "strength" : bs_trait_name(sc->quantile_trait);
    if (!bins)
        return bs_yaml_error(y->err, y->file, line_of(e),
                             "'%s': '%s' is a quantile bin, but the scenario reports no %s bins "
                             "(%s is 0), expected a segment or a bin of a grouping it reports",
                             path, name, g == BS_QG_STRENGTH ? "strength" : "trait",
                             g == BS_QG_STRENGTH ? "strength_quantiles" : "trait_quantiles");
    if (g == BS_QG_TRAIT && trait != sc->quantile_trait)
        return bs_yaml_error(y->err, y->file, line_of(e),
                             "'%s': '%s': the scenario's trait bins are by %s (quantile_trait), "
                             "expected %s_q1 .. %s_q%d",
                             path, name, base, base, base, bins);
    if (bin >= bins)
        return bs_yaml_error(y->err, y->file, line_of(e),
                             "'%s': '%s': the scenario has %d %s bins, expected %s_q1 .. %s_q%d",
                             path, name, bins, base, base, base, bins);
    return BS_OK;
}

static bs_status bind_brand(bs_yaml *y, yaml_node_t *v, const char *path, void *base,
                            const bs_yfield *f)
{
    (void)f;
    if (!bs_yaml_scalar(v))
        return bs_yaml_error(y->err, y->file, line_of(v),
                             "'%s': %s, expected a brand name or \"*\"", path,
                             bs_yaml_node_kind(v));
    ((outcome_in *)base)->brand = v;
    return BS_OK;
}

/* `segment`: a name, or a list of names (their union). */
static bs_status bind_segment(bs_yaml *y, yaml_node_t *n, const char *path, void *base,
                              const bs_yfield *f)
{
    (void)f;
    outcome_in *in = base;
    bs_outcome *o = &in->o;
    in->segment = n;
    const int list = n->type == YAML_SEQUENCE_NODE;
    int count = 1;
    if (list) {
        count = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
        if (count < 1 || count > BS_QUANTILE_MAX_BINS)
            return bs_yaml_error(y->err, y->file, line_of(n),
                                 "'%s': %d names, expected 1 to %d segments or 1 to %d bins", path,
                                 count, BS_SEG_COUNT, BS_QUANTILE_MAX_BINS);
    }
    o->n_seg = 0;
    for (int q = 0; q < count; q++) {
        yaml_node_t *e = list ? yaml_document_get_node(y->doc, n->data.sequence.items.start[q]) : n;
        const char *s = bs_yaml_scalar(e);
        int qg, qt, qbin;
        if (s && !bs_quantile_bin_parse(s, &qg, &qt, &qbin)) { /* a quantile bin */
            if (q > 0 && (!o->quantile || qg != o->grouping))
                return bs_yaml_error(y->err, y->file, line_of(e),
                                     "'%s': '%s' mixed with %s, expected segments or quantile "
                                     "bins of one grouping, not both",
                                     path, s, o->quantile ? "bins of another grouping" : "segments");
            if (check_bin(y, y->user, e, path, s, qg, qt, qbin)) return BS_ERR_INPUT;
            for (int k = 0; k < o->n_seg; k++)
                if (o->bin[k] == qbin)
                    return bs_yaml_error(y->err, y->file, line_of(e),
                                         "'%s': '%s' is listed twice, expected each bin once",
                                         path, s);
            o->quantile = 1;
            o->grouping = qg;
            o->bin[o->n_seg++] = qbin;
            continue;
        }
        int g = s && strcmp(s, "brand") ? bs_segment_by_name(s) : -1; /* the names as written */
        if (g < 0) {
            char seen[160];
            seen_as(e, seen, sizeof seen);
            return bs_yaml_error(y->err, y->file, line_of(e),
                                 "'%s': %s, expected a segment (all, strong, weak, new, "
                                 "fundamentalist, pragmatist, unconcerned, communal, exchange), a "
                                 "quantile bin (strength_q1 .., <trait>_q1 ..) or a list of them",
                                 path, seen);
        }
        if (o->quantile || o->n_seg >= BS_SEG_COUNT)
            return bs_yaml_error(y->err, y->file, line_of(e),
                                 o->quantile ? "'%s': '%s' mixed with quantile bins, expected "
                                               "segments or quantile bins of one grouping, not both"
                                             : "'%s': '%s': more than %d segments",
                                 path, s, BS_SEG_COUNT);
        o->seg[o->n_seg++] = g;
    }
    return BS_OK;
}

/* `stat`: a name, or a name with its arguments: {time_below: {fraction: F}},
   {relative: {baseline: [a, b]}}, {peak_fraction: {baseline: [a, b]}}. */
static bs_status bind_stat(bs_yaml *y, yaml_node_t *n, const char *path, void *base,
                           const bs_yfield *f)
{
    (void)f;
    outcome_in *in = base;
    yaml_node_t *args = NULL;
    const char *s;
    in->stat = n;
    if (n->type == YAML_MAPPING_NODE
        && n->data.mapping.pairs.top - n->data.mapping.pairs.start == 1) {
        s = bs_yaml_scalar(yaml_document_get_node(y->doc, n->data.mapping.pairs.start->key));
        args = yaml_document_get_node(y->doc, n->data.mapping.pairs.start->value);
    } else
        s = bs_yaml_scalar(n);
    in->o.stat = -1;
    for (int k = 0; s && k < BS_STAT_COUNT; k++)
        if (!strcmp(stat_names[k], s)) in->o.stat = k;
    if (in->o.stat < 0) {
        char seen[160];
        if (s) snprintf(seen, sizeof seen, "'%s'", s);
        else snprintf(seen, sizeof seen, "%s", bs_yaml_node_kind(n));
        return bs_yaml_error(y->err, y->file, line_of(n),
                             "'%s': %s, expected one of: mean, sum, last, peak, min, slope, "
                             "time_below, relative, peak_fraction",
                             path, seen);
    }
    if (!args || (args->type == YAML_SCALAR_NODE && args->data.scalar.length == 0)) return BS_OK;
    const bs_yfield rows[] = {
        {.p = {.key = "fraction", .type = BS_P_REAL, .offset = offsetof(outcome_in, arg_fraction),
               .min = -INFINITY, .max = INFINITY}},
        {.p = {.key = "baseline", .offset = offsetof(outcome_in, arg_base)},
         .handler = bind_window},
    };
    snprintf(in->arg_path, sizeof in->arg_path, "%s.%s", path, s);
    return bs_yaml_bind(y, args, in->arg_path, rows, 2, NULL, in, in->arg_given);
}

/* An outcome: `metric` (required), `brand` (a brand metric's, required), `segment`, the
   window `from`, `to`, and `stat` with `fraction` or `baseline` if it needs one. */
static bs_status bind_outcome(bs_yaml *y, yaml_node_t *m, const char *path, void *base,
                              const bs_yfield *f)
{
    const rep_ctx *R = y->user;
    const bs_scenario *sc = R->sc;
    bs_outcome *o = (bs_outcome *)((char *)base + f->p.offset);
    outcome_in in = {.o = {.brand = -1, .n_seg = 1, .seg = {BS_SEG_ALL}, .from = 0,
                           .to = sc->steps, .stat = BS_STAT_MEAN}};
    const bs_yfield rows[O_ROWS] = {
        [O_METRIC] = {.p = {.key = "metric"}, .handler = bind_metric, .required = 1,
                      .expect = "a brand metric (docs/OUTPUT.md, e.g. mean_revenge) or "
                                "market/<metric>"},
        [O_BRAND] = {.p = {.key = "brand"}, .handler = bind_brand},
        [O_SEGMENT] = {.p = {.key = "segment"}, .handler = bind_segment},
        [O_FROM] = {.p = {.key = "from", .type = BS_P_INT, .offset = offsetof(outcome_in, o.from),
                          .min = 0, .max = sc->steps - 1}},
        [O_TO] = {.p = {.key = "to", .type = BS_P_INT, .offset = offsetof(outcome_in, o.to),
                        .min = 1, .max = sc->steps}},
        [O_STAT] = {.p = {.key = "stat"}, .handler = bind_stat},
        [O_FRACTION] = {.p = {.key = "fraction", .type = BS_P_REAL,
                              .offset = offsetof(outcome_in, fraction), .min = -INFINITY,
                              .max = INFINITY}},
        [O_BASELINE] = {.p = {.key = "baseline", .offset = offsetof(outcome_in, base)},
                        .handler = bind_window},
    };
    if (bs_yaml_bind(y, m, path, rows, O_ROWS, NULL, &in, in.given)) return BS_ERR_INPUT;
    if (in.o.market && in.segment)
        return bs_yaml_error(y->err, y->file, line_of(in.segment),
                             "'%s.segment': market metrics have no segments", path);
    if (resolve_metric(y, &in, path)) return BS_ERR_INPUT;
    char p[200];
    /* brand: a name or "*", for a brand metric only; segments likewise */
    snprintf(p, sizeof p, "%s.brand", path);
    if (in.o.market && in.brand)
        return bs_yaml_error(y->err, y->file, line_of(in.brand),
                             "'%s': a market metric has no brand, expected no `brand`", p);
    if (!in.o.market && !in.brand)
        return bs_yaml_error(y->err, y->file, line_of(m),
                             "'%s': missing, expected a brand name or \"*\"", p);
    if (in.brand && strcmp(bs_yaml_scalar(in.brand), "*")) {
        for (int b = 0; b < sc->n_brands; b++)
            if (!strcmp(sc->brands[b].name, bs_yaml_scalar(in.brand))) in.o.brand = b;
        if (in.o.brand < 0)
            return bs_yaml_error(y->err, y->file, line_of(in.brand),
                                 "'%s': no brand named '%s', expected a brand of the scenario or "
                                 "\"*\"",
                                 p, bs_yaml_scalar(in.brand));
    }
    if (in.o.to <= in.o.from)
        return bs_yaml_error(y->err, y->file, line_of(m),
                             "'%s': the window [%d, %d) is empty, expected from < to", path,
                             in.o.from, in.o.to);
    /* what the stat needs: beside it (`fraction: F`) or inside it ({time_below: {fraction: F}}) */
    if (in.o.stat == BS_STAT_TIME_BELOW) {
        const int beside = in.given[O_FRACTION];
        if (!beside && !in.arg_given[0])
            return bs_yaml_error(y->err, y->file, line_of(in.stat),
                                 "'%s.fraction': missing, expected the fraction of the peak (e.g. "
                                 "0.1)",
                                 path);
        in.o.fraction = beside ? in.fraction : in.arg_fraction;
        snprintf(p, sizeof p, "%s.fraction", beside ? path : in.arg_path);
        if (!(in.o.fraction > 0 && in.o.fraction < 1))
            return bs_yaml_error(y->err, y->file, bs_yaml_line_of(y, p),
                                 "'%s': %g, expected a fraction in (0, 1)", p, in.o.fraction);
    }
    if (in.o.stat == BS_STAT_RELATIVE || in.o.stat == BS_STAT_PEAK_FRACTION) {
        const int beside = in.given[O_BASELINE];
        if (!beside && !in.arg_given[1])
            return bs_yaml_error(y->err, y->file, line_of(in.stat),
                                 "'%s.baseline': missing, expected [from, to] of the baseline "
                                 "window",
                                 path);
        in.o.base_from = beside ? in.base.from : in.arg_base.from;
        in.o.base_to = beside ? in.base.to : in.arg_base.to;
    }
    /* as written, for reports */
    const char *mname = in.o.market     ? bs_market_metric_get((bs_market_metric)in.o.metric)->name
                        : in.o.quantile ? bs_quantile_metric_get((bs_quantile_metric)in.o.metric)->name
                                        : bs_metric_get((bs_metric)in.o.metric)->name;
    char segs[120] = "";
    for (int q = 0, k = 0; q < in.o.n_seg && (in.o.quantile || in.o.seg[0] != BS_SEG_ALL) &&
                           k < (int)sizeof segs; q++) {
        char bin[64];
        k += snprintf(segs + k, sizeof segs - (size_t)k, "%s%s",
                      q ? "+" : in.o.quantile ? " in bin " : " in segment ",
                      in.o.quantile ? bs_quantile_bin_name(in.o.grouping, sc->quantile_trait,
                                                           in.o.bin[q], bin, sizeof bin)
                                    : bs_segment_name((bs_segment)in.o.seg[q]));
    }
    snprintf(in.o.text, sizeof in.o.text, "%s of %s%s%s, steps %d-%d",
             bs_outcome_stat_name(in.o.stat), mname,
             in.o.market ? "" : in.o.brand < 0 ? " (all brands)" : "", segs, in.o.from,
             in.o.to - 1);
    if (!in.o.market && in.o.brand >= 0) {
        size_t n = strlen(in.o.text);
        snprintf(in.o.text + n, sizeof in.o.text - n, ", brand %s", sc->brands[in.o.brand].name);
    }
    *o = in.o;
    return BS_OK;
}

/* ---- a criterion ---- */

/* A criterion as written: the sign as its name's index. */
typedef struct {
    bs_criterion c;
    int sign; /* 0 positive, 1 negative */
} criterion_in;

static const char *const sign_names[] = {"positive", "negative", NULL};
static const char *const direction_names[] = {"decreasing", "increasing", NULL}; /* increasing */
static const char *const scale_names[] = {"linear", "log", NULL};                 /* log_scale */

#define VARIANT_ROW(k, field)                                                                \
    {.p = {.key = k, .offset = offsetof(criterion_in, field)}, .handler = bind_variant,     \
     .expect = "a variant name"}
#define NUMBER_ROW(k, field, lo)                                                             \
    {.p = {.key = k, .type = BS_P_REAL, .offset = offsetof(criterion_in, field), .min = lo, \
           .max = INFINITY},                                                                 \
     .expect = "a number"}
static const bs_yfield criterion_rows[] = {
    VARIANT_ROW("a", c.a),
    VARIANT_ROW("b", c.b),
    VARIANT_ROW("a11", c.cell[0]),
    VARIANT_ROW("a10", c.cell[1]),
    VARIANT_ROW("a01", c.cell[2]),
    VARIANT_ROW("a00", c.cell[3]),
    {.p = {.key = "sign", .type = BS_P_ENUM, .offset = offsetof(criterion_in, sign),
           .names = sign_names}},
    {.p = {.key = "variants", .offset = offsetof(criterion_in, c)}, .handler = bind_variant_list,
     .expect = "a list of variant names"},
    {.p = {.key = "direction", .type = BS_P_ENUM, .offset = offsetof(criterion_in, c.increasing),
           .names = direction_names},
     .expect = "increasing or decreasing"},
    {.p = {.key = "x", .offset = offsetof(criterion_in, c)}, .handler = bind_slope_x,
     .expect = "a mapping of variant names to numbers (variant: x)"},
    NUMBER_ROW("min", c.min, -INFINITY),
    NUMBER_ROW("max", c.max, -INFINITY),
    {.p = {.key = "among", .offset = offsetof(criterion_in, c)}, .handler = bind_variant_list,
     .expect = "a list of variant names"},
    NUMBER_ROW("min_relative", c.min_relative, 0),
    {.p = {.key = "scale", .type = BS_P_ENUM, .offset = offsetof(criterion_in, c.log_scale),
           .names = scale_names}},
};
#undef VARIANT_ROW
#undef NUMBER_ROW

/* The keys of each type of criterion, beside `type` (docs: scenarios/replication/README.md);
   the first n_required are required. */
static const struct {
    int n_required;
    const char *keys[6];
} criterion_keys[BS_CRIT_COUNT] = {
    [BS_CRIT_GREATER] = {2, {"a", "b", "min_relative"}},
    [BS_CRIT_LESS] = {2, {"a", "b", "min_relative"}},
    [BS_CRIT_INTERACTION] = {4, {"a11", "a10", "a01", "a00", "sign", "scale"}},
    [BS_CRIT_ORDERING] = {2, {"variants", "direction"}},
    [BS_CRIT_SLOPE] = {1, {"x", "sign"}},
    [BS_CRIT_RATIO_IN] = {4, {"a", "b", "min", "max"}},
    [BS_CRIT_RANGE] = {1, {"a", "min", "max"}},
    [BS_CRIT_SHARE_OF] = {3, {"a", "among", "min"}},
};

/* A criterion: its `type` first, which says which keys it takes (the table above). */
static bs_status bind_criterion(bs_yaml *y, yaml_node_t *m, const char *path, void *base,
                                const bs_yfield *f)
{
    bs_criterion *out = (bs_criterion *)((char *)base + f->p.offset);
    criterion_in in = {.c = {.type = -1, .sign = 1, .min = -INFINITY, .max = INFINITY}};
    bs_yfield rows[1 + 6] = {
        {.p = {.key = "type", .type = BS_P_ENUM, .offset = offsetof(criterion_in, c.type),
               .names = crit_names}},
    };
    char p[200], keys[200];
    snprintf(p, sizeof p, "%s.type", path);
    yaml_node_t *type = bs_yaml_get(y, m, "type");
    if (m->type == YAML_MAPPING_NODE && !type) /* before any key that only a type would allow */
        return bs_yaml_error(y->err, y->file, line_of(m),
                             "'%s': missing, expected one of: greater, less, interaction, "
                             "ordering, slope, ratio_in, range, share_of",
                             p);
    if (type && bs_yaml_bind_scalar(y, type, p, &rows[0].p, &in)) return BS_ERR_INPUT;
    int n = 1, k = snprintf(keys, sizeof keys, "one of the keys of type '%s': type",
                            in.c.type >= 0 ? crit_names[in.c.type] : "?");
    for (int j = 0; in.c.type >= 0 && j < 6 && criterion_keys[in.c.type].keys[j]; j++) {
        const char *key = criterion_keys[in.c.type].keys[j];
        size_t r = 0;
        while (strcmp(criterion_rows[r].p.key, key)) r++;
        rows[n] = criterion_rows[r];
        rows[n++].required = j < criterion_keys[in.c.type].n_required;
        k += snprintf(keys + k, sizeof keys - (size_t)k, ", %s", key);
    }
    if (bs_yaml_bind(y, m, path, rows, n, keys, &in, NULL)) return BS_ERR_INPUT;
    bs_criterion *c = &in.c;
    c->sign = in.sign ? -1 : 1;
    if (c->type == BS_CRIT_RANGE && !bs_yaml_get(y, m, "min") && !bs_yaml_get(y, m, "max"))
        return bs_yaml_error(y->err, y->file, line_of(m),
                             "'%s': neither min nor max, expected min, max or both", path);
    if ((c->type == BS_CRIT_RATIO_IN || c->type == BS_CRIT_RANGE) && !(c->min <= c->max))
        return bs_yaml_error(y->err, y->file, line_of(m),
                             "'%s': min %g above max %g, expected min <= max", path, c->min,
                             c->max);
    *out = *c;
    return BS_OK;
}

/* ---- the block ---- */

/* A test's `basis`: built_in or emergent, into the int at the row's offset as a
   bs_test_basis (absent: BS_BASIS_NONE, what the zeroed test holds). */
static bs_status bind_basis(bs_yaml *y, yaml_node_t *v, const char *path, void *base,
                            const bs_yfield *f)
{
    const bs_param p = {.key = "basis", .type = BS_P_ENUM, .names = basis_keys};
    int k = 0;
    if (bs_yaml_bind_scalar(y, v, path, &p, &k)) return BS_ERR_INPUT;
    *(int *)((char *)base + f->p.offset) = BS_BASIS_BUILT_IN + k;
    return BS_OK;
}

static const char *const contrast_names[] = {"difference", "log_ratio", NULL};

/* `contrast`: difference or log_ratio (stored as BS_CONTRAST_DIFFERENCE + index). */
static bs_status bind_contrast(bs_yaml *y, yaml_node_t *v, const char *path, void *base,
                               const bs_yfield *f)
{
    bs_param p = {.key = f->p.key, .type = BS_P_ENUM, .names = contrast_names,
                  .max = BS_CONTRAST_COUNT - 2};
    int k = 0;
    if (bs_yaml_bind_scalar(y, v, path, &p, &k)) return BS_ERR_INPUT;
    *(int *)((char *)base + f->p.offset) = BS_CONTRAST_DIFFERENCE + k;
    return BS_OK;
}

/* The rows of a test. */
enum { T_NAME, T_OUTCOME, T_VERSUS, T_CONTRAST, T_CRITERION, T_BASIS, T_REASON, T_ROWS };

/* `tests`: a list of {name, outcome, versus, contrast, criterion, basis, basis_reason}, at
   least one; versus (a second outcome, set against the first in each run: its difference, or
   with contrast: log_ratio the log of their ratio) and contrast are optional, contrast only
   with versus; basis and basis_reason come together or not at all. */
static bs_status bind_tests(bs_yaml *y, yaml_node_t *n, const char *path, void *base,
                            const bs_yfield *f)
{
    (void)f;
    bs_replication *rep = base;
    static const bs_yfield rows[T_ROWS] = {
        {.p = {.key = "name", .type = BS_P_STRING, .offset = offsetof(bs_rep_test, name),
               .size = sizeof ((bs_rep_test *)0)->name},
         .required = 1, .expect = "what the test checks"},
        {.p = {.key = "outcome", .offset = offsetof(bs_rep_test, outcome)},
         .handler = bind_outcome, .required = 1,
         .expect = "the outcome (a mapping: metric, brand, from, to, stat)"},
        {.p = {.key = "versus", .offset = offsetof(bs_rep_test, versus)},
         .handler = bind_outcome,
         .expect = "the outcome set against it (a mapping like outcome's)"},
        {.p = {.key = "contrast", .offset = offsetof(bs_rep_test, contrast)},
         .handler = bind_contrast, .expect = "difference or log_ratio"},
        {.p = {.key = "criterion", .offset = offsetof(bs_rep_test, criterion)},
         .handler = bind_criterion, .required = 1,
         .expect = "the criterion (a mapping: type and the variants it compares)"},
        {.p = {.key = "basis", .offset = offsetof(bs_rep_test, basis)}, .handler = bind_basis},
        {.p = {.key = "basis_reason", .type = BS_P_STRING,
               .offset = offsetof(bs_rep_test, basis_reason),
               .size = sizeof ((bs_rep_test *)0)->basis_reason}},
    };
    if (n->type != YAML_SEQUENCE_NODE)
        return bs_yaml_error(y->err, y->file, line_of(n), "'%s': %s, expected a list of tests",
                             path, bs_yaml_node_kind(n));
    if (n->data.sequence.items.top == n->data.sequence.items.start)
        return bs_yaml_error(y->err, y->file, line_of(n),
                             "'%s': an empty list, expected at least one test", path);
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        char p[96];
        snprintf(p, sizeof p, "%s[%d]", path, rep->n_tests);
        yaml_node_t *t = yaml_document_get_node(y->doc, *it);
        if (rep->n_tests == BS_REP_MAX_TESTS)
            return bs_yaml_error(y->err, y->file, line_of(t), "'%s': more than %d tests", p,
                                 BS_REP_MAX_TESTS);
        bs_rep_test *T = &rep->tests[rep->n_tests++];
        T->line = line_of(t);
        unsigned char given[T_ROWS];
        if (bs_yaml_bind(y, t, p, rows, T_ROWS, NULL, T, given)) return BS_ERR_INPUT;
        if (given[T_CONTRAST] && !given[T_VERSUS])
            return bs_yaml_error(y->err, y->file, line_of(bs_yaml_get(y, t, "contrast")),
                                 "'%s.contrast': given without versus, expected a `versus` "
                                 "outcome to set the outcome against",
                                 p);
        if (given[T_VERSUS] && !given[T_CONTRAST]) T->contrast = BS_CONTRAST_DIFFERENCE;
        if (!given[T_VERSUS]) T->contrast = BS_CONTRAST_NONE;
        if (given[T_BASIS] != given[T_REASON]) {
            const int has = given[T_BASIS] ? T_BASIS : T_REASON;
            yaml_node_t *at = bs_yaml_get(y, t, rows[has].p.key);
            return bs_yaml_error(y->err, y->file, line_of(at),
                                 "'%s.%s': given without %s, expected both (basis: built_in or "
                                 "emergent, and basis_reason: why, in one sentence) or neither",
                                 p, rows[has].p.key, rows[has == T_BASIS ? T_REASON : T_BASIS].p.key);
        }
        if (given[T_REASON] && !T->basis_reason[0])
            return bs_yaml_error(y->err, y->file, line_of(bs_yaml_get(y, t, "basis_reason")),
                                 "'%s.basis_reason': empty, expected why the test is %s, in one "
                                 "sentence",
                                 p, bs_test_basis_name(T->basis));
    }
    return BS_OK;
}

/* A control's `set`: overrides in --set syntax, each of which must apply to the scenario. */
static bs_status bind_control_set(bs_yaml *y, yaml_node_t *set, const char *path, void *base,
                                  const bs_yfield *f)
{
    (void)f;
    const rep_ctx *R = y->user;
    bs_rep_control *ctl = base;
    if (set->type != YAML_MAPPING_NODE)
        return bs_yaml_error(y->err, y->file, line_of(set),
                             "'%s': %s, expected a mapping of overrides (key.path: value, as "
                             "--set takes them)",
                             path, bs_yaml_node_kind(set));
    for (yaml_node_pair_t *pr = set->data.mapping.pairs.start; pr < set->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *kn = yaml_document_get_node(y->doc, pr->key);
        yaml_node_t *vn = yaml_document_get_node(y->doc, pr->value);
        const char *k = bs_yaml_scalar(kn), *v = bs_yaml_scalar(vn);
        if (ctl->n_set == BS_REP_MAX_PARAMS)
            return bs_yaml_error(y->err, y->file, line_of(set), "'%s': more than %d overrides",
                                 path, BS_REP_MAX_PARAMS);
        if (!k)
            return bs_yaml_error(y->err, y->file, line_of(kn),
                                 "'%s': %s as a key, expected a key path such as "
                                 "model.revenge_decay",
                                 path, bs_yaml_node_kind(kn));
        if (!v)
            return bs_yaml_error(y->err, y->file, line_of(vn),
                                 "'%s.%s': %s, expected one value (a list of brands is written "
                                 "a,b)",
                                 path, k, bs_yaml_node_kind(vn));
        snprintf(ctl->set[ctl->n_set++], sizeof ctl->set[0], "%s=%s", k, v);
        bs_scenario *tmp = malloc(sizeof *tmp); /* it must apply to the scenario */
        if (!tmp) return bs_yaml_out_of_memory(y->err, y->file);
        memcpy(tmp, R->sc, sizeof *tmp);
        bs_error e = {0};
        bs_status st = bs_scenario_set(tmp, ctl->set[ctl->n_set - 1], &e);
        free(tmp);
        if (st) {
            const char *why = strstr(e.msg, "': "); /* "--set: 'PATH': why" */
            return bs_yaml_error(y->err, y->file, line_of(kn), "'%s.%s': %s", path, k,
                                 why ? why + 3 : e.msg);
        }
    }
    return BS_OK;
}

/* A control's `breaks`: names of the finding's tests. */
static bs_status bind_breaks(bs_yaml *y, yaml_node_t *br, const char *path, void *base,
                             const bs_yfield *f)
{
    (void)f;
    const rep_ctx *R = y->user;
    bs_rep_control *ctl = base;
    if (br->type != YAML_SEQUENCE_NODE)
        return bs_yaml_error(y->err, y->file, line_of(br),
                             "'%s': %s, expected a list of test names", path,
                             bs_yaml_node_kind(br));
    int q = 0;
    for (yaml_node_item_t *it = br->data.sequence.items.start; it < br->data.sequence.items.top;
         it++, q++) {
        yaml_node_t *e = yaml_document_get_node(y->doc, *it);
        const char *tn = bs_yaml_scalar(e);
        int found = -1;
        for (int k = 0; tn && k < R->rep->n_tests; k++)
            if (!strcmp(R->rep->tests[k].name, tn)) found = k;
        if (found < 0) {
            char seen[200];
            seen_as(e, seen, sizeof seen);
            return bs_yaml_error(y->err, y->file, line_of(e),
                                 "'%s[%d]': %s is not the name of a test of this finding, "
                                 "expected one of its tests' names",
                                 path, q, seen);
        }
        if (ctl->n_breaks < BS_REP_MAX_TESTS) ctl->breaks[ctl->n_breaks++] = found;
    }
    return BS_OK;
}

/* One negative control, the c-th: {name, set, why, breaks}. */
static bs_status bind_control(bs_yaml *y, yaml_node_t *cn, const char *path, int c)
{
    rep_ctx *R = y->user;
    static const bs_yfield rows[] = {
        {.p = {.key = "name", .type = BS_P_STRING, .offset = offsetof(bs_rep_control, name),
               .size = sizeof ((bs_rep_control *)0)->name}},
        {.p = {.key = "set"}, .handler = bind_control_set, .required = 1,
         .expect = "a mapping of overrides (key.path: value, as --set takes them)"},
        {.p = {.key = "why", .type = BS_P_STRING, .offset = offsetof(bs_rep_control, why),
               .size = sizeof ((bs_rep_control *)0)->why},
         .required = 1, .expect = "why the finding must then fail"},
        {.p = {.key = "breaks"}, .handler = bind_breaks},
    };
    bs_rep_control *ctl = &R->rep->controls[R->rep->n_controls++];
    snprintf(ctl->name, sizeof ctl->name, "control %d", c + 1);
    return bs_yaml_bind(y, cn, path, rows, 4, NULL, ctl, NULL);
}

/* `negative_control: {...}` or `negative_controls: [{...}, ...]`, not both. */
static bs_status bind_controls(bs_yaml *y, yaml_node_t *n, const char *path, void *base,
                               const bs_yfield *f)
{
    (void)base;
    rep_ctx *R = y->user;
    const int many = !strcmp(f->p.key, "negative_controls");
    if (R->controls++)
        return bs_yaml_error(y->err, y->file, line_of(n),
                             "'%s': both negative_control and negative_controls, expected one of "
                             "them",
                             path);
    if (!many) return bind_control(y, n, path, 0);
    if (n->type != YAML_SEQUENCE_NODE)
        return bs_yaml_error(y->err, y->file, line_of(n), "'%s': %s, expected a list", path,
                             bs_yaml_node_kind(n));
    int count = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (count > BS_REP_MAX_CONTROLS)
        return bs_yaml_error(y->err, y->file, line_of(n), "'%s': %d controls, expected at most %d",
                             path, count, BS_REP_MAX_CONTROLS);
    for (int c = 0; c < count; c++) {
        char p[64];
        snprintf(p, sizeof p, "%s[%d]", path, c);
        if (bind_control(y, yaml_document_get_node(y->doc, n->data.sequence.items.start[c]), p, c))
            return BS_ERR_INPUT;
    }
    return BS_OK;
}

/* `robustness`: key paths of numeric parameters (model, population, network, a brand). */
static bs_status bind_robustness(bs_yaml *y, yaml_node_t *n, const char *path, void *base,
                                 const bs_yfield *f)
{
    (void)f;
    const rep_ctx *R = y->user;
    bs_replication *rep = base;
    if (n->type != YAML_SEQUENCE_NODE)
        return bs_yaml_error(y->err, y->file, line_of(n), "'%s': %s, expected a list of key paths",
                             path, bs_yaml_node_kind(n));
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *e = yaml_document_get_node(y->doc, *it);
        const char *k = bs_yaml_scalar(e);
        char p[64];
        snprintf(p, sizeof p, "%s[%d]", path, rep->n_robust);
        if (rep->n_robust == BS_REP_MAX_PARAMS)
            return bs_yaml_error(y->err, y->file, line_of(n), "'%s': more than %d parameters",
                                 path, BS_REP_MAX_PARAMS);
        if (!k)
            return bs_yaml_error(y->err, y->file, line_of(e), "'%s': %s, expected a key path", p,
                                 bs_yaml_node_kind(e));
        if (strlen(k) >= sizeof rep->robust[0])
            return bs_yaml_error(y->err, y->file, line_of(e),
                                 "'%s': '%.20s...' is too long, expected a key path of at most "
                                 "%zu characters",
                                 p, k, sizeof rep->robust[0] - 1);
        double value;
        bs_error er = {0};
        if (bs_scenario_get(R->sc, k, &value, NULL, &er)) {
            const char *why = strstr(er.msg, "': "); /* "--set: 'PATH': why" */
            return bs_yaml_error(y->err, y->file, line_of(e), "'%s': %s", p,
                                 why ? why + 3 : er.msg);
        }
        snprintf(rep->robust[rep->n_robust++], sizeof rep->robust[0], "%s", k);
    }
    return BS_OK;
}

/* The block. Controls are read after the tests, whose names their `breaks` give. */
static bs_status bind_block(bs_yaml *y, yaml_node_t *m, bs_replication *rep)
{
    static const bs_yfield rows[] = {
        {.p = {.key = "id", .type = BS_P_STRING, .offset = offsetof(bs_replication, id),
               .size = sizeof ((bs_replication *)0)->id},
         .required = 1, .expect = "the finding's id (F1 .. F12, C1 .. C3)"},
        {.p = {.key = "source", .type = BS_P_STRING, .offset = offsetof(bs_replication, source),
               .size = sizeof ((bs_replication *)0)->source},
         .required = 1, .expect = "the study"},
        {.p = {.key = "expected", .type = BS_P_STRING,
               .offset = offsetof(bs_replication, expected),
               .size = sizeof ((bs_replication *)0)->expected},
         .required = 1, .expect = "the pass criterion in words"},
        {.p = {.key = "exploratory", .type = BS_P_BOOL,
               .offset = offsetof(bs_replication, exploratory)}},
        {.p = {.key = "replicates", .type = BS_P_INT,
               .offset = offsetof(bs_replication, replicates), .min = 2, .max = 100000}},
        {.p = {.key = "tests"}, .handler = bind_tests, .required = 1,
         .expect = "a list of tests"},
        {.p = {.key = "negative_control"}, .handler = bind_controls, .later = 1},
        {.p = {.key = "negative_controls"}, .handler = bind_controls, .later = 1},
        {.p = {.key = "robustness"}, .handler = bind_robustness},
    };
    rep->replicates = 30;
    return bs_yaml_bind(y, m, "replication", rows, sizeof rows / sizeof rows[0], NULL, rep, NULL);
}

static bs_status load_impl(const char *path, const bs_scenario *sc, const bs_variants *vars,
                           bs_replication *rep, int *present, bs_error *err);

bs_status bs_replication_load(const char *path, const bs_scenario *sc, const bs_variants *vars,
                              bs_replication *rep, bs_error *err)
{
    return load_impl(path, sc, vars, rep, NULL, err);
}

bs_status bs_replication_load_optional(const char *path, const bs_scenario *sc,
                                       const bs_variants *vars, bs_replication *rep,
                                       int *present, bs_error *err)
{
    *present = 0;
    return load_impl(path, sc, vars, rep, present, err);
}

static bs_status load_impl(const char *path, const bs_scenario *sc, const bs_variants *vars,
                           bs_replication *rep, int *present, bs_error *err)
{
    memset(rep, 0, sizeof *rep);
    FILE *f = fopen(path, "rb");
    if (!f) {
        return bs_error_setf(err, BS_ERR_INPUT, "cannot read '%s': %s", path, strerror(errno));
    }
    yaml_parser_t yp;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&yp)) {
        fclose(f);
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    }
    yaml_parser_set_input_file(&yp, f);
    bs_status s;
    if (!yaml_parser_load(&yp, &doc)) { /* the scenario loader already accepted it */
        s = bs_error_setf(err, BS_ERR_INPUT, "%s: not valid YAML", path);
    } else {
        rep_ctx R = {sc, vars, rep, 0};
        bs_yaml y = {path, &doc, err, &R, NULL, 0, 0};
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        yaml_node_t *block = bs_yaml_get(&y, root, "replication");
        if (present) *present = block != NULL;
        if (!block && present)
            s = BS_OK;
        else if (!block)
            s = bs_yaml_error(err, path, root ? bs_yaml_node_line(root) : 0,
                              "'replication': missing, expected the finding's experiment (see "
                              "scenarios/replication/README.md)");
        else
            s = bind_block(&y, block, rep);
        bs_yaml_lines_free(&y);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&yp);
    fclose(f);
    return s;
}
