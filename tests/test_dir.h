/* SPDX-License-Identifier: MIT */
/*
 * test_dir.h: a test's working directory and reading files, for the tests
 * that run the brandsim command and look at what it wrote (test_cli.c,
 * test_analysis.c). Header-only (static functions), like market_fixture.h.
 * Each suite creates `dir` in its setup and removes it in its teardown.
 */
#ifndef BS_TEST_DIR_H
#define BS_TEST_DIR_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

static char dir[128]; /* this test's working directory */

/* A path inside the test's directory (four calls may be in use at once). */
static const char *in_dir(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* Everything read from f, NUL terminated (caller frees), its length in *len
 * if len is not NULL. */
static char *slurp_stream(FILE *f, size_t *len)
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
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = slurp_stream(f, len);
    fclose(f);
    return buf;
}

#endif
