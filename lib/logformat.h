/*
 * logformat.h - Python logging's %-style format strings: compiled once by
 * thrace_log_config into directives, then rendered for each record.
 */
#ifndef THRACE_LIB_LOGFORMAT_H
#define THRACE_LIB_LOGFORMAT_H

#include "internal.h"

#include <time.h>

/* What a LogRecord holds, as far as thrace can fill it. */
typedef struct {
    int level;
    const char *pathname;
    int lineno;
    const char *func;
    const char *message;
    const char *thread_name;
    unsigned long thread_ident;
    struct timespec created; /* CLOCK_REALTIME */
    double relative_ms;      /* since the library was loaded */
} thrace__log_record;

typedef struct thrace__log_format thrace__log_format;

/* Compiles format; NULL with *rc set to THRACE_EINVAL or THRACE_ENOMEM. */
thrace__log_format *thrace__log_format_compile(const char *format, int *rc);
void thrace__log_format_free(thrace__log_format *f);

/*
 * Renders rec with f, plus a newline, into a malloc'd string (*len bytes);
 * NULL when out of memory.
 */
char *thrace__log_format_render(const thrace__log_format *f, const thrace__log_record *rec,
                                size_t *len);

#endif
