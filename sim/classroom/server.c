/* SPDX-License-Identifier: MIT */
/*
 * server.c: libmicrohttpd carries requests to api.c (server.h). A pool of
 * threads answers requests; a body longer than API_MAX_BODY is discarded as
 * it arrives (and refused with 413), slow or idle clients are dropped after
 * a timeout, and the number of connections is capped. A thread of its own
 * plays each round when it is due, then exports the class.
 */
#define _GNU_SOURCE
#include "classroom/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classroom/api.h"
#include "classroom/export.h"

#if MHD_VERSION < 0x00097002
typedef int MHD_Result_t;
#else
typedef enum MHD_Result MHD_Result_t;
#endif

struct cls_server {
    cls_class *c;
    struct MHD_Daemon *d;
    pthread_t rounds;
    atomic_int stop;
    int port;
    char export_to[4096];
    pthread_mutex_t error_lock;
    char error[512];
};

/* A request's body, gathered as it arrives. */
typedef struct {
    char buf[API_MAX_BODY];
    size_t len;
    int too_large;
} upload;

static MHD_Result_t answer(void *cls, struct MHD_Connection *con, const char *url,
                           const char *method, const char *version, const char *data,
                           size_t *data_size, void **con_cls)
{
    (void)version;
    cls_server *s = cls;
    upload *up = *con_cls;
    if (!up) { /* the headers are in: refuse a declared oversized body at once */
        if (!(up = calloc(1, sizeof *up)))
            return MHD_NO;
        *con_cls = up;
        const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > API_MAX_BODY)
            up->too_large = 1;
        else
            return MHD_YES;
    }
    if (*data_size) { /* more of the body: kept up to the limit, the rest discarded */
        if (up->len + *data_size > sizeof up->buf)
            up->too_large = 1;
        else if (!up->too_large) {
            memcpy(up->buf + up->len, data, *data_size);
            up->len += *data_size;
        }
        *data_size = 0;
        return MHD_YES;
    }
    api_request rq = {method, url,
                      MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, "code"),
                      MHD_lookup_connection_value(con, MHD_HEADER_KIND,
                                                  MHD_HTTP_HEADER_AUTHORIZATION),
                      MHD_lookup_connection_value(con, MHD_HEADER_KIND,
                                                  MHD_HTTP_HEADER_CONTENT_TYPE),
                      up->buf, up->len, up->too_large};
    api_reply r;
    api_handle(s->c, &rq, &r);
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        r.len, r.body, r.owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        api_reply_free(&r);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r.content_type);
    if (r.cache)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, r.cache);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                            "script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
    if (up->too_large) /* the rest of the body was not read: the connection cannot go on */
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    MHD_Result_t ok = MHD_queue_response(con, (unsigned)r.status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static void done(void *cls, struct MHD_Connection *con, void **con_cls,
                 enum MHD_RequestTerminationCode code)
{
    (void)cls, (void)con, (void)code;
    free(*con_cls);
    *con_cls = NULL;
}

static void set_error(cls_server *s, const char *why)
{
    pthread_mutex_lock(&s->error_lock);
    snprintf(s->error, sizeof s->error, "%s", why);
    pthread_mutex_unlock(&s->error_lock);
}

static void *play_rounds(void *arg)
{
    cls_server *s = arg;
    const struct timespec nap = {0, 100 * 1000 * 1000};
    while (!atomic_load(&s->stop)) {
        if (!cls_round_due(s->c)) {
            nanosleep(&nap, NULL);
            continue;
        }
        bs_error err = {0};
        if (cls_play_round(s->c, &err)) {
            set_error(s, err.msg);
            continue;
        }
        char why[512];
        if (s->export_to[0] && cls_export(s->c, s->export_to, why, sizeof why))
            set_error(s, why);
    }
    return NULL;
}

cls_server *cls_server_start(cls_class *c, const cls_server_opts *opt, char *why, size_t n)
{
    cls_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(why, n, "out of memory");
        return NULL;
    }
    s->c = c;
    pthread_mutex_init(&s->error_lock, NULL);
    if (opt->export_to)
        snprintf(s->export_to, sizeof s->export_to, "%s", opt->export_to);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)opt->port);
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (opt->bind && inet_pton(AF_INET, opt->bind, &addr.sin_addr) != 1) {
        snprintf(why, n, "--bind %s: expected an IPv4 address such as 127.0.0.1 or 0.0.0.0",
                 opt->bind);
        free(s);
        return NULL;
    }
    s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                                MHD_USE_ERROR_LOG,
                            (uint16_t)opt->port, NULL, NULL, answer, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                            MHD_OPTION_THREAD_POOL_SIZE, 4u,
                            MHD_OPTION_CONNECTION_LIMIT, 512u,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, 128u,
                            MHD_OPTION_CONNECTION_TIMEOUT, 15u,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
                            MHD_OPTION_NOTIFY_COMPLETED, done, s,
                            MHD_OPTION_END);
    if (!s->d) {
        snprintf(why, n, "cannot listen on port %d (is it taken? try --port)", opt->port);
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : opt->port;
    if (pthread_create(&s->rounds, NULL, play_rounds, s)) {
        MHD_stop_daemon(s->d);
        free(s);
        snprintf(why, n, "cannot start the rounds' thread");
        return NULL;
    }
    return s;
}

int cls_server_port(const cls_server *s) { return s->port; }

const char *cls_server_error(cls_server *s)
{
    static _Thread_local char copy[512];
    pthread_mutex_lock(&s->error_lock);
    snprintf(copy, sizeof copy, "%s", s->error);
    pthread_mutex_unlock(&s->error_lock);
    return copy;
}

void cls_server_stop(cls_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->d);
    atomic_store(&s->stop, 1);
    pthread_join(s->rounds, NULL);
    pthread_mutex_destroy(&s->error_lock);
    free(s);
}
