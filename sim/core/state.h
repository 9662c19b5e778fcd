/* SPDX-License-Identifier: MIT */
/*
 * state.h: the inside of a bs_run, its state and what the step needs of it,
 * shared by run.c (lifecycle, population, schedule, aggregates) and step.c
 * (the step, declared in step.h). Not a public header.
 *
 * State is structure-of-arrays. Consumer i's relationship slots are at
 * [i * K + k]. A consumer's own arrays are read and written only by the
 * thread that runs that consumer, so they are updated in place; the one thing
 * a consumer shows others, its word-of-mouth outbox, is double-buffered
 * (wom[t & 1] is read, wom[(t + 1) & 1] written) so every consumer hears last
 * step's complaints whatever the thread schedule.
 */
#ifndef BS_CORE_STATE_H
#define BS_CORE_STATE_H

#include <assert.h>
#include <stdint.h>

#include "brandsim/error.h"
#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "brandsim/scenario.h"
#include "brandsim/version.h"

enum { SLOT_EMPTY = 0, SLOT_ACTIVE = 1, SLOT_EXITED = 2 };
enum {
    FLAG_CLARIFIED = 1, /* expectations were clarified when it began (F11) */
    FLAG_STRONG = 2,    /* strong before the first shock (segment) */
    FLAG_FAILED = 4,    /* hit by a service failure awaiting recovery (F8) */
    FLAG_MOVED_ON = 8,  /* helped to a new brand by a clean break (F10) */
    FLAG_NEW = 16,      /* began at or after the first shock (segment "new") */
    FLAG_IRRITATED = 32, /* irritated by an irrelevant personalized message (C3) */
    FLAG_DIRECT = 64,   /* hit by a shock itself (breach learned, betrayal, failure,
                         * forced exit, win-back sting), not only by complaints heard */
    FLAG_DROPPED = 128, /* exited because the brand ended it (forced exit) */
};

/* Consumer segment byte: privacy segment in bits 0-1, norm in bit 2. */
#define SEG_PRIVACY(s) ((s)&3)
#define SEG_NORM(s) (((s) >> 2) & 1)

/* The strength segment of a slot with these flags. */
static inline int bs_strength_segment(uint8_t flags)
{
    return (flags & FLAG_NEW) ? BS_SEG_NEW : (flags & FLAG_STRONG) ? BS_SEG_STRONG : BS_SEG_WEAK;
}

/*
 * Every [0, 1] quantity of the state (traits, distrust, the eleven slot
 * variables) is stored as 16-bit unsigned fixed point, value = u / 65535
 * (resolution 1.5e-5; 0 and 1 are exact): half the bytes of a float. Read
 * with bs_u16_get (a double, computed in double as before); write with
 * bs_u16_put (clamped to [0, 1], rounded to nearest). A quantity that fades
 * by a factor per step is written with bs_u16_fade, see there.
 */
#define BS_U16_ONE 65535

static inline double bs_u16_get(uint16_t u)
{
    return (double)u * (1.0 / BS_U16_ONE); /* exact at 0 and 1; put(get(u)) == u */
}

static inline uint16_t bs_u16_put(double x)
{
    assert(x == x); /* a NaN is a bug (a release build stores it as 0, below) */
    double y = x * BS_U16_ONE + 0.5;
    y = y > 0 ? y : 0; /* also NaN */
    y = y < BS_U16_ONE ? y : BS_U16_ONE;
    return (uint16_t)y;
}

/* The new value x of a fading quantity stored as `old`: rounded to nearest,
 * except that a decrease too small to round (less than half a unit) still
 * takes the value one unit down. Round to nearest alone would stop a decay
 * v *= (1 - d) for good at the first v below 0.5 / d units (a revenge, shame
 * or distrust that never ends); with this it reaches 0. Branch-free: most
 * calls are a slot at 0 staying at 0. */
static inline uint16_t bs_u16_fade(uint16_t old, double x)
{
    const int u = bs_u16_put(x);
    return (uint16_t)(u - ((u == old) & (x < bs_u16_get(old)) & (old > 0)));
}

/* The first stored value past a threshold t, so that a comparison needs no
 * conversion and gives exactly what comparing the double would:
 * bs_u16_get(u) > t  <=>  u >= bs_u16_first(t, 1), and
 * bs_u16_get(u) >= t <=>  u >= bs_u16_first(t, 0). 65536 if there is none. */
static inline int bs_u16_first(double t, int strict)
{
    int u = !(t > 0) ? 0 : t >= 1 ? BS_U16_ONE : (int)(t * BS_U16_ONE); /* NaN: 0, then none */
#define BS_PAST(v) (strict ? bs_u16_get((uint16_t)(v)) > t : bs_u16_get((uint16_t)(v)) >= t)
    while (u > 0 && BS_PAST(u - 1)) u--;
    while (u <= BS_U16_ONE && !BS_PAST(u)) u++;
#undef BS_PAST
    return u;
}

typedef struct {
    /* traits in [0, 1], fixed at birth (16-bit fixed point, see above) */
    uint16_t *concern, *self_relevance, *grudge, *price_sensitivity, *wom_susceptibility;
    uint16_t *anxiety, *avoidance; /* attachment style: anxiety and avoidance */
    uint8_t *segment;
    /* consumer state */
    uint16_t *distrust;   /* category distrust (F2 spillover), fixed point */
    int16_t *last_brand;  /* brand of the last purchase, -1 none */
    int16_t *wom[2];      /* outbox: brand complained about, -1 none */
    uint64_t *wom_bits;   /* [ceil(N / 64)]: bit i set if wom[t & 1][i] >= 0, built
                           * after each step so listeners test one bit (in cache) per
                           * link and read the outbox only for a complaint */
    uint16_t *rewired;    /* small world: [N], bit l set if link l (< 16) is rewired
                           * (bs_network_rewired_mask), so ring links need no hash;
                           * [1] for other kinds */
    /* relationship slots [i * K + k]; tenure only seeds S at initialisation
     * (init_consumer), so it is not stored */
    int16_t *brand;
    uint8_t *status, *flags;
    uint16_t *R, *conf, *benev, *S, *D, *betrayal, *revenge, *avoid, *R0, *shame; /* fixed point */
    uint16_t *irritation; /* C3: memory of irrelevant personalized messages, fixed point */
    uint16_t *H;          /* habit strength: routine and switching costs built by purchases */
    /* observation only (issue 17 item 4; MODEL.md "Observation"): nothing the model
     * reads */
    uint8_t *qbin;   /* [NK] the slot's prior-strength quantile bin, BS_QBIN_NONE if it has
                      * none (begun at or after the reference step, or not active at its
                      * start), when strength_quantiles > 0; [1] otherwise */
    uint16_t *acts;  /* [N] revenge acts the consumer has made so far (saturating at 65535) */
} bs_state;

enum { BS_QBIN_NONE = 255, BS_ACTS_MAX = 65535, BS_HIST = 65536 /* values of a uint16 */ };

/* What happens to each brand in the current step (built serially). */
typedef struct {
    int any;              /* anything at all this step */
    double news_reach;    /* largest media reach of a breach this step */
    double news_size;     /* largest breach size this step */
    float *breach;        /* [B] breach size at the brand, 0 none */
    float *breach_reach;  /* [B] */
    uint8_t *breach_kind; /* [B] */
    uint8_t *notify;      /* [B] brand tells all its customers */
    float *betrayal;      /* [B] severity, 0 none */
    uint8_t *act;         /* [B] */
    float *failure;       /* [B] share of customers hit, 0 none */
    uint8_t *recovery;    /* [B] 0 none, 1 good, 2 poor (this step) */
    int *recovery_delay;  /* [B] */
    uint8_t *response;    /* [B] bs_response firing this step */
    int *response_delay;  /* [B] */
    float *forced_exit;   /* [B] share of customers dropped */
    uint8_t *win_back;    /* [B] win-back contacts this step */
    float *contagion;     /* [B] F2: share of confidence its listening customers lose, 0 none */
} bs_context;

/* One scheduled action (shock or policy action), in step order. */
typedef struct {
    int step, brand, kind, sub, delay;
    double size, reach;
    int shock; /* index of the shock it came from */
} bs_action;
enum { A_BREACH, A_BETRAYAL, A_FAILURE, A_RECOVERY, A_FORCED_EXIT, A_POLICY, A_RESPONSE };

/* Accumulators of one thread: integers, so sums are exact and the same in
 * any order (deterministic reductions). A sum of a stored [0, 1] quantity
 * (ACC_SUM_R ... ACC_SUM_BETRAYAL, MKT_SUM_DISTRUST) adds the stored 16-bit
 * values themselves, in units of 1/65535 (BS_U16_ONE); the personalized offer
 * propensity adds the product D (conf + benev) of stored values, in units of
 * 1/65535^2 (at most 2^33 per relationship, and a consumer holds a brand in
 * one slot, so a brand's sum over 10^9 consumers fits in int64). Relationships
 * ever held are active + former; the generic offer propensity is formed from
 * the sums of conf and benev. A relationship adds to one cell, its strength
 * segment x its consumer's privacy segment x norm (BS_CELLS of them), so that
 * an addition is one write; the segments of bs_stats are sums of cells,
 * formed once per step in the reduction (run.c). Index
 * [(cell * B + b) * NACC + a]: the numbers of one relationship lie together. */
enum {
    ACC_PURCHASES, ACC_REPEAT, ACC_DEF_OUT, ACC_DEF_IN, ACC_EXITS, ACC_WOM, ACC_WITHHOLD,
    ACC_ANTIBRAND, ACC_AVOIDING, ACC_BETRAYED, ACC_ACTIVE, ACC_FORMER,
    ACC_SUM_R, ACC_SUM_CONF, ACC_SUM_BENEV, ACC_SUM_D, ACC_SUM_REVENGE, ACC_SUM_AVOID,
    ACC_SUM_SHAME, ACC_SUM_BETRAYAL, ACC_SUM_OFFER_P, ACC_STOP_VISIT, ACC_STOP_BUY, ACC_SUM_H,
    ACC_HEARD, ACC_CONVERTED, ACC_WOM_SECONDHAND, ACC_REACHED, NACC
};
enum {
    MKT_PURCHASES, MKT_NO_PURCHASE, MKT_SUM_DISTRUST, MKT_LOCATION, MKT_BROWSING, NMKT
};
/* Accumulators by quantile bin (strength bins, then trait bins: bin index q over both),
 * [(q * B + b) * NQACC + a]: integers like the others (revenge as stored 16-bit values).
 * Q_RELATIONSHIPS is the step's change of the bin's relationships with the brand (a slot
 * binned, or taken by a new relationship): the count itself is kept in bs_run.q.rel, so
 * that a slot adds nothing in a step where nothing happens to it. */
enum { Q_PURCHASES, Q_ACTS, Q_EXITS, Q_SUM_REVENGE, Q_RELATIONSHIPS, NQACC };

/* Cells: (strength segment - BS_SEG_STRONG) * 6 + privacy segment * 2 + norm. */
enum { BS_CELLS = 3 * 3 * 2 };
static inline int bs_cell(int strength_segment, int consumer_cell)
{
    return (strength_segment - BS_SEG_STRONG) * 6 + consumer_cell;
}
/* The consumer's part of the cell, from its segment byte. */
static inline int bs_consumer_cell(uint8_t segment)
{
    return SEG_PRIVACY(segment) * 2 + SEG_NORM(segment);
}

typedef struct {
    int64_t *acc; /* [BS_CELLS * B * NACC] */
    int64_t mkt[NMKT];
    int64_t *qacc; /* [(strength bins + trait bins) * B * NQACC], NULL if both are off */
    /* [BS_HIST]: the change this step of how many consumers have made each number of
     * acts (entries hist_lo .. hist_hi touched; all zero between steps); before the
     * reference step's consumers, scratch for the histogram of prior strength */
    int64_t *hist;
    int hist_lo, hist_hi;
    char pad[64];
} bs_accum;

struct bs_run {
    bs_scenario sc; /* copy; brands change with policy shocks */
    int threads;
    int replay;     /* a replay (core/replay.h): no consumers, it cannot step */
    int t;          /* steps done */
    int K, B;
    int64_t N;
    int reference_step; /* first shock's step (0 if none): strong/weak classified then */
    bs_state st;
    bs_context ctx;
    bs_action *actions;
    int n_actions, next_action;
    bs_event *events;
    int n_events;
    bs_brand *brands0; /* [B]: the brands as the run began (bs_run_initial_scenario) */
    int response0[BS_MAX_BRANDS], delay0[BS_MAX_BRANDS]; /* each brand's breach_response and
                                      * response_delay as the run began (the schedule's start) */
    bs_accum *accum; /* [threads] */
    int64_t *seg_acc; /* [BS_SEG_COUNT * NACC * B]: the cells summed into segments */
    bs_stats stats;
    double *appeal_cdf; /* [B] cumulative brand appeal, for initial draws */
    double bytes_per_consumer;
    uint64_t net_key;    /* bs_network_key(seed) */
    int64_t wom_senders; /* consumers with a complaint in this step's inbox (wom_bits) */
    int64_t privacy_count[3]; /* consumers per privacy segment (C1), counted at allocation */
    struct { /* model thresholds as stored values (bs_u16_first), set at allocation */
        int strong, act, exit, avoid, betrayed;
    } first;
    struct { /* quantile bins (observation only) */
        int bins[BS_QG_COUNT];    /* strength_quantiles, trait_quantiles (0: off) */
        const uint16_t *trait_of; /* [N] the trait quantile_trait names (st's array) */
        uint8_t *trait_bin;       /* [BS_HIST] a stored trait value's bin; NULL when off */
        int64_t *sum;             /* [(bins) * B * NQACC]: the threads' qacc summed */
        int64_t *rel;             /* [(bins) * B]: active + former relationships per bin and
                                   * brand, kept up to date by the steps' changes */
    } q;
    int64_t *act_hist; /* [BS_HIST]: consumers who have made each number of acts so far */
    int act_max;       /* the largest number of acts any consumer has made */
};


#endif
