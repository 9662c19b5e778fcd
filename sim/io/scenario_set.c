/* SPDX-License-Identifier: MIT */
/*
 * scenario_set.c: key paths into a scenario ("model.revenge_decay",
 * "brands[acme].quality", "shocks[1].policy.price"): --set overrides
 * (bs_scenario_set) and reading a field's value (bs_scenario_get), through
 * the parameter table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/scenario_io.h"
#include "io/yaml_bind.h"

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
                return bs_yaml_error(err, "--set", 0,
                                     "'%s': not a key path, expected SECTION.KEY, brands[NAME].KEY, "
                                     "brands[I].KEY or shocks[I].KEY",
                                     path);
            snprintf(index, sizeof index, "%.*s", (int)(close - path - hl - 1), path + hl + 1);
            key = close + 2;
        } else {
            if (indexed)
                return bs_yaml_error(err, "--set", 0, "'%s': expected %s[...].KEY", path, head);
            key = path + hl + 1;
        }
        if (!strcmp(head, "population")) { sec = BS_SECTION_POPULATION; base = &sc->population; }
        else if (!strcmp(head, "network")) { sec = BS_SECTION_NETWORK; base = &sc->network; }
        else if (!strcmp(head, "model")) { sec = BS_SECTION_MODEL; base = &sc->model; }
        else if (!strcmp(head, "economics")) { sec = BS_SECTION_ECONOMICS; base = &sc->economics; }
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
                return bs_yaml_error(err, "--set", 0,
                                     "'%s': no %s '%s', expected an index below %d%s", path,
                                     isb ? "brand" : "shock", index, n,
                                     isb ? " or a brand name" : "");
            sec = isb ? BS_SECTION_BRAND : BS_SECTION_SHOCK;
            base = isb ? (void *)&sc->brands[at] : (void *)&sc->shocks[at];
            if (!isb && !strncmp(key, "policy.", 7)) { /* shocks[I].policy.KEY */
                sec = BS_SECTION_BRAND;
                policy_set = &sc->shocks[at].policy_set;
                base = &sc->shocks[at].policy;
                key += 7;
                if (!strcmp(key, "name"))
                    return bs_yaml_error(err, "--set", 0,
                                         "'%s': a policy cannot rename a brand, expected the "
                                         "fields that change", path);
                if (sc->shocks[at].kind != BS_SHOCK_POLICY) /* it would be ignored */
                    return bs_yaml_error(err, "--set", 0,
                                         "'%s': only a shock of kind 'policy' has a policy, "
                                         "expected shocks[%d].kind=policy first", path, at);
            }
        } else
            return bs_yaml_error(err, "--set", 0,
                                 "'%s': unknown section '%s', expected population, network, "
                                 "model, economics, brands[...] or shocks[...]",
                                 path, head);
    }
    int idx = bs_param_index(sec, key);
    if (idx < 0)
        return bs_yaml_error(err, "--set", 0, "'%s': unknown key (see scenarios/README.md)", path);
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
        return bs_yaml_error(err, "--set", 0, "'%s': not a number, expected a numeric field", path);
    *value = bs_param_value(ref.p, ref.base);
    if (param) *param = ref.p;
    return BS_OK;
}

bs_status bs_scenario_set(bs_scenario *sc, const char *assignment, bs_error *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return bs_yaml_error(err, "--set", 0, "'%s': expected key.path=value", assignment);
    char path[128];
    if ((size_t)(eq - assignment) >= sizeof path)
        return bs_yaml_error(err, "--set", 0, "'%.40s...': key path too long", assignment);
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
                return bs_yaml_error(err, "--set", 0,
                                     "'%s': '%s' is not valid, expected brand names (at most %d "
                                     "characters each) separated by commas",
                                     path, value, BS_NAME_MAX - 1);
            if (nb == BS_SHOCK_MAX_BRANDS)
                return bs_yaml_error(err, "--set", 0,
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
    if (bs_yaml_set_scalar(p, base, value, why, sizeof why))
        return bs_yaml_error(err, "--set", 0, "'%s': %s", path, why);
    if (policy_set) *policy_set |= (uint64_t)1 << idx;
    return BS_OK;
}

bs_status bs_scenario_policy_shock(const bs_scenario *sc, const char *brand,
                                   const char *const *sets, int n_sets, bs_shock *out,
                                   bs_error *err)
{
    int b = 0;
    while (b < sc->n_brands && strcmp(sc->brands[b].name, brand)) b++;
    if (b == sc->n_brands)
        return bs_error_setf(err, BS_ERR_INPUT, "'%s': not a brand of scenario '%s'", brand,
                             sc->name);
    if (n_sets < 1)
        return bs_error_setf(err, BS_ERR_INPUT, "a policy of '%s' with no field, expected "
                             "key=value of brand fields to change", brand);
    if (sc->n_shocks >= BS_MAX_SHOCKS)
        return bs_error_setf(err, BS_ERR_RUNTIME, "scenario '%s' holds %d shocks already, the "
                             "most a scenario may", sc->name, sc->n_shocks);
    bs_scenario *tmp = malloc(sizeof *tmp);
    if (!tmp)
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    memcpy(tmp, sc, sizeof *tmp);
    const int at = tmp->n_shocks++;
    bs_shock *sh = &tmp->shocks[at];
    bs_shock_defaults(sh);
    sh->kind = BS_SHOCK_POLICY;
    sh->n_brands = 1;
    snprintf(sh->brand_names[0], sizeof sh->brand_names[0], "%s", brand);
    sh->brands[0] = b;
    bs_status s = BS_OK;
    for (int k = 0; k < n_sets && s == BS_OK; k++) {
        char line[512];
        snprintf(line, sizeof line, "shocks[%d].policy.%s", at, sets[k]);
        s = bs_scenario_set(tmp, line, err);
    }
    if (s == BS_OK)
        *out = *sh;
    free(tmp);
    return s;
}
