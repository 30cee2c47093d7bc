/*
 * bench_handoff.c - every libthrace primitive against its pthread twin,
 * side by side in one process: `bench_handoff [ROUNDS [SCALE [ONLY]]]`.
 *
 * Each round runs every measure's thrace side and pthread side one after
 * the other (which goes first alternates), so that a noisy neighbour on a
 * shared machine disturbs both alike; a row prints the medians of each
 * side's time per operation and the median and best of the per-round
 * ratios. Untraced: no session needed. SCALE (1.0) multiplies every
 * measure's operation count.
 *
 * A hand-off is one thread letting another go on: a ping-pong's round trip
 * is two. Uncontended measures keep a second thread alive (glibc takes
 * single-threaded shortcuts otherwise).
 */
#define _GNU_SOURCE /* PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP */
#include "thrace.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    const char *name;
    const char *anchor;
    double (*thrace_side)(long n); /* ns per operation */
    double (*pthread_side)(long n);
    long n;
} measure;

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* Runs body(n) in the caller and partner(n) in a second thread; ns per
 * hand-off, of which each iteration makes `per` between them. */
static double two_threads(void (*body)(long), void *(*partner)(void *), long n, int per)
{
    pthread_t t;
    pthread_create(&t, NULL, partner, (void *)n);
    double start = now_ns();
    body(n);
    pthread_join(t, NULL);
    return (now_ns() - start) / (double)(n * per);
}

/* ---- Condition ping-pong: a turn passed under a condition ------------------ */

static thrace_cond tcond;
static pthread_mutex_t pmutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pcond = PTHREAD_COND_INITIALIZER;
static int turn;

static void thrace_turns(long n, int me)
{
    for (long i = 0; i < n; i++) {
        thrace_cond_acquire(&tcond, true, THRACE_FOREVER);
        while (turn != me)
            thrace_cond_wait(&tcond, THRACE_FOREVER);
        turn = !me;
        thrace_cond_notify(&tcond, 1);
        thrace_cond_release(&tcond);
    }
}

static void pthread_turns(long n, int me)
{
    for (long i = 0; i < n; i++) {
        pthread_mutex_lock(&pmutex);
        while (turn != me)
            pthread_cond_wait(&pcond, &pmutex);
        turn = !me;
        pthread_cond_signal(&pcond);
        pthread_mutex_unlock(&pmutex);
    }
}

static void thrace_cond_main(long n)
{
    thrace_turns(n, 0);
}

static void *thrace_cond_partner(void *n)
{
    thrace_turns((long)n, 1);
    return NULL;
}

static void pthread_cond_main(long n)
{
    pthread_turns(n, 0);
}

static void *pthread_cond_partner(void *n)
{
    pthread_turns((long)n, 1);
    return NULL;
}

static double thrace_cond_pingpong(long n)
{
    turn = 0;
    return two_threads(thrace_cond_main, thrace_cond_partner, n, 2);
}

static double pthread_cond_pingpong(long n)
{
    turn = 0;
    return two_threads(pthread_cond_main, pthread_cond_partner, n, 2);
}

/* ---- Semaphore ping-pong ------------------------------------------------- */

static thrace_sem tsem[2];
static sem_t psem[2];

static void thrace_sem_main(long n)
{
    for (long i = 0; i < n; i++) {
        thrace_sem_release(&tsem[0], 1);
        thrace_sem_acquire(&tsem[1], true, THRACE_FOREVER);
    }
}

static void *thrace_sem_partner(void *n)
{
    for (long i = 0; i < (long)n; i++) {
        thrace_sem_acquire(&tsem[0], true, THRACE_FOREVER);
        thrace_sem_release(&tsem[1], 1);
    }
    return NULL;
}

static void pthread_sem_main(long n)
{
    for (long i = 0; i < n; i++) {
        sem_post(&psem[0]);
        sem_wait(&psem[1]);
    }
}

static void *pthread_sem_partner(void *n)
{
    for (long i = 0; i < (long)n; i++) {
        sem_wait(&psem[0]);
        sem_post(&psem[1]);
    }
    return NULL;
}

static double thrace_sem_pingpong(long n)
{
    return two_threads(thrace_sem_main, thrace_sem_partner, n, 2);
}

static double pthread_sem_pingpong(long n)
{
    return two_threads(pthread_sem_main, pthread_sem_partner, n, 2);
}

/* ---- Event hand-off; the anchor an event made of mutex, cond and flag ---- */

static thrace_event tevent[2];

typedef struct {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int flag;
} pevent_t;

static pevent_t pevent[2] = {{PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0},
                             {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0}};

static void pevent_set(pevent_t *e)
{
    pthread_mutex_lock(&e->mutex);
    e->flag = 1;
    pthread_cond_broadcast(&e->cond);
    pthread_mutex_unlock(&e->mutex);
}

static void pevent_wait_clear(pevent_t *e)
{
    pthread_mutex_lock(&e->mutex);
    while (!e->flag)
        pthread_cond_wait(&e->cond, &e->mutex);
    e->flag = 0;
    pthread_mutex_unlock(&e->mutex);
}

static void tevent_wait_clear(thrace_event *e)
{
    thrace_event_wait(e, THRACE_FOREVER);
    thrace_event_clear(e);
}

static void thrace_event_main(long n)
{
    for (long i = 0; i < n; i++) {
        thrace_event_set(&tevent[0]);
        tevent_wait_clear(&tevent[1]);
    }
}

static void *thrace_event_partner(void *n)
{
    for (long i = 0; i < (long)n; i++) {
        tevent_wait_clear(&tevent[0]);
        thrace_event_set(&tevent[1]);
    }
    return NULL;
}

static void pthread_event_main(long n)
{
    for (long i = 0; i < n; i++) {
        pevent_set(&pevent[0]);
        pevent_wait_clear(&pevent[1]);
    }
}

static void *pthread_event_partner(void *n)
{
    for (long i = 0; i < (long)n; i++) {
        pevent_wait_clear(&pevent[0]);
        pevent_set(&pevent[1]);
    }
    return NULL;
}

static double thrace_event_handoff(long n)
{
    return two_threads(thrace_event_main, thrace_event_partner, n, 2);
}

static double pthread_event_handoff(long n)
{
    return two_threads(pthread_event_main, pthread_event_partner, n, 2);
}

/* ---- Barrier rounds ------------------------------------------------------ */

enum { MAX_PARTIES = 4 };
static thrace_barrier tbarrier;
static pthread_barrier_t pbarrier;
static long barrier_rounds;

static void *thrace_barrier_party(void *arg)
{
    (void)arg;
    for (long i = 0; i < barrier_rounds; i++)
        thrace_barrier_wait(&tbarrier, THRACE_FOREVER, NULL);
    return NULL;
}

static void *pthread_barrier_party(void *arg)
{
    (void)arg;
    for (long i = 0; i < barrier_rounds; i++)
        pthread_barrier_wait(&pbarrier);
    return NULL;
}

/* ns per round of `parties` threads, the caller one of them. */
static double barrier_round(void *(*party)(void *), unsigned parties, long n)
{
    pthread_t t[MAX_PARTIES];
    barrier_rounds = n;
    for (unsigned i = 1; i < parties; i++)
        pthread_create(&t[i], NULL, party, NULL);
    double start = now_ns();
    party(NULL);
    for (unsigned i = 1; i < parties; i++)
        pthread_join(t[i], NULL);
    return (now_ns() - start) / (double)n;
}

static double thrace_barrier2(long n)
{
    thrace_barrier_init(&tbarrier, 2, NULL, NULL, THRACE_FOREVER);
    return barrier_round(thrace_barrier_party, 2, n);
}

static double pthread_barrier2(long n)
{
    pthread_barrier_init(&pbarrier, NULL, 2);
    double ns = barrier_round(pthread_barrier_party, 2, n);
    pthread_barrier_destroy(&pbarrier);
    return ns;
}

static double thrace_barrier4(long n)
{
    thrace_barrier_init(&tbarrier, 4, NULL, NULL, THRACE_FOREVER);
    return barrier_round(thrace_barrier_party, 4, n);
}

static double pthread_barrier4(long n)
{
    pthread_barrier_init(&pbarrier, NULL, 4);
    double ns = barrier_round(pthread_barrier_party, 4, n);
    pthread_barrier_destroy(&pbarrier);
    return ns;
}

/* ---- Thread new + start + join ------------------------------------------- */

static void nothing(void *arg)
{
    (void)arg;
}

static void *pthread_nothing(void *arg)
{
    return arg;
}

static double thrace_thread_cycle(long n)
{
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        thrace_thread *t = thrace_thread_new(nothing, NULL, NULL);
        thrace_thread_start(t);
        thrace_thread_join(t, THRACE_FOREVER);
        thrace_thread_unref(t);
    }
    return (now_ns() - start) / (double)n;
}

static double pthread_thread_cycle(long n)
{
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        pthread_t t;
        pthread_create(&t, NULL, pthread_nothing, NULL);
        pthread_join(t, NULL);
    }
    return (now_ns() - start) / (double)n;
}

/* ---- Uncontended, a second thread alive ---------------------------------- */

static thrace_lock tlock = THRACE_LOCK_INIT;
static thrace_rlock trlock = THRACE_RLOCK_INIT;
static pthread_mutex_t plock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t prlock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static thrace_sem tsem_free;
static sem_t psem_free;

static double per_op(double start, long n)
{
    return (now_ns() - start) / (double)n;
}

static double thrace_lock_cycle(long n)
{
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        thrace_lock_acquire(&tlock, true, THRACE_FOREVER);
        thrace_lock_release(&tlock);
    }
    return per_op(start, n);
}

static double pthread_lock_cycle(long n)
{
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        pthread_mutex_lock(&plock);
        pthread_mutex_unlock(&plock);
    }
    return per_op(start, n);
}

static double thrace_rlock_cycle(long n)
{
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        thrace_rlock_acquire(&trlock, true, THRACE_FOREVER);
        thrace_rlock_release(&trlock);
    }
    return per_op(start, n);
}

static double pthread_rlock_cycle(long n)
{
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        pthread_mutex_lock(&prlock);
        pthread_mutex_unlock(&prlock);
    }
    return per_op(start, n);
}

static double thrace_rlock_reentry(long n)
{
    thrace_rlock_acquire(&trlock, true, THRACE_FOREVER);
    double ns = thrace_rlock_cycle(n);
    thrace_rlock_release(&trlock);
    return ns;
}

static double pthread_rlock_reentry(long n)
{
    pthread_mutex_lock(&prlock);
    double ns = pthread_rlock_cycle(n);
    pthread_mutex_unlock(&prlock);
    return ns;
}

static double thrace_sem_cycle(long n)
{
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        thrace_sem_acquire(&tsem_free, true, THRACE_FOREVER);
        thrace_sem_release(&tsem_free, 1);
    }
    return per_op(start, n);
}

static double pthread_sem_cycle(long n)
{
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        sem_wait(&psem_free);
        sem_post(&psem_free);
    }
    return per_op(start, n);
}

/* ---- the table ----------------------------------------------------------- */

static const measure measures[] = {
    {"Condition ping-pong, per hand-off", "pthread_cond", thrace_cond_pingpong,
     pthread_cond_pingpong, 20000},
    {"Semaphore ping-pong, per hand-off", "sem_t", thrace_sem_pingpong, pthread_sem_pingpong,
     20000},
    {"Event set/wait, per hand-off", "mutex+cond+flag", thrace_event_handoff, pthread_event_handoff,
     20000},
    {"Barrier round, 2 threads", "pthread_barrier", thrace_barrier2, pthread_barrier2, 20000},
    {"Barrier round, 4 threads", "pthread_barrier", thrace_barrier4, pthread_barrier4, 10000},
    {"Thread new+start+join", "pthread_create+join", thrace_thread_cycle, pthread_thread_cycle,
     2000},
    {"Lock acquire+release", "pthread_mutex", thrace_lock_cycle, pthread_lock_cycle, 2000000},
    {"RLock acquire+release, depth 1", "recursive mutex", thrace_rlock_cycle, pthread_rlock_cycle,
     2000000},
    {"RLock re-entry", "recursive mutex", thrace_rlock_reentry, pthread_rlock_reentry, 2000000},
    {"Semaphore acquire+release", "sem_t", thrace_sem_cycle, pthread_sem_cycle, 2000000},
};
enum { MEASURES = sizeof measures / sizeof measures[0] };

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void print_ns(double ns)
{
    if (ns >= 1000)
        printf(" %8.2f us", ns / 1000);
    else
        printf(" %8.1f ns", ns);
}

static thrace_event stop_idle = THRACE_EVENT_INIT;

static void *idle(void *arg)
{
    (void)arg;
    thrace_event_wait(&stop_idle, THRACE_FOREVER);
    return NULL;
}

static void setup(void)
{
    thrace_cond_init(&tcond);
    for (int i = 0; i < 2; i++) {
        thrace_sem_init(&tsem[i], 0);
        sem_init(&psem[i], 0, 0);
        thrace_event_init(&tevent[i]);
    }
    thrace_sem_init(&tsem_free, 1);
    sem_init(&psem_free, 0, 1);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 7;
    double scale = argc > 2 ? atof(argv[2]) : 1.0;
    const char *only = argc > 3 ? argv[3] : "";
    if (rounds < 1 || rounds > 1000 || !(scale > 0)) {
        fprintf(stderr, "usage: bench_handoff [ROUNDS (1-1000) [SCALE (> 0) [ONLY]]]\n");
        return 2;
    }
    setup();
    pthread_t idler;
    pthread_create(&idler, NULL, idle, NULL);
    static double t[MEASURES][1000], p[MEASURES][1000], ratio[MEASURES][1000];
    for (int r = 0; r < rounds; r++) {
        for (int m = 0; m < MEASURES; m++) {
            if (!strstr(measures[m].name, only))
                continue;
            long n = (long)((double)measures[m].n * scale) + 1;
            if (r % 2) {
                p[m][r] = measures[m].pthread_side(n);
                t[m][r] = measures[m].thrace_side(n);
            } else {
                t[m][r] = measures[m].thrace_side(n);
                p[m][r] = measures[m].pthread_side(n);
            }
            ratio[m][r] = t[m][r] / p[m][r];
        }
    }
    thrace_event_set(&stop_idle);
    pthread_join(idler, NULL);
    printf("bench_handoff: %d interleaved rounds, medians (ratio: median and best of the "
           "rounds' thrace/pthread)\n",
           rounds);
    printf("%-34s %11s %-20s %11s %7s %7s\n", "measure", "thrace", "anchor", "anchor", "ratio",
           "best");
    for (int m = 0; m < MEASURES; m++) {
        if (!strstr(measures[m].name, only))
            continue;
        printf("%-34s", measures[m].name);
        print_ns(median(t[m], rounds));
        printf(" %-20s", measures[m].anchor);
        print_ns(median(p[m], rounds));
        double mid = median(ratio[m], rounds); /* sorts: [0] is the best */
        printf(" %6.2fx %6.2fx\n", mid, ratio[m][0]);
    }
    return 0;
}
