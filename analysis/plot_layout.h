/* SPDX-License-Identifier: MIT */
/*
 * plot_layout.h: how the figures' text fits the canvas: legend entries (brand
 * names with their exit policy, shortened when long), their width in pixels
 * from the legend font's metrics, the room the legend takes, and the title's
 * subtitle wrapped to the canvas' width. Used by plot.c and plot_series.c.
 * Not a public header.
 */
#ifndef BS_ANALYSIS_PLOT_LAYOUT_H
#define BS_ANALYSIS_PLOT_LAYOUT_H

#include <stddef.h>

#include "brandsim/results.h"

/* Legend entries are cut to LABEL_MAX characters, in the middle ("long_na...me_07"), so
 * that names differing only at the end stay apart; the legend column widens to fit
 * (bs_layout_keyshrink). */
enum { LABEL_MAX = 50 };

/* in, cut to LABEL_MAX characters, into out. */
void bs_layout_shorten(const char *in, char out[LABEL_MAX + 1]);

/* Brand b's legend entry in variant v of r, shortened; with_policy (figure 6) adds its
 * exit policy: "acme (win-back)", or the change a policy shock made: "acme (no exit
 * policy, win-back from day 70)". */
void bs_layout_brand_label(const bs_results *r, int v, int b, int with_policy,
                           char out[LABEL_MAX + 1]);

/* The width of a legend entry in pixels of the PNG's legend font (DejaVu Sans at 13
 * points). */
double bs_layout_label_px(const char *s);

/* The widest legend entry, in pixels, of the n brands `brands` (as bs_layout_brand_label
 * writes them). */
double bs_layout_widest_brand_label(const bs_results *r, int v, const int *brands, int n,
                                    int with_policy);

/* How far a legend whose widest entry takes key_px pixels moves the plots' right edge
 * and the legend left on a canvas `width` pixels wide, as a fraction of the width
 * (0 to 0.27): the template variable keyshrink. */
double bs_layout_keyshrink(double key_px, int width);

/* The title ("title\nsubtitle") into out[n], its subtitle broken after the last ", " or
 * "; " that keeps the first line within a canvas `width` pixels wide; returns the
 * number of lines. */
int bs_layout_wrap_subtitle(const char *title, int width, char *out, size_t n);

#endif
