/*
 * threading_lock_with.c - `with lock:` is THRACE_WITH(&lock) { ... }: the
 * block runs holding the lock, released however it is left. It does what
 * acquire() and a release() in a `finally` do.
 */
#include "thrace.h"

static void worker_with(void *arg)
{
    thrace_lock *lock = arg;
    THRACE_WITH (lock) {
        thrace_debug("Lock acquired via with");
    }
}

static void worker_no_with(void *arg)
{
    thrace_lock *lock = arg;
    thrace_lock_acquire(lock, true, THRACE_FOREVER);
    thrace_debug("Lock acquired directly");
    thrace_lock_release(lock);
}

int main(void)
{
    static thrace_lock lock = THRACE_LOCK_INIT; /* outlives main: exit joins the threads */

    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_DEBUG);

    thrace_thread *w = thrace_thread_new(worker_with, &lock, NULL);
    thrace_thread *nw = thrace_thread_new(worker_no_with, &lock, NULL);

    thrace_thread_start(w);
    thrace_thread_start(nw);

    thrace_thread_unref(w);
    thrace_thread_unref(nw);
    return 0;
}
