/* SPDX-License-Identifier: MIT */
/*
 * test_scenario.c: scenario files in and out (sim/io/scenario_*.c, yaml_bind.c), through
 * the library API.
 *
 * - every YAML file in scenarios/ and the fixtures in tests/data/good/ load and
 *   validate; absent keys take the defaults of the parameter table; the values
 *   given are the values read (every kind: real, integer, 64-bit, boolean,
 *   enumeration, string, brand list, policy mapping);
 * - the bad-input corpus tests/data/bad/ (one file per kind of mistake): each file fails with
 *   BS_ERR_INPUT and a message "FILE:LINE: 'key.path': what, expected what",
 *   checked for the exact file, line, key path and expectation (table `bad`
 *   below; a file in the directory without a row, or a row without a file,
 *   fails `bad_corpus.table_matches_directory`);
 * - bs_scenario_set (the --set mechanism): top level, sections, brands by name
 *   and index, shocks, policies, and its errors;
 * - round trip: load, write the resolved YAML (`check --print`), load again:
 *   the two structs are equal field by field and byte for byte.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/brandsim.h"
#include "io/scenario_io.h"

#define SCENARIOS BS_SOURCE_DIR "/scenarios"
#define DEFAULT_YAML SCENARIOS "/default.yaml"
#define GOOD BS_SOURCE_DIR "/tests/data/good"
#define BAD BS_SOURCE_DIR "/tests/data/bad"

/* ---- helpers ------------------------------------------------------------------ */

/* A zeroed scenario on the heap (the struct is about half a megabyte). */
static bs_scenario *new_scenario(void)
{
    bs_scenario *sc = calloc(1, sizeof *sc);
    cr_assert_not_null(sc, "out of memory");
    return sc;
}

/* Load a file that must be valid. */
static bs_scenario *load_ok(const char *path)
{
    bs_scenario *sc = new_scenario();
    bs_error err = {0};
    bs_status s = bs_scenario_load(path, sc, &err);
    cr_assert_eq(s, BS_OK, "%s does not load: %s", path, err.msg);
    return sc;
}

static const bs_param *param(bs_section sec, const char *key)
{
    int n, i = bs_param_index(sec, key);
    cr_assert_geq(i, 0, "no parameter '%s' in section '%s'", key, bs_section_key(sec));
    return &bs_params(sec, &n)[i];
}

static double def_of(bs_section sec, const char *key)
{
    return param(sec, key)->def;
}

/* Every numeric parameter of a section equals its table default, except the
   keys listed in `given` (a NULL-terminated list, may be NULL). */
static void expect_section_defaults(bs_section sec, const void *base, const char *what,
                                    const char *const *given)
{
    int n;
    const bs_param *p = bs_params(sec, &n);
    for (int i = 0; i < n; i++) {
        if (p[i].type == BS_P_STRING || p[i].type == BS_P_BRANDLIST) continue;
        int skip = 0;
        for (int g = 0; given && given[g]; g++) skip |= !strcmp(given[g], p[i].key);
        if (skip) continue;
        double v = bs_param_value(&p[i], base);
        cr_expect_eq(v, p[i].def, "%s.%s: %.17g, expected the default %.17g", what, p[i].key, v,
                     p[i].def);
    }
}

/* Field-by-field comparison through the parameter table (a readable message
   for the first difference), then byte for byte. */
static void compare_section(bs_section sec, const void *a, const void *b, const char *what)
{
    int n;
    const bs_param *p = bs_params(sec, &n);
    for (int i = 0; i < n; i++) {
        if (p[i].type == BS_P_STRING) {
            const char *sa = (const char *)a + p[i].offset, *sb = (const char *)b + p[i].offset;
            cr_assert_str_eq(sa, sb, "%s%s: '%s' then '%s'", what, p[i].key, sa, sb);
        } else if (p[i].type != BS_P_BRANDLIST) {
            double va = bs_param_value(&p[i], a), vb = bs_param_value(&p[i], b);
            cr_assert_eq(va, vb, "%s%s: %.17g then %.17g", what, p[i].key, va, vb);
        }
    }
}

static void expect_same_scenario(const bs_scenario *a, const bs_scenario *b)
{
    char what[64];
    compare_section(BS_SECTION_TOP, a, b, "");
    compare_section(BS_SECTION_POPULATION, &a->population, &b->population, "population.");
    compare_section(BS_SECTION_NETWORK, &a->network, &b->network, "network.");
    compare_section(BS_SECTION_MODEL, &a->model, &b->model, "model.");
    cr_assert_eq(a->n_brands, b->n_brands, "n_brands: %d then %d", a->n_brands, b->n_brands);
    for (int i = 0; i < a->n_brands; i++) {
        snprintf(what, sizeof what, "brands[%d].", i);
        compare_section(BS_SECTION_BRAND, &a->brands[i], &b->brands[i], what);
    }
    cr_assert_eq(a->n_shocks, b->n_shocks, "n_shocks: %d then %d", a->n_shocks, b->n_shocks);
    for (int s = 0; s < a->n_shocks; s++) {
        const bs_shock *x = &a->shocks[s], *y = &b->shocks[s];
        snprintf(what, sizeof what, "shocks[%d].", s);
        compare_section(BS_SECTION_SHOCK, x, y, what);
        cr_assert_eq(x->n_brands, y->n_brands, "%sbrands: %d then %d names", what, x->n_brands,
                     y->n_brands);
        for (int j = 0; j < x->n_brands; j++) {
            cr_assert_str_eq(x->brand_names[j], y->brand_names[j], "%sbrands[%d]", what, j);
            cr_assert_eq(x->brands[j], y->brands[j], "%sbrands[%d] resolves differently", what, j);
        }
        cr_assert_eq(x->policy_set, y->policy_set, "%spolicy: fields set 0x%llx then 0x%llx", what,
                     (unsigned long long)x->policy_set, (unsigned long long)y->policy_set);
        snprintf(what, sizeof what, "shocks[%d].policy.", s);
        compare_section(BS_SECTION_BRAND, &x->policy, &y->policy, what);
    }
    cr_assert(memcmp(a, b, sizeof *a) == 0,
              "the scenarios agree field by field but differ byte for byte");
}

/* Write sc as resolved YAML and load it back (name: where it came from). */
static bs_scenario *reload(const bs_scenario *sc, const char *name)
{
    char *yaml = bs_scenario_yaml_string(sc);
    cr_assert_not_null(yaml, "bs_scenario_yaml_string failed");
    bs_scenario *back = new_scenario();
    bs_error err = {0};
    bs_status s = bs_scenario_load_string(yaml, strlen(yaml), name, back, &err);
    cr_assert_eq(s, BS_OK, "the resolved YAML of %s does not load: %s\n---\n%s", name, err.msg,
                 yaml);
    free(yaml);
    return back;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* ---- the scenarios that ship, and the good fixtures ------------------------------- */

Test(load, default_yaml_values)
{
    bs_scenario *sc = load_ok(DEFAULT_YAML);
    cr_expect_str_eq(sc->name, "default");
    cr_expect_eq(sc->seed, 20261123u);                   /* u64 */
    cr_expect_eq(sc->consumers, 100000);                 /* i64 */
    cr_expect_eq(sc->steps, 104);                        /* int */
    cr_expect_eq(sc->step_days, 7.0);                    /* real */
    cr_expect_eq(sc->slots, 4);
    cr_expect_eq(sc->network.kind, BS_NET_SMALL_WORLD);  /* enum */
    cr_expect_eq(sc->network.degree, 10);
    cr_expect_eq(sc->network.rewire, 0.1);
    cr_assert_eq(sc->n_brands, 7);
    static const char *const names[] = {"harbor", "meridian", "quickcart", "oakline",
                                        "brightway", "fernwood", "valuemart"};
    for (int b = 0; b < 7; b++) cr_expect_str_eq(sc->brands[b].name, names[b]);
    const bs_brand *harbor = &sc->brands[0];
    cr_expect_eq(harbor->quality, 0.8);
    cr_expect_eq(harbor->price, 1.2);
    cr_expect_eq(harbor->personalization, 0.5);
    cr_expect_eq(harbor->norm, BS_NORM_COMMUNAL);
    cr_expect_eq(harbor->breach_response, BS_RESPONSE_APOLOGY);
    cr_expect_eq(harbor->response_delay, 1);
    cr_expect_eq(sc->brands[1].breach_response, BS_RESPONSE_TRANSPARENCY_CONTROL);
    cr_expect_eq(sc->brands[1].response_delay, 2);
    cr_expect_eq(sc->brands[2].relevance, 0.6);
    cr_expect_eq(sc->brands[2].norm, BS_NORM_EXCHANGE);
    cr_expect_eq(sc->brands[3].clarifies, 0);            /* bool, absent */
    cr_expect_eq(sc->brands[5].clarifies, 1);            /* bool, given */
    cr_expect_eq(sc->brands[3].breach_response, BS_RESPONSE_COMPENSATION);
    cr_expect_eq(sc->brands[3].exit_policy, BS_EXIT_CLEAN_BREAK);
    cr_expect_eq(sc->brands[4].exit_policy, BS_EXIT_WIN_BACK);
    cr_expect_eq(sc->brands[4].win_back_interval, 4);
    cr_expect_eq(sc->brands[5].transparency, 0.8);
    cr_expect_eq(sc->brands[5].control, 0.8);
    cr_expect_eq(sc->brands[6].price, 0.6);

    cr_assert_eq(sc->n_shocks, 2);
    const bs_shock *breach = &sc->shocks[0], *betrayal = &sc->shocks[1];
    cr_expect_eq(breach->kind, BS_SHOCK_BREACH);
    cr_expect_eq(breach->step, 30);
    cr_assert_eq(breach->n_brands, 3);                   /* brand list */
    cr_expect_str_eq(breach->brand_names[0], "harbor");
    cr_expect_str_eq(breach->brand_names[1], "meridian");
    cr_expect_str_eq(breach->brand_names[2], "quickcart");
    for (int j = 0; j < 3; j++) cr_expect_eq(breach->brands[j], j, "resolved index of brands[%d]", j);
    cr_expect_eq(breach->breach_kind, BS_BREACH_SOLD_DATA);
    cr_expect_eq(breach->size, 0.6);
    cr_expect_eq(breach->reach, 0.5);
    cr_expect_eq(betrayal->kind, BS_SHOCK_BETRAYAL);
    cr_expect_eq(betrayal->step, 60);
    cr_assert_eq(betrayal->n_brands, 1);
    cr_expect_str_eq(betrayal->brand_names[0], "oakline");
    cr_expect_eq(betrayal->brands[0], 3);
    cr_expect_eq(betrayal->act, BS_ACT_REPOSITION);
    cr_expect_eq(betrayal->size, 0.7);
    free(sc);
}

Test(load, default_yaml_absent_keys_take_defaults)
{
    bs_scenario *sc = load_ok(DEFAULT_YAML);
    /* no population: or model: section at all */
    expect_section_defaults(BS_SECTION_POPULATION, &sc->population, "population", NULL);
    expect_section_defaults(BS_SECTION_MODEL, &sc->model, "model", NULL);
    static const char *const net_given[] = {"kind", "degree", "rewire", NULL};
    expect_section_defaults(BS_SECTION_NETWORK, &sc->network, "network", net_given);
    cr_expect_eq(sc->network.exponent, def_of(BS_SECTION_NETWORK, "exponent"));
    /* brand fields not written take the brand defaults */
    static const char *const valuemart_given[] = {"quality", "price", "appeal", "personalization",
                                                  "norm", NULL};
    expect_section_defaults(BS_SECTION_BRAND, &sc->brands[6], "brands[6]", valuemart_given);
    cr_expect_eq(sc->brands[0].relevance, def_of(BS_SECTION_BRAND, "relevance"));
    cr_expect_eq(sc->brands[0].notify, (int)def_of(BS_SECTION_BRAND, "notify"));
    cr_expect_eq(sc->brands[0].clarifies, 0);
    static const char *const betrayal_given[] = {"kind", "step", "act", "size", NULL};
    expect_section_defaults(BS_SECTION_SHOCK, &sc->shocks[1], "shocks[1]", betrayal_given);
    cr_expect_eq(sc->shocks[0].policy_set, 0);
    free(sc);
}

Test(load, minimal_file_is_all_defaults)
{
    bs_scenario *sc = load_ok(GOOD "/minimal.yaml");
    cr_expect_str_eq(sc->name, "minimal");
    cr_expect_str_eq(sc->description, "");
    expect_section_defaults(BS_SECTION_TOP, sc, "top level", NULL);
    expect_section_defaults(BS_SECTION_POPULATION, &sc->population, "population", NULL);
    expect_section_defaults(BS_SECTION_NETWORK, &sc->network, "network", NULL);
    expect_section_defaults(BS_SECTION_MODEL, &sc->model, "model", NULL);
    cr_assert_eq(sc->n_brands, 1);
    cr_expect_str_eq(sc->brands[0].name, "solo");
    expect_section_defaults(BS_SECTION_BRAND, &sc->brands[0], "brands[0]", NULL);
    cr_expect_eq(sc->n_shocks, 0);

    /* and the defaults are the ones bs_section_defaults writes */
    bs_brand b;
    memset(&b, 0, sizeof b);
    bs_section_defaults(BS_SECTION_BRAND, &b);
    snprintf(b.name, sizeof b.name, "solo");
    cr_expect(memcmp(&b, &sc->brands[0], sizeof b) == 0);
    bs_model m;
    bs_section_defaults(BS_SECTION_MODEL, &m);
    cr_expect(memcmp(&m, &sc->model, sizeof m) == 0);
    free(sc);
}

Test(load, every_kind_of_value)
{
    bs_scenario *sc = load_ok(GOOD "/all_types.yaml");
    cr_expect_str_eq(sc->name, "all.types_v-2");
    cr_expect_str_eq(sc->description, "say \"hi\" \\ to: the # tests");
    cr_expect_eq(sc->seed, UINT64_MAX, "seed %llu", (unsigned long long)sc->seed);
    cr_expect_eq(sc->consumers, 123456);
    cr_expect_eq(sc->steps, 40);
    cr_expect_eq(sc->step_days, 1.5);
    cr_expect_eq(sc->slots, 6);
    cr_expect_eq(sc->population.privacy_fundamentalist, 0.3);
    cr_expect_eq(sc->population.privacy_pragmatist, 0.6);
    cr_expect_eq(sc->population.trait_concentration, 12.0);
    cr_expect_eq(sc->population.grudge_mean, def_of(BS_SECTION_POPULATION, "grudge_mean"));
    cr_expect_eq(sc->network.kind, BS_NET_SCALE_FREE);
    cr_expect_eq(sc->network.degree, 7);
    cr_expect_eq(sc->network.exponent, 2.75);
    cr_expect_eq(sc->network.rewire, def_of(BS_SECTION_NETWORK, "rewire"));
    cr_expect_eq(sc->model.purchase_rate, 0.45);
    cr_expect_eq(sc->model.betrayed_threshold, 0.35);
    cr_expect_eq(sc->model.outside_utility, -1.25);

    cr_assert_eq(sc->n_brands, 3);
    const bs_brand *acme = &sc->brands[0];
    cr_expect_str_eq(acme->name, "acme");
    cr_expect_eq(acme->quality, 0.9);
    cr_expect_eq(acme->price, 2.5);
    cr_expect_eq(acme->norm, BS_NORM_COMMUNAL);
    cr_expect_eq(acme->clarifies, 1, "yes is true");
    cr_expect_eq(acme->notify, 0, "false is false");
    cr_expect_eq(acme->breach_response, BS_RESPONSE_TRANSPARENCY_CONTROL);
    cr_expect_eq(acme->response_delay, 0);
    cr_expect_eq(acme->exit_policy, BS_EXIT_WIN_BACK);
    cr_expect_eq(acme->win_back_interval, 3);
    cr_expect_str_eq(sc->brands[1].name, "shop.co");
    cr_expect_eq(sc->brands[1].norm, BS_NORM_EXCHANGE);
    cr_expect_eq(sc->brands[1].clarifies, 1);
    cr_expect_str_eq(sc->brands[2].name, "42");

    cr_assert_eq(sc->n_shocks, 4);
    const bs_shock *sh = sc->shocks;
    cr_expect_eq(sh[0].kind, BS_SHOCK_BREACH);
    cr_assert_eq(sh[0].n_brands, 2, "a block list of two names");
    cr_expect_str_eq(sh[0].brand_names[1], "shop.co");
    cr_expect_eq(sh[0].brands[0], 0);
    cr_expect_eq(sh[0].brands[1], 1);
    cr_expect_eq(sh[0].breach_kind, BS_BREACH_SOLD_DATA);
    cr_expect_eq(sh[0].size, 0.25);
    cr_expect_eq(sh[0].reach, 1.0);
    cr_expect_eq(sh[1].kind, BS_SHOCK_SERVICE_FAILURE);
    cr_assert_eq(sh[1].n_brands, 1, "a single name stands for a list of one");
    cr_expect_str_eq(sh[1].brand_names[0], "shop.co");
    cr_expect_eq(sh[1].brands[0], 1);
    cr_expect_eq(sh[1].recovery, BS_RECOVERY_POOR);
    cr_expect_eq(sh[1].recovery_delay, 2);
    cr_expect_eq(sh[2].kind, BS_SHOCK_BETRAYAL);
    cr_expect_eq(sh[2].act, BS_ACT_CHEAP_GIFT);
    cr_expect_eq(sh[2].brands[0], 2);
    /* the policy mapping: exactly the fields given are marked and set */
    const bs_shock *pol = &sh[3];
    cr_expect_eq(pol->kind, BS_SHOCK_POLICY);
    cr_expect_eq(pol->step, 39);
    uint64_t want = ((uint64_t)1 << bs_param_index(BS_SECTION_BRAND, "transparency")) |
                    ((uint64_t)1 << bs_param_index(BS_SECTION_BRAND, "control")) |
                    ((uint64_t)1 << bs_param_index(BS_SECTION_BRAND, "breach_response"));
    cr_expect_eq(pol->policy_set, want, "policy_set 0x%llx, expected 0x%llx",
                 (unsigned long long)pol->policy_set, (unsigned long long)want);
    cr_expect_eq(pol->policy.transparency, 0.95);
    cr_expect_eq(pol->policy.control, 0.9);
    cr_expect_eq(pol->policy.breach_response, BS_RESPONSE_APOLOGY);
    cr_expect_eq(pol->policy.quality, def_of(BS_SECTION_BRAND, "quality"));
    free(sc);
}

/* The middle of a parameter's range: a valid value, seldom the default. */
static double mid(const bs_param *p)
{
    return p->min + 0.5 * (p->max - p->min);
}

/* Every key of the model section in one file. The loader once kept the keys it
   had seen in a 64-bit mask: with more than 64 model parameters, key i and key
   i - 64 were taken for duplicates (and the shift was undefined). */
Test(load, every_model_key_at_once)
{
    int n;
    const bs_param *p = bs_params(BS_SECTION_MODEL, &n);
    size_t cap = 256 + (size_t)n * 64;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    int len = snprintf(text, cap, "name: all_model_keys\nbrands:\n  - name: a\nmodel:\n");
    for (int i = n - 1; i >= 0; i--) { /* backwards: the high keys come first */
        double v = mid(&p[i]);
        len += snprintf(text + len, cap - (size_t)len, "  %s: %.17g\n", p[i].key, v);
    }
    bs_scenario *sc = new_scenario();
    bs_error err = {0};
    cr_assert_eq(bs_scenario_load_string(text, (size_t)len, "all_model_keys", sc, &err), BS_OK,
                 "%d model keys: %s", n, err.msg);
    for (int i = 0; i < n; i++) {
        double v = mid(&p[i]);
        cr_expect_eq(bs_param_value(&p[i], &sc->model), v, "model.%s", p[i].key);
    }
    free(sc);
    free(text);
}

Test(load, every_shipped_scenario_loads_and_round_trips)
{
    DIR *d = opendir(SCENARIOS);
    cr_assert_not_null(d, "cannot list " SCENARIOS);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!ends_with(e->d_name, ".yaml")) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", SCENARIOS, e->d_name);
        bs_scenario *sc = load_ok(path);
        cr_expect_geq(sc->n_brands, 1, "%s", path);
        bs_scenario *back = reload(sc, path);
        expect_same_scenario(sc, back);
        free(back);
        free(sc);
        n++;
    }
    closedir(d);
    cr_expect_geq(n, 1, "no scenario files in " SCENARIOS);
}

Test(load, good_fixtures_load)
{
    static const char *const files[] = {"tiny.yaml", "minimal.yaml", "all_types.yaml"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", GOOD, files[i]);
        free(load_ok(path));
    }
}

Test(load, from_a_string)
{
    static const char text[] = "name: inline\nsteps: 5\nbrands:\n  - name: x\n    price: 3\n";
    bs_scenario *sc = new_scenario();
    bs_error err = {0};
    cr_assert_eq(bs_scenario_load_string(text, strlen(text), "inline", sc, &err), BS_OK, "%s",
                 err.msg);
    cr_expect_eq(sc->steps, 5);
    cr_expect_eq(sc->brands[0].price, 3.0);

    /* the name given stands for the file in messages */
    static const char bad_text[] = "name: inline\nbrands:\n  - name: x\n    price: -3\n";
    cr_expect_eq(bs_scenario_load_string(bad_text, strlen(bad_text), "inline", sc, &err),
                 BS_ERR_INPUT);
    cr_expect_eq(strncmp(err.msg, "inline:4: 'brands[0].price': -3 is out of range", 47), 0,
                 "message: %s", err.msg);
    /* only `len` bytes are read: the text need not end with a NUL */
    cr_expect_eq(bs_scenario_load_string(text, 12, NULL, sc, &err), BS_ERR_INPUT);
    cr_expect_not_null(strstr(err.msg, "'brands'"), "message: %s", err.msg);
    free(sc);
}

Test(load, missing_file)
{
    bs_scenario *sc = new_scenario();
    bs_error err = {0};
    const char *path = BAD "/no-such-file.yaml";
    cr_assert_eq(bs_scenario_load(path, sc, &err), BS_ERR_INPUT);
    cr_expect_eq(err.status, BS_ERR_INPUT);
    cr_expect_not_null(strstr(err.msg, path), "message does not name the file: %s", err.msg);
    cr_expect_not_null(strstr(err.msg, "No such file"), "message: %s", err.msg);
    free(sc);
}

Test(load, directory_instead_of_a_file)
{
    bs_scenario *sc = new_scenario();
    bs_error err = {0};
    cr_assert_eq(bs_scenario_load(BAD, sc, &err), BS_ERR_INPUT);
    cr_expect_not_null(strstr(err.msg, BAD), "message: %s", err.msg);
    cr_expect_not_null(strstr(err.msg, "directory"), "message: %s", err.msg);
    free(sc);
}

/* ---- the bad-input corpus ------------------------------------------------------ */

typedef struct {
    const char *file; /* in tests/data/bad/ */
    int line;         /* 0: the message has no line (nothing in the file to point at) */
    const char *key;  /* key path quoted in the message, NULL if none */
    const char *what; /* a fragment saying what was wrong or expected */
} bad_case;

static const bad_case bad[] = {
    /* unknown keys, at every level */
    {"unknown_top.yaml", 3, "stepz", "unknown key, expected one of: name,"},
    {"unknown_population.yaml", 5, "population.grudge_meen", "unknown key, expected a field of 'population'"},
    {"unknown_network.yaml", 5, "network.rewiring", "unknown key, expected a field of 'network'"},
    {"unknown_model.yaml", 5, "model.revenge_speed", "unknown key, expected a field of 'model'"},
    {"unknown_brand_key.yaml", 7, "brands[1].qualty", "unknown key, expected a field of 'brands[]'"},
    {"unknown_shock_key.yaml", 10, "shocks[0].severity", "unknown key, expected a field of 'shocks[]'"},
    {"unknown_policy_key.yaml", 12, "shocks[0].policy.discount", "unknown key, expected a field of 'brands[]'"},
    /* wrong types */
    {"type_string_for_number.yaml", 5, "brands[0].quality", "'high' is not a number"},
    {"type_float_for_int.yaml", 3, "steps", "'1.5' is not an integer"},
    {"type_quoted_float_for_int.yaml", 8, "shocks[0].step", "'1.5' is not an integer"},
    {"type_list_for_scalar.yaml", 3, "consumers", "a list, expected an integer"},
    {"type_mapping_for_list.yaml", 4, "brands", "a mapping, expected a list"},
    {"type_list_for_section.yaml", 4, "model", "a list, expected a mapping of keys"},
    {"type_mapping_for_brandlist.yaml", 10, "shocks[0].brands", "a mapping, expected a list of brand names"},
    {"type_bool.yaml", 5, "brands[0].notify", "'sometimes' is not true or false"},
    {"complex_key.yaml", 3, NULL, "a list as a key, expected a plain name"},
    /* out of range */
    {"range_probability.yaml", 4, "model.p_wom", "1.5 is out of range [0, 1]"},
    {"range_negative_count.yaml", 5, "brands[0].response_delay", "-2 is out of range [0, 1000]"},
    {"range_consumers_zero.yaml", 3, "consumers", "0 is out of range [1, 1000000000]"},
    {"range_int_overflow.yaml", 3, "seed", "is out of range [0, 18446744073709551615]"},
    {"range_segment_shares.yaml", 5, "population.privacy_pragmatist", "segment shares sum to 1.1, expected at most 1"},
    {"string_too_long.yaml", 3, "description", "is too long, expected at most 255 characters"},
    /* unknown names of enumerations */
    {"enum_unknown.yaml", 5, "brands[0].norm", "'friendly' is not a known value, expected one of: communal exchange"},
    {"enum_shock_kind.yaml", 7, "shocks[0].kind", "'earthquake' is not a known value, expected one of: breach"},
    /* references, names, duplicates */
    {"unknown_brand_ref.yaml", 11, "shocks[0].brands[1]", "no brand named 'nosuch', expected one of the brands"},
    {"duplicate_brand.yaml", 6, "brands[2].name", "'harbor' is used by two brands, expected unique names"},
    {"duplicate_key.yaml", 5, "steps", "duplicate key"},
    {"duplicate_section.yaml", 6, "brands", "duplicate key"},
    {"no_brands.yaml", 4, "brands", "no brands, expected at least one"},
    {"missing_name.yaml", 0, "name", "missing, expected a scenario name"},
    {"empty_name.yaml", 2, "name", "empty, expected a scenario name"},
    {"bad_name.yaml", 2, "name", "'a/b' has a character other than letters, digits"},
    {"bad_brand_name.yaml", 5, "brands[1].name", "'big shop' has a character other than letters"},
    /* shocks */
    {"shock_after_last_step.yaml", 12, "shocks[1].step", "20 is after the last step, expected [0, 19]"},
    {"shock_no_brands.yaml", 9, "shocks[0].brands", "empty, expected at least one brand name"},
    {"policy_empty.yaml", 10, "shocks[0].policy", "empty, expected brand fields to change"},
    {"policy_rename.yaml", 12, "shocks[0].policy.name", "a policy cannot rename a brand"},
    {"policy_wrong_kind.yaml", 10, "shocks[0].policy", "only a shock of kind 'policy' has one, this one is 'breach'"},
    {"shock_same_kind_same_step.yaml", 12, "shocks[2].step", "a second betrayal at brand 'acme' in step 5 (shocks[0] is the first), expected at most one betrayal per brand and step"},
    {"shock_brand_twice.yaml", 9, "shocks[0].brands[2]", "'acme' is listed twice, expected each brand once"},
    {"shock_recoveries_coincide.yaml", 10, "shocks[1].recovery_delay", "the recovery at brand 'acme' lands in step 8, as does that of shocks[0], expected at most one recovery per brand and step"},
    /* variants */
    {"variants_not_list.yaml", 6, "variants", "a mapping, expected a list of {name, set}"},
    {"variant_no_name.yaml", 7, "variants[1].name", "missing, expected a name for the variant"},
    {"variant_duplicate_name.yaml", 7, "variants[1].name", "'base' is already variants[0]'s name, expected a unique name"},
    {"variant_dots_name.yaml", 7, "variants[1].name", "'..', expected a name of letters, digits, '_', '-', '.', not dots only"},
    {"variant_out_of_range.yaml", 12, "variants[1].set.brands[acme].quality", "1.5 is out of range [0, 1]"},
    {"variant_frozen_key.yaml", 8, "variants[0].set.steps", "a variant cannot change this"},
    {"variant_quantile_key.yaml", 8, "variants[0].set.strength_quantiles", "a variant cannot change this"},
    {"range_one_bin.yaml", 3, "strength_quantiles", "1 bin, expected 0 (off) or 2 to 20"},
    {"enum_quantile_trait.yaml", 4, "quantile_trait", "'loyalty' is not a known value, expected one of: concern"},
    {"variant_unknown_brand.yaml", 8, "variants[0].set.brands[zed].quality", "no brand 'zed', expected an index below 1 or a brand name"},
    {"variant_unknown_field.yaml", 7, "variants[0].sets", "unknown key, expected name or set"},
    {"variant_list_value.yaml", 11, "variants[0].set.shocks[0].brands", "a list, expected one value (a list of brands is written a,b)"},
    {"variant_invalid_result.yaml", 6, "population.privacy_pragmatist", "segment shares sum to 1.23, expected at most 1"},
    {"replication_not_mapping.yaml", 5, "replication", "a single value, expected a mapping"},
    {"range_replicates_zero.yaml", 3, "replicates", "0 is out of range [1, 100000]"},
    /* not a scenario at all */
    {"empty.yaml", 0, NULL, "empty file, expected a scenario"},
    {"comments_only.yaml", 0, NULL, "only comments or blank lines), expected a scenario"},
    {"binary_nul.yaml", 0, NULL, "binary data, expected a YAML text file"},
    {"binary_control.yaml", 3, NULL, "control characters are not allowed"},
    {"invalid_utf8.yaml", 4, NULL, "UTF-8"},
    {"toplevel_list.yaml", 2, NULL, "the file is a list, expected a scenario (a YAML mapping of keys)"},
    {"toplevel_scalar.yaml", 2, NULL, "the file is a single value, expected a scenario"},
    {"second_document.yaml", 6, NULL, "a second YAML document, expected one scenario per file"},
    /* YAML syntax */
    {"syntax_flow.yaml", 5, NULL, "not valid YAML: did not find expected ',' or ']' while parsing a flow sequence (it began on line 4)"},
    {"syntax_indent.yaml", 5, NULL, "not valid YAML: did not find expected '-' indicator"},
    {"syntax_tab.yaml", 4, NULL, "not valid YAML: found character that cannot start any token"},
};
#define N_BAD ((int)(sizeof bad / sizeof bad[0]))

/* The message for `file` at `line` (0: none) quoting `key` and saying `what`. */
static void expect_message(const bs_error *err, const char *file, int line, const char *key,
                           const char *what)
{
    char prefix[1200];
    if (line > 0) snprintf(prefix, sizeof prefix, "%s:%d: ", file, line);
    else snprintf(prefix, sizeof prefix, "%s: ", file);
    cr_expect_eq(strncmp(err->msg, prefix, strlen(prefix)), 0,
                 "message should start with '%s'; it is: %s", prefix, err->msg);
    if (line == 0)
        cr_expect(!(err->msg[strlen(file)] == ':' && err->msg[strlen(file) + 1] >= '0' &&
                    err->msg[strlen(file) + 1] <= '9'),
                  "message should have no line: %s", err->msg);
    if (key) {
        char quoted[256];
        snprintf(quoted, sizeof quoted, "'%s': ", key);
        cr_expect_not_null(strstr(err->msg, quoted), "message should quote %s; it is: %s", quoted,
                           err->msg);
    }
    cr_expect_not_null(strstr(err->msg, what), "message should say \"%s\"; it is: %s", what,
                       err->msg);
}

/* The parameter is a row number: Criterion runs each test in a fresh process
   image, where pointers into the table would not be valid. */
static int bad_rows[N_BAD];

ParameterizedTestParameters(bad_corpus, rejected)
{
    for (int i = 0; i < N_BAD; i++) bad_rows[i] = i;
    return cr_make_param_array(int, bad_rows, N_BAD);
}

ParameterizedTest(int *row, bad_corpus, rejected)
{
    const bad_case *c = &bad[*row];
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", BAD, c->file);
    bs_scenario *sc = new_scenario();
    bs_error err = {0};
    bs_status s = bs_scenario_load(path, sc, &err);
    cr_assert_eq(s, BS_ERR_INPUT, "%s: status %d, expected BS_ERR_INPUT (%s)", c->file, s, err.msg);
    cr_expect_eq(err.status, BS_ERR_INPUT);
    expect_message(&err, path, c->line, c->key, c->what);
    free(sc);
}

/* The same through bs_scenario_load_string: the name given is the file. */
Test(bad_corpus, rejected_from_memory)
{
    for (int i = 0; i < N_BAD; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", BAD, bad[i].file);
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f, "cannot open %s", path);
        char buf[8192];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        bs_scenario *sc = new_scenario();
        bs_error err = {0};
        cr_expect_eq(bs_scenario_load_string(buf, len, bad[i].file, sc, &err), BS_ERR_INPUT,
                     "%s", bad[i].file);
        expect_message(&err, bad[i].file, bad[i].line, bad[i].key, bad[i].what);
        free(sc);
    }
}

/* Every file of tests/data/bad/ has a row in `bad`, and every row a file. */
Test(bad_corpus, table_matches_directory)
{
    DIR *d = opendir(BAD);
    cr_assert_not_null(d, "cannot list " BAD);
    int seen[N_BAD] = {0}, files = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        files++;
        int row = -1;
        for (int i = 0; i < N_BAD; i++)
            if (!strcmp(bad[i].file, e->d_name)) row = i;
        cr_expect_geq(row, 0, "tests/data/bad/%s has no row in the table of test_scenario.c",
                      e->d_name);
        if (row >= 0) seen[row] = 1;
    }
    closedir(d);
    for (int i = 0; i < N_BAD; i++)
        cr_expect(seen[i], "tests/data/bad/%s is in the table but not in the directory", bad[i].file);
    cr_expect_eq(files, N_BAD);
}

/* ---- --set ------------------------------------------------------------------------ */

static void set_ok(bs_scenario *sc, const char *assignment)
{
    bs_error err = {0};
    cr_assert_eq(bs_scenario_set(sc, assignment, &err), BS_OK, "--set %s: %s", assignment, err.msg);
}

static void validate_ok(bs_scenario *sc)
{
    bs_error err = {0};
    cr_assert_eq(bs_scenario_validate(sc, "x", &err), BS_OK, "%s", err.msg);
}

Test(set, top_level)
{
    bs_scenario *sc = load_ok(DEFAULT_YAML);
    set_ok(sc, "consumers=5000");
    set_ok(sc, "seed=18446744073709551615");
    set_ok(sc, "steps=70");
    set_ok(sc, "step_days=0.5");
    set_ok(sc, "name=renamed");
    set_ok(sc, "description=with spaces, and = signs");
    cr_expect_eq(sc->consumers, 5000);
    cr_expect_eq(sc->seed, UINT64_MAX);
    cr_expect_eq(sc->steps, 70);
    cr_expect_eq(sc->step_days, 0.5);
    cr_expect_str_eq(sc->name, "renamed");
    cr_expect_str_eq(sc->description, "with spaces, and = signs");
    validate_ok(sc);
    free(sc);
}

Test(set, sections)
{
    bs_scenario *sc = load_ok(DEFAULT_YAML);
    set_ok(sc, "model.revenge_decay=0.1");
    set_ok(sc, "model.betrayed_threshold=0.45");
    set_ok(sc, "population.grudge_mean=0.75");
    set_ok(sc, "network.kind=scale_free");
    set_ok(sc, "network.degree=3");
    cr_expect_eq(sc->model.revenge_decay, 0.1);
    cr_expect_eq(sc->model.betrayed_threshold, 0.45);
    cr_expect_eq(sc->population.grudge_mean, 0.75);
    cr_expect_eq(sc->network.kind, BS_NET_SCALE_FREE);
    cr_expect_eq(sc->network.degree, 3);
    /* a sign, a bare fraction, an exponent; an underflow is 0, not an error */
    set_ok(sc, "model.p_wom=+0.25");
    cr_expect_eq(sc->model.p_wom, 0.25);
    set_ok(sc, "model.p_withhold=.5");
    cr_expect_eq(sc->model.p_withhold, 0.5);
    set_ok(sc, "model.p_antibrand=5e-2");
    cr_expect_eq(sc->model.p_antibrand, 0.05);
    set_ok(sc, "model.relief=1e-400");
    cr_expect_eq(sc->model.relief, 0);
    set_ok(sc, "seed=+5");
    cr_expect_eq(sc->seed, 5);
    /* nothing else moved */
    cr_expect_eq(sc->model.revenge_gain, def_of(BS_SECTION_MODEL, "revenge_gain"));
    validate_ok(sc);
    free(sc);
}

Test(set, brands_by_name_and_by_index)
{
    bs_scenario *sc = load_ok(DEFAULT_YAML);
    set_ok(sc, "brands[meridian].quality=0.95");
    set_ok(sc, "brands[0].norm=exchange");
    set_ok(sc, "brands[6].clarifies=true");
    set_ok(sc, "brands[valuemart].breach_response=compensation");
    cr_expect_eq(sc->brands[1].quality, 0.95);
    cr_expect_eq(sc->brands[0].norm, BS_NORM_EXCHANGE);
    cr_expect_eq(sc->brands[6].clarifies, 1);
    cr_expect_eq(sc->brands[6].breach_response, BS_RESPONSE_COMPENSATION);
    cr_expect_eq(sc->brands[0].quality, 0.8, "brands[0] kept its quality");
    validate_ok(sc);
    free(sc);

    /* a brand name with a '.' in it */
    sc = load_ok(GOOD "/all_types.yaml");
    set_ok(sc, "brands[shop.co].price=3.5");
    cr_expect_eq(sc->brands[1].price, 3.5);
    free(sc);
}

Test(set, shocks_and_policies)
{
    bs_scenario *sc = load_ok(DEFAULT_YAML);
    set_ok(sc, "shocks[0].step=40");
    set_ok(sc, "shocks[0].brands=harbor,fernwood");
    set_ok(sc, "shocks[1].act=fee");
    cr_expect_eq(sc->shocks[0].step, 40);
    cr_assert_eq(sc->shocks[0].n_brands, 2);
    cr_expect_str_eq(sc->shocks[0].brand_names[1], "fernwood");
    cr_expect_eq(sc->shocks[1].act, BS_ACT_FEE);
    validate_ok(sc);
    cr_expect_eq(sc->shocks[0].brands[1], 5, "validation resolves the new names");
    free(sc);

    sc = load_ok(GOOD "/all_types.yaml");
    uint64_t before = sc->shocks[3].policy_set;
    set_ok(sc, "shocks[3].policy.price=9");
    cr_expect_eq(sc->shocks[3].policy.price, 9.0);
    cr_expect_eq(sc->shocks[3].policy_set,
                 before | ((uint64_t)1 << bs_param_index(BS_SECTION_BRAND, "price")));
    validate_ok(sc);
    free(sc);
}

typedef struct {
    const char *assignment, *key, *what;
} set_case;

static const set_case set_errors[] = {
    {"nosuch=1", "nosuch", "unknown key"},
    {"model.nosuch=1", "model.nosuch", "unknown key"},
    {"brands[harbor].nosuch=1", "brands[harbor].nosuch", "unknown key"},
    {"market.size=1", "market.size", "unknown section 'market'"},
    {"brands[nosuch].quality=0.5", "brands[nosuch].quality", "no brand 'nosuch', expected an index below 7 or a brand name"},
    {"brands[7].quality=0.5", "brands[7].quality", "no brand '7'"},
    {"brands[-1].quality=0.5", "brands[-1].quality", "no brand '-1'"},
    {"shocks[2].step=1", "shocks[2].step", "no shock '2', expected an index below 2"},
    {"shocks[harbor].step=1", "shocks[harbor].step", "no shock 'harbor'"},
    {"steps=abc", "steps", "'abc' is not an integer"},
    {"steps=1.5", "steps", "'1.5' is not an integer"},
    {"seed=-1", "seed", "-1 is out of range [0, 18446744073709551615]"},
    /* numbers in one form for every field: plain decimals, no C extras */
    {"model.p_wom=0x1p-1", "model.p_wom", "'0x1p-1' is not a number, expected a decimal number in [0, 1]"},
    {"model.p_wom= 0.5", "model.p_wom", "' 0.5' is not a number"},
    {"model.p_wom=inf", "model.p_wom", "'inf' is not a number"},
    {"model.p_wom=1e400", "model.p_wom", "1e400 is out of range [0, 1]"},
    {"seed=0x10", "seed", "'0x10' is not an integer, expected whole digits in [0, 18446744073709551615]"},
    {"steps= 5", "steps", "' 5' is not an integer"},
    {"seed= -1", "seed", "is not an integer"},
    {"consumers=0", "consumers", "0 is out of range"},
    {"model.p_wom=1.5", "model.p_wom", "1.5 is out of range [0, 1]"},
    {"model.p_wom=", "model.p_wom", "'' is not a number"},
    {"brands[0].norm=friendly", "brands[0].norm", "'friendly' is not a known value"},
    {"brands[0].notify=maybe", "brands[0].notify", "is not true or false"},
    {"shocks[0].brands=", "shocks[0].brands", "expected brand names"},
    {"shocks[0].brands=a,,b", "shocks[0].brands", "expected brand names"},
    {"shocks[0].policy.quality=0.5", "shocks[0].policy.quality", "only a shock of kind 'policy'"},
    {"consumers", "consumers", "expected key.path=value"},
    {"=5", "=5", "expected key.path=value"},
    {"brands[0]quality=1", "brands[0]quality", "not a key path"},
    {"brands.quality=1", "brands.quality", "expected brands[...].KEY"},
    {"model[0].p_wom=1", "model[0].p_wom", "not a key path"},
};

Test(set, errors)
{
    bs_scenario *sc = load_ok(DEFAULT_YAML);
    for (size_t i = 0; i < sizeof set_errors / sizeof set_errors[0]; i++) {
        const set_case *c = &set_errors[i];
        bs_error err = {0};
        bs_status s = bs_scenario_set(sc, c->assignment, &err);
        cr_expect_eq(s, BS_ERR_INPUT, "--set %s: status %d, expected BS_ERR_INPUT", c->assignment, s);
        if (s != BS_ERR_INPUT) continue;
        cr_expect_eq(err.status, BS_ERR_INPUT);
        char quoted[256];
        snprintf(quoted, sizeof quoted, "'%s'", c->key);
        cr_expect_eq(strncmp(err.msg, "--set: ", 7), 0, "--set %s: %s", c->assignment, err.msg);
        cr_expect_not_null(strstr(err.msg, quoted), "--set %s: message should quote %s: %s",
                           c->assignment, quoted, err.msg);
        cr_expect_not_null(strstr(err.msg, c->what), "--set %s: message should say \"%s\": %s",
                           c->assignment, c->what, err.msg);
    }
    /* the failed assignments changed nothing that validation would notice */
    validate_ok(sc);
    free(sc);
}

Test(set, validation_after_set)
{
    bs_scenario *sc = load_ok(DEFAULT_YAML);
    set_ok(sc, "steps=30"); /* the breach is at step 30 */
    bs_error err = {0};
    cr_assert_eq(bs_scenario_validate(sc, "default.yaml (with overrides)", &err), BS_ERR_INPUT);
    cr_expect_not_null(strstr(err.msg, "'shocks[0].step': 30 is after the last step, expected [0, 29]"),
                       "%s", err.msg);
    set_ok(sc, "steps=61");
    validate_ok(sc);
    set_ok(sc, "shocks[1].brands=harbor,nosuch");
    cr_assert_eq(bs_scenario_validate(sc, NULL, &err), BS_ERR_INPUT);
    cr_expect_not_null(strstr(err.msg, "'shocks[1].brands[1]': no brand named 'nosuch'"), "%s",
                       err.msg);
    free(sc);
}

/* ---- round trip ----------------------------------------------------------------- */

Test(round_trip, default_yaml)
{
    bs_scenario *sc = load_ok(DEFAULT_YAML);
    bs_scenario *back = reload(sc, "default (printed)");
    expect_same_scenario(sc, back);
    free(back);
    free(sc);
}

Test(round_trip, every_kind_of_value)
{
    bs_scenario *sc = load_ok(GOOD "/all_types.yaml");
    bs_scenario *back = reload(sc, "all_types (printed)");
    expect_same_scenario(sc, back);
    free(back);
    free(sc);
}

/* Descriptions with quotes, backslashes, a newline, a tab, a '#': the writer
   escapes them, so the printed scenario is valid YAML and reads back the same. */
Test(round_trip, strings_that_need_escaping)
{
    bs_scenario *sc = load_ok(GOOD "/minimal.yaml");
    snprintf(sc->description, sizeof sc->description,
             "a \"quoted\" \\ back\\slash: #not a comment\nsecond line\tand a tab, 'single'");
    bs_scenario *back = reload(sc, "escaped (printed)");
    cr_expect_str_eq(back->description, sc->description);
    expect_same_scenario(sc, back);
    free(back);
    free(sc);
}

Test(round_trip, after_overrides)
{
    bs_scenario *sc = load_ok(DEFAULT_YAML);
    set_ok(sc, "seed=5");
    set_ok(sc, "model.revenge_decay=0.123456789012345");
    set_ok(sc, "population.strong_quality=0.1");
    set_ok(sc, "brands[fernwood].control=0.05");
    set_ok(sc, "shocks[0].brands=valuemart");
    validate_ok(sc);
    bs_scenario *back = reload(sc, "overridden (printed)");
    expect_same_scenario(sc, back);
    cr_expect_eq(back->model.revenge_decay, 0.123456789012345);
    free(back);
    free(sc);
}

/* The FILE writer (what `check --print` uses) writes the same text. */
Test(round_trip, through_a_file)
{
    bs_scenario *sc = load_ok(DEFAULT_YAML);
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    cr_assert_eq(bs_scenario_write_yaml(f, sc), 0);
    long len = ftell(f);
    cr_assert_gt(len, 0);
    rewind(f);
    char *text = malloc((size_t)len);
    cr_assert_not_null(text);
    cr_assert_eq(fread(text, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    char *same = bs_scenario_yaml_string(sc);
    cr_assert_not_null(same);
    cr_expect_eq(strlen(same), (size_t)len);
    cr_expect_eq(memcmp(same, text, (size_t)len), 0, "write_yaml and yaml_string differ");
    bs_scenario *back = new_scenario();
    bs_error err = {0};
    cr_assert_eq(bs_scenario_load_string(text, (size_t)len, "printed", back, &err), BS_OK, "%s",
                 err.msg);
    expect_same_scenario(sc, back);
    free(same);
    free(text);
    free(back);
    free(sc);
}

/* ---- the field reference (`brandsim schema`) ------------------------------------ */

Test(reference, names_every_key)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    cr_assert_eq(bs_scenario_write_reference(f), 0);
    fclose(f);
    for (int s = 0; s < BS_SECTION_COUNT; s++) {
        int n;
        const bs_param *p = bs_params((bs_section)s, &n);
        for (int i = 0; i < n; i++) {
            char row[128];
            snprintf(row, sizeof row, "| `%s` |", p[i].key);
            cr_expect_not_null(strstr(buf, row), "the reference has no row for '%s'", p[i].key);
        }
    }
    free(buf);
}
