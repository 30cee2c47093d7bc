/*
 * programs.c - pthread programs that use read-write locks, for the tests of
 * the rwlock kind (test_rwlock.py): the store's intervals, `thrace log`,
 * `stats`, `check` and `deadlocks`, and the viewer's page. Plain pthreads,
 * no libthrace: the tests record them with the interposer,
 * libthrace-pthread.so, preloaded. One program per name given as the only
 * argument:
 *
 *   readers       two readers hold the lock at once; a reader waits for the
 *                 main thread's write hold, then a writer for its read hold
 *   order         a write hold of the rwlock and a mutex taken in both
 *                 orders, by two threads one after the other: no hang
 *   order_read    the same with read holds: readers never wait for readers
 *   order_mixed   a read hold then the mutex, the mutex then a write hold
 *   writer_hangs  a writer waits for two readers that wait for ever on a
 *                 semaphore nobody posts
 *   cycle         a reader waits for a mutex whose holder waits to write
 *
 * Threads are ordered by barriers, joins and by waiting until a thread is
 * blocked in the kernel, never by sleeps, so that each run does the same.
 * A program that hangs prints "hung" once its threads are blocked for
 * good, and waits to be killed.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../asleep.h"

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t meet;
static sem_t never_posted;

/* A thread: its name, what it runs, and its kernel id once it is about to
 * make the call that blocks (the main thread may wait to see it blocked). */
typedef struct worker {
    const char *name;
    pid_t tid;
    void *(*run)(struct worker *w);
} worker;

static void fail(const char *what, int rc)
{
    fprintf(stderr, "programs: %s: %s\n", what, strerror(rc));
    exit(1);
}

static void check(const char *what, int rc)
{
    if (rc != 0)
        fail(what, rc);
}

/* A thread's start: it names itself first, so that all its events but its
 * start carry its name. */
static void *begin(void *arg)
{
    worker *w = arg;
    check("pthread_setname_np", pthread_setname_np(pthread_self(), w->name));
    return w->run(w);
}

static pthread_t start(worker *w, void *(*run)(worker *w))
{
    pthread_t t;
    w->run = run;
    check("pthread_create", pthread_create(&t, NULL, begin, w));
    return t;
}

static void join(pthread_t t)
{
    check("pthread_join", pthread_join(t, NULL));
}

/* The thread is about to block: the main thread may look for it asleep. */
static void about_to_block(worker *w)
{
    __atomic_store_n(&w->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
}

static void pause_1ms(void)
{
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
}

/* Waits until every worker announced itself and is seen asleep in two
 * passes 1 ms apart: each is then parked in the call it announced (a
 * thread asleep elsewhere, on a word the tracer holds for a moment, would
 * have been seen running in one pass or the other). */
static void wait_blocked(worker *const *ws, int n)
{
    for (int tries = 0; tries < 20000; tries++) {
        int passes = 0;
        for (int pass = 0; pass < 2; pass++, pause_1ms()) {
            int all = 1;
            for (int i = 0; i < n && all; i++) {
                pid_t tid = __atomic_load_n(&ws[i]->tid, __ATOMIC_ACQUIRE);
                all = tid != 0 && asleep(tid);
            }
            passes += all;
        }
        if (passes == 2)
            return;
    }
    fail("wait_blocked", ETIMEDOUT);
}

static void hung(void)
{
    puts("hung");
    fflush(stdout);
}

/* ---- readers: reads share, a write waits for them, a read for a write ---- */

static void *read_together(worker *w)
{
    (void)w;
    check("rdlock", pthread_rwlock_rdlock(&rw));
    pthread_barrier_wait(&meet); /* both readers hold it now */
    check("unlock", pthread_rwlock_unlock(&rw));
    return NULL;
}

static void *late_reader(worker *w)
{
    about_to_block(w);
    check("rdlock", pthread_rwlock_rdlock(&rw));
    check("unlock", pthread_rwlock_unlock(&rw));
    return NULL;
}

static void *writer(worker *w)
{
    about_to_block(w);
    check("wrlock", pthread_rwlock_wrlock(&rw));
    check("unlock", pthread_rwlock_unlock(&rw));
    return NULL;
}

/* The main thread holds the lock (shared: to read) until w, started to
 * run, is blocked waiting for it. */
static void wait_for_main(worker *w, void *(*run)(worker *w), int shared)
{
    check("rwlock", shared ? pthread_rwlock_rdlock(&rw) : pthread_rwlock_wrlock(&rw));
    pthread_t t = start(w, run);
    wait_blocked((worker *[]){w}, 1);
    check("unlock", pthread_rwlock_unlock(&rw));
    join(t);
}

static void readers(void)
{
    worker first = {.name = "reader-1"}, second = {.name = "reader-2"};
    check("pthread_barrier_init", pthread_barrier_init(&meet, NULL, 2));
    pthread_t a = start(&first, read_together), b = start(&second, read_together);
    join(a);
    join(b);

    worker reader = {.name = "late-reader"}, write = {.name = "writer"};
    wait_for_main(&reader, late_reader, 0);
    wait_for_main(&write, writer, 1);
}

/* ---- lock order: the rwlock and a mutex in both orders, one after the other ---- */

typedef struct {
    worker w;
    int shared; /* take the rwlock to read */
} order_worker;

/* An order worker's worker is its first member. */
static void take_rw(const order_worker *o)
{
    check("rwlock", o->shared ? pthread_rwlock_rdlock(&rw) : pthread_rwlock_wrlock(&rw));
}

static void *rwlock_then_mutex(worker *w)
{
    take_rw((order_worker *)w);
    check("lock", pthread_mutex_lock(&mutex));
    check("unlock", pthread_mutex_unlock(&mutex));
    check("unlock", pthread_rwlock_unlock(&rw));
    return NULL;
}

static void *mutex_then_rwlock(worker *w)
{
    check("lock", pthread_mutex_lock(&mutex));
    take_rw((order_worker *)w);
    check("unlock", pthread_rwlock_unlock(&rw));
    check("unlock", pthread_mutex_unlock(&mutex));
    return NULL;
}

/* first_shared, second_shared: how each thread takes the rwlock. */
static void order(int first_shared, int second_shared)
{
    order_worker first = {{.name = "first"}, first_shared},
                 second = {{.name = "second"}, second_shared};
    join(start(&first.w, rwlock_then_mutex));
    join(start(&second.w, mutex_then_rwlock));
}

/* ---- hangs ------------------------------------------------------------------ */

static void *read_then_wait(worker *w)
{
    check("rdlock", pthread_rwlock_rdlock(&rw));
    pthread_barrier_wait(&meet);
    about_to_block(w);
    sem_wait(&never_posted);
    return NULL;
}

static void writer_hangs(void)
{
    worker first = {.name = "reader-1"}, second = {.name = "reader-2"}, write = {.name = "writer"};
    check("sem_init", sem_init(&never_posted, 0, 0));
    check("pthread_barrier_init", pthread_barrier_init(&meet, NULL, 3));
    pthread_t a = start(&first, read_then_wait);
    start(&second, read_then_wait);
    pthread_barrier_wait(&meet); /* both readers hold it */
    start(&write, writer);
    wait_blocked((worker *[]){&first, &second, &write}, 3);
    hung();
    join(a);
}

static void *read_then_mutex(worker *w)
{
    check("rdlock", pthread_rwlock_rdlock(&rw));
    pthread_barrier_wait(&meet);
    about_to_block(w);
    check("lock", pthread_mutex_lock(&mutex));
    return NULL;
}

static void *mutex_then_write(worker *w)
{
    check("lock", pthread_mutex_lock(&mutex));
    pthread_barrier_wait(&meet);
    about_to_block(w);
    check("wrlock", pthread_rwlock_wrlock(&rw));
    return NULL;
}

static void cycle(void)
{
    worker reader = {.name = "reader"}, write = {.name = "writer"};
    check("pthread_barrier_init", pthread_barrier_init(&meet, NULL, 2));
    pthread_t r = start(&reader, read_then_mutex);
    start(&write, mutex_then_write);
    wait_blocked((worker *[]){&reader, &write}, 2);
    hung();
    join(r);
}

int main(int argc, char **argv)
{
    const char *name = argc == 2 ? argv[1] : "";
    if (strcmp(name, "readers") == 0)
        readers();
    else if (strcmp(name, "order") == 0)
        order(0, 0);
    else if (strcmp(name, "order_read") == 0)
        order(1, 1);
    else if (strcmp(name, "order_mixed") == 0)
        order(1, 0);
    else if (strcmp(name, "writer_hangs") == 0)
        writer_hangs();
    else if (strcmp(name, "cycle") == 0)
        cycle();
    else {
        fprintf(stderr,
                "usage: programs readers|order|order_read|order_mixed|writer_hangs|cycle\n");
        return 2;
    }
    return 0;
}
