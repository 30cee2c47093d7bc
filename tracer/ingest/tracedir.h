/*
 * tracedir.h - the CTF traces under the paths a command is given: a trace's
 * own directory, or any directory above traces (an LTTng session's output).
 */
#ifndef THRACE_TRACER_INGEST_TRACEDIR_H
#define THRACE_TRACER_INGEST_TRACEDIR_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>

/* Absolute paths of trace directories; zeroed is empty. */
typedef struct {
    char **paths;
    size_t n, cap;
} tracedir_list;

/*
 * Appends to found the traces under each of the n paths. False, with
 * "PATH: reason" in why, when a path does not exist, is not a directory,
 * holds no trace, or memory runs out.
 */
bool tracedir_find(char *const *paths, int n, tracedir_list *found, failure *why);

/* Frees the list; it is empty again. */
void tracedir_free(tracedir_list *l);

#endif
