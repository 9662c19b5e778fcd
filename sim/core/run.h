/*
 * run.h: the inside of a bs_run, shared by run.c (lifecycle, population,
 * schedule, aggregates) and step.c (the step). Not a public header.
 *
 * State is structure-of-arrays. Consumer i's relationship slots are at
 * [i * K + k]. A consumer's own arrays are read and written only by the
 * thread that runs that consumer, so they are updated in place; the one thing
 * a consumer shows others, its word-of-mouth outbox, is double-buffered
 * (wom[t & 1] is read, wom[(t + 1) & 1] written) so every consumer hears last
 * step's complaints whatever the thread schedule.
 */
#ifndef BS_RUN_H
#define BS_RUN_H

#include <stdint.h>

#include "brandsim/brandsim.h"

enum { SLOT_EMPTY = 0, SLOT_ACTIVE = 1, SLOT_EXITED = 2 };
enum {
    FLAG_CLARIFIED = 1, /* expectations were clarified when it began (F11) */
    FLAG_STRONG = 2,    /* strong before the first shock (segment) */
    FLAG_FAILED = 4,    /* hit by a service failure awaiting recovery (F8) */
    FLAG_MOVED_ON = 8,  /* helped to a new brand by a clean break (F10) */
    FLAG_NEW = 16,      /* began at or after the first shock (segment "new") */
};

/* Consumer segment byte: privacy segment in bits 0-1, norm in bit 2. */
#define SEG_PRIVACY(s) ((s)&3)
#define SEG_NORM(s) (((s) >> 2) & 1)

/* The strength segment of a slot with these flags. */
static inline int bs_strength_segment(uint8_t flags)
{
    return (flags & FLAG_NEW) ? BS_SEG_NEW : (flags & FLAG_STRONG) ? BS_SEG_STRONG : BS_SEG_WEAK;
}

typedef struct {
    /* traits, fixed at birth */
    float *concern, *self_relevance, *grudge, *price_sensitivity, *wom_susceptibility;
    uint8_t *segment;
    /* consumer state */
    float *distrust;      /* category distrust (F2 spillover) */
    int16_t *last_brand;  /* brand of the last purchase, -1 none */
    int16_t *wom[2];      /* outbox: brand complained about, -1 none */
    /* relationship slots [i * K + k] */
    int16_t *brand;
    uint8_t *status, *flags;
    uint16_t *tenure;
    float *R, *conf, *benev, *S, *D, *betrayal, *revenge, *avoid, *R0, *shame;
} bs_state;

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
} bs_context;

/* One scheduled action (shock or policy action), in step order. */
typedef struct {
    int step, brand, kind, sub, delay;
    double size, reach;
    int shock; /* index of the shock it came from */
} bs_action;
enum { A_BREACH, A_BETRAYAL, A_FAILURE, A_RECOVERY, A_FORCED_EXIT, A_POLICY, A_RESPONSE };

/* Accumulators of one thread: fixed point, so sums are exact and the same in
 * any order (deterministic reductions). Index [(seg * NACC + a) * B + b]. */
enum {
    ACC_PURCHASES, ACC_REPEAT, ACC_DEF_OUT, ACC_DEF_IN, ACC_EXITS, ACC_WOM, ACC_WITHHOLD,
    ACC_ANTIBRAND, ACC_AVOIDING, ACC_BETRAYED, ACC_ACTIVE, ACC_EVER, ACC_FORMER,
    ACC_SUM_R, ACC_SUM_CONF, ACC_SUM_BENEV, ACC_SUM_D, ACC_SUM_REVENGE, ACC_SUM_AVOID,
    ACC_SUM_SHAME, NACC
};
enum { MKT_PURCHASES, MKT_NO_PURCHASE, MKT_SUM_DISTRUST, MKT_LOCATION, MKT_BROWSING, NMKT };
#define BS_FIXED_ONE 4294967296.0 /* 2^32: fixed-point unit for sums of [0,1] values */

typedef struct {
    int64_t *acc; /* [BS_SEG_COUNT * NACC * B] */
    int64_t mkt[NMKT];
    char pad[64];
} bs_accum;

struct bs_run {
    bs_scenario sc; /* copy; brands change with policy shocks */
    int threads;
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
    bs_accum *accum; /* [threads] */
    bs_stats stats;
    double *appeal_cdf; /* [B] cumulative brand appeal, for initial draws */
    double bytes_per_consumer;
};

/* step.c */
void bs_step_consumers(bs_run *run);

#endif
