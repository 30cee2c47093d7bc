/*
 * sleep.c - time.sleep: an absolute deadline on CLOCK_MONOTONIC, so that a
 * signal handler interrupting the sleep does not shorten or restart it.
 */
#include "deadline.h"
#include "trace.h"

#include <errno.h>

void thrace__sleep_at(double seconds, const thrace__site *site)
{
    if (!(seconds > 0))
        return;
    thrace__deadline d;
    if (thrace__deadline_start(seconds > THRACE_TIMEOUT_MAX ? THRACE_TIMEOUT_MAX : seconds, &d) !=
        THRACE_OK)
        return;
    THRACE__TRACE(sleep_begin, thrace__trace_tid(), seconds, thrace__trace_site(site));
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &d.at, NULL) == EINTR)
        continue;
    THRACE__TRACE(sleep_end, thrace__trace_tid());
}

void(thrace_sleep)(double seconds)
{
    thrace__sleep_at(seconds, NULL);
}
