/*
 * test_lock.c - Lock (Python's threading.Lock): acquire and release, the
 * timeout rules of section 0 of the reference, release by any thread,
 * THRACE_WITH on a lock, thrace_name on a lock, and the result-code strings.
 *
 * Threads are ordered with locks used as one-shot signals (a Lock may be
 * released by any thread), never with sleeps; sleeps and timed joins appear
 * only where the test is about time itself.
 */
#include "sync_util.h"

#include <math.h>

/* ------------------------------------------------------------------------ */
/* Basics                                                                    */
/* ------------------------------------------------------------------------ */

TEST(lock_init_returns_ok_and_starts_unlocked)
{
    thrace_lock l;
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&l));
    ASSERT_FALSE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    ASSERT_TRUE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    ASSERT_FALSE(thrace_lock_locked(&l));
    thrace_lock_destroy(&l);
}

TEST(lock_static_initializer_gives_a_usable_unlocked_lock)
{
    static thrace_lock l = THRACE_LOCK_INIT;
    ASSERT_FALSE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, false, THRACE_FOREVER));
    ASSERT_TRUE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    ASSERT_FALSE(thrace_lock_locked(&l));
}

TEST(lock_release_unlocked_is_eperm)
{
    thrace_lock l = THRACE_LOCK_INIT;
    ASSERT_CODE(THRACE_EPERM, thrace_lock_release(&l));
    ASSERT_FALSE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    ASSERT_CODE(THRACE_EPERM, thrace_lock_release(&l));
    /* The failed release left it usable. */
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, false, THRACE_FOREVER));
    ASSERT_TRUE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
}

TEST(lock_nonblocking_acquire_of_a_held_lock_times_out_at_once)
{
    thrace_lock l = THRACE_LOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, false, THRACE_FOREVER));
    double t0 = harness_now();
    ASSERT_CODE(THRACE_TIMEOUT, thrace_lock_acquire(&l, false, THRACE_FOREVER));
    ASSERT_TRUE(harness_now() - t0 < 0.5);
    ASSERT_TRUE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
}

TEST(lock_zero_timeout_is_a_try)
{
    thrace_lock l = THRACE_LOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, 0.0));
    double t0 = harness_now();
    ASSERT_CODE(THRACE_TIMEOUT, thrace_lock_acquire(&l, true, 0.0));
    ASSERT_TRUE(harness_now() - t0 < 0.5);
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    ASSERT_FALSE(thrace_lock_locked(&l));
}

TEST(lock_is_not_reentrant_so_its_holder_times_out)
{
    thrace_lock l = THRACE_LOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    double t0 = harness_now();
    ASSERT_CODE(THRACE_TIMEOUT, thrace_lock_acquire(&l, true, 0.1));
    ASSERT_DURATION(0.1, harness_now() - t0);
    ASSERT_TRUE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    ASSERT_FALSE(thrace_lock_locked(&l));
}

/* ------------------------------------------------------------------------ */
/* Argument rules                                                            */
/* ------------------------------------------------------------------------ */

TEST(lock_nonblocking_acquire_with_any_timeout_but_forever_is_einval)
{
    const double timeouts[] = {0.0, -0.0, 1.0, 1e-9, -2.0, -0.5, THRACE_TIMEOUT_MAX, INFINITY};
    thrace_lock l = THRACE_LOCK_INIT;
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        ASSERT_CODE(THRACE_EINVAL, thrace_lock_acquire(&l, false, timeouts[i]));
        ASSERT_FALSE(thrace_lock_locked(&l)); /* nothing acquired */
    }
    ASSERT_CODE(THRACE_EINVAL, thrace_lock_acquire(&l, false, NAN));
    /* Checked before the state: the same on a held lock. */
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_EINVAL, thrace_lock_acquire(&l, false, 0.0));
    ASSERT_CODE(THRACE_EINVAL, thrace_lock_acquire(&l, false, 5.0));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
}

TEST(lock_negative_timeout_other_than_forever_is_einval)
{
    const double timeouts[] = {-0.5, -2.0, -1.0000001, -0.9999999, -1e-12, -INFINITY};
    thrace_lock l = THRACE_LOCK_INIT;
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        ASSERT_CODE(THRACE_EINVAL, thrace_lock_acquire(&l, true, timeouts[i]));
        ASSERT_FALSE(thrace_lock_locked(&l));
    }
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++)
        ASSERT_CODE(THRACE_EINVAL, thrace_lock_acquire(&l, true, timeouts[i]));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
}

TEST(lock_nan_timeout_is_einval)
{
    thrace_lock l = THRACE_LOCK_INIT;
    ASSERT_CODE(THRACE_EINVAL, thrace_lock_acquire(&l, true, NAN));
    ASSERT_FALSE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_EINVAL, thrace_lock_acquire(&l, true, NAN));
    ASSERT_CODE(THRACE_EINVAL, thrace_lock_acquire(&l, true, -NAN));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
}

TEST(lock_timeout_above_max_is_erange_when_it_would_block)
{
    const double timeouts[] = {INFINITY, 9223372037.0, THRACE_TIMEOUT_MAX * 2, 1e100};
    thrace_lock l = THRACE_LOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        double t0 = harness_now();
        ASSERT_CODE(THRACE_ERANGE, thrace_lock_acquire(&l, true, timeouts[i]));
        ASSERT_TRUE(harness_now() - t0 < 0.5);
    }
    /* The lock stayed held, and works once released. */
    ASSERT_TRUE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    ASSERT_FALSE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
}

TEST(lock_timeout_above_max_acquires_a_free_lock)
{
    thrace_lock l = THRACE_LOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, INFINITY));
    ASSERT_TRUE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, 1e100));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
}

typedef struct {
    thrace_lock *l;
    double timeout;
    int rc;
    double elapsed;
    signal_t started;
} acquirer;

static void acquire_with_timeout(void *arg)
{
    acquirer *a = arg;
    signal_post(&a->started);
    double t0 = harness_now();
    a->rc = thrace_lock_acquire(a->l, true, a->timeout);
    a->elapsed = harness_now() - t0;
}

TEST(lock_timeout_max_is_accepted_and_waits)
{
    thrace_lock l = THRACE_LOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_TIMEOUT_MAX));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));

    acquirer a = {&l, THRACE_TIMEOUT_MAX, -1, 0, {THRACE_LOCK_INIT}};
    signal_init(&a.started);
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    thrace_thread *t = spawn(acquire_with_timeout, &a);
    signal_wait(&a.started);
    /* Still waiting after a while: the deadline is far, not in the past. */
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, 0.2));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    join_and_unref(t);
    ASSERT_CODE(THRACE_OK, a.rc);
    ASSERT_TRUE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
}

/* ------------------------------------------------------------------------ */
/* Timeouts and hand-offs between threads                                    */
/* ------------------------------------------------------------------------ */

TEST(lock_timed_acquire_times_out_in_band_and_leaves_the_lock_usable)
{
    thrace_lock l = THRACE_LOCK_INIT;
    acquirer a = {&l, 0.2, -1, 0, {THRACE_LOCK_INIT}};
    signal_init(&a.started);
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    join_and_unref(spawn(acquire_with_timeout, &a));
    ASSERT_CODE(THRACE_TIMEOUT, a.rc);
    ASSERT_DURATION(0.2, a.elapsed);
    /* Unchanged by the failed wait (CPython's test_state_after_timeout). */
    ASSERT_TRUE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    ASSERT_FALSE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_lock_acquire(&l, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    ASSERT_CODE(THRACE_EPERM, thrace_lock_release(&l));
}

TEST(lock_timed_acquire_succeeds_when_released_before_the_deadline)
{
    thrace_lock l = THRACE_LOCK_INIT;
    acquirer a = {&l, 10.0, -1, 0, {THRACE_LOCK_INIT}};
    signal_init(&a.started);
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    thrace_thread *t = spawn(acquire_with_timeout, &a);
    signal_wait(&a.started);
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    join_and_unref(t);
    ASSERT_CODE(THRACE_OK, a.rc);
    ASSERT_TRUE(a.elapsed < 5.0);
    ASSERT_TRUE(thrace_lock_locked(&l)); /* now held on the thread's behalf */
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
}

TEST(lock_forever_acquire_waits_until_released)
{
    thrace_lock l = THRACE_LOCK_INIT;
    acquirer a = {&l, THRACE_FOREVER, -1, 0, {THRACE_LOCK_INIT}};
    signal_init(&a.started);
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    thrace_thread *t = spawn(acquire_with_timeout, &a);
    signal_wait(&a.started);
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, 0.1));
    ASSERT_EQ(-1, a.rc);
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    join_and_unref(t);
    ASSERT_CODE(THRACE_OK, a.rc);
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
}

typedef struct {
    thrace_lock *l;
    int rc;
} releaser;

static void release_it(void *arg)
{
    releaser *r = arg;
    r->rc = thrace_lock_release(r->l);
}

TEST(lock_any_thread_may_release)
{
    thrace_lock l = THRACE_LOCK_INIT;
    releaser r = {&l, -1};
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    join_and_unref(spawn(release_it, &r));
    ASSERT_CODE(THRACE_OK, r.rc);
    ASSERT_FALSE(thrace_lock_locked(&l));
    /* A second release from another thread finds it unlocked. */
    join_and_unref(spawn(release_it, &r));
    ASSERT_CODE(THRACE_EPERM, r.rc);
}

TEST(lock_release_by_another_thread_wakes_a_blocked_acquirer)
{
    thrace_lock l = THRACE_LOCK_INIT;
    acquirer a = {&l, THRACE_FOREVER, -1, 0, {THRACE_LOCK_INIT}};
    signal_init(&a.started);
    releaser r = {&l, -1};
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    thrace_thread *waiter = spawn(acquire_with_timeout, &a);
    signal_wait(&a.started);
    join_and_unref(spawn(release_it, &r)); /* neither the holder nor the waiter */
    ASSERT_CODE(THRACE_OK, r.rc);
    join_and_unref(waiter);
    ASSERT_CODE(THRACE_OK, a.rc);
    ASSERT_TRUE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
}

static void try_acquire(void *arg)
{
    acquirer *a = arg;
    a->rc = thrace_lock_acquire(a->l, false, THRACE_FOREVER);
}

TEST(lock_locked_is_seen_by_other_threads)
{
    thrace_lock l = THRACE_LOCK_INIT;
    acquirer a = {&l, THRACE_FOREVER, -1, 0, {THRACE_LOCK_INIT}};
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    join_and_unref(spawn(try_acquire, &a));
    ASSERT_CODE(THRACE_TIMEOUT, a.rc);
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    join_and_unref(spawn(try_acquire, &a));
    ASSERT_CODE(THRACE_OK, a.rc);
    ASSERT_TRUE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
}

enum { QUEUED = 4 };

typedef struct {
    thrace_lock l;
    int got; /* written under l */
} queue_state;

typedef struct {
    queue_state *q;
    signal_t started;
} queuer;

static void take_and_count(void *arg)
{
    queuer *me = arg;
    signal_post(&me->started);
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&me->q->l, true, 10.0));
    me->q->got++;
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&me->q->l));
}

TEST(lock_every_blocked_acquirer_gets_it_in_turn)
{
    queue_state q = {THRACE_LOCK_INIT, 0};
    queuer who[QUEUED];
    thrace_thread *t[QUEUED];
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&q.l, true, THRACE_FOREVER));
    for (int i = 0; i < QUEUED; i++) {
        who[i].q = &q;
        signal_init(&who[i].started);
        t[i] = spawn(take_and_count, &who[i]);
        signal_wait(&who[i].started);
    }
    ASSERT_EQ(0, q.got);
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&q.l));
    for (int i = 0; i < QUEUED; i++)
        join_and_unref(t[i]);
    ASSERT_EQ(QUEUED, q.got);
    ASSERT_FALSE(thrace_lock_locked(&q.l));
}

/* ------------------------------------------------------------------------ */
/* THRACE_WITH                                                               */
/* ------------------------------------------------------------------------ */

TEST(lock_with_holds_the_lock_inside_the_block_only)
{
    thrace_lock l = THRACE_LOCK_INIT;
    int ran = 0;
    THRACE_WITH (&l) {
        ASSERT_TRUE(thrace_lock_locked(&l));
        ASSERT_CODE(THRACE_TIMEOUT, thrace_lock_acquire(&l, false, THRACE_FOREVER));
        ran++;
    }
    ASSERT_EQ(1, ran);
    ASSERT_FALSE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_EPERM, thrace_lock_release(&l));
}

TEST(lock_with_break_releases_the_lock)
{
    thrace_lock l = THRACE_LOCK_INIT;
    int before = 0, after = 0;
    THRACE_WITH (&l) {
        before++;
        if (before)
            break;
        after++;
    }
    ASSERT_EQ(1, before);
    ASSERT_EQ(0, after);
    ASSERT_FALSE(thrace_lock_locked(&l));
    /* Inside an enclosing loop, too: each pass takes and releases it. */
    int passes = 0;
    for (int i = 0; i < 3; i++) {
        THRACE_WITH (&l) {
            ASSERT_TRUE(thrace_lock_locked(&l));
            passes++;
            if (i >= 0)
                break;
        }
        ASSERT_FALSE(thrace_lock_locked(&l));
    }
    ASSERT_EQ(3, passes);
}

TEST(lock_with_continue_releases_the_lock)
{
    thrace_lock l = THRACE_LOCK_INIT;
    int before = 0, after = 0;
    THRACE_WITH (&l) {
        before++;
        if (before)
            continue;
        after++;
    }
    ASSERT_EQ(1, before);
    ASSERT_EQ(0, after);
    ASSERT_FALSE(thrace_lock_locked(&l));
}

static int locked_state_returned_from_inside(thrace_lock *l)
{
    THRACE_WITH (l) {
        return thrace_lock_locked(l) ? 7 : 8;
    }
    return 9;
}

TEST(lock_with_return_releases_the_lock)
{
    thrace_lock l = THRACE_LOCK_INIT;
    ASSERT_EQ(7, locked_state_returned_from_inside(&l));
    ASSERT_FALSE(thrace_lock_locked(&l));
    ASSERT_EQ(7, locked_state_returned_from_inside(&l));
    ASSERT_FALSE(thrace_lock_locked(&l));
}

TEST(lock_with_goto_out_of_the_block_releases_the_lock)
{
    thrace_lock l = THRACE_LOCK_INIT;
    int after = 0;
    THRACE_WITH (&l) {
        if (thrace_lock_locked(&l))
            goto out;
        after++;
    }
out:
    ASSERT_EQ(0, after);
    ASSERT_FALSE(thrace_lock_locked(&l));
}

typedef struct {
    thrace_lock l;
    signal_t inside;
    int value; /* written under l */
} with_state;

static void with_writer(void *arg)
{
    with_state *w = arg;
    THRACE_WITH (&w->l) {
        w->value = 2;
    }
}

TEST(lock_with_waits_for_the_holder)
{
    with_state w = {THRACE_LOCK_INIT, {THRACE_LOCK_INIT}, 0};
    thrace_thread *t = NULL;
    THRACE_WITH (&w.l) {
        t = spawn(with_writer, &w);
        /* The writer cannot enter while this block holds the lock. */
        ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(t, 0.1));
        ASSERT_EQ(0, w.value);
        w.value = 1;
    }
    join_and_unref(t);
    ASSERT_EQ(2, w.value);
    ASSERT_FALSE(thrace_lock_locked(&w.l));
}

/* ------------------------------------------------------------------------ */
/* Names                                                                     */
/* ------------------------------------------------------------------------ */

TEST(lock_name_is_ok_and_null_is_einval)
{
    thrace_lock l;
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&l));
    ASSERT_CODE(THRACE_OK, thrace_name(&l, "table-lock"));
    ASSERT_CODE(THRACE_OK, thrace_name(&l, "renamed")); /* the old name is freed */
    ASSERT_CODE(THRACE_OK, thrace_name(&l, ""));
    ASSERT_CODE(THRACE_EINVAL, thrace_name(&l, NULL));
    ASSERT_CODE(THRACE_OK, thrace_lock_set_name(&l, "direct"));
    ASSERT_CODE(THRACE_EINVAL, thrace_lock_set_name(&l, NULL));
    /* Naming does not touch the lock's state. */
    ASSERT_FALSE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_name(&l, "held"));
    ASSERT_TRUE(thrace_lock_locked(&l));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    thrace_lock_destroy(&l);
}

TEST(lock_name_works_on_a_statically_initialised_lock)
{
    static thrace_lock l = THRACE_LOCK_INIT;
    ASSERT_CODE(THRACE_OK, thrace_name(&l, "static"));
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&l, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&l));
    thrace_lock_destroy(&l);
}

/* ------------------------------------------------------------------------ */
/* Result codes                                                              */
/* ------------------------------------------------------------------------ */

TEST(error_codes_have_their_documented_values)
{
    ASSERT_EQ(0, THRACE_OK);
    ASSERT_EQ(1, THRACE_TIMEOUT);
    ASSERT_EQ(2, THRACE_EINVAL);
    ASSERT_EQ(3, THRACE_EPERM);
    ASSERT_EQ(4, THRACE_EDEADLK);
    ASSERT_EQ(5, THRACE_ESTATE);
    ASSERT_EQ(6, THRACE_EBROKEN);
    ASSERT_EQ(7, THRACE_ERANGE);
    ASSERT_EQ(8, THRACE_ENOMEM);
}

TEST(error_name_gives_each_code_its_name)
{
    ASSERT_STR_EQ("THRACE_OK", thrace_error_name(THRACE_OK));
    ASSERT_STR_EQ("THRACE_TIMEOUT", thrace_error_name(THRACE_TIMEOUT));
    ASSERT_STR_EQ("THRACE_EINVAL", thrace_error_name(THRACE_EINVAL));
    ASSERT_STR_EQ("THRACE_EPERM", thrace_error_name(THRACE_EPERM));
    ASSERT_STR_EQ("THRACE_EDEADLK", thrace_error_name(THRACE_EDEADLK));
    ASSERT_STR_EQ("THRACE_ESTATE", thrace_error_name(THRACE_ESTATE));
    ASSERT_STR_EQ("THRACE_EBROKEN", thrace_error_name(THRACE_EBROKEN));
    ASSERT_STR_EQ("THRACE_ERANGE", thrace_error_name(THRACE_ERANGE));
    ASSERT_STR_EQ("THRACE_ENOMEM", thrace_error_name(THRACE_ENOMEM));
}

TEST(error_name_of_an_unknown_code_is_a_question_mark)
{
    const int unknown[] = {-1, 9, 100, -2147483647 - 1, 2147483647};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        ASSERT_STR_EQ("?", thrace_error_name(unknown[i]));
}

TEST(strerror_gives_each_code_its_message)
{
    ASSERT_STR_EQ("success", thrace_strerror(THRACE_OK));
    ASSERT_STR_EQ("timed out", thrace_strerror(THRACE_TIMEOUT));
    ASSERT_STR_EQ("invalid argument", thrace_strerror(THRACE_EINVAL));
    ASSERT_STR_EQ("lock not held by the caller", thrace_strerror(THRACE_EPERM));
    ASSERT_STR_EQ("a thread cannot join itself", thrace_strerror(THRACE_EDEADLK));
    ASSERT_STR_EQ("not allowed in the object's current state", thrace_strerror(THRACE_ESTATE));
    ASSERT_STR_EQ("barrier is broken", thrace_strerror(THRACE_EBROKEN));
    ASSERT_STR_EQ("value out of range", thrace_strerror(THRACE_ERANGE));
    ASSERT_STR_EQ("out of memory", thrace_strerror(THRACE_ENOMEM));
}

TEST(strerror_of_an_unknown_code_is_unknown_error)
{
    const int unknown[] = {-1, 9, 100, -2147483647 - 1, 2147483647};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        ASSERT_STR_EQ("unknown error", thrace_strerror(unknown[i]));
}

TEST(strerror_messages_are_distinct_one_line_texts)
{
    for (int a = THRACE_OK; a <= THRACE_ENOMEM; a++) {
        const char *m = thrace_strerror(a);
        ASSERT_TRUE(m != NULL && m[0] != '\0');
        ASSERT_TRUE(strchr(m, '\n') == NULL);
        ASSERT_TRUE(strcmp(m, "unknown error") != 0);
        for (int b = a + 1; b <= THRACE_ENOMEM; b++)
            ASSERT_TRUE(strcmp(m, thrace_strerror(b)) != 0);
    }
}
