/*
 * explain.h - why a program left `thrace record` nothing to store, in the
 * words of one line: it is statically linked or set-user-ID (the loader
 * preloads nothing into it), a script whose interpreter is either,
 * or it ended before LTTng registered it.
 */
#ifndef THRACE_TRACER_RECORD_EXPLAIN_H
#define THRACE_TRACER_RECORD_EXPLAIN_H

#include <stddef.h>

/* Writes into buf why prog (found in PATH as execvp finds it) left no trace. */
const char *explain_nothing(const char *prog, char *buf, size_t size);

/* The line that says why a trace held no event: prog made no pthread or thrace call. */
extern const char explain_no_event[];

#endif
