/* SPDX-License-Identifier: MIT */
/*
 * gnuplot.h: the gnuplot process, as the figures (plot.c) use it: quoting a
 * string for a script, running a script, and checking that the file it wrote
 * is complete. bs_gnuplot_find, which finds the program, is public (plot.h).
 * Not a public header.
 */
#ifndef BS_ANALYSIS_GNUPLOT_H
#define BS_ANALYSIS_GNUPLOT_H

#include <stddef.h>
#include <stdio.h>

#include "brandsim/plot_format.h"
#include "brandsim/brandsim.h"

/* Write s to out as a gnuplot double-quoted string ('"' and '\' escaped, a
 * newline as \n). */
void bs_gnuplot_string(FILE *out, const char *s);

/* Run `script` (len bytes) with the gnuplot program `gnuplot`: the script
 * goes to a temporary file ($TMPDIR, else /tmp; removed after) and gnuplot's
 * messages come back through a pipe. The script writes `output`; `shown`
 * names the figure in messages. BS_ERR_RUNTIME if gnuplot cannot be run;
 * also if it is killed, fails (its messages, on one line, in err) or writes
 * no `output`, and then `output` is removed. */
bs_status bs_gnuplot_run(const char *gnuplot, const char *script, size_t len, const char *output,
                         const char *shown, bs_error *err);

/* gnuplot exits 0 even when it could not write all of its output (a full disk):
 * `file` counts as drawn only if it ends as its format must (PNG: the IEND
 * chunk; SVG: </svg>; PDF: %%EOF). `output` names the figure in the message.
 * BS_ERR_RUNTIME if not; the file is left for the caller to remove. */
bs_status bs_gnuplot_check_complete(bs_plot_format format, const char *file, const char *output,
                                    bs_error *err);

#endif
