/*
 * counters.c - semaphore values (counters.h): one query over the
 * semaphores and, through events_by_object, their acquires and releases
 * in seq order, the rows written as stepped. A semaphore's first row
 * writes its start value (objects.param) too.
 */
#include "counters.h"

#include "store.h"

/* clang-format off */
static const char counters_sql[] =
    "SELECT o.id, o.process_id, o.obj, o.name, o.created_ns, o.param, e.ts, e.value,"
    " (SELECT min(id) FROM threads WHERE process_id = o.process_id)"
    " FROM objects o LEFT JOIN events e ON e.object_id = o.id AND e.value IS NOT NULL"
    " AND (e.name = " SQL_EVENT(release) " OR (e.name = " SQL_EVENT(acquire_end) " AND e.outcome = "
    SQL_OUTCOME(ok) "))"
    " WHERE o.kind IN (" SQL_KIND(semaphore) ", " SQL_KIND(bounded_semaphore) ")"
    " ORDER BY o.id, e.seq";
/* clang-format on */

static void counters_value(doc *d, sqlite3_stmt *st, int ts_column, int value_column)
{
    /* A counter is its process's; the tid, its first thread's, keeps Perfetto
     * from taking the pid for a tid (names.c). */
    jsonout_event(&d->out, 'C', sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 8),
                  sqlite3_column_int64(st, ts_column));
    jsonout_text(&d->out, "cat", "semaphore");
    jsonout_text(&d->out, "name", (const char *)sqlite3_column_text(st, 3));
    jsonout_int(&d->out, "id", sqlite3_column_int64(st, 2));
    fprintf(d->out.out, ",\"args\":{\"value\":%lld}}",
            (long long)sqlite3_column_int64(st, value_column));
}

static bool counters_row(doc *d, sqlite3_stmt *st, void *arg, failure *why)
{
    (void)why;
    int64_t *last = arg, object = sqlite3_column_int64(st, 0);
    if (object != *last && sqlite3_column_type(st, 4) != SQLITE_NULL &&
        sqlite3_column_type(st, 5) != SQLITE_NULL)
        counters_value(d, st, 4, 5);
    *last = object;
    if (sqlite3_column_type(st, 6) != SQLITE_NULL)
        counters_value(d, st, 6, 7);
    return true;
}

bool counters_write(doc *d, failure *why)
{
    int64_t last = -1;
    return doc_each(d, counters_sql, counters_row, &last, why);
}
