/* SPDX-License-Identifier: MIT */
/*
 * plot_format.c: the names of the figure formats (plot_format.h).
 */
#include "brandsim/plot_format.h"

#include <string.h>

static const char *const format_names[BS_PLOT_FORMAT_COUNT] = {"png", "svg", "pdf"};

const char *bs_plot_format_name(bs_plot_format f)
{
    return f >= 0 && f < BS_PLOT_FORMAT_COUNT ? format_names[f] : NULL;
}

int bs_plot_format_by_name(const char *name)
{
    for (int f = 0; f < BS_PLOT_FORMAT_COUNT; f++)
        if (!strcmp(format_names[f], name))
            return f;
    return -1;
}
