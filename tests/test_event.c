/*
 * test_event.c - Event: the flag, Python's timeout rules for wait, set()
 * waking every waiter, a woken waiter reporting OK even when clear() ran
 * before it woke (gh-57711), and names.
 */
#include "sync_util.h"

#include <math.h>
#include <stdatomic.h>

/* Threads that bump `arrived`, wait with `timeout`, and keep the result. */
typedef struct {
    thrace_event event;
    double timeout;
    atomic_int arrived;
    atomic_int next_slot;
    int rc[8];
    double took[8];
} waiters;

static void waiter(void *arg)
{
    waiters *w = arg;
    int slot = atomic_fetch_add(&w->next_slot, 1);
    atomic_fetch_add(&w->arrived, 1); /* just before the call: see sync_util.h */
    double start = harness_now();
    w->rc[slot] = thrace_event_wait(&w->event, w->timeout);
    w->took[slot] = harness_now() - start;
}

/* Starts n waiters and returns once all of them are blocked in wait. */
static void start_blocked_waiters(waiters *w, thrace_thread **t, int n)
{
    for (int i = 0; i < n; i++)
        t[i] = spawn(waiter, w);
    WAIT_UNTIL(atomic_load(&w->arrived) == n);
    wait_until_blocked(t, (size_t)n);
}

TEST(event_starts_unset)
{
    thrace_event e;
    ASSERT_CODE(THRACE_OK, thrace_event_init(&e));
    ASSERT_FALSE(thrace_event_is_set(&e));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_event_wait(&e, 0));
    thrace_event_destroy(&e);
}

TEST(event_static_initializer_starts_unset_and_works)
{
    thrace_event e = THRACE_EVENT_INIT;
    ASSERT_FALSE(thrace_event_is_set(&e));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_event_wait(&e, 0));
    thrace_event_set(&e);
    ASSERT_TRUE(thrace_event_is_set(&e));
    ASSERT_CODE(THRACE_OK, thrace_event_wait(&e, 0));
    thrace_event_destroy(&e);
}

TEST(event_set_and_clear_toggle_the_flag_and_are_idempotent)
{
    thrace_event e;
    ASSERT_CODE(THRACE_OK, thrace_event_init(&e));
    thrace_event_clear(&e);
    ASSERT_FALSE(thrace_event_is_set(&e));
    thrace_event_set(&e);
    ASSERT_TRUE(thrace_event_is_set(&e));
    thrace_event_set(&e);
    ASSERT_TRUE(thrace_event_is_set(&e));
    thrace_event_clear(&e);
    ASSERT_FALSE(thrace_event_is_set(&e));
    thrace_event_clear(&e);
    ASSERT_FALSE(thrace_event_is_set(&e));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_event_wait(&e, 0)); /* clear really unsets */
    thrace_event_destroy(&e);
}

TEST(event_wait_on_set_event_returns_ok_at_once_for_any_timeout)
{
    const double timeouts[] = {THRACE_FOREVER,    0.0, -0.5, -1e9, 5.0, 1e10, INFINITY,
                               THRACE_TIMEOUT_MAX};
    thrace_event e;
    ASSERT_CODE(THRACE_OK, thrace_event_init(&e));
    thrace_event_set(&e);
    double start = harness_now();
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++)
        ASSERT_CODE(THRACE_OK, thrace_event_wait(&e, timeouts[i]));
    ASSERT_TRUE(harness_now() - start < 0.5);
    ASSERT_TRUE(thrace_event_is_set(&e)); /* wait does not consume the flag */
    thrace_event_destroy(&e);
}

TEST(event_wait_nan_is_einval_whether_set_or_not)
{
    thrace_event e;
    ASSERT_CODE(THRACE_OK, thrace_event_init(&e));
    ASSERT_CODE(THRACE_EINVAL, thrace_event_wait(&e, NAN));
    thrace_event_set(&e);
    ASSERT_CODE(THRACE_EINVAL, thrace_event_wait(&e, NAN));
    thrace_event_destroy(&e);
}

TEST(event_wait_on_unset_event_times_out_in_band)
{
    thrace_event e;
    ASSERT_CODE(THRACE_OK, thrace_event_init(&e));
    double start = harness_now();
    ASSERT_CODE(THRACE_TIMEOUT, thrace_event_wait(&e, 0.2));
    ASSERT_DURATION(0.2, harness_now() - start);
    thrace_event_destroy(&e);
}

TEST(event_wait_zero_or_negative_timeout_on_unset_event_polls)
{
    thrace_event e;
    ASSERT_CODE(THRACE_OK, thrace_event_init(&e));
    double start = harness_now();
    ASSERT_CODE(THRACE_TIMEOUT, thrace_event_wait(&e, 0));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_event_wait(&e, -0.5));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_event_wait(&e, -1e9));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_event_wait(&e, -INFINITY));
    ASSERT_TRUE(harness_now() - start < 0.5);
    thrace_event_destroy(&e);
}

TEST(event_wait_above_timeout_max_on_unset_event_is_erange)
{
    thrace_event e;
    ASSERT_CODE(THRACE_OK, thrace_event_init(&e));
    double start = harness_now();
    ASSERT_CODE(THRACE_ERANGE, thrace_event_wait(&e, 1e10));
    ASSERT_CODE(THRACE_ERANGE, thrace_event_wait(&e, INFINITY));
    ASSERT_CODE(THRACE_ERANGE, thrace_event_wait(&e, THRACE_TIMEOUT_MAX * 2));
    ASSERT_TRUE(harness_now() - start < 0.5);
    ASSERT_FALSE(thrace_event_is_set(&e));
    thrace_event_destroy(&e);
}

TEST(event_wait_timeout_max_itself_is_accepted)
{
    waiters w = {.timeout = THRACE_TIMEOUT_MAX};
    thrace_thread *t[1];
    ASSERT_CODE(THRACE_OK, thrace_event_init(&w.event));
    start_blocked_waiters(&w, t, 1);
    thrace_event_set(&w.event);
    join_and_unref(t[0]);
    ASSERT_CODE(THRACE_OK, w.rc[0]);
    thrace_event_destroy(&w.event);
}

TEST(event_set_wakes_every_waiter)
{
    enum { N = 4 };
    waiters w = {.timeout = 5.0}; /* long enough never to pass: TIMEOUT means not woken */
    thrace_thread *t[N];
    ASSERT_CODE(THRACE_OK, thrace_event_init(&w.event));
    start_blocked_waiters(&w, t, N);
    thrace_event_set(&w.event);
    for (int i = 0; i < N; i++)
        join_and_unref(t[i]);
    for (int i = 0; i < N; i++)
        ASSERT_CODE(THRACE_OK, w.rc[i]);
    ASSERT_TRUE(thrace_event_is_set(&w.event));
    thrace_event_destroy(&w.event);
}

TEST(event_timed_waiter_woken_by_set_returns_ok_before_its_deadline)
{
    waiters w = {.timeout = 10.0};
    thrace_thread *t[2];
    ASSERT_CODE(THRACE_OK, thrace_event_init(&w.event));
    start_blocked_waiters(&w, t, 2);
    thrace_event_set(&w.event);
    for (int i = 0; i < 2; i++)
        join_and_unref(t[i]);
    for (int i = 0; i < 2; i++) {
        ASSERT_CODE(THRACE_OK, w.rc[i]);
        ASSERT_TRUE(w.took[i] < 5.0);
    }
    thrace_event_destroy(&w.event);
}

TEST(event_waiter_woken_by_set_returns_ok_even_if_cleared_before_it_woke)
{
    /* Python's test_set_and_clear (gh-57711). The waiters' deadline is long
     * enough never to pass here; a lost wake-up shows as TIMEOUT. */
    enum { N = 3 };
    waiters w = {.timeout = 5.0};
    thrace_thread *t[N];
    ASSERT_CODE(THRACE_OK, thrace_event_init(&w.event));
    start_blocked_waiters(&w, t, N);
    thrace_event_set(&w.event);
    thrace_event_clear(&w.event);
    for (int i = 0; i < N; i++)
        join_and_unref(t[i]);
    for (int i = 0; i < N; i++)
        ASSERT_CODE(THRACE_OK, w.rc[i]);
    ASSERT_FALSE(thrace_event_is_set(&w.event));
    thrace_event_destroy(&w.event);
}

TEST(event_wait_after_set_then_clear_blocks_again)
{
    thrace_event e;
    ASSERT_CODE(THRACE_OK, thrace_event_init(&e));
    thrace_event_set(&e);
    thrace_event_clear(&e);
    double start = harness_now();
    ASSERT_CODE(THRACE_TIMEOUT, thrace_event_wait(&e, 0.1));
    ASSERT_DURATION(0.1, harness_now() - start);
    thrace_event_destroy(&e);
}

TEST(event_names_are_ok_and_null_is_einval)
{
    thrace_event e;
    ASSERT_CODE(THRACE_OK, thrace_event_init(&e));
    ASSERT_CODE(THRACE_OK, thrace_name(&e, "ready"));
    ASSERT_CODE(THRACE_OK, thrace_name(&e, "ready again")); /* frees the old name */
    ASSERT_CODE(THRACE_EINVAL, thrace_name(&e, NULL));
    ASSERT_CODE(THRACE_EINVAL, thrace_event_set_name(&e, NULL));
    ASSERT_CODE(THRACE_OK, thrace_event_set_name(&e, "ready"));
    ASSERT_FALSE(thrace_event_is_set(&e)); /* a name changes no behaviour */
    thrace_event_destroy(&e);
}

TEST(static_event_can_be_named_before_first_use)
{
    thrace_event e = THRACE_EVENT_INIT;
    ASSERT_CODE(THRACE_OK, thrace_name(&e, "static"));
    thrace_event_set(&e);
    ASSERT_CODE(THRACE_OK, thrace_event_wait(&e, 0));
    thrace_event_destroy(&e);
}
