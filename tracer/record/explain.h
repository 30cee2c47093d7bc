/*
 * explain.h - what a program's file tells `thrace record`: why it left
 * nothing to store, in the words of one line (it is statically linked or
 * set-user-ID, so the loader preloads nothing into it, a script whose
 * interpreter is either, or it ended before LTTng registered it); and
 * whether it carries libthrace in itself (linked with libthrace.a).
 */
#ifndef THRACE_TRACER_RECORD_EXPLAIN_H
#define THRACE_TRACER_RECORD_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

/* Writes into buf why prog (found in PATH as execvp finds it) left no trace. */
const char *explain_nothing(const char *prog, char *buf, size_t size);

/* Whether prog (found as execvp finds it) carries libthrace's ELF note:
 * linked with libthrace.a (lib/trace.c). */
bool explain_carries_libthrace(const char *prog);

/* The line that says why a trace held no event: prog made no pthread or thrace call. */
extern const char explain_no_event[];

#endif
