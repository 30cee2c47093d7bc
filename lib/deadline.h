/*
 * deadline.h - Python's timeout rules, which differ by call, turned into
 * absolute deadlines on CLOCK_MONOTONIC. Every blocking call of thrace goes
 * through here, so "untimed" is simply "timed with no deadline".
 *
 * Two steps, so that the fast paths read no clock: a check of the argument
 * (cheap, before anything else) gives a normalised timeout, either
 * THRACE_FOREVER or a number of seconds >= 0; thrace__deadline_start turns
 * that into a deadline only when the caller is about to block, and reports
 * THRACE_ERANGE for a timeout above THRACE_TIMEOUT_MAX there, as Python does.
 */
#ifndef THRACE_LIB_DEADLINE_H
#define THRACE_LIB_DEADLINE_H

#include "internal.h"

#include <math.h>
#include <time.h>

typedef struct {
    struct timespec at; /* CLOCK_MONOTONIC */
    bool forever;
} thrace__deadline;

/*
 * Lock and RLock acquire(blocking, timeout): EINVAL for NaN, for a negative
 * timeout other than -1, and for any timeout but -1 when not blocking.
 */
static inline int thrace__timeout_check_lock(bool blocking, double timeout)
{
    if (timeout == THRACE_FOREVER)
        return THRACE_OK;
    return blocking && timeout >= 0 ? THRACE_OK : THRACE_EINVAL; /* NaN fails >= */
}

/*
 * Condition, Event, Semaphore, Barrier waits and join: EINVAL for NaN; any
 * other negative but THRACE_FOREVER is a poll, so it becomes 0.
 */
static inline int thrace__timeout_check_wait(double *timeout)
{
    if (isnan(*timeout))
        return THRACE_EINVAL;
    if (*timeout < 0 && *timeout != THRACE_FOREVER)
        *timeout = 0;
    return THRACE_OK;
}

/* The deadline `timeout` seconds (normalised) from now; ERANGE when too far. */
int thrace__deadline_start(double timeout, thrace__deadline *d);

/* A deadline that never passes. */
static inline thrace__deadline thrace__deadline_never(void)
{
    thrace__deadline d = {{0, 0}, true};
    return d;
}

/* Whether the deadline has passed. */
bool thrace__deadline_passed(const thrace__deadline *d);

/* The current CLOCK_MONOTONIC time. */
struct timespec thrace__clock_now(void);

#endif
