/*
 * bench_lock.c - the cost of thrace's primitives beside raw pthreads, printed
 * side by side in one run (ns per operation, and the ratio to pthreads).
 *
 * Uncontended cases keep a second thread alive (parked), because glibc takes
 * single-threaded shortcuts otherwise. Contended cases hand a token between
 * two threads. Each figure is the best of several rounds: the machine is
 * shared, and the minimum is the least disturbed measurement.
 */
#include "thrace.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { ROUNDS = 5 };

static long iterations = 2000000;

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* ---- uncontended ------------------------------------------------------- */

static pthread_mutex_t raw_mutex = PTHREAD_MUTEX_INITIALIZER;
static thrace_lock lock = THRACE_LOCK_INIT;
static thrace_rlock rlock = THRACE_RLOCK_INIT;
static thrace_sem sem;

static void raw_cycle(long n)
{
    for (long i = 0; i < n; i++) {
        pthread_mutex_lock(&raw_mutex);
        pthread_mutex_unlock(&raw_mutex);
    }
}

static void lock_cycle(long n)
{
    for (long i = 0; i < n; i++) {
        thrace_lock_acquire(&lock, true, THRACE_FOREVER);
        thrace_lock_release(&lock);
    }
}

static void rlock_cycle(long n)
{
    for (long i = 0; i < n; i++) {
        thrace_rlock_acquire(&rlock, true, THRACE_FOREVER);
        thrace_rlock_release(&rlock);
    }
}

static void sem_cycle(long n)
{
    for (long i = 0; i < n; i++) {
        thrace_sem_acquire(&sem, true, THRACE_FOREVER);
        thrace_sem_release(&sem, 1);
    }
}

static double best_ns_per_op(void (*cycle)(long), long n)
{
    double best = 1e30;
    for (int r = 0; r < ROUNDS; r++) {
        double start = now_ns();
        cycle(n);
        double per_op = (now_ns() - start) / (double)n;
        if (per_op < best)
            best = per_op;
    }
    return best;
}

/* ---- contended: a token handed back and forth --------------------------- */

typedef struct {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    thrace_cond tcond;
    long turn; /* whose turn: 0 or 1 */
    long n;
    bool use_thrace;
} pingpong;

static void pass_token(pingpong *p, long me)
{
    for (long i = 0; i < p->n; i++) {
        if (p->use_thrace) {
            thrace_cond_acquire(&p->tcond, true, THRACE_FOREVER);
            while (p->turn != me)
                thrace_cond_wait(&p->tcond, THRACE_FOREVER);
            p->turn = 1 - me;
            thrace_cond_notify(&p->tcond, 1);
            thrace_cond_release(&p->tcond);
        } else {
            pthread_mutex_lock(&p->mutex);
            while (p->turn != me)
                pthread_cond_wait(&p->cond, &p->mutex);
            p->turn = 1 - me;
            pthread_cond_signal(&p->cond);
            pthread_mutex_unlock(&p->mutex);
        }
    }
}

static void *partner(void *arg)
{
    pass_token(arg, 1);
    return NULL;
}

static double pingpong_ns(bool use_thrace, long n)
{
    pingpong p = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, {0}, 0, n, use_thrace};
    thrace_lock tl = THRACE_LOCK_INIT;
    thrace_cond_init_lock(&p.tcond, &tl);
    pthread_t t;
    double start = now_ns();
    pthread_create(&t, NULL, partner, &p);
    pass_token(&p, 0);
    pthread_join(t, NULL);
    return (now_ns() - start) / (double)(2 * n);
}

/* ---- the idle second thread --------------------------------------------- */

static thrace_event stop_idle = THRACE_EVENT_INIT;

static void *idle(void *arg)
{
    (void)arg;
    thrace_event_wait(&stop_idle, THRACE_FOREVER);
    return NULL;
}

static void row(const char *name, double ns, double base)
{
    printf("%-40s %8.1f ns   %5.2fx\n", name, ns, ns / base);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        iterations = atol(argv[1]);
    thrace_sem_init(&sem, 1);
    pthread_t idler;
    pthread_create(&idler, NULL, idle, NULL);

    printf("uncontended acquire+release, a second thread alive (best of %d x %ld)\n", ROUNDS,
           iterations);
    double raw = best_ns_per_op(raw_cycle, iterations);
    row("pthread_mutex lock+unlock", raw, raw);
    row("thrace_lock acquire+release", best_ns_per_op(lock_cycle, iterations), raw);
    row("thrace_rlock acquire+release", best_ns_per_op(rlock_cycle, iterations), raw);
    row("thrace_sem acquire+release", best_ns_per_op(sem_cycle, iterations), raw);

    thrace_event_set(&stop_idle);
    pthread_join(idler, NULL);

    long handoffs = iterations / 20;
    printf("\ncondition ping-pong between two threads (%ld hand-offs each way)\n", handoffs);
    double raw_pp = pingpong_ns(false, handoffs);
    row("pthread_cond + pthread_mutex", raw_pp, raw_pp);
    row("thrace_cond over thrace_lock", pingpong_ns(true, handoffs), raw_pp);
    return 0;
}
