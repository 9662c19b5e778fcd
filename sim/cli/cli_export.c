/* SPDX-License-Identifier: MIT */
/*
 * cli_export.c: `brandsim export`: an output file as one tidy CSV table
 * (analysis/export.h), written to FILE.partial and renamed when complete.
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
    fputs("usage: brandsim export OUT.h5 --csv FILE [--variant V]\n"
          "\n"
          "Write every time series of an output file as one tidy long-format CSV table:\n"
          "  step,variant,replicate,brand,segment,metric,value\n"
          "segment is 'all' (whole market), a segment name, a quantile bin (strength_q1,\n"
          "anxiety_q3, ...: the series by quantile of prior strength or of a trait), or\n"
          "'market' for the market-wide series (brand empty); replicates count from 0.\n"
          "pandas.read_csv and R's read.csv read it without options (docs/ANALYSIS.md).\n"
          "\n"
          "  --csv FILE      the CSV file to write ('-': standard output)\n"
          "  --variant V     only this variant of an ensemble file (default: all)\n"
          "  -h, --help      this help\n"
          "\n"
          "exit codes: 0 success, 2 bad input (flags, not a brandsim file), 1 anything else\n",
          out);
}

int cli_export(int argc, char **argv)
{
    static const struct option opts[] = {{"csv", required_argument, 0, 'c'},
                                         {"variant", required_argument, 0, 'V'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *csv = NULL, *variant = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': csv = optarg; break;
        case 'V': variant = optarg; break;
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
    int rc = BS_EXIT_OK, v = -1;
    if (strcmp(csv, "-") && (rc = cli_check_output("export", "--csv", csv,
                                                   (const char *const *)&argv[optind], 1)))
        return rc;
    bs_results *r = cli_open_results(argv[optind], &rc);
    if (!r)
        return rc;
    if (variant && (v = cli_variant(r, "export", variant)) < 0) {
        bs_results_free(r);
        return BS_EXIT_INPUT;
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
    if (bs_export_csv(r, v, out, cli_cancel(), &err))
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
