/*
 * threading_enumerate.c - enumerate() lists the live threads, the main thread
 * first; joining them all but the main thread (which cannot join itself)
 * waits for every worker. Pauses are random, so the order varies.
 */
#include "thrace.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void worker(void *arg)
{
    (void)arg;
    double pause = (1 + rand() % 5) / 10.0; /* random.randint(1, 5) / 10 */
    thrace_debug("sleeping %0.2f", pause);
    thrace_sleep(pause);
    thrace_debug("ending");
}

int main(void)
{
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_DEBUG);

    for (int i = 0; i < 3; i++) {
        thrace_thread *t =
            thrace_thread_new(worker, NULL, &(thrace_thread_opts){.daemon = THRACE_DAEMON});
        thrace_thread_start(t);
        thrace_thread_unref(t);
    }

    thrace_thread *main_thread = thrace_main_thread();
    thrace_thread *threads[16];
    size_t n = thrace_enumerate(threads, 16);
    for (size_t i = 0; i < n && i < 16; i++) {
        thrace_thread *t = threads[i];
        if (t != main_thread) {
            thrace_debug("joining %s", thrace_thread_name(t));
            thrace_thread_join(t, THRACE_FOREVER);
        }
        thrace_thread_unref(t);
    }
    return 0;
}
