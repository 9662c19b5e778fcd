/* SPDX-License-Identifier: MIT */
/*
 * sweep_internal.h: what a bs_sweep holds, shared by the files of the sweep
 * engine: sweep_load.c (experiment and design files, the points),
 * sweep.c (running, the journal, resuming) and sweep_table.c (the final
 * CSV and HDF5 tables). Private to the library.
 */
#ifndef BS_ANALYSIS_SWEEP_INTERNAL_H
#define BS_ANALYSIS_SWEEP_INTERNAL_H

#include <stdio.h>

#include "analysis/export_internal.h"
#include "brandsim/sweep.h"

struct bs_sweep {
    char name[BS_NAME_MAX];
    char source[1024];       /* the experiment or design file */
    char default_out[1200];
    bs_scenario *base;       /* validated, the sweep's overrides applied */
    bs_design_kind design;   /* BS_DESIGN_COUNT: the points of a design file */
    bs_design_spec spec;
    int levels[BS_DESIGN_MAX_FACTORS];
    int k;                   /* factors: the ko options first, then the uncertain ones */
    int ko;                  /* options (a decision's choices; 0 without) */
    size_t n_options;        /* combinations of the options' levels (1 without) */
    int decide;              /* the reported brand whose net contribution decides */
    bs_factor *factors;      /* k */
    size_t P;                /* points */
    int R;                   /* replicates */
    char *values;            /* P x k texts of BS_SWEEP_VALUE_MAX */
    double *u;               /* P x k unit-cube coordinates, NULL for a design file */
    int nb;                  /* brands reported */
    int brands[BS_MAX_BRANDS];
    double recovery;
    double *out;             /* runs x nb x BS_KPI_COUNT (NaN until run) */
    double *series;          /* with per-run series: runs x steps x BS_SWEEP_SERIES x nb */
    int steps;               /* of every run (a sweep with series may not change `steps`) */
    unsigned char *done;     /* runs */
};

/* The series kept of each run for its outcomes (and, when asked, for the table), in this
 * order: market_share, revenue, revenge_wom, revenge_withhold, revenge_antibrand,
 * mean_revenge, exits, response_cost, net_contribution. */
enum { BS_SWEEP_SERIES = 9 };
extern const bs_metric bs_sweep_series_metric[BS_SWEEP_SERIES];

/* Text of factor i at point p. */
static inline char *bs_sweep_cell(const bs_sweep *s, size_t p, int i)
{
    return s->values + (p * (size_t)s->k + (size_t)i) * BS_SWEEP_VALUE_MAX;
}

/* The scenario of point p, replicate r: the base with the point's values set, seed + r, one
 * replicate; validated. Errors name the point's source. */
bs_status bs_sweep_point_scenario(const bs_sweep *s, size_t p, int r, bs_scenario *sc,
                                  bs_error *err);

/* CSV fields and numbers are written by the export's writers (export_internal.h):
 * bs_export_field (quoted when needed) and bs_export_cell (",x", "," for NaN). */
/* Split one CSV line (no line break) into at most max fields (RFC 4180 quoting), each copied
 * into fields[i] (cap bytes). Returns the count, or -1 for a line that is not CSV (an
 * unclosed quote, a field too long, too many fields). */
int bs_sweep_csv_split(const char *line, char (*fields)[BS_SWEEP_PATH_MAX + BS_SWEEP_VALUE_MAX],
                       int max);

/* The header and the row of run k, as the journal and the final CSV hold them. */
void bs_sweep_write_header(const bs_sweep *s, FILE *f);
void bs_sweep_write_row(const bs_sweep *s, size_t run, FILE *f);

/* The final tables: CSV at `csv`, HDF5 beside it (bs_sweep_table_h5), each written to a
 * partial file and renamed when complete. */
bs_status bs_sweep_write_tables(const bs_sweep *s, const char *csv, bs_error *err);

#endif
