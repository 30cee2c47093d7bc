/*
 * test_sem.c - Semaphore and BoundedSemaphore: initial values, Python's
 * timeout rules for acquire, release(n) and the waiters it lets through,
 * the bound, THRACE_WITH, and names. There is no public value getter, so
 * the value is read by counting the non-blocking acquires that succeed.
 */
#include "sync_util.h"

#include <limits.h>
#include <math.h>
#include <stdatomic.h>

/* Takes every unit left without blocking; returns how many it took. */
static long drain(thrace_sem *s)
{
    long n = 0;
    while (thrace_sem_acquire(s, false, THRACE_FOREVER) == THRACE_OK)
        n++;
    return n;
}

/* Threads that bump `arrived`, acquire with `timeout`, then bump `passed`. */
typedef struct {
    thrace_sem sem;
    double timeout;
    atomic_int arrived;
    atomic_int passed;
    int rc[8];
    double took[8];
    atomic_int next_slot;
} acquirers;

static void acquirer(void *arg)
{
    acquirers *a = arg;
    int slot = atomic_fetch_add(&a->next_slot, 1);
    atomic_fetch_add(&a->arrived, 1); /* just before the call: see sync_util.h */
    double start = harness_now();
    a->rc[slot] = thrace_sem_acquire(&a->sem, true, a->timeout);
    a->took[slot] = harness_now() - start;
    atomic_fetch_add(&a->passed, 1);
}

/* Starts n acquirers and returns once all of them are blocked in acquire. */
static void start_blocked_acquirers(acquirers *a, thrace_thread **t, int n)
{
    for (int i = 0; i < n; i++)
        t[i] = spawn(acquirer, a);
    WAIT_UNTIL(atomic_load(&a->arrived) == n);
    wait_until_blocked(t, (size_t)n);
}

TEST(sem_negative_initial_value_is_einval)
{
    thrace_sem s;
    ASSERT_CODE(THRACE_EINVAL, thrace_sem_init(&s, -1));
    ASSERT_CODE(THRACE_EINVAL, thrace_sem_init(&s, LONG_MIN));
}

TEST(bounded_sem_negative_initial_value_is_einval)
{
    thrace_sem s;
    ASSERT_CODE(THRACE_EINVAL, thrace_bsem_init(&s, -1));
    ASSERT_CODE(THRACE_EINVAL, thrace_bsem_init(&s, LONG_MIN));
}

TEST(sem_initial_value_zero_is_allowed_and_has_no_units)
{
    thrace_sem s, b;
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&s, 0));
    ASSERT_CODE(THRACE_OK, thrace_bsem_init(&b, 0));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_sem_acquire(&s, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_sem_acquire(&b, false, THRACE_FOREVER));
    thrace_sem_destroy(&s);
    thrace_sem_destroy(&b);
}

TEST(sem_acquire_decrements_until_zero_then_nonblocking_times_out)
{
    thrace_sem s;
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&s, 3));
    ASSERT_CODE(THRACE_OK, thrace_sem_acquire(&s, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_sem_acquire(&s, true, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_sem_acquire(&s, true, 0));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_sem_acquire(&s, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_sem_acquire(&s, false, THRACE_FOREVER));
    thrace_sem_destroy(&s);
}

TEST(bounded_sem_acquire_decrements_like_sem)
{
    thrace_sem s;
    ASSERT_CODE(THRACE_OK, thrace_bsem_init(&s, 2));
    ASSERT_EQ(2, drain(&s));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_sem_acquire(&s, true, 0));
    thrace_sem_destroy(&s);
}

TEST(sem_nonblocking_acquire_with_any_timeout_is_einval)
{
    const double timeouts[] = {0.0, 1.0, -0.5, -2.0, THRACE_TIMEOUT_MAX, 1e10, INFINITY, NAN};
    thrace_sem s, b;
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&s, 2));
    ASSERT_CODE(THRACE_OK, thrace_bsem_init(&b, 0));
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        ASSERT_CODE(THRACE_EINVAL, thrace_sem_acquire(&s, false, timeouts[i]));
        /* Arguments are checked first: EINVAL, not TIMEOUT, on an empty one. */
        ASSERT_CODE(THRACE_EINVAL, thrace_sem_acquire(&b, false, timeouts[i]));
    }
    ASSERT_EQ(2, drain(&s)); /* nothing was taken */
    thrace_sem_destroy(&s);
    thrace_sem_destroy(&b);
}

TEST(sem_nan_timeout_is_einval_even_with_units_available)
{
    thrace_sem s, empty;
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&s, 1));
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&empty, 0));
    ASSERT_CODE(THRACE_EINVAL, thrace_sem_acquire(&s, true, NAN));
    ASSERT_EQ(1, drain(&s));
    double start = harness_now();
    ASSERT_CODE(THRACE_EINVAL, thrace_sem_acquire(&empty, true, NAN));
    ASSERT_TRUE(harness_now() - start < 1.0); /* not Python's busy loop */
    thrace_sem_destroy(&s);
    thrace_sem_destroy(&empty);
}

TEST(sem_negative_timeout_polls_once)
{
    thrace_sem s;
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&s, 1));
    ASSERT_CODE(THRACE_OK, thrace_sem_acquire(&s, true, -0.5));
    double start = harness_now();
    ASSERT_CODE(THRACE_TIMEOUT, thrace_sem_acquire(&s, true, -0.5));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_sem_acquire(&s, true, -1e9));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_sem_acquire(&s, true, -INFINITY));
    ASSERT_TRUE(harness_now() - start < 0.5);
    thrace_sem_destroy(&s);
}

TEST(sem_zero_timeout_polls_once)
{
    thrace_sem s;
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&s, 1));
    ASSERT_CODE(THRACE_OK, thrace_sem_acquire(&s, true, 0));
    double start = harness_now();
    ASSERT_CODE(THRACE_TIMEOUT, thrace_sem_acquire(&s, true, 0));
    ASSERT_TRUE(harness_now() - start < 0.5);
    thrace_sem_destroy(&s);
}

TEST(sem_timeout_above_max_is_erange_only_when_it_must_wait)
{
    thrace_sem s;
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&s, 2));
    ASSERT_CODE(THRACE_OK, thrace_sem_acquire(&s, true, 1e10));
    ASSERT_CODE(THRACE_OK, thrace_sem_acquire(&s, true, INFINITY));
    double start = harness_now();
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_acquire(&s, true, 1e10));
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_acquire(&s, true, INFINITY));
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_acquire(&s, true, THRACE_TIMEOUT_MAX * 2));
    ASSERT_TRUE(harness_now() - start < 0.5);
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&s, 1));
    ASSERT_EQ(1, drain(&s)); /* the ERANGE calls took nothing */
    thrace_sem_destroy(&s);
}

TEST(sem_timeout_max_itself_is_accepted)
{
    acquirers a = {.timeout = THRACE_TIMEOUT_MAX};
    thrace_thread *t[1];
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&a.sem, 0));
    start_blocked_acquirers(&a, t, 1);
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&a.sem, 1));
    join_and_unref(t[0]);
    ASSERT_CODE(THRACE_OK, a.rc[0]);
    ASSERT_EQ(0, drain(&a.sem));
    thrace_sem_destroy(&a.sem);
}

TEST(sem_timed_acquire_times_out_in_band)
{
    thrace_sem s;
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&s, 0));
    double start = harness_now();
    ASSERT_CODE(THRACE_TIMEOUT, thrace_sem_acquire(&s, true, 0.2));
    ASSERT_DURATION(0.2, harness_now() - start);
    ASSERT_EQ(0, drain(&s));
    thrace_sem_destroy(&s);
}

TEST(sem_blocked_acquire_is_woken_by_release_from_another_thread)
{
    acquirers a = {.timeout = THRACE_FOREVER};
    thrace_thread *t[1];
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&a.sem, 0));
    start_blocked_acquirers(&a, t, 1);
    ASSERT_EQ(0, atomic_load(&a.passed));
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&a.sem, 1));
    join_and_unref(t[0]);
    ASSERT_CODE(THRACE_OK, a.rc[0]);
    ASSERT_EQ(0, drain(&a.sem)); /* the waiter took the unit */
    thrace_sem_destroy(&a.sem);
}

TEST(sem_timed_acquire_succeeds_when_released_before_its_deadline)
{
    acquirers a = {.timeout = 10.0};
    thrace_thread *t[1];
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&a.sem, 0));
    start_blocked_acquirers(&a, t, 1);
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&a.sem, 1));
    join_and_unref(t[0]);
    ASSERT_CODE(THRACE_OK, a.rc[0]);
    ASSERT_TRUE(a.took[0] < 5.0);
    ASSERT_EQ(0, drain(&a.sem));
    thrace_sem_destroy(&a.sem);
}

TEST(sem_release_below_one_is_einval_and_changes_nothing)
{
    thrace_sem s, b;
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&s, 1));
    ASSERT_CODE(THRACE_OK, thrace_bsem_init(&b, 1));
    ASSERT_CODE(THRACE_OK, thrace_sem_acquire(&b, false, THRACE_FOREVER));
    const long bad[] = {0, -1, LONG_MIN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ASSERT_CODE(THRACE_EINVAL, thrace_sem_release(&s, bad[i]));
        ASSERT_CODE(THRACE_EINVAL, thrace_sem_release(&b, bad[i]));
    }
    ASSERT_EQ(1, drain(&s));
    ASSERT_EQ(0, drain(&b));
    thrace_sem_destroy(&s);
    thrace_sem_destroy(&b);
}

TEST(sem_release_n_lets_exactly_n_of_three_waiters_through)
{
    acquirers a = {.timeout = THRACE_FOREVER};
    thrace_thread *t[3];
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&a.sem, 0));
    start_blocked_acquirers(&a, t, 3);
    ASSERT_EQ(0, atomic_load(&a.passed));
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&a.sem, 2));
    WAIT_UNTIL(atomic_load(&a.passed) >= 2);
    /* Both units went to waiters; the third stays parked until one more. */
    ASSERT_CODE(THRACE_TIMEOUT, thrace_sem_acquire(&a.sem, false, THRACE_FOREVER));
    ASSERT_EQ(2, atomic_load(&a.passed));
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&a.sem, 1));
    for (int i = 0; i < 3; i++)
        join_and_unref(t[i]);
    for (int i = 0; i < 3; i++)
        ASSERT_CODE(THRACE_OK, a.rc[i]);
    ASSERT_EQ(0, drain(&a.sem));
    thrace_sem_destroy(&a.sem);
}

TEST(sem_release_more_than_waiters_keeps_the_rest)
{
    acquirers a = {.timeout = 5.0}; /* long enough never to pass: TIMEOUT means not woken */
    thrace_thread *t[2];
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&a.sem, 0));
    start_blocked_acquirers(&a, t, 2);
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&a.sem, 5));
    for (int i = 0; i < 2; i++)
        join_and_unref(t[i]);
    ASSERT_CODE(THRACE_OK, a.rc[0]);
    ASSERT_CODE(THRACE_OK, a.rc[1]);
    ASSERT_EQ(3, drain(&a.sem));
    thrace_sem_destroy(&a.sem);
}

TEST(sem_unbounded_release_may_exceed_initial_value)
{
    thrace_sem s;
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&s, 1));
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&s, 1));
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&s, 3));
    ASSERT_EQ(5, drain(&s));
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&s, 2)); /* also from 0, without acquires */
    ASSERT_EQ(2, drain(&s));
    thrace_sem_destroy(&s);
}

TEST(sem_release_that_would_overflow_is_erange_and_changes_nothing)
{
    thrace_sem s;
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&s, LONG_MAX));
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_release(&s, 1));
    ASSERT_CODE(THRACE_OK, thrace_sem_acquire(&s, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_sem_acquire(&s, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_release(&s, 3));
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_release(&s, LONG_MAX));
    /* Still LONG_MAX - 2: exactly two more units fit. */
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&s, 2));
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_release(&s, 1));
    thrace_sem_destroy(&s);
}

TEST(bounded_release_past_initial_is_erange_and_changes_nothing)
{
    thrace_sem s;
    ASSERT_CODE(THRACE_OK, thrace_bsem_init(&s, 3));
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_release(&s, 1)); /* already full */
    ASSERT_CODE(THRACE_OK, thrace_sem_acquire(&s, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_release(&s, 2));
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_release(&s, LONG_MAX));
    ASSERT_EQ(2, drain(&s)); /* the failed releases added nothing */
    thrace_sem_destroy(&s);
}

TEST(bounded_release_up_to_initial_value_succeeds)
{
    thrace_sem s;
    ASSERT_CODE(THRACE_OK, thrace_bsem_init(&s, 3));
    ASSERT_EQ(3, drain(&s));
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&s, 1));
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&s, 2));
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_release(&s, 1));
    ASSERT_EQ(3, drain(&s));
    thrace_sem_destroy(&s);
}

TEST(bounded_release_wakes_a_blocked_acquire)
{
    acquirers a = {.timeout = THRACE_FOREVER};
    thrace_thread *t[1];
    ASSERT_CODE(THRACE_OK, thrace_bsem_init(&a.sem, 1));
    ASSERT_CODE(THRACE_OK, thrace_sem_acquire(&a.sem, true, THRACE_FOREVER));
    start_blocked_acquirers(&a, t, 1);
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&a.sem, 1));
    join_and_unref(t[0]);
    ASSERT_CODE(THRACE_OK, a.rc[0]);
    ASSERT_EQ(0, drain(&a.sem));
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&a.sem, 1));
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_release(&a.sem, 1));
    thrace_sem_destroy(&a.sem);
}

TEST(bounded_sem_of_zero_rejects_every_release)
{
    thrace_sem s;
    ASSERT_CODE(THRACE_OK, thrace_bsem_init(&s, 0));
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_release(&s, 1));
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_release(&s, 2));
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_release(&s, LONG_MAX));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_sem_acquire(&s, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_TIMEOUT, thrace_sem_acquire(&s, true, 0));
    thrace_sem_destroy(&s);
}

TEST(sem_with_block_holds_a_unit_and_gives_it_back)
{
    thrace_sem s, b;
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&s, 1));
    ASSERT_CODE(THRACE_OK, thrace_bsem_init(&b, 1));
    int ran = 0;
    THRACE_WITH (&s) {
        ASSERT_CODE(THRACE_TIMEOUT, thrace_sem_acquire(&s, false, THRACE_FOREVER));
        ran++;
    }
    THRACE_WITH (&b) {
        ASSERT_CODE(THRACE_TIMEOUT, thrace_sem_acquire(&b, false, THRACE_FOREVER));
        ran++;
    }
    ASSERT_EQ(2, ran);
    ASSERT_EQ(1, drain(&s));
    ASSERT_EQ(1, drain(&b));
    thrace_sem_destroy(&s);
    thrace_sem_destroy(&b);
}

/* Leaves a THRACE_WITH block by return, reporting what acquire saw inside. */
static int acquire_inside_with(thrace_sem *s)
{
    THRACE_WITH (s) {
        return thrace_sem_acquire(s, false, THRACE_FOREVER);
    }
    return -1;
}

TEST(sem_with_block_gives_the_unit_back_on_break_and_return)
{
    thrace_sem s;
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&s, 1));
    int entered = 0;
    THRACE_WITH (&s) {
        entered++;
        ASSERT_CODE(THRACE_TIMEOUT, thrace_sem_acquire(&s, false, THRACE_FOREVER));
        if (entered)
            break;
    }
    ASSERT_EQ(1, entered);
    ASSERT_CODE(THRACE_OK, thrace_sem_acquire(&s, false, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&s, 1));
    ASSERT_CODE(THRACE_TIMEOUT, acquire_inside_with(&s));
    ASSERT_EQ(1, drain(&s));
    thrace_sem_destroy(&s);
}

typedef struct {
    thrace_sem sem;
    atomic_int arrived;
    atomic_int inside;
} with_ctx;

static void with_worker(void *arg)
{
    with_ctx *c = arg;
    atomic_fetch_add(&c->arrived, 1); /* just before the blocking enter */
    THRACE_WITH (&c->sem) {
        atomic_fetch_add(&c->inside, 1);
    }
}

TEST(sem_with_block_waits_for_a_unit)
{
    with_ctx c = {0};
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&c.sem, 0));
    thrace_thread *t = spawn(with_worker, &c);
    WAIT_UNTIL(atomic_load(&c.arrived) == 1);
    wait_until_blocked(&t, 1);
    ASSERT_EQ(0, atomic_load(&c.inside));
    ASSERT_CODE(THRACE_OK, thrace_sem_release(&c.sem, 1));
    join_and_unref(t);
    ASSERT_EQ(1, atomic_load(&c.inside));
    ASSERT_EQ(1, drain(&c.sem)); /* given back when the block ended */
    thrace_sem_destroy(&c.sem);
}

TEST(sem_names_are_ok_and_null_is_einval)
{
    thrace_sem s, b;
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&s, 1));
    ASSERT_CODE(THRACE_OK, thrace_bsem_init(&b, 1));
    ASSERT_CODE(THRACE_OK, thrace_name(&s, "pool"));
    ASSERT_CODE(THRACE_OK, thrace_name(&s, "pool renamed")); /* frees the old name */
    ASSERT_CODE(THRACE_OK, thrace_sem_set_name(&b, "bounded"));
    ASSERT_CODE(THRACE_EINVAL, thrace_name(&s, NULL));
    ASSERT_CODE(THRACE_EINVAL, thrace_sem_set_name(&b, NULL));
    ASSERT_EQ(1, drain(&s)); /* a name changes no behaviour */
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_release(&b, 1));
    thrace_sem_destroy(&s);
    thrace_sem_destroy(&b);
}

/*
 * Waiters that wait for ever, and thieves whose short timeouts race the
 * wakes: a wake is claimed by its waiter before a timeout can win, and
 * posted after the releaser let go, so every unit released reaches a
 * waiter and none is lost or counted twice. A lost wake hangs a waiter,
 * which fails its join.
 */
enum { RACE_WAITERS = 3, RACE_THIEVES = 2, RACE_UNITS = 3000 };

typedef struct {
    thrace_sem sem;
    atomic_int stop;
    atomic_long stolen;
} race;

static void race_waiter(void *arg)
{
    race *r = arg;
    for (int i = 0; i < RACE_UNITS; i++)
        ASSERT_CODE(THRACE_OK, thrace_sem_acquire(&r->sem, true, THRACE_FOREVER));
}

static void race_thief(void *arg)
{
    race *r = arg;
    while (!atomic_load(&r->stop)) {
        if (thrace_sem_acquire(&r->sem, true, 0.00002) == THRACE_OK) {
            atomic_fetch_add(&r->stolen, 1);
            ASSERT_CODE(THRACE_OK, thrace_sem_release(&r->sem, 1)); /* given back */
        }
    }
}

static void race_releaser(void *arg)
{
    race *r = arg;
    for (int i = 0; i < RACE_UNITS; i++) {
        ASSERT_CODE(THRACE_OK, thrace_sem_release(&r->sem, 1));
        if (i % 64 == 0)
            thrace_sleep(0.0001); /* let the waiters fall asleep now and then */
    }
}

TEST(sem_every_unit_reaches_a_waiter_while_timeouts_race_the_wakes)
{
    race r = {0};
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&r.sem, 0));
    thrace_thread *waiters[RACE_WAITERS], *thieves[RACE_THIEVES], *releasers[RACE_WAITERS];
    for (int i = 0; i < RACE_WAITERS; i++)
        waiters[i] = spawn(race_waiter, &r);
    for (int i = 0; i < RACE_THIEVES; i++)
        thieves[i] = spawn(race_thief, &r);
    for (int i = 0; i < RACE_WAITERS; i++)
        releasers[i] = spawn(race_releaser, &r);
    for (int i = 0; i < RACE_WAITERS; i++) {
        join_and_unref(releasers[i]);
        join_and_unref(waiters[i]);
    }
    atomic_store(&r.stop, 1);
    for (int i = 0; i < RACE_THIEVES; i++)
        join_and_unref(thieves[i]);
    ASSERT_EQ(0, drain(&r.sem));             /* the waiters took every unit */
    ASSERT_TRUE(atomic_load(&r.stolen) > 0); /* and the thieves did race them */
    thrace_sem_destroy(&r.sem);
}
