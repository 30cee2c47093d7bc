/*
 * bench_cycle.c - one measurement per run, printed as nanoseconds per cycle:
 * `bench_cycle MODE [CYCLES [REPEATS]]`, for bench/trace_overhead.sh to run
 * under each tracing setup and print side by side.
 *
 *   pthread | thrace          uncontended lock+unlock (acquire+release),
 *                             with a second thread alive: glibc takes
 *                             single-threaded shortcuts otherwise. The
 *                             pthread modes are a plain pthread program
 *                             (the idle thread waits on a pthread
 *                             condition), for the interposer to trace
 *   pthread-handoff | thrace-handoff
 *                             two threads taking one lock in turn
 *   pthread-pingpong | thrace-pingpong
 *                             a token passed through a condition variable
 *
 * Uncontended figures are the best of REPEATS (5) rounds of CYCLES (the
 * least disturbed on a shared machine); contended ones are one run of CYCLES.
 */
#include "thrace.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* ---- uncontended ------------------------------------------------------- */

static pthread_mutex_t raw_mutex = PTHREAD_MUTEX_INITIALIZER;
static thrace_lock lock = THRACE_LOCK_INIT;

static void pthread_cycles(long n)
{
    for (long i = 0; i < n; i++) {
        pthread_mutex_lock(&raw_mutex);
        pthread_mutex_unlock(&raw_mutex);
    }
}

static void thrace_cycles(long n)
{
    for (long i = 0; i < n; i++) {
        thrace_lock_acquire(&lock, true, THRACE_FOREVER);
        thrace_lock_release(&lock);
    }
}

/* The second thread: it waits on a thrace Event, or in pthread modes on a
 * pthread condition, so that those stay a plain pthread program. */
static thrace_event stop_idle = THRACE_EVENT_INIT;
static pthread_mutex_t idle_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_cond = PTHREAD_COND_INITIALIZER;
static bool idle_stopped;

static void *idle_thrace(void *arg)
{
    (void)arg;
    thrace_event_wait(&stop_idle, THRACE_FOREVER);
    return NULL;
}

static void *idle_pthread(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&idle_mutex);
    while (!idle_stopped)
        pthread_cond_wait(&idle_cond, &idle_mutex);
    pthread_mutex_unlock(&idle_mutex);
    return NULL;
}

static double uncontended(void (*cycles)(long), long n, int repeats)
{
    bool plain = cycles == pthread_cycles;
    pthread_t idler;
    pthread_create(&idler, NULL, plain ? idle_pthread : idle_thrace, NULL);
    double best = 1e30;
    for (int r = 0; r < repeats; r++) {
        double start = now_ns();
        cycles(n);
        double per_cycle = (now_ns() - start) / (double)n;
        best = per_cycle < best ? per_cycle : best;
    }
    if (plain) {
        pthread_mutex_lock(&idle_mutex);
        idle_stopped = true;
        pthread_cond_signal(&idle_cond);
        pthread_mutex_unlock(&idle_mutex);
    } else {
        thrace_event_set(&stop_idle);
    }
    pthread_join(idler, NULL);
    return best;
}

/* ---- contended: two threads ---------------------------------------------- */

typedef struct {
    bool use_thrace;
    bool pingpong; /* pass a token through a condition; else share a lock */
    long n;
    long turn; /* pingpong: whose turn, 0 or 1 */
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    thrace_lock tlock;
    thrace_cond tcond;
} duel;

static void take_lock_n_times(duel *d)
{
    for (long i = 0; i < d->n; i++) {
        if (d->use_thrace) {
            thrace_lock_acquire(&d->tlock, true, THRACE_FOREVER);
            thrace_lock_release(&d->tlock);
        } else {
            pthread_mutex_lock(&d->mutex);
            pthread_mutex_unlock(&d->mutex);
        }
    }
}

static void pass_token(duel *d, long me)
{
    for (long i = 0; i < d->n; i++) {
        if (d->use_thrace) {
            thrace_cond_acquire(&d->tcond, true, THRACE_FOREVER);
            while (d->turn != me)
                thrace_cond_wait(&d->tcond, THRACE_FOREVER);
            d->turn = 1 - me;
            thrace_cond_notify(&d->tcond, 1);
            thrace_cond_release(&d->tcond);
        } else {
            pthread_mutex_lock(&d->mutex);
            while (d->turn != me)
                pthread_cond_wait(&d->cond, &d->mutex);
            d->turn = 1 - me;
            pthread_cond_signal(&d->cond);
            pthread_mutex_unlock(&d->mutex);
        }
    }
}

static void play(duel *d, long me)
{
    if (d->pingpong)
        pass_token(d, me);
    else
        take_lock_n_times(d);
}

static void *partner(void *arg)
{
    play(arg, 1);
    return NULL;
}

static double contended(bool use_thrace, bool pingpong, long n)
{
    duel d = {.use_thrace = use_thrace, .pingpong = pingpong, .n = n};
    pthread_mutex_init(&d.mutex, NULL);
    pthread_cond_init(&d.cond, NULL);
    thrace_lock_init(&d.tlock);
    thrace_cond_init_lock(&d.tcond, &d.tlock);
    pthread_t t;
    double start = now_ns();
    pthread_create(&t, NULL, partner, &d);
    play(&d, 0);
    pthread_join(t, NULL);
    double per_cycle = (now_ns() - start) / (double)(2 * n);
    thrace_cond_destroy(&d.tcond);
    thrace_lock_destroy(&d.tlock);
    return per_cycle;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    long n = argc > 2 ? atol(argv[2]) : 1000000;
    int repeats = argc > 3 ? atoi(argv[3]) : 5;
    double ns;
    if (n < 1 || repeats < 1)
        mode = "";
    if (strcmp(mode, "pthread") == 0)
        ns = uncontended(pthread_cycles, n, repeats);
    else if (strcmp(mode, "thrace") == 0)
        ns = uncontended(thrace_cycles, n, repeats);
    else if (strcmp(mode, "pthread-handoff") == 0 || strcmp(mode, "thrace-handoff") == 0)
        ns = contended(mode[0] == 't', false, n);
    else if (strcmp(mode, "pthread-pingpong") == 0 || strcmp(mode, "thrace-pingpong") == 0)
        ns = contended(mode[0] == 't', true, n);
    else {
        fprintf(stderr, "usage: bench_cycle pthread|thrace|{pthread,thrace}-{handoff,pingpong} "
                        "[CYCLES [REPEATS]]\n");
        return 2;
    }
    printf("%.1f\n", ns);
    return 0;
}
