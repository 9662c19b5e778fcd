/* SPDX-License-Identifier: MIT */
/*
 * test_output.c: tests of the HDF5 writer (sim/io/output.c). Files are
 * written from hand-made scenarios and stats with known values, then read
 * back with the HDF5 C API: values, shapes, attributes, brands and events
 * round-trip; the partial file protocol holds on success, abort and error;
 * two runs differ only under /provenance; a full disk leaves no file.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/output.h"

#define YAML "name: test\nseed: 42\nsteps: 5\n"
#define OVERRIDES "seed=42\nsteps=5"

static char dir[128];     /* this test's temporary directory */
static char mounted[256]; /* tmpfs mounted by the test, if any */

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/bs_output_XXXXXX");
    cr_assert_not_null(mkdtemp(dir), "cannot create a temporary directory");
}

static void teardown(void)
{
    char cmd[512];
    if (mounted[0]) {
        snprintf(cmd, sizeof cmd, "umount '%s'", mounted);
        if (system(cmd) != 0)
            cr_log_warn("cannot unmount %s", mounted);
        mounted[0] = '\0';
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        cr_log_warn("cannot remove %s", dir);
}

TestSuite(output, .init = setup, .fini = teardown);

/* ---- fixtures -------------------------------------------------------------- */

static bs_provenance provenance(const char *host, double wall)
{
    return (bs_provenance){.version = BS_VERSION, .threads = 4, .wall_seconds = wall,
                           .host = host, .started_utc = "2024-05-01T12:00:00Z",
                           .command_line = "brandsim run x.yaml", .bytes_per_consumer = 96.5};
}

static bs_scenario *make_scenario(int steps, int n_brands)
{
    bs_scenario *sc = calloc(1, sizeof *sc);
    cr_assert_not_null(sc);
    snprintf(sc->name, sizeof sc->name, "test");
    sc->seed = UINT64_C(0xfedcba9876543210); /* above INT64_MAX: must stay unsigned */
    sc->consumers = INT64_C(123456789012);
    sc->steps = steps;
    sc->step_days = 7;
    sc->n_brands = n_brands;
    for (int b = 0; b < n_brands; b++) {
        bs_brand *br = &sc->brands[b];
        snprintf(br->name, sizeof br->name, "brand_%03d", b);
        br->quality = 0.1 * (b % 10) + 0.05;
        br->price = 10 + b;
        br->norm = b % BS_NORM_COUNT;
        br->clarifies = b % 2;
        br->breach_response = b % BS_RESPONSE_COUNT;
        br->response_delay = b + 1;
        br->notify = (b + 1) % 2;
        br->exit_policy = b % BS_EXIT_COUNT;
        br->win_back_interval = 2 * b;
    }
    return sc;
}

static double value_at(int step, int seg, int m, int b)
{
    return step * 1000.0 + seg * 100.0 + m + b * 0.01;
}

static double market_at(int step, int k)
{
    return step * 1000.0 + 900.0 + k + 0.5;
}

static void fill_stats(bs_stats *st, double *v, int step, int n_brands)
{
    st->step = step;
    st->n_brands = n_brands;
    st->v = v;
    for (int s = 0; s < BS_SEG_COUNT; s++)
        for (int m = 0; m < BS_M_COUNT; m++)
            for (int b = 0; b < n_brands; b++)
                v[(s * BS_M_COUNT + m) * n_brands + b] = value_at(step, s, m, b);
    for (int k = 0; k < BS_MK_COUNT; k++)
        st->market[k] = market_at(step, k);
}

static double *alloc_values(int n_brands)
{
    double *v = calloc((size_t)BS_SEG_COUNT * BS_M_COUNT * (n_brands ? n_brands : 1), sizeof *v);
    cr_assert_not_null(v);
    return v;
}

/* Open PATH and write the first `steps` steps; the output stays open. */
static bs_output *open_with_steps(const char *path, const bs_scenario *sc, int steps)
{
    bs_error err = {0};
    bs_output *out = bs_output_open(path, sc, YAML, OVERRIDES, &err);
    cr_assert_not_null(out, "open failed: %s", err.msg);
    double *v = alloc_values(sc->n_brands);
    bs_stats st = {0};
    for (int t = 0; t < steps; t++) {
        fill_stats(&st, v, t, sc->n_brands);
        cr_assert_eq(bs_output_write_step(out, &st, &err), BS_OK, "step %d: %s", t, err.msg);
    }
    free(v);
    return out;
}

static void write_file(const char *path, const bs_scenario *sc, const bs_event *ev, int n_ev,
                       const bs_provenance *prov)
{
    bs_error err = {0};
    bs_output *out = open_with_steps(path, sc, sc->steps);
    cr_assert_eq(bs_output_finish(out, ev, n_ev, prov, &err), BS_OK, "finish: %s", err.msg);
}

static const bs_event events[] = {
    {.step = 1, .brand = 0, .kind = "breach:hack", .size = 0.25},
    {.step = 2, .brand = 2, .kind = "betrayal:fee", .size = 0.5},
    {.step = 3, .brand = -1, .kind = "response:apology", .size = 1},
};
enum { N_EVENTS = sizeof events / sizeof events[0] };

/* PATH in this test's directory. */
static const char *in_dir(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
    return buf;
}

static int exists(const char *path)
{
    struct stat s;
    return stat(path, &s) == 0;
}

static int partial_exists(const char *path)
{
    char p[512];
    snprintf(p, sizeof p, "%s.partial", path);
    return exists(p);
}

static int have_tool(const char *name)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

/* ---- readers ------------------------------------------------------------- */

static hid_t open_h5(const char *path)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert_geq(f, 0, "cannot open %s", path);
    return f;
}

/* The rank of dataset NAME; its dims in dims[]. */
static int shape(hid_t f, const char *name, hsize_t dims[2])
{
    hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
    cr_assert_geq(ds, 0, "no dataset %s", name);
    hid_t sp = H5Dget_space(ds);
    int rank = H5Sget_simple_extent_ndims(sp);
    cr_assert(rank == 1 || rank == 2, "%s: rank %d", name, rank);
    H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    H5Dclose(ds);
    return rank;
}

static void read_ds(hid_t f, const char *name, hid_t mtype, void *out)
{
    hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
    cr_assert_geq(ds, 0, "no dataset %s", name);
    cr_assert_geq(H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out), 0, "cannot read %s",
                  name);
    H5Dclose(ds);
}

/* Fixed-length strings of dataset NAME (n of them) into out[i], NUL terminated. */
static void read_strings(hid_t f, const char *name, size_t n, char (*out)[64])
{
    hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
    cr_assert_geq(ds, 0, "no dataset %s", name);
    hid_t t = H5Dget_type(ds);
    cr_assert_eq(H5Tget_class(t), H5T_STRING, "%s is not a string dataset", name);
    cr_assert_eq(H5Tis_variable_str(t), 0, "%s is not fixed-length", name);
    size_t size = H5Tget_size(t);
    cr_assert_lt(size, 64);
    char *raw = calloc(n ? n : 1, size);
    if (n > 0)
        cr_assert_geq(H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw), 0);
    for (size_t i = 0; i < n; i++) {
        memset(out[i], 0, sizeof out[i]);
        memcpy(out[i], raw + i * size, size);
    }
    free(raw);
    H5Tclose(t);
    H5Dclose(ds);
}

/* String attribute NAME of object PATH in f, into buf. */
static void attr_str(hid_t f, const char *path, const char *name, char *buf, size_t n)
{
    cr_assert_gt(H5Aexists_by_name(f, path, name, H5P_DEFAULT), 0, "%s has no '%s'", path, name);
    hid_t a = H5Aopen_by_name(f, path, name, H5P_DEFAULT, H5P_DEFAULT);
    hid_t t = H5Aget_type(a);
    cr_assert_eq(H5Tget_class(t), H5T_STRING, "%s@%s is not a string", path, name);
    if (H5Tis_variable_str(t) > 0) {
        char *s = NULL;
        cr_assert_geq(H5Aread(a, t, &s), 0);
        snprintf(buf, n, "%s", s ? s : "");
        H5free_memory(s);
    } else {
        char *s = calloc(H5Tget_size(t) + 1, 1);
        cr_assert_geq(H5Aread(a, t, s), 0);
        snprintf(buf, n, "%s", s);
        free(s);
    }
    H5Tclose(t);
    H5Aclose(a);
}

static void attr_num(hid_t f, const char *path, const char *name, hid_t mtype, void *out)
{
    hid_t a = H5Aopen_by_name(f, path, name, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(a, 0, "%s has no '%s'", path, name);
    cr_assert_geq(H5Aread(a, mtype, out), 0);
    H5Aclose(a);
}

static void metric_path(char *buf, size_t n, int seg, int m)
{
    if (seg == BS_SEG_ALL)
        snprintf(buf, n, "/timeseries/brand/%s", bs_metric_get(m)->name);
    else
        snprintf(buf, n, "/timeseries/segment/%s/%s", bs_segment_name(seg),
                 bs_metric_get(m)->name);
}

/* ---- round trips ------------------------------------------------------------ */

static void check_series(hid_t f, int steps, int n_brands)
{
    double *got = calloc((size_t)steps * (n_brands ? n_brands : 1) + 1, sizeof *got);
    char name[256];
    hsize_t dims[2];
    for (int s = 0; s < BS_SEG_COUNT; s++)
        for (int m = 0; m < BS_M_COUNT; m++) {
            metric_path(name, sizeof name, s, m);
            cr_assert_eq(shape(f, name, dims), 2, "%s", name);
            cr_assert(dims[0] == (hsize_t)steps && dims[1] == (hsize_t)n_brands, "%s", name);
            read_ds(f, name, H5T_NATIVE_DOUBLE, got);
            for (int t = 0; t < steps; t++)
                for (int b = 0; b < n_brands; b++)
                    cr_assert_eq(got[t * n_brands + b], value_at(t, s, m, b), "%s[%d,%d]", name,
                                 t, b);
        }
    for (int k = 0; k < BS_MK_COUNT; k++) {
        snprintf(name, sizeof name, "/timeseries/market/%s", bs_market_metric_get(k)->name);
        cr_assert_eq(shape(f, name, dims), 1, "%s", name);
        cr_assert_eq(dims[0], (hsize_t)steps, "%s", name);
        read_ds(f, name, H5T_NATIVE_DOUBLE, got);
        for (int t = 0; t < steps; t++)
            cr_assert_eq(got[t], market_at(t, k), "%s[%d]", name, t);
    }
    free(got);
}

static void check_axes(hid_t f, int steps)
{
    int *step = calloc((size_t)steps + 1, sizeof *step);
    double *day = calloc((size_t)steps + 1, sizeof *day);
    hsize_t dims[2];
    cr_assert_eq(shape(f, "/timeseries/step", dims), 1);
    cr_assert_eq(dims[0], (hsize_t)steps);
    cr_assert_eq(shape(f, "/timeseries/day", dims), 1);
    cr_assert_eq(dims[0], (hsize_t)steps);
    read_ds(f, "/timeseries/step", H5T_NATIVE_INT, step);
    read_ds(f, "/timeseries/day", H5T_NATIVE_DOUBLE, day);
    for (int t = 0; t < steps; t++) {
        cr_assert_eq(step[t], t);
        cr_assert_eq(day[t], (t + 1) * 7.0);
    }
    free(step);
    free(day);
}

Test(output, values_round_trip)
{
    char path[256];
    bs_scenario *sc = make_scenario(5, 3);
    bs_provenance prov = provenance("host-a", 1.5);
    write_file(in_dir(path, sizeof path, "run.h5"), sc, events, N_EVENTS, &prov);
    hid_t f = open_h5(path);
    check_axes(f, 5);
    check_series(f, 5, 3);
    H5Fclose(f);
    free(sc);
}

/* More steps than a chunk: rows cross chunk boundaries and the last chunk is partial. */
Test(output, values_round_trip_across_chunks)
{
    char path[256];
    bs_scenario *sc = make_scenario(150, 2);
    write_file(in_dir(path, sizeof path, "long.h5"), sc, events, N_EVENTS, NULL);
    hid_t f = open_h5(path);
    check_axes(f, 150);
    check_series(f, 150, 2);
    hid_t ds = H5Dopen2(f, "/timeseries/brand/revenue", H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist(ds);
    hsize_t chunk[2] = {0, 0};
    cr_assert_eq(H5Pget_layout(dcpl), H5D_CHUNKED);
    cr_assert_eq(H5Pget_chunk(dcpl, 2, chunk), 2);
    cr_assert(chunk[0] == 64 && chunk[1] == 2, "chunk %llu x %llu", (unsigned long long)chunk[0],
              (unsigned long long)chunk[1]);
    cr_assert_eq(H5Pget_nfilters(dcpl), 2, "shuffle and deflate");
    H5Pclose(dcpl);
    H5Dclose(ds);
    H5Fclose(f);
    free(sc);
}

static void check_described(hid_t f, const char *name, int rank)
{
    char buf[512];
    attr_str(f, name, "units", buf, sizeof buf);
    attr_str(f, name, "description", buf, sizeof buf);
    cr_assert_neq(buf[0], '\0', "%s: empty description", name);
    if (rank == 2) {
        attr_str(f, name, "dims", buf, sizeof buf);
        cr_assert_str_eq(buf, "step,brand", "%s", name);
    }
}

Test(output, series_attributes)
{
    char path[256], name[256], buf[512];
    bs_scenario *sc = make_scenario(5, 3);
    write_file(in_dir(path, sizeof path, "attrs.h5"), sc, events, N_EVENTS, NULL);
    hid_t f = open_h5(path);
    check_described(f, "/timeseries/step", 1);
    check_described(f, "/timeseries/day", 1);
    for (int s = 0; s < BS_SEG_COUNT; s++)
        for (int m = 0; m < BS_M_COUNT; m++) {
            metric_path(name, sizeof name, s, m);
            check_described(f, name, 2);
            attr_str(f, name, "units", buf, sizeof buf);
            cr_assert_str_eq(buf, bs_metric_get(m)->units, "%s", name);
            attr_str(f, name, "description", buf, sizeof buf);
            if (s != BS_SEG_ALL)
                cr_assert_not_null(strstr(buf, bs_segment_name(s)), "%s: %s", name, buf);
        }
    for (int k = 0; k < BS_MK_COUNT; k++) {
        snprintf(name, sizeof name, "/timeseries/market/%s", bs_market_metric_get(k)->name);
        check_described(f, name, 1);
    }
    H5Fclose(f);
    free(sc);
}

Test(output, root_and_provenance_attributes)
{
    char path[256], buf[512];
    bs_scenario *sc = make_scenario(5, 3);
    bs_provenance prov = provenance("host-a", 1.5);
    write_file(in_dir(path, sizeof path, "root.h5"), sc, events, N_EVENTS, &prov);
    hid_t f = open_h5(path);
    int i;
    uint64_t seed;
    int64_t consumers;
    double d;
    attr_num(f, "/", "format_version", H5T_NATIVE_INT, &i);
    cr_assert_eq(i, BS_OUTPUT_FORMAT_VERSION);
    attr_num(f, "/", "seed", H5T_NATIVE_UINT64, &seed);
    cr_assert_eq(seed, sc->seed);
    attr_num(f, "/", "consumers", H5T_NATIVE_INT64, &consumers);
    cr_assert_eq(consumers, sc->consumers);
    attr_num(f, "/", "steps", H5T_NATIVE_INT, &i);
    cr_assert_eq(i, 5);
    attr_num(f, "/", "step_days", H5T_NATIVE_DOUBLE, &d);
    cr_assert_eq(d, 7.0);
    attr_num(f, "/", "n_brands", H5T_NATIVE_INT, &i);
    cr_assert_eq(i, 3);
    attr_num(f, "/", "complete", H5T_NATIVE_INT, &i);
    cr_assert_eq(i, 1);
    attr_str(f, "/", "scenario", buf, sizeof buf);
    cr_assert_str_eq(buf, YAML);
    attr_str(f, "/", "overrides", buf, sizeof buf);
    cr_assert_str_eq(buf, OVERRIDES);
    attr_str(f, "/", "scenario_name", buf, sizeof buf);
    cr_assert_str_eq(buf, "test");
    attr_str(f, "/provenance", "version", buf, sizeof buf);
    cr_assert_str_eq(buf, BS_VERSION);
    attr_str(f, "/provenance", "host", buf, sizeof buf);
    cr_assert_str_eq(buf, "host-a");
    attr_str(f, "/provenance", "started_utc", buf, sizeof buf);
    cr_assert_str_eq(buf, prov.started_utc);
    attr_str(f, "/provenance", "command_line", buf, sizeof buf);
    cr_assert_str_eq(buf, prov.command_line);
    attr_num(f, "/provenance", "threads", H5T_NATIVE_INT, &i);
    cr_assert_eq(i, 4);
    attr_num(f, "/provenance", "wall_seconds", H5T_NATIVE_DOUBLE, &d);
    cr_assert_eq(d, 1.5);
    attr_num(f, "/provenance", "bytes_per_consumer", H5T_NATIVE_DOUBLE, &d);
    cr_assert_eq(d, 96.5);
    H5Fclose(f);
    free(sc);
}

/* ---- /brands and /events ---------------------------------------------------- */

static void check_param(hid_t f, const bs_scenario *sc, const bs_param *p)
{
    char name[256], str[BS_MAX_BRANDS][64];
    double d[BS_MAX_BRANDS];
    int v[BS_MAX_BRANDS];
    snprintf(name, sizeof name, "/brands/%s", p->key);
    check_described(f, name, 1);
    for (int b = 0; b < sc->n_brands; b++) {
        const void *field = (const char *)&sc->brands[b] + p->offset;
        if (p->type == BS_P_REAL) {
            read_ds(f, name, H5T_NATIVE_DOUBLE, d);
            cr_assert_eq(d[b], *(const double *)field, "%s[%d]", name, b);
        } else if (p->type == BS_P_INT || p->type == BS_P_BOOL) {
            read_ds(f, name, H5T_NATIVE_INT, v);
            cr_assert_eq(v[b], *(const int *)field, "%s[%d]", name, b);
        } else if (p->type == BS_P_ENUM) {
            read_strings(f, name, (size_t)sc->n_brands, str);
            cr_assert_str_eq(str[b], p->names[*(const int *)field], "%s[%d]", name, b);
        }
    }
}

Test(output, brands_table)
{
    char path[256], names[3][64];
    bs_scenario *sc = make_scenario(5, 3);
    write_file(in_dir(path, sizeof path, "brands.h5"), sc, events, N_EVENTS, NULL);
    hid_t f = open_h5(path);
    read_strings(f, "/brands/name", 3, names);
    for (int b = 0; b < 3; b++)
        cr_assert_str_eq(names[b], sc->brands[b].name);
    int n = 0;
    const bs_param *p = bs_params(BS_SECTION_BRAND, &n);
    cr_assert_gt(n, 1, "the brand parameter table is empty");
    for (int i = 0; i < n; i++)
        if (strcmp(p[i].key, "name") != 0 && p[i].type != BS_P_STRING
            && p[i].type != BS_P_BRANDLIST)
            check_param(f, sc, &p[i]);
    H5Fclose(f);
    free(sc);
}

Test(output, events_round_trip)
{
    char path[256], kind[N_EVENTS][64], brand_name[N_EVENTS][64];
    int step[N_EVENTS], brand[N_EVENTS];
    double size[N_EVENTS];
    hsize_t dims[2];
    bs_scenario *sc = make_scenario(5, 3);
    write_file(in_dir(path, sizeof path, "events.h5"), sc, events, N_EVENTS, NULL);
    hid_t f = open_h5(path);
    const char *cols[] = {"step", "brand", "brand_name", "kind", "size"};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        char name[64];
        snprintf(name, sizeof name, "/events/%s", cols[c]);
        cr_assert_eq(shape(f, name, dims), 1);
        cr_assert_eq(dims[0], N_EVENTS, "%s", name);
        check_described(f, name, 1);
    }
    read_ds(f, "/events/step", H5T_NATIVE_INT, step);
    read_ds(f, "/events/brand", H5T_NATIVE_INT, brand);
    read_ds(f, "/events/size", H5T_NATIVE_DOUBLE, size);
    read_strings(f, "/events/kind", N_EVENTS, kind);
    read_strings(f, "/events/brand_name", N_EVENTS, brand_name);
    for (int i = 0; i < N_EVENTS; i++) {
        cr_assert_eq(step[i], events[i].step);
        cr_assert_eq(brand[i], events[i].brand);
        cr_assert_eq(size[i], events[i].size);
        cr_assert_str_eq(kind[i], events[i].kind);
        cr_assert_str_eq(brand_name[i], events[i].brand >= 0 ? sc->brands[events[i].brand].name : "");
    }
    H5Fclose(f);
    free(sc);
}

Test(output, zero_events)
{
    char path[256], cmd[512];
    hsize_t dims[2];
    bs_scenario *sc = make_scenario(5, 3);
    write_file(in_dir(path, sizeof path, "quiet.h5"), sc, NULL, 0, NULL);
    hid_t f = open_h5(path);
    const char *cols[] = {"step", "brand", "brand_name", "kind", "size"};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        char name[64];
        snprintf(name, sizeof name, "/events/%s", cols[c]);
        cr_assert_eq(shape(f, name, dims), 1);
        cr_assert_eq(dims[0], 0, "%s", name);
    }
    int dummy;
    read_ds(f, "/events/step", H5T_NATIVE_INT, &dummy);
    H5Fclose(f);
    if (have_tool("h5dump")) {
        snprintf(cmd, sizeof cmd, "h5dump -g /events '%s' >/dev/null 2>&1", path);
        cr_assert_eq(system(cmd), 0, "h5dump cannot read zero-length events");
    }
    free(sc);
}

Test(output, zero_brands)
{
    char path[256];
    hsize_t dims[2];
    bs_scenario *sc = make_scenario(5, 0);
    write_file(in_dir(path, sizeof path, "empty.h5"), sc, NULL, 0, NULL);
    hid_t f = open_h5(path);
    cr_assert_eq(shape(f, "/timeseries/brand/revenue", dims), 2);
    cr_assert(dims[0] == 5 && dims[1] == 0);
    cr_assert_eq(shape(f, "/brands/name", dims), 1);
    cr_assert_eq(dims[0], 0);
    check_axes(f, 5);
    H5Fclose(f);
    free(sc);
}

/* ---- the partial file protocol ---------------------------------------------- */

Test(output, finish_renames_partial_file)
{
    char path[256];
    bs_error err = {0};
    bs_scenario *sc = make_scenario(5, 3);
    bs_output *out = open_with_steps(in_dir(path, sizeof path, "run.h5"), sc, 5);
    cr_assert(partial_exists(path), "no partial file while writing");
    cr_assert(!exists(path), "target exists before finish");
    cr_assert_eq(bs_output_finish(out, events, N_EVENTS, NULL, &err), BS_OK, "%s", err.msg);
    cr_assert(exists(path), "no target after finish");
    cr_assert(!partial_exists(path), "partial file left after finish");
    free(sc);
}

Test(output, abort_removes_partial_file)
{
    char path[256];
    bs_scenario *sc = make_scenario(5, 3);
    bs_output *out = open_with_steps(in_dir(path, sizeof path, "run.h5"), sc, 2);
    bs_output_abort(out);
    cr_assert(!partial_exists(path), "partial file left after abort");
    cr_assert(!exists(path), "target exists after abort");
    bs_output_abort(NULL);
    free(sc);
}

Test(output, open_in_missing_directory_fails)
{
    char path[256];
    bs_error err = {0};
    bs_scenario *sc = make_scenario(5, 3);
    in_dir(path, sizeof path, "no/such/dir/run.h5");
    bs_output *out = bs_output_open(path, sc, YAML, "", &err);
    cr_assert_null(out);
    cr_assert_eq(err.status, BS_ERR_RUNTIME);
    cr_assert_not_null(strstr(err.msg, path), "message does not name the path: %s", err.msg);
    cr_assert_not_null(strstr(err.msg, "No such file or directory"), "%s", err.msg);
    free(sc);
}

static void expect_no_files(const char *path)
{
    cr_assert(!exists(path), "%s exists", path);
    cr_assert(!partial_exists(path), "%s.partial exists", path);
}

Test(output, extra_step_fails)
{
    char path[256];
    bs_error err = {0};
    bs_stats st = {0};
    bs_scenario *sc = make_scenario(5, 3);
    double *v = alloc_values(3);
    bs_output *out = open_with_steps(in_dir(path, sizeof path, "run.h5"), sc, 5);
    fill_stats(&st, v, 5, 3);
    cr_assert_eq(bs_output_write_step(out, &st, &err), BS_ERR_RUNTIME);
    cr_assert_not_null(strstr(err.msg, "run.h5.partial"), "%s", err.msg);
    bs_output_abort(out);
    expect_no_files(path);
    free(v);
    free(sc);
}

Test(output, out_of_order_step_fails)
{
    char path[256];
    bs_error err = {0};
    bs_stats st = {0};
    bs_scenario *sc = make_scenario(5, 3);
    double *v = alloc_values(4); /* room for the wrong brand count below */
    bs_output *out = open_with_steps(in_dir(path, sizeof path, "run.h5"), sc, 1);
    fill_stats(&st, v, 2, 3);
    cr_assert_eq(bs_output_write_step(out, &st, &err), BS_ERR_RUNTIME);
    cr_assert_not_null(strstr(err.msg, "expected step 1"), "%s", err.msg);
    fill_stats(&st, v, 1, 4);
    cr_assert_eq(bs_output_write_step(out, &st, &err), BS_ERR_RUNTIME, "wrong brand count");
    bs_output_abort(out);
    expect_no_files(path);
    free(v);
    free(sc);
}

Test(output, finish_before_last_step_fails)
{
    char path[256];
    bs_error err = {0};
    bs_scenario *sc = make_scenario(5, 3);
    bs_output *out = open_with_steps(in_dir(path, sizeof path, "run.h5"), sc, 3);
    cr_assert_eq(bs_output_finish(out, events, N_EVENTS, NULL, &err), BS_ERR_RUNTIME);
    cr_assert_not_null(strstr(err.msg, "3 of 5 steps"), "%s", err.msg);
    expect_no_files(path);
    free(sc);
}

/* ---- reproducibility -------------------------------------------------------- */

Test(output, runs_differ_only_in_provenance)
{
    char a[256], b[256], cmd[768];
    if (!have_tool("h5diff"))
        cr_skip_test("h5diff is not on PATH");
    bs_scenario *sc = make_scenario(70, 3);
    bs_provenance pa = provenance("host-a", 1.5), pb = provenance("other-host", 99.25);
    pb.threads = 1;
    pb.started_utc = "2025-01-02T03:04:05Z";
    write_file(in_dir(a, sizeof a, "a.h5"), sc, events, N_EVENTS, &pa);
    write_file(in_dir(b, sizeof b, "b.h5"), sc, events, N_EVENTS, &pb);
    snprintf(cmd, sizeof cmd, "h5diff --exclude-path /provenance '%s' '%s' >/dev/null 2>&1", a, b);
    cr_assert_eq(system(cmd), 0, "files differ outside /provenance");
    snprintf(cmd, sizeof cmd, "h5diff '%s' '%s' >/dev/null 2>&1", a, b);
    cr_assert_neq(system(cmd), 0, "h5diff sees no provenance difference");
    free(sc);
}

Test(output, identical_runs_are_byte_identical)
{
    char a[256], b[256], cmd[768];
    bs_scenario *sc = make_scenario(70, 3);
    bs_provenance p = provenance("host-a", 1.5);
    write_file(in_dir(a, sizeof a, "a.h5"), sc, events, N_EVENTS, &p);
    sleep(1); /* a timestamp, if any were written, would now differ */
    write_file(in_dir(b, sizeof b, "b.h5"), sc, events, N_EVENTS, &p);
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    cr_assert_eq(system(cmd), 0, "two identical runs wrote different bytes");
    free(sc);
}

/* ---- a full disk -------------------------------------------------------------- */

/* Pseudo-random values, so that compression cannot make the data fit. */
static void fill_noise(bs_stats *st, double *v, int step, int n_brands, uint64_t *state)
{
    size_t n = (size_t)BS_SEG_COUNT * BS_M_COUNT * n_brands;
    st->step = step;
    st->n_brands = n_brands;
    st->v = v;
    for (size_t i = 0; i < n; i++) {
        *state = *state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        v[i] = (double)(*state >> 11) / 9007199254740992.0;
    }
}

/* Write a run far larger than the disk; returns the first error's status. */
static bs_status write_too_much(const char *path, const bs_scenario *sc, bs_error *err)
{
    bs_output *out = bs_output_open(path, sc, YAML, "", err);
    bs_status s = out ? BS_OK : err->status;
    double *v = alloc_values(sc->n_brands);
    bs_stats st = {0};
    uint64_t state = 1;
    for (int t = 0; out && s == BS_OK && t < sc->steps; t++) {
        fill_noise(&st, v, t, sc->n_brands, &state);
        s = bs_output_write_step(out, &st, err);
    }
    if (out && s == BS_OK)
        s = bs_output_finish(out, events, N_EVENTS, NULL, err);
    else if (out)
        bs_output_abort(out);
    free(v);
    return s;
}

Test(output, full_disk_leaves_no_file)
{
    char mnt[256], path[512], cmd[512];
    bs_error err = {0};
    if (geteuid() != 0)
        cr_skip_test("needs root to mount a small tmpfs");
    in_dir(mnt, sizeof mnt, "full");
    cr_assert_eq(mkdir(mnt, 0700), 0);
    snprintf(cmd, sizeof cmd, "mount -t tmpfs -o size=64k tmpfs '%s' >/dev/null 2>&1", mnt);
    if (system(cmd) != 0)
        cr_skip_test("cannot mount a tmpfs here");
    snprintf(mounted, sizeof mounted, "%s", mnt);
    snprintf(path, sizeof path, "%s/big.h5", mnt);
    bs_scenario *sc = make_scenario(1000, 64);
    cr_assert_eq(write_too_much(path, sc, &err), BS_ERR_RUNTIME, "no error on a full disk");
    cr_assert_not_null(strstr(err.msg, "big.h5.partial"), "%s", err.msg);
    cr_assert_not_null(strstr(err.msg, "No space left on device"), "%s", err.msg);
    expect_no_files(path);
    free(sc);
}

/* ---- quantile series ----------------------------------------------------------------- */

static double value_q(int step, int g, int m, int bin, int b)
{
    return step * 1000.0 + g * 500.0 + m * 10.0 + bin + b * 0.01;
}

/* /timeseries/quantile/<grouping>/<metric>: (steps, bins, brands) as written, across a chunk
 * boundary, with by, bins, units, description and dims; absent when a grouping is off; a
 * step with other bins than the file's is refused. */
Test(output, quantile_series_round_trip)
{
    char path[256], name[256], buf[512];
    enum { S = 70, B = 2, QS = 3, QT = 4 };
    bs_scenario *sc = make_scenario(S, B);
    sc->strength_quantiles = QS;
    sc->trait_quantiles = QT;
    sc->quantile_trait = BS_TRAIT_GRUDGE;
    bs_error err = {0};
    bs_output *out = bs_output_open(in_dir(path, sizeof path, "q.h5"), sc, YAML, OVERRIDES, &err);
    cr_assert_not_null(out, "%s", err.msg);
    double *v = alloc_values(B), qs[BS_QM_COUNT * QS * B], qt[BS_QM_COUNT * QT * B];
    bs_stats st = {0};
    st.quantile_trait = BS_TRAIT_GRUDGE;
    for (int t = 0; t < S; t++) {
        fill_stats(&st, v, t, B);
        for (int g = 0; g < BS_QG_COUNT; g++) {
            const int bins = g ? QT : QS;
            double *q = g ? qt : qs;
            st.quantile_bins[g] = bins;
            st.quantile[g] = q;
            for (int m = 0; m < BS_QM_COUNT; m++)
                for (int bin = 0; bin < bins; bin++)
                    for (int b = 0; b < B; b++) q[(m * bins + bin) * B + b] = value_q(t, g, m, bin, b);
        }
        if (t == 3) { /* other bins than the file's: refused, nothing written */
            st.quantile_bins[BS_QG_TRAIT] = QT + 1;
            cr_expect_eq(bs_output_write_step(out, &st, &err), BS_ERR_RUNTIME);
            cr_expect_not_null(strstr(err.msg, "5 trait quantile bins, expected 4"), "%s", err.msg);
            st.quantile_bins[BS_QG_TRAIT] = QT;
        }
        cr_assert_eq(bs_output_write_step(out, &st, &err), BS_OK, "step %d: %s", t, err.msg);
    }
    free(v);
    cr_assert_eq(bs_output_finish(out, events, N_EVENTS, NULL, &err), BS_OK, "%s", err.msg);
    hid_t f = open_h5(path);
    static double x[S * QT * B];
    for (int g = 0; g < BS_QG_COUNT; g++) {
        const int bins = g ? QT : QS;
        const char *gname = bs_quantile_grouping_name(g);
        snprintf(name, sizeof name, "/timeseries/quantile/%s", gname);
        int n = 0;
        attr_num(f, name, "bins", H5T_NATIVE_INT, &n);
        cr_expect_eq(n, bins);
        attr_str(f, name, "by", buf, sizeof buf);
        cr_expect_str_eq(buf, g ? "grudge" : "prior_strength");
        for (int m = 0; m < BS_QM_COUNT; m++) {
            snprintf(name, sizeof name, "/timeseries/quantile/%s/%s", gname,
                     bs_quantile_metric_get(m)->name);
            hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
            cr_assert_geq(ds, 0, "no %s", name);
            hid_t sp = H5Dget_space(ds);
            hsize_t dims[3] = {0};
            cr_assert_eq(H5Sget_simple_extent_ndims(sp), 3, "%s", name);
            H5Sget_simple_extent_dims(sp, dims, NULL);
            cr_assert(dims[0] == S && dims[1] == (hsize_t)bins && dims[2] == B, "%s", name);
            cr_assert_geq(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x), 0);
            H5Sclose(sp);
            H5Dclose(ds);
            for (int t = 0; t < S; t++)
                for (int bin = 0; bin < bins; bin++)
                    for (int b = 0; b < B; b++)
                        cr_assert_eq(x[(t * bins + bin) * B + b], value_q(t, g, m, bin, b),
                                     "%s [%d, %d, %d]", name, t, bin, b);
            attr_str(f, name, "dims", buf, sizeof buf);
            cr_expect_str_eq(buf, "step,bin,brand");
            attr_str(f, name, "units", buf, sizeof buf);
            cr_expect_str_eq(buf, bs_quantile_metric_get(m)->units);
            attr_num(f, name, "bins", H5T_NATIVE_INT, &n);
            cr_expect_eq(n, bins);
        }
    }
    H5Fclose(f);
    /* off: no group */
    sc->strength_quantiles = sc->trait_quantiles = 0;
    write_file(in_dir(path, sizeof path, "off.h5"), sc, events, N_EVENTS, NULL);
    f = open_h5(path);
    cr_expect_eq(H5Lexists(f, "/timeseries/quantile", H5P_DEFAULT), 0);
    H5Fclose(f);
    free(sc);
}
