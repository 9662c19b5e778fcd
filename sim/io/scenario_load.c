/* SPDX-License-Identifier: MIT */
/*
 * scenario_load.c: reading a scenario file. libyaml parses the text into a
 * document; the binder of yaml_bind.h binds each section to its struct with
 * a table made from the parameter table (sim/core/params.c), plus handlers for
 * what holds more than a scalar (sections, lists of brands and shocks, a
 * shock's brands and policy). The binder's line map lets validation errors
 * found afterwards be reported at the line of the key they name. `variants:`
 * is read by scenario_variants.c.
 *
 * Why libyaml's document API and a table-driven binder rather than libcyaml's
 * schema: libcyaml 1.3 (Debian 12) cannot tell an absent field from a zero
 * (so documented defaults cannot be filled in), has no range validation,
 * accepts "1.5" for an integer, and reports the enclosing mapping's line
 * rather than the key's. With the table we get one source for parsing,
 * defaults, ranges, --set, --print and the reference docs, and every error
 * names the file, line and key path.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "io/scenario_io.h"
#include "io/scenario_private.h"
#include "io/yaml_bind.h"

/* ---- the keys that hold more than a scalar: the binder's handlers ------------------- */

static bs_status load_section(bs_yaml *L, yaml_node_t *map, bs_section sec, void *base,
                              const char *path, uint64_t *present);

/* The section a key names ("population", ..., "shocks"). */
static bs_section section_of(const char *key)
{
    for (int s = BS_SECTION_TOP + 1; s < BS_SECTION_COUNT; s++)
        if (!strcmp(bs_section_key((bs_section)s), key)) return (bs_section)s;
    return BS_SECTION_TOP;
}

/* A shock's `brands`: one name, or a list of names. */
static bs_status bind_brandlist(bs_yaml *L, yaml_node_t *v, const char *path, void *base,
                                const bs_yfield *f)
{
    (void)f;
    bs_shock *sh = base;
    sh->n_brands = 0;
    if (v->type == YAML_SCALAR_NODE) {
        if (strlen((const char *)v->data.scalar.value) >= BS_NAME_MAX)
            return bs_yaml_error(L->err, L->file, bs_yaml_node_line(v),
                                 "'%s': '%.20s...' is too long, expected a brand name of at most "
                                 "%d characters", path, (const char *)v->data.scalar.value,
                                 BS_NAME_MAX - 1);
        snprintf(sh->brand_names[0], BS_NAME_MAX, "%s", (const char *)v->data.scalar.value);
        sh->n_brands = 1;
        return BS_OK;
    }
    if (v->type != YAML_SEQUENCE_NODE)
        return bs_yaml_error(L->err, L->file, bs_yaml_node_line(v),
                             "'%s': %s, expected a list of brand names", path,
                             bs_yaml_node_kind(v));
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *e = yaml_document_get_node(L->doc, *it);
        if (e->type != YAML_SCALAR_NODE)
            return bs_yaml_error(L->err, L->file, bs_yaml_node_line(e),
                                 "'%s[%d]': %s, expected a brand name", path, sh->n_brands,
                                 bs_yaml_node_kind(e));
        if (sh->n_brands == BS_SHOCK_MAX_BRANDS)
            return bs_yaml_error(L->err, L->file, bs_yaml_node_line(e),
                                 "'%s': more than %d brands, expected at most %d", path,
                                 BS_SHOCK_MAX_BRANDS, BS_SHOCK_MAX_BRANDS);
        char ep[128];
        snprintf(ep, sizeof ep, "%s[%d]", path, sh->n_brands);
        if (strlen((const char *)e->data.scalar.value) >= BS_NAME_MAX)
            return bs_yaml_error(L->err, L->file, bs_yaml_node_line(e),
                                 "'%s': '%.20s...' is too long, expected a brand name of at most "
                                 "%d characters", ep, (const char *)e->data.scalar.value,
                                 BS_NAME_MAX - 1);
        bs_yaml_remember(L, ep, bs_yaml_node_line(e));
        snprintf(sh->brand_names[sh->n_brands++], BS_NAME_MAX, "%s",
                 (const char *)e->data.scalar.value);
    }
    return BS_OK;
}

/* A policy shock's `policy`: the brand fields that change, and which (policy_set). */
static bs_status bind_policy(bs_yaml *L, yaml_node_t *v, const char *path, void *base,
                             const bs_yfield *f)
{
    (void)f;
    bs_shock *sh = base;
    if (load_section(L, v, BS_SECTION_BRAND, &sh->policy, path, &sh->policy_set))
        return BS_ERR_INPUT;
    if (sh->policy_set & ((uint64_t)1 << bs_param_index(BS_SECTION_BRAND, "name"))) {
        char name[128];
        snprintf(name, sizeof name, "%s.name", path);
        return bs_yaml_error(L->err, L->file, bs_yaml_line_of(L, name),
                             "'%s': a policy cannot rename a brand, expected the fields that "
                             "change",
                             name);
    }
    return BS_OK;
}

/* `population:`, `network:` or `model:`, at its offset in the scenario. */
static bs_status bind_section(bs_yaml *L, yaml_node_t *v, const char *path, void *base,
                              const bs_yfield *f)
{
    return load_section(L, v, section_of(f->p.key), (char *)base + f->p.offset, path, NULL);
}

/* `brands:` or `shocks:`, a list of entries, each bound over its defaults. */
static bs_status bind_list(bs_yaml *L, yaml_node_t *seq, const char *key, void *base,
                           const bs_yfield *f)
{
    bs_scenario *sc = base;
    bs_section sec = section_of(f->p.key);
    int max = sec == BS_SECTION_BRAND ? BS_MAX_BRANDS : BS_MAX_SHOCKS;
    if (seq->type != YAML_SEQUENCE_NODE)
        return bs_yaml_error(L->err, L->file, bs_yaml_node_line(seq), "'%s': %s, expected a list",
                             key, bs_yaml_node_kind(seq));
    int n = 0;
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++, n++) {
        yaml_node_t *e = yaml_document_get_node(L->doc, *it);
        if (n == max)
            return bs_yaml_error(L->err, L->file, bs_yaml_node_line(e),
                                 "'%s': more than %d entries", key, max);
        char path[64];
        snprintf(path, sizeof path, "%s[%d]", key, n);
        bs_yaml_remember(L, path, bs_yaml_node_line(e));
        void *entry;
        if (sec == BS_SECTION_BRAND) {
            bs_brand_defaults(&sc->brands[n]);
            entry = &sc->brands[n];
        } else {
            bs_shock_defaults(&sc->shocks[n]);
            bs_brand_defaults(&sc->shocks[n].policy);
            entry = &sc->shocks[n];
        }
        if (load_section(L, e, sec, entry, path, NULL)) return BS_ERR_INPUT;
    }
    if (sec == BS_SECTION_BRAND) sc->n_brands = n;
    else sc->n_shocks = n;
    return BS_OK;
}

/* `variants:`, kept aside (L->user) and checked against the scenario once it is loaded. */
static bs_status bind_variants(bs_yaml *L, yaml_node_t *v, const char *path, void *base,
                               const bs_yfield *f)
{
    (void)path, (void)base, (void)f;
    return bs_variants_read(L, v, L->user);
}

/* `replication:` is read by `brandsim replicate` (analysis/replication.c); here only its
   form is checked. */
static bs_status bind_replication(bs_yaml *L, yaml_node_t *v, const char *path, void *base,
                                  const bs_yfield *f)
{
    (void)base, (void)f;
    if (v->type == YAML_MAPPING_NODE) return BS_OK;
    return bs_yaml_error(L->err, L->file, bs_yaml_node_line(v),
                         "'%s': %s, expected a mapping (read by `brandsim replicate`)", path,
                         bs_yaml_node_kind(v));
}

/* ---- sections ------------------------------------------------------------------------- */

/* Bind one section (path: its key path, "" at the top level) to its struct at base through
 * the binder: a row per parameter, then the keys that hold more: a shock's `policy`, and at
 * the top level the sections, `variants` and `replication`, bound after the top level's own
 * keys (so that a mistake there is reported first). present, if not NULL: the parameters
 * given, as a mask (for a policy: the brand section has fewer than 64 parameters). */
static bs_status load_section(bs_yaml *L, yaml_node_t *map, bs_section sec, void *base,
                              const char *path, uint64_t *present)
{
    int np;
    const bs_param *params = bs_params(sec, &np);
    enum { MORE = 8 }; /* rows beside the parameters */
    bs_yfield *f = calloc((size_t)np + MORE, sizeof *f);
    unsigned char *given = calloc((size_t)np + MORE, 1);
    if (!f || !given) {
        free(f);
        free(given);
        return bs_yaml_out_of_memory(L->err, L->file);
    }
    int n = 0;
    for (; n < np; n++) {
        f[n].p = params[n];
        if (params[n].type == BS_P_BRANDLIST) f[n].handler = bind_brandlist;
    }
    if (sec == BS_SECTION_SHOCK)
        f[n++] = (bs_yfield){.p = {.key = "policy"}, .handler = bind_policy};
    if (sec == BS_SECTION_TOP) {
        static const struct {
            bs_section sec;
            size_t offset;
        } parts[] = {{BS_SECTION_POPULATION, offsetof(bs_scenario, population)},
                     {BS_SECTION_NETWORK, offsetof(bs_scenario, network)},
                     {BS_SECTION_MODEL, offsetof(bs_scenario, model)},
                     {BS_SECTION_ECONOMICS, offsetof(bs_scenario, economics)},
                     {BS_SECTION_BRAND, 0},
                     {BS_SECTION_SHOCK, 0}};
        for (size_t q = 0; q < sizeof parts / sizeof parts[0]; q++) {
            const int list = parts[q].sec == BS_SECTION_BRAND || parts[q].sec == BS_SECTION_SHOCK;
            f[n++] = (bs_yfield){
                .p = {.key = bs_section_key(parts[q].sec), .offset = parts[q].offset},
                .handler = list ? bind_list : bind_section,
                .later = 1};
        }
        f[n++] = (bs_yfield){.p = {.key = "variants"}, .handler = bind_variants, .later = 1};
        f[n++] = (bs_yfield){.p = {.key = "replication"}, .handler = bind_replication, .later = 1};
    }
    /* an unknown key: the top level lists its keys, a section (too many) points to the reference */
    char keys[96];
    snprintf(keys, sizeof keys, "a field of '%s' (see scenarios/README.md)",
             sec == BS_SECTION_BRAND   ? "brands[]"
             : sec == BS_SECTION_SHOCK ? "shocks[]"
                                       : bs_section_key(sec));
    bs_status st =
        bs_yaml_bind(L, map, path, f, n, sec == BS_SECTION_TOP ? NULL : keys, base, given);
    if (st == BS_OK && sec == BS_SECTION_SHOCK && given[np]
        && ((bs_shock *)base)->kind != BS_SHOCK_POLICY) {
        char at[128];
        snprintf(at, sizeof at, "%s.policy", path);
        const bs_param *kind = &params[bs_param_index(sec, "kind")];
        st = bs_yaml_error(L->err, L->file, bs_yaml_line_of(L, at),
                           "'%s': only a shock of kind 'policy' has one, this one is '%s'", at,
                           kind->names[((bs_shock *)base)->kind]);
    }
    if (st == BS_OK && present) {
        *present = 0;
        for (int k = 0; k < np && k < 64; k++)
            if (given[k]) *present |= (uint64_t)1 << k;
    }
    free(f);
    free(given);
    return st;
}

static bs_status load_document(bs_yaml *L, bs_scenario *sc)
{
    yaml_node_t *root = yaml_document_get_root_node(L->doc);
    if (!root)
        return bs_yaml_error(L->err, L->file, 0,
                             "no scenario in the file (only comments or blank lines), expected a "
                             "scenario (a YAML mapping)");
    if (root->type != YAML_MAPPING_NODE)
        return bs_yaml_error(L->err, L->file, bs_yaml_node_line(root),
                             "the file is %s, expected a scenario (a YAML mapping of keys)",
                             bs_yaml_node_kind(root));
    return load_section(L, root, BS_SECTION_TOP, sc, "", NULL);
}

/* Re-issue a validation message ("'path': ...") with the file and line. */
static bs_status locate(const bs_yaml *L, bs_error *err)
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
    while (probe[0] && !(line = bs_yaml_line_of(L, probe))) { /* fall back to the enclosing key */
        char *cut = strrchr(probe, '.');
        char *br = strrchr(probe, '[');
        char *at = cut > br ? cut : br;
        if (!at) break;
        *at = '\0';
    }
    return bs_yaml_error(err, L->file, line, "%s", msg);
}

/* A libyaml error as an input error at its line. Reader errors (bad UTF-8,
 * control characters) have only a byte offset: count the lines up to it. */
static bs_status yaml_error(const yaml_parser_t *parser, const char *text, size_t len,
                            const char *name, bs_error *err)
{
    int line = (int)parser->problem_mark.line + 1;
    if (parser->error == YAML_MEMORY_ERROR) {
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory parsing '%s'", name);
    }
    if (parser->error == YAML_READER_ERROR) {
        line = 1;
        for (size_t i = 0; i < parser->problem_offset && i < len; i++) line += text[i] == '\n';
        return bs_yaml_error(err, name, line,
                             "not valid text: %s (byte %zu), expected a YAML text file",
                             parser->problem ? parser->problem : "error", parser->problem_offset);
    }
    /* "did not find expected ',' or ']' while parsing a flow sequence": the
       problem is found where the parser gave up; say where the construct began */
    char began[64] = "";
    int cline = (int)parser->context_mark.line + 1;
    if (parser->context && cline != line)
        snprintf(began, sizeof began, " (it began on line %d)", cline);
    return bs_yaml_error(err, name, line, "not valid YAML: %s%s%s%s",
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

bs_status bs_scenario_load_string_variants(const char *text, size_t len, const char *name,
                                           bs_scenario *sc, bs_variants *vars, bs_error *err)
{
    memset(vars, 0, sizeof *vars);
    bs_status s = BS_OK;
    if (!name) name = "(scenario)";
    snprintf(vars->file, sizeof vars->file, "%s", name);
    bs_scenario_defaults(sc);
    sc->name[0] = '\0'; /* required in a file: no default */
    if (len == 0)
        return bs_yaml_error(err, name, 0, "empty file, expected a scenario (a YAML mapping)");
    if (memchr(text, '\0', len))
        return bs_yaml_error(err, name, 0, "binary data, expected a YAML text file");
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory parsing '%s'", name);
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        bs_status s = yaml_error(&parser, text, len, name, err);
        yaml_parser_delete(&parser);
        return s;
    }
    bs_yaml L = {name, &doc, err, vars, NULL, 0, 0};
    s = load_document(&L, sc);
    if (s == BS_OK) { /* one scenario per file: a second document is a mistake */
        yaml_document_t next;
        if (!yaml_parser_load(&parser, &next)) {
            s = yaml_error(&parser, text, len, name, err);
        } else {
            yaml_node_t *root = yaml_document_get_root_node(&next);
            if (root)
                s = bs_yaml_error(err, name, (int)next.start_mark.line + 1,
                                  "a second YAML document, expected one scenario per file");
            yaml_document_delete(&next);
        }
    }
    if (s == BS_OK && !sc->name[0]) { /* absent, or present with no value (its line) */
        const int line = bs_yaml_line_of(&L, "name");
        s = bs_yaml_error(err, name, line,
                          "'name': %s, expected a scenario name (letters, digits, '_', '-', "
                          "'.'), required", line ? "empty" : "missing");
    }
    if (s == BS_OK && bs_scenario_validate(sc, NULL, err) != BS_OK) s = locate(&L, err);
    if (s == BS_OK) s = bs_variants_check(sc, vars, err);
    bs_yaml_lines_free(&L);
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
    if (!f) return bs_yaml_error(err, NULL, 0, "cannot read '%s': %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 65536 > cap) {
            cap = cap ? 2 * cap : 65536;
            if (cap > ((size_t)64 << 20)) {
                free(buf);
                fclose(f);
                return bs_yaml_error(err, path, 0,
                                     "file is larger than 64 MiB, expected a scenario");
            }
            char *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                fclose(f);
                return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory reading '%s'", path);
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
        return bs_yaml_error(err, NULL, 0, "cannot read '%s': %s", path, strerror(errno));
    }
    bs_status s = bs_scenario_load_string_variants(buf ? buf : "", len, path, sc, vars, err);
    free(buf);
    return s;
}
