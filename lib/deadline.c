/*
 * deadline.c - deadlines on CLOCK_MONOTONIC; see deadline.h for the rules.
 * Holds no state.
 */
#include "deadline.h"

struct timespec thrace__clock_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now;
}

int thrace__deadline_start(double timeout, thrace__deadline *d)
{
    if (timeout == THRACE_FOREVER) {
        *d = thrace__deadline_never();
        return THRACE_OK;
    }
    if (!(timeout <= THRACE_TIMEOUT_MAX)) /* also catches INFINITY */
        return THRACE_ERANGE;
    struct timespec now = thrace__clock_now();
    double whole = floor(timeout);
    d->forever = false;
    d->at.tv_sec = now.tv_sec + (time_t)whole;
    d->at.tv_nsec = now.tv_nsec + (long)((timeout - whole) * 1e9);
    if (d->at.tv_nsec >= 1000000000L) {
        d->at.tv_sec++;
        d->at.tv_nsec -= 1000000000L;
    }
    return THRACE_OK;
}

bool thrace__deadline_passed(const thrace__deadline *d)
{
    if (d->forever)
        return false;
    struct timespec now = thrace__clock_now();
    return now.tv_sec > d->at.tv_sec ||
           (now.tv_sec == d->at.tv_sec && now.tv_nsec >= d->at.tv_nsec);
}
