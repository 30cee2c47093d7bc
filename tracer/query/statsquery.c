/*
 * statsquery.c - the SQL of statsquery.h. The figures are the summaries
 * the store keeps as it stores a trace (schema.sql's object_stats and
 * thread_stats), plus the intervals still open when it ended or at a live
 * trace's edge ('unfinished' rows, which the summaries leave out and the
 * partial index intervals_unfinished finds): a wait that never ended
 * counts until the end of the trace. Nothing here reads the events, nor
 * the intervals that ended: the cost is a row per object and per thread.
 *
 * A wait is on a lock, rlock, semaphore or rwlock (to write or to read),
 * a condition, an event or a barrier, and, for a thread, on a thread it
 * joins; a hold is of a lock, rlock, semaphore unit or rwlock (write or
 * read hold).
 */
#include "statsquery.h"

#include "store.h"

/* The states of a wait: every state that blocks (joining has no object). */
#define STATSQUERY_WAITS SQL_BLOCKING_STATES

/* The total and the longest of the intervals in `states`, named `name`_total_ns and _max_ns. */
#define STATSQUERY_SPANS(states, name)                                                             \
    "SUM(CASE WHEN state IN " states " THEN end_ns - begin_ns ELSE 0 END) AS " name "_total_ns,"   \
    " MAX(CASE WHEN state IN " states " THEN end_ns - begin_ns ELSE 0 END) AS " name "_max_ns"

/* The open intervals' figures per `column` (object_id or thread_id), as
 * columns id, wait_total_ns, wait_max_ns, hold_total_ns, hold_max_ns.
 * INDEXED BY: grouping by object, SQLite would rather scan every interval
 * through intervals_by_object than sort the few open ones. */
#define STATSQUERY_OPEN(column)                                                                    \
    "(SELECT " column " AS id, " STATSQUERY_OPEN_SPANS " FROM intervals"                           \
    " INDEXED BY intervals_unfinished WHERE outcome = " SQL_OUTCOME(                               \
        unfinished) " GROUP BY " column ")"
#define STATSQUERY_OPEN_SPANS                                                                      \
    STATSQUERY_SPANS(STATSQUERY_WAITS, "wait") ", " STATSQUERY_SPANS(DB_HOLDS, "hold")

/* statsquery.h's columns from ACQUIRED to HOLD_MAX: the summary s plus the open intervals u. */
#define STATSQUERY_FIGURES                                                                         \
    " COALESCE(s.acquired, 0), COALESCE(s.contended, 0),"                                          \
    " COALESCE(s.wait_total_ns, 0) + COALESCE(u.wait_total_ns, 0),"                                \
    " max(COALESCE(s.wait_max_ns, 0), COALESCE(u.wait_max_ns, 0)),"                                \
    " COALESCE(s.hold_total_ns, 0) + COALESCE(u.hold_total_ns, 0),"                                \
    " max(COALESCE(s.hold_max_ns, 0), COALESCE(u.hold_max_ns, 0))"

/* statsquery.h's columns from PROCESS_ID on, of the row r, and the joins they read. */
#define STATSQUERY_PROCESS(r) ", " r ".process_id, p.pid, tr.hostname"
#define STATSQUERY_PROCESS_JOIN(r)                                                                 \
    " JOIN processes p ON p.id = " r ".process_id JOIN traces tr ON tr.id = p.trace_id"

/* SQL laid out as SQL. */
/* clang-format off */
const char statsquery_objects[] =
    "SELECT o.name, o.kind," STATSQUERY_FIGURES ", o.id" STATSQUERY_PROCESS("o")
    " FROM objects o" STATSQUERY_PROCESS_JOIN("o")
    " LEFT JOIN object_stats s ON s.object_id = o.id"
    " LEFT JOIN " STATSQUERY_OPEN("object_id") " u ON u.id = o.id ORDER BY 5 DESC, o.id";

/* A thread's figures are the sum of its kinds' (thread_stats). */
const char statsquery_threads[] =
    "SELECT t.name, t.kind," STATSQUERY_FIGURES ", t.id" STATSQUERY_PROCESS("t")
    " FROM threads t" STATSQUERY_PROCESS_JOIN("t")
    " LEFT JOIN (SELECT thread_id, SUM(acquired) AS acquired, SUM(contended) AS contended,"
    "   SUM(wait_total_ns) AS wait_total_ns, MAX(wait_max_ns) AS wait_max_ns,"
    "   SUM(hold_total_ns) AS hold_total_ns, MAX(hold_max_ns) AS hold_max_ns"
    "   FROM thread_stats GROUP BY thread_id) s ON s.thread_id = t.id"
    " LEFT JOIN " STATSQUERY_OPEN("thread_id") " u ON u.id = t.id ORDER BY t.process_id, t.tid";
