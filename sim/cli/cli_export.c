/* SPDX-License-Identifier: MIT */
/*
 * cli_export.c: `brandsim export`: an output file as a CSV table
 * (analysis/export.h): every series (the default), their summary over
 * replicates, or the outcomes of each run or their summary, filtered by
 * metric, segment, brand and variant; written to FILE.partial and renamed
 * when complete.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/export.h"
#include "cli/cli.h"

static void export_usage(FILE *out)
{
    fputs("usage: brandsim export OUT.h5 --csv FILE [--variant V] [--metrics M,...]\n"
          "         [--segments S,...] [--brands B,...] [--summary] [--outcomes]\n"
          "\n"
          "Write the time series of an output file as one tidy long-format CSV table:\n"
          "  step,variant,replicate,brand,segment,metric,value\n"
          "segment is 'all' (whole market), a segment name, a quantile bin (strength_q1,\n"
          "anxiety_q3, ...: the series by quantile of prior strength or of a trait), or\n"
          "'market' for the market-wide series (brand empty); replicates count from 0.\n"
          "--summary: the statistics over replicates instead of each replicate:\n"
          "  step,day,variant,brand,segment,metric,n,mean,sd,ci_low,ci_high\n"
          "--outcomes: each run's outcomes (compare's key numbers) instead of series:\n"
          "  variant,replicate,seed,brand,share_lost,...,revenge_days\n"
          "--outcomes --summary: per variant and brand, n and each outcome's mean, ci_low,\n"
          "ci_high. Empty cells: undefined (one replicate's CI, an outcome not reached).\n"
          "pandas.read_csv and R's read.csv read each table as it is (docs/ANALYSIS.md).\n"
          "\n"
          "  --csv FILE        the CSV file to write ('-': standard output)\n"
          "  --variant V       only this variant of an ensemble file (default: all)\n"
          "  --metrics M,...   only these metrics (brand, market or quantile metrics)\n"
          "  --segments S,...  only these segments: all, strong, ..., market, strength_q1\n"
          "  --brands B,...    only these brands (market-wide rows have none and stay)\n"
          "  --summary         mean, sd and 95 % CI over the replicates instead of each\n"
          "  --outcomes        the outcome table instead of the series\n"
          "  -h, --help        this help\n"
          "\n"
          "exit codes: 0 success, 2 bad input (flags, not a brandsim file), 1 anything else\n",
          out);
}

/* A name in --metrics that is no metric at all: exit 2 with every name the file's series
 * hold (too many for the library's message). Names the file lacks are the library's. */
static int check_metric_names(const bs_results *r, const char *list)
{
    char *copy = strdup(list);
    size_t n = bs_export_metrics(r, NULL, 0);
    const char **names = malloc((n ? n : 1) * sizeof *names);
    if (!copy || !names) {
        free(copy);
        free(names);
        fputs("brandsim: out of memory\n", stderr);
        return BS_EXIT_RUNTIME;
    }
    bs_export_metrics(r, names, n);
    int rc = BS_EXIT_OK;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok && !rc;
         tok = strtok_r(NULL, ",", &save)) {
        if (bs_metric_by_name(tok) >= 0 || bs_market_metric_by_name(tok) >= 0
            || bs_quantile_metric_by_name(tok) >= 0)
            continue;
        fprintf(stderr, "brandsim: export: --metrics: '%s' is not a metric of %s, expected one of:",
                tok, bs_results_path(r));
        for (size_t k = 0; k < n; k++)
            fprintf(stderr, "%s %s", k ? "," : "", names[k]);
        fputc('\n', stderr);
        rc = BS_EXIT_INPUT;
    }
    free(copy);
    free(names);
    return rc;
}

/* --variant and --brands as the other analysis commands check them, --metrics with every
 * name listed, then the rest (bs_export_check). An exit code. */
static int check_options(const bs_results *r, const bs_export_options *o)
{
    int rc = BS_EXIT_OK;
    if (o->variant && cli_variant(r, "export", o->variant) < 0)
        return BS_EXIT_INPUT;
    if (o->brands) {
        int B = bs_results_brands(r);
        int *flags = malloc((size_t)(B ? B : 1) * sizeof *flags);
        if (!flags) {
            fputs("brandsim: out of memory\n", stderr);
            return BS_EXIT_RUNTIME;
        }
        rc = cli_brand_flags(r, "export", o->brands, flags);
        free(flags);
    }
    if (!rc && o->metrics)
        rc = check_metric_names(r, o->metrics);
    bs_error err = {0};
    if (!rc && bs_export_check(r, o, &err)) {
        fprintf(stderr, "brandsim: export: %s\n", err.msg);
        rc = err.status == BS_ERR_INPUT ? BS_EXIT_INPUT : BS_EXIT_RUNTIME;
    }
    return rc;
}

int cli_export(int argc, char **argv)
{
    static const struct option opts[] = {{"csv", required_argument, 0, 'c'},
                                         {"variant", required_argument, 0, 'V'},
                                         {"metrics", required_argument, 0, 'm'},
                                         {"segments", required_argument, 0, 's'},
                                         {"brands", required_argument, 0, 'b'},
                                         {"summary", no_argument, 0, 'S'},
                                         {"outcomes", no_argument, 0, 'O'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *csv = NULL;
    bs_export_options o = {0};
    int summary = 0, outcomes = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': csv = optarg; break;
        case 'V': o.variant = optarg; break;
        case 'm': o.metrics = optarg; break;
        case 's': o.segments = optarg; break;
        case 'b': o.brands = optarg; break;
        case 'S': summary = 1; break;
        case 'O': outcomes = 1; break;
        case 'h': export_usage(stdout); return cli_flush_stdout();
        default:
            fprintf(stderr, "brandsim: export: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            export_usage(stderr);
            return BS_EXIT_INPUT;
        }
    }
    if (optind != argc - 1 || !csv) {
        fputs(optind != argc - 1 ? "brandsim: export: expected one output file (OUT.h5)\n"
                                 : "brandsim: export: expected --csv FILE\n", stderr);
        export_usage(stderr);
        return BS_EXIT_INPUT;
    }
    if (outcomes && (o.metrics || o.segments)) {
        fprintf(stderr, "brandsim: export: %s: not with --outcomes, which writes every outcome "
                        "and no series (--brands chooses its brands)\n",
                o.metrics ? "--metrics" : "--segments");
        return BS_EXIT_INPUT;
    }
    o.table = outcomes ? (summary ? BS_EXPORT_OUTCOMES_SUMMARY : BS_EXPORT_OUTCOMES)
                       : (summary ? BS_EXPORT_SERIES_SUMMARY : BS_EXPORT_SERIES);
    int rc = BS_EXIT_OK;
    if (strcmp(csv, "-") && (rc = cli_check_output("export", "--csv", csv,
                                                   (const char *const *)&argv[optind], 1)))
        return rc;
    bs_results *r = cli_open_results(argv[optind], &rc);
    if (!r)
        return rc;
    if ((rc = check_options(r, &o))) {
        bs_results_free(r);
        return rc;
    }
    int to_stdout = !strcmp(csv, "-");
    cli_catch_stop_signals(); /* before the partial file exists */
    char partial[4096];
    snprintf(partial, sizeof partial, "%s.partial", csv);
    FILE *out = to_stdout ? stdout : fopen(partial, "w");
    if (!out) {
        fprintf(stderr, "brandsim: %s: cannot write: %s\n", csv, strerror(errno));
        bs_results_free(r);
        return BS_EXIT_RUNTIME;
    }
    bs_error err = {0};
    if (bs_export_write(r, &o, out, cli_cancel(), &err))
        rc = cli_stop_signal ? BS_EXIT_RUNTIME : cli_fail(&err);
    if (cli_stop_signal) /* also one during the last series */
        rc = BS_EXIT_RUNTIME;
    if (to_stdout) {
        if (!rc)
            rc = cli_flush_stdout();
    } else {
        /* a failed write leaves data in the buffer: flushing it again gives the
         * reason (ENOSPC on a full disk) */
        int e = fflush(out) != 0 ? errno : ferror(out) ? EIO : 0;
        if (fclose(out) != 0 && !e)
            e = errno;
        if (!rc && e) {
            fprintf(stderr, "brandsim: %s: cannot write: %s\n", csv, strerror(e));
            rc = BS_EXIT_RUNTIME;
        }
        if (!rc && rename(partial, csv) != 0) {
            fprintf(stderr, "brandsim: %s: cannot rename %s: %s\n", csv, partial,
                    strerror(errno));
            rc = BS_EXIT_RUNTIME;
        }
        if (rc)
            remove(partial);
    }
    if (cli_stop_signal)
        fprintf(stderr, "brandsim: export: interrupted (%s); %s\n", cli_signal_name(cli_stop_signal),
                to_stdout ? "the table is incomplete" : "nothing written");
    bs_results_free(r);
    return rc;
}
