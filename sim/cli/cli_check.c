/* SPDX-License-Identifier: MIT */
/*
 * cli_check.c: `brandsim check` (validate a scenario, optionally print it
 * resolved) and `brandsim schema` (the field reference), plus the helpers
 * every subcommand shares: loading with overrides, and error printing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brandsim/replication.h"
#include "cli/cli.h"
#include "io/scenario_io.h"
#include "brandsim/scenario.h"

int cli_fail(const bs_error *err)
{
    fprintf(stderr, "brandsim: %s\n", err->msg);
    return err->status == BS_ERR_INPUT ? BS_EXIT_INPUT : BS_EXIT_RUNTIME;
}

int cli_flush_stdout(void)
{
    int e = fflush(stdout) ? errno : 0;
    if (!e && !ferror(stdout)) return BS_EXIT_OK;
    fprintf(stderr, "brandsim: cannot write to standard output: %s\n",
            e ? strerror(e) : "write error");
    return BS_EXIT_RUNTIME;
}

int cli_load_scenario(const char *path, const cli_overrides *ov, bs_scenario *sc)
{
    bs_variants vars;
    int rc = cli_load_variants(path, ov, sc, &vars);
    bs_variants_free(&vars);
    return rc;
}

int cli_load_variants(const char *path, const cli_overrides *ov, bs_scenario *sc,
                      bs_variants *vars)
{
    bs_overrides o = {ov->items, ov->flags, ov->n};
    bs_error err = {0};
    if (bs_scenario_load_overridden(path, &o, sc, vars, &err)) return cli_fail(&err);
    return BS_EXIT_OK;
}

static void check_usage(FILE *out)
{
    fputs("usage: brandsim check SCENARIO.yaml [--print] [--set key.path=value]...\n"
          "\n"
          "Validate a scenario without running it: unknown keys, wrong types, values out of\n"
          "range, references to brands that do not exist, shocks after the last step.\n"
          "\n"
          "  --print               print the resolved scenario (every default filled in)\n"
          "  --set key.path=value  override a field, e.g. model.revenge_decay=0.1,\n"
          "                        brands[acme].quality=0.9, shocks[0].step=30\n"
          "  -h, --help            this help\n"
          "\n"
          "exit codes: 0 valid, 2 invalid (the message names file, line and key), 1 other\n",
          out);
}

int cli_check(int argc, char **argv)
{
    static const struct option opts[] = {{"print", no_argument, 0, 'p'},
                                         {"set", required_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int print = 0, c;
    cli_overrides ov = {.n = 0};
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "hps:", opts, NULL)) != -1) {
        switch (c) {
        case 'p': print = 1; break;
        case 's':
            if (ov.n == 256) { fputs("brandsim: check: too many --set\n", stderr); return BS_EXIT_INPUT; }
            ov.items[ov.n++] = optarg;
            break;
        case 'h': check_usage(stdout); return BS_EXIT_OK;
        default:
            fprintf(stderr, "brandsim: check: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            check_usage(stderr);
            return BS_EXIT_INPUT;
        }
    }
    if (optind != argc - 1) {
        fputs("brandsim: check: expected one scenario file\n", stderr);
        check_usage(stderr);
        return BS_EXIT_INPUT;
    }
    bs_scenario *sc = malloc(sizeof *sc);
    if (!sc) { fputs("brandsim: out of memory\n", stderr); return BS_EXIT_RUNTIME; }
    bs_variants vars;
    int rc = cli_load_variants(argv[optind], &ov, sc, &vars);
    int has_replication = 0;
    if (rc == BS_EXIT_OK) { /* a finding's experiment: its block must be right too */
        bs_replication *rep = malloc(sizeof *rep);
        bs_error err = {0};
        if (!rep) rc = BS_EXIT_RUNTIME;
        else if (bs_replication_load_optional(argv[optind], sc, &vars, rep, &has_replication, &err))
            rc = cli_fail(&err);
        free(rep);
        if (rc) bs_variants_free(&vars);
    }
    if (rc == BS_EXIT_OK) {
        if (print) bs_scenario_write_yaml(stdout, sc);
        else {
            printf("%s: ok: scenario '%s', %lld consumers, %d steps, %d brands, %d shocks",
                   argv[optind], sc->name, (long long)sc->consumers, sc->steps, sc->n_brands,
                   sc->n_shocks);
            if (vars.n > 0) printf(", %d variants", vars.n);
            if (sc->replicates > 1) printf(", %d replicates", sc->replicates);
            if (has_replication) printf(", a replication experiment");
            putchar('\n');
        }
        rc = cli_flush_stdout();
        bs_variants_free(&vars);
    }
    free(sc);
    return rc;
}

int cli_schema(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        puts("usage: brandsim schema\n\nPrint the reference of every scenario field (key, type,\n"
             "default, range, unit, meaning) as Markdown: scenarios/README.md includes it.");
        return BS_EXIT_OK;
    }
    if (argc > 1) {
        fprintf(stderr, "brandsim: schema: unexpected argument '%s'\n", argv[1]);
        return BS_EXIT_INPUT;
    }
    if (bs_scenario_write_reference(stdout)) {
        cli_flush_stdout();
        return BS_EXIT_RUNTIME;
    }
    return cli_flush_stdout();
}
