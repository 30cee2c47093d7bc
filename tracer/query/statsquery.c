/*
 * statsquery.c - the SQL of statsquery.h. Waits and holds come from the
 * intervals table, so a wait that never ended counts until the end of the
 * trace. An rwlock's waits to read and read holds count as waits and
 * holds, beside its waits to write and write holds.
 */
#include "statsquery.h"

#include "store.h"

/* The total and the longest of the intervals in `states` whose column
 * `column` is `id`: two columns, each after a comma. */
#define STATSQUERY_SPANS(column, id, states)                                                       \
    ", (SELECT COALESCE(SUM(end_ns - begin_ns), 0) FROM intervals i WHERE i." column " = " id      \
    "     AND i.state IN " states ")"                                                              \
    ", (SELECT COALESCE(MAX(end_ns - begin_ns), 0) FROM intervals i WHERE i." column " = " id      \
    "     AND i.state IN " states ")"

/* The waits and the holds of an object (o), of a thread (t). */
#define STATSQUERY_OBJECT_SPANS                                                                    \
    STATSQUERY_SPANS("object_id", "o.id", DB_WAITS) STATSQUERY_SPANS("object_id", "o.id", DB_HOLDS)
#define STATSQUERY_THREAD_SPANS                                                                    \
    STATSQUERY_SPANS("thread_id", "t.id", DB_WAITS) STATSQUERY_SPANS("thread_id", "t.id", DB_HOLDS)

#define STATSQUERY_ACQUIRED "name = " SQL_EVENT(acquire_end) " AND outcome = " SQL_OUTCOME(ok)
#define STATSQUERY_WAITED   "name = " SQL_EVENT(acquire_begin)
#define STATSQUERY_EVENTS   "(" SQL_EVENT(acquire_end) ", " SQL_EVENT(acquire_begin) ")"
#define STATSQUERY_KINDS                                                                           \
    "(" SQL_KIND(lock) ", " SQL_KIND(rlock) ", " SQL_KIND(semaphore) ", " SQL_KIND(                \
        bounded_semaphore) ", " SQL_KIND(rwlock) ")"

const char statsquery_objects[] =
    "SELECT o.name, o.kind,"
    "  (SELECT COUNT(*) FROM events e WHERE e.object_id = o.id AND " STATSQUERY_ACQUIRED "),"
    "  (SELECT COUNT(*) FROM events e WHERE e.object_id = o.id AND " STATSQUERY_WAITED
    ")" STATSQUERY_OBJECT_SPANS ", o.id"
    " FROM objects o WHERE o.kind IN " STATSQUERY_KINDS " ORDER BY 5 DESC, o.id";

/* Per-thread counts are one grouped scan of events, which have no index by
 * thread (see schema.sql). */
const char statsquery_threads[] =
    "WITH counts AS (SELECT thread_id,"
    "    SUM(" STATSQUERY_ACQUIRED ") AS acquired, SUM(" STATSQUERY_WAITED ") AS contended"
    "  FROM events WHERE name IN " STATSQUERY_EVENTS " GROUP BY thread_id)"
    "SELECT t.name, t.kind, COALESCE(c.acquired, 0),"
    " COALESCE(c.contended, 0)" STATSQUERY_THREAD_SPANS ", t.id"
    " FROM threads t LEFT JOIN counts c ON c.thread_id = t.id ORDER BY t.process_id, t.tid";

const char statsquery_discarded[] = "SELECT COALESCE(SUM(discarded), 0) FROM traces";
