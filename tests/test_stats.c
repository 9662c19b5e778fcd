/* SPDX-License-Identifier: MIT */
/*
 * test_stats.c: analysis/stats.c against values computed independently
 * (by hand, and with scipy.stats 1.10 on the same data: ttest_ind(equal_var=False),
 * ttest_rel, linregress, t.ppf; the figures are quoted in each test).
 */
#include <criterion/criterion.h>
#include <math.h>

#include "brandsim/stats.h"

#define NEAR(x, want, tol) cr_expect(fabs((x) - (want)) <= (tol), "%s = %.8g, expected %.8g", #x, (double)(x), (double)(want))

/* x = 1..5: mean 3, sd sqrt(2.5), t(0.975, 4) = 2.7764451 -> 3 -/+ 1.9632432 */
Test(stats, mean_ci_known_data)
{
    double x[] = {1, 2, 3, 4, 5};
    bs_ci c = bs_ci_mean(x, 1, 5, 0.95);
    NEAR(c.mean, 3, 1e-12);
    NEAR(c.sd, sqrt(2.5), 1e-12);
    NEAR(c.lo, 3 - 1.9632432, 1e-6);
    NEAR(c.hi, 3 + 1.9632432, 1e-6);
    cr_expect_eq(c.n, 5);
}

/* A strided column: the same numbers interleaved with garbage. */
Test(stats, mean_ci_stride)
{
    double x[] = {1, 99, 2, 99, 3, 99, 4, 99, 5, 99};
    bs_ci c = bs_ci_mean(x, 2, 5, 0.95);
    NEAR(c.mean, 3, 1e-12);
    NEAR(c.hi, 3 + 1.9632432, 1e-6);
}

Test(stats, mean_ci_degenerate)
{
    double x[] = {7};
    bs_ci c = bs_ci_mean(x, 1, 1, 0.95);
    NEAR(c.mean, 7, 0);
    cr_expect(isnan(c.sd) && isnan(c.lo) && isnan(c.hi));
    c = bs_ci_mean(x, 1, 0, 0.95);
    cr_expect(isnan(c.mean));
    double same[] = {2, 2, 2};
    c = bs_ci_mean(same, 1, 3, 0.95);
    NEAR(c.lo, 2, 0);
    NEAR(c.hi, 2, 0);
}

/* scipy: ttest_ind(1..5, [2,4,6,8,10], equal_var=False): t = -1.8973666,
   p = 0.10753119; df = 2.5^2 / (0.5^2/4 + 2^2/4) = 5.8823529; t.ppf(0.975, df) =
   2.4588237, se = sqrt(2.5), so the CI is -3 -/+ 3.8877416 */
Test(stats, welch_matches_r)
{
    double a[] = {1, 2, 3, 4, 5}, b[] = {2, 4, 6, 8, 10};
    bs_effect e = bs_effect_welch(a, 5, b, 5, 0.95);
    NEAR(e.estimate, -3, 1e-12);
    NEAR(e.t, -1.8973666, 1e-6);
    NEAR(e.df, 5.8823529, 1e-6);
    NEAR(e.p, 0.10753119, 1e-7);
    NEAR(e.lo, -6.8877416, 1e-6);
    NEAR(e.hi, 0.8877416, 1e-6);
}

/* scipy: ttest_rel([2.1,3.9,6.2,8.1,9.8], [1,3,5,7,9]): t = 13.880442, df = 4,
   p = 0.00015619175 (mean difference 1.02) */
Test(stats, paired_matches_r)
{
    double a[] = {2.1, 3.9, 6.2, 8.1, 9.8}, b[] = {1, 3, 5, 7, 9};
    bs_effect e = bs_effect_paired(a, b, 5, 0.95);
    NEAR(e.estimate, 1.02, 1e-12);
    NEAR(e.df, 4, 0);
    NEAR(e.t, 13.880442, 1e-5);
    NEAR(e.p, 0.00015619175, 1e-10);
    /* a Welch test of the same data sees no difference: pairing is what finds it */
    cr_expect_gt(bs_effect_welch(a, 5, b, 5, 0.95).p, 0.5);
}

/* Constant differences: zero standard error, infinite t, p = 0. */
Test(stats, paired_constant_difference)
{
    double a[] = {3, 4, 5}, b[] = {1, 2, 3};
    bs_effect e = bs_effect_paired(a, b, 3, 0.95);
    NEAR(e.estimate, 2, 0);
    cr_expect(isinf(e.t) && e.t > 0);
    NEAR(e.p, 0, 0);
    NEAR(e.lo, 2, 0);
}

/* Cells with means 10, 4, 6, 5: interaction (10-4)-(6-5) = 5; each cell has
   variance 1 (values m-1, m, m+1), so se = sqrt(4 * 1/3), df = 4 * 2 = 8. */
Test(stats, interaction_by_hand)
{
    double a11[] = {9, 10, 11}, a10[] = {3, 4, 5}, a01[] = {5, 6, 7}, a00[] = {4, 5, 6};
    bs_effect e = bs_effect_interaction(a11, 3, a10, 3, a01, 3, a00, 3, 0.95);
    NEAR(e.estimate, 5, 1e-12);
    NEAR(e.se, sqrt(4.0 / 3.0), 1e-12);
    NEAR(e.df, 8, 1e-9);
    NEAR(e.t, 5 / sqrt(4.0 / 3.0), 1e-9);
    /* t(0.975, 8) = 2.3060041 */
    NEAR(e.lo, 5 - 2.3060041 * sqrt(4.0 / 3.0), 1e-6);
    cr_expect_lt(e.p, 0.01);
}

/* scipy: linregress(1..5, [1,3,2,5,4]): slope 0.8, stderr 0.34641016,
   p = 0.10408804 (t = 2.3094011 with 3 df) */
Test(stats, slope_matches_r)
{
    double x[] = {1, 2, 3, 4, 5}, y[] = {1, 3, 2, 5, 4};
    bs_effect e = bs_effect_slope(x, y, 5, 0.95);
    NEAR(e.estimate, 0.8, 1e-12);
    NEAR(e.se, sqrt(0.12), 1e-12);
    NEAR(e.df, 3, 0);
    NEAR(e.t, 2.3094011, 1e-6);
    NEAR(e.p, 0.10408804, 1e-7);
}

Test(stats, too_few_values_give_nan)
{
    double x[] = {1, 2};
    cr_expect(isnan(bs_effect_slope(x, x, 2, 0.95).estimate));
    cr_expect(isnan(bs_effect_welch(x, 1, x, 2, 0.95).p));
    cr_expect(isnan(bs_effect_paired(x, x, 1, 0.95).t));
    double same[] = {3, 3, 3};
    cr_expect(isnan(bs_effect_slope(same, x, 3, 0.95).estimate), "x without spread has no slope");
    cr_expect(isnan(bs_ci_mean(x, 1, 2, 1.5).lo), "a level outside (0, 1) is refused");
}
