/* SPDX-License-Identifier: MIT */
/*
 * economics.h: what a brand's response to a breach or betrayal costs (the
 * scenario's `economics:` section, bs_economics). Accounting only: the step
 * counts the customers a response reaches, and the reduction (run.c) turns
 * them into the brand's response_cost and net_contribution series; no
 * consumer ever reads these numbers, so they change no model number.
 */
#ifndef BS_CORE_ECONOMICS_H
#define BS_CORE_ECONOMICS_H

#include "brandsim/scenario.h"

/* Cost of response `response` (bs_response) per customer it reaches: handling, plus the
 * compensation itself for compensation; 0 for none. */
static inline double bs_response_cost_per_customer(const bs_economics *e, int response)
{
    switch (response) {
    case BS_RESPONSE_APOLOGY: return e->apology_per_customer;
    case BS_RESPONSE_COMPENSATION: return e->compensation_per_customer + e->compensation_amount;
    case BS_RESPONSE_TRANSPARENCY_CONTROL: return e->transparency_per_customer;
    default: return 0;
    }
}

/* The one-off cost of a response, paid in the step it is made. */
static inline double bs_response_cost_fixed(const bs_economics *e, int response)
{
    switch (response) {
    case BS_RESPONSE_APOLOGY: return e->apology_fixed;
    case BS_RESPONSE_COMPENSATION: return e->compensation_fixed;
    case BS_RESPONSE_TRANSPARENCY_CONTROL: return e->transparency_fixed;
    default: return 0;
    }
}

/* What a response made this step costs when it reaches `reached` customers. */
static inline double bs_response_cost(const bs_economics *e, int response, double reached)
{
    return response ? bs_response_cost_fixed(e, response)
                          + bs_response_cost_per_customer(e, response) * reached
                    : 0;
}

#endif
