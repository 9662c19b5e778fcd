/* SPDX-License-Identifier: MIT */
/*
 * plot_format.h: the file formats brandsim draws figures in (PNG, SVG, PDF)
 * and their names, shared by the figures (plot.c) and the gnuplot process
 * (gnuplot.c), which checks that a file of each format is complete.
 */
#ifndef BS_ANALYSIS_PLOT_FORMAT_H
#define BS_ANALYSIS_PLOT_FORMAT_H

#include "brandsim/visibility.h"

BS_API_BEGIN

typedef enum { BS_PLOT_PNG, BS_PLOT_SVG, BS_PLOT_PDF, BS_PLOT_FORMAT_COUNT } bs_plot_format;

/* "png", "svg", "pdf" (NULL out of range); and back (-1 if unknown). */
const char *bs_plot_format_name(bs_plot_format f);
int bs_plot_format_by_name(const char *name);

BS_API_END

#endif
