/*
 * scenario_load.c: reading a scenario file. libyaml parses the text into a
 * document; each section is bound to its struct through the parameter table
 * (sim/core/params.c), its scalars converted by yaml_bind.c; every key's line
 * is kept in a line map, so that validation errors found afterwards are
 * reported at the line of the key they name. `variants:` is read by
 * scenario_variants.c.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "io/scenario_io.h"
#include "io/scenario_private.h"
#include "io/yaml_bind.h"

/* ---- the walk ---------------------------------------------------------------------- */

static bs_status load_section(bs_yaml *L, yaml_node_t *map, bs_section sec, void *base,
                              const char *prefix, uint64_t *present);

/* A shock's brand list: one name, or a list of names. */
static bs_status load_brandlist(bs_yaml *L, yaml_node_t *v, bs_shock *sh, const char *path)
{
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
        return bs_yaml_error(L->err, L->file, bs_yaml_node_line(v), "'%s': %s, expected a list of brand names",
                           path, bs_yaml_node_kind(v));
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *e = yaml_document_get_node(L->doc, *it);
        if (e->type != YAML_SCALAR_NODE)
            return bs_yaml_error(L->err, L->file, bs_yaml_node_line(e), "'%s[%d]': %s, expected a brand name",
                               path, sh->n_brands, bs_yaml_node_kind(e));
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

static bs_status load_section(bs_yaml *L, yaml_node_t *map, bs_section sec, void *base,
                              const char *prefix, uint64_t *present)
{
    int np;
    const bs_param *params = bs_params(sec, &np);
    char path[128];
    if (map->type != YAML_MAPPING_NODE)
        return bs_yaml_error(L->err, L->file, bs_yaml_node_line(map), "'%.*s': %s, expected a mapping of keys",
                           (int)(strlen(prefix) ? strlen(prefix) - 1 : 0), prefix, bs_yaml_node_kind(map));
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
                st = bs_yaml_error(L->err, L->file, bs_yaml_node_line(k),
                                 "'%.*s': %s as a key, expected a plain name",
                                 (int)strlen(prefix) - 1, prefix, bs_yaml_node_kind(k));
            else
                st = bs_yaml_error(L->err, L->file, bs_yaml_node_line(k),
                                 "%s as a key, expected a plain name", bs_yaml_node_kind(k));
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
                    st = bs_yaml_error(L->err, L->file, bs_yaml_node_line(k),
                                     "'%s': unknown key, expected one of: name, description, "
                                     "seed, consumers, steps, step_days, slots, replicates, "
                                     "population, network, model, brands, shocks, variants, "
                                     "replication",
                                     path);
                else
                    st = bs_yaml_error(L->err, L->file, bs_yaml_node_line(k),
                                     "'%s': unknown key, expected a field of '%s' (see "
                                     "scenarios/README.md)",
                                     path, sec == BS_SECTION_BRAND   ? "brands[]"
                                           : sec == BS_SECTION_SHOCK ? "shocks[]"
                                                                     : bs_section_key(sec));
                break;
            }
            if (seen[slot]) {
                st = bs_yaml_error(L->err, L->file, bs_yaml_node_line(k),
                                 "'%s': duplicate key, expected each key once", path);
                break;
            }
            seen[slot] = 1;
            if (sec == BS_SECTION_TOP) continue; /* loaded by the caller */
            /* a policy shock: the brand fields that change */
            bs_shock *sh = base;
            char pp[128];
            snprintf(pp, sizeof pp, "%s.", path);
            bs_yaml_remember(L, path, bs_yaml_node_line(k));
            policy_line = bs_yaml_node_line(k);
            if ((st = load_section(L, v, BS_SECTION_BRAND, &sh->policy, pp, &sh->policy_set)))
                break;
            if (sh->policy_set & ((uint64_t)1 << bs_param_index(BS_SECTION_BRAND, "name"))) {
                snprintf(path, sizeof path, "%sname", pp);
                st = bs_yaml_error(L->err, L->file, bs_yaml_line_of(L, path),
                                 "'%s': a policy cannot rename a brand, expected the fields "
                                 "that change",
                                 path);
            }
            continue;
        }
        if (seen[idx]) {
            st = bs_yaml_error(L->err, L->file, bs_yaml_node_line(k),
                             "'%s': duplicate key, expected each key once", path);
            break;
        }
        seen[idx] = 1;
        if (idx < 64) mask |= (uint64_t)1 << idx;
        bs_yaml_remember(L, path, bs_yaml_node_line(k));
        const bs_param *p = &params[idx];
        if (p->type == BS_P_BRANDLIST) {
            st = load_brandlist(L, v, base, path);
            continue;
        }
        if (v->type != YAML_SCALAR_NODE) {
            st = bs_yaml_error(L->err, L->file, bs_yaml_node_line(v), "'%s': %s, expected %s", path,
                             bs_yaml_node_kind(v), bs_yaml_type_name(p));
            break;
        }
        char why[256];
        if (bs_yaml_set_scalar(p, base, (const char *)v->data.scalar.value, why, sizeof why))
            st = bs_yaml_error(L->err, L->file, bs_yaml_node_line(v), "'%s': %s", path, why);
    }
    if (st == BS_OK && sec == BS_SECTION_SHOCK && policy_line &&
        ((bs_shock *)base)->kind != BS_SHOCK_POLICY) {
        int n;
        const bs_param *kind = &bs_params(BS_SECTION_SHOCK, &n)[bs_param_index(sec, "kind")];
        st = bs_yaml_error(L->err, L->file, policy_line,
                           "'%spolicy': only a shock of kind 'policy' has one, this one is '%s'",
                           prefix, kind->names[((bs_shock *)base)->kind]);
    }
    free(seen);
    if (st == BS_OK && present) *present = mask;
    return st;
}

/* A top-level list of brands or shocks. */
static bs_status load_list(bs_yaml *L, yaml_node_t *seq, bs_scenario *sc, bs_section sec)
{
    const char *key = bs_section_key(sec);
    int max = sec == BS_SECTION_BRAND ? BS_MAX_BRANDS : BS_MAX_SHOCKS;
    if (seq->type != YAML_SEQUENCE_NODE)
        return bs_yaml_error(L->err, L->file, bs_yaml_node_line(seq), "'%s': %s, expected a list", key,
                           bs_yaml_node_kind(seq));
    int n = 0;
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++, n++) {
        yaml_node_t *e = yaml_document_get_node(L->doc, *it);
        if (n == max)
            return bs_yaml_error(L->err, L->file, bs_yaml_node_line(e), "'%s': more than %d entries", key, max);
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s[%d]", key, n);
        bs_yaml_remember(L, prefix, bs_yaml_node_line(e));
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
    if (load_section(L, root, BS_SECTION_TOP, sc, "", NULL)) return BS_ERR_INPUT;
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *k = yaml_document_get_node(L->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(L->doc, pr->value);
        const char *key = (const char *)k->data.scalar.value;
        bs_yaml_remember(L, key, bs_yaml_node_line(k));
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
            s = bs_variants_read(L, v, L->user);
        else if (!strcmp(key, "replication") && v->type != YAML_MAPPING_NODE)
            s = bs_yaml_error(L->err, L->file, bs_yaml_node_line(v),
                            "'replication': %s, expected a mapping (read by `brandsim replicate`)",
                            bs_yaml_node_kind(v));
        if (s) return s;
    }
    return BS_OK;
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
        snprintf(err->msg, sizeof err->msg, "out of memory parsing '%s'", name);
        err->status = BS_ERR_RUNTIME;
        return BS_ERR_RUNTIME;
    }
    if (parser->error == YAML_READER_ERROR) {
        line = 1;
        for (size_t i = 0; i < parser->problem_offset && i < len; i++) line += text[i] == '\n';
        return bs_yaml_error(err, name, line, "not valid text: %s (byte %zu), expected a YAML text file",
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
    if (len == 0) return bs_yaml_error(err, name, 0, "empty file, expected a scenario (a YAML mapping)");
    if (memchr(text, '\0', len))
        return bs_yaml_error(err, name, 0, "binary data, expected a YAML text file");
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
                return bs_yaml_error(err, path, 0, "file is larger than 64 MiB, expected a scenario");
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
        return bs_yaml_error(err, NULL, 0, "cannot read '%s': %s", path, strerror(errno));
    }
    bs_status s = bs_scenario_load_string_variants(buf ? buf : "", len, path, sc, vars, err);
    free(buf);
    return s;
}
