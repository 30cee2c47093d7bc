/*
 * tracerow.c - a stored trace as a whole (tracerow.h).
 *
 * The rows of a trace hang from its processes (threads, objects, call
 * sites) and from those (events, logs, intervals, names, summaries, the
 * timeline's counts), so they are deleted from the leaves up, each table
 * through the ids of the trace's threads, objects or processes. Events and
 * logs have no index by thread: a drop reads those tables whole, which is
 * fine for what it serves (a live trace replaced by the relay daemon's
 * copy, once per session at most).
 */
#include "tracerow.h"

#include "db.h"

#define TRACE_PROCESSES "(SELECT id FROM processes WHERE trace_id = ?1)"
#define TRACE_THREADS   "(SELECT id FROM threads WHERE process_id IN " TRACE_PROCESSES ")"
#define TRACE_OBJECTS   "(SELECT id FROM objects WHERE process_id IN " TRACE_PROCESSES ")"

bool tracerow_drop(sqlite3 *db, int64_t trace_id, failure *why)
{
    static const char *const drops[] = {
        "DELETE FROM events WHERE thread_id IN " TRACE_THREADS,
        "DELETE FROM logs WHERE thread_id IN " TRACE_THREADS,
        "DELETE FROM log_counts WHERE thread_id IN " TRACE_THREADS,
        "DELETE FROM intervals WHERE thread_id IN " TRACE_THREADS,
        "DELETE FROM thread_names WHERE thread_id IN " TRACE_THREADS,
        "DELETE FROM thread_stats WHERE thread_id IN " TRACE_THREADS,
        "DELETE FROM object_stats WHERE object_id IN " TRACE_OBJECTS,
        "DELETE FROM lane_counts WHERE kind = 0 AND lane IN " TRACE_THREADS,
        "DELETE FROM lane_counts WHERE kind = 1 AND lane IN " TRACE_OBJECTS,
        "DELETE FROM mark_counts WHERE object_id IN " TRACE_OBJECTS,
        "DELETE FROM lock_edges WHERE trace_id = ?1",
        "DELETE FROM site_frames WHERE site_id IN (SELECT id FROM callsites WHERE process_id "
        "IN " TRACE_PROCESSES ")",
        "DELETE FROM callsites WHERE process_id IN " TRACE_PROCESSES,
        "DELETE FROM objects WHERE process_id IN " TRACE_PROCESSES,
        "DELETE FROM threads WHERE process_id IN " TRACE_PROCESSES,
        "DELETE FROM processes WHERE trace_id = ?1",
        "DELETE FROM binaries WHERE trace_id = ?1",
        "DELETE FROM discards WHERE trace_id = ?1",
        "DELETE FROM live_streams WHERE trace_id = ?1",
        "DELETE FROM traces WHERE id = ?1",
    };
    for (size_t i = 0; i < sizeof drops / sizeof *drops; i++)
        if (!db_run(db, why, drops[i], "i", trace_id))
            return false;
    return true;
}

bool tracerow_cut(sqlite3 *db, int64_t trace_id, failure *why)
{
    return db_run(db, why,
                  "INSERT INTO discards (trace_id, begin_ns, end_ns, count, cause) "
                  "SELECT id, end_ns, NULL, 0, 'cut' FROM traces WHERE id = ?1 AND cut_ns IS NULL",
                  "i", trace_id) &&
           db_run(db, why,
                  "UPDATE traces SET cut_ns = COALESCE(cut_ns, end_ns), live = 0 "
                  "WHERE id = ?1",
                  "i", trace_id);
}
