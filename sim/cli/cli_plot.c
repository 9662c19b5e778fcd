/* SPDX-License-Identifier: MIT */
/*
 * cli_plot.c: `brandsim plot`: the standard figures of an output file
 * (analysis/plot.h), drawn by gnuplot into a folder, one file per figure.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "brandsim/plot.h"
#include "brandsim/results.h"
#include "cli/cli.h"

static void plot_usage(FILE *out)
{
    fputs("usage: brandsim plot OUT.h5 [-o DIR] [--format png|svg|pdf] [--brands a,b]\n"
          "                     [--variant V]\n"
          "\n"
          "Draw the standard figures of an output file with gnuplot (docs/ANALYSIS.md):\n"
          "  1 market share, shocks and responses marked   4 trust and disclosure\n"
          "  2 loyalty and defections                      5 strong vs weak relationships\n"
          "  3 revenge acts by kind, and avoidance         6 after the exit (with exits)\n"
          "  7 by prior relationship strength: one line per quantile bin (with a shock\n"
          "    and strength bins, scenario key strength_quantiles)\n"
          "With replicates each line is the mean and the shaded band its 95 % CI.\n"
          "\n"
          "  -o, --output DIR   folder for the figures, created if missing\n"
          "                     (default: OUT-figures beside OUT.h5)\n"
          "  --format F         png (default), svg or pdf\n"
          "  --brands a,b       brands to draw (default: all, at most 12, shocked ones first)\n"
          "  --variant V        one variant of an ensemble file (default: every variant, each\n"
          "                     in DIR/V/)\n"
          "  -h, --help         this help\n"
          "\n"
          "Needs gnuplot (Debian package gnuplot-nox).\n"
          "exit codes: 0 success, 2 bad input (flags, not a brandsim file), 1 anything else\n"
          "(gnuplot missing or failing, folder not writable)\n",
          out);
}

/* mkdir DIR unless it is a folder already. */
static int make_dir(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return BS_EXIT_OK;
    if (mkdir(dir, 0777) == 0)
        return BS_EXIT_OK;
    fprintf(stderr, "brandsim: plot: cannot create the folder %s: %s\n", dir, strerror(errno));
    return BS_EXIT_RUNTIME;
}

/* Draw variant v into dir and list the files. */
static int plot_variant(const bs_plot_env *env, const bs_results *r, int v, const int *brands,
                        const char *dir)
{
    enum { LEN = 4096 };
    int n = 0, rc = make_dir(dir);
    if (rc)
        return rc;
    char(*files)[LEN] = calloc(BS_FIG_COUNT, LEN);
    if (!files) {
        fputs("brandsim: out of memory\n", stderr);
        return BS_EXIT_RUNTIME;
    }
    bs_error err = {0};
    bs_status s = bs_plot_standard(env, r, v, brands, dir, files[0], LEN, &n, &err);
    for (int k = 0; k < n; k++)
        printf("wrote %s\n", files[k]);
    int present[BS_FIG_COUNT], drawn6 = 0;
    bs_plot_figures(r, v, present);
    for (int k = 0; k < n; k++)
        drawn6 |= bs_figure_of_file(files[k]) == BS_FIG_POST_EXIT;
    if (!s && present[BS_FIG_POST_EXIT] && !drawn6)
        printf("figure 6 (after the exit) not drawn: none of the brands chosen ends "
               "relationships\n");
    free(files);
    return !s ? BS_EXIT_OK : cli_stop_signal ? BS_EXIT_RUNTIME : cli_fail(&err);
}

int cli_plot(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"format", required_argument, 0, 'f'},
        {"brands", required_argument, 0, 'b'}, {"variant", required_argument, 0, 'V'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *dir = NULL, *brand_list = NULL, *variant = NULL;
    int format = BS_PLOT_PNG, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'o': dir = optarg; break;
        case 'f':
            if ((format = bs_plot_format_by_name(optarg)) < 0) {
                fprintf(stderr, "brandsim: plot: --format: '%s' is not a format, expected png, "
                                "svg or pdf\n", optarg);
                return BS_EXIT_INPUT;
            }
            break;
        case 'b': brand_list = optarg; break;
        case 'V': variant = optarg; break;
        case 'h': plot_usage(stdout); return cli_flush_stdout();
        default:
            fprintf(stderr, "brandsim: plot: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            plot_usage(stderr);
            return BS_EXIT_INPUT;
        }
    }
    if (optind != argc - 1) {
        fputs("brandsim: plot: expected one output file (OUT.h5)\n", stderr);
        plot_usage(stderr);
        return BS_EXIT_INPUT;
    }
    const char *path = argv[optind];
    int rc = BS_EXIT_OK;
    bs_results *r = cli_open_results(path, &rc);
    if (!r)
        return rc;
    int B = bs_results_brands(r), v = -1;
    int *flags = calloc((size_t)(B ? B : 1), sizeof *flags);
    char tpl[4096], gnuplot[4096], out_dir[4096];
    bs_plot_env env = {tpl, gnuplot, (bs_plot_format)format, cli_cancel()};
    bs_error err = {0};
    if (!flags) {
        fputs("brandsim: out of memory\n", stderr);
        rc = BS_EXIT_RUNTIME;
    }
    if (!rc && brand_list)
        rc = cli_brand_flags(r, "plot", brand_list, flags);
    if (!rc && variant && (v = cli_variant(r, "plot", variant)) < 0)
        rc = BS_EXIT_INPUT;
    if (!rc && bs_gnuplot_find(gnuplot, sizeof gnuplot, &err))
        rc = cli_fail(&err);
    if (!rc)
        rc = cli_template_dir(tpl, sizeof tpl);
    if (!rc) {
        if (dir)
            snprintf(out_dir, sizeof out_dir, "%s", dir);
        else {
            size_t len = strlen(path);
            if (len > 3 && !strcmp(path + len - 3, ".h5"))
                len -= 3;
            snprintf(out_dir, sizeof out_dir, "%.*s-figures", (int)len, path);
        }
    }
    const int *chosen = brand_list ? flags : NULL;
    cli_catch_stop_signals(); /* a figure being drawn is finished or removed, never left half */
    if (!rc && (v >= 0 || bs_results_variants(r) == 1))
        rc = plot_variant(&env, r, v >= 0 ? v : 0, chosen, out_dir);
    else if (!rc && (rc = make_dir(out_dir)) == BS_EXIT_OK)
        for (int k = 0; k < bs_results_variants(r) && !rc; k++) {
            char sub[4096 + BS_NAME_MAX + 2];
            snprintf(sub, sizeof sub, "%s/%s", out_dir, bs_results_variant_name(r, k));
            rc = plot_variant(&env, r, k, chosen, sub);
        }
    if (cli_stop_signal) {
        fprintf(stderr, "brandsim: plot: interrupted (%s); the figures listed as written are "
                        "complete, the others not drawn\n", cli_signal_name(cli_stop_signal));
        rc = BS_EXIT_RUNTIME;
    }
    if (!rc)
        rc = cli_flush_stdout();
    free(flags);
    bs_results_free(r);
    return rc;
}
