/*
 * stress_lock.c - many threads hammering Lock, RLock and Condition. Mutual
 * exclusion is checked two ways: a plain (non-atomic) counter incremented
 * inside the critical section must come out exact, and an "inside" flag,
 * swapped in on entry, must never be found already set. Lost or duplicated
 * hand-offs show up as wrong totals or as a hang (the harness times out).
 *
 * The hammering cases run for a fixed time (BUDGET) after every thread has
 * arrived at a start line, and compare the shared counter with the sum of
 * what each thread counted; the others have fixed sizes that take well under
 * a second in a normal build, so that every case stays within the harness
 * timeout under ThreadSanitizer too.
 */
#include "sync_util.h"

#include <sched.h>

enum { THREADS = 8 };

/* Seconds each time-boxed case hammers for. */
#define BUDGET 0.4

/* Runs fn(args + i * size) in n threads and joins them all. */
static void run_all(int n, void (*fn)(void *), void *args, size_t size)
{
    thrace_thread *t[THREADS * 2];
    ASSERT_TRUE(n <= THREADS * 2);
    for (int i = 0; i < n; i++)
        t[i] = spawn(fn, (char *)args + (size_t)i * size);
    for (int i = 0; i < n; i++)
        join_and_unref(t[i]);
}

static void enter(int *inside)
{
    ASSERT_EQ(0, __atomic_exchange_n(inside, 1, __ATOMIC_RELAXED));
}

static void leave(int *inside)
{
    ASSERT_EQ(1, __atomic_exchange_n(inside, 0, __ATOMIC_RELAXED));
}

/* Holds every thread until all n have arrived, so that they really overlap. */
static void start_line(int *ready, int n)
{
    __atomic_add_fetch(ready, 1, __ATOMIC_ACQ_REL);
    while (__atomic_load_n(ready, __ATOMIC_ACQUIRE) < n)
        sched_yield();
}

/* A little work inside the critical section, to widen the race window. */
static void dawdle(unsigned i)
{
    for (volatile unsigned k = 0; k < (i & 7u) * 4u; k++)
        continue;
}

/* ------------------------------------------------------------------------ */
/* Lock                                                                      */
/* ------------------------------------------------------------------------ */

typedef struct {
    thrace_lock l;
    int inside;
    long counter; /* plain: guarded by l */
    int ready;
    double until;
    long done; /* the threads' own counts, summed at the end */
    long timeouts;
} lock_shared;

typedef struct {
    lock_shared *s;
    int id;
} lock_arg;

/* Takes the lock in one of four ways, retrying the ways that can fail. */
static void lock_take(thrace_lock *l, unsigned mode, long *timeouts)
{
    int rc;
    switch (mode % 4) {
    case 0:
        ASSERT_CODE(THRACE_OK, thrace_lock_acquire(l, true, THRACE_FOREVER));
        return;
    case 1: /* a tiny timeout: exercises giving up while others park */
        while ((rc = thrace_lock_acquire(l, true, 1e-5)) == THRACE_TIMEOUT)
            (*timeouts)++;
        ASSERT_CODE(THRACE_OK, rc);
        return;
    case 2:
        while ((rc = thrace_lock_acquire(l, false, THRACE_FOREVER)) == THRACE_TIMEOUT)
            sched_yield();
        ASSERT_CODE(THRACE_OK, rc);
        return;
    default:
        ASSERT_CODE(THRACE_OK, thrace_lock_acquire(l, true, 30.0));
        return;
    }
}

static void lock_hammer(void *arg)
{
    lock_arg *a = arg;
    lock_shared *s = a->s;
    long timeouts = 0;
    unsigned i;
    start_line(&s->ready, THREADS);
    for (i = 0; harness_now() < s->until; i++) {
        lock_take(&s->l, i + (unsigned)a->id, &timeouts);
        enter(&s->inside);
        s->counter++;
        dawdle(i);
        leave(&s->inside);
        ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->l));
    }
    __atomic_add_fetch(&s->done, (long)i, __ATOMIC_RELAXED);
    __atomic_add_fetch(&s->timeouts, timeouts, __ATOMIC_RELAXED);
}

TEST(stress_lock_excludes_every_other_thread)
{
    lock_shared s = {THRACE_LOCK_INIT, 0, 0, 0, harness_now() + BUDGET, 0, 0};
    lock_arg args[THREADS];
    for (int i = 0; i < THREADS; i++)
        args[i] = (lock_arg){&s, i};
    run_all(THREADS, lock_hammer, args, sizeof args[0]);
    ASSERT_TRUE(s.done >= 1000); /* they did run */
    ASSERT_EQ(s.done, s.counter);
    ASSERT_FALSE(thrace_lock_locked(&s.l));
    ASSERT_CODE(THRACE_EPERM, thrace_lock_release(&s.l));
}

/* A ring of locks: thread i waits on lock i and releases lock i + 1. */
enum { RING = 4, RING_ROUNDS = 20000 };

typedef struct {
    thrace_lock l[RING];
    int turn;    /* plain: handed from thread to thread through the locks */
    long passes; /* plain, likewise */
} ring_shared;

typedef struct {
    ring_shared *s;
    int id;
} ring_arg;

static void ring_pass(void *arg)
{
    ring_arg *a = arg;
    ring_shared *s = a->s;
    for (int r = 0; r < RING_ROUNDS; r++) {
        ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->l[a->id], true, 30.0));
        ASSERT_EQ(a->id, s->turn);
        s->passes++;
        s->turn = (a->id + 1) % RING;
        /* Released by a thread that never acquired it. */
        ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->l[(a->id + 1) % RING]));
    }
}

TEST(stress_lock_hand_off_around_a_ring_of_threads)
{
    ring_shared s;
    memset(&s, 0, sizeof s);
    for (int i = 0; i < RING; i++) {
        ASSERT_CODE(THRACE_OK, thrace_lock_init(&s.l[i]));
        if (i != 0)
            ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s.l[i], false, THRACE_FOREVER));
    }
    ring_arg args[RING];
    for (int i = 0; i < RING; i++)
        args[i] = (ring_arg){&s, i};
    run_all(RING, ring_pass, args, sizeof args[0]);
    ASSERT_EQ((long)RING * RING_ROUNDS, s.passes);
    ASSERT_EQ(0, s.turn);
    /* The last pass released lock 0, which nobody took again. */
    ASSERT_FALSE(thrace_lock_locked(&s.l[0]));
    for (int i = 1; i < RING; i++)
        ASSERT_TRUE(thrace_lock_locked(&s.l[i]));
    for (int i = 0; i < RING; i++)
        thrace_lock_destroy(&s.l[i]);
}

/* ------------------------------------------------------------------------ */
/* RLock                                                                     */
/* ------------------------------------------------------------------------ */

typedef struct {
    thrace_rlock r;
    int owner;    /* plain: id + 1 of the thread inside, 0 when none */
    long counter; /* plain: guarded by r */
    int ready;
    double until;
    long done; /* the threads' own counts, summed at the end */
} rlock_shared;

typedef struct {
    rlock_shared *s;
    int id;
} rlock_arg;

static void rlock_take(thrace_rlock *r, unsigned mode)
{
    int rc;
    switch (mode % 3) {
    case 0:
        ASSERT_CODE(THRACE_OK, thrace_rlock_acquire(r, true, THRACE_FOREVER));
        return;
    case 1:
        while ((rc = thrace_rlock_acquire(r, true, 1e-5)) == THRACE_TIMEOUT)
            continue;
        ASSERT_CODE(THRACE_OK, rc);
        return;
    default:
        while ((rc = thrace_rlock_acquire(r, false, THRACE_FOREVER)) == THRACE_TIMEOUT)
            sched_yield();
        ASSERT_CODE(THRACE_OK, rc);
        return;
    }
}

static void rlock_hammer(void *arg)
{
    rlock_arg *a = arg;
    rlock_shared *s = a->s;
    unsigned i;
    start_line(&s->ready, THREADS);
    for (i = 0; harness_now() < s->until; i++) {
        unsigned depth = 1 + (i + (unsigned)a->id) % 4;
        rlock_take(&s->r, i + (unsigned)a->id);
        ASSERT_EQ(0, s->owner);
        s->owner = a->id + 1;
        for (unsigned d = 1; d < depth; d++) {
            rlock_take(&s->r, i + d); /* the owner: at once, whatever the mode */
            ASSERT_EQ(a->id + 1, s->owner);
        }
        s->counter++;
        dawdle(i);
        for (unsigned d = 1; d < depth; d++) {
            ASSERT_CODE(THRACE_OK, thrace_rlock_release(&s->r));
            ASSERT_EQ(a->id + 1, s->owner); /* still ours */
        }
        s->owner = 0;
        ASSERT_CODE(THRACE_OK, thrace_rlock_release(&s->r));
        if (i % 16 == 0)
            ASSERT_CODE(THRACE_EPERM, thrace_rlock_release(&s->r));
    }
    __atomic_add_fetch(&s->done, (long)i, __ATOMIC_RELAXED);
}

TEST(stress_rlock_nested_acquires_exclude_every_other_thread)
{
    rlock_shared s = {THRACE_RLOCK_INIT, 0, 0, 0, harness_now() + BUDGET, 0};
    rlock_arg args[THREADS];
    for (int i = 0; i < THREADS; i++)
        args[i] = (rlock_arg){&s, i};
    run_all(THREADS, rlock_hammer, args, sizeof args[0]);
    ASSERT_TRUE(s.done >= 1000); /* they did run */
    ASSERT_EQ(s.done, s.counter);
    ASSERT_FALSE(thrace_rlock_locked(&s.r));
    ASSERT_CODE(THRACE_EPERM, thrace_rlock_release(&s.r));
}

/* ------------------------------------------------------------------------ */
/* Condition: a bounded buffer                                               */
/* ------------------------------------------------------------------------ */

enum { PRODUCERS = 4, CONSUMERS = 4, ITEMS = 20000, CAPACITY = 4 };
enum { TOTAL = PRODUCERS * ITEMS };

typedef struct {
    thrace_lock l;
    thrace_cond not_full, not_empty; /* both over l */
    int inside;
    int buf[CAPACITY]; /* a ring, guarded by l */
    int head, count;
    int consumed;
    unsigned char seen[TOTAL];
    long sum;
} buffer;

typedef struct {
    buffer *b;
    int id;
} buffer_arg;

static bool can_take(void *arg)
{
    buffer *b = arg;
    return b->count > 0 || b->consumed == TOTAL;
}

static void produce(void *arg)
{
    buffer_arg *a = arg;
    buffer *b = a->b;
    for (int k = 0; k < ITEMS; k++) {
        THRACE_WITH (&b->not_full) {
            while (b->count == CAPACITY) {
                /* Timed and untimed waits both appear. */
                int rc = thrace_cond_wait(&b->not_full, k % 2 ? THRACE_FOREVER : 0.001);
                ASSERT_TRUE(rc == THRACE_OK || rc == THRACE_TIMEOUT);
            }
            enter(&b->inside);
            b->buf[(b->head + b->count) % CAPACITY] = a->id * ITEMS + k;
            b->count++;
            leave(&b->inside);
            ASSERT_CODE(THRACE_OK, thrace_cond_notify(&b->not_empty, 1));
        }
    }
}

static void consume(void *arg)
{
    buffer_arg *a = arg;
    buffer *b = a->b;
    for (unsigned n = 0;; n++) {
        ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&b->not_empty, true, THRACE_FOREVER));
        int rc = thrace_cond_wait_for(&b->not_empty, can_take, b, n % 2 ? THRACE_FOREVER : 0.001);
        if (rc == THRACE_TIMEOUT) {
            ASSERT_CODE(THRACE_OK, thrace_cond_release(&b->not_empty));
            continue;
        }
        ASSERT_CODE(THRACE_OK, rc);
        if (b->count == 0) { /* everything consumed */
            ASSERT_EQ(TOTAL, b->consumed);
            ASSERT_CODE(THRACE_OK, thrace_cond_release(&b->not_empty));
            return;
        }
        enter(&b->inside);
        int item = b->buf[b->head];
        b->head = (b->head + 1) % CAPACITY;
        b->count--;
        ASSERT_TRUE(item >= 0 && item < TOTAL);
        ASSERT_EQ(0, b->seen[item]);
        b->seen[item] = 1;
        b->sum += item;
        b->consumed++;
        leave(&b->inside);
        ASSERT_CODE(THRACE_OK, thrace_cond_notify(&b->not_full, 1));
        if (b->consumed == TOTAL) /* let the other consumers out */
            ASSERT_CODE(THRACE_OK, thrace_cond_notify_all(&b->not_empty));
        ASSERT_CODE(THRACE_OK, thrace_cond_release(&b->not_empty));
    }
}

static void start_role(thrace_thread **t, void (*fn)(void *), buffer_arg *a, buffer *b, int id)
{
    *a = (buffer_arg){b, id};
    *t = spawn(fn, a);
}

TEST(stress_cond_bounded_buffer_delivers_every_item_once)
{
    static buffer b; /* large: keep it off the stack */
    memset(&b, 0, sizeof b);
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&b.l));
    ASSERT_CODE(THRACE_OK, thrace_cond_init_lock(&b.not_full, &b.l));
    ASSERT_CODE(THRACE_OK, thrace_cond_init_lock(&b.not_empty, &b.l));
    thrace_thread *t[PRODUCERS + CONSUMERS];
    buffer_arg args[PRODUCERS + CONSUMERS];
    for (int i = 0; i < CONSUMERS; i++)
        start_role(&t[i], consume, &args[i], &b, i);
    for (int i = 0; i < PRODUCERS; i++)
        start_role(&t[CONSUMERS + i], produce, &args[CONSUMERS + i], &b, i);
    for (int i = 0; i < PRODUCERS + CONSUMERS; i++)
        join_and_unref(t[i]);
    ASSERT_EQ(TOTAL, b.consumed);
    ASSERT_EQ(0, b.count);
    ASSERT_EQ((long)TOTAL * (TOTAL - 1) / 2, b.sum);
    for (int i = 0; i < TOTAL; i++)
        ASSERT_EQ(1, b.seen[i]);
    ASSERT_FALSE(thrace_lock_locked(&b.l));
    thrace_cond_destroy(&b.not_full);
    thrace_cond_destroy(&b.not_empty);
    thrace_lock_destroy(&b.l);
}

/* ------------------------------------------------------------------------ */
/* Condition over its own RLock: tokens handed out with notify(1)            */
/* ------------------------------------------------------------------------ */

enum { GIVERS = 4, TAKERS = 4 };

typedef struct {
    thrace_cond c; /* over its own RLock */
    int inside;
    long tokens; /* guarded by c */
    long given;
    long taken;
    int givers_done;
    int ready;
    double until;
} tokens;

typedef struct {
    tokens *s;
    int id;
} token_arg;

static void give(void *arg)
{
    token_arg *a = arg;
    tokens *s = a->s;
    start_line(&s->ready, GIVERS + TAKERS);
    while (harness_now() < s->until) {
        THRACE_WITH (&s->c) {
            THRACE_WITH (&s->c) /* nested: the RLock takes it */
            {
                enter(&s->inside);
                s->tokens++;
                s->given++;
                leave(&s->inside);
                ASSERT_CODE(THRACE_OK, thrace_cond_notify(&s->c, 1));
            }
        }
    }
    THRACE_WITH (&s->c) {
        if (++s->givers_done == GIVERS)
            ASSERT_CODE(THRACE_OK, thrace_cond_notify_all(&s->c));
    }
}

static void take(void *arg)
{
    token_arg *a = arg;
    tokens *s = a->s;
    /* Half the takers wait forever: a lost notify would hang them. */
    double timeout = a->id % 2 ? THRACE_FOREVER : 0.0005;
    start_line(&s->ready, GIVERS + TAKERS);
    for (;;) {
        ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&s->c, true, THRACE_FOREVER));
        ASSERT_CODE(THRACE_OK, thrace_cond_acquire(&s->c, true, THRACE_FOREVER));
        while (s->tokens == 0 && s->givers_done < GIVERS) {
            int rc = thrace_cond_wait(&s->c, timeout);
            ASSERT_TRUE(rc == THRACE_OK || rc == THRACE_TIMEOUT);
        }
        bool done = s->tokens == 0;
        if (!done) {
            enter(&s->inside);
            s->tokens--;
            s->taken++;
            leave(&s->inside);
        }
        /* wait gave both levels back. */
        ASSERT_CODE(THRACE_OK, thrace_cond_release(&s->c));
        ASSERT_CODE(THRACE_OK, thrace_cond_release(&s->c));
        ASSERT_CODE(THRACE_EPERM, thrace_cond_release(&s->c));
        if (done)
            return;
    }
}

TEST(stress_cond_over_an_rlock_hands_out_every_token)
{
    tokens s;
    memset(&s, 0, sizeof s);
    ASSERT_CODE(THRACE_OK, thrace_cond_init(&s.c));
    s.until = harness_now() + BUDGET;
    thrace_thread *t[GIVERS + TAKERS];
    token_arg args[GIVERS + TAKERS];
    for (int i = 0; i < GIVERS + TAKERS; i++) {
        args[i] = (token_arg){&s, i};
        t[i] = spawn(i < TAKERS ? take : give, &args[i]);
    }
    for (int i = 0; i < GIVERS + TAKERS; i++)
        join_and_unref(t[i]);
    ASSERT_TRUE(s.given >= 1000); /* they did run */
    ASSERT_EQ(s.given, s.taken);
    ASSERT_EQ(0, s.tokens);
    ASSERT_CODE(THRACE_EPERM, thrace_cond_release(&s.c));
    thrace_cond_destroy(&s.c);
}

/* ------------------------------------------------------------------------ */
/* Condition: notify_all rounds (a barrier made of a Condition)              */
/* ------------------------------------------------------------------------ */

enum { ROUNDS = 3000 };

typedef struct {
    thrace_lock l;
    thrace_cond c;
    int arrived;         /* guarded by l */
    unsigned generation; /* guarded by l */
    int reached[ROUNDS];
} rounds;

typedef struct {
    rounds *s;
    unsigned generation;
} round_wait;

static bool generation_moved(void *arg)
{
    round_wait *w = arg;
    return w->s->generation != w->generation;
}

static void go_round(void *arg)
{
    rounds *s = arg;
    for (int r = 0; r < ROUNDS; r++) {
        THRACE_WITH (&s->c) {
            ASSERT_EQ((unsigned)r, s->generation); /* nobody ran ahead */
            s->reached[r]++;
            if (++s->arrived == THREADS) {
                s->arrived = 0;
                s->generation++;
                ASSERT_CODE(THRACE_OK, thrace_cond_notify_all(&s->c));
            } else {
                round_wait w = {s, s->generation};
                ASSERT_CODE(THRACE_OK,
                            thrace_cond_wait_for(&s->c, generation_moved, &w, THRACE_FOREVER));
            }
        }
    }
}

TEST(stress_cond_notify_all_releases_every_round_together)
{
    static rounds s;
    memset(&s, 0, sizeof s);
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&s.l));
    ASSERT_CODE(THRACE_OK, thrace_cond_init_lock(&s.c, &s.l));
    thrace_thread *t[THREADS];
    for (int i = 0; i < THREADS; i++)
        t[i] = spawn(go_round, &s);
    for (int i = 0; i < THREADS; i++)
        join_and_unref(t[i]);
    ASSERT_EQ(ROUNDS, s.generation);
    ASSERT_EQ(0, s.arrived);
    for (int r = 0; r < ROUNDS; r++)
        ASSERT_EQ(THREADS, s.reached[r]);
    thrace_cond_destroy(&s.c);
    thrace_lock_destroy(&s.l);
}
