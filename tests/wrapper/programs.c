/*
 * programs.c - plain pthread programs for test_wrapper.py to record under
 * LTTng's own pthread wrapper (liblttng-ust-pthread-wrapper.so), which
 * traces pthread_mutex_lock, _trylock and _unlock alone: `programs NAME`.
 *   order      MainThread takes alpha_lock then beta_lock; then a thread
 *              named "swapper" takes beta_lock then alpha_lock: a
 *              lock-order inversion that did not hang;
 *   contended  "holder" holds counter_lock while "waiter" blocks on it and
 *              MainThread's trylock finds it busy; then MainThread takes it
 *              three times alone;
 *   handoff    "consumer" waits on a condition variable over queue_lock
 *              (whose release and re-acquire inside pthread_cond_wait the
 *              wrapper does not trace) until MainThread fills the queue;
 *   recursive  MainThread takes a recursive mutex, rec_lock, twice, twice
 *              over;
 *   unmatched  MainThread unlocks a mutex it took with pthread_mutex_timedlock
 *              (which the wrapper does not trace), fails to unlock an
 *              error-checking mutex it does not hold, and takes alpha_lock;
 *   abba       "mover" and "shaker" take alpha_lock and beta_lock in
 *              opposite orders and hang.
 * Threads are ordered with atomics and the kernel's word that a thread is
 * asleep (a thread that published its tid just before a call that blocks,
 * then is seen sleeping in two passes a millisecond apart, is blocked in
 * it), never with sleeps, and never with a pthread call the wrapper would
 * trace. Each prints its name when it ends normally; abba prints "hung"
 * once both threads are blocked, then hangs. The test finds the lines
 * marked "site:" by their marks.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../asleep.h"

static pthread_mutex_t alpha_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t beta_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_filled = PTHREAD_COND_INITIALIZER;
static int counter, items;

static pthread_t start(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    if (pthread_create(&t, NULL, fn, arg) != 0) {
        perror("pthread_create");
        exit(2);
    }
    return t;
}

/* Waits until the int at flag is set. */
static void await(const int *flag)
{
    while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
        sched_yield();
}

static void set(int *flag, int value)
{
    __atomic_store_n(flag, value, __ATOMIC_RELEASE);
}

/* Waits until thread *tid (once published) is blocked: asleep twice, 1 ms apart. */
static void await_blocked(const int *tid)
{
    await(tid);
    pid_t id = __atomic_load_n(tid, __ATOMIC_ACQUIRE);
    for (;;) {
        struct timespec ms = {0, 1000000};
        if (asleep(id) && (nanosleep(&ms, NULL), asleep(id)))
            return;
        sched_yield();
    }
}

/* ---- order ------------------------------------------------------------------- */

static void *swapper(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "swapper");
    pthread_mutex_lock(&beta_lock);  /* site: swapper holds */
    pthread_mutex_lock(&alpha_lock); /* site: swapper takes */
    pthread_mutex_unlock(&alpha_lock);
    pthread_mutex_unlock(&beta_lock);
    return NULL;
}

static void order(void)
{
    pthread_mutex_lock(&alpha_lock); /* site: main holds */
    pthread_mutex_lock(&beta_lock);  /* site: main takes */
    pthread_mutex_unlock(&beta_lock);
    pthread_mutex_unlock(&alpha_lock);
    pthread_join(start(swapper, NULL), NULL);
}

/* ---- contended ---------------------------------------------------------------- */

static int held, tried, waiter_tid;

static void *holder(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "holder");
    pthread_mutex_lock(&counter_lock); /* site: holder holds */
    set(&held, 1);
    await_blocked(&waiter_tid);
    await(&tried);
    counter++;
    pthread_mutex_unlock(&counter_lock);
    return NULL;
}

static void *waiter(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "waiter");
    await(&held);
    set(&waiter_tid, gettid());
    pthread_mutex_lock(&counter_lock); /* site: waiter waits */
    counter++;
    pthread_mutex_unlock(&counter_lock);
    return NULL;
}

static void contended(void)
{
    pthread_t h = start(holder, NULL), w = start(waiter, NULL);
    await(&held);
    if (pthread_mutex_trylock(&counter_lock) == 0) { /* site: main tries */
        fputs("trylock took a held mutex\n", stderr);
        exit(1);
    }
    set(&tried, 1);
    pthread_join(h, NULL);
    pthread_join(w, NULL);
    for (int i = 0; i < 3; i++) {
        pthread_mutex_lock(&counter_lock); /* site: main counts */
        counter++;
        pthread_mutex_unlock(&counter_lock);
    }
}

/* ---- handoff ---------------------------------------------------------------------- */

static int consumer_tid;

static void *consumer(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "consumer");
    pthread_mutex_lock(&queue_lock); /* site: consumer holds */
    set(&consumer_tid, gettid());
    while (!items)
        pthread_cond_wait(&queue_filled, &queue_lock);
    items--;
    pthread_mutex_unlock(&queue_lock);
    return NULL;
}

static void handoff(void)
{
    pthread_t c = start(consumer, NULL);
    await_blocked(&consumer_tid);    /* in pthread_cond_wait: queue_lock is free */
    pthread_mutex_lock(&queue_lock); /* site: main fills */
    items++;
    pthread_cond_signal(&queue_filled);
    pthread_mutex_unlock(&queue_lock);
    pthread_join(c, NULL);
}

/* ---- recursive ------------------------------------------------------------------------ */

static pthread_mutex_t rec_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static void recursive(void)
{
    for (int i = 0; i < 2; i++) {
        pthread_mutex_lock(&rec_lock); /* site: main holds rec */
        pthread_mutex_lock(&rec_lock); /* site: main again */
        pthread_mutex_unlock(&rec_lock);
        pthread_mutex_unlock(&rec_lock);
    }
}

/* ---- unmatched ------------------------------------------------------------------------ */

static pthread_mutex_t timed_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t checked_lock = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;

static void unmatched(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += 10;
    if (pthread_mutex_timedlock(&timed_lock, &t) != 0 || pthread_mutex_unlock(&timed_lock) != 0 ||
        pthread_mutex_unlock(&checked_lock) == 0) {
        fputs("unmatched: a call did not return what it should\n", stderr);
        exit(1);
    }
    pthread_mutex_lock(&alpha_lock);
    pthread_mutex_unlock(&alpha_lock);
}

/* ---- abba ---------------------------------------------------------------------------- */

/* One of two threads that each take one mutex, then the other's. */
typedef struct {
    const char *name;
    pthread_mutex_t *first, *second;
    int tid;
} abba_thread;

static int both_hold;

static void *abba_take(void *arg)
{
    abba_thread *a = arg;
    pthread_setname_np(pthread_self(), a->name);
    pthread_mutex_lock(a->first); /* site: abba holds */
    __atomic_add_fetch(&both_hold, 1, __ATOMIC_ACQ_REL);
    while (__atomic_load_n(&both_hold, __ATOMIC_ACQUIRE) < 2)
        sched_yield();
    set(&a->tid, gettid());
    pthread_mutex_lock(a->second); /* site: abba waits */
    return NULL;
}

static void abba(void)
{
    static abba_thread mover = {"mover", &alpha_lock, &beta_lock, 0},
                       shaker = {"shaker", &beta_lock, &alpha_lock, 0};
    pthread_t a = start(abba_take, &mover), b = start(abba_take, &shaker);
    await_blocked(&mover.tid);
    await_blocked(&shaker.tid);
    puts("hung");
    fflush(stdout);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        void (*run)(void);
    } programs[] = {{"order", order},         {"contended", contended}, {"handoff", handoff},
                    {"recursive", recursive}, {"unmatched", unmatched}, {"abba", abba}};
    for (size_t i = 0; argc == 2 && i < sizeof programs / sizeof programs[0]; i++) {
        if (strcmp(argv[1], programs[i].name) == 0) {
            programs[i].run();
            puts(programs[i].name);
            return 0;
        }
    }
    fputs("usage: programs order|contended|handoff|recursive|unmatched|abba\n", stderr);
    return 2;
}
