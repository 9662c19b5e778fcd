/* SPDX-License-Identifier: MIT */
/*
 * test_mechanisms.c: each mechanism of sim/core/mechanisms.h, alone, against
 * the behaviour its finding requires (docs/FINDINGS.md ids in the test
 * names' comments). Uses the documented default coefficients, so a default
 * that breaks a finding fails here. Whole-market behaviour is in
 * test_behaviour.c.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "core/mechanisms.h"

static bs_model defaults(void)
{
    bs_model m;
    bs_section_defaults(BS_SECTION_MODEL, &m);
    return m;
}

/* F1, F5: the same breach hurts a strong relationship more than a weak one. */
Test(mechanisms, breach_hurts_strong_more_than_weak)
{
    bs_model m = defaults();
    for (int kind = 0; kind < BS_BREACH_KIND_COUNT; kind++)
        for (int norm = 0; norm < BS_NORM_COUNT; norm++) {
            double weak = bs_breach_violation(&m, 0.5, kind, norm, 0.5, 0.2);
            double strong = bs_breach_violation(&m, 0.5, kind, norm, 0.5, 0.9);
            cr_expect_gt(strong, 1.5 * weak, "kind %d norm %d: strong %g weak %g", kind, norm,
                         strong, weak);
        }
}

/* F1: the more data given, the larger the violation; no breach, no harm. */
Test(mechanisms, breach_grows_with_data_and_size)
{
    bs_model m = defaults();
    cr_expect_gt(bs_breach_violation(&m, 0.5, BS_BREACH_HACK, 0, 0.9, 0.5),
                 bs_breach_violation(&m, 0.5, BS_BREACH_HACK, 0, 0.1, 0.5));
    cr_expect_gt(bs_breach_violation(&m, 0.9, BS_BREACH_HACK, 0, 0.5, 0.5),
                 bs_breach_violation(&m, 0.2, BS_BREACH_HACK, 0, 0.5, 0.5));
    cr_expect_eq(bs_breach_violation(&m, 0, BS_BREACH_HACK, 0, 0.5, 0.5), 0);
}

/* F3: transparency and control each soften a breach, both together most. */
Test(mechanisms, transparency_and_control_soften_a_breach)
{
    bs_model m = defaults();
    double none = bs_policy_buffer(&m, 0, 0), t = bs_policy_buffer(&m, 1, 0);
    double c = bs_policy_buffer(&m, 0, 1), both = bs_policy_buffer(&m, 1, 1);
    cr_expect_eq(none, 1);
    cr_expect_lt(t, none);
    cr_expect_lt(c, none);
    cr_expect_lt(both, t);
    cr_expect_lt(both, c);
    cr_expect_gt(both, 0);
}

/* Seed 000, F12: selling data hurts more than a hack, most for communal consumers. */
Test(mechanisms, sold_data_hurts_more_than_hack_and_most_communal)
{
    bs_model m = defaults();
    double hack = bs_breach_violation(&m, 0.5, BS_BREACH_HACK, BS_NORM_EXCHANGE, 0.5, 0.5);
    double sold_x = bs_breach_violation(&m, 0.5, BS_BREACH_SOLD_DATA, BS_NORM_EXCHANGE, 0.5, 0.5);
    double sold_c = bs_breach_violation(&m, 0.5, BS_BREACH_SOLD_DATA, BS_NORM_COMMUNAL, 0.5, 0.5);
    cr_expect_gt(sold_x, hack);
    cr_expect_gt(sold_c, sold_x);
}

/* F11: clarified expectations cut felt betrayal, and turn closeness from
 * amplifier into buffer (crossover). */
Test(mechanisms, clarified_expectations_cut_betrayal_crossover)
{
    bs_model m = defaults();
    const double close = 0.9, distant = 0.2;
    for (int act = 0; act < BS_ACT_COUNT; act++)
        for (int norm = 0; norm < BS_NORM_COUNT; norm++) {
            double c0 = bs_betrayal_felt(&m, 0.7, act, norm, 0, close);
            double d0 = bs_betrayal_felt(&m, 0.7, act, norm, 0, distant);
            double c1 = bs_betrayal_felt(&m, 0.7, act, norm, 1, close);
            double d1 = bs_betrayal_felt(&m, 0.7, act, norm, 1, distant);
            cr_expect_gt(c0, d0, "unclarified: close must hurt more (act %d)", act);
            cr_expect_lt(c1, d1, "clarified: close must hurt less (act %d)", act);
            cr_expect_lt(c1, c0, "clarifying must cut betrayal for the close (act %d)", act);
            cr_expect_lt(d1, d0, "clarifying must cut betrayal for the distant (act %d)", act);
        }
}

/* F12 (Aggarwal 2004): a fee for a special service violates communal norms;
 * a cheap gift and a delayed request violate exchange norms. */
Test(mechanisms, communal_and_exchange_norms_violated_by_different_acts)
{
    bs_model m = defaults();
    double R = 0.6;
    cr_expect_gt(bs_betrayal_felt(&m, 0.5, BS_ACT_FEE, BS_NORM_COMMUNAL, 0, R),
                 bs_betrayal_felt(&m, 0.5, BS_ACT_FEE, BS_NORM_EXCHANGE, 0, R));
    cr_expect_lt(bs_betrayal_felt(&m, 0.5, BS_ACT_CHEAP_GIFT, BS_NORM_COMMUNAL, 0, R),
                 bs_betrayal_felt(&m, 0.5, BS_ACT_CHEAP_GIFT, BS_NORM_EXCHANGE, 0, R));
    cr_expect_lt(bs_betrayal_felt(&m, 0.5, BS_ACT_DELAYED_REQUEST, BS_NORM_COMMUNAL, 0, R),
                 bs_betrayal_felt(&m, 0.5, BS_ACT_DELAYED_REQUEST, BS_NORM_EXCHANGE, 0, R));
    cr_expect_gt(bs_betrayal_felt(&m, 0.5, BS_ACT_TRANSACTIONAL, BS_NORM_COMMUNAL, 0, R),
                 bs_betrayal_felt(&m, 0.5, BS_ACT_TRANSACTIONAL, BS_NORM_EXCHANGE, 0, R));
}

/* F12: the act x norm table is the scenario's (model.violation_<act>_<norm>),
 * not a constant: felt betrayal is proportional to the entry, a flat row
 * makes the two norms feel the same and swapped columns reverse F12. */
Test(mechanisms, act_violation_table_is_a_model_parameter)
{
    bs_model m = defaults();
    const double R = 0.6;
    cr_expect_eq(m.act_violation[BS_ACT_FEE][BS_NORM_COMMUNAL], 1.0);
    cr_expect_eq(m.act_violation[BS_ACT_FEE][BS_NORM_EXCHANGE], 0.3);
    cr_expect_eq(m.act_violation[BS_ACT_CHEAP_GIFT][BS_NORM_EXCHANGE], 1.0);
    double base = bs_betrayal_felt(&m, 0.5, BS_ACT_FEE, BS_NORM_COMMUNAL, 0, R);
    m.act_violation[BS_ACT_FEE][BS_NORM_COMMUNAL] = 2.0;
    cr_expect_float_eq(bs_betrayal_felt(&m, 0.5, BS_ACT_FEE, BS_NORM_COMMUNAL, 0, R), 2 * base,
                       1e-12);
    m.act_violation[BS_ACT_FEE][BS_NORM_COMMUNAL] = m.act_violation[BS_ACT_FEE][BS_NORM_EXCHANGE];
    cr_expect_eq(bs_betrayal_felt(&m, 0.5, BS_ACT_FEE, BS_NORM_COMMUNAL, 0, R),
                 bs_betrayal_felt(&m, 0.5, BS_ACT_FEE, BS_NORM_EXCHANGE, 0, R));
    m = defaults();
    for (int a = 0; a < BS_ACT_COUNT; a++) { /* swap the columns */
        double c = m.act_violation[a][BS_NORM_COMMUNAL];
        m.act_violation[a][BS_NORM_COMMUNAL] = m.act_violation[a][BS_NORM_EXCHANGE];
        m.act_violation[a][BS_NORM_EXCHANGE] = c;
    }
    cr_expect_lt(bs_betrayal_felt(&m, 0.5, BS_ACT_FEE, BS_NORM_COMMUNAL, 0, R),
                 bs_betrayal_felt(&m, 0.5, BS_ACT_FEE, BS_NORM_EXCHANGE, 0, R));
    cr_expect_gt(bs_betrayal_felt(&m, 0.5, BS_ACT_CHEAP_GIFT, BS_NORM_COMMUNAL, 0, R),
                 bs_betrayal_felt(&m, 0.5, BS_ACT_CHEAP_GIFT, BS_NORM_EXCHANGE, 0, R));
}

/* F2 (Martin, Borah & Palmatier 2017): guilt by association. Similarity is
 * 1 for identical brands and falls with distance in quality, relative price
 * and personalization; the confidence a rival loses grows with similarity,
 * is concave in breach size and is 0 with the mechanism off. */
Test(mechanisms, breach_contagion_hits_similar_rivals_most)
{
    bs_model m = defaults();
    bs_brand a, same, near, far;
    bs_brand_defaults(&a);
    same = near = far = a;
    near.quality = a.quality - 0.1;
    near.price = 0.7 * a.price;
    far.quality = 0.2;
    far.price = 0.3 * a.price;
    far.personalization = 0.9;
    cr_expect_eq(bs_brand_similarity(&m, &a, &same), 1);
    double s_near = bs_brand_similarity(&m, &a, &near), s_far = bs_brand_similarity(&m, &a, &far);
    cr_expect(s_near > s_far && s_near < 1, "similarity near %g, far %g", s_near, s_far);
    cr_expect_eq(s_far, 0);
    cr_expect_eq(bs_brand_similarity(&m, &near, &a), s_near, "symmetric");
    cr_expect_gt(bs_rival_contagion(&m, 1, 0.1), bs_rival_contagion(&m, s_near, 0.1));
    cr_expect_eq(bs_rival_contagion(&m, 0, 0.9), 0);
    double small = bs_rival_contagion(&m, 1, 0.1), large = bs_rival_contagion(&m, 1, 0.9);
    cr_expect_float_eq(large / small, 3.0, 1e-9, "concave in size: sqrt(0.9 / 0.1)");
    m.rival_contagion = 0;
    cr_expect_eq(bs_rival_contagion(&m, 1, 0.9), 0);
}

/* C3 (seed 002 / Gigya 2015): the memory of irrelevant messages builds up
 * toward the rate they arrive at and fades once they stop; only consumers
 * more concerned about privacy than the floor are irritable; the avoidance it
 * drives crosses the stop-visiting threshold for fewer consumers than the
 * brand's customers, and the exit threshold for fewer still. */
Test(mechanisms, irrelevant_messages_build_up_irritation_and_avoidance)
{
    bs_model m = defaults();
    double I = 0;
    for (int t = 0; t < 200; t++) I = bs_irritation_next(&m, I, t % 4 != 3); /* 3 of 4 steps */
    cr_expect_float_eq(I, 0.75, 0.05, "memory %g tracks the message rate", I);
    double peak = I;
    for (int t = 0; t < 10; t++) I = bs_irritation_next(&m, I, 0);
    cr_expect_lt(I, peak);
    cr_expect_gt(I, 0.5 * peak, "it fades slowly: %g of %g after 10 quiet steps", I, peak);
    cr_expect_eq(bs_irritability(&m, m.irritation_concern_floor), 0);
    cr_expect_eq(bs_irritability(&m, 0.2), 0);
    cr_expect_lt(bs_irritability(&m, 0.7), bs_irritability(&m, 0.9));
    cr_expect_eq(bs_irritability(&m, 1.0), 1);
    /* a brand sending irrelevant messages in 64 % of steps (C3's clumsy, at equilibrium) */
    double at = 0.64;
    cr_expect_lt(bs_irritation_avoidance(&m, at, bs_irritability(&m, 0.5)), m.avoid_threshold);
    cr_expect_geq(bs_irritation_avoidance(&m, at, bs_irritability(&m, 0.9)), m.exit_threshold);
    double lo = 0, hi = 0; /* concern at which it crosses each threshold */
    for (double c = 0; c <= 1.0; c += 0.001) {
        double a = bs_irritation_avoidance(&m, at, bs_irritability(&m, c));
        if (lo == 0 && a >= m.avoid_threshold) lo = c;
        if (hi == 0 && a > m.exit_threshold) hi = c;
    }
    cr_expect(lo > m.irritation_concern_floor && hi > lo && hi < 1, "stop visiting from concern %g, "
              "exit from %g", lo, hi);
    /* a default brand (personalization 0.3, relevance 0.8: 6 % of steps) drives nobody away */
    cr_expect_lt(bs_irritation_avoidance(&m, 0.06, 1.0), m.avoid_threshold);
    m.irritation_avoidance = 0;
    cr_expect_eq(bs_irritation_avoidance(&m, at, 1.0), 0);
}

/* Iterate revenge and avoidance after one betrayal of size `b` at prior
 * quality R0; out[t] after t + 1 steps. */
static void trajectory(const bs_model *m, double R0, double b, int steps, double *rev, double *avo)
{
    double r = 0, a = 0;
    for (int t = 0; t < steps; t++) {
        r = bs_revenge_next(m, r, R0, 0.5, t == 0 ? b : 0);
        a = bs_avoid_next(m, a, R0, b, 1.0);
        rev[t] = r;
        avo[t] = a;
    }
}

/* F6: revenge falls while avoidance rises, and revenge is still above half
 * its peak after eight weeks. */
Test(mechanisms, revenge_decays_while_avoidance_grows)
{
    bs_model m = defaults();
    double rev[9], avo[9];
    trajectory(&m, 0.5, 0.6, 9, rev, avo);
    for (int t = 1; t < 9; t++) {
        cr_expect_lt(rev[t], rev[t - 1], "revenge must fall (week %d)", t);
        cr_expect_gt(avo[t], avo[t - 1], "avoidance must grow (week %d)", t);
    }
    cr_expect_gt(rev[8], 0.5 * rev[0], "revenge after 8 weeks %g, peak %g", rev[8], rev[0]);
}

/* F7: the stronger the relationship was, the slower revenge decays and the
 * faster avoidance grows: a longer grudge. */
Test(mechanisms, strong_relationships_hold_longer_grudges)
{
    bs_model m = defaults();
    double rs[9], as[9], rw[9], aw[9];
    trajectory(&m, 0.9, 0.6, 9, rs, as);
    trajectory(&m, 0.2, 0.6, 9, rw, aw);
    cr_expect_gt(rs[8] / rs[0], rw[8] / rw[0], "revenge must decay more slowly when strong");
    cr_expect_gt(as[3], aw[3], "avoidance must grow faster when strong");
}

/* F7: grudge-holders keep revenge longer (trait). */
Test(mechanisms, grudge_trait_slows_revenge_decay)
{
    bs_model m = defaults();
    cr_expect_gt(bs_revenge_next(&m, 0.8, 0.5, 0.9, 0), bs_revenge_next(&m, 0.8, 0.5, 0.1, 0));
}

/* F8: no revenge acts below the threshold; more above it. */
Test(mechanisms, revenge_acts_need_strong_revenge)
{
    bs_model m = defaults();
    cr_expect_eq(bs_act_probability(&m, 0.5, m.act_threshold * 0.9), 0);
    double lo = bs_act_probability(&m, 0.5, m.act_threshold + 0.1);
    double hi = bs_act_probability(&m, 0.5, 1.0);
    cr_expect_gt(lo, 0);
    cr_expect_gt(hi, lo);
    cr_expect_float_eq(hi, 0.5, 1e-9);
}

/* F3, F7, F8: responses help; compensation most; late ones less; more for the
 * close; no response, no help. */
Test(mechanisms, responses_help_more_when_early_and_for_the_close)
{
    bs_model m = defaults();
    cr_expect_eq(bs_response_effect(&m, BS_RESPONSE_NONE, 0, 0.5), 0);
    for (int r = BS_RESPONSE_APOLOGY; r < BS_RESPONSE_COUNT; r++) {
        cr_expect_gt(bs_response_effect(&m, r, 0, 0.5), 0, "response %d", r);
        cr_expect_gt(bs_response_effect(&m, r, 1, 0.5), bs_response_effect(&m, r, 5, 0.5));
        cr_expect_gt(bs_response_effect(&m, r, 1, 0.9), bs_response_effect(&m, r, 1, 0.2));
    }
    cr_expect_gt(bs_response_effect(&m, BS_RESPONSE_COMPENSATION, 1, 0.5),
                 bs_response_effect(&m, BS_RESPONSE_APOLOGY, 1, 0.5));
    /* F8: a response after four weeks does little */
    cr_expect_lt(bs_response_effect(&m, BS_RESPONSE_COMPENSATION, 5, 0.5),
                 0.5 * bs_response_effect(&m, BS_RESPONSE_COMPENSATION, 0, 0.5));
}

/* F1, F3, F4: willingness to disclose rises with R, benevolence, control and
 * transparency, falls with category distrust. */
Test(mechanisms, willingness_to_disclose)
{
    bs_model m = defaults();
    double w = bs_willingness(&m, 0.4, 0.5, 0.5, 0.3, 0.3, 0);
    cr_expect_gt(bs_willingness(&m, 0.4, 0.9, 0.5, 0.3, 0.3, 0), w, "relationship quality");
    cr_expect_gt(bs_willingness(&m, 0.4, 0.5, 0.9, 0.3, 0.3, 0), w, "benevolence");
    cr_expect_gt(bs_willingness(&m, 0.4, 0.5, 0.5, 0.3, 0.9, 0), w, "control");
    cr_expect_gt(bs_willingness(&m, 0.4, 0.5, 0.5, 0.9, 0.3, 0), w, "transparency");
    cr_expect_lt(bs_willingness(&m, 0.4, 0.5, 0.5, 0.3, 0.3, 0.2), w, "distrust");
    cr_expect_lt(bs_willingness(&m, 0.1, 0.5, 0.5, 0.3, 0.3, 0), w, "privacy concern");
}

/* F4 (Tucker 2014): control multiplies the value of personalization, which
 * needs data and trust. */
Test(mechanisms, control_raises_personalization_value)
{
    double lo = bs_personalization_value(0.8, 0.8, 0.5, 0.7, 0.1);
    double hi = bs_personalization_value(0.8, 0.8, 0.5, 0.7, 0.9);
    cr_expect_gt(hi / lo, 1.5);
    cr_expect_eq(bs_personalization_value(0.8, 0.8, 0, 0.7, 0.9), 0, "no data, no value");
    cr_expect_eq(bs_personalization_value(0, 0.8, 0.5, 0.7, 0.9), 0, "generic: no value");
}

/* Seed 002: personalization beyond shared data or beyond trust is creepy;
 * within both it is not. */
Test(mechanisms, creepiness_beyond_data_or_trust)
{
    cr_expect_eq(bs_creepiness(0.3, 0.5, 0.6), 0);
    cr_expect_gt(bs_creepiness(0.8, 0.2, 0.9), 0, "beyond data");
    cr_expect_gt(bs_creepiness(0.8, 0.9, 0.2), 0, "beyond trust");
    cr_expect_gt(bs_creepiness(0.9, 0.1, 0.1), bs_creepiness(0.9, 0.5, 0.5));
}

/* F9: shame at exit comes from self-relevance, not satisfaction. */
Test(mechanisms, exit_shame_from_self_relevance)
{
    bs_model m = defaults();
    cr_expect_gt(bs_exit_shame(&m, 0.8), bs_exit_shame(&m, 0.1));
    cr_expect_eq(bs_exit_shame(&m, 0), 0);
}

/* F10: shame fades faster when the consumer is happy with a new brand. */
Test(mechanisms, shame_fades_faster_with_a_new_brand)
{
    bs_model m = defaults();
    double alone = 0.8, attached = 0.8;
    for (int t = 0; t < 10; t++) {
        alone = bs_shame_next(&m, alone, 0);
        attached = bs_shame_next(&m, attached, 0.8);
    }
    cr_expect_lt(attached, alone);
    cr_expect_lt(alone, 0.8, "shame fades on its own too");
}

/* Seed 002, F12: benevolence comes from transparency, control and matching
 * the norm the customer expects. */
Test(mechanisms, benevolence_target)
{
    bs_model m = defaults();
    double base = bs_benevolence_target(&m, 0.3, 0.3, BS_NORM_COMMUNAL, BS_NORM_COMMUNAL);
    cr_expect_gt(bs_benevolence_target(&m, 0.9, 0.3, BS_NORM_COMMUNAL, BS_NORM_COMMUNAL), base);
    cr_expect_gt(bs_benevolence_target(&m, 0.3, 0.9, BS_NORM_COMMUNAL, BS_NORM_COMMUNAL), base);
    cr_expect_lt(bs_benevolence_target(&m, 0.3, 0.3, BS_NORM_EXCHANGE, BS_NORM_COMMUNAL), base);
}

/* Attachment styles: every factor is 1 at the reference consumer; anxiety
 * raises felt betrayal, anxiety with avoidance (fearful) raises revenge most,
 * avoidance speeds withdrawal; none goes below 0. */
Test(mechanisms, attachment_styles_moderate_betrayal_revenge_and_withdrawal)
{
    bs_model m = defaults();
    double f, g, w;
    bs_attachment_factors(&m, BS_ANXIETY_REFERENCE, BS_AVOIDANCE_REFERENCE, &f, &g, &w);
    cr_expect_float_eq(f, 1, 1e-12);
    cr_expect_float_eq(g, 1, 1e-12);
    cr_expect_float_eq(w, 1, 1e-12);
    double f_anx, g_anx, w_anx, f_fear, g_fear, w_fear, f_sec, g_sec, w_sec;
    bs_attachment_factors(&m, 0.9, 0.1, &f_anx, &g_anx, &w_anx);
    bs_attachment_factors(&m, 0.9, 0.9, &f_fear, &g_fear, &w_fear);
    bs_attachment_factors(&m, 0.1, 0.1, &f_sec, &g_sec, &w_sec);
    cr_expect_gt(f_anx, 1.2);
    cr_expect_lt(f_sec, 0.9);
    cr_expect_gt(g_fear, g_anx + 1, "fearful %g anxious %g", g_fear, g_anx);
    cr_expect_lt(g_sec, 1);
    cr_expect_gt(w_fear, 1.3);
    cr_expect_lt(w_anx, 1);
    m.fearful_revenge = 20;
    bs_attachment_factors(&m, 0, 0, &f, &g, &w);
    cr_expect_eq(g, 0, "never below 0");
}

/* Habit strength: a purchase adds habit_gain of what is left to 1, every step
 * takes habit_decay of it; a steady buyer's habit settles where gain and decay
 * balance, g f / (g f + d) for purchase frequency f, roughly. */
Test(mechanisms, habit_builds_with_purchases_and_fades_without)
{
    bs_model m = defaults();
    cr_expect_float_eq(bs_habit_next(&m, 0, 1), m.habit_gain, 1e-12);
    cr_expect_float_eq(bs_habit_next(&m, 0.5, 0), 0.5 * (1 - m.habit_decay), 1e-12);
    cr_expect_leq(bs_habit_next(&m, 1, 1), 1);
    double often = 0, seldom = 0;
    for (int t = 0; t < 2000; t++) {
        often = bs_habit_next(&m, often, t % 2 == 0);
        seldom = bs_habit_next(&m, seldom, t % 10 == 0);
    }
    cr_expect_gt(often, seldom + 0.2, "often %g seldom %g", often, seldom);
    const double f = 0.5, g = m.habit_gain, d = m.habit_decay;
    cr_expect(fabs(often - g * f / (g * f + d)) < 0.1, "often %g", often);
}

/* S2.2 (calibration, docs/CALIBRATION.md): a customer whose own records were
 * exposed feels breach_severity, one who only learns of the breach
 * breach_bystander of that; the privacy-concerned feel more, as
 * (concern / 0.55)^breach_concern_gain, and not at all so at gain 0. */
Test(mechanisms, breach_intensity_exposure_and_concern)
{
    bs_model m = defaults();
    cr_expect_float_eq(bs_breach_intensity(&m, 1, BS_CONCERN_REFERENCE), m.breach_severity, 1e-12);
    cr_expect_float_eq(bs_breach_intensity(&m, 0, BS_CONCERN_REFERENCE),
                       m.breach_severity * m.breach_bystander, 1e-12);
    cr_expect_gt(m.breach_concern_gain, 0);
    cr_expect_gt(bs_breach_intensity(&m, 1, 0.85), 3 * bs_breach_intensity(&m, 1, 0.55),
                 "a fundamentalist feels a breach far more");
    cr_expect_lt(bs_breach_intensity(&m, 1, 0.15), 0.1 * bs_breach_intensity(&m, 1, 0.55),
                 "the unconcerned hardly at all");
    m.breach_concern_gain = 0;
    cr_expect_float_eq(bs_breach_intensity(&m, 1, 0.85), bs_breach_intensity(&m, 1, 0.15), 1e-12);
}
