/* SPDX-License-Identifier: MIT */
/*
 * export.h: a class's games as OUT.h5 (weekly series, standings, seats and
 * log per market) and OUT.csv (standings by round): export.c says what each
 * holds. Written whole or not at all; the same bytes for a replayed game.
 */
#ifndef BRANDSIM_CLASSROOM_EXPORT_H
#define BRANDSIM_CLASSROOM_EXPORT_H

#include <stddef.h>

#include "classroom/class.h"

/* Write OUT.h5 and OUT.csv. 0, or -1 with why[]. Not while a round is being computed. */
int cls_export(cls_class *c, const char *out, char *why, size_t n);

#endif
