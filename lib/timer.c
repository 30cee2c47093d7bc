/*
 * timer.c - Python's Timer: a thread whose run() waits on its `finished`
 * event for the interval, calls the function unless cancel() set the event
 * first, then sets it. cancel() works before start too.
 */
#include "callers.h"
#include "deadline.h"
#include "event.h"
#include "stall.h"
#include "thread.h"
#include "trace.h"

#include <errno.h>

thrace_thread *thrace_timer_new(double interval, void (*fn)(void *), void *arg,
                                const thrace_thread_opts *opts)
{
    if (!fn || isnan(interval)) {
        errno = EINVAL;
        return NULL;
    }
    if (interval != THRACE_FOREVER && !(interval <= THRACE_TIMEOUT_MAX)) {
        errno = ERANGE;
        return NULL;
    }
    thrace_thread *t = thrace__thread_new_kind(KIND_TIMER, fn, arg, opts);
    if (t)
        t->interval = interval;
    return t;
}

void thrace__timer_run(thrace_thread *t)
{
    double interval = t->interval;
    thrace__timeout_check_wait(&interval); /* negative: fire at once */
    THRACE__TRACE(timer_scheduled, t->trace_id, interval);
    thrace__stall_sleeping(interval != THRACE_FOREVER); /* it ends by itself */
    thrace__event_wait(&t->finished, interval);
    thrace__stall_sleeping(false);
    if (!thrace_event_is_set(&t->finished)) {
        THRACE__TRACE(timer_fired, t->trace_id);
        THRACE__CALLERS_FROM_HERE();
        t->target(t->arg);
    }
    thrace__event_set(&t->finished);
}

void thrace_timer_cancel(thrace_thread *timer)
{
    if (timer->kind != KIND_TIMER)
        return;
    if (!thrace_event_is_set(&timer->finished))
        THRACE__TRACE(timer_cancelled, thrace__trace_tid(), timer->trace_id);
    thrace__event_set(&timer->finished);
}
