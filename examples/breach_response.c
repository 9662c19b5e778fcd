/* SPDX-License-Identifier: MIT */
/*
 * breach_response.c: a small program on libbrandsim's public API, the way a
 * user of the installed library writes one. It loads a scenario file, applies
 * overrides written as on the command line ("consumers=2000",
 * "brands[alder].breach_response=apology"), runs it step by step and prints
 * each brand's market share and the market's mean distrust of the category
 * at every step, as a table.
 *
 *   cc breach_response.c $(pkg-config --cflags --libs brandsim) -o breach_response
 *   ./breach_response scenarios/breach.yaml consumers=2000 steps=30
 *
 * Only <brandsim/brandsim.h> is needed. Exit status: 0 on success, 2 for a bad
 * scenario or override, 1 for anything else (the library's bs_status).
 */
#include <stdio.h>
#include <stdlib.h>

#include <brandsim/brandsim.h>

/* Print the library's message (it names the file, line and key) and give its
 * status as the exit code. */
static int fail(const bs_error *err)
{
    fprintf(stderr, "breach_response: %s\n", err->msg);
    return err->status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: breach_response SCENARIO.yaml [key.path=value]...\n");
        return 2;
    }
    bs_error err = {0};

    /* bs_scenario is large (every brand and shock slot is in it): keep it off
     * the stack. bs_scenario_alloc() fills it with the defaults. */
    bs_scenario *sc = bs_scenario_alloc();
    if (!sc) {
        fprintf(stderr, "breach_response: out of memory\n");
        return 1;
    }
    /* Load the file, then apply each override; validate once all are applied
     * (validation also resolves the brand names that shocks refer to). */
    if (bs_scenario_load(argv[1], sc, &err)) {
        bs_scenario_free(sc);
        return fail(&err);
    }
    for (int i = 2; i < argc; i++) {
        if (bs_scenario_set(sc, argv[i], &err)) {
            bs_scenario_free(sc);
            return fail(&err);
        }
    }
    if (bs_scenario_validate(sc, argv[1], &err)) {
        bs_scenario_free(sc);
        return fail(&err);
    }

    /* The run copies the scenario, so it may be freed now. 0 threads: the
     * OpenMP default; the numbers are the same for any thread count. */
    bs_run *run = bs_run_alloc(sc, 0, &err);
    bs_scenario_free(sc);
    if (!run)
        return fail(&err);
    sc = NULL;
    const bs_scenario *rs = bs_run_scenario(run);
    int B = rs->n_brands;

    printf("# %s: %d brands, %lld consumers, %d steps, seed %llu\n", rs->name, B,
           (long long)rs->consumers, rs->steps, (unsigned long long)rs->seed);
    /* The run's schedule: every shock and the brands' responses. */
    int n_events;
    const bs_event *ev = bs_run_events(run, &n_events);
    for (int k = 0; k < n_events; k++)
        printf("# event: step %d, %s, %s\n", ev[k].step, rs->brands[ev[k].brand].name, ev[k].kind);

    printf("step");
    for (int b = 0; b < B; b++)
        printf(" %s", rs->brands[b].name);
    printf(" %s\n", bs_market_metric_get(BS_MK_MEAN_DISTRUST)->name);

    /* One bs_run_step() per step; bs_run_stats() then holds that step's
     * aggregates: value(segment, metric, brand) at
     * v[(segment * BS_M_COUNT + metric) * n_brands + brand]. */
    while (bs_run_steps_done(run) < rs->steps) {
        if (bs_run_step(run, &err)) {
            bs_run_free(run);
            return fail(&err);
        }
        const bs_stats *st = bs_run_stats(run);
        const double *share = st->v + ((size_t)BS_SEG_ALL * BS_M_COUNT + BS_M_MARKET_SHARE) * (size_t)B;
        printf("%d", st->step);
        for (int b = 0; b < B; b++)
            printf(" %.6f", share[b]);
        printf(" %.6f\n", st->market[BS_MK_MEAN_DISTRUST]);
    }
    bs_run_free(run);
    return 0;
}
