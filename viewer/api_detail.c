/*
 * api_detail.c - GET /api/interval and /api/event: one interval or one
 * event told as the guide's logs tell it (logquery.h), for the page's
 * tooltips. An interval's events are events(object_id, begin_seq /
 * end_seq) when it has an object; otherwise (running, sleeping, joining)
 * its thread's event of the right name at its begin or end (tracer/query/evtime.c).
 * A wait to acquire names its holders, a hold the waiters it kept waiting
 * (blockers.c).
 */
#include "api.h"
#include "blockers.h"
#include "jsonsql.h"
#include "query.h"

#include <string.h>

static const char event_sql[] =
    "SELECT e.id, e.thread_id, e.ts, e.name, e.object_id, c.file, c.line, c.func, " LOGQUERY_COLUMNS
    " FROM " LOGQUERY_FROM " WHERE e.id = ?1";
enum { EVENT_LINE = 8 }; /* the first of LOGQUERY_COLUMNS */

#define INTERVAL_THREAD LOGQUERY_THREAD_NAME("i") /* its thread's name when it began */

static const char interval_sql[] =
    "SELECT i.id, i.thread_id, " INTERVAL_THREAD ", i.state, i.object_id, o.name,"
    " i.begin_ns, i.end_ns, i.end_ns - i.begin_ns, i.outcome, c.file, c.line, c.func,"
    " i.begin_seq, i.end_seq"
    " FROM (SELECT *, begin_ns AS ts FROM intervals WHERE id = ?1) i"
    " LEFT JOIN objects o ON o.id = i.object_id LEFT JOIN callsites c ON c.id = i.site_id";
static const char *const interval_names[] = {"id",          "thread_id", "thread",   "state",
                                             "object_id",   "object",    "begin_ns", "end_ns",
                                             "duration_ns", "outcome"};
enum { INTERVAL_SITE = 10, INTERVAL_BEGIN_SEQ = 13, INTERVAL_END_SEQ = 14 };

static const char by_seq_sql[] = "SELECT id FROM events WHERE object_id = ?1 AND seq = ?2";

/* The event that begins (or, with end, ends) an interval without an
 * object, by its state; VOCAB_EV_NONE for the states of objects. */
static vocab_event thread_event(int state, bool end)
{
    switch (state) {
    case VOCAB_STATE_running:
        return end ? VOCAB_EV_thread_exit : VOCAB_EV_thread_start;
    case VOCAB_STATE_sleeping:
        return end ? VOCAB_EV_sleep_end : VOCAB_EV_sleep_begin;
    case VOCAB_STATE_joining:
        return end ? VOCAB_EV_join_end : VOCAB_EV_join_begin;
    default:
        return VOCAB_EV_NONE;
    }
}

/* The event's line as `thrace log --all` prints it, or null. */
static json_t *line_json(sqlite3_stmt *st, int first)
{
    char line[1200];
    return logquery_line(st, first, line, sizeof line) ? jsonsql_text(line) : json_null();
}

static json_t *event_body(sqlite3_stmt *st)
{
    static const char *const names[] = {"id", "thread_id", "ts", "name", "object_id"};
    json_t *o = jsonsql_object(st, names, 5);
    if (o && (json_object_set_new(o, "site", jsonsql_site(st, 5)) != 0 ||
              json_object_set_new(o, "line", line_json(st, EVENT_LINE)) != 0)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

api_answer api_event(sqlite3 *db, const params *p, const api_server *server)
{
    (void)server;
    sqlite3_stmt *st = jsonsql_prepare(db, event_sql);
    int rc = SQLITE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, p->id);
        rc = sqlite3_step(st);
    }
    api_answer a = rc == SQLITE_ROW    ? api_ok(event_body(st))
                   : rc == SQLITE_DONE ? api_error(404, "id: no such event")
                                       : api_db_error();
    sqlite3_finalize(st);
    return a;
}

/* The line of event id (0: none) as JSON; NULL on a database error. */
static json_t *event_line(sqlite3 *db, int64_t id)
{
    if (id == 0)
        return json_null();
    sqlite3_stmt *st = jsonsql_prepare(db, event_sql);
    int rc = SQLITE_ERROR;
    json_t *line = NULL;
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        rc = sqlite3_step(st);
    }
    if (rc == SQLITE_ROW)
        line = line_json(st, EVENT_LINE);
    else if (rc == SQLITE_DONE)
        line = json_null();
    sqlite3_finalize(st);
    return line;
}

/* The id of the event that began (end = false) or ended the interval in
 * st's row: 0 when there is none, -1 on a database error. */
static int64_t edge_event(sqlite3 *db, evtime *ev, sqlite3_stmt *st, bool end)
{
    int seq_col = end ? INTERVAL_END_SEQ : INTERVAL_BEGIN_SEQ;
    if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
        if (sqlite3_column_type(st, seq_col) == SQLITE_NULL)
            return 0;
        sqlite3_stmt *q = jsonsql_prepare(db, by_seq_sql);
        if (!q)
            return -1;
        sqlite3_bind_int64(q, 1, sqlite3_column_int64(st, 4));
        sqlite3_bind_int64(q, 2, sqlite3_column_int64(st, seq_col));
        int rc = sqlite3_step(q);
        int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : rc == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(q);
        return id;
    }
    vocab_event event = thread_event(vocab_state_of((const char *)sqlite3_column_text(st, 3)), end);
    if (event == VOCAB_EV_NONE)
        return 0;
    return evtime_find(ev, sqlite3_column_int64(st, 1), sqlite3_column_int64(st, end ? 7 : 6),
                       event, 0);
}

/* The interval's begin_line and end_line into o; false on a database error. */
static bool add_lines(sqlite3 *db, sqlite3_stmt *st, json_t *o)
{
    failure ignored; /* the answer says only "database error" */
    evtime *ev = evtime_new(db, &ignored);
    bool ok = ev != NULL;
    for (int end = 0; ok && end < 2; end++) {
        int64_t id = edge_event(db, ev, st, end);
        json_t *line = id < 0 ? NULL : event_line(db, id);
        ok = line && json_object_set_new(o, end ? "end_line" : "begin_line", line) == 0;
    }
    evtime_free(ev);
    return ok;
}

/* The interval's holders and the waiters it blocked into o (blockers.h). */
static bool add_blockers(sqlite3 *db, sqlite3_stmt *st, json_t *o)
{
    blockers_of iv = {sqlite3_column_int64(st, 4),
                      vocab_state_of((const char *)sqlite3_column_text(st, 3)),
                      sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 7)};
    return blockers_add(db, &iv, o);
}

api_answer api_interval(sqlite3 *db, const params *p, const api_server *server)
{
    (void)server;
    sqlite3_stmt *st = jsonsql_prepare(db, interval_sql);
    int rc = SQLITE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, p->id);
        rc = sqlite3_step(st);
    }
    json_t *o = rc == SQLITE_ROW ? jsonsql_object(st, interval_names, 10) : NULL;
    if (o && (json_object_set_new(o, "site", jsonsql_site(st, INTERVAL_SITE)) != 0 ||
              !add_lines(db, st, o) || !add_blockers(db, st, o))) {
        json_decref(o);
        o = NULL;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return api_error(404, "id: no such interval");
    return o ? api_ok(o) : api_db_error();
}
