/* SPDX-License-Identifier: MIT */
/*
 * cli_info.c: `brandsim info`: what an output file holds, for a person at a
 * terminal: the scenario in brief, the brands, every shock and policy
 * action, and a short table of key numbers per brand (analysis/outcomes.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/outcomes.h"
#include "brandsim/results.h"
#include "cli/cli.h"

static void info_usage(FILE *out)
{
    fputs("usage: brandsim info OUT.h5 [--variant V]\n"
          "\n"
          "Print what an output file holds: the scenario in brief, its brands, every shock\n"
          "and policy action, and key numbers per brand: share lost and regained, revenue,\n"
          "revenge acts, days until revenge falls below 10 % of its peak, customers lost to\n"
          "exit (mean and 95 % CI with replicates; definitions in docs/ANALYSIS.md).\n"
          "\n"
          "  --variant V   key numbers of this variant only (default: every variant)\n"
          "  -h, --help    this help\n"
          "\n"
          "exit codes: 0 success, 2 bad input (flags, not a brandsim file), 1 anything else\n",
          out);
}

/* The quantile groupings the file holds, with the names of their bins. */
static void print_quantiles(const bs_results *r)
{
    int any = 0;
    for (int g = 0; g < BS_QG_COUNT; g++) {
        const int bins = bs_results_quantile_bins(r, (bs_quantile_grouping)g);
        if (!bins)
            continue;
        char first[64], last[64];
        const int trait = bs_results_quantile_trait(r);
        bs_quantile_bin_name(g, trait, 0, first, sizeof first);
        bs_quantile_bin_name(g, trait, bins - 1, last, sizeof last);
        printf("  %-10s %s: %d bins of %s (%s .. %s, lowest first)\n", any ? "" : "quantiles",
               bs_quantile_grouping_name((bs_quantile_grouping)g), bins,
               g == BS_QG_STRENGTH ? "prior relationship strength"
                                   : bs_results_quantile_by(r, (bs_quantile_grouping)g),
               first, last);
        any = 1;
    }
    if (!any)
        printf("  quantiles  none (strength_quantiles and trait_quantiles were 0, or the file is "
               "older)\n");
}

static void print_summary(const bs_results *r)
{
    const char *desc = bs_results_description(r);
    int S = bs_results_steps(r), B = bs_results_brands(r);
    if (bs_results_is_ensemble(r))
        printf("%s: ensemble of %d variant%s x %d replicate%s\n", bs_results_path(r),
               bs_results_variants(r), bs_results_variants(r) == 1 ? "" : "s",
               bs_results_replicates(r), bs_results_replicates(r) == 1 ? "" : "s");
    else
        printf("%s: single run\n", bs_results_path(r));
    printf("  scenario   %s%s%s\n", bs_results_scenario_name(r), *desc ? ": " : "", desc);
    printf("  run        %lld consumers, %d steps of %g days (%g days), seed %llu\n",
           (long long)bs_results_consumers(r), S, bs_results_step_days(r),
           bs_results_days(r)[S - 1], (unsigned long long)bs_results_seed(r));
    const char *ov = bs_results_overrides(r, -1);
    if (*ov) {
        printf("  overrides  ");
        for (const char *p = ov; *p; p++)
            fputs(*p == '\n' ? ", " : (char[2]){*p, 0}, stdout);
        putchar('\n');
    }
    printf("  brands     %d:", B);
    for (int b = 0; b < B; b++) {
        const char *policy = bs_results_brand_exit_policy(r, -1, b); /* the base scenario */
        printf("%s %s", b ? "," : "", bs_results_brand_name(r, b));
        if (strcmp(policy, "none"))
            printf(" (exit policy %s)", policy);
    }
    putchar('\n');
    for (int v = 0; bs_results_is_ensemble(r) && v < bs_results_variants(r); v++) {
        const char *vo = bs_results_overrides(r, v);
        printf("  variant    %s:%s", bs_results_variant_name(r, v), *vo ? " " : " (no overrides)");
        for (const char *p = vo; *p; p++)
            fputs(*p == '\n' ? ", " : (char[2]){*p, 0}, stdout);
        putchar('\n');
    }
    print_quantiles(r);
}

/* Events of variant v. Listing every variant (all), a variant's events that are those of
 * the first are not repeated. */
static void print_events(const bs_results *r, int v, int all)
{
    int n = 0, n0 = 0;
    const bs_event *ev = bs_results_events(r, v, &n), *ev0 = bs_results_events(r, 0, &n0);
    if (all && v > 0 && n == n0 && (n == 0 || !memcmp(ev, ev0, (size_t)n * sizeof *ev)))
        return;
    if (bs_results_variants(r) > 1)
        printf("\nshocks and policy actions, variant %s (%d):\n", bs_results_variant_name(r, v),
               n);
    else
        printf("\nshocks and policy actions (%d):\n", n);
    if (n == 0) {
        printf("  none\n");
        return;
    }
    printf("  %5s %7s  %-16s %-30s %6s\n", "step", "day", "brand", "kind", "size");
    const double *day = bs_results_days(r);
    for (int i = 0; i < n; i++) {
        int t = ev[i].step;
        double start = t > 0 && t <= bs_results_steps(r) ? day[t - 1] : 0;
        printf("  %5d %7g  %-16s %-30s %6g\n", t, start,
               ev[i].brand >= 0 ? bs_results_brand_name(r, ev[i].brand) : "-", ev[i].kind,
               ev[i].size);
    }
}

/* How concentrated the revenge acts are by the last step (files that hold it). */
static int print_concentration(const bs_results *r, int v)
{
    if (!bs_results_has_market(r, BS_MK_ACTS_GINI) || !bs_results_has_market(r, BS_MK_ACTS_TOP_DECILE_SHARE))
        return BS_EXIT_OK;
    const int S = bs_results_steps(r);
    double *top = malloc((size_t)S * sizeof *top), *gini = malloc((size_t)S * sizeof *gini);
    bs_error err = {0};
    int rc = BS_EXIT_OK;
    if (!top || !gini) {
        fputs("brandsim: out of memory\n", stderr);
        rc = BS_EXIT_RUNTIME;
    } else if (bs_results_market_stat(r, v, BS_MK_ACTS_TOP_DECILE_SHARE, BS_RSTAT_MEAN, top, &err)
               || bs_results_market_stat(r, v, BS_MK_ACTS_GINI, BS_RSTAT_MEAN, gini, &err))
        rc = cli_fail(&err);
    else
        printf("  revenge acts by the last step: %.1f %% by the tenth of consumers with the most, "
               "Gini %.3f\n", 100 * top[S - 1], gini[S - 1]);
    free(top);
    free(gini);
    return rc;
}

static int print_key_numbers(const bs_results *r, int v)
{
    int R = bs_results_replicates(r), B = bs_results_brands(r);
    double *all = malloc((size_t)R * (B ? B : 1) * BS_KPI_COUNT * sizeof *all);
    double *vals = malloc((size_t)R * sizeof *vals);
    bs_error err = {0};
    if (!all || !vals) {
        free(all);
        free(vals);
        fputs("brandsim: out of memory\n", stderr);
        return BS_EXIT_RUNTIME;
    }
    if (bs_kpis_compute(r, v, 0, all, &err)) {
        free(all);
        free(vals);
        return cli_fail(&err);
    }
    printf("\nkey numbers");
    if (bs_results_variants(r) > 1 || bs_results_is_ensemble(r))
        printf(", variant %s", bs_results_variant_name(r, v));
    if (R >= 2)
        printf(" (mean ± half-width of the 95 %% CI, %d replicates)", R);
    putchar(':');
    /* two rows of columns, so that a line stays within 120 characters */
    static const bs_kpi rows[2][6] = {
        {BS_KPI_SHARE_LOST, BS_KPI_SHARE_REGAINED, BS_KPI_RECOVERY_WEEKS, BS_KPI_CUSTOMERS_LOST,
         BS_KPI_REVENGE_ACTS, BS_KPI_REVENGE_DAYS},
        {BS_KPI_REVENUE, BS_KPI_REVENUE_AFTER, BS_KPI_RESPONSE_COST, BS_KPI_NET_CONTRIBUTION,
         BS_KPI_EXIT_LOSSES, BS_KPI_COUNT}};
    for (int row = 0; row < 2; row++) {
        printf("\n  %-16s", "brand");
        for (int j = 0; j < 6 && rows[row][j] != BS_KPI_COUNT; j++)
            printf(" %17s", bs_kpi_get(rows[row][j])->short_label);
        printf("\n  %-16s", "");
        for (int j = 0; j < 6 && rows[row][j] != BS_KPI_COUNT; j++) {
            const bs_kpi_info *k = bs_kpi_get(rows[row][j]);
            char unit[40];
            snprintf(unit, sizeof unit, "(%s)", k->percent ? "pp" : k->units);
            printf(" %17s", unit);
        }
        putchar('\n');
        for (int b = 0; b < B; b++) {
            printf("  %-16s", bs_results_brand_name(r, b));
            for (int j = 0; j < 6 && rows[row][j] != BS_KPI_COUNT; j++) {
                bs_kpi o = rows[row][j];
                char m[32], h[32], cell[72];
                bs_kpi_values(all, R, B, b, o, vals);
                bs_ci c = bs_ci_mean(vals, 1, (size_t)R, 0.95);
                bs_kpi_format(o, c.mean, m, sizeof m);
                if (R >= 2 && isfinite(c.hi) && isfinite(c.mean)) {
                    bs_kpi_format(o, c.hi - c.mean, h, sizeof h);
                    snprintf(cell, sizeof cell, "%s ± %s", m, h);
                    printf(" %18s", cell); /* ± is two bytes in UTF-8 */
                } else
                    printf(" %17s", m);
            }
            putchar('\n');
        }
    }
    free(all);
    free(vals);
    return print_concentration(r, v);
}

int cli_info(int argc, char **argv)
{
    static const struct option opts[] = {{"variant", required_argument, 0, 'V'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *variant = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'V': variant = optarg; break;
        case 'h': info_usage(stdout); return cli_flush_stdout();
        default:
            fprintf(stderr, "brandsim: info: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            info_usage(stderr);
            return BS_EXIT_INPUT;
        }
    }
    if (optind != argc - 1) {
        fputs("brandsim: info: expected one output file (OUT.h5)\n", stderr);
        info_usage(stderr);
        return BS_EXIT_INPUT;
    }
    int rc = BS_EXIT_OK, only = -1;
    bs_results *r = cli_open_results(argv[optind], &rc);
    if (!r)
        return rc;
    if (variant && (only = cli_variant(r, "info", variant)) < 0)
        rc = BS_EXIT_INPUT;
    if (!rc) {
        print_summary(r);
        for (int v = 0; v < bs_results_variants(r); v++)
            if (only < 0 || v == only)
                print_events(r, v, only < 0);
        for (int v = 0; v < bs_results_variants(r) && !rc; v++)
            if (only < 0 || v == only)
                rc = print_key_numbers(r, v);
        if (!rc)
            printf("\nshare lost: share before the first shock minus the lowest after it; "
                   "regained: final minus\nthat lowest; recovery: weeks until the month's share "
                   "is back within 95 %% of the month\nbefore the shock; lost after: exits from the "
                   "shock on; revenge days: from the first shock\nuntil mean revenge < 10 %% of its "
                   "peak (\"not reached\": not within the run); net contrib.:\nmargin x revenue - "
                   "response cost, from the shock on; see docs/ANALYSIS.md\n");
    }
    if (!rc)
        rc = cli_flush_stdout();
    bs_results_free(r);
    return rc;
}
