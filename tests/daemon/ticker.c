/*
 * ticker.c - a program that keeps running for `thrace daemon`'s tests:
 * `ticker SECONDS` runs two threads that take turns on one lock, each
 * logging "tick N" with N counting up, every 20 ms, for about SECONDS.
 * `ticker SECONDS PAUSE` sleeps PAUSE seconds halfway, with no event
 * meanwhile. Numbered lines make lost and repeated events visible.
 */
#include <thrace.h>

#include <stdio.h>
#include <stdlib.h>

static thrace_lock lock = THRACE_LOCK_INIT;
static int rounds;
static double pause;

static void tick(void *arg)
{
    (void)arg;
    for (int n = 0; n < rounds; n++) {
        THRACE_WITH (&lock) {
            thrace_debug("tick %d", n);
        }
        thrace_sleep(n == rounds / 2 - 1 ? pause : 0.02);
    }
}

int main(int argc, char **argv)
{
    double seconds = argc >= 2 ? atof(argv[1]) : 0;
    pause = argc == 3 ? atof(argv[2]) : 0.02;
    if (seconds <= 0 || argc > 3 || pause < 0) {
        fprintf(stderr, "usage: ticker SECONDS [PAUSE]\n");
        return 2;
    }
    rounds = (int)(seconds / 0.02);
    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_DEBUG);
    thrace_name(&lock, "turns");
    thrace_thread *threads[2];
    for (int i = 0; i < 2; i++) {
        threads[i] = thrace_thread_new(tick, NULL, NULL);
        thrace_thread_start(threads[i]);
    }
    for (int i = 0; i < 2; i++) {
        thrace_thread_join(threads[i], THRACE_FOREVER);
        thrace_thread_unref(threads[i]);
    }
    return 0;
}
