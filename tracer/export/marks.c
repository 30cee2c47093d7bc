/*
 * marks.c - log lines and discards (marks.h), a pass over each table. A
 * discard without a known range is put at its trace's end: LTTng told it
 * when the recording stopped. Each discard is named by its cause
 * (schema.sql's discards.cause), a cut by where it cut the stream.
 */
#include "marks.h"

#include "store.h"

#include <inttypes.h>
#include <string.h>

static const char marks_logs_sql[] = "SELECT t.process_id, t.id, l.ts, l.level, l.text FROM logs l"
                                     " JOIN threads t ON t.id = l.thread_id ORDER BY l.id";
static const char marks_discards_sql[] =
    "SELECT d.trace_id, COALESCE(d.begin_ns, d.end_ns, tr.end_ns, tr.begin_ns, 0), d.count,"
    " d.begin_ns, d.end_ns, d.cause FROM discards d JOIN traces tr ON tr.id = d.trace_id"
    " ORDER BY d.rowid";

static bool marks_log(doc *d, sqlite3_stmt *st, void *arg, failure *why)
{
    (void)arg, (void)why;
    jsonout_event(&d->out, 'i', sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                  sqlite3_column_int64(st, 2));
    jsonout_text(&d->out, "s", "t");
    jsonout_text(&d->out, "cat", "log");
    jsonout_text(&d->out, "name", (const char *)sqlite3_column_text(st, 4));
    fprintf(d->out.out, ",\"args\":{\"level\":%d}}", sqlite3_column_int(st, 3));
    return true;
}

/* ,"KEY":"N" for a time in ns since the Unix epoch, a string: a double would round it. */
static void marks_ns(doc *d, sqlite3_stmt *st, int column, const char *key)
{
    if (sqlite3_column_type(st, column) != SQLITE_NULL)
        fprintf(d->out.out, ",\"%s\":\"%" PRId64 "\"", key,
                (int64_t)sqlite3_column_int64(st, column));
}

static bool marks_discard(doc *d, sqlite3_stmt *st, void *arg, failure *why)
{
    (void)arg, (void)why;
    char name[64];
    int64_t count = sqlite3_column_int64(st, 2);
    const char *cause = (const char *)sqlite3_column_text(st, 5);
    if (strcmp(cause, "cut") == 0)
        snprintf(name, sizeof name, "the stream was cut");
    else
        snprintf(name, sizeof name, "%s %" PRId64 " events",
                 strcmp(cause, "unread") == 0 ? "thrace daemon did not read" : "LTTng discarded",
                 count);
    jsonout_event(&d->out, 'i', -1, -1, sqlite3_column_int64(st, 1));
    jsonout_text(&d->out, "s", "g");
    jsonout_text(&d->out, "cat", "discards");
    jsonout_text(&d->out, "name", name);
    fprintf(d->out.out, ",\"args\":{\"count\":%" PRId64 ",\"trace\":%" PRId64, count,
            (int64_t)sqlite3_column_int64(st, 0));
    jsonout_text(&d->out, "cause", cause);
    marks_ns(d, st, 3, "begin_ns");
    marks_ns(d, st, 4, "end_ns");
    fputs("}}", d->out.out);
    return true;
}

bool marks_write(doc *d, failure *why)
{
    return doc_each(d, marks_logs_sql, marks_log, NULL, why) &&
           doc_each(d, marks_discards_sql, marks_discard, NULL, why);
}
