/* SPDX-License-Identifier: MIT */
/*
 * test_docs.c: the documentation stays true to the code.
 *
 * - scenarios/README.md's generated reference (between "<!-- BEGIN GENERATED: brandsim
 *   schema -->" and "<!-- END GENERATED -->") is byte for byte `brandsim schema`;
 * - every scenario key of every section (bs_params) is in scenarios/README.md, as a
 *   reference row "| `key` |";
 * - every metric, market metric, quantile metric and grouping, segment and /brands column
 *   is named in docs/OUTPUT.md;
 * - every .yaml file in scenarios/ is mentioned in scenarios/README.md.
 * A failure says what to run or edit: scripts/gen-scenario-docs.sh regenerates the
 * reference and the list of scenario files.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "brandsim/brandsim.h"

#define README BS_SOURCE_DIR "/scenarios/README.md"
#define OUTPUT_DOC BS_SOURCE_DIR "/docs/OUTPUT.md"
#define SCHEMA_BEGIN "<!-- BEGIN GENERATED: brandsim schema -->\n"
#define GENERATED_END "<!-- END GENERATED -->"
#define REGENERATE "run scripts/gen-scenario-docs.sh"

/* ---- helpers ---------------------------------------------------------------- */

/* Everything read from f, NUL terminated (caller frees); its length in *len. */
static char *slurp_stream(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap + 1);
    cr_assert_not_null(buf, "out of memory");
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            cr_assert_not_null(buf, "out of memory");
        }
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot read %s", path);
    char *s = slurp_stream(f, len);
    fclose(f);
    return s;
}

/* The standard output of `BS_BINARY schema`, which must succeed. */
static char *schema_output(size_t *len)
{
    FILE *p = popen("'" BS_BINARY "' schema", "r");
    cr_assert_not_null(p, "cannot run %s schema", BS_BINARY);
    char *s = slurp_stream(p, len);
    int status = pclose(p);
    cr_assert(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "%s schema failed (status %d)", BS_BINARY, status);
    return s;
}

/* Does `text` contain `word` between backticks? */
static int mentions(const char *text, const char *word)
{
    char quoted[256];
    snprintf(quoted, sizeof quoted, "`%s`", word);
    return strstr(text, quoted) != NULL;
}

/* 1-based line number of position `at` in text. */
static int line_at(const char *text, const char *at)
{
    int line = 1;
    for (const char *c = text; c < at; c++)
        line += *c == '\n';
    return line;
}

/* The line starting at s, without its newline, into buf. */
static const char *line_copy(char *buf, size_t n, const char *s)
{
    size_t len = strcspn(s, "\n");
    snprintf(buf, n, "%.*s", (int)(len < n ? len : n - 1), s);
    return buf;
}

/* ---- (a) the generated reference is `brandsim schema` ----------------------------- */

Test(docs, readme_reference_is_current_schema_output)
{
    size_t readme_len, schema_len;
    char *readme = slurp(README, &readme_len);
    char *schema = schema_output(&schema_len);
    cr_assert_gt(schema_len, 0, "%s schema printed nothing", BS_BINARY);

    const char *begin = strstr(readme, SCHEMA_BEGIN);
    cr_assert(begin && (begin == readme || begin[-1] == '\n'),
              "scenarios/README.md has no line '%.*s': add it, with a line '%s' after it, "
              "then %s",
              (int)strlen(SCHEMA_BEGIN) - 1, SCHEMA_BEGIN, GENERATED_END, REGENERATE);
    const char *body = begin + strlen(SCHEMA_BEGIN);
    const char *end = body;
    while ((end = strstr(end, GENERATED_END)) && end != body && end[-1] != '\n')
        end++;
    cr_assert_not_null(end, "scenarios/README.md: no line '%s' after '%.*s'; %s", GENERATED_END,
                       (int)strlen(SCHEMA_BEGIN) - 1, SCHEMA_BEGIN, REGENERATE);

    size_t body_len = (size_t)(end - body), i = 0;
    while (i < body_len && i < schema_len && body[i] == schema[i])
        i++;
    if (i != body_len || i != schema_len) {
        /* point at the first line that differs */
        size_t start = i;
        while (start > 0 && schema[start - 1] != '\n')
            start--;
        char want[160], got[160];
        cr_assert_fail("scenarios/README.md line %d: the generated reference differs from "
                       "`brandsim schema`; %s (with the freshly built binary)\n"
                       "  README: %s\n  schema: %s",
                       line_at(readme, body + start), REGENERATE,
                       start < body_len ? line_copy(got, sizeof got, body + start) : "(end of section)",
                       start < schema_len ? line_copy(want, sizeof want, schema + start)
                                          : "(end of output)");
    }
    free(schema);
    free(readme);
}

/* ---- (b) every scenario key is documented ---------------------------------------- */

Test(docs, readme_documents_every_scenario_key)
{
    char *readme = slurp(README, NULL);
    int total = 0;
    for (int s = 0; s < BS_SECTION_COUNT; s++) {
        int n = 0;
        const bs_param *p = bs_params((bs_section)s, &n);
        cr_assert(n > 0 && p, "section %d ('%s') has no parameters", s,
                  bs_section_key((bs_section)s));
        for (int k = 0; k < n; k++) {
            char row[128];
            const char *where = s == BS_SECTION_TOP ? "the top level" : bs_section_key((bs_section)s);
            cr_assert(mentions(readme, p[k].key),
                      "scenarios/README.md does not mention `%s` (%s); %s", p[k].key, where,
                      REGENERATE);
            snprintf(row, sizeof row, "| `%s` |", p[k].key);
            cr_assert_not_null(strstr(readme, row),
                               "scenarios/README.md has no reference row '%s' (%s): is it in "
                               "the output of `brandsim schema`? then %s",
                               row, where, REGENERATE);
            total++;
        }
    }
    cr_assert_gt(total, 50, "only %d scenario keys: the parameter table looks truncated", total);
    free(readme);
}

/* ---- (c) docs/OUTPUT.md names every series, segment and /brands column ------------- */

Test(docs, output_doc_names_every_metric_and_segment)
{
    char *doc = slurp(OUTPUT_DOC, NULL);
    for (int m = 0; m < BS_M_COUNT; m++) {
        const bs_metric_info *mi = bs_metric_get((bs_metric)m);
        cr_assert_not_null(mi, "no metric %d", m);
        cr_assert(mentions(doc, mi->name),
                  "docs/OUTPUT.md does not describe the brand metric `%s` (%s, units %s): add "
                  "it to the table of brand metrics",
                  mi->name, mi->description, mi->units);
    }
    for (int k = 0; k < BS_MK_COUNT; k++) {
        const bs_metric_info *mi = bs_market_metric_get((bs_market_metric)k);
        cr_assert_not_null(mi, "no market metric %d", k);
        cr_assert(mentions(doc, mi->name),
                  "docs/OUTPUT.md does not describe the market metric `%s` (%s): add it to "
                  "the table of market metrics",
                  mi->name, mi->description);
    }
    for (int q = 0; q < BS_QM_COUNT; q++) {
        const bs_metric_info *mi = bs_quantile_metric_get((bs_quantile_metric)q);
        cr_assert_not_null(mi, "no quantile metric %d", q);
        char row[128];
        snprintf(row, sizeof row, "| `%s` | %s |", mi->name, mi->units);
        cr_assert(strstr(doc, row) && mentions(doc, mi->name),
                  "docs/OUTPUT.md does not describe the quantile metric `%s` (%s): add a row "
                  "'%s' to the table of quantile bins", mi->name, mi->description, row);
    }
    for (int g = 0; g < BS_QG_COUNT; g++) {
        char path[128];
        snprintf(path, sizeof path, "`/timeseries/quantile/%s`",
                 bs_quantile_grouping_name((bs_quantile_grouping)g));
        cr_assert_not_null(strstr(doc, path), "docs/OUTPUT.md does not describe %s", path);
    }
    for (int s = 0; s < BS_SEG_COUNT; s++) {
        const char *name = bs_segment_name((bs_segment)s);
        cr_assert_not_null(name, "no segment %d", s);
        cr_assert(mentions(doc, name),
                  "docs/OUTPUT.md does not describe the segment `%s`: add it to the table of "
                  "segments",
                  name);
    }
    int n = 0;
    const bs_param *p = bs_params(BS_SECTION_BRAND, &n);
    for (int k = 0; k < n; k++)
        if (p[k].type != BS_P_BRANDLIST)
            cr_assert(mentions(doc, p[k].key),
                      "docs/OUTPUT.md does not describe the /brands column `%s`: add it to the "
                      "/brands table",
                      p[k].key);
    free(doc);
}

/* ---- (d) every shipped scenario is listed ----------------------------------------- */

Test(docs, readme_mentions_every_scenario_file)
{
    char *readme = slurp(README, NULL);
    DIR *d = opendir(BS_SOURCE_DIR "/scenarios");
    cr_assert_not_null(d, "cannot list %s/scenarios", BS_SOURCE_DIR);
    int found = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        found++;
        cr_assert(mentions(readme, e->d_name),
                  "scenarios/%s is not mentioned in scenarios/README.md (as `%s`): %s to "
                  "list it, and describe it under \"Shipped scenarios\"",
                  e->d_name, e->d_name, REGENERATE);
    }
    closedir(d);
    cr_assert_gt(found, 0, "no scenarios/*.yaml found in %s", BS_SOURCE_DIR);
    free(readme);
}
