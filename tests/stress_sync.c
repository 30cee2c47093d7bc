/*
 * stress_sync.c - Semaphore, BoundedSemaphore, Event and Barrier under many
 * threads: the semaphore never admits more than its value, a bounded one
 * never passes its bound under churn, two threads ping-pong on events, and
 * a barrier runs many cycles with every party agreeing on the generation.
 * Sized to take well under a second each in a normal build, so that
 * ThreadSanitizer (5-15x slower) stays within a few seconds.
 */
#include "sync_util.h"

#include <limits.h>
#include <sched.h>
#include <stdatomic.h>

/* ------------------------------------------------------------------------ */
/* Semaphore(3)                                                              */
/* ------------------------------------------------------------------------ */

enum { SEM_THREADS = 8, SEM_ITERATIONS = 10000, SEM_VALUE = 3 };

typedef struct {
    thrace_sem sem;
    thrace_event go;   /* starts every worker at once */
    atomic_int active; /* threads between acquire and release */
    atomic_int max_active;
    atomic_int entries;
    atomic_int errors;
} sem_stress;

/* Takes one unit, by turns blocking, timed and non-blocking. */
static int take_unit(thrace_sem *s, int how)
{
    int rc;
    switch (how % 3) {
    case 0:
        return thrace_sem_acquire(s, true, THRACE_FOREVER);
    case 1:
        while ((rc = thrace_sem_acquire(s, true, 0.001)) == THRACE_TIMEOUT)
            continue;
        return rc;
    default:
        while ((rc = thrace_sem_acquire(s, false, THRACE_FOREVER)) == THRACE_TIMEOUT)
            sched_yield();
        return rc;
    }
}

static void sem_worker(void *arg)
{
    sem_stress *st = arg;
    thrace_event_wait(&st->go, THRACE_FOREVER);
    for (int i = 0; i < SEM_ITERATIONS; i++) {
        if (take_unit(&st->sem, i) != THRACE_OK) {
            atomic_fetch_add(&st->errors, 1);
            return;
        }
        int now = atomic_fetch_add(&st->active, 1) + 1;
        int seen = atomic_load(&st->max_active);
        while (now > seen && !atomic_compare_exchange_weak(&st->max_active, &seen, now))
            continue;
        atomic_fetch_add(&st->entries, 1);
        if (i % 8 == 0)
            sched_yield(); /* hold the unit across a reschedule now and then */
        atomic_fetch_sub(&st->active, 1);
        if (thrace_sem_release(&st->sem, 1) != THRACE_OK)
            atomic_fetch_add(&st->errors, 1);
    }
}

TEST(semaphore_of_three_never_admits_more_than_three)
{
    static sem_stress st;
    thrace_thread *t[SEM_THREADS];
    ASSERT_CODE(THRACE_OK, thrace_sem_init(&st.sem, SEM_VALUE));
    ASSERT_CODE(THRACE_OK, thrace_event_init(&st.go));
    for (int i = 0; i < SEM_THREADS; i++)
        t[i] = spawn(sem_worker, &st);
    thrace_event_set(&st.go);
    for (int i = 0; i < SEM_THREADS; i++)
        join_and_unref(t[i]);
    ASSERT_EQ(0, atomic_load(&st.errors));
    ASSERT_EQ(SEM_THREADS * SEM_ITERATIONS, atomic_load(&st.entries));
    int max_active = atomic_load(&st.max_active);
    if (max_active > SEM_VALUE || max_active < 1)
        harness_fail(__FILE__, __LINE__, "%d threads inside a Semaphore(%d) at once", max_active,
                     SEM_VALUE);
    long left = 0;
    while (thrace_sem_acquire(&st.sem, false, THRACE_FOREVER) == THRACE_OK)
        left++;
    ASSERT_EQ(SEM_VALUE, left); /* every unit came back, none was made */
    printf("# at most %d inside at once\n", max_active);
    thrace_sem_destroy(&st.sem);
    thrace_event_destroy(&st.go);
}

/* ------------------------------------------------------------------------ */
/* BoundedSemaphore(4) under churn                                           */
/* ------------------------------------------------------------------------ */

enum { BSEM_THREADS = 6, BSEM_ITERATIONS = 10000, BSEM_BOUND = 4 };

typedef struct {
    thrace_sem sem;
    thrace_event go; /* starts every thread at once */
    atomic_int held; /* units handed out and not yet given back */
    atomic_int over_bound;
    atomic_int errors;
    atomic_int workers_left;
    atomic_int full_holds; /* times the prober held every unit */
    atomic_int progress;   /* worker iterations done */
} bsem_stress;

/* Counts one more unit held; flags a holder count past the bound. */
static void hold(bsem_stress *st, int units)
{
    if (atomic_fetch_add(&st->held, units) + units > BSEM_BOUND)
        atomic_fetch_add(&st->over_bound, 1);
}

/* Takes one unit blocking, then up to two more without blocking, and gives
 * them all back with one release(k), which must succeed. */
static void bsem_worker(void *arg)
{
    bsem_stress *st = arg;
    thrace_event_wait(&st->go, THRACE_FOREVER);
    for (int i = 0; i < BSEM_ITERATIONS; i++) {
        if (take_unit(&st->sem, i) != THRACE_OK) {
            atomic_fetch_add(&st->errors, 1);
            break;
        }
        hold(st, 1);
        int k = 1;
        while (k < 1 + i % 3 && thrace_sem_acquire(&st->sem, false, THRACE_FOREVER) == THRACE_OK) {
            hold(st, 1);
            k++;
        }
        atomic_fetch_sub(&st->held, k);
        if (thrace_sem_release(&st->sem, k) != THRACE_OK)
            atomic_fetch_add(&st->errors, 1);
        atomic_fetch_add(&st->progress, 1);
    }
    atomic_fetch_sub(&st->workers_left, 1);
}

/* Takes every unit; holding them all, the value must be 0, and releasing
 * more than the bound must fail. Rounds alternate with worker progress; one
 * last round once the workers are done. */
static void bsem_prober(void *arg)
{
    bsem_stress *st = arg;
    bool last = false;
    thrace_event_wait(&st->go, THRACE_FOREVER);
    while (!last) {
        last = atomic_load(&st->workers_left) == 0;
        for (int u = 0; u < BSEM_BOUND; u++) {
            if (thrace_sem_acquire(&st->sem, true, THRACE_FOREVER) != THRACE_OK)
                atomic_fetch_add(&st->errors, 1);
            hold(st, 1);
        }
        if (thrace_sem_acquire(&st->sem, false, THRACE_FOREVER) != THRACE_TIMEOUT)
            atomic_fetch_add(&st->over_bound, 1);
        if (thrace_sem_release(&st->sem, BSEM_BOUND + 1) != THRACE_ERANGE)
            atomic_fetch_add(&st->over_bound, 1);
        if (thrace_sem_release(&st->sem, LONG_MAX) != THRACE_ERANGE)
            atomic_fetch_add(&st->over_bound, 1);
        atomic_fetch_add(&st->full_holds, 1);
        atomic_fetch_sub(&st->held, BSEM_BOUND);
        int before = atomic_load(&st->progress);
        if (thrace_sem_release(&st->sem, BSEM_BOUND) != THRACE_OK)
            atomic_fetch_add(&st->errors, 1);
        /* Let the workers move before taking everything again. */
        while (atomic_load(&st->progress) == before && atomic_load(&st->workers_left) > 0)
            sched_yield();
    }
}

TEST(bounded_semaphore_under_churn_never_exceeds_its_bound)
{
    static bsem_stress st;
    thrace_thread *t[BSEM_THREADS + 1];
    ASSERT_CODE(THRACE_OK, thrace_bsem_init(&st.sem, BSEM_BOUND));
    ASSERT_CODE(THRACE_OK, thrace_event_init(&st.go));
    atomic_store(&st.workers_left, BSEM_THREADS);
    for (int i = 0; i < BSEM_THREADS; i++)
        t[i] = spawn(bsem_worker, &st);
    t[BSEM_THREADS] = spawn(bsem_prober, &st);
    thrace_event_set(&st.go);
    for (int i = 0; i <= BSEM_THREADS; i++)
        join_and_unref(t[i]);
    ASSERT_EQ(0, atomic_load(&st.errors));
    ASSERT_EQ(0, atomic_load(&st.over_bound));
    ASSERT_TRUE(atomic_load(&st.full_holds) >= 1);
    ASSERT_EQ(0, atomic_load(&st.held));
    ASSERT_CODE(THRACE_ERANGE, thrace_sem_release(&st.sem, 1)); /* back at its bound */
    long left = 0;
    while (thrace_sem_acquire(&st.sem, false, THRACE_FOREVER) == THRACE_OK)
        left++;
    ASSERT_EQ(BSEM_BOUND, left);
    printf("# the prober held every unit %d times\n", atomic_load(&st.full_holds));
    thrace_sem_destroy(&st.sem);
    thrace_event_destroy(&st.go);
}

/* ------------------------------------------------------------------------ */
/* Event ping-pong                                                           */
/* ------------------------------------------------------------------------ */

enum { PING_ROUNDS = 10000 };

typedef struct {
    thrace_event ping, pong;
    int turn; /* plain: the events must order the two threads' accesses */
    atomic_int errors;
} ping_pong;

static void ponger(void *arg)
{
    ping_pong *pp = arg;
    for (int i = 0; i < PING_ROUNDS; i++) {
        if (thrace_event_wait(&pp->ping, 10.0) != THRACE_OK) {
            atomic_fetch_add(&pp->errors, 1);
            return;
        }
        thrace_event_clear(&pp->ping);
        if (pp->turn != 2 * i + 1)
            atomic_fetch_add(&pp->errors, 1);
        pp->turn++;
        thrace_event_set(&pp->pong);
    }
}

TEST(events_ping_pong_strictly_alternates_two_threads)
{
    static ping_pong pp;
    ASSERT_CODE(THRACE_OK, thrace_event_init(&pp.ping));
    ASSERT_CODE(THRACE_OK, thrace_event_init(&pp.pong));
    thrace_thread *t = spawn(ponger, &pp);
    for (int i = 0; i < PING_ROUNDS; i++) {
        ASSERT_EQ(2 * i, pp.turn);
        pp.turn++;
        thrace_event_set(&pp.ping);
        ASSERT_CODE(THRACE_OK, thrace_event_wait(&pp.pong, 10.0));
        thrace_event_clear(&pp.pong);
    }
    join_and_unref(t);
    ASSERT_EQ(0, atomic_load(&pp.errors));
    ASSERT_EQ(2 * PING_ROUNDS, pp.turn);
    ASSERT_FALSE(thrace_event_is_set(&pp.ping));
    ASSERT_FALSE(thrace_event_is_set(&pp.pong));
    thrace_event_destroy(&pp.ping);
    thrace_event_destroy(&pp.pong);
}

enum { STORM_WAITERS = 4, STORM_FLIPS = 5000 };

typedef struct {
    thrace_event event;
    atomic_bool done;
    atomic_int errors;
    atomic_int oks;
} storm;

/* Waits with short timeouts while the flag flips; then for the final set. */
static void storm_waiter(void *arg)
{
    storm *s = arg;
    for (int i = 0; !atomic_load(&s->done); i++) {
        int rc = thrace_event_wait(&s->event, i % 2 ? 0.0005 : 0.0);
        if (rc == THRACE_OK)
            atomic_fetch_add(&s->oks, 1);
        else if (rc != THRACE_TIMEOUT)
            atomic_fetch_add(&s->errors, 1);
    }
    if (thrace_event_wait(&s->event, 10.0) != THRACE_OK) /* the final set stays */
        atomic_fetch_add(&s->errors, 1);
}

TEST(event_set_clear_storm_gives_waiters_only_ok_or_timeout_and_final_set_frees_all)
{
    static storm s;
    thrace_thread *t[STORM_WAITERS];
    ASSERT_CODE(THRACE_OK, thrace_event_init(&s.event));
    for (int i = 0; i < STORM_WAITERS; i++)
        t[i] = spawn(storm_waiter, &s);
    for (int i = 0; i < STORM_FLIPS; i++) {
        thrace_event_set(&s.event);
        if (i % 16 == 0)
            sched_yield();
        thrace_event_clear(&s.event);
    }
    thrace_event_set(&s.event);
    atomic_store(&s.done, true);
    for (int i = 0; i < STORM_WAITERS; i++)
        join_and_unref(t[i]);
    ASSERT_EQ(0, atomic_load(&s.errors));
    ASSERT_TRUE(thrace_event_is_set(&s.event));
    thrace_event_destroy(&s.event);
}

/* ------------------------------------------------------------------------ */
/* Barrier(6) for 1000 cycles                                                */
/* ------------------------------------------------------------------------ */

enum { BAR_PARTIES = 6, BAR_CYCLES = 1000 };

typedef struct {
    thrace_barrier barrier;
    unsigned generation; /* written by the action only, under the barrier */
    pthread_t action_thread;
    atomic_uint seen[BAR_CYCLES];  /* bit per index, per cycle */
    atomic_uint count[BAR_CYCLES]; /* parties through, per cycle */
    atomic_int errors;
} bar_stress;

static void bar_action(void *arg)
{
    bar_stress *b = arg;
    b->generation++;
    b->action_thread = pthread_self();
}

static void bar_party(void *arg)
{
    bar_stress *b = arg;
    for (unsigned cycle = 0; cycle < BAR_CYCLES; cycle++) {
        unsigned index = BAR_PARTIES;
        if (thrace_barrier_wait(&b->barrier, 10.0, &index) != THRACE_OK || index >= BAR_PARTIES) {
            atomic_fetch_add(&b->errors, 1);
            return;
        }
        /* Every party sees the generation of its own cycle. */
        if (b->generation != cycle + 1)
            atomic_fetch_add(&b->errors, 1);
        if (index == BAR_PARTIES - 1 && !pthread_equal(b->action_thread, pthread_self()))
            atomic_fetch_add(&b->errors, 1);
        atomic_fetch_or(&b->seen[cycle], 1u << index);
        atomic_fetch_add(&b->count[cycle], 1);
    }
}

TEST(barrier_of_six_over_a_thousand_cycles_keeps_generations_and_permutes_indices)
{
    static bar_stress b;
    thrace_thread *t[BAR_PARTIES];
    ASSERT_CODE(THRACE_OK, thrace_barrier_init(&b.barrier, BAR_PARTIES, bar_action, &b, 10.0));
    for (int i = 0; i < BAR_PARTIES; i++)
        t[i] = spawn(bar_party, &b);
    for (int i = 0; i < BAR_PARTIES; i++)
        join_and_unref(t[i]);
    ASSERT_EQ(0, atomic_load(&b.errors));
    ASSERT_EQ(BAR_CYCLES, b.generation);
    for (int c = 0; c < BAR_CYCLES; c++) {
        ASSERT_EQ((1u << BAR_PARTIES) - 1, atomic_load(&b.seen[c]));
        ASSERT_EQ(BAR_PARTIES, atomic_load(&b.count[c]));
    }
    ASSERT_FALSE(thrace_barrier_broken(&b.barrier));
    ASSERT_EQ(0, thrace_barrier_n_waiting(&b.barrier));
    thrace_barrier_destroy(&b.barrier);
}
