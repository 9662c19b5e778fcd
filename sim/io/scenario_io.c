/*
 * scenario_io.c: YAML scenario files <-> bs_scenario, driven by the parameter
 * table in sim/core/params.c (see scenario_io.h for the contract).
 *
 * Why libyaml's document API and a table-driven binder rather than libcyaml's
 * schema: libcyaml 1.3 (Debian 12) cannot tell an absent field from a zero
 * (so documented defaults cannot be filled in), has no range validation,
 * accepts "1.5" for an integer, and reports the enclosing mapping's line
 * rather than the key's. With the table we get one source for parsing,
 * defaults, ranges, --set, --print and the reference docs, and every error
 * names the file, line and key path.
 */
#include "io/scenario_io.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

/* ---- error helpers --------------------------------------------------------- */

typedef struct {
    char path[96];
    int line;
} path_line;

typedef struct {
    const char *file;
    yaml_document_t *doc;
    bs_error *err;
    path_line *lines; /* where each key path was written, for later messages */
    int n_lines, cap_lines;
    bs_variants *vars; /* the `variants:` list, filled while loading */
} loader;

static bs_status input_error(bs_error *err, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bs_status input_error(bs_error *err, const char *file, int line, const char *fmt, ...)
{
    int n = 0;
    if (file && line > 0) n = snprintf(err->msg, sizeof err->msg, "%s:%d: ", file, line);
    else if (file) n = snprintf(err->msg, sizeof err->msg, "%s: ", file);
    if (n < 0 || (size_t)n >= sizeof err->msg) n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
    va_end(ap);
    err->status = BS_ERR_INPUT;
    return BS_ERR_INPUT;
}

static void remember_line(loader *L, const char *path, int line)
{
    if (L->n_lines == L->cap_lines) {
        int cap = L->cap_lines ? 2 * L->cap_lines : 64;
        path_line *p = realloc(L->lines, (size_t)cap * sizeof *p);
        if (!p) return; /* only costs the line number in a later message */
        L->lines = p;
        L->cap_lines = cap;
    }
    snprintf(L->lines[L->n_lines].path, sizeof L->lines[0].path, "%s", path);
    L->lines[L->n_lines++].line = line;
}

static int line_of(const loader *L, const char *path)
{
    for (int k = L->n_lines - 1; k >= 0; k--)
        if (strcmp(L->lines[k].path, path) == 0) return L->lines[k].line;
    return 0;
}

/* ---- scalars ------------------------------------------------------------------- */

static const char *type_name(const bs_param *p)
{
    switch (p->type) {
    case BS_P_REAL: return "a number";
    case BS_P_INT:
    case BS_P_I64:
    case BS_P_U64: return "an integer";
    case BS_P_BOOL: return "true or false";
    case BS_P_ENUM: return "one of the names";
    case BS_P_STRING: return "a string";
    case BS_P_BRANDLIST: return "a list of brand names";
    }
    return "a value";
}

/* "TEXT is out of range [MIN, MAX]" for an integer parameter (a uint64 maximum
 * printed as a double would read 2^64). */
static void range_message(const bs_param *p, const char *text, char *why, size_t wn)
{
    if (p->type == BS_P_U64 && p->max >= 18446744073709551615.0)
        snprintf(why, wn, "%s is out of range [%.0f, %llu]", text, p->min,
                 (unsigned long long)UINT64_MAX);
    else
        snprintf(why, wn, "%s is out of range [%.0f, %.0f]", text, p->min, p->max);
}

/* Whether text is a plain decimal number, as YAML writes one: an optional sign,
 * digits, and (if `real`) an optional fraction and exponent. No spaces, no hex
 * or other C forms (strtod and strtoll accept " 5", "0x10", "inf"), so that
 * every number field accepts the same forms. */
static int is_decimal(const char *t, int real)
{
    if (*t == '-' || *t == '+') t++;
    int digits = 0;
    while (*t >= '0' && *t <= '9') t++, digits++;
    if (real && *t == '.')
        for (t++; *t >= '0' && *t <= '9'; t++) digits++;
    if (!digits) return 0;
    if (real && (*t == 'e' || *t == 'E')) {
        t++;
        if (*t == '-' || *t == '+') t++;
        if (!(*t >= '0' && *t <= '9')) return 0;
        while (*t >= '0' && *t <= '9') t++;
    }
    return *t == '\0';
}

/* Convert text to a parameter's value at base. On error writes a message
 * (without location) into why and returns -1. */
static int set_scalar(const bs_param *p, void *base, const char *text, char *why, size_t wn)
{
    char *end;
    char *at = (char *)base + p->offset;
    errno = 0;
    switch (p->type) {
    case BS_P_REAL: {
        if (!is_decimal(text, 1)) break;
        double v = strtod(text, &end);
        if (errno == ERANGE && fabs(v) > 1) { /* 1e400; 1e-400 underflows to 0, a value */
            snprintf(why, wn, "%s is out of range [%g, %g]", text, p->min, p->max);
            return -1;
        }
        if (end == text || *end || !isfinite(v)) break;
        if (v < p->min || v > p->max) {
            snprintf(why, wn, "%s is out of range [%g, %g]", text, p->min, p->max);
            return -1;
        }
        *(double *)at = v;
        return 0;
    }
    case BS_P_INT:
    case BS_P_I64:
    case BS_P_U64: {
        /* strtoull would take " -1" as 2^64 - 1: digits only, with an optional sign */
        if (!is_decimal(text, 0)) break;
        if (text[0] == '-' && p->min >= 0) {
            range_message(p, text, why, wn);
            return -1;
        }
        unsigned long long u = 0;
        long long v = 0;
        if (p->type == BS_P_U64) u = strtoull(text, &end, 10);
        else v = strtoll(text, &end, 10);
        if (end != text && !*end && errno == ERANGE) { /* more digits than 64 bits hold */
            range_message(p, text, why, wn);
            return -1;
        }
        if (end == text || *end || errno) break;
        double d = p->type == BS_P_U64 ? (double)u : (double)v;
        if (d < p->min || d > p->max) {
            range_message(p, text, why, wn);
            return -1;
        }
        if (p->type == BS_P_U64) *(uint64_t *)at = u;
        else if (p->type == BS_P_I64) *(int64_t *)at = v;
        else *(int *)at = (int)v;
        return 0;
    }
    case BS_P_BOOL:
        if (!strcasecmp(text, "true") || !strcasecmp(text, "yes") || !strcmp(text, "1")) {
            *(int *)at = 1;
            return 0;
        }
        if (!strcasecmp(text, "false") || !strcasecmp(text, "no") || !strcmp(text, "0")) {
            *(int *)at = 0;
            return 0;
        }
        break;
    case BS_P_ENUM:
        for (int k = 0; p->names[k]; k++)
            if (strcmp(text, p->names[k]) == 0) {
                *(int *)at = k;
                return 0;
            }
        {
            int n = snprintf(why, wn, "'%s' is not a known value, expected one of:", text);
            for (int k = 0; p->names[k] && n > 0 && (size_t)n < wn; k++)
                n += snprintf(why + n, wn - (size_t)n, " %s", p->names[k]);
        }
        return -1;
    case BS_P_STRING:
        if (strlen(text) >= p->size) {
            snprintf(why, wn, "'%.20s...' is too long, expected at most %zu characters", text,
                     p->size - 1);
            return -1;
        }
        memset(at, 0, p->size); /* no tail of an earlier, longer value stays behind */
        snprintf(at, p->size, "%s", text);
        return 0;
    case BS_P_BRANDLIST: break;
    }
    if (p->type == BS_P_REAL)
        snprintf(why, wn, "'%s' is not a number, expected a decimal number in [%g, %g]", text,
                 p->min, p->max);
    else if (p->type == BS_P_U64 && p->max >= 18446744073709551615.0)
        snprintf(why, wn, "'%s' is not an integer, expected whole digits in [%.0f, %llu]", text,
                 p->min, (unsigned long long)UINT64_MAX);
    else if (p->type == BS_P_INT || p->type == BS_P_I64 || p->type == BS_P_U64)
        snprintf(why, wn, "'%s' is not an integer, expected whole digits in [%.0f, %.0f]", text,
                 p->min, p->max);
    else
        snprintf(why, wn, "'%s' is not %s", text, type_name(p));
    return -1;
}

/* ---- the walk ---------------------------------------------------------------------- */

static int node_line(const yaml_node_t *n)
{
    return (int)n->start_mark.line + 1;
}

static const char *node_kind(const yaml_node_t *n)
{
    return n->type == YAML_MAPPING_NODE    ? "a mapping"
           : n->type == YAML_SEQUENCE_NODE ? "a list"
                                           : "a single value";
}

static bs_status load_section(loader *L, yaml_node_t *map, bs_section sec, void *base,
                              const char *prefix, uint64_t *present);

/* A shock's brand list: one name, or a list of names. */
static bs_status load_brandlist(loader *L, yaml_node_t *v, bs_shock *sh, const char *path)
{
    sh->n_brands = 0;
    if (v->type == YAML_SCALAR_NODE) {
        if (strlen((const char *)v->data.scalar.value) >= BS_NAME_MAX)
            return input_error(L->err, L->file, node_line(v),
                               "'%s': '%.20s...' is too long, expected a brand name of at most "
                               "%d characters", path, (const char *)v->data.scalar.value,
                               BS_NAME_MAX - 1);
        snprintf(sh->brand_names[0], BS_NAME_MAX, "%s", (const char *)v->data.scalar.value);
        sh->n_brands = 1;
        return BS_OK;
    }
    if (v->type != YAML_SEQUENCE_NODE)
        return input_error(L->err, L->file, node_line(v), "'%s': %s, expected a list of brand names",
                           path, node_kind(v));
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *e = yaml_document_get_node(L->doc, *it);
        if (e->type != YAML_SCALAR_NODE)
            return input_error(L->err, L->file, node_line(e), "'%s[%d]': %s, expected a brand name",
                               path, sh->n_brands, node_kind(e));
        if (sh->n_brands == BS_SHOCK_MAX_BRANDS)
            return input_error(L->err, L->file, node_line(e),
                               "'%s': more than %d brands, expected at most %d", path,
                               BS_SHOCK_MAX_BRANDS, BS_SHOCK_MAX_BRANDS);
        char ep[128];
        snprintf(ep, sizeof ep, "%s[%d]", path, sh->n_brands);
        if (strlen((const char *)e->data.scalar.value) >= BS_NAME_MAX)
            return input_error(L->err, L->file, node_line(e),
                               "'%s': '%.20s...' is too long, expected a brand name of at most "
                               "%d characters", ep, (const char *)e->data.scalar.value,
                               BS_NAME_MAX - 1);
        remember_line(L, ep, node_line(e));
        snprintf(sh->brand_names[sh->n_brands++], BS_NAME_MAX, "%s",
                 (const char *)e->data.scalar.value);
    }
    return BS_OK;
}

static bs_status load_section(loader *L, yaml_node_t *map, bs_section sec, void *base,
                              const char *prefix, uint64_t *present)
{
    int np;
    const bs_param *params = bs_params(sec, &np);
    char path[128];
    if (map->type != YAML_MAPPING_NODE)
        return input_error(L->err, L->file, node_line(map), "'%.*s': %s, expected a mapping of keys",
                           (int)(strlen(prefix) ? strlen(prefix) - 1 : 0), prefix, node_kind(map));
    /* Which keys were given: one flag per parameter (the model section has more
       than 64 parameters, so no bit mask), plus the nested keys of the top level
       and of a shock. `present` (the brand fields a policy sets) is a mask: the
       brand section has fewer than 64 parameters. */
    enum { NESTED = 5 };
    static const bs_section nested[NESTED] = {BS_SECTION_POPULATION, BS_SECTION_NETWORK,
                                              BS_SECTION_MODEL, BS_SECTION_BRAND,
                                              BS_SECTION_SHOCK};
    enum { EXTRA = 2 }; /* top level: `variants` and `replication` */
    static const char *const extra[EXTRA] = {"variants", "replication"};
    unsigned char *seen = calloc((size_t)np + NESTED + EXTRA + 1, 1);
    if (!seen) {
        snprintf(L->err->msg, sizeof L->err->msg, "out of memory reading '%s'", L->file);
        L->err->status = BS_ERR_RUNTIME;
        return BS_ERR_RUNTIME;
    }
    uint64_t mask = 0;
    int policy_line = 0;
    bs_status st = BS_OK;
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
         st == BS_OK && pr < map->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(L->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(L->doc, pr->value);
        if (k->type != YAML_SCALAR_NODE) {
            if (prefix[0])
                st = input_error(L->err, L->file, node_line(k),
                                 "'%.*s': %s as a key, expected a plain name",
                                 (int)strlen(prefix) - 1, prefix, node_kind(k));
            else
                st = input_error(L->err, L->file, node_line(k),
                                 "%s as a key, expected a plain name", node_kind(k));
            break;
        }
        const char *key = (const char *)k->data.scalar.value;
        snprintf(path, sizeof path, "%s%s", prefix, key);
        int idx = -1;
        for (int q = 0; q < np; q++)
            if (strcmp(params[q].key, key) == 0) idx = q;
        if (idx < 0) { /* the nested parts of a shock, and of the top level */
            int slot = -1;
            if (sec == BS_SECTION_SHOCK && strcmp(key, "policy") == 0) slot = np;
            if (sec == BS_SECTION_TOP)
                for (int q = 0; q < NESTED; q++)
                    if (strcmp(key, bs_section_key(nested[q])) == 0) slot = np + 1 + q;
            if (sec == BS_SECTION_TOP)
                for (int q = 0; q < EXTRA; q++)
                    if (strcmp(key, extra[q]) == 0) slot = np + 1 + NESTED + q;
            if (slot < 0) {
                if (sec == BS_SECTION_TOP)
                    st = input_error(L->err, L->file, node_line(k),
                                     "'%s': unknown key, expected one of: name, description, "
                                     "seed, consumers, steps, step_days, slots, replicates, "
                                     "population, network, model, brands, shocks, variants, "
                                     "replication",
                                     path);
                else
                    st = input_error(L->err, L->file, node_line(k),
                                     "'%s': unknown key, expected a field of '%s' (see "
                                     "scenarios/README.md)",
                                     path, sec == BS_SECTION_BRAND   ? "brands[]"
                                           : sec == BS_SECTION_SHOCK ? "shocks[]"
                                                                     : bs_section_key(sec));
                break;
            }
            if (seen[slot]) {
                st = input_error(L->err, L->file, node_line(k),
                                 "'%s': duplicate key, expected each key once", path);
                break;
            }
            seen[slot] = 1;
            if (sec == BS_SECTION_TOP) continue; /* loaded by the caller */
            /* a policy shock: the brand fields that change */
            bs_shock *sh = base;
            char pp[128];
            snprintf(pp, sizeof pp, "%s.", path);
            remember_line(L, path, node_line(k));
            policy_line = node_line(k);
            if ((st = load_section(L, v, BS_SECTION_BRAND, &sh->policy, pp, &sh->policy_set)))
                break;
            if (sh->policy_set & ((uint64_t)1 << bs_param_index(BS_SECTION_BRAND, "name"))) {
                snprintf(path, sizeof path, "%sname", pp);
                st = input_error(L->err, L->file, line_of(L, path),
                                 "'%s': a policy cannot rename a brand, expected the fields "
                                 "that change",
                                 path);
            }
            continue;
        }
        if (seen[idx]) {
            st = input_error(L->err, L->file, node_line(k),
                             "'%s': duplicate key, expected each key once", path);
            break;
        }
        seen[idx] = 1;
        if (idx < 64) mask |= (uint64_t)1 << idx;
        remember_line(L, path, node_line(k));
        const bs_param *p = &params[idx];
        if (p->type == BS_P_BRANDLIST) {
            st = load_brandlist(L, v, base, path);
            continue;
        }
        if (v->type != YAML_SCALAR_NODE) {
            st = input_error(L->err, L->file, node_line(v), "'%s': %s, expected %s", path,
                             node_kind(v), type_name(p));
            break;
        }
        char why[256];
        if (set_scalar(p, base, (const char *)v->data.scalar.value, why, sizeof why))
            st = input_error(L->err, L->file, node_line(v), "'%s': %s", path, why);
    }
    if (st == BS_OK && sec == BS_SECTION_SHOCK && policy_line &&
        ((bs_shock *)base)->kind != BS_SHOCK_POLICY) {
        int n;
        const bs_param *kind = &bs_params(BS_SECTION_SHOCK, &n)[bs_param_index(sec, "kind")];
        st = input_error(L->err, L->file, policy_line,
                         "'%spolicy': only a shock of kind 'policy' has one, this one is '%s'",
                         prefix, kind->names[((bs_shock *)base)->kind]);
    }
    free(seen);
    if (st == BS_OK && present) *present = mask;
    return st;
}

/* A top-level list of brands or shocks. */
static bs_status load_list(loader *L, yaml_node_t *seq, bs_scenario *sc, bs_section sec)
{
    const char *key = bs_section_key(sec);
    int max = sec == BS_SECTION_BRAND ? BS_MAX_BRANDS : BS_MAX_SHOCKS;
    if (seq->type != YAML_SEQUENCE_NODE)
        return input_error(L->err, L->file, node_line(seq), "'%s': %s, expected a list", key,
                           node_kind(seq));
    int n = 0;
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++, n++) {
        yaml_node_t *e = yaml_document_get_node(L->doc, *it);
        if (n == max)
            return input_error(L->err, L->file, node_line(e), "'%s': more than %d entries", key, max);
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s[%d]", key, n);
        remember_line(L, prefix, node_line(e));
        strcat(prefix, ".");
        void *base;
        if (sec == BS_SECTION_BRAND) {
            bs_brand_defaults(&sc->brands[n]);
            base = &sc->brands[n];
        } else {
            bs_shock_defaults(&sc->shocks[n]);
            bs_brand_defaults(&sc->shocks[n].policy);
            base = &sc->shocks[n];
        }
        if (load_section(L, e, sec, base, prefix, NULL)) return BS_ERR_INPUT;
    }
    if (sec == BS_SECTION_BRAND) sc->n_brands = n;
    else sc->n_shocks = n;
    return BS_OK;
}

/* ---- variants ------------------------------------------------------------------ */

static int valid_name(const char *s)
{
    if (!s[strspn(s, ".")]) return 0; /* empty, or dots only: '.' and '..' are folders */
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
              || *s == '_' || *s == '-' || *s == '.'))
            return 0;
    return 1;
}

static bs_status out_of_memory(bs_error *err, const char *file)
{
    snprintf(err->msg, sizeof err->msg, "out of memory reading '%s'", file);
    err->status = BS_ERR_RUNTIME;
    return BS_ERR_RUNTIME;
}

/* One entry's `set:` mapping into "key=value" strings. */
static bs_status load_variant_set(loader *L, yaml_node_t *map, bs_variant *var, int i)
{
    if (map->type == YAML_SCALAR_NODE && map->data.scalar.length == 0) return BS_OK; /* set: */
    if (map->type != YAML_MAPPING_NODE)
        return input_error(L->err, L->file, node_line(map),
                           "'variants[%d].set': %s, expected a mapping of overrides "
                           "(key.path: value, as --set takes them)",
                           i, node_kind(map));
    int n = (int)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
    var->set = calloc(n ? (size_t)n : 1, sizeof *var->set);
    var->set_line = calloc(n ? (size_t)n : 1, sizeof *var->set_line);
    if (!var->set || !var->set_line) return out_of_memory(L->err, L->file);
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *k = yaml_document_get_node(L->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(L->doc, pr->value);
        if (k->type != YAML_SCALAR_NODE)
            return input_error(L->err, L->file, node_line(k),
                               "'variants[%d].set': %s as a key, expected a key path such as "
                               "brands[acme].breach_response",
                               i, node_kind(k));
        const char *key = (const char *)k->data.scalar.value;
        if (v->type != YAML_SCALAR_NODE)
            return input_error(L->err, L->file, node_line(v),
                               "'variants[%d].set.%s': %s, expected one value (a list of "
                               "brands is written a,b)",
                               i, key, node_kind(v));
        for (int q = 0; q < var->n_set; q++)
            if (!strncmp(var->set[q], key, strlen(key)) && var->set[q][strlen(key)] == '=')
                return input_error(L->err, L->file, node_line(k),
                                   "'variants[%d].set.%s': duplicate key, expected each key "
                                   "once", i, key);
        size_t len = strlen(key) + v->data.scalar.length + 2;
        char *a = malloc(len);
        if (!a) return out_of_memory(L->err, L->file);
        snprintf(a, len, "%s=%s", key, (const char *)v->data.scalar.value);
        var->set_line[var->n_set] = node_line(k);
        var->set[var->n_set++] = a;
    }
    return BS_OK;
}

/* `variants:` a list of {name, set}. Checked against the scenario later. */
static bs_status load_variants(loader *L, yaml_node_t *seq)
{
    bs_variants *vars = L->vars;
    if (seq->type != YAML_SEQUENCE_NODE)
        return input_error(L->err, L->file, node_line(seq),
                           "'variants': %s, expected a list of {name, set}", node_kind(seq));
    int n = (int)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    if (n > BS_MAX_VARIANTS)
        return input_error(L->err, L->file, node_line(seq), "'variants': %d entries, at most %d",
                           n, BS_MAX_VARIANTS);
    vars->v = calloc(n ? (size_t)n : 1, sizeof *vars->v);
    if (!vars->v) return out_of_memory(L->err, L->file);
    for (int i = 0; i < n; i++) {
        yaml_node_t *e = yaml_document_get_node(L->doc, seq->data.sequence.items.start[i]);
        bs_variant *var = &vars->v[i];
        vars->n = i + 1;
        var->line = node_line(e);
        if (e->type != YAML_MAPPING_NODE)
            return input_error(L->err, L->file, node_line(e),
                               "'variants[%d]': %s, expected a mapping with keys name and set", i,
                               node_kind(e));
        int have_name = 0, have_set = 0;
        for (yaml_node_pair_t *pr = e->data.mapping.pairs.start; pr < e->data.mapping.pairs.top;
             pr++) {
            yaml_node_t *k = yaml_document_get_node(L->doc, pr->key);
            yaml_node_t *v = yaml_document_get_node(L->doc, pr->value);
            const char *key = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
            if (!strcmp(key, "name")) {
                const char *name = (const char *)v->data.scalar.value;
                if (have_name++)
                    return input_error(L->err, L->file, node_line(k),
                                       "'variants[%d].name': duplicate key, expected each key "
                                       "once", i);
                if (v->type != YAML_SCALAR_NODE || !valid_name(name)
                    || strlen(name) >= BS_NAME_MAX)
                    return input_error(L->err, L->file, node_line(v),
                                       "'variants[%d].name': %s%s%s, expected a name of letters, "
                                       "digits, '_', '-', '.', not dots only (at most %d characters)",
                                       i, v->type == YAML_SCALAR_NODE ? "'" : node_kind(v),
                                       v->type == YAML_SCALAR_NODE ? name : "",
                                       v->type == YAML_SCALAR_NODE ? "'" : "", BS_NAME_MAX - 1);
                for (int j = 0; j < i; j++)
                    if (!strcmp(vars->v[j].name, name))
                        return input_error(L->err, L->file, node_line(v),
                                           "'variants[%d].name': '%s' is already variants[%d]'s "
                                           "name, expected a unique name",
                                           i, name, j);
                snprintf(var->name, sizeof var->name, "%s", name);
            } else if (!strcmp(key, "set")) {
                if (have_set++)
                    return input_error(L->err, L->file, node_line(k),
                                       "'variants[%d].set': duplicate key, expected each key "
                                       "once", i);
                bs_status s = load_variant_set(L, v, var, i);
                if (s) return s;
            } else
                return input_error(L->err, L->file, node_line(k),
                                   "'variants[%d].%s': unknown key, expected name or set", i,
                                   key);
        }
        if (!have_name)
            return input_error(L->err, L->file, node_line(e),
                               "'variants[%d].name': missing, expected a name for the variant", i);
    }
    return BS_OK;
}

void bs_variants_free(bs_variants *vars)
{
    if (!vars) return;
    for (int i = 0; vars->v && i < vars->n; i++) {
        for (int k = 0; k < vars->v[i].n_set; k++) free(vars->v[i].set[k]);
        free(vars->v[i].set);
        free(vars->v[i].set_line);
    }
    free(vars->v);
    vars->v = NULL;
    vars->n = 0;
}

char *bs_variant_overrides(const bs_variants *vars, int v)
{
    const bs_variant *var = &vars->v[v];
    size_t len = 1;
    for (int k = 0; k < var->n_set; k++) len += strlen(var->set[k]) + 1;
    char *s = malloc(len);
    if (!s) return NULL;
    s[0] = '\0';
    for (int k = 0, n = 0; k < var->n_set; k++)
        n += snprintf(s + n, len - (size_t)n, "%s%s", k ? "\n" : "", var->set[k]);
    return s;
}

/* Keys a variant may not set: they would make the variants' series differ in shape or
   meaning (the seed is shared: common random numbers). */
static int frozen_key(const char *assignment)
{
    static const char *const frozen[] = {"name", "seed", "steps", "step_days", "replicates"};
    size_t len = strcspn(assignment, "=");
    for (size_t q = 0; q < sizeof frozen / sizeof *frozen; q++)
        if (strlen(frozen[q]) == len && !strncmp(assignment, frozen[q], len)) return 1;
    return !strncmp(assignment, "brands[", 7) && len > 5 && !strncmp(assignment + len - 5, ".name", 5);
}

bs_status bs_variant_apply(const bs_scenario *base, const bs_variants *vars, int v,
                           bs_scenario *out, bs_error *err)
{
    const bs_variant *var = &vars->v[v];
    const char *file = vars->file[0] ? vars->file : NULL;
    memcpy(out, base, sizeof *out);
    for (int k = 0; k < var->n_set; k++) {
        const char *a = var->set[k];
        int len = (int)strcspn(a, "=");
        if (frozen_key(a))
            return input_error(err, file, var->set_line[k],
                               "'variants[%d].set.%.*s': a variant cannot change this, expected "
                               "a parameter of the model, the population, the network, a brand "
                               "or a shock (name, seed, steps, step_days, replicates and brand "
                               "names are shared by all variants)",
                               v, len, a);
        bs_error e = {0};
        if (bs_scenario_set(out, a, &e)) {
            /* "--set: 'PATH': why" -> "FILE:LINE: 'variants[v].set.PATH': why" */
            const char *why = strstr(e.msg, "': ");
            return input_error(err, file, var->set_line[k], "'variants[%d].set.%.*s': %s", v, len,
                               a, why ? why + 3 : e.msg);
        }
    }
    bs_error e = {0};
    if (bs_scenario_validate(out, NULL, &e))
        return input_error(err, file, var->line, "variant '%s' (variants[%d]): %s", var->name, v,
                           e.msg);
    return BS_OK;
}

static bs_status load_document(loader *L, bs_scenario *sc)
{
    yaml_node_t *root = yaml_document_get_root_node(L->doc);
    if (!root)
        return input_error(L->err, L->file, 0,
                           "no scenario in the file (only comments or blank lines), expected a "
                           "scenario (a YAML mapping)");
    if (root->type != YAML_MAPPING_NODE)
        return input_error(L->err, L->file, node_line(root),
                           "the file is %s, expected a scenario (a YAML mapping of keys)",
                           node_kind(root));
    if (load_section(L, root, BS_SECTION_TOP, sc, "", NULL)) return BS_ERR_INPUT;
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *k = yaml_document_get_node(L->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(L->doc, pr->value);
        const char *key = (const char *)k->data.scalar.value;
        remember_line(L, key, node_line(k));
        bs_status s = BS_OK;
        if (!strcmp(key, "population"))
            s = load_section(L, v, BS_SECTION_POPULATION, &sc->population, "population.", NULL);
        else if (!strcmp(key, "network"))
            s = load_section(L, v, BS_SECTION_NETWORK, &sc->network, "network.", NULL);
        else if (!strcmp(key, "model"))
            s = load_section(L, v, BS_SECTION_MODEL, &sc->model, "model.", NULL);
        else if (!strcmp(key, "brands"))
            s = load_list(L, v, sc, BS_SECTION_BRAND);
        else if (!strcmp(key, "shocks"))
            s = load_list(L, v, sc, BS_SECTION_SHOCK);
        else if (!strcmp(key, "variants"))
            s = load_variants(L, v);
        else if (!strcmp(key, "replication") && v->type != YAML_MAPPING_NODE)
            s = input_error(L->err, L->file, node_line(v),
                            "'replication': %s, expected a mapping (read by `brandsim replicate`)",
                            node_kind(v));
        if (s) return s;
    }
    return BS_OK;
}

/* Re-issue a validation message ("'path': ...") with the file and line. */
static bs_status locate(const loader *L, bs_error *err)
{
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%s", err->msg);
    char path[128] = "";
    if (msg[0] == '\'') {
        const char *end = strchr(msg + 1, '\'');
        if (end && (size_t)(end - msg - 1) < sizeof path) {
            memcpy(path, msg + 1, (size_t)(end - msg - 1));
            path[end - msg - 1] = '\0';
        }
    }
    int line = 0;
    char probe[128];
    snprintf(probe, sizeof probe, "%s", path);
    while (probe[0] && !(line = line_of(L, probe))) { /* fall back to the enclosing key */
        char *cut = strrchr(probe, '.');
        char *br = strrchr(probe, '[');
        char *at = cut > br ? cut : br;
        if (!at) break;
        *at = '\0';
    }
    return input_error(err, L->file, line, "%s", msg);
}

/* A libyaml error as an input error at its line. Reader errors (bad UTF-8,
 * control characters) have only a byte offset: count the lines up to it. */
static bs_status yaml_error(const yaml_parser_t *parser, const char *text, size_t len,
                            const char *name, bs_error *err)
{
    int line = (int)parser->problem_mark.line + 1;
    if (parser->error == YAML_MEMORY_ERROR) {
        snprintf(err->msg, sizeof err->msg, "out of memory parsing '%s'", name);
        err->status = BS_ERR_RUNTIME;
        return BS_ERR_RUNTIME;
    }
    if (parser->error == YAML_READER_ERROR) {
        line = 1;
        for (size_t i = 0; i < parser->problem_offset && i < len; i++) line += text[i] == '\n';
        return input_error(err, name, line, "not valid text: %s (byte %zu), expected a YAML text file",
                           parser->problem ? parser->problem : "error", parser->problem_offset);
    }
    /* "did not find expected ',' or ']' while parsing a flow sequence": the
       problem is found where the parser gave up; say where the construct began */
    char began[64] = "";
    int cline = (int)parser->context_mark.line + 1;
    if (parser->context && cline != line)
        snprintf(began, sizeof began, " (it began on line %d)", cline);
    return input_error(err, name, line, "not valid YAML: %s%s%s%s",
                       parser->problem ? parser->problem : "error", parser->context ? " " : "",
                       parser->context ? parser->context : "", began);
}

bs_status bs_scenario_load_string(const char *text, size_t len, const char *name,
                                  bs_scenario *sc, bs_error *err)
{
    bs_variants vars;
    bs_status s = bs_scenario_load_string_variants(text, len, name, sc, &vars, err);
    bs_variants_free(&vars);
    return s;
}

/* Every variant applies to the scenario and validates. */
static bs_status check_variants(const bs_scenario *sc, const bs_variants *vars, bs_error *err)
{
    if (vars->n == 0) return BS_OK;
    bs_scenario *tmp = malloc(sizeof *tmp);
    if (!tmp) return out_of_memory(err, vars->file);
    bs_status s = BS_OK;
    for (int v = 0; s == BS_OK && v < vars->n; v++) s = bs_variant_apply(sc, vars, v, tmp, err);
    free(tmp);
    return s;
}

bs_status bs_scenario_load_string_variants(const char *text, size_t len, const char *name,
                                           bs_scenario *sc, bs_variants *vars, bs_error *err)
{
    memset(vars, 0, sizeof *vars);
    bs_status s = BS_OK;
    if (!name) name = "(scenario)";
    snprintf(vars->file, sizeof vars->file, "%s", name);
    bs_scenario_defaults(sc);
    sc->name[0] = '\0'; /* required in a file: no default */
    if (len == 0) return input_error(err, name, 0, "empty file, expected a scenario (a YAML mapping)");
    if (memchr(text, '\0', len))
        return input_error(err, name, 0, "binary data, expected a YAML text file");
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(err->msg, sizeof err->msg, "out of memory parsing '%s'", name);
        err->status = BS_ERR_RUNTIME;
        return BS_ERR_RUNTIME;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        bs_status s = yaml_error(&parser, text, len, name, err);
        yaml_parser_delete(&parser);
        return s;
    }
    loader L = {name, &doc, err, NULL, 0, 0, vars};
    s = load_document(&L, sc);
    if (s == BS_OK) { /* one scenario per file: a second document is a mistake */
        yaml_document_t next;
        if (!yaml_parser_load(&parser, &next)) {
            s = yaml_error(&parser, text, len, name, err);
        } else {
            yaml_node_t *root = yaml_document_get_root_node(&next);
            if (root)
                s = input_error(err, name, (int)next.start_mark.line + 1,
                                "a second YAML document, expected one scenario per file");
            yaml_document_delete(&next);
        }
    }
    if (s == BS_OK && !sc->name[0]) { /* absent, or present with no value (its line) */
        const int line = line_of(&L, "name");
        s = input_error(err, name, line,
                        "'name': %s, expected a scenario name (letters, digits, '_', '-', "
                        "'.'), required", line ? "empty" : "missing");
    }
    if (s == BS_OK && bs_scenario_validate(sc, NULL, err) != BS_OK) s = locate(&L, err);
    if (s == BS_OK) s = check_variants(sc, vars, err);
    free(L.lines);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (s != BS_OK) bs_variants_free(vars);
    return s;
}

bs_status bs_scenario_load(const char *path, bs_scenario *sc, bs_error *err)
{
    bs_variants vars;
    bs_status s = bs_scenario_load_variants(path, sc, &vars, err);
    bs_variants_free(&vars);
    return s;
}

bs_status bs_scenario_load_variants(const char *path, bs_scenario *sc, bs_variants *vars,
                                    bs_error *err)
{
    memset(vars, 0, sizeof *vars);
    FILE *f = fopen(path, "rb");
    if (!f) return input_error(err, NULL, 0, "cannot read '%s': %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 65536 > cap) {
            cap = cap ? 2 * cap : 65536;
            if (cap > ((size_t)64 << 20)) {
                free(buf);
                fclose(f);
                return input_error(err, path, 0, "file is larger than 64 MiB, expected a scenario");
            }
            char *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                fclose(f);
                snprintf(err->msg, sizeof err->msg, "out of memory reading '%s'", path);
                err->status = BS_ERR_RUNTIME;
                return BS_ERR_RUNTIME;
            }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return input_error(err, NULL, 0, "cannot read '%s': %s", path, strerror(errno));
    }
    bs_status s = bs_scenario_load_string_variants(buf ? buf : "", len, path, sc, vars, err);
    free(buf);
    return s;
}

/* ---- --set ------------------------------------------------------------------------ */

/* Where a key path points: its section, the struct holding it, the parameter, and (a
 * policy's field) the mask recording that it was given. Errors as --set reports them. */
typedef struct {
    bs_section sec;
    void *base;
    uint64_t *policy_set;
    const bs_param *p;
    int idx;
} field_ref;

static bs_status resolve_path(bs_scenario *sc, const char *path, field_ref *ref, bs_error *err)
{
    bs_section sec = BS_SECTION_TOP;
    void *base = sc;
    uint64_t *policy_set = NULL;
    const char *key = path;
    char head[128] = "", index[128] = "";
    /* SECTION.KEY or brands[NAME|I].KEY / shocks[I].KEY: a brand name may hold '.' */
    size_t hl = strcspn(path, ".[");
    if (path[hl]) {
        snprintf(head, sizeof head, "%.*s", (int)hl, path);
        int indexed = !strcmp(head, "brands") || !strcmp(head, "shocks");
        if (path[hl] == '[') {
            const char *close = strchr(path + hl, ']');
            if (!indexed || !close || close[1] != '.')
                return input_error(err, "--set", 0,
                                   "'%s': not a key path, expected SECTION.KEY, brands[NAME].KEY, "
                                   "brands[I].KEY or shocks[I].KEY",
                                   path);
            snprintf(index, sizeof index, "%.*s", (int)(close - path - hl - 1), path + hl + 1);
            key = close + 2;
        } else {
            if (indexed)
                return input_error(err, "--set", 0, "'%s': expected %s[...].KEY", path, head);
            key = path + hl + 1;
        }
        if (!strcmp(head, "population")) { sec = BS_SECTION_POPULATION; base = &sc->population; }
        else if (!strcmp(head, "network")) { sec = BS_SECTION_NETWORK; base = &sc->network; }
        else if (!strcmp(head, "model")) { sec = BS_SECTION_MODEL; base = &sc->model; }
        else if (indexed) {
            int isb = head[0] == 'b';
            int n = isb ? sc->n_brands : sc->n_shocks, at = -1;
            char *end;
            long v = strtol(index, &end, 10);
            if (index[0] >= '0' && index[0] <= '9' && !*end) at = v < n ? (int)v : -1;
            else if (isb)
                for (int b = 0; b < n; b++)
                    if (!strcmp(sc->brands[b].name, index)) at = b;
            if (at < 0)
                return input_error(err, "--set", 0, "'%s': no %s '%s', expected an index below %d%s",
                                   path, isb ? "brand" : "shock", index, n,
                                   isb ? " or a brand name" : "");
            sec = isb ? BS_SECTION_BRAND : BS_SECTION_SHOCK;
            base = isb ? (void *)&sc->brands[at] : (void *)&sc->shocks[at];
            if (!isb && !strncmp(key, "policy.", 7)) { /* shocks[I].policy.KEY */
                sec = BS_SECTION_BRAND;
                policy_set = &sc->shocks[at].policy_set;
                base = &sc->shocks[at].policy;
                key += 7;
                if (!strcmp(key, "name"))
                    return input_error(err, "--set", 0,
                                       "'%s': a policy cannot rename a brand, expected the "
                                       "fields that change", path);
                if (sc->shocks[at].kind != BS_SHOCK_POLICY) /* it would be ignored */
                    return input_error(err, "--set", 0,
                                       "'%s': only a shock of kind 'policy' has a policy, "
                                       "expected shocks[%d].kind=policy first", path, at);
            }
        } else
            return input_error(err, "--set", 0,
                               "'%s': unknown section '%s', expected population, network, "
                               "model, brands[...] or shocks[...]",
                               path, head);
    }
    int idx = bs_param_index(sec, key);
    if (idx < 0)
        return input_error(err, "--set", 0, "'%s': unknown key (see scenarios/README.md)", path);
    int n;
    ref->sec = sec;
    ref->base = base;
    ref->policy_set = policy_set;
    ref->p = &bs_params(sec, &n)[idx];
    ref->idx = idx;
    return BS_OK;
}

bs_status bs_scenario_get(const bs_scenario *sc, const char *path, double *value,
                          const bs_param **param, bs_error *err)
{
    field_ref ref;
    if (resolve_path((bs_scenario *)sc, path, &ref, err)) return BS_ERR_INPUT;
    if (ref.p->type == BS_P_STRING || ref.p->type == BS_P_BRANDLIST)
        return input_error(err, "--set", 0, "'%s': not a number, expected a numeric field", path);
    *value = bs_param_value(ref.p, ref.base);
    if (param) *param = ref.p;
    return BS_OK;
}

bs_status bs_scenario_set(bs_scenario *sc, const char *assignment, bs_error *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return input_error(err, "--set", 0, "'%s': expected key.path=value", assignment);
    char path[128];
    if ((size_t)(eq - assignment) >= sizeof path)
        return input_error(err, "--set", 0, "'%.40s...': key path too long", assignment);
    snprintf(path, sizeof path, "%.*s", (int)(eq - assignment), assignment);
    const char *value = eq + 1;
    field_ref ref;
    if (resolve_path(sc, path, &ref, err)) return BS_ERR_INPUT;
    void *base = ref.base;
    uint64_t *policy_set = ref.policy_set;
    int idx = ref.idx;
    const bs_param *p = ref.p;
    if (p->type == BS_P_BRANDLIST) {
        /* parsed aside, committed whole: a bad list leaves the shock as it was, and
           no names of a longer earlier list stay behind the new ones */
        bs_shock *sh = base;
        char names[BS_SHOCK_MAX_BRANDS][BS_NAME_MAX];
        memset(names, 0, sizeof names);
        int nb = 0;
        for (const char *s = value;; nb++) {
            size_t len = strcspn(s, ",");
            if (len == 0 || len >= BS_NAME_MAX)
                return input_error(err, "--set", 0,
                                   "'%s': '%s' is not valid, expected brand names (at most %d "
                                   "characters each) separated by commas",
                                   path, value, BS_NAME_MAX - 1);
            if (nb == BS_SHOCK_MAX_BRANDS)
                return input_error(err, "--set", 0,
                                   "'%s': more than %d brands, expected at most %d", path,
                                   BS_SHOCK_MAX_BRANDS, BS_SHOCK_MAX_BRANDS);
            memcpy(names[nb], s, len);
            if (!s[len]) break;
            s += len + 1;
        }
        memcpy(sh->brand_names, names, sizeof names);
        memset(sh->brands, 0, sizeof sh->brands); /* resolved again by validation */
        sh->n_brands = nb + 1;
        return BS_OK;
    }
    char why[256];
    if (set_scalar(p, base, value, why, sizeof why))
        return input_error(err, "--set", 0, "'%s': %s", path, why);
    if (policy_set) *policy_set |= (uint64_t)1 << idx;
    return BS_OK;
}

/* ---- writing ------------------------------------------------------------------------ */

/* A YAML double-quoted string: quotes, backslashes and control characters
 * escaped, so any description reads back byte for byte. */
static void write_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') fprintf(out, "\\%c", *c);
        else if (*c == '\n') fputs("\\n", out);
        else if (*c == '\t') fputs("\\t", out);
        else if (*c < 0x20 || *c == 0x7f) fprintf(out, "\\x%02x", *c);
        else fputc(*c, out);
    }
    fputc('"', out);
}

static void write_value(FILE *out, const bs_param *p, const void *base)
{
    const char *at = (const char *)base + p->offset;
    switch (p->type) {
    case BS_P_REAL: fprintf(out, "%.17g", *(const double *)at); break;
    case BS_P_INT: fprintf(out, "%d", *(const int *)at); break;
    case BS_P_I64: fprintf(out, "%lld", (long long)*(const int64_t *)at); break;
    case BS_P_U64: fprintf(out, "%llu", (unsigned long long)*(const uint64_t *)at); break;
    case BS_P_BOOL: fputs(*(const int *)at ? "true" : "false", out); break;
    case BS_P_ENUM: fputs(p->names[*(const int *)at], out); break;
    case BS_P_STRING: write_quoted(out, at); break;
    case BS_P_BRANDLIST: {
        const bs_shock *sh = (const bs_shock *)base;
        fputc('[', out);
        for (int j = 0; j < sh->n_brands; j++) {
            if (j) fputs(", ", out);
            write_quoted(out, sh->brand_names[j]);
        }
        fputc(']', out);
    } break;
    }
}

static void write_section(FILE *out, bs_section sec, const void *base, const char *indent,
                          const char *first_indent, uint64_t only)
{
    int n;
    const bs_param *p = bs_params(sec, &n);
    int first = 1;
    for (int k = 0; k < n; k++) {
        if (only && !(only & ((uint64_t)1 << k))) continue;
        if (p[k].type == BS_P_STRING && ((const char *)base + p[k].offset)[0] == '\0') continue;
        fprintf(out, "%s%s: ", first ? first_indent : indent, p[k].key);
        first = 0;
        write_value(out, &p[k], base);
        fputc('\n', out);
    }
}

int bs_scenario_write_yaml(FILE *out, const bs_scenario *sc)
{
    write_section(out, BS_SECTION_TOP, sc, "", "", 0);
    fputs("population:\n", out);
    write_section(out, BS_SECTION_POPULATION, &sc->population, "  ", "  ", 0);
    fputs("network:\n", out);
    write_section(out, BS_SECTION_NETWORK, &sc->network, "  ", "  ", 0);
    fputs("model:\n", out);
    write_section(out, BS_SECTION_MODEL, &sc->model, "  ", "  ", 0);
    fputs("brands:\n", out);
    for (int b = 0; b < sc->n_brands; b++)
        write_section(out, BS_SECTION_BRAND, &sc->brands[b], "    ", "  - ", 0);
    fputs(sc->n_shocks ? "shocks:\n" : "shocks: []\n", out);
    for (int s = 0; s < sc->n_shocks; s++) {
        write_section(out, BS_SECTION_SHOCK, &sc->shocks[s], "    ", "  - ", 0);
        if (sc->shocks[s].kind == BS_SHOCK_POLICY && sc->shocks[s].policy_set) {
            fputs("    policy:\n", out);
            write_section(out, BS_SECTION_BRAND, &sc->shocks[s].policy, "      ", "      ",
                          sc->shocks[s].policy_set);
        }
    }
    return ferror(out) ? -1 : 0;
}

char *bs_scenario_yaml_string(const bs_scenario *sc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    int bad = bs_scenario_write_yaml(f, sc);
    if (fclose(f) || bad) {
        free(buf);
        return NULL;
    }
    return buf;
}

int bs_scenario_write_reference(FILE *out)
{
    static const struct {
        bs_section sec;
        const char *title, *where;
    } parts[] = {
        {BS_SECTION_TOP, "Top level", "top level of the file"},
        {BS_SECTION_POPULATION, "population", "mapping `population:`"},
        {BS_SECTION_NETWORK, "network", "mapping `network:`"},
        {BS_SECTION_MODEL, "model", "mapping `model:` (coefficients of docs/MODEL.md)"},
        {BS_SECTION_BRAND, "brands[]", "each entry of the list `brands:`"},
        {BS_SECTION_SHOCK, "shocks[]", "each entry of the list `shocks:`"},
    };
    for (size_t q = 0; q < sizeof parts / sizeof parts[0]; q++) {
        int n;
        const bs_param *p = bs_params(parts[q].sec, &n);
        fprintf(out, "### %s\n\nIn the %s.\n\n", parts[q].title, parts[q].where);
        fputs("| key | type | default | range | unit | meaning |\n|---|---|---|---|---|---|\n", out);
        for (int k = 0; k < n; k++) {
            fprintf(out, "| `%s` | ", p[k].key);
            switch (p[k].type) {
            case BS_P_REAL: fprintf(out, "number | %g | [%g, %g]", p[k].def, p[k].min, p[k].max); break;
            case BS_P_INT:
            case BS_P_I64:
                fprintf(out, "integer | %.0f | [%.0f, %.0f]", p[k].def, p[k].min, p[k].max);
                break;
            case BS_P_U64: /* the double max would print as 2^64 */
                fprintf(out, "integer | %.0f | [%.0f, %llu]", p[k].def, p[k].min,
                        (unsigned long long)UINT64_MAX);
                break;
            case BS_P_BOOL: fprintf(out, "boolean | %s | true, false", p[k].def ? "true" : "false"); break;
            case BS_P_ENUM:
                fprintf(out, "name | %s | ", p[k].names[(int)p[k].def]);
                for (int j = 0; p[k].names[j]; j++) fprintf(out, "%s%s", j ? ", " : "", p[k].names[j]);
                break;
            case BS_P_STRING:
                fprintf(out, "string | %s | up to %zu characters",
                        strcmp(p[k].key, "description") ? "(required)" : "\"\"", p[k].size - 1);
                break;
            case BS_P_BRANDLIST: fputs("list of brand names | (required) | brands of the scenario", out); break;
            }
            fprintf(out, " | %s | %s |\n", p[k].unit[0] ? p[k].unit : "-", p[k].desc);
        }
        if (parts[q].sec == BS_SECTION_SHOCK)
            fputs("| `policy` | mapping | (none) | any `brands[]` fields except `name` | - | "
                  "policy shock: the brand fields that change, and their new values |\n",
                  out);
        fputc('\n', out);
    }
    return ferror(out) ? -1 : 0;
}
