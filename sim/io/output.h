/*
 * output.h: writes one run to an HDF5 file, the only file format brandsim
 * produces (layout in docs/OUTPUT.md). The file is built as PATH.partial and
 * renamed to PATH only once it is complete, so PATH never holds a half file.
 *
 * Use: bs_output_open(), bs_output_write_step() once per step in order, then
 * bs_output_finish(); on an error or an interrupt, bs_output_abort() instead.
 * This module never prints and never exits; every failure is a bs_error.
 */
#ifndef BRANDSIM_IO_OUTPUT_H
#define BRANDSIM_IO_OUTPUT_H

#include "brandsim/brandsim.h"

typedef struct bs_output bs_output;

typedef struct {              /* things that differ between two identical runs */
    const char *version;      /* BS_VERSION */
    int threads;
    double wall_seconds;
    const char *host;
    const char *started_utc;  /* ISO 8601 */
    const char *command_line;
    double bytes_per_consumer;
} bs_provenance;

/* Create PATH.partial beside PATH (PATH + ".partial"), with every dataset laid out for sc->steps
   steps. scenario_yaml: the scenario as run (resolved, after overrides) stored as a root string
   attribute; overrides: the --set arguments joined by newlines ("" if none), root attribute.
   Returns NULL and fills err (BS_ERR_RUNTIME, message naming the path and the HDF5/OS reason) on failure. */
bs_output *bs_output_open(const char *path, const bs_scenario *sc, const char *scenario_yaml,
                          const char *overrides, bs_error *err);

/* Append one step's aggregates (buffered; written in time chunks). Steps must come in order,
   exactly sc->steps of them. On an error the output stays open: call bs_output_abort(). */
bs_status bs_output_write_step(bs_output *out, const bs_stats *st, bs_error *err);

/* Write events and provenance (brands were written at open); flush; close; rename PATH.partial
   to PATH. Fails unless all sc->steps steps were written. On any failure, remove the partial
   file and return an error: no file under PATH (and no half file) remains.
   Frees `out` in every case: do not call bs_output_abort() afterwards. */
bs_status bs_output_finish(bs_output *out, const bs_event *ev, int n_events,
                           const bs_provenance *prov, bs_error *err);

/* Close and delete the partial file (interrupt, error). Safe on NULL. */
void bs_output_abort(bs_output *out);

#endif
