/* SPDX-License-Identifier: MIT */
/*
 * run.c: a run's life: allocation of the structure-of-arrays state, the
 * initial population (traits and relationships drawn from the scenario's
 * segment distributions), the schedule of shocks and policy actions, the
 * per-step context, and the reduction of per-thread accumulators into the
 * step's aggregates. The step itself is in step.c.
 */
#include <assert.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/economics.h"
#include "core/mechanisms.h"
#include "core/network.h"
#include "core/rng.h"
#include "core/state.h"
#include "core/step.h"

static bs_run *fail_alloc(bs_run *run, bs_error *err, const char *what)
{
    bs_error_setf(err, BS_ERR_RUNTIME, "out of memory allocating %s", what);
    bs_run_free(run);
    return NULL;
}

/* ---- state --------------------------------------------------------------- */

#define STATE_ARRAYS(X)                                                                        \
    X(concern, N) X(self_relevance, N) X(grudge, N) X(price_sensitivity, N)                    \
    X(wom_susceptibility, N) X(anxiety, N) X(avoidance, N) X(segment, N) X(distrust, N) X(last_brand, N) X(wom[0], N)       \
    X(wom[1], N) X(wom_bits, W) X(rewired, NR) X(brand, NK) X(status, NK) X(flags, NK)        \
    X(R, NK) X(conf, NK) X(benev, NK) X(S, NK) X(D, NK) X(betrayal, NK) X(revenge, NK)         \
    X(avoid, NK) X(R0, NK) X(shame, NK) X(irritation, NK) X(H, NK) X(qbin, NQ) X(acts, N)

static int state_alloc(bs_state *st, int64_t N, int K, int small_world, int strength_bins,
                       double *bytes_per_consumer)
{
    size_t NK = (size_t)N * (size_t)K, W = ((size_t)N + 63) / 64;
    size_t NR = small_world ? (size_t)N : 1; /* the rewired mask: small world only */
    size_t NQ = strength_bins ? NK : 1;      /* the strength bins: only when reported */
    double bytes = 0;
    (void)NK;
    (void)W;
    (void)NR;
    (void)NQ;
#define ALLOC(f, n)                                                                            \
    st->f = malloc((size_t)(n) * sizeof *st->f);                                               \
    if (!st->f) return -1;                                                                     \
    bytes += (double)((size_t)(n) * sizeof *st->f);
    STATE_ARRAYS(ALLOC)
#undef ALLOC
    *bytes_per_consumer = bytes / (double)N;
    return 0;
}

static void state_free(bs_state *st)
{
#define FREE(f, n) free(st->f);
    STATE_ARRAYS(FREE)
#undef FREE
}

/* ---- initial population --------------------------------------------------- */

/* Beta draw with the given mean and concentration. */
static double beta_mean(gsl_rng *g, double mean, double kappa)
{
    double m = mean < 1e-3 ? 1e-3 : (mean > 1 - 1e-3 ? 1 - 1e-3 : mean);
    return gsl_ran_beta(g, m * kappa, (1 - m) * kappa);
}

/* The privacy segment of uniform draw u (C1): fundamentalist 0, pragmatist 1,
 * unconcerned 2. */
static int privacy_segment(const bs_population *pop, double u)
{
    return u < pop->privacy_fundamentalist ? 0
           : u < pop->privacy_fundamentalist + pop->privacy_pragmatist ? 1 : 2;
}

static int draw_brand(bs_rng *r, const double *cdf, int B)
{
    double u = bs_rng_uniform(r) * cdf[B - 1];
    int lo = 0, hi = B - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (cdf[mid] > u) hi = mid; else lo = mid + 1;
    }
    return lo;
}

static void init_consumer(bs_run *run, int64_t i)
{
    const bs_scenario *sc = &run->sc;
    const bs_population *pop = &sc->population;
    const bs_model *m = &sc->model;
    bs_state *st = &run->st;
    const int K = run->K;
    bs_rng r;
    bs_rng_init(&r, sc->seed, BS_RNG_TRAITS, (uint64_t)i, 0);
    gsl_rng g = bs_rng_gsl(&r);
    const double kappa = pop->trait_concentration;

    double u = bs_rng_uniform(&r);
    int priv = privacy_segment(pop, u);
    double concern_mean[3] = {pop->concern_fundamentalist, pop->concern_pragmatist,
                              pop->concern_unconcerned};
    int norm = bs_rng_uniform(&r) < pop->communal_share ? BS_NORM_COMMUNAL : BS_NORM_EXCHANGE;
    /* homophily: with probability network.homophily the consumer is like its
     * community (its ring neighbours): their privacy segment, norm and first brand */
    int home_brand = -1;
    const bs_network *net = &sc->network;
    if (net->kind == BS_NET_SMALL_WORLD && net->homophily > 0 &&
        bs_rng_uniform(&r) < net->homophily) {
        /* community c's draws: a Kronecker sequence frac(o + c alpha) per draw,
         * with offsets o from the seed, so that over consecutive communities
         * segment and brand shares follow the population's with little spread
         * (independent draws per community would add variance between runs) */
        const double c = (double)(i / net->community);
        bs_rng ro;
        bs_rng_init(&ro, sc->seed, BS_RNG_NETWORK, UINT64_MAX, 0); /* the run's offsets */
        const double o1 = bs_rng_uniform(&ro), o2 = bs_rng_uniform(&ro), o3 = bs_rng_uniform(&ro);
#define FRAC(x) ((x) - floor(x))
        priv = privacy_segment(pop, FRAC(o1 + c * 0.6180339887498949));  /* golden ratio */
        norm = FRAC(o2 + c * 0.4142135623730951) < pop->communal_share   /* sqrt 2 - 1 */
                   ? BS_NORM_COMMUNAL : BS_NORM_EXCHANGE;
        const double u3 = FRAC(o3 + c * 0.7320508075688772) * run->appeal_cdf[run->B - 1]; /* sqrt 3 - 1 */
#undef FRAC
        home_brand = 0;
        while (home_brand < run->B - 1 && run->appeal_cdf[home_brand] <= u3) home_brand++;
    }
    st->segment[i] = (uint8_t)(priv | (norm << 2));
    st->concern[i] = bs_u16_put(beta_mean(&g, concern_mean[priv], kappa));
    st->self_relevance[i] = bs_u16_put(beta_mean(&g, pop->self_relevance_mean, kappa));
    st->grudge[i] = bs_u16_put(beta_mean(&g, pop->grudge_mean, kappa));
    st->price_sensitivity[i] = bs_u16_put(beta_mean(&g, pop->price_sensitivity_mean, kappa));
    st->wom_susceptibility[i] = bs_u16_put(beta_mean(&g, pop->wom_susceptibility_mean, kappa));
    const double concern = bs_u16_get(st->concern[i]); /* as the step will read them */
    const double self_relevance = bs_u16_get(st->self_relevance[i]);
    st->distrust[i] = 0;
    st->last_brand[i] = -1;
    st->wom[0][i] = st->wom[1][i] = -1;
    st->acts[i] = 0;

    int n_rel = (int)gsl_ran_poisson(&g, pop->initial_relationships);
    if (n_rel > K) n_rel = K;
    if (n_rel > run->B) n_rel = run->B;
    double best = -1;
    for (int k = 0; k < K; k++) {
        size_t s = (size_t)i * (size_t)K + (size_t)k;
        st->brand[s] = -1;
        st->status[s] = SLOT_EMPTY;
        st->flags[s] = 0;
        st->R[s] = st->conf[s] = st->benev[s] = st->S[s] = st->D[s] = 0;
        st->betrayal[s] = st->revenge[s] = st->avoid[s] = st->R0[s] = st->shame[s] = 0;
        st->irritation[s] = st->H[s] = 0;
        if (run->q.bins[BS_QG_STRENGTH]) st->qbin[s] = BS_QBIN_NONE; /* binned at the reference step */
        if (k >= n_rel) continue;
        int b, tries = 0;
        do { /* distinct brands per consumer; the first its community's, if it follows it */
            b = k == 0 && home_brand >= 0 ? home_brand : draw_brand(&r, run->appeal_cdf, run->B);
            int dup = 0;
            for (int j = 0; j < k; j++) dup |= st->brand[(size_t)i * K + j] == b;
            if (!dup) break;
        } while (++tries < 32);
        if (tries >= 32) continue;
        const bs_brand *br = &sc->brands[b];
        int strong = bs_rng_uniform(&r) < pop->strong_share;
        double R = beta_mean(&g, strong ? pop->strong_quality : pop->weak_quality, 2 * kappa);
        st->brand[s] = (int16_t)b;
        st->status[s] = SLOT_ACTIVE;
        st->flags[s] = br->clarifies ? FLAG_CLARIFIED : 0;
        /* purchases so far: the same range whatever the strength (F9: tenure is not quality) */
        const int tenure = (int)(1 + bs_rng_below(&r, 156));
        st->R[s] = st->R0[s] = st->H[s] = bs_u16_put(R); /* habit: as strong as the bond (assumption) */
        st->conf[s] = bs_u16_put(0.5 * br->quality + 0.5 * R);
        st->benev[s] = bs_u16_put(
            0.5 * bs_benevolence_target(m, br->transparency, br->control, br->norm, norm) + 0.5 * R);
        st->S[s] = bs_u16_put(self_relevance * (1 - exp(-m->self_brand_rate * tenure)) * 2);
        st->D[s] = bs_u16_put(bs_willingness(m, 1.0 - concern, R, bs_u16_get(st->benev[s]),
                                             br->transparency, br->control, 0));
        if (R > best) { best = R; st->last_brand[i] = (int16_t)b; }
    }
    /* attachment style, drawn last: a beta draw takes a varying number of
     * uniforms, and nothing else depends on these two */
    st->anxiety[i] = bs_u16_put(beta_mean(&g, pop->attachment_anxiety_mean, kappa));
    st->avoidance[i] = bs_u16_put(beta_mean(&g, pop->attachment_avoidance_mean, kappa));
}

/* ---- schedule ------------------------------------------------------------- */

static int action_cmp(const void *a, const void *b)
{
    const bs_action *x = a, *y = b;
    if (x->step != y->step) return x->step < y->step ? -1 : 1;
    if (x->shock != y->shock) return x->shock < y->shock ? -1 : 1;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    return x->brand < y->brand ? -1 : (x->brand > y->brand);
}


/* Expand shocks into actions (one per brand), with the responses and
 * recoveries they trigger, and the event table users see, into *actions,
 * *events (allocated here) and *count. A response follows the brand's policy
 * in force at the shock (policy shocks apply in order, from the policies the
 * run began with: run->response0, run->delay0). The run is not changed. */
static int schedule_of(const bs_run *run, const bs_scenario *sc, bs_action **actions_out,
                       bs_event **events_out, int *count)
{
    int cap = 8;
    for (int s = 0; s < sc->n_shocks; s++) cap += 2 * sc->shocks[s].n_brands;
    bs_action *actions = calloc((size_t)cap, sizeof *actions);
    bs_event *events = calloc((size_t)cap, sizeof *events);
    if (!actions || !events) {
        free(actions);
        free(events);
        return -1;
    }

    /* policies in force over time: replay policy shocks in step order */
    int order[BS_MAX_SHOCKS];
    for (int s = 0; s < sc->n_shocks; s++) order[s] = s;
    for (int a = 1; a < sc->n_shocks; a++) /* stable insertion sort by step */
        for (int b = a; b > 0 && sc->shocks[order[b - 1]].step > sc->shocks[order[b]].step; b--) {
            int t = order[b]; order[b] = order[b - 1]; order[b - 1] = t;
        }
    int response[BS_MAX_BRANDS], delay[BS_MAX_BRANDS];
    for (int b = 0; b < sc->n_brands; b++) {
        response[b] = run->response0[b];
        delay[b] = run->delay0[b];
    }
    const uint64_t resp_bit = (uint64_t)1 << bs_param_index(BS_SECTION_BRAND, "breach_response");
    const uint64_t delay_bit = (uint64_t)1 << bs_param_index(BS_SECTION_BRAND, "response_delay");
    int n = 0;
    for (int o = 0; o < sc->n_shocks; o++) {
        int s = order[o];
        const bs_shock *sh = &sc->shocks[s];
        for (int j = 0; j < sh->n_brands; j++) {
            int b = sh->brands[j];
            bs_action a = {sh->step, b, 0, 0, 0, sh->size, sh->reach, s};
            switch (sh->kind) {
            case BS_SHOCK_BREACH: a.kind = A_BREACH; a.sub = sh->breach_kind; break;
            case BS_SHOCK_BETRAYAL: a.kind = A_BETRAYAL; a.sub = sh->act; break;
            case BS_SHOCK_SERVICE_FAILURE: a.kind = A_FAILURE; break;
            case BS_SHOCK_FORCED_EXIT: a.kind = A_FORCED_EXIT; break;
            case BS_SHOCK_POLICY:
                a.kind = A_POLICY;
                if (sh->policy_set & resp_bit) response[b] = sh->policy.breach_response;
                if (sh->policy_set & delay_bit) delay[b] = sh->policy.response_delay;
                break;
            }
            actions[n++] = a;
            if ((float)sh->size <= 0) continue; /* a shock of size 0 is no shock: nothing follows */
            if ((a.kind == A_BREACH || a.kind == A_BETRAYAL) && response[b] != BS_RESPONSE_NONE &&
                sh->step + delay[b] < sc->steps) {
                bs_action r = {sh->step + delay[b], b, A_RESPONSE, response[b], delay[b], 1, 0, s};
                actions[n++] = r;
            }
            if (a.kind == A_FAILURE && sh->recovery != BS_RECOVERY_NONE &&
                sh->step + sh->recovery_delay < sc->steps) {
                bs_action r = {sh->step + sh->recovery_delay, b, A_RECOVERY, sh->recovery,
                               sh->recovery_delay, 1, 0, s};
                actions[n++] = r;
            }
        }
    }
    qsort(actions, (size_t)n, sizeof *actions, action_cmp);
    for (int k = 0; k < n; k++) {
        const bs_action *a = &actions[k];
        bs_event *e = &events[k];
        e->step = a->step;
        e->brand = a->brand;
        e->size = a->size;
        switch (a->kind) {
        case A_BREACH: snprintf(e->kind, sizeof e->kind, "breach:%s", bs_enum_name(BS_SECTION_SHOCK, "breach_kind", a->sub)); break;
        case A_BETRAYAL: snprintf(e->kind, sizeof e->kind, "betrayal:%s", bs_enum_name(BS_SECTION_SHOCK, "act", a->sub)); break;
        case A_FAILURE: snprintf(e->kind, sizeof e->kind, "service_failure"); break;
        case A_RECOVERY: snprintf(e->kind, sizeof e->kind, "recovery:%s", bs_enum_name(BS_SECTION_SHOCK, "recovery", a->sub)); break;
        case A_FORCED_EXIT: snprintf(e->kind, sizeof e->kind, "forced_exit"); break;
        case A_POLICY: snprintf(e->kind, sizeof e->kind, "policy"); break;
        case A_RESPONSE: snprintf(e->kind, sizeof e->kind, "response:%s", bs_enum_name(BS_SECTION_BRAND, "breach_response", a->sub)); break;
        }
    }
    *actions_out = actions;
    *events_out = events;
    *count = n;
    return 0;
}

/* The run's schedule at allocation, and the reference step of its prior strength. */
static int build_schedule(bs_run *run)
{
    const bs_scenario *sc = &run->sc;
    for (int b = 0; b < sc->n_brands; b++) {
        run->response0[b] = sc->brands[b].breach_response;
        run->delay0[b] = sc->brands[b].response_delay;
    }
    int n;
    if (schedule_of(run, sc, &run->actions, &run->events, &n)) return -1;
    run->n_actions = run->n_events = n;
    run->reference_step = -1; /* the first non-policy shock; 0 if there is none */
    for (int s = 0; s < sc->n_shocks; s++) /* (a shock of size 0 is no shock) */
        if (sc->shocks[s].kind != BS_SHOCK_POLICY && (float)sc->shocks[s].size > 0 &&
            (run->reference_step < 0 || sc->shocks[s].step < run->reference_step))
            run->reference_step = sc->shocks[s].step;
    if (run->reference_step < 0) run->reference_step = 0;
    return 0;
}

bs_status bs_run_add_policy(bs_run *run, const bs_shock *policy, bs_error *err)
{
    const bs_scenario *sc = &run->sc;
    if (run->replay)
        return bs_error_setf(err, BS_ERR_RUNTIME, "a replayed run cannot change course");
    if (policy->kind != BS_SHOCK_POLICY)
        return bs_error_setf(err, BS_ERR_INPUT, "a shock of kind '%s' added to a running market, "
                             "expected a policy",
                             bs_enum_name(BS_SECTION_SHOCK, "kind", policy->kind));
    if (run->t >= sc->steps)
        return bs_error_setf(err, BS_ERR_RUNTIME, "the run is finished after %d steps: no step "
                             "left for a policy to take effect", run->t);
    if (sc->n_shocks >= BS_MAX_SHOCKS)
        return bs_error_setf(err, BS_ERR_RUNTIME, "the run's scenario holds %d shocks already, "
                             "the most a scenario may", sc->n_shocks);
    /* the scenario as if it had listed the policy last, at this step: checked whole */
    bs_scenario *next = malloc(sizeof *next);
    if (!next)
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    memcpy(next, sc, sizeof *next);
    bs_shock *sh = &next->shocks[next->n_shocks++];
    *sh = *policy;
    sh->step = run->t;
    bs_status s = bs_scenario_validate(next, NULL, err);
    bs_action *actions = NULL;
    bs_event *events = NULL;
    int n = 0;
    if (s == BS_OK && schedule_of(run, next, &actions, &events, &n))
        s = bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    if (s == BS_OK) {
        int next_action = 0;
        while (next_action < n && actions[next_action].step < run->t) next_action++;
        run->sc.shocks[run->sc.n_shocks++] = *sh;
        free(run->actions);
        free(run->events);
        run->actions = actions;
        run->events = events;
        run->n_actions = run->n_events = n;
        run->next_action = next_action;
    }
    free(next);
    return s;
}

/* Apply the brand parameters a policy shock sets. */
static void apply_policy(bs_run *run, const bs_shock *sh, int b)
{
    int n;
    const bs_param *p = bs_params(BS_SECTION_BRAND, &n);
    for (int k = 0; k < n; k++) {
        if (!(sh->policy_set & ((uint64_t)1 << k)) || p[k].type == BS_P_STRING) continue;
        size_t size = p[k].type == BS_P_REAL ? sizeof(double) : sizeof(int);
        memcpy((char *)&run->sc.brands[b] + p[k].offset, (const char *)&sh->policy + p[k].offset,
               size);
    }
}

/* Build this step's context from the actions due now. */
static void build_context(bs_run *run)
{
    bs_context *c = &run->ctx;
    const int B = run->B, t = run->t;
    c->any = 0;
    c->news_reach = c->news_size = 0;
    for (int b = 0; b < B; b++) {
        c->breach[b] = c->breach_reach[b] = c->betrayal[b] = c->failure[b] = c->forced_exit[b] = 0;
        c->recovery[b] = c->response[b] = c->win_back[b] = 0;
        const bs_brand *br = &run->sc.brands[b];
        if (br->exit_policy == BS_EXIT_WIN_BACK && t > 0 && t % br->win_back_interval == 0) {
            c->win_back[b] = 1;
            c->any = 1;
        }
    }
    /* the actions are sorted by step, and none is missed: the next is not past */
    assert(run->next_action >= run->n_actions || run->actions[run->next_action].step >= t);
    while (run->next_action < run->n_actions && run->actions[run->next_action].step == t) {
        const bs_action *a = &run->actions[run->next_action++];
        int b = a->brand;
        assert(b >= 0 && b < B);
        c->any = 1;
        switch (a->kind) {
        case A_BREACH:
            if ((float)a->size <= 0) break; /* size 0: no breach, no news */
            c->breach[b] = (float)a->size;
            c->breach_reach[b] = (float)a->reach;
            c->breach_kind[b] = (uint8_t)a->sub;
            if (a->reach > c->news_reach) c->news_reach = a->reach;
            if (a->size > c->news_size) c->news_size = a->size;
            break;
        case A_BETRAYAL: c->betrayal[b] = (float)a->size; c->act[b] = (uint8_t)a->sub; break;
        case A_FAILURE: c->failure[b] = (float)a->size; break;
        case A_RECOVERY: c->recovery[b] = (uint8_t)a->sub; c->recovery_delay[b] = a->delay; break;
        case A_FORCED_EXIT: c->forced_exit[b] = (float)a->size; break;
        case A_POLICY: apply_policy(run, &run->sc.shocks[a->shock], b); break;
        case A_RESPONSE:
            c->response[b] = (uint8_t)a->sub;
            c->response_delay[b] = a->delay;
            if (a->sub == BS_RESPONSE_TRANSPARENCY_CONTROL) { /* F3: it is also a policy */
                bs_brand *br = &run->sc.brands[b];
                const double level = run->sc.model.response_policy_level;
                br->transparency = br->transparency > level ? br->transparency : level;
                br->control = br->control > level ? br->control : level;
            }
            break;
        }
    }
    for (int b = 0; b < B; b++) /* after this step's policy changes */
        c->notify[b] = (uint8_t)run->sc.brands[b].notify;
    /* F2: guilt by association, from the most similar breach; only brands not
     * breached themselves, only in a step with breach news */
    const bs_model *m = &run->sc.model;
    for (int b = 0; b < B; b++) {
        double x = 0;
        if (c->news_reach > 0 && c->breach[b] <= 0)
            for (int a = 0; a < B; a++) {
                if (c->breach[a] <= 0) continue;
                const double similarity = bs_brand_similarity(m, &run->sc.brands[a], &run->sc.brands[b]);
                const double y = bs_rival_contagion(m, similarity, c->breach[a]);
                x = y > x ? y : x;
            }
        c->contagion[b] = (float)x;
    }
}

/* ---- aggregates ------------------------------------------------------------- */

static void reduce_stats(bs_run *run)
{
    const int B = run->B;
    const size_t n_acc = (size_t)BS_CELLS * (size_t)B * NACC;
    int64_t *tot = run->accum[0].acc;
    int64_t mkt[NMKT];
    memcpy(mkt, run->accum[0].mkt, sizeof mkt);
    for (int th = 1; th < run->threads; th++) { /* integer sums: exact in any order */
        const int64_t *a = run->accum[th].acc;
        for (size_t k = 0; k < n_acc; k++) tot[k] += a[k];
        for (int k = 0; k < NMKT; k++) mkt[k] += run->accum[th].mkt[k];
    }
#ifndef NDEBUG
    for (size_t k = 0; k < n_acc; k++) assert(tot[k] >= 0); /* counts and sums of u16 values */
    for (int k = 0; k < NMKT; k++) assert(mkt[k] >= 0);
    assert(mkt[MKT_PURCHASES] + mkt[MKT_NO_PURCHASE] <= run->N); /* one choice at most each */
    assert(mkt[MKT_LOCATION] <= run->N && mkt[MKT_BROWSING] <= run->N);
#endif
    /* segments as sums of cells: the market, the strength, privacy and norm
     * segments (cell = strength * 6 + privacy * 2 + norm, state.h) */
    int64_t *seg = run->seg_acc;
    memset(seg, 0, (size_t)BS_SEG_COUNT * NACC * B * sizeof *seg);
    for (int cell = 0; cell < BS_CELLS; cell++) {
        const int in[4] = {BS_SEG_ALL, BS_SEG_STRONG + cell / 6,
                           BS_SEG_FUNDAMENTALIST + (cell % 6) / 2, BS_SEG_COMMUNAL + cell % 2};
        for (int b = 0; b < B; b++) {
            const int64_t *c = tot + ((size_t)cell * B + b) * NACC;
            for (int q = 0; q < 4; q++)
                for (int a = 0; a < NACC; a++) seg[((size_t)in[q] * NACC + a) * B + b] += c[a];
        }
    }
    bs_stats *s = &run->stats;
    s->step = run->t;
    for (int g = 0; g < BS_SEG_COUNT; g++) {
        const int64_t *A = seg + (size_t)g * NACC * B;
        double *V = s->v + (size_t)g * BS_M_COUNT * B;
        double total = 0;
        for (int b = 0; b < B; b++) total += (double)A[ACC_PURCHASES * B + b];
        assert(g != BS_SEG_ALL || total == (double)mkt[MKT_PURCHASES]);
        for (int b = 0; b < B; b++) {
#define CNT(a) ((double)A[(a)*B + b])
#define SUM16(a) ((double)A[(a)*B + b] / BS_U16_ONE)     /* sums of stored 16-bit values */
#define MEAN16(a, n) (CNT(n) > 0 ? SUM16(a) / CNT(n) : 0.0)
            const bs_brand *br = &run->sc.brands[b];
            const double ever = CNT(ACC_ACTIVE) + CNT(ACC_FORMER); /* relationships ever held */
#define PER_EVER(a) (ever > 0 ? (a) / ever : 0.0)
            double buys = CNT(ACC_PURCHASES);
            V[BS_M_MARKET_SHARE * B + b] = total > 0 ? buys / total : 0;
            V[BS_M_PURCHASES * B + b] = buys;
            V[BS_M_REVENUE * B + b] = buys * br->price;
            V[BS_M_ACTIVE_CUSTOMERS * B + b] = CNT(ACC_ACTIVE);
            V[BS_M_REPEAT_RATE * B + b] = buys > 0 ? CNT(ACC_REPEAT) / buys : 0;
            V[BS_M_DEFECTIONS_OUT * B + b] = CNT(ACC_DEF_OUT);
            V[BS_M_DEFECTIONS_IN * B + b] = CNT(ACC_DEF_IN);
            V[BS_M_EXITS * B + b] = CNT(ACC_EXITS);
            V[BS_M_REVENGE_WOM * B + b] = CNT(ACC_WOM);
            V[BS_M_REVENGE_WITHHOLD * B + b] = CNT(ACC_WITHHOLD);
            V[BS_M_REVENGE_ANTIBRAND * B + b] = CNT(ACC_ANTIBRAND);
            V[BS_M_AVOIDING * B + b] = CNT(ACC_AVOIDING);
            V[BS_M_BETRAYED * B + b] = CNT(ACC_BETRAYED);
            V[BS_M_MEAN_QUALITY * B + b] = MEAN16(ACC_SUM_R, ACC_ACTIVE);
            V[BS_M_MEAN_CONFIDENCE * B + b] = MEAN16(ACC_SUM_CONF, ACC_ACTIVE);
            V[BS_M_MEAN_BENEVOLENCE * B + b] = MEAN16(ACC_SUM_BENEV, ACC_ACTIVE);
            V[BS_M_MEAN_DISCLOSURE * B + b] = MEAN16(ACC_SUM_D, ACC_ACTIVE);
            V[BS_M_MEAN_REVENGE * B + b] = PER_EVER(SUM16(ACC_SUM_REVENGE));
            V[BS_M_MEAN_AVOIDANCE * B + b] = PER_EVER(SUM16(ACC_SUM_AVOID));
            V[BS_M_MEAN_SHAME * B + b] = MEAN16(ACC_SUM_SHAME, ACC_FORMER);
            V[BS_M_FORMER_CUSTOMERS * B + b] = CNT(ACC_FORMER);
            V[BS_M_MEAN_BETRAYAL * B + b] = PER_EVER(SUM16(ACC_SUM_BETRAYAL));
            /* F4: rho D T (1 + kappa), summed as D (conf + benev) in 1/65535^2 */
            V[BS_M_OFFER_ACCEPT_PERSONALIZED * B + b] =
                MEAN16(ACC_SUM_OFFER_P, ACC_ACTIVE) / BS_U16_ONE * 0.5 * br->relevance *
                (1.0 + br->control);
            V[BS_M_OFFER_ACCEPT_GENERIC * B + b] = /* T = (conf + benev) / 2 */
                0.5 * (MEAN16(ACC_SUM_CONF, ACC_ACTIVE) + MEAN16(ACC_SUM_BENEV, ACC_ACTIVE));
            V[BS_M_SHARE_STOPPED_VISITING * B + b] = PER_EVER(CNT(ACC_STOP_VISIT));
            V[BS_M_SHARE_STOPPED_BUYING * B + b] = PER_EVER(CNT(ACC_STOP_BUY));
            V[BS_M_MEAN_HABIT * B + b] = MEAN16(ACC_SUM_H, ACC_ACTIVE);
            V[BS_M_WOM_HEARD * B + b] = CNT(ACC_HEARD);
            V[BS_M_WOM_CONVERTED * B + b] = CNT(ACC_CONVERTED);
            V[BS_M_WOM_SECONDHAND * B + b] = CNT(ACC_WOM_SECONDHAND);
            /* the economics: accounting only, nothing above reads them */
            const double reached = CNT(ACC_REACHED);
            V[BS_M_RESPONSE_REACHED * B + b] = reached;
            V[BS_M_RESPONSE_COST * B + b] = g == BS_SEG_ALL
                ? bs_response_cost(&run->sc.economics, run->ctx.response[b], reached)
                : bs_response_cost_per_customer(&run->sc.economics, run->ctx.response[b]) * reached;
            V[BS_M_NET_CONTRIBUTION * B + b] =
                br->margin * V[BS_M_REVENUE * B + b] - V[BS_M_RESPONSE_COST * B + b];
#undef CNT
#undef SUM16
#undef MEAN16
#undef PER_EVER
        }
#ifndef NDEBUG
        double share = 0; /* the brands' shares of a segment's purchases sum to 1 */
        for (int b = 0; b < B; b++) share += V[BS_M_MARKET_SHARE * B + b];
        assert(total == 0 ? share == 0 : fabs(share - 1) < 1e-9);
#endif
    }
    double N = (double)run->N;
    s->market[BS_MK_PURCHASES] = (double)mkt[MKT_PURCHASES];
    s->market[BS_MK_NO_PURCHASE] = (double)mkt[MKT_NO_PURCHASE];
    s->market[BS_MK_MEAN_DISTRUST] = (double)mkt[MKT_SUM_DISTRUST] / BS_U16_ONE / N;
    s->market[BS_MK_WILLING_LOCATION] = (double)mkt[MKT_LOCATION] / N;
    s->market[BS_MK_WILLING_BROWSING] = (double)mkt[MKT_BROWSING] / N;
    s->market[BS_MK_SHARE_FUNDAMENTALIST] = (double)run->privacy_count[0] / N;
    s->market[BS_MK_SHARE_PRAGMATIST] = (double)run->privacy_count[1] / N;
    s->market[BS_MK_SHARE_UNCONCERNED] = (double)run->privacy_count[2] / N;
}

/* ---- quantile bins and the concentration of acts (observation only) ---------------- */

/* The bins of a histogram: h[u] counts the items (slots or consumers) whose stored value
 * is u, over every thread's histogram h_th (run->accum[th].hist, zeroed here); on return
 * accum[0].hist[u] is the bin of value u, floor(count(value < u) x bins / n), so that the
 * bins are quantiles of the values and equal values share one bin (ties are not split:
 * a bin may hold more or fewer than n / bins items, or none). Returns n. */
static int64_t histogram_bins(bs_run *run, int bins)
{
    int64_t *h = run->accum[0].hist;
    for (int th = 1; th < run->threads; th++) { /* integer sums: exact in any order */
        int64_t *x = run->accum[th].hist;
        for (int u = 0; u < BS_HIST; u++) h[u] += x[u];
        memset(x, 0, BS_HIST * sizeof *x);
    }
    int64_t n = 0, below = 0;
    for (int u = 0; u < BS_HIST; u++) n += h[u];
    for (int u = 0; u < BS_HIST; u++) {
        const int64_t c = h[u];
        h[u] = n > 0 ? below * bins / n : 0; /* below < n wherever c > 0: bin < bins */
        below += c;
    }
    return n;
}

/* At the start of the reference step, before S0 reads it: the prior-strength bin of
 * every active slot from the exact histogram of its stored R (MODEL.md "Observation"). */
static void assign_strength_bins(bs_run *run)
{
    const int64_t N = run->N;
    const int K = run->K;
    bs_state *st = &run->st;
#pragma omp parallel num_threads(run->threads)
    {
        int64_t *h = run->accum[omp_get_thread_num()].hist; /* zero between steps */
#pragma omp for schedule(static)
        for (int64_t i = 0; i < N; i++)
            for (int k = 0; k < K; k++) {
                const size_t s = (size_t)i * (size_t)K + (size_t)k;
                if (st->status[s] == SLOT_ACTIVE) h[st->R[s]]++;
            }
    }
    histogram_bins(run, run->q.bins[BS_QG_STRENGTH]);
    const int64_t *bin = run->accum[0].hist;
    const int B = run->B;
    /* the bins' relationships, per thread in its quantile accumulators (free before the
     * step's consumers, which zero them again), every thread's zeroed here: OpenMP may
     * give fewer threads */
    for (int th = 0; th < run->threads; th++)
        memset(run->accum[th].qacc, 0,
               (size_t)run->q.bins[BS_QG_STRENGTH] * B * NQACC * sizeof *run->accum[th].qacc);
#pragma omp parallel num_threads(run->threads)
    {
        int64_t *rel = run->accum[omp_get_thread_num()].qacc;
#pragma omp for schedule(static)
        for (int64_t i = 0; i < N; i++)
            for (int k = 0; k < K; k++) {
                const size_t s = (size_t)i * (size_t)K + (size_t)k;
                if (st->status[s] != SLOT_ACTIVE) continue;
                const int q = (int)bin[st->R[s]];
                st->qbin[s] = (uint8_t)q;
                rel[((size_t)q * B + (size_t)st->brand[s]) * NQACC + Q_RELATIONSHIPS]++;
            }
    }
    memset(run->accum[0].hist, 0, BS_HIST * sizeof *run->accum[0].hist);
    for (int th = 0; th < run->threads; th++) /* integer sums: exact in any order */
        for (size_t x = 0; x < (size_t)run->q.bins[BS_QG_STRENGTH] * B; x++)
            run->q.rel[x] += run->accum[th].qacc[x * NQACC + Q_RELATIONSHIPS];
}

/* After initialisation: the trait bin of every stored value of the trait quantile_trait
 * names, from the exact histogram of that trait over all consumers. */
static void trait_bins(bs_run *run)
{
    const int64_t N = run->N;
    const uint16_t *x = run->q.trait_of;
#pragma omp parallel num_threads(run->threads)
    {
        int64_t *h = run->accum[omp_get_thread_num()].hist;
#pragma omp for schedule(static)
        for (int64_t i = 0; i < N; i++) h[x[i]]++;
    }
    histogram_bins(run, run->q.bins[BS_QG_TRAIT]);
    for (int u = 0; u < BS_HIST; u++) run->q.trait_bin[u] = (uint8_t)run->accum[0].hist[u];
    memset(run->accum[0].hist, 0, BS_HIST * sizeof *run->accum[0].hist);
    /* the bins' relationships: every initial relationship in its consumer's bin (counted per
     * thread in its histogram, which has room for bins x brands) */
    const int K = run->K, B = run->B;
    const uint8_t *bin = run->q.trait_bin;
    const bs_state *st = &run->st;
#pragma omp parallel num_threads(run->threads)
    {
        int64_t *h = run->accum[omp_get_thread_num()].hist;
#pragma omp for schedule(static)
        for (int64_t i = 0; i < N; i++)
            for (int k = 0; k < K; k++) {
                const size_t s = (size_t)i * (size_t)K + (size_t)k;
                if (st->status[s] != SLOT_EMPTY) h[(size_t)bin[x[i]] * B + (size_t)st->brand[s]]++;
            }
    }
    int64_t *rel = run->q.rel + (size_t)run->q.bins[BS_QG_STRENGTH] * B;
    for (int th = 0; th < run->threads; th++) {
        int64_t *h = run->accum[th].hist;
        for (size_t k = 0; k < (size_t)run->q.bins[BS_QG_TRAIT] * B; k++) {
            rel[k] += h[k];
            h[k] = 0;
        }
    }
}

/* The quantile series of the step (bs_stats.quantile) from the threads' accumulators. */
static void reduce_quantiles(bs_run *run)
{
    const int B = run->B, nq = run->q.bins[BS_QG_STRENGTH] + run->q.bins[BS_QG_TRAIT];
    if (nq == 0) return;
    const size_t n = (size_t)nq * (size_t)B * NQACC;
    int64_t *tot = run->q.sum;
    memcpy(tot, run->accum[0].qacc, n * sizeof *tot);
    for (int th = 1; th < run->threads; th++) /* integer sums: exact in any order */
        for (size_t k = 0; k < n; k++) tot[k] += run->accum[th].qacc[k];
    for (int g = 0, q0 = 0; g < BS_QG_COUNT; q0 += run->q.bins[g++]) {
        const int bins = run->q.bins[g];
        double *V = run->stats.quantile[g];
        for (int bin = 0; bin < bins; bin++)
            for (int b = 0; b < B; b++) {
                const int64_t *a = tot + ((size_t)(q0 + bin) * B + (size_t)b) * NQACC;
                int64_t *count = &run->q.rel[(size_t)(q0 + bin) * B + (size_t)b];
                *count += a[Q_RELATIONSHIPS]; /* this step's change */
                assert(a[Q_PURCHASES] >= 0 && a[Q_ACTS] >= 0 && a[Q_EXITS] >= 0);
                assert(a[Q_SUM_REVENGE] >= 0 && *count >= 0);
                const double rel = (double)*count;
#define AT(m) V[((size_t)(m) * bins + bin) * B + b]
                AT(BS_QM_PURCHASES) = (double)a[Q_PURCHASES];
                AT(BS_QM_REVENUE) = (double)a[Q_PURCHASES] * run->sc.brands[b].price;
                AT(BS_QM_REVENGE_ACTS) = (double)a[Q_ACTS];
                AT(BS_QM_EXITS) = (double)a[Q_EXITS];
                AT(BS_QM_MEAN_REVENGE) =
                    rel > 0 ? (double)a[Q_SUM_REVENGE] / BS_U16_ONE / rel : 0.0;
                AT(BS_QM_RELATIONSHIPS) = rel;
#undef AT
            }
    }
}

/* The concentration of revenge acts across consumers, from h[c] (consumers who have made
 * c acts so far, c <= max; they sum to N): the share of all acts made by the tenth of
 * consumers with the most (a count at the boundary shares its acts in proportion, so
 * N / 10 consumers exactly, however many tie) and the Gini coefficient
 * sum_i sum_j |x_i - x_j| / (2 N sum_i x_i). Both from exact integer sums (128-bit),
 * divided once; 0 when nobody has acted. */
__extension__ typedef __int128 bs_i128;
static void act_concentration(const int64_t *h, int max, int64_t N, double *top, double *gini)
{
    bs_i128 total = 0, pairs = 0, below = 0, sum_below = 0;
    for (int c = 0; c <= max; c++) {
        total += (bs_i128)c * h[c];
        /* consumers with c acts against those with fewer: h[c] (c below - sum below) */
        pairs += (bs_i128)h[c] * ((bs_i128)c * below - sum_below);
        below += h[c];
        sum_below += (bs_i128)c * h[c];
    }
    *top = *gini = 0;
    if (total == 0) return;
    /* the top tenth, times 10: whole counts from the top while they fit in N / 10
     * consumers (10 x taken <= N), then a share of the boundary count */
    bs_i128 taken = 0, acts10 = 0; /* consumers taken; acts taken, times 10 */
    for (int c = max; c > 0 && 10 * taken < N; c--) {
        const bs_i128 room10 = (bs_i128)N - 10 * taken; /* consumers left, times 10 */
        const bs_i128 h10 = 10 * (bs_i128)h[c];
        const bs_i128 take10 = h10 < room10 ? h10 : room10;
        acts10 += (bs_i128)c * take10;
        taken += h[c]; /* past N / 10 only on the last count taken */
    }
    *top = (double)acts10 / ((double)total * 10.0);
    *gini = (double)pairs / ((double)N * (double)total);
}

/* Who has made how many acts so far: the threads' changes this step added to
 * run->act_hist (and zeroed), then the market's concentration metrics. */
static void reduce_acts(bs_run *run)
{
    for (int th = 0; th < run->threads; th++) {
        bs_accum *ac = &run->accum[th];
        for (int c = ac->hist_lo; c <= ac->hist_hi; c++) {
            run->act_hist[c] += ac->hist[c];
            ac->hist[c] = 0;
        }
        if (ac->hist_hi > run->act_max) run->act_max = ac->hist_hi;
        ac->hist_lo = BS_HIST;
        ac->hist_hi = -1;
    }
#ifndef NDEBUG
    int64_t n = 0;
    for (int c = 0; c <= run->act_max; c++) {
        assert(run->act_hist[c] >= 0);
        n += run->act_hist[c];
    }
    assert(n == run->N); /* every consumer has made some number of acts */
#endif
    act_concentration(run->act_hist, run->act_max, run->N,
                      &run->stats.market[BS_MK_ACTS_TOP_DECILE_SHARE],
                      &run->stats.market[BS_MK_ACTS_GINI]);
}

/* ---- public API --------------------------------------------------------------- */

#define CTX_ARRAYS(X)                                                                          \
    X(breach) X(breach_reach) X(breach_kind) X(notify) X(betrayal) X(act) X(failure)           \
    X(recovery) X(recovery_delay) X(response) X(response_delay) X(forced_exit) X(win_back)    \
    X(contagion)

bs_run *bs_run_alloc(const bs_scenario *sc, int threads, bs_error *err)
{
    bs_run *run = calloc(1, sizeof *run);
    if (!run) return fail_alloc(NULL, err, "the run");
    run->sc = *sc;
    run->threads = threads > 0 ? threads : omp_get_max_threads();
    run->K = sc->slots;
    run->B = sc->n_brands;
    run->N = sc->consumers;
    run->net_key = bs_network_key(sc->seed);
    const int B = run->B;
    const bs_model *m = &sc->model;
    run->first.strong = bs_u16_first(m->strong_threshold, 0); /* R >= strong_threshold */
    run->first.act = bs_u16_first(m->act_threshold, 1);       /* revenge > act_threshold */
    run->first.exit = bs_u16_first(m->exit_threshold, 1);     /* avoid > exit_threshold */
    run->first.avoid = bs_u16_first(m->avoid_threshold, 0);   /* avoid >= avoid_threshold */
    run->first.betrayed = bs_u16_first(m->betrayed_threshold, 1);
    run->q.bins[BS_QG_STRENGTH] = sc->strength_quantiles;
    run->q.bins[BS_QG_TRAIT] = sc->trait_quantiles;
    if (state_alloc(&run->st, run->N, run->K, sc->network.kind == BS_NET_SMALL_WORLD,
                    sc->strength_quantiles, &run->bytes_per_consumer))
        return fail_alloc(run, err, "consumer state");
#define CALLOC(f)                                                                              \
    run->ctx.f = calloc((size_t)B, sizeof *run->ctx.f);                                        \
    if (!run->ctx.f) return fail_alloc(run, err, "step context");
    CTX_ARRAYS(CALLOC)
#undef CALLOC
    run->accum = calloc((size_t)run->threads, sizeof *run->accum);
    if (!run->accum) return fail_alloc(run, err, "accumulators");
    const size_t nq = (size_t)(sc->strength_quantiles + sc->trait_quantiles) * (size_t)B * NQACC;
    for (int th = 0; th < run->threads; th++) {
        bs_accum *ac = &run->accum[th];
        ac->acc = calloc((size_t)BS_CELLS * B * NACC, sizeof(int64_t));
        ac->hist = calloc(BS_HIST, sizeof *ac->hist);
        ac->qacc = nq ? calloc(nq, sizeof *ac->qacc) : NULL;
        ac->hist_lo = BS_HIST;
        ac->hist_hi = -1;
        if (!ac->acc || !ac->hist || (nq && !ac->qacc))
            return fail_alloc(run, err, "accumulators");
    }
    run->seg_acc = calloc((size_t)BS_SEG_COUNT * NACC * B, sizeof(int64_t));
    run->q.sum = nq ? malloc(nq * sizeof *run->q.sum) : NULL;
    run->q.rel = nq ? calloc(nq / NQACC, sizeof *run->q.rel) : NULL;
    run->act_hist = calloc(BS_HIST, sizeof *run->act_hist);
    if (!run->seg_acc || (nq && (!run->q.sum || !run->q.rel)) || !run->act_hist)
        return fail_alloc(run, err, "accumulators");
    run->stats.n_brands = B;
    run->stats.v = calloc((size_t)BS_SEG_COUNT * BS_M_COUNT * B, sizeof(double));
    run->appeal_cdf = malloc((size_t)B * sizeof(double));
    run->brands0 = malloc((size_t)B * sizeof *run->brands0);
    if (!run->stats.v || !run->appeal_cdf || !run->brands0) return fail_alloc(run, err, "aggregates");
    memcpy(run->brands0, sc->brands, (size_t)B * sizeof *run->brands0);
    run->stats.quantile_trait = sc->quantile_trait;
    for (int g = 0; g < BS_QG_COUNT; g++) {
        const int bins = run->q.bins[g];
        run->stats.quantile_bins[g] = bins;
        if (bins && !(run->stats.quantile[g] = calloc((size_t)BS_QM_COUNT * bins * B, sizeof(double))))
            return fail_alloc(run, err, "aggregates");
    }
    if (sc->trait_quantiles && !(run->q.trait_bin = malloc(BS_HIST)))
        return fail_alloc(run, err, "aggregates");
    double acc = 0;
    for (int b = 0; b < B; b++) run->appeal_cdf[b] = acc += sc->brands[b].appeal + 1e-9;
    if (build_schedule(run)) return fail_alloc(run, err, "the schedule");

    const int64_t N = run->N;
#pragma omp parallel for schedule(static) num_threads(run->threads)
    for (int64_t i = 0; i < N; i++) init_consumer(run, i);
    if (sc->network.kind == BS_NET_SMALL_WORLD)
#pragma omp parallel for schedule(static) num_threads(run->threads)
        for (int64_t i = 0; i < N; i++)
            run->st.rewired[i] = bs_network_rewired_mask(&sc->network, run->net_key, i);
    memset(run->st.wom_bits, 0, ((size_t)N + 63) / 64 * sizeof *run->st.wom_bits); /* no complaints yet */
    for (int64_t i = 0; i < N; i++) run->privacy_count[SEG_PRIVACY(run->st.segment[i])]++;
    run->act_hist[0] = N; /* nobody has acted yet */
    if (sc->trait_quantiles) {
        const bs_state *st = &run->st;
        const uint16_t *const traits[BS_TRAIT_COUNT] = {
            [BS_TRAIT_CONCERN] = st->concern, [BS_TRAIT_SELF_RELEVANCE] = st->self_relevance,
            [BS_TRAIT_GRUDGE] = st->grudge, [BS_TRAIT_PRICE_SENSITIVITY] = st->price_sensitivity,
            [BS_TRAIT_WOM_SUSCEPTIBILITY] = st->wom_susceptibility,
            [BS_TRAIT_ANXIETY] = st->anxiety, [BS_TRAIT_AVOIDANCE] = st->avoidance};
        assert(sc->quantile_trait >= 0 && sc->quantile_trait < BS_TRAIT_COUNT);
        run->q.trait_of = traits[sc->quantile_trait];
        trait_bins(run);
    }
    return run;
}

void bs_run_free(bs_run *run)
{
    if (!run) return;
    state_free(&run->st);
#define FREE(f) free(run->ctx.f);
    CTX_ARRAYS(FREE)
#undef FREE
    if (run->accum)
        for (int th = 0; th < run->threads; th++) {
            free(run->accum[th].acc);
            free(run->accum[th].qacc);
            free(run->accum[th].hist);
        }
    free(run->accum);
    free(run->seg_acc);
    free(run->q.sum);
    free(run->q.rel);
    free(run->q.trait_bin);
    free(run->act_hist);
    for (int g = 0; g < BS_QG_COUNT; g++) free(run->stats.quantile[g]);
    free(run->stats.v);
    free(run->appeal_cdf);
    free(run->brands0);
    free(run->actions);
    free(run->events);
    free(run);
}

bs_status bs_run_step(bs_run *run, bs_error *err)
{
    if (run->replay)
        return bs_error_setf(err, BS_ERR_RUNTIME, "a replayed run cannot step");
    if (run->t >= run->sc.steps) {
        return bs_error_setf(err, BS_ERR_RUNTIME, "run is finished after %d steps", run->t);
    }
    assert(run->t >= 0);
    build_context(run);
    if (run->t == run->reference_step && run->q.bins[BS_QG_STRENGTH])
        assign_strength_bins(run); /* prior strength: R as S0 reads it at this step */
    bs_step_consumers(run);
    reduce_stats(run);
    reduce_quantiles(run);
    reduce_acts(run);
    run->t++;
    return BS_OK;
}

int bs_run_steps_done(const bs_run *run) { return run->t; }
const bs_stats *bs_run_stats(const bs_run *run) { return &run->stats; }
double bs_run_bytes_per_consumer(const bs_run *run) { return run->bytes_per_consumer; }
const bs_scenario *bs_run_scenario(const bs_run *run) { return &run->sc; }

void bs_run_initial_scenario(const bs_run *run, bs_scenario *out)
{
    memcpy(out, &run->sc, sizeof *out);
    if (run->brands0) /* (a replay's scenario is the one it began with) */
        memcpy(out->brands, run->brands0, (size_t)run->B * sizeof *out->brands);
}

const bs_event *bs_run_events(const bs_run *run, int *count)
{
    *count = run->n_events;
    return run->events;
}
