/*
 * statsquery.c - the SQL of statsquery.h. Waits and holds come from the
 * intervals table, so a wait that never ended counts until the end of the
 * trace.
 */
#include "statsquery.h"

const char statsquery_objects[] =
    "SELECT o.name, o.kind,"
    "  (SELECT COUNT(*) FROM events e WHERE e.object_id = o.id AND e.name = 'acquire_end'"
    "     AND e.outcome = 'ok'),"
    "  (SELECT COUNT(*) FROM events e WHERE e.object_id = o.id AND e.name = 'acquire_begin'),"
    "  (SELECT COALESCE(SUM(end_ns - begin_ns), 0) FROM intervals i WHERE i.object_id = o.id"
    "     AND i.state = 'waiting'),"
    "  (SELECT COALESCE(MAX(end_ns - begin_ns), 0) FROM intervals i WHERE i.object_id = o.id"
    "     AND i.state = 'waiting'),"
    "  (SELECT COALESCE(SUM(end_ns - begin_ns), 0) FROM intervals i WHERE i.object_id = o.id"
    "     AND i.state = 'holding'),"
    "  (SELECT COALESCE(MAX(end_ns - begin_ns), 0) FROM intervals i WHERE i.object_id = o.id"
    "     AND i.state = 'holding'),"
    "  o.id"
    " FROM objects o WHERE o.kind IN ('lock', 'rlock', 'semaphore', 'bounded_semaphore')"
    " ORDER BY 5 DESC, o.id";

/* Per-thread counts are one grouped scan of events, which have no index by
 * thread (see schema.sql). */
const char statsquery_threads[] =
    "WITH counts AS (SELECT thread_id,"
    "    SUM(name = 'acquire_end' AND outcome = 'ok') AS acquired,"
    "    SUM(name = 'acquire_begin') AS contended"
    "  FROM events WHERE name IN ('acquire_end', 'acquire_begin') GROUP BY thread_id)"
    "SELECT t.name, t.kind, COALESCE(c.acquired, 0), COALESCE(c.contended, 0),"
    "  (SELECT COALESCE(SUM(end_ns - begin_ns), 0) FROM intervals i WHERE i.thread_id = t.id"
    "     AND i.state = 'waiting'),"
    "  (SELECT COALESCE(MAX(end_ns - begin_ns), 0) FROM intervals i WHERE i.thread_id = t.id"
    "     AND i.state = 'waiting'),"
    "  (SELECT COALESCE(SUM(end_ns - begin_ns), 0) FROM intervals i WHERE i.thread_id = t.id"
    "     AND i.state = 'holding'),"
    "  (SELECT COALESCE(MAX(end_ns - begin_ns), 0) FROM intervals i WHERE i.thread_id = t.id"
    "     AND i.state = 'holding'),"
    "  t.id"
    " FROM threads t LEFT JOIN counts c ON c.thread_id = t.id ORDER BY t.process_id, t.tid";

const char statsquery_discarded[] = "SELECT COALESCE(SUM(discarded), 0) FROM traces";
