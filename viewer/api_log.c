/*
 * api_log.c - GET /api/log: the `thrace log` text of a window, in time
 * order, bounded by limit. Log lines come from the logs table (indexed by
 * time), each matched to its event for the event's id and its line as
 * `thrace log` prints it. With all=1, every event of the window: each
 * trace's window is a range of event ids (tracer/query/evtime.c), read in id order and
 * merged by time, at most SCAN_BUDGET event ids examined in all (a quiet
 * thread in a busy trace): past that, the list ends early.
 */
#include "api.h"
#include "jsonsql.h"
#include "query.h"

#include <stdlib.h>
#include <string.h>

enum { DEFAULT_LIMIT = 2000, SCAN_BUDGET = 200000 };

#define LOG_THREAD LOGQUERY_THREAD_NAME("l") /* the name of a log line's thread then */

static const char logs_sql[] = "SELECT l.thread_id, l.ts, l.text, " LOG_THREAD " FROM logs l"
                               " WHERE l.ts BETWEEN ?1 AND ?2 AND (?3 IS NULL OR l.thread_id = ?3)"
                               " ORDER BY l.ts, l.id LIMIT ?4";
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
    int limit;
    line *lines;
    int n, size;
    int64_t budget;
    int64_t cut; /* lines after this time may be missing: INT64_MAX when none */
} log_walk;

static bool add_line(log_walk *w, int64_t ts, int64_t event_id, int64_t thread_id, const char *text)
{
    if (w->n == w->size) {
        int size = w->size ? 2 * w->size : 256;
        line *grown = realloc(w->lines, (size_t)size * sizeof *grown);
        if (!grown)
            return false;
        w->lines = grown;
        w->size = size;
    }
    char *copy = strdup(text);
    if (!copy)
        return false;
    w->lines[w->n++] = (line){ts, event_id, thread_id, copy};
    return true;
}

/* Reads event ids [from, to) (of thread p->thread, if given): their lines,
 * until limit + 1 of them. False on a database error. */
static bool read_events(log_walk *w, int64_t from, int64_t to)
{
    sqlite3_stmt *st = w->events;
    int rc, found = 0;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    if (w->p->given & PARAM_BIT(PARAM_THREAD))
        sqlite3_bind_int64(st, 3, w->p->thread);
    else
        sqlite3_bind_null(st, 3);
    while (found <= w->limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        char text[1200];
        if (!logquery_line(st, 3, text, sizeof text))
            continue;
        if (!add_line(w, sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 0),
                      sqlite3_column_int64(st, 1), text))
            return false;
        found++;
    }
    return found > w->limit || rc == SQLITE_DONE;
}

/* One trace's events in the window, ids [from, to), as far as the budget
 * goes: where it ends, the list is cut. */
static bool read_trace(log_walk *w, int64_t from, int64_t to)
{
    int64_t end = to - from > w->budget ? from + w->budget : to, ts;
    w->budget -= end - from;
    if (!read_events(w, from, end))
        return false;
    if (end < to && evtime_ts(w->ev, end, &ts) && ts < w->cut)
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

/* The last log line matched: the next one at the same moment and thread
 * is that thread's next `log` event. */
typedef struct {
    int64_t thread_id, ts, event_id;
} matched;

/* A log line's event, and its line as `thrace log` prints it (none for an
 * empty message). */
static bool log_line(log_walk *w, sqlite3_stmt *logs, matched *last)
{
    int64_t thread = sqlite3_column_int64(logs, 0), ts = sqlite3_column_int64(logs, 1);
    bool again = last->thread_id == thread && last->ts == ts;
    int64_t id = evtime_find(w->ev, thread, ts, VOCAB_EV_log, again ? last->event_id : 0);
    if (id < 0)
        return false;
    *last = (matched){thread, ts, id};
    if (id > 0)
        return read_events(w, id, id + 1);
    /* No such event (a database that is not thrace's own): the table's text. */
    char text[1200];
    logquery_message((const char *)sqlite3_column_text(logs, 3),
                     (const char *)sqlite3_column_text(logs, 2), text, sizeof text);
    return add_line(w, ts, 0, thread, text);
}

/* all=0: the logs table's lines of the window. */
static bool log_lines(log_walk *w)
{
    sqlite3_stmt *logs = jsonsql_prepare(w->db, logs_sql);
    int rc = SQLITE_ERROR;
    matched last = {0, 0, 0};
    bool ok = logs != NULL;
    if (ok) {
        sqlite3_bind_int64(logs, 1, w->p->t0);
        sqlite3_bind_int64(logs, 2, w->p->t1);
        if (w->p->given & PARAM_BIT(PARAM_THREAD))
            sqlite3_bind_int64(logs, 3, w->p->thread);
        sqlite3_bind_int64(logs, 4, w->limit + 1);
    }
    while (ok && (rc = sqlite3_step(logs)) == SQLITE_ROW)
        ok = log_line(w, logs, &last);
    sqlite3_finalize(logs);
    return ok && rc == SQLITE_DONE;
}

static int by_time(const void *a, const void *b)
{
    const line *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return (x->event_id > y->event_id) - (x->event_id < y->event_id);
}

static json_t *lines_json(log_walk *w)
{
    if (w->n > 0) /* lines is NULL until one is added */
        qsort(w->lines, (size_t)w->n, sizeof *w->lines, by_time);
    bool truncated = w->cut != INT64_MAX;
    json_t *a = json_array();
    for (int i = 0; a && i < w->n; i++) {
        const line *l = &w->lines[i];
        if (i == w->limit || l->ts > w->cut) {
            truncated = true;
            break;
        }
        json_t *o = json_pack("{s:I, s:I, s:o, s:o}", "ts", (json_int_t)l->ts, "thread_id",
                              (json_int_t)l->thread_id, "event_id",
                              l->event_id ? json_integer(l->event_id) : json_null(), "text",
                              jsonsql_text(l->text));
        if (json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a ? json_pack("{s:o, s:b}", "lines", a, "truncated", truncated) : NULL;
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
