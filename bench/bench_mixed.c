/*
 * bench_mixed.c - a mixed workload whose trace has about EVENTS events
 * (default 1000000): `bench_mixed [EVENTS]`, for bench/store_speed.sh to
 * record and then time the store and its queries on. Four threads go
 * through rounds of a Lock, an RLock taken twice, a BoundedSemaphore of 2,
 * a Condition notified, an Event set and waited on, a Barrier of four
 * every 8th round, a short sleep every 64th and a log line every 16th.
 * The size is a target, not an exact count: EVENTS_PER_ROUND was counted
 * on a recorded trace.
 */
#include "thrace.h"

#include <stdio.h>
#include <stdlib.h>

enum { THREADS = 4 };

/* The events one thread's round adds, on average: 12.6 on a recorded trace. */
#define EVENTS_PER_ROUND 12.6

static thrace_lock lock;
static thrace_rlock rlock;
static thrace_sem bsem;
static thrace_cond cond;
static thrace_event event;
static thrace_barrier barrier;
static long rounds;
static long shared_counter;

static void worker(void *arg)
{
    long me = (long)arg;
    for (long i = 0; i < rounds; i++) {
        THRACE_WITH (&lock) {
            shared_counter++;
        }
        thrace_rlock_acquire(&rlock, true, THRACE_FOREVER);
        thrace_rlock_acquire(&rlock, true, THRACE_FOREVER);
        thrace_rlock_release(&rlock);
        thrace_rlock_release(&rlock);
        THRACE_WITH (&bsem) {
            shared_counter++;
        }
        THRACE_WITH (&cond) {
            thrace_cond_notify(&cond, 1);
        }
        if (me == 0)
            thrace_event_set(&event);
        thrace_event_wait(&event, 0.0);
        if (i % 8 == 7)
            thrace_barrier_wait(&barrier, THRACE_FOREVER, NULL);
        if (i % 64 == 63)
            thrace_sleep(0.0001);
        if (i % 16 == 15)
            thrace_info("round %ld of %ld", i + 1, rounds);
    }
}

int main(int argc, char **argv)
{
    long events = argc > 1 ? atol(argv[1]) : 1000000;
    if (events <= 0) {
        fprintf(stderr, "usage: bench_mixed [EVENTS]\n");
        return 2;
    }
    /* Whole barrier cycles, so that no thread waits for a round never run. */
    rounds = ((long)((double)events / THREADS / EVENTS_PER_ROUND) + 7) / 8 * 8;
    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_INFO);
    thrace_lock_init(&lock);
    thrace_rlock_init(&rlock);
    thrace_bsem_init(&bsem, 2);
    thrace_cond_init(&cond);
    thrace_event_init(&event);
    thrace_barrier_init(&barrier, THREADS, NULL, NULL, THRACE_FOREVER);
    thrace_name(&lock, "lock");
    thrace_name(&rlock, "rlock");
    thrace_name(&bsem, "bsem");
    thrace_name(&cond, "cond");
    thrace_name(&event, "event");
    thrace_name(&barrier, "barrier");
    thrace_thread *threads[THREADS];
    for (long i = 0; i < THREADS; i++) {
        threads[i] = thrace_thread_new(worker, (void *)i, NULL);
        thrace_thread_start(threads[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        thrace_thread_join(threads[i], THRACE_FOREVER);
        thrace_thread_unref(threads[i]);
    }
    printf("%ld rounds of %d threads\n", rounds, THREADS);
    return 0;
}
