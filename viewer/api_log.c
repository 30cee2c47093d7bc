/*
 * api_log.c - GET /api/log: the `thrace log` text of a window, in time
 * order, a page at a time: at most limit lines, after the first skip, of
 * one thread's or every thread's, those holding a text if asked. Log lines
 * come from the logs table (indexed by time), each matched to its event
 * for the event's id and its line as `thrace log` prints it. With all=1,
 * every event of the window: each trace's window is a range of event ids
 * (tracer/query/evtime.c), read in id order and merged by time. Either way
 * at most SCAN_BUDGET rows or event ids are examined (a rare text, a quiet
 * thread in a busy trace): past that, the page ends early. An answer that
 * ends early says where the next page starts (`next`: a time and how many
 * lines at that time the pages before held), so that no page rereads what
 * the ones before did.
 */
#include "api.h"
#include "base.h"
#include "jsonsql.h"
#include "query.h"

#include <stdlib.h>
#include <string.h>

enum { DEFAULT_LIMIT = 2000, SCAN_BUDGET = 200000 };

#define LOG_THREAD LOGQUERY_THREAD_NAME("l") /* the name of a log line's thread then */

/* Every line of the window, by the time index: a thread's are kept in C, so
 * that each row read counts against the budget (the name only for those). */
static const char logs_sql[] =
    "SELECT l.thread_id, l.ts, l.text, CASE WHEN ?3 IS NULL OR l.thread_id = ?3 THEN " LOG_THREAD
    " END FROM logs l WHERE l.ts BETWEEN ?1 AND ?2 ORDER BY l.ts, l.id";
static const char event_sql[] =
    "SELECT e.id, e.thread_id, e.ts, " LOGQUERY_COLUMNS " FROM " LOGQUERY_FROM
    " WHERE e.id >= ?1 AND e.id < ?2 AND (?3 IS NULL OR e.thread_id = ?3) ORDER BY e.id";
static const char traces_sql[] =
    "SELECT id FROM traces WHERE begin_ns <= ?2 AND end_ns >= ?1 ORDER BY id";
static const char thread_sql[] = "SELECT 1 FROM threads WHERE id = ?1";

typedef struct {
    int64_t ts, event_id, thread_id;
    char *text;
} line;

typedef struct {
    sqlite3 *db;
    evtime *ev;
    sqlite3_stmt *events; /* event_sql */
    const params *p;
    int limit, want; /* lines to answer; to read: skip + limit + 1 */
    line *lines;
    int n;
    size_t cap;
    int64_t budget; /* rows or event ids still to examine */
    int64_t cut;    /* lines at or after this time may be missing: INT64_MAX when none */
} log_walk;

static bool add_line(log_walk *w, int64_t ts, int64_t event_id, int64_t thread_id, const char *text)
{
    if (!grow_for(&w->lines, (size_t)w->n, &w->cap, sizeof *w->lines, 256))
        return false;
    char *copy = strdup(text);
    if (!copy)
        return false;
    w->lines[w->n++] = (line){ts, event_id, thread_id, copy};
    return true;
}

/* Whether a line holds the text asked for (any line when none was). */
static bool wanted(const log_walk *w, const char *text)
{
    return !w->p->text[0] || strcasestr(text, w->p->text);
}

/* Reads event ids [from, to) (of thread p->thread, if given): their lines
 * that hold the text, until want of them. False on a database error. */
static bool read_events(log_walk *w, int64_t from, int64_t to)
{
    sqlite3_stmt *st = w->events;
    int rc = SQLITE_DONE, found = 0;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    if (w->p->given & PARAM_BIT(PARAM_THREAD))
        sqlite3_bind_int64(st, 3, w->p->thread);
    else
        sqlite3_bind_null(st, 3);
    while (found < w->want && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        char text[1200];
        if (!logquery_line(st, 3, text, sizeof text) || !wanted(w, text))
            continue;
        if (!add_line(w, sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 0),
                      sqlite3_column_int64(st, 1), text))
            return false;
        found++;
    }
    return found >= w->want || rc == SQLITE_DONE;
}

/* One trace's events in the window, ids [from, to), as far as the budget
 * goes: where it ends, the list is cut. */
static bool read_trace(log_walk *w, int64_t from, int64_t to)
{
    int64_t end = to - from > w->budget ? from + w->budget : to, ts;
    w->budget -= end - from;
    if (!read_events(w, from, end))
        return false;
    if (end < to && evtime_ts(w->ev, end, &ts) && ts < w->cut) /* lines at ts may be missing */
        w->cut = ts;
    return true;
}

/* all=1: every trace's range of events in the window. */
static bool every_event(log_walk *w)
{
    sqlite3_stmt *traces = jsonsql_prepare(w->db, traces_sql);
    int rc = SQLITE_ERROR;
    bool ok = traces != NULL;
    if (ok) {
        sqlite3_bind_int64(traces, 1, w->p->t0);
        sqlite3_bind_int64(traces, 2, w->p->t1);
    }
    while (ok && (rc = sqlite3_step(traces)) == SQLITE_ROW) {
        int64_t trace = sqlite3_column_int64(traces, 0);
        int64_t from = evtime_seek(w->ev, 0, trace, w->p->t0, false);
        int64_t to = from < 0 ? -1 : evtime_seek(w->ev, from, trace, w->p->t1, true);
        ok = to >= 0 && read_trace(w, from, to);
    }
    sqlite3_finalize(traces);
    return ok && rc == SQLITE_DONE;
}

/* The last log line read: the next one at the same moment and thread is
 * that thread's next `log` event after event_id, once the `passed` lines
 * between (not holding the text, so not matched) are stepped over. */
typedef struct {
    int64_t thread_id, ts, event_id, passed;
} matched;

/* The id of the log event of a line at (thread, ts), 0 when there is none,
 * -1 on a database error. */
static int64_t log_event(log_walk *w, int64_t thread, int64_t ts, matched *last)
{
    bool again = last->thread_id == thread && last->ts == ts;
    int64_t id = again ? last->event_id : 0;
    for (int64_t step = again ? last->passed : 0; step >= 0 && id >= 0; step--)
        if ((id = evtime_find(w->ev, thread, ts, VOCAB_EV_log, id)) == 0)
            break;
    *last = (matched){thread, ts, id, 0};
    return id;
}

/* A log line's event, and its line as `thrace log` prints it, if it is of the
 * thread asked for (if any) and holds the text. */
static bool log_line(log_walk *w, sqlite3_stmt *logs, matched *last)
{
    int64_t thread = sqlite3_column_int64(logs, 0), ts = sqlite3_column_int64(logs, 1);
    if ((w->p->given & PARAM_BIT(PARAM_THREAD)) && thread != w->p->thread)
        return true;
    char text[1200];
    logquery_message((const char *)sqlite3_column_text(logs, 3),
                     (const char *)sqlite3_column_text(logs, 2), text, sizeof text);
    if (!wanted(w, text)) {
        bool again = last->thread_id == thread && last->ts == ts;
        *last = again ? (matched){thread, ts, last->event_id, last->passed + 1}
                      : (matched){thread, ts, 0, 1};
        return true;
    }
    int64_t id = log_event(w, thread, ts, last);
    if (id < 0)
        return false;
    if (id > 0)
        return read_events(w, id, id + 1);
    /* No such event (a database that is not thrace's own): the table's text. */
    return add_line(w, ts, 0, thread, text);
}

/* all=0: the logs table's lines of the window, until want of them or the
 * budget's end. */
static bool log_lines(log_walk *w)
{
    sqlite3_stmt *logs = jsonsql_prepare(w->db, logs_sql);
    int rc = SQLITE_ERROR;
    matched last = {0, 0, 0, 0};
    bool ok = logs != NULL;
    if (ok) {
        sqlite3_bind_int64(logs, 1, w->p->t0);
        sqlite3_bind_int64(logs, 2, w->p->t1);
        if (w->p->given & PARAM_BIT(PARAM_THREAD))
            sqlite3_bind_int64(logs, 3, w->p->thread);
    }
    while (ok && w->n < w->want && (rc = sqlite3_step(logs)) == SQLITE_ROW) {
        if (w->budget-- == 0) { /* this row and those after are left for the next page */
            w->cut = sqlite3_column_int64(logs, 1);
            rc = SQLITE_DONE;
            break;
        }
        ok = log_line(w, logs, &last);
    }
    sqlite3_finalize(logs);
    return ok && (rc == SQLITE_DONE || w->n >= w->want);
}

static int by_time(const void *a, const void *b)
{
    const line *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return (x->event_id > y->event_id) - (x->event_id < y->event_id);
}

static json_t *line_json(const line *l)
{
    return json_pack("{s:I, s:I, s:o, s:o}", "ts", (json_int_t)l->ts, "thread_id",
                     (json_int_t)l->thread_id, "event_id",
                     l->event_id ? json_integer(l->event_id) : json_null(), "text",
                     jsonsql_text(l->text));
}

/* Where the page after lines [0, end) starts: the last one's time and how
 * many lines at that time come before; with none, the cut (past the
 * window's begin, so that a next page always moves on). */
static json_t *next_json(const log_walk *w, int end)
{
    if (end == 0 || end == w->p->skip) {
        int64_t t0 = w->cut > w->p->t0 ? w->cut : w->p->t0 + 1;
        return json_pack("{s:I, s:i}", "t0", (json_int_t)t0, "skip", 0);
    }
    int64_t ts = w->lines[end - 1].ts;
    int at = 0;
    while (at < end && w->lines[end - 1 - at].ts == ts)
        at++;
    return json_pack("{s:I, s:i}", "t0", (json_int_t)ts, "skip", at);
}

/* The page: the lines read, in time order, past the first skip, at most
 * limit of them and none at or after the cut. */
static json_t *lines_json(log_walk *w)
{
    if (w->n > 0) /* lines is NULL until one is added */
        qsort(w->lines, (size_t)w->n, sizeof *w->lines, by_time);
    int end = (int)w->p->skip;
    while (end < w->n && end < w->p->skip + w->limit && w->lines[end].ts < w->cut)
        end++;
    json_t *a = json_array();
    for (int i = (int)w->p->skip; a && i < end; i++)
        if (json_array_append_new(a, line_json(&w->lines[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    bool truncated = end < w->n || w->cut != INT64_MAX;
    json_t *next = a && truncated ? next_json(w, end) : json_null();
    return a ? json_pack("{s:o, s:b, s:o}", "lines", a, "truncated", truncated, "next", next)
             : NULL;
}

/* 1 when the thread parameter, if given, names a thread; 0 not; -1 error. */
static int thread_exists(sqlite3 *db, const params *p)
{
    if (!(p->given & PARAM_BIT(PARAM_THREAD)))
        return 1;
    sqlite3_stmt *st = jsonsql_prepare(db, thread_sql);
    int rc = SQLITE_ERROR;
    if (st) {
        sqlite3_bind_int64(st, 1, p->thread);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

api_answer api_log(sqlite3 *db, const params *p, const api_server *server)
{
    (void)server;
    int exists = thread_exists(db, p);
    if (exists <= 0)
        return exists ? api_db_error() : api_error(404, "thread: no such thread");
    log_walk w = {.db = db, .p = p, .budget = SCAN_BUDGET, .cut = INT64_MAX};
    w.limit = p->given & PARAM_BIT(PARAM_LIMIT) ? (int)p->limit : DEFAULT_LIMIT;
    w.want = (int)p->skip + w.limit + 1;
    failure ignored; /* the answer says only "database error" */
    w.ev = evtime_new(db, &ignored);
    w.events = jsonsql_prepare(db, event_sql);
    json_t *body = NULL;
    if (w.ev && w.events && (p->all ? every_event(&w) : log_lines(&w)))
        body = lines_json(&w);
    for (int i = 0; i < w.n; i++)
        free(w.lines[i].text);
    free(w.lines);
    sqlite3_finalize(w.events);
    evtime_free(w.ev);
    return body ? api_ok(body) : api_db_error();
}
