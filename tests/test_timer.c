/*
 * test_timer.c - Python's Timer: a thread that calls its function interval
 * seconds after start unless cancel() came first. Intervals are timing
 * assertions (CPython's 0.6x..10x band); everything else is ordered with
 * events and joins.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <math.h>

typedef struct {
    int calls;
    double fired_at;
    thrace_thread *ran_in;
    thrace_event entered, go; /* used by the blocking function only */
} shot;

static void fire(void *arg)
{
    shot *s = arg;
    s->fired_at = harness_now();
    s->ran_in = thrace_current_thread();
    __atomic_add_fetch(&s->calls, 1, __ATOMIC_RELEASE);
}

static int calls(shot *s)
{
    return __atomic_load_n(&s->calls, __ATOMIC_ACQUIRE);
}

static thrace_thread *new_timer(double interval, shot *s)
{
    thrace_thread *t = thrace_timer_new(interval, fire, s, NULL);
    ASSERT_TRUE(t != NULL);
    return t;
}

static void join_and_unref(thrace_thread *t)
{
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_FOREVER));
    thrace_thread_unref(t);
}

TEST(a_timer_calls_its_function_in_its_own_thread_after_the_interval)
{
    shot s = {0};
    thrace_thread *t = new_timer(0.2, &s);
    double t0 = harness_now();
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_FOREVER));
    ASSERT_EQ(1, calls(&s));
    ASSERT_DURATION(0.2, s.fired_at - t0);
    ASSERT_TRUE(s.ran_in == t);
    ASSERT_FALSE(thrace_thread_is_alive(t));
    thrace_thread_unref(t);
}

TEST(a_timer_counts_its_interval_from_start_not_from_creation)
{
    shot s = {0};
    thrace_thread *t = new_timer(0.3, &s);
    thrace_sleep(0.3); /* the timing itself is under test */
    double t0 = harness_now();
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    join_and_unref(t);
    ASSERT_EQ(1, calls(&s));
    ASSERT_DURATION(0.3, s.fired_at - t0);
}

TEST(a_timer_is_alive_and_does_not_fire_before_its_interval)
{
    shot s = {0};
    thrace_thread *t = new_timer(0.5, &s);
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    ASSERT_TRUE(thrace_thread_is_alive(t));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, 0.1));
    ASSERT_EQ(0, calls(&s));
    join_and_unref(t);
    ASSERT_EQ(1, calls(&s));
}

TEST(a_timer_cancelled_before_it_fires_never_calls_its_function)
{
    shot s = {0};
    thrace_thread *t = new_timer(10.0, &s);
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    thrace_timer_cancel(t);
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_FOREVER));
    ASSERT_EQ(0, calls(&s));
    thrace_thread_unref(t);
}

TEST(a_cancelled_timer_thread_ends_promptly)
{
    shot s = {0};
    thrace_thread *t = new_timer(20.0, &s);
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, 0.05)); /* waiting */
    double t0 = harness_now();
    thrace_timer_cancel(t);
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, 2.0));
    ASSERT_TRUE(harness_now() - t0 < 2.0);
    ASSERT_FALSE(thrace_thread_is_alive(t));
    ASSERT_EQ(1, thrace_active_count());
    ASSERT_EQ(0, calls(&s));
    thrace_thread_unref(t);
}

TEST(cancel_before_start_means_the_function_never_runs)
{
    shot s = {0};
    thrace_thread *t = new_timer(0.0, &s);
    thrace_timer_cancel(t);
    ASSERT_FALSE(thrace_thread_is_alive(t));
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, 2.0));
    ASSERT_EQ(0, calls(&s));
    thrace_thread_unref(t);
}

TEST(a_zero_or_negative_interval_fires_at_once)
{
    double intervals[] = {0.0, -0.0, -0.5, -2.0, -1e300, -INFINITY};
    for (size_t i = 0; i < sizeof intervals / sizeof intervals[0]; i++) {
        shot s = {0};
        thrace_thread *t = new_timer(intervals[i], &s);
        double t0 = harness_now();
        ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
        ASSERT_CODE(THRACE_OK, thrace_thread_join(t, 2.0));
        ASSERT_EQ(1, calls(&s));
        ASSERT_TRUE(s.fired_at - t0 < 1.0);
        thrace_thread_unref(t);
    }
}

TEST(a_forever_timer_waits_until_cancelled)
{
    shot s = {0};
    thrace_thread *t = new_timer(THRACE_FOREVER, &s);
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    double t0 = harness_now();
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, 0.3));
    ASSERT_DURATION(0.3, harness_now() - t0);
    ASSERT_TRUE(thrace_thread_is_alive(t));
    ASSERT_EQ(0, calls(&s));
    thrace_timer_cancel(t);
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, 2.0));
    ASSERT_EQ(0, calls(&s));
    thrace_thread_unref(t);
}

TEST(timer_new_with_a_null_function_or_nan_is_einval)
{
    shot s = {0};
    errno = 0;
    ASSERT_TRUE(thrace_timer_new(1.0, NULL, &s, NULL) == NULL);
    ASSERT_EQ(EINVAL, errno);
    errno = 0;
    ASSERT_TRUE(thrace_timer_new(NAN, fire, &s, NULL) == NULL);
    ASSERT_EQ(EINVAL, errno);
    errno = 0;
    ASSERT_TRUE(thrace_timer_new(1.0, fire, &s, &(thrace_thread_opts){NULL, 7}) == NULL);
    ASSERT_EQ(EINVAL, errno);
    /* no name was generated by the failures */
    thrace_thread *t = new_timer(1.0, &s);
    ASSERT_STR_EQ("Thread-1", thrace_thread_name(t));
    thrace_thread_unref(t);
}

TEST(timer_new_above_timeout_max_is_erange)
{
    shot s = {0};
    errno = 0;
    ASSERT_TRUE(thrace_timer_new(1e12, fire, &s, NULL) == NULL);
    ASSERT_EQ(ERANGE, errno);
    errno = 0;
    ASSERT_TRUE(thrace_timer_new(INFINITY, fire, &s, NULL) == NULL);
    ASSERT_EQ(ERANGE, errno);
    /* TIMEOUT_MAX itself is accepted */
    thrace_thread *t = new_timer(THRACE_TIMEOUT_MAX, &s);
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, 0.05));
    thrace_timer_cancel(t);
    join_and_unref(t);
    ASSERT_EQ(0, calls(&s));
}

TEST(timers_take_thread_n_names_from_the_thread_counter)
{
    shot s = {0};
    thrace_thread *a = thrace_thread_new(NULL, NULL, NULL);
    thrace_thread *b = new_timer(1.0, &s);
    thrace_thread *c = thrace_timer_new(1.0, fire, &s, &(thrace_thread_opts){"tick", 0});
    thrace_thread *d = thrace_timer_new(1.0, fire, &s, &(thrace_thread_opts){"", 0});
    thrace_thread *e = thrace_thread_new(NULL, NULL, NULL);
    ASSERT_STR_EQ("Thread-1", thrace_thread_name(a));
    ASSERT_STR_EQ("Thread-2", thrace_thread_name(b));
    ASSERT_STR_EQ("tick", thrace_thread_name(c));
    ASSERT_STR_EQ("Thread-3", thrace_thread_name(d));
    ASSERT_STR_EQ("Thread-4", thrace_thread_name(e));
    thrace_thread *all[] = {a, b, c, d, e};
    for (int i = 0; i < 5; i++)
        thrace_thread_unref(all[i]);
}

TEST(a_timer_inherits_or_takes_its_daemon_flag_like_a_thread)
{
    shot s = {0};
    thrace_thread *plain = new_timer(1.0, &s);
    thrace_thread *daemon =
        thrace_timer_new(1.0, fire, &s, &(thrace_thread_opts){NULL, THRACE_DAEMON});
    ASSERT_FALSE(thrace_thread_is_daemon(plain));
    ASSERT_TRUE(thrace_thread_is_daemon(daemon));
    ASSERT_CODE(THRACE_OK, thrace_thread_set_daemon(plain, true));
    ASSERT_TRUE(thrace_thread_is_daemon(plain));
    thrace_thread_unref(plain);
    thrace_thread_unref(daemon);
}

TEST(a_timer_is_a_thread_started_once_and_joined_only_after_start)
{
    shot s = {0};
    thrace_thread *t = new_timer(0.0, &s);
    ASSERT_EQ(0, thrace_thread_ident(t));
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_join(t, 0));
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    ASSERT_TRUE(thrace_thread_ident(t) != 0);
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_start(t));
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_FOREVER));
    ASSERT_CODE(THRACE_ESTATE, thrace_thread_start(t));
    ASSERT_EQ(1, calls(&s));
    thrace_thread_unref(t);
}

static void wait_for_go(void *arg)
{
    thrace_event_wait(arg, THRACE_FOREVER);
}

TEST(cancel_on_a_thread_that_is_not_a_timer_has_no_effect)
{
    thrace_event go;
    thrace_event_init(&go);
    thrace_thread *t = thrace_thread_new(wait_for_go, &go, NULL);
    thrace_timer_cancel(t); /* before start */
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    thrace_timer_cancel(t); /* while running */
    ASSERT_TRUE(thrace_thread_is_alive(t));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, 0.05));
    thrace_event_set(&go);
    join_and_unref(t);
    thrace_timer_cancel(thrace_main_thread());
    ASSERT_TRUE(thrace_thread_is_alive(thrace_main_thread()));
}

static void fire_and_block(void *arg)
{
    shot *s = arg;
    thrace_event_set(&s->entered);
    thrace_event_wait(&s->go, THRACE_FOREVER);
    fire(s);
}

TEST(cancel_after_the_function_started_does_not_stop_it)
{
    shot s = {0};
    thrace_event_init(&s.entered);
    thrace_event_init(&s.go);
    thrace_thread *t = thrace_timer_new(0.0, fire_and_block, &s, NULL);
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    ASSERT_CODE(THRACE_OK, thrace_event_wait(&s.entered, THRACE_FOREVER));
    thrace_timer_cancel(t);
    thrace_event_set(&s.go);
    join_and_unref(t);
    ASSERT_EQ(1, calls(&s));
}

TEST(cancel_is_idempotent_and_harmless_after_the_timer_fired)
{
    shot s = {0};
    thrace_thread *t = new_timer(0.0, &s);
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, THRACE_FOREVER));
    thrace_timer_cancel(t);
    thrace_timer_cancel(t);
    ASSERT_EQ(1, calls(&s));
    thrace_thread *u = new_timer(10.0, &s);
    thrace_timer_cancel(u);
    thrace_timer_cancel(u);
    ASSERT_CODE(THRACE_OK, thrace_thread_start(u));
    join_and_unref(u);
    ASSERT_EQ(1, calls(&s));
    thrace_thread_unref(t);
}

TEST(many_timers_fire_in_the_order_of_their_intervals)
{
    shot s[3] = {{0}};
    double intervals[3] = {0.3, 0.1, 0.2};
    thrace_thread *t[3];
    double t0 = harness_now();
    for (int i = 0; i < 3; i++) {
        t[i] = new_timer(intervals[i], &s[i]);
        ASSERT_CODE(THRACE_OK, thrace_thread_start(t[i]));
    }
    for (int i = 0; i < 3; i++)
        join_and_unref(t[i]);
    for (int i = 0; i < 3; i++) {
        ASSERT_EQ(1, calls(&s[i]));
        ASSERT_DURATION(intervals[i], s[i].fired_at - t0);
    }
    ASSERT_TRUE(s[1].fired_at < s[2].fired_at);
    ASSERT_TRUE(s[2].fired_at < s[0].fired_at);
}
