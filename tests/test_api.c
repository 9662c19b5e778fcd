/* SPDX-License-Identifier: MIT */
/*
 * test_api.c: the small public functions that the rest of the library and the
 * bindings lean on (include/brandsim/error.h, include/brandsim/scenario.h's
 * "the scenario on the heap, for bindings"):
 *
 * - bs_error_setf sets the status and the formatted message, truncates a long
 *   one, returns the status, and does nothing to a NULL error;
 * - bs_scenario_alloc gives the defaults; bs_scenario_copy copies every byte;
 *   the name, steps and brand accessors read the loaded scenario, and
 *   bs_scenario_brand_name is NULL out of range.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "brandsim/brandsim.h"

Test(error, setf_sets_status_and_message)
{
    bs_error err = {0};
    cr_assert_eq(bs_error_setf(&err, BS_ERR_INPUT, "%s:%d: '%s': %g is out of range", "x.yaml", 14,
                               "brands[2].quality", 1.5),
                 BS_ERR_INPUT);
    cr_assert_eq(err.status, BS_ERR_INPUT);
    cr_assert_str_eq(err.msg, "x.yaml:14: 'brands[2].quality': 1.5 is out of range");
    cr_assert_eq(bs_error_setf(&err, BS_ERR_RUNTIME, "out of memory"), BS_ERR_RUNTIME);
    cr_assert_eq(err.status, BS_ERR_RUNTIME);
    cr_assert_str_eq(err.msg, "out of memory");
}

Test(error, setf_truncates_and_accepts_null)
{
    bs_error err = {0};
    char long_text[2000];
    memset(long_text, 'a', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    bs_error_setf(&err, BS_ERR_INPUT, "%s", long_text);
    cr_assert_eq(strlen(err.msg), sizeof err.msg - 1);
    cr_assert_eq(bs_error_setf(NULL, BS_ERR_RUNTIME, "nobody reads %d", 1), BS_ERR_RUNTIME);
}

Test(error, setf_at_names_the_place_and_keeps_the_reason)
{
    bs_error err = {0};
    cr_assert_eq(bs_error_setf_at(&err, BS_ERR_INPUT, "x.yaml", 14, "'%s': bad", "seed"),
                 BS_ERR_INPUT);
    cr_assert_str_eq(err.msg, "x.yaml:14: 'seed': bad");
    bs_error_setf_at(&err, BS_ERR_INPUT, "x.yaml", 0, "no line");
    cr_assert_str_eq(err.msg, "x.yaml: no line");
    bs_error_setf_at(&err, BS_ERR_RUNTIME, NULL, 3, "no file");
    cr_assert_str_eq(err.msg, "no file");
    cr_assert_eq(err.status, BS_ERR_RUNTIME);
    char path[600]; /* a path that would fill the message: the reason is kept */
    memset(path, 'p', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    bs_error_setf_at(&err, BS_ERR_INPUT, path, 2, "the reason");
    cr_assert_str_eq(err.msg, "the reason");
}

Test(scenario_access, alloc_copy_and_accessors)
{
    bs_scenario *sc = bs_scenario_alloc(), *defaults = malloc(sizeof *defaults);
    cr_assert(sc && defaults);
    bs_scenario_defaults(defaults);
    cr_assert_eq(memcmp(sc, defaults, sizeof *sc), 0, "bs_scenario_alloc gives the defaults");
    cr_assert_eq(bs_scenario_n_brands(sc), 0);
    cr_assert_null(bs_scenario_brand_name(sc, 0));

    bs_error err = {0};
    cr_assert_eq(bs_scenario_load(BS_SOURCE_DIR "/scenarios/breach.yaml", sc, &err), BS_OK, "%s",
                 err.msg);
    cr_assert_str_eq(bs_scenario_name(sc), "breach");
    cr_assert_eq(bs_scenario_steps(sc), 52);
    cr_assert_eq(bs_scenario_n_brands(sc), 8);
    cr_assert_str_eq(bs_scenario_brand_name(sc, 0), "alder");
    cr_assert_str_eq(bs_scenario_brand_name(sc, 7), "hazel");
    cr_assert_null(bs_scenario_brand_name(sc, 8));
    cr_assert_null(bs_scenario_brand_name(sc, -1));

    bs_scenario_copy(defaults, sc);
    cr_assert_eq(memcmp(sc, defaults, sizeof *sc), 0);
    bs_scenario_free(sc);
    bs_scenario_free(NULL);
    free(defaults);
}
