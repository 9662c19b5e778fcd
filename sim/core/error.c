/* SPDX-License-Identifier: MIT */
/*
 * error.c: bs_error_setf and bs_error_setf_at, the one way the library fills
 * a bs_error (include/brandsim/error.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "brandsim/error.h"

bs_status bs_error_setf(bs_error *err, bs_status status, const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return status;
}

bs_status bs_error_setf_at(bs_error *err, bs_status status, const char *file, int line,
                           const char *fmt, ...)
{
    char why[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (!file || strlen(file) + 16 >= sizeof err->msg) /* a path that fills the message: the reason */
        return bs_error_setf(err, status, "%s", why);
    if (line > 0)
        return bs_error_setf(err, status, "%s:%d: %s", file, line, why);
    return bs_error_setf(err, status, "%s: %s", file, why);
}
