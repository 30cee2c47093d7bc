/*
 * programs.c - thrace programs for the race detectors users already run
 * (ThreadSanitizer, helgrind, DRD), one per argument:
 *
 *   abba   two threads take two Locks in opposite orders, one after the
 *          other so that nothing hangs: a lock-order inversion to report
 *   clean  a producer and consumers over Condition, Semaphore, Event,
 *          Barrier, RLock and a Lock-protected counter, every shared datum
 *          plain and ordered by thrace alone: nothing to report
 *   race   two threads write one int with no lock: a data race to report
 *
 * Each prints its name and exits 0 when it ran as planned.
 */
#include "thrace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void run_threads(int n, void (*target)(void *), void *arg)
{
    thrace_thread *threads[8];
    for (int i = 0; i < n; i++) {
        threads[i] = thrace_thread_new(target, arg, NULL);
        if (!threads[i] || thrace_thread_start(threads[i]) != THRACE_OK)
            abort();
    }
    for (int i = 0; i < n; i++) {
        if (thrace_thread_join(threads[i], THRACE_FOREVER) != THRACE_OK)
            abort();
        thrace_thread_unref(threads[i]);
    }
}

/* abba: the locks' sites are these two functions and their inits in main. */
static thrace_lock first, second;

static void take_first_then_second(void *arg)
{
    (void)arg;
    thrace_lock_acquire(&first, true, THRACE_FOREVER);
    thrace_lock_acquire(&second, true, THRACE_FOREVER);
    thrace_lock_release(&second);
    thrace_lock_release(&first);
}

static void take_second_then_first(void *arg)
{
    (void)arg;
    thrace_lock_acquire(&second, true, THRACE_FOREVER);
    thrace_lock_acquire(&first, true, THRACE_FOREVER);
    thrace_lock_release(&first);
    thrace_lock_release(&second);
}

static int abba(void)
{
    thrace_lock_init(&first);
    thrace_lock_init(&second);
    run_threads(1, take_first_then_second, NULL);
    run_threads(1, take_second_then_first, NULL);
    thrace_lock_destroy(&second);
    thrace_lock_destroy(&first);
    return 0;
}

/* clean: a bounded queue of plain ints between one producer and consumers. */
enum { CONSUMERS = 3, ITEMS = 300, SLOTS = 4 };

/* Items consumed, counted under a Lock made statically (never initialised). */
static thrace_lock tally_lock = THRACE_LOCK_INIT;
static int tally;

typedef struct {
    thrace_lock queue_lock;
    thrace_cond not_empty;
    thrace_sem free_slots;
    thrace_event go;
    thrace_barrier done;
    thrace_rlock total_lock;
    int slots[SLOTS];
    int head, count;
    long total;   /* under total_lock */
    int consumed; /* under queue_lock */
    int config;   /* written before go is set, read after it */
    int after[4]; /* each written before the barrier, read by all after */
} shop;

static void produce(shop *s)
{
    for (int i = 1; i <= ITEMS; i++) {
        thrace_sem_acquire(&s->free_slots, true, THRACE_FOREVER);
        thrace_cond_acquire(&s->not_empty, true, THRACE_FOREVER);
        s->slots[(s->head + s->count) % SLOTS] = i * s->config;
        s->count++;
        thrace_cond_notify(&s->not_empty, 1);
        thrace_cond_release(&s->not_empty);
    }
}

static bool queue_has_item_or_done(void *arg)
{
    shop *s = arg;
    return s->count > 0 || s->consumed == ITEMS;
}

/* One item, or false once all were consumed. */
static bool consume_one(shop *s)
{
    thrace_cond_acquire(&s->not_empty, true, THRACE_FOREVER);
    thrace_cond_wait_for(&s->not_empty, queue_has_item_or_done, s, THRACE_FOREVER);
    bool got = s->count > 0;
    int item = 0;
    if (got) {
        item = s->slots[s->head];
        s->head = (s->head + 1) % SLOTS;
        s->count--;
        if (++s->consumed == ITEMS)
            thrace_cond_notify_all(&s->not_empty);
    }
    thrace_cond_release(&s->not_empty);
    if (!got)
        return false;
    thrace_sem_release(&s->free_slots, 1);
    thrace_lock_acquire(&tally_lock, true, THRACE_FOREVER);
    tally++;
    thrace_lock_release(&tally_lock);
    thrace_rlock_acquire(&s->total_lock, true, THRACE_FOREVER);
    thrace_rlock_acquire(&s->total_lock, true, THRACE_FOREVER);
    s->total += item;
    thrace_rlock_release(&s->total_lock);
    thrace_rlock_release(&s->total_lock);
    return true;
}

static void shop_worker(void *arg)
{
    shop *s = arg;
    thrace_event_wait(&s->go, THRACE_FOREVER);
    unsigned index = 0;
    thrace_barrier_wait(&s->done, THRACE_FOREVER, &index); /* a first cycle */
    if (index == 0)
        produce(s);
    else
        while (consume_one(s))
            ;
    s->after[index] = (int)index + 1;
    thrace_barrier_wait(&s->done, THRACE_FOREVER, &index);
    int sum = 0;
    for (int i = 0; i < CONSUMERS + 1; i++)
        sum += s->after[i];
    if (sum != 10)
        abort();
}

static int clean(void)
{
    static shop s;
    thrace_lock_init(&s.queue_lock);
    thrace_cond_init_lock(&s.not_empty, &s.queue_lock);
    thrace_sem_init(&s.free_slots, SLOTS);
    thrace_event_init(&s.go);
    thrace_barrier_init(&s.done, CONSUMERS + 1, NULL, NULL, THRACE_FOREVER);
    thrace_rlock_init(&s.total_lock);
    thrace_thread *threads[CONSUMERS + 1];
    for (int i = 0; i < CONSUMERS + 1; i++) {
        threads[i] = thrace_thread_new(shop_worker, &s, NULL);
        thrace_thread_start(threads[i]);
    }
    s.config = 2;
    thrace_event_set(&s.go);
    for (int i = 0; i < CONSUMERS + 1; i++) {
        thrace_thread_join(threads[i], THRACE_FOREVER);
        thrace_thread_unref(threads[i]);
    }
    /* Read after the joins, with no lock. */
    long expected = (long)ITEMS * (ITEMS + 1); /* 2 * the sum of 1..ITEMS */
    if (s.total != expected || s.consumed != ITEMS || tally != ITEMS) {
        fprintf(stderr, "clean: total %ld, expected %ld\n", s.total, expected);
        return 1;
    }
    thrace_rlock_destroy(&s.total_lock);
    thrace_barrier_destroy(&s.done);
    thrace_event_destroy(&s.go);
    thrace_sem_destroy(&s.free_slots);
    thrace_cond_destroy(&s.not_empty);
    thrace_lock_destroy(&s.queue_lock);
    return 0;
}

/* race: the int that two threads write with no lock. */
static int unguarded;

/* Writes, then writes again once the other thread surely wrote too. */
static void write_unguarded(void *arg)
{
    (void)arg;
    unguarded = unguarded + 1;
    thrace_sleep(0.1);
    unguarded = unguarded + 1;
}

static int race(void)
{
    thrace_thread *a = thrace_thread_new(write_unguarded, NULL, NULL);
    thrace_thread *b = thrace_thread_new(write_unguarded, NULL, NULL);
    thrace_thread_start(a);
    thrace_thread_start(b);
    thrace_thread_join(a, THRACE_FOREVER);
    thrace_thread_join(b, THRACE_FOREVER);
    thrace_thread_unref(a);
    thrace_thread_unref(b);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(void);
    } programs[] = {{"abba", abba}, {"clean", clean}, {"race", race}};
    for (size_t i = 0; argc == 2 && i < sizeof programs / sizeof programs[0]; i++) {
        if (strcmp(argv[1], programs[i].name) == 0) {
            int status = programs[i].run();
            printf("%s\n", programs[i].name);
            return status;
        }
    }
    fprintf(stderr, "usage: %s abba|clean|race\n", argv[0]);
    return 2;
}
