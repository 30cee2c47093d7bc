/*
 * statsquery.c - the SQL of statsquery.h. Waits and holds come from the
 * intervals table, so a wait that never ended counts until the end of the
 * trace.
 */
#include "statsquery.h"
#include "vocabulary.h"

const char statsquery_objects[] =
    "SELECT o.name, o.kind,"
    "  (SELECT COUNT(*) FROM events e WHERE e.object_id = o.id AND e.name = " SQL_EVENT(acquire_end) "     AND e.outcome = " SQL_OUTCOME(
        ok) "),"
            "  (SELECT COUNT(*) FROM events e WHERE e.object_id = o.id AND e.name = " SQL_EVENT(
                acquire_begin) "),"
                               "  (SELECT COALESCE(SUM(end_ns - begin_ns), 0) FROM intervals i "
                               "WHERE i.object_id = o.id"
                               "     AND i.state = " SQL_STATE(
                                   waiting) "),"
                                            "  (SELECT COALESCE(MAX(end_ns - begin_ns), 0) FROM "
                                            "intervals i WHERE i.object_id = o.id"
                                            "     AND i.state = " SQL_STATE(
                                                waiting) "),"
                                                         "  (SELECT COALESCE(SUM(end_ns - "
                                                         "begin_ns), 0) FROM intervals i WHERE "
                                                         "i.object_id = o.id"
                                                         "     AND i.state = " SQL_STATE(
                                                             holding) "),"
                                                                      "  (SELECT "
                                                                      "COALESCE(MAX(end_ns - "
                                                                      "begin_ns), 0) FROM "
                                                                      "intervals i WHERE "
                                                                      "i.object_id = o.id"
                                                                      "     AND i.state "
                                                                      "= " SQL_STATE(
                                                                          holding) "),"
                                                                                   "  o.id"
                                                                                   " FROM objects "
                                                                                   "o WHERE o.kind "
                                                                                   "IN (" SQL_KIND(lock) ", " SQL_KIND(rlock) ", " SQL_KIND(
                                                                                       semaphore) ", " SQL_KIND(bounded_semaphore) ")"
                                                                                                                                   " ORDER BY 5 DESC, o.id";

/* Per-thread counts are one grouped scan of events, which have no index by
 * thread (see schema.sql). */
const char
    statsquery_threads[] = "WITH counts AS (SELECT thread_id,"
                           "    SUM(name = " SQL_EVENT(acquire_end) " AND outcome = " SQL_OUTCOME(
                               ok) ") AS acquired,"
                                   "    SUM(name = " SQL_EVENT(
                                       acquire_begin) ") AS contended"
                                                      "  FROM events WHERE name IN (" SQL_EVENT(acquire_end) ", " SQL_EVENT(
                                                          acquire_begin) ") GROUP BY thread_id)"
                                                                         "SELECT t.name, t.kind, "
                                                                         "COALESCE(c.acquired, 0), "
                                                                         "COALESCE(c.contended, 0),"
                                                                         "  (SELECT "
                                                                         "COALESCE(SUM(end_ns - "
                                                                         "begin_ns), 0) FROM "
                                                                         "intervals i WHERE "
                                                                         "i.thread_id = t.id"
                                                                         "     AND i.state "
                                                                         "= " SQL_STATE(
                                                                             waiting) "),"
                                                                                      "  (SELECT "
                                                                                      "COALESCE("
                                                                                      "MAX(end_ns "
                                                                                      "- "
                                                                                      "begin_ns), "
                                                                                      "0) FROM "
                                                                                      "intervals i "
                                                                                      "WHERE "
                                                                                      "i.thread_id "
                                                                                      "= t.id"
                                                                                      "     AND "
                                                                                      "i.state "
                                                                                      "="
                                                                                      " " SQL_STATE(
                                                                                          waiting) "),"
                                                                                                   "  (SELECT COALESCE(SUM(end_ns - begin_ns), 0) FROM intervals i WHERE i.thread_id = t.id"
                                                                                                   "     AND i.state = " SQL_STATE(
                                                                                                       holding) "),"
                                                                                                                "  (SELECT COALESCE(MAX(end_ns - begin_ns), 0) FROM intervals i WHERE i.thread_id = t.id"
                                                                                                                "     AND i.state = " SQL_STATE(
                                                                                                                    holding) "),"
                                                                                                                             "  t.id"
                                                                                                                             " FROM threads t LEFT JOIN counts c ON c.thread_id = t.id ORDER BY t.process_id, t.tid";

const char statsquery_discarded[] = "SELECT COALESCE(SUM(discarded), 0) FROM traces";
