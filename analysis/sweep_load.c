/* SPDX-License-Identifier: MIT */
/*
 * sweep_load.c: what a sweep runs (sweep.h). An experiment file (YAML, read
 * with the scenario's binder, sim/io/yaml_bind.h: every error with file, line
 * and key) names a scenario, factors and a design whose unit-cube points
 * (design.h) become factor values; a design file (CSV) lists the points
 * themselves. Every point's scenario is built and validated here, before
 * anything runs, so a bad value is reported with where it came from.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "analysis/sweep_internal.h"
#include "brandsim/export.h"
#include "brandsim/results.h"
#include "io/yaml_bind.h"

/* ---- CSV -------------------------------------------------------------------------- */

int bs_sweep_csv_split(const char *line, char (*fields)[BS_SWEEP_PATH_MAX + BS_SWEEP_VALUE_MAX],
                       int max)
{
    const size_t cap = BS_SWEEP_PATH_MAX + BS_SWEEP_VALUE_MAX;
    int n = 0;
    const char *c = line;
    for (;;) {
        if (n == max)
            return -1;
        size_t len = 0;
        char *to = fields[n];
        if (*c == '"') { /* quoted: "" is a quote */
            for (c++;; c++) {
                if (!*c)
                    return -1;
                if (*c == '"' && c[1] != '"')
                    break;
                if (*c == '"')
                    c++;
                if (len + 1 >= cap)
                    return -1;
                to[len++] = *c;
            }
            c++;
            if (*c && *c != ',')
                return -1;
        } else
            for (; *c && *c != ','; c++) {
                if (len + 1 >= cap)
                    return -1;
                to[len++] = *c;
            }
        to[len] = '\0';
        n++;
        if (!*c)
            return n;
        c++; /* the comma */
    }
}

/* ---- the sweep ------------------------------------------------------------------ */

static bs_sweep *sweep_new(bs_error *err)
{
    bs_sweep *s = calloc(1, sizeof *s);
    if (s && !(s->base = calloc(1, sizeof *s->base))) {
        free(s);
        s = NULL;
    }
    if (!s)
        bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    return s;
}

void bs_sweep_free(bs_sweep *s)
{
    if (!s)
        return;
    free(s->base);
    free(s->factors);
    free(s->values);
    free(s->u);
    free(s->out);
    free(s->done);
    free(s->series);
    free(s);
}

/* Load the scenario file (its variants are not run: the factors take their place) and apply
 * the overrides, in order. */
static bs_status load_scenario(bs_sweep *s, const char *path, const char *const *ov, int n,
                               bs_error *err)
{
    bs_variants vars;
    bs_status st = bs_scenario_load_variants(path, s->base, &vars, err);
    if (st)
        return st;
    bs_variants_free(&vars);
    for (int i = 0; i < n; i++)
        if ((st = bs_scenario_set(s->base, ov[i], err)))
            return st;
    return bs_scenario_validate(s->base, path, err);
}

bs_status bs_sweep_point_scenario(const bs_sweep *s, size_t p, int r, bs_scenario *sc,
                                  bs_error *err)
{
    memcpy(sc, s->base, sizeof *sc);
    for (int i = 0; i < s->k; i++) {
        char a[BS_SWEEP_PATH_MAX + BS_SWEEP_VALUE_MAX + 2];
        snprintf(a, sizeof a, "%s=%s", s->factors[i].path, bs_sweep_cell(s, p, i));
        bs_error e = {0};
        if (bs_scenario_set(sc, a, &e))
            return bs_error_setf(err, BS_ERR_INPUT, "%s: point %zu: %s", s->source, p, e.msg);
    }
    sc->seed = s->base->seed + (uint64_t)r;
    sc->replicates = 1;
    bs_error e = {0};
    if (bs_scenario_validate(sc, NULL, &e))
        return bs_error_setf(err, BS_ERR_INPUT, "%s: point %zu: %s", s->source, p, e.msg);
    return BS_OK;
}

/* The default brands: those the first shock hits (a policy change is not one), else all. */
static void default_brands(bs_sweep *s)
{
    const bs_scenario *sc = s->base;
    int first = -1;
    s->nb = 0;
    for (int i = 0; i < sc->n_shocks; i++)
        if (sc->shocks[i].kind != BS_SHOCK_POLICY && (first < 0 || sc->shocks[i].step < first))
            first = sc->shocks[i].step;
    for (int i = 0; i < sc->n_shocks; i++) {
        const bs_shock *sh = &sc->shocks[i];
        if (sh->kind == BS_SHOCK_POLICY || sh->step != first)
            continue;
        for (int j = 0; j < sh->n_brands; j++) {
            int seen = 0;
            for (int q = 0; q < s->nb; q++)
                seen |= s->brands[q] == sh->brands[j];
            if (!seen)
                s->brands[s->nb++] = sh->brands[j];
        }
    }
    for (int b = 0; s->nb == 0 && b < sc->n_brands; b++)
        s->brands[b] = b;
    if (s->nb == 0)
        s->nb = sc->n_brands;
}

bs_status bs_sweep_set_brands(bs_sweep *s, const char *names, bs_error *err)
{
    if (!names || !*names) {
        default_brands(s);
        return BS_OK;
    }
    int n = 0;
    const char *c = names;
    while (*c) {
        size_t len = strcspn(c, ",");
        int found = -1;
        for (int b = 0; b < s->base->n_brands; b++)
            if (strlen(s->base->brands[b].name) == len && !strncmp(s->base->brands[b].name, c, len))
                found = b;
        if (found < 0)
            return bs_error_setf(err, BS_ERR_INPUT,
                                 "%s: no brand '%.*s' in scenario '%s', expected one of its brands",
                                 s->source, (int)len, c, s->base->name);
        if (n < BS_MAX_BRANDS)
            s->brands[n++] = found;
        c += len + (c[len] == ',');
    }
    s->nb = n;
    return BS_OK;
}

void bs_sweep_set_recovery(bs_sweep *s, double fraction) { s->recovery = fraction; }

/* Room for the points and outcomes, every point's scenario checked. */
static bs_status finish(bs_sweep *s, bs_error *err)
{
    bs_scenario *sc = malloc(sizeof *sc);
    if (!sc)
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    bs_status st = BS_OK;
    for (size_t p = 0; p < s->P && !st; p++)
        st = bs_sweep_point_scenario(s, p, 0, sc, err);
    free(sc);
    if (!st)
        default_brands(s);
    return st;
}

/* ---- a design file ---------------------------------------------------------------------- */

typedef char csv_field[BS_SWEEP_PATH_MAX + BS_SWEEP_VALUE_MAX];

/* Read one line (without its line break) into *buf; 0 at the end of the file. */
static int read_line(FILE *f, char **buf, size_t *cap)
{
    ssize_t n = getline(buf, cap, f);
    if (n < 0)
        return 0;
    while (n > 0 && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r'))
        (*buf)[--n] = '\0';
    return 1;
}

static bs_status design_header(bs_sweep *s, const char *line, int lineno, bs_error *err)
{
    csv_field *h = malloc(BS_DESIGN_MAX_FACTORS * sizeof *h);
    if (!h)
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    int n = bs_sweep_csv_split(line, h, BS_DESIGN_MAX_FACTORS);
    bs_status st = BS_OK;
    if (n <= 0 || (n == 1 && !h[0][0]))
        st = bs_error_setf(err, BS_ERR_INPUT,
                           "%s:%d: the header is not a CSV line of key paths (at most %d "
                           "columns), expected e.g. model.response_compensation,brands[acme]"
                           ".response_delay",
                           s->source, lineno, BS_DESIGN_MAX_FACTORS);
    if (!st && !(s->factors = calloc((size_t)n, sizeof *s->factors)))
        st = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    bs_scenario *probe = st ? NULL : malloc(sizeof *probe);
    for (int i = 0; !st && i < n; i++) {
        if (strlen(h[i]) >= BS_SWEEP_PATH_MAX || !h[i][0]) {
            st = bs_error_setf(err, BS_ERR_INPUT, "%s:%d: column %d: '%.40s' is not a key path",
                               s->source, lineno, i + 1, h[i]);
            break;
        }
        for (int j = 0; j < i && !st; j++)
            if (!strcmp(s->factors[j].path, h[i]))
                st = bs_error_setf(err, BS_ERR_INPUT, "%s:%d: column '%s' appears twice",
                                   s->source, lineno, h[i]);
        snprintf(s->factors[i].path, BS_SWEEP_PATH_MAX, "%s", h[i]);
        /* a path the scenario does not have is refused now, not at the first row */
        char a[BS_SWEEP_PATH_MAX + 64];
        bs_error e = {0};
        if (!st && probe) {
            memcpy(probe, s->base, sizeof *probe);
            snprintf(a, sizeof a, "%s=%s", h[i], "?");
            if (bs_scenario_set(probe, a, &e) && (strstr(e.msg, "unknown") || strstr(e.msg, "no ")
                                                  || strstr(e.msg, "not a key path")))
                st = bs_error_setf(err, BS_ERR_INPUT, "%s:%d: column '%s': %s", s->source,
                                   lineno, h[i], e.msg);
        }
    }
    free(probe);
    free(h);
    s->k = n;
    return st;
}

bs_sweep *bs_sweep_from_design(const char *scenario_path, const char *design_path,
                               const char *const *overrides, int n_overrides, int replicates,
                               bs_error *err)
{
    bs_sweep *s = sweep_new(err);
    if (!s)
        return NULL;
    snprintf(s->source, sizeof s->source, "%s", design_path);
    s->design = BS_DESIGN_COUNT;
    s->R = replicates > 0 ? replicates : 1;
    bs_status st = load_scenario(s, scenario_path, overrides, n_overrides, err);
    snprintf(s->name, sizeof s->name, "%s", s->base->name);
    FILE *f = st ? NULL : fopen(design_path, "r");
    if (!st && !f)
        st = bs_error_setf(err, BS_ERR_INPUT, "cannot read design file '%s': %s", design_path,
                           strerror(errno));
    char *line = NULL;
    size_t cap = 0, have = 0;
    int lineno = 0, header = 0;
    csv_field *row = malloc(BS_DESIGN_MAX_FACTORS * sizeof *row);
    if (!st && !row)
        st = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    while (!st && read_line(f, &line, &cap)) {
        lineno++;
        if (!line[strspn(line, " \t")] || line[0] == '#') /* blank lines and comments */
            continue;
        if (!header) {
            st = design_header(s, line, lineno, err);
            header = 1;
            continue;
        }
        int n = bs_sweep_csv_split(line, row, BS_DESIGN_MAX_FACTORS);
        if (n != s->k) {
            st = bs_error_setf(err, BS_ERR_INPUT,
                               "%s:%d: %d values, expected %d (one per column of the header)",
                               design_path, lineno, n < 0 ? 0 : n, s->k);
            break;
        }
        if (s->P == have) {
            have = have ? 2 * have : 64;
            char *v = realloc(s->values, have * (size_t)s->k * BS_SWEEP_VALUE_MAX);
            if (!v) {
                st = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
                break;
            }
            s->values = v;
        }
        for (int i = 0; i < n && !st; i++) {
            if (strlen(row[i]) >= BS_SWEEP_VALUE_MAX || !row[i][0])
                st = bs_error_setf(err, BS_ERR_INPUT,
                                   "%s:%d: column '%s': '%.40s' is not a value, expected one "
                                   "as --set takes it (at most %d characters)",
                                   design_path, lineno, s->factors[i].path, row[i],
                                   BS_SWEEP_VALUE_MAX - 1);
            snprintf(bs_sweep_cell(s, s->P, i), BS_SWEEP_VALUE_MAX, "%s", row[i]);
        }
        /* the row's scenario, checked now with the row's line in the message */
        bs_scenario *sc = st ? NULL : malloc(sizeof *sc);
        s->P++;
        if (sc) {
            bs_error e = {0};
            if (bs_sweep_point_scenario(s, s->P - 1, 0, sc, &e)) {
                const char *why = strstr(e.msg, ": point ");
                why = why ? strchr(why + 8, ':') : NULL;
                st = bs_error_setf(err, BS_ERR_INPUT, "%s:%d:%s", design_path, lineno,
                                   why ? why + 1 : e.msg);
            }
            free(sc);
        }
    }
    if (!st && !header)
        st = bs_error_setf(err, BS_ERR_INPUT,
                           "%s: no header, expected a first line of key paths and a row per run",
                           design_path);
    if (!st && s->P == 0)
        st = bs_error_setf(err, BS_ERR_INPUT, "%s: a header and no rows, expected a row per run",
                           design_path);
    if (f)
        fclose(f);
    free(line);
    free(row);
    if (!st)
        st = finish(s, err);
    if (st) {
        bs_sweep_free(s);
        return NULL;
    }
    return s;
}

/* ---- an experiment file -------------------------------------------------------------- */

/* What the file's scalars bind to; its mappings and lists are kept as nodes, bound once the
 * scenario is loaded. */
typedef struct {
    char name[BS_NAME_MAX];
    char scenario[1024];
    int design;
    int samples, morris_levels, replicates;
    uint64_t seed;
    double recovery;
    yaml_node_t *description, *set, *brands, *factors, *options, *decide;
} exp_in;

static bs_status keep_node(bs_yaml *y, yaml_node_t *v, const char *path, void *base,
                           const bs_yfield *f)
{
    (void)y;
    (void)path;
    *(yaml_node_t **)((char *)base + f->p.offset) = v;
    return BS_OK;
}

/* `set:` a mapping of key paths to values, applied to the scenario as --set would. */
static bs_status bind_set(bs_yaml *y, bs_sweep *s, yaml_node_t *m)
{
    if (m->type != YAML_MAPPING_NODE)
        return bs_yaml_error(y->err, y->file, bs_yaml_node_line(m),
                             "'set': %s, expected a mapping of key paths to values",
                             bs_yaml_node_kind(m));
    for (yaml_node_pair_t *pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        yaml_node_t *kn = yaml_document_get_node(y->doc, pr->key);
        yaml_node_t *vn = yaml_document_get_node(y->doc, pr->value);
        const char *k = bs_yaml_scalar(kn), *v = bs_yaml_scalar(vn);
        if (!k || !v)
            return bs_yaml_error(y->err, y->file, bs_yaml_node_line(vn),
                                 "'set.%s': %s, expected a single value", k ? k : "?",
                                 bs_yaml_node_kind(vn));
        char a[512];
        snprintf(a, sizeof a, "%s=%s", k, v);
        bs_error e = {0};
        if (bs_scenario_set(s->base, a, &e))
            return bs_yaml_error(y->err, y->file, bs_yaml_node_line(vn), "'set.%s': %s", k, e.msg);
    }
    bs_error e = {0};
    if (bs_scenario_validate(s->base, NULL, &e))
        return bs_yaml_error(y->err, y->file, bs_yaml_node_line(m), "'set': %s", e.msg);
    return BS_OK;
}

/* One factor: {path, levels: [...]} or {path, range: [min, max], integer: bool}. */
typedef struct {
    char path[BS_SWEEP_PATH_MAX];
    yaml_node_t *levels, *range;
    int integer;
} factor_in;

static bs_status bind_factor(bs_yaml *y, bs_sweep *s, yaml_node_t *m, const char *path,
                             bs_factor *fa)
{
    factor_in in = {0};
    const bs_yfield rows[] = {
        {.p = {.key = "path", .type = BS_P_STRING, .offset = offsetof(factor_in, path),
               .size = BS_SWEEP_PATH_MAX},
         .required = 1, .expect = "a key path as --set takes it, e.g. model.response_compensation"},
        {.p = {.key = "levels", .offset = offsetof(factor_in, levels)}, .handler = keep_node},
        {.p = {.key = "range", .offset = offsetof(factor_in, range)}, .handler = keep_node},
        {.p = {.key = "integer", .type = BS_P_BOOL, .offset = offsetof(factor_in, integer),
               .max = 1}},
    };
    if (m->type != YAML_MAPPING_NODE)
        return bs_yaml_error(y->err, y->file, bs_yaml_node_line(m),
                             "'%s': %s, expected a mapping {path, levels} or {path, range}", path,
                             bs_yaml_node_kind(m));
    if (bs_yaml_bind(y, m, path, rows, 4, NULL, &in, NULL))
        return BS_ERR_INPUT;
    snprintf(fa->path, sizeof fa->path, "%s", in.path);
    fa->integer = in.integer;
    if (!in.levels == !in.range)
        return bs_yaml_error(y->err, y->file, bs_yaml_node_line(m),
                             "'%s': %s, expected one of 'levels' (a list of values) or 'range' "
                             "([min, max])",
                             path, in.levels ? "both levels and range" : "neither levels nor range");
    yaml_node_t *l = in.levels ? in.levels : in.range;
    int n = l->type == YAML_SEQUENCE_NODE
                ? (int)(l->data.sequence.items.top - l->data.sequence.items.start)
                : -1;
    if (in.levels && (n < 1 || n > BS_SWEEP_MAX_LEVELS))
        return bs_yaml_error(y->err, y->file, bs_yaml_node_line(l),
                             "'%s.levels': %s, expected a list of 1 to %d values", path,
                             n < 0 ? bs_yaml_node_kind(l) : n < 1 ? "an empty list" : "too many",
                             BS_SWEEP_MAX_LEVELS);
    if (in.range && n != 2)
        return bs_yaml_error(y->err, y->file, bs_yaml_node_line(l),
                             "'%s.range': %s, expected [min, max]", path,
                             n < 0 ? bs_yaml_node_kind(l) : "not two numbers");
    for (int i = 0; i < n; i++) {
        yaml_node_t *v = yaml_document_get_node(y->doc, l->data.sequence.items.start[i]);
        const char *t = bs_yaml_scalar(v);
        char q[200];
        snprintf(q, sizeof q, "%s.%s[%d]", path, in.levels ? "levels" : "range", i);
        if (!t || !*t || strlen(t) >= BS_SWEEP_VALUE_MAX)
            return bs_yaml_error(y->err, y->file, bs_yaml_node_line(v),
                                 "'%s': %s, expected a value as --set takes it", q,
                                 t ? "too long or empty" : bs_yaml_node_kind(v));
        if (in.levels)
            snprintf(fa->levels[i], BS_SWEEP_VALUE_MAX, "%s", t);
        else {
            const bs_param num = {.key = "x", .type = BS_P_REAL, .min = -INFINITY, .max = INFINITY};
            if (bs_yaml_bind_scalar(y, v, q, &num, i ? (void *)&fa->max : (void *)&fa->min))
                return BS_ERR_INPUT;
        }
    }
    fa->n_levels = in.levels ? n : 0;
    if (in.range && !(fa->min <= fa->max))
        return bs_yaml_error(y->err, y->file, bs_yaml_node_line(l),
                             "'%s.range': [%g, %g], expected min <= max", path, fa->min, fa->max);
    (void)s;
    return BS_OK;
}

/* The text of factor f at unit coordinate u (design.h: level floor(u L), or lo + u (hi - lo)). */
static void factor_value(const bs_factor *f, double u, char *buf)
{
    if (f->n_levels) {
        int j = (int)floor(u * f->n_levels);
        j = j < 0 ? 0 : j >= f->n_levels ? f->n_levels - 1 : j;
        snprintf(buf, BS_SWEEP_VALUE_MAX, "%s", f->levels[j]);
        return;
    }
    double x = f->min + u * (f->max - f->min);
    if (f->integer) {
        snprintf(buf, BS_SWEEP_VALUE_MAX, "%.0f", fmin(f->max, fmax(f->min, floor(x + 0.5))));
        return;
    }
    char num[32];
    snprintf(buf, BS_SWEEP_VALUE_MAX, "%s", bs_export_number(x, num));
}

/* The points: every combination of the options' levels (the first ko factors; the last
 * varying fastest) at each point of the design over the uncertain factors (the other ku):
 * point p = uncertain point (p / options) with option combination (p mod options). */
static bs_status make_points(bs_yaml *y, bs_sweep *s, const exp_in *in, yaml_node_t *root)
{
    const int ko = s->ko, ku = s->k - s->ko;
    s->n_options = 1;
    for (int i = 0; i < ko; i++)
        s->n_options *= (size_t)s->factors[i].n_levels;
    s->spec = (bs_design_spec){.kind = (bs_design_kind)in->design, .k = ku,
                               .n = (size_t)in->samples, .levels = s->levels + ko,
                               .morris_levels = in->morris_levels, .seed = in->seed};
    for (int i = 0; i < s->k; i++) {
        if (i >= ko && in->design == BS_DESIGN_FACTORIAL && !s->factors[i].n_levels)
            return bs_yaml_error(y->err, y->file, bs_yaml_line_of(y, "factors"),
                                 "'factors[%d]': a range, expected levels: a factorial design "
                                 "runs every combination of levels",
                                 i - ko);
        s->levels[i] = s->factors[i].n_levels ? s->factors[i].n_levels : 1;
    }
    size_t rows = 1; /* uncertain points: one (the scenario as it is) without uncertain factors */
    bs_error e = {0};
    if (ku > 0) {
        if (in->design != BS_DESIGN_FACTORIAL && in->design != BS_DESIGN_OAT && in->samples < 1)
            return bs_yaml_error(y->err, y->file, bs_yaml_node_line(root),
                                 "'samples': missing, expected the number of points (lhs, sobol), "
                                 "base samples (saltelli) or trajectories (morris)");
        if (bs_design_rows(&s->spec, &rows, &e))
            return bs_yaml_error(y->err, y->file, bs_yaml_line_of(y, "design"), "'design': %s",
                                 e.msg);
    }
    s->P = rows * s->n_options;
    s->u = malloc(s->P * (size_t)s->k * sizeof *s->u);
    s->values = malloc(s->P * (size_t)s->k * BS_SWEEP_VALUE_MAX);
    double *un = malloc(rows * (ku > 0 ? (size_t)ku : 1) * sizeof *un);
    if (!s->u || !s->values || !un) {
        free(un);
        return bs_yaml_out_of_memory(y->err, y->file);
    }
    if (ku > 0 && bs_design_fill(&s->spec, un, &e)) {
        free(un);
        return bs_yaml_error(y->err, y->file, bs_yaml_line_of(y, "design"), "'design': %s", e.msg);
    }
    for (size_t p = 0; p < s->P; p++) {
        double *u = s->u + p * (size_t)s->k;
        size_t o = p % s->n_options, q = p / s->n_options;
        for (int i = ko - 1; i >= 0; i--) { /* the option combination's levels, last fastest */
            size_t L = (size_t)s->factors[i].n_levels;
            u[i] = ((double)(o % L) + 0.5) / (double)L;
            o /= L;
        }
        for (int i = 0; i < ku; i++)
            u[ko + i] = un[q * (size_t)ku + (size_t)i];
        for (int i = 0; i < s->k; i++)
            factor_value(&s->factors[i], u[i], bs_sweep_cell(s, p, i));
    }
    free(un);
    return BS_OK;
}

/* A list of factors (options or uncertain ones) into s->factors[at..]; levels only for options. */
static bs_status bind_factor_list(bs_yaml *y, bs_sweep *s, yaml_node_t *fl, const char *key,
                                  int at, int levels_only)
{
    int n = (int)(fl->data.sequence.items.top - fl->data.sequence.items.start);
    for (int i = 0; i < n; i++) {
        char path[64];
        snprintf(path, sizeof path, "%s[%d]", key, i);
        yaml_node_t *m = yaml_document_get_node(y->doc, fl->data.sequence.items.start[i]);
        if (bind_factor(y, s, m, path, &s->factors[at + i]))
            return BS_ERR_INPUT;
        if (levels_only && !s->factors[at + i].n_levels)
            return bs_yaml_error(y->err, y->file, bs_yaml_node_line(m),
                                 "'%s': a range, expected levels: an option is a choice "
                                 "among levels",
                                 path);
        for (int j = 0; j < at + i; j++)
            if (!strcmp(s->factors[j].path, s->factors[at + i].path))
                return bs_yaml_error(y->err, y->file, bs_yaml_node_line(m),
                                     "'%s': '%s' is already a factor or option", path,
                                     s->factors[at + i].path);
    }
    return BS_OK;
}

/* The length of a list node, -1 if it is not a list (0 for an absent node). */
static int list_length(const yaml_node_t *n)
{
    if (!n)
        return 0;
    return n->type == YAML_SEQUENCE_NODE
               ? (int)(n->data.sequence.items.top - n->data.sequence.items.start)
               : -1;
}

static bs_status bind_experiment(bs_yaml *y, bs_sweep *s, const char *const *ov, int n_ov)
{
    static const char *const design_names[] = {"factorial", "lhs", "sobol", "saltelli",
                                                "morris", "oat", NULL};
    exp_in in = {.design = -1, .morris_levels = 4, .seed = 1, .replicates = 0};
    const bs_yfield rows[] = {
        {.p = {.key = "name", .type = BS_P_STRING, .offset = offsetof(exp_in, name),
               .size = BS_NAME_MAX},
         .required = 1, .expect = "the sweep's name (letters, digits, _ - .)"},
        {.p = {.key = "description", .offset = offsetof(exp_in, description)},
         .handler = keep_node},
        {.p = {.key = "scenario", .type = BS_P_STRING, .offset = offsetof(exp_in, scenario),
               .size = 1024},
         .required = 1, .expect = "the scenario file, relative to this file"},
        {.p = {.key = "design", .type = BS_P_ENUM, .offset = offsetof(exp_in, design),
               .max = BS_DESIGN_COUNT - 1, .names = design_names},
         .required = 1, .expect = "factorial, lhs, sobol, saltelli, morris or oat"},
        {.p = {.key = "samples", .type = BS_P_INT, .offset = offsetof(exp_in, samples), .min = 1,
               .max = BS_DESIGN_MAX_POINTS}},
        {.p = {.key = "morris_levels", .type = BS_P_INT, .offset = offsetof(exp_in, morris_levels),
               .min = 2, .max = 1000}},
        {.p = {.key = "seed", .type = BS_P_U64, .offset = offsetof(exp_in, seed),
               .max = 18446744073709551615.0}},
        {.p = {.key = "replicates", .type = BS_P_INT, .offset = offsetof(exp_in, replicates),
               .min = 1, .max = 100000}},
        {.p = {.key = "recovery_fraction", .type = BS_P_REAL, .offset = offsetof(exp_in, recovery),
               .min = 0.01, .max = 1}},
        {.p = {.key = "set", .offset = offsetof(exp_in, set)}, .handler = keep_node},
        {.p = {.key = "brands", .offset = offsetof(exp_in, brands)}, .handler = keep_node},
        {.p = {.key = "factors", .offset = offsetof(exp_in, factors)}, .handler = keep_node},
        {.p = {.key = "options", .offset = offsetof(exp_in, options)}, .handler = keep_node},
        {.p = {.key = "decide_for", .offset = offsetof(exp_in, decide)}, .handler = keep_node},
    };
    yaml_node_t *root = yaml_document_get_root_node(y->doc);
    if (!root || root->type != YAML_MAPPING_NODE)
        return bs_yaml_error(y->err, y->file, root ? bs_yaml_node_line(root) : 0,
                             "the file is %s, expected an experiment (a YAML mapping: name, "
                             "scenario, design, factors)",
                             root ? bs_yaml_node_kind(root) : "empty");
    if (bs_yaml_bind(y, root, "", rows, (int)(sizeof rows / sizeof rows[0]), NULL, &in, NULL))
        return BS_ERR_INPUT;
    snprintf(s->name, sizeof s->name, "%s", in.name);
    /* the scenario, relative to the experiment file */
    char dir[1024], scen[2100];
    snprintf(dir, sizeof dir, "%s", y->file);
    snprintf(scen, sizeof scen, "%s%s%s", in.scenario[0] == '/' ? "" : dirname(dir),
             in.scenario[0] == '/' ? "" : "/", in.scenario);
    bs_error e = {0};
    if (load_scenario(s, scen, NULL, 0, &e))
        return bs_yaml_error(y->err, y->file, bs_yaml_line_of(y, "scenario"), "'scenario': %s",
                             e.msg);
    if (in.set && bind_set(y, s, in.set))
        return BS_ERR_INPUT;
    for (int i = 0; i < n_ov; i++)
        if (bs_scenario_set(s->base, ov[i], y->err))
            return BS_ERR_INPUT;
    if (n_ov && bs_scenario_validate(s->base, "--set", y->err))
        return BS_ERR_INPUT;
    const int no = list_length(in.options), nu = list_length(in.factors);
    int max = in.design == BS_DESIGN_SALTELLI ? BS_DESIGN_SALTELLI_MAX_FACTORS : BS_DESIGN_MAX_FACTORS;
    if (no < 0 || nu < 0)
        return bs_yaml_error(y->err, y->file, bs_yaml_node_line(no < 0 ? in.options : in.factors),
                             "'%s': %s, expected a list of factors, each {path, levels} or "
                             "{path, range}",
                             no < 0 ? "options" : "factors",
                             bs_yaml_node_kind(no < 0 ? in.options : in.factors));
    if (no + nu < 1 || nu > max || no + nu > BS_DESIGN_MAX_FACTORS)
        return bs_yaml_error(y->err, y->file, bs_yaml_node_line(in.factors ? in.factors : root),
                             "'factors': %s, expected a list of 1 to %d factors%s",
                             no + nu < 1 ? "an empty list" : "too many", max,
                             in.design == BS_DESIGN_SALTELLI ? " (saltelli)" : "");
    if (no && in.design != BS_DESIGN_FACTORIAL && in.design != BS_DESIGN_LHS
        && in.design != BS_DESIGN_SOBOL)
        return bs_yaml_error(y->err, y->file, bs_yaml_line_of(y, "design"),
                             "'design': %s with options, expected factorial, lhs or sobol: the "
                             "options are evaluated at each point of the uncertain factors' design",
                             design_names[in.design]);
    if (!(s->factors = calloc((size_t)(no + nu), sizeof *s->factors)))
        return bs_yaml_out_of_memory(y->err, y->file);
    s->k = no + nu;
    s->ko = no;
    if ((no && bind_factor_list(y, s, in.options, "options", 0, 1))
        || (nu && bind_factor_list(y, s, in.factors, "factors", no, 0)))
        return BS_ERR_INPUT;
    s->design = (bs_design_kind)in.design;
    s->R = in.replicates > 0 ? in.replicates : s->base->replicates;
    s->recovery = in.recovery;
    if (make_points(y, s, &in, root))
        return BS_ERR_INPUT;
    if (finish(s, y->err))
        return BS_ERR_INPUT;
    if (in.brands) {
        char names[4096] = "";
        yaml_node_t *b = in.brands;
        if (b->type == YAML_SCALAR_NODE)
            snprintf(names, sizeof names, "%s", bs_yaml_scalar(b));
        else if (b->type == YAML_SEQUENCE_NODE)
            for (yaml_node_item_t *it = b->data.sequence.items.start; it < b->data.sequence.items.top;
                 it++) {
                const char *t = bs_yaml_scalar(yaml_document_get_node(y->doc, *it));
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                         it == b->data.sequence.items.start ? "" : ",", t ? t : "?");
            }
        if (bs_sweep_set_brands(s, names, &e))
            return bs_yaml_error(y->err, y->file, bs_yaml_node_line(b), "'brands': %s", e.msg);
    }
    if (in.decide && !s->ko)
        return bs_yaml_error(y->err, y->file, bs_yaml_node_line(in.decide),
                             "'decide_for': no options to decide between, expected 'options:'");
    s->decide = 0;
    if (in.decide) {
        const char *name = bs_yaml_scalar(in.decide);
        s->decide = -1;
        for (int j = 0; name && j < s->nb; j++)
            if (!strcmp(bs_sweep_brand(s, j), name))
                s->decide = j;
        if (s->decide < 0)
            return bs_yaml_error(y->err, y->file, bs_yaml_node_line(in.decide),
                                 "'decide_for': '%s' is not a reported brand, expected one of "
                                 "'brands' (default: those the first shock hits)",
                                 name ? name : "?");
    }
    snprintf(s->default_out, sizeof s->default_out, "results/%s-runs.csv", s->name);
    return BS_OK;
}

bs_sweep *bs_sweep_load(const char *path, const char *const *overrides, int n_overrides,
                        bs_error *err)
{
    bs_sweep *s = sweep_new(err);
    if (!s)
        return NULL;
    snprintf(s->source, sizeof s->source, "%s", path);
    FILE *f = fopen(path, "rb");
    if (!f) {
        bs_error_setf(err, BS_ERR_INPUT, "cannot read experiment file '%s': %s", path,
                      strerror(errno));
        bs_sweep_free(s);
        return NULL;
    }
    yaml_parser_t yp;
    yaml_document_t doc;
    bs_status st = BS_OK;
    if (!yaml_parser_initialize(&yp))
        st = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    else {
        yaml_parser_set_input_file(&yp, f);
        if (!yaml_parser_load(&yp, &doc))
            st = bs_error_setf(err, BS_ERR_INPUT, "%s:%zu: not valid YAML: %s", path,
                               yp.problem_mark.line + 1, yp.problem ? yp.problem : "?");
        else {
            bs_yaml y = {path, &doc, err, s, NULL, 0, 0};
            st = bind_experiment(&y, s, overrides, n_overrides);
            bs_yaml_lines_free(&y);
            yaml_document_delete(&doc);
        }
        yaml_parser_delete(&yp);
    }
    fclose(f);
    if (st) {
        bs_sweep_free(s);
        return NULL;
    }
    return s;
}

/* ---- accessors ------------------------------------------------------------------------- */

const char *bs_sweep_name(const bs_sweep *s) { return s->name; }
const bs_scenario *bs_sweep_scenario(const bs_sweep *s) { return s->base; }
bs_design_kind bs_sweep_design(const bs_sweep *s) { return s->design; }
int bs_sweep_factors(const bs_sweep *s) { return s->k; }
const bs_factor *bs_sweep_factor(const bs_sweep *s, int i) { return &s->factors[i]; }
size_t bs_sweep_points(const bs_sweep *s) { return s->P; }
int bs_sweep_replicates(const bs_sweep *s) { return s->R; }
size_t bs_sweep_runs(const bs_sweep *s) { return s->P * (size_t)s->R; }
const char *bs_sweep_value(const bs_sweep *s, size_t p, int i) { return bs_sweep_cell(s, p, i); }
const double *bs_sweep_unit(const bs_sweep *s, size_t p)
{
    return s->u ? s->u + p * (size_t)s->k : NULL;
}
int bs_sweep_brands(const bs_sweep *s) { return s->nb; }
const char *bs_sweep_brand(const bs_sweep *s, int j) { return s->base->brands[s->brands[j]].name; }
const char *bs_sweep_default_output(const bs_sweep *s) { return s->default_out; }
