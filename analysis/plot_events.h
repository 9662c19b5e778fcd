/* SPDX-License-Identifier: MIT */
/*
 * plot_events.h: the shocks and responses of a run as a figure shows them:
 * numbered vertical lines in each panel (@EVENTS@) and the numbered list under
 * the plot (@EVENTNOTE@). Events of one step form one group, one number.
 * Used by plot_template.c and plot.c. Not a public header.
 */
#ifndef BS_ANALYSIS_PLOT_EVENTS_H
#define BS_ANALYSIS_PLOT_EVENTS_H

#include <stdio.h>

#include "brandsim/results.h"

/* @EVENTS@: gnuplot commands that unset the previous panel's lines and labels, then
 * draw a line at the start of each event group of variant v of r (solid for a group
 * with a shock, dashed for responses only) with its number at the top. */
void bs_plot_events_lines(FILE *out, const bs_results *r, int v);

/* @EVENTNOTE@: the numbered list of event groups as labels at the bottom of a canvas
 * width x height pixels; past a few groups, a line saying how many more. */
void bs_plot_events_note(FILE *out, const bs_results *r, int v, int width, int height);

/* How many lines bs_plot_events_note takes (for the room under the plot). */
int bs_plot_events_note_lines(const bs_results *r, int v);

#endif
