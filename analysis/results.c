/* SPDX-License-Identifier: MIT */
/*
 * results.c: the HDF5 reader behind every analysis command (see results.h).
 *
 * bs_results_open() reads everything small at once (root attributes, brand
 * names and exit policies, variants, seeds, events, the day axis) and keeps
 * the file open; time series are read on demand into the caller's buffer.
 * A single-run file is presented as one variant with one replicate, so the
 * commands above never ask which layout they read.
 *
 * HDF5 prints its error stack by default; every entry point here turns that
 * off for its duration (and restores the caller's handler), and the reason
 * of a failure is taken from the innermost entry of the stack instead.
 */
#define _POSIX_C_SOURCE 200809L
#include "brandsim/brandsim.h"
#include "brandsim/results.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "brandsim/stats.h"
#include "io/scenario_io.h"

enum { WHY_MAX = 200, PATH_LEN = 512 };

typedef struct {
    char name[BS_NAME_MAX];
    char *scenario, *overrides; /* owned; "" when absent */
    uint64_t *seeds;            /* R */
    bs_event *events;
    int n_events;
    int has_ensemble;           /* /variants/<v>/ensemble exists */
    /* exit policy of each brand (B) as this variant ran: at the start, and the first
     * one a policy shock set (change_step -1: none) */
    char (*exit_start)[BS_NAME_MAX], (*exit_then)[BS_NAME_MAX];
    int *exit_change_step;
} variant;

struct bs_results {
    char *path;
    hid_t file;
    int ensemble;
    char *scenario, *overrides, *scenario_name, *description;
    uint64_t seed;
    int64_t consumers;
    double step_days;
    int V, R, S, B;
    variant *var;
    char (*brand)[BS_NAME_MAX];
    char (*exit_policy)[BS_NAME_MAX]; /* /brands/exit_policy: the base scenario's */
    double *day;
    /* quantile groupings the file holds (0 bins: none), read from the first variant's
     * /timeseries/quantile/<grouping> (variants cannot differ in them) */
    int qbins[BS_QG_COUNT], qtrait;
    char qby[BS_QG_COUNT][BS_NAME_MAX];
    unsigned char has_market[BS_MK_COUNT]; /* the market datasets the file holds */
};

/* ---- errors and HDF5's error stack ----------------------------------------- */

/* HDF5's automatic error printing, switched off for one call of this module. */
typedef struct {
    H5E_auto2_t func;
    void *data;
} quiet;

static quiet quiet_begin(void)
{
    quiet q = {0};
    H5Eget_auto2(H5E_DEFAULT, &q.func, &q.data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return q;
}

static void quiet_end(quiet q)
{
    H5Eset_auto2(H5E_DEFAULT, q.func, q.data);
}

static herr_t innermost(unsigned n, const H5E_error2_t *e, void *buf)
{
    if (n == 0)
        snprintf(buf, WHY_MAX, "%s", e->desc && *e->desc ? e->desc : "HDF5 error");
    return 0;
}

/* The reason of the HDF5 call that just failed. */
static const char *h5_why(char *buf)
{
    snprintf(buf, WHY_MAX, "unknown HDF5 error");
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, buf);
    return buf;
}

/* "PATH: MESSAGE" into err; returns status. */
static bs_status fail(bs_error *err, bs_status status, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bs_status fail(bs_error *err, bs_status status, const char *path, const char *fmt, ...)
{
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return bs_error_setf(err, status, "%s: %s", path, msg);
}

/* ---- small readers (return -1 on failure, reason on HDF5's stack) ------------ */

static int link_exists(hid_t loc, const char *path)
{
    /* H5Lexists fails on a path whose intermediate groups are missing: walk it. */
    char buf[PATH_LEN];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + (buf[0] == '/'); ; p++) {
        char c = *p;
        if (c == '/' || c == '\0') {
            *p = '\0';
            if (H5Lexists(loc, buf, H5P_DEFAULT) <= 0)
                return 0;
            if (c == '\0')
                return 1;
            *p = c;
        }
    }
}

static int attr_exists(hid_t obj, const char *name)
{
    return H5Aexists(obj, name) > 0;
}

static int attr_read_num(hid_t obj, const char *name, hid_t mtype, void *out)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    int rc = a < 0 || H5Aread(a, mtype, out) < 0 ? -1 : 0;
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

/* A string attribute, variable or fixed length, as a malloc'ed string. */
static char *attr_read_str(hid_t obj, const char *name)
{
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t t = a < 0 ? H5I_INVALID_HID : H5Aget_type(a);
    char *s = NULL;
    if (t >= 0 && H5Tget_class(t) == H5T_STRING) {
        if (H5Tis_variable_str(t) > 0) {
            hid_t m = H5Tcopy(H5T_C_S1);
            char *v = NULL;
            if (m >= 0 && H5Tset_size(m, H5T_VARIABLE) >= 0 && H5Tset_cset(m, H5Tget_cset(t)) >= 0
                && H5Aread(a, m, &v) >= 0) {
                s = strdup(v ? v : "");
                H5free_memory(v);
            }
            if (m >= 0)
                H5Tclose(m);
        } else {
            size_t size = H5Tget_size(t);
            s = calloc(size + 1, 1);
            if (s && H5Aread(a, t, s) < 0) {
                free(s);
                s = NULL;
            }
        }
    }
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
    return s;
}

/* An optional string attribute: "" when absent; NULL only on failure. */
static char *attr_str_or_empty(hid_t obj, const char *name)
{
    return attr_exists(obj, name) ? attr_read_str(obj, name) : strdup("");
}

/* Rank and dims (up to 4) of dataset `name`; -1 if it cannot be opened. */
static int ds_shape(hid_t loc, const char *name, hsize_t dims[4])
{
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    hid_t sp = ds < 0 ? H5I_INVALID_HID : H5Dget_space(ds);
    int rank = sp < 0 ? -1 : H5Sget_simple_extent_ndims(sp);
    if (rank > 4)
        rank = -1;
    if (rank >= 0 && H5Sget_simple_extent_dims(sp, dims, NULL) < 0)
        rank = -1;
    if (sp >= 0)
        H5Sclose(sp);
    if (ds >= 0)
        H5Dclose(ds);
    return rank;
}

static int ds_read(hid_t loc, const char *name, hid_t mtype, void *out)
{
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    int rc = ds < 0 || H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0 ? -1 : 0;
    if (ds >= 0)
        H5Dclose(ds);
    return rc;
}

/* n fixed-length strings of a 1-D dataset into out[i], truncated to cap-1 bytes. */
static int ds_read_strings(hid_t loc, const char *name, size_t n, char *out, size_t cap)
{
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    hid_t t = ds < 0 ? H5I_INVALID_HID : H5Dget_type(ds);
    int rc = t < 0 || H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) != 0 ? -1 : 0;
    size_t size = rc ? 0 : H5Tget_size(t);
    char *raw = rc ? NULL : calloc(n ? n : 1, size ? size : 1);
    if (!rc && !raw)
        rc = -1;
    if (!rc && n > 0 && H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0)
        rc = -1;
    for (size_t i = 0; !rc && i < n; i++) {
        size_t len = strnlen(raw + i * size, size);
        if (len >= cap)
            len = cap - 1;
        memcpy(out + i * cap, raw + i * size, len);
        out[i * cap + len] = '\0';
    }
    free(raw);
    if (t >= 0)
        H5Tclose(t);
    if (ds >= 0)
        H5Dclose(ds);
    return rc;
}

/* ---- opening ---------------------------------------------------------------- */

/* Check that dataset `name` has exactly the dims given; fills err otherwise. */
static bs_status check_shape(const bs_results *r, hid_t loc, const char *name, int rank,
                             const hsize_t *want, const char *shown, bs_error *err)
{
    hsize_t dims[4] = {0};
    char why[WHY_MAX];
    int got = ds_shape(loc, name, dims);
    if (got < 0)
        return fail(err, BS_ERR_INPUT, r->path, "cannot open dataset %s: %s", shown, h5_why(why));
    int ok = got == rank;
    for (int k = 0; ok && k < rank; k++)
        ok = dims[k] == want[k];
    if (!ok) {
        char have[96] = "", need[96] = "";
        for (int k = 0; k < got; k++)
            snprintf(have + strlen(have), sizeof have - strlen(have), "%s%llu", k ? ", " : "",
                     (unsigned long long)dims[k]);
        for (int k = 0; k < rank; k++)
            snprintf(need + strlen(need), sizeof need - strlen(need), "%s%llu", k ? ", " : "",
                     (unsigned long long)want[k]);
        return fail(err, BS_ERR_INPUT, r->path, "%s has shape (%s), expected (%s)", shown, have,
                    need);
    }
    return BS_OK;
}

/* The events of one group (/events or /variants/<v>/events). */
static bs_status read_events(bs_results *r, hid_t g, const char *where, variant *v, bs_error *err)
{
    hsize_t dims[4] = {0};
    char why[WHY_MAX], shown[PATH_LEN];
    snprintf(shown, sizeof shown, "%s/step", where);
    if (ds_shape(g, "step", dims) != 1)
        return fail(err, BS_ERR_INPUT, r->path, "no dataset %s", shown);
    size_t n = (size_t)dims[0];
    static const char *const cols[] = {"brand", "kind", "size"};
    for (size_t k = 0; k < 3; k++) {
        snprintf(shown, sizeof shown, "%s/%s", where, cols[k]);
        bs_status s = check_shape(r, g, cols[k], 1, dims, shown, err);
        if (s)
            return s;
    }
    v->events = calloc(n ? n : 1, sizeof *v->events);
    int *ints = malloc((n ? n : 1) * sizeof *ints);
    double *d = malloc((n ? n : 1) * sizeof *d);
    char (*kind)[sizeof v->events->kind] = calloc(n ? n : 1, sizeof *kind);
    bs_status s = BS_OK;
    if (!v->events || !ints || !d || !kind)
        s = fail(err, BS_ERR_RUNTIME, r->path, "out of memory");
    else if (n > 0
             && (ds_read(g, "step", H5T_NATIVE_INT, ints) < 0
                 || ds_read(g, "size", H5T_NATIVE_DOUBLE, d) < 0
                 || ds_read_strings(g, "kind", n, kind[0], sizeof *kind) < 0))
        s = fail(err, BS_ERR_INPUT, r->path, "cannot read %s: %s", where, h5_why(why));
    for (size_t i = 0; !s && i < n; i++) {
        v->events[i].step = ints[i];
        v->events[i].size = d[i];
        memcpy(v->events[i].kind, kind[i], sizeof *kind);
    }
    if (!s && n > 0 && ds_read(g, "brand", H5T_NATIVE_INT, ints) < 0)
        s = fail(err, BS_ERR_INPUT, r->path, "cannot read %s/brand: %s", where, h5_why(why));
    for (size_t i = 0; !s && i < n; i++)
        v->events[i].brand = ints[i] >= 0 && ints[i] < r->B ? ints[i] : -1;
    v->n_events = (int)n;
    free(ints);
    free(d);
    free(kind);
    return s;
}

static bs_status read_root(bs_results *r, bs_error *err)
{
    char why[WHY_MAX];
    hid_t f = r->file;
    int version = 0;
    if (!attr_exists(f, "format_version"))
        return fail(err, BS_ERR_INPUT, r->path,
                    "not a brandsim output file (no format_version attribute)");
    if (attr_read_num(f, "format_version", H5T_NATIVE_INT, &version) < 0)
        return fail(err, BS_ERR_INPUT, r->path, "cannot read format_version: %s", h5_why(why));
    if (version != BS_OUTPUT_FORMAT_VERSION)
        return fail(err, BS_ERR_INPUT, r->path,
                    "output format version %d, expected %d (written by another brandsim?)",
                    version, BS_OUTPUT_FORMAT_VERSION);
    if (!attr_exists(f, "complete"))
        return fail(err, BS_ERR_INPUT, r->path,
                    "incomplete file (no 'complete' attribute): the run that wrote it did not "
                    "finish");
    if (attr_exists(f, "layout")) {
        char *layout = attr_read_str(f, "layout");
        if (!layout)
            return fail(err, BS_ERR_INPUT, r->path, "cannot read layout: %s", h5_why(why));
        int known = !strcmp(layout, "single") || !strcmp(layout, "ensemble");
        r->ensemble = !strcmp(layout, "ensemble");
        if (!known) {
            fail(err, BS_ERR_INPUT, r->path, "unknown layout '%.60s', expected single or ensemble",
                 layout);
            free(layout);
            return BS_ERR_INPUT;
        }
        free(layout);
    }
    static const char *const need[] = {"steps", "n_brands", "step_days", "seed", "consumers"};
    for (size_t k = 0; k < sizeof need / sizeof *need; k++)
        if (!attr_exists(f, need[k]))
            return fail(err, BS_ERR_INPUT, r->path, "not a brandsim output file (no %s attribute)",
                        need[k]);
    if (attr_read_num(f, "steps", H5T_NATIVE_INT, &r->S) < 0
        || attr_read_num(f, "n_brands", H5T_NATIVE_INT, &r->B) < 0
        || attr_read_num(f, "step_days", H5T_NATIVE_DOUBLE, &r->step_days) < 0
        || attr_read_num(f, "seed", H5T_NATIVE_UINT64, &r->seed) < 0
        || attr_read_num(f, "consumers", H5T_NATIVE_INT64, &r->consumers) < 0)
        return fail(err, BS_ERR_INPUT, r->path, "cannot read the root attributes: %s",
                    h5_why(why));
    if (r->S < 1 || r->B < 0 || r->B > BS_MAX_BRANDS)
        return fail(err, BS_ERR_INPUT, r->path, "steps = %d, n_brands = %d: expected steps >= 1 "
                    "and 0 <= n_brands <= %d", r->S, r->B, BS_MAX_BRANDS);
    r->scenario = attr_str_or_empty(f, "scenario");
    r->overrides = attr_str_or_empty(f, "overrides");
    r->scenario_name = attr_str_or_empty(f, "scenario_name");
    r->description = attr_str_or_empty(f, "description");
    if (!r->scenario || !r->overrides || !r->scenario_name || !r->description)
        return fail(err, BS_ERR_INPUT, r->path, "cannot read the root attributes: %s",
                    h5_why(why));
    return BS_OK;
}

static bs_status read_brands(bs_results *r, bs_error *err)
{
    char why[WHY_MAX];
    hsize_t n = (hsize_t)r->B;
    size_t cap = (size_t)(r->B ? r->B : 1);
    r->brand = calloc(cap, sizeof *r->brand);
    r->exit_policy = calloc(cap, sizeof *r->exit_policy);
    if (!r->brand || !r->exit_policy)
        return fail(err, BS_ERR_RUNTIME, r->path, "out of memory");
    bs_status s = check_shape(r, r->file, "/brands/name", 1, &n, "/brands/name", err);
    if (s)
        return s;
    if (r->B && ds_read_strings(r->file, "/brands/name", n, r->brand[0], BS_NAME_MAX) < 0)
        return fail(err, BS_ERR_INPUT, r->path, "cannot read /brands/name: %s", h5_why(why));
    for (int b = 0; b < r->B; b++)
        snprintf(r->exit_policy[b], BS_NAME_MAX, "none");
    if (r->B && link_exists(r->file, "/brands/exit_policy")) {
        s = check_shape(r, r->file, "/brands/exit_policy", 1, &n, "/brands/exit_policy", err);
        if (s)
            return s;
        if (ds_read_strings(r->file, "/brands/exit_policy", n, r->exit_policy[0], BS_NAME_MAX) < 0)
            return fail(err, BS_ERR_INPUT, r->path, "cannot read /brands/exit_policy: %s",
                        h5_why(why));
    }
    return BS_OK;
}

/* The ensemble's variant names: root attribute `variants`, one per line. */
static bs_status split_variants(bs_results *r, bs_error *err)
{
    char why[WHY_MAX];
    char *names = attr_exists(r->file, "variants") ? attr_read_str(r->file, "variants") : NULL;
    if (!names)
        return fail(err, BS_ERR_INPUT, r->path, "ensemble file without a readable 'variants' "
                    "attribute%s%s", attr_exists(r->file, "variants") ? ": " : "",
                    attr_exists(r->file, "variants") ? h5_why(why) : "");
    int n = 0;
    for (char *p = names; *p; p++)
        n += *p == '\n';
    n += names[0] != '\0';
    r->var = calloc((size_t)(n ? n : 1), sizeof *r->var);
    if (!r->var) {
        free(names);
        return fail(err, BS_ERR_RUNTIME, r->path, "out of memory");
    }
    r->V = 0;
    for (char *save = NULL, *tok = strtok_r(names, "\n", &save); tok;
         tok = strtok_r(NULL, "\n", &save))
        snprintf(r->var[r->V++].name, BS_NAME_MAX, "%s", tok);
    free(names);
    if (r->V == 0)
        return fail(err, BS_ERR_INPUT, r->path, "ensemble file with no variants");
    return BS_OK;
}

static bs_status read_variant(bs_results *r, variant *v, bs_error *err)
{
    char why[WHY_MAX], where[PATH_LEN];
    snprintf(where, sizeof where, "/variants/%s", v->name);
    if (!link_exists(r->file, where))
        return fail(err, BS_ERR_INPUT, r->path, "no group %s", where);
    hid_t g = H5Gopen2(r->file, where, H5P_DEFAULT);
    if (g < 0)
        return fail(err, BS_ERR_INPUT, r->path, "cannot open %s: %s", where, h5_why(why));
    bs_status s = BS_OK;
    hsize_t R = (hsize_t)r->R;
    char shown[PATH_LEN + 16];
    snprintf(shown, sizeof shown, "%s/seeds", where);
    v->scenario = attr_str_or_empty(g, "scenario");
    v->overrides = attr_str_or_empty(g, "overrides");
    v->seeds = calloc(R, sizeof *v->seeds);
    if (!v->scenario || !v->overrides || !v->seeds)
        s = fail(err, BS_ERR_RUNTIME, r->path, "cannot read %s: out of memory", where);
    if (!s)
        s = check_shape(r, g, "seeds", 1, &R, shown, err);
    if (!s && ds_read(g, "seeds", H5T_NATIVE_UINT64, v->seeds) < 0)
        s = fail(err, BS_ERR_INPUT, r->path, "cannot read %s: %s", shown, h5_why(why));
    snprintf(shown, sizeof shown, "%s/events", where);
    hid_t e = s ? H5I_INVALID_HID : H5Gopen2(g, "events", H5P_DEFAULT);
    if (!s && e < 0)
        s = fail(err, BS_ERR_INPUT, r->path, "no group %s", shown);
    if (!s)
        s = read_events(r, e, shown, v, err);
    if (e >= 0)
        H5Gclose(e);
    v->has_ensemble = !s && link_exists(g, "ensemble");
    H5Gclose(g);
    return s;
}

static bs_status read_layout(bs_results *r, bs_error *err)
{
    char why[WHY_MAX];
    if (!r->ensemble) {
        r->V = r->R = 1;
        r->var = calloc(1, sizeof *r->var);
        if (!r->var)
            return fail(err, BS_ERR_RUNTIME, r->path, "out of memory");
        variant *v = &r->var[0];
        snprintf(v->name, sizeof v->name, "%s", r->scenario_name[0] ? r->scenario_name : "run");
        v->scenario = strdup(r->scenario);
        v->overrides = strdup(r->overrides);
        v->seeds = malloc(sizeof *v->seeds);
        if (!v->scenario || !v->overrides || !v->seeds)
            return fail(err, BS_ERR_RUNTIME, r->path, "out of memory");
        v->seeds[0] = r->seed;
        hid_t g = H5Gopen2(r->file, "/events", H5P_DEFAULT);
        if (g < 0)
            return fail(err, BS_ERR_INPUT, r->path, "no group /events");
        bs_status s = read_events(r, g, "/events", v, err);
        H5Gclose(g);
        return s;
    }
    if (!attr_exists(r->file, "replicates")
        || attr_read_num(r->file, "replicates", H5T_NATIVE_INT, &r->R) < 0 || r->R < 1)
        return fail(err, BS_ERR_INPUT, r->path, "ensemble file without a valid 'replicates' "
                    "attribute%s%s", attr_exists(r->file, "replicates") ? ": " : "",
                    attr_exists(r->file, "replicates") ? h5_why(why) : "");
    bs_status s = split_variants(r, err);
    for (int v = 0; !s && v < r->V; v++)
        s = read_variant(r, &r->var[v], err);
    return s;
}

/* The day axis; computed from step_days if the file has none. */
static bs_status read_days(bs_results *r, bs_error *err)
{
    char why[WHY_MAX], where[PATH_LEN];
    hsize_t S = (hsize_t)r->S;
    r->day = malloc(S * sizeof *r->day);
    if (!r->day)
        return fail(err, BS_ERR_RUNTIME, r->path, "out of memory");
    if (r->ensemble)
        snprintf(where, sizeof where, "/variants/%s/timeseries/day", r->var[0].name);
    else
        snprintf(where, sizeof where, "/timeseries/day");
    if (!link_exists(r->file, where)) {
        for (int t = 0; t < r->S; t++)
            r->day[t] = (t + 1) * r->step_days;
        return BS_OK;
    }
    bs_status s = check_shape(r, r->file, where, 1, &S, where, err);
    if (s)
        return s;
    if (ds_read(r->file, where, H5T_NATIVE_DOUBLE, r->day) < 0)
        return fail(err, BS_ERR_INPUT, r->path, "cannot read %s: %s", where, h5_why(why));
    return BS_OK;
}

/* One variant's exit-policy timeline (rows step, brand, exit_policy; the writer's
 * write_exit_policy_timeline): a brand's first row is its policy at the start, its next
 * row the first change a policy shock makes. */
static bs_status read_timeline(bs_results *r, variant *x, const char *where, bs_error *err)
{
    char why[WHY_MAX], shown[PATH_LEN + 16];
    hsize_t dims[4] = {0};
    snprintf(shown, sizeof shown, "%s/step", where);
    hid_t g = H5Gopen2(r->file, where, H5P_DEFAULT);
    if (g < 0)
        return fail(err, BS_ERR_INPUT, r->path, "cannot open %s: %s", where, h5_why(why));
    bs_status s = ds_shape(g, "step", dims) == 1
                      ? BS_OK
                      : fail(err, BS_ERR_INPUT, r->path, "%s: not a 1-D dataset", shown);
    hsize_t n = dims[0];
    int *step = malloc((n + 1) * sizeof *step), *brand = malloc((n + 1) * sizeof *brand);
    char (*policy)[BS_NAME_MAX] = calloc(n + 1, sizeof *policy);
    int *seen = calloc((size_t)r->B + 1, sizeof *seen);
    if (!s && (!step || !brand || !policy || !seen))
        s = fail(err, BS_ERR_RUNTIME, r->path, "out of memory");
    static const char *const cols[2] = {"brand", "exit_policy"};
    for (int c = 0; !s && c < 2; c++) {
        snprintf(shown, sizeof shown, "%s/%s", where, cols[c]);
        s = check_shape(r, g, cols[c], 1, &n, shown, err);
    }
    if (!s && n > 0
        && (ds_read(g, "step", H5T_NATIVE_INT, step) < 0
            || ds_read(g, "brand", H5T_NATIVE_INT, brand) < 0
            || ds_read_strings(g, "exit_policy", n, policy[0], BS_NAME_MAX) < 0))
        s = fail(err, BS_ERR_INPUT, r->path, "cannot read %s: %s", where, h5_why(why));
    for (hsize_t i = 0; !s && i < n; i++) {
        int b = brand[i];
        if (b < 0 || b >= r->B) {
            s = fail(err, BS_ERR_INPUT, r->path, "%s/brand[%llu] is %d, expected a brand index in "
                     "[0, %d)", where, (unsigned long long)i, b, r->B);
        } else if (!seen[b]++) {
            snprintf(x->exit_start[b], BS_NAME_MAX, "%s", policy[i]);
        } else if (x->exit_change_step[b] < 0) {
            x->exit_change_step[b] = step[i];
            snprintf(x->exit_then[b], BS_NAME_MAX, "%s", policy[i]);
        }
    }
    free(step);
    free(brand);
    free(policy);
    free(seen);
    H5Gclose(g);
    return s;
}

/* Each variant's exit policies from its exit-policy timeline (/exit_policy_timeline, or
 * /variants/<v>/exit_policy_timeline in an ensemble): each brand's policy at the start and
 * the first change a policy shock makes. A file without a timeline (written before it
 * existed) keeps /brands/exit_policy, unchanged. */
static bs_status read_exit_policies(bs_results *r, bs_error *err)
{
    size_t cap = (size_t)(r->B ? r->B : 1);
    bs_status s = BS_OK;
    for (int v = 0; v < r->V && !s; v++) {
        variant *x = &r->var[v];
        x->exit_start = calloc(cap, sizeof *x->exit_start);
        x->exit_then = calloc(cap, sizeof *x->exit_then);
        x->exit_change_step = malloc(cap * sizeof *x->exit_change_step);
        if (!x->exit_start || !x->exit_then || !x->exit_change_step)
            return fail(err, BS_ERR_RUNTIME, r->path, "out of memory");
        for (int b = 0; b < r->B; b++) {
            snprintf(x->exit_start[b], BS_NAME_MAX, "%s", r->exit_policy[b]);
            x->exit_change_step[b] = -1;
        }
        char where[PATH_LEN];
        if (r->ensemble)
            snprintf(where, sizeof where, "/variants/%s/exit_policy_timeline", x->name);
        else
            snprintf(where, sizeof where, "/exit_policy_timeline");
        if (link_exists(r->file, where))
            s = read_timeline(r, x, where, err);
    }
    return s;
}

/* The first variant's time series group: "/timeseries" or "/variants/<v>/timeseries". */
static void timeseries_prefix(const bs_results *r, int v, char *buf, size_t n)
{
    if (r->ensemble)
        snprintf(buf, n, "/variants/%s/timeseries", r->var[v].name);
    else
        snprintf(buf, n, "/timeseries");
}

/* What a file may lack, having been written before it existed: the quantile groupings
 * (their bins and what they bin by, from the group's attributes) and the later market
 * metrics. */
static bs_status read_optional_series(bs_results *r, bs_error *err)
{
    char prefix[PATH_LEN], where[PATH_LEN + 64], why[WHY_MAX];
    timeseries_prefix(r, 0, prefix, sizeof prefix);
    for (int k = 0; k < BS_MK_COUNT; k++) {
        snprintf(where, sizeof where, "%s/market/%s", prefix,
                 bs_market_metric_get((bs_market_metric)k)->name);
        r->has_market[k] = (unsigned char)link_exists(r->file, where);
    }
    r->qtrait = -1;
    for (int g = 0; g < BS_QG_COUNT; g++) {
        const char *gname = bs_quantile_grouping_name((bs_quantile_grouping)g);
        snprintf(where, sizeof where, "%s/quantile/%s", prefix, gname);
        if (!link_exists(r->file, where))
            continue;
        hid_t grp = H5Gopen2(r->file, where, H5P_DEFAULT);
        int bins = 0;
        char *by = NULL;
        if (grp < 0 || !attr_exists(grp, "bins") || !attr_exists(grp, "by")
            || attr_read_num(grp, "bins", H5T_NATIVE_INT, &bins) < 0
            || !(by = attr_read_str(grp, "by"))) {
            if (grp >= 0)
                H5Gclose(grp);
            return fail(err, BS_ERR_INPUT, r->path, "%s: no readable 'bins' and 'by' attributes%s%s",
                        where, grp < 0 ? ": " : "", grp < 0 ? h5_why(why) : "");
        }
        H5Gclose(grp);
        int trait = -1;
        for (int t = 0; g == BS_QG_TRAIT && t < BS_TRAIT_COUNT; t++)
            if (!strcmp(by, bs_trait_name(t)))
                trait = t;
        const int known = g == BS_QG_STRENGTH ? !strcmp(by, "prior_strength") : trait >= 0;
        if (bins < 2 || bins > BS_QUANTILE_MAX_BINS || !known) {
            fail(err, BS_ERR_INPUT, r->path, "%s: bins = %d, by = '%.60s': expected 2 to %d bins "
                 "by %s", where, bins, by, BS_QUANTILE_MAX_BINS,
                 g == BS_QG_STRENGTH ? "prior_strength" : "a consumer trait");
            free(by);
            return BS_ERR_INPUT;
        }
        r->qbins[g] = bins;
        snprintf(r->qby[g], sizeof r->qby[g], "%s", by);
        if (g == BS_QG_TRAIT)
            r->qtrait = trait;
        free(by);
    }
    return BS_OK;
}

bs_results *bs_results_open(const char *path, bs_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fail(err, BS_ERR_INPUT, path, "%s", strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        fail(err, BS_ERR_INPUT, path, "is a directory, expected a brandsim HDF5 file");
        return NULL;
    }
    quiet q = quiet_begin();
    bs_results *r = calloc(1, sizeof *r);
    bs_status s = BS_OK;
    char why[WHY_MAX];
    if (!r || !(r->path = strdup(path))) {
        free(r);
        quiet_end(q);
        fail(err, BS_ERR_RUNTIME, path, "out of memory");
        return NULL;
    }
    r->file = H5I_INVALID_HID;
    htri_t h5 = H5Fis_hdf5(path);
    if (h5 <= 0)
        s = fail(err, BS_ERR_INPUT, path, "not an HDF5 file");
    if (!s && (r->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0)
        s = fail(err, BS_ERR_INPUT, path, "cannot open: %s", h5_why(why));
    if (!s)
        s = read_root(r, err);
    if (!s)
        s = read_brands(r, err);
    if (!s)
        s = read_layout(r, err);
    if (!s)
        s = read_days(r, err);
    if (!s)
        s = read_exit_policies(r, err);
    if (!s)
        s = read_optional_series(r, err);
    quiet_end(q);
    if (s) {
        bs_results_free(r);
        return NULL;
    }
    return r;
}

void bs_results_free(bs_results *r)
{
    if (!r)
        return;
    if (r->file >= 0) {
        quiet q = quiet_begin();
        H5Fclose(r->file);
        quiet_end(q);
    }
    for (int v = 0; r->var && v < r->V; v++) {
        free(r->var[v].scenario);
        free(r->var[v].overrides);
        free(r->var[v].seeds);
        free(r->var[v].events);
        free(r->var[v].exit_start);
        free(r->var[v].exit_then);
        free(r->var[v].exit_change_step);
    }
    free(r->var);
    free(r->brand);
    free(r->exit_policy);
    free(r->day);
    free(r->scenario);
    free(r->overrides);
    free(r->scenario_name);
    free(r->description);
    free(r->path);
    free(r);
}

/* ---- accessors ---------------------------------------------------------------- */

const char *bs_results_path(const bs_results *r) { return r->path; }
int bs_results_is_ensemble(const bs_results *r) { return r->ensemble; }
const char *bs_results_scenario_name(const bs_results *r) { return r->scenario_name; }
const char *bs_results_description(const bs_results *r) { return r->description; }
uint64_t bs_results_seed(const bs_results *r) { return r->seed; }
int64_t bs_results_consumers(const bs_results *r) { return r->consumers; }
double bs_results_step_days(const bs_results *r) { return r->step_days; }
int bs_results_variants(const bs_results *r) { return r->V; }
int bs_results_replicates(const bs_results *r) { return r->R; }
int bs_results_steps(const bs_results *r) { return r->S; }
int bs_results_brands(const bs_results *r) { return r->B; }
const double *bs_results_days(const bs_results *r) { return r->day; }

const char *bs_results_variant_name(const bs_results *r, int v)
{
    return v >= 0 && v < r->V ? r->var[v].name : NULL;
}

int bs_results_variant_index(const bs_results *r, const char *name)
{
    for (int v = 0; v < r->V; v++)
        if (!strcmp(r->var[v].name, name))
            return v;
    return -1;
}

const char *bs_results_scenario_yaml(const bs_results *r, int v)
{
    return v >= 0 && v < r->V ? r->var[v].scenario : r->scenario;
}

const char *bs_results_overrides(const bs_results *r, int v)
{
    return v >= 0 && v < r->V ? r->var[v].overrides : r->overrides;
}

const uint64_t *bs_results_seeds(const bs_results *r, int v)
{
    return v >= 0 && v < r->V ? r->var[v].seeds : NULL;
}

const char *bs_results_brand_name(const bs_results *r, int b)
{
    return b >= 0 && b < r->B ? r->brand[b] : "";
}

int bs_results_brand_index(const bs_results *r, const char *name)
{
    for (int b = 0; b < r->B; b++)
        if (!strcmp(r->brand[b], name))
            return b;
    return -1;
}

const char *bs_results_brand_exit_policy(const bs_results *r, int v, int b)
{
    if (b < 0 || b >= r->B)
        return "none";
    return v >= 0 && v < r->V ? r->var[v].exit_start[b] : r->exit_policy[b];
}

int bs_results_brand_exit_change(const bs_results *r, int v, int b, const char **then)
{
    if (v < 0 || v >= r->V || b < 0 || b >= r->B || r->var[v].exit_change_step[b] < 0)
        return -1;
    if (then)
        *then = r->var[v].exit_then[b];
    return r->var[v].exit_change_step[b];
}

const bs_event *bs_results_events(const bs_results *r, int v, int *n)
{
    if (v < 0 || v >= r->V) {
        *n = 0;
        return NULL;
    }
    *n = r->var[v].n_events;
    return r->var[v].events;
}

int bs_results_event_is_shock(const char *kind)
{
    return strncmp(kind, "response:", 9) != 0 && strncmp(kind, "recovery:", 9) != 0
           && strcmp(kind, "policy") != 0;
}

int bs_results_first_shock(const bs_results *r, int v)
{
    int n = 0;
    const bs_event *ev = bs_results_events(r, v, &n);
    for (int i = 0; i < n; i++)
        if (bs_results_event_is_shock(ev[i].kind)) return ev[i].step;
    return -1;
}

/* ---- names -------------------------------------------------------------------- */

const char *bs_rstat_name(bs_rstat s)
{
    static const char *const names[BS_RSTAT_COUNT] = {"mean", "sd", "ci_low", "ci_high"};
    return s >= 0 && s < BS_RSTAT_COUNT ? names[s] : NULL;
}

/* ---- time series ------------------------------------------------------------- */

/* The path of a series below `prefix` ("" or "/variants/<v>" or .../ensemble/<stat>). */
static void series_path(char *buf, size_t n, const char *prefix, int seg, const char *metric)
{
    if (seg == BS_SEG_ALL)
        snprintf(buf, n, "%s/brand/%s", prefix, metric);
    else
        snprintf(buf, n, "%s/segment/%s/%s", prefix, bs_segment_name((bs_segment)seg), metric);
}

static int check_variant(const bs_results *r, int v, bs_error *err)
{
    if (v >= 0 && v < r->V)
        return 0;
    fail(err, BS_ERR_INPUT, r->path, "no variant %d (the file has %d)", v, r->V);
    return -1;
}

/* Read dataset `where` of the given rank and dims into out. */
static bs_status read_series(const bs_results *r, const char *where, int rank, const hsize_t *dims,
                             double *out, bs_error *err)
{
    char why[WHY_MAX];
    quiet q = quiet_begin();
    bs_status s = BS_OK;
    if (!link_exists(r->file, where))
        s = fail(err, BS_ERR_INPUT, r->path, "no dataset %s", where);
    if (!s)
        s = check_shape(r, r->file, where, rank, dims, where, err);
    if (!s && ds_read(r->file, where, H5T_NATIVE_DOUBLE, out) < 0)
        s = fail(err, BS_ERR_RUNTIME, r->path, "cannot read %s: %s", where, h5_why(why));
    quiet_end(q);
    return s;
}

bs_status bs_results_series(const bs_results *r, int v, bs_segment seg, bs_metric metric,
                            double *out, bs_error *err)
{
    char where[PATH_LEN], prefix[PATH_LEN];
    if (check_variant(r, v, err))
        return BS_ERR_INPUT;
    if (seg < 0 || seg >= BS_SEG_COUNT || metric < 0 || metric >= BS_M_COUNT)
        return fail(err, BS_ERR_INPUT, r->path, "no such segment or metric");
    if (r->ensemble)
        snprintf(prefix, sizeof prefix, "/variants/%s/timeseries", r->var[v].name);
    else
        snprintf(prefix, sizeof prefix, "/timeseries");
    series_path(where, sizeof where, prefix, seg, bs_metric_get(metric)->name);
    hsize_t dims[3] = {(hsize_t)r->R, (hsize_t)r->S, (hsize_t)r->B};
    if (r->ensemble)
        return read_series(r, where, 3, dims, out, err);
    return read_series(r, where, 2, dims + 1, out, err);
}

bs_status bs_results_market(const bs_results *r, int v, bs_market_metric metric, double *out,
                            bs_error *err)
{
    char where[PATH_LEN];
    if (check_variant(r, v, err))
        return BS_ERR_INPUT;
    if (metric < 0 || metric >= BS_MK_COUNT)
        return fail(err, BS_ERR_INPUT, r->path, "no such market metric");
    const char *name = bs_market_metric_get(metric)->name;
    hsize_t dims[2] = {(hsize_t)r->R, (hsize_t)r->S};
    if (r->ensemble) {
        snprintf(where, sizeof where, "/variants/%s/timeseries/market/%s", r->var[v].name, name);
        return read_series(r, where, 2, dims, out, err);
    }
    snprintf(where, sizeof where, "/timeseries/market/%s", name);
    return read_series(r, where, 1, dims + 1, out, err);
}

/* out[i] = stat over replicates of x[rep * n + i], for i < n. */
static void stat_over_replicates(const double *x, int R, size_t n, bs_rstat stat, double *out)
{
    for (size_t i = 0; i < n; i++) {
        bs_ci c = bs_ci_mean(x + i, n, (size_t)R, 0.95);
        out[i] = stat == BS_RSTAT_MEAN ? c.mean : stat == BS_RSTAT_SD ? c.sd
                 : stat == BS_RSTAT_LO ? c.lo : c.hi;
    }
}

/* The statistic from /variants/<v>/ensemble when the file has it (1 if read,
   0 if absent, -1 on error). */
static int stat_from_file(const bs_results *r, int v, const char *tail, int rank,
                          const hsize_t *dims, double *out, bs_error *err)
{
    char where[PATH_LEN];
    if (!r->ensemble || r->R < 2 || !r->var[v].has_ensemble)
        return 0;
    snprintf(where, sizeof where, "/variants/%s/ensemble/%s", r->var[v].name, tail);
    quiet q = quiet_begin();
    int there = link_exists(r->file, where);
    quiet_end(q);
    if (!there)
        return 0;
    return read_series(r, where, rank, dims, out, err) ? -1 : 1;
}

bs_status bs_results_stat(const bs_results *r, int v, bs_segment seg, bs_metric metric,
                          bs_rstat stat, double *out, bs_error *err)
{
    char tail[PATH_LEN];
    if (check_variant(r, v, err))
        return BS_ERR_INPUT;
    if (stat < 0 || stat >= BS_RSTAT_COUNT || seg < 0 || seg >= BS_SEG_COUNT || metric < 0
        || metric >= BS_M_COUNT)
        return fail(err, BS_ERR_INPUT, r->path, "no such statistic, segment or metric");
    series_path(tail, sizeof tail, bs_rstat_name(stat), seg, bs_metric_get(metric)->name);
    hsize_t dims[2] = {(hsize_t)r->S, (hsize_t)r->B};
    int got = stat_from_file(r, v, tail, 2, dims, out, err);
    if (got)
        return got < 0 ? BS_ERR_INPUT : BS_OK;
    size_t n = (size_t)r->S * (size_t)r->B;
    double *x = malloc((size_t)r->R * (n ? n : 1) * sizeof *x);
    if (!x)
        return fail(err, BS_ERR_RUNTIME, r->path, "out of memory");
    bs_status s = bs_results_series(r, v, seg, metric, x, err);
    if (!s)
        stat_over_replicates(x, r->R, n, stat, out);
    free(x);
    return s;
}

bs_status bs_results_market_stat(const bs_results *r, int v, bs_market_metric metric,
                                 bs_rstat stat, double *out, bs_error *err)
{
    char tail[PATH_LEN];
    if (check_variant(r, v, err))
        return BS_ERR_INPUT;
    if (stat < 0 || stat >= BS_RSTAT_COUNT || metric < 0 || metric >= BS_MK_COUNT)
        return fail(err, BS_ERR_INPUT, r->path, "no such statistic or market metric");
    snprintf(tail, sizeof tail, "%s/market/%s", bs_rstat_name(stat),
             bs_market_metric_get(metric)->name);
    hsize_t dims[1] = {(hsize_t)r->S};
    int got = stat_from_file(r, v, tail, 1, dims, out, err);
    if (got)
        return got < 0 ? BS_ERR_INPUT : BS_OK;
    double *x = malloc((size_t)r->R * (size_t)r->S * sizeof *x);
    if (!x)
        return fail(err, BS_ERR_RUNTIME, r->path, "out of memory");
    bs_status s = bs_results_market(r, v, metric, x, err);
    if (!s)
        stat_over_replicates(x, r->R, (size_t)r->S, stat, out);
    free(x);
    return s;
}

/* ---- quantile series ---------------------------------------------------------- */

int bs_results_has_market(const bs_results *r, bs_market_metric m)
{
    return m >= 0 && m < BS_MK_COUNT && r->has_market[m];
}

int bs_results_quantile_bins(const bs_results *r, bs_quantile_grouping g)
{
    return g >= 0 && g < BS_QG_COUNT ? r->qbins[g] : 0;
}

const char *bs_results_quantile_by(const bs_results *r, bs_quantile_grouping g)
{
    return g >= 0 && g < BS_QG_COUNT ? r->qby[g] : "";
}

int bs_results_quantile_trait(const bs_results *r)
{
    return r->qtrait;
}

/* Checks shared by the quantile readers: variant, grouping held, metric. */
static bs_status check_quantile(const bs_results *r, int v, int g, int metric, bs_error *err)
{
    if (check_variant(r, v, err))
        return BS_ERR_INPUT;
    if (g < 0 || g >= BS_QG_COUNT || metric < 0 || metric >= BS_QM_COUNT)
        return fail(err, BS_ERR_INPUT, r->path, "no such quantile grouping or metric");
    if (!r->qbins[g])
        return fail(err, BS_ERR_INPUT, r->path, "no %s quantile series in the file (%s)",
                    bs_quantile_grouping_name((bs_quantile_grouping)g),
                    g == BS_QG_STRENGTH ? "strength_quantiles was 0, or the file is older"
                                        : "trait_quantiles was 0, or the file is older");
    return BS_OK;
}

bs_status bs_results_quantile(const bs_results *r, int v, bs_quantile_grouping g,
                              bs_quantile_metric metric, double *out, bs_error *err)
{
    char prefix[PATH_LEN], where[PATH_LEN + 64];
    bs_status s = check_quantile(r, v, g, metric, err);
    if (s)
        return s;
    timeseries_prefix(r, v, prefix, sizeof prefix);
    snprintf(where, sizeof where, "%s/quantile/%s/%s", prefix,
             bs_quantile_grouping_name(g), bs_quantile_metric_get(metric)->name);
    hsize_t dims[4] = {(hsize_t)r->R, (hsize_t)r->S, (hsize_t)r->qbins[g], (hsize_t)r->B};
    if (r->ensemble)
        return read_series(r, where, 4, dims, out, err);
    return read_series(r, where, 3, dims + 1, out, err);
}

bs_status bs_results_quantile_stat(const bs_results *r, int v, bs_quantile_grouping g,
                                   bs_quantile_metric metric, bs_rstat stat, double *out,
                                   bs_error *err)
{
    char tail[PATH_LEN];
    bs_status s = check_quantile(r, v, g, metric, err);
    if (s)
        return s;
    if (stat < 0 || stat >= BS_RSTAT_COUNT)
        return fail(err, BS_ERR_INPUT, r->path, "no such statistic");
    snprintf(tail, sizeof tail, "%s/quantile/%s/%s", bs_rstat_name(stat),
             bs_quantile_grouping_name(g), bs_quantile_metric_get(metric)->name);
    hsize_t dims[3] = {(hsize_t)r->S, (hsize_t)r->qbins[g], (hsize_t)r->B};
    int got = stat_from_file(r, v, tail, 3, dims, out, err);
    if (got)
        return got < 0 ? BS_ERR_INPUT : BS_OK;
    size_t n = (size_t)r->S * (size_t)r->qbins[g] * (size_t)r->B;
    double *x = malloc((size_t)r->R * (n ? n : 1) * sizeof *x);
    if (!x)
        return fail(err, BS_ERR_RUNTIME, r->path, "out of memory");
    s = bs_results_quantile(r, v, g, metric, x, err);
    if (!s)
        stat_over_replicates(x, r->R, n, stat, out);
    free(x);
    return s;
}

/* ---- a brand series by name ------------------------------------------------------- */

bs_status bs_series_ref_parse(const char *segment, const char *metric, const char *what,
                              bs_series_ref *ref, bs_error *err)
{
    bs_series_ref x = {0};
    x.trait = -1;
    if (!bs_quantile_bin_parse(segment, &x.grouping, &x.trait, &x.bin)) {
        x.quantile = 1;
        x.metric = bs_quantile_metric_by_name(metric);
        if (x.metric < 0)
            return bs_error_setf(err, BS_ERR_INPUT,
                                 "%s '%s': '%s' is not reported by quantile bin, expected "
                                 "purchases, revenue, revenge_acts, exits, mean_revenge or "
                                 "relationships", what, segment, metric);
    } else {
        x.seg = bs_segment_by_name(segment);
        if (x.seg < 0)
            return bs_error_setf(err, BS_ERR_INPUT,
                                 "%s: '%s' is not a segment, expected all, strong, weak, new, "
                                 "fundamentalist, pragmatist, unconcerned, communal, exchange or "
                                 "a quantile bin (strength_q1 .. strength_qN, <trait>_q1 .., "
                                 "e.g. anxiety_q3)", what, segment);
        x.metric = bs_metric_by_name(metric);
        if (x.metric < 0)
            return bs_error_setf(err, BS_ERR_INPUT,
                                 "'%s' is not a brand metric (see docs/OUTPUT.md), e.g. "
                                 "market_share, mean_revenge, revenue", metric);
    }
    *ref = x;
    return BS_OK;
}

const char *bs_series_ref_segment(const bs_series_ref *ref, char *buf, size_t n)
{
    if (ref->quantile)
        return bs_quantile_bin_name(ref->grouping, ref->trait, ref->bin, buf, n);
    snprintf(buf, n, "%s", bs_segment_name((bs_segment)ref->seg));
    return buf;
}

const char *bs_series_ref_metric(const bs_series_ref *ref)
{
    const bs_metric_info *mi = ref->quantile ? bs_quantile_metric_get((bs_quantile_metric)ref->metric)
                                             : bs_metric_get((bs_metric)ref->metric);
    return mi ? mi->name : "?";
}

bs_status bs_results_check_ref(const bs_results *r, const bs_series_ref *ref, bs_error *err)
{
    if (!ref->quantile)
        return BS_OK;
    char name[64];
    bs_series_ref_segment(ref, name, sizeof name);
    const int g = ref->grouping, bins = r->qbins[g];
    if (!bins)
        return fail(err, BS_ERR_INPUT, r->path, "no bin %s: the file holds no %s quantile series "
                    "(%s = 0 when it ran, or written before them)", name,
                    bs_quantile_grouping_name((bs_quantile_grouping)g),
                    g == BS_QG_STRENGTH ? "strength_quantiles" : "trait_quantiles");
    if (g == BS_QG_TRAIT && ref->trait != r->qtrait)
        return fail(err, BS_ERR_INPUT, r->path, "no bin %s: the file's trait bins are by %s "
                    "(%s_q1 .. %s_q%d)", name, r->qby[g], r->qby[g], r->qby[g], bins);
    if (ref->bin >= bins)
        return fail(err, BS_ERR_INPUT, r->path, "no bin %s: the file has %d %s bins (%s_q1 .. "
                    "%s_q%d)", name, bins, g == BS_QG_STRENGTH ? "strength" : r->qby[g],
                    g == BS_QG_STRENGTH ? "strength" : r->qby[g],
                    g == BS_QG_STRENGTH ? "strength" : r->qby[g], bins);
    return BS_OK;
}

/* x[(k * bins + bin) * B + b] -> out[k * B + b] for k < n (the bin's rows). */
static void take_bin(const double *x, size_t n, int bins, int bin, int B, double *out)
{
    for (size_t k = 0; k < n; k++)
        memcpy(out + k * (size_t)B, x + (k * (size_t)bins + (size_t)bin) * (size_t)B,
               (size_t)B * sizeof *out);
}

bs_status bs_results_ref_series(const bs_results *r, int v, const bs_series_ref *ref,
                                double *out, bs_error *err)
{
    if (!ref->quantile)
        return bs_results_series(r, v, (bs_segment)ref->seg, (bs_metric)ref->metric, out, err);
    bs_status s = bs_results_check_ref(r, ref, err);
    if (s)
        return s;
    const int bins = r->qbins[ref->grouping];
    const size_t rows = (size_t)r->R * (size_t)r->S;
    double *x = malloc(rows * (size_t)bins * (size_t)(r->B ? r->B : 1) * sizeof *x);
    if (!x)
        return fail(err, BS_ERR_RUNTIME, r->path, "out of memory");
    s = bs_results_quantile(r, v, (bs_quantile_grouping)ref->grouping,
                            (bs_quantile_metric)ref->metric, x, err);
    if (!s)
        take_bin(x, rows, bins, ref->bin, r->B, out);
    free(x);
    return s;
}

bs_status bs_results_ref_stat(const bs_results *r, int v, const bs_series_ref *ref,
                              bs_rstat stat, double *out, bs_error *err)
{
    if (!ref->quantile)
        return bs_results_stat(r, v, (bs_segment)ref->seg, (bs_metric)ref->metric, stat, out,
                               err);
    bs_status s = bs_results_check_ref(r, ref, err);
    if (s)
        return s;
    const int bins = r->qbins[ref->grouping];
    double *x = malloc((size_t)r->S * (size_t)bins * (size_t)(r->B ? r->B : 1) * sizeof *x);
    if (!x)
        return fail(err, BS_ERR_RUNTIME, r->path, "out of memory");
    s = bs_results_quantile_stat(r, v, (bs_quantile_grouping)ref->grouping,
                                 (bs_quantile_metric)ref->metric, stat, x, err);
    if (!s)
        take_bin(x, (size_t)r->S, bins, ref->bin, r->B, out);
    free(x);
    return s;
}
