/* SPDX-License-Identifier: MIT */
/*
 * cli_analysis.c: what the analysis commands (plot, compare, export, info,
 * report) share: opening an output file with a git-style error, finding the
 * gnuplot templates, and resolving --brands and --variant.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "brandsim/results.h"
#include "cli/cli.h"

bs_results *cli_open_results(const char *path, int *rc)
{
    bs_error err = {0};
    bs_results *r = bs_results_open(path, &err);
    if (!r)
        *rc = cli_fail(&err);
    return r;
}

static int has_style(const char *dir)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/style.gp", dir);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int cli_template_dir(char *dir, size_t n)
{
    const char *env = getenv("BRANDSIM_GNUPLOT_DIR");
    if (env && *env) {
        snprintf(dir, n, "%s", env);
        if (has_style(dir))
            return BS_EXIT_OK;
        fprintf(stderr, "brandsim: BRANDSIM_GNUPLOT_DIR: '%s' has no style.gp, expected the "
                        "folder analysis/gnuplot of the brandsim sources\n", env);
        return BS_EXIT_INPUT;
    }
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            static const char *const rel[] = {"../analysis/gnuplot", "analysis/gnuplot",
                                              "../share/brandsim/gnuplot"};
            for (size_t k = 0; k < sizeof rel / sizeof *rel; k++) {
                snprintf(dir, n, "%s/%s", exe, rel[k]);
                if (has_style(dir))
                    return BS_EXIT_OK;
            }
        }
    }
#ifdef BS_SOURCE_DIR
    snprintf(dir, n, "%s/analysis/gnuplot", BS_SOURCE_DIR);
    if (has_style(dir))
        return BS_EXIT_OK;
#endif
    fputs("brandsim: cannot find the gnuplot templates (analysis/gnuplot/style.gp); set "
          "BRANDSIM_GNUPLOT_DIR to that folder of the brandsim sources\n", stderr);
    return BS_EXIT_RUNTIME;
}

int cli_brand_flags(const bs_results *r, const char *cmd, const char *list, int *flags)
{
    int B = bs_results_brands(r);
    char *copy = strdup(list);
    if (!copy) {
        fputs("brandsim: out of memory\n", stderr);
        return BS_EXIT_RUNTIME;
    }
    for (int b = 0; b < B; b++)
        flags[b] = 0;
    int n = 0, rc = BS_EXIT_OK;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok && !rc;
         tok = strtok_r(NULL, ",", &save)) {
        int b = bs_results_brand_index(r, tok);
        if (b < 0) {
            fprintf(stderr, "brandsim: %s: --brands: '%s' is not a brand of %s, expected one of:",
                    cmd, tok, bs_results_path(r));
            for (int k = 0; k < B; k++)
                fprintf(stderr, "%s %s", k ? "," : "", bs_results_brand_name(r, k));
            fputc('\n', stderr);
            rc = BS_EXIT_INPUT;
        } else {
            flags[b] = 1;
            n++;
        }
    }
    free(copy);
    if (!rc && n == 0) {
        fprintf(stderr, "brandsim: %s: --brands: '%s' names no brand\n", cmd, list);
        rc = BS_EXIT_INPUT;
    }
    return rc;
}

int cli_check_output(const char *cmd, const char *flag, const char *out,
                     const char *const *inputs, int n_inputs)
{
    struct stat o, in;
    if (!*out) {
        fprintf(stderr, "brandsim: %s: %s: empty path, expected a file name\n", cmd, flag);
        return BS_EXIT_INPUT;
    }
    if (stat(out, &o) != 0) return BS_EXIT_OK; /* a new file */
    for (int k = 0; k < n_inputs; k++)
        if (stat(inputs[k], &in) == 0 && in.st_dev == o.st_dev && in.st_ino == o.st_ino) {
            fprintf(stderr, "brandsim: %s: %s '%s': it is an input file, expected another "
                            "file name\n", cmd, flag, out);
            return BS_EXIT_INPUT;
        }
    if (!S_ISREG(o.st_mode)) {
        fprintf(stderr, "brandsim: %s: %s '%s': it exists and is not a regular file, expected "
                        "a file name\n", cmd, flag, out);
        return BS_EXIT_INPUT;
    }
    return BS_EXIT_OK;
}

int cli_variant(const bs_results *r, const char *cmd, const char *name)
{
    int v = bs_results_variant_index(r, name);
    if (v >= 0)
        return v;
    fprintf(stderr, "brandsim: %s: --variant: '%s' is not a variant of %s, expected one of:",
            cmd, name, bs_results_path(r));
    for (int k = 0; k < bs_results_variants(r); k++)
        fprintf(stderr, "%s %s", k ? "," : "", bs_results_variant_name(r, k));
    fputc('\n', stderr);
    return -1;
}
