/*
 * sync_util.h - helpers for the tests of threads and of the primitives:
 * start and join threads, signal between them, poll for a condition with a
 * generous limit, and know that threads are blocked inside a call that has
 * no public waiter count.
 *
 * "Blocked" is read from the kernel: a thread that bumped a counter just
 * before calling a thrace wait, and is then seen sleeping (state S in
 * /proc/self/task/TID/stat) in two full passes over the threads at least a
 * millisecond apart, is parked inside that wait. A thread asleep on a
 * primitive's internal lock word instead would need the holder of that word
 * to be running, which the pass over the holder would have seen.
 */
#ifndef THRACE_TESTS_SYNC_UTIL_H
#define THRACE_TESTS_SYNC_UTIL_H

#include "harness.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* How long a poll waits for something that should happen at once. */
#define SYNC_POLL_LIMIT 10.0

static inline void sync_pause(void)
{
    struct timespec ts = {0, 1000000}; /* 1 ms */
    nanosleep(&ts, NULL);
}

/* Polls cond every millisecond, for up to SYNC_POLL_LIMIT s, then asserts it. */
#define WAIT_UNTIL(cond)                                                                           \
    do {                                                                                           \
        double until_ = harness_now() + SYNC_POLL_LIMIT;                                           \
        while (!(cond) && harness_now() < until_)                                                  \
            sync_pause();                                                                          \
        if (!(cond))                                                                               \
            harness_fail(__FILE__, __LINE__, "still false after %.0f s: %s", SYNC_POLL_LIMIT,      \
                         #cond);                                                                   \
    } while (0)

/* A signal: a Lock held by nobody in particular; post releases, wait takes. */
typedef struct {
    thrace_lock l;
} signal_t;

static inline void signal_init(signal_t *s)
{
    ASSERT_CODE(THRACE_OK, thrace_lock_init(&s->l));
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->l, true, THRACE_FOREVER));
}

static inline void signal_post(signal_t *s)
{
    ASSERT_CODE(THRACE_OK, thrace_lock_release(&s->l));
}

static inline void signal_wait(signal_t *s)
{
    ASSERT_CODE(THRACE_OK, thrace_lock_acquire(&s->l, true, 10.0));
}

/* Thread(target=fn, args=(arg,)).start(), asserting success. */
static inline thrace_thread *spawn(void (*fn)(void *), void *arg)
{
    thrace_thread *t = thrace_thread_new(fn, arg, NULL);
    ASSERT_TRUE(t != NULL);
    ASSERT_CODE(THRACE_OK, thrace_thread_start(t));
    return t;
}

/* A thread's target: waits until the thrace_event at arg is set. */
static inline void wait_forever_on(void *arg)
{
    thrace_event_wait(arg, THRACE_FOREVER);
}

/* join() with a limit inside the case's timeout (20 s of the default 30), so
 * that a stuck thread fails the case with a message, not a bare timeout. */
static inline void join_and_unref(thrace_thread *t)
{
    ASSERT_CODE(THRACE_OK, thrace_thread_join(t, harness_timeout() * 2.0 / 3.0));
    thrace_thread_unref(t);
}

/* Whether the kernel reports t as sleeping (state S). */
static inline bool thread_is_sleeping(thrace_thread *t)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/self/task/%ld/stat", thrace_thread_native_id(t));
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')'); /* the name may hold spaces */
    return paren && paren[1] == ' ' && paren[2] == 'S';
}

static inline bool all_sleeping(thrace_thread **t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!thread_is_sleeping(t[i]))
            return false;
    return true;
}

/*
 * Returns once the n threads, each past the counter it bumps just before its
 * wait, are parked inside that wait (see the file comment); asserts within
 * SYNC_POLL_LIMIT seconds.
 */
static inline void wait_until_blocked(thrace_thread **t, size_t n)
{
    double until = harness_now() + SYNC_POLL_LIMIT;
    int passes = 0;
    while (passes < 2 && harness_now() < until) {
        passes = all_sleeping(t, n) ? passes + 1 : 0;
        sync_pause();
    }
    ASSERT_EQ(2, passes);
}

#endif
