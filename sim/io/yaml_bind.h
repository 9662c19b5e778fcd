/* SPDX-License-Identifier: MIT */
/*
 * yaml_bind.h: binding YAML (libyaml's document API) to C structs through a
 * table of fields, private to brandsim: the one way its files are read (the
 * scenario in scenario_load.c and scenario_variants.c, the `replication:`
 * block in analysis/replication.c). A table row names a key and either where
 * its scalar goes in the struct (a bs_param: type, offset, range, enumeration
 * names, string size) or a handler that binds the value itself (a nested
 * mapping, a list, a reference to something else in the file); a row may be
 * required. Every message reads "FILE:LINE: 'key.path': what, expected what"
 * with status BS_ERR_INPUT. A line map keeps where each key path was written,
 * for messages about things found wrong only later (validation, a check
 * across fields).
 */
#ifndef BS_IO_YAML_BIND_H
#define BS_IO_YAML_BIND_H

#include <stddef.h>
#include <yaml.h>

#include "brandsim/error.h"
#include "brandsim/metrics.h"
#include "brandsim/run.h"
#include "brandsim/scenario.h"
#include "brandsim/version.h"

/* One document being bound: where messages go and where keys were written. */
typedef struct {
    char path[128];
    int line;
} bs_yaml_line;

typedef struct {
    const char *file;      /* stands for the file in messages */
    yaml_document_t *doc;
    bs_error *err;
    void *user;            /* what the caller's code refers to (a scenario's variants, ...) */
    bs_yaml_line *lines;   /* the line map, freed by bs_yaml_lines_free() */
    int n_lines, cap_lines;
} bs_yaml;

/* "FILE:LINE: " (no line if line <= 0, nothing if file is NULL) then the
 * message into err; status BS_ERR_INPUT, which it returns. */
bs_status bs_yaml_error(bs_error *err, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "out of memory reading 'FILE'", status BS_ERR_RUNTIME, which it returns. */
bs_status bs_yaml_out_of_memory(bs_error *err, const char *file);

/* The 1-based line where a node begins, and what it is ("a mapping", "a list",
 * "a single value") for messages. */
int bs_yaml_node_line(const yaml_node_t *n);
const char *bs_yaml_node_kind(const yaml_node_t *n);

/* The line map: remember that `path` was written at `line` (out of memory it
 * only costs that line in a later message), and look it up (0 if unknown; the
 * latest entry wins). */
void bs_yaml_remember(bs_yaml *y, const char *path, int line);
int bs_yaml_line_of(const bs_yaml *y, const char *path);
void bs_yaml_lines_free(bs_yaml *y);

/* What a parameter's value must be, for messages ("a number", "an integer",
 * "true or false", ...). */
const char *bs_yaml_type_name(const bs_param *p);

/* Convert text to parameter p's value in the struct at base (p->offset),
 * checking its form and range. On error writes the reason (no location) into
 * why and returns -1, leaving the field as it was; 0 on success.
 * BS_P_BRANDLIST is not a scalar: always an error. */
int bs_yaml_set_scalar(const bs_param *p, void *base, const char *text, char *why, size_t wn);

/* ---- the table-driven binder ------------------------------------------------------- */

typedef struct bs_yfield bs_yfield;

/* Binds one key's value: `value` its node, `path` its key path, `base` the
 * struct being bound, `f` its row. Returns BS_OK, or an error it wrote into
 * y->err (with bs_yaml_error(), at the line of the node at fault). */
typedef bs_status (*bs_yaml_handler)(bs_yaml *y, yaml_node_t *value, const char *path,
                                     void *base, const bs_yfield *f);

struct bs_yfield {
    bs_param p;               /* p.key: the key. A scalar: p.type, p.offset into the struct,
                                 p.min and p.max, p.names (BS_P_ENUM), p.size (BS_P_STRING) */
    bs_yaml_handler handler;  /* not NULL: binds the value itself; p's other fields are its own */
    int required;             /* absent: "'PATH': missing, expected EXPECT" */
    const char *expect;       /* what a required key holds, for that message */
    int later;                /* the handler runs after the mapping's other keys are bound
                                 and its required keys checked (in file order) */
};

/* Bind the mapping `map` (its key path `path`, "" at the top of the file) to
 * the struct at `base` through the n rows of `fields`. In file order each key
 * must be a plain name, one of the table's and given once (else an error at
 * the key: "unknown key, expected one of: KEYS", or "expected " `keys` if not
 * NULL; "duplicate key"); its line is remembered under its key path; a scalar
 * row's value is converted and range-checked into the struct (errors at the
 * value); a handler is called. Then each required row not given is an error at
 * the mapping's line; then the handlers of `later` rows run. Keys absent keep
 * what the struct held (the caller's defaults). given (n flags, may be NULL)
 * says which rows were given. Stops at the first error. */
bs_status bs_yaml_bind(bs_yaml *y, yaml_node_t *map, const char *path, const bs_yfield *fields,
                       int n, const char *keys, void *base, unsigned char *given);

/* One value as a scalar row binds it: converted and range-checked into the
 * struct at base, or an error at the node naming `path`. */
bs_status bs_yaml_bind_scalar(bs_yaml *y, yaml_node_t *v, const char *path, const bs_param *p,
                              void *base);

/* The value of `key` in the mapping `map`, or NULL if absent (or map is not a
 * mapping). */
yaml_node_t *bs_yaml_get(const bs_yaml *y, yaml_node_t *map, const char *key);

/* The text of a scalar node, or NULL if n is NULL or not a scalar. */
const char *bs_yaml_scalar(const yaml_node_t *n);

#endif
