/* SPDX-License-Identifier: MIT */
/*
 * store.h: a class kept in a state folder (`brandsim classroom --state DIR`):
 * DIR/scenario.yaml once, DIR/class.json after every change (join, phase,
 * round), each written whole or not at all; a server killed and started again
 * on DIR resumes at the last completed round.
 */
#ifndef BRANDSIM_CLASSROOM_STORE_H
#define BRANDSIM_CLASSROOM_STORE_H

#include <stddef.h>

#include "classroom/class.h"

/* Make DIR (if need be), lock it (store_lock) and write its scenario.yaml. 0, or -1 with
   why[]. */
int store_open(const char *dir, const bs_scenario *sc, char *why, size_t n);
/* Lock DIR for this process (DIR/lock, until it ends): -1 with why[] when another server
   holds it. */
int store_lock(const char *dir, char *why, size_t n);
/* Whether DIR holds a saved class. */
int store_exists(const char *dir);
/* cls_on_change's callback: save the class to DIR (ctx, a const char *). */
int store_save(cls_class *c, void *dir);
/* The class saved in DIR, resumed (its games played again from their logs). */
cls_class *store_resume(const char *dir, const cls_options *opt, bs_error *err);

#endif
