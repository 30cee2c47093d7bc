/*
 * bench_events.c - what LTTng-UST alone costs to write the events of one
 * uncontended mutex cycle as the pthread interposer writes them
 * (thrace:lock_acquired, thrace:lock_released), with no lock and nothing
 * of thrace around them: the floor under the interposer's traced cycle,
 * and what any tracer writing these events pays. `bench_events [CYCLES
 * [REPEATS]]` prints nanoseconds per cycle, the best of REPEATS (5)
 * rounds, with a second thread alive as bench_cycle has; run it with the
 * probe provider libthrace-tp.so preloaded, in a session enabling
 * thrace:* (bench/trace_overhead.sh does).
 */
#define LTTNG_UST_TRACEPOINT_DEFINE
#define LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE
#include "thrace_tp.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void *idle(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

/* One object's cycles: the values the interposer would give (thread 1,
 * object 1, its sequence numbers, a return address for the acquire's site,
 * none for the release's). */
static void cycles(long n, uint64_t *seq)
{
    uint64_t site = (uint64_t)(uintptr_t)__builtin_return_address(0);
    for (long i = 0; i < n; i++) {
        lttng_ust_tracepoint(thrace, lock_acquired, 1, 1, ++*seq, site);
        lttng_ust_tracepoint(thrace, lock_released, 1, 1, ++*seq, 0);
    }
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000;
    int repeats = argc > 2 ? atoi(argv[2]) : 5;
    if (n < 1 || repeats < 1) {
        fprintf(stderr, "usage: bench_events [CYCLES [REPEATS]]\n");
        return 2;
    }
    pthread_t idler;
    pthread_create(&idler, NULL, idle, NULL);
    uint64_t seq = 0;
    double best = 1e30;
    for (int r = 0; r < repeats; r++) {
        double start = now_ns();
        cycles(n, &seq);
        double per_cycle = (now_ns() - start) / (double)n;
        best = per_cycle < best ? per_cycle : best;
    }
    printf("%.1f\n", best);
    return 0; /* the idle thread ends with the process */
}
