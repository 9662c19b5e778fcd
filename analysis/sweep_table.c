/* SPDX-License-Identifier: MIT */
/*
 * sweep_table.c: a finished sweep's tables (sweep.h), one row per run in run
 * order: OUT (CSV, the journal's columns: run, point, replicate, seed, the
 * factors' values, then BRAND.OUTCOME for every brand and outcome; an empty
 * cell is an undefined outcome) and OUT's stem + ".h5", the same table for
 * h5py and pandas: /runs/{run,point,replicate,seed}, /factors/<path> (the
 * values as text, the design's unit coordinate as `unit` where it has one),
 * /outcomes/<brand>/<outcome> (NaN: undefined), root attributes naming the
 * sweep. Each is written to NAME.partial, flushed, and renamed when
 * complete; on any failure nothing is left under either name.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/sweep_internal.h"

void bs_sweep_table_h5(const char *csv, char *buf, size_t n)
{
    const char *slash = strrchr(csv, '/'), *dot = strrchr(csv, '.');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - csv) : strlen(csv);
    snprintf(buf, n, "%.*s.h5", (int)stem, csv);
}

static bs_status write_csv(const bs_sweep *s, const char *path, bs_error *err)
{
    char partial[4200];
    snprintf(partial, sizeof partial, "%s.writing", path);
    FILE *f = fopen(partial, "w");
    if (!f)
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s: %s", partial, strerror(errno));
    bs_sweep_write_header(s, f);
    for (size_t k = 0; k < bs_sweep_runs(s); k++)
        bs_sweep_write_row(s, k, f);
    int bad = fflush(f) || ferror(f) || fsync(fileno(f));
    bad |= fclose(f) != 0;
    if (bad || rename(partial, path)) {
        int e = errno;
        unlink(partial);
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s: %s", path, strerror(e));
    }
    return BS_OK;
}

/* ---- HDF5 ----------------------------------------------------------------------------- */

static herr_t attr_text(hid_t loc, const char *name, const char *text)
{
    hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hid_t a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, t, &text);
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    return rc;
}

static herr_t attr_scalar(hid_t loc, const char *name, hid_t ftype, hid_t mtype, const void *x)
{
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, mtype, x);
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(sp);
    return rc;
}

static herr_t attr_int(hid_t loc, const char *name, int64_t x)
{
    return attr_scalar(loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &x);
}

static herr_t attr_u64(hid_t loc, const char *name, uint64_t x)
{
    return attr_scalar(loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &x);
}

static herr_t attr_double(hid_t loc, const char *name, double x)
{
    return attr_scalar(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &x);
}

static herr_t column(hid_t g, const char *name, hid_t ftype, hid_t mtype, size_t n,
                     const void *data, const char *description)
{
    hsize_t d = n;
    hid_t sp = H5Screate_simple(1, &d, NULL);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t ds = H5Dcreate2(g, name, ftype, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = ds < 0 ? -1 : H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    if (rc >= 0 && description)
        rc = attr_text(ds, "description", description);
    if (ds >= 0)
        H5Dclose(ds);
    H5Pclose(lcpl);
    H5Sclose(sp);
    return rc;
}

static herr_t text_column(hid_t g, const char *name, const char *const *text, size_t n,
                          const char *description)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    herr_t rc = column(g, name, t, t, n, text, description);
    H5Tclose(t);
    return rc;
}

/* /series/day (steps) and /series/<brand>/<metric> (runs x steps). */
static herr_t write_series(const bs_sweep *s, hid_t f)
{
    const size_t runs = bs_sweep_runs(s), S = (size_t)s->steps, nb = (size_t)s->nb;
    double *m = malloc(runs * S * sizeof *m);
    herr_t rc = m ? 0 : -1;
    for (size_t t = 0; rc >= 0 && t < S; t++)
        m[t] = (double)(t + 1) * s->base->step_days;
    if (rc >= 0)
        rc = column(f, "series/day", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, S, m,
                    "simulated day at the end of each step");
    for (size_t j = 0; rc >= 0 && j < nb; j++)
        for (int q = 0; rc >= 0 && q < BS_SWEEP_SERIES; q++) {
            for (size_t k = 0; k < runs; k++)
                for (size_t t = 0; t < S; t++)
                    m[k * S + t] = s->series[((k * S + t) * BS_SWEEP_SERIES + (size_t)q) * nb + j];
            const bs_metric_info *mi = bs_metric_get(bs_sweep_series_metric[q]);
            char name[160];
            snprintf(name, sizeof name, "series/%s/%s", bs_sweep_brand(s, (int)j), mi->name);
            hsize_t d[2] = {runs, S};
            hid_t sp = H5Screate_simple(2, d, NULL), lcpl = H5Pcreate(H5P_LINK_CREATE);
            H5Pset_create_intermediate_group(lcpl, 1);
            hid_t ds = H5Dcreate2(f, name, H5T_IEEE_F64LE, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
            rc = ds < 0 ? -1 : H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, m);
            if (rc >= 0)
                rc = attr_text(ds, "description", mi->description);
            if (rc >= 0)
                rc = attr_text(ds, "units", mi->units);
            if (ds >= 0)
                H5Dclose(ds);
            H5Pclose(lcpl);
            H5Sclose(sp);
        }
    free(m);
    return rc;
}

static herr_t write_h5_body(const bs_sweep *s, hid_t f)
{
    const size_t runs = bs_sweep_runs(s), P = s->P;
    uint64_t *u64 = malloc((runs ? runs : 1) * sizeof *u64);
    double *x = malloc((runs ? runs : 1) * sizeof *x);
    const char **text = malloc((runs ? runs : 1) * sizeof *text);
    herr_t rc = u64 && x && text ? 0 : -1;
    rc = rc < 0 ? rc : attr_text(f, "sweep", s->name);
    rc = rc < 0 ? rc : attr_text(f, "source", s->source);
    rc = rc < 0 ? rc : attr_text(f, "scenario", s->base->name);
    rc = rc < 0 ? rc : attr_text(f, "design", s->design == BS_DESIGN_COUNT ? "file"
                                                                               : bs_design_name(s->design));
    /* what bs_sweep_open_table needs to rebuild the sweep: factors and brands in order, the
       options, the design's size and seed */
    char *list = NULL;
    size_t list_len = 0;
    FILE *m = open_memstream(&list, &list_len);
    for (int i = 0; m && i < s->k; i++)
        fprintf(m, "%s%s", i ? "\n" : "", s->factors[i].path);
    if (!m || fclose(m))
        rc = -1;
    rc = rc < 0 ? rc : attr_text(f, "factors", list);
    free(list);
    list = NULL;
    m = open_memstream(&list, &list_len);
    for (int j = 0; m && j < s->nb; j++)
        fprintf(m, "%s%s", j ? "\n" : "", bs_sweep_brand(s, j));
    if (!m || fclose(m))
        rc = -1;
    rc = rc < 0 ? rc : attr_text(f, "brands", list);
    free(list);
    const int64_t ints[7] = {s->ko, (int64_t)s->n_options, s->decide, (int64_t)s->spec.n,
                             (int64_t)s->P, s->R, s->spec.morris_levels};
    static const char *const int_names[7] = {"options", "option_combinations", "decide_for",
                                             "samples", "points", "replicates", "morris_levels"};
    for (int q = 0; rc >= 0 && q < 7; q++)
        rc = attr_int(f, int_names[q], ints[q]);
    rc = rc < 0 ? rc : attr_u64(f, "design_seed", s->spec.seed);
    rc = rc < 0 ? rc : attr_u64(f, "seed", s->base->seed);
    rc = rc < 0 ? rc : attr_double(f, "recovery_fraction", s->recovery);
    static const char *const key[3] = {"run", "point", "replicate"};
    static const char *const what[3] = {"run index: replicate x points + point",
                                        "design point (row of the design)",
                                        "replicate, from 0 (seed = the scenario's + replicate)"};
    for (int c = 0; rc >= 0 && c < 3; c++) {
        for (size_t k = 0; k < runs; k++)
            u64[k] = c == 0 ? k : c == 1 ? k % P : k / P;
        char name[32];
        snprintf(name, sizeof name, "runs/%s", key[c]);
        rc = column(f, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, runs, u64, what[c]);
    }
    for (size_t k = 0; rc >= 0 && k < runs; k++)
        u64[k] = s->base->seed + k / P;
    if (rc >= 0)
        rc = column(f, "runs/seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, runs, u64, "the run's seed");
    for (int i = 0; rc >= 0 && i < s->k; i++) {
        char name[BS_SWEEP_PATH_MAX + 32];
        for (size_t k = 0; k < runs; k++)
            text[k] = bs_sweep_cell(s, k % P, i);
        snprintf(name, sizeof name, "factors/%s/value", s->factors[i].path);
        rc = text_column(f, name, text, runs, "the factor's value in each run, as --set takes it");
        if (rc >= 0 && s->u) {
            for (size_t k = 0; k < runs; k++)
                x[k] = s->u[(k % P) * (size_t)s->k + (size_t)i];
            snprintf(name, sizeof name, "factors/%s/unit", s->factors[i].path);
            rc = column(f, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, runs, x,
                        "the design's coordinate of the run's point in [0, 1] (docs/DECISIONS.md)");
        }
    }
    for (int j = 0; rc >= 0 && j < s->nb; j++)
        for (int o = 0; rc >= 0 && o < BS_KPI_COUNT; o++) {
            const bs_kpi_info *ki = bs_kpi_get((bs_kpi)o);
            char name[160];
            for (size_t k = 0; k < runs; k++)
                x[k] = s->out[(k * (size_t)s->nb + (size_t)j) * BS_KPI_COUNT + (size_t)o];
            snprintf(name, sizeof name, "outcomes/%s/%s", bs_sweep_brand(s, j), ki->name);
            rc = column(f, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, runs, x, ki->label);
            char path[200];
            snprintf(path, sizeof path, "/%s", name);
            hid_t ds = rc < 0 ? -1 : H5Dopen2(f, path, H5P_DEFAULT);
            rc = ds < 0 ? -1 : attr_text(ds, "units", ki->percent ? "1 (a share)" : ki->units);
            if (ds >= 0)
                H5Dclose(ds);
        }
    if (rc >= 0 && s->series) /* every run's series: runs x steps per brand and metric */
        rc = write_series(s, f);
    free(u64);
    free(x);
    free(text);
    return rc;
}

static bs_status write_h5(const bs_sweep *s, const char *path, bs_error *err)
{
    char partial[4200];
    snprintf(partial, sizeof partial, "%s.partial", path);
    H5E_auto2_t fn;
    void *data;
    H5Eget_auto2(H5E_DEFAULT, &fn, &data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fcreate(partial, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = f < 0 ? -1 : write_h5_body(s, f);
    if (f >= 0 && H5Fclose(f) < 0)
        rc = -1;
    H5Eset_auto2(H5E_DEFAULT, fn, data);
    if (rc < 0 || rename(partial, path)) {
        unlink(partial);
        return bs_error_setf(err, BS_ERR_RUNTIME, "cannot write %s", path);
    }
    return BS_OK;
}

bs_status bs_sweep_write_tables(const bs_sweep *s, const char *csv, bs_error *err)
{
    char h5[4200];
    bs_sweep_table_h5(csv, h5, sizeof h5);
    bs_status st = write_h5(s, h5, err);
    return st ? st : write_csv(s, csv, err);
}
