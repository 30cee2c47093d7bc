/*
 * jsonout.h - Chrome's trace events written straight to a stream, one at a
 * time: nothing of the document is kept, so a trace of any length exports
 * in the memory of one event. Times are microseconds, the format's unit,
 * printed from nanoseconds with three decimals, so nothing is rounded
 * away; `ts` counts from an origin (the database's first trace's begin),
 * which keeps the numbers small enough for a reader's doubles.
 */
#ifndef THRACE_TRACER_EXPORT_JSONOUT_H
#define THRACE_TRACER_EXPORT_JSONOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    FILE *out;
    int64_t origin_ns; /* ts 0, in the trace's clock (ns since the Unix epoch) */
    bool in_array;     /* an event is written: the next one needs a comma */
    int64_t events;    /* events written */
} jsonout;

/* s as a JSON string, quoted and escaped; a byte that is not UTF-8 becomes
 * U+FFFD; NULL is "". */
void jsonout_string(jsonout *o, const char *s);

/* ns as microseconds with three decimals: a duration, or (ts) a time from the origin. */
void jsonout_us(jsonout *o, int64_t ns);

/* Opens an event, `{"ph":"X","pid":P,"tid":T,"ts":...`: tid < 0 for none,
 * and pid < 0 too for a global event. Keys and jsonout_end follow. */
void jsonout_event(jsonout *o, char ph, int64_t pid, int64_t tid, int64_t ts_ns);

/* `,"key":`, for the value that follows. */
void jsonout_key(jsonout *o, const char *key);

/* `,"key":"value"` and `,"key":N`. */
void jsonout_text(jsonout *o, const char *key, const char *value);
void jsonout_int(jsonout *o, const char *key, int64_t value);

/* Closes the event opened by jsonout_event (after any args object). */
void jsonout_end(jsonout *o);

/* A metadata event `what` (process_name, thread_name) giving name to pid and tid. */
void jsonout_name(jsonout *o, const char *what, int64_t pid, int64_t tid, const char *name);

#endif
