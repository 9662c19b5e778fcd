/*
 * brandsim.h: the public C API of brandsim, an agent-based simulator of
 * consumer-brand relationships under privacy breaches and betrayals.
 *
 * One run is a pure function of (scenario, seed): build a bs_scenario (by hand
 * from bs_scenario_defaults() or with bs_scenario_load()), allocate a bs_run,
 * call bs_run_step() once per step and read the step's aggregates with
 * bs_run_stats(). The library never prints, never exits and keeps no global
 * state; every fallible function returns a bs_status and fills a bs_error.
 * Results do not depend on the number of threads.
 */
#ifndef BRANDSIM_H
#define BRANDSIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BS_VERSION "0.1.0"
#define BS_OUTPUT_FORMAT_VERSION 1

/* ---- errors ------------------------------------------------------------ */

typedef enum {
    BS_OK = 0,
    BS_ERR_INPUT = 2,   /* the user's scenario or arguments are wrong */
    BS_ERR_RUNTIME = 1, /* memory, I/O, or anything else */
} bs_status;

/* An error as a value: `msg` is complete, git style, e.g.
 * "scenarios/x.yaml:14: 'brands[2].quality': 1.5 is out of range [0, 1]". */
typedef struct {
    bs_status status;
    char msg[512];
} bs_error;

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
} bs_network;

/* Model parameters: every coefficient of MODEL.md, with documented defaults. */
typedef struct {
    double purchase_rate;     /* probability a consumer buys in the category per step */
    double beta_quality, beta_price, beta_relationship, beta_trust;
    double beta_personalization, beta_creepy, beta_habit;
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
    double relief, spillover, distrust_decay;
    double rival_contagion, similarity_scale; /* F2: guilt by association */
    double clarify_cut, clarify_tolerance;
    double failure_betrayal, double_deviation;
    double revenge_decay, revenge_moderation, revenge_gain;
    double avoidance_growth, avoidance_moderation, betrayal_memory;
    double act_threshold, p_wom, p_withhold, p_antibrand, withhold_amount, withhold_spill;
    double wom_impact;
    double avoid_threshold, exit_threshold;
    double shame_gain, shame_decay, move_on_rate, clean_break_boost, win_back_sting,
        win_back_success, p_antibrand_exit;
    double response_apology, response_compensation, response_transparency,
        response_halflife, recovery_strong_bonus;
    double irrelevance_irritation, irritation_avoidance, irritation_memory, irritation_concern_floor;
    double benevolence_base, benevolence_transparency, benevolence_control, norm_mismatch;
    double betrayal_benevolence_hit, failure_confidence_hit, response_policy_level;
    double grudge_effect;
    double strong_threshold, betrayed_threshold;
    /* F12: how strongly each act violates the norm a consumer expects,
     * [act][consumer norm]; scenario keys model.violation_<act>_<norm> */
    double act_violation[BS_ACT_COUNT][BS_NORM_COUNT];
} bs_model;

typedef struct {
    char name[BS_NAME_MAX];
    char description[256];
    uint64_t seed;
    int64_t consumers;
    int steps;
    double step_days;
    int slots;           /* relationship slots per consumer (K) */
    int replicates;      /* runs of the scenario (seeds seed, seed+1, ...); a run is one */
    bs_population population;
    bs_network network;
    bs_model model;
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
    BS_SECTION_BRAND, BS_SECTION_SHOCK, BS_SECTION_COUNT
} bs_section;

/* The parameters of one section, and how many there are. */
const bs_param *bs_params(bs_section section, int *count);
/* The YAML key of a section ("population", "brands", ...; "" for top). */
const char *bs_section_key(bs_section section);
/* Position of `key` in a section's table (-1 if absent): bit i of
 * bs_shock.policy_set stands for brand parameter i. */
int bs_param_index(bs_section section, const char *key);
/* Write the defaults of a section into the struct at `base`. */
void bs_section_defaults(bs_section section, void *base);
/* A numeric parameter's current value in the struct at `base`. */
double bs_param_value(const bs_param *p, const void *base);
void bs_brand_defaults(bs_brand *b);
void bs_shock_defaults(bs_shock *s);

/* ---- metrics ------------------------------------------------------------- */

typedef enum {
    BS_M_MARKET_SHARE, BS_M_PURCHASES, BS_M_REVENUE, BS_M_ACTIVE_CUSTOMERS, BS_M_REPEAT_RATE,
    BS_M_DEFECTIONS_OUT, BS_M_DEFECTIONS_IN, BS_M_EXITS, BS_M_REVENGE_WOM,
    BS_M_REVENGE_WITHHOLD, BS_M_REVENGE_ANTIBRAND, BS_M_AVOIDING, BS_M_BETRAYED,
    BS_M_MEAN_QUALITY, BS_M_MEAN_CONFIDENCE, BS_M_MEAN_BENEVOLENCE, BS_M_MEAN_DISCLOSURE,
    BS_M_MEAN_REVENGE, BS_M_MEAN_AVOIDANCE, BS_M_MEAN_SHAME, BS_M_FORMER_CUSTOMERS,
    BS_M_MEAN_BETRAYAL, BS_M_OFFER_ACCEPT_PERSONALIZED, BS_M_OFFER_ACCEPT_GENERIC,
    BS_M_SHARE_STOPPED_VISITING, BS_M_SHARE_STOPPED_BUYING,
    BS_M_COUNT
} bs_metric;

typedef struct {
    const char *name, *units, *description;
} bs_metric_info;
const bs_metric_info *bs_metric_get(bs_metric m);

/* Segments: each brand metric is also reported within these groups of
 * relationships. BS_SEG_ALL is the whole market. Strength partitions it
 * into strong / weak (quality R before the first shock, by
 * model.strong_threshold) and new (begun at or after the first shock). */
typedef enum {
    BS_SEG_ALL, BS_SEG_STRONG, BS_SEG_WEAK, BS_SEG_NEW, BS_SEG_FUNDAMENTALIST, BS_SEG_PRAGMATIST,
    BS_SEG_UNCONCERNED, BS_SEG_COMMUNAL, BS_SEG_EXCHANGE, BS_SEG_COUNT
} bs_segment;
const char *bs_segment_name(bs_segment s);

/* Market-wide series (one value per step). */
typedef enum {
    BS_MK_PURCHASES, BS_MK_NO_PURCHASE, BS_MK_MEAN_DISTRUST, BS_MK_WILLING_LOCATION,
    BS_MK_WILLING_BROWSING, BS_MK_SHARE_FUNDAMENTALIST, BS_MK_SHARE_PRAGMATIST,
    BS_MK_SHARE_UNCONCERNED, BS_MK_COUNT
} bs_market_metric;
const bs_metric_info *bs_market_metric_get(bs_market_metric m);

/* The aggregates of one step: value(seg, metric, brand) at
 * v[(seg * BS_M_COUNT + metric) * n_brands + brand]. */
typedef struct {
    int step;
    int n_brands;
    double *v;
    double market[BS_MK_COUNT];
} bs_stats;

/* ---- events (shocks and policy actions, in step order) ------------------- */

typedef struct {
    int step;
    int brand;
    char kind[32]; /* "breach:hack", "betrayal:fee", "response:apology", ... */
    double size;
} bs_event;

/* ---- a run --------------------------------------------------------------- */

typedef struct bs_run bs_run;

/* Allocate a run of the (validated) scenario with `threads` OpenMP threads
 * (0: the OpenMP default). The scenario is copied. Returns NULL and fills err
 * on failure. Free with bs_run_free(). */
bs_run *bs_run_alloc(const bs_scenario *sc, int threads, bs_error *err);
void bs_run_free(bs_run *run);

/* Advance one step. Returns BS_OK, or an error once the run is finished. */
bs_status bs_run_step(bs_run *run, bs_error *err);
/* Steps done so far. */
int bs_run_steps_done(const bs_run *run);
/* Aggregates of the last step done (owned by the run). */
const bs_stats *bs_run_stats(const bs_run *run);
/* The run's events (owned by the run). */
const bs_event *bs_run_events(const bs_run *run, int *count);
/* Bytes of agent state per consumer (all arrays the step touches). */
double bs_run_bytes_per_consumer(const bs_run *run);
const bs_scenario *bs_run_scenario(const bs_run *run);

#ifdef __cplusplus
}
#endif
#endif
