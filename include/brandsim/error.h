/* SPDX-License-Identifier: MIT */
/*
 * error.h: errors as values, and the one way to stop a long call. Every
 * fallible function of the library returns a bs_status and, on failure, fills
 * the bs_error its caller passed with the whole message; the library never
 * prints. Long calls (experiments, figures, exports) poll a bs_cancel.
 */
#ifndef BRANDSIM_ERROR_H
#define BRANDSIM_ERROR_H

#include <signal.h>

#include "brandsim/visibility.h"

#ifdef __cplusplus
extern "C" {
#endif
BS_API_BEGIN

typedef enum {
    BS_OK = 0,
    BS_ERR_INPUT = 2,   /* the user's scenario or arguments are wrong */
    BS_ERR_RUNTIME = 1, /* memory, I/O, or anything else */
} bs_status;

/* An error as a value: `msg` is complete, git style, e.g.
 * "scenarios/x.yaml:14: 'brands[2].quality': 1.5 is out of range [0, 1]". */
typedef struct {
    bs_status status;
    char msg[512];
} bs_error;

/* Set err->status to `status` and err->msg to the printf-style message
 * (truncated to fit). Does nothing to a NULL err. Returns `status`, so that a
 * failing function can end with `return bs_error_setf(err, BS_ERR_INPUT, ...)`. */
bs_status bs_error_setf(bs_error *err, bs_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The same, where the message is about a place in a file: "FILE:LINE: message" ("FILE:
 * message" when line is 0; the message alone when file is NULL or so long that it would
 * crowd the message out). */
bs_status bs_error_setf_at(bs_error *err, bs_status status, const char *file, int line,
                           const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A request to stop a long call: a flag the caller owns (a signal handler may
 * set it); the library polls it between steps, runs, series and figures and
 * returns BS_ERR_RUNTIME (an experiment's message begins "interrupted"; a figure's or
 * an export's "stopped"). flag NULL:
 * never stops. */
typedef struct {
    const volatile sig_atomic_t *flag;
} bs_cancel;

static inline int bs_cancel_requested(bs_cancel c)
{
    return c.flag && *c.flag;
}

BS_API_END
#ifdef __cplusplus
}
#endif
#endif
