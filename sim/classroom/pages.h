/* SPDX-License-Identifier: MIT */
/*
 * pages.h: the classroom's pages (sim/classroom/pages/), embedded in the
 * command at build time (cmake/embed-pages.cmake writes pages.c), so the
 * server needs no files beside it and nothing from the internet.
 */
#ifndef BRANDSIM_CLASSROOM_PAGES_H
#define BRANDSIM_CLASSROOM_PAGES_H

#include <stddef.h>

typedef struct {
    const char *path; /* "/", "/team", "/app.js", ... */
    const char *content_type;
    const unsigned char *body;
    size_t len;
} cls_page;

/* The page served at `path`, or NULL. */
const cls_page *cls_page_of(const char *path);

#endif
