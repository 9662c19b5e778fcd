/*
 * yaml_bind.h: binding YAML (libyaml's document API) to C structs, private to
 * brandsim. Messages read "FILE:LINE: 'key.path': what, expected what" with
 * status BS_ERR_INPUT. Scalars are converted by the parameter table's types
 * (bs_param: type, range, enumeration names, string size); a line map keeps
 * where each key path was written, for messages about things found wrong only
 * later (validation). Used by the scenario files (scenario_load.c,
 * scenario_variants.c, scenario_set.c).
 */
#ifndef BS_IO_YAML_BIND_H
#define BS_IO_YAML_BIND_H

#include <stddef.h>
#include <yaml.h>

#include "brandsim/brandsim.h"

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

#endif
