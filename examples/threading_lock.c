/*
 * threading_lock.c - a Lock guards a counter that two threads increment
 * twice each after random pauses; the main thread joins every other live
 * thread, then prints the total.
 */
#include "thrace.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    thrace_lock lock;
    int value;
} counter;

static void counter_init(counter *c, int start)
{
    thrace_lock_init(&c->lock);
    c->value = start;
}

static void counter_increment(counter *c)
{
    thrace_debug("Waiting for lock");
    thrace_lock_acquire(&c->lock, true, THRACE_FOREVER);
    thrace_debug("Acquired lock");
    c->value = c->value + 1;
    thrace_lock_release(&c->lock);
}

/* random.random(): a double in [0, 1). */
static double random_random(void)
{
    return rand() / ((double)RAND_MAX + 1);
}

static void worker(void *arg)
{
    counter *c = arg;
    for (int i = 0; i < 2; i++) {
        double pause = random_random();
        thrace_debug("Sleeping %0.02f", pause);
        thrace_sleep(pause);
        counter_increment(c);
    }
    thrace_debug("Done");
}

int main(void)
{
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    thrace_log_config("(%(threadName)-10s) %(message)s", THRACE_LOG_DEBUG);

    counter c;
    counter_init(&c, 0);
    for (int i = 0; i < 2; i++) {
        thrace_thread *t = thrace_thread_new(worker, &c, NULL);
        thrace_thread_start(t);
        thrace_thread_unref(t);
    }

    thrace_debug("Waiting for worker threads");
    thrace_thread *main_thread = thrace_main_thread();
    thrace_thread *threads[16];
    size_t n = thrace_enumerate(threads, 16);
    for (size_t i = 0; i < n && i < 16; i++) {
        if (threads[i] != main_thread)
            thrace_thread_join(threads[i], THRACE_FOREVER);
        thrace_thread_unref(threads[i]);
    }
    thrace_debug("Counter: %d", c.value);
    thrace_lock_destroy(&c.lock);
    return 0;
}
