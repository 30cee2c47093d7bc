/*
 * test_cond.c - Condition (Python's threading.Condition) over a Lock, over an
 * RLock, and over the RLock thrace_cond_init makes for itself: wait, wait_for,
 * notify(n) in FIFO order, notify_all, every error and timeout rule,
 * THRACE_WITH on a condition and thrace_name on a condition.
 *
 * Most cases run once per kind of lock (the _over_a_lock, _over_an_rlock and
 * _over_its_own_rlock suffixes). A waiter is known to be inside wait once the
 * main thread can take the condition's lock after the waiter said, while
 * holding that lock, that it was about to wait: threads are ordered that way
 * and with Locks used as one-shot signals, never with sleeps. Sleeps and timed
 * joins appear only where the test is about time, or about a thread that must
 * stay blocked.
 */
#include "sync_util.h"

#include <math.h>

enum { OVER_LOCK, OVER_RLOCK, OWN_RLOCK };
enum { MAX_WAITERS = 8 };

/* A condition of one kind, a second one on the same lock, and shared state. */
typedef struct {
    int kind;
    thrace_lock lock;
    thrace_rlock rlock;
    thrace_cond c;
    thrace_cond c2; /* same lock as c; not for OWN_RLOCK */
    /* Guarded by the condition's lock: */
    int parked;
    int woken;
    int order[MAX_WAITERS];
    /* The main thread's own count of waiters it parked. */
    int expected_parked;
} fixture;

static void fixture_init(fixture *f, int kind)
{
    memset(f, 0, sizeof *f);
    f->kind = kind;
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&f->lock));
    ASSERT_CODE(THRACE_OK, thrace_rlock_init(&f->rlock));
    switch (kind) {
    case OVER_LOCK:
        ASSERT_CODE(THRACE_OK, thrace_cond_init_lock(&f->c, &f->lock));
        ASSERT_CODE(THRACE_OK, thrace_cond_init_lock(&f->c2, &f->lock));
        break;
    case OVER_RLOCK:
        ASSERT_CODE(THRACE_OK, thrace_cond_init_rlock(&f->c, &f->rlock));
        ASSERT_CODE(THRACE_OK, thrace_cond_init_rlock(&f->c2, &f->rlock));
        break;
    default:
        ASSERT_CODE(THRACE_OK, thrace_cond_init(&f->c));
        ASSERT_CODE(THRACE_OK, thrace_cond_init(&f->c2)); /* unrelated */
        break;
    }
}

static void fixture_destroy(fixture *f)
{
    thrace_cond_destroy(&f->c);
    thrace_cond_destroy(&f->c2);
    thrace_rlock_destroy(&f->rlock);
    thrace_lock_destroy(&f->lock);
}

static bool reentrant(const fixture *f)
{
    return f->kind != OVER_LOCK;
}

static void hold(fixture *f)
{
    ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&f->c, true, THRACE_FOREVER));
}

static void unhold(fixture *f)
{
    ASSERT_CODE(THRACE_OK, thrace_cond_release(&f->c));
}

/* The caller (the only user of the lock now) has released every level. */
static void assert_free(fixture *f)
{
    ASSERT_CODE(THRACE_EPERM, thrace_cond_release(&f->c));
    ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&f->c, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_cond_release(&f->c));
}

static void notify_n(fixture *f, long n)
{
    hold(f);
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f->c, n));
    unhold(f);
}

/* A thread that takes the lock depth times, waits once, and records. */
typedef struct {
    fixture *f;
    thrace_cond *c;
    int id;
    int depth;
    double timeout;
    int rc;
    double elapsed;
    signal_t entered;
    thrace_thread *t;
} waiter;

static void waiter_run(void *arg)
{
    waiter *w = arg;
    for (int i = 0; i < w->depth; i++)
        ASSERT_CODE(THRACE_OK, thrace_cond_acquire(w->c, true, THRACE_FOREVER));
    w->f->parked++;
    signal_post(&w->entered);
    double t0 = harness_now();
    w->rc = thrace_cond_wait(w->c, w->timeout);
    w->elapsed = harness_now() - t0;
    /* The lock is held again, as deeply as before. */
    w->f->order[w->f->woken++] = w->id;
    for (int i = 0; i < w->depth; i++)
        ASSERT_CODE(THRACE_OK, thrace_cond_release(w->c));
    if (reentrant(w->f))
        ASSERT_CODE(THRACE_EPERM, thrace_cond_release(w->c));
}

/* Starts a waiter on c and returns once it is inside wait. */
static void park_on(fixture *f, thrace_cond *c, waiter *w, int id, int depth, double timeout)
{
    *w = (waiter){f, c, id, depth, timeout, -1, 0, {THRACE_LOCK_INIT}, NULL};
    signal_init(&w->entered);
    w->t = spawn(waiter_run, w);
    signal_wait(&w->entered);
    /* Possible only once the waiter has released the lock inside wait. */
    ASSERT_CODE(THRACE_OK, thrace_cond_acquire(c, true, 10.0));
    ASSERT_EQ(++f->expected_parked, f->parked);
    ASSERT_CODE(THRACE_OK, thrace_cond_release(c));
}

static void park(fixture *f, waiter *w, int id, double timeout)
{
    park_on(f, &f->c, w, id, 1, timeout);
}

static void assert_still_waiting(waiter *w)
{
    ASSERT_CODE(THRACE_TIMEOUT, thrace_thread_join(w->t, 0.1));
}

static void finish(waiter *w)
{
    join_and_unref(w->t);
    w->t = NULL;
}

#define FOR_EACH_KIND(name)                                                                        \
    TEST(name##_over_a_lock)                                                                       \
    {                                                                                              \
        name(OVER_LOCK);                                                                           \
    }                                                                                              \
    TEST(name##_over_an_rlock)                                                                     \
    {                                                                                              \
        name(OVER_RLOCK);                                                                          \
    }                                                                                              \
    TEST(name##_over_its_own_rlock)                                                                \
    {                                                                                              \
        name(OWN_RLOCK);                                                                           \
    }

/* ------------------------------------------------------------------------ */
/* Construction, acquire and release                                         */
/* ------------------------------------------------------------------------ */

TEST(cond_init_over_a_null_lock_is_einval)
{
    thrace_cond c;
    ASSERT_CODE(THRACE_EINVAL, thrace_cond_init_lock(&c, NULL));
    ASSERT_CODE(THRACE_EINVAL, thrace_cond_init_rlock(&c, NULL));
    ASSERT_CODE(THRACE_OK, thrace_cond_init(&c));
    thrace_cond_destroy(&c);
}

TEST(cond_acquire_and_release_are_the_locks_own_over_a_lock)
{
    fixture f;
    fixture_init(&f, OVER_LOCK);
    ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&f.c, true, THRACE_FOREVER));
    ASSERT_TRUE(thrace_lock_locked(&f.lock));
    /* Not reentrant, as the Lock. */
    ASSERT_CODE(THRACE_TIMEOUT, thrace_cond_acquire(&f.c, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_cond_acquire(&f.c, true, 0.0));
    ASSERT_CODE(THRACE_OK, thrace_cond_release(&f.c));
    ASSERT_FALSE(thrace_lock_locked(&f.lock));
    ASSERT_CODE(THRACE_EPERM, thrace_cond_release(&f.c));
    /* The lock itself and the condition are one. */
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&f.lock, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_cond_acquire(&f.c, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_cond_release(&f.c));
    ASSERT_FALSE(thrace_lock_locked(&f.lock));
    fixture_destroy(&f);
}

TEST(cond_acquire_and_release_are_the_locks_own_over_an_rlock)
{
    fixture f;
    fixture_init(&f, OVER_RLOCK);
    ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&f.c, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&f.c, false, THRACE_FOREVER));
    ASSERT_TRUE(thrace_rlock_locked(&f.rlock));
    ASSERT_CODE(THRACE_OK, thrace_rlock_release(&f.rlock)); /* one level, via the RLock */
    ASSERT_TRUE(thrace_rlock_locked(&f.rlock));
    ASSERT_CODE(THRACE_OK, thrace_cond_release(&f.c));
    ASSERT_FALSE(thrace_rlock_locked(&f.rlock));
    ASSERT_CODE(THRACE_EPERM, thrace_cond_release(&f.c));
    fixture_destroy(&f);
}

TEST(cond_acquire_and_release_are_the_locks_own_over_its_own_rlock)
{
    fixture f;
    fixture_init(&f, OWN_RLOCK);
    for (int i = 0; i < 3; i++)
        ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&f.c, true, THRACE_FOREVER));
    for (int i = 0; i < 3; i++)
        ASSERT_CODE(THRACE_OK, thrace_cond_release(&f.c));
    ASSERT_CODE(THRACE_EPERM, thrace_cond_release(&f.c));
    /* Two conditions made without a lock have two locks. */
    ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&f.c, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_EPERM, thrace_cond_release(&f.c2));
    ASSERT_CODE(THRACE_EPERM, thrace_cond_notify(&f.c2, 1));
    ASSERT_CODE(THRACE_OK, thrace_cond_release(&f.c));
    fixture_destroy(&f);
}

static void cond_acquire_follows_the_lock_argument_rules(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    ASSERT_CODE(THRACE_EINVAL, thrace_cond_acquire(&f.c, false, 0.0));
    ASSERT_CODE(THRACE_EINVAL, thrace_cond_acquire(&f.c, false, 1.0));
    ASSERT_CODE(THRACE_EINVAL, thrace_cond_acquire(&f.c, true, -2.0));
    ASSERT_CODE(THRACE_EINVAL, thrace_cond_acquire(&f.c, true, NAN));
    ASSERT_CODE(THRACE_EPERM, thrace_cond_release(&f.c));              /* nothing was acquired */
    ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&f.c, true, INFINITY)); /* free: no wait */
    if (kind == OVER_LOCK) {
        ASSERT_CODE(THRACE_ERANGE, thrace_cond_acquire(&f.c, true, INFINITY)); /* would block */
    } else {
        ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&f.c, true, INFINITY)); /* owner: no wait */
        ASSERT_CODE(THRACE_OK, thrace_cond_release(&f.c));
    }
    ASSERT_CODE(THRACE_OK, thrace_cond_release(&f.c));
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_acquire_follows_the_lock_argument_rules)

/* ------------------------------------------------------------------------ */
/* EPERM                                                                     */
/* ------------------------------------------------------------------------ */

static void cond_wait_without_the_lock_is_eperm(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    const double timeouts[] = {THRACE_FOREVER, 0.0, 1.0, -5.0, THRACE_TIMEOUT_MAX};
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        double t0 = harness_now();
        ASSERT_CODE(THRACE_EPERM, thrace_cond_wait(&f.c, timeouts[i]));
        ASSERT_TRUE(harness_now() - t0 < 0.5);
    }
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_wait_without_the_lock_is_eperm)

static void cond_notify_without_the_lock_is_eperm(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    ASSERT_CODE(THRACE_EPERM, thrace_cond_notify(&f.c, 1));
    ASSERT_CODE(THRACE_EPERM, thrace_cond_notify(&f.c, 5));
    ASSERT_CODE(THRACE_EPERM, thrace_cond_notify(&f.c, 0));
    ASSERT_CODE(THRACE_EPERM, thrace_cond_notify(&f.c, -1));
    ASSERT_CODE(THRACE_EPERM, thrace_cond_notify_all(&f.c));
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_notify_without_the_lock_is_eperm)

/* Calls made by a thread that does not own the RLock another thread holds. */
static void not_owner_calls(void *arg)
{
    fixture *f = arg;
    ASSERT_CODE(THRACE_EPERM, thrace_cond_wait(&f->c, THRACE_FOREVER));
    ASSERT_CODE(THRACE_EPERM, thrace_cond_wait(&f->c, 0.0));
    ASSERT_CODE(THRACE_EPERM, thrace_cond_notify(&f->c, 1));
    ASSERT_CODE(THRACE_EPERM, thrace_cond_notify_all(&f->c));
    ASSERT_CODE(THRACE_EPERM, thrace_cond_release(&f->c));
    f->woken = 1; /* reached the end */
}

static void cond_over_rlock_held_by_another_thread_is_eperm(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    hold(&f);
    hold(&f);
    join_and_unref(spawn(not_owner_calls, &f));
    ASSERT_EQ(1, f.woken);
    /* The owner's two levels are intact. */
    unhold(&f);
    unhold(&f);
    assert_free(&f);
    fixture_destroy(&f);
}

TEST(cond_wait_and_notify_by_a_non_owner_are_eperm_over_an_rlock)
{
    cond_over_rlock_held_by_another_thread_is_eperm(OVER_RLOCK);
}

TEST(cond_wait_and_notify_by_a_non_owner_are_eperm_over_its_own_rlock)
{
    cond_over_rlock_held_by_another_thread_is_eperm(OWN_RLOCK);
}

/* ------------------------------------------------------------------------ */
/* wait: arguments and timeouts                                              */
/* ------------------------------------------------------------------------ */

static void cond_wait_nan_is_einval(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    ASSERT_CODE(THRACE_EINVAL, thrace_cond_wait(&f.c, NAN)); /* before ownership */
    hold(&f);
    ASSERT_CODE(THRACE_EINVAL, thrace_cond_wait(&f.c, NAN));
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1)); /* still held */
    unhold(&f);
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_wait_nan_is_einval)

static void cond_wait_above_timeout_max_is_erange(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    int depth = reentrant(&f) ? 2 : 1;
    for (int i = 0; i < depth; i++)
        hold(&f);
    const double timeouts[] = {INFINITY, 9223372037.0, 1e100};
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        double t0 = harness_now();
        ASSERT_CODE(THRACE_ERANGE, thrace_cond_wait(&f.c, timeouts[i]));
        ASSERT_TRUE(harness_now() - t0 < 0.5);
    }
    /* Still held, at the same depth. */
    ASSERT_CODE(THRACE_OK, thrace_cond_notify_all(&f.c));
    for (int i = 0; i < depth; i++)
        unhold(&f);
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_wait_above_timeout_max_is_erange)

static void cond_wait_times_out_in_band_without_a_notify(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    hold(&f);
    double t0 = harness_now();
    ASSERT_CODE(THRACE_TIMEOUT, thrace_cond_wait(&f.c, 0.2));
    ASSERT_DURATION(0.2, harness_now() - t0);
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1)); /* held again */
    unhold(&f);
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_wait_times_out_in_band_without_a_notify)

static void cond_wait_with_zero_or_negative_timeout_polls(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    hold(&f);
    const double timeouts[] = {0.0, -0.0, -0.5, -2.0, -1e9, -INFINITY};
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        double t0 = harness_now();
        ASSERT_CODE(THRACE_TIMEOUT, thrace_cond_wait(&f.c, timeouts[i]));
        ASSERT_TRUE(harness_now() - t0 < 0.5);
        ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1)); /* held again */
    }
    unhold(&f);
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_wait_with_zero_or_negative_timeout_polls)

static void cond_wait_timeout_max_is_accepted(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    waiter w;
    park(&f, &w, 0, THRACE_TIMEOUT_MAX);
    assert_still_waiting(&w);
    notify_n(&f, 1);
    finish(&w);
    ASSERT_CODE(THRACE_OK, w.rc);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_wait_timeout_max_is_accepted)

/* ------------------------------------------------------------------------ */
/* wait and notify                                                           */
/* ------------------------------------------------------------------------ */

static void cond_notify_wakes_a_waiter(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    waiter w;
    park(&f, &w, 0, THRACE_FOREVER);
    assert_still_waiting(&w); /* forever means forever, not a poll */
    notify_n(&f, 1);
    finish(&w);
    ASSERT_CODE(THRACE_OK, w.rc);
    ASSERT_EQ(1, f.woken);
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_notify_wakes_a_waiter)

static void cond_timed_wait_returns_ok_when_notified_in_time(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    waiter w;
    park(&f, &w, 0, 10.0);
    notify_n(&f, 1);
    finish(&w);
    ASSERT_CODE(THRACE_OK, w.rc);
    ASSERT_TRUE(w.elapsed < 5.0);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_timed_wait_returns_ok_when_notified_in_time)

static void cond_notified_waiter_runs_only_after_the_notifier_releases(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    waiter w;
    park(&f, &w, 0, THRACE_FOREVER);
    hold(&f);
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1));
    assert_still_waiting(&w); /* woken, but the lock is ours */
    ASSERT_EQ(0, f.woken);
    unhold(&f);
    finish(&w);
    ASSERT_CODE(THRACE_OK, w.rc);
    ASSERT_EQ(1, f.woken);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_notified_waiter_runs_only_after_the_notifier_releases)

static void cond_notify_wakes_exactly_n_oldest_first(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    waiter w[4];
    for (int i = 0; i < 4; i++)
        park(&f, &w[i], i, THRACE_FOREVER);

    notify_n(&f, 1);
    finish(&w[0]);
    hold(&f);
    ASSERT_EQ(1, f.woken);
    ASSERT_EQ(0, f.order[0]);
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 2));
    unhold(&f);
    finish(&w[1]);
    finish(&w[2]);
    assert_still_waiting(&w[3]); /* exactly two woke */
    hold(&f);
    ASSERT_EQ(3, f.woken);
    ASSERT_TRUE((f.order[1] == 1 && f.order[2] == 2) || (f.order[1] == 2 && f.order[2] == 1));
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1));
    unhold(&f);
    finish(&w[3]);
    ASSERT_EQ(4, f.woken);
    ASSERT_EQ(3, f.order[3]);
    for (int i = 0; i < 4; i++)
        ASSERT_CODE(THRACE_OK, w[i].rc);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_notify_wakes_exactly_n_oldest_first)

static void cond_notify_one_at_a_time_wakes_in_arrival_order(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    enum { N = 6 };
    waiter w[N];
    for (int i = 0; i < N; i++)
        park(&f, &w[i], i, THRACE_FOREVER);
    for (int i = 0; i < N; i++) {
        notify_n(&f, 1);
        finish(&w[i]); /* the oldest one, and only it, comes out */
        ASSERT_EQ(i + 1, f.woken);
        ASSERT_EQ(i, f.order[i]);
    }
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_notify_one_at_a_time_wakes_in_arrival_order)

static void cond_notify_more_than_are_waiting_wakes_them_all(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    waiter w[3];
    for (int i = 0; i < 3; i++)
        park(&f, &w[i], i, THRACE_FOREVER);
    notify_n(&f, 100);
    for (int i = 0; i < 3; i++) {
        finish(&w[i]);
        ASSERT_CODE(THRACE_OK, w[i].rc);
    }
    ASSERT_EQ(3, f.woken);
    /* Nothing is owed to later waiters: a new one still waits. */
    waiter late;
    park(&f, &late, 3, THRACE_FOREVER);
    assert_still_waiting(&late);
    notify_n(&f, 1);
    finish(&late);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_notify_more_than_are_waiting_wakes_them_all)

static void cond_notify_all_wakes_every_waiter(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    waiter w[5];
    for (int i = 0; i < 5; i++)
        park(&f, &w[i], i, THRACE_FOREVER);
    hold(&f);
    ASSERT_CODE(THRACE_OK, thrace_cond_notify_all(&f.c));
    unhold(&f);
    for (int i = 0; i < 5; i++) {
        finish(&w[i]);
        ASSERT_CODE(THRACE_OK, w[i].rc);
    }
    ASSERT_EQ(5, f.woken);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_notify_all_wakes_every_waiter)

static void cond_notify_with_no_waiters_is_ok_and_not_remembered(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    hold(&f);
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1));
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 10));
    ASSERT_CODE(THRACE_OK, thrace_cond_notify_all(&f.c));
    /* An earlier notify does not satisfy a later wait. */
    ASSERT_CODE(THRACE_TIMEOUT, thrace_cond_wait(&f.c, 0.05));
    unhold(&f);
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_notify_with_no_waiters_is_ok_and_not_remembered)

static void cond_notify_zero_or_negative_wakes_nobody(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    waiter w;
    park(&f, &w, 0, THRACE_FOREVER);
    hold(&f);
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 0));
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, -1));
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, -1000000));
    unhold(&f);
    assert_still_waiting(&w);
    hold(&f);
    ASSERT_EQ(0, f.woken);
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1));
    unhold(&f);
    finish(&w);
    ASSERT_CODE(THRACE_OK, w.rc);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_notify_zero_or_negative_wakes_nobody)

static void cond_notify_wakes_only_its_own_waiters(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    waiter on1, on2;
    park_on(&f, &f.c, &on1, 1, 1, THRACE_FOREVER);
    park_on(&f, &f.c2, &on2, 2, 1, THRACE_FOREVER);
    hold(&f); /* the same lock guards c2 */
    ASSERT_CODE(THRACE_OK, thrace_cond_notify_all(&f.c2));
    unhold(&f);
    finish(&on2);
    assert_still_waiting(&on1);
    hold(&f);
    ASSERT_EQ(1, f.woken);
    ASSERT_EQ(2, f.order[0]);
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1));
    unhold(&f);
    finish(&on1);
    ASSERT_EQ(1, f.order[1]);
    fixture_destroy(&f);
}

TEST(cond_notify_wakes_only_its_own_waiters_over_a_shared_lock)
{
    cond_notify_wakes_only_its_own_waiters(OVER_LOCK);
}

TEST(cond_notify_wakes_only_its_own_waiters_over_a_shared_rlock)
{
    cond_notify_wakes_only_its_own_waiters(OVER_RLOCK);
}

typedef struct {
    fixture *f;
    thrace_cond *target;
    int stop; /* accessed with __atomic */
    int sent; /* guarded by the condition's lock */
} nagger;

/* Notifies target (whose lock is f's) over and over until told to stop. */
static void nag(void *arg)
{
    nagger *n = arg;
    double t0 = harness_now();
    while (!__atomic_load_n(&n->stop, __ATOMIC_ACQUIRE) && harness_now() - t0 < 4.0) {
        hold(n->f);
        ASSERT_CODE(THRACE_OK, thrace_cond_notify_all(n->target));
        n->sent++;
        unhold(n->f);
        thrace_sleep(0.005);
    }
}

static void cond_wait_is_not_woken_by_another_conditions_notify(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    nagger p = {&f, &f.c2, 0, 0};
    hold(&f);
    thrace_thread *t = spawn(nag, &p);
    double t0 = harness_now();
    ASSERT_CODE(THRACE_TIMEOUT, thrace_cond_wait(&f.c, 0.3));
    ASSERT_DURATION(0.3, harness_now() - t0);
    ASSERT_TRUE(p.sent >= 2); /* there were notifications to ignore */
    __atomic_store_n(&p.stop, 1, __ATOMIC_RELEASE);
    unhold(&f);
    join_and_unref(t);
    fixture_destroy(&f);
}

TEST(cond_wait_is_not_woken_by_another_conditions_notify_over_a_shared_lock)
{
    cond_wait_is_not_woken_by_another_conditions_notify(OVER_LOCK);
}

TEST(cond_wait_is_not_woken_by_another_conditions_notify_over_a_shared_rlock)
{
    cond_wait_is_not_woken_by_another_conditions_notify(OVER_RLOCK);
}

/*
 * A waiter whose timeout passes while the notifier holds the lock is still
 * inside wait when notify(1) runs. The notify must not vanish: either that
 * waiter reports THRACE_OK (it took the notify), or the next waiter wakes.
 */
static void cond_notify_is_never_lost_to_a_waiter_that_times_out(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    waiter early, late;
    park(&f, &early, 0, 0.1);
    park(&f, &late, 1, THRACE_FOREVER);
    hold(&f);
    thrace_sleep(0.3); /* early's deadline passes while it cannot return */
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1));
    unhold(&f);
    finish(&early);
    if (early.rc == THRACE_TIMEOUT) {
        finish(&late); /* the notify went to it */
    } else {
        ASSERT_CODE(THRACE_OK, early.rc);
        assert_still_waiting(&late);
        notify_n(&f, 1);
        finish(&late);
    }
    ASSERT_CODE(THRACE_OK, late.rc);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_notify_is_never_lost_to_a_waiter_that_times_out)

/* ------------------------------------------------------------------------ */
/* RLock depth across wait                                                   */
/* ------------------------------------------------------------------------ */

static void cond_wait_releases_every_level_and_restores_them(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    waiter w;
    /* Held three times by the waiter; park_on can take the lock meanwhile. */
    park_on(&f, &f.c, &w, 0, 3, THRACE_FOREVER);
    hold(&f);
    ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&f.c, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1));
    unhold(&f);
    unhold(&f);
    /* The waiter releases three times, then checks that a fourth is EPERM. */
    finish(&w);
    ASSERT_CODE(THRACE_OK, w.rc);
    assert_free(&f);
    fixture_destroy(&f);
}

TEST(cond_wait_releases_every_level_and_restores_them_over_an_rlock)
{
    cond_wait_releases_every_level_and_restores_them(OVER_RLOCK);
}

TEST(cond_wait_releases_every_level_and_restores_them_over_its_own_rlock)
{
    cond_wait_releases_every_level_and_restores_them(OWN_RLOCK);
}

static void cond_timed_out_wait_restores_the_depth(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    for (int i = 0; i < 3; i++)
        hold(&f);
    ASSERT_CODE(THRACE_TIMEOUT, thrace_cond_wait(&f.c, 0.05));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_cond_wait(&f.c, 0.0));
    for (int i = 0; i < 3; i++)
        unhold(&f);
    assert_free(&f);
    fixture_destroy(&f);
}

TEST(cond_timed_out_wait_restores_the_depth_over_an_rlock)
{
    cond_timed_out_wait_restores_the_depth(OVER_RLOCK);
}

TEST(cond_timed_out_wait_restores_the_depth_over_its_own_rlock)
{
    cond_timed_out_wait_restores_the_depth(OWN_RLOCK);
}

/* ------------------------------------------------------------------------ */
/* wait_for                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct {
    int calls;
    int value;
    int target;
} pred_state;

static bool reached(void *arg)
{
    pred_state *p = arg;
    p->calls++;
    return p->value >= p->target;
}

static void cond_wait_for_returns_ok_at_once_when_the_predicate_holds(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    const double timeouts[] = {THRACE_FOREVER, 0.0, -3.0, 10.0, INFINITY};
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        pred_state p = {0, 1, 1};
        double t0 = harness_now();
        hold(&f);
        ASSERT_CODE(THRACE_OK, thrace_cond_wait_for(&f.c, reached, &p, timeouts[i]));
        ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1)); /* still held */
        unhold(&f);
        /* Python checks the predicate before ownership: no lock, no wait. */
        ASSERT_CODE(THRACE_OK, thrace_cond_wait_for(&f.c, reached, &p, timeouts[i]));
        ASSERT_TRUE(harness_now() - t0 < 0.5);
        ASSERT_EQ(2, p.calls);
    }
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_wait_for_returns_ok_at_once_when_the_predicate_holds)

static void cond_wait_for_null_predicate_is_einval(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    ASSERT_CODE(THRACE_EINVAL, thrace_cond_wait_for(&f.c, NULL, NULL, THRACE_FOREVER));
    hold(&f);
    ASSERT_CODE(THRACE_EINVAL, thrace_cond_wait_for(&f.c, NULL, NULL, THRACE_FOREVER));
    ASSERT_CODE(THRACE_EINVAL, thrace_cond_wait_for(&f.c, NULL, NULL, 0.0));
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1));
    unhold(&f);
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_wait_for_null_predicate_is_einval)

static void cond_wait_for_nan_is_einval(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    pred_state yes = {0, 1, 1}, no = {0, 0, 1};
    hold(&f);
    ASSERT_CODE(THRACE_EINVAL, thrace_cond_wait_for(&f.c, reached, &no, NAN));
    ASSERT_CODE(THRACE_EINVAL, thrace_cond_wait_for(&f.c, reached, &yes, NAN));
    ASSERT_EQ(0, yes.calls); /* arguments are checked before anything else */
    ASSERT_EQ(0, no.calls);
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1));
    unhold(&f);
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_wait_for_nan_is_einval)

static void cond_wait_for_above_timeout_max_is_erange_when_it_must_wait(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    pred_state yes = {0, 1, 1}, no = {0, 0, 1};
    hold(&f);
    double t0 = harness_now();
    ASSERT_CODE(THRACE_ERANGE, thrace_cond_wait_for(&f.c, reached, &no, INFINITY));
    ASSERT_CODE(THRACE_ERANGE, thrace_cond_wait_for(&f.c, reached, &no, 1e100));
    ASSERT_TRUE(harness_now() - t0 < 0.5);
    ASSERT_CODE(THRACE_OK, thrace_cond_wait_for(&f.c, reached, &yes, INFINITY));
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1));
    unhold(&f);
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_wait_for_above_timeout_max_is_erange_when_it_must_wait)

static void cond_wait_for_times_out_in_band_when_the_predicate_stays_false(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    pred_state no = {0, 0, 1};
    hold(&f);
    double t0 = harness_now();
    ASSERT_CODE(THRACE_TIMEOUT, thrace_cond_wait_for(&f.c, reached, &no, 0.2));
    ASSERT_DURATION(0.2, harness_now() - t0);
    ASSERT_TRUE(no.calls >= 1);
    ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1)); /* held again */
    unhold(&f);
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_wait_for_times_out_in_band_when_the_predicate_stays_false)

static void cond_wait_for_with_zero_or_negative_timeout_polls(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    const double timeouts[] = {0.0, -0.5, -1e9};
    hold(&f);
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        pred_state no = {0, 0, 1};
        double t0 = harness_now();
        ASSERT_CODE(THRACE_TIMEOUT, thrace_cond_wait_for(&f.c, reached, &no, timeouts[i]));
        ASSERT_TRUE(harness_now() - t0 < 0.5);
        ASSERT_TRUE(no.calls >= 1);
        ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1));
    }
    unhold(&f);
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_wait_for_with_zero_or_negative_timeout_polls)

static void cond_wait_for_without_the_lock_is_eperm_when_it_must_wait(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    const double timeouts[] = {THRACE_FOREVER, 1.0};
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        pred_state no = {0, 0, 1};
        double t0 = harness_now();
        ASSERT_CODE(THRACE_EPERM, thrace_cond_wait_for(&f.c, reached, &no, timeouts[i]));
        ASSERT_TRUE(harness_now() - t0 < 0.5);
    }
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_wait_for_without_the_lock_is_eperm_when_it_must_wait)

/*
 * Python's wait_for always makes its first wait, even with a timeout of 0 or
 * below (a poll), and that wait raises when the lock is not held.
 */
static void cond_wait_for_without_the_lock_is_eperm_even_for_a_poll(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    const double timeouts[] = {0.0, -5.0};
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        pred_state no = {0, 0, 1};
        ASSERT_CODE(THRACE_EPERM, thrace_cond_wait_for(&f.c, reached, &no, timeouts[i]));
    }
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_wait_for_without_the_lock_is_eperm_even_for_a_poll)

typedef struct {
    fixture *f;
    pred_state *p;
} bumper;

/* Raises the value by one three times, notifying every time. */
static void bump_three_times(void *arg)
{
    bumper *b = arg;
    for (int i = 0; i < 3; i++) {
        hold(b->f);
        b->p->value++;
        ASSERT_CODE(THRACE_OK, thrace_cond_notify_all(&b->f->c));
        unhold(b->f);
    }
}

static void cond_wait_for_returns_ok_once_notifications_make_it_true(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    pred_state p = {0, 0, 3};
    bumper b = {&f, &p};
    hold(&f);
    /* The bumper can take the lock only once wait_for has released it. */
    thrace_thread *t = spawn(bump_three_times, &b);
    ASSERT_CODE(THRACE_OK, thrace_cond_wait_for(&f.c, reached, &p, 10.0));
    ASSERT_EQ(3, p.value);
    ASSERT_TRUE(p.calls >= 2);
    unhold(&f);
    join_and_unref(t);
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_wait_for_returns_ok_once_notifications_make_it_true)

static void cond_wait_for_keeps_one_deadline_across_notifications(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    pred_state no = {0, 0, 1};
    nagger n = {&f, &f.c, 0, 0};
    hold(&f);
    thrace_thread *t = spawn(nag, &n);
    double t0 = harness_now();
    /* A restarted deadline would keep it waiting as long as the nagging (4 s). */
    ASSERT_CODE(THRACE_TIMEOUT, thrace_cond_wait_for(&f.c, reached, &no, 0.3));
    ASSERT_DURATION(0.3, harness_now() - t0);
    ASSERT_TRUE(no.calls >= 3); /* it was woken, and re-checked, several times */
    __atomic_store_n(&n.stop, 1, __ATOMIC_RELEASE);
    unhold(&f);
    join_and_unref(t);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_wait_for_keeps_one_deadline_across_notifications)

/* ------------------------------------------------------------------------ */
/* THRACE_WITH and names                                                     */
/* ------------------------------------------------------------------------ */

static void cond_with_holds_the_lock_for_wait_and_notify(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    int ran = 0;
    THRACE_WITH (&f.c) {
        ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1));
        ASSERT_CODE(THRACE_OK, thrace_cond_notify_all(&f.c));
        ASSERT_CODE(THRACE_TIMEOUT, thrace_cond_wait(&f.c, 0.0));
        ran++;
    }
    ASSERT_EQ(1, ran);
    ASSERT_CODE(THRACE_EPERM, thrace_cond_notify(&f.c, 1));
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_with_holds_the_lock_for_wait_and_notify)

static int notify_and_return_from_with(thrace_cond *c)
{
    THRACE_WITH (c) {
        return thrace_cond_notify(c, 1) == THRACE_OK ? 1 : 2;
    }
    return 3;
}

static void cond_with_break_and_return_release_the_lock(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    int after = 0;
    THRACE_WITH (&f.c) {
        if (thrace_cond_notify(&f.c, 1) == THRACE_OK)
            break;
        after++;
    }
    ASSERT_EQ(0, after);
    assert_free(&f);
    ASSERT_EQ(1, notify_and_return_from_with(&f.c));
    assert_free(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_with_break_and_return_release_the_lock)

static void cond_with_nests_on_an_rlock_and_wait_keeps_both_levels(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    THRACE_WITH (&f.c) {
        THRACE_WITH (&f.c) {
            ASSERT_CODE(THRACE_TIMEOUT, thrace_cond_wait(&f.c, 0.02));
        }
        ASSERT_CODE(THRACE_OK, thrace_cond_notify(&f.c, 1)); /* one level left */
    }
    assert_free(&f);
    fixture_destroy(&f);
}

TEST(cond_with_nests_and_wait_keeps_both_levels_over_an_rlock)
{
    cond_with_nests_on_an_rlock_and_wait_keeps_both_levels(OVER_RLOCK);
}

TEST(cond_with_nests_and_wait_keeps_both_levels_over_its_own_rlock)
{
    cond_with_nests_on_an_rlock_and_wait_keeps_both_levels(OWN_RLOCK);
}

static void cond_name_is_ok_and_null_is_einval(int kind)
{
    fixture f;
    fixture_init(&f, kind);
    ASSERT_CODE(THRACE_OK, thrace_name(&f.c, "not-empty"));
    ASSERT_CODE(THRACE_OK, thrace_name(&f.c, "not-full"));
    ASSERT_CODE(THRACE_EINVAL, thrace_name(&f.c, NULL));
    ASSERT_CODE(THRACE_OK, thrace_cond_set_name(&f.c, "direct"));
    ASSERT_CODE(THRACE_EINVAL, thrace_cond_set_name(&f.c, NULL));
    /* Naming changes neither the lock nor the condition's behaviour. */
    assert_free(&f);
    hold(&f);
    ASSERT_CODE(THRACE_TIMEOUT, thrace_cond_wait(&f.c, 0.0));
    unhold(&f);
    fixture_destroy(&f);
}
FOR_EACH_KIND(cond_name_is_ok_and_null_is_einval)

/*
 * A turn passed round a ring of threads through one condition, notify_all
 * each time; half the threads wait for ever, half with timeouts short
 * enough to race the wakes. A wake lost between its claim and its post
 * hangs a thread that waits for ever, which fails its join.
 */
enum { RING = 4, RING_TURNS = 2000 };

typedef struct {
    thrace_cond c;
    int turn; /* guarded by c's lock */
    int next_slot;
} ring;

static void ring_member(void *arg)
{
    ring *r = arg;
    ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&r->c, true, THRACE_FOREVER));
    int me = r->next_slot++;
    double timeout = me % 2 ? 0.00003 : THRACE_FOREVER;
    for (int i = 0; i < RING_TURNS; i++) {
        while (r->turn != me)
            thrace_cond_wait(&r->c, timeout);
        r->turn = (me + 1) % RING;
        ASSERT_CODE(THRACE_OK, thrace_cond_notify_all(&r->c));
    }
    ASSERT_CODE(THRACE_OK, thrace_cond_release(&r->c));
}

TEST(cond_no_wake_is_lost_while_timeouts_race_notify_all)
{
    ring r = {0};
    ASSERT_CODE(THRACE_OK, thrace_cond_init(&r.c));
    thrace_thread *t[RING];
    for (int i = 0; i < RING; i++)
        t[i] = spawn(ring_member, &r);
    for (int i = 0; i < RING; i++)
        join_and_unref(t[i]);
    ASSERT_EQ(0, r.turn); /* every thread took all its turns */
    thrace_cond_destroy(&r.c);
}
