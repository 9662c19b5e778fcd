/* SPDX-License-Identifier: MIT */
/*
 * scenario_variants.c: a scenario's `variants:`, named conditions written as
 * --set overrides: reading the list (for scenario_load.c), applying a variant
 * to the scenario, and checking that every variant applies and validates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "io/scenario_io.h"
#include "io/scenario_private.h"
#include "io/yaml_bind.h"

static int valid_name(const char *s)
{
    if (!s[strspn(s, ".")]) return 0; /* empty, or dots only: '.' and '..' are folders */
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
              || *s == '_' || *s == '-' || *s == '.'))
            return 0;
    return 1;
}

/* One entry's `set:` mapping into "key=value" strings. */
static bs_status load_variant_set(bs_yaml *L, yaml_node_t *map, bs_variant *var, int i)
{
    if (map->type == YAML_SCALAR_NODE && map->data.scalar.length == 0) return BS_OK; /* set: */
    if (map->type != YAML_MAPPING_NODE)
        return bs_yaml_error(L->err, L->file, bs_yaml_node_line(map),
                           "'variants[%d].set': %s, expected a mapping of overrides "
                           "(key.path: value, as --set takes them)",
                           i, bs_yaml_node_kind(map));
    int n = (int)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
    var->set = calloc(n ? (size_t)n : 1, sizeof *var->set);
    var->set_line = calloc(n ? (size_t)n : 1, sizeof *var->set_line);
    if (!var->set || !var->set_line) return bs_yaml_out_of_memory(L->err, L->file);
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *k = yaml_document_get_node(L->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(L->doc, pr->value);
        if (k->type != YAML_SCALAR_NODE)
            return bs_yaml_error(L->err, L->file, bs_yaml_node_line(k),
                               "'variants[%d].set': %s as a key, expected a key path such as "
                               "brands[acme].breach_response",
                               i, bs_yaml_node_kind(k));
        const char *key = (const char *)k->data.scalar.value;
        if (v->type != YAML_SCALAR_NODE)
            return bs_yaml_error(L->err, L->file, bs_yaml_node_line(v),
                               "'variants[%d].set.%s': %s, expected one value (a list of "
                               "brands is written a,b)",
                               i, key, bs_yaml_node_kind(v));
        for (int q = 0; q < var->n_set; q++)
            if (!strncmp(var->set[q], key, strlen(key)) && var->set[q][strlen(key)] == '=')
                return bs_yaml_error(L->err, L->file, bs_yaml_node_line(k),
                                   "'variants[%d].set.%s': duplicate key, expected each key "
                                   "once", i, key);
        size_t len = strlen(key) + v->data.scalar.length + 2;
        char *a = malloc(len);
        if (!a) return bs_yaml_out_of_memory(L->err, L->file);
        snprintf(a, len, "%s=%s", key, (const char *)v->data.scalar.value);
        var->set_line[var->n_set] = bs_yaml_node_line(k);
        var->set[var->n_set++] = a;
    }
    return BS_OK;
}

/* The entry being read: the binder's struct for `name` and `set`. */
typedef struct {
    bs_variants *vars;
    int i;
} variant_entry;

static bs_status bind_name(bs_yaml *L, yaml_node_t *v, const char *path, void *base,
                           const bs_yfield *f)
{
    (void)f;
    const variant_entry *ve = base;
    const char *name = bs_yaml_scalar(v);
    if (!name || !valid_name(name) || strlen(name) >= BS_NAME_MAX)
        return bs_yaml_error(L->err, L->file, bs_yaml_node_line(v),
                             "'%s': %s%s%s, expected a name of letters, digits, '_', '-', '.', "
                             "not dots only (at most %d characters)",
                             path, name ? "'" : bs_yaml_node_kind(v), name ? name : "",
                             name ? "'" : "", BS_NAME_MAX - 1);
    for (int j = 0; j < ve->i; j++)
        if (!strcmp(ve->vars->v[j].name, name))
            return bs_yaml_error(L->err, L->file, bs_yaml_node_line(v),
                                 "'%s': '%s' is already variants[%d]'s name, expected a unique "
                                 "name",
                                 path, name, j);
    snprintf(ve->vars->v[ve->i].name, sizeof ve->vars->v[0].name, "%s", name);
    return BS_OK;
}

static bs_status bind_set(bs_yaml *L, yaml_node_t *v, const char *path, void *base,
                          const bs_yfield *f)
{
    (void)path, (void)f;
    const variant_entry *ve = base;
    return load_variant_set(L, v, &ve->vars->v[ve->i], ve->i);
}

bs_status bs_variants_read(bs_yaml *L, yaml_node_t *seq, bs_variants *vars)
{
    static const bs_yfield fields[] = {
        {.p = {.key = "name"}, .handler = bind_name, .required = 1,
         .expect = "a name for the variant"},
        {.p = {.key = "set"}, .handler = bind_set},
    };
    if (seq->type != YAML_SEQUENCE_NODE)
        return bs_yaml_error(L->err, L->file, bs_yaml_node_line(seq),
                             "'variants': %s, expected a list of {name, set}",
                             bs_yaml_node_kind(seq));
    int n = (int)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    if (n > BS_MAX_VARIANTS)
        return bs_yaml_error(L->err, L->file, bs_yaml_node_line(seq),
                             "'variants': %d entries, at most %d", n, BS_MAX_VARIANTS);
    vars->v = calloc(n ? (size_t)n : 1, sizeof *vars->v);
    if (!vars->v) return bs_yaml_out_of_memory(L->err, L->file);
    for (int i = 0; i < n; i++) {
        yaml_node_t *e = yaml_document_get_node(L->doc, seq->data.sequence.items.start[i]);
        vars->n = i + 1;
        vars->v[i].line = bs_yaml_node_line(e);
        char path[32];
        snprintf(path, sizeof path, "variants[%d]", i);
        if (e->type != YAML_MAPPING_NODE)
            return bs_yaml_error(L->err, L->file, bs_yaml_node_line(e),
                                 "'%s': %s, expected a mapping with keys name and set", path,
                                 bs_yaml_node_kind(e));
        variant_entry ve = {vars, i};
        if (bs_yaml_bind(L, e, path, fields, 2, "name or set", &ve, NULL)) return BS_ERR_INPUT;
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
    static const char *const frozen[] = {"name", "seed", "steps", "step_days", "replicates",
                                         "strength_quantiles", "trait_quantiles",
                                         "quantile_trait"};
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
            return bs_yaml_error(err, file, var->set_line[k],
                                 "'variants[%d].set.%.*s': a variant cannot change this, expected "
                                 "a parameter of the model, the population, the network, a brand "
                                 "or a shock (name, seed, steps, step_days, replicates, the "
                                 "quantile keys and brand names are shared by all variants)",
                                 v, len, a);
        bs_error e = {0};
        if (bs_scenario_set(out, a, &e)) {
            /* "--set: 'PATH': why" -> "FILE:LINE: 'variants[v].set.PATH': why" */
            const char *why = strstr(e.msg, "': ");
            return bs_yaml_error(err, file, var->set_line[k], "'variants[%d].set.%.*s': %s", v, len,
                                 a, why ? why + 3 : e.msg);
        }
    }
    bs_error e = {0};
    if (bs_scenario_validate(out, NULL, &e))
        return bs_yaml_error(err, file, var->line, "variant '%s' (variants[%d]): %s", var->name, v,
                             e.msg);
    return BS_OK;
}

bs_status bs_variants_check(const bs_scenario *sc, const bs_variants *vars, bs_error *err)
{
    if (vars->n == 0) return BS_OK;
    bs_scenario *tmp = malloc(sizeof *tmp);
    if (!tmp) return bs_yaml_out_of_memory(err, vars->file);
    bs_status s = BS_OK;
    for (int v = 0; s == BS_OK && v < vars->n; v++) s = bs_variant_apply(sc, vars, v, tmp, err);
    free(tmp);
    return s;
}
