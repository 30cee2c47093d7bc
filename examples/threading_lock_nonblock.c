/*
 * threading_lock_nonblock.c - acquire(blocking=False) tries a lock without
 * waiting. LockHolder, a daemon, takes and drops the lock every 0.5 s
 * forever; Worker tries every 0.5 s and stops once it has had the lock three
 * times, which takes more than three tries.
 */
#include "thrace.h"

#include <stdbool.h>

static void lock_holder(void *arg)
{
    thrace_lock *lock = arg;
    thrace_debug("Starting");
    for (;;) {
        thrace_lock_acquire(lock, true, THRACE_FOREVER);
        thrace_debug("Holding");
        thrace_sleep(0.5);
        thrace_debug("Not holding");
        thrace_lock_release(lock);
        thrace_sleep(0.5);
    }
}

static void worker(void *arg)
{
    thrace_lock *lock = arg;
    thrace_debug("Starting");
    int num_tries = 0;
    int num_acquires = 0;
    while (num_acquires < 3) {
        thrace_sleep(0.5);
        thrace_debug("Trying to acquire");
        bool have_it = thrace_lock_acquire(lock, false, THRACE_FOREVER) == THRACE_OK;
        num_tries += 1;
        if (have_it) {
            thrace_debug("Iteration %d: Acquired", num_tries);
            num_acquires += 1;
            thrace_lock_release(lock);
        } else {
            thrace_debug("Iteration %d: Not acquired", num_tries);
        }
    }
    thrace_debug("Done after %d iterations", num_tries);
}

int main(void)
{
    static thrace_lock lock = THRACE_LOCK_INIT; /* outlives main: exit joins Worker */

    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_DEBUG);

    thrace_thread *holder = thrace_thread_new(
        lock_holder, &lock, &(thrace_thread_opts){.name = "LockHolder", .daemon = THRACE_DAEMON});
    thrace_thread_start(holder);

    thrace_thread *w = thrace_thread_new(worker, &lock, &(thrace_thread_opts){.name = "Worker"});
    thrace_thread_start(w);

    thrace_thread_unref(holder);
    thrace_thread_unref(w);
    return 0;
}
