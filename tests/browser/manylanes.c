/*
 * manylanes.c - a program of many lanes for the page's test of them
 * (test_timeline_tools.py): 200 threads and 1000 locks; each worker takes
 * and gives back its 5 locks in turn, each lock twice, then ends; the main
 * thread joins them all.
 */
#include <thrace.h>

#include <stdio.h>
#include <stdlib.h>

enum { THREADS = 200, LOCKS_EACH = 5 };

static thrace_lock locks[THREADS * LOCKS_EACH];

static void work(void *arg)
{
    thrace_lock *mine = arg;
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < LOCKS_EACH; i++) {
            thrace_lock_acquire(&mine[i], true, THRACE_FOREVER);
            thrace_lock_release(&mine[i]);
        }
}

int main(void)
{
    thrace_thread *threads[THREADS];
    for (int i = 0; i < THREADS * LOCKS_EACH; i++)
        thrace_lock_init(&locks[i]);
    for (int i = 0; i < THREADS; i++) {
        threads[i] = thrace_thread_new(work, &locks[i * LOCKS_EACH], NULL);
        if (!threads[i] || thrace_thread_start(threads[i]) != THRACE_OK) {
            fprintf(stderr, "manylanes: cannot start thread %d\n", i);
            return 1;
        }
    }
    for (int i = 0; i < THREADS; i++) {
        thrace_thread_join(threads[i], THRACE_FOREVER);
        thrace_thread_unref(threads[i]);
    }
    return 0;
}
