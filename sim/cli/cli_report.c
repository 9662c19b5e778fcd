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
#include "brandsim/sweep.h"
#include "cli/cli.h"

static void report_usage(FILE *out)
{
    fputs("usage: brandsim report OUT.h5 [-o REPORT.html] [--brand B] [--baseline V] [--metric M]\n"
          "       brandsim report SWEEP.h5 [-o REPORT.html]\n"
          "\n"
          "A sweep's table (the .h5 beside its CSV) gets the sweep's page: the decision between\n"
          "its options under uncertainty (ranking, net value, P(best), regret, where it flips),\n"
          "the sensitivity of the key outcomes (tables and figures), what was swept.\n"
          "\n"
          "Write one self-contained HTML page. For a file with variants it opens with the\n"
          "decision brief: the options (variants) ranked by net contribution after the shock\n"
          "for one brand, each with its net value against the baseline (paired by seed),\n"
          "payback, cost, share and customers lost, revenge; one figure of every option over\n"
          "time with each option's own events marked; and the assumptions the ranking rests\n"
          "on, with the margin and response cost at which it flips. Then, per variant, the key\n"
          "numbers per brand, the shocks and policy actions, every standard figure (SVG,\n"
          "embedded), and the scenario as run. It opens in a browser with no network.\n"
          "\n"
          "  -o, --output FILE   the page to write (default: OUT.html beside OUT.h5)\n"
          "  --brand B           the brand the decision is for (default: the first brand of\n"
          "                      the first shock)\n"
          "  --baseline V        the variant options are compared with (default: the first;\n"
          "                      put doing nothing first)\n"
          "  --metric M          the brief's figure (default market_share; any brand metric)\n"
          "  -h, --help          this help\n"
          "\n"
          "Needs gnuplot (Debian package gnuplot-nox).\n"
          "exit codes: 0 success, 2 bad input (flags, not a brandsim file), 1 anything else\n",
          out);
}

int cli_report(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                         {"brand", required_argument, 0, 'b'},
                                         {"baseline", required_argument, 0, 'B'},
                                         {"metric", required_argument, 0, 'm'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *output = NULL;
    bs_brief_opts brief = {0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'b': brief.brand = optarg; break;
        case 'B': brief.baseline = optarg; break;
        case 'm': brief.metric = optarg; break;
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
    bs_sweep *sweep = NULL; /* a sweep's table gets the sweep's page */
    bs_results *r = NULL;
    if (bs_sweep_is_table(path)) {
        bs_error e = {0};
        if (!(sweep = bs_sweep_open_table(path, &e)))
            return cli_fail(&e);
    } else if (!(r = cli_open_results(path, &rc)))
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
        if (sweep ? bs_report_sweep_html(sweep, &env, out, &err)
                  : bs_report_html_brief(r, &env, &brief, out, &err))
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
    bs_sweep_free(sweep);
    return rc;
}
