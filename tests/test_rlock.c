/*
 * test_rlock.c - RLock (Python's threading.RLock): recursion depth, owner-only
 * release, the timeout rules it shares with Lock, locked() as Python 3.14
 * has it, THRACE_WITH on an RLock and thrace_name on an RLock.
 *
 * Threads are ordered with Locks used as one-shot signals, never with sleeps;
 * timed joins appear only where the test is about a thread staying blocked.
 */
#include "sync_util.h"

#include <math.h>

/* Releases r depth times, then checks that one more release is EPERM. */
static void release_exactly(thrace_rlock *r, int depth)
{
    for (int i = 0; i < depth; i++) {
        ASSERT_TRUE(thrace_rlock_locked(r));
        ASSERT_CODE(THRACE_OK, thrace_rlock_release(r));
    }
    ASSERT_FALSE(thrace_rlock_locked(r));
    ASSERT_CODE(THRACE_EPERM, thrace_rlock_release(r));
}

/* One call made by another thread, its result kept. */
typedef struct {
    thrace_rlock *r;
    bool blocking;
    double timeout;
    int rc;
    double elapsed;
    bool locked_seen;
    signal_t started;
} other;

static void other_acquire(void *arg)
{
    other *o = arg;
    signal_post(&o->started);
    double t0 = harness_now();
    o->rc = thrace_rlock_acquire(o->r, o->blocking, o->timeout);
    o->elapsed = harness_now() - t0;
}

static void other_release(void *arg)
{
    other *o = arg;
    o->locked_seen = thrace_rlock_locked(o->r);
    o->rc = thrace_rlock_release(o->r);
}

static void other_init(other *o, thrace_rlock *r, bool blocking, double timeout)
{
    *o = (other){r, blocking, timeout, -1, 0, false, {THRACE_LOCK_INIT}};
    signal_init(&o->started);
}

/* ------------------------------------------------------------------------ */
/* Basics                                                                    */
/* ------------------------------------------------------------------------ */

TEST(rlock_init_returns_ok_and_starts_unlocked)
{
    thrace_rlock r;
    ASSERT_CODE(THRACE_OK, thrace_rlock_init(&r));
    ASSERT_FALSE(thrace_rlock_locked(&r));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    ASSERT_TRUE(thrace_rlock_locked(&r));
    release_exactly(&r, 1);
    thrace_rlock_destroy(&r);
}

TEST(rlock_static_initializer_gives_a_usable_unlocked_rlock)
{
    static thrace_rlock r = THRACE_RLOCK_INIT;
    ASSERT_FALSE(thrace_rlock_locked(&r));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, false, THRACE_FOREVER));
    release_exactly(&r, 2);
}

TEST(rlock_release_unlocked_is_eperm)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    ASSERT_CODE(THRACE_EPERM, thrace_rlock_release(&r));
    ASSERT_FALSE(thrace_rlock_locked(&r));
    /* The failed release changed nothing. */
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    release_exactly(&r, 1);
}

TEST(rlock_depth_three_needs_three_releases)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    for (int i = 0; i < 3; i++)
        ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    other o;
    for (int left = 3; left > 0; left--) {
        /* Still held: another thread cannot take it. */
        other_init(&o, &r, false, THRACE_FOREVER);
        join_and_unref(spawn(other_acquire, &o));
        ASSERT_CODE(THRACE_TIMEOUT, o.rc);
        ASSERT_TRUE(thrace_rlock_locked(&r));
        ASSERT_CODE(THRACE_OK, thrace_rlock_release(&r));
    }
    ASSERT_FALSE(thrace_rlock_locked(&r));
    ASSERT_CODE(THRACE_EPERM, thrace_rlock_release(&r));
    /* Free now: another thread takes it. */
    other_init(&o, &r, false, THRACE_FOREVER);
    join_and_unref(spawn(other_acquire, &o));
    ASSERT_CODE(THRACE_OK, o.rc);
    ASSERT_TRUE(thrace_rlock_locked(&r));
}

TEST(rlock_deep_recursion_unwinds_exactly)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    for (int i = 0; i < 1000; i++)
        ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    release_exactly(&r, 1000);
}

TEST(rlock_owner_reacquires_at_once_whatever_the_blocking_mode)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    double t0 = harness_now();
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, 0.0));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, 5.0));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_TIMEOUT_MAX));
    ASSERT_TRUE(harness_now() - t0 < 1.0);
    release_exactly(&r, 5);
}

TEST(rlock_release_by_a_non_owner_is_eperm)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    other o;
    other_init(&o, &r, true, THRACE_FOREVER);
    join_and_unref(spawn(other_release, &o));
    ASSERT_CODE(THRACE_EPERM, o.rc);
    ASSERT_TRUE(o.locked_seen); /* locked() is true for any thread (3.14) */
    /* The owner's depth is untouched. */
    release_exactly(&r, 2);
}

TEST(rlock_release_by_a_previous_owner_is_eperm)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_rlock_release(&r));
    other o;
    other_init(&o, &r, true, THRACE_FOREVER);
    join_and_unref(spawn(other_acquire, &o)); /* that thread now owns it, and has exited */
    ASSERT_CODE(THRACE_OK, o.rc);
    ASSERT_TRUE(thrace_rlock_locked(&r));
    ASSERT_CODE(THRACE_EPERM, thrace_rlock_release(&r));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_rlock_acquire(&r, false, THRACE_FOREVER));
    ASSERT_TRUE(thrace_rlock_locked(&r));
}

/* ------------------------------------------------------------------------ */
/* Argument rules                                                            */
/* ------------------------------------------------------------------------ */

TEST(rlock_nonblocking_acquire_with_any_timeout_but_forever_is_einval)
{
    const double timeouts[] = {0.0, 1.0, -2.0, THRACE_TIMEOUT_MAX, INFINITY, NAN};
    thrace_rlock r = THRACE_RLOCK_INIT;
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        ASSERT_CODE(THRACE_EINVAL, thrace_rlock_acquire(&r, false, timeouts[i]));
        ASSERT_FALSE(thrace_rlock_locked(&r));
    }
    ASSERT_CODE(THRACE_EPERM, thrace_rlock_release(&r));
}

TEST(rlock_arguments_are_checked_before_ownership)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    /* The owner would succeed at once, yet bad arguments still fail. */
    ASSERT_CODE(THRACE_EINVAL, thrace_rlock_acquire(&r, false, 1.0));
    ASSERT_CODE(THRACE_EINVAL, thrace_rlock_acquire(&r, false, 0.0));
    ASSERT_CODE(THRACE_EINVAL, thrace_rlock_acquire(&r, true, -2.0));
    ASSERT_CODE(THRACE_EINVAL, thrace_rlock_acquire(&r, true, -0.5));
    ASSERT_CODE(THRACE_EINVAL, thrace_rlock_acquire(&r, true, NAN));
    /* None of them added a level. */
    release_exactly(&r, 1);
}

TEST(rlock_negative_timeout_other_than_forever_is_einval)
{
    const double timeouts[] = {-0.5, -2.0, -1.0000001, -1e-12, -INFINITY};
    thrace_rlock r = THRACE_RLOCK_INIT;
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        ASSERT_CODE(THRACE_EINVAL, thrace_rlock_acquire(&r, true, timeouts[i]));
        ASSERT_FALSE(thrace_rlock_locked(&r));
    }
}

TEST(rlock_nan_timeout_is_einval)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    ASSERT_CODE(THRACE_EINVAL, thrace_rlock_acquire(&r, true, NAN));
    ASSERT_FALSE(thrace_rlock_locked(&r));
}

TEST(rlock_timeout_above_max_is_erange_when_it_would_block)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    other o;
    other_init(&o, &r, true, THRACE_FOREVER);
    join_and_unref(spawn(other_acquire, &o)); /* owned by a finished thread from now on */
    ASSERT_CODE(THRACE_OK, o.rc);
    const double timeouts[] = {INFINITY, 9223372037.0, 1e100};
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        double t0 = harness_now();
        ASSERT_CODE(THRACE_ERANGE, thrace_rlock_acquire(&r, true, timeouts[i]));
        ASSERT_TRUE(harness_now() - t0 < 0.5);
    }
    ASSERT_CODE(THRACE_EPERM, thrace_rlock_release(&r));
    ASSERT_TRUE(thrace_rlock_locked(&r));
}

TEST(rlock_timeout_above_max_succeeds_when_it_would_not_block)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, INFINITY)); /* free */
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, INFINITY)); /* owned */
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, 1e100));
    release_exactly(&r, 3);
}

TEST(rlock_timeout_max_is_accepted_and_waits)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_TIMEOUT_MAX));
    other o;
    other_init(&o, &r, true, THRACE_TIMEOUT_MAX);
    thrace_thread *t = spawn(other_acquire, &o);
    signal_wait(&o.started);
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, 0.2));
    ASSERT_CODE(THRACE_OK, thrace_rlock_release(&r));
    join_and_unref(t);
    ASSERT_CODE(THRACE_OK, o.rc);
    ASSERT_TRUE(thrace_rlock_locked(&r));
    ASSERT_CODE(THRACE_EPERM, thrace_rlock_release(&r)); /* the thread owns it */
}

/* ------------------------------------------------------------------------ */
/* Blocking between threads                                                  */
/* ------------------------------------------------------------------------ */

TEST(rlock_timed_acquire_times_out_in_band_while_another_thread_owns_it)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    other o;
    other_init(&o, &r, true, 0.2);
    join_and_unref(spawn(other_acquire, &o));
    ASSERT_CODE(THRACE_TIMEOUT, o.rc);
    ASSERT_DURATION(0.2, o.elapsed);
    /* The failed wait changed neither the owner nor the depth. */
    release_exactly(&r, 2);
    other_init(&o, &r, false, THRACE_FOREVER);
    join_and_unref(spawn(other_acquire, &o));
    ASSERT_CODE(THRACE_OK, o.rc);
}

TEST(rlock_zero_timeout_is_a_try_for_a_non_owner)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    other o;
    other_init(&o, &r, true, 0.0);
    join_and_unref(spawn(other_acquire, &o));
    ASSERT_CODE(THRACE_TIMEOUT, o.rc);
    ASSERT_TRUE(o.elapsed < 0.5);
    release_exactly(&r, 1);
}

typedef struct {
    thrace_rlock r;
    signal_t held, release_one, released_one, release_last;
} stepper;

/* Takes r twice, then gives up one level at a time when told. */
static void step_owner(void *arg)
{
    stepper *s = arg;
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&s->r, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&s->r, true, THRACE_FOREVER));
    signal_post(&s->held);
    signal_wait(&s->release_one);
    ASSERT_CODE(THRACE_OK, thrace_rlock_release(&s->r));
    signal_post(&s->released_one);
    signal_wait(&s->release_last);
    ASSERT_CODE(THRACE_OK, thrace_rlock_release(&s->r));
    ASSERT_CODE(THRACE_EPERM, thrace_rlock_release(&s->r));
}

TEST(rlock_is_free_for_others_only_after_the_last_release)
{
    stepper s = {THRACE_RLOCK_INIT,
                 {THRACE_LOCK_INIT},
                 {THRACE_LOCK_INIT},
                 {THRACE_LOCK_INIT},
                 {THRACE_LOCK_INIT}};
    signal_init(&s.held);
    signal_init(&s.release_one);
    signal_init(&s.released_one);
    signal_init(&s.release_last);
    thrace_thread *t = spawn(step_owner, &s);
    signal_wait(&s.held);
    ASSERT_CODE(THRACE_TIMEOUT, thrace_rlock_acquire(&s.r, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_EPERM, thrace_rlock_release(&s.r));
    signal_post(&s.release_one);
    signal_wait(&s.released_one);
    ASSERT_TRUE(thrace_rlock_locked(&s.r));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_rlock_acquire(&s.r, false, THRACE_FOREVER));
    signal_post(&s.release_last);
    /* Blocks until the owner's last release. */
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&s.r, true, 10.0));
    join_and_unref(t);
    release_exactly(&s.r, 1);
}

TEST(rlock_blocked_acquirer_takes_ownership_with_depth_one)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    other o;
    other_init(&o, &r, true, THRACE_FOREVER);
    thrace_thread *t = spawn(other_acquire, &o);
    signal_wait(&o.started);
    ASSERT_CODE(THRACE_OK, thrace_rlock_release(&r));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, 0.1)); /* one level left */
    ASSERT_CODE(THRACE_OK, thrace_rlock_release(&r));
    join_and_unref(t);
    ASSERT_CODE(THRACE_OK, o.rc);
    /* The new owner is the finished thread: the old owner cannot release. */
    ASSERT_CODE(THRACE_EPERM, thrace_rlock_release(&r));
    ASSERT_TRUE(thrace_rlock_locked(&r));
}

/* ------------------------------------------------------------------------ */
/* THRACE_WITH                                                               */
/* ------------------------------------------------------------------------ */

TEST(rlock_with_nests_and_releases_each_level)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    int inner = 0;
    THRACE_WITH (&r) {
        ASSERT_TRUE(thrace_rlock_locked(&r));
        THRACE_WITH (&r) {
            THRACE_WITH (&r) {
                inner++;
            }
        }
        /* One level left: taking and dropping one more leaves it held. */
        ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, false, THRACE_FOREVER));
        ASSERT_CODE(THRACE_OK, thrace_rlock_release(&r));
        ASSERT_TRUE(thrace_rlock_locked(&r));
    }
    ASSERT_EQ(1, inner);
    ASSERT_FALSE(thrace_rlock_locked(&r));
    ASSERT_CODE(THRACE_EPERM, thrace_rlock_release(&r));
}

TEST(rlock_with_break_releases_only_its_level)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    int after = 0;
    THRACE_WITH (&r) {
        THRACE_WITH (&r) {
            if (thrace_rlock_locked(&r))
                break;
            after++;
        }
        ASSERT_EQ(0, after);
        ASSERT_TRUE(thrace_rlock_locked(&r));
        if (thrace_rlock_locked(&r))
            break;
        after++;
    }
    ASSERT_EQ(0, after);
    ASSERT_FALSE(thrace_rlock_locked(&r));
    ASSERT_CODE(THRACE_EPERM, thrace_rlock_release(&r));
}

static int return_from_nested_with(thrace_rlock *r)
{
    THRACE_WITH (r) {
        THRACE_WITH (r) {
            return thrace_rlock_locked(r) ? 1 : 2;
        }
    }
    return 3;
}

TEST(rlock_with_return_releases_every_level)
{
    thrace_rlock r = THRACE_RLOCK_INIT;
    ASSERT_EQ(1, return_from_nested_with(&r));
    ASSERT_FALSE(thrace_rlock_locked(&r));
    ASSERT_CODE(THRACE_EPERM, thrace_rlock_release(&r));
    /* Another thread can take it, so it is really free. */
    other o;
    other_init(&o, &r, false, THRACE_FOREVER);
    join_and_unref(spawn(other_acquire, &o));
    ASSERT_CODE(THRACE_OK, o.rc);
}

/* ------------------------------------------------------------------------ */
/* Names                                                                     */
/* ------------------------------------------------------------------------ */

TEST(rlock_name_is_ok_and_null_is_einval)
{
    thrace_rlock r;
    ASSERT_CODE(THRACE_OK, thrace_rlock_init(&r));
    ASSERT_CODE(THRACE_OK, thrace_name(&r, "registry"));
    ASSERT_CODE(THRACE_OK, thrace_name(&r, "registry-2"));
    ASSERT_CODE(THRACE_EINVAL, thrace_name(&r, NULL));
    ASSERT_CODE(THRACE_OK, thrace_rlock_set_name(&r, "direct"));
    ASSERT_CODE(THRACE_EINVAL, thrace_rlock_set_name(&r, NULL));
    ASSERT_FALSE(thrace_rlock_locked(&r));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_name(&r, "held"));
    release_exactly(&r, 1);
    thrace_rlock_destroy(&r);
}

TEST(rlock_name_works_on_a_statically_initialised_rlock)
{
    static thrace_rlock r = THRACE_RLOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_name(&r, "static"));
    ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(&r, true, THRACE_FOREVER));
    release_exactly(&r, 1);
    thrace_rlock_destroy(&r);
}
