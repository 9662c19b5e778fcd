/* SPDX-License-Identifier: MIT */
/*
 * export.c: a class's games as files (export.h): OUT.h5, every market's
 * weekly series of every brand metric, its standings by round, its seats
 * (brand, team name, computer strategy) and its decisions' log; OUT.csv, the
 * standings by round as one tidy table. Team names only: no other personal
 * data is ever held. Both are written whole or not at all (OUT.*.tmp, then
 * renamed), and carry no timestamps, so a replayed game's export is the same
 * file byte for byte (docs/CLASSROOM.md).
 */
#define _GNU_SOURCE
#include "classroom/export.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "brandsim/metrics.h"
#include "brandsim/version.h"
#include "classroom/state.h"
#include "io/h5_util.h"

/* ---- HDF5 ------------------------------------------------------------ */

static int dataset(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
                   const void *data)
{
    hid_t space = H5Screate_simple(rank, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t d = H5I_INVALID_HID;
    if (space >= 0 && dcpl >= 0 && H5Pset_obj_track_times(dcpl, 0) >= 0)
        d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    int bad = d < 0 || H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0;
    if (d >= 0)
        H5Dclose(d);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return bad ? -1 : 0;
}

/* A 1-D dataset of fixed-length strings. */
static int strings(hid_t loc, const char *name, const char *const *v, int n)
{
    if (n < 0 || n > CLS_MAX_SEATS)
        return -1;
    size_t width = 1;
    for (int k = 0; k < n; k++)
        if (strlen(v[k]) + 1 > width)
            width = strlen(v[k]) + 1;
    char *buf = calloc(n > 0 ? (size_t)n : 1, width);
    if (!buf)
        return -1;
    for (int k = 0; k < n; k++)
        memcpy(buf + (size_t)k * width, v[k], strlen(v[k]));
    hid_t type = bs_h5_str_type(width);
    int bad = type < 0;
    hsize_t dims[1] = {(hsize_t)n};
    bad = bad || dataset(loc, name, type, 1, dims, buf);
    if (type >= 0)
        H5Tclose(type);
    free(buf);
    return bad ? -1 : 0;
}

/* A standing's columns, by round and brand (NaN for computer brands' scores). */
enum { S_SHARE, S_REVENUE, S_NET, S_CF_NET, S_SCORE, S_REVENGE, S_REPEAT, S_COUNT };
static const char *const standing_names[S_COUNT] = {
    "share", "revenue", "net", "counterfactual_net", "score", "revenge_acts", "repeat_rate"};

static void standings(cls_class *c, int m, double *x /* [S_COUNT][rounds][seats] */)
{
    const bs_game *g = c->market[m].game;
    const int R = bs_game_round(g), S = c->seats, rs = c->round_steps;
    for (int r = 0; r < R; r++)
        for (int s = 0, gt = 0; s < S; s++) {
            const int from = r * rs, to = from + rs;
            double *at = x + (size_t)r * S + s;
            const size_t stride = (size_t)R * S;
            at[S_SHARE * stride] = cls_at(c, m, BS_SEG_ALL, BS_M_MARKET_SHARE, s, to - 1);
            at[S_REVENUE * stride] = cls_sum(c, m, BS_SEG_ALL, BS_M_REVENUE, s, from, to);
            at[S_NET * stride] = cls_sum(c, m, BS_SEG_ALL, BS_M_NET_CONTRIBUTION, s, from, to);
            at[S_REVENGE * stride] = cls_sum(c, m, BS_SEG_ALL, BS_M_REVENGE_WOM, s, from, to) +
                                     cls_sum(c, m, BS_SEG_ALL, BS_M_REVENGE_WITHHOLD, s, from, to) +
                                     cls_sum(c, m, BS_SEG_ALL, BS_M_REVENGE_ANTIBRAND, s, from, to);
            at[S_REPEAT * stride] = cls_at(c, m, BS_SEG_ALL, BS_M_REPEAT_RATE, s, to - 1);
            if (c->market[m].team_of_seat[s] >= 0) {
                const bs_game_standing st = bs_game_round_standing(g, gt++, r);
                at[S_CF_NET * stride] = st.counterfactual_net;
                at[S_SCORE * stride] = st.score;
            } else {
                at[S_CF_NET * stride] = at[S_SCORE * stride] = NAN;
            }
        }
}

static int write_market(cls_class *c, hid_t file, int m)
{
    char name[32];
    snprintf(name, sizeof name, "market%d", m + 1);
    hid_t g = bs_h5_group(file, name);
    if (g < 0)
        return -1;
    const bs_game *game = c->market[m].game;
    const int S = c->seats, R = bs_game_round(game), W = R * c->round_steps;
    const char *brand[CLS_MAX_SEATS], *team[CLS_MAX_SEATS], *computer[CLS_MAX_SEATS];
    for (int s = 0, k = 0; s < S; s++) {
        brand[s] = c->sc->brands[s].name;
        team[s] = cls_team_name_of_brand(c, m, s) ?: "";
        computer[s] = "";
        if (c->market[m].team_of_seat[s] < 0)
            computer[s] = bs_game_computer_strategy(game, k++);
    }
    int bad = strings(g, "brand", brand, S) || strings(g, "team", team, S) ||
              strings(g, "computer", computer, S) || bs_h5_attr_int(g, "rounds_played", R);
    char *log = bs_game_log_string(game);
    bad = bad || !log || bs_h5_attr_str(g, "decisions", log);
    free(log);
    /* the weekly series: [brand][week], every brand metric of the whole market */
    hid_t series = bad ? H5I_INVALID_HID : bs_h5_group(g, "series");
    double *x = malloc(((size_t)S * (size_t)(W ? W : 1) + (size_t)S_COUNT * R * S + 1) * sizeof *x);
    bad = bad || series < 0 || !x;
    for (int k = 0; !bad && k < BS_M_COUNT; k++) {
        for (int s = 0; s < S; s++)
            for (int t = 0; t < W; t++)
                x[(size_t)s * W + t] = cls_at(c, m, BS_SEG_ALL, k, s, t);
        hsize_t dims[2] = {(hsize_t)S, (hsize_t)W};
        bad = dataset(series, bs_metric_get(k)->name, H5T_NATIVE_DOUBLE, 2, dims, x) ||
              bs_h5_attr_str(series, bs_metric_get(k)->name, bs_metric_get(k)->description);
    }
    if (series >= 0)
        H5Gclose(series);
    /* the standings: [round][brand] */
    hid_t st = bad ? H5I_INVALID_HID : bs_h5_group(g, "standings");
    bad = bad || st < 0;
    if (!bad)
        standings(c, m, x);
    for (int k = 0; !bad && k < S_COUNT; k++) {
        hsize_t dims[2] = {(hsize_t)R, (hsize_t)S};
        bad = dataset(st, standing_names[k], H5T_NATIVE_DOUBLE, 2, dims, x + (size_t)k * R * S);
    }
    if (st >= 0)
        H5Gclose(st);
    free(x);
    H5Gclose(g);
    return bad ? -1 : 0;
}

static int write_h5(cls_class *c, const char *path)
{
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    hid_t f = H5I_INVALID_HID;
    if (fcpl >= 0 && H5Pset_obj_track_times(fcpl, 0) >= 0)
        f = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    if (f < 0)
        return -1;
    int bad = bs_h5_attr_str(f, "scenario", c->sc->name) ||
              bs_h5_attr_str(f, "phase", c->phase == CLS_PRACTICE ? "practice" : "competition") ||
              bs_h5_attr_i64(f, "seed", (int64_t)cls_active(c)->seed) ||
              bs_h5_attr_int(f, "round_weeks", c->round_steps) || bs_h5_attr_str(f, "brandsim", BS_VERSION);
    for (int m = 0; !bad && m < c->n_markets; m++)
        if (c->market[m].game)
            bad = write_market(c, f, m);
    if (H5Fclose(f) < 0)
        bad = 1;
    return bad ? -1 : 0;
}

/* ---- CSV ------------------------------------------------------------- */

static int write_csv(cls_class *c, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("market,round,first_week,last_week,brand,team,computer", f);
    for (int k = 0; k < S_COUNT; k++) fprintf(f, ",%s", standing_names[k]);
    fputc('\n', f);
    for (int m = 0; m < c->n_markets; m++) {
        const bs_game *g = c->market[m].game;
        if (!g)
            continue;
        const int R = bs_game_round(g), S = c->seats;
        double *x = malloc(((size_t)S_COUNT * R * S + 1) * sizeof *x);
        if (!x) {
            fclose(f);
            return -1;
        }
        standings(c, m, x);
        for (int r = 0; r < R; r++)
            for (int s = 0, k = 0; s < S; s++) {
                const char *team = cls_team_name_of_brand(c, m, s);
                const char *comp = team ? "" : bs_game_computer_strategy(g, k++);
                fprintf(f, "%d,%d,%d,%d,%s,", m + 1, r + 1, r * c->round_steps + 1,
                        (r + 1) * c->round_steps, c->sc->brands[s].name);
                if (team) { /* quoted, quotes doubled (names hold no quote; to be safe) */
                    fputc('"', f);
                    for (const char *p = team; *p; p++) {
                        if (*p == '"')
                            fputc('"', f);
                        fputc(*p, f);
                    }
                    fputc('"', f);
                }
                fprintf(f, ",%s", comp);
                for (int q = 0; q < S_COUNT; q++) {
                    const double v = x[(size_t)q * R * S + (size_t)r * S + s];
                    if (isnan(v))
                        fputs(",", f);
                    else
                        fprintf(f, ",%.17g", v);
                }
                fputc('\n', f);
            }
        free(x);
    }
    int bad = ferror(f) != 0 || fflush(f) != 0 || fsync(fileno(f)) != 0;
    return (fclose(f) != 0 || bad) ? -1 : 0;
}

int cls_export(cls_class *c, const char *out, char *why, size_t n)
{
    char h5[4200], csv[4200], h5tmp[4210], csvtmp[4210];
    snprintf(h5, sizeof h5, "%s.h5", out);
    snprintf(csv, sizeof csv, "%s.csv", out);
    snprintf(h5tmp, sizeof h5tmp, "%s.tmp", h5);
    snprintf(csvtmp, sizeof csvtmp, "%s.tmp", csv);
    pthread_mutex_lock(&c->lock);
    int bad = write_h5(c, h5tmp) || write_csv(c, csvtmp);
    pthread_mutex_unlock(&c->lock);
    if (bad || rename(h5tmp, h5) || rename(csvtmp, csv)) {
        snprintf(why, n, "cannot write the game's export %s.h5/.csv", out);
        unlink(h5tmp);
        unlink(csvtmp);
        return -1;
    }
    return 0;
}
