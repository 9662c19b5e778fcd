/* SPDX-License-Identifier: MIT */
/*
 * main.c: the `brandsim` command: one table of subcommands, from which come
 * the dispatch, --help and the message for an unknown command; --version.
 * Subcommands live in their own files (cli_run.c, cli_check.c, cli_bench.c,
 * cli_replicate.c; the analysis commands cli_plot.c, cli_compare.c, cli_export.c,
 * cli_info.c, cli_report.c). Exit codes: 0 success, 2 bad input (scenario, flags),
 * 1 anything else.
 *
 * Started by an MPI launcher (a build with MPI: BS_WITH_MPI), the command
 * starts MPI and hands its distributor to run, sweep and replicate, whose
 * runs then spread over the ranks (docs/CLUSTER.md); rank 0 alone prints
 * and writes, and every other command runs on rank 0 alone.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#ifdef BS_WITH_MPI
#include "mpi/mpi_distributor.h"
#endif

/* The ranks of this process's MPI job; none without MPI. */
static bs_distributor ranks;
static int mpi_started;

bs_distributor *cli_distributor(void)
{
    return mpi_started ? &ranks : NULL;
}

typedef struct {
    const char *name;
    const char *synopsis; /* the command with its main argument, for --help */
    const char *summary;
    int (*fn)(int argc, char **argv);
    int spreads; /* its runs spread over MPI ranks (else rank 0 alone runs it) */
} command;

static const command commands[] = {
    {"run", "run SCENARIO.yaml", "simulate the scenario and write an HDF5 file", cli_run, 1},
    {"check", "check SCENARIO.yaml", "validate a scenario without running it", cli_check},
    {"schema", "schema", "print the reference of every scenario field (Markdown)", cli_schema},
    {"bench", "bench", "measure speed, memory and thread scaling", cli_bench},
    {"replicate", "replicate", "reproduce the published findings (scenarios/replication/)",
     cli_replicate, 1},
    {"plot", "plot OUT.h5", "draw the standard figures (gnuplot)", cli_plot},
    {"compare", "compare A.h5 B.h5...", "compare runs or variants: outcomes table, overlay figure",
     cli_compare},
    {"export", "export OUT.h5 --csv F", "write every time series as one tidy CSV table",
     cli_export},
    {"info", "info OUT.h5", "scenario, shocks and key numbers of an output file", cli_info},
    {"report", "report OUT.h5", "one self-contained HTML page with figures and numbers",
     cli_report},
    {"sweep", "sweep EXPERIMENT.yaml", "many runs over a design; one row of outcomes per run",
     cli_sweep, 1},
    {"classroom", "classroom SCENARIO.yaml", "serve the breach-response game to a class (browser)",
     cli_classroom},
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *out)
{
    fputs("usage: brandsim <command> [options]\n\ncommands:\n", out);
    for (int k = 0; k < N_COMMANDS; k++)
        fprintf(out, "  %-21s %s\n", commands[k].synopsis, commands[k].summary);
    fputs("\n"
          "options:\n"
          "  -h, --help            this help; `brandsim COMMAND --help` for a command's\n"
          "  -V, --version         print the version\n"
          "\n"
          "exit codes: 0 success, 2 bad input (scenario, flags), 1 anything else\n",
          out);
}

static int dispatch(int argc, char **argv);

int main(int argc, char **argv)
{
#ifdef BS_WITH_MPI
    if (bs_mpi_launched()) {
        bs_error err = {0};
        if (bs_mpi_start(&argc, &argv, &ranks, &err))
            return cli_fail(&err);
        mpi_started = 1;
        if (ranks.rank != 0) { /* rank 0 speaks for the job */
            if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
                return bs_mpi_end(&ranks, BS_EXIT_RUNTIME);
        }
        return bs_mpi_end(&ranks, dispatch(argc, argv));
    }
#endif
    return dispatch(argc, argv);
}

static int dispatch(int argc, char **argv)
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
    for (int k = 0; k < N_COMMANDS; k++)
        if (!strcmp(cmd, commands[k].name)) {
            if (mpi_started && ranks.rank != 0 && !commands[k].spreads)
                return BS_EXIT_OK; /* rank 0's alone: two ranks would write the same files */
            return commands[k].fn(argc - 1, argv + 1);
        }
    fprintf(stderr, "brandsim: '%s' is not a command, expected ", cmd);
    for (int k = 0; k < N_COMMANDS; k++)
        fprintf(stderr, "%s%s", commands[k].name,
                k == N_COMMANDS - 1 ? "" : k == N_COMMANDS - 2 ? " or " : ", ");
    fputs(" (see brandsim --help)\n", stderr);
    return BS_EXIT_INPUT;
}
