/*
 * programs.c - small programs that hang, or could, for the tests of
 * `thrace deadlocks` and `thrace record --deadlock-timeout`: one program per
 * name given as the only argument (`nested` takes a number of locks after
 * it). Threads are ordered by barriers and events, never by sleeps, so that
 * each run hangs (or does not) the same way. A program that hangs prints
 * "hung" once its last thread is about to block for good.
 */
#include <thrace.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static thrace_lock lock_a = THRACE_LOCK_INIT, lock_b = THRACE_LOCK_INIT, lock_c = THRACE_LOCK_INIT;
static thrace_rlock rlock;
static thrace_barrier meet;
static thrace_cond cond;
static thrace_event go, never_set;
static double second_try = THRACE_FOREVER; /* abba_timeout: gives up instead */

static thrace_thread *start(void (*fn)(void *), void *arg)
{
    thrace_thread *t = thrace_thread_new(fn, arg, NULL);
    thrace_thread_start(t);
    return t;
}

static void join(thrace_thread *t)
{
    thrace_thread_join(t, THRACE_FOREVER);
    thrace_thread_unref(t);
}

static void hung(void)
{
    puts("hung");
    fflush(stdout);
}

/* ---- two threads in an ABBA cycle ---------------------------------------- */

static void take_a_then_b(void *arg)
{
    (void)arg;
    thrace_lock_acquire(&lock_a, true, THRACE_FOREVER);
    thrace_barrier_wait(&meet, THRACE_FOREVER, NULL);
    if (thrace_lock_acquire(&lock_b, true, second_try) == THRACE_OK)
        thrace_lock_release(&lock_b);
    thrace_lock_release(&lock_a);
}

static void take_b_then_a(void *arg)
{
    (void)arg;
    thrace_lock_acquire(&lock_b, true, THRACE_FOREVER);
    thrace_barrier_wait(&meet, THRACE_FOREVER, NULL);
    if (second_try == THRACE_FOREVER)
        hung();
    if (thrace_lock_acquire(&lock_a, true, second_try) == THRACE_OK)
        thrace_lock_release(&lock_a);
    thrace_lock_release(&lock_b);
}

static void abba(void)
{
    thrace_barrier_init(&meet, 2, NULL, NULL, THRACE_FOREVER);
    thrace_thread *t1 = start(take_a_then_b, NULL), *t2 = start(take_b_then_a, NULL);
    join(t1);
    join(t2);
}

/* ---- an ABBA cycle two calls down: main -> bank -> transfer -> lock_both ---- */

/* The main thread blocks three calls below main; the auditor, in its
 * thread's own function. No site is reached by both (a site's callers are
 * the first caller's). Not inlined, as a caller in another file would not
 * be: each is a frame of its own that the report's "called from" tells. */
static thrace_lock checking = THRACE_LOCK_INIT, savings = THRACE_LOCK_INIT;

static void both_hold_one(void *arg)
{
    (void)arg;
    hung();
}

static __attribute__((noinline)) void lock_both(thrace_lock *first, thrace_lock *second)
{
    thrace_lock_acquire(first, true, THRACE_FOREVER); /* lock_both takes the first */
    thrace_barrier_wait(&meet, THRACE_FOREVER, NULL);
    thrace_lock_acquire(second, true, THRACE_FOREVER); /* lock_both waits for the second */
}

static __attribute__((noinline)) void transfer(thrace_lock *from, thrace_lock *to)
{
    lock_both(from, to); /* transfer locks both */
    thrace_lock_release(to);
    thrace_lock_release(from);
}

static void auditor(void *arg)
{
    (void)arg;
    thrace_lock_acquire(&savings, true, THRACE_FOREVER); /* the auditor takes savings */
    thrace_barrier_wait(&meet, THRACE_FOREVER, NULL);
    thrace_lock_acquire(&checking, true, THRACE_FOREVER); /* the auditor waits for checking */
    thrace_lock_release(&checking);
    thrace_lock_release(&savings);
}

static __attribute__((noinline)) void bank(void)
{
    thrace_name(&checking, "checking");
    thrace_name(&savings, "savings");
    thrace_barrier_init(&meet, 2, both_hold_one, NULL, THRACE_FOREVER);
    thrace_thread *t = start(auditor, NULL);
    transfer(&checking, &savings); /* the bank transfers */
    join(t);
}

/* ---- the same sites reached from two callers: clerk -> transfer, main -> clerks ---- */

/* The clerk reaches lock_both()'s first site before the main thread, which
 * waits for the clerk to wait at the barrier, past that site's first event:
 * its callers are the clerk's stack, told under the clerk's line only.
 * Whichever reaches the second site first gives it its own. */
static void clerk(void *arg)
{
    (void)arg;
    transfer(&savings, &checking); /* the clerk transfers */
}

static __attribute__((noinline)) void clerks(void)
{
    thrace_name(&checking, "checking");
    thrace_name(&savings, "savings");
    thrace_barrier_init(&meet, 2, both_hold_one, NULL, THRACE_FOREVER);
    thrace_thread *t = start(clerk, NULL);
    while (thrace_barrier_n_waiting(&meet) == 0)
        thrace_sleep(0.001);
    lock_both(&checking, &savings); /* the main thread locks both */
    join(t);
}

/* ---- names that are not text: a thread that ends holding a lock ---------- */

/* A name can hold any byte: reports must show these on one line of their
 * own, without the terminal acting on them. */
static thrace_lock ink = THRACE_LOCK_INIT;

static void inky(void *arg)
{
    (void)arg;
    thrace_lock_acquire(&ink, true, THRACE_FOREVER); /* never released */
}

static void control_names(void)
{
    thrace_name(&ink, "ink\x1b[31m");
    thrace_thread_opts opts = {.name = "worker\nleak: forged line"};
    thrace_thread *t = thrace_thread_new(inky, NULL, &opts);
    thrace_thread_start(t);
    join(t);
}

/* ---- three threads in a ring through an RLock ---------------------------- */

static void ring_first(void *arg) /* holds A, wants the RLock */
{
    (void)arg;
    thrace_lock_acquire(&lock_a, true, THRACE_FOREVER);
    thrace_barrier_wait(&meet, THRACE_FOREVER, NULL);
    thrace_rlock_acquire(&rlock, true, THRACE_FOREVER);
}

static void ring_second(void *arg) /* holds the RLock twice, wants C */
{
    (void)arg;
    thrace_rlock_acquire(&rlock, true, THRACE_FOREVER);
    thrace_rlock_acquire(&rlock, true, THRACE_FOREVER);
    thrace_barrier_wait(&meet, THRACE_FOREVER, NULL);
    thrace_lock_acquire(&lock_c, true, THRACE_FOREVER);
}

static void ring_third(void *arg) /* holds C, wants A */
{
    (void)arg;
    thrace_lock_acquire(&lock_c, true, THRACE_FOREVER);
    thrace_barrier_wait(&meet, THRACE_FOREVER, NULL);
    hung();
    thrace_lock_acquire(&lock_a, true, THRACE_FOREVER);
}

static void ring(void)
{
    thrace_rlock_init(&rlock);
    thrace_barrier_init(&meet, 3, NULL, NULL, THRACE_FOREVER);
    thrace_thread *t1 = start(ring_first, NULL), *t2 = start(ring_second, NULL),
                  *t3 = start(ring_third, NULL);
    join(t1);
    join(t2);
    join(t3);
}

/* ---- a cycle through a semaphore: its one permit's holder waits for a lock
 * held by a thread waiting for the permit (no leak: each is blocked on the other) */

static thrace_sem permit;

static void permit_then_lock(void *arg)
{
    (void)arg;
    thrace_sem_acquire(&permit, true, THRACE_FOREVER);
    thrace_barrier_wait(&meet, THRACE_FOREVER, NULL);
    thrace_lock_acquire(&lock_a, true, THRACE_FOREVER);
}

static void lock_then_permit(void *arg)
{
    (void)arg;
    thrace_lock_acquire(&lock_a, true, THRACE_FOREVER);
    thrace_barrier_wait(&meet, THRACE_FOREVER, NULL);
    hung();
    thrace_sem_acquire(&permit, true, THRACE_FOREVER);
}

static void sem_cycle(void)
{
    thrace_sem_init(&permit, 1);
    thrace_barrier_init(&meet, 2, NULL, NULL, THRACE_FOREVER);
    thrace_thread *t1 = start(permit_then_lock, NULL), *t2 = start(lock_then_permit, NULL);
    join(t1);
    join(t2);
}

/* ---- a lock-order inversion that does not hang -------------------------- */

static void nest(thrace_lock *outer, thrace_lock *inner)
{
    thrace_lock_acquire(outer, true, THRACE_FOREVER);
    thrace_lock_acquire(inner, true, THRACE_FOREVER);
    thrace_lock_release(inner);
    thrace_lock_release(outer);
}

static void a_then_b(void *arg)
{
    (void)arg;
    nest(&lock_a, &lock_b);
}

static void b_then_a(void *arg)
{
    (void)arg;
    nest(&lock_b, &lock_a);
}

static void inversion(void)
{
    join(start(a_then_b, NULL)); /* one after the other: this run cannot hang */
    join(start(b_then_a, NULL));
}

/* ---- a consistent order, recursion and a condition: nothing to report ---- */

static int items;
static thrace_event ready[2]; /* set by each worker with the condition's lock held */

static bool has_item(void *arg)
{
    (void)arg;
    return items > 0;
}

static void orderly_worker(void *arg)
{
    thrace_event *mine = arg;
    for (int i = 0; i < 50; i++) {
        THRACE_WITH (&lock_a) {
            THRACE_WITH (&lock_b) {
                thrace_rlock_acquire(&rlock, true, THRACE_FOREVER);
                thrace_rlock_acquire(&rlock, true, THRACE_FOREVER);
                thrace_rlock_release(&rlock);
                thrace_rlock_release(&rlock);
            }
        }
        THRACE_WITH (&lock_c) { /* alone, and C is also taken inside the condition's lock */
        }
    }
    thrace_cond_acquire(&cond, true, THRACE_FOREVER);
    /* Set with the lock held: once main gets the lock, this thread waits. */
    thrace_event_set(mine);
    thrace_cond_wait_for(&cond, has_item, NULL, THRACE_FOREVER);
    items--;
    thrace_cond_release(&cond);
}

static void orderly(void)
{
    thrace_rlock_init(&rlock);
    thrace_cond_init(&cond);
    thrace_event_init(&ready[0]);
    thrace_event_init(&ready[1]);
    thrace_thread *t1 = start(orderly_worker, &ready[0]), *t2 = start(orderly_worker, &ready[1]);
    thrace_event_wait(&ready[0], THRACE_FOREVER);
    thrace_event_wait(&ready[1], THRACE_FOREVER);
    for (int i = 0; i < 2; i++) {
        thrace_cond_acquire(&cond, true, THRACE_FOREVER);
        THRACE_WITH (&lock_c) {
            items++;
        }
        thrace_cond_notify(&cond, 1);
        thrace_cond_release(&cond);
    }
    join(t1);
    join(t2);
}

/* ---- a barrier never filled ---------------------------------------------- */

static void arrive(void *arg)
{
    (void)arg;
    thrace_barrier_wait(&meet, THRACE_FOREVER, NULL);
}

static void barrier(void)
{
    thrace_barrier_init(&meet, 3, NULL, NULL, THRACE_FOREVER);
    thrace_thread *t1 = start(arrive, NULL), *t2 = start(arrive, NULL);
    while (thrace_barrier_n_waiting(&meet) < 2)
        thrace_sleep(0.001);
    hung();
    join(t1);
    join(t2);
}

/* ---- a condition whose notify came before the wait ----------------------- */

static void late_waiter(void *arg)
{
    (void)arg;
    thrace_event_wait(&go, THRACE_FOREVER);
    thrace_cond_acquire(&cond, true, THRACE_FOREVER);
    hung();
    thrace_cond_wait(&cond, THRACE_FOREVER);
    thrace_cond_release(&cond);
}

static void lost_wakeup(void)
{
    thrace_cond_init(&cond);
    thrace_thread *t = start(late_waiter, NULL);
    thrace_cond_acquire(&cond, true, THRACE_FOREVER);
    thrace_cond_notify(&cond, 1); /* nobody waits yet: lost */
    thrace_cond_release(&cond);
    thrace_event_set(&go);
    join(t);
}

/* ---- an event never set ---------------------------------------------------- */

static void wait_forever(void *arg)
{
    (void)arg;
    hung();
    thrace_event_wait(&never_set, THRACE_FOREVER);
}

static void event_never_set(void)
{
    join(start(wait_forever, NULL));
}

/* ---- many locks held at once, and one inversion among them ------------------ */

static int nested_n = 5000; /* `nested N` */
static thrace_lock *nested_locks;

static void last_then_first(void *arg)
{
    (void)arg;
    nest(&nested_locks[nested_n - 1], &nested_locks[0]);
}

/* The main thread holds every lock at once, taken in order; another thread
 * then takes the last before the first: one lock-order cycle. */
static void nested(void)
{
    nested_locks = calloc((size_t)nested_n, sizeof *nested_locks);
    if (!nested_locks)
        return;
    for (int i = 0; i < nested_n; i++) {
        thrace_lock_init(&nested_locks[i]);
        thrace_lock_acquire(&nested_locks[i], true, THRACE_FOREVER);
    }
    for (int i = nested_n - 1; i >= 0; i--)
        thrace_lock_release(&nested_locks[i]);
    join(start(last_then_first, NULL));
    free(nested_locks);
}

static const struct {
    const char *name;
    void (*run)(void);
} programs[] = {
    {"abba", abba},
    {"abba_timeout", abba},
    {"ring", ring},
    {"sem_cycle", sem_cycle},
    {"inversion", inversion},
    {"orderly", orderly},
    {"barrier", barrier},
    {"lost_wakeup", lost_wakeup},
    {"event_never_set", event_never_set},
    {"nested", nested},
    {"bank", bank},
    {"clerks", clerks},
    {"control_names", control_names},
};

int main(int argc, char **argv)
{
    thrace_event_init(&go);
    thrace_event_init(&never_set);
    if (argc == 3 && strcmp(argv[1], "nested") == 0 && (nested_n = atoi(argv[2])) >= 2)
        argc = 2; /* nested N: N locks, at least two */
    for (size_t i = 0; argc == 2 && i < sizeof programs / sizeof programs[0]; i++) {
        if (strcmp(argv[1], programs[i].name) != 0)
            continue;
        if (strcmp(argv[1], "abba_timeout") == 0)
            second_try = 0.3;
        programs[i].run(); /* main runs the program */
        return 0;
    }
    fprintf(
        stderr,
        "usage: deadlock_programs NAME (abba, abba_timeout, ring, sem_cycle, inversion, orderly,"
        " barrier, lost_wakeup, event_never_set, nested [N], bank, clerks, control_names)\n");
    return 2;
}
