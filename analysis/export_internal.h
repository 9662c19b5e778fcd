/* SPDX-License-Identifier: MIT */
/*
 * export_internal.h: what the export's files share: the rows kept (the
 * options of export.h resolved against a file, bs_export_sel), CSV cells,
 * and the table writers beside the series table of export.c
 * (export_summary.c: the series' summary; export_outcomes.c: the outcome
 * tables). Not a public header.
 */
#ifndef BS_ANALYSIS_EXPORT_INTERNAL_H
#define BS_ANALYSIS_EXPORT_INTERNAL_H

#include <stdio.h>

#include "brandsim/export.h"

/* The rows kept, as flags: a series is written when its metric and its
 * segment (or bin, or the market) are kept; a row of it when its brand is. */
typedef struct {
    int v;                                  /* the variant, -1: every variant */
    unsigned char metric[BS_M_COUNT];       /* brand metrics (segments' series) */
    unsigned char market[BS_MK_COUNT];      /* market metrics the file holds */
    unsigned char qmetric[BS_QM_COUNT];     /* quantile metrics */
    unsigned char seg[BS_SEG_COUNT];
    unsigned char market_rows;              /* segment "market" */
    unsigned char bin[BS_QG_COUNT][BS_QUANTILE_MAX_BINS]; /* bins the file holds */
    unsigned char *brand;                   /* B flags (malloc) */
} bs_export_sel;

/* o resolved against r into *sel (free with bs_export_sel_free, also after a failure);
 * errors as bs_export_check. */
bs_status bs_export_select(const bs_results *r, const bs_export_options *o, bs_export_sel *sel,
                           bs_error *err);
void bs_export_sel_free(bs_export_sel *sel);

/* A name as a CSV field: quoted if it holds a comma, quote or line break. */
void bs_export_field(FILE *out, const char *s);
/* ',' then x (bs_export_number), or nothing after the comma for NaN. */
void bs_export_cell(FILE *out, double x);
/* BS_ERR_RUNTIME "stopped" when cancel's flag is set, else BS_OK. */
bs_status bs_export_stopped(bs_cancel cancel, bs_error *err);

/* The summary of the series sel keeps, header first (export_summary.c). */
bs_status bs_export_summary(const bs_results *r, const bs_export_sel *sel, FILE *out,
                            bs_cancel cancel, bs_error *err);
/* The outcome table, or with summary its summary, of the brands sel keeps
 * (export_outcomes.c). */
bs_status bs_export_outcomes(const bs_results *r, const bs_export_sel *sel, int summary,
                             FILE *out, bs_cancel cancel, bs_error *err);

#endif
