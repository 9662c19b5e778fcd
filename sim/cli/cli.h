/* SPDX-License-Identifier: MIT */
/*
 * cli.h: the subcommands of `brandsim` and what they share: loading a
 * scenario with command-line overrides, and printing errors git style.
 */
#ifndef BS_CLI_H
#define BS_CLI_H

#include <signal.h>

#include "brandsim/brandsim.h"
#include "brandsim/experiment.h"
#include "io/scenario_io.h"

enum { BS_EXIT_OK = 0, BS_EXIT_RUNTIME = 1, BS_EXIT_INPUT = 2 };

int cli_run(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_schema(int argc, char **argv);
int cli_bench(int argc, char **argv);
int cli_plot(int argc, char **argv);
int cli_compare(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_info(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_replicate(int argc, char **argv);
int cli_sweep(int argc, char **argv);
int cli_classroom(int argc, char **argv);

/* SIGINT, SIGTERM, SIGHUP: once cli_catch_stop_signals() has run, a signal sets
 * cli_stop_signal (to its number) instead of ending the process; the command stops at
 * its next checkpoint and cleans up (cli_signals.c). */
extern volatile sig_atomic_t cli_stop_signal;
void cli_catch_stop_signals(void);
const char *cli_signal_name(int sig); /* "SIGINT", "SIGTERM", "SIGHUP" */
/* The library's cancellation request that a caught signal sets. */
bs_cancel cli_cancel(void);
/* Report a failed library call that may have been stopped by a signal: "brandsim:
 * interrupted (SIGTERM) at step 3 of 10; WHAT" when a signal stopped it (exit 1), else
 * as cli_fail(). */
int cli_fail_stopped(const bs_error *err, const char *what);

/* The MPI ranks the command's runs spread over (started by mpirun in a build with MPI), or
   NULL: run, sweep and replicate pass it to the library (main.c). */
bs_distributor *cli_distributor(void);
/* With the runs spread over two ranks or more, a progress line on stderr (on a terminal, or
   with `always`; else nothing): "LABEL: 12/40 runs, ranks 0:5* 1:4 2:3*, 2 min left" (* a
   rank computing now). In cli_ranks.c. */
void cli_ranks_progress(const char *label, int always);

/* Print "brandsim: MESSAGE" to stderr and return the exit code for status. */
int cli_fail(const bs_error *err);

/* Overrides collected from the command line, in order. flags[k] names the
 * flag an item came from ("--seed"; NULL for --set), for error messages. */
typedef struct {
    const char *items[256];
    const char *flags[256];
    int n;
} cli_overrides;

/* Flush stdout: BS_EXIT_OK, or BS_EXIT_RUNTIME with a message when what was
 * printed could not be written (a full disk, a closed pipe). */
int cli_flush_stdout(void);

/* Load `path`, apply the overrides, validate. Returns an exit code. */
int cli_load_scenario(const char *path, const cli_overrides *ov, bs_scenario *sc);

/* The same, also returning the scenario's variants, each checked on top of the
   overrides. On success free vars with bs_variants_free(). */
int cli_load_variants(const char *path, const cli_overrides *ov, bs_scenario *sc,
                      bs_variants *vars);

/* Check a file a command is about to write, given its inputs: an empty name,
 * one of the inputs, or something that exists and is not a regular file (it
 * would be replaced by the rename) is refused. An exit code (2, with a
 * message naming the command and the flag). In cli_analysis.c. */
int cli_check_output(const char *cmd, const char *flag, const char *out,
                     const char *const *inputs, int n_inputs);

/* ---- shared by the analysis commands (cli_analysis.c) ---- */

struct bs_results;

/* Open an output file for a command: NULL after printing the error (exit
 * code in *rc: 2 for a file that is not a readable brandsim file, 1 else). */
struct bs_results *cli_open_results(const char *path, int *rc);

/* The folder of the gnuplot templates: $BRANDSIM_GNUPLOT_DIR, else
 * analysis/gnuplot beside the executable's folder (build/brandsim ->
 * analysis/gnuplot), share/brandsim/gnuplot there, else the source tree the
 * binary was built from. Returns an exit code (1, with a message, if none). */
int cli_template_dir(char *dir, size_t n);

/* The brands named in "a,b,c" as flags[B] (1 = chosen). Returns an exit code
 * (2, with a message naming the unknown brand and the known ones). */
int cli_brand_flags(const struct bs_results *r, const char *cmd, const char *list, int *flags);

/* The variant named `name` of r, or -1 with a message (exit 2). */
int cli_variant(const struct bs_results *r, const char *cmd, const char *name);

#endif
