/*
 * serve.c - `thrace serve FILE.db [--port N] [--bind ADDR]`: the viewer's
 * command line and the server's life. Opens the database read-only (a
 * connection per server thread, dbpool.c), binds the address (listener.c),
 * starts libmicrohttpd with a pool of threads over poll (routes.c answers
 * each request), prints the address, and stops cleanly on SIGINT or
 * SIGTERM: the signals are blocked in every thread and taken by sigwait in
 * this one, so no handler runs inside a request.
 */
#include "cli.h"
#include "commands.h"
#include "dbpool.h"
#include "listener.h"
#include "routes.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    THREADS = 8,            /* server threads, and database connections */
    MAX_CONNECTIONS = 512,  /* beyond, new connections are refused */
    IDLE_TIMEOUT_S = 30,    /* a connection silent that long is closed */
    REQUEST_MEMORY = 65536, /* per connection: request line and headers must fit */
    DEFAULT_PORT = 8080,
};

typedef struct {
    const char *db_path;
    const char *bind;
    int port;
} serve_options;

static const char usage[] =
    "usage: thrace serve FILE.db [--port N] [--bind ADDR]\n"
    "\n"
    "Serves the trace's timelines to a browser: one lane per thread and per\n"
    "object, the log, the contention figures. The database is only read.\n"
    "\n"
    "  --port N     the TCP port (default 8080; 0 picks a free one)\n"
    "  --bind ADDR  the IPv4 or IPv6 address to listen on (default 127.0.0.1)\n"
    "  -h, --help   this help\n";

static int parse_port(const char *text, int *port)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (!*text || *end || v < 0 || v > 65535)
        return cli_usage_error("serve", "--port: not a port number (0 to 65535)");
    *port = (int)v;
    return CLI_OK;
}

static int parse(int argc, char **argv, serve_options *o)
{
    static const struct option longopts[] = {{"port", required_argument, NULL, 'p'},
                                             {"bind", required_argument, NULL, 'b'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int c, rc;
    optind = 1;
    opterr = 0; /* our own one-line message instead */
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (c == 'p' && (rc = parse_port(optarg, &o->port)) != CLI_OK)
            return rc;
        if (c == 'b')
            o->bind = optarg;
        else if (c == 'h')
            return fputs(usage, stdout) < 0 ? CLI_FAIL : -1;
        else if (c == ':')
            return cli_usage_error("serve", "option '%s' needs a value", argv[optind - 1]);
        else if (c != 'p')
            return cli_usage_error("serve", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1)
        return cli_usage_error("serve", "expected one database, FILE.db");
    o->db_path = argv[optind];
    return CLI_OK;
}

/* poll, not epoll: with libmicrohttpd 0.9.75's epoll, a connection whose
 * bytes and end arrive together (garbage, then a close) may wait for its
 * timeout instead of being answered and closed at once. */
static struct MHD_Daemon *start(const listener *l, routes_context *ctx)
{
    return MHD_start_daemon(
        MHD_USE_POLL_INTERNAL_THREAD, 0, NULL, NULL, routes_handle, ctx, MHD_OPTION_LISTEN_SOCKET,
        l->fd, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)THREADS, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)MAX_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)REQUEST_MEMORY, MHD_OPTION_UNESCAPE_CALLBACK,
        routes_unescape, NULL, MHD_OPTION_END);
}

/* Serves until SIGINT or SIGTERM. */
static int serve(const serve_options *o, dbpool *pool)
{
    listener l;
    const char *err;
    char where[96];
    if (strchr(o->bind, ':'))
        snprintf(where, sizeof where, "[%s]:%d", o->bind, o->port); /* as URLs write IPv6 */
    else
        snprintf(where, sizeof where, "%s:%d", o->bind, o->port);
    if (!listener_open(o->bind, o->port, &l, &err))
        return cli_error("serve", where, "%s", err);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* before any thread starts: they inherit it */
    signal(SIGPIPE, SIG_IGN);
    routes_context ctx = {pool, l.loopback};
    struct MHD_Daemon *d = start(&l, &ctx);
    if (!d) {
        close(l.fd);
        return cli_error("serve", where, "cannot start the server");
    }
    printf("thrace serve: %s (Ctrl-C to stop)\n", l.url);
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    return CLI_OK;
}

int serve_main(int argc, char **argv)
{
    serve_options o = {.bind = "127.0.0.1", .port = DEFAULT_PORT};
    int rc = parse(argc, argv, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    const char *err;
    dbpool *pool = dbpool_open(o.db_path, THREADS, &err);
    if (!pool)
        return cli_error("serve", o.db_path, "%s", err);
    rc = serve(&o, pool);
    dbpool_close(pool);
    return rc;
}
