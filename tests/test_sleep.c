/*
 * test_sleep.c - thrace_sleep's arguments, as Python's time.sleep takes
 * them: zero returns at once; a negative duration or NaN (ValueError) and
 * one past THRACE_TIMEOUT_MAX (OverflowError, INFINITY included) are
 * refused at once with a code. Its length, and signals and clock steps
 * during it, are test_time.c's (which steps the wall clock, so runs alone).
 */
#include "harness.h"

#include <math.h>

TEST(sleep_of_zero_returns_at_once)
{
    double t0 = harness_now();
    ASSERT_CODE(THRACE_OK, thrace_sleep(0.0));
    ASSERT_CODE(THRACE_OK, thrace_sleep(-0.0));
    ASSERT_DURATION(0, harness_now() - t0);
}

TEST(sleep_of_a_negative_duration_or_nan_is_einval_at_once)
{
    double durations[] = {-1.0, -0.5, -1e-9, -1e300, -INFINITY, NAN, -NAN};
    double t0 = harness_now();
    for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++)
        ASSERT_CODE(THRACE_EINVAL, thrace_sleep(durations[i]));
    ASSERT_DURATION(0, harness_now() - t0);
}

TEST(sleep_past_timeout_max_or_infinite_is_erange_at_once)
{
    double durations[] = {INFINITY, 1e300, THRACE_TIMEOUT_MAX * 2};
    double t0 = harness_now();
    for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++)
        ASSERT_CODE(THRACE_ERANGE, thrace_sleep(durations[i]));
    ASSERT_DURATION(0, harness_now() - t0);
}
