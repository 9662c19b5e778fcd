/* SPDX-License-Identifier: MIT */
/*
 * params.c: the parameter table, the one place where every scenario field has
 * its name, type, default, range, unit and description. The YAML loader, the
 * validator, `brandsim check --print`, `brandsim schema` (the reference in
 * scenarios/README.md) and the HDF5 /brands attributes all read it.
 * Also: bs_scenario_defaults() and bs_scenario_validate().
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "brandsim/error.h"
#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "brandsim/scenario.h"
#include "brandsim/version.h"

#define OFF(type, field) offsetof(type, field)
#define INF HUGE_VAL

static const char *const norm_names[] = {"communal", "exchange", NULL};
static const char *const response_names[] = {"none", "apology", "compensation",
                                             "transparency_control", NULL};
static const char *const exit_names[] = {"none", "win_back", "clean_break", NULL};
static const char *const scope_names[] = {"all", "voluntary", "dropped", NULL};
static const char *const network_names[] = {"small_world", "scale_free", "none", NULL};
static const char *const shock_names[] = {"breach", "betrayal", "service_failure",
                                          "forced_exit", "policy", NULL};
static const char *const breach_names[] = {"hack", "sold_data", NULL};
static const char *const act_names[] = {"reposition", "transactional", "ignore_feedback",
                                        "broken_promise", "fee", "cheap_gift",
                                        "delayed_request", NULL};
static const char *const recovery_names[] = {"none", "good", "poor", NULL};
static const char *const trait_names[] = {"concern", "self_relevance", "grudge",
                                          "price_sensitivity", "wom_susceptibility", "anxiety",
                                          "avoidance", NULL};

/* Tag in descriptions: where the mechanism comes from (docs/FINDINGS.md id) or
 * "assumption" where no source gives a number. */

static const bs_param top_params[] = {
    {"name", BS_P_STRING, OFF(bs_scenario, name), 0, 0, 0, NULL, "",
     "scenario name (required; letters, digits, _ - .): the default output is results/NAME.h5",
     BS_NAME_MAX},
    {"description", BS_P_STRING, OFF(bs_scenario, description), 0, 0, 0, NULL, "",
     "one line saying what the scenario is for", 256},
    {"seed", BS_P_U64, OFF(bs_scenario, seed), 1, 0, 18446744073709551615.0, NULL, "",
     "base seed of the random streams (same seed, same numbers)"},
    {"consumers", BS_P_I64, OFF(bs_scenario, consumers), 100000, 1, 1e9, NULL, "consumers",
     "number of consumers"},
    {"steps", BS_P_INT, OFF(bs_scenario, steps), 104, 1, 100000, NULL, "steps",
     "number of steps simulated"},
    {"step_days", BS_P_REAL, OFF(bs_scenario, step_days), 7, 0.01, 3660, NULL, "days",
     "length of one step"},
    {"slots", BS_P_INT, OFF(bs_scenario, slots), 4, 1, BS_MAX_SLOTS, NULL, "relationships",
     "relationship slots per consumer (current and former brands)"},
    {"replicates", BS_P_INT, OFF(bs_scenario, replicates), 1, 1, 100000, NULL, "runs",
     "runs of `brandsim run`, seeds seed, seed + 1, ...; from 2 on, the output also holds "
     "their mean and 95 % confidence interval (docs/OUTPUT.md)"},
    {"strength_quantiles", BS_P_INT, OFF(bs_scenario, strength_quantiles), 3, 0,
     BS_QUANTILE_MAX_BINS, NULL, "bins",
     "output only: quantile bins of prior relationship strength (R at the reference step) "
     "whose purchases, revenue, revenge acts, exits and mean revenge the output reports "
     "(/timeseries/quantile/strength; 3 terciles, 10 deciles); 0 = off, else 2 to 20; the "
     "same in every variant"},
    {"trait_quantiles", BS_P_INT, OFF(bs_scenario, trait_quantiles), 0, 0, BS_QUANTILE_MAX_BINS,
     NULL, "bins",
     "output only: quantile bins of consumers by the trait `quantile_trait`, reported like "
     "strength_quantiles (/timeseries/quantile/trait); 0 = off, else 2 to 20; the same in "
     "every variant"},
    {"quantile_trait", BS_P_ENUM, OFF(bs_scenario, quantile_trait), BS_TRAIT_ANXIETY, 0,
     BS_TRAIT_COUNT - 1, trait_names, "",
     "output only: the consumer trait trait_quantiles bins consumers by; the same in every "
     "variant"},
};

static const bs_param population_params[] = {
#define P(f, d, lo, hi, u, s) {#f, BS_P_REAL, OFF(bs_population, f), d, lo, hi, NULL, u, s}
    P(privacy_fundamentalist, 0.25, 0, 1, "1", "share of privacy fundamentalists (C1: Westin 2001)"),
    P(privacy_pragmatist, 0.63, 0, 1, "1",
      "share of privacy pragmatists; the rest are unconcerned (C1)"),
    P(concern_fundamentalist, 0.85, 0, 1, "1", "mean privacy concern of fundamentalists (assumption)"),
    P(concern_pragmatist, 0.5, 0, 1, "1", "mean privacy concern of pragmatists (assumption)"),
    P(concern_unconcerned, 0.15, 0, 1, "1", "mean privacy concern of the unconcerned (assumption)"),
    P(communal_share, 0.5, 0, 1, "1", "share of consumers expecting communal norms (F12; assumption)"),
    P(self_relevance_mean, 0.4, 0, 1, "1",
      "mean propensity to let a brand become part of the self (F9; assumption)"),
    P(grudge_mean, 0.5, 0, 1, "1", "mean tendency to hold a grudge (F7; assumption)"),
    P(price_sensitivity_mean, 0.5, 0, 1, "1", "mean price sensitivity (assumption)"),
    P(wom_susceptibility_mean, 0.5, 0, 1, "1", "mean susceptibility to word of mouth (assumption)"),
    P(attachment_anxiety_mean, 0.4, 0, 1, "1",
      "mean attachment anxiety (fear of rejection; ECR scale mapped to [0, 1]; Mende & Bolton 2011)"),
    P(attachment_avoidance_mean, 0.35, 0, 1, "1",
      "mean attachment avoidance (discomfort with closeness; ECR scale mapped to [0, 1]; Mende & Bolton 2011)"),
    P(trait_concentration, 8, 0.5, 1000, "1",
      "concentration of the beta distributions traits are drawn from (higher: tighter)"),
    P(initial_relationships, 2, 0, 16, "relationships",
      "mean number of active relationships a consumer starts with"),
    P(strong_share, 0.4, 0, 1, "1", "share of initial relationships that are strong (F1, F5)"),
    P(strong_quality, 0.8, 0, 1, "1", "mean initial quality of strong relationships"),
    P(weak_quality, 0.3, 0, 1, "1", "mean initial quality of weak relationships"),
    P(location_threshold, 0.685, 0, 1, "1",
      "willingness to disclose needed to share location (C2 calibration)"),
    P(browsing_threshold, 0.753, 0, 1, "1",
      "willingness to disclose needed to share browsing history (C2 calibration)"),
#undef P
};

static const bs_param network_params[] = {
    {"kind", BS_P_ENUM, OFF(bs_network, kind), BS_NET_SMALL_WORLD, 0, BS_NET_COUNT - 1,
     network_names, "", "social graph word of mouth travels on"},
    {"degree", BS_P_INT, OFF(bs_network, degree), 10, 0, 1000, NULL, "consumers",
     "sources each consumer listens to"},
    {"rewire", BS_P_REAL, OFF(bs_network, rewire), 0.1, 0, 1, NULL, "1",
     "small world: probability a link is rewired to a random consumer"},
    {"exponent", BS_P_REAL, OFF(bs_network, exponent), 2.5, 2.01, 10, NULL, "1",
     "scale free: exponent of the in-degree distribution"},
    {"homophily", BS_P_REAL, OFF(bs_network, homophily), 0.5, 0, 1, NULL, "1",
     "small world: probability a consumer takes its community's privacy segment, norm and "
     "first brand, so ring neighbours share brands and segments (McPherson et al. 2001; assumption in size)"},
    {"community", BS_P_INT, OFF(bs_network, community), 100, 1, 1000000000, NULL, "consumers",
     "small world: consecutive consumers on the ring that form one community (assumption)"},
};

static const bs_param model_params[] = {
#define P(f, d, lo, hi, u, s) {#f, BS_P_REAL, OFF(bs_model, f), d, lo, hi, NULL, u, s}
    P(purchase_rate, 0.5, 0, 1, "1/step", "probability a consumer buys in the category in a step"),
    P(beta_quality, 3.0, 0, 100, "utils", "logit weight of brand quality"),
    P(beta_price, 1.5, 0, 100, "utils/price", "logit weight of price, times price sensitivity"),
    P(beta_relationship, 2.0, 0, 100, "utils", "logit weight of relationship quality R"),
    P(beta_trust, 1.5, 0, 100, "utils", "logit weight of trust (mean of confidence and benevolence)"),
    P(beta_personalization, 1.0, 0, 100, "utils", "logit weight of personalization value (F4)"),
    P(beta_creepy, 1.0, 0, 100, "utils", "logit weight of the creepiness penalty (seed 002 in direction; calibrated: docs/CALIBRATION.md)"),
    P(beta_anger, 0.75, 0, 100, "utils",
      "logit weight of desire for revenge: an angry customer buys less while the anger lasts (assumption in form; calibrated: docs/CALIBRATION.md)"),
    P(beta_habit, 1.0, 0, 100, "utils", "logit bonus of the brand bought last (inertia)"),
    P(outside_utility, 2.0, -100, 100, "utils", "utility of buying nothing in the category"),
    P(beta_distrust, 3.0, 0, 100, "utils", "how category distrust raises the no-purchase option (F2)"),
    P(new_relationship_quality, 0.3, 0, 1, "1", "R of a relationship just begun"),
    P(discovery_rate, 0.2, 0, 1, "1/step", "probability a random brand enters the choice set"),
    P(learning_rate, 0.1, 0, 1, "1/purchase", "rate R moves toward experienced satisfaction"),
    P(trust_rate, 0.05, 0, 1, "1/purchase", "rate confidence and benevolence move toward experience"),
    P(quality_noise, 0.1, 0, 1, "1", "sd of experienced quality around the brand's quality"),
    P(forgetting, 0.005, 0, 1, "1/step", "decay of R per step without purchase"),
    P(self_brand_rate, 0.02, 0, 1, "1/purchase", "growth of self-brand connection S (F9)"),
    P(disclosure_rate, 0.05, 0, 1, "1/step", "rate disclosure D moves toward willingness (F1)"),
    P(willingness_relationship, 0.35, 0, 2, "1", "willingness to disclose gained per unit R (F1)"),
    P(willingness_trust, 0.25, 0, 2, "1", "willingness gained per unit benevolence (F3)"),
    P(willingness_control, 0.2, 0, 2, "1", "willingness gained per unit of data control (F4, C2)"),
    P(willingness_transparency, 0.1, 0, 2, "1", "willingness gained per unit transparency (F3)"),
    P(breach_base, 0.4, 0, 2, "1", "felt violation of a breach at R = 0 (F1)"),
    P(love_amplifier, 1.0, 0, 5, "1", "extra felt violation per unit of prior R: love becomes hate (F1, F5)"),
    P(breach_disclosure_weight, 0.5, 0, 1, "1", "share of breach harm that scales with data given (F1)"),
    P(sold_data_multiplier, 1.5, 0, 10, "1", "selling data hurts more than a hack (seed 000)"),
    P(communal_sold_extra, 0.5, 0, 5, "1", "extra harm of sold data to communal consumers (F12)"),
    P(policy_buffer, 0.6, 0, 1, "1",
      "share of a breach's harm removed by full transparency and control (F3)"),
    P(breach_confidence_hit, 0.02, 0, 1, "1", "confidence lost per unit of felt violation (calibrated: docs/CALIBRATION.md)"),
    P(breach_benevolence_hit, 0.02, 0, 1, "1", "benevolence lost per unit of felt violation (calibrated: docs/CALIBRATION.md)"),
    P(breach_severity, 0.3, 0, 5, "1",
      "felt violation of a customer whose own records a breach exposed (a breach's size is the "
      "share exposed), per unit of the kind, data and closeness factors (calibrated: docs/CALIBRATION.md)"),
    P(breach_bystander, 0.1, 0, 1, "1",
      "share of that violation felt by a customer who learns of a breach at their brand but "
      "whose own records were not exposed (assumption; calibration: docs/CALIBRATION.md)"),
    P(breach_concern_gain, 4.5, 0, 6, "1",
      "exponent k of privacy concern in the felt violation, x (concern / 0.55)^k: privacy "
      "fundamentalists feel a breach most (Westin; calibrated: docs/CALIBRATION.md)"),
    P(relief, 0.05, 0, 1, "1", "trust gained in one's own brand when it was not breached (seed 000)"),
    P(spillover, 0.1, 0, 1, "1", "category distrust from news of a breach, times sqrt(size) (F2; calibrated: docs/CALIBRATION.md)"),
    P(distrust_decay, 0.1, 0, 1, "1/step", "decay of category distrust (calibrated: docs/CALIBRATION.md)"),
    P(rival_contagion, 0.4, 0, 1, "1",
      "share of confidence lost in a brand identical to a breached one, times sqrt(size), "
      "by its customers who hear the news: guilt by association (F2)"),
    P(similarity_scale, 1.0, 0.01, 100, "1",
      "brand distance (quality, relative price, personalization: summed absolute differences) "
      "at which two brands stop being similar; similarity = max(0, 1 - distance / scale) (F2; assumption)"),
    P(clarify_cut, 0.5, 0, 1, "1", "share of felt betrayal removed by clarified expectations (F11)"),
    P(clarify_tolerance, 0.4, 0, 5, "1",
      "with clarified expectations, felt betrayal falls by this per unit R (F11)"),
    P(failure_betrayal, 0.2, 0, 1, "1", "betrayal felt from a service failure alone (F8)"),
    P(double_deviation, 0.8, 0, 2, "1", "betrayal added by a failed recovery (F8)"),
    P(revenge_decay, 0.1, 0, 1, "1/step", "decay rate d_r of desire for revenge (F6; calibrated: docs/CALIBRATION.md)"),
    P(revenge_moderation, 0.6, 0, 1, "1", "a_r: prior R slows revenge decay (F7)"),
    P(revenge_gain, 0.9, 0, 5, "1", "k_r: revenge added per unit of new betrayal (F6)"),
    P(avoidance_growth, 0.06, 0, 1, "1/step", "g_a: growth rate of avoidance toward betrayal (F6)"),
    P(avoidance_moderation, 1.0, 0, 10, "1", "a_a: prior R speeds avoidance growth (F7)"),
    P(betrayal_memory, 0.08, 0, 1, "1/step", "decay of felt betrayal; avoidance follows it (calibrated to a breach's dip and the customers it loses: docs/CALIBRATION.md)"),
    P(act_threshold, 0.25, 0, 1, "1", "revenge below this leads to no revenge acts (F8)"),
    P(p_wom, 0.5, 0, 1, "1/step", "probability of negative word of mouth at full revenge"),
    P(p_withhold, 0.5, 0, 1, "1/step", "probability of withholding data at full revenge (F1)"),
    P(p_antibrand, 0.15, 0, 1, "1/step", "probability of an anti-brand act at full revenge"),
    P(withhold_amount, 0.3, 0, 1, "1", "share of disclosed data taken back by one act (F1)"),
    P(withhold_spill, 0.2, 0, 1, "1", "share of that taken back from every other brand (F1)"),
    P(wom_impact, 0.005, 0, 1, "1", "trust a listener loses per complaint heard (calibrated: docs/CALIBRATION.md)"),
    P(avoid_threshold, 0.3, 0, 1, "1", "avoidance above which the consumer stops buying"),
    P(exit_threshold, 0.5, 0, 1, "1", "avoidance above which the relationship ends (exit)"),
    P(exit_hazard, 0.05, 0, 1, "1/step",
      "probability per step, per unit of felt betrayal, that a customer kept from buying by "
      "avoidance ends the relationship (assumption in form; calibrated: docs/CALIBRATION.md)"),
    P(shame_gain, 1.0, 0, 5, "1", "post-exit shame per unit self-brand connection S (F9)"),
    P(shame_decay, 0.02, 0, 1, "1/step", "decay of post-exit shame on its own (F10)"),
    P(move_on_rate, 0.15, 0, 5, "1/step", "extra shame decay per unit R with a new brand (F10)"),
    P(clean_break_boost, 0.5, 0, 5, "1", "R with a new brand granted by a clean break (F10)"),
    P(win_back_sting, 0.3, 0, 5, "1", "shame added per unit S by a win-back contact (F10)"),
    P(win_back_success, 0.05, 0, 1, "1",
      "probability a win-back contact brings back a former customer free of shame and revenge (F10; assumption)"),
    P(p_antibrand_exit, 0.3, 0, 1, "1/step", "probability of anti-brand action at full shame (F9)"),
    P(response_apology, 0.3, 0, 1, "1", "share of betrayal and revenge an apology removes (F7)"),
    P(response_compensation, 0.5, 0, 1, "1", "share compensation removes (F7)"),
    P(response_transparency, 0.35, 0, 1, "1",
      "share transparency and control remove; also raises benevolence (F3)"),
    P(response_halflife, 3.0, 0.01, 1000, "steps", "a response loses half its effect per this delay (F8)"),
    P(recovery_strong_bonus, 0.6, 0, 5, "1", "extra response effect per unit prior R (F7)"),
    P(irrelevance_irritation, 0.6, 0, 5, "1",
      "satisfaction lost by a purchase in a step with an irrelevant personalized message (C3)"),
    P(irritation_memory, 0.05, 0, 1, "1/step",
      "rate the memory of irrelevant messages moves toward this step's exposure (1 or 0): "
      "it builds up and fades at this rate (C3; assumption)"),
    P(irritation_avoidance, 1.6, 0, 5, "1",
      "avoidance sought per unit of irritation memory by the most irritable consumer (C3 calibration)"),
    P(irritation_concern_floor, 0.5, 0, 0.99, "1",
      "privacy concern below which irrelevant messages raise no avoidance; irritability rises "
      "linearly from 0 there to 1 at concern 1 (C3 calibration)"),
    P(benevolence_base, 0.45, 0, 1, "1",
      "benevolence a brand shows with no data policy and the expected norm (assumption)"),
    P(benevolence_transparency, 0.25, 0, 1, "1", "benevolence shown per unit transparency (seed 002, F3)"),
    P(benevolence_control, 0.25, 0, 1, "1", "benevolence shown per unit data control (seed 002, F3)"),
    P(norm_mismatch, 0.15, 0, 1, "1",
      "benevolence lost when the brand enacts another norm than the one expected (seed 003, F12)"),
    P(betrayal_benevolence_hit, 0.5, 0, 1, "1", "benevolence lost per unit of felt betrayal (F5)"),
    P(failure_confidence_hit, 0.1, 0, 1, "1", "confidence lost to a service failure (F8; assumption)"),
    P(response_policy_level, 0.8, 0, 1, "1",
      "transparency and control a brand adopts when it responds with them (F3)"),
    P(grudge_effect, 1.0, 0, 1.9, "1",
      "how much the grudge trait slows revenge decay: decay x (1 + g (0.5 - grudge)) (F7)"),
    P(habit_gain, 0.05, 0, 1, "1/purchase",
      "habit strength H gained per purchase, toward 1: routine and switching costs (Wood & Neal 2009; assumption in size)"),
    P(habit_decay, 0.01, 0, 1, "1/step",
      "habit strength H lost per step: it fades more slowly than anger (assumption)"),
    P(beta_habit_strength, 2.0, 0, 100, "utils",
      "logit weight of habit strength H: switching costs hold purchases (Burnham, Frels & Mahajan 2003)"),
    P(habit_autopilot, 1.0, 0, 1, "1",
      "share of the attitude terms of utility (R, trust, personalization) a full habit H = 1 "
      "switches off: habitual choice is insensitive to attitudes (Ji & Wood 2007; Wood & Neal 2009)"),
    P(habit_hold, 0.2, 0, 5, "1",
      "avoidance needed to stop buying and to exit rises by this per unit H: commitment holds "
      "behaviour while attitudes sour (Janakiraman, Lim & Rishika 2018; the balance of the double edge)"),
    P(wom_anger, 0.5, 0, 1, "1",
      "betrayal a listener feels per complaint heard about its brand, times susceptibility: "
      "anger that travels (Goldenberg et al. 2007; assumption in size)"),
    P(anxiety_betrayal, 0.8, 0, 5, "1",
      "felt betrayal x (1 + this x (anxiety - mean anxiety)): the anxious feel rejection more (Thomson, Whelan & Johnson 2012)"),
    P(fearful_revenge, 4.0, 0, 20, "1",
      "revenge gained x (1 + this x (anxiety x avoidance - its mean)): fearful consumers retaliate most (Thomson, Whelan & Johnson 2012)"),
    P(avoidant_withdrawal, 1.0, 0, 5, "1",
      "avoidance growth x (1 + this x (avoidance - mean avoidance)): the avoidant withdraw sooner (Mende & Bolton 2011; assumption in size)"),
    P(strong_threshold, 0.6, 0, 1, "1", "prior R at or above which a relationship is 'strong'"),
    P(betrayed_threshold, 0.2, 0, 1, "1", "felt betrayal above which a consumer counts as betrayed"),
#undef P
    /* F12: the act x norm table. Magnitudes are assumptions; the orderings are
     * Aggarwal 2004 (fee: communal; cheap gift, delayed request: exchange). */
#define V(act, norm, A, N, d, s)                                                              \
    {"violation_" #act "_" #norm, BS_P_REAL, OFF(bs_model, act_violation[A][N]), d, 0, 5, NULL, \
     "1", s}
    V(reposition, communal, BS_ACT_REPOSITION, BS_NORM_COMMUNAL, 1.0,
      "violation felt by a communal consumer when the brand repositions away from its core customers (F12; assumption)"),
    V(reposition, exchange, BS_ACT_REPOSITION, BS_NORM_EXCHANGE, 0.8,
      "violation felt by an exchange consumer when the brand repositions away from its core customers (F12; assumption)"),
    V(transactional, communal, BS_ACT_TRANSACTIONAL, BS_NORM_COMMUNAL, 1.0,
      "violation felt by a communal consumer treated as a mere exchange partner (F12, seed 003)"),
    V(transactional, exchange, BS_ACT_TRANSACTIONAL, BS_NORM_EXCHANGE, 0.1,
      "violation felt by an exchange consumer treated as a mere exchange partner (F12, seed 003)"),
    V(ignore_feedback, communal, BS_ACT_IGNORE_FEEDBACK, BS_NORM_COMMUNAL, 0.8,
      "violation felt by a communal consumer by promotional pressure that ignores feedback (F12; assumption)"),
    V(ignore_feedback, exchange, BS_ACT_IGNORE_FEEDBACK, BS_NORM_EXCHANGE, 0.5,
      "violation felt by an exchange consumer by promotional pressure that ignores feedback (F12; assumption)"),
    V(broken_promise, communal, BS_ACT_BROKEN_PROMISE, BS_NORM_COMMUNAL, 1.0,
      "violation felt by a communal consumer by a broken promise (F12; assumption)"),
    V(broken_promise, exchange, BS_ACT_BROKEN_PROMISE, BS_NORM_EXCHANGE, 1.0,
      "violation felt by an exchange consumer by a broken promise (F12; assumption)"),
    V(fee, communal, BS_ACT_FEE, BS_NORM_COMMUNAL, 1.0,
      "violation felt by a communal consumer charged a fee for a special service (F12: Aggarwal 2004)"),
    V(fee, exchange, BS_ACT_FEE, BS_NORM_EXCHANGE, 0.3,
      "violation felt by an exchange consumer charged a fee for a special service (F12: Aggarwal 2004)"),
    V(cheap_gift, communal, BS_ACT_CHEAP_GIFT, BS_NORM_COMMUNAL, 0.3,
      "violation felt by a communal consumer given a cheap gift instead of cash (F12: Aggarwal 2004)"),
    V(cheap_gift, exchange, BS_ACT_CHEAP_GIFT, BS_NORM_EXCHANGE, 1.0,
      "violation felt by an exchange consumer given a cheap gift instead of cash (F12: Aggarwal 2004)"),
    V(delayed_request, communal, BS_ACT_DELAYED_REQUEST, BS_NORM_COMMUNAL, 0.3,
      "violation felt by a communal consumer whose request is answered late (F12: Aggarwal 2004)"),
    V(delayed_request, exchange, BS_ACT_DELAYED_REQUEST, BS_NORM_EXCHANGE, 0.8,
      "violation felt by an exchange consumer whose request is answered late (F12: Aggarwal 2004)"),
#undef V
};

static const bs_param brand_params[] = {
#define P(f, d, lo, hi, u, s) {#f, BS_P_REAL, OFF(bs_brand, f), d, lo, hi, NULL, u, s}
    {"name", BS_P_STRING, OFF(bs_brand, name), 0, 0, 0, NULL, "", "brand name (required, unique; letters, digits, _ - .)", BS_NAME_MAX},
    P(quality, 0.7, 0, 1, "1", "delivered quality; drives confidence"),
    P(price, 1.0, 0, 1000, "currency units", "price of one purchase"),
    P(appeal, 0.5, 0, 1, "1", "prior attraction for consumers without a relationship"),
    P(personalization, 0.3, 0, 1, "1", "intensity of personalization from customer data (F4)"),
    P(relevance, 0.8, 0, 1, "1", "how well its personalization fits the customer (C3)"),
    P(transparency, 0.3, 0, 1, "1", "clarity of its data policy (F3)"),
    P(control, 0.3, 0, 1, "1", "control it gives customers over their data (F3, F4)"),
#undef P
    {"norm", BS_P_ENUM, OFF(bs_brand, norm), BS_NORM_EXCHANGE, 0, BS_NORM_COUNT - 1, norm_names,
     "", "relationship norm the brand enacts (F12)"},
    {"clarifies", BS_P_BOOL, OFF(bs_brand, clarifies), 0, 0, 1, NULL, "",
     "clarifies expectations and obligations when a relationship starts (F11)"},
    {"breach_response", BS_P_ENUM, OFF(bs_brand, breach_response), BS_RESPONSE_NONE, 0,
     BS_RESPONSE_COUNT - 1, response_names, "", "response to a breach or betrayal (F3, F7)"},
    {"response_delay", BS_P_INT, OFF(bs_brand, response_delay), 1, 0, 1000, NULL, "steps",
     "steps from the shock to the response (F8)"},
    {"notify", BS_P_BOOL, OFF(bs_brand, notify), 1, 0, 1, NULL, "",
     "notifies every customer of a breach (else only media reach tells them)"},
    {"exit_policy", BS_P_ENUM, OFF(bs_brand, exit_policy), BS_EXIT_NONE, 0, BS_EXIT_COUNT - 1,
     exit_names, "", "handling of customers who leave (F10)"},
    {"win_back_interval", BS_P_INT, OFF(bs_brand, win_back_interval), 4, 1, 1000, NULL, "steps",
     "steps between win-back contacts"},
    {"exit_policy_scope", BS_P_ENUM, OFF(bs_brand, exit_policy_scope), BS_SCOPE_ALL, 0,
     BS_SCOPE_COUNT - 1, scope_names, "",
     "former customers the exit policy reaches: all, those who left on their own (voluntary), "
     "or those the brand dropped (F10)"},
    {"margin", BS_P_REAL, OFF(bs_brand, margin), 0.3, 0, 1, NULL, "1",
     "contribution margin: the share of revenue the brand keeps after the cost of the goods "
     "sold (accounting only: the decision lab's net contribution; assumption: 0.3, a general "
     "retailer's gross margin)"},
};

/* What responses cost (bs_economics). Accounting only: no consumer sees these, so they
 * change no model number. Every default is an assumption, in the currency of prices (a
 * purchase at the default price costs 1). */
static const bs_param economics_params[] = {
#define P(f, d, s) {#f, BS_P_REAL, OFF(bs_economics, f), d, 0, 1e15, NULL, "currency units", s}
    P(apology_fixed, 0,
      "one-off cost of an apology (a statement, a campaign); assumption: 0, set it for the "
      "market the scenario's consumers stand for"),
    P(apology_per_customer, 0.02,
      "cost of an apology per customer it reaches (a letter or e-mail, call-centre time); "
      "assumption"),
    P(compensation_fixed, 0, "one-off cost of a compensation programme; assumption: 0"),
    P(compensation_per_customer, 0.05,
      "cost of handling compensation per customer it reaches; assumption"),
    P(compensation_amount, 0.5,
      "compensation paid to each customer the response reaches (a voucher, credit monitoring); "
      "assumption: half a purchase at the default price"),
    P(transparency_fixed, 0,
      "one-off cost of transparency and control (a privacy dashboard, a policy rewrite); "
      "assumption: 0"),
    P(transparency_per_customer, 0.05,
      "cost of transparency and control per customer it reaches (access and deletion requests, "
      "support); assumption"),
#undef P
};

static const bs_param shock_params[] = {
    {"kind", BS_P_ENUM, OFF(bs_shock, kind), BS_SHOCK_BREACH, 0, BS_SHOCK_COUNT - 1, shock_names,
     "", "what happens"},
    {"step", BS_P_INT, OFF(bs_shock, step), 0, 0, 100000, NULL, "step",
     "step at which it happens (0-based, at most steps - 1)"},
    {"brands", BS_P_BRANDLIST, OFF(bs_shock, brand_names), 0, 0, 0, NULL, "",
     "brands it happens at (a list of names; several at once for a breach)"},
    {"size", BS_P_REAL, OFF(bs_shock, size), 0.5, 0, 1, NULL, "1",
     "breach: share of customers' records exposed; others: severity / share of customers hit"},
    {"reach", BS_P_REAL, OFF(bs_shock, reach), 0.5, 0, 1, NULL, "1",
     "media reach: share of all consumers who hear of it"},
    {"breach_kind", BS_P_ENUM, OFF(bs_shock, breach_kind), BS_BREACH_HACK, 0,
     BS_BREACH_KIND_COUNT - 1, breach_names, "", "breach: a hack, or the brand sold the data"},
    {"act", BS_P_ENUM, OFF(bs_shock, act), BS_ACT_REPOSITION, 0, BS_ACT_COUNT - 1, act_names, "",
     "betrayal: the norm-violating act (F12)"},
    {"recovery", BS_P_ENUM, OFF(bs_shock, recovery), BS_RECOVERY_NONE, 0, BS_RECOVERY_COUNT - 1,
     recovery_names, "", "service failure: the recovery that follows (F8)"},
    {"recovery_delay", BS_P_INT, OFF(bs_shock, recovery_delay), 1, 0, 1000, NULL, "steps",
     "service failure: steps from failure to recovery (F8)"},
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

const bs_param *bs_params(bs_section section, int *count)
{
    switch (section) {
    case BS_SECTION_TOP: *count = COUNT(top_params); return top_params;
    case BS_SECTION_POPULATION: *count = COUNT(population_params); return population_params;
    case BS_SECTION_NETWORK: *count = COUNT(network_params); return network_params;
    case BS_SECTION_MODEL: *count = COUNT(model_params); return model_params;
    case BS_SECTION_BRAND: *count = COUNT(brand_params); return brand_params;
    case BS_SECTION_SHOCK: *count = COUNT(shock_params); return shock_params;
    case BS_SECTION_ECONOMICS: *count = COUNT(economics_params); return economics_params;
    default: *count = 0; return NULL;
    }
}

int bs_param_index(bs_section section, const char *key)
{
    int n;
    const bs_param *p = bs_params(section, &n);
    for (int i = 0; i < n; i++)
        if (strcmp(p[i].key, key) == 0) return i;
    return -1;
}

const char *bs_param_enum_name(const bs_param *p, int value)
{
    for (int i = 0; p && p->names && p->names[i]; i++)
        if (i == value) return p->names[i];
    return NULL;
}

const char *bs_enum_name(bs_section section, const char *key, int value)
{
    int n, i = bs_param_index(section, key);
    const bs_param *p = bs_params(section, &n);
    return i < 0 ? NULL : bs_param_enum_name(&p[i], value);
}

const char *bs_section_key(bs_section section)
{
    static const char *const keys[BS_SECTION_COUNT] = {"", "population", "network", "model",
                                                       "brands", "shocks", "economics"};
    return (section >= 0 && section < BS_SECTION_COUNT) ? keys[section] : NULL;
}

/* Write a parameter's default into the struct at base. */
static void param_set_default(const bs_param *p, void *base)
{
    char *at = (char *)base + p->offset;
    switch (p->type) {
    case BS_P_REAL: *(double *)at = p->def; break;
    case BS_P_I64: *(int64_t *)at = (int64_t)p->def; break;
    case BS_P_U64: *(uint64_t *)at = (uint64_t)p->def; break;
    case BS_P_INT:
    case BS_P_BOOL:
    case BS_P_ENUM: *(int *)at = (int)p->def; break;
    case BS_P_STRING:
    case BS_P_BRANDLIST: break;
    }
}

void bs_section_defaults(bs_section section, void *base)
{
    int n;
    const bs_param *p = bs_params(section, &n);
    for (int i = 0; i < n; i++) param_set_default(&p[i], base);
}

void bs_scenario_defaults(bs_scenario *sc)
{
    memset(sc, 0, sizeof *sc);
    bs_section_defaults(BS_SECTION_TOP, sc);
    snprintf(sc->name, sizeof sc->name, "unnamed");
    bs_section_defaults(BS_SECTION_POPULATION, &sc->population);
    bs_section_defaults(BS_SECTION_NETWORK, &sc->network);
    bs_section_defaults(BS_SECTION_MODEL, &sc->model);
    bs_section_defaults(BS_SECTION_ECONOMICS, &sc->economics);
}

void bs_brand_defaults(bs_brand *b) { memset(b, 0, sizeof *b); bs_section_defaults(BS_SECTION_BRAND, b); }
void bs_shock_defaults(bs_shock *s) { memset(s, 0, sizeof *s); bs_section_defaults(BS_SECTION_SHOCK, s); }

/* ---- validation ---------------------------------------------------------- */

/* Numeric value of a parameter, for range checks and printing. */
double bs_param_value(const bs_param *p, const void *base)
{
    const char *at = (const char *)base + p->offset;
    switch (p->type) {
    case BS_P_REAL: return *(const double *)at;
    case BS_P_I64: return (double)*(const int64_t *)at;
    case BS_P_U64: return (double)*(const uint64_t *)at;
    case BS_P_INT:
    case BS_P_BOOL:
    case BS_P_ENUM: return *(const int *)at;
    default: return 0;
    }
}

/* Fill err with "FILE: message" (no "FILE: " when file is NULL). */
static bs_status fail(bs_error *err, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bs_status fail(bs_error *err, const char *file, const char *fmt, ...)
{
    char why[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return bs_error_setf_at(err, BS_ERR_INPUT, file, 0, "%s", why);
}

/* Range-check the fields of a section whose bit is set in `which`. */
static bs_status check_fields(bs_section s, const void *base, uint64_t which, const char *prefix,
                              const char *file, bs_error *err)
{
    int n;
    const bs_param *p = bs_params(s, &n);
    for (int i = 0; i < n; i++) {
        if (p[i].type == BS_P_STRING || p[i].type == BS_P_BRANDLIST) continue;
        if (i < 64 && !(which & ((uint64_t)1 << i))) continue;
        double v = bs_param_value(&p[i], base);
        if (isnan(v) || v < p[i].min || v > p[i].max)
            return fail(err, file, "'%s%s': %g is out of range [%g, %g]", prefix, p[i].key, v,
                        p[i].min, p[i].max);
    }
    return BS_OK;
}

static bs_status check_section(bs_section s, const void *base, const char *prefix,
                               const char *file, bs_error *err)
{
    return check_fields(s, base, UINT64_MAX, prefix, file, err);
}

/* Names become file names (results/NAME.h5) and --set paths (brands[NAME].x):
   letters, digits, '_', '-', '.' only; NULL if fine, else what is wrong. */
static const char *bad_name(const char *name)
{
    if (!name[0]) return "is empty";
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '-' || *c == '.'))
            return "has a character other than letters, digits, '_', '-', '.'";
    return NULL;
}

static int brand_index(const bs_scenario *sc, const char *name)
{
    for (int b = 0; b < sc->n_brands; b++)
        if (strcmp(sc->brands[b].name, name) == 0) return b;
    return -1;
}

static bs_status validate_brands(const bs_scenario *sc, const char *file, bs_error *err)
{
    char prefix[64];
    if (sc->n_brands < 1)
        return fail(err, file, "'brands': no brands, expected at least one");
    for (int b = 0; b < sc->n_brands; b++) {
        snprintf(prefix, sizeof prefix, "brands[%d].", b);
        if (check_section(BS_SECTION_BRAND, &sc->brands[b], prefix, file, err)) return BS_ERR_INPUT;
        const char *why = bad_name(sc->brands[b].name);
        if (why)
            return fail(err, file, "'%sname': '%s' %s, expected a brand name (letters, digits, "
                        "'_', '-', '.')", prefix, sc->brands[b].name, why);
        if (brand_index(sc, sc->brands[b].name) != b)
            return fail(err, file, "'%sname': '%s' is used by two brands, expected unique names",
                        prefix, sc->brands[b].name);
    }
    return BS_OK;
}

static bs_status validate_shock(bs_scenario *sc, int s, const char *file, bs_error *err)
{
    char prefix[64];
    bs_shock *sh = &sc->shocks[s];
    snprintf(prefix, sizeof prefix, "shocks[%d].", s);
    if (check_section(BS_SECTION_SHOCK, sh, prefix, file, err)) return BS_ERR_INPUT;
    if (sh->step >= sc->steps)
        return fail(err, file, "'%sstep': %d is after the last step, expected [0, %d]", prefix,
                    sh->step, sc->steps - 1);
    if (sh->n_brands < 1)
        return fail(err, file, "'%sbrands': empty, expected at least one brand name", prefix);
    for (int j = 0; j < sh->n_brands; j++) {
        int b = brand_index(sc, sh->brand_names[j]);
        if (b < 0)
            return fail(err, file, "'%sbrands[%d]': no brand named '%s', expected one of the brands",
                        prefix, j, sh->brand_names[j]);
        sh->brands[j] = b;
    }
    if (sh->kind == BS_SHOCK_POLICY) {
        snprintf(prefix, sizeof prefix, "shocks[%d].policy.", s);
        if (check_fields(BS_SECTION_BRAND, &sh->policy, sh->policy_set, prefix, file, err))
            return BS_ERR_INPUT;
        if (sh->policy_set == 0)
            return fail(err, file, "'shocks[%d].policy': empty, expected brand fields to change", s);
    }
    return BS_OK;
}

/* A step applies one shock of a kind per brand (its context holds one breach,
 * one betrayal, one failure, one forced exit and one recovery per brand), so
 * two of a kind at one brand in one step would silently become one: refused,
 * as is a brand listed twice in one shock and two failures whose recoveries
 * land in the same step. Policy shocks may coincide: they apply in order.
 * Expects the shocks' brand indices (validate_shock). */
static bs_status validate_coincident_shocks(const bs_scenario *sc, const char *file,
                                            bs_error *err)
{
    for (int s = 0; s < sc->n_shocks; s++) {
        const bs_shock *a = &sc->shocks[s];
        if (a->kind == BS_SHOCK_POLICY) continue;
        const int a_recovers = a->kind == BS_SHOCK_SERVICE_FAILURE &&
                               a->recovery != BS_RECOVERY_NONE &&
                               a->step + a->recovery_delay < sc->steps;
        for (int j = 0; j < a->n_brands; j++)
            for (int i = 0; i < j; i++)
                if (a->brands[i] == a->brands[j])
                    return fail(err, file, "'shocks[%d].brands[%d]': '%s' is listed twice, "
                                "expected each brand once", s, j, sc->brands[a->brands[j]].name);
        for (int j = 0; j < a->n_brands; j++) {
            const char *name = sc->brands[a->brands[j]].name;
            for (int u = 0; u < s; u++) {
                const bs_shock *e = &sc->shocks[u];
                if (e->kind != a->kind) continue;
                for (int i = 0; i < e->n_brands; i++) {
                    if (e->brands[i] != a->brands[j]) continue;
                    if (e->step == a->step)
                        return fail(err, file,
                                    "'shocks[%d].step': a second %s at brand '%s' in step %d "
                                    "(shocks[%d] is the first), expected at most one %s per "
                                    "brand and step: combine them into one shock or move one "
                                    "to another step",
                                    s, shock_names[a->kind], name, a->step, u,
                                    shock_names[a->kind]);
                    if (a_recovers && e->recovery != BS_RECOVERY_NONE &&
                        e->step + e->recovery_delay == a->step + a->recovery_delay)
                        return fail(err, file,
                                    "'shocks[%d].recovery_delay': the recovery at brand '%s' "
                                    "lands in step %d, as does that of shocks[%d], expected at "
                                    "most one recovery per brand and step",
                                    s, name, a->step + a->recovery_delay, u);
                }
            }
        }
    }
    return BS_OK;
}

bs_status bs_scenario_validate(bs_scenario *sc, const char *file, bs_error *err)
{
    if (check_section(BS_SECTION_TOP, sc, "", file, err) ||
        check_section(BS_SECTION_POPULATION, &sc->population, "population.", file, err) ||
        check_section(BS_SECTION_NETWORK, &sc->network, "network.", file, err) ||
        check_section(BS_SECTION_MODEL, &sc->model, "model.", file, err) ||
        check_section(BS_SECTION_ECONOMICS, &sc->economics, "economics.", file, err))
        return BS_ERR_INPUT;
    const char *why = bad_name(sc->name);
    if (why)
        return fail(err, file, "'name': '%s' %s, expected a scenario name (letters, digits, "
                    "'_', '-', '.')", sc->name, why);
    if (sc->strength_quantiles == 1 || sc->trait_quantiles == 1) /* one bin is no quantile */
        return fail(err, file, "'%s': 1 bin, expected 0 (off) or 2 to %d",
                    sc->strength_quantiles == 1 ? "strength_quantiles" : "trait_quantiles",
                    BS_QUANTILE_MAX_BINS);
    const bs_population *pop = &sc->population;
    double shares = pop->privacy_fundamentalist + pop->privacy_pragmatist;
    if (shares > 1 + 1e-9)
        return fail(err, file,
                    "'population.privacy_pragmatist': segment shares sum to %g, expected at most 1",
                    shares);
    if (validate_brands(sc, file, err)) return BS_ERR_INPUT;
    for (int s = 0; s < sc->n_shocks; s++)
        if (validate_shock(sc, s, file, err)) return BS_ERR_INPUT;
    return validate_coincident_shocks(sc, file, err);
}
