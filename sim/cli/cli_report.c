/* SPDX-License-Identifier: MIT */
/*
 * cli_report.c: `brandsim report`: one self-contained HTML page about an
 * output file (analysis/report.h), written to FILE.partial and renamed when
 * complete.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/report.h"
#include "cli/cli.h"

static void report_usage(FILE *out)
{
    fputs("usage: brandsim report OUT.h5 [-o REPORT.html]\n"
          "\n"
          "Write one self-contained HTML page: the scenario in brief, key numbers per brand,\n"
          "the shocks and policy actions, every standard figure (SVG, embedded) and the\n"
          "scenario as run. It opens in a browser with no network.\n"
          "\n"
          "  -o, --output FILE   the page to write (default: OUT.html beside OUT.h5)\n"
          "  -h, --help          this help\n"
          "\n"
          "Needs gnuplot (Debian package gnuplot-nox).\n"
          "exit codes: 0 success, 2 bad input (flags, not a brandsim file), 1 anything else\n",
          out);
}

int cli_report(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *output = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'h': report_usage(stdout); return cli_flush_stdout();
        default:
            fprintf(stderr, "brandsim: report: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            report_usage(stderr);
            return BS_EXIT_INPUT;
        }
    }
    if (optind != argc - 1) {
        fputs("brandsim: report: expected one output file (OUT.h5)\n", stderr);
        report_usage(stderr);
        return BS_EXIT_INPUT;
    }
    const char *path = argv[optind];
    char page[4096], partial[4096 + 16], tpl[4096], gnuplot[4096];
    if (output)
        snprintf(page, sizeof page, "%s", output);
    else {
        size_t len = strlen(path);
        if (len > 3 && !strcmp(path + len - 3, ".h5"))
            len -= 3;
        snprintf(page, sizeof page, "%.*s.html", (int)len, path);
    }
    snprintf(partial, sizeof partial, "%s.partial", page);
    int rc = cli_check_output("report", "-o", page, &path, 1);
    if (rc)
        return rc;
    bs_results *r = cli_open_results(path, &rc);
    if (!r)
        return rc;
    bs_error err = {0};
    if (bs_gnuplot_find(gnuplot, sizeof gnuplot, &err))
        rc = cli_fail(&err);
    if (!rc)
        rc = cli_template_dir(tpl, sizeof tpl);
    FILE *out = NULL;
    cli_catch_stop_signals(); /* before the partial file and the figures' folder exist */
    if (!rc && !(out = fopen(partial, "w"))) {
        fprintf(stderr, "brandsim: %s: cannot write: %s\n", page, strerror(errno));
        rc = BS_EXIT_RUNTIME;
    }
    if (!rc) {
        bs_plot_env env = {tpl, gnuplot, BS_PLOT_SVG, cli_cancel()};
        if (bs_report_html(r, &env, out, &err))
            rc = cli_stop_signal ? BS_EXIT_RUNTIME : cli_fail(&err);
        if (cli_stop_signal) /* also one after the last figure */
            rc = BS_EXIT_RUNTIME;
        /* a failed write leaves data in the buffer: flushing it again gives the
         * reason (ENOSPC on a full disk) */
        int e = fflush(out) != 0 ? errno : ferror(out) ? EIO : 0;
        if (fclose(out) != 0 && !e)
            e = errno;
        if (!rc && e) {
            fprintf(stderr, "brandsim: %s: cannot write: %s\n", page, strerror(e));
            rc = BS_EXIT_RUNTIME;
        }
        if (!rc && rename(partial, page) != 0) {
            fprintf(stderr, "brandsim: %s: cannot rename %s: %s\n", page, partial,
                    strerror(errno));
            rc = BS_EXIT_RUNTIME;
        }
        if (rc)
            remove(partial);
        else
            printf("wrote %s\n", page);
    }
    if (cli_stop_signal)
        fprintf(stderr, "brandsim: report: interrupted (%s); nothing written\n",
                cli_signal_name(cli_stop_signal));
    if (!rc)
        rc = cli_flush_stdout();
    bs_results_free(r);
    return rc;
}
