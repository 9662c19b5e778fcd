/* SPDX-License-Identifier: MIT */
/*
 * step.c: one step of the market, every consumer in parallel (MODEL.md
 * "Process overview and scheduling"): each consumer runs the submodels
 * S0-S7 of MODEL.md, one inline function each, named after them: classify,
 * hear, appraise, feel and act (one pass), choose, update and record (one
 * pass).
 *
 * Each consumer reads last step's state, its own stream of random numbers
 * (seed, consumer, step) and the step's context (built serially in run.c),
 * and writes only its own slots, its own outbox and its thread's
 * accumulators. No locks, no atomics, no allocation: the result is the same
 * for any number of threads.
 */
#include <assert.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <omp.h>
#include <string.h>

#include "core/mechanisms.h"
#include "core/network.h"
#include "core/rng.h"
#include "core/step.h"

/* Where a consumer's numbers go: its thread's accumulators, in the cells of
 * its privacy segment and norm (state.h). */
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

/* The [0, 1] state is 16-bit fixed point (state.h). GET(f, s) reads st->f[s] as
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

/* F10: whether brand br's exit policy reaches a former customer who left on
 * its own (dropped 0) or was dropped by the brand (dropped 1). */
static inline int exit_policy_reaches(const bs_brand *br, int dropped)
{
    return br->exit_policy_scope == BS_SCOPE_ALL ||
           (br->exit_policy_scope == BS_SCOPE_DROPPED) == (dropped != 0);
}

/* End an active relationship: the consumer becomes a former customer, one
 * the brand dropped (forced exit) or one who left on its own. Shame comes
 * from self-relevance (F9); a clean break that reaches it marks the consumer
 * as helped to move on (F10). Returns 1 on a clean break (the consumer is then
 * shown a competitor). */
static inline int exit_slot(const bs_run *run, size_t s, int b, int dropped)
{
    bs_state *st = (bs_state *)&run->st;
    const bs_brand *br = &run->sc.brands[b];
    st->status[s] = SLOT_EXITED;
    st->shame[s] = bs_u16_put(bs_exit_shame(&run->sc.model, GET(S, s)));
    st->flags[s] = (uint8_t)((st->flags[s] & ~FLAG_DROPPED) | (dropped ? FLAG_DROPPED : 0));
    const int clean = br->exit_policy == BS_EXIT_CLEAN_BREAK && exit_policy_reaches(br, dropped);
    if (clean) st->flags[s] |= FLAG_MOVED_ON;
    return clean;
}

/* Whether the avoidance at slot s is past a behavioural threshold (stop
 * buying: avoid_threshold, not strict; exit: exit_threshold, strict), which
 * habit strength raises by habit_hold x H: routine and switching costs hold
 * behaviour while the attitude sours. `first` is the threshold's first stored
 * value (bs_u16_first): below it no habit matters, and most slots stop there. */
static inline int past_threshold(const bs_state *st, const bs_model *m, size_t s, int first,
                                 double threshold, int strict)
{
    if (st->avoid[s] < first) return 0;
    if (st->H[s] == 0 || m->habit_hold == 0) return 1;
    const double a = GET(avoid, s), t = threshold + m->habit_hold * GET(H, s);
    return strict ? a > t : a >= t;
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

/* ---- one consumer's step: the submodels S0-S7 of MODEL.md ---------------- */

/* The submodels are called once each, from consumer_step, and must fold into
 * it: left to itself GCC 12 inlines only some of them (its growth limits for
 * one function), and a submodel left as a call keeps the `consumer` below in
 * memory, where every byte store (status, flags) forces its fields to be
 * read again: 5 % more instructions on market-100k than the single function
 * this file had before (cachegrind), 10 % when only choose and act are
 * forced. Forced, all of them (hear too, a call before) compile into
 * consumer_step, with 1 % fewer instructions than before. */
#define STEP_INLINE static inline __attribute__((always_inline))

/* What a consumer's submodels share, built once per consumer by
 * consumer_step and passed by pointer. */
typedef struct {
    const bs_run *run;
    const bs_model *m;
    bs_state *st;
    int64_t i;
    size_t base; /* its first slot, i * K */
    int K, t, norm;
    sink sk; /* its thread's accumulators, in its privacy segment and norm */
    /* observation by quantile bin (state.h): the thread's strength-bin accumulators once
     * bins are assigned (from the reference step on), and those of the consumer's trait
     * bin; NULL when a grouping is off (or, for strength, before the reference step) */
    int64_t *qs, *qt;
} consumer;

/* The accumulators (Q_*) of brand b in the strength bin of slot s, NULL if it has none
 * (or strength bins are off, or not yet assigned). */
STEP_INLINE int64_t *qcell(const consumer *cs, size_t s, int b)
{
    if (!cs->qs) return NULL;
    const unsigned q = cs->st->qbin[s];
    return q == BS_QBIN_NONE ? NULL : cs->qs + ((size_t)q * (size_t)cs->sk.B + (size_t)b) * NQACC;
}

/* Add v to quantity a (Q_*) of brand b in the strength bin of slot s, if it has one, and
 * in the consumer's trait bin: observation only, a few integer adds. */
STEP_INLINE void qadd(const consumer *cs, size_t s, int b, int a, int64_t v)
{
    int64_t *x = qcell(cs, s, b);
    if (x) x[a] += v;
    if (cs->qt) cs->qt[(size_t)b * NQACC + a] += v;
}

/* S0. Strength classification: until the reference step (the caller checks),
 * every active slot sets R0 = R and its strong flag from R; after it the
 * flags are frozen. */
STEP_INLINE void classify(const consumer *cs)
{
    bs_state *st = cs->st;
    for (int k = 0; k < cs->K; k++) {
        size_t s = cs->base + (size_t)k;
        if (st->status[s] != SLOT_ACTIVE) continue;
        st->R0[s] = st->R[s];
        st->flags[s] = (uint8_t)((st->flags[s] & ~FLAG_STRONG) |
                                 (st->R[s] >= cs->run->first.strong ? FLAG_STRONG : 0));
    }
}

/* S1, one source: a complaint from source j is heard: every active
 * relationship of the listener with the brand complained about loses `hit`
 * of confidence and of benevolence; one that holds no grievance (betrayal 0)
 * feels `anger` of betrayal, once however many complaints it hears: anger
 * that travels. Only the unaggrieved are moved, so complainers cannot feed
 * each other's revenge without end (an SIR, not an SIS, cascade). */
STEP_INLINE void hear_from(const consumer *cs, int64_t j, const int16_t *wom_in, double hit,
                             double anger, double *betrayal_in)
{
    bs_state *st = cs->st;
    const int w = wom_in[j];
    assert(w >= 0 && w < cs->run->B); /* only a source whose bit is set is heard */
    for (int k = 0; k < cs->K; k++) {
        size_t s = cs->base + (size_t)k;
        if (st->brand[s] == w && st->status[s] == SLOT_ACTIVE) {
            SET(conf, s, GET(conf, s) - hit);
            SET(benev, s, GET(benev, s) - hit);
            /* vicarious betrayal: once, in a relationship free of grievance */
            if (st->betrayal[s] == 0 && betrayal_in[k] == 0) betrayal_in[k] = anger;
            add(&cs->sk, bs_strength_segment(st->flags[s]), ACC_HEARD, w, 1);
        }
    }
}

/* S1. Hear: last step's complaints from the sources consumer i follows.
 * A source is heard if its bit is set in wom_bits. Every heard complaint
 * applies the same update, so the order of links does not matter and links
 * that cannot be heard may be skipped. In a small world of degree <= 16 away
 * from the ring's ends, one look at the 64 bits around i says whether any
 * ring neighbour complained; if none did, only the rewired links are
 * followed (about one in ten), and only they are hashed. Nothing to do
 * without a network or when nobody complained last step. */
STEP_INLINE void hear(const consumer *cs, double *betrayal_in)
{
    const bs_run *run = cs->run;
    const bs_network *net = &run->sc.network;
    if (net->kind == BS_NET_NONE || run->wom_senders == 0) return;
    const bs_state *st = cs->st;
    const int64_t i = cs->i;
    const int16_t *wom_in = st->wom[run->t & 1];
    const uint64_t *sent = st->wom_bits; /* who complained: one bit each, in cache */
    const double susceptibility = GET(wom_susceptibility, i);
    const double hit = run->sc.model.wom_impact * susceptibility;
    const double anger = run->sc.model.wom_anger * susceptibility;
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
                if (SENT(j)) hear_from(cs, j, wom_in, hit, anger, betrayal_in);
            }
            return;
        }
    }
    for (int l = 0; l < net->degree; l++) {
        const int64_t j = small_world && l < BS_NET_MASKED_LINKS && !((rewired >> l) & 1)
                              ? bs_network_ring(N, i, l) /* a ring link: no hash */
                              : bs_network_source(net, key, N, i, l);
        assert(j >= 0 && j < N);
        if (SENT(j)) hear_from(cs, j, wom_in, hit, anger, betrayal_in);
    }
#undef SENT
}

/* S2.1 Breach news and spillover (F2): whether the consumer hears this
 * step's breach news; if it does, a breach anywhere makes the whole category
 * look unsafe (*distrust rises). */
STEP_INLINE int appraise_news(const consumer *cs, bs_rng *r, double *distrust)
{
    const bs_context *c = &cs->run->ctx;
    const int heard = c->news_reach > 0 && bs_rng_bernoulli(r, c->news_reach);
    if (heard)
        *distrust = bs_clamp01(*distrust + cs->m->spillover * sqrt(c->news_size) * (1 - *distrust));
    return heard;
}

/* S2.8 Win-back contact (F10) at exited slot s: it wins the customer back,
 * or reopens the wound (shame, and new betrayal `*in` that rekindles
 * revenge). */
STEP_INLINE void appraise_win_back(const consumer *cs, bs_rng *r, size_t s, double *in)
{
    bs_state *st = cs->st;
    const bs_model *m = cs->m;
    if (bs_rng_bernoulli(r, m->win_back_success * (1 - GET(shame, s)) * (1 - GET(revenge, s)))) {
        st->status[s] = SLOT_ACTIVE;
        st->avoid[s] = 0;
        st->shame[s] = 0;
        st->flags[s] &= (uint8_t)~FLAG_MOVED_ON;
        return;
    }
    const double sting = m->win_back_sting * GET(S, s);
    st->flags[s] |= FLAG_DIRECT;
    SET(shame, s, GET(shame, s) + sting * (1 - GET(shame, s)));
    *in += sting * GET(shame, s); /* revenge rekindled */
}

/* S2.2 Privacy breach (F1, F5, F3) at active slot s of brand b, if the
 * consumer learns of it; else, if it heard the news, relief that its own
 * brand was spared (seed 000) and guilt by association (F2). */
STEP_INLINE void appraise_breach(const consumer *cs, bs_rng *r, size_t s, int b, int heard,
                                   double *in)
{
    bs_state *st = cs->st;
    const bs_model *m = cs->m;
    const bs_context *c = &cs->run->ctx;
    if (c->breach[b] > 0) {
        /* the breach's size is the share of customers whose records it exposed;
         * the brand notifies those, the rest learn from the media or not at all */
        const int exposed = bs_rng_bernoulli(r, c->breach[b]);
        if ((exposed && c->notify[b]) || bs_rng_bernoulli(r, c->breach_reach[b])) { /* F1, F5 */
            st->R0[s] = st->R[s];
            st->flags[s] |= FLAG_DIRECT;
            const bs_brand *br = &cs->run->sc.brands[b];
            const double intensity = bs_breach_intensity(m, exposed, GET(concern, cs->i));
            /* at most 1, the most betrayal one shock can add, so that a response in
             * the shock's own step (S2.5) cuts what is felt */
            double v = fmin(1.0, bs_breach_violation(m, intensity, c->breach_kind[b], cs->norm,
                                                     GET(D, s), GET(R, s)) *
                                     bs_policy_buffer(m, br->transparency, br->control)); /* F3 */
            SET(conf, s, GET(conf, s) - m->breach_confidence_hit * v);
            SET(benev, s, GET(benev, s) - m->breach_benevolence_hit * v);
            *in += v;
        }
    } else if (heard) { /* seed 000: relief that one's own retailer was spared, as
                         * large as the news is bad */
        SET(benev, s, GET(benev, s) + m->relief * sqrt(c->news_size) * (1 - GET(benev, s)));
        if (c->contagion[b] > 0) /* F2: but can one like it keep my data safe? */
            SET(conf, s, GET(conf, s) * (1 - c->contagion[b]));
    }
}

/* S2.3 Betrayal, a norm-violating act of brand b (F5, F11, F12), at active
 * slot s. */
STEP_INLINE void appraise_betrayal(const consumer *cs, size_t s, int b, double *in)
{
    bs_state *st = cs->st;
    const bs_model *m = cs->m;
    const bs_context *c = &cs->run->ctx;
    if (c->betrayal[b] > 0) {
        st->R0[s] = st->R[s];
        st->flags[s] |= FLAG_DIRECT;
        const int clarified = (st->flags[s] & FLAG_CLARIFIED) != 0;
        double f = bs_betrayal_felt(m, c->betrayal[b], c->act[b], cs->norm, clarified, GET(R, s));
        SET(benev, s, GET(benev, s) - m->betrayal_benevolence_hit * f);
        *in += f;
    }
}

/* S2.4 Service failure and recovery at brand b (F8, F5), at active slot s. */
STEP_INLINE void appraise_failure(const consumer *cs, bs_rng *r, size_t s, int b, double *in)
{
    bs_state *st = cs->st;
    const bs_model *m = cs->m;
    const bs_context *c = &cs->run->ctx;
    if (c->failure[b] > 0 && bs_rng_bernoulli(r, c->failure[b])) { /* F8 */
        st->R0[s] = st->R[s];
        st->flags[s] |= FLAG_FAILED | FLAG_DIRECT;
        SET(conf, s, GET(conf, s) - m->failure_confidence_hit);
        *in += m->failure_betrayal;
    }
    if (c->recovery[b] && (st->flags[s] & FLAG_FAILED)) {
        st->flags[s] &= (uint8_t)~FLAG_FAILED;
        const int clarified = (st->flags[s] & FLAG_CLARIFIED) != 0;
        if (c->recovery[b] == BS_RECOVERY_POOR) /* F8: the double deviation */
            *in += m->double_deviation * bs_closeness_factor(m, clarified, GET(R0, s));
        else { /* a good recovery works like compensation, late ones less (F8) */
            double e = bs_response_effect(m, BS_RESPONSE_COMPENSATION, c->recovery_delay[b],
                                          GET(R0, s));
            *in *= 1 - e; /* a recovery in the failure's own step */
            SET(betrayal, s, GET(betrayal, s) * (1 - e));
            SET(revenge, s, GET(revenge, s) * (1 - e));
        }
    }
}

/* S2.5 Brand response of brand b (F3, F7), at active slot s. */
STEP_INLINE void appraise_response(const consumer *cs, size_t s, int b, double *in)
{
    bs_state *st = cs->st;
    const bs_model *m = cs->m;
    const bs_context *c = &cs->run->ctx;
    if (c->response[b]) {
        add(&cs->sk, bs_strength_segment(st->flags[s]), ACC_REACHED, b, 1); /* what it costs */
        double e = bs_response_effect(m, c->response[b], c->response_delay[b], GET(R0, s));
        *in *= 1 - e; /* a response in the shock's own step (delay 0) */
        SET(betrayal, s, GET(betrayal, s) * (1 - e));
        SET(revenge, s, GET(revenge, s) * (1 - e));
        if (c->response[b] == BS_RESPONSE_TRANSPARENCY_CONTROL)
            SET(benev, s, GET(benev, s) + e * (1 - GET(benev, s)));
    }
}

/* S2.6 Forced exit by brand b (F9), at active slot s: 1 if it ends the
 * relationship with a clean break (the consumer is then shown a
 * competitor). */
STEP_INLINE int appraise_forced_exit(const consumer *cs, bs_rng *r, size_t s, int b)
{
    bs_state *st = cs->st;
    const bs_context *c = &cs->run->ctx;
    if (c->forced_exit[b] > 0 && bs_rng_bernoulli(r, c->forced_exit[b])) { /* F9 */
        st->R0[s] = st->R[s];
        st->flags[s] |= FLAG_DIRECT;
        add(&cs->sk, bs_strength_segment(st->flags[s]), ACC_EXITS, b, 1);
        qadd(cs, s, b, Q_EXITS, 1);
        return exit_slot(cs->run, s, b, 1);
    }
    return 0;
}

/* S2. Appraise this step's shocks and the brands' responses, in steps with
 * any: the news (S2.1), then each slot in order: an exited slot only a
 * win-back contact (S2.8), an active one S2.2-S2.6 in order. Adds the new
 * betrayal felt per slot to betrayal_in; sets *helped on a clean break;
 * returns the consumer's distrust after the news. */
STEP_INLINE double appraise(const consumer *cs, bs_rng *r, double distrust,
                              double *betrayal_in, int *helped)
{
    const bs_context *c = &cs->run->ctx;
    if (!c->any) return distrust;
    const bs_state *st = cs->st;
    const int heard = appraise_news(cs, r, &distrust);
    for (int k = 0; k < cs->K; k++) {
        size_t s = cs->base + (size_t)k;
        int b = st->brand[s];
        if (st->status[s] == SLOT_EXITED && c->win_back[b] && /* F10: reopens the wound */
            exit_policy_reaches(&cs->run->sc.brands[b], st->flags[s] & FLAG_DROPPED)) {
            appraise_win_back(cs, r, s, &betrayal_in[k]); /* ... or wins one back */
            continue;
        }
        if (st->status[s] != SLOT_ACTIVE) continue;
        assert(b >= 0 && b < cs->run->B);
        appraise_breach(cs, r, s, b, heard, &betrayal_in[k]);
        appraise_betrayal(cs, s, b, &betrayal_in[k]);
        appraise_failure(cs, r, s, b, &betrayal_in[k]);
        appraise_response(cs, s, b, &betrayal_in[k]);
        *helped |= appraise_forced_exit(cs, r, s, b);
    }
    return distrust;
}

/* What S3 reads of the consumer, the same for each of its slots. */
typedef struct {
    double best_R;       /* the highest R over its active slots after S2, 0 if none */
    double grudge;       /* F7 */
    int irritable;       /* C3: concern > irritation_concern_floor */
    double irritability; /* C3: bs_irritability, 0 if not irritable */
    double felt, gain, withdrawal; /* attachment style: factors of betrayal felt,
                                    * revenge gained and avoidance growth */
} mood;

STEP_INLINE mood feel_mood(const consumer *cs)
{
    const bs_state *st = cs->st;
    const bs_model *m = cs->m;
    uint16_t best_R = 0; /* best active R, as stored (0 if none) */
    for (int k = 0; k < cs->K; k++) {
        size_t s = cs->base + (size_t)k;
        if (st->status[s] == SLOT_ACTIVE && st->R[s] > best_R) best_R = st->R[s];
    }
    const double concern = GET(concern, cs->i);
    mood md;
    md.best_R = bs_u16_get(best_R);
    md.grudge = GET(grudge, cs->i);
    /* C3: irritable iff concern > irritation_concern_floor (bs_irritability > 0),
     * decided without waiting for the division */
    md.irritable = concern > m->irritation_concern_floor;
    md.irritability = md.irritable ? bs_irritability(m, concern) : 0;
    bs_attachment_factors(m, GET(anxiety, cs->i), GET(avoidance, cs->i), &md.felt, &md.gain,
                          &md.withdrawal);
    return md;
}

/* S3. Feel (F6, F7, F10) at non-empty slot s, which received new betrayal
 * `in` this step: betrayal and revenge; avoidance if active, shame if
 * exited. 0 if there is nothing to feel and nothing to act on (then every
 * update would give 0, and with no revenge, avoidance or shame S4 has nothing
 * to do): the caller skips S4 then. */
STEP_INLINE int feel(const consumer *cs, size_t s, double in, const mood *md)
{
    bs_state *st = cs->st;
    const bs_model *m = cs->m;
    const int felt = (st->betrayal[s] | st->revenge[s]) != 0 || in != 0;
    if (!felt && (st->status[s] == SLOT_ACTIVE
                      ? (st->avoid[s] | (md->irritable ? st->irritation[s] : 0))
                      : st->shame[s]) == 0)
        return 0;
    const double R0 = GET(R0, s);
    double bet = 0; /* unfelt: betrayal and revenge are 0 and stay 0 */
    if (felt) {
        const uint16_t before = st->betrayal[s];
        in *= md->felt; /* attachment anxiety: the anxious feel it more */
        bet = bs_clamp01(GET(betrayal, s) * (1 - m->betrayal_memory) + in);
        FADE(betrayal, s, bet);
        FADE(revenge, s, bs_revenge_next(m, GET(revenge, s), R0, md->grudge, in * md->gain));
        if (!(st->flags[s] & FLAG_DIRECT) && before < cs->run->first.betrayed &&
            st->betrayal[s] >= cs->run->first.betrayed) /* betrayed by what it heard alone */
            add(&cs->sk, bs_strength_segment(st->flags[s]), ACC_CONVERTED, st->brand[s], 1);
    }
    if (st->status[s] == SLOT_ACTIVE) { /* C3: irritation, like betrayal, drives avoidance */
        const double irr = bs_irritation_avoidance(m, GET(irritation, s), md->irritability);
        FADE(avoid, s, bs_avoid_next(m, GET(avoid, s), R0, bet > irr ? bet : irr, md->withdrawal));
    }
    else {
        double new_R = md->best_R + ((st->flags[s] & FLAG_MOVED_ON) ? m->clean_break_boost : 0);
        FADE(shame, s, bs_shame_next(m, GET(shame, s), new_R));
    }
    return 1;
}

/* The consumer's complaint this step: the brand it resents most among those
 * it complains about (first slot on ties), -1 none. */
typedef struct {
    int brand;
    double level;
} complaint;

/* S4 (and S7): one revenge act of kind a (ACC_WOM, ACC_WITHHOLD, ACC_ANTIBRAND) at slot
 * s of brand b in strength segment g: counted for the brand, in the slot's quantile bins,
 * and in the consumer's tally *acts. */
STEP_INLINE void revenge_act(const consumer *cs, size_t s, int g, int a, int b, int *acts)
{
    add(&cs->sk, g, a, b, 1);
    qadd(cs, s, b, Q_ACTS, 1);
    ++*acts;
}

/* S4. Act (F1, F8, F9, F6) at slot k, right after it feels: revenge acts
 * (word of mouth, withholding, anti-brand action), post-exit anti-brand
 * action, exit. Sets *helped on a clean break; adds the acts to *acts. */
STEP_INLINE void act(const consumer *cs, bs_rng *r, int k, complaint *wom, int *helped,
                     int *acts)
{
    bs_state *st = cs->st;
    const bs_model *m = cs->m;
    const size_t base = cs->base, s = base + (size_t)k;
    const int b = st->brand[s];
    assert(b >= 0 && b < cs->run->B);
    const int seg_strength = bs_strength_segment(st->flags[s]);
    if (st->revenge[s] >= cs->run->first.act) { /* revenge > act_threshold */
        const double rv = GET(revenge, s);
        if (bs_rng_bernoulli(r, bs_act_probability(m, m->p_wom, rv))) {
            revenge_act(cs, s, seg_strength, ACC_WOM, b, acts);
            if (!(st->flags[s] & FLAG_DIRECT)) add(&cs->sk, seg_strength, ACC_WOM_SECONDHAND, b, 1);
            if (rv > wom->level) { wom->level = rv; wom->brand = b; }
        }
        if (st->status[s] == SLOT_ACTIVE &&
            bs_rng_bernoulli(r, bs_act_probability(m, m->p_withhold, rv))) {
            revenge_act(cs, s, seg_strength, ACC_WITHHOLD, b, acts);
            SET(D, s, GET(D, s) * (1 - m->withhold_amount));
            for (int j = 0; j < cs->K; j++)
                if (j != k && st->status[base + (size_t)j] == SLOT_ACTIVE)
                    SET(D, base + j,
                        GET(D, base + j) * (1 - m->withhold_amount * m->withhold_spill));
        }
        if (bs_rng_bernoulli(r, bs_act_probability(m, m->p_antibrand, rv)))
            revenge_act(cs, s, seg_strength, ACC_ANTIBRAND, b, acts);
    }
    if (st->status[s] == SLOT_EXITED && st->shame[s] > 0 &&
        bs_rng_bernoulli(r, m->p_antibrand_exit * GET(shame, s))) /* F9: shame drives it */
        revenge_act(cs, s, seg_strength, ACC_ANTIBRAND, b, acts);
    if (st->status[s] == SLOT_ACTIVE && /* avoid > exit_threshold + habit_hold x H */
        (past_threshold(st, m, s, cs->run->first.exit, m->exit_threshold, 1) ||
         /* or, kept from buying by a betrayal, it drifts off for good */
         (st->betrayal[s] && m->exit_hazard > 0 &&
          past_threshold(st, m, s, cs->run->first.avoid, m->avoid_threshold, 0) &&
          bs_rng_bernoulli(r, m->exit_hazard * GET(betrayal, s))))) {
        *helped |= exit_slot(cs->run, s, b, 0);
        add(&cs->sk, seg_strength, ACC_EXITS, b, 1);
        qadd(cs, s, b, Q_EXITS, 1);
    }
}

/* S3 and S4 in one pass, each slot acting right after it feels: act reads
 * only its own slot's feelings, and feel reads nothing act writes (the D of
 * other slots, the slot's own status), so one pass gives the numbers of two,
 * with the draws in the same order. Last, the consumer's outbox: the brand it
 * complains about this step, -1 none. Returns the revenge acts made. */
STEP_INLINE int feel_and_act(const consumer *cs, bs_rng *r, const double *betrayal_in,
                               int *helped)
{
    bs_state *st = cs->st;
    const mood md = feel_mood(cs);
    complaint wom = {-1, 0};
    int acts = 0;
    for (int k = 0; k < cs->K; k++) {
        size_t s = cs->base + (size_t)k;
        if (st->status[s] == SLOT_EMPTY) continue;
        if (feel(cs, s, betrayal_in[k], &md)) act(cs, r, k, &wom, helped, &acts);
    }
    assert(wom.brand >= -1 && wom.brand < cs->run->B);
    st->wom[(cs->t + 1) & 1][cs->i] = (int16_t)wom.brand;
    return acts;
}

/* S7, observation only: the consumer made n > 0 revenge acts this step: its count so far
 * (saturating), and in the thread's histogram changes one consumer moves from its old
 * count to its new one (state.h, bs_accum.hist). */
static inline void count_acts(bs_state *st, int64_t i, int n, bs_accum *ac)
{
    const int old = st->acts[i], now = old + n < BS_ACTS_MAX ? old + n : BS_ACTS_MAX;
    if (now == old) return; /* saturated */
    st->acts[i] = (uint16_t)now;
    ac->hist[old]--;
    ac->hist[now]++;
    if (old < ac->hist_lo) ac->hist_lo = old;
    if (now > ac->hist_hi) ac->hist_hi = now;
}

/* What the consumer bought this step: the slot and brand, -1 and -1 none. */
typedef struct {
    int slot, brand;
} purchase;

/* S5.1: the alternatives of the brands held and not avoided, their utilities
 * in U; their slots and brands in slot and brand. Returns how many. */
STEP_INLINE int choose_held(const consumer *cs, double ps, int last, double *U, int *slot,
                              int *brand)
{
    const bs_state *st = cs->st;
    const bs_model *m = cs->m;
    int n = 0;
    for (int k = 0; k < cs->K; k++) {
        size_t s = cs->base + (size_t)k;
        if (st->status[s] != SLOT_ACTIVE ||
            past_threshold(st, m, s, cs->run->first.avoid, m->avoid_threshold, 0))
            continue; /* avoided: avoid >= avoid_threshold + habit_hold x H */
        const int b = st->brand[s];
        const bs_brand *br = &cs->run->sc.brands[b];
        const double D = GET(D, s);
        double trust = 0.5 * (GET(conf, s) + GET(benev, s));
        double pv =
            bs_personalization_value(br->personalization, br->relevance, D, trust, br->control);
        double creepy = br->personalization * bs_creepiness(br->personalization, D, trust);
        /* habit: the stronger it is, the less the choice follows attitudes
         * (weight 1 - habit_autopilot H) and the more the routine itself */
        const double H = GET(H, s);
        U[n] = m->beta_quality * br->quality - m->beta_price * ps * br->price +
               (1 - m->habit_autopilot * H) *
                   (m->beta_relationship * GET(R, s) + m->beta_trust * trust +
                    m->beta_personalization * pv - m->beta_creepy * creepy -
                    m->beta_anger * GET(revenge, s)) +
               m->beta_habit_strength * H + (b == last ? m->beta_habit : 0);
        slot[n] = k;
        brand[n++] = b;
    }
    return n;
}

/* S5.2: the brand discovered: drawn from all B, or after a clean break
 * (helped, F10) from those the consumer does not hold; -1 if it holds it
 * already or has no room for another (every slot active). */
STEP_INLINE int choose_discovered(const consumer *cs, bs_rng *r, int helped)
{
    const bs_state *st = cs->st;
    const size_t base = cs->base;
    const int K = cs->K;
    const int b = helped ? unheld_brand(st, base, K, cs->run->B, r)
                         : (int)bs_rng_below(r, (uint32_t)cs->run->B);
    int held = b < 0 || slot_for_new(st, base, K) < 0; /* no room: nothing new */
    for (int k = 0; k < K; k++)
        held |= st->status[base + k] != SLOT_EMPTY && st->brand[base + k] == b;
    assert(held || (b >= 0 && b < cs->run->B));
    return held ? -1 : b;
}

/* S5: one alternative of n with utilities U, drawn with probability
 * exp(U_q) / sum exp(U) by one uniform (inverse CDF). */
STEP_INLINE int choose_logit(bs_rng *r, const double *U, int n)
{
    double umax = U[0];
    for (int q = 1; q < n; q++) umax = U[q] > umax ? U[q] : umax;
    double w[BS_MAX_SLOTS + 2], total = 0;
    for (int q = 0; q < n; q++) { /* exp(0) is 1: the best candidates need no call */
        const double d = U[q] - umax;
        total += w[q] = d == 0 ? 1.0 : exp(d);
    }
    double u = bs_rng_uniform(r) * total;
    int pick = n - 1;
    for (int q = 0; q < n; q++) {
        if (u < w[q]) { pick = q; break; }
        u -= w[q];
    }
    return pick;
}

/* S5: a new relationship with brand b begins, in an empty slot or else the
 * exited one with the least drive left (its former brand is forgotten).
 * Returns its slot. */
STEP_INLINE int choose_begin(const consumer *cs, int b, double distrust)
{
    bs_state *st = cs->st;
    const bs_model *m = cs->m;
    const bs_brand *br = &cs->run->sc.brands[b];
    const int k = slot_for_new(st, cs->base, cs->K);
    assert(k >= 0 && k < cs->K); /* choose_discovered offers no brand without room */
    size_t s = cs->base + (size_t)k;
    if (st->status[s] == SLOT_EXITED) /* the former relationship leaves its bins */
        qadd(cs, s, st->brand[s], Q_RELATIONSHIPS, -1);
    if (cs->qt) cs->qt[(size_t)b * NQACC + Q_RELATIONSHIPS]++; /* the new one its trait bin */
    st->brand[s] = (int16_t)b;
    st->status[s] = SLOT_ACTIVE;
    st->flags[s] = (uint8_t)((br->clarifies ? FLAG_CLARIFIED : 0) |
                             (cs->t >= cs->run->reference_step ? FLAG_NEW : 0));
    st->R[s] = st->R0[s] = bs_u16_put(m->new_relationship_quality);
    st->conf[s] = bs_u16_put(0.5 * br->quality + 0.25);
    st->benev[s] = bs_u16_put(0.5 * (1 - distrust));
    st->S[s] = st->D[s] = 0;
    st->betrayal[s] = st->revenge[s] = st->avoid[s] = st->shame[s] = 0;
    st->irritation[s] = 0;
    st->H[s] = 0;
    if (cs->qs) st->qbin[s] = BS_QBIN_NONE; /* begun now: no prior strength (before the
                                              * reference step no slot has a bin yet) */
    return k;
}

/* S5. Choose: in the market with probability purchase_rate (for sure after
 * a clean break: helped, F10), a multinomial logit over the brands held and
 * not avoided (S5.1), one discovered brand (S5.2) and buying nothing (S5.3;
 * F2: distrust favours it). */
STEP_INLINE purchase choose(const consumer *cs, bs_rng *r, double distrust, int helped,
                              bs_accum *ac)
{
    const bs_state *st = cs->st;
    const bs_model *m = cs->m;
    purchase p = {-1, -1};
    if (!(helped || bs_rng_bernoulli(r, m->purchase_rate)))
        return p; /* (helped: shown a competitor now) */
    double U[BS_MAX_SLOTS + 2];
    int slot[BS_MAX_SLOTS + 2], brand[BS_MAX_SLOTS + 2];
    const double ps = GET(price_sensitivity, cs->i);
    int n = choose_held(cs, ps, st->last_brand[cs->i], U, slot, brand);
    if (helped || bs_rng_bernoulli(r, m->discovery_rate)) {
        const int b = choose_discovered(cs, r, helped);
        if (b >= 0) {
            const bs_brand *br = &cs->run->sc.brands[b];
            U[n] = m->beta_quality * br->quality - m->beta_price * ps * br->price +
                   m->beta_relationship * m->new_relationship_quality +
                   m->beta_trust * br->appeal * (1 - distrust);
            slot[n] = -1;
            brand[n++] = b;
        }
    }
    U[n] = m->outside_utility + m->beta_distrust * distrust;
    slot[n] = -2;
    brand[n++] = -1;
    const int pick = choose_logit(r, U, n);
    assert(pick >= 0 && pick < n);
    if (slot[pick] == -2) {
        ac->mkt[MKT_NO_PURCHASE]++;
        return p;
    }
    p.brand = brand[pick];
    p.slot = slot[pick] == -1 ? choose_begin(cs, p.brand, distrust) : slot[pick];
    return p;
}

/* S6. Update active slot s of brand b: the irrelevant message (C3), then if
 * bought the experience (R, conf, benev, S), else forgetting; then
 * disclosure toward willingness. base_willing = 1 - concern. */
STEP_INLINE void update(const consumer *cs, bs_rng *r, size_t s, int b, int bought,
                          double base_willing, double distrust)
{
    bs_state *st = cs->st;
    const bs_model *m = cs->m;
    const bs_brand *br = &cs->run->sc.brands[b];
    const double bet = GET(betrayal, s);
    double R = GET(R, s), benev = GET(benev, s); /* new values, used as computed */
    /* C3: an irrelevant personalized message reaches a customer, buying or not
     * (no draw where it cannot: a brand that does not personalize, or fits) */
    const double p_message = br->personalization * (1 - br->relevance);
    const int message = p_message > 0 && bs_rng_bernoulli(r, p_message);
    if (message) st->flags[s] |= FLAG_IRRITATED;
    FADE(irritation, s, bs_irritation_next(m, GET(irritation, s), message));
    FADE(H, s, bs_habit_next(m, GET(H, s), bought)); /* routine: built by buying, fades slowly */
    if (bought) {
        double q = br->quality + m->quality_noise * gaussian(r);
        double sat = bs_clamp01(q - (message ? m->irrelevance_irritation : 0));
        R = bs_clamp01(R + m->learning_rate * (sat * (1 - bet) - R));
        SET(conf, s, GET(conf, s) + m->trust_rate * (bs_clamp01(q) - GET(conf, s)));
        double target = bs_benevolence_target(m, br->transparency, br->control, br->norm, cs->norm);
        benev = bs_clamp01(benev + m->trust_rate * (target - benev));
        SET(benev, s, benev);
        /* F9: the brand becomes part of the self through self-relevance,
         * not satisfaction */
        SET(S, s, GET(S, s) + m->self_brand_rate * GET(self_relevance, cs->i) * (1 - GET(S, s)));
        SET(R, s, R);
    } else {
        R *= 1 - m->forgetting;
        FADE(R, s, R);
    }
    double willing =
        bs_willingness(m, base_willing, R, benev, br->transparency, br->control, distrust) *
        (1 - bet);
    SET(D, s, GET(D, s) + m->disclosure_rate * (willing - GET(D, s)));
}

/* S7. Record non-empty slot s of brand b (status as at the start of S6):
 * its state, into its cell. */
STEP_INLINE void record(const consumer *cs, size_t s, int b, int status)
{
    const bs_state *st = cs->st;
    const bs_run *run = cs->run;
    int64_t *a = cell_of(&cs->sk, bs_strength_segment(st->flags[s]), b);
    if (st->revenge[s] | st->avoid[s] | st->betrayal[s]) { /* most relationships: all 0 */
        if (cs->qs || cs->qt) qadd(cs, s, b, Q_SUM_REVENGE, st->revenge[s]); /* its bins */
        a[ACC_SUM_REVENGE] += st->revenge[s];
        a[ACC_SUM_AVOID] += st->avoid[s];
        a[ACC_BETRAYED] += st->betrayal[s] >= run->first.betrayed;
        a[ACC_SUM_BETRAYAL] += st->betrayal[s];
    }
    const int avoiding = status == SLOT_ACTIVE && /* kept from buying (S5) */
                         past_threshold(st, cs->m, s, run->first.avoid, cs->m->avoid_threshold, 0);
    if (st->flags[s] & FLAG_IRRITATED) { /* C3 */
        int left = status != SLOT_ACTIVE;
        a[ACC_STOP_VISIT] += left || avoiding;
        a[ACC_STOP_BUY] += left;
    }
    if (status == SLOT_ACTIVE) {
        a[ACC_ACTIVE]++;
        a[ACC_AVOIDING] += avoiding;
        a[ACC_SUM_H] += st->H[s];
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

/* S6 and S7 of the slots in one pass (MODEL.md step 5 and the record), then
 * S6's last: distrust fades. Returns the distrust stored (what is
 * reported). */
STEP_INLINE double update_and_record(const consumer *cs, bs_rng *r, int bought_slot,
                                       double distrust)
{
    bs_state *st = cs->st;
    const double base_willing = 1.0 - GET(concern, cs->i);
    for (int k = 0; k < cs->K; k++) {
        size_t s = cs->base + (size_t)k;
        const int status = st->status[s];
        if (status == SLOT_EMPTY) continue;
        const int b = st->brand[s];
        if (status == SLOT_ACTIVE) update(cs, r, s, b, k == bought_slot, base_willing, distrust);
        record(cs, s, b, status);
    }
    FADE(distrust, cs->i, distrust * (1 - cs->m->distrust_decay));
    return GET(distrust, cs->i); /* what is stored is what is reported */
}

/* S7. Record the consumer: its purchase, repeat or defection (into the
 * strength segment of the slot bought; a defection out into that of the
 * slot of the brand left, or new if no longer held), then last_brand; and
 * the market-wide distrust and C2 willingness counts. */
STEP_INLINE void record_consumer(const consumer *cs, purchase p, double distrust, bs_accum *ac)
{
    bs_state *st = cs->st;
    const size_t base = cs->base;
    const int64_t i = cs->i;
    const int last = st->last_brand[i];
    if (p.brand >= 0) {
        assert(p.slot >= 0 && p.slot < cs->K && st->brand[base + (size_t)p.slot] == p.brand);
        size_t s = base + (size_t)p.slot;
        int seg_strength = bs_strength_segment(st->flags[s]);
        add(&cs->sk, seg_strength, ACC_PURCHASES, p.brand, 1);
        qadd(cs, s, p.brand, Q_PURCHASES, 1);
        ac->mkt[MKT_PURCHASES]++;
        if (last == p.brand)
            add(&cs->sk, seg_strength, ACC_REPEAT, p.brand, 1);
        else if (last >= 0) {
            int seg_left = BS_SEG_NEW; /* the relationship left, if still held */
            for (int k = 0; k < cs->K; k++)
                if (st->status[base + k] != SLOT_EMPTY && st->brand[base + k] == last)
                    seg_left = bs_strength_segment(st->flags[base + k]);
            add(&cs->sk, seg_left, ACC_DEF_OUT, last, 1);
            add(&cs->sk, seg_strength, ACC_DEF_IN, p.brand, 1);
        }
        st->last_brand[i] = (int16_t)p.brand;
    }
    ac->mkt[MKT_SUM_DISTRUST] += st->distrust[i];
    double w0 = (1.0 - GET(concern, i)) - distrust; /* C2: willingness before any relationship */
    ac->mkt[MKT_LOCATION] += w0 >= cs->run->sc.population.location_threshold;
    ac->mkt[MKT_BROWSING] += w0 >= cs->run->sc.population.browsing_threshold;
}

/* Debug builds: the invariants of a consumer after its step, checked here
 * once rather than in the slot loops of the submodels. Its privacy segment is
 * one of three (its accumulator cell is in range); every slot is empty,
 * active or exited; a non-empty one holds a brand in [0, B), no brand in two
 * slots; last_brand is in [-1, B). */
static inline int slots_ok(const consumer *cs)
{
    const bs_state *st = cs->st;
    const int B = cs->run->B;
    if (SEG_PRIVACY(st->segment[cs->i]) > 2) return 0;
    if (st->last_brand[cs->i] < -1 || st->last_brand[cs->i] >= B) return 0;
    for (int k = 0; k < cs->K; k++) {
        size_t s = cs->base + (size_t)k;
        if (st->status[s] > SLOT_EXITED) return 0;
        if (st->status[s] == SLOT_EMPTY) continue;
        if (st->brand[s] < 0 || st->brand[s] >= B) return 0;
        for (int j = 0; j < k; j++)
            if (st->status[cs->base + (size_t)j] != SLOT_EMPTY &&
                st->brand[cs->base + (size_t)j] == st->brand[s])
                return 0;
    }
    return 1;
}

/* One consumer's step: the submodels in MODEL.md's order, each slot loop in
 * index order. Every draw comes from the consumer's stream for this step, in
 * the order the submodels make them. `binned` (a constant in each of the two
 * copies below): whether the step records by quantile bin, so that a step
 * without bins has none of their work, not even the tests. */
STEP_INLINE void consumer_step(const bs_run *run, int64_t i, bs_accum *ac, const int binned)
{
    bs_state *st = (bs_state *)&run->st;
    const int seg = st->segment[i];
    const int qs_bins = run->q.bins[BS_QG_STRENGTH];
    int64_t *qs = NULL, *qt = NULL;
    if (binned) {
        qs = qs_bins && run->t >= run->reference_step ? ac->qacc : NULL;
        qt = run->q.bins[BS_QG_TRAIT]
                 ? ac->qacc + (size_t)(qs_bins + run->q.trait_bin[run->q.trait_of[i]]) *
                                  (size_t)run->B * NQACC
                 : NULL;
    }
    const consumer cs = {run,    &run->sc.model, st, i, (size_t)i * (size_t)run->K, run->K, run->t,
                         SEG_NORM(seg), {ac->acc, run->B, bs_consumer_cell((uint8_t)seg)},
                         qs, qt};
    assert(cs.K >= 1 && cs.K <= BS_MAX_SLOTS && cs.t >= 0);
    assert(st->wom[cs.t & 1] != st->wom[(cs.t + 1) & 1]); /* the outbox's double buffer */
    double distrust = GET(distrust, i);
    bs_rng r;
    bs_rng_init(&r, run->sc.seed, BS_RNG_STEP, (uint64_t)i, (uint32_t)cs.t);
    bs_rng_prime(&r); /* every consumer draws: at least the purchase, or the choice */
    double betrayal_in[BS_MAX_SLOTS]; /* new betrayal felt this step, per slot */
    for (int k = 0; k < cs.K; k++) betrayal_in[k] = 0; /* K of them: cheaper than = {0} */
    int helped = 0; /* F10: a clean break this step points the consumer to a competitor */

    if (cs.t <= run->reference_step) classify(&cs);                /* S0 */
    hear(&cs, betrayal_in);                                        /* S1 */
    distrust = appraise(&cs, &r, distrust, betrayal_in, &helped); /* S2 */
    const int acts = feel_and_act(&cs, &r, betrayal_in, &helped);  /* S3, S4 */
    if (acts) count_acts(st, i, acts, ac);                         /* (S7) */
    const purchase p = choose(&cs, &r, distrust, helped, ac);      /* S5 */
    distrust = update_and_record(&cs, &r, p.slot, distrust);       /* S6, S7 */
    record_consumer(&cs, p, distrust, ac);                         /* S7 */
    assert(slots_ok(&cs));
}

static void consumer_step_binned(const bs_run *run, int64_t i, bs_accum *ac)
{
    consumer_step(run, i, ac, 1);
}

static void consumer_step_plain(const bs_run *run, int64_t i, bs_accum *ac)
{
    consumer_step(run, i, ac, 0);
}

/* Whether this step records by quantile bin: strength bins once assigned (from the
 * reference step on), trait bins from the start. */
static int step_binned(const bs_run *run)
{
    return (run->q.bins[BS_QG_STRENGTH] && run->t >= run->reference_step) ||
           run->q.bins[BS_QG_TRAIT];
}

void bs_step_consumers(bs_run *run)
{
    const int64_t N = run->N;
    const size_t n_acc = (size_t)BS_CELLS * (size_t)run->B * NACC;
    /* zero every thread's accumulators here: OpenMP may give fewer threads */
    const size_t n_q = (size_t)(run->q.bins[BS_QG_STRENGTH] + run->q.bins[BS_QG_TRAIT]) *
                       (size_t)run->B * NQACC;
    for (int th = 0; th < run->threads; th++) {
        memset(run->accum[th].acc, 0, n_acc * sizeof *run->accum[th].acc);
        memset(run->accum[th].mkt, 0, sizeof run->accum[th].mkt);
        if (n_q) memset(run->accum[th].qacc, 0, n_q * sizeof *run->accum[th].qacc);
    }
    const int64_t n_words = (N + 63) / 64;
    const int binned = step_binned(run);
    int64_t senders = 0;
#pragma omp parallel num_threads(run->threads)
    {
        assert(omp_get_thread_num() < run->threads); /* one accumulator per thread */
        bs_accum *ac = &run->accum[omp_get_thread_num()];
        if (binned) {
#pragma omp for schedule(static)
            for (int64_t i = 0; i < N; i++) consumer_step_binned(run, i, ac);
        } else {
#pragma omp for schedule(static)
            for (int64_t i = 0; i < N; i++) consumer_step_plain(run, i, ac);
        }
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
    assert(senders >= 0 && senders <= N);
    run->wom_senders = senders;
}
