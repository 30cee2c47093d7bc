/*
 * logquery.h - stored events told as the guide's log lines, in SQL and C:
 * the columns a line needs and the code that turns such a row into
 * "(Thread-1  ) acquired Lock-1 after waiting 0.52 s". `thrace log` and the
 * viewer build their queries from these fragments, so that both tell an
 * event with the same line.
 */
#ifndef THRACE_TRACER_QUERY_LOGQUERY_H
#define THRACE_TRACER_QUERY_LOGQUERY_H

#include "store.h"
#include "vocabulary.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

/* The name thread_id had at ts (thread_names), for a row alias r holding both. */
#define LOGQUERY_THREAD_NAME(r)                                                                    \
    "COALESCE((SELECT n.name FROM thread_names n WHERE n.thread_id = " r ".thread_id"              \
    "          AND n.ts <= " r ".ts ORDER BY n.ts DESC LIMIT 1),"                                  \
    "         (SELECT t.name FROM threads t WHERE t.id = " r ".thread_id))"

/* The name the thread of `e`, an event of LOGQUERY_FROM, had then. */
#define LOGQUERY_THREAD LOGQUERY_THREAD_NAME("e")

/* The events to tell, `e`, with what their lines name: select from this... */
#define LOGQUERY_FROM                                                                              \
    "events e LEFT JOIN objects o ON o.id = e.object_id"                                           \
    " LEFT JOIN callsites c ON c.id = e.site_id"                                                   \
    " LEFT JOIN threads pt ON pt.id = e.peer"                                                      \
    "      AND e.name IN (" SQL_EVENT(join_begin) ", " SQL_EVENT(join_end) ", " SQL_EVENT(         \
        thread_rename) ", " SQL_EVENT(timer_cancelled) ")"

/* ...these LOGQUERY_NCOLUMNS columns, in this order, for logquery_line. */
#define LOGQUERY_COLUMNS LOGQUERY_THREAD ", " LOGQUERY_EVENT_COLUMNS

/* The same but the thread's name, for logquery_text after a column of the
 * caller's (the name costs a lookup per row: a million for a big trace). */
#define LOGQUERY_EVENT_COLUMNS                                                                     \
    "e.name, o.name, o.kind, e.outcome, e.value, e.waited_ns,"                                     \
    " pt.name, c.file, c.line, c.func,"                                                            \
    " COALESCE(json_extract(e.detail, '$.text'), json_extract(e.detail, '$.name')),"               \
    " COALESCE(json_extract(e.detail, '$.timeout'), json_extract(e.detail, '$.interval'),"         \
    "          json_extract(e.detail, '$.seconds'), -1),"                                          \
    " COALESCE(json_extract(e.detail, '$.requested'), 0), " DB_EVENT_SHARED("e")

enum { LOGQUERY_NCOLUMNS = 15 };

/*
 * Writes the line of the event whose LOGQUERY_COLUMNS start at column
 * `first` of st's current row. False (and buf "") when the event is one
 * that `thrace log --all` does not tell (a call site, an object's name);
 * a log message is told even when empty, as Python's logging prints it.
 */
bool logquery_line(sqlite3_stmt *st, int first, char *buf, size_t size);

/* The same without the thread's "(Thread-1  ) ": "acquired Lock-1 ...". */
bool logquery_text(sqlite3_stmt *st, int first, char *buf, size_t size);

/* The line of a thread's message: "(Thread-1  ) text". */
void logquery_message(const char *thread, const char *text, char *buf, size_t size);

#endif
