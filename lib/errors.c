/*
 * errors.c - the result codes' messages and names, generated from the one
 * table in thrace.h, and the abort used when thrace's own invariants break.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *thrace_strerror(int code)
{
    switch (code) {
#define THRACE__ERROR_MESSAGE(name, value, message)                                                \
    case value:                                                                                    \
        return message;
        THRACE__ERRORS(THRACE__ERROR_MESSAGE)
#undef THRACE__ERROR_MESSAGE
    }
    return "unknown error";
}

const char *thrace_error_name(int code)
{
    switch (code) {
#define THRACE__ERROR_NAME(name, value, message)                                                   \
    case value:                                                                                    \
        return "THRACE_" #name;
        THRACE__ERRORS(THRACE__ERROR_NAME)
#undef THRACE__ERROR_NAME
    }
    return "?";
}

void thrace__die(const char *what, int err)
{
    fprintf(stderr, "thrace: internal error: %s: %s\n", what, strerror(err));
    abort();
}
