/*
 * api_deadlocks.c - GET /api/deadlocks: the report `thrace deadlocks FILE.db`
 * prints (tracer/deadlocks/, run over this connection), with its counts
 * and the ids of the threads and objects its findings name, which the page
 * marks on the timeline, and the deadlocks the program saw itself
 * (THRACE_DEADLOCK=1), whose moments the page marks on their threads' lanes.
 */
#include "api.h"
#include "deadlocks.h"

#include <stdio.h>
#include <stdlib.h>

enum { MAX_REPORT = 1 << 20 }; /* bytes of report text sent at most */

/* The ids of one kind (0 threads, 1 objects) among the names kept. */
static json_t *named_ids(const deadlocks_report *r, int64_t kind)
{
    json_t *ids = json_array();
    for (size_t i = 0; ids && i < r->nnamed; i += 2)
        if (r->named[i] == kind && json_array_append_new(ids, json_integer(r->named[i + 1])) != 0) {
            json_decref(ids);
            return NULL;
        }
    return ids;
}

/* The deadlocks the program saw itself: [{thread_id, object_id, ts}]. */
static json_t *seen_list(const deadlocks_report *r)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < r->nseen; i++) {
        const deadlocks_seen *s = &r->seen[i];
        if (json_array_append_new(
                list, json_pack("{s:I, s:I, s:I}", "thread_id", (json_int_t)s->thread_id,
                                "object_id", (json_int_t)s->object_id, "ts", (json_int_t)s->ts)) !=
            0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

static json_t *report_body(const deadlocks_report *r, const char *text, size_t size)
{
    bool cut = size > MAX_REPORT;
    return json_pack("{s:i, s:i, s:i, s:s%, s:o*, s:o*, s:o*, s:b}", "deadlocks", r->deadlocks,
                     "possible", r->possible, "stuck", r->stuck, "report", text,
                     cut ? (size_t)MAX_REPORT : size, "threads", named_ids(r, 0), "objects",
                     named_ids(r, 1), "seen", seen_list(r), "truncated", cut);
}

api_answer api_deadlocks(sqlite3 *db, const params *p, const api_server *server)
{
    (void)p, (void)server;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    if (!out)
        return api_error(500, "out of memory");
    deadlocks_report r;
    failure why; /* not the client's business: it gets "database error" */
    bool ok = deadlocks_analyse(db, "the trace", 0, DEADLOCKS_LIVE_GRACE_NS, out, &r, &why);
    bool written = fclose(out) == 0;
    json_t *body = ok && written ? report_body(&r, text, size) : NULL;
    deadlocks_free(&r);
    free(text);
    if (!ok)
        return api_db_error();
    return api_ok(body);
}
