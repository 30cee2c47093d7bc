/*
 * logline.c - events told as the guide's log lines (see logline.h). Pure
 * formatting: no state, no I/O.
 */
#include "logline.h"
#include "base.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const char *logline_duration(int64_t ns, char *buf, size_t size)
{
    if (ns < 1000)
        snprintf(buf, size, "%lld ns", (long long)ns);
    else if (ns < 1000000)
        snprintf(buf, size, "%.1f us", (double)ns / 1e3);
    else if (ns < 1000000000)
        snprintf(buf, size, "%.2f ms", (double)ns / 1e6);
    else
        snprintf(buf, size, "%.2f s", (double)ns / 1e9);
    return buf;
}

void logline_thread_prefix(const char *thread, char *buf, size_t size)
{
    size_t chars = escape_chars(thread);
    int pad = chars < 10 ? (int)(10 - chars) : 0;
    snprintf(buf, size, "(%s%*s) ", thread, pad, "");
}

const char *logline_site(const char *file, int line, const char *func, char *buf, size_t size)
{
    const char *slash = strrchr(file, '/');
    const char *name = slash ? slash + 1 : file;
    /* A return address resolved without debug information is "prog+0x11af", line 0, and
     * maybe no function. */
    char where[200];
    snprintf(where, sizeof where, line > 0 ? "%s:%d" : "%s", name, line);
    /* A C++ name has its parameter list already ("std::thread::join()"); a C name has none. */
    snprintf(buf, size, !*func ? "%s" : strchr(func, '(') ? "%s in %s" : "%s in %s()", where, func);
    return buf;
}

/* " at file.c:42 in func()" for an event with a call site, else "". */
static const char *site_of(const logline_event *e, char *buf, size_t size)
{
    char site[240];
    if (!e->file)
        return "";
    snprintf(buf, size, " at %s", logline_site(e->file, e->line, e->func, site, sizeof site));
    return buf;
}

/* " after waiting 1.2 ms" when the caller waited, else "". */
static const char *after_waiting(const logline_event *e, char *buf, size_t size)
{
    char d[32];
    if (e->waited_ns <= 0)
        return "";
    snprintf(buf, size, " after waiting %s", logline_duration(e->waited_ns, d, sizeof d));
    return buf;
}

static bool is_semaphore(const logline_event *e)
{
    return e->kind == VOCAB_KIND_semaphore || e->kind == VOCAB_KIND_bounded_semaphore;
}

/* Whether e is about an rwlock's read hold: its wait, acquire or release. */
static bool is_read(const logline_event *e)
{
    return e->kind == VOCAB_KIND_rwlock && e->shared;
}

static void describe_acquire_end(const logline_event *e, char *buf, size_t size)
{
    char w[64], site[256], object[300];
    const char *waited = after_waiting(e, w, sizeof w);
    snprintf(object, sizeof object, "%s%s", e->object, is_read(e) ? " for reading" : "");
    if (e->outcome == VOCAB_OUTCOME_would_block)
        snprintf(buf, size, "did not acquire %s: held elsewhere", object);
    else if (e->outcome != VOCAB_OUTCOME_ok)
        snprintf(buf, size, "gave up on %s%s", object, waited);
    else if (e->kind == VOCAB_KIND_rlock && e->value > 1)
        snprintf(buf, size, "acquired %s again, depth %lld", e->object, (long long)e->value);
    else if (is_semaphore(e))
        snprintf(buf, size, "acquired %s%s, value now %lld", e->object, waited,
                 (long long)e->value);
    else
        snprintf(buf, size, "acquired %s%s%s", object, waited, site_of(e, site, sizeof site));
}

static void describe_release(const logline_event *e, char *buf, size_t size)
{
    if (e->kind == VOCAB_KIND_rlock && e->value > 0)
        snprintf(buf, size, "released %s, depth %lld left", e->object, (long long)e->value);
    else if (is_semaphore(e))
        snprintf(buf, size, "released %s, value now %lld", e->object, (long long)e->value);
    else if (is_read(e))
        snprintf(buf, size, "released %s (read), %lld reader%s left", e->object,
                 (long long)e->value, e->value == 1 ? "" : "s");
    else
        snprintf(buf, size, "released %s", e->object);
}

/* A release refused: a BoundedSemaphore released past its value. */
static void describe_refused(const logline_event *e, char *buf, size_t size)
{
    char site[256];
    snprintf(buf, size, "released %s past its value %lld%s: refused", e->object,
             (long long)e->value, site_of(e, site, sizeof site));
}

/* The end of a wait on a condition, an event or a barrier. */
static void describe_wait_end(const logline_event *e, const char *what, char *buf, size_t size)
{
    char d[32];
    const char *took = logline_duration(e->waited_ns, d, sizeof d);
    if (e->outcome == VOCAB_OUTCOME_ok && e->type == VOCAB_EV_barrier_wait_end)
        snprintf(buf, size, "passed %s as %lld after %s", e->object, (long long)e->value, took);
    else if (e->outcome == VOCAB_OUTCOME_ok)
        snprintf(buf, size, "%s %s after %s", what, e->object, took);
    else if (e->outcome == VOCAB_OUTCOME_broken)
        snprintf(buf, size, "%s broke after %s", e->object, took);
    else
        snprintf(buf, size, "timed out on %s after %s", e->object, took);
}

static void describe_wait_begin(const logline_event *e, const char *what, char *buf, size_t size)
{
    char site[256];
    snprintf(buf, size, "%s %s%s", what, e->object, site_of(e, site, sizeof site));
}

static void describe_notify(const logline_event *e, char *buf, size_t size)
{
    if (e->requested < 0)
        snprintf(buf, size, "notified all on %s, woke %lld", e->object, (long long)e->value);
    else
        snprintf(buf, size, "notified %s, woke %lld of %lld", e->object, (long long)e->value,
                 (long long)e->requested);
}

/* A thread's own life: start, exit, rename, join, timer, sleep. */
static void describe_thread(const logline_event *e, char *buf, size_t size)
{
    char d[32], site[256];
    switch (e->type) {
    case VOCAB_EV_thread_start:
        snprintf(buf, size, "started");
        break;
    case VOCAB_EV_thread_exit:
        snprintf(buf, size, "exited");
        break;
    case VOCAB_EV_process_exit:
        snprintf(buf, size, "ended the process");
        break;
    case VOCAB_EV_thread_rename:
        snprintf(buf, size, "renamed to %s", e->text ? e->text : "?");
        break;
    case VOCAB_EV_join_begin:
        snprintf(buf, size, "joining %s%s", e->peer, site_of(e, site, sizeof site));
        break;
    case VOCAB_EV_join_end:
        snprintf(buf, size, e->outcome == VOCAB_OUTCOME_ok ? "joined %s" : "stopped waiting for %s",
                 e->peer);
        break;
    case VOCAB_EV_timer_scheduled:
        if (e->seconds < 0)
            snprintf(buf, size, "timer waiting until cancelled");
        else
            snprintf(buf, size, "timer waiting %.2f s", e->seconds);
        break;
    case VOCAB_EV_timer_fired:
        snprintf(buf, size, "timer fired");
        break;
    case VOCAB_EV_timer_cancelled:
        snprintf(buf, size, "cancelled timer %s", e->peer);
        break;
    case VOCAB_EV_sleep_begin:
        snprintf(buf, size, "sleeping %s",
                 logline_duration((int64_t)(e->seconds * 1e9), d, sizeof d));
        break;
    case VOCAB_EV_sleep_end:
        snprintf(buf, size, "woke up");
        break;
    default:
        break;
    }
}

const char *logline_describe(const logline_event *e, char *buf, size_t size)
{
    buf[0] = '\0';
    switch (e->type) {
    case VOCAB_EV_log:
        snprintf(buf, size, "%s", e->text ? e->text : "");
        break;
    case VOCAB_EV_object_create:
        snprintf(buf, size, "created %s", e->object);
        break;
    case VOCAB_EV_acquire_begin:
        describe_wait_begin(e, is_read(e) ? "waiting to read" : "waiting for", buf, size);
        break;
    case VOCAB_EV_event_wait_begin:
        describe_wait_begin(e, "waiting for", buf, size);
        break;
    case VOCAB_EV_acquire_end:
        describe_acquire_end(e, buf, size);
        break;
    case VOCAB_EV_release:
        describe_release(e, buf, size);
        break;
    case VOCAB_EV_release_refused:
        describe_refused(e, buf, size);
        break;
    case VOCAB_EV_cond_wait_begin:
        describe_wait_begin(e, "waiting on", buf, size);
        break;
    case VOCAB_EV_cond_wait_end:
        describe_wait_end(e, "notified on", buf, size);
        break;
    case VOCAB_EV_cond_notify:
        describe_notify(e, buf, size);
        break;
    case VOCAB_EV_event_set:
        snprintf(buf, size, "set %s, woke %lld", e->object, (long long)e->value);
        break;
    case VOCAB_EV_event_clear:
        snprintf(buf, size, "cleared %s", e->object);
        break;
    case VOCAB_EV_event_wait_end:
        describe_wait_end(e, "saw", buf, size);
        break;
    case VOCAB_EV_barrier_wait_begin:
        describe_wait_begin(e, "waiting at", buf, size);
        break;
    case VOCAB_EV_barrier_wait_end:
        describe_wait_end(e, "passed", buf, size);
        break;
    case VOCAB_EV_barrier_abort:
        snprintf(buf, size, "aborted %s", e->object);
        break;
    case VOCAB_EV_barrier_reset:
        snprintf(buf, size, "reset %s", e->object);
        break;
    case VOCAB_EV_deadlock:
        snprintf(buf, size, "saw a deadlock as it began to wait for %s (THRACE_DEADLOCK)",
                 e->object);
        break;
    default:
        describe_thread(e, buf, size);
        break;
    }
    return buf;
}
