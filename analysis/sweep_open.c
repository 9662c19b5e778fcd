/* SPDX-License-Identifier: MIT */
/*
 * sweep_open.c: a finished sweep read back from its HDF5 table (sweep.h,
 * bs_sweep_open_table), so that the decision and the sensitivity indices
 * can be computed, and reported, without running it again: the factors and
 * brands in order, the options, the design's size and seed (the root
 * attributes sweep_table.c writes), each point's values and unit
 * coordinates, and every outcome of every run.
 */
#define _POSIX_C_SOURCE 200809L
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/sweep_internal.h"

static int read_attr(hid_t f, const char *name, hid_t mtype, void *x)
{
    if (H5Aexists(f, name) <= 0)
        return -1;
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    int rc = a < 0 || H5Aread(a, mtype, x) < 0 ? -1 : 0;
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

/* A variable-length string attribute into buf (n bytes). */
static int read_text(hid_t f, const char *name, char *buf, size_t n)
{
    if (H5Aexists(f, name) <= 0)
        return -1;
    hid_t a = H5Aopen(f, name, H5P_DEFAULT), t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8); /* as written: HDF5 converts no character set */
    char *s = NULL;
    int rc = a < 0 || H5Aread(a, t, &s) < 0 ? -1 : 0;
    if (!rc)
        snprintf(buf, n, "%s", s ? s : "");
    if (!rc)
        H5free_memory(s);
    H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
    return rc;
}

static int read_column(hid_t f, const char *path, hid_t mtype, void *x)
{
    if (H5Lexists(f, path, H5P_DEFAULT) <= 0)
        return -1;
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    int rc = d < 0 || H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) < 0 ? -1 : 0;
    if (d >= 0)
        H5Dclose(d);
    return rc;
}

/* Split a newline-separated list into at most max items of cap bytes; the count. */
static int split_lines(const char *text, char *items, size_t cap, int max)
{
    int n = 0;
    for (const char *c = text; *c && n < max; n++) {
        size_t len = strcspn(c, "\n");
        snprintf(items + (size_t)n * cap, cap, "%.*s", (int)len, c);
        c += len + (c[len] == '\n');
    }
    return n;
}

static bs_status load(bs_sweep *s, hid_t f, const char *path, bs_error *err)
{
    static char text[BS_DESIGN_MAX_FACTORS * BS_SWEEP_PATH_MAX + BS_MAX_BRANDS * BS_NAME_MAX];
    char design[32];
    int64_t ko, n_options, decide, samples, points, R, morris_levels;
    uint64_t design_seed, seed;
    double recovery = 0;
    if (read_text(f, "sweep", s->name, sizeof s->name) || read_text(f, "design", design, sizeof design)
        || read_attr(f, "options", H5T_NATIVE_INT64, &ko)
        || read_attr(f, "option_combinations", H5T_NATIVE_INT64, &n_options)
        || read_attr(f, "decide_for", H5T_NATIVE_INT64, &decide)
        || read_attr(f, "samples", H5T_NATIVE_INT64, &samples)
        || read_attr(f, "points", H5T_NATIVE_INT64, &points)
        || read_attr(f, "replicates", H5T_NATIVE_INT64, &R)
        || read_attr(f, "morris_levels", H5T_NATIVE_INT64, &morris_levels)
        || read_attr(f, "design_seed", H5T_NATIVE_UINT64, &design_seed)
        || read_attr(f, "seed", H5T_NATIVE_UINT64, &seed))
        return bs_error_setf(err, BS_ERR_INPUT,
                             "%s: not a sweep table of this version of brandsim (an attribute is "
                             "missing), expected the .h5 beside a sweep's CSV",
                             path);
    read_attr(f, "recovery_fraction", H5T_NATIVE_DOUBLE, &recovery);
    s->recovery = recovery;
    s->design = (bs_design_kind)(strcmp(design, "file") ? bs_design_from_name(design) : BS_DESIGN_COUNT);
    if ((int)s->design < 0 || points < 1 || R < 1 || ko < 0 || n_options < 1)
        return bs_error_setf(err, BS_ERR_INPUT, "%s: a sweep table with impossible attributes", path);
    s->P = (size_t)points;
    s->R = (int)R;
    s->ko = (int)ko;
    s->n_options = (size_t)n_options;
    s->decide = (int)decide;
    char(*paths)[BS_SWEEP_PATH_MAX] = malloc(BS_DESIGN_MAX_FACTORS * sizeof *paths);
    if (!paths || read_text(f, "factors", text, sizeof text)) {
        free(paths);
        return bs_error_setf(err, BS_ERR_INPUT, "%s: no list of factors", path);
    }
    s->k = split_lines(text, paths[0], BS_SWEEP_PATH_MAX, BS_DESIGN_MAX_FACTORS);
    s->factors = calloc((size_t)(s->k ? s->k : 1), sizeof *s->factors);
    for (int i = 0; s->factors && i < s->k; i++)
        snprintf(s->factors[i].path, BS_SWEEP_PATH_MAX, "%s", paths[i]);
    free(paths);
    /* the brands reported: a scenario of names, enough for the tables and the messages */
    if (read_text(f, "brands", text, sizeof text))
        return bs_error_setf(err, BS_ERR_INPUT, "%s: no list of brands", path);
    bs_scenario_defaults(s->base);
    s->base->seed = seed;
    char(*names)[BS_NAME_MAX] = malloc(BS_MAX_BRANDS * sizeof *names);
    if (!names || !s->factors)
        return bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    s->nb = split_lines(text, names[0], BS_NAME_MAX, BS_MAX_BRANDS);
    s->base->n_brands = s->nb;
    for (int j = 0; j < s->nb; j++) {
        snprintf(s->base->brands[j].name, BS_NAME_MAX, "%s", names[j]);
        s->brands[j] = j;
    }
    free(names);
    const size_t runs = s->P * (size_t)s->R, ku = (size_t)(s->k - s->ko);
    s->spec = (bs_design_spec){.kind = s->design, .k = (int)ku, .n = (size_t)samples,
                               .morris_levels = (int)morris_levels, .seed = design_seed};
    s->values = malloc(runs * (size_t)(s->k ? s->k : 1) * BS_SWEEP_VALUE_MAX);
    s->u = s->design != BS_DESIGN_COUNT ? malloc(runs * (size_t)(s->k ? s->k : 1) * sizeof *s->u)
                                        : NULL;
    s->out = malloc(runs * (size_t)(s->nb ? s->nb : 1) * BS_KPI_COUNT * sizeof *s->out);
    s->done = malloc(runs ? runs : 1);
    double *x = malloc(runs * sizeof *x);
    char **t = malloc(runs * sizeof *t);
    bs_status st = s->values && s->out && s->done && x && t && (s->u || s->design == BS_DESIGN_COUNT)
                       ? BS_OK
                       : bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
    hid_t vt = H5Tcopy(H5T_C_S1);
    H5Tset_size(vt, H5T_VARIABLE);
    H5Tset_cset(vt, H5T_CSET_UTF8);
    for (int i = 0; !st && i < s->k; i++) {
        char p[BS_SWEEP_PATH_MAX + 32];
        snprintf(p, sizeof p, "/factors/%s/value", s->factors[i].path);
        if (read_column(f, p, vt, t)) {
            st = bs_error_setf(err, BS_ERR_INPUT, "%s: no %s", path, p);
            break;
        }
        for (size_t q = 0; q < s->P; q++)
            snprintf(bs_sweep_cell(s, q, i), BS_SWEEP_VALUE_MAX, "%s", t[q] ? t[q] : "");
        for (size_t q = 0; q < runs; q++) /* every run's string, the library's memory */
            H5free_memory(t[q]);
        if (!s->u)
            continue;
        snprintf(p, sizeof p, "/factors/%s/unit", s->factors[i].path);
        if (read_column(f, p, H5T_NATIVE_DOUBLE, x)) {
            st = bs_error_setf(err, BS_ERR_INPUT, "%s: no %s", path, p);
            break;
        }
        for (size_t q = 0; q < s->P; q++)
            s->u[q * (size_t)s->k + (size_t)i] = x[q];
    }
    H5Tclose(vt);
    for (int j = 0; !st && j < s->nb; j++)
        for (int o = 0; !st && o < BS_KPI_COUNT; o++) {
            char p[160];
            snprintf(p, sizeof p, "/outcomes/%s/%s", s->base->brands[j].name,
                     bs_kpi_get((bs_kpi)o)->name);
            if (read_column(f, p, H5T_NATIVE_DOUBLE, x)) {
                st = bs_error_setf(err, BS_ERR_INPUT, "%s: no %s", path, p);
                break;
            }
            for (size_t k = 0; k < runs; k++)
                s->out[(k * (size_t)s->nb + (size_t)j) * BS_KPI_COUNT + (size_t)o] = x[k];
        }
    if (!st)
        memset(s->done, 1, runs ? runs : 1);
    free(x);
    free(t);
    return st;
}

bs_sweep *bs_sweep_open_table(const char *path, bs_error *err)
{
    bs_sweep *s = calloc(1, sizeof *s);
    if (!s || !(s->base = calloc(1, sizeof *s->base))) {
        free(s);
        bs_error_setf(err, BS_ERR_RUNTIME, "out of memory");
        return NULL;
    }
    snprintf(s->source, sizeof s->source, "%s", path);
    H5E_auto2_t fn;
    void *data;
    H5Eget_auto2(H5E_DEFAULT, &fn, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    bs_status st = f < 0 ? bs_error_setf(err, BS_ERR_INPUT, "%s: cannot open as HDF5", path)
                         : load(s, f, path, err);
    if (f >= 0)
        H5Fclose(f);
    H5Eset_auto2(H5E_DEFAULT, fn, data);
    if (st) {
        bs_sweep_free(s);
        return NULL;
    }
    return s;
}

int bs_sweep_is_table(const char *path)
{
    H5E_auto2_t fn;
    void *data;
    H5Eget_auto2(H5E_DEFAULT, &fn, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    int yes = f >= 0 && H5Aexists(f, "sweep") > 0 && H5Aexists(f, "format_version") <= 0;
    if (f >= 0)
        H5Fclose(f);
    H5Eset_auto2(H5E_DEFAULT, fn, data);
    return yes;
}
