/*
 * api_deadlocks.c - GET /api/deadlocks: the report `thrace deadlocks FILE.db`
 * prints (tracer/deadlocks/, run over this connection), with its counts,
 * the ids of the threads and objects its findings name, which the page
 * marks on the timeline, those threads' processes with pid and host, and
 * the deadlocks the program saw itself (THRACE_DEADLOCK=1), whose moments
 * the page marks on their threads' lanes; and its findings as the cards
 * of the page's Deadlocks tab (findings.c).
 * An analysis may be long on a long trace: each has a budget, and only two
 * run at once (a count shared by the server's threads), so that however
 * many are asked for, the other endpoints keep threads to answer on.
 */
#include "api.h"
#include "deadlocks.h"
#include "findings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    MAX_REPORT = 1 << 20, /* bytes of report text sent at most */
    MAX_ANALYSES = 2,     /* under way at once; beyond, 503 */
    BUDGET_S = 10,        /* an analysis running longer stops: 503 */
};

static int api_deadlocks_running; /* analyses under way, over every thread (atomic) */

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

/* Whether list holds an item whose "id" is id. */
static bool listed(const json_t *list, int64_t id)
{
    for (size_t i = 0; i < json_array_size(list); i++)
        if (json_integer_value(json_object_get(json_array_get(list, i), "id")) == id)
            return true;
    return false;
}

/* The processes of the threads the findings name, each once: [{id, pid, hostname}]. */
static json_t *named_processes(const deadlocks_report *r)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < r->nnamed; i += 2) {
        const catalog_thread *t =
            r->named[i] == 0 ? catalog_thread_of(&r->cat, r->named[i + 1]) : NULL;
        if (!t || listed(list, t->process_id))
            continue;
        if (json_array_append_new(list,
                                  json_pack("{s:I, s:I, s:s?}", "id", (json_int_t)t->process_id,
                                            "pid", (json_int_t)t->pid, "hostname", t->host)) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
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

static json_t *report_body(sqlite3 *db, const deadlocks_report *r, const char *text, size_t size)
{
    bool cut = size > MAX_REPORT;
    size_t sent = cut ? (size_t)MAX_REPORT : size;
    return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:s%, s:o*, s:o*, s:o*, s:o*, s:o*, s:b}",
                     "deadlocks", r->deadlocks, "possible", r->possible, "stuck", r->stuck,
                     "unknown", r->unknown, "leaks", r->leaks, "overreleases", r->overreleases,
                     "report", text, sent, "threads", named_ids(r, 0), "objects", named_ids(r, 1),
                     "processes", named_processes(r), "seen", seen_list(r), "findings",
                     findings_json(db, r, text, sent), "truncated", cut);
}

/* The analysis, its report and answer. */
static api_answer api_deadlocks_analyse(sqlite3 *db)
{
    char *text;
    deadlocks_report r;
    failure why; /* not the client's business: it gets "database error" */
    bool ok = deadlocks_analyse_text(db, "the trace", 0, DEADLOCKS_LIVE_GRACE_NS,
                                     (int64_t)BUDGET_S * 1000000000, &text, &r, &why);
    json_t *body = ok ? report_body(db, &r, text, strlen(text)) : NULL;
    bool over_budget = r.over_budget;
    deadlocks_free(&r);
    free(text);
    char message[96];
    snprintf(message, sizeof message, "deadlocks: the analysis took longer than its budget (%d s)",
             BUDGET_S);
    if (over_budget)
        return api_error(503, message);
    if (!ok)
        return api_db_error();
    return api_ok(body);
}

api_answer api_deadlocks(sqlite3 *db, const params *p, const api_server *server)
{
    (void)p, (void)server;
    api_answer a;
    char message[96];
    if (__atomic_add_fetch(&api_deadlocks_running, 1, __ATOMIC_ACQ_REL) > MAX_ANALYSES) {
        snprintf(message, sizeof message,
                 "deadlocks: busy (%d analyses under way): ask again later", MAX_ANALYSES);
        a = api_error(503, message);
    } else {
        a = api_deadlocks_analyse(db);
    }
    __atomic_sub_fetch(&api_deadlocks_running, 1, __ATOMIC_ACQ_REL);
    return a;
}
