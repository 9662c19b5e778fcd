/* SPDX-License-Identifier: MIT */
/*
 * api.h: the classroom's HTTP interface (docs/CLASSROOM-HTTP.md) without
 * the HTTP: a request (method, path, query's code, Authorization header,
 * body) in, a reply (status, content type, body) out. The pages and every
 * JSON route; every request is checked here (credentials, shape, size,
 * sequence) before the class sees it. server.c carries it over
 * libmicrohttpd; the tests call it directly.
 */
#ifndef BRANDSIM_CLASSROOM_API_H
#define BRANDSIM_CLASSROOM_API_H

#include <stddef.h>

#include "classroom/class.h"

#define API_MAX_BODY 16384 /* bytes of a request's body */

typedef struct {
    int status;
    const char *content_type;
    char *body;        /* malloc'd (owned: api_reply_free), or static when !owned */
    size_t len;
    int owned;
    const char *cache; /* Cache-Control */
} api_reply;

typedef struct {
    const char *method, *path;
    const char *code;          /* the query's ?code= (NULL: none) */
    const char *authorization; /* the header (NULL: none) */
    const char *content_type;  /* the header (NULL: none) */
    const char *body;
    size_t len;
    int too_large;             /* the body was longer than API_MAX_BODY (discarded) */
} api_request;

void api_handle(cls_class *c, const api_request *rq, api_reply *out);
void api_reply_free(api_reply *r);

#endif
