/* SPDX-License-Identifier: MIT */
/*
 * yaml_bind.c: the binder of yaml_bind.h: located messages, the line map,
 * scalars converted and range-checked by the parameter table's types, and the
 * walk of a mapping through a table of fields.
 */
#include "io/yaml_bind.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- messages -------------------------------------------------------------------- */

bs_status bs_yaml_error(bs_error *err, const char *file, int line, const char *fmt, ...)
{
    char why[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return bs_error_setf_at(err, BS_ERR_INPUT, file, line, "%s", why);
}

bs_status bs_yaml_out_of_memory(bs_error *err, const char *file)
{
    return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory reading '%s'", file);
}

int bs_yaml_node_line(const yaml_node_t *n)
{
    return (int)n->start_mark.line + 1;
}

const char *bs_yaml_node_kind(const yaml_node_t *n)
{
    return n->type == YAML_MAPPING_NODE    ? "a mapping"
           : n->type == YAML_SEQUENCE_NODE ? "a list"
                                           : "a single value";
}

/* ---- the line map ------------------------------------------------------------------ */

void bs_yaml_remember(bs_yaml *y, const char *path, int line)
{
    if (y->n_lines == y->cap_lines) {
        int cap = y->cap_lines ? 2 * y->cap_lines : 64;
        bs_yaml_line *p = realloc(y->lines, (size_t)cap * sizeof *p);
        if (!p) return; /* only costs the line number in a later message */
        y->lines = p;
        y->cap_lines = cap;
    }
    snprintf(y->lines[y->n_lines].path, sizeof y->lines[0].path, "%s", path);
    y->lines[y->n_lines++].line = line;
}

int bs_yaml_line_of(const bs_yaml *y, const char *path)
{
    for (int k = y->n_lines - 1; k >= 0; k--)
        if (strcmp(y->lines[k].path, path) == 0) return y->lines[k].line;
    return 0;
}

void bs_yaml_lines_free(bs_yaml *y)
{
    free(y->lines);
    y->lines = NULL;
    y->n_lines = y->cap_lines = 0;
}

/* ---- scalars ------------------------------------------------------------------------- */

const char *bs_yaml_type_name(const bs_param *p)
{
    switch (p->type) {
    case BS_P_REAL: return "a number";
    case BS_P_INT:
    case BS_P_I64:
    case BS_P_U64: return "an integer";
    case BS_P_BOOL: return "true or false";
    case BS_P_ENUM: return "one of the names";
    case BS_P_STRING: return "a string";
    case BS_P_BRANDLIST: return "a list of brand names";
    }
    return "a value";
}

/* "TEXT is out of range [MIN, MAX]" for an integer parameter (a uint64 maximum
 * printed as a double would read 2^64). */
static void range_message(const bs_param *p, const char *text, char *why, size_t wn)
{
    if (p->type == BS_P_U64 && p->max >= 18446744073709551615.0)
        snprintf(why, wn, "%s is out of range [%.0f, %llu]", text, p->min,
                 (unsigned long long)UINT64_MAX);
    else
        snprintf(why, wn, "%s is out of range [%.0f, %.0f]", text, p->min, p->max);
}

/* Whether text is a plain decimal number, as YAML writes one: an optional sign,
 * digits, and (if `real`) an optional fraction and exponent. No spaces, no hex
 * or other C forms (strtod and strtoll accept " 5", "0x10", "inf"), so that
 * every number field accepts the same forms. */
static int is_decimal(const char *t, int real)
{
    if (*t == '-' || *t == '+') t++;
    int digits = 0;
    while (*t >= '0' && *t <= '9') t++, digits++;
    if (real && *t == '.')
        for (t++; *t >= '0' && *t <= '9'; t++) digits++;
    if (!digits) return 0;
    if (real && (*t == 'e' || *t == 'E')) {
        t++;
        if (*t == '-' || *t == '+') t++;
        if (!(*t >= '0' && *t <= '9')) return 0;
        while (*t >= '0' && *t <= '9') t++;
    }
    return *t == '\0';
}

int bs_yaml_set_scalar(const bs_param *p, void *base, const char *text, char *why, size_t wn)
{
    char *end;
    char *at = (char *)base + p->offset;
    errno = 0;
    switch (p->type) {
    case BS_P_REAL: {
        if (!is_decimal(text, 1)) break;
        double v = strtod(text, &end);
        if (errno == ERANGE && fabs(v) > 1) { /* 1e400; 1e-400 underflows to 0, a value */
            if (isinf(p->min) && isinf(p->max))
                snprintf(why, wn, "%s is too large, expected a finite number", text);
            else
                snprintf(why, wn, "%s is out of range [%g, %g]", text, p->min, p->max);
            return -1;
        }
        if (end == text || *end || !isfinite(v)) break;
        if (v < p->min || v > p->max) {
            snprintf(why, wn, "%s is out of range [%g, %g]", text, p->min, p->max);
            return -1;
        }
        *(double *)at = v;
        return 0;
    }
    case BS_P_INT:
    case BS_P_I64:
    case BS_P_U64: {
        /* strtoull would take " -1" as 2^64 - 1: digits only, with an optional sign */
        if (!is_decimal(text, 0)) break;
        if (text[0] == '-' && p->min >= 0) {
            range_message(p, text, why, wn);
            return -1;
        }
        unsigned long long u = 0;
        long long v = 0;
        if (p->type == BS_P_U64) u = strtoull(text, &end, 10);
        else v = strtoll(text, &end, 10);
        if (end != text && !*end && errno == ERANGE) { /* more digits than 64 bits hold */
            range_message(p, text, why, wn);
            return -1;
        }
        if (end == text || *end || errno) break;
        double d = p->type == BS_P_U64 ? (double)u : (double)v;
        if (d < p->min || d > p->max) {
            range_message(p, text, why, wn);
            return -1;
        }
        if (p->type == BS_P_U64) *(uint64_t *)at = u;
        else if (p->type == BS_P_I64) *(int64_t *)at = v;
        else *(int *)at = (int)v;
        return 0;
    }
    case BS_P_BOOL:
        if (!strcasecmp(text, "true") || !strcasecmp(text, "yes") || !strcmp(text, "1")) {
            *(int *)at = 1;
            return 0;
        }
        if (!strcasecmp(text, "false") || !strcasecmp(text, "no") || !strcmp(text, "0")) {
            *(int *)at = 0;
            return 0;
        }
        break;
    case BS_P_ENUM:
        for (int k = 0; p->names[k]; k++)
            if (strcmp(text, p->names[k]) == 0) {
                *(int *)at = k;
                return 0;
            }
        {
            int n = snprintf(why, wn, "'%s' is not a known value, expected one of:", text);
            for (int k = 0; p->names[k] && n > 0 && (size_t)n < wn; k++)
                n += snprintf(why + n, wn - (size_t)n, " %s", p->names[k]);
        }
        return -1;
    case BS_P_STRING:
        if (strlen(text) >= p->size) {
            snprintf(why, wn, "'%.20s...' is too long, expected at most %zu characters", text,
                     p->size - 1);
            return -1;
        }
        memset(at, 0, p->size); /* no tail of an earlier, longer value stays behind */
        snprintf(at, p->size, "%s", text);
        return 0;
    case BS_P_BRANDLIST: break;
    }
    if (p->type == BS_P_REAL && isinf(p->min) && isinf(p->max)) /* any number */
        snprintf(why, wn, "'%s' is not a number, expected a decimal number", text);
    else if (p->type == BS_P_REAL)
        snprintf(why, wn, "'%s' is not a number, expected a decimal number in [%g, %g]", text,
                 p->min, p->max);
    else if (p->type == BS_P_U64 && p->max >= 18446744073709551615.0)
        snprintf(why, wn, "'%s' is not an integer, expected whole digits in [%.0f, %llu]", text,
                 p->min, (unsigned long long)UINT64_MAX);
    else if (p->type == BS_P_INT || p->type == BS_P_I64 || p->type == BS_P_U64)
        snprintf(why, wn, "'%s' is not an integer, expected whole digits in [%.0f, %.0f]", text,
                 p->min, p->max);
    else
        snprintf(why, wn, "'%s' is not %s", text, bs_yaml_type_name(p));
    return -1;
}


/* ---- the table-driven binder ------------------------------------------------------- */

yaml_node_t *bs_yaml_get(const bs_yaml *y, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        const char *k = bs_yaml_scalar(yaml_document_get_node(y->doc, pr->key));
        if (k && !strcmp(k, key)) return yaml_document_get_node(y->doc, pr->value);
    }
    return NULL;
}

const char *bs_yaml_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* "PATH.KEY", or "KEY" at the top of the file. */
static void child_path(char *out, size_t size, const char *path, const char *key)
{
    snprintf(out, size, "%s%s%s", path, path[0] ? "." : "", key);
}

/* "'PATH.KEY': unknown key, expected ..." at the key. */
static bs_status unknown_key(bs_yaml *y, const yaml_node_t *k, const char *child,
                             const bs_yfield *fields, int n, const char *keys)
{
    if (keys)
        return bs_yaml_error(y->err, y->file, bs_yaml_node_line(k),
                             "'%s': unknown key, expected %s", child, keys);
    char list[400] = "";
    for (int i = 0, m = 0; i < n && m >= 0 && (size_t)m < sizeof list; i++)
        m += snprintf(list + m, sizeof list - (size_t)m, "%s%s", i ? ", " : "", fields[i].p.key);
    return bs_yaml_error(y->err, y->file, bs_yaml_node_line(k),
                         "'%s': unknown key, expected one of: %s", child, list);
}

/* What a value of p must be, with its range, size or names, for a message about a value
   that is not a scalar. */
static void expected_value(const bs_param *p, char *out, size_t size)
{
    switch (p->type) {
    case BS_P_REAL:
        if (isinf(p->min) && isinf(p->max)) snprintf(out, size, "a number");
        else snprintf(out, size, "a number in [%g, %g]", p->min, p->max);
        return;
    case BS_P_INT:
    case BS_P_I64:
    case BS_P_U64:
        if (p->type == BS_P_U64 && p->max >= 18446744073709551615.0)
            snprintf(out, size, "an integer in [%.0f, %llu]", p->min,
                     (unsigned long long)UINT64_MAX);
        else
            snprintf(out, size, "an integer in [%.0f, %.0f]", p->min, p->max);
        return;
    case BS_P_STRING:
        snprintf(out, size, "a string of at most %zu characters", p->size - 1);
        return;
    case BS_P_ENUM: {
        int m = snprintf(out, size, "one of:");
        for (int k = 0; p->names[k] && m >= 0 && (size_t)m < size; k++)
            m += snprintf(out + m, size - (size_t)m, " %s", p->names[k]);
        return;
    }
    case BS_P_BOOL:
    case BS_P_BRANDLIST: break;
    }
    snprintf(out, size, "%s", bs_yaml_type_name(p));
}

bs_status bs_yaml_bind_scalar(bs_yaml *y, yaml_node_t *v, const char *path, const bs_param *p,
                              void *base)
{
    if (v->type != YAML_SCALAR_NODE) {
        char expected[256];
        expected_value(p, expected, sizeof expected);
        return bs_yaml_error(y->err, y->file, bs_yaml_node_line(v), "'%s': %s, expected %s",
                             path, bs_yaml_node_kind(v), expected);
    }
    char why[256];
    if (bs_yaml_set_scalar(p, base, (const char *)v->data.scalar.value, why, sizeof why))
        return bs_yaml_error(y->err, y->file, bs_yaml_node_line(v), "'%s': %s", path, why);
    return BS_OK;
}

bs_status bs_yaml_bind(bs_yaml *y, yaml_node_t *map, const char *path, const bs_yfield *fields,
                       int n, const char *keys, void *base, unsigned char *given)
{
    if (map->type != YAML_MAPPING_NODE) {
        if (path[0])
            return bs_yaml_error(y->err, y->file, bs_yaml_node_line(map),
                                 "'%s': %s, expected a mapping of keys", path,
                                 bs_yaml_node_kind(map));
        return bs_yaml_error(y->err, y->file, bs_yaml_node_line(map),
                             "%s, expected a mapping of keys", bs_yaml_node_kind(map));
    }
    unsigned char *seen = given ? given : calloc(n ? (size_t)n : 1, 1);
    if (!seen) return bs_yaml_out_of_memory(y->err, y->file);
    memset(seen, 0, (size_t)n);
    char child[128];
    bs_status st = BS_OK;
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
         st == BS_OK && pr < map->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(y->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(y->doc, pr->value);
        if (k->type != YAML_SCALAR_NODE) {
            if (path[0])
                st = bs_yaml_error(y->err, y->file, bs_yaml_node_line(k),
                                   "'%s': %s as a key, expected a plain name", path,
                                   bs_yaml_node_kind(k));
            else
                st = bs_yaml_error(y->err, y->file, bs_yaml_node_line(k),
                                   "%s as a key, expected a plain name", bs_yaml_node_kind(k));
            break;
        }
        const char *key = (const char *)k->data.scalar.value;
        child_path(child, sizeof child, path, key);
        int i = 0;
        while (i < n && strcmp(fields[i].p.key, key)) i++;
        if (i == n) {
            st = unknown_key(y, k, child, fields, n, keys);
            break;
        }
        if (seen[i]) {
            st = bs_yaml_error(y->err, y->file, bs_yaml_node_line(k),
                               "'%s': duplicate key, expected each key once", child);
            break;
        }
        seen[i] = 1;
        bs_yaml_remember(y, child, bs_yaml_node_line(k));
        if (!fields[i].handler) st = bs_yaml_bind_scalar(y, v, child, &fields[i].p, base);
        else if (!fields[i].later) st = fields[i].handler(y, v, child, base, &fields[i]);
    }
    for (int i = 0; st == BS_OK && i < n; i++)
        if (fields[i].required && !seen[i]) {
            child_path(child, sizeof child, path, fields[i].p.key);
            st = bs_yaml_error(y->err, y->file, bs_yaml_node_line(map),
                               "'%s': missing, expected %s", child, fields[i].expect);
        }
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
         st == BS_OK && pr < map->data.mapping.pairs.top; pr++) {
        const char *key = bs_yaml_scalar(yaml_document_get_node(y->doc, pr->key));
        int i = 0;
        while (i < n && strcmp(fields[i].p.key, key)) i++;
        if (!fields[i].handler || !fields[i].later) continue;
        child_path(child, sizeof child, path, key);
        st = fields[i].handler(y, yaml_document_get_node(y->doc, pr->value), child, base,
                               &fields[i]);
    }
    if (!given) free(seen);
    return st;
}
