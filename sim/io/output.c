/* SPDX-License-Identifier: MIT */
/*
 * output.c: the HDF5 writer of one run, the only place brandsim writes HDF5.
 *
 * bs_output_open() creates PATH.partial and lays out every dataset for the
 * whole run; bs_output_write_step() buffers one row per step and writes a
 * chunk of rows at a time; bs_output_finish() adds events and provenance,
 * closes the file and only then renames it to PATH. Any failure removes the
 * partial file. The layout is documented in docs/OUTPUT.md.
 *
 * Reproducibility: no object carries a timestamp, and everything that varies
 * between two runs of the same scenario and seed lives in /provenance.
 *
 * Coordinates: every group of series carries HDF5 dimension scales (the
 * high-level library's H5DS) for the dimensions of its datasets, so that
 * netCDF readers (xarray, netCDF4, h5netcdf) see named dimensions with
 * coordinates (docs/OUTPUT.md, "Dimension scales").
 */
#define _POSIX_C_SOURCE 200809L
#include "io/output.h"
#include "io/h5_util.h"


#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    CHUNK_ROWS = 64,   /* time steps per chunk of a time series */
    COLUMN_CHUNK = 4096, /* rows per chunk of /brands and /events datasets */
    KIND_MAX = (int)sizeof(((bs_event *)0)->kind),
    ENUM_NAME_MAX = 256, /* longest value name of an enumerated brand parameter */
    WHY_MAX = 200,       /* bytes of a failure's reason */
    COMPACT_MAX = 16384, /* a coordinate up to this many bytes is kept in its object header */
};

struct bs_output {
    char *path, *partial;
    int created;  /* partial file was created by us */
    int lock_fd;  /* the partial file, open and locked by us until renamed or removed; -1 none */
    hid_t file;
    hid_t series[BS_SEG_COUNT][BS_M_COUNT]; /* [BS_SEG_ALL]: /timeseries/brand */
    hid_t market[BS_MK_COUNT];
    /* /timeseries/quantile/<grouping>/<metric>, groupings with bins only */
    int qbins[BS_QG_COUNT], qtrait;
    hid_t quant[BS_QG_COUNT][BS_QM_COUNT];
    size_t qcol[BS_QG_COUNT]; /* the grouping's first column in a buffered row */
    hid_t step_ds, day_ds;
    int steps, n_brands, chunk_rows;
    /* ensemble files: R replicates of each of n_variants variants */
    int ensemble, R, n_variants;
    int variant, rep;   /* being written (-1: none) */
    int variants_done;  /* variants completed, in order */
    uint64_t seed;      /* base seed: replicate r has seed + r */
    hid_t vgroup;       /* /variants/<name> of the variant being written */
    int replicates_ended; /* every replicate of the variant is written: statistics may follow */
    hid_t ens;          /* its /ensemble group, once statistics are written (else invalid) */
    hid_t sum_brand[BS_SUMMARY_STATS], sum_segs[BS_SUMMARY_STATS], sum_market[BS_SUMMARY_STATS];
    hid_t sum_at[BS_SUMMARY_STATS]; /* the group of segment sum_seg under each statistic */
    hid_t sum_quant[BS_SUMMARY_STATS][BS_QG_COUNT]; /* <stat>/quantile/<grouping> */
    int sum_seg;        /* segment whose statistics are being written (-1: none) */
    double step_days;
    int done, buffered; /* steps received; of those, rows still in buf */
    size_t row_len;     /* BS_SEG_COUNT * BS_M_COUNT * n_brands + BS_MK_COUNT + quantiles */
    double *buf;        /* chunk_rows x row_len: st->v, st->market, st->quantile[g] */
    char (*names)[BS_NAME_MAX]; /* brand names, for /events/brand_name */
    char why[WHY_MAX];  /* reason of the first failure ("" if none) */
};

/* ---- errors ---------------------------------------------------------------- */

static bs_status vfail(bs_error *err, const char *reason, const char *fmt, va_list ap)
{
    char what[sizeof err->msg];
    vsnprintf(what, sizeof what, fmt, ap);
    if (reason)
        return bs_error_setf(err, BS_ERR_RUNTIME, "%s: %s", what, reason);
    return bs_error_setf(err, BS_ERR_RUNTIME, "%s", what);
}

/* Fill err with the formatted message; returns BS_ERR_RUNTIME. */
static bs_status fail(bs_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bs_status s = vfail(err, NULL, fmt, ap);
    va_end(ap);
    return s;
}

/* Keeps the innermost HDF5 error of a stack in buf (WHY_MAX bytes): the OS error it met
   ("errno = N" in its text), else its text. */
static herr_t innermost(unsigned n, const H5E_error2_t *e, void *buf)
{
    const char *desc = e->desc ? e->desc : "";
    const char *p = strstr(desc, "errno = ");
    int code = 0;
    if (n != 0)
        return 0;
    if (p && sscanf(p, "errno = %d", &code) == 1 && code > 0)
        snprintf(buf, WHY_MAX, "%s", strerror(code));
    else if (*desc)
        snprintf(buf, WHY_MAX, "%s", desc);
    else
        H5Eget_msg(e->min_num, NULL, buf, WHY_MAX);
    return 0;
}

/* HDF5's automatic error handler while this module runs: prints nothing, keeps the first
   failure's reason in o->why (HDF5 clears its stack at the next call, e.g. a cleanup). */
static herr_t remember_error(hid_t stack, void *data)
{
    bs_output *o = data;
    if (!o->why[0])
        H5Ewalk2(stack, H5E_WALK_UPWARD, innermost, o->why);
    return 0;
}

/* Send HDF5 errors to o's reason, or (NULL) nowhere: HDF5 never prints. */
static void errors_to(bs_output *o)
{
    H5Eset_auto2(H5E_DEFAULT, o ? remember_error : NULL, o);
}

/* Fill err with "MESSAGE: REASON", REASON being the first failure's (o->why), and
   forget it. */
static bs_status h5_fail(bs_output *o, bs_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bs_status s = vfail(err, o->why[0] ? o->why : "unknown HDF5 error", fmt, ap);
    va_end(ap);
    o->why[0] = '\0';
    return s;
}

/* ---- small HDF5 helpers (return < 0 on failure) ------------------------------ */

static herr_t describe(hid_t obj, const char *units, const char *desc, const char *dims)
{
    if (bs_h5_attr_str(obj, "units", units) < 0 || bs_h5_attr_str(obj, "description", desc) < 0)
        return -1;
    return dims ? bs_h5_attr_str(obj, "dims", dims) : 0;
}

/* No timestamps; chunked by `chunk` rows (all columns) with shuffle and deflate
   unless the dataset is empty, which HDF5 can only store contiguous. */
static herr_t set_layout(hid_t dcpl, int rank, const hsize_t *dims, hsize_t chunk, int per_rep)
{
    /* per_rep: the first dimension is the replicate: one replicate's rows per chunk */
    hsize_t cdims[4] = {chunk, 0, 0, 0};
    for (int d = 1; d < rank && d < 4; d++)
        cdims[d] = dims[d];
    if (per_rep) {
        cdims[0] = 1;
        cdims[1] = chunk;
    }
    if (H5Pset_obj_track_times(dcpl, 0) < 0)
        return -1;
    for (int d = 0; d < rank; d++)
        if (dims[d] == 0)
            return 0;
    if (H5Pset_chunk(dcpl, rank, cdims) < 0 || H5Pset_shuffle(dcpl) < 0
        || H5Pset_deflate(dcpl, 4) < 0)
        return -1;
    return 0;
}

/* A dataset of rank 1 to 4. Its chunk cache is off: whole chunks are written at once. */
static hid_t dataset_create_in(hid_t loc, const char *name, hid_t type, int rank,
                               const hsize_t *dims, hsize_t chunk, int per_rep)
{
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
    hid_t ds = H5I_INVALID_HID;
    if (space >= 0 && dcpl >= 0 && dapl >= 0 && set_layout(dcpl, rank, dims, chunk, per_rep) >= 0
        && H5Pset_chunk_cache(dapl, H5D_CHUNK_CACHE_NSLOTS_DEFAULT, 0,
                              H5D_CHUNK_CACHE_W0_DEFAULT) >= 0)
        ds = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, dapl);
    if (dapl >= 0)
        H5Pclose(dapl);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return ds;
}

static hid_t dataset_create(hid_t loc, const char *name, hid_t type, int rank,
                            const hsize_t *dims, hsize_t chunk)
{
    return dataset_create_in(loc, name, type, rank, dims, chunk, 0);
}

/* A time series with one row block per replicate in an ensemble file. */
static hid_t series_create(bs_output *o, hid_t loc, const char *name, int rank,
                           const hsize_t *dims)
{
    return dataset_create_in(loc, name, H5T_IEEE_F64LE, rank, dims, o->chunk_rows, o->ensemble);
}

/* A whole 1-D dataset of n values, written at once, with its attributes. */
static herr_t write_column(hid_t loc, const char *name, hid_t ftype, hid_t mtype, size_t n,
                           const void *data, const char *units, const char *desc)
{
    hsize_t dims[1] = {n};
    hid_t ds = dataset_create(loc, name, ftype, 1, dims, n < COLUMN_CHUNK ? n : COLUMN_CHUNK);
    herr_t rc = ds < 0 ? -1 : describe(ds, units, desc, NULL);
    if (rc >= 0 && n > 0)
        rc = H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    if (ds >= 0 && H5Dclose(ds) < 0)
        rc = -1;
    return rc;
}

/* A 1-D dataset of fixed-length strings, as long as the longest (at most maxlen). */
static herr_t write_strings(bs_output *o, hid_t loc, const char *name, const char *const *s,
                            size_t n, size_t maxlen, const char *units, const char *desc)
{
    size_t size = 1;
    for (size_t i = 0; i < n; i++)
        if (strnlen(s[i], maxlen) > size)
            size = strnlen(s[i], maxlen);
    char *packed = calloc(n ? n : 1, size);
    hid_t t = packed ? bs_h5_str_type(size) : H5I_INVALID_HID;
    if (!packed)
        snprintf(o->why, sizeof o->why, "out of memory");
    for (size_t i = 0; packed && i < n; i++)
        memcpy(packed + i * size, s[i], strnlen(s[i], size));
    herr_t rc = t < 0 ? -1 : write_column(loc, name, t, t, n, packed, units, desc);
    if (t >= 0)
        H5Tclose(t);
    free(packed);
    return rc;
}

/* ---- coordinates: dimension scales ------------------------------------------------
 * A netCDF reader finds a dataset's dimensions through the dimension scales attached to
 * it (H5DS), looking in the dataset's group and then its ancestors; but xarray's
 * open_dataset(group=...) shows as coordinates only the variables of the group it opened.
 * So every group of series holds its own small coordinate datasets, named as the
 * dimensions (the names in the datasets' `dims` attribute):
 *   step       int32 (S)  scale: 0 .. S-1
 *   day        float64 (S) along step: (step + 1) * step_days
 *   brand      string (B) scale: the brand names, as /brands/name
 *   bin        int32 (Q)  scale of a quantile group: 0 .. Q-1, and bin_name (Q) along it
 *   replicate  int32 (R)  scale of an ensemble's /variants/<v>/timeseries groups: 0 .. R-1
 * day and bin_name are not scales (a second scale on a dimension becomes a dimension of
 * its own to netCDF) but coordinates along one, named in the group's `coordinates`
 * attribute, which xarray reads (CF puts it on each variable: 350 to 3 000 more
 * attributes a file, for the same effect). The dimensions are not labelled (H5DSset_label):
 * the scales and the `dims` attribute name them already, netCDF shows the labels as a
 * stray DIMENSION_LABELS attribute, and they made a file 7 % (one run) to 17 % larger.
 * The strings are variable length: netCDF-C 4.9 crashes on a fixed-length string scale. */

#define REPLICATE_DESC \
    "replicate, from 0 (seed: the scenario's seed + replicate): the scale of the replicate " \
    "dimension"

/* A 1-D coordinate of n values: compact (in its object header) when small, else
   contiguous; no timestamps. Returns the open dataset, or < 0. Its conversion buffer
   (strings) is as large as it needs: HDF5's default, 1 MiB zeroed at every write, took
   a second per ensemble file. */
static hid_t coord_create(hid_t g, const char *name, hid_t ftype, hid_t mtype, size_t n,
                          const void *data, const char *units, const char *desc)
{
    hsize_t dims[1] = {n};
    size_t bytes = n * H5Tget_size(ftype);
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    hid_t ds = H5I_INVALID_HID;
    if (space >= 0 && dcpl >= 0 && dxpl >= 0 && H5Pset_obj_track_times(dcpl, 0) >= 0
        && H5Pset_layout(dcpl, bytes <= COMPACT_MAX ? H5D_COMPACT : H5D_CONTIGUOUS) >= 0
        && H5Pset_buffer(dxpl, 2 * bytes + 64, NULL, NULL) >= 0)
        ds = H5Dcreate2(g, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (ds >= 0
        && (describe(ds, units, desc, NULL) < 0
            || (n > 0 && H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, dxpl, data) < 0))) {
        H5Dclose(ds);
        ds = H5I_INVALID_HID;
    }
    if (dxpl >= 0)
        H5Pclose(dxpl);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return ds;
}

/* Close a coordinate; -1 if it was never made or does not close. */
static herr_t coord_close(hid_t ds, herr_t rc)
{
    if (ds < 0)
        return -1;
    return H5Dclose(ds) < 0 ? -1 : rc;
}

/* Make `scale` the dimension scale `name` and attach it to dimension 0 of `along`, a
   coordinate of the same length (day along step, bin_name along bin). */
static herr_t scale_with(hid_t scale, const char *name, hid_t along)
{
    return H5DSset_scale(scale, name) < 0 || H5DSattach_scale(along, scale, 0) < 0 ? -1 : 0;
}

/* step (scale) and day along it, in group g. */
static herr_t coords_step(const bs_output *o, hid_t g)
{
    size_t S = (size_t)o->steps;
    int *step = malloc((S ? S : 1) * sizeof *step);
    double *day = malloc((S ? S : 1) * sizeof *day);
    hid_t st = H5I_INVALID_HID, dy = H5I_INVALID_HID;
    for (size_t t = 0; step && day && t < S; t++) {
        step[t] = (int)t;
        day[t] = (double)(t + 1) * o->step_days;
    }
    if (step && day) {
        st = coord_create(g, "step", H5T_STD_I32LE, H5T_NATIVE_INT, S, step, "steps",
                          "step index, from 0: the scale of the step dimension");
        dy = st < 0 ? H5I_INVALID_HID
                    : coord_create(g, "day", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, S, day, "days",
                                   "simulated day at the end of the step: (step + 1) * "
                                   "step_days; a coordinate along step");
    }
    herr_t rc = st >= 0 && dy >= 0 ? scale_with(st, "step", dy) : -1;
    if (st >= 0)
        rc = coord_close(st, rc);
    if (dy >= 0)
        rc = coord_close(dy, rc);
    free(step);
    free(day);
    return rc;
}

/* An int32 scale `name` of 0 .. n-1 in group g, returned open (or < 0). */
static hid_t coord_index(hid_t g, const char *name, int n, const char *units, const char *desc)
{
    int *v = malloc((n > 0 ? (size_t)n : 1) * sizeof *v);
    for (int i = 0; v && i < n; i++)
        v[i] = i;
    hid_t ds = v ? coord_create(g, name, H5T_STD_I32LE, H5T_NATIVE_INT, (size_t)n, v, units, desc)
                 : H5I_INVALID_HID;
    free(v);
    if (ds >= 0 && H5DSset_scale(ds, name) < 0) {
        H5Dclose(ds);
        ds = H5I_INVALID_HID;
    }
    return ds;
}

/* A variable-length UTF-8 string coordinate (the type of netCDF's string). */
static hid_t coord_strings(hid_t g, const char *name, const char *const *s, size_t n,
                           const char *desc)
{
    hid_t t = bs_h5_str_type(0);
    hid_t ds = t < 0 ? H5I_INVALID_HID : coord_create(g, name, t, t, n, s, "", desc);
    if (t >= 0)
        H5Tclose(t);
    return ds;
}

/* brand (scale): the brand names. */
static herr_t coords_brand(const bs_output *o, hid_t g)
{
    const char *names[BS_MAX_BRANDS];
    for (int b = 0; b < o->n_brands; b++)
        names[b] = o->names[b];
    hid_t ds = coord_strings(g, "brand", names, (size_t)o->n_brands,
                             "brand name, as /brands/name: the scale of the brand dimension");
    return coord_close(ds, ds >= 0 ? H5DSset_scale(ds, "brand") : -1);
}

/* bin (scale) of quantile grouping qg, and bin_name along it (strength_q1, ...). */
static herr_t coords_bin(const bs_output *o, hid_t g, int qg)
{
    int Q = o->qbins[qg];
    char(*label)[BS_NAME_MAX + 16] = calloc(Q > 0 ? (size_t)Q : 1, sizeof *label);
    const char **names = calloc(Q > 0 ? (size_t)Q : 1, sizeof *names);
    hid_t bin = H5I_INVALID_HID, bn = H5I_INVALID_HID;
    for (int q = 0; label && names && q < Q; q++)
        names[q] = bs_quantile_bin_name(qg, o->qtrait, q, label[q], sizeof label[q]);
    if (label && names) {
        bin = coord_index(g, "bin", Q, "",
                          "quantile bin, 0 the lowest: the scale of the bin dimension");
        bn = bin < 0 ? H5I_INVALID_HID
                     : coord_strings(g, "bin_name", names, (size_t)Q,
                                     "the bin's name in the analysis commands: <grouping>_q<bin "
                                     "+ 1>; a coordinate along bin");
    }
    herr_t rc = bin >= 0 && bn >= 0 ? scale_with(bin, "bin", bn) : -1;
    if (bin >= 0)
        rc = coord_close(bin, rc);
    if (bn >= 0)
        rc = coord_close(bn, rc);
    free(label);
    free(names);
    return rc;
}

/* The coordinates of a group of series whose datasets have the dimensions named in
   `dims` (as their `dims` attribute: "replicate,step,bin,brand" or a part of it); qg: the
   quantile grouping of a bin dimension. The group's `coordinates` attribute names those
   that are not scales. */
static herr_t coords_create(const bs_output *o, hid_t g, const char *dims, int qg)
{
    herr_t rc = coords_step(o, g);
    if (rc >= 0)
        rc = bs_h5_attr_str(g, "coordinates", strstr(dims, "bin") ? "day bin_name" : "day");
    if (rc >= 0 && strstr(dims, "brand"))
        rc = coords_brand(o, g);
    if (rc >= 0 && strstr(dims, "bin"))
        rc = coords_bin(o, g, qg);
    if (rc >= 0 && strstr(dims, "replicate")) {
        hid_t r = coord_index(g, "replicate", o->R, "", REPLICATE_DESC);
        rc = coord_close(r, r >= 0 ? 0 : -1);
    }
    return rc;
}

/* Attach dataset ds's dimensions, named in order in `dims`, to the scales of those names
   in its group g: its DIMENSION_LIST attribute, written in one go as H5DSattach_scale
   writes it (one object reference per dimension). The scales' back-references
   (REFERENCE_LIST), which H5DSattach_scale rewrites whole on every attach and which no
   reader needs to find a dataset's dimensions, are not kept: with them a small ensemble
   took twice as long to write (docs/OUTPUT.md, "Dimension scales"). */
static herr_t coords_attach(hid_t g, hid_t ds, const char *dims)
{
    hobj_ref_t refs[4];
    hvl_t list[4];
    unsigned d = 0;
    for (const char *p = dims; *p; d++) {
        size_t len = strcspn(p, ",");
        char name[16] = "";
        if (len >= sizeof name || d >= 4)
            return -1;
        memcpy(name, p, len);
        if (H5Rcreate(&refs[d], g, name, H5R_OBJECT, -1) < 0)
            return -1;
        list[d].len = 1;
        list[d].p = &refs[d];
        p += len + (p[len] == ',');
    }
    hsize_t n = d;
    hid_t t = H5Tvlen_create(H5T_STD_REF_OBJ), sp = H5Screate_simple(1, &n, NULL);
    hid_t a = t < 0 || sp < 0 ? H5I_INVALID_HID
                              : H5Acreate2(ds, "DIMENSION_LIST", t, sp, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, t, list);
    if (a >= 0 && H5Aclose(a) < 0)
        rc = -1;
    if (sp >= 0)
        H5Sclose(sp);
    if (t >= 0)
        H5Tclose(t);
    return rc;
}

/* /variants/<v>/seeds along a replicate scale of the variant's group. */
static herr_t seeds_scale(const bs_output *o)
{
    hid_t r = coord_index(o->vgroup, "replicate", o->R, "", REPLICATE_DESC);
    hid_t seeds = r < 0 ? H5I_INVALID_HID : H5Dopen2(o->vgroup, "seeds", H5P_DEFAULT);
    herr_t rc = seeds >= 0 && H5DSattach_scale(seeds, r, 0) >= 0 ? 0 : -1;
    if (seeds >= 0 && H5Dclose(seeds) < 0)
        rc = -1;
    return coord_close(r, rc);
}

/* ---- layout ------------------------------------------------------------------- */

static herr_t write_root_attrs(hid_t f, const bs_scenario *sc, const char *yaml,
                               const char *overrides)
{
    uint64_t seed = sc->seed;
    int64_t consumers = sc->consumers;
    char name[BS_NAME_MAX + 1] = "", desc[sizeof sc->description + 1] = "";
    memcpy(name, sc->name, strnlen(sc->name, BS_NAME_MAX));
    memcpy(desc, sc->description, strnlen(sc->description, sizeof sc->description));
    if (bs_h5_attr_int(f, "format_version", BS_OUTPUT_FORMAT_VERSION) < 0
        || bs_h5_attr_str(f, "description", desc) < 0
        || bs_h5_attr_str(f, "scenario", yaml) < 0 || bs_h5_attr_str(f, "overrides", overrides) < 0
        || bs_h5_attr_write(f, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &seed) < 0
        || bs_h5_attr_str(f, "scenario_name", name) < 0
        || bs_h5_attr_write(f, "consumers", H5T_STD_I64LE, H5T_NATIVE_INT64, &consumers) < 0
        || bs_h5_attr_int(f, "steps", sc->steps) < 0 || bs_h5_attr_double(f, "step_days", sc->step_days) < 0
        || bs_h5_attr_int(f, "n_brands", sc->n_brands) < 0)
        return -1;
    return 0;
}

/* Root attributes of an ensemble file, beyond those of one run. */
static herr_t write_ensemble_attrs(hid_t f, const bs_scenario *sc, int n_variants,
                                   const char *const *names)
{
    size_t len = 1;
    for (int v = 0; v < n_variants; v++)
        len += strlen(names[v]) + 1;
    char *joined = malloc(len);
    if (!joined)
        return -1;
    joined[0] = '\0';
    for (int v = 0, n = 0; v < n_variants; v++)
        n += snprintf(joined + n, len - (size_t)n, "%s%s", v ? "\n" : "", names[v]);
    herr_t rc = bs_h5_attr_str(f, "layout", "ensemble") < 0
                        || bs_h5_attr_int(f, "replicates", sc->replicates) < 0
                        || bs_h5_attr_int(f, "n_variants", n_variants) < 0
                        || bs_h5_attr_str(f, "variants", joined) < 0
                    ? -1
                    : 0;
    free(joined);
    return rc;
}

static herr_t create_axes(bs_output *o, hid_t ts)
{
    hsize_t dims[1] = {(hsize_t)o->steps};
    o->step_ds = dataset_create(ts, "step", H5T_STD_I32LE, 1, dims, o->chunk_rows);
    if (o->step_ds < 0 || describe(o->step_ds, "steps", "step index, from 0", NULL) < 0)
        return -1;
    o->day_ds = dataset_create(ts, "day", H5T_IEEE_F64LE, 1, dims, o->chunk_rows);
    if (o->day_ds < 0
        || describe(o->day_ds, "days",
                    "simulated day at the end of the step: (step + 1) * step_days", NULL) < 0
        || scale_with(o->step_ds, "step", o->day_ds) < 0 || bs_h5_attr_str(ts, "coordinates", "day") < 0)
        return -1;
    return 0;
}

/* One group holding a (steps, brands) dataset per brand metric, within segment seg. */
static herr_t create_metric_group(bs_output *o, hid_t loc, const char *name, bs_segment seg)
{
    /* one run: (steps, brands); an ensemble: (replicates, steps, brands) */
    int rank = o->ensemble ? 3 : 2;
    hsize_t dims[3] = {(hsize_t)o->steps, (hsize_t)o->n_brands, 0};
    if (o->ensemble) {
        dims[0] = (hsize_t)o->R;
        dims[1] = (hsize_t)o->steps;
        dims[2] = (hsize_t)o->n_brands;
    }
    const char *dim_names = o->ensemble ? "replicate,step,brand" : "step,brand";
    hid_t g = bs_h5_group(loc, name);
    herr_t rc = g < 0 ? -1 : coords_create(o, g, dim_names, -1);
    for (int m = 0; rc >= 0 && m < BS_M_COUNT; m++) {
        const bs_metric_info *mi = bs_metric_get((bs_metric)m);
        char desc[512];
        if (seg == BS_SEG_ALL)
            snprintf(desc, sizeof desc, "%s", mi->description);
        else
            snprintf(desc, sizeof desc, "%s, within segment %s", mi->description, name);
        hid_t ds = series_create(o, g, mi->name, rank, dims);
        o->series[seg][m] = ds;
        if (ds < 0 || describe(ds, mi->units, desc, dim_names) < 0
            || coords_attach(g, ds, dim_names) < 0)
            rc = -1;
    }
    if (g >= 0 && H5Gclose(g) < 0)
        rc = -1;
    return rc;
}

static herr_t create_segments(bs_output *o, hid_t ts)
{
    hid_t g = bs_h5_group(ts, "segment");
    herr_t rc = g < 0 ? -1 : 0;
    for (int s = 0; rc >= 0 && s < BS_SEG_COUNT; s++)
        if (s != BS_SEG_ALL)
            rc = create_metric_group(o, g, bs_segment_name((bs_segment)s), (bs_segment)s);
    if (g >= 0 && H5Gclose(g) < 0)
        rc = -1;
    return rc;
}

static herr_t create_market(bs_output *o, hid_t ts)
{
    int rank = o->ensemble ? 2 : 1;
    hsize_t dims[2] = {(hsize_t)o->steps, 0};
    if (o->ensemble) {
        dims[0] = (hsize_t)o->R;
        dims[1] = (hsize_t)o->steps;
    }
    hid_t g = bs_h5_group(ts, "market");
    herr_t rc = g < 0 ? -1 : coords_create(o, g, o->ensemble ? "replicate,step" : "step", -1);
    for (int k = 0; rc >= 0 && k < BS_MK_COUNT; k++) {
        const bs_metric_info *mi = bs_market_metric_get((bs_market_metric)k);
        o->market[k] = series_create(o, g, mi->name, rank, dims);
        if (o->market[k] < 0
            || describe(o->market[k], mi->units, mi->description,
                        o->ensemble ? "replicate,step" : NULL) < 0
            || coords_attach(g, o->market[k], o->ensemble ? "replicate,step" : "step") < 0)
            rc = -1;
    }
    if (g >= 0 && H5Gclose(g) < 0)
        rc = -1;
    return rc;
}

/* What a quantile grouping bins by: "prior_strength" or the trait's name. */
static const char *quantile_by(const bs_output *o, int g)
{
    return g == BS_QG_STRENGTH ? "prior_strength" : bs_trait_name(o->qtrait);
}

/* The attributes of a quantile group or dataset: by, bins, and a description. */
static herr_t describe_quantile(const bs_output *o, hid_t obj, int g)
{
    return bs_h5_attr_str(obj, "by", quantile_by(o, g)) < 0 || bs_h5_attr_int(obj, "bins", o->qbins[g]) < 0
               ? -1
               : 0;
}

/* One sentence on what bin q of grouping g holds, for descriptions. */
static void quantile_what(const bs_output *o, int g, char *buf, size_t n)
{
    if (g == BS_QG_STRENGTH)
        snprintf(buf, n, "by quantile bin of prior relationship strength (R at the start of the "
                 "reference step, relationships active then; bin 0 the weakest, %d bins; ties in "
                 "one bin)", o->qbins[g]);
    else
        snprintf(buf, n, "by quantile bin of the consumers' %s (bin 0 the lowest, %d bins; ties "
                 "in one bin)", quantile_by(o, g), o->qbins[g]);
}

/* /timeseries/quantile/<grouping>/<metric>: (steps, bins, brands), in an ensemble
   (replicates, steps, bins, brands), for each grouping with bins. */
static herr_t create_quantiles(bs_output *o, hid_t ts)
{
    if (o->qbins[BS_QG_STRENGTH] + o->qbins[BS_QG_TRAIT] == 0)
        return 0;
    hid_t top = bs_h5_group(ts, "quantile");
    herr_t rc = top < 0 ? -1 : 0;
    for (int g = 0; rc >= 0 && g < BS_QG_COUNT; g++) {
        if (!o->qbins[g])
            continue;
        char what[300];
        quantile_what(o, g, what, sizeof what);
        const char *dim_names = o->ensemble ? "replicate,step,bin,brand" : "step,bin,brand";
        hid_t grp = bs_h5_group(top, bs_quantile_grouping_name((bs_quantile_grouping)g));
        if (grp < 0 || describe_quantile(o, grp, g) < 0 || bs_h5_attr_str(grp, "description", what) < 0
            || coords_create(o, grp, dim_names, g) < 0)
            rc = -1;
        const int rank = o->ensemble ? 4 : 3;
        hsize_t dims[4] = {(hsize_t)o->steps, (hsize_t)o->qbins[g], (hsize_t)o->n_brands, 0};
        if (o->ensemble) {
            dims[0] = (hsize_t)o->R;
            dims[1] = (hsize_t)o->steps;
            dims[2] = (hsize_t)o->qbins[g];
            dims[3] = (hsize_t)o->n_brands;
        }
        for (int m = 0; rc >= 0 && m < BS_QM_COUNT; m++) {
            const bs_metric_info *mi = bs_quantile_metric_get((bs_quantile_metric)m);
            char desc[600];
            snprintf(desc, sizeof desc, "%s, %s", mi->description, what);
            hid_t ds = series_create(o, grp, mi->name, rank, dims);
            o->quant[g][m] = ds;
            if (ds < 0 || describe(ds, mi->units, desc, dim_names) < 0
                || describe_quantile(o, ds, g) < 0 || coords_attach(grp, ds, dim_names) < 0)
                rc = -1;
        }
        if (grp >= 0 && H5Gclose(grp) < 0)
            rc = -1;
    }
    if (top >= 0 && H5Gclose(top) < 0)
        rc = -1;
    return rc;
}

static herr_t create_series(bs_output *o, hid_t loc)
{
    hid_t ts = bs_h5_group(loc, "timeseries");
    herr_t rc = ts < 0 ? -1 : create_axes(o, ts);
    if (rc >= 0)
        rc = create_metric_group(o, ts, "brand", BS_SEG_ALL);
    if (rc >= 0)
        rc = create_segments(o, ts);
    if (rc >= 0)
        rc = create_market(o, ts);
    if (rc >= 0)
        rc = create_quantiles(o, ts);
    if (ts >= 0 && H5Gclose(ts) < 0)
        rc = -1;
    return rc;
}

/* ---- /brands ------------------------------------------------------------------ */

static const void *brand_field(const bs_scenario *sc, int b, const bs_param *p)
{
    return (const char *)&sc->brands[b] + p->offset;
}


/* Enumeration values as their names (and string parameters as they are). */
static herr_t write_param_strings(bs_output *o, hid_t g, const bs_scenario *sc, const bs_param *p)
{
    const char *s[BS_MAX_BRANDS];
    for (int b = 0; b < sc->n_brands; b++) {
        if (p->type != BS_P_ENUM) {
            s[b] = brand_field(sc, b, p);
            continue;
        }
        int value = *(const int *)brand_field(sc, b, p);
        s[b] = bs_param_enum_name(p, value);
        if (!s[b]) {
            snprintf(o->why, sizeof o->why, "brand %d: '%s' = %d is not a known value", b,
                     p->key, value);
            return -1;
        }
    }
    size_t maxlen = p->type == BS_P_ENUM ? ENUM_NAME_MAX : p->size ? p->size : BS_NAME_MAX;
    return write_strings(o, g, p->key, s, (size_t)sc->n_brands, maxlen, p->unit, p->desc);
}

/* A numeric parameter: each brand's field (`size` bytes) gathered into one column. */
static herr_t write_param_numbers(hid_t g, const bs_scenario *sc, const bs_param *p, hid_t ftype,
                                  hid_t mtype, size_t size)
{
    unsigned char column[BS_MAX_BRANDS * sizeof(uint64_t)];
    for (int b = 0; b < sc->n_brands; b++)
        memcpy(column + (size_t)b * size, brand_field(sc, b, p), size);
    return write_column(g, p->key, ftype, mtype, (size_t)sc->n_brands, column, p->unit, p->desc);
}

static herr_t write_param(bs_output *o, hid_t g, const bs_scenario *sc, const bs_param *p)
{
    switch (p->type) {
    case BS_P_REAL:
        return write_param_numbers(g, sc, p, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, sizeof(double));
    case BS_P_INT:
    case BS_P_BOOL:
        return write_param_numbers(g, sc, p, H5T_STD_I32LE, H5T_NATIVE_INT, sizeof(int));
    case BS_P_I64:
        return write_param_numbers(g, sc, p, H5T_STD_I64LE, H5T_NATIVE_INT64, sizeof(int64_t));
    case BS_P_U64:
        return write_param_numbers(g, sc, p, H5T_STD_U64LE, H5T_NATIVE_UINT64, sizeof(uint64_t));
    case BS_P_ENUM:
    case BS_P_STRING:
        return write_param_strings(o, g, sc, p);
    default: /* a brand list is not a property of one brand */
        return 0;
    }
}

static herr_t write_brands(bs_output *o, const bs_scenario *sc)
{
    const char *names[BS_MAX_BRANDS];
    int n = 0;
    const bs_param *p = bs_params(BS_SECTION_BRAND, &n);
    hid_t g = bs_h5_group(o->file, "brands");
    for (int b = 0; b < sc->n_brands; b++)
        names[b] = o->names[b];
    herr_t rc = g < 0 ? -1
                      : write_strings(o, g, "name", names, (size_t)sc->n_brands, BS_NAME_MAX, "",
                                      "brand name; row b is brand index b everywhere");
    for (int i = 0; rc >= 0 && p && i < n; i++)
        if (strcmp(p[i].key, "name") != 0)
            rc = write_param(o, g, sc, &p[i]);
    if (g >= 0 && H5Gclose(g) < 0)
        rc = -1;
    return rc;
}

/* ---- /events and /provenance ------------------------------------------------- */

static herr_t write_event_strings(bs_output *o, hid_t g, const bs_event *ev, size_t n)
{
    const char **s = calloc(n ? n : 1, sizeof *s);
    herr_t rc = s ? 0 : -1;
    if (!s)
        snprintf(o->why, sizeof o->why, "out of memory");
    for (size_t i = 0; s && i < n; i++)
        s[i] = ev[i].brand >= 0 && ev[i].brand < o->n_brands ? o->names[ev[i].brand] : "";
    if (rc >= 0)
        rc = write_strings(o, g, "brand_name", s, n, BS_NAME_MAX, "",
                           "name of the brand (empty if the event concerns no single brand)");
    for (size_t i = 0; s && i < n; i++)
        s[i] = ev[i].kind;
    if (rc >= 0)
        rc = write_strings(o, g, "kind", s, n, KIND_MAX, "",
                           "what happened: breach:hack, betrayal:fee, response:apology, ...");
    free(s);
    return rc;
}

static herr_t write_event_numbers(bs_output *o, hid_t g, const bs_event *ev, size_t n)
{
    int *v = malloc((n ? n : 1) * sizeof *v);
    double *d = malloc((n ? n : 1) * sizeof *d);
    herr_t rc = v && d ? 0 : -1;
    if (rc < 0)
        snprintf(o->why, sizeof o->why, "out of memory");
    for (size_t i = 0; rc >= 0 && i < n; i++)
        v[i] = ev[i].step;
    if (rc >= 0)
        rc = write_column(g, "step", H5T_STD_I32LE, H5T_NATIVE_INT, n, v, "steps",
                          "step at which the event happened, from 0");
    for (size_t i = 0; rc >= 0 && i < n; i++)
        v[i] = ev[i].brand;
    if (rc >= 0)
        rc = write_column(g, "brand", H5T_STD_I32LE, H5T_NATIVE_INT, n, v, "1",
                          "brand index into /brands (-1 if none)");
    for (size_t i = 0; rc >= 0 && i < n; i++)
        d[i] = ev[i].size;
    if (rc >= 0)
        rc = write_column(g, "size", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, d, "1",
                          "breach: share of records; others: severity [0,1]");
    free(v);
    free(d);
    return rc;
}

static herr_t write_events(bs_output *o, hid_t loc, const bs_event *ev, int n)
{
    hid_t g = bs_h5_group(loc, "events");
    herr_t rc = g < 0 ? -1 : write_event_numbers(o, g, ev, (size_t)n);
    if (rc >= 0)
        rc = write_event_strings(o, g, ev, (size_t)n);
    if (g >= 0 && H5Gclose(g) < 0)
        rc = -1;
    return rc;
}

/* ---- the exit-policy timeline --------------------------------------------------- */

/* Each brand's exit policy at the start, then every change a policy shock makes, in step
   order (ties in the order of the shocks): what readers need to label the exit figures
   without reading the scenario back. Rows (step, brand, exit_policy). */
static herr_t write_exit_policy_timeline(bs_output *o, hid_t loc, const bs_scenario *sc)
{
    int n_params = 0, k_exit = bs_param_index(BS_SECTION_BRAND, "exit_policy");
    const bs_param *p = bs_params(BS_SECTION_BRAND, &n_params);
    if (k_exit < 0)
        return -1;
    const char *const *names = p[k_exit].names;
    size_t cap = (size_t)sc->n_brands + 1;
    for (int i = 0; i < sc->n_shocks; i++)
        cap += (size_t)sc->shocks[i].n_brands;
    int *step = malloc(cap * sizeof *step), *brand = malloc(cap * sizeof *brand);
    const char **policy = malloc(cap * sizeof *policy);
    herr_t rc = step && brand && policy ? 0 : -1;
    size_t n = 0;
    for (int b = 0; rc >= 0 && b < sc->n_brands; b++, n++) {
        step[n] = 0;
        brand[n] = b;
        policy[n] = names[sc->brands[b].exit_policy];
    }
    /* changes, by step then shock order: an insertion pass keeps it stable */
    for (int i = 0; rc >= 0 && i < sc->n_shocks; i++) {
        const bs_shock *sh = &sc->shocks[i];
        if (sh->kind != BS_SHOCK_POLICY || !(sh->policy_set & ((uint64_t)1 << k_exit)))
            continue;
        for (int j = 0; j < sh->n_brands; j++) {
            size_t at = n;
            while (at > (size_t)sc->n_brands && step[at - 1] > sh->step) {
                step[at] = step[at - 1];
                brand[at] = brand[at - 1];
                policy[at] = policy[at - 1];
                at--;
            }
            step[at] = sh->step;
            brand[at] = sh->brands[j];
            policy[at] = names[sh->policy.exit_policy];
            n++;
        }
    }
    hid_t g = rc < 0 ? H5I_INVALID_HID : bs_h5_group(loc, "exit_policy_timeline");
    if (g < 0
        || write_column(g, "step", H5T_STD_I32LE, H5T_NATIVE_INT, n, step, "step",
                        "first step under this exit policy (0: the brand's policy at the start)") < 0
        || write_column(g, "brand", H5T_STD_I32LE, H5T_NATIVE_INT, n, brand, "",
                        "brand index (row of /brands)") < 0
        || write_strings(o, g, "exit_policy", policy, n, BS_NAME_MAX, "",
                         "exit policy from that step on: none, win_back or clean_break") < 0)
        rc = -1;
    if (g >= 0 && H5Gclose(g) < 0)
        rc = -1;
    free(step);
    free(brand);
    free(policy);
    return rc;
}

static herr_t write_provenance(hid_t file, const bs_provenance *p)
{
    static const bs_provenance none = {0};
    hid_t g = bs_h5_group(file, "provenance");
    herr_t rc = g < 0 ? -1 : 0;
    if (!p)
        p = &none;
    if (rc < 0 || bs_h5_attr_str(g, "version", p->version) < 0 || bs_h5_attr_int(g, "threads", p->threads) < 0
        || bs_h5_attr_double(g, "wall_seconds", p->wall_seconds) < 0 || bs_h5_attr_str(g, "host", p->host) < 0
        || bs_h5_attr_str(g, "started_utc", p->started_utc) < 0
        || bs_h5_attr_str(g, "command_line", p->command_line) < 0
        || bs_h5_attr_double(g, "bytes_per_consumer", p->bytes_per_consumer) < 0
        || bs_h5_attr_int(g, "ranks", p->ranks > 0 ? p->ranks : 1) < 0)
        rc = -1;
    if (g >= 0 && H5Gclose(g) < 0)
        rc = -1;
    return rc;
}

/* ---- buffered time series ---------------------------------------------------- */

/* Rows [start, start+n) of the step and day axes. */
static herr_t write_axes(bs_output *o, hsize_t start, hsize_t n)
{
    int steps[CHUNK_ROWS];
    double days[CHUNK_ROWS];
    for (hsize_t i = 0; i < n; i++) {
        steps[i] = (int)(start + i);
        days[i] = (double)(start + i + 1) * o->step_days;
    }
    hid_t mem = H5Screate_simple(1, &n, NULL);
    hid_t fs = H5Dget_space(o->step_ds);
    herr_t rc = mem < 0 || fs < 0
                        || H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &n, NULL) < 0
                        || H5Dwrite(o->step_ds, H5T_NATIVE_INT, mem, fs, H5P_DEFAULT, steps) < 0
                        || H5Dwrite(o->day_ds, H5T_NATIVE_DOUBLE, mem, fs, H5P_DEFAULT, days) < 0
                    ? -1
                    : 0;
    if (fs >= 0)
        H5Sclose(fs);
    if (mem >= 0)
        H5Sclose(mem);
    return rc;
}

/* Rows [start, start+n) of dataset ds (rank 1 or 2, `width` columns, or with bins > 0
   rank 3, (steps, bins, width / bins); in an ensemble file one more leading dimension,
   the replicate) from columns [col, col+width) of the buffer, whose dataspace is mem.
   A dataset reads only the first `rank` elements of fstart and fcount. */
static herr_t write_block(bs_output *o, hid_t ds, hid_t mem, hsize_t col, hsize_t width,
                          hsize_t bins, hsize_t start, hsize_t n)
{
    hsize_t mstart[2] = {0, col}, mcount[2] = {n, width};
    hsize_t fstart[4] = {0, 0, 0, 0}, fcount[4] = {0, 0, 0, 0};
    int k = 0;
    if (o->ensemble) { /* the same rows of replicate o->rep */
        fstart[k] = (hsize_t)o->rep;
        fcount[k++] = 1;
    }
    fstart[k] = start;
    fcount[k++] = n;
    if (bins) {
        fcount[k++] = bins;
        fcount[k++] = width / bins;
    } else
        fcount[k++] = width;
    if (width == 0)
        return 0;
    hid_t fs = H5Dget_space(ds);
    herr_t rc = fs < 0 || H5Sselect_hyperslab(mem, H5S_SELECT_SET, mstart, NULL, mcount, NULL) < 0
                        || H5Sselect_hyperslab(fs, H5S_SELECT_SET, fstart, NULL, fcount, NULL) < 0
                        || H5Dwrite(ds, H5T_NATIVE_DOUBLE, mem, fs, H5P_DEFAULT, o->buf) < 0
                    ? -1
                    : 0;
    if (fs >= 0)
        H5Sclose(fs);
    return rc;
}

/* Write the buffered rows to every time series. */
static herr_t flush_rows(bs_output *o)
{
    hsize_t n = (hsize_t)o->buffered, start = (hsize_t)(o->done - o->buffered);
    hsize_t mdims[2] = {(hsize_t)o->chunk_rows, o->row_len};
    hsize_t nb = (hsize_t)o->n_brands, market_col = BS_SEG_COUNT * BS_M_COUNT * nb;
    if (n == 0)
        return 0;
    hid_t mem = H5Screate_simple(2, mdims, NULL);
    herr_t rc = mem < 0 ? -1 : o->rep > 0 ? 0 : write_axes(o, start, n);
    for (int s = 0; rc >= 0 && s < BS_SEG_COUNT; s++)
        for (int m = 0; rc >= 0 && m < BS_M_COUNT; m++)
            rc = write_block(o, o->series[s][m], mem, (hsize_t)(s * BS_M_COUNT + m) * nb, nb, 0,
                             start, n);
    for (int k = 0; rc >= 0 && k < BS_MK_COUNT; k++)
        rc = write_block(o, o->market[k], mem, market_col + (hsize_t)k, 1, 0, start, n);
    for (int g = 0; rc >= 0 && g < BS_QG_COUNT; g++) {
        const hsize_t bins = (hsize_t)o->qbins[g];
        for (int m = 0; rc >= 0 && bins && m < BS_QM_COUNT; m++)
            rc = write_block(o, o->quant[g][m], mem, o->qcol[g] + (hsize_t)m * bins * nb,
                             bins * nb, bins, start, n);
    }
    if (mem >= 0)
        H5Sclose(mem);
    if (rc >= 0)
        o->buffered = 0;
    return rc;
}

/* ---- life cycle --------------------------------------------------------------- */

static void output_free(bs_output *o)
{
    if (o->lock_fd >= 0)
        close(o->lock_fd); /* releases the lock */
    free(o->path);
    free(o->partial);
    free(o->buf);
    free(o->names);
    free(o);
}

static bs_output *output_new(const char *path, const bs_scenario *sc)
{
    bs_output *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->file = o->step_ds = o->day_ds = o->vgroup = o->ens = H5I_INVALID_HID;
    for (int k = 0; k < BS_SUMMARY_STATS; k++) {
        o->sum_brand[k] = o->sum_segs[k] = o->sum_market[k] = o->sum_at[k] = H5I_INVALID_HID;
        for (int g = 0; g < BS_QG_COUNT; g++)
            o->sum_quant[k][g] = H5I_INVALID_HID;
    }
    o->sum_seg = -1;
    o->variant = o->rep = -1;
    o->lock_fd = -1;
    for (int s = 0; s < BS_SEG_COUNT; s++)
        for (int m = 0; m < BS_M_COUNT; m++)
            o->series[s][m] = H5I_INVALID_HID;
    for (int k = 0; k < BS_MK_COUNT; k++)
        o->market[k] = H5I_INVALID_HID;
    for (int g = 0; g < BS_QG_COUNT; g++)
        for (int m = 0; m < BS_QM_COUNT; m++)
            o->quant[g][m] = H5I_INVALID_HID;
    o->qbins[BS_QG_STRENGTH] = sc->strength_quantiles;
    o->qbins[BS_QG_TRAIT] = sc->trait_quantiles;
    o->qtrait = sc->quantile_trait;
    o->steps = sc->steps;
    o->n_brands = sc->n_brands;
    o->step_days = sc->step_days;
    o->chunk_rows = sc->steps > 0 && sc->steps < CHUNK_ROWS ? sc->steps : CHUNK_ROWS;
    o->row_len = (size_t)BS_SEG_COUNT * BS_M_COUNT * (size_t)sc->n_brands + BS_MK_COUNT;
    for (int g = 0; g < BS_QG_COUNT; g++) {
        o->qcol[g] = o->row_len;
        o->row_len += (size_t)BS_QM_COUNT * (size_t)o->qbins[g] * (size_t)sc->n_brands;
    }
    o->path = strdup(path);
    o->partial = malloc(strlen(path) + sizeof ".partial");
    o->buf = calloc((size_t)o->chunk_rows * o->row_len, sizeof *o->buf);
    o->names = calloc(sc->n_brands ? (size_t)sc->n_brands : 1, sizeof *o->names);
    if (!o->path || !o->partial || !o->buf || !o->names) {
        output_free(o);
        return NULL;
    }
    strcat(strcpy(o->partial, path), ".partial");
    for (int b = 0; b < sc->n_brands; b++)
        memcpy(o->names[b], sc->brands[b].name, strnlen(sc->brands[b].name, BS_NAME_MAX - 1));
    return o;
}

/* Open PATH.partial (creating it if need be) and lock it for this writer until
 * it is renamed or removed: a second brandsim writing the same output finds it
 * locked and stops without touching it (HDF5's own lock, taken after it has
 * truncated the file, came too late for that). A partial nobody holds is the
 * leftover of a killed run and is reused. The descriptor, or -1 with errno
 * (EWOULDBLOCK: another writer holds it). */
static int claim_partial(const char *partial)
{
    int fd = open(partial, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* HDF5 creates (truncates) the partial file this process has claimed and
 * locked (claim_partial), so its own file lock is off. */
static hid_t file_create(const char *name)
{
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t f = H5I_INVALID_HID;
    if (fcpl >= 0 && fapl >= 0 && H5Pset_obj_track_times(fcpl, 0) >= 0
        && H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0
        && H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_V110) >= 0
        && H5Pset_file_locking(fapl, 0, 1) >= 0)
        f = H5Fcreate(name, H5F_ACC_TRUNC, fcpl, fapl);
    if (fapl >= 0)
        H5Pclose(fapl);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    return f;
}

static herr_t close_id(hid_t *id, herr_t (*closer)(hid_t))
{
    herr_t rc = *id >= 0 ? closer(*id) : 0;
    *id = H5I_INVALID_HID;
    return rc < 0 ? -1 : 0;
}

static herr_t summary_groups_close(bs_output *o)
{
    herr_t rc = 0;
    for (int k = 0; k < BS_SUMMARY_STATS; k++) {
        for (int g = 0; g < BS_QG_COUNT; g++)
            rc |= close_id(&o->sum_quant[k][g], H5Gclose);
        rc |= close_id(&o->sum_at[k], H5Gclose);
        rc |= close_id(&o->sum_market[k], H5Gclose);
        rc |= close_id(&o->sum_segs[k], H5Gclose);
        rc |= close_id(&o->sum_brand[k], H5Gclose);
    }
    rc |= close_id(&o->ens, H5Gclose);
    o->sum_seg = -1;
    return rc;
}

static herr_t close_datasets(bs_output *o)
{
    herr_t rc = summary_groups_close(o);
    for (int s = 0; s < BS_SEG_COUNT; s++)
        for (int m = 0; m < BS_M_COUNT; m++)
            rc |= close_id(&o->series[s][m], H5Dclose);
    for (int k = 0; k < BS_MK_COUNT; k++)
        rc |= close_id(&o->market[k], H5Dclose);
    for (int g = 0; g < BS_QG_COUNT; g++)
        for (int m = 0; m < BS_QM_COUNT; m++)
            rc |= close_id(&o->quant[g][m], H5Dclose);
    rc |= close_id(&o->step_ds, H5Dclose);
    rc |= close_id(&o->day_ds, H5Dclose);
    rc |= close_id(&o->vgroup, H5Gclose);
    return rc;
}

/* Close everything; a file HDF5 failed to close stays in o->file for discard(). */
static herr_t close_file(bs_output *o)
{
    herr_t rc = close_datasets(o);
    hid_t f = o->file;
    o->file = H5I_INVALID_HID;
    if (f >= 0 && H5Fclose(f) < 0) {
        rc = -1;
        if (H5Iis_valid(f) > 0)
            o->file = f;
    }
    return rc;
}

/* Remove the partial file (first, so none remains whatever happens) and close it. */
static void discard(bs_output *o)
{
    if (o->created)
        unlink(o->partial);
    close_datasets(o);
    if (o->file >= 0)
        H5Fclose(o->file);
    o->file = H5I_INVALID_HID;
    H5Eclear2(H5E_DEFAULT);
}

static herr_t group_create_closed(hid_t loc, const char *name)
{
    hid_t g = bs_h5_group(loc, name);
    return g < 0 || H5Gclose(g) < 0 ? -1 : 0;
}

static herr_t create_layout(bs_output *o, const bs_scenario *sc, const char *yaml,
                            const char *overrides)
{
    if (write_root_attrs(o->file, sc, yaml, overrides) < 0 || write_brands(o, sc) < 0
        || write_exit_policy_timeline(o, o->file, sc) < 0)
        return -1;
    if (o->ensemble) /* the series are laid out variant by variant */
        return group_create_closed(o->file, "variants");
    if (bs_h5_attr_str(o->file, "layout", "single") < 0 || create_series(o, o->file) < 0)
        return -1;
    return 0;
}

static bs_output *open_file(const char *path, const bs_scenario *sc, const char *scenario_yaml,
                            const char *overrides, int n_variants, const char *const *names,
                            bs_error *err)
{
    /* HDF5 1.10 crashes at exit (H5F__close_cb) on a file whose close failed, e.g. on a
       full disk; such a file is already unlinked, so skip the library's atexit cleanup.
       Effective only before HDF5's first use in the process; harmless otherwise. */
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (!path || !*path || !sc || sc->steps < 0 || sc->n_brands < 0
        || sc->n_brands > BS_MAX_BRANDS) {
        fail(err, "cannot create output '%s': invalid arguments", path ? path : "(null)");
        return NULL;
    }
    bs_output *o = output_new(path, sc);
    if (!o) {
        fail(err, "cannot create '%s.partial': out of memory", path);
        return NULL;
    }
    o->ensemble = n_variants > 0;
    o->n_variants = n_variants;
    o->R = sc->replicates;
    o->seed = sc->seed;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) { /* rename would replace it */
        fail(err, "cannot write '%s': it exists and is not a regular file, expected a file "
             "name (a new one, or an earlier output to replace)", path);
        output_free(o);
        return NULL;
    }
    o->lock_fd = claim_partial(o->partial);
    if (o->lock_fd < 0) {
        if (errno == EWOULDBLOCK)
            fail(err, "cannot create '%s': another brandsim is writing it (two runs with the "
                 "same output?), expected one run per output file", o->partial);
        else
            fail(err, "cannot create '%s': %s", o->partial, strerror(errno));
        output_free(o);
        return NULL;
    }
    o->created = 1; /* ours, locked: removed on any failure */
    errors_to(o);
    o->file = file_create(o->partial);
    if (o->file < 0 || create_layout(o, sc, scenario_yaml, overrides) < 0
        || (o->ensemble && write_ensemble_attrs(o->file, sc, n_variants, names) < 0)) {
        h5_fail(o, err, "cannot create '%s'", o->partial);
        bs_output_abort(o);
        return NULL;
    }
    return o;
}

bs_output *bs_output_open(const char *path, const bs_scenario *sc, const char *scenario_yaml,
                          const char *overrides, bs_error *err)
{
    return open_file(path, sc, scenario_yaml, overrides, 0, NULL, err);
}

bs_output *bs_output_open_ensemble(const char *path, const bs_scenario *sc,
                                   const char *scenario_yaml, const char *overrides,
                                   int n_variants, const char *const *names, bs_error *err)
{
    if (n_variants < 1 || !names || !sc || sc->replicates < 1) {
        fail(err, "cannot create output '%s': an ensemble needs variants and replicates",
             path ? path : "(null)");
        return NULL;
    }
    return open_file(path, sc, scenario_yaml, overrides, n_variants, names, err);
}

/* ---- ensembles: variants, replicates, and their statistics ----------------------- */

bs_status bs_output_begin_variant(bs_output *o, int v, const bs_scenario *sc, const char *name,
                                  const char *scenario_yaml, const char *overrides,
                                  const bs_event *ev, int n_events, bs_error *err)
{
    if (!o || !o->ensemble || !sc || !name)
        return fail(err, "cannot begin a variant: not an ensemble output");
    errors_to(o);
    if (v != o->variants_done || o->variant >= 0 || v >= o->n_variants)
        return fail(err, "cannot begin variant %d of '%s': expected variant %d of %d", v,
                    o->partial, o->variants_done, o->n_variants);
    if (sc->steps != o->steps || sc->n_brands != o->n_brands || sc->replicates != o->R
        || sc->seed != o->seed || sc->strength_quantiles != o->qbins[BS_QG_STRENGTH]
        || sc->trait_quantiles != o->qbins[BS_QG_TRAIT] || sc->quantile_trait != o->qtrait)
        return fail(err, "cannot begin variant '%s' of '%s': its steps, brands, replicates, "
                         "seed or quantile bins differ from the scenario's", name, o->partial);
    if (n_events < 0 || (n_events > 0 && !ev))
        return fail(err, "cannot begin variant '%s': no events array", name);
    uint64_t *seeds = malloc((size_t)o->R * sizeof *seeds);
    if (!seeds)
        return fail(err, "cannot begin variant '%s': out of memory", name);
    for (int r = 0; r < o->R; r++)
        seeds[r] = o->seed + (uint64_t)r;
    hid_t vs = H5Gopen2(o->file, "variants", H5P_DEFAULT);
    o->vgroup = vs < 0 ? H5I_INVALID_HID : bs_h5_group(vs, name);
    herr_t rc = o->vgroup < 0 ? -1 : 0;
    if (vs >= 0 && H5Gclose(vs) < 0)
        rc = -1;
    if (rc >= 0
        && (bs_h5_attr_int(o->vgroup, "index", v) < 0 || bs_h5_attr_str(o->vgroup, "scenario", scenario_yaml) < 0
            || bs_h5_attr_str(o->vgroup, "overrides", overrides) < 0
            || write_column(o->vgroup, "seeds", H5T_STD_U64LE, H5T_NATIVE_UINT64, (size_t)o->R,
                            seeds, "", "seed of each replicate: the scenario's seed + replicate "
                                       "index, the same in every variant") < 0
            || seeds_scale(o) < 0 || create_series(o, o->vgroup) < 0
            || write_events(o, o->vgroup, ev, n_events) < 0
            || write_exit_policy_timeline(o, o->vgroup, sc) < 0))
        rc = -1;
    free(seeds);
    if (rc < 0)
        return h5_fail(o, err, "cannot write variant '%s' to '%s'", name, o->partial);
    o->variant = v;
    o->rep = -1;
    return BS_OK;
}

bs_status bs_output_begin_replicate(bs_output *o, int r, bs_error *err)
{
    if (!o || !o->ensemble || o->variant < 0)
        return fail(err, "cannot begin a replicate: no variant begun");
    if (r != o->rep + 1 || r >= o->R || (o->rep >= 0 && o->done != o->steps))
        return fail(err, "cannot begin replicate %d of '%s': expected replicate %d of %d, after "
                         "all steps of the one before", r, o->partial, o->rep + 1, o->R);
    errors_to(o);
    if (o->rep >= 0 && flush_rows(o) < 0) /* the last rows of the replicate before */
        return h5_fail(o, err, "cannot write '%s'", o->partial);
    o->rep = r;
    o->done = 0;
    o->buffered = 0;
    return BS_OK;
}

/* ---- statistics across replicates: computed by the caller, written here ---------- */

static const char *const stat_group[BS_SUMMARY_STATS] = {"mean", "sd", "ci_low", "ci_high"};

/* /variants/<v>/ensemble/<stat>/{brand,segment,market}, created at the first summary. */
static herr_t summary_groups(bs_output *o)
{
    if (o->ens >= 0)
        return 0;
    o->ens = bs_h5_group(o->vgroup, "ensemble");
    herr_t rc = o->ens < 0 ? -1 : 0;
    for (int k = 0; rc >= 0 && k < BS_SUMMARY_STATS; k++) {
        hid_t top = bs_h5_group(o->ens, stat_group[k]);
        o->sum_brand[k] = top < 0 ? H5I_INVALID_HID : bs_h5_group(top, "brand");
        o->sum_segs[k] = top < 0 ? H5I_INVALID_HID : bs_h5_group(top, "segment");
        o->sum_market[k] = top < 0 ? H5I_INVALID_HID : bs_h5_group(top, "market");
        if (top < 0 || H5Gclose(top) < 0 || o->sum_brand[k] < 0 || o->sum_segs[k] < 0
            || o->sum_market[k] < 0 || coords_create(o, o->sum_brand[k], "step,brand", -1) < 0
            || coords_create(o, o->sum_market[k], "step", -1) < 0)
            rc = -1;
    }
    return rc;
}

/* The dataset of one series of the variant being written, and its width (brands or 1). */
static hid_t series_of(const bs_output *o, int seg, int metric, size_t *width)
{
    if (seg == BS_SERIES_MARKET && metric >= 0 && metric < BS_MK_COUNT) {
        *width = 1;
        return o->market[metric];
    }
    if (seg >= 0 && seg < BS_SEG_COUNT && metric >= 0 && metric < BS_M_COUNT) {
        *width = (size_t)o->n_brands;
        return o->series[seg][metric];
    }
    const int g = BS_SERIES_QUANTILE(0) - seg; /* BS_SERIES_QUANTILE(g) = -2 - g */
    if (g >= 0 && g < BS_QG_COUNT && o->qbins[g] && metric >= 0 && metric < BS_QM_COUNT) {
        *width = (size_t)o->qbins[g] * (size_t)o->n_brands;
        return o->quant[g][metric];
    }
    return H5I_INVALID_HID;
}

bs_status bs_output_end_replicates(bs_output *o, bs_error *err)
{
    if (!o || !o->ensemble || o->variant < 0)
        return fail(err, "cannot end the replicates: no variant begun");
    errors_to(o);
    if (o->rep != o->R - 1 || o->done != o->steps)
        return fail(err, "cannot end variant %d of '%s': %d of %d replicates written", o->variant,
                    o->partial, o->rep + (o->done == o->steps), o->R);
    if (flush_rows(o) < 0)
        return h5_fail(o, err, "cannot write '%s'", o->partial);
    o->replicates_ended = 1;
    return BS_OK;
}

bs_status bs_output_read_replicates(bs_output *o, int seg, int metric, double *x, bs_error *err)
{
    size_t width;
    hid_t ds = o && o->replicates_ended ? series_of(o, seg, metric, &width) : H5I_INVALID_HID;
    if (ds < 0)
        return fail(err, "cannot read series (%d, %d): no such series, or the replicates are not "
                         "all written", seg, metric);
    errors_to(o);
    if (o->steps > 0 && width > 0
        && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) < 0)
        return h5_fail(o, err, "cannot read back '%s'", o->partial);
    return BS_OK;
}

static const char *const summary_what[BS_SUMMARY_STATS] = {
    "mean across replicates of", "standard deviation across replicates of",
    "lower end of the 95 % confidence interval of the mean (t, R - 1 df) of",
    "upper end of the 95 % confidence interval of the mean (t, R - 1 df) of"};

/* One dataset per statistic k under parents[k]: metric mi's statistics `stat`
 * (BS_SUMMARY_STATS blocks of `cells` values, shaped dims), described with what
 * the statistic is, the metric's description and `extra` (if any); quantile
 * grouping g's bins described too when g >= 0. */
static herr_t write_stat_datasets(bs_output *o, const hid_t parents[BS_SUMMARY_STATS],
                                  const bs_metric_info *mi, int rank, const hsize_t *dims,
                                  const char *dim_names, const char *extra, int g,
                                  const double *stat)
{
    size_t cells = 1;
    for (int d = 0; d < rank; d++) cells *= (size_t)dims[d];
    herr_t rc = 0;
    for (int k = 0; rc >= 0 && k < BS_SUMMARY_STATS; k++) {
        char desc[900];
        snprintf(desc, sizeof desc, "%s: %s%s%s", summary_what[k], mi->description,
                 extra ? ", " : "", extra ? extra : "");
        hid_t e = dataset_create(parents[k], mi->name, H5T_IEEE_F64LE, rank, dims, o->chunk_rows);
        if (e < 0 || describe(e, mi->units, desc, dim_names) < 0
            || (g >= 0 && describe_quantile(o, e, g) < 0)
            || coords_attach(parents[k], e, dim_names ? dim_names : "step") < 0
            || (cells > 0 && H5Dwrite(e, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                      stat + (size_t)k * cells) < 0))
            rc = -1;
        if (e >= 0 && H5Dclose(e) < 0)
            rc = -1;
    }
    return rc;
}

/* The statistics of quantile series (g, metric): /variants/<v>/ensemble/<stat>/quantile/
   <grouping>/<metric>, (steps, bins, brands) each. */
static bs_status write_quantile_summary(bs_output *o, int g, int metric, const double *stat,
                                        bs_error *err)
{
    const bs_metric_info *mi = bs_quantile_metric_get((bs_quantile_metric)metric);
    herr_t rc = summary_groups(o);
    for (int k = 0; rc >= 0 && k < BS_SUMMARY_STATS; k++) {
        if (o->sum_quant[k][g] >= 0)
            continue;
        char where[64];
        snprintf(where, sizeof where, "%s/quantile", stat_group[k]);
        hid_t q = H5Lexists(o->ens, where, H5P_DEFAULT) > 0 ? H5Gopen2(o->ens, where, H5P_DEFAULT)
                                                             : bs_h5_group(o->ens, where);
        o->sum_quant[k][g] = q < 0 ? H5I_INVALID_HID
                                   : bs_h5_group(q, bs_quantile_grouping_name((bs_quantile_grouping)g));
        if (q < 0 || H5Gclose(q) < 0 || o->sum_quant[k][g] < 0
            || describe_quantile(o, o->sum_quant[k][g], g) < 0
            || coords_create(o, o->sum_quant[k][g], "step,bin,brand", g) < 0)
            rc = -1;
    }
    char what[300];
    quantile_what(o, g, what, sizeof what);
    hsize_t dims[3] = {(hsize_t)o->steps, (hsize_t)o->qbins[g], (hsize_t)o->n_brands};
    hid_t parents[BS_SUMMARY_STATS];
    for (int k = 0; k < BS_SUMMARY_STATS; k++) parents[k] = o->sum_quant[k][g];
    if (rc >= 0)
        rc = write_stat_datasets(o, parents, mi, 3, dims, "step,bin,brand", what, g, stat);
    if (rc < 0)
        return h5_fail(o, err, "cannot write '%s'", o->partial);
    return BS_OK;
}

int bs_output_quantile_bins(const bs_output *o, int g)
{
    return o && g >= 0 && g < BS_QG_COUNT ? o->qbins[g] : 0;
}

bs_status bs_output_write_summary(bs_output *o, int seg, int metric, const double *stat,
                                  bs_error *err)
{
    size_t width;
    if (!o || !o->replicates_ended || series_of(o, seg, metric, &width) < 0)
        return fail(err, "cannot write statistics of series (%d, %d): no such series, or the "
                         "replicates are not all written", seg, metric);
    errors_to(o);
    if (seg <= BS_SERIES_QUANTILE(0))
        return write_quantile_summary(o, BS_SERIES_QUANTILE(0) - seg, metric, stat, err);
    const int market = seg == BS_SERIES_MARKET;
    const bs_metric_info *mi = market ? bs_market_metric_get((bs_market_metric)metric)
                                      : bs_metric_get((bs_metric)metric);
    herr_t rc = summary_groups(o);
    if (rc >= 0 && !market && seg != o->sum_seg) { /* segments come in order: one group each */
        for (int k = 0; k < BS_SUMMARY_STATS; k++)
            rc |= close_id(&o->sum_at[k], H5Gclose);
        for (int k = 0; rc >= 0 && k < BS_SUMMARY_STATS; k++) {
            o->sum_at[k] = seg == BS_SEG_ALL
                               ? H5Gopen2(o->sum_brand[k], ".", H5P_DEFAULT)
                               : bs_h5_group(o->sum_segs[k], bs_segment_name((bs_segment)seg));
            if (o->sum_at[k] < 0
                || (seg != BS_SEG_ALL && coords_create(o, o->sum_at[k], "step,brand", -1) < 0))
                rc = -1;
        }
        o->sum_seg = seg;
    }
    hsize_t dims[2] = {(hsize_t)o->steps, (hsize_t)width};
    hid_t parents[BS_SUMMARY_STATS];
    for (int k = 0; k < BS_SUMMARY_STATS; k++)
        parents[k] = market ? o->sum_market[k] : o->sum_at[k];
    if (rc >= 0)
        rc = write_stat_datasets(o, parents, mi, market ? 1 : 2, dims,
                                 market ? NULL : "step,brand", NULL, -1, stat);
    if (rc < 0)
        return h5_fail(o, err, "cannot write '%s'", o->partial);
    return BS_OK;
}

bs_status bs_output_end_variant(bs_output *o, bs_error *err)
{
    if (!o || !o->ensemble || o->variant < 0)
        return fail(err, "cannot end a variant: none begun");
    errors_to(o);
    if (!o->replicates_ended) {
        bs_status s = bs_output_end_replicates(o, err);
        if (s)
            return s;
    }
    if (summary_groups_close(o) < 0 || close_datasets(o) < 0)
        return h5_fail(o, err, "cannot write '%s'", o->partial);
    o->variants_done++;
    o->variant = o->rep = -1;
    o->replicates_ended = 0;
    return BS_OK;
}

bs_status bs_output_write_step(bs_output *o, const bs_stats *st, bs_error *err)
{
    if (!o || !st)
        return fail(err, "cannot write step: no output or no stats");
    errors_to(o);
    if (o->ensemble && o->rep < 0)
        return fail(err, "cannot write step %d to '%s': no replicate begun", st->step, o->partial);
    if (o->done >= o->steps)
        return fail(err, "cannot write step %d to '%s': the run has only %d steps", st->step,
                    o->partial, o->steps);
    if (st->step != o->done)
        return fail(err, "cannot write step %d to '%s': expected step %d", st->step, o->partial,
                    o->done);
    if (st->n_brands != o->n_brands || (o->n_brands > 0 && !st->v))
        return fail(err, "cannot write step %d to '%s': %d brands, expected %d", st->step,
                    o->partial, st->n_brands, o->n_brands);
    for (int g = 0; g < BS_QG_COUNT; g++)
        if (st->quantile_bins[g] != o->qbins[g] || (o->qbins[g] && o->n_brands && !st->quantile[g]))
            return fail(err, "cannot write step %d to '%s': %d %s quantile bins, expected %d",
                        st->step, o->partial, st->quantile_bins[g],
                        bs_quantile_grouping_name((bs_quantile_grouping)g), o->qbins[g]);
    double *row = o->buf + (size_t)o->buffered * o->row_len;
    size_t nv = (size_t)BS_SEG_COUNT * BS_M_COUNT * (size_t)o->n_brands;
    if (nv > 0)
        memcpy(row, st->v, nv * sizeof *row);
    memcpy(row + nv, st->market, sizeof st->market);
    for (int g = 0; g < BS_QG_COUNT; g++)
        if (o->qbins[g] && o->n_brands)
            memcpy(row + o->qcol[g], st->quantile[g],
                   (size_t)BS_QM_COUNT * (size_t)o->qbins[g] * (size_t)o->n_brands * sizeof *row);
    o->buffered++;
    o->done++;
    if (o->buffered == o->chunk_rows && flush_rows(o) < 0)
        return h5_fail(o, err, "cannot write '%s'", o->partial);
    return BS_OK;
}

/* Everything but the rename: the last rows, events, provenance, then close. */
static bs_status complete(bs_output *o, const bs_event *ev, int n_events,
                          const bs_provenance *prov, bs_error *err)
{
    if (o->ensemble) {
        if (o->variants_done != o->n_variants || n_events != 0)
            return fail(err, "cannot finish '%s': %d of %d variants written%s", o->partial,
                        o->variants_done, o->n_variants,
                        n_events ? " (and events go with each variant)" : "");
    } else if (o->done != o->steps)
        return fail(err, "cannot finish '%s': %d of %d steps written", o->partial, o->done,
                    o->steps);
    if (n_events < 0 || (n_events > 0 && !ev))
        return fail(err, "cannot finish '%s': no events array for %d events", o->partial,
                    n_events);
    if (flush_rows(o) < 0 || (!o->ensemble && write_events(o, o->file, ev, n_events) < 0)
        || write_provenance(o->file, prov) < 0 || bs_h5_attr_int(o->file, "complete", 1) < 0
        || H5Fflush(o->file, H5F_SCOPE_GLOBAL) < 0)
        return h5_fail(o, err, "cannot write '%s'", o->partial);
    if (close_file(o) < 0)
        return h5_fail(o, err, "cannot close '%s'", o->partial);
    return BS_OK;
}

/* Best effort: make the rename durable. The file is complete whatever happens here. */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY) : -1;
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

/* Make the closed partial file durable, then give it its name; the lock is
 * held until then (output_free releases it). */
static bs_status publish(bs_output *o, bs_error *err)
{
    if (fsync(o->lock_fd) != 0)
        return fail(err, "cannot sync '%s': %s", o->partial, strerror(errno));
    if (rename(o->partial, o->path) != 0)
        return fail(err, "cannot rename '%s' to '%s': %s", o->partial, o->path, strerror(errno));
    o->created = 0;
    sync_dir(o->path);
    return BS_OK;
}

bs_status bs_output_finish(bs_output *o, const bs_event *ev, int n_events,
                           const bs_provenance *prov, bs_error *err)
{
    if (!o)
        return fail(err, "cannot finish output: not open");
    errors_to(o);
    bs_status s = complete(o, ev, n_events, prov, err);
    if (s == BS_OK)
        s = publish(o, err);
    if (s != BS_OK)
        discard(o);
    errors_to(NULL);
    output_free(o);
    return s;
}

void bs_output_abort(bs_output *o)
{
    if (!o)
        return;
    discard(o);
    errors_to(NULL);
    output_free(o);
}
