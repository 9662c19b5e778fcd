/* SPDX-License-Identifier: MIT */
/*
 * mechanisms.h: the model's mechanisms as small pure functions, one per idea,
 * each naming the finding it serves (docs/FINDINGS.md ids) or marked as
 * an assumption. step.c composes them; tests/test_mechanisms.c checks each
 * against the behaviour the finding requires. Inline: they run in the hot loop.
 */
#ifndef BS_MECHANISMS_H
#define BS_MECHANISMS_H

#include <math.h>

#include "brandsim/error.h"
#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "brandsim/scenario.h"
#include "brandsim/version.h"

static inline double bs_clamp01(double x)
{
    return x < 0 ? 0 : (x > 1 ? 1 : x);
}

/* F1, F5 (love becomes hate): felt violation of a privacy breach felt with the
 * given intensity (bs_breach_intensity). It grows with the data the consumer
 * gave the brand (D) and with the prior relationship quality R. Selling data
 * reads as greed: worse than a hack, and worse still for consumers who expect
 * communal norms (seed 000, F12). Not clamped: the caller clamps what it adds
 * to betrayal. */
static inline double bs_breach_violation(const bs_model *m, double intensity, int breach_kind,
                                         int consumer_norm, double D, double R)
{
    double kind = 1.0;
    if (breach_kind == BS_BREACH_SOLD_DATA)
        kind = m->sold_data_multiplier *
               (consumer_norm == BS_NORM_COMMUNAL ? 1.0 + m->communal_sold_extra : 1.0);
    double data = (1.0 - m->breach_disclosure_weight) + m->breach_disclosure_weight * 2.0 * D;
    return intensity * kind * data * (m->breach_base + m->love_amplifier * R);
}

/* The reference consumer of the concern factor: the default population's
 * mean privacy concern. */
#define BS_CONCERN_REFERENCE 0.55

/* S2.2: the intensity of a breach felt by a customer who learns of it, before
 * the kind, data and closeness factors of bs_breach_violation: breach_severity
 * for a customer whose own records were exposed, breach_bystander of that for
 * one who was not, times (concern / BS_CONCERN_REFERENCE)^breach_concern_gain:
 * the privacy-concerned feel a breach most. */
static inline double bs_breach_intensity(const bs_model *m, int exposed, double concern)
{
    double f = m->breach_severity * (exposed ? 1.0 : m->breach_bystander);
    return m->breach_concern_gain == 0 ? f
                                       : f * pow(concern / BS_CONCERN_REFERENCE, m->breach_concern_gain);
}

/* F2 (Martin, Borah & Palmatier 2017): how similar two brands look to
 * consumers, in [0, 1]: 1 for identical positioning, falling linearly with
 * the distance in quality, relative price and personalization (how much
 * customer data the brand uses), 0 at distance similarity_scale. */
static inline double bs_brand_similarity(const bs_model *m, const bs_brand *a, const bs_brand *b)
{
    double pmax = a->price > b->price ? a->price : b->price;
    double d = fabs(a->quality - b->quality) + (pmax > 0 ? fabs(a->price - b->price) / pmax : 0) +
               fabs(a->personalization - b->personalization);
    return bs_clamp01(1.0 - d / m->similarity_scale);
}

/* F2 (Martin, Borah & Palmatier 2017: a breach harms close rivals, "guilt by
 * association"; Park et al. 2024: privacy risk contagion to competitors):
 * share of confidence (can it keep my data safe?) a consumer who hears of a
 * breach of the given size loses in a brand of the given similarity to the
 * breached one. Relief (seed 000) still raises benevolence. Concave
 * in size (sqrt, like category distrust), while switching away from the
 * breached brand grows with the felt violation: small breaches hurt close
 * rivals, large ones send them customers. */
static inline double bs_rival_contagion(const bs_model *m, double similarity, double size)
{
    return bs_clamp01(m->rival_contagion * similarity * sqrt(size));
}

/* F3 (Martin, Borah & Palmatier 2017): a brand's transparency and the
 * control it gives customers over their data soften a breach: the felt
 * violation is multiplied by this factor (1 with neither, 1 - policy_buffer
 * with both in full). */
static inline double bs_policy_buffer(const bs_model *m, double transparency, double control)
{
    return 1.0 - m->policy_buffer * 0.5 * (transparency + control);
}

/* F5, F11: how closeness scales felt betrayal. Without clarified expectations
 * the consumer focuses on what the brand owes: closeness amplifies (F5).
 * With obligations made clear up front, closeness raises tolerance and the
 * remaining betrayal is cut (F11, the ocean-view-table study). */
static inline double bs_closeness_factor(const bs_model *m, int clarified, double R)
{
    if (!clarified) return m->breach_base + m->love_amplifier * R;
    double f = (m->breach_base - m->clarify_tolerance * R) * (1.0 - m->clarify_cut);
    return f > 0 ? f : 0;
}

/* F11, F12: felt betrayal of a norm-violating act of the given severity.
 * m->act_violation[act][consumer norm] (model.violation_<act>_<norm>, F12:
 * Aggarwal 2004; Avery, Fournier & Wittenbraker 2014) says how strongly the
 * act violates the norm the consumer expects: a fee for a special service
 * violates communal norms; a cheap gift instead of cash and a delayed request
 * violate exchange norms; being treated as a mere transaction hurts a friend.
 * The magnitudes are assumptions; the orderings are F12. */
static inline double bs_betrayal_felt(const bs_model *m, double size, int act, int consumer_norm,
                                      int clarified, double R)
{
    return size * m->act_violation[act][consumer_norm] * bs_closeness_factor(m, clarified, R);
}

/* F6, F7 (Grégoire, Tripp & Legoux 2009): desire for revenge decays, more
 * slowly the stronger the relationship was before the shock (R0) and the more
 * the consumer holds grudges (trait in [0, 1], assumption); new betrayal feeds
 * it. revenge' = revenge (1 - d_r (1 - a_r R0) g) + k_r betrayal_in,
 * with g = 1 + grudge_effect (0.5 - grudge). */
static inline double bs_revenge_next(const bs_model *m, double revenge, double R0, double grudge,
                                     double betrayal_in)
{
    double decay = m->revenge_decay * (1.0 - m->revenge_moderation * R0) *
                   (1.0 + m->grudge_effect * (0.5 - grudge));
    return bs_clamp01(revenge * (1.0 - bs_clamp01(decay)) + m->revenge_gain * betrayal_in);
}

/* F6, F7: desire for avoidance grows toward the felt betrayal, faster for
 * strong relationships and for consumers whose attachment style withdraws
 * (withdrawal, bs_attachment_factors; 1 for the average consumer):
 * avoid' = avoid + clamp(g_a (1 + a_a R0) withdrawal) (betrayal - avoid). */
static inline double bs_avoid_next(const bs_model *m, double avoid, double R0, double betrayal,
                                   double withdrawal)
{
    double rate =
        bs_clamp01(m->avoidance_growth * (1.0 + m->avoidance_moderation * R0) * withdrawal);
    return bs_clamp01(avoid + rate * (betrayal - avoid));
}

/* The reference consumer of the attachment factors: the default
 * population's mean anxiety and avoidance (population.attachment_*_mean). */
#define BS_ANXIETY_REFERENCE 0.4
#define BS_AVOIDANCE_REFERENCE 0.35

/* Attachment styles (Mende & Bolton 2011; Thomson, Whelan & Johnson 2012):
 * how a consumer's anxiety x and avoidance y (traits in [0, 1]) moderate what
 * a betrayal does, each factor 1 for a consumer at the reference (mx, my =
 * BS_ANXIETY_REFERENCE, BS_AVOIDANCE_REFERENCE, the default population's
 * means: a population more anxious than that retaliates more) and never
 * below 0:
 *   felt       = 1 + anxiety_betrayal (x - mx)          the anxious feel rejection more
 *   gain       = 1 + fearful_revenge (x y - mx my)      the fearful (anxious and avoidant)
 *                                                       turn it into revenge most
 *   withdrawal = 1 + avoidant_withdrawal (y - my)       the avoidant pull away sooner */
static inline void bs_attachment_factors(const bs_model *m, double x, double y, double *felt,
                                         double *gain, double *withdrawal)
{
    const double mx = BS_ANXIETY_REFERENCE, my = BS_AVOIDANCE_REFERENCE;
    const double f = 1.0 + m->anxiety_betrayal * (x - mx);
    const double g = 1.0 + m->fearful_revenge * (x * y - mx * my);
    const double w = 1.0 + m->avoidant_withdrawal * (y - my);
    *felt = f > 0 ? f : 0;
    *gain = g > 0 ? g : 0;
    *withdrawal = w > 0 ? w : 0;
}

/* The double edge: habit strength H, the routine and switching costs a
 * relationship builds by purchases (Wood & Neal 2009; Burnham, Frels &
 * Mahajan 2003). It fades by habit_decay each step and a purchase adds
 * habit_gain of what is left to 1: H' = x + habit_gain [bought] (1 - x),
 * x = H (1 - habit_decay). It holds purchases (a logit term) and raises the
 * avoidance needed to stop buying or to exit (step.c:past_threshold). */
static inline double bs_habit_next(const bs_model *m, double H, int bought)
{
    const double x = H * (1.0 - m->habit_decay);
    return bs_clamp01(bought ? x + m->habit_gain * (1.0 - x) : x);
}

/* Probability of a revenge act of base probability p at the given desire for
 * revenge: nothing below the threshold, rising linearly to p at full revenge.
 * The threshold makes public complaining a matter of strong betrayal, as after
 * a double deviation (F8). */
static inline double bs_act_probability(const bs_model *m, double p, double revenge)
{
    if (revenge <= m->act_threshold) return 0;
    return p * (revenge - m->act_threshold) / (1.0 - m->act_threshold + 1e-12);
}

/* F3, F7, F8: share of betrayal and revenge a response removes. Efficacy by
 * kind, halved per `response_halflife` steps of delay (late recovery helps
 * less, F8), larger for customers who were close (F7: the best customers
 * respond most to recovery). */
static inline double bs_response_effect(const bs_model *m, int response, int delay, double R0)
{
    double base = 0;
    switch (response) {
    case BS_RESPONSE_APOLOGY: base = m->response_apology; break;
    case BS_RESPONSE_COMPENSATION: base = m->response_compensation; break;
    case BS_RESPONSE_TRANSPARENCY_CONTROL: base = m->response_transparency; break;
    default: return 0;
    }
    double timely = exp2(-(double)delay / m->response_halflife);
    return bs_clamp01(base * timely * (1.0 + m->recovery_strong_bonus * (R0 - 0.5)));
}

/* F1, F3, F4, C2: willingness to disclose personal data to a brand. Grows
 * with relationship quality and benevolence, with transparency and control;
 * falls with privacy concern (base = 1 - concern) and category distrust. */
static inline double bs_willingness(const bs_model *m, double base, double R, double benevolence,
                                    double transparency, double control, double distrust)
{
    return bs_clamp01(base + m->willingness_relationship * (R - 0.5) +
                      m->willingness_trust * (benevolence - 0.5) +
                      m->willingness_control * control +
                      m->willingness_transparency * transparency - distrust);
}

/* F4 (Tucker 2014), seed 002: value of personalization to the consumer. It
 * needs data (D), fit (relevance) and trust, and control multiplies it. */
static inline double bs_personalization_value(double personalization, double relevance, double D,
                                              double trust, double control)
{
    return personalization * relevance * D * trust * (1.0 + control);
}

/* Seed 002 (the line from cool to creepy): personalization beyond what the
 * consumer has knowingly shared, or beyond what trust supports. */
static inline double bs_creepiness(double personalization, double D, double trust)
{
    double beyond_data = personalization - D;
    double beyond_trust = personalization - trust;
    return (beyond_data > 0 ? beyond_data : 0) + (beyond_trust > 0 ? beyond_trust : 0);
}

/* C3 (seed 002 / Gigya 2015): a brand that personalizes (pi) badly (relevance
 * rho) sends an irrelevant message to each of its customers with probability
 * pi (1 - rho) per step, bought or not. The consumer's irritation memory moves
 * toward this step's exposure (1 with a message, else 0) at rate
 * irritation_memory: it builds up toward the brand's rate of irrelevant
 * messages and fades slowly once they stop. */
static inline double bs_irritation_next(const bs_model *m, double irritation, int message)
{
    return irritation + m->irritation_memory * ((message ? 1.0 : 0.0) - irritation);
}

/* C3: how irritable a consumer is, from privacy concern (seed 002: those who
 * care most about their data resent data-driven messages most; assumption):
 * 0 up to irritation_concern_floor, then linear to 1 at concern 1. */
static inline double bs_irritability(const bs_model *m, double concern)
{
    return bs_clamp01((concern - m->irritation_concern_floor) /
                      (1.0 - m->irritation_concern_floor));
}

/* C3: the avoidance irritation drives toward: irritation_avoidance x
 * irritability x memory. Avoidance grows toward the larger of this and the
 * felt betrayal (bs_avoid_next); past avoid_threshold the consumer stops
 * visiting (the brand leaves the choice set), past exit_threshold stops
 * buying (exit). */
static inline double bs_irritation_avoidance(const bs_model *m, double irritation,
                                             double irritability)
{
    return bs_clamp01(m->irritation_avoidance * irritability * irritation);
}

/* Seed 002 / benevolence: the benevolence a brand shows over time: clear data
 * policy and customer control (seed 002), and treating customers by the norm
 * they expect (seed 003). */
static inline double bs_benevolence_target(const bs_model *m, double transparency, double control,
                                           int brand_norm, int consumer_norm)
{
    return bs_clamp01(m->benevolence_base + m->benevolence_transparency * transparency +
                      m->benevolence_control * control -
                      (brand_norm != consumer_norm ? m->norm_mismatch : 0));
}

/* F9 (Johnson, Matear & Thomson 2011): shame and insecurity at exit come from
 * self-relevance (S), not from satisfaction or trust. */
static inline double bs_exit_shame(const bs_model *m, double S)
{
    return bs_clamp01(m->shame_gain * S);
}

/* F10: post-exit shame fades on its own and faster the happier the consumer
 * is with a new brand (new_R: best active relationship elsewhere). */
static inline double bs_shame_next(const bs_model *m, double shame, double new_R)
{
    return bs_clamp01(shame * (1.0 - bs_clamp01(m->shame_decay + m->move_on_rate * new_R)));
}

#endif
