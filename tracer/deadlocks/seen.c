/*
 * seen.c - the deadlocks the program saw itself: with THRACE_DEADLOCK=1,
 * libthrace checks each blocking acquire for a wait-for cycle, prints its
 * report and emits a `deadlock` event (thread, the object it was about to
 * wait for, the report), which the store keeps as an events row whose
 * detail holds the report. Each one is told after the analyses, as the
 * moment the program saw the cycle:
 *
 *   seen: Thread-2 saw a deadlock itself at 0.012345 s, as it began to wait for Lock-1
 *
 * A cycle the wait-for analysis told already is not counted again; one it
 * did not find (the waits timed out and the trace shows no cycle at their
 * end) is a deadlock of its own, told with libthrace's report below.
 *
 * The events are reached through their objects (events_by_object: a
 * deadlock event has no seq, like an object's creation), so that the cost
 * grows with the objects, not with the events.
 */
#include "analysis.h"
#include "vocabulary.h"

#include <string.h>

static const char seen_sql[] =
    "SELECT e.thread_id, e.object_id, e.ts, json_extract(e.detail, '$.report')"
    " FROM objects o JOIN events e ON e.object_id = o.id AND e.seq IS NULL"
    " WHERE e.name = " SQL_EVENT(
        deadlock) " AND (?1 = 0 OR o.process_id IN"
                  "   (SELECT p.id FROM processes p WHERE p.trace_id = ?1))"
                  " ORDER BY e.ts, e.id";

/* libthrace's report below the line, indented as every finding's lines. */
static void seen_print_lines(FILE *out, const char *report)
{
    for (const char *line = report; line && *line;) {
        const char *end = strchr(line, '\n');
        int n = end ? (int)(end - line) : (int)strlen(line);
        fprintf(out, "  %.*s\n", n, line);
        line += n + (end != NULL);
    }
}

/* Tells one seen deadlock; false when out of memory (reason in why). */
static bool seen_tell(deadlocks_report *r, sqlite3_stmt *st, failure *why)
{
    int64_t thread_id = sqlite3_column_int64(st, 0), object_id = sqlite3_column_int64(st, 1);
    char thread[32], object[32], when[32];
    bool told = deadlocks_thread_in_cycle(r, thread_id);
    if (!deadlocks_keep_seen(r, thread_id, object_id, sqlite3_column_int64(st, 2), why))
        return false;
    fprintf(r->out, "seen: %s saw a deadlock itself at %s, as it began to wait for %s\n",
            catalog_thread_name(&r->cat, thread_id, thread, sizeof thread),
            catalog_when(&r->cat, thread_id, sqlite3_column_int64(st, 2), when, sizeof when),
            catalog_object_name(&r->cat, object_id, object, sizeof object));
    if (told) {
        fprintf(r->out, "  the deadlock above\n\n");
        return true;
    }
    seen_print_lines(r->out, (const char *)sqlite3_column_text(st, 3));
    fputc('\n', r->out);
    r->deadlocks++;
    return deadlocks_keep_named(r, thread_id, object_id, why);
}

bool seen_report(deadlocks_report *r, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, seen_sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(r->db, why);
    sqlite3_bind_int64(st, 1, r->trace_id);
    int rc = SQLITE_DONE;
    bool ok = true;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ok = seen_tell(r, st, why);
    if (ok && rc != SQLITE_DONE)
        ok = db_fail(r->db, why);
    sqlite3_finalize(st);
    return ok;
}
