/*
 * api_stats.c - GET /api/stats: what `thrace stats` prints, as numbers,
 * from the same queries (tracer/query/statsquery.c, and losses.c for what
 * the traces lost, by cause), each row with its process and host.
 */
#include "api.h"
#include "jsonsql.h"
#include "query.h"

enum { MAX_ROWS = 4096 };

/* The names of statsquery's columns, in its order. */
static const char *const names[] = {
    [STATSQUERY_NAME] = "name",
    [STATSQUERY_KIND] = "kind",
    [STATSQUERY_ACQUIRED] = "acquired",
    [STATSQUERY_CONTENDED] = "contended",
    [STATSQUERY_WAIT_TOTAL] = "wait_total_ns",
    [STATSQUERY_WAIT_MAX] = "wait_max_ns",
    [STATSQUERY_HOLD_TOTAL] = "hold_total_ns",
    [STATSQUERY_HOLD_MAX] = "hold_max_ns",
    [STATSQUERY_ID] = "id",
    [STATSQUERY_PROCESS_ID] = "process_id",
    [STATSQUERY_PID] = "pid",
    [STATSQUERY_HOSTNAME] = "hostname",
};

api_answer api_stats(sqlite3 *db, const params *p, const api_server *server)
{
    (void)p, (void)server;
    static const char *const lost_names[] = {"discarded", "unread", "cut_ns"};
    bool objects_cut, threads_cut, one;
    json_t *objects = jsonsql_rows(db, statsquery_objects, names, STATSQUERY_NCOLUMNS, MAX_ROWS,
                                   &objects_cut, "");
    json_t *threads = jsonsql_rows(db, statsquery_threads, names, STATSQUERY_NCOLUMNS, MAX_ROWS,
                                   &threads_cut, "");
    json_t *lost = jsonsql_rows(db, losses_sql, lost_names, 3, 1, &one, "i", (int64_t)0);
    json_t *body = NULL;
    if (objects && threads && lost) {
        body = json_pack("{s:O, s:O, s:b}", "objects", objects, "threads", threads, "truncated",
                         objects_cut || threads_cut);
        if (body)
            json_object_update(body, json_array_get(lost, 0));
    }
    json_decref(objects);
    json_decref(threads);
    json_decref(lost);
    return body ? api_ok(body) : api_db_error();
}
