/*
 * server.c - the viewer's server (viewer.h): a pool of read-only
 * connections (dbpool.c), a listening socket bound before anything starts
 * (listener.c), and libmicrohttpd with a pool of threads over poll, whose
 * every request routes.c answers, with a connection limit per client and a
 * deadline for each request's headers (headerwatch.c), so that clients
 * trickling requests cannot hold every connection. The server owns all
 * four, and the routes_context its threads read (constant while they run).
 */
#include "viewer.h"

#include "dbpool.h"
#include "headerwatch.h"
#include "listener.h"
#include "routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    THREADS = 8,            /* server threads, and database connections */
    MAX_CONNECTIONS = 512,  /* beyond, new connections are refused */
    PER_CLIENT = 64,        /* connections from one address, at most */
    IDLE_TIMEOUT_S = 30,    /* a connection silent that long is closed */
    HEADER_DEADLINE_S = 10, /* a request's line and headers arrive within this */
    REQUEST_MEMORY = 65536, /* per connection: request line and headers must fit */
};

struct server {
    struct MHD_Daemon *daemon;
    dbpool *pool;
    headerwatch *watch;
    routes_context ctx;
    char url[sizeof((listener *)0)->url];
};

/* The request's headers are in: off the watch, then routed. */
static enum MHD_Result server_handle(void *cls, struct MHD_Connection *c, const char *url,
                                     const char *method, const char *version,
                                     const char *upload_data, size_t *upload_data_size,
                                     void **request)
{
    headerwatch_arrived(c);
    return routes_handle(cls, c, url, method, version, upload_data, upload_data_size, request);
}

/* poll, not epoll: with libmicrohttpd 0.9.75's epoll, a connection whose
 * bytes and end arrive together (garbage, then a close) may wait for its
 * timeout instead of being answered and closed at once. */
static struct MHD_Daemon *start(int fd, server *s)
{
    return MHD_start_daemon(
        MHD_USE_POLL_INTERNAL_THREAD, 0, NULL, NULL, server_handle, &s->ctx,
        MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)THREADS,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)PER_CLIENT, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
        MHD_OPTION_NOTIFY_CONNECTION, headerwatch_connection, s->watch, MHD_OPTION_NOTIFY_COMPLETED,
        headerwatch_completed, s->watch, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)REQUEST_MEMORY,
        MHD_OPTION_UNESCAPE_CALLBACK, routes_unescape, NULL, MHD_OPTION_URI_LOG_CALLBACK,
        routes_check_query, NULL, MHD_OPTION_END);
}

/* Binds and starts; on failure, the reason in why, after the address as
 * URLs write it ("[::1]:8080"). */
static bool listen_and_start(server *s, const char *bind, int port, bool follows, failure *why)
{
    char where[96];
    if (strchr(bind, ':'))
        snprintf(where, sizeof where, "[%s]:%d", bind, port);
    else
        snprintf(where, sizeof where, "%s:%d", bind, port);
    listener l;
    if (!listener_open(bind, port, &l, why))
        return failure_prefix(why, where);
    s->ctx = (routes_context){s->pool, l.loopback, {follows}};
    s->daemon = start(l.fd, s);
    if (!s->daemon) {
        close(l.fd);
        return failure_object(why, where, "cannot start the server");
    }
    memcpy(s->url, l.url, sizeof s->url);
    return true;
}

server *server_start(const char *db_path, const char *bind, int port, bool follows, failure *why)
{
    server *s = calloc(1, sizeof *s);
    if (!s) {
        failure_set(why, "out of memory");
        return NULL;
    }
    s->pool = dbpool_open(db_path, THREADS, why);
    if (s->pool && (s->watch = headerwatch_start(HEADER_DEADLINE_S, why)) &&
        listen_and_start(s, bind, port, follows, why))
        return s;
    if (s->watch)
        headerwatch_stop(s->watch);
    if (s->pool)
        dbpool_close(s->pool);
    free(s);
    return NULL;
}

const char *server_url(const server *s)
{
    return s->url;
}

void server_stop(server *s)
{
    MHD_stop_daemon(s->daemon);
    headerwatch_stop(s->watch);
    dbpool_close(s->pool);
    free(s);
}
