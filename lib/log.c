/*
 * log.c - Python's logging for thrace programs: one root logger writing to
 * stderr. Owns the configuration (compiled format and level) and the mutex
 * that serialises configuration changes and output, so that every line is
 * written whole and lines appear in the order their records were made.
 */
#include "logformat.h"
#include "trace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define DEFAULT_FORMAT "%(levelname)s:%(name)s:%(message)s"

static pthread_mutex_t log_mutex = PTHREAD_MUTEX_INITIALIZER;
static thrace__log_format *configured; /* NULL until the first line or config */
static int level_threshold = THRACE_LOG_WARNING;
static struct timespec loaded_at; /* relativeCreated counts from here */

static void log_lock(void)
{
    THRACE__CHECK(pthread_mutex_lock(&log_mutex));
}

static void log_unlock(void)
{
    THRACE__CHECK(pthread_mutex_unlock(&log_mutex));
}

__attribute__((constructor)) static void log_init(void)
{
    clock_gettime(CLOCK_REALTIME, &loaded_at);
    /* Held across fork, so that the child never inherits it mid-line. */
    THRACE__CHECK(pthread_atfork(log_lock, log_unlock, log_unlock));
}

int thrace_log_config(const char *format, int level)
{
    int rc;
    thrace__log_format *f = thrace__log_format_compile(format ? format : DEFAULT_FORMAT, &rc);
    if (!f)
        return rc;
    log_lock();
    thrace__log_format_free(configured);
    configured = f;
    __atomic_store_n(&level_threshold, level, __ATOMIC_RELAXED);
    log_unlock();
    return THRACE_OK;
}

static void write_all(const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(STDERR_FILENO, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* as Python's handlers do, a failing stderr loses the line */
        data += n;
        len -= (size_t)n;
    }
}

static double ms_since_load(const struct timespec *t)
{
    return (double)(t->tv_sec - loaded_at.tv_sec) * 1e3 +
           (double)(t->tv_nsec - loaded_at.tv_nsec) / 1e6;
}

static void emit(thrace__log_record *rec)
{
    log_lock();
    if (!configured) {
        int rc;
        configured = thrace__log_format_compile(DEFAULT_FORMAT, &rc);
    }
    clock_gettime(CLOCK_REALTIME, &rec->created);
    rec->relative_ms = ms_since_load(&rec->created);
    size_t len;
    char *line = configured ? thrace__log_format_render(configured, rec, &len) : NULL;
    if (line)
        write_all(line, len);
    /* Under the lock: the trace orders log lines as stderr shows them. */
    THRACE__TRACE(log, thrace__trace_tid(), rec->level, rec->message);
    log_unlock();
    free(line);
}

static void log_va(int level, const char *file, int line, const char *func, const char *fmt,
                   va_list ap)
{
    if (level < __atomic_load_n(&level_threshold, __ATOMIC_RELAXED))
        return;
    char *message = NULL;
    if (vasprintf(&message, fmt, ap) < 0)
        return;
    thrace_thread *self = thrace_current_thread();
    thrace__log_record rec = {
        .level = level,
        .pathname = file ? file : "(unknown file)",
        .lineno = line,
        .func = func ? func : "(unknown function)",
        .message = message,
        .thread_name = self ? thrace_thread_name(self) : "Dummy",
        .thread_ident = self ? thrace_thread_ident(self) : (unsigned long)pthread_self(),
    };
    emit(&rec);
    free(message);
}

void thrace_log_at(int level, const char *file, int line, const char *func, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_va(level, file, line, func, fmt, ap);
    va_end(ap);
}

/* The function forms behind the macros of thrace.h (no call site known). */
#define LOG_FUNCTION(fn, level)                                                                    \
    void(fn)(const char *fmt, ...)                                                                 \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        log_va(level, NULL, 0, NULL, fmt, ap);                                                     \
        va_end(ap);                                                                                \
    }

LOG_FUNCTION(thrace_debug, THRACE_LOG_DEBUG)
LOG_FUNCTION(thrace_info, THRACE_LOG_INFO)
LOG_FUNCTION(thrace_warning, THRACE_LOG_WARNING)
LOG_FUNCTION(thrace_error, THRACE_LOG_ERROR)
LOG_FUNCTION(thrace_critical, THRACE_LOG_CRITICAL)

void(thrace_log)(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_va(level, NULL, 0, NULL, fmt, ap);
    va_end(ap);
}
