/*
 * replication.c: the `replication:` block of a scenario (parsed with libyaml,
 * every error with file, line and key path), the outcome of a run, and the
 * verdict of a criterion over replicates (see replication.h).
 */
#include "brandsim/replication.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "brandsim/stats.h"

/* ---- names ---------------------------------------------------------------------- */

static const char *const stat_names[BS_STAT_COUNT] = {"mean",  "sum",        "last",
                                                      "peak",  "min",        "slope",
                                                      "time_below", "relative", "peak_fraction"};
static const char *const crit_names[BS_CRIT_COUNT] = {"greater", "less",     "interaction",
                                                      "ordering", "slope",   "ratio_in",
                                                      "range",    "share_of"};

const char *bs_criterion_name(int type)
{
    return type >= 0 && type < BS_CRIT_COUNT ? crit_names[type] : "?";
}

const char *bs_outcome_stat_name(int stat)
{
    return stat >= 0 && stat < BS_STAT_COUNT ? stat_names[stat] : "?";
}

/* ---- parsing -------------------------------------------------------------------- */

typedef struct {
    const char *file;
    yaml_document_t *doc;
    const bs_scenario *sc;
    const bs_variants *vars;
    bs_error *err;
} parser;

static bs_status perr(parser *P, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bs_status perr(parser *P, const yaml_node_t *n, const char *fmt, ...)
{
    int k = snprintf(P->err->msg, sizeof P->err->msg, "%s:%d: ", P->file,
                     n ? (int)n->start_mark.line + 1 : 0);
    if (k < 0 || (size_t)k >= sizeof P->err->msg) k = 0; /* a path too long: the reason alone */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(P->err->msg + k, sizeof P->err->msg - (size_t)k, fmt, ap);
    va_end(ap);
    P->err->status = BS_ERR_INPUT;
    return BS_ERR_INPUT;
}

static const char *kind(const yaml_node_t *n)
{
    return n->type == YAML_MAPPING_NODE ? "a mapping" : n->type == YAML_SEQUENCE_NODE ? "a list" : "a single value";
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The value of `key` in mapping m (NULL if absent); the key node in *key_node. */
static yaml_node_t *get(parser *P, yaml_node_t *m, const char *key)
{
    for (yaml_node_pair_t *pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        const char *k = scalar(yaml_document_get_node(P->doc, pr->key));
        if (k && !strcmp(k, key)) return yaml_document_get_node(P->doc, pr->value);
    }
    return NULL;
}

/* Every key of m is one of `allowed` (NULL-terminated). */
static bs_status only_keys(parser *P, yaml_node_t *m, const char *path, const char *const *allowed)
{
    for (yaml_node_pair_t *pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        yaml_node_t *kn = yaml_document_get_node(P->doc, pr->key);
        const char *k = scalar(kn);
        int ok = 0;
        for (int i = 0; k && allowed[i]; i++) ok |= !strcmp(k, allowed[i]);
        if (!ok) {
            char list[400] = "";
            for (int i = 0, n = 0; allowed[i]; i++)
                n += snprintf(list + n, sizeof list - (size_t)n, "%s%s", i ? ", " : "", allowed[i]);
            return perr(P, kn, "'%s.%s': unknown key, expected one of: %s", path, k ? k : "?", list);
        }
    }
    return BS_OK;
}

static bs_status need_map(parser *P, yaml_node_t *n, const char *path)
{
    if (!n || n->type != YAML_MAPPING_NODE)
        return perr(P, n, "'%s': %s, expected a mapping", path, n ? kind(n) : "missing");
    return BS_OK;
}

static bs_status get_int(parser *P, yaml_node_t *n, const char *path, long lo, long hi, int *out)
{
    const char *s = scalar(n);
    char *end;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || end == s || *end || errno || v < lo || v > hi)
        return perr(P, n, "'%s': %s%s%s, expected an integer in [%ld, %ld]", path, s ? "'" : "",
                    s ? s : kind(n), s ? "'" : "", lo, hi);
    *out = (int)v;
    return BS_OK;
}

static bs_status get_real(parser *P, yaml_node_t *n, const char *path, double *out)
{
    const char *s = scalar(n);
    char *end;
    double v = s ? strtod(s, &end) : 0;
    if (!s || end == s || *end || !isfinite(v))
        return perr(P, n, "'%s': %s%s%s, expected a number", path, s ? "'" : "", s ? s : kind(n),
                    s ? "'" : "");
    *out = v;
    return BS_OK;
}

static bs_status get_text(parser *P, yaml_node_t *n, const char *path, char *out, size_t size)
{
    const char *s = scalar(n);
    if (!s || strlen(s) >= size)
        return perr(P, n, "'%s': %s, expected text (at most %zu characters)", path,
                    s ? "too long" : kind(n), size - 1);
    snprintf(out, size, "%s", s);
    return BS_OK;
}

static bs_status get_variant(parser *P, yaml_node_t *n, const char *path, int *out)
{
    const char *s = scalar(n);
    int V = P->vars->n;
    for (int v = 0; s && v < V; v++)
        if (!strcmp(P->vars->v[v].name, s)) {
            *out = v;
            return BS_OK;
        }
    char list[400] = "";
    for (int v = 0, k = 0; v < V && k < (int)sizeof list; v++)
        k += snprintf(list + k, sizeof list - (size_t)k, "%s%s", v ? ", " : "", P->vars->v[v].name);
    return perr(P, n, "'%s': %s%s%s is not a variant of this scenario, expected one of: %s", path,
                s ? "'" : "", s ? s : kind(n), s ? "'" : "", V ? list : "(the scenario has no variants)");
}

static bs_status get_variant_list(parser *P, yaml_node_t *n, const char *path, bs_criterion *c,
                                  int min)
{
    if (!n || n->type != YAML_SEQUENCE_NODE)
        return perr(P, n, "'%s': %s, expected a list of variant names", path, n ? kind(n) : "missing");
    int k = 0;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        char p[128];
        snprintf(p, sizeof p, "%s[%d]", path, k);
        if (k == BS_REP_MAX_LIST) return perr(P, n, "'%s': more than %d variants", path, BS_REP_MAX_LIST);
        if (get_variant(P, yaml_document_get_node(P->doc, *it), p, &c->list[k])) return BS_ERR_INPUT;
        k++;
    }
    if (k < min) return perr(P, n, "'%s': %d variants, expected at least %d", path, k, min);
    c->n_list = k;
    return BS_OK;
}

static bs_status parse_window(parser *P, yaml_node_t *n, const char *path, int *from, int *to)
{
    if (!n || n->type != YAML_SEQUENCE_NODE
        || n->data.sequence.items.top - n->data.sequence.items.start != 2)
        return perr(P, n, "'%s': %s, expected [from, to] (steps)", path, n ? kind(n) : "missing");
    yaml_node_t *a = yaml_document_get_node(P->doc, n->data.sequence.items.start[0]);
    yaml_node_t *b = yaml_document_get_node(P->doc, n->data.sequence.items.start[1]);
    if (get_int(P, a, path, 0, P->sc->steps - 1, from) || get_int(P, b, path, 1, P->sc->steps, to))
        return BS_ERR_INPUT;
    if (*to <= *from) return perr(P, n, "'%s': [%d, %d] is empty, expected from < to", path, *from, *to);
    return BS_OK;
}

static bs_status parse_outcome(parser *P, yaml_node_t *m, const char *path, bs_outcome *o)
{
    static const char *const keys[] = {"metric", "brand", "segment", "from", "to", "stat",
                                       "fraction", "baseline", NULL};
    char p[160];
    if (need_map(P, m, path) || only_keys(P, m, path, keys)) return BS_ERR_INPUT;
    /* metric: a brand metric, or market/<name> */
    yaml_node_t *n = get(P, m, "metric");
    const char *s = scalar(n);
    snprintf(p, sizeof p, "%s.metric", path);
    o->metric = -1;
    if (s && !strncmp(s, "market/", 7)) {
        o->market = 1;
        for (int k = 0; k < BS_MK_COUNT; k++)
            if (!strcmp(bs_market_metric_get((bs_market_metric)k)->name, s + 7)) o->metric = k;
    } else
        for (int k = 0; s && k < BS_M_COUNT; k++)
            if (!strcmp(bs_metric_get((bs_metric)k)->name, s)) o->metric = k;
    if (o->metric < 0)
        return perr(P, n ? n : m, "'%s': %s%s%s, expected a brand metric (docs/OUTPUT.md, e.g. "
                    "mean_revenge) or market/<metric>", p, s ? "'" : "", s ? s : "missing", s ? "'" : "");
    /* brand: a name or "*" (brand metrics only) */
    o->brand = -1;
    n = get(P, m, "brand");
    s = scalar(n);
    snprintf(p, sizeof p, "%s.brand", path);
    if (!o->market) {
        if (!s) return perr(P, n ? n : m, "'%s': %s, expected a brand name or \"*\"", p, n ? kind(n) : "missing");
        if (strcmp(s, "*")) {
            for (int b = 0; b < P->sc->n_brands; b++)
                if (!strcmp(P->sc->brands[b].name, s)) o->brand = b;
            if (o->brand < 0)
                return perr(P, n, "'%s': no brand named '%s', expected a brand of the scenario or \"*\"", p, s);
        }
    } else if (n)
        return perr(P, n, "'%s': a market metric has no brand, expected no `brand`", p);
    /* segment: a name, or a list of names (their union) */
    o->n_seg = 1;
    o->seg[0] = BS_SEG_ALL;
    if ((n = get(P, m, "segment"))) {
        snprintf(p, sizeof p, "%s.segment", path);
        if (o->market) return perr(P, n, "'%s': market metrics have no segments", p);
        const int list = n->type == YAML_SEQUENCE_NODE;
        int count = 1;
        if (list) {
            count = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
            if (count < 1 || count > BS_SEG_COUNT)
                return perr(P, n, "'%s': %d segments, expected 1 to %d", p, count, BS_SEG_COUNT);
        }
        o->n_seg = 0;
        for (int q = 0; q < count; q++) {
            yaml_node_t *e = list ? yaml_document_get_node(P->doc, n->data.sequence.items.start[q]) : n;
            s = scalar(e);
            int g = -1;
            for (int k = 0; s && k < BS_SEG_COUNT; k++)
                if (!strcmp(bs_segment_name((bs_segment)k), s)) g = k;
            if (g < 0)
                return perr(P, e, "'%s': %s%s%s, expected a segment (all, strong, weak, new, "
                            "fundamentalist, pragmatist, unconcerned, communal, exchange) or a "
                            "list of them", p, s ? "'" : "", s ? s : kind(e), s ? "'" : "");
            o->seg[o->n_seg++] = g;
        }
    }
    /* window */
    o->from = 0;
    o->to = P->sc->steps;
    snprintf(p, sizeof p, "%s.from", path);
    if ((n = get(P, m, "from")) && get_int(P, n, p, 0, P->sc->steps - 1, &o->from)) return BS_ERR_INPUT;
    snprintf(p, sizeof p, "%s.to", path);
    if ((n = get(P, m, "to")) && get_int(P, n, p, 1, P->sc->steps, &o->to)) return BS_ERR_INPUT;
    if (o->to <= o->from)
        return perr(P, m, "'%s': the window [%d, %d) is empty, expected from < to", path, o->from, o->to);
    /* stat: a name, or {time_below: {fraction: F}} / {relative: {baseline: [a, b]}} */
    n = get(P, m, "stat");
    snprintf(p, sizeof p, "%s.stat", path);
    yaml_node_t *args = NULL;
    if (n && n->type == YAML_MAPPING_NODE && n->data.mapping.pairs.top - n->data.mapping.pairs.start == 1) {
        s = scalar(yaml_document_get_node(P->doc, n->data.mapping.pairs.start->key));
        args = yaml_document_get_node(P->doc, n->data.mapping.pairs.start->value);
    } else
        s = scalar(n);
    o->stat = n ? -1 : BS_STAT_MEAN; /* default: the mean over the window */
    for (int k = 0; s && k < BS_STAT_COUNT; k++)
        if (!strcmp(stat_names[k], s)) o->stat = k;
    if (o->stat < 0)
        return perr(P, n ? n : m, "'%s': %s%s%s, expected one of: mean, sum, last, peak, min, "
                    "slope, time_below, relative, peak_fraction", p, s ? "'" : "", s ? s : n ? kind(n) : "missing",
                    s ? "'" : "");
    yaml_node_t *frac = get(P, m, "fraction"), *base = get(P, m, "baseline");
    if (args && args->type == YAML_MAPPING_NODE) {
        if (!frac) frac = get(P, args, "fraction");
        if (!base) base = get(P, args, "baseline");
    }
    if (o->stat == BS_STAT_TIME_BELOW) {
        snprintf(p, sizeof p, "%s.fraction", path);
        if (!frac) return perr(P, n, "'%s': missing, expected the fraction of the peak (e.g. 0.1)", p);
        if (get_real(P, frac, p, &o->fraction)) return BS_ERR_INPUT;
        if (!(o->fraction > 0 && o->fraction < 1))
            return perr(P, frac, "'%s': %g, expected a fraction in (0, 1)", p, o->fraction);
    }
    if (o->stat == BS_STAT_RELATIVE || o->stat == BS_STAT_PEAK_FRACTION) {
        snprintf(p, sizeof p, "%s.baseline", path);
        if (!base) return perr(P, n, "'%s': missing, expected [from, to] of the baseline window", p);
        if (parse_window(P, base, p, &o->base_from, &o->base_to)) return BS_ERR_INPUT;
    }
    const char *mname = o->market ? bs_market_metric_get((bs_market_metric)o->metric)->name
                                  : bs_metric_get((bs_metric)o->metric)->name;
    char segs[120] = "";
    for (int q = 0, k = 0; q < o->n_seg && o->seg[0] != BS_SEG_ALL; q++)
        k += snprintf(segs + k, sizeof segs - (size_t)k, "%s%s", q ? "+" : " in segment ",
                      bs_segment_name((bs_segment)o->seg[q]));
    snprintf(o->text, sizeof o->text, "%s of %s%s%s, steps %d-%d", bs_outcome_stat_name(o->stat),
             mname, o->market ? "" : o->brand < 0 ? " (all brands)" : "", segs, o->from, o->to - 1);
    if (!o->market && o->brand >= 0) {
        size_t n = strlen(o->text);
        snprintf(o->text + n, sizeof o->text - n, ", brand %s", P->sc->brands[o->brand].name);
    }
    return BS_OK;
}

static bs_status parse_criterion(parser *P, yaml_node_t *m, const char *path, bs_criterion *c)
{
    static const char *const keys[] = {"type", "a", "b", "a11", "a10", "a01", "a00", "sign",
                                       "variants", "direction", "x", "min", "max", "among",
                                       "min_relative", "scale", NULL};
    char p[160];
    if (need_map(P, m, path) || only_keys(P, m, path, keys)) return BS_ERR_INPUT;
    yaml_node_t *n = get(P, m, "type");
    const char *s = scalar(n);
    c->type = -1;
    for (int k = 0; s && k < BS_CRIT_COUNT; k++)
        if (!strcmp(crit_names[k], s)) c->type = k;
    snprintf(p, sizeof p, "%s.type", path);
    if (c->type < 0)
        return perr(P, n ? n : m, "'%s': %s%s%s, expected one of: greater, less, interaction, "
                    "ordering, slope, ratio_in, range, share_of", p, s ? "'" : "", s ? s : "missing",
                    s ? "'" : "");
#define VARIANT(key, field)                                                                  \
    do {                                                                                     \
        snprintf(p, sizeof p, "%s.%s", path, key);                                           \
        yaml_node_t *vn_ = get(P, m, key);                                                   \
        if (!vn_) return perr(P, m, "'%s': missing, expected a variant name", p);            \
        if (get_variant(P, vn_, p, &(field))) return BS_ERR_INPUT;                           \
    } while (0)
#define REAL(key, field)                                                                     \
    do {                                                                                     \
        snprintf(p, sizeof p, "%s.%s", path, key);                                           \
        yaml_node_t *rn_ = get(P, m, key);                                                   \
        if (!rn_) return perr(P, m, "'%s': missing, expected a number", p);                  \
        if (get_real(P, rn_, p, &(field))) return BS_ERR_INPUT;                              \
    } while (0)
    c->sign = 1;
    if ((n = get(P, m, "sign"))) {
        s = scalar(n);
        snprintf(p, sizeof p, "%s.sign", path);
        if (s && !strcmp(s, "positive")) c->sign = 1;
        else if (s && !strcmp(s, "negative")) c->sign = -1;
        else return perr(P, n, "'%s': expected positive or negative", p);
    }
    c->min = -INFINITY;
    c->max = INFINITY;
    if ((n = get(P, m, "min_relative"))) {
        snprintf(p, sizeof p, "%s.min_relative", path);
        if (c->type != BS_CRIT_GREATER && c->type != BS_CRIT_LESS)
            return perr(P, n, "'%s': only for greater and less", p);
        if (get_real(P, n, p, &c->min_relative) || c->min_relative < 0)
            return perr(P, n, "'%s': expected a number >= 0", p);
    }
    if ((n = get(P, m, "scale"))) {
        s = scalar(n);
        snprintf(p, sizeof p, "%s.scale", path);
        if (c->type != BS_CRIT_INTERACTION || !s || (strcmp(s, "log") && strcmp(s, "linear")))
            return perr(P, n, "'%s': expected linear or log (interaction only)", p);
        c->log_scale = !strcmp(s, "log");
    }
#define OPTREAL(key, field)                                                                  \
    do {                                                                                     \
        snprintf(p, sizeof p, "%s.%s", path, key);                                           \
        yaml_node_t *rn_ = get(P, m, key);                                                   \
        if (rn_ && get_real(P, rn_, p, &(field))) return BS_ERR_INPUT;                       \
    } while (0)
    switch (c->type) {
    case BS_CRIT_GREATER:
    case BS_CRIT_LESS:
        VARIANT("a", c->a);
        VARIANT("b", c->b);
        break;
    case BS_CRIT_INTERACTION:
        VARIANT("a11", c->cell[0]);
        VARIANT("a10", c->cell[1]);
        VARIANT("a01", c->cell[2]);
        VARIANT("a00", c->cell[3]);
        break;
    case BS_CRIT_ORDERING:
        snprintf(p, sizeof p, "%s.variants", path);
        if (get_variant_list(P, get(P, m, "variants"), p, c, 2)) return BS_ERR_INPUT;
        n = get(P, m, "direction");
        s = scalar(n);
        snprintf(p, sizeof p, "%s.direction", path);
        if (!s || (strcmp(s, "increasing") && strcmp(s, "decreasing")))
            return perr(P, n ? n : m, "'%s': expected increasing or decreasing", p);
        c->increasing = !strcmp(s, "increasing");
        break;
    case BS_CRIT_SLOPE: {
        n = get(P, m, "x");
        snprintf(p, sizeof p, "%s.x", path);
        if (need_map(P, n, p)) return BS_ERR_INPUT;
        int k = 0;
        for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
            char q[200];
            yaml_node_t *kn = yaml_document_get_node(P->doc, pr->key);
            snprintf(q, sizeof q, "%s.%s", p, scalar(kn) ? scalar(kn) : "?");
            if (k == BS_REP_MAX_LIST) return perr(P, n, "'%s': more than %d variants", p, BS_REP_MAX_LIST);
            if (get_variant(P, kn, q, &c->list[k])
                || get_real(P, yaml_document_get_node(P->doc, pr->value), q, &c->x[k]))
                return BS_ERR_INPUT;
            k++;
        }
        if (k < 2) return perr(P, n, "'%s': %d variants, expected at least 2", p, k);
        c->n_list = k;
        break;
    }
    case BS_CRIT_RATIO_IN:
        VARIANT("a", c->a);
        VARIANT("b", c->b);
        REAL("min", c->min);
        REAL("max", c->max);
        break;
    case BS_CRIT_RANGE:
        VARIANT("a", c->a);
        OPTREAL("min", c->min);
        OPTREAL("max", c->max);
        if (!get(P, m, "min") && !get(P, m, "max"))
            return perr(P, m, "'%s': expected min, max or both", path);
        break;
    case BS_CRIT_SHARE_OF:
        VARIANT("a", c->a);
        REAL("min", c->min);
        snprintf(p, sizeof p, "%s.among", path);
        if (get_variant_list(P, get(P, m, "among"), p, c, 2)) return BS_ERR_INPUT;
        break;
    }
#undef VARIANT
#undef REAL
#undef OPTREAL
    if ((c->type == BS_CRIT_RATIO_IN || c->type == BS_CRIT_RANGE) && !(c->min <= c->max))
        return perr(P, m, "'%s': min %g above max %g, expected min <= max", path, c->min, c->max);
    return BS_OK;
}

static bs_status parse_block(parser *P, yaml_node_t *m, bs_replication *rep)
{
    static const char *const keys[] = {"id", "source", "expected", "exploratory", "replicates",
                                       "tests", "negative_control", "negative_controls",
                                       "robustness", NULL};
    if (need_map(P, m, "replication") || only_keys(P, m, "replication", keys)) return BS_ERR_INPUT;
    yaml_node_t *n;
    if (!(n = get(P, m, "id"))) return perr(P, m, "'replication.id': missing, expected the finding's id (F1 .. F12, C1 .. C3)");
    if (get_text(P, n, "replication.id", rep->id, sizeof rep->id)) return BS_ERR_INPUT;
    if (!(n = get(P, m, "source"))) return perr(P, m, "'replication.source': missing, expected the study");
    if (get_text(P, n, "replication.source", rep->source, sizeof rep->source)) return BS_ERR_INPUT;
    if (!(n = get(P, m, "expected"))) return perr(P, m, "'replication.expected': missing, expected the pass criterion in words");
    if (get_text(P, n, "replication.expected", rep->expected, sizeof rep->expected)) return BS_ERR_INPUT;
    if ((n = get(P, m, "exploratory"))) {
        const char *s = scalar(n);
        if (s && !strcmp(s, "true")) rep->exploratory = 1;
        else if (s && !strcmp(s, "false")) rep->exploratory = 0;
        else return perr(P, n, "'replication.exploratory': expected true or false");
    }
    rep->replicates = 30;
    if ((n = get(P, m, "replicates")) && get_int(P, n, "replication.replicates", 2, 100000, &rep->replicates))
        return BS_ERR_INPUT;
    n = get(P, m, "tests");
    if (!n || n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.top == n->data.sequence.items.start)
        return perr(P, n ? n : m, "'replication.tests': %s, expected a list of tests", n ? kind(n) : "missing");
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        char path[96];
        snprintf(path, sizeof path, "replication.tests[%d]", rep->n_tests);
        yaml_node_t *t = yaml_document_get_node(P->doc, *it);
        static const char *const tkeys[] = {"name", "outcome", "criterion", NULL};
        if (rep->n_tests == BS_REP_MAX_TESTS) return perr(P, t, "'%s': more than %d tests", path, BS_REP_MAX_TESTS);
        if (need_map(P, t, path) || only_keys(P, t, path, tkeys)) return BS_ERR_INPUT;
        bs_rep_test *T = &rep->tests[rep->n_tests++];
        T->line = (int)t->start_mark.line + 1;
        char p[128];
        snprintf(p, sizeof p, "%s.name", path);
        yaml_node_t *nm = get(P, t, "name");
        if (!nm) return perr(P, t, "'%s': missing, expected what the test checks", p);
        if (get_text(P, nm, p, T->name, sizeof T->name)) return BS_ERR_INPUT;
        snprintf(p, sizeof p, "%s.outcome", path);
        if (parse_outcome(P, get(P, t, "outcome"), p, &T->outcome)) return BS_ERR_INPUT;
        snprintf(p, sizeof p, "%s.criterion", path);
        if (parse_criterion(P, get(P, t, "criterion"), p, &T->criterion)) return BS_ERR_INPUT;
    }
    /* negative controls: `negative_control: {...}` or `negative_controls: [{...}, ...]` */
    yaml_node_t *one = get(P, m, "negative_control"), *many = get(P, m, "negative_controls");
    if (one && many)
        return perr(P, many, "'replication.negative_controls': both negative_control and "
                    "negative_controls, expected one of them");
    if (many && many->type != YAML_SEQUENCE_NODE)
        return perr(P, many, "'replication.negative_controls': %s, expected a list", kind(many));
    int n_ctl = one ? 1 : many ? (int)(many->data.sequence.items.top - many->data.sequence.items.start) : 0;
    if (n_ctl > BS_REP_MAX_CONTROLS)
        return perr(P, many, "'replication.negative_controls': more than %d", BS_REP_MAX_CONTROLS);
    for (int c = 0; c < n_ctl; c++) {
        static const char *const nkeys[] = {"name", "set", "why", "breaks", NULL};
        yaml_node_t *cn = one ? one : yaml_document_get_node(P->doc, many->data.sequence.items.start[c]);
        char base[64], p[160];
        if (one) snprintf(base, sizeof base, "replication.negative_control");
        else snprintf(base, sizeof base, "replication.negative_controls[%d]", c);
        if (need_map(P, cn, base) || only_keys(P, cn, base, nkeys)) return BS_ERR_INPUT;
        bs_rep_control *ctl = &rep->controls[rep->n_controls++];
        yaml_node_t *set = get(P, cn, "set"), *why = get(P, cn, "why"), *nm = get(P, cn, "name");
        snprintf(p, sizeof p, "%s.name", base);
        if (nm && get_text(P, nm, p, ctl->name, sizeof ctl->name)) return BS_ERR_INPUT;
        if (!nm) snprintf(ctl->name, sizeof ctl->name, "control %d", c + 1);
        snprintf(p, sizeof p, "%s.set", base);
        if (need_map(P, set, p)) return BS_ERR_INPUT;
        snprintf(p, sizeof p, "%s.why", base);
        if (!why) return perr(P, cn, "'%s': missing, expected why the finding must then fail", p);
        if (get_text(P, why, p, ctl->why, sizeof ctl->why)) return BS_ERR_INPUT;
        for (yaml_node_pair_t *pr = set->data.mapping.pairs.start; pr < set->data.mapping.pairs.top; pr++) {
            const char *k = scalar(yaml_document_get_node(P->doc, pr->key));
            const char *v = scalar(yaml_document_get_node(P->doc, pr->value));
            snprintf(p, sizeof p, "%s.set", base);
            if (ctl->n_set == BS_REP_MAX_PARAMS)
                return perr(P, set, "'%s': more than %d overrides", p, BS_REP_MAX_PARAMS);
            if (!k || !v) return perr(P, set, "'%s': expected key.path: value pairs", p);
            snprintf(ctl->set[ctl->n_set++], sizeof ctl->set[0], "%s=%s", k, v);
            bs_scenario *tmp = malloc(sizeof *tmp); /* it must apply to the scenario */
            if (!tmp) return perr(P, set, "out of memory");
            memcpy(tmp, P->sc, sizeof *tmp);
            bs_error e = {0};
            bs_status st = bs_scenario_set(tmp, ctl->set[ctl->n_set - 1], &e);
            free(tmp);
            if (st) {
                const char *why2 = strstr(e.msg, "': ");
                return perr(P, yaml_document_get_node(P->doc, pr->key), "'%s.%s': %s", p, k,
                            why2 ? why2 + 3 : e.msg);
            }
        }
        yaml_node_t *br = get(P, cn, "breaks");
        snprintf(p, sizeof p, "%s.breaks", base);
        if (br && br->type != YAML_SEQUENCE_NODE)
            return perr(P, br, "'%s': %s, expected a list of test names", p, kind(br));
        for (yaml_node_item_t *it = br ? br->data.sequence.items.start : NULL;
             br && it < br->data.sequence.items.top; it++) {
            yaml_node_t *e = yaml_document_get_node(P->doc, *it);
            const char *tn = scalar(e);
            int found = -1;
            for (int k = 0; tn && k < rep->n_tests; k++)
                if (!strcmp(rep->tests[k].name, tn)) found = k;
            if (found < 0)
                return perr(P, e, "'%s': %s%s%s is not the name of a test of this finding", p,
                            tn ? "'" : "", tn ? tn : kind(e), tn ? "'" : "");
            if (ctl->n_breaks < BS_REP_MAX_TESTS) ctl->breaks[ctl->n_breaks++] = found;
        }
    }
    if ((n = get(P, m, "robustness"))) {
        if (n->type != YAML_SEQUENCE_NODE)
            return perr(P, n, "'replication.robustness': %s, expected a list of key paths", kind(n));
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
            yaml_node_t *e = yaml_document_get_node(P->doc, *it);
            const char *k = scalar(e);
            char p[64];
            snprintf(p, sizeof p, "replication.robustness[%d]", rep->n_robust);
            if (rep->n_robust == BS_REP_MAX_PARAMS)
                return perr(P, n, "'replication.robustness': more than %d parameters", BS_REP_MAX_PARAMS);
            if (!k || strlen(k) >= sizeof rep->robust[0]) return perr(P, e, "'%s': expected a key path", p);
            /* a numeric parameter of the model, population, network or a brand */
            double value;
            bs_error er = {0};
            if (bs_scenario_get(P->sc, k, &value, NULL, &er)) {
                const char *why2 = strstr(er.msg, "': ");
                return perr(P, e, "'%s': %s", p, why2 ? why2 + 3 : er.msg);
            }
            snprintf(rep->robust[rep->n_robust++], sizeof rep->robust[0], "%s", k);
        }
    }
    return BS_OK;
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
        snprintf(err->msg, sizeof err->msg, "cannot read '%s': %s", path, strerror(errno));
        err->status = BS_ERR_INPUT;
        return BS_ERR_INPUT;
    }
    yaml_parser_t yp;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&yp)) {
        fclose(f);
        snprintf(err->msg, sizeof err->msg, "out of memory");
        err->status = BS_ERR_RUNTIME;
        return BS_ERR_RUNTIME;
    }
    yaml_parser_set_input_file(&yp, f);
    bs_status s;
    if (!yaml_parser_load(&yp, &doc)) { /* the scenario loader already accepted it */
        snprintf(err->msg, sizeof err->msg, "%s: not valid YAML", path);
        err->status = BS_ERR_INPUT;
        s = BS_ERR_INPUT;
    } else {
        parser P = {path, &doc, sc, vars, err};
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        yaml_node_t *block = root && root->type == YAML_MAPPING_NODE ? get(&P, root, "replication") : NULL;
        if (present) *present = block != NULL;
        if (!block && present)
            s = BS_OK;
        else if (!block)
            s = perr(&P, root, "'replication': missing, expected the finding's experiment (see "
                     "scenarios/replication/README.md)");
        else
            s = parse_block(&P, block, rep);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&yp);
    fclose(f);
    return s;
}

/* ---- outcomes --------------------------------------------------------------------- */

double bs_outcome_value(const bs_outcome *o, const double *x, int steps)
{
    int from = o->from, to = o->to < steps ? o->to : steps;
    if (to <= from) return NAN;
    double acc = 0, best;
    switch (o->stat) {
    case BS_STAT_MEAN:
    case BS_STAT_SUM:
        for (int t = from; t < to; t++) acc += x[t];
        return o->stat == BS_STAT_SUM ? acc : acc / (to - from);
    case BS_STAT_LAST:
        return x[to - 1];
    case BS_STAT_PEAK:
    case BS_STAT_MIN:
        best = x[from];
        for (int t = from + 1; t < to; t++)
            best = o->stat == BS_STAT_PEAK ? fmax(best, x[t]) : fmin(best, x[t]);
        return best;
    case BS_STAT_SLOPE: {
        if (to - from < 2) return NAN;
        double mt = 0.5 * (from + to - 1), mx = 0, sxy = 0, sxx = 0;
        for (int t = from; t < to; t++) mx += x[t];
        mx /= to - from;
        for (int t = from; t < to; t++) {
            sxy += (t - mt) * (x[t] - mx);
            sxx += (t - mt) * (t - mt);
        }
        return sxy / sxx;
    }
    case BS_STAT_TIME_BELOW: { /* steps from the peak until the value is below fraction x peak */
        int at = from;
        for (int t = from + 1; t < to; t++)
            if (x[t] > x[at]) at = t;
        if (!(x[at] > 0)) return 0; /* nothing ever rose (no acts at all): nothing lasts */
        for (int t = at; t < to; t++)
            if (x[t] < o->fraction * x[at]) return t - at;
        return to - from; /* never within the window: censored, "at least the window" */
    }
    case BS_STAT_PEAK_FRACTION: { /* (last - baseline) / (peak - baseline) */
        double base = 0, peak = x[from];
        for (int t = o->base_from; t < o->base_to; t++) base += x[t];
        base /= o->base_to - o->base_from;
        for (int t = from + 1; t < to; t++) peak = fmax(peak, x[t]);
        return peak > base ? (x[to - 1] - base) / (peak - base) : NAN;
    }
    case BS_STAT_RELATIVE: {
        double base = 0, m = 0;
        for (int t = o->base_from; t < o->base_to; t++) base += x[t];
        base /= o->base_to - o->base_from;
        for (int t = from; t < to; t++) m += x[t];
        return m / (to - from) - base;
    }
    }
    return NAN;
}

/* ---- verdicts --------------------------------------------------------------------- */

static bs_verdict verdict_of(bs_effect e, int pass_if_positive, const char *name)
{
    bs_verdict v = {0, e.estimate, e.lo, e.hi, e.t, e.p, "", {-1, -1}};
    snprintf(v.effect_name, sizeof v.effect_name, "%s", name);
    v.pass = pass_if_positive ? e.lo > 0 : e.hi < 0;
    return v;
}

/* a - b per replicate, paired by seed. */
static bs_effect paired(const double *values, int a, int b, int R)
{
    return bs_effect_paired(values + (size_t)a * R, values + (size_t)b * R, (size_t)R, 0.95);
}

bs_verdict bs_criterion_eval(const bs_criterion *c, const double *values, int V, int R)
{
    (void)V;
    bs_verdict v = {0, NAN, NAN, NAN, NAN, NAN, "", {-1, -1}};
    double *d = malloc((size_t)(R > 0 ? R : 1) * (c->n_list + 2) * sizeof *d);
    double *zero = calloc((size_t)(R > 0 ? R : 1), sizeof *zero);
    if (!d || !zero) {
        free(d);
        free(zero);
        snprintf(v.effect_name, sizeof v.effect_name, "out of memory");
        return v;
    }
    switch (c->type) {
    case BS_CRIT_GREATER:
    case BS_CRIT_LESS: {
        v = verdict_of(paired(values, c->a, c->b, R), c->type == BS_CRIT_GREATER, "difference a - b");
        if (c->min_relative > 0) { /* the smallest effect of interest: r x |mean(b)| */
            double mb = 0;
            for (int r = 0; r < R; r++) mb += values[(size_t)c->b * R + r];
            double margin = c->min_relative * fabs(mb / R);
            v.pass = c->type == BS_CRIT_GREATER ? v.lo > margin : v.hi < -margin;
        }
        break;
    }
    case BS_CRIT_INTERACTION: { /* per replicate (a11 - a10) - (a01 - a00), paired by seed */
        const double *x[4];
        for (int k = 0; k < 4; k++) x[k] = values + (size_t)c->cell[k] * R;
        for (int r = 0; r < R; r++)
            d[r] = c->log_scale ? (log(x[0][r]) - log(x[1][r])) - (log(x[2][r]) - log(x[3][r]))
                                : (x[0][r] - x[1][r]) - (x[2][r] - x[3][r]);
        v = verdict_of(bs_effect_paired(d, zero, (size_t)R, 0.95), c->sign > 0,
                       c->log_scale ? "interaction of logs" : "interaction (a11 - a10) - (a01 - a00)");
        break;
    }
    case BS_CRIT_ORDERING: { /* every adjacent pair in the stated direction; the weakest reported */
        v.pass = 1;
        double worst = -INFINITY; /* of the pair reported */
        int chosen = 0, chosen_fails = 0;
        for (int k = 0; k + 1 < c->n_list; k++) {
            /* increasing: list[k+1] - list[k] > 0 */
            bs_effect e = paired(values, c->list[k + 1], c->list[k], R);
            bs_verdict pv = verdict_of(e, c->increasing, "");
            v.pass &= pv.pass;
            /* the pair reported: a failing one before any passing one, then the one
             * closest to failing, by t against the stated direction (an undefined t,
             * from an undefined outcome, is the worst; a t of +-inf, from differences
             * identical in every replicate, is as strong or as weak as its sign says) */
            const double tdir = isnan(e.t) ? INFINITY : (c->increasing ? -e.t : e.t);
            const int fails = !pv.pass;
            if (!chosen || fails > chosen_fails || (fails == chosen_fails && tdir > worst)) {
                chosen = 1;
                chosen_fails = fails;
                worst = tdir;
                v.pair[0] = c->list[k + 1];
                v.pair[1] = c->list[k];
                v.effect = e.estimate;
                v.lo = e.lo;
                v.hi = e.hi;
                v.t = e.t;
                v.p = e.p;
                snprintf(v.effect_name, sizeof v.effect_name, "weakest adjacent difference");
            }
        }
        break;
    }
    case BS_CRIT_SLOPE: { /* OLS of the outcome on x over every replicate of the listed variants */
        size_t n = (size_t)c->n_list * R;
        double *xs = malloc(n * sizeof *xs), *ys = malloc(n * sizeof *ys);
        if (xs && ys) {
            for (int k = 0; k < c->n_list; k++)
                for (int r = 0; r < R; r++) {
                    xs[(size_t)k * R + r] = c->x[k];
                    ys[(size_t)k * R + r] = values[(size_t)c->list[k] * R + r];
                }
            v = verdict_of(bs_effect_slope(xs, ys, n, 0.95), c->sign > 0, "slope");
        }
        free(xs);
        free(ys);
        break;
    }
    case BS_CRIT_RATIO_IN:
    case BS_CRIT_RANGE:
    case BS_CRIT_SHARE_OF: { /* a per-replicate quantity; its 95 % CI against the bounds */
        for (int r = 0; r < R; r++) {
            double a = values[(size_t)c->a * R + r];
            if (c->type == BS_CRIT_RATIO_IN) d[r] = a / values[(size_t)c->b * R + r];
            else if (c->type == BS_CRIT_RANGE) d[r] = a;
            else {
                double tot = 0;
                for (int k = 0; k < c->n_list; k++) tot += values[(size_t)c->list[k] * R + r];
                d[r] = tot > 0 ? a / tot : NAN;
            }
        }
        bs_ci ci = bs_ci_mean(d, 1, (size_t)R, 0.95);
        v.effect = ci.mean;
        v.lo = ci.lo;
        v.hi = ci.hi;
        snprintf(v.effect_name, sizeof v.effect_name, "%s",
                 c->type == BS_CRIT_RATIO_IN ? "ratio a / b" : c->type == BS_CRIT_RANGE ? "mean of a" : "share of a");
        if (c->type == BS_CRIT_SHARE_OF) v.pass = ci.lo >= c->min;
        else v.pass = ci.lo >= c->min && ci.hi <= c->max;
        /* t against the nearest bound */
        double bound = c->type == BS_CRIT_SHARE_OF ? c->min
                       : fabs(ci.mean - c->min) < fabs(ci.mean - c->max) ? c->min : c->max;
        double se = ci.sd / sqrt((double)R);
        v.t = se > 0 ? (ci.mean - bound) / se : NAN;
        v.p = NAN;
        break;
    }
    }
    if (isnan(v.effect)) v.pass = 0;
    free(d);
    free(zero);
    return v;
}

/* ---- series of an outcome ---------------------------------------------------------- */

/* How a brand metric combines over segments: a count adds; a mean or share is weighted by
   its denominator, itself a metric. -1: a count (no weight). */
static int weight_of(int m)
{
    switch (m) {
    case BS_M_MEAN_QUALITY:
    case BS_M_MEAN_CONFIDENCE:
    case BS_M_MEAN_BENEVOLENCE:
    case BS_M_MEAN_DISCLOSURE:
    case BS_M_OFFER_ACCEPT_PERSONALIZED:
    case BS_M_OFFER_ACCEPT_GENERIC: return BS_M_ACTIVE_CUSTOMERS;
    case BS_M_MEAN_REVENGE:
    case BS_M_MEAN_AVOIDANCE:
    case BS_M_MEAN_BETRAYAL:
    case BS_M_SHARE_STOPPED_VISITING:
    case BS_M_SHARE_STOPPED_BUYING: return -2; /* active + former customers */
    case BS_M_MEAN_SHAME: return BS_M_FORMER_CUSTOMERS;
    case BS_M_REPEAT_RATE: return BS_M_PURCHASES;
    default: return -1;
    }
}

static double at(const bs_stats *st, int seg, int m, int b)
{
    return st->v[((size_t)seg * BS_M_COUNT + (size_t)m) * (size_t)st->n_brands + (size_t)b];
}

static double weight_at(const bs_stats *st, int seg, int w, int b)
{
    return w == -2 ? at(st, seg, BS_M_ACTIVE_CUSTOMERS, b) + at(st, seg, BS_M_FORMER_CUSTOMERS, b)
                   : at(st, seg, w, b);
}

/* Metric m of brand b over the union of the outcome's segments. */
static double union_value(const bs_outcome *o, const bs_stats *st, int m, int b)
{
    if (o->n_seg == 1) return at(st, o->seg[0], m, b);
    if (m == BS_M_MARKET_SHARE) { /* purchases at b / all purchases, within the union */
        double mine = 0, all = 0;
        for (int q = 0; q < o->n_seg; q++)
            for (int c = 0; c < st->n_brands; c++) {
                double p = at(st, o->seg[q], BS_M_PURCHASES, c);
                all += p;
                if (c == b) mine += p;
            }
        return all > 0 ? mine / all : 0;
    }
    int w = weight_of(m);
    double num = 0, den = 0;
    for (int q = 0; q < o->n_seg; q++) {
        double x = at(st, o->seg[q], m, b);
        double wt = w == -1 ? 1 : weight_at(st, o->seg[q], w, b);
        num += w == -1 ? x : x * wt;
        den += wt;
    }
    return w == -1 ? num : den > 0 ? num / den : 0;
}

double bs_outcome_series_value(const bs_outcome *o, const bs_stats *st)
{
    if (o->market) return st->market[o->metric];
    if (o->brand >= 0) return union_value(o, st, o->metric, o->brand);
    /* all brands: counts add up, means and shares are averaged over brands */
    double s = 0;
    for (int b = 0; b < st->n_brands; b++) s += union_value(o, st, o->metric, b);
    int count = weight_of(o->metric) == -1 && o->metric != BS_M_MARKET_SHARE;
    return count || st->n_brands == 0 ? s : s / st->n_brands;
}
