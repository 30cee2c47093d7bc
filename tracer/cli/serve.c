/*
 * serve.c - `thrace serve FILE.db [--port N] [--bind ADDR]`: the viewer's
 * command line and the server's life. Starts the viewer's server (viewer/server.c: the
 * database read-only, the address bound, libmicrohttpd's threads), prints
 * the address, and stops cleanly on SIGINT or SIGTERM: the signals are
 * blocked in every thread and taken by sigwait in this one, so no handler
 * runs inside a request.
 */
#include "cli.h"
#include "commands.h"
#include "viewer.h"

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

enum { DEFAULT_PORT = 8080 };

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

/* Serves until SIGINT or SIGTERM. */
static int serve(const serve_options *o)
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* before any thread starts: they inherit it */
    signal(SIGPIPE, SIG_IGN);
    failure why;
    server *s = server_start(o->db_path, o->bind, o->port, false, &why);
    if (!s)
        return cli_failure("serve", &why);
    printf("thrace serve: %s (Ctrl-C to stop)\n", server_url(s));
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    server_stop(s);
    return CLI_OK;
}

int serve_main(int argc, char **argv)
{
    serve_options o = {.bind = "127.0.0.1", .port = DEFAULT_PORT};
    const cli_option options[] = {
        CLI_OPTION("port", 0, CLI_PORT, &o.port),
        CLI_OPTION("bind", 0, CLI_TEXT, &o.bind),
        CLI_END,
    };
    const cli_spec spec = {
        .command = "serve", .usage = usage, .options = options, CLI_ONE_DATABASE};
    int first, status;
    if (!cli_parse(&spec, argc, argv, &first, &status))
        return status;
    o.db_path = argv[first];
    return serve(&o);
}
