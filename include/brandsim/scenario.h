/* SPDX-License-Identifier: MIT */
/*
 * scenario.h: what a run is made of. The enumerations used in scenarios, the
 * brand, shock, population, network and model structs and bs_scenario; their
 * defaults and validation; the parameter table (one row per scenario field:
 * key, type, default, range, unit, meaning); and scenario files: loading YAML,
 * --set style overrides, variants, and writing the resolved scenario (YAML)
 * and the field reference (Markdown).
 */
#ifndef BRANDSIM_SCENARIO_H
#define BRANDSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "brandsim/error.h"
#include "brandsim/visibility.h"

#ifdef __cplusplus
extern "C" {
#endif
BS_API_BEGIN

/* ---- enumerations used in scenarios ------------------------------------ */

typedef enum { BS_NORM_COMMUNAL = 0, BS_NORM_EXCHANGE = 1, BS_NORM_COUNT } bs_norm;
typedef enum {
    BS_RESPONSE_NONE = 0,
    BS_RESPONSE_APOLOGY,
    BS_RESPONSE_COMPENSATION,
    BS_RESPONSE_TRANSPARENCY_CONTROL,
    BS_RESPONSE_COUNT
} bs_response;
typedef enum { BS_EXIT_NONE = 0, BS_EXIT_WIN_BACK, BS_EXIT_CLEAN_BREAK, BS_EXIT_COUNT } bs_exit_policy;
/* Which former customers a brand's exit policy reaches (F10). */
typedef enum { BS_SCOPE_ALL = 0, BS_SCOPE_VOLUNTARY, BS_SCOPE_DROPPED, BS_SCOPE_COUNT } bs_exit_scope;
typedef enum { BS_NET_SMALL_WORLD = 0, BS_NET_SCALE_FREE, BS_NET_NONE, BS_NET_COUNT } bs_network_kind;
typedef enum {
    BS_SHOCK_BREACH = 0,      /* privacy breach at one or several brands */
    BS_SHOCK_BETRAYAL,        /* a norm-violating act by the brand */
    BS_SHOCK_SERVICE_FAILURE, /* a failure, followed by a recovery (or none) */
    BS_SHOCK_FORCED_EXIT,     /* the brand ends relationships (drops customers) */
    BS_SHOCK_POLICY,          /* the brand changes policy mid-run */
    BS_SHOCK_COUNT
} bs_shock_kind;
typedef enum { BS_BREACH_HACK = 0, BS_BREACH_SOLD_DATA, BS_BREACH_KIND_COUNT } bs_breach_kind;
typedef enum {
    BS_ACT_REPOSITION = 0,   /* moves away from its core customers */
    BS_ACT_TRANSACTIONAL,    /* treats a friend as a mere exchange partner */
    BS_ACT_IGNORE_FEEDBACK,  /* promotional pressure that ignores feedback */
    BS_ACT_BROKEN_PROMISE,   /* fails a promise */
    BS_ACT_FEE,              /* a fee for a special service (communal violation) */
    BS_ACT_CHEAP_GIFT,       /* a cheap gift instead of cash (exchange violation) */
    BS_ACT_DELAYED_REQUEST,  /* a request answered late (exchange violation) */
    BS_ACT_COUNT
} bs_act;
typedef enum { BS_RECOVERY_NONE = 0, BS_RECOVERY_GOOD, BS_RECOVERY_POOR, BS_RECOVERY_COUNT } bs_recovery;
/* A consumer trait, as `quantile_trait` names it (the trait the output's trait quantiles
 * bin consumers by; metrics.h, bs_trait_name). */
typedef enum {
    BS_TRAIT_CONCERN = 0,
    BS_TRAIT_SELF_RELEVANCE,
    BS_TRAIT_GRUDGE,
    BS_TRAIT_PRICE_SENSITIVITY,
    BS_TRAIT_WOM_SUSCEPTIBILITY,
    BS_TRAIT_ANXIETY,
    BS_TRAIT_AVOIDANCE,
    BS_TRAIT_COUNT
} bs_trait;

/* ---- scenario ------------------------------------------------------------ */

#define BS_NAME_MAX 48
#define BS_MAX_BRANDS 512
#define BS_MAX_SHOCKS 256
#define BS_SHOCK_MAX_BRANDS 32
#define BS_MAX_SLOTS 16

/* A brand (retailer) and its policies. */
typedef struct {
    char name[BS_NAME_MAX];
    double quality;         /* delivered quality, drives confidence [0,1] */
    double price;           /* price per purchase, currency units */
    double appeal;          /* prior attraction of new customers [0,1] */
    double personalization; /* intensity of use of customer data [0,1] */
    double relevance;       /* how well its personalization fits [0,1] */
    double transparency;    /* clarity of its data policy [0,1] */
    double control;         /* control it gives customers over their data [0,1] */
    int norm;               /* bs_norm it enacts */
    int clarifies;          /* clarifies expectations and obligations up front */
    int breach_response;    /* bs_response */
    int response_delay;     /* steps from shock to response */
    int notify;             /* notifies its customers of a breach */
    int exit_policy;        /* bs_exit_policy */
    int win_back_interval;  /* steps between win-back contacts */
    int exit_policy_scope;  /* bs_exit_scope: former customers the exit policy reaches */
    double margin;          /* contribution margin: share of revenue kept after variable costs [0,1] */
} bs_brand;

/* A scheduled shock. Which fields matter depends on `kind`. */
typedef struct {
    int kind;  /* bs_shock_kind */
    int step;  /* step at which it happens (0-based) */
    int n_brands;
    char brand_names[BS_SHOCK_MAX_BRANDS][BS_NAME_MAX];
    int brands[BS_SHOCK_MAX_BRANDS]; /* resolved indices (bs_scenario_resolve) */
    double size;          /* breach: share of records; others: severity [0,1] */
    double reach;         /* media reach: share of all consumers who hear [0,1] */
    int breach_kind;      /* bs_breach_kind */
    int act;              /* bs_act (betrayal) */
    int recovery;         /* bs_recovery (service failure) */
    int recovery_delay;   /* steps from failure to recovery */
    bs_brand policy;      /* new brand parameters (policy); only those set apply */
    uint64_t policy_set;  /* bit i set: brand parameter i of the table was given */
} bs_shock;

/* Consumer population: segment shares and trait distributions. */
typedef struct {
    double privacy_fundamentalist; /* share of privacy fundamentalists */
    double privacy_pragmatist;     /* share of pragmatists (rest: unconcerned) */
    double concern_fundamentalist; /* mean privacy concern per segment [0,1] */
    double concern_pragmatist;
    double concern_unconcerned;
    double communal_share;      /* share expecting communal norms */
    double self_relevance_mean; /* propensity to make brands part of the self */
    double grudge_mean;         /* tendency to hold a grudge [0,1] */
    double price_sensitivity_mean;
    double wom_susceptibility_mean;
    double attachment_anxiety_mean;   /* attachment style: mean anxiety [0,1] */
    double attachment_avoidance_mean; /* attachment style: mean avoidance [0,1] */
    double trait_concentration; /* beta concentration of traits (higher: tighter) */
    double initial_relationships; /* mean active relationships at start */
    double strong_share;        /* share of initial relationships that are strong */
    double strong_quality;      /* mean initial quality of strong ones */
    double weak_quality;        /* mean initial quality of weak ones */
    double location_threshold;  /* willingness needed to share location */
    double browsing_threshold;  /* willingness needed to share browsing history */
} bs_population;

typedef struct {
    int kind;      /* bs_network_kind */
    int degree;    /* sources each consumer listens to */
    double rewire; /* small world: rewiring probability */
    double exponent; /* scale free: in-degree exponent */
    double homophily; /* small world: share of consumers who take their community's brand and segments */
    int community;    /* small world: consumers per community (neighbours on the ring) */
} bs_network;

/* Model parameters: every coefficient of MODEL.md, with documented defaults. */
typedef struct {
    double purchase_rate;     /* probability a consumer buys in the category per step */
    double beta_quality, beta_price, beta_relationship, beta_trust;
    double beta_personalization, beta_creepy, beta_habit, beta_anger;
    double outside_utility, beta_distrust;
    double new_relationship_quality, discovery_rate;
    double learning_rate;     /* R moves toward satisfaction at this rate */
    double trust_rate;        /* confidence/benevolence move at this rate */
    double quality_noise;     /* sd of experienced quality */
    double forgetting;        /* R decay per step without purchase */
    double self_brand_rate;   /* S growth per purchase */
    double disclosure_rate;   /* D moves toward willingness at this rate */
    double willingness_relationship, willingness_trust, willingness_control,
        willingness_transparency;
    double breach_base, love_amplifier, breach_disclosure_weight, sold_data_multiplier,
        communal_sold_extra;
    double policy_buffer; /* F3: transparency and control soften a breach */
    double breach_confidence_hit, breach_benevolence_hit;
    double breach_severity, breach_bystander, breach_concern_gain; /* S2.2: exposed customers, and the rest who learn */
    double relief, spillover, distrust_decay;
    double rival_contagion, similarity_scale; /* F2: guilt by association */
    double clarify_cut, clarify_tolerance;
    double failure_betrayal, double_deviation;
    double revenge_decay, revenge_moderation, revenge_gain;
    double avoidance_growth, avoidance_moderation, betrayal_memory;
    double act_threshold, p_wom, p_withhold, p_antibrand, withhold_amount, withhold_spill;
    double wom_impact;
    double avoid_threshold, exit_threshold, exit_hazard;
    double shame_gain, shame_decay, move_on_rate, clean_break_boost, win_back_sting,
        win_back_success, p_antibrand_exit;
    double response_apology, response_compensation, response_transparency,
        response_halflife, recovery_strong_bonus;
    double irrelevance_irritation, irritation_avoidance, irritation_memory, irritation_concern_floor;
    double benevolence_base, benevolence_transparency, benevolence_control, norm_mismatch;
    double betrayal_benevolence_hit, failure_confidence_hit, response_policy_level;
    double grudge_effect;
    double habit_gain, habit_decay, beta_habit_strength, habit_autopilot, habit_hold; /* the double edge */
    double wom_anger;          /* anger that travels: betrayal per complaint heard */
    double anxiety_betrayal, fearful_revenge, avoidant_withdrawal; /* attachment styles */
    double strong_threshold, betrayed_threshold;
    /* F12: how strongly each act violates the norm a consumer expects,
     * [act][consumer norm]; scenario keys model.violation_<act>_<norm> */
    double act_violation[BS_ACT_COUNT][BS_NORM_COUNT];
} bs_model;

/* What a brand's response to a breach or betrayal costs (the decision lab's economics):
 * a fixed cost per response and a cost per customer it reaches, in the currency of
 * brands' prices; compensation also pays `compensation_amount` to each customer reached.
 * Accounting only: consumers never see these numbers, so they change no model number. */
typedef struct {
    double apology_fixed, apology_per_customer;
    double compensation_fixed, compensation_per_customer, compensation_amount;
    double transparency_fixed, transparency_per_customer;
} bs_economics;

typedef struct {
    char name[BS_NAME_MAX];
    char description[256];
    uint64_t seed;
    int64_t consumers;
    int steps;
    double step_days;
    int slots;           /* relationship slots per consumer (K) */
    int replicates;      /* runs of the scenario (seeds seed, seed+1, ...); a run is one */
    int strength_quantiles; /* output: quantile bins of prior relationship strength (0: off) */
    int trait_quantiles;    /* output: quantile bins of the trait quantile_trait (0: off) */
    int quantile_trait;     /* bs_trait */
    bs_population population;
    bs_network network;
    bs_model model;
    bs_economics economics;
    int n_brands;
    bs_brand brands[BS_MAX_BRANDS];
    int n_shocks;
    bs_shock shocks[BS_MAX_SHOCKS];
} bs_scenario;

/* Fill `sc` with the documented defaults (no brands, no shocks). */
void bs_scenario_defaults(bs_scenario *sc);

/* Check ranges and cross references (brand names in shocks, shocks within
 * the run) and resolve brand names to indices. `file` names the source in
 * messages (may be NULL). Returns BS_OK or BS_ERR_INPUT. */
bs_status bs_scenario_validate(bs_scenario *sc, const char *file, bs_error *err);

/* ---- parameter table (one place for name, type, default, range, unit) ---- */

/* BS_P_INT fields are `int`; BS_P_I64 `int64_t`; BS_P_U64 `uint64_t`; BS_P_BOOL
 * and BS_P_ENUM `int`; BS_P_REAL `double`; BS_P_STRING `char[BS_NAME_MAX]` (or
 * larger: see the struct); BS_P_BRANDLIST the shock's brand_names/n_brands. */
typedef enum {
    BS_P_REAL, BS_P_INT, BS_P_I64, BS_P_U64, BS_P_BOOL, BS_P_ENUM, BS_P_STRING, BS_P_BRANDLIST
} bs_ptype;

typedef struct {
    const char *key;   /* YAML key */
    bs_ptype type;
    size_t offset;     /* into the owning struct */
    double def, min, max;
    const char *const *names; /* BS_P_ENUM: value names, NULL-terminated */
    const char *unit;
    const char *desc;
    size_t size;       /* BS_P_STRING: capacity of the char array */
} bs_param;

typedef enum {
    BS_SECTION_TOP, BS_SECTION_POPULATION, BS_SECTION_NETWORK, BS_SECTION_MODEL,
    BS_SECTION_BRAND, BS_SECTION_SHOCK, BS_SECTION_ECONOMICS, BS_SECTION_COUNT
} bs_section;

/* The parameters of one section, and how many there are. */
const bs_param *bs_params(bs_section section, int *count);
/* The YAML key of a section ("population", "brands", ...; "" for top). */
const char *bs_section_key(bs_section section);
/* Position of `key` in a section's table (-1 if absent): bit i of
 * bs_shock.policy_set stands for brand parameter i. */
int bs_param_index(bs_section section, const char *key);
/* The name of value `value` of an enumerated parameter ("clean_break" for exit_policy 2), NULL
 * if out of range. The parameter table holds the one list of names of each enumeration. */
const char *bs_param_enum_name(const bs_param *p, int value);
/* The same by section and key: bs_enum_name(BS_SECTION_SHOCK, "act", BS_ACT_FEE) is "fee";
 * NULL for an unknown key or value. */
const char *bs_enum_name(bs_section section, const char *key, int value);
/* Write the defaults of a section into the struct at `base`. */
void bs_section_defaults(bs_section section, void *base);
/* A numeric parameter's current value in the struct at `base`. */
double bs_param_value(const bs_param *p, const void *base);
void bs_brand_defaults(bs_brand *b);
void bs_shock_defaults(bs_shock *s);

/* ---- scenario files ------------------------------------------------------ */

/* Loading parses YAML with libyaml and binds it to bs_scenario through the
 * parameter table: unknown keys, wrong types, out-of-range values, bad
 * references and shocks after the last step are reported as
 * "FILE:LINE: 'key.path': what, expected what" with status BS_ERR_INPUT. */

/* Load and validate a scenario file: one YAML document, a mapping with a
 * `name` (required) and at least one brand; absent keys take the defaults of
 * the parameter table. A file that cannot be read is BS_ERR_INPUT too. On
 * failure `sc` is unspecified. */
bs_status bs_scenario_load(const char *path, bs_scenario *sc, bs_error *err);

/* Same, from text in memory; `name` stands for the file in messages. */
bs_status bs_scenario_load_string(const char *text, size_t len, const char *name,
                                  bs_scenario *sc, bs_error *err);

/* Apply one override "key.path=value" (e.g. "model.revenge_decay=0.1",
 * "brands[acme].quality=0.9", "brands[0].norm=communal", "consumers=1000",
 * "shocks[1].brands=acme,zed", "shocks[2].policy.price=2" on a policy shock).
 * In brands[...] digits are an index, anything else a brand name (which may
 * hold '.'). On an error nothing is changed except, possibly, the one field.
 * The caller validates afterwards with bs_scenario_validate(). */
bs_status bs_scenario_set(bs_scenario *sc, const char *assignment, bs_error *err);

/* A policy shock of brand `brand` (a name of sc's brands) setting the brand fields given as
 * "key=value" (n_sets >= 1, as a `policy:` block or --set takes them: "price=1.2",
 * "breach_response=apology", "norm=communal"), for bs_run_add_policy(); its step is set
 * there. Errors name the field as `shocks[N].policy.KEY`, N the index the shock would have.
 * sc is not changed. Ranges are checked when the shock is added to a run. */
bs_status bs_scenario_policy_shock(const bs_scenario *sc, const char *brand,
                                   const char *const *sets, int n_sets, bs_shock *out,
                                   bs_error *err);

/* ---- variants: named conditions of one scenario ---------------------------- */

/* A scenario may list `variants:`, each a name and a mapping `set:` of
 * overrides in --set syntax ("brands[acme].breach_response: apology"). A
 * variant is the scenario with its overrides applied on top (after any
 * command-line --set). Variants may not change name, seed, steps, step_days,
 * replicates, the quantile keys (strength_quantiles, trait_quantiles, quantile_trait) or
 * the brands' names, so that every variant's series line up. */
#define BS_MAX_VARIANTS 256
typedef struct {
    char name[BS_NAME_MAX];
    int line;        /* line of the entry in the file (0: not from a file) */
    int n_set;
    char **set;      /* "key.path=value", in file order */
    int *set_line;   /* line of each override */
} bs_variant;

typedef struct {
    char file[256];  /* where they were read, for messages */
    int n;
    bs_variant *v;
} bs_variants;

/* bs_scenario_load, also returning the scenario's variants (n = 0 if none).
 * Each variant is checked (applied and validated) against the loaded
 * scenario; errors name the file, the line of the override and its key path.
 * On success free `vars` with bs_variants_free(); on failure it is empty. */
bs_status bs_scenario_load_variants(const char *path, bs_scenario *sc, bs_variants *vars,
                                    bs_error *err);
bs_status bs_scenario_load_string_variants(const char *text, size_t len, const char *name,
                                           bs_scenario *sc, bs_variants *vars, bs_error *err);

/* out = base with variant v applied, validated. Errors say which variant,
 * which override and where it was written. out may not alias base. */
bs_status bs_variant_apply(const bs_scenario *base, const bs_variants *vars, int v,
                           bs_scenario *out, bs_error *err);

/* The overrides of variant v as "key=value" lines (caller frees), or NULL
 * when out of memory. */
char *bs_variant_overrides(const bs_variants *vars, int v);

void bs_variants_free(bs_variants *vars);

/* The numeric value of the field at a key path ("model.revenge_decay",
 * "brands[acme].quality"; enumerations and flags as their integer), and its
 * row of the parameter table (type, range) in *param if not NULL. */
bs_status bs_scenario_get(const bs_scenario *sc, const char *path, double *value,
                          const bs_param **param, bs_error *err);

/* Write the scenario, every field resolved, as YAML that loads back to the
 * same scenario. Returns 0, or -1 on a write error. */
int bs_scenario_write_yaml(FILE *out, const bs_scenario *sc);

/* The same into a new string (caller frees), or NULL when out of memory. */
char *bs_scenario_yaml_string(const bs_scenario *sc);

/* Write the field reference (every section: key, type, default, range, unit,
 * meaning) as Markdown tables. */
int bs_scenario_write_reference(FILE *out);

/* ---- the scenario on the heap, for bindings -------------------------------- */

/* bs_scenario is large (over half a megabyte) and its layout is not meant to be
 * mirrored by foreign-function interfaces (Python's ctypes): these give such a
 * caller a scenario it only holds by pointer, and the few facts it needs. */

/* A new scenario holding the defaults (bs_scenario_defaults()), or NULL when
 * out of memory. Free with bs_scenario_free() (which does nothing to NULL). */
bs_scenario *bs_scenario_alloc(void);
void bs_scenario_free(bs_scenario *sc);
/* Copy src into dest (both allocated by the caller; they may not overlap). */
void bs_scenario_copy(bs_scenario *dest, const bs_scenario *src);
/* The scenario's name, number of steps, and number of brands. */
const char *bs_scenario_name(const bs_scenario *sc);
int bs_scenario_steps(const bs_scenario *sc);
int bs_scenario_n_brands(const bs_scenario *sc);
/* The name of brand i (owned by the scenario), or NULL if i is out of range. */
const char *bs_scenario_brand_name(const bs_scenario *sc, int i);

/* ---- a scenario file with overrides on top (sim/io/scenario_overrides.c) ---- */

/* Overrides in order: items[k] is "key.path=value"; flags[k] (may be NULL, or NULL
 * entries) names the option it came from ("--seed") for messages. */
typedef struct {
    const char *const *items;
    const char *const *flags;
    int n;
} bs_overrides;

/* Load `path` with its variants, apply the overrides in order, validate, and check every
 * variant on top of the overrides. Messages: an override's own error names it (its flag
 * when given: "--seed: ..."); a file made invalid by the overrides is named
 * "FILE (after --seed 3, --set k=v)". On success free vars with bs_variants_free(); on
 * failure vars is empty. */
bs_status bs_scenario_load_overridden(const char *path, const bs_overrides *ov, bs_scenario *sc,
                                      bs_variants *vars, bs_error *err);

BS_API_END
#ifdef __cplusplus
}
#endif
#endif
