/*
 * main.c: the `brandsim` command: subcommand dispatch, --help and --version.
 * Subcommands live in their own files (cli_run.c, cli_check.c, cli_bench.c,
 * cli_replicate.c; the analysis commands cli_plot.c, cli_compare.c, cli_export.c,
 * cli_info.c, cli_report.c). Exit codes: 0 success, 2 bad input (scenario, flags),
 * 1 anything else.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
    fputs("usage: brandsim <command> [options]\n"
          "\n"
          "commands:\n"
          "  run SCENARIO.yaml     simulate the scenario and write an HDF5 file\n"
          "  check SCENARIO.yaml   validate a scenario without running it\n"
          "  schema                print the reference of every scenario field (Markdown)\n"
          "  bench                 measure speed, memory and thread scaling\n"
          "  replicate             reproduce the published findings (scenarios/replication/)\n"
          "  plot OUT.h5           draw the standard figures (gnuplot)\n"
          "  compare A.h5 B.h5...  compare runs or variants: outcomes table, overlay figure\n"
          "  export OUT.h5 --csv F write every time series as one tidy CSV table\n"
          "  info OUT.h5           scenario, shocks and key numbers of an output file\n"
          "  report OUT.h5         one self-contained HTML page with figures and numbers\n"
          "\n"
          "options:\n"
          "  -h, --help            this help; `brandsim COMMAND --help` for a command's\n"
          "  -V, --version         print the version\n"
          "\n"
          "exit codes: 0 success, 2 bad input (scenario, flags), 1 anything else\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return BS_EXIT_INPUT;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        usage(stdout);
        return cli_flush_stdout();
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf("brandsim %s (output format %d)\n", BS_VERSION, BS_OUTPUT_FORMAT_VERSION);
        return cli_flush_stdout();
    }
    if (!strcmp(cmd, "run")) return cli_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "check")) return cli_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "schema")) return cli_schema(argc - 1, argv + 1);
    if (!strcmp(cmd, "bench")) return cli_bench(argc - 1, argv + 1);
    if (!strcmp(cmd, "plot")) return cli_plot(argc - 1, argv + 1);
    if (!strcmp(cmd, "compare")) return cli_compare(argc - 1, argv + 1);
    if (!strcmp(cmd, "export")) return cli_export(argc - 1, argv + 1);
    if (!strcmp(cmd, "info")) return cli_info(argc - 1, argv + 1);
    if (!strcmp(cmd, "report")) return cli_report(argc - 1, argv + 1);
    if (!strcmp(cmd, "replicate")) return cli_replicate(argc - 1, argv + 1);
    fprintf(stderr, "brandsim: '%s' is not a command, expected run, check, schema, bench, "
                    "replicate, plot, compare, export, info or report (see brandsim --help)\n",
            cmd);
    return BS_EXIT_INPUT;
}
