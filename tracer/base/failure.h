/*
 * failure.h - why something failed, as one line: "object: reason" (a file,
 * a URL, a session, a parameter, then what went wrong with it), or the
 * reason alone when the caller knows the object better. A function that
 * can fail returns false (NULL, or a negative count) and writes its reason
 * into the `failure *why` it is given last; a caller passes it on, adds
 * its own object in front (failure_prefix), or prints it (`thrace CMD:
 * TEXT`). CONTRIBUTING.md ("Errors") states the convention.
 *
 * The text is copied when written: nothing it came from (sqlite3_errmsg,
 * strerror, a buffer on the stack) needs to outlive the call. Control
 * characters are escaped (\n, \t, \x1b: escape.h), so that a failure is one
 * line, even when it quotes a path that holds a newline.
 */
#ifndef THRACE_TRACER_BASE_FAILURE_H
#define THRACE_TRACER_BASE_FAILURE_H

#include <stdarg.h>
#include <stdbool.h>

/*
 * Room for an object (a path of a few hundred bytes) and a reason
 * (SQLite's and libbabeltrace2's are under 400): a longer one is cut, its
 * object, at its start, kept. Small enough to sit on the stack of every
 * fallible call and of the store's writer thread; PATH_MAX would make each
 * one 4 KiB for paths nobody types.
 */
enum { FAILURE_SIZE = 1024 };

typedef struct {
    char text[FAILURE_SIZE];
} failure;

/* Writes the reason (printf's fmt) into *why. Returns false, so that
 * `return failure_set(why, ...)` fails. */
bool failure_set(failure *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes "object: reason" into *why; returns false. */
bool failure_object(failure *why, const char *object, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* failure_object over a va_list, for a function that words its own
 * failures ("file:line: reason"); object NULL: the reason alone. */
bool failure_vobject(failure *why, const char *object, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Puts "object: " before the reason already in *why: the caller adding
 * what it knows and the callee did not. Returns false. */
bool failure_prefix(failure *why, const char *object);

#endif
