/*
 * blockers.h - who blocked whom around one interval, for /api/interval's
 * tooltips: the holds that overlapped a wait to acquire (its holders), the
 * waits to acquire that a hold overlapped (the waiters it kept waiting).
 */
#ifndef THRACE_VIEWER_BLOCKERS_H
#define THRACE_VIEWER_BLOCKERS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

/* At most this many holders, and as many waiters, the first to begin. */
enum { BLOCKERS_MAX = 16 };

/* The interval told: its object (0: none), state (VOCAB_STATE_*), span. */
typedef struct {
    int64_t object_id;
    int state;
    int64_t begin_ns, end_ns;
} blockers_of;

/*
 * Sets "holders" and "blocked" of o (API.md's /api/interval), with
 * "holders_truncated" and "blocked_truncated": for a wait to acquire (or to
 * read), the holds of its object that overlapped it, blocked empty; for a
 * hold (or a read hold), the waits on its object that it overlapped,
 * holders empty; both empty for other states. False on a database error
 * or when out of memory.
 */
bool blockers_add(sqlite3 *db, const blockers_of *iv, json_t *o);

#endif
