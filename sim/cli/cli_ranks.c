/* SPDX-License-Identifier: MIT */
/*
 * cli_ranks.c: the progress line of a command whose runs spread over MPI
 * ranks (cli.h): runs done of all, what each rank has done and whether it is
 * computing now, the rate and the time left. On a terminal the line is
 * redrawn; on a pipe (a batch job's log) a line is printed every 10 % or 30 s.
 */
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"

typedef struct {
    char label[160];
    int tty;
    double last;
    size_t last_done;
} line;

static line the_line;

static void show(void *ctx, const bs_distribute_progress *p)
{
    line *g = ctx;
    const int final = p->done == p->total;
    if (!g->tty && !final && p->seconds - g->last < 30 && (p->done - g->last_done) * 10 < p->total)
        return;
    fprintf(stderr, "%s%s: %zu/%zu runs, ranks", g->tty ? "\r" : "", g->label, p->done, p->total);
    for (int r = 0; r < p->ranks && r < 64; r++)
        fprintf(stderr, " %d:%zu%s", r, p->rank_done[r], p->rank_busy[r] ? "*" : "");
    if (p->ranks > 64)
        fprintf(stderr, " (+%d)", p->ranks - 64);
    if (p->done > 0 && !final && p->seconds > 0) {
        double left = p->seconds / (double)p->done * (double)(p->total - p->done);
        if (left < 60)
            fprintf(stderr, ", %.0f s left", left);
        else
            fprintf(stderr, ", %.0f min left", ceil(left / 60));
    }
    fputs(g->tty ? (final ? "\n" : "   ") : "\n", stderr);
    fflush(stderr);
    g->last = p->seconds;
    g->last_done = p->done;
}

void cli_ranks_progress(const char *label, int always)
{
    bs_distributor *d = cli_distributor();
    const int tty = isatty(2);
    if (!bs_distributed(d) || d->rank != 0 || !(tty || always))
        return;
    snprintf(the_line.label, sizeof the_line.label, "%s", label);
    the_line.tty = tty;
    d->on_progress = show;
    d->progress_ctx = &the_line;
}
