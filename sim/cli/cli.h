/*
 * cli.h: the subcommands of `brandsim` and what they share: loading a
 * scenario with command-line overrides, and printing errors git style.
 */
#ifndef BS_CLI_H
#define BS_CLI_H

#include "brandsim/brandsim.h"
#include "io/scenario_io.h"

enum { BS_EXIT_OK = 0, BS_EXIT_RUNTIME = 1, BS_EXIT_INPUT = 2 };

int cli_run(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_schema(int argc, char **argv);
int cli_bench(int argc, char **argv);
int cli_replicate(int argc, char **argv);

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

#endif
