/*
 * routes.h - the viewer's request handler: checks the method and the Host,
 * finds the route, validates every query parameter (params.c) and only
 * then runs the endpoint (api.h) on a pooled connection; any other path is
 * the page's (assets.h) or 404.
 */
#ifndef THRACE_VIEWER_ROUTES_H
#define THRACE_VIEWER_ROUTES_H

#include "api.h"
#include "dbpool.h"

#include <microhttpd.h>
#include <stdbool.h>

typedef struct {
    dbpool *pool;
    bool loopback;     /* bound to a loopback address: only local Host names are served */
    api_server server; /* told to every endpoint (/api/trace says whether a daemon follows) */
} routes_context;

/* MHD's unescaper for paths and query arguments: %XX as usual, except
 * %00, left as it is, so that no name or value holds a NUL ("/%00" is no
 * "/"). Returns the new length. */
size_t routes_unescape(void *cls, struct MHD_Connection *c, char *s);

/* A request's query arguments, at most: each endpoint takes each of its
 * parameters once, and no endpoint takes all of params.h's. */
#define ROUTES_MAX_ARGUMENTS 16

/*
 * MHD's URI callback, called with the request's line before MHD parses its
 * query into the connection's memory (64 KiB, where a thousand short
 * arguments would leave no room for an answer): a query of more than
 * ROUTES_MAX_ARGUMENTS arguments is cut off, and the request marked for
 * routes_handle to refuse (400). Returns the mark, or NULL.
 */
void *routes_check_query(void *cls, const char *uri, struct MHD_Connection *c);

/* MHD's access handler; cls is a routes_context. */
enum MHD_Result routes_handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **request);

#endif
