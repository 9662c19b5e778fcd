/* SPDX-License-Identifier: MIT */
/*
 * scenario_write.c: writing scenarios out, from the parameter table: the
 * resolved scenario as YAML that loads back to the same scenario (check
 * --print, the scenario stored in every output file) and the field reference
 * as Markdown tables (`brandsim schema`, scenarios/README.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/scenario_io.h"

/* A YAML double-quoted string: quotes, backslashes and control characters
 * escaped, so any description reads back byte for byte. */
static void write_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') fprintf(out, "\\%c", *c);
        else if (*c == '\n') fputs("\\n", out);
        else if (*c == '\t') fputs("\\t", out);
        else if (*c < 0x20 || *c == 0x7f) fprintf(out, "\\x%02x", *c);
        else fputc(*c, out);
    }
    fputc('"', out);
}

/* x with as few digits as read back to the same double (0.4, not 0.40000000000000002). */
static void write_real(FILE *out, double x)
{
    char buf[40];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, x);
        if (strtod(buf, NULL) == x) break;
    }
    fputs(buf, out);
}

static void write_value(FILE *out, const bs_param *p, const void *base)
{
    const char *at = (const char *)base + p->offset;
    switch (p->type) {
    case BS_P_REAL: write_real(out, *(const double *)at); break;
    case BS_P_INT: fprintf(out, "%d", *(const int *)at); break;
    case BS_P_I64: fprintf(out, "%lld", (long long)*(const int64_t *)at); break;
    case BS_P_U64: fprintf(out, "%llu", (unsigned long long)*(const uint64_t *)at); break;
    case BS_P_BOOL: fputs(*(const int *)at ? "true" : "false", out); break;
    case BS_P_ENUM: fputs(p->names[*(const int *)at], out); break;
    case BS_P_STRING: write_quoted(out, at); break;
    case BS_P_BRANDLIST: {
        const bs_shock *sh = (const bs_shock *)base;
        fputc('[', out);
        for (int j = 0; j < sh->n_brands; j++) {
            if (j) fputs(", ", out);
            write_quoted(out, sh->brand_names[j]);
        }
        fputc(']', out);
    } break;
    }
}

static void write_section(FILE *out, bs_section sec, const void *base, const char *indent,
                          const char *first_indent, uint64_t only)
{
    int n;
    const bs_param *p = bs_params(sec, &n);
    int first = 1;
    for (int k = 0; k < n; k++) {
        if (only && !(only & ((uint64_t)1 << k))) continue;
        if (p[k].type == BS_P_STRING && ((const char *)base + p[k].offset)[0] == '\0') continue;
        fprintf(out, "%s%s: ", first ? first_indent : indent, p[k].key);
        first = 0;
        write_value(out, &p[k], base);
        fputc('\n', out);
    }
}

int bs_scenario_write_yaml(FILE *out, const bs_scenario *sc)
{
    write_section(out, BS_SECTION_TOP, sc, "", "", 0);
    fputs("population:\n", out);
    write_section(out, BS_SECTION_POPULATION, &sc->population, "  ", "  ", 0);
    fputs("network:\n", out);
    write_section(out, BS_SECTION_NETWORK, &sc->network, "  ", "  ", 0);
    fputs("model:\n", out);
    write_section(out, BS_SECTION_MODEL, &sc->model, "  ", "  ", 0);
    fputs("economics:\n", out);
    write_section(out, BS_SECTION_ECONOMICS, &sc->economics, "  ", "  ", 0);
    fputs("brands:\n", out);
    for (int b = 0; b < sc->n_brands; b++)
        write_section(out, BS_SECTION_BRAND, &sc->brands[b], "    ", "  - ", 0);
    fputs(sc->n_shocks ? "shocks:\n" : "shocks: []\n", out);
    for (int s = 0; s < sc->n_shocks; s++) {
        write_section(out, BS_SECTION_SHOCK, &sc->shocks[s], "    ", "  - ", 0);
        if (sc->shocks[s].kind == BS_SHOCK_POLICY && sc->shocks[s].policy_set) {
            fputs("    policy:\n", out);
            write_section(out, BS_SECTION_BRAND, &sc->shocks[s].policy, "      ", "      ",
                          sc->shocks[s].policy_set);
        }
    }
    return ferror(out) ? -1 : 0;
}

char *bs_scenario_yaml_string(const bs_scenario *sc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    int bad = bs_scenario_write_yaml(f, sc);
    if (fclose(f) || bad) {
        free(buf);
        return NULL;
    }
    return buf;
}

int bs_scenario_write_reference(FILE *out)
{
    static const struct {
        bs_section sec;
        const char *title, *where;
    } parts[] = {
        {BS_SECTION_TOP, "Top level", "top level of the file"},
        {BS_SECTION_POPULATION, "population", "mapping `population:`"},
        {BS_SECTION_NETWORK, "network", "mapping `network:`"},
        {BS_SECTION_MODEL, "model", "mapping `model:` (coefficients of docs/MODEL.md)"},
        {BS_SECTION_BRAND, "brands[]", "each entry of the list `brands:`"},
        {BS_SECTION_SHOCK, "shocks[]", "each entry of the list `shocks:`"},
        {BS_SECTION_ECONOMICS, "economics",
         "mapping `economics:` (what a brand's response costs: accounting only, no consumer "
         "sees it; brands' `margin` is in `brands[]`)"},
    };
    for (size_t q = 0; q < sizeof parts / sizeof parts[0]; q++) {
        int n;
        const bs_param *p = bs_params(parts[q].sec, &n);
        fprintf(out, "### %s\n\nIn the %s.\n\n", parts[q].title, parts[q].where);
        fputs("| key | type | default | range | unit | meaning |\n|---|---|---|---|---|---|\n", out);
        for (int k = 0; k < n; k++) {
            fprintf(out, "| `%s` | ", p[k].key);
            switch (p[k].type) {
            case BS_P_REAL: fprintf(out, "number | %g | [%g, %g]", p[k].def, p[k].min, p[k].max); break;
            case BS_P_INT:
            case BS_P_I64:
                fprintf(out, "integer | %.0f | [%.0f, %.0f]", p[k].def, p[k].min, p[k].max);
                break;
            case BS_P_U64: /* the double max would print as 2^64 */
                fprintf(out, "integer | %.0f | [%.0f, %llu]", p[k].def, p[k].min,
                        (unsigned long long)UINT64_MAX);
                break;
            case BS_P_BOOL: fprintf(out, "boolean | %s | true, false", p[k].def ? "true" : "false"); break;
            case BS_P_ENUM:
                fprintf(out, "name | %s | ", p[k].names[(int)p[k].def]);
                for (int j = 0; p[k].names[j]; j++) fprintf(out, "%s%s", j ? ", " : "", p[k].names[j]);
                break;
            case BS_P_STRING:
                fprintf(out, "string | %s | up to %zu characters",
                        strcmp(p[k].key, "description") ? "(required)" : "\"\"", p[k].size - 1);
                break;
            case BS_P_BRANDLIST: fputs("list of brand names | (required) | brands of the scenario", out); break;
            }
            fprintf(out, " | %s | %s |\n", p[k].unit[0] ? p[k].unit : "-", p[k].desc);
        }
        if (parts[q].sec == BS_SECTION_SHOCK)
            fputs("| `policy` | mapping | (none) | any `brands[]` fields except `name` | - | "
                  "policy shock: the brand fields that change, and their new values |\n",
                  out);
        fputc('\n', out);
    }
    return ferror(out) ? -1 : 0;
}
