/*
 * server.c - the viewer's server (viewer.h): a pool of read-only
 * connections (dbpool.c), a listening socket bound before anything starts
 * (listener.c), and libmicrohttpd with a pool of threads over poll, whose
 * every request routes.c answers. The server owns all three, and the
 * routes_context its threads read (constant while they run).
 */
#include "viewer.h"

#include "dbpool.h"
#include "listener.h"
#include "routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    THREADS = 8,            /* server threads, and database connections */
    MAX_CONNECTIONS = 512,  /* beyond, new connections are refused */
    IDLE_TIMEOUT_S = 30,    /* a connection silent that long is closed */
    REQUEST_MEMORY = 65536, /* per connection: request line and headers must fit */
};

struct server {
    struct MHD_Daemon *daemon;
    dbpool *pool;
    routes_context ctx;
    char url[sizeof((listener *)0)->url];
};

/* poll, not epoll: with libmicrohttpd 0.9.75's epoll, a connection whose
 * bytes and end arrive together (garbage, then a close) may wait for its
 * timeout instead of being answered and closed at once. */
static struct MHD_Daemon *start(int fd, routes_context *ctx)
{
    return MHD_start_daemon(
        MHD_USE_POLL_INTERNAL_THREAD, 0, NULL, NULL, routes_handle, ctx, MHD_OPTION_LISTEN_SOCKET,
        fd, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)THREADS, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)MAX_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)REQUEST_MEMORY, MHD_OPTION_UNESCAPE_CALLBACK,
        routes_unescape, NULL, MHD_OPTION_URI_LOG_CALLBACK, routes_check_query, NULL,
        MHD_OPTION_END);
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
    s->daemon = start(l.fd, &s->ctx);
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
    if (!s->pool) {
        free(s);
        return NULL;
    }
    if (!listen_and_start(s, bind, port, follows, why)) {
        dbpool_close(s->pool);
        free(s);
        return NULL;
    }
    return s;
}

const char *server_url(const server *s)
{
    return s->url;
}

void server_stop(server *s)
{
    MHD_stop_daemon(s->daemon);
    dbpool_close(s->pool);
    free(s);
}
