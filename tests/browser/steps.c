/*
 * steps.c - a program the live page test (test_live.py) drives through its
 * stdin, so that what the page must show happens when the test says so:
 * from the start a thread "Ticker" logs "tick N" every 20 ms; the line
 * "thread" starts a second one, "Latecomer", which ticks too; the end of
 * stdin stops them (an event both wait on) and ends the program.
 */
#include <thrace.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_THREADS = 8 };

static thrace_event stop;

/* Ticks until stop is set: each wait that times out is a tick. */
static void tick(void *arg)
{
    (void)arg;
    for (int n = 0; thrace_event_wait(&stop, 0.02) == THRACE_TIMEOUT; n++)
        thrace_info("tick %d", n);
}

static thrace_thread *start(const char *name)
{
    thrace_thread_opts opts = {.name = name};
    thrace_thread *t = thrace_thread_new(tick, NULL, &opts);
    if (!t || thrace_thread_start(t) != THRACE_OK) {
        fprintf(stderr, "steps: cannot start %s\n", name);
        exit(1);
    }
    return t;
}

int main(void)
{
    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_INFO);
    thrace_event_init(&stop);
    thrace_thread *threads[MAX_THREADS];
    size_t n = 0;
    threads[n++] = start("Ticker");
    char line[64];
    while (fgets(line, sizeof line, stdin))
        if (strcmp(line, "thread\n") == 0 && n < MAX_THREADS)
            threads[n++] = start("Latecomer");
    thrace_event_set(&stop);
    for (size_t i = 0; i < n; i++) {
        thrace_thread_join(threads[i], THRACE_FOREVER);
        thrace_thread_unref(threads[i]);
    }
    return 0;
}
