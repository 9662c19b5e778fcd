/* SPDX-License-Identifier: MIT */
/*
 * server.h: the classroom over HTTP (libmicrohttpd): serves api.c on a port,
 * and plays each round in a thread of its own when it is due
 * (cls_round_due), then saves and exports the class.
 */
#ifndef BRANDSIM_CLASSROOM_SERVER_H
#define BRANDSIM_CLASSROOM_SERVER_H

#include "classroom/class.h"

typedef struct cls_server cls_server;

typedef struct {
    int port;            /* 0: any free port (cls_server_port says which) */
    const char *bind;    /* address to listen on (NULL: every address) */
    const char *export_to; /* OUT: write OUT.h5/.csv after every round (NULL: none) */
} cls_server_opts;

/* Start serving c (not owned). NULL and why[] on failure (the port taken, ...). */
cls_server *cls_server_start(cls_class *c, const cls_server_opts *opt, char *why, size_t n);
int cls_server_port(const cls_server *s);
/* The last error of the rounds' thread ("" when none). */
const char *cls_server_error(cls_server *s);
/* Stop: no new requests, the round being computed finishes. */
void cls_server_stop(cls_server *s);

#endif
