/*
 * failure.c - the one formatter of failures (failure.h): "object: reason",
 * cut to FAILURE_SIZE, its control characters escaped (escape.h).
 */
#include "failure.h"

#include "escape.h"

#include <stdio.h>

/* A reason may quote text that is not ours (a path, a message, a file's
 * line): one line, always, and nothing a terminal would obey. */
bool failure_vobject(failure *why, const char *object, const char *fmt, va_list ap)
{
    char raw[FAILURE_SIZE];
    int n = object ? snprintf(raw, sizeof raw, "%s: ", object) : 0;
    if (n >= 0 && (size_t)n < sizeof raw)
        vsnprintf(raw + n, sizeof raw - (size_t)n, fmt, ap);
    escape_controls(raw, why->text, sizeof why->text);
    return false;
}

bool failure_set(failure *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failure_vobject(why, NULL, fmt, ap);
    va_end(ap);
    return false;
}

bool failure_object(failure *why, const char *object, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failure_vobject(why, object, fmt, ap);
    va_end(ap);
    return false;
}

bool failure_prefix(failure *why, const char *object)
{
    char reason[sizeof why->text];
    snprintf(reason, sizeof reason, "%s", why->text);
    return failure_object(why, object, "%s", reason);
}
