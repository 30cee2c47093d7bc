/*
 * failure.c - the one formatter of failures (failure.h): "object: reason",
 * cut to FAILURE_SIZE and flattened to one line.
 */
#include "failure.h"

#include <stdio.h>
#include <string.h>

/* A reason may quote text that is not ours (a message, a file's line): one line, always. */
static void failure_flatten(failure *why)
{
    for (char *c = why->text; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '\t')
            *c = ' ';
}

bool failure_vobject(failure *why, const char *object, const char *fmt, va_list ap)
{
    int n = object ? snprintf(why->text, sizeof why->text, "%s: ", object) : 0;
    if (n >= 0 && (size_t)n < sizeof why->text)
        vsnprintf(why->text + n, sizeof why->text - (size_t)n, fmt, ap);
    failure_flatten(why);
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
