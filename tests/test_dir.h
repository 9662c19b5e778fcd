/* SPDX-License-Identifier: MIT */
/*
 * test_dir.h: a test's working directory, running the brandsim command in it
 * (sh) and reading files, for the tests that look at what the command wrote
 * (test_cli.c, test_analysis.c, test_export.c, test_sweep.c). Header-only
 * (static functions), like market_fixture.h. Each suite creates `dir` in its
 * setup (test_dir_make) and removes it in its teardown (test_dir_remove).
 */
#ifndef BS_TEST_DIR_H
#define BS_TEST_DIR_H

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

static char dir[128]; /* this test's working directory */

/* A path inside the test's directory (four calls may be in use at once). */
static inline const char *in_dir(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* Everything read from f, NUL terminated (caller frees), its length in *len
 * if len is not NULL. */
static inline char *slurp_stream(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap + 1);
    cr_assert_not_null(buf);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            cr_assert_not_null(buf);
        }
    }
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

/* Everything in a file, as slurp_stream; NULL if it cannot be read. */
static inline char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = slurp_stream(f, len);
    fclose(f);
    return buf;
}

/* Create `dir` from a mkdtemp template ("/tmp/bs_sweep_XXXXXX"): a suite's setup. */
static inline void test_dir_make(const char *template)
{
    snprintf(dir, sizeof dir, "%s", template);
    cr_assert_not_null(mkdtemp(dir), "cannot create a temporary directory");
}

/* Remove `dir` and everything in it: a suite's teardown. */
static inline void test_dir_remove(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        cr_log_warn("cannot remove %s", dir);
}

/* Run `sh -c` in `dir`: stdout to out.txt, stderr to err.txt. Returns the exit code. */
static inline int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int sh(const char *fmt, ...)
{
    char args[2048], cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "cd '%s' && %s >out.txt 2>err.txt", dir, args);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

#endif
