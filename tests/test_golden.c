/* SPDX-License-Identifier: MIT */
/*
 * test_golden.c: the numbers of small runs of every shipped scenario and of one
 * replication experiment's variants, kept as checksums. A refactor that
 * changes no number (issue 16: the library split) must leave every checksum
 * as it is; a change of the model moves them on purpose, and then this file's
 * table is updated in the same commit as results/replication/REPORT.md.
 *
 * A checksum is FNV-1a (64 bits) over the bytes of every step's aggregates
 * (bs_stats.v and .market, as doubles) and the run's events, in step order.
 * The runs are the scenarios as shipped, with consumers cut to 3 000 and two
 * threads; the same numbers come from any thread count (test_run.c). The series added only
 * to observe the model (the quantile series, the concentration of acts and the economics)
 * have their own checksums, so that adding them changed none of the model's.
 * On a mismatch the message prints the new table row to paste.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/brandsim.h"
#include "io/scenario_io.h"

#ifndef BS_SOURCE_DIR
#define BS_SOURCE_DIR "."
#endif

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* The market metrics the checksums were first taken over; those added since (the
 * concentration of acts) are in the observation checksums below, so that adding a series
 * leaves the model's numbers as they were. */
enum { OLD_MARKET = BS_MK_SHARE_UNCONCERNED + 1 };
/* Likewise the brand metrics: those past the word of mouth (the economics: response_reached,
 * response_cost, net_contribution) are accounting, in the observation checksums. */
enum { OLD_METRICS = BS_M_WOM_SECONDHAND + 1 };

/* The checksum of one whole run of sc (validated): of the model's numbers, or (observed)
 * of the series added to observe them since: the quantile series and the market metrics
 * past OLD_MARKET. */
static uint64_t run_checksum_of(const bs_scenario *sc, int observed)
{
    bs_error err = {0};
    bs_run *run = bs_run_alloc(sc, 2, &err);
    cr_assert_not_null(run, "%s", err.msg);
    uint64_t h = 0xcbf29ce484222325ULL;
    const size_t B = (size_t)sc->n_brands;
    for (int t = 0; t < sc->steps; t++) {
        cr_assert_eq(bs_run_step(run, &err), BS_OK, "step %d: %s", t, err.msg);
        const bs_stats *st = bs_run_stats(run);
        if (observed) {
            for (int g = 0; g < BS_SEG_COUNT; g++)
                h = fnv1a(h, st->v + ((size_t)g * BS_M_COUNT + OLD_METRICS) * B,
                          (BS_M_COUNT - OLD_METRICS) * B * sizeof *st->v);
            h = fnv1a(h, st->market + OLD_MARKET, (BS_MK_COUNT - OLD_MARKET) * sizeof *st->market);
            for (int g = 0; g < BS_QG_COUNT; g++)
                h = fnv1a(h, st->quantile[g],
                          (size_t)BS_QM_COUNT * st->quantile_bins[g] * sc->n_brands * sizeof(double));
            continue;
        }
        for (int g = 0; g < BS_SEG_COUNT; g++) /* the same bytes as before the economics */
            h = fnv1a(h, st->v + (size_t)g * BS_M_COUNT * B, OLD_METRICS * B * sizeof *st->v);
        h = fnv1a(h, st->market, OLD_MARKET * sizeof *st->market);
    }
    if (observed) {
        bs_run_free(run);
        return h;
    }
    int n = 0;
    const bs_event *ev = bs_run_events(run, &n);
    for (int k = 0; k < n; k++) {
        h = fnv1a(h, &ev[k].step, sizeof ev[k].step);
        h = fnv1a(h, &ev[k].brand, sizeof ev[k].brand);
        h = fnv1a(h, ev[k].kind, strlen(ev[k].kind));
        h = fnv1a(h, &ev[k].size, sizeof ev[k].size);
    }
    bs_run_free(run);
    return h;
}

static uint64_t run_checksum(const bs_scenario *sc) { return run_checksum_of(sc, 0); }

static void load_small(const char *rel, bs_scenario *sc, bs_variants *vars)
{
    char path[512];
    bs_error err = {0};
    snprintf(path, sizeof path, "%s/%s", BS_SOURCE_DIR, rel);
    cr_assert_eq(bs_scenario_load_variants(path, sc, vars, &err), BS_OK, "%s", err.msg);
    cr_assert_eq(bs_scenario_set(sc, "consumers=3000", &err), BS_OK, "%s", err.msg);
    cr_assert_eq(bs_scenario_validate(sc, path, &err), BS_OK, "%s", err.msg);
}

typedef struct {
    const char *file;
    uint64_t sum;
} golden;

static const golden shipped[] = {
    {"scenarios/default.yaml", 0x081234092c733cdbULL},
    {"scenarios/breach.yaml", 0xd20a0e71d8d8307dULL},
    {"scenarios/betrayal.yaml", 0xe3a5d57c09a42046ULL},
    {"scenarios/exit.yaml", 0xead991a62fa88056ULL},
    {"scenarios/personalization.yaml", 0x52f76df3bd0db103ULL},
    {"scenarios/response.yaml", 0x86706c24852b00bcULL},
};

Test(golden, shipped_scenarios_keep_their_numbers)
{
    static bs_scenario sc;
    int bad = 0;
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        bs_variants vars;
        load_small(shipped[i].file, &sc, &vars);
        uint64_t h = run_checksum(&sc);
        bs_variants_free(&vars);
        if (h != shipped[i].sum) {
            cr_log_error("%s: checksum 0x%016llxULL, table has 0x%016llxULL:\n"
                         "    {\"%s\", 0x%016llxULL},",
                         shipped[i].file, (unsigned long long)h,
                         (unsigned long long)shipped[i].sum, shipped[i].file,
                         (unsigned long long)h);
            bad++;
        }
    }
    cr_expect_eq(bad, 0, "%d shipped scenario(s) changed their numbers", bad);
}

/* F10's variants (exit policies) with two replicates each: seeds seed and seed + 1. */
static const uint64_t f10_sums[] = {0x4729be721178e966ULL};

Test(golden, replication_variants_keep_their_numbers)
{
    static bs_scenario base, scv;
    bs_variants vars;
    load_small("scenarios/replication/F10-help-them-move-on.yaml", &base, &vars);
    cr_assert_gt(vars.n, 1);
    uint64_t h = 0xcbf29ce484222325ULL;
    bs_error err = {0};
    for (int v = 0; v < vars.n; v++)
        for (int r = 0; r < 2; r++) {
            cr_assert_eq(bs_variant_apply(&base, &vars, v, &scv, &err), BS_OK, "%s", err.msg);
            scv.seed = base.seed + (uint64_t)r;
            uint64_t s = run_checksum(&scv);
            h = fnv1a(h, &s, sizeof s);
        }
    bs_variants_free(&vars);
    cr_expect_eq(h, f10_sums[0], "F10 variants x 2 replicates: checksum 0x%016llxULL, table has "
                                 "0x%016llxULL",
                 (unsigned long long)h, (unsigned long long)f10_sums[0]);
}

/* The observation series (issue 17 item 4) of the shipped scenarios, with the default
 * strength terciles and, here, anxiety quintiles: a change of how they are formed moves
 * these, and only these. */
static const golden observed[] = {
    {"scenarios/default.yaml", 0x7060d6fbcb6391fcULL},
    {"scenarios/breach.yaml", 0xa88b6cb04903e52aULL},
    {"scenarios/betrayal.yaml", 0x3ab55a16d3cac22aULL},
    {"scenarios/exit.yaml", 0xa4563c791841a697ULL},
    {"scenarios/personalization.yaml", 0x6c79b693d8c13981ULL},
    {"scenarios/response.yaml", 0x5d016e4c211580aaULL},
};

Test(golden, shipped_scenarios_keep_their_observations)
{
    static bs_scenario sc;
    int bad = 0;
    for (size_t i = 0; i < sizeof observed / sizeof observed[0]; i++) {
        bs_variants vars;
        load_small(observed[i].file, &sc, &vars);
        bs_variants_free(&vars);
        bs_error err = {0};
        cr_assert_eq(bs_scenario_set(&sc, "trait_quantiles=5", &err), BS_OK, "%s", err.msg);
        uint64_t h = run_checksum_of(&sc, 1);
        if (h != observed[i].sum) {
            cr_log_error("%s: observation checksum 0x%016llxULL, table has 0x%016llxULL:\n"
                         "    {\"%s\", 0x%016llxULL},",
                         observed[i].file, (unsigned long long)h,
                         (unsigned long long)observed[i].sum, observed[i].file,
                         (unsigned long long)h);
            bad++;
        }
    }
    cr_expect_eq(bad, 0, "%d shipped scenario(s) changed their observation series", bad);
}
