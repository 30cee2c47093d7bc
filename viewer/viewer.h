/*
 * viewer.h - the public face of viewer/: its server (server.c), for
 * whoever hosts it: `thrace serve` and `thrace daemon`, which serves the database it is writing
 * from the same process. One call opens the database read-only, binds the
 * address and starts libmicrohttpd's threads; another stops them. Prints
 * nothing: the host words its own messages.
 */
#ifndef THRACE_VIEWER_VIEWER_H
#define THRACE_VIEWER_VIEWER_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct server server;

/*
 * Opens db_path read-only (a pool of connections, dbpool.h; a database in
 * WAL mode may be written meanwhile, by this process or another: each
 * request reads one snapshot), binds bind:port (an IPv4 or IPv6 literal;
 * port 0 picks a free one) and starts the server's threads. They inherit
 * the caller's signal mask: a host that waits for signals (sigwait)
 * blocks them first. The host also ignores SIGPIPE, so that a browser
 * closing a connection early cannot end the process (tracer/cli/serve.c
 * does both).
 * follows: a daemon is storing into the database (`thrace daemon`), so
 * that traces may appear: /api/trace says so, and the page keeps asking.
 *
 * NULL on failure, with the reason in why: "ADDR:PORT: reason" for the
 * address ("[ADDR]:PORT" for IPv6), "FILE: reason" for the database, or
 * "out of memory".
 */
server *server_start(const char *db_path, const char *bind, int port, bool follows, failure *why);

/* The address served, "http://127.0.0.1:8080/" or "http://[::1]:8080/"
 * (with the port picked when 0 was asked for). */
const char *server_url(const server *s);

/* Stops the threads (requests under way finish first), closes the
 * listening socket and the database's connections, and frees s. */
void server_stop(server *s);

#endif
