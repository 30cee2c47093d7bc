/*
 * overrelease.c - BoundedSemaphores released too often: libthrace refuses
 * a release past the initial value (THRACE_ERANGE, Python's ValueError)
 * and traces it as release_refused with its call site. One finding per
 * semaphore, a line per thread and site that did it:
 *
 *   over-release: pool released past its value 2 (pid 4242)
 *     Thread-2 released it at 0.300123 s at bsem.c:14 in worker(): refused
 *
 * Told with the leaks (leaks.c), the other side of a permit's accounting.
 * The events are reached through their partial index, events_refused.
 */
#include "analysis.h"
#include "vocabulary.h"

/* SQL laid out as SQL. */
/* clang-format off */
static const char overrelease_sql[] =
    "SELECT e.object_id, e.thread_id, MIN(e.ts), e.site_id, e.value, COUNT(*)"
    " FROM events e JOIN objects o ON o.id = e.object_id"
    " JOIN processes p ON p.id = o.process_id"
    " WHERE e.name = " SQL_EVENT(release_refused) " AND (?1 = 0 OR p.trace_id = ?1)"
    " GROUP BY e.object_id, e.thread_id, e.site_id"
    " ORDER BY e.object_id, MIN(e.ts)";
/* clang-format on */

/* The headline of the semaphore's finding, at its first refused release. */
static void overrelease_head(const deadlocks_report *r, sqlite3_stmt *st)
{
    char ob[32], process[320];
    fprintf(r->out, "%sover-release: %s released past its value %lld (%s)\n",
            r->overreleases ? "\n" : "",
            catalog_object_name(&r->cat, sqlite3_column_int64(st, 0), ob, sizeof ob),
            sqlite3_column_int64(st, 4),
            catalog_process(&r->cat, sqlite3_column_int64(st, 1), process, sizeof process));
}

/* "  Thread-2 released it at 0.3 s at bsem.c:14 in worker(): refused (3 times)" */
static void overrelease_line(const deadlocks_report *r, sqlite3_stmt *st)
{
    int64_t thread_id = sqlite3_column_int64(st, 1), times = sqlite3_column_int64(st, 5);
    char b[32], when[32], site[256], count[48] = "";
    if (times > 1)
        snprintf(count, sizeof count, " (%lld times from then)", (long long)times);
    fprintf(r->out, "  %s released it at %s at %s: refused%s\n",
            catalog_thread_name(&r->cat, thread_id, b, sizeof b),
            catalog_when(&r->cat, thread_id, sqlite3_column_int64(st, 2), when, sizeof when),
            catalog_site_text(&r->cat, sqlite3_column_int64(st, 3), site, sizeof site), count);
    catalog_site_callers(&r->cat, sqlite3_column_int64(st, 3), thread_id, 2, r->out);
}

/* Tells one row, heading a new finding when it is about another semaphore;
 * false when out of memory (why). */
static bool overrelease_tell(deadlocks_report *r, sqlite3_stmt *st, int64_t *object_id,
                             failure *why)
{
    int64_t object = sqlite3_column_int64(st, 0);
    if (object != *object_id) {
        overrelease_head(r, st);
        r->overreleases++;
        *object_id = object;
    }
    overrelease_line(r, st);
    return deadlocks_keep_named(r, sqlite3_column_int64(st, 1), object, why);
}

bool overrelease_report(deadlocks_report *r, failure *why)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, overrelease_sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(r->db, why);
    sqlite3_bind_int64(st, 1, r->trace_id);
    int64_t object_id = 0;
    int rc = SQLITE_DONE;
    bool ok = true;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ok = overrelease_tell(r, st, &object_id, why);
    if (ok && rc != SQLITE_DONE)
        ok = db_fail(r->db, why);
    if (object_id)
        fputc('\n', r->out);
    sqlite3_finalize(st);
    return ok;
}
