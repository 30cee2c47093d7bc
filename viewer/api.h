/*
 * api.h - the viewer's JSON endpoints (viewer/API.md), one file each or per
 * group: api_trace.c, api_window.c, api_detail.c (interval, event),
 * api_log.c, api_stats.c, api_deadlocks.c. Each gets a connection of its own, parameters
 * already validated (routes.c) and what its server says of itself, and answers a status
 * with a JSON body: a jansson tree, or text already written (jsontext.h) for an answer
 * too big for a tree.
 */
#ifndef THRACE_VIEWER_API_H
#define THRACE_VIEWER_API_H

#include "params.h"

#include <jansson.h>
#include <sqlite3.h>

typedef struct {
    unsigned status; /* an HTTP status */
    json_t *body;    /* owned by the answer; NULL only when out of memory or text is set */
    char *text;      /* the body as JSON text instead (malloc'ed, owned), or NULL */
} api_answer;

/* What the server says of itself to every endpoint; constant while it runs. */
typedef struct {
    bool follows; /* a daemon is storing into the database: traces may appear and grow */
} api_server;

typedef api_answer (*api_handler)(sqlite3 *db, const params *p, const api_server *server);

api_answer api_trace(sqlite3 *db, const params *p, const api_server *server);
api_answer api_window(sqlite3 *db, const params *p, const api_server *server);
api_answer api_interval(sqlite3 *db, const params *p, const api_server *server);
api_answer api_event(sqlite3 *db, const params *p, const api_server *server);
api_answer api_log(sqlite3 *db, const params *p, const api_server *server);
api_answer api_stats(sqlite3 *db, const params *p, const api_server *server);
api_answer api_deadlocks(sqlite3 *db, const params *p, const api_server *server);

/* {"error": message}: message is ours, never a client's input nor SQL text. */
static inline api_answer api_error(unsigned status, const char *message)
{
    return (api_answer){status, json_pack("{s:s}", "error", message), NULL};
}

/* A database failure, whatever it was: 500. */
static inline api_answer api_db_error(void)
{
    return api_error(500, "database error");
}

/* 200 with body, or 500 when building it ran out of memory (body NULL). */
static inline api_answer api_ok(json_t *body)
{
    return body ? (api_answer){200, body, NULL} : api_error(500, "out of memory");
}

/* 200 with body as JSON text, or 500 when writing it ran out of memory (text NULL). */
static inline api_answer api_ok_text(char *text)
{
    return text ? (api_answer){200, NULL, text} : api_error(500, "out of memory");
}

#endif
