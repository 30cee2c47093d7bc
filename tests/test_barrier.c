/*
 * test_barrier.c - Barrier: arguments, arrival indices, the action, cycles,
 * abort, reset, timeouts that break it (its own default and per wait),
 * n_waiting, and names. A thread is known to be waiting when n_waiting
 * counts it, which the barrier updates under its lock before blocking.
 */
#include "sync_util.h"

#include <math.h>
#include <stdatomic.h>

/* Threads that each wait once with `timeout`, recording what they got. */
typedef struct {
    thrace_barrier barrier;
    double timeout;
    atomic_int next_slot;
    int rc[8];
    unsigned index[8];
    bool null_index;
} parties;

static void party(void *arg)
{
    parties *p = arg;
    int slot = atomic_fetch_add(&p->next_slot, 1);
    unsigned index = 99;
    p->rc[slot] = thrace_barrier_wait(&p->barrier, p->timeout, p->null_index ? NULL : &index);
    p->index[slot] = index;
}

/* Starts one party and returns once the barrier counts `expected` waiters. */
static thrace_thread *start_waiting_party(parties *p, unsigned expected)
{
    thrace_thread *t = spawn(party, p);
    WAIT_UNTIL(thrace_barrier_n_waiting(&p->barrier) == expected);
    return t;
}

TEST(barrier_zero_parties_is_einval)
{
    thrace_barrier b;
    ASSERT_CODE(THRACE_EINVAL, thrace_barrier_init(&b, 0, NULL, NULL, THRACE_FOREVER));
}

TEST(barrier_nan_default_timeout_is_einval)
{
    thrace_barrier b;
    ASSERT_CODE(THRACE_EINVAL, thrace_barrier_init(&b, 2, NULL, NULL, NAN));
}

TEST(barrier_reports_parties_and_starts_empty_and_unbroken)
{
    thrace_barrier b;
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&b, 5, NULL, NULL, THRACE_FOREVER));
    ASSERT_EQ(5, thrace_barrier_parties(&b));
    ASSERT_EQ(0, thrace_barrier_n_waiting(&b));
    ASSERT_FALSE(thrace_barrier_broken(&b));
    thrace_barrier_destroy(&b);
    /* Any default but NaN is accepted at init; its checks come at wait. */
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&b, 1, NULL, NULL, INFINITY));
    thrace_barrier_destroy(&b);
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&b, 1, NULL, NULL, -3.0));
    thrace_barrier_destroy(&b);
}

static void count_action(void *arg)
{
    (*(int *)arg)++;
}

TEST(barrier_of_one_returns_index_zero_at_once_every_time)
{
    const double timeouts[] = {THRACE_FOREVER, 0.0, -0.5, 1.0, THRACE_TIMEOUT_MAX, 1e10, INFINITY};
    const size_t n = sizeof timeouts / sizeof timeouts[0];
    thrace_barrier b;
    int actions = 0;
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&b, 1, count_action, &actions, THRACE_FOREVER));
    double start = harness_now();
    for (size_t i = 0; i < n; i++) {
        unsigned index = 99;
        ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&b, timeouts[i], &index));
        ASSERT_EQ(0, index);
        ASSERT_EQ(i + 1, actions); /* the action runs every time, in this thread */
    }
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&b, THRACE_FOREVER, NULL));
    ASSERT_EQ(n + 1, actions);
    ASSERT_TRUE(harness_now() - start < 0.5);
    ASSERT_FALSE(thrace_barrier_broken(&b));
    ASSERT_EQ(0, thrace_barrier_n_waiting(&b));
    thrace_barrier_destroy(&b);
}

/* Action recording the thread that ran it (before anyone is released). */
typedef struct {
    pthread_t thread;
    int runs;
} action_record;

static void record_action(void *arg)
{
    action_record *r = arg;
    r->thread = pthread_self();
    r->runs++;
}

TEST(barrier_indices_follow_arrival_order_and_the_last_runs_the_action)
{
    parties p = {.timeout = THRACE_FOREVER};
    action_record r = {0};
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&p.barrier, 3, record_action, &r, THRACE_FOREVER));
    thrace_thread *first = start_waiting_party(&p, 1);
    thrace_thread *second = start_waiting_party(&p, 2);
    unsigned index = 99;
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&p.barrier, THRACE_FOREVER, &index));
    ASSERT_EQ(2, index);
    ASSERT_EQ(1, r.runs);
    ASSERT_TRUE(pthread_equal(r.thread, pthread_self()));
    join_and_unref(first);
    join_and_unref(second);
    ASSERT_CODE(THRACE_OK, p.rc[0]);
    ASSERT_CODE(THRACE_OK, p.rc[1]);
    ASSERT_EQ(0, p.index[0]);
    ASSERT_EQ(1, p.index[1]);
    ASSERT_EQ(1, r.runs);
    thrace_barrier_destroy(&p.barrier);
}

/*
 * A cycle checker: each party waits `cycles` times, and after every wait
 * checks that the action has run exactly once for this cycle already, and
 * that the party with the last index is the thread that ran it. The action's
 * writes and the parties' reads are plain: the barrier must order them.
 */
enum { MAX_PARTIES = 6, MAX_CYCLES = 200 };

typedef struct {
    thrace_barrier barrier;
    int cycles;
    int actions; /* written by the action only */
    pthread_t action_thread;
    atomic_int errors;
    atomic_int rc_errors;
    atomic_uint seen[MAX_CYCLES]; /* bit per index, per cycle */
} cycler;

static void cycler_action(void *arg)
{
    cycler *c = arg;
    c->actions++;
    c->action_thread = pthread_self();
}

static void cycler_party(void *arg)
{
    cycler *c = arg;
    unsigned parties_n = thrace_barrier_parties(&c->barrier);
    for (int cycle = 0; cycle < c->cycles; cycle++) {
        unsigned index = 99;
        int rc = thrace_barrier_wait(&c->barrier, 10.0, &index);
        if (rc != THRACE_OK || index >= parties_n) {
            atomic_fetch_add(&c->rc_errors, 1);
            return;
        }
        /* Nobody can start the next cycle's action before this party waits again. */
        if (c->actions != cycle + 1)
            atomic_fetch_add(&c->errors, 1);
        if (index == parties_n - 1 && !pthread_equal(c->action_thread, pthread_self()))
            atomic_fetch_add(&c->errors, 1);
        atomic_fetch_or(&c->seen[cycle], 1u << index);
    }
}

static void run_cycles(unsigned n_parties, int cycles)
{
    static cycler c; /* large; one per case process */
    thrace_thread *t[MAX_PARTIES];
    c.cycles = cycles;
    ASSERT_CODE(THRACE_OK,
                thrace_barrier_init(&c.barrier, n_parties, cycler_action, &c, THRACE_FOREVER));
    for (unsigned i = 0; i < n_parties; i++)
        t[i] = spawn(cycler_party, &c);
    for (unsigned i = 0; i < n_parties; i++)
        join_and_unref(t[i]);
    ASSERT_EQ(0, atomic_load(&c.rc_errors));
    ASSERT_EQ(0, atomic_load(&c.errors));
    ASSERT_EQ(cycles, c.actions);
    for (int cycle = 0; cycle < cycles; cycle++)
        ASSERT_EQ((1u << n_parties) - 1, atomic_load(&c.seen[cycle]));
    ASSERT_FALSE(thrace_barrier_broken(&c.barrier));
    ASSERT_EQ(0, thrace_barrier_n_waiting(&c.barrier));
    thrace_barrier_destroy(&c.barrier);
}

TEST(barrier_gives_each_index_once_per_cycle)
{
    run_cycles(5, 20);
}

TEST(barrier_action_runs_once_per_cycle_in_the_last_arrival_before_any_waiter_returns)
{
    run_cycles(4, 10);
}

TEST(barrier_is_reusable_for_many_cycles)
{
    run_cycles(3, MAX_CYCLES);
}

TEST(barrier_abort_breaks_current_and_future_waits_until_reset)
{
    parties p = {.timeout = THRACE_FOREVER};
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&p.barrier, 3, NULL, NULL, THRACE_FOREVER));
    thrace_thread *t[2];
    t[0] = start_waiting_party(&p, 1);
    t[1] = start_waiting_party(&p, 2);
    thrace_barrier_abort(&p.barrier);
    ASSERT_TRUE(thrace_barrier_broken(&p.barrier));
    ASSERT_EQ(0, thrace_barrier_n_waiting(&p.barrier)); /* 0 unless filling */
    join_and_unref(t[0]);
    join_and_unref(t[1]);
    ASSERT_CODE(THRACE_EBROKEN, p.rc[0]);
    ASSERT_CODE(THRACE_EBROKEN, p.rc[1]);
    /* Future waits fail at once, whatever their timeout. */
    double start = harness_now();
    ASSERT_CODE(THRACE_EBROKEN, thrace_barrier_wait(&p.barrier, THRACE_FOREVER, NULL));
    ASSERT_CODE(THRACE_EBROKEN, thrace_barrier_wait(&p.barrier, 0, NULL));
    ASSERT_CODE(THRACE_EBROKEN, thrace_barrier_wait(&p.barrier, 10.0, NULL));
    ASSERT_TRUE(harness_now() - start < 0.5);
    ASSERT_TRUE(thrace_barrier_broken(&p.barrier));
    thrace_barrier_reset(&p.barrier);
    ASSERT_FALSE(thrace_barrier_broken(&p.barrier));
    /* Usable again: a full cycle. */
    atomic_store(&p.next_slot, 0);
    t[0] = start_waiting_party(&p, 1);
    t[1] = start_waiting_party(&p, 2);
    unsigned index = 99;
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&p.barrier, THRACE_FOREVER, &index));
    ASSERT_EQ(2, index);
    join_and_unref(t[0]);
    join_and_unref(t[1]);
    ASSERT_CODE(THRACE_OK, p.rc[0]);
    ASSERT_CODE(THRACE_OK, p.rc[1]);
    ASSERT_EQ(0, p.index[0]);
    ASSERT_EQ(1, p.index[1]);
    thrace_barrier_destroy(&p.barrier);
}

TEST(barrier_abort_with_nobody_waiting_breaks_it)
{
    thrace_barrier b;
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&b, 2, NULL, NULL, THRACE_FOREVER));
    thrace_barrier_abort(&b);
    ASSERT_TRUE(thrace_barrier_broken(&b));
    ASSERT_CODE(THRACE_EBROKEN, thrace_barrier_wait(&b, THRACE_FOREVER, NULL));
    thrace_barrier_reset(&b);
    ASSERT_FALSE(thrace_barrier_broken(&b));
    ASSERT_CODE(THRACE_EBROKEN, thrace_barrier_wait(&b, 0, NULL)); /* a poll breaks it again */
    thrace_barrier_destroy(&b);
}

TEST(barrier_reset_while_threads_wait_breaks_their_waits_and_leaves_it_usable)
{
    parties p = {.timeout = THRACE_FOREVER};
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&p.barrier, 3, NULL, NULL, THRACE_FOREVER));
    thrace_thread *t[2];
    t[0] = start_waiting_party(&p, 1);
    t[1] = start_waiting_party(&p, 2);
    thrace_barrier_reset(&p.barrier);
    ASSERT_FALSE(thrace_barrier_broken(&p.barrier)); /* resetting is not broken */
    join_and_unref(t[0]);
    join_and_unref(t[1]);
    ASSERT_CODE(THRACE_EBROKEN, p.rc[0]);
    ASSERT_CODE(THRACE_EBROKEN, p.rc[1]);
    ASSERT_FALSE(thrace_barrier_broken(&p.barrier));
    ASSERT_EQ(0, thrace_barrier_n_waiting(&p.barrier));
    /* Usable again: a full cycle. */
    atomic_store(&p.next_slot, 0);
    t[0] = start_waiting_party(&p, 1);
    t[1] = start_waiting_party(&p, 2);
    unsigned index = 99;
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&p.barrier, THRACE_FOREVER, &index));
    ASSERT_EQ(2, index);
    join_and_unref(t[0]);
    join_and_unref(t[1]);
    ASSERT_CODE(THRACE_OK, p.rc[0]);
    ASSERT_CODE(THRACE_OK, p.rc[1]);
    ASSERT_EQ(0, p.index[0]);
    ASSERT_EQ(1, p.index[1]);
    thrace_barrier_destroy(&p.barrier);
}

TEST(barrier_reset_of_idle_barrier_keeps_it_usable)
{
    parties p = {.timeout = THRACE_FOREVER};
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&p.barrier, 2, NULL, NULL, THRACE_FOREVER));
    thrace_barrier_reset(&p.barrier);
    ASSERT_FALSE(thrace_barrier_broken(&p.barrier));
    thrace_thread *t = start_waiting_party(&p, 1);
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&p.barrier, THRACE_FOREVER, NULL));
    join_and_unref(t);
    ASSERT_CODE(THRACE_OK, p.rc[0]);
    thrace_barrier_destroy(&p.barrier);
}

TEST(barrier_wait_timeout_breaks_it_for_every_waiter)
{
    parties p = {.timeout = THRACE_FOREVER};
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&p.barrier, 4, NULL, NULL, THRACE_FOREVER));
    thrace_thread *t[2];
    t[0] = start_waiting_party(&p, 1);
    t[1] = start_waiting_party(&p, 2);
    double start = harness_now();
    ASSERT_CODE(THRACE_EBROKEN, thrace_barrier_wait(&p.barrier, 0.2, NULL));
    ASSERT_DURATION(0.2, harness_now() - start);
    ASSERT_TRUE(thrace_barrier_broken(&p.barrier));
    join_and_unref(t[0]);
    join_and_unref(t[1]);
    ASSERT_CODE(THRACE_EBROKEN, p.rc[0]);
    ASSERT_CODE(THRACE_EBROKEN, p.rc[1]);
    ASSERT_TRUE(thrace_barrier_broken(&p.barrier));
    ASSERT_CODE(THRACE_EBROKEN, thrace_barrier_wait(&p.barrier, THRACE_FOREVER, NULL));
    thrace_barrier_destroy(&p.barrier);
}

TEST(barrier_default_timeout_applies_when_wait_gets_forever)
{
    parties p = {.timeout = THRACE_FOREVER};
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&p.barrier, 3, NULL, NULL, 0.2));
    double start = harness_now();
    thrace_thread *t = spawn(party, &p);
    join_and_unref(t);
    ASSERT_CODE(THRACE_EBROKEN, p.rc[0]);
    ASSERT_DURATION(0.2, harness_now() - start);
    ASSERT_TRUE(thrace_barrier_broken(&p.barrier));
    thrace_barrier_reset(&p.barrier);
    start = harness_now();
    ASSERT_CODE(THRACE_EBROKEN, thrace_barrier_wait(&p.barrier, THRACE_FOREVER, NULL));
    ASSERT_DURATION(0.2, harness_now() - start);
    thrace_barrier_destroy(&p.barrier);
}

TEST(barrier_explicit_timeout_overrides_the_default)
{
    parties p = {.timeout = 10.0};
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&p.barrier, 2, NULL, NULL, 0.05));
    thrace_thread *t = start_waiting_party(&p, 1);
    /* About timing: outlive the 0.05 s default while the party waits. */
    thrace_sleep(0.3);
    ASSERT_FALSE(thrace_barrier_broken(&p.barrier));
    ASSERT_EQ(1, thrace_barrier_n_waiting(&p.barrier));
    unsigned index = 99;
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&p.barrier, THRACE_FOREVER, &index));
    ASSERT_EQ(1, index);
    join_and_unref(t);
    ASSERT_CODE(THRACE_OK, p.rc[0]);
    ASSERT_EQ(0, p.index[0]);
    thrace_barrier_destroy(&p.barrier);
}

TEST(barrier_zero_or_negative_timeout_breaks_at_once_unless_last)
{
    const double polls[] = {0.0, -0.5, -INFINITY};
    for (size_t i = 0; i < sizeof polls / sizeof polls[0]; i++) {
        parties p = {.timeout = THRACE_FOREVER};
        ASSERT_CODE(THRACE_OK, thrace_barrier_init(&p.barrier, 2, NULL, NULL, THRACE_FOREVER));
        double start = harness_now();
        ASSERT_CODE(THRACE_EBROKEN, thrace_barrier_wait(&p.barrier, polls[i], NULL));
        ASSERT_TRUE(harness_now() - start < 0.5);
        ASSERT_TRUE(thrace_barrier_broken(&p.barrier));
        thrace_barrier_reset(&p.barrier);
        thrace_thread *t = start_waiting_party(&p, 1);
        unsigned index = 99;
        ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&p.barrier, polls[i], &index));
        ASSERT_EQ(1, index);
        join_and_unref(t);
        ASSERT_CODE(THRACE_OK, p.rc[0]);
        thrace_barrier_destroy(&p.barrier);
    }
}

TEST(barrier_negative_default_timeout_breaks_at_once_unless_last)
{
    thrace_barrier b;
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&b, 2, NULL, NULL, -0.5));
    double start = harness_now();
    ASSERT_CODE(THRACE_EBROKEN, thrace_barrier_wait(&b, THRACE_FOREVER, NULL));
    ASSERT_TRUE(harness_now() - start < 0.5);
    ASSERT_TRUE(thrace_barrier_broken(&b));
    thrace_barrier_destroy(&b);
}

TEST(barrier_n_waiting_counts_waiters_in_the_current_cycle)
{
    parties p = {.timeout = THRACE_FOREVER};
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&p.barrier, 4, NULL, NULL, THRACE_FOREVER));
    thrace_thread *t[3];
    ASSERT_EQ(0, thrace_barrier_n_waiting(&p.barrier));
    for (unsigned i = 0; i < 3; i++) {
        t[i] = start_waiting_party(&p, i + 1);
        ASSERT_EQ(i + 1, thrace_barrier_n_waiting(&p.barrier));
    }
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&p.barrier, THRACE_FOREVER, NULL));
    for (int i = 0; i < 3; i++)
        join_and_unref(t[i]);
    ASSERT_EQ(0, thrace_barrier_n_waiting(&p.barrier));
    /* The next cycle counts from 0 again; a broken barrier counts nobody. */
    atomic_store(&p.next_slot, 0);
    t[0] = start_waiting_party(&p, 1);
    thrace_barrier_abort(&p.barrier);
    ASSERT_EQ(0, thrace_barrier_n_waiting(&p.barrier));
    join_and_unref(t[0]);
    ASSERT_CODE(THRACE_EBROKEN, p.rc[0]);
    thrace_barrier_destroy(&p.barrier);
}

TEST(barrier_wait_above_timeout_max_is_erange_unless_last)
{
    parties p = {.timeout = THRACE_FOREVER};
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&p.barrier, 2, NULL, NULL, THRACE_FOREVER));
    ASSERT_CODE(THRACE_ERANGE, thrace_barrier_wait(&p.barrier, 1e10, NULL));
    ASSERT_CODE(THRACE_ERANGE, thrace_barrier_wait(&p.barrier, INFINITY, NULL));
    ASSERT_CODE(THRACE_ERANGE, thrace_barrier_wait(&p.barrier, THRACE_TIMEOUT_MAX * 2, NULL));
    /* Nothing changed: not broken, nobody counted. */
    ASSERT_FALSE(thrace_barrier_broken(&p.barrier));
    ASSERT_EQ(0, thrace_barrier_n_waiting(&p.barrier));
    thrace_thread *t = start_waiting_party(&p, 1);
    unsigned index = 99;
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&p.barrier, INFINITY, &index));
    ASSERT_EQ(1, index);
    join_and_unref(t);
    ASSERT_CODE(THRACE_OK, p.rc[0]);
    ASSERT_EQ(0, p.index[0]);
    thrace_barrier_destroy(&p.barrier);
}

TEST(barrier_default_timeout_above_max_is_erange_when_wait_would_block)
{
    parties p = {.timeout = 10.0};
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&p.barrier, 2, NULL, NULL, INFINITY));
    ASSERT_CODE(THRACE_ERANGE, thrace_barrier_wait(&p.barrier, THRACE_FOREVER, NULL));
    ASSERT_FALSE(thrace_barrier_broken(&p.barrier));
    ASSERT_EQ(0, thrace_barrier_n_waiting(&p.barrier));
    thrace_thread *t = start_waiting_party(&p, 1); /* explicit 10 s timeout */
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&p.barrier, THRACE_FOREVER, NULL));
    join_and_unref(t);
    ASSERT_CODE(THRACE_OK, p.rc[0]);
    thrace_barrier_destroy(&p.barrier);
}

TEST(barrier_timeout_max_itself_is_accepted)
{
    parties p = {.timeout = THRACE_TIMEOUT_MAX};
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&p.barrier, 2, NULL, NULL, THRACE_FOREVER));
    thrace_thread *t = start_waiting_party(&p, 1);
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&p.barrier, THRACE_TIMEOUT_MAX, NULL));
    join_and_unref(t);
    ASSERT_CODE(THRACE_OK, p.rc[0]);
    thrace_barrier_destroy(&p.barrier);
}

TEST(barrier_wait_nan_is_einval_and_changes_nothing)
{
    thrace_barrier b, one;
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&b, 2, NULL, NULL, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&one, 1, NULL, NULL, THRACE_FOREVER));
    ASSERT_CODE(THRACE_EINVAL, thrace_barrier_wait(&b, NAN, NULL));
    ASSERT_CODE(THRACE_EINVAL, thrace_barrier_wait(&one, NAN, NULL));
    ASSERT_FALSE(thrace_barrier_broken(&b));
    ASSERT_EQ(0, thrace_barrier_n_waiting(&b));
    thrace_barrier_abort(&b);
    ASSERT_CODE(THRACE_EINVAL, thrace_barrier_wait(&b, NAN, NULL)); /* arguments first */
    thrace_barrier_destroy(&b);
    thrace_barrier_destroy(&one);
}

TEST(barrier_index_may_be_null)
{
    parties p = {.timeout = THRACE_FOREVER, .null_index = true};
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&p.barrier, 3, NULL, NULL, THRACE_FOREVER));
    thrace_thread *t[2];
    t[0] = start_waiting_party(&p, 1);
    t[1] = start_waiting_party(&p, 2);
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&p.barrier, THRACE_FOREVER, NULL));
    join_and_unref(t[0]);
    join_and_unref(t[1]);
    ASSERT_CODE(THRACE_OK, p.rc[0]);
    ASSERT_CODE(THRACE_OK, p.rc[1]);
    thrace_barrier_destroy(&p.barrier);
}

TEST(barrier_names_are_ok_and_null_is_einval)
{
    thrace_barrier b;
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&b, 1, NULL, NULL, THRACE_FOREVER));
    ASSERT_CODE(THRACE_OK, thrace_name(&b, "stage"));
    ASSERT_CODE(THRACE_OK, thrace_name(&b, "stage 2")); /* frees the old name */
    ASSERT_CODE(THRACE_EINVAL, thrace_name(&b, NULL));
    ASSERT_CODE(THRACE_EINVAL, thrace_barrier_set_name(&b, NULL));
    ASSERT_CODE(THRACE_OK, thrace_barrier_set_name(&b, "stage"));
    ASSERT_CODE(THRACE_OK, thrace_barrier_wait(&b, THRACE_FOREVER, NULL));
    thrace_barrier_destroy(&b);
}
