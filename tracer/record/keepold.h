/*
 * keepold.h - perf's habit for `thrace record -o FILE`: an existing FILE
 * is kept as FILE.old before a new recording is stored, so that a database
 * holds one run (`--append` stores beside it instead).
 */
#ifndef THRACE_TRACER_RECORD_KEEPOLD_H
#define THRACE_TRACER_RECORD_KEEPOLD_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>

/* Whether path.old may be replaced: absent or a thrace database (path
 * itself its caller has opened with db_open). False with db_open's `PATH:
 * reason` otherwise: another application's SQLite file is refused and
 * left where it is. */
bool keepold_check(const char *path, failure *why);

/* Moves path to path.old (written into old) with its -wal and -shm files,
 * replacing an older path.old and its own; false with `PATH: reason`. */
bool keepold_move(const char *path, char *old, size_t size, failure *why);

#endif
