/*
 * mixed.c - a program of libthrace's threads that locks plain pthread
 * mutexes, for test_pthread.py: `mixed hang` (two Threads take two static
 * mutexes in opposite orders and hang) and `mixed timed` (the same with
 * timed locks of 0.5 s, so that it ends by itself). Each prints "hung" or
 * "ended" once its threads hold their first mutex.
 */
#include <thrace.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t left_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t right_lock = PTHREAD_MUTEX_INITIALIZER;
static thrace_barrier both_hold;
static bool timed;

/* Locks m, for 0.5 s at most when timed; unlocks it again if it got it. */
static void take(pthread_mutex_t *m)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_nsec += 500000000L;
    t.tv_sec += t.tv_nsec / 1000000000L;
    t.tv_nsec %= 1000000000L;
    if (timed ? pthread_mutex_timedlock(m, &t) == 0 : pthread_mutex_lock(m) == 0)
        pthread_mutex_unlock(m);
}

static void crosser(void *arg)
{
    pthread_mutex_t **order = arg;
    pthread_mutex_lock(order[0]); /* site: holds */
    thrace_barrier_wait(&both_hold, THRACE_FOREVER, NULL);
    take(order[1]);
    pthread_mutex_unlock(order[0]);
}

static thrace_thread *start(const char *name, pthread_mutex_t *first, pthread_mutex_t *second)
{
    static pthread_mutex_t *orders[2][2];
    pthread_mutex_t **order = orders[first == &left_lock ? 0 : 1];
    order[0] = first;
    order[1] = second;
    thrace_thread_opts opts = {.name = name};
    thrace_thread *t = thrace_thread_new(crosser, order, &opts);
    thrace_thread_start(t);
    return t;
}

int main(int argc, char **argv)
{
    if (argc != 2 || (strcmp(argv[1], "hang") != 0 && strcmp(argv[1], "timed") != 0))
        return 2;
    timed = strcmp(argv[1], "timed") == 0;
    thrace_barrier_init(&both_hold, 2, NULL, NULL, THRACE_FOREVER);
    thrace_thread *a = start("lefty", &left_lock, &right_lock);
    thrace_thread *b = start("righty", &right_lock, &left_lock);
    puts(timed ? "ended" : "hung");
    fflush(stdout);
    thrace_thread_join(a, THRACE_FOREVER);
    thrace_thread_join(b, THRACE_FOREVER);
    thrace_thread_unref(a);
    thrace_thread_unref(b);
    return 0;
}
