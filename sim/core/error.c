/* SPDX-License-Identifier: MIT */
/*
 * error.c: bs_error_setf, the one way the library fills a bs_error
 * (include/brandsim/error.h).
 */
#include <stdarg.h>
#include <stdio.h>

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
