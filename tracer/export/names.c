/*
 * names.c - process and thread names (names.h): a pass over each table.
 */
#include "names.h"

#include <inttypes.h>

static const char names_processes_sql[] =
    "SELECT p.id, p.pid, p.name, tr.hostname, (SELECT min(id) FROM threads WHERE process_id = p.id)"
    " FROM processes p JOIN traces tr ON tr.id = p.trace_id ORDER BY p.id";
static const char names_threads_sql[] = "SELECT process_id, id, name FROM threads ORDER BY id";

static bool names_process(doc *d, sqlite3_stmt *st, void *arg, failure *why)
{
    (void)arg, (void)why;
    const char *program = (const char *)sqlite3_column_text(st, 2);
    const char *host = (const char *)sqlite3_column_text(st, 3);
    char name[512];
    snprintf(name, sizeof name, "%s%s(pid %" PRId64 "%s%s)", program ? program : "",
             program ? " " : "", (int64_t)sqlite3_column_int64(st, 1), host ? " on " : "",
             host ? host : "");
    /* Perfetto takes a tid-less event's tid to be its pid, which may be
     * another process's thread: the process's first thread, or a tid of its own. */
    int64_t tid = sqlite3_column_type(st, 4) == SQLITE_NULL ? tracks_tid(&d->tracks)
                                                            : sqlite3_column_int64(st, 4);
    jsonout_name(&d->out, "process_name", sqlite3_column_int64(st, 0), tid, name);
    return true;
}

static bool names_thread(doc *d, sqlite3_stmt *st, void *arg, failure *why)
{
    (void)arg, (void)why;
    jsonout_name(&d->out, "thread_name", sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                 (const char *)sqlite3_column_text(st, 2));
    return true;
}

bool names_write(doc *d, failure *why)
{
    return doc_each(d, names_processes_sql, names_process, NULL, why) &&
           doc_each(d, names_threads_sql, names_thread, NULL, why);
}
