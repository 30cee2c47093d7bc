/*
 * api_trace.c - GET /api/trace: what the page needs to draw its lanes: the
 * time span, the traces, processes, threads (in lane order: per process,
 * the main thread first, then by thrace id) and objects, and whether any
 * trace is live (`thrace daemon` still storing it: the page then asks
 * again, as the answer grows), and whether a daemon stores into the
 * database at all (traces may then appear: the page keeps asking).
 */
#include "api.h"
#include "jsonsql.h"
#include "vocabulary.h"

enum { MAX_ROWS = 4096 };

/* changes: what the traces rows count of their rows, summed (API.md): it
 * moves whenever a trace is stored, grows, loses events (any cause), is
 * cut or ends (a cut counts 2, so that a trace that ends cut moves it
 * though its live flag drops); one row per trace, so the page learns
 * cheaply whether to ask for the costlier answers again. cut_ns: the
 * first cut. activity_*: the programs' first and last events, from the
 * processes rows (a row each, kept as the trace is stored): a trace ends
 * at the session's stop, often long after its program's last event. */
static const char totals_sql[] =
    "SELECT MIN(begin_ns), MAX(end_ns), COALESCE(SUM(events), 0), COALESCE(SUM(discarded), 0),"
    " COALESCE(SUM(unread), 0), MIN(cut_ns), COALESCE(MAX(live <> 0), 0),"
    " COALESCE(SUM(1 + events + discarded + unread + 2 * (cut_ns IS NOT NULL) + (live <> 0)), 0),"
    " (SELECT MIN(begin_ns) FROM processes), (SELECT MAX(end_ns) FROM processes)"
    " FROM traces";
static const char *const totals_names[] = {
    "begin_ns", "end_ns", "events",  "discarded",         "unread",
    "cut_ns",   "live",   "changes", "activity_begin_ns", "activity_end_ns"};

static const char traces_sql[] =
    "SELECT id, uuid, hostname, path, begin_ns, end_ns, events, discarded, unread, cut_ns,"
    " live <> 0 FROM traces ORDER BY id LIMIT ?1";
static const char *const traces_names[] = {"id",       "uuid",   "hostname", "path",
                                           "begin_ns", "end_ns", "events",   "discarded",
                                           "unread",   "cut_ns", "live"};

static const char processes_sql[] =
    "SELECT id, trace_id, pid, name FROM processes ORDER BY id LIMIT ?1";
static const char *const processes_names[] = {"id", "trace_id", "pid", "name"};

static const char threads_sql[] =
    "SELECT id, process_id, tid, name, kind, daemon <> 0, begin_ns, end_ns FROM threads"
    " ORDER BY process_id, kind <> " SQL_THREAD_KIND(main) ", tid LIMIT ?1";
static const char *const threads_names[] = {"id",   "process_id", "tid",      "name",
                                            "kind", "daemon",     "begin_ns", "end_ns"};

/* made_at: the site of objects.made_site, as the reports write it. */
static const char objects_sql[] =
    "SELECT o.id, o.process_id, o.obj, o.kind, o.name, o.param, o.symbol, s.file, s.line, s.func"
    " FROM objects o LEFT JOIN callsites s ON s.id = o.made_site ORDER BY o.process_id, o.obj"
    " LIMIT ?1";
static const char *const objects_names[] = {"id",   "process_id", "obj",   "kind",
                                            "name", "param",      "symbol"};

typedef struct {
    const char *key, *sql;
    const char *const *names;
    int n;
    const char *site_key; /* the site in the 3 columns after the n named, or NULL */
} list;

static const list lists[] = {
    {"traces", traces_sql, traces_names, 11, NULL},
    {"processes", processes_sql, processes_names, 4, NULL},
    {"threads", threads_sql, threads_names, 8, NULL},
    {"objects", objects_sql, objects_names, 7, "made_at"},
};

/* SQLite has no boolean: key comes as 0 or 1 in o. */
static void as_boolean(json_t *o, const char *key)
{
    json_object_set_new(o, key, json_boolean(json_integer_value(json_object_get(o, key))));
}

/* The same, in every element of the array a. */
static void all_as_boolean(json_t *a, const char *key)
{
    size_t i;
    json_t *o;
    json_array_foreach(a, i, o)
    {
        as_boolean(o, key);
    }
}

api_answer api_trace(sqlite3 *db, const params *p, const api_server *server)
{
    (void)p;
    bool truncated, any = false;
    json_t *rows = jsonsql_rows(db, totals_sql, totals_names, 10, 1, &truncated, "");
    json_t *body = rows ? json_incref(json_array_get(rows, 0)) : NULL;
    json_decref(rows);
    if (body)
        json_object_set_new(body, "daemon", json_boolean(server->follows));
    for (size_t i = 0; body && i < sizeof lists / sizeof lists[0]; i++) {
        const list *l = &lists[i];
        json_t *a = jsonsql_rows_sited(db, l->sql, l->names, l->n, l->site_key, MAX_ROWS,
                                       &truncated, "i", (int64_t)MAX_ROWS + 1);
        if (!a) {
            json_decref(body);
            return api_db_error();
        }
        any |= truncated;
        json_object_set_new(body, l->key, a);
    }
    if (!body)
        return api_db_error();
    as_boolean(body, "live");
    all_as_boolean(json_object_get(body, "traces"), "live");
    all_as_boolean(json_object_get(body, "threads"), "daemon");
    json_object_set_new(body, "truncated", json_boolean(any));
    return api_ok(body);
}
