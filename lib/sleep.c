/*
 * sleep.c - time.sleep: an absolute deadline on CLOCK_MONOTONIC, so that a
 * signal handler interrupting the sleep does not shorten or restart it.
 * The argument is checked as Python checks it, before anything else.
 */
#include "deadline.h"
#include "trace.h"

#include <errno.h>

int thrace__sleep_at(double seconds, const thrace__site *site)
{
    if (!(seconds >= 0)) /* ValueError in Python, for NaN too */
        return THRACE_EINVAL;
    if (seconds > THRACE_TIMEOUT_MAX) /* OverflowError, INFINITY included */
        return THRACE_ERANGE;
    if (seconds == 0)
        return THRACE_OK;
    thrace__deadline d;
    int rc = thrace__deadline_start(seconds, &d);
    if (rc != THRACE_OK)
        return rc;
    THRACE__TRACE(sleep_begin, thrace__trace_tid(), seconds, thrace__trace_site(site));
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &d.at, NULL) == EINTR)
        continue;
    THRACE__TRACE(sleep_end, thrace__trace_tid());
    return THRACE_OK;
}

int(thrace_sleep)(double seconds)
{
    return thrace__sleep_at(seconds, NULL);
}
