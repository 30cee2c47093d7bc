/*
 * sleep.c - time.sleep: an absolute deadline on CLOCK_MONOTONIC, so that a
 * signal handler interrupting the sleep does not shorten or restart it.
 */
#include "deadline.h"

#include <errno.h>

void thrace_sleep(double seconds)
{
    if (!(seconds > 0))
        return;
    thrace__deadline d;
    if (thrace__deadline_start(seconds > THRACE_TIMEOUT_MAX ? THRACE_TIMEOUT_MAX : seconds, &d) !=
        THRACE_OK)
        return;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &d.at, NULL) == EINTR)
        continue;
}
