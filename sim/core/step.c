/*
 * step.c: one step of the market, every consumer in parallel (MODEL.md
 * "What happens in a step"): hear, appraise, feel, act, choose, update.
 *
 * Each consumer reads last step's state, its own stream of random numbers
 * (seed, consumer, step) and the step's context (built serially in run.c),
 * and writes only its own slots, its own outbox and its thread's
 * accumulators. No locks, no atomics, no allocation: the result is the same
 * for any number of threads.
 */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/mechanisms.h"
#include "core/network.h"
#include "core/rng.h"
#include "core/run.h"

/* Where a consumer's numbers go: its thread's accumulators, in the cells of
 * its privacy segment and norm (run.h). */
typedef struct {
    int64_t *acc;
    int B, consumer_cell;
} sink;

/* The accumulators of a relationship in strength segment g with brand b. */
static inline int64_t *cell_of(const sink *k, int g, int b)
{
    return k->acc + ((size_t)bs_cell(g, k->consumer_cell) * (size_t)k->B + (size_t)b) * NACC;
}

static inline void add(const sink *k, int g, int a, int b, int64_t v) { cell_of(k, g, b)[a] += v; }

/* The [0, 1] state is 16-bit fixed point (run.h). GET(f, s) reads st->f[s] as
 * a double; SET(f, s, x) stores x (clamped to [0, 1], rounded to nearest);
 * FADE(f, s, x) stores the new value of a quantity that decays by a factor
 * each step, so that the decay reaches 0 (bs_u16_fade). All expect `st`. */
#define GET(f, s) bs_u16_get(st->f[s])
#define SET(f, s, x) (st->f[s] = bs_u16_put(x))
#define FADE(f, s, x) (st->f[s] = bs_u16_fade(st->f[s], (x)))

/* Standard normal: GSL's ziggurat (Marsaglia & Tsang 2000) on the consumer's
 * stream; one 32-bit draw in about 99 % of calls and no libm call then (the
 * Box-Muller it replaced took two draws, a log, a sqrt and a cos). */
static inline double gaussian(bs_rng *r)
{
    gsl_rng g = bs_rng_gsl(r);
    return gsl_ran_gaussian_ziggurat(&g, 1.0);
}

/* End an active relationship: the consumer becomes a former customer. Shame
 * comes from self-relevance (F9); a clean break marks the consumer as helped
 * to move on (F10). */
static inline void exit_slot(const bs_run *run, size_t s, int b)
{
    bs_state *st = (bs_state *)&run->st;
    st->status[s] = SLOT_EXITED;
    st->shame[s] = bs_u16_put(bs_exit_shame(&run->sc.model, GET(S, s)));
    if (run->sc.brands[b].exit_policy == BS_EXIT_CLEAN_BREAK) st->flags[s] |= FLAG_MOVED_ON;
}

/* Choose the slot a new relationship takes: an empty one, else the former
 * relationship with the least drive left (it is forgotten); -1 if every slot
 * holds an active relationship (the consumer has no room for another brand). */
static inline int slot_for_new(const bs_state *st, size_t base, int K)
{
    int best = -1;
    double best_score = 1e9;
    for (int k = 0; k < K; k++) {
        size_t s = base + (size_t)k;
        if (st->status[s] == SLOT_ACTIVE) continue;
        double score = st->status[s] == SLOT_EMPTY ? -1.0 : GET(shame, s) + GET(revenge, s);
        if (score < best_score) { best_score = score; best = k; }
    }
    return best;
}

/* F10: the brand a clean break points the consumer to, drawn uniformly from
 * the brands it holds no slot for (active or exited; a consumer holds at
 * most one slot per brand); -1, with no draw, if it holds them all. */
static inline int unheld_brand(const bs_state *st, size_t base, int K, int B, bs_rng *r)
{
    int n_held = 0;
    for (int k = 0; k < K; k++) n_held += st->status[base + (size_t)k] != SLOT_EMPTY;
    if (n_held >= B) return -1;
    int j = (int)bs_rng_below(r, (uint32_t)(B - n_held));
    for (int b = 0;; b++) {
        int held = 0;
        for (int k = 0; k < K; k++)
            held |= st->status[base + (size_t)k] != SLOT_EMPTY && st->brand[base + (size_t)k] == b;
        if (!held && j-- == 0) return b;
    }
}

/* A complaint from source j is heard: every active relationship of the
 * listener with the brand complained about loses `hit` of confidence and of
 * benevolence. */
static inline void hear_from(bs_state *st, int64_t j, const int16_t *wom_in, size_t base, int K,
                             double hit)
{
    const int w = wom_in[j];
    for (int k = 0; k < K; k++) {
        size_t s = base + (size_t)k;
        if (st->brand[s] == w && st->status[s] == SLOT_ACTIVE) {
            SET(conf, s, GET(conf, s) - hit);
            SET(benev, s, GET(benev, s) - hit);
        }
    }
}

/* Step 1, hear: last step's complaints from the sources consumer i follows.
 * A source is heard if its bit is set in wom_bits. Every heard complaint
 * applies the same update, so the order of links does not matter and links
 * that cannot be heard may be skipped. In a small world of degree <= 16 away
 * from the ring's ends, one look at the 64 bits around i says whether any
 * ring neighbour complained; if none did, only the rewired links are
 * followed (about one in ten), and only they are hashed. */
static inline void hear(const bs_run *run, int64_t i, size_t base, int K)
{
    bs_state *st = (bs_state *)&run->st;
    const bs_network *net = &run->sc.network;
    const int16_t *wom_in = st->wom[run->t & 1];
    const uint64_t *sent = st->wom_bits; /* who complained: one bit each, in cache */
    const double hit = run->sc.model.wom_impact * GET(wom_susceptibility, i);
    const uint64_t key = run->net_key;
    const int64_t N = run->N;
#define SENT(j) ((sent[(j) >> 6] >> ((j)&63)) & 1)
    const int small_world = net->kind == BS_NET_SMALL_WORLD;
    const unsigned rewired = small_world ? st->rewired[i] : 0;
    if (small_world && net->degree <= BS_NET_MASKED_LINKS && i >= 32 && i + 32 <= N) {
        const int64_t p = i - 32; /* bit q of the window is consumer p + q */
        const int sh = (int)(p & 63);
        uint64_t window = sent[p >> 6] >> sh;
        if (sh) window |= sent[(p >> 6) + 1] << (64 - sh);
        const int half = (net->degree + 1) / 2; /* ring offsets 1..half each side */
        const uint64_t ring = (((1ULL << (2 * half + 1)) - 1) << (32 - half)) & ~(1ULL << 32);
        if (!(window & ring)) { /* no ring neighbour complained: the rewired links only */
            for (unsigned mask = rewired; mask; mask &= mask - 1) {
                const int l = __builtin_ctz(mask);
                const int64_t j = bs_network_rewired_source(bs_network_hash(key, i, l), N, i);
                if (SENT(j)) hear_from(st, j, wom_in, base, K, hit);
            }
            return;
        }
    }
    for (int l = 0; l < net->degree; l++) {
        const int64_t j = small_world && l < BS_NET_MASKED_LINKS && !((rewired >> l) & 1)
                              ? bs_network_ring(N, i, l) /* a ring link: no hash */
                              : bs_network_source(net, key, N, i, l);
        if (SENT(j)) hear_from(st, j, wom_in, base, K, hit);
    }
#undef SENT
}

static void consumer_step(const bs_run *run, int64_t i, bs_accum *ac)
{
    const bs_scenario *sc = &run->sc;
    const bs_model *m = &sc->model;
    const bs_context *c = &run->ctx;
    bs_state *st = (bs_state *)&run->st;
    const int K = run->K, t = run->t;
    const size_t base = (size_t)i * (size_t)K;
    const int seg = st->segment[i];
    const int norm = SEG_NORM(seg);
    const double grudge = GET(grudge, i);
    double distrust = GET(distrust, i);
    bs_rng r;
    bs_rng_init(&r, sc->seed, BS_RNG_STEP, (uint64_t)i, (uint32_t)t);
    bs_rng_prime(&r); /* every consumer draws: at least the purchase, or the choice */
    double betrayal_in[BS_MAX_SLOTS]; /* new betrayal felt this step, per slot */
    for (int k = 0; k < K; k++) betrayal_in[k] = 0; /* K of them: cheaper than = {0} */
    int helped = 0; /* F10: a clean break this step points the consumer to a competitor */
    const sink sk = {ac->acc, run->B, bs_consumer_cell((uint8_t)seg)};

    /* 0. before the first shock, strength segments follow R; then freeze (R0) */
    if (t <= run->reference_step)
        for (int k = 0; k < K; k++) {
            size_t s = base + (size_t)k;
            if (st->status[s] != SLOT_ACTIVE) continue;
            st->R0[s] = st->R[s];
            st->flags[s] = (uint8_t)((st->flags[s] & ~FLAG_STRONG) |
                                     (st->R[s] >= run->first.strong ? FLAG_STRONG : 0));
        }

    /* 1. hear: last step's complaints from the sources this consumer follows */
    if (sc->network.kind != BS_NET_NONE && run->wom_senders > 0) hear(run, i, base, K);

    /* 2. appraise this step's shocks and the brands' responses */
    if (c->any) {
        int heard = c->news_reach > 0 && bs_rng_bernoulli(&r, c->news_reach);
        if (heard) /* F2: a breach anywhere makes the whole category look unsafe */
            distrust = bs_clamp01(distrust + m->spillover * sqrt(c->news_size) * (1 - distrust));
        for (int k = 0; k < K; k++) {
            size_t s = base + (size_t)k;
            int b = st->brand[s];
            if (st->status[s] == SLOT_EXITED && c->win_back[b]) { /* F10: reopens the wound */
                if (bs_rng_bernoulli(&r, m->win_back_success * (1 - GET(shame, s)) *
                                             (1 - GET(revenge, s)))) { /* ... or wins one back */
                    st->status[s] = SLOT_ACTIVE;
                    st->avoid[s] = 0;
                    st->shame[s] = 0;
                    st->flags[s] &= (uint8_t)~FLAG_MOVED_ON;
                    continue;
                }
                const double sting = m->win_back_sting * GET(S, s);
                SET(shame, s, GET(shame, s) + sting * (1 - GET(shame, s)));
                betrayal_in[k] += sting * GET(shame, s); /* revenge rekindled */
                continue;
            }
            if (st->status[s] != SLOT_ACTIVE) continue;
            const double R = GET(R, s);
            const int clarified = (st->flags[s] & FLAG_CLARIFIED) != 0;
            if (c->breach[b] > 0) {
                if (c->notify[b] || bs_rng_bernoulli(&r, c->breach_reach[b])) { /* F1, F5 */
                    st->R0[s] = st->R[s];
                    const bs_brand *br = &sc->brands[b];
                    double v = bs_breach_violation(m, c->breach[b], c->breach_kind[b], norm,
                                                   GET(D, s), R) *
                               bs_policy_buffer(m, br->transparency, br->control); /* F3 */
                    SET(conf, s, GET(conf, s) - m->breach_confidence_hit * v);
                    SET(benev, s, GET(benev, s) - m->breach_benevolence_hit * v);
                    betrayal_in[k] += v;
                }
            } else if (heard) { /* seed 000: relief that one's own retailer was spared */
                SET(benev, s, GET(benev, s) + m->relief * (1 - GET(benev, s)));
                if (c->contagion[b] > 0) /* F2: but can one like it keep my data safe? */
                    SET(conf, s, GET(conf, s) * (1 - c->contagion[b]));
            }
            if (c->betrayal[b] > 0) { /* F5, F11, F12 */
                st->R0[s] = st->R[s];
                double f = bs_betrayal_felt(m, c->betrayal[b], c->act[b], norm, clarified, R);
                SET(benev, s, GET(benev, s) - m->betrayal_benevolence_hit * f);
                betrayal_in[k] += f;
            }
            if (c->failure[b] > 0 && bs_rng_bernoulli(&r, c->failure[b])) { /* F8 */
                st->R0[s] = st->R[s];
                st->flags[s] |= FLAG_FAILED;
                SET(conf, s, GET(conf, s) - m->failure_confidence_hit);
                betrayal_in[k] += m->failure_betrayal;
            }
            if (c->recovery[b] && (st->flags[s] & FLAG_FAILED)) {
                st->flags[s] &= (uint8_t)~FLAG_FAILED;
                if (c->recovery[b] == BS_RECOVERY_POOR) /* F8: the double deviation */
                    betrayal_in[k] +=
                        m->double_deviation * bs_closeness_factor(m, clarified, GET(R0, s));
                else { /* a good recovery works like compensation, late ones less (F8) */
                    double e = bs_response_effect(m, BS_RESPONSE_COMPENSATION,
                                                  c->recovery_delay[b], GET(R0, s));
                    betrayal_in[k] *= 1 - e; /* a recovery in the failure's own step */
                    SET(betrayal, s, GET(betrayal, s) * (1 - e));
                    SET(revenge, s, GET(revenge, s) * (1 - e));
                }
            }
            if (c->response[b]) { /* F3, F7 */
                double e = bs_response_effect(m, c->response[b], c->response_delay[b], GET(R0, s));
                betrayal_in[k] *= 1 - e; /* a response in the shock's own step (delay 0) */
                SET(betrayal, s, GET(betrayal, s) * (1 - e));
                SET(revenge, s, GET(revenge, s) * (1 - e));
                if (c->response[b] == BS_RESPONSE_TRANSPARENCY_CONTROL)
                    SET(benev, s, GET(benev, s) + e * (1 - GET(benev, s)));
            }
            if (c->forced_exit[b] > 0 && bs_rng_bernoulli(&r, c->forced_exit[b])) { /* F9 */
                st->R0[s] = st->R[s];
                exit_slot(run, s, b);
                helped |= sc->brands[b].exit_policy == BS_EXIT_CLEAN_BREAK;
                add(&sk, bs_strength_segment(st->flags[s]), ACC_EXITS, b, 1);
            }
        }
    }

    /* 3. feel (F6, F7, F10) */
    uint16_t best_R = 0; /* best active R, as stored (0 if none) */
    for (int k = 0; k < K; k++) {
        size_t s = base + (size_t)k;
        if (st->status[s] == SLOT_ACTIVE && st->R[s] > best_R) best_R = st->R[s];
    }
    const double best_active_R = bs_u16_get(best_R);
    const double concern = GET(concern, i);
    /* C3: irritable iff concern > irritation_concern_floor (bs_irritability > 0),
     * decided without waiting for the division */
    const int irritable = concern > m->irritation_concern_floor;
    const double irritability = irritable ? bs_irritability(m, concern) : 0;
    /* and 4. act (F1, F6, F8, F9) in the same pass, each slot right after it
     * feels: act reads only its own slot's feelings, and feel reads nothing act
     * writes (the D of other slots, the slot's own status), so one pass gives
     * the numbers of two, with the draws in the same order */
    int wom_brand = -1;
    double wom_level = 0;
    for (int k = 0; k < K; k++) {
        size_t s = base + (size_t)k;
        if (st->status[s] == SLOT_EMPTY) continue;
        const int felt = (st->betrayal[s] | st->revenge[s]) != 0 || betrayal_in[k] != 0;
        if (!felt && (st->status[s] == SLOT_ACTIVE
                          ? (st->avoid[s] | (irritable ? st->irritation[s] : 0))
                          : st->shame[s]) == 0)
            continue; /* nothing felt and nothing to fade: every update gives 0, and with
                       * no revenge, avoidance or shame there is nothing to act on */
        const double R0 = GET(R0, s);
        double bet = 0; /* unfelt: betrayal and revenge are 0 and stay 0 */
        if (felt) {
            bet = bs_clamp01(GET(betrayal, s) * (1 - m->betrayal_memory) + betrayal_in[k]);
            FADE(betrayal, s, bet);
            FADE(revenge, s, bs_revenge_next(m, GET(revenge, s), R0, grudge, betrayal_in[k]));
        }
        if (st->status[s] == SLOT_ACTIVE) { /* C3: irritation, like betrayal, drives avoidance */
            const double irr = bs_irritation_avoidance(m, GET(irritation, s), irritability);
            FADE(avoid, s, bs_avoid_next(m, GET(avoid, s), R0, bet > irr ? bet : irr));
        }
        else {
            double new_R =
                best_active_R + ((st->flags[s] & FLAG_MOVED_ON) ? m->clean_break_boost : 0);
            FADE(shame, s, bs_shame_next(m, GET(shame, s), new_R));
        }

        /* 4. act: revenge acts, exit */
        const int b = st->brand[s];
        const int seg_strength = bs_strength_segment(st->flags[s]);
        if (st->revenge[s] >= run->first.act) { /* revenge > act_threshold */
            const double rv = GET(revenge, s);
            if (bs_rng_bernoulli(&r, bs_act_probability(m, m->p_wom, rv))) {
                add(&sk, seg_strength, ACC_WOM, b, 1);
                if (rv > wom_level) { wom_level = rv; wom_brand = b; }
            }
            if (st->status[s] == SLOT_ACTIVE &&
                bs_rng_bernoulli(&r, bs_act_probability(m, m->p_withhold, rv))) {
                add(&sk, seg_strength, ACC_WITHHOLD, b, 1);
                SET(D, s, GET(D, s) * (1 - m->withhold_amount));
                for (int j = 0; j < K; j++)
                    if (j != k && st->status[base + (size_t)j] == SLOT_ACTIVE)
                        SET(D, base + j,
                            GET(D, base + j) * (1 - m->withhold_amount * m->withhold_spill));
            }
            if (bs_rng_bernoulli(&r, bs_act_probability(m, m->p_antibrand, rv)))
                add(&sk, seg_strength, ACC_ANTIBRAND, b, 1);
        }
        if (st->status[s] == SLOT_EXITED && st->shame[s] > 0 &&
            bs_rng_bernoulli(&r, m->p_antibrand_exit * GET(shame, s))) /* F9: shame drives it */
            add(&sk, seg_strength, ACC_ANTIBRAND, b, 1);
        if (st->status[s] == SLOT_ACTIVE &&
            st->avoid[s] >= run->first.exit) { /* avoid > exit_threshold */
            exit_slot(run, s, b);
            helped |= sc->brands[b].exit_policy == BS_EXIT_CLEAN_BREAK;
            add(&sk, seg_strength, ACC_EXITS, b, 1);
        }
    }
    st->wom[(t + 1) & 1][i] = (int16_t)wom_brand;

    /* 5. choose: multinomial logit over brands held and not avoided, one
     *    discovered brand, and buying nothing (F2: distrust favours it) */
    const int last = st->last_brand[i];
    int bought_slot = -1, bought_brand = -1;
    if (helped || bs_rng_bernoulli(&r, m->purchase_rate)) { /* helped: shown a competitor now */
        double U[BS_MAX_SLOTS + 2];
        int cand_slot[BS_MAX_SLOTS + 2], cand_brand[BS_MAX_SLOTS + 2], n = 0;
        const double ps = GET(price_sensitivity, i);
        for (int k = 0; k < K; k++) {
            size_t s = base + (size_t)k;
            if (st->status[s] != SLOT_ACTIVE || st->avoid[s] >= run->first.avoid) continue;
            const int b = st->brand[s];
            const bs_brand *br = &sc->brands[b];
            const double D = GET(D, s);
            double trust = 0.5 * (GET(conf, s) + GET(benev, s));
            double pv = bs_personalization_value(br->personalization, br->relevance, D, trust,
                                                 br->control);
            double creepy = br->personalization * bs_creepiness(br->personalization, D, trust);
            U[n] = m->beta_quality * br->quality - m->beta_price * ps * br->price +
                   m->beta_relationship * GET(R, s) + m->beta_trust * trust +
                   m->beta_personalization * pv - m->beta_creepy * creepy +
                   (b == last ? m->beta_habit : 0);
            cand_slot[n] = k;
            cand_brand[n++] = b;
        }
        if (helped || bs_rng_bernoulli(&r, m->discovery_rate)) {
            /* discovery: a brand drawn from all B, nothing if already held; a clean
             * break (F10) points to one the consumer does not hold */
            const int b = helped ? unheld_brand(st, base, K, run->B, &r)
                                 : (int)bs_rng_below(&r, (uint32_t)run->B);
            int held = b < 0 || slot_for_new(st, base, K) < 0; /* no room: nothing new */
            for (int k = 0; k < K; k++)
                held |= st->status[base + k] != SLOT_EMPTY && st->brand[base + k] == b;
            if (!held) {
                const bs_brand *br = &sc->brands[b];
                U[n] = m->beta_quality * br->quality - m->beta_price * ps * br->price +
                       m->beta_relationship * m->new_relationship_quality +
                       m->beta_trust * br->appeal * (1 - distrust);
                cand_slot[n] = -1;
                cand_brand[n++] = b;
            }
        }
        U[n] = m->outside_utility + m->beta_distrust * distrust;
        cand_slot[n] = -2;
        cand_brand[n++] = -1;
        double umax = U[0];
        for (int q = 1; q < n; q++) umax = U[q] > umax ? U[q] : umax;
        double w[BS_MAX_SLOTS + 2], total = 0;
        for (int q = 0; q < n; q++) { /* exp(0) is 1: the best candidates need no call */
            const double d = U[q] - umax;
            total += w[q] = d == 0 ? 1.0 : exp(d);
        }
        double u = bs_rng_uniform(&r) * total;
        int pick = n - 1;
        for (int q = 0; q < n; q++) {
            if (u < w[q]) { pick = q; break; }
            u -= w[q];
        }
        if (cand_slot[pick] == -2) {
            ac->mkt[MKT_NO_PURCHASE]++;
        } else {
            bought_brand = cand_brand[pick];
            bought_slot = cand_slot[pick];
            if (bought_slot == -1) { /* a new relationship begins */
                const bs_brand *br = &sc->brands[bought_brand];
                bought_slot = slot_for_new(st, base, K);
                size_t s = base + (size_t)bought_slot;
                st->brand[s] = (int16_t)bought_brand;
                st->status[s] = SLOT_ACTIVE;
                st->flags[s] = (uint8_t)((br->clarifies ? FLAG_CLARIFIED : 0) |
                                         (t >= run->reference_step ? FLAG_NEW : 0));
                st->R[s] = st->R0[s] = bs_u16_put(m->new_relationship_quality);
                st->conf[s] = bs_u16_put(0.5 * br->quality + 0.25);
                st->benev[s] = bs_u16_put(0.5 * (1 - distrust));
                st->S[s] = st->D[s] = 0;
                st->betrayal[s] = st->revenge[s] = st->avoid[s] = st->shame[s] = 0;
                st->irritation[s] = 0;
            }
        }
    }

    /* 6. update relationships (MODEL.md step 5) and 7. record them, in one pass */
    const double base_willing = 1.0 - concern;
    for (int k = 0; k < K; k++) {
        size_t s = base + (size_t)k;
        const int status = st->status[s];
        if (status == SLOT_EMPTY) continue;
        const int b = st->brand[s];
        const bs_brand *br = &sc->brands[b];
        if (status == SLOT_ACTIVE) {
            const double bet = GET(betrayal, s);
            double R = GET(R, s), benev = GET(benev, s); /* new values, used as computed */
            /* C3: an irrelevant personalized message reaches a customer, buying or not
             * (no draw where it cannot: a brand that does not personalize, or fits) */
            const double p_message = br->personalization * (1 - br->relevance);
            const int message = p_message > 0 && bs_rng_bernoulli(&r, p_message);
            if (message) st->flags[s] |= FLAG_IRRITATED;
            FADE(irritation, s, bs_irritation_next(m, GET(irritation, s), message));
            if (k == bought_slot) {
                double q = br->quality + m->quality_noise * gaussian(&r);
                double sat = bs_clamp01(q - (message ? m->irrelevance_irritation : 0));
                R = bs_clamp01(R + m->learning_rate * (sat * (1 - bet) - R));
                SET(conf, s, GET(conf, s) + m->trust_rate * (bs_clamp01(q) - GET(conf, s)));
                double target =
                    bs_benevolence_target(m, br->transparency, br->control, br->norm, norm);
                benev = bs_clamp01(benev + m->trust_rate * (target - benev));
                SET(benev, s, benev);
                /* F9: the brand becomes part of the self through self-relevance,
                 * not satisfaction */
                SET(S, s,
                    GET(S, s) + m->self_brand_rate * GET(self_relevance, i) * (1 - GET(S, s)));
                SET(R, s, R);
            } else {
                R *= 1 - m->forgetting;
                FADE(R, s, R);
            }
            double willing = bs_willingness(m, base_willing, R, benev, br->transparency,
                                            br->control, distrust) *
                             (1 - bet);
            SET(D, s, GET(D, s) + m->disclosure_rate * (willing - GET(D, s)));
        }
        /* 7. record: every slot's state */
        int64_t *a = cell_of(&sk, bs_strength_segment(st->flags[s]), b);
        if (st->revenge[s] | st->avoid[s] | st->betrayal[s]) { /* most relationships: all 0 */
            a[ACC_SUM_REVENGE] += st->revenge[s];
            a[ACC_SUM_AVOID] += st->avoid[s];
            a[ACC_BETRAYED] += st->betrayal[s] >= run->first.betrayed;
            a[ACC_SUM_BETRAYAL] += st->betrayal[s];
        }
        if (st->flags[s] & FLAG_IRRITATED) { /* C3 */
            int left = status != SLOT_ACTIVE;
            a[ACC_STOP_VISIT] += left || st->avoid[s] >= run->first.avoid;
            a[ACC_STOP_BUY] += left;
        }
        if (status == SLOT_ACTIVE) {
            a[ACC_ACTIVE]++;
            a[ACC_AVOIDING] += st->avoid[s] >= run->first.avoid;
            a[ACC_SUM_R] += st->R[s];
            a[ACC_SUM_CONF] += st->conf[s];
            a[ACC_SUM_BENEV] += st->benev[s];
            a[ACC_SUM_D] += st->D[s];
            /* F4: the personalized offer's propensity, rho D T (1 + kappa) with
             * T = (conf + benev) / 2, as the exact integer D (conf + benev) in
             * stored units; the brand's factor is applied in the reduction. The
             * generic offer's, T, is formed there from the sums of conf and benev. */
            a[ACC_SUM_OFFER_P] += (int64_t)st->D[s] * (st->conf[s] + st->benev[s]);
        } else {
            a[ACC_FORMER]++;
            a[ACC_SUM_SHAME] += st->shame[s];
        }
    }
    FADE(distrust, i, distrust * (1 - m->distrust_decay));
    distrust = GET(distrust, i); /* what is stored is what is reported */

    /* 7. record: loyalty and defection */
    if (bought_brand >= 0) {
        size_t s = base + (size_t)bought_slot;
        int seg_strength = bs_strength_segment(st->flags[s]);
        add(&sk, seg_strength, ACC_PURCHASES, bought_brand, 1);
        ac->mkt[MKT_PURCHASES]++;
        if (last == bought_brand)
            add(&sk, seg_strength, ACC_REPEAT, bought_brand, 1);
        else if (last >= 0) {
            int seg_left = BS_SEG_NEW; /* the relationship left, if still held */
            for (int k = 0; k < K; k++)
                if (st->status[base + k] != SLOT_EMPTY && st->brand[base + k] == last)
                    seg_left = bs_strength_segment(st->flags[base + k]);
            add(&sk, seg_left, ACC_DEF_OUT, last, 1);
            add(&sk, seg_strength, ACC_DEF_IN, bought_brand, 1);
        }
        st->last_brand[i] = (int16_t)bought_brand;
    }
    ac->mkt[MKT_SUM_DISTRUST] += st->distrust[i];
    double w0 = base_willing - distrust; /* C2: willingness before any relationship */
    ac->mkt[MKT_LOCATION] += w0 >= sc->population.location_threshold;
    ac->mkt[MKT_BROWSING] += w0 >= sc->population.browsing_threshold;
}

void bs_step_consumers(bs_run *run)
{
    const int64_t N = run->N;
    const size_t n_acc = (size_t)BS_CELLS * (size_t)run->B * NACC;
    /* zero every thread's accumulators here: OpenMP may give fewer threads */
    for (int th = 0; th < run->threads; th++) {
        memset(run->accum[th].acc, 0, n_acc * sizeof *run->accum[th].acc);
        memset(run->accum[th].mkt, 0, sizeof run->accum[th].mkt);
    }
    const int64_t n_words = (N + 63) / 64;
    int64_t senders = 0;
#pragma omp parallel num_threads(run->threads)
    {
        bs_accum *ac = &run->accum[omp_get_thread_num()];
#pragma omp for schedule(static)
        for (int64_t i = 0; i < N; i++) consumer_step(run, i, ac);
        /* after every outbox is written: who complained, for the next step's listeners */
        const int16_t *out = run->st.wom[(run->t + 1) & 1];
        uint64_t *bits = run->st.wom_bits;
#pragma omp for schedule(static) reduction(+ : senders)
        for (int64_t w = 0; w < n_words; w++) {
            const int64_t first = w * 64, n = N - first < 64 ? N - first : 64;
            uint64_t word = 0;
            for (int q = 0; q < n; q++) word |= (uint64_t)(out[first + q] >= 0) << q;
            bits[w] = word;
            senders += __builtin_popcountll(word);
        }
    }
    run->wom_senders = senders;
}
