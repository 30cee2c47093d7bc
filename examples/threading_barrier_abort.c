/*
 * threading_barrier_abort.c - abort() breaks a barrier: every thread waiting
 * on it gets THRACE_EBROKEN (Python's BrokenBarrierError). The barrier waits
 * for one more party than there are workers, so only the abort frees them.
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
    if (thrace_barrier_wait(barrier, THRACE_FOREVER, &worker_id) == THRACE_EBROKEN)
        printf("%s 流产\n", name);
    else
        printf("%s 在barrier之后 %u\n", name, worker_id);
}

int main(void)
{
    thrace_barrier barrier;
    thrace_barrier_init(&barrier, NUM_THREADS + 1, NULL, NULL, THRACE_FOREVER);

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

    thrace_barrier_abort(&barrier);

    for (int i = 0; i < NUM_THREADS; i++) {
        thrace_thread_join(threads[i], THRACE_FOREVER);
        thrace_thread_unref(threads[i]);
    }
    thrace_barrier_destroy(&barrier);
    return 0;
}
