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

/* MHD's access handler; cls is a routes_context. */
enum MHD_Result routes_handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **request);

#endif
