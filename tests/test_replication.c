/* SPDX-License-Identifier: MIT */
/*
 * test_replication.c: the replication engine. Outcomes of known series,
 * criteria on constructed replicate values (each one seen to pass and to
 * fail), the `replication:` parser's errors, every shipped experiment's tests
 * labelled built in or emergent, and `brandsim replicate` end to
 * end on tiny experiments (tests/data/replication*): a finding that passes
 * with a control that fails exits 0, an impossible finding or a control that
 * cannot fail exits 3, and REPORT.md says so.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "brandsim/findings.h"
#include "brandsim/replication.h"

/* ---- outcomes ---------------------------------------------------------------------- */

static bs_outcome outcome(int stat, int from, int to)
{
    bs_outcome o = {0};
    o.stat = stat;
    o.from = from;
    o.to = to;
    return o;
}

Test(outcome, window_statistics)
{
    double x[] = {0, 1, 4, 9, 5, 3, 2, 1};
    bs_outcome o = outcome(BS_STAT_MEAN, 1, 4);
    cr_expect_float_eq(bs_outcome_value(&o, x, 8), 14.0 / 3, 1e-12);
    o.stat = BS_STAT_SUM;
    cr_expect_float_eq(bs_outcome_value(&o, x, 8), 14.0, 1e-12);
    o.stat = BS_STAT_LAST;
    cr_expect_float_eq(bs_outcome_value(&o, x, 8), 9.0, 0);
    o = outcome(BS_STAT_PEAK, 0, 8);
    cr_expect_float_eq(bs_outcome_value(&o, x, 8), 9.0, 0);
    o.stat = BS_STAT_MIN;
    o.from = 3;
    cr_expect_float_eq(bs_outcome_value(&o, x, 8), 1.0, 0);
}

Test(outcome, slope_of_a_line)
{
    double x[10];
    for (int t = 0; t < 10; t++) x[t] = 3 - 0.25 * t;
    bs_outcome o = outcome(BS_STAT_SLOPE, 2, 9);
    cr_expect_float_eq(bs_outcome_value(&o, x, 10), -0.25, 1e-12);
}

/* peak 9 at step 3; below 0.3 x 9 = 2.7 first at step 6: 3 steps */
Test(outcome, time_below_a_fraction_of_the_peak)
{
    double x[] = {0, 1, 4, 9, 5, 3, 2, 1};
    bs_outcome o = outcome(BS_STAT_TIME_BELOW, 0, 8);
    o.fraction = 0.3;
    cr_expect_float_eq(bs_outcome_value(&o, x, 8), 3.0, 0);
    o.fraction = 0.05; /* never within the window: censored, the window's length */
    cr_expect_float_eq(bs_outcome_value(&o, x, 8), 8.0, 0);
    /* never above 0 (no acts at all): nothing lasts, not "at least the window" */
    double none[8] = {0};
    cr_expect_float_eq(bs_outcome_value(&o, none, 8), 0.0, 0);
}

/* peak 9, baseline mean 1 (steps 0-1), last 3: (3 - 0.5) / (9 - 0.5) */
Test(outcome, peak_fraction)
{
    double x[] = {0, 1, 4, 9, 5, 3};
    bs_outcome o = outcome(BS_STAT_PEAK_FRACTION, 2, 6);
    o.base_from = 0;
    o.base_to = 2;
    cr_expect_float_eq(bs_outcome_value(&o, x, 6), 2.5 / 8.5, 1e-12);
}

/* A union of segments: counts add, means are weighted by their denominators, shares are
   recomputed from purchases. */
Test(outcome, union_of_segments)
{
    enum { B = 2 };
    double v[BS_SEG_COUNT * BS_M_COUNT * B] = {0};
#define V(seg, m, b) v[((seg) * BS_M_COUNT + (m)) * B + (b)]
    V(BS_SEG_STRONG, BS_M_PURCHASES, 0) = 30; V(BS_SEG_STRONG, BS_M_PURCHASES, 1) = 10;
    V(BS_SEG_WEAK, BS_M_PURCHASES, 0) = 10;   V(BS_SEG_WEAK, BS_M_PURCHASES, 1) = 50;
    V(BS_SEG_STRONG, BS_M_ACTIVE_CUSTOMERS, 0) = 100; V(BS_SEG_WEAK, BS_M_ACTIVE_CUSTOMERS, 0) = 300;
    V(BS_SEG_STRONG, BS_M_MEAN_QUALITY, 0) = 0.8;     V(BS_SEG_WEAK, BS_M_MEAN_QUALITY, 0) = 0.4;
    V(BS_SEG_STRONG, BS_M_MARKET_SHARE, 0) = 0.75;    V(BS_SEG_WEAK, BS_M_MARKET_SHARE, 0) = 10.0 / 60;
    bs_stats st = {0, B, v, {0}};
    bs_outcome o = {0};
    o.brand = 0;
    o.n_seg = 2;
    o.seg[0] = BS_SEG_STRONG;
    o.seg[1] = BS_SEG_WEAK;
    o.metric = BS_M_PURCHASES;
    cr_expect_float_eq(bs_outcome_series_value(&o, &st), 40, 0);
    o.metric = BS_M_MEAN_QUALITY; /* (100 x 0.8 + 300 x 0.4) / 400 */
    cr_expect_float_eq(bs_outcome_series_value(&o, &st), 0.5, 1e-12);
    o.metric = BS_M_MARKET_SHARE; /* 40 / 100 */
    cr_expect_float_eq(bs_outcome_series_value(&o, &st), 0.4, 1e-12);
    o.n_seg = 1; /* one segment: the value as stored */
    cr_expect_float_eq(bs_outcome_series_value(&o, &st), 0.75, 0);
    o.brand = -1; /* all brands: purchases add up */
    o.n_seg = 2;
    o.metric = BS_M_PURCHASES;
    cr_expect_float_eq(bs_outcome_series_value(&o, &st), 100, 0);
#undef V
}

/* Quantile bins (segment strength_q2, or a union of bins of one grouping): counts add, mean
   revenge is weighted by relationships; all brands: counts add, mean revenge averaged. */
Test(outcome, quantile_bins_and_their_union)
{
    enum { B = 2, BINS = 3 };
    double v[BS_SEG_COUNT * BS_M_COUNT * B] = {0}, q[BS_QM_COUNT * BINS * B] = {0};
#define Q(m, bin, b) q[((m) * BINS + (bin)) * B + (b)]
    Q(BS_QM_REVENGE_ACTS, 1, 0) = 7; Q(BS_QM_REVENGE_ACTS, 2, 0) = 5; Q(BS_QM_REVENGE_ACTS, 2, 1) = 4;
    Q(BS_QM_RELATIONSHIPS, 1, 0) = 100; Q(BS_QM_RELATIONSHIPS, 2, 0) = 300;
    Q(BS_QM_MEAN_REVENGE, 1, 0) = 0.8; Q(BS_QM_MEAN_REVENGE, 2, 0) = 0.4;
    Q(BS_QM_MEAN_REVENGE, 2, 1) = 0.2;
    bs_stats st = {0, B, v, {0}, {BINS, 0}, 0, {q, NULL}};
    bs_outcome o = {0};
    o.quantile = 1;
    o.grouping = BS_QG_STRENGTH;
    o.brand = 0;
    o.n_seg = 1;
    o.bin[0] = 2;
    o.metric = BS_QM_REVENGE_ACTS;
    cr_expect_float_eq(bs_outcome_series_value(&o, &st), 5, 0);
    o.n_seg = 2;
    o.bin[1] = 1;
    cr_expect_float_eq(bs_outcome_series_value(&o, &st), 12, 0);
    o.metric = BS_QM_MEAN_REVENGE; /* (300 x 0.4 + 100 x 0.8) / 400 */
    cr_expect_float_eq(bs_outcome_series_value(&o, &st), 0.5, 1e-12);
    o.n_seg = 1;
    o.brand = -1; /* all brands: mean revenge averaged over brands */
    cr_expect_float_eq(bs_outcome_series_value(&o, &st), 0.3, 1e-12);
    o.metric = BS_QM_REVENGE_ACTS;
    cr_expect_float_eq(bs_outcome_series_value(&o, &st), 9, 0);
    cr_expect_float_eq(bs_stats_quantile(&st, BS_QG_STRENGTH, BS_QM_REVENGE_ACTS, 2, 1), 4, 0);
    cr_expect(isnan(bs_stats_quantile(&st, BS_QG_STRENGTH, BS_QM_REVENGE_ACTS, 3, 0)));
    cr_expect(isnan(bs_stats_quantile(&st, BS_QG_TRAIT, BS_QM_REVENGE_ACTS, 0, 0)));
#undef Q
}

Test(outcome, relative_to_a_baseline)
{
    double x[] = {1, 1, 1, 1, 4, 6, 5, 5};
    bs_outcome o = outcome(BS_STAT_RELATIVE, 4, 6);
    o.base_from = 0;
    o.base_to = 4;
    cr_expect_float_eq(bs_outcome_value(&o, x, 8), 4.0, 1e-12);
}

/* ---- criteria ------------------------------------------------------------------------ */

enum { R = 6 };

/* values[v * R + r] = base[v] + noise[r] (common to every variant, as with shared seeds)
   + a small variant-specific wobble */
static void fill(double *values, const double *base, int V)
{
    static const double noise[R] = {0.3, -0.2, 0.1, 0.5, -0.4, -0.3};
    for (int v = 0; v < V; v++)
        for (int r = 0; r < R; r++) values[v * R + r] = base[v] + noise[r] + 0.01 * ((v + r) % 3);
}

Test(criteria, greater_and_less)
{
    double base[2] = {2.0, 1.0}, val[2 * R];
    fill(val, base, 2);
    bs_criterion c = {.type = BS_CRIT_GREATER, .a = 0, .b = 1};
    bs_verdict v = bs_criterion_eval(&c, val, 2, R);
    cr_expect(v.pass, "2 > 1");
    cr_expect(fabs(v.effect - 1.0) < 0.05, "effect %g", v.effect);
    cr_expect(v.lo > 0 && v.p < 0.001);
    c.type = BS_CRIT_LESS;
    cr_expect(!bs_criterion_eval(&c, val, 2, R).pass, "2 < 1 fails");
    base[0] = 1.0; /* no difference: neither passes */
    fill(val, base, 2);
    cr_expect(!bs_criterion_eval(&c, val, 2, R).pass);
    c.type = BS_CRIT_GREATER;
    cr_expect(!bs_criterion_eval(&c, val, 2, R).pass);
}

/* cells a11 a10 a01 a00: (5 - 1) - (3 - 2) = 3 > 0 */
Test(criteria, interaction_sign)
{
    double base[4] = {5, 1, 3, 2}, val[4 * R];
    fill(val, base, 4);
    bs_criterion c = {.type = BS_CRIT_INTERACTION, .cell = {0, 1, 2, 3}, .sign = 1};
    bs_verdict v = bs_criterion_eval(&c, val, 4, R);
    cr_expect(v.pass);
    cr_expect(fabs(v.effect - 3) < 0.05, "interaction %g", v.effect);
    c.sign = -1;
    cr_expect(!bs_criterion_eval(&c, val, 4, R).pass);
    double flat[4] = {5, 1, 6, 2}; /* (5-1) - (6-2) = 0 */
    fill(val, flat, 4);
    c.sign = 1;
    cr_expect(!bs_criterion_eval(&c, val, 4, R).pass, "no interaction");
}

Test(criteria, ordering_reports_the_weakest_step)
{
    double base[3] = {1, 3, 3.2}, val[3 * R];
    fill(val, base, 3);
    bs_criterion c = {.type = BS_CRIT_ORDERING, .n_list = 3, .list = {0, 1, 2}, .increasing = 1};
    bs_verdict v = bs_criterion_eval(&c, val, 3, R);
    cr_expect(v.pair[0] == 2 && v.pair[1] == 1, "weakest pair %d-%d", v.pair[0], v.pair[1]);
    cr_expect(fabs(v.effect - 0.2) < 0.05);
    double bad[3] = {1, 3, 2.5};
    fill(val, bad, 3);
    v = bs_criterion_eval(&c, val, 3, R);
    cr_expect(!v.pass, "3 > 2.5 breaks the order");
    cr_expect(v.pair[0] == 2 && v.pair[1] == 1);
    c.increasing = 0;
    cr_expect(!bs_criterion_eval(&c, val, 3, R).pass, "1 < 3: not decreasing");
}

/* Differences identical in every replicate (standard error 0, t infinite) still
   pass in the stated direction; an undefined outcome fails the ordering and is
   the pair reported, never a passing one beside a FAIL. */
Test(criteria, ordering_with_constant_differences_and_undefined_outcomes)
{
    enum { N = 4 };
    const double v0[N] = {1, 2, 3, 4}, v1[N] = {2, 3, 4, 5}, v2[N] = {3, 4, NAN, 6.5};
    double val[3 * N];
    for (int r = 0; r < N; r++) val[r] = v0[r], val[N + r] = v1[r], val[2 * N + r] = v2[r];
    bs_criterion c = {.type = BS_CRIT_ORDERING, .n_list = 2, .list = {0, 1}, .increasing = 1};
    bs_verdict v = bs_criterion_eval(&c, val, 3, N);
    cr_expect(v.pass, "v1 - v0 = 1 in every replicate: increasing");
    cr_expect_eq(v.effect, 1);
    c.increasing = 0;
    v = bs_criterion_eval(&c, val, 3, N);
    cr_expect(!v.pass, "not decreasing");
    cr_expect_eq(v.effect, 1);
    c.increasing = 1;
    c.n_list = 3;
    c.list[2] = 2;
    v = bs_criterion_eval(&c, val, 3, N);
    cr_expect(!v.pass, "an undefined outcome fails the ordering");
    cr_expect(v.pair[0] == 2 && v.pair[1] == 1, "the undefined pair is reported, not %d-%d",
              v.pair[0], v.pair[1]);
}

Test(criteria, slope_over_variants)
{
    double base[3] = {1, 2, 3}, val[3 * R];
    fill(val, base, 3);
    bs_criterion c = {.type = BS_CRIT_SLOPE, .n_list = 3, .list = {0, 1, 2}, .x = {0.2, 0.5, 0.8},
                      .sign = 1};
    bs_verdict v = bs_criterion_eval(&c, val, 3, R);
    cr_expect(v.pass);
    cr_expect(fabs(v.effect - 1 / 0.3) < 0.1, "slope %g", v.effect);
    c.sign = -1;
    cr_expect(!bs_criterion_eval(&c, val, 3, R).pass);
}

Test(criteria, ratio_range_and_share)
{
    double base[3] = {4, 2, 0.5}, val[3 * R];
    for (int v = 0; v < 3; v++)
        for (int r = 0; r < R; r++) val[v * R + r] = base[v] * (1 + 0.01 * (r - 2.5));
    bs_criterion c = {.type = BS_CRIT_RATIO_IN, .a = 0, .b = 1, .min = 1.5, .max = 2.5};
    bs_verdict v = bs_criterion_eval(&c, val, 3, R);
    cr_expect(v.pass && fabs(v.effect - 2) < 1e-9, "ratio %g", v.effect);
    c.min = 2.1;
    cr_expect(!bs_criterion_eval(&c, val, 3, R).pass, "2 is not in [2.1, 2.5]");
    c = (bs_criterion){.type = BS_CRIT_RANGE, .a = 1, .min = 1.9, .max = 2.1};
    cr_expect(bs_criterion_eval(&c, val, 3, R).pass);
    c.max = 1.95;
    cr_expect(!bs_criterion_eval(&c, val, 3, R).pass);
    /* share of variant 0 among all three: 4 / 6.5 = 0.615 */
    c = (bs_criterion){.type = BS_CRIT_SHARE_OF, .a = 0, .n_list = 3, .list = {0, 1, 2}, .min = 0.6};
    v = bs_criterion_eval(&c, val, 3, R);
    cr_expect(v.pass && fabs(v.effect - 4 / 6.5) < 1e-9, "share %g", v.effect);
    c.min = 0.9;
    cr_expect(!bs_criterion_eval(&c, val, 3, R).pass);
}

/* ---- the parser ----------------------------------------------------------------------- */

static char tmpdir[64];

static void mk(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/bs_rep_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void rm(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd)) cr_log_warn("cannot remove %s", tmpdir);
}

static const char *head =
    "name: p\nsteps: 20\nbrands:\n  - name: acme\nvariants:\n  - name: a\n  - name: b\n"
    "    set: {model.revenge_decay: 0.2}\n";

/* Load a replication block (text after the common head) from the file `path`; the
 * status, message in err. */
static bs_status load_block_from(const char *path, const char *block, bs_error *err)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "%s%s", head, block);
    fclose(f);
    bs_scenario *sc = malloc(sizeof *sc);
    bs_variants vars;
    cr_assert_eq(bs_scenario_load_variants(path, sc, &vars, err), BS_OK, "%s", err->msg);
    bs_replication *rep = malloc(sizeof *rep);
    bs_status s = bs_replication_load(path, sc, &vars, rep, err);
    bs_variants_free(&vars);
    free(rep);
    free(sc);
    return s;
}

static bs_status load_block(const char *block, bs_error *err)
{
    char path[128];
    snprintf(path, sizeof path, "%s/p.yaml", tmpdir);
    return load_block_from(path, block, err);
}

/* A replication block (text after the common head) that must load: written to dir/p.yaml
 * and loaded; the caller frees *sc, *rep (free) and *vars (bs_variants_free). */
static bs_replication *load_good_block(const char *block, bs_scenario **sc, bs_variants *vars)
{
    char path[128];
    snprintf(path, sizeof path, "%s/p.yaml", tmpdir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "%s%s", head, block);
    fclose(f);
    bs_error err = {0};
    *sc = malloc(sizeof **sc);
    cr_assert_eq(bs_scenario_load_variants(path, *sc, vars, &err), BS_OK, "%s", err.msg);
    bs_replication *rep = malloc(sizeof *rep);
    cr_assert_eq(bs_replication_load(path, *sc, vars, rep, &err), BS_OK, "%s", err.msg);
    return rep;
}

static void expect_error(const char *block, int line, const char *fragment)
{
    bs_error err = {0};
    cr_assert_eq(load_block(block, &err), BS_ERR_INPUT, "accepted: %s", block);
    char where[160];
    snprintf(where, sizeof where, "%s/p.yaml:%d: ", tmpdir, line);
    cr_expect_eq(strncmp(err.msg, where, strlen(where)), 0, "expected '%s...', got: %s", where, err.msg);
    cr_expect_not_null(strstr(err.msg, fragment), "expected '%s' in: %s", fragment, err.msg);
}

static const char *good_test =
    "    - name: t\n"
    "      outcome: {metric: mean_revenge, brand: acme, from: 2, to: 10, stat: mean}\n"
    "      criterion: {type: less, a: a, b: b}\n";

Test(parser, a_good_block_loads, .init = mk, .fini = rm)
{
    char block[1024];
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n%s", good_test);
    bs_error err = {0};
    cr_expect_eq(load_block(block, &err), BS_OK, "%s", err.msg);
}

Test(parser, errors_name_line_and_key, .init = mk, .fini = rm)
{
    char block[1024];
    /* line numbers: the head has 8 lines; `replication:` is line 9 */
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n"
             "    - name: t\n      outcome: {metric: mean_revnge, brand: acme}\n"
             "      criterion: {type: less, a: a, b: b}\n");
    expect_error(block, 15, "'replication.tests[0].outcome.metric': 'mean_revnge', expected a brand metric");
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n"
             "    - name: t\n      outcome: {metric: mean_revenge, brand: acme}\n"
             "      criterion: {type: less, a: a, b: c}\n");
    expect_error(block, 16, "'replication.tests[0].criterion.b': 'c' is not a variant of this scenario, expected one of: a, b");
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n"
             "    - name: t\n      outcome: {metric: mean_revenge, brand: acme, to: 30}\n"
             "      criterion: {type: less, a: a, b: b}\n");
    expect_error(block, 15, "'replication.tests[0].outcome.to': 30 is out of range [1, 20]");
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n%s"
             "  negative_control:\n    set: {model.nosuch: 0}\n    why: w\n", good_test);
    expect_error(block, 18, "'replication.negative_control.set.model.nosuch': unknown key");
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n%s"
             "  robustness: [model.revenge_decay, model.speed]\n", good_test);
    expect_error(block, 17, "'replication.robustness[1]': unknown key");
    snprintf(block, sizeof block, "replication:\n  id: X\n  expected: e\n  tests:\n%s", good_test);
    expect_error(block, 10, "'replication.source': missing");
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n%s"
             "  typo: 1\n", good_test);
    expect_error(block, 17, "'replication.typo': unknown key");
}

/* A quantile bin where a segment is accepted: the bin must be one the scenario reports, the
   metric one reported by bin; segments and bins do not mix. The head's scenario has the
   default 3 strength bins and no trait bins. */
Test(parser, quantile_bins_as_segments, .init = mk, .fini = rm)
{
    char block[1024];
#define BLOCK(outcome)                                                                              \
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n"    \
             "    - name: t\n      outcome: " outcome "\n"                                           \
             "      criterion: {type: less, a: a, b: b}\n")
    bs_error err = {0};
    BLOCK("{metric: revenge_acts, brand: acme, segment: strength_q3}");
    cr_expect_eq(load_block(block, &err), BS_OK, "%s", err.msg);
    BLOCK("{metric: mean_revenge, brand: '*', segment: [strength_q2, strength_q3]}");
    cr_expect_eq(load_block(block, &err), BS_OK, "%s", err.msg);
    BLOCK("{metric: revenge_acts, brand: acme, segment: strength_q4}");
    expect_error(block, 15, "'replication.tests[0].outcome.segment': 'strength_q4': the scenario has 3 "
                 "strength bins, expected strength_q1 .. strength_q3");
    BLOCK("{metric: mean_quality, brand: acme, segment: strength_q1}");
    expect_error(block, 15, "'replication.tests[0].outcome.metric': 'mean_quality' is not reported by "
                 "quantile bin, expected purchases, revenue, revenge_acts, exits, mean_revenge or "
                 "relationships");
    BLOCK("{metric: relationships, brand: acme, segment: strong}");
    expect_error(block, 15, "'replication.tests[0].outcome.metric': 'relationships', expected a brand "
                 "metric");
    BLOCK("{metric: exits, brand: acme, segment: anxiety_q1}");
    expect_error(block, 15, "'anxiety_q1' is a quantile bin, but the scenario reports no trait bins "
                 "(trait_quantiles is 0)");
    BLOCK("{metric: exits, brand: acme, segment: [strong, strength_q1]}");
    expect_error(block, 15, "'strength_q1' mixed with segments");
    BLOCK("{metric: exits, brand: acme, segment: [strength_q1, weak]}");
    expect_error(block, 15, "'weak' mixed with quantile bins");
    BLOCK("{metric: exits, brand: acme, segment: strength_q0}");
    expect_error(block, 15, "'strength_q0', expected a segment (all, strong");
#undef BLOCK
}

/* With trait bins on: a bin of another trait, or past the bins, is refused. */
Test(parser, trait_bins_name_their_trait, .init = mk, .fini = rm)
{
    const char *seg[] = {"grudge_q4", "anxiety_q1", "grudge_q5"};
    const char *why[] = {NULL, "the scenario's trait bins are by grudge (quantile_trait), expected "
                               "grudge_q1 .. grudge_q4", "the scenario has 4 grudge bins"};
    for (int k = 0; k < 3; k++) {
        char path[128], text[1200];
        snprintf(path, sizeof path, "%s/t%d.yaml", tmpdir, k);
        snprintf(text, sizeof text, "%strait_quantiles: 4\nquantile_trait: grudge\nreplication:\n"
                 "  id: X\n  source: s\n  expected: e\n  tests:\n    - name: t\n      outcome: "
                 "{metric: exits, brand: acme, segment: %s}\n      criterion: {type: less, a: a, "
                 "b: b}\n", head, seg[k]);
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        fputs(text, f);
        fclose(f);
        bs_scenario *sc = malloc(sizeof *sc);
        bs_variants vars;
        bs_error err = {0};
        cr_assert_eq(bs_scenario_load_variants(path, sc, &vars, &err), BS_OK, "%s", err.msg);
        bs_replication *rep = malloc(sizeof *rep);
        bs_status s = bs_replication_load(path, sc, &vars, rep, &err);
        if (!why[k])
            cr_expect_eq(s, BS_OK, "%s", err.msg);
        else
            cr_expect(s == BS_ERR_INPUT && strstr(err.msg, why[k]), "%s: %s", seg[k], err.msg);
        bs_variants_free(&vars);
        free(rep);
        free(sc);
    }
}

/* The block is bound by the scenario's binder (sim/io/yaml_bind.h): a key given twice, a key
   another type of criterion takes, an argument inside a stat and a missing mapping are each
   named with their own key path and line. */
Test(parser, the_binder_names_every_key, .init = mk, .fini = rm)
{
    char block[1024];
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  id: Y\n  expected: e\n  tests:\n%s",
             good_test);
    expect_error(block, 12, "'replication.id': duplicate key, expected each key once");
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n"
             "    - name: t\n      outcome: {metric: mean_revenge, brand: acme}\n"
             "      criterion: {type: less, a: a, b: b, variants: [a, b]}\n");
    expect_error(block, 16, "'replication.tests[0].criterion.variants': unknown key, expected one of "
                 "the keys of type 'less': type, a, b, min_relative");
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n"
             "    - name: t\n      outcome: {metric: mean_revenge, brand: acme,\n"
             "                stat: {time_below: {fraction: 1.5}}}\n"
             "      criterion: {type: less, a: a, b: b}\n");
    expect_error(block, 16, "'replication.tests[0].outcome.stat.time_below.fraction': 1.5, expected "
                 "a fraction in (0, 1)");
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n"
             "    - name: t\n      outcome: {metric: mean_revenge, brand: acme}\n");
    expect_error(block, 14, "'replication.tests[0].criterion': missing, expected the criterion");
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n%s"
             "  negative_control:\n    set: {model.revenge_decay: 0}\n    why: w\n    breaks: [t, u]\n",
             good_test);
    expect_error(block, 20, "'replication.negative_control.breaks[1]': 'u' is not the name of a test");
}

/* A test's basis: built_in or emergent with a reason, both or neither; anything else is
   refused at its line. */
Test(parser, basis_and_its_reason, .init = mk, .fini = rm)
{
    char block[1024];
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n%s"
             "      basis: emergent\n      basis_reason: \"no equation names it\"\n"
             "    - name: u\n"
             "      outcome: {metric: mean_revenge, brand: acme}\n"
             "      criterion: {type: less, a: a, b: b}\n"
             "      basis: built_in\n      basis_reason: one term states it\n"
             "    - name: w\n"
             "      outcome: {metric: mean_revenge, brand: acme}\n"
             "      criterion: {type: less, a: a, b: b}\n", good_test);
    bs_scenario *sc;
    bs_variants vars;
    bs_replication *rep = load_good_block(block, &sc, &vars);
    cr_expect_eq(rep->tests[0].basis, BS_BASIS_EMERGENT);
    cr_expect_str_eq(rep->tests[0].basis_reason, "no equation names it");
    cr_expect_eq(rep->tests[1].basis, BS_BASIS_BUILT_IN);
    cr_expect_str_eq(rep->tests[1].basis_reason, "one term states it");
    cr_expect_eq(rep->tests[2].basis, BS_BASIS_NONE, "no basis given: none");
    cr_expect_str_eq(rep->tests[2].basis_reason, "");
    cr_expect_str_eq(bs_test_basis_name(BS_BASIS_BUILT_IN), "built in");
    cr_expect_str_eq(bs_test_basis_name(BS_BASIS_EMERGENT), "emergent");
    cr_expect_str_eq(bs_test_basis_name(BS_BASIS_NONE), "not labelled");
    bs_variants_free(&vars);
    free(rep);
    free(sc);

    /* line numbers: the head has 8 lines; the good test's three lines are 14-16 */
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n%s"
             "      basis: builtin\n      basis_reason: r\n", good_test);
    expect_error(block, 17, "'replication.tests[0].basis': 'builtin' is not a known value, expected "
                 "one of: built_in emergent");
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n%s"
             "      basis: [built_in]\n      basis_reason: r\n", good_test);
    expect_error(block, 17, "'replication.tests[0].basis': a list, expected one of: built_in emergent");
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n%s"
             "      basis: built_in\n", good_test);
    expect_error(block, 17, "'replication.tests[0].basis': given without basis_reason, expected both");
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n%s"
             "      basis_reason: because\n", good_test);
    expect_error(block, 17, "'replication.tests[0].basis_reason': given without basis, expected both");
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n%s"
             "      basis: emergent\n      basis_reason: \"\"\n", good_test);
    expect_error(block, 18, "'replication.tests[0].basis_reason': empty, expected why the test is "
                 "emergent");
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n%s"
             "      basis: emergent\n      basis: built_in\n      basis_reason: r\n", good_test);
    expect_error(block, 18, "'replication.tests[0].basis': duplicate key");
}

Test(parser, a_path_longer_than_the_message_keeps_the_reason, .init = mk, .fini = rm)
{
    char path[1024];
    int n = snprintf(path, sizeof path, "%s", tmpdir);
    for (int d = 0; d < 3; d++) { /* three folders of 199 characters */
        n += snprintf(path + n, sizeof path - (size_t)n, "/%c", 'a' + d);
        for (int c = 1; c < 199; c++) path[n++] = (char)('a' + d);
        path[n] = '\0';
        cr_assert_eq(mkdir(path, 0700), 0, "%s", strerror(errno));
    }
    snprintf(path + n, sizeof path - (size_t)n, "/p.yaml");
    char block[1024];
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n%s"
             "  typo: 1\n", good_test);
    bs_error err = {0};
    cr_assert_eq(load_block_from(path, block, &err), BS_ERR_INPUT);
    cr_expect_lt(strlen(err.msg), sizeof err.msg);
    cr_expect_not_null(strstr(err.msg, "'replication.typo': unknown key"), "%s", err.msg);
}

/* ---- the shipped suite -------------------------------------------------------------------- */

/* Every test of every shipped experiment says what it rests on (basis: built_in or emergent,
   with its reason): the key is optional for the parser, required for the suite
   (docs/FINDINGS.md, "Built in or emergent"). */
Test(shipped, every_test_has_a_basis)
{
    const char *dir = BS_SOURCE_DIR "/scenarios/replication";
    char **names = NULL;
    int n = 0, tests = 0;
    bs_error err = {0};
    cr_assert_eq(bs_findings_list(dir, NULL, &names, &n, &err), BS_OK, "%s", err.msg);
    cr_assert_gt(n, 0);
    bs_scenario *sc = malloc(sizeof *sc);
    bs_replication *rep = malloc(sizeof *rep);
    cr_assert(sc && rep);
    for (int i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        bs_variants vars;
        cr_assert_eq(bs_scenario_load_variants(path, sc, &vars, &err), BS_OK, "%s", err.msg);
        cr_assert_eq(bs_replication_load(path, sc, &vars, rep, &err), BS_OK, "%s", err.msg);
        for (int k = 0; k < rep->n_tests; k++, tests++) {
            const bs_rep_test *t = &rep->tests[k];
            cr_expect(t->basis == BS_BASIS_BUILT_IN || t->basis == BS_BASIS_EMERGENT,
                      "%s:%d: test '%s' has no basis (basis: built_in or emergent, with "
                      "basis_reason)", names[i], t->line, t->name);
            cr_expect(t->basis_reason[0], "%s:%d: test '%s' has no basis_reason", names[i],
                      t->line, t->name);
        }
        bs_variants_free(&vars);
    }
    cr_expect_gt(tests, n - 1, "every experiment has at least one test");
    free(rep);
    free(sc);
    bs_findings_list_free(names, n);
}

/* ---- the command ------------------------------------------------------------------------ */

static int replicate(const char *args, char *out, size_t n)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' replicate %s > out.txt 2> err.txt", tmpdir,
             BS_BINARY, args);
    int st = system(cmd);
    char p[128];
    snprintf(p, sizeof p, "%s/out.txt", tmpdir);
    FILE *f = fopen(p, "r");
    size_t k = f ? fread(out, 1, n - 1, f) : 0;
    out[k] = '\0';
    if (f) fclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static char *report(void)
{
    static char buf[16384];
    char p[128];
    snprintf(p, sizeof p, "%s/out/REPORT.md", tmpdir);
    FILE *f = fopen(p, "r");
    cr_assert_not_null(f, "no REPORT.md");
    size_t k = fread(buf, 1, sizeof buf - 1, f);
    buf[k] = '\0';
    fclose(f);
    return buf;
}

Test(command, a_passing_finding_with_a_failing_control_exits_0, .init = mk, .fini = rm,
     .timeout = 120)
{
    char out[8192];
    int rc = replicate("--scenarios " BS_SOURCE_DIR "/tests/data/replication -o out --threads 2", out,
                       sizeof out);
    cr_expect_eq(rc, 0, "exit %d\n%s", rc, out);
    cr_expect_not_null(strstr(out, "T1   => PASS; negative control fails, as it must"), "%s", out);
    char *r = report();
    cr_expect_not_null(strstr(r, "**1 of 1 findings pass.**"), "%s", r);
    cr_expect_not_null(strstr(r, "| T1 | tests | apology < none | revenge lower after an apology | "
                                 "built in |"), "%s", r);
    cr_expect_not_null(strstr(r, "## What the tests rest on\n\n1 of 1 tests are **built in**"), "%s", r);
    cr_expect_not_null(strstr(r, "### Built-in tests\n\n- T1, revenge lower after an apology: the "
                                 "response equation cuts revenge by the apology's share\n"), "%s", r);
    cr_expect_null(strstr(r, "### Emergent tests"), "%s", r);
    cr_expect_not_null(strstr(r, "None is **emergent**"), "%s", r);
    char p[160];
    snprintf(p, sizeof p, "%s/out/T1-apology.h5", tmpdir);
    cr_expect_eq(access(p, F_OK), 0, "the runs' HDF5");
    snprintf(p, sizeof p, "%s/out/T1-apology.control1.h5", tmpdir);
    cr_expect_eq(access(p, F_OK), 0, "the control's HDF5");
}

Test(command, an_impossible_finding_and_a_control_that_cannot_fail_exit_3, .init = mk, .fini = rm,
     .timeout = 120)
{
    char out[8192];
    int rc = replicate("--scenarios " BS_SOURCE_DIR "/tests/data/replication-bad -o out", out, sizeof out);
    cr_expect_eq(rc, 3, "exit %d\n%s", rc, out);
    cr_expect_not_null(strstr(out, "T2   => FAIL"), "%s", out);
    cr_expect_not_null(strstr(out, "T3   => PASS; a negative control does NOT fail: the experiment cannot fail"),
                       "%s", out);
    char *r = report();
    cr_expect_not_null(strstr(r, "**1 of 2 findings pass.**"), "%s", r);
    cr_expect_not_null(strstr(r, "**it does not break: this experiment cannot fail**"), "%s", r);
    /* neither file labels its test: a dash in the table, both named as not labelled */
    cr_expect_not_null(strstr(r, "| revenge higher after an apology | - |"), "%s", r);
    cr_expect_not_null(strstr(r, "2 are not labelled"), "%s", r);
    cr_expect_not_null(strstr(r, "### Tests not labelled\n\n- T2, revenge higher after an apology\n"
                                 "- T3, revenge lower after an apology\n"), "%s", r);
}

Test(command, only_selects_by_id_and_bad_flags_exit_2, .init = mk, .fini = rm, .timeout = 120)
{
    char out[8192];
    int rc = replicate("--scenarios " BS_SOURCE_DIR "/tests/data/replication-bad --only t2 -o out "
                       "--no-controls", out, sizeof out);
    cr_expect_eq(rc, 3);
    cr_expect_null(strstr(out, "T3"), "--only T2 ran T3: %s", out);
    cr_expect_eq(replicate("--only F99 --scenarios " BS_SOURCE_DIR "/tests/data/replication", out,
                           sizeof out), 2);
    /* an unknown id beside known ones is still an error, not quietly skipped */
    cr_expect_eq(replicate("--only t2,Z9 --scenarios " BS_SOURCE_DIR "/tests/data/replication-bad "
                           "-o out --no-controls", out, sizeof out), 2);
    cr_expect_eq(replicate("--replicates 1", out, sizeof out), 2);
    cr_expect_eq(replicate("--scenarios /nonexistent", out, sizeof out), 2);
    /* -o names a file, not a folder: refused before anything runs */
    cr_expect_eq(replicate("--only t2 --scenarios " BS_SOURCE_DIR "/tests/data/replication-bad "
                           "-o err.txt --no-controls", out, sizeof out), 2);
}

/* `versus` sets a second outcome of the same run against the test's outcome: their
 * difference by default, or with `contrast: log_ratio` the log of their ratio; a contrast
 * without versus, and an unknown contrast, are refused at their line. */
Test(parser, versus_and_its_contrast, .init = mk, .fini = rm)
{
    char block[1024];
    snprintf(block, sizeof block,
             "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n%s"
             "      versus: {metric: mean_revenge, brand: acme, from: 2, to: 10, stat: mean}\n"
             "    - name: u\n"
             "      outcome: {metric: purchases, brand: acme, stat: sum}\n"
             "      versus: {metric: purchases, brand: acme, segment: strong, stat: sum}\n"
             "      contrast: log_ratio\n"
             "      criterion: {type: less, a: a, b: b}\n", good_test);
    bs_scenario *sc;
    bs_variants vars;
    bs_replication *rep = load_good_block(block, &sc, &vars);
    cr_expect_eq(rep->tests[0].contrast, BS_CONTRAST_DIFFERENCE, "versus alone: a difference");
    cr_expect_eq(rep->tests[0].versus.metric, BS_M_MEAN_REVENGE);
    cr_expect_eq(rep->tests[1].contrast, BS_CONTRAST_LOG_RATIO);
    cr_expect_eq(rep->tests[1].versus.seg[0], BS_SEG_STRONG);
    cr_expect_eq(rep->tests[1].outcome.seg[0], BS_SEG_ALL);
    bs_variants_free(&vars);
    free(rep);
    free(sc);
    /* the good test's three lines are 14-16 */
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n%s"
             "      contrast: log_ratio\n", good_test);
    expect_error(block, 17, "'replication.tests[0].contrast': given without versus");
    snprintf(block, sizeof block, "replication:\n  id: X\n  source: s\n  expected: e\n  tests:\n%s"
             "      versus: {metric: mean_revenge, brand: acme}\n      contrast: ratio\n",
             good_test);
    expect_error(block, 18, "'replication.tests[0].contrast': 'ratio' is not a known value");
}

/* --set reaches every run of every condition, and each experiment leaves its outcome table:
 * with the apology's effect set to 0 the two conditions are the same runs (same seeds), so
 * the finding fails, and its table shows the same value in both conditions, replicate by
 * replicate. */
Test(command, set_overrides_every_condition_and_the_outcome_table_has_every_run, .init = mk,
     .fini = rm, .timeout = 120)
{
    char out[8192];
    int rc = replicate("--scenarios " BS_SOURCE_DIR "/tests/data/replication -o out --no-controls "
                       "--set model.response_apology=0", out, sizeof out);
    cr_expect_eq(rc, 3, "without the apology's effect the finding fails: exit %d\n%s", rc, out);
    cr_expect_not_null(strstr(report(), "`--set model.response_apology=0`"), "recorded in REPORT.md");
    char p[160];
    snprintf(p, sizeof p, "%s/out/T1-apology.outcomes.csv", tmpdir);
    FILE *f = fopen(p, "r");
    cr_assert_not_null(f, "the outcome table");
    char line[512];
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_expect_str_eq(line, "finding,test,condition,replicate,seed,value\n");
    double v[2][4];
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        char cond[32];
        int r;
        unsigned long long seed;
        double x;
        cr_assert_eq(sscanf(line, "T1,\"revenge lower after an apology\",%31[^,],%d,%llu,%lf", cond,
                            &r, &seed, &x), 4, "%s", line);
        cr_assert(r >= 0 && r < 4);
        v[strcmp(cond, "none") != 0][r] = x;
        cr_expect_eq(seed, 1 + (unsigned long long)r, "seeds: the scenario's seed + replicate");
        rows++;
    }
    fclose(f);
    cr_expect_eq(rows, 8, "2 conditions x 4 replicates");
    for (int r = 0; r < 4; r++)
        cr_expect_eq(v[0][r], v[1][r], "replicate %d: the conditions differ", r);
}
