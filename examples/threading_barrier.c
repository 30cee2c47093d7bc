/*
 * threading_barrier.c - a Barrier holds threads until all its parties wait,
 * then releases them together. wait() gives each its arrival order.
 */
#include "thrace.h"

#include <stdio.h>

enum { NUM_THREADS = 3 };

static void worker(void *arg)
{
    thrace_barrier *barrier = arg;
    const char *name = thrace_thread_name(thrace_current_thread());
    printf("%s 正在和其它 %u 个worker一起等待barrier\n", name, thrace_barrier_n_waiting(barrier));
    unsigned worker_id;
    thrace_barrier_wait(barrier, THRACE_FOREVER, &worker_id);
    printf("%s barrier之后 %u\n", name, worker_id);
}

int main(void)
{
    thrace_barrier barrier;
    thrace_barrier_init(&barrier, NUM_THREADS, NULL, NULL, THRACE_FOREVER);

    thrace_thread *threads[NUM_THREADS];
    for (int i = 0; i < NUM_THREADS; i++) {
        char name[16];
        snprintf(name, sizeof name, "worker-%d", i);
        threads[i] = thrace_thread_new(worker, &barrier, &(thrace_thread_opts){.name = name});
    }

    for (int i = 0; i < NUM_THREADS; i++) {
        printf("%s 开启\n", thrace_thread_name(threads[i]));
        thrace_thread_start(threads[i]);
        thrace_sleep(0.1);
    }

    for (int i = 0; i < NUM_THREADS; i++) {
        thrace_thread_join(threads[i], THRACE_FOREVER);
        thrace_thread_unref(threads[i]);
    }
    thrace_barrier_destroy(&barrier);
    return 0;
}
